/*
 * Sliding-window rate.  Slots are advanced lazily: a slot older than the
 * window is zeroed when its second comes round again, so an idle rate costs
 * nothing until it is read or added to.
 */
#include "rate.h"

#include <string.h>

void
rate_init(struct rate *r)
{
	memset(r, 0, sizeof(*r));
}

static void
advance(struct rate *r, uint64_t sec)
{
	uint64_t	s;

	if (sec <= r->sec)
		return;
	if (sec - r->sec >= RATE_SLOTS) {
		memset(r->slot, 0, sizeof(r->slot));
	} else {
		for (s = r->sec + 1; s <= sec; s++)
			r->slot[s % RATE_SLOTS] = 0;
	}
	r->sec = sec;
}

void
rate_add(struct rate *r, uint64_t n, uint64_t now_ms)
{
	if (!r->started) {
		r->started = 1;
		r->start_ms = now_ms;
		r->sec = now_ms / 1000;
	}
	advance(r, now_ms / 1000);
	r->slot[r->sec % RATE_SLOTS] += n;
	r->total += n;
}

uint64_t
rate_bps(const struct rate *r, uint64_t now_ms)
{
	uint64_t	sec = now_ms / 1000, sum = 0, span_ms, oldest;
	uint64_t	s;

	if (!r->started || sec >= r->sec + RATE_SLOTS)
		return 0;
	/* slots from (sec - RATE_SLOTS + 1) to min(sec, r->sec) are valid */
	oldest = sec + 1 >= RATE_SLOTS ? sec + 1 - RATE_SLOTS : 0;
	for (s = oldest; s <= r->sec && s <= sec; s++)
		sum += r->slot[s % RATE_SLOTS];
	span_ms = now_ms - oldest * 1000;
	if (oldest * 1000 < r->start_ms)
		span_ms = now_ms - r->start_ms;
	if (span_ms < 1000)
		span_ms = 1000;
	return sum * 1000 / span_ms;
}

uint64_t
rate_total(const struct rate *r)
{
	return r->total;
}
