/*
 * magnet_impl.h: what magnet's own files share: magnet.c (the link split
 * into parameters, percent-decoding, xt, dn, tr and ws), magnet_pe.c (x.pe
 * peers: addresses, names, ports), magnet_so.c (the numbers: so ranges and
 * xl) and magnet_format.c (the canonical link).  struct parse carries one
 * magnet_parse call; the helpers below build its messages (static inline:
 * each file keeps its own copy, as when they were one file's statics).  The
 * public contract is magnet.h; nothing else includes this.
 */
#ifndef BT_MAGNET_IMPL_H
#define BT_MAGNET_IMPL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/magnet.h"

#define SCHEME		"magnet:"
#define BTIH		"urn:btih:"
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

static inline int __attribute__((format(printf, 3, 4)))
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
static inline const char *
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

static inline int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* SCHEME://REST, printable ASCII without blanks (RFC 3986 scheme); with
 * http_only, http:// or https:// only.  1 when it is, else 0. */
int	magnet_url_ok(const char *s, size_t n, int http_only);

/* The parameters whose value p->v[0..p->vlen) is read outside magnet.c,
 * as magnet.c's table calls them: BT_OK, or an error with p->err set. */
int	magnet_param_xpe(struct parse *p);	/* magnet_pe.c */
int	magnet_param_so(struct parse *p);	/* magnet_so.c */
int	magnet_param_xl(struct parse *p);	/* magnet_so.c */

#endif
