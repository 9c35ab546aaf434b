/*
 * The help screen (? or F1): every key of the action table with what it
 * does, grouped as the table groups them, then the peer flag letters and
 * the piece map legend.  Generated from action.c's tables, so a key that
 * works is a key that is listed.
 */
#include "view.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tui/action.h"

static const char *const flag_lines[] = {
	"  D  downloading: we want its pieces and it unchokes us",
	"  d  we want its pieces but it chokes us",
	"  K  it unchokes us but we want nothing from it",
	"  U  uploading: it wants our pieces and we unchoke it",
	"  u  it wants our pieces but we choke it",
	"  ?  we unchoke it but it wants nothing from us",
	"  O  our optimistic unchoke",
	"  S  snubbed: it has sent us nothing for a while",
	"  I  incoming: it connected to us",
	"  E  encrypted: RC4 after an MSE handshake (--encryption)",
	"  e  an MSE handshake, then plaintext",
	"  P  uTP: over UDP (BEP 29), not TCP",
	"  Done: its share of the torrent.  Reqs: ours to it / its to us.",
	"  Src: where its address came from: tracker, PEX, DHT, incoming,",
	"  manual (--peer, a magnet link's x.pe) or web seed.",
	"  #: the peer's number, as its detail (Enter) names it.",
};

/* The header's peer counts and the tables' marks. */
static const char *const screen_lines[] = {
	"  peers 7 connected (5 seeds), 9 known: known are the addresses",
	"  bttui may dial (trackers, DHT, PEX, --peer); a peer that dialled",
	"  us needs none, so when more are connected than known the header",
	"  counts those incoming.  The Peers tab counts the same list.",
	"  Columns that do not fit go, the least useful first; cut text",
	"  ends in an ellipsis.",
};

/* With the mouse on (not --no-mouse): what it does, and how to select
 * text now that clicks are bttui's. */
static const char *const mouse_lines[] = {
	"  click a tab: its view; a row: the cursor there (again, or a",
	"  double click: Enter; a Log line opens at once); a column title:",
	"  sort by it (again: the other way); a key in the bottom bar: that",
	"  key.  The wheel: 3 rows a notch.  --no-mouse turns it all off.",
	"  Shift+drag selects text in most terminals (Option+drag on macOS).",
};

/* A help line before wrapping: a key's names and its whole description
 * (each line made of it fits VIEW_HELP_LINE). */
#define VIEW_HELP_SRC	512

struct builder {
	struct view_help_line	*lines;
	size_t			 max, n;
	int			 width;		/* 0: no wrapping */
};

static void
add_one(struct builder *b, int heading, const char *text)
{
	size_t	n = strlen(text);

	if (b->n >= b->max)
		return;
	/* unwrapped (width 0), a long line is cut */
	if (n >= sizeof(b->lines[b->n].text))
		n = sizeof(b->lines[b->n].text) - 1;
	memcpy(b->lines[b->n].text, text, n);
	b->lines[b->n].text[n] = '\0';
	b->lines[b->n].heading = heading;
	b->n++;
}

/* Whether s fits a line of b: its width, and the bytes a line holds. */
static int
fits(const struct builder *b, const char *s)
{
	return view_text_width(s) <= b->width &&
	    strlen(s) < sizeof(b->lines[0].text);
}

/*
 * Adds text, wrapped at spaces to the builder's width (a line wider than
 * the screen would be cut); the lines after the first start with `hang'
 * blanks, under the text of the first (a key's description, say).  A word
 * longer than the room left is cut as before.
 */
static void
add_hang(struct builder *b, int heading, const char *text, int hang)
{
	char		 line[VIEW_HELP_SRC], part[VIEW_HELP_SRC];
	const char	*rest = text;
	size_t		 cut, sp, len;
	int		 first = 1;

	if (hang < 0 || hang > b->width / 2)
		hang = 0;
	if (*rest == '\0')
		add_one(b, heading, "");	/* a blank line */
	while (*rest != '\0') {
		snprintf(line, sizeof(line), "%*s%s", first ? 0 : hang, "",
		    rest);
		if (b->width <= 0 || fits(b, line)) {
			add_one(b, heading, line);
			return;
		}
		/* the last space at which the line fits */
		len = strlen(line);
		for (cut = 0, sp = (size_t)(first ? 0 : hang); sp < len; sp++) {
			if (line[sp] != ' ' || sp == 0 || line[sp - 1] == ' ')
				continue;
			memcpy(part, line, sp);
			part[sp] = '\0';
			if (!fits(b, part))
				break;
			cut = sp;
		}
		if (cut == 0) {			/* one long word: cut it */
			add_one(b, heading, line);
			return;
		}
		memcpy(part, line, cut);
		part[cut] = '\0';
		add_one(b, heading, part);
		rest += cut - (size_t)(first ? 0 : hang);
		rest += strspn(rest, " ");
		first = 0;
	}
}

static void
add(struct builder *b, int heading, const char *text)
{
	add_hang(b, heading, text, (int)strspn(text, " "));
}

/* "Up k", "Enter": the distinct names of the keys bound to info. */
static void
key_names(const struct action_info *info, char *buf, size_t len)
{
	const struct action_key	*k, *prev;
	size_t			 i, j, at = 0;
	int			 dup;

	buf[0] = '\0';
	for (i = 0; i < action_key_count() && at < len; i++) {
		k = action_key_at(i);
		if (k->id != info->id)
			continue;
		for (j = 0, dup = 0; j < i && !dup; j++) {
			prev = action_key_at(j);
			dup = prev->id == k->id && strcmp(prev->name,
			    k->name) == 0;
		}
		if (!dup)
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
			    at > 0 ? " " : "", k->name);
	}
}

static void
add_keys(struct builder *b)
{
	const struct action_info	*info;
	const char			*section = NULL;
	char				 names[64], line[VIEW_HELP_SRC];
	size_t				 i;

	for (i = 0; i < action_info_count(); i++) {
		info = action_info_at(i);
		if (section == NULL || strcmp(section, info->section) != 0) {
			section = info->section;
			add(b, 0, "");
			add(b, 1, section);
		}
		key_names(info, names, sizeof(names));
		snprintf(line, sizeof(line), "  %-20s %s", names, info->help);
		add_hang(b, 0, line, 23);	/* under the description */
	}
}

static void
add_legend(struct builder *b, int unicode)
{
	static const enum view_cell	order[] = {
		VIEW_CELL_HAVE, VIEW_CELL_PARTIAL, VIEW_CELL_DOWNLOADING,
		VIEW_CELL_REQUESTED, VIEW_CELL_MISSING, VIEW_CELL_UNAVAILABLE,
	};
	char				 glyph[MB_LEN_MAX + 1], line[96];
	mbstate_t			 st;
	size_t				 i, k;

	add(b, 0, "");
	add(b, 1, "Piece map (a cell is one piece, or a group of them)");
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		memset(&st, 0, sizeof(st));
		k = wcrtomb(glyph, view_cell_glyph(order[i], 4, unicode)[0],
		    &st);
		glyph[k == (size_t)-1 ? 0 : k] = '\0';
		snprintf(line, sizeof(line), "  %s  %s%s", glyph,
		    view_cell_name(order[i]),
		    order[i] == VIEW_CELL_UNAVAILABLE ?
		    " (missing, and no connected peer has it)" :
		    order[i] == VIEW_CELL_PARTIAL ?
		    " (the height: how much)" : "");
		add(b, 0, line);
	}
}

static size_t
build(struct view_help_line *lines, size_t max, int unicode, int mouse,
    int width)
{
	struct builder	b = { lines, max, 0, width };
	char		line[VIEW_HELP_LINE];
	size_t		i;

	add(&b, 1, "bttui keys   (arrows scroll, any other key closes)");
	add_keys(&b);
	if (mouse) {
		add(&b, 0, "");
		add(&b, 1, "Mouse");
		for (i = 0; i < sizeof(mouse_lines) / sizeof(mouse_lines[0]);
		    i++)
			add(&b, 0, mouse_lines[i]);
	}
	add(&b, 0, "");
	add(&b, 1, "Peer flags (Peers view, as in uTorrent)");
	for (i = 0; i < sizeof(flag_lines) / sizeof(flag_lines[0]); i++)
		add(&b, 0, flag_lines[i]);
	add(&b, 0, "");
	add(&b, 1, "Header and tables");
	snprintf(line, sizeof(line), "  Sort arrows: %s ascending (A to Z, "
	    "smallest first), %s descending", view_sort_arrow(0, 0, unicode),
	    view_sort_arrow(1, 0, unicode));
	add(&b, 0, line);
	for (i = 0; i < sizeof(screen_lines) / sizeof(screen_lines[0]); i++)
		add(&b, 0, screen_lines[i]);
	add_legend(&b, unicode);
	add(&b, 0, "");
	add(&b, 1, "Engine health (header, last line)");
	add(&b, 0, "  The heartbeat turns yellow when over 1.5 s late; the "
	    "watchdog restarts a");
	add(&b, 0, "  silent engine after its timeout, and gives up after 5 "
	    "restarts in 60 s.");
	return b.n;
}

size_t
view_help_build(struct view_help_line *lines, size_t max, int unicode)
{
	return build(lines, max, unicode, 0, 0);
}

size_t
view_help_lines(struct view_help_line *lines, size_t max,
    const struct view_state *vs)
{
	/* wrapped to the body, less view_help_draw's margins, and to what
	 * a line holds */
	return build(lines, max, vs->unicode, vs->mouse,
	    vs->cols - 2 < VIEW_HELP_LINE - 1 ? vs->cols - 2 :
	    VIEW_HELP_LINE - 1);
}

void
view_help_draw(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	struct view_help_line	lines[VIEW_HELP_MAX];
	size_t			n, i;
	int			y;

	(void)m;
	n = view_help_lines(lines, VIEW_HELP_MAX, vs);
	for (y = 0, i = vs->help_top > 0 ? (size_t)vs->help_top : 0;
	    y < getmaxy(w) && i < n; y++, i++)
		view_put(w, y, 1, lines[i].text, getmaxx(w) - 2,
		    colors_attr(vs->mono, lines[i].heading ? CLR_HEADER :
		    CLR_NORMAL));
}
