/*
 * mouse: clicks and the wheel turned into the keys and actions the
 * keyboard gives, as htop and tremc users expect them: a tab opens its
 * view, a row takes the cursor (a click on the cursor's row is Enter), a
 * column title sorts by it (again: the other way), the wheel moves
 * MOUSE_WHEEL_ROWS rows a notch, a key bar label is its key.
 *
 * The views note what they drew where while they draw (view_hit_add into
 * struct view_hits); this module only looks a cell up in those notes, so
 * it never works the layout out a second time.  The app runs what comes
 * out through action_key and action_run, the keys' own path.  Only
 * mouse_start and mouse_decode know curses' mouse; the rest is pure.
 */
#ifndef BT_MOUSE_H
#define BT_MOUSE_H

#include <curses.h>
#include <stddef.h>

#include "tui/action.h"
#include "tui/view.h"

#define MOUSE_WHEEL_ROWS	3	/* rows a wheel notch moves */
#define MOUSE_OUT_MAX		MOUSE_WHEEL_ROWS	/* mouse_actions' most */

/* What a mouse event means to bttui. */
enum mouse_press {
	MOUSE_NONE,		/* a button or motion we do not use */
	MOUSE_CLICK,		/* the left button went down */
	MOUSE_DOUBLE,		/* a double click, when curses tells one */
	MOUSE_WHEEL_UP,
	MOUSE_WHEEL_DOWN,
};

/* One thing to run: the key `key' when it is >= 0, else action id with
 * arg (action_run). */
struct mouse_action {
	int		 key;
	enum action_id	 id;
	int		 arg;
};

/* Asks curses for the mouse's events, reported at once (no wait to tell
 * a click from a double click), on the current screen, after keypad(); on
 * 0: none, and the terminal keeps its own selection (a report sent anyway
 * is no key).  Returns 1 when the terminal can report the mouse and on
 * was 1, else 0. */
int		 mouse_start(int on);
/* getmouse()'s bstate as a press; MOUSE_NONE for releases, other buttons,
 * motion. */
enum mouse_press mouse_decode(mmask_t bstate);
/* The area noted at screen cell (y, x) (the last noted wins, as it was
 * drawn over the others), or NULL. */
const struct view_hit *mouse_hit_at(const struct view_hits *hits, int y,
		    int x);
/*
 * What press p at screen cell (y, x) does, into out[0..MOUSE_OUT_MAX);
 * returns how many to run, in order (0: nothing there).  A click: a tab
 * is ACT_VIEW_GOTO of its view, a row ACT_SELECT of its index (which
 * opens the cursor's row), a title ACT_SORT_BY of its column, a label
 * its key.  A double click on a row: ACT_SELECT twice, to open it.  A wheel notch: MOUSE_WHEEL_ROWS times ACT_UP or
 * ACT_DOWN, wherever it points.  hits NULL: nothing.
 */
size_t		 mouse_actions(const struct view_hits *hits, enum mouse_press p,
		    int y, int x, struct mouse_action *out);

#endif
