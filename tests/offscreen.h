/*
 * offscreen: a curses terminal that draws into /dev/null (an "xterm"), so
 * that unit tests can run the views' draw functions and read the cells
 * back with mvwin_wch.
 */
#ifndef BT_TEST_OFFSCREEN_H
#define BT_TEST_OFFSCREEN_H

#include <stdio.h>

#include <curses.h>

struct offscreen {
	SCREEN	*scr;
	FILE	*out, *in;
};

/* Opens the terminal and makes it current (set_term): 0, or -1 with
 * nothing left open. */
int	offscreen_open(struct offscreen *o);
/* endwin and frees it all; the windows made on it go first. */
void	offscreen_close(struct offscreen *o);

#endif
