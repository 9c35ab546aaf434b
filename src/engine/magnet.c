/*
 * Magnet links (BEP 9, BEP 53 so): a parser of outside text and the
 * canonical builder.  The link is read through bbuf views, one parameter at
 * a time; a value is percent-decoded into a fixed buffer of
 * MAGNET_MAX_VALUE bytes before it is looked at, and every list is capped,
 * so a 64 KiB link costs at most a few hundred KiB of memory.
 */
#include "magnet.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"

#define SCHEME		"magnet:"
#define BTIH		"urn:btih:"
#define BTMH		"urn:btmh:"
#define BTMH_SHA256	"1220"	/* multihash: sha2-256, 32 bytes */
#define QUOTE_MAX	48	/* bytes of a value quoted in a message */

struct parse {
	struct magnet	*m;
	char		*err;
	size_t		 errlen;
	int		 btih;		/* an info-hash was set */
	int		 btmh;		/* a well-formed urn:btmh was seen */
	int		 bad_btmh;	/* a malformed one */
	size_t		 base;		/* offset of the trimmed link in uri */
	char		 key[16];	/* the key being handled, for messages */
	char		 v[MAGNET_MAX_VALUE + 1];	/* its decoded value */
	size_t		 vlen;
};

static int __attribute__((format(printf, 3, 4)))
fail(struct parse *p, int r, const char *fmt, ...)
{
	va_list	ap;

	if (p->err == NULL || p->errlen == 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return r;
}

/* Outside text fit for one message line: escaped, cut to QUOTE_MAX. */
static const char *
quote(const char *s, size_t n, char *out, size_t outlen)
{
	size_t	i, w = 0;
	uint8_t	c;

	for (i = 0; i < n && i < QUOTE_MAX && w + 5 < outlen; i++) {
		c = (uint8_t)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[w++] = (char)c;
		else
			w += (size_t)snprintf(out + w, outlen - w, "\\x%02x", c);
	}
	snprintf(out + w, outlen - w, "%s", i < n ? "..." : "");
	return out;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* One byte of a value: a literal, or the byte a "%XX" stands for. */
static int
decode_byte(struct parse *p, struct bbuf *in, int plus_space, uint8_t *c)
{
	uint8_t	h = 0, l = 0;
	char	esc[4], q[32];
	size_t	at = bbuf_offset(in);

	if (bbuf_get_u8(in, c) != BT_OK)
		return BT_ERR_FORMAT;
	if (*c == '+' && plus_space)
		*c = ' ';
	if (*c != '%')
		return BT_OK;
	(void)bbuf_peek_u8(in, 0, &h);	/* 0 when missing: not hex */
	(void)bbuf_peek_u8(in, 1, &l);
	if (hexval(h) < 0 || hexval(l) < 0) {
		esc[0] = '%';
		esc[1] = (char)h;
		esc[2] = (char)l;
		return fail(p, BT_ERR_FORMAT, "magnet link: bad percent-escape "
		    "\"%s\" in %s at byte %zu (want %% and two hex digits; "
		    "a literal %% is %%25)", quote(esc, bbuf_len(in) < 2 ?
		    1 + bbuf_len(in) : 3, q, sizeof(q)), p->key, p->base + at);
	}
	bbuf_consume(in, 2);
	*c = (uint8_t)(hexval(h) << 4 | hexval(l));
	if (*c == 0)
		return fail(p, BT_ERR_FORMAT, "magnet link: %%00 (a NUL byte) "
		    "in %s at byte %zu", p->key, p->base + at);
	return BT_OK;
}

/* Percent-decodes `in' into p->v (NUL-terminated), at most
 * MAGNET_MAX_VALUE bytes. */
static int
decode_value(struct parse *p, struct bbuf *in, int plus_space)
{
	uint8_t	c;
	int	r;

	p->vlen = 0;
	while (bbuf_len(in) > 0) {
		if ((r = decode_byte(p, in, plus_space, &c)) != BT_OK)
			return r;
		if (p->vlen == MAGNET_MAX_VALUE)
			return fail(p, BT_ERR_LIMIT, "magnet link: a %s value is "
			    "over %d bytes", p->key, MAGNET_MAX_VALUE);
		p->v[p->vlen++] = (char)c;
	}
	p->v[p->vlen] = '\0';
	return BT_OK;
}

/* RFC 4648 base32, either case: 32 characters are exactly 160 bits. */
static int
base32_hash(const char *s, uint8_t out[MAGNET_HASH_LEN])
{
	uint64_t	acc = 0;
	size_t		i, w = 0;
	int		bits = 0, v;

	for (i = 0; i < 32; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			v = s[i] - 'A';
		else if (s[i] >= 'a' && s[i] <= 'z')
			v = s[i] - 'a';
		else if (s[i] >= '2' && s[i] <= '7')
			v = s[i] - '2' + 26;
		else
			return 0;
		acc = acc << 5 | (uint64_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[w++] = (uint8_t)(acc >> bits);
		}
	}
	return w == MAGNET_HASH_LEN;
}

/* n hex digits, either case, into n / 2 bytes (out may be NULL). */
static int
hex_bytes(const char *s, size_t n, uint8_t *out)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (hexval((uint8_t)s[i]) < 0)
			return 0;
	for (i = 0; out != NULL && i < n / 2; i++)
		out[i] = (uint8_t)(hexval((uint8_t)s[2 * i]) << 4 |
		    hexval((uint8_t)s[2 * i + 1]));
	return 1;
}

/* BEP 52 v2 hash: recorded, never used (bttui speaks v1 only). */
static void
xt_btmh(struct parse *p, const char *h, size_t n)
{
	if (n == 68 && strncmp(h, BTMH_SHA256, 4) == 0 && hex_bytes(h, n, NULL))
		p->btmh = 1;
	else
		p->bad_btmh = 1;
}

static int
xt_btih(struct parse *p, const char *h, size_t n)
{
	uint8_t	hash[MAGNET_HASH_LEN];
	char	q[QUOTE_MAX + 8], hex[2 * MAGNET_HASH_LEN + 1];
	size_t	i;

	if (!(n == 40 && hex_bytes(h, n, hash)) &&
	    !(n == 32 && base32_hash(h, hash)))
		return fail(p, BT_ERR_FORMAT, "magnet link: bad info-hash \"%s\" "
		    "(want 40 hex digits or 32 base32 characters)",
		    quote(h, n, q, sizeof(q)));
	for (i = 0; i < MAGNET_HASH_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", hash[i]);
	if (p->btih && memcmp(hash, p->m->info_hash, MAGNET_HASH_LEN) != 0)
		return fail(p, BT_ERR_FORMAT, "magnet link: two different "
		    "info-hashes (%s and %s)", p->m->info_hash_hex, hex);
	memcpy(p->m->info_hash, hash, MAGNET_HASH_LEN);
	memcpy(p->m->info_hash_hex, hex, sizeof(hex));
	p->btih = 1;
	return BT_OK;
}

/* xt: urn:btih (v1), urn:btmh (v2), or another urn we ignore. */
static int
param_xt(struct parse *p)
{
	size_t	n = strlen(BTIH);

	if (p->vlen >= n && strncasecmp(p->v, BTIH, n) == 0)
		return xt_btih(p, p->v + n, p->vlen - n);
	if (p->vlen >= n && strncasecmp(p->v, BTMH, n) == 0)
		xt_btmh(p, p->v + n, p->vlen - n);
	return BT_OK;
}

/* dn: the first one wins; shown before the metadata is there, so control
 * bytes become '?' (they would break a log line or the screen). */
static int
param_dn(struct parse *p)
{
	size_t	i;

	if (p->m->name != NULL || p->vlen == 0)
		return BT_OK;
	for (i = 0; i < p->vlen; i++)
		if ((uint8_t)p->v[i] < 0x20 || p->v[i] == 0x7f)
			p->v[i] = '?';
	if ((p->m->name = strdup(p->v)) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	return BT_OK;
}

/* SCHEME://REST, printable ASCII without blanks (RFC 3986 scheme). */
static int
url_ok(const char *s, size_t n, int http_only)
{
	size_t	i, colon;

	if (http_only)
		return (n > 7 && strncasecmp(s, "http://", 7) == 0 &&
		    url_ok(s, n, 0)) ||
		    (n > 8 && strncasecmp(s, "https://", 8) == 0 &&
		    url_ok(s, n, 0));
	for (i = 0; i < n; i++)
		if ((uint8_t)s[i] <= 0x20 || (uint8_t)s[i] >= 0x7f)
			return 0;
	for (colon = 0; colon < n && s[colon] != ':'; colon++)
		if (!((s[colon] >= 'a' && s[colon] <= 'z') ||
		    (s[colon] >= 'A' && s[colon] <= 'Z') ||
		    (colon > 0 && (is_digit(s[colon]) || s[colon] == '+' ||
		    s[colon] == '-' || s[colon] == '.'))))
			return 0;
	return colon > 0 && n - colon > 3 && strncmp(s + colon, "://", 3) == 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Adds a URL to list (cap max) unless it is a duplicate; counts drops. */
static int
url_add(struct parse *p, char ***list, size_t *n, size_t max, int http_only)
{
	const char	*s = p->v;
	size_t		 len = p->vlen, i;

	while (len > 0 && is_blank(*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_blank(s[len - 1]))
		len--;
	if (len == 0)
		return BT_OK;
	if (!url_ok(s, len, http_only)) {
		p->m->ndropped++;
		return BT_OK;
	}
	for (i = 0; i < *n; i++)
		/* strncmp stops at the first difference: linear in the link */
		if (strncmp((*list)[i], s, len) == 0 && (*list)[i][len] == '\0')
			return BT_OK;
	if (*n == max) {
		p->m->ndropped++;
		return BT_OK;
	}
	if (*list == NULL && (*list = calloc(max, sizeof(**list))) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	if (((*list)[*n] = strndup(s, len)) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	(*n)++;
	return BT_OK;
}

static int
param_tr(struct parse *p)
{
	return url_add(p, &p->m->trackers, &p->m->ntrackers,
	    MAGNET_MAX_TRACKERS, 0);
}

/* ws (BEP 19 web seeds): only http(s) can be fetched. */
static int
param_ws(struct parse *p)
{
	return url_add(p, &p->m->webseeds, &p->m->nwebseeds,
	    MAGNET_MAX_WEBSEEDS, 1);
}

/* RFC 1035/1123 host name; an all-digit last label would be a mistyped
 * IPv4 address ("1.2.3"), not a name. */
static int
dns_name_ok(const char *s, size_t n)
{
	size_t	i, label = 0;
	int	digits = 1;

	if (n == 0 || n > MAGNET_MAX_HOST)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			digits = 1;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || is_digit(s[i]) ||
		    (s[i] == '-' && label > 0)))
			return 0;
		if (!is_digit(s[i]))
			digits = 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && s[n - 1] != '-' && !digits;
}

/* 1..65535 in decimal, nothing else. */
static int
port_parse(const char *s, size_t n, uint16_t *out)
{
	uint32_t	v = 0;
	size_t		i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return 0;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return 0;
	*out = (uint16_t)v;
	return 1;
}

/* HOST:PORT, [V6]:PORT into *pe; 0 when malformed. */
static int
peer_parse(const char *s, size_t n, struct magnet_peer *pe)
{
	const char	*host = s;
	size_t		 hlen = n;

	memset(pe, 0, sizeof(*pe));
	while (hlen > 0 && s[hlen - 1] != ':')
		hlen--;
	if (hlen == 0 || !port_parse(s + hlen, n - hlen, &pe->port))
		return 0;
	hlen--;		/* the ':' */
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		host = s + 1;
		hlen -= 2;
		if (hlen == 0 || hlen > MAGNET_MAX_HOST)
			return 0;
		memcpy(pe->host, host, hlen);
		pe->family = AF_INET6;
		return inet_pton(AF_INET6, pe->host, pe->addr) == 1;
	}
	if (hlen == 0 || hlen > MAGNET_MAX_HOST)
		return 0;
	memcpy(pe->host, host, hlen);
	if (inet_pton(AF_INET, pe->host, pe->addr) == 1) {
		pe->family = AF_INET;
		return 1;
	}
	return dns_name_ok(host, hlen);
}

static int
same_peer(const struct magnet_peer *a, const struct magnet_peer *b)
{
	if (a->family != b->family || a->port != b->port)
		return 0;
	if (a->family == 0)
		return strcasecmp(a->host, b->host) == 0;
	return memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

/* x.pe: a bad one fails the link (the user typed it), extras are counted. */
static int
param_xpe(struct parse *p)
{
	struct magnet_peer	 pe;
	struct magnet		*m = p->m;
	char			 q[QUOTE_MAX + 8];
	size_t			 i;

	if (!peer_parse(p->v, p->vlen, &pe))
		return fail(p, BT_ERR_FORMAT, "magnet link: bad x.pe \"%s\" "
		    "(want IPV4:PORT, [IPV6]:PORT or NAME:PORT, port 1-65535)",
		    quote(p->v, p->vlen, q, sizeof(q)));
	for (i = 0; i < m->npeers; i++)
		if (same_peer(&m->peers[i], &pe))
			return BT_OK;
	if (m->npeers == MAGNET_MAX_PEERS) {
		m->ndropped++;
		return BT_OK;
	}
	if (m->peers == NULL &&
	    (m->peers = calloc(MAGNET_MAX_PEERS, sizeof(*m->peers))) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	m->peers[m->npeers++] = pe;
	return BT_OK;
}

/* A decimal number of at most `max'; *i advances past its digits. */
static int
number(const char *s, size_t n, size_t *i, uint64_t max, uint64_t *out)
{
	size_t	start = *i;

	*out = 0;
	while (*i < n && is_digit(s[*i])) {
		if (*out > (max - (uint64_t)(s[*i] - '0')) / 10)
			return BT_ERR_RANGE;
		*out = *out * 10 + (uint64_t)(s[*i] - '0');
		(*i)++;
	}
	return *i > start ? BT_OK : BT_ERR_FORMAT;
}

/* Inserts [a, b] into the sorted, disjoint, non-adjacent ranges. */
static int
range_add(struct parse *p, uint32_t a, uint32_t b)
{
	struct magnet	*m = p->m;
	size_t		 i, j;

	for (i = 0; i < m->nselect && m->select[i].last + 1 < a; i++)
		continue;
	/* ranges i..j-1 touch [a, b]: they merge into one */
	for (j = i; j < m->nselect && m->select[j].first <= b + 1; j++) {
		if (m->select[j].first < a)
			a = m->select[j].first;
		if (m->select[j].last > b)
			b = m->select[j].last;
	}
	if (i == j) {
		if (m->nselect == MAGNET_MAX_RANGES)
			return fail(p, BT_ERR_LIMIT, "magnet link: so selects "
			    "over %d separate ranges of files",
			    MAGNET_MAX_RANGES);
		if (m->select == NULL && (m->select = calloc(MAGNET_MAX_RANGES,
		    sizeof(*m->select))) == NULL)
			return fail(p, BT_ERR_NOMEM, "out of memory");
		memmove(&m->select[i + 1], &m->select[i],
		    (m->nselect - i) * sizeof(*m->select));
		m->nselect++;
		j = i + 1;
	}
	m->select[i] = (struct magnet_range){ a, b };
	memmove(&m->select[i + 1], &m->select[j],
	    (m->nselect - j) * sizeof(*m->select));
	m->nselect -= j - i - 1;
	return BT_OK;
}

/* One so item, "N" or "N-M", from p->v at *i. */
static int
so_item(struct parse *p, size_t *i, uint64_t *a, uint64_t *b)
{
	int	r;

	if ((r = number(p->v, p->vlen, i, MAGNET_MAX_FILE_INDEX, a)) != BT_OK)
		return r;
	*b = *a;
	if (*i < p->vlen && p->v[*i] == '-') {
		(*i)++;
		if ((r = number(p->v, p->vlen, i, MAGNET_MAX_FILE_INDEX,
		    b)) != BT_OK)
			return r;
	}
	return *b >= *a ? BT_OK : BT_ERR_FORMAT;
}

/* so (BEP 53): "0,2,4-6"; several so parameters add up. */
static int
param_so(struct parse *p)
{
	uint64_t	a, b;
	size_t		i = 0;
	char		q[QUOTE_MAX + 8];
	int		r;

	while ((r = so_item(p, &i, &a, &b)) == BT_OK) {
		if ((r = range_add(p, (uint32_t)a, (uint32_t)b)) != BT_OK)
			return r;
		if (i == p->vlen)
			return BT_OK;
		if (p->v[i++] != ',') {
			r = BT_ERR_FORMAT;
			break;
		}
	}
	if (r == BT_ERR_RANGE)
		return fail(p, r, "magnet link: so \"%s\" names a file past "
		    "index %d", quote(p->v, p->vlen, q, sizeof(q)),
		    MAGNET_MAX_FILE_INDEX);
	return fail(p, r, "magnet link: bad so \"%s\" (want file indexes from "
	    "0 like 0,2,4-6)", quote(p->v, p->vlen, q, sizeof(q)));
}

/* xl: the exact length in bytes. */
static int
param_xl(struct parse *p)
{
	size_t	i = 0;
	char	q[QUOTE_MAX + 8];

	if (number(p->v, p->vlen, &i, UINT64_MAX, &p->m->length) != BT_OK ||
	    i != p->vlen)
		return fail(p, BT_ERR_FORMAT, "magnet link: bad xl \"%s\" "
		    "(want a length in bytes)", quote(p->v, p->vlen, q,
		    sizeof(q)));
	return BT_OK;
}

static const struct {
	const char	*name;
	int		 numbered;	/* "tr.1" too */
	int		 plus_space;	/* '+' decodes to ' ' */
	int		(*fn)(struct parse *);
} params[] = {
	{ "xt", 1, 0, param_xt },
	{ "dn", 1, 1, param_dn },
	{ "tr", 1, 0, param_tr },
	{ "ws", 0, 0, param_ws },
	{ "x.pe", 0, 0, param_xpe },
	{ "so", 0, 0, param_so },
	{ "xl", 0, 0, param_xl },
};

static int
key_is(const uint8_t *k, size_t n, const char *name, int numbered)
{
	size_t	len = strlen(name), i;

	if (n < len || memcmp(k, name, len) != 0)
		return 0;
	if (n == len)
		return 1;
	if (!numbered || k[len] != '.' || n == len + 1)
		return 0;
	for (i = len + 1; i < n; i++)
		if (!is_digit(k[i]))
			return 0;
	return 1;
}

/* One "key=value" (or a bare "key"). */
static int
param(struct parse *p, struct bbuf *kv)
{
	struct bbuf	key;
	size_t		at, i;
	int		r;

	if (bbuf_find(kv, '=', &at) != BT_OK)
		at = bbuf_len(kv);
	if ((r = bbuf_split(kv, at, &key)) != BT_OK)
		return r;
	bbuf_consume(kv, bbuf_len(kv) > 0 ? 1 : 0);
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (key_is(bbuf_ptr(&key), bbuf_len(&key), params[i].name,
		    params[i].numbered))
			break;
	if (i == sizeof(params) / sizeof(params[0])) {
		p->m->nunknown++;
		return BT_OK;
	}
	snprintf(p->key, sizeof(p->key), "%s", params[i].name);
	if ((r = decode_value(p, kv, params[i].plus_space)) != BT_OK)
		return r;
	return params[i].fn(p);
}

/* The scheme and '?'; `in' is left at the first parameter. */
static int
scheme(struct parse *p, struct bbuf *in)
{
	const uint8_t	*s = bbuf_ptr(in);
	size_t		 n = bbuf_len(in), i, len = strlen(SCHEME);
	char		 q[QUOTE_MAX + 8];

	if (n >= len && strncasecmp((const char *)s, SCHEME, len) == 0) {
		if (n == len || s[len] != '?')
			return fail(p, BT_ERR_FORMAT, "not a magnet link: no '?' "
			    "after magnet: (want magnet:?xt=urn:btih:...)");
		return bbuf_consume(in, len + 1);
	}
	for (i = 0; i < n && i < 32 && s[i] != ':'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (i > 0 && (is_digit(s[i]) || s[i] == '+' ||
		    s[i] == '-' || s[i] == '.'))))
			break;
	if (i > 0 && i < n && s[i] == ':')
		return fail(p, BT_ERR_FORMAT, "not a magnet link: the scheme is "
		    "\"%s\" (want magnet:?xt=urn:btih:...)",
		    quote((const char *)s, i, q, sizeof(q)));
	return fail(p, BT_ERR_FORMAT, "not a magnet link (want "
	    "magnet:?xt=urn:btih:...)");
}

/* Control bytes never belong in a link (a space may: pasted names). */
static int
control_bytes(struct parse *p, const struct bbuf *in)
{
	const uint8_t	*s = bbuf_ptr(in);
	size_t		 i;

	for (i = 0; i < bbuf_len(in); i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return fail(p, BT_ERR_FORMAT, "magnet link: control "
			    "byte 0x%02x at byte %zu", s[i],
			    p->base + bbuf_offset(in) + i);
	return BT_OK;
}

/* After the last parameter: there must be a usable v1 info-hash. */
static int
finish(struct parse *p)
{
	if (p->btih) {
		p->m->has_v2 = p->btmh || p->bad_btmh;
		return BT_OK;
	}
	if (p->btmh)
		return fail(p, BT_ERR_INVALID, "magnet link has only a v2 "
		    "info-hash (xt=urn:btmh:); bttui needs a v1 one "
		    "(xt=urn:btih:)");
	if (p->bad_btmh)
		return fail(p, BT_ERR_FORMAT, "magnet link: bad v2 info-hash "
		    "in xt=urn:btmh: (and no v1 xt=urn:btih:)");
	return fail(p, BT_ERR_FORMAT, "magnet link has no xt=urn:btih: "
	    "(the info-hash)");
}

static int
parse(struct parse *p, const char *uri, size_t len)
{
	struct bbuf	in, kv, all;
	size_t		at, end = len;
	int		r;

	while (p->base < end && is_blank(uri[p->base]))
		p->base++;
	while (end > p->base && is_blank(uri[end - 1]))
		end--;
	bbuf_view(&all, uri + p->base, end - p->base);
	if ((r = scheme(p, &all)) != BT_OK)
		return r;
	if (bbuf_find(&all, '#', &at) != BT_OK)
		at = bbuf_len(&all);
	bbuf_split(&all, at, &in);	/* a #fragment is not for us */
	if ((r = control_bytes(p, &in)) != BT_OK)
		return r;
	while (bbuf_len(&in) > 0) {
		if (bbuf_find(&in, '&', &at) != BT_OK)
			at = bbuf_len(&in);
		if ((r = bbuf_split(&in, at, &kv)) != BT_OK)
			return r;
		bbuf_consume(&in, bbuf_len(&in) > 0 ? 1 : 0);
		if (bbuf_len(&kv) > 0 && (r = param(p, &kv)) != BT_OK)
			return r;
	}
	return finish(p);
}

int
magnet_parse(const char *uri, size_t len, struct magnet **out, char *errbuf,
    size_t errlen)
{
	struct parse	*p;
	int		 r;

	*out = NULL;
	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (len > MAGNET_MAX_URI) {
		bt_errf(errbuf, errlen, "magnet link is %zu bytes, over the "
		    "%u-byte limit", len, MAGNET_MAX_URI);
		return BT_ERR_LIMIT;
	}
	/* p holds a MAGNET_MAX_VALUE buffer: kept off the stack */
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->m = calloc(1, sizeof(*p->m))) == NULL) {
		free(p);
		bt_errf(errbuf, errlen, "out of memory");
		return BT_ERR_NOMEM;
	}
	p->err = errbuf;
	p->errlen = errlen;
	if ((r = parse(p, uri, len)) == BT_OK)
		*out = p->m;
	else
		magnet_free(p->m);
	free(p);
	return r;
}

void
magnet_free(struct magnet *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->ntrackers; i++)
		free(m->trackers[i]);
	for (i = 0; i < m->nwebseeds; i++)
		free(m->webseeds[i]);
	free(m->trackers);
	free(m->webseeds);
	free(m->peers);
	free(m->select);
	free(m->name);
	free(m);
}

int
magnet_selects(const struct magnet *m, uint32_t index)
{
	size_t	lo = 0, hi = m->nselect, mid;

	if (m->nselect == 0)
		return 1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (index < m->select[mid].first)
			hi = mid;
		else if (index > m->select[mid].last)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* RFC 3986 unreserved characters go as they are, the rest as %XX. */
static int
unreserved(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static size_t
encoded_len(const char *s, size_t n)
{
	size_t	i, len = 0;

	for (i = 0; i < n; i++)
		len += unreserved((uint8_t)s[i]) ? 1 : 3;
	return len;
}

static int
put_encoded(struct bbuf *out, const char *key, const char *s, size_t n)
{
	static const char	hex[] = "0123456789ABCDEF";
	uint8_t			c, e[3];
	size_t			i;
	int			r;

	if ((r = bbuf_putf(out, "&%s=", key)) != BT_OK)
		return r;
	for (i = 0; i < n; i++) {
		c = (uint8_t)s[i];
		e[0] = '%';
		e[1] = (uint8_t)hex[c >> 4];
		e[2] = (uint8_t)hex[c & 15];
		if ((r = unreserved(c) ? bbuf_put_u8(out, c) :
		    bbuf_put_bytes(out, e, 3)) != BT_OK)
			return r;
	}
	return BT_OK;
}

/* The longest prefix of name within MAGNET_MAX_VALUE bytes that does not
 * cut a UTF-8 sequence. */
static size_t
name_len(const char *name)
{
	size_t	n = strnlen(name, MAGNET_MAX_VALUE + 1);

	if (n <= MAGNET_MAX_VALUE)
		return n;
	n = MAGNET_MAX_VALUE;
	while (n > 0 && ((uint8_t)name[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* Writes the URLs of `urls' that magnet_parse would keep, while the link
 * stays within MAGNET_MAX_URI; *used counts the link's bytes so far. */
static int
put_urls(struct bbuf *out, const char *key, const char *const *urls,
    size_t n, size_t max, int http_only, size_t *used)
{
	size_t	i, j, len, kept = 0, enc;
	int	r;

	for (i = 0; i < n && kept < max; i++) {
		len = strnlen(urls[i], MAGNET_MAX_VALUE + 1);
		if (len > MAGNET_MAX_VALUE || !url_ok(urls[i], len, http_only))
			continue;
		for (j = 0; j < i; j++)
			if (strcmp(urls[i], urls[j]) == 0)
				break;
		enc = 2 + strlen(key) + encoded_len(urls[i], len);
		if (j < i || enc > MAGNET_MAX_URI - *used)
			continue;
		if ((r = put_encoded(out, key, urls[i], len)) != BT_OK)
			return r;
		*used += enc;
		kept++;
	}
	return BT_OK;
}

int
magnet_format(const uint8_t info_hash[MAGNET_HASH_LEN], const char *name,
    const char *const *trackers, size_t ntrackers,
    const char *const *webseeds, size_t nwebseeds, struct bbuf *out)
{
	size_t	i, used, n = name != NULL ? name_len(name) : 0;
	int	r;

	if ((r = bbuf_putf(out, "%s?xt=%s", SCHEME, BTIH)) != BT_OK)
		return r;
	for (i = 0; i < MAGNET_HASH_LEN; i++)
		if ((r = bbuf_putf(out, "%02x", info_hash[i])) != BT_OK)
			return r;
	used = strlen(SCHEME) + 4 + strlen(BTIH) + 2 * MAGNET_HASH_LEN;
	if (n > 0) {
		if ((r = put_encoded(out, "dn", name, n)) != BT_OK)
			return r;
		used += 4 + encoded_len(name, n);
	}
	if ((r = put_urls(out, "tr", trackers, ntrackers, MAGNET_MAX_TRACKERS,
	    0, &used)) != BT_OK ||
	    (r = put_urls(out, "ws", webseeds, nwebseeds, MAGNET_MAX_WEBSEEDS,
	    1, &used)) != BT_OK)
		return r;
	return bbuf_put_u8(out, '\0');
}
