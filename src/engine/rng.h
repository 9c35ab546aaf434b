/*
 * rng: splitmix64 (Vigna), the one pseudo-random generator of the engine.
 * Small, fast, seedable with any value; good enough for tie-breaking,
 * shuffles, transaction ids and peer ids, not for secrets.  The state is a
 * uint64_t owned by the caller's struct, so tests choose the seed.
 */
#ifndef BT_RNG_H
#define BT_RNG_H

#include <stdint.h>

/* The next 64 random bits; advances *state. */
uint64_t	rng_next(uint64_t *state);
/* Uniform in [0, n) for n > 0 (multiply-shift; bias below n / 2^32). */
uint32_t	rng_below(uint64_t *state, uint32_t n);

#endif
