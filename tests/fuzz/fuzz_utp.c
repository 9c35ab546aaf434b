/*
 * libFuzzer target for src/engine/utp_packet and src/engine/utp.
 *
 * First the whole input is one datagram: whatever decodes must encode to
 * at most as many bytes (unknown extensions are not sent), decode again
 * to the same fields and re-encode to the same bytes; what the
 * classifier calls uTP must be what decodes.
 *
 * Then the input is a script run against two connections, one accepted
 * from a fixed SYN and one dialling out: records of {op, len (2 bytes),
 * len bytes}.  Ops deliver the bytes as a datagram (as they are, or with
 * the connection id patched to the target's so the fuzzer gets past the
 * id check), let time pass, write, read, close or abort.  Every datagram
 * a connection sends must decode and carry its ids; the buffers must
 * stay within their bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "engine/utp.h"
#include "engine/utp_demux.h"
#include "engine/utp_packet.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

#define BUF		(64 * 1024)	/* both buffers, small to fill */
#define IN_SEND		0x1000		/* the SYN's id: the acceptor's send */
#define OUT_RECV	0x2000

struct who {
	uint16_t	send_id, recv_id;
	int		syn_ok;		/* the dialler's SYN uses recv_id */
};

static void
on_send(void *arg, const uint8_t *pkt, size_t len)
{
	const struct who	*w = arg;
	struct utp_packet	 p;

	CHECK(utp_packet_decode(pkt, len, &p) == BT_OK);
	CHECK(len <= UTP_HEADER_LEN + 2 + 32 + UTP_MSS_DEFAULT);
	if (p.type == UTP_ST_SYN)
		CHECK(w->syn_ok && p.conn_id == w->recv_id);
	else
		CHECK(p.conn_id == w->send_id);
	CHECK(p.wnd <= BUF);
}

static void
check_codec(const uint8_t *data, size_t size)
{
	struct utp_packet	p, q;
	struct bbuf		out, out2;
	int			r;

	r = utp_packet_decode(data, size, &p);
	if (r != BT_OK) {
		CHECK(r == BT_ERR_FORMAT || r == BT_ERR_LIMIT);
		return;
	}
	CHECK(utp_demux_classify(data, size) == UTP_DEMUX_UTP);
	bbuf_init(&out, UTP_MAX_DATAGRAM);
	bbuf_init(&out2, UTP_MAX_DATAGRAM);
	CHECK(utp_packet_encode(&p, &out) == BT_OK);
	CHECK(bbuf_len(&out) <= size);
	CHECK(bbuf_len(&out) == utp_packet_size(&p));
	CHECK(utp_packet_decode(bbuf_ptr(&out), bbuf_len(&out), &q) == BT_OK);
	CHECK(q.type == p.type && q.conn_id == p.conn_id &&
	    q.ts_us == p.ts_us && q.ts_diff_us == p.ts_diff_us &&
	    q.wnd == p.wnd && q.seq_nr == p.seq_nr && q.ack_nr == p.ack_nr);
	CHECK(q.sack_len == p.sack_len && q.payload_len == p.payload_len);
	CHECK(q.n_unknown_ext == 0);
	CHECK(p.sack_len == 0 || memcmp(q.sack, p.sack, p.sack_len) == 0);
	CHECK(p.payload_len == 0 ||
	    memcmp(q.payload, p.payload, p.payload_len) == 0);
	CHECK(utp_packet_encode(&q, &out2) == BT_OK);
	CHECK(bbuf_len(&out2) == bbuf_len(&out) &&
	    memcmp(bbuf_ptr(&out2), bbuf_ptr(&out), bbuf_len(&out)) == 0);
	bbuf_cleanup(&out);
	bbuf_cleanup(&out2);
}

static void
check_bounds(const struct utp *u)
{
	struct utp_stats	st;

	utp_get_stats(u, &st);
	CHECK(utp_readable(u) <= BUF);
	CHECK(utp_writable(u) <= BUF);
	CHECK(st.max_window >= UTP_MSS_MIN && st.max_window <= BUF);
	CHECK(st.rto_us >= 500000 && st.rto_us <= 30000000);
	CHECK(utp_state(u) >= UTP_STATE_SYN_SENT &&
	    utp_state(u) <= UTP_STATE_TIMEOUT);
	CHECK(utp_is_over(u) == (utp_deadline_us(u) == UINT64_MAX));
}

/* Delivers p[0..n) to u, with the id patched to `id' when asked. */
static void
deliver(struct utp *u, const uint8_t *p, size_t n, int patch, uint16_t id,
    uint64_t now)
{
	static uint8_t	dg[UTP_MAX_DATAGRAM];
	int		r;

	memcpy(dg, p, n);
	if (patch && n >= 4) {
		dg[2] = (uint8_t)(id >> 8);
		dg[3] = (uint8_t)id;
	}
	r = utp_input(u, dg, n, now);
	CHECK(r == BT_OK || r == BT_ERR_FORMAT || r == BT_ERR_INVALID);
	CHECK(r != BT_ERR_FORMAT || utp_packet_decode(dg, n, &(struct
	    utp_packet){ 0 }) != BT_OK);
}

static void
run_op(struct utp *c[2], uint8_t op, const uint8_t *p, size_t n,
    uint64_t *now)
{
	static uint8_t	buf[BUF];
	struct utp	*u = c[(op >> 4) & 1];
	uint16_t	 id = (op >> 4) & 1 ? OUT_RECV : IN_SEND + 1;
	size_t		 k;
	int		 r;

	switch (op & 0x0f) {
	case 0:
	case 1:
		deliver(u, p, n, op & 1, id, *now);
		break;
	case 2:			/* time passes: up to 65 s */
		*now += (n > 0 ? p[0] : 1) * 256000ull;
		utp_tick(u, *now);
		break;
	case 3:
		r = utp_write(u, p, n, *now, &k);
		CHECK(k <= n && (r == BT_OK || k == 0));
		break;
	case 4:
		r = utp_read(u, buf, n > 0 ? p[0] * 256 + 1 : BUF, *now, &k);
		CHECK(r == BT_OK || k == 0);
		break;
	case 5:
		utp_close(u, *now);
		break;
	case 6:
		utp_flush(u, *now);
		break;
	case 7:
		if (n == 1 && p[0] == 0xab)	/* rare: it ends everything */
			utp_abort(u, *now);
		break;
	default:
		*now += 1000;
		break;
	}
	check_bounds(u);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	syn[] = { 0x41, 0, IN_SEND >> 8, IN_SEND & 0xff,
				    0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 100,
				    0, 0 };
	struct who		w_in = { IN_SEND, IN_SEND + 1, 0 };
	struct who		w_out = { OUT_RECV + 1, OUT_RECV, 1 };
	struct utp_config	cfg;
	struct utp		*c[2] = { NULL, NULL };
	uint64_t		now = 1000;
	size_t			at = 0, n;

	check_codec(data, size);

	memset(&cfg, 0, sizeof(cfg));
	cfg.send = on_send;
	cfg.send_buf = cfg.recv_buf = BUF;
	cfg.arg = &w_in;
	CHECK(utp_new_incoming(&cfg, syn, sizeof(syn), 7000, now, &c[0]) ==
	    BT_OK);
	cfg.arg = &w_out;
	CHECK(utp_new_outgoing(&cfg, OUT_RECV, 200, now, &c[1]) == BT_OK);
	while (size - at >= 3) {
		n = (size_t)data[at + 1] << 8 | data[at + 2];
		if (n > size - at - 3)
			n = size - at - 3;
		run_op(c, data[at], data + at + 3, n, &now);
		at += 3 + n;
	}
	utp_free(c[0]);
	utp_free(c[1]);
	return 0;
}
