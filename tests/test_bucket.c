/* Unit tests for src/engine/bucket: simulated transfers stay within 5% of
 * the rate, unlimited never blocks, rate changes at run time, debt, exact
 * wait_ms values, and a seeded random check of wait_ms against refill. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>

#include "engine/bucket.h"

#define BLOCK	16384
#define KIB	1024ull
#define MIB	(1024ull * 1024)

enum pull {
	PULL_WHOLE,		/* take a block only when it is all there */
	PULL_DEBT,		/* take a block whenever anything is there */
};

enum tick {
	TICK_1MS,		/* the loop wakes every millisecond */
	TICK_50MS,		/* a coarse loop */
	TICK_WAIT,		/* the loop sleeps bucket_wait_ms(BLOCK) */
};

/* One loop turn: pull blocks the way the engine would. */
static uint64_t
pull(struct bucket *b, enum pull how)
{
	uint64_t	got = 0;

	while (how == PULL_WHOLE ? bucket_available(b) >= BLOCK :
	    bucket_available(b) > 0) {
		bucket_consume(b, BLOCK);
		got += BLOCK;
	}
	return got;
}

static uint64_t
next_tick(const struct bucket *b, enum tick tick, uint64_t now)
{
	int64_t	w;

	switch (tick) {
	case TICK_1MS:
		return now + 1;
	case TICK_50MS:
		return now + 50;
	default:
		w = bucket_wait_ms(b, BLOCK);
		return now + (w < 1 ? 1 : (uint64_t)w);
	}
}

/* Bytes moved in [from, to) ms; the bucket is refilled at each tick. */
static uint64_t
simulate(struct bucket *b, enum pull how, enum tick tick, uint64_t from,
    uint64_t to)
{
	uint64_t	now, total = 0;

	for (now = from; now < to; now = next_tick(b, tick, now)) {
		bucket_refill(b, now);
		total += pull(b, how);
	}
	return total;
}

static void
check_within(const char *name, uint64_t got, uint64_t want)
{
	uint64_t	diff = got > want ? got - want : want - got;

	if (diff * 20 > want)
		fail_msg("%s: moved %llu bytes, want %llu +- 5%%", name,
		    (unsigned long long)got, (unsigned long long)want);
}

static void
test_rate_table(void **state)
{
	static const uint64_t	rates[] = { 50 * KIB, 1 * MIB, 100 * MIB };
	static const char	*pulls[] = { "whole", "debt" };
	static const char	*ticks[] = { "1ms", "50ms", "wait" };
	struct bucket		 b;
	char			 name[64];
	size_t			 r, p, t;

	(void)state;
	for (r = 0; r < 3; r++)
		for (p = 0; p < 2; p++)
			for (t = 0; t < 3; t++) {
				snprintf(name, sizeof(name), "%llu B/s %s %s",
				    (unsigned long long)rates[r], pulls[p],
				    ticks[t]);
				bucket_init(&b, rates[r], 1000);
				check_within(name, simulate(&b, (enum pull)p,
				    (enum tick)t, 1000, 11000), rates[r] * 10);
			}
}

static void
test_unlimited(void **state)
{
	struct bucket	b;
	uint64_t	now;

	(void)state;
	bucket_init(&b, 0, 5);
	assert_int_equal(bucket_rate(&b), 0);
	for (now = 5; now < 100; now += 7) {
		bucket_refill(&b, now);
		assert_true(bucket_available(&b) == UINT64_MAX);
		assert_int_equal(bucket_wait_ms(&b, UINT64_MAX), 0);
		assert_int_equal(bucket_wait_ms(&b, BLOCK), 0);
		bucket_consume(&b, UINT64_MAX);
		bucket_consume(&b, 1ull << 62);
		assert_true(bucket_available(&b) == UINT64_MAX);
	}
	/* A limited bucket made unlimited stops counting its debt. */
	bucket_init(&b, 1000, 0);
	bucket_consume(&b, 1000000);
	assert_int_equal(bucket_available(&b), 0);
	bucket_set_rate(&b, 0, 10);
	assert_true(bucket_available(&b) == UINT64_MAX);
	assert_int_equal(bucket_wait_ms(&b, BLOCK), 0);
}

static void
test_rate_change(void **state)
{
	static const struct {
		uint64_t	r1, r2;
	} cases[] = {
		{ 1 * MIB, 100 * KIB }, { 100 * KIB, 1 * MIB },
		{ 50 * KIB, 100 * MIB }, { 100 * MIB, 50 * KIB },
		{ 1 * MIB, 1 * MIB },
	};
	struct bucket	b;
	char		name[64];
	uint64_t	total;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "%llu then %llu",
		    (unsigned long long)cases[i].r1,
		    (unsigned long long)cases[i].r2);
		bucket_init(&b, cases[i].r1, 0);
		total = simulate(&b, PULL_DEBT, TICK_1MS, 0, 5000);
		bucket_set_rate(&b, cases[i].r2, 5000);
		assert_true(bucket_rate(&b) == cases[i].r2);
		total += simulate(&b, PULL_DEBT, TICK_1MS, 5000, 10000);
		check_within(name, total, (cases[i].r1 + cases[i].r2) * 5);
	}
}

static void
test_rate_change_edges(void **state)
{
	struct bucket	b;

	(void)state;
	/* Tokens earned at the old rate are kept, capped at the new burst. */
	bucket_init(&b, 10 * MIB, 0);
	bucket_refill(&b, 1000);
	assert_int_equal(bucket_available(&b), MIB);	/* burst: 100 ms */
	bucket_set_rate(&b, 100 * KIB, 1000);
	assert_int_equal(bucket_available(&b), BUCKET_MIN_BURST);
	/* Tokens up to the change are counted at the old rate. */
	bucket_init(&b, 1000, 0);
	bucket_set_rate(&b, 2000, 10);
	assert_int_equal(bucket_available(&b), 10);
	bucket_refill(&b, 20);
	assert_int_equal(bucket_available(&b), 30);
	/* Unlimited back to limited starts empty. */
	bucket_set_rate(&b, 0, 30);
	bucket_set_rate(&b, 1000, 40);
	assert_int_equal(bucket_available(&b), 0);
	bucket_refill(&b, 50);
	assert_int_equal(bucket_available(&b), 10);
	/* Debt survives a rate change and is paid at the new rate. */
	bucket_consume(&b, 1010);
	bucket_set_rate(&b, 10000, 50);
	assert_int_equal(bucket_available(&b), 0);
	assert_int_equal(bucket_wait_ms(&b, 1), 101);
	/* Absurd rates are clamped. */
	bucket_init(&b, UINT64_MAX, 0);
	assert_true(bucket_rate(&b) == BUCKET_MAX_BPS);
	bucket_set_rate(&b, UINT64_MAX - 1, 0);
	assert_true(bucket_rate(&b) == BUCKET_MAX_BPS);
}

static void
test_debt(void **state)
{
	struct bucket	b;

	(void)state;
	bucket_init(&b, 100 * KIB, 0);
	assert_int_equal(bucket_available(&b), 0);	/* starts empty */
	bucket_refill(&b, 1000);
	assert_int_equal(bucket_available(&b), BUCKET_MIN_BURST);
	bucket_consume(&b, 100000);			/* 67232 in debt */
	assert_int_equal(bucket_available(&b), 0);
	/* ceil(67233 * 1000 / 102400) = 657 ms until one byte is there. */
	assert_int_equal(bucket_wait_ms(&b, 1), 657);
	bucket_refill(&b, 1656);
	assert_int_equal(bucket_available(&b), 0);
	bucket_refill(&b, 1657);	/* 102.4 + the 0.4 carried */
	assert_int_equal(bucket_available(&b), 44);
	/* A huge consume saturates instead of wrapping. */
	bucket_consume(&b, UINT64_MAX);
	assert_int_equal(bucket_available(&b), 0);
	assert_true(bucket_wait_ms(&b, 1) > 0);
	bucket_refill(&b, UINT64_MAX);
	assert_int_equal(bucket_available(&b), BUCKET_MIN_BURST);
}

static void
test_wait_table(void **state)
{
	static const struct {
		const char	*name;
		uint64_t	 rate, refill_at, consume, need;
		int64_t		 want;
	} cases[] = {
		{ "100 B at 1000 B/s", 1000, 0, 0, 100, 100 },
		{ "need 0", 1000, 0, 0, 0, 0 },
		{ "need over burst", 1000, 0, 0, 1000000, 32768 },
		{ "1 B at 3 B/s", 3, 0, 0, 1, 334 },
		{ "carried fraction", 3, 100, 0, 1, 234 },
		{ "block at 50 KiB/s", 50 * KIB, 0, 0, BLOCK, 320 },
		{ "already there", 1000, 500, 0, 500, 0 },
		{ "partly there", 1000, 500, 0, 501, 1 },
		{ "in debt", 1000, 0, 1000, 1, 1001 },
		{ "fast rate", 100 * MIB, 0, 0, BLOCK, 1 },
	};
	struct bucket	b;
	int64_t		got;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bucket_init(&b, cases[i].rate, 0);
		bucket_refill(&b, cases[i].refill_at);
		bucket_consume(&b, cases[i].consume);
		if ((got = bucket_wait_ms(&b, cases[i].need)) != cases[i].want)
			fail_msg("%s: got %lld ms, want %lld", cases[i].name,
			    (long long)got, (long long)cases[i].want);
	}
}

static void
test_slow_rate_adds_up(void **state)
{
	struct bucket	b;
	uint64_t	now;

	(void)state;
	bucket_init(&b, 1, 0);
	for (now = 1; now <= 10000; now++)
		bucket_refill(&b, now);
	assert_int_equal(bucket_available(&b), 10);
	/* A clock that goes back adds nothing and loses nothing. */
	bucket_refill(&b, 5);
	assert_int_equal(bucket_available(&b), 10);
	bucket_refill(&b, 11000);
	assert_int_equal(bucket_available(&b), 11);
}

/* wait_ms(need) is the exact first moment: a refill then makes `need'
 * available, a refill one ms earlier does not. */
static void
test_wait_random(void **state)
{
	unsigned	seed = 4099;
	struct bucket	b, at, before;
	uint64_t	now = 0, need;
	int64_t		w;
	int		i;

	(void)state;
	printf("seed %u\n", seed);
	srand(seed);
	bucket_init(&b, 1 + (uint64_t)rand() % MIB, now);
	for (i = 0; i < 10000; i++) {
		if (rand() % 50 == 0)
			bucket_set_rate(&b, 1 + (uint64_t)rand() % (8 * MIB),
			    now);
		now += (uint64_t)(rand() % 100);
		bucket_refill(&b, now);
		bucket_consume(&b, (uint64_t)(rand() % (4 * BLOCK)));
		need = (uint64_t)rand() % (2 * BLOCK);	/* <= every burst */
		w = bucket_wait_ms(&b, need);
		assert_true(w >= 0);
		at = b;
		bucket_refill(&at, now + (uint64_t)w);
		if (bucket_available(&at) < need)
			fail_msg("round %d: %lld ms is too short", i,
			    (long long)w);
		if (w > 0) {
			before = b;
			bucket_refill(&before, now + (uint64_t)w - 1);
			if (bucket_available(&before) >= need)
				fail_msg("round %d: %lld ms is too long", i,
				    (long long)w);
		}
		assert_true(bucket_available(&b) <= BUCKET_MIN_BURST ||
		    bucket_available(&b) <= bucket_rate(&b) / 10);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_rate_table),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_rate_change),
		cmocka_unit_test(test_rate_change_edges),
		cmocka_unit_test(test_debt),
		cmocka_unit_test(test_wait_table),
		cmocka_unit_test(test_slow_rate_adds_up),
		cmocka_unit_test(test_wait_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
