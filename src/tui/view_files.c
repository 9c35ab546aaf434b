/*
 * View 3, Files: the torrent's files in order, with size, the verified
 * share, a bar and the priority (skipped files dimmed); a cursor row to
 * scroll long lists.  The file the engine streams (downloads in order) is
 * marked in a gutter.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipc/fmt.h"

#define FILE_BAR_WIDTH	12
#define FILE_PRIO_WIDTH	6

const char *
view_files_prio_name(uint8_t prio)
{
	static const char *const	names[] = { "skip", "low", "normal",
	    "high" };

	return prio <= MSG_PRIO_HIGH ? names[prio] : "?";
}

void
view_files_format_row(const struct msg_file *f, int unicode, char *buf,
    size_t len)
{
	char	size[32], pct[16], bar[FILE_BAR_WIDTH * 3 + 1];

	fmt_size(size, sizeof(size), f->size);
	/* An empty file is complete as soon as it exists. */
	if (f->size == 0) {
		view_format_percent(1, 1, pct, sizeof(pct));
		view_format_bar(1, 1, FILE_BAR_WIDTH, unicode, bar,
		    sizeof(bar));
	} else {
		view_format_percent(f->done, f->size, pct, sizeof(pct));
		view_format_bar(f->done, f->size, FILE_BAR_WIDTH, unicode, bar,
		    sizeof(bar));
	}
	snprintf(buf, len, "%9s %6s %s %-*s %s", size, pct, bar,
	    FILE_PRIO_WIDTH, view_files_prio_name(f->prio), f->path);
}

const char *
view_files_stream_mark(uint32_t streamed, size_t i, int unicode)
{
	if (streamed != i)
		return "  ";
	return unicode ? "\u25b6 " : "> ";
}

static void
draw_titles(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char	t[128];

	snprintf(t, sizeof(t), "  %9s %6s %-*s %-*s %s%s", "Size", "Done",
	    FILE_BAR_WIDTH, "Progress", FILE_PRIO_WIDTH, "Prio", "Path",
	    m->files_streamed ==
	    MSG_STREAM_ALL ? " (the whole torrent streams in order)" : "");
	view_fill(w, 0, 0, getmaxx(w), colors_attr(vs->mono, CLR_COLUMN));
	view_put(w, 0, 1, t, getmaxx(w) - 1, colors_attr(vs->mono, CLR_COLUMN));
}

void
view_files_draw(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char	row[MSG_PATH_MAX + 128], line[MSG_PATH_MAX + 136];
	int	y, i;
	attr_t	a;

	draw_titles(w, m, vs);
	if (m->nfiles == 0) {
		view_put(w, 2, 2, "waiting for the file list from the "
		    "engine...", getmaxx(w) - 3, colors_attr(vs->mono,
		    CLR_DIM));
		return;
	}
	for (y = 1, i = vs->file_top; y < getmaxy(w) && i < (int)m->nfiles;
	    y++, i++) {
		view_files_format_row(&m->files[i], vs->unicode, row,
		    sizeof(row));
		a = colors_attr(vs->mono, i == vs->file_row ? CLR_SELECTED :
		    m->files[i].prio == MSG_PRIO_SKIP ? CLR_DIM :
		    m->files[i].done >= m->files[i].size ? CLR_HAVE :
		    CLR_NORMAL);
		snprintf(line, sizeof(line), "%s%s", view_files_stream_mark(
		    m->files_streamed, (size_t)i, vs->unicode), row);
		if (i == vs->file_row)
			view_fill(w, y, 0, getmaxx(w), a);
		view_put(w, y, 1, line, getmaxx(w) - 1, a);
	}
	if (y < getmaxy(w) && m->files_total > m->nfiles) {
		snprintf(row, sizeof(row), "... and %zu more files not listed",
		    (size_t)(m->files_total - m->nfiles));
		view_put(w, y, 1, row, getmaxx(w) - 1, colors_attr(vs->mono,
		    CLR_DIM));
	}
}
