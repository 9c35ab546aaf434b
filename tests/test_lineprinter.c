/* Unit tests for src/tui/lineprinter: the headless progress line field by
 * field (percent, sizes, rates, peers, ETA; src/ipc/fmt has their own
 * tests), a torrent row's line with its name, log lines with escaping,
 * and truncation into small buffers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "tui/lineprinter.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_status_line(void **state)
{
	static const struct {
		const char	*name;
		uint64_t	 done, total, down, up;
		uint32_t	 conn, known;
		int64_t		 eta;
		const char	*want;
	} rows[] = {
		{ "the example", 462636237, 1098000000, 126143693, 0, 2, 5, 5,
		    "  42.1%  441 MiB / 1.0 GiB  down 120 MiB/s  up 0 B/s"
		    "  peers 2/5  ETA 5s" },
		{ "start", 0, 1073741824, 0, 0, 0, 0, -1,
		    "   0.0%  0 B / 1.0 GiB  down 0 B/s  up 0 B/s  peers 0/0"
		    "  ETA -" },
		{ "rounds down", 9999, 10000, 1024, 512, 1, 1, 1,
		    "  99.9%  9.8 KiB / 9.8 KiB  down 1.0 KiB/s  up 512 B/s"
		    "  peers 1/1  ETA 1s" },
		{ "done", 1073741824, 1073741824, 0, 1048576, 3, 40, 0,
		    " 100.0%  1.0 GiB / 1.0 GiB  down 0 B/s  up 1.0 MiB/s"
		    "  peers 3/40  ETA 0s" },
		{ "empty torrent", 0, 0, 0, 0, 0, 0, 0,
		    " 100.0%  0 B / 0 B  down 0 B/s  up 0 B/s  peers 0/0"
		    "  ETA 0s" },
		{ "hours", 1, 3, 1, 0, 12, 345, 7384,
		    "  33.3%  1 B / 3 B  down 1 B/s  up 0 B/s  peers 12/345"
		    "  ETA 2h03m" },
		{ "huge", UINT64_MAX - 1, UINT64_MAX, 0, 0, 0, 0, -1,
		    "  99.9%  16.0 EiB / 16.0 EiB  down 0 B/s  up 0 B/s"
		    "  peers 0/0  ETA -" },
	};
	struct msg_status	st;
	char			buf[LP_STATUS_MAX];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		memset(&st, 0, sizeof(st));
		st.done_bytes = rows[i].done;
		st.total_bytes = rows[i].total;
		st.down_bps = rows[i].down;
		st.up_bps = rows[i].up;
		st.peers_connected = rows[i].conn;
		st.peers_known = rows[i].known;
		st.eta_s = rows[i].eta;
		assert_int_equal(lp_status_line(&st, buf, sizeof(buf)), BT_OK);
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("%s:\n got \"%s\"\nwant \"%s\"", rows[i].name,
			    buf, rows[i].want);
	}
}

/* Every field at its widest (fmt.h's widest size, rate and duration)
 * is 102 bytes, which LP_STATUS_MAX holds. */
static void
test_status_line_widest(void **state)
{
	struct msg_status	st;
	char			buf[LP_STATUS_MAX];

	(void)state;
	memset(&st, 0, sizeof(st));
	/* 1023.499 KiB: "1023 KiB", the widest size */
	st.done_bytes = st.total_bytes = st.down_bps = st.up_bps = 1048063;
	st.peers_connected = st.peers_known = UINT32_MAX;
	st.eta_s = 1000 * 86400LL - 1;
	assert_int_equal(lp_status_line(&st, buf, sizeof(buf)), BT_OK);
	assert_string_equal(buf, " 100.0%  1023 KiB / 1023 KiB  down "
	    "1023 KiB/s  up 1023 KiB/s  peers 4294967295/4294967295  ETA "
	    "999d23h");
	assert_int_equal(strlen(buf), 102);
	assert_true(strlen(buf) < LP_STATUS_MAX);
}

static void
test_truncation(void **state)
{
	struct msg_status	st;
	struct msg_log		lg;
	char			buf[16];

	(void)state;
	memset(&st, 0, sizeof(st));
	memset(buf, '#', sizeof(buf));
	assert_int_equal(lp_status_line(&st, buf, 10), BT_ERR_LIMIT);
	assert_int_equal(strlen(buf), 9);
	assert_int_equal(buf[10], '#');
	memset(buf, '#', sizeof(buf));
	assert_int_equal(lp_status_line(&st, buf, 0), BT_ERR_LIMIT);
	assert_int_equal(buf[0], '#');

	memset(&lg, 0, sizeof(lg));
	snprintf(lg.text, sizeof(lg.text), "%s", "0123456789");
	assert_int_equal(lp_log_line(&lg, buf, sizeof(buf)), BT_ERR_LIMIT);
	assert_string_equal(buf, "bttui: 01234567");
	assert_int_equal(lp_log_line(&lg, buf, 5), BT_ERR_LIMIT);
	assert_string_equal(buf, "bttu");
	/* An escape that does not fit whole is left out whole. */
	snprintf(lg.text, sizeof(lg.text), "%s", "abcdefg\n");
	assert_int_equal(lp_log_line(&lg, buf, sizeof(buf)), BT_ERR_LIMIT);
	assert_string_equal(buf, "bttui: abcdefg");
}

static void
test_log_line(void **state)
{
	static const struct {
		uint8_t		 level;
		const char	*text, *want;
	} rows[] = {
		{ MSG_LOG_INFO, "tracker udp://t:1 gave 5 peers",
		    "bttui: tracker udp://t:1 gave 5 peers" },
		{ MSG_LOG_WARN, "peer 10.0.0.1:6881: bad hash",
		    "bttui: warning: peer 10.0.0.1:6881: bad hash" },
		{ MSG_LOG_ERROR, "cannot write x: Disk full",
		    "bttui: error: cannot write x: Disk full" },
		{ MSG_LOG_INFO, "", "bttui: " },
		{ MSG_LOG_INFO, "a\x1b[2Jb\r\n\x7f", "bttui: a\\x1b[2Jb\\x0d"
		    "\\x0a\\x7f" },
		{ MSG_LOG_INFO, "caf\xc3\xa9", "bttui: caf\xc3\xa9" },
		{ MSG_LOG_INFO, "a\xc2\x9b" "2Jb\xc2\x85", "bttui: a\\xc2\\x9b2Jb"
		    "\\xc2\\x85" },
		{ 9, "odd level", "bttui: odd level" },
	};
	struct msg_log	lg;
	char		buf[LP_LOG_MAX];
	size_t		i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		memset(&lg, 0, sizeof(lg));
		lg.level = rows[i].level;
		snprintf(lg.text, sizeof(lg.text), "%s", rows[i].text);
		assert_int_equal(lp_log_line(&lg, buf, sizeof(buf)), BT_OK);
		assert_string_equal(buf, rows[i].want);
	}
}

/* Which bytes of outside text are escaped: C0, DEL, C1 in UTF-8 and C1
 * bytes outside a sequence; other UTF-8 (and broken lead bytes) as is. */
static void
test_unit(void **state)
{
	static const struct {
		const char	*name, *in;
		size_t		 left, want;
		int		 esc;
	} rows[] = {
		{ "empty", "", 0, 0, 0 },
		{ "ascii", "ab", 2, 1, 0 },
		{ "tab", "\t", 1, 1, 1 },
		{ "ESC", "\x1b[", 2, 1, 1 },
		{ "DEL", "\x7f", 1, 1, 1 },
		{ "U+0080", "\xc2\x80", 2, 2, 1 },
		{ "U+009B (CSI)", "\xc2\x9b[2J", 5, 2, 1 },
		{ "U+009F", "\xc2\x9f", 2, 2, 1 },
		{ "U+00A0 (printable)", "\xc2\xa0", 2, 2, 0 },
		{ "U+00E9", "\xc3\xa9", 2, 2, 0 },
		{ "U+201B (9b inside)", "\xe2\x80\x9b", 3, 3, 0 },
		{ "4 bytes", "\xf0\x9f\x98\x80", 4, 4, 0 },
		{ "lone 9b", "\x9b", 1, 1, 1 },
		{ "lone 80", "\x80x", 2, 1, 1 },
		{ "lone a0", "\xa0", 1, 1, 0 },
		{ "latin-1 e9", "\xe9t\xe9", 3, 1, 0 },
		{ "c2 cut", "\xc2", 1, 1, 0 },
		{ "c2 then ascii", "\xc2[", 2, 1, 0 },
		{ "left limits", "\xc2\x9b", 1, 1, 0 },
		{ "ff", "\xff", 1, 1, 0 },
	};
	size_t	i, n;
	int	esc;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		n = lp_unit(rows[i].in, rows[i].left, &esc);
		if (n != rows[i].want || esc != rows[i].esc)
			fail_msg("%s: got %zu/%d, want %zu/%d", rows[i].name, n,
			    esc, rows[i].want, rows[i].esc);
	}
}

/* A text field with no NUL is read up to its size, never past it, and
 * the longest escaped text fits LP_LOG_MAX. */
static void
test_log_line_bounds(void **state)
{
	struct {
		struct msg_log	lg;
		char		after[8];
	} s;
	char	buf[LP_LOG_MAX];

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(s.lg.text, 'a', sizeof(s.lg.text));
	memcpy(s.after, "ZZZZZZZ", 8);
	assert_int_equal(lp_log_line(&s.lg, buf, sizeof(buf)), BT_OK);
	assert_int_equal(strlen(buf), 7 + MSG_TEXT_MAX);
	assert_null(strchr(buf, 'Z'));
	s.lg.level = MSG_LOG_WARN;
	memset(s.lg.text, '\x01', sizeof(s.lg.text) - 1);
	s.lg.text[sizeof(s.lg.text) - 1] = '\0';
	assert_int_equal(lp_log_line(&s.lg, buf, sizeof(buf)), BT_OK);
	assert_int_equal(strlen(buf), 16 + 4 * (MSG_TEXT_MAX - 1));
}

/* A row of the torrent list as the status line of its fields, then its
 * name, escaped: what --headless prints per torrent. */
static void
test_row_line(void **state)
{
	static const struct {
		const char	*name;
		uint64_t	 done, total, down, up;
		uint32_t	 conn, known;
		int64_t		 eta;
		int		 with_name;
		const char	*want;
	} rows[] = {
		{ "debian.iso", 462636237, 1098000000, 126143693, 0, 2, 5, 5,
		    1, "  42.1%  441 MiB / 1.0 GiB  down 120 MiB/s  up 0 B/s"
		    "  peers 2/5  ETA 5s  debian.iso" },
		{ "debian.iso", 462636237, 1098000000, 126143693, 0, 2, 5, 5,
		    0, "  42.1%  441 MiB / 1.0 GiB  down 120 MiB/s  up 0 B/s"
		    "  peers 2/5  ETA 5s" },
		{ "", 0, 0, 0, 0, 0, 0, -1, 1, " 100.0%  0 B / 0 B  down 0 B/s"
		    "  up 0 B/s  peers 0/0  ETA -  " },
		{ "a\x1b[2Jb\n", 1, 2, 3, 4, 5, 6, 7, 1, "  50.0%  1 B / 2 B  "
		    "down 3 B/s  up 4 B/s  peers 5/6  ETA 7s  "
		    "a\\x1b[2Jb\\x0a" },
		{ "caf\xc3\xa9 ~ x", 0, 1, 0, 0, 0, 0, -1, 1, "   0.0%  0 B / "
		    "1 B  down 0 B/s  up 0 B/s  peers 0/0  ETA -  "
		    "caf\xc3\xa9 ~ x" },
		{ "x\xc2\x9b" "31m\x9b", 0, 1, 0, 0, 0, 0, -1, 1, "   0.0%  0 B / "
		    "1 B  down 0 B/s  up 0 B/s  peers 0/0  ETA -  "
		    "x\\xc2\\x9b31m\\x9b" },
	};
	struct msg_torrent_row	r;
	char			buf[LP_STATUS_MAX + LP_LOG_MAX];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		memset(&r, 0, sizeof(r));
		snprintf(r.name, sizeof(r.name), "%s", rows[i].name);
		r.done_bytes = rows[i].done;
		r.total_bytes = rows[i].total;
		r.down_bps = rows[i].down;
		r.up_bps = rows[i].up;
		r.peers_connected = rows[i].conn;
		r.peers_known = rows[i].known;
		r.eta_s = rows[i].eta;
		/* fields the line does not show */
		r.id = 7;
		r.state = MSG_STATE_PAUSED;
		r.seeds_connected = 99;
		r.ratio_milli = 1234;
		r.wasted = 5;
		assert_int_equal(lp_row_line(&r, rows[i].with_name, buf,
		    sizeof(buf)), BT_OK);
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("row %zu:\n got \"%s\"\nwant \"%s\"", i, buf,
			    rows[i].want);
	}
}

/* A magnet link's torrent before its metadata: its pieces of metadata
 * and its peers, not a share of 0 bytes; the widest fits LP_STATUS_MAX,
 * the name is escaped as any other. */
static void
test_row_line_metadata(void **state)
{
	struct msg_torrent_row	r;
	char			buf[LP_STATUS_MAX + LP_LOG_MAX];

	(void)state;
	memset(&r, 0, sizeof(r));
	r.state = MSG_STATE_METADATA;
	r.meta_have = r.meta_pieces = r.peers_connected = UINT32_MAX;
	assert_int_equal(lp_row_line(&r, 0, buf, LP_STATUS_MAX), BT_OK);
	assert_string_equal(buf, "fetching metadata (4294967295 of "
	    "4294967295 pieces, 4294967295 peers)");
	r.meta_have = 1;
	r.meta_pieces = 3;
	r.peers_connected = 1;
	snprintf(r.name, sizeof(r.name), "x\x1b");
	assert_int_equal(lp_row_line(&r, 1, buf, sizeof(buf)), BT_OK);
	assert_string_equal(buf, "fetching metadata (1 of 3 pieces, 1 peer)"
	    "  x\\x1b");
}

/* The widest row and name fit the documented buffer; a name field with
 * no NUL is read up to its size only; small buffers are cut and said so. */
static void
test_row_line_bounds(void **state)
{
	struct {
		struct msg_torrent_row	r;
		char			after[8];
	} s;
	char	buf[LP_STATUS_MAX + LP_LOG_MAX], small[112];
	size_t	line;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.r.done_bytes = s.r.total_bytes = s.r.down_bps = s.r.up_bps = 1048063;
	s.r.peers_connected = s.r.peers_known = UINT32_MAX;
	s.r.eta_s = 1000 * 86400LL - 1;
	memset(s.r.name, '\x01', sizeof(s.r.name) - 1);
	assert_int_equal(lp_row_line(&s.r, 1, buf, sizeof(buf)), BT_OK);
	assert_int_equal(strlen(buf), 102 + 2 + 4 * (MSG_NAME_MAX - 1));
	/* no NUL in the name: it stops at the field's end */
	memset(s.r.name, 'n', sizeof(s.r.name));
	memcpy(s.after, "ZZZZZZZ", 8);
	assert_int_equal(lp_row_line(&s.r, 1, buf, sizeof(buf)), BT_OK);
	assert_int_equal(strlen(buf), 102 + 2 + MSG_NAME_MAX);
	assert_null(strchr(buf, 'Z'));
	/* the status line fits, the name does not */
	line = 102;
	memset(small, '#', sizeof(small));
	assert_int_equal(lp_row_line(&s.r, 1, small, sizeof(small)),
	    BT_ERR_LIMIT);
	assert_true(strlen(small) < sizeof(small));
	assert_int_equal(strncmp(small, buf, strlen(small)), 0);
	/* room for the line and the blanks only */
	assert_int_equal(lp_row_line(&s.r, 1, small, line + 3), BT_ERR_LIMIT);
	assert_true(strlen(small) <= line + 2);
	assert_int_equal(lp_row_line(&s.r, 1, small, line + 2), BT_ERR_LIMIT);
	assert_int_equal(strlen(small), line);
	/* without the name, exactly the line */
	assert_int_equal(lp_row_line(&s.r, 0, small, line + 1), BT_OK);
	assert_int_equal(strlen(small), line);
	assert_int_equal(lp_row_line(&s.r, 0, small, line), BT_ERR_LIMIT);
	assert_int_equal(lp_row_line(&s.r, 0, small, 0), BT_ERR_LIMIT);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_unit),
		cmocka_unit_test(test_status_line),
		cmocka_unit_test(test_status_line_widest),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_log_line),
		cmocka_unit_test(test_log_line_bounds),
		cmocka_unit_test(test_row_line),
		cmocka_unit_test(test_row_line_metadata),
		cmocka_unit_test(test_row_line_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
