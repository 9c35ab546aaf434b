/* Unit tests for src/engine/wire: every message both ways (the BEP 6 and
 * BEP 10 ones with and without their flags), a table of malformed frames,
 * streams cut at every offset, the handshake and its reserved bits, the
 * BEP 6 allowed fast set, peer ids and client names, and PIECE blocks
 * borrowed rather than copied. */
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

#include "engine/wire.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

/* A byte-string literal and its length (literals may hold NULs). */
#define B(s)		(const uint8_t *)(s), sizeof(s) - 1
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const uint8_t	block100[100] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

static void
assert_msg_equal(const char *name, const struct wire_msg *got,
    const struct wire_msg *want)
{
	if (got->type != want->type || got->id != want->id ||
	    got->ext_id != want->ext_id ||
	    got->index != want->index || got->begin != want->begin ||
	    got->length != want->length || got->port != want->port ||
	    got->data_len != want->data_len)
		fail_msg("%s: type %d id %u ext_id %u index %u begin %u "
		    "length %u port %u data_len %zu; want %d %u %u %u %u %u %u "
		    "%zu", name,
		    got->type, got->id, got->ext_id, got->index, got->begin,
		    got->length, got->port, got->data_len, want->type, want->id,
		    want->ext_id, want->index, want->begin, want->length,
		    want->port, want->data_len);
	if (want->data_len > 0 &&
	    memcmp(got->data, want->data, want->data_len) != 0)
		fail_msg("%s: data differs", name);
}

/* Encodes m with the type's own encoder (wire_encode is tested apart). */
static int
put_one(struct bbuf *out, const struct wire_msg *m)
{
	switch (m->type) {
	case WIRE_KEEPALIVE:
		return wire_put_keepalive(out);
	case WIRE_HAVE:
		return wire_put_have(out, m->index);
	case WIRE_BITFIELD:
		return wire_put_bitfield(out, m->data, m->data_len);
	case WIRE_REQUEST:
		return wire_put_request(out, m->index, m->begin, m->length);
	case WIRE_CANCEL:
		return wire_put_cancel(out, m->index, m->begin, m->length);
	case WIRE_PIECE:
		return wire_put_piece(out, m->index, m->begin, m->data,
		    m->data_len);
	case WIRE_PORT:
		return wire_put_port(out, m->port);
	case WIRE_SUGGEST_PIECE:
		return wire_put_suggest(out, m->index);
	case WIRE_REJECT_REQUEST:
		return wire_put_reject(out, m->index, m->begin, m->length);
	case WIRE_ALLOWED_FAST:
		return wire_put_allowed_fast(out, m->index);
	case WIRE_EXTENDED:
		return wire_put_extended(out, m->ext_id, m->data, m->data_len);
	case WIRE_UNKNOWN:
		return wire_encode(out, m);
	default:
		return wire_put_simple(out, m->type);
	}
}

#define FAST		WIRE_F_FAST
#define EXT		WIRE_F_EXT
#define BOTH		(WIRE_F_FAST | WIRE_F_EXT)

static const struct {
	const char	*name;
	struct wire_msg	 msg;
	const uint8_t	*bytes;
	size_t		 len;
	unsigned	 flags;		/* negotiated: for wire_decode_ex */
} round_trips[] = {
	{ "keep-alive", { .type = WIRE_KEEPALIVE }, B("\0\0\0\0"), 0 },
	{ "choke", { .type = WIRE_CHOKE, .id = 0 }, B("\0\0\0\1\0"), 0 },
	{ "unchoke", { .type = WIRE_UNCHOKE, .id = 1 }, B("\0\0\0\1\1"), 0 },
	{ "interested", { .type = WIRE_INTERESTED, .id = 2 },
	    B("\0\0\0\1\2"), 0 },
	{ "not interested", { .type = WIRE_NOT_INTERESTED, .id = 3 },
	    B("\0\0\0\1\3"), 0 },
	{ "have", { .type = WIRE_HAVE, .id = 4, .index = 0x23 },
	    B("\0\0\0\5\4\0\0\0\x23"), 0 },
	{ "bitfield", { .type = WIRE_BITFIELD, .id = 5,
	    .data = (const uint8_t *)"\xff\x80\x00\x00\x10", .data_len = 5 },
	    B("\0\0\0\6\5\xff\x80\x00\x00\x10"), 0 },
	{ "request", { .type = WIRE_REQUEST, .id = 6, .index = 7,
	    .begin = 0x4000, .length = 0x4000 },
	    B("\0\0\0\x0d\6\0\0\0\7\0\0\x40\0\0\0\x40\0"), 0 },
	{ "piece", { .type = WIRE_PIECE, .id = 7, .index = 39,
	    .begin = 0x8000, .length = 3, .data = (const uint8_t *)"abc",
	    .data_len = 3 }, B("\0\0\0\x0c\7\0\0\0\x27\0\0\x80\0abc"), 0 },
	{ "cancel", { .type = WIRE_CANCEL, .id = 8, .index = 1, .begin = 2,
	    .length = 16384 },
	    B("\0\0\0\x0d\x08\0\0\0\1\0\0\0\2\0\0\x40\0"), 0 },
	{ "port", { .type = WIRE_PORT, .id = 9, .port = 6881 },
	    B("\0\0\0\3\x09\x1a\xe1"), 0 },
	{ "unknown id 20", { .type = WIRE_UNKNOWN, .id = 20,
	    .data = (const uint8_t *)"d1:ai0ee", .data_len = 8 },
	    B("\0\0\0\x09\x14" "d1:ai0ee"), 0 },
	{ "unknown, no payload", { .type = WIRE_UNKNOWN, .id = 0x0e },
	    B("\0\0\0\1\x0e"), 0 },
	/* BEP 6, negotiated */
	{ "suggest", { .type = WIRE_SUGGEST_PIECE, .id = 0x0d, .index = 0x23 },
	    B("\0\0\0\5\x0d\0\0\0\x23"), FAST },
	{ "have all", { .type = WIRE_HAVE_ALL, .id = 0x0e },
	    B("\0\0\0\1\x0e"), FAST },
	{ "have none", { .type = WIRE_HAVE_NONE, .id = 0x0f },
	    B("\0\0\0\1\x0f"), BOTH },
	{ "reject", { .type = WIRE_REJECT_REQUEST, .id = 0x10, .index = 7,
	    .begin = 0x4000, .length = 0x4000 },
	    B("\0\0\0\x0d\x10\0\0\0\7\0\0\x40\0\0\0\x40\0"), FAST },
	{ "allowed fast", { .type = WIRE_ALLOWED_FAST, .id = 0x11,
	    .index = 39 },
	    B("\0\0\0\5\x11\0\0\0\x27"), BOTH },
	/* BEP 10, negotiated */
	{ "extended handshake", { .type = WIRE_EXTENDED, .id = 20, .ext_id = 0,
	    .data = (const uint8_t *)"d1:md11:ut_metadatai1eee",
	    .data_len = 24 },
	    B("\0\0\0\x1a\x14\0d1:md11:ut_metadatai1eee"), EXT },
	{ "extended, empty payload", { .type = WIRE_EXTENDED, .id = 20,
	    .ext_id = 3 }, B("\0\0\0\2\x14\3"), BOTH },
	/* not negotiated: skipped whole, as from a BEP 3 peer */
	{ "suggest, no fast", { .type = WIRE_UNKNOWN, .id = 0x0d,
	    .data = (const uint8_t *)"\0\0\0\x23", .data_len = 4 },
	    B("\0\0\0\5\x0d\0\0\0\x23"), EXT | WIRE_F_DHT },
	{ "extended, no ext", { .type = WIRE_UNKNOWN, .id = 20,
	    .data = (const uint8_t *)"\1d1:ai0ee", .data_len = 9 },
	    B("\0\0\0\x0a\x14\1d1:ai0ee"), FAST },
	{ "id 18, both", { .type = WIRE_UNKNOWN, .id = 18,
	    .data = (const uint8_t *)"x", .data_len = 1 },
	    B("\0\0\0\2\x12x"), BOTH },
	{ "id 21, both", { .type = WIRE_UNKNOWN, .id = 21 },
	    B("\0\0\0\1\x15"), BOTH },
};

#define RT_PIECES	40	/* num_pieces for the round trips: 5 bytes */

static void
test_round_trip(void **state)
{
	struct bbuf	out;
	struct wire_msg	m;
	size_t		i;
	int		r;

	(void)state;
	for (i = 0; i < NELEM(round_trips); i++) {
		const char	*name = round_trips[i].name;

		bbuf_init(&out, 1024);
		if ((r = put_one(&out, &round_trips[i].msg)) != BT_OK)
			fail_msg("%s: put: %d", name, r);
		if ((r = wire_encode(&out, &round_trips[i].msg)) != BT_OK)
			fail_msg("%s: encode: %d", name, r);
		assert_int_equal(bbuf_len(&out), 2 * round_trips[i].len);
		if (memcmp(bbuf_ptr(&out), round_trips[i].bytes,
		    round_trips[i].len) != 0 ||
		    memcmp(bbuf_ptr(&out) + round_trips[i].len,
		    round_trips[i].bytes, round_trips[i].len) != 0)
			fail_msg("%s: encoded bytes differ", name);
		for (int k = 0; k < 2; k++) {
			if ((r = wire_decode_ex(&out, RT_PIECES,
			    round_trips[i].flags, &m)) != BT_OK)
				fail_msg("%s: decode: %d", name, r);
			assert_msg_equal(name, &m, &round_trips[i].msg);
		}
		assert_int_equal(bbuf_len(&out), 0);
		assert_int_equal(wire_decode_ex(&out, RT_PIECES,
		    round_trips[i].flags, &m), BT_ERR_INCOMPLETE);
		bbuf_cleanup(&out);
	}
}

static const struct {
	const char	*name;
	uint32_t	 num_pieces;
	const uint8_t	*in;
	size_t		 len;
	int		 want;
	unsigned	 flags;		/* negotiated (WIRE_F_*) */
} malformed[] = {
	{ "keep-alive cut", 20, B("\0\0\0"), BT_ERR_INCOMPLETE, 0 },
	{ "empty", 20, B(""), BT_ERR_INCOMPLETE, 0 },
	{ "header without id", 20, B("\0\0\0\5"), BT_ERR_INCOMPLETE, 0 },
	{ "choke len 2", 20, B("\0\0\0\2\0\0"), BT_ERR_FORMAT, 0 },
	{ "choke len 2, header only", 20, B("\0\0\0\2\0"), BT_ERR_FORMAT, 0 },
	{ "unchoke len 5", 20, B("\0\0\0\5\1"), BT_ERR_FORMAT, 0 },
	{ "interested len 13", 20, B("\0\0\0\x0d\2"), BT_ERR_FORMAT, 0 },
	{ "not interested len 2", 20, B("\0\0\0\2\3"), BT_ERR_FORMAT, 0 },
	{ "have len 4", 20, B("\0\0\0\4\4\0\0\0"), BT_ERR_FORMAT, 0 },
	{ "have len 6", 20, B("\0\0\0\6\4"), BT_ERR_FORMAT, 0 },
	{ "have cut", 20, B("\0\0\0\5\4\0\0\0"), BT_ERR_INCOMPLETE, 0 },
	{ "have last index", 20, B("\0\0\0\5\4\0\0\0\x13"), BT_OK, 0 },
	{ "have index past end", 20, B("\0\0\0\5\4\0\0\0\x14"), BT_ERR_RANGE,
	    0 },
	{ "have huge index", 20, B("\0\0\0\5\4\xff\xff\xff\xff"),
	    BT_ERR_RANGE, 0 },
	{ "have, no pieces", 0, B("\0\0\0\5\4\0\0\0\0"), BT_ERR_RANGE, 0 },
	{ "bitfield ok", 20, B("\0\0\0\4\5\xff\xff\xf0"), BT_OK, 0 },
	{ "bitfield short", 20, B("\0\0\0\3\5\xff\xff"), BT_ERR_FORMAT, 0 },
	{ "bitfield long", 20, B("\0\0\0\5\5"), BT_ERR_FORMAT, 0 },
	{ "bitfield 100000 bytes", 20, B("\0\1\x86\xa0\5"), BT_ERR_FORMAT, 0 },
	{ "bitfield spare bit", 20, B("\0\0\0\4\5\xff\xff\xf1"),
	    BT_ERR_FORMAT, 0 },
	{ "bitfield top spare bit", 20, B("\0\0\0\4\5\0\0\x08"),
	    BT_ERR_FORMAT, 0 },
	{ "bitfield no spare bits", 16, B("\0\0\0\3\5\xff\xff"), BT_OK, 0 },
	{ "bitfield 1 piece, bit set", 1, B("\0\0\0\2\5\x80"), BT_OK, 0 },
	{ "bitfield 1 piece, spare", 1, B("\0\0\0\2\5\x40"), BT_ERR_FORMAT, 0 },
	{ "bitfield, no pieces", 0, B("\0\0\0\1\5"), BT_OK, 0 },
	{ "request len 12", 20, B("\0\0\0\x0c\6"), BT_ERR_FORMAT, 0 },
	{ "request len 14", 20, B("\0\0\0\x0e\6"), BT_ERR_FORMAT, 0 },
	{ "request ok", 20, B("\0\0\0\x0d\6\0\0\0\1\0\0\0\0\0\0\x40\0"),
	    BT_OK, 0 },
	{ "request index past end", 20,
	    B("\0\0\0\x0d\6\0\0\0\x14\0\0\0\0\0\0\x40\0"), BT_ERR_RANGE, 0 },
	{ "request length 0", 20, B("\0\0\0\x0d\6\0\0\0\1\0\0\0\0\0\0\0\0"),
	    BT_ERR_RANGE, 0 },
	{ "request length 16385", 20,
	    B("\0\0\0\x0d\6\0\0\0\1\0\0\0\0\0\0\x40\1"), BT_ERR_RANGE, 0 },
	{ "request end at 2^32 - 1", 20,
	    B("\0\0\0\x0d\6\0\0\0\1\xff\xff\xbf\xff\0\0\x40\0"), BT_OK, 0 },
	{ "request end past 2^32 - 1", 20,
	    B("\0\0\0\x0d\6\0\0\0\1\xff\xff\xc0\0\0\0\x40\0"), BT_ERR_RANGE,
	    0 },
	{ "cancel length 0", 20, B("\0\0\0\x0d\x08\0\0\0\1\0\0\0\0\0\0\0\0"),
	    BT_ERR_RANGE, 0 },
	{ "cancel length 16385", 20,
	    B("\0\0\0\x0d\x08\0\0\0\1\0\0\0\0\0\0\x40\1"), BT_ERR_RANGE, 0 },
	{ "cancel len 1", 20, B("\0\0\0\1\x08"), BT_ERR_FORMAT, 0 },
	{ "piece len 8", 20, B("\0\0\0\x08\7"), BT_ERR_FORMAT, 0 },
	{ "piece empty block", 20, B("\0\0\0\x09\7\0\0\0\0\0\0\0\0"),
	    BT_ERR_FORMAT, 0 },
	{ "piece 1 byte", 20, B("\0\0\0\x0a\7\0\0\0\0\0\0\0\0x"), BT_OK, 0 },
	{ "piece largest block, header only", 20, B("\0\2\0\x09\7"),
	    BT_ERR_INCOMPLETE, 0 },
	{ "piece block over 128 KiB", 20, B("\0\2\0\x0a\7"), BT_ERR_LIMIT, 0 },
	{ "piece index past end", 20, B("\0\0\0\x0a\7\0\0\0\x14\0\0\0\0x"),
	    BT_ERR_RANGE, 0 },
	{ "piece end past 2^32 - 1", 20,
	    B("\0\0\0\x0a\7\0\0\0\1\xff\xff\xff\xffx"), BT_ERR_RANGE, 0 },
	{ "port len 2", 20, B("\0\0\0\2\x09\x1a"), BT_ERR_FORMAT, 0 },
	{ "port len 4", 20, B("\0\0\0\4\x09"), BT_ERR_FORMAT, 0 },
	{ "2^31, 4 bytes", 20, B("\x80\0\0\0"), BT_ERR_LIMIT, 0 },
	{ "2^31, 5 bytes", 20, B("\x80\0\0\0\7"), BT_ERR_LIMIT, 0 },
	{ "2^32 - 1, choke id", 20, B("\xff\xff\xff\xff\0"), BT_ERR_LIMIT, 0 },
	{ "unknown at its bound, header only", 20, B("\0\4\0\0\x14"),
	    BT_ERR_INCOMPLETE, 0 },
	{ "unknown over its bound", 20, B("\0\4\0\1\x14"), BT_ERR_LIMIT, 0 },
	{ "unknown over, big bitfields", 0xffffffffu, B("\0\4\0\1\x14"),
	    BT_ERR_LIMIT, 0 },
	{ "unknown id 255", 20, B("\0\0\0\2\xff\0"), BT_OK, 0 },
	{ "huge bitfield, header only", 0xffffffffu, B("\x20\0\0\1\5"),
	    BT_ERR_INCOMPLETE, 0 },
	{ "huge bitfield plus one", 0xffffffffu, B("\x20\0\0\2\5"),
	    BT_ERR_LIMIT, 0 },
	/* BEP 6 */
	{ "suggest len 4", 20, B("\0\0\0\4\x0d\0\0\0"), BT_ERR_FORMAT,
	    FAST },
	{ "suggest len 6", 20, B("\0\0\0\6\x0d"), BT_ERR_FORMAT, FAST },
	{ "suggest len 6, no fast", 20, B("\0\0\0\6\x0d\0\0\0\0\0"),
	    BT_OK, EXT },
	{ "suggest cut", 20, B("\0\0\0\5\x0d\0\0\0"), BT_ERR_INCOMPLETE,
	    FAST },
	{ "suggest last index", 20, B("\0\0\0\5\x0d\0\0\0\x13"), BT_OK,
	    FAST },
	{ "suggest index past end", 20, B("\0\0\0\5\x0d\0\0\0\x14"),
	    BT_ERR_RANGE, FAST },
	{ "suggest, no pieces", 0, B("\0\0\0\5\x0d\0\0\0\0"),
	    BT_ERR_RANGE, FAST },
	{ "have all len 2", 20, B("\0\0\0\2\x0e\0"), BT_ERR_FORMAT, FAST },
	{ "have all len 2, header only", 20, B("\0\0\0\2\x0e"),
	    BT_ERR_FORMAT, FAST },
	{ "have all len 2, no fast", 20, B("\0\0\0\2\x0e\0"), BT_OK, 0 },
	{ "have all, no pieces", 0, B("\0\0\0\1\x0e"), BT_OK, FAST },
	{ "have none len 5", 20, B("\0\0\0\5\x0f"), BT_ERR_FORMAT, BOTH },
	{ "have none, no pieces", 0, B("\0\0\0\1\x0f"), BT_OK, FAST },
	{ "reject len 12", 20, B("\0\0\0\x0c\x10"), BT_ERR_FORMAT, FAST },
	{ "reject len 14", 20, B("\0\0\0\x0e\x10"), BT_ERR_FORMAT, FAST },
	{ "reject cut", 20, B("\0\0\0\x0d\x10\0\0\0\1\0\0\0\0\0\0\x40"),
	    BT_ERR_INCOMPLETE, FAST },
	{ "reject ok", 20, B("\0\0\0\x0d\x10\0\0\0\1\0\0\0\0\0\0\x40\0"),
	    BT_OK, FAST },
	{ "reject index past end", 20,
	    B("\0\0\0\x0d\x10\0\0\0\x14\0\0\0\0\0\0\x40\0"), BT_ERR_RANGE,
	    FAST },
	{ "reject length 0", 20,
	    B("\0\0\0\x0d\x10\0\0\0\1\0\0\0\0\0\0\0\0"), BT_ERR_RANGE,
	    FAST },
	{ "reject length 16385", 20,
	    B("\0\0\0\x0d\x10\0\0\0\1\0\0\0\0\0\0\x40\1"), BT_ERR_RANGE,
	    FAST },
	{ "reject end past 2^32 - 1", 20,
	    B("\0\0\0\x0d\x10\0\0\0\1\xff\xff\xc0\0\0\0\x40\0"),
	    BT_ERR_RANGE, FAST },
	{ "reject bad, no fast", 20,
	    B("\0\0\0\x0d\x10\0\0\0\x14\0\0\0\0\0\0\0\0"), BT_OK, 0 },
	{ "allowed fast len 1", 20, B("\0\0\0\1\x11"), BT_ERR_FORMAT, FAST },
	{ "allowed fast last index", 20, B("\0\0\0\5\x11\0\0\0\x13"),
	    BT_OK, FAST },
	{ "allowed fast index past end", 20,
	    B("\0\0\0\5\x11\0\0\0\x14"), BT_ERR_RANGE, FAST },
	{ "allowed fast huge index", 20, B("\0\0\0\5\x11\xff\xff\xff\xff"),
	    BT_ERR_RANGE, BOTH },
	/* BEP 10 */
	{ "extended without ext_id", 20, B("\0\0\0\1\x14"), BT_ERR_FORMAT,
	    EXT },
	{ "extended without ext_id, no ext", 20, B("\0\0\0\1\x14"), BT_OK,
	    FAST },
	{ "extended cut", 20, B("\0\0\0\5\x14\0d1"), BT_ERR_INCOMPLETE, EXT },
	{ "extended ext_id only", 20, B("\0\0\0\2\x14\x07"), BT_OK, EXT },
	{ "extended at its bound, header only", 20, B("\0\1\0\2\x14"),
	    BT_ERR_INCOMPLETE, EXT },
	{ "extended over its bound", 20, B("\0\1\0\3\x14"), BT_ERR_LIMIT,
	    EXT },
	{ "extended over its bound, no ext", 20, B("\0\1\0\3\x14"),
	    BT_ERR_INCOMPLETE, 0 },
	{ "extended way over, huge torrent", 0xffffffffu, B("\0\4\0\0\x14"),
	    BT_ERR_LIMIT, BOTH },
};

static void
test_malformed(void **state)
{
	struct bbuf	b;
	struct wire_msg	m;
	size_t		i;
	int		r;

	(void)state;
	for (i = 0; i < NELEM(malformed); i++) {
		bbuf_view(&b, malformed[i].in, malformed[i].len);
		memset(&m, 0xa5, sizeof(m));
		r = wire_decode_ex(&b, malformed[i].num_pieces,
		    malformed[i].flags, &m);
		if (r != malformed[i].want)
			fail_msg("%s: got %d (%s), want %d", malformed[i].name,
			    r, bt_strerror(r), malformed[i].want);
		if (r == BT_OK) {
			assert_int_equal(bbuf_len(&b), 0);
			continue;
		}
		/* errors consume nothing and leave *out zeroed */
		if (bbuf_len(&b) != malformed[i].len)
			fail_msg("%s: consumed bytes on error",
			    malformed[i].name);
		assert_int_equal(m.type, 0);
		assert_null(m.data);
		assert_int_equal(m.index, 0);
		assert_int_equal(m.ext_id, 0);
	}
}

static void
test_frame_max(void **state)
{
	(void)state;
	assert_int_equal(wire_frame_max(0), 4 + WIRE_MAX_UNKNOWN);
	assert_int_equal(wire_frame_max(8 * WIRE_MAX_UNKNOWN),
	    4 + 1 + WIRE_MAX_UNKNOWN);
	assert_true(wire_frame_max(0xffffffffu) == 4 + 1 + 536870912u);
	assert_true(wire_frame_max(0) >= 4 + 9 + WIRE_MAX_BLOCK);
}

static void
test_keepalive_and_unknown_skipped(void **state)
{
	static const uint8_t	in[] = {
		0, 0, 0, 0,				/* keep-alive */
		0, 0, 0, 4, 20, 'x', 'y', 'z',		/* unknown id 20 */
		0, 0, 0, 1, 2,				/* interested */
	};
	struct bbuf		b;
	struct wire_msg		m;

	(void)state;
	bbuf_view(&b, in, sizeof(in));
	assert_int_equal(wire_decode(&b, 8, &m), BT_OK);
	assert_int_equal(m.type, WIRE_KEEPALIVE);
	assert_int_equal(bbuf_len(&b), sizeof(in) - 4);
	assert_int_equal(wire_decode(&b, 8, &m), BT_OK);
	assert_int_equal(m.type, WIRE_UNKNOWN);
	assert_int_equal(m.id, 20);
	assert_int_equal(m.data_len, 3);
	assert_memory_equal(m.data, "xyz", 3);
	assert_int_equal(wire_decode(&b, 8, &m), BT_OK);
	assert_int_equal(m.type, WIRE_INTERESTED);
	assert_int_equal(bbuf_len(&b), 0);
}

/* A handshake then one of each message, for num_pieces STREAM_PIECES. */
#define STREAM_PIECES	12
static const int	stream_types[] = {
	WIRE_KEEPALIVE, WIRE_CHOKE, WIRE_BITFIELD, WIRE_UNCHOKE,
	WIRE_INTERESTED, WIRE_HAVE, WIRE_REQUEST, WIRE_PIECE, WIRE_UNKNOWN,
	WIRE_CANCEL, WIRE_NOT_INTERESTED, WIRE_PORT, WIRE_KEEPALIVE,
	WIRE_HAVE,
};

static void
build_stream(struct bbuf *s)
{
	static const uint8_t	bits[2] = { 0xa5, 0x50 }, hash[20] = { 1 };
	static const uint8_t	no_ext[WIRE_RESERVED_LEN];
	static const struct wire_msg unknown = { .type = WIRE_UNKNOWN,
	    .id = 13, .data = (const uint8_t *)"fast", .data_len = 4 };
	uint8_t			id[20];

	wire_make_peer_id(id, (const uint8_t *)"abcdefghijkl");
	bbuf_init(s, 4096);
	assert_int_equal(wire_handshake_encode(s, no_ext, hash, id), BT_OK);
	assert_int_equal(wire_put_keepalive(s), BT_OK);
	assert_int_equal(wire_put_simple(s, WIRE_CHOKE), BT_OK);
	assert_int_equal(wire_put_bitfield(s, bits, sizeof(bits)), BT_OK);
	assert_int_equal(wire_put_simple(s, WIRE_UNCHOKE), BT_OK);
	assert_int_equal(wire_put_simple(s, WIRE_INTERESTED), BT_OK);
	assert_int_equal(wire_put_have(s, 11), BT_OK);
	assert_int_equal(wire_put_request(s, 3, 0, 16384), BT_OK);
	assert_int_equal(wire_put_piece(s, 3, 100, block100,
	    sizeof(block100)), BT_OK);
	assert_int_equal(wire_encode(s, &unknown), BT_OK);
	assert_int_equal(wire_put_cancel(s, 3, 0, 16384), BT_OK);
	assert_int_equal(wire_put_simple(s, WIRE_NOT_INTERESTED), BT_OK);
	assert_int_equal(wire_put_port(s, 51413), BT_OK);
	assert_int_equal(wire_put_keepalive(s), BT_OK);
	assert_int_equal(wire_put_have(s, 0), BT_OK);
}

struct reader {
	int	handshaken;
	size_t	n;		/* messages decoded */
};

/* Decodes everything `in' holds; INCOMPLETE must consume nothing. */
static void
drain(struct reader *rd, struct bbuf *in)
{
	struct wire_handshake	hs;
	struct wire_msg		m;
	size_t			before;
	int			r;

	for (;;) {
		before = bbuf_len(in);
		if (!rd->handshaken) {
			r = wire_handshake_decode(in, &hs);
			rd->handshaken = r == BT_OK;
		} else {
			r = wire_decode(in, STREAM_PIECES, &m);
			if (r == BT_OK) {
				assert_true(rd->n < NELEM(stream_types));
				assert_int_equal(m.type, stream_types[rd->n]);
				if (m.type == WIRE_PIECE)
					assert_memory_equal(m.data, block100,
					    sizeof(block100));
				rd->n++;
			}
		}
		if (r == BT_ERR_INCOMPLETE) {
			assert_int_equal(bbuf_len(in), before);
			return;
		}
		assert_int_equal(r, BT_OK);
	}
}

static void
test_stream_byte_by_byte(void **state)
{
	struct bbuf	s, in;
	struct reader	rd = { 0, 0 };
	size_t		i;

	(void)state;
	build_stream(&s);
	bbuf_init(&in, wire_frame_max(STREAM_PIECES));
	for (i = 0; i < bbuf_len(&s); i++) {
		assert_int_equal(bbuf_put_bytes(&in, bbuf_ptr(&s) + i, 1),
		    BT_OK);
		drain(&rd, &in);
	}
	assert_int_equal(rd.n, NELEM(stream_types));
	assert_int_equal(bbuf_len(&in), 0);
	bbuf_cleanup(&in);
	bbuf_cleanup(&s);
}

static void
test_stream_cut_everywhere(void **state)
{
	struct bbuf	s, in;
	struct reader	rd;
	size_t		cut, len;

	(void)state;
	build_stream(&s);
	len = bbuf_len(&s);
	for (cut = 0; cut <= len; cut++) {
		rd.handshaken = 0;
		rd.n = 0;
		bbuf_init(&in, wire_frame_max(STREAM_PIECES));
		assert_int_equal(bbuf_put_bytes(&in, bbuf_ptr(&s), cut), BT_OK);
		drain(&rd, &in);
		assert_int_equal(bbuf_put_bytes(&in, bbuf_ptr(&s) + cut,
		    len - cut), BT_OK);
		drain(&rd, &in);
		if (rd.n != NELEM(stream_types) || bbuf_len(&in) != 0)
			fail_msg("cut at %zu: %zu messages, %zu bytes left",
			    cut, rd.n, bbuf_len(&in));
		bbuf_cleanup(&in);
	}
	bbuf_cleanup(&s);
}

/*
 * A stream of every BEP 6 and BEP 10 message among BEP 3 ones, decoded cut
 * at every offset: with the flags each comes back as itself; without them
 * each is skipped whole as UNKNOWN with its id (and wire_id_flags names
 * the flag it lacked), so the BEP 3 messages around it still decode.
 */
static const struct {
	int	type;		/* with FAST | EXT */
	uint8_t	id;
} fast_stream[] = {
	{ WIRE_EXTENDED, 20 }, { WIRE_HAVE_NONE, 0x0f },
	{ WIRE_ALLOWED_FAST, 0x11 }, { WIRE_SUGGEST_PIECE, 0x0d },
	{ WIRE_UNCHOKE, 1 }, { WIRE_REQUEST, 6 },
	{ WIRE_REJECT_REQUEST, 0x10 }, { WIRE_HAVE_ALL, 0x0e },
	{ WIRE_EXTENDED, 20 }, { WIRE_HAVE, 4 },
};

static void
build_fast_stream(struct bbuf *s)
{
	static const uint8_t	pex[] = "d5:added6:\x7f\0\0\1\x1a\xe1" "e";

	bbuf_init(s, 4096);
	assert_int_equal(wire_put_extended(s, 0, (const uint8_t *)"de", 2),
	    BT_OK);
	assert_int_equal(wire_put_simple(s, WIRE_HAVE_NONE), BT_OK);
	assert_int_equal(wire_put_allowed_fast(s, 11), BT_OK);
	assert_int_equal(wire_put_suggest(s, 2), BT_OK);
	assert_int_equal(wire_put_simple(s, WIRE_UNCHOKE), BT_OK);
	assert_int_equal(wire_put_request(s, 11, 0, 16384), BT_OK);
	assert_int_equal(wire_put_reject(s, 11, 0, 16384), BT_OK);
	assert_int_equal(wire_put_simple(s, WIRE_HAVE_ALL), BT_OK);
	assert_int_equal(wire_put_extended(s, 2, pex, sizeof(pex) - 1),
	    BT_OK);
	assert_int_equal(wire_put_have(s, 0), BT_OK);
}

/* Decodes all of s cut at `cut'; returns how many messages came. */
static size_t
drain_fast(const struct bbuf *s, size_t cut, unsigned flags)
{
	struct bbuf	in;
	struct wire_msg	m;
	size_t		n = 0, part, before;
	int		r;

	bbuf_init(&in, wire_frame_max(STREAM_PIECES));
	for (part = 0; part < 2; part++) {
		assert_int_equal(bbuf_put_bytes(&in, bbuf_ptr(s) +
		    (part ? cut : 0), part ? bbuf_len(s) - cut : cut), BT_OK);
		for (;;) {
			before = bbuf_len(&in);
			r = wire_decode_ex(&in, STREAM_PIECES, flags, &m);
			if (r == BT_ERR_INCOMPLETE) {
				assert_int_equal(bbuf_len(&in), before);
				break;
			}
			assert_int_equal(r, BT_OK);
			assert_true(n < NELEM(fast_stream));
			assert_int_equal(m.id, fast_stream[n].id);
			if (wire_id_flags(m.id) & ~flags)
				assert_int_equal(m.type, WIRE_UNKNOWN);
			else
				assert_int_equal(m.type, fast_stream[n].type);
			n++;
		}
	}
	assert_int_equal(bbuf_len(&in), 0);
	bbuf_cleanup(&in);
	return n;
}

static void
test_fast_stream_cut_everywhere(void **state)
{
	static const unsigned	flag_sets[] = { 0, FAST, EXT, BOTH };
	struct bbuf		s;
	size_t			cut, f;

	(void)state;
	build_fast_stream(&s);
	for (f = 0; f < NELEM(flag_sets); f++)
		for (cut = 0; cut <= bbuf_len(&s); cut++)
			if (drain_fast(&s, cut, flag_sets[f]) !=
			    NELEM(fast_stream))
				fail_msg("flags %u, cut at %zu: short",
				    flag_sets[f], cut);
	bbuf_cleanup(&s);
}

static void
test_id_flags(void **state)
{
	unsigned	id, want;

	(void)state;
	for (id = 0; id < 256; id++) {
		want = 0;
		if (id >= 0x0d && id <= 0x11)
			want = WIRE_F_FAST;
		else if (id == 20)
			want = WIRE_F_EXT;
		if (wire_id_flags((uint8_t)id) != want)
			fail_msg("id %u: flags %u, want %u", id,
			    wire_id_flags((uint8_t)id), want);
	}
}

static void
test_piece_is_borrowed(void **state)
{
	struct bbuf	 in;
	struct wire_msg	 m;
	const uint8_t	*start, *end;
	uintptr_t	 p;

	(void)state;
	bbuf_init(&in, wire_frame_max(4));
	assert_int_equal(wire_put_have(&in, 1), BT_OK);
	assert_int_equal(wire_put_piece(&in, 2, 16384, block100,
	    sizeof(block100)), BT_OK);
	assert_int_equal(wire_decode(&in, 4, &m), BT_OK);
	start = bbuf_ptr(&in);
	end = start + bbuf_len(&in);
	assert_int_equal(wire_decode(&in, 4, &m), BT_OK);
	assert_int_equal(m.type, WIRE_PIECE);
	assert_int_equal(m.length, sizeof(block100));
	assert_int_equal(m.data_len, sizeof(block100));
	p = (uintptr_t)m.data;
	/* the block sits in the input buffer, right after the 13-byte head */
	assert_true(p == (uintptr_t)start + 13);
	assert_true(p + m.data_len == (uintptr_t)end);
	assert_memory_equal(m.data, block100, sizeof(block100));
	bbuf_cleanup(&in);
}

static void
test_piece_header_then_block(void **state)
{
	struct bbuf	 out, small;
	struct wire_msg	 m;
	uint8_t		*p;

	(void)state;
	bbuf_init(&out, 1024);
	/* the block's room is reserved with the header, or nothing is put */
	bbuf_init(&small, 13 + 99);
	assert_int_equal(wire_put_piece_header(&small, 1, 0, 100),
	    BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&small), 0);
	bbuf_cleanup(&small);
	assert_int_equal(wire_put_piece_header(&out, 1, 0, 100), BT_OK);
	assert_int_equal(bbuf_len(&out), 13);
	assert_int_equal(wire_decode(&out, 2, &m), BT_ERR_INCOMPLETE);
	/* as the engine does: read the block straight into the buffer */
	assert_int_equal(bbuf_reserve(&out, 100, &p), BT_OK);
	memcpy(p, block100, 100);
	assert_int_equal(bbuf_commit(&out, 100), BT_OK);
	assert_int_equal(wire_decode(&out, 2, &m), BT_OK);
	assert_int_equal(m.index, 1);
	assert_int_equal(m.length, 100);
	assert_memory_equal(m.data, block100, 100);
	bbuf_cleanup(&out);
}

static void
test_encoder_errors(void **state)
{
	static const uint8_t	blk[WIRE_MAX_BLOCK + 1];
	struct wire_msg		m = { .type = WIRE_UNKNOWN, .id = 5 };
	struct bbuf		out, small, view;

	(void)state;
	bbuf_init(&out, 1 << 20);
	assert_int_equal(wire_put_simple(&out, WIRE_HAVE), BT_ERR_INVALID);
	assert_int_equal(wire_put_simple(&out, WIRE_KEEPALIVE), BT_ERR_INVALID);
	assert_int_equal(wire_put_simple(&out, WIRE_SUGGEST_PIECE),
	    BT_ERR_INVALID);
	assert_int_equal(wire_put_simple(&out, WIRE_EXTENDED), BT_ERR_INVALID);
	assert_int_equal(wire_put_reject(&out, 0, 0, 0), BT_ERR_RANGE);
	assert_int_equal(wire_put_reject(&out, 0, 0, 16385), BT_ERR_RANGE);
	assert_int_equal(wire_put_reject(&out, 0, 0xffffc001u, 16384),
	    BT_ERR_RANGE);
	assert_int_equal(wire_put_extended(&out, 1, blk,
	    WIRE_MAX_EXTENDED + 1), BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&out), 0);
	assert_int_equal(wire_put_request(&out, 0, 0, 0), BT_ERR_RANGE);
	assert_int_equal(wire_put_request(&out, 0, 0, 16385), BT_ERR_RANGE);
	assert_int_equal(wire_put_cancel(&out, 0, 0xffffc001u, 16384),
	    BT_ERR_RANGE);
	assert_int_equal(wire_put_piece(&out, 0, 0, blk, 0), BT_ERR_RANGE);
	assert_int_equal(wire_put_piece(&out, 0, 0, blk, sizeof(blk)),
	    BT_ERR_RANGE);
	assert_int_equal(wire_put_piece_header(&out, 0, 0xffffffffu, 2),
	    BT_ERR_RANGE);
	assert_int_equal(wire_encode(&out, &m), BT_ERR_INVALID);
	m.id = 9;
	assert_int_equal(wire_encode(&out, &m), BT_ERR_INVALID);
	m.id = 5;
	m.type = 42;
	assert_int_equal(wire_encode(&out, &m), BT_ERR_INVALID);
	m.type = 10;		/* an id no extension here defines */
	m.id = 10;
	assert_int_equal(wire_encode(&out, &m), BT_ERR_INVALID);
	m.type = WIRE_UNKNOWN;
	m.id = 20;
	m.data = blk;
	m.data_len = WIRE_MAX_UNKNOWN;
	assert_int_equal(wire_encode(&out, &m), BT_ERR_LIMIT);
	assert_int_equal(wire_put_piece(&out, 0, 0, blk, WIRE_MAX_BLOCK),
	    BT_OK);
	assert_int_equal(bbuf_len(&out), 13 + WIRE_MAX_BLOCK);
	bbuf_reset(&out);
	/* the largest EXTENDED decodes back whole */
	assert_int_equal(wire_put_extended(&out, 1, blk, WIRE_MAX_EXTENDED),
	    BT_OK);
	assert_int_equal(bbuf_len(&out), 6 + WIRE_MAX_EXTENDED);
	assert_int_equal(wire_decode_ex(&out, 1, EXT, &m), BT_OK);
	assert_int_equal(m.type, WIRE_EXTENDED);
	assert_int_equal(m.ext_id, 1);
	assert_int_equal(m.data_len, WIRE_MAX_EXTENDED);
	bbuf_cleanup(&out);

	/* over the buffer's max: all or nothing */
	bbuf_init(&small, 20);
	assert_int_equal(wire_put_have(&small, 1), BT_OK);
	assert_int_equal(wire_put_request(&small, 1, 0, 1), BT_ERR_LIMIT);
	assert_int_equal(wire_put_piece(&small, 1, 0, blk, 8), BT_ERR_LIMIT);
	assert_int_equal(wire_put_bitfield(&small, blk, 7), BT_ERR_LIMIT);
	assert_int_equal(wire_handshake_encode(&small, blk, blk, blk),
	    BT_ERR_LIMIT);
	assert_int_equal(wire_put_extended(&small, 0, blk, 6), BT_ERR_LIMIT);
	assert_int_equal(wire_put_reject(&small, 1, 0, 1), BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&small), 9);
	assert_int_equal(wire_put_bitfield(&small, blk, 6), BT_OK);
	assert_int_equal(bbuf_len(&small), 20);
	assert_int_equal(wire_put_keepalive(&small), BT_ERR_LIMIT);
	bbuf_cleanup(&small);

	bbuf_view(&view, "x", 1);
	assert_int_equal(wire_put_have(&view, 1), BT_ERR_INVALID);
	assert_int_equal(bbuf_len(&view), 1);
}

/* Every type, to draw from. */
static const int	all_types[] = {
	WIRE_KEEPALIVE, WIRE_CHOKE, WIRE_UNCHOKE, WIRE_INTERESTED,
	WIRE_NOT_INTERESTED, WIRE_HAVE, WIRE_BITFIELD, WIRE_REQUEST,
	WIRE_PIECE, WIRE_CANCEL, WIRE_PORT, WIRE_SUGGEST_PIECE, WIRE_HAVE_ALL,
	WIRE_HAVE_NONE, WIRE_REJECT_REQUEST, WIRE_ALLOWED_FAST, WIRE_EXTENDED,
	WIRE_UNKNOWN,
};

/* An id that stays unknown with FAST and EXT negotiated. */
static uint8_t
random_unknown_id(void)
{
	uint8_t	id;

	do
		id = (uint8_t)(10 + rand() % 246);
	while ((id >= 0x0d && id <= 0x11) || id == 20);
	return id;
}

/* A random valid message for a torrent of 4096 pieces, FAST and EXT
 * negotiated; data from pool. */
static void
random_msg(struct wire_msg *m, const uint8_t *pool, size_t pool_len)
{
	memset(m, 0, sizeof(*m));
	m->type = all_types[(size_t)rand() % NELEM(all_types)];
	if (m->type == WIRE_UNKNOWN) {
		m->id = random_unknown_id();
		m->data_len = (size_t)rand() % pool_len;
	} else if (m->type != WIRE_KEEPALIVE)
		m->id = (uint8_t)m->type;
	switch (m->type) {
	case WIRE_REQUEST:
	case WIRE_CANCEL:
	case WIRE_REJECT_REQUEST:
		m->length = 1 + (uint32_t)rand() % WIRE_BLOCK_LEN;
		break;
	case WIRE_EXTENDED:
		m->ext_id = (uint8_t)rand();
		m->data_len = (size_t)rand() % pool_len;
		break;
	case WIRE_PIECE:
		m->length = 1 + (uint32_t)rand() % pool_len;
		m->data_len = m->length;
		break;
	case WIRE_BITFIELD:
		m->data_len = 512;	/* 4096 pieces: no spare bits */
		break;
	case WIRE_PORT:
		m->port = (uint16_t)rand();
		break;
	}
	if (m->type == WIRE_HAVE || m->type == WIRE_SUGGEST_PIECE ||
	    m->type == WIRE_ALLOWED_FAST || m->length > 0)
		m->index = (uint32_t)rand() % 4096;
	if (m->length > 0) {
		m->begin = (uint32_t)rand() << 1 ^ (uint32_t)rand();
		if (m->length > UINT32_MAX - m->begin)
			m->begin = UINT32_MAX - m->length;
	}
	if (m->data_len > 0)
		m->data = pool;
}

static void
test_random_round_trips(void **state)
{
	static uint8_t	pool[512];
	struct wire_msg	want, got;
	struct bbuf	out;
	unsigned int	seed = 20240601, i;

	(void)state;
	print_message("random round trips, seed %u\n", seed);
	srand(seed);
	for (i = 0; i < sizeof(pool); i++)
		pool[i] = (uint8_t)rand();
	bbuf_init(&out, 1 << 16);
	for (i = 0; i < 10000; i++) {
		random_msg(&want, pool, sizeof(pool));
		assert_int_equal(wire_encode(&out, &want), BT_OK);
		assert_int_equal(wire_decode_ex(&out, 4096, BOTH, &got),
		    BT_OK);
		assert_msg_equal("random", &got, &want);
		assert_int_equal(bbuf_len(&out), 0);
	}
	bbuf_cleanup(&out);
}

static void
test_handshake(void **state)
{
	static const uint8_t	hash[20] = { 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t	no_ext[WIRE_RESERVED_LEN];
	struct wire_handshake	hs;
	struct bbuf		out, b;
	uint8_t			id[20], bad[WIRE_HANDSHAKE_LEN];
	size_t			i;

	(void)state;
	memset(id, 'P', sizeof(id));
	bbuf_init(&out, 256);
	assert_int_equal(wire_handshake_encode(&out, no_ext, hash, id), BT_OK);
	assert_int_equal(bbuf_len(&out), WIRE_HANDSHAKE_LEN);
	assert_memory_equal(bbuf_ptr(&out), "\x13" "BitTorrent protocol"
	    "\0\0\0\0\0\0\0\0", 28);
	/* every proper prefix waits and consumes nothing */
	for (i = 0; i < WIRE_HANDSHAKE_LEN; i++) {
		bbuf_view(&b, bbuf_ptr(&out), i);
		assert_int_equal(wire_handshake_decode(&b, &hs),
		    BT_ERR_INCOMPLETE);
		assert_int_equal(bbuf_len(&b), i);
	}
	assert_int_equal(wire_put_have(&out, 0), BT_OK);
	assert_int_equal(wire_handshake_decode(&out, &hs), BT_OK);
	assert_memory_equal(hs.info_hash, hash, 20);
	assert_memory_equal(hs.peer_id, id, 20);
	assert_memory_equal(hs.reserved, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(wire_handshake_flags(&hs), 0);
	assert_int_equal(bbuf_len(&out), 9);	/* the HAVE is left */

	/* a bad byte is refused as soon as it arrives */
	bbuf_view(&b, "\x14", 1);
	assert_int_equal(wire_handshake_decode(&b, &hs), BT_ERR_PROTO);
	assert_int_equal(bbuf_len(&b), 1);
	bbuf_view(&b, "\x13" "BitTorrent protocoL", 20);
	assert_int_equal(wire_handshake_decode(&b, &hs), BT_ERR_PROTO);
	bbuf_view(&b, "\x13" "Bit", 4);
	assert_int_equal(wire_handshake_decode(&b, &hs), BT_ERR_INCOMPLETE);
	bbuf_view(&b, "\x13" "Bid", 4);
	assert_int_equal(wire_handshake_decode(&b, &hs), BT_ERR_PROTO);
	bbuf_view(&b, "GET / HTTP/1.1\r\n", 16);
	assert_int_equal(wire_handshake_decode(&b, &hs), BT_ERR_PROTO);

	/* reserved bits are passed through as received */
	memset(bad, 0, sizeof(bad));
	bad[0] = 19;
	memcpy(bad + 1, WIRE_PROTOCOL, 19);
	bad[20 + 5] = 0x10;	/* BEP 10 bit */
	bad[20 + 7] = 0x05;
	bbuf_view(&b, bad, sizeof(bad));
	assert_int_equal(wire_handshake_decode(&b, &hs), BT_OK);
	assert_int_equal(hs.reserved[5], 0x10);
	assert_int_equal(hs.reserved[7], 0x05);
	assert_int_equal(wire_handshake_flags(&hs),
	    WIRE_F_EXT | WIRE_F_FAST | WIRE_F_DHT);
	bbuf_cleanup(&out);
}

/* Reserved bytes for each flag set, and back; the bits per BEP 10, 6, 5. */
static const struct {
	unsigned	flags;
	uint8_t		reserved[WIRE_RESERVED_LEN];
} reserved_bits[] = {
	{ 0, { 0, 0, 0, 0, 0, 0, 0, 0 } },
	{ WIRE_F_EXT, { 0, 0, 0, 0, 0, 0x10, 0, 0 } },
	{ WIRE_F_FAST, { 0, 0, 0, 0, 0, 0, 0, 0x04 } },
	{ WIRE_F_DHT, { 0, 0, 0, 0, 0, 0, 0, 0x01 } },
	{ WIRE_F_EXT | WIRE_F_FAST, { 0, 0, 0, 0, 0, 0x10, 0, 0x04 } },
	{ WIRE_F_EXT | WIRE_F_FAST | WIRE_F_DHT,
	    { 0, 0, 0, 0, 0, 0x10, 0, 0x05 } },
};

static void
test_reserved_bits(void **state)
{
	static const uint8_t	hash[20] = { 7 }, id[20] = { 'p' };
	struct wire_handshake	hs;
	struct bbuf		b;
	uint8_t			rsv[WIRE_RESERVED_LEN];
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(reserved_bits); i++) {
		unsigned	f = reserved_bits[i].flags;

		wire_reserved_make(f, rsv);
		assert_memory_equal(rsv, reserved_bits[i].reserved, 8);
		/* sent as given, received as sent */
		bbuf_init(&b, WIRE_HANDSHAKE_LEN);
		assert_int_equal(wire_handshake_encode(&b, rsv, hash, id),
		    BT_OK);
		assert_memory_equal(bbuf_ptr(&b) + 20, rsv, 8);
		assert_int_equal(wire_handshake_decode(&b, &hs), BT_OK);
		bbuf_cleanup(&b);
		assert_int_equal(wire_handshake_flags(&hs), f);
		assert_int_equal(wire_supports_ext(&hs), !!(f & WIRE_F_EXT));
		assert_int_equal(wire_supports_fast(&hs),
		    !!(f & WIRE_F_FAST));
		assert_int_equal(wire_supports_dht(&hs), !!(f & WIRE_F_DHT));
	}
	/* unknown flags are not sent */
	wire_reserved_make(0xfff8u, rsv);
	assert_memory_equal(rsv, "\0\0\0\0\0\0\0\0", 8);
	/* other bits are ignored: all set but ours */
	memset(hs.reserved, 0xff, sizeof(hs.reserved));
	hs.reserved[5] = 0xef;
	hs.reserved[7] = 0xfa;
	assert_int_equal(wire_handshake_flags(&hs), 0);
	hs.reserved[7] = 0xfe;
	assert_int_equal(wire_handshake_flags(&hs), WIRE_F_FAST);
}

static void
set_v4(struct sockaddr_storage *ss, const char *ip)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s4->sin_family = AF_INET;
	s4->sin_port = htons(6881);
	assert_int_equal(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
}

static void
set_v6(struct sockaddr_storage *ss, const char *ip)
{
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(51413);
	assert_int_equal(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
}

/* The BEP 6 example, then what other addresses must share it or not. */
static const uint32_t	bep6_set[9] = {
	1059, 431, 808, 1217, 287, 376, 1188, 353, 508,
};
/* Computed apart (Python hashlib) for 2001:db8:1234::/48. */
static const uint32_t	v6_set[9] = {
	739, 472, 807, 226, 98, 509, 624, 338, 171,
};

static const struct {
	const char	*ip;
	int		 v6;
	const uint32_t	*want;		/* NULL: a set other than both */
} fast_addrs[] = {
	{ "80.4.4.200", 0, bep6_set },
	{ "80.4.4.0", 0, bep6_set },		/* the last octet is masked */
	{ "80.4.4.255", 0, bep6_set },
	{ "::ffff:80.4.4.200", 1, bep6_set },	/* v4-mapped is IPv4 */
	{ "80.4.5.200", 0, NULL },
	{ "81.4.4.200", 0, NULL },
	{ "2001:db8:1234:5678::1", 1, v6_set },
	{ "2001:db8:1234:ffff:1:2:3:4", 1, v6_set },	/* same /48 */
	{ "2001:db8:1235::", 1, NULL },
	{ "::80.4.4.200", 1, NULL },		/* v4-compatible is IPv6 */
};

static void
test_allowed_fast_vectors(void **state)
{
	struct sockaddr_storage	ss;
	uint8_t			ih[20];
	uint32_t		set[WIRE_MAX_ALLOWED_FAST];
	unsigned		n, k;
	size_t			i;

	(void)state;
	memset(ih, 0xaa, sizeof(ih));
	for (i = 0; i < NELEM(fast_addrs); i++) {
		const char	*ip = fast_addrs[i].ip;

		if (fast_addrs[i].v6)
			set_v6(&ss, ip);
		else
			set_v4(&ss, ip);
		/* BEP 6: the 7-piece set, then the 9-piece one */
		for (k = 7; k <= 9; k += 2) {
			memset(set, 0xff, sizeof(set));
			assert_int_equal(wire_allowed_fast(&ss, ih, 1313, k,
			    set, &n), BT_OK);
			assert_int_equal(n, k);
			assert_int_equal(set[k], 0xffffffffu);	/* room: k */
			if (fast_addrs[i].want != NULL) {
				if (memcmp(set, fast_addrs[i].want,
				    k * sizeof(set[0])) != 0)
					fail_msg("%s, k %u: wrong set", ip, k);
			} else if (memcmp(set, bep6_set, k * 4) == 0 ||
			    memcmp(set, v6_set, k * 4) == 0)
				fail_msg("%s, k %u: shares a set", ip, k);
		}
	}
	/* another torrent, another set */
	set_v4(&ss, "80.4.4.200");
	ih[19] ^= 1;
	assert_int_equal(wire_allowed_fast(&ss, ih, 1313, 9, set, &n), BT_OK);
	assert_true(memcmp(set, bep6_set, sizeof(bep6_set)) != 0);
}

/* Indices distinct and in range; the set for k a prefix of k + 1's. */
static void
check_fast_set(const struct sockaddr_storage *ss, const uint8_t ih[20],
    uint32_t num_pieces)
{
	uint32_t	big[WIRE_MAX_ALLOWED_FAST], set[WIRE_MAX_ALLOWED_FAST];
	unsigned	n, nbig, k, i, j, want;

	assert_int_equal(wire_allowed_fast(ss, ih, num_pieces,
	    WIRE_MAX_ALLOWED_FAST, big, &nbig), BT_OK);
	want = num_pieces < WIRE_MAX_ALLOWED_FAST ? num_pieces :
	    WIRE_MAX_ALLOWED_FAST;
	assert_int_equal(nbig, want);
	for (i = 0; i < nbig; i++) {
		if (big[i] >= num_pieces)
			fail_msg("%u pieces: index %u", num_pieces, big[i]);
		for (j = 0; j < i; j++)
			if (big[i] == big[j])
				fail_msg("%u pieces: %u twice", num_pieces,
				    big[i]);
	}
	for (k = 0; k <= WIRE_MAX_ALLOWED_FAST; k += 7) {
		assert_int_equal(wire_allowed_fast(ss, ih, num_pieces, k, set,
		    &n), BT_OK);
		assert_int_equal(n, k < want ? k : want);
		if (n > 0 && memcmp(set, big, n * sizeof(set[0])) != 0)
			fail_msg("%u pieces: set for %u not a prefix",
			    num_pieces, k);
	}
}

static void
test_allowed_fast_bounds(void **state)
{
	struct sockaddr_storage	ss;
	struct sockaddr_un	*sun = (struct sockaddr_un *)&ss;
	uint8_t			ih[20];
	uint32_t		set[WIRE_MAX_ALLOWED_FAST + 1];
	uint32_t		np;
	unsigned		n;

	(void)state;
	memset(ih, 0x5c, sizeof(ih));
	set_v4(&ss, "10.1.2.3");
	/* up to k == num_pieces: every piece, each once */
	for (np = 1; np <= 2 * WIRE_MAX_ALLOWED_FAST; np++)
		check_fast_set(&ss, ih, np);
	check_fast_set(&ss, ih, 0xffffffffu);
	set_v6(&ss, "fe80::1");
	check_fast_set(&ss, ih, 3);
	check_fast_set(&ss, ih, 100000);

	n = 99;
	assert_int_equal(wire_allowed_fast(&ss, ih, 0, 10, set, &n), BT_OK);
	assert_int_equal(n, 0);
	n = 99;
	assert_int_equal(wire_allowed_fast(&ss, ih, 1313, 0, set, &n), BT_OK);
	assert_int_equal(n, 0);
	n = 99;
	assert_int_equal(wire_allowed_fast(&ss, ih, 1313,
	    WIRE_MAX_ALLOWED_FAST + 1, set, &n), BT_ERR_LIMIT);
	assert_int_equal(n, 0);
	memset(&ss, 0, sizeof(ss));
	sun->sun_family = AF_UNIX;
	n = 99;
	assert_int_equal(wire_allowed_fast(&ss, ih, 1313, 10, set, &n),
	    BT_ERR_INVALID);
	assert_int_equal(n, 0);
	ss.ss_family = AF_UNSPEC;
	assert_int_equal(wire_allowed_fast(&ss, ih, 1313, 10, set, &n),
	    BT_ERR_INVALID);
}

static void
test_make_peer_id(void **state)
{
	uint8_t		rnd[12] = { 0, 9, 10, 35, 36, 61, 62, 255, 124, 1, 2, 3 };
	uint8_t		id[20];
	char		name[WIRE_CLIENT_NAME_LEN];

	(void)state;
	wire_make_peer_id(id, rnd);
	assert_memory_equal(id, "-BT0100-09AZaz070123", 20);
	assert_int_equal(wire_client_name(id, name, sizeof(name)), BT_OK);
	assert_string_equal(name, "bttui 0.1.0");
}

static const struct {
	const char	*id;		/* 20 bytes */
	const char	*want;
	int		 r;
} client_names[] = {
	{ "-TR3000-abcdefghijkl", "Transmission 3.00", BT_OK },
	{ "-TR2940-abcdefghijkl", "Transmission 2.94", BT_OK },
	{ "-TR294Z-abcdefghijkl", "Transmission 2.94+", BT_OK },
	{ "-TR0072-abcdefghijkl", "Transmission 0.72", BT_OK },
	{ "-TR0006-abcdefghijkl", "Transmission 0.6", BT_OK },
	{ "-TR4050-abcdefghijkl", "Transmission 4.0.5", BT_OK },
	{ "-TR410B-abcdefghijkl", "Transmission 4.1.0 (Beta)", BT_OK },
	{ "-BT0100-abcdefghijkl", "bttui 0.1.0", BT_OK },
	{ "-BT7950-abcdefghijkl", "BitTorrent 7.9.5", BT_OK },
	{ "-qB4500-abcdefghijkl", "qBittorrent 4.5.0", BT_OK },
	{ "-qB4A00-abcdefghijkl", "qBittorrent 4.10.0", BT_OK },
	{ "-lt0D60-abcdefghijkl", "libTorrent (Rakshasa) 0.13.6", BT_OK },
	{ "-LT1200-abcdefghijkl", "libtorrent (Rasterbar) 1.2.0", BT_OK },
	{ "-UT355W-abcdefghijkl", "\xc2\xb5Torrent 3.5.5", BT_OK },
	{ "-UT220B-abcdefghijkl", "\xc2\xb5Torrent 2.2.0 (Beta)", BT_OK },
	{ "-AZ5750-abcdefghijkl", "Vuze 5.7.5.0", BT_OK },
	{ "-DE13F0-abcdefghijkl", "Deluge 1.3.15", BT_OK },
	{ "-DE211s-abcdefghijkl", "Deluge 2.1.1", BT_OK },
	{ "A2-1-36-0-abcdefghij", "aria2 1.36.0", BT_OK },
	{ "A2-1-36-0abcdefghijk", "unknown (A2-1-36-)", BT_ERR_NOTFOUND },
	{ "M7-4-2--abcdefghijkl", "Mainline 7.4.2", BT_OK },
	{ "M4-20-8-abcdefghijkl", "Mainline 4.20.8", BT_OK },
	{ "M4-20-88-bcdefghijkl", "unknown (M4-20-88)", BT_ERR_NOTFOUND },
	{ "M1234-5-6-abcdefghij", "unknown (M1234-5-)", BT_ERR_NOTFOUND },
	{ "-ZZ1234-abcdefghijkl", "unknown (-ZZ1234-)", BT_ERR_NOTFOUND },
	{ "-TR3000xabcdefghijkl", "unknown (-TR3000x)", BT_ERR_NOTFOUND },
	{ "ab\x01" "cdefghijklmnopqrs", "unknown (ab)", BT_ERR_NOTFOUND },
	{ "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", "unknown",
	    BT_ERR_NOTFOUND },
	{ "\xff\xfe%s%n\0\0\0\0\0\0\0\0\0\0\0\0\0\0", "unknown",
	    BT_ERR_NOTFOUND },
	{ " space first........", "unknown", BT_ERR_NOTFOUND },
	{ "%s%n%x%p\0\0\0\0\0\0\0\0\0\0\0\0", "unknown (%s%n%x%p)",
	    BT_ERR_NOTFOUND },
};

static void
test_client_name(void **state)
{
	char	buf[WIRE_CLIENT_NAME_LEN];
	size_t	i;
	int	r;

	(void)state;
	for (i = 0; i < NELEM(client_names); i++) {
		r = wire_client_name((const uint8_t *)client_names[i].id, buf,
		    sizeof(buf));
		if (r != client_names[i].r ||
		    strcmp(buf, client_names[i].want) != 0)
			fail_msg("%zu: got \"%s\" (%d), want \"%s\" (%d)", i,
			    buf, r, client_names[i].want, client_names[i].r);
	}
	/* the longest names fit WIRE_CLIENT_NAME_LEN */
	assert_int_equal(wire_client_name((const uint8_t *)
	    "-LTzzzd-abcdefghijkl", buf, sizeof(buf)), BT_OK);
	assert_string_equal(buf, "libtorrent (Rasterbar) 61.61.61");
	assert_int_equal(wire_client_name((const uint8_t *)
	    "-UMzzzd-abcdefghijkl", buf, sizeof(buf)), BT_OK);
	assert_string_equal(buf, "\xc2\xb5Torrent Mac 61.61.61 (Debug)");
	/* bounded: truncated text is still terminated */
	r = wire_client_name((const uint8_t *)"-TR3000-abcdefghijkl", buf, 5);
	assert_int_equal(r, BT_ERR_LIMIT);
	assert_string_equal(buf, "Tran");
	r = wire_client_name((const uint8_t *)"-ZZ1234-abcdefghijkl", buf, 8);
	assert_int_equal(r, BT_ERR_LIMIT);
	assert_string_equal(buf, "unknown");
	assert_int_equal(wire_client_name((const uint8_t *)
	    "-TR3000-abcdefghijkl", buf, 0), BT_ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_frame_max),
		cmocka_unit_test(test_keepalive_and_unknown_skipped),
		cmocka_unit_test(test_stream_byte_by_byte),
		cmocka_unit_test(test_stream_cut_everywhere),
		cmocka_unit_test(test_fast_stream_cut_everywhere),
		cmocka_unit_test(test_id_flags),
		cmocka_unit_test(test_piece_is_borrowed),
		cmocka_unit_test(test_piece_header_then_block),
		cmocka_unit_test(test_encoder_errors),
		cmocka_unit_test(test_random_round_trips),
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_reserved_bits),
		cmocka_unit_test(test_allowed_fast_vectors),
		cmocka_unit_test(test_allowed_fast_bounds),
		cmocka_unit_test(test_make_peer_id),
		cmocka_unit_test(test_client_name),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
