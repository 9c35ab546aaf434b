/*
 * The torrent list, the home screen (rtorrent's main view, tremc's list):
 * one row per torrent of the session, sorted by the user's column, a
 * cursor row; Enter opens the torrent's detail views.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ipc/fmt.h"

/* The name's width follows the names; view_layout gives it the room
 * first and hides columns from the least useful (Ratio) when narrow. */
static const struct view_column columns[VIEW_TCOL_COUNT] = {
	[VIEW_TCOL_NAME] = { "Name", 0, 0, 0 },
	[VIEW_TCOL_STATE] = { "State", 12, 0, 0 },
	[VIEW_TCOL_PROGRESS] = { "Done", 6, 1, 1 },
	[VIEW_TCOL_SIZE] = { "Size", FMT_SIZE_COLS, 1, 1 },
	[VIEW_TCOL_DOWN] = { "Down", FMT_RATE_COLS, 1, 1 },
	[VIEW_TCOL_UP] = { "Up", FMT_RATE_COLS, 1, 1 },
	[VIEW_TCOL_ETA] = { "ETA", FMT_DURATION_COLS, 1, 0 },
	[VIEW_TCOL_RATIO] = { "Ratio", 6, 1, 1 },
	[VIEW_TCOL_PEERS] = { "Peers", 6, 1, 1 },
};

static const int ranks[VIEW_TCOL_COUNT] = {
	[VIEW_TCOL_NAME] = 0, [VIEW_TCOL_STATE] = 1,
	[VIEW_TCOL_PROGRESS] = 2, [VIEW_TCOL_DOWN] = 3, [VIEW_TCOL_UP] = 4,
	[VIEW_TCOL_ETA] = 5, [VIEW_TCOL_SIZE] = 6, [VIEW_TCOL_PEERS] = 7,
	[VIEW_TCOL_RATIO] = 8,
};

#define NAME_MIN	20
#define NAME_MAX	200

const char *
view_torrents_col_title(enum view_torrent_col c)
{
	return (unsigned)c < VIEW_TCOL_COUNT ? columns[c].title : "?";
}

void
view_torrents_layout(const struct msg_torrent_row *rows, size_t n, int cols,
    enum view_torrent_col sort, int *width_out)
{
	struct view_layout_col	c[VIEW_TCOL_COUNT];
	size_t			i;
	int			k, name = 5;	/* "Name" and an arrow */

	for (i = 0; i < n; i++) {
		k = view_text_width(rows[i].name);
		name = k > name ? (k < NAME_MAX ? k : NAME_MAX) : name;
	}
	for (k = 0; k < VIEW_TCOL_COUNT; k++) {
		c[k].min = c[k].want = columns[k].width;
		c[k].rank = ranks[k];
	}
	c[VIEW_TCOL_NAME].want = name;
	c[VIEW_TCOL_NAME].min = name < NAME_MIN ? name : NAME_MIN;
	view_layout(c, VIEW_TCOL_COUNT, cols - 1, (unsigned)sort <
	    VIEW_TCOL_COUNT ? (int)sort : -1, width_out);
}

void
view_torrents_state(const struct msg_torrent_row *r, char *buf, size_t len)
{
	switch (r->state) {
	case MSG_STATE_CHECKING:
		snprintf(buf, len, "checking");
		break;
	case MSG_STATE_DOWNLOADING:
		snprintf(buf, len, "downloading");
		break;
	case MSG_STATE_SEEDING:
		snprintf(buf, len, "seeding");
		break;
	case MSG_STATE_PAUSED:
		snprintf(buf, len, "paused");
		break;
	case MSG_STATE_ERROR:
		snprintf(buf, len, "error");
		break;
	case MSG_STATE_QUEUED:
		snprintf(buf, len, "queued #%" PRIu32, r->queue_pos);
		break;
	case MSG_STATE_STOPPING:
		snprintf(buf, len, "done");
		break;
	case MSG_STATE_METADATA:
		snprintf(buf, len, "metadata");
		break;
	default:
		snprintf(buf, len, "starting");
		break;
	}
}

/* Done of a magnet link's torrent: its metadata's pieces. */
static void
meta_done(const struct msg_torrent_row *r, char *buf, size_t len)
{
	int	n;

	if (r->meta_pieces == 0) {
		snprintf(buf, len, "-");
		return;
	}
	n = snprintf(buf, len, "%" PRIu32 "/%" PRIu32, r->meta_have,
	    r->meta_pieces);
	if (n < 0 || n > columns[VIEW_TCOL_PROGRESS].width)
		view_format_percent(r->meta_have, r->meta_pieces, buf, len);
}

/* A torrent that cannot move data shows no rate at once (the engine's
 * rates fall over seconds), a seed no download rate. */
static uint64_t
shown_rate(const struct msg_torrent_row *r, uint64_t bps, int down)
{
	if (down && r->state == MSG_STATE_SEEDING)
		return 0;
	return r->state == MSG_STATE_PAUSED || r->state == MSG_STATE_QUEUED ||
	    r->state == MSG_STATE_ERROR ? 0 : bps;
}

/* The ETA the list shows: only a downloading torrent has one. */
static int64_t
shown_eta(const struct msg_torrent_row *r)
{
	return r->state == MSG_STATE_DOWNLOADING ? r->eta_s : -1;
}

static void
cell_text(const struct msg_torrent_row *r, enum view_torrent_col c,
    char *buf, size_t len)
{
	switch (c) {
	case VIEW_TCOL_NAME:
		snprintf(buf, len, "%s", r->name);
		break;
	case VIEW_TCOL_STATE:
		view_torrents_state(r, buf, len);
		break;
	case VIEW_TCOL_PROGRESS:
		if (r->state == MSG_STATE_METADATA)
			meta_done(r, buf, len);
		else
			view_format_percent(r->done_bytes, r->total_bytes, buf,
			    len);
		break;
	case VIEW_TCOL_SIZE:
		fmt_size(buf, len, r->total_bytes);
		break;
	case VIEW_TCOL_DOWN:
		fmt_rate(buf, len, shown_rate(r, r->down_bps, 1));
		break;
	case VIEW_TCOL_UP:
		fmt_rate(buf, len, shown_rate(r, r->up_bps, 0));
		break;
	case VIEW_TCOL_ETA:
		fmt_duration(buf, len, shown_eta(r));
		break;
	case VIEW_TCOL_RATIO:
		snprintf(buf, len, "%" PRIu32 ".%02" PRIu32,
		    r->ratio_milli / 1000, r->ratio_milli % 1000 / 10);
		break;
	case VIEW_TCOL_PEERS:	/* connected; the detail says the rest */
		snprintf(buf, len, "%" PRIu32, r->peers_connected);
		break;
	default:
		snprintf(buf, len, "?");
	}
}

void
view_torrents_format_row(const struct msg_torrent_row *r, const int *widths,
    char *buf, size_t len)
{
	char	text[MSG_NAME_MAX], fit[4 * NAME_MAX + 8];
	size_t	at = 0;
	int	c, w;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (c = 0; c < VIEW_TCOL_COUNT && at < len; c++) {
		if ((w = widths[c]) <= 0)
			continue;
		w = w < NAME_MAX ? w : NAME_MAX;
		cell_text(r, (enum view_torrent_col)c, text, sizeof(text));
		view_fit(text, w, columns[c].right, fit, sizeof(fit));
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
		    at > 0 ? " " : "", fit);
	}
}

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

static uint64_t
permille(const struct msg_torrent_row *r)
{
	return r->total_bytes ? r->done_bytes * 1000 / r->total_bytes : 1000;
}

int
view_torrents_compare(const struct msg_torrent_row *a,
    const struct msg_torrent_row *b, enum view_torrent_col col)
{
	int	r = 0;

	switch (col) {
	case VIEW_TCOL_NAME:
		r = strcasecmp(a->name, b->name);
		break;
	case VIEW_TCOL_STATE:
		r = cmp_u64(a->state, b->state);
		break;
	/* numbers: biggest first, as htop sorts CPU% */
	case VIEW_TCOL_PROGRESS:
		r = cmp_u64(permille(b), permille(a));
		break;
	case VIEW_TCOL_SIZE:
		r = cmp_u64(b->total_bytes, a->total_bytes);
		break;
	case VIEW_TCOL_DOWN:
		r = cmp_u64(b->down_bps, a->down_bps);
		break;
	case VIEW_TCOL_UP:
		r = cmp_u64(b->up_bps, a->up_bps);
		break;
	case VIEW_TCOL_ETA:	/* soonest first, unknown last, as shown */
		r = cmp_u64((uint64_t)shown_eta(a), (uint64_t)shown_eta(b));
		break;
	case VIEW_TCOL_RATIO:
		r = cmp_u64(b->ratio_milli, a->ratio_milli);
		break;
	case VIEW_TCOL_PEERS:
		r = cmp_u64(b->peers_connected, a->peers_connected);
		break;
	default:
		break;
	}
	if (r != 0)
		return r < 0 ? -1 : 1;
	return cmp_u64(a->id, b->id);
}

struct torrent_sort {
	const struct msg_torrent_row	*rows;
	enum view_torrent_col		 col;
	int				 invert;
};

static int
cmp_torrent(const void *arg, uint32_t a, uint32_t b)
{
	const struct torrent_sort	*c = arg;
	int				 r;

	r = view_torrents_compare(&c->rows[a], &c->rows[b], c->col);
	return c->invert ? -r : r;
}

void
view_torrents_sort(const struct msg_torrent_row *rows, size_t n,
    enum view_torrent_col col, int invert, uint32_t *order_out)
{
	struct torrent_sort	ctx = { rows, col, invert };

	view_sort_order(order_out, n < MODEL_MAX_TORRENTS ? n :
	    MODEL_MAX_TORRENTS, cmp_torrent, &ctx);
}

static enum clr
row_color(const struct msg_torrent_row *r)
{
	switch (r->state) {
	case MSG_STATE_ERROR:
		return CLR_ERROR_TEXT;
	case MSG_STATE_PAUSED:
	case MSG_STATE_QUEUED:
	case MSG_STATE_STOPPING:
		return CLR_DIM;
	case MSG_STATE_SEEDING:
		return CLR_OK;
	default:
		return CLR_NORMAL;
	}
}

void
view_torrents_draw(WINDOW *w, const struct model *m,
    const struct view_state *vs)
{
	char		row[4 * NAME_MAX + 256];
	int		widths[VIEW_TCOL_COUNT], y, i;
	uint32_t	at;
	attr_t		a;

	view_torrents_layout(m->torrents, m->ntorrents, getmaxx(w), vs->tsort,
	    widths);
	view_titles_draw(w, vs, columns, widths, VIEW_TCOL_COUNT,
	    (int)vs->tsort, vs->tsort_invert);
	if (m->ntorrents == 0) {
		view_put(w, 2, 2, m->have_torrents ? "no torrents: press a "
		    "to add a .torrent file" : "waiting for the engine...",
		    getmaxx(w) - 3, colors_attr(vs->mono, CLR_DIM));
		return;
	}
	for (y = 1, i = vs->torrent_top; y < getmaxy(w) &&
	    i < (int)vs->ntorrent_order; y++, i++) {
		if ((at = vs->torrent_order[i]) >= m->ntorrents)
			continue;
		view_torrents_format_row(&m->torrents[at], widths, row,
		    sizeof(row));
		a = colors_attr(vs->mono, i == vs->torrent_row ? CLR_SELECTED :
		    row_color(&m->torrents[at]));
		if (i == vs->torrent_row)
			view_fill(w, y, 0, getmaxx(w), a);
		view_put(w, y, 1, row, getmaxx(w) - 1, a);
		view_hit_add(vs, w, y, 0, getmaxx(w), VIEW_HIT_ROW, i);
	}
}
