/*
 * Tracker codec: HTTP reply parsing, HTTP announce URL building and BEP 15
 * UDP packets.  Pure functions: no sockets, no clock, no globals.  Every
 * outside byte is read through a struct bbuf, peers are capped at
 * TRACKER_MAX_PEERS and texts at TRACKER_MAX_TEXT bytes.
 */
#include "tracker_codec.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "bencode.h"

#define UDP_PROTOCOL_ID		0x41727101980ull	/* BEP 15 magic */
#define COMPACT4_LEN		6	/* BEP 23: 4-byte address, 2-byte port */
#define COMPACT6_LEN		18	/* BEP 7: 16-byte address, 2-byte port */

struct peer_list {
	struct tracker_peer	*v;
	size_t			 n, alloc;
};

/* A bounded copy of outside text with control bytes (and NUL) replaced, so
 * it is safe to put in a log line.  NULL only when out of memory. */
static char *
text_copy(const void *p, size_t n)
{
	const uint8_t	*s = p;
	char		*t;
	size_t		 i;

	if (n > TRACKER_MAX_TEXT - 1)
		n = TRACKER_MAX_TEXT - 1;
	if ((t = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		t[i] = (s[i] < 0x20 || s[i] == 0x7f) ? '?' : (char)s[i];
	t[n] = '\0';
	return t;
}

/* Adds a peer unless it has port 0 or the list is full.  The list grows by
 * doubling up to TRACKER_MAX_PEERS. */
static int
peer_add(struct peer_list *pl, int family, const uint8_t *addr,
    size_t alen, uint16_t port)
{
	struct tracker_peer	*nv, *p;
	size_t			 want;

	if (port == 0 || pl->n >= TRACKER_MAX_PEERS)
		return BT_OK;
	if (pl->n == pl->alloc) {
		want = pl->alloc == 0 ? 32 : pl->alloc * 2;
		if (want > TRACKER_MAX_PEERS)
			want = TRACKER_MAX_PEERS;
		if ((nv = realloc(pl->v, want * sizeof(*nv))) == NULL)
			return BT_ERR_NOMEM;
		pl->v = nv;
		pl->alloc = want;
	}
	p = &pl->v[pl->n++];
	memset(p, 0, sizeof(*p));
	p->family = family;
	memcpy(p->addr, addr, alen);
	p->port = port;
	return BT_OK;
}

/* Compact peers: a whole number of (address, big-endian port) entries. */
static int
peers_compact(struct bbuf *in, int family, struct peer_list *pl)
{
	size_t		alen = family == AF_INET6 ? 16 : 4;
	uint8_t		addr[16];
	uint16_t	port;
	int		r;

	if (bbuf_len(in) % (alen + 2) != 0)
		return BT_ERR_FORMAT;
	while (bbuf_len(in) > 0) {
		if ((r = bbuf_get_bytes(in, addr, alen)) != BT_OK ||
		    (r = bbuf_get_u16be(in, &port)) != BT_OK)
			return BT_ERR_FORMAT;
		if ((r = peer_add(pl, family, addr, alen, port)) != BT_OK)
			return r;
	}
	return BT_OK;
}

/* One {ip, port[, peer id]} dictionary; anything unusable (a host name, a
 * bad port, a wrong type) is skipped rather than failing the reply. */
static int
peer_dict(const struct bencode *d, struct peer_list *pl)
{
	const struct bencode	*ip, *port;
	uint8_t			 addr[16];

	ip = bencode_dict_get_type(d, "ip", BENCODE_STR);
	port = bencode_dict_get_type(d, "port", BENCODE_INT);
	if (ip == NULL || port == NULL || port->i < 1 || port->i > 65535)
		return BT_OK;
	if (strlen(ip->s) != ip->slen)
		return BT_OK;
	if (inet_pton(AF_INET, ip->s, addr) == 1)
		return peer_add(pl, AF_INET, addr, 4, (uint16_t)port->i);
	if (inet_pton(AF_INET6, ip->s, addr) == 1)
		return peer_add(pl, AF_INET6, addr, 16, (uint16_t)port->i);
	return BT_OK;
}

static int
peers_list(const struct bencode *list, struct peer_list *pl)
{
	size_t	i;
	int	r;

	for (i = 0; i < list->n && pl->n < TRACKER_MAX_PEERS; i++) {
		if (list->items[i]->type != BENCODE_DICT)
			continue;
		if ((r = peer_dict(list->items[i], pl)) != BT_OK)
			return r;
	}
	return BT_OK;
}

/* A compact string of `entry'-byte peers; errbuf names `key' on error. */
static int
peers_string(const struct bencode *v, const char *key, int family,
    struct peer_list *pl, char *errbuf, size_t errlen)
{
	struct bbuf	in;
	size_t		entry = family == AF_INET6 ? COMPACT6_LEN : COMPACT4_LEN;
	int		r;

	bbuf_view(&in, v->s, v->slen);
	if ((r = peers_compact(&in, family, pl)) == BT_ERR_FORMAT)
		bt_errf(errbuf, errlen, "tracker reply: \"%s\" is %zu bytes, "
		    "not a multiple of %zu", key, v->slen, entry);
	return r;
}

/* "peers" (compact string or dictionary list) and "peers6" (compact). */
static int
parse_peers(const struct bencode *root, struct peer_list *pl,
    char *errbuf, size_t errlen)
{
	const struct bencode	*p4, *p6;
	int			 r = BT_OK;

	p4 = bencode_dict_get(root, "peers");
	p6 = bencode_dict_get(root, "peers6");
	if (p4 == NULL && p6 == NULL) {
		bt_errf(errbuf, errlen,
		    "tracker reply has no peers and no failure reason");
		return BT_ERR_FORMAT;
	}
	if ((p4 != NULL && p4->type != BENCODE_STR &&
	    p4->type != BENCODE_LIST) ||
	    (p6 != NULL && p6->type != BENCODE_STR)) {
		bt_errf(errbuf, errlen, "tracker reply: \"%s\" has the wrong "
		    "type", p6 != NULL && p6->type != BENCODE_STR ? "peers6" :
		    "peers");
		return BT_ERR_FORMAT;
	}
	if (p4 != NULL && p4->type == BENCODE_STR)
		r = peers_string(p4, "peers", AF_INET, pl, errbuf, errlen);
	else if (p4 != NULL)
		r = peers_list(p4, pl);
	if (r == BT_OK && p6 != NULL)
		r = peers_string(p6, "peers6", AF_INET6, pl, errbuf, errlen);
	return r;
}

/* A non-negative integer field, or -1 when absent, negative or mistyped. */
static int64_t
get_count(const struct bencode *d, const char *key)
{
	const struct bencode	*v = bencode_dict_get_type(d, key, BENCODE_INT);

	return v != NULL && v->i >= 0 ? v->i : -1;
}

static int
parse_texts(const struct bencode *root, struct tracker_reply *out)
{
	const struct bencode	*v;

	v = bencode_dict_get_type(root, "warning message", BENCODE_STR);
	if (v != NULL && (out->warning = text_copy(v->s, v->slen)) == NULL)
		return BT_ERR_NOMEM;
	/* The tracker id goes back verbatim: keep it only if it is a C string
	 * of sane size, never a sanitised (changed) copy. */
	v = bencode_dict_get_type(root, "tracker id", BENCODE_STR);
	if (v != NULL && v->slen > 0 && v->slen <= TRACKER_MAX_ID &&
	    strlen(v->s) == v->slen && (out->tracker_id = strdup(v->s)) == NULL)
		return BT_ERR_NOMEM;
	return BT_OK;
}

static int
parse_reply(const struct bencode *root, struct tracker_reply *out,
    char *errbuf, size_t errlen)
{
	const struct bencode	*v;
	struct peer_list	 pl = { NULL, 0, 0 };
	int			 r;

	v = bencode_dict_get_type(root, "failure reason", BENCODE_STR);
	if (v != NULL) {
		out->failure = text_copy(v->s, v->slen);
		return out->failure == NULL ? BT_ERR_NOMEM : BT_OK;
	}
	if ((r = parse_texts(root, out)) != BT_OK)
		return r;
	out->interval = get_count(root, "interval");
	out->min_interval = get_count(root, "min interval");
	out->complete = get_count(root, "complete");
	out->incomplete = get_count(root, "incomplete");
	if ((r = parse_peers(root, &pl, errbuf, errlen)) != BT_OK) {
		free(pl.v);
		return r;
	}
	out->peers = pl.v;
	out->npeers = pl.n;
	return BT_OK;
}

static void
reply_init(struct tracker_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->interval = r->min_interval = -1;
	r->complete = r->incomplete = -1;
}

void
tracker_reply_cleanup(struct tracker_reply *r)
{
	free(r->failure);
	free(r->warning);
	free(r->tracker_id);
	free(r->peers);
	reply_init(r);
}

int
tracker_parse_http(const void *body, size_t len, struct tracker_reply *out,
    char *errbuf, size_t errlen)
{
	struct bbuf		 in;
	struct bencode		*root = NULL;
	struct bencode_err	 berr;
	int			 r;

	reply_init(out);
	bt_errf(errbuf, errlen, "%s", "");
	memset(&berr, 0, sizeof(berr));
	bbuf_view(&in, body, len);
	if ((r = bencode_decode(&in, &root, &berr)) != BT_OK) {
		/* berr.msg already starts with "byte N: ". */
		bt_errf(errbuf, errlen, "tracker reply is not bencode: %s",
		    berr.msg[0] != '\0' ? berr.msg : bt_strerror(r));
		if (r != BT_ERR_NOMEM)
			r = BT_ERR_FORMAT;
		goto out;
	}
	if (root->type != BENCODE_DICT) {
		bt_errf(errbuf, errlen, "tracker reply is not a dictionary");
		r = BT_ERR_FORMAT;
		goto out;
	}
	r = parse_reply(root, out, errbuf, errlen);
	if (r == BT_ERR_NOMEM)
		bt_errf(errbuf, errlen, "tracker reply: out of memory");
out:
	bencode_free(root);
	if (r != BT_OK)
		tracker_reply_cleanup(out);
	return r;
}

/* RFC 3986 unreserved characters stay, every other byte becomes %XX. */
static int
put_pct(struct bbuf *out, const uint8_t *p, size_t n)
{
	static const char	hex[] = "0123456789ABCDEF";
	char			esc[3];
	size_t			i;
	int			r;

	for (i = 0; i < n; i++) {
		if ((p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= '0' && p[i] <= '9') ||
		    p[i] == '-' || p[i] == '.' || p[i] == '_' || p[i] == '~') {
			r = bbuf_put_u8(out, p[i]);
		} else {
			esc[0] = '%';
			esc[1] = hex[p[i] >> 4];
			esc[2] = hex[p[i] & 0xf];
			r = bbuf_put_bytes(out, esc, 3);
		}
		if (r != BT_OK)
			return r;
	}
	return BT_OK;
}

/* The separator before our parameters: '?' when the URL has no query yet,
 * '&' after an existing one, nothing when it already ends in '?' or '&'. */
static const char *
query_sep(const char *announce, size_t len)
{
	if (strchr(announce, '?') == NULL)
		return "?";
	if (announce[len - 1] == '?' || announce[len - 1] == '&')
		return "";
	return "&";
}

static int
url_check(const char *announce)
{
	const unsigned char	*s = (const unsigned char *)announce;

	if (*s == '\0')
		return BT_ERR_INVALID;
	for (; *s != '\0'; s++) {
		if (*s <= 0x20 || *s >= 0x7f || *s == '#')
			return BT_ERR_INVALID;
	}
	return BT_OK;
}

static const char *
event_name(int event)
{
	switch (event) {
	case TRACKER_EV_COMPLETED:
		return "completed";
	case TRACKER_EV_STARTED:
		return "started";
	case TRACKER_EV_STOPPED:
		return "stopped";
	default:
		return NULL;
	}
}

static int
url_numbers(struct bbuf *out, const struct tracker_announce *a)
{
	char	ip[INET6_ADDRSTRLEN];
	int	r;

	r = bbuf_putf(out, "&port=%u&uploaded=%" PRIu64 "&downloaded=%" PRIu64
	    "&left=%" PRIu64 "&compact=1", (unsigned)a->port, a->uploaded,
	    a->downloaded, a->left);
	if (r == BT_OK && a->numwant >= 0)
		r = bbuf_putf(out, "&numwant=%" PRId32, a->numwant);
	if (r == BT_OK)
		r = bbuf_putf(out, "&key=%08" PRIx32, a->key);
	if (r == BT_OK && a->event != TRACKER_EV_NONE)
		r = bbuf_putf(out, "&event=%s", event_name(a->event));
	if (r == BT_OK && a->has_ipv6 &&
	    inet_ntop(AF_INET6, a->ipv6, ip, sizeof(ip)) != NULL &&
	    (r = bbuf_putf(out, "&ipv6=")) == BT_OK)
		r = put_pct(out, (const uint8_t *)ip, strlen(ip));
	return r;
}

int
tracker_http_url(const char *announce, const struct tracker_announce *a,
    const char *tracker_id, struct bbuf *out)
{
	size_t	len = strlen(announce);
	int	r;

	if (url_check(announce) != BT_OK || (a->event != TRACKER_EV_NONE &&
	    event_name(a->event) == NULL))
		return BT_ERR_INVALID;
	if ((r = bbuf_put_bytes(out, announce, len)) != BT_OK ||
	    (r = bbuf_putf(out, "%sinfo_hash=", query_sep(announce, len))) !=
	    BT_OK ||
	    (r = put_pct(out, a->info_hash, sizeof(a->info_hash))) != BT_OK ||
	    (r = bbuf_putf(out, "&peer_id=")) != BT_OK ||
	    (r = put_pct(out, a->peer_id, sizeof(a->peer_id))) != BT_OK ||
	    (r = url_numbers(out, a)) != BT_OK)
		return r;
	if (tracker_id != NULL &&
	    ((r = bbuf_putf(out, "&trackerid=")) != BT_OK ||
	    (r = put_pct(out, (const uint8_t *)tracker_id,
	    strlen(tracker_id))) != BT_OK))
		return r;
	return bbuf_put_u8(out, '\0');
}

int
tracker_udp_put_connect(struct bbuf *out, uint32_t tid)
{
	int	r;

	if ((r = bbuf_put_u64be(out, UDP_PROTOCOL_ID)) != BT_OK ||
	    (r = bbuf_put_u32be(out, TRACKER_UDP_CONNECT)) != BT_OK ||
	    (r = bbuf_put_u32be(out, tid)) != BT_OK)
		return r;
	return BT_OK;
}

int
tracker_udp_put_announce(struct bbuf *out, uint64_t conn_id, uint32_t tid,
    const struct tracker_announce *a)
{
	int	r;

	if (a->event < TRACKER_EV_NONE || a->event > TRACKER_EV_STOPPED)
		return BT_ERR_INVALID;
	/* BEP 15 announce: offsets 0..97, the IP address field is 0. */
	if ((r = bbuf_put_u64be(out, conn_id)) != BT_OK ||
	    (r = bbuf_put_u32be(out, TRACKER_UDP_ANNOUNCE)) != BT_OK ||
	    (r = bbuf_put_u32be(out, tid)) != BT_OK ||
	    (r = bbuf_put_bytes(out, a->info_hash, 20)) != BT_OK ||
	    (r = bbuf_put_bytes(out, a->peer_id, 20)) != BT_OK ||
	    (r = bbuf_put_u64be(out, a->downloaded)) != BT_OK ||
	    (r = bbuf_put_u64be(out, a->left)) != BT_OK ||
	    (r = bbuf_put_u64be(out, a->uploaded)) != BT_OK ||
	    (r = bbuf_put_u32be(out, (uint32_t)a->event)) != BT_OK ||
	    (r = bbuf_put_u32be(out, 0)) != BT_OK ||
	    (r = bbuf_put_u32be(out, a->key)) != BT_OK ||
	    (r = bbuf_put_u32be(out, (uint32_t)a->numwant)) != BT_OK ||
	    (r = bbuf_put_u16be(out, a->port)) != BT_OK)
		return r;
	return BT_OK;
}

static int
udp_announce(struct bbuf *in, int family, struct tracker_udp_reply *out)
{
	struct peer_list	pl = { NULL, 0, 0 };
	uint32_t		interval, leechers, seeders;
	int			r;

	if (bbuf_get_u32be(in, &interval) != BT_OK ||
	    bbuf_get_u32be(in, &leechers) != BT_OK ||
	    bbuf_get_u32be(in, &seeders) != BT_OK)
		return BT_ERR_FORMAT;
	if ((r = peers_compact(in, family, &pl)) != BT_OK) {
		free(pl.v);
		return r;
	}
	out->interval = interval;
	out->leechers = leechers;
	out->seeders = seeders;
	out->peers = pl.v;
	out->npeers = pl.n;
	return BT_OK;
}

static void
udp_error(struct bbuf *in, struct tracker_udp_reply *out)
{
	const uint8_t	*s = bbuf_ptr(in);
	size_t		 i, n = bbuf_len(in);

	if (n > sizeof(out->message) - 1)
		n = sizeof(out->message) - 1;
	for (i = 0; i < n; i++)
		out->message[i] = (s[i] < 0x20 || s[i] == 0x7f) ? '?' :
		    (char)s[i];
	out->message[n] = '\0';
}

static void
udp_reply_init(struct tracker_udp_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->action = -1;
	r->interval = r->leechers = r->seeders = -1;
}

void
tracker_udp_reply_cleanup(struct tracker_udp_reply *r)
{
	free(r->peers);
	udp_reply_init(r);
}

int
tracker_udp_parse(const void *pkt, size_t len, uint32_t expect_tid,
    int family_of_tracker, struct tracker_udp_reply *out)
{
	struct bbuf	in;
	uint32_t	action, tid;
	int		r = BT_OK;

	udp_reply_init(out);
	if (family_of_tracker != AF_INET && family_of_tracker != AF_INET6)
		return BT_ERR_INVALID;
	bbuf_view(&in, pkt, len);
	if (bbuf_get_u32be(&in, &action) != BT_OK ||
	    bbuf_get_u32be(&in, &tid) != BT_OK || tid != expect_tid)
		return BT_ERR_FORMAT;
	switch (action) {
	case TRACKER_UDP_CONNECT:
		if (bbuf_get_u64be(&in, &out->conn_id) != BT_OK)
			r = BT_ERR_FORMAT;
		break;
	case TRACKER_UDP_ANNOUNCE:
		r = udp_announce(&in, family_of_tracker, out);
		break;
	case TRACKER_UDP_ERROR:
		udp_error(&in, out);
		break;
	default:
		r = BT_ERR_FORMAT;
		break;
	}
	if (r != BT_OK) {
		tracker_udp_reply_cleanup(out);
		return r;
	}
	out->action = (int)action;
	return BT_OK;
}
