/*
 * extmsg: BEP 10 frames and extended handshake, BEP 9 ut_metadata.  Pure
 * functions over caller bytes: bodies are decoded through bencode (which
 * bounds depth, size and node count) from a bbuf view, and what a peer says
 * is range-checked before it lands in a struct.  Encoders build a bencode
 * tree and append the whole frame with a single put, so a failure leaves
 * the output untouched.
 */
#include "extmsg.h"

#include <netinet/in.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "bencode.h"

#ifndef BTTUI_VERSION
#define BTTUI_VERSION	"0"
#endif

/* BEP 3 frame head before the body: length prefix, wire id, extended id. */
#define FRAME_HEAD	6

int
extmsg_split(const uint8_t *payload, size_t len, uint8_t *ext_id_out,
    const uint8_t **body_out, size_t *body_len_out)
{
	struct bbuf	v;
	int		r;

	*body_out = NULL;
	*body_len_out = 0;
	bbuf_view(&v, payload, len);
	if ((r = bbuf_get_u8(&v, ext_id_out)) != BT_OK)
		return BT_ERR_FORMAT;
	*body_out = bbuf_ptr(&v);
	*body_len_out = bbuf_len(&v);
	return BT_OK;
}

int
extmsg_decode_dict(const uint8_t *body, size_t len, int whole,
    const char *what, struct bencode **out, size_t *dict_len_out,
    char *errbuf, size_t errlen)
{
	struct bencode_err	 e;
	struct bencode		*d = NULL;
	struct bbuf		 v;
	int			 r;

	*out = NULL;
	*dict_len_out = 0;
	if (len > EXTMSG_MAX_BODY) {
		bt_errf(errbuf, errlen, "%s: %zu bytes is over the %u byte "
		    "limit", what, len, EXTMSG_MAX_BODY);
		return BT_ERR_LIMIT;
	}
	bbuf_view(&v, body, len);
	r = whole ? bencode_decode(&v, &d, &e) : bencode_decode_prefix(&v, &d,
	    &e);
	if (r != BT_OK) {
		bt_errf(errbuf, errlen, "%s: not bencode: %s", what, e.msg);
		/* The frame is whole: a value cut short is malformed. */
		return r == BT_ERR_INCOMPLETE ? BT_ERR_FORMAT : r;
	}
	if (d->type != BENCODE_DICT) {
		bt_errf(errbuf, errlen, "%s: not a dictionary", what);
		bencode_free(d);
		return BT_ERR_FORMAT;
	}
	*out = d;
	*dict_len_out = d->len;
	return BT_OK;
}

int
extmsg_put_frame(struct bbuf *out, uint8_t ext_id, const struct bencode *dict,
    const uint8_t *tail, size_t tail_len)
{
	struct bbuf	body, frame;
	size_t		n;
	uint32_t	prefix;
	int		r;

	if (dict == NULL || dict->type != BENCODE_DICT)
		return BT_ERR_INVALID;
	bbuf_init(&body, EXTMSG_MAX_BODY);
	bbuf_init(&frame, FRAME_HEAD + EXTMSG_MAX_BODY);
	if ((r = bencode_encode(dict, &body)) != BT_OK)
		goto out;
	n = bbuf_len(&body);
	if (tail_len > EXTMSG_MAX_BODY - n) {
		r = BT_ERR_LIMIT;
		goto out;
	}
	/* BEP 3 length prefix: it counts the wire id, extended id, body */
	prefix = (uint32_t)(2 + n + tail_len);
	if ((r = bbuf_put_u32be(&frame, prefix)) != BT_OK ||
	    (r = bbuf_put_u8(&frame, EXTMSG_WIRE_ID)) != BT_OK ||
	    (r = bbuf_put_u8(&frame, ext_id)) != BT_OK ||
	    (r = bbuf_put_bytes(&frame, bbuf_ptr(&body), n)) != BT_OK ||
	    (tail_len > 0 &&
	    (r = bbuf_put_bytes(&frame, tail, tail_len)) != BT_OK))
		goto out;
	r = bbuf_put_bytes(out, bbuf_ptr(&frame), bbuf_len(&frame));
out:
	bbuf_cleanup(&body);
	bbuf_cleanup(&frame);
	return r;
}

/* ---- v: the peer's client name, shown in the Peers view ---- */

/*
 * Length of the UTF-8 character at s[0..n) and its code point, or 0 when
 * the bytes there are not UTF-8 (a stray continuation byte, an overlong
 * form, a surrogate, past U+10FFFF, cut short).  RFC 3629 table 3.
 */
static size_t
utf8_char(const uint8_t *s, size_t n, uint32_t *cp_out)
{
	uint8_t		lo = 0x80, hi = 0xbf, c = s[0];
	uint32_t	cp;
	size_t		len, i;

	if (c < 0x80) {
		*cp_out = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
		lo = c == 0xe0 ? 0xa0 : lo;
		hi = c == 0xed ? 0x9f : hi;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
		lo = c == 0xf0 ? 0x90 : lo;
		hi = c == 0xf4 ? 0x8f : hi;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*cp_out = cp;
	return len;
}

/* Whether a code point may go on a terminal line as it is: not C0, DEL or
 * C1 controls, nor the line separators and bidi controls that would move
 * the rest of a Peers row, nor a BOM or noncharacter. */
static int
printable(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return 0;
	if (cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	if (cp == 0xfeff || (cp >= 0xfdd0 && cp <= 0xfdef) ||
	    (cp & 0xfffe) == 0xfffe)
		return 0;
	return 1;
}

/* Copies s[0..n) into out[EXTMSG_CLIENT_LEN]: printable characters as they
 * are, each other character or invalid byte as one '?'; stops before a
 * character that does not fit.  Applied twice it changes nothing more. */
static void
client_sanitise(const uint8_t *s, size_t n, char *out)
{
	size_t		i = 0, w = 0, clen;
	uint32_t	cp;

	while (i < n) {
		clen = utf8_char(s + i, n - i, &cp);
		if (clen == 0 || !printable(cp)) {
			if (w + 1 >= EXTMSG_CLIENT_LEN)
				break;
			out[w++] = '?';
			i += clen == 0 ? 1 : clen;
			continue;
		}
		if (w + clen >= EXTMSG_CLIENT_LEN)
			break;
		memcpy(out + w, s + i, clen);
		w += clen;
		i += clen;
	}
	out[w] = '\0';
}

/* ---- BEP 10 extended handshake ---- */

/* key's value when it has the type we use; when it is there with another
 * type, NULL with `bit' set in *bad. */
static const struct bencode *
field(const struct bencode *d, const char *key, enum bencode_type type,
    unsigned bit, unsigned *bad)
{
	const struct bencode	*v = bencode_dict_get(d, key);

	if (v != NULL && v->type != type) {
		*bad |= bit;
		return NULL;
	}
	return v;
}

/* An extension id from m: 0..255 (BEP 10: one byte; 0 = disabled). */
static void
hs_ext_id(const struct bencode *m, const char *name, unsigned bit,
    uint8_t *id_out, struct extmsg_handshake *hs)
{
	const struct bencode	*v;

	if ((v = field(m, name, BENCODE_INT, bit, &hs->bad)) == NULL)
		return;
	if (v->i < 0 || v->i > 255) {
		hs->bad |= bit;
		return;
	}
	*id_out = (uint8_t)v->i;
	hs->flags |= bit;
}

static void
hs_m(const struct bencode *d, struct extmsg_handshake *hs)
{
	const struct bencode	*m;

	if ((m = field(d, "m", BENCODE_DICT, EXTMSG_HS_M, &hs->bad)) == NULL)
		return;
	hs->flags |= EXTMSG_HS_M;
	hs_ext_id(m, "ut_metadata", EXTMSG_HS_UT_METADATA, &hs->ut_metadata,
	    hs);
	hs_ext_id(m, "ut_pex", EXTMSG_HS_UT_PEX, &hs->ut_pex, hs);
}

/* An integer field in lo..hi, else ignored as bad. */
static const struct bencode *
hs_int(const struct bencode *d, const char *key, unsigned bit, int64_t lo,
    int64_t hi, struct extmsg_handshake *hs)
{
	const struct bencode	*v;

	if ((v = field(d, key, BENCODE_INT, bit, &hs->bad)) == NULL)
		return NULL;
	if (v->i < lo || v->i > hi) {
		hs->bad |= bit;
		return NULL;
	}
	hs->flags |= bit;
	return v;
}

static void
hs_fields(const struct bencode *d, struct extmsg_handshake *hs)
{
	const struct bencode	*v;

	hs_m(d, hs);
	if ((v = field(d, "v", BENCODE_STR, EXTMSG_HS_V, &hs->bad)) != NULL) {
		client_sanitise((const uint8_t *)v->s, v->slen, hs->client);
		hs->flags |= EXTMSG_HS_V;
	}
	if ((v = hs_int(d, "p", EXTMSG_HS_P, 1, 65535, hs)) != NULL)
		hs->port = (uint16_t)v->i;
	if ((v = field(d, "yourip", BENCODE_STR, EXTMSG_HS_YOURIP,
	    &hs->bad)) != NULL) {
		if (v->slen == 4 || v->slen == 16) {
			(void)caddr_from_bytes((const uint8_t *)v->s, v->slen,
			    0, &hs->yourip);
			hs->flags |= EXTMSG_HS_YOURIP;
		} else
			hs->bad |= EXTMSG_HS_YOURIP;
	}
	if ((v = hs_int(d, "metadata_size", EXTMSG_HS_METADATA_SIZE, 1,
	    EXTMSG_METADATA_MAX, hs)) != NULL)
		hs->metadata_size = v->i;
	/* Any positive reqq is honest enough; we just queue no more than
	 * EXTMSG_REQQ_MAX. */
	if ((v = hs_int(d, "reqq", EXTMSG_HS_REQQ, 1, INT64_MAX, hs)) != NULL)
		hs->reqq = v->i > EXTMSG_REQQ_MAX ? EXTMSG_REQQ_MAX :
		    (uint32_t)v->i;
}

static void
hs_reset(struct extmsg_handshake *hs)
{
	memset(hs, 0, sizeof(*hs));
	hs->metadata_size = -1;
}

int
extmsg_handshake_decode(const uint8_t *body, size_t len,
    struct extmsg_handshake *out, char *errbuf, size_t errlen)
{
	struct bencode	*d;
	size_t		 n;
	int		 r;

	hs_reset(out);
	if ((r = extmsg_decode_dict(body, len, 1, "extended handshake", &d, &n,
	    errbuf, errlen)) != BT_OK)
		return r;
	hs_fields(d, out);
	bencode_free(d);
	return BT_OK;
}

void
extmsg_handshake_merge(struct extmsg_handshake *cur,
    const struct extmsg_handshake *next)
{
	unsigned	f = next->flags;

	if (f & EXTMSG_HS_UT_METADATA)
		cur->ut_metadata = next->ut_metadata;
	if (f & EXTMSG_HS_UT_PEX)
		cur->ut_pex = next->ut_pex;
	if (f & EXTMSG_HS_V)
		memcpy(cur->client, next->client, sizeof(cur->client));
	if (f & EXTMSG_HS_P)
		cur->port = next->port;
	if (f & EXTMSG_HS_YOURIP)
		cur->yourip = next->yourip;
	if (f & EXTMSG_HS_METADATA_SIZE)
		cur->metadata_size = next->metadata_size;
	if (f & EXTMSG_HS_REQQ)
		cur->reqq = next->reqq;
	cur->flags |= f;
	cur->bad = next->bad;
}

void
extmsg_handshake_ours(struct extmsg_handshake *out, unsigned exts,
    uint16_t port, int64_t metadata_size, uint32_t reqq)
{
	hs_reset(out);
	out->flags = EXTMSG_HS_M | EXTMSG_HS_V;
	if (exts & EXTMSG_HS_UT_METADATA) {
		out->flags |= EXTMSG_HS_UT_METADATA;
		out->ut_metadata = EXTMSG_OUR_UT_METADATA;
	}
	if (exts & EXTMSG_HS_UT_PEX) {
		out->flags |= EXTMSG_HS_UT_PEX;
		out->ut_pex = EXTMSG_OUR_UT_PEX;
	}
	snprintf(out->client, sizeof(out->client), "bttui %s", BTTUI_VERSION);
	if (port != 0) {
		out->flags |= EXTMSG_HS_P;
		out->port = port;
	}
	if (metadata_size >= 1 && metadata_size <= EXTMSG_METADATA_MAX) {
		out->flags |= EXTMSG_HS_METADATA_SIZE;
		out->metadata_size = metadata_size;
	}
	if (reqq >= 1 && reqq <= EXTMSG_REQQ_MAX) {
		out->flags |= EXTMSG_HS_REQQ;
		out->reqq = reqq;
	}
}

int
extmsg_handshake_set_yourip(struct extmsg_handshake *hs,
    const struct sockaddr_storage *ss, socklen_t len)
{
	struct caddr	a;
	int		r;

	if ((r = caddr_from_sockaddr(ss, len, &a)) != BT_OK)
		return r;
	a.port = 0;
	hs->yourip = a;
	hs->flags |= EXTMSG_HS_YOURIP;
	return BT_OK;
}

/* Whether every flagged field holds what the decoder would keep. */
static int
hs_valid(const struct extmsg_handshake *hs)
{
	unsigned	f = hs->flags;

	if ((f & EXTMSG_HS_V) &&
	    memchr(hs->client, '\0', sizeof(hs->client)) == NULL)
		return 0;
	if ((f & EXTMSG_HS_P) && hs->port == 0)
		return 0;
	if ((f & EXTMSG_HS_YOURIP) && hs->yourip.family != AF_INET &&
	    hs->yourip.family != AF_INET6)
		return 0;
	if ((f & EXTMSG_HS_METADATA_SIZE) && (hs->metadata_size < 1 ||
	    hs->metadata_size > EXTMSG_METADATA_MAX))
		return 0;
	if ((f & EXTMSG_HS_REQQ) && (hs->reqq < 1 ||
	    hs->reqq > EXTMSG_REQQ_MAX))
		return 0;
	return 1;
}

static int
hs_put_m(struct bencode *d, const struct extmsg_handshake *hs)
{
	struct bencode	*m;
	int		 r;

	if ((m = bencode_new_dict()) == NULL)
		return BT_ERR_NOMEM;
	if (((hs->flags & EXTMSG_HS_UT_METADATA) &&
	    (r = bencode_dict_set(m, "ut_metadata",
	    bencode_new_int(hs->ut_metadata))) != BT_OK) ||
	    ((hs->flags & EXTMSG_HS_UT_PEX) &&
	    (r = bencode_dict_set(m, "ut_pex",
	    bencode_new_int(hs->ut_pex))) != BT_OK)) {
		bencode_free(m);
		return r;
	}
	return bencode_dict_set(d, "m", m);
}

/* Builds the handshake dictionary's fields into d. */
static int
hs_build(struct bencode *d, const struct extmsg_handshake *hs)
{
	unsigned	f = hs->flags;
	size_t		iplen = hs->yourip.family == AF_INET ? 4 : 16;
	int		r = BT_OK;

	if ((f & (EXTMSG_HS_M | EXTMSG_HS_UT_METADATA | EXTMSG_HS_UT_PEX)) &&
	    (r = hs_put_m(d, hs)) != BT_OK)
		return r;
	if (((f & EXTMSG_HS_V) && (r = bencode_dict_set(d, "v",
	    bencode_new_cstr(hs->client))) != BT_OK) ||
	    ((f & EXTMSG_HS_P) && (r = bencode_dict_set(d, "p",
	    bencode_new_int(hs->port))) != BT_OK) ||
	    ((f & EXTMSG_HS_YOURIP) && (r = bencode_dict_set(d, "yourip",
	    bencode_new_str(hs->yourip.ip, iplen))) != BT_OK) ||
	    ((f & EXTMSG_HS_METADATA_SIZE) && (r = bencode_dict_set(d,
	    "metadata_size", bencode_new_int(hs->metadata_size))) != BT_OK) ||
	    ((f & EXTMSG_HS_REQQ) && (r = bencode_dict_set(d, "reqq",
	    bencode_new_int(hs->reqq))) != BT_OK))
		return r;
	return BT_OK;
}

int
extmsg_handshake_encode(struct bbuf *out, const struct extmsg_handshake *hs)
{
	struct bencode	*d;
	int		 r;

	if (!hs_valid(hs))
		return BT_ERR_INVALID;
	if ((d = bencode_new_dict()) == NULL)
		return BT_ERR_NOMEM;
	if ((r = hs_build(d, hs)) == BT_OK)
		r = extmsg_put_frame(out, EXTMSG_HANDSHAKE_ID, d, NULL, 0);
	bencode_free(d);
	return r;
}

/* ---- BEP 9 ut_metadata ---- */

uint32_t
extmsg_metadata_pieces(uint32_t total_size)
{
	if (total_size == 0 || total_size > EXTMSG_METADATA_MAX)
		return 0;
	return (total_size + EXTMSG_METADATA_PIECE - 1) /
	    EXTMSG_METADATA_PIECE;
}

uint32_t
extmsg_metadata_piece_len(uint32_t total_size, uint32_t piece)
{
	uint32_t	n = extmsg_metadata_pieces(total_size);

	if (piece >= n)
		return 0;
	if (piece + 1 < n)
		return EXTMSG_METADATA_PIECE;
	return total_size - piece * EXTMSG_METADATA_PIECE;
}

/* A required integer key; errbuf names it when it is missing. */
static int
md_int(const struct bencode *d, const char *key, int64_t *v_out, char *errbuf,
    size_t errlen)
{
	const struct bencode	*v = bencode_dict_get_type(d, key,
				    BENCODE_INT);

	*v_out = 0;
	if (v == NULL) {
		bt_errf(errbuf, errlen, "ut_metadata: no integer %s", key);
		return BT_ERR_FORMAT;
	}
	*v_out = v->i;
	return BT_OK;
}

/* total_size and the piece's bytes after the dictionary of a DATA. */
static int
md_data(const struct bencode *d, const uint8_t *tail, size_t tail_len,
    struct extmsg_metadata *m, char *errbuf, size_t errlen)
{
	int64_t		total;
	uint32_t	want;
	int		r;

	if ((r = md_int(d, "total_size", &total, errbuf, errlen)) != BT_OK)
		return r;
	if (total <= 0 || total > EXTMSG_METADATA_MAX) {
		bt_errf(errbuf, errlen, "ut_metadata: total_size %" PRId64
		    " is outside 1..%u", total, EXTMSG_METADATA_MAX);
		return BT_ERR_RANGE;
	}
	if (tail_len > EXTMSG_METADATA_PIECE) {
		bt_errf(errbuf, errlen, "ut_metadata: %zu data bytes is over "
		    "the %u byte piece", tail_len, EXTMSG_METADATA_PIECE);
		return BT_ERR_LIMIT;
	}
	if ((want = extmsg_metadata_piece_len((uint32_t)total,
	    m->piece)) == 0) {
		bt_errf(errbuf, errlen, "ut_metadata: piece %" PRIu32
		    " is past the end of %" PRId64 " bytes", m->piece, total);
		return BT_ERR_RANGE;
	}
	if (tail_len != want) {
		bt_errf(errbuf, errlen, "ut_metadata: piece %" PRIu32 " of %"
		    PRId64 " bytes must hold %" PRIu32 " bytes, not %zu",
		    m->piece, total, want, tail_len);
		return BT_ERR_FORMAT;
	}
	m->total_size = (uint32_t)total;
	m->data = tail;
	m->data_len = tail_len;
	return BT_OK;
}

/* msg_type, piece and what follows the dictionary d (dlen bytes). */
static int
md_fields(const struct bencode *d, const uint8_t *body, size_t len,
    size_t dlen, struct extmsg_metadata *m, char *errbuf, size_t errlen)
{
	int64_t	type, piece;
	int	r;

	if ((r = md_int(d, "msg_type", &type, errbuf, errlen)) != BT_OK)
		return r;
	if (type < EXTMSG_METADATA_REQUEST || type > EXTMSG_METADATA_REJECT) {
		m->type = EXTMSG_METADATA_UNKNOWN;
		return BT_OK;
	}
	if ((r = md_int(d, "piece", &piece, errbuf, errlen)) != BT_OK)
		return r;
	if (piece < 0 || piece >= EXTMSG_METADATA_MAX_PIECES) {
		bt_errf(errbuf, errlen, "ut_metadata: piece %" PRId64 " is "
		    "outside 0..%u", piece, EXTMSG_METADATA_MAX_PIECES - 1);
		return BT_ERR_RANGE;
	}
	m->type = (int)type;
	m->piece = (uint32_t)piece;
	if (type == EXTMSG_METADATA_DATA)
		return md_data(d, body + dlen, len - dlen, m, errbuf, errlen);
	if (len > dlen) {
		bt_errf(errbuf, errlen, "ut_metadata: %zu bytes after a %s",
		    len - dlen, type == EXTMSG_METADATA_REQUEST ? "request" :
		    "reject");
		return BT_ERR_FORMAT;
	}
	return BT_OK;
}

int
extmsg_metadata_decode(const uint8_t *body, size_t len,
    struct extmsg_metadata *out, char *errbuf, size_t errlen)
{
	struct bencode	*d;
	size_t		 dlen;
	int		 r;

	memset(out, 0, sizeof(*out));
	if ((r = extmsg_decode_dict(body, len, 0, "ut_metadata", &d, &dlen,
	    errbuf, errlen)) != BT_OK)
		return r;
	r = md_fields(d, body, len, dlen, out, errbuf, errlen);
	bencode_free(d);
	if (r != BT_OK)
		memset(out, 0, sizeof(*out));
	return r;
}

/* The dictionary every ut_metadata message has, plus total_size for DATA
 * (total_size 0: none). */
static int
md_put(struct bbuf *out, uint8_t ext_id, int type, uint32_t piece,
    uint32_t total_size, const uint8_t *data, size_t len)
{
	struct bencode	*d;
	int		 r;

	if (ext_id == 0)
		return BT_ERR_INVALID;
	if (piece >= EXTMSG_METADATA_MAX_PIECES)
		return BT_ERR_RANGE;
	if ((d = bencode_new_dict()) == NULL)
		return BT_ERR_NOMEM;
	if ((r = bencode_dict_set(d, "msg_type", bencode_new_int(type))) ==
	    BT_OK &&
	    (r = bencode_dict_set(d, "piece", bencode_new_int(piece))) ==
	    BT_OK &&
	    (total_size == 0 || (r = bencode_dict_set(d, "total_size",
	    bencode_new_int(total_size))) == BT_OK))
		r = extmsg_put_frame(out, ext_id, d, data, len);
	bencode_free(d);
	return r;
}

int
extmsg_put_metadata_request(struct bbuf *out, uint8_t ext_id, uint32_t piece)
{
	return md_put(out, ext_id, EXTMSG_METADATA_REQUEST, piece, 0, NULL, 0);
}

int
extmsg_put_metadata_reject(struct bbuf *out, uint8_t ext_id, uint32_t piece)
{
	return md_put(out, ext_id, EXTMSG_METADATA_REJECT, piece, 0, NULL, 0);
}

int
extmsg_put_metadata_data(struct bbuf *out, uint8_t ext_id, uint32_t piece,
    uint32_t total_size, const uint8_t *data, size_t len)
{
	uint32_t	want;

	if (ext_id == 0)
		return BT_ERR_INVALID;
	if (total_size == 0 || total_size > EXTMSG_METADATA_MAX ||
	    (want = extmsg_metadata_piece_len(total_size, piece)) == 0)
		return BT_ERR_RANGE;
	if (len != want)
		return BT_ERR_FORMAT;
	return md_put(out, ext_id, EXTMSG_METADATA_DATA, piece, total_size,
	    data, len);
}

int
extmsg_metadata_encode(struct bbuf *out, uint8_t ext_id,
    const struct extmsg_metadata *m)
{
	switch (m->type) {
	case EXTMSG_METADATA_REQUEST:
		return extmsg_put_metadata_request(out, ext_id, m->piece);
	case EXTMSG_METADATA_REJECT:
		return extmsg_put_metadata_reject(out, ext_id, m->piece);
	case EXTMSG_METADATA_DATA:
		return extmsg_put_metadata_data(out, ext_id, m->piece,
		    m->total_size, m->data, m->data_len);
	}
	return BT_ERR_INVALID;
}
