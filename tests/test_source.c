/*
 * test_source: what a user adds (a .torrent file, a magnet link) and the
 * session's stub for a link, which must read back as the link it holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "engine/magnet.h"
#include "engine/maketorrent.h"
#include "engine/metainfo.h"
#include "engine/source.h"
#include "sandbox.h"

#define HASH	"0123456789abcdef0123456789abcdef01234567"
#define LINK	"magnet:?xt=urn:btih:" HASH "&dn=a+name"

static void
test_is_magnet(void **state)
{
	(void)state;
	assert_true(source_is_magnet("magnet:?xt=x"));
	assert_true(source_is_magnet("MAGNET:?xt=x"));
	assert_false(source_is_magnet("magnet"));
	assert_false(source_is_magnet("./magnet:x.torrent"));
	assert_false(source_is_magnet("x.torrent"));
}

/* Stubs that are not exactly d6:magnet<N>:<N bytes>e are not stubs. */
static void
test_stub_table(void **state)
{
	static const struct {
		const char	*bytes;
		int		 want;
		const char	*link;
	} cases[] = {
		{ "d6:magnet3:abce", BT_OK, "abc" },
		{ "d6:magnet1:xe", BT_OK, "x" },
		{ "d6:magnet0:e", BT_ERR_FORMAT, NULL },
		{ "d6:magnet03:abce", BT_ERR_FORMAT, NULL },
		{ "d6:magnet4:abce", BT_ERR_FORMAT, NULL },
		{ "d6:magnet2:abce", BT_ERR_FORMAT, NULL },
		{ "d6:magnet3:abc", BT_ERR_FORMAT, NULL },
		{ "d6:magnet3:abcx", BT_ERR_FORMAT, NULL },
		{ "d6:magnet:abce", BT_ERR_FORMAT, NULL },
		{ "d6:magnet99999999999999999999:e", BT_ERR_FORMAT, NULL },
		{ "d8:announce3:urle", BT_ERR_FORMAT, NULL },
		{ "", BT_ERR_FORMAT, NULL },
	};
	const char	*link;
	size_t		 i, len;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = source_stub_link(cases[i].bytes,
		    strlen(cases[i].bytes), &link, &len);

		if (r != cases[i].want)
			fail_msg("%s: got %d", cases[i].bytes, r);
		if (r == BT_OK && (len != strlen(cases[i].link) ||
		    memcmp(link, cases[i].link, len) != 0))
			fail_msg("%s: wrong link", cases[i].bytes);
	}
}

static void
test_stub_round_trip(void **state)
{
	struct bbuf	 b;
	const char	*link;
	size_t		 len;

	(void)state;
	bbuf_init(&b, 4096);
	assert_int_equal(source_stub_encode(LINK, strlen(LINK), &b), BT_OK);
	assert_int_equal(source_stub_link(bbuf_ptr(&b), bbuf_len(&b), &link,
	    &len), BT_OK);
	assert_int_equal(len, strlen(LINK));
	assert_memory_equal(link, LINK, len);
	bbuf_cleanup(&b);
}

/* A link, a stub file holding it, and a .torrent all load; the link and
 * its stub give the same hash and name. */
static void
test_load(void **state)
{
	struct source		 s;
	struct bbuf		 b;
	struct maketorrent_opts	 o;
	char			 root[PATH_MAX], path[PATH_MAX + 32];
	char			 err[512];
	FILE			*fp;

	(void)state;
	assert_int_equal(source_load(LINK, &s, err, sizeof(err)), BT_OK);
	assert_non_null(s.mag);
	assert_null(s.meta);
	assert_string_equal(source_name(&s), "a name");
	assert_int_equal(s.info_hash[0], 0x01);

	assert_int_equal(sandbox_create(root, sizeof(root), "test_source"),
	    0);
	snprintf(path, sizeof(path), "%s/HASH.torrent", root);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(bbuf_ptr(&s.bytes), 1, bbuf_len(&s.bytes),
	    fp), bbuf_len(&s.bytes));
	assert_int_equal(fclose(fp), 0);
	source_cleanup(&s);
	assert_int_equal(source_load(path, &s, err, sizeof(err)), BT_OK);
	assert_non_null(s.mag);
	assert_string_equal(s.mag->info_hash_hex, HASH);
	assert_string_equal(source_name(&s), "a name");
	source_cleanup(&s);

	/* a real .torrent */
	snprintf(path, sizeof(path), "%s/data", root);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fputs("some bytes", fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	memset(&o, 0, sizeof(o));
	o.path = path;
	o.piece_size = 16384;
	bbuf_init(&b, 65536);
	assert_int_equal(maketorrent_build(&o, &b, err, sizeof(err)), BT_OK);
	snprintf(path, sizeof(path), "%s/t.torrent", root);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(bbuf_ptr(&b), 1, bbuf_len(&b), fp),
	    bbuf_len(&b));
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(source_load(path, &s, err, sizeof(err)), BT_OK);
	assert_non_null(s.meta);
	assert_string_equal(source_name(&s), "data");
	assert_memory_equal(s.info_hash, s.meta->info_hash, 20);
	assert_int_equal(bbuf_len(&s.bytes), bbuf_len(&b));
	source_cleanup(&s);
	bbuf_cleanup(&b);
	sandbox_remove(root);
}

/* Refusals are one line that says what was refused. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*arg;
		const char	*starts;
	} cases[] = {
		{ "magnet:?dn=x", "magnet link" },
		{ "magnet:?xt=urn:btih:1234", "magnet link" },
		{ "/nonexistent/x.torrent", "cannot read /nonexistent/" },
	};
	struct source	s;
	char		err[512];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_not_equal(source_load(cases[i].arg, &s, err,
		    sizeof(err)), BT_OK);
		if (strncmp(err, cases[i].starts, strlen(cases[i].starts)))
			fail_msg("%s: %s", cases[i].arg, err);
		assert_null(s.meta);
		assert_null(s.mag);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_is_magnet),
		cmocka_unit_test(test_stub_table),
		cmocka_unit_test(test_stub_round_trip),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
