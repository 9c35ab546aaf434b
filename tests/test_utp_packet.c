/*
 * test_utp_packet: the BEP 29 header codec.  One table of datagrams, each
 * decoded to the fields it must give (every type, selective acks, skipped
 * extensions, hostile lengths); the canonical rows encode back to the
 * same bytes.  Then one datagram cut at every offset, the encoder's
 * refusals, and seeded random packets through encode and decode.
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

#include "engine/rng.h"
#include "engine/utp_packet.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define IN(s)		(const uint8_t *)(s), sizeof(s) - 1

/* A header: type/version, first extension, conn id 0x1234, ts 0x01020304,
 * ts_diff 0x0a0b0c0d, wnd 0x00100000, seq 0xfffe, ack 0x0001. */
#define HDR(tv, ext)	tv ext "\x12\x34" "\x01\x02\x03\x04" \
			"\x0a\x0b\x0c\x0d" "\x00\x10\x00\x00" \
			"\xff\xfe" "\x00\x01"

struct want {
	uint8_t		 type;
	size_t		 sack_len;
	const char	*sack;
	size_t		 n_unknown_ext;
	size_t		 payload_len;
	const char	*payload;
};

static const struct {
	const char	*name;
	const uint8_t	*in;
	size_t		 len;
	int		 result;
	int		 canonical;	/* encodes back to the same bytes */
	struct want	 want;
} cases[] = {
	{ "syn", IN(HDR("\x41", "\x00")), BT_OK, 1, { UTP_ST_SYN, 0, NULL,
	    0, 0, NULL } },
	{ "state", IN(HDR("\x21", "\x00")), BT_OK, 1, { UTP_ST_STATE, 0,
	    NULL, 0, 0, NULL } },
	{ "data", IN(HDR("\x01", "\x00") "hello"), BT_OK, 1, { UTP_ST_DATA,
	    0, NULL, 0, 5, "hello" } },
	{ "fin", IN(HDR("\x11", "\x00")), BT_OK, 1, { UTP_ST_FIN, 0, NULL,
	    0, 0, NULL } },
	{ "reset", IN(HDR("\x31", "\x00")), BT_OK, 1, { UTP_ST_RESET, 0,
	    NULL, 0, 0, NULL } },
	{ "state + sack 32 bits", IN(HDR("\x21", "\x01") "\x00\x04"
	    "\x05\x00\x00\x80"), BT_OK, 1, { UTP_ST_STATE, 4,
	    "\x05\x00\x00\x80", 0, 0, NULL } },
	{ "data + sack 64 bits + payload", IN(HDR("\x01", "\x01") "\x00\x08"
	    "\xff\x00\x00\x00\x00\x00\x00\x01" "xy"), BT_OK, 1, { UTP_ST_DATA,
	    8, "\xff\x00\x00\x00\x00\x00\x00\x01", 0, 2, "xy" } },
	{ "libutp extension bits skipped", IN(HDR("\x41", "\x02") "\x00\x08"
	    "\x00\x00\x00\x00\x00\x00\x00\x00"), BT_OK, 0, { UTP_ST_SYN, 0,
	    NULL, 1, 0, NULL } },
	{ "unknown then sack", IN(HDR("\x21", "\x07") "\x01\x01" "z"
	    "\x00\x04" "\x01\x02\x03\x04" "p"), BT_OK, 0, { UTP_ST_STATE, 4,
	    "\x01\x02\x03\x04", 1, 1, "p" } },
	{ "sack then empty unknown", IN(HDR("\x21", "\x01") "\x09\x04"
	    "\x01\x02\x03\x04" "\x00\x00"), BT_OK, 0, { UTP_ST_STATE, 4,
	    "\x01\x02\x03\x04", 1, 0, NULL } },
	{ "8 extensions", IN(HDR("\x21", "\x05") "\x05\x00" "\x05\x00"
	    "\x05\x00" "\x05\x00" "\x05\x00" "\x05\x00" "\x05\x00" "\x00\x00"),
	    BT_OK, 0, { UTP_ST_STATE, 0, NULL, 8, 0, NULL } },
	{ "9 extensions", IN(HDR("\x21", "\x05") "\x05\x00" "\x05\x00"
	    "\x05\x00" "\x05\x00" "\x05\x00" "\x05\x00" "\x05\x00" "\x05\x00"
	    "\x00\x00"), BT_ERR_LIMIT, 0, { 0, 0, NULL, 0, 0, NULL } },
	{ "empty", (const uint8_t *)"", 0, BT_ERR_FORMAT, 0, { 0, 0, NULL, 0,
	    0, NULL } },
	{ "19 bytes", IN("\x21\x00\x12\x34\x01\x02\x03\x04\x0a\x0b\x0c\x0d"
	    "\x00\x10\x00\x00\xff\xfe\x00"), BT_ERR_FORMAT, 0, { 0, 0, NULL,
	    0, 0, NULL } },
	{ "version 0", IN(HDR("\x20", "\x00")), BT_ERR_FORMAT, 0, { 0, 0,
	    NULL, 0, 0, NULL } },
	{ "version 2", IN(HDR("\x22", "\x00")), BT_ERR_FORMAT, 0, { 0, 0,
	    NULL, 0, 0, NULL } },
	{ "type 5", IN(HDR("\x51", "\x00")), BT_ERR_FORMAT, 0, { 0, 0, NULL,
	    0, 0, NULL } },
	{ "type 15", IN(HDR("\xf1", "\x00")), BT_ERR_FORMAT, 0, { 0, 0, NULL,
	    0, 0, NULL } },
	{ "krpc is not utp", IN("d1:ad2:id20:abcdefghij0123456789e1:q4:ping"
	    "1:t2:aa1:y1:qe"), BT_ERR_FORMAT, 0, { 0, 0, NULL, 0, 0, NULL } },
	{ "extension head cut", IN(HDR("\x21", "\x01") "\x00"), BT_ERR_FORMAT,
	    0, { 0, 0, NULL, 0, 0, NULL } },
	{ "extension past the end", IN(HDR("\x21", "\x01") "\x00\x08"
	    "\x01\x02\x03\x04"), BT_ERR_FORMAT, 0, { 0, 0, NULL, 0, 0,
	    NULL } },
	{ "unknown past the end", IN(HDR("\x21", "\x02") "\x00\xff"
	    "\x01\x02"), BT_ERR_FORMAT, 0, { 0, 0, NULL, 0, 0, NULL } },
	{ "sack of 3 bytes", IN(HDR("\x21", "\x01") "\x00\x03" "\x01\x02\x03"),
	    BT_ERR_FORMAT, 0, { 0, 0, NULL, 0, 0, NULL } },
	{ "sack of 6 bytes", IN(HDR("\x21", "\x01") "\x00\x06"
	    "\x01\x02\x03\x04\x05\x06"), BT_ERR_FORMAT, 0, { 0, 0, NULL, 0, 0,
	    NULL } },
	{ "sack of 0 bytes", IN(HDR("\x21", "\x01") "\x00\x00"), BT_ERR_FORMAT,
	    0, { 0, 0, NULL, 0, 0, NULL } },
	{ "two sacks", IN(HDR("\x21", "\x01") "\x01\x04" "\x01\x02\x03\x04"
	    "\x00\x04" "\x01\x02\x03\x04"), BT_ERR_FORMAT, 0, { 0, 0, NULL, 0,
	    0, NULL } },
};

static void
check_header(const struct utp_packet *p)
{
	assert_int_equal(p->conn_id, 0x1234);
	assert_int_equal(p->ts_us, 0x01020304);
	assert_int_equal(p->ts_diff_us, 0x0a0b0c0d);
	assert_int_equal(p->wnd, 0x00100000);
	assert_int_equal(p->seq_nr, 0xfffe);
	assert_int_equal(p->ack_nr, 1);
}

static void
check_want(const char *name, const struct utp_packet *p,
    const struct want *w)
{
	if (p->type != w->type || p->sack_len != w->sack_len ||
	    p->n_unknown_ext != w->n_unknown_ext ||
	    p->payload_len != w->payload_len)
		fail_msg("%s: type %u sack %zu unknown %zu payload %zu", name,
		    p->type, p->sack_len, p->n_unknown_ext, p->payload_len);
	if (w->sack_len > 0)
		assert_memory_equal(p->sack, w->sack, w->sack_len);
	else
		assert_null(p->sack);
	if (w->payload_len > 0)
		assert_memory_equal(p->payload, w->payload, w->payload_len);
	check_header(p);
}

static void
test_table(void **state)
{
	struct utp_packet	p;
	struct bbuf		out;
	size_t			i;
	int			r;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		memset(&p, 0xa5, sizeof(p));
		r = utp_packet_decode(cases[i].in, cases[i].len, &p);
		if (r != cases[i].result)
			fail_msg("%s: got %d (%s), want %d", cases[i].name, r,
			    bt_strerror(r), cases[i].result);
		if (r != BT_OK) {
			/* a refusal leaves nothing behind */
			assert_int_equal(p.type, 0);
			assert_null(p.payload);
			assert_null(p.sack);
			continue;
		}
		check_want(cases[i].name, &p, &cases[i].want);
		if (!cases[i].canonical)
			continue;
		assert_int_equal(utp_packet_size(&p), cases[i].len);
		bbuf_init(&out, 4096);
		assert_int_equal(utp_packet_encode(&p, &out), BT_OK);
		if (bbuf_len(&out) != cases[i].len ||
		    memcmp(bbuf_ptr(&out), cases[i].in, cases[i].len) != 0)
			fail_msg("%s: does not encode back", cases[i].name);
		bbuf_cleanup(&out);
	}
}

/* Every prefix of a datagram: under header + selective ack it is refused,
 * from there on the rest is payload (a datagram has no "incomplete"). */
static void
test_cut(void **state)
{
	static const char	dg[] = HDR("\x01", "\x01") "\x00\x04"
				    "\x01\x00\x00\x00" "payload";
	struct utp_packet	p;
	size_t			n, head = UTP_HEADER_LEN + 2 + 4;
	int			r;

	(void)state;
	for (n = 0; n <= sizeof(dg) - 1; n++) {
		r = utp_packet_decode((const uint8_t *)dg, n, &p);
		if (n < head) {
			if (r != BT_ERR_FORMAT)
				fail_msg("cut at %zu: got %d", n, r);
			continue;
		}
		assert_int_equal(r, BT_OK);
		assert_int_equal(p.sack_len, 4);
		assert_int_equal(p.payload_len, n - head);
	}
}

static void
test_oversize(void **state)
{
	uint8_t			*big;
	struct utp_packet	 p;

	(void)state;
	big = calloc(1, UTP_MAX_DATAGRAM + 1);
	assert_non_null(big);
	big[0] = UTP_ST_DATA << 4 | UTP_VERSION;
	assert_int_equal(utp_packet_decode(big, UTP_MAX_DATAGRAM, &p), BT_OK);
	assert_int_equal(p.payload_len, UTP_MAX_DATAGRAM - UTP_HEADER_LEN);
	assert_int_equal(utp_packet_decode(big, UTP_MAX_DATAGRAM + 1, &p),
	    BT_ERR_LIMIT);
	free(big);
}

static void
test_encode_refused(void **state)
{
	static const uint8_t	sack[8];
	static const struct {
		const char	*name;
		uint8_t		 type;
		size_t		 sack_len;
		size_t		 max;
		int		 want;
	} rows[] = {
		{ "type 5", 5, 0, 100, BT_ERR_INVALID },
		{ "sack 2", UTP_ST_STATE, 2, 100, BT_ERR_INVALID },
		{ "sack 6", UTP_ST_STATE, 6, 100, BT_ERR_INVALID },
		{ "sack 256", UTP_ST_STATE, 256, 1000, BT_ERR_INVALID },
		{ "no room", UTP_ST_STATE, 4, 25, BT_ERR_LIMIT },
		{ "fits", UTP_ST_STATE, 4, 26, BT_OK },
	};
	struct utp_packet	p;
	struct bbuf		out;
	size_t			i;
	int			r;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		memset(&p, 0, sizeof(p));
		p.type = rows[i].type;
		p.sack = sack;
		p.sack_len = rows[i].sack_len;
		bbuf_init(&out, rows[i].max);
		if ((r = utp_packet_encode(&p, &out)) != rows[i].want)
			fail_msg("%s: got %d, want %d", rows[i].name, r,
			    rows[i].want);
		/* a refused encode appends nothing */
		assert_int_equal(bbuf_len(&out), r == BT_OK ? 26 : 0);
		bbuf_cleanup(&out);
	}
}

static void
test_type_names(void **state)
{
	(void)state;
	assert_string_equal(utp_packet_type_name(UTP_ST_DATA), "DATA");
	assert_string_equal(utp_packet_type_name(UTP_ST_SYN), "SYN");
	assert_string_equal(utp_packet_type_name(5), "?");
	assert_string_equal(utp_packet_type_name(-1), "?");
}

/* Seeded random packets: encode, decode, same fields and bytes. */
static void
test_random(void **state)
{
	uint64_t		seed = (uint64_t)time(NULL), rng = seed;
	uint8_t			sack[UTP_SACK_MAX], payload[300];
	struct utp_packet	p, q;
	struct bbuf		out;
	size_t			i, k;

	(void)state;
	printf("test_random seed %llu\n", (unsigned long long)seed);
	for (i = 0; i < 10000; i++) {
		memset(&p, 0, sizeof(p));
		p.type = (uint8_t)rng_below(&rng, 5);
		p.conn_id = (uint16_t)rng_next(&rng);
		p.ts_us = (uint32_t)rng_next(&rng);
		p.ts_diff_us = (uint32_t)rng_next(&rng);
		p.wnd = (uint32_t)rng_next(&rng);
		p.seq_nr = (uint16_t)rng_next(&rng);
		p.ack_nr = (uint16_t)rng_next(&rng);
		p.sack_len = rng_below(&rng, 3) == 0 ? 0 :
		    4 * (1 + rng_below(&rng, UTP_SACK_MAX / 4));
		for (k = 0; k < p.sack_len; k++)
			sack[k] = (uint8_t)rng_next(&rng);
		p.sack = p.sack_len ? sack : NULL;
		p.payload_len = rng_below(&rng, sizeof(payload) + 1);
		for (k = 0; k < p.payload_len; k++)
			payload[k] = (uint8_t)rng_next(&rng);
		p.payload = payload;
		bbuf_init(&out, 2048);
		assert_int_equal(utp_packet_encode(&p, &out), BT_OK);
		assert_int_equal(bbuf_len(&out), utp_packet_size(&p));
		assert_int_equal(utp_packet_decode(bbuf_ptr(&out),
		    bbuf_len(&out), &q), BT_OK);
		assert_int_equal(q.type, p.type);
		assert_int_equal(q.conn_id, p.conn_id);
		assert_int_equal(q.ts_us, p.ts_us);
		assert_int_equal(q.ts_diff_us, p.ts_diff_us);
		assert_int_equal(q.wnd, p.wnd);
		assert_int_equal(q.seq_nr, p.seq_nr);
		assert_int_equal(q.ack_nr, p.ack_nr);
		assert_int_equal(q.sack_len, p.sack_len);
		if (p.sack_len)
			assert_memory_equal(q.sack, sack, p.sack_len);
		assert_int_equal(q.payload_len, p.payload_len);
		if (p.payload_len)
			assert_memory_equal(q.payload, payload, p.payload_len);
		bbuf_cleanup(&out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_encode_refused),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
