/*
 * colors: what things mean on screen, not which colour they are.  Views
 * ask for CLR_HAVE or CLR_WARN; a const table turns the meaning into a
 * colour pair and attributes, or into attributes alone on a monochrome
 * terminal (no colours, or NO_COLOR set: https://no-color.org).  The pair
 * of meaning c is c + 1, set once by colors_init.
 */
#ifndef BT_COLORS_H
#define BT_COLORS_H

#include <curses.h>

enum clr {
	CLR_NORMAL,
	CLR_DIM,		/* labels, secondary text */
	CLR_TITLE,		/* the torrent name */
	CLR_HEADER,		/* header values (sizes, counts) */
	CLR_TAB,		/* an inactive tab */
	CLR_TAB_ACTIVE,		/* the current view's tab */
	CLR_COLUMN,		/* table column titles */
	CLR_COLUMN_SORT,	/* the sort column's title */
	CLR_SELECTED,		/* the cursor row of a list */
	CLR_CURSOR,		/* the cursor cell of a map */
	CLR_BAR_DONE,		/* progress bar, filled part */
	CLR_BAR_TODO,		/* progress bar, empty part */
	CLR_HAVE,		/* pieces and blocks */
	CLR_PARTIAL,
	CLR_DOWNLOADING,
	CLR_REQUESTED,
	CLR_MISSING,
	CLR_UNAVAILABLE,
	CLR_RATE_DOWN,
	CLR_RATE_UP,
	CLR_OK,
	CLR_WARN,
	CLR_ERROR,		/* a banner: the engine gave up */
	CLR_ERROR_TEXT,		/* error lines in lists */
	CLR_FOOTER_KEY,		/* the key names in the bottom bar */
	CLR_FOOTER_TEXT,	/* what they do */
	CLR_PROMPT,
	CLR_COUNT
};

/* The colours of each meaning: a named theme, then the config file's
 * overrides (config.h).  A colour is a curses number: COLOR_BLACK..
 * COLOR_WHITE, 8 more for the bright ones, -1 the terminal's own. */
struct colors_theme {
	short	fg[CLR_COUNT], bg[CLR_COUNT];
	int	mono;		/* attributes only, as with NO_COLOR */
};

/* The themes colors_theme_set knows, for messages and the man page. */
#define COLORS_THEMES	"default, mono, light, dark"

/* *t = the default theme. */
void	colors_theme_init(struct colors_theme *t);
/* *t = the theme called name (COLORS_THEMES).  BT_OK, or
 * BT_ERR_NOTFOUND with *t unchanged. */
int	colors_theme_set(struct colors_theme *t, const char *name);
/* The meaning called name ("tab-active", "rate-down": the enum's names
 * in lower case with '-'), case-insensitive; -1 when none. */
int	colors_element(const char *name);
/* The name of meaning c; NULL past CLR_COUNT. */
const char *colors_element_name(int c);
/* A colour by name: black red green yellow blue magenta cyan white,
 * bright-NAME (8 more), default (-1).  BT_OK or BT_ERR_NOTFOUND. */
int	colors_parse(const char *name, short *out);

/* 1 when the screen must do without colours: !has_colors() or a
 * non-empty NO_COLOR.  Call after the terminal is set up. */
int	colors_want_mono(void);
/* Starts colour and sets one pair per meaning from theme t (NULL: the
 * default); nothing when mono.  A bright colour on a terminal of 8
 * colours falls back to its plain one. */
void	colors_init(int mono, const struct colors_theme *t);
/* Attributes to draw meaning c with (pair and bold/reverse/dim). */
attr_t	colors_attr(int mono, enum clr c);

#endif
