/* Unit tests for src/engine/blame: a sole sender is blamed at once; with
 * several senders only those whose blocks differ from the good copy are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/blame.h"

#define NB	4
#define SIZE	(NB * BLAME_BLOCK_LEN - 100)	/* a short last block */

static uint8_t	good[SIZE];

static void
make_bad(uint8_t *bad, const int *corrupt)
{
	uint32_t	i;

	memcpy(bad, good, SIZE);
	for (i = 0; i < NB; i++)
		if (corrupt[i])
			bad[i * BLAME_BLOCK_LEN + 7] ^= 0x5a;
}

static void
test_table(void **state)
{
	static const struct {
		const char	*name;
		uint32_t	 sender[NB];
		int		 corrupt[NB];
		uint32_t	 now;		/* blamed at failure */
		size_t		 nlater;	/* blamed when it passes */
		uint32_t	 later[2];
	} cases[] = {
		{ "sole sender", { 7, 7, 7, 7 }, { 1, 0, 0, 0 }, 7, 0, { 0 } },
		{ "sole, some blocks from nobody",
		  { 7, BLAME_NOBODY, 7, 7 }, { 0, 0, 1, 0 }, 7, 0, { 0 } },
		{ "liar and honest: only the liar", { 1, 2, 1, 2 },
		  { 1, 0, 1, 0 }, BLAME_NOBODY, 1, { 1 } },
		{ "two liars", { 1, 2, 3, 3 }, { 1, 1, 0, 0 },
		  BLAME_NOBODY, 2, { 1, 2 } },
		{ "last short block", { 1, 1, 1, 2 }, { 0, 0, 0, 1 },
		  BLAME_NOBODY, 1, { 2 } },
	};
	struct blame	*b;
	uint8_t		*bad = malloc(SIZE);
	uint32_t	 ids[8];
	size_t		 i, n;

	(void)state;
	for (i = 0; i < SIZE; i++)
		good[i] = (uint8_t)(i * 31 + 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(b = blame_new());
		make_bad(bad, cases[i].corrupt);
		if (blame_piece_failed(b, 5, bad, SIZE, cases[i].sender, NB) !=
		    cases[i].now)
			fail_msg("%s: wrong sole sender", cases[i].name);
		n = blame_piece_passed(b, 5, good, SIZE, ids, 8);
		if (n != cases[i].nlater)
			fail_msg("%s: %zu blamed, want %zu", cases[i].name, n,
			    cases[i].nlater);
		if (n > 0 && memcmp(ids, cases[i].later, n * 4) != 0)
			fail_msg("%s: wrong peers blamed", cases[i].name);
		/* the copy is gone once used */
		assert_int_equal(blame_piece_passed(b, 5, good, SIZE, ids, 8),
		    0);
		blame_free(b);
	}
	free(bad);
}

static void
test_slots_are_bounded(void **state)
{
	static const uint32_t	sender[NB] = { 1, 2, 1, 2 };
	static const int	corrupt[NB] = { 1, 0, 0, 0 };
	struct blame		*b;
	uint8_t			*bad = malloc(SIZE);
	uint32_t		 ids[4], p;

	(void)state;
	make_bad(bad, corrupt);
	assert_non_null(b = blame_new());
	for (p = 0; p < BLAME_MAX_PIECES + 3; p++)
		assert_int_equal(blame_piece_failed(b, p, bad, SIZE, sender,
		    NB), BLAME_NOBODY);
	/* the oldest were forgotten, the newest kept */
	assert_int_equal(blame_piece_passed(b, 0, good, SIZE, ids, 4), 0);
	assert_int_equal(blame_piece_passed(b, BLAME_MAX_PIECES + 2, good,
	    SIZE, ids, 4), 1);
	assert_int_equal(ids[0], 1);
	/* a piece with no kept copy blames nobody */
	assert_int_equal(blame_piece_passed(b, 999, good, SIZE, ids, 4), 0);
	blame_free(b);
	blame_free(NULL);
	free(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_slots_are_bounded),
	};

	return cmocka_run_group_tests_name("blame", tests, NULL, NULL);
}
