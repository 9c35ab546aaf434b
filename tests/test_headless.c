/* Unit tests for src/tui/headless: the back-off of the automatic retry
 * after an engine error, and which torrents get a progress line and what
 * it says (the loop itself runs in the integration tests: disk_full.sh,
 * watchdog.sh). */
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

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_retry_wait),
		cmocka_unit_test(test_row_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
