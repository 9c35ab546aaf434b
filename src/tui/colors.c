/*
 * The colour scheme: one const row per meaning, with what to use on a
 * colour terminal and what to use on a monochrome one.  Background -1 is
 * the terminal's own (use_default_colors), so the screen keeps the user's
 * theme like htop does.
 */
#include "colors.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipc/err.h"

struct clr_def {
	short	fg, bg;
	attr_t	attr;		/* with the colour pair */
	attr_t	mono;		/* alone, without colours */
};

static const struct clr_def scheme[CLR_COUNT] = {
	[CLR_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[CLR_DIM] = { COLOR_CYAN, -1, A_NORMAL, A_DIM },
	[CLR_TITLE] = { COLOR_WHITE, -1, A_BOLD, A_BOLD },
	[CLR_HEADER] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[CLR_TAB] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_NORMAL },
	[CLR_TAB_ACTIVE] = { COLOR_BLACK, COLOR_GREEN, A_BOLD,
	    A_REVERSE | A_BOLD },
	[CLR_COLUMN] = { COLOR_BLACK, COLOR_GREEN, A_NORMAL, A_REVERSE },
	[CLR_COLUMN_SORT] = { COLOR_BLACK, COLOR_CYAN, A_BOLD,
	    A_REVERSE | A_BOLD | A_UNDERLINE },
	[CLR_SELECTED] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[CLR_CURSOR] = { COLOR_BLACK, COLOR_WHITE, A_BOLD,
	    A_REVERSE | A_BOLD },
	[CLR_BAR_DONE] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[CLR_BAR_TODO] = { COLOR_BLUE, -1, A_BOLD, A_DIM },
	[CLR_HAVE] = { COLOR_GREEN, -1, A_NORMAL, A_BOLD },
	[CLR_PARTIAL] = { COLOR_GREEN, -1, A_DIM, A_NORMAL },
	[CLR_DOWNLOADING] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[CLR_REQUESTED] = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[CLR_MISSING] = { COLOR_BLUE, -1, A_BOLD, A_DIM },
	[CLR_UNAVAILABLE] = { COLOR_RED, -1, A_NORMAL, A_DIM },
	[CLR_RATE_DOWN] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
	[CLR_RATE_UP] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[CLR_OK] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[CLR_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[CLR_ERROR] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[CLR_ERROR_TEXT] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[CLR_FOOTER_KEY] = { COLOR_WHITE, -1, A_BOLD, A_BOLD },
	[CLR_FOOTER_TEXT] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[CLR_PROMPT] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
};

/* The config file's names of the meanings, in enum clr's order. */
static const char *const element_names[] = {
	"normal", "dim", "title", "header", "tab", "tab-active", "column",
	"column-sort", "selected", "cursor", "bar-done", "bar-todo", "have",
	"partial", "downloading", "requested", "missing", "unavailable",
	"rate-down", "rate-up", "ok", "warn", "error", "error-text",
	"footer-key", "footer-text", "prompt",
};
_Static_assert(sizeof(element_names) / sizeof(element_names[0]) ==
    CLR_COUNT, "a meaning of enum clr has no name for the config file");

static const char *const color_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* A theme is the default scheme with some meanings changed. */
struct clr_change {
	enum clr	c;
	short		fg, bg;
};

/* For a light background: no white or yellow text, darker labels. */
static const struct clr_change light[] = {
	{ CLR_DIM, COLOR_BLUE, -1 },
	{ CLR_TITLE, COLOR_BLACK, -1 },
	{ CLR_HEADER, COLOR_BLUE, -1 },
	{ CLR_CURSOR, COLOR_WHITE, COLOR_BLACK },
	{ CLR_DOWNLOADING, COLOR_MAGENTA, -1 },
	{ CLR_REQUESTED, COLOR_BLUE, -1 },
	{ CLR_WARN, COLOR_MAGENTA, -1 },
	{ CLR_FOOTER_KEY, COLOR_BLACK, -1 },
	{ CLR_PROMPT, COLOR_BLUE, -1 },
};

static const struct {
	const char		*name;
	const struct clr_change	*changes;
	size_t			 n;
	int			 mono, dark;
} themes[] = {
	{ "default", NULL, 0, 0, 0 },
	{ "mono", NULL, 0, 1, 0 },
	{ "light", light, sizeof(light) / sizeof(light[0]), 0, 0 },
	/* white on black whatever the terminal's own colours */
	{ "dark", NULL, 0, 0, 1 },
};

void
colors_theme_init(struct colors_theme *t)
{
	int	i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < CLR_COUNT; i++) {
		t->fg[i] = scheme[i].fg;
		t->bg[i] = scheme[i].bg;
	}
}

int
colors_theme_set(struct colors_theme *t, const char *name)
{
	size_t	i, k;
	int	c;

	for (i = 0; i < sizeof(themes) / sizeof(themes[0]); i++)
		if (strcasecmp(name, themes[i].name) == 0)
			break;
	if (i == sizeof(themes) / sizeof(themes[0]))
		return BT_ERR_NOTFOUND;
	colors_theme_init(t);
	t->mono = themes[i].mono;
	for (k = 0; k < themes[i].n; k++) {
		t->fg[themes[i].changes[k].c] = themes[i].changes[k].fg;
		t->bg[themes[i].changes[k].c] = themes[i].changes[k].bg;
	}
	for (c = 0; themes[i].dark && c < CLR_COUNT; c++) {
		t->fg[c] = t->fg[c] == -1 ? COLOR_WHITE : t->fg[c];
		t->bg[c] = t->bg[c] == -1 ? COLOR_BLACK : t->bg[c];
	}
	return BT_OK;
}

int
colors_element(const char *name)
{
	int	i;

	for (i = 0; i < CLR_COUNT; i++)
		if (strcasecmp(name, element_names[i]) == 0)
			return i;
	return -1;
}

const char *
colors_element_name(int c)
{
	return c >= 0 && c < CLR_COUNT ? element_names[c] : NULL;
}

int
colors_parse(const char *name, short *out)
{
	short	bright = 0;
	size_t	i;

	if (strcasecmp(name, "default") == 0) {
		*out = -1;
		return BT_OK;
	}
	if (strncasecmp(name, "bright-", 7) == 0) {
		bright = 8;
		name += 7;
	}
	for (i = 0; i < sizeof(color_names) / sizeof(color_names[0]); i++)
		if (strcasecmp(name, color_names[i]) == 0) {
			*out = (short)(COLOR_BLACK + (short)i + bright);
			return BT_OK;
		}
	return BT_ERR_NOTFOUND;
}

/* Colour v as this terminal can show it; def stands for -1. */
static short
usable(short v, short def)
{
	if (v == -1)
		return def;
	return v >= 8 && COLORS < 16 ? (short)(v - 8) : v;
}

int
colors_want_mono(void)
{
	const char	*nc = getenv("NO_COLOR");

	if (nc != NULL && nc[0] != '\0')
		return 1;
	return !has_colors();
}

void
colors_init(int mono, const struct colors_theme *t)
{
	struct colors_theme	def;
	short			bg;
	int			i;

	if (mono || start_color() == ERR)
		return;
	if (t == NULL) {
		colors_theme_init(&def);
		t = &def;
	}
	/* Without default colours, -1 is no colour: fall back to black. */
	bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	for (i = 0; i < CLR_COUNT; i++)
		init_pair((short)(i + 1), usable(t->fg[i], bg == -1 ? -1 :
		    COLOR_WHITE), usable(t->bg[i], bg));
}

attr_t
colors_attr(int mono, enum clr c)
{
	if ((unsigned)c >= CLR_COUNT)
		c = CLR_NORMAL;
	if (mono)
		return scheme[c].mono;
	return COLOR_PAIR(c + 1) | scheme[c].attr;
}
