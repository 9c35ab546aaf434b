/*
 * View 5, Log: the engine's MSG_LOG lines and the watchdog's own, oldest
 * first, newest at the bottom.  It follows new lines unless the user has
 * scrolled back (view_state.log_back > 0).
 */
#include "view.h"
#include "search.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *
source_name(uint8_t s)
{
	switch (s) {
	case MODEL_SRC_ENGINE:
		return "engine";
	case MODEL_SRC_WATCHDOG:
		return "watchdog";
	}
	return "bttui";
}

static const char *
level_name(uint8_t l)
{
	switch (l) {
	case MSG_LOG_WARN:
		return "warn";
	case MSG_LOG_ERROR:
		return "error";
	}
	return "info";
}

/* "12:00:01 engine   info " and, when it came more than once, "(x12) " */
static void
format_head(const struct model_log_line *l, char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = (time_t)l->wall_s;
	char		when[16], times[24] = "";

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%H:%M:%S", &tm) == 0)
		snprintf(when, sizeof(when), "--:--:--");
	if (l->repeat > 1)
		snprintf(times, sizeof(times), "(x%" PRIu32 ") ", l->repeat);
	snprintf(buf, len, "%s %-8s %-5s %s", when, source_name(l->source),
	    level_name(l->level), times);
}

void
view_log_format_line(const struct model_log_line *l, char *buf, size_t len)
{
	char	head[64];

	format_head(l, head, sizeof(head));
	snprintf(buf, len, "%s%s", head, l->text);
}

size_t
view_log_first(size_t count, int rows, int back)
{
	size_t	shown = rows > 0 ? (size_t)rows : 0;
	size_t	b = back > 0 ? (size_t)back : 0;

	if (count <= shown)
		return 0;
	if (b > count - shown)
		b = count - shown;
	return count - shown - b;
}

uint64_t
view_log_selected(const struct model *m, const struct view_state *vs)
{
	size_t	n = search_log_count(vs, m), back;

	if (n == 0)
		return UINT64_MAX;
	back = vs->log_back > 0 ? (size_t)vs->log_back : 0;
	return model_log_serial(m, search_log_index(vs, m,
	    n - 1 - (back < n ? back : n - 1)));
}

/* Draws text wrapped from row *y at x, as far as the window goes. */
void
view_draw_wrapped(WINDOW *w, int *y, int x, const char *text, attr_t a)
{
	char		part[MSG_TEXT_MAX + MSG_URL_MAX];
	const char	*rest = text;

	do {
		rest = view_wrap(rest, getmaxx(w) - x - 1, part, sizeof(part));
		view_put(w, (*y)++, x, part, getmaxx(w) - x - 1, a);
	} while (*rest != '\0' && *y < getmaxy(w));
}

/* One line whole: when, where from, how bad, then its text wrapped. */
static void
draw_line(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	const struct model_log_line	*l;
	char				 head[MSG_TEXT_MAX + 64];
	int				 y = 2;

	view_fill(w, 0, 0, getmaxx(w), colors_attr(vs->mono, CLR_COLUMN));
	view_put(w, 0, 1, "Log line   (Esc: back to the log)", getmaxx(w) - 1,
	    colors_attr(vs->mono, CLR_COLUMN));
	if ((l = model_log_by_serial(m, vs->line_index)) == NULL) {
		view_put(w, 2, 1, "that line has left the log (it keeps the "
		    "last 1000)", getmaxx(w) - 2, colors_attr(vs->mono,
		    CLR_DIM));
		return;
	}
	/* the time, source, level and count as the list has them, then the
	 * text */
	format_head(l, head, sizeof(head));
	view_put(w, 1, 1, head, getmaxx(w) - 2, colors_attr(vs->mono,
	    CLR_HEADER));
	view_draw_wrapped(w, &y, 1, l->text, colors_attr(vs->mono,
	    l->level == MSG_LOG_ERROR ? CLR_ERROR_TEXT : l->level ==
	    MSG_LOG_WARN ? CLR_WARN : CLR_NORMAL));
}

void
view_log_draw(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	const struct model_log_line	*l;
	char				 row[MSG_TEXT_MAX + 64];
	size_t				 i, k, n = search_log_count(vs, m);
	uint64_t			 sel = view_log_selected(m, vs);
	int				 y;
	enum clr			 c;

	if (vs->line_open) {
		draw_line(w, m, vs);
		return;
	}
	snprintf(row, sizeof(row), "%zu lines from the engine and the "
	    "watchdog   %s", n, vs->log_back > 0 ? "scrolled back: End "
	    "follows new lines" : "following new lines");
	view_fill(w, 0, 0, getmaxx(w), colors_attr(vs->mono, CLR_COLUMN));
	view_put(w, 0, 1, row, getmaxx(w) - 1, colors_attr(vs->mono,
	    CLR_COLUMN));
	i = view_log_first(n, getmaxy(w) - 1, vs->log_back);
	for (y = 1; y < getmaxy(w) && i < n; y++, i++) {
		k = search_log_index(vs, m, i);	/* the filter's lines */
		if ((l = model_log_line(m, k)) == NULL)
			break;
		view_log_format_line(l, row, sizeof(row));
		c = l->level == MSG_LOG_ERROR ? CLR_ERROR_TEXT :
		    l->level == MSG_LOG_WARN ? CLR_WARN :
		    l->source == MODEL_SRC_ENGINE ? CLR_NORMAL : CLR_DIM;
		/* scrolled back, the line Enter shows */
		if (vs->log_back > 0 && model_log_serial(m, k) == sel) {
			c = CLR_SELECTED;
			view_fill(w, y, 0, getmaxx(w), colors_attr(vs->mono,
			    c));
		}
		view_put(w, y, 1, row, getmaxx(w) - 1,
		    colors_attr(vs->mono, c));
		view_hit_add(vs, w, y, 0, getmaxx(w), VIEW_HIT_ROW, (int)i);
	}
}
