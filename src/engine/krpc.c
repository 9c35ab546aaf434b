/*
 * krpc: KRPC messages (BEP 5, 32, 42) to and from one UDP datagram.  The
 * datagram is decoded by bencode (which bounds depth and size) and the tree
 * is read into a fixed-size struct krpc_msg, so nothing a remote node says
 * can make us allocate past one datagram's tree.  Encoding builds a bencode
 * tree (canonical key order for free) and appends it with one put, so a
 * failure leaves the output untouched.
 */
#include "engine/krpc.h"

#include <sys/socket.h>

#include <inttypes.h>
#include <string.h>

#include "engine/bencode.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

/* BEP 5 compact node info: id, then 6 (IPv4) or 18 (IPv6) address bytes. */
#define NODE4_LEN	(KRPC_ID_LEN + 6)
#define NODE6_LEN	(KRPC_ID_LEN + 18)

static const char	*const method_names[] = {
	[KRPC_PING] = "ping",
	[KRPC_FIND_NODE] = "find_node",
	[KRPC_GET_PEERS] = "get_peers",
	[KRPC_ANNOUNCE_PEER] = "announce_peer",
};

static const uint8_t	v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			    0xff, 0xff };

int
krpc_closer(const uint8_t target[KRPC_ID_LEN], const uint8_t a[KRPC_ID_LEN],
    const uint8_t b[KRPC_ID_LEN])
{
	size_t	i;
	uint8_t	da, db;

	for (i = 0; i < KRPC_ID_LEN; i++) {
		da = a[i] ^ target[i];
		db = b[i] ^ target[i];
		if (da != db)
			return da < db ? -1 : 1;
	}
	return 0;
}

/* ---- decoding ---- */

/* A compact address from its 6 or 18 bytes; 0 when unusable as a peer or
 * node (see krpc.h), which includes an IPv4-mapped IPv6 one: a node that
 * writes IPv4 in IPv6 clothes is either broken or hiding something. */
static int
compact_addr(const uint8_t *p, size_t n, struct caddr *out)
{
	uint16_t	port = (uint16_t)(p[n - 2] << 8 | p[n - 1]);

	if (n == 18 && memcmp(p, v4_mapped, sizeof(v4_mapped)) == 0) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	if (caddr_from_bytes(p, n - 2, port, out) != BT_OK)
		return 0;
	return caddr_usable(out);
}

/* A 20-byte string under key; BT_ERR_FORMAT when missing or sized wrong. */
static int
get_id(const struct bencode *d, const char *key, uint8_t out[KRPC_ID_LEN],
    char *errbuf, size_t errlen)
{
	const struct bencode	*v = bencode_dict_get_type(d, key, BENCODE_STR);

	if (v == NULL || v->slen != KRPC_ID_LEN) {
		bt_errf(errbuf, errlen, "KRPC: \"%s\" is missing or not a "
		    "%d-byte string", key, KRPC_ID_LEN);
		return BT_ERR_FORMAT;
	}
	memcpy(out, v->s, KRPC_ID_LEN);
	return BT_OK;
}

/* An optional token (required when `need'); over KRPC_TOKEN_MAX is a lie
 * about what we will be asked to echo, so the message is refused. */
static int
get_token(const struct bencode *d, int need, struct krpc_msg *m,
    char *errbuf, size_t errlen)
{
	const struct bencode	*v = bencode_dict_get(d, "token");

	if (v == NULL && !need)
		return BT_OK;
	if (v == NULL || v->type != BENCODE_STR ||
	    v->slen > KRPC_TOKEN_MAX) {
		bt_errf(errbuf, errlen, "KRPC: \"token\" is missing, not a "
		    "string or over %d bytes", KRPC_TOKEN_MAX);
		return BT_ERR_FORMAT;
	}
	memcpy(m->token, v->s, v->slen);
	m->token_len = v->slen;
	return BT_OK;
}

/* BEP 32 "want": a list of strings; unknown ones and a "want" of another
 * type are ignored, as the BEP asks for future extensions. */
static unsigned
get_want(const struct bencode *a)
{
	const struct bencode	*w = bencode_dict_get_type(a, "want",
				    BENCODE_LIST);
	unsigned		 want = 0;
	size_t			 i;

	for (i = 0; w != NULL && i < w->n; i++) {
		if (w->items[i]->type != BENCODE_STR || w->items[i]->slen != 2)
			continue;
		if (memcmp(w->items[i]->s, "n4", 2) == 0)
			want |= KRPC_WANT_N4;
		else if (memcmp(w->items[i]->s, "n6", 2) == 0)
			want |= KRPC_WANT_N6;
	}
	return want;
}

/* announce_peer's port: BEP 5 requires the key; with implied_port the
 * value is ignored (kept only when it is a port). */
static int
get_port(const struct bencode *a, struct krpc_msg *m, char *errbuf,
    size_t errlen)
{
	const struct bencode	*v = bencode_dict_get_type(a, "port",
				    BENCODE_INT);
	const struct bencode	*ip = bencode_dict_get_type(a, "implied_port",
				    BENCODE_INT);
	int			 ok;

	m->implied_port = ip != NULL && ip->i != 0;
	if (v == NULL) {
		bt_errf(errbuf, errlen, "KRPC: announce_peer without a "
		    "\"port\" integer");
		return BT_ERR_FORMAT;
	}
	ok = v->i >= 1 && v->i <= 65535;
	if (!ok && !m->implied_port) {
		bt_errf(errbuf, errlen, "KRPC: announce_peer port %" PRId64
		    " is not in 1-65535", v->i);
		return BT_ERR_RANGE;
	}
	m->port = ok ? (uint16_t)v->i : 0;
	return BT_OK;
}

static int
decode_args(const struct bencode *a, struct krpc_msg *m, char *errbuf,
    size_t errlen)
{
	int	r;

	if ((r = get_id(a, "id", m->id, errbuf, errlen)) != BT_OK)
		return r;
	switch (m->method) {
	case KRPC_FIND_NODE:
		m->want = get_want(a);
		return get_id(a, "target", m->target, errbuf, errlen);
	case KRPC_GET_PEERS:
		m->want = get_want(a);
		return get_id(a, "info_hash", m->target, errbuf, errlen);
	case KRPC_ANNOUNCE_PEER:
		if ((r = get_id(a, "info_hash", m->target, errbuf,
		    errlen)) != BT_OK ||
		    (r = get_token(a, 1, m, errbuf, errlen)) != BT_OK)
			return r;
		return get_port(a, m, errbuf, errlen);
	default:
		return BT_OK;
	}
}

static int
decode_query(const struct bencode *d, struct krpc_msg *m, char *errbuf,
    size_t errlen)
{
	const struct bencode	*q = bencode_dict_get_type(d, "q",
				    BENCODE_STR);
	const struct bencode	*a = bencode_dict_get_type(d, "a",
				    BENCODE_DICT);
	size_t			 i;

	if (q == NULL) {
		bt_errf(errbuf, errlen, "KRPC: a query without a \"q\" "
		    "string");
		return BT_ERR_FORMAT;
	}
	m->method = KRPC_UNKNOWN_METHOD;
	for (i = 0; i < sizeof(method_names) / sizeof(method_names[0]); i++)
		if (q->slen == strlen(method_names[i]) &&
		    memcmp(q->s, method_names[i], q->slen) == 0)
			m->method = (int)i;
	if (a == NULL) {
		bt_errf(errbuf, errlen, "KRPC: a query without an \"a\" "
		    "dictionary");
		return BT_ERR_FORMAT;
	}
	return decode_args(a, m, errbuf, errlen);
}

/* "nodes" (26-byte entries) or "nodes6" (38), appended to m->nodes; at most
 * KRPC_MAX_NODES kept per family, the rest and the unusable counted. */
static int
decode_nodes(const struct bencode *r, const char *key, size_t stride,
    struct krpc_msg *m, char *errbuf, size_t errlen)
{
	const struct bencode	*v = bencode_dict_get(r, key);
	const uint8_t		*p;
	struct caddr		 a;
	size_t			 off, kept = 0;

	if (v == NULL)
		return BT_OK;
	if (v->type != BENCODE_STR || v->slen % stride != 0) {
		bt_errf(errbuf, errlen, "KRPC: \"%s\" is not a string of "
		    "%zu-byte entries", key, stride);
		return BT_ERR_FORMAT;
	}
	p = (const uint8_t *)v->s;
	for (off = 0; off < v->slen; off += stride) {
		if (kept == KRPC_MAX_NODES || !compact_addr(p + off +
		    KRPC_ID_LEN, stride - KRPC_ID_LEN, &a)) {
			m->dropped++;
			continue;
		}
		memcpy(m->nodes[m->nnodes].id, p + off, KRPC_ID_LEN);
		m->nodes[m->nnodes++].addr = a;
		kept++;
	}
	return BT_OK;
}

/* "values": a list of 6- or 18-byte strings (BEP 32 allows a mixture). */
static int
decode_values(const struct bencode *r, struct krpc_msg *m, char *errbuf,
    size_t errlen)
{
	const struct bencode	*l = bencode_dict_get(r, "values");
	const struct bencode	*v;
	struct caddr		 a;
	size_t			 i;

	if (l == NULL)
		return BT_OK;
	if (l->type != BENCODE_LIST) {
		bt_errf(errbuf, errlen, "KRPC: \"values\" is not a list");
		return BT_ERR_FORMAT;
	}
	for (i = 0; i < l->n; i++) {
		v = l->items[i];
		if (v->type != BENCODE_STR || (v->slen != 6 && v->slen != 18)) {
			bt_errf(errbuf, errlen, "KRPC: value %zu is not a 6- "
			    "or 18-byte string", i);
			return BT_ERR_FORMAT;
		}
		if (m->nvalues == KRPC_MAX_VALUES ||
		    !compact_addr((const uint8_t *)v->s, v->slen, &a)) {
			m->dropped++;
			continue;
		}
		m->values[m->nvalues++] = a;
	}
	return BT_OK;
}

/* BEP 42 "ip": how the responder sees us.  Informational, so an odd one is
 * ignored rather than costing the whole answer. */
static void
decode_ip(const struct bencode *d, struct krpc_msg *m)
{
	const struct bencode	*v = bencode_dict_get_type(d, "ip",
				    BENCODE_STR);
	const uint8_t		*p;

	if (v == NULL || (v->slen != 6 && v->slen != 18))
		return;
	p = (const uint8_t *)v->s;
	if (caddr_from_bytes(p, v->slen - 2, (uint16_t)(p[v->slen - 2] << 8 |
	    p[v->slen - 1]), &m->ip) != BT_OK)
		memset(&m->ip, 0, sizeof(m->ip));
}

static int
decode_response(const struct bencode *d, struct krpc_msg *m, char *errbuf,
    size_t errlen)
{
	const struct bencode	*r = bencode_dict_get_type(d, "r",
				    BENCODE_DICT);
	int			 rc;

	if (r == NULL) {
		bt_errf(errbuf, errlen, "KRPC: a response without an \"r\" "
		    "dictionary");
		return BT_ERR_FORMAT;
	}
	if ((rc = get_id(r, "id", m->id, errbuf, errlen)) != BT_OK ||
	    (rc = decode_nodes(r, "nodes", NODE4_LEN, m, errbuf,
	    errlen)) != BT_OK ||
	    (rc = decode_nodes(r, "nodes6", NODE6_LEN, m, errbuf,
	    errlen)) != BT_OK ||
	    (rc = decode_values(r, m, errbuf, errlen)) != BT_OK ||
	    (rc = get_token(r, 0, m, errbuf, errlen)) != BT_OK)
		return rc;
	decode_ip(d, m);
	return BT_OK;
}

/* The message is shown to people (logs, the status line): printable ASCII
 * only, cut to fit. */
static void
sanitise(char *dst, size_t cap, const char *src, size_t n)
{
	size_t	i;

	if (n > cap - 1)
		n = cap - 1;
	for (i = 0; i < n; i++)
		dst[i] = (unsigned char)src[i] >= 0x20 &&
		    (unsigned char)src[i] < 0x7f ? src[i] : '?';
	dst[n] = '\0';
}

static int
decode_error(const struct bencode *d, struct krpc_msg *m, char *errbuf,
    size_t errlen)
{
	const struct bencode	*e = bencode_dict_get_type(d, "e",
				    BENCODE_LIST);

	if (e == NULL || e->n < 2 || e->items[0]->type != BENCODE_INT ||
	    e->items[1]->type != BENCODE_STR) {
		bt_errf(errbuf, errlen, "KRPC: an error without an \"e\" list "
		    "[code, message]");
		return BT_ERR_FORMAT;
	}
	m->error_code = e->items[0]->i;
	sanitise(m->error_msg, sizeof(m->error_msg), e->items[1]->s,
	    e->items[1]->slen);
	return BT_OK;
}

/* t, v and y: what every message has, and what an error reply needs. */
static int
decode_head(const struct bencode *d, struct krpc_msg *m, char *errbuf,
    size_t errlen)
{
	const struct bencode	*t = bencode_dict_get_type(d, "t",
				    BENCODE_STR);
	const struct bencode	*v = bencode_dict_get_type(d, "v",
				    BENCODE_STR);
	const struct bencode	*y = bencode_dict_get_type(d, "y",
				    BENCODE_STR);

	if (t == NULL || t->slen == 0 || t->slen > KRPC_TID_MAX) {
		bt_errf(errbuf, errlen, "KRPC: \"t\" is missing, empty or over "
		    "%d bytes", KRPC_TID_MAX);
		return BT_ERR_FORMAT;
	}
	memcpy(m->tid, t->s, t->slen);
	m->tid_len = t->slen;
	/* BEP 20 style: 2 client letters and 2 version bytes; other forms
	 * are not worth refusing a message for. */
	if (v != NULL && v->slen == KRPC_CLIENT_LEN) {
		memcpy(m->client, v->s, KRPC_CLIENT_LEN);
		m->client_len = KRPC_CLIENT_LEN;
	}
	if (y != NULL && y->slen == 1 && (y->s[0] == 'q' || y->s[0] == 'r' ||
	    y->s[0] == 'e')) {
		m->type = y->s[0] == 'q' ? KRPC_QUERY : y->s[0] == 'r' ?
		    KRPC_RESPONSE : KRPC_ERROR;
		return BT_OK;
	}
	bt_errf(errbuf, errlen, "KRPC: \"y\" is not \"q\", \"r\" or \"e\"");
	return BT_ERR_FORMAT;
}

/* After a refusal, keep only what an error reply needs and zero the rest,
 * so no half-read node or value is ever used. */
static void
keep_head(struct krpc_msg *m)
{
	struct krpc_msg	h;

	memset(&h, 0, sizeof(h));
	h.type = m->type;
	h.method = m->method;
	memcpy(h.tid, m->tid, sizeof(h.tid));
	h.tid_len = m->tid_len;
	memcpy(h.client, m->client, sizeof(h.client));
	h.client_len = m->client_len;
	*m = h;
}

int
krpc_decode(const uint8_t *data, size_t len, struct krpc_msg *out,
    char *errbuf, size_t errlen)
{
	struct bencode_err	 e;
	struct bencode		*d = NULL;
	struct bbuf		 v;
	int			 r;

	memset(out, 0, sizeof(*out));
	bt_errf(errbuf, errlen, "%s", "");
	if (len > KRPC_MAX_DATAGRAM) {
		bt_errf(errbuf, errlen, "KRPC: a datagram of %zu bytes is over "
		    "the %d byte limit", len, KRPC_MAX_DATAGRAM);
		return BT_ERR_LIMIT;
	}
	bbuf_view(&v, data, len);
	if ((r = bencode_decode(&v, &d, &e)) != BT_OK) {
		bt_errf(errbuf, errlen, "KRPC: not bencode: %s", e.msg);
		/* a datagram is whole: a value cut short is malformed */
		return r == BT_ERR_INCOMPLETE ? BT_ERR_FORMAT : r;
	}
	if (d->type != BENCODE_DICT) {
		bt_errf(errbuf, errlen, "KRPC: not a dictionary");
		r = BT_ERR_FORMAT;
		goto out;
	}
	if ((r = decode_head(d, out, errbuf, errlen)) != BT_OK)
		goto out;
	if (out->type == KRPC_QUERY)
		r = decode_query(d, out, errbuf, errlen);
	else if (out->type == KRPC_RESPONSE)
		r = decode_response(d, out, errbuf, errlen);
	else
		r = decode_error(d, out, errbuf, errlen);
out:
	if (r != BT_OK)
		keep_head(out);
	bencode_free(d);
	return r;
}

/* ---- encoding ---- */

static int
set_str(struct bencode *d, const char *key, const void *p, size_t n)
{
	return bencode_dict_set(d, key, bencode_new_str(p, n));
}

static int
set_int(struct bencode *d, const char *key, int64_t i)
{
	return bencode_dict_set(d, key, bencode_new_int(i));
}

/* What the decoder would refuse, or could not give back as it was. */
static int
check_msg(const struct krpc_msg *m)
{
	size_t	i, n4 = 0, n6 = 0;

	if (m->tid_len == 0 || m->tid_len > KRPC_TID_MAX ||
	    m->token_len > KRPC_TOKEN_MAX || m->nnodes > 2 * KRPC_MAX_NODES ||
	    m->nvalues > KRPC_MAX_VALUES)
		return BT_ERR_INVALID;
	if (m->type == KRPC_QUERY && (m->method < KRPC_PING ||
	    m->method > KRPC_ANNOUNCE_PEER))
		return BT_ERR_INVALID;
	if (m->type == KRPC_QUERY && m->method == KRPC_ANNOUNCE_PEER &&
	    m->port == 0 && !m->implied_port)
		return BT_ERR_INVALID;
	if (m->type != KRPC_QUERY && m->type != KRPC_RESPONSE &&
	    m->type != KRPC_ERROR)
		return BT_ERR_INVALID;
	for (i = 0; m->type == KRPC_RESPONSE && i < m->nnodes; i++) {
		if (m->nodes[i].addr.family == AF_INET)
			n4++;
		else if (m->nodes[i].addr.family == AF_INET6)
			n6++;
		else
			return BT_ERR_INVALID;
	}
	for (i = 0; m->type == KRPC_RESPONSE && i < m->nvalues; i++)
		if (m->values[i].family != AF_INET &&
		    m->values[i].family != AF_INET6)
			return BT_ERR_INVALID;
	return n4 > KRPC_MAX_NODES || n6 > KRPC_MAX_NODES ? BT_ERR_INVALID :
	    BT_OK;
}

static int
encode_want(struct bencode *a, unsigned want)
{
	struct bencode	*l;
	int		 r = BT_OK;

	if ((want & (KRPC_WANT_N4 | KRPC_WANT_N6)) == 0)
		return BT_OK;
	if ((l = bencode_new_list()) == NULL)
		return BT_ERR_NOMEM;
	if (((want & KRPC_WANT_N4) && (r = bencode_list_append(l,
	    bencode_new_cstr("n4"))) != BT_OK) ||
	    ((want & KRPC_WANT_N6) && (r = bencode_list_append(l,
	    bencode_new_cstr("n6"))) != BT_OK)) {
		bencode_free(l);
		return r;
	}
	return bencode_dict_set(a, "want", l);
}

static int
encode_args(const struct krpc_msg *m, struct bencode *a)
{
	int	r;

	if ((r = set_str(a, "id", m->id, KRPC_ID_LEN)) != BT_OK)
		return r;
	switch (m->method) {
	case KRPC_FIND_NODE:
		if ((r = set_str(a, "target", m->target, KRPC_ID_LEN)) != BT_OK)
			return r;
		return encode_want(a, m->want);
	case KRPC_GET_PEERS:
		if ((r = set_str(a, "info_hash", m->target,
		    KRPC_ID_LEN)) != BT_OK)
			return r;
		return encode_want(a, m->want);
	case KRPC_ANNOUNCE_PEER:
		if ((r = set_str(a, "info_hash", m->target,
		    KRPC_ID_LEN)) != BT_OK ||
		    (r = set_int(a, "port", m->port)) != BT_OK ||
		    (r = set_str(a, "token", m->token, m->token_len)) != BT_OK)
			return r;
		return m->implied_port ? set_int(a, "implied_port", 1) : BT_OK;
	default:
		return BT_OK;
	}
}

static int
encode_query(const struct krpc_msg *m, struct bencode *d)
{
	struct bencode	*a;
	int		 r;

	if ((r = set_str(d, "q", method_names[m->method],
	    strlen(method_names[m->method]))) != BT_OK)
		return r;
	if ((a = bencode_new_dict()) == NULL)
		return BT_ERR_NOMEM;
	if ((r = encode_args(m, a)) != BT_OK) {
		bencode_free(a);
		return r;
	}
	return bencode_dict_set(d, "a", a);
}

/* The nodes of one family as one compact string under key (none: no key). */
static int
encode_nodes(const struct krpc_msg *m, int family, const char *key,
    struct bencode *r)
{
	uint8_t	buf[KRPC_MAX_NODES * NODE6_LEN];
	size_t	i, n = 0;

	for (i = 0; i < m->nnodes; i++) {
		if (m->nodes[i].addr.family != family)
			continue;
		memcpy(buf + n, m->nodes[i].id, KRPC_ID_LEN);
		n += KRPC_ID_LEN;
		n += caddr_compact(&m->nodes[i].addr, buf + n);
	}
	return n == 0 ? BT_OK : set_str(r, key, buf, n);
}

static int
encode_values(const struct krpc_msg *m, struct bencode *r)
{
	struct bencode	*l;
	uint8_t		 c[18];
	size_t		 i, n;
	int		 rc;

	if (m->nvalues == 0)
		return BT_OK;
	if ((l = bencode_new_list()) == NULL)
		return BT_ERR_NOMEM;
	for (i = 0; i < m->nvalues; i++) {
		n = caddr_compact(&m->values[i], c);
		if ((rc = bencode_list_append(l, bencode_new_str(c,
		    n))) != BT_OK) {
			bencode_free(l);
			return rc;
		}
	}
	return bencode_dict_set(r, "values", l);
}

static int
encode_response(const struct krpc_msg *m, struct bencode *d)
{
	struct bencode	*r;
	uint8_t		 c[18];
	size_t		 n;
	int		 rc;

	if ((n = caddr_compact(&m->ip, c)) > 0 &&
	    (rc = set_str(d, "ip", c, n)) != BT_OK)
		return rc;
	if ((r = bencode_new_dict()) == NULL)
		return BT_ERR_NOMEM;
	if ((rc = set_str(r, "id", m->id, KRPC_ID_LEN)) != BT_OK ||
	    (rc = encode_nodes(m, AF_INET, "nodes", r)) != BT_OK ||
	    (rc = encode_nodes(m, AF_INET6, "nodes6", r)) != BT_OK ||
	    (rc = encode_values(m, r)) != BT_OK ||
	    (m->token_len > 0 && (rc = set_str(r, "token", m->token,
	    m->token_len)) != BT_OK)) {
		bencode_free(r);
		return rc;
	}
	return bencode_dict_set(d, "r", r);
}

static int
encode_error(const struct krpc_msg *m, struct bencode *d)
{
	struct bencode	*l;
	int		 r;

	if ((l = bencode_new_list()) == NULL)
		return BT_ERR_NOMEM;
	if ((r = bencode_list_append(l, bencode_new_int(m->error_code))) !=
	    BT_OK || (r = bencode_list_append(l, bencode_new_str(m->error_msg,
	    strnlen(m->error_msg, KRPC_ERROR_MAX - 1)))) != BT_OK) {
		bencode_free(l);
		return r;
	}
	return bencode_dict_set(d, "e", l);
}

int
krpc_encode(const struct krpc_msg *m, struct bbuf *out)
{
	static const char	 ys[] = { [KRPC_QUERY] = 'q',
				    [KRPC_RESPONSE] = 'r', [KRPC_ERROR] = 'e' };
	struct bencode		*d = NULL;
	struct bbuf		 dgram;
	int			 r;

	bbuf_init(&dgram, KRPC_MAX_DATAGRAM);
	if ((r = check_msg(m)) != BT_OK)
		goto out;
	if ((d = bencode_new_dict()) == NULL) {
		r = BT_ERR_NOMEM;
		goto out;
	}
	if ((r = set_str(d, "t", m->tid, m->tid_len)) != BT_OK ||
	    (r = set_str(d, "y", &ys[m->type], 1)) != BT_OK ||
	    (m->client_len == KRPC_CLIENT_LEN && (r = set_str(d, "v",
	    m->client, KRPC_CLIENT_LEN)) != BT_OK))
		goto out;
	if (m->type == KRPC_QUERY)
		r = encode_query(m, d);
	else if (m->type == KRPC_RESPONSE)
		r = encode_response(m, d);
	else
		r = encode_error(m, d);
	if (r != BT_OK || (r = bencode_encode(d, &dgram)) != BT_OK)
		goto out;
	r = bbuf_put_bytes(out, bbuf_ptr(&dgram), bbuf_len(&dgram));
out:
	bencode_free(d);
	bbuf_cleanup(&dgram);
	return r;
}
