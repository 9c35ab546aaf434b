/*
 * View 4, Trackers: each announce URL with its tier, status, when it was
 * last and will next be asked, the swarm counts it gave, and its last
 * error on a line of its own.
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
	char	last[32], next[32], d[24], seeds[16], leech[16];

	if (t->last_s < 0) {
		snprintf(last, sizeof(last), "never");
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
	snprintf(buf, len, "%4" PRIu32 " %-10s %-10s %-10s %6s %6s  %s",
	    t->tier, view_trackers_status(t->status), last, next, seeds, leech,
	    t->url);
}

static void
draw_titles(WINDOW *w, const struct view_state *vs)
{
	char	t[128];

	snprintf(t, sizeof(t), "%4s %-10s %-10s %-10s %6s %6s  %s", "Tier",
	    "Status", "Last", "Next", "Seeds", "Leech", "URL");
	view_fill(w, 0, 0, getmaxx(w), colors_attr(vs->mono, CLR_COLUMN));
	view_put(w, 0, 1, t, getmaxx(w) - 1, colors_attr(vs->mono, CLR_COLUMN));
}

void
view_trackers_draw(WINDOW *w, const struct model *m,
    const struct view_state *vs)
{
	const struct msg_tracker	*t;
	char				 row[MSG_URL_MAX + 96];
	int				 y, i;
	attr_t				 a;

	draw_titles(w, vs);
	if (m->trackers.n == 0) {
		view_put(w, 2, 2, m->have_trackers ? "no trackers (peers given "
		    "with --peer only)" : "waiting for the engine...",
		    getmaxx(w) - 3, colors_attr(vs->mono, CLR_DIM));
		return;
	}
	for (y = 1, i = vs->tracker_top; y < getmaxy(w) &&
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
