/*
 * The colour scheme: one const row per meaning, with what to use on a
 * colour terminal and what to use on a monochrome one.  Background -1 is
 * the terminal's own (use_default_colors), so the screen keeps the user's
 * theme like htop does.
 */
#include "colors.h"

#include <stdlib.h>

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

int
colors_want_mono(void)
{
	const char	*nc = getenv("NO_COLOR");

	if (nc != NULL && nc[0] != '\0')
		return 1;
	return !has_colors();
}

void
colors_init(int mono)
{
	short	bg;
	int	i;

	if (mono || start_color() == ERR)
		return;
	/* Without default colours, -1 is no colour: fall back to black. */
	bg = use_default_colors() == OK ? -1 : COLOR_BLACK;
	for (i = 0; i < CLR_COUNT; i++)
		init_pair((short)(i + 1),
		    scheme[i].fg == -1 ? (bg == -1 ? -1 : COLOR_WHITE) :
		    scheme[i].fg, scheme[i].bg == -1 ? bg : scheme[i].bg);
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
