/*
 * test_utp_demux: telling uTP from KRPC and UDP tracker replies on the
 * shared socket (a table of real-shaped datagrams), the table keys each
 * packet type looks up, and the RESET that answers a stranger.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sys/socket.h>

#include "engine/caddr.h"
#include "engine/utp_demux.h"
#include "engine/utp_packet.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define IN(s)		(const uint8_t *)(s), sizeof(s) - 1

#define UTP_HDR(tv)	tv "\x00\x12\x34" "\x01\x02\x03\x04" \
			"\x00\x00\x00\x00" "\x00\x10\x00\x00" \
			"\x00\x07" "\x00\x01"

static void
test_classify(void **state)
{
	static const struct {
		const char	*name;
		const uint8_t	*in;
		size_t		 len;
		int		 want;
	} rows[] = {
		{ "krpc ping", IN("d1:ad2:id20:abcdefghij0123456789e1:q4:ping"
		    "1:t2:aa1:y1:qe"), UTP_DEMUX_KRPC },
		{ "krpc short", IN("d"), UTP_DEMUX_KRPC },
		{ "tracker connect reply", IN("\x00\x00\x00\x00" "\xde\xad\xbe"
		    "\xef" "\x01\x02\x03\x04\x05\x06\x07\x08"),
		    UTP_DEMUX_TRACKER },
		{ "tracker announce reply", IN("\x00\x00\x00\x01" "\xde\xad\xbe"
		    "\xef" "\x00\x00\x07\x08" "\x00\x00\x00\x01"
		    "\x00\x00\x00\x02" "\x7f\x00\x00\x01\x1a\xe1"),
		    UTP_DEMUX_TRACKER },
		{ "tracker error", IN("\x00\x00\x00\x03" "\xde\xad\xbe\xef"
		    "no"), UTP_DEMUX_TRACKER },
		{ "tracker head cut", IN("\x00\x00\x00\x03" "\xde\xad\xbe"),
		    UTP_DEMUX_OTHER },
		{ "action 4", IN("\x00\x00\x00\x04" "\xde\xad\xbe\xef"),
		    UTP_DEMUX_OTHER },
		{ "utp data", IN(UTP_HDR("\x01") "x"), UTP_DEMUX_UTP },
		{ "utp fin", IN(UTP_HDR("\x11")), UTP_DEMUX_UTP },
		{ "utp state", IN(UTP_HDR("\x21")), UTP_DEMUX_UTP },
		{ "utp reset", IN(UTP_HDR("\x31")), UTP_DEMUX_UTP },
		{ "utp syn", IN(UTP_HDR("\x41")), UTP_DEMUX_UTP },
		{ "utp type 5", IN(UTP_HDR("\x51")), UTP_DEMUX_OTHER },
		{ "utp version 2", IN(UTP_HDR("\x42")), UTP_DEMUX_OTHER },
		{ "utp 19 bytes", IN("\x41\x00\x12\x34\x01\x02\x03\x04\x00\x00"
		    "\x00\x00\x00\x10\x00\x00\x00\x07\x00"), UTP_DEMUX_OTHER },
		{ "empty", (const uint8_t *)"", 0, UTP_DEMUX_OTHER },
		{ "text", IN("hello, world, this is not a packet"),
		    UTP_DEMUX_OTHER },
	};
	size_t	i;
	int	got;

	(void)state;
	for (i = 0; i < NELEM(rows); i++)
		if ((got = utp_demux_classify(rows[i].in, rows[i].len)) !=
		    rows[i].want)
			fail_msg("%s: got %d, want %d", rows[i].name, got,
			    rows[i].want);
}

/* Whatever the classifier calls uTP decodes as uTP, and the reverse. */
static void
test_classify_agrees(void **state)
{
	uint8_t			dg[UTP_HEADER_LEN];
	struct utp_packet	p;
	unsigned		b;

	(void)state;
	memset(dg, 0, sizeof(dg));
	for (b = 0; b < 256; b++) {
		dg[0] = (uint8_t)b;
		assert_int_equal(utp_demux_classify(dg, sizeof(dg)) ==
		    UTP_DEMUX_UTP, utp_packet_decode(dg, sizeof(dg), &p) ==
		    BT_OK);
	}
}

static void
test_keys(void **state)
{
	static const struct {
		const char	*name;
		uint8_t		 type;
		uint16_t	 id;
		size_t		 n;
		uint16_t	 want[UTP_DEMUX_MAX_KEYS];
	} rows[] = {
		{ "syn", UTP_ST_SYN, 100, 1, { 101 } },
		{ "syn wraps", UTP_ST_SYN, 0xffff, 1, { 0 } },
		{ "data", UTP_ST_DATA, 100, 1, { 100 } },
		{ "state", UTP_ST_STATE, 100, 1, { 100 } },
		{ "fin", UTP_ST_FIN, 100, 1, { 100 } },
		{ "reset", UTP_ST_RESET, 100, 3, { 100, 99, 101 } },
		{ "reset wraps", UTP_ST_RESET, 0, 3, { 0, 0xffff, 1 } },
	};
	struct utp_key		keys[UTP_DEMUX_MAX_KEYS];
	struct utp_packet	p;
	struct caddr		from;
	size_t			i, k, n;

	(void)state;
	assert_int_equal(caddr_from_bytes((const uint8_t *)"\x7f\0\0\x01", 4,
	    6881, &from), BT_OK);
	for (i = 0; i < NELEM(rows); i++) {
		memset(&p, 0, sizeof(p));
		p.type = rows[i].type;
		p.conn_id = rows[i].id;
		n = utp_demux_keys(&p, &from, keys);
		if (n != rows[i].n)
			fail_msg("%s: %zu keys", rows[i].name, n);
		for (k = 0; k < n; k++) {
			assert_int_equal(keys[k].conn_id, rows[i].want[k]);
			assert_true(caddr_equal(&keys[k].addr, &from));
		}
	}
}

static void
test_key_equal(void **state)
{
	struct utp_key	a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	assert_int_equal(caddr_from_bytes((const uint8_t *)"\x7f\0\0\x01", 4,
	    6881, &a.addr), BT_OK);
	a.conn_id = 7;
	b = a;
	assert_true(utp_key_equal(&a, &b));
	b.conn_id = 8;
	assert_false(utp_key_equal(&a, &b));
	b = a;
	b.addr.port = 6882;
	assert_false(utp_key_equal(&a, &b));
}

static void
test_reset_reply(void **state)
{
	struct utp_packet	p, r;
	struct bbuf		out;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.type = UTP_ST_DATA;
	p.conn_id = 4242;
	p.seq_nr = 77;
	p.ack_nr = 5;
	bbuf_init(&out, 100);
	assert_int_equal(utp_demux_reset(&p, 900, &out), BT_OK);
	assert_int_equal(utp_packet_decode(bbuf_ptr(&out), bbuf_len(&out),
	    &r), BT_OK);
	assert_int_equal(r.type, UTP_ST_RESET);
	assert_int_equal(r.conn_id, 4242);
	assert_int_equal(r.ack_nr, 77);
	assert_int_equal(r.seq_nr, 900);
	assert_int_equal(r.payload_len, 0);
	bbuf_reset(&out);
	/* a reset is never answered, or two strangers would ping-pong */
	p.type = UTP_ST_RESET;
	assert_int_equal(utp_demux_reset(&p, 900, &out), BT_ERR_INVALID);
	assert_int_equal(bbuf_len(&out), 0);
	bbuf_cleanup(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_classify_agrees),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_key_equal),
		cmocka_unit_test(test_reset_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
