/* Unit tests for src/tui/headless: the back-off of the automatic retry
 * after an engine error (the loop itself runs in the integration tests:
 * disk_full.sh, watchdog.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tui/headless.h"

static void
test_retry_wait(void **state)
{
	static const struct {
		uint64_t	prev_ms;
		int		progressed;
		uint64_t	want_ms;
	} rows[] = {
		{ 0, 0, 10000 },		/* the first error */
		{ 0, 1, 10000 },
		{ 10000, 0, 20000 },		/* the retry gained nothing */
		{ 20000, 0, 40000 },
		{ 80000, 0, 160000 },
		{ 160000, 0, 300000 },		/* capped at 5 min */
		{ 300000, 0, 300000 },
		{ 300000, 1, 10000 },		/* pieces came: start over */
		{ 40000, 1, 10000 },
		{ UINT64_MAX, 0, 300000 },	/* no overflow */
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (headless_retry_wait_ms(rows[i].prev_ms,
		    rows[i].progressed) != rows[i].want_ms)
			fail_msg("row %zu: got %llu ms", i, (unsigned long long)
			    headless_retry_wait_ms(rows[i].prev_ms,
			    rows[i].progressed));
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_retry_wait),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
