/* Unit tests for src/tui/mouse: cells to what the views noted there,
 * events to the keys and actions they stand for (tables), curses' button
 * masks to presses, then clicks on views drawn into real windows at the
 * app's offsets, run through action_run and action_key as the app runs
 * them: a tab, a row and the same row again, a column title twice, the
 * wheel, a key bar label, a Log line, and nothing while a prompt is
 * open. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "offscreen.h"
#include "ipc/msg.h"
#include "tui/action.h"
#include "tui/model.h"
#include "tui/mouse.h"
#include "tui/view.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define NONE	(-1)

/* ---- cells to targets -------------------------------------------------- */

/* A screen as the app tiles it at 80x24: tabs on row 4, the body from row
 * 5, the key bar on row 23; a label drawn over a row's start. */
static const struct view_hit screen[] = {
	{ 4, 0, 14, VIEW_HIT_KEY, 27 },			/* " Esc: torrents " */
	{ 4, 15, 11, VIEW_HIT_TAB, VIEW_PIECES },
	{ 4, 27, 13, VIEW_HIT_TAB, VIEW_PEERS },
	{ 5, 1, 5, VIEW_HIT_COLUMN, 0 },
	{ 5, 6, 22, VIEW_HIT_COLUMN, 1 },
	{ 6, 0, 80, VIEW_HIT_ROW, 10 },
	{ 7, 0, 80, VIEW_HIT_ROW, 11 },
	{ 8, 0, 80, VIEW_HIT_ROW, 12 },
	{ 7, 0, 3, VIEW_HIT_KEY, 'x' },			/* drawn last: wins */
	{ 23, 60, 6, VIEW_HIT_KEY, 'q' },
	{ 23, 70, 8, VIEW_HIT_KEY, -1 },		/* "d/u": no one key */
};

static void
fill_hits(struct view_hits *h)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->hit, screen, sizeof(screen));
	h->n = N(screen);
}

static void
test_hit_at(void **state)
{
	static const struct {
		int	y, x;
		int	kind, arg;	/* kind NONE: nothing there */
	} cases[] = {
		{ 4, 0, VIEW_HIT_KEY, 27 }, { 4, 13, VIEW_HIT_KEY, 27 },
		{ 4, 14, NONE, 0 },			/* the blank between */
		{ 4, 15, VIEW_HIT_TAB, VIEW_PIECES },
		{ 4, 25, VIEW_HIT_TAB, VIEW_PIECES },
		{ 4, 26, NONE, 0 },
		{ 4, 27, VIEW_HIT_TAB, VIEW_PEERS },
		{ 4, 39, VIEW_HIT_TAB, VIEW_PEERS }, { 4, 40, NONE, 0 },
		{ 5, 0, NONE, 0 }, { 5, 1, VIEW_HIT_COLUMN, 0 },
		{ 5, 5, VIEW_HIT_COLUMN, 0 }, { 5, 6, VIEW_HIT_COLUMN, 1 },
		{ 5, 27, VIEW_HIT_COLUMN, 1 }, { 5, 28, NONE, 0 },
		{ 6, 0, VIEW_HIT_ROW, 10 }, { 6, 79, VIEW_HIT_ROW, 10 },
		{ 6, 80, NONE, 0 },
		{ 7, 2, VIEW_HIT_KEY, 'x' }, { 7, 3, VIEW_HIT_ROW, 11 },
		{ 9, 5, NONE, 0 },			/* under the last row */
		{ 23, 59, NONE, 0 }, { 23, 60, VIEW_HIT_KEY, 'q' },
		{ 23, 65, VIEW_HIT_KEY, 'q' }, { 23, 66, NONE, 0 },
		{ -1, 0, NONE, 0 }, { 0, -1, NONE, 0 }, { 1000, 1000, NONE, 0 },
	};
	struct view_hits	*h = malloc(sizeof(*h));
	const struct view_hit	*got;
	size_t			 i;

	(void)state;
	assert_non_null(h);
	fill_hits(h);
	for (i = 0; i < N(cases); i++) {
		got = mouse_hit_at(h, cases[i].y, cases[i].x);
		if (cases[i].kind == NONE ? got != NULL : got == NULL ||
		    got->kind != cases[i].kind || got->arg != cases[i].arg)
			fail_msg("(%d, %d): got %d/%d, want %d/%d", cases[i].y,
			    cases[i].x, got != NULL ? got->kind : NONE,
			    got != NULL ? got->arg : 0, cases[i].kind,
			    cases[i].arg);
	}
	assert_null(mouse_hit_at(NULL, 4, 0));
	h->n = 0;				/* a frame noted nothing */
	assert_null(mouse_hit_at(h, 4, 0));
	free(h);
}

/* ---- events to actions ------------------------------------------------- */

static void
test_actions(void **state)
{
	static const struct {
		const char		*name;
		enum mouse_press	 p;
		int			 y, x;
		size_t			 n;
		struct mouse_action	 want[MOUSE_OUT_MAX];
	} cases[] = {
		{ "tab", MOUSE_CLICK, 4, 30, 1,
		    { { -1, ACT_VIEW_GOTO, VIEW_PEERS } } },
		{ "Esc tab", MOUSE_CLICK, 4, 3, 1, { { 27, ACT_NONE, 0 } } },
		{ "a row", MOUSE_CLICK, 7, 40, 1,
		    { { -1, ACT_SELECT, 11 } } },
		{ "another row", MOUSE_CLICK, 6, 79, 1,
		    { { -1, ACT_SELECT, 10 } } },
		{ "double click", MOUSE_DOUBLE, 8, 40, 2,
		    { { -1, ACT_SELECT, 12 }, { -1, ACT_SELECT, 12 } } },
		{ "title", MOUSE_CLICK, 5, 10, 1,
		    { { -1, ACT_SORT_BY, 1 } } },
		{ "key", MOUSE_CLICK, 23, 61, 1, { { 'q', ACT_NONE, 0 } } },
		{ "label over a row", MOUSE_CLICK, 7, 0, 1,
		    { { 'x', ACT_NONE, 0 } } },
		{ "d/u", MOUSE_CLICK, 23, 72, 0, { { 0 } } },
		{ "nothing there", MOUSE_CLICK, 12, 5, 0, { { 0 } } },
		{ "wheel up", MOUSE_WHEEL_UP, 12, 5, 3,
		    { { -1, ACT_UP, 0 }, { -1, ACT_UP, 0 },
		    { -1, ACT_UP, 0 } } },
		{ "wheel down on a tab", MOUSE_WHEEL_DOWN, 4, 30, 3,
		    { { -1, ACT_DOWN, 0 }, { -1, ACT_DOWN, 0 },
		    { -1, ACT_DOWN, 0 } } },
		{ "another button", MOUSE_NONE, 7, 40, 0, { { 0 } } },
	};
	struct view_hits	*h = malloc(sizeof(*h));
	struct mouse_action	 out[MOUSE_OUT_MAX];
	size_t			 i, k, n;

	(void)state;
	assert_non_null(h);
	fill_hits(h);
	for (i = 0; i < N(cases); i++) {
		memset(out, 0x55, sizeof(out));
		n = mouse_actions(h, cases[i].p, cases[i].y, cases[i].x, out);
		if (n != cases[i].n)
			fail_msg("%s: %zu actions, want %zu", cases[i].name, n,
			    cases[i].n);
		for (k = 0; k < n; k++)
			if (out[k].key != cases[i].want[k].key ||
			    (out[k].key < 0 && (out[k].id !=
			    cases[i].want[k].id || out[k].arg !=
			    cases[i].want[k].arg)))
				fail_msg("%s: action %zu is %d/%d/%d, want "
				    "%d/%d/%d", cases[i].name, k, out[k].key,
				    out[k].id, out[k].arg,
				    cases[i].want[k].key, cases[i].want[k].id,
				    cases[i].want[k].arg);
	}
	assert_int_equal(mouse_actions(NULL, MOUSE_WHEEL_UP, 0, 0, out), 0);
	free(h);
}

static void
test_decode(void **state)
{
	static const struct {
		mmask_t			bstate;
		enum mouse_press	want;
	} cases[] = {
		{ BUTTON1_PRESSED, MOUSE_CLICK },
		{ BUTTON1_CLICKED, MOUSE_CLICK },
		{ BUTTON1_PRESSED | BUTTON_SHIFT, MOUSE_CLICK },
		{ BUTTON1_DOUBLE_CLICKED, MOUSE_DOUBLE },
		{ BUTTON4_PRESSED, MOUSE_WHEEL_UP },
		{ BUTTON5_PRESSED, MOUSE_WHEEL_DOWN },
		{ BUTTON1_RELEASED, MOUSE_NONE },
		{ BUTTON2_PRESSED, MOUSE_NONE },
		{ BUTTON3_PRESSED, MOUSE_NONE },
		{ REPORT_MOUSE_POSITION, MOUSE_NONE },
		{ 0, MOUSE_NONE },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		if (mouse_decode(cases[i].bstate) != cases[i].want)
			fail_msg("bstate %#lx: got %d, want %d",
			    (unsigned long)cases[i].bstate,
			    mouse_decode(cases[i].bstate), cases[i].want);
}

/* ---- clicks on drawn views --------------------------------------------- */

/* The app's windows at 100x24: header 0-3, tabs 4, body 5-22, keys 23. */
struct fixture {
	struct offscreen	 screen;
	WINDOW			*tabs, *body, *footer;
	struct model		*m;
	struct view_state	*vs;
	struct view_hits	*hits;
	struct action_cmd	 cmd;
};

static void
make_row(struct msg_torrent_row *r, uint32_t id, const char *name,
    uint64_t size)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	memset(r->info_hash, (int)id, sizeof(r->info_hash));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->state = MSG_STATE_DOWNLOADING;
	r->total_bytes = size;
}

static void
make_peer(struct msg_peer *p, uint32_t id, const char *addr,
    const char *client, uint64_t down)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	snprintf(p->addr, sizeof(p->addr), "%s", addr);
	snprintf(p->client, sizeof(p->client), "%s", client);
	p->down_bps = down;
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	size_t		 i;

	if (f == NULL || offscreen_open(&f->screen) != 0)
		return -1;
	resizeterm(24, 100);
	f->tabs = newwin(1, 100, VIEW_HEADER_ROWS, 0);
	f->body = newwin(24 - VIEW_CHROME_ROWS, 100, VIEW_HEADER_ROWS + 1, 0);
	f->footer = newwin(1, 100, 23, 0);
	f->m = model_new("x.torrent");
	f->vs = calloc(1, sizeof(*f->vs));
	f->hits = calloc(1, sizeof(*f->hits));
	if (f->tabs == NULL || f->body == NULL || f->footer == NULL ||
	    f->m == NULL || f->vs == NULL || f->hits == NULL)
		return -1;
	/* sorted by name: arch, broken, debian; by size: broken first */
	make_row(&f->m->torrents[0], 3, "debian.iso", 1000);
	make_row(&f->m->torrents[1], 4, "arch.iso", 2000);
	make_row(&f->m->torrents[2], 5, "broken.iso", 3000);
	f->m->ntorrents = 3;
	f->m->have_torrents = 1;
	make_peer(&f->m->peers[0], 7, "10.0.0.7:6881", "aria2/1.36", 1000);
	make_peer(&f->m->peers[1], 8, "10.0.0.8:6881", "qBittorrent", 5000);
	make_peer(&f->m->peers[2], 9, "10.0.0.9:6881", "rtorrent", 3000);
	f->m->npeers = 3;
	f->m->peers_total = 3;
	f->m->have_peers = 1;
	for (i = 0; i < 5; i++) {
		char	line[32];

		snprintf(line, sizeof(line), "line %zu of the log", i);
		model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, line);
	}
	action_init(f->vs);
	f->vs->mono = 1;
	f->vs->cols = 100;
	f->vs->rows = getmaxy(f->body);
	f->vs->hits = f->hits;
	f->vs->mouse = 1;
	action_sync(f->vs, f->m);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	delwin(f->tabs);
	delwin(f->body);
	delwin(f->footer);
	offscreen_close(&f->screen);
	action_cleanup(f->vs);
	model_free(f->m);
	free(f->vs);
	free(f->hits);
	free(f);
	return 0;
}

/* A frame as the app draws it: the notes start anew. */
static void
draw(struct fixture *f)
{
	f->hits->n = 0;
	action_sync(f->vs, f->m);
	werase(f->tabs);
	werase(f->body);
	werase(f->footer);
	view_tabs_draw(f->tabs, f->m, f->vs);
	if (f->vs->help)
		view_help_draw(f->body, f->m, f->vs);
	else if (f->vs->home)
		view_torrents_draw(f->body, f->m, f->vs);
	else if (f->vs->view == VIEW_PEERS)
		view_peers_draw(f->body, f->m, f->vs);
	else if (f->vs->view == VIEW_LOG)
		view_log_draw(f->body, f->m, f->vs);
	else
		view_pieces_draw(f->body, f->m, f->vs);
	view_footer_draw(f->footer, f->m, f->vs);
}

/* The screen cell where text starts in w; fails when w lacks it. */
static void
find(WINDOW *w, const char *text, int *y_out, int *x_out)
{
	char	row[512];
	char	*at;
	int	y;

	for (y = 0; y < getmaxy(w); y++) {
		mvwinnstr(w, y, 0, row, (int)sizeof(row) - 1);
		if ((at = strstr(row, text)) != NULL) {
			*y_out = getbegy(w) + y;
			*x_out = getbegx(w) + (int)(at - row);
			return;
		}
	}
	fail_msg("no \"%s\" on screen", text);
}

/* Press p where text is drawn in w, and run what it gives as the app
 * does; returns how many keys and actions ran. */
static size_t
press_on(struct fixture *f, WINDOW *w, const char *text, enum mouse_press p)
{
	struct mouse_action	a[MOUSE_OUT_MAX];
	size_t			n, i;
	int			y, x;

	draw(f);
	find(w, text, &y, &x);
	n = mouse_actions(f->hits, p, y, x, a);
	for (i = 0; i < n; i++) {
		if (a[i].key >= 0)
			action_key(f->vs, f->m, a[i].key, &f->cmd);
		else
			action_run(f->vs, f->m, a[i].id, a[i].arg, &f->cmd);
	}
	return n;
}

static size_t
click(struct fixture *f, WINDOW *w, const char *text)
{
	return press_on(f, w, text, MOUSE_CLICK);
}

/* The torrent list: a row takes the cursor, again opens it; a title
 * sorts, again inverts; the torrents tab goes nowhere. */
static void
test_click_list(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(click(f, f->body, "debian.iso"), 1);
	assert_int_equal(f->vs->torrent_row, 2);
	assert_int_equal(f->vs->torrent_id, 3);
	assert_true(f->vs->home);
	assert_int_equal(click(f, f->body, "Size"), 1);
	assert_int_equal(f->vs->tsort, VIEW_TCOL_SIZE);
	assert_int_equal(f->vs->tsort_invert, 0);
	assert_int_equal(click(f, f->body, "Size"), 1);
	assert_int_equal(f->vs->tsort, VIEW_TCOL_SIZE);
	assert_int_equal(f->vs->tsort_invert, 1);
	assert_int_equal(click(f, f->body, "Name"), 1);
	assert_int_equal(f->vs->tsort, VIEW_TCOL_NAME);
	assert_int_equal(f->vs->tsort_invert, 0);
	/* the selection followed its torrent through the sorts */
	assert_int_equal(f->vs->torrent_id, 3);
	assert_int_equal(click(f, f->tabs, "Torrents"), 0);
	assert_int_equal(click(f, f->body, "debian.iso"), 1);
	assert_false(f->vs->home);		/* Enter opened it */
	assert_int_equal(f->vs->focus_hash[0], 3);
}

/* Two clicks on a row read before the next frame: the state, not the
 * frame, says the cursor is there by the second, which opens the row. */
static void
test_click_twice_one_frame(void **state)
{
	struct fixture		*f = *state;
	struct mouse_action	 a[MOUSE_OUT_MAX];
	int			 y, x, i;

	draw(f);
	find(f->body, "broken.iso", &y, &x);
	for (i = 0; i < 2; i++) {
		assert_int_equal(mouse_actions(f->hits, MOUSE_CLICK, y, x, a),
		    1);
		action_run(f->vs, f->m, a[0].id, a[0].arg, &f->cmd);
		assert_int_equal(f->vs->home, i == 0);
	}
	assert_int_equal(f->vs->focus_hash[0], 5);
}

/* In a torrent: the tabs, the Peers table's titles (# sorts nothing),
 * rows, the wheel, a label of the key bar, the Esc tab. */
static void
test_click_detail(void **state)
{
	struct fixture	*f = *state;

	action_focus(f->vs, f->m->torrents[0].info_hash);
	assert_int_equal(click(f, f->tabs, "Peers"), 1);
	assert_int_equal(f->vs->view, VIEW_PEERS);
	assert_int_equal(click(f, f->body, "Client"), 1);
	assert_int_equal(f->vs->sort, VIEW_PCOL_CLIENT);
	assert_int_equal(f->vs->sort_invert, 0);
	assert_int_equal(click(f, f->body, "#"), 1);
	assert_int_equal(f->vs->sort, VIEW_PCOL_CLIENT);
	assert_int_equal(f->vs->sort_invert, 0);
	/* by client: aria2, qBittorrent, rtorrent */
	assert_int_equal(click(f, f->body, "rtorrent"), 1);
	assert_int_equal(f->vs->peer_row, 2);
	assert_int_equal(f->vs->peer_id, 9);
	assert_int_equal(press_on(f, f->body, "Client", MOUSE_WHEEL_UP), 3);
	assert_int_equal(f->vs->peer_row, 0);
	assert_int_equal(f->vs->peer_id, 7);
	assert_int_equal(press_on(f, f->body, "qBittorrent",
	    MOUSE_WHEEL_DOWN), 3);
	assert_int_equal(f->vs->peer_row, 2);	/* the last of 3 */
	assert_int_equal(press_on(f, f->body, "rtorrent", MOUSE_WHEEL_UP),
	    3);
	/* a second click on the selected peer: its detail */
	assert_int_equal(click(f, f->body, "aria2"), 1);
	assert_int_equal(f->vs->detail, VIEW_DETAIL_PEER);
	assert_int_equal(f->vs->detail_index, 7);
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_INSPECT_PEER);
	/* the key bar's Esc closes it, the Esc tab goes to the list */
	assert_int_equal(click(f, f->footer, "Esc Close"), 1);
	assert_int_equal(f->vs->detail, VIEW_DETAIL_NONE);
	assert_false(f->vs->home);
	assert_int_equal(click(f, f->tabs, "Esc: torrents"), 1);
	assert_true(f->vs->home);
	assert_int_equal(click(f, f->footer, "q Quit"), 1);
	assert_int_equal(f->cmd.result, ACTION_QUIT);
}

/* A Log line opens whole at once (the Log has no cursor to move). */
static void
test_click_log(void **state)
{
	struct fixture	*f = *state;

	action_focus(f->vs, f->m->torrents[0].info_hash);
	assert_int_equal(click(f, f->tabs, "Log"), 1);
	assert_int_equal(f->vs->view, VIEW_LOG);
	assert_int_equal(click(f, f->body, "line 1 of"), 1);
	assert_true(f->vs->line_open);
	assert_int_equal(f->vs->line_index, model_log_serial(f->m, 1));
}

/* The help says what the mouse does with it on, and nothing without;
 * clicks on its tab close it; a prompt takes no click. */
static void
test_help_and_prompt(void **state)
{
	struct fixture		*f = *state;
	struct view_help_line	 lines[VIEW_HELP_MAX];
	size_t			 n, i;
	int			 shift = 0;

	n = view_help_lines(lines, VIEW_HELP_MAX, f->vs);
	assert_true(n < VIEW_HELP_MAX);		/* nothing cut */
	for (i = 0; i < n; i++)
		shift += strstr(lines[i].text, "Shift+drag") != NULL;
	assert_int_equal(shift, 1);
	f->vs->mouse = 0;
	n = view_help_lines(lines, VIEW_HELP_MAX, f->vs);
	for (i = 0, shift = 0; i < n; i++)
		shift += strstr(lines[i].text, "Shift+drag") != NULL ||
		    strstr(lines[i].text, "Mouse") != NULL;
	assert_int_equal(shift, 0);
	f->vs->cols = 0;			/* unwrapped, as view_help_build */
	assert_int_equal(view_help_lines(lines, VIEW_HELP_MAX, f->vs),
	    view_help_build(lines, VIEW_HELP_MAX, 0));
	f->vs->mouse = 1;
	action_key(f->vs, f->m, '?', &f->cmd);
	assert_true(f->vs->help);
	assert_int_equal(click(f, f->tabs, "? help"), 1);
	assert_false(f->vs->help);
	/* the add prompt is open: a click on a row does nothing */
	action_key(f->vs, f->m, 'a', &f->cmd);
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_ADD);
	assert_int_equal(click(f, f->body, "debian.iso"), 1);
	assert_int_equal(f->vs->torrent_row, 0);
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_ADD);
	assert_int_equal(f->cmd.result, ACTION_NONE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_at),
		cmocka_unit_test(test_actions),
		cmocka_unit_test(test_decode),
		cmocka_unit_test_setup_teardown(test_click_list, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_click_twice_one_frame,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_click_detail, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_click_log, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_help_and_prompt, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
