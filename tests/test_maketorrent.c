/* Unit tests for src/engine/maketorrent: build torrents from temp trees,
 * read them back with metainfo_parse and check names, file order, sizes,
 * piece hashes (recomputed here with sha1_digest), trackers, flags, the
 * automatic piece size and every error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/bencode.h"
#include "engine/maketorrent.h"
#include "engine/metainfo.h"
#include "engine/sha1.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

struct fixture {
	char			dir[64];	/* the mkdtemp sandbox */
	struct sandbox_privs	privs;		/* test_unreadable's */
};

static int
setup(void **state)
{
	struct fixture	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	if (sandbox_create(f->dir, sizeof(f->dir), "test_maketorrent") == -1) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	sandbox_regain_root(&f->privs);
	sandbox_remove(f->dir);
	free(f);
	return 0;
}

/* Deterministic bytes: file `seed' byte i. */
static uint8_t
byte_at(unsigned seed, size_t i)
{
	uint32_t	x = (uint32_t)(i * 2654435761u) ^ (seed * 40503u);

	x ^= x >> 13;
	x *= 0x5bd1e995u;
	return (uint8_t)(x ^ (x >> 15));
}

static void
mkdirs(const char *path)
{
	char	buf[PATH_MAX];
	char	*p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) == -1 && errno != EEXIST)
			fail_msg("mkdir %s: %s", buf, strerror(errno));
		*p = '/';
	}
}

/* Writes dir/rel with `size' bytes of seed's pattern; returns the path in
 * a static buffer. */
static const char *
make_file(const char *dir, const char *rel, size_t size, unsigned seed)
{
	static char	 path[PATH_MAX];
	uint8_t		*buf;
	size_t		 i;
	FILE		*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	mkdirs(path);
	assert_non_null(fp = fopen(path, "wb"));
	assert_non_null(buf = malloc(size + 1));
	for (i = 0; i < size; i++)
		buf[i] = byte_at(seed, i);
	assert_int_equal(fwrite(buf, 1, size, fp), size);
	assert_int_equal(fclose(fp), 0);
	free(buf);
	return path;
}

static void
opts_init(struct maketorrent_opts *o, const char *path)
{
	static const char *const	one[] = { "http://127.0.0.1:6969/a" };

	memset(o, 0, sizeof(*o));
	o->path = path;
	o->announce = one;
	o->nannounce = 1;
	o->created_by = "test";
	o->creation_date = 1700000000;
}

/* Builds and parses back; fails the test on any error. */
static struct metainfo *
build_ok(const struct maketorrent_opts *o, struct bbuf *out)
{
	struct metainfo	*m;
	char		 err[512];
	int		 r;

	bbuf_init(out, BENCODE_MAX_INPUT);
	if ((r = maketorrent_build(o, out, err, sizeof(err))) != BT_OK)
		fail_msg("build %s: %d: %s", o->path, r, err);
	assert_string_equal(err, "");
	if ((r = metainfo_parse(bbuf_ptr(out), bbuf_len(out), &m, err,
	    sizeof(err))) != BT_OK)
		fail_msg("parse: %d: %s", r, err);
	return m;
}

/* Every piece hash against sha1_digest over the expected stream. */
static void
check_pieces(const struct metainfo *m, const uint8_t *stream)
{
	uint8_t		d[SHA1_LEN];
	uint32_t	i;

	for (i = 0; i < m->num_pieces; i++) {
		sha1_digest(stream + (size_t)i * m->piece_length,
		    metainfo_piece_size(m, i), d);
		if (memcmp(d, m->piece_hashes + (size_t)i * SHA1_LEN,
		    SHA1_LEN) != 0)
			fail_msg("piece %u of %u differs", i, m->num_pieces);
	}
}

static void
test_single_file(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	struct metainfo		*m;
	struct bbuf		 out;
	uint8_t			*want, d[SHA1_LEN];
	char			 path[PATH_MAX];
	size_t			 i, size = 100000;	/* 6 x 16K + 1696 */

	snprintf(path, sizeof(path), "%s", make_file(f->dir, "one.bin", size,
	    1));
	opts_init(&o, path);
	m = build_ok(&o, &out);
	assert_string_equal(m->name, "one.bin");
	assert_int_equal(m->multi_file, 0);
	assert_int_equal(m->nfiles, 1);
	assert_string_equal(m->files[0].path, "one.bin");
	assert_int_equal(m->total_length, size);
	assert_int_equal(m->piece_length, 16384);
	assert_int_equal(m->num_pieces, 7);
	assert_int_equal(metainfo_piece_size(m, 6), size - 6 * 16384);
	assert_int_equal(m->private_flag, 0);
	assert_string_equal(m->created_by, "test");
	assert_int_equal(m->creation_date, 1700000000);
	assert_null(m->comment);
	assert_non_null(want = malloc(size));
	for (i = 0; i < size; i++)
		want[i] = byte_at(1, i);
	/* Piece 0 by hand, then all of them. */
	sha1_digest(want, 16384, d);
	assert_memory_equal(d, m->piece_hashes, SHA1_LEN);
	check_pieces(m, want);
	free(want);
	metainfo_free(m);
	bbuf_cleanup(&out);
}

static const struct {
	const char	*rel;
	size_t		 size;
} tree[] = {
	/* in the order the torrent must list them */
	{ ".hidden", 5 },
	{ "a-b.bin", 20000 },	/* '-' < '/' */
	{ "a/empty", 0 },
	{ "a/sub/deep.bin", 33000 },
	{ "a/z.bin", 1 },
	{ "b.bin", 40000 },
	{ "b.bin2", 7 },
	{ "\xc3\xa9t\xc3\xa9 file.txt", 16384 },
};
#define NTREE	(sizeof(tree) / sizeof(tree[0]))

/* Creates the tree under dir/top in an order unlike the sorted one. */
static void
make_tree(const char *dir, char *top, size_t toplen)
{
	size_t	i;

	snprintf(top, toplen, "%s/top", dir);
	for (i = NTREE; i > 0; i--) {
		char	rel[256];

		snprintf(rel, sizeof(rel), "top/%s", tree[i - 1].rel);
		make_file(dir, rel, tree[i - 1].size, (unsigned)i);
	}
}

static void
test_multi_file(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	struct metainfo		*m;
	struct bbuf		 out;
	uint8_t			*stream;
	char			 top[256], want[300];
	size_t			 i, j, total = 0, w = 0;

	make_tree(f->dir, top, sizeof(top));
	for (i = 0; i < NTREE; i++)
		total += tree[i].size;
	opts_init(&o, top);
	o.piece_size = 32768;
	m = build_ok(&o, &out);
	assert_string_equal(m->name, "top");
	assert_int_equal(m->multi_file, 1);
	assert_int_equal(m->nfiles, NTREE);
	assert_int_equal(m->total_length, total);
	assert_int_equal(m->piece_length, 32768);
	assert_int_equal(m->num_pieces, (total + 32767) / 32768);
	assert_non_null(stream = malloc(total));
	for (i = 0; i < NTREE; i++) {
		snprintf(want, sizeof(want), "top/%s", tree[i].rel);
		if (strcmp(m->files[i].path, want) != 0)
			fail_msg("file %zu: %s, want %s", i, m->files[i].path,
			    want);
		assert_int_equal(m->files[i].length, tree[i].size);
		assert_int_equal(m->files[i].offset, w);
		for (j = 0; j < tree[i].size; j++)
			stream[w++] = byte_at((unsigned)(i + 1), j);
	}
	check_pieces(m, stream);
	free(stream);
	metainfo_free(m);
	bbuf_cleanup(&out);
}

static void
test_name_from_dot(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	struct metainfo		*m;
	struct bbuf		 out;
	char			 top[256], cwd[PATH_MAX], slash[PATH_MAX];

	make_tree(f->dir, top, sizeof(top));
	/* A trailing slash and "." both name the directory itself. */
	snprintf(slash, sizeof(slash), "%s//", top);
	opts_init(&o, slash);
	m = build_ok(&o, &out);
	assert_string_equal(m->name, "top");
	metainfo_free(m);
	bbuf_cleanup(&out);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(top), 0);
	opts_init(&o, ".");
	m = build_ok(&o, &out);
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(m->name, "top");
	assert_int_equal(m->nfiles, NTREE);
	metainfo_free(m);
	bbuf_cleanup(&out);
}

static void
test_trackers_and_flags(void **state)
{
	static const char *const	 urls[] = {
		"http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969",
		"https://tracker.example/announce",
	};
	struct fixture			*f = *state;
	struct maketorrent_opts		 o;
	struct metainfo			*m;
	struct bencode			*root;
	struct bbuf			 out;
	const struct bencode		*al, *a;
	size_t				 i;

	opts_init(&o, make_file(f->dir, "x", 1000, 3));
	o.announce = urls;
	o.nannounce = 3;
	o.private_flag = 1;
	o.comment = "a comment";
	m = build_ok(&o, &out);
	assert_int_equal(m->private_flag, 1);
	assert_string_equal(m->comment, "a comment");
	assert_int_equal(m->ntiers, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(m->tiers[i].n, 1);
		assert_string_equal(m->tiers[i].urls[0], urls[i]);
	}
	assert_int_equal(bencode_decode(&out, &root, NULL), BT_OK);
	assert_non_null(a = bencode_dict_get_type(root, "announce",
	    BENCODE_STR));
	assert_string_equal(a->s, urls[0]);
	assert_non_null(al = bencode_dict_get_type(root, "announce-list",
	    BENCODE_LIST));
	assert_int_equal(al->n, 3);
	assert_int_equal(bencode_dict_get_type(bencode_dict_get(root, "info"),
	    "private", BENCODE_INT)->i, 1);
	bencode_free(root);
	metainfo_free(m);
	bbuf_cleanup(&out);
}

static void
test_one_tracker_no_extras(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	struct metainfo		*m;
	struct bencode		*root;
	struct bbuf		 out;

	opts_init(&o, make_file(f->dir, "y", 1000, 4));
	o.created_by = NULL;
	o.creation_date = 0;
	m = build_ok(&o, &out);
	assert_int_equal(m->ntiers, 1);
	assert_null(m->created_by);
	assert_int_equal(m->creation_date, 0);
	assert_int_equal(bencode_decode(&out, &root, NULL), BT_OK);
	/* One -a: "announce" only; no private key when not private. */
	assert_null(bencode_dict_get(root, "announce-list"));
	assert_null(bencode_dict_get(root, "created by"));
	assert_null(bencode_dict_get(root, "creation date"));
	assert_null(bencode_dict_get(root, "comment"));
	assert_null(bencode_dict_get(bencode_dict_get(root, "info"),
	    "private"));
	bencode_free(root);
	metainfo_free(m);
	bbuf_cleanup(&out);
}

static void
test_deterministic(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	struct metainfo		*m1, *m2;
	struct bbuf		 a, b;
	char			 top[256];

	make_tree(f->dir, top, sizeof(top));
	opts_init(&o, top);
	m1 = build_ok(&o, &a);
	m2 = build_ok(&o, &b);
	assert_int_equal(bbuf_len(&a), bbuf_len(&b));
	assert_memory_equal(bbuf_ptr(&a), bbuf_ptr(&b), bbuf_len(&a));
	assert_string_equal(m1->info_hash_hex, m2->info_hash_hex);
	metainfo_free(m1);
	metainfo_free(m2);
	bbuf_cleanup(&a);
	bbuf_cleanup(&b);
}

static void
test_auto_piece(void **state)
{
	static const struct {
		uint64_t	total;
		uint32_t	want;
	} rows[] = {
		{ 0, 16384 }, { 1, 16384 },
		{ 1500ull * 16384, 16384 },
		{ 1500ull * 16384 + 1, 32768 },
		{ 64ull << 20, 64 << 10 },
		{ 100ull << 20, 128 << 10 },
		{ 700ull << 20, 512 << 10 },
		{ 1ull << 30, 1 << 20 },
		{ 4ull << 30, 4 << 20 },
		{ 1500ull << 24, 16 << 20 },
		{ 100ull << 30, 16 << 20 },
		{ 1ull << 40, 16 << 20 },
		{ UINT64_MAX, 16 << 20 },
	};
	size_t	i;
	uint32_t got;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		got = maketorrent_auto_piece(rows[i].total);
		if (got != rows[i].want)
			fail_msg("total %llu: got %u, want %u",
			    (unsigned long long)rows[i].total, got,
			    rows[i].want);
	}
}

struct prog {
	uint64_t	last, total;
	int		calls, backwards;
};

static void
on_progress(void *arg, uint64_t done, uint64_t total)
{
	struct prog	*p = arg;

	if (done < p->last)
		p->backwards = 1;
	p->last = done;
	p->total = total;
	p->calls++;
}

static void
test_progress_big_file(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	struct metainfo		*m;
	struct bbuf		 out;
	struct prog		 p;
	uint8_t			*want;
	size_t			 i, size = 3 * 1024 * 1024 + 12345;

	memset(&p, 0, sizeof(p));
	opts_init(&o, make_file(f->dir, "big", size, 9));
	o.progress = on_progress;
	o.progress_arg = &p;
	m = build_ok(&o, &out);
	/* Reads of at most 1 MiB: at least 4 calls, ending at the total. */
	assert_true(p.calls >= 4);
	assert_int_equal(p.backwards, 0);
	assert_int_equal(p.last, size);
	assert_int_equal(p.total, size);
	assert_int_equal(m->piece_length, maketorrent_auto_piece(size));
	assert_non_null(want = malloc(size));
	for (i = 0; i < size; i++)
		want[i] = byte_at(9, i);
	check_pieces(m, want);
	free(want);
	metainfo_free(m);
	bbuf_cleanup(&out);
}

/* Runs a build that must fail with `want'; `out' must stay as it was and
 * the message must contain `needle'. */
static void
expect_fail(const struct maketorrent_opts *o, int want, const char *needle)
{
	struct bbuf	out;
	char		err[512];
	int		r;

	bbuf_init(&out, BENCODE_MAX_INPUT);
	assert_int_equal(bbuf_put_bytes(&out, "abc", 3), BT_OK);
	memset(err, 0, sizeof(err));
	r = maketorrent_build(o, &out, err, sizeof(err));
	if (r != want)
		fail_msg("%s: got %d (%s), want %d", o->path ? o->path : "-",
		    r, err, want);
	if (strstr(err, needle) == NULL)
		fail_msg("%s: message \"%s\" lacks \"%s\"", o->path, err,
		    needle);
	assert_int_equal(bbuf_len(&out), 3);
	bbuf_cleanup(&out);
}

static void
test_errors(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	char			 p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/missing", f->dir);
	opts_init(&o, p);
	expect_fail(&o, BT_ERR_SYS, "No such file or directory");
	opts_init(&o, "");
	expect_fail(&o, BT_ERR_INVALID, "no file or directory");

	snprintf(p, sizeof(p), "%s/empty", f->dir);
	assert_int_equal(mkdir(p, 0755), 0);
	opts_init(&o, p);
	expect_fail(&o, BT_ERR_INVALID, "holds no files");

	snprintf(p, sizeof(p), "%s/zeros", f->dir);
	make_file(f->dir, "zeros/a", 0, 1);
	make_file(f->dir, "zeros/d/b", 0, 1);
	opts_init(&o, p);
	expect_fail(&o, BT_ERR_INVALID, "all files are empty");
	opts_init(&o, make_file(f->dir, "zero-file", 0, 1));
	expect_fail(&o, BT_ERR_INVALID, "all files are empty");
}

static void
test_bad_piece_size(void **state)
{
	static const uint32_t	bad[] = {
		1000, 8192, 16385, 3u << 20, 512u << 20, 0x80000000u,
	};
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	size_t			 i;

	opts_init(&o, make_file(f->dir, "p", 100, 1));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.piece_size = bad[i];
		expect_fail(&o, BT_ERR_INVALID, "must be a power of two");
	}
	o.piece_size = 256u << 20;	/* the largest allowed */
	{
		struct bbuf	 out;
		struct metainfo	*m = build_ok(&o, &out);

		assert_int_equal(m->piece_length, 256u << 20);
		assert_int_equal(m->num_pieces, 1);
		metainfo_free(m);
		bbuf_cleanup(&out);
	}
}

static void
test_refused_entries(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	char			 top[256], p[PATH_MAX];

	/* A symbolic link inside the tree is refused, not followed. */
	snprintf(top, sizeof(top), "%s/links", f->dir);
	make_file(f->dir, "links/real", 10, 1);
	snprintf(p, sizeof(p), "%s/link", top);
	assert_int_equal(symlink("real", p), 0);
	opts_init(&o, top);
	expect_fail(&o, BT_ERR_INVALID, "is a symbolic link");

	snprintf(top, sizeof(top), "%s/fifo", f->dir);
	make_file(f->dir, "fifo/real", 10, 1);
	snprintf(p, sizeof(p), "%s/pipe", top);
	assert_int_equal(mkfifo(p, 0644), 0);
	opts_init(&o, top);
	expect_fail(&o, BT_ERR_INVALID, "not a regular file");

	/* A name metainfo refuses fails before hashing, naming the file. */
	snprintf(top, sizeof(top), "%s/bs", f->dir);
	make_file(f->dir, "bs/ok", 10, 1);
	make_file(f->dir, "bs/sub/a\\b", 10, 1);
	opts_init(&o, top);
	expect_fail(&o, BT_ERR_INVALID, "bttui would refuse this torrent: "
	    "file 1 (path \"sub/a\\x5cb\"): component contains '\\'");
	opts_init(&o, make_file(f->dir, "c\\d", 10, 1));
	expect_fail(&o, BT_ERR_INVALID, "component contains '\\'");
}

static void
test_symlink_top_is_followed(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	struct metainfo		*m;
	struct bbuf		 out;
	char			 p[PATH_MAX];

	make_file(f->dir, "target.bin", 5000, 2);
	snprintf(p, sizeof(p), "%s/alias.bin", f->dir);
	assert_int_equal(symlink("target.bin", p), 0);
	opts_init(&o, p);
	m = build_ok(&o, &out);
	assert_string_equal(m->name, "alias.bin");
	assert_int_equal(m->total_length, 5000);
	metainfo_free(m);
	bbuf_cleanup(&out);
}

static void
test_unreadable(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	char			 top[256], p[PATH_MAX];

	/* Root reads mode 000 files anyway: act as nobody. */
	assert_int_equal(sandbox_drop_root(f->dir, &f->privs), 0);
	snprintf(top, sizeof(top), "%s/locked", f->dir);
	snprintf(p, sizeof(p), "%s", make_file(f->dir, "locked/x", 10, 1));
	assert_int_equal(chmod(p, 0), 0);
	opts_init(&o, top);
	expect_fail(&o, BT_ERR_SYS, "Permission denied");
	chmod(p, 0644);
	sandbox_regain_root(&f->privs);
}

/* The progress callback runs between reads: use it to change the file
 * under the hasher, once. */
struct mutate {
	const char	*path;
	off_t		 new_size;
	int		 done;
};

static void
on_progress_mutate(void *arg, uint64_t done, uint64_t total)
{
	struct mutate	*mu = arg;

	(void)done;
	(void)total;
	if (mu->done++ == 0 && truncate(mu->path, mu->new_size) != 0)
		fail_msg("truncate %s: %s", mu->path, strerror(errno));
}

static void
test_changed_while_hashing(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	struct mutate		 mu;
	char			 p[PATH_MAX];
	size_t			 size = 3 * 1024 * 1024;
	size_t			 i;
	const off_t		 sizes[] = {	/* shrunk, then grown */
		(off_t)size / 2, (off_t)size + 1,
	};

	for (i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s", make_file(f->dir, "moving", size,
		    5));
		memset(&mu, 0, sizeof(mu));
		mu.path = p;
		mu.new_size = sizes[i];
		opts_init(&o, p);
		o.progress = on_progress_mutate;
		o.progress_arg = &mu;
		expect_fail(&o, BT_ERR_INVALID, "changed while it was being "
		    "hashed");
	}
}

static void
test_out_too_small(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	struct bbuf		 out;
	char			 err[512];

	opts_init(&o, make_file(f->dir, "s", 100, 1));
	bbuf_init(&out, 64);
	assert_int_equal(maketorrent_build(&o, &out, err, sizeof(err)),
	    BT_ERR_LIMIT);
	assert_non_null(strstr(err, "would not fit"));
	assert_int_equal(bbuf_len(&out), 0);
	bbuf_cleanup(&out);
}

static void
test_bad_announce(void **state)
{
	static const char *const	 urls[] = { "http://a", "" };
	struct fixture			*f = *state;
	struct maketorrent_opts		 o;

	opts_init(&o, make_file(f->dir, "t", 100, 1));
	o.announce = urls;
	o.nannounce = 2;
	expect_fail(&o, BT_ERR_INVALID, "tracker 2 is empty");
	o.announce = NULL;
	expect_fail(&o, BT_ERR_INVALID, "announce list missing");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_single_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_multi_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_name_from_dot, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_trackers_and_flags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_one_tracker_no_extras,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_deterministic, setup,
		    teardown),
		cmocka_unit_test(test_auto_piece),
		cmocka_unit_test_setup_teardown(test_progress_big_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_piece_size, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refused_entries, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_symlink_top_is_followed,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_changed_while_hashing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_too_small, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_announce, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
