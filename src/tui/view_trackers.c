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

static void
format_count(int32_t n, char *buf, size_t len)
{
	if (n < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%" PRId32, n);
}

void
view_trackers_format_row(const struct msg_tracker *t, char *buf, size_t len)
{
	char	last[32], next[32], d[24], seeds[16], leech[16], tier[16];

	if (t->kind == MSG_TRACKER_KIND_PEER)
		snprintf(tier, sizeof(tier), "peer");
	else if (t->kind == MSG_TRACKER_KIND_DHT)
		snprintf(tier, sizeof(tier), "DHT");
	else
		snprintf(tier, sizeof(tier), "%" PRIu32, t->tier);
	if (t->last_s < 0) {
		/* a peer row without a time: the count of those not shown */
		snprintf(last, sizeof(last), "%s", t->kind ==
		    MSG_TRACKER_KIND_PEER ? "-" : "never");
	} else {
		fmt_duration(d, sizeof(d), t->last_s);
		snprintf(last, sizeof(last), "%s ago", d);
	}
	if (t->next_s < 0) {
		snprintf(next, sizeof(next), "-");
	} else {
		fmt_duration(d, sizeof(d), t->next_s);
		snprintf(next, sizeof(next), "in %s", d);
	}
	format_count(t->seeders, seeds, sizeof(seeds));
	format_count(t->leechers, leech, sizeof(leech));
	snprintf(buf, len, "%4s %-10s %-10s %-10s %6s %6s  %s", tier,
	    view_trackers_status(t->status), last, next, seeds, leech, t->url);
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

static void
draw_titles(WINDOW *w, int y, const struct view_state *vs)
{
	char	t[128];

	snprintf(t, sizeof(t), "%4s %-10s %-10s %-10s %6s %6s  %s", "Tier",
	    "Status", "Last", "Next", "Seeds", "Leech", "URL");
	view_fill(w, y, 0, getmaxx(w), colors_attr(vs->mono, CLR_COLUMN));
	view_put(w, y, 1, t, getmaxx(w) - 1, colors_attr(vs->mono, CLR_COLUMN));
}

void
view_trackers_draw(WINDOW *w, const struct model *m,
    const struct view_state *vs)
{
	const struct msg_tracker	*t;
	char				 row[MSG_URL_MAX + 96];
	int				 y, i, top;
	attr_t				 a;

	top = view_trackers_info_rows(m->have_status ? &m->status : NULL,
	    getmaxx(w), getmaxy(w));
	draw_info(w, m, vs, top);
	draw_titles(w, top, vs);
	if (m->trackers.n == 0) {
		view_put(w, top + 2, 2, m->have_trackers ? "no trackers (peers "
		    "given with --peer only)" : "waiting for the engine...",
		    getmaxx(w) - 3, colors_attr(vs->mono, CLR_DIM));
		return;
	}
	for (y = top + 1, i = vs->tracker_top; y < getmaxy(w) &&
	    i < (int)m->trackers.n && i < MSG_MAX_TRACKERS; y++, i++) {
		t = &m->trackers.t[i];
		view_trackers_format_row(t, row, sizeof(row));
		a = colors_attr(vs->mono, i == vs->tracker_row ? CLR_SELECTED :
		    t->status == MSG_TRACKER_ERROR ? CLR_ERROR_TEXT :
		    CLR_NORMAL);
		if (i == vs->tracker_row)
			view_fill(w, y, 0, getmaxx(w), a);
		view_put(w, y, 1, row, getmaxx(w) - 1, a);
		if (t->error[0] != '\0' && y + 1 < getmaxy(w)) {
			y++;
			view_put(w, y, 6, "last error: ", 12,
			    colors_attr(vs->mono, CLR_DIM));
			view_put(w, y, 18, t->error, getmaxx(w) - 19,
			    colors_attr(vs->mono, CLR_ERROR_TEXT));
		}
	}
}
