/* Unit tests for src/tui/view*.c: the pure format functions, table-driven
 * (bars, percentages, peer rows and flags, torrent rows, states and sort
 * orders, map cells, the health and session lines, the too-small check),
 * then each draw function on an off-screen curses screen (output to
 * /dev/null), read back: the torrent list (home) and a torrent's detail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <locale.h>
#include <time.h>
#include <cmocka.h>

#include "offscreen.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/msg.h"
#include "tui/action.h"
#include "tui/model.h"
#include "tui/view.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_bar(void **state)
{
	static const struct {
		const char	*name;
		uint64_t	 done, total;
		int		 width, unicode, filled;
		const char	*want;
	} cases[] = {
		{ "0%", 0, 100, 10, 0, 0, ".........." },
		{ "50%", 50, 100, 10, 0, 5, "#####....." },
		{ "100%", 100, 100, 10, 0, 10, "##########" },
		{ "99.9% is not full", 999, 1000, 10, 0, 9, "#########." },
		{ "over 100%", 7, 5, 4, 0, 4, "####" },
		{ "total 0", 0, 0, 4, 0, 0, "...." },
		{ "width 0", 5, 10, 0, 0, 0, "" },
		{ "utf-8 0%", 0, 10, 3, 1, 0,
		    "\xe2\x96\x91\xe2\x96\x91\xe2\x96\x91" },
		{ "utf-8 50%", 1, 2, 2, 1, 1, "\xe2\x96\x88\xe2\x96\x91" },
		{ "utf-8 100%", 2, 2, 2, 1, 2, "\xe2\x96\x88\xe2\x96\x88" },
	};
	char	buf[64];
	size_t	i;
	int	filled;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		filled = view_format_bar(cases[i].done, cases[i].total,
		    cases[i].width, cases[i].unicode, buf, sizeof(buf));
		if (filled != cases[i].filled || strcmp(buf, cases[i].want))
			fail_msg("%s: got %d \"%s\", want %d \"%s\"",
			    cases[i].name, filled, buf, cases[i].filled,
			    cases[i].want);
	}
	/* a short buffer holds whole glyphs only */
	view_format_bar(1, 1, 10, 1, buf, 8);
	assert_string_equal(buf, "\xe2\x96\x88\xe2\x96\x88");
}

/* Sizes, rates and durations are src/ipc/fmt's (tests/test_fmt.c). */
static void
test_percent(void **state)
{
	static const struct {
		uint64_t	 done, total;
		const char	*want;
	} pct[] = {
		{ 0, 0, "0.0%" }, { 0, 10, "0.0%" }, { 1, 3, "33.3%" },
		{ 1, 2, "50.0%" }, { 999, 1000, "99.9%" },
		{ 9999, 10000, "99.9%" }, { 1, 1, "100.0%" }, { 5, 4, "100.0%" },
		{ UINT64_MAX - 1, UINT64_MAX, "99.9%" },
	};
	char	buf[32];
	size_t	i;

	(void)state;
	for (i = 0; i < N(pct); i++) {
		view_format_percent(pct[i].done, pct[i].total, buf,
		    sizeof(buf));
		if (strcmp(buf, pct[i].want) != 0)
			fail_msg("percent %zu: got %s, want %s", i, buf,
			    pct[i].want);
	}
}

static void
test_peer_flags(void **state)
{
	enum {
		AC = MSG_PEER_AM_CHOKING, AI = MSG_PEER_AM_INTERESTED,
		PC = MSG_PEER_CHOKING, PI = MSG_PEER_INTERESTED,
		OUT = MSG_PEER_OUTGOING, SN = MSG_PEER_SNUBBED,
		OPT = MSG_PEER_OPTIMISTIC,
		UTP = MSG_PEER_T_UTP, MSE = MSG_PEER_T_MSE,
		RC4 = MSG_PEER_T_MSE | MSG_PEER_T_RC4,
	};
	static const struct {
		const char	*name;
		uint8_t		 flags, transport;
		const char	*want;
	} cases[] = {
		{ "fresh outgoing: both choke, nobody wants", AC | PC | OUT, 0,
		    "       " },
		{ "fresh incoming", AC | PC, 0, "    I  " },
		{ "downloading", AC | PC * 0 | AI | OUT, 0, "D      " },
		{ "we want, it chokes", AC | PC | AI | OUT, 0, "d      " },
		{ "it unchokes, we do not want", AC | OUT, 0, "K      " },
		{ "uploading", PC | PI | OUT, 0, " U     " },
		{ "it wants, we choke", AC | PC | PI | OUT, 0, " u     " },
		{ "we unchoke, it does not want", PC | OUT, 0, " ?     " },
		{ "both ways", AI | PI | OUT, 0, "DU     " },
		{ "optimistic", PC | PI | OPT | OUT, 0, " UO    " },
		{ "snubbed incoming", AC | PC | AI | SN, 0, "d  SI  " },
		/* the transport letters, after the five above */
		{ "RC4", AC | PC | OUT, RC4, "     E " },
		{ "MSE, plaintext payload", AC | PC | OUT, MSE, "     e " },
		{ "uTP, plaintext", AC | PC | OUT, UTP, "      P" },
		{ "uTP, MSE, plaintext", AC | PC, UTP | MSE, "    IeP" },
		{ "everything", AI | PI | OPT | SN, UTP | RC4, "DUOSIEP" },
	};
	char	buf[16];
	size_t	i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		view_peers_flags(cases[i].flags, cases[i].transport, buf,
		    sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].name,
			    buf, cases[i].want);
	}
	/* a short buffer is cut, never overrun */
	view_peers_flags(AI | PI | OPT | SN, UTP | RC4, buf, 4);
	assert_string_equal(buf, "DUO");
}

/* The peer detail's "connection:" words for each transport. */
static void
test_peer_transport(void **state)
{
	static const struct {
		uint8_t		 transport;
		const char	*want;
	} rows[] = {
		{ 0, "TCP, plaintext" },
		{ MSG_PEER_T_MSE, "TCP, MSE handshake, plaintext" },
		{ MSG_PEER_T_MSE | MSG_PEER_T_RC4, "TCP, encrypted (RC4)" },
		{ MSG_PEER_T_UTP, "uTP, plaintext" },
		{ MSG_PEER_T_UTP | MSG_PEER_T_MSE,
		    "uTP, MSE handshake, plaintext" },
		{ MSG_PEER_T_ALL, "uTP, encrypted (RC4)" },
		/* what the decoder refuses */
		{ MSG_PEER_T_RC4, "?" },
		{ MSG_PEER_T_UTP | MSG_PEER_T_RC4, "?" },
		{ 8, "?" },
		{ 0xff, "?" },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < N(rows); i++)
		if (strcmp(view_peers_transport(rows[i].transport),
		    rows[i].want) != 0)
			fail_msg("transport %u: got \"%s\", want \"%s\"",
			    rows[i].transport,
			    view_peers_transport(rows[i].transport),
			    rows[i].want);
}

static void
make_peer(struct msg_peer *p, uint32_t id, const char *addr,
    const char *client, uint64_t down)
{
	memset(p, 0, sizeof(*p));
	p->id = id;
	snprintf(p->addr, sizeof(p->addr), "%s", addr);
	snprintf(p->client, sizeof(p->client), "%s", client);
	p->flags = MSG_PEER_AM_INTERESTED | MSG_PEER_OUTGOING |
	    MSG_PEER_AM_CHOKING;
	p->progress_permille = 452;
	p->down_bps = down;
	p->up_bps = 20480;
	p->reqs_out = 12;
	p->reqs_in = 3;
}

/* Every column of the peers table: #, Address 21, Client 18, Flags, Done,
 * Down, Up, Reqs, Src. */
static const int all_peer_cols[VIEW_PEERS_NCOL] = {
	2, 21, 18, 7, 6, 10, 10, 7, 8,
};

static void
test_peer_row(void **state)
{
	int		w[VIEW_PEERS_NCOL];
	struct msg_peer	p;
	char		row[256];

	(void)state;
	make_peer(&p, 1, "10.0.0.1:6881", "Transmission 3.00", 1572864);
	p.transport = MSG_PEER_T_MSE | MSG_PEER_T_RC4;
	view_peers_format_row(&p, all_peer_cols, row, sizeof(row));
	assert_string_equal(row, " 1 10.0.0.1:6881         Transmission 3.00 "
	    " D    E   45.2%  1.5 MiB/s 20.0 KiB/s    12/3 tracker ");
	assert_string_equal(view_peers_col_title(VIEW_PCOL_SRC), "Src");
	assert_string_equal(view_peers_col_title(VIEW_PCOL_DOWN), "Down");
	assert_string_equal(view_peers_col_title(VIEW_PCOL_COUNT), "?");
	/* hidden columns leave no gap; a narrow Client is cut, marked */
	memcpy(w, all_peer_cols, sizeof(w));
	w[0] = w[VIEW_PEERS_COL(VIEW_PCOL_SRC)] = 0;
	w[VIEW_PEERS_COL(VIEW_PCOL_CLIENT)] = 10;
	view_peers_format_row(&p, w, row, sizeof(row));
	assert_string_equal(row, "10.0.0.1:6881         Transmiss~ D    E  "
	    " 45.2%  1.5 MiB/s 20.0 KiB/s    12/3");
	/* an IPv6 peer on loopback fits as it is */
	make_peer(&p, 3, "[::1]:51413", "bttui 0.1.0", 0);
	view_peers_format_row(&p, all_peer_cols, row, sizeof(row));
	assert_memory_equal(row, " 3 [::1]:51413           bttui 0.1.0     "
	    "   ", 44);
	/* a long one loses its middle, not its port; control bytes from the
	 * peer are escaped */
	make_peer(&p, 2, "[2001:db8:1234:5678:9abc:def0:1234:5678]:51413",
	    "evil\x1b[2Jclient", 0);
	view_peers_format_row(&p, all_peer_cols, row, sizeof(row));
	assert_memory_equal(row, " 2 [2001:db8:12..]:51413 evil?[2Jclient",
	    39);
	assert_null(strchr(row, '\x1b'));
	/* a tiny buffer is never overrun */
	view_peers_format_row(&p, all_peer_cols, row, 10);
	assert_int_equal(strlen(row), 9);
}

/* Widths of the peers table by the terminal's width, the sort column and
 * the peers' texts: Address and Client widen first, Src goes first. */
static void
test_peer_layout(void **state)
{
	enum { AD = VIEW_PCOL_ADDR, DN = VIEW_PCOL_DOWN, SR = VIEW_PCOL_SRC,
	    FL = VIEW_PCOL_FLAGS };
	static const char	*long_client = "Deluge 2.1.1 (libtorrent 2.0.9)";
	static const char	*v6 = "[2001:db8:1234:5678:9abc:def0:1234:5678]:"
				    "51413";
	static const struct {
		const char		*name;
		int			 cols, sort;
		const char		*client, *addr;
		int			 want[VIEW_PEERS_NCOL];
	} rows[] = {
		{ "80 columns: all but Src", 80, DN, NULL, NULL,
		    { 1, 13, 11, 7, 6, 10, 10, 7, 0 } },
		{ "120 columns: all", 120, DN, NULL, NULL,
		    { 1, 13, 11, 7, 6, 10, 10, 7, 8 } },
		{ "60 columns: no #, Done, Reqs", 60, DN, NULL, NULL,
		    { 0, 13, 11, 7, 0, 10, 10, 0, 0 } },
		{ "60 columns, sorted by Src: it stays", 60, SR, NULL, NULL,
		    { 0, 13, 11, 7, 0, 10, 0, 0, 8 } },
		{ "a long client name takes the room", 100, DN, "long", NULL,
		    { 1, 13, 29, 7, 6, 10, 10, 7, 8 } },
		{ "...all of it when there is", 140, FL, "long", NULL,
		    { 1, 13, 31, 7, 6, 10, 10, 7, 8 } },
		{ "an IPv6 address at 80 columns", 80, AD, NULL, "v6",
		    { 1, 21, 10, 7, 6, 10, 10, 7, 0 } },
		{ "too narrow for the sort column alone", 5, AD, NULL, NULL,
		    { 0, 13, 0, 0, 0, 0, 0, 0, 0 } },
	};
	struct msg_peer	p[3];
	int		w[VIEW_PEERS_NCOL], c;
	size_t		i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		make_peer(&p[0], 7, "10.0.0.7:6881", "aria2/1.36", 1000);
		make_peer(&p[1], 8, "10.0.0.8:6881", "qBittorrent", 5000);
		make_peer(&p[2], 9, "10.0.0.9:6881", "rtorrent", 3000);
		if (rows[i].client != NULL)
			snprintf(p[1].client, sizeof(p[1].client), "%s",
			    long_client);
		if (rows[i].addr != NULL)
			snprintf(p[2].addr, sizeof(p[2].addr), "%s", v6);
		view_peers_layout(p, 3, rows[i].cols,
		    (enum view_peer_col)rows[i].sort, w);
		for (c = 0; c < VIEW_PEERS_NCOL; c++)
			if (w[c] != rows[i].want[c])
				fail_msg("%s: column %d is %d wide, want %d",
				    rows[i].name, c, w[c], rows[i].want[c]);
	}
	/* ids up to 4 digits: # is 4 wide */
	p[0].id = 1234;
	view_peers_layout(p, 3, 200, VIEW_PCOL_DOWN, w);
	assert_int_equal(w[0], 4);
	/* no peers: the titles still fit */
	view_peers_layout(p, 0, 200, VIEW_PCOL_DOWN, w);
	assert_int_equal(w[VIEW_PEERS_COL(VIEW_PCOL_ADDR)], 8);
	assert_int_equal(w[VIEW_PEERS_COL(VIEW_PCOL_CLIENT)], 7);
}

/* What the peer detail says of the requests each way and of a peer that
 * left. */
static void
test_peer_detail_texts(void **state)
{
	struct msg_req	reqs[MSG_MAX_REQS];
	char		buf[2048];
	uint32_t	i;

	(void)state;
	for (i = 0; i < MSG_MAX_REQS; i++) {
		reqs[i].piece = i;
		reqs[i].begin = 16384;
		reqs[i].length = 16384;
	}
	view_peers_format_reqs("Ours", 2, 2, reqs, buf, sizeof(buf));
	assert_string_equal(buf, "Ours (2):  0@16384+16384  1@16384+16384");
	/* the engine lists 32 of 53: say so, as the table says 53 */
	view_peers_format_reqs("Ours", 32, 53, reqs, buf, sizeof(buf));
	assert_memory_equal(buf, "Ours (32 of 53):  0@16384+16384", 31);
	assert_non_null(strstr(buf, "  31@16384+16384"));
	assert_null(strstr(buf, "  32@"));
	view_peers_format_reqs("Ours", 0, 0, reqs, buf, sizeof(buf));
	assert_string_equal(buf, "Ours: none");
	/* counts that disagree the other way, a count past the array */
	view_peers_format_reqs("Ours", 3, 1, reqs, buf, sizeof(buf));
	assert_memory_equal(buf, "Ours (3):", 9);
	view_peers_format_reqs("Ours", UINT32_MAX, UINT32_MAX, reqs, buf,
	    sizeof(buf));
	assert_memory_equal(buf, "Ours (32 of 4294967295):", 24);
	memset(buf, '#', sizeof(buf));
	view_peers_format_reqs("Ours", 32, 53, reqs, buf, 20);
	assert_int_equal(strlen(buf), 19);
	assert_int_equal(buf[20], '#');
	view_peers_format_gone(12345, "closed by peer", buf, sizeof(buf));
	assert_string_equal(buf, "disconnected 12s ago (closed by peer); the "
	    "numbers below are its last");
	view_peers_format_gone(312000, "", buf, sizeof(buf));
	assert_string_equal(buf, "disconnected 5m12s ago; the numbers below "
	    "are its last");
}

/* Each source as the Src column and the peer detail name it. */
static void
test_peer_src(void **state)
{
	static const struct {
		uint8_t		 src;
		const char	*want;
	} rows[] = {
		{ MSG_PEER_SRC_TRACKER, "tracker" },
		{ MSG_PEER_SRC_PEX, "PEX" },
		{ MSG_PEER_SRC_DHT, "DHT" },
		{ MSG_PEER_SRC_INCOMING, "incoming" },
		{ MSG_PEER_SRC_MANUAL, "manual" },
		{ MSG_PEER_SRC_WEBSEED, "web seed" },
		{ 6, "?" },
		{ 255, "?" },
	};
	struct msg_peer	p;
	char		row[256], cell[16];
	size_t		i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		assert_string_equal(view_peers_src(rows[i].src), rows[i].want);
		make_peer(&p, 1, "10.0.0.1:6881", "x", 0);
		p.src = rows[i].src;
		view_peers_format_row(&p, all_peer_cols, row, sizeof(row));
		snprintf(cell, sizeof(cell), " %-8s", rows[i].want);
		if (strcmp(row + strlen(row) - 9, cell) != 0)
			fail_msg("src %u: row \"%s\"", rows[i].src, row);
	}
}

/* Addresses into a column: whole when they fit, IPv6 cut in the middle. */
static void
test_peer_addr_fit(void **state)
{
	static const struct {
		const char	*in;
		int		 width;
		const char	*want;
	} rows[] = {
		{ "10.0.0.1:6881", 21, "10.0.0.1:6881" },
		{ "255.255.255.255:65535", 21, "255.255.255.255:65535" },
		{ "[::1]:6881", 21, "[::1]:6881" },
		{ "[::ffff:127.0.0.1]:6881", 23, "[::ffff:127.0.0.1]:6881" },
		{ "[::ffff:127.0.0.1]:6881", 21, "[::ffff:127.0..]:6881" },
		{ "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535", 21,
		    "[ffff:ffff:f..]:65535" },
		{ "[2001:db8::1]:80", 12, "[2001:..]:80" },
		/* too narrow for any of the host: whole, view_fit cuts it */
		{ "[2001:db8::1]:65535", 9, "[2001:db8::1]:65535" },
		{ "not-an-address", 5, "not-an-address" },
		{ "", 21, "" },
	};
	char	out[64];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		view_peers_fit_addr(rows[i].in, rows[i].width, out,
		    sizeof(out));
		if (strcmp(out, rows[i].want) != 0)
			fail_msg("'%s' in %d: got '%s', want '%s'", rows[i].in,
			    rows[i].width, out, rows[i].want);
		if (strcmp(rows[i].in, rows[i].want) != 0 &&
		    strlen(out) != (size_t)rows[i].width)
			fail_msg("'%s' in %d: '%s' is not the width",
			    rows[i].in, rows[i].width, out);
	}
	view_peers_fit_addr("[2001:db8::1]:6881", 12, out, 4);	/* small */
	assert_string_equal(out, "[20");
}

static void
test_peer_sort(void **state)
{
	struct msg_peer	p[4];
	uint32_t	order[4];

	(void)state;
	make_peer(&p[0], 10, "10.0.0.3:1", "b", 100);
	make_peer(&p[1], 11, "10.0.0.1:1", "A", 300);
	make_peer(&p[2], 12, "10.0.0.2:1", "c", 100);
	make_peer(&p[3], 13, "10.0.0.4:1", "d", 200);
	view_peers_sort(p, 4, VIEW_PCOL_DOWN, 0, order);
	/* fastest first; equal rates by id */
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 0);
	assert_int_equal(order[3], 2);
	view_peers_sort(p, 4, VIEW_PCOL_DOWN, 1, order);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[3], 1);
	view_peers_sort(p, 4, VIEW_PCOL_ADDR, 0, order);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[3], 3);
	/* addresses as numbers: family, address, port; then the rest */
	{
		static const char *const addrs[] = {
			"http://seed.example/x", "[::1]:6881",
			"127.0.0.1:40579", "10.0.0.10:1", "[::1]:80",
			"127.0.0.1:7005", "10.0.0.9:2", "[2001:db8::1]:1",
			"not:an:address",
		};
		static const char *const want[] = {
			"10.0.0.9:2", "10.0.0.10:1", "127.0.0.1:7005",
			"127.0.0.1:40579", "[::1]:80", "[::1]:6881",
			"[2001:db8::1]:1", "http://seed.example/x",
			"not:an:address",
		};
		struct msg_peer	a[N(addrs)];
		uint32_t	o[N(addrs)];
		size_t		i;

		for (i = 0; i < N(addrs); i++)
			make_peer(&a[i], (uint32_t)i, addrs[i], "x", 0);
		view_peers_sort(a, N(addrs), VIEW_PCOL_ADDR, 0, o);
		for (i = 0; i < N(addrs); i++)
			if (strcmp(a[o[i]].addr, want[i]) != 0)
				fail_msg("by address, row %zu: %s, want %s",
				    i, a[o[i]].addr, want[i]);
		view_peers_sort(a, N(addrs), VIEW_PCOL_ADDR, 1, o);
		assert_string_equal(a[o[0]].addr, "not:an:address");
		assert_string_equal(a[o[N(addrs) - 1]].addr, "10.0.0.9:2");
	}
	/* text is case-blind: "A" < "b" */
	view_peers_sort(p, 4, VIEW_PCOL_CLIENT, 0, order);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
	assert_int_equal(view_peers_compare(&p[0], &p[0], VIEW_PCOL_UP), 0);
	/* by source, as the names read: DHT, incoming, PEX, tracker */
	p[0].src = MSG_PEER_SRC_TRACKER;
	p[1].src = MSG_PEER_SRC_PEX;
	p[2].src = MSG_PEER_SRC_INCOMING;
	p[3].src = MSG_PEER_SRC_DHT;
	view_peers_sort(p, 4, VIEW_PCOL_SRC, 0, order);
	assert_int_equal(order[0], 3);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 1);
	assert_int_equal(order[3], 0);
	/* by flags: the choke/interest bits first, the transport breaks
	 * their ties (RC4 above MSE above plaintext), then the id */
	p[0].transport = 0;
	p[1].transport = MSG_PEER_T_MSE;
	p[2].transport = MSG_PEER_T_MSE | MSG_PEER_T_RC4;
	p[3].transport = MSG_PEER_T_ALL;
	p[3].flags = MSG_PEER_OUTGOING;		/* fewer bits than the rest */
	view_peers_sort(p, 4, VIEW_PCOL_FLAGS, 0, order);
	assert_int_equal(order[0], 2);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 0);
	assert_int_equal(order[3], 3);
	view_peers_sort(p, 0, VIEW_PCOL_UP, 0, order);
}


/* --- the torrent list (view_torrents.c) and view_sort_order ------------- */

static void
make_row(struct msg_torrent_row *r, uint32_t id, const char *name,
    uint8_t state)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	memset(r->info_hash, (int)id, sizeof(r->info_hash));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->state = state;
	r->total_bytes = 524288000;
	r->done_bytes = 262144000;
	r->down_bps = 1572864;
	r->up_bps = 20480;
	r->eta_s = 312;
	r->ratio_milli = 120;
	r->peers_connected = 3;
	r->peers_known = 40;
}

static void
test_torrent_state(void **state)
{
	static const struct {
		uint8_t		 state;
		uint32_t	 queue_pos;
		const char	*want;
	} rows[] = {
		{ MSG_STATE_STARTING, 0, "starting" },
		{ MSG_STATE_CHECKING, 0, "checking" },
		{ MSG_STATE_DOWNLOADING, 0, "downloading" },
		{ MSG_STATE_SEEDING, 0, "seeding" },
		{ MSG_STATE_PAUSED, 0, "paused" },
		{ MSG_STATE_ERROR, 0, "error" },
		{ MSG_STATE_STOPPING, 0, "done" },
		{ MSG_STATE_QUEUED, 1, "queued #1" },
		{ MSG_STATE_QUEUED, 4000000000u, "queued #4000000000" },
		{ MSG_STATE_METADATA, 0, "metadata" },
		{ 99, 0, "starting" },
	};
	struct msg_torrent_row	r;
	char			buf[32];
	size_t			i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		make_row(&r, 1, "x", rows[i].state);
		r.queue_pos = rows[i].queue_pos;
		view_torrents_state(&r, buf, sizeof(buf));
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("state %u: got \"%s\"", rows[i].state, buf);
	}
	make_row(&r, 1, "x", MSG_STATE_DOWNLOADING);
	view_torrents_state(&r, buf, 5);
	assert_string_equal(buf, "down");
}

/* Every column of the torrent list, the name name wide. */
static void
all_torrent_cols(int name, int *w)
{
	static const int	fixed[VIEW_TCOL_COUNT] = {
		0, 12, 6, 8, 10, 10, 7, 6, 6,
	};

	memcpy(w, fixed, sizeof(fixed));
	w[VIEW_TCOL_NAME] = name;
}

/* A magnet link's row: Done counts its metadata's pieces. */
static void
meta_done_rows(void)
{
	static const struct {
		uint32_t	 have, pieces;
		const char	*want;		/* the Done column */
	} rows[] = {
		{ 0, 0, "     -" },		/* no size yet */
		{ 3, 12, "  3/12" },
		{ 0, 1, "   0/1" },
		{ 99, 100, "99/100" },
		{ 100, 1000, " 10.0%" },	/* too wide: its share */
		{ 1023, 1024, " 99.9%" },
		{ UINT32_MAX, UINT32_MAX, "100.0%" },
	};
	struct msg_torrent_row	r;
	char			buf[1024];
	int			w[VIEW_TCOL_COUNT];
	size_t			i;
	int			x = 10 + 1 + 12 + 1;	/* name, state */

	all_torrent_cols(10, w);
	for (i = 0; i < N(rows); i++) {
		make_row(&r, 1, "magnet", MSG_STATE_METADATA);
		r.meta_have = rows[i].have;
		r.meta_pieces = rows[i].pieces;
		view_torrents_format_row(&r, w, buf, sizeof(buf));
		assert_int_equal(strlen(buf), 83);
		if (strncmp(buf + x, rows[i].want, 6) != 0)
			fail_msg("meta %u/%u: got \"%.6s\", want \"%s\"",
			    rows[i].have, rows[i].pieces, buf + x,
			    rows[i].want);
		assert_memory_equal(buf + 11, "metadata    ", 12);
	}
	/* other states keep the share of the data */
	make_row(&r, 1, "x", MSG_STATE_DOWNLOADING);
	r.meta_have = 3;
	r.meta_pieces = 12;
	view_torrents_format_row(&r, w, buf, sizeof(buf));
	assert_memory_equal(buf + x, " 50.0%", 6);
}

static void
test_torrent_row(void **state)
{
	static const struct {
		const char	*name;
		uint8_t		 state;
		int		 name_width;
		const char	*want;
	} rows[] = {
		{ "debian.iso", MSG_STATE_DOWNLOADING, 12, "debian.iso   "
		    "downloading   50.0%  500 MiB  1.5 MiB/s 20.0 KiB/s   5m12s"
		    "   0.12      3" },
		/* the ETA only while downloading, no download rate when
		 * seeding */
		{ "debian.iso", MSG_STATE_SEEDING, 10, "debian.iso seeding     "
		    "  50.0%  500 MiB      0 B/s 20.0 KiB/s       -   0.12    "
		    "  3" },
		/* a long name is cut to its column, marked, control bytes as
		 * '?'; no rates while paused or queued */
		{ "a-very-long-torrent-name", MSG_STATE_PAUSED, 10,
		    "a-very-lo~ paused        50.0%  500 MiB      0 B/s      0 "
		    "B/s       -   0.12      3" },
		{ "evil\x1b[2J", MSG_STATE_QUEUED, 10, "evil?[2J   queued #0  "
		    "   50.0%  500 MiB      0 B/s      0 B/s       -   0.12    "
		    "  3" },
	};
	struct msg_torrent_row	r;
	char			buf[1024];
	int			w[VIEW_TCOL_COUNT];
	size_t			i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		make_row(&r, 1, rows[i].name, rows[i].state);
		all_torrent_cols(rows[i].name_width, w);
		view_torrents_format_row(&r, w, buf, sizeof(buf));
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("row %zu:\n got \"%s\"\nwant \"%s\"", i, buf,
			    rows[i].want);
	}
	/* wide numbers stay in their columns */
	meta_done_rows();
	all_torrent_cols(10, w);
	make_row(&r, 1, "x", MSG_STATE_DOWNLOADING);
	r.total_bytes = r.done_bytes = UINT64_MAX;
	r.down_bps = r.up_bps = UINT64_MAX;
	r.eta_s = INT64_MAX;
	r.ratio_milli = UINT32_MAX;
	r.peers_connected = r.peers_known = 99999;
	view_torrents_format_row(&r, w, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 83);
	/* hidden columns leave no gap */
	w[VIEW_TCOL_SIZE] = w[VIEW_TCOL_RATIO] = 0;
	make_row(&r, 1, "x", MSG_STATE_SEEDING);
	view_torrents_format_row(&r, w, buf, sizeof(buf));
	assert_string_equal(buf, "x          seeding       50.0%      0 B/s "
	    "20.0 KiB/s       -      3");
	/* a small buffer is never overrun */
	memset(buf, '#', sizeof(buf));
	view_torrents_format_row(&r, w, buf, 20);
	assert_int_equal(strlen(buf), 19);
	assert_int_equal(buf[20], '#');
	view_torrents_format_row(&r, w, buf, 0);
	assert_int_equal(buf[0], 'x');
}

/* The list's columns by the terminal's width: the name widens first;
 * Ratio, then Peers, go when it is narrow, never the sort column. */
static void
test_torrent_layout(void **state)
{
	static const struct {
		int		 cols, sort;
		const char	*name;
		int		 want[VIEW_TCOL_COUNT];
	} rows[] = {
		{ 80, VIEW_TCOL_NAME, "debian-12.5.0-amd64-netinst.iso",
		    { 20, 12, 6, 8, 10, 10, 7, 0, 0 } },
		{ 80, VIEW_TCOL_NAME, "x.iso",
		    { 5, 12, 6, 8, 10, 10, 7, 6, 6 } },
		{ 100, VIEW_TCOL_NAME, "debian-12.5.0-amd64-netinst.iso",
		    { 26, 12, 6, 8, 10, 10, 7, 6, 6 } },
		{ 120, VIEW_TCOL_NAME, "debian-12.5.0-amd64-netinst.iso",
		    { 31, 12, 6, 8, 10, 10, 7, 6, 6 } },
		{ 80, VIEW_TCOL_RATIO, "debian-12.5.0-amd64-netinst.iso",
		    { 22, 12, 6, 0, 10, 10, 7, 6, 0 } },
		{ 60, VIEW_TCOL_NAME, "debian-12.5.0-amd64-netinst.iso",
		    { 28, 12, 6, 0, 10, 0, 0, 0, 0 } },
	};
	struct msg_torrent_row	r;
	int			w[VIEW_TCOL_COUNT], c;
	size_t			i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		make_row(&r, 1, rows[i].name, MSG_STATE_DOWNLOADING);
		view_torrents_layout(&r, 1, rows[i].cols,
		    (enum view_torrent_col)rows[i].sort, w);
		for (c = 0; c < VIEW_TCOL_COUNT; c++)
			if (w[c] != rows[i].want[c])
				fail_msg("%d cols, %s: column %d is %d, want "
				    "%d", rows[i].cols, rows[i].name, c, w[c],
				    rows[i].want[c]);
	}
	assert_string_equal(view_torrents_col_title(VIEW_TCOL_NAME), "Name");
	assert_string_equal(view_torrents_col_title(VIEW_TCOL_PEERS), "Peers");
	assert_string_equal(view_torrents_col_title(VIEW_TCOL_COUNT), "?");
}

/* Each column's order: text ascending and case-blind, numbers biggest
 * first, the ETA soonest first with unknown last; ties by id. */
static void
test_torrent_compare(void **state)
{
	static const struct {
		const char		*what;
		enum view_torrent_col	 col;
		int			 want;	/* a against b */
	} rows[] = {
		{ "name", VIEW_TCOL_NAME, -1 },
		{ "state", VIEW_TCOL_STATE, 1 },
		{ "progress", VIEW_TCOL_PROGRESS, 1 },
		{ "size", VIEW_TCOL_SIZE, -1 },
		{ "down", VIEW_TCOL_DOWN, 1 },
		{ "up", VIEW_TCOL_UP, -1 },
		{ "eta", VIEW_TCOL_ETA, -1 },
		{ "ratio", VIEW_TCOL_RATIO, 1 },
		{ "peers", VIEW_TCOL_PEERS, -1 },
	};
	struct msg_torrent_row	a, b;
	size_t			i;
	int			c;

	(void)state;
	make_row(&a, 5, "alpha", MSG_STATE_SEEDING);
	make_row(&b, 4, "Beta", MSG_STATE_DOWNLOADING);
	a.done_bytes = 100;		/* a: less done, bigger, slower */
	a.total_bytes = 1000;
	b.done_bytes = 50;
	b.total_bytes = 100;
	a.down_bps = 1;
	b.down_bps = 2;
	a.up_bps = 9;
	b.up_bps = 8;
	a.eta_s = 60;
	b.eta_s = -1;			/* unknown: last */
	a.ratio_milli = 1;
	b.ratio_milli = 2;
	a.peers_connected = 7;
	b.peers_connected = 6;
	for (i = 0; i < N(rows); i++) {
		/* only a downloading torrent has an ETA to sort by */
		a.state = rows[i].col == VIEW_TCOL_ETA ?
		    MSG_STATE_DOWNLOADING : MSG_STATE_SEEDING;
		c = view_torrents_compare(&a, &b, rows[i].col);
		if (c != rows[i].want ||
		    view_torrents_compare(&b, &a, rows[i].col) != -c)
			fail_msg("%s: %d", rows[i].what, c);
	}
	/* seeding, a's ETA is shown as unknown, as b's: by id */
	a.state = MSG_STATE_SEEDING;
	assert_int_equal(view_torrents_compare(&a, &b, VIEW_TCOL_ETA), 1);
	/* equal in a column: by id, whatever the column */
	b = a;
	b.id = 6;
	for (i = 0; i < VIEW_TCOL_COUNT; i++) {
		assert_int_equal(view_torrents_compare(&a, &b,
		    (enum view_torrent_col)i), -1);
		assert_int_equal(view_torrents_compare(&a, &a,
		    (enum view_torrent_col)i), 0);
	}
	/* an empty torrent counts as complete */
	b.total_bytes = b.done_bytes = 0;
	a.done_bytes = a.total_bytes - 1;
	assert_int_equal(view_torrents_compare(&b, &a, VIEW_TCOL_PROGRESS), -1);
	/* huge sizes do not overflow the percentage */
	a.total_bytes = UINT64_MAX;
	a.done_bytes = UINT64_MAX / 2;
	b.total_bytes = 100;
	b.done_bytes = 51;
	assert_int_equal(view_torrents_compare(&b, &a, VIEW_TCOL_PROGRESS), -1);
}

static void
test_torrent_sort(void **state)
{
	static const struct {
		enum view_torrent_col	 col;
		int			 invert;
		uint32_t		 want[5];	/* ids */
	} rows[] = {
		{ VIEW_TCOL_NAME, 0, { 11, 10, 13, 14, 12 } },
		{ VIEW_TCOL_NAME, 1, { 12, 14, 13, 10, 11 } },
		{ VIEW_TCOL_STATE, 0, { 10, 11, 12, 13, 14 } },
		/* equal down rates: by id, inverted too */
		{ VIEW_TCOL_DOWN, 0, { 13, 10, 12, 11, 14 } },
		{ VIEW_TCOL_DOWN, 1, { 14, 11, 12, 10, 13 } },
	};
	static const char *const	names[] = {
		"debian.iso", "Arch.iso", "ubuntu.iso", "fedora.iso",
		"mint.iso",
	};
	static const uint8_t		states[] = {
		MSG_STATE_DOWNLOADING, MSG_STATE_SEEDING, MSG_STATE_PAUSED,
		MSG_STATE_ERROR, MSG_STATE_QUEUED,
	};
	static const uint64_t		down[] = { 500, 100, 500, 900, 0 };
	struct msg_torrent_row		t[5];
	uint32_t			order[5];
	size_t				i, k;

	(void)state;
	for (i = 0; i < 5; i++) {
		make_row(&t[i], (uint32_t)(10 + i), names[i], states[i]);
		t[i].down_bps = down[i];
	}
	for (i = 0; i < N(rows); i++) {
		view_torrents_sort(t, 5, rows[i].col, rows[i].invert, order);
		for (k = 0; k < 5; k++)
			if (t[order[k]].id != rows[i].want[k])
				fail_msg("col %d%s: row %zu is %u", rows[i].col,
				    rows[i].invert ? " inverted" : "", k,
				    t[order[k]].id);
	}
	view_torrents_sort(t, 0, VIEW_TCOL_NAME, 0, order);
	view_torrents_sort(t, 1, VIEW_TCOL_NAME, 1, order);
	assert_int_equal(order[0], 0);
}

struct keyed {
	const int	*keys;
};

static int
cmp_keyed(const void *arg, uint32_t i, uint32_t j)
{
	const struct keyed	*k = arg;

	return (k->keys[i] > k->keys[j]) - (k->keys[i] < k->keys[j]);
}

/* The generic sort behind the peers and torrents: sorted, and stable
 * (equal keys keep their order), at every size up to its bound. */
static void
test_sort_order(void **state)
{
	static int	keys[MODEL_MAX_PEERS + MODEL_MAX_TORRENTS];
	static uint32_t	order[MODEL_MAX_PEERS + MODEL_MAX_TORRENTS];
	static const size_t sizes[] = {
		0, 1, 2, 3, 7, 8, 9, 100, 1023, 1025,
		MODEL_MAX_PEERS + MODEL_MAX_TORRENTS,
	};
	struct keyed	k = { keys };
	uint32_t	seed = 12345;
	size_t		s, i, n;

	(void)state;
	for (s = 0; s < N(sizes); s++) {
		n = sizes[s];
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			keys[i] = (int)(seed >> 16) % 17;	/* many ties */
		}
		memset(order, 0xff, sizeof(order));
		view_sort_order(order, n, cmp_keyed, &k);
		for (i = 0; i + 1 < n; i++) {
			if (keys[order[i]] > keys[order[i + 1]] ||
			    (keys[order[i]] == keys[order[i + 1]] &&
			    order[i] > order[i + 1]))
				fail_msg("n %zu: rows %zu and %zu out of order",
				    n, i, i + 1);
		}
		/* a permutation: each index once */
		for (i = 0; i < n; i++)
			keys[order[i]] = -1;
		for (i = 0; i < n; i++)
			if (keys[i] != -1)
				fail_msg("n %zu: index %zu missing", n, i);
		if (n < N(order))
			assert_int_equal(order[n], UINT32_MAX);
	}
}

/* The home screen's totals line. */
static void
test_header_session(void **state)
{
	struct msg_session	ss;
	char			buf[256];

	(void)state;
	memset(&ss, 0, sizeof(ss));
	ss.num_torrents = 3;
	ss.active = 2;
	ss.queued = 1;
	ss.max_active = 5;
	ss.peers_connected = 4;
	ss.down_bps = 1572864;
	ss.up_bps = 20480;
	ss.port = 6881;
	view_header_session(&ss, 1, 200, 0, buf, sizeof(buf));
	assert_string_equal(buf, "D: 1.5 MiB/s  U: 20.0 KiB/s  torrents 3 "
	    "(2 active, 1 queued, at most 5)  peers 4  port 6881");
	ss.max_down_bps = 102400;
	ss.max_up_bps = 1024;
	view_header_session(&ss, 1, 200, 1, buf, sizeof(buf));
	assert_string_equal(buf, "\xe2\x86\x93 1.5 MiB/s [max 100 KiB/s]  "
	    "\xe2\x86\x91 20.0 KiB/s [max 1.0 KiB/s]  torrents 3 (2 active, "
	    "1 queued, at most 5)  peers 4  port 6881");
	/* 80 columns: no limits, the queue in short; 60: no port */
	view_header_session(&ss, 1, 78, 0, buf, sizeof(buf));
	assert_string_equal(buf, "D: 1.5 MiB/s  U: 20.0 KiB/s  torrents 3 "
	    "(2 active)  peers 4  port 6881");
	view_header_session(&ss, 1, 58, 0, buf, sizeof(buf));
	assert_string_equal(buf, "D: 1.5 MiB/s  U: 20.0 KiB/s  torrents 3 "
	    "(2 active)  peers 4");
	/* nothing active: no rate, whatever the engine's fall off */
	ss.active = 0;
	view_header_session(&ss, 1, 61, 0, buf, sizeof(buf));
	assert_string_equal(buf, "D: 0 B/s  U: 0 B/s  torrents 3 (0 active)  "
	    "peers 4  port 6881");
	ss.active = 2;
	/* turtle mode: said first, its limits shown as those in force; it
	 * stays when the limits go */
	ss.turtle = 1;
	ss.alt_down_bps = 51200;
	ss.alt_up_bps = 0;
	view_header_session(&ss, 1, 200, 0, buf, sizeof(buf));
	assert_string_equal(buf, "turtle D:50.0 KiB/s U:none  D: 1.5 MiB/s  "
	    "U: 20.0 KiB/s  torrents 3 (2 active, 1 queued, at most 5)  "
	    "peers 4  port 6881");
	view_header_session(&ss, 1, 90, 1, buf, sizeof(buf));
	assert_string_equal(buf, "turtle \xe2\x86\x93" "50.0 KiB/s "
	    "\xe2\x86\x91none  \xe2\x86\x93 1.5 MiB/s  \xe2\x86\x91 20.0 KiB/s  "
	    "torrents 3 (2 active)  peers 4");
	ss.turtle = 0;
	/* no engine: its rates are stale */
	view_header_session(&ss, 0, 200, 0, buf, sizeof(buf));
	assert_string_equal(buf, "D: -  U: -  torrents 3");
	view_header_session(&ss, 0, 200, 1, buf, sizeof(buf));
	assert_string_equal(buf, "\xe2\x86\x93 -  \xe2\x86\x91 -  torrents 3");
	memset(buf, '#', sizeof(buf));
	view_header_session(&ss, 1, 200, 0, buf, 12);
	assert_string_equal(buf, "D: 1.5 MiB/");
	assert_int_equal(buf[12], '#');
}

/* The torrent's stats line: what it says of each state, how it shortens
 * to fit, the peers from the list. */
static void
test_header_stats(void **state)
{
	enum { DL = MSG_STATE_DOWNLOADING, SEED = MSG_STATE_SEEDING,
	    PAUSE = MSG_STATE_PAUSED };
	static const struct {
		const char	*name;
		uint8_t		 state;
		int		 list;	/* peers from a list: 7, 5 seeds, 6
					 * incoming */
		uint32_t	 limit;	/* seed ratio, thousandths */
		uint64_t	 max;	/* download limit */
		int		 width;
		const char	*want;
	} rows[] = {
		{ "downloading, wide", DL, 0, 0, 0, 200, "D: 1.5 MiB/s  U: 20.0 "
		    "KiB/s  ETA 5m12s  ratio 0.120  peers 3 connected (1 seed), "
		    "40 known" },
		{ "80 columns", DL, 0, 0, 0, 79, "D: 1.5 MiB/s  U: 20.0 KiB/s  "
		    "ETA 5m12s  ratio 0.120  peers 3 (1 seed), 40 known" },
		{ "more connected than known: why", DL, 1, 0, 0, 200,
		    "D: 1.5 MiB/s  U: 20.0 KiB/s  ETA 5m12s  ratio 0.120  peers "
		    "7 connected (5 seeds, 6 incoming), 2 known" },
		{ "limits go before the ratio", DL, 0, 0, 102400, 79, "D: 1.5 "
		    "MiB/s  U: 20.0 KiB/s  ETA 5m12s  ratio 0.120  peers 3 (1 "
		    "seed), 40 known" },
		{ "limits, wide", DL, 0, 0, 102400, 200, "D: 1.5 MiB/s [max 100 "
		    "KiB/s]  U: 20.0 KiB/s  ETA 5m12s  ratio 0.120  peers 3 "
		    "connected (1 seed), 40 known" },
		{ "seeding: no ETA, no download, the ratio toward its limit",
		    SEED, 0, 2000, 0, 200, "D: 0 B/s  U: 20.0 KiB/s  ratio 0.120 "
		    "of 2.000 (6.0%)  peers 3 connected (1 seed), 40 known" },
		{ "seeding, 60 columns", SEED, 0, 2000, 0, 60, "D: 0 B/s  "
		    "U: 20.0 KiB/s  ratio 0.120/2.000  peers 3 (1 seed)" },
		{ "seeding, 40 columns", SEED, 0, 2000, 0, 41, "D: 0 B/s  "
		    "U: 20.0 KiB/s  peers 3 (1 seed)" },
		{ "paused: no rates at once", PAUSE, 0, 0, 0, 200, "D: 0 B/s  "
		    "U: 0 B/s  ratio 0.120  peers 3 connected (1 seed), 40 "
		    "known" },
	};
	struct model	*m = model_new("x");
	char		 buf[256];
	size_t		 i, k;

	(void)state;
	assert_non_null(m);
	m->health.state = SUP_RUNNING;
	m->have_status = 1;
	m->status.down_bps = 1572864;
	m->status.up_bps = 20480;
	m->status.eta_s = 312;
	m->status.ratio_milli = 120;
	m->status.peers_connected = 3;
	m->status.seeds_connected = 1;
	for (i = 0; i < N(rows); i++) {
		m->status.state = rows[i].state;
		m->status.max_down_bps = rows[i].max;
		m->status.peers_known = rows[i].list ? 2 : 40;
		m->seed_ratio_milli = rows[i].limit;
		m->have_peers = rows[i].list;
		m->npeers = m->peers_total = rows[i].list ? 7 : 0;
		for (k = 0; k < m->npeers; k++) {
			make_peer(&m->peers[k], (uint32_t)k, "10.0.0.1:1", "x",
			    0);
			m->peers[k].flags = (k < 5 ? MSG_PEER_SEED : 0) |
			    (k == 6 ? MSG_PEER_OUTGOING : 0);
		}
		view_header_stats(m, rows[i].width, 0, buf, sizeof(buf));
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("%s:\n got \"%s\"\nwant \"%s\"", rows[i].name,
			    buf, rows[i].want);
		if (view_text_width(buf) > rows[i].width)
			fail_msg("%s: wider than %d", rows[i].name,
			    rows[i].width);
	}
	/* no engine runs: the last one's rates, ETA and peers are stale */
	m->health.state = SUP_GAVE_UP;
	view_header_stats(m, 200, 0, buf, sizeof(buf));
	assert_string_equal(buf, "D: -  U: -  ETA -  ratio 0.120  peers -");
	view_header_stats(m, 200, 1, buf, sizeof(buf));
	assert_string_equal(buf, "\xe2\x86\x93 -  \xe2\x86\x91 -  ETA -  "
	    "ratio 0.120  peers -");
	model_free(m);
}

/* Why a torrent has no peers, from its Trackers rows (issue 16, 10). */
static void
test_header_no_peers(void **state)
{
	static const struct {
		const char	*name;
		uint8_t		 st[3];	/* trackers' status, 0xff: none */
		int		 dht, peers;
		const char	*want;
	} rows[] = {
		{ "all failed", { MSG_TRACKER_ERROR, MSG_TRACKER_ERROR,
		    MSG_TRACKER_ERROR }, 0, 0, "no peers: 3 trackers failed, "
		    "last: error 1" },
		{ "all failed, DHT on", { MSG_TRACKER_ERROR, MSG_TRACKER_ERROR,
		    MSG_TRACKER_ERROR }, 1, 0, "no peers: 3 trackers failed, "
		    "last: error 1" },
		{ "the one failed", { MSG_TRACKER_ERROR, 0xff, 0xff }, 0, 0,
		    "no peers: the tracker failed: error 0" },
		{ "a peer", { MSG_TRACKER_ERROR, MSG_TRACKER_ERROR,
		    MSG_TRACKER_ERROR }, 0, 1, "" },
		{ "one answered", { MSG_TRACKER_ERROR, MSG_TRACKER_OK,
		    MSG_TRACKER_ERROR }, 0, 0, "" },
		{ "no DHT, one trying", { MSG_TRACKER_ERROR,
		    MSG_TRACKER_ANNOUNCING, MSG_TRACKER_ERROR }, 0, 0,
		    "no peers: no tracker answered yet (2 of 3 failed), the "
		    "DHT is off, last: error 2" },
		{ "DHT, one trying", { MSG_TRACKER_ERROR,
		    MSG_TRACKER_ANNOUNCING, MSG_TRACKER_ERROR }, 1, 0, "" },
		{ "first announces", { MSG_TRACKER_ANNOUNCING,
		    MSG_TRACKER_ANNOUNCING, 0xff }, 0, 0, "" },
		{ "no tracker, no DHT", { 0xff, 0xff, 0xff }, 0, 0,
		    "no peers: no tracker, and the DHT is off" },
		{ "no tracker, DHT", { 0xff, 0xff, 0xff }, 1, 0, "" },
	};
	struct model	*m = model_new("x");
	struct msg_tracker *t;
	char		 buf[512];
	size_t		 i, k;
	int		 r;

	(void)state;
	assert_non_null(m);
	m->health.state = SUP_RUNNING;
	m->have_status = m->have_trackers = 1;
	m->status.state = MSG_STATE_DOWNLOADING;
	for (i = 0; i < N(rows); i++) {
		memset(&m->trackers, 0, sizeof(m->trackers));
		for (k = 0; k < 3; k++) {
			if (rows[i].st[k] == 0xff)
				continue;
			t = &m->trackers.t[m->trackers.n++];
			t->status = rows[i].st[k];
			t->kind = MSG_TRACKER_KIND_TRACKER;
			/* error 1 is the newest, error 0 never came back */
			t->last_s = k == 0 ? -1 : k == 1 ? 3 : 40;
			snprintf(t->error, sizeof(t->error), "error %zu", k);
		}
		if (rows[i].dht)
			m->trackers.t[m->trackers.n++].kind =
			    MSG_TRACKER_KIND_DHT;
		m->status.peers_connected = (uint32_t)rows[i].peers;
		r = view_header_no_peers(m, buf, sizeof(buf));
		if (strcmp(buf, rows[i].want) != 0 || r != (buf[0] != '\0'))
			fail_msg("%s:\n got %d \"%s\"\nwant \"%s\"",
			    rows[i].name, r, buf, rows[i].want);
	}
	/* the stats line keeps the rates (and limits), then says why */
	m->trackers.n = 1;
	m->trackers.t[0].status = MSG_TRACKER_ERROR;
	m->trackers.t[0].kind = MSG_TRACKER_KIND_TRACKER;
	snprintf(m->trackers.t[0].error, sizeof(m->trackers.t[0].error),
	    "Could not resolve host: tracker.invalid");
	m->status.peers_connected = 0;
	m->status.max_down_bps = 2048;
	assert_int_equal(view_header_stats(m, 200, 0, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "D: 0 B/s [max 2.0 KiB/s]  U: 0 B/s  no "
	    "peers: the tracker failed: Could not resolve host: "
	    "tracker.invalid");
	/* paused: it looks for none */
	m->status.state = MSG_STATE_PAUSED;
	assert_int_equal(view_header_no_peers(m, buf, sizeof(buf)), 0);
	assert_int_equal(view_header_stats(m, 200, 0, buf, sizeof(buf)), 0);
	model_free(m);
}

/* The text right of the header's bar, and when it completed. */
static void
test_header_progress(void **state)
{
	struct model	*m = model_new("x");
	char		 buf[256];

	(void)state;
	assert_non_null(m);
	m->have_status = 1;
	m->status.total_bytes = 524288000;
	m->status.done_bytes = 262144000;
	m->status.pieces_have = 1000;
	m->status.num_pieces = 2000;
	view_header_progress(m, 200, buf, sizeof(buf));
	assert_string_equal(buf, " 50.0%  250 MiB / 500 MiB  pieces "
	    "1000/2000");
	view_header_progress(m, 30, buf, sizeof(buf));
	assert_string_equal(buf, " 50.0%  250 MiB / 500 MiB");
	/* complete, and the front saw when: 01:02 UTC, the same day */
	memset(m->status.info_hash, 7, 20);
	m->status.done_bytes = m->status.total_bytes;
	m->status.pieces_have = 2000;
	m->wall_s = 3723;
	m->ndone = 1;
	memset(m->done[0].info_hash, 7, 20);
	m->done[0].wall_s = 3723;
	view_header_progress(m, 200, buf, sizeof(buf));
	assert_string_equal(buf, "100.0%  500 MiB / 500 MiB  pieces "
	    "2000/2000  complete at 01:02");
	view_header_progress(m, 50, buf, sizeof(buf));
	assert_string_equal(buf, "100.0%  500 MiB / 500 MiB  complete at "
	    "01:02");
	view_header_progress(m, 20, buf, sizeof(buf));
	assert_string_equal(buf, "100.0%  500 MiB / 500 MiB");
	/* a day later the date says which day */
	m->wall_s = 3723 + 86400;
	view_header_progress(m, 200, buf, sizeof(buf));
	assert_string_equal(buf, "100.0%  500 MiB / 500 MiB  pieces "
	    "2000/2000  complete at 01 Jan 01:02");
	/* not seen completing: nothing said */
	m->ndone = 0;
	view_header_progress(m, 200, buf, sizeof(buf));
	assert_string_equal(buf, "100.0%  500 MiB / 500 MiB  pieces "
	    "2000/2000");
	model_free(m);
}

static void
test_piece_cells(void **state)
{
	enum {
		M = MSG_PIECE_MISSING, R = MSG_PIECE_REQUESTED,
		D = MSG_PIECE_DOWNLOADING, H = MSG_PIECE_HAVE,
		U = MSG_PIECE_UNAVAILABLE,
	};
	static const struct {
		const char	*name;
		uint8_t		 states[8];
		size_t		 n;
		enum view_cell	 want;
		unsigned	 eighths;
	} cases[] = {
		{ "one have", { H }, 1, VIEW_CELL_HAVE, 0 },
		{ "one missing", { M }, 1, VIEW_CELL_MISSING, 0 },
		{ "one unavailable", { U }, 1, VIEW_CELL_UNAVAILABLE, 0 },
		{ "one requested", { R }, 1, VIEW_CELL_REQUESTED, 0 },
		{ "one downloading", { D }, 1, VIEW_CELL_DOWNLOADING, 0 },
		{ "all have", { H, H, H, H }, 4, VIEW_CELL_HAVE, 0 },
		{ "any downloading wins", { H, H, M, D }, 4,
		    VIEW_CELL_DOWNLOADING, 0 },
		{ "requested before partial", { H, R, M, M }, 4,
		    VIEW_CELL_REQUESTED, 0 },
		{ "half have", { H, H, M, M }, 4, VIEW_CELL_PARTIAL, 4 },
		{ "one of eight", { H, M, M, M, M, M, M, M }, 8,
		    VIEW_CELL_PARTIAL, 1 },
		{ "seven of eight", { H, H, H, H, H, H, H, M }, 8,
		    VIEW_CELL_PARTIAL, 7 },
		{ "have and unavailable", { H, U }, 2, VIEW_CELL_PARTIAL, 4 },
		{ "all unavailable", { U, U, U }, 3, VIEW_CELL_UNAVAILABLE, 0 },
		{ "missing and unavailable", { M, U }, 2, VIEW_CELL_MISSING,
		    0 },
		{ "empty group", { 0 }, 0, VIEW_CELL_MISSING, 0 },
		{ "bad state byte", { 9 }, 1, VIEW_CELL_MISSING, 0 },
	};
	unsigned	e;
	size_t		i;
	enum view_cell	got;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		got = view_pieces_cell(cases[i].states, cases[i].n, &e);
		if (got != cases[i].want || e != cases[i].eighths)
			fail_msg("%s: got %d/%u, want %d/%u", cases[i].name,
			    got, e, cases[i].want, cases[i].eighths);
	}
}

static void
test_glyphs(void **state)
{
	int	u, a, b;

	(void)state;
	/* every state looks different, in both glyph sets */
	for (u = 0; u < 2; u++)
		for (a = 0; a < VIEW_CELL_COUNT; a++)
			for (b = a + 1; b < VIEW_CELL_COUNT; b++)
				assert_true(wcscmp(view_cell_glyph(a, 4, u),
				    view_cell_glyph(b, 4, u)) != 0);
	assert_true(wcscmp(view_cell_glyph(VIEW_CELL_HAVE, 0, 0), L"#") == 0);
	assert_true(wcscmp(view_cell_glyph(VIEW_CELL_UNAVAILABLE, 0, 0),
	    L"x") == 0);
	assert_true(wcscmp(view_cell_glyph(VIEW_CELL_PARTIAL, 1, 1),
	    L"\u2581") == 0);
	assert_true(wcscmp(view_cell_glyph(VIEW_CELL_PARTIAL, 7, 1),
	    L"\u2587") == 0);
	assert_true(wcscmp(view_cell_glyph(VIEW_CELL_COUNT, 0, 0), L".") == 0);
	assert_int_equal(view_piece_cell(MSG_PIECE_HAVE), VIEW_CELL_HAVE);
	assert_int_equal(view_piece_cell(77), VIEW_CELL_MISSING);
	assert_string_equal(view_cell_name(VIEW_CELL_UNAVAILABLE),
	    "unavailable");
}

static void
test_map_geom(void **state)
{
	static const struct {
		uint32_t	pieces;
		int		cols, rows;
		uint32_t	group, cells;
		int		gcols, grows;
	} cases[] = {
		{ 0, 80, 20, 1, 0, 78, 0 },
		{ 10, 80, 20, 1, 10, 10, 1 },
		{ 100, 80, 20, 1, 100, 78, 2 },
		{ 1326, 80, 20, 1, 1326, 78, 17 },
		{ 1327, 80, 20, 2, 664, 78, 9 },
		{ 1000000, 80, 20, 755, 1325, 78, 17 },
		{ MODEL_MAX_PIECES, 60, 9, 12053, 348, 58, 6 },
		{ 5, 1, 1, 5, 1, 1, 1 },
	};
	struct view_map_geom	g;
	size_t			i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		view_pieces_geom(cases[i].pieces, cases[i].cols, cases[i].rows,
		    &g);
		if (g.group != cases[i].group || g.cells != cases[i].cells ||
		    g.cols != cases[i].gcols || g.rows != cases[i].grows)
			fail_msg("case %zu: got group %u cells %u %dx%d", i,
			    g.group, g.cells, g.cols, g.rows);
		/* every piece has a cell, every cell fits */
		assert_true((uint64_t)g.cells * g.group >= cases[i].pieces);
		assert_true(g.rows <= (cases[i].rows > 4 ? cases[i].rows - 3 :
		    1));
	}
}

static void
test_health(void **state)
{
	static const struct {
		const char	*name;
		enum sup_state	 st;
		long		 pid;
		uint64_t	 up_ms;
		unsigned	 restarts;
		uint64_t	 hb_ms, respawn_ms;
		int		 reg, last_exit, level;
		const char	*want;
		const char	*reason;	/* sup_info.reason */
	} cases[] = {
		{ "fine", SUP_RUNNING, 1234, 312000, 0, 400, 0, 1, -1, 0,
		    "engine 1234  up 5m12s  restarts 0  heartbeat 0.4 s ago",
		    NULL },
		{ "late", SUP_RUNNING, 1234, 312000, 0, 2100, 0, 1, -1, 1,
		    "engine 1234  up 5m12s  restarts 0  heartbeat 2.1 s ago "
		    "(late)", NULL },
		{ "just late", SUP_RUNNING, 9, 60000, 1, 1501, 0, 1, -1, 1,
		    NULL, NULL },
		{ "not late at 1.5 s", SUP_RUNNING, 9, 60000, 1, 1500, 0, 1, -1,
		    0, NULL, NULL },
		{ "starting", SUP_RUNNING, 77, 100, 0, 100, 0, 0, -1, 0,
		    "engine 77  up 0s  restarts 0  heartbeat 0.1 s ago  "
		    "starting...", NULL },
		{ "restarted after a stall", SUP_RUNNING, 88, 2000, 2, 300, 0,
		    1, -1, 1, "engine stopped responding (no heartbeat for "
		    "3.0 s); restarted (2/5)  engine 88  up 2s  restarts 2  "
		    "heartbeat 0.3 s ago",
		    "stopped responding (no heartbeat for 3.0 s)" },
		{ "restarted after kill -9", SUP_RUNNING, 89, 1000, 1, 300, 0,
		    1, -1, 1, "engine killed by signal 9 (SIGKILL); restarted "
		    "(1/5)  engine 89  up 1s  restarts 1  heartbeat 0.3 s ago",
		    "killed by signal 9 (SIGKILL)" },
		{ "restarted after exit 2", SUP_RUNNING, 90, 1000, 1, 300, 0,
		    1, 2, 1, "engine exited with status 2; restarted (1/5)  "
		    "engine 90  up 1s  restarts 1  heartbeat 0.3 s ago",
		    "exited with status 2" },
		{ "restarted, no reason kept", SUP_RUNNING, 91, 1000, 7, 300,
		    0, 1, -1, 1, "engine failed; restarted  engine 91  up 1s  "
		    "restarts 7  heartbeat 0.3 s ago", NULL },
		{ "restarted long ago", SUP_RUNNING, 88, 10000, 2, 300, 0, 1,
		    -1, 0, NULL, NULL },
		{ "backoff", SUP_BACKOFF, 0, 0, 1, 0, 1000, 0, 3, 1,
		    "engine exited with status 3; restarting in 1.0 s  "
		    "restarts 1", "exited with status 3" },
		{ "backoff after kill -9", SUP_BACKOFF, 0, 0, 2, 0, 2500, 0,
		    -1, 1, "engine killed by signal 9 (SIGKILL); restarting "
		    "in 2.5 s  restarts 2", "killed by signal 9 (SIGKILL)" },
		{ "gave up", SUP_GAVE_UP, 0, 0, 5, 0, 0, 0, 3, 2,
		    "engine exited with status 3; the watchdog gave up: press "
		    "R to retry", "exited with status 3" },
		{ "stopped", SUP_STOPPED, 0, 0, 0, 0, 0, 0, -1, 1,
		    "engine not running", NULL },
		{ "finished", SUP_STOPPED, 0, 0, 0, 0, 0, 0, 0, 0,
		    "engine finished (the download is complete): q quits",
		    NULL },
		{ "bad input", SUP_STOPPED, 0, 0, 0, 0, 0, 0, 1, 2, NULL,
		    NULL },
	};
	struct sup_info	h;
	char		buf[256];
	size_t		i;
	int		level;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		memset(&h, 0, sizeof(h));
		h.state = cases[i].st;
		h.pid = (pid_t)cases[i].pid;
		h.uptime_ms = cases[i].up_ms;
		h.restarts = cases[i].restarts;
		h.since_heartbeat_ms = cases[i].hb_ms;
		h.timeout_ms = 3000;
		h.respawn_in_ms = cases[i].respawn_ms;
		h.registered = cases[i].reg;
		h.last_exit = cases[i].last_exit;
		if (cases[i].reason != NULL)
			snprintf(h.reason, sizeof(h.reason), "%s",
			    cases[i].reason);
		view_header_health(&h, buf, sizeof(buf), &level);
		if (level != cases[i].level)
			fail_msg("%s: level %d, want %d (%s)", cases[i].name,
			    level, cases[i].level, buf);
		if (cases[i].want != NULL && strcmp(buf, cases[i].want) != 0)
			fail_msg("%s: got \"%s\"", cases[i].name, buf);
	}
}

static void
test_header_texts(void **state)
{
	struct msg_status	st;
	char			buf[256];

	(void)state;
	memset(&st, 0, sizeof(st));
	st.state = MSG_STATE_CHECKING;
	st.check_permille = 452;
	view_header_state(&st, buf, sizeof(buf));
	assert_string_equal(buf, "checking 45.2%");
	st.state = MSG_STATE_SEEDING;
	view_header_state(&st, buf, sizeof(buf));
	assert_string_equal(buf, "seeding");
	/* the engine's last status after a complete download */
	st.state = MSG_STATE_STOPPING;
	st.total_bytes = st.done_bytes = 1000;
	view_header_state(&st, buf, sizeof(buf));
	assert_string_equal(buf, "complete");
	st.done_bytes = 999;
	view_header_state(&st, buf, sizeof(buf));
	assert_string_equal(buf, "stopping");
	st.state = 99;
	view_header_state(&st, buf, sizeof(buf));
	assert_string_equal(buf, "unknown");
	assert_string_equal(view_name(VIEW_TRACKERS), "Trackers");
	st.state = MSG_STATE_METADATA;
	view_header_state(&st, buf, sizeof(buf));
	assert_string_equal(buf, "fetching metadata");
}

static void
test_header_metadata(void **state)
{
	static const struct {
		uint32_t	 peers, have, pieces;
		const char	*want;
	} rows[] = {
		{ 3, 5, 12, "fetching metadata from 3 peers: 5 of 12 pieces" },
		{ 1, 0, 1, "fetching metadata from 1 peer: 0 of 1 piece" },
		{ 2, 0, 0, "fetching metadata from 2 peers: size not known "
		    "yet" },
		{ 0, 0, 0, "fetching metadata: no peer connected" },
		{ 0, 4, 9, "fetching metadata: no peer connected (4 of 9 "
		    "pieces)" },
		{ UINT32_MAX, UINT32_MAX, UINT32_MAX, "fetching metadata from "
		    "4294967295 peers: 4294967295 of 4294967295 pieces" },
	};
	struct msg_status	st;
	char			buf[128];
	size_t			i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		memset(&st, 0, sizeof(st));
		st.state = MSG_STATE_METADATA;
		st.peers_connected = rows[i].peers;
		st.meta_have = rows[i].have;
		st.meta_pieces = rows[i].pieces;
		view_header_metadata(&st, buf, sizeof(buf));
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("row %zu: got \"%s\"", i, buf);
	}
	view_header_metadata(&st, buf, 10);	/* cut, never overrun */
	assert_string_equal(buf, "fetching ");
}

/* The Trackers view's own lines: the link cut to the width, the private
 * torrent's notice, the rows left to the table. */
static void
test_trackers_info(void **state)
{
	static const char	link[] = "magnet:?xt=urn:btih:0123456789abcdef"
	    "0123456789abcdef01234567&dn=x";	/* 65 bytes */
	static const struct {
		const char	*magnet;
		uint8_t		 flags;
		int		 cols, rows, want_rows;
		const char	*line0, *line1, *last;
	} rows[] = {
		{ link, 0, 100, 20, 2, "Magnet link:", link, link },
		{ link, 0, 30, 20, 4, "Magnet link:",
		    "magnet:?xt=urn:btih:0123456789", "&dn=x" },
		{ link, 0, 65, 20, 2, "Magnet link:", link, link },
		{ link, 0, 64, 20, 3, "Magnet link:", "magnet:?xt=urn:btih:"
		    "0123456789abcdef0123456789abcdef01234567&dn=", "x" },
		{ link, MSG_STATUS_PRIVATE, 100, 20, 2, "Magnet link:   "
		    "private torrent: no PEX, no DHT", link, link },
		{ "", MSG_STATUS_PRIVATE, 100, 20, 1, "private torrent: no "
		    "PEX, no DHT", NULL, NULL },
		{ "", 0, 100, 20, 0, NULL, NULL, NULL },
		/* a short body keeps the table's titles and a row */
		{ link, 0, 10, 5, 3, "Magnet link:", "magnet:?xt", NULL },
		{ link, 0, 10, 2, 0, NULL, NULL, NULL },
	};
	struct msg_status	st;
	char			buf[MSG_MAGNET_MAX + 64];
	size_t			i;
	int			n;

	(void)state;
	assert_int_equal(view_trackers_info_rows(NULL, 100, 20), 0);
	for (i = 0; i < N(rows); i++) {
		memset(&st, 0, sizeof(st));
		snprintf(st.magnet, sizeof(st.magnet), "%s", rows[i].magnet);
		st.flags = rows[i].flags;
		n = view_trackers_info_rows(&st, rows[i].cols, rows[i].rows);
		if (n != rows[i].want_rows)
			fail_msg("row %zu: %d rows, want %d", i, n,
			    rows[i].want_rows);
		if (n < 1)
			continue;
		view_trackers_info_line(&st, rows[i].cols, 0, buf,
		    sizeof(buf));
		assert_string_equal(buf, rows[i].line0);
		if (rows[i].line1 == NULL)
			continue;
		view_trackers_info_line(&st, rows[i].cols, 1, buf,
		    sizeof(buf));
		assert_string_equal(buf, rows[i].line1);
		if (rows[i].last == NULL)
			continue;
		view_trackers_info_line(&st, rows[i].cols, n - 1, buf,
		    sizeof(buf));
		assert_string_equal(buf, rows[i].last);
		/* the whole link, when nothing was cut */
		view_trackers_info_line(&st, rows[i].cols, n, buf,
		    sizeof(buf));
		assert_string_equal(buf, "");
	}
	/* the largest link in the narrowest body, a small buffer */
	memset(st.magnet, 'm', sizeof(st.magnet) - 1);
	st.magnet[sizeof(st.magnet) - 1] = '\0';
	assert_int_equal(view_trackers_info_rows(&st, 1, 10000), 1024);
	view_trackers_info_line(&st, 1, 1023, buf, sizeof(buf));
	assert_string_equal(buf, "m");
	view_trackers_info_line(&st, 1000, 1, buf, 5);
	assert_string_equal(buf, "mmmm");
	view_trackers_info_line(&st, 1000, -1, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

/* The state word: the engine's, unless no engine runs to have one. */
static void
test_header_title(void **state)
{
	static const struct {
		const char	*name;
		enum sup_state	 st;
		int		 last_exit;
		unsigned	 restarts;
		int		 have_status;
		uint8_t		 state;
		const char	*want;
	} cases[] = {
		{ "before the first start", SUP_STOPPED, -1, 0, 0, 0,
		    "waiting for the engine" },
		{ "started, no status yet", SUP_RUNNING, -1, 0, 0, 0,
		    "waiting for the engine" },
		{ "running", SUP_RUNNING, -1, 0, 1, MSG_STATE_DOWNLOADING,
		    "downloading" },
		{ "running after a restart", SUP_RUNNING, 2, 1, 1,
		    MSG_STATE_SEEDING, "seeding" },
		{ "engine error", SUP_RUNNING, -1, 0, 1, MSG_STATE_ERROR,
		    "error" },
		{ "back-off", SUP_BACKOFF, 2, 1, 1, MSG_STATE_DOWNLOADING,
		    "engine not running" },
		{ "back-off before any status", SUP_BACKOFF, -1, 1, 0, 0,
		    "engine not running" },
		{ "gave up", SUP_GAVE_UP, -1, 4, 1, MSG_STATE_DOWNLOADING,
		    "engine not running" },
		{ "bad input", SUP_STOPPED, 1, 0, 1, MSG_STATE_STARTING,
		    "engine not running" },
		{ "finished", SUP_STOPPED, 0, 0, 1, MSG_STATE_SEEDING,
		    "seeding" },
	};
	struct model	*m = model_new("x.torrent");
	char		 buf[64];
	size_t		 i;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < N(cases); i++) {
		memset(&m->health, 0, sizeof(m->health));
		m->health.state = cases[i].st;
		m->health.last_exit = cases[i].last_exit;
		m->health.restarts = cases[i].restarts;
		m->have_status = cases[i].have_status;
		m->status.state = cases[i].state;
		view_header_title(m, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].name,
			    buf, cases[i].want);
	}
	model_free(m);
}

static void
test_too_small(void **state)
{
	static const struct {
		int	cols, rows, want;
	} cases[] = {
		{ 59, 15, 1 }, { 60, 14, 1 }, { 60, 15, 0 }, { 200, 60, 0 },
		{ 0, 0, 1 }, { 80, 1, 1 },
	};
	static const struct {
		int		 cols, rows;
		const char	*want;
	} fits[] = {
		{ 59, 40, "terminal too small: 59x40, need 60x15" },
		{ 37, 5, "terminal too small: 37x5, need 60x15" },
		{ 35, 5, "terminal too small (need 60x15)" },
		{ 20, 5, "too small: 60x15" },
		{ 12, 5, "need 60x15" },
		{ 7, 3, "60x15" },
		{ 3, 3, "60x" },
		{ 0, 0, "" },
	};
	char	buf[64];
	size_t	i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		if (view_too_small(cases[i].cols, cases[i].rows) !=
		    cases[i].want)
			fail_msg("%dx%d", cases[i].cols, cases[i].rows);
	view_format_too_small(buf, sizeof(buf));
	assert_string_equal(buf, "terminal too small (need 60x15)");
	/* fitted to the terminal: the longest that fits, never cut */
	for (i = 0; i < N(fits); i++) {
		view_format_too_small_fit(fits[i].cols, fits[i].rows, buf,
		    sizeof(buf));
		if (strcmp(buf, fits[i].want) != 0)
			fail_msg("%dx%d: \"%s\"", fits[i].cols, fits[i].rows,
			    buf);
		assert_true((int)strlen(buf) <= fits[i].cols);
	}
}

/* Rows of the Files tree: a file with its number, a directory with its
 * sums and fold mark, "-" for nothing wanted, indentation capped. */
static void
test_file_rows(void **state)
{
	static const struct {
		const char		*name;
		struct filetree_row	 r;
		int			 unicode;
		const char		*want;
	} rows[] = {
		{ "a file", { "file.bin", 1, 0, 0, 4, 1, 2048, 1024, 2048,
		    MSG_PRIO_NORMAL, 2, 2 }, 0,
		    "    5  2.0 KiB  2.0 KiB  50.0% ######...... normal     "
		    "file.bin" },
		{ "an empty skipped file", { "e", 0, 0, 0, 16383, 1, 0, 0, 0,
		    MSG_PRIO_SKIP, 0, 0 }, 0,
		    "16384      0 B      0 B 100.0% ############ skip     e" },
		{ "a folded directory, mixed", { "dir", 0, 1, 1, 0, 3,
		    3145728, 1048576, 1048576, FILETREE_PRIO_MIXED, 0, 3 }, 0,
		    "       3.0 MiB  1.0 MiB  33.3% ####........ mixed  + "
		    "dir/" },
		{ "an open directory, all skipped", { "d", 2, 1, 0, 0, 2,
		    100, 0, 0, MSG_PRIO_SKIP, 0, 0 }, 0,
		    "         100 B        -   0.0% ............ skip       - "
		    "d/" },
		{ "UTF-8 marks", { "d", 0, 1, 0, 0, 1, 0, 0, 0,
		    MSG_PRIO_HIGH, 3, 3 }, 1,
		    "           0 B      0 B 100.0% \u2588\u2588\u2588\u2588"
		    "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588 high   "
		    "\u25be d/" },
		{ "UTF-8 folded", { "d", 0, 1, 1, 0, 1, 0, 0, 0,
		    MSG_PRIO_LOW, 1, 1 }, 1,
		    "           0 B      0 B 100.0% \u2588\u2588\u2588\u2588"
		    "\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588 low    "
		    "\u25b8 d/" },
		{ "deep: indented 16 levels at most", { "x", 40, 0, 0, 0, 1,
		    1, 1, 1, MSG_PRIO_LOW, 1, 1 }, 0,
		    "    1      1 B      1 B 100.0% ############ low    "
		    "                                  x" },
	};
	static const struct {
		struct filetree_row	 tot;
		uint32_t		 files_total;
		const char		*want;
	} totals[] = {
		{ { "", 0, 1, 0, 0, 3, 3145728, 524288, 1048576, 0, 0, 0 }, 3,
		    "3 files, 1.0 MiB wanted of 3.0 MiB, 512 KiB done" },
		{ { "", 0, 1, 0, 0, 1, 10, 0, 10, 0, 0, 0 }, 1,
		    "1 file, 10 B wanted of 10 B, 0 B done" },
		{ { "", 0, 1, 0, 0, 16384, 3145728, 524288, 1048576, 0, 0, 0 },
		    100000, "16384 of 100000 files listed: 1.0 MiB wanted of "
		    "3.0 MiB, 512 KiB done (of those listed)" },
	};
	char	buf[1024];
	size_t	i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		view_files_format_row(&rows[i].r, rows[i].unicode, buf,
		    sizeof(buf));
		if (strcmp(buf, rows[i].want) != 0)
			fail_msg("%s: \"%s\"", rows[i].name, buf);
	}
	for (i = 0; i < N(totals); i++) {
		view_files_format_totals(&totals[i].tot, totals[i].files_total,
		    buf, sizeof(buf));
		assert_string_equal(buf, totals[i].want);
	}
	assert_string_equal(view_files_prio_name(MSG_PRIO_LOW), "low");
	assert_string_equal(view_files_prio_name(MSG_PRIO_HIGH), "high");
	assert_string_equal(view_files_prio_name(FILETREE_PRIO_MIXED),
	    "mixed");
	assert_string_equal(view_files_prio_name(4), "?");
	assert_string_equal(view_files_stream_mark(2, 2, 0), "> ");
	assert_string_equal(view_files_stream_mark(2, 2, 1), "\u25b6 ");
	assert_string_equal(view_files_stream_mark(2, 1, 0), "  ");
	assert_string_equal(view_files_stream_mark(MSG_STREAM_OFF, 0, 0),
	    "  ");
	assert_string_equal(view_files_stream_mark(MSG_STREAM_ALL, 0, 1),
	    "  ");
}

static void
test_rows_of_lists(void **state)
{
	static const int	tw[7] = { 4, 10, 10, 10, 6, 6, 60 };
	static const int	want80[7] = { 4, 10, 10, 10, 0, 0, 41 };
	static const int	want120[7] = { 4, 10, 10, 10, 6, 6, 42 };
	static struct msg_trackers tr_;
	struct msg_trackers	*tr = &tr_;
	struct msg_tracker	t;
	struct model_log_line	l;
	struct msg_block	b = { MSG_BLOCK_HAVE, 12 };
	char			buf[1024];
	int			lw[7];
	size_t			i;

	(void)state;
	memset(&t, 0, sizeof(t));
	snprintf(t.url, sizeof(t.url), "http://127.0.0.1:6969/announce");
	t.tier = 0;
	t.status = MSG_TRACKER_OK;
	t.last_s = 312;
	t.next_s = 1488;
	t.seeders = 3;
	t.leechers = -1;
	view_trackers_format_row(&t, tw, buf, sizeof(buf));
	assert_string_equal(buf, "   0 ok         5m12s ago  in 24m48s       "
	    "3      - http://127.0.0.1:6969/announce");
	t.last_s = t.next_s = -1;
	t.status = 77;
	view_trackers_format_row(&t, tw, buf, sizeof(buf));
	assert_memory_equal(buf, "   0 ?          never      -         ", 37);
	/* the DHT's row, a peer address that failed, the count of more */
	t.kind = MSG_TRACKER_KIND_DHT;
	t.status = MSG_TRACKER_OK;
	t.seeders = -1;
	snprintf(t.url, sizeof(t.url), "DHT: 3 nodes");
	view_trackers_format_row(&t, tw, buf, sizeof(buf));
	assert_string_equal(buf, " DHT ok         never      -               "
	    "-      - DHT: 3 nodes");
	t.kind = MSG_TRACKER_KIND_PEER;
	t.status = MSG_TRACKER_ERROR;
	t.last_s = 4;
	t.next_s = 16;
	snprintf(t.url, sizeof(t.url), "127.0.0.1:6881 from --peer, 2 "
	    "failures in a row");
	view_trackers_format_row(&t, tw, buf, sizeof(buf));
	assert_string_equal(buf, "peer error      4s ago     in 16s          "
	    "-      - 127.0.0.1:6881 from --peer, 2 failures in a row");
	t.last_s = t.next_s = -1;
	snprintf(t.url, sizeof(t.url), "3 more");
	view_trackers_format_row(&t, tw, buf, sizeof(buf));
	assert_string_equal(buf, "peer error      -          -               "
	    "-      - 3 more");
	/* at 80 columns a 42-column URL stays whole: Leech and Seeds go */
	memset(tr, 0, sizeof(*tr));
	tr->n = 2;
	snprintf(tr->t[0].url, sizeof(tr->t[0].url), "udp://tracker."
	    "opentrackr.org:1337/announce");
	snprintf(tr->t[1].url, sizeof(tr->t[1].url), "http://a.example/");
	view_trackers_layout(tr, 80, lw);
	for (i = 0; i < N(want80); i++)
		if (lw[i] != want80[i])
			fail_msg("trackers at 80: column %zu is %d", i, lw[i]);
	view_trackers_layout(tr, 120, lw);
	for (i = 0; i < N(want120); i++)
		if (lw[i] != want120[i])
			fail_msg("trackers at 120: column %zu is %d", i, lw[i]);
	/* a short URL leaves room for everything at 80 */
	tr->n = 1;
	tr->t[0] = tr->t[1];
	view_trackers_layout(tr, 80, lw);
	assert_int_equal(lw[5], 6);
	assert_int_equal(lw[6], 17);
	memset(&l, 0, sizeof(l));
	l.source = MODEL_SRC_WATCHDOG;
	l.level = MSG_LOG_WARN;
	l.wall_s = 3723;	/* 01:02:03 UTC */
	snprintf(l.text, sizeof(l.text), "engine stalled");
	view_log_format_line(&l, buf, sizeof(buf));
	assert_string_equal(buf, "01:02:03 watchdog warn  engine stalled");
	l.repeat = 12;		/* said 12 times in a row */
	view_log_format_line(&l, buf, sizeof(buf));
	assert_string_equal(buf, "01:02:03 watchdog warn  (x12) engine "
	    "stalled");
	view_pieces_format_block(3, &b, buf, sizeof(buf));
	assert_string_equal(buf, "   3 have      #12");
	b.peer_id = MSG_PEER_NONE;	/* a piece we had before this session */
	view_pieces_format_block(3, &b, buf, sizeof(buf));
	assert_string_equal(buf, "   3 have");
	b.state = MSG_BLOCK_MISSING;
	view_pieces_format_block(1023, &b, buf, sizeof(buf));
	assert_string_equal(buf, "1023 missing");
}

static void
test_log_first(void **state)
{
	static const struct {
		size_t	count;
		int	rows, back;
		size_t	want;
	} cases[] = {
		{ 0, 10, 0, 0 }, { 5, 10, 0, 0 }, { 5, 10, 3, 0 },
		{ 100, 10, 0, 90 }, { 100, 10, 5, 85 }, { 100, 10, 90, 0 },
		{ 100, 10, 500, 0 }, { 100, 10, -4, 90 }, { 100, 0, 0, 100 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < N(cases); i++)
		if (view_log_first(cases[i].count, cases[i].rows,
		    cases[i].back) != cases[i].want)
			fail_msg("case %zu", i);
}

static void
test_fit(void **state)
{
	static const struct {
		const char	*in;
		int		 width, right;
		const char	*want;
	} ascii[] = {
		{ "abc", 5, 0, "abc  " }, { "abc", 5, 1, "  abc" },
		{ "abcdef", 3, 0, "ab~" }, { "", 2, 0, "  " },
		{ "abcdef", 3, 1, "ab~" }, { "abc   ", 3, 0, "abc" },
		{ "abcd", 1, 0, "~" }, { "ab", 2, 0, "ab" },
		{ "a\tb\x7f", 4, 0, "a?b?" }, { "abc", 0, 0, "" },
	};
	/* in a UTF-8 locale: U+2026 marks a cut, marks stay on their
	 * character, steering characters go */
	static const struct {
		const char	*name, *in;
		int		 width, right;
		const char	*want;
		int		 text_width;
	} utf8[] = {
		{ "three wide characters in five columns: one, a blank, the "
		    "mark", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5, 0,
		    "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6", 6 },
		{ "two wide in four", "\xe6\x97\xa5\xe6\x9c\xac", 4, 0,
		    "\xe6\x97\xa5\xe6\x9c\xac", 4 },
		{ "a wide one that does not fit before the mark",
		    "a\xe6\x97\xa5\xe6\x9c\xac", 3, 0,
		    "a \xe2\x80\xa6", 5 },
		{ "each byte of a broken sequence is a '?'", "a\xe6\x97z", 5,
		    0, "a??z ", 4 },
		/* U+009B is CSI to some terminals; U+00A0, U+00E9 are text */
		{ "C1 controls are escaped as C0 is",
		    "a\xc2\x9b" "2J\xc2\x85\x9b", 7, 0, "a?2J?? ", 6 },
		{ "NBSP and e-acute", "\xc2\xa0\xc3\xa9", 2, 0,
		    "\xc2\xa0\xc3\xa9", 2 },
		{ "a combining acute stays on its e",
		    "combining-e\xcc\x81.txt", 15, 0,
		    "combining-e\xcc\x81.txt", 15 },
		{ "...also when cut right after it",
		    "combining-e\xcc\x81.txt", 12, 0,
		    "combining-e\xcc\x81\xe2\x80\xa6", 15 },
		{ "two marks on one letter", "a\xcc\x81\xcc\xa3" "b", 3, 1,
		    " a\xcc\x81\xcc\xa3" "b", 2 },
		{ "a mark with no letter before it sits on a blank",
		    "\xcc\x81x", 3, 0, " \xcc\x81x ", 2 },
		{ "bidi overrides and zero-width spaces are dropped",
		    "a\xe2\x80\xae" "b\xe2\x80\x8b" "c\xef\xbb\xbf", 4, 0,
		    "abc ", 3 },
	};
	char	buf[64];
	size_t	i;

	(void)state;
	for (i = 0; i < N(ascii); i++) {
		view_fit(ascii[i].in, ascii[i].width, ascii[i].right, buf,
		    sizeof(buf));
		if (strcmp(buf, ascii[i].want) != 0)
			fail_msg("\"%s\" in %d: got \"%s\"", ascii[i].in,
			    ascii[i].width, buf);
	}
	view_fit("abcdef", 10, 0, buf, 4);
	assert_string_equal(buf, "abc");
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		skip();
	for (i = 0; i < N(utf8); i++) {
		view_fit(utf8[i].in, utf8[i].width, utf8[i].right, buf,
		    sizeof(buf));
		if (strcmp(buf, utf8[i].want) != 0)
			fail_msg("%s: got \"%s\"", utf8[i].name, buf);
		if (view_text_width(utf8[i].in) != utf8[i].text_width)
			fail_msg("%s: %d columns", utf8[i].name,
			    view_text_width(utf8[i].in));
	}
	/* a cut that would split a character's bytes keeps it whole out */
	view_fit("e\xcc\x81" "abc", 4, 0, buf, 3);
	assert_string_equal(buf, "  ");
	view_fit("e\xcc\x81" "abc", 4, 0, buf, 4);
	assert_string_equal(buf, "e\xcc\x81");
	setlocale(LC_ALL, "C");
	view_fit("a\xc2\x9b", 4, 0, buf, sizeof(buf));
	assert_string_equal(buf, "a?? ");
}

/* Wrapping a long line: at blanks, words longer than a line cut. */
static void
test_wrap(void **state)
{
	static const struct {
		const char	*in;
		int		 width;
		const char	*want[6];
	} rows[] = {
		{ "a short line", 20, { "a short line" } },
		{ "peer 10.0.0.7:6881 (aria2/1.36) disconnected: closed by peer",
		    20, { "peer 10.0.0.7:6881", "(aria2/1.36)",
		    "disconnected:", "closed by peer" } },
		{ "http://tracker.example.org:6969/announce?key=0123456789",
		    20, { "http://tracker.examp", "le.org:6969/announce",
		    "?key=0123456789" } },
		{ "aaaaa bbb", 5, { "aaaaa", "bbb" } },
		{ "down 1.5 MiB/s   up 2 KiB/s", 22, { "down 1.5 MiB/s",
		    "up 2 KiB/s" } },
		{ "a  b", 2, { "a", "b" } },
		{ "abc", 0, { "a", "b", "c" } },
		{ "", 10, { "" } },
	};
	char		 line[128];
	const char	*rest;
	size_t		 i, k;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		rest = rows[i].in;
		for (k = 0; k < 6 && rows[i].want[k] != NULL; k++) {
			rest = view_wrap(rest, rows[i].width, line,
			    sizeof(line));
			if (strcmp(line, rows[i].want[k]) != 0)
				fail_msg("\"%s\" line %zu: \"%s\"", rows[i].in,
				    k, line);
		}
		if (*rest != '\0')
			fail_msg("\"%s\": \"%s\" left", rows[i].in, rest);
	}
	/* a short buffer is never overrun */
	rest = view_wrap("abcdef ghi", 20, line, 4);
	assert_string_equal(line, "abc");
	assert_string_equal(rest, "");
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		skip();
	/* by columns: wide characters, marks on their letters */
	rest = view_wrap("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4, line,
	    sizeof(line));
	assert_string_equal(line, "\xe6\x97\xa5\xe6\x9c\xac");
	assert_string_equal(rest, "\xe8\xaa\x9e");
	rest = view_wrap("e\xcc\x81" "e\xcc\x81" "e", 2, line, sizeof(line));
	assert_string_equal(line, "e\xcc\x81" "e\xcc\x81");
	assert_string_equal(rest, "e");
	setlocale(LC_ALL, "C");
}

/* view_layout: minimums, hiding by rank (never the kept one), room by
 * rank. */
static void
test_layout(void **state)
{
	static const struct view_layout_col	c[4] = {
		{ 10, 30, 0 }, { 5, 5, 2 }, { 8, 12, 1 }, { 6, 6, 3 },
	};
	static const struct {
		int	avail, keep, want[4];
	} rows[] = {
		{ 200, -1, { 30, 5, 12, 6 } },	/* everything at its want */
		{ 32, -1, { 10, 5, 8, 6 } },	/* the minimums and blanks */
		{ 40, -1, { 18, 5, 8, 6 } },	/* the rank 0 one widens */
		{ 31, -1, { 16, 5, 8, 0 } },	/* rank 3 goes, its room
						 * to rank 0 */
		{ 31, 3, { 15, 0, 8, 6 } },	/* kept: rank 2 goes */
		{ 20, -1, { 11, 0, 8, 0 } },
		{ 5, -1, { 10, 0, 0, 0 } },	/* the last one is cut */
		{ 5, 1, { 0, 5, 0, 0 } },
	};
	int	w[4], k;
	size_t	i;

	(void)state;
	for (i = 0; i < N(rows); i++) {
		view_layout(c, 4, rows[i].avail, rows[i].keep, w);
		for (k = 0; k < 4; k++)
			if (w[k] != rows[i].want[k])
				fail_msg("%d cells, keep %d: column %d is %d, "
				    "want %d", rows[i].avail, rows[i].keep, k,
				    w[k], rows[i].want[k]);
	}
	view_layout(c, 0, 10, -1, w);		/* no column: nothing */
	/* the arrow says the order on screen, the same for every column */
	assert_string_equal(view_sort_arrow(0, 0, 0), "^");	/* A to Z */
	assert_string_equal(view_sort_arrow(1, 0, 0), "v");	/* 9 to 0 */
	assert_string_equal(view_sort_arrow(0, 1, 0), "v");
	assert_string_equal(view_sort_arrow(1, 1, 0), "^");
	assert_string_equal(view_sort_arrow(1, 0, 1), "\xe2\x96\xbc");
	assert_string_equal(view_sort_arrow(0, 0, 1), "\xe2\x96\xb2");
}

static void
test_help(void **state)
{
	static const char *const legend[] = {
		"  S  snubbed", "  I  incoming", "  E  encrypted: RC4",
		"  e  an MSE handshake, then plaintext", "  P  uTP",
	};
	struct view_help_line	 lines[VIEW_HELP_MAX];
	const struct action_key	*k;
	size_t			 n, i, j;
	int			 found;

	(void)state;
	n = view_help_build(lines, VIEW_HELP_MAX, 0);
	assert_true(n > 30);
	assert_true(n < VIEW_HELP_MAX);		/* nothing cut */
	/* every key's name is on a line with its action's help */
	for (i = 0; i < action_key_count(); i++) {
		k = action_key_at(i);
		for (j = 0, found = 0; j < n && !found; j++)
			found = strstr(lines[j].text, k->name) != NULL;
		if (!found)
			fail_msg("key %s is not in the help", k->name);
	}
	/* the flag legend: each letter at the start of its line */
	for (i = 0; i < N(legend); i++) {
		for (j = 0, found = 0; j < n && !found; j++)
			found = strncmp(lines[j].text, legend[i],
			    strlen(legend[i])) == 0;
		if (!found)
			fail_msg("the help lacks flag line \"%s\"", legend[i]);
	}
	/* what the sort arrows mean, and the header's peer counts */
	for (j = 0, found = 0; j < n && !found; j++)
		found = strcmp(lines[j].text, "  Sort arrows: ^ ascending (A to "
		    "Z, smallest first), v descending") == 0;
	assert_true(found);
	for (j = 0, found = 0; j < n && !found; j++)
		found = strstr(lines[j].text, "9 known: known are the "
		    "addresses") != NULL;
	assert_true(found);
	/* a small array is filled, never overrun */
	assert_int_equal(view_help_build(lines, 3, 1), 3);
}

/* The words of lines[0..n), one space between; blank lines as "|". */
static void
help_words(const struct view_help_line *lines, size_t n, char *buf,
    size_t len)
{
	size_t	i, at = 0;
	char	word[VIEW_HELP_LINE];
	int	k, off;

	buf[0] = '\0';
	for (i = 0; i < n && at < len; i++) {
		if (lines[i].text[0] == '\0') {
			at += (size_t)snprintf(buf + at, len - at, "| ");
			continue;
		}
		for (off = 0; sscanf(lines[i].text + off, "%119s%n", word,
		    &k) == 1 && at < len; off += k)
			at += (size_t)snprintf(buf + at, len - at, "%s ", word);
	}
}

/* The help on an 80-column screen (78 for text) and on a wide one: long
 * lines wrap at spaces, under their text, rather than run off the screen
 * (or past what a line holds); both say the same words. */
static void
test_help_wraps(void **state)
{
	static struct view_help_line	wide[VIEW_HELP_MAX], narrow[VIEW_HELP_MAX];
	static char			ww[32768], nw_[32768];
	struct view_state		vs;
	size_t				nw, nn, i;

	(void)state;
	memset(&vs, 0, sizeof(vs));
	vs.cols = 400;
	nw = view_help_lines(wide, VIEW_HELP_MAX, &vs);
	vs.cols = 80;
	nn = view_help_lines(narrow, VIEW_HELP_MAX, &vs);
	assert_true(nn < VIEW_HELP_MAX);		/* nothing cut */
	assert_true(nn > nw);		/* the case: some did not fit */
	for (i = 0; i < nn; i++)
		if (view_text_width(narrow[i].text) > 78)
			fail_msg("help line %zu is %d wide: %s", i,
			    view_text_width(narrow[i].text), narrow[i].text);
	help_words(wide, nw, ww, sizeof(ww));
	help_words(narrow, nn, nw_, sizeof(nw_));
	assert_true(strlen(ww) > 2000);
	assert_string_equal(nw_, ww);
	/* the stream line, longer than a line holds, ends whole */
	assert_non_null(strstr(ww, "to play it while it comes); again: stop "));
	/* a key's description goes on under itself */
	for (i = 1; i < nn; i++)
		if (strncmp(narrow[i - 1].text, "  S    ", 7) == 0)
			assert_true(strspn(narrow[i].text, " ") == 23);
}

/* --- draw functions, on a screen that writes to /dev/null --------------- */

struct screen_fixture {
	struct offscreen screen;
	struct model	*m;
	struct view_state *vs;
};

static int
screen_setup(void **state)
{
	struct screen_fixture	*f = calloc(1, sizeof(*f));

	if (f == NULL || offscreen_open(&f->screen) != 0)
		return -1;
	f->m = model_new("x.torrent");
	f->vs = calloc(1, sizeof(*f->vs));
	if (f->m == NULL || f->vs == NULL)
		return -1;
	action_init(f->vs);
	f->vs->mono = 1;
	*state = f;
	return 0;
}

static int
screen_teardown(void **state)
{
	struct screen_fixture	*f = *state;

	offscreen_close(&f->screen);
	action_cleanup(f->vs);
	model_free(f->m);
	free(f->vs);
	free(f);
	return 0;
}

/* Row y of w as text (wide characters narrowed: non-ASCII as '*'). */
static void
row_text(WINDOW *w, int y, char *buf, size_t len)
{
	cchar_t	cc;
	wchar_t	wc[CCHARW_MAX + 1];
	attr_t	a;
	short	pair;
	int	x;
	size_t	at = 0;

	for (x = 0; x < getmaxx(w) && at + 1 < len; x++) {
		if (mvwin_wch(w, y, x, &cc) == ERR ||
		    getcchar(&cc, wc, &a, &pair, NULL) == ERR)
			break;
		buf[at++] = wc[0] < 0x80 ? (char)wc[0] : '*';
	}
	buf[at] = '\0';
}

static int
window_has(WINDOW *w, const char *text)
{
	char	row[512];
	int	y;

	for (y = 0; y < getmaxy(w); y++) {
		row_text(w, y, row, sizeof(row));
		if (strstr(row, text) != NULL)
			return 1;
	}
	return 0;
}

/* The session's list: debian.iso (3, downloading), arch.iso (4,
 * seeding), a torrent in error (5). */
static void
fill_list(struct model *m)
{
	make_row(&m->torrents[0], 3, "debian.iso", MSG_STATE_DOWNLOADING);
	make_row(&m->torrents[1], 4, "arch.iso", MSG_STATE_SEEDING);
	make_row(&m->torrents[2], 5, "broken.iso", MSG_STATE_ERROR);
	m->torrents[1].done_bytes = m->torrents[1].total_bytes;
	m->ntorrents = 3;
	m->have_torrents = 1;
	m->have_register = 1;
	snprintf(m->reg.session_dir, sizeof(m->reg.session_dir),
	    "/var/lib/bttui");
	m->have_session = 1;
	m->session.num_torrents = 3;
	m->session.active = 2;
	m->session.max_active = 5;
	m->session.peers_connected = 3;
	m->session.down_bps = 1572864;
	m->session.port = 6881;
}

/* The detail of torrent 3 (debian.iso), as the app shows it: in the
 * list, focused in the model, opened on the screen. */
static void
fill_model(struct model *m)
{
	static struct msg_peer	peers[3];
	size_t			i;

	fill_list(m);
	model_set_focus(m, 3);
	m->have_register = m->have_status = 1;
	m->status.torrent_id = 3;
	snprintf(m->status.name, sizeof(m->status.name), "debian.iso");
	m->status.num_pieces = 2000;
	m->status.piece_length = 262144;
	m->status.state = MSG_STATE_DOWNLOADING;
	m->status.total_bytes = 524288000;
	m->status.done_bytes = 262144000;
	m->pieces = calloc(2000, 1);
	assert_non_null(m->pieces);
	m->num_pieces = 2000;
	for (i = 0; i < 1000; i++)
		m->pieces[i] = MSG_PIECE_HAVE;
	make_peer(&peers[0], 7, "10.0.0.7:6881", "aria2/1.36", 1000);
	make_peer(&peers[1], 8, "10.0.0.8:6881", "qBittorrent", 5000);
	make_peer(&peers[2], 9, "10.0.0.9:6881", "rtorrent", 3000);
	memcpy(m->peers, peers, sizeof(peers));
	m->npeers = 3;
	m->peers_total = 3;
	m->have_peers = 1;
	model_add_log(m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "hello from engine");
	m->health.state = SUP_GAVE_UP;
}

static void
test_draw_empty(void **state)
{
	static void (*const draws[])(WINDOW *, const struct model *,
	    const struct view_state *) = {
		view_header_draw, view_tabs_draw, view_footer_draw,
		view_pieces_draw, view_peers_draw, view_files_draw,
		view_trackers_draw, view_log_draw, view_help_draw,
		view_torrents_draw,
	};
	struct screen_fixture	*f = *state;
	WINDOW			*w;
	size_t			 i;
	int			 size;

	/* nothing received, every window size from tiny up: no crash */
	for (size = 1; size < 30; size += 7) {
		w = newwin(size, size * 3, 0, 0);
		assert_non_null(w);
		f->vs->cols = size * 3;
		f->vs->rows = size;
		for (i = 0; i < N(draws); i++) {
			werase(w);
			draws[i](w, f->m, f->vs);
		}
		delwin(w);
	}
	w = newwin(10, 80, 0, 0);
	view_pieces_draw(w, f->m, f->vs);
	assert_true(window_has(w, "waiting for the piece map"));
	/* the list before the engine's first, then an empty one */
	werase(w);
	view_torrents_draw(w, f->m, f->vs);
	assert_true(window_has(w, "waiting for the engine..."));
	f->m->have_torrents = 1;
	werase(w);
	view_torrents_draw(w, f->m, f->vs);
	assert_true(window_has(w, "no torrents: press a to add a .torrent "
	    "file"));
	delwin(w);
}

/* The home screen: the session in the header, one tab, the list sorted
 * with the cursor row, the list's keys, the add and remove prompts. */
static void
test_draw_home(void **state)
{
	struct screen_fixture	*f = *state;
	WINDOW			*w = newwin(10, 100, 0, 0);
	WINDOW			*h = newwin(VIEW_HEADER_ROWS, 100, 0, 0);
	WINDOW			*t = newwin(1, 160, 0, 0);
	char			 row[256], want[256];

	assert_non_null(w);
	fill_list(f->m);
	f->m->health.state = SUP_RUNNING;
	f->m->health.pid = 42;
	f->vs->cols = 100;
	f->vs->rows = 10;
	action_sync(f->vs, f->m);
	assert_true(f->vs->home);
	view_header_draw(h, f->m, f->vs);
	assert_true(window_has(h, "bttui session /var/lib/bttui"));
	assert_true(window_has(h, "66.6%"));
	assert_true(window_has(h, "in 3 torrents"));
	assert_true(window_has(h, "D: 1.5 MiB/s  U: 0 B/s  torrents 3 (2 "
	    "active, 0 queued, at most 5)  peers 3  port 6881"));
	/* the watchdog gave up: no rates from the dead engine */
	f->m->health.state = SUP_GAVE_UP;
	werase(h);
	view_header_draw(h, f->m, f->vs);
	assert_true(window_has(h, "D: -  U: -  torrents 3"));
	assert_true(window_has(h, "the watchdog gave up: press R to retry"));
	werase(t);
	view_tabs_draw(t, f->m, f->vs);
	assert_true(window_has(t, " Torrents (3) "));
	assert_false(window_has(t, "Pieces"));
	assert_false(window_has(t, "Esc: torrents"));
	werase(t);
	view_footer_draw(t, f->m, f->vs);
	assert_true(window_has(t, "R Retry"));
	assert_true(window_has(t, "Enter Open"));
	assert_true(window_has(t, "a Add"));
	assert_true(window_has(t, "x Remove"));
	assert_true(window_has(t, "P All"));
	assert_true(window_has(t, "q Quit"));
	/* the list, by name: arch, broken, debian; arch selected */
	view_torrents_draw(w, f->m, f->vs);
	row_text(w, 0, row, sizeof(row));
	assert_non_null(strstr(row, "Name"));
	assert_non_null(strstr(row, "State"));
	assert_non_null(strstr(row, "Peers"));
	{
		int	tw[VIEW_TCOL_COUNT];

		view_torrents_layout(f->m->torrents, f->m->ntorrents, 100,
		    f->vs->tsort, tw);
		view_torrents_format_row(&f->m->torrents[1], tw, want,
		    sizeof(want));
	}
	row_text(w, 1, row, sizeof(row));
	assert_memory_equal(row + 1, want, strlen(want));
	row_text(w, 2, row, sizeof(row));
	assert_non_null(strstr(row, "broken.iso"));
	assert_non_null(strstr(row, "error"));
	row_text(w, 3, row, sizeof(row));
	assert_non_null(strstr(row, "debian.iso"));
	assert_non_null(strstr(row, "downloading"));
	assert_true(mvwinch(w, 1, 0) & A_REVERSE);	/* the cursor row */
	assert_false(mvwinch(w, 2, 0) & A_REVERSE);
	/* inverted: debian first */
	f->vs->tsort_invert = 1;
	action_sync(f->vs, f->m);
	werase(w);
	view_torrents_draw(w, f->m, f->vs);
	row_text(w, 1, row, sizeof(row));
	assert_non_null(strstr(row, "debian.iso"));
	/* the prompts */
	f->vs->prompt = VIEW_PROMPT_ADD;
	snprintf(f->vs->prompt_buf, sizeof(f->vs->prompt_buf), "/tmp/x");
	f->vs->prompt_len = 6;
	werase(t);
	view_footer_draw(t, f->m, f->vs);
	assert_true(window_has(t, "Add a .torrent or magnet link (Tab: complete, Enter: "
	    "add, Esc: cancel): /tmp/x_"));
	f->vs->prompt = VIEW_PROMPT_REMOVE;
	f->vs->remove_id = 5;
	werase(t);
	view_footer_draw(t, f->m, f->vs);
	assert_true(window_has(t, "Remove broken.iso? k or Enter: keep its "
	    "data, d: delete its data, Esc: cancel"));
	f->vs->remove_id = 99;		/* gone from the list meanwhile */
	werase(t);
	view_footer_draw(t, f->m, f->vs);
	assert_true(window_has(t, "Remove this torrent? k or Enter"));
	delwin(w);
	delwin(h);
	delwin(t);
}

static void
test_draw_views(void **state)
{
	struct screen_fixture	*f = *state;
	WINDOW			*w = newwin(20, 100, 0, 0);
	WINDOW			*h = newwin(VIEW_HEADER_ROWS, 100, 0, 0);

	assert_non_null(w);
	fill_model(f->m);
	action_focus(f->vs, f->m->torrents[0].info_hash);
	f->vs->cols = 100;
	f->vs->rows = 20;
	action_sync(f->vs, f->m);
	view_header_draw(h, f->m, f->vs);
	assert_true(window_has(h, "debian.iso"));
	assert_false(window_has(h, "bttui session"));
	assert_true(window_has(h, "50.0%"));
	/* the watchdog gave up: no state, no rates from the dead engine */
	assert_true(window_has(h, "engine not running"));
	assert_false(window_has(h, "downloading"));
	assert_true(window_has(h, "ETA -  ratio 0.000  peers -"));
	assert_true(window_has(h, "the watchdog gave up: press R to retry"));
	werase(h);
	f->m->health.state = SUP_RUNNING;
	f->m->health.pid = 42;
	view_header_draw(h, f->m, f->vs);
	assert_true(window_has(h, "downloading"));
	assert_true(window_has(h, "peers 3 connected, 0 known"));
	assert_false(window_has(h, "engine not running"));
	/* the engine's error state: what went wrong, and how to go on */
	werase(h);
	f->m->status.state = MSG_STATE_ERROR;
	snprintf(f->m->status.error, sizeof(f->m->status.error),
	    "cannot write /dl/x: No space left on device");
	view_header_draw(h, f->m, f->vs);
	assert_true(window_has(h, "error: cannot write /dl/x: No space left "
	    "on device"));
	werase(w);
	view_footer_draw(w, f->m, f->vs);
	assert_true(window_has(w, "R Retry"));
	assert_true(window_has(w, "p Retry"));
	f->m->status.state = MSG_STATE_DOWNLOADING;
	f->m->health.state = SUP_GAVE_UP;
	werase(w);
	view_pieces_draw(w, f->m, f->vs);
	assert_true(window_has(w, "2000 pieces of 256 KiB"));
	assert_true(window_has(w, "#####"));
	assert_true(window_has(w, "unavailable"));
	assert_true(window_has(w, ")   Enter: inspect piece 0"));
	/* narrower: the hint goes whole, no ellipsis left in its place */
	{
		WINDOW	*n = newwin(20, 74, 0, 0);
		char	 row[256];

		assert_non_null(n);
		view_pieces_draw(n, f->m, f->vs);
		row_text(n, 0, row, sizeof(row));
		assert_non_null(strstr(row, "cursor: pieces 0-"));
		assert_null(strstr(row, "Enter"));
		assert_null(strchr(row, '*'));
		assert_null(strstr(row, "..."));
		delwin(n);
	}
	werase(w);
	f->vs->view = VIEW_PEERS;
	view_peers_draw(w, f->m, f->vs);
	assert_true(window_has(w, "Address"));
	assert_true(window_has(w, "qBittorrent"));
	/* sorted by download rate: the fastest is on the first row */
	{
		char	row[256];

		row_text(w, 1, row, sizeof(row));
		assert_non_null(strstr(row, "10.0.0.8"));
	}
	werase(w);
	f->vs->detail = VIEW_DETAIL_PEER;
	f->vs->detail_index = 8;
	view_peers_draw(w, f->m, f->vs);
	assert_true(window_has(w, "loading..."));
	werase(w);
	f->vs->detail_index = 99;
	view_peers_draw(w, f->m, f->vs);
	assert_true(window_has(w, "no longer connected"));
	werase(w);
	f->vs->view = VIEW_PIECES;
	f->vs->detail = VIEW_DETAIL_PIECE;
	f->vs->detail_index = 5;
	view_pieces_draw(w, f->m, f->vs);
	assert_true(window_has(w, "Piece 5 of 2000"));
	assert_true(window_has(w, "loading..."));
	werase(w);
	view_log_draw(w, f->m, f->vs);
	assert_true(window_has(w, "hello from engine"));
	werase(w);
	view_help_draw(w, f->m, f->vs);
	assert_true(window_has(w, "bttui keys"));
	delwin(w);
	delwin(h);
}

static void
test_draw_piece_detail(void **state)
{
	struct screen_fixture	*f = *state;
	struct msg_piece_detail	*d = &f->m->piece_detail;
	WINDOW			*w = newwin(20, 100, 0, 0);
	uint32_t		 i;

	fill_model(f->m);
	action_focus(f->vs, f->m->torrents[0].info_hash);
	memset(d, 0, sizeof(*d));
	d->index = 5;
	d->offset = 5 * 262144ULL;
	d->size = 262144;
	d->state = MSG_PIECE_DOWNLOADING;
	d->availability = 2;
	d->nspans = 1;
	d->nblocks = 16;
	for (i = 0; i < 16; i++) {
		d->blocks[i].state = i < 8 ? MSG_BLOCK_HAVE : MSG_BLOCK_MISSING;
		d->blocks[i].peer_id = 8;
	}
	d->nhaving = 2;
	d->having[0] = 8;
	d->having[1] = 9;
	f->m->piece_detail_valid = 1;
	f->vs->view = VIEW_PIECES;
	f->vs->detail = VIEW_DETAIL_PIECE;
	f->vs->detail_index = 5;
	view_pieces_draw(w, f->m, f->vs);
	assert_true(window_has(w, "bytes 1310720-1572863"));
	/* a line longer than the window wraps, at a field */
	assert_true(window_has(w, "hash failures 0"));
	assert_true(window_has(w, "#8 10.0.0.8:6881"));
	assert_true(window_has(w, "have 8  requested 0  missing 8"));
	assert_true(window_has(w, "   7 have      #8"));
	assert_true(window_has(w, "Files (1):"));
	delwin(w);
}

/* Counts at their bounds and past them: bounded work, no overrun. */
static void
test_draw_extremes(void **state)
{
	struct screen_fixture	*f = *state;
	struct msg_piece_detail	*d = &f->m->piece_detail;
	struct msg_peer_detail	*p = &f->m->peer_detail;
	WINDOW			*w = newwin(40, 200, 0, 0);
	WINDOW			*h = newwin(VIEW_HEADER_ROWS, 200, 0, 0);
	uint32_t		 i;

	fill_model(f->m);
	action_focus(f->vs, f->m->torrents[0].info_hash);
	memset(d, 0xff, sizeof(*d));
	d->index = 1;
	d->nspans = UINT32_MAX;
	d->nblocks = MSG_MAX_BLOCKS;
	d->nhaving = UINT32_MAX;
	f->m->piece_detail_valid = 1;
	f->vs->detail = VIEW_DETAIL_PIECE;
	f->vs->detail_index = 1;
	view_pieces_draw(w, f->m, f->vs);
	assert_true(window_has(w, "Piece 1 of 2000"));
	memset(p, 0xff, sizeof(*p));
	p->peer.id = 8;
	p->bitfield_len = MSG_BITFIELD_MAX;
	p->nreqs_out = UINT32_MAX;
	p->nreqs_in = UINT32_MAX;
	f->m->peer_detail_valid = 1;
	f->vs->view = VIEW_PEERS;
	f->vs->detail = VIEW_DETAIL_PEER;
	f->vs->detail_index = 8;
	werase(w);
	view_peers_draw(w, f->m, f->vs);
	assert_true(window_has(w, "Its pieces: 65536 of 4294967295"));
	for (i = 0; i < MODEL_MAX_PEERS; i++)
		f->m->peers[i] = f->m->peers[i % 3];
	f->m->npeers = MODEL_MAX_PEERS;
	f->m->peers_total = UINT32_MAX;
	f->vs->detail = VIEW_DETAIL_NONE;
	action_sync(f->vs, f->m);
	werase(w);
	view_peers_draw(w, f->m, f->vs);
	view_tabs_draw(h, f->m, f->vs);
	assert_true(window_has(h, "Peers (4294967295)"));
	assert_true(window_has(h, " Esc: torrents "));
	assert_false(window_has(h, "Torrents ("));
	f->m->health.state = SUP_RUNNING;	/* an engine, in its error state */
	f->m->status.state = MSG_STATE_ERROR;
	snprintf(f->m->status.error, sizeof(f->m->status.error), "cannot "
	    "write /data/x.iso: No space left on device");
	werase(h);
	view_header_draw(h, f->m, f->vs);
	assert_true(window_has(h, "error: cannot write /data/x.iso"));
	delwin(w);
	delwin(h);
}

/* A magnet link's torrent fetching its metadata, private, with a link
 * and many trackers: the header's metadata line, the Trackers view's
 * link rows before its table (the cursor row still on screen), the
 * list's Done, a peer's source in its detail. */
static void
test_draw_magnet(void **state)
{
	struct screen_fixture	*f = *state;
	struct msg_peer_detail	*d = &f->m->peer_detail;
	WINDOW			*w = newwin(10, 100, 0, 0);
	WINDOW			*h = newwin(VIEW_HEADER_ROWS, 100, 0, 0);
	char			 row[512], link[MSG_MAGNET_MAX];
	int			 y, cursor = -1;
	uint32_t		 i;

	fill_model(f->m);
	f->m->health.state = SUP_RUNNING;
	f->m->health.pid = 42;
	action_focus(f->vs, f->m->torrents[0].info_hash);
	f->vs->cols = 100;
	f->vs->rows = 10;
	f->m->status.state = MSG_STATE_METADATA;
	f->m->status.peers_connected = 2;
	f->m->status.meta_have = 3;
	f->m->status.meta_pieces = 12;
	f->m->status.flags = MSG_STATUS_PRIVATE;
	/* 150 bytes: two rows of 100 columns */
	snprintf(link, sizeof(link), "magnet:?xt=urn:btih:%040d&dn=debian"
	    "&tr=http%%3A%%2F%%2F127.0.0.1%%3A6969%%2Fannounce%036d", 0, 7);
	assert_int_equal(strlen(link), 150);
	snprintf(f->m->status.magnet, sizeof(f->m->status.magnet), "%s",
	    link);
	view_header_draw(h, f->m, f->vs);
	assert_true(window_has(h, "fetching metadata"));
	assert_true(window_has(h, "fetching metadata from 2 peers: 3 of 12 "
	    "pieces"));
	/* the list's row of a magnet link */
	f->m->torrents[0].state = MSG_STATE_METADATA;
	f->m->torrents[0].meta_have = 3;
	f->m->torrents[0].meta_pieces = 12;
	{
		int	tw[VIEW_TCOL_COUNT];

		all_torrent_cols(10, tw);
		view_torrents_format_row(&f->m->torrents[0], tw, row,
		    sizeof(row));
		assert_non_null(strstr(row, "metadata       3/12"));
	}
	/* the Trackers view: the link, then 20 trackers, the last one
	 * selected */
	f->m->have_trackers = 1;
	f->m->trackers.n = 20;
	for (i = 0; i < 20; i++)
		snprintf(f->m->trackers.t[i].url,
		    sizeof(f->m->trackers.t[i].url),
		    "http://t%02u.example/announce", i);
	f->vs->view = VIEW_TRACKERS;
	f->vs->tracker_row = 19;
	action_sync(f->vs, f->m);
	/* 3 info rows, the titles: 6 rows, 3 trackers of two rows each */
	assert_int_equal(f->vs->tracker_top, 17);
	werase(w);
	view_trackers_draw(w, f->m, f->vs);
	row_text(w, 0, row, sizeof(row));
	assert_non_null(strstr(row, "Magnet link:   private torrent: no PEX, "
	    "no DHT"));
	row_text(w, 1, row, sizeof(row));
	assert_memory_equal(row, link, 100);
	row_text(w, 2, row, sizeof(row));
	assert_memory_equal(row, link + 100, 50);
	row_text(w, 3, row, sizeof(row));
	assert_non_null(strstr(row, "Tier"));
	for (y = 4; y < 10; y++)
		if (mvwinch(w, y, 0) & A_REVERSE)
			cursor = y;
	assert_true(cursor >= 4);
	row_text(w, cursor, row, sizeof(row));
	assert_non_null(strstr(row, "t19.example"));
	/* the peer detail names the peer's source */
	memset(d, 0, sizeof(*d));
	d->torrent_id = 3;
	d->peer = f->m->peers[1];
	d->peer.src = MSG_PEER_SRC_PEX;
	d->peer.transport = MSG_PEER_T_UTP | MSG_PEER_T_MSE;
	f->m->peer_detail_valid = 1;
	f->vs->view = VIEW_PEERS;
	f->vs->detail = VIEW_DETAIL_PEER;
	f->vs->detail_index = d->peer.id;
	werase(w);
	view_peers_draw(w, f->m, f->vs);
	assert_true(window_has(w, "source: PEX"));
	/* ...and how it travels, as words and as the flags' last two */
	assert_true(window_has(w, "connection: uTP, MSE handshake, "
	    "plaintext"));
	assert_true(window_has(w, "eP]   source: PEX"));
	/* and the table's Src column */
	f->vs->detail = VIEW_DETAIL_NONE;
	f->m->peers[0].src = MSG_PEER_SRC_INCOMING;
	action_sync(f->vs, f->m);
	werase(w);
	view_peers_draw(w, f->m, f->vs);
	assert_true(window_has(w, "Src"));
	assert_true(window_has(w, "incoming"));
	delwin(w);
	delwin(h);
}

/* The Files view on screen: totals, titles, the tree with numbers and
 * the stream mark, the cursor row, folds, the capped list's last line,
 * and the keys in the bottom bar. */
static void
test_draw_files(void **state)
{
	static const struct {
		const char	*path;
		uint64_t	 size, done;
		uint8_t		 prio;
	} files[] = {
		{ "debian/pool/a.deb", 1048576, 1048576, MSG_PRIO_NORMAL },
		{ "debian/README", 1024, 0, MSG_PRIO_SKIP },
		{ "debian/pool/b.deb", 2097152, 0, MSG_PRIO_HIGH },
	};
	struct screen_fixture	*f = *state;
	WINDOW			*w = newwin(12, 100, 0, 0);
	char			 row[256];
	size_t			 i;

	assert_non_null(w);
	fill_model(f->m);
	action_focus(f->vs, f->m->torrents[0].info_hash);
	f->vs->view = VIEW_FILES;
	f->vs->cols = 100;
	f->vs->rows = 12;
	action_sync(f->vs, f->m);
	view_files_draw(w, f->m, f->vs);
	assert_true(window_has(w, "waiting for the file list"));
	f->m->files = calloc(N(files), sizeof(*f->m->files));
	assert_non_null(f->m->files);
	for (i = 0; i < N(files); i++) {
		snprintf(f->m->files[i].path, sizeof(f->m->files[i].path),
		    "%s", files[i].path);
		f->m->files[i].size = files[i].size;
		f->m->files[i].done = files[i].done;
		f->m->files[i].prio = files[i].prio;
	}
	f->m->nfiles = f->m->files_total = N(files);
	f->m->files_streamed = 2;
	f->vs->file_row = 2;			/* a.deb */
	action_sync(f->vs, f->m);
	werase(w);
	view_files_draw(w, f->m, f->vs);
	row_text(w, 0, row, sizeof(row));
	assert_non_null(strstr(row, "3 files, 3.0 MiB wanted of 3.0 MiB, "
	    "1.0 MiB done"));
	row_text(w, 1, row, sizeof(row));
	assert_non_null(strstr(row, "#     Size   Wanted   Done Progress"
	    "     Prio   Path"));
	row_text(w, 2, row, sizeof(row));
	assert_non_null(strstr(row, "3.0 MiB  3.0 MiB  33.3% ###......... "
	    "mixed  - debian/"));
	row_text(w, 3, row, sizeof(row));
	assert_non_null(strstr(row, "3.0 MiB  3.0 MiB  33.3% ####........ "
	    "mixed    - pool/"));
	row_text(w, 4, row, sizeof(row));
	assert_non_null(strstr(row, "    1  1.0 MiB  1.0 MiB 100.0% "));
	assert_non_null(strstr(row, "normal       a.deb"));
	assert_true(mvwinch(w, 4, 0) & A_REVERSE);	/* the cursor row */
	assert_false(mvwinch(w, 3, 0) & A_REVERSE);
	row_text(w, 5, row, sizeof(row));
	assert_non_null(strstr(row, "> " "    3  2.0 MiB  2.0 MiB"));
	row_text(w, 6, row, sizeof(row));
	assert_non_null(strstr(row, "    2  1.0 KiB        -   0.0%"));
	assert_non_null(strstr(row, "skip       README"));
	/* pool/ folded, and a list the model caps */
	f->vs->file_row = (int)filetree_set_folded(&f->vs->files, 1, 1,
	    (size_t)f->vs->file_row);
	assert_int_equal(f->vs->file_row, 1);
	f->m->files_total = 20000;
	action_sync(f->vs, f->m);
	werase(w);
	view_files_draw(w, f->m, f->vs);
	assert_true(window_has(w, "3 of 20000 files listed: 3.0 MiB wanted "
	    "of 3.0 MiB, 1.0 MiB done (of those listed)"));
	assert_true(window_has(w, "mixed    + pool/"));
	assert_false(window_has(w, "a.deb"));
	assert_true(window_has(w, "README"));
	assert_true(window_has(w, "... and 19997 more files not listed"));
	werase(w);
	view_footer_draw(w, f->m, f->vs);
	assert_true(window_has(w, "Enter Fold"));
	assert_true(window_has(w, "Space Skip"));
	delwin(w);
}

/* 80 columns, the size most terminals open at: the key bar drops whole
 * labels (never "q Qui"), the tabs shorten, titles mark the sort. */
static void
test_draw_80(void **state)
{
	struct screen_fixture	*f = *state;
	WINDOW			*t = newwin(1, 80, 0, 0);
	WINDOW			*w = newwin(18, 80, 0, 0);
	char			 row[256];
	size_t			 i;

	fill_model(f->m);
	f->m->health.state = SUP_RUNNING;
	action_focus(f->vs, f->m->torrents[0].info_hash);
	f->vs->cols = 80;
	f->vs->rows = 18;
	f->vs->view = VIEW_PEERS;
	f->vs->detail = VIEW_DETAIL_PEER;	/* Esc Close too */
	action_sync(f->vs, f->m);
	view_footer_draw(t, f->m, f->vs);
	row_text(t, 0, row, sizeof(row));
	assert_non_null(strstr(row, "Esc Close"));
	assert_non_null(strstr(row, "q Quit"));
	assert_non_null(strstr(row, "p Pause"));
	assert_null(strstr(row, "r Announce"));	/* the least needed went */
	assert_null(strstr(row, "d/u Limits"));
	/* every label whole: a key is followed by its whole word */
	assert_null(strstr(row, "Qui "));
	for (i = strlen(row); i > 0 && row[i - 1] == ' '; i--)
		;
	assert_true(i < 80);
	/* the home screen's keys at 60 columns */
	f->vs->home = 1;
	delwin(t);
	t = newwin(1, 60, 0, 0);
	view_footer_draw(t, f->m, f->vs);
	assert_true(window_has(t, "q Quit"));
	assert_true(window_has(t, "F1 Help"));
	assert_true(window_has(t, "Enter Open"));
	assert_false(window_has(t, "d/u Limits"));
	f->vs->home = 0;
	/* tabs: all five views and their counts; at 60, shorter */
	delwin(t);
	t = newwin(1, 80, 0, 0);
	f->m->files_total = 12;
	f->m->trackers.n = 3;
	view_tabs_draw(t, f->m, f->vs);
	row_text(t, 0, row, sizeof(row));
	assert_non_null(strstr(row, " 5 Log "));
	assert_non_null(strstr(row, " 2 Peers (3) "));
	assert_non_null(strstr(row, " Esc "));
	delwin(t);
	t = newwin(1, 60, 0, 0);
	view_tabs_draw(t, f->m, f->vs);
	row_text(t, 0, row, sizeof(row));
	assert_non_null(strstr(row, " 4 Trackers   5 Log "));
	assert_null(strstr(row, "(3)"));
	/* the Peers table at 80: Reqs shown, Src not, the sort arrow */
	f->vs->detail = VIEW_DETAIL_NONE;
	f->vs->sort = VIEW_PCOL_FLAGS;
	action_sync(f->vs, f->m);
	view_peers_draw(w, f->m, f->vs);
	row_text(w, 0, row, sizeof(row));
	assert_non_null(strstr(row, "Flagsv"));
	assert_non_null(strstr(row, "Reqs"));
	assert_null(strstr(row, "Src"));
	assert_non_null(strstr(row, " # Address "));
	f->vs->sort = VIEW_PCOL_ADDR;
	werase(w);
	view_peers_draw(w, f->m, f->vs);
	row_text(w, 0, row, sizeof(row));
	assert_non_null(strstr(row, "Address^"));
	row_text(w, 1, row, sizeof(row));
	assert_non_null(strstr(row, " 7 10.0.0.7:6881 aria2/1.36 "));
	delwin(t);
	delwin(w);
}

/* A peer's detail after it left; a log line and a tracker row shown
 * whole. */
static void
test_draw_lines(void **state)
{
	struct screen_fixture	*f = *state;
	struct msg_peer_detail	*d = &f->m->peer_detail;
	WINDOW			*w = newwin(12, 60, 0, 0);
	char			 text[MSG_TEXT_MAX];
	size_t			 i;

	fill_model(f->m);
	f->m->health.state = SUP_RUNNING;
	action_focus(f->vs, f->m->torrents[0].info_hash);
	f->vs->cols = 60;
	f->vs->rows = 12;
	/* the detail of #8, then a list without it */
	memset(d, 0, sizeof(*d));
	d->torrent_id = 3;
	d->peer = f->m->peers[1];
	d->peer.reqs_out = 53;
	d->nreqs_out = 32;
	f->m->peer_detail_valid = 1;
	f->vs->view = VIEW_PEERS;
	f->vs->detail = VIEW_DETAIL_PEER;
	f->vs->detail_index = 8;
	view_peers_draw(w, f->m, f->vs);
	assert_true(window_has(w, "Our requests to it (32 of 53):"));
	assert_true(window_has(w, "down 4.9 KiB/s"));
	assert_false(window_has(w, "disconnected"));
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "peer "
	    "10.0.0.8:6881 (qBittorrent) disconnected: closed by peer");
	f->m->npeers = f->m->peers_total = 2;
	f->m->peers[1] = f->m->peers[2];
	model_set_time(f->m, 1000, 0);
	{
		/* as the model sees a whole list arrive */
		struct bbuf		 b;
		static struct msg_peers	 mp;

		memset(&mp, 0, sizeof(mp));
		mp.torrent_id = 3;
		mp.total = mp.n = 2;
		mp.peers[0] = f->m->peers[0];
		mp.peers[1] = f->m->peers[1];
		bbuf_init(&b, 1 << 16);
		assert_int_equal(msg_put_peers(&b, &mp), BT_OK);
		assert_int_equal(model_apply(f->m, MSG_PEERS, &b), BT_OK);
		bbuf_cleanup(&b);
	}
	model_set_time(f->m, 13500, 0);
	werase(w);
	view_peers_draw(w, f->m, f->vs);
	assert_true(window_has(w, "disconnected 12s ago (closed by peer)"));
	assert_true(window_has(w, "down -"));
	assert_true(window_has(w, "up -"));
	assert_false(window_has(w, "KiB/s"));
	assert_true(window_has(w, "Our requests to it: none (disconnected)"));
	assert_true(window_has(w, "was connected"));
	/* a log line longer than the screen, whole */
	for (i = 0; i < 150; i++)
		text[i] = (char)('a' + i % 26);
	memcpy(text + 150, " the end", 9);
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_WARN, text);
	model_add_log(f->m, MODEL_SRC_ENGINE, MSG_LOG_INFO, "newer");
	f->vs->view = VIEW_LOG;
	f->vs->detail = VIEW_DETAIL_NONE;
	action_sync(f->vs, f->m);
	f->vs->log_back = 1;		/* scrolled back by one */
	werase(w);
	view_log_draw(w, f->m, f->vs);
	assert_true(window_has(w, "~"));	/* cut, marked */
	assert_false(window_has(w, "the end"));
	f->vs->line_index = view_log_selected(f->m, f->vs);
	f->vs->line_open = 1;
	werase(w);
	view_log_draw(w, f->m, f->vs);
	assert_true(window_has(w, "Log line"));
	assert_true(window_has(w, "engine   warn"));
	assert_true(window_has(w, "the end"));
	assert_false(window_has(w, "newer"));
	/* a line that left the ring */
	f->vs->line_index = 0;
	for (i = 0; i < MODEL_LOG_LINES; i++)	/* in turn: none collapses */
		model_add_log(f->m, MODEL_SRC_FRONT, MSG_LOG_INFO, i % 2 ?
		    "x" : "y");
	werase(w);
	view_log_draw(w, f->m, f->vs);
	assert_true(window_has(w, "that line has left the log"));
	/* a tracker row whole: its URL and error wrapped */
	f->m->have_trackers = 1;
	f->m->trackers.n = 1;
	memset(&f->m->trackers.t[0], 0, sizeof(f->m->trackers.t[0]));
	snprintf(f->m->trackers.t[0].url, sizeof(f->m->trackers.t[0].url),
	    "http://a-rather-long-tracker-name.example.org:6969/announce?"
	    "passkey=0123456789abcdef");
	snprintf(f->m->trackers.t[0].error, sizeof(f->m->trackers.t[0].error),
	    "Could not resolve host: a-rather-long-tracker-name.example.org"
	    " (the end)");
	f->m->trackers.t[0].status = MSG_TRACKER_ERROR;
	f->m->trackers.t[0].last_s = 5;
	f->m->trackers.t[0].next_s = -1;
	f->vs->view = VIEW_TRACKERS;
	f->vs->line_open = 0;
	werase(w);
	view_trackers_draw(w, f->m, f->vs);
	assert_false(window_has(w, "passkey=0123456789abcdef"));
	f->vs->line_open = 1;
	f->vs->line_index = 0;
	werase(w);
	view_trackers_draw(w, f->m, f->vs);
	assert_true(window_has(w, "passkey=0123456789abcdef"));
	assert_true(window_has(w, "a tracker  status error   last 5s ago   "
	    "next -"));
	assert_true(window_has(w, "(the end)"));
	f->vs->line_index = 5;
	werase(w);
	view_trackers_draw(w, f->m, f->vs);
	assert_true(window_has(w, "that row is gone"));
	delwin(w);
}

/* In a UTF-8 locale, a combining mark is drawn with its letter, in one
 * cell, and the cut mark is U+2026. */
static void
test_draw_utf8(void **state)
{
	struct offscreen screen;
	WINDOW	*w;
	cchar_t	 cc;
	wchar_t	 wc[CCHARW_MAX + 1];
	attr_t	 a;
	short	 pair;

	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		skip();
	assert_int_equal(offscreen_open(&screen), 0);
	w = newwin(2, 20, 0, 0);
	assert_int_equal(view_put(w, 0, 0, "combining-e\xcc\x81.txt", 20,
	    A_NORMAL), 15);
	assert_int_equal(mvwin_wch(w, 0, 10, &cc), OK);
	assert_int_equal(getcchar(&cc, wc, &a, &pair, NULL), OK);
	assert_true(wc[0] == L'e' && wc[1] == 0x301 && wc[2] == 0);
	assert_int_equal(mvwin_wch(w, 0, 11, &cc), OK);
	assert_int_equal(getcchar(&cc, wc, &a, &pair, NULL), OK);
	assert_true(wc[0] == L'.');
	/* cut in 12 columns: the mark after the e, then the ellipsis */
	werase(w);
	assert_int_equal(view_put(w, 1, 0, "combining-e\xcc\x81.txt", 12,
	    A_NORMAL), 12);
	assert_int_equal(mvwin_wch(w, 1, 11, &cc), OK);
	assert_int_equal(getcchar(&cc, wc, &a, &pair, NULL), OK);
	assert_true(wc[0] == 0x2026);
	/* a bar drawn in parts is clipped without one */
	assert_int_equal(view_put_clip(w, 0, 0, "abcdef", 3, A_NORMAL), 3);
	assert_int_equal(mvwin_wch(w, 0, 2, &cc), OK);
	assert_int_equal(getcchar(&cc, wc, &a, &pair, NULL), OK);
	assert_true(wc[0] == L'c');
	delwin(w);
	offscreen_close(&screen);
	setlocale(LC_ALL, "C");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_peer_flags),
		cmocka_unit_test(test_peer_transport),
		cmocka_unit_test(test_peer_row),
		cmocka_unit_test(test_peer_layout),
		cmocka_unit_test(test_peer_detail_texts),
		cmocka_unit_test(test_peer_src),
		cmocka_unit_test(test_peer_addr_fit),
		cmocka_unit_test(test_peer_sort),
		cmocka_unit_test(test_torrent_state),
		cmocka_unit_test(test_torrent_row),
		cmocka_unit_test(test_torrent_layout),
		cmocka_unit_test(test_torrent_compare),
		cmocka_unit_test(test_torrent_sort),
		cmocka_unit_test(test_sort_order),
		cmocka_unit_test(test_header_session),
		cmocka_unit_test(test_header_stats),
		cmocka_unit_test(test_header_no_peers),
		cmocka_unit_test(test_header_progress),
		cmocka_unit_test(test_piece_cells),
		cmocka_unit_test(test_glyphs),
		cmocka_unit_test(test_map_geom),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_header_texts),
		cmocka_unit_test(test_header_metadata),
		cmocka_unit_test(test_trackers_info),
		cmocka_unit_test(test_header_title),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_file_rows),
		cmocka_unit_test(test_rows_of_lists),
		cmocka_unit_test(test_log_first),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_help_wraps),
		cmocka_unit_test_setup_teardown(test_draw_empty, screen_setup,
		    screen_teardown),
		cmocka_unit_test_setup_teardown(test_draw_home, screen_setup,
		    screen_teardown),
		cmocka_unit_test_setup_teardown(test_draw_views, screen_setup,
		    screen_teardown),
		cmocka_unit_test_setup_teardown(test_draw_magnet, screen_setup,
		    screen_teardown),
		cmocka_unit_test_setup_teardown(test_draw_files, screen_setup,
		    screen_teardown),
		cmocka_unit_test_setup_teardown(test_draw_piece_detail,
		    screen_setup, screen_teardown),
		cmocka_unit_test_setup_teardown(test_draw_extremes,
		    screen_setup, screen_teardown),
		cmocka_unit_test_setup_teardown(test_draw_80, screen_setup,
		    screen_teardown),
		cmocka_unit_test_setup_teardown(test_draw_lines, screen_setup,
		    screen_teardown),
		cmocka_unit_test(test_draw_utf8),
	};

	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
