/* Unit tests for src/ipc/fmt: sizes at every unit edge and rounding
 * threshold, rates, durations, the widest outputs, short buffers, and a
 * seeded sweep that reads each size back and checks it is the nearest
 * value in the smallest unit that holds it. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/fmt.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define KIB	1024ull
#define MIB	(KIB * KIB)

static void
test_size_table(void **state)
{
	static const struct {
		uint64_t	 n;
		const char	*want;
	} rows[] = {
		{ 0, "0 B" }, { 1, "1 B" }, { 1023, "1023 B" },
		{ 1024, "1.0 KiB" },
		{ 1280, "1.3 KiB" },			/* 1.25: half up */
		{ 1536, "1.5 KiB" },
		{ 102348, "99.9 KiB" },			/* 99.949 */
		{ 102349, "100 KiB" },			/* 99.950 */
		{ 102400, "100 KiB" },
		{ 1048063, "1023 KiB" },		/* 1023.499 */
		{ 1048064, "1.0 MiB" },			/* 1023.5 */
		{ 1048524, "1.0 MiB" },			/* 1023.95 */
		{ 1048575, "1.0 MiB" },			/* not "1024.0 KiB" */
		{ 1048576, "1.0 MiB" },
		{ 12939427, "12.3 MiB" }, { 462636237, "441 MiB" },
		{ 1073741823, "1.0 GiB" }, { 549755813888ull, "512 GiB" },
		{ 1099511627776ull, "1.0 TiB" },
		{ 1125899906842624ull, "1.0 PiB" },
		{ 1000000000000000000ull, "888 PiB" },	/* 10^18 */
		{ 1152921504606846976ull, "1.0 EiB" },
		{ UINT64_MAX, "16.0 EiB" },
	};
	char	buf[FMT_MAX];
	size_t	i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		assert_ptr_equal(fmt_size(buf, sizeof(buf), rows[i].n), buf);
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("size %" PRIu64 ": \"%s\", want \"%s\"",
			    rows[i].n, buf, rows[i].want);
	}
}

static void
test_rate_table(void **state)
{
	static const struct {
		uint64_t	 n;
		const char	*want;
	} rows[] = {
		{ 0, "0 B/s" }, { 512, "512 B/s" }, { 1536, "1.5 KiB/s" },
		{ 20480, "20.0 KiB/s" }, { 1048063, "1023 KiB/s" },
		{ 1048575, "1.0 MiB/s" }, { 126143693, "120 MiB/s" },
		{ UINT64_MAX, "16.0 EiB/s" },
	};
	char	buf[FMT_MAX];
	size_t	i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		assert_ptr_equal(fmt_rate(buf, sizeof(buf), rows[i].n), buf);
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("rate %" PRIu64 ": \"%s\", want \"%s\"",
			    rows[i].n, buf, rows[i].want);
	}
}

static void
test_duration_table(void **state)
{
	static const struct {
		int64_t		 s;
		const char	*want;
	} rows[] = {
		{ INT64_MIN, "-" }, { -100, "-" }, { -1, "-" },
		{ 0, "0s" }, { 59, "59s" }, { 60, "1m00s" }, { 312, "5m12s" },
		{ 3599, "59m59s" }, { 3600, "1h00m" }, { 3659, "1h00m" },
		{ 11100, "3h05m" }, { 86399, "23h59m" }, { 86400, "1d00h" },
		{ 183600, "2d03h" }, { 999 * 86400LL, "999d00h" },
		{ 1000 * 86400LL - 1, "999d23h" },
		{ 1000 * 86400LL, ">999d" }, { INT64_MAX, ">999d" },
	};
	char	buf[FMT_MAX];
	size_t	i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		assert_ptr_equal(fmt_duration(buf, sizeof(buf), rows[i].s),
		    buf);
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("duration %" PRId64 ": \"%s\", want \"%s\"",
			    rows[i].s, buf, rows[i].want);
	}
}

/* The widest outputs are exactly the advertised column counts. */
static void
test_widest(void **state)
{
	char	buf[FMT_MAX];

	(void)state;
	assert_int_equal(strlen(fmt_size(buf, sizeof(buf), 1048063)),
	    FMT_SIZE_COLS);
	assert_int_equal(strlen(fmt_size(buf, sizeof(buf), 102348)),
	    FMT_SIZE_COLS);
	assert_int_equal(strlen(fmt_rate(buf, sizeof(buf), 1048063)),
	    FMT_RATE_COLS);
	assert_int_equal(strlen(fmt_duration(buf, sizeof(buf),
	    1000 * 86400LL - 1)), FMT_DURATION_COLS);
}

/* Short buffers get snprintf's prefix, never a byte past len; len 0
 * writes nothing and still returns a string. */
static void
test_short_buffers(void **state)
{
	static const struct {
		int		 kind;	/* 0 size, 1 rate, 2 duration */
		int64_t		 v;
		size_t		 len;
		const char	*want;
	} rows[] = {
		{ 0, 1536, 4, "1.5" }, { 0, 1536, 1, "" },
		{ 0, 1023, 5, "1023" },
		{ 0, UINT64_MAX / 2, 3, "8." },
		{ 1, 1536, 8, "1.5 KiB" }, { 1, 0, 4, "0 B" },
		{ 2, 312, 3, "5m" }, { 2, -1, 1, "" },
		{ 2, 1000 * 86400LL, 4, ">99" },
	};
	char		 buf[FMT_MAX];
	const char	*r = NULL;
	size_t		 i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		memset(buf, '#', sizeof(buf));
		if (rows[i].kind == 0)
			r = fmt_size(buf, rows[i].len, (uint64_t)rows[i].v);
		else if (rows[i].kind == 1)
			r = fmt_rate(buf, rows[i].len, (uint64_t)rows[i].v);
		else
			r = fmt_duration(buf, rows[i].len, rows[i].v);
		assert_ptr_equal(r, buf);
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("row %zu: \"%s\", want \"%s\"", i, buf,
			    rows[i].want);
		assert_int_equal(buf[rows[i].len], '#');
	}
	memset(buf, '#', sizeof(buf));
	assert_string_equal(fmt_size(buf, 0, 1), "");
	assert_string_equal(fmt_rate(buf, 0, 1), "");
	assert_string_equal(fmt_duration(buf, 0, 1), "");
	assert_int_equal(buf[0], '#');
}

static uint64_t
splitmix(uint64_t *s)
{
	uint64_t	z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * Reads "W.F UNIT" or "W UNIT" back and checks, exactly, in tenths: the
 * shown value is within half a step of bytes, it is at least 1.0 and at
 * most 1023, and the unit below would have needed 1024 or more.
 */
static void
check_size(uint64_t bytes)
{
	static const char *const	units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	char				buf[FMT_MAX], unit[8];
	unsigned			frac = 0;
	uint64_t			whole = 0;
	unsigned __int128		scale = 1, shown, exact, diff, step = 0;
	size_t				u;

	fmt_size(buf, sizeof(buf), bytes);
	if (strlen(buf) > FMT_SIZE_COLS)
		fail_msg("%" PRIu64 ": \"%s\" is too wide", bytes, buf);
	if (sscanf(buf, "%" SCNu64 ".%1u %7s", &whole, &frac, unit) == 3)
		step = 1;
	else if (sscanf(buf, "%" SCNu64 " %7s", &whole, unit) == 2)
		step = 10;
	else
		fail_msg("%" PRIu64 ": cannot read \"%s\"", bytes, buf);
	for (u = 0; u < N(units) && strcmp(unit, units[u]) != 0; u++)
		scale *= KIB;
	if (u == N(units))
		fail_msg("%" PRIu64 ": no unit in \"%s\"", bytes, buf);
	shown = ((unsigned __int128)whole * 10 + frac) * scale;
	exact = (unsigned __int128)bytes * 10;
	diff = shown > exact ? shown - exact : exact - shown;
	if (u == 0 ? shown != exact : diff * 2 > step * scale)
		fail_msg("%" PRIu64 ": \"%s\" is not the nearest", bytes, buf);
	if (u > 0 && (whole == 0 || whole > 1023 ||
	    (step == 1 && whole > 99)))
		fail_msg("%" PRIu64 ": \"%s\" out of range", bytes, buf);
	/* In the unit below it would have rounded to 1024 or more. */
	if (u > 1 && (unsigned __int128)bytes * 2 < 2047 * (scale / KIB))
		fail_msg("%" PRIu64 ": \"%s\" could use a smaller unit", bytes,
		    buf);
}

static void
test_size_sweep(void **state)
{
	uint64_t	seed = 0x5eed2024u, s, b;
	unsigned	i, shift;

	(void)state;
	print_message("fmt sweep seed %#" PRIx64 "\n", seed);
	s = seed;
	for (i = 0; i < 200000; i++) {
		b = splitmix(&s);
		shift = (unsigned)(b & 63);
		check_size(splitmix(&s) >> shift);
	}
	/* Every threshold, and its neighbours, in every unit. */
	for (i = 1; i < 7; i++) {
		uint64_t	unit = 1ull << (10 * (i - 1));
		uint64_t	edges[] = { 1024 * unit, 102350 * unit / 1024,
			    1048064 * unit / 1024 };
		size_t		e;

		for (e = 0; e < N(edges); e++) {
			check_size(edges[e] - 1);
			check_size(edges[e]);
			check_size(edges[e] + 1);
		}
	}
	check_size(UINT64_MAX);
}

/* fmt_limit: a rate, or "none" for no limit. */
static void
test_limit(void **state)
{
	char	buf[FMT_MAX], rate[FMT_MAX];

	(void)state;
	assert_string_equal(fmt_limit(buf, sizeof(buf), 0), "none");
	assert_string_equal(fmt_limit(buf, sizeof(buf), 51200),
	    fmt_rate(rate, sizeof(rate), 51200));
}

/* fmt_cut: whole when it fits, else cut between characters with "…". */
static void
test_cut_table(void **state)
{
	static const struct {
		const char	*in;
		size_t		 max;
		const char	*want;
	} rows[] = {
		{ "short", 40, "short" },
		{ "exactly10!", 10, "exactly10!" },
		{ "eleven bytes", 10, "eleven \xe2\x80\xa6" },
		/* é is 2 bytes: the cut does not split it */
		{ "ab\xc3\xa9\xc3\xa9xyz", 7, "ab\xc3\xa9\xe2\x80\xa6" },
		{ "ab\xc3\xa9\xc3\xa9xyz", 6, "ab\xe2\x80\xa6" },
		{ "abcdef", 3, "abc" },		/* no room for the ellipsis */
		{ "abcdef", 0, "" },
		{ "", 5, "" },
	};
	char	buf[64];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fmt_cut(buf, sizeof(buf), rows[i].in, rows[i].max);
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("row %zu: \"%s\", want \"%s\"", i, buf,
			    rows[i].want);
		assert_true(strlen(buf) <= rows[i].max);
	}
	/* the buffer bounds it too */
	fmt_cut(buf, 6, "abcdefghij", 40);
	assert_string_equal(buf, "ab\xe2\x80\xa6");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_table),
		cmocka_unit_test(test_cut_table),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_rate_table),
		cmocka_unit_test(test_duration_table),
		cmocka_unit_test(test_widest),
		cmocka_unit_test(test_short_buffers),
		cmocka_unit_test(test_size_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
