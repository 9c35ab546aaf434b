/*
 * Magnet links (BEP 9, BEP 53 so): the parser of outside text.  The link
 * is read through bbuf views, one parameter at a time; a value is
 * percent-decoded into a fixed buffer of MAGNET_MAX_VALUE bytes before it
 * is looked at, and every list is capped, so a 64 KiB link costs at most a
 * few hundred KiB of memory.  x.pe is magnet_pe.c's, so and xl
 * magnet_so.c's, the canonical link magnet_format.c's.
 */
#include "magnet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/magnet_impl.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define BTMH		"urn:btmh:"
#define BTMH_SHA256	"1220"	/* multihash: sha2-256, 32 bytes */

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
int
magnet_url_ok(const char *s, size_t n, int http_only)
{
	size_t	i, colon;

	if (http_only)
		return (n > 7 && strncasecmp(s, "http://", 7) == 0 &&
		    magnet_url_ok(s, n, 0)) ||
		    (n > 8 && strncasecmp(s, "https://", 8) == 0 &&
		    magnet_url_ok(s, n, 0));
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
	if (!magnet_url_ok(s, len, http_only)) {
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
	{ "x.pe", 0, 0, magnet_param_xpe },
	{ "so", 0, 0, magnet_param_so },
	{ "xl", 0, 0, magnet_param_xl },
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
