/* Unit tests for src/engine/journal: appends read back, a torn or corrupt
 * tail ignored from the first bad record on (cut at every offset), another
 * torrent's journal refused, trimming, compaction, the path rule, and
 * written (not flushed) records.  Each test runs in its own sandbox
 * directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sandbox.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/journal.h"
#include "ipc/err.h"

#define HASH_A	"AAAAAAAAAAAAAAAAAAAA"
#define HASH_B	"BBBBBBBBBBBBBBBBBBBB"
#define NPIECES	40u

struct fixture {
	char	tmp[256];
	char	path[300];
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(sandbox_create(f->tmp, sizeof(f->tmp), "journal"),
	    0);
	snprintf(f->path, sizeof(f->path), "%s/x.journal", f->tmp);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	sandbox_remove(f->tmp);
	free(f);
	return 0;
}

static int
bit(const uint8_t *bits, uint32_t i)
{
	return (bits[i / 8] >> (7 - i % 8)) & 1;
}

static off_t
file_size(const char *path)
{
	struct stat	st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

/* Loads into a fresh bitfield; returns the number of bits set. */
static uint32_t
load_count(const char *path, uint8_t bits[(NPIECES + 7) / 8],
    struct journal_stats *st, int want)
{
	uint32_t	i, n = 0;

	memset(bits, 0, (NPIECES + 7) / 8);
	assert_int_equal(journal_load(path, (const uint8_t *)HASH_A, NPIECES,
	    bits, (NPIECES + 7) / 8, NULL, st), want);
	for (i = 0; i < NPIECES; i++)
		n += (uint32_t)bit(bits, i);
	return n;
}

static void
test_crc32(void **state)
{
	(void)state;
	/* The check value of CRC-32/ISO-HDLC. */
	assert_int_equal(journal_crc32("123456789", 9), 0xcbf43926u);
	assert_int_equal(journal_crc32("", 0), 0);
}

static void
test_path(void **state)
{
	static const struct { const char *in, *want; size_t len; int r; }
	    cases[] = {
		{ "/d/resume/ab.resume", "/d/resume/ab.journal", 64, BT_OK },
		{ "/d/x.state", "/d/x.state.journal", 64, BT_OK },
		{ ".resume", ".journal", 64, BT_OK },
		{ "a.resume", "a.journal", 10, BT_OK },
		{ "a.resume", "", 9, BT_ERR_LIMIT },
	};
	char	buf[64];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = journal_path(cases[i].in, buf, cases[i].len);

		if (r != cases[i].r || strcmp(buf, cases[i].want) != 0)
			fail_msg("%s: got %d \"%s\", want %d \"%s\"",
			    cases[i].in, r, buf, cases[i].r, cases[i].want);
	}
}

static void
test_append_load(void **state)
{
	struct fixture		*f = *state;
	static const uint32_t	 a[] = { 0, 7, 8 }, b[] = { 39, 8, 20 };
	uint8_t			 bits[(NPIECES + 7) / 8];
	struct journal_stats	 st;

	assert_int_equal(load_count(f->path, bits, &st, BT_ERR_NOTFOUND), 0);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, a, 3), BT_OK);
	assert_int_equal(file_size(f->path), JOURNAL_HEADER_LEN + 8 + 12);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, b, 3), BT_OK);
	assert_int_equal(load_count(f->path, bits, &st, BT_OK), 5);
	assert_true(bit(bits, 0) && bit(bits, 7) && bit(bits, 8) &&
	    bit(bits, 20) && bit(bits, 39) && !bit(bits, 1));
	assert_int_equal(st.records, 2);
	assert_int_equal(st.pieces, 5);
	assert_int_equal(st.torn, 0);
	assert_int_equal(st.valid_bytes, file_size(f->path));

	/* Bits already set are kept, and not counted as new. */
	memset(bits, 0, sizeof(bits));
	bits[0] = 0x40;		/* piece 1 */
	assert_int_equal(journal_load(f->path, (const uint8_t *)HASH_A,
	    NPIECES, bits, sizeof(bits), NULL, &st), BT_OK);
	assert_true(bit(bits, 1) && bit(bits, 0));
	assert_int_equal(st.pieces, 5);
}

static void
test_bad_args(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 p[] = { 1, NPIECES };
	uint8_t		 bits[(NPIECES + 7) / 8];
	struct journal_stats st;

	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, NULL, 1), BT_ERR_INVALID);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, p, JOURNAL_MAX_BATCH + 1), BT_ERR_INVALID);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, p, 2), BT_ERR_INVALID);
	assert_int_equal(access(f->path, F_OK), -1);	/* nothing written */
	assert_int_equal(journal_load(f->path, (const uint8_t *)HASH_A,
	    NPIECES, bits, 4, NULL, &st), BT_ERR_INVALID);
}

/* No piece: a fresh torrent's journal, the header alone; it loads as
 * "nothing verified", and a second empty append adds nothing. */
static void
test_header_only(void **state)
{
	struct fixture		*f = *state;
	static const uint32_t	 a[] = { 3 };
	uint8_t			 bits[(NPIECES + 7) / 8];
	struct journal_stats	 st;
	struct stat		 sb;
	off_t			 size;
	size_t			 i;

	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, NULL, 0), BT_OK);
	assert_int_equal(stat(f->path, &sb), 0);
	size = sb.st_size;
	assert_true(size > 0);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, NULL, 0), BT_OK);
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_size, size);
	memset(bits, 0, sizeof(bits));
	assert_int_equal(journal_load(f->path, (const uint8_t *)HASH_A,
	    NPIECES, bits, sizeof(bits), NULL, &st), BT_OK);
	for (i = 0; i < sizeof(bits); i++)
		assert_int_equal(bits[i], 0);
	/* and records follow it as usual */
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, a, 1), BT_OK);
	assert_int_equal(journal_load(f->path, (const uint8_t *)HASH_A,
	    NPIECES, bits, sizeof(bits), NULL, &st), BT_OK);
	assert_int_equal(bits[0], 0x10);
}

/* Written records: never the first thing in a file, read into their own
 * bitfield (or skipped), marked in the count word, torn like any other,
 * and journal_parse reads the bytes as journal_load reads the file. */
static void
test_written(void **state)
{
	struct fixture		*f = *state;
	static const uint32_t	 w1[] = { 3, 4 }, s1[] = { 4, 5 }, w2[] = { 6 };
	uint8_t			 bits[(NPIECES + 7) / 8];
	uint8_t			 wbits[(NPIECES + 7) / 8], raw[256];
	struct journal_stats	 st, st2;
	off_t			 good, full, cut;
	int			 fd;
	ssize_t			 len;

	assert_int_equal(journal_append_written(f->path,
	    (const uint8_t *)HASH_A, NPIECES, w1, 2), BT_ERR_INVALID);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, NULL, 0), BT_OK);
	assert_int_equal(journal_append_written(f->path,
	    (const uint8_t *)HASH_A, NPIECES, w1, 0), BT_ERR_INVALID);
	assert_int_equal(journal_append_written(f->path,
	    (const uint8_t *)HASH_A, NPIECES, (const uint32_t[]){ NPIECES },
	    1), BT_ERR_INVALID);
	assert_int_equal(file_size(f->path), JOURNAL_HEADER_LEN);
	assert_int_equal(journal_append_written(f->path,
	    (const uint8_t *)HASH_A, NPIECES, w1, 2), BT_OK);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, s1, 2), BT_OK);
	good = file_size(f->path);
	assert_int_equal(journal_append_written(f->path,
	    (const uint8_t *)HASH_A, NPIECES, w2, 1), BT_OK);
	full = file_size(f->path);

	fd = open(f->path, O_RDONLY);
	assert_true(fd >= 0);
	len = read(fd, raw, sizeof(raw));
	close(fd);
	assert_int_equal(len, full);
	assert_memory_equal(raw + JOURNAL_HEADER_LEN, "\x80\0\0\2", 4);
	assert_memory_equal(raw + JOURNAL_HEADER_LEN + 16, "\0\0\0\2", 4);

	memset(bits, 0, sizeof(bits));
	memset(wbits, 0, sizeof(wbits));
	assert_int_equal(journal_load(f->path, (const uint8_t *)HASH_A,
	    NPIECES, bits, sizeof(bits), wbits, &st), BT_OK);
	assert_int_equal(bits[0], 0x0c);		/* 4, 5 */
	assert_int_equal(wbits[0], 0x1a);		/* 3, 4, 6 */
	assert_int_equal(st.records, 3);
	assert_int_equal(st.pieces, 2);
	assert_int_equal(st.written, 3);
	assert_int_equal(st.valid_bytes, full);
	assert_int_equal(st.torn, 0);

	/* The same bytes in memory. */
	memset(bits, 0, sizeof(bits));
	memset(wbits, 0, sizeof(wbits));
	assert_int_equal(journal_parse(raw, (size_t)len,
	    (const uint8_t *)HASH_A, NPIECES, bits, sizeof(bits), wbits, &st2),
	    BT_OK);
	assert_int_equal(bits[0], 0x0c);
	assert_int_equal(wbits[0], 0x1a);
	assert_true(st2.records == st.records && st2.pieces == st.pieces &&
	    st2.written == st.written && st2.valid_bytes == st.valid_bytes &&
	    st2.torn == st.torn);
	assert_int_equal(journal_parse(raw, (size_t)len,
	    (const uint8_t *)HASH_B, NPIECES, bits, sizeof(bits), wbits, &st2),
	    BT_ERR_FORMAT);

	/* Not wanted: skipped, still good records. */
	assert_int_equal(load_count(f->path, bits, &st, BT_OK), 2);
	assert_int_equal(st.records, 3);
	assert_int_equal(st.written, 0);

	/* The last written record cut at every offset. */
	for (cut = full - 1; cut >= good; cut--) {
		memset(wbits, 0, sizeof(wbits));
		assert_int_equal(journal_parse(raw, (size_t)cut,
		    (const uint8_t *)HASH_A, NPIECES, bits, sizeof(bits), wbits,
		    &st), BT_OK);
		if (wbits[0] != 0x18 || st.valid_bytes != (uint64_t)good ||
		    st.torn != (cut > good))
			fail_msg("cut at %lld: written %#x valid %llu torn %d",
			    (long long)cut, wbits[0],
			    (unsigned long long)st.valid_bytes, st.torn);
	}
}

/* Two good records, then a third cut at every offset: the first two stand,
 * the cut one never counts, and a trim makes room for a good append. */
static void
test_torn_tail(void **state)
{
	struct fixture		*f = *state;
	static const uint32_t	 a[] = { 1 }, b[] = { 2, 3 }, c[] = { 4, 5 };
	uint8_t			 bits[(NPIECES + 7) / 8];
	struct journal_stats	 st;
	off_t			 good, full, cut;

	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, a, 1), BT_OK);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, b, 2), BT_OK);
	good = file_size(f->path);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, c, 2), BT_OK);
	full = file_size(f->path);
	for (cut = full - 1; cut >= good; cut--) {
		assert_int_equal(truncate(f->path, cut), 0);
		if (load_count(f->path, bits, &st, BT_OK) != 3 ||
		    st.valid_bytes != (uint64_t)good ||
		    st.torn != (cut > good) || bit(bits, 4) || bit(bits, 5))
			fail_msg("cut at %lld: valid %llu torn %d", (long long)cut,
			    (unsigned long long)st.valid_bytes, st.torn);
	}
	/* A header cut short is not a journal of ours. */
	for (cut = JOURNAL_HEADER_LEN - 1; cut >= 0; cut--) {
		assert_int_equal(truncate(f->path, cut), 0);
		assert_int_equal(load_count(f->path, bits, &st, BT_ERR_FORMAT),
		    0);
	}
}

static void
test_trim_then_append(void **state)
{
	struct fixture		*f = *state;
	static const uint32_t	 a[] = { 1 }, b[] = { 2, 3 };
	uint8_t			 bits[(NPIECES + 7) / 8];
	struct journal_stats	 st;

	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, a, 1), BT_OK);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, b, 2), BT_OK);
	assert_int_equal(truncate(f->path, file_size(f->path) - 3), 0);
	assert_int_equal(load_count(f->path, bits, &st, BT_OK), 1);
	assert_true(st.torn);
	/* Without a trim the next record would sit behind the torn one. */
	assert_int_equal(journal_trim(f->path, st.valid_bytes), BT_OK);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, b, 2), BT_OK);
	assert_int_equal(load_count(f->path, bits, &st, BT_OK), 3);
	assert_int_equal(st.torn, 0);
	/* Trimmed below a header: gone, and a new one starts clean. */
	assert_int_equal(journal_trim(f->path, 5), BT_OK);
	assert_int_equal(access(f->path, F_OK), -1);
	assert_int_equal(journal_trim(f->path, 100), BT_OK);	/* no file */
}

/* A flipped byte anywhere in a record drops it and all after it. */
static void
test_checksum(void **state)
{
	struct fixture		*f = *state;
	static const uint32_t	 a[] = { 1 }, b[] = { 2, 3 }, c[] = { 9 };
	uint8_t			 bits[(NPIECES + 7) / 8], byte;
	struct journal_stats	 st;
	off_t			 rec2, rec3, at;
	int			 fd;

	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, a, 1), BT_OK);
	rec2 = file_size(f->path);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, b, 2), BT_OK);
	rec3 = file_size(f->path);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, c, 1), BT_OK);
	for (at = rec2; at < rec3; at++) {
		assert_true((fd = open(f->path, O_RDWR)) >= 0);
		assert_int_equal(pread(fd, &byte, 1, at), 1);
		byte ^= 0x10;
		assert_int_equal(pwrite(fd, &byte, 1, at), 1);
		if (load_count(f->path, bits, &st, BT_OK) != 1 ||
		    !bit(bits, 1) || !st.torn || st.records != 1)
			fail_msg("flip at %lld trusted a bad record",
			    (long long)at);
		byte ^= 0x10;
		assert_int_equal(pwrite(fd, &byte, 1, at), 1);
		close(fd);
	}
	assert_int_equal(load_count(f->path, bits, &st, BT_OK), 4);
}

/* A record whose checksum holds but whose piece is out of range, as a
 * journal of another size would have: not trusted, and a tear. */
static void
test_other_torrent(void **state)
{
	struct fixture		*f = *state;
	static const uint32_t	 a[] = { 1 }, big[] = { NPIECES + 5 };
	uint8_t			 bits[(NPIECES + 7) / 8];
	struct journal_stats	 st;
	off_t			 good;

	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_B,
	    NPIECES, a, 1), BT_OK);
	assert_int_equal(load_count(f->path, bits, &st, BT_ERR_FORMAT), 0);
	assert_int_equal(journal_remove(f->path), BT_OK);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES + 10, big, 1), BT_OK);
	assert_int_equal(load_count(f->path, bits, &st, BT_ERR_FORMAT), 0);

	/* After good records it is a tear: cut, so that the next append
	 * is read back (it was once left in place, hiding what followed). */
	assert_int_equal(journal_remove(f->path), BT_OK);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, a, 1), BT_OK);
	good = file_size(f->path);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES + 10, big, 1), BT_OK);
	assert_int_equal(load_count(f->path, bits, &st, BT_OK), 1);
	assert_int_equal(st.torn, 1);
	assert_int_equal(st.valid_bytes, good);
	assert_int_equal(journal_trim(f->path, st.valid_bytes), BT_OK);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, (const uint32_t[]){ 2 }, 1), BT_OK);
	assert_int_equal(load_count(f->path, bits, &st, BT_OK), 2);
	assert_int_equal(st.torn, 0);
}

/* Compaction: once removed nothing is trusted from it, and the next
 * append starts a fresh file with its header. */
static void
test_compaction(void **state)
{
	struct fixture		*f = *state;
	static const uint32_t	 a[] = { 1, 2 }, b[] = { 30 };
	uint8_t			 bits[(NPIECES + 7) / 8];
	struct journal_stats	 st;

	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, a, 2), BT_OK);
	assert_int_equal(journal_remove(f->path), BT_OK);
	assert_int_equal(load_count(f->path, bits, &st, BT_ERR_NOTFOUND), 0);
	assert_int_equal(journal_remove(f->path), BT_OK);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, b, 1), BT_OK);
	assert_int_equal(load_count(f->path, bits, &st, BT_OK), 1);
	assert_true(bit(bits, 30) && !bit(bits, 1));
}

/* The engine writes a piece, fsyncs it, then appends.  Killed between the
 * two, the journal simply does not name the piece: it is missing, not had,
 * and the rest of the journal stands. */
static void
test_crash_before_append(void **state)
{
	struct fixture		*f = *state;
	static const uint32_t	 a[] = { 3 };
	uint8_t			 bits[(NPIECES + 7) / 8];
	struct journal_stats	 st;
	char			 data[300];
	FILE			*fp;

	snprintf(data, sizeof(data), "%s/data", f->tmp);
	assert_int_equal(journal_append(f->path, (const uint8_t *)HASH_A,
	    NPIECES, a, 1), BT_OK);
	assert_non_null(fp = fopen(data, "w"));	/* piece 4's data... */
	assert_int_equal(fputs("piece four", fp) >= 0, 1);
	assert_int_equal(fflush(fp), 0);
	assert_int_equal(fsync(fileno(fp)), 0);
	fclose(fp);				/* ...and no append */
	assert_int_equal(load_count(f->path, bits, &st, BT_OK), 1);
	assert_true(bit(bits, 3) && !bit(bits, 4));
	assert_int_equal(st.torn, 0);
}

static void
test_not_regular(void **state)
{
	struct fixture		*f = *state;
	uint8_t			 bits[(NPIECES + 7) / 8];
	struct journal_stats	 st;

	assert_int_equal(mkdir(f->path, 0755), 0);
	assert_int_equal(load_count(f->path, bits, &st, BT_ERR_FORMAT), 0);
	assert_int_equal(rmdir(f->path), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32),
		cmocka_unit_test(test_path),
		cmocka_unit_test_setup_teardown(test_append_load, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_written, setup, teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_trim_then_append, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_checksum, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_torrent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_compaction, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_crash_before_append, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
