/*
 * test_dhtnode: the DHT node driven directly with decoded KRPC messages
 * and a virtual clock.  Answers (ping, find_node with BEP 32 "want",
 * get_peers, announce_peer with implied_port, unknown methods), token
 * rotation, the per-IP rate limit, hostile input, time-outs, the bootstrap
 * back-off and the lookup queue, BEP 42, save/load; then a simulated
 * network of DHT_SIM_NODES nodes (2000; 1000 under ASan) exchanging
 * datagrams through a delay queue in one process, bootstrapped from one
 * node: every node's lookup finds the peer one node announced, and a node
 * restarted from its saved table finds it with the bootstrap node gone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dhtnode.h"
#include "engine/dhtroute.h"
#include "engine/krpc.h"
#include "engine/rng.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define MIN_MS		(60u * 1000)
#define CAP_MAX		64

/* What a node sent, for the tests that drive one node by hand. */
struct cap {
	struct krpc_msg	m[CAP_MAX];
	struct caddr	to[CAP_MAX];
	size_t		n;		/* kept (the first CAP_MAX) */
	size_t		total;
	struct caddr	peers[CAP_MAX];
	size_t		npeers;
	int		fail;		/* the send callback fails */
};

static int
cap_send(void *arg, const struct caddr *to, const struct krpc_msg *m)
{
	struct cap	*c = arg;

	c->total++;
	if (c->fail)
		return -1;
	if (c->n < CAP_MAX) {
		c->m[c->n] = *m;
		c->to[c->n++] = *to;
	}
	return 0;
}

static void
cap_peers(void *arg, const uint8_t ih[20], const struct caddr *p, size_t n)
{
	struct cap	*c = arg;
	size_t		 i;

	(void)ih;
	for (i = 0; i < n && c->npeers < CAP_MAX; i++)
		c->peers[c->npeers++] = p[i];
}

static void
cap_reset(struct cap *c)
{
	c->n = c->total = c->npeers = 0;
}

static struct caddr
a4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port)
{
	struct caddr	r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET;
	r.ip[0] = a;
	r.ip[1] = b;
	r.ip[2] = c;
	r.ip[3] = d;
	r.port = port;
	return r;
}

static struct caddr
a6(uint8_t first, uint16_t last, uint16_t port)
{
	struct caddr	r;

	memset(&r, 0, sizeof(r));
	r.family = AF_INET6;
	r.ip[0] = first;		/* 0xfd: private, 0x20: public */
	r.ip[1] = first == 0x20 ? 0x01 : 0;
	r.ip[14] = (uint8_t)(last >> 8);
	r.ip[15] = (uint8_t)last;
	r.port = port;
	return r;
}

static void
rand_id(uint8_t id[20], uint64_t *rng)
{
	size_t	i;

	for (i = 0; i < 20; i++)
		id[i] = (uint8_t)rng_next(rng);
}

static struct dhtnode *
mknode(struct cap *c, unsigned families, uint8_t fill)
{
	struct dhtnode_config	cfg;

	memset(&cfg, 0, sizeof(cfg));
	memset(cfg.id, fill, 20);
	cfg.seed = fill;
	cfg.families = families;
	cfg.send = cap_send;
	cfg.peers = cap_peers;
	cfg.arg = c;
	memcpy(cfg.client, "BT\x00\x01", 4);
	cfg.client_len = 4;
	return dhtnode_new(&cfg, 0);
}

static void
query(struct krpc_msg *m, int method, const uint8_t id[20], uint8_t tid)
{
	memset(m, 0, sizeof(*m));
	m->type = KRPC_QUERY;
	m->method = method;
	m->tid[0] = tid;
	m->tid[1] = 'q';
	m->tid_len = 2;
	memcpy(m->id, id, 20);
}

/* The answer a node at `id' gives to the captured query q. */
static void
answer(struct krpc_msg *r, const struct krpc_msg *q, const uint8_t id[20])
{
	memset(r, 0, sizeof(*r));
	r->type = KRPC_RESPONSE;
	memcpy(r->tid, q->tid, q->tid_len);
	r->tid_len = q->tid_len;
	memcpy(r->id, id, 20);
}

static struct dhtnode_stats
stats(const struct dhtnode *n, uint64_t now)
{
	struct dhtnode_stats	st;

	dhtnode_stats(n, now, &st);
	return st;
}

static void
test_answers(void **state)
{
	struct cap		*c = calloc(1, sizeof(*c));
	struct dhtnode		*n;
	struct krpc_msg		 q, tok;
	struct caddr		 src[24];
	uint8_t			 ids[24][20], ih[20], target[20];
	uint64_t		 rng = 1;
	size_t			 i, k;
	static const struct {
		const char	*name;
		int		 v6src;		/* asked over IPv6 */
		unsigned	 want;
		size_t		 want4, want6;	/* nodes of each family */
	} wants[] = {
		{ "v4, no want", 0, 0, 8, 0 },
		{ "v6, no want", 1, 0, 0, 8 },
		{ "v4, want n6", 0, KRPC_WANT_N6, 0, 8 },
		{ "v6, want both", 1, KRPC_WANT_N4 | KRPC_WANT_N6, 8, 8 },
	};

	(void)state;
	assert_non_null(c);
	assert_non_null(n = mknode(c, DHTNODE_IPV4 | DHTNODE_IPV6, 0x11));
	/* 12 nodes of each family ping us: each is answered, with our id,
	 * its transaction id and BEP 42's view of its address */
	for (i = 0; i < 24; i++) {
		src[i] = i < 12 ? a4(10, 0, 0, (uint8_t)(i + 1), 6881) :
		    a6(0xfd, (uint16_t)i, 6881);
		rand_id(ids[i], &rng);
		query(&q, KRPC_PING, ids[i], (uint8_t)i);
		cap_reset(c);
		assert_int_equal(dhtnode_input(n, &src[i], &q, 1000), BT_OK);
		assert_int_equal(c->n, 1);
		assert_int_equal(c->m[0].type, KRPC_RESPONSE);
		assert_memory_equal(c->m[0].id, dhtnode_id(n), 20);
		assert_int_equal(c->m[0].tid_len, 2);
		assert_int_equal(c->m[0].tid[0], i);
		assert_true(caddr_equal(&c->m[0].ip, &src[i]));
		assert_true(caddr_equal(&c->to[0], &src[i]));
		assert_int_equal(c->m[0].client_len, 4);
	}
	/* find_node: 8 good nodes of the families asked for, closest
	 * first */
	rand_id(target, &rng);
	for (k = 0; k < sizeof(wants) / sizeof(wants[0]); k++) {
		size_t	n4 = 0, n6 = 0, j = wants[k].v6src ? 12 : 0;

		query(&q, KRPC_FIND_NODE, ids[j], 50);
		memcpy(q.target, target, 20);
		q.want = wants[k].want;
		cap_reset(c);
		assert_int_equal(dhtnode_input(n, &src[j], &q, 2000), BT_OK);
		assert_int_equal(c->n, 1);
		for (i = 0; i < c->m[0].nnodes; i++) {
			if (c->m[0].nodes[i].addr.family == AF_INET)
				n4++;
			else
				n6++;
			if (i > 0 && c->m[0].nodes[i].addr.family ==
			    c->m[0].nodes[i - 1].addr.family)
				assert_true(dhtroute_closer(target,
				    c->m[0].nodes[i - 1].id,
				    c->m[0].nodes[i].id) < 0);
		}
		if (n4 != wants[k].want4 || n6 != wants[k].want6)
			fail_msg("%s: %zu + %zu nodes, want %zu + %zu",
			    wants[k].name, n4, n6, wants[k].want4,
			    wants[k].want6);
	}
	/* get_peers: a token and nodes, no values yet */
	memset(ih, 0xab, 20);
	query(&q, KRPC_GET_PEERS, ids[1], 60);
	memcpy(q.target, ih, 20);
	cap_reset(c);
	assert_int_equal(dhtnode_input(n, &src[1], &q, 3000), BT_OK);
	assert_int_equal(c->m[0].token_len, DHTNODE_TOKEN_LEN);
	assert_int_equal(c->m[0].nvalues, 0);
	assert_int_equal(c->m[0].nnodes, 8);
	tok = c->m[0];
	/* announce_peer with it, port 7000 */
	query(&q, KRPC_ANNOUNCE_PEER, ids[1], 61);
	memcpy(q.target, ih, 20);
	q.port = 7000;
	memcpy(q.token, tok.token, tok.token_len);
	q.token_len = tok.token_len;
	cap_reset(c);
	assert_int_equal(dhtnode_input(n, &src[1], &q, 3001), BT_OK);
	assert_int_equal(c->m[0].type, KRPC_RESPONSE);
	/* with implied_port, the source port counts, not "port" */
	query(&q, KRPC_GET_PEERS, ids[3], 62);
	memcpy(q.target, ih, 20);
	cap_reset(c);
	assert_int_equal(dhtnode_input(n, &src[3], &q, 3002), BT_OK);
	tok = c->m[0];
	query(&q, KRPC_ANNOUNCE_PEER, ids[3], 63);
	memcpy(q.target, ih, 20);
	q.port = 9;
	q.implied_port = 1;
	memcpy(q.token, tok.token, tok.token_len);
	q.token_len = tok.token_len;
	assert_int_equal(dhtnode_input(n, &src[3], &q, 3003), BT_OK);
	assert_int_equal(stats(n, 3003).announces, 2);
	assert_int_equal(stats(n, 3003).peers_stored, 2);
	/* now get_peers has both as values (IPv4 only: the asker's) */
	query(&q, KRPC_GET_PEERS, ids[2], 64);
	memcpy(q.target, ih, 20);
	cap_reset(c);
	assert_int_equal(dhtnode_input(n, &src[2], &q, 3004), BT_OK);
	assert_int_equal(c->m[0].nvalues, 2);
	{
		struct caddr	w1 = src[1], w3 = src[3];
		int		f1 = 0, f3 = 0;

		w1.port = 7000;
		for (i = 0; i < 2; i++) {
			f1 |= caddr_equal(&c->m[0].values[i], &w1);
			f3 |= caddr_equal(&c->m[0].values[i], &w3);
		}
		assert_true(f1 && f3);
	}
	query(&q, KRPC_GET_PEERS, ids[12], 65);
	memcpy(q.target, ih, 20);
	cap_reset(c);
	assert_int_equal(dhtnode_input(n, &src[12], &q, 3005), BT_OK);
	assert_int_equal(c->m[0].nvalues, 0);
	/* an unknown method: error 204 */
	query(&q, KRPC_UNKNOWN_METHOD, ids[4], 66);
	cap_reset(c);
	assert_int_equal(dhtnode_input(n, &src[4], &q, 3006), BT_OK);
	assert_int_equal(c->m[0].type, KRPC_ERROR);
	assert_int_equal(c->m[0].error_code, 204);
	assert_int_equal(c->m[0].tid[0], 66);
	/* the peers expire after 30 min */
	dhtnode_tick(n, 3006 + DHTNODE_PEER_TTL_MS);
	assert_int_equal(stats(n, 3006 + DHTNODE_PEER_TTL_MS).peers_stored, 0);
	dhtnode_free(n);
	free(c);
}

static void
test_tokens(void **state)
{
	struct cap	*c = calloc(1, sizeof(*c));
	struct dhtnode	*n;
	struct krpc_msg	 q, tok0;
	struct caddr	 s1 = a4(10, 1, 1, 1, 6881), s2 = a4(10, 1, 1, 2, 6881);
	uint8_t		 id[20], ih[20];
	uint64_t	 rng = 2, t;
	static const struct {
		uint64_t	at;		/* announce time */
		int		from2;		/* from another IP */
		int		want;
	} cases[] = {
		{ 1000, 0, BT_OK },
		{ 1000, 1, BT_ERR_PROTO },	/* s1's token, from s2 */
		{ DHTNODE_TOKEN_ROTATE_MS + 1000, 0, BT_OK },	/* one back */
		{ 2 * DHTNODE_TOKEN_ROTATE_MS + 1000, 0, BT_ERR_PROTO },
	};
	size_t		 i;
	uint64_t	 refused = 0;

	(void)state;
	assert_non_null(c);
	assert_non_null(n = mknode(c, DHTNODE_IPV4, 0x22));
	rand_id(id, &rng);
	memset(ih, 0x5c, 20);
	query(&q, KRPC_GET_PEERS, id, 1);
	memcpy(q.target, ih, 20);
	assert_int_equal(dhtnode_input(n, &s1, &q, 500), BT_OK);
	tok0 = c->m[0];
	for (i = 0, t = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* the clock runs in ticks: the secret turns every 5 min */
		for (; t <= cases[i].at; t += 1000)
			dhtnode_tick(n, t);
		query(&q, KRPC_ANNOUNCE_PEER, id, (uint8_t)(10 + i));
		memcpy(q.target, ih, 20);
		q.port = 7000;
		memcpy(q.token, tok0.token, tok0.token_len);
		q.token_len = tok0.token_len;
		cap_reset(c);
		if (dhtnode_input(n, cases[i].from2 ? &s2 : &s1, &q,
		    cases[i].at) != cases[i].want)
			fail_msg("case %zu: not %d", i, cases[i].want);
		assert_int_equal(c->n, 1);
		if (cases[i].want != BT_OK) {
			refused++;
			assert_int_equal(c->m[0].type, KRPC_ERROR);
			assert_int_equal(c->m[0].error_code, 203);
		}
		assert_int_equal(stats(n, t).tokens_refused, refused);
	}
	/* a wrong length, an empty token, a fresh one */
	query(&q, KRPC_ANNOUNCE_PEER, id, 30);
	memcpy(q.target, ih, 20);
	q.port = 7000;
	q.token_len = 3;
	assert_int_equal(dhtnode_input(n, &s1, &q, t), BT_ERR_PROTO);
	q.token_len = 0;
	assert_int_equal(dhtnode_input(n, &s1, &q, t), BT_ERR_PROTO);
	query(&q, KRPC_GET_PEERS, id, 31);
	memcpy(q.target, ih, 20);
	cap_reset(c);
	assert_int_equal(dhtnode_input(n, &s1, &q, t), BT_OK);
	tok0 = c->m[0];
	query(&q, KRPC_ANNOUNCE_PEER, id, 32);
	memcpy(q.target, ih, 20);
	q.port = 7000;
	memcpy(q.token, tok0.token, tok0.token_len);
	q.token_len = tok0.token_len;
	assert_int_equal(dhtnode_input(n, &s1, &q, t), BT_OK);
	dhtnode_free(n);
	free(c);
}

static void
test_rate_limit(void **state)
{
	struct cap		*c = calloc(1, sizeof(*c));
	struct dhtnode		*n;
	struct krpc_msg		 q;
	struct caddr		 s1 = a4(10, 2, 2, 2, 6881);
	struct caddr		 s2 = a4(10, 2, 2, 3, 7000);
	uint8_t			 id[20];
	uint64_t		 rng = 3;
	size_t			 i, ok = 0, burst;

	(void)state;
	assert_non_null(c);
	assert_non_null(n = mknode(c, DHTNODE_IPV4, 0x33));
	burst = DHTNODE_RATE_PER_S * DHTNODE_RATE_BURST_S;
	rand_id(id, &rng);
	query(&q, KRPC_PING, id, 1);
	/* a flood from one IP: the burst is answered, the rest dropped */
	for (i = 0; i < 100; i++)
		ok += dhtnode_input(n, &s1, &q, 1000) == BT_OK;
	assert_int_equal(ok, burst);
	assert_int_equal(c->total, burst);
	assert_int_equal(stats(n, 1000).dropped_rate, 100 - burst);
	assert_int_equal(stats(n, 1000).queries_in, 100);
	/* the same IP on another port shares the bucket; another IP does
	 * not */
	s1.port = 6882;
	assert_int_equal(dhtnode_input(n, &s1, &q, 1000), BT_ERR_LIMIT);
	assert_int_equal(dhtnode_input(n, &s2, &q, 1000), BT_OK);
	/* a second later, rate_per_s more */
	for (i = ok = 0; i < 20; i++)
		ok += dhtnode_input(n, &s1, &q, 2000) == BT_OK;
	assert_int_equal(ok, DHTNODE_RATE_PER_S);
	/* 5000 other IPs: the table stays the same size, and each new IP
	 * gets its burst */
	for (i = 0; i < 5000; i++) {
		struct caddr	s = a4(10, 3, (uint8_t)(i >> 8), (uint8_t)i,
				    6881);

		assert_int_equal(dhtnode_input(n, &s, &q, 3000), BT_OK);
	}
	dhtnode_free(n);
	free(c);
}

/* A node with one pending ping to `to'; returns its query. */
static struct krpc_msg
ping_out(struct dhtnode *n, struct cap *c, const struct caddr *to,
    uint64_t now)
{
	cap_reset(c);
	assert_int_equal(dhtnode_ping(n, to, now), BT_OK);
	assert_int_equal(c->n, 1);
	assert_int_equal(c->m[0].type, KRPC_QUERY);
	assert_int_equal(c->m[0].method, KRPC_PING);
	assert_true(c->m[0].tid_len >= 2);
	return c->m[0];
}

static void
test_hostile(void **state)
{
	struct cap		*c = calloc(1, sizeof(*c));
	struct dhtnode		*n;
	struct krpc_msg		 q, r, p;
	struct caddr		 x = a4(10, 4, 4, 4, 6881), y = a4(10, 4, 4, 5,
				    6881), bad;
	uint8_t			 xid[20], id[20], ih[20];
	uint64_t		 rng = 4;
	struct dhtnode_stats	 st0, st1;
	static const struct {
		const char	*name;
		int		 kind;	/* 0 ours, 1 port 0, 2 0/8, 3 v6,
					   4 bad type, 5 no tid, 6 no token,
					   7 stray answer */
		int		 want;
	} cases[] = {
		{ "query claiming our id", 0, BT_ERR_INVALID },
		{ "source port 0", 1, BT_ERR_INVALID },
		{ "source in 0.0.0.0/8", 2, BT_ERR_INVALID },
		{ "IPv6 on an IPv4 node", 3, BT_ERR_INVALID },
		{ "unknown type", 4, BT_ERR_INVALID },
		{ "no transaction id", 5, BT_ERR_INVALID },
		{ "answer to nothing", 7, BT_ERR_NOTFOUND },
		{ "announce without a token", 6, BT_ERR_PROTO },	/* last:
							   it is a query */
	};
	size_t			 i;

	(void)state;
	assert_non_null(c);
	assert_non_null(n = mknode(c, DHTNODE_IPV4, 0x44));
	rand_id(xid, &rng);
	memset(ih, 0x77, 20);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bad = x;
		query(&q, KRPC_PING, xid, (uint8_t)i);
		switch (cases[i].kind) {
		case 0:
			memcpy(q.id, dhtnode_id(n), 20);
			break;
		case 1:
			bad.port = 0;
			break;
		case 2:
			bad.ip[0] = 0;
			break;
		case 3:
			bad = a6(0xfd, 1, 6881);
			break;
		case 4:
			q.type = 42;
			break;
		case 5:
			q.tid_len = 0;
			break;
		case 6:
			q.method = KRPC_ANNOUNCE_PEER;
			memcpy(q.target, ih, 20);
			q.port = 7000;
			break;
		case 7:
			r = q;
			answer(&q, &r, xid);
			break;
		}
		cap_reset(c);
		dhtnode_stats(n, 0, &st0);
		if (dhtnode_input(n, &bad, &q, 1000) != cases[i].want)
			fail_msg("%s: not %d", cases[i].name, cases[i].want);
		dhtnode_stats(n, 0, &st1);
		/* each is counted, none reaches the table */
		if (st1.dropped_bad + st1.tokens_refused + st1.unmatched !=
		    st0.dropped_bad + st0.tokens_refused + st0.unmatched + 1)
			fail_msg("%s: not counted", cases[i].name);
		if (cases[i].kind != 6)
			assert_int_equal(st1.good4 + st1.questionable4, 0);
		/* only the announce gets an answer (error 203) */
		assert_int_equal(c->n, cases[i].kind == 6);
	}
	/* answers: from another address, or claiming our id, are refused;
	 * the real one then still matches */
	p = ping_out(n, c, &x, 2000);
	answer(&r, &p, xid);
	assert_int_equal(dhtnode_input(n, &y, &r, 2001), BT_ERR_NOTFOUND);
	memcpy(r.id, dhtnode_id(n), 20);
	assert_int_equal(dhtnode_input(n, &x, &r, 2002), BT_ERR_INVALID);
	p = ping_out(n, c, &x, 2003);
	answer(&r, &p, xid);
	assert_int_equal(dhtnode_input(n, &x, &r, 2004), BT_OK);
	assert_int_equal(dhtnode_input(n, &x, &r, 2005), BT_ERR_NOTFOUND);
	assert_int_equal(stats(n, 2005).good4, 1);
	assert_int_equal(stats(n, 2005).unmatched, 1 + 1 + 1);
	/* a lookup asks x (whose id we know): an answer with another id is
	 * refused; then nodes that are us are never asked */
	cap_reset(c);
	assert_int_equal(dhtnode_get_peers(n, ih, 0, 3000), BT_OK);
	assert_int_equal(c->n, 1);
	assert_int_equal(c->m[0].method, KRPC_GET_PEERS);
	assert_memory_equal(c->m[0].target, ih, 20);
	rand_id(id, &rng);
	answer(&r, &c->m[0], id);
	assert_int_equal(dhtnode_input(n, &x, &r, 3001), BT_ERR_INVALID);
	assert_int_equal(dhtnode_lookup_active(n, ih), 0);	/* nobody left */
	cap_reset(c);
	assert_int_equal(dhtnode_get_peers(n, ih, 0, 3002), BT_OK);
	assert_int_equal(c->n, 1);
	answer(&r, &c->m[0], xid);
	memcpy(r.nodes[0].id, dhtnode_id(n), 20);	/* us */
	r.nodes[0].addr = a4(10, 9, 9, 1, 6881);
	rand_id(r.nodes[1].id, &rng);			/* port 0 */
	r.nodes[1].addr = a4(10, 9, 9, 2, 0);
	rand_id(r.nodes[2].id, &rng);			/* 224/4 */
	r.nodes[2].addr = a4(224, 9, 9, 3, 6881);
	rand_id(r.nodes[3].id, &rng);			/* fine */
	r.nodes[3].addr = a4(10, 9, 9, 4, 6881);
	r.nnodes = 4;
	cap_reset(c);
	assert_int_equal(dhtnode_input(n, &x, &r, 3003), BT_OK);
	assert_int_equal(c->n, 1);
	assert_true(caddr_equal(&c->to[0], &r.nodes[3].addr));
	assert_int_equal(stats(n, 3003).nodes_refused, 2);
	/* a malformed datagram: a query with a tid gets error 203, the
	 * rest nothing */
	query(&q, KRPC_PING, xid, 99);
	cap_reset(c);
	dhtnode_input_bad(n, &x, &q, 4000);
	assert_int_equal(c->n, 1);
	assert_int_equal(c->m[0].type, KRPC_ERROR);
	assert_int_equal(c->m[0].error_code, 203);
	assert_int_equal(c->m[0].tid[0], 99);
	q.type = KRPC_RESPONSE;
	dhtnode_input_bad(n, &x, &q, 4000);
	q.type = KRPC_QUERY;
	q.tid_len = 0;
	dhtnode_input_bad(n, &x, &q, 4000);
	assert_int_equal(c->n, 1);
	dhtnode_free(n);
	free(c);
}

static void
test_timeouts(void **state)
{
	struct cap		*c = calloc(1, sizeof(*c));
	struct dhtnode		*n;
	struct krpc_msg		 r;
	struct caddr		 boot = a4(10, 5, 5, 5, 6881);
	uint8_t			 bid[20], ih[20];
	uint64_t		 rng = 5, t;
	size_t			 i, sent;
	static const struct {
		uint64_t	at;
		size_t		want_sent;	/* find_nodes sent so far */
	} steps[] = {
		{ 0, 1 },		/* the bootstrap starts at once */
		{ 4999, 1 },
		{ 5000, 1 },		/* timed out; retry in 10 s */
		{ 9999, 1 },
		{ 10000, 2 },		/* then 20 s later */
		{ 29999, 2 },
		{ 30000, 3 },
		{ 69999, 3 },
		{ 70000, 4 },		/* 40 s */
	};

	(void)state;
	assert_non_null(c);
	assert_non_null(n = mknode(c, DHTNODE_IPV4, 0x55));
	assert_int_equal(dhtnode_add_bootstrap(n, &boot), BT_OK);
	assert_int_equal(dhtnode_add_bootstrap(n, &boot), BT_ERR_EXISTS);
	boot.port = 0;
	assert_int_equal(dhtnode_add_bootstrap(n, &boot), BT_ERR_INVALID);
	boot.port = 6881;
	/* a tick every ms */
	for (i = sent = 0, t = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		for (; t <= steps[i].at; t++) {
			cap_reset(c);
			dhtnode_tick(n, t);
			sent += c->n;
			if (c->n > 0) {
				assert_int_equal(c->m[0].method,
				    KRPC_FIND_NODE);
				assert_memory_equal(c->m[0].target,
				    dhtnode_id(n), 20);
				assert_true(caddr_equal(&c->to[0], &boot));
			}
		}
		if (sent != steps[i].want_sent)
			fail_msg("at %llu: %zu sent, want %zu",
			    (unsigned long long)steps[i].at, sent,
			    steps[i].want_sent);
	}
	assert_int_equal(stats(n, t).timeouts, 3);
	/* the bootstrap node answers: it is in the table, good */
	rand_id(bid, &rng);
	answer(&r, &c->m[0], bid);
	assert_int_equal(dhtnode_input(n, &boot, &r, 70001), BT_OK);
	assert_int_equal(stats(n, 70001).good4, 1);
	/* the lookup queue: 4 run, the rest wait; all end by time-outs */
	for (i = 0; i < 7; i++) {
		memset(ih, (int)i + 1, 20);
		assert_int_equal(dhtnode_get_peers(n, ih, 0, 71000), BT_OK);
	}
	assert_int_equal(dhtnode_get_peers(n, ih, 0, 71000), BT_ERR_EXISTS);
	assert_int_equal(stats(n, 71000).lookups_running, DHTNODE_MAX_LOOKUPS);
	assert_int_equal(stats(n, 71000).lookups_queued, 3);
	for (i = 0; i < 7; i++) {
		memset(ih, (int)i + 1, 20);
		assert_int_equal(dhtnode_lookup_active(n, ih), 1);
	}
	for (t = 72000; t <= 90000; t += 1000)
		dhtnode_tick(n, t);
	for (i = 0; i < 7; i++) {
		memset(ih, (int)i + 1, 20);
		assert_int_equal(dhtnode_lookup_active(n, ih), 0);
	}
	/* the bootstrap node failed them all: bad now, and gone from the
	 * good count */
	assert_int_equal(stats(n, t).good4, 0);
	assert_int_equal(stats(n, t).lookups_running, 0);
	/* a send that fails fails the query at once */
	c->fail = 1;
	assert_int_equal(dhtnode_ping(n, &boot, t), BT_ERR_SYS);
	dhtnode_free(n);
	free(c);
}

static const uint8_t	*rank_target;	/* qsort has no argument */

static int
cmp_rank(const void *a, const void *b)
{
	return dhtroute_closer(rank_target, a, b);
}

/*
 * One lookup by hand over 10 nodes: alpha queries in flight, closest
 * first, done once the 8 closest answered; the peers of "values" reach
 * the callback; then announce_peer goes to those of the 8 that gave a
 * token, with their token, our port and implied_port 0.
 */
static void
test_lookup(void **state)
{
	struct cap		*c = calloc(1, sizeof(*c));
	struct dhtnode		*n;
	struct krpc_msg		*todo, q, r;
	struct caddr		 to[CAP_MAX], dest;
	struct caddr		 peer = a4(10, 99, 0, 1, 5000);
	uint8_t			 ids[10][20], sorted[10][20], ih[20];
	uint64_t		 rng = 10, now = 1000;
	size_t			 i, k, ntodo = 0, inflight = 0, maxflight = 0;
	size_t			 rank;
	int			 asked[10] = { 0 }, announced[10] = { 0 };

	(void)state;
	assert_non_null(c);
	assert_non_null(todo = calloc(CAP_MAX, sizeof(*todo)));
	assert_non_null(n = mknode(c, DHTNODE_IPV4, 0x12));
	for (i = 0; i < 10; i++) {
		struct caddr	src = a4(10, 10, 0, (uint8_t)(i + 1), 6881);

		rand_id(ids[i], &rng);
		query(&q, KRPC_PING, ids[i], 1);
		assert_int_equal(dhtnode_input(n, &src, &q, now), BT_OK);
	}
	assert_int_equal(stats(n, now).good4, 10);
	memset(ih, 0x3c, 20);
	memcpy(sorted, ids, sizeof(ids));
	rank_target = ih;
	qsort(sorted, 10, 20, cmp_rank);
	cap_reset(c);
	assert_int_equal(dhtnode_get_peers(n, ih, 7000, now), BT_OK);
	assert_int_equal(c->n, DHTNODE_ALPHA);
	/* answer one datagram at a time, oldest first */
	for (;;) {
		for (i = 0; i < c->n; i++) {
			assert_true(ntodo < CAP_MAX);
			to[ntodo] = c->to[i];
			todo[ntodo++] = c->m[i];
			inflight += c->m[i].method == KRPC_GET_PEERS;
		}
		c->n = 0;
		if (inflight > maxflight)
			maxflight = inflight;
		if (ntodo == 0)
			break;
		q = todo[0];
		dest = to[0];
		ntodo--;
		memmove(&todo[0], &todo[1], ntodo * sizeof(*todo));
		memmove(&to[0], &to[1], ntodo * sizeof(*to));
		k = (size_t)dest.ip[3] - 1;
		assert_true(k < 10);
		for (rank = 0; memcmp(sorted[rank], ids[k], 20) != 0; rank++)
			;
		assert_memory_equal(q.target, ih, 20);
		answer(&r, &q, ids[k]);
		if (q.method == KRPC_GET_PEERS) {
			inflight--;
			asked[rank]++;
			if (rank != 5) {	/* rank 5 gives no token */
				r.token[0] = 't';
				r.token[1] = (uint8_t)k;
				r.token_len = 2;
			}
			if (rank == 0) {
				r.values[0] = peer;
				r.nvalues = 1;
			}
		} else {
			assert_int_equal(q.method, KRPC_ANNOUNCE_PEER);
			announced[rank]++;
			assert_int_equal(q.port, 7000);
			assert_int_equal(q.implied_port, 0);
			assert_int_equal(q.token_len, 2);
			assert_int_equal(q.token[1], k);
		}
		now += 10;
		assert_int_equal(dhtnode_input(n, &dest, &r, now), BT_OK);
	}
	assert_int_equal(maxflight, DHTNODE_ALPHA);
	for (rank = 0; rank < 10; rank++) {
		assert_int_equal(asked[rank], rank < DHTNODE_K);
		assert_int_equal(announced[rank], rank < DHTNODE_K &&
		    rank != 5);
	}
	assert_int_equal(c->npeers, 1);
	assert_true(caddr_equal(&c->peers[0], &peer));
	assert_int_equal(dhtnode_lookup_active(n, ih), 0);
	dhtnode_free(n);
	free(todo);
	free(c);
}

static void
test_bep42(void **state)
{
	/* BEP 42's test vectors: IP, rand, the first 3 id bytes */
	static const struct {
		uint8_t		ip[4];
		uint8_t		rnd;
		uint8_t		id[3];
	} vec[] = {
		{ { 124, 31, 75, 21 }, 1, { 0x5f, 0xbf, 0xbf } },
		{ { 21, 75, 31, 124 }, 86, { 0x5a, 0x3c, 0xe9 } },
		{ { 65, 23, 51, 170 }, 22, { 0xa5, 0xd4, 0x32 } },
		{ { 84, 124, 73, 14 }, 65, { 0x1b, 0x03, 0x21 } },
		{ { 43, 213, 53, 83 }, 90, { 0xe5, 0x6f, 0x6c } },
	};
	struct caddr	a, ex[8];
	uint8_t		id[20];
	uint64_t	rng = 6;
	size_t		i, k;

	(void)state;
	for (i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		a = a4(vec[i].ip[0], vec[i].ip[1], vec[i].ip[2], vec[i].ip[3],
		    1);
		rand_id(id, &rng);
		memcpy(id, vec[i].id, 3);
		id[19] = vec[i].rnd;
		assert_int_equal(dhtnode_id_valid(id, &a), 1);
		id[2] ^= 0x07;			/* free bits */
		assert_int_equal(dhtnode_id_valid(id, &a), 1);
		id[2] ^= 0x08;			/* the 21st bit */
		assert_int_equal(dhtnode_id_valid(id, &a), 0);
		id[2] ^= 0x08;
		id[19] ^= 1;			/* another r */
		assert_int_equal(dhtnode_id_valid(id, &a), 0);
	}
	/* loopback, private, link-local: anything goes */
	ex[0] = a4(127, 0, 0, 1, 1);
	ex[1] = a4(10, 1, 2, 3, 1);
	ex[2] = a4(172, 31, 0, 1, 1);
	ex[3] = a4(192, 168, 1, 1, 1);
	ex[4] = a4(169, 254, 1, 1, 1);
	ex[5] = a6(0xfd, 1, 1);
	ex[6] = a6(0, 1, 1);			/* ::1 */
	ex[7] = a6(0xfe, 1, 1);
	ex[7].ip[1] = 0x80;			/* fe80::1 */
	memset(id, 0, 20);
	for (i = 0; i < 8; i++)
		if (dhtnode_id_valid(id, &ex[i]) != 1)
			fail_msg("exempt address %zu refused", i);
	/* public ones are checked; made ids pass */
	a = a4(172, 32, 0, 1, 1);		/* just past 172.16/12 */
	assert_int_equal(dhtnode_id_valid(id, &a), 0);
	a = a6(0x20, 1, 1);
	assert_int_equal(dhtnode_id_valid(id, &a), 0);
	for (k = 0; k < 200; k++) {
		a = k & 1 ? a6(0x20, (uint16_t)k, 1) : a4((uint8_t)(1 + k),
		    (uint8_t)k, 3, 4, 1);
		dhtnode_id_make(&a, &rng, id);
		assert_int_equal(dhtnode_id_valid(id, &a), 1);
	}
}

/* Three nodes answer our pings saying we are `ext'. */
static void
vote3(struct dhtnode *n, struct cap *c, const struct caddr *ext)
{
	struct krpc_msg	p, r;
	uint8_t		id[20];
	uint64_t	rng = 7;
	size_t		i;

	for (i = 0; i < 3; i++) {
		struct caddr	to = a4(10, 6, 6, (uint8_t)(i + 1), 6881);

		p = ping_out(n, c, &to, 1000);
		rand_id(id, &rng);
		answer(&r, &p, id);
		r.ip = *ext;
		assert_int_equal(dhtnode_input(n, &to, &r, 1001), BT_OK);
		if (i < 2)
			assert_int_equal(stats(n, 1001).id_bep42, -1);
	}
}

static void
test_external_addr(void **state)
{
	struct cap		*c = calloc(1, sizeof(*c));
	struct dhtnode		*n;
	struct dhtnode_config	 cfg;
	struct caddr		 ext = a4(1, 2, 3, 4, 5555), got;
	uint64_t		 rng = 8;

	(void)state;
	assert_non_null(c);
	assert_non_null(n = mknode(c, DHTNODE_IPV4, 0x66));
	assert_int_equal(dhtnode_external_addr(n, AF_INET, &got),
	    BT_ERR_NOTFOUND);
	vote3(n, c, &ext);
	assert_int_equal(dhtnode_external_addr(n, AF_INET, &got), BT_OK);
	assert_true(caddr_equal(&got, &ext));
	assert_int_equal(stats(n, 1001).id_bep42, 0);	/* 0x66... */
	dhtnode_free(n);
	/* an id made for that address fits */
	memset(&cfg, 0, sizeof(cfg));
	dhtnode_id_make(&ext, &rng, cfg.id);
	cfg.send = cap_send;
	cfg.arg = c;
	assert_non_null(n = dhtnode_new(&cfg, 0));
	vote3(n, c, &ext);
	assert_int_equal(stats(n, 1001).id_bep42, 1);
	dhtnode_free(n);
	/* config refused */
	cfg.families = 4;
	assert_null(dhtnode_new(&cfg, 0));
	cfg.families = 0;
	cfg.send = NULL;
	assert_null(dhtnode_new(&cfg, 0));
	free(c);
}

static void
test_save_load(void **state)
{
	struct cap		*c = calloc(1, sizeof(*c));
	struct dhtnode		*n, *m;
	struct krpc_msg		 q;
	struct bbuf		 b, bad;
	uint8_t			 id[20];
	uint64_t		 rng = 9;
	size_t			 i, added, want4, want6;
	struct dhtnode_stats	 st;
	static const struct {
		const char	*name;
		const char	*text;
		int		 want;
	} cases[] = {
		{ "not bencode", "hello", BT_ERR_FORMAT },
		{ "a list", "le", BT_ERR_FORMAT },
		{ "no id", "de", BT_ERR_FORMAT },
		{ "short id", "d2:id3:abce", BT_ERR_FORMAT },
		{ "id not a string", "d2:idi5ee", BT_ERR_FORMAT },
		{ "nodes of 25", "d2:id20:aaaaaaaaaaaaaaaaaaaa5:nodes25:"
		    "aaaaaaaaaaaaaaaaaaaaaaaaae", BT_ERR_FORMAT },
		{ "nodes an int", "d2:id20:aaaaaaaaaaaaaaaaaaaa5:nodesi1ee",
		    BT_ERR_FORMAT },
		{ "trailing", "d2:id20:aaaaaaaaaaaaaaaaaaaae0", BT_ERR_FORMAT },
		{ "cut", "d2:id20:aaaaaaaaaa", BT_ERR_FORMAT },
		{ "id only", "d2:id20:aaaaaaaaaaaaaaaaaaaae", BT_OK },
	};

	(void)state;
	assert_non_null(c);
	assert_non_null(n = mknode(c, DHTNODE_IPV4 | DHTNODE_IPV6, 0x77));
	/* 30 IPv4 and 10 IPv6 nodes query us: good */
	for (i = 0; i < 40; i++) {
		struct caddr	s = i < 30 ? a4(10, 7, 0, (uint8_t)(i + 1),
				    6881) : a6(0xfd, (uint16_t)i, 6881);

		rand_id(id, &rng);
		query(&q, KRPC_PING, id, 1);
		assert_int_equal(dhtnode_input(n, &s, &q, 1000), BT_OK);
	}
	st = stats(n, 1000);
	want4 = st.good4;
	want6 = st.good6;
	assert_true(want4 >= 8 && want6 == 10);
	bbuf_init(&b, DHTNODE_SAVE_MAX);
	assert_int_equal(dhtnode_save(n, 1000, &b), BT_OK);
	{
		char	l4[16], l6[16];
		size_t	len;

		/* d 2:id 20:ID 5:nodes N4:... 6:nodes6 N6:... e */
		len = (size_t)snprintf(l4, sizeof(l4), "%zu:", want4 * 26) +
		    (size_t)snprintf(l6, sizeof(l6), "%zu:", want6 * 38);
		len += 1 + 4 + 3 + 20 + 7 + want4 * 26 + 8 + want6 * 38 + 1;
		assert_int_equal(bbuf_len(&b), len);
	}
	/* into a fresh node with another id: it takes the saved one */
	assert_non_null(m = mknode(c, DHTNODE_IPV4 | DHTNODE_IPV6, 0x78));
	assert_int_equal(dhtnode_load(m, bbuf_ptr(&b), bbuf_len(&b), 5000,
	    &added), BT_OK);
	assert_int_equal(added, want4 + want6);
	assert_memory_equal(dhtnode_id(m), dhtnode_id(n), 20);
	st = stats(m, 5000);
	assert_int_equal(st.good4 + st.good6, 0);	/* not contacted yet */
	assert_int_equal(st.questionable4, want4);
	assert_int_equal(st.questionable6, want6);
	/* a node that already has a table keeps its id */
	dhtnode_free(m);
	assert_non_null(m = mknode(c, DHTNODE_IPV4, 0x79));
	rand_id(id, &rng);
	query(&q, KRPC_PING, id, 1);
	{
		struct caddr	s = a4(10, 8, 0, 1, 6881);

		assert_int_equal(dhtnode_input(m, &s, &q, 1000), BT_OK);
	}
	assert_int_equal(dhtnode_load(m, bbuf_ptr(&b), bbuf_len(&b), 5000,
	    &added), BT_OK);
	assert_int_equal(added, want4);			/* IPv4 only here */
	assert_int_equal(dhtnode_id(m)[0], 0x79);
	dhtnode_free(m);
	/* hostile input: refused whole, nothing changed */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(m = mknode(c, DHTNODE_IPV4, 0x7a));
		if (dhtnode_load(m, (const uint8_t *)cases[i].text,
		    strlen(cases[i].text), 0, &added) != cases[i].want)
			fail_msg("%s: not %d", cases[i].name, cases[i].want);
		assert_int_equal(added, 0);
		if (cases[i].want != BT_OK)
			assert_int_equal(dhtnode_id(m)[0], 0x7a);
		dhtnode_free(m);
	}
	/* too many nodes, too many bytes */
	assert_non_null(m = mknode(c, DHTNODE_IPV4, 0x7b));
	bbuf_init(&bad, 2 * DHTNODE_SAVE_MAX);
	assert_int_equal(bbuf_putf(&bad, "d2:id20:aaaaaaaaaaaaaaaaaaaa"
	    "5:nodes%d:", (DHTNODE_SAVE_NODES + 1) * 26), BT_OK);
	for (i = 0; i < (DHTNODE_SAVE_NODES + 1) * 26; i++)
		assert_int_equal(bbuf_put_u8(&bad, 'x'), BT_OK);
	assert_int_equal(bbuf_put_u8(&bad, 'e'), BT_OK);
	assert_int_equal(dhtnode_load(m, bbuf_ptr(&bad), bbuf_len(&bad), 0,
	    NULL), BT_ERR_FORMAT);
	for (i = 0; i < DHTNODE_SAVE_MAX; i++)
		assert_int_equal(bbuf_put_u8(&bad, ' '), BT_OK);
	assert_int_equal(dhtnode_load(m, bbuf_ptr(&bad), bbuf_len(&bad), 0,
	    NULL), BT_ERR_LIMIT);
	assert_int_equal(dhtnode_id(m)[0], 0x7b);
	bbuf_cleanup(&bad);
	bbuf_cleanup(&b);
	dhtnode_free(m);
	dhtnode_free(n);
	free(c);
}

/*
 * The simulation: nodes at 127.A.B.C:6881 (A.B.C the index), datagrams
 * through a heap ordered by delivery time (5-50 ms of latency, 1% lost),
 * a clock in 10 ms steps, each node ticked once a second.
 */
#define SIM_PORT	6881
#define SIM_STEP_MS	10

struct dgram {
	uint64_t	at, seq;
	size_t		to;
	struct caddr	from;
	struct krpc_msg	m;
};

struct simnode;

struct sim {
	struct simnode	*nodes;
	size_t		 n, joined;
	uint64_t	 join_gap_ms;
	struct dgram	**heap;
	size_t		 nheap, capheap;
	uint64_t	 now, seq, rng;
	unsigned	 loss_per_mille;
	size_t		 dead;		/* a node that drops all; n: none */
	uint8_t		 ih[20];
	struct caddr	 want_peer;
	uint64_t	 delivered;
};

struct simnode {
	struct sim	*sim;
	size_t		 idx;
	struct dhtnode	*node;
	struct caddr	 addr;
	int		 found;		/* the announced peer came */
	uint64_t	 start_ms, found_ms;	/* of its lookup */
};

static struct caddr
sim_addr(size_t i)
{
	return a4(127, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i,
	    SIM_PORT);
}

static int
dgram_before(const struct dgram *a, const struct dgram *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void
heap_push(struct sim *s, struct dgram *d)
{
	size_t	i, up;

	if (s->nheap == s->capheap) {
		s->capheap = s->capheap ? 2 * s->capheap : 1024;
		assert_non_null(s->heap = realloc(s->heap, s->capheap *
		    sizeof(*s->heap)));
	}
	for (i = s->nheap++; i > 0; i = up) {
		up = (i - 1) / 2;
		if (!dgram_before(d, s->heap[up]))
			break;
		s->heap[i] = s->heap[up];
	}
	s->heap[i] = d;
}

static struct dgram *
heap_pop(struct sim *s)
{
	struct dgram	*top = s->heap[0], *last = s->heap[--s->nheap];
	size_t		 i = 0, k;

	for (;;) {
		k = 2 * i + 1;
		if (k >= s->nheap)
			break;
		if (k + 1 < s->nheap && dgram_before(s->heap[k + 1],
		    s->heap[k]))
			k++;
		if (!dgram_before(s->heap[k], last))
			break;
		s->heap[i] = s->heap[k];
		i = k;
	}
	if (s->nheap > 0)
		s->heap[i] = last;
	return top;
}

static int
sim_send(void *arg, const struct caddr *to, const struct krpc_msg *m)
{
	struct simnode	*sn = arg;
	struct sim	*s = sn->sim;
	struct dgram	*d;
	size_t		 idx;

	if (to->family != AF_INET || to->ip[0] != 127 || to->port != SIM_PORT)
		return 0;		/* nowhere: lost */
	idx = (size_t)to->ip[1] << 16 | (size_t)to->ip[2] << 8 | to->ip[3];
	if (idx >= s->n || rng_below(&s->rng, 1000) < s->loss_per_mille)
		return 0;
	assert_non_null(d = malloc(sizeof(*d)));
	d->at = s->now + 5 + rng_below(&s->rng, 46);
	d->seq = s->seq++;
	d->to = idx;
	d->from = sn->addr;
	d->m = *m;
	heap_push(s, d);
	return 0;
}

static void
sim_peers(void *arg, const uint8_t ih[20], const struct caddr *p, size_t n)
{
	struct simnode	*sn = arg;
	size_t		 i;

	if (memcmp(ih, sn->sim->ih, 20) != 0)
		return;
	for (i = 0; i < n; i++)
		if (caddr_equal(&p[i], &sn->sim->want_peer) && !sn->found) {
			sn->found = 1;
			sn->found_ms = sn->sim->now;
		}
}

static struct dhtnode *
sim_node_new(struct sim *s, size_t i, int bootstrap)
{
	struct dhtnode_config	cfg;
	struct dhtnode		*n;
	struct caddr		b0 = sim_addr(0);

	memset(&cfg, 0, sizeof(cfg));
	rand_id(cfg.id, &s->rng);
	cfg.seed = rng_next(&s->rng);
	cfg.families = DHTNODE_IPV4;
	cfg.send = sim_send;
	cfg.peers = sim_peers;
	cfg.arg = &s->nodes[i];
	assert_non_null(n = dhtnode_new(&cfg, s->now));
	if (bootstrap)
		assert_int_equal(dhtnode_add_bootstrap(n, &b0), BT_OK);
	return n;
}

/* Runs the network until `until', or until done(s) says so. */
static void
sim_run(struct sim *s, uint64_t until, int (*done)(const struct sim *))
{
	struct dgram	*d;
	size_t		 i, slot;

	while (s->now < until && (done == NULL || !done(s))) {
		while (s->joined < s->n &&
		    s->now >= s->joined * s->join_gap_ms) {
			i = s->joined++;
			s->nodes[i].node = sim_node_new(s, i, i != 0);
		}
		while (s->nheap > 0 && s->heap[0]->at <= s->now) {
			d = heap_pop(s);
			if (d->to < s->joined && d->to != s->dead) {
				s->delivered++;
				(void)dhtnode_input(s->nodes[d->to].node,
				    &d->from, &d->m, s->now);
			}
			free(d);
		}
		slot = (size_t)(s->now / SIM_STEP_MS) % (1000 / SIM_STEP_MS);
		for (i = slot; i < s->joined; i += 1000 / SIM_STEP_MS)
			if (i != s->dead)
				dhtnode_tick(s->nodes[i].node, s->now);
		s->now += SIM_STEP_MS;
	}
}

static int
sim_lookups_done(const struct sim *s)
{
	size_t	i;

	for (i = 0; i < s->joined; i++)
		if (i != s->dead && dhtnode_lookup_active(s->nodes[i].node,
		    s->ih))
			return 0;
	return 1;
}

static uint64_t
sim_seed(void)
{
	const char	*e = getenv("TEST_SEED");
	uint64_t	 seed = e != NULL ? strtoull(e, NULL, 0) : 20240613;

	printf("sim: seed %llu (TEST_SEED)\n", (unsigned long long)seed);
	return seed;
}

static size_t
sim_size(void)
{
	const char	*e = getenv("DHT_SIM_NODES");

	if (e != NULL && atoi(e) >= 50)
		return (size_t)atoi(e);
#if defined(__SANITIZE_ADDRESS__)
	return 1000;
#else
	return 2000;
#endif
}

static void
test_simulation(void **state)
{
	struct sim		 s;
	struct dhtnode_stats	 st;
	struct bbuf		 saved;
	size_t			 i, announcer, restarted, found = 0, good = 0;
	size_t			 stored = 0, added;
	uint64_t		 q0, qmax = 0, qsum = 0, t0, tmax = 0;
	uint64_t		*qbefore;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.n = sim_size();
	s.rng = sim_seed();
	s.join_gap_ms = 20;
	s.loss_per_mille = 10;
	s.dead = s.n;
	assert_non_null(s.nodes = calloc(s.n, sizeof(*s.nodes)));
	assert_non_null(qbefore = calloc(s.n, sizeof(*qbefore)));
	for (i = 0; i < s.n; i++) {
		s.nodes[i].sim = &s;
		s.nodes[i].idx = i;
		s.nodes[i].addr = sim_addr(i);
	}
	/* everyone joins through node 0, then the network settles */
	sim_run(&s, s.n * s.join_gap_ms + 60000, NULL);
	for (i = 0; i < s.n; i++) {
		dhtnode_stats(s.nodes[i].node, s.now, &st);
		good += st.good4;
	}
	printf("sim: %zu nodes, %llu datagrams delivered, %.1f good nodes "
	    "per table\n", s.n, (unsigned long long)s.delivered,
	    (double)good / (double)s.n);
	assert_true(good / s.n >= 40);

	/* one node announces an info-hash with port 7000 */
	rand_id(s.ih, &s.rng);
	announcer = 1 + rng_below(&s.rng, (uint32_t)s.n - 1);
	s.want_peer = sim_addr(announcer);
	s.want_peer.port = 7000;
	assert_int_equal(dhtnode_get_peers(s.nodes[announcer].node, s.ih,
	    7000, s.now), BT_OK);
	sim_run(&s, s.now + 60000, sim_lookups_done);
	sim_run(&s, s.now + 2000, NULL);	/* the announces arrive */
	for (i = 0; i < s.n; i++) {
		dhtnode_stats(s.nodes[i].node, s.now, &st);
		stored += st.peers_stored;
	}
	printf("sim: the peer is stored on %zu nodes\n", stored);

	/* every other node looks it up (2 ms apart) */
	for (i = 0; i < s.n; i++) {
		dhtnode_stats(s.nodes[i].node, s.now, &st);
		qbefore[i] = st.queries_out;
	}
	for (i = 0; i < s.n; i++) {
		if (i == announcer)
			continue;
		assert_int_equal(dhtnode_get_peers(s.nodes[i].node, s.ih, 0,
		    s.now), BT_OK);
		s.nodes[i].start_ms = s.now;
		if (i % 5 == 4)
			sim_run(&s, s.now + SIM_STEP_MS, NULL);
	}
	sim_run(&s, s.now + 120000, sim_lookups_done);
	assert_true(sim_lookups_done(&s));
	for (i = 0; i < s.n; i++) {
		if (i == announcer)
			continue;
		dhtnode_stats(s.nodes[i].node, s.now, &st);
		q0 = st.queries_out - qbefore[i];
		qsum += q0;
		if (q0 > qmax)
			qmax = q0;
		if (s.nodes[i].found) {
			found++;
			t0 = s.nodes[i].found_ms - s.nodes[i].start_ms;
			if (t0 > tmax)
				tmax = t0;
		}
	}
	printf("sim: %zu of %zu found the peer; queries per node: %.1f on "
	    "average, %llu at most; the slowest found it in %llu ms\n",
	    found, s.n - 1, (double)qsum / (double)(s.n - 1),
	    (unsigned long long)qmax, (unsigned long long)tmax);
	assert_int_equal(found, s.n - 1);
	/* bounded: few queries per lookup (refreshes and pings in the count
	 * too), far from the per-lookup cap, and a few round trips (a query
	 * lost to the 1% loss costs a 5 s time-out) */
	assert_true(qsum / (s.n - 1) <= 25);
	assert_true(qmax <= 40);
	assert_true(tmax <= 15000);

	/* a node restarts from its saved table while the bootstrap node is
	 * down, and still finds the peer */
	restarted = announcer == 1 ? 2 : 1;
	bbuf_init(&saved, DHTNODE_SAVE_MAX);
	assert_int_equal(dhtnode_save(s.nodes[restarted].node, s.now,
	    &saved), BT_OK);
	dhtnode_free(s.nodes[restarted].node);
	s.dead = 0;
	s.nodes[restarted].node = sim_node_new(&s, restarted, 0);
	s.nodes[restarted].found = 0;
	assert_int_equal(dhtnode_load(s.nodes[restarted].node,
	    bbuf_ptr(&saved), bbuf_len(&saved), s.now, &added), BT_OK);
	assert_true(added >= DHTNODE_K);
	sim_run(&s, s.now + 10000, NULL);	/* its bootstrap lookup */
	dhtnode_stats(s.nodes[restarted].node, s.now, &st);
	assert_true(st.good4 >= DHTNODE_K);
	assert_int_equal(dhtnode_get_peers(s.nodes[restarted].node, s.ih, 0,
	    s.now), BT_OK);
	sim_run(&s, s.now + 60000, sim_lookups_done);
	assert_true(s.nodes[restarted].found);
	bbuf_cleanup(&saved);

	while (s.nheap > 0)
		free(heap_pop(&s));
	free(s.heap);
	for (i = 0; i < s.n; i++)
		dhtnode_free(s.nodes[i].node);
	free(s.nodes);
	free(qbefore);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_bep42),
		cmocka_unit_test(test_external_addr),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_simulation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
