/* Unit tests for src/engine/resume: the on-disk format, save/load round
 * trips, atomic replacement (no temporary file left, the old record kept
 * when a write fails), strict parsing of corrupt records, resume_matches and
 * the XDG path.  Each test runs in its own mkdtemp directory. */
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
#include <unistd.h>

#include "engine/metainfo.h"
#include "engine/resume.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define HASH20	"AAAAAAAAAAAAAAAAAAAA"
#define HEX40	"4141414141414141414141414141414141414141"

struct fixture {
	char			tmp[64];	/* mkdtemp result */
	char			path[128];	/* tmp/<hex>.resume */
	struct sandbox_privs	privs;		/* the read-only test's */
};

/* A valid record: 9 pieces (0..7 and 8 set), three files. */
static const uint8_t		good_bits[] = { 0xff, 0x80 };
static const struct resume_file	good_files[] = {
	{ 10, 5, 0 },
	{ 0, -1, 999999999 },
	{ INT64_MAX, INT64_MIN, 1 },
};

static void
good_record(struct resume_record *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->info_hash, HASH20, RESUME_HASH_LEN);
	r->num_pieces = 9;
	r->bitfield = good_bits;
	r->bitfield_len = sizeof(good_bits);
	r->files = good_files;
	r->nfiles = sizeof(good_files) / sizeof(good_files[0]);
}

static void
assert_record_equal(const struct resume_record *a,
    const struct resume_record *b)
{
	size_t	i;

	assert_memory_equal(a->info_hash, b->info_hash, RESUME_HASH_LEN);
	assert_int_equal(a->num_pieces, b->num_pieces);
	assert_int_equal(a->bitfield_len, b->bitfield_len);
	assert_memory_equal(a->bitfield, b->bitfield, a->bitfield_len);
	assert_int_equal(a->nfiles, b->nfiles);
	for (i = 0; i < a->nfiles; i++) {
		assert_true(a->files[i].size == b->files[i].size);
		assert_true(a->files[i].mtime_s == b->files[i].mtime_s);
		assert_true(a->files[i].mtime_ns == b->files[i].mtime_ns);
	}
}

static void
assert_record_empty(const struct resume_record *r)
{
	static const struct resume_record	zero;

	assert_memory_equal(r, &zero, sizeof(zero));
}

static int
setup(void **state)
{
	struct fixture	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (sandbox_create(f->tmp, sizeof(f->tmp), "test_resume") == -1) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/" HEX40 ".resume", f->tmp);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	sandbox_regain_root(&f->privs);
	sandbox_remove(f->tmp);
	free(f);
	return 0;
}

/* Entries in dir other than "." and "..". */
static int
count_entries(const char *dir)
{
	struct dirent	*e;
	DIR		*d;
	int		 n = 0;

	assert_non_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	}
	closedir(d);
	return n;
}

static void
write_file(const char *path, const void *p, size_t n)
{
	FILE	*fp;

	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void
test_encode_golden(void **state)
{
	static const char	want[] =
	    "d5:fileslli10ei5ei0eeli0ei-1ei999999999e"
	    "eli9223372036854775807ei-9223372036854775808ei1eee"
	    "9:info hash20:" HASH20 "10:num piecesi9e6:pieces2:\xff\x80"
	    "7:versioni1ee";
	struct resume_record	r;
	struct bbuf		b;

	(void)state;
	good_record(&r);
	bbuf_init(&b, 4096);
	assert_int_equal(resume_encode(&r, &b), BT_OK);
	assert_int_equal(bbuf_len(&b), sizeof(want) - 1);
	assert_memory_equal(bbuf_ptr(&b), want, sizeof(want) - 1);
	bbuf_cleanup(&b);
}

static void
test_round_trip(void **state)
{
	struct fixture		*f = *state;
	struct resume_record	 r, back;
	struct stat		 st;
	char			 err[256];

	good_record(&r);
	assert_int_equal(resume_save(f->path, &r), BT_OK);
	assert_int_equal(resume_load(f->path, &back, err, sizeof(err)), BT_OK);
	assert_string_equal(err, "");
	assert_record_equal(&r, &back);
	resume_record_cleanup(&back);
	assert_record_empty(&back);
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_entries(f->tmp), 1);
}

/* A big record with random content survives a save and load. */
static void
test_round_trip_random(void **state)
{
	struct fixture		*f = *state;
	struct resume_record	 r, back;
	struct resume_file	*files;
	uint8_t			*bits;
	unsigned		 seed = 20240607;
	size_t			 i;

	printf("seed %u\n", seed);
	srand(seed);
	good_record(&r);
	r.num_pieces = 100003;
	r.bitfield_len = (r.num_pieces + 7) / 8;
	r.nfiles = 5000;
	assert_non_null(bits = malloc(r.bitfield_len));
	assert_non_null(files = calloc(r.nfiles, sizeof(*files)));
	for (i = 0; i < r.bitfield_len; i++)
		bits[i] = (uint8_t)rand();
	bits[r.bitfield_len - 1] &= 0xe0;	/* 3 bits used, 5 spare */
	for (i = 0; i < r.nfiles; i++) {
		files[i].size = (uint64_t)rand() * (uint64_t)rand();
		files[i].mtime_s = (int64_t)rand() - RAND_MAX / 2;
		files[i].mtime_ns = rand() % 1000000000;
	}
	r.bitfield = bits;
	r.files = files;
	assert_int_equal(resume_save(f->path, &r), BT_OK);
	assert_int_equal(resume_load(f->path, &back, NULL, 0), BT_OK);
	assert_record_equal(&r, &back);
	resume_record_cleanup(&back);
	free(bits);
	free(files);
}

static void
test_save_replaces(void **state)
{
	struct fixture		*f = *state;
	struct resume_record	 r, back;
	static const uint8_t	 none[] = { 0x00, 0x00 };

	good_record(&r);
	assert_int_equal(resume_save(f->path, &r), BT_OK);
	r.bitfield = none;
	r.nfiles = 1;
	assert_int_equal(resume_save(f->path, &r), BT_OK);
	assert_int_equal(resume_load(f->path, &back, NULL, 0), BT_OK);
	assert_record_equal(&r, &back);
	resume_record_cleanup(&back);
	assert_int_equal(count_entries(f->tmp), 1);
}

static void
test_save_missing_dir(void **state)
{
	struct fixture		*f = *state;
	struct resume_record	 r;
	char			 path[192];

	good_record(&r);
	snprintf(path, sizeof(path), "%s/nope/x.resume", f->tmp);
	errno = 0;
	assert_int_equal(resume_save(path, &r), BT_ERR_SYS);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(count_entries(f->tmp), 0);
}

/* A write that fails half-way (the file size limit, which binds root too)
 * leaves the old record as it was and no temporary file. */
static void
test_save_write_fails_keeps_old(void **state)
{
	struct fixture		*f = *state;
	struct resume_record	 r, back;
	struct resume_file	*files;
	struct rlimit		 old, low;
	void			(*oldsig)(int);
	int			 e, saved;

	good_record(&r);
	assert_int_equal(resume_save(f->path, &r), BT_OK);
	assert_non_null(files = calloc(2000, sizeof(*files)));
	r.files = files;
	r.nfiles = 2000;			/* > 4096 bytes encoded */
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	low = old;
	low.rlim_cur = 4096;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &low), 0);
	e = resume_save(f->path, &r);
	saved = errno;
	setrlimit(RLIMIT_FSIZE, &old);
	signal(SIGXFSZ, oldsig);
	free(files);
	assert_int_equal(e, BT_ERR_SYS);
	assert_int_equal(saved, EFBIG);
	assert_int_equal(count_entries(f->tmp), 1);
	good_record(&r);
	assert_int_equal(resume_load(f->path, &back, NULL, 0), BT_OK);
	assert_record_equal(&r, &back);
	resume_record_cleanup(&back);
}

static void
test_save_readonly_dir(void **state)
{
	struct fixture		*f = *state;
	struct resume_record	 r, back;
	static const uint8_t	 none[] = { 0x00, 0x00 };

	/* Root writes into a 0500 directory anyway: act as nobody. */
	assert_int_equal(sandbox_drop_root(f->tmp, &f->privs), 0);
	good_record(&r);
	assert_int_equal(resume_save(f->path, &r), BT_OK);
	assert_int_equal(chmod(f->tmp, 0500), 0);
	r.bitfield = none;
	errno = 0;
	assert_int_equal(resume_save(f->path, &r), BT_ERR_SYS);
	assert_int_equal(errno, EACCES);
	assert_int_equal(chmod(f->tmp, 0700), 0);
	assert_int_equal(count_entries(f->tmp), 1);
	good_record(&r);
	assert_int_equal(resume_load(f->path, &back, NULL, 0), BT_OK);
	assert_record_equal(&r, &back);
	resume_record_cleanup(&back);
	sandbox_regain_root(&f->privs);
}

static void
test_save_invalid(void **state)
{
	static const uint8_t		spare[] = { 0xff, 0x81 };
	static const uint8_t		three[] = { 0xff, 0x80, 0x00 };
	static const struct resume_file	big[] = { { 1ull << 63, 0, 0 } };
	static const struct resume_file	ns_hi[] = { { 1, 0, 1000000000 } };
	static const struct resume_file	ns_neg[] = { { 1, 0, -1 } };
	static const char		*names[] = { "0 pieces", "NULL bits",
	    "3 bytes for 9 pieces", "spare bit", "0 files", "NULL files",
	    "size over INT64_MAX", "ns 1e9", "ns -1" };
	struct fixture		*f = *state;
	struct resume_record	 r;
	struct bbuf		 b;
	size_t			 i;

	bbuf_init(&b, 4096);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		good_record(&r);
		switch (i) {
		case 0: r.num_pieces = 0; break;
		case 1: r.bitfield = NULL; break;
		case 2: r.bitfield = three; r.bitfield_len = 3; break;
		case 3: r.bitfield = spare; break;
		case 4: r.nfiles = 0; break;
		case 5: r.files = NULL; break;
		case 6: r.files = big; r.nfiles = 1; break;
		case 7: r.files = ns_hi; r.nfiles = 1; break;
		default: r.files = ns_neg; r.nfiles = 1; break;
		}
		if (resume_save(f->path, &r) != BT_ERR_INVALID)
			fail_msg("save %s: not refused", names[i]);
		if (resume_encode(&r, &b) != BT_ERR_INVALID)
			fail_msg("encode %s: not refused", names[i]);
	}
	assert_int_equal(bbuf_len(&b), 0);
	assert_int_equal(count_entries(f->tmp), 0);
	bbuf_cleanup(&b);
}

static void
test_load_errors(void **state)
{
	struct fixture		*f = *state;
	struct resume_record	 r;
	char			 err[256], path[192];
	int			 fd;

	assert_int_equal(resume_load(f->path, &r, err, sizeof(err)),
	    BT_ERR_NOTFOUND);
	assert_non_null(strstr(err, f->path));
	assert_record_empty(&r);
	/* A directory in its place. */
	assert_int_equal(mkdir(f->path, 0700), 0);
	assert_int_equal(resume_load(f->path, &r, err, sizeof(err)),
	    BT_ERR_FORMAT);
	assert_non_null(strstr(err, "not a regular file"));
	/* One byte over the size limit (a sparse file). */
	snprintf(path, sizeof(path), "%s/big.resume", f->tmp);
	assert_true((fd = open(path, O_WRONLY | O_CREAT, 0600)) != -1);
	assert_int_equal(ftruncate(fd, (off_t)RESUME_MAX_BYTES + 1), 0);
	close(fd);
	assert_int_equal(resume_load(path, &r, err, sizeof(err)),
	    BT_ERR_FORMAT);
	assert_non_null(strstr(err, "limit"));
	assert_record_empty(&r);
	/* Garbage names the file and the byte. */
	write_file(path, "d7:versioni01ee", 15);
	assert_int_equal(resume_load(path, &r, err, sizeof(err)),
	    BT_ERR_FORMAT);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "byte"));
	/* A NULL errbuf is fine. */
	assert_int_equal(resume_load(path, &r, NULL, 0), BT_ERR_FORMAT);
}

#define FILES1	"5:fileslli10ei5ei0eee"
#define HASH1	"9:info hash20:" HASH20
#define NP9	"10:num piecesi9e"
#define BITS9	"6:pieces2:\xff\x80"
#define VER1	"7:versioni1e"

static void
test_parse_table(void **state)
{
	static const struct {
		const char	*name, *in;
		int		 want;
		const char	*why;	/* in the error message */
	} cases[] = {
		{ "valid", "d" FILES1 HASH1 NP9 BITS9 VER1 "e", BT_OK, "" },
		{ "valid, 8 pieces", "d" FILES1 HASH1 "10:num piecesi8e"
		    "6:pieces1:\xff" VER1 "e", BT_OK, "" },
		{ "empty", "", BT_ERR_FORMAT, "byte 0" },
		{ "not bencode", "hello", BT_ERR_FORMAT, "byte 0" },
		{ "not a dict", "li1ee", BT_ERR_FORMAT, "not a dictionary" },
		{ "trailing", "d" FILES1 HASH1 NP9 BITS9 VER1 "ex",
		    BT_ERR_FORMAT, "trailing" },
		{ "version 2", "d" FILES1 HASH1 NP9 BITS9 "7:versioni2ee",
		    BT_ERR_FORMAT, "version 2, want 1" },
		{ "version 0", "d" FILES1 HASH1 NP9 BITS9 "7:versioni0ee",
		    BT_ERR_FORMAT, "version 0, want 1" },
		{ "no version", "d" FILES1 HASH1 NP9 BITS9 "e", BT_ERR_FORMAT,
		    "\"version\" is missing" },
		{ "version string", "d" FILES1 HASH1 NP9 BITS9 "7:version1:1e",
		    BT_ERR_FORMAT, "\"version\" is missing or not an integer" },
		{ "no hash", "d" FILES1 NP9 BITS9 VER1 "e", BT_ERR_FORMAT,
		    "\"info hash\" is missing" },
		{ "hash 19 bytes", "d" FILES1
		    "9:info hash19:AAAAAAAAAAAAAAAAAAA" NP9 BITS9 VER1 "e",
		    BT_ERR_FORMAT, "is 19 bytes, want 20" },
		{ "hash 21 bytes", "d" FILES1 "9:info hash21:" HASH20 "A"
		    NP9 BITS9 VER1 "e", BT_ERR_FORMAT, "is 21 bytes, want 20" },
		{ "no piece count", "d" FILES1 HASH1 BITS9 VER1 "e",
		    BT_ERR_FORMAT, "\"num pieces\" is missing" },
		{ "0 pieces", "d" FILES1 HASH1 "10:num piecesi0e6:pieces0:"
		    VER1 "e", BT_ERR_FORMAT, "piece count 0 out of range" },
		{ "negative pieces", "d" FILES1 HASH1 "10:num piecesi-9e"
		    BITS9 VER1 "e", BT_ERR_FORMAT, "piece count -9 out" },
		{ "2^32 pieces", "d" FILES1 HASH1 "10:num piecesi4294967296e"
		    BITS9 VER1 "e", BT_ERR_FORMAT, "piece count 4294967296" },
		{ "bitfield short", "d" FILES1 HASH1 "10:num piecesi17e"
		    BITS9 VER1 "e", BT_ERR_FORMAT, "2 bytes, want 3 for 17" },
		{ "bitfield long", "d" FILES1 HASH1 "10:num piecesi8e"
		    BITS9 VER1 "e", BT_ERR_FORMAT, "2 bytes, want 1 for 8" },
		{ "spare bit set", "d" FILES1 HASH1 NP9 "6:pieces2:\xff\x81"
		    VER1 "e", BT_ERR_FORMAT, "spare bits" },
		{ "last spare bit", "d" FILES1 HASH1 NP9 "6:pieces2:\xff\x40"
		    VER1 "e", BT_ERR_FORMAT, "spare bits" },
		{ "pieces a list", "d" FILES1 HASH1 NP9 "6:piecesle" VER1 "e",
		    BT_ERR_FORMAT, "\"pieces\" is missing or not a string" },
		{ "no files", "d" HASH1 NP9 BITS9 VER1 "e", BT_ERR_FORMAT,
		    "\"files\" is missing" },
		{ "0 files", "d5:filesle" HASH1 NP9 BITS9 VER1 "e",
		    BT_ERR_FORMAT, "0 files" },
		{ "file not a list", "d5:filesli10ee" HASH1 NP9 BITS9 VER1 "e",
		    BT_ERR_FORMAT, "file 0: want a list of 3" },
		{ "file of 2", "d5:fileslli10ei5eee" HASH1 NP9 BITS9 VER1 "e",
		    BT_ERR_FORMAT, "file 0: want a list of 3" },
		{ "file of 4", "d5:fileslli10ei5ei0ei0eee" HASH1 NP9 BITS9 VER1
		    "e", BT_ERR_FORMAT, "file 0: want a list of 3" },
		{ "file string", "d5:fileslli10e1:5i0eee" HASH1 NP9 BITS9 VER1
		    "e", BT_ERR_FORMAT, "file 0: item 1 is not an integer" },
		{ "second file bad", "d5:fileslli1ei1ei1eeli1ei1eee" HASH1 NP9
		    BITS9 VER1 "e", BT_ERR_FORMAT, "file 1: want a list" },
		{ "negative size", "d5:fileslli-1ei5ei0eee" HASH1 NP9 BITS9 VER1
		    "e", BT_ERR_FORMAT, "file 0: size -1 is negative" },
		{ "ns 1e9", "d5:fileslli1ei5ei1000000000eee" HASH1 NP9 BITS9
		    VER1 "e", BT_ERR_FORMAT, "nanoseconds 1000000000 out" },
		{ "ns -1", "d5:fileslli1ei5ei-1eee" HASH1 NP9 BITS9 VER1 "e",
		    BT_ERR_FORMAT, "nanoseconds -1 out" },
		{ "size overflows", "d5:fileslli9223372036854775808ei5ei0eee"
		    HASH1 NP9 BITS9 VER1 "e", BT_ERR_FORMAT, "overflows" },
		{ "extra key", "d" FILES1 HASH1 NP9 BITS9 "1:xi0e" VER1 "e",
		    BT_ERR_FORMAT, "6 keys, want 5" },
		{ "duplicate key", "d" FILES1 FILES1 HASH1 NP9 BITS9 VER1 "e",
		    BT_ERR_FORMAT, "duplicate" },
		{ "deep nesting", "d5:filesllllllllllllllllllllllllllllllllll"
		    "llllllllllllllllllllllllllllllllllllllllllllllllllllll"
		    "llllllllllllllllllllllllllllllllllllllllllllllllllllll",
		    BT_ERR_FORMAT, "byte" },
	};
	struct resume_record	r;
	char			err[256];
	size_t			i;
	int			e;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e = resume_parse(cases[i].in, strlen(cases[i].in), &r, err,
		    sizeof(err));
		if (e != cases[i].want)
			fail_msg("%s: got %d, want %d (%s)", cases[i].name, e,
			    cases[i].want, err);
		if (strstr(err, cases[i].why) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"",
			    cases[i].name, err, cases[i].why);
		if (e == BT_OK) {
			assert_string_equal(err, "");
			assert_memory_equal(r.info_hash, HASH20, 20);
			resume_record_cleanup(&r);
		} else {
			if (err[0] == '\0')
				fail_msg("%s: no error message", cases[i].name);
			assert_record_empty(&r);
		}
	}
}

/* Every proper prefix of a valid record is refused; every one-byte change
 * is either refused or parses into a valid record. */
static void
test_truncated_and_mutated(void **state)
{
	static const uint8_t	subst[] = { 0x00, '0', '9', '-', ':', 'e',
				    'i', 'l', 'd', 0xff };
	struct resume_record	r, out;
	struct bbuf		b;
	uint8_t			buf[512];
	size_t			n, i, k;
	int			e;

	(void)state;
	good_record(&r);
	bbuf_init(&b, sizeof(buf));
	assert_int_equal(resume_encode(&r, &b), BT_OK);
	n = bbuf_len(&b);
	memcpy(buf, bbuf_ptr(&b), n);
	bbuf_cleanup(&b);
	for (i = 0; i < n; i++) {
		if ((e = resume_parse(buf, i, &out, NULL, 0)) != BT_ERR_FORMAT)
			fail_msg("cut at %zu: got %d", i, e);
		assert_record_empty(&out);
	}
	for (i = 0; i < n; i++) {
		for (k = 0; k < sizeof(subst); k++) {
			uint8_t	keep = buf[i];

			buf[i] = subst[k];
			e = resume_parse(buf, n, &out, NULL, 0);
			buf[i] = keep;
			if (e != BT_OK && e != BT_ERR_FORMAT)
				fail_msg("byte %zu = %u: got %d", i, subst[k],
				    e);
			if (e == BT_OK) {
				assert_true(out.num_pieces > 0);
				assert_int_equal(out.bitfield_len,
				    (out.num_pieces + 7) / 8);
			}
			resume_record_cleanup(&out);
		}
	}
}

static void
test_matches_table(void **state)
{
	static const struct {
		const char	*name;
		int		 field;	/* what differs */
		int		 want;
	} cases[] = {
		{ "identical", 0, 1 }, { "hash", 1, 0 },
		{ "piece count", 2, 0 },
		{ "fewer files", 3, 0 }, { "more files", 4, 0 },
		{ "size", 5, 0 }, { "mtime seconds", 6, 0 },
		{ "mtime nanoseconds", 7, 0 }, { "last file only", 8, 0 },
	};
	struct resume_record	r;
	struct resume_file	cur[4];
	uint8_t			hash[RESUME_HASH_LEN];
	uint32_t		np;
	size_t			i, n;
	int			got;

	(void)state;
	good_record(&r);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(hash, HASH20, RESUME_HASH_LEN);
		np = 9;
		n = 3;
		memcpy(cur, good_files, sizeof(good_files));
		cur[3] = good_files[0];
		switch (cases[i].field) {
		case 1: hash[19] ^= 1; break;
		case 2: np = 10; break;
		case 3: n = 2; break;
		case 4: n = 4; break;
		case 5: cur[0].size++; break;
		case 6: cur[1].mtime_s++; break;
		case 7: cur[1].mtime_ns--; break;
		case 8: cur[2].mtime_ns = 0; break;
		}
		if ((got = resume_matches(&r, hash, np, cur, n)) !=
		    cases[i].want)
			fail_msg("%s: got %d, want %d", cases[i].name, got,
			    cases[i].want);
	}
}

/*
 * The start rule, on a 4-piece torrent of 16-byte pieces: f0 (20 bytes,
 * pieces 0-1), a pad file (12 bytes, piece 1, never on disk), f2 (32
 * bytes, pieces 2-3).  Bits are the one byte of a 4-piece bitfield.
 */
#define M	RESUME_SIZE_MISSING
static void
test_plan_start(void **state)
{
	static const struct {
		const char	*name;
		int		 verify, had_data, clean;
		int		 rec, jnl;	/* -1: none */
		uint64_t	 sizes[3];
		int		 mode;
		uint8_t		 have, recheck;
		uint32_t	 from_rec, from_jnl;
		uint8_t		 written;	/* the journal's written bits */
		uint32_t	 unflushed;
	} cases[] = {
		{ "clean record", 0, 1, 1, 0xc0, -1, { 20, M, 32 },
		  RESUME_START_CLEAN, 0xc0, 0x00, 2, 0, 0, 0 },
		{ "clean record ignores sizes", 0, 1, 1, 0xc0, -1,
		  { 20, M, 1 }, RESUME_START_CLEAN, 0xc0, 0x00, 2, 0, 0, 0 },
		{ "journal only", 0, 1, 0, -1, 0x30, { 20, M, 32 },
		  RESUME_START_CRASH, 0x30, 0x00, 0, 2, 0, 0 },
		{ "record and journal", 0, 1, 0, 0x80, 0x90, { 20, M, 32 },
		  RESUME_START_CRASH, 0x90, 0x00, 1, 1, 0, 0 },
		{ "neither: missing, not hashed", 0, 1, 0, 0x80, -1,
		  { 20, M, 32 }, RESUME_START_CRASH, 0x80, 0x00, 1, 0, 0, 0 },
		{ "truncated file", 0, 1, 0, 0xf0, -1, { 20, M, 31 },
		  RESUME_START_CRASH, 0xc0, 0x30, 2, 0, 0, 0 },
		{ "missing file", 0, 1, 0, -1, 0xf0, { M, M, 32 },
		  RESUME_START_CRASH, 0x30, 0xc0, 0, 2, 0, 0 },
		{ "longer file is fine", 0, 1, 0, -1, 0xf0, { 99, 0, 40 },
		  RESUME_START_CRASH, 0xf0, 0x00, 0, 4, 0, 0 },
		{ "verify", 1, 1, 1, 0xf0, 0xf0, { 20, M, 32 },
		  RESUME_START_FULL, 0x00, 0xf0, 0, 0, 0, 0 },
		{ "verify, nothing on disk", 1, 0, 0, -1, -1, { M, M, M },
		  RESUME_START_FULL, 0x00, 0xf0, 0, 0, 0, 0 },
		{ "data, no record, no journal", 0, 1, 0, -1, -1,
		  { 20, M, 32 }, RESUME_START_FULL, 0x00, 0xf0, 0, 0, 0, 0 },
		{ "nothing at all", 0, 0, 0, -1, -1, { M, M, M },
		  RESUME_START_EMPTY, 0x00, 0x00, 0, 0, 0, 0 },
		{ "written, not flushed: re-checked", 0, 1, 0, -1, 0x80,
		  { 20, M, 32 }, RESUME_START_CRASH, 0x80, 0x70, 0, 1, 0x70,
		  3 },
		{ "written in a short file: missing", 0, 1, 0, -1, 0x00,
		  { 20, M, 31 }, RESUME_START_CRASH, 0x00, 0xc0, 0, 0, 0xf0,
		  2 },
		{ "written and flushed: had", 0, 1, 0, 0x40, 0x80,
		  { 20, M, 32 }, RESUME_START_CRASH, 0xc0, 0x00, 1, 1, 0xc0,
		  0 },
		{ "clean record ignores written", 0, 1, 1, 0xc0, -1,
		  { 20, M, 32 }, RESUME_START_CLEAN, 0xc0, 0x00, 2, 0, 0x30,
		  0 },
		{ "verify ignores written", 1, 1, 0, -1, 0x00, { 20, M, 32 },
		  RESUME_START_FULL, 0x00, 0xf0, 0, 0, 0x30, 0 },
	};
	struct metainfo_file	files[3];
	struct metainfo		m;
	size_t			i;

	(void)state;
	memset(&m, 0, sizeof(m));
	memset(files, 0, sizeof(files));
	files[0].length = 20;
	files[1].offset = 20;
	files[1].length = 12;
	files[1].attr = METAINFO_ATTR_PAD;
	files[2].offset = 32;
	files[2].length = 32;
	m.files = files;
	m.nfiles = 3;
	m.npads = 1;
	m.piece_length = 16;
	m.num_pieces = 4;
	m.total_length = 64;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct resume_start_in	in;
		struct resume_start_out	out;
		uint8_t			rec = (uint8_t)cases[i].rec;
		uint8_t			jnl = (uint8_t)cases[i].jnl;
		uint8_t			have = 0xff, recheck = 0xff;

		memset(&in, 0, sizeof(in));
		in.verify = cases[i].verify;
		in.had_data = cases[i].had_data;
		in.record_clean = cases[i].clean;
		in.record_bits = cases[i].rec >= 0 ? &rec : NULL;
		in.journal_bits = cases[i].jnl >= 0 ? &jnl : NULL;
		in.written_bits = &cases[i].written;
		in.sizes = cases[i].sizes;
		memset(&out, 0, sizeof(out));
		out.have = &have;
		out.recheck = &recheck;
		resume_plan_start(&m, &in, &out);
		if ((int)out.mode != cases[i].mode ||
		    have != cases[i].have || recheck != cases[i].recheck ||
		    out.from_record != cases[i].from_rec ||
		    out.from_journal != cases[i].from_jnl ||
		    out.rechecked != (uint32_t)__builtin_popcount(recheck) ||
		    (out.mode == RESUME_START_CRASH &&
		    out.unflushed != cases[i].unflushed))
			fail_msg("%s: mode %d have %02x recheck %02x rec %u "
			    "jnl %u rechecked %u unflushed %u", cases[i].name,
			    out.mode, have, recheck, out.from_record,
			    out.from_journal, out.rechecked, out.unflushed);
	}
}
#undef M

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_encode_golden),
		cmocka_unit_test(test_plan_start),
		cmocka_unit_test_setup_teardown(test_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_round_trip_random, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_save_replaces, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_save_missing_dir, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_save_write_fails_keeps_old,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_save_readonly_dir, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_save_invalid, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_load_errors, setup,
		    teardown),
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_truncated_and_mutated),
		cmocka_unit_test(test_matches_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
