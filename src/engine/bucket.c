/*
 * bucket: token bucket arithmetic.  Tokens are whole bytes plus a remainder
 * in thousandths of a byte, so a slow rate refilled every millisecond still
 * adds up (51.2 bytes per ms at 50 KiB/s).  Invariants while limited:
 * -BUCKET_MAX_DEBT <= tokens <= burst, milli < 1000, and the rate is at most
 * BUCKET_MAX_BPS, so that no product below overflows 64 bits.
 */
#include "engine/bucket.h"

#define BUCKET_MAX_DEBT	(1ll << 50)	/* a sane engine never gets near */

static uint64_t
burst_for(uint64_t rate_bps)
{
	uint64_t	burst = rate_bps / 10;	/* 100 ms of traffic */

	return burst < BUCKET_MIN_BURST ? BUCKET_MIN_BURST : burst;
}

static uint64_t
clamp_rate(uint64_t rate_bps)
{
	return rate_bps > BUCKET_MAX_BPS ? BUCKET_MAX_BPS : rate_bps;
}

void
bucket_init(struct bucket *b, uint64_t rate_bps, uint64_t now_ms)
{
	b->rate_bps = clamp_rate(rate_bps);
	b->burst = burst_for(b->rate_bps);
	b->tokens = 0;
	b->milli = 0;
	b->last_ms = now_ms;
}

void
bucket_set_rate(struct bucket *b, uint64_t rate_bps, uint64_t now_ms)
{
	rate_bps = clamp_rate(rate_bps);
	if (b->rate_bps == 0 || rate_bps == 0) {
		bucket_init(b, rate_bps, now_ms);
		return;
	}
	bucket_refill(b, now_ms);
	b->rate_bps = rate_bps;
	b->burst = burst_for(rate_bps);
	if (b->tokens >= (int64_t)b->burst) {
		b->tokens = (int64_t)b->burst;
		b->milli = 0;
	}
}

uint64_t
bucket_rate(const struct bucket *b)
{
	return b->rate_bps;
}

void
bucket_refill(struct bucket *b, uint64_t now_ms)
{
	uint64_t	dt, gap, m, add;

	if (now_ms <= b->last_ms)
		return;
	dt = now_ms - b->last_ms;
	b->last_ms = now_ms;
	if (b->rate_bps == 0)
		return;
	gap = (uint64_t)((int64_t)b->burst - b->tokens);
	/* A long pause fills the bucket whatever the product would be. */
	if (dt > (UINT64_MAX - b->milli) / b->rate_bps)
		add = gap;
	else {
		m = b->rate_bps * dt + b->milli;
		add = m / 1000;
		b->milli = m % 1000;
	}
	if (add >= gap) {
		b->tokens = (int64_t)b->burst;
		b->milli = 0;		/* a full bucket earns nothing more */
	} else
		b->tokens += (int64_t)add;
}

uint64_t
bucket_available(const struct bucket *b)
{
	if (b->rate_bps == 0)
		return UINT64_MAX;
	return b->tokens > 0 ? (uint64_t)b->tokens : 0;
}

void
bucket_consume(struct bucket *b, uint64_t n)
{
	if (b->rate_bps == 0)
		return;
	if (n > (uint64_t)(b->tokens + BUCKET_MAX_DEBT))
		b->tokens = -BUCKET_MAX_DEBT;
	else
		b->tokens -= (int64_t)n;
}

int64_t
bucket_wait_ms(const struct bucket *b, uint64_t need)
{
	uint64_t	deficit;

	if (b->rate_bps == 0 || need == 0)
		return 0;
	if (need > b->burst)
		need = b->burst;
	if (b->tokens >= (int64_t)need)
		return 0;
	/* Refilling t ms adds floor((rate * t + milli) / 1000) bytes: the
	 * smallest t with that >= deficit.  deficit < 2^51, rate <= 2^40. */
	deficit = (uint64_t)((int64_t)need - b->tokens);
	return (int64_t)((deficit * 1000 - b->milli + b->rate_bps - 1) /
	    b->rate_bps);
}
