/*
 * msg_int: what msg.c and its parts (msg_report.c, msg_detail.c,
 * msg_cmd.c) share, and nothing else includes: the string and id sizes
 * the parts' size arithmetic starts from, the field helpers every encoder
 * and decoder chains (static inline: each part keeps its own copy, as when
 * they were one file's statics), and each part's slice of the type table.
 */
#ifndef BT_MSG_INT_H
#define BT_MSG_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bbuf.h"
#include "err.h"
#include "msg.h"

/* Encoded sizes: a string is a u16 length and up to (field - 1) bytes. */
#define STR_MIN			2
#define STR_MAX(field)		(2 + (field) - 1)

#define ID_LEN		4	/* torrent_id, first in most payloads */

/* The payload structs travel as void pointers: the typed entry points pass
 * their own struct, msg_encode / msg_decode the matching union member. */
typedef int	(*put_fn)(struct bbuf *, const void *);
typedef int	(*get_fn)(struct bbuf *, void *);

struct msg_kind {
	int		 type;
	const char	*name;
	size_t		 min, max;
	put_fn		 put;
	get_fn		 get;
};

/* ---- field helpers ---- */

static inline int
put_str(struct bbuf *b, const char *s, size_t field)
{
	size_t	n = strnlen(s, field);
	int	r;

	if (n == field)
		return BT_ERR_RANGE;	/* not terminated inside its field */
	if ((r = bbuf_put_u16be(b, (uint16_t)n)) != BT_OK)
		return r;
	return bbuf_put_bytes(b, s, n);
}

static inline int
get_str(struct bbuf *b, char *dst, size_t field)
{
	uint16_t	n;
	int		r;

	if ((r = bbuf_get_u16be(b, &n)) != BT_OK)
		return r;
	if (n >= field)
		return BT_ERR_FORMAT;
	if ((r = bbuf_get_bytes(b, dst, n)) != BT_OK)
		return r;
	dst[n] = '\0';
	return memchr(dst, '\0', n) == NULL ? BT_OK : BT_ERR_FORMAT;
}

static inline int
get_enum(struct bbuf *b, uint8_t *out, uint8_t max)
{
	int	r;

	if ((r = bbuf_get_u8(b, out)) != BT_OK)
		return r;
	return *out <= max ? BT_OK : BT_ERR_FORMAT;
}

static inline int
put_i64(struct bbuf *b, int64_t v)
{
	return bbuf_put_u64be(b, (uint64_t)v);
}

/* A signed field where -1 means "unknown" / "never": less is malformed. */
static inline int
get_i64(struct bbuf *b, int64_t *out)
{
	uint64_t	v;
	int		r;

	r = bbuf_get_u64be(b, &v);
	*out = (int64_t)v;
	if (r != BT_OK)
		return r;
	return *out >= -1 ? BT_OK : BT_ERR_FORMAT;
}

static inline int
get_i32(struct bbuf *b, int32_t *out)
{
	uint32_t	v;
	int		r;

	r = bbuf_get_u32be(b, &v);
	*out = (int32_t)v;
	if (r != BT_OK)
		return r;
	return *out >= -1 ? BT_OK : BT_ERR_FORMAT;
}

/* An id the engine gave out: the two reserved values are not torrents. */
static inline int
id_real(uint32_t id)
{
	return id < MSG_TORRENT_ALL;
}

static inline int
put_id(struct bbuf *b, uint32_t id)
{
	if (!id_real(id))
		return BT_ERR_RANGE;
	return bbuf_put_u32be(b, id);
}

/* The torrent_id that starts a per-torrent payload. */
static inline int
get_id(struct bbuf *b, uint32_t *out)
{
	int	r;

	if ((r = bbuf_get_u32be(b, out)) != BT_OK)
		return r;
	return id_real(*out) ? BT_OK : BT_ERR_FORMAT;
}

/* first + n <= total without overflow. */
static inline int
window_ok(uint32_t first, uint32_t n, uint32_t total)
{
	return (uint64_t)first + n <= total;
}

static inline int
done(struct bbuf *in, int r)
{
	if (r != BT_OK)
		return r;
	return bbuf_len(in) == 0 ? BT_OK : BT_ERR_FORMAT;
}

/* Each part's types: msg.c looks a type up in these slices, every type in
 * exactly one.  NULL put/get: a payload without a body (QUIT). */
extern const struct msg_kind	msg_report_kinds[];	/* msg_report.c */
extern const size_t		msg_report_nkinds;
extern const struct msg_kind	msg_detail_kinds[];	/* msg_detail.c */
extern const size_t		msg_detail_nkinds;
extern const struct msg_kind	msg_cmd_kinds[];	/* msg_cmd.c */
extern const size_t		msg_cmd_nkinds;

#endif /* BT_MSG_INT_H */
