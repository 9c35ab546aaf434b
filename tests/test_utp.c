/*
 * test_utp: one uTP connection's state machine.  First tables of crafted
 * packets fed to a single connection whose output is captured (handshake,
 * data in and out of order, FIN, RESET, duplicate SYN, fast re-send on
 * duplicate and selective acks, LEDBAT's reaction to delay, time-outs
 * with back-off).  Then two connections joined by an in-memory network
 * with a virtual clock, a one-way delay, a bottleneck with a queue, and
 * seeded loss and reordering: bulk transfers of a few MiB verified byte
 * for byte, both ways, across the sequence number wrap, under 5 % loss,
 * with a receiver that stops reading, a reset, a cut link.  Only
 * correctness is asserted; the simulated throughput is printed.
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
#include "engine/utp.h"
#include "engine/utp_demux.h"
#include "engine/utp_packet.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define MS		1000ull
#define SEC		1000000ull

/* ---- a capture of what one connection sends ---- */

#define CAP_MAX		8192
#define CAP_BYTES	1500

struct cap {
	size_t		n;
	uint64_t	at_us[CAP_MAX];
	size_t		len[CAP_MAX];
	uint8_t		data[CAP_MAX][CAP_BYTES];
	uint64_t	now_us;		/* the harness's clock, for at_us */
};

static void
cap_send(void *arg, const uint8_t *pkt, size_t len)
{
	struct cap	*c = arg;

	assert_true(c->n < CAP_MAX);
	assert_true(len <= CAP_BYTES);
	memcpy(c->data[c->n], pkt, len);
	c->len[c->n] = len;
	c->at_us[c->n] = c->now_us;
	c->n++;
}

/* The i-th captured packet, decoded (it must decode). */
static struct utp_packet
cap_pkt(const struct cap *c, size_t i)
{
	struct utp_packet	p;

	assert_true(i < c->n);
	assert_int_equal(utp_packet_decode(c->data[i], c->len[i], &p), BT_OK);
	return p;
}

static struct utp_packet
cap_last(const struct cap *c)
{
	assert_true(c->n > 0);
	return cap_pkt(c, c->n - 1);
}

static struct cap *
cap_new(void)
{
	struct cap	*c = calloc(1, sizeof(*c));

	assert_non_null(c);
	return c;
}

static struct utp_config
cap_config(struct cap *c)
{
	struct utp_config	cfg;

	memset(&cfg, 0, sizeof(cfg));
	cfg.send = cap_send;
	cfg.arg = c;
	return cfg;
}

/* Feeds a crafted packet to u; returns utp_input's result. */
struct craft {
	uint8_t		 type;
	uint16_t	 conn_id, seq, ack;
	uint32_t	 wnd, ts, ts_diff;
	const char	*payload;
	size_t		 payload_len;
	const uint8_t	*sack;
	size_t		 sack_len;
};

static int
feed(struct utp *u, const struct craft *k, uint64_t now_us)
{
	struct utp_packet	p;
	struct bbuf		b;
	int			r;

	memset(&p, 0, sizeof(p));
	p.type = k->type;
	p.conn_id = k->conn_id;
	p.seq_nr = k->seq;
	p.ack_nr = k->ack;
	p.wnd = k->wnd ? k->wnd : 1024 * 1024;
	p.ts_us = k->ts;
	p.ts_diff_us = k->ts_diff;
	p.payload = (const uint8_t *)k->payload;
	p.payload_len = k->payload_len;
	p.sack = k->sack;
	p.sack_len = k->sack_len;
	bbuf_init(&b, 70000);
	assert_int_equal(utp_packet_encode(&p, &b), BT_OK);
	r = utp_input(u, bbuf_ptr(&b), bbuf_len(&b), now_us);
	bbuf_cleanup(&b);
	return r;
}

/* An outgoing connection (recv id 1000, send id 1001, SYN seq 500)
 * brought to CONNECTED by a STATE with seq 7000: the peer's next data is
 * 7000. */
#define OUT_RECV	1000
#define OUT_SEND	1001
#define OUT_SYN		500
#define PEER_SEQ	7000

static struct utp *
connected_outgoing(struct cap *c, const struct utp_config *cfg)
{
	struct utp	*u;
	struct craft	 k = { .type = UTP_ST_STATE, .conn_id = OUT_RECV,
			    .seq = PEER_SEQ, .ack = OUT_SYN };

	assert_int_equal(utp_new_outgoing(cfg, OUT_RECV, OUT_SYN, 0, &u),
	    BT_OK);
	assert_int_equal(feed(u, &k, 10 * MS), BT_OK);
	assert_int_equal(utp_state(u), UTP_STATE_CONNECTED);
	c->n = 0;
	return u;
}

/* ---- state transitions, one table per starting point ---- */

static void
test_outgoing_syn(void **state)
{
	struct cap		*c = cap_new();
	struct utp_config	 cfg = cap_config(c);
	struct utp_packet	 p;
	struct utp		*u;

	(void)state;
	assert_int_equal(utp_new_outgoing(&cfg, OUT_RECV, OUT_SYN, 5 * SEC,
	    &u), BT_OK);
	assert_int_equal(utp_state(u), UTP_STATE_SYN_SENT);
	assert_int_equal(utp_recv_id(u), OUT_RECV);
	assert_int_equal(c->n, 1);
	p = cap_last(c);
	/* BEP 29: a SYN carries the receive id, seq_nr is ours */
	assert_int_equal(p.type, UTP_ST_SYN);
	assert_int_equal(p.conn_id, OUT_RECV);
	assert_int_equal(p.seq_nr, OUT_SYN);
	assert_int_equal(p.ts_us, (uint32_t)(5 * SEC));
	assert_int_equal(p.ts_diff_us, 0);
	assert_int_equal(p.wnd, UTP_BUF_DEFAULT);
	assert_int_equal(p.payload_len, 0);
	utp_free(u);
	free(c);
}

static void
test_bad_config(void **state)
{
	struct cap		*c = cap_new();
	struct utp_config	 cfg = cap_config(c);
	struct utp		*u = (struct utp *)1;

	(void)state;
	cfg.mss = UTP_MSS_MIN - 1;
	assert_int_equal(utp_new_outgoing(&cfg, 1, 1, 0, &u), BT_ERR_INVALID);
	assert_null(u);
	cfg = cap_config(c);
	cfg.send = NULL;
	assert_int_equal(utp_new_outgoing(&cfg, 1, 1, 0, &u), BT_ERR_INVALID);
	cfg = cap_config(c);
	cfg.recv_buf = UTP_BUF_MAX + 1;
	assert_int_equal(utp_new_outgoing(&cfg, 1, 1, 0, &u), BT_ERR_INVALID);
	cfg = cap_config(c);
	assert_int_equal(utp_new_incoming(&cfg, (const uint8_t *)"nope", 4, 1,
	    0, &u), BT_ERR_FORMAT);
	assert_int_equal(c->n, 0);
	free(c);
}

/* Packets fed to an outgoing connection in SYN_SENT, and where each
 * sequence leaves it. */
static void
test_syn_sent_table(void **state)
{
	static const struct {
		const char	*name;
		struct craft	 k[2];
		size_t		 nk;
		int		 want_r;	/* of the last feed */
		int		 want_state;
		int		 readable;
	} rows[] = {
		{ "state acks the syn", { { UTP_ST_STATE, OUT_RECV, 7000,
		    OUT_SYN, 0, 0, 0, NULL, 0, NULL, 0 } }, 1, BT_OK,
		    UTP_STATE_CONNECTED, 0 },
		{ "data acks the syn", { { UTP_ST_DATA, OUT_RECV, 7000,
		    OUT_SYN, 0, 0, 0, "hi", 2, NULL, 0 } }, 1, BT_OK,
		    UTP_STATE_CONNECTED, 2 },
		{ "state acks something else", { { UTP_ST_STATE, OUT_RECV,
		    7000, OUT_SYN - 1, 0, 0, 0, NULL, 0, NULL, 0 } }, 1, BT_OK,
		    UTP_STATE_SYN_SENT, 0 },
		{ "wrong connection id", { { UTP_ST_STATE, OUT_SEND, 7000,
		    OUT_SYN, 0, 0, 0, NULL, 0, NULL, 0 } }, 1, BT_ERR_INVALID,
		    UTP_STATE_SYN_SENT, 0 },
		{ "refused: reset on the send id", { { UTP_ST_RESET, OUT_SEND,
		    0, OUT_SYN, 0, 0, 0, NULL, 0, NULL, 0 } }, 1, BT_OK,
		    UTP_STATE_RESET, 0 },
		{ "reset on the receive id", { { UTP_ST_RESET, OUT_RECV, 0, 0,
		    0, 0, 0, NULL, 0, NULL, 0 } }, 1, BT_OK, UTP_STATE_RESET,
		    0 },
		{ "reset for another connection", { { UTP_ST_RESET,
		    OUT_RECV - 1, 0, 0, 0, 0, 0, NULL, 0, NULL, 0 } }, 1,
		    BT_ERR_INVALID, UTP_STATE_SYN_SENT, 0 },
		{ "a syn is not ours", { { UTP_ST_SYN, OUT_RECV, 1, 0, 0, 0,
		    0, NULL, 0, NULL, 0 } }, 1, BT_ERR_INVALID,
		    UTP_STATE_SYN_SENT, 0 },
		{ "state then old data", { { UTP_ST_STATE, OUT_RECV, 7000,
		    OUT_SYN, 0, 0, 0, NULL, 0, NULL, 0 }, { UTP_ST_DATA,
		    OUT_RECV, 6999, OUT_SYN, 0, 0, 0, "x", 1, NULL, 0 } }, 2,
		    BT_OK, UTP_STATE_CONNECTED, 0 },
	};
	struct cap		*c = cap_new();
	struct utp_config	 cfg = cap_config(c);
	struct utp		*u;
	size_t			 i, j;
	int			 r = 0;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		assert_int_equal(utp_new_outgoing(&cfg, OUT_RECV, OUT_SYN, 0,
		    &u), BT_OK);
		for (j = 0; j < rows[i].nk; j++)
			r = feed(u, &rows[i].k[j], (j + 1) * MS);
		if (r != rows[i].want_r || utp_state(u) != rows[i].want_state ||
		    utp_readable(u) != (size_t)rows[i].readable)
			fail_msg("%s: r %d state %s readable %zu", rows[i].name,
			    r, utp_state_name(utp_state(u)), utp_readable(u));
		utp_free(u);
	}
	free(c);
}

/* An incoming connection: the STATE it answers with, a re-sent SYN, and
 * what it does with data in order, out of order, duplicated, FIN, RESET. */
static const uint8_t	syn_bytes[] = { 0x41, 0x00, 0x13, 0x88, 0, 0, 0, 9,
			    0, 0, 0, 0, 0x00, 0x10, 0x00, 0x00, 0x00, 0x2a, 0,
			    0 };	/* SYN, conn id 5000, ts 9, seq 42 */
#define IN_SEND		5000
#define IN_RECV		5001
#define IN_SYN_SEQ	42
#define IN_OUR_SEQ	30000

static struct utp *
incoming(struct cap *c)
{
	struct utp_config	 cfg = cap_config(c);
	struct utp		*u;

	assert_int_equal(utp_new_incoming(&cfg, syn_bytes, sizeof(syn_bytes),
	    IN_OUR_SEQ, 100, &u), BT_OK);
	return u;
}

static void
test_incoming_handshake(void **state)
{
	struct cap		*c = cap_new();
	struct utp_packet	 p;
	struct utp		*u;
	struct craft		 k = { .type = UTP_ST_SYN, .conn_id = IN_SEND,
				    .seq = IN_SYN_SEQ };
	size_t			 n;

	(void)state;
	u = incoming(c);
	assert_int_equal(utp_state(u), UTP_STATE_CONNECTED);
	assert_int_equal(utp_recv_id(u), IN_RECV);
	assert_int_equal(c->n, 1);
	p = cap_last(c);
	assert_int_equal(p.type, UTP_ST_STATE);
	assert_int_equal(p.conn_id, IN_SEND);
	assert_int_equal(p.ack_nr, IN_SYN_SEQ);
	assert_int_equal(p.seq_nr, IN_OUR_SEQ);	/* our next, not counted */
	assert_int_equal(p.ts_diff_us, 100 - 9);
	/* what we write waits until the dialler speaks after its SYN */
	assert_int_equal(utp_write(u, "xyz", 3, 150, &n), BT_OK);
	assert_int_equal(n, 3);
	assert_int_equal(c->n, 1);
	/* the SYN again: our STATE was lost, so it goes again, and still
	 * names our first seq: nothing of ours went */
	assert_int_equal(feed(u, &k, 200), BT_OK);
	assert_int_equal(c->n, 2);
	p = cap_last(c);
	assert_int_equal(p.type, UTP_ST_STATE);
	assert_int_equal(p.seq_nr, IN_OUR_SEQ);
	/* a SYN with another seq is a stranger's: ignored */
	k.seq = 43;
	assert_int_equal(feed(u, &k, 300), BT_OK);
	assert_int_equal(c->n, 2);
	/* once data came, SYNs are old news */
	k.seq = IN_SYN_SEQ;
	assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_DATA,
	    .conn_id = IN_RECV, .seq = IN_SYN_SEQ + 1, .ack = IN_OUR_SEQ - 1,
	    .payload = "a", .payload_len = 1 }, 400), BT_OK);
	utp_flush(u, 400);
	/* the dialler spoke: our data goes, first seq first, acking its */
	assert_int_equal(c->n, 3);
	p = cap_last(c);
	assert_int_equal(p.type, UTP_ST_DATA);
	assert_int_equal(p.seq_nr, IN_OUR_SEQ);
	assert_int_equal(p.ack_nr, IN_SYN_SEQ + 1);
	assert_int_equal(p.payload_len, 3);
	assert_int_equal(feed(u, &k, 500), BT_OK);
	assert_int_equal(c->n, 3);
	utp_free(u);
	free(c);
}

struct data_row {
	const char	*name;
	uint16_t	 seqs[6];	/* offsets from IN_SYN_SEQ + 1 */
	uint8_t		 types[6];
	size_t		 n;
	const char	*want;		/* what utp_read gives */
	int		 read_r;	/* utp_read's result once drained */
	uint16_t	 want_ack;	/* offset of the last ack_nr sent */
	size_t		 want_sack_len;
};

static void
run_data_row(const struct data_row *row)
{
	static const char	*payload[] = { "a", "b", "c", "d", "e", "f" };
	struct cap		*c = cap_new();
	struct utp		*u = incoming(c);
	struct utp_packet	 p;
	char			 buf[64];
	size_t			 i, got = 0, n;
	int			 r;

	for (i = 0; i < row->n; i++) {
		struct craft	k = { .type = row->types[i], .conn_id = IN_RECV,
				    .seq = (uint16_t)(IN_SYN_SEQ + 1 +
				    row->seqs[i]), .ack = IN_OUR_SEQ - 1 };

		if (k.type == UTP_ST_DATA) {
			k.payload = payload[row->seqs[i] % 6];
			k.payload_len = 1;
		}
		assert_int_equal(feed(u, &k, (i + 1) * MS), BT_OK);
	}
	utp_flush(u, 10 * MS);
	p = cap_last(c);
	assert_int_equal(p.type, UTP_ST_STATE);
	if (p.ack_nr != (uint16_t)(IN_SYN_SEQ + row->want_ack) ||
	    p.sack_len != row->want_sack_len)
		fail_msg("%s: ack_nr %u sack %zu", row->name, p.ack_nr,
		    p.sack_len);
	/* the end shows before the reader gets to it only when nothing is
	 * left to read */
	if (utp_at_end(u) && utp_readable(u) > 0)
		fail_msg("%s: at the end with bytes to read", row->name);
	while ((r = utp_read(u, buf + got, sizeof(buf) - got, 11 * MS, &n)) ==
	    BT_OK && n > 0)
		got += n;
	if (got != strlen(row->want) || memcmp(buf, row->want, got) != 0 ||
	    r != row->read_r)
		fail_msg("%s: read %.*s r %d", row->name, (int)got, buf, r);
	/* a reader's EOF: exactly when utp_read says the stream is closed */
	if (utp_at_end(u) != (r == BT_ERR_CLOSED))
		fail_msg("%s: utp_at_end %d after r %d", row->name,
		    utp_at_end(u), r);
	utp_free(u);
	free(c);
}

static void
test_incoming_data_table(void **state)
{
	enum { D = UTP_ST_DATA, F = UTP_ST_FIN };
	static const struct data_row	rows[] = {
		{ "in order", { 0, 1, 2 }, { D, D, D }, 3, "abc", BT_OK, 3, 0 },
		{ "reordered", { 2, 0, 1 }, { D, D, D }, 3, "abc", BT_OK, 3,
		    0 },
		{ "gap: sack", { 0, 2, 3 }, { D, D, D }, 3, "a", BT_OK, 1, 4 },
		{ "duplicates", { 0, 0, 1, 1 }, { D, D, D, D }, 4, "ab", BT_OK,
		    2, 0 },
		{ "old packet", { 0, 1, 0xfff0 }, { D, D, D }, 3, "ab", BT_OK,
		    2, 0 },
		{ "too far ahead", { 0, 1500 }, { D, D }, 2, "a", BT_OK, 1, 0 },
		{ "fin in order", { 0, 1, 2 }, { D, D, F }, 3, "ab",
		    BT_ERR_CLOSED, 3, 0 },
		{ "fin before data", { 2, 0, 1 }, { F, D, D }, 3, "ab",
		    BT_ERR_CLOSED, 3, 0 },
		{ "data past the fin", { 1, 3, 0 }, { F, D, D }, 3, "a",
		    BT_ERR_CLOSED, 2, 0 },
		{ "fin, gap open", { 0, 2 }, { D, F }, 2, "a", BT_OK, 1, 4 },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(rows); i++)
		run_data_row(&rows[i]);
}

static void
test_reset_and_abort(void **state)
{
	struct cap	*c = cap_new();
	struct utp	*u = incoming(c);
	size_t		 n;
	uint8_t		 b;

	(void)state;
	/* a reset naming neither of our ids is someone else's */
	assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_RESET,
	    .conn_id = 77 }, MS), BT_ERR_INVALID);
	assert_int_equal(utp_state(u), UTP_STATE_CONNECTED);
	assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_RESET,
	    .conn_id = IN_SEND }, 2 * MS), BT_OK);
	assert_int_equal(utp_state(u), UTP_STATE_RESET);
	assert_true(utp_is_over(u));
	assert_int_equal(utp_write(u, "x", 1, 3 * MS, &n), BT_ERR_CLOSED);
	assert_int_equal(utp_read(u, &b, 1, 3 * MS, &n), BT_ERR_CLOSED);
	assert_true(utp_at_end(u));
	assert_int_equal(utp_deadline_us(u), UINT64_MAX);
	utp_free(u);

	/* utp_abort sends a RESET on the send id and is over at once */
	c->n = 0;
	u = incoming(c);
	utp_abort(u, 4 * MS);
	assert_int_equal(utp_state(u), UTP_STATE_CLOSED);
	assert_int_equal(cap_last(c).type, UTP_ST_RESET);
	assert_int_equal(cap_last(c).conn_id, IN_SEND);
	n = c->n;
	utp_tick(u, 60 * SEC);
	assert_int_equal(c->n, n);
	utp_free(u);
	free(c);
}

/* A connected outgoing connection that wrote `npkts' full packets and
 * had the oldest acked one by one (the window grows from one packet)
 * until `inflight' are in flight: seq0 is the oldest of those. */
static struct utp *
sending(struct cap *c, size_t npkts, size_t inflight, uint16_t *seq0)
{
	struct utp_config	 cfg = cap_config(c);
	struct utp		*u = connected_outgoing(c, &cfg);
	static uint8_t		 data[64 * UTP_MSS_DEFAULT];
	uint16_t		 oldest = OUT_SYN + 1;
	size_t			 n, i;

	assert_true(npkts <= 64);
	assert_int_equal(utp_write(u, data, npkts * UTP_MSS_DEFAULT, 20 * MS,
	    &n), BT_OK);
	assert_int_equal(n, npkts * UTP_MSS_DEFAULT);
	for (i = 0; c->n - (uint16_t)(oldest - OUT_SYN - 1) < inflight; i++) {
		/* else the window grew too slowly */
		assert_true(c->n < npkts);
		assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_STATE,
		    .conn_id = OUT_RECV, .seq = PEER_SEQ, .ack = oldest,
		    .ts_diff = 10000 }, (21 + i) * MS), BT_OK);
		oldest++;
	}
	*seq0 = oldest;
	return u;
}

static size_t
count_sends(const struct cap *c, size_t from, uint16_t seq)
{
	size_t	i, n = 0;

	for (i = from; i < c->n; i++)
		if (cap_pkt(c, i).type == UTP_ST_DATA &&
		    cap_pkt(c, i).seq_nr == seq)
			n++;
	return n;
}

static void
test_window_growth_and_dup_acks(void **state)
{
	struct cap		*c = cap_new();
	struct utp_config	 cfg = cap_config(c);
	struct utp		*u = connected_outgoing(c, &cfg);
	static uint8_t		 data[40 * UTP_MSS_DEFAULT];
	struct utp_stats	 st;
	struct craft		 dup;
	size_t			 n, i, mark;
	uint16_t		 oldest = OUT_SYN + 1;

	(void)state;
	assert_int_equal(utp_write(u, data, sizeof(data), 20 * MS, &n), BT_OK);
	/* one packet in flight: the window is one packet at first */
	assert_int_equal(c->n, 1);
	assert_int_equal(cap_last(c).seq_nr, oldest);
	assert_int_equal(cap_last(c).ack_nr, PEER_SEQ - 1);
	/* acks with no queuing delay grow the window: one, then more */
	for (i = 0; i < 4; i++) {
		assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_STATE,
		    .conn_id = OUT_RECV, .seq = PEER_SEQ, .ack = oldest,
		    .ts_diff = 5000 }, (30 + i) * MS), BT_OK);
		oldest++;
	}
	utp_get_stats(u, &st);
	assert_true(st.max_window > 4 * UTP_MSS_DEFAULT);
	assert_true(st.cur_window >= 4 * UTP_MSS_DEFAULT);
	assert_int_equal(c->n - 4, st.cur_window / UTP_MSS_DEFAULT);
	/* now lose the oldest in flight: three duplicate acks re-send it */
	mark = c->n;
	dup = (struct craft){ .type = UTP_ST_STATE, .conn_id = OUT_RECV,
	    .seq = PEER_SEQ, .ack = (uint16_t)(oldest - 1), .ts_diff = 5000 };
	assert_int_equal(feed(u, &dup, 50 * MS), BT_OK);
	assert_int_equal(feed(u, &dup, 51 * MS), BT_OK);
	assert_int_equal(count_sends(c, mark, oldest), 0);
	assert_int_equal(feed(u, &dup, 52 * MS), BT_OK);
	assert_int_equal(count_sends(c, mark, oldest), 1);
	utp_get_stats(u, &st);
	assert_int_equal(st.fast_resends, 1);
	assert_int_equal(st.pkts_resent, 1);
	/* more duplicates do not send it again (once per packet) */
	for (i = 0; i < 6; i++)
		assert_int_equal(feed(u, &dup, (53 + i) * MS), BT_OK);
	assert_int_equal(count_sends(c, mark, oldest), 1);
	utp_free(u);
	free(c);
}

static void
test_selective_ack_resend(void **state)
{
	struct cap		*c = cap_new();
	struct utp		*u;
	struct utp_stats	 st, st2;
	size_t			 mark;
	uint16_t		 seq0;
	uint8_t			 sack[4] = { 0 };

	(void)state;
	u = sending(c, 20, 6, &seq0);
	utp_get_stats(u, &st);
	assert_true(st.cur_window >= 6 * UTP_MSS_DEFAULT);
	/* the peer has seq0 - 1 (the SYN) and seq0 + 2, + 3, + 4: bits
	 * 1, 2, 3 (bit 0 is ack_nr + 2 = seq0 + 1); seq0 and seq0 + 1 are
	 * lost, each with 3 acked above it */
	sack[0] = 0x0e;
	mark = c->n;
	assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_STATE,
	    .conn_id = OUT_RECV, .seq = PEER_SEQ, .ack = (uint16_t)(seq0 - 1),
	    .sack = sack, .sack_len = 4 }, 200 * MS), BT_OK);
	assert_int_equal(count_sends(c, mark, (uint16_t)seq0), 1);
	assert_int_equal(count_sends(c, mark, (uint16_t)(seq0 + 1)), 1);
	assert_int_equal(count_sends(c, mark, (uint16_t)(seq0 + 2)), 0);
	utp_get_stats(u, &st2);
	assert_int_equal(st2.fast_resends, 2);
	/* the three acked ones left the window; a loss halves it */
	assert_true(st2.cur_window <= st.cur_window - 3 * UTP_MSS_DEFAULT +
	    2 * UTP_MSS_DEFAULT);
	assert_true(st2.max_window < st.max_window);
	utp_free(u);
	free(c);
}

/* LEDBAT: with the queuing delay over the target the window shrinks,
 * under it the window grows (while the sender is window-limited). */
static void
test_ledbat(void **state)
{
	struct cap		*c = cap_new();
	struct utp		*u;
	struct utp_stats	 st0, st;
	size_t			 i;
	uint16_t		 ack, seq0;

	(void)state;
	u = sending(c, 60, 12, &seq0);
	ack = (uint16_t)(seq0 - 1);
	/* the base delay is 10 ms; then 300 ms of queuing on top: once the
	 * last 3 samples (the filter) say so, the window shrinks on every
	 * ack */
	for (i = 0; i < 12; i++) {
		if (i == 6)
			utp_get_stats(u, &st0);
		ack++;
		assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_STATE,
		    .conn_id = OUT_RECV, .seq = PEER_SEQ, .ack = ack,
		    .ts_diff = i < 3 ? 10000 : 310000 }, (300 + i) * MS),
		    BT_OK);
	}
	assert_true(st0.our_delay_us > UTP_TARGET_DELAY_US);
	utp_get_stats(u, &st);
	assert_true(st.our_delay_us > UTP_TARGET_DELAY_US);
	assert_true(st.max_window < st0.max_window);
	assert_true(st.max_window >= UTP_MSS_MIN);
	/* LEDBAT++: at 3x the target each ack cuts half its bytes (libutp's
	 * linear decrease would take a few dozen bytes) */
	if (st0.max_window - st.max_window < 6 * UTP_MSS_DEFAULT / 2)
		fail_msg("6 acks at 3x the target: window %zu -> %zu",
		    st0.max_window, st.max_window);
	utp_free(u);
	free(c);
}

/* Time-outs: the SYN goes twice (again after 1 s) and the dialler gives
 * up 2 s later, 3 s in all (libtorrent's connect time-out); a connection re-sends with doubling intervals, its window
 * down to one packet, and gives up after 4; a FIN never acked ends
 * CLOSED. */
static void
test_timeouts(void **state)
{
	struct cap		*c = cap_new();
	struct utp_config	 cfg = cap_config(c);
	struct utp_stats	 st;
	struct utp		*u;
	uint64_t		 t;
	size_t			 i, n;

	(void)state;
	assert_int_equal(utp_new_outgoing(&cfg, 1, 1, 0, &u), BT_OK);
	for (t = 0; t <= 20 * SEC && !utp_is_over(u); t += 10 * MS) {
		c->now_us = t;
		utp_tick(u, t);
	}
	assert_int_equal(utp_state(u), UTP_STATE_TIMEOUT);
	assert_int_equal(c->n, 2);
	assert_int_equal(c->at_us[1] - c->at_us[0], 1 * SEC);
	assert_true(t >= 3 * SEC && t < 3 * SEC + 20 * MS);
	assert_int_equal(utp_write(u, "x", 1, t, &n), BT_ERR_TIMEOUT);
	utp_free(u);

	u = connected_outgoing(c, &cfg);
	c->now_us = 20 * MS;
	assert_int_equal(utp_write(u, "hello", 5, 20 * MS, &n), BT_OK);
	assert_int_equal(c->n, 1);
	for (t = 20 * MS; t <= 120 * SEC && !utp_is_over(u); t += 10 * MS) {
		c->now_us = t;
		utp_tick(u, t);
	}
	assert_int_equal(utp_state(u), UTP_STATE_TIMEOUT);
	utp_get_stats(u, &st);
	assert_int_equal(st.timeouts, 4);
	assert_int_equal(c->n, 5);
	for (i = 2; i < c->n; i++) {
		assert_int_equal(cap_pkt(c, i).seq_nr, cap_pkt(c, 0).seq_nr);
		/* exponential back-off, to the tick's 10 ms */
		assert_true(c->at_us[i] - c->at_us[i - 1] >=
		    2 * (c->at_us[i - 1] - c->at_us[i - 2]) - 10 * MS);
	}
	assert_int_equal(st.max_window, UTP_MSS_DEFAULT);
	utp_free(u);

	c->n = 0;
	u = connected_outgoing(c, &cfg);
	utp_close(u, 20 * MS);
	assert_int_equal(utp_state(u), UTP_STATE_FIN_SENT);
	assert_int_equal(cap_last(c).type, UTP_ST_FIN);
	assert_int_equal(utp_write(u, "x", 1, 20 * MS, &n), BT_ERR_CLOSED);
	for (t = 20 * MS; t <= 120 * SEC && !utp_is_over(u); t += 10 * MS)
		utp_tick(u, t);
	assert_int_equal(utp_state(u), UTP_STATE_CLOSED);
	utp_free(u);
	free(c);
}

/* A closed SYN_SENT says RESET; a FIN acked closes; a reset while the
 * FIN waits closes too. */
static void
test_close(void **state)
{
	struct cap		*c = cap_new();
	struct utp_config	 cfg = cap_config(c);
	struct utp		*u;
	uint16_t		 fin;

	(void)state;
	assert_int_equal(utp_new_outgoing(&cfg, OUT_RECV, OUT_SYN, 0, &u),
	    BT_OK);
	utp_close(u, MS);
	assert_int_equal(utp_state(u), UTP_STATE_CLOSED);
	assert_int_equal(cap_last(c).type, UTP_ST_RESET);
	assert_int_equal(cap_last(c).conn_id, OUT_SEND);
	utp_free(u);

	u = connected_outgoing(c, &cfg);
	utp_close(u, 20 * MS);
	fin = cap_last(c).seq_nr;
	assert_int_equal(fin, OUT_SYN + 1);
	utp_close(u, 21 * MS);		/* a no-op */
	assert_int_equal(c->n, 1);
	assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_STATE,
	    .conn_id = OUT_RECV, .seq = PEER_SEQ, .ack = fin }, 30 * MS),
	    BT_OK);
	assert_int_equal(utp_state(u), UTP_STATE_CLOSED);
	/* closed, the peer's FIN comes: the RESET a freed connection's
	 * packets get, so that the peer stops re-sending it */
	assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_FIN,
	    .conn_id = OUT_RECV, .seq = PEER_SEQ, .ack = fin }, 40 * MS),
	    BT_OK);
	assert_int_equal(c->n, 2);
	assert_int_equal(cap_last(c).type, UTP_ST_RESET);
	assert_int_equal(cap_last(c).conn_id, OUT_SEND);
	/* a STATE gets nothing: answering acks with resets could loop */
	assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_STATE,
	    .conn_id = OUT_RECV, .seq = PEER_SEQ, .ack = fin }, 50 * MS),
	    BT_OK);
	assert_int_equal(c->n, 2);
	utp_free(u);

	c->n = 0;
	u = connected_outgoing(c, &cfg);
	utp_close(u, 20 * MS);
	assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_RESET,
	    .conn_id = OUT_SEND }, 30 * MS), BT_OK);
	assert_int_equal(utp_state(u), UTP_STATE_CLOSED);
	utp_free(u);

	/* the peer's FIN came and nothing of ours is in flight: close ends
	 * it without a FIN (libutp sends none back either) */
	c->n = 0;
	u = connected_outgoing(c, &cfg);
	assert_int_equal(feed(u, &(struct craft){ .type = UTP_ST_FIN,
	    .conn_id = OUT_RECV, .seq = PEER_SEQ, .ack = OUT_SYN }, 30 * MS),
	    BT_OK);
	assert_int_equal(cap_last(c).type, UTP_ST_STATE);	/* acked now */
	assert_int_equal(cap_last(c).ack_nr, PEER_SEQ);
	c->n = 0;
	utp_close(u, 31 * MS);
	assert_int_equal(utp_state(u), UTP_STATE_CLOSED);
	assert_int_equal(c->n, 0);
	utp_free(u);
	free(c);
}

/* ---- two connections over an in-memory network ---- */

struct dgram {
	uint64_t	 at_us, order;
	int		 to;
	size_t		 len;
	uint8_t		*data;
};

struct net;

struct side {
	struct net	*net;
	int		 id;
	struct utp	*u;
	const uint8_t	*src;		/* what this side writes */
	size_t		 src_len, written;
	int		 close_when_done, close_on_eof, closed;
	uint8_t		*dst;		/* what it reads */
	size_t		 dst_cap, got;
	int		 reading, read_r;
};

struct net {
	uint64_t	 now_us, rng, order;
	uint32_t	 delay_us;	/* one way */
	uint32_t	 loss_permille, reorder_permille, jitter_us;
	uint64_t	 rate_bps;	/* bytes per second; 0: unlimited */
	uint64_t	 queue_us;	/* bottleneck queue, in time */
	uint64_t	 link_free_us[2];
	int		 cut[2];	/* side i's datagrams are all lost */
	unsigned	 lose_once[2];	/* side i's first of each type
					 * (1 << type) is lost */
	struct dgram	*q;
	size_t		 nq, qcap;
	struct side	 side[2];
	struct utp_config cfg[2];
	uint64_t	 sent[2], lost[2], resets_answered;
	size_t		 max_held;	/* most bytes side 1 held unread */
};

static void
net_push(struct net *n, int to, const uint8_t *p, size_t len, uint64_t at)
{
	struct dgram	*d;

	if (n->nq == n->qcap) {
		n->qcap = n->qcap ? 2 * n->qcap : 1024;
		n->q = realloc(n->q, n->qcap * sizeof(*n->q));
		assert_non_null(n->q);
	}
	d = &n->q[n->nq++];
	d->at_us = at;
	d->order = n->order++;
	d->to = to;
	d->len = len;
	d->data = malloc(len);
	assert_non_null(d->data);
	memcpy(d->data, p, len);
}

/* The send callback: loss, then the bottleneck (serialisation and a
 * tail-drop queue), then the delay, plus jitter for reordering. */
static void
net_send(void *arg, const uint8_t *p, size_t len)
{
	struct side		*s = arg;
	struct net		*n = s->net;
	struct utp_packet	 pkt;
	uint64_t		 depart = n->now_us, at;

	n->sent[s->id]++;
	if (n->lose_once[s->id] != 0 && utp_packet_decode(p, len, &pkt) ==
	    BT_OK && (n->lose_once[s->id] & 1u << pkt.type)) {
		n->lose_once[s->id] &= ~(1u << pkt.type);
		n->lost[s->id]++;
		return;
	}
	if (n->cut[s->id] || rng_below(&n->rng, 1000) < n->loss_permille) {
		n->lost[s->id]++;
		return;
	}
	if (n->rate_bps != 0) {
		if (n->link_free_us[s->id] > depart)
			depart = n->link_free_us[s->id];
		if (depart - n->now_us > n->queue_us) {
			n->lost[s->id]++;
			return;
		}
		n->link_free_us[s->id] = depart + len * SEC / n->rate_bps;
	}
	at = depart + n->delay_us;
	if (n->jitter_us && rng_below(&n->rng, 1000) < n->reorder_permille)
		at += rng_below(&n->rng, n->jitter_us);
	net_push(n, 1 - s->id, p, len, at);
}

static void
net_init(struct net *n, uint64_t seed)
{
	int	i;

	memset(n, 0, sizeof(*n));
	n->rng = seed;
	n->delay_us = 10 * MS;
	for (i = 0; i < 2; i++) {
		n->side[i].net = n;
		n->side[i].id = i;
		n->cfg[i].send = net_send;
		n->cfg[i].arg = &n->side[i];
	}
}

static void
net_cleanup(struct net *n)
{
	size_t	i;

	for (i = 0; i < n->nq; i++)
		free(n->q[i].data);
	free(n->q);
	utp_free(n->side[0].u);
	utp_free(n->side[1].u);
}

/* Side 1 is the acceptor: a SYN opens its connection; a packet for no
 * connection is answered with a RESET, as the session will do. */
static void
net_deliver(struct net *n, const struct dgram *d)
{
	struct side		*s = &n->side[d->to];
	struct utp_packet	 p;
	struct bbuf		 rst;
	int			 r;

	/* UTP_TRACE=1 in the environment prints every datagram delivered */
	if (getenv("UTP_TRACE") != NULL &&
	    utp_packet_decode(d->data, d->len, &p) == BT_OK)
		printf("%.6f ->%d %s seq %u ack %u wnd %u len %zu sack %zu\n",
		    (double)n->now_us / SEC, d->to,
		    utp_packet_type_name(p.type), p.seq_nr, p.ack_nr, p.wnd,
		    p.payload_len, p.sack_len);
	if (s->u != NULL) {
		r = utp_input(s->u, d->data, d->len, n->now_us);
		assert_true(r == BT_OK || r == BT_ERR_INVALID);
		return;
	}
	assert_int_equal(utp_packet_decode(d->data, d->len, &p), BT_OK);
	if (p.type == UTP_ST_SYN && d->to == 1) {
		assert_int_equal(utp_new_incoming(&n->cfg[1], d->data, d->len,
		    (uint16_t)rng_next(&n->rng), n->now_us, &s->u), BT_OK);
		return;
	}
	bbuf_init(&rst, 100);
	if (utp_demux_reset(&p, (uint16_t)rng_next(&n->rng), &rst) == BT_OK) {
		n->resets_answered++;
		net_push(n, 1 - d->to, bbuf_ptr(&rst), bbuf_len(&rst),
		    n->now_us + n->delay_us);
	}
	bbuf_cleanup(&rst);
}

static void
app_run(struct net *n, struct side *s)
{
	size_t	k;
	int	r;

	if (s->u == NULL)
		return;
	while (s->written < s->src_len) {
		r = utp_write(s->u, s->src + s->written,
		    s->src_len - s->written, n->now_us, &k);
		if (r != BT_OK || k == 0)
			break;
		s->written += k;
	}
	/* libutp's close ends the connection once our FIN is acked, reading
	 * too: close when both directions are done */
	if (s->close_when_done && !s->closed && s->written == s->src_len &&
	    s->got == s->dst_cap && utp_state(s->u) == UTP_STATE_CONNECTED) {
		utp_close(s->u, n->now_us);
		s->closed = 1;
	}
	if (utp_readable(s->u) + 0 > n->max_held && s->id == 1)
		n->max_held = utp_readable(s->u);
	while (s->reading && s->got < s->dst_cap) {
		r = utp_read(s->u, s->dst + s->got, s->dst_cap - s->got,
		    n->now_us, &k);
		if (r != BT_OK)
			s->read_r = r;
		if (r != BT_OK || k == 0)
			break;
		s->got += k;
	}
	if (s->reading && s->got == s->dst_cap && s->read_r == BT_OK &&
	    utp_readable(s->u) == 0) {
		r = utp_read(s->u, NULL, 0, n->now_us, &k);
		if (r != BT_OK)
			s->read_r = r;
	}
	if (s->close_on_eof && !s->closed && s->read_r == BT_ERR_CLOSED) {
		utp_close(s->u, n->now_us);
		s->closed = 1;
	}
}

static uint64_t
side_deadline(const struct side *s)
{
	return s->u != NULL ? utp_deadline_us(s->u) : UINT64_MAX;
}

typedef int	net_goal(const struct net *);

/* Both apps read and write what they can, then the deferred acks go:
 * what the session does after draining the socket. */
static void
apps_run(struct net *n)
{
	int	k;

	for (k = 0; k < 2; k++) {
		app_run(n, &n->side[k]);
		if (n->side[k].u != NULL)
			utp_flush(n->side[k].u, n->now_us);
	}
}

/* Delivers every datagram due by now, in the order they were sent. */
static void
deliver_due(struct net *n)
{
	struct dgram	d;
	size_t		i, best;

	while (n->nq > 0) {
		for (best = 0, i = 1; i < n->nq; i++)
			if (n->q[i].at_us < n->q[best].at_us ||
			    (n->q[i].at_us == n->q[best].at_us &&
			    n->q[i].order < n->q[best].order))
				best = i;
		if (n->q[best].at_us > n->now_us)
			return;
		d = n->q[best];
		n->q[best] = n->q[--n->nq];
		net_deliver(n, &d);
		free(d.data);
	}
}

/* Runs the network until goal() or the clock passes limit_us: the clock
 * jumps to the next datagram or timer; datagrams due are delivered, the
 * apps run, acks go, then the timers that are due run (and the apps
 * again: a timer may have opened a window). */
static int
net_run(struct net *n, uint64_t limit_us, net_goal *goal)
{
	uint64_t	t;
	size_t		i, iter = 0;
	int		k;

	apps_run(n);
	while (!goal(n)) {
		assert_true(++iter < 20000000);
		t = UINT64_MAX;
		for (i = 0; i < n->nq; i++)
			if (n->q[i].at_us < t)
				t = n->q[i].at_us;
		for (k = 0; k < 2; k++)
			if (side_deadline(&n->side[k]) < t)
				t = side_deadline(&n->side[k]);
		if (t > limit_us) {
			n->now_us = limit_us;	/* time passes, quietly */
			return 0;
		}
		if (t > n->now_us)
			n->now_us = t;
		deliver_due(n);
		apps_run(n);
		for (k = 0; k < 2; k++)
			if (n->side[k].u != NULL &&
			    side_deadline(&n->side[k]) <= n->now_us)
				utp_tick(n->side[k].u, n->now_us);
		apps_run(n);
	}
	return 1;
}

static uint8_t *
random_bytes(uint64_t *rng, size_t len)
{
	uint8_t		*p = malloc(len);
	size_t		 i;
	uint64_t	 v = 0;

	assert_non_null(p);
	for (i = 0; i < len; i++) {
		if (i % 8 == 0)
			v = rng_next(rng);
		p[i] = (uint8_t)(v >> (8 * (i % 8)));
	}
	return p;
}

/* Side 0 dials side 1 (ids and sequence numbers chosen to wrap soon),
 * side s0 sends len0 bytes, side 1 len1 bytes; both close when done
 * writing and on the other's FIN. */
static void
transfer_setup(struct net *n, size_t len0, size_t len1, uint16_t recv_id,
    uint16_t seq)
{
	uint64_t	rng = n->rng ^ 0x5eed;
	int		i;
	size_t		len[2] = { len0, len1 };

	for (i = 0; i < 2; i++) {
		struct side	*s = &n->side[i];

		s->src = len[i] ? random_bytes(&rng, len[i]) : NULL;
		s->src_len = len[i];
		s->dst_cap = len[1 - i];
		s->dst = malloc(s->dst_cap + 1);
		assert_non_null(s->dst);
		s->reading = 1;
		s->close_when_done = 1;
		s->close_on_eof = 1;
	}
	assert_int_equal(utp_new_outgoing(&n->cfg[0], recv_id, seq, n->now_us,
	    &n->side[0].u), BT_OK);
}

static void
transfer_cleanup(struct net *n)
{
	int	i;

	for (i = 0; i < 2; i++) {
		free((void *)(uintptr_t)n->side[i].src);
		free(n->side[i].dst);
	}
	net_cleanup(n);
}

static int
goal_both_over(const struct net *n)
{
	return n->side[0].u != NULL && n->side[1].u != NULL &&
	    utp_is_over(n->side[0].u) && utp_is_over(n->side[1].u);
}

static int
goal_connected(const struct net *n)
{
	return n->side[1].u != NULL &&
	    utp_state(n->side[0].u) == UTP_STATE_CONNECTED;
}

/* Both sides got every byte the other wrote, then both ended CLOSED. */
static void
check_transfer(const char *name, struct net *n)
{
	struct utp_stats	st0, st1;
	uint64_t		bytes;
	int			i;

	for (i = 0; i < 2; i++) {
		struct side	*s = &n->side[i], *o = &n->side[1 - i];

		if (s->got != o->src_len ||
		    (s->got && memcmp(s->dst, o->src, s->got) != 0))
			fail_msg("%s: side %d got %zu of %zu bytes%s", name, i,
			    s->got, o->src_len, s->got == o->src_len ?
			    ", not the same" : "");
		assert_int_equal(s->read_r, BT_ERR_CLOSED);
		if (utp_state(s->u) != UTP_STATE_CLOSED)
			fail_msg("%s: side %d ends %s", name, i,
			    utp_state_name(utp_state(s->u)));
	}
	utp_get_stats(n->side[0].u, &st0);
	utp_get_stats(n->side[1].u, &st1);
	bytes = n->side[0].src_len + n->side[1].src_len;
	printf("%s: %llu bytes in %.3f s simulated, %.2f MB/s; sent %llu/%llu "
	    "pkts (lost %llu/%llu), resent %llu fast %llu timeouts %llu, "
	    "rtt %u us, window %zu\n", name, (unsigned long long)bytes,
	    (double)n->now_us / SEC, (double)bytes / ((double)n->now_us /
	    SEC) / 1e6, (unsigned long long)n->sent[0],
	    (unsigned long long)n->sent[1], (unsigned long long)n->lost[0],
	    (unsigned long long)n->lost[1],
	    (unsigned long long)st0.pkts_resent + st1.pkts_resent,
	    (unsigned long long)st0.fast_resends + st1.fast_resends,
	    (unsigned long long)st0.timeouts + st1.timeouts, st0.rtt_us,
	    st0.max_window);
}

static void
test_handshake(void **state)
{
	struct net	n;

	(void)state;
	net_init(&n, 1);
	transfer_setup(&n, 0, 0, 0xffff, 0xffff);	/* ids wrap: 0 */
	n.side[0].close_when_done = n.side[1].close_when_done = 0;
	assert_true(net_run(&n, 5 * SEC, goal_connected));
	n.side[0].close_when_done = n.side[1].close_when_done = 1;
	assert_int_equal(utp_recv_id(n.side[0].u), 0xffff);
	/* BEP 29: the acceptor receives on the SYN's id + 1 */
	assert_int_equal(utp_recv_id(n.side[1].u), 0x0000);
	assert_int_equal(utp_state(n.side[1].u), UTP_STATE_CONNECTED);
	/* nothing to send: both close, then are over */
	assert_true(net_run(&n, 60 * SEC, goal_both_over));
	check_transfer("handshake", &n);
	transfer_cleanup(&n);
}

static void
test_bulk(void **state)
{
	struct net	n;

	(void)state;
	net_init(&n, 2);
	n.rate_bps = 20 * 1000 * 1000;
	n.queue_us = 300 * MS;
	transfer_setup(&n, 4 * 1024 * 1024, 0, 1234, 65000);
	assert_true(net_run(&n, 600 * SEC, goal_both_over));
	check_transfer("bulk 4 MiB, 20 ms rtt, 20 MB/s", &n);
	transfer_cleanup(&n);
}

static void
test_both_ways(void **state)
{
	struct net	n;

	(void)state;
	net_init(&n, 3);
	n.rate_bps = 10 * 1000 * 1000;
	n.queue_us = 300 * MS;
	transfer_setup(&n, 1536 * 1024, 1024 * 1024, 40000, 65500);
	assert_true(net_run(&n, 600 * SEC, goal_both_over));
	check_transfer("both ways", &n);
	transfer_cleanup(&n);
}

/* The acceptor's STATE and its first DATA are lost while it has more to
 * send.  Its DATA waits for the dialler, so the STATE that answers the
 * SYN's re-send still names the first DATA.  (A seed of the lossy run
 * found the acceptor sending at once: its re-sent STATE named its next
 * seq, and the dialler acked the lost DATA it never saw.) */
static void
test_syn_reply_lost(void **state)
{
	struct net	n;

	(void)state;
	net_init(&n, 6);
	n.lose_once[1] = 1u << UTP_ST_STATE | 1u << UTP_ST_DATA;
	transfer_setup(&n, 8 * 1024, 64 * 1024, 1000, 2000);
	assert_true(net_run(&n, 60 * SEC, goal_both_over));
	check_transfer("SYN's reply lost", &n);
	assert_int_equal(n.lost[1], 2);
	transfer_cleanup(&n);
}

static void
lossy(uint64_t seed, uint32_t loss_permille)
{
	struct net		n;
	struct utp_stats	st;
	char			name[64];

	printf("lossy seed %llu\n", (unsigned long long)seed);
	net_init(&n, seed);
	n.rate_bps = 10 * 1000 * 1000;
	n.queue_us = 200 * MS;
	n.reorder_permille = 50;
	n.jitter_us = 30 * MS;
	transfer_setup(&n, 2 * 1024 * 1024, 64 * 1024,
	    (uint16_t)rng_next(&n.rng), (uint16_t)rng_next(&n.rng));
	/* the loss starts after the handshake: two SYNs both unanswered
	 * fail the dial (about 1 % at 5 %), which test_dial_failures and
	 * test_syn_reply_lost cover; here it would only make a flaky test */
	assert_true(net_run(&n, 5 * SEC, goal_connected));
	n.loss_permille = loss_permille;
	assert_true(net_run(&n, 1200 * SEC, goal_both_over));
	snprintf(name, sizeof(name), "%u.%u%% loss, 5%% reordered, seed %llu",
	    loss_permille / 10, loss_permille % 10, (unsigned long long)seed);
	check_transfer(name, &n);
	utp_get_stats(n.side[0].u, &st);
	assert_true(st.pkts_resent > 0);
	transfer_cleanup(&n);
}

static void
test_loss_and_reorder(void **state)
{
	const char	*env = getenv("UTP_SEED");

	(void)state;
	lossy(4, 50);
	lossy(5, 50);
	/* A new seed each run, at 3 %: five losses in a row of one packet
	 * (its re-send and four time-outs) end a connection, as in libutp,
	 * and at 5 % about one seed in 400 met that.  UTP_SEED=n in the
	 * environment replays the run of seed n. */
	lossy(env != NULL ? strtoull(env, NULL, 10) : (uint64_t)time(NULL),
	    30);
}

static int
goal_stalled(const struct net *n)
{
	return n->now_us >= 5 * SEC;
}

static int
goal_stalled_long(const struct net *n)
{
	return n->now_us >= 25 * SEC;
}

static int
goal_received_all(const struct net *n)
{
	return n->side[1].got == n->side[1].dst_cap;
}

/* A receiver that stops reading: its buffer fills to recv_buf and no
 * further, the sender stops at the advertised window, and once the
 * receiver reads again (its window update) everything arrives. */
static void
test_window_limits(void **state)
{
	struct net		n;
	struct utp_stats	st;
	size_t			k;
	uint64_t		sent;

	(void)state;
	net_init(&n, 6);
	n.cfg[1].recv_buf = 64 * 1024;
	n.cfg[0].send_buf = 32 * 1024;
	transfer_setup(&n, 1024 * 1024, 0, 77, 88);
	n.side[1].reading = 0;
	/* the send buffer bounds what is queued, even before connecting */
	assert_int_equal(utp_write(n.side[0].u, n.side[0].src, 100000, 0, &k),
	    BT_OK);
	assert_int_equal(k, 32 * 1024);
	assert_int_equal(utp_writable(n.side[0].u), 0);
	n.side[0].written = k;
	net_run(&n, 5 * SEC, goal_stalled);
	assert_int_equal(n.max_held, 64 * 1024);
	assert_int_equal(utp_readable(n.side[1].u), 64 * 1024);
	utp_get_stats(n.side[0].u, &st);
	assert_true(st.peer_wnd < UTP_MSS_MIN);
	assert_int_equal(st.cur_window, 0);
	assert_int_equal(utp_state(n.side[0].u), UTP_STATE_CONNECTED);
	/* after 15 s of a closed window the sender probes with one packet;
	 * the full receiver drops it and says its window is still 0 */
	sent = n.sent[0];
	net_run(&n, 25 * SEC, goal_stalled_long);
	assert_true(n.sent[0] > sent);
	assert_int_equal(utp_readable(n.side[1].u), 64 * 1024);
	assert_int_equal(utp_state(n.side[0].u), UTP_STATE_CONNECTED);
	n.side[1].reading = 1;
	assert_true(net_run(&n, 600 * SEC, goal_received_all));
	assert_true(n.max_held <= 64 * 1024);
	assert_true(net_run(&n, 700 * SEC, goal_both_over));
	check_transfer("receiver stops reading", &n);
	transfer_cleanup(&n);
}

static int
goal_half(const struct net *n)
{
	return n->side[1].got >= n->side[1].dst_cap / 2;
}

static int
goal_side0_over(const struct net *n)
{
	return utp_is_over(n->side[0].u);
}

/* The acceptor aborts mid-transfer: the sender sees the RESET.  Then the
 * acceptor forgets a connection: the stranger's RESET ends it too. */
static void
test_reset_midway(void **state)
{
	struct net	n;
	size_t		k;
	uint8_t		b;

	(void)state;
	net_init(&n, 7);
	transfer_setup(&n, 1024 * 1024, 0, 500, 600);
	n.side[0].close_when_done = 0;
	assert_true(net_run(&n, 60 * SEC, goal_half));
	utp_abort(n.side[1].u, n.now_us);
	assert_true(net_run(&n, 60 * SEC, goal_side0_over));
	assert_int_equal(utp_state(n.side[0].u), UTP_STATE_RESET);
	assert_int_equal(utp_write(n.side[0].u, "x", 1, n.now_us, &k),
	    BT_ERR_CLOSED);
	assert_int_equal(utp_read(n.side[0].u, &b, 1, n.now_us, &k),
	    BT_ERR_CLOSED);
	transfer_cleanup(&n);

	net_init(&n, 8);
	transfer_setup(&n, 1024 * 1024, 0, 500, 600);
	n.side[0].close_when_done = 0;
	assert_true(net_run(&n, 60 * SEC, goal_half));
	utp_free(n.side[1].u);
	n.side[1].u = NULL;
	n.side[1].reading = 0;
	assert_true(net_run(&n, 60 * SEC, goal_side0_over));
	assert_int_equal(utp_state(n.side[0].u), UTP_STATE_RESET);
	assert_true(n.resets_answered > 0);
	transfer_cleanup(&n);
}

/* The link goes dead mid-transfer: the sender times out after its
 * re-sends, the receiver (nothing in flight) after its idle limit. */
static void
test_cut_link(void **state)
{
	struct net		n;
	struct utp_stats	st;

	(void)state;
	net_init(&n, 9);
	transfer_setup(&n, 1024 * 1024, 0, 500, 600);
	n.side[0].close_when_done = 0;
	assert_true(net_run(&n, 60 * SEC, goal_half));
	n.cut[0] = n.cut[1] = 1;
	assert_true(net_run(&n, 400 * SEC, goal_both_over));
	assert_int_equal(utp_state(n.side[0].u), UTP_STATE_TIMEOUT);
	assert_int_equal(utp_state(n.side[1].u), UTP_STATE_TIMEOUT);
	utp_get_stats(n.side[0].u, &st);
	assert_true(st.timeouts >= 4);
	assert_true(n.side[1].got < n.side[1].dst_cap);
	transfer_cleanup(&n);
}

/* A dialler with nobody there: SYN re-sent, then TIMEOUT; the same with
 * a stranger answering RESET: refused at once. */
static void
test_dial_failures(void **state)
{
	struct net	n;

	(void)state;
	net_init(&n, 10);
	n.cut[0] = 1;
	transfer_setup(&n, 10, 0, 1, 2);
	assert_true(net_run(&n, 60 * SEC, goal_side0_over));
	assert_int_equal(utp_state(n.side[0].u), UTP_STATE_TIMEOUT);
	assert_int_equal(n.sent[0], 2);		/* the SYN, re-sent once */
	transfer_cleanup(&n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outgoing_syn),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_syn_sent_table),
		cmocka_unit_test(test_incoming_handshake),
		cmocka_unit_test(test_incoming_data_table),
		cmocka_unit_test(test_reset_and_abort),
		cmocka_unit_test(test_window_growth_and_dup_acks),
		cmocka_unit_test(test_selective_ack_resend),
		cmocka_unit_test(test_ledbat),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_close),
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_both_ways),
		cmocka_unit_test(test_syn_reply_lost),
		cmocka_unit_test(test_loss_and_reorder),
		cmocka_unit_test(test_window_limits),
		cmocka_unit_test(test_reset_midway),
		cmocka_unit_test(test_cut_link),
		cmocka_unit_test(test_dial_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
