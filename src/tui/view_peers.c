/*
 * View 2, Peers: one row per connected peer in the order the user sorts
 * by (htop's column sort), a cursor row, and the detail of one peer: its
 * bitfield as a small map, totals, and the requests both ways.
 */
#include "view.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipc/err.h"
#include "ipc/fmt.h"

/* Display columns: the peer's id, then enum view_peer_col in order.  The
 * widths of Address, Client and # follow the peers listed; view_layout
 * gives them the room (Address and Client first) and hides columns from
 * the least useful (Src) when the terminal is narrow. */
static const struct view_column columns[VIEW_PEERS_NCOL] = {
	[0] = { "#", 0, 1, 0 },
	[VIEW_PEERS_COL(VIEW_PCOL_ADDR)] = { "Address", 0, 0, 0 },
	[VIEW_PEERS_COL(VIEW_PCOL_CLIENT)] = { "Client", 0, 0, 0 },
	[VIEW_PEERS_COL(VIEW_PCOL_FLAGS)] = { "Flags", 7, 0, 1 },
	[VIEW_PEERS_COL(VIEW_PCOL_PROGRESS)] = { "Done", 6, 1, 1 },
	[VIEW_PEERS_COL(VIEW_PCOL_DOWN)] = { "Down", FMT_RATE_COLS, 1, 1 },
	[VIEW_PEERS_COL(VIEW_PCOL_UP)] = { "Up", FMT_RATE_COLS, 1, 1 },
	[VIEW_PEERS_COL(VIEW_PCOL_REQS)] = { "Reqs", 7, 1, 1 },
	[VIEW_PEERS_COL(VIEW_PCOL_SRC)] = { "Src", 8, 0, 0 },
};

/* What goes first when the room runs out: the higher, the sooner. */
static const int ranks[VIEW_PEERS_NCOL] = {
	[0] = 7,
	[VIEW_PEERS_COL(VIEW_PCOL_ADDR)] = 0,
	[VIEW_PEERS_COL(VIEW_PCOL_CLIENT)] = 1,
	[VIEW_PEERS_COL(VIEW_PCOL_FLAGS)] = 2,
	[VIEW_PEERS_COL(VIEW_PCOL_DOWN)] = 3,
	[VIEW_PEERS_COL(VIEW_PCOL_UP)] = 4,
	[VIEW_PEERS_COL(VIEW_PCOL_REQS)] = 5,
	[VIEW_PEERS_COL(VIEW_PCOL_PROGRESS)] = 6,
	[VIEW_PEERS_COL(VIEW_PCOL_SRC)] = 8,
};

#define ADDR_MIN	15	/* "255.255.255.255" before its port */
#define ADDR_MAX	47	/* a whole IPv6 address and port */
#define CLIENT_MIN	10
#define CLIENT_MAX	40

const char *
view_peers_col_title(enum view_peer_col c)
{
	return (unsigned)c < VIEW_PCOL_COUNT ?
	    columns[VIEW_PEERS_COL(c)].title : "?";
}

/* n's decimal digits. */
static int
digits(uint64_t n)
{
	int	d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

static int
clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The display columns of o in order into out; returns how many. */
static int
order_of(const struct view_peer_cols *o, uint8_t *out)
{
	int	i;

	if (o == NULL || o->n == 0 || o->n > VIEW_PEERS_NCOL) {
		for (i = 0; i < VIEW_PEERS_NCOL; i++)
			out[i] = (uint8_t)i;
		return VIEW_PEERS_NCOL;
	}
	for (i = 0; i < o->n; i++)
		out[i] = o->col[i] < VIEW_PEERS_NCOL ? o->col[i] : 0;
	return o->n;
}

int
view_peers_title_col(const struct view_state *vs, int i)
{
	uint8_t	at[VIEW_PEERS_NCOL];
	int	n = order_of(&vs->peer_cols, at);

	return i >= 0 && i < n ? at[i] : -1;
}

int
view_peers_parse_cols(const char *list, struct view_peer_cols *out,
    char *errbuf, size_t errlen)
{
	const char	*s = list, *end;
	size_t		 len;
	int		 i, k;

	memset(out, 0, sizeof(*out));
	for (;;) {
		s += strspn(s, " \t");
		end = s + strcspn(s, ",");
		for (len = (size_t)(end - s); len > 0 && (s[len - 1] == ' ' ||
		    s[len - 1] == '\t'); len--)
			;
		for (i = 0; i < VIEW_PEERS_NCOL; i++)
			if (strlen(columns[i].title) == len &&
			    strncasecmp(columns[i].title, s, len) == 0)
				break;
		if (i == VIEW_PEERS_NCOL) {
			if (len == 0)
				bt_errf(errbuf, errlen, "a column name is "
				    "missing (the list is NAME,NAME...)");
			else
				bt_errf(errbuf, errlen, "unknown column '%.*s' "
				    "(#, Address, Client, Flags, Done, Down, "
				    "Up, Reqs, Src)", (int)len, s);
			goto bad;
		}
		for (k = 0; k < out->n; k++)
			if (out->col[k] == i) {
				bt_errf(errbuf, errlen, "column '%s' is named "
				    "twice", columns[i].title);
				goto bad;
			}
		out->col[out->n++] = (uint8_t)i;
		if (*end == '\0')
			return BT_OK;
		s = end + 1;
	}
bad:
	memset(out, 0, sizeof(*out));
	return BT_ERR_INVALID;
}

void
view_peers_layout(const struct msg_peer *peers, size_t n, int cols,
    enum view_peer_col sort, int *width_out)
{
	view_peers_layout_cols(peers, n, cols, sort, NULL, width_out);
}

void
view_peers_layout_cols(const struct msg_peer *peers, size_t n, int cols,
    enum view_peer_col sort, const struct view_peer_cols *order,
    int *width_out)
{
	struct view_layout_col	c[VIEW_PEERS_NCOL], sub[VIEW_PEERS_NCOL];
	uint8_t			at[VIEW_PEERS_NCOL];
	int			keep = -1, sw[VIEW_PEERS_NCOL], ns;
	uint32_t		maxid = 0;
	int			addr = 0, client = 0, i, a = VIEW_PEERS_COL(
				    VIEW_PCOL_ADDR), k = VIEW_PEERS_COL(
				    VIEW_PCOL_CLIENT);
	size_t			j;

	for (j = 0; j < n; j++) {
		maxid = peers[j].id > maxid ? peers[j].id : maxid;
		addr = clamp(view_text_width(peers[j].addr), addr, ADDR_MAX);
		client = clamp(view_text_width(peers[j].client), client,
		    CLIENT_MAX);
	}
	for (i = 0; i < VIEW_PEERS_NCOL; i++) {
		c[i].min = c[i].want = columns[i].width;
		c[i].rank = ranks[i];
	}
	c[0].min = c[0].want = digits(maxid);
	/* a title and its sort arrow always fit */
	c[a].want = addr > 8 ? addr : 8;
	c[a].min = clamp(c[a].want, 8, ADDR_MIN);
	c[k].want = client > 7 ? client : 7;
	c[k].min = clamp(c[k].want, 7, CLIENT_MIN);
	/* view_layout sees the columns shown, in their order */
	ns = order_of(order, at);
	for (i = 0; i < ns; i++) {
		sub[i] = c[at[i]];
		if ((unsigned)sort < VIEW_PCOL_COUNT &&
		    at[i] == VIEW_PEERS_COL(sort))
			keep = i;
	}
	/* the table starts at x = 1 */
	view_layout(sub, ns, cols - 1, keep, sw);
	for (i = 0; i < VIEW_PEERS_NCOL; i++)
		width_out[i] = 0;
	for (i = 0; i < ns; i++)
		width_out[at[i]] = sw[i];
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

/* Display column i of peer p as text, before fitting to width cells. */
static void
cell_text(const struct msg_peer *p, int i, int width, char *buf, size_t len)
{
	if (i == 0) {
		snprintf(buf, len, "%" PRIu32, p->id);
		return;
	}
	switch ((enum view_peer_col)(i - 1)) {
	case VIEW_PCOL_ADDR:
		view_peers_fit_addr(p->addr, width, buf, len);
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
view_peers_format_row(const struct msg_peer *p, const int *widths,
    char *buf, size_t len)
{
	view_peers_format_row_cols(p, NULL, widths, buf, len);
}

void
view_peers_format_row_cols(const struct msg_peer *p,
    const struct view_peer_cols *order, const int *widths, char *buf,
    size_t len)
{
	char	text[MSG_ADDR_MAX + MSG_CLIENT_MAX], fit[4 * ADDR_MAX + 8];
	uint8_t	cols[VIEW_PEERS_NCOL];
	size_t	at = 0;
	int	j, ncols, i, w;

	if (len == 0)
		return;
	buf[0] = '\0';
	ncols = order_of(order, cols);
	for (j = 0; j < ncols && at < len; j++) {
		i = cols[j];
		if ((w = widths[i]) <= 0)
			continue;
		w = w < ADDR_MAX * 2 ? w : ADDR_MAX * 2;
		cell_text(p, i, w, text, sizeof(text));
		view_fit(text, w, columns[i].right, fit, sizeof(fit));
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
		    at > 0 ? " " : "", fit);
	}
}

/* An address as it sorts: family (IPv4, IPv6, anything else such as a
 * web seed's URL), then the address's bytes, then the port. */
struct addr_key {
	int		family;
	uint8_t		a[16];
	unsigned long	port;
};

static void
addr_key(const char *s, struct addr_key *k)
{
	char		host[MSG_ADDR_MAX];
	const char	*colon;
	size_t		n;

	memset(k, 0, sizeof(*k));
	k->family = 2;
	if (s[0] == '[') {
		if ((colon = strstr(s, "]:")) == NULL ||
		    (n = (size_t)(colon - s - 1)) >= sizeof(host))
			return;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (inet_pton(AF_INET6, host, k->a) == 1)
			k->family = 1;
		colon++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL ||
		    (n = (size_t)(colon - s)) >= sizeof(host))
			return;
		memcpy(host, s, n);
		host[n] = '\0';
		if (inet_pton(AF_INET, host, k->a) == 1)
			k->family = 0;
	}
	if (k->family != 2)
		k->port = strtoul(colon + 1, NULL, 10);
}

static int
cmp_addr(const char *a, const char *b)
{
	struct addr_key	ka, kb;
	int		r;

	addr_key(a, &ka);
	addr_key(b, &kb);
	if (ka.family != kb.family)
		return ka.family < kb.family ? -1 : 1;
	if (ka.family == 2)
		return strcmp(a, b);
	if ((r = memcmp(ka.a, kb.a, sizeof(ka.a))) != 0)
		return r;
	return ka.port < kb.port ? -1 : ka.port > kb.port;
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
	case VIEW_PCOL_ADDR:	/* numbers: 10.0.0.2 before 10.0.0.10 */
		r = cmp_addr(a->addr, b->addr);
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

/* The title row in the order of vs->peer_cols: the columns and widths
 * handed to view_titles_draw are permuted to it. */
static void
titles_draw(WINDOW *w, const struct view_state *vs, const int *widths)
{
	struct view_column	tc[VIEW_PEERS_NCOL];
	uint8_t			at[VIEW_PEERS_NCOL];
	int			tw[VIEW_PEERS_NCOL], n, i, sort = -1;

	n = order_of(&vs->peer_cols, at);
	for (i = 0; i < n; i++) {
		tc[i] = columns[at[i]];
		tw[i] = widths[at[i]];
		if (at[i] == VIEW_PEERS_COL(vs->sort))
			sort = i;
	}
	view_titles_draw(w, vs, tc, tw, n, sort, vs->sort_invert);
}

static void
draw_table(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char		row[1024];
	int		widths[VIEW_PEERS_NCOL], y, i;
	uint32_t	at;
	attr_t		a;

	view_peers_layout_cols(m->peers, m->npeers, getmaxx(w), vs->sort,
	    &vs->peer_cols, widths);
	titles_draw(w, vs, widths);
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
		view_peers_format_row_cols(&m->peers[at], &vs->peer_cols,
		    widths, row, sizeof(row));
		a = colors_attr(vs->mono, i == vs->peer_row ? CLR_SELECTED :
		    CLR_NORMAL);
		if (i == vs->peer_row)
			view_fill(w, y, 0, getmaxx(w), a);
		view_put(w, y, 1, row, getmaxx(w) - 1, a);
		view_hit_add(vs, w, y, 0, getmaxx(w), VIEW_HIT_ROW, i);
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

/* One line of the detail, wrapped on a narrow terminal. */
static void
line(WINDOW *w, int *y, const char *s, attr_t a)
{
	if (*y < getmaxy(w))
		view_draw_wrapped(w, y, 1, s, a);
}

void
view_peers_format_reqs(const char *what, uint32_t listed, uint32_t total,
    const struct msg_req *reqs, char *buf, size_t len)
{
	size_t		at;
	uint32_t	i;
	int		n;

	if (len == 0)
		return;
	if (listed > MSG_MAX_REQS)
		listed = MSG_MAX_REQS;
	if (total < listed)
		total = listed;		/* the two counts come apart */
	if (total == 0)
		n = snprintf(buf, len, "%s: none", what);
	else if (listed == 0)
		n = snprintf(buf, len, "%s: %" PRIu32 " (none listed)", what,
		    total);
	else if (listed < total)
		n = snprintf(buf, len, "%s (%" PRIu32 " of %" PRIu32 "):",
		    what, listed, total);
	else
		n = snprintf(buf, len, "%s (%" PRIu32 "):", what, total);
	at = n < 0 ? 0 : (size_t)n;
	for (i = 0; i < listed && at < len; i++) {
		n = snprintf(buf + at, len - at, "  %" PRIu32 "@%" PRIu32 "+%"
		    PRIu32, reqs[i].piece, reqs[i].begin, reqs[i].length);
		at += n < 0 ? 0 : (size_t)n;
	}
}

/* The requests one way, wrapped over at most REQ_ROWS rows (the last
 * one cut, marked); the rows after the first indented. */
#define REQ_ROWS	3

static void
draw_reqs(WINDOW *w, int *y, const struct view_state *vs, const char *what,
    uint32_t listed, uint32_t total, const struct msg_req *reqs, int gone)
{
	char		buf[2048], part[512];
	const char	*rest = buf;
	int		row, x, width;

	if (gone) {
		snprintf(buf, sizeof(buf), "%s: none (disconnected)", what);
		line(w, y, buf, colors_attr(vs->mono, CLR_DIM));
		return;
	}
	view_peers_format_reqs(what, listed, total, reqs, buf, sizeof(buf));
	for (row = 0; row < REQ_ROWS && *rest != '\0' && *y < getmaxy(w);
	    row++) {
		x = row == 0 ? 1 : 3;
		width = getmaxx(w) - x - 1;
		if (row + 1 == REQ_ROWS) {	/* the rest, cut */
			view_put(w, (*y)++, x, rest, width,
			    colors_attr(vs->mono, CLR_NORMAL));
			break;
		}
		rest = view_wrap(rest, width, part, sizeof(part));
		view_put(w, (*y)++, x, part, width, colors_attr(vs->mono,
		    CLR_NORMAL));
	}
}

static void
detail_body(WINDOW *w, int *y, const struct view_state *vs,
    const struct msg_peer_detail *d, int gone)
{
	char		buf[256], fl[16], dn[32], up[32], since[32], bits[16],
			got[32], gave[32];
	uint32_t	i, have = 0;
	attr_t		a = colors_attr(vs->mono, gone ? CLR_DIM : CLR_NORMAL);

	view_peers_flags(d->peer.flags, d->peer.transport, fl, sizeof(fl));
	view_format_percent(d->peer.progress_permille, 1000, bits,
	    sizeof(bits));
	snprintf(buf, sizeof(buf), "flags [%s]   source: %s   has %s%s", fl,
	    view_peers_src(d->peer.src), bits, (d->peer.flags &
	    MSG_PEER_SEED) ? " (a seed)" : "");
	line(w, y, buf, a);
	/* a peer that left has no rate: its last ones would look live */
	fmt_rate(dn, sizeof(dn), d->peer.down_bps);
	fmt_rate(up, sizeof(up), d->peer.up_bps);
	if (gone)
		snprintf(dn, sizeof(dn), "-");
	if (gone)
		snprintf(up, sizeof(up), "-");
	fmt_size(got, sizeof(got), d->downloaded);
	fmt_size(gave, sizeof(gave), d->uploaded);
	snprintf(buf, sizeof(buf), "down %s   up %s   downloaded %s   "
	    "uploaded %s", dn, up, got, gave);
	line(w, y, buf, a);
	snprintf(buf, sizeof(buf), "connection: %s",
	    view_peers_transport(d->peer.transport));
	line(w, y, buf, a);
	fmt_duration(since, sizeof(since), (int64_t)d->connected_s);
	snprintf(buf, sizeof(buf), "%s %s   hash failures %" PRIu32 "   "
	    "snubbed %s", gone ? "was connected" : "connected", since,
	    d->hashfails, (d->peer.flags & MSG_PEER_SNUBBED) ? "yes" : "no");
	line(w, y, buf, d->hashfails > 0 ? colors_attr(vs->mono, CLR_WARN) :
	    a);
	draw_reqs(w, y, vs, "Our requests to it", d->nreqs_out,
	    d->peer.reqs_out, d->reqs_out, gone);
	draw_reqs(w, y, vs, "Its requests to us", d->nreqs_in,
	    d->peer.reqs_in, d->reqs_in, gone);
	for (i = 0; i < shown_bits(d); i++)
		have += (uint32_t)has_bit(d, i);
	snprintf(buf, sizeof(buf), "Its pieces: %" PRIu32 " of %" PRIu32 "%s",
	    have, d->num_pieces, gone ? " (when it left)" : "");
	line(w, y, buf, colors_attr(vs->mono, CLR_HEADER));
	if (getmaxy(w) - *y > 0)
		*y += draw_bits(w, *y, getmaxy(w) - *y, vs, d);
}

void
view_peers_format_gone(uint64_t ago_ms, const char *reason, char *buf,
    size_t len)
{
	char	ago[32];

	fmt_duration(ago, sizeof(ago), (int64_t)(ago_ms / 1000));
	snprintf(buf, len, "disconnected %s ago%s%s%s; the numbers below are "
	    "its last", ago, reason[0] != '\0' ? " (" : "", reason,
	    reason[0] != '\0' ? ")" : "");
}

static void
draw_detail(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	const struct msg_peer_detail	*d = &m->peer_detail;
	const struct msg_peer		*p;
	char				 title[256], why[MSG_TEXT_MAX],
					 gone[MSG_TEXT_MAX + 96];
	uint64_t			 ago = 0;
	int				 y = 0, valid, left;

	p = model_find_peer(m, vs->detail_index);
	valid = m->peer_detail_valid && d->peer.id == vs->detail_index;
	snprintf(title, sizeof(title), "Peer #%" PRIu32 "  %s  %s   (Esc: "
	    "back to the list)", vs->detail_index, valid ? d->peer.addr :
	    p != NULL ? p->addr : "", valid ? d->peer.client : p != NULL ?
	    p->client : "");
	line(w, &y, title, colors_attr(vs->mono, CLR_TITLE));
	if (!valid) {
		line(w, &y, p != NULL ? "loading..." :
		    "this peer is no longer connected", colors_attr(vs->mono,
		    CLR_DIM));
		return;
	}
	left = model_peer_gone(m, d->peer.id, &ago, why, sizeof(why));
	if (left) {
		view_peers_format_gone(ago, why, gone, sizeof(gone));
		line(w, &y, gone, colors_attr(vs->mono, CLR_WARN));
	}
	detail_body(w, &y, vs, d, left);
}

void
view_peers_draw(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	if (vs->detail == VIEW_DETAIL_PEER)
		draw_detail(w, m, vs);
	else
		draw_table(w, m, vs);
}
