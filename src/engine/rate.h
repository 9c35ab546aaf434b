/*
 * rate: bytes per second over a sliding window of RATE_SLOTS one-second
 * slots, driven by the caller's clock (ms).  Embedded by value.
 */
#ifndef BT_RATE_H
#define BT_RATE_H

#include <stdint.h>

#define RATE_SLOTS	5		/* window: the last 4 full seconds + now */

struct rate {			/* members are private */
	uint64_t	slot[RATE_SLOTS];
	uint64_t	sec;		/* second of slot[sec % RATE_SLOTS] */
	uint64_t	start_ms;	/* first sample, for short windows */
	uint64_t	total;		/* bytes ever added */
	int		started;
};

void		rate_init(struct rate *r);
/* Counts n bytes at time now_ms. */
void		rate_add(struct rate *r, uint64_t n, uint64_t now_ms);
/* Bytes per second over the window ending at now_ms. */
uint64_t	rate_bps(const struct rate *r, uint64_t now_ms);
uint64_t	rate_total(const struct rate *r);

#endif
