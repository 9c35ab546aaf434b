/* Unit tests for src/tui/search: the match (case, substrings that start
 * again, UTF-8), which list the screen shows, a filter's rows, the Log's
 * filtered lines and the counts and label of a filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/msg.h"
#include "tui/model.h"
#include "tui/search.h"
#include "tui/view.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_match(void **state)
{
	static const struct {
		const char	*text, *needle;
		int		 want;
	} cases[] = {
		{ "debian-12.iso", "deb", 1 }, { "Debian-12.iso", "dEB", 1 },
		{ "debian-12.iso", "12.ISO", 1 }, { "debian", "", 1 },
		{ "", "", 1 }, { "", "a", 0 }, { "ab", "abc", 0 },
		{ "aaab", "aab", 1 }, { "abababc", "ababc", 1 },
		{ "xyz", "y", 1 }, { "xyz", "yx", 0 },
		{ "127.0.0.1:6881 qBittorrent 4.6", "6881 qbit", 1 },
		{ "combining-e\xcc\x81.txt", "e\xcc\x81", 1 },
		{ "caf\xc3\xa9", "CAF\xc3\xa9", 1 },
		/* only ASCII letters fold: É is not é */
		{ "\xc3\x89t\xc3\xa9", "\xc3\xa9t\xc3\xa9", 0 },
		{ "[::1]:51413", "::1]", 1 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		if (search_match(cases[i].text, cases[i].needle) !=
		    cases[i].want)
			fail_msg("\"%s\" in \"%s\": want %d", cases[i].needle,
			    cases[i].text, cases[i].want);
}

static void
test_lists(void **state)
{
	struct view_state	*vs = calloc(1, sizeof(*vs));

	(void)state;
	assert_non_null(vs);
	vs->home = 1;
	assert_int_equal(search_list(vs), VIEW_LIST_TORRENTS);
	vs->home = 0;
	vs->view = VIEW_PEERS;
	assert_int_equal(search_list(vs), VIEW_LIST_PEERS);
	vs->view = VIEW_FILES;
	assert_int_equal(search_list(vs), VIEW_LIST_FILES);
	vs->view = VIEW_LOG;
	assert_int_equal(search_list(vs), VIEW_LIST_LOG);
	vs->view = VIEW_PIECES;
	assert_int_equal(search_list(vs), VIEW_LIST_COUNT);
	vs->view = VIEW_TRACKERS;
	assert_int_equal(search_list(vs), VIEW_LIST_COUNT);
	vs->view = VIEW_LOG;
	vs->help = 1;
	assert_int_equal(search_list(vs), VIEW_LIST_COUNT);
	/* a filter is its list's only */
	snprintf(vs->filter[VIEW_LIST_PEERS], VIEW_SEARCH_MAX, "qbit");
	assert_true(search_row_visible(vs, VIEW_LIST_PEERS, "1.2.3.4:1 "
	    "qBittorrent"));
	assert_false(search_row_visible(vs, VIEW_LIST_PEERS, "1.2.3.4:1 "
	    "Transmission"));
	assert_true(search_row_visible(vs, VIEW_LIST_TORRENTS, "anything"));
	assert_true(search_row_visible(vs, VIEW_LIST_COUNT, "anything"));
	assert_true(search_row_visible(vs, -1, "anything"));
	free(vs);
}

static void
test_peer_text(void **state)
{
	struct msg_peer	p;
	char		buf[MSG_ADDR_MAX + MSG_CLIENT_MAX + 2];

	(void)state;
	memset(&p, 0, sizeof(p));
	snprintf(p.addr, sizeof(p.addr), "10.0.0.7:6881");
	snprintf(p.client, sizeof(p.client), "aria2/1.36.0");
	search_peer_text(&p, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.7:6881 aria2/1.36.0");
}

/* The Log's filter: the lines holding the text (as the view writes them:
 * "watchdog", "warn" count), in order; counts and the label. */
static void
test_log_filter(void **state)
{
	static const struct {
		enum model_source	 src;
		enum msg_log_level	 level;
		const char		*text;
	} lines[] = {
		{ MODEL_SRC_ENGINE, MSG_LOG_INFO, "tracker ok: 3 peers" },
		{ MODEL_SRC_WATCHDOG, MSG_LOG_INFO, "engine 12 started" },
		{ MODEL_SRC_ENGINE, MSG_LOG_WARN, "peer 1.2.3.4: closed" },
		{ MODEL_SRC_ENGINE, MSG_LOG_INFO, "Tracker failed" },
		{ MODEL_SRC_ENGINE, MSG_LOG_INFO, "piece 7 verified" },
	};
	struct view_state	*vs = calloc(1, sizeof(*vs));
	struct model		*m = model_new("t");
	char			 label[VIEW_MESSAGE_MAX];
	size_t			 i, shown, all;

	(void)state;
	assert_non_null(vs);
	assert_non_null(m);
	for (i = 0; i < N(lines); i++)
		model_add_log(m, lines[i].src, lines[i].level, lines[i].text);
	vs->view = VIEW_LOG;
	/* no filter: every line, by its own index */
	search_log_sync(vs, m);
	assert_int_equal(search_log_count(vs, m), N(lines));
	assert_int_equal(search_log_index(vs, m, 3), 3);
	assert_int_equal(search_filter_label(vs, m, label, sizeof(label)), 0);
	assert_string_equal(label, "");
	snprintf(vs->filter[VIEW_LIST_LOG], VIEW_SEARCH_MAX, "TRACKER");
	search_log_sync(vs, m);
	assert_int_equal(search_log_count(vs, m), 2);
	assert_int_equal(search_log_index(vs, m, 0), 0);
	assert_int_equal(search_log_index(vs, m, 1), 3);
	assert_int_equal(search_filter_label(vs, m, label, sizeof(label)), 1);
	assert_string_equal(label, "filter \"TRACKER\": 2 of 5 shown");
	search_filter_counts(vs, m, &shown, &all);
	assert_int_equal(shown, 2);
	assert_int_equal(all, 5);
	/* the source and level words are text too */
	snprintf(vs->filter[VIEW_LIST_LOG], VIEW_SEARCH_MAX, "watchdog");
	search_log_sync(vs, m);
	assert_int_equal(search_log_count(vs, m), 1);
	assert_int_equal(search_log_index(vs, m, 0), 1);
	snprintf(vs->filter[VIEW_LIST_LOG], VIEW_SEARCH_MAX, " warn ");
	search_log_sync(vs, m);
	assert_int_equal(search_log_count(vs, m), 1);
	assert_int_equal(search_log_index(vs, m, 0), 2);
	snprintf(vs->filter[VIEW_LIST_LOG], VIEW_SEARCH_MAX, "nothing");
	search_log_sync(vs, m);
	assert_int_equal(search_log_count(vs, m), 0);
	/* another view: no label */
	vs->view = VIEW_PIECES;
	assert_int_equal(search_filter_label(vs, m, label, sizeof(label)), 0);
	search_filter_counts(vs, m, &shown, &all);
	assert_int_equal(all, 0);
	model_free(m);
	free(vs);
}

/* The Files filter counts files, not directories. */
static void
test_files_label(void **state)
{
	struct view_state	*vs = calloc(1, sizeof(*vs));
	struct model		*m = model_new("t");
	struct msg_file		 files[3];
	char			 label[VIEW_MESSAGE_MAX];

	(void)state;
	assert_non_null(vs);
	assert_non_null(m);
	memset(files, 0, sizeof(files));
	snprintf(files[0].path, sizeof(files[0].path), "t/Movie.MKV");
	snprintf(files[1].path, sizeof(files[1].path), "t/extras/b.mkv");
	snprintf(files[2].path, sizeof(files[2].path), "t/readme.txt");
	m->files = files;
	m->nfiles = 3;
	vs->view = VIEW_FILES;
	snprintf(vs->filter[VIEW_LIST_FILES], VIEW_SEARCH_MAX, ".mkv");
	assert_int_equal(search_filter_label(vs, m, label, sizeof(label)), 1);
	assert_string_equal(label, "filter \".mkv\": 2 of 3 shown");
	m->files = NULL;
	m->nfiles = 0;
	model_free(m);
	free(vs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_peer_text),
		cmocka_unit_test(test_log_filter),
		cmocka_unit_test(test_files_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
