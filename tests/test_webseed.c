/*
 * test_webseed: the pure parts of a BEP 19 web seed: which file spans a
 * block covers (pads and empty files left out), the URL of each file, and
 * the back-off schedule.  The HTTP side runs in
 * tests/integration/webseed.sh against a real server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "engine/metainfo.h"
#include "engine/webseed.h"
#include "ipc/err.h"

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

/* dir/a (100), dir/empty (0), .pad (28, padding), dir/b (72), dir/c (50):
 * 250 bytes. */
static struct metainfo_file multi_files[] = {
	{ (char *)"dir/a", 100, 0, NULL, 0, 0 },
	{ (char *)"dir/empty", 0, 100, NULL, 0, 0 },
	{ (char *)"dir/.pad/28", 28, 100, NULL, METAINFO_ATTR_PAD, 0 },
	{ (char *)"dir/b", 72, 128, NULL, 0, 0 },
	{ (char *)"dir/sub dir/c%#?.txt", 50, 200, NULL, 0, 0 },
};

static struct metainfo_file single_file[] = {
	{ (char *)"movie file.mkv", 1000, 0, NULL, 0, 0 },
};

static void
make_meta(struct metainfo *m, int multi)
{
	memset(m, 0, sizeof(*m));
	m->multi_file = multi;
	if (multi) {
		m->name = (char *)"dir";
		m->files = multi_files;
		m->nfiles = NITEMS(multi_files);
		m->total_length = 250;
	} else {
		m->name = single_file[0].path;
		m->files = single_file;
		m->nfiles = 1;
		m->total_length = 1000;
	}
}

/* "file:offset+length@at,..." */
static void
format_spans(const struct webseed_span *s, size_t n, char *out, size_t len)
{
	size_t	i, w = 0;

	out[0] = '\0';
	for (i = 0; i < n && w < len; i++)
		w += (size_t)snprintf(out + w, len - w, "%s%zu:%llu+%u@%u",
		    i > 0 ? "," : "", s[i].file,
		    (unsigned long long)s[i].offset, s[i].length, s[i].at);
}

static void
test_spans(void **state)
{
	static const struct {
		const char	*name;
		uint64_t	 off;
		uint32_t	 len;
		const char	*want;
	} cases[] = {
		{ "inside first", 10, 20, "0:10+20@0" },
		{ "whole first", 0, 100, "0:0+100@0" },
		{ "over empty and pad", 90, 50, "0:90+10@0,3:0+12@38" },
		{ "pad only", 100, 28, "" },
		{ "starts in pad", 120, 20, "3:0+12@8" },
		{ "to the end", 190, 60, "3:62+10@0,4:0+50@10" },
		{ "past the end", 240, 100, "4:40+10@0" },
		{ "at the end", 250, 10, "" },
		{ "everything", 0, 250, "0:0+100@0,3:0+72@128,4:0+50@200" },
	};
	struct webseed_span	spans[8];
	struct metainfo		m;
	char			got[256];
	size_t			i, n;

	(void)state;
	make_meta(&m, 1);
	for (i = 0; i < NITEMS(cases); i++) {
		n = webseed_spans(&m, cases[i].off, cases[i].len, spans,
		    NITEMS(spans));
		format_spans(spans, n, got, sizeof(got));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: spans \"%s\", want \"%s\"", cases[i].name,
			    got, cases[i].want);
	}
}

/* Too little room: the count is still right and nothing past max is
 * written. */
static void
test_spans_count(void **state)
{
	struct webseed_span	spans[2];
	struct metainfo		m;

	(void)state;
	make_meta(&m, 1);
	memset(spans, 0xff, sizeof(spans));
	assert_int_equal(webseed_spans(&m, 0, 250, NULL, 0), 3);
	assert_int_equal(webseed_spans(&m, 0, 250, spans, 1), 3);
	assert_int_equal(spans[0].file, 0);
	assert_int_equal(spans[1].at, UINT32_MAX);	/* untouched */
}

static void
test_file_url(void **state)
{
	static const struct {
		const char	*name;
		int		 multi;
		const char	*base;
		size_t		 file;
		const char	*want;
	} cases[] = {
		{ "single as is", 0, "http://h/x.mkv", 0, "http://h/x.mkv" },
		{ "single dir", 0, "http://h/d/", 0,
		    "http://h/d/movie%20file.mkv" },
		{ "multi", 1, "http://h/files", 0, "http://h/files/dir/a" },
		{ "multi slash", 1, "https://h/files/", 3,
		    "https://h/files/dir/b" },
		{ "escaped", 1, "http://h/", 4,
		    "http://h/dir/sub%20dir/c%25%23%3F.txt" },
		{ "no such file", 1, "http://h/", 9, "" },
	};
	struct metainfo	m;
	char		got[256];
	size_t		i;
	int		r;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++) {
		make_meta(&m, cases[i].multi);
		r = webseed_file_url(&m, cases[i].base, cases[i].file, got,
		    sizeof(got));
		if (strcmp(got, cases[i].want) != 0 ||
		    (r == BT_OK) != (cases[i].want[0] != '\0'))
			fail_msg("%s: \"%s\" (%d), want \"%s\"", cases[i].name,
			    got, r, cases[i].want);
	}
}

/* A URL cut at each length fails cleanly with "" and never overruns. */
static void
test_file_url_limit(void **state)
{
	const char	*want = "http://h/dir/sub%20dir/c%25%23%3F.txt";
	struct metainfo	m;
	char		buf[64];
	size_t		len;
	int		r;

	(void)state;
	make_meta(&m, 1);
	for (len = 0; len <= strlen(want) + 1; len++) {
		memset(buf, 'Z', sizeof(buf));
		r = webseed_file_url(&m, "http://h/", 4, buf, len);
		if (len > strlen(want)) {
			assert_int_equal(r, BT_OK);
			assert_string_equal(buf, want);
		} else {
			assert_int_equal(r, BT_ERR_LIMIT);
			if (len > 0)
				assert_int_equal(buf[0], '\0');
		}
		assert_int_equal(buf[len], 'Z');
	}
}

static void
test_backoff(void **state)
{
	static const struct {
		unsigned	fails;
		uint64_t	want_ms;
	} cases[] = {
		{ 1, 30000 }, { 2, 60000 }, { 3, 120000 }, { 4, 240000 },
		{ 5, 480000 }, { 6, 600000 }, { 7, 600000 }, { 1000, 600000 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NITEMS(cases); i++)
		if (webseed_backoff_ms(cases[i].fails) != cases[i].want_ms)
			fail_msg("%u fails: %llu ms, want %llu", cases[i].fails,
			    (unsigned long long)webseed_backoff_ms(
			    cases[i].fails),
			    (unsigned long long)cases[i].want_ms);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_spans_count),
		cmocka_unit_test(test_file_url),
		cmocka_unit_test(test_file_url_limit),
		cmocka_unit_test(test_backoff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
