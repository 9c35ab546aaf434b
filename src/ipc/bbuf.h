/*
 * bbuf: a bounded byte buffer.  Every parser of outside bytes reads through
 * one, so that no parser does raw pointer arithmetic.  A buffer is either
 * owned (grows on demand up to a hard maximum fixed at init) or a borrowed,
 * read-only view of caller bytes.  Invariant: rd <= wr <= cap <= max.
 *
 * Reads ("get") consume from the front; a failed get consumes nothing and
 * zeroes its out-parameter.  Writes ("put") append at the back.
 */
#ifndef BT_BBUF_H
#define BT_BBUF_H

#include <stddef.h>
#include <stdint.h>

struct bbuf {			/* members are private: use bbuf_*() */
	uint8_t		*data;
	size_t		 rd, wr, cap, max;
	size_t		 base;		/* offset of data[0] in the original input */
	int		 borrowed;	/* 1: read-only view of caller bytes */
};

/* An empty owned buffer that may grow to max bytes.  Allocates nothing yet. */
void	bbuf_init(struct bbuf *b, size_t max);
/* Frees owned storage (no-op for views); the buffer is left empty and valid. */
void	bbuf_cleanup(struct bbuf *b);
/* A read-only view of p[0..n); p must outlive the view and not change. */
void	bbuf_view(struct bbuf *b, const void *p, size_t n);
/* Drops all readable bytes (keeps storage). */
void	bbuf_reset(struct bbuf *b);

/* Readable bytes. */
size_t	bbuf_len(const struct bbuf *b);
/* Bytes consumed so far, counted from the start of the original input
 * (a sub-view made by bbuf_split counts from its parent's start): for
 * error messages that name a byte offset. */
size_t	bbuf_offset(const struct bbuf *b);
/* Pointer to the readable bytes (bbuf_len of them); valid until the next
 * put, consume or cleanup.  NULL when empty. */
const uint8_t	*bbuf_ptr(const struct bbuf *b);
/* The readable bytes of an owned buffer, writable in place (a stream
 * cipher over what was read or queued); NULL for a view or when empty. */
uint8_t	*bbuf_mut(struct bbuf *b);
/* Room left before the maximum is reached. */
size_t	bbuf_avail(const struct bbuf *b);

/* Gets: BT_OK, or BT_ERR_INCOMPLETE (nothing consumed, *out zeroed). */
int	bbuf_get_u8(struct bbuf *b, uint8_t *out);
int	bbuf_get_u16be(struct bbuf *b, uint16_t *out);
int	bbuf_get_u32be(struct bbuf *b, uint32_t *out);
int	bbuf_get_u64be(struct bbuf *b, uint64_t *out);
int	bbuf_get_bytes(struct bbuf *b, void *out, size_t n);
/* Discards n readable bytes; BT_ERR_INCOMPLETE when fewer are there. */
int	bbuf_consume(struct bbuf *b, size_t n);
/* Peeks at readable byte `at' (0 = next) without consuming. */
int	bbuf_peek_u8(const struct bbuf *b, size_t at, uint8_t *out);
int	bbuf_peek_u32be(const struct bbuf *b, size_t at, uint32_t *out);
/* Index of the first `c' in the readable bytes, or BT_ERR_NOTFOUND. */
int	bbuf_find(const struct bbuf *b, uint8_t c, size_t *at_out);
/* Makes *sub_out a read-only view of the next n bytes and consumes them
 * from b.  The view borrows b's storage: valid while b is unchanged. */
int	bbuf_split(struct bbuf *b, size_t n, struct bbuf *sub_out);

/* Puts: BT_OK, BT_ERR_LIMIT (over max), BT_ERR_NOMEM, or BT_ERR_INVALID on
 * a view.  Nothing is written on failure. */
int	bbuf_put_u8(struct bbuf *b, uint8_t v);
int	bbuf_put_u16be(struct bbuf *b, uint16_t v);
int	bbuf_put_u32be(struct bbuf *b, uint32_t v);
int	bbuf_put_u64be(struct bbuf *b, uint64_t v);
int	bbuf_put_bytes(struct bbuf *b, const void *p, size_t n);
/* Appends formatted text (no NUL is stored). */
int	bbuf_putf(struct bbuf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Makes room for n bytes at the back and returns where they go; nothing is
 * readable until bbuf_commit.  For read(2) straight into the buffer. */
int	bbuf_reserve(struct bbuf *b, size_t n, uint8_t **p_out);
/* Marks n reserved bytes as written (n <= what was reserved). */
int	bbuf_commit(struct bbuf *b, size_t n);

#endif
