/*
 * The mouse as keys and actions.  Everything but mouse_start and
 * mouse_decode works on the notes of the last frame (struct view_hits), so
 * the tests feed it cells and events without a terminal.
 */
#include "mouse.h"


int
mouse_start(int on)
{
	mmask_t	want = BUTTON1_PRESSED | BUTTON1_CLICKED |
		    BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED;

#ifdef BUTTON5_PRESSED
	want |= BUTTON5_PRESSED;	/* the wheel down (ncurses 6, mouse
					 * version 2) */
#endif
	if (!on) {
		(void)mousemask(0, NULL);
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
#ifdef BUTTON5_PRESSED
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

/* A click (or, double, a double click) on a row. */
static size_t
row_click(const struct view_hit *h, int dbl, struct mouse_action *out)
{
	size_t	n = 0;

	if (!(h->flags & VIEW_HIT_SELECTED))
		n = put(out, n, -1, ACT_SELECT, h->arg);
	if (dbl || (h->flags & VIEW_HIT_SELECTED))
		n = put(out, n, -1, ACT_INSPECT, 0);
	return n;
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
		return row_click(h, p == MOUSE_DOUBLE, out);
	case VIEW_HIT_COLUMN:
		return put(out, 0, -1, ACT_SORT_BY, h->arg);
	case VIEW_HIT_KEY:
		return h->arg >= 0 ? put(out, 0, h->arg, ACT_NONE, 0) : 0;
	}
	return 0;
}
