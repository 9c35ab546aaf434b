/*
 * Cursors: movement depends on the view (cells in the piece map, rows in
 * lists, lines in the log; in the Files tree Left and Right also fold),
 * and action_sync keeps every cursor in range and in sight when the
 * model or the body's size changes.  A list's selection follows its
 * torrent or peer id, not its row, as the order changes.
 */
#include "action.h"

#include <stdint.h>

#include "ipc/err.h"
#include "tui/action_priv.h"
#include "tui/search.h"

/* Moves the piece cursor by delta cells of the current map. */
static void
move_piece(struct action_ctx *c, int64_t delta_cells)
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
		action_send_inspect(c, MSG_CMD_INSPECT_PIECE,
		    c->vs->piece_cursor);
	}
}

static int64_t
map_cols(const struct action_ctx *c)
{
	struct view_map_geom	g;

	view_pieces_geom(c->m->num_pieces, c->vs->cols, c->vs->rows, &g);
	return g.cols > 0 ? g.cols : 1;
}

/* The peers cursor by delta rows; the selection is a peer id. */
static void
move_peer(struct action_ctx *c, int delta)
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
		action_send_inspect(c, MSG_CMD_INSPECT_PEER, vs->peer_id);
	}
}

/* The torrent list's cursor by delta rows; the selection is a torrent. */
static void
move_torrent(struct action_ctx *c, int delta)
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
move_row(struct action_ctx *c, int delta)
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
		vs->log_hit = 0;
		break;
	default:
		break;
	}
	action_sync(vs, c->m);
}

/* Left in the tree folds an open directory, else goes up to the
 * directory holding the row, as file managers' trees do. */
static void
files_left(struct action_ctx *c)
{
	struct filetree_row	r;

	if (!action_cursor_row(c, &r))
		return;
	if (r.dir && !r.folded) {
		action_fold(c, 1);
		return;
	}
	c->vs->file_row = (int)filetree_parent_row(&c->vs->files,
	    (size_t)c->vs->file_row);
	action_sync(c->vs, c->m);
}

/* Right unfolds a folded directory, else goes into it. */
static void
files_right(struct action_ctx *c)
{
	struct filetree_row	r;

	if (!action_cursor_row(c, &r) || !r.dir)
		return;
	if (r.folded)
		action_fold(c, 0);
	else
		move_row(c, 1);
}

void
action_move_up(struct action_ctx *c)
{
	if (action_in_map(c))
		move_piece(c, -map_cols(c));
	else
		move_row(c, -1);
}

void
action_move_down(struct action_ctx *c)
{
	if (action_in_map(c))
		move_piece(c, map_cols(c));
	else
		move_row(c, 1);
}

void
action_move_left(struct action_ctx *c)
{
	if (action_in_map(c))
		move_piece(c, -1);
	else if (action_in_files(c))
		files_left(c);
}

void
action_move_right(struct action_ctx *c)
{
	if (action_in_map(c))
		move_piece(c, 1);
	else if (action_in_files(c))
		files_right(c);
}

void
action_move_page_up(struct action_ctx *c)
{
	if (action_in_map(c))
		move_piece(c, -map_cols(c) * action_page_rows(c->vs) / 2);
	else
		move_row(c, -action_page_rows(c->vs));
}

void
action_move_page_down(struct action_ctx *c)
{
	if (action_in_map(c))
		move_piece(c, map_cols(c) * action_page_rows(c->vs) / 2);
	else
		move_row(c, action_page_rows(c->vs));
}

void
action_move_home(struct action_ctx *c)
{
	if (action_in_map(c))
		move_piece(c, -(int64_t)MODEL_MAX_PIECES);
	else
		move_row(c, -ACTION_FAR);
}

void
action_move_end(struct action_ctx *c)
{
	if (action_in_map(c))
		move_piece(c, MODEL_MAX_PIECES);
	else if (!c->vs->home && c->vs->view == VIEW_LOG) {
		c->vs->log_back = 0;
		c->vs->log_hit = 0;
	}
	else
		move_row(c, ACTION_FAR);
}

int
action_move_to(struct action_ctx *c)
{
	struct view_state	*vs = c->vs;
	int			 at;

	if (c->arg < 0 || (!vs->home && vs->detail != VIEW_DETAIL_NONE))
		return 0;
	if (vs->home)
		at = vs->torrent_row;
	else if (vs->view == VIEW_PEERS)
		at = vs->peer_row;
	else if (vs->view == VIEW_FILES)
		at = vs->file_row;
	else if (vs->view == VIEW_TRACKERS)
		at = vs->tracker_row;
	else if (vs->view == VIEW_LOG) {
		/* The Log's cursor is its bottom line, which cannot move up
		 * while the log is short: a line is chosen by opening it
		 * whole, as Enter does. */
		if ((size_t)c->arg < search_log_count(vs, c->m)) {
			vs->line_index = model_log_serial(c->m,
			    search_log_index(vs, c->m, (size_t)c->arg));
			vs->line_open = 1;
		}
		return 0;
	} else
		return 0;
	if (c->arg == at)
		return 1;
	move_row(c, c->arg - at);
	return 0;
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

/* The peers' order less the rows the Peers filter hides. */
static size_t
keep_peers(struct view_state *vs, const struct model *m)
{
	char	text[MSG_ADDR_MAX + MSG_CLIENT_MAX + 2];
	size_t	i, n = 0;

	for (i = 0; i < m->npeers; i++) {
		search_peer_text(&m->peers[vs->peer_order[i]], text,
		    sizeof(text));
		if (search_row_visible(vs, VIEW_LIST_PEERS, text))
			vs->peer_order[n++] = vs->peer_order[i];
	}
	return n;
}

static void
sync_peers(struct view_state *vs, const struct model *m)
{
	size_t	i;

	view_peers_sort(m->peers, m->npeers, vs->sort, vs->sort_invert,
	    vs->peer_order);
	vs->npeer_order = keep_peers(vs, m);
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

/* Of the lines the Log shows, those among the model's newest `added'. */
static uint64_t
shown_of_newest(const struct view_state *vs, const struct model *m,
    uint64_t added)
{
	size_t		count = model_log_count(m), k;
	uint64_t	n = 0;

	if (vs->filter[VIEW_LIST_LOG][0] == '\0')
		return added;
	for (k = vs->nlog_shown; k > 0 && vs->log_shown[k - 1] + added >=
	    count; k--)
		n++;
	return n;
}

static void
sync_log(struct view_state *vs, const struct model *m)
{
	int64_t		n, most;
	uint64_t	added;

	search_log_sync(vs, m);
	n = (int64_t)search_log_count(vs, m);
	/* Scrolled back, the same lines stay on screen as new ones come. */
	if (vs->log_back > 0 && m->log_total > vs->log_seen) {
		added = shown_of_newest(vs, m, m->log_total - vs->log_seen);
		vs->log_back += (int)(added < ACTION_FAR ? added : ACTION_FAR);
	}
	vs->log_seen = m->log_total;
	most = n - (vs->rows - 1);
	if (most < 0)
		most = 0;
	if (vs->log_back > most)
		vs->log_back = (int)most;
	if (vs->log_back < 0)
		vs->log_back = 0;
}

/* The list's order less the rows the torrent list's filter hides. */
static size_t
keep_torrents(struct view_state *vs, const struct model *m)
{
	size_t	i, n = 0;

	for (i = 0; i < m->ntorrents; i++)
		if (search_row_visible(vs, VIEW_LIST_TORRENTS,
		    m->torrents[vs->torrent_order[i]].name))
			vs->torrent_order[n++] = vs->torrent_order[i];
	return n;
}

static void
sync_torrents(struct view_state *vs, const struct model *m)
{
	size_t	i;

	view_torrents_sort(m->torrents, m->ntorrents, vs->tsort,
	    vs->tsort_invert, vs->torrent_order);
	vs->ntorrent_order = keep_torrents(vs, m);
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
	(void)filetree_set_filter(&vs->files, vs->filter[VIEW_LIST_FILES]);
	clamp_list(&vs->file_row, &vs->file_top,
	    (int)filetree_nrows(&vs->files), vs->rows - VIEW_FILES_TOP_ROWS);
	/* the magnet link's rows come first in the Trackers view */
	clamp_list(&vs->tracker_row, &vs->tracker_top, (int)m->trackers.n,
	    (vs->rows - 1 - view_trackers_info_rows(m->have_status ?
	    &m->status : NULL, vs->cols, vs->rows)) / 2);
	sync_log(vs, m);
	if (vs->help) {
		n = (int)view_help_lines(lines, VIEW_HELP_MAX, vs);
		if (vs->help_top > n - vs->rows)
			vs->help_top = n - vs->rows;
		if (vs->help_top < 0)
			vs->help_top = 0;
	}
}
