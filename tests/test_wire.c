/* Unit tests for src/engine/wire: every message both ways, a table of
 * malformed frames, streams cut at every offset, the handshake, peer ids
 * and client names, and PIECE blocks borrowed rather than copied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

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
	    got->index != want->index || got->begin != want->begin ||
	    got->length != want->length || got->port != want->port ||
	    got->data_len != want->data_len)
		fail_msg("%s: type %d id %u index %u begin %u length %u port %u "
		    "data_len %zu; want %d %u %u %u %u %u %zu", name, got->type,
		    got->id, got->index, got->begin, got->length, got->port,
		    got->data_len, want->type, want->id, want->index,
		    want->begin, want->length, want->port, want->data_len);
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
	case WIRE_UNKNOWN:
		return wire_encode(out, m);
	default:
		return wire_put_simple(out, m->type);
	}
}

static const struct {
	const char	*name;
	struct wire_msg	 msg;
	const uint8_t	*bytes;
	size_t		 len;
} round_trips[] = {
	{ "keep-alive", { .type = WIRE_KEEPALIVE }, B("\0\0\0\0") },
	{ "choke", { .type = WIRE_CHOKE, .id = 0 }, B("\0\0\0\1\0") },
	{ "unchoke", { .type = WIRE_UNCHOKE, .id = 1 }, B("\0\0\0\1\1") },
	{ "interested", { .type = WIRE_INTERESTED, .id = 2 },
	    B("\0\0\0\1\2") },
	{ "not interested", { .type = WIRE_NOT_INTERESTED, .id = 3 },
	    B("\0\0\0\1\3") },
	{ "have", { .type = WIRE_HAVE, .id = 4, .index = 0x23 },
	    B("\0\0\0\5\4\0\0\0\x23") },
	{ "bitfield", { .type = WIRE_BITFIELD, .id = 5,
	    .data = (const uint8_t *)"\xff\x80\x00\x00\x10", .data_len = 5 },
	    B("\0\0\0\6\5\xff\x80\x00\x00\x10") },
	{ "request", { .type = WIRE_REQUEST, .id = 6, .index = 7,
	    .begin = 0x4000, .length = 0x4000 },
	    B("\0\0\0\x0d\6\0\0\0\7\0\0\x40\0\0\0\x40\0") },
	{ "piece", { .type = WIRE_PIECE, .id = 7, .index = 39,
	    .begin = 0x8000, .length = 3, .data = (const uint8_t *)"abc",
	    .data_len = 3 }, B("\0\0\0\x0c\7\0\0\0\x27\0\0\x80\0abc") },
	{ "cancel", { .type = WIRE_CANCEL, .id = 8, .index = 1, .begin = 2,
	    .length = 16384 }, B("\0\0\0\x0d\x08\0\0\0\1\0\0\0\2\0\0\x40\0") },
	{ "port", { .type = WIRE_PORT, .id = 9, .port = 6881 },
	    B("\0\0\0\3\x09\x1a\xe1") },
	{ "unknown id 20", { .type = WIRE_UNKNOWN, .id = 20,
	    .data = (const uint8_t *)"d1:ai0ee", .data_len = 8 },
	    B("\0\0\0\x09\x14" "d1:ai0ee") },
	{ "unknown, no payload", { .type = WIRE_UNKNOWN, .id = 0x0e },
	    B("\0\0\0\1\x0e") },
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
			if ((r = wire_decode(&out, RT_PIECES, &m)) != BT_OK)
				fail_msg("%s: decode: %d", name, r);
			assert_msg_equal(name, &m, &round_trips[i].msg);
		}
		assert_int_equal(bbuf_len(&out), 0);
		assert_int_equal(wire_decode(&out, RT_PIECES, &m),
		    BT_ERR_INCOMPLETE);
		bbuf_cleanup(&out);
	}
}

static const struct {
	const char	*name;
	uint32_t	 num_pieces;
	const uint8_t	*in;
	size_t		 len;
	int		 want;
} malformed[] = {
	{ "keep-alive cut", 20, B("\0\0\0"), BT_ERR_INCOMPLETE },
	{ "empty", 20, B(""), BT_ERR_INCOMPLETE },
	{ "header without id", 20, B("\0\0\0\5"), BT_ERR_INCOMPLETE },
	{ "choke len 2", 20, B("\0\0\0\2\0\0"), BT_ERR_FORMAT },
	{ "choke len 2, header only", 20, B("\0\0\0\2\0"), BT_ERR_FORMAT },
	{ "unchoke len 5", 20, B("\0\0\0\5\1"), BT_ERR_FORMAT },
	{ "interested len 13", 20, B("\0\0\0\x0d\2"), BT_ERR_FORMAT },
	{ "not interested len 2", 20, B("\0\0\0\2\3"), BT_ERR_FORMAT },
	{ "have len 4", 20, B("\0\0\0\4\4\0\0\0"), BT_ERR_FORMAT },
	{ "have len 6", 20, B("\0\0\0\6\4"), BT_ERR_FORMAT },
	{ "have cut", 20, B("\0\0\0\5\4\0\0\0"), BT_ERR_INCOMPLETE },
	{ "have last index", 20, B("\0\0\0\5\4\0\0\0\x13"), BT_OK },
	{ "have index past end", 20, B("\0\0\0\5\4\0\0\0\x14"), BT_ERR_RANGE },
	{ "have huge index", 20, B("\0\0\0\5\4\xff\xff\xff\xff"),
	    BT_ERR_RANGE },
	{ "have, no pieces", 0, B("\0\0\0\5\4\0\0\0\0"), BT_ERR_RANGE },
	{ "bitfield ok", 20, B("\0\0\0\4\5\xff\xff\xf0"), BT_OK },
	{ "bitfield short", 20, B("\0\0\0\3\5\xff\xff"), BT_ERR_FORMAT },
	{ "bitfield long", 20, B("\0\0\0\5\5"), BT_ERR_FORMAT },
	{ "bitfield 100000 bytes", 20, B("\0\1\x86\xa0\5"), BT_ERR_FORMAT },
	{ "bitfield spare bit", 20, B("\0\0\0\4\5\xff\xff\xf1"),
	    BT_ERR_FORMAT },
	{ "bitfield top spare bit", 20, B("\0\0\0\4\5\0\0\x08"),
	    BT_ERR_FORMAT },
	{ "bitfield no spare bits", 16, B("\0\0\0\3\5\xff\xff"), BT_OK },
	{ "bitfield 1 piece, bit set", 1, B("\0\0\0\2\5\x80"), BT_OK },
	{ "bitfield 1 piece, spare", 1, B("\0\0\0\2\5\x40"), BT_ERR_FORMAT },
	{ "bitfield, no pieces", 0, B("\0\0\0\1\5"), BT_OK },
	{ "request len 12", 20, B("\0\0\0\x0c\6"), BT_ERR_FORMAT },
	{ "request len 14", 20, B("\0\0\0\x0e\6"), BT_ERR_FORMAT },
	{ "request ok", 20, B("\0\0\0\x0d\6\0\0\0\1\0\0\0\0\0\0\x40\0"),
	    BT_OK },
	{ "request index past end", 20,
	    B("\0\0\0\x0d\6\0\0\0\x14\0\0\0\0\0\0\x40\0"), BT_ERR_RANGE },
	{ "request length 0", 20, B("\0\0\0\x0d\6\0\0\0\1\0\0\0\0\0\0\0\0"),
	    BT_ERR_RANGE },
	{ "request length 16385", 20,
	    B("\0\0\0\x0d\6\0\0\0\1\0\0\0\0\0\0\x40\1"), BT_ERR_RANGE },
	{ "request end at 2^32 - 1", 20,
	    B("\0\0\0\x0d\6\0\0\0\1\xff\xff\xbf\xff\0\0\x40\0"), BT_OK },
	{ "request end past 2^32 - 1", 20,
	    B("\0\0\0\x0d\6\0\0\0\1\xff\xff\xc0\0\0\0\x40\0"), BT_ERR_RANGE },
	{ "cancel length 0", 20, B("\0\0\0\x0d\x08\0\0\0\1\0\0\0\0\0\0\0\0"),
	    BT_ERR_RANGE },
	{ "cancel length 16385", 20,
	    B("\0\0\0\x0d\x08\0\0\0\1\0\0\0\0\0\0\x40\1"), BT_ERR_RANGE },
	{ "cancel len 1", 20, B("\0\0\0\1\x08"), BT_ERR_FORMAT },
	{ "piece len 8", 20, B("\0\0\0\x08\7"), BT_ERR_FORMAT },
	{ "piece empty block", 20, B("\0\0\0\x09\7\0\0\0\0\0\0\0\0"),
	    BT_ERR_FORMAT },
	{ "piece 1 byte", 20, B("\0\0\0\x0a\7\0\0\0\0\0\0\0\0x"), BT_OK },
	{ "piece largest block, header only", 20, B("\0\2\0\x09\7"),
	    BT_ERR_INCOMPLETE },
	{ "piece block over 128 KiB", 20, B("\0\2\0\x0a\7"), BT_ERR_LIMIT },
	{ "piece index past end", 20, B("\0\0\0\x0a\7\0\0\0\x14\0\0\0\0x"),
	    BT_ERR_RANGE },
	{ "piece end past 2^32 - 1", 20,
	    B("\0\0\0\x0a\7\0\0\0\1\xff\xff\xff\xffx"), BT_ERR_RANGE },
	{ "port len 2", 20, B("\0\0\0\2\x09\x1a"), BT_ERR_FORMAT },
	{ "port len 4", 20, B("\0\0\0\4\x09"), BT_ERR_FORMAT },
	{ "2^31, 4 bytes", 20, B("\x80\0\0\0"), BT_ERR_LIMIT },
	{ "2^31, 5 bytes", 20, B("\x80\0\0\0\7"), BT_ERR_LIMIT },
	{ "2^32 - 1, choke id", 20, B("\xff\xff\xff\xff\0"), BT_ERR_LIMIT },
	{ "unknown at its bound, header only", 20, B("\0\4\0\0\x14"),
	    BT_ERR_INCOMPLETE },
	{ "unknown over its bound", 20, B("\0\4\0\1\x14"), BT_ERR_LIMIT },
	{ "unknown over, big bitfields", 0xffffffffu, B("\0\4\0\1\x14"),
	    BT_ERR_LIMIT },
	{ "unknown id 255", 20, B("\0\0\0\2\xff\0"), BT_OK },
	{ "huge bitfield, header only", 0xffffffffu, B("\x20\0\0\1\5"),
	    BT_ERR_INCOMPLETE },
	{ "huge bitfield plus one", 0xffffffffu, B("\x20\0\0\2\5"),
	    BT_ERR_LIMIT },
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
		r = wire_decode(&b, malformed[i].num_pieces, &m);
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
	static const struct wire_msg unknown = { .type = WIRE_UNKNOWN,
	    .id = 13, .data = (const uint8_t *)"fast", .data_len = 4 };
	uint8_t			id[20];

	wire_make_peer_id(id, (const uint8_t *)"abcdefghijkl");
	bbuf_init(s, 4096);
	assert_int_equal(wire_handshake_encode(s, hash, id), BT_OK);
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
	m.type = 42;
	assert_int_equal(wire_encode(&out, &m), BT_ERR_INVALID);
	m.type = WIRE_UNKNOWN;
	m.id = 20;
	m.data = blk;
	m.data_len = WIRE_MAX_UNKNOWN;
	assert_int_equal(wire_encode(&out, &m), BT_ERR_LIMIT);
	assert_int_equal(wire_put_piece(&out, 0, 0, blk, WIRE_MAX_BLOCK),
	    BT_OK);
	assert_int_equal(bbuf_len(&out), 13 + WIRE_MAX_BLOCK);
	bbuf_cleanup(&out);

	/* over the buffer's max: all or nothing */
	bbuf_init(&small, 20);
	assert_int_equal(wire_put_have(&small, 1), BT_OK);
	assert_int_equal(wire_put_request(&small, 1, 0, 1), BT_ERR_LIMIT);
	assert_int_equal(wire_put_piece(&small, 1, 0, blk, 8), BT_ERR_LIMIT);
	assert_int_equal(wire_put_bitfield(&small, blk, 7), BT_ERR_LIMIT);
	assert_int_equal(wire_handshake_encode(&small, blk, blk),
	    BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&small), 9);
	assert_int_equal(wire_put_bitfield(&small, blk, 6), BT_OK);
	assert_int_equal(bbuf_len(&small), 20);
	assert_int_equal(wire_put_keepalive(&small), BT_ERR_LIMIT);
	bbuf_cleanup(&small);

	bbuf_view(&view, "x", 1);
	assert_int_equal(wire_put_have(&view, 1), BT_ERR_INVALID);
	assert_int_equal(bbuf_len(&view), 1);
}

/* A random valid message for a torrent of 4096 pieces; data from pool. */
static void
random_msg(struct wire_msg *m, const uint8_t *pool, size_t pool_len)
{
	memset(m, 0, sizeof(*m));
	m->type = rand() % 12;
	if (m->type == 10)
		m->type = WIRE_KEEPALIVE;
	else if (m->type == 11) {
		m->type = WIRE_UNKNOWN;
		m->id = (uint8_t)(10 + rand() % 246);
		m->data_len = (size_t)rand() % pool_len;
	} else
		m->id = (uint8_t)m->type;
	switch (m->type) {
	case WIRE_REQUEST:
	case WIRE_CANCEL:
		m->length = 1 + (uint32_t)rand() % WIRE_BLOCK_LEN;
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
	if (m->type == WIRE_HAVE || m->length > 0)
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
		assert_int_equal(wire_decode(&out, 4096, &got), BT_OK);
		assert_msg_equal("random", &got, &want);
		assert_int_equal(bbuf_len(&out), 0);
	}
	bbuf_cleanup(&out);
}

static void
test_handshake(void **state)
{
	static const uint8_t	hash[20] = { 0xde, 0xad, 0xbe, 0xef };
	struct wire_handshake	hs;
	struct bbuf		out, b;
	uint8_t			id[20], bad[WIRE_HANDSHAKE_LEN];
	size_t			i;

	(void)state;
	memset(id, 'P', sizeof(id));
	bbuf_init(&out, 256);
	assert_int_equal(wire_handshake_encode(&out, hash, id), BT_OK);
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
	bbuf_cleanup(&out);
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
		cmocka_unit_test(test_piece_is_borrowed),
		cmocka_unit_test(test_piece_header_then_block),
		cmocka_unit_test(test_encoder_errors),
		cmocka_unit_test(test_random_round_trips),
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_make_peer_id),
		cmocka_unit_test(test_client_name),
	};

	return cmocka_run_group_tests_name("wire", tests, NULL, NULL);
}
