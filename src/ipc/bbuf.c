/*
 * Bounded byte buffer.  Lengths are always compared against what is left,
 * never by forming pointers past the end.  Owned storage grows by doubling
 * and is compacted (consumed bytes dropped) before it grows.
 */
#include "bbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

void
bbuf_init(struct bbuf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
bbuf_cleanup(struct bbuf *b)
{
	size_t	max = b->max;

	if (!b->borrowed)
		free(b->data);
	bbuf_init(b, b->borrowed ? 0 : max);
}

void
bbuf_view(struct bbuf *b, const void *p, size_t n)
{
	memset(b, 0, sizeof(*b));
	/* The cast drops const; a view is never written (puts refuse it). */
	b->data = (uint8_t *)(uintptr_t)p;
	b->wr = b->cap = b->max = n;
	b->borrowed = 1;
}

void
bbuf_reset(struct bbuf *b)
{
	if (b->borrowed) {
		b->rd = b->wr;
		return;
	}
	b->base += b->rd;
	b->rd = b->wr = 0;
}

size_t
bbuf_len(const struct bbuf *b)
{
	return b->wr - b->rd;
}

size_t
bbuf_offset(const struct bbuf *b)
{
	return b->base + b->rd;
}

const uint8_t *
bbuf_ptr(const struct bbuf *b)
{
	return b->wr > b->rd ? b->data + b->rd : NULL;
}

uint8_t *
bbuf_mut(struct bbuf *b)
{
	return !b->borrowed && b->wr > b->rd ? b->data + b->rd : NULL;
}

size_t
bbuf_avail(const struct bbuf *b)
{
	if (b->borrowed)
		return 0;
	return b->max - bbuf_len(b);
}

int
bbuf_peek_u8(const struct bbuf *b, size_t at, uint8_t *out)
{
	*out = 0;
	if (at >= bbuf_len(b))
		return BT_ERR_INCOMPLETE;
	*out = b->data[b->rd + at];
	return BT_OK;
}

int
bbuf_peek_u32be(const struct bbuf *b, size_t at, uint32_t *out)
{
	const uint8_t	*p;

	*out = 0;
	if (at > bbuf_len(b) || bbuf_len(b) - at < 4)
		return BT_ERR_INCOMPLETE;
	p = b->data + b->rd + at;
	*out = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
	return BT_OK;
}

int
bbuf_get_bytes(struct bbuf *b, void *out, size_t n)
{
	if (n > bbuf_len(b)) {
		if (n > 0)
			memset(out, 0, n);
		return BT_ERR_INCOMPLETE;
	}
	if (n > 0)
		memcpy(out, b->data + b->rd, n);
	b->rd += n;
	return BT_OK;
}

int
bbuf_consume(struct bbuf *b, size_t n)
{
	if (n > bbuf_len(b))
		return BT_ERR_INCOMPLETE;
	b->rd += n;
	if (b->rd == b->wr && !b->borrowed) {
		b->base += b->rd;
		b->rd = b->wr = 0;
	}
	return BT_OK;
}

static uint64_t
get_be(const uint8_t *p, size_t n)
{
	uint64_t	v = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static int
get_uint(struct bbuf *b, size_t n, uint64_t *out)
{
	*out = 0;
	if (n > bbuf_len(b))
		return BT_ERR_INCOMPLETE;
	*out = get_be(b->data + b->rd, n);
	b->rd += n;
	return BT_OK;
}

int
bbuf_get_u8(struct bbuf *b, uint8_t *out)
{
	uint64_t	v;
	int		r = get_uint(b, 1, &v);

	*out = (uint8_t)v;
	return r;
}

int
bbuf_get_u16be(struct bbuf *b, uint16_t *out)
{
	uint64_t	v;
	int		r = get_uint(b, 2, &v);

	*out = (uint16_t)v;
	return r;
}

int
bbuf_get_u32be(struct bbuf *b, uint32_t *out)
{
	uint64_t	v;
	int		r = get_uint(b, 4, &v);

	*out = (uint32_t)v;
	return r;
}

int
bbuf_get_u64be(struct bbuf *b, uint64_t *out)
{
	return get_uint(b, 8, out);
}

int
bbuf_find(const struct bbuf *b, uint8_t c, size_t *at_out)
{
	const uint8_t	*p;

	*at_out = 0;
	if (bbuf_len(b) == 0)
		return BT_ERR_NOTFOUND;
	p = memchr(b->data + b->rd, c, bbuf_len(b));
	if (p == NULL)
		return BT_ERR_NOTFOUND;
	*at_out = (size_t)(p - (b->data + b->rd));
	return BT_OK;
}

int
bbuf_split(struct bbuf *b, size_t n, struct bbuf *sub_out)
{
	size_t	base;

	if (n > bbuf_len(b)) {
		bbuf_view(sub_out, NULL, 0);
		return BT_ERR_INCOMPLETE;
	}
	base = bbuf_offset(b);
	bbuf_view(sub_out, b->data + b->rd, n);
	sub_out->base = base;
	b->rd += n;
	return BT_OK;
}

int
bbuf_reserve(struct bbuf *b, size_t n, uint8_t **p_out)
{
	size_t	 len = bbuf_len(b), want;
	uint8_t	*nd;

	*p_out = NULL;
	if (b->borrowed)
		return BT_ERR_INVALID;
	if (n > b->max - len)
		return BT_ERR_LIMIT;
	if (n <= b->cap - b->wr) {
		/* (never NULL + 0: a buffer that has not grown has no data) */
		*p_out = b->data != NULL ? b->data + b->wr : NULL;
		return BT_OK;
	}
	if (b->rd > 0) {		/* compact before growing */
		memmove(b->data, b->data + b->rd, len);
		b->base += b->rd;
		b->rd = 0;
		b->wr = len;
	}
	if (n > b->cap - b->wr) {
		want = b->cap < 256 ? 256 : b->cap;
		while (want - len < n && want < b->max)
			want = want > b->max / 2 ? b->max : want * 2;
		if (want > b->max)
			want = b->max;
		if ((nd = realloc(b->data, want)) == NULL)
			return BT_ERR_NOMEM;
		b->data = nd;
		b->cap = want;
	}
	*p_out = b->data + b->wr;
	return BT_OK;
}

int
bbuf_commit(struct bbuf *b, size_t n)
{
	if (b->borrowed)
		return BT_ERR_INVALID;
	if (n > b->cap - b->wr)
		return BT_ERR_RANGE;
	b->wr += n;
	return BT_OK;
}

int
bbuf_put_bytes(struct bbuf *b, const void *p, size_t n)
{
	uint8_t	*dst;
	int	 r;

	if ((r = bbuf_reserve(b, n, &dst)) != BT_OK)
		return r;
	if (n > 0)
		memcpy(dst, p, n);
	b->wr += n;
	return BT_OK;
}

static int
put_be(struct bbuf *b, uint64_t v, size_t n)
{
	uint8_t	tmp[8];
	size_t	i;

	for (i = 0; i < n; i++)
		tmp[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	return bbuf_put_bytes(b, tmp, n);
}

int
bbuf_put_u8(struct bbuf *b, uint8_t v)
{
	return put_be(b, v, 1);
}

int
bbuf_put_u16be(struct bbuf *b, uint16_t v)
{
	return put_be(b, v, 2);
}

int
bbuf_put_u32be(struct bbuf *b, uint32_t v)
{
	return put_be(b, v, 4);
}

int
bbuf_put_u64be(struct bbuf *b, uint64_t v)
{
	return put_be(b, v, 8);
}

int
bbuf_putf(struct bbuf *b, const char *fmt, ...)
{
	va_list	 ap;
	uint8_t	*dst;
	int	 n, r;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return BT_ERR_FORMAT;
	/* +1 for the NUL vsnprintf writes; it is not committed. */
	if ((r = bbuf_reserve(b, (size_t)n + 1, &dst)) != BT_OK)
		return r;
	va_start(ap, fmt);
	vsnprintf((char *)dst, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->wr += (size_t)n;
	return BT_OK;
}
