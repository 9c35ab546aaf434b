/* See offscreen.h. */
#include "offscreen.h"

int
offscreen_open(struct offscreen *o)
{
	o->scr = NULL;
	o->in = NULL;
	if ((o->out = fopen("/dev/null", "w")) == NULL ||
	    (o->in = fopen("/dev/null", "r")) == NULL ||
	    (o->scr = newterm("xterm", o->out, o->in)) == NULL) {
		if (o->out != NULL)
			fclose(o->out);
		if (o->in != NULL)
			fclose(o->in);
		return -1;
	}
	set_term(o->scr);
	return 0;
}

void
offscreen_close(struct offscreen *o)
{
	endwin();
	delscreen(o->scr);
	fclose(o->out);
	fclose(o->in);
}
