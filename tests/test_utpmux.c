/*
 * test_utpmux: the table of uTP connections, over an in-memory network
 * with a simulated clock: each mux's send callback queues the datagram
 * (one-way delay 5 ms, optionally every Nth one lost) and the test
 * delivers it with utpmux_input, then flushes, runs the applications and
 * ticks what is due, as the session does after a drained socket.
 * Connect and accept, a refusal, 1 MiB both ways under 5 % loss,
 * release, the RESET for a stranger, max_conns, a re-sent SYN that must
 * not open a second connection, two peers with the same connection id,
 * and free.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <sys/socket.h>

#include "engine/caddr.h"
#include "engine/rng.h"
#include "engine/utp.h"
#include "engine/utp_packet.h"
#include "engine/utpmux.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define MS		1000ull
#define SEC		1000000ull
#define NSIDES		3
#define DELAY_US	(5 * MS)

struct dgram {
	uint64_t	 at_us;
	struct caddr	 from, to;
	size_t		 len;
	uint8_t		*data;
};

struct net;

/* One host: its mux and the one connection its application drives. */
struct side {
	struct net	*net;
	struct caddr	 addr;
	struct utpmux	*m;
	int		 accept_ret;	/* what accept answers */
	size_t		 naccepted;
	struct caddr	 accepted_from;
	struct utp	*acc[4];	/* the first ones it took */
	struct utp	*u;		/* the application's */
	const uint8_t	*src;		/* what it writes */
	size_t		 src_len, written;
	uint8_t		*dst;		/* what it reads */
	size_t		 dst_cap, got;
	int		 released;
	uint64_t	 sent;		/* datagrams it sent */
	struct utp_packet last;		/* the last one, decoded */
	uint8_t		 last_bytes[2048];
};

struct net {
	uint64_t	 now_us;
	struct side	 side[NSIDES];
	struct dgram	*q;
	size_t		 head, nq, qcap;
	unsigned	 drop_every;	/* every Nth datagram lost; 0: none */
	uint64_t	 pushed, dropped;
	int		 drop_next_from[NSIDES];	/* lose side i's next */
};

static void
net_send(void *arg, const struct caddr *to, const uint8_t *p, size_t n)
{
	struct side	*s = arg;
	struct net	*net = s->net;
	struct dgram	*d;
	int		 i = (int)(s - net->side);

	s->sent++;
	assert_true(n <= sizeof(s->last_bytes));
	memcpy(s->last_bytes, p, n);
	assert_int_equal(utp_packet_decode(s->last_bytes, n, &s->last), BT_OK);
	net->pushed++;
	if (net->drop_next_from[i]) {
		net->drop_next_from[i]--;
		net->dropped++;
		return;
	}
	if (net->drop_every != 0 && net->pushed % net->drop_every == 0) {
		net->dropped++;
		return;
	}
	if (net->nq == net->qcap) {
		net->qcap = net->qcap ? 2 * net->qcap : 1024;
		net->q = realloc(net->q, net->qcap * sizeof(*net->q));
		assert_non_null(net->q);
	}
	d = &net->q[net->nq++];
	d->at_us = net->now_us + DELAY_US;
	d->from = s->addr;
	d->to = *to;
	d->len = n;
	d->data = malloc(n);
	assert_non_null(d->data);
	memcpy(d->data, p, n);
}

static int
on_accept(void *arg, struct utp *u, const struct caddr *from)
{
	struct side	*s = arg;

	s->naccepted++;
	s->accepted_from = *from;
	if (s->accept_ret && s->naccepted <= 4)
		s->acc[s->naccepted - 1] = u;
	if (s->accept_ret && s->u == NULL)
		s->u = u;
	return s->accept_ret;
}

static void
side_open(struct net *net, int i, size_t max_conns, uint64_t seed)
{
	struct utpmux_config	 c;
	struct side		*s = &net->side[i];

	memset(&c, 0, sizeof(c));
	c.arg = s;
	c.send = net_send;
	c.accept = on_accept;
	c.seed = seed;
	c.max_conns = max_conns;
	assert_int_equal(utpmux_new(&c, &s->m), BT_OK);
}

static void
net_init(struct net *net)
{
	int	i;

	memset(net, 0, sizeof(*net));
	net->now_us = 1 * SEC;
	for (i = 0; i < NSIDES; i++) {
		struct side *s = &net->side[i];

		s->net = net;
		s->accept_ret = 1;
		assert_int_equal(caddr_from_bytes((const uint8_t *)
		    "\x7f\0\0\x01", 4, (uint16_t)(1000 * (i + 1)), &s->addr),
		    BT_OK);
		side_open(net, i, 0, 100 + (uint64_t)i);
	}
}

static void
net_cleanup(struct net *net)
{
	size_t	i;

	/* the muxes first: they send their RESETs into the queue */
	for (i = 0; i < NSIDES; i++) {
		utpmux_free(net->side[i].m);
		free((void *)(uintptr_t)net->side[i].src);
		free(net->side[i].dst);
	}
	for (i = net->head; i < net->nq; i++)
		free(net->q[i].data);
	free(net->q);
}

static struct side *
side_at(struct net *net, const struct caddr *a)
{
	int	i;

	for (i = 0; i < NSIDES; i++)
		if (caddr_equal(&net->side[i].addr, a))
			return &net->side[i];
	return NULL;
}

/* Every datagram due by now, in the order sent (one delay for all, so
 * the queue is in time order), then each mux's flush: a drained socket. */
static void
deliver_due(struct net *net)
{
	struct dgram	 d;
	struct side	*s;
	int		 i;

	while (net->head < net->nq && net->q[net->head].at_us <=
	    net->now_us) {
		d = net->q[net->head++];
		if ((s = side_at(net, &d.to)) != NULL && s->m != NULL)
			utpmux_input(s->m, &d.from, d.data, d.len,
			    net->now_us);
		free(d.data);
	}
	if (net->head == net->nq)
		net->head = net->nq = 0;
	for (i = 0; i < NSIDES; i++)
		if (net->side[i].m != NULL)
			utpmux_flush(net->side[i].m, net->now_us);
}

/* The application: writes what it can, reads what came, and lets go of
 * its connection once both directions are done (or it is over). */
static void
app_run(struct net *net, struct side *s)
{
	size_t	k;

	if (s->u == NULL || s->m == NULL || s->released)
		return;
	while (s->written < s->src_len && utp_write(s->u, s->src + s->written,
	    s->src_len - s->written, net->now_us, &k) == BT_OK && k > 0)
		s->written += k;
	while (s->got < s->dst_cap && utp_read(s->u, s->dst + s->got,
	    s->dst_cap - s->got, net->now_us, &k) == BT_OK && k > 0)
		s->got += k;
	if (s->dst != NULL && ((s->written == s->src_len &&
	    s->got == s->dst_cap) || utp_is_over(s->u))) {
		utpmux_release(s->m, s->u, net->now_us);
		s->released = 1;
	}
}

typedef int	goal_fn(const struct net *);

/* Runs the clock from event to event until goal or limit_us. */
static int
net_run(struct net *net, uint64_t limit_us, goal_fn *goal)
{
	uint64_t	t, d;
	int		i, iter = 0;

	while (!goal(net)) {
		assert_true(++iter < 10000000);
		t = net->head < net->nq ? net->q[net->head].at_us : UINT64_MAX;
		for (i = 0; i < NSIDES; i++)
			if (net->side[i].m != NULL &&
			    (d = utpmux_deadline_us(net->side[i].m)) < t)
				t = d;
		if (t > limit_us) {
			net->now_us = limit_us;
			return 0;
		}
		if (t > net->now_us)
			net->now_us = t;
		deliver_due(net);
		for (i = 0; i < NSIDES; i++)
			app_run(net, &net->side[i]);
		for (i = 0; i < NSIDES; i++)
			if (net->side[i].m != NULL &&
			    utpmux_deadline_us(net->side[i].m) <= net->now_us)
				utpmux_tick(net->side[i].m, net->now_us);
		for (i = 0; i < NSIDES; i++)
			app_run(net, &net->side[i]);
	}
	return 1;
}

static int
goal_connected(const struct net *net)
{
	return net->side[0].u != NULL &&
	    utp_state(net->side[0].u) != UTP_STATE_SYN_SENT;
}

static int
goal_quiet(const struct net *net)
{
	return net->head == net->nq;
}

static int
goal_tables_empty(const struct net *net)
{
	int	i;

	for (i = 0; i < NSIDES; i++)
		if (net->side[i].m != NULL &&
		    utpmux_count(net->side[i].m) != 0)
			return 0;
	return 1;
}

static void
dial(struct net *net, int from, int to)
{
	assert_int_equal(utpmux_connect(net->side[from].m,
	    &net->side[to].addr, net->now_us, &net->side[from].u), BT_OK);
}

static void
test_connect_accept(void **state)
{
	struct net	net;

	(void)state;
	net_init(&net);
	dial(&net, 0, 1);
	assert_int_equal(utpmux_count(net.side[0].m), 1);
	assert_int_equal(net.side[0].last.type, UTP_ST_SYN);
	assert_true(net_run(&net, 5 * SEC, goal_connected));
	assert_int_equal(utp_state(net.side[0].u), UTP_STATE_CONNECTED);
	assert_int_equal(net.side[1].naccepted, 1);
	assert_true(caddr_equal(&net.side[1].accepted_from,
	    &net.side[0].addr));
	assert_non_null(net.side[1].u);
	assert_int_equal(utp_state(net.side[1].u), UTP_STATE_CONNECTED);
	/* BEP 29: the acceptor receives on the dialler's id + 1 */
	assert_int_equal(utp_recv_id(net.side[1].u),
	    (uint16_t)(utp_recv_id(net.side[0].u) + 1));
	assert_int_equal(utpmux_count(net.side[1].m), 1);
	net_cleanup(&net);
}

/* An ICMP port unreachable for side 1's address ends the dial to it at
 * once (RESET, for the owner's TCP fallback) and nothing else: not a
 * dial elsewhere, not a connection already up. */
static void
test_unreachable(void **state)
{
	struct net	 net;
	struct utp	*other;

	(void)state;
	net_init(&net);
	dial(&net, 0, 1);
	assert_int_equal(utpmux_connect(net.side[0].m, &net.side[2].addr,
	    net.now_us, &other), BT_OK);
	assert_int_equal(utpmux_unreachable(net.side[0].m,
	    &net.side[1].addr), 1);
	assert_int_equal(utp_state(net.side[0].u), UTP_STATE_RESET);
	assert_int_equal(utp_state(other), UTP_STATE_SYN_SENT);
	utpmux_release(net.side[0].m, net.side[0].u, net.now_us);
	net.side[0].u = NULL;
	assert_int_equal(utpmux_count(net.side[0].m), 1);	/* other */
	utpmux_release(net.side[0].m, other, net.now_us);
	/* connected: left alone */
	dial(&net, 0, 1);
	assert_true(net_run(&net, 5 * SEC, goal_connected));
	assert_int_equal(utpmux_unreachable(net.side[0].m,
	    &net.side[1].addr), 0);
	assert_int_equal(utp_state(net.side[0].u), UTP_STATE_CONNECTED);
	net_cleanup(&net);
}

/* A refused SYN gets a RESET and nothing else: no STATE first. */
static void
test_refuse(void **state)
{
	struct net	net;

	(void)state;
	net_init(&net);
	net.side[1].accept_ret = 0;
	dial(&net, 0, 1);
	assert_true(net_run(&net, 5 * SEC, goal_connected));
	assert_int_equal(utp_state(net.side[0].u), UTP_STATE_RESET);
	assert_int_equal(net.side[1].naccepted, 1);
	assert_int_equal(net.side[1].sent, 1);
	assert_int_equal(net.side[1].last.type, UTP_ST_RESET);
	assert_int_equal(utpmux_count(net.side[1].m), 0);
	/* over, not yet released: still in the dialler's table */
	assert_int_equal(utpmux_count(net.side[0].m), 1);
	utpmux_release(net.side[0].m, net.side[0].u, net.now_us);
	assert_int_equal(utpmux_count(net.side[0].m), 0);
	net_cleanup(&net);
}

static uint8_t *
random_bytes(uint64_t seed, size_t len)
{
	uint8_t		*p = malloc(len);
	uint64_t	 v = 0;
	size_t		 i;

	assert_non_null(p);
	for (i = 0; i < len; i++) {
		if (i % 8 == 0)
			v = rng_next(&seed);
		p[i] = (uint8_t)(v >> (8 * (i % 8)));
	}
	return p;
}

static void
app_setup(struct side *s, uint64_t seed, size_t out_len, size_t in_len)
{
	s->src = random_bytes(seed, out_len);
	s->src_len = out_len;
	s->dst = malloc(in_len + 1);
	assert_non_null(s->dst);
	s->dst_cap = in_len;
}

static void
transfer(unsigned drop_every, size_t len)
{
	struct net	net;
	int		i;

	net_init(&net);
	net.drop_every = drop_every;
	app_setup(&net.side[0], 1, len, len);
	app_setup(&net.side[1], 2, len, len);
	dial(&net, 0, 1);
	assert_true(net_run(&net, 600 * SEC, goal_tables_empty));
	for (i = 0; i < 2; i++) {
		const struct side *s = &net.side[i], *o = &net.side[1 - i];

		if (s->got != o->src_len || memcmp(s->dst, o->src, s->got) != 0)
			fail_msg("side %d got %zu of %zu bytes%s", i, s->got,
			    o->src_len, s->got == o->src_len ? ", not the same"
			    : "");
		assert_true(s->released);
	}
	assert_int_equal(net.side[1].naccepted, 1);
	printf("%zu bytes both ways, 1 datagram in %u lost (0: none): "
	    "%.3f s simulated, %llu datagrams, %llu lost\n", len, drop_every,
	    (double)(net.now_us - 1 * SEC) / SEC,
	    (unsigned long long)net.pushed, (unsigned long long)net.dropped);
	if (drop_every != 0)
		assert_true(net.dropped >= net.pushed / drop_every);
	net_cleanup(&net);
}

static void
test_transfer(void **state)
{
	(void)state;
	transfer(0, 1024 * 1024);
	transfer(20, 1024 * 1024);	/* 5 % */
}

/* Released while dialling: a RESET and freed at once.  Released with data
 * queued: kept until its FIN is acked.  Over but not released: kept. */
static void
test_release(void **state)
{
	struct net	 net;
	struct utp	*u;
	size_t		 k;
	uint64_t	 sent;

	(void)state;
	net_init(&net);
	dial(&net, 0, 1);
	sent = net.side[0].sent;
	utpmux_release(net.side[0].m, net.side[0].u, net.now_us);
	assert_int_equal(utpmux_count(net.side[0].m), 0);
	assert_int_equal(net.side[0].sent, sent + 1);
	assert_int_equal(net.side[0].last.type, UTP_ST_RESET);
	net.side[0].u = NULL;
	/* the SYN and its RESET cross: the acceptor's connection ends */
	assert_true(net_run(&net, 5 * SEC, goal_quiet));
	assert_int_equal(net.side[1].naccepted, 1);
	assert_int_equal(utp_state(net.side[1].u), UTP_STATE_RESET);
	utpmux_release(net.side[1].m, net.side[1].u, net.now_us);
	assert_int_equal(utpmux_count(net.side[1].m), 0);
	net.side[1].u = NULL;

	dial(&net, 0, 1);
	assert_true(net_run(&net, 5 * SEC, goal_connected));
	u = net.side[0].u;
	assert_int_equal(utp_write(u, "hello", 5, net.now_us, &k), BT_OK);
	utpmux_release(net.side[0].m, u, net.now_us);
	net.side[0].u = NULL;
	assert_int_equal(utpmux_count(net.side[0].m), 1);	/* closing */
	assert_true(net_run(&net, 30 * SEC, goal_quiet));
	assert_int_equal(utpmux_count(net.side[0].m), 0);
	/* the acceptor got the bytes and the FIN; it is done but keeps its
	 * connection until it lets go */
	{
		char	buf[16];

		assert_int_equal(utp_read(net.side[1].u, buf, sizeof(buf),
		    net.now_us, &k), BT_OK);
		assert_int_equal(k, 5);
		assert_memory_equal(buf, "hello", 5);
		assert_int_equal(utp_read(net.side[1].u, buf, sizeof(buf),
		    net.now_us, &k), BT_ERR_CLOSED);
	}
	assert_int_equal(utpmux_count(net.side[1].m), 1);
	utpmux_release(net.side[1].m, net.side[1].u, net.now_us);
	assert_int_equal(utpmux_count(net.side[1].m), 0);
	net.side[1].u = NULL;

	/* a peer that never answers: the dial times out, stays listed */
	net.drop_every = 1;
	dial(&net, 0, 2);
	assert_false(net_run(&net, 120 * SEC, goal_tables_empty));
	assert_true(utp_is_over(net.side[0].u));
	assert_int_equal(utp_state(net.side[0].u), UTP_STATE_TIMEOUT);
	assert_int_equal(utpmux_count(net.side[0].m), 1);
	assert_int_equal(utpmux_deadline_us(net.side[0].m), UINT64_MAX);
	utpmux_release(net.side[0].m, net.side[0].u, net.now_us);
	assert_int_equal(utpmux_count(net.side[0].m), 0);
	net.side[0].u = NULL;
	/* a u the mux does not hold is ignored */
	utpmux_release(net.side[0].m, (struct utp *)&net, net.now_us);
	utpmux_release(net.side[0].m, NULL, net.now_us);
	net_cleanup(&net);
}

static size_t
encode(const struct utp_packet *p, uint8_t *out, size_t cap)
{
	struct bbuf	b;
	size_t		n;

	bbuf_init(&b, cap);
	assert_int_equal(utp_packet_encode(p, &b), BT_OK);
	n = bbuf_len(&b);
	memcpy(out, bbuf_ptr(&b), n);
	bbuf_cleanup(&b);
	return n;
}

/* A packet for no connection gets a RESET naming its id and seq_nr; a
 * RESET for none, or junk, gets nothing. */
static void
test_stranger(void **state)
{
	static const uint8_t	types[] = { UTP_ST_DATA, UTP_ST_STATE,
				    UTP_ST_FIN };
	struct net		net;
	struct utp_packet	p;
	uint8_t			dg[64];
	size_t			i, n;

	(void)state;
	net_init(&net);
	for (i = 0; i < sizeof(types); i++) {
		memset(&p, 0, sizeof(p));
		p.type = types[i];
		p.conn_id = 4242;
		p.seq_nr = (uint16_t)(77 + i);
		n = encode(&p, dg, sizeof(dg));
		utpmux_input(net.side[1].m, &net.side[0].addr, dg, n,
		    net.now_us);
		assert_int_equal(net.side[1].sent, i + 1);
		assert_int_equal(net.side[1].last.type, UTP_ST_RESET);
		assert_int_equal(net.side[1].last.conn_id, 4242);
		assert_int_equal(net.side[1].last.ack_nr, 77 + i);
		assert_true(caddr_equal(&net.q[net.nq - 1].to,
		    &net.side[0].addr));
	}
	p.type = UTP_ST_RESET;
	n = encode(&p, dg, sizeof(dg));
	utpmux_input(net.side[1].m, &net.side[0].addr, dg, n, net.now_us);
	utpmux_input(net.side[1].m, &net.side[0].addr,
	    (const uint8_t *)"d1:y1:qe", 8, net.now_us);
	utpmux_input(net.side[1].m, &net.side[0].addr, dg, 19, net.now_us);
	utpmux_input(net.side[1].m, &net.side[0].addr, dg, 0, net.now_us);
	assert_int_equal(net.side[1].sent, sizeof(types));
	assert_int_equal(utpmux_count(net.side[1].m), 0);
	assert_int_equal(net.side[1].naccepted, 0);
	net_cleanup(&net);
}

static void
test_max_conns(void **state)
{
	struct net	 net;
	struct utp	*u[3];
	size_t		 i;

	(void)state;
	net_init(&net);
	utpmux_free(net.side[1].m);
	side_open(&net, 1, 2, 7);
	net.side[1].accept_ret = 1;
	for (i = 0; i < 3; i++)
		assert_int_equal(utpmux_connect(net.side[0].m,
		    &net.side[1].addr, net.now_us, &u[i]), BT_OK);
	assert_true(net_run(&net, 5 * SEC, goal_quiet));
	/* the third SYN found the acceptor full: a RESET, no accept */
	assert_int_equal(net.side[1].naccepted, 2);
	assert_int_equal(utpmux_count(net.side[1].m), 2);
	assert_int_equal(utp_state(u[0]), UTP_STATE_CONNECTED);
	assert_int_equal(utp_state(u[1]), UTP_STATE_CONNECTED);
	assert_int_equal(utp_state(u[2]), UTP_STATE_RESET);
	for (i = 0; i < 3; i++)
		utpmux_release(net.side[0].m, u[i], net.now_us);
	/* a dialler at its limit refuses at once */
	assert_int_equal(utpmux_connect(net.side[1].m, &net.side[0].addr,
	    net.now_us, &u[0]), BT_ERR_LIMIT);
	assert_null(u[0]);
	assert_int_equal(utpmux_count(net.side[1].m), 2);
	net.side[1].u = NULL;	/* freed with the mux */
	net_cleanup(&net);
}

/* The acceptor's STATE is lost: the dialler sends its SYN again, which
 * must reach the same connection (one accept, one entry). */
static void
test_syn_again(void **state)
{
	struct net	net;

	(void)state;
	net_init(&net);
	net.drop_next_from[1] = 1;
	dial(&net, 0, 1);
	assert_true(net_run(&net, 10 * SEC, goal_connected));
	assert_int_equal(utp_state(net.side[0].u), UTP_STATE_CONNECTED);
	assert_int_equal(net.dropped, 1);
	assert_true(net.side[0].sent >= 2);	/* the SYN, again */
	assert_true(net.now_us >= 2 * SEC);	/* after a time-out */
	assert_int_equal(net.side[1].naccepted, 1);
	assert_int_equal(utpmux_count(net.side[1].m), 1);
	net_cleanup(&net);
}

/* Two diallers with the same seed pick the same connection id: the
 * acceptor tells them apart by address. */
static void
test_same_id_two_peers(void **state)
{
	struct net	 net;
	struct utp	*u2;
	size_t		 k;

	(void)state;
	net_init(&net);
	utpmux_free(net.side[2].m);
	side_open(&net, 2, 0, 100);	/* side 0's seed */
	net.side[2].accept_ret = 0;
	dial(&net, 0, 1);
	assert_int_equal(utpmux_connect(net.side[2].m, &net.side[1].addr,
	    net.now_us, &u2), BT_OK);
	assert_int_equal(utp_recv_id(u2), utp_recv_id(net.side[0].u));
	assert_true(net_run(&net, 5 * SEC, goal_quiet));
	assert_int_equal(net.side[1].naccepted, 2);
	assert_int_equal(utpmux_count(net.side[1].m), 2);
	assert_int_equal(utp_state(net.side[0].u), UTP_STATE_CONNECTED);
	assert_int_equal(utp_state(u2), UTP_STATE_CONNECTED);
	/* what side 2 writes reaches the second connection, not the first */
	assert_int_equal(utp_write(u2, "two", 3, net.now_us, &k), BT_OK);
	assert_true(net_run(&net, 5 * SEC, goal_quiet));
	assert_ptr_equal(net.side[1].acc[0], net.side[1].u);
	assert_int_equal(utp_readable(net.side[1].acc[0]), 0);
	assert_int_equal(utp_readable(net.side[1].acc[1]), 3);
	utpmux_release(net.side[2].m, u2, net.now_us);
	net_cleanup(&net);
}

/* Freeing a mux tells the peers (a RESET each). */
static void
test_free_resets(void **state)
{
	struct net	net;

	(void)state;
	net_init(&net);
	dial(&net, 0, 1);
	assert_true(net_run(&net, 5 * SEC, goal_connected));
	utpmux_free(net.side[0].m);
	net.side[0].m = NULL;
	net.side[0].u = NULL;
	assert_int_equal(net.side[0].last.type, UTP_ST_RESET);
	assert_true(net_run(&net, 5 * SEC, goal_quiet));
	assert_int_equal(utp_state(net.side[1].u), UTP_STATE_RESET);
	net_cleanup(&net);
}

static void
test_bad_config(void **state)
{
	struct utpmux_config	 c;
	struct utpmux		*m = (struct utpmux *)1;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(utpmux_new(&c, &m), BT_ERR_INVALID);
	assert_null(m);
	c.send = net_send;
	c.recv_buf = 10;
	assert_int_equal(utpmux_new(&c, &m), BT_ERR_INVALID);
	c.recv_buf = 0;
	assert_int_equal(utpmux_new(&c, &m), BT_OK);
	assert_int_equal(utpmux_count(m), 0);
	assert_int_equal(utpmux_deadline_us(m), UINT64_MAX);
	utpmux_free(m);
	utpmux_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_accept),
		cmocka_unit_test(test_refuse),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_transfer),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_stranger),
		cmocka_unit_test(test_max_conns),
		cmocka_unit_test(test_syn_again),
		cmocka_unit_test(test_same_id_two_peers),
		cmocka_unit_test(test_free_resets),
		cmocka_unit_test(test_bad_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
