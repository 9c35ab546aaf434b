/*
 * test_krpc: the KRPC codec.  One table of datagrams, each decoded to the
 * struct it must give (the BEP 5 examples byte for byte, every message kind,
 * BEP 32 and BEP 42 fields, a libtorrent-style answer, liberal and hostile
 * inputs); the canonical ones encode back to the same bytes.  Then inputs
 * too big to write out, the encoder's refusals, and seeded random messages
 * through encode and decode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <sys/socket.h>

#include "engine/caddr.h"
#include "engine/krpc.h"
#include "engine/rng.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* BEP 5's example ids */
#define ID_A	"abcdefghij0123456789"
#define ID_M	"mnopqrstuvwxyz123456"
#define ID_Z	"0123456789abcdefghij"

/* Compact addresses (ip, then the port big-endian) and node entries. */
#define V6_LOOP	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" \
		"\x00\x01"
#define V6_DB8	"\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" \
		"\x00\x05"
#define N4_LOOP	ID_M "\x7f\x00\x00\x01\x1a\xe1"		/* 127.0.0.1:6881 */
#define N4_TEN	ID_Z "\x0a\x00\x00\x07\x00\x50"		/* 10.0.0.7:80 */
#define N6_LOOP	ID_A V6_LOOP "\x1a\xe1"			/* [::1]:6881 */
#define N6_DB8	ID_Z V6_DB8 "\x1a\xe2"			/* [2001:db8::5]:6882 */

#define C4(a, b, c, d, port)	{ AF_INET, { a, b, c, d }, port }
#define C6_LOOP(port)		{ AF_INET6, { [15] = 1 }, port }
#define C6_DB8(port)		{ AF_INET6, { 0x20, 0x01, 0x0d, 0xb8, \
				    [15] = 5 }, port }

/* The head of a message as the table spells it. */
#define Q(m)	.type = KRPC_QUERY, .method = (m), .tid = "aa", .tid_len = 2
#define R	.type = KRPC_RESPONSE, .tid = "aa", .tid_len = 2
#define E(c, s)	.type = KRPC_ERROR, .tid = "aa", .tid_len = 2, \
		.error_code = (c), .error_msg = s
#define ID(s)	.id = s
#define TOK(s)	.token = s, .token_len = sizeof(s) - 1

#define IN(s)	s, sizeof(s) - 1

#define X10	"xxxxxxxxxx"
#define X100	X10 X10 X10 X10 X10 X10 X10 X10 X10 X10

enum { NORM, EXACT, NOENC };	/* what encoding the decoded message gives */

static const struct row {
	const char	*name;
	const char	*in;
	size_t		 len;
	int		 rc;
	int		 enc;	/* EXACT: the same bytes; NORM: the same
				 * message; NOENC: BT_ERR_INVALID */
	struct krpc_msg	 want;	/* after an error: what is kept */
} rows[] = {
	/* BEP 5's examples, as its text writes them */
	{ "bep5 ping", IN("d1:ad2:id20:" ID_A "e1:q4:ping1:t2:aa1:y1:qe"),
	    BT_OK, EXACT, { Q(KRPC_PING), ID(ID_A) } },
	{ "bep5 ping answer", IN("d1:rd2:id20:" ID_M "e1:t2:aa1:y1:re"),
	    BT_OK, EXACT, { R, ID(ID_M) } },
	{ "bep5 find_node", IN("d1:ad2:id20:" ID_A "6:target20:" ID_M
	    "e1:q9:find_node1:t2:aa1:y1:qe"),
	    BT_OK, EXACT, { Q(KRPC_FIND_NODE), ID(ID_A), .target = ID_M } },
	/* the BEP's "def456..." stands for nodes: 9 bytes are no node */
	{ "bep5 find_node answer", IN("d1:rd2:id20:" ID_Z
	    "5:nodes9:def456...e1:t2:aa1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "bep5 get_peers", IN("d1:ad2:id20:" ID_A "9:info_hash20:" ID_M
	    "e1:q9:get_peers1:t2:aa1:y1:qe"),
	    BT_OK, EXACT, { Q(KRPC_GET_PEERS), ID(ID_A), .target = ID_M } },
	{ "bep5 get_peers values", IN("d1:rd2:id20:" ID_A
	    "5:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re"),
	    BT_OK, EXACT, { R, ID(ID_A), TOK("aoeusnth"), .nvalues = 2,
	    .values = { C4('a', 'x', 'j', 'e', 0x2e75),
	    C4('i', 'd', 'h', 't', 0x6e6d) } } },
	{ "bep5 get_peers nodes", IN("d1:rd2:id20:" ID_A
	    "5:nodes9:def456...5:token8:aoeusnthe1:t2:aa1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "bep5 announce_peer", IN("d1:ad2:id20:" ID_A "9:info_hash20:" ID_M
	    "4:porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe"),
	    BT_OK, EXACT, { Q(KRPC_ANNOUNCE_PEER), ID(ID_A), .target = ID_M,
	    .port = 6881, TOK("aoeusnth") } },
	{ "bep5 error 201", IN("d1:eli201e23:A Generic Error Ocurrede"
	    "1:t2:aa1:y1:ee"),
	    BT_OK, EXACT, { E(201, "A Generic Error Ocurred") } },

	/* every kind, both ways */
	{ "find_node want n4 n6", IN("d1:ad2:id20:" ID_A "6:target20:" ID_M
	    "4:wantl2:n42:n6ee1:q9:find_node1:t2:\x00\x01" "1:y1:qe"),
	    BT_OK, EXACT, { .type = KRPC_QUERY, .method = KRPC_FIND_NODE,
	    .tid = { 0, 1 }, .tid_len = 2, ID(ID_A), .target = ID_M,
	    .want = KRPC_WANT_N4 | KRPC_WANT_N6 } },
	{ "find_node answer nodes nodes6", IN("d1:rd2:id20:" ID_M
	    "5:nodes52:" N4_LOOP N4_TEN "6:nodes676:" N6_LOOP N6_DB8
	    "e1:t2:aa1:y1:re"),
	    BT_OK, EXACT, { R, ID(ID_M), .nnodes = 4, .nodes = {
	    { ID_M, C4(127, 0, 0, 1, 6881) }, { ID_Z, C4(10, 0, 0, 7, 80) },
	    { ID_A, C6_LOOP(6881) }, { ID_Z, C6_DB8(6882) } } } },
	{ "get_peers want n6", IN("d1:ad2:id20:" ID_A "9:info_hash20:" ID_M
	    "4:wantl2:n6ee1:q9:get_peers1:t2:aa1:y1:qe"),
	    BT_OK, EXACT, { Q(KRPC_GET_PEERS), ID(ID_A), .target = ID_M,
	    .want = KRPC_WANT_N6 } },
	{ "get_peers answer hybrid values", IN("d1:rd2:id20:" ID_M
	    "5:token4:tok16:valuesl6:\x7f\x00\x00\x02\x1a\xe3" "18:" V6_LOOP
	    "\x1a\xe4" "ee1:t2:aa1:y1:re"),
	    BT_OK, EXACT, { R, ID(ID_M), TOK("tok1"), .nvalues = 2,
	    .values = { C4(127, 0, 0, 2, 6883), C6_LOOP(6884) } } },
	{ "get_peers answer nodes token", IN("d1:rd2:id20:" ID_M
	    "5:nodes26:" N4_LOOP "5:token2:tke1:t2:aa1:y1:re"),
	    BT_OK, EXACT, { R, ID(ID_M), TOK("tk"), .nnodes = 1, .nodes = {
	    { ID_M, C4(127, 0, 0, 1, 6881) } } } },
	{ "announce_peer implied_port", IN("d1:ad2:id20:" ID_A
	    "12:implied_porti1e9:info_hash20:" ID_M "4:porti6881e"
	    "5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe"),
	    BT_OK, EXACT, { Q(KRPC_ANNOUNCE_PEER), ID(ID_A), .target = ID_M,
	    .port = 6881, .implied_port = 1, TOK("aoeusnth") } },
	{ "error 202", IN("d1:eli202e12:Server Errore1:t2:aa1:y1:ee"),
	    BT_OK, EXACT, { E(202, "Server Error") } },
	{ "error 203", IN("d1:eli203e14:Protocol Errore1:t2:aa1:y1:ee"),
	    BT_OK, EXACT, { E(203, "Protocol Error") } },
	{ "error 204", IN("d1:eli204e14:Method Unknowne1:t2:aa1:y1:ee"),
	    BT_OK, EXACT, { E(204, "Method Unknown") } },
	/* libtorrent: BEP 42 "ip" at the top, a binary tid, "v" LT 1.2 */
	{ "libtorrent answer ip v", IN("d2:ip6:\x0a\x00\x00\x02\x1a\xe1"
	    "1:rd2:id20:" ID_M "5:nodes26:" N4_LOOP "e1:t2:\x8b\x01"
	    "1:v4:LT\x01\x02" "1:y1:re"),
	    BT_OK, EXACT, { .type = KRPC_RESPONSE, .tid = { 0x8b, 1 },
	    .tid_len = 2, .client = "LT\x01\x02", .client_len = 4, ID(ID_M),
	    .nnodes = 1, .nodes = { { ID_M, C4(127, 0, 0, 1, 6881) } },
	    .ip = C4(10, 0, 0, 2, 6881) } },
	{ "answer ip v6", IN("d2:ip18:" V6_DB8 "\x1a\xe1" "1:rd2:id20:" ID_M
	    "e1:t2:aa1:y1:re"),
	    BT_OK, EXACT, { R, ID(ID_M), .ip = C6_DB8(6881) } },
	{ "query with v", IN("d1:ad2:id20:" ID_A "e1:q4:ping1:t2:aa"
	    "1:v4:TR\x01\x02" "1:y1:qe"),
	    BT_OK, EXACT, { Q(KRPC_PING), ID(ID_A), .client = "TR\x01\x02",
	    .client_len = 4 } },
	{ "tid of 8 bytes", IN("d1:rd2:id20:" ID_M "e1:t8:12345678"
	    "1:y1:re"),
	    BT_OK, EXACT, { .type = KRPC_RESPONSE, .tid = "12345678",
	    .tid_len = 8, ID(ID_M) } },

	/* liberal: what nodes in the wild send, normalised */
	{ "unknown keys", IN("d1:ad2:id20:" ID_A "3:zzzi5ee1:q4:ping"
	    "1:t2:aa1:x3:foo1:y1:qe"),
	    BT_OK, NORM, { Q(KRPC_PING), ID(ID_A) } },
	{ "unsorted keys", IN("d1:t2:aa1:y1:q1:q4:ping1:ad2:id20:" ID_A
	    "ee"),
	    BT_OK, NORM, { Q(KRPC_PING), ID(ID_A) } },
	{ "unknown method", IN("d1:ad2:id20:" ID_A "e1:q4:vote1:t2:aa"
	    "1:y1:qe"),
	    BT_OK, NOENC, { Q(KRPC_UNKNOWN_METHOD), ID(ID_A) } },
	{ "want ignored on ping", IN("d1:ad2:id20:" ID_A "4:wantl2:n4ee"
	    "1:q4:ping1:t2:aa1:y1:qe"),
	    BT_OK, NORM, { Q(KRPC_PING), ID(ID_A) } },
	{ "want odd entries", IN("d1:ad2:id20:" ID_A "6:target20:" ID_M
	    "4:wantl2:n5i6e3:n4x2:n4ee1:q9:find_node1:t2:aa1:y1:qe"),
	    BT_OK, NORM, { Q(KRPC_FIND_NODE), ID(ID_A), .target = ID_M,
	    .want = KRPC_WANT_N4 } },
	{ "want not a list", IN("d1:ad2:id20:" ID_A "6:target20:" ID_M
	    "4:wanti3ee1:q9:find_node1:t2:aa1:y1:qe"),
	    BT_OK, NORM, { Q(KRPC_FIND_NODE), ID(ID_A), .target = ID_M } },
	{ "v of 3 bytes", IN("d1:rd2:id20:" ID_M "e1:t2:aa1:v3:abc1:y1:re"),
	    BT_OK, NORM, { R, ID(ID_M) } },
	{ "ip of 5 bytes", IN("d2:ip5:abcde1:rd2:id20:" ID_M "e1:t2:aa"
	    "1:y1:re"),
	    BT_OK, NORM, { R, ID(ID_M) } },
	{ "ip v4-mapped", IN("d2:ip18:\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\xff\xff\x01\x02\x03\x04\x00\x50" "1:rd2:id20:" ID_M
	    "e1:t2:aa1:y1:re"),
	    BT_OK, NORM, { R, ID(ID_M), .ip = C4(1, 2, 3, 4, 80) } },
	{ "empty nodes", IN("d1:rd2:id20:" ID_M "5:nodes0:e1:t2:aa1:y1:re"),
	    BT_OK, NORM, { R, ID(ID_M) } },
	{ "implied_port, port out of range", IN("d1:ad2:id20:" ID_A
	    "12:implied_porti7e9:info_hash20:" ID_M "4:porti70000e"
	    "5:token0:e1:q13:announce_peer1:t2:aa1:y1:qe"),
	    BT_OK, NORM, { Q(KRPC_ANNOUNCE_PEER), ID(ID_A), .target = ID_M,
	    .implied_port = 1 } },
	{ "implied_port, port 0", IN("d1:ad2:id20:" ID_A
	    "12:implied_porti1e9:info_hash20:" ID_M "4:porti0e"
	    "5:token1:ke1:q13:announce_peer1:t2:aa1:y1:qe"),
	    BT_OK, EXACT, { Q(KRPC_ANNOUNCE_PEER), ID(ID_A), .target = ID_M,
	    .implied_port = 1, TOK("k") } },
	{ "error with more", IN("d1:eli201e3:abci5ee1:t2:aa1:y1:ee"),
	    BT_OK, NORM, { E(201, "abc") } },
	{ "error message sanitised", IN("d1:eli201e7:a\x00\xff\n\x7f\tb"
	    "e1:t2:aa1:y1:ee"),
	    BT_OK, NORM, { E(201, "a?????b") } },

	/* unusable entries dropped and counted */
	{ "nodes 0.0.0.0/8 etc", IN("d1:rd2:id20:" ID_M "5:nodes104:"
	    ID_A "\x00\x01\x02\x03\x00\x50" N4_LOOP
	    ID_A "\xe0\x00\x00\x01\x00\x50" ID_A "\x0a\x00\x00\x07\x00\x00"
	    "e1:t2:aa1:y1:re"),
	    BT_OK, NORM, { R, ID(ID_M), .nnodes = 1, .nodes = {
	    { ID_M, C4(127, 0, 0, 1, 6881) } }, .dropped = 3 } },
	{ "nodes6 mapped, port 0, ::, ff02::", IN("d1:rd2:id20:" ID_M
	    "6:nodes6152:"
	    ID_A "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x0a\x00"
	    "\x00\x01\x1a\xe1" ID_A V6_LOOP "\x00\x00"
	    ID_A "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x00\x1a\xe1"
	    ID_A "\xff\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x00\x01\x1a\xe1" "e1:t2:aa1:y1:re"),
	    BT_OK, NORM, { R, ID(ID_M), .dropped = 4 } },
	{ "values port 0, 0/8, broadcast", IN("d1:rd2:id20:" ID_M
	    "6:valuesl6:\x01\x02\x03\x04\x00\x00" "6:\x00\x02\x03\x04\x00\x50"
	    "6:\xff\xff\xff\xff\x00\x50" "6:\x01\x02\x03\x04\x00\x50"
	    "ee1:t2:aa1:y1:re"),
	    BT_OK, NORM, { R, ID(ID_M), .nvalues = 1,
	    .values = { C4(1, 2, 3, 4, 80) }, .dropped = 3 } },

	/* refused; the head stays for an error reply */
	{ "nodes of 27 bytes", IN("d1:rd2:id20:" ID_M "5:nodes27:" N4_LOOP
	    "!e1:t2:aa1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "nodes6 of 26 bytes", IN("d1:rd2:id20:" ID_M "6:nodes626:" N4_LOOP
	    "e1:t2:aa1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "nodes an integer", IN("d1:rd2:id20:" ID_M "5:nodesi0ee1:t2:aa"
	    "1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "value of 7 bytes", IN("d1:rd2:id20:" ID_M "6:valuesl6:\x01\x02"
	    "\x03\x04\x00\x50" "7:\x01\x02\x03\x04\x00\x50!ee1:t2:aa1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "value a list", IN("d1:rd2:id20:" ID_M "6:valuesllee" "e1:t2:aa"
	    "1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "values a string", IN("d1:rd2:id20:" ID_M "6:values6:abcdef"
	    "e1:t2:aa1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "id of 19 bytes", IN("d1:ad2:id19:" "abcdefghij012345678" "e1:q4:ping"
	    "1:t2:aa1:y1:qe"),
	    BT_ERR_FORMAT, NORM, { Q(KRPC_PING) } },
	{ "id of 21 bytes in an answer", IN("d1:rd2:id21:" ID_M "!e1:t2:aa"
	    "1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "id missing", IN("d1:rde1:t2:aa1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "tid of 100 bytes", IN("d1:ad2:id20:" ID_A "e1:q4:ping1:t100:" X100
	    "1:y1:qe"),
	    BT_ERR_FORMAT, NORM, { .tid_len = 0 } },
	{ "tid of 9 bytes", IN("d1:rd2:id20:" ID_M "e1:t9:123456789"
	    "1:y1:re"),
	    BT_ERR_FORMAT, NORM, { .tid_len = 0 } },
	{ "tid empty", IN("d1:rd2:id20:" ID_M "e1:t0:1:y1:re"),
	    BT_ERR_FORMAT, NORM, { .tid_len = 0 } },
	{ "tid an integer", IN("d1:rd2:id20:" ID_M "e1:ti5e1:y1:re"),
	    BT_ERR_FORMAT, NORM, { .tid_len = 0 } },
	{ "no tid", IN("d1:rd2:id20:" ID_M "e1:y1:re"),
	    BT_ERR_FORMAT, NORM, { .tid_len = 0 } },
	{ "no y", IN("d1:rd2:id20:" ID_M "e1:t2:aae"),
	    BT_ERR_FORMAT, NORM, { .tid = "aa", .tid_len = 2 } },
	{ "y x", IN("d1:rd2:id20:" ID_M "e1:t2:aa1:y1:xe"),
	    BT_ERR_FORMAT, NORM, { .tid = "aa", .tid_len = 2 } },
	{ "y qq", IN("d1:ad2:id20:" ID_A "e1:q4:ping1:t2:aa1:v4:UT\x01\x02"
	    "1:y2:qqe"),
	    BT_ERR_FORMAT, NORM, { .tid = "aa", .tid_len = 2,
	    .client = "UT\x01\x02", .client_len = 4 } },
	{ "query without a", IN("d1:q9:find_node1:t2:aa1:y1:qe"),
	    BT_ERR_FORMAT, NORM, { Q(KRPC_FIND_NODE) } },
	{ "query with a list", IN("d1:ale1:q4:ping1:t2:aa1:y1:qe"),
	    BT_ERR_FORMAT, NORM, { Q(KRPC_PING) } },
	{ "query without q", IN("d1:ad2:id20:" ID_A "e1:t2:aa1:y1:qe"),
	    BT_ERR_FORMAT, NORM, { Q(KRPC_PING) } },
	{ "find_node without target", IN("d1:ad2:id20:" ID_A "e1:q9:find_node"
	    "1:t2:aa1:y1:qe"),
	    BT_ERR_FORMAT, NORM, { Q(KRPC_FIND_NODE) } },
	{ "get_peers info_hash 21 bytes", IN("d1:ad2:id20:" ID_A
	    "9:info_hash21:" ID_M "!e1:q9:get_peers1:t2:aa1:y1:qe"),
	    BT_ERR_FORMAT, NORM, { Q(KRPC_GET_PEERS) } },
	{ "announce without token", IN("d1:ad2:id20:" ID_A "9:info_hash20:"
	    ID_M "4:porti6881ee1:q13:announce_peer1:t2:aa1:y1:qe"),
	    BT_ERR_FORMAT, NORM, { Q(KRPC_ANNOUNCE_PEER) } },
	{ "announce token 33 bytes", IN("d1:ad2:id20:" ID_A "9:info_hash20:"
	    ID_M "4:porti6881e5:token33:" ID_A "0123456789abc"
	    "e1:q13:announce_peer1:t2:aa1:y1:qe"),
	    BT_ERR_FORMAT, NORM, { Q(KRPC_ANNOUNCE_PEER) } },
	{ "announce port 0", IN("d1:ad2:id20:" ID_A "9:info_hash20:" ID_M
	    "4:porti0e5:token2:tke1:q13:announce_peer1:t2:aa1:y1:qe"),
	    BT_ERR_RANGE, NORM, { Q(KRPC_ANNOUNCE_PEER) } },
	{ "announce port 65536", IN("d1:ad2:id20:" ID_A "9:info_hash20:" ID_M
	    "4:porti65536e5:token2:tke1:q13:announce_peer1:t2:aa1:y1:qe"),
	    BT_ERR_RANGE, NORM, { Q(KRPC_ANNOUNCE_PEER) } },
	{ "announce port -1", IN("d1:ad2:id20:" ID_A "9:info_hash20:" ID_M
	    "4:porti-1e5:token2:tke1:q13:announce_peer1:t2:aa1:y1:qe"),
	    BT_ERR_RANGE, NORM, { Q(KRPC_ANNOUNCE_PEER) } },
	{ "announce port a string", IN("d1:ad2:id20:" ID_A "9:info_hash20:"
	    ID_M "4:port4:68815:token2:tke1:q13:announce_peer1:t2:aa"
	    "1:y1:qe"),
	    BT_ERR_FORMAT, NORM, { Q(KRPC_ANNOUNCE_PEER) } },
	{ "announce without port", IN("d1:ad2:id20:" ID_A
	    "12:implied_porti1e9:info_hash20:" ID_M "5:token2:tke"
	    "1:q13:announce_peer1:t2:aa1:y1:qe"),
	    BT_ERR_FORMAT, NORM, { Q(KRPC_ANNOUNCE_PEER) } },
	{ "answer without r", IN("d1:t2:aa1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "answer r a list", IN("d1:rle1:t2:aa1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "answer token 33 bytes", IN("d1:rd2:id20:" ID_M "5:token33:" ID_A
	    "0123456789abce1:t2:aa1:y1:re"),
	    BT_ERR_FORMAT, NORM, { R } },
	{ "error without e", IN("d1:t2:aa1:y1:ee"),
	    BT_ERR_FORMAT, NORM, { .type = KRPC_ERROR, .tid = "aa",
	    .tid_len = 2 } },
	{ "error [201]", IN("d1:eli201ee1:t2:aa1:y1:ee"),
	    BT_ERR_FORMAT, NORM, { .type = KRPC_ERROR, .tid = "aa",
	    .tid_len = 2 } },
	{ "error [msg, code]", IN("d1:el3:abci201ee1:t2:aa1:y1:ee"),
	    BT_ERR_FORMAT, NORM, { .type = KRPC_ERROR, .tid = "aa",
	    .tid_len = 2 } },
	{ "error a dict", IN("d1:ede1:t2:aa1:y1:ee"),
	    BT_ERR_FORMAT, NORM, { .type = KRPC_ERROR, .tid = "aa",
	    .tid_len = 2 } },
	{ "duplicate key", IN("d1:t2:aa1:t2:bb1:y1:re"),
	    BT_ERR_FORMAT, NORM, { .tid_len = 0 } },
	{ "a list", IN("l1:t2:aae"), BT_ERR_FORMAT, NORM, { .tid_len = 0 } },
	{ "an integer", IN("i5e"), BT_ERR_FORMAT, NORM, { .tid_len = 0 } },
	{ "empty", IN(""), BT_ERR_FORMAT, NORM, { .tid_len = 0 } },
	{ "trailing byte", IN("d1:rd2:id20:" ID_M "e1:t2:aa1:y1:rex"),
	    BT_ERR_FORMAT, NORM, { .tid_len = 0 } },
	{ "too deep", IN("d1:t2:aa1:y1:r1:r"
	    "llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllll"
	    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	    "e"),
	    BT_ERR_LIMIT, NORM, { .tid_len = 0 } },
};

/* Fails naming the first field that differs. */
static void
check_msg(const char *name, const struct krpc_msg *got,
    const struct krpc_msg *w)
{
	size_t	i;

	if (got->type != w->type || got->method != w->method)
		fail_msg("%s: type %d method %d, want %d %d", name, got->type,
		    got->method, w->type, w->method);
	if (got->tid_len != w->tid_len ||
	    memcmp(got->tid, w->tid, w->tid_len) != 0)
		fail_msg("%s: tid of %zu bytes differs", name, got->tid_len);
	if (got->client_len != w->client_len ||
	    memcmp(got->client, w->client, w->client_len) != 0)
		fail_msg("%s: client differs", name);
	if (memcmp(got->id, w->id, KRPC_ID_LEN) != 0 ||
	    memcmp(got->target, w->target, KRPC_ID_LEN) != 0)
		fail_msg("%s: id or target differs", name);
	if (got->port != w->port || got->implied_port != w->implied_port ||
	    got->want != w->want)
		fail_msg("%s: port %u implied %d want %u, want %u %d %u", name,
		    got->port, got->implied_port, got->want, w->port,
		    w->implied_port, w->want);
	if (got->token_len != w->token_len ||
	    memcmp(got->token, w->token, w->token_len) != 0)
		fail_msg("%s: token of %zu bytes differs", name,
		    got->token_len);
	if (got->nnodes != w->nnodes || got->nvalues != w->nvalues ||
	    got->dropped != w->dropped)
		fail_msg("%s: %zu nodes %zu values %zu dropped, want %zu %zu "
		    "%zu", name, got->nnodes, got->nvalues, got->dropped,
		    w->nnodes, w->nvalues, w->dropped);
	for (i = 0; i < w->nnodes; i++)
		if (memcmp(got->nodes[i].id, w->nodes[i].id,
		    KRPC_ID_LEN) != 0 || !caddr_equal(&got->nodes[i].addr, &w->nodes[i].addr))
			fail_msg("%s: node %zu differs", name, i);
	for (i = 0; i < w->nvalues; i++)
		if (!caddr_equal(&got->values[i], &w->values[i]))
			fail_msg("%s: value %zu differs", name, i);
	if (!caddr_equal(&got->ip, &w->ip))
		fail_msg("%s: ip differs (family %d)", name, got->ip.family);
	if (got->error_code != w->error_code ||
	    strcmp(got->error_msg, w->error_msg) != 0)
		fail_msg("%s: error %lld \"%s\", want %lld \"%s\"", name,
		    (long long)got->error_code, got->error_msg,
		    (long long)w->error_code, w->error_msg);
}

/* Encodes m, checks it decodes to m (nothing dropped), and returns the
 * datagram in out. */
static void
round_trip(const char *name, const struct krpc_msg *m, struct bbuf *out)
{
	struct krpc_msg	*again;
	struct krpc_msg	 want = *m;
	int		 r;

	again = malloc(sizeof(*again));
	assert_non_null(again);
	if ((r = krpc_encode(m, out)) != BT_OK)
		fail_msg("%s: encode gave %d", name, r);
	if ((r = krpc_decode(bbuf_ptr(out), bbuf_len(out), again, NULL,
	    0)) != BT_OK)
		fail_msg("%s: decoding the encoding gave %d", name, r);
	want.dropped = 0;
	check_msg(name, again, &want);
	free(again);
}

static void
test_table(void **state)
{
	struct krpc_msg	*m;
	struct bbuf	 out;
	char		 err[128];
	size_t		 i, cut;
	int		 r;

	(void)state;
	m = malloc(sizeof(*m));
	assert_non_null(m);
	for (i = 0; i < NELEM(rows); i++) {
		const struct row *w = &rows[i];

		memset(err, 'x', sizeof(err));
		r = krpc_decode((const uint8_t *)w->in, w->len, m, err,
		    sizeof(err));
		if (r != w->rc)
			fail_msg("%s: got %d (%s), want %d", w->name, r, err,
			    w->rc);
		if ((r == BT_OK) != (err[0] == '\0'))
			fail_msg("%s: error text \"%s\"", w->name, err);
		check_msg(w->name, m, &w->want);
		if (r != BT_OK)
			continue;
		/* a datagram cut anywhere is malformed */
		for (cut = 0; cut < w->len; cut++)
			if (krpc_decode((const uint8_t *)w->in, cut, m, NULL,
			    0) != BT_ERR_FORMAT)
				fail_msg("%s: cut at %zu accepted", w->name,
				    cut);
		bbuf_init(&out, 4096);
		if (w->enc == NOENC)
			assert_int_equal(krpc_encode(&w->want, &out),
			    BT_ERR_INVALID);
		else
			round_trip(w->name, &w->want, &out);
		if (w->enc == EXACT && (bbuf_len(&out) != w->len ||
		    memcmp(bbuf_ptr(&out), w->in, w->len) != 0))
			fail_msg("%s: encoded as \"%.*s\"", w->name,
			    (int)bbuf_len(&out), (const char *)bbuf_ptr(&out));
		bbuf_cleanup(&out);
	}
	free(m);
}

/* ---- inputs too big to write out ---- */

/* A get_peers answer holding n 26-byte nodes (all 10.x.y.z:6881), or
 * n values when values is set; *len_out its size. */
static uint8_t *
big_answer(size_t n, int values, size_t *len_out)
{
	struct bbuf	b;
	uint8_t		*p;
	size_t		 i;

	bbuf_init(&b, 1 << 20);
	assert_int_equal(bbuf_putf(&b, "d1:rd2:id20:" ID_M), BT_OK);
	if (values)
		assert_int_equal(bbuf_putf(&b, "6:valuesl"), BT_OK);
	else
		assert_int_equal(bbuf_putf(&b, "5:nodes%zu:", n * 26), BT_OK);
	for (i = 0; i < n; i++) {
		uint8_t c[6] = { 10, (uint8_t)(i >> 8), (uint8_t)i, 1,
		    0x1a, 0xe1 };

		if (values)
			assert_int_equal(bbuf_putf(&b, "6:"), BT_OK);
		else
			assert_int_equal(bbuf_put_bytes(&b, ID_A, 20), BT_OK);
		assert_int_equal(bbuf_put_bytes(&b, c, 6), BT_OK);
	}
	assert_int_equal(bbuf_putf(&b, "%se1:t2:aa1:y1:re", values ? "e" : ""),
	    BT_OK);
	*len_out = bbuf_len(&b);
	p = malloc(*len_out);
	assert_non_null(p);
	memcpy(p, bbuf_ptr(&b), *len_out);
	bbuf_cleanup(&b);
	return p;
}

static void
test_floods(void **state)
{
	static const struct {
		size_t	n;
		int	values, rc;
		size_t	kept, dropped;
	} cases[] = {
		{ 10000, 0, BT_ERR_LIMIT, 0, 0 },
		{ 55, 0, BT_OK, KRPC_MAX_NODES, 55 - KRPC_MAX_NODES },
		{ 16, 0, BT_OK, 16, 0 },
		{ 170, 1, BT_OK, KRPC_MAX_VALUES, 170 - KRPC_MAX_VALUES },
		{ 10000, 1, BT_ERR_LIMIT, 0, 0 },
	};
	struct krpc_msg	*m;
	uint8_t		*p;
	size_t		 i, len;

	(void)state;
	m = malloc(sizeof(*m));
	assert_non_null(m);
	for (i = 0; i < NELEM(cases); i++) {
		p = big_answer(cases[i].n, cases[i].values, &len);
		assert_int_equal(krpc_decode(p, len, m, NULL, 0),
		    cases[i].rc);
		assert_int_equal(cases[i].values ? m->nvalues : m->nnodes,
		    cases[i].kept);
		assert_int_equal(m->dropped, cases[i].dropped);
		/* the first ones kept, in order */
		if (cases[i].kept > 1)
			assert_int_equal(cases[i].values ? m->values[1].ip[2] :
			    m->nodes[1].addr.ip[2], 1);
		free(p);
	}
	free(m);
}

/* A ping answer padded with an unknown key "x" to exactly n bytes. */
static void
test_datagram_size(void **state)
{
	static const char	 head[] = "d1:rd2:id20:" ID_M "e1:t2:aa1:x";
	static const char	 tail[] = "1:y1:re";
	static const size_t	 sizes[] = { 1500, 1501, 65536 };
	struct krpc_msg		*m;
	struct bbuf		 b;
	size_t			 i, n, pad, fixed;

	(void)state;
	m = malloc(sizeof(*m));
	assert_non_null(m);
	fixed = sizeof(head) - 1 + sizeof(tail) - 1;
	for (i = 0; i < NELEM(sizes); i++) {
		n = sizes[i];
		/* the pad's length prefix "NNN:" counts too */
		for (pad = n - fixed; pad > 0; pad--)
			if (fixed + (size_t)snprintf(NULL, 0, "%zu:", pad) +
			    pad == n)
				break;
		bbuf_init(&b, n + 16);	/* bbuf_putf needs room for a NUL */
		assert_int_equal(bbuf_putf(&b, "%s%zu:", head, pad), BT_OK);
		while (pad-- > 0)
			assert_int_equal(bbuf_put_u8(&b, 'p'), BT_OK);
		assert_int_equal(bbuf_putf(&b, "%s", tail), BT_OK);
		assert_int_equal(bbuf_len(&b), n);
		assert_int_equal(krpc_decode(bbuf_ptr(&b), n, m, NULL, 0),
		    n <= KRPC_MAX_DATAGRAM ? BT_OK : BT_ERR_LIMIT);
		bbuf_cleanup(&b);
	}
	free(m);
}

/* Lists nested d deep under an unknown key of a ping answer. */
static void
test_nesting(void **state)
{
	static const struct {
		size_t	depth;
		int	rc;
	} cases[] = {
		{ 60, BT_OK },		/* unknown keys may hold anything */
		{ 65, BT_ERR_LIMIT },
		{ 700, BT_ERR_LIMIT },
	};
	struct krpc_msg	*m;
	struct bbuf	 b;
	size_t		 i, k;
	char		 err[128];

	(void)state;
	m = malloc(sizeof(*m));
	assert_non_null(m);
	for (i = 0; i < NELEM(cases); i++) {
		bbuf_init(&b, KRPC_MAX_DATAGRAM);
		assert_int_equal(bbuf_putf(&b, "d1:rd2:id20:" ID_M "e1:t2:aa"
		    "1:x"), BT_OK);
		for (k = 0; k < cases[i].depth; k++)
			assert_int_equal(bbuf_put_u8(&b, 'l'), BT_OK);
		for (k = 0; k < cases[i].depth; k++)
			assert_int_equal(bbuf_put_u8(&b, 'e'), BT_OK);
		assert_int_equal(bbuf_putf(&b, "1:y1:re"), BT_OK);
		assert_int_equal(krpc_decode(bbuf_ptr(&b), bbuf_len(&b), m,
		    err, sizeof(err)), cases[i].rc);
		bbuf_cleanup(&b);
	}
	/* nothing but openers */
	bbuf_init(&b, KRPC_MAX_DATAGRAM);
	for (k = 0; k < KRPC_MAX_DATAGRAM; k++)
		assert_int_equal(bbuf_put_u8(&b, 'l'), BT_OK);
	assert_int_equal(krpc_decode(bbuf_ptr(&b), bbuf_len(&b), m, NULL, 0),
	    BT_ERR_LIMIT);
	bbuf_cleanup(&b);
	free(m);
}

/* ---- encoding ---- */

static void
ping_answer(struct krpc_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = KRPC_RESPONSE;
	m->tid_len = 2;
	memcpy(m->tid, "aa", 2);
	memcpy(m->id, ID_M, KRPC_ID_LEN);
}

static void
test_encode_refused(void **state)
{
	static const struct krpc_node	n4 = { ID_M, C4(1, 2, 3, 4, 5) };
	struct krpc_msg	*m;
	struct bbuf	 out;
	size_t		 i, k;
	int		 r;

	(void)state;
	m = malloc(sizeof(*m));
	assert_non_null(m);
	for (i = 0; i < 12; i++) {
		ping_answer(m);
		r = BT_ERR_INVALID;
		switch (i) {
		case 0: m->tid_len = 0; break;
		case 1: m->tid_len = KRPC_TID_MAX + 1; break;
		case 2: m->type = 7; break;
		case 3: m->type = KRPC_QUERY; m->method = KRPC_UNKNOWN_METHOD;
			break;
		case 4: m->type = KRPC_QUERY; m->method = -1; break;
		case 5: m->nnodes = 1; break;		/* family 0 */
		case 6:
			for (k = 0; k <= KRPC_MAX_NODES; k++)
				m->nodes[m->nnodes++] = n4;
			break;
		case 7: m->type = KRPC_QUERY; m->method = KRPC_ANNOUNCE_PEER;
			break;					/* port 0 */
		case 8: m->token_len = KRPC_TOKEN_MAX + 1; break;
		case 9: m->nvalues = KRPC_MAX_VALUES + 1; break;
		case 10:					/* too big */
			for (k = 0; k < KRPC_MAX_VALUES; k++)
				m->values[m->nvalues++] =
				    (struct caddr)C6_LOOP(1);
			r = BT_ERR_LIMIT;
			break;
		default: m->nvalues = 1; break;		/* family 0 */
		}
		bbuf_init(&out, 4096);
		assert_int_equal(bbuf_put_u8(&out, '#'), BT_OK);
		if (krpc_encode(m, &out) != r)
			fail_msg("case %zu: want %d", i, r);
		assert_int_equal(bbuf_len(&out), 1);	/* nothing appended */
		bbuf_cleanup(&out);
	}
	/* an output with no room left: nothing, and the bbuf's error */
	ping_answer(m);
	bbuf_init(&out, 20);
	assert_int_equal(krpc_encode(m, &out), BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&out), 0);
	bbuf_cleanup(&out);
	free(m);
}

/* v goes on every kind when it is 4 bytes, error text is cut to fit. */
static void
test_encode_fields(void **state)
{
	struct krpc_msg	*m;
	struct bbuf	 out;
	static const char want[] = "d1:eli201e3:abce1:t2:aa1:v4:bt\x00\x01"
			    "1:y1:ee";

	(void)state;
	m = malloc(sizeof(*m));
	assert_non_null(m);
	ping_answer(m);
	m->type = KRPC_ERROR;
	m->error_code = 201;
	memcpy(m->error_msg, "abc", 4);
	memcpy(m->client, "bt\x00\x01", 4);
	m->client_len = 4;
	m->nnodes = 3;		/* not an answer: ignored */
	bbuf_init(&out, 4096);
	assert_int_equal(krpc_encode(m, &out), BT_OK);
	assert_int_equal(bbuf_len(&out), sizeof(want) - 1);
	assert_memory_equal(bbuf_ptr(&out), want, sizeof(want) - 1);
	bbuf_reset(&out);
	m->client_len = 2;	/* not a "v" we send */
	memset(m->error_msg, 'e', sizeof(m->error_msg));	/* no NUL */
	assert_int_equal(krpc_encode(m, &out), BT_OK);
	assert_int_equal(krpc_decode(bbuf_ptr(&out), bbuf_len(&out), m, NULL,
	    0), BT_OK);
	assert_int_equal(m->client_len, 0);
	assert_int_equal(strlen(m->error_msg), KRPC_ERROR_MAX - 1);
	bbuf_cleanup(&out);
	free(m);
}

/* ---- random messages ---- */

static void
rand_bytes(uint64_t *rng, uint8_t *p, size_t n)
{
	while (n-- > 0)
		*p++ = (uint8_t)rng_next(rng);
}

static void
rand_addr(uint64_t *rng, int family, struct caddr *a)
{
	memset(a, 0, sizeof(*a));
	do {
		a->family = family;
		rand_bytes(rng, a->ip, family == AF_INET ? 4 : 16);
		a->port = (uint16_t)rng_next(rng);
	} while (!caddr_usable(a) || (family == AF_INET6 &&
	    memcmp(a->ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0));
}

/* Three shapes that fit in a datagram: many nodes and a few values, some
 * of both, or up to all 100 values (IPv4) and no nodes. */
static void
rand_response(uint64_t *rng, struct krpc_msg *m)
{
	static const struct {
		uint32_t	nodes, values, v6;
	} shapes[] = {
		{ KRPC_MAX_NODES, 10, 1 },
		{ KRPC_MAX_NODES / 2, 40, 1 },
		{ 0, KRPC_MAX_VALUES, 0 },
	};
	uint32_t	s = rng_below(rng, NELEM(shapes));
	size_t		i, n4 = rng_below(rng, shapes[s].nodes + 1);
	size_t		n6 = rng_below(rng, shapes[s].nodes + 1);

	for (i = 0; i < n4 + n6; i++) {
		rand_bytes(rng, m->nodes[i].id, KRPC_ID_LEN);
		rand_addr(rng, i < n4 ? AF_INET : AF_INET6,
		    &m->nodes[i].addr);
	}
	m->nnodes = n4 + n6;
	m->nvalues = rng_below(rng, shapes[s].values + 1);
	for (i = 0; i < m->nvalues; i++)
		rand_addr(rng, shapes[s].v6 && rng_below(rng, 2) ? AF_INET6 :
		    AF_INET, &m->values[i]);
	if (rng_below(rng, 2))
		rand_addr(rng, rng_below(rng, 2) ? AF_INET : AF_INET6, &m->ip);
}

static void
rand_msg(uint64_t *rng, struct krpc_msg *m)
{
	size_t	i;

	memset(m, 0, sizeof(*m));
	m->type = (int)rng_below(rng, 3);
	m->tid_len = 1 + rng_below(rng, KRPC_TID_MAX);
	rand_bytes(rng, m->tid, m->tid_len);
	if (rng_below(rng, 2)) {
		m->client_len = KRPC_CLIENT_LEN;
		rand_bytes(rng, m->client, KRPC_CLIENT_LEN);
	}
	rand_bytes(rng, m->id, KRPC_ID_LEN);
	if (m->type == KRPC_QUERY) {
		m->method = (int)rng_below(rng, KRPC_UNKNOWN_METHOD);
		if (m->method != KRPC_PING)
			rand_bytes(rng, m->target, KRPC_ID_LEN);
		if (m->method == KRPC_FIND_NODE || m->method == KRPC_GET_PEERS)
			m->want = rng_below(rng, 4);
		if (m->method == KRPC_ANNOUNCE_PEER) {
			m->implied_port = (int)rng_below(rng, 2);
			m->port = (uint16_t)(m->implied_port ?
			    rng_below(rng, 65536) : 1 + rng_below(rng, 65535));
			m->token_len = rng_below(rng, KRPC_TOKEN_MAX + 1);
		}
	} else if (m->type == KRPC_RESPONSE) {
		rand_response(rng, m);
		m->token_len = rng_below(rng, KRPC_TOKEN_MAX + 1);
	} else {
		memset(m->id, 0, KRPC_ID_LEN);
		m->error_code = (int64_t)rng_next(rng);
		for (i = rng_below(rng, KRPC_ERROR_MAX); i > 0; i--)
			m->error_msg[i - 1] = (char)(0x20 + rng_below(rng, 95));
	}
	rand_bytes(rng, m->token, m->token_len);
}

static void
test_random(void **state)
{
	struct krpc_msg	*m, *again;
	struct bbuf	 out, out2;
	uint64_t	 seed = (uint64_t)time(NULL), rng = seed;
	char		 name[64];
	int		 i;

	(void)state;
	printf("test_random: seed %llu\n", (unsigned long long)seed);
	m = malloc(sizeof(*m));
	again = malloc(sizeof(*again));
	assert_non_null(m);
	assert_non_null(again);
	for (i = 0; i < 10000; i++) {
		rand_msg(&rng, m);
		snprintf(name, sizeof(name), "seed %llu round %d",
		    (unsigned long long)seed, i);
		bbuf_init(&out, KRPC_MAX_DATAGRAM);
		round_trip(name, m, &out);
		/* canonical: the decoded message encodes to the same bytes */
		assert_int_equal(krpc_decode(bbuf_ptr(&out), bbuf_len(&out),
		    again, NULL, 0), BT_OK);
		bbuf_init(&out2, KRPC_MAX_DATAGRAM);
		assert_int_equal(krpc_encode(again, &out2), BT_OK);
		if (bbuf_len(&out) != bbuf_len(&out2) || memcmp(bbuf_ptr(&out),
		    bbuf_ptr(&out2), bbuf_len(&out)) != 0)
			fail_msg("%s: encoding not canonical", name);
		bbuf_cleanup(&out);
		bbuf_cleanup(&out2);
	}
	free(m);
	free(again);
}

static void
test_closer(void **state)
{
	static const struct {
		uint8_t	t, a, b;	/* first bytes; the rest equal */
		int	want;
	} cases[] = {
		{ 0x00, 0x01, 0x02, -1 },
		{ 0x00, 0x02, 0x01, 1 },
		{ 0xff, 0x80, 0x7f, -1 },	/* 0x7f vs 0x80 from 0xff */
		{ 0x10, 0x10, 0x11, -1 },	/* distance 0 is closest */
		{ 0x55, 0x33, 0x33, 0 },
	};
	uint8_t	t[KRPC_ID_LEN], a[KRPC_ID_LEN], b[KRPC_ID_LEN];
	size_t	i;
	int	r;

	(void)state;
	memset(t, 0xa5, sizeof(t));
	memcpy(a, t, sizeof(a));
	memcpy(b, t, sizeof(b));
	for (i = 0; i < NELEM(cases); i++) {
		t[0] = cases[i].t;
		a[0] = cases[i].a;
		b[0] = cases[i].b;
		r = krpc_closer(t, a, b);
		if ((r > 0) - (r < 0) != cases[i].want)
			fail_msg("case %zu: got %d, want %d", i, r,
			    cases[i].want);
	}
	/* the last byte decides when the rest are equal */
	t[0] = a[0] = b[0] = 0;
	a[19] ^= 1;
	b[19] ^= 2;
	assert_true(krpc_closer(t, a, b) < 0);
	assert_true(krpc_closer(t, b, a) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_floods),
		cmocka_unit_test(test_datagram_size),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_encode_refused),
		cmocka_unit_test(test_encode_fields),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_closer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
