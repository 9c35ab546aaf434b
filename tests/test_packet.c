/* Unit tests for src/ipc/packet: the header byte by byte, round trips,
 * every prefix of a frame is INCOMPLETE with nothing consumed, each header
 * field corrupted in turn, length bounds judged before the payload, and
 * encoders that refuse bad headers or a full buffer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/msg.h"
#include "ipc/packet.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A heartbeat frame from the engine with a 16-byte payload. */
static const uint8_t	hb_frame[] = {
	'h', 'e', 'a', 'd',		/* magic */
	MSG_PROTOCOL_VERSION,		/* version */
	PKT_CMD_WATCHDOG,		/* cmd */
	PKT_WDT_SIGNAL,			/* wdt */
	0,				/* reserved */
	'e', 'n', 'g', 'i', 'n', 'e', 0, 0,	/* source */
	'f', 'r', 'o', 'n', 't', 0, 0, 0,	/* target */
	0, 101,				/* type MSG_HEARTBEAT */
	0, 0, 0, 16,			/* length */
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
};

static void
encode_frame(struct bbuf *out, int source, int type, const void *p,
    size_t len)
{
	struct pkt_header	h;
	int			r;

	pkt_header_for(&h, source, type);
	if ((r = pkt_encode(out, &h, p, len)) != BT_OK)
		fail_msg("encode %s: %d", msg_type_name(type), r);
}

static void
test_header_bytes(void **state)
{
	struct bbuf	out;

	(void)state;
	bbuf_init(&out, 1024);
	encode_frame(&out, PKT_SIDE_ENGINE, MSG_HEARTBEAT, hb_frame + 30, 16);
	assert_int_equal(bbuf_len(&out), sizeof(hb_frame));
	assert_memory_equal(bbuf_ptr(&out), hb_frame, sizeof(hb_frame));
	bbuf_cleanup(&out);
}

static void
test_decode_heartbeat(void **state)
{
	struct pkt_header	h;
	struct bbuf		in, pl;
	uint64_t		seq;

	(void)state;
	bbuf_view(&in, hb_frame, sizeof(hb_frame));
	assert_int_equal(pkt_decode(&in, &h, &pl), BT_OK);
	assert_int_equal(bbuf_len(&in), 0);
	assert_int_equal(h.version, MSG_PROTOCOL_VERSION);
	assert_int_equal(h.cmd, PKT_CMD_WATCHDOG);
	assert_int_equal(h.wdt, PKT_WDT_SIGNAL);
	assert_int_equal(h.source, PKT_SIDE_ENGINE);
	assert_int_equal(h.target, PKT_SIDE_FRONT);
	assert_int_equal(h.type, MSG_HEARTBEAT);
	assert_int_equal(h.len, 16);
	assert_int_equal(bbuf_len(&pl), 16);
	assert_int_equal(bbuf_get_u64be(&pl, &seq), BT_OK);
	assert_true(seq == 0x0102030405060708ull);
}

/* Several frames of both directions back to back in one buffer. */
static void
test_round_trip_stream(void **state)
{
	static const struct {
		int		 source, type;
		size_t		 len;
	} rows[] = {
		{ PKT_SIDE_ENGINE, MSG_REGISTER, 50 },
		{ PKT_SIDE_ENGINE, MSG_HEARTBEAT, 16 },
		{ PKT_SIDE_ENGINE, MSG_PIECEMAP, 16400 },
		{ PKT_SIDE_FRONT, MSG_CMD_QUIT, 0 },
		{ PKT_SIDE_FRONT, MSG_CMD_SET_LIMITS, 16 },
		{ PKT_SIDE_ENGINE, MSG_LOG, 15 },
	};
	static uint8_t		 payload[PKT_MAX_PAYLOAD];
	struct pkt_header	 h;
	struct bbuf		 b, pl;
	uint8_t			 cmd, wdt;
	size_t			 i, j;

	(void)state;
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 31);
	bbuf_init(&b, 4 * PKT_MAX_FRAME);
	for (i = 0; i < NELEM(rows); i++)
		encode_frame(&b, rows[i].source, rows[i].type, payload + i,
		    rows[i].len);
	for (i = 0; i < NELEM(rows); i++) {
		assert_int_equal(pkt_decode(&b, &h, &pl), BT_OK);
		pkt_kind_for_type(rows[i].type, &cmd, &wdt);
		assert_int_equal(h.type, rows[i].type);
		assert_int_equal(h.source, rows[i].source);
		assert_int_equal(h.target, !rows[i].source);
		assert_int_equal(h.cmd, cmd);
		assert_int_equal(h.wdt, wdt);
		assert_int_equal(h.len, rows[i].len);
		assert_int_equal(bbuf_len(&pl), rows[i].len);
		for (j = 0; j < rows[i].len; j++)
			if (bbuf_ptr(&pl)[j] != payload[i + j])
				fail_msg("frame %zu byte %zu", i, j);
	}
	assert_int_equal(pkt_decode(&b, &h, &pl), BT_ERR_INCOMPLETE);
	bbuf_cleanup(&b);
}

static void
test_every_prefix_incomplete(void **state)
{
	struct pkt_header	h;
	struct bbuf		in, pl;
	size_t			n;

	(void)state;
	for (n = 0; n < sizeof(hb_frame); n++) {
		bbuf_view(&in, hb_frame, n);
		if (pkt_decode(&in, &h, &pl) != BT_ERR_INCOMPLETE)
			fail_msg("prefix %zu not incomplete", n);
		assert_int_equal(bbuf_len(&in), n);
		assert_int_equal(h.type, 0);
		assert_int_equal(bbuf_len(&pl), 0);
	}
}

/* One byte of the heartbeat frame changed at a time. */
static const struct {
	const char	*name;
	size_t		 off;
	uint8_t		 value;
	int		 want;
} patches[] = {
	{ "magic byte 0", 0, 'H', BT_ERR_FORMAT },
	{ "magic byte 3", 3, 'x', BT_ERR_FORMAT },
	{ "version 0", 4, 0, BT_ERR_PROTO },
	{ "version 1 (a v1 build)", 4, 1, BT_ERR_PROTO },
	{ "the next version", 4, MSG_PROTOCOL_VERSION + 1, BT_ERR_PROTO },
	{ "cmd transfer", 5, PKT_CMD_TRANSFER, BT_ERR_FORMAT },
	{ "cmd register", 5, PKT_CMD_REGISTER, BT_ERR_FORMAT },
	{ "cmd 3", 5, 3, BT_ERR_FORMAT },
	{ "wdt register", 6, PKT_WDT_REGISTER, BT_ERR_FORMAT },
	{ "wdt 2", 6, 2, BT_ERR_FORMAT },
	{ "reserved 1", 7, 1, BT_ERR_FORMAT },
	{ "source Engine", 8, 'E', BT_ERR_FORMAT },
	{ "source no NUL padding", 14, 'X', BT_ERR_FORMAT },
	{ "source last pad byte", 15, 'X', BT_ERR_FORMAT },
	{ "target engine too", 16, 'e', BT_ERR_FORMAT },
	{ "target pad byte", 23, ' ', BT_ERR_FORMAT },
	{ "type unknown 112", 25, 112, BT_ERR_FORMAT },
	{ "type high byte", 24, 1, BT_ERR_FORMAT },
	{ "type status, cmd watchdog", 25, MSG_STATUS, BT_ERR_FORMAT },
	{ "length 15 (under min)", 29, 15, BT_ERR_FORMAT },
	{ "length 17 (over max)", 29, 17, BT_ERR_LIMIT },
	{ "length 2^24", 26, 1, BT_ERR_LIMIT },
};

static void
test_header_patches(void **state)
{
	struct pkt_header	h;
	struct bbuf		in, pl;
	uint8_t			frame[sizeof(hb_frame)];
	size_t			i;
	int			r;

	(void)state;
	for (i = 0; i < NELEM(patches); i++) {
		memcpy(frame, hb_frame, sizeof(frame));
		frame[patches[i].off] = patches[i].value;
		/* The header alone must be enough to judge it. */
		bbuf_view(&in, frame, PKT_HEADER_LEN);
		if ((r = pkt_decode(&in, &h, &pl)) != patches[i].want)
			fail_msg("%s: got %d, want %d", patches[i].name, r,
			    patches[i].want);
		assert_int_equal(bbuf_len(&in), PKT_HEADER_LEN);
		assert_int_equal(h.type, 0);
	}
}

/* A wrong magic is refused from its first byte, before a header is in. */
static void
test_bad_magic_early(void **state)
{
	static const char	*inputs[] = { "X", "hx", "heaD", "GET / " };
	struct pkt_header	 h;
	struct bbuf		 in, pl;
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(inputs); i++) {
		bbuf_view(&in, inputs[i], strlen(inputs[i]));
		if (pkt_decode(&in, &h, &pl) != BT_ERR_FORMAT)
			fail_msg("\"%s\" not refused", inputs[i]);
	}
	bbuf_view(&in, "hea", 3);
	assert_int_equal(pkt_decode(&in, &h, &pl), BT_ERR_INCOMPLETE);
}

/* Direction: commands come from the front, reports from the engine. */
static void
test_direction(void **state)
{
	struct pkt_header	h, d;
	struct bbuf		b, in, pl;
	uint8_t			frame[PKT_HEADER_LEN];

	(void)state;
	bbuf_init(&b, 1024);
	pkt_header_for(&h, PKT_SIDE_ENGINE, MSG_CMD_QUIT);
	assert_int_equal(pkt_encode(&b, &h, NULL, 0), BT_ERR_INVALID);
	pkt_header_for(&h, PKT_SIDE_FRONT, MSG_STATUS);
	assert_int_equal(pkt_encode(&b, &h, "x", 1), BT_ERR_INVALID);
	assert_int_equal(bbuf_len(&b), 0);
	/* A QUIT from the front, then its names swapped by hand. */
	encode_frame(&b, PKT_SIDE_FRONT, MSG_CMD_QUIT, NULL, 0);
	memcpy(frame, bbuf_ptr(&b), sizeof(frame));
	memcpy(frame + 8, "engine\0\0front\0\0\0", 16);
	bbuf_view(&in, frame, sizeof(frame));
	assert_int_equal(pkt_decode(&in, &d, &pl), BT_ERR_FORMAT);
	bbuf_cleanup(&b);
}

static void
test_encode_refuses(void **state)
{
	static uint8_t		big[PKT_MAX_PAYLOAD + 1];
	struct pkt_header	h;
	struct bbuf		b;

	(void)state;
	bbuf_init(&b, 1024);
	assert_int_equal(bbuf_put_u8(&b, 0x77), BT_OK);
	pkt_header_for(&h, PKT_SIDE_ENGINE, MSG_HEARTBEAT);
	assert_int_equal(pkt_encode(&b, &h, big, 15), BT_ERR_INVALID);
	assert_int_equal(pkt_encode(&b, &h, big, 17), BT_ERR_LIMIT);
	pkt_header_for(&h, PKT_SIDE_ENGINE, MSG_PIECEMAP);
	assert_int_equal(pkt_encode(&b, &h, big, sizeof(big)), BT_ERR_LIMIT);
	assert_int_equal(pkt_encode(&b, &h, big, 1000), BT_ERR_LIMIT);
	pkt_header_for(&h, PKT_SIDE_ENGINE, MSG_HEARTBEAT);
	h.version = MSG_PROTOCOL_VERSION - 1;
	assert_int_equal(pkt_encode(&b, &h, big, 16), BT_ERR_INVALID);
	pkt_header_for(&h, PKT_SIDE_ENGINE, MSG_HEARTBEAT);
	h.wdt = PKT_WDT_REGISTER;
	assert_int_equal(pkt_encode(&b, &h, big, 16), BT_ERR_INVALID);
	pkt_header_for(&h, PKT_SIDE_ENGINE, MSG_HEARTBEAT);
	h.target = PKT_SIDE_ENGINE;
	assert_int_equal(pkt_encode(&b, &h, big, 16), BT_ERR_INVALID);
	pkt_header_for(&h, PKT_SIDE_ENGINE, 150);
	assert_int_equal(pkt_encode(&b, &h, big, 0), BT_ERR_INVALID);
	assert_int_equal(bbuf_len(&b), 1);	/* nothing appended */
	bbuf_cleanup(&b);
}

static void
test_kinds_and_names(void **state)
{
	static const struct {
		int	type;
		uint8_t	cmd, wdt;
	} rows[] = {
		{ MSG_REGISTER, PKT_CMD_REGISTER, PKT_WDT_REGISTER },
		{ MSG_HEARTBEAT, PKT_CMD_WATCHDOG, PKT_WDT_SIGNAL },
		{ MSG_STATUS, PKT_CMD_TRANSFER, 0 },
		{ MSG_CMD_QUIT, PKT_CMD_TRANSFER, 0 },
	};
	uint8_t	cmd, wdt;
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		pkt_kind_for_type(rows[i].type, &cmd, &wdt);
		assert_int_equal(cmd, rows[i].cmd);
		assert_int_equal(wdt, rows[i].wdt);
	}
	assert_string_equal(pkt_side_name(PKT_SIDE_ENGINE), "engine");
	assert_string_equal(pkt_side_name(PKT_SIDE_FRONT), "front");
	assert_string_equal(pkt_side_name(7), "?");
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_header_bytes),
		cmocka_unit_test(test_decode_heartbeat),
		cmocka_unit_test(test_round_trip_stream),
		cmocka_unit_test(test_every_prefix_incomplete),
		cmocka_unit_test(test_header_patches),
		cmocka_unit_test(test_bad_magic_early),
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_kinds_and_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
