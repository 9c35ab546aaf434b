/*
 * The key tables and the dispatch of a key: the prompt takes keys while it
 * is open, the help next, else the key's action runs.  Actions only move
 * cursors, switch views, open and close the help, a detail or a prompt,
 * and fill in a command for the app to send; the app draws afterwards.
 * This file holds the views, details and sorting; the rest is by concern
 * in action_move.c, action_prompt.c and action_torrent.c (action_priv.h).
 */
#include "action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "tui/action_priv.h"

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
	{ ACTION_KEY_ESC, "Esc", ACT_CLOSE, 0 },
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
	{ 't', "t", ACT_TURTLE, 0 },
	{ 'R', "R", ACT_RETRY, 0 },
	{ 'q', "q", ACT_QUIT, 0 },
	{ KEY_F(10), "F10", ACT_QUIT, 0 },
	{ 's', "s", ACT_SORT_NEXT, 0 },
	{ '<', "<", ACT_SORT_LEFT, 0 },
	{ '>', ">", ACT_SORT_RIGHT, 0 },
	{ 'I', "I", ACT_SORT_INVERT, 0 },
	{ '/', "/", ACT_SEARCH, 0 },
	{ '\\', "\\", ACT_FILTER, 0 },
	{ 'n', "n", ACT_SEARCH_NEXT, 0 },
	{ 'N', "N", ACT_SEARCH_PREV, 0 },
	{ '?', "?", ACT_HELP, 0 },
	{ KEY_F(1), "F1", ACT_HELP, 0 },
	{ ACTION_KEY_CTRL_L, "Ctrl-L", ACT_REDRAW, 0 },
};

#define SEARCH_SECTION	"Search and filter (torrent list, Peers, Files, Log)"

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
	{ ACT_LIMIT_DOWN, "Torrents", "download limit: 500K, 1.5M, 2G; 0: "
	    "none" },
	{ ACT_LIMIT_UP, "Torrents", "upload limit, the same way" },
	{ ACT_RETRY, "Torrents", "retry a torrent stopped by an error (a "
	    "full disk); restart an engine the watchdog gave up on" },
	{ ACT_QUIT, "Torrents", "quit (the engine saves what it has)" },
	{ ACT_PRIO_TOGGLE, "Torrents", "Files view: skip the file, or all in "
	    "the directory; again: want it" },
	{ ACT_PRIO_UP, "Torrents", "Files view: raise the priority of the file "
	    "or of all in the directory" },
	{ ACT_PRIO_DOWN, "Torrents", "Files view: lower it (the steps: skip, "
	    "low, normal, high)" },
	{ ACT_TURTLE, "Torrents", "turtle mode: the alternative limits on or "
	    "off (d, u set the others)" },
	{ ACT_SORT_NEXT, "Tables", "sort the torrents or peers by the next "
	    "column" },
	{ ACT_SORT_LEFT, "Tables", "sort by the column to the left" },
	{ ACT_SORT_RIGHT, "Tables", "sort by the column to the right" },
	{ ACT_SORT_INVERT, "Tables", "invert the sort order" },
	{ ACT_HELP, "Screen", "this help" },
	{ ACT_REDRAW, "Screen", "redraw the screen" },
	{ ACT_SEARCH, SEARCH_SECTION, "search: to the first row holding the "
	    "text" },
	{ ACT_SEARCH_NEXT, SEARCH_SECTION, "the next match, round the end" },
	{ ACT_SEARCH_PREV, SEARCH_SECTION, "the previous match" },
	{ ACT_FILTER, SEARCH_SECTION, "filter: only the rows holding the text "
	    "(Esc clears)" },
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

int
action_key_named(const char *name)
{
	size_t	i;

	for (i = 0; i < action_key_count(); i++)
		if (strcmp(keys[i].name, name) == 0)
			return keys[i].key;
	return -1;
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

/* --- shared by the handlers (action_priv.h) ------------------------------ */

void
action_say(struct view_state *vs, int warn, const char *text)
{
	snprintf(vs->message, sizeof(vs->message), "%s", text);
	vs->message_warn = warn;
}

void
action_send_inspect(struct action_ctx *c, int type, uint32_t index)
{
	c->out->result = ACTION_SEND;
	c->out->type = type;
	c->out->inspect.torrent_id = c->m->focus;
	c->out->inspect.index = index;
}

int
action_page_rows(const struct view_state *vs)
{
	return vs->rows > 3 ? vs->rows - 2 : 1;
}

/* On the home screen every movement is the list's. */
int
action_in_map(const struct action_ctx *c)
{
	return !c->vs->home && c->vs->view == VIEW_PIECES;
}

int
action_in_files(const struct action_ctx *c)
{
	return !c->vs->home && c->vs->view == VIEW_FILES;
}

/* The Files tree's row under the cursor into *r; 0 when there is none. */
int
action_cursor_row(const struct action_ctx *c, struct filetree_row *r)
{
	return c->vs->file_row >= 0 && filetree_row(&c->vs->files,
	    (size_t)c->vs->file_row, r) == BT_OK;
}

/* Folds or unfolds the directory under the cursor, which stays on it. */
void
action_fold(struct action_ctx *c, int folded)
{
	size_t	row = (size_t)c->vs->file_row;

	c->vs->file_row = (int)filetree_set_folded(&c->vs->files, row,
	    folded, row);
	action_sync(c->vs, c->m);
}

/* --- views, details, help ------------------------------------------------ */

/* Opens the detail of the selected torrent (from the list). */
static int
open_selected(struct action_ctx *c)
{
	const struct msg_torrent_row	*r;

	if ((r = model_find_torrent(c->m, c->vs->torrent_id)) == NULL ||
	    c->vs->ntorrent_order == 0)	/* the filter hides every row */
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
	/* a torrent's own lists start unfiltered */
	if (memcmp(vs->focus_hash, info_hash, 20) != 0) {
		vs->filter[VIEW_LIST_PEERS][0] = '\0';
		vs->filter[VIEW_LIST_FILES][0] = '\0';
		vs->filter[VIEW_LIST_LOG][0] = '\0';
	}
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
		r = vs->ntorrent_order > 0 ? model_find_torrent(m,
		    vs->torrent_id) : NULL;
	else
		r = vs->have_focus ? model_find_hash(m, vs->focus_hash) : NULL;
	return r != NULL ? r->id : MSG_TORRENT_NONE;
}

static void
set_view(struct view_state *vs, int v)
{
	vs->view = (enum view_id)((v % VIEW_COUNT + VIEW_COUNT) % VIEW_COUNT);
	vs->detail = VIEW_DETAIL_NONE;
	vs->line_open = 0;
	vs->help = 0;
}

/* On the home screen, a view key opens the selected torrent there (Tab:
 * in the view last shown).  The step is taken before open_selected,
 * which leaves the home screen. */
static void
act_view_next(struct action_ctx *c)
{
	int	step = c->vs->home ? 0 : 1;

	if (c->vs->home && !open_selected(c))
		return;
	set_view(c->vs, (int)c->vs->view + step);
}

static void
act_view_prev(struct action_ctx *c)
{
	int	step = c->vs->home ? 0 : 1;

	if (c->vs->home && !open_selected(c))
		return;
	set_view(c->vs, (int)c->vs->view - step);
}

static void
act_view_goto(struct action_ctx *c)
{
	if (c->vs->home && !open_selected(c))
		return;
	set_view(c->vs, c->arg);
}

static void
act_inspect(struct action_ctx *c)
{
	struct view_state	*vs = c->vs;
	struct filetree_row	 r;

	if (vs->home) {
		(void)open_selected(c);
		return;
	}
	if (action_in_files(c)) {
		if (action_cursor_row(c, &r) && r.dir)
			action_fold(c, !r.folded);
		return;
	}
	if (vs->view == VIEW_PIECES && c->m->num_pieces > 0) {
		vs->detail = VIEW_DETAIL_PIECE;
		vs->detail_index = vs->piece_cursor;
		action_send_inspect(c, MSG_CMD_INSPECT_PIECE, vs->piece_cursor);
	} else if (vs->view == VIEW_PEERS && vs->npeer_order > 0) {
		vs->detail = VIEW_DETAIL_PEER;
		vs->detail_index = vs->peer_id;
		action_send_inspect(c, MSG_CMD_INSPECT_PEER, vs->peer_id);
	} else if (vs->view == VIEW_LOG &&
	    view_log_selected(c->m, vs) != UINT64_MAX) {
		vs->line_index = view_log_selected(c->m, vs);	/* whole */
		vs->line_open = 1;
	} else if (vs->view == VIEW_TRACKERS) {
		vs->line_index = (uint64_t)vs->tracker_row;	/* its URL */
		vs->line_open = 1;
	}
}

/* Esc closes a piece or peer detail, then goes back to the list. */
/* A row clicked: the cursor goes there; on the cursor's row, Enter.  The
 * state decides, not the frame clicked on: two clicks read before the
 * next frame still open the row. */
static void
act_select(struct action_ctx *c)
{
	if (action_move_to(c))
		act_inspect(c);
}

static void
act_close(struct action_ctx *c)
{
	if (c->vs->line_open) {
		c->vs->line_open = 0;	/* back to the list it came from */
		return;
	}
	if (c->vs->detail == VIEW_DETAIL_NONE && !c->vs->home)
		action_focus(c->vs, NULL);
	c->vs->detail = VIEW_DETAIL_NONE;
	c->vs->message[0] = '\0';
}

static void
act_help(struct action_ctx *c)
{
	c->vs->help = 1;
	c->vs->help_top = 0;
}

static void
act_redraw(struct action_ctx *c)
{
	c->out->result = ACTION_REDRAW;
}

static void
act_quit(struct action_ctx *c)
{
	c->out->result = ACTION_QUIT;
}

static void
act_sort_next(struct action_ctx *c)
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
act_sort_left(struct action_ctx *c)
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
act_sort_right(struct action_ctx *c)
{
	act_sort_next(c);
}

static void
act_sort_invert(struct action_ctx *c)
{
	if (c->vs->home)
		c->vs->tsort_invert = !c->vs->tsort_invert;
	else
		c->vs->sort_invert = !c->vs->sort_invert;
	action_sync(c->vs, c->m);
}

/* A title clicked: sort by its column, in the column's natural order;
 * the sort column again: the other way, as I does. */
static void
sort_by(int col, int ncols, int *sort, int *invert)
{
	if (col < 0 || col >= ncols)
		return;
	if (*sort == col)
		*invert = !*invert;
	else {
		*sort = col;
		*invert = 0;
	}
}

static void
act_sort_by(struct action_ctx *c)
{
	struct view_state	*vs = c->vs;
	int			 sort, invert;

	if (vs->home) {
		sort = (int)vs->tsort;
		invert = vs->tsort_invert;
		sort_by(c->arg, VIEW_TCOL_COUNT, &sort, &invert);
		vs->tsort = (enum view_torrent_col)sort;
		vs->tsort_invert = invert;
	} else if (vs->view == VIEW_PEERS) {
		sort = (int)vs->sort;
		invert = vs->sort_invert;
		/* titles are drawn in the config's order; # sorts nothing */
		sort_by(view_peers_title_col(vs, c->arg) - VIEW_PEERS_COL(0),
		    VIEW_PCOL_COUNT, &sort, &invert);
		vs->sort = (enum view_peer_col)sort;
		vs->sort_invert = invert;
	}
	action_sync(vs, c->m);
}

static void (*const handlers[ACT_ALL])(struct action_ctx *) = {
	[ACT_VIEW_NEXT] = act_view_next,
	[ACT_VIEW_PREV] = act_view_prev,
	[ACT_VIEW_GOTO] = act_view_goto,
	[ACT_UP] = action_move_up,
	[ACT_DOWN] = action_move_down,
	[ACT_LEFT] = action_move_left,
	[ACT_RIGHT] = action_move_right,
	[ACT_PAGE_UP] = action_move_page_up,
	[ACT_PAGE_DOWN] = action_move_page_down,
	[ACT_HOME] = action_move_home,
	[ACT_END] = action_move_end,
	[ACT_INSPECT] = act_inspect,
	[ACT_CLOSE] = act_close,
	[ACT_PAUSE] = action_torrent_pause,
	[ACT_PAUSE_ALL] = action_torrent_pause_all,
	[ACT_ADD] = action_prompt_add,
	[ACT_REMOVE] = action_prompt_remove,
	[ACT_REANNOUNCE] = action_torrent_reannounce,
	[ACT_STREAM] = action_torrent_stream,
	[ACT_PRIO_TOGGLE] = action_torrent_prio_toggle,
	[ACT_PRIO_UP] = action_torrent_prio_up,
	[ACT_PRIO_DOWN] = action_torrent_prio_down,
	[ACT_LIMIT_DOWN] = action_prompt_limit_down,
	[ACT_LIMIT_UP] = action_prompt_limit_up,
	[ACT_TURTLE] = action_prompt_turtle,
	[ACT_RETRY] = action_torrent_retry,
	[ACT_QUIT] = act_quit,
	[ACT_SORT_NEXT] = act_sort_next,
	[ACT_SORT_LEFT] = act_sort_left,
	[ACT_SORT_RIGHT] = act_sort_right,
	[ACT_SORT_INVERT] = act_sort_invert,
	[ACT_SEARCH] = action_search_open,
	[ACT_FILTER] = action_search_filter,
	[ACT_SEARCH_NEXT] = action_search_next,
	[ACT_SEARCH_PREV] = action_search_prev,
	[ACT_HELP] = act_help,
	[ACT_REDRAW] = act_redraw,
	[ACT_SELECT] = act_select,
	[ACT_SORT_BY] = act_sort_by,
};

/* --- modes: the prompt and the help take keys first ---------------------- */

/* In the help: moving keys scroll it, view keys leave to that view, the
 * rest close it (htop's help closes on any key). */
static void
help_key(struct action_ctx *c, enum action_id id)
{
	switch (id) {
	case ACT_UP:
		c->vs->help_top--;
		break;
	case ACT_DOWN:
		c->vs->help_top++;
		break;
	case ACT_PAGE_UP:
		c->vs->help_top -= action_page_rows(c->vs);
		break;
	case ACT_PAGE_DOWN:
		c->vs->help_top += action_page_rows(c->vs);
		break;
	case ACT_HOME:
		c->vs->help_top = 0;
		break;
	case ACT_END:
		c->vs->help_top = ACTION_FAR;
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
	enum action_id	id;
	int		arg;

	if (vs->prompt != VIEW_PROMPT_NONE) {
		memset(out, 0, sizeof(*out));
		out->result = ACTION_NONE;
		action_prompt_key(vs, m, key, out);
		return;
	}
	id = action_lookup(key, &arg);
	action_run(vs, m, id, arg, out);
}

void
action_run(struct view_state *vs, const struct model *m, enum action_id id,
    int arg, struct action_cmd *out)
{
	struct action_ctx	c = { vs, m, arg, out };

	memset(out, 0, sizeof(*out));
	out->result = ACTION_NONE;
	if (vs->prompt != VIEW_PROMPT_NONE || (unsigned)id >= ACT_ALL)
		return;
	/* The model may have changed since the last sync. */
	action_sync(vs, m);
	if (vs->help) {
		help_key(&c, id);
		return;
	}
	if (id == ACT_NONE || handlers[id] == NULL)
		return;
	vs->message[0] = '\0';
	handlers[id](&c);
}
