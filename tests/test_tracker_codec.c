/* Unit tests for src/engine/tracker_codec: HTTP reply parsing (compact,
 * dictionary, peers6, failure, warning, garbage, cut input), the announce
 * URL, and BEP 15 UDP packets byte for byte. */
#include <sys/socket.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/tracker_codec.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define S(lit)		lit, sizeof(lit) - 1

static const uint8_t	test_hash[20] = {
	0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf1, 0x23, 0x45,
	0x67, 0x89, 0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0x9a,
};
#define TEST_HASH_PCT	"%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A"
#define TEST_PEER_ID	"-BT0100-abc.~_ /%xyz"
#define TEST_PEER_PCT	"-BT0100-abc.~_%20%2F%25xyz"

/* --- HTTP replies ------------------------------------------------------ */

static const struct http_case {
	const char	*name;
	const char	*body;
	size_t		 len;
	int		 want;
	size_t		 npeers;
	const char	*err;		/* substring of errbuf, or NULL */
} http_cases[] = {
	{ "compact", S("d8:intervali1800e5:peers12:"
	    "\x01\x02\x03\x04\x1a\xe1\x0a\x00\x00\x01\x00\x50" "e"),
	    BT_OK, 2, NULL },
	{ "dictionary", S("d8:intervali900e12:min intervali60e5:peersl"
	    "d2:ip7:1.2.3.47:peer id20:AAAAAAAAAAAAAAAAAAAA4:porti6881ee"
	    "d2:ip3:::14:porti7000ee"
	    "d2:ip11:example.com4:porti80ee"
	    "d2:ip7:5.6.7.84:porti0ee"
	    "d2:ip7:5.6.7.84:porti65536ee"
	    "d2:ip3:1\0" "24:porti80ee"
	    "d4:porti80ee" "i5e" "ee"), BT_OK, 2, NULL },
	{ "peers6 only", S("d6:peers618:"
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01\x1a\xe1" "e"),
	    BT_OK, 1, NULL },
	{ "peers and peers6", S("d5:peers6:\x7f\0\0\x01\x1a\xe1"
	    "6:peers618:\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01\x1a\xe2" "e"),
	    BT_OK, 2, NULL },
	{ "empty peers", S("d5:peers0:e"), BT_OK, 0, NULL },
	{ "port 0 skipped", S("d5:peers12:"
	    "\x01\x02\x03\x04\x00\x00\x05\x06\x07\x08\x00\x01" "e"),
	    BT_OK, 1, NULL },
	{ "failure", S("d14:failure reason17:torrent not founde"),
	    BT_OK, 0, NULL },
	{ "garbage", S("hello"), BT_ERR_FORMAT, 0,
	    "tracker reply is not bencode: byte 0: " },
	{ "html", S("<html>404</html>"), BT_ERR_FORMAT, 0, "not bencode" },
	{ "empty", S(""), BT_ERR_FORMAT, 0, "not bencode" },
	{ "trailing bytes", S("d5:peers0:eXX"), BT_ERR_FORMAT, 0,
	    "not bencode" },
	{ "not a dict", S("li1ee"), BT_ERR_FORMAT, 0, "not a dictionary" },
	{ "no peers", S("d8:intervali1800ee"), BT_ERR_FORMAT, 0,
	    "tracker reply has no peers and no failure reason" },
	{ "truncated compact", S("d5:peers13:0123456789abce"),
	    BT_ERR_FORMAT, 0, "\"peers\" is 13 bytes, not a multiple of 6" },
	{ "truncated peers6", S("d5:peers0:6:peers617:0123456789abcdefge"),
	    BT_ERR_FORMAT, 0, "\"peers6\" is 17 bytes, not a multiple of 18" },
	{ "peers wrong type", S("d5:peersi5ee"), BT_ERR_FORMAT, 0,
	    "\"peers\" has the wrong type" },
	{ "peers6 wrong type", S("d6:peers6lee"), BT_ERR_FORMAT, 0,
	    "\"peers6\" has the wrong type" },
	{ "failure not a string", S("d14:failure reasoni1ee"),
	    BT_ERR_FORMAT, 0, "no peers" },
};

static void
test_http_table(void **state)
{
	struct tracker_reply	rep;
	char			err[256];
	size_t			i;
	int			r;

	(void)state;
	for (i = 0; i < NELEM(http_cases); i++) {
		const struct http_case *c = &http_cases[i];

		r = tracker_parse_http(c->body, c->len, &rep, err, sizeof(err));
		if (r != c->want)
			fail_msg("%s: got %d, want %d (%s)", c->name, r, c->want,
			    err);
		if (rep.npeers != c->npeers)
			fail_msg("%s: %zu peers, want %zu", c->name,
			    rep.npeers, c->npeers);
		if (c->err != NULL && strstr(err, c->err) == NULL)
			fail_msg("%s: error \"%s\" lacks \"%s\"", c->name, err,
			    c->err);
		if (r != BT_OK && (rep.peers != NULL || rep.failure != NULL))
			fail_msg("%s: error left data in the reply", c->name);
		tracker_reply_cleanup(&rep);
	}
}

static void
test_http_compact_fields(void **state)
{
	static const char	body[] = "d8:completei5e10:incompletei7e"
	    "8:intervali1800e12:min intervali30e5:peers12:"
	    "\x01\x02\x03\x04\x1a\xe1\x0a\x00\x00\x01\x00\x50"
	    "10:tracker id3:xyze";
	struct tracker_reply	rep;
	char			err[128];

	(void)state;
	assert_int_equal(tracker_parse_http(body, sizeof(body) - 1, &rep, err,
	    sizeof(err)), BT_OK);
	assert_int_equal(rep.interval, 1800);
	assert_int_equal(rep.min_interval, 30);
	assert_int_equal(rep.complete, 5);
	assert_int_equal(rep.incomplete, 7);
	assert_string_equal(rep.tracker_id, "xyz");
	assert_null(rep.failure);
	assert_null(rep.warning);
	assert_int_equal(rep.npeers, 2);
	assert_int_equal(rep.peers[0].family, AF_INET);
	assert_memory_equal(rep.peers[0].addr, "\x01\x02\x03\x04", 4);
	assert_int_equal(rep.peers[0].port, 6881);
	assert_memory_equal(rep.peers[1].addr, "\x0a\x00\x00\x01", 4);
	assert_int_equal(rep.peers[1].port, 80);
	tracker_reply_cleanup(&rep);
	assert_null(rep.peers);
	assert_int_equal(rep.interval, -1);
}

static void
test_http_dictionary_fields(void **state)
{
	const struct http_case	*c = &http_cases[1];
	struct tracker_reply	 rep;

	(void)state;
	assert_int_equal(tracker_parse_http(c->body, c->len, &rep, NULL, 0),
	    BT_OK);
	assert_int_equal(rep.interval, 900);
	assert_int_equal(rep.min_interval, 60);
	assert_int_equal(rep.complete, -1);
	assert_int_equal(rep.npeers, 2);
	assert_int_equal(rep.peers[0].family, AF_INET);
	assert_memory_equal(rep.peers[0].addr, "\x01\x02\x03\x04", 4);
	assert_int_equal(rep.peers[0].port, 6881);
	assert_int_equal(rep.peers[1].family, AF_INET6);
	assert_memory_equal(rep.peers[1].addr,
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	assert_int_equal(rep.peers[1].port, 7000);
	tracker_reply_cleanup(&rep);
}

static void
test_http_peers6_fields(void **state)
{
	const struct http_case	*c = &http_cases[3];
	struct tracker_reply	 rep;

	(void)state;
	assert_int_equal(tracker_parse_http(c->body, c->len, &rep, NULL, 0),
	    BT_OK);
	assert_int_equal(rep.npeers, 2);
	assert_int_equal(rep.peers[0].family, AF_INET);
	assert_int_equal(rep.peers[0].port, 6881);
	assert_int_equal(rep.peers[1].family, AF_INET6);
	assert_memory_equal(rep.peers[1].addr,
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	assert_int_equal(rep.peers[1].port, 6882);
	tracker_reply_cleanup(&rep);
}

static void
test_http_failure_and_warning(void **state)
{
	static const char	warn[] = "d8:intervali60e5:peers6:"
	    "\x7f\0\0\x01\x1a\xe1" "15:warning message8:go\naway!e";
	static const char	fail[] = "d14:failure reason17:torrent not found"
	    "8:intervali5e5:peersi0ee";
	struct tracker_reply	rep;

	(void)state;
	assert_int_equal(tracker_parse_http(fail, sizeof(fail) - 1, &rep,
	    NULL, 0), BT_OK);
	assert_string_equal(rep.failure, "torrent not found");
	assert_int_equal(rep.npeers, 0);
	assert_int_equal(rep.interval, -1);	/* nothing else read */
	tracker_reply_cleanup(&rep);
	assert_int_equal(tracker_parse_http(warn, sizeof(warn) - 1, &rep,
	    NULL, 0), BT_OK);
	assert_null(rep.failure);
	assert_string_equal(rep.warning, "go?away!");	/* control byte */
	assert_int_equal(rep.npeers, 1);
	tracker_reply_cleanup(&rep);
}

static void
test_http_bounds(void **state)
{
	struct tracker_reply	 rep;
	struct bbuf		 b;
	char			 err[128];
	size_t			 i;

	(void)state;
	/* 2100 compact peers: 2000 kept. */
	bbuf_init(&b, 64 * 1024);
	assert_int_equal(bbuf_putf(&b, "d8:intervali-5e5:peers%u:",
	    2100u * 6), BT_OK);
	for (i = 0; i < 2100; i++)
		assert_int_equal(bbuf_put_bytes(&b, "\x0a\0\0\x01\x1a\xe1", 6),
		    BT_OK);
	assert_int_equal(bbuf_put_u8(&b, 'e'), BT_OK);
	assert_int_equal(tracker_parse_http(bbuf_ptr(&b), bbuf_len(&b), &rep,
	    err, sizeof(err)), BT_OK);
	assert_int_equal(rep.npeers, TRACKER_MAX_PEERS);
	assert_int_equal(rep.interval, -1);	/* negative: ignored */
	tracker_reply_cleanup(&rep);
	/* A 1000-byte failure reason is cut to TRACKER_MAX_TEXT - 1. */
	bbuf_reset(&b);
	assert_int_equal(bbuf_putf(&b, "d14:failure reason1000:"), BT_OK);
	for (i = 0; i < 1000; i++)
		assert_int_equal(bbuf_put_u8(&b, 'x'), BT_OK);
	assert_int_equal(bbuf_put_u8(&b, 'e'), BT_OK);
	assert_int_equal(tracker_parse_http(bbuf_ptr(&b), bbuf_len(&b), &rep,
	    err, sizeof(err)), BT_OK);
	assert_int_equal(strlen(rep.failure), TRACKER_MAX_TEXT - 1);
	tracker_reply_cleanup(&rep);
	bbuf_cleanup(&b);
}

/* Every proper prefix of a valid reply is an error, never a crash. */
static void
test_http_cut(void **state)
{
	const struct http_case	*c = &http_cases[1];
	struct tracker_reply	 rep;
	char			 err[128];
	size_t			 n;

	(void)state;
	for (n = 0; n < c->len; n++) {
		if (tracker_parse_http(c->body, n, &rep, err, sizeof(err)) !=
		    BT_ERR_FORMAT)
			fail_msg("cut at %zu: not BT_ERR_FORMAT", n);
		assert_null(rep.peers);
	}
}

/* --- announce URL ------------------------------------------------------ */

static void
fill_announce(struct tracker_announce *a, int event, int32_t numwant)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->info_hash, test_hash, 20);
	memcpy(a->peer_id, TEST_PEER_ID, 20);
	a->uploaded = 1;
	a->downloaded = 2;
	a->left = 3;
	a->event = event;
	a->key = 0xbeef;
	a->numwant = numwant;
	a->port = 6881;
}

#define URL_TAIL	"info_hash=" TEST_HASH_PCT "&peer_id=" TEST_PEER_PCT \
	"&port=6881&uploaded=1&downloaded=2&left=3&compact=1"

static const struct url_case {
	const char	*name;
	const char	*announce;
	int		 event;
	int32_t		 numwant;
	const char	*tracker_id;
	int		 want;
	const char	*url;
} url_cases[] = {
	{ "started", "http://t.example/announce", TRACKER_EV_STARTED, 50,
	    NULL, BT_OK, "http://t.example/announce?" URL_TAIL
	    "&numwant=50&key=0000beef&event=started" },
	{ "existing query", "https://t/a?passkey=abc", TRACKER_EV_COMPLETED,
	    50, NULL, BT_OK, "https://t/a?passkey=abc&" URL_TAIL
	    "&numwant=50&key=0000beef&event=completed" },
	{ "ends with ?", "http://t/a?", TRACKER_EV_STOPPED, 0, NULL, BT_OK,
	    "http://t/a?" URL_TAIL "&numwant=0&key=0000beef&event=stopped" },
	{ "ends with &", "http://t/a?x=1&", TRACKER_EV_NONE, -1, NULL, BT_OK,
	    "http://t/a?x=1&" URL_TAIL "&key=0000beef" },
	{ "tracker id", "http://t/a", TRACKER_EV_NONE, 80, "id 1/2", BT_OK,
	    "http://t/a?" URL_TAIL "&numwant=80&key=0000beef"
	    "&trackerid=id%201%2F2" },
	{ "empty", "", TRACKER_EV_NONE, 50, NULL, BT_ERR_INVALID, NULL },
	{ "fragment", "http://t/a#x", TRACKER_EV_NONE, 50, NULL,
	    BT_ERR_INVALID, NULL },
	{ "space", "http://t/a b", TRACKER_EV_NONE, 50, NULL,
	    BT_ERR_INVALID, NULL },
	{ "control", "http://t/a\n", TRACKER_EV_NONE, 50, NULL,
	    BT_ERR_INVALID, NULL },
	{ "bad event", "http://t/a", 4, 50, NULL, BT_ERR_INVALID, NULL },
	{ "negative event", "http://t/a", -1, 50, NULL, BT_ERR_INVALID, NULL },
};

static void
test_url_table(void **state)
{
	struct tracker_announce	a;
	struct bbuf		b;
	size_t			i;
	int			r;

	(void)state;
	for (i = 0; i < NELEM(url_cases); i++) {
		const struct url_case *c = &url_cases[i];

		fill_announce(&a, c->event, c->numwant);
		bbuf_init(&b, 4096);
		r = tracker_http_url(c->announce, &a, c->tracker_id, &b);
		if (r != c->want)
			fail_msg("%s: got %d, want %d", c->name, r, c->want);
		if (c->url != NULL) {
			assert_int_equal(bbuf_len(&b), strlen(c->url) + 1);
			if (strcmp((const char *)bbuf_ptr(&b), c->url) != 0)
				fail_msg("%s:\n got %s\nwant %s", c->name,
				    (const char *)bbuf_ptr(&b), c->url);
		}
		bbuf_cleanup(&b);
	}
}

static void
test_url_limit(void **state)
{
	struct tracker_announce	a;
	struct bbuf		b;

	(void)state;
	fill_announce(&a, TRACKER_EV_STARTED, 50);
	bbuf_init(&b, 40);
	assert_int_equal(tracker_http_url("http://t/a", &a, NULL, &b),
	    BT_ERR_LIMIT);
	bbuf_cleanup(&b);
}

/* BEP 7: ipv6= carries the address alone, percent-encoded, after event. */
static void
test_url_ipv6(void **state)
{
	static const struct {
		uint8_t		 ip[16];
		const char	*want;
	} rows[] = {
		{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 }, "&ipv6=2001%3Adb8%3A%3A7" },
		{ { 0x2a, 0x00, 0x14, 0x50, 0x40, 0x01, 0x08, 0x11, [14] = 0x20,
		    [15] = 0x0e }, "&ipv6=2a00%3A1450%3A4001%3A811%3A%3A200e" },
	};
	struct tracker_announce	a;
	struct bbuf		b;
	char			want[512];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		fill_announce(&a, TRACKER_EV_STARTED, 50);
		a.has_ipv6 = 1;
		memcpy(a.ipv6, rows[i].ip, 16);
		bbuf_init(&b, 4096);
		assert_int_equal(tracker_http_url("http://t/a", &a, "x", &b),
		    BT_OK);
		snprintf(want, sizeof(want), "%s%s&trackerid=x", "http://t/a?"
		    URL_TAIL "&numwant=50&key=0000beef&event=started",
		    rows[i].want);
		assert_string_equal((const char *)bbuf_ptr(&b), want);
		bbuf_cleanup(&b);
	}
	/* the bytes alone say nothing: has_ipv6 decides */
	fill_announce(&a, TRACKER_EV_NONE, -1);
	memcpy(a.ipv6, rows[0].ip, 16);
	bbuf_init(&b, 4096);
	assert_int_equal(tracker_http_url("http://t/a", &a, NULL, &b), BT_OK);
	assert_null(strstr((const char *)bbuf_ptr(&b), "ipv6"));
	bbuf_cleanup(&b);
}

/* --- UDP --------------------------------------------------------------- */

static void
test_udp_connect_bytes(void **state)
{
	static const uint8_t	want[16] = {
		0x00, 0x00, 0x04, 0x17, 0x27, 0x10, 0x19, 0x80,
		0x00, 0x00, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef,
	};
	struct bbuf		b;

	(void)state;
	bbuf_init(&b, 64);
	assert_int_equal(tracker_udp_put_connect(&b, 0xdeadbeef), BT_OK);
	assert_int_equal(bbuf_len(&b), 16);
	assert_memory_equal(bbuf_ptr(&b), want, 16);
	bbuf_cleanup(&b);
	bbuf_init(&b, 15);
	assert_int_equal(tracker_udp_put_connect(&b, 1), BT_ERR_LIMIT);
	bbuf_cleanup(&b);
}

static void
test_udp_announce_bytes(void **state)
{
	uint8_t			want[98], *p = want;
	struct tracker_announce	a;
	struct bbuf		b;

	(void)state;
	fill_announce(&a, TRACKER_EV_STARTED, -1);
	a.downloaded = 0x0102030405060708ull;
	a.left = 0x1112131415161718ull;
	a.uploaded = 0x2122232425262728ull;
	a.key = 0xcafebabe;
	memcpy(p, "\x88\x77\x66\x55\x44\x33\x22\x11", 8), p += 8;
	memcpy(p, "\0\0\0\x01", 4), p += 4;		/* action announce */
	memcpy(p, "\x0a\x0b\x0c\x0d", 4), p += 4;	/* tid */
	memcpy(p, test_hash, 20), p += 20;
	memcpy(p, TEST_PEER_ID, 20), p += 20;
	memcpy(p, "\x01\x02\x03\x04\x05\x06\x07\x08", 8), p += 8;
	memcpy(p, "\x11\x12\x13\x14\x15\x16\x17\x18", 8), p += 8;
	memcpy(p, "\x21\x22\x23\x24\x25\x26\x27\x28", 8), p += 8;
	memcpy(p, "\0\0\0\x02", 4), p += 4;		/* started = 2 */
	memcpy(p, "\0\0\0\0", 4), p += 4;		/* ip: default */
	memcpy(p, "\xca\xfe\xba\xbe", 4), p += 4;
	memcpy(p, "\xff\xff\xff\xff", 4), p += 4;	/* numwant -1 */
	memcpy(p, "\x1a\xe1", 2), p += 2;
	assert_int_equal(p - want, 98);
	bbuf_init(&b, 256);
	assert_int_equal(tracker_udp_put_announce(&b, 0x8877665544332211ull,
	    0x0a0b0c0d, &a), BT_OK);
	assert_int_equal(bbuf_len(&b), 98);
	assert_memory_equal(bbuf_ptr(&b), want, 98);
	a.event = 9;
	assert_int_equal(tracker_udp_put_announce(&b, 1, 1, &a),
	    BT_ERR_INVALID);
	assert_int_equal(bbuf_len(&b), 98);
	bbuf_cleanup(&b);
}

static void
test_udp_event_numbers(void **state)
{
	(void)state;
	/* BEP 15: none 0, completed 1, started 2, stopped 3. */
	assert_int_equal(TRACKER_EV_NONE, 0);
	assert_int_equal(TRACKER_EV_COMPLETED, 1);
	assert_int_equal(TRACKER_EV_STARTED, 2);
	assert_int_equal(TRACKER_EV_STOPPED, 3);
}

static const struct udp_case {
	const char	*name;
	const char	*pkt;
	size_t		 len;
	int		 family;
	int		 want;
	int		 action;
	size_t		 npeers;
} udp_cases[] = {
	{ "connect", S("\0\0\0\0\x0a\x0b\x0c\x0d"
	    "\x01\x02\x03\x04\x05\x06\x07\x08"), AF_INET, BT_OK,
	    TRACKER_UDP_CONNECT, 0 },
	{ "connect + trailing", S("\0\0\0\0\x0a\x0b\x0c\x0d"
	    "\x01\x02\x03\x04\x05\x06\x07\x08zz"), AF_INET, BT_OK,
	    TRACKER_UDP_CONNECT, 0 },
	{ "announce v4", S("\0\0\0\x01\x0a\x0b\x0c\x0d"
	    "\0\0\x07\x08" "\0\0\0\x03" "\0\0\0\x04"
	    "\x01\x02\x03\x04\x1a\xe1" "\x05\x06\x07\x08\0\0"
	    "\x09\x0a\x0b\x0c\0\x50"), AF_INET, BT_OK,
	    TRACKER_UDP_ANNOUNCE, 2 },
	{ "announce v6", S("\0\0\0\x01\x0a\x0b\x0c\x0d"
	    "\0\0\x07\x08" "\0\0\0\x03" "\0\0\0\x04"
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01\x1a\xe1"),
	    AF_INET6, BT_OK, TRACKER_UDP_ANNOUNCE, 1 },
	{ "announce no peers", S("\0\0\0\x01\x0a\x0b\x0c\x0d"
	    "\0\0\x07\x08" "\0\0\0\0" "\0\0\0\0"), AF_INET, BT_OK,
	    TRACKER_UDP_ANNOUNCE, 0 },
	{ "error", S("\0\0\0\x03\x0a\x0b\x0c\x0d" "bad torrent"), AF_INET,
	    BT_OK, TRACKER_UDP_ERROR, 0 },
	{ "error empty", S("\0\0\0\x03\x0a\x0b\x0c\x0d"), AF_INET,
	    BT_OK, TRACKER_UDP_ERROR, 0 },
	{ "wrong tid", S("\0\0\0\0\x0a\x0b\x0c\x0e"
	    "\x01\x02\x03\x04\x05\x06\x07\x08"), AF_INET, BT_ERR_FORMAT,
	    -1, 0 },
	{ "empty", S(""), AF_INET, BT_ERR_FORMAT, -1, 0 },
	{ "7 bytes", S("\0\0\0\0\x0a\x0b\x0c"), AF_INET, BT_ERR_FORMAT,
	    -1, 0 },
	{ "short connect", S("\0\0\0\0\x0a\x0b\x0c\x0d\x01\x02\x03"),
	    AF_INET, BT_ERR_FORMAT, -1, 0 },
	{ "short announce", S("\0\0\0\x01\x0a\x0b\x0c\x0d"
	    "\0\0\x07\x08" "\0\0\0\x03" "\0\0\0"), AF_INET, BT_ERR_FORMAT,
	    -1, 0 },
	{ "partial peer", S("\0\0\0\x01\x0a\x0b\x0c\x0d"
	    "\0\0\x07\x08" "\0\0\0\x03" "\0\0\0\x04" "\x01\x02\x03\x04\x1a"),
	    AF_INET, BT_ERR_FORMAT, -1, 0 },
	{ "v4 peers to v6 tracker", S("\0\0\0\x01\x0a\x0b\x0c\x0d"
	    "\0\0\x07\x08" "\0\0\0\x03" "\0\0\0\x04"
	    "\x01\x02\x03\x04\x1a\xe1"), AF_INET6, BT_ERR_FORMAT, -1, 0 },
	{ "scrape", S("\0\0\0\x02\x0a\x0b\x0c\x0d"), AF_INET, BT_ERR_FORMAT,
	    -1, 0 },
	{ "unknown action", S("\0\0\0\x07\x0a\x0b\x0c\x0d"), AF_INET,
	    BT_ERR_FORMAT, -1, 0 },
	{ "bad family", S("\0\0\0\0\x0a\x0b\x0c\x0d"
	    "\x01\x02\x03\x04\x05\x06\x07\x08"), AF_UNIX, BT_ERR_INVALID,
	    -1, 0 },
};

static void
test_udp_table(void **state)
{
	struct tracker_udp_reply	rep;
	size_t				i;
	int				r;

	(void)state;
	for (i = 0; i < NELEM(udp_cases); i++) {
		const struct udp_case *c = &udp_cases[i];

		r = tracker_udp_parse(c->pkt, c->len, 0x0a0b0c0d, c->family,
		    &rep);
		if (r != c->want)
			fail_msg("%s: got %d, want %d", c->name, r, c->want);
		if (rep.action != c->action)
			fail_msg("%s: action %d, want %d", c->name, rep.action,
			    c->action);
		if (rep.npeers != c->npeers)
			fail_msg("%s: %zu peers, want %zu", c->name,
			    rep.npeers, c->npeers);
		tracker_udp_reply_cleanup(&rep);
	}
}

static void
test_udp_fields(void **state)
{
	struct tracker_udp_reply	rep;
	const struct udp_case		*c;

	(void)state;
	c = &udp_cases[0];
	assert_int_equal(tracker_udp_parse(c->pkt, c->len, 0x0a0b0c0d,
	    AF_INET, &rep), BT_OK);
	assert_true(rep.conn_id == 0x0102030405060708ull);
	c = &udp_cases[2];
	assert_int_equal(tracker_udp_parse(c->pkt, c->len, 0x0a0b0c0d,
	    AF_INET, &rep), BT_OK);
	assert_int_equal(rep.interval, 0x708);
	assert_int_equal(rep.leechers, 3);
	assert_int_equal(rep.seeders, 4);
	assert_int_equal(rep.npeers, 2);		/* port 0 skipped */
	assert_memory_equal(rep.peers[0].addr, "\x01\x02\x03\x04", 4);
	assert_int_equal(rep.peers[0].port, 6881);
	assert_memory_equal(rep.peers[1].addr, "\x09\x0a\x0b\x0c", 4);
	assert_int_equal(rep.peers[1].port, 80);
	tracker_udp_reply_cleanup(&rep);
	c = &udp_cases[3];
	assert_int_equal(tracker_udp_parse(c->pkt, c->len, 0x0a0b0c0d,
	    AF_INET6, &rep), BT_OK);
	assert_int_equal(rep.peers[0].family, AF_INET6);
	assert_memory_equal(rep.peers[0].addr,
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	tracker_udp_reply_cleanup(&rep);
	c = &udp_cases[5];
	assert_int_equal(tracker_udp_parse(c->pkt, c->len, 0x0a0b0c0d,
	    AF_INET, &rep), BT_OK);
	assert_string_equal(rep.message, "bad torrent");
}

static void
test_udp_error_text_bounded(void **state)
{
	struct tracker_udp_reply	rep;
	uint8_t				pkt[8 + 600];

	(void)state;
	memcpy(pkt, "\0\0\0\x03\0\0\0\x01", 8);
	memset(pkt + 8, 'e', 600);
	pkt[8] = '\x1b';	/* an escape sequence must not reach a tty */
	assert_int_equal(tracker_udp_parse(pkt, sizeof(pkt), 1, AF_INET,
	    &rep), BT_OK);
	assert_int_equal(strlen(rep.message), TRACKER_MAX_TEXT - 1);
	assert_int_equal(rep.message[0], '?');
}

static void
test_udp_cut(void **state)
{
	const struct udp_case		*c = &udp_cases[2];
	struct tracker_udp_reply	 rep;
	size_t				 n;
	int				 r;

	(void)state;
	for (n = 0; n < c->len; n++) {
		r = tracker_udp_parse(c->pkt, n, 0x0a0b0c0d, AF_INET, &rep);
		/* A cut after whole peers is a valid shorter reply. */
		if (n >= 20 && (n - 20) % 6 == 0) {
			assert_int_equal(r, BT_OK);
			/* the second peer has port 0 and is skipped */
			assert_int_equal(rep.npeers, n == 20 ? 0 : 1);
			tracker_udp_reply_cleanup(&rep);
			continue;
		}
		if (r != BT_ERR_FORMAT)
			fail_msg("cut at %zu: not BT_ERR_FORMAT", n);
		assert_null(rep.peers);
		assert_int_equal(rep.action, -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_table),
		cmocka_unit_test(test_http_compact_fields),
		cmocka_unit_test(test_http_dictionary_fields),
		cmocka_unit_test(test_http_peers6_fields),
		cmocka_unit_test(test_http_failure_and_warning),
		cmocka_unit_test(test_http_bounds),
		cmocka_unit_test(test_http_cut),
		cmocka_unit_test(test_url_table),
		cmocka_unit_test(test_url_limit),
		cmocka_unit_test(test_url_ipv6),
		cmocka_unit_test(test_udp_connect_bytes),
		cmocka_unit_test(test_udp_announce_bytes),
		cmocka_unit_test(test_udp_event_numbers),
		cmocka_unit_test(test_udp_table),
		cmocka_unit_test(test_udp_fields),
		cmocka_unit_test(test_udp_error_text_bounded),
		cmocka_unit_test(test_udp_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
