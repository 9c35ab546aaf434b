/*
 * View 3, Files: the torrent's files as a tree (src/tui/filetree), a line
 * of totals, then one row per visible file or directory with its number,
 * size, wanted bytes, done share, a bar and the priority; skipped rows
 * dimmed, a cursor row to scroll long lists.  The file the engine streams
 * (downloads in order) is marked in a gutter.  Only draws: the tree is
 * vs->files, synced by action_sync.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/fmt.h"

#define FILE_NUM_WIDTH	5	/* MODEL_MAX_FILES is 16384 */
#define FILE_BAR_WIDTH	12
#define FILE_PRIO_WIDTH	6
#define FILE_INDENT_MAX	16	/* deeper levels indent no further */

const char *
view_files_prio_name(uint8_t prio)
{
	static const char *const	names[] = { "skip", "low", "normal",
	    "high" };

	if (prio == FILETREE_PRIO_MIXED)
		return "mixed";
	return prio <= MSG_PRIO_HIGH ? names[prio] : "?";
}

/* The fold mark of a directory, or the blank a file has instead. */
static const char *
fold_mark(const struct filetree_row *r, int unicode)
{
	if (!r->dir)
		return "  ";
	if (unicode)	/* U+25B8 small right, U+25BE small down triangle */
		return r->folded ? "\xe2\x96\xb8 " : "\xe2\x96\xbe ";
	return r->folded ? "+ " : "- ";
}

void
view_files_format_row(const struct filetree_row *r, int unicode, char *buf,
    size_t len)
{
	char		num[16], size[FMT_MAX], wanted[FMT_MAX], pct[16];
	char		bar[FILE_BAR_WIDTH * 3 + 1];
	unsigned	depth = r->depth < FILE_INDENT_MAX ? r->depth :
			    FILE_INDENT_MAX;

	if (r->dir)
		num[0] = '\0';
	else
		snprintf(num, sizeof(num), "%" PRIu64, (uint64_t)r->file + 1);
	fmt_size(size, sizeof(size), r->size);
	if (r->wanted == 0 && r->size > 0)
		snprintf(wanted, sizeof(wanted), "-");
	else
		fmt_size(wanted, sizeof(wanted), r->wanted);
	/* Empty files are complete as soon as they exist. */
	if (r->size == 0) {
		view_format_percent(1, 1, pct, sizeof(pct));
		view_format_bar(1, 1, FILE_BAR_WIDTH, unicode, bar,
		    sizeof(bar));
	} else {
		view_format_percent(r->done, r->size, pct, sizeof(pct));
		view_format_bar(r->done, r->size, FILE_BAR_WIDTH, unicode, bar,
		    sizeof(bar));
	}
	snprintf(buf, len, "%*s %*s %*s %6s %s %-*s %*s%s%s%s",
	    FILE_NUM_WIDTH, num, FMT_SIZE_COLS, size, FMT_SIZE_COLS, wanted,
	    pct, bar, FILE_PRIO_WIDTH, view_files_prio_name(r->prio),
	    (int)(2 * depth), "", fold_mark(r, unicode), r->name,
	    r->dir ? "/" : "");
}

void
view_files_format_totals(const struct filetree_row *tot,
    uint32_t files_total, char *buf, size_t len)
{
	char	wanted[FMT_MAX], size[FMT_MAX], done[FMT_MAX];

	fmt_size(wanted, sizeof(wanted), tot->wanted);
	fmt_size(size, sizeof(size), tot->size);
	fmt_size(done, sizeof(done), tot->done);
	if (files_total > tot->nfiles)
		snprintf(buf, len, "%" PRIu32 " of %" PRIu32 " files listed: "
		    "%s wanted of %s, %s done (of those listed)", tot->nfiles,
		    files_total, wanted, size, done);
	else
		snprintf(buf, len, "%" PRIu32 " file%s, %s wanted of %s, %s "
		    "done", tot->nfiles, tot->nfiles == 1 ? "" : "s", wanted,
		    size, done);
}

const char *
view_files_stream_mark(uint32_t streamed, size_t i, int unicode)
{
	if (streamed != i)
		return "  ";
	return unicode ? "\u25b6 " : "> ";
}

/* The totals line and the column titles. */
static void
draw_top(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	struct filetree_row	tot;
	char			t[256];

	filetree_totals(&vs->files, &tot);
	view_files_format_totals(&tot, m->files_total, t, sizeof(t));
	if (m->files_streamed == MSG_STREAM_ALL)
		snprintf(t + strlen(t), sizeof(t) - strlen(t), "; the whole "
		    "torrent streams in order");
	view_put(w, 0, 1, t, getmaxx(w) - 2, colors_attr(vs->mono,
	    CLR_HEADER));
	snprintf(t, sizeof(t), "  %*s %*s %*s %6s %-*s %-*s %s",
	    FILE_NUM_WIDTH, "#", FMT_SIZE_COLS, "Size", FMT_SIZE_COLS,
	    "Wanted", "Done", FILE_BAR_WIDTH, "Progress", FILE_PRIO_WIDTH,
	    "Prio", "Path");
	view_fill(w, 1, 0, getmaxx(w), colors_attr(vs->mono, CLR_COLUMN));
	view_put(w, 1, 1, t, getmaxx(w) - 1, colors_attr(vs->mono,
	    CLR_COLUMN));
}

static attr_t
row_attr(const struct filetree_row *r, int selected, int mono)
{
	if (selected)
		return colors_attr(mono, CLR_SELECTED);
	if (r->prio == MSG_PRIO_SKIP)
		return colors_attr(mono, CLR_DIM);
	return colors_attr(mono, r->done >= r->size ? CLR_HAVE : CLR_NORMAL);
}

void
view_files_draw(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	struct filetree_row	r;
	char			row[MSG_PATH_MAX + 192], line[MSG_PATH_MAX + 200];
	size_t			i, n = filetree_nrows(&vs->files);
	int			y;
	attr_t			a;

	if (m->nfiles == 0 || n == 0) {
		view_put(w, 1, 2, m->nfiles == 0 ? "waiting for the file list "
		    "from the engine..." : "cannot show the files: out of "
		    "memory", getmaxx(w) - 3, colors_attr(vs->mono, CLR_DIM));
		return;
	}
	draw_top(w, m, vs);
	y = VIEW_FILES_TOP_ROWS;
	for (i = vs->file_top > 0 ? (size_t)vs->file_top : 0;
	    y < getmaxy(w) && filetree_row(&vs->files, i, &r) == BT_OK;
	    y++, i++) {
		view_files_format_row(&r, vs->unicode, row, sizeof(row));
		a = row_attr(&r, (int)i == vs->file_row, vs->mono);
		snprintf(line, sizeof(line), "%s%s", r.dir ? "  " :
		    view_files_stream_mark(m->files_streamed, r.file,
		    vs->unicode), row);
		if ((int)i == vs->file_row)
			view_fill(w, y, 0, getmaxx(w), a);
		view_put(w, y, 1, line, getmaxx(w) - 1, a);
		view_hit_add(vs, w, y, 0, getmaxx(w), VIEW_HIT_ROW, (int)i);
	}
	if (y < getmaxy(w) && m->files_total > m->nfiles) {
		snprintf(row, sizeof(row), "... and %zu more files not listed",
		    (size_t)(m->files_total - m->nfiles));
		view_put(w, y, 1, row, getmaxx(w) - 1, colors_attr(vs->mono,
		    CLR_DIM));
	}
}
