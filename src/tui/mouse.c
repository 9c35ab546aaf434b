/*
 * The mouse as keys and actions.  Everything but mouse_start and
 * mouse_decode works on the notes of the last frame (struct view_hits), so
 * the tests feed it cells and events without a terminal.
 */
#include "mouse.h"


int
mouse_start(int on)
{
	/* Every button's events, though only mouse_decode's are used:
	 * ncurses 6.4 reads on, blocking, past an event outside the mask
	 * (a release) until one inside comes, which froze the screen until
	 * the next key.  No motion (REPORT_MOUSE_POSITION): the terminal
	 * then reports presses and releases only (xterm mode 1000). */
	mmask_t	want = ALL_MOUSE_EVENTS;

	if (!on) {
		(void)mousemask(0, NULL);
		/* A report that comes anyway (a terminal left in mouse mode)
		 * then stays one whole escape sequence, which keyseq drops,
		 * rather than KEY_MOUSE and its digits as loose keys. */
		(void)keyok(KEY_MOUSE, FALSE);
		return 0;
	}
	/* A press is reported as it comes: with the default interval curses
	 * waits 1/6 s for a release to make a click of it. */
	(void)mouseinterval(0);
	return mousemask(want, NULL) != 0;
}

enum mouse_press
mouse_decode(mmask_t bstate)
{
	if (bstate & BUTTON4_PRESSED)
		return MOUSE_WHEEL_UP;
#ifdef BUTTON5_PRESSED		/* the wheel down: ncurses 6, mouse version 2 */
	if (bstate & BUTTON5_PRESSED)
		return MOUSE_WHEEL_DOWN;
#endif
	if (bstate & BUTTON1_DOUBLE_CLICKED)
		return MOUSE_DOUBLE;
	if (bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		return MOUSE_CLICK;
	return MOUSE_NONE;
}

const struct view_hit *
mouse_hit_at(const struct view_hits *hits, int y, int x)
{
	const struct view_hit	*h;
	size_t			 i;

	if (hits == NULL)
		return NULL;
	for (i = hits->n < VIEW_HITS_MAX ? hits->n : VIEW_HITS_MAX; i > 0;
	    i--) {
		h = &hits->hit[i - 1];
		if (h->y == y && x >= h->x && x - h->x < h->width)
			return h;
	}
	return NULL;
}

static size_t
put(struct mouse_action *out, size_t n, int key, enum action_id id,
    int arg)
{
	out[n].key = key;
	out[n].id = id;
	out[n].arg = arg;
	return n + 1;
}

size_t
mouse_actions(const struct view_hits *hits, enum mouse_press p, int y,
    int x, struct mouse_action *out)
{
	const struct view_hit	*h;
	size_t			 n = 0;

	if (hits == NULL)
		return 0;
	if (p == MOUSE_WHEEL_UP || p == MOUSE_WHEEL_DOWN) {
		while (n < MOUSE_WHEEL_ROWS)
			n = put(out, n, -1, p == MOUSE_WHEEL_UP ? ACT_UP :
			    ACT_DOWN, 0);
		return n;
	}
	if ((p != MOUSE_CLICK && p != MOUSE_DOUBLE) ||
	    (h = mouse_hit_at(hits, y, x)) == NULL)
		return 0;
	switch (h->kind) {
	case VIEW_HIT_TAB:
		return put(out, 0, -1, ACT_VIEW_GOTO, h->arg);
	case VIEW_HIT_ROW:
		n = put(out, 0, -1, ACT_SELECT, h->arg);
		/* the row's cursor is there now: ACT_SELECT again opens */
		return p == MOUSE_DOUBLE ? put(out, n, -1, ACT_SELECT,
		    h->arg) : n;
	case VIEW_HIT_COLUMN:
		return put(out, 0, -1, ACT_SORT_BY, h->arg);
	case VIEW_HIT_KEY:
		return h->arg >= 0 ? put(out, 0, h->arg, ACT_NONE, 0) : 0;
	}
	return 0;
}
