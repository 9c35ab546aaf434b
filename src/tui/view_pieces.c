/*
 * View 1, Pieces: the piece map (one cell per piece, or per group of
 * pieces when they outnumber the cells), a cursor, a legend, and the
 * detail of the piece under the cursor as the engine last described it.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipc/fmt.h"

#define BLOCK_COL_WIDTH	20	/* one entry of the block list */

enum view_cell
view_pieces_cell(const uint8_t *states, size_t n, unsigned *eighths_out)
{
	size_t	i, have = 0, unavailable = 0, requested = 0;

	*eighths_out = 0;
	for (i = 0; i < n; i++) {
		switch (states[i]) {
		case MSG_PIECE_DOWNLOADING:
			return VIEW_CELL_DOWNLOADING;
		case MSG_PIECE_REQUESTED:
			requested++;
			break;
		case MSG_PIECE_HAVE:
			have++;
			break;
		case MSG_PIECE_UNAVAILABLE:
			unavailable++;
			break;
		}
	}
	if (n == 0)
		return VIEW_CELL_MISSING;
	if (requested > 0)
		return VIEW_CELL_REQUESTED;
	if (have == n)
		return VIEW_CELL_HAVE;
	if (have > 0) {
		*eighths_out = (unsigned)(have * 8 / n);
		if (*eighths_out < 1)
			*eighths_out = 1;
		if (*eighths_out > 7)
			*eighths_out = 7;
		return VIEW_CELL_PARTIAL;
	}
	return unavailable == n ? VIEW_CELL_UNAVAILABLE : VIEW_CELL_MISSING;
}

void
view_pieces_geom(uint32_t num_pieces, int cols, int rows,
    struct view_map_geom *g)
{
	uint64_t	avail_c = cols > 3 ? (uint64_t)cols - 2 : 1;
	uint64_t	avail_r = rows > 4 ? (uint64_t)rows - 3 : 1;
	uint64_t	room = avail_c * avail_r;

	memset(g, 0, sizeof(*g));
	g->x = 1;
	g->y = 1;
	g->group = 1;
	g->cols = (int)avail_c;
	if (num_pieces == 0)
		return;
	if (num_pieces > room)
		g->group = (uint32_t)((num_pieces + room - 1) / room);
	g->cells = (num_pieces + g->group - 1) / g->group;
	if (g->cells < avail_c)
		g->cols = (int)g->cells;
	g->rows = (int)((g->cells + (uint32_t)g->cols - 1) / (uint32_t)g->cols);
}

static const char *
block_state_name(uint8_t s)
{
	switch (s) {
	case MSG_BLOCK_HAVE:
		return "have";
	case MSG_BLOCK_REQUESTED:
		return "requested";
	}
	return "missing";
}

void
view_pieces_format_block(uint32_t i, const struct msg_block *b, char *buf,
    size_t len)
{
	if (b->state == MSG_BLOCK_MISSING)
		snprintf(buf, len, "%4" PRIu32 " missing", i);
	else if (b->peer_id == MSG_PEER_NONE)
		snprintf(buf, len, "%4" PRIu32 " %s", i,
		    block_state_name(b->state));
	else
		snprintf(buf, len, "%4" PRIu32 " %-9s #%" PRIu32, i,
		    block_state_name(b->state), b->peer_id);
}

/* The pieces of cell c: first index and count. */
static void
cell_range(const struct model *m, const struct view_map_geom *g, uint32_t c,
    uint32_t *first_out, uint32_t *n_out)
{
	uint64_t	first = (uint64_t)c * g->group;

	*first_out = (uint32_t)first;
	*n_out = first + g->group > m->num_pieces ?
	    (uint32_t)(m->num_pieces - first) : g->group;
}

static void
draw_info(WINDOW *w, const struct model *m, const struct view_state *vs,
    const struct view_map_geom *g)
{
	char		 line[256], plen[32], hint[48];
	uint32_t	 first, n, c = vs->piece_cursor / g->group;
	unsigned	 e;
	enum view_cell	 cell;
	size_t		 at;

	cell_range(m, g, c, &first, &n);
	cell = view_pieces_cell(m->pieces + first, n, &e);
	fmt_size(plen, sizeof(plen), m->status.piece_length);
	if (g->group > 1) {
		snprintf(line, sizeof(line), "%" PRIu32 " pieces of %s, %"
		    PRIu32 " per cell   cursor: pieces %" PRIu32 "-%" PRIu32
		    " (%s)", m->num_pieces, plen, g->group, first,
		    first + n - 1, view_cell_name(cell));
		snprintf(hint, sizeof(hint), "   Enter: inspect piece %"
		    PRIu32, vs->piece_cursor);
	} else {
		snprintf(line, sizeof(line), "%" PRIu32 " pieces of %s   "
		    "cursor: piece %" PRIu32 " (%s)", m->num_pieces, plen,
		    first, view_cell_name(cell));
		snprintf(hint, sizeof(hint), "   Enter: inspect");
	}
	/* The hint whole or not at all: at 80 columns a lone ellipsis
	 * after the cursor's state says nothing. */
	at = strlen(line);
	if (view_text_width(line) + view_text_width(hint) <= getmaxx(w) - 2)
		snprintf(line + at, sizeof(line) - at, "%s", hint);
	view_put(w, 0, 1, line, getmaxx(w) - 2, colors_attr(vs->mono,
	    CLR_DIM));
}

static void
draw_legend(WINDOW *w, int y, const struct view_state *vs)
{
	static const enum view_cell	order[] = {
		VIEW_CELL_HAVE, VIEW_CELL_PARTIAL, VIEW_CELL_DOWNLOADING,
		VIEW_CELL_REQUESTED, VIEW_CELL_MISSING, VIEW_CELL_UNAVAILABLE,
	};
	size_t				i;
	int				x = 1;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		view_put_cell(w, y, x, order[i], 4, vs, 0);
		x += 2;
		x += view_put(w, y, x, view_cell_name(order[i]),
		    getmaxx(w) - x, colors_attr(vs->mono, CLR_DIM)) + 2;
	}
}

static void
draw_map(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	struct view_map_geom	g;
	uint32_t		c, first, n, cur;
	unsigned		e;
	enum view_cell		cell;

	view_pieces_geom(m->num_pieces, getmaxx(w), getmaxy(w), &g);
	cur = vs->piece_cursor / g.group;
	draw_info(w, m, vs, &g);
	for (c = 0; c < g.cells; c++) {
		cell_range(m, &g, c, &first, &n);
		cell = view_pieces_cell(m->pieces + first, n, &e);
		view_put_cell(w, g.y + (int)(c / (uint32_t)g.cols),
		    g.x + (int)(c % (uint32_t)g.cols), cell, e, vs, c == cur);
	}
	draw_legend(w, getmaxy(w) - 1, vs);
}

/* One line of the detail at *y, wrapped on a narrow terminal; *y: the
 * row after it. */
static void
line(WINDOW *w, int *y, const char *s, attr_t a)
{
	if (*y < getmaxy(w))
		view_draw_wrapped(w, y, 1, s, a);
}

static void
detail_head(WINDOW *w, int *y, const struct model *m,
    const struct view_state *vs, const struct msg_piece_detail *d)
{
	char	buf[256], off[32], size[32];

	fmt_size(off, sizeof(off), d->offset);
	fmt_size(size, sizeof(size), d->size);
	snprintf(buf, sizeof(buf), "bytes %" PRIu64 "-%" PRIu64 " (at %s), "
	    "size %s   state %s   availability %" PRIu32 "   hash failures %"
	    PRIu32, d->offset, d->offset + (d->size > 0 ? d->size - 1 : 0),
	    off, size, view_cell_name(view_piece_cell(d->state)),
	    d->availability, d->hashfails);
	line(w, y, buf, colors_attr(vs->mono, d->hashfails > 0 ? CLR_WARN :
	    CLR_NORMAL));
	(void)m;
}

static void
detail_files(WINDOW *w, int *y, const struct model *m,
    const struct view_state *vs, const struct msg_piece_detail *d)
{
	char		buf[MSG_PATH_MAX + 96], len[32], at[32];
	uint32_t	i, n = d->nspans < MSG_MAX_SPANS ? d->nspans :
			    MSG_MAX_SPANS;
	const char	*path;

	snprintf(buf, sizeof(buf), "Files (%" PRIu32 "):", d->nspans);
	line(w, y, buf, colors_attr(vs->mono, CLR_HEADER));
	for (i = 0; i < n && *y < getmaxy(w) - 4; i++) {
		path = d->spans[i].file < m->nfiles ?
		    m->files[d->spans[i].file].path : "?";
		fmt_size(len, sizeof(len), d->spans[i].length);
		fmt_size(at, sizeof(at), d->spans[i].file_offset);
		snprintf(buf, sizeof(buf), "  %s  %s at %s (byte %" PRIu64 ")",
		    path[0] != '\0' ? path : "?", len, at,
		    d->spans[i].file_offset);
		line(w, y, buf, colors_attr(vs->mono, CLR_NORMAL));
	}
	if (i < d->nspans) {
		snprintf(buf, sizeof(buf), "  ... and %" PRIu32 " more",
		    d->nspans - i);
		line(w, y, buf, colors_attr(vs->mono, CLR_DIM));
	}
}

static void
detail_having(WINDOW *w, int *y, const struct model *m,
    const struct view_state *vs, const struct msg_piece_detail *d)
{
	char			 buf[1024], one[96];
	const struct msg_peer	*p;
	uint32_t		 i, n = d->nhaving < MSG_MAX_HAVING ?
				     d->nhaving : MSG_MAX_HAVING;
	size_t			 at;

	at = (size_t)snprintf(buf, sizeof(buf), "Peers having it (%" PRIu32
	    "):", d->nhaving);
	for (i = 0; i < n && at < sizeof(buf); i++) {
		p = model_find_peer(m, d->having[i]);
		snprintf(one, sizeof(one), "  #%" PRIu32 " %s", d->having[i],
		    p != NULL ? p->addr : "");
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s", one);
	}
	line(w, y, buf, colors_attr(vs->mono, CLR_NORMAL));
}

static void
detail_blocks(WINDOW *w, int *y, const struct view_state *vs,
    const struct msg_piece_detail *d)
{
	static const enum view_cell	cells[] = {
		[MSG_BLOCK_MISSING] = VIEW_CELL_MISSING,
		[MSG_BLOCK_REQUESTED] = VIEW_CELL_REQUESTED,
		[MSG_BLOCK_HAVE] = VIEW_CELL_HAVE,
	};
	char				buf[128];
	uint32_t			i, counts[3] = { 0, 0, 0 };
	int				per_row, rows, x;

	for (i = 0; i < d->nblocks; i++)
		counts[d->blocks[i].state < 3 ? d->blocks[i].state : 0]++;
	snprintf(buf, sizeof(buf), "Blocks (%" PRIu32 "): have %" PRIu32
	    "  requested %" PRIu32 "  missing %" PRIu32, d->nblocks,
	    counts[MSG_BLOCK_HAVE], counts[MSG_BLOCK_REQUESTED],
	    counts[MSG_BLOCK_MISSING]);
	line(w, y, buf, colors_attr(vs->mono, CLR_HEADER));
	per_row = getmaxx(w) - 4;
	for (i = 0; i < d->nblocks && *y < getmaxy(w); i++) {
		x = 2 + (int)(i % (uint32_t)per_row);
		view_put_cell(w, *y, x, cells[d->blocks[i].state < 3 ?
		    d->blocks[i].state : 0], 4, vs, 0);
		if ((i + 1) % (uint32_t)per_row == 0 || i + 1 == d->nblocks)
			(*y)++;
	}
	per_row = (getmaxx(w) - 2) / BLOCK_COL_WIDTH;
	rows = getmaxy(w) - *y;
	for (i = 0; i < d->nblocks && per_row > 0 && rows > 0; i++) {
		if (i / (uint32_t)per_row >= (uint32_t)rows)
			break;
		view_pieces_format_block(i, &d->blocks[i], buf, sizeof(buf));
		view_put(w, *y + (int)(i / (uint32_t)per_row), 1 + (int)(i %
		    (uint32_t)per_row) * BLOCK_COL_WIDTH, buf,
		    BLOCK_COL_WIDTH - 1, colors_attr(vs->mono, view_cell_color(
		    cells[d->blocks[i].state < 3 ? d->blocks[i].state : 0])));
	}
}

static void
draw_detail(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	const struct msg_piece_detail	*d = &m->piece_detail;
	char				 title[128];
	int				 y = 0;

	snprintf(title, sizeof(title), "Piece %" PRIu32 " of %" PRIu32
	    "   (arrows: other pieces, Esc: back to the map)",
	    vs->detail_index, m->num_pieces);
	line(w, &y, title, colors_attr(vs->mono, CLR_TITLE));
	if (!m->piece_detail_valid || d->index != vs->detail_index) {
		line(w, &y, "loading...", colors_attr(vs->mono, CLR_DIM));
		return;
	}
	detail_head(w, &y, m, vs, d);
	detail_having(w, &y, m, vs, d);
	detail_files(w, &y, m, vs, d);
	detail_blocks(w, &y, vs, d);
}

void
view_pieces_draw(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	if (m->num_pieces == 0 || m->pieces == NULL) {
		view_put(w, 1, 2, "waiting for the piece map from the "
		    "engine...", getmaxx(w) - 3, colors_attr(vs->mono,
		    CLR_DIM));
		return;
	}
	if (vs->detail == VIEW_DETAIL_PIECE)
		draw_detail(w, m, vs);
	else
		draw_map(w, m, vs);
}
