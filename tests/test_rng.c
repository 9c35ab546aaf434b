/* Unit tests for src/engine/rng: known splitmix64 outputs, determinism per
 * seed, rng_below's range and rough uniformity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/rng.h"

static void
test_known_values(void **state)
{
	/* splitmix64 seeded with 0: the reference sequence */
	static const uint64_t	want[] = {
		0xe220a8397b1dcdafull, 0x6e789e6aa1b965f4ull,
		0x06c45d188009454full,
	};
	uint64_t	s = 0;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_true(rng_next(&s) == want[i]);
}

static void
test_below(void **state)
{
	static const uint32_t	ns[] = { 1, 2, 7, 1000, 4000000000u };
	uint64_t		s = 12345, a = 99, b = 99;
	uint32_t		counts[7] = { 0 };
	size_t			i, k;

	(void)state;
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		for (k = 0; k < 10000; k++)
			assert_true(rng_below(&s, ns[i]) < ns[i]);
	for (k = 0; k < 70000; k++)
		counts[rng_below(&s, 7)]++;
	for (i = 0; i < 7; i++)		/* each ~10000 */
		assert_true(counts[i] > 9000 && counts[i] < 11000);
	for (k = 0; k < 100; k++)	/* same seed, same sequence */
		assert_true(rng_next(&a) == rng_next(&b));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_values),
		cmocka_unit_test(test_below),
	};

	return cmocka_run_group_tests_name("rng", tests, NULL, NULL);
}
