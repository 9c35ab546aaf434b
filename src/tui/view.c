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
view_format_too_small_fit(int cols, int rows, char *buf, size_t len)
{
	char	t[5][64];
	int	i;

	if (len == 0)
		return;
	/* longest first: the first that fits cols is the one shown */
	snprintf(t[0], sizeof(t[0]), "terminal too small: %dx%d, need %dx%d",
	    cols, rows, VIEW_MIN_COLS, VIEW_MIN_ROWS);
	snprintf(t[1], sizeof(t[1]), "terminal too small (need %dx%d)",
	    VIEW_MIN_COLS, VIEW_MIN_ROWS);
	snprintf(t[2], sizeof(t[2]), "too small: %dx%d", VIEW_MIN_COLS,
	    VIEW_MIN_ROWS);
	snprintf(t[3], sizeof(t[3]), "need %dx%d", VIEW_MIN_COLS,
	    VIEW_MIN_ROWS);
	snprintf(t[4], sizeof(t[4]), "%dx%d", VIEW_MIN_COLS, VIEW_MIN_ROWS);
	for (i = 0; i < 4 && (int)strlen(t[i]) > cols; i++)
		;
	snprintf(buf, len, "%.*s", cols > 0 ? cols : 0, t[i]);
}

void
view_format_too_small(char *buf, size_t len)
{
	int	cols = INT_MAX, rows = 0;

	/* The app calls this on a screen that is too small: fit that one. */
	if (stdscr != NULL)
		getmaxyx(stdscr, rows, cols);
	if (cols == INT_MAX)
		snprintf(buf, len, "terminal too small (need %dx%d)",
		    VIEW_MIN_COLS, VIEW_MIN_ROWS);
	else
		view_format_too_small_fit(cols, rows, buf, len);
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

/* Invisible characters that only steer a terminal (bidi overrides, zero
 * width spaces, the BOM): dropped, so a name cannot reorder the screen. */
static int
steering(wchar_t wc)
{
	return (wc >= 0x200b && wc <= 0x200f) || (wc >= 0x202a &&
	    wc <= 0x202e) || (wc >= 0x2060 && wc <= 0x206f) || wc == 0xfeff ||
	    wc == 0x061c;
}

/* The next character of s as a printable wide character and its width
 * (0: a combining mark, -1: one to drop); returns the bytes it took (1 for
 * a bad sequence), 0 at the end. */
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
	*width_out = steering(*wc_out) ? -1 : wcwidth(*wc_out);
	return n;
}

/* What one cell (or two) shows: a spacing character and the combining
 * marks after it, as setcchar takes them. */
struct glyph {
	wchar_t	wc[CCHARW_MAX + 1];	/* NUL-terminated */
	int	width;			/* 1 or 2; 0: nothing (the end) */
};

/* The next glyph of s; a mark with no character before it sits on a
 * blank, marks past CCHARW_MAX - 1 are dropped.  Returns the bytes it
 * took, 0 at the end. */
static size_t
next_glyph(const char *s, size_t left, mbstate_t *st, struct glyph *g)
{
	mbstate_t	peek;
	wchar_t		wc;
	size_t		at = 0, n, k = 0;
	int		cw = 0;

	memset(g, 0, sizeof(*g));
	while (k == 0 && (n = next_char(s + at, left - at, st, &wc,
	    &cw)) > 0) {
		at += n;
		if (cw == 0)
			g->wc[k++] = L' ';
		if (cw >= 0) {
			g->wc[k++] = wc;
			g->width = cw > 0 ? cw : 1;
		}
	}
	while (k > 0) {
		peek = *st;
		if ((n = next_char(s + at, left - at, &peek, &wc, &cw)) == 0 ||
		    cw > 0)
			break;
		*st = peek;
		at += n;
		if (cw == 0 && k < CCHARW_MAX)
			g->wc[k++] = wc;
	}
	return at;
}

int
view_text_width(const char *s)
{
	mbstate_t	st;
	struct glyph	g;
	size_t		left = strlen(s), n;
	int		used = 0, w = 0;

	memset(&st, 0, sizeof(st));
	while ((n = next_glyph(s, left, &st, &g)) > 0) {
		s += n;
		left -= n;
		used += g.width;
		if (g.width > 0 && !(g.wc[0] == L' ' && g.wc[1] == L'\0'))
			w = used;	/* trailing blanks do not count */
	}
	return w;
}

/* The mark of cut text: U+2026 where the locale shows it, else '~' (as
 * Midnight Commander cuts names). */
static wchar_t
ellipsis(void)
{
	return wcwidth(0x2026) == 1 ? (wchar_t)0x2026 : L'~';
}

/* Appends the glyph's bytes to out[*at..len); 0 when they do not fit. */
static int
append_glyph(const struct glyph *g, char *out, size_t len, size_t *at)
{
	mbstate_t	st;
	char		mb[CCHARW_MAX * MB_LEN_MAX];
	size_t		k, n = 0, i;

	memset(&st, 0, sizeof(st));
	for (i = 0; g->wc[i] != L'\0'; i++) {
		if ((k = wcrtomb(mb + n, g->wc[i], &st)) == (size_t)-1) {
			mb[n] = '?';
			k = 1;
		}
		n += k;
	}
	if (*at + n >= len)
		return 0;
	memcpy(out + *at, mb, n);
	*at += n;
	return 1;
}

void
view_fit(const char *s, int width, int right, char *out, size_t len)
{
	mbstate_t	in;
	struct glyph	g;
	size_t		left = strlen(s), at = 0, n, pad;
	int		used = 0, limit = width, cut;

	if (len == 0)
		return;
	cut = width > 0 && view_text_width(s) > width;
	if (cut)
		limit = width - 1;
	memset(&in, 0, sizeof(in));
	while (used < limit && (n = next_glyph(s, left, &in, &g)) > 0) {
		s += n;
		left -= n;
		if (g.width == 0)
			continue;
		if (used + g.width > limit ||
		    !append_glyph(&g, out, len, &at))
			break;
		used += g.width;
	}
	if (cut) {
		memset(&g, 0, sizeof(g));
		for (; used < limit && at + 1 < len; used++)
			out[at++] = ' ';	/* a wide one did not fit */
		g.wc[0] = ellipsis();
		g.width = 1;
		if (append_glyph(&g, out, len, &at))
			used++;
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

const char *
view_wrap(const char *s, int width, char *out, size_t len)
{
	mbstate_t	st;
	struct glyph	g;
	size_t		left = strlen(s), at = 0, n, brk = 0, brk2 = 0, run = 0;
	int		used = 0;

	memset(&st, 0, sizeof(st));
	while ((n = next_glyph(s + at, left - at, &st, &g)) > 0) {
		if (g.width > 0 && used + g.width > width && at > 0)
			break;
		if (g.wc[0] == L' ' && g.wc[1] == L'\0') {
			if (run++ == 0)
				brk = at;	/* the line may end here */
			if (run == 2)
				brk2 = brk;	/* between fields: better */
		} else
			run = 0;
		at += n;
		used += g.width;
	}
	if (n == 0)
		brk = at;			/* the rest fits */
	else if (brk2 > 0)
		brk = brk2;
	else if (brk == 0)
		brk = at;			/* a word longer than a line */
	if (len > 0)
		snprintf(out, len, "%.*s", (int)(brk < len ? brk : len - 1), s);
	while (s[brk] == ' ')
		brk++;
	return s + brk;
}

/* Places s from (y, x) in at most maxcols columns; with mark, cut text
 * ends in the ellipsis. */
static int
put_text(WINDOW *w, int y, int x, const char *s, int maxcols, attr_t attr,
    int mark)
{
	mbstate_t	st;
	struct glyph	g;
	cchar_t		cc;
	size_t		left = strlen(s), n;
	int		used = 0, limit, cut;

	if (x < 0 || y < 0 || y >= getmaxy(w))
		return 0;
	if (maxcols > getmaxx(w) - x)
		maxcols = getmaxx(w) - x;
	if (maxcols <= 0)
		return 0;
	cut = mark && view_text_width(s) > maxcols;
	limit = cut ? maxcols - 1 : maxcols;
	memset(&st, 0, sizeof(st));
	wmove(w, y, x);
	while (used < limit && (n = next_glyph(s, left, &st, &g)) > 0) {
		s += n;
		left -= n;
		if (g.width == 0)
			continue;
		if (used + g.width > limit)
			break;
		make_cchar(&cc, g.wc, attr);
		wadd_wch(w, &cc);
		used += g.width;
	}
	if (cut) {
		memset(&g, 0, sizeof(g));
		g.wc[0] = L' ';
		make_cchar(&cc, g.wc, attr);
		for (; used < limit; used++)
			wadd_wch(w, &cc);
		g.wc[0] = ellipsis();
		make_cchar(&cc, g.wc, attr);
		wadd_wch(w, &cc);
		used++;
	}
	return used;
}

int
view_put(WINDOW *w, int y, int x, const char *s, int maxcols, attr_t attr)
{
	return put_text(w, y, x, s, maxcols, attr, 1);
}

int
view_put_clip(WINDOW *w, int y, int x, const char *s, int maxcols,
    attr_t attr)
{
	return put_text(w, y, x, s, maxcols, attr, 0);
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
view_layout(const struct view_layout_col *c, int n, int avail, int keep,
    int *width_out)
{
	int	i, worst, total = -1, extra, add, rank, last = 0, shown = n;

	for (i = 0; i < n; i++) {
		width_out[i] = c[i].min;
		total += c[i].min + 1;
		last = c[i].rank > last ? c[i].rank : last;
	}
	while (total > avail && shown-- > 1) {
		for (i = 0, worst = -1; i < n; i++)
			if (width_out[i] > 0 && i != keep && (worst < 0 ||
			    c[i].rank >= c[worst].rank))
				worst = i;
		if (worst < 0)
			break;		/* only the kept one left: cut */
		total -= width_out[worst] + 1;
		width_out[worst] = 0;
	}
	extra = avail - total;
	for (rank = 0; rank <= last && extra > 0; rank++)
		for (i = 0; i < n && extra > 0; i++) {
			if (width_out[i] == 0 || c[i].rank != rank ||
			    c[i].want <= width_out[i])
				continue;
			add = c[i].want - width_out[i];
			add = add < extra ? add : extra;
			width_out[i] += add;
			extra -= add;
		}
}

const char *
view_sort_arrow(int desc, int invert, int unicode)
{
	if (desc != invert)
		return unicode ? "\xe2\x96\xbc" : "v";	/* U+25BC */
	return unicode ? "\xe2\x96\xb2" : "^";		/* U+25B2 */
}

void
view_hit_add(const struct view_state *vs, WINDOW *w, int y, int x,
    int width, enum view_hit_kind kind, int arg)
{
	struct view_hit	*h;

	if (vs->hits == NULL || vs->hits->n >= VIEW_HITS_MAX || y < 0 ||
	    y >= getmaxy(w) || x < 0 || x >= getmaxx(w) || width <= 0)
		return;
	if (width > getmaxx(w) - x)
		width = getmaxx(w) - x;
	h = &vs->hits->hit[vs->hits->n++];
	h->y = getbegy(w) + y;
	h->x = getbegx(w) + x;
	h->width = width;
	h->kind = (int)kind;
	h->arg = arg;
}

void
view_titles_draw(WINDOW *w, const struct view_state *vs,
    const struct view_column *cols, const int *widths, int n, int sort,
    int invert)
{
	view_titles_draw_at(w, 0, vs, cols, widths, n, sort, invert);
}

void
view_titles_draw_at(WINDOW *w, int y, const struct view_state *vs,
    const struct view_column *cols, const int *widths, int n, int sort,
    int invert)
{
	char	t[64], fit[256];
	int	c, x = 1, tw;
	enum clr k;

	view_fill(w, y, 0, getmaxx(w), colors_attr(vs->mono, CLR_COLUMN));
	for (c = 0; c < n; c++) {
		if (widths[c] <= 0)
			continue;	/* no room for it */
		k = c == sort ? CLR_COLUMN_SORT : CLR_COLUMN;
		snprintf(t, sizeof(t), "%s%s", cols[c].title, c != sort ? "" :
		    view_sort_arrow(cols[c].desc, invert, vs->unicode));
		tw = widths[c] < 63 ? widths[c] : 63;
		/* the arrow is what says the column sorts: the title gives
		 * way to it in a narrow column */
		if (c == sort && view_text_width(t) > tw && tw >= 2)
			snprintf(t, sizeof(t), "%.*s%s", tw - 1, cols[c].title,
			    view_sort_arrow(cols[c].desc, invert, vs->unicode));
		view_fit(t, tw, cols[c].right, fit, sizeof(fit));
		view_put(w, y, x, fit, widths[c], colors_attr(vs->mono, k));
		if (sort >= 0)		/* the blank after it too */
			view_hit_add(vs, w, y, x, widths[c] + 1,
			    VIEW_HIT_COLUMN, c);
		x += widths[c] + 1;
	}
}
