/* Unit tests for src/tui/action: the key table (every key to its
 * documented action), the torrent list (home screen: cursor, sort, opening
 * a torrent, back with Esc), view switching with wrap-around, sort
 * cycling, cursors, details, the limit, add and remove prompts, the help,
 * the commands asked for and the torrent they are about. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "tui/action.h"
#include "tui/model.h"
#include "tui/search.h"
#include "tui/view.h"
#include "sandbox.h"

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

/* The session of give_torrents: ids 10..14, in name order arch (11),
 * debian (10), fedora (13), mint (14), ubuntu (12). */
static const struct {
	const char	*name;
	uint8_t		 state;
} session[] = {
	{ "debian.iso", MSG_STATE_DOWNLOADING },
	{ "arch.iso", MSG_STATE_SEEDING },
	{ "ubuntu.iso", MSG_STATE_PAUSED },
	{ "fedora.iso", MSG_STATE_ERROR },
	{ "mint.iso", MSG_STATE_QUEUED },
};

static void
make_hash(uint8_t hash[20], uint32_t id)
{
	memset(hash, 0xa0, 20);
	hash[0] = (uint8_t)id;
}

/* The torrent list of the first n torrents of session[]. */
static void
give_torrents(struct fixture *f, size_t n)
{
	struct msg_torrent_row	*r;
	size_t			 i;

	for (i = 0; i < n; i++) {
		r = &f->m->torrents[i];
		memset(r, 0, sizeof(*r));
		r->id = (uint32_t)(10 + i);
		make_hash(r->info_hash, r->id);
		snprintf(r->name, sizeof(r->name), "%s", session[i].name);
		r->state = session[i].state;
		r->queue_pos = r->state == MSG_STATE_QUEUED ? 1 : 0;
		r->total_bytes = 1000;
		r->done_bytes = 100 * i;
		r->eta_s = -1;
	}
	f->m->ntorrents = n;
	f->m->have_torrents = 1;
	action_sync(f->vs, f->m);
}

static struct msg_torrent_row *
row_of(struct fixture *f, uint32_t id)
{
	size_t	i;

	for (i = 0; i < f->m->ntorrents; i++)
		if (f->m->torrents[i].id == id)
			return &f->m->torrents[i];
	fail_msg("no torrent %u", id);
	return NULL;
}

/* Opens torrent id's detail as the app does: the screen by info-hash,
 * the model's focus by id (the app's sync_focus). */
static void
open_torrent(struct fixture *f, uint32_t id)
{
	action_focus(f->vs, row_of(f, id)->info_hash);
	model_set_focus(f->m, id);
	action_sync(f->vs, f->m);
}

/* The detail of torrent 10 (debian.iso, downloading), on Pieces. */
static int
setup_detail(void **state)
{
	struct fixture	*f;

	if (setup(state) != 0)
		return -1;
	f = *state;
	give_torrents(f, 5);
	open_torrent(f, 10);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	action_cleanup(f->vs);
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
		{ 'p', ACT_PAUSE, 0 }, { 'P', ACT_PAUSE_ALL, 0 },
		{ 'a', ACT_ADD, 0 }, { 'x', ACT_REMOVE, 0 },
		{ KEY_DC, ACT_REMOVE, 0 }, { 'r', ACT_REANNOUNCE, 0 },
		{ 'S', ACT_STREAM, 0 }, { ' ', ACT_PRIO_TOGGLE, 0 },
		{ '+', ACT_PRIO_UP, 0 }, { '=', ACT_PRIO_UP, 0 },
		{ '-', ACT_PRIO_DOWN, 0 },
		{ 'd', ACT_LIMIT_DOWN, 0 }, { 'u', ACT_LIMIT_UP, 0 },
		{ 't', ACT_TURTLE, 0 },
		{ 'R', ACT_RETRY, 0 }, { 'q', ACT_QUIT, 0 },
		{ KEY_F(10), ACT_QUIT, 0 }, { 's', ACT_SORT_NEXT, 0 },
		{ '<', ACT_SORT_LEFT, 0 }, { '>', ACT_SORT_RIGHT, 0 },
		{ 'I', ACT_SORT_INVERT, 0 }, { '/', ACT_SEARCH, 0 },
		{ '\\', ACT_FILTER, 0 }, { 'n', ACT_SEARCH_NEXT, 0 },
		{ 'N', ACT_SEARCH_PREV, 0 }, { '?', ACT_HELP, 0 },
		{ KEY_F(1), ACT_HELP, 0 }, { 12, ACT_REDRAW, 0 },
	};
	static const int	unbound[] = { 'z', 'Q', KEY_F(2), 0, -1, 'X',
	    'A', KEY_IC };
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

/* ---- the torrent list (home screen) ---- */

/* The id of the torrent on row i of the list as sorted. */
static uint32_t
id_at(struct fixture *f, size_t i)
{
	assert_true(i < f->vs->ntorrent_order);
	return f->m->torrents[f->vs->torrent_order[i]].id;
}

static void
test_home_empty(void **state)
{
	struct fixture	*f = *state;

	/* the list is the first screen, sorted by name */
	assert_true(f->vs->home);
	assert_false(f->vs->have_focus);
	assert_int_equal(f->vs->tsort, VIEW_TCOL_NAME);
	assert_false(f->vs->tsort_invert);
	assert_int_equal(f->vs->view, VIEW_PIECES);
	assert_int_equal(f->vs->sort, VIEW_PCOL_DOWN);
	/* no torrent: nothing opens, nothing to pause or remove */
	key(f, '\n');
	assert_true(f->vs->home);
	assert_int_equal(f->cmd.result, ACTION_NONE);
	key(f, '2');
	key(f, '\t');
	assert_true(f->vs->home);
	key(f, 'p');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_string_equal(f->vs->message, "no torrent to pause");
	key(f, 'x');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_string_equal(f->vs->message, "no torrent to remove");
	assert_true(f->vs->message_warn);
	key(f, KEY_DOWN);
	key(f, KEY_END);
	assert_int_equal(f->vs->torrent_row, 0);
	/* Esc on the list only clears the message */
	key(f, ESC);
	assert_true(f->vs->home);
	assert_string_equal(f->vs->message, "");
	assert_true(action_current_torrent(f->vs, f->m) == MSG_TORRENT_NONE);
}

static void
test_home_cursor_and_sort(void **state)
{
	struct fixture	*f = *state;
	static const uint32_t	by_name[] = { 11, 10, 13, 14, 12 };
	size_t		 i;

	give_torrents(f, 5);
	assert_int_equal(f->vs->ntorrent_order, 5);
	for (i = 0; i < N(by_name); i++)
		assert_int_equal(id_at(f, i), by_name[i]);
	assert_int_equal(f->vs->torrent_row, 0);
	assert_int_equal(f->vs->torrent_id, 11);
	/* every moving key moves the list's cursor */
	key(f, 'j');
	assert_int_equal(f->vs->torrent_id, 10);
	key(f, KEY_DOWN);
	key(f, KEY_RIGHT);		/* no columns to move in */
	assert_int_equal(f->vs->torrent_row, 2);
	assert_int_equal(f->vs->torrent_id, 13);
	key(f, 'G');
	assert_int_equal(f->vs->torrent_row, 4);
	assert_int_equal(f->vs->torrent_id, 12);
	key(f, KEY_DOWN);
	assert_int_equal(f->vs->torrent_row, 4);
	key(f, KEY_PPAGE);
	assert_int_equal(f->vs->torrent_row, 0);
	key(f, KEY_NPAGE);
	assert_int_equal(f->vs->torrent_row, 4);
	key(f, 'g');
	assert_int_equal(f->vs->torrent_id, 11);
	key(f, 'k');
	assert_int_equal(f->vs->torrent_row, 0);
	assert_int_equal(f->cmd.result, ACTION_NONE);
	/* s, <, > and I sort the list, and the selection follows its
	 * torrent; the peers' sort is left alone */
	key(f, 'j');			/* debian, 10 */
	key(f, 's');
	assert_int_equal(f->vs->tsort, VIEW_TCOL_STATE);
	/* by state: downloading 10, seeding 11, paused 12, error 13,
	 * queued 14 */
	for (i = 0; i < 5; i++)
		assert_int_equal(id_at(f, i), 10 + i);
	assert_int_equal(f->vs->torrent_id, 10);
	assert_int_equal(f->vs->torrent_row, 0);
	key(f, 'I');
	assert_true(f->vs->tsort_invert);
	assert_int_equal(id_at(f, 0), 14);
	assert_int_equal(f->vs->torrent_id, 10);
	assert_int_equal(f->vs->torrent_row, 4);
	key(f, 'I');
	key(f, '<');
	key(f, '<');
	assert_int_equal(f->vs->tsort, VIEW_TCOL_PEERS);	/* wraps */
	key(f, '>');
	assert_int_equal(f->vs->tsort, VIEW_TCOL_NAME);
	for (i = 0; i < VIEW_TCOL_COUNT; i++)
		key(f, 's');
	assert_int_equal(f->vs->tsort, VIEW_TCOL_NAME);
	assert_int_equal(f->vs->sort, VIEW_PCOL_DOWN);
	assert_false(f->vs->sort_invert);
	assert_int_equal(f->vs->torrent_id, 10);
	/* the selected torrent leaves: the cursor stays in range */
	key(f, 'G');
	f->m->ntorrents = 3;
	action_sync(f->vs, f->m);
	assert_int_equal(f->vs->torrent_row, 2);
	assert_int_equal(f->vs->torrent_id, id_at(f, 2));
}

static void
test_home_open_and_back(void **state)
{
	struct fixture	*f = *state;

	give_torrents(f, 5);
	key(f, 'j');			/* debian, 10 */
	/* what the torrent before left behind */
	f->vs->piece_cursor = 7;
	f->vs->peer_row = 3;
	f->vs->file_row = f->vs->file_top = 4;
	f->vs->tracker_row = 2;
	f->vs->log_back = 9;
	key(f, '\n');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_false(f->vs->home);
	assert_true(f->vs->have_focus);
	assert_memory_equal(f->vs->focus_hash, row_of(f, 10)->info_hash, 20);
	assert_int_equal(f->vs->view, VIEW_PIECES);
	assert_int_equal(f->vs->piece_cursor, 0);
	assert_int_equal(f->vs->peer_row, 0);
	assert_int_equal(f->vs->file_row, 0);
	assert_int_equal(f->vs->file_top, 0);
	assert_int_equal(f->vs->tracker_row, 0);
	assert_int_equal(f->vs->log_back, 0);
	assert_true(action_current_torrent(f->vs, f->m) == 10);
	/* the torrent is known by its hash: other ids, same torrent */
	row_of(f, 10)->id = 77;
	assert_true(action_current_torrent(f->vs, f->m) == 77);
	row_of(f, 77)->id = 10;
	/* Esc: back to the list, on the same row */
	key(f, ESC);
	assert_true(f->vs->home);
	assert_false(f->vs->have_focus);
	assert_int_equal(f->vs->torrent_id, 10);
	assert_int_equal(f->vs->torrent_row, 1);
	assert_true(action_current_torrent(f->vs, f->m) == 10);
	/* KEY_ENTER and \r open too */
	key(f, KEY_ENTER);
	assert_false(f->vs->home);
	key(f, ESC);
	key(f, 'k');
	key(f, '\r');
	assert_false(f->vs->home);
	assert_memory_equal(f->vs->focus_hash, row_of(f, 11)->info_hash, 20);
	/* action_focus(NULL) goes home as Esc does, and closes the help */
	f->vs->help = 1;
	f->vs->detail = VIEW_DETAIL_PIECE;
	action_focus(f->vs, NULL);
	assert_true(f->vs->home);
	assert_false(f->vs->help);
	assert_int_equal(f->vs->detail, VIEW_DETAIL_NONE);
}

/* On the list, 1-5 open the selected torrent in that view; Tab and
 * Shift-Tab open it in the view last shown.  In a detail they switch. */
static void
test_home_view_keys(void **state)
{
	static const struct {
		int		key;
		enum view_id	last;		/* shown before home */
		enum view_id	want;
	} rows[] = {
		{ '1', VIEW_LOG, VIEW_PIECES },
		{ '2', VIEW_PIECES, VIEW_PEERS },
		{ '3', VIEW_PIECES, VIEW_FILES },
		{ '4', VIEW_LOG, VIEW_TRACKERS },
		{ '5', VIEW_PEERS, VIEW_LOG },
		{ '\t', VIEW_FILES, VIEW_FILES },
		{ '\t', VIEW_LOG, VIEW_LOG },
		{ KEY_BTAB, VIEW_PEERS, VIEW_PEERS },
		{ KEY_BTAB, VIEW_PIECES, VIEW_PIECES },
	};
	struct fixture	*f = *state;
	size_t		 i;

	give_torrents(f, 5);
	key(f, 'G');			/* ubuntu, 12 */
	for (i = 0; i < N(rows); i++) {
		f->vs->view = rows[i].last;
		key(f, rows[i].key);
		if (f->vs->home || f->vs->view != rows[i].want ||
		    memcmp(f->vs->focus_hash, row_of(f, 12)->info_hash, 20))
			fail_msg("row %zu: home %d, view %d", i, f->vs->home,
			    f->vs->view);
		key(f, ESC);
		assert_true(f->vs->home);
	}
	/* in the detail, Tab moves on */
	key(f, '4');
	key(f, '\t');
	assert_int_equal(f->vs->view, VIEW_LOG);
	assert_false(f->vs->home);
}

/* The torrent the keys act on: the selected row on the list, the one
 * shown in a detail, none when it is not in the list. */
static void
test_current_torrent(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 hash[20];

	assert_true(action_current_torrent(f->vs, f->m) == MSG_TORRENT_NONE);
	give_torrents(f, 5);
	assert_true(action_current_torrent(f->vs, f->m) == 11);
	key(f, 'G');
	assert_true(action_current_torrent(f->vs, f->m) == 12);
	open_torrent(f, 14);
	assert_true(action_current_torrent(f->vs, f->m) == 14);
	/* a torrent the list does not hold (yet) */
	make_hash(hash, 99);
	action_focus(f->vs, hash);
	assert_true(action_current_torrent(f->vs, f->m) == MSG_TORRENT_NONE);
	/* an empty list */
	action_focus(f->vs, NULL);
	f->m->ntorrents = 0;
	action_sync(f->vs, f->m);
	assert_true(action_current_torrent(f->vs, f->m) == MSG_TORRENT_NONE);
}

/* p: pause, or resume what is paused; a torrent in error is retried. */
static void
test_pause_keys(void **state)
{
	static const struct {
		uint8_t		 state;
		int		 type;
		const char	*message;
	} rows[] = {
		{ MSG_STATE_STARTING, MSG_CMD_PAUSE, "pausing..." },
		{ MSG_STATE_CHECKING, MSG_CMD_PAUSE, "pausing..." },
		{ MSG_STATE_DOWNLOADING, MSG_CMD_PAUSE, "pausing..." },
		{ MSG_STATE_SEEDING, MSG_CMD_PAUSE, "pausing..." },
		{ MSG_STATE_QUEUED, MSG_CMD_PAUSE, "pausing..." },
		{ MSG_STATE_STOPPING, MSG_CMD_PAUSE, "pausing..." },
		{ MSG_STATE_PAUSED, MSG_CMD_RESUME, "resuming..." },
		{ MSG_STATE_ERROR, MSG_CMD_RESUME, "retrying..." },
	};
	struct fixture	*f = *state;
	size_t		 i;
	int		 home;

	give_torrents(f, 5);
	key(f, 'G');			/* ubuntu, 12 */
	for (home = 1; home >= 0; home--) {
		if (!home)
			open_torrent(f, 13);
		for (i = 0; i < N(rows); i++) {
			row_of(f, home ? 12 : 13)->state = rows[i].state;
			key(f, 'p');
			if (f->cmd.result != ACTION_SEND ||
			    f->cmd.type != rows[i].type ||
			    f->cmd.torrent.torrent_id != (home ? 12u : 13u) ||
			    strcmp(f->vs->message, rows[i].message) != 0 ||
			    f->vs->message_warn)
				fail_msg("%s, state %u: %d %d %u \"%s\"",
				    home ? "home" : "detail", rows[i].state,
				    f->cmd.result, f->cmd.type,
				    f->cmd.torrent.torrent_id,
				    f->vs->message);
		}
	}
}

/* P: pause every torrent; once all are paused, resume them all. */
static void
test_pause_all(void **state)
{
	static const struct {
		size_t		 n;
		uint8_t		 states[3];
		int		 type;
	} rows[] = {
		{ 3, { MSG_STATE_PAUSED, MSG_STATE_PAUSED, MSG_STATE_PAUSED },
		    MSG_CMD_RESUME },
		{ 3, { MSG_STATE_PAUSED, MSG_STATE_DOWNLOADING,
		    MSG_STATE_PAUSED }, MSG_CMD_PAUSE },
		{ 3, { MSG_STATE_SEEDING, MSG_STATE_QUEUED, MSG_STATE_ERROR },
		    MSG_CMD_PAUSE },
		/* an error is not paused: P pauses the others */
		{ 2, { MSG_STATE_PAUSED, MSG_STATE_ERROR }, MSG_CMD_PAUSE },
		{ 1, { MSG_STATE_PAUSED }, MSG_CMD_RESUME },
	};
	struct fixture	*f = *state;
	size_t		 i, k;
	int		 home;

	for (home = 1; home >= 0; home--) {
		give_torrents(f, 5);
		if (!home)
			open_torrent(f, 10);
		for (i = 0; i < N(rows); i++) {
			f->m->ntorrents = rows[i].n;
			for (k = 0; k < rows[i].n; k++)
				f->m->torrents[k].state = rows[i].states[k];
			key(f, 'P');
			if (f->cmd.result != ACTION_SEND ||
			    f->cmd.type != rows[i].type ||
			    f->cmd.torrent.torrent_id != MSG_TORRENT_ALL)
				fail_msg("row %zu: %d %d %u", i, f->cmd.result,
				    f->cmd.type, f->cmd.torrent.torrent_id);
			assert_string_equal(f->vs->message, rows[i].type ==
			    MSG_CMD_RESUME ? "resuming all..." :
			    "pausing all...");
		}
	}
}

/* x or Del on the list asks about the selected torrent: k or Enter keep
 * its data, d deletes it, Esc, q and n cancel, other keys wait. */
static void
test_remove_prompt(void **state)
{
	static const struct {
		int			key;
		enum action_result	result;	/* NONE: none sent */
		int			delete_data;
		int			open;	/* the prompt stays */
	} rows[] = {
		{ 'k', ACTION_SEND, 0, 0 },
		{ '\n', ACTION_SEND, 0, 0 },
		{ '\r', ACTION_SEND, 0, 0 },
		{ KEY_ENTER, ACTION_SEND, 0, 0 },
		{ 'd', ACTION_SEND, 1, 0 },
		{ ESC, ACTION_NONE, 0, 0 },
		{ 'q', ACTION_NONE, 0, 0 },
		{ 'n', ACTION_NONE, 0, 0 },
		{ 'D', ACTION_NONE, 0, 1 },
		{ 'K', ACTION_NONE, 0, 1 },
		{ 'y', ACTION_NONE, 0, 1 },
		{ 'x', ACTION_NONE, 0, 1 },
		{ KEY_DOWN, ACTION_NONE, 0, 1 },
	};
	struct fixture	*f = *state;
	size_t		 i;
	int		 opener;

	give_torrents(f, 5);
	key(f, 'j');			/* debian, 10 */
	for (i = 0; i < N(rows); i++) {
		opener = i % 2 ? 'x' : KEY_DC;
		key(f, opener);
		assert_int_equal(f->cmd.result, ACTION_NONE);
		assert_int_equal(f->vs->prompt, VIEW_PROMPT_REMOVE);
		assert_true(f->vs->remove_id == 10);
		key(f, rows[i].key);
		if (f->cmd.result != rows[i].result ||
		    (f->vs->prompt == VIEW_PROMPT_REMOVE) != rows[i].open)
			fail_msg("key %d: result %d, prompt %d", rows[i].key,
			    f->cmd.result, f->vs->prompt);
		if (rows[i].result == ACTION_SEND &&
		    (f->cmd.type != MSG_CMD_REMOVE ||
		    f->cmd.remove.torrent_id != 10 ||
		    f->cmd.remove.delete_data != rows[i].delete_data))
			fail_msg("key %d: type %d, id %u, delete %d",
			    rows[i].key, f->cmd.type,
			    f->cmd.remove.torrent_id,
			    f->cmd.remove.delete_data);
		if (rows[i].open) {
			key(f, ESC);
			assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
		}
		/* the list stays, on the same torrent */
		assert_true(f->vs->home);
		assert_int_equal(f->vs->torrent_id, 10);
	}
	key(f, 'x');
	key(f, 'd');
	assert_string_equal(f->vs->message,
	    "removing the torrent and its data...");
	key(f, 'x');
	key(f, 'k');
	assert_string_equal(f->vs->message,
	    "removing the torrent (its data stays)...");
}

/* From a detail, x asks about the torrent shown; removing it goes back
 * to the list, cancelling stays. */
static void
test_remove_from_detail(void **state)
{
	struct fixture	*f = *state;

	give_torrents(f, 5);
	open_torrent(f, 14);
	key(f, '2');
	key(f, 'x');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_REMOVE);
	assert_true(f->vs->remove_id == 14);
	key(f, ESC);
	assert_false(f->vs->home);
	assert_int_equal(f->vs->view, VIEW_PEERS);
	key(f, KEY_DC);
	key(f, 'd');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_REMOVE);
	assert_true(f->cmd.remove.torrent_id == 14);
	assert_int_equal(f->cmd.remove.delete_data, 1);
	assert_true(f->vs->home);
	assert_false(f->vs->have_focus);
}

static void
type(struct fixture *f, const char *text)
{
	for (; *text != '\0'; text++)
		key(f, (unsigned char)*text);
}

/* a: a path at the prompt, any text (keys that are commands elsewhere
 * too), Backspace, Enter adds, Esc or an empty line cancel. */
static void
test_add_prompt(void **state)
{
	struct fixture	*f = *state;
	size_t		 i;

	key(f, 'a');			/* no torrent needed */
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_ADD);
	assert_int_equal(f->vs->prompt_len, 0);
	type(f, "~/dl/q x.torrentZ");
	key(f, KEY_BACKSPACE);
	key(f, KEY_LEFT);		/* not text */
	key(f, 1);			/* a control byte */
	key(f, 127);			/* DEL: backspace too */
	key(f, 't');
	assert_string_equal(f->vs->prompt_buf, "~/dl/q x.torrent");
	assert_int_equal(f->cmd.result, ACTION_NONE);
	key(f, '\n');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_ADD);
	assert_string_equal(f->cmd.add.path, "~/dl/q x.torrent");
	assert_string_equal(f->cmd.add.dir, "");	/* the engine's */
	assert_int_equal(f->cmd.add.paused, 0);
	assert_string_equal(f->vs->message, "adding...");
	/* a new prompt starts empty; Esc sends nothing */
	key(f, 'a');
	assert_string_equal(f->vs->prompt_buf, "");
	type(f, "y.torrent");
	key(f, ESC);
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_int_equal(f->cmd.result, ACTION_NONE);
	key(f, 'a');
	key(f, KEY_BACKSPACE);		/* nothing to erase */
	key(f, KEY_ENTER);
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_int_equal(f->cmd.result, ACTION_NONE);
	/* a path longer than a command holds is cut at its bound */
	key(f, 'a');
	for (i = 0; i < MSG_PATH_MAX + 20; i++)
		key(f, 'p');
	assert_int_equal(f->vs->prompt_len, MSG_PATH_MAX - 1);
	key(f, '\r');
	assert_int_equal(f->cmd.type, MSG_CMD_ADD);
	assert_int_equal(strlen(f->cmd.add.path), MSG_PATH_MAX - 1);
	/* from a detail too: the screen stays */
	give_torrents(f, 2);
	open_torrent(f, 11);
	key(f, 'a');
	type(f, "z");
	key(f, '\n');
	assert_int_equal(f->cmd.type, MSG_CMD_ADD);
	assert_false(f->vs->home);
}

/* Tab at the add prompt completes the path (src/tui/complete.c). */
static void
test_add_tab_completes(void **state)
{
	struct fixture	*f = *state;
	char		 dir[256], path[512], want[512];
	FILE		*fp;

	assert_int_equal(sandbox_create(dir, sizeof(dir), "bttui-action"), 0);
	snprintf(path, sizeof(path), "%s/ubuntu-24.04.torrent", dir);
	assert_non_null(fp = fopen(path, "w"));
	fclose(fp);
	snprintf(path, sizeof(path), "%s/ubuntu-22.04.torrent", dir);
	assert_non_null(fp = fopen(path, "w"));
	fclose(fp);
	key(f, 'a');
	type(f, dir);
	type(f, "/ub");
	key(f, '\t');			/* two match: their common part */
	snprintf(want, sizeof(want), "%s/ubuntu-2", dir);
	assert_string_equal(f->vs->prompt_buf, want);
	assert_int_equal(f->vs->prompt_len, strlen(want));
	assert_string_equal(f->vs->message, "several files match: type more");
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_ADD);
	type(f, "4");
	key(f, '\t');
	snprintf(want, sizeof(want), "%s/ubuntu-24.04.torrent", dir);
	assert_string_equal(f->vs->prompt_buf, want);
	key(f, '\n');
	assert_int_equal(f->cmd.type, MSG_CMD_ADD);
	assert_string_equal(f->cmd.add.path, want);
	sandbox_remove(dir);
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
	key(f, '<');		/* wraps to the last column */
	assert_int_equal(f->vs->sort, VIEW_PCOL_SRC);
	key(f, '>');
	assert_int_equal(f->vs->sort, VIEW_PCOL_ADDR);
	assert_int_equal(f->m->peers[f->vs->peer_order[0]].id, 100);
	key(f, 'I');
	assert_true(f->vs->sort_invert);
	assert_int_equal(f->m->peers[f->vs->peer_order[0]].id, 104);
	key(f, 'I');
	assert_false(f->vs->sort_invert);
}

/* A click on a Peers title (ACT_SORT_BY, the title's index as drawn)
 * sorts by the column drawn there, in the config's column order too. */
static void
test_sort_by_title(void **state)
{
	struct fixture	*f = *state;
	char		 err[128];

	give_peers(f, 5);
	key(f, '2');
	action_run(f->vs, f->m, ACT_SORT_BY, 1, &f->cmd);
	assert_int_equal(f->vs->sort, VIEW_PCOL_ADDR);	/* after # */
	assert_false(f->vs->sort_invert);
	action_run(f->vs, f->m, ACT_SORT_BY, 1, &f->cmd);
	assert_true(f->vs->sort_invert);		/* again: flipped */
	action_run(f->vs, f->m, ACT_SORT_BY, 0, &f->cmd);	/* # */
	assert_int_equal(f->vs->sort, VIEW_PCOL_ADDR);
	assert_int_equal(view_peers_parse_cols("#,up,address", &f->vs->peer_cols,
	    err, sizeof(err)), 0);
	action_run(f->vs, f->m, ACT_SORT_BY, 1, &f->cmd);
	assert_int_equal(f->vs->sort, VIEW_PCOL_UP);
	action_run(f->vs, f->m, ACT_SORT_BY, 3, &f->cmd);	/* none */
	assert_int_equal(f->vs->sort, VIEW_PCOL_UP);
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
	assert_true(f->cmd.inspect.torrent_id == 10);	/* the focus */
	assert_int_equal(f->cmd.inspect.index, 101);
	assert_int_equal(f->vs->detail, VIEW_DETAIL_PEER);
	assert_int_equal(f->vs->detail_index, 101);
	/* moving inside the detail inspects the next peer */
	key(f, KEY_DOWN);
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.inspect.index, 100);
	assert_int_equal(f->vs->detail_index, 100);
	assert_true(f->cmd.inspect.torrent_id == 10);
	/* Esc closes the peer detail, the torrent stays open... */
	key(f, ESC);
	assert_int_equal(f->vs->detail, VIEW_DETAIL_NONE);
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_false(f->vs->home);
	assert_int_equal(f->vs->view, VIEW_PEERS);
	/* ...and a second Esc goes back to the list */
	key(f, ESC);
	assert_true(f->vs->home);
	assert_false(f->vs->have_focus);
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
	assert_true(f->cmd.inspect.torrent_id == 10);
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

/* In a torrent's detail the commands are about that torrent. */
static void
test_commands(void **state)
{
	struct fixture	*f = *state;

	key(f, 'p');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_PAUSE);
	assert_true(f->cmd.torrent.torrent_id == 10);
	assert_string_equal(f->vs->message, "pausing...");
	row_of(f, 10)->state = MSG_STATE_PAUSED;
	key(f, 'p');
	assert_int_equal(f->cmd.type, MSG_CMD_RESUME);
	assert_true(f->cmd.torrent.torrent_id == 10);
	row_of(f, 10)->state = MSG_STATE_DOWNLOADING;
	key(f, 'r');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_REANNOUNCE);
	assert_true(f->cmd.torrent.torrent_id == 10);
	/* the torrent left the list (a new engine has not listed it yet) */
	f->m->ntorrents = 0;
	key(f, 'p');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_string_equal(f->vs->message, "no torrent to pause");
	assert_true(f->vs->message_warn);
	give_torrents(f, 5);
	/* listed, but not under that hash */
	row_of(f, 10)->info_hash[19] ^= 1;
	key(f, 'p');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_string_equal(f->vs->message,
	    "the engine has not reported yet: try again");
	key(f, 'r');			/* no torrent: the whole session */
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

/* r says what the announce does: nothing for an idle torrent (the
 * engine skips it), how many trackers it goes to, a round in flight. */
static void
test_reannounce(void **state)
{
	static const struct {
		uint8_t		 state;
		const char	*said;
	} idle[] = {
		{ MSG_STATE_PAUSED, "paused: no announce (p resumes it; it "
		    "announces then)" },
		{ MSG_STATE_QUEUED, "queued: it announces when its turn to "
		    "start comes" },
		{ MSG_STATE_ERROR, "stopped by an error: R retries it; it "
		    "announces then" },
		{ MSG_STATE_CHECKING, "checking its data: it announces when "
		    "the check ends" },
		{ MSG_STATE_STOPPING, "complete and done seeding: nothing to "
		    "announce" },
	};
	struct fixture		*f = *state;
	struct msg_trackers	*t = &f->m->trackers;
	size_t			 i;

	for (i = 0; i < N(idle); i++) {
		row_of(f, 10)->state = idle[i].state;
		key(f, 'r');
		assert_int_equal(f->cmd.result, ACTION_NONE);
		assert_string_equal(f->vs->message, idle[i].said);
		assert_true(f->vs->message_warn);
	}
	/* in its detail, the status has the latest word */
	f->m->have_status = 1;
	f->m->status.torrent_id = 10;
	f->m->status.state = MSG_STATE_DOWNLOADING;
	key(f, 'r');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_REANNOUNCE);
	assert_true(f->cmd.torrent.torrent_id == 10);
	assert_string_equal(f->vs->message, "announcing to the trackers...");
	/* the Trackers view's list: two URLs and the DHT */
	f->m->have_trackers = 1;
	t->torrent_id = 10;
	t->n = 3;
	t->t[0].kind = MSG_TRACKER_KIND_TRACKER;
	t->t[0].status = MSG_TRACKER_OK;
	t->t[1].kind = MSG_TRACKER_KIND_TRACKER;
	t->t[1].status = MSG_TRACKER_ERROR;
	t->t[2].kind = MSG_TRACKER_KIND_DHT;
	t->t[2].status = MSG_TRACKER_ANNOUNCING;
	key(f, 'r');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_string_equal(f->vs->message, "announcing to 2 trackers "
	    "(answers in the Trackers view, 4)...");
	assert_false(f->vs->message_warn);
	t->t[1].status = MSG_TRACKER_ANNOUNCING;
	key(f, 'r');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_string_equal(f->vs->message, "an announce is under way: its "
	    "answer first, then this one (Trackers view, 4)");
	t->t[0].kind = t->t[1].kind = MSG_TRACKER_KIND_PEER;
	key(f, 'r');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_string_equal(f->vs->message, "no tracker in this torrent: "
	    "dialling the peers it knows again");
	/* another torrent's trackers say nothing of this one */
	t->torrent_id = 11;
	key(f, 'r');
	assert_string_equal(f->vs->message, "announcing to the trackers...");
	/* on the list: the selected row's state */
	key(f, ESC);
	assert_true(f->vs->home);
	key(f, 'g');			/* arch.iso, seeding */
	key(f, 'r');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_true(f->cmd.torrent.torrent_id == 11);
	key(f, 'j');			/* debian.iso: paused now */
	row_of(f, 10)->state = MSG_STATE_PAUSED;
	key(f, 'r');
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

	/* only the torrent shown may be in error here */
	for (i = 0; i < f->m->ntorrents; i++)
		f->m->torrents[i].state = MSG_STATE_DOWNLOADING;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		f->m->health.state = rows[i].sup;
		f->m->have_status = rows[i].have_status;
		f->m->status.torrent_id = f->m->focus;
		f->m->status.state = rows[i].state;
		row_of(f, f->m->focus)->state = rows[i].have_status ?
		    rows[i].state : MSG_STATE_DOWNLOADING;
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

/* R retries a torrent in error that is not the one shown: all of them. */
static void
test_retry_other_torrent(void **state)
{
	struct fixture	*f = *state;
	size_t		 i;

	for (i = 0; i < f->m->ntorrents; i++)
		f->m->torrents[i].state = MSG_STATE_DOWNLOADING;
	f->m->health.state = SUP_RUNNING;
	f->m->have_status = 1;
	f->m->status.torrent_id = f->m->focus;
	f->m->status.state = MSG_STATE_DOWNLOADING;
	key(f, 'R');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	f->m->torrents[f->m->ntorrents - 1].state = MSG_STATE_ERROR;
	assert_int_not_equal(f->m->torrents[f->m->ntorrents - 1].id,
	    f->m->focus);
	key(f, 'R');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_RESUME);
	assert_int_equal(f->cmd.torrent.torrent_id, MSG_TORRENT_ALL);
}

/* t toggles turtle mode by what the engine last reported, or by the
 * toggle sent before while its report is awaited; the limit prompt says
 * its limits wait for turtle mode to end. */
static void
test_turtle(void **state)
{
	struct fixture	*f = *state;

	key(f, 't');
	assert_int_equal(f->cmd.result, ACTION_NONE);	/* no engine yet */
	assert_true(f->vs->message_warn);
	f->m->have_session = 1;
	f->m->session.alt_down_bps = 50 * 1024;
	f->m->session.alt_up_bps = 0;
	f->m->session.max_down_bps = 2 * 1024 * 1024;
	key(f, 't');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_SET_TURTLE);
	assert_int_equal(f->cmd.count.n, 1);
	assert_string_equal(f->vs->message, "turtle mode on: 50.0 KiB/s down, "
	    "no limit up");
	/* the engine has not said yet: the next t undoes the first */
	key(f, 't');
	assert_int_equal(f->cmd.count.n, 0);
	assert_string_equal(f->vs->message, "turtle mode off: 2.0 MiB/s "
	    "down, no limit up");
	/* it said turtle is on (the second toggle got lost): off next */
	f->m->session.turtle = 1;
	f->m->now_ms += 10000;
	key(f, 't');
	assert_int_equal(f->cmd.count.n, 0);
	f->m->now_ms += 10000;
	key(f, 'd');
	type(f, "100K");
	key(f, '\n');
	assert_int_equal(f->cmd.type, MSG_CMD_SET_LIMITS);
	assert_true(f->cmd.limits.max_down_bps == 100 * 1024);
	assert_string_equal(f->vs->message, "download limit: 100 KiB/s "
	    "(after turtle mode: t)");
}

static void
test_limit_prompt(void **state)
{
	struct fixture	*f = *state;
	char		 line[256];

	/* the session's limits, whatever the torrent shown */
	f->m->session.max_up_bps = 5 * 1024;
	f->m->status.max_up_bps = 99;
	assert_int_equal(action_prompt_line(f->vs, f->m, line, sizeof(line)),
	    0);
	assert_string_equal(line, "");
	key(f, 'd');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_DOWN);
	type(f, "1q20");
	key(f, KEY_BACKSPACE);
	key(f, KEY_BACKSPACE);
	key(f, KEY_BACKSPACE);
	type(f, "20");
	assert_string_equal(f->vs->prompt_buf, "120");
	assert_int_equal(action_prompt_line(f->vs, f->m, line, sizeof(line)),
	    1);
	assert_string_equal(line, "Download limit, e.g. 500K, 2M, 1.5M (0: "
	    "none; Enter: set, Esc: cancel): 120_");
	assert_int_equal(f->cmd.result, ACTION_NONE);
	key(f, '\n');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_int_equal(f->cmd.type, MSG_CMD_SET_LIMITS);
	assert_true(f->cmd.limits.max_down_bps == 120 * 1024);
	assert_true(f->cmd.limits.max_up_bps == 5 * 1024);
	assert_string_equal(f->vs->message, "download limit: 120 KiB/s");
	assert_false(f->vs->message_warn);
	/* upload, 0: unlimited, the download limit kept */
	f->m->session.max_down_bps = 120 * 1024;
	key(f, 'u');
	key(f, '0');
	key(f, KEY_ENTER);
	assert_true(f->cmd.limits.max_up_bps == 0);
	assert_true(f->cmd.limits.max_down_bps == 120 * 1024);
	assert_string_equal(f->vs->message, "upload limit: none");
	/* units */
	key(f, 'u');
	type(f, "1.5M\n");
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_true(f->cmd.limits.max_up_bps == 1572864);
	assert_string_equal(f->vs->message, "upload limit: 1.5 MiB/s");
	/* Esc and an empty line send nothing */
	key(f, 'u');
	key(f, '7');
	key(f, ESC);
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_int_equal(f->cmd.result, ACTION_NONE);
	key(f, 'd');
	key(f, '\r');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_int_equal(f->cmd.result, ACTION_NONE);
	/* what is not a rate: the prompt stays open with the text and says
	 * why; typing on clears the reason */
	key(f, 'd');
	type(f, "1e3\n");
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_DOWN);
	assert_string_equal(f->vs->prompt_buf, "1e3");
	assert_true(f->vs->message_warn);
	assert_string_equal(f->vs->message, "not a rate: 1e3 (try 500K, 2M "
	    "or 0 for none)");
	action_prompt_line(f->vs, f->m, line, sizeof(line));
	assert_string_equal(line, "Download limit: 1e3_   not a rate: 1e3 "
	    "(try 500K, 2M or 0 for none)");
	key(f, KEY_BACKSPACE);
	key(f, KEY_BACKSPACE);
	assert_string_equal(f->vs->message, "");
	type(f, "K\n");
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_true(f->cmd.limits.max_down_bps == 1024);
	/* a second limit before the engine reported the first keeps it:
	 * both go in one command */
	f->m->session.max_down_bps = 1024;
	f->m->session.max_up_bps = 1572864;
	key(f, 'u');
	type(f, "7K\n");
	key(f, 'd');
	type(f, "9K\n");
	assert_true(f->cmd.limits.max_down_bps == 9 * 1024);
	assert_true(f->cmd.limits.max_up_bps == 7 * 1024);
	/* once the engine said them, its word counts again */
	f->m->session.max_down_bps = 9 * 1024;
	f->m->session.max_up_bps = 7 * 1024;
	key(f, 'u');
	type(f, "1K\n");
	/* the engine's say differs (changed elsewhere): after 3 s, it
	 * counts */
	f->m->session.max_down_bps = 3 * 1024;
	key(f, 'u');
	type(f, "2K\n");
	assert_true(f->cmd.limits.max_down_bps == 9 * 1024);
	f->m->now_ms += 3000;
	key(f, 'u');
	type(f, "4K\n");
	assert_true(f->cmd.limits.max_down_bps == 3 * 1024);
	assert_true(f->cmd.limits.max_up_bps == 4 * 1024);
	/* a rate over the most: capped, and said */
	key(f, 'd');
	type(f, "5T\n");
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_true(f->cmd.limits.max_down_bps == ACTION_LIMIT_MAX_BPS);
	assert_true(f->vs->message_warn);
	assert_string_equal(f->vs->message, "download limit: 1.0 TiB/s, the "
	    "most there is (5T was over it)");
	/* under 1 B/s */
	key(f, 'd');
	type(f, "0.0001\n");
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_string_equal(f->vs->message, "under 1 B/s: 0.0001 (0 is no "
	    "limit)");
	key(f, ESC);
	assert_string_equal(f->vs->message, "");
	/* the text is bounded */
	key(f, 'd');
	for (int i = 0; i < 80; i++)
		key(f, '9');
	assert_int_equal(f->vs->prompt_len, ACTION_LIMIT_INPUT_MAX - 1);
	key(f, '\n');
	assert_int_equal(f->cmd.result, ACTION_SEND);
	assert_true(f->cmd.limits.max_down_bps == ACTION_LIMIT_MAX_BPS);
}

/* The defects of issue 16 first: "-5" set 5 KiB/s, "1.5" 15, "1e3" 13,
 * "abc" closed the prompt without a word. */
static void
test_parse_rate(void **state)
{
	static const struct {
		const char	*in;
		int		 want;
		uint64_t	 bps;
		int		 capped;
	} cases[] = {
		{ "-5", BT_ERR_INVALID, 0, 0 },
		{ "1.5", BT_OK, 1536, 0 },
		{ "1e3", BT_ERR_INVALID, 0, 0 },
		{ "abc", BT_ERR_INVALID, 0, 0 },
		{ "0", BT_OK, 0, 0 }, { "0K", BT_OK, 0, 0 },
		{ "0.0", BT_OK, 0, 0 }, { "1", BT_OK, 1024, 0 },
		{ "100", BT_OK, 102400, 0 },
		{ "500K", BT_OK, 512000, 0 }, { "500k", BT_OK, 512000, 0 },
		{ "2M", BT_OK, 2097152, 0 }, { "2m", BT_OK, 2097152, 0 },
		{ "1.5M", BT_OK, 1572864, 0 }, { "1G", BT_OK, 1073741824, 0 },
		{ "1T", BT_OK, 1099511627776ULL, 0 },
		{ "500KB", BT_OK, 512000, 0 }, { "500KiB", BT_OK, 512000, 0 },
		{ "500kib/s", BT_OK, 512000, 0 },
		{ "2M/s", BT_OK, 2097152, 0 }, { "2MB/s", BT_OK, 2097152, 0 },
		{ "100/s", BT_OK, 102400, 0 }, { "300B", BT_OK, 300, 0 },
		{ "300b/s", BT_OK, 300, 0 }, { " 2 M ", BT_OK, 2097152, 0 },
		{ ".5K", BT_OK, 512, 0 }, { "5.", BT_OK, 5120, 0 },
		{ "0.1B", BT_ERR_RANGE, 0, 0 }, { "0.0001", BT_ERR_RANGE, 0, 0 },
		{ "1.0000009M", BT_OK, 1048576, 0 },
		{ "1.1K", BT_OK, 1126, 0 },
		/* over 1 TiB/s: capped */
		{ "2T", BT_OK, 1ULL << 40, 1 }, { "1.5T", BT_OK, 1ULL << 40, 1 },
		{ "1073741825", BT_OK, 1ULL << 40, 1 },
		{ "1073741824", BT_OK, 1ULL << 40, 0 },
		{ "99999999999999999999999", BT_OK, 1ULL << 40, 1 },
		{ "99999999999999999999999G", BT_OK, 1ULL << 40, 1 },
		/* not rates */
		{ "", BT_ERR_INVALID, 0, 0 }, { " ", BT_ERR_INVALID, 0, 0 },
		{ ".", BT_ERR_INVALID, 0, 0 }, { "K", BT_ERR_INVALID, 0, 0 },
		{ "1.5.5", BT_ERR_INVALID, 0, 0 },
		{ "1K2", BT_ERR_INVALID, 0, 0 }, { "1KK", BT_ERR_INVALID, 0, 0 },
		{ "1X", BT_ERR_INVALID, 0, 0 }, { "1 2", BT_ERR_INVALID, 0, 0 },
		{ "1/m", BT_ERR_INVALID, 0, 0 }, { "+5", BT_ERR_INVALID, 0, 0 },
		{ "0x10", BT_ERR_INVALID, 0, 0 }, { "1,5", BT_ERR_INVALID, 0, 0 },
		{ "1Mi B", BT_ERR_INVALID, 0, 0 },
		{ "1iB", BT_ERR_INVALID, 0, 0 },
	};
	uint64_t	bps;
	size_t		i;
	int		r, capped;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		bps = 7;
		capped = 7;
		r = action_parse_rate(cases[i].in, &bps, &capped);
		if (r != cases[i].want || bps != cases[i].bps ||
		    capped != cases[i].capped)
			fail_msg("\"%s\": got %d %llu capped %d", cases[i].in,
			    r, (unsigned long long)bps, capped);
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

/* The help on the list: a view key opens the selected torrent there. */
static void
test_help_on_home(void **state)
{
	struct fixture	*f = *state;

	give_torrents(f, 3);
	key(f, '?');
	assert_true(f->vs->help);
	key(f, 'j');			/* scrolls the help, not the list */
	assert_int_equal(f->vs->torrent_row, 0);
	key(f, '3');
	assert_false(f->vs->help);
	assert_false(f->vs->home);
	assert_int_equal(f->vs->view, VIEW_FILES);
	assert_memory_equal(f->vs->focus_hash, row_of(f, 11)->info_hash, 20);
	key(f, '?');
	key(f, ESC);			/* closes the help only */
	assert_false(f->vs->help);
	assert_false(f->vs->home);
}

static void
test_log_scroll(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	for (i = 0; i < 100; i++)	/* in turn: none collapses */
		model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, i % 2 ?
		    "x" : "w");
	key(f, '5');
	assert_int_equal(f->vs->log_back, 0);
	key(f, KEY_PPAGE);
	assert_int_equal(f->vs->log_back, 18);
	key(f, KEY_UP);
	assert_int_equal(f->vs->log_back, 19);
	/* scrolled back, new lines keep the same lines on screen */
	for (i = 0; i < 5; i++)
		model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, i % 2 ?
		    "y" : "v");
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

/* S in the Files view streams the file under the cursor; on the file
 * streamed it stops; elsewhere it says where it works. */
/* Space toggles skip / normal; + and - step through skip, low, normal,
 * high and stop at the ends; the file under the cursor is the one sent. */
static void
test_prio_keys(void **state)
{
	struct fixture	*f = *state;
	static const struct {
		const char	*name;
		int		 row;
		uint8_t		 prio;		/* as FILES said */
		int		 key;
		int		 result;
		uint8_t		 want;
		const char	*message;
	} rows[] = {
		{ "space skips", 0, MSG_PRIO_NORMAL, ' ', ACTION_SEND,
		    MSG_PRIO_SKIP, "file 1: skip (not downloaded)" },
		{ "space wants", 1, MSG_PRIO_SKIP, ' ', ACTION_SEND,
		    MSG_PRIO_NORMAL, "file 2: normal" },
		{ "space on high skips", 2, MSG_PRIO_HIGH, ' ', ACTION_SEND,
		    MSG_PRIO_SKIP, NULL },
		{ "plus", 2, MSG_PRIO_NORMAL, '+', ACTION_SEND, MSG_PRIO_HIGH,
		    "file 3: high" },
		{ "equals is plus", 0, MSG_PRIO_SKIP, '=', ACTION_SEND,
		    MSG_PRIO_LOW, NULL },
		{ "minus", 1, MSG_PRIO_LOW, '-', ACTION_SEND, MSG_PRIO_SKIP,
		    NULL },
		{ "plus at high", 0, MSG_PRIO_HIGH, '+', ACTION_NONE, 0,
		    "the file is already at high" },
		{ "minus at skip", 0, MSG_PRIO_SKIP, '-', ACTION_NONE, 0,
		    "the file is already at skip (not downloaded)" },
	};
	size_t		 i;
	int		 j;

	f->m->files = calloc(3, sizeof(*f->m->files));
	assert_non_null(f->m->files);
	f->m->nfiles = 3;
	for (i = 0; i < N(rows); i++) {
		key(f, '3');
		key(f, KEY_HOME);
		for (j = 0; j < rows[i].row; j++)
			key(f, 'j');
		f->m->files[rows[i].row].prio = rows[i].prio;
		key(f, rows[i].key);
		if ((int)f->cmd.result != rows[i].result)
			fail_msg("%s: result %d", rows[i].name, f->cmd.result);
		if (rows[i].message != NULL)
			assert_string_equal(f->vs->message, rows[i].message);
		if (rows[i].result != ACTION_SEND)
			continue;
		assert_int_equal(f->cmd.type, MSG_CMD_SET_PRIORITY);
		assert_true(f->cmd.prio.torrent_id == 10);
		assert_int_equal(f->cmd.prio.file, rows[i].row);
		if (f->cmd.prio.prio != rows[i].want)
			fail_msg("%s: prio %u", rows[i].name, f->cmd.prio.prio);
	}
	/* not in the Files view */
	key(f, '2');
	key(f, ' ');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_string_equal(f->vs->message, "Space, + and - set a file's "
	    "priority: open a torrent's Files view (3)");
	/* no files listed yet */
	f->m->nfiles = 0;
	key(f, '3');
	key(f, '+');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_string_equal(f->vs->message, "no file selected");
}

static void
test_stream_key(void **state)
{
	struct fixture	*f = *state;
	static const struct {
		const char	*name;
		int		 view;		/* '1'..'5' */
		int		 row;
		uint32_t	 streamed;	/* as FILES said */
		int		 result;
		uint32_t	 want_file;
		const char	*message;
	} rows[] = {
		{ "first file", '3', 0, MSG_STREAM_OFF, ACTION_SEND, 0,
		    "streaming the file: first and last pieces, then in "
		    "order" },
		{ "third file", '3', 2, MSG_STREAM_OFF, ACTION_SEND, 2, NULL },
		{ "another than the streamed", '3', 1, 2, ACTION_SEND, 1,
		    NULL },
		{ "whole torrent streams", '3', 1, MSG_STREAM_ALL,
		    ACTION_SEND, 1, NULL },
		{ "the streamed one: stop", '3', 2, 2, ACTION_SEND,
		    MSG_STREAM_OFF, "streaming off: rarest pieces first" },
		{ "peers view", '2', 0, MSG_STREAM_OFF, ACTION_NONE, 0,
		    "S streams a file: open a torrent's Files view (3)" },
	};
	size_t		 i;
	int		 j;

	f->m->files = calloc(3, sizeof(*f->m->files));
	assert_non_null(f->m->files);
	f->m->nfiles = 3;
	for (i = 0; i < N(rows); i++) {
		key(f, rows[i].view);
		key(f, KEY_HOME);
		for (j = 0; j < rows[i].row; j++)
			key(f, 'j');
		f->m->files_streamed = rows[i].streamed;
		key(f, 'S');
		if ((int)f->cmd.result != rows[i].result)
			fail_msg("%s: result %d", rows[i].name, f->cmd.result);
		if (rows[i].message != NULL)
			assert_string_equal(f->vs->message, rows[i].message);
		if (rows[i].result != ACTION_SEND)
			continue;
		assert_int_equal(f->cmd.type, MSG_CMD_STREAM);
		assert_true(f->cmd.stream.torrent_id == 10);
		if (f->cmd.stream.file != rows[i].want_file)
			fail_msg("%s: file %u", rows[i].name,
			    f->cmd.stream.file);
	}
	/* no files listed yet */
	f->m->nfiles = 0;
	key(f, '3');
	key(f, 'S');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_string_equal(f->vs->message, "no file to stream");
	/* the torrent list */
	f->m->nfiles = 3;
	key(f, ESC);
	key(f, 'S');
	assert_int_equal(f->cmd.result, ACTION_NONE);
}

/* The Files view's tree: t/ holds a/ (files 0 and 2, normal), b/ (file
 * 1, skipped) and c (file 3, high); the list has a/'s files apart. */
static void
give_tree(struct fixture *f)
{
	static const struct {
		const char	*path;
		uint8_t		 prio;
	} files[] = {
		{ "t/a/1", MSG_PRIO_NORMAL }, { "t/b/2", MSG_PRIO_SKIP },
		{ "t/a/3", MSG_PRIO_NORMAL }, { "t/c", MSG_PRIO_HIGH },
	};
	size_t	i;

	f->m->files = calloc(N(files), sizeof(*f->m->files));
	assert_non_null(f->m->files);
	for (i = 0; i < N(files); i++) {
		snprintf(f->m->files[i].path, sizeof(f->m->files[i].path),
		    "%s", files[i].path);
		f->m->files[i].size = 1000 * (i + 1);
		f->m->files[i].prio = files[i].prio;
	}
	f->m->nfiles = f->m->files_total = N(files);
}

/* Folding and moving in the tree, and the priority keys on directory
 * rows: one SET_DIR_PRIORITY naming the directory's path, Space skips
 * all unless all are skipped, + and - on mixed priorities bring them all
 * to the highest or the lowest there.  Rows, all unfolded: 0 t/, 1 a/,
 * 2 "1" (#0), 3 "3" (#2), 4 b/, 5 "2" (#1), 6 c (#3). */
static void
test_tree_keys(void **state)
{
	static const struct {
		const char	*name;
		int		 key;
		int		 row;		/* the cursor afterwards */
		size_t		 nrows;		/* visible rows afterwards */
		int		 type;		/* a command, or 0 */
		const char	*dir;		/* SET_DIR_PRIORITY's */
		uint32_t	 file;		/* SET_PRIORITY's */
		uint8_t		 prio;
		const char	*message;
	} steps[] = {
		{ "down to a/", 'j', 1, 7, 0, NULL, 0, 0, NULL },
		{ "Enter folds", '\n', 1, 5, 0, NULL, 0, 0, NULL },
		{ "Enter unfolds", KEY_ENTER, 1, 7, 0, NULL, 0, 0, NULL },
		{ "Left folds", KEY_LEFT, 1, 5, 0, NULL, 0, 0, NULL },
		{ "l unfolds", 'l', 1, 7, 0, NULL, 0, 0, NULL },
		{ "Right goes in", KEY_RIGHT, 2, 7, 0, NULL, 0, 0, NULL },
		{ "Right on a file", KEY_RIGHT, 2, 7, 0, NULL, 0, 0, NULL },
		{ "Enter on a file", '\r', 2, 7, 0, NULL, 0, 0, NULL },
		{ "down", KEY_DOWN, 3, 7, 0, NULL, 0, 0, NULL },
		{ "h on a file: up to its directory", 'h', 1, 7, 0, NULL, 0,
		    0, NULL },
		{ "h folds it", 'h', 1, 5, 0, NULL, 0, 0, NULL },
		{ "h again: up to t/", 'h', 0, 5, 0, NULL, 0, 0, NULL },
		{ "Space on mixed t/ skips all", ' ', 0, 5,
		    MSG_CMD_SET_DIR_PRIORITY, "t", 0, MSG_PRIO_SKIP,
		    "t/: 4 files to skip (not downloaded)" },
		{ "+ on mixed t/: all to the highest", '+', 0, 5,
		    MSG_CMD_SET_DIR_PRIORITY, "t", 0, MSG_PRIO_HIGH,
		    "t/: 4 files to high" },
		{ "- on mixed t/: all to the lowest", '-', 0, 5,
		    MSG_CMD_SET_DIR_PRIORITY, "t", 0, MSG_PRIO_SKIP, NULL },
		{ "down to a/, folded", 'j', 1, 5, 0, NULL, 0, 0, NULL },
		{ "Space on normal a/ skips", ' ', 1, 5,
		    MSG_CMD_SET_DIR_PRIORITY, "t/a", 0, MSG_PRIO_SKIP,
		    "a/: 2 files to skip (not downloaded)" },
		{ "+ on normal a/: high", '=', 1, 5, MSG_CMD_SET_DIR_PRIORITY,
		    "t/a", 0, MSG_PRIO_HIGH, "a/: 2 files to high" },
		{ "down to b/", 'j', 2, 5, 0, NULL, 0, 0, NULL },
		{ "Space on skipped b/ wants", ' ', 2, 5,
		    MSG_CMD_SET_DIR_PRIORITY, "t/b", 0, MSG_PRIO_NORMAL,
		    "b/: 1 file to normal" },
		{ "- on b/ at skip", '-', 2, 5, 0, NULL, 0, 0,
		    "everything in b/ is already at skip (not downloaded)" },
		{ "S on a directory", 'S', 2, 5, 0, NULL, 0, 0,
		    "S streams a file: select one, not a directory" },
		{ "G to c", 'G', 4, 5, 0, NULL, 0, 0, NULL },
		{ "+ on c at high", '+', 4, 5, 0, NULL, 0, 0,
		    "the file is already at high" },
		{ "Space on c: its number", ' ', 4, 5, MSG_CMD_SET_PRIORITY,
		    NULL, 3, MSG_PRIO_SKIP, "file 4: skip (not downloaded)" },
		{ "S on c: its number", 'S', 4, 5, MSG_CMD_STREAM, NULL, 3, 0,
		    NULL },
		{ "h from c: up to t/", 'h', 0, 5, 0, NULL, 0, 0, NULL },
		{ "h folds t/", 'h', 0, 1, 0, NULL, 0, 0, NULL },
		{ "h on a folded top: stays", 'h', 0, 1, 0, NULL, 0, 0, NULL },
	};
	struct fixture	*f = *state;
	size_t		 i;

	give_tree(f);
	key(f, '3');
	key(f, 'g');
	assert_int_equal(f->vs->file_row, 0);
	assert_int_equal(filetree_nrows(&f->vs->files), 7);
	for (i = 0; i < N(steps); i++) {
		key(f, steps[i].key);
		if (f->vs->file_row != steps[i].row ||
		    filetree_nrows(&f->vs->files) != steps[i].nrows)
			fail_msg("%s: row %d of %zu, want %d of %zu",
			    steps[i].name, f->vs->file_row,
			    filetree_nrows(&f->vs->files), steps[i].row,
			    steps[i].nrows);
		if (steps[i].message != NULL &&
		    strcmp(f->vs->message, steps[i].message) != 0)
			fail_msg("%s: says \"%s\"", steps[i].name,
			    f->vs->message);
		if (steps[i].type == 0) {
			if (f->cmd.result != ACTION_NONE)
				fail_msg("%s: sends %d", steps[i].name,
				    f->cmd.type);
			continue;
		}
		if (f->cmd.result != ACTION_SEND ||
		    f->cmd.type != steps[i].type)
			fail_msg("%s: result %d type %d", steps[i].name,
			    f->cmd.result, f->cmd.type);
		if (steps[i].type == MSG_CMD_SET_DIR_PRIORITY) {
			assert_true(f->cmd.dir_prio.torrent_id == 10);
			assert_string_equal(f->cmd.dir_prio.dir, steps[i].dir);
			assert_int_equal(f->cmd.dir_prio.prio, steps[i].prio);
		} else if (steps[i].type == MSG_CMD_SET_PRIORITY) {
			assert_true(f->cmd.prio.torrent_id == 10);
			assert_int_equal(f->cmd.prio.file, steps[i].file);
			assert_int_equal(f->cmd.prio.prio, steps[i].prio);
		} else
			assert_int_equal(f->cmd.stream.file, steps[i].file);
	}
	/* the engine's next list (a new prio) keeps the fold */
	f->m->files[0].prio = MSG_PRIO_SKIP;
	action_sync(f->vs, f->m);
	assert_int_equal(filetree_nrows(&f->vs->files), 1);
	/* a capped list: the directory's command reaches the files not
	 * listed too, and the bottom bar says so */
	f->m->files_total = 9;
	key(f, 'l');
	key(f, 'j');
	key(f, ' ');
	assert_int_equal(f->cmd.type, MSG_CMD_SET_DIR_PRIORITY);
	assert_string_equal(f->vs->message, "a/: 2 listed files, and those "
	    "not listed, to skip (not downloaded)");
	/* the torrent opened again starts unfolded */
	key(f, 'h');
	key(f, 'h');
	assert_int_equal(filetree_nrows(&f->vs->files), 1);
	key(f, ESC);
	key(f, '\n');
	key(f, '3');
	assert_int_equal(filetree_nrows(&f->vs->files), 7);
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
	/* the cursor row is on screen: 18 rows under the totals and the
	 * titles */
	assert_int_equal(f->vs->file_top, 49 - 17);
	key(f, KEY_HOME);
	assert_int_equal(f->vs->file_top, 0);
	key(f, '4');
	for (i = 0; i < 10; i++)
		key(f, 'j');
	assert_int_equal(f->vs->tracker_row, 2);
}

/* The selected row's name on the list. */
static const char *
selected_name(struct fixture *f)
{
	return row_of(f, f->vs->torrent_id)->name;
}

static void
prompt_is(struct fixture *f, const char *want)
{
	char	line[256];

	assert_int_equal(action_prompt_line(f->vs, f->m, line, sizeof(line)),
	    1);
	assert_string_equal(line, want);
}

/* / on the list: the cursor follows the text as it is typed, Enter keeps
 * the search, Esc goes back; n and N step round the ends. */
static void
test_search_list(void **state)
{
	struct fixture	*f = *state;

	give_torrents(f, 5);		/* arch debian fedora mint ubuntu */
	key(f, 'G');
	assert_string_equal(selected_name(f), "ubuntu.iso");
	key(f, '/');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_SEARCH);
	prompt_is(f, "Search: _   (type to search; Enter: done, Esc: back)");
	key(f, 'B');			/* debian, ubuntu */
	assert_string_equal(selected_name(f), "debian.iso");
	prompt_is(f, "Search: B_   (2 matches; Enter: done, Esc: back)");
	key(f, 'I');
	assert_string_equal(selected_name(f), "debian.iso");
	prompt_is(f, "Search: BI_   (1 match; Enter: done, Esc: back)");
	key(f, ESC);			/* back where it was */
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_string_equal(selected_name(f), "ubuntu.iso");
	assert_string_equal(f->vs->search, "");
	/* "a": arch, debian, fedora */
	key(f, '/');
	key(f, 'a');
	prompt_is(f, "Search: a_   (3 matches; Enter: done, Esc: back)");
	assert_string_equal(selected_name(f), "arch.iso");
	key(f, '\n');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_string_equal(f->vs->search, "a");
	assert_string_equal(f->vs->message, "a: match 1 of 3 (n: next, N: "
	    "previous)");
	key(f, 'n');
	assert_string_equal(selected_name(f), "debian.iso");
	assert_string_equal(f->vs->message, "a: match 2 of 3 (n: next, N: "
	    "previous)");
	key(f, 'n');
	assert_string_equal(selected_name(f), "fedora.iso");
	key(f, 'n');
	assert_string_equal(selected_name(f), "arch.iso");
	assert_string_equal(f->vs->message, "a: match 1 of 3, from the other "
	    "end (n: next, N: previous)");
	key(f, 'N');
	assert_string_equal(selected_name(f), "fedora.iso");
	key(f, 'N');
	assert_string_equal(selected_name(f), "debian.iso");
	/* from a row that does not match, n finds the next one that does */
	key(f, 'G');
	key(f, 'n');
	assert_string_equal(selected_name(f), "arch.iso");
	assert_string_equal(f->vs->message, "a: match 1 of 3, from the other "
	    "end (n: next, N: previous)");
	key(f, 'N');			/* round the end back */
	assert_string_equal(selected_name(f), "fedora.iso");
	key(f, 'N');
	assert_string_equal(selected_name(f), "debian.iso");
	assert_string_equal(f->vs->message, "a: match 2 of 3 (n: next, N: "
	    "previous)");
	key(f, 'g');
	/* Backspace to nothing puts the cursor back */
	key(f, '/');
	key(f, 'm');
	assert_string_equal(selected_name(f), "mint.iso");
	key(f, KEY_BACKSPACE);
	assert_string_equal(selected_name(f), "arch.iso");
	key(f, '\n');			/* an empty search keeps the last */
	assert_string_equal(f->vs->search, "a");
	/* no match */
	key(f, '/');
	key(f, 'z');
	prompt_is(f, "Search: z_   (no match; Enter: done, Esc: back)");
	key(f, '\r');
	assert_string_equal(f->vs->message, "not found: z");
	assert_true(f->vs->message_warn);
	key(f, 'n');
	assert_string_equal(f->vs->message, "not found: z");
	assert_string_equal(selected_name(f), "arch.iso");
	/* keys that are commands elsewhere are text in the prompt */
	key(f, '/');
	key(f, 'q');
	key(f, 'p');
	assert_int_equal(f->cmd.result, ACTION_NONE);
	assert_string_equal(f->vs->prompt_buf, "qp");
	key(f, ESC);
}

static void
test_search_without_one(void **state)
{
	struct fixture	*f = *state;

	give_torrents(f, 3);
	key(f, 'n');
	assert_string_equal(f->vs->message, "no search yet: / and some text "
	    "first");
	assert_true(f->vs->message_warn);
	key(f, 'N');
	assert_string_equal(f->vs->message, "no search yet: / and some text "
	    "first");
}

/* \ on the list: only the rows holding the text, as it is typed; the
 * cursor moves among them; Enter keeps it, \ edits it, Esc or an empty
 * one clears it; a filter that hides every row leaves nothing to open. */
static void
test_filter_list(void **state)
{
	struct fixture	*f = *state;

	give_torrents(f, 5);
	key(f, 'G');			/* ubuntu */
	key(f, '\\');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_FILTER);
	prompt_is(f, "Filter: _   (5 of 5 shown; Enter: done, Esc: clear)");
	key(f, 'R');			/* arch, fedora */
	assert_int_equal(f->vs->ntorrent_order, 2);
	assert_string_equal(f->vs->filter[VIEW_LIST_TORRENTS], "R");
	prompt_is(f, "Filter: R_   (2 of 5 shown; Enter: done, Esc: clear)");
	assert_string_equal(selected_name(f), "fedora.iso");
	key(f, '\n');
	assert_string_equal(f->vs->message, "filter \"R\": 2 of 5 shown");
	assert_int_equal(f->vs->ntorrent_order, 2);
	key(f, 'g');
	assert_string_equal(selected_name(f), "arch.iso");
	key(f, 'j');
	key(f, 'j');
	assert_string_equal(selected_name(f), "fedora.iso");
	/* the search goes through the rows shown only */
	key(f, '/');
	key(f, 'i');
	assert_string_equal(selected_name(f), "arch.iso");
	key(f, '\n');
	assert_string_equal(f->vs->message, "i: match 1 of 2 (n: next, N: "
	    "previous)");
	/* \ shows the filter to edit; emptied, every row is back */
	key(f, '\\');
	assert_string_equal(f->vs->prompt_buf, "R");
	key(f, KEY_BACKSPACE);
	assert_int_equal(f->vs->ntorrent_order, 5);
	key(f, 'z');
	assert_int_equal(f->vs->ntorrent_order, 0);
	key(f, '\n');
	/* nothing shown: nothing to open or act on */
	key(f, '\n');
	assert_true(f->vs->home);
	key(f, 'x');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_true(action_current_torrent(f->vs, f->m) == MSG_TORRENT_NONE);
	key(f, '\\');
	key(f, ESC);
	assert_string_equal(f->vs->filter[VIEW_LIST_TORRENTS], "");
	assert_int_equal(f->vs->ntorrent_order, 5);
	assert_string_equal(f->vs->message, "filter cleared: every row shown");
	/* Enter on an empty filter clears it too */
	key(f, '\\');
	key(f, 'e');
	key(f, '\n');
	assert_int_equal(f->vs->ntorrent_order, 2);	/* debian, fedora */
	key(f, '\\');
	key(f, KEY_BACKSPACE);
	key(f, '\n');
	assert_int_equal(f->vs->ntorrent_order, 5);
	assert_string_equal(f->vs->message, "no filter: every row shown");
}

/* In a torrent: / and \ in Peers (address and client), Files (the name;
 * the filter: the path) and Log (the line); elsewhere they say where they
 * work; another torrent's lists start unfiltered. */
static void
test_search_detail(void **state)
{
	struct fixture	*f = *state;
	struct filetree_row	 r;
	int		 i;

	give_peers(f, 5);		/* 10.0.0.0:1 .. 10.0.0.4:1 */
	snprintf(f->m->peers[3].client, sizeof(f->m->peers[3].client),
	    "qBittorrent 4.6");
	action_sync(f->vs, f->m);
	key(f, '/');
	assert_int_equal(f->vs->prompt, VIEW_PROMPT_NONE);
	assert_string_equal(f->vs->message, "/ (search) works in the torrent "
	    "list, Peers (2), Files (3) and Log (5)");
	key(f, '\\');
	assert_string_equal(f->vs->message, "\\ (filter) works in the "
	    "torrent list, Peers (2), Files (3) and Log (5)");
	key(f, '2');
	key(f, '/');
	key(f, 'Q');
	key(f, 'b');
	assert_true(f->vs->peer_id == 103);
	key(f, ESC);
	key(f, '/');
	key(f, '0');
	key(f, '.');
	key(f, '2');
	assert_true(f->vs->peer_id == 102);
	key(f, '\n');
	/* a peer's detail follows the match */
	key(f, '\n');
	assert_int_equal(f->vs->detail, VIEW_DETAIL_PEER);
	f->vs->search[0] = '\0';
	snprintf(f->vs->search, sizeof(f->vs->search), "qbit");
	key(f, 'n');
	assert_true(f->vs->peer_id == 103);
	assert_true(f->vs->detail_index == 103);
	assert_int_equal(f->cmd.type, MSG_CMD_INSPECT_PEER);
	assert_true(f->cmd.inspect.index == 103);
	key(f, ESC);
	key(f, '\\');
	key(f, '.');
	key(f, '4');
	assert_int_equal(f->vs->npeer_order, 1);
	assert_true(f->vs->peer_id == 104);
	key(f, '\n');
	/* Files: the search looks at names, the filter at paths */
	give_tree(f);		/* t/ a/ 1 3 b/ 2 c */
	key(f, '3');
	action_sync(f->vs, f->m);
	assert_int_equal(filetree_nrows(&f->vs->files), 7);
	key(f, '/');
	key(f, 'b');
	assert_int_equal(f->vs->file_row, 4);
	key(f, '\n');
	key(f, '\\');
	key(f, 'a');
	key(f, '/');			/* "a/": t/ a/ 1 3 */
	assert_int_equal(filetree_nrows(&f->vs->files), 4);
	key(f, '\n');
	assert_string_equal(f->vs->message, "filter \"a/\": 2 of 4 shown");
	assert_int_equal(filetree_row(&f->vs->files, (size_t)f->vs->file_row,
	    &r), BT_OK);
	/* Log, shorter than the view: n and N go on from the line found */
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "alpha one");
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "beta");
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "alpha two");
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "gamma");
	key(f, '5');
	key(f, '/');
	key(f, 'a');
	key(f, 'l');
	key(f, '\n');
	assert_string_equal(f->vs->message, "al: match 1 of 2 (n: next, N: "
	    "previous)");
	key(f, 'n');
	assert_string_equal(f->vs->message, "al: match 2 of 2 (n: next, N: "
	    "previous)");
	key(f, 'n');
	assert_string_equal(f->vs->message, "al: match 1 of 2, from the other "
	    "end (n: next, N: previous)");
	key(f, KEY_END);		/* moved: from the bottom line again */
	key(f, 'N');
	assert_string_equal(f->vs->message, "al: match 2 of 2 (n: next, N: "
	    "previous)");
	/* Log: the line found becomes the bottom one shown */
	for (i = 0; i < 100; i++)
		model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, i == 40 ?
		    "tracker failed: timeout" : i % 2 ? "piece verified" :
		    "piece written");
	key(f, '/');
	key(f, 't');
	key(f, 'r');
	key(f, 'a');
	assert_int_equal(f->vs->log_back, 100 - 1 - 40);
	key(f, ESC);
	assert_int_equal(f->vs->log_back, 0);
	key(f, '\\');
	key(f, 'T');
	key(f, 'R');
	key(f, 'A');
	assert_int_equal(search_log_count(f->vs, f->m), 1);
	assert_int_equal(search_log_index(f->vs, f->m, 0), 44);
	key(f, '\n');
	/* new lines that pass the filter keep a scrolled-back view still */
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "tracker ok");
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "tracker ok 2");
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "other");
	f->vs->rows = 2;
	action_sync(f->vs, f->m);
	assert_int_equal(search_log_count(f->vs, f->m), 3);
	key(f, 'g');
	assert_int_equal(f->vs->log_back, 2);
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "tracker again");
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "nothing");
	action_sync(f->vs, f->m);
	assert_int_equal(f->vs->log_back, 3);
	/* another torrent: its lists start unfiltered; the list's stays */
	snprintf(f->vs->filter[VIEW_LIST_TORRENTS], VIEW_SEARCH_MAX, "iso");
	key(f, ESC);
	assert_true(f->vs->home);
	open_torrent(f, 12);
	assert_string_equal(f->vs->filter[VIEW_LIST_PEERS], "");
	assert_string_equal(f->vs->filter[VIEW_LIST_FILES], "");
	assert_string_equal(f->vs->filter[VIEW_LIST_LOG], "");
	assert_string_equal(f->vs->filter[VIEW_LIST_TORRENTS], "iso");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_table),
		cmocka_unit_test(test_every_action_documented),
		cmocka_unit_test(test_parse_rate),
#define T(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define D(fn)	cmocka_unit_test_setup_teardown(fn, setup_detail, teardown)
		T(test_home_empty),
		T(test_home_cursor_and_sort),
		T(test_home_open_and_back),
		T(test_home_view_keys),
		T(test_current_torrent),
		T(test_pause_keys),
		T(test_pause_all),
		T(test_remove_prompt),
		T(test_remove_from_detail),
		T(test_add_prompt),
		T(test_add_tab_completes),
		D(test_views_wrap),
		D(test_sort_cycling),
		D(test_sort_by_title),
		D(test_peer_selection_follows_id),
		D(test_peer_inspect),
		D(test_piece_cursor),
		D(test_piece_cursor_groups),
		D(test_piece_inspect),
		D(test_commands),
		D(test_reannounce),
		D(test_stream_key),
		D(test_prio_keys),
		D(test_tree_keys),
		D(test_retry_keys),
		D(test_retry_other_torrent),
		T(test_limit_prompt),
		T(test_turtle),
		D(test_help_keys),
		T(test_help_on_home),
		D(test_log_scroll),
		D(test_list_cursors),
		T(test_search_list),
		T(test_search_without_one),
		T(test_filter_list),
		D(test_search_detail),
#undef D
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
