/*
 * Helpers every view shares: percentages and bars (sizes, rates and
 * durations come from src/ipc/fmt), the map cell glyphs, and the one
 * function that puts outside text on screen (view_put), which escapes
 * control bytes and never writes past the window's edge.
 */
#include "view.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

int
view_too_small(int cols, int rows)
{
	return cols < VIEW_MIN_COLS || rows < VIEW_MIN_ROWS;
}

void
view_format_too_small(char *buf, size_t len)
{
	snprintf(buf, len, "terminal too small (need %dx%d)", VIEW_MIN_COLS,
	    VIEW_MIN_ROWS);
}

/* floor(done * k / total), at most k; 0 when total is 0. */
static uint64_t
scale(uint64_t done, uint64_t total, uint64_t k)
{
	if (total == 0)
		return 0;
	if (done >= total)
		return k;
	return (uint64_t)((unsigned __int128)done * k / total);
}

void
view_format_percent(uint64_t done, uint64_t total, char *buf, size_t len)
{
	uint64_t	tenths = scale(done, total, 1000);

	snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%%", tenths / 10,
	    tenths % 10);
}

int
view_format_bar(uint64_t done, uint64_t total, int width, int unicode,
    char *buf, size_t len)
{
	/* U+2588 full block, U+2591 light shade */
	const char	*full = unicode ? "\xe2\x96\x88" : "#";
	const char	*empty = unicode ? "\xe2\x96\x91" : ".";
	size_t		 at = 0, n;
	int		 filled, i;

	if (len == 0)
		return 0;
	if (width < 0)
		width = 0;
	filled = (int)scale(done, total, (uint64_t)width);
	for (i = 0; i < width; i++) {
		n = strlen(i < filled ? full : empty);
		if (at + n >= len)
			break;
		memcpy(buf + at, i < filled ? full : empty, n);
		at += n;
	}
	buf[at] = '\0';
	return filled;
}

const wchar_t *
view_cell_glyph(enum view_cell c, unsigned eighths, int unicode)
{
	static const wchar_t *const	utf8[VIEW_CELL_COUNT] = {
		[VIEW_CELL_MISSING] = L"\u2591",	/* light shade */
		[VIEW_CELL_UNAVAILABLE] = L"\u00b7",	/* middle dot */
		[VIEW_CELL_PARTIAL] = L"\u2584",
		[VIEW_CELL_REQUESTED] = L"\u2592",
		[VIEW_CELL_DOWNLOADING] = L"\u2593",
		[VIEW_CELL_HAVE] = L"\u2588",
	};
	static const wchar_t *const	ascii[VIEW_CELL_COUNT] = {
		[VIEW_CELL_MISSING] = L".", [VIEW_CELL_UNAVAILABLE] = L"x",
		[VIEW_CELL_PARTIAL] = L":", [VIEW_CELL_REQUESTED] = L"-",
		[VIEW_CELL_DOWNLOADING] = L"+", [VIEW_CELL_HAVE] = L"#",
	};
	/* lower one eighth .. lower seven eighths block */
	static const wchar_t *const	heights[7] = {
		L"\u2581", L"\u2582", L"\u2583", L"\u2584", L"\u2585",
		L"\u2586", L"\u2587",
	};

	if ((unsigned)c >= VIEW_CELL_COUNT)
		c = VIEW_CELL_MISSING;
	if (!unicode)
		return ascii[c];
	if (c == VIEW_CELL_PARTIAL && eighths >= 1 && eighths <= 7)
		return heights[eighths - 1];
	return utf8[c];
}

enum clr
view_cell_color(enum view_cell c)
{
	static const enum clr	colors[VIEW_CELL_COUNT] = {
		[VIEW_CELL_MISSING] = CLR_MISSING,
		[VIEW_CELL_UNAVAILABLE] = CLR_UNAVAILABLE,
		[VIEW_CELL_PARTIAL] = CLR_PARTIAL,
		[VIEW_CELL_REQUESTED] = CLR_REQUESTED,
		[VIEW_CELL_DOWNLOADING] = CLR_DOWNLOADING,
		[VIEW_CELL_HAVE] = CLR_HAVE,
	};

	return (unsigned)c < VIEW_CELL_COUNT ? colors[c] : CLR_MISSING;
}

const char *
view_cell_name(enum view_cell c)
{
	static const char *const	names[VIEW_CELL_COUNT] = {
		[VIEW_CELL_MISSING] = "missing",
		[VIEW_CELL_UNAVAILABLE] = "unavailable",
		[VIEW_CELL_PARTIAL] = "partly have",
		[VIEW_CELL_REQUESTED] = "requested",
		[VIEW_CELL_DOWNLOADING] = "downloading",
		[VIEW_CELL_HAVE] = "have",
	};

	return (unsigned)c < VIEW_CELL_COUNT ? names[c] : "?";
}

enum view_cell
view_piece_cell(uint8_t piece_state)
{
	switch (piece_state) {
	case MSG_PIECE_REQUESTED:
		return VIEW_CELL_REQUESTED;
	case MSG_PIECE_DOWNLOADING:
		return VIEW_CELL_DOWNLOADING;
	case MSG_PIECE_HAVE:
		return VIEW_CELL_HAVE;
	case MSG_PIECE_UNAVAILABLE:
		return VIEW_CELL_UNAVAILABLE;
	}
	return VIEW_CELL_MISSING;
}

/* setcchar takes the pair apart from the other attributes. */
static void
make_cchar(cchar_t *cc, const wchar_t *s, attr_t attr)
{
	setcchar(cc, s, attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
}

/* The next character of s as a printable wide character and its width;
 * returns the bytes it took (1 for a bad sequence), 0 at the end. */
static size_t
next_char(const char *s, size_t left, mbstate_t *st, wchar_t *wc_out,
    int *width_out)
{
	size_t	n;

	if (left == 0 || (n = mbrtowc(wc_out, s, left, st)) == 0)
		return 0;
	if (n == (size_t)-1 || n == (size_t)-2) {
		memset(st, 0, sizeof(*st));
		*wc_out = L'?';
		n = 1;
	}
	if (!iswprint((wint_t)*wc_out) || wcwidth(*wc_out) < 0)
		*wc_out = L'?';
	*width_out = wcwidth(*wc_out);
	return n;
}

void
view_fit(const char *s, int width, int right, char *out, size_t len)
{
	mbstate_t	in, os;
	wchar_t		wc;
	char		mb[MB_LEN_MAX];
	size_t		left = strlen(s), at = 0, n, k, pad;
	int		used = 0, cw = 0;

	if (len == 0)
		return;
	memset(&in, 0, sizeof(in));
	memset(&os, 0, sizeof(os));
	while (used < width && (n = next_char(s, left, &in, &wc, &cw)) > 0) {
		s += n;
		left -= n;
		if (cw == 0)
			continue;
		if (used + cw > width)
			break;
		if ((k = wcrtomb(mb, wc, &os)) == (size_t)-1) {
			mb[0] = '?';
			k = 1;
		}
		if (at + k >= len)
			break;
		memcpy(out + at, mb, k);
		at += k;
		used += cw;
	}
	pad = width > used ? (size_t)(width - used) : 0;
	if (at + pad >= len)
		pad = len - 1 - at;
	if (right) {
		memmove(out + pad, out, at);
		memset(out, ' ', pad);
	} else
		memset(out + at, ' ', pad);
	out[at + pad] = '\0';
}

int
view_put(WINDOW *w, int y, int x, const char *s, int maxcols, attr_t attr)
{
	mbstate_t	st;
	wchar_t		wc[2] = { 0, 0 };
	cchar_t		cc;
	size_t		left = strlen(s), n;
	int		used = 0, cw = 0;

	if (x < 0 || y < 0 || y >= getmaxy(w))
		return 0;
	if (maxcols > getmaxx(w) - x)
		maxcols = getmaxx(w) - x;
	memset(&st, 0, sizeof(st));
	wmove(w, y, x);
	while (used < maxcols && (n = next_char(s, left, &st, &wc[0],
	    &cw)) > 0) {
		s += n;
		left -= n;
		if (cw == 0)		/* combining marks: dropped */
			continue;
		if (used + cw > maxcols)
			break;
		make_cchar(&cc, wc, attr);
		wadd_wch(w, &cc);
		used += cw;
	}
	return used;
}

void
view_fill(WINDOW *w, int y, int x, int n, attr_t attr)
{
	cchar_t	cc;
	int	i;

	if (x < 0 || y < 0 || y >= getmaxy(w))
		return;
	if (n > getmaxx(w) - x)
		n = getmaxx(w) - x;
	make_cchar(&cc, L" ", attr);
	for (i = 0; i < n; i++)
		mvwadd_wch(w, y, x + i, &cc);
}

void
view_put_cell(WINDOW *w, int y, int x, enum view_cell c, unsigned eighths,
    const struct view_state *vs, int cursor)
{
	cchar_t	cc;
	attr_t	attr = colors_attr(vs->mono, view_cell_color(c));

	/* A reversed shade glyph looks like any other cell: the cursor gets
	 * a colour of its own (and reverse video in monochrome). */
	if (cursor)
		attr = vs->mono ? attr | A_REVERSE :
		    colors_attr(vs->mono, CLR_CURSOR);
	/* In colour the cursor is a solid cell of its own colour, whatever
	 * the state's glyph. */
	make_cchar(&cc, cursor && !vs->mono ? L" " :
	    view_cell_glyph(c, eighths, vs->unicode), attr);
	mvwadd_wch(w, y, x, &cc);
}

#define SORT_MAX	(MODEL_MAX_PEERS + MODEL_MAX_TORRENTS)

/* Bottom-up merge sort of order[0..n) through tmp: stable, O(n log n). */
void
view_sort_order(uint32_t *order, size_t n,
    int (*cmp)(const void *arg, uint32_t i, uint32_t j), const void *arg)
{
	uint32_t	tmp[SORT_MAX];
	size_t		width, lo, mid, hi, i, j, k;

	if (n > SORT_MAX)
		n = SORT_MAX;
	for (i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			mid = lo + width < n ? lo + width : n;
			hi = lo + 2 * width < n ? lo + 2 * width : n;
			for (i = lo, j = mid, k = lo; k < hi; k++) {
				if (j >= hi || (i < mid &&
				    cmp(arg, order[i], order[j]) <= 0))
					tmp[k] = order[i++];
				else
					tmp[k] = order[j++];
			}
		}
		memcpy(order, tmp, n * sizeof(*order));
	}
}

void
view_titles_draw(WINDOW *w, const struct view_state *vs,
    const struct view_column *cols, const int *widths, int n, int sort,
    int invert)
{
	char	t[64], fit[64];
	int	c, x = 1;
	enum clr k;

	view_fill(w, 0, 0, getmaxx(w), colors_attr(vs->mono, CLR_COLUMN));
	for (c = 0; c < n; c++) {
		k = c == sort ? CLR_COLUMN_SORT : CLR_COLUMN;
		snprintf(t, sizeof(t), "%s%s", cols[c].title, c != sort ? "" :
		    vs->unicode ? (invert ? "\xe2\x96\xb2" : "\xe2\x96\xbc") :
		    (invert ? "^" : "v"));
		view_fit(t, widths[c] < 63 ? widths[c] : 63, cols[c].right,
		    fit, sizeof(fit));
		view_put(w, 0, x, fit, widths[c], colors_attr(vs->mono, k));
		x += widths[c] + 1;
	}
}
