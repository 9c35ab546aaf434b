/*
 * The key table and what each action does.  Actions only move cursors,
 * switch views, open and close the help, a detail or the prompt, and fill
 * in a command for the app to send; the app draws afterwards.  Movement
 * depends on the view: cells in the piece map, rows in lists, lines in
 * the log; in the Files tree Left, Right and Enter also fold.
 */
#include "action.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "tui/complete.h"

#define KEY_ESC		27
#define KEY_CTRL_L	12
#define KEY_DEL		127
#define KEY_CTRL_H	8
#define MAX_KIB		(4ULL * 1024 * 1024 * 1024)	/* 4 TiB/s */

static const struct action_key keys[] = {
	{ '\t', "Tab", ACT_VIEW_NEXT, 0 },
	{ KEY_BTAB, "Shift-Tab", ACT_VIEW_PREV, 0 },
	{ '1', "1", ACT_VIEW_GOTO, VIEW_PIECES },
	{ '2', "2", ACT_VIEW_GOTO, VIEW_PEERS },
	{ '3', "3", ACT_VIEW_GOTO, VIEW_FILES },
	{ '4', "4", ACT_VIEW_GOTO, VIEW_TRACKERS },
	{ '5', "5", ACT_VIEW_GOTO, VIEW_LOG },
	{ KEY_UP, "Up", ACT_UP, 0 },
	{ 'k', "k", ACT_UP, 0 },
	{ KEY_DOWN, "Down", ACT_DOWN, 0 },
	{ 'j', "j", ACT_DOWN, 0 },
	{ KEY_LEFT, "Left", ACT_LEFT, 0 },
	{ 'h', "h", ACT_LEFT, 0 },
	{ KEY_RIGHT, "Right", ACT_RIGHT, 0 },
	{ 'l', "l", ACT_RIGHT, 0 },
	{ KEY_PPAGE, "PgUp", ACT_PAGE_UP, 0 },
	{ KEY_NPAGE, "PgDn", ACT_PAGE_DOWN, 0 },
	{ KEY_HOME, "Home", ACT_HOME, 0 },
	{ 'g', "g", ACT_HOME, 0 },
	{ KEY_END, "End", ACT_END, 0 },
	{ 'G', "G", ACT_END, 0 },
	{ '\n', "Enter", ACT_INSPECT, 0 },
	{ '\r', "Enter", ACT_INSPECT, 0 },
	{ KEY_ENTER, "Enter", ACT_INSPECT, 0 },
	{ KEY_ESC, "Esc", ACT_CLOSE, 0 },
	{ 'p', "p", ACT_PAUSE, 0 },
	{ 'P', "P", ACT_PAUSE_ALL, 0 },
	{ 'a', "a", ACT_ADD, 0 },
	{ 'x', "x", ACT_REMOVE, 0 },
	{ KEY_DC, "Del", ACT_REMOVE, 0 },
	{ 'r', "r", ACT_REANNOUNCE, 0 },
	{ 'S', "S", ACT_STREAM, 0 },
	{ ' ', "Space", ACT_PRIO_TOGGLE, 0 },
	{ '+', "+", ACT_PRIO_UP, 0 },
	{ '=', "=", ACT_PRIO_UP, 0 },
	{ '-', "-", ACT_PRIO_DOWN, 0 },
	{ 'd', "d", ACT_LIMIT_DOWN, 0 },
	{ 'u', "u", ACT_LIMIT_UP, 0 },
	{ 'R', "R", ACT_RETRY, 0 },
	{ 'q', "q", ACT_QUIT, 0 },
	{ KEY_F(10), "F10", ACT_QUIT, 0 },
	{ 's', "s", ACT_SORT_NEXT, 0 },
	{ '<', "<", ACT_SORT_LEFT, 0 },
	{ '>', ">", ACT_SORT_RIGHT, 0 },
	{ 'I', "I", ACT_SORT_INVERT, 0 },
	{ '?', "?", ACT_HELP, 0 },
	{ KEY_F(1), "F1", ACT_HELP, 0 },
	{ KEY_CTRL_L, "Ctrl-L", ACT_REDRAW, 0 },
};

/* In help order. */
static const struct action_info infos[] = {
	{ ACT_VIEW_NEXT, "Views", "next view" },
	{ ACT_VIEW_PREV, "Views", "previous view" },
	{ ACT_VIEW_GOTO, "Views",
	    "1 Pieces, 2 Peers, 3 Files, 4 Trackers, 5 Log" },
	{ ACT_UP, "Moving", "cursor up (the log: one line back)" },
	{ ACT_DOWN, "Moving", "cursor down" },
	{ ACT_LEFT, "Moving", "cursor left in the piece map; Files: fold the "
	    "directory or go to its parent" },
	{ ACT_RIGHT, "Moving", "cursor right in the piece map; Files: unfold "
	    "the directory, or go in" },
	{ ACT_PAGE_UP, "Moving", "a page up" },
	{ ACT_PAGE_DOWN, "Moving", "a page down" },
	{ ACT_HOME, "Moving", "first piece, row or log line" },
	{ ACT_END, "Moving", "last piece or row; the log follows new lines" },
	{ ACT_INSPECT, "Moving", "open the torrent; inspect the piece or "
	    "peer; fold or unfold a directory" },
	{ ACT_CLOSE, "Moving", "close a detail, this help or the prompt; "
	    "back to the torrent list" },
	{ ACT_PAUSE, "Torrents", "pause or resume the torrent (after an "
	    "error: retry it)" },
	{ ACT_PAUSE_ALL, "Torrents", "pause every torrent, or resume them "
	    "all" },
	{ ACT_ADD, "Torrents", "add a .torrent file or a magnet link (Tab "
	    "completes a path)" },
	{ ACT_REMOVE, "Torrents", "remove the torrent (asks: keep or delete "
	    "its data)" },
	{ ACT_REANNOUNCE, "Torrents", "announce to the trackers now" },
	{ ACT_STREAM, "Torrents", "Files view: stream the selected file (its "
	    "first and last pieces, then in order, to play it while it "
	    "comes); again: stop" },
	{ ACT_LIMIT_DOWN, "Torrents", "download limit of the session in "
	    "KiB/s (0: none)" },
	{ ACT_LIMIT_UP, "Torrents", "upload limit of the session in KiB/s "
	    "(0: none)" },
	{ ACT_RETRY, "Torrents", "retry a torrent stopped by an error (a "
	    "full disk); restart an engine the watchdog gave up on" },
	{ ACT_QUIT, "Torrents", "quit (the engine saves what it has)" },
	{ ACT_PRIO_TOGGLE, "Torrents", "Files view: skip the file, or all in "
	    "the directory; again: want it" },
	{ ACT_PRIO_UP, "Torrents", "Files view: raise the priority of the file "
	    "or of all in the directory" },
	{ ACT_PRIO_DOWN, "Torrents", "Files view: lower it (the steps: skip, "
	    "low, normal, high)" },
	{ ACT_SORT_NEXT, "Tables", "sort the torrents or peers by the next "
	    "column" },
	{ ACT_SORT_LEFT, "Tables", "sort by the column to the left" },
	{ ACT_SORT_RIGHT, "Tables", "sort by the column to the right" },
	{ ACT_SORT_INVERT, "Tables", "invert the sort order" },
	{ ACT_HELP, "Screen", "this help" },
	{ ACT_REDRAW, "Screen", "redraw the screen" },
};

struct ctx {
	struct view_state	*vs;
	const struct model	*m;
	int			 arg;
	struct action_cmd	*out;
};

size_t
action_key_count(void)
{
	return sizeof(keys) / sizeof(keys[0]);
}

const struct action_key *
action_key_at(size_t i)
{
	return i < action_key_count() ? &keys[i] : NULL;
}

size_t
action_info_count(void)
{
	return sizeof(infos) / sizeof(infos[0]);
}

const struct action_info *
action_info_at(size_t i)
{
	return i < action_info_count() ? &infos[i] : NULL;
}

enum action_id
action_lookup(int key, int *arg_out)
{
	size_t	i;

	*arg_out = 0;
	for (i = 0; i < action_key_count(); i++) {
		if (keys[i].key == key) {
			*arg_out = keys[i].arg;
			return keys[i].id;
		}
	}
	return ACT_NONE;
}

void
action_init(struct view_state *vs)
{
	memset(vs, 0, sizeof(*vs));
	filetree_init(&vs->files);
	vs->home = 1;
	vs->tsort = VIEW_TCOL_NAME;
	vs->view = VIEW_PIECES;
	vs->sort = VIEW_PCOL_DOWN;
}

void
action_cleanup(struct view_state *vs)
{
	filetree_cleanup(&vs->files);
}

int
action_parse_kib(const char *s, uint64_t *bps_out)
{
	unsigned long long	 v;
	char			*end;
	const char		*p;

	*bps_out = 0;
	if (s[0] == '\0')
		return BT_ERR_INVALID;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return BT_ERR_INVALID;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || v > MAX_KIB)
		return BT_ERR_RANGE;
	*bps_out = (uint64_t)v * 1024;
	return BT_OK;
}

/* --- movement ------------------------------------------------------------ */

static void
send_inspect(struct ctx *c, int type, uint32_t index)
{
	c->out->result = ACTION_SEND;
	c->out->type = type;
	c->out->inspect.torrent_id = c->m->focus;
	c->out->inspect.index = index;
}

/* Moves the piece cursor by delta cells of the current map. */
static void
move_piece(struct ctx *c, int64_t delta_cells)
{
	struct view_map_geom	g;
	int64_t			cell, last;

	if (c->m->num_pieces == 0)
		return;
	view_pieces_geom(c->m->num_pieces, c->vs->cols, c->vs->rows, &g);
	last = (int64_t)g.cells - 1;
	cell = (int64_t)(c->vs->piece_cursor / g.group) + delta_cells;
	cell = cell < 0 ? 0 : cell > last ? last : cell;
	c->vs->piece_cursor = (uint32_t)(cell * g.group);
	if (c->vs->detail == VIEW_DETAIL_PIECE) {
		c->vs->detail_index = c->vs->piece_cursor;
		send_inspect(c, MSG_CMD_INSPECT_PIECE, c->vs->piece_cursor);
	}
}

static int64_t
map_cols(const struct ctx *c)
{
	struct view_map_geom	g;

	view_pieces_geom(c->m->num_pieces, c->vs->cols, c->vs->rows, &g);
	return g.cols > 0 ? g.cols : 1;
}

static int
page_rows(const struct view_state *vs)
{
	return vs->rows > 3 ? vs->rows - 2 : 1;
}

/* The peers cursor by delta rows; the selection is a peer id. */
static void
move_peer(struct ctx *c, int delta)
{
	struct view_state	*vs = c->vs;
	int			 row, n = (int)vs->npeer_order;

	if (n == 0)
		return;
	row = vs->peer_row + delta;
	row = row < 0 ? 0 : row >= n ? n - 1 : row;
	if (vs->peer_order[row] >= c->m->npeers)
		return;
	vs->peer_row = row;
	vs->peer_id = c->m->peers[vs->peer_order[row]].id;
	if (vs->detail == VIEW_DETAIL_PEER) {
		vs->detail_index = vs->peer_id;
		send_inspect(c, MSG_CMD_INSPECT_PEER, vs->peer_id);
	}
}

/* The torrent list's cursor by delta rows; the selection is a torrent. */
static void
move_torrent(struct ctx *c, int delta)
{
	struct view_state	*vs = c->vs;
	int			 row, n = (int)vs->ntorrent_order;

	if (n == 0)
		return;
	row = vs->torrent_row + delta;
	row = row < 0 ? 0 : row >= n ? n - 1 : row;
	if (vs->torrent_order[row] >= c->m->ntorrents)
		return;
	vs->torrent_row = row;
	vs->torrent_id = c->m->torrents[vs->torrent_order[row]].id;
}

/* Moves the cursor of a list view by delta rows (a large delta: to an end). */
static void
move_row(struct ctx *c, int delta)
{
	struct view_state	*vs = c->vs;

	if (vs->home) {
		move_torrent(c, delta);
		action_sync(vs, c->m);
		return;
	}
	switch (vs->view) {
	case VIEW_PEERS:
		move_peer(c, delta);
		break;
	case VIEW_FILES:
		vs->file_row += delta;
		break;
	case VIEW_TRACKERS:
		vs->tracker_row += delta;
		break;
	case VIEW_LOG:
		vs->log_back -= delta;
		break;
	default:
		break;
	}
	action_sync(vs, c->m);
}

/* Keeps int arithmetic away from overflow when jumping to an end. */
#define FAR	(1 << 28)

/* On the home screen every movement is the list's. */
static int
in_map(const struct ctx *c)
{
	return !c->vs->home && c->vs->view == VIEW_PIECES;
}

static int
in_files(const struct ctx *c)
{
	return !c->vs->home && c->vs->view == VIEW_FILES;
}

/* The Files tree's row under the cursor into *r; 0 when there is none. */
static int
cursor_row(const struct ctx *c, struct filetree_row *r)
{
	return c->vs->file_row >= 0 && filetree_row(&c->vs->files,
	    (size_t)c->vs->file_row, r) == BT_OK;
}

/* Folds or unfolds the directory under the cursor, which stays on it. */
static void
fold(struct ctx *c, int folded)
{
	size_t	row = (size_t)c->vs->file_row;

	c->vs->file_row = (int)filetree_set_folded(&c->vs->files, row,
	    folded, row);
	action_sync(c->vs, c->m);
}

/* Left in the tree folds an open directory, else goes up to the
 * directory holding the row, as file managers' trees do. */
static void
files_left(struct ctx *c)
{
	struct filetree_row	r;

	if (!cursor_row(c, &r))
		return;
	if (r.dir && !r.folded) {
		fold(c, 1);
		return;
	}
	c->vs->file_row = (int)filetree_parent_row(&c->vs->files,
	    (size_t)c->vs->file_row);
	action_sync(c->vs, c->m);
}

/* Right unfolds a folded directory, else goes into it. */
static void
files_right(struct ctx *c)
{
	struct filetree_row	r;

	if (!cursor_row(c, &r) || !r.dir)
		return;
	if (r.folded)
		fold(c, 0);
	else
		move_row(c, 1);
}

static void
act_up(struct ctx *c)
{
	if (in_map(c))
		move_piece(c, -map_cols(c));
	else
		move_row(c, -1);
}

static void
act_down(struct ctx *c)
{
	if (in_map(c))
		move_piece(c, map_cols(c));
	else
		move_row(c, 1);
}

static void
act_left(struct ctx *c)
{
	if (in_map(c))
		move_piece(c, -1);
	else if (in_files(c))
		files_left(c);
}

static void
act_right(struct ctx *c)
{
	if (in_map(c))
		move_piece(c, 1);
	else if (in_files(c))
		files_right(c);
}

static void
act_page_up(struct ctx *c)
{
	if (in_map(c))
		move_piece(c, -map_cols(c) * page_rows(c->vs) / 2);
	else
		move_row(c, -page_rows(c->vs));
}

static void
act_page_down(struct ctx *c)
{
	if (in_map(c))
		move_piece(c, map_cols(c) * page_rows(c->vs) / 2);
	else
		move_row(c, page_rows(c->vs));
}

static void
act_home(struct ctx *c)
{
	if (in_map(c))
		move_piece(c, -(int64_t)MODEL_MAX_PIECES);
	else
		move_row(c, -FAR);
}

static void
act_end(struct ctx *c)
{
	if (in_map(c))
		move_piece(c, MODEL_MAX_PIECES);
	else if (!c->vs->home && c->vs->view == VIEW_LOG)
		c->vs->log_back = 0;
	else
		move_row(c, FAR);
}

/* --- views, details, help ------------------------------------------------ */

/* Opens the detail of the selected torrent (from the list). */
static int
open_selected(struct ctx *c)
{
	const struct msg_torrent_row	*r;

	if ((r = model_find_torrent(c->m, c->vs->torrent_id)) == NULL)
		return 0;
	action_focus(c->vs, r->info_hash);
	return 1;
}

void
action_focus(struct view_state *vs, const uint8_t *info_hash)
{
	vs->detail = VIEW_DETAIL_NONE;
	vs->help = 0;
	if (info_hash == NULL) {
		vs->home = 1;
		vs->have_focus = 0;
		return;
	}
	vs->home = 0;
	vs->have_focus = 1;
	memcpy(vs->focus_hash, info_hash, 20);
	vs->piece_cursor = 0;
	vs->peer_row = vs->peer_top = 0;
	vs->file_row = vs->file_top = 0;
	filetree_cleanup(&vs->files);
	vs->tracker_row = vs->tracker_top = 0;
	vs->log_back = 0;
}

uint32_t
action_current_torrent(const struct view_state *vs, const struct model *m)
{
	const struct msg_torrent_row	*r;

	if (vs->home)
		r = model_find_torrent(m, vs->torrent_id);
	else
		r = vs->have_focus ? model_find_hash(m, vs->focus_hash) : NULL;
	return r != NULL ? r->id : MSG_TORRENT_NONE;
}

static void
set_view(struct view_state *vs, int v)
{
	vs->view = (enum view_id)((v % VIEW_COUNT + VIEW_COUNT) % VIEW_COUNT);
	vs->detail = VIEW_DETAIL_NONE;
	vs->help = 0;
}

/* On the home screen, a view key opens the selected torrent there (Tab:
 * in the view last shown).  The step is taken before open_selected,
 * which leaves the home screen. */
static void
act_view_next(struct ctx *c)
{
	int	step = c->vs->home ? 0 : 1;

	if (c->vs->home && !open_selected(c))
		return;
	set_view(c->vs, (int)c->vs->view + step);
}

static void
act_view_prev(struct ctx *c)
{
	int	step = c->vs->home ? 0 : 1;

	if (c->vs->home && !open_selected(c))
		return;
	set_view(c->vs, (int)c->vs->view - step);
}

static void
act_view_goto(struct ctx *c)
{
	if (c->vs->home && !open_selected(c))
		return;
	set_view(c->vs, c->arg);
}

static void
act_inspect(struct ctx *c)
{
	struct view_state	*vs = c->vs;
	struct filetree_row	 r;

	if (vs->home) {
		(void)open_selected(c);
		return;
	}
	if (in_files(c)) {
		if (cursor_row(c, &r) && r.dir)
			fold(c, !r.folded);
		return;
	}
	if (vs->view == VIEW_PIECES && c->m->num_pieces > 0) {
		vs->detail = VIEW_DETAIL_PIECE;
		vs->detail_index = vs->piece_cursor;
		send_inspect(c, MSG_CMD_INSPECT_PIECE, vs->piece_cursor);
	} else if (vs->view == VIEW_PEERS && vs->npeer_order > 0) {
		vs->detail = VIEW_DETAIL_PEER;
		vs->detail_index = vs->peer_id;
		send_inspect(c, MSG_CMD_INSPECT_PEER, vs->peer_id);
	}
}

/* Esc closes a piece or peer detail, then goes back to the list. */
static void
act_close(struct ctx *c)
{
	if (c->vs->detail == VIEW_DETAIL_NONE && !c->vs->home)
		action_focus(c->vs, NULL);
	c->vs->detail = VIEW_DETAIL_NONE;
	c->vs->message[0] = '\0';
}

static void
act_help(struct ctx *c)
{
	c->vs->help = 1;
	c->vs->help_top = 0;
}

static void
act_redraw(struct ctx *c)
{
	c->out->result = ACTION_REDRAW;
}

static void
act_quit(struct ctx *c)
{
	c->out->result = ACTION_QUIT;
}

/* --- commands ------------------------------------------------------------ */

static void
say(struct view_state *vs, int warn, const char *text)
{
	snprintf(vs->message, sizeof(vs->message), "%s", text);
	vs->message_warn = warn;
}

/* A torrent's state: in its detail the status, which comes more often
 * than the list, has the latest word. */
static uint8_t
state_of(const struct ctx *c, const struct msg_torrent_row *r)
{
	if (!c->vs->home && c->m->have_status &&
	    c->m->status.torrent_id == r->id)
		return c->m->status.state;
	return r->state;
}

/* The engine runs but stopped a torrent on an error (a full disk): it
 * waits for MSG_CMD_RESUME to try again.  The torrent on screen if it is
 * one, else any; MSG_TORRENT_NONE when none failed. */
static uint32_t
failed_torrent(const struct ctx *c)
{
	const struct msg_torrent_row	*r;
	size_t				 i;

	if (!model_engine_live(c->m))
		return MSG_TORRENT_NONE;
	r = model_find_torrent(c->m, action_current_torrent(c->vs, c->m));
	if (r != NULL && state_of(c, r) == MSG_STATE_ERROR)
		return r->id;
	for (i = 0; i < c->m->ntorrents; i++)
		if (c->m->torrents[i].state == MSG_STATE_ERROR)
			return MSG_TORRENT_ALL;
	return MSG_TORRENT_NONE;
}

static void
retry_error(struct ctx *c, uint32_t id)
{
	c->out->result = ACTION_SEND;
	c->out->type = MSG_CMD_RESUME;
	c->out->torrent.torrent_id = id;
	say(c->vs, 0, "retrying after the error...");
}

static void
act_pause(struct ctx *c)
{
	const struct msg_torrent_row	*r;
	uint32_t			 id = action_current_torrent(c->vs, c->m);

	if ((r = model_find_torrent(c->m, id)) == NULL) {
		say(c->vs, 1, c->m->ntorrents == 0 ? "no torrent to pause" :
		    "the engine has not reported yet: try again");
		return;
	}
	c->out->result = ACTION_SEND;
	c->out->torrent.torrent_id = id;
	if (state_of(c, r) == MSG_STATE_PAUSED ||
	    state_of(c, r) == MSG_STATE_ERROR) {
		c->out->type = MSG_CMD_RESUME;
		say(c->vs, 0, state_of(c, r) == MSG_STATE_ERROR ?
		    "retrying..." : "resuming...");
	} else {
		c->out->type = MSG_CMD_PAUSE;
		say(c->vs, 0, "pausing...");
	}
}

/* Pauses every torrent; when all are paused already, resumes them. */
static void
act_pause_all(struct ctx *c)
{
	size_t	i, paused = 0;

	for (i = 0; i < c->m->ntorrents; i++)
		if (c->m->torrents[i].state == MSG_STATE_PAUSED)
			paused++;
	c->out->result = ACTION_SEND;
	c->out->torrent.torrent_id = MSG_TORRENT_ALL;
	c->out->type = paused == c->m->ntorrents && paused > 0 ?
	    MSG_CMD_RESUME : MSG_CMD_PAUSE;
	say(c->vs, 0, c->out->type == MSG_CMD_RESUME ? "resuming all..." :
	    "pausing all...");
}

static void
act_add(struct ctx *c)
{
	c->vs->prompt = VIEW_PROMPT_ADD;
	c->vs->prompt_len = 0;
	c->vs->prompt_buf[0] = '\0';
}

static void
act_remove(struct ctx *c)
{
	uint32_t	id = action_current_torrent(c->vs, c->m);

	if (id == MSG_TORRENT_NONE) {
		say(c->vs, 1, "no torrent to remove");
		return;
	}
	c->vs->remove_id = id;
	c->vs->prompt = VIEW_PROMPT_REMOVE;
}

static void
act_reannounce(struct ctx *c)
{
	c->out->result = ACTION_SEND;
	c->out->type = MSG_CMD_REANNOUNCE;
	c->out->torrent.torrent_id = action_current_torrent(c->vs, c->m);
	if (c->out->torrent.torrent_id == MSG_TORRENT_NONE)
		c->out->torrent.torrent_id = MSG_TORRENT_ALL;
	say(c->vs, 0, "announcing to the trackers...");
}

/* The file under the cursor, or the stream stopped when it is the one
 * streamed.  The model's files are indexed as the engine lists them. */
static void
act_stream(struct ctx *c)
{
	const struct view_state	*vs = c->vs;
	struct filetree_row	 r;
	uint32_t		 file;

	if (!in_files(c)) {
		say(c->vs, 1, "S streams a file: open a torrent's Files view "
		    "(3)");
		return;
	}
	if (c->m->nfiles == 0 || !cursor_row(c, &r)) {
		say(c->vs, 1, "no file to stream");
		return;
	}
	if (r.dir) {
		say(c->vs, 1, "S streams a file: select one, not a directory");
		return;
	}
	file = r.file;
	c->out->result = ACTION_SEND;
	c->out->type = MSG_CMD_STREAM;
	c->out->stream.torrent_id = action_current_torrent(vs, c->m);
	if (c->m->files_streamed == file) {
		c->out->stream.file = MSG_STREAM_OFF;
		say(c->vs, 0, "streaming off: rarest pieces first");
	} else {
		c->out->stream.file = file;
		say(c->vs, 0, "streaming the file: first and last pieces, "
		    "then in order");
	}
}

static const char *const prio_names[] = { "skip (not downloaded)", "low",
    "normal", "high" };

/* Space and + or - on a file: it gets the next priority, or the bottom
 * bar says it is at an end. */
static void
set_file_prio(struct ctx *c, const struct filetree_row *r, int step)
{
	char	msg[64];
	int	cur = r->prio <= MSG_PRIO_HIGH ? r->prio : MSG_PRIO_HIGH, want;

	if (step == 0)
		want = cur == MSG_PRIO_SKIP ? MSG_PRIO_NORMAL : MSG_PRIO_SKIP;
	else
		want = cur + step;
	if (want < MSG_PRIO_SKIP || want > MSG_PRIO_HIGH) {
		snprintf(msg, sizeof(msg), "the file is already at %s",
		    prio_names[cur]);
		say(c->vs, 1, msg);
		return;
	}
	c->out->result = ACTION_SEND;
	c->out->type = MSG_CMD_SET_PRIORITY;
	c->out->prio.torrent_id = action_current_torrent(c->vs, c->m);
	c->out->prio.file = r->file;
	c->out->prio.prio = (uint8_t)want;
	snprintf(msg, sizeof(msg), "file %" PRIu64 ": %s",
	    (uint64_t)r->file + 1, prio_names[want]);
	say(c->vs, 0, msg);
}

/*
 * On a directory the priority goes to every file under it, in one
 * command however many there are (MSG_CMD_SET_DIR_PRIORITY, by path):
 * Space skips them all unless all are skipped, then wants them all; on a
 * directory of mixed priorities + lifts them all to the highest there, -
 * brings them down to the lowest, and the next press steps.
 */
static void
set_dir_prio(struct ctx *c, const struct filetree_row *r, int step)
{
	struct msg_set_dir_priority	*d = &c->out->dir_prio;
	char				 msg[VIEW_MESSAGE_MAX];
	int				 want;

	if (step == 0)
		want = r->prio_hi == MSG_PRIO_SKIP ? MSG_PRIO_NORMAL :
		    MSG_PRIO_SKIP;
	else if (r->prio == FILETREE_PRIO_MIXED)
		want = step > 0 ? r->prio_hi : r->prio_lo;
	else
		want = r->prio + step;
	if (want < MSG_PRIO_SKIP || want > MSG_PRIO_HIGH) {
		snprintf(msg, sizeof(msg), "everything in %.60s/ is already "
		    "at %s", r->name, prio_names[r->prio_lo]);
		say(c->vs, 1, msg);
		return;
	}
	if (filetree_dir_path(&c->vs->files, (size_t)c->vs->file_row, d->dir,
	    sizeof(d->dir)) != BT_OK) {
		say(c->vs, 1, "the directory's path is too long to send");
		return;
	}
	c->out->result = ACTION_SEND;
	c->out->type = MSG_CMD_SET_DIR_PRIORITY;
	d->torrent_id = action_current_torrent(c->vs, c->m);
	d->prio = (uint8_t)want;
	snprintf(msg, sizeof(msg), "%.60s/: %" PRIu32 " %sfile%s%s to %s",
	    r->name, r->nfiles, c->m->files_total > c->m->nfiles ? "listed " :
	    "", r->nfiles == 1 ? "" : "s", c->m->files_total > c->m->nfiles ?
	    ", and those not listed," : "", prio_names[want]);
	say(c->vs, 0, msg);
}

/* Space, + and -: the row under the cursor gets its next priority; the
 * row shows it when the engine's next FILES arrives. */
static void
set_prio(struct ctx *c, int step)
{
	struct filetree_row	r;

	if (!in_files(c)) {
		say(c->vs, 1, "Space, + and - set a file's priority: open a "
		    "torrent's Files view (3)");
		return;
	}
	if (c->m->nfiles == 0 || !cursor_row(c, &r)) {
		say(c->vs, 1, "no file selected");
		return;
	}
	if (r.dir)
		set_dir_prio(c, &r, step);
	else
		set_file_prio(c, &r, step);
}

static void
act_prio_toggle(struct ctx *c)
{
	set_prio(c, 0);
}

static void
act_prio_up(struct ctx *c)
{
	set_prio(c, 1);
}

static void
act_prio_down(struct ctx *c)
{
	set_prio(c, -1);
}

static void
act_limit_down(struct ctx *c)
{
	c->vs->prompt = VIEW_PROMPT_DOWN;
	c->vs->prompt_len = 0;
	c->vs->prompt_buf[0] = '\0';
}

static void
act_limit_up(struct ctx *c)
{
	c->vs->prompt = VIEW_PROMPT_UP;
	c->vs->prompt_len = 0;
	c->vs->prompt_buf[0] = '\0';
}

static void
act_retry(struct ctx *c)
{
	if (c->m->health.state == SUP_GAVE_UP) {
		c->out->result = ACTION_RETRY;
		say(c->vs, 0, "starting the engine again...");
	} else if (failed_torrent(c) != MSG_TORRENT_NONE)
		retry_error(c, failed_torrent(c));
	else
		say(c->vs, 0, "R retries after an engine error, or after the "
		    "watchdog gave up");
}

static void
act_sort_next(struct ctx *c)
{
	if (c->vs->home)
		c->vs->tsort = (enum view_torrent_col)((c->vs->tsort + 1) %
		    VIEW_TCOL_COUNT);
	else
		c->vs->sort = (enum view_peer_col)((c->vs->sort + 1) %
		    VIEW_PCOL_COUNT);
	action_sync(c->vs, c->m);
}

static void
act_sort_left(struct ctx *c)
{
	if (c->vs->home)
		c->vs->tsort = (enum view_torrent_col)((c->vs->tsort +
		    VIEW_TCOL_COUNT - 1) % VIEW_TCOL_COUNT);
	else
		c->vs->sort = (enum view_peer_col)((c->vs->sort +
		    VIEW_PCOL_COUNT - 1) % VIEW_PCOL_COUNT);
	action_sync(c->vs, c->m);
}

static void
act_sort_right(struct ctx *c)
{
	act_sort_next(c);
}

static void
act_sort_invert(struct ctx *c)
{
	if (c->vs->home)
		c->vs->tsort_invert = !c->vs->tsort_invert;
	else
		c->vs->sort_invert = !c->vs->sort_invert;
	action_sync(c->vs, c->m);
}

static void (*const handlers[ACT_COUNT])(struct ctx *) = {
	[ACT_VIEW_NEXT] = act_view_next,
	[ACT_VIEW_PREV] = act_view_prev,
	[ACT_VIEW_GOTO] = act_view_goto,
	[ACT_UP] = act_up,
	[ACT_DOWN] = act_down,
	[ACT_LEFT] = act_left,
	[ACT_RIGHT] = act_right,
	[ACT_PAGE_UP] = act_page_up,
	[ACT_PAGE_DOWN] = act_page_down,
	[ACT_HOME] = act_home,
	[ACT_END] = act_end,
	[ACT_INSPECT] = act_inspect,
	[ACT_CLOSE] = act_close,
	[ACT_PAUSE] = act_pause,
	[ACT_PAUSE_ALL] = act_pause_all,
	[ACT_ADD] = act_add,
	[ACT_REMOVE] = act_remove,
	[ACT_REANNOUNCE] = act_reannounce,
	[ACT_STREAM] = act_stream,
	[ACT_PRIO_TOGGLE] = act_prio_toggle,
	[ACT_PRIO_UP] = act_prio_up,
	[ACT_PRIO_DOWN] = act_prio_down,
	[ACT_LIMIT_DOWN] = act_limit_down,
	[ACT_LIMIT_UP] = act_limit_up,
	[ACT_RETRY] = act_retry,
	[ACT_QUIT] = act_quit,
	[ACT_SORT_NEXT] = act_sort_next,
	[ACT_SORT_LEFT] = act_sort_left,
	[ACT_SORT_RIGHT] = act_sort_right,
	[ACT_SORT_INVERT] = act_sort_invert,
	[ACT_HELP] = act_help,
	[ACT_REDRAW] = act_redraw,
};

/* --- modes: the prompt and the help take keys first ---------------------- */

static void
prompt_enter(struct view_state *vs, const struct model *m,
    struct action_cmd *out)
{
	uint64_t	bps;
	int		down = vs->prompt == VIEW_PROMPT_DOWN;

	vs->prompt = VIEW_PROMPT_NONE;
	if (vs->prompt_len == 0)
		return;
	if (action_parse_kib(vs->prompt_buf, &bps) != BT_OK) {
		say(vs, 1, "a limit is a whole number of KiB/s up to 4294967296"
		    " (0: none)");
		return;
	}
	out->result = ACTION_SEND;
	out->type = MSG_CMD_SET_LIMITS;
	out->limits.max_down_bps = down ? bps : m->session.max_down_bps;
	out->limits.max_up_bps = down ? m->session.max_up_bps : bps;
	if (bps == 0)
		snprintf(vs->message, sizeof(vs->message), "%s limit: none",
		    down ? "download" : "upload");
	else
		snprintf(vs->message, sizeof(vs->message), "%s limit: %.15s "
		    "KiB/s", down ? "download" : "upload", vs->prompt_buf);
	vs->message_warn = 0;
}

static int
is_enter(int key)
{
	return key == '\n' || key == '\r' || key == KEY_ENTER;
}

/* The remove prompt: k or Enter keeps the data, d deletes it. */
static void
remove_key(struct view_state *vs, int key, struct action_cmd *out)
{
	if (key != 'k' && key != 'd' && !is_enter(key)) {
		if (key == KEY_ESC || key == 'q' || key == 'n')
			vs->prompt = VIEW_PROMPT_NONE;
		return;
	}
	vs->prompt = VIEW_PROMPT_NONE;
	out->result = ACTION_SEND;
	out->type = MSG_CMD_REMOVE;
	out->remove.torrent_id = vs->remove_id;
	out->remove.delete_data = key == 'd';
	say(vs, 0, key == 'd' ? "removing the torrent and its data..." :
	    "removing the torrent (its data stays)...");
	if (!vs->home)
		action_focus(vs, NULL);
}

/* The add prompt: any text, Tab completes, Enter adds. */
static void
add_key(struct view_state *vs, int key, struct action_cmd *out)
{
	int	n;

	if (is_enter(key)) {
		vs->prompt = VIEW_PROMPT_NONE;
		if (vs->prompt_len == 0)
			return;
		out->result = ACTION_SEND;
		out->type = MSG_CMD_ADD;
		snprintf(out->add.path, sizeof(out->add.path), "%s",
		    vs->prompt_buf);
		say(vs, 0, "adding...");
	} else if (key == KEY_ESC) {
		vs->prompt = VIEW_PROMPT_NONE;
	} else if (key == '\t') {
		n = complete_path(vs->prompt_buf, sizeof(vs->prompt_buf));
		vs->prompt_len = strlen(vs->prompt_buf);
		if (n > 1)
			say(vs, 0, "several files match: type more");
	} else if (key == KEY_BACKSPACE || key == KEY_DEL ||
	    key == KEY_CTRL_H) {
		if (vs->prompt_len > 0)
			vs->prompt_buf[--vs->prompt_len] = '\0';
	} else if (key >= ' ' && key < 256 && key != 127 &&
	    vs->prompt_len + 1 < sizeof(out->add.path)) {
		vs->prompt_buf[vs->prompt_len++] = (char)key;
		vs->prompt_buf[vs->prompt_len] = '\0';
	}
}

static void
prompt_key(struct view_state *vs, const struct model *m, int key,
    struct action_cmd *out)
{
	if (vs->prompt == VIEW_PROMPT_ADD) {
		add_key(vs, key, out);
		return;
	}
	if (vs->prompt == VIEW_PROMPT_REMOVE) {
		remove_key(vs, key, out);
		return;
	}
	if (is_enter(key)) {
		prompt_enter(vs, m, out);
	} else if (key == KEY_ESC) {
		vs->prompt = VIEW_PROMPT_NONE;
	} else if (key == KEY_BACKSPACE || key == KEY_DEL ||
	    key == KEY_CTRL_H) {
		if (vs->prompt_len > 0)
			vs->prompt_buf[--vs->prompt_len] = '\0';
	} else if (key >= '0' && key <= '9' && vs->prompt_len < 15) {
		vs->prompt_buf[vs->prompt_len++] = (char)key;
		vs->prompt_buf[vs->prompt_len] = '\0';
	}
}

/* In the help: moving keys scroll it, view keys leave to that view, the
 * rest close it (htop's help closes on any key). */
static void
help_key(struct ctx *c, enum action_id id)
{
	switch (id) {
	case ACT_UP:
		c->vs->help_top--;
		break;
	case ACT_DOWN:
		c->vs->help_top++;
		break;
	case ACT_PAGE_UP:
		c->vs->help_top -= page_rows(c->vs);
		break;
	case ACT_PAGE_DOWN:
		c->vs->help_top += page_rows(c->vs);
		break;
	case ACT_HOME:
		c->vs->help_top = 0;
		break;
	case ACT_END:
		c->vs->help_top = FAR;
		break;
	case ACT_VIEW_NEXT:
	case ACT_VIEW_PREV:
	case ACT_VIEW_GOTO:
	case ACT_REDRAW:
		handlers[id](c);
		break;
	default:
		c->vs->help = 0;
		return;
	}
	action_sync(c->vs, c->m);
}

void
action_key(struct view_state *vs, const struct model *m, int key,
    struct action_cmd *out)
{
	struct ctx	c = { vs, m, 0, out };
	enum action_id	id;

	memset(out, 0, sizeof(*out));
	out->result = ACTION_NONE;
	if (vs->prompt != VIEW_PROMPT_NONE) {
		prompt_key(vs, m, key, out);
		return;
	}
	/* The model may have changed since the last sync. */
	action_sync(vs, m);
	id = action_lookup(key, &c.arg);
	if (vs->help) {
		help_key(&c, id);
		return;
	}
	if (id == ACT_NONE || handlers[id] == NULL)
		return;
	vs->message[0] = '\0';
	handlers[id](&c);
}

/* --- sync ---------------------------------------------------------------- */

/* Clamps *row to [0, n) and *top so that row is among `visible' rows. */
static void
clamp_list(int *row, int *top, int n, int visible)
{
	if (visible < 1)
		visible = 1;
	if (*row >= n)
		*row = n - 1;
	if (*row < 0)
		*row = 0;
	if (*top > *row)
		*top = *row;
	if (*row >= *top + visible)
		*top = *row - visible + 1;
	if (*top > n - visible)
		*top = n - visible;
	if (*top < 0)
		*top = 0;
}

static void
sync_peers(struct view_state *vs, const struct model *m)
{
	size_t	i;

	view_peers_sort(m->peers, m->npeers, vs->sort, vs->sort_invert,
	    vs->peer_order);
	vs->npeer_order = m->npeers;
	for (i = 0; i < vs->npeer_order; i++) {
		if (m->peers[vs->peer_order[i]].id == vs->peer_id) {
			vs->peer_row = (int)i;
			break;
		}
	}
	clamp_list(&vs->peer_row, &vs->peer_top, (int)vs->npeer_order,
	    vs->rows - 1);
	if (vs->npeer_order > 0)
		vs->peer_id = m->peers[vs->peer_order[vs->peer_row]].id;
}

static void
sync_log(struct view_state *vs, const struct model *m)
{
	int64_t	n = (int64_t)model_log_count(m), most;

	/* Scrolled back, the same lines stay on screen as new ones come. */
	if (vs->log_back > 0 && m->log_total > vs->log_seen)
		vs->log_back += (int)(m->log_total - vs->log_seen < FAR ?
		    m->log_total - vs->log_seen : FAR);
	vs->log_seen = m->log_total;
	most = n - (vs->rows - 1);
	if (most < 0)
		most = 0;
	if (vs->log_back > most)
		vs->log_back = (int)most;
	if (vs->log_back < 0)
		vs->log_back = 0;
}

static void
sync_torrents(struct view_state *vs, const struct model *m)
{
	size_t	i;

	view_torrents_sort(m->torrents, m->ntorrents, vs->tsort,
	    vs->tsort_invert, vs->torrent_order);
	vs->ntorrent_order = m->ntorrents;
	for (i = 0; i < vs->ntorrent_order; i++) {
		if (m->torrents[vs->torrent_order[i]].id == vs->torrent_id) {
			vs->torrent_row = (int)i;
			break;
		}
	}
	clamp_list(&vs->torrent_row, &vs->torrent_top,
	    (int)vs->ntorrent_order, vs->rows - 1);
	if (vs->ntorrent_order > 0)
		vs->torrent_id = m->torrents[vs->torrent_order[
		    vs->torrent_row]].id;
}

void
action_sync(struct view_state *vs, const struct model *m)
{
	struct view_help_line	lines[VIEW_HELP_MAX];
	int			n;

	sync_torrents(vs, m);
	sync_peers(vs, m);
	if (m->num_pieces == 0)
		vs->piece_cursor = 0;
	else if (vs->piece_cursor >= m->num_pieces)
		vs->piece_cursor = m->num_pieces - 1;
	/* On failure (no memory) the tree is empty: the view says so. */
	(void)filetree_sync(&vs->files, m->files, m->nfiles);
	clamp_list(&vs->file_row, &vs->file_top,
	    (int)filetree_nrows(&vs->files), vs->rows - VIEW_FILES_TOP_ROWS);
	/* the magnet link's rows come first in the Trackers view */
	clamp_list(&vs->tracker_row, &vs->tracker_top, (int)m->trackers.n,
	    (vs->rows - 1 - view_trackers_info_rows(m->have_status ?
	    &m->status : NULL, vs->cols, vs->rows)) / 2);
	sync_log(vs, m);
	if (vs->help) {
		n = (int)view_help_build(lines, VIEW_HELP_MAX, vs->unicode);
		if (vs->help_top > n - vs->rows)
			vs->help_top = n - vs->rows;
		if (vs->help_top < 0)
			vs->help_top = 0;
	}
}
