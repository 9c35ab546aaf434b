/*
 * The bars around the views: the tab bar naming them (with their counts)
 * and the bottom bar (key hints, the limit prompt, or a message).
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>

#include "tui/action.h"


/* The count a tab shows, -1 for none.  Peers: the list's count, the one
 * the header's peers and the Peers view show. */
static int64_t
view_count(const struct model *m, enum view_id v)
{
	switch (v) {
	case VIEW_PEERS:
		return m->peers_total;
	case VIEW_FILES:
		return m->files_total;
	case VIEW_TRACKERS:
		return m->trackers.n;
	default:
		return -1;
	}
}

/* How the tab bar makes room, step by step. */
enum {
	TABS_FULL,
	TABS_SHORT_ESC,		/* " Esc " for " Esc: torrents " */
	TABS_NO_HELP,		/* no " ? help " on the right */
	TABS_NO_COUNTS,		/* " 2 Peers " for " 2 Peers (7) " */
	TABS_NUMBERS,		/* " 2 " alone */
	TABS_LEVELS
};

/* Tab i (0: Esc or Torrents, then the views) at level into buf. */
static void
tab_text(const struct model *m, const struct view_state *vs, int i,
    int level, char *buf, size_t len)
{
	int64_t	n;
	int	v = i - 1;

	if (i == 0) {
		if (vs->home)
			snprintf(buf, len, " Torrents (%zu) ", m->ntorrents);
		else
			snprintf(buf, len, "%s", level < TABS_SHORT_ESC ?
			    " Esc: torrents " : " Esc ");
		return;
	}
	n = level < TABS_NO_COUNTS ? view_count(m, (enum view_id)v) : -1;
	if (level >= TABS_NUMBERS)
		snprintf(buf, len, " %d ", v + 1);
	else if (n >= 0)
		snprintf(buf, len, " %d %s (%" PRId64 ") ", v + 1,
		    view_name((enum view_id)v), n);
	else
		snprintf(buf, len, " %d %s ", v + 1,
		    view_name((enum view_id)v));
}

/* The tabs' columns at level, with a blank after each, and the help's. */
static int
tabs_width(const struct model *m, const struct view_state *vs, int level)
{
	char	tab[48];
	int	i, x = 0, ntabs = vs->home ? 1 : 1 + VIEW_COUNT;

	for (i = 0; i < ntabs; i++) {
		tab_text(m, vs, i, level, tab, sizeof(tab));
		x += view_text_width(tab) + 2;	/* its trailing blank too */
	}
	return x + (level < TABS_NO_HELP ? 9 : 0);
}

void
view_tabs_draw(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char	tab[48];
	int	x = 0, i, level, used, ntabs = vs->home ? 1 : 1 + VIEW_COUNT;
	attr_t	a;

	for (level = 0; level + 1 < TABS_LEVELS &&
	    tabs_width(m, vs, level) > getmaxx(w); level++)
		;
	view_fill(w, 0, 0, getmaxx(w), colors_attr(vs->mono, CLR_TAB));
	for (i = 0; i < ntabs; i++) {
		tab_text(m, vs, i, level, tab, sizeof(tab));
		if (i == 0)
			a = colors_attr(vs->mono, vs->home && !vs->help ?
			    CLR_TAB_ACTIVE : CLR_TAB);
		else
			a = colors_attr(vs->mono, i - 1 == (int)vs->view &&
			    !vs->help ? CLR_TAB_ACTIVE : CLR_TAB);
		used = view_put(w, 0, x, tab, getmaxx(w) - x, a);
		/* the list's own tab goes nowhere; " Esc: torrents " is Esc */
		if (i > 0)
			view_hit_add(vs, w, 0, x, used, VIEW_HIT_TAB, i - 1);
		else if (!vs->home)
			view_hit_add(vs, w, 0, x, used, VIEW_HIT_KEY,
			    action_key_named("Esc"));
		x += used + 1;
	}
	if (level < TABS_NO_HELP && getmaxx(w) - x >= 9) {
		view_put(w, 0, getmaxx(w) - 9, " ? help ", 8,
		    colors_attr(vs->mono, vs->help ? CLR_TAB_ACTIVE : CLR_TAB));
		view_hit_add(vs, w, 0, getmaxx(w) - 9, 8, VIEW_HIT_KEY,
		    action_key_named("?"));
	}
}

/*
 * The bottom bar's keys (htop's function bar): a key, then what it does on
 * a coloured band.  A label is never cut: when they do not all fit, whole
 * ones go, the least needed first (the help lists every key).
 */
#define HINTS_MAX	16

struct hint {
	const char	*key, *what;
	int		 rank;		/* 0: kept longest */
};

struct hints {
	struct hint	h[HINTS_MAX];
	int		n;
};

static void
hint(struct hints *hs, const char *key, const char *what, int rank)
{
	if (hs->n < HINTS_MAX)
		hs->h[hs->n++] = (struct hint){ key, what, rank };
}

/* Columns of hint h with the blank after it. */
static int
hint_width(const struct hint *h)
{
	return view_text_width(h->key) + view_text_width(h->what) + 3;
}

static void
fit_hints(const struct hints *hs, int cols, int *shown_out)
{
	int	i, total = 0, worst;

	for (i = 0; i < hs->n; i++) {
		shown_out[i] = 1;
		total += hint_width(&hs->h[i]);
	}
	while (total - 1 > cols) {
		for (i = 0, worst = -1; i < hs->n; i++)
			if (shown_out[i] && (worst < 0 ||
			    hs->h[i].rank >= hs->h[worst].rank))
				worst = i;
		if (worst < 0)
			break;
		shown_out[worst] = 0;
		total -= hint_width(&hs->h[worst]);
	}
}

/* The home screen's keys. */
static void
home_hints(struct hints *hs, const struct model *m,
    const struct view_state *vs)
{
	if (m->health.state == SUP_GAVE_UP)
		hint(hs, "R", "Retry", 0);
	if (vs->help)
		hint(hs, "Esc", "Close", 0);
	hint(hs, "F1", "Help", 1);
	hint(hs, "Enter", "Open", 1);
	hint(hs, "a", "Add", 2);
	hint(hs, "x", "Remove", 4);
	hint(hs, "p", "Pause", 2);
	hint(hs, "P", "All", 5);
	hint(hs, "s", "Sort", 4);
	hint(hs, "d/u", "Limits", 5);
	hint(hs, "q", "Quit", 0);
}

/* A torrent's detail's keys. */
static void
detail_hints(struct hints *hs, const struct model *m,
    const struct view_state *vs)
{
	int	paused = m->have_status && m->status.state == MSG_STATE_PAUSED;
	int	failed = model_engine_live(m) && m->have_status &&
		    m->status.state == MSG_STATE_ERROR;

	if (m->health.state == SUP_GAVE_UP || failed)
		hint(hs, "R", "Retry", 0);
	if (vs->help || vs->detail != VIEW_DETAIL_NONE || vs->line_open)
		hint(hs, "Esc", "Close", 0);
	hint(hs, "F1", "Help", 1);
	hint(hs, "Tab", "View", 2);
	if (vs->view == VIEW_PIECES || vs->view == VIEW_PEERS)
		hint(hs, "Enter", "Inspect", 2);
	if (vs->view == VIEW_FILES) {
		hint(hs, "Enter", "Fold", 2);
		hint(hs, "Space", "Skip", 3);
	}
	if (vs->view == VIEW_PEERS)
		hint(hs, "s", "Sort", 4);
	hint(hs, "p", failed ? "Retry" : paused ? "Resume" : "Pause", 1);
	hint(hs, "r", "Announce", 5);
	hint(hs, "d/u", "Limits", 5);
	hint(hs, "q", "Quit", 0);
}

static void
draw_hints(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	struct hints	hs;
	char		label[32];
	int		shown[HINTS_MAX], x = 0, i, x0, key;

	hs.n = 0;
	if (vs->home)
		home_hints(&hs, m, vs);
	else
		detail_hints(&hs, m, vs);
	fit_hints(&hs, getmaxx(w), shown);
	for (i = 0; i < hs.n; i++) {
		if (!shown[i])
			continue;
		snprintf(label, sizeof(label), " %s ", hs.h[i].what);
		x0 = x;
		x += view_put(w, 0, x, hs.h[i].key, getmaxx(w) - x,
		    colors_attr(vs->mono, CLR_FOOTER_KEY));
		x += view_put(w, 0, x, label, getmaxx(w) - x,
		    colors_attr(vs->mono, CLR_FOOTER_TEXT));
		/* a click is the key the label names ("d/u" names two) */
		if ((key = action_key_named(hs.h[i].key)) >= 0)
			view_hit_add(vs, w, 0, x0, x - x0, VIEW_HIT_KEY, key);
		x += x < getmaxx(w) ? 1 : 0;
	}
	view_fill(w, 0, x, getmaxx(w) - x, colors_attr(vs->mono,
	    CLR_FOOTER_TEXT));
}

void
view_footer_draw(WINDOW *w, const struct model *m,
    const struct view_state *vs)
{
	char	line[VIEW_PROMPT_MAX + MSG_NAME_MAX + 160];

	/* the prompts' text is action's (action_prompt_line) */
	if (action_prompt_line(vs, m, line, sizeof(line))) {
		view_put(w, 0, 0, line, getmaxx(w), colors_attr(vs->mono,
		    CLR_PROMPT));
		return;
	}
	if (vs->message[0] != '\0') {
		view_put(w, 0, 0, vs->message, getmaxx(w), colors_attr(vs->mono,
		    vs->message_warn ? CLR_WARN : CLR_NORMAL));
		return;
	}
	draw_hints(w, m, vs);
}
