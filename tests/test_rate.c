/* Unit tests for src/engine/rate: the sliding window, idle decay, totals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/rate.h"

static void
test_window_table(void **state)
{
	/* bytes added once a second at `per_sec', read at `read_ms' */
	static const struct {
		const char	*name;
		uint64_t	 per_sec, seconds, read_ms, want;
	} cases[] = {
		{ "steady 1000 B/s", 1000, 10, 10000, 1000 },
		{ "steady 1 MiB/s", 1048576, 20, 20000, 1048576 },
		{ "idle for the whole window", 1000, 10, 16000, 0 },
		{ "half a window idle", 1000, 10, 12500, 400 },
	};
	struct rate	r;
	uint64_t	s, got;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rate_init(&r);
		for (s = 0; s < cases[i].seconds; s++)
			rate_add(&r, cases[i].per_sec, s * 1000 + 500);
		got = rate_bps(&r, cases[i].read_ms);
		/* a window is whole seconds: allow 25% for the edge slot */
		if (got * 4 < cases[i].want * 3 || got * 4 > cases[i].want * 5)
			fail_msg("%s: got %llu, want ~%llu", cases[i].name,
			    (unsigned long long)got,
			    (unsigned long long)cases[i].want);
		assert_true(rate_total(&r) == cases[i].per_sec *
		    cases[i].seconds);
	}
}

static void
test_first_second(void **state)
{
	struct rate	r;

	(void)state;
	rate_init(&r);
	assert_int_equal(rate_bps(&r, 5000), 0);
	/* a burst in the first 200 ms is not inflated past its real rate */
	rate_add(&r, 1000, 100000);
	rate_add(&r, 1000, 100200);
	assert_int_equal(rate_bps(&r, 100200), 2000);
	assert_int_equal(rate_total(&r), 2000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_table),
		cmocka_unit_test(test_first_second),
	};

	return cmocka_run_group_tests_name("rate", tests, NULL, NULL);
}
