/*
 * View 2, Peers: one row per connected peer in the order the user sorts
 * by (htop's column sort), a cursor row, and the detail of one peer: its
 * bitfield as a small map, totals, and the requests both ways.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ipc/fmt.h"

static const struct view_column columns[VIEW_PCOL_COUNT] = {
	[VIEW_PCOL_ADDR] = { "Address", 21, 0 },
	[VIEW_PCOL_CLIENT] = { "Client", 18, 0 },
	[VIEW_PCOL_FLAGS] = { "Flags", 7, 0 },
	[VIEW_PCOL_PROGRESS] = { "Done", 6, 1 },
	[VIEW_PCOL_DOWN] = { "Down", 10, 1 },
	[VIEW_PCOL_UP] = { "Up", 10, 1 },
	[VIEW_PCOL_REQS] = { "Reqs", 7, 1 },
	/* last: a 100-column terminal shows it, a narrower one loses the
	 * least useful column */
	[VIEW_PCOL_SRC] = { "Src", 8, 0 },
};

const char *
view_peers_col_title(enum view_peer_col c)
{
	return (unsigned)c < VIEW_PCOL_COUNT ? columns[c].title : "?";
}

int
view_peers_col_width(enum view_peer_col c)
{
	return (unsigned)c < VIEW_PCOL_COUNT ? columns[c].width : 0;
}

int
view_peers_col_x(enum view_peer_col c)
{
	int	x = 0, i;

	for (i = 0; i < (int)c && i < VIEW_PCOL_COUNT; i++)
		x += columns[i].width + 1;
	return x;
}

void
view_peers_flags(uint8_t f, uint8_t t, char *buf, size_t len)
{
	char	d = ' ', u = ' ', e = ' ';

	if (f & MSG_PEER_AM_INTERESTED)
		d = (f & MSG_PEER_CHOKING) ? 'd' : 'D';
	else if (!(f & MSG_PEER_CHOKING))
		d = 'K';
	if (f & MSG_PEER_INTERESTED)
		u = (f & MSG_PEER_AM_CHOKING) ? 'u' : 'U';
	else if (!(f & MSG_PEER_AM_CHOKING))
		u = '?';
	if (t & MSG_PEER_T_RC4)
		e = 'E';
	else if (t & MSG_PEER_T_MSE)
		e = 'e';
	snprintf(buf, len, "%c%c%c%c%c%c%c", d, u,
	    (f & MSG_PEER_OPTIMISTIC) ? 'O' : ' ',
	    (f & MSG_PEER_SNUBBED) ? 'S' : ' ',
	    (f & MSG_PEER_OUTGOING) ? ' ' : 'I', e,
	    (t & MSG_PEER_T_UTP) ? 'P' : ' ');
}

const char *
view_peers_transport(uint8_t t)
{
	static const char *const	names[] = {
		[0] = "TCP, plaintext",
		[MSG_PEER_T_MSE] = "TCP, MSE handshake, plaintext",
		[MSG_PEER_T_MSE | MSG_PEER_T_RC4] = "TCP, encrypted (RC4)",
		[MSG_PEER_T_UTP] = "uTP, plaintext",
		[MSG_PEER_T_UTP | MSG_PEER_T_MSE] =
		    "uTP, MSE handshake, plaintext",
		[MSG_PEER_T_ALL] = "uTP, encrypted (RC4)",
	};

	/* RC4 without MSE is a hole in the table: the decoder refuses it */
	if (t >= sizeof(names) / sizeof(names[0]) || names[t] == NULL)
		return "?";
	return names[t];
}

const char *
view_peers_src(uint8_t src)
{
	static const char *const	names[] = {
		[MSG_PEER_SRC_TRACKER] = "tracker",
		[MSG_PEER_SRC_PEX] = "PEX",
		[MSG_PEER_SRC_DHT] = "DHT",
		[MSG_PEER_SRC_INCOMING] = "incoming",
		[MSG_PEER_SRC_MANUAL] = "manual",
		[MSG_PEER_SRC_WEBSEED] = "web seed",
	};

	return src < sizeof(names) / sizeof(names[0]) ? names[src] : "?";
}

void
view_peers_fit_addr(const char *addr, int width, char *out, size_t len)
{
	const char	*tail = addr[0] == '[' ? strrchr(addr, ']') : NULL;
	size_t		 n = strlen(addr), ntail;

	if (len == 0)
		return;
	ntail = tail != NULL ? strlen(tail) : 0;
	if (width <= 0 || n <= (size_t)width || tail == NULL ||
	    ntail + 4 > (size_t)width) {
		snprintf(out, len, "%s", addr);	/* view_fit cuts the end */
		return;
	}
	/* An IPv6 address loses its middle, never its port: two peers on
	 * one host (or one we dialled and one that called) stay apart. */
	snprintf(out, len, "%.*s..%s", (int)((size_t)width - ntail - 2),
	    addr, tail);
}

/* Column c of peer p as text, before fitting. */
static void
cell_text(const struct msg_peer *p, enum view_peer_col c, char *buf,
    size_t len)
{
	switch (c) {
	case VIEW_PCOL_ADDR:
		view_peers_fit_addr(p->addr, columns[c].width, buf, len);
		break;
	case VIEW_PCOL_CLIENT:
		snprintf(buf, len, "%s", p->client);
		break;
	case VIEW_PCOL_FLAGS:
		view_peers_flags(p->flags, p->transport, buf, len);
		break;
	case VIEW_PCOL_PROGRESS:
		view_format_percent(p->progress_permille, 1000, buf, len);
		break;
	case VIEW_PCOL_DOWN:
		fmt_rate(buf, len, p->down_bps);
		break;
	case VIEW_PCOL_UP:
		fmt_rate(buf, len, p->up_bps);
		break;
	case VIEW_PCOL_REQS:
		snprintf(buf, len, "%" PRIu32 "/%" PRIu32, p->reqs_out,
		    p->reqs_in);
		break;
	case VIEW_PCOL_SRC:
		snprintf(buf, len, "%s", view_peers_src(p->src));
		break;
	default:
		snprintf(buf, len, "?");
	}
}

void
view_peers_format_row(const struct msg_peer *p, char *buf, size_t len)
{
	char	text[MSG_ADDR_MAX + MSG_CLIENT_MAX], fit[256];
	size_t	at = 0;
	int	c;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (c = 0; c < VIEW_PCOL_COUNT; c++) {
		cell_text(p, (enum view_peer_col)c, text, sizeof(text));
		view_fit(text, columns[c].width, columns[c].right, fit,
		    sizeof(fit));
		at += (size_t)snprintf(buf + at, len - at, "%s%s", fit,
		    c + 1 < VIEW_PCOL_COUNT ? " " : "");
		if (at >= len)
			return;
	}
}

static int
cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

int
view_peers_compare(const struct msg_peer *a, const struct msg_peer *b,
    enum view_peer_col col)
{
	int	r = 0;

	switch (col) {
	case VIEW_PCOL_ADDR:
		r = strcmp(a->addr, b->addr);
		break;
	case VIEW_PCOL_CLIENT:
		r = strcasecmp(a->client, b->client);
		break;
	/* numbers: biggest first, as htop sorts CPU% */
	case VIEW_PCOL_FLAGS:	/* the letters on the left weigh most */
		r = cmp_u64((uint64_t)b->flags << 8 | b->transport,
		    (uint64_t)a->flags << 8 | a->transport);
		break;
	case VIEW_PCOL_PROGRESS:
		r = cmp_u64(b->progress_permille, a->progress_permille);
		break;
	case VIEW_PCOL_DOWN:
		r = cmp_u64(b->down_bps, a->down_bps);
		break;
	case VIEW_PCOL_UP:
		r = cmp_u64(b->up_bps, a->up_bps);
		break;
	case VIEW_PCOL_REQS:
		r = cmp_u64((uint64_t)b->reqs_out + b->reqs_in,
		    (uint64_t)a->reqs_out + a->reqs_in);
		break;
	case VIEW_PCOL_SRC:	/* text: by the name shown */
		r = strcasecmp(view_peers_src(a->src), view_peers_src(b->src));
		break;
	default:
		break;
	}
	if (r != 0)
		return r < 0 ? -1 : 1;
	return cmp_u64(a->id, b->id);
}

struct peer_sort {
	const struct msg_peer	*peers;
	enum view_peer_col	 col;
	int			 invert;
};

static int
cmp_peer(const void *arg, uint32_t a, uint32_t b)
{
	const struct peer_sort	*c = arg;
	int			 r;

	r = view_peers_compare(&c->peers[a], &c->peers[b], c->col);
	return c->invert ? -r : r;
}

void
view_peers_sort(const struct msg_peer *peers, size_t n,
    enum view_peer_col col, int invert, uint32_t *order_out)
{
	struct peer_sort	ctx = { peers, col, invert };

	view_sort_order(order_out, n < MODEL_MAX_PEERS ? n : MODEL_MAX_PEERS,
	    cmp_peer, &ctx);
}

static void
draw_titles(WINDOW *w, const struct view_state *vs)
{
	int	widths[VIEW_PCOL_COUNT], c;

	for (c = 0; c < VIEW_PCOL_COUNT; c++)
		widths[c] = columns[c].width;
	view_titles_draw(w, vs, columns, widths, VIEW_PCOL_COUNT,
	    (int)vs->sort, vs->sort_invert);
}

static void
draw_table(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char		row[512];
	int		y, i;
	uint32_t	at;
	attr_t		a;

	draw_titles(w, vs);
	if (m->npeers == 0) {
		view_put(w, 2, 2, m->have_status ? "no peers connected" :
		    "waiting for the engine...", getmaxx(w) - 3,
		    colors_attr(vs->mono, CLR_DIM));
		return;
	}
	for (y = 1, i = vs->peer_top; y < getmaxy(w) &&
	    i < (int)vs->npeer_order; y++, i++) {
		if ((at = vs->peer_order[i]) >= m->npeers)
			continue;
		view_peers_format_row(&m->peers[at], row, sizeof(row));
		a = colors_attr(vs->mono, i == vs->peer_row ? CLR_SELECTED :
		    CLR_NORMAL);
		if (i == vs->peer_row)
			view_fill(w, y, 0, getmaxx(w), a);
		view_put(w, y, 1, row, getmaxx(w) - 1, a);
	}
}

static int
has_bit(const struct msg_peer_detail *d, uint32_t i)
{
	if (i >= d->num_pieces || i / 8 >= d->bitfield_len)
		return 0;
	return (d->bitfield[i / 8] >> (7 - i % 8)) & 1;
}

/* Bits we can show: the engine may cut a long bitfield. */
static uint32_t
shown_bits(const struct msg_peer_detail *d)
{
	uint64_t	n = (uint64_t)d->bitfield_len * 8;

	return d->num_pieces < n ? d->num_pieces : (uint32_t)n;
}

/* Its bitfield as a map of at most max_rows rows; returns rows used. */
static int
draw_bits(WINDOW *w, int y, int max_rows, const struct view_state *vs,
    const struct msg_peer_detail *d)
{
	struct view_map_geom	g;
	uint32_t		c, n = shown_bits(d), have;
	uint64_t		i, first;
	unsigned		e;
	enum view_cell		cell;

	/* +3 rows: view_pieces_geom keeps an info line and a legend */
	view_pieces_geom(n, getmaxx(w) - 2, max_rows + 3, &g);
	for (c = 0; c < g.cells; c++) {
		first = (uint64_t)c * g.group;
		for (i = first, have = 0; i < first + g.group && i < n; i++)
			have += (uint32_t)has_bit(d, (uint32_t)i);
		cell = have == 0 ? VIEW_CELL_MISSING : have == i - first ?
		    VIEW_CELL_HAVE : VIEW_CELL_PARTIAL;
		e = (unsigned)(have * 8 / (i - first));
		view_put_cell(w, y + (int)(c / (uint32_t)g.cols),
		    2 + (int)(c % (uint32_t)g.cols), cell,
		    e < 1 ? 1 : e > 7 ? 7 : e, vs, 0);
	}
	return g.rows;
}

static void
line(WINDOW *w, int *y, const char *s, attr_t a)
{
	view_put(w, *y, 1, s, getmaxx(w) - 2, a);
	(*y)++;
}

static void
draw_reqs(WINDOW *w, int *y, const struct view_state *vs, const char *what,
    uint32_t n, const struct msg_req *reqs)
{
	char		buf[1024], one[64];
	size_t		at;
	uint32_t	i;

	at = (size_t)snprintf(buf, sizeof(buf), "%s (%" PRIu32 "):", what, n);
	for (i = 0; i < n && i < MSG_MAX_REQS && at < sizeof(buf); i++) {
		snprintf(one, sizeof(one), "  %" PRIu32 "@%" PRIu32 "+%" PRIu32,
		    reqs[i].piece, reqs[i].begin, reqs[i].length);
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s", one);
	}
	line(w, y, buf, colors_attr(vs->mono, CLR_NORMAL));
}

static void
detail_body(WINDOW *w, int *y, const struct view_state *vs,
    const struct msg_peer_detail *d)
{
	char		buf[256], fl[16], dn[32], up[32], since[32], bits[16];
	uint32_t	i, have = 0;

	view_peers_flags(d->peer.flags, d->peer.transport, fl, sizeof(fl));
	fmt_rate(dn, sizeof(dn), d->peer.down_bps);
	fmt_rate(up, sizeof(up), d->peer.up_bps);
	view_format_percent(d->peer.progress_permille, 1000, bits,
	    sizeof(bits));
	snprintf(buf, sizeof(buf), "flags [%s]   source: %s   has %s   down "
	    "%s   up %s   %s", fl, view_peers_src(d->peer.src), bits, dn, up,
	    (d->peer.flags & MSG_PEER_SEED) ? "seed" : "");
	line(w, y, buf, colors_attr(vs->mono, CLR_NORMAL));
	snprintf(buf, sizeof(buf), "connection: %s",
	    view_peers_transport(d->peer.transport));
	line(w, y, buf, colors_attr(vs->mono, CLR_NORMAL));
	fmt_duration(since, sizeof(since), (int64_t)d->connected_s);
	fmt_size(dn, sizeof(dn), d->downloaded);
	fmt_size(up, sizeof(up), d->uploaded);
	snprintf(buf, sizeof(buf), "connected %s   downloaded %s   uploaded "
	    "%s   hash failures %" PRIu32 "   snubbed %s", since, dn, up,
	    d->hashfails, (d->peer.flags & MSG_PEER_SNUBBED) ? "yes" : "no");
	line(w, y, buf, colors_attr(vs->mono, d->hashfails > 0 ? CLR_WARN :
	    CLR_NORMAL));
	draw_reqs(w, y, vs, "Our requests to it", d->nreqs_out, d->reqs_out);
	draw_reqs(w, y, vs, "Its requests to us", d->nreqs_in, d->reqs_in);
	for (i = 0; i < shown_bits(d); i++)
		have += (uint32_t)has_bit(d, i);
	snprintf(buf, sizeof(buf), "Its pieces: %" PRIu32 " of %" PRIu32,
	    have, d->num_pieces);
	line(w, y, buf, colors_attr(vs->mono, CLR_HEADER));
	if (getmaxy(w) - *y > 0)
		*y += draw_bits(w, *y, getmaxy(w) - *y, vs, d);
}

static void
draw_detail(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	const struct msg_peer_detail	*d = &m->peer_detail;
	const struct msg_peer		*p;
	char				 title[256];
	int				 y = 0;

	p = model_find_peer(m, vs->detail_index);
	snprintf(title, sizeof(title), "Peer #%" PRIu32 "  %s  %s   (Esc: "
	    "back to the list)", vs->detail_index, p != NULL ? p->addr : "",
	    p != NULL ? p->client : "");
	if (m->peer_detail_valid && d->peer.id == vs->detail_index)
		snprintf(title, sizeof(title), "Peer #%" PRIu32 "  %s  %s   "
		    "(Esc: back to the list)", d->peer.id, d->peer.addr,
		    d->peer.client);
	line(w, &y, title, colors_attr(vs->mono, CLR_TITLE));
	if (m->peer_detail_valid && d->peer.id == vs->detail_index)
		detail_body(w, &y, vs, d);
	else
		line(w, &y, p != NULL ? "loading..." :
		    "this peer is no longer connected", colors_attr(vs->mono,
		    CLR_DIM));
}

void
view_peers_draw(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	if (vs->detail == VIEW_DETAIL_PEER)
		draw_detail(w, m, vs);
	else
		draw_table(w, m, vs);
}
