/*
 * View 4, Trackers: the torrent's magnet link (to copy) and whether it is
 * private, then each announce URL with its tier, status, when it was
 * last and will next be asked, the swarm counts it gave, and its last
 * error on a line of its own; the DHT's row; then the peer addresses
 * whose last dial failed, with when, the next try and why (the list of
 * connections has no place for what never connected).
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipc/fmt.h"

const char *
view_trackers_status(uint8_t status)
{
	switch (status) {
	case MSG_TRACKER_IDLE:
		return "idle";
	case MSG_TRACKER_ANNOUNCING:
		return "announcing";
	case MSG_TRACKER_OK:
		return "ok";
	case MSG_TRACKER_ERROR:
		return "error";
	}
	return "?";
}

/* The table's columns; the URL (or the DHT's or a peer's line) takes
 * the room, and on a narrow terminal the counts go first. */
enum {
	TCOL_TIER, TCOL_STATUS, TCOL_LAST, TCOL_NEXT, TCOL_SEEDS, TCOL_LEECH,
	TCOL_URL, TCOL_COUNT
};

static const struct view_column columns[TCOL_COUNT] = {
	[TCOL_TIER] = { "Tier", 4, 1, 0 },
	[TCOL_STATUS] = { "Status", 10, 0, 0 },
	[TCOL_LAST] = { "Last", 10, 0, 0 },
	[TCOL_NEXT] = { "Next", 10, 0, 0 },
	[TCOL_SEEDS] = { "Seeds", 6, 1, 0 },
	[TCOL_LEECH] = { "Leech", 6, 1, 0 },
	[TCOL_URL] = { "URL", 0, 0, 0 },
};

static const int ranks[TCOL_COUNT] = {
	[TCOL_URL] = 0, [TCOL_STATUS] = 1, [TCOL_TIER] = 2, [TCOL_NEXT] = 3,
	[TCOL_LAST] = 4, [TCOL_SEEDS] = 5, [TCOL_LEECH] = 6,
};

#define URL_MIN		40	/* "udp://tracker.opentrackr.org:1337/announce"
				 * nearly */

void
view_trackers_layout(const struct msg_trackers *tr, int cols, int *width_out)
{
	struct view_layout_col	c[TCOL_COUNT];
	uint32_t		i;
	int			k, url = 3, any = 3;

	/* as wide as the widest line when there is room; on a narrow
	 * terminal the announce URLs first (the DHT's and the peers' lines
	 * may be cut: a row shown whole has the rest) */
	for (i = 0; i < tr->n && i < MSG_MAX_TRACKERS; i++) {
		k = view_text_width(tr->t[i].url);
		any = k > any ? k : any;
		if (tr->t[i].kind == MSG_TRACKER_KIND_TRACKER)
			url = k > url ? k : url;
	}
	if (url == 3)
		url = any;
	for (k = 0; k < TCOL_COUNT; k++) {
		c[k].min = c[k].want = columns[k].width;
		c[k].rank = ranks[k];
	}
	c[TCOL_URL].want = any;
	c[TCOL_URL].min = url < URL_MIN ? url : URL_MIN;
	view_layout(c, TCOL_COUNT, cols - 1, TCOL_URL, width_out);
}

static void
format_count(int32_t n, char *buf, size_t len)
{
	if (n < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%" PRId32, n);
}

/* Column c of t as text. */
static void
cell_text(const struct msg_tracker *t, int c, char *buf, size_t len)
{
	char	d[FMT_MAX];

	switch (c) {
	case TCOL_TIER:
		if (t->kind == MSG_TRACKER_KIND_PEER)
			snprintf(buf, len, "peer");
		else if (t->kind == MSG_TRACKER_KIND_DHT)
			snprintf(buf, len, "DHT");
		else
			snprintf(buf, len, "%" PRIu32, t->tier);
		break;
	case TCOL_STATUS:
		snprintf(buf, len, "%s", view_trackers_status(t->status));
		break;
	case TCOL_LAST:
		/* a peer row without a time: the count of those not shown */
		if (t->last_s < 0)
			snprintf(buf, len, "%s", t->kind ==
			    MSG_TRACKER_KIND_PEER ? "-" : "never");
		else
			snprintf(buf, len, "%s ago", fmt_duration(d, sizeof(d),
			    t->last_s));
		break;
	case TCOL_NEXT:
		if (t->next_s < 0)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "in %s", fmt_duration(d, sizeof(d),
			    t->next_s));
		break;
	case TCOL_SEEDS:
		format_count(t->seeders, buf, len);
		break;
	case TCOL_LEECH:
		format_count(t->leechers, buf, len);
		break;
	default:
		snprintf(buf, len, "%s", t->url);
	}
}

void
view_trackers_format_row(const struct msg_tracker *t, const int *widths,
    char *buf, size_t len)
{
	char	text[MSG_URL_MAX], fit[4 * MSG_URL_MAX];
	size_t	at = 0;
	int	c;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (c = 0; c < TCOL_COUNT && at < len; c++) {
		if (widths[c] <= 0)
			continue;
		cell_text(t, c, text, sizeof(text));
		view_fit(text, widths[c] < MSG_URL_MAX ? widths[c] :
		    MSG_URL_MAX, columns[c].right, fit, sizeof(fit));
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
		    at > 0 ? " " : "", fit);
	}
	at = strlen(buf);		/* the URL's padding is not needed */
	while (at > 0 && buf[at - 1] == ' ')
		buf[--at] = '\0';
}

/* Rows of the link cut every cols bytes. */
static int
link_rows(const struct msg_status *st, int cols)
{
	size_t	n = strnlen(st->magnet, sizeof(st->magnet));

	return (int)((n + (size_t)cols - 1) / (size_t)cols);
}

int
view_trackers_info_rows(const struct msg_status *st, int cols, int rows)
{
	int	n;

	if (st == NULL || cols < 1)
		return 0;
	n = link_rows(st, cols);
	if (n > 0 || (st->flags & MSG_STATUS_PRIVATE))
		n++;		/* the line naming it */
	if (n > rows - 2)
		n = rows - 2 > 0 ? rows - 2 : 0;
	return n;
}

void
view_trackers_info_line(const struct msg_status *st, int cols, int i,
    char *buf, size_t len)
{
	size_t	at, n = strnlen(st->magnet, sizeof(st->magnet));
	int	is_private = (st->flags & MSG_STATUS_PRIVATE) != 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (i == 0) {
		snprintf(buf, len, "%s%s", n > 0 ? "Magnet link:" : "",
		    !is_private ? "" : n > 0 ? "   private torrent: no PEX, no "
		    "DHT" : "private torrent: no PEX, no DHT");
		return;
	}
	if (i < 0 || cols < 1)
		return;
	at = (size_t)(i - 1) * (size_t)cols;
	if (at < n)
		snprintf(buf, len, "%.*s", cols, st->magnet + at);
}

static void
draw_info(WINDOW *w, const struct model *m, const struct view_state *vs,
    int rows)
{
	char	line[MSG_MAGNET_MAX + 64];
	int	i;

	for (i = 0; i < rows; i++) {
		view_trackers_info_line(&m->status, getmaxx(w), i, line,
		    sizeof(line));
		if (i == 0)
			view_put(w, i, 1, line, getmaxx(w) - 2,
			    colors_attr(vs->mono, CLR_HEADER));
		else	/* from column 0: the rows select as one link */
			view_put(w, i, 0, line, getmaxx(w),
			    colors_attr(vs->mono, CLR_NORMAL));
	}
}

/* The selected row whole: every field, the URL and the error wrapped. */
static void
draw_line(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	const struct msg_tracker	*t;
	char				 buf[MSG_URL_MAX + 96], last[32],
					 next[32], d[FMT_MAX];
	int				 y = 2;

	view_fill(w, 0, 0, getmaxx(w), colors_attr(vs->mono, CLR_COLUMN));
	snprintf(buf, sizeof(buf), "Row %" PRIu64 " of %" PRIu32 "   (Esc: "
	    "back to the trackers)", vs->line_index + 1, m->trackers.n);
	view_put(w, 0, 1, buf, getmaxx(w) - 1, colors_attr(vs->mono,
	    CLR_COLUMN));
	if (vs->line_index >= m->trackers.n ||
	    vs->line_index >= MSG_MAX_TRACKERS) {
		view_put(w, 2, 1, "that row is gone", getmaxx(w) - 2,
		    colors_attr(vs->mono, CLR_DIM));
		return;
	}
	t = &m->trackers.t[vs->line_index];
	snprintf(last, sizeof(last), "never");
	if (t->last_s >= 0)
		snprintf(last, sizeof(last), "%s ago", fmt_duration(d,
		    sizeof(d), t->last_s));
	snprintf(next, sizeof(next), "-");
	if (t->next_s >= 0)
		snprintf(next, sizeof(next), "in %s", fmt_duration(d,
		    sizeof(d), t->next_s));
	snprintf(buf, sizeof(buf), "%s  status %s   last %s   next %s",
	    t->kind == MSG_TRACKER_KIND_PEER ? "a peer address" :
	    t->kind == MSG_TRACKER_KIND_DHT ? "the DHT" : "a tracker",
	    view_trackers_status(t->status), last, next);
	view_put(w, 1, 1, buf, getmaxx(w) - 2, colors_attr(vs->mono,
	    CLR_HEADER));
	view_draw_wrapped(w, &y, 1, t->url, colors_attr(vs->mono,
	    CLR_NORMAL));
	if (t->error[0] != '\0' && y + 1 < getmaxy(w)) {
		view_put(w, ++y, 1, "last error:", getmaxx(w) - 2,
		    colors_attr(vs->mono, CLR_DIM));
		y++;
		view_draw_wrapped(w, &y, 1, t->error, colors_attr(vs->mono,
		    CLR_ERROR_TEXT));
	}
}

void
view_trackers_draw(WINDOW *w, const struct model *m,
    const struct view_state *vs)
{
	const struct msg_tracker	*t;
	char				 row[4 * MSG_URL_MAX + 96];
	int				 y, i, top, widths[TCOL_COUNT];
	attr_t				 a;

	if (vs->line_open) {
		draw_line(w, m, vs);
		return;
	}
	top = view_trackers_info_rows(m->have_status ? &m->status : NULL,
	    getmaxx(w), getmaxy(w));
	draw_info(w, m, vs, top);
	view_trackers_layout(&m->trackers, getmaxx(w), widths);
	view_titles_draw_at(w, top, vs, columns, widths, TCOL_COUNT, -1, 0);
	if (m->trackers.n == 0) {
		view_put(w, top + 2, 2, m->have_trackers ? "no trackers (peers "
		    "given with --peer only)" : "waiting for the engine...",
		    getmaxx(w) - 3, colors_attr(vs->mono, CLR_DIM));
		return;
	}
	for (y = top + 1, i = vs->tracker_top; y < getmaxy(w) &&
	    i < (int)m->trackers.n && i < MSG_MAX_TRACKERS; y++, i++) {
		t = &m->trackers.t[i];
		view_trackers_format_row(t, widths, row, sizeof(row));
		a = colors_attr(vs->mono, i == vs->tracker_row ? CLR_SELECTED :
		    t->status == MSG_TRACKER_ERROR ? CLR_ERROR_TEXT :
		    CLR_NORMAL);
		if (i == vs->tracker_row)
			view_fill(w, y, 0, getmaxx(w), a);
		view_put(w, y, 1, row, getmaxx(w) - 1, a);
		view_hit_add(vs, w, y, 0, getmaxx(w), VIEW_HIT_ROW, i);
		if (t->error[0] != '\0' && y + 1 < getmaxy(w)) {
			y++;
			view_hit_add(vs, w, y, 0, getmaxx(w), VIEW_HIT_ROW, i);
			view_put(w, y, 6, "last error: ", 12,
			    colors_attr(vs->mono, CLR_DIM));
			view_put(w, y, 18, t->error, getmaxx(w) - 19,
			    colors_attr(vs->mono, CLR_ERROR_TEXT));
		}
	}
}
