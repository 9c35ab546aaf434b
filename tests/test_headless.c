/* Unit tests for src/tui/headless: the back-off of the automatic retry
 * after an engine error, which torrents get a progress line and what it
 * says, and when "Download complete" is said (the loop itself runs in the
 * integration tests: disk_full.sh, watchdog.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "tui/headless.h"
#include "tui/lineprinter.h"

static void
test_retry_wait(void **state)
{
	static const struct {
		uint64_t	prev_ms;
		int		progressed;
		uint64_t	want_ms;
	} rows[] = {
		{ 0, 0, 10000 },		/* the first error */
		{ 0, 1, 10000 },
		{ 10000, 0, 20000 },		/* the retry gained nothing */
		{ 20000, 0, 40000 },
		{ 80000, 0, 160000 },
		{ 160000, 0, 300000 },		/* capped at 5 min */
		{ 300000, 0, 300000 },
		{ 300000, 1, 10000 },		/* pieces came: start over */
		{ 40000, 1, 10000 },
		{ UINT64_MAX, 0, 300000 },	/* no overflow */
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (headless_retry_wait_ms(rows[i].prev_ms,
		    rows[i].progressed) != rows[i].want_ms)
			fail_msg("row %zu: got %llu ms", i, (unsigned long long)
			    headless_retry_wait_ms(rows[i].prev_ms,
			    rows[i].progressed));
}

/* The line each torrent of the list gets once a second: a magnet link's
 * says how far its metadata is instead of "0.0 %". */
static void
test_row_lines(void **state)
{
	static const struct {
		const char	*name;
		uint8_t		 state;
		uint32_t	 have, pieces, peers;
		int		 with_name, want_rc;
		const char	*want;
	} rows[] = {
		{ "metadata", MSG_STATE_METADATA, 3, 12, 2, 0, BT_OK,
		    "fetching metadata (3 of 12 pieces, 2 peers)" },
		{ "metadata, one peer", MSG_STATE_METADATA, 0, 1, 1, 0, BT_OK,
		    "fetching metadata (0 of 1 piece, 1 peer)" },
		{ "metadata, no size yet", MSG_STATE_METADATA, 0, 0, 0, 0,
		    BT_OK, "fetching metadata (size not known yet, 0 peers)" },
		{ "metadata, named", MSG_STATE_METADATA, 12, 12, 5, 1, BT_OK,
		    "fetching metadata (12 of 12 pieces, 5 peers)  debian" },
		{ "downloading", MSG_STATE_DOWNLOADING, 3, 12, 2, 0, BT_OK,
		    "  50.0%  500 B / 1000 B  down 0 B/s  up 0 B/s  peers 2/7"
		    "  ETA -" },
		{ "seeding, named", MSG_STATE_SEEDING, 0, 0, 2, 1, BT_OK,
		    "  50.0%  500 B / 1000 B  down 0 B/s  up 0 B/s  peers 2/7"
		    "  ETA -  debian" },
		{ "checking", MSG_STATE_CHECKING, 0, 0, 0, 0, BT_OK, NULL },
		{ "paused", MSG_STATE_PAUSED, 3, 12, 2, 0, BT_ERR_NOTFOUND,
		    "" },
		{ "queued", MSG_STATE_QUEUED, 0, 0, 0, 0, BT_ERR_NOTFOUND, "" },
		{ "error", MSG_STATE_ERROR, 0, 0, 0, 0, BT_ERR_NOTFOUND, "" },
		{ "done", MSG_STATE_STOPPING, 0, 0, 0, 0, BT_ERR_NOTFOUND, "" },
	};
	struct msg_torrent_row	r;
	char			buf[LP_STATUS_MAX + LP_LOG_MAX];
	size_t			i;
	int			rc;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&r, 0, sizeof(r));
		snprintf(r.name, sizeof(r.name), "debian");
		r.state = rows[i].state;
		r.done_bytes = 500;
		r.total_bytes = 1000;
		r.eta_s = -1;
		r.peers_connected = rows[i].peers;
		r.peers_known = 7;
		r.meta_have = rows[i].have;
		r.meta_pieces = rows[i].pieces;
		rc = headless_row_line(&r, rows[i].with_name, buf,
		    sizeof(buf));
		if (rc != rows[i].want_rc)
			fail_msg("%s: rc %d", rows[i].name, rc);
		if (rows[i].want != NULL && strcmp(buf, rows[i].want) != 0)
			fail_msg("%s:\n got \"%s\"\nwant \"%s\"",
			    rows[i].name, buf, rows[i].want);
	}
	/* a short buffer: cut, said so */
	r.state = MSG_STATE_METADATA;
	assert_int_equal(headless_row_line(&r, 0, buf, 10), BT_ERR_LIMIT);
	assert_string_equal(buf, "fetching ");
}

/*
 * "Download complete" is said once, and only for a download that
 * completed in this run (issue 17): never for a seeder whose data was
 * complete at start, however it got there (checked, resumed), nor for a
 * magnet link's torrent found complete on disk.
 */
static void
test_download_complete_once(void **state)
{
	enum { D = MSG_STATE_DOWNLOADING, S = MSG_STATE_SEEDING,
	    C = MSG_STATE_CHECKING, M = MSG_STATE_METADATA,
	    P = MSG_STATE_PAUSED, X = MSG_STATE_STOPPING };
	static const struct {
		const char	*name;
		struct {
			uint8_t		state;
			uint64_t	done, total;
			uint8_t		flags;	/* 1: MSG_ROW_COMPLETED */
			int		want;
		} steps[5];
		size_t		n;
	} cases[] = {
		{ "seeder, complete at start", { { S, 1000, 1000, 0, 0 },
		    { S, 1000, 1000, 0, 0 } }, 2 },
		{ "seeder, checked first", { { C, 0, 1000, 0, 0 },
		    { C, 600, 1000, 0, 0 }, { S, 1000, 1000, 0, 0 } }, 3 },
		{ "downloaded", { { D, 0, 1000, 0, 0 }, { D, 500, 1000, 0, 0 },
		    { S, 1000, 1000, 1, 1 }, { S, 1000, 1000, 1, 0 } }, 4 },
		{ "downloaded before the first list", {
		    { S, 1000, 1000, 1, 1 }, { S, 1000, 1000, 1, 0 } }, 2 },
		{ "done, not seeding", { { D, 10, 1000, 0, 0 },
		    { X, 1000, 1000, 1, 1 } }, 2 },
		{ "engine restarted after completing it", {
		    { D, 900, 1000, 0, 0 }, { S, 1000, 1000, 0, 1 } }, 2 },
		{ "paused, resumed, completed", { { P, 900, 1000, 0, 0 },
		    { S, 1000, 1000, 0, 1 } }, 2 },
		{ "magnet link, complete on disk", { { M, 0, 0, 0, 0 },
		    { C, 0, 1000, 0, 0 }, { S, 1000, 1000, 0, 0 } }, 3 },
		{ "magnet link, downloaded", { { M, 0, 0, 0, 0 },
		    { D, 0, 1000, 0, 0 }, { S, 1000, 1000, 1, 1 } }, 3 },
		{ "empty torrent", { { S, 0, 0, 1, 0 } }, 1 },
	};
	struct msg_torrent_row	r;
	struct headless		*h;
	size_t			 i, k;
	int			 got;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(h = headless_new());
		for (k = 0; k < cases[i].n; k++) {
			memset(&r, 0, sizeof(r));
			r.id = 3;
			memset(r.info_hash, 0x5a, sizeof(r.info_hash));
			r.state = cases[i].steps[k].state;
			r.done_bytes = cases[i].steps[k].done;
			r.total_bytes = cases[i].steps[k].total;
			r.flags = cases[i].steps[k].flags ? MSG_ROW_COMPLETED :
			    0;
			got = headless_note_row(h, &r);
			if (got != cases[i].steps[k].want)
				fail_msg("%s, step %zu: %d", cases[i].name, k,
				    got);
		}
		/* another torrent is another matter */
		r.info_hash[0] ^= 1;
		r.state = S;
		r.done_bytes = r.total_bytes = 1000;
		r.flags = MSG_ROW_COMPLETED;
		assert_int_equal(headless_note_row(h, &r), 1);
		headless_free(h);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_retry_wait),
		cmocka_unit_test(test_row_lines),
		cmocka_unit_test(test_download_complete_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
