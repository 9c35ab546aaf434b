/*
 * source: a .torrent or a magnet link, and the session's stub for the
 * latter.  See source.h.
 */
#include "engine/source.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ipc/err.h"
#include "engine/magnet.h"
#include "engine/metainfo.h"

#define STUB_PREFIX	"d6:magnet"
#define STUB_MAX	(MAGNET_MAX_URI + 32)

int
source_is_magnet(const char *arg)
{
	return strncasecmp(arg, "magnet:", 7) == 0;
}

int
source_stub_encode(const char *link, size_t len, struct bbuf *out)
{
	int	r;

	if ((r = bbuf_putf(out, STUB_PREFIX "%zu:", len)) != BT_OK ||
	    (r = bbuf_put_bytes(out, link, len)) != BT_OK)
		return r;
	return bbuf_put_u8(out, 'e');
}

/* Parsed by hand rather than by bencode: the stub has one fixed shape,
 * and anything else is a .torrent (or garbage) for metainfo to judge. */
int
source_stub_link(const void *data, size_t len, const char **link,
    size_t *link_len)
{
	const char	*p = data, *end = p + len;
	size_t		 n = 0;

	if (len < sizeof(STUB_PREFIX) || len > STUB_MAX ||
	    memcmp(p, STUB_PREFIX, sizeof(STUB_PREFIX) - 1) != 0)
		return BT_ERR_FORMAT;
	p += sizeof(STUB_PREFIX) - 1;
	if (*p == '0' && p + 1 < end && p[1] != ':')
		return BT_ERR_FORMAT;		/* a leading zero */
	for (; p < end && *p >= '0' && *p <= '9'; p++)
		if ((n = n * 10 + (size_t)(*p - '0')) > STUB_MAX)
			return BT_ERR_FORMAT;
	if (p == end || *p != ':' || n == 0 || (size_t)(end - p) != n + 2 ||
	    end[-1] != 'e')
		return BT_ERR_FORMAT;
	*link = p + 1;
	*link_len = n;
	return BT_OK;
}

static int
load_magnet(const char *link, size_t len, struct source *out, char *err,
    size_t errlen)
{
	int	r;

	/* Its messages say "magnet link: ..." themselves. */
	if ((r = magnet_parse(link, len, &out->mag, err, errlen)) != BT_OK)
		return r;
	memcpy(out->info_hash, out->mag->info_hash, 20);
	bbuf_reset(&out->bytes);
	return source_stub_encode(link, len, &out->bytes);
}

int
source_load(const char *arg, struct source *out, char *err, size_t errlen)
{
	const char	*link;
	size_t		 len;
	int		 r;

	memset(out, 0, sizeof(*out));
	if (source_is_magnet(arg)) {
		bbuf_init(&out->bytes, STUB_MAX);
		r = load_magnet(arg, strlen(arg), out, err, errlen);
	} else {
		r = metainfo_load_raw(arg, &out->meta, &out->bytes, err,
		    errlen);
		/* A session's stub: what metainfo refused was a magnet. */
		if (r != BT_OK && r != BT_ERR_SYS && source_stub_link(
		    bbuf_ptr(&out->bytes), bbuf_len(&out->bytes), &link,
		    &len) == BT_OK) {
			char	copy[STUB_MAX];

			memcpy(copy, link, len);
			r = load_magnet(copy, len, out, err, errlen);
		} else if (r == BT_OK)
			memcpy(out->info_hash, out->meta->info_hash, 20);
	}
	if (r != BT_OK)
		source_cleanup(out);
	return r;
}

const char *
source_name(const struct source *s)
{
	if (s->meta != NULL)
		return s->meta->name;
	if (s->mag != NULL && s->mag->name != NULL && s->mag->name[0] != '\0')
		return s->mag->name;
	return s->mag != NULL ? s->mag->info_hash_hex : "";
}

void
source_cleanup(struct source *s)
{
	metainfo_free(s->meta);
	magnet_free(s->mag);
	bbuf_cleanup(&s->bytes);
	memset(s, 0, sizeof(*s));
}
