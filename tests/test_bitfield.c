/* Unit tests for src/engine/bitfield: BEP 3 bit order, count kept through
 * set/clear, from_bytes length and spare-bit checks, and a seeded random
 * comparison against a plain array of flags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "engine/bitfield.h"
#include "ipc/err.h"

/* xorshift64: the tests' own generator, seeded and printed per run. */
static uint32_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 32);
}

/* TEST_SEED=n reproduces a run; otherwise the clock picks one. */
static uint64_t
test_seed(void)
{
	const char	*e = getenv("TEST_SEED");
	char		*end;
	uint64_t	 v;

	if (e != NULL) {
		v = strtoull(e, &end, 10);
		if (end != e && *end == '\0')
			return v;
	}
	return (uint64_t)time(NULL);
}

static void
test_init_empty_and_zero_bits(void **state)
{
	struct bitfield	bf;

	(void)state;
	assert_int_equal(bitfield_init(&bf, 0), BT_OK);
	assert_int_equal(bitfield_nbytes(&bf), 0);
	assert_null(bitfield_bytes(&bf));
	assert_int_equal(bitfield_count(&bf), 0);
	assert_true(bitfield_complete(&bf));
	assert_int_equal(bitfield_get(&bf, 0), 0);
	bitfield_set(&bf, 0);
	bitfield_set_all(&bf);
	assert_int_equal(bitfield_count(&bf), 0);
	assert_int_equal(bitfield_from_bytes(&bf, NULL, 0), BT_OK);
	assert_int_equal(bitfield_from_bytes(&bf, (const uint8_t *)"", 1),
	    BT_ERR_FORMAT);
	bitfield_cleanup(&bf);

	assert_int_equal(bitfield_init(&bf, 17), BT_OK);
	assert_int_equal(bitfield_nbits(&bf), 17);
	assert_int_equal(bitfield_nbytes(&bf), 3);
	assert_memory_equal(bitfield_bytes(&bf), "\0\0\0", 3);
	assert_false(bitfield_complete(&bf));
	bitfield_cleanup(&bf);
	assert_int_equal(bitfield_nbits(&bf), 0);
	bitfield_cleanup(&bf);		/* twice is harmless */
}

static void
test_set_clear_keep_count(void **state)
{
	static const struct {
		const char	*name;
		char		 op;	/* s set, c clear */
		uint32_t	 bit, want_count;
	} steps[] = {
		{ "set 0", 's', 0, 1 }, { "set 0 again", 's', 0, 1 },
		{ "set 9 (last)", 's', 9, 2 }, { "set 10 (out)", 's', 10, 2 },
		{ "set huge", 's', UINT32_MAX, 2 },
		{ "clear 5 (clear)", 'c', 5, 2 },
		{ "clear 0", 'c', 0, 1 }, { "clear 0 again", 'c', 0, 1 },
		{ "clear 10 (out)", 'c', 10, 1 }, { "set 7", 's', 7, 2 },
	};
	struct bitfield	bf;
	size_t		i;

	(void)state;
	assert_int_equal(bitfield_init(&bf, 10), BT_OK);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].op == 's')
			bitfield_set(&bf, steps[i].bit);
		else
			bitfield_clear(&bf, steps[i].bit);
		if (bitfield_count(&bf) != steps[i].want_count)
			fail_msg("%s: count %u, want %u", steps[i].name,
			    bitfield_count(&bf), steps[i].want_count);
	}
	/* BEP 3: high bit of byte 0 is piece 0 */
	assert_memory_equal(bitfield_bytes(&bf), "\x01\x40", 2);
	assert_int_equal(bitfield_get(&bf, 7), 1);
	assert_int_equal(bitfield_get(&bf, 9), 1);
	assert_int_equal(bitfield_get(&bf, 8), 0);
	assert_int_equal(bitfield_get(&bf, 10), 0);
	bitfield_cleanup(&bf);
}

static void
test_set_all_leaves_spare_bits_zero(void **state)
{
	static const struct {
		uint32_t	 nbits;
		size_t		 nbytes;
		const char	*want;
	} cases[] = {
		{ 1, 1, "\x80" }, { 7, 1, "\xfe" }, { 8, 1, "\xff" },
		{ 9, 2, "\xff\x80" }, { 20, 3, "\xff\xff\xf0" },
	};
	struct bitfield	bf;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(bitfield_init(&bf, cases[i].nbits), BT_OK);
		bitfield_set_all(&bf);
		assert_int_equal(bitfield_nbytes(&bf), cases[i].nbytes);
		assert_memory_equal(bitfield_bytes(&bf), cases[i].want,
		    cases[i].nbytes);
		assert_int_equal(bitfield_count(&bf), cases[i].nbits);
		assert_true(bitfield_complete(&bf));
		bitfield_clear(&bf, 0);
		assert_false(bitfield_complete(&bf));
		bitfield_cleanup(&bf);
	}
}

static void
test_from_bytes_table(void **state)
{
	static const struct {
		const char	*name;
		uint32_t	 nbits;
		const char	*bytes;
		size_t		 len;
		int		 want;
		uint32_t	 want_count;
	} cases[] = {
		{ "10 bits, good", 10, "\xa5\xc0", 2, BT_OK, 6 },
		{ "10 bits, all", 10, "\xff\xc0", 2, BT_OK, 10 },
		{ "10 bits, none", 10, "\x00\x00", 2, BT_OK, 0 },
		{ "8 bits, no spare", 8, "\xff", 1, BT_OK, 8 },
		{ "16 bits", 16, "\x80\x01", 2, BT_OK, 2 },
		{ "70 bits", 70, "\xff\xff\xff\xff\xff\xff\xff\xff\xfc", 9,
		  BT_OK, 70 },
		{ "too short", 10, "\xff", 1, BT_ERR_FORMAT, 0 },
		{ "too long", 10, "\xff\xc0\x00", 3, BT_ERR_FORMAT, 0 },
		{ "empty for 10", 10, "", 0, BT_ERR_FORMAT, 0 },
		{ "spare bit 10", 10, "\x00\x20", 2, BT_ERR_FORMAT, 0 },
		{ "last spare bit", 10, "\x00\x01", 2, BT_ERR_FORMAT, 0 },
		{ "spare in 70", 70, "\0\0\0\0\0\0\0\0\x02", 9,
		  BT_ERR_FORMAT, 0 },
	};
	struct bitfield	bf;
	size_t		i;
	int		r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(bitfield_init(&bf, cases[i].nbits), BT_OK);
		bitfield_set(&bf, 1);	/* must vanish on success only */
		r = bitfield_from_bytes(&bf, (const uint8_t *)cases[i].bytes,
		    cases[i].len);
		if (r != cases[i].want)
			fail_msg("%s: got %d, want %d", cases[i].name, r,
			    cases[i].want);
		if (r == BT_OK) {
			assert_memory_equal(bitfield_bytes(&bf),
			    cases[i].bytes, cases[i].len);
			if (bitfield_count(&bf) != cases[i].want_count)
				fail_msg("%s: count %u", cases[i].name,
				    bitfield_count(&bf));
		} else {
			/* unchanged on error */
			assert_int_equal(bitfield_count(&bf), 1);
			assert_int_equal(bitfield_get(&bf, 1), 1);
		}
		bitfield_cleanup(&bf);
	}
}

static void
test_random_against_flags(void **state)
{
	struct bitfield	 bf, copy;
	uint8_t		*flags;
	uint32_t	 nbits, i, bit, want;
	uint64_t	 seed = test_seed(), rs = seed | 1;
	int		 round;

	(void)state;
	printf("bitfield random: TEST_SEED=%llu\n", (unsigned long long)seed);
	for (round = 0; round < 200; round++) {
		nbits = 1 + rnd(&rs) % 300;
		assert_int_equal(bitfield_init(&bf, nbits), BT_OK);
		assert_int_equal(bitfield_init(&copy, nbits), BT_OK);
		assert_non_null(flags = calloc(nbits, 1));
		for (i = 0; i < 500; i++) {
			bit = rnd(&rs) % (nbits + 3);
			if (rnd(&rs) % 2) {
				bitfield_set(&bf, bit);
				if (bit < nbits)
					flags[bit] = 1;
			} else {
				bitfield_clear(&bf, bit);
				if (bit < nbits)
					flags[bit] = 0;
			}
		}
		for (i = want = 0; i < nbits; i++) {
			want += flags[i];
			if (bitfield_get(&bf, i) != flags[i])
				fail_msg("seed %llu round %d bit %u",
				    (unsigned long long)seed, round, i);
		}
		assert_int_equal(bitfield_count(&bf), want);
		assert_int_equal(bitfield_from_bytes(&copy, bitfield_bytes(&bf),
		    bitfield_nbytes(&bf)), BT_OK);
		assert_int_equal(bitfield_count(&copy), want);
		free(flags);
		bitfield_cleanup(&bf);
		bitfield_cleanup(&copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty_and_zero_bits),
		cmocka_unit_test(test_set_clear_keep_count),
		cmocka_unit_test(test_set_all_leaves_spare_bits_zero),
		cmocka_unit_test(test_from_bytes_table),
		cmocka_unit_test(test_random_against_flags),
	};

	return cmocka_run_group_tests_name("bitfield", tests, NULL, NULL);
}
