/*
 * bucket: a token bucket that limits a byte rate, driven by the caller's
 * clock (ms, monotonic): it never sleeps and never reads a clock.  Tokens
 * accrue at rate_bps up to a burst of max(rate / 10, BUCKET_MIN_BURST), so a
 * 16 KiB block always fits; a fresh bucket starts empty, so a new limit is
 * not exceeded by a burst.  consume() may drive the bucket into debt (a
 * block already read cannot be un-read), which delays what comes after.
 * A rate of 0 means unlimited.  Embedded by value; members are private.
 */
#ifndef BT_BUCKET_H
#define BT_BUCKET_H

#include <stdint.h>

#define BUCKET_MIN_BURST	(32u * 1024)	/* two 16 KiB blocks */
#define BUCKET_MAX_BPS		(1ull << 40)	/* higher rates are clamped */

struct bucket {			/* members are private: use bucket_*() */
	uint64_t	rate_bps;	/* 0: unlimited */
	uint64_t	burst;
	int64_t		tokens;		/* bytes; negative: debt */
	uint64_t	milli;		/* fraction of a byte, in 1/1000 */
	uint64_t	last_ms;	/* clock of the last refill */
};

/* An empty bucket filling at rate_bps (0: unlimited) from now_ms on. */
void		bucket_init(struct bucket *b, uint64_t rate_bps,
		    uint64_t now_ms);
/* Changes the rate at run time: tokens earned at the old rate up to now_ms
 * are kept (capped at the new burst), and so is any debt.  Going from
 * unlimited to a limit starts empty, as bucket_init does. */
void		bucket_set_rate(struct bucket *b, uint64_t rate_bps,
		    uint64_t now_ms);
uint64_t	bucket_rate(const struct bucket *b);
/* Adds the tokens earned since the last refill.  A clock that goes back
 * adds nothing. */
void		bucket_refill(struct bucket *b, uint64_t now_ms);
/* Bytes that may go now: 0 while in debt, UINT64_MAX when unlimited. */
uint64_t	bucket_available(const struct bucket *b);
/* Counts n bytes as sent or received, whether or not they were available.
 * Does nothing when unlimited. */
void		bucket_consume(struct bucket *b, uint64_t n);
/* Milliseconds from the last refill until `need' bytes are available (0 if
 * they are now, or when unlimited), for the select() timeout.  A need over
 * the burst is taken as the burst: the bucket never holds more. */
int64_t		bucket_wait_ms(const struct bucket *b, uint64_t need);

#endif
