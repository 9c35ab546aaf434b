/* Unit tests for src/engine/extmsg: extended handshakes as libtorrent,
 * Transmission, aria2 and the BEP examples send them, hostile and odd
 * handshakes, the client-name sanitiser, our own handshake byte for byte,
 * ut_metadata messages both ways with their bounds, metadata assembled from
 * encoded pieces, and yourip from a socket address (a struct caddr). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "engine/bencode.h"
#include "engine/caddr.h"
#include "engine/extmsg.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

/* A byte-string literal and its length (literals may hold NULs). */
#define B(s)		(const uint8_t *)(s), sizeof(s) - 1
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define HS_ALL_M	(EXTMSG_HS_M | EXTMSG_HS_UT_METADATA | EXTMSG_HS_UT_PEX)

/* ---- extmsg_split ---- */

static void
test_split(void **state)
{
	const uint8_t	*body;
	size_t		 n;
	uint8_t		 id;

	(void)state;
	assert_int_equal(extmsg_split(B(""), &id, &body, &n), BT_ERR_FORMAT);
	assert_null(body);
	assert_int_equal(n, 0);
	assert_int_equal(extmsg_split(B("\0"), &id, &body, &n), BT_OK);
	assert_int_equal(id, 0);
	assert_int_equal(n, 0);
	assert_int_equal(extmsg_split(B("\2d1:pi1ee"), &id, &body, &n), BT_OK);
	assert_int_equal(id, 2);
	assert_int_equal(n, 8);
	assert_memory_equal(body, "d1:pi1ee", 8);
}

/* ---- extended handshake: decode ---- */

struct hs_want {
	unsigned	 flags, bad;
	uint8_t		 ut_metadata, ut_pex;
	const char	*client;	/* NULL: "" */
	uint16_t	 port;
	int		 yfamily;
	const char	*yip;		/* 4 or 16 bytes */
	int64_t		 metadata_size;
	uint32_t	 reqq;
};

static void
check_hs(const char *name, const struct extmsg_handshake *got,
    const struct hs_want *w)
{
	const char	*client = w->client != NULL ? w->client : "";

	if (got->flags != w->flags || got->bad != w->bad)
		fail_msg("%s: flags %#x bad %#x, want %#x %#x", name,
		    got->flags, got->bad, w->flags, w->bad);
	if (got->ut_metadata != w->ut_metadata || got->ut_pex != w->ut_pex)
		fail_msg("%s: ids %u %u, want %u %u", name, got->ut_metadata,
		    got->ut_pex, w->ut_metadata, w->ut_pex);
	if (strcmp(got->client, client) != 0)
		fail_msg("%s: client \"%s\", want \"%s\"", name, got->client,
		    client);
	if (got->port != w->port || got->metadata_size != w->metadata_size ||
	    got->reqq != w->reqq)
		fail_msg("%s: port %u size %lld reqq %u, want %u %lld %u", name,
		    got->port, (long long)got->metadata_size, got->reqq,
		    w->port, (long long)w->metadata_size, w->reqq);
	if (got->yourip.family != w->yfamily || got->yourip.port != 0)
		fail_msg("%s: yourip family %d, want %d", name,
		    got->yourip.family, w->yfamily);
	if (w->yfamily != 0 && memcmp(got->yourip.ip, w->yip,
	    w->yfamily == AF_INET ? 4 : 16) != 0)
		fail_msg("%s: yourip bytes differ", name);
}

#define V16_LOOPBACK	"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1"

/* Extended handshakes as real clients send them (keys sorted, as every
 * bencoder writes them). */
static const struct {
	const char	*name;
	const uint8_t	*body;
	size_t		 len;
	struct hs_want	 want;
} hs_real[] = {
	/* libtorrent 1.2 under qBittorrent: more extensions than we know,
	 * complete_ago and upload_only at top level, yourip. */
	{ "libtorrent", B("d12:complete_agoi1441e1:md11:lt_donthavei7e"
	    "10:share_modei8e11:upload_onlyi3e12:ut_holepunchi4e"
	    "11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei31235e1:pi6881e"
	    "4:reqqi500e11:upload_onlyi0e1:v17:qBittorrent/4.5.2"
	    "6:yourip4:\x7f\0\0\1e"),
	    { HS_ALL_M | EXTMSG_HS_V | EXTMSG_HS_P | EXTMSG_HS_YOURIP |
	    EXTMSG_HS_METADATA_SIZE | EXTMSG_HS_REQQ, 0, 2, 1,
	    "qBittorrent/4.5.2", 6881, AF_INET, "\x7f\0\0\1", 31235, 500 } },
	/* Transmission 3.00: e, ipv6, upload_only; reqq 512; no yourip. */
	{ "transmission", B("d1:ei0e4:ipv616:" V16_LOOPBACK "1:md11:ut_metadata"
	    "i3e6:ut_pexi1ee13:metadata_sizei4321e1:pi51413e4:reqqi512e"
	    "11:upload_onlyi1e1:v17:Transmission 3.00e"),
	    { HS_ALL_M | EXTMSG_HS_V | EXTMSG_HS_P | EXTMSG_HS_METADATA_SIZE |
	    EXTMSG_HS_REQQ, 0, 3, 1, "Transmission 3.00", 51413, 0, NULL,
	    4321, 512 } },
	/* aria2 1.36: ut_pex 8, ut_metadata 9, no reqq. */
	{ "aria2", B("d1:md11:ut_metadatai9e6:ut_pexi8ee13:metadata_size"
	    "i1048e1:pi6881e1:v12:aria2/1.36.0e"),
	    { HS_ALL_M | EXTMSG_HS_V | EXTMSG_HS_P | EXTMSG_HS_METADATA_SIZE,
	    0, 9, 8, "aria2/1.36.0", 6881, 0, NULL, 1048, 0 } },
	/* aria2 fetching metadata itself: no metadata_size. */
	{ "aria2 magnet", B("d1:md11:ut_metadatai9e6:ut_pexi8ee1:pi6881e"
	    "1:v12:aria2/1.36.0e"),
	    { HS_ALL_M | EXTMSG_HS_V | EXTMSG_HS_P, 0, 9, 8, "aria2/1.36.0",
	    6881, 0, NULL, -1, 0 } },
	/* BEP 10's example, with the UTF-8 name's length corrected: neither
	 * extension is one we know by that name. */
	{ "BEP 10 example", B("d1:md11:LT_metadatai1e7:\xc2\xb5T_PEXi2ee"
	    "1:pi6881e1:v13:\xc2\xb5Torrent 1.2e"),
	    { EXTMSG_HS_M | EXTMSG_HS_V | EXTMSG_HS_P, 0, 0, 0,
	    "\xc2\xb5Torrent 1.2", 6881, 0, NULL, -1, 0 } },
	{ "BEP 9 example", B("d1:md11:ut_metadatai3ee13:metadata_size"
	    "i31235ee"),
	    { EXTMSG_HS_M | EXTMSG_HS_UT_METADATA | EXTMSG_HS_METADATA_SIZE, 0,
	    3, 0, NULL, 0, 0, NULL, 31235, 0 } },
	/* BEP 10: a later handshake turning an extension off. */
	{ "disable pex", B("d1:md6:ut_pexi0eee"),
	    { EXTMSG_HS_M | EXTMSG_HS_UT_PEX, 0, 0, 0, NULL, 0, 0, NULL, -1,
	    0 } },
	{ "empty", B("de"), { 0, 0, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
};

static void
test_handshake_real_world(void **state)
{
	struct extmsg_handshake	hs;
	char			err[160];
	size_t			i;
	int			r;

	(void)state;
	for (i = 0; i < NELEM(hs_real); i++) {
		err[0] = '\0';
		r = extmsg_handshake_decode(hs_real[i].body, hs_real[i].len,
		    &hs, err, sizeof(err));
		if (r != BT_OK)
			fail_msg("%s: %d (%s)", hs_real[i].name, r, err);
		check_hs(hs_real[i].name, &hs, &hs_real[i].want);
	}
}

/* Odd and hostile handshakes that still decode: the field is ignored. */
static const struct {
	const char	*name;
	const uint8_t	*body;
	size_t		 len;
	struct hs_want	 want;
} hs_odd[] = {
	{ "metadata_size 4 GiB", B("d13:metadata_sizei4294967296ee"),
	    { 0, EXTMSG_HS_METADATA_SIZE, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "metadata_size over 16 MiB", B("d13:metadata_sizei16777217ee"),
	    { 0, EXTMSG_HS_METADATA_SIZE, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "metadata_size 16 MiB", B("d13:metadata_sizei16777216ee"),
	    { EXTMSG_HS_METADATA_SIZE, 0, 0, 0, NULL, 0, 0, NULL, 16777216,
	    0 } },
	{ "metadata_size 0", B("d13:metadata_sizei0ee"),
	    { 0, EXTMSG_HS_METADATA_SIZE, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "metadata_size negative", B("d13:metadata_sizei-31235ee"),
	    { 0, EXTMSG_HS_METADATA_SIZE, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "metadata_size INT64_MIN",
	    B("d13:metadata_sizei-9223372036854775808ee"),
	    { 0, EXTMSG_HS_METADATA_SIZE, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "metadata_size a string", B("d13:metadata_size3:123e"),
	    { 0, EXTMSG_HS_METADATA_SIZE, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "p 0", B("d1:pi0ee"),
	    { 0, EXTMSG_HS_P, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "p 65536", B("d1:pi65536ee"),
	    { 0, EXTMSG_HS_P, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "p -1", B("d1:pi-1ee"),
	    { 0, EXTMSG_HS_P, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "p 65535", B("d1:pi65535ee"),
	    { EXTMSG_HS_P, 0, 0, 0, NULL, 65535, 0, NULL, -1, 0 } },
	{ "p a string", B("d1:p4:6881e"),
	    { 0, EXTMSG_HS_P, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "yourip 5 bytes", B("d6:yourip5:\1\2\3\4\5e"),
	    { 0, EXTMSG_HS_YOURIP, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "yourip empty", B("d6:yourip0:e"),
	    { 0, EXTMSG_HS_YOURIP, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "yourip an integer", B("d6:youripi1ee"),
	    { 0, EXTMSG_HS_YOURIP, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "yourip IPv6", B("d6:yourip16:" V16_LOOPBACK "e"),
	    { EXTMSG_HS_YOURIP, 0, 0, 0, NULL, 0, AF_INET6, V16_LOOPBACK, -1,
	    0 } },
	{ "yourip v4-mapped", B("d6:yourip16:\0\0\0\0\0\0\0\0\0\0\xff\xff"
	    "\x0a\0\0\1e"),
	    { EXTMSG_HS_YOURIP, 0, 0, 0, NULL, 0, AF_INET, "\x0a\0\0\1", -1,
	    0 } },
	{ "m a list", B("d1:mli1eee"),
	    { 0, EXTMSG_HS_M, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "ut_metadata 256", B("d1:md11:ut_metadatai256e6:ut_pexi1eee"),
	    { EXTMSG_HS_M | EXTMSG_HS_UT_PEX, EXTMSG_HS_UT_METADATA, 0, 1,
	    NULL, 0, 0, NULL, -1, 0 } },
	{ "ut_pex -1", B("d1:md11:ut_metadatai255e6:ut_pexi-1eee"),
	    { EXTMSG_HS_M | EXTMSG_HS_UT_METADATA, EXTMSG_HS_UT_PEX, 255, 0,
	    NULL, 0, 0, NULL, -1, 0 } },
	{ "ut_pex a string", B("d1:md6:ut_pex1:1ee"),
	    { EXTMSG_HS_M, EXTMSG_HS_UT_PEX, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "reqq 0", B("d4:reqqi0ee"),
	    { 0, EXTMSG_HS_REQQ, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "reqq negative", B("d4:reqqi-250ee"),
	    { 0, EXTMSG_HS_REQQ, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "reqq clamped", B("d4:reqqi9223372036854775807ee"),
	    { EXTMSG_HS_REQQ, 0, 0, 0, NULL, 0, 0, NULL, -1,
	    EXTMSG_REQQ_MAX } },
	{ "v an integer", B("d1:vi7ee"),
	    { 0, EXTMSG_HS_V, 0, 0, NULL, 0, 0, NULL, -1, 0 } },
	{ "unknown keys of every type", B("d1:ali1ei2ee1:bd1:cdee1:di-1e"
	    "1:md3:fooi1e11:ut_metadatad1:xi1eee1:vdee"),
	    { EXTMSG_HS_M, EXTMSG_HS_UT_METADATA | EXTMSG_HS_V, 0, 0, NULL,
	    0, 0, NULL, -1, 0 } },
	/* The peer's name goes on the screen: no escapes, no controls. */
	{ "v escape sequence", B("d1:v10:a\x1b[31mb\x07\r\ne"),
	    { EXTMSG_HS_V, 0, 0, 0, "a?[31mb???", 0, 0, NULL, -1, 0 } },
	{ "v NUL and DEL", B("d1:v4:a\0\x7f" "be"),
	    { EXTMSG_HS_V, 0, 0, 0, "a??b", 0, 0, NULL, -1, 0 } },
	{ "v invalid UTF-8", B("d1:v5:\xff\xfe" "ok\xc3" "e"),
	    { EXTMSG_HS_V, 0, 0, 0, "??ok?", 0, 0, NULL, -1, 0 } },
	{ "v overlong slash", B("d1:v2:\xc0\xaf" "e"),
	    { EXTMSG_HS_V, 0, 0, 0, "??", 0, 0, NULL, -1, 0 } },
	{ "v surrogate", B("d1:v3:\xed\xa0\x80" "e"),
	    { EXTMSG_HS_V, 0, 0, 0, "???", 0, 0, NULL, -1, 0 } },
	{ "v past U+10FFFF", B("d1:v4:\xf4\x90\x80\x80" "e"),
	    { EXTMSG_HS_V, 0, 0, 0, "????", 0, 0, NULL, -1, 0 } },
	{ "v C1 control", B("d1:v3:x\xc2\x85" "e"),
	    { EXTMSG_HS_V, 0, 0, 0, "x?", 0, 0, NULL, -1, 0 } },
	{ "v bidi override", B("d1:v7:ab\xe2\x80\xae" "cd" "e"),
	    { EXTMSG_HS_V, 0, 0, 0, "ab?cd", 0, 0, NULL, -1, 0 } },
	{ "v CJK and emoji", B("d1:v11:\xe8\xbf\x85\xe9\x9b\xb7 "
	    "\xf0\x9f\x90\xb8" "e"), { EXTMSG_HS_V, 0, 0, 0,
	    "\xe8\xbf\x85\xe9\x9b\xb7 \xf0\x9f\x90\xb8", 0, 0, NULL, -1,
	    0 } },
	/* 63 bytes fit; a 2-byte character at 62 does not and is left out
	 * whole. */
	{ "v cut at a character", B("d1:v64:"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "\xc3\xa9" "e"), { EXTMSG_HS_V, 0, 0, 0,
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    0, 0, NULL, -1, 0 } },
	{ "v 63 bytes", B("d1:v63:"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "e"), { EXTMSG_HS_V, 0, 0, 0,
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    0, 0, NULL, -1, 0 } },
};

static void
test_handshake_odd(void **state)
{
	struct extmsg_handshake	hs;
	size_t			i;
	int			r;

	(void)state;
	for (i = 0; i < NELEM(hs_odd); i++) {
		r = extmsg_handshake_decode(hs_odd[i].body, hs_odd[i].len, &hs,
		    NULL, 0);
		if (r != BT_OK)
			fail_msg("%s: %d", hs_odd[i].name, r);
		check_hs(hs_odd[i].name, &hs, &hs_odd[i].want);
	}
}

/* A list nested deeper than bencode allows, as the value of an unknown
 * key: "d1:x" "l" * depth "e" * depth "e". */
static uint8_t *
nesting_bomb(size_t depth, size_t *len_out)
{
	uint8_t	*p = malloc(2 * depth + 5);
	size_t	 i;

	assert_non_null(p);
	memcpy(p, "d1:x", 4);
	for (i = 0; i < depth; i++) {
		p[4 + i] = 'l';
		p[4 + depth + i] = 'e';
	}
	p[4 + 2 * depth] = 'e';
	*len_out = 2 * depth + 5;
	return p;
}

static const struct {
	const char	*name;
	const uint8_t	*body;
	size_t		 len;
	int		 want;
	const char	*msg;		/* a substring of errbuf */
} hs_bad[] = {
	{ "empty body", B(""), BT_ERR_FORMAT, "input is empty" },
	{ "an integer", B("i5e"), BT_ERR_FORMAT, "not a dictionary" },
	{ "a list", B("le"), BT_ERR_FORMAT, "not a dictionary" },
	{ "trailing bytes", B("d1:pi1eex"), BT_ERR_FORMAT, "trailing" },
	{ "cut short", B("d1:pi1e"), BT_ERR_FORMAT, "not bencode" },
	{ "duplicate key", B("d1:pi1e1:pi2ee"), BT_ERR_FORMAT, "duplicate" },
	{ "key not a string", B("di1ei2ee"), BT_ERR_FORMAT, "not a string" },
	{ "integer overflow", B("d1:pi99999999999999999999ee"), BT_ERR_FORMAT,
	    "overflows" },
	{ "garbage", B("\x80\x81"), BT_ERR_FORMAT, "byte 0" },
};

static void
test_handshake_bad(void **state)
{
	struct extmsg_handshake	 hs;
	char			 err[160];
	uint8_t			*p;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < NELEM(hs_bad); i++) {
		err[0] = '\0';
		memset(&hs, 0xa5, sizeof(hs));
		if (extmsg_handshake_decode(hs_bad[i].body, hs_bad[i].len, &hs,
		    err, sizeof(err)) != hs_bad[i].want)
			fail_msg("%s: wrong error", hs_bad[i].name);
		if (strstr(err, hs_bad[i].msg) == NULL ||
		    strncmp(err, "extended handshake: ", 20) != 0)
			fail_msg("%s: message \"%s\"", hs_bad[i].name, err);
		assert_int_equal(hs.flags, 0);
		assert_int_equal(hs.metadata_size, -1);
	}
	/* nesting bombs: refused by bencode's depth bound */
	p = nesting_bomb(BENCODE_MAX_DEPTH + 1, &n);
	assert_int_equal(extmsg_handshake_decode(p, n, &hs, err, sizeof(err)),
	    BT_ERR_LIMIT);
	assert_non_null(strstr(err, "nested deeper"));
	free(p);
	p = nesting_bomb(BENCODE_MAX_DEPTH - 1, &n);
	assert_int_equal(extmsg_handshake_decode(p, n, &hs, NULL, 0), BT_OK);
	free(p);
	/* a body over the bound is refused before it is parsed */
	n = EXTMSG_MAX_BODY + 1;
	assert_non_null(p = calloc(1, n));
	assert_int_equal(extmsg_handshake_decode(p, n, &hs, err, sizeof(err)),
	    BT_ERR_LIMIT);
	assert_non_null(strstr(err, "limit"));
	free(p);
}

/* Every strict prefix of a real handshake is malformed; none reads past
 * its end (the copy is exactly n bytes, so ASan would see it). */
static void
test_handshake_cut(void **state)
{
	struct extmsg_handshake	 hs;
	uint8_t			*p;
	size_t			 n, len = hs_real[0].len;

	(void)state;
	for (n = 0; n < len; n++) {
		assert_non_null(p = malloc(n + 1));
		memcpy(p, hs_real[0].body, n);
		if (extmsg_handshake_decode(p, n, &hs, NULL, 0) !=
		    BT_ERR_FORMAT)
			fail_msg("cut at %zu: not BT_ERR_FORMAT", n);
		free(p);
	}
}

/* BEP 10: m is additive; a later handshake changes only what it names. */
static void
test_handshake_merge(void **state)
{
	struct extmsg_handshake	cur, next;

	(void)state;
	assert_int_equal(extmsg_handshake_decode(hs_real[0].body,
	    hs_real[0].len, &cur, NULL, 0), BT_OK);
	assert_int_equal(extmsg_handshake_decode(B("d1:md6:ut_pexi0eee"),
	    &next, NULL, 0), BT_OK);
	extmsg_handshake_merge(&cur, &next);
	assert_int_equal(cur.ut_pex, 0);
	assert_int_equal(cur.ut_metadata, 2);
	assert_string_equal(cur.client, "qBittorrent/4.5.2");
	assert_int_equal(cur.metadata_size, 31235);
	assert_int_equal(extmsg_handshake_decode(B("d13:metadata_sizei77e"
	    "1:pi7000ee"), &next, NULL, 0), BT_OK);
	extmsg_handshake_merge(&cur, &next);
	assert_int_equal(cur.metadata_size, 77);
	assert_int_equal(cur.port, 7000);
	assert_int_equal(cur.reqq, 500);
	assert_int_equal(cur.ut_pex, 0);
}

/* ---- extended handshake: ours ---- */

static int
contains(const uint8_t *p, size_t n, const char *s)
{
	size_t	i, k = strlen(s);

	for (i = 0; i + k <= n; i++)
		if (memcmp(p + i, s, k) == 0)
			return 1;
	return 0;
}

/* A frame's head: length prefix, 20, ext_id; returns the body. */
static const uint8_t *
frame_body(const struct bbuf *b, uint8_t ext_id, size_t *len_out)
{
	const uint8_t	*p = bbuf_ptr(b);
	size_t		 n = bbuf_len(b);
	uint32_t	 prefix;

	assert_true(n >= 6);
	prefix = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	assert_int_equal(prefix, n - 4);
	assert_int_equal(p[4], EXTMSG_WIRE_ID);
	assert_int_equal(p[5], ext_id);
	*len_out = n - 6;
	return p + 6;
}

static void
sockaddr4(struct sockaddr_storage *ss, socklen_t *len, const char *ip,
    uint16_t port)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, ip, &sin->sin_addr), 1);
	*len = sizeof(*sin);
}

static void
sockaddr6(struct sockaddr_storage *ss, socklen_t *len, const char *ip,
    uint16_t port)
{
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	assert_int_equal(inet_pton(AF_INET6, ip, &sin6->sin6_addr), 1);
	*len = sizeof(*sin6);
}

static void
test_handshake_ours_bytes(void **state)
{
	struct extmsg_handshake	 hs, back;
	struct sockaddr_storage	 ss;
	struct bbuf		 out;
	const uint8_t		*body;
	socklen_t		 sl;
	char			 want[256];
	size_t			 n;
	int			 wn;

	(void)state;
	extmsg_handshake_ours(&hs, EXTMSG_HS_UT_METADATA | EXTMSG_HS_UT_PEX,
	    6881, 31235, 2048);
	sockaddr4(&ss, &sl, "127.0.0.1", 51413);
	assert_int_equal(extmsg_handshake_set_yourip(&hs, &ss, sl), BT_OK);
	bbuf_init(&out, 1024);
	assert_int_equal(extmsg_handshake_encode(&out, &hs), BT_OK);
	body = frame_body(&out, 0, &n);
	wn = snprintf(want, sizeof(want), "d1:md11:ut_metadatai2e6:ut_pexi1ee"
	    "13:metadata_sizei31235e1:pi6881e4:reqqi2048e1:v%zu:bttui %s"
	    "6:yourip4:", 6 + strlen(BTTUI_VERSION), BTTUI_VERSION);
	memcpy(want + wn, "\x7f\0\0\1e", 5);
	assert_int_equal(n, (size_t)wn + 5);
	assert_memory_equal(body, want, n);
	/* and it decodes to what was encoded */
	assert_int_equal(extmsg_handshake_decode(body, n, &back, NULL, 0),
	    BT_OK);
	assert_int_equal(back.flags, hs.flags);
	assert_int_equal(back.bad, 0);
	assert_int_equal(back.yourip.family, AF_INET);
	assert_memory_equal(back.yourip.ip, "\x7f\0\0\1", 4);
	assert_string_equal(back.client, hs.client);
	assert_int_equal(back.ut_metadata, EXTMSG_OUR_UT_METADATA);
	assert_int_equal(back.ut_pex, EXTMSG_OUR_UT_PEX);
	assert_int_equal(back.port, 6881);
	assert_int_equal(back.metadata_size, 31235);
	assert_int_equal(back.reqq, 2048);
	bbuf_cleanup(&out);
}

/* A private torrent (BEP 27): no ut_pex; no metadata yet; no listen port;
 * an IPv6 peer. */
static void
test_handshake_ours_private(void **state)
{
	struct extmsg_handshake	 hs, back;
	struct sockaddr_storage	 ss;
	struct bbuf		 out;
	const uint8_t		*body;
	socklen_t		 sl;
	size_t			 n;

	(void)state;
	extmsg_handshake_ours(&hs, EXTMSG_HS_UT_METADATA, 0, -1, 0);
	assert_int_equal(hs.flags, EXTMSG_HS_M | EXTMSG_HS_UT_METADATA |
	    EXTMSG_HS_V);
	sockaddr6(&ss, &sl, "2001:db8::7", 6881);
	assert_int_equal(extmsg_handshake_set_yourip(&hs, &ss, sl), BT_OK);
	bbuf_init(&out, 1024);
	assert_int_equal(extmsg_handshake_encode(&out, &hs), BT_OK);
	body = frame_body(&out, 0, &n);
	assert_int_equal(extmsg_handshake_decode(body, n, &back, NULL, 0),
	    BT_OK);
	assert_int_equal(back.flags, hs.flags);
	assert_int_equal(back.ut_pex, 0);
	assert_int_equal(back.metadata_size, -1);
	assert_int_equal(back.yourip.family, AF_INET6);
	assert_memory_equal(back.yourip.ip,
	    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x07", 16);
	assert_false(contains(body, n, "ut_pex"));
	bbuf_cleanup(&out);
}

static void
test_handshake_encode_refuses(void **state)
{
	struct extmsg_handshake	hs;
	struct bbuf		out, view;
	size_t			i;
	static const struct {
		const char	*name;
		unsigned	 flag;
	} cases[] = {
		{ "port 0", EXTMSG_HS_P },
		{ "metadata_size 0", EXTMSG_HS_METADATA_SIZE },
		{ "reqq over the max", EXTMSG_HS_REQQ },
		{ "yourip without a family", EXTMSG_HS_YOURIP },
		{ "client not terminated", EXTMSG_HS_V },
	};

	(void)state;
	bbuf_init(&out, 1024);
	for (i = 0; i < NELEM(cases); i++) {
		extmsg_handshake_ours(&hs, EXTMSG_HS_UT_METADATA, 6881, 100,
		    10);
		hs.flags |= cases[i].flag;
		if (cases[i].flag == EXTMSG_HS_P)
			hs.port = 0;
		if (cases[i].flag == EXTMSG_HS_METADATA_SIZE)
			hs.metadata_size = 0;
		if (cases[i].flag == EXTMSG_HS_REQQ)
			hs.reqq = EXTMSG_REQQ_MAX + 1;
		if (cases[i].flag == EXTMSG_HS_V)
			memset(hs.client, 'x', sizeof(hs.client));
		if (extmsg_handshake_encode(&out, &hs) != BT_ERR_INVALID)
			fail_msg("%s: not BT_ERR_INVALID", cases[i].name);
		assert_int_equal(bbuf_len(&out), 0);
	}
	bbuf_cleanup(&out);
	/* no room: nothing is written */
	extmsg_handshake_ours(&hs, EXTMSG_HS_UT_METADATA, 6881, 100, 10);
	bbuf_init(&out, 20);
	assert_int_equal(bbuf_put_u8(&out, 7), BT_OK);
	assert_int_equal(extmsg_handshake_encode(&out, &hs), BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&out), 1);
	bbuf_cleanup(&out);
	bbuf_view(&view, "x", 1);
	assert_int_equal(extmsg_handshake_encode(&view, &hs), BT_ERR_INVALID);
	assert_int_equal(bbuf_len(&view), 1);
}

/* ---- ut_metadata ---- */

struct md_want {
	int		 type;
	uint32_t	 piece, total_size;
	const char	*data;
	size_t		 data_len;
};

static const struct {
	const char	*name;
	const uint8_t	*body;
	size_t		 len;
	int		 want_r;
	struct md_want	 want;
} md_cases[] = {
	{ "request (BEP 9)", B("d8:msg_typei0e5:piecei0ee"), BT_OK,
	    { EXTMSG_METADATA_REQUEST, 0, 0, NULL, 0 } },
	{ "reject", B("d8:msg_typei2e5:piecei3ee"), BT_OK,
	    { EXTMSG_METADATA_REJECT, 3, 0, NULL, 0 } },
	/* libtorrent adds total_size to rejects: ignored */
	{ "reject with total_size", B("d8:msg_typei2e5:piecei3e10:total_size"
	    "i99ee"), BT_OK, { EXTMSG_METADATA_REJECT, 3, 0, NULL, 0 } },
	{ "data, one short piece", B("d8:msg_typei1e5:piecei0e10:total_size"
	    "i5ee" "hello"), BT_OK,
	    { EXTMSG_METADATA_DATA, 0, 5, "hello", 5 } },
	{ "data, last piece", B("d8:msg_typei1e5:piecei1e10:total_size"
	    "i16390ee" "last6!"), BT_OK,
	    { EXTMSG_METADATA_DATA, 1, 16390, "last6!", 6 } },
	{ "data, bytes that look like bencode", B("d8:msg_typei1e5:piecei0e"
	    "10:total_sizei3eed1e"), BT_OK,
	    { EXTMSG_METADATA_DATA, 0, 3, "d1e", 3 } },
	{ "last possible piece", B("d8:msg_typei0e5:piecei1023ee"), BT_OK,
	    { EXTMSG_METADATA_REQUEST, 1023, 0, NULL, 0 } },
	/* BEP 9: an unknown msg_type MUST be ignored */
	{ "unknown msg_type", B("d8:msg_typei7e5:piecei-4ee" "junk"), BT_OK,
	    { EXTMSG_METADATA_UNKNOWN, 0, 0, NULL, 0 } },
	{ "negative msg_type", B("d8:msg_typei-1ee"), BT_OK,
	    { EXTMSG_METADATA_UNKNOWN, 0, 0, NULL, 0 } },
	/* BEP 9's reject example says msg_type 1: a data without size */
	{ "BEP 9 reject typo", B("d8:msg_typei1e5:piecei0ee"), BT_ERR_FORMAT,
	    { 0 } },
	{ "negative piece", B("d8:msg_typei0e5:piecei-1ee"), BT_ERR_RANGE,
	    { 0 } },
	{ "piece past 16 MiB", B("d8:msg_typei0e5:piecei1024ee"), BT_ERR_RANGE,
	    { 0 } },
	{ "piece INT64_MAX", B("d8:msg_typei2e5:piecei9223372036854775807ee"),
	    BT_ERR_RANGE, { 0 } },
	{ "piece a string", B("d8:msg_typei0e5:piece1:0e"), BT_ERR_FORMAT,
	    { 0 } },
	{ "no piece", B("d8:msg_typei0ee"), BT_ERR_FORMAT, { 0 } },
	{ "no msg_type", B("d5:piecei0ee"), BT_ERR_FORMAT, { 0 } },
	{ "msg_type a string", B("d8:msg_type1:05:piecei0ee"), BT_ERR_FORMAT,
	    { 0 } },
	{ "total_size 0", B("d8:msg_typei1e5:piecei0e10:total_sizei0ee"),
	    BT_ERR_RANGE, { 0 } },
	{ "total_size negative", B("d8:msg_typei1e5:piecei0e10:total_size"
	    "i-5ee" "hello"), BT_ERR_RANGE, { 0 } },
	{ "total_size 4 GiB", B("d8:msg_typei1e5:piecei0e10:total_size"
	    "i4294967296ee" "x"), BT_ERR_RANGE, { 0 } },
	{ "total_size over 16 MiB", B("d8:msg_typei1e5:piecei0e10:total_size"
	    "i16777217ee" "x"), BT_ERR_RANGE, { 0 } },
	{ "total_size a string", B("d8:msg_typei1e5:piecei0e10:total_size"
	    "1:5e" "hello"), BT_ERR_FORMAT, { 0 } },
	{ "piece past total_size", B("d8:msg_typei1e5:piecei1e10:total_size"
	    "i5ee" "hello"), BT_ERR_RANGE, { 0 } },
	{ "data too short", B("d8:msg_typei1e5:piecei0e10:total_size"
	    "i5ee" "hell"), BT_ERR_FORMAT, { 0 } },
	{ "data too long", B("d8:msg_typei1e5:piecei0e10:total_size"
	    "i5ee" "hello!"), BT_ERR_FORMAT, { 0 } },
	{ "data missing", B("d8:msg_typei1e5:piecei0e10:total_sizei5ee"),
	    BT_ERR_FORMAT, { 0 } },
	{ "bytes after a request", B("d8:msg_typei0e5:piecei0eex"),
	    BT_ERR_FORMAT, { 0 } },
	{ "bytes after a reject", B("d8:msg_typei2e5:piecei0ee\0"),
	    BT_ERR_FORMAT, { 0 } },
	{ "not a dictionary", B("li0ei0ee"), BT_ERR_FORMAT, { 0 } },
	{ "empty", B(""), BT_ERR_FORMAT, { 0 } },
	{ "cut short", B("d8:msg_typei0e5:piecei0e"), BT_ERR_FORMAT, { 0 } },
};

static void
test_metadata_table(void **state)
{
	struct extmsg_metadata	m;
	const struct md_want	*w;
	char			err[160];
	size_t			i;
	int			r;

	(void)state;
	for (i = 0; i < NELEM(md_cases); i++) {
		err[0] = '\0';
		memset(&m, 0xa5, sizeof(m));
		r = extmsg_metadata_decode(md_cases[i].body, md_cases[i].len,
		    &m, err, sizeof(err));
		if (r != md_cases[i].want_r)
			fail_msg("%s: got %d, want %d (%s)", md_cases[i].name,
			    r, md_cases[i].want_r, err);
		if (r != BT_OK) {
			if (strncmp(err, "ut_metadata: ", 13) != 0)
				fail_msg("%s: message \"%s\"",
				    md_cases[i].name, err);
			assert_null(m.data);
			continue;
		}
		w = &md_cases[i].want;
		if (m.type != w->type || m.piece != w->piece ||
		    m.total_size != w->total_size ||
		    m.data_len != w->data_len)
			fail_msg("%s: type %d piece %u total %u len %zu",
			    md_cases[i].name, m.type, m.piece, m.total_size,
			    m.data_len);
		if (w->data_len > 0) {
			/* borrowed from the body: the last data_len bytes */
			assert_ptr_equal(m.data, md_cases[i].body +
			    md_cases[i].len - w->data_len);
			assert_memory_equal(m.data, w->data, w->data_len);
		} else
			assert_null(m.data);
	}
}

/* A DATA body: the dictionary for (piece, total) then n bytes of fill. */
static uint8_t *
md_data_body(uint32_t piece, int64_t total, size_t n, size_t *len_out)
{
	char	 head[96];
	uint8_t	*p;
	int	 hn;

	hn = snprintf(head, sizeof(head), "d8:msg_typei1e5:piecei%ue"
	    "10:total_sizei%lldee", piece, (long long)total);
	assert_non_null(p = malloc((size_t)hn + n));
	memcpy(p, head, (size_t)hn);
	memset(p + hn, 'm', n);
	*len_out = (size_t)hn + n;
	return p;
}

static void
test_metadata_piece_bounds(void **state)
{
	struct extmsg_metadata	 m;
	char			 err[160];
	uint8_t			*p;
	size_t			 n;

	(void)state;
	/* a full piece */
	p = md_data_body(0, 20000, EXTMSG_METADATA_PIECE, &n);
	assert_int_equal(extmsg_metadata_decode(p, n, &m, NULL, 0), BT_OK);
	assert_int_equal(m.data_len, EXTMSG_METADATA_PIECE);
	assert_ptr_equal(m.data, p + n - EXTMSG_METADATA_PIECE);
	free(p);
	/* one byte over a piece: refused for its size, whatever total says */
	p = md_data_body(0, 20000, EXTMSG_METADATA_PIECE + 1, &n);
	assert_int_equal(extmsg_metadata_decode(p, n, &m, err, sizeof(err)),
	    BT_ERR_LIMIT);
	assert_non_null(strstr(err, "16385 data bytes"));
	free(p);
	/* a non-last piece must be whole */
	p = md_data_body(0, 20000, 100, &n);
	assert_int_equal(extmsg_metadata_decode(p, n, &m, err, sizeof(err)),
	    BT_ERR_FORMAT);
	assert_non_null(strstr(err, "must hold 16384 bytes, not 100"));
	free(p);
	/* the largest metadata's last piece */
	p = md_data_body(EXTMSG_METADATA_MAX_PIECES - 1, EXTMSG_METADATA_MAX,
	    EXTMSG_METADATA_PIECE, &n);
	assert_int_equal(extmsg_metadata_decode(p, n, &m, NULL, 0), BT_OK);
	assert_int_equal(m.total_size, EXTMSG_METADATA_MAX);
	free(p);
	/* a body over the frame bound */
	p = md_data_body(0, 5, EXTMSG_MAX_BODY, &n);
	assert_int_equal(extmsg_metadata_decode(p, n, &m, NULL, 0),
	    BT_ERR_LIMIT);
	free(p);
	/* nesting too deep, in a key we would not even read */
	p = nesting_bomb(BENCODE_MAX_DEPTH + 1, &n);
	assert_int_equal(extmsg_metadata_decode(p, n, &m, err, sizeof(err)),
	    BT_ERR_LIMIT);
	assert_non_null(strstr(err, "ut_metadata: not bencode"));
	free(p);
}

static void
test_metadata_cut(void **state)
{
	struct extmsg_metadata	 m;
	uint8_t			*p, *q;
	size_t			 n, cut;

	(void)state;
	p = md_data_body(1, 16390, 6, &n);
	assert_int_equal(extmsg_metadata_decode(p, n, &m, NULL, 0), BT_OK);
	for (cut = 0; cut < n; cut++) {
		assert_non_null(q = malloc(cut + 1));
		memcpy(q, p, cut);
		if (extmsg_metadata_decode(q, cut, &m, NULL, 0) == BT_OK)
			fail_msg("cut at %zu decoded", cut);
		free(q);
	}
	free(p);
}

static const struct {
	uint32_t	total, piece, want;
} piece_lens[] = {
	{ 0, 0, 0 }, { 1, 0, 1 }, { 1, 1, 0 }, { 16384, 0, 16384 },
	{ 16384, 1, 0 }, { 16385, 0, 16384 }, { 16385, 1, 1 },
	{ 40000, 2, 40000 - 32768 }, { EXTMSG_METADATA_MAX, 1023, 16384 },
	{ EXTMSG_METADATA_MAX, 1024, 0 }, { EXTMSG_METADATA_MAX + 1, 0, 0 },
	{ UINT32_MAX, 0, 0 }, { 5, UINT32_MAX, 0 },
};

static void
test_metadata_piece_len(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(piece_lens); i++)
		if (extmsg_metadata_piece_len(piece_lens[i].total,
		    piece_lens[i].piece) != piece_lens[i].want)
			fail_msg("total %u piece %u", piece_lens[i].total,
			    piece_lens[i].piece);
	assert_int_equal(extmsg_metadata_pieces(0), 0);
	assert_int_equal(extmsg_metadata_pieces(16384), 1);
	assert_int_equal(extmsg_metadata_pieces(16385), 2);
	assert_int_equal(extmsg_metadata_pieces(EXTMSG_METADATA_MAX), 1024);
	assert_int_equal(extmsg_metadata_pieces(EXTMSG_METADATA_MAX + 1), 0);
}

static void
test_metadata_encode_bytes(void **state)
{
	struct bbuf	out;

	(void)state;
	bbuf_init(&out, 1024);
	assert_int_equal(extmsg_put_metadata_request(&out, 9, 3), BT_OK);
	assert_int_equal(bbuf_len(&out), 31);
	assert_memory_equal(bbuf_ptr(&out), "\0\0\0\x1b\x14\x09"
	    "d8:msg_typei0e5:piecei3ee", 31);
	bbuf_reset(&out);
	assert_int_equal(extmsg_put_metadata_reject(&out, 3, 1023), BT_OK);
	assert_memory_equal(bbuf_ptr(&out), "\0\0\0\x1e\x14\x03"
	    "d8:msg_typei2e5:piecei1023ee", 34);
	bbuf_reset(&out);
	assert_int_equal(extmsg_put_metadata_data(&out, 2, 0, 5,
	    (const uint8_t *)"hello", 5), BT_OK);
	assert_memory_equal(bbuf_ptr(&out), "\0\0\0\x30\x14\x02"
	    "d8:msg_typei1e5:piecei0e10:total_sizei5eehello", 52);
	bbuf_cleanup(&out);
}

static void
test_metadata_encode_refuses(void **state)
{
	struct extmsg_metadata	m = { .type = EXTMSG_METADATA_UNKNOWN };
	struct bbuf		out;
	uint8_t			data[10] = { 0 };

	(void)state;
	bbuf_init(&out, 64);
	assert_int_equal(extmsg_put_metadata_request(&out, 0, 0),
	    BT_ERR_INVALID);
	assert_int_equal(extmsg_put_metadata_request(&out, 1,
	    EXTMSG_METADATA_MAX_PIECES), BT_ERR_RANGE);
	assert_int_equal(extmsg_put_metadata_reject(&out, 0, 0),
	    BT_ERR_INVALID);
	assert_int_equal(extmsg_put_metadata_data(&out, 0, 0, 10, data, 10),
	    BT_ERR_INVALID);
	assert_int_equal(extmsg_put_metadata_data(&out, 1, 0, 0, data, 0),
	    BT_ERR_RANGE);
	assert_int_equal(extmsg_put_metadata_data(&out, 1, 1, 10, data, 10),
	    BT_ERR_RANGE);
	assert_int_equal(extmsg_put_metadata_data(&out, 1, 0,
	    EXTMSG_METADATA_MAX + 1, data, 10), BT_ERR_RANGE);
	assert_int_equal(extmsg_put_metadata_data(&out, 1, 0, 10, data, 9),
	    BT_ERR_FORMAT);
	assert_int_equal(extmsg_metadata_encode(&out, 1, &m), BT_ERR_INVALID);
	assert_int_equal(bbuf_len(&out), 0);
	bbuf_cleanup(&out);
	/* out too small for the frame: nothing written */
	bbuf_init(&out, 40);
	assert_int_equal(bbuf_put_u8(&out, 0xee), BT_OK);
	assert_int_equal(extmsg_put_metadata_data(&out, 1, 0, 10, data, 10),
	    BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&out), 1);
	bbuf_cleanup(&out);
}

/* Serve a 40,000-byte info dictionary piece by piece through the encoder,
 * decode each frame and put the pieces together out of order. */
static void
test_metadata_assembly(void **state)
{
	struct extmsg_metadata	 m;
	struct bbuf		 out;
	const uint8_t		*body;
	uint8_t			*info, *got;
	uint32_t		 total = 40000, n, i, k, len;
	size_t			 blen;
	static const uint32_t	 order[] = { 2, 0, 1 };

	(void)state;
	assert_non_null(info = malloc(total));
	assert_non_null(got = calloc(1, total));
	for (i = 0; i < total; i++)
		info[i] = (uint8_t)(i * 7 + i / 251);
	n = extmsg_metadata_pieces(total);
	assert_int_equal(n, NELEM(order));
	bbuf_init(&out, 64 * 1024);
	for (k = 0; k < n; k++) {
		i = order[k];
		len = extmsg_metadata_piece_len(total, i);
		bbuf_reset(&out);
		assert_int_equal(extmsg_put_metadata_data(&out, 5, i, total,
		    info + i * EXTMSG_METADATA_PIECE, len), BT_OK);
		body = frame_body(&out, 5, &blen);
		assert_int_equal(extmsg_metadata_decode(body, blen, &m, NULL,
		    0), BT_OK);
		assert_int_equal(m.type, EXTMSG_METADATA_DATA);
		assert_int_equal(m.piece, i);
		assert_int_equal(m.total_size, total);
		assert_int_equal(m.data_len, len);
		memcpy(got + m.piece * EXTMSG_METADATA_PIECE, m.data,
		    m.data_len);
		/* and the generic encoder gives the same frame */
		bbuf_reset(&out);
		assert_int_equal(extmsg_metadata_encode(&out, 5, &m), BT_OK);
	}
	assert_memory_equal(got, info, total);
	bbuf_cleanup(&out);
	free(info);
	free(got);
}

/* ---- compact addresses ---- */

static void
test_addr(void **state)
{
	struct sockaddr_storage	ss, back;
	struct sockaddr_un	sun;
	struct caddr		a;
	socklen_t		sl, bl;

	(void)state;
	sockaddr4(&ss, &sl, "192.0.2.9", 6881);
	assert_int_equal(caddr_from_sockaddr(&ss, sl, &a), BT_OK);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.port, 6881);
	assert_memory_equal(a.ip, "\xc0\0\2\x09", 4);
	assert_int_equal(caddr_to_sockaddr(&a, &back, &bl), BT_OK);
	assert_int_equal(bl, sl);
	assert_memory_equal(&back, &ss, sl);
	/* too short for its family */
	assert_int_equal(caddr_from_sockaddr(&ss, sl - 1, &a),
	    BT_ERR_INVALID);
	assert_int_equal(a.family, 0);

	sockaddr6(&ss, &sl, "2001:db8::1", 443);
	assert_int_equal(caddr_from_sockaddr(&ss, sl, &a), BT_OK);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(caddr_to_sockaddr(&a, &back, &bl), BT_OK);
	assert_int_equal(bl, sl);
	assert_memory_equal(&back, &ss, sl);

	/* a v4-mapped IPv6 socket address is the IPv4 host */
	sockaddr6(&ss, &sl, "::ffff:10.9.8.7", 80);
	assert_int_equal(caddr_from_sockaddr(&ss, sl, &a), BT_OK);
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.ip, "\x0a\x09\x08\x07", 4);
	assert_int_equal(a.port, 80);

	memset(&ss, 0, sizeof(ss));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(&ss, &sun, sizeof(sun));
	assert_int_equal(caddr_from_sockaddr(&ss, sizeof(sun), &a),
	    BT_ERR_INVALID);
	a.family = AF_UNIX;
	assert_int_equal(caddr_to_sockaddr(&a, &back, &bl),
	    BT_ERR_INVALID);
	assert_int_equal(bl, 0);
	assert_int_equal(extmsg_handshake_set_yourip(&(struct extmsg_handshake)
	    { 0 }, &ss, sizeof(sun)), BT_ERR_INVALID);

	assert_int_equal(caddr_from_bytes((const uint8_t *)"\1\2\3\4\5",
	    5, 1, &a), BT_ERR_INVALID);
	assert_int_equal(caddr_from_bytes((const uint8_t *)"\1\2\3\4",
	    4, 1, &a), BT_OK);
	assert_int_equal(a.family, AF_INET);
}

/* ---- extmsg_put_frame ---- */

static void
test_frame(void **state)
{
	struct bencode	*d, *l;
	struct bbuf	 out;
	const uint8_t	*body;
	size_t		 n, dlen;
	uint8_t		*big;

	(void)state;
	bbuf_init(&out, 1024);
	assert_non_null(l = bencode_new_list());
	assert_int_equal(extmsg_put_frame(&out, 1, l, NULL, 0),
	    BT_ERR_INVALID);
	bencode_free(l);
	assert_non_null(d = bencode_new_dict());
	assert_int_equal(extmsg_put_frame(&out, 7, d, (const uint8_t *)"ab",
	    2), BT_OK);
	body = frame_body(&out, 7, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(body, "deab", 4);
	assert_int_equal(extmsg_decode_dict(body, n, 0, "x", &l, &dlen, NULL,
	    0), BT_OK);
	assert_int_equal(dlen, 2);
	bencode_free(l);
	assert_int_equal(extmsg_decode_dict(body, n, 1, "x", &l, &dlen, NULL,
	    0), BT_ERR_FORMAT);
	assert_null(l);
	/* a tail that would take the body over its bound */
	bbuf_reset(&out);
	assert_non_null(big = calloc(1, EXTMSG_MAX_BODY));
	assert_int_equal(extmsg_put_frame(&out, 7, d, big, EXTMSG_MAX_BODY - 1),
	    BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&out), 0);
	free(big);
	bencode_free(d);
	bbuf_cleanup(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_handshake_real_world),
		cmocka_unit_test(test_handshake_odd),
		cmocka_unit_test(test_handshake_bad),
		cmocka_unit_test(test_handshake_cut),
		cmocka_unit_test(test_handshake_merge),
		cmocka_unit_test(test_handshake_ours_bytes),
		cmocka_unit_test(test_handshake_ours_private),
		cmocka_unit_test(test_handshake_encode_refuses),
		cmocka_unit_test(test_metadata_table),
		cmocka_unit_test(test_metadata_piece_bounds),
		cmocka_unit_test(test_metadata_cut),
		cmocka_unit_test(test_metadata_piece_len),
		cmocka_unit_test(test_metadata_encode_bytes),
		cmocka_unit_test(test_metadata_encode_refuses),
		cmocka_unit_test(test_metadata_assembly),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_frame),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
