/*
 * utpmux: the table of uTP connections (see utpmux.h).  Each connection
 * is a record {key, u, released} reached two ways: a dense array for
 * the walks (tick, flush, deadline) and a hash of chains on the key for
 * the lookups every datagram makes.  Invariants: no two records share a
 * key; a record is released or its owner holds u; a released record
 * whose connection is over is freed before the mux call that saw it end
 * returns.
 */
#include "engine/utpmux.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "engine/rng.h"
#include "engine/utp.h"
#include "engine/utp_demux.h"
#include "engine/utp_packet.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define HELD_MAX	64	/* the STATE acking a SYN: a bare header */
#define BUCKETS_MAX	65536
#define ID_TRIES	64	/* receive ids drawn before giving up */
#define RESET_MAX	64	/* a RESET: a bare header */

struct conn {
	struct utpmux	*mux;
	struct utp_key	 key;		/* key.addr: the peer */
	struct utp	*u;
	struct conn	*next;		/* hash chain */
	size_t		 slot;		/* index in mux->conns */
	uint8_t		 released;	/* the owner let go */
	uint8_t		 had_input;	/* flush owes it an ack */
	uint8_t		 holding;	/* sends go to held (accept pending) */
	uint8_t		 held[HELD_MAX];
	size_t		 held_len;
};

struct utpmux {
	struct utpmux_config	 cfg;
	uint64_t		 rng;
	struct conn		**conns;
	size_t			 n, cap;
	struct conn		**bucket;
	size_t			 nbuckets;	/* a power of 2 */
	struct bbuf		 reset;		/* scratch for replies */
	uint64_t		 now_us;	/* the latest call's */
};

/* ---- the table ---- */

static size_t
key_hash(const struct utpmux *m, const struct utp_key *k)
{
	uint32_t	h = 2166136261u;	/* FNV-1a */
	size_t		i, len = k->addr.family == AF_INET6 ? 16 : 4;

	for (i = 0; i < len; i++)
		h = (h ^ k->addr.ip[i]) * 16777619u;
	h = (h ^ (k->addr.port & 0xff)) * 16777619u;
	h = (h ^ (k->addr.port >> 8)) * 16777619u;
	h = (h ^ (k->conn_id & 0xff)) * 16777619u;
	h = (h ^ (k->conn_id >> 8)) * 16777619u;
	return h & (m->nbuckets - 1);
}

static struct conn *
find(const struct utpmux *m, const struct utp_key *k)
{
	struct conn	*c;

	for (c = m->bucket[key_hash(m, k)]; c != NULL; c = c->next)
		if (utp_key_equal(&c->key, k))
			return c;
	return NULL;
}

static struct conn *
find_utp(const struct utpmux *m, const struct utp *u)
{
	size_t	i;

	for (i = 0; i < m->n; i++)
		if (m->conns[i]->u == u)
			return m->conns[i];
	return NULL;
}

static int
insert(struct utpmux *m, struct conn *c)
{
	struct conn	**nc;
	size_t		  h, cap;

	if (m->n == m->cap) {
		cap = m->cap ? 2 * m->cap : 16;
		if ((nc = realloc(m->conns, cap * sizeof(*nc))) == NULL)
			return BT_ERR_NOMEM;
		m->conns = nc;
		m->cap = cap;
	}
	c->slot = m->n;
	m->conns[m->n++] = c;
	h = key_hash(m, &c->key);
	c->next = m->bucket[h];
	m->bucket[h] = c;
	return BT_OK;
}

static void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	utp_free(c->u);
	free(c);
}

/* Takes c out of the table and frees it and its connection. */
static void
drop(struct utpmux *m, struct conn *c)
{
	struct conn	**pp;

	for (pp = &m->bucket[key_hash(m, &c->key)]; *pp != NULL;
	    pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	m->conns[c->slot] = m->conns[--m->n];
	m->conns[c->slot]->slot = c->slot;
	conn_free(c);
}

/* Frees the released connections that are over (walking down, so that
 * drop's swap with the last only moves records already seen). */
static void
reap(struct utpmux *m)
{
	size_t	i;

	for (i = m->n; i-- > 0;)
		if (m->conns[i]->released && utp_is_over(m->conns[i]->u))
			drop(m, m->conns[i]);
}

/* ---- sending ---- */

/* Each connection's send callback: its datagrams go to its peer, or
 * wait in held while the owner has not taken it yet. */
static void
conn_send(void *arg, const uint8_t *p, size_t n)
{
	struct conn	*c = arg;

	if (c->holding) {
		if (n <= sizeof(c->held)) {
			memcpy(c->held, p, n);
			c->held_len = n;
		}
		return;
	}
	c->mux->cfg.send(c->mux->cfg.arg, &c->key.addr, p, n);
}

/* Answers pkt, which no connection claims, with a RESET (never a
 * RESET: two strangers would answer each other forever). */
static void
send_reset(struct utpmux *m, const struct caddr *to,
    const struct utp_packet *pkt)
{
	bbuf_reset(&m->reset);
	if (utp_demux_reset(pkt, (uint16_t)rng_next(&m->rng), &m->reset) ==
	    BT_OK)
		m->cfg.send(m->cfg.arg, to, bbuf_ptr(&m->reset),
		    bbuf_len(&m->reset));
}

static void
conn_config(struct utpmux *m, struct conn *c, struct utp_config *uc)
{
	memset(uc, 0, sizeof(*uc));
	uc->send = conn_send;
	uc->arg = c;
	uc->send_buf = m->cfg.send_buf;
	uc->recv_buf = m->cfg.recv_buf;
}

/* ---- input ---- */

/* A SYN no connection claims: a connection if there is room and the
 * owner takes it; a RESET otherwise. */
static void
incoming(struct utpmux *m, const struct utp_key *key,
    const struct utp_packet *pkt, const uint8_t *p, size_t n,
    uint64_t now_us)
{
	const struct caddr	*from = &key->addr;
	struct utp_config	 uc;
	struct conn		*c;

	if (m->n >= m->cfg.max_conns || m->cfg.accept == NULL ||
	    (c = calloc(1, sizeof(*c))) == NULL) {
		send_reset(m, from, pkt);
		return;
	}
	c->mux = m;
	c->key = *key;
	conn_config(m, c, &uc);
	/* the STATE that acks the SYN waits for the owner's answer: a
	 * refused dialler gets a RESET alone */
	c->holding = 1;
	if (utp_new_incoming(&uc, p, n, (uint16_t)rng_next(&m->rng), now_us,
	    &c->u) != BT_OK || insert(m, c) != BT_OK) {
		conn_free(c);
		send_reset(m, from, pkt);
		return;
	}
	c->holding = 0;
	if (!m->cfg.accept(m->cfg.arg, c->u, from)) {
		utp_abort(c->u, now_us);
		drop(m, c);
		return;
	}
	if (c->held_len > 0)
		m->cfg.send(m->cfg.arg, &c->key.addr, c->held, c->held_len);
}

void
utpmux_input(struct utpmux *m, const struct caddr *from, const uint8_t *p,
    size_t n, uint64_t now_us)
{
	struct utp_key		 keys[UTP_DEMUX_MAX_KEYS];
	struct utp_packet	 pkt;
	struct conn		*c;
	size_t			 i, nkeys;

	m->now_us = now_us;
	if (utp_packet_decode(p, n, &pkt) != BT_OK)
		return;
	nkeys = utp_demux_keys(&pkt, from, keys);
	for (i = 0; i < nkeys; i++) {
		if ((c = find(m, &keys[i])) == NULL ||
		    utp_input(c->u, p, n, now_us) == BT_ERR_INVALID)
			continue;
		c->had_input = 1;
		if (c->released && utp_is_over(c->u))
			drop(m, c);
		return;
	}
	/* a SYN whose key is taken (our own dial to that peer with the
	 * same id) must not make a second record under it */
	if (pkt.type == UTP_ST_SYN && find(m, &keys[0]) == NULL)
		incoming(m, &keys[0], &pkt, p, n, now_us);
	else
		send_reset(m, from, &pkt);
}

void
utpmux_flush(struct utpmux *m, uint64_t now_us)
{
	size_t	i;

	m->now_us = now_us;
	for (i = 0; i < m->n; i++)
		if (m->conns[i]->had_input) {
			m->conns[i]->had_input = 0;
			utp_flush(m->conns[i]->u, now_us);
		}
}

/* ---- the owner's side ---- */

/* A receive id whose key, and the keys a RESET to it might use, are
 * free with that address; BT_ERR_LIMIT after ID_TRIES draws. */
static int
pick_id(struct utpmux *m, const struct caddr *to, uint16_t *id_out)
{
	struct utp_key	k;
	int		tries, d, used;

	memset(&k, 0, sizeof(k));
	k.addr = *to;
	for (tries = 0; tries < ID_TRIES; tries++) {
		uint16_t id = (uint16_t)rng_next(&m->rng);

		for (used = 0, d = -1; d <= 1 && !used; d++) {
			k.conn_id = (uint16_t)(id + d);
			used = find(m, &k) != NULL;
		}
		if (!used) {
			*id_out = id;
			return BT_OK;
		}
	}
	return BT_ERR_LIMIT;
}

int
utpmux_connect(struct utpmux *m, const struct caddr *to, uint64_t now_us,
    struct utp **out)
{
	struct utp_config	 uc;
	struct conn		*c = NULL;
	uint16_t		 id;
	int			 r;

	*out = NULL;
	m->now_us = now_us;
	if (to->family != AF_INET && to->family != AF_INET6)
		return BT_ERR_INVALID;
	if (m->n >= m->cfg.max_conns)
		return BT_ERR_LIMIT;
	if ((r = pick_id(m, to, &id)) != BT_OK)
		return r;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return BT_ERR_NOMEM;
	c->mux = m;
	c->key.addr = *to;
	c->key.conn_id = id;
	conn_config(m, c, &uc);
	if ((r = utp_new_outgoing(&uc, id, (uint16_t)rng_next(&m->rng),
	    now_us, &c->u)) != BT_OK)
		goto out;
	if ((r = insert(m, c)) != BT_OK) {
		utp_abort(c->u, now_us);	/* its SYN went out */
		goto out;
	}
	*out = c->u;
	c = NULL;
out:
	conn_free(c);
	return r;
}

void
utpmux_release(struct utpmux *m, struct utp *u, uint64_t now_us)
{
	struct conn	*c;

	m->now_us = now_us;
	if (u == NULL || (c = find_utp(m, u)) == NULL)
		return;
	c->released = 1;
	utp_close(u, now_us);
	if (utp_is_over(u))
		drop(m, c);
}

size_t
utpmux_unreachable(struct utpmux *m, const struct caddr *to)
{
	size_t	i, n = 0;

	for (i = 0; i < m->n; i++)
		if (caddr_equal(&m->conns[i]->key.addr, to) &&
		    utp_unreachable(m->conns[i]->u))
			n++;
	reap(m);		/* released ones that are over now */
	return n;
}

void
utpmux_tick(struct utpmux *m, uint64_t now_us)
{
	size_t	i;

	m->now_us = now_us;
	for (i = 0; i < m->n; i++)
		if (utp_deadline_us(m->conns[i]->u) <= now_us)
			utp_tick(m->conns[i]->u, now_us);
	reap(m);
}

uint64_t
utpmux_deadline_us(const struct utpmux *m)
{
	uint64_t	d = UINT64_MAX, t;
	size_t		i;

	for (i = 0; i < m->n; i++)
		if ((t = utp_deadline_us(m->conns[i]->u)) < d)
			d = t;
	return d;
}

size_t
utpmux_count(const struct utpmux *m)
{
	return m->n;
}

/* ---- life cycle ---- */

static int
buf_ok(size_t n)
{
	return n == 0 || (n >= UTP_MSS_DEFAULT && n <= UTP_BUF_MAX);
}

int
utpmux_new(const struct utpmux_config *cfg, struct utpmux **out)
{
	struct utpmux	*m;

	*out = NULL;
	if (cfg->send == NULL || !buf_ok(cfg->send_buf) ||
	    !buf_ok(cfg->recv_buf))
		return BT_ERR_INVALID;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return BT_ERR_NOMEM;
	m->cfg = *cfg;
	if (m->cfg.max_conns == 0)
		m->cfg.max_conns = UTPMUX_MAX_CONNS_DEFAULT;
	m->rng = cfg->seed;
	/* about two buckets a connection: chains of one or two */
	for (m->nbuckets = 16; m->nbuckets < BUCKETS_MAX &&
	    m->nbuckets < 2 * m->cfg.max_conns; m->nbuckets *= 2)
		;
	bbuf_init(&m->reset, RESET_MAX);
	if ((m->bucket = calloc(m->nbuckets, sizeof(*m->bucket))) == NULL) {
		utpmux_free(m);
		return BT_ERR_NOMEM;
	}
	*out = m;
	return BT_OK;
}

void
utpmux_free(struct utpmux *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++) {
		/* the peer hears of it now rather than after its time-outs */
		if (!utp_is_over(m->conns[i]->u))
			utp_abort(m->conns[i]->u, m->now_us);
		conn_free(m->conns[i]);
	}
	free(m->conns);
	free(m->bucket);
	bbuf_cleanup(&m->reset);
	free(m);
}
