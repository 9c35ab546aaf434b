/*
 * metainfo_impl.h: what metainfo's own files share: metainfo.c (the entry
 * points, the root and info dictionaries, the info-hash), metainfo_files.c
 * (the file list and its paths) and metainfo_extras.c (trackers, web seeds,
 * DHT nodes and notes from the root dictionary).  struct parse carries one
 * metainfo_parse call; the helpers below build its messages and check its
 * values (static inline: each file keeps its own copy, as when they were
 * one file's statics).  The public contract is metainfo.h; nothing else
 * includes this.
 */
#ifndef BT_METAINFO_IMPL_H
#define BT_METAINFO_IMPL_H

#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/bencode.h"
#include "engine/metainfo.h"
#include "engine/sha1.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define PIECE_HASH_LEN	20	/* BEP 3: SHA-1 per piece in "pieces" */
#define SHOW_MAX	64	/* bytes of a name quoted in a message */
#define READ_CHUNK	(64u * 1024)
#define SHORT_HASH	8	/* hex digits of a shortened component's tag */
#define SHORT_EXT_MAX	16	/* longer "extensions" are not kept */

struct parse {			/* state of one metainfo_parse call */
	struct metainfo	*m;
	char		*errbuf;
	size_t		 errlen;
	int		 name_shortened;
};

static inline int __attribute__((format(printf, 3, 4)))
fail(struct parse *p, int r, const char *fmt, ...)
{
	va_list	ap;

	if (p->errbuf == NULL || p->errlen == 0)
		return r;
	va_start(ap, fmt);
	vsnprintf(p->errbuf, p->errlen, fmt, ap);
	va_end(ap);
	return r;
}

static inline const char *
type_name(enum bencode_type t)
{
	switch (t) {
	case BENCODE_INT:
		return "an integer";
	case BENCODE_STR:
		return "a string";
	case BENCODE_LIST:
		return "a list";
	case BENCODE_DICT:
		return "a dictionary";
	}
	return "unknown";
}

/* Appends s[0..n) to out (NUL-terminated, *w bytes used) escaped for a
 * one-line message: printable ASCII as is, the rest as \xNN. */
static inline void
show_append(char *out, size_t len, size_t *w, const char *s, size_t n)
{
	size_t	i;
	uint8_t	c;

	for (i = 0; i < n && *w + 8 < len; i++) {
		c = (uint8_t)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			out[(*w)++] = (char)c;
		else
			*w += (size_t)snprintf(out + *w, len - *w, "\\x%02x", c);
	}
	if (i < n && *w + 4 <= len) {
		memcpy(out + *w, "...", 3);
		*w += 3;
	}
	out[*w] = '\0';
}

static inline void
show_str(const struct bencode *s, char *out, size_t len)
{
	size_t	w = 0;

	show_append(out, len, &w, s->s, s->slen);
}

/* A path list for a message: its string elements joined with '/'. */
static inline void
show_path(const struct bencode *path, char *out, size_t len)
{
	size_t	i, w = 0;

	out[0] = '\0';
	for (i = 0; i < path->n && w + 8 < len; i++) {
		if (i > 0)
			show_append(out, len, &w, "/", 1);
		if (path->items[i]->type == BENCODE_STR)
			show_append(out, len, &w, path->items[i]->s,
			    path->items[i]->slen);
		else
			show_append(out, len, &w, "?", 1);
	}
}

/* Why c cannot be a path component (`first': the path's first), or NULL.
 * Storage joins components under the download directory, so none may be
 * empty, "." or "..", hold a separator or a NUL, or start at the root. */
static inline const char *
component_problem(const struct bencode *c, int first)
{
	if (c->slen == 0)
		return "empty component";
	if (first && (c->s[0] == '/' || c->s[0] == '\\'))
		return "path is absolute";
	if (c->slen == 1 && c->s[0] == '.')
		return "component \".\" is not allowed";
	if (c->slen == 2 && c->s[0] == '.' && c->s[1] == '.')
		return "component \"..\" is not allowed";
	if (memchr(c->s, '/', c->slen) != NULL)
		return "component contains '/'";
	if (memchr(c->s, '\\', c->slen) != NULL)
		return "component contains '\\'";
	if (memchr(c->s, '\0', c->slen) != NULL)
		return "component contains a NUL byte";
	return NULL;
}

/* RFC 3629 UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static inline int
utf8_valid(const struct bencode *s)
{
	struct bbuf	b;
	uint32_t	cp;
	uint8_t		c, cc;
	int		i, n;

	bbuf_view(&b, s->s, s->slen);
	while (bbuf_get_u8(&b, &c) == BT_OK) {
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return 0;
		cp = c & (0x3f >> n);	/* payload bits of the lead byte */
		for (i = 0; i < n; i++) {
			if (bbuf_get_u8(&b, &cc) != BT_OK || (cc & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (cc & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

/* A copy of a string value, cut at its first NUL (callers that care have
 * refused NULs already). */
static inline int
copy_str(struct parse *p, const struct bencode *s, char **out)
{
	if ((*out = strdup(s->s)) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	return BT_OK;
}

/* The value of `key' in d, present and of type t; `where' prefixes the
 * message ("info." or "file 3: "). */
static inline int
need(struct parse *p, const struct bencode *d, const char *where,
    const char *key, enum bencode_type t, const struct bencode **out)
{
	const struct bencode	*v = bencode_dict_get(d, key);

	*out = NULL;
	if (v == NULL)
		return fail(p, BT_ERR_FORMAT, "%s%s is missing", where, key);
	if (v->type != t)
		return fail(p, BT_ERR_FORMAT, "%s%s is %s, not %s", where, key,
		    type_name(v->type), type_name(t));
	*out = v;
	return BT_OK;
}

/* A non-negative length: "info." + "length", or "file 3: " + "length". */
static inline int
need_length(struct parse *p, const struct bencode *d, const char *where,
    uint64_t *out)
{
	const struct bencode	*v;
	int			 r;

	*out = 0;
	if ((r = need(p, d, where, "length", BENCODE_INT, &v)) != BT_OK)
		return r;
	if (v->i < 0)
		return fail(p, BT_ERR_INVALID, "%slength %" PRId64
		    " is negative", where, v->i);
	*out = (uint64_t)v->i;
	return BT_OK;
}

/* Writes component s[0..n) to out (at least METAINFO_MAX_COMPONENT + 1
 * bytes, NUL-terminated), shortened when over the limit; returns its new
 * length. */
static inline size_t
shorten(const char *s, size_t n, char *out)
{
	uint8_t		 digest[SHA1_LEN];
	char		 hex[2 * SHA1_LEN + 1];
	const char	*dot;
	size_t		 ext = 0, keep;

	if (n <= METAINFO_MAX_COMPONENT) {
		memcpy(out, s, n);
		out[n] = '\0';
		return n;
	}
	sha1_digest(s, n, digest);
	sha1_hex(digest, hex);
	for (dot = s + n - 1; dot > s && *dot != '.'; dot--)
		continue;
	if (dot > s && (size_t)(s + n - dot) <= SHORT_EXT_MAX)
		ext = (size_t)(s + n - dot);
	keep = METAINFO_MAX_COMPONENT - 1 - SHORT_HASH - ext;
	/* never cut inside a UTF-8 sequence */
	while (keep > 0 && ((uint8_t)s[keep] & 0xc0) == 0x80)
		keep--;
	memcpy(out, s, keep);
	out[keep] = '~';
	memcpy(out + keep + 1, hex, SHORT_HASH);
	memcpy(out + keep + 1 + SHORT_HASH, s + n - ext, ext);
	out[keep + 1 + SHORT_HASH + ext] = '\0';
	return keep + 1 + SHORT_HASH + ext;
}

/* metainfo_files.c: info's "files" (or "length" with "name") into
 * m->files and m->total_length, every path checked, shortened where too
 * long, pad files recognised.  BT_OK, or an error with p's message. */
int	metainfo_parse_layout(struct parse *p, const struct bencode *info);

/* metainfo_extras.c: the root's trackers (BEP 12), web seeds (BEP 19),
 * DHT nodes (BEP 5), comment, creator and date; unusable entries are
 * dropped, only running out of memory fails. */
int	metainfo_parse_extras(struct parse *p, const struct bencode *root);

#endif /* BT_METAINFO_IMPL_H */
