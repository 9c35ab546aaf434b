/* Unit tests for src/tui/action: the key table (every key to its
 * documented action), view switching with wrap-around, sort cycling,
 * cursors, details, the limit prompt, the help, the commands asked for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "tui/action.h"
#include "tui/model.h"
#include "tui/view.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define ESC	27

struct fixture {
	struct model		*m;
	struct view_state	*vs;
	struct action_cmd	 cmd;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	if (f == NULL || (f->m = model_new("t")) == NULL ||
	    (f->vs = malloc(sizeof(*f->vs))) == NULL)
		return -1;
	action_init(f->vs);
	f->vs->cols = 80;
	f->vs->rows = 20;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	model_free(f->m);
	free(f->vs);
	free(f);
	return 0;
}

static void
key(struct fixture *f, int k)
{
	action_key(f->vs, f->m, k, &f->cmd);
}

/* A torrent of n pieces (none had yet) and some peers. */
static void
give_pieces(struct fixture *f, uint32_t n)
{
	f->m->pieces = calloc(n, 1);
	assert_non_null(f->m->pieces);
	f->m->num_pieces = n;
	f->m->have_status = 1;
	f->m->status.state = MSG_STATE_DOWNLOADING;
}

static void
give_peers(struct fixture *f, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		memset(&f->m->peers[i], 0, sizeof(f->m->peers[i]));
		f->m->peers[i].id = (uint32_t)(100 + i);
		f->m->peers[i].down_bps = i * 10;	/* last is fastest */
		snprintf(f->m->peers[i].addr, sizeof(f->m->peers[i].addr),
		    "10.0.0.%zu:1", i);
	}
	f->m->npeers = n;
	f->m->peers_total = (uint32_t)n;
	action_sync(f->vs, f->m);
}

static void
test_key_table(void **state)
{
	static const struct {
		int		key;
		enum action_id	id;
		int		arg;
	} want[] = {
		{ '\t', ACT_VIEW_NEXT, 0 }, { KEY_BTAB, ACT_VIEW_PREV, 0 },
		{ '1', ACT_VIEW_GOTO, VIEW_PIECES },
		{ '2', ACT_VIEW_GOTO, VIEW_PEERS },
		{ '3', ACT_VIEW_GOTO, VIEW_FILES },
		{ '4', ACT_VIEW_GOTO, VIEW_TRACKERS },
		{ '5', ACT_VIEW_GOTO, VIEW_LOG },
		{ KEY_UP, ACT_UP, 0 }, { 'k', ACT_UP, 0 },
		{ KEY_DOWN, ACT_DOWN, 0 }, { 'j', ACT_DOWN, 0 },
		{ KEY_LEFT, ACT_LEFT, 0 }, { 'h', ACT_LEFT, 0 },
		{ KEY_RIGHT, ACT_RIGHT, 0 }, { 'l', ACT_RIGHT, 0 },
		{ KEY_PPAGE, ACT_PAGE_UP, 0 }, { KEY_NPAGE, ACT_PAGE_DOWN, 0 },
		{ KEY_HOME, ACT_HOME, 0 }, { 'g', ACT_HOME, 0 },
		{ KEY_END, ACT_END, 0 }, { 'G', ACT_END, 0 },
		{ '\n', ACT_INSPECT, 0 }, { '\r', ACT_INSPECT, 0 },
		{ KEY_ENTER, ACT_INSPECT, 0 }, { ESC, ACT_CLOSE, 0 },
		{ 'p', ACT_PAUSE, 0 }, { 'r', ACT_REANNOUNCE, 0 },
		{ 'd', ACT_LIMIT_DOWN, 0 }, { 'u', ACT_LIMIT_UP, 0 },
		{ 'R', ACT_RETRY, 0 }, { 'q', ACT_QUIT, 0 },
		{ KEY_F(10), ACT_QUIT, 0 }, { 's', ACT_SORT_NEXT, 0 },
		{ '<', ACT_SORT_LEFT, 0 }, { '>', ACT_SORT_RIGHT, 0 },
		{ 'I', ACT_SORT_INVERT, 0 }, { '?', ACT_HELP, 0 },
		{ KEY_F(1), ACT_HELP, 0 }, { 12, ACT_REDRAW, 0 },
	};
	static const int	unbound[] = { 'z', 'Q', KEY_F(2), 0, -1, 'x' };
	size_t			i;
	int			arg;
	enum action_id		id;

	(void)state;
	for (i = 0; i < N(want); i++) {
		id = action_lookup(want[i].key, &arg);
		if (id != want[i].id || arg != want[i].arg)
			fail_msg("key %d: got %d/%d, want %d/%d", want[i].key,
			    id, arg, want[i].id, want[i].arg);
	}
	/* the table holds nothing else */
	assert_int_equal(action_key_count(), N(want));
	for (i = 0; i < N(unbound); i++)
		assert_int_equal(action_lookup(unbound[i], &arg), ACT_NONE);
	assert_null(action_key_at(action_key_count()));
}

static void
test_every_action_documented(void **state)
{
	const struct action_info	*info;
	size_t				 i, j;
	int				 id, bound, documented;

	(void)state;
	for (id = ACT_NONE + 1; id < ACT_COUNT; id++) {
		for (i = 0, bound = 0; i < action_key_count(); i++)
			bound += action_key_at(i)->id == (enum action_id)id;
		for (j = 0, documented = 0; j < action_info_count(); j++) {
			info = action_info_at(j);
			if (info->id == (enum action_id)id) {
				documented++;
				assert_true(strlen(info->help) > 3);
				assert_true(strlen(info->section) > 3);
			}
		}
		if (bound == 0 || documented != 1)
			fail_msg("action %d: %d keys, %d help lines", id,
			    bound, documented);
	}
	assert_null(action_info_at(action_info_count()));
}

static void
test_views_wrap(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	assert_int_equal(f->vs->view, VIEW_PIECES);
	key(f, KEY_BTAB);
	assert_int_equal(f->vs->view, VIEW_LOG);
	key(f, '\t');
	assert_int_equal(f->vs->view, VIEW_PIECES);
	for (i = 0; i < VIEW_COUNT; i++)
		key(f, '\t');
	assert_int_equal(f->vs->view, VIEW_PIECES);
	key(f, '4');
	assert_int_equal(f->vs->view, VIEW_TRACKERS);
	key(f, '\t');
	assert_int_equal(f->vs->view, VIEW_LOG);
	key(f, '1');
	assert_int_equal(f->vs->view, VIEW_PIECES);
	assert_int_equal(f->cmd.result, ACTION_NONE);
}

static void
test_sort_cycling(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	give_peers(f, 5);
	assert_int_equal(f->vs->sort, VIEW_PCOL_DOWN);
	/* fastest first: id 104 on top, and it is selected */
	assert_int_equal(f->m->peers[f->vs->peer_order[0]].id, 104);
	assert_int_equal(f->vs->peer_id, 104);
	for (i = 0; i < VIEW_PCOL_COUNT; i++)
		key(f, 's');
	assert_int_equal(f->vs->sort, VIEW_PCOL_DOWN);
	key(f, '>');
	assert_int_equal(f->vs->sort, VIEW_PCOL_UP);
	key(f, '<');
	key(f, '<');
	assert_int_equal(f->vs->sort, VIEW_PCOL_PROGRESS);
	f->vs->sort = VIEW_PCOL_ADDR;
	key(f, '<');
	assert_int_equal(f->vs->sort, VIEW_PCOL_REQS);
	key(f, '>');
	assert_int_equal(f->vs->sort, VIEW_PCOL_ADDR);
	assert_int_equal(f->m->peers[f->vs->peer_order[0]].id, 100);
	key(f, 'I');
	assert_true(f->vs->sort_invert);
	assert_int_equal(f->m->peers[f->vs->peer_order[0]].id, 104);
	key(f, 'I');
	assert_false(f->vs->sort_invert);
}

static void
test_peer_selection_follows_id(void **state)
{
	struct fixture	*f = *state;

	give_peers(f, 5);
	key(f, '2');
	key(f, KEY_DOWN);
	assert_int_equal(f->vs->peer_row, 1);
	assert_int_equal(f->vs->peer_id, 103);
	/* inverted, 103 moves to row 3 and stays selected */
	key(f, 'I');
	assert_int_equal(f->vs->peer_id, 103);
	assert_int_equal(f->vs->peer_row, 3);
	key(f, KEY_END);
	assert_int_equal(f->vs->peer_row, 4);
	key(f, KEY_DOWN);
	assert_int_equal(f->vs->peer_row, 4);
	key(f, KEY_HOME);
	assert_int_equal(f->vs->peer_row, 0);
	key(f, KEY_UP);
	assert_int_equal(f->vs->peer_row, 0);
	/* the selected peer leaves: the cursor stays in range */
	key(f, KEY_END);
	f->m->npeers = 2;
	action_sync(f->vs, f->m);
	assert_int_equal(f->vs->peer_row, 1);
	f->m->npeers = 0;
	action_sync(f->vs, f->m);
	assert_int_equal(f->vs->peer_row, 0);
	key(f, '\n');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_int_equal(f->vs->detail, VIEW_DETAIL_NONE);
}

static void
test_peer_inspect(void **state)
{
	struct fixture	*f = *state;

	give_peers(f, 3);
	key(f, '2');
	key(f, KEY_DOWN);
	key(f, '\n');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_INSPECT_PEER);
	assert_int_equal(f->cmd.inspect.index, 101);
	assert_int_equal(f->vs->detail, VIEW_DETAIL_PEER);
	assert_int_equal(f->vs->detail_index, 101);
	/* moving inside the detail inspects the next peer */
	key(f, KEY_DOWN);
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.inspect.index, 100);
	assert_int_equal(f->vs->detail_index, 100);
	key(f, ESC);
	assert_int_equal(f->vs->detail, VIEW_DETAIL_NONE);
	assert_int_equal(f->cmd.result, ACTION_NONE);
}

static void
test_piece_cursor(void **state)
{
	struct fixture		*f = *state;
	struct view_map_geom	 g;

	give_pieces(f, 100);
	view_pieces_geom(100, 80, 20, &g);
	assert_int_equal(g.cols, 78);
	key(f, KEY_RIGHT);
	assert_int_equal(f->vs->piece_cursor, 1);
	key(f, 'l');
	key(f, KEY_DOWN);
	assert_int_equal(f->vs->piece_cursor, 80);
	key(f, KEY_DOWN);		/* no row below: to the last cell */
	assert_int_equal(f->vs->piece_cursor, 99);
	key(f, 'k');
	assert_int_equal(f->vs->piece_cursor, 21);
	key(f, KEY_LEFT);
	key(f, 'h');
	assert_int_equal(f->vs->piece_cursor, 19);
	key(f, KEY_END);
	assert_int_equal(f->vs->piece_cursor, 99);
	key(f, KEY_RIGHT);
	assert_int_equal(f->vs->piece_cursor, 99);
	key(f, KEY_HOME);
	assert_int_equal(f->vs->piece_cursor, 0);
	key(f, KEY_LEFT);
	assert_int_equal(f->vs->piece_cursor, 0);
	key(f, KEY_NPAGE);
	assert_true(f->vs->piece_cursor > 0);
	key(f, KEY_PPAGE);
	assert_int_equal(f->vs->piece_cursor, 0);
}

static void
test_piece_cursor_groups(void **state)
{
	struct fixture		*f = *state;
	struct view_map_geom	 g;

	give_pieces(f, 1000000);
	view_pieces_geom(1000000, 80, 20, &g);
	assert_int_equal(g.group, 755);
	key(f, KEY_RIGHT);
	assert_int_equal(f->vs->piece_cursor, 755);
	key(f, KEY_DOWN);
	assert_int_equal(f->vs->piece_cursor, 755 * 79);
	key(f, KEY_END);
	/* the last cell's first piece */
	assert_int_equal(f->vs->piece_cursor, 755 * 1324);
	/* a smaller map: the cursor is a piece and stays in range */
	f->m->num_pieces = 10;
	action_sync(f->vs, f->m);
	assert_int_equal(f->vs->piece_cursor, 9);
}

static void
test_piece_inspect(void **state)
{
	struct fixture	*f = *state;

	key(f, '\n');			/* no map yet: nothing */
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_int_equal(f->vs->detail, VIEW_DETAIL_NONE);
	give_pieces(f, 100);
	key(f, KEY_RIGHT);
	key(f, KEY_ENTER);
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_INSPECT_PIECE);
	assert_int_equal(f->cmd.inspect.index, 1);
	assert_int_equal(f->vs->detail, VIEW_DETAIL_PIECE);
	key(f, KEY_RIGHT);
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.inspect.index, 2);
	assert_int_equal(f->vs->detail_index, 2);
	/* another view closes the detail */
	key(f, '\t');
	assert_int_equal(f->vs->detail, VIEW_DETAIL_NONE);
}

static void
test_commands(void **state)
{
	struct fixture	*f = *state;

	key(f, 'p');			/* nothing known yet */
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_true(f->vs->message[0] != '\0');
	give_pieces(f, 10);
	key(f, 'p');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_PAUSE);
	assert_true(f->cmd.torrent.torrent_id == MSG_TORRENT_ALL);
	f->m->status.state = MSG_STATE_PAUSED;
	key(f, 'p');
	assert_int_equal(f->cmd.type, MSG_CMD_RESUME);
	assert_true(f->cmd.torrent.torrent_id == MSG_TORRENT_ALL);
	key(f, 'r');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_REANNOUNCE);
	assert_true(f->cmd.torrent.torrent_id == MSG_TORRENT_ALL);
	key(f, 'R');			/* the engine runs: no retry */
	assert_int_equal(f->cmd.result, ACTION_NONE);
	f->m->health.state = SUP_GAVE_UP;
	key(f, 'R');
	assert_int_equal(f->cmd.result, ACTION_RETRY);
	key(f, 'q');
	assert_int_equal(f->cmd.result, ACTION_QUIT);
	key(f, KEY_F(10));
	assert_int_equal(f->cmd.result, ACTION_QUIT);
	key(f, 12);
	assert_int_equal(f->cmd.result, ACTION_REDRAW);
	key(f, 'z');
	assert_int_equal(f->cmd.result, ACTION_NONE);
}

/* R and p from the engine's error state (a full disk) and after the
 * watchdog gave up: what each sends, or that it sends nothing. */
static void
test_retry_keys(void **state)
{
	static const struct {
		const char		*name;
		enum sup_state		 sup;
		int			 have_status;
		uint8_t			 state;
		int			 key;
		enum action_result	 result;
		int			 type;
	} rows[] = {
		{ "R, engine error", SUP_RUNNING, 1, MSG_STATE_ERROR, 'R',
		    ACTION_SEND, MSG_CMD_RESUME },
		{ "p, engine error", SUP_RUNNING, 1, MSG_STATE_ERROR, 'p',
		    ACTION_SEND, MSG_CMD_RESUME },
		{ "R, downloading", SUP_RUNNING, 1, MSG_STATE_DOWNLOADING, 'R',
		    ACTION_NONE, 0 },
		{ "p, downloading", SUP_RUNNING, 1, MSG_STATE_DOWNLOADING, 'p',
		    ACTION_SEND, MSG_CMD_PAUSE },
		{ "p, paused", SUP_RUNNING, 1, MSG_STATE_PAUSED, 'p',
		    ACTION_SEND, MSG_CMD_RESUME },
		{ "R, gave up", SUP_GAVE_UP, 1, MSG_STATE_DOWNLOADING, 'R',
		    ACTION_RETRY, 0 },
		{ "R, gave up after an error", SUP_GAVE_UP, 1, MSG_STATE_ERROR,
		    'R', ACTION_RETRY, 0 },
		/* the error was the dead engine's: its successor is coming */
		{ "R, back-off after an error", SUP_BACKOFF, 1, MSG_STATE_ERROR,
		    'R', ACTION_NONE, 0 },
		{ "R, no status yet", SUP_RUNNING, 0, 0, 'R', ACTION_NONE, 0 },
	};
	struct fixture	*f = *state;
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		f->m->health.state = rows[i].sup;
		f->m->have_status = rows[i].have_status;
		f->m->status.state = rows[i].state;
		f->vs->message[0] = '\0';
		key(f, rows[i].key);
		if (f->cmd.result != rows[i].result ||
		    (rows[i].result == ACTION_SEND &&
		    f->cmd.type != rows[i].type))
			fail_msg("%s: result %d type %d", rows[i].name,
			    (int)f->cmd.result, f->cmd.type);
		/* every key says what it did, or why it did nothing */
		if (f->vs->message[0] == '\0')
			fail_msg("%s: no message", rows[i].name);
	}
}

static void
test_limit_prompt(void **state)
{
	struct fixture	*f = *state;

	give_pieces(f, 10);
	f->m->status.max_up_bps = 5 * 1024;
	key(f, 'd');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_DOWN);
	key(f, '1');
	key(f, 'q');			/* the prompt takes digits only */
	key(f, '2');
	key(f, '0');
	key(f, KEY_BACKSPACE);
	key(f, '0');
	assert_string_equal(f->vs->prompt_buf, "120");
	assert_int_equal(f->cmd.result, ACTION_NONE);
	key(f, '\n');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_SET_LIMITS);
	assert_true(f->cmd.limits.max_down_bps == 120 * 1024);
	assert_true(f->cmd.limits.max_up_bps == 5 * 1024);
	/* upload, 0: unlimited, the download limit kept */
	f->m->status.max_down_bps = 120 * 1024;
	key(f, 'u');
	key(f, '0');
	key(f, KEY_ENTER);
	assert_true(f->cmd.limits.max_up_bps == 0);
	assert_true(f->cmd.limits.max_down_bps == 120 * 1024);
	/* Esc and an empty line send nothing */
	key(f, 'u');
	key(f, '7');
	key(f, ESC);
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_int_equal(f->cmd.result, ACTION_NONE);
	key(f, 'd');
	key(f, '\r');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	/* too many digits for the buffer are dropped, too big refused */
	key(f, 'd');
	for (int i = 0; i < 40; i++)
		key(f, '9');
	assert_int_equal(f->vs->prompt_len, VIEW_PROMPT_MAX - 1);
	key(f, '\n');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_true(f->vs->message_warn);
}

static void
test_parse_kib(void **state)
{
	static const struct {
		const char	*in;
		int		 want;
		uint64_t	 bps;
	} cases[] = {
		{ "0", BT_OK, 0 }, { "1", BT_OK, 1024 },
		{ "100", BT_OK, 102400 },
		{ "4294967296", BT_OK, 4294967296ULL * 1024 },
		{ "4294967297", BT_ERR_RANGE, 0 },
		{ "99999999999999999999999", BT_ERR_RANGE, 0 },
		{ "", BT_ERR_INVALID, 0 }, { "-1", BT_ERR_INVALID, 0 },
		{ "1k", BT_ERR_INVALID, 0 }, { " 1", BT_ERR_INVALID, 0 },
	};
	uint64_t	bps;
	size_t		i;
	int		r;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		bps = 7;
		r = action_parse_kib(cases[i].in, &bps);
		if (r != cases[i].want || bps != cases[i].bps)
			fail_msg("\"%s\": got %d %llu", cases[i].in, r,
			    (unsigned long long)bps);
	}
}

static void
test_help_keys(void **state)
{
	struct fixture	*f = *state;

	key(f, '?');
	assert_true(f->vs->help);
	key(f, KEY_DOWN);
	key(f, KEY_DOWN);
	assert_int_equal(f->vs->help_top, 2);
	key(f, KEY_END);
	assert_true(f->vs->help_top > 2);
	key(f, KEY_HOME);
	assert_int_equal(f->vs->help_top, 0);
	key(f, KEY_UP);
	assert_int_equal(f->vs->help_top, 0);
	key(f, 'q');			/* q closes the help, not the program */
	assert_false(f->vs->help);
	assert_int_equal(f->cmd.result, ACTION_NONE);
	key(f, KEY_F(1));
	assert_true(f->vs->help);
	key(f, ESC);
	assert_false(f->vs->help);
	key(f, '?');
	key(f, '3');			/* a view key leaves to that view */
	assert_false(f->vs->help);
	assert_int_equal(f->vs->view, VIEW_FILES);
}

static void
test_log_scroll(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	for (i = 0; i < 100; i++)
		model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "x");
	key(f, '5');
	assert_int_equal(f->vs->log_back, 0);
	key(f, KEY_PPAGE);
	assert_int_equal(f->vs->log_back, 18);
	key(f, KEY_UP);
	assert_int_equal(f->vs->log_back, 19);
	/* scrolled back, new lines keep the same lines on screen */
	for (i = 0; i < 5; i++)
		model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "y");
	action_sync(f->vs, f->m);
	assert_int_equal(f->vs->log_back, 24);
	key(f, KEY_HOME);
	assert_int_equal(f->vs->log_back, 105 - 19);
	key(f, KEY_END);
	assert_int_equal(f->vs->log_back, 0);
	/* following: new lines do not scroll back */
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "z");
	action_sync(f->vs, f->m);
	assert_int_equal(f->vs->log_back, 0);
	key(f, KEY_DOWN);
	assert_int_equal(f->vs->log_back, 0);
}

static void
test_list_cursors(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	f->m->files = calloc(50, sizeof(*f->m->files));
	assert_non_null(f->m->files);
	f->m->nfiles = 50;
	f->m->trackers.n = 3;
	key(f, '3');
	key(f, KEY_NPAGE);
	assert_int_equal(f->vs->file_row, 18);
	key(f, KEY_END);
	assert_int_equal(f->vs->file_row, 49);
	/* the cursor row is on screen: 19 rows under the titles */
	assert_int_equal(f->vs->file_top, 49 - 18);
	key(f, KEY_HOME);
	assert_int_equal(f->vs->file_top, 0);
	key(f, '4');
	for (i = 0; i < 10; i++)
		key(f, 'j');
	assert_int_equal(f->vs->tracker_row, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_table),
		cmocka_unit_test(test_every_action_documented),
		cmocka_unit_test(test_parse_kib),
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_views_wrap),
		T(test_sort_cycling),
		T(test_peer_selection_follows_id),
		T(test_peer_inspect),
		T(test_piece_cursor),
		T(test_piece_cursor_groups),
		T(test_piece_inspect),
		T(test_commands),
		T(test_retry_keys),
		T(test_limit_prompt),
		T(test_help_keys),
		T(test_log_scroll),
		T(test_list_cursors),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
