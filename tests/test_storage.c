/* Unit tests for src/engine/storage: piece <-> file mapping, file creation,
 * block I/O in any order, piece verification, range checks, symlinks, the
 * descriptor cache and write errors that name the path.  Each test runs in
 * its own mkdtemp directory; metainfo values are built by hand. */
#define _GNU_SOURCE	1	/* O_DIRECT, for test_direct_writes' probe */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sandbox.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/storage.h"
#include "engine/storage_impl.h"
#include "engine/metainfo.h"
#include "engine/partfile.h"
#include "engine/sha1.h"
#include "ipc/err.h"

struct tfile {
	const char	*path;
	uint64_t	 length;
};

struct fixture {
	char			 tmp[64];	/* mkdtemp result */
	char			 dl[96];	/* tmp/dl: the download dir */
	struct metainfo		*m;
	uint8_t			*content;	/* the torrent, total_length */
	struct storage		*s;
	struct sandbox_privs	 privs;		/* test_read_only's */
};

/* Deterministic torrent bytes (xorshift), so a failure is reproducible. */
static void
fill_random(uint8_t *p, size_t n, uint64_t seed)
{
	size_t	i;

	seed |= 1;
	for (i = 0; i < n; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		p[i] = (uint8_t)(seed >> 24);
	}
}

/* A metainfo laid out from files[], hashing content (which the caller
 * keeps) into piece_hashes. */
static struct metainfo *
meta_new(const struct tfile *files, size_t n, uint32_t piece_length,
    const uint8_t *content)
{
	struct metainfo	*m;
	uint64_t	 off = 0, start, len;
	uint32_t	 p;
	size_t		 i;

	assert_non_null(m = calloc(1, sizeof(*m)));
	assert_non_null(m->files = calloc(n + 1, sizeof(*m->files)));
	for (i = 0; i < n; i++) {
		assert_non_null(m->files[i].path = strdup(files[i].path));
		m->files[i].length = files[i].length;
		m->files[i].offset = off;
		off += files[i].length;
	}
	m->nfiles = n;
	m->total_length = off;
	m->piece_length = piece_length;
	m->num_pieces = (uint32_t)((off + piece_length - 1) / piece_length);
	m->multi_file = n > 1;
	assert_non_null(m->piece_hashes = calloc(m->num_pieces + 1, 20));
	for (p = 0; p < m->num_pieces; p++) {
		start = (uint64_t)p * piece_length;
		len = off - start < piece_length ? off - start : piece_length;
		sha1_digest(content + start, (size_t)len,
		    m->piece_hashes + 20 * (size_t)p);
	}
	return m;
}

static void
meta_free(struct metainfo *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nfiles; i++)
		free(m->files[i].path);
	free(m->files);
	free(m->piece_hashes);
	free(m);
}

/* Builds f->m over random content of the files' total size. */
static void
fixture_layout(struct fixture *f, const struct tfile *files, size_t n,
    uint32_t piece_length, uint64_t seed)
{
	uint64_t	total = 0;
	size_t		i;

	for (i = 0; i < n; i++)
		total += files[i].length;
	assert_non_null(f->content = malloc(total + 1));
	fill_random(f->content, total, seed);
	f->m = meta_new(files, n, piece_length, f->content);
}

static int
setup(void **state)
{
	struct fixture	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (sandbox_create(f->tmp, sizeof(f->tmp), "test_storage") == -1) {
		free(f);
		return -1;
	}
	snprintf(f->dl, sizeof(f->dl), "%s/dl", f->tmp);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	sandbox_regain_root(&f->privs);
	storage_close(f->s);
	meta_free(f->m);
	free(f->content);
	sandbox_remove(f->tmp);
	free(f);
	return 0;
}

static void
join(char *buf, size_t len, const char *a, const char *b)
{
	assert_true((size_t)snprintf(buf, len, "%s/%s", a, b) < len);
}

static void
open_ok(struct fixture *f)
{
	char	err[512];
	int	r;

	r = storage_open(f->m, f->dl, &f->s, err, sizeof(err));
	if (r != BT_OK)
		fail_msg("storage_open: %d: %s", r, err);
}

static void
write_all_pieces(struct fixture *f)
{
	uint64_t	start, len;
	uint32_t	p;

	for (p = 0; p < f->m->num_pieces; p++) {
		start = (uint64_t)p * f->m->piece_length;
		len = f->m->total_length - start;
		if (len > f->m->piece_length)
			len = f->m->piece_length;
		assert_int_equal(storage_write(f->s, p, 0, f->content + start,
		    (size_t)len), BT_OK);
	}
}

static size_t
count_fds(void)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 n = 0;

	assert_non_null(d = opendir("/proc/self/fd"));
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			n++;
	}
	closedir(d);
	return n;
}

/* How this process has path open: O_RDONLY, O_RDWR..., or -1 when no
 * descriptor points at it. */
static int
open_mode_of(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	char		 link[300], target[PATH_MAX];
	ssize_t		 n;
	int		 mode = -1, fl;

	assert_non_null(d = opendir("/proc/self/fd"));
	while ((e = readdir(d)) != NULL && mode == -1) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, path) == 0 &&
		    (fl = fcntl(atoi(e->d_name), F_GETFL)) != -1)
			mode = fl & O_ACCMODE;
	}
	closedir(d);
	return mode;
}

/* Marks files idx[] as BEP 47 pads: their content turns to zeros and the
 * piece hashes are made again over it. */
static void
fixture_pads(struct fixture *f, const size_t *idx, size_t n)
{
	struct metainfo	*m = f->m;
	uint64_t	 start, len;
	uint32_t	 p;
	size_t		 i;

	for (i = 0; i < n; i++) {
		m->files[idx[i]].attr |= METAINFO_ATTR_PAD;
		memset(f->content + m->files[idx[i]].offset, 0,
		    (size_t)m->files[idx[i]].length);
	}
	m->npads = n;
	for (p = 0; p < m->num_pieces; p++) {
		start = (uint64_t)p * m->piece_length;
		len = m->total_length - start;
		if (len > m->piece_length)
			len = m->piece_length;
		sha1_digest(f->content + start, (size_t)len,
		    m->piece_hashes + 20 * (size_t)p);
	}
}

/* Pieces of 16 bytes over 38 bytes: piece 0 covers a, b, (empty), c;
 * piece 2 is the 6-byte tail.  Zero-length files lead, sit in the middle
 * and trail. */
static const struct tfile span_files[] = {
	{ "t/lead0", 0 }, { "t/a", 10 }, { "t/sub/b", 3 }, { "t/empty", 0 },
	{ "t/sub/deep/c", 5 }, { "t/d", 20 }, { "t/trail0", 0 },
};

static void
test_spans_table(void **state)
{
	static const struct {
		uint32_t		piece;
		size_t			n;
		struct storage_span	want[4];
	} cases[] = {
		{ 0, 3, { { 1, 0, 10 }, { 2, 0, 3 }, { 4, 0, 3 } } },
		{ 1, 2, { { 4, 3, 2 }, { 5, 0, 14 } } },
		{ 2, 1, { { 5, 14, 6 } } },
		{ 3, 0, { { 0, 0, 0 } } },		/* out of range */
		{ UINT32_MAX, 0, { { 0, 0, 0 } } },
	};
	struct fixture		*f = *state;
	struct storage_span	 got[8];
	size_t			 i, j, n;

	fixture_layout(f, span_files, 7, 16, 1);
	assert_int_equal(f->m->num_pieces, 3);
	open_ok(f);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(got, 0xff, sizeof(got));
		n = storage_piece_spans(f->s, cases[i].piece, got, 8);
		if (n != cases[i].n)
			fail_msg("piece %u: %zu spans, want %zu",
			    cases[i].piece, n, cases[i].n);
		for (j = 0; j < n; j++) {
			if (got[j].file != cases[i].want[j].file ||
			    got[j].file_offset !=
			    cases[i].want[j].file_offset ||
			    got[j].length != cases[i].want[j].length)
				fail_msg("piece %u span %zu: file %zu at %llu "
				    "len %llu", cases[i].piece, j, got[j].file,
				    (unsigned long long)got[j].file_offset,
				    (unsigned long long)got[j].length);
		}
	}
	/* a short array: the count is still the total, nothing past max */
	memset(got, 0xff, sizeof(got));
	assert_int_equal(storage_piece_spans(f->s, 0, got, 1), 3);
	assert_int_equal(got[0].file, 1);
	assert_true(got[1].file == SIZE_MAX);
	assert_int_equal(storage_piece_spans(f->s, 0, NULL, 0), 3);
}

/* The spans of every piece agree with a naive byte-by-byte mapping over
 * a layout with many files and many empty ones. */
static void
test_spans_naive(void **state)
{
	struct fixture		*f = *state;
	struct tfile		 files[300];
	char			 names[300][16];
	struct storage_span	 sp[64];
	uint64_t		 off, k;
	uint32_t		 p;
	size_t			 i, n, j;

	for (i = 0; i < 300; i++) {
		snprintf(names[i], sizeof(names[i]), "m/f%zu", i);
		files[i].path = names[i];
		files[i].length = i % 3 == 0 ? 0 : (i * 37) % 101;
	}
	fixture_layout(f, files, 300, 64, 2);
	open_ok(f);
	for (p = 0; p < f->m->num_pieces; p++) {
		n = storage_piece_spans(f->s, p, sp, 64);
		assert_true(n <= 64);
		off = (uint64_t)p * 64;
		for (j = 0; j < n; j++) {
			assert_true(sp[j].length > 0);
			for (k = 0; k < sp[j].length; k++, off++) {
				i = sp[j].file;
				assert_true(f->m->files[i].offset +
				    sp[j].file_offset + k == off);
				assert_true(sp[j].file_offset + k <
				    f->m->files[i].length);
			}
		}
		assert_true(off == (p + 1 == f->m->num_pieces ?
		    f->m->total_length : (uint64_t)(p + 1) * 64));
	}
}

/* The part file's path for f's torrent. */
static void
parts_path(const struct fixture *f, char *buf, size_t len)
{
	char	name[PARTFILE_NAME_LEN];

	partfile_name(f->m->info_hash, name, sizeof(name));
	join(buf, len, f->dl, name);
}

static int
exists(const char *path)
{
	struct stat	st;

	return lstat(path, &st) == 0;
}

static void
open_mask(struct fixture *f, struct storage **s, const uint8_t *create)
{
	char	err[512];
	int	r;

	if ((r = storage_open_select(f->m, f->dl, create, s, err,
	    sizeof(err))) != BT_OK)
		fail_msg("storage_open_select: %d: %s", r, err);
}

/* The bytes of piece p as the torrent has them. */
static const uint8_t *
piece_bytes(const struct fixture *f, uint32_t p, size_t *len_out)
{
	uint64_t	start = (uint64_t)p * f->m->piece_length;
	uint64_t	len = f->m->total_length - start;

	*len_out = (size_t)(len < f->m->piece_length ? len :
	    f->m->piece_length);
	return f->content + start;
}

static void
write_piece(const struct fixture *f, struct storage *s, uint32_t p)
{
	const uint8_t	*data;
	size_t		 len;

	data = piece_bytes(f, p, &len);
	if (storage_write(s, p, 0, data, len) != BT_OK)
		fail_msg("write piece %u: %s", p, storage_error(s));
}

/* File i on disk holds the torrent's bytes [from, to) of it. */
static void
file_holds(const struct fixture *f, size_t i, uint64_t from, uint64_t to)
{
	char	path[PATH_MAX];
	uint8_t	buf[256];
	int	fd;

	assert_true(to - from <= sizeof(buf));
	join(path, sizeof(path), f->dl, f->m->files[i].path);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(pread(fd, buf, (size_t)(to - from), (off_t)from),
	    (ssize_t)(to - from));
	close(fd);
	assert_memory_equal(buf, f->content + f->m->files[i].offset + from,
	    (size_t)(to - from));
}

/*
 * storage_open_select: a skipped file stays off the disk with its
 * directory; reading what nobody wrote of it fails; a piece shared with a
 * wanted file is written and verifies while the skipped file's bytes of
 * it sit in the part file, which storage_sync makes durable.
 */
static void
test_open_select(void **state)
{
	static const struct tfile files[] = {
		{ "t/a", 100 }, { "t/sub/b", 100 }, { "t/c", 100 },
		{ "t/empty", 0 },
	};
	static const uint8_t create[] = { 1, 0, 1, 0 };
	static const int made[] = { 1, 0, 1, 0 };
	struct fixture	*f = *state;
	char		 path[PATH_MAX], parts[PATH_MAX];
	uint8_t		 buf[100];
	uint64_t	 size;
	int64_t		 mtime;
	size_t		 i;

	fixture_layout(f, files, 4, 64, 9);
	open_mask(f, &f->s, create);
	for (i = 0; i < 4; i++) {
		join(path, sizeof(path), f->dl, files[i].path);
		if (exists(path) != made[i])
			fail_msg("%s: exists %d", path, !made[i]);
	}
	join(path, sizeof(path), f->dl, "t/sub");
	assert_false(exists(path));
	parts_path(f, parts, sizeof(parts));
	assert_false(exists(parts));
	/* Piece 0 (bytes 0..63) is in t/a: fine; piece 2 (128..191) is
	 * t/sub/b's alone and nobody wrote it. */
	assert_int_equal(storage_read(f->s, 0, 0, buf, 64), BT_OK);
	assert_int_equal(storage_read(f->s, 2, 0, buf, 64), BT_ERR_SYS);
	assert_int_equal(storage_verify_piece(f->s, 2), BT_ERR_SYS);
	/* Absent on purpose: a stable stat for resume records. */
	size = 1;
	mtime = 1;
	assert_int_equal(storage_file_stat(f->s, 1, &size, &mtime, NULL),
	    BT_OK);
	assert_true(size == 0 && mtime == 0);

	/* Piece 1 (64..127): t/a's 64..99 and t/sub/b's 0..27. */
	write_piece(f, f->s, 1);
	assert_false(exists(path));
	join(path, sizeof(path), f->dl, "t/sub/b");
	assert_false(exists(path));
	assert_true(exists(parts));
	assert_int_equal(storage_verify_piece(f->s, 1), BT_OK);
	assert_int_equal(storage_read(f->s, 1, 20, buf, 44), BT_OK);
	assert_memory_equal(buf, f->content + 84, 44);
	file_holds(f, 0, 64, 100);
	assert_int_equal(storage_file_stat(f->s, 1, &size, &mtime, NULL),
	    BT_OK);
	assert_true(size == 0 && mtime == 0);

	/* Closed without a sync (as by a crash) the part file's index never
	 * named the piece: the next open finds it missing, and drops the
	 * empty part file.  After storage_sync it is there. */
	storage_close(f->s);
	open_mask(f, &f->s, create);
	assert_int_not_equal(storage_verify_piece(f->s, 1), BT_OK);
	assert_false(exists(parts));
	write_piece(f, f->s, 1);
	assert_int_equal(storage_sync(f->s), BT_OK);
	storage_close(f->s);
	open_mask(f, &f->s, create);
	assert_int_equal(storage_verify_piece(f->s, 1), BT_OK);
	join(path, sizeof(path), f->dl, "t/empty");
	assert_false(exists(path));
}

/* Layouts with skipped files next to wanted ones, pads and empty files:
 * the pieces written verify, now and after a reopen; no skipped file
 * appears; the part file exists exactly when a written piece has bytes
 * in a skipped file; opened with every file wanted, the bytes move into
 * the files and the part file goes. */
static void
test_parts_table(void **state)
{
	static const struct {
		const char	*name;
		struct tfile	 files[5];
		size_t		 nfiles;
		uint8_t		 create[5];
		int		 pad;		/* index of a pad, or -1 */
		uint32_t	 write[6];	/* pieces written, then ~0 */
		int		 parts;		/* the part file exists */
	} cases[] = {
		{ "skipped in the middle",
		    { { "m/a", 100 }, { "m/b", 100 }, { "m/c", 100 } }, 3,
		    { 1, 0, 1 }, -1, { 0, 1, 3, 4, ~0u }, 1 },
		{ "skipped first", { { "f/a", 100 }, { "f/b", 100 } }, 2,
		    { 0, 1 }, -1, { 1, 2, 3, ~0u }, 1 },
		{ "skipped last", { { "l/a", 100 }, { "l/b", 100 } }, 2,
		    { 1, 0 }, -1, { 0, 1, ~0u }, 1 },
		{ "two skipped in one piece",
		    { { "t/a", 50 }, { "t/b", 10 }, { "t/c", 10 },
		    { "t/d", 60 } }, 4, { 1, 0, 0, 1 }, -1,
		    { 0, 1, 2, ~0u }, 1 },
		{ "empty skipped file", { { "e/a", 70 }, { "e/z", 0 },
		    { "e/b", 70 } }, 3, { 1, 0, 1 }, -1, { 0, 1, 2, ~0u },
		    0 },
		{ "pad between", { { "p/a", 60 }, { ".pad/4", 4 },
		    { "p/b", 100 } }, 3, { 1, 0, 0 }, 1, { 0, 1, ~0u }, 1 },
		{ "nothing skipped", { { "n/a", 100 }, { "n/b", 100 } }, 2,
		    { 1, 1 }, -1, { 0, 1, 2, 3, ~0u }, 0 },
		{ "wanted pieces only", { { "w/a", 128 }, { "w/b", 72 } }, 2,
		    { 1, 0 }, -1, { 0, 1, ~0u }, 0 },
	};
	struct fixture	*f = *state;
	char		 path[PATH_MAX], parts[PATH_MAX];
	size_t		 c, i, k;

	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		fixture_layout(f, cases[c].files, cases[c].nfiles, 64,
		    30 + c);
		if (cases[c].pad >= 0) {
			size_t pad = (size_t)cases[c].pad;

			fixture_pads(f, &pad, 1);
		}
		parts_path(f, parts, sizeof(parts));
		open_mask(f, &f->s, cases[c].create);
		for (k = 0; cases[c].write[k] != ~0u; k++)
			write_piece(f, f->s, cases[c].write[k]);
		assert_int_equal(storage_sync(f->s), BT_OK);
		if (exists(parts) != cases[c].parts)
			fail_msg("%s: part file exists %d", cases[c].name,
			    !cases[c].parts);
		for (i = 0; i < cases[c].nfiles; i++) {
			join(path, sizeof(path), f->dl,
			    cases[c].files[i].path);
			if (!cases[c].create[i] && exists(path))
				fail_msg("%s: skipped %s exists",
				    cases[c].name, path);
		}
		for (k = 0; cases[c].write[k] != ~0u; k++)
			if (storage_verify_piece(f->s, cases[c].write[k]) !=
			    BT_OK)
				fail_msg("%s: piece %u: %s", cases[c].name,
				    cases[c].write[k], storage_error(f->s));
		/* a restart, same selection */
		storage_close(f->s);
		open_mask(f, &f->s, cases[c].create);
		for (k = 0; cases[c].write[k] != ~0u; k++)
			if (storage_verify_piece(f->s, cases[c].write[k]) !=
			    BT_OK)
				fail_msg("%s: reopened, piece %u: %s",
				    cases[c].name, cases[c].write[k],
				    storage_error(f->s));
		/* everything wanted: bytes into the files, part file gone */
		storage_close(f->s);
		open_mask(f, &f->s, NULL);
		assert_false(exists(parts));
		for (k = 0; cases[c].write[k] != ~0u; k++)
			if (storage_verify_piece(f->s, cases[c].write[k]) !=
			    BT_OK)
				fail_msg("%s: all wanted, piece %u: %s",
				    cases[c].name, cases[c].write[k],
				    storage_error(f->s));
		storage_close(f->s);
		f->s = NULL;
		meta_free(f->m);
		f->m = NULL;
		free(f->content);
		f->content = NULL;
		sandbox_remove(f->dl);
	}
}

/*
 * Wanted again, a skipped file gets its bytes from the part file (made
 * then), which drops the slots left with no skipped byte and goes when
 * empty.  The loop's twin handle shares the part file: it reads what the
 * writer put there, and still reads right while its own mask lags.
 */
static void
test_want_file(void **state)
{
	/* pieces of 64: 0 a, 1 a+b, 2 b+c, 3 c, 4 c */
	static const struct tfile files[] = {
		{ "w/a", 100 }, { "w/b", 60 }, { "w/c", 140 },
	};
	static const uint8_t create[] = { 0, 1, 0 };
	struct fixture	*f = *state;
	struct storage	*twin;
	char		 path[PATH_MAX], parts[PATH_MAX], err[256];
	uint32_t	 p;

	fixture_layout(f, files, 3, 64, 41);
	parts_path(f, parts, sizeof(parts));
	open_mask(f, &f->s, create);
	assert_int_equal(storage_open_twin(f->s, &twin, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(storage_is_skipped(twin, 0), 1);
	assert_int_equal(storage_is_skipped(twin, 1), 0);
	for (p = 1; p <= 2; p++)
		write_piece(f, f->s, p);
	for (p = 1; p <= 2; p++)
		assert_int_equal(storage_verify_piece(twin, p), BT_OK);
	join(path, sizeof(path), f->dl, "w/a");
	assert_false(exists(path));

	/* a wanted: its bytes of piece 1 move; piece 2 keeps its slot for
	 * c, piece 1 loses its own */
	assert_int_equal(storage_want_file(f->s, 0), BT_OK);
	assert_true(exists(path));
	file_holds(f, 0, 64, 100);
	assert_true(exists(parts));
	assert_int_equal(storage_is_skipped(f->s, 0), 0);
	assert_int_equal(storage_verify_piece(twin, 1), BT_OK);	/* lags */
	assert_int_equal(storage_set_skipped(twin, 0, 0), BT_OK);
	assert_int_equal(storage_verify_piece(twin, 1), BT_OK);
	assert_int_equal(storage_verify_piece(twin, 2), BT_OK);
	assert_int_equal(storage_want_file(f->s, 0), BT_OK);	/* again */

	/* c wanted: its bytes of piece 2 move, the part file goes */
	assert_int_equal(storage_want_file(f->s, 2), BT_OK);
	assert_false(exists(parts));
	file_holds(f, 2, 0, 32);
	assert_int_equal(storage_set_skipped(twin, 2, 0), BT_OK);
	for (p = 1; p <= 2; p++)
		assert_int_equal(storage_verify_piece(twin, p), BT_OK);
	assert_int_equal(storage_want_file(f->s, 9), BT_ERR_RANGE);
	assert_int_equal(storage_set_skipped(twin, 9, 1), BT_ERR_RANGE);
	storage_close(twin);
}

/* A file wanted, written, then skipped keeps its data in place: its
 * pieces still verify; a piece written after the skip keeps the skipped
 * file's bytes in the part file, and the file is not touched. */
static void
test_skip_keeps_data(void **state)
{
	static const struct tfile files[] = { { "k/a", 100 }, { "k/b", 100 } };
	struct fixture	*f = *state;
	char		 path[PATH_MAX], parts[PATH_MAX];
	struct stat	 before, after;
	uint32_t	 p;

	fixture_layout(f, files, 2, 64, 43);
	parts_path(f, parts, sizeof(parts));
	open_mask(f, &f->s, NULL);
	for (p = 0; p < f->m->num_pieces; p++)
		write_piece(f, f->s, p);
	assert_int_equal(storage_set_skipped(f->s, 1, 1), BT_OK);
	for (p = 0; p < f->m->num_pieces; p++)
		assert_int_equal(storage_verify_piece(f->s, p), BT_OK);
	assert_false(exists(parts));
	join(path, sizeof(path), f->dl, "k/b");
	assert_int_equal(stat(path, &before), 0);
	write_piece(f, f->s, 1);
	assert_true(exists(parts));
	assert_int_equal(stat(path, &after), 0);
	assert_true(before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
	    before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
	assert_int_equal(storage_verify_piece(f->s, 1), BT_OK);
	/* reopened with b wanted: its bytes are already in it, so it is not
	 * rewritten (its mtime stays, for the resume record) */
	storage_close(f->s);
	open_mask(f, &f->s, NULL);
	assert_false(exists(parts));
	assert_int_equal(stat(path, &after), 0);
	assert_true(before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
	    before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
	assert_int_equal(storage_verify_piece(f->s, 1), BT_OK);
}

/* The part file's errors name it; storage_delete_parts removes it. */
static void
test_parts_errors(void **state)
{
	static const struct tfile files[] = { { "x/a", 100 }, { "x/b", 100 } };
	static const uint8_t create[] = { 1, 0 };
	struct fixture	*f = *state;
	char		 parts[PATH_MAX];
	const uint8_t	*data;
	size_t		 len;

	fixture_layout(f, files, 2, 64, 47);
	parts_path(f, parts, sizeof(parts));
	open_mask(f, &f->s, create);
	assert_int_equal(mkdir(parts, 0755), 0);	/* in the way */
	data = piece_bytes(f, 1, &len);
	assert_int_equal(storage_write(f->s, 1, 0, data, len), BT_ERR_SYS);
	assert_non_null(strstr(storage_error(f->s), "cannot write "));
	assert_non_null(strstr(storage_error(f->s), parts));
	assert_int_equal(storage_delete_parts(f->s), BT_ERR_SYS);
	assert_non_null(strstr(storage_error(f->s), parts));
	assert_int_equal(rmdir(parts), 0);

	write_piece(f, f->s, 1);
	assert_true(exists(parts));
	assert_int_equal(storage_delete_parts(f->s), BT_OK);
	assert_false(exists(parts));
	assert_int_equal(storage_verify_piece(f->s, 1), BT_ERR_SYS);
	assert_int_equal(storage_delete_parts(f->s), BT_OK);
}

static void
test_open_creates_files(void **state)
{
	static const struct tfile files[] = {
		{ "t/a", 10 }, { "t/sub/b", 3 }, { "t/empty", 0 },
		{ "t/sub/deep/c", 5 }, { "t/big", 4u << 20 }, { "t/long", 7 },
		{ "t/short", 100 },
	};
	struct fixture	*f = *state;
	char		 path[PATH_MAX];
	struct stat	 st;
	mode_t		 mask;
	size_t		 i;
	int		 fd;

	/* the download directory is two levels deep and missing */
	snprintf(f->dl, sizeof(f->dl), "%s/x/y/", f->tmp);
	fixture_layout(f, files, 7, 1 << 16, 3);
	/* an existing longer file stays, a shorter one keeps its bytes */
	snprintf(path, sizeof(path), "%s/x", f->tmp);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/x/y", f->tmp);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/x/y/t", f->tmp);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/x/y/t/long", f->tmp);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0644)) >= 0);
	assert_int_equal(write(fd, "0123456789abcdef", 16), 16);
	close(fd);
	snprintf(path, sizeof(path), "%s/x/y/t/short", f->tmp);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0644)) >= 0);
	assert_int_equal(write(fd, "keep", 4), 4);
	close(fd);

	open_ok(f);
	mask = umask(022);
	umask(mask);
	for (i = 0; i < 7; i++) {
		snprintf(path, sizeof(path), "%s/x/y/%s", f->tmp,
		    files[i].path);
		if (lstat(path, &st) != 0)
			fail_msg("%s: %s", path, strerror(errno));
		assert_true(S_ISREG(st.st_mode));
		if (i == 5)
			assert_int_equal(st.st_size, 16);
		else
			assert_int_equal(st.st_size, files[i].length);
		if (i < 5)
			assert_int_equal(st.st_mode & 0777, 0644 & ~mask);
		if (i == 4)	/* sparse: far fewer blocks than bytes */
			assert_true((uint64_t)st.st_blocks * 512 <
			    files[i].length / 2);
	}
	snprintf(path, sizeof(path), "%s/x/y/t/sub/deep", f->tmp);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0755 & ~mask);
	snprintf(path, sizeof(path), "%s/x/y/t/short", f->tmp);
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	memset(path, 0, 8);
	assert_int_equal(read(fd, path, 8), 8);
	assert_memory_equal(path, "keep\0\0\0\0", 8);
	close(fd);
	/* opening again over existing files succeeds and changes nothing */
	storage_close(f->s);
	f->s = NULL;
	open_ok(f);
}

/* Shuffled 16 KiB blocks over 32 KiB pieces and odd-sized files; then the
 * torrent and each file on disk match the content byte for byte. */
static void
test_random_order_round_trip(void **state)
{
	static const struct tfile files[] = {
		{ "r/one", 40000 }, { "r/zero", 0 }, { "r/two", 1 },
		{ "r/d/three", 70001 }, { "r/d/zero", 0 },
		{ "r/d/e/four", 16384 },
		{ "r/five", 99999 }, { "r/six", 3 },
	};
	struct fixture	*f = *state;
	uint32_t	*blocks, tmp, bl = 16384, p, begin;
	uint8_t		*back;
	char		 path[PATH_MAX];
	uint64_t	 start, len;
	size_t		 i, j, nblocks, per;
	unsigned	 seed = (unsigned)time(NULL);
	int		 fd;

	fixture_layout(f, files, 8, 32768, 4);
	open_ok(f);
	per = 32768 / bl;
	nblocks = (size_t)f->m->num_pieces * per;
	assert_non_null(blocks = calloc(nblocks, sizeof(*blocks)));
	for (i = 0; i < nblocks; i++)
		blocks[i] = (uint32_t)i;
	print_message("seed %u\n", seed);
	srand(seed);
	for (i = nblocks - 1; i > 0; i--) {
		j = (size_t)rand() % (i + 1);
		tmp = blocks[i];
		blocks[i] = blocks[j];
		blocks[j] = tmp;
	}
	for (i = 0; i < nblocks; i++) {
		p = blocks[i] / (uint32_t)per;
		begin = (blocks[i] % (uint32_t)per) * bl;
		start = (uint64_t)p * 32768 + begin;
		if (start >= f->m->total_length)
			continue;	/* past the short last piece */
		len = f->m->total_length - start < bl ?
		    f->m->total_length - start : bl;
		assert_int_equal(storage_write(f->s, p, begin,
		    f->content + start, (size_t)len), BT_OK);
	}
	assert_int_equal(storage_sync(f->s), BT_OK);
	assert_non_null(back = malloc(f->m->total_length));
	memset(back, 0xaa, f->m->total_length);
	for (p = 0; p < f->m->num_pieces; p++) {
		start = (uint64_t)p * 32768;
		len = f->m->total_length - start < 32768 ?
		    f->m->total_length - start : 32768;
		assert_int_equal(storage_read(f->s, p, 0, back + start,
		    (size_t)len), BT_OK);
		assert_int_equal(storage_verify_piece(f->s, p), BT_OK);
	}
	assert_memory_equal(back, f->content, f->m->total_length);
	/* a read spanning three files at odd offsets */
	assert_int_equal(storage_read(f->s, 1, 40000 - 32768 - 5, back, 20),
	    BT_OK);
	assert_memory_equal(back, f->content + 40000 - 5, 20);
	for (i = 0; i < 8; i++) {
		join(path, sizeof(path), f->dl, files[i].path);
		assert_true((fd = open(path, O_RDONLY)) >= 0);
		assert_int_equal(read(fd, back, files[i].length + 1),
		    files[i].length);
		close(fd);
		assert_memory_equal(back, f->content + f->m->files[i].offset,
		    files[i].length);
	}
	free(back);
	free(blocks);
}

/* Whether dir's file system takes an aligned O_DIRECT write. */
static int
direct_supported(const char *dir)
{
	char	 path[PATH_MAX];
	void	*buf = NULL;
	int	 fd, ok;

	join(path, sizeof(path), dir, "probe");
	if ((fd = open(path, O_CREAT | O_WRONLY | O_DIRECT, 0644)) == -1)
		return 0;
	assert_int_equal(posix_memalign(&buf, STORAGE_DIRECT_ALIGN,
	    STORAGE_DIRECT_ALIGN), 0);
	memset(buf, 7, STORAGE_DIRECT_ALIGN);
	ok = pwrite(fd, buf, STORAGE_DIRECT_ALIGN, 0) ==
	    (ssize_t)STORAGE_DIRECT_ALIGN;
	close(fd);
	unlink(path);
	free(buf);
	return ok;
}

/*
 * Direct writes: whole pieces from page-aligned memory, as the disk worker
 * writes them.  Per layout, how many bytes go with O_DIRECT (the aligned
 * head of each file's run, when it is STORAGE_DIRECT_MIN or more); the
 * files then hold the content either way, and what a read cached before
 * the write (a hole's zeros) is not read back.
 */
static void
test_direct_writes(void **state)
{
	enum { K256 = 262144, M1 = 1048576 };
	static const struct {
		const char	*name;
		struct tfile	 files[2];
		size_t		 nfiles;
		uint32_t	 piece_length;
		int		 direct;	/* storage_set_direct */
		uint64_t	 want;		/* direct bytes, if supported */
	} rows[] = {
		/* 3 whole pieces direct; the 10000-byte last one is not */
		{ "one file", { { "d/one", 3 * K256 + 10000 } }, 1, K256, 1,
		    3 * K256 },
		{ "direct off", { { "d/one", 3 * K256 + 10000 } }, 1, K256, 0,
		    0 },
		/* piece 1: a's 4096-byte tail and b's 258048-byte head are
		 * both under the minimum; piece 2 is b's, at 258048 */
		{ "aligned split", { { "d/a", K256 + 4096 },
		    { "d/b", 2 * K256 - 4096 } }, 2, K256, 1, 2 * K256 },
		/* b starts at 100000: no run of b is aligned in memory */
		{ "odd split", { { "d/a", 100000 },
		    { "d/b", 3 * K256 - 100000 } }, 2, K256, 1, 0 },
		/* the last piece is 1 MiB - 1: its aligned head is direct,
		 * its last 4095 bytes go through the page cache */
		{ "odd tail", { { "d/one", 2 * M1 - 1 } }, 1, M1, 1,
		    2 * M1 - 4096 },
	};
	struct fixture	*f = *state;
	uint8_t		*buf = NULL, *back;
	char		 err[512], dir[160];
	uint64_t	 start, len;
	uint32_t	 p;
	size_t		 r, i;
	int		 supported;

	assert_int_equal(mkdir(f->dl, 0755), 0);
	supported = direct_supported(f->dl);
	print_message("O_DIRECT in %s: %s\n", f->dl, supported ? "yes" :
	    "refused (expect no direct bytes)");
	assert_int_equal(posix_memalign((void **)&buf, STORAGE_DIRECT_ALIGN,
	    M1), 0);
	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		fixture_layout(f, rows[r].files, rows[r].nfiles,
		    rows[r].piece_length, 40 + r);
		snprintf(dir, sizeof(dir), "%s/%zu", f->dl, r);
		if (storage_open(f->m, dir, &f->s, err, sizeof(err)) != BT_OK)
			fail_msg("%s: storage_open: %s", rows[r].name, err);
		storage_set_direct(f->s, rows[r].direct);
		for (p = 0; p < f->m->num_pieces; p++) {
			start = (uint64_t)p * f->m->piece_length;
			len = f->m->total_length - start;
			if (len > f->m->piece_length)
				len = f->m->piece_length;
			/* the hole's zeros, now in the page cache */
			assert_int_equal(storage_read(f->s, p, 0, buf,
			    (size_t)len), BT_OK);
			memcpy(buf, f->content + start, (size_t)len);
			if (storage_write(f->s, p, 0, buf, (size_t)len) !=
			    BT_OK)
				fail_msg("%s: piece %u: %s", rows[r].name, p,
				    storage_error(f->s));
			assert_int_equal(storage_verify_piece(f->s, p), BT_OK);
		}
		assert_int_equal(storage_sync(f->s), BT_OK);
		if (storage_direct_bytes(f->s) !=
		    (supported ? rows[r].want : 0))
			fail_msg("%s: %llu direct bytes, want %llu",
			    rows[r].name, (unsigned long long)
			    storage_direct_bytes(f->s), (unsigned long long)
			    (supported ? rows[r].want : 0));
		assert_int_equal(storage_direct(f->s),
		    rows[r].direct && supported);
		storage_close(f->s);
		f->s = NULL;
		/* the files, read afresh, hold the content */
		assert_non_null(back = malloc(f->m->total_length));
		for (i = 0; i < rows[r].nfiles; i++) {
			char	path[PATH_MAX];
			int	fd;

			join(path, sizeof(path), dir, rows[r].files[i].path);
			assert_true((fd = open(path, O_RDONLY)) >= 0);
			assert_int_equal(read(fd, back, (size_t)
			    rows[r].files[i].length + 1),
			    (ssize_t)rows[r].files[i].length);
			close(fd);
			assert_memory_equal(back, f->content +
			    f->m->files[i].offset, rows[r].files[i].length);
		}
		free(back);
		meta_free(f->m);
		f->m = NULL;
		free(f->content);
		f->content = NULL;
	}
	free(buf);
}

static void
test_verify_good_and_bad(void **state)
{
	static const struct tfile files[] = {
		{ "v/a", 1000 }, { "v/b", 0 }, { "v/c", 3000 },
	};
	struct fixture	*f = *state;
	uint8_t		 d[20];
	char		 path[PATH_MAX];
	uint32_t	 p;
	int		 fd;

	fixture_layout(f, files, 3, 1024, 5);
	open_ok(f);
	/* fresh sparse files read as zeros: nothing verifies yet */
	for (p = 0; p < f->m->num_pieces; p++)
		assert_int_equal(storage_verify_piece(f->s, p), BT_ERR_HASH);
	assert_non_null(strstr(storage_error(f->s), "does not match"));
	write_all_pieces(f);
	for (p = 0; p < f->m->num_pieces; p++)
		assert_int_equal(storage_verify_piece(f->s, p), BT_OK);
	assert_int_equal(storage_hash_piece(f->s, 3, d), BT_OK);
	assert_memory_equal(d, f->m->piece_hashes + 60, 20);
	/* corrupt byte 1500 (piece 1, file c at 500) behind storage's back */
	join(path, sizeof(path), f->dl, "v/c");
	assert_true((fd = open(path, O_WRONLY)) >= 0);
	d[0] = (uint8_t)~f->content[1500];
	assert_int_equal(pwrite(fd, d, 1, 500), 1);
	close(fd);
	assert_int_equal(storage_verify_piece(f->s, 0), BT_OK);
	assert_int_equal(storage_verify_piece(f->s, 1), BT_ERR_HASH);
	assert_int_equal(storage_verify_piece(f->s, 2), BT_OK);
	assert_int_equal(storage_verify_piece(f->s, 3), BT_OK);
	assert_int_equal(storage_verify_piece(f->s, 4), BT_ERR_RANGE);
	assert_int_equal(storage_hash_piece(f->s, 4, d), BT_ERR_RANGE);
}

/* Pieces bigger than STORAGE_HASH_CHUNK are hashed in several reads. */
static void
test_verify_big_piece(void **state)
{
	static const struct tfile files[] = {
		{ "h/a", 3 * STORAGE_HASH_CHUNK + 5 }, { "h/b", 77 },
	};
	struct fixture	*f = *state;

	fixture_layout(f, files, 2, 2 * STORAGE_HASH_CHUNK + 1, 6);
	open_ok(f);
	write_all_pieces(f);
	assert_int_equal(storage_verify_piece(f->s, 0), BT_OK);
	assert_int_equal(storage_verify_piece(f->s, 1), BT_OK);
	/* the buffer (a whole chunk) and the hash context are kept until
	 * released, and made again by the next hash */
	assert_non_null(f->s->buf);
	assert_int_equal(f->s->buflen, STORAGE_HASH_CHUNK);
	assert_non_null(f->s->sha);
	storage_hash_release(f->s);
	assert_null(f->s->buf);
	assert_null(f->s->sha);
	storage_hash_release(f->s);
	assert_int_equal(storage_verify_piece(f->s, 1), BT_OK);
	assert_non_null(f->s->buf);
	assert_int_equal(storage_verify_piece(f->s, 0), BT_OK);
}

static void
test_check_buffer(void **state)
{
	static const struct tfile files[] = { { "c", 2500 } };
	struct fixture	*f = *state;
	uint8_t		 bad[1024];

	fixture_layout(f, files, 1, 1024, 7);
	assert_int_equal(storage_check_buffer(f->m, 0, f->content, 1024),
	    BT_OK);
	assert_int_equal(storage_check_buffer(f->m, 2, f->content + 2048,
	    452), BT_OK);
	memcpy(bad, f->content + 1024, 1024);
	bad[1023] ^= 1;
	assert_int_equal(storage_check_buffer(f->m, 1, bad, 1024),
	    BT_ERR_HASH);
	assert_int_equal(storage_check_buffer(f->m, 0, f->content + 1024,
	    1024), BT_ERR_HASH);
	assert_int_equal(storage_check_buffer(f->m, 0, f->content, 1023),
	    BT_ERR_RANGE);
	assert_int_equal(storage_check_buffer(f->m, 2, f->content + 2048,
	    1024), BT_ERR_RANGE);
	assert_int_equal(storage_check_buffer(f->m, 3, f->content, 1024),
	    BT_ERR_RANGE);
}

static void
test_range_errors(void **state)
{
	static const struct tfile files[] = { { "a", 100 }, { "b", 150 } };
	static const struct {
		const char	*name;
		uint32_t	 piece, begin;
		size_t		 len;
		int		 want;
	} cases[] = {
		{ "whole piece", 0, 0, 100, BT_OK },
		{ "empty at end", 0, 100, 0, BT_OK },
		{ "short last piece", 2, 0, 50, BT_OK },
		{ "piece = num", 3, 0, 1, BT_ERR_RANGE },
		{ "piece max", UINT32_MAX, 0, 1, BT_ERR_RANGE },
		{ "begin past end", 0, 101, 0, BT_ERR_RANGE },
		{ "one byte over", 0, 1, 100, BT_ERR_RANGE },
		{ "last piece over", 2, 10, 41, BT_ERR_RANGE },
		{ "begin max", 1, UINT32_MAX, 1, BT_ERR_RANGE },
		{ "len wraps", 1, 50, SIZE_MAX - 10, BT_ERR_RANGE },
	};
	struct fixture	*f = *state;
	uint8_t		 buf[128];
	size_t		 i;
	int		 r;

	fixture_layout(f, files, 2, 100, 8);
	open_ok(f);
	memset(buf, 'x', sizeof(buf));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = storage_write(f->s, cases[i].piece, cases[i].begin, buf,
		    cases[i].len);
		if (r != cases[i].want)
			fail_msg("%s: write %d, want %d", cases[i].name, r,
			    cases[i].want);
		if (r != BT_OK && storage_error(f->s)[0] == '\0')
			fail_msg("%s: no message", cases[i].name);
		r = storage_read(f->s, cases[i].piece, cases[i].begin, buf,
		    cases[i].len);
		if (r != cases[i].want)
			fail_msg("%s: read %d, want %d", cases[i].name, r,
			    cases[i].want);
	}
	assert_int_equal(storage_read(f->s, 0, 0, buf, 1), BT_OK);
	assert_string_equal(storage_error(f->s), "");
}

/* A file shortened behind our back is a disk error, not zeros. */
static void
test_truncated_file(void **state)
{
	static const struct tfile files[] = { { "t/a", 100 }, { "t/b", 100 } };
	struct fixture	*f = *state;
	char		 path[PATH_MAX];
	uint8_t		 buf[100];

	fixture_layout(f, files, 2, 100, 9);
	open_ok(f);
	write_all_pieces(f);
	join(path, sizeof(path), f->dl, "t/b");
	assert_int_equal(truncate(path, 40), 0);
	assert_int_equal(storage_read(f->s, 1, 0, buf, 40), BT_OK);
	assert_int_equal(storage_read(f->s, 1, 0, buf, 41), BT_ERR_SYS);
	assert_int_equal(errno, EIO);
	assert_non_null(strstr(storage_error(f->s), path));
	assert_non_null(strstr(storage_error(f->s), "truncated"));
	assert_int_equal(storage_verify_piece(f->s, 1), BT_ERR_SYS);
	assert_int_equal(storage_verify_piece(f->s, 0), BT_OK);
	/* after a failed hash the context starts clean again */
	assert_int_equal(storage_verify_piece(f->s, 0), BT_OK);
}

static void
test_symlink_final_component(void **state)
{
	static const struct tfile files[] = { { "t/a", 64 }, { "t/b", 64 } };
	struct fixture	*f = *state;
	char		 outside[PATH_MAX], path[PATH_MAX], err[PATH_MAX + 64];
	struct stat	 st;
	int		 fd;

	fixture_layout(f, files, 2, 64, 10);
	join(outside, sizeof(outside), f->tmp, "outside");
	assert_true((fd = open(outside, O_WRONLY | O_CREAT, 0644)) >= 0);
	close(fd);
	join(path, sizeof(path), f->dl, "t");
	assert_int_equal(mkdir(f->dl, 0755), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	join(path, sizeof(path), f->dl, "t/a");
	assert_int_equal(symlink(outside, path), 0);
	assert_int_equal(storage_open(f->m, f->dl, &f->s, err, sizeof(err)),
	    BT_ERR_SYS);
	assert_null(f->s);
	assert_non_null(strstr(err, path));
	assert_int_equal(stat(outside, &st), 0);
	assert_int_equal(st.st_size, 0);

	/* planted after open: the lazy open refuses it too */
	assert_int_equal(unlink(path), 0);
	open_ok(f);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink(outside, path), 0);
	assert_int_equal(storage_write(f->s, 0, 0, f->content, 64),
	    BT_ERR_SYS);
	assert_non_null(strstr(storage_error(f->s), path));
	assert_int_equal(stat(outside, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(storage_write(f->s, 1, 0, f->content + 64, 64),
	    BT_OK);
}

/* A symlinked directory inside the download directory is not entered. */
static void
test_symlink_directory(void **state)
{
	static const struct tfile files[] = { { "t/sub/a", 64 } };
	struct fixture	*f = *state;
	char		 outside[PATH_MAX], path[PATH_MAX], err[PATH_MAX + 64];
	DIR		*d;
	struct dirent	*e;
	size_t		 n = 0;

	fixture_layout(f, files, 1, 64, 11);
	join(outside, sizeof(outside), f->tmp, "elsewhere");
	assert_int_equal(mkdir(outside, 0755), 0);
	assert_int_equal(mkdir(f->dl, 0755), 0);
	join(path, sizeof(path), f->dl, "t");
	assert_int_equal(mkdir(path, 0755), 0);
	join(path, sizeof(path), f->dl, "t/sub");
	assert_int_equal(symlink(outside, path), 0);
	assert_int_equal(storage_open(f->m, f->dl, &f->s, err, sizeof(err)),
	    BT_ERR_SYS);
	assert_non_null(strstr(err, path));
	assert_non_null(d = opendir(outside));
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(n, 0);
}

static void
test_not_regular_file(void **state)
{
	static const struct tfile files[] = { { "fifo", 64 } };
	struct fixture	*f = *state;
	char		 path[PATH_MAX], err[PATH_MAX + 64];
	uint64_t	 size;
	int64_t		 mtime;

	fixture_layout(f, files, 1, 64, 12);
	assert_int_equal(mkdir(f->dl, 0755), 0);
	join(path, sizeof(path), f->dl, "fifo");
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(storage_open(f->m, f->dl, &f->s, err, sizeof(err)),
	    BT_ERR_INVALID);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "not a regular file"));
	/* swapped in after open: the lazy open and stat refuse it too */
	assert_int_equal(unlink(path), 0);
	open_ok(f);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(storage_write(f->s, 0, 0, f->content, 64),
	    BT_ERR_INVALID);
	assert_non_null(strstr(storage_error(f->s), path));
	assert_int_equal(storage_file_stat(f->s, 0, &size, &mtime, NULL),
	    BT_ERR_INVALID);
	assert_non_null(strstr(storage_error(f->s), "not a regular file"));
}

static void
test_name_too_long(void **state)
{
	struct fixture	*f = *state;
	struct tfile	 files[1];
	char		 path[400], err[PATH_MAX + 64];

	memset(path, 'x', 300);
	memcpy(path + 300, "/a", 3);
	files[0].path = path;
	files[0].length = 10;
	fixture_layout(f, files, 1, 8, 20);
	assert_int_equal(storage_open(f->m, f->dl, &f->s, err, sizeof(err)),
	    BT_ERR_SYS);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_non_null(strstr(err, "cannot create directory"));
	assert_non_null(strstr(err, strerror(ENAMETOOLONG)));
}

static void
test_unsafe_layouts(void **state)
{
	static const char *const bad_paths[] = {
		"../evil", "t/../../evil", "t/./a", ".", "t//a", "/etc/x",
		"t/", "", "t/..",
	};
	static const struct tfile ok_files[] = { { "t/a", 10 }, { "t/b", 10 } };
	struct fixture	*f = *state;
	struct tfile	 files[2];
	char		 err[256];
	struct stat	 st;
	size_t		 i;

	for (i = 0; i < sizeof(bad_paths) / sizeof(bad_paths[0]); i++) {
		files[0] = ok_files[0];
		files[1].path = bad_paths[i];
		files[1].length = 10;
		fixture_layout(f, files, 2, 8, 13);
		if (storage_open(f->m, f->dl, &f->s, err, sizeof(err)) !=
		    BT_ERR_INVALID)
			fail_msg("\"%s\" accepted", bad_paths[i]);
		assert_null(f->s);
		assert_non_null(strstr(err, "unsafe path"));
		meta_free(f->m);
		free(f->content);
		f->m = NULL;
		f->content = NULL;
	}
	/* nothing was created for a refused torrent */
	assert_int_equal(stat(f->dl, &st), -1);

	fixture_layout(f, ok_files, 2, 8, 13);
	f->m->files[1].offset = 9;
	assert_int_equal(storage_open(f->m, f->dl, &f->s, err, sizeof(err)),
	    BT_ERR_INVALID);
	f->m->files[1].offset = 10;
	f->m->num_pieces = 2;
	assert_int_equal(storage_open(f->m, f->dl, &f->s, err, sizeof(err)),
	    BT_ERR_INVALID);
	f->m->num_pieces = 3;
	f->m->total_length = 21;
	assert_int_equal(storage_open(f->m, f->dl, &f->s, err, sizeof(err)),
	    BT_ERR_INVALID);
	f->m->total_length = 20;
	assert_int_equal(storage_open(f->m, "", &f->s, err, sizeof(err)),
	    BT_ERR_INVALID);
	assert_null(f->s);
	open_ok(f);
}

/* The download directory path runs through a regular file. */
static void
test_dir_is_a_file(void **state)
{
	static const struct tfile files[] = { { "a", 10 } };
	struct fixture	*f = *state;
	char		 err[PATH_MAX + 64];
	int		 fd;

	fixture_layout(f, files, 1, 8, 14);
	assert_true((fd = open(f->dl, O_WRONLY | O_CREAT, 0644)) >= 0);
	close(fd);
	assert_int_equal(storage_open(f->m, f->dl, &f->s, err, sizeof(err)),
	    BT_ERR_SYS);
	assert_non_null(strstr(err, f->dl));
	assert_non_null(strstr(err, "Not a directory"));
}

/* More files than STORAGE_MAX_OPEN_FILES, blocks spanning several of them,
 * written in a scattered order: the descriptor count stays capped. */
static void
test_fd_cache(void **state)
{
	enum { NFILES = 3 * STORAGE_MAX_OPEN_FILES + 7, FLEN = 1000 };
	struct fixture	*f = *state;
	struct tfile	 files[NFILES];
	char		 names[NFILES][24];
	uint64_t	 start, len, mtime_size;
	int64_t		 mtime, mtime_ns;
	uint32_t	 p, np, k;
	size_t		 i, before;
	uint8_t		 buf[4096];

	for (i = 0; i < NFILES; i++) {
		snprintf(names[i], sizeof(names[i]), "many/d%zu/f%zu", i % 5,
		    i);
		files[i].path = names[i];
		files[i].length = FLEN;
	}
	fixture_layout(f, files, NFILES, 4096, 15);
	/* besides the files: the directory and the part file's own copy of
	 * it (the part file itself is never made: nothing is skipped) */
	before = count_fds() + 2;
	open_ok(f);
	np = f->m->num_pieces;
	for (k = 0; k < np; k++) {
		p = (k * 7) % np;	/* 7 is prime to np: a permutation */
		start = (uint64_t)p * 4096;
		len = f->m->total_length - start < 4096 ?
		    f->m->total_length - start : 4096;
		assert_int_equal(storage_write(f->s, p, 0, f->content + start,
		    (size_t)len), BT_OK);
		assert_true(count_fds() <= before + STORAGE_MAX_OPEN_FILES);
	}
	for (p = 0; p < np; p++) {
		start = (uint64_t)p * 4096;
		len = f->m->total_length - start < 4096 ?
		    f->m->total_length - start : 4096;
		assert_int_equal(storage_read(f->s, p, 0, buf, (size_t)len),
		    BT_OK);
		assert_memory_equal(buf, f->content + start, len);
		assert_int_equal(storage_verify_piece(f->s, p), BT_OK);
	}
	assert_int_equal(count_fds(), before + STORAGE_MAX_OPEN_FILES);
	/* sync reopens closed dirty files; still capped */
	assert_int_equal(storage_sync(f->s), BT_OK);
	assert_int_equal(count_fds(), before + STORAGE_MAX_OPEN_FILES);
	assert_int_equal(storage_file_stat(f->s, NFILES - 1, &mtime_size,
	    &mtime, &mtime_ns), BT_OK);
	assert_int_equal(mtime_size, FLEN);
	assert_true(mtime > 0);
	assert_true(mtime_ns >= 0 && mtime_ns < 1000000000);
	storage_close(f->s);
	f->s = NULL;
	assert_int_equal(count_fds(), before - 2);
}

static void
test_file_stat_errors(void **state)
{
	static const struct tfile files[] = { { "s/a", 10 }, { "s/b", 20 } };
	struct fixture	*f = *state;
	char		 path[PATH_MAX];
	uint64_t	 size;
	int64_t		 mtime;

	fixture_layout(f, files, 2, 8, 16);
	open_ok(f);
	assert_int_equal(storage_file_stat(f->s, 1, &size, &mtime, NULL), BT_OK);
	assert_int_equal(size, 20);
	assert_int_equal(storage_file_stat(f->s, 2, &size, &mtime, NULL),
	    BT_ERR_RANGE);
	assert_int_equal(size, 0);
	join(path, sizeof(path), f->dl, "s/b");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(storage_file_stat(f->s, 1, &size, &mtime, NULL), BT_ERR_SYS);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(storage_error(f->s), path));
	/* writing to the deleted file: the lazy open fails with its name */
	assert_int_equal(storage_write(f->s, 2, 0, "x", 1), BT_ERR_SYS);
	assert_non_null(strstr(storage_error(f->s), "cannot open"));
	assert_non_null(strstr(storage_error(f->s), path));
	storage_close(NULL);
}

/* Root ignores permission bits: as root this runs as nobody. */
static void
test_read_only(void **state)
{
	static const struct tfile files[] = { { "t/a", 10 }, { "t/b", 10 } };
	struct fixture	*f = *state;
	char		 path[PATH_MAX], ro_dl[PATH_MAX], err[PATH_MAX + 64];

	assert_int_equal(sandbox_drop_root(f->tmp, &f->privs), 0);
	fixture_layout(f, files, 2, 8, 17);
	/* the download directory cannot be made under a read-only parent */
	join(path, sizeof(path), f->tmp, "ro");
	assert_int_equal(mkdir(path, 0555), 0);
	join(ro_dl, sizeof(ro_dl), path, "dl");
	assert_int_equal(storage_open(f->m, ro_dl, &f->s, err, sizeof(err)),
	    BT_ERR_SYS);
	assert_non_null(strstr(err, "cannot create directory"));
	assert_non_null(strstr(err, path));
	/* a read-only download directory: creating t fails, named */
	assert_int_equal(mkdir(f->dl, 0555), 0);
	assert_int_equal(storage_open(f->m, f->dl, &f->s, err, sizeof(err)),
	    BT_ERR_SYS);
	join(path, sizeof(path), f->dl, "t");
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "Permission denied"));
	/* a file made read-only after open: the write names it */
	assert_int_equal(chmod(f->dl, 0755), 0);
	open_ok(f);
	join(path, sizeof(path), f->dl, "t/b");
	assert_int_equal(chmod(path, 0444), 0);
	assert_int_equal(storage_write(f->s, 1, 0, f->content + 8, 8),
	    BT_ERR_SYS);
	assert_non_null(strstr(storage_error(f->s), path));
	assert_non_null(strstr(storage_error(f->s), "Permission denied"));
	/* a read-only directory stops the creation of a missing file */
	assert_int_equal(unlink(path), 0);
	join(path, sizeof(path), f->dl, "t");
	storage_close(f->s);
	f->s = NULL;
	assert_int_equal(chmod(path, 0555), 0);
	assert_int_equal(storage_open(f->m, f->dl, &f->s, err, sizeof(err)),
	    BT_ERR_SYS);
	assert_non_null(strstr(err, "cannot create"));
	assert_non_null(strstr(err, "t/b"));
	sandbox_regain_root(&f->privs);
}

/* A complete torrent on data the user cannot write (root runs as nobody):
 * it opens, verifies and reads O_RDONLY; only a write fails, naming the
 * file and saying why.  A file that can be written is reopened O_RDWR on
 * its first write. */
static void
test_read_only_seed(void **state)
{
	static const struct tfile files[] = { { "t/a", 10 }, { "t/b", 20 } };
	struct fixture	*f = *state;
	char		 a[PATH_MAX], b[PATH_MAX], t[PATH_MAX];
	uint8_t		 buf[8];
	uint32_t	 p;

	assert_int_equal(sandbox_drop_root(f->tmp, &f->privs), 0);
	fixture_layout(f, files, 2, 8, 20);
	open_ok(f);
	write_all_pieces(f);
	storage_close(f->s);
	f->s = NULL;
	join(t, sizeof(t), f->dl, "t");
	join(a, sizeof(a), f->dl, "t/a");
	join(b, sizeof(b), f->dl, "t/b");
	assert_int_equal(chmod(a, 0444), 0);
	assert_int_equal(chmod(b, 0444), 0);
	assert_int_equal(chmod(t, 0555), 0);
	assert_int_equal(chmod(f->dl, 0555), 0);

	open_ok(f);
	for (p = 0; p < f->m->num_pieces; p++)
		assert_int_equal(storage_verify_piece(f->s, p), BT_OK);
	assert_int_equal(open_mode_of(a), O_RDONLY);
	assert_int_equal(open_mode_of(b), O_RDONLY);
	assert_int_equal(storage_read(f->s, 0, 0, buf, 8), BT_OK);
	assert_memory_equal(buf, f->content, 8);
	assert_int_equal(storage_write(f->s, 0, 0, f->content, 8),
	    BT_ERR_SYS);
	assert_int_equal(errno, EACCES);
	assert_non_null(strstr(storage_error(f->s), "cannot write "));
	assert_non_null(strstr(storage_error(f->s), a));
	assert_non_null(strstr(storage_error(f->s), strerror(EACCES)));
	assert_non_null(strstr(storage_error(f->s), "can seed"));
	/* the failed write took nothing away: reads still work */
	assert_int_equal(storage_verify_piece(f->s, 0), BT_OK);
	assert_int_equal(storage_sync(f->s), BT_OK);

	/* b made writable: read O_RDONLY, then the write reopens it */
	assert_int_equal(chmod(b, 0644), 0);
	assert_int_equal(storage_write(f->s, 3, 0, f->content + 24, 6),
	    BT_OK);
	assert_int_equal(open_mode_of(b), O_RDWR);
	assert_int_equal(storage_sync(f->s), BT_OK);
	assert_int_equal(storage_verify_piece(f->s, 3), BT_OK);
	assert_int_equal(open_mode_of(a), O_RDONLY);
	storage_close(f->s);
	f->s = NULL;

	/* a short file that cannot be extended: open passes, the piece is
	 * missing, a write says why */
	assert_int_equal(chmod(a, 0644), 0);
	assert_int_equal(truncate(a, 4), 0);
	assert_int_equal(chmod(a, 0444), 0);
	open_ok(f);
	assert_int_equal(storage_verify_piece(f->s, 0), BT_ERR_SYS);
	assert_int_equal(storage_verify_piece(f->s, 2), BT_OK);
	assert_int_equal(storage_write(f->s, 0, 0, f->content, 8),
	    BT_ERR_SYS);
	assert_non_null(strstr(storage_error(f->s), "can seed"));
	sandbox_regain_root(&f->privs);
}

/* BEP 47 pads: a: 10 | pad 6 | b: 16 | pad 16 | c: 5 | pad 3 in 16-byte
 * pieces, so piece 0 ends in a pad, piece 2 is all pad and piece 3 is c
 * and a trailing pad.  Pads never reach the disk and read as zeros. */
static void
test_pads(void **state)
{
	static const struct tfile files[] = {
		{ "t/a", 10 }, { ".pad/6", 6 }, { "t/b", 16 },
		{ ".pad/16", 16 }, { "t/c", 5 }, { ".pad/3", 3 },
	};
	static const size_t pads[] = { 1, 3, 5 };
	struct fixture	*f = *state;
	char		 path[PATH_MAX];
	uint8_t		 junk[56], buf[56], zeros[16];
	struct stat	 st;
	uint64_t	 size;
	int64_t		 mtime, ns;
	uint32_t	 p;
	size_t		 i, k;

	fixture_layout(f, files, 6, 16, 21);
	fixture_pads(f, pads, 3);
	open_ok(f);
	join(path, sizeof(path), f->dl, ".pad");
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(errno, ENOENT);
	/* the all-pad piece is whole before anything is written */
	assert_int_equal(storage_verify_piece(f->s, 2), BT_OK);
	assert_int_equal(storage_verify_piece(f->s, 0), BT_ERR_HASH);

	/* bytes sent for the pads are dropped, whatever they are */
	memcpy(junk, f->content, sizeof(junk));
	for (i = 0; i < 3; i++)
		memset(junk + f->m->files[pads[i]].offset, 0xaa,
		    (size_t)f->m->files[pads[i]].length);
	for (p = 0; p < f->m->num_pieces; p++)
		assert_int_equal(storage_write(f->s, p, 0, junk + 16 * p,
		    p == 3 ? 8 : 16), BT_OK);
	assert_int_equal(storage_sync(f->s), BT_OK);
	for (p = 0; p < f->m->num_pieces; p++)
		assert_int_equal(storage_verify_piece(f->s, p), BT_OK);
	memset(buf, 0xff, sizeof(buf));
	for (p = 0; p < f->m->num_pieces; p++)
		assert_int_equal(storage_read(f->s, p, 0, buf + 16 * p,
		    p == 3 ? 8 : 16), BT_OK);
	assert_memory_equal(buf, f->content, sizeof(buf));
	/* a read inside a pad alone */
	memset(zeros, 0, sizeof(zeros));
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(storage_read(f->s, 2, 4, buf, 8), BT_OK);
	assert_memory_equal(buf, zeros, 8);

	assert_int_equal(lstat(path, &st), -1);
	for (i = 0; i < f->m->nfiles; i++) {
		k = i;
		assert_int_equal(storage_file_stat(f->s, k, &size, &mtime,
		    &ns), BT_OK);
		assert_int_equal(size, f->m->files[k].length);
		if (f->m->files[k].attr & METAINFO_ATTR_PAD) {
			assert_int_equal(mtime, 0);
			assert_int_equal(ns, 0);
			continue;
		}
		join(path, sizeof(path), f->dl, f->m->files[k].path);
		assert_int_equal(lstat(path, &st), 0);
		assert_int_equal(st.st_size, f->m->files[k].length);
	}
	/* opened again over the files: still no pad on disk */
	storage_close(f->s);
	f->s = NULL;
	open_ok(f);
	join(path, sizeof(path), f->dl, ".pad");
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(storage_verify_piece(f->s, 3), BT_OK);
}

/* A full disk stands in as RLIMIT_FSIZE: pwrite past it fails with EFBIG
 * (SIGXFSZ ignored) and the message names the file. */
static void
test_write_error_names_path(void **state)
{
	static const struct tfile files[] = {
		{ "q/small", 100 }, { "q/big", 1 << 16 },
	};
	struct fixture	*f = *state;
	struct rlimit	 old, lim;
	struct storage	*s2;
	char		 path[PATH_MAX], dir2[PATH_MAX], err[PATH_MAX + 64];
	void		(*oldsig)(int);
	int		 r;

	fixture_layout(f, files, 2, 1 << 14, 18);
	open_ok(f);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 8192;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	/* piece 1 starts at torrent byte 16384 = big at 16284 */
	r = storage_write(f->s, 1, 0, f->content + 16384, 1 << 14);
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, oldsig);
	assert_int_equal(r, BT_ERR_SYS);
	assert_int_equal(errno, EFBIG);
	join(path, sizeof(path), f->dl, "q/big");
	assert_non_null(strstr(storage_error(f->s), "cannot write "));
	assert_non_null(strstr(storage_error(f->s), path));
	assert_non_null(strstr(storage_error(f->s), strerror(EFBIG)));
	/* below the limit the same storage still works */
	assert_int_equal(storage_write(f->s, 0, 0, f->content, 1 << 14),
	    BT_OK);
	assert_int_equal(storage_verify_piece(f->s, 0), BT_OK);

	/* a fresh directory: extending big past the limit fails in open */
	join(dir2, sizeof(dir2), f->tmp, "dl2");
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	r = storage_open(f->m, dir2, &s2, err, sizeof(err));
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, oldsig);
	assert_int_equal(r, BT_ERR_SYS);
	assert_null(s2);
	join(path, sizeof(path), dir2, "q/big");
	assert_non_null(strstr(err, "cannot extend "));
	assert_non_null(strstr(err, path));
}

/* Two storages at once (no shared state), and a zero-length torrent. */
static void
test_two_storages(void **state)
{
	static const struct tfile files[] = { { "x", 33 } };
	struct fixture	*f = *state;
	struct storage	*s2;
	char		 dir2[PATH_MAX], err[256];
	uint8_t		 buf[33];

	fixture_layout(f, files, 1, 16, 19);
	open_ok(f);
	join(dir2, sizeof(dir2), f->tmp, "dl2");
	assert_int_equal(storage_open(f->m, dir2, &s2, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(storage_write(f->s, 2, 0, f->content + 32, 1),
	    BT_OK);
	assert_int_equal(storage_read(s2, 2, 0, buf, 1), BT_OK);
	assert_int_equal(buf[0], 0);
	assert_int_equal(storage_write(s2, 2, 0, "x", 2), BT_ERR_RANGE);
	assert_string_equal(storage_error(f->s), "");
	assert_non_null(strstr(storage_error(s2), "outside piece 2"));
	storage_close(s2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_spans_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_spans_naive, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_select, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_parts_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_want_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_skip_keeps_data, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_parts_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_creates_files, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_random_order_round_trip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_direct_writes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_verify_good_and_bad, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_verify_big_piece, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_check_buffer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_range_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_truncated_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_symlink_final_component,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_directory, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_not_regular_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_name_too_long, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_layouts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dir_is_a_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_fd_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_stat_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_read_only, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_read_only_seed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_pads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_error_names_path,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_storages, setup,
		    teardown),
	};

	return cmocka_run_group_tests_name("storage", tests, NULL, NULL);
}
