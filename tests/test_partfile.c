/* Unit tests for src/engine/partfile: the file made at the first write,
 * slots read back, freed and reused (only after a sync), the index on
 * disk after a "crash" (a second object opened on the file as it stands),
 * untrusted files and index entries (table), deletion, range checks, a
 * seeded random run against a naive model, and a reader thread while the
 * writer writes and syncs.  Each test runs in its own sandbox directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sandbox.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/partfile.h"
#include "ipc/err.h"

#define NAME	".bttui-test.parts"
#define PLEN	64u
#define NPIECES	8u
#define DATA	4096u	/* where slot 0 begins for NPIECES pieces */

struct fixture {
	char		 tmp[256];
	char		 path[320];
	int		 dirfd;
	struct partfile	*pf;
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(sandbox_create(f->tmp, sizeof(f->tmp), "partfile"),
	    0);
	snprintf(f->path, sizeof(f->path), "%s/%s", f->tmp, NAME);
	assert_true((f->dirfd = open(f->tmp, O_RDONLY | O_DIRECTORY)) >= 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	partfile_free(f->pf);
	close(f->dirfd);
	sandbox_remove(f->tmp);
	free(f);
	return 0;
}

static struct partfile *
open_pf(struct fixture *f, uint32_t npieces, uint32_t plen)
{
	struct partfile	*pf;

	assert_int_equal(partfile_open(f->dirfd, NAME, npieces, plen, &pf),
	    BT_OK);
	return pf;
}

/* A piece's bytes as the tests write them. */
static void
fill(uint8_t *buf, size_t n, uint32_t piece, unsigned gen)
{
	size_t	i;

	for (i = 0; i < n; i++)
		buf[i] = (uint8_t)(piece * 31 + gen * 7 + i);
}

static void
put_piece(struct partfile *pf, uint32_t piece, unsigned gen)
{
	uint8_t	buf[PLEN];

	fill(buf, sizeof(buf), piece, gen);
	assert_int_equal(partfile_write(pf, piece, 0, buf, sizeof(buf)),
	    BT_OK);
}

static void
check_piece(struct partfile *pf, uint32_t piece, unsigned gen)
{
	uint8_t	want[PLEN], got[PLEN];

	fill(want, sizeof(want), piece, gen);
	assert_int_equal(partfile_read(pf, piece, 0, got, sizeof(got)),
	    BT_OK);
	assert_memory_equal(got, want, sizeof(want));
}

static off_t
file_size(const struct fixture *f)
{
	struct stat	st;

	if (stat(f->path, &st) == -1)
		return -1;
	return st.st_size;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The index on disk: slot count, and entries into idx (piece + 1). */
static uint32_t
disk_index(const struct fixture *f, uint32_t *idx, uint32_t max)
{
	uint8_t		buf[24 + 4 * 64];
	uint32_t	n, i;
	int		fd;
	ssize_t		got;

	assert_true((fd = open(f->path, O_RDONLY)) >= 0);
	got = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	assert_true(got >= 24);
	assert_memory_equal(buf, "BTTUIPRT", 8);
	n = get_be32(buf + 20);
	assert_true(n <= max && 24 + 4 * (ssize_t)n <= got);
	for (i = 0; i < n; i++)
		idx[i] = get_be32(buf + 24 + 4 * i);
	return n;
}

static void
test_name(void **state)
{
	uint8_t	ih[20];
	char	buf[PARTFILE_NAME_LEN];
	size_t	i;

	(void)state;
	for (i = 0; i < 20; i++)
		ih[i] = (uint8_t)(i * 17);
	partfile_name(ih, buf, sizeof(buf));
	assert_string_equal(buf, ".bttui-00112233445566778899aabbccddeeff"
	    "10213243.parts");
}

/* Nothing on disk until a write; then the bytes come back, whole or in
 * parts, and an unwritten part of a slot reads as zeros. */
static void
test_lazy_create(void **state)
{
	struct fixture	*f = *state;
	uint8_t		 buf[PLEN], zero[PLEN];

	f->pf = open_pf(f, NPIECES, PLEN);
	assert_null(partfile_ignored(f->pf));
	assert_int_equal(partfile_has(f->pf, 3), 0);
	assert_int_equal(partfile_read(f->pf, 3, 0, buf, 8), BT_ERR_NOTFOUND);
	assert_int_equal(partfile_count(f->pf), 0);
	assert_int_equal(partfile_sync(f->pf), BT_OK);
	assert_int_equal(partfile_delete_if_empty(f->pf), BT_OK);
	assert_int_equal(file_size(f), -1);

	fill(buf, sizeof(buf), 3, 0);
	assert_int_equal(partfile_write(f->pf, 3, 16, buf + 16, 32), BT_OK);
	assert_true(file_size(f) >= (off_t)(DATA + PLEN));
	assert_int_equal(partfile_has(f->pf, 3), 1);
	assert_int_equal(partfile_has(f->pf, 2), 0);
	assert_int_equal(partfile_count(f->pf), 1);
	memset(zero, 0, sizeof(zero));
	assert_int_equal(partfile_read(f->pf, 3, 0, buf, 16), BT_OK);
	assert_memory_equal(buf, zero, 16);
	assert_int_equal(partfile_write(f->pf, 3, 0, (fill(buf, 16, 3, 0),
	    buf), 16), BT_OK);
	fill(buf, sizeof(buf), 3, 0);
	assert_int_equal(partfile_write(f->pf, 3, 48, buf + 48, 16), BT_OK);
	check_piece(f->pf, 3, 0);
}

static void
test_range(void **state)
{
	static const struct {
		const char	*name;
		uint32_t	 piece, offset;
		size_t		 len;
		int		 want;
	} cases[] = {
		{ "whole piece", 0, 0, PLEN, BT_OK },
		{ "last byte", NPIECES - 1, PLEN - 1, 1, BT_OK },
		{ "empty at end", 1, PLEN, 0, BT_OK },
		{ "piece out of range", NPIECES, 0, 1, BT_ERR_RANGE },
		{ "huge piece", UINT32_MAX, 0, 1, BT_ERR_RANGE },
		{ "past the slot", 2, PLEN - 1, 2, BT_ERR_RANGE },
		{ "offset past", 2, PLEN + 1, 0, BT_ERR_RANGE },
		{ "len wraps", 2, 8, SIZE_MAX, BT_ERR_RANGE },
	};
	struct fixture	*f = *state;
	uint8_t		 buf[PLEN] = { 0 };
	size_t		 i;
	int		 r;

	f->pf = open_pf(f, NPIECES, PLEN);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = partfile_write(f->pf, cases[i].piece, cases[i].offset, buf,
		    cases[i].len);
		if (r != cases[i].want)
			fail_msg("%s: write %d, want %d", cases[i].name, r,
			    cases[i].want);
		r = partfile_read(f->pf, cases[i].piece, cases[i].offset, buf,
		    cases[i].len);
		if (r != cases[i].want)
			fail_msg("%s: read %d, want %d", cases[i].name, r,
			    cases[i].want);
	}
	assert_int_equal(partfile_has(f->pf, NPIECES), 0);
	assert_int_equal(partfile_remove(f->pf, NPIECES), BT_ERR_NOTFOUND);
	assert_int_equal(partfile_remove(f->pf, 5), BT_ERR_NOTFOUND);
}

/* A freed slot goes to another piece only once a sync wrote the index
 * without its old piece: before, the file grows; after, it does not. */
static void
test_slot_reuse(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 idx[NPIECES], n;
	off_t		 size;

	f->pf = open_pf(f, NPIECES, PLEN);
	put_piece(f->pf, 5, 0);		/* slot 0 */
	put_piece(f->pf, 1, 0);		/* slot 1 */
	assert_int_equal(partfile_sync(f->pf), BT_OK);
	n = disk_index(f, idx, NPIECES);
	assert_int_equal(n, 2);
	assert_int_equal(idx[0], 6);
	assert_int_equal(idx[1], 2);
	size = file_size(f);
	assert_true(size == (off_t)(DATA + 2 * PLEN));

	assert_int_equal(partfile_remove(f->pf, 5), BT_OK);
	assert_int_equal(partfile_has(f->pf, 5), 0);
	assert_int_equal(partfile_read(f->pf, 5, 0, idx, 4), BT_ERR_NOTFOUND);
	put_piece(f->pf, 7, 0);		/* not slot 0: a third one */
	assert_true(file_size(f) == (off_t)(DATA + 3 * PLEN));
	assert_int_equal(partfile_sync(f->pf), BT_OK);
	n = disk_index(f, idx, NPIECES);
	assert_int_equal(n, 3);
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[2], 8);
	put_piece(f->pf, 4, 0);		/* now slot 0 again */
	assert_true(file_size(f) == (off_t)(DATA + 3 * PLEN));
	assert_int_equal(partfile_sync(f->pf), BT_OK);
	n = disk_index(f, idx, NPIECES);
	assert_int_equal(idx[0], 5);
	check_piece(f->pf, 1, 0);
	check_piece(f->pf, 7, 0);
	check_piece(f->pf, 4, 0);
	assert_int_equal(partfile_count(f->pf), 3);
}

/* With every slot of the index taken or pending, a new piece makes the
 * store sync on its own rather than grow past its index. */
static void
test_full_index(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 idx[2];

	f->pf = open_pf(f, 2, PLEN);
	put_piece(f->pf, 0, 0);
	put_piece(f->pf, 1, 0);
	assert_int_equal(partfile_remove(f->pf, 0), BT_OK);
	put_piece(f->pf, 0, 1);
	assert_int_equal(partfile_remove(f->pf, 1), BT_OK);
	put_piece(f->pf, 1, 1);
	check_piece(f->pf, 0, 1);
	check_piece(f->pf, 1, 1);
	assert_true(file_size(f) == (off_t)(DATA + 2 * PLEN));
	assert_int_equal(partfile_sync(f->pf), BT_OK);
	assert_int_equal(disk_index(f, idx, 2), 2);
	assert_true((idx[0] == 1 && idx[1] == 2) ||
	    (idx[0] == 2 && idx[1] == 1));
}

/* A crash is a second object opened on the file as it stands: it sees
 * exactly what the last sync wrote, and a slot freed since then still
 * holds its old piece's bytes. */
static void
test_crash_index(void **state)
{
	struct fixture	*f = *state;
	struct partfile	*after;

	f->pf = open_pf(f, NPIECES, PLEN);
	put_piece(f->pf, 2, 0);
	after = open_pf(f, NPIECES, PLEN);	/* no sync yet */
	assert_null(partfile_ignored(after));
	assert_int_equal(partfile_count(after), 0);
	partfile_free(after);

	assert_int_equal(partfile_sync(f->pf), BT_OK);
	after = open_pf(f, NPIECES, PLEN);
	assert_int_equal(partfile_has(after, 2), 1);
	check_piece(after, 2, 0);
	partfile_free(after);

	/* piece 2 removed and piece 6 written, not synced: the index on disk
	 * still names 2, whose bytes are intact */
	assert_int_equal(partfile_remove(f->pf, 2), BT_OK);
	put_piece(f->pf, 6, 0);
	after = open_pf(f, NPIECES, PLEN);
	assert_int_equal(partfile_has(after, 2), 1);
	assert_int_equal(partfile_has(after, 6), 0);
	check_piece(after, 2, 0);
	partfile_free(after);

	assert_int_equal(partfile_sync(f->pf), BT_OK);
	after = open_pf(f, NPIECES, PLEN);
	assert_int_equal(partfile_has(after, 2), 0);
	check_piece(after, 6, 0);
	assert_int_equal(partfile_count(after), 1);
	partfile_free(after);
}

/* A good file of pieces 1 and 3, synced, then closed. */
static void
make_good(struct fixture *f)
{
	struct partfile	*pf = open_pf(f, NPIECES, PLEN);

	put_piece(pf, 1, 0);
	put_piece(pf, 3, 0);
	assert_int_equal(partfile_sync(pf), BT_OK);
	partfile_free(pf);
}

static void
poke(const struct fixture *f, off_t at, const void *p, size_t n)
{
	int	fd;

	assert_true((fd = open(f->path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, p, n, at), (ssize_t)n);
	close(fd);
}

static void
poke_be32(const struct fixture *f, off_t at, uint32_t v)
{
	uint8_t	b[4];

	put_be32(b, v);
	poke(f, at, b, 4);
}

enum corrupt {
	C_MAGIC, C_VERSION, C_PLEN, C_NPIECES, C_COUNT_BIG, C_COUNT_PAST,
	C_SHORT, C_EMPTY, C_DIR, C_SYMLINK, C_FIFO,
	C_DUP, C_PIECE_RANGE, C_ZERO_ENTRY
};

static void
corrupt(struct fixture *f, enum corrupt c)
{
	char	target[400];

	switch (c) {
	case C_MAGIC:
		poke(f, 0, "BTTUIPRX", 8);
		break;
	case C_VERSION:
		poke_be32(f, 8, 2);
		break;
	case C_PLEN:
		poke_be32(f, 12, PLEN * 2);
		break;
	case C_NPIECES:
		poke_be32(f, 16, NPIECES + 1);
		break;
	case C_COUNT_BIG:
		poke_be32(f, 20, NPIECES + 1);
		break;
	case C_COUNT_PAST:
		assert_int_equal(truncate(f->path, DATA + PLEN), 0);
		break;
	case C_SHORT:
		assert_int_equal(truncate(f->path, 10), 0);
		break;
	case C_EMPTY:
		assert_int_equal(truncate(f->path, 0), 0);
		break;
	case C_DIR:
		assert_int_equal(unlink(f->path), 0);
		assert_int_equal(mkdir(f->path, 0755), 0);
		break;
	case C_SYMLINK:
		snprintf(target, sizeof(target), "%s.real", f->path);
		assert_int_equal(rename(f->path, target), 0);
		assert_int_equal(symlink(target, f->path), 0);
		break;
	case C_FIFO:
		assert_int_equal(unlink(f->path), 0);
		assert_int_equal(mkfifo(f->path, 0644), 0);
		break;
	case C_DUP:		/* slot 1 names piece 1 as slot 0 does */
		poke_be32(f, 28, 2);
		break;
	case C_PIECE_RANGE:	/* slot 1 names a piece past the end */
		poke_be32(f, 28, NPIECES + 1);
		break;
	case C_ZERO_ENTRY:
		poke_be32(f, 28, 0);
		break;
	}
}

/* Untrusted files are ignored (and replaced by the first write, when a
 * write can go there); bad index entries are dropped one by one. */
static void
test_corrupt_table(void **state)
{
	static const struct {
		const char	*name;
		enum corrupt	 how;
		const char	*why;		/* NULL: the file is taken */
		uint32_t	 count;		/* pieces kept */
		int		 write;		/* the first write's result */
	} cases[] = {
		{ "bad magic", C_MAGIC, "bad magic", 0, BT_OK },
		{ "version 2", C_VERSION, "unknown version", 0, BT_OK },
		{ "piece length", C_PLEN, "made for another piece layout", 0,
		    BT_OK },
		{ "piece count", C_NPIECES, "made for another piece layout", 0,
		    BT_OK },
		{ "slots > pieces", C_COUNT_BIG,
		    "slot count past the end of the file", 0, BT_OK },
		{ "file cut in a slot", C_COUNT_PAST,
		    "slot count past the end of the file", 0, BT_OK },
		{ "cut in the header", C_SHORT, "too short", 0, BT_OK },
		{ "empty", C_EMPTY, "too short", 0, BT_OK },
		{ "a directory", C_DIR, "cannot open it", 0, BT_ERR_SYS },
		{ "a symlink", C_SYMLINK, "cannot open it", 0, BT_ERR_SYS },
		{ "a FIFO", C_FIFO, "not a regular file", 0, BT_ERR_SYS },
		{ "duplicate piece", C_DUP, NULL, 1, BT_OK },
		{ "piece past the end", C_PIECE_RANGE, NULL, 1, BT_OK },
		{ "free entry", C_ZERO_ENTRY, NULL, 1, BT_OK },
	};
	struct fixture	*f = *state;
	struct partfile	*pf;
	const char	*why;
	uint8_t		 buf[PLEN];
	size_t		 i;
	int		 r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_good(f);
		corrupt(f, cases[i].how);
		pf = open_pf(f, NPIECES, PLEN);
		why = partfile_ignored(pf);
		if ((why == NULL) != (cases[i].why == NULL) ||
		    (why != NULL && strcmp(why, cases[i].why) != 0))
			fail_msg("%s: ignored \"%s\", want \"%s\"",
			    cases[i].name, why ? why : "(taken)",
			    cases[i].why ? cases[i].why : "(taken)");
		if (partfile_count(pf) != cases[i].count)
			fail_msg("%s: %u pieces, want %u", cases[i].name,
			    partfile_count(pf), cases[i].count);
		/* slot 0 (piece 1) survives a bad later entry */
		if (cases[i].count == 1)
			check_piece(pf, 1, 0);
		assert_int_equal(partfile_has(pf, 3), 0);
		fill(buf, sizeof(buf), 5, 1);
		r = partfile_write(pf, 5, 0, buf, sizeof(buf));
		if (r != cases[i].write)
			fail_msg("%s: write %d, want %d", cases[i].name, r,
			    cases[i].write);
		if (r == BT_OK) {
			/* replaced or taken: it opens cleanly afterwards */
			assert_int_equal(partfile_sync(pf), BT_OK);
			partfile_free(pf);
			pf = open_pf(f, NPIECES, PLEN);
			assert_null(partfile_ignored(pf));
			check_piece(pf, 5, 1);
			assert_int_equal(partfile_count(pf),
			    cases[i].count + 1);
		}
		partfile_free(pf);
		/* clean up for the next row, whatever is in the way */
		if (unlink(f->path) == -1)
			assert_int_equal(rmdir(f->path), 0);
	}
}

/* A file left read-only (as by a read-only mount) is read; a write to it
 * reports the error rather than losing data. */
static void
test_read_only(void **state)
{
	struct fixture		*f = *state;
	struct sandbox_privs	 privs;
	uint8_t			 buf[PLEN];

	make_good(f);
	memset(&privs, 0, sizeof(privs));
	assert_int_equal(chmod(f->path, 0444), 0);
	assert_int_equal(sandbox_drop_root(f->tmp, &privs), 0);
	f->pf = open_pf(f, NPIECES, PLEN);
	assert_null(partfile_ignored(f->pf));
	check_piece(f->pf, 3, 0);
	fill(buf, sizeof(buf), 6, 0);
	errno = 0;
	assert_int_equal(partfile_write(f->pf, 6, 0, buf, sizeof(buf)),
	    BT_ERR_SYS);
	assert_int_equal(errno, EACCES);
	sandbox_regain_root(&privs);
}

static void
test_delete(void **state)
{
	struct fixture	*f = *state;
	struct partfile	*other;

	f->pf = open_pf(f, NPIECES, PLEN);
	put_piece(f->pf, 0, 0);
	put_piece(f->pf, 4, 0);
	assert_int_equal(partfile_delete_if_empty(f->pf), BT_OK);
	assert_true(file_size(f) > 0);
	assert_int_equal(partfile_remove(f->pf, 0), BT_OK);
	assert_int_equal(partfile_delete_if_empty(f->pf), BT_OK);
	assert_true(file_size(f) > 0);
	assert_int_equal(partfile_remove(f->pf, 4), BT_OK);
	assert_int_equal(partfile_delete_if_empty(f->pf), BT_OK);
	assert_int_equal(file_size(f), -1);
	assert_int_equal(partfile_sync(f->pf), BT_OK);	/* nothing to do */
	assert_int_equal(file_size(f), -1);

	/* made again by a write; partfile_delete drops slots and file */
	put_piece(f->pf, 2, 0);
	assert_int_equal(partfile_sync(f->pf), BT_OK);
	other = partfile_ref(f->pf);	/* the second handle's view */
	assert_int_equal(partfile_delete(other), BT_OK);
	assert_int_equal(file_size(f), -1);
	assert_int_equal(partfile_has(f->pf, 2), 0);
	assert_int_equal(partfile_count(f->pf), 0);
	partfile_free(other);
	assert_int_equal(partfile_delete(f->pf), BT_OK);	/* absent */
}

/* Random writes, removes, syncs and reopens against a naive model. */
static void
test_random_model(void **state)
{
	struct fixture	*f = *state;
	unsigned	 gen[NPIECES], seed = (unsigned)time(NULL), op, round;
	uint32_t	 p, n;
	int		 has[NPIECES];

	print_message("seed %u\n", seed);
	srand(seed);
	memset(has, 0, sizeof(has));
	f->pf = open_pf(f, NPIECES, PLEN);
	for (round = 0; round < 3000; round++) {
		p = (uint32_t)rand() % NPIECES;
		op = (unsigned)rand() % 10;
		if (op < 5) {
			gen[p] = round;
			put_piece(f->pf, p, gen[p]);
			has[p] = 1;
		} else if (op < 8) {
			assert_int_equal(partfile_remove(f->pf, p),
			    has[p] ? BT_OK : BT_ERR_NOTFOUND);
			has[p] = 0;
		} else if (op < 9) {
			assert_int_equal(partfile_sync(f->pf), BT_OK);
		} else {
			/* a clean close and reopen */
			assert_int_equal(partfile_sync(f->pf), BT_OK);
			partfile_free(f->pf);
			f->pf = open_pf(f, NPIECES, PLEN);
			assert_null(partfile_ignored(f->pf));
		}
		for (p = 0, n = 0; p < NPIECES; p++) {
			assert_int_equal(partfile_has(f->pf, p), has[p]);
			n += (uint32_t)has[p];
			if (has[p])
				check_piece(f->pf, p, gen[p]);
		}
		assert_int_equal(partfile_count(f->pf), n);
		assert_true(file_size(f) <= (off_t)(DATA + NPIECES * PLEN));
	}
}

struct reader {
	struct partfile	*pf;
	volatile int	 stop;
	unsigned	 bad, reads;
};

/* Piece 0 is written once with gen 0 and never changes: every read gives
 * those bytes or (removed meanwhile) NOTFOUND, never anything else. */
static void *
reader_main(void *arg)
{
	struct reader	*rd = arg;
	uint8_t		 want[PLEN], got[PLEN];
	int		 r;

	fill(want, sizeof(want), 0, 0);
	while (!rd->stop) {
		r = partfile_read(rd->pf, 0, 0, got, sizeof(got));
		rd->reads++;
		if (r == BT_ERR_NOTFOUND)
			continue;
		if (r != BT_OK || memcmp(got, want, sizeof(want)) != 0)
			rd->bad++;
	}
	return NULL;
}

static void
test_reader_thread(void **state)
{
	struct fixture	*f = *state;
	struct reader	 rd;
	pthread_t	 th;
	unsigned	 i;

	f->pf = open_pf(f, NPIECES, PLEN);
	put_piece(f->pf, 0, 0);
	memset(&rd, 0, sizeof(rd));
	rd.pf = partfile_ref(f->pf);
	assert_int_equal(pthread_create(&th, NULL, reader_main, &rd), 0);
	for (i = 0; i < 200; i++) {
		put_piece(f->pf, 1 + i % (NPIECES - 1), i);
		if (i % 3 == 0)
			(void)partfile_remove(f->pf, 1 + (i / 3) %
			    (NPIECES - 1));
		if (i % 5 == 0)
			assert_int_equal(partfile_sync(f->pf), BT_OK);
		if (i == 150)
			assert_int_equal(partfile_remove(f->pf, 0), BT_OK);
	}
	rd.stop = 1;
	pthread_join(th, NULL);
	assert_int_equal(rd.bad, 0);
	assert_true(rd.reads > 0);
	partfile_free(rd.pf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name),
		cmocka_unit_test_setup_teardown(test_lazy_create, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slot_reuse, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_full_index, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_crash_index, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_model, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reader_thread, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("partfile", tests, NULL, NULL);
}
