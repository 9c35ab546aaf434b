/*
 * magnet_format (see magnet.h): the canonical link of a torrent, built so
 * that magnet_parse gives back the same hash, name and URLs: the URLs it
 * would drop are left out, and nothing takes the link past MAGNET_MAX_URI.
 */
#include "magnet.h"

#include <string.h>

#include "engine/magnet_impl.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

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
		if (len > MAGNET_MAX_VALUE || !magnet_url_ok(urls[i], len, http_only))
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
