/*
 * dhtnode_lookup: the queries the node sends and the iterative lookups
 * (BEP 5 get_peers, and find_node for the bootstrap and bucket
 * refreshes).  Every query has a pending entry (transaction id, who was
 * asked, the id we expect); a lookup is found from its entry by serial
 * number and its candidates by address, so a lookup may end, or drop a
 * candidate, while queries to it are still out.
 */
#include "engine/dhtnode_impl.h"

#include <stdlib.h>
#include <string.h>

#include "engine/dhtroute.h"
#include "engine/rng.h"
#include "ipc/err.h"

static int
tid_taken(const struct dhtnode *node, const uint8_t tid[DHTNODE_TID_LEN])
{
	size_t	i;

	for (i = 0; i < DHTNODE_MAX_PENDING; i++)
		if (node->pend[i].used && memcmp(node->pend[i].tid, tid,
		    DHTNODE_TID_LEN) == 0)
			return 1;
	return 0;
}

int
dhtnode_query(struct dhtnode *node, const struct caddr *to,
    const uint8_t *id, struct krpc_msg *q, int kind, uint32_t lookup,
    uint64_t now_ms)
{
	struct pending	*p = NULL;
	uint64_t	 r;
	size_t		 i;

	if (node->npend == DHTNODE_MAX_PENDING)
		return BT_ERR_LIMIT;
	for (i = 0; i < DHTNODE_MAX_PENDING && p == NULL; i++)
		if (!node->pend[i].used)
			p = &node->pend[i];
	do {
		r = rng_next(&node->rng);
		memcpy(q->tid, &r, DHTNODE_TID_LEN);
	} while (tid_taken(node, q->tid));
	q->tid_len = DHTNODE_TID_LEN;
	q->type = KRPC_QUERY;
	memcpy(q->id, node->id, DHTNODE_ID_LEN);
	if ((q->method == KRPC_FIND_NODE || q->method == KRPC_GET_PEERS) &&
	    node->rt[0] != NULL && node->rt[1] != NULL)
		q->want = KRPC_WANT_N4 | KRPC_WANT_N6;	/* BEP 32 */
	if (node->cfg.send(node->cfg.arg, to, q) < 0)
		return BT_ERR_SYS;
	memset(p, 0, sizeof(*p));
	p->used = 1;
	memcpy(p->tid, q->tid, DHTNODE_TID_LEN);
	p->to = *to;
	if (id != NULL) {
		memcpy(p->id, id, DHTNODE_ID_LEN);
		p->has_id = 1;
	}
	p->kind = kind;
	p->lookup = lookup;
	p->sent_ms = now_ms;
	node->npend++;
	node->st.queries_out++;
	return BT_OK;
}

static int
fam_index(int family)
{
	return family == AF_INET6 ? 1 : 0;
}

static int
cand_cmp(const uint8_t target[DHTNODE_ID_LEN], const struct cand *a,
    const struct cand *b)
{
	if (!a->has_id || !b->has_id)
		return a->has_id - b->has_id;	/* id-less first */
	return dhtroute_closer(target, a->id, b->id);
}

/* Inserts c in order; a full list drops its farthest (maybe c). */
static void
cand_place(struct search *s, const uint8_t target[DHTNODE_ID_LEN],
    const struct cand *c)
{
	size_t	pos;

	for (pos = 0; pos < s->n && cand_cmp(target, &s->c[pos], c) <= 0;
	    pos++)
		;
	if (pos == DHTNODE_CANDS)
		return;
	if (s->n == DHTNODE_CANDS)
		s->n--;
	memmove(&s->c[pos + 1], &s->c[pos], (s->n - pos) * sizeof(*c));
	s->c[pos] = *c;
	s->n++;
}

static int
cand_find(const struct search *s, const struct caddr *addr,
    const uint8_t *id)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (caddr_equal(&s->c[i].addr, addr) || (id != NULL &&
		    s->c[i].has_id && memcmp(s->c[i].id, id,
		    DHTNODE_ID_LEN) == 0))
			return (int)i;
	return -1;
}

/* A node to ask (id NULL: a bootstrap address). */
static void
cand_add(struct dhtnode *node, const struct lookup *l, struct search *s,
    const uint8_t *id, const struct caddr *addr)
{
	struct cand	c;

	if (!caddr_usable(addr)) {
		node->st.nodes_refused++;
		return;
	}
	if (s->family != addr->family ||
	    (id != NULL && memcmp(id, node->id, DHTNODE_ID_LEN) == 0) ||
	    cand_find(s, addr, id) >= 0)
		return;
	memset(&c, 0, sizeof(c));
	if (id != NULL) {
		memcpy(c.id, id, DHTNODE_ID_LEN);
		c.has_id = 1;
	}
	c.addr = *addr;
	c.state = CAND_NEW;
	cand_place(s, l->target, &c);
}

static void
search_seed(struct dhtnode *node, struct lookup *l, struct search *s,
    uint64_t now_ms)
{
	struct dhtroute_node	near[2 * DHTNODE_K];
	size_t			n, i;

	n = dhtroute_closest(node->rt[fam_index(s->family)], l->target,
	    now_ms, 0, near, 2 * DHTNODE_K);
	for (i = 0; i < n; i++)
		cand_add(node, l, s, near[i].id, &near[i].addr);
	if (n >= DHTNODE_K)
		return;
	for (i = 0; i < node->nboot; i++)
		cand_add(node, l, s, NULL, &node->boot[i]);
}

static int
ask(struct dhtnode *node, struct lookup *l, struct search *s,
    struct cand *c, uint64_t now_ms)
{
	struct krpc_msg	q;
	int		r;

	dhtnode_msg_init(node, &q, KRPC_QUERY);
	q.method = l->kind == LOOKUP_GET_PEERS ? KRPC_GET_PEERS :
	    KRPC_FIND_NODE;
	memcpy(q.target, l->target, DHTNODE_ID_LEN);
	r = dhtnode_query(node, &c->addr, c->has_id ? c->id : NULL, &q,
	    PEND_LOOKUP, l->serial, now_ms);
	if (r == BT_OK) {
		c->state = CAND_ASKED;
		s->queries++;
	} else if (r != BT_ERR_LIMIT)
		c->state = CAND_FAILED;	/* not sent: do not wait for it */
	return r;
}

/* Asks the closest not yet asked among the K closest that have not
 * failed, alpha at a time.  1 when nothing is left to wait for. */
static int
search_step(struct dhtnode *node, struct lookup *l, struct search *s,
    uint64_t now_ms)
{
	struct cand	*c;
	size_t		 i, top = 0, asked = 0;
	int		 idle = 1, can = s->queries < DHTNODE_SEARCH_MAX_QUERIES;

	if (s->family == 0)
		return 1;
	for (i = 0; i < s->n; i++)
		asked += s->c[i].state == CAND_ASKED;
	for (i = 0; i < s->n && top < DHTNODE_K; i++) {
		c = &s->c[i];
		if (c->state == CAND_NEW && can && asked < DHTNODE_ALPHA) {
			if (ask(node, l, s, c, now_ms) == BT_OK)
				asked++;
			can = s->queries < DHTNODE_SEARCH_MAX_QUERIES;
		}
		if (c->state == CAND_FAILED)
			continue;
		top++;
		if (c->state == CAND_ASKED || (c->state == CAND_NEW && can))
			idle = 0;
	}
	return idle;
}

static void
announce(struct dhtnode *node, const struct lookup *l, uint64_t now_ms)
{
	const struct search	*s;
	const struct cand	*c;
	struct krpc_msg		 q;
	size_t			 f, i, sent;

	for (f = 0; f < 2; f++) {
		s = &l->s[f];
		for (i = sent = 0; i < s->n && sent < DHTNODE_K; i++) {
			c = &s->c[i];
			if (c->state != CAND_ANSWERED || c->token_len == 0)
				continue;
			dhtnode_msg_init(node, &q, KRPC_QUERY);
			q.method = KRPC_ANNOUNCE_PEER;
			memcpy(q.target, l->target, DHTNODE_ID_LEN);
			q.port = l->announce_port;
			q.implied_port = 0;
			memcpy(q.token, c->token, c->token_len);
			q.token_len = c->token_len;
			if (dhtnode_query(node, &c->addr, c->id, &q,
			    PEND_ANNOUNCE, 0, now_ms) == BT_OK)
				sent++;
		}
	}
}

static void
lookup_finish(struct dhtnode *node, size_t slot, uint64_t now_ms)
{
	struct lookup	*l = node->run[slot];
	size_t		 f;

	node->run[slot] = NULL;
	if (l->bootstrap)
		for (f = 0; f < 2; f++)
			if (l->s[f].family != 0)
				dhtroute_refresh_all(node->rt[f]);
	if (l->kind == LOOKUP_GET_PEERS && l->announce_port != 0)
		announce(node, l, now_ms);
	free(l);
}

static void
lookup_step(struct dhtnode *node, size_t slot, uint64_t now_ms)
{
	struct lookup	*l = node->run[slot];
	int		 idle = 1;
	size_t		 f;

	if (now_ms < l->started_ms ||
	    now_ms - l->started_ms < DHTNODE_LOOKUP_MAX_MS)
		for (f = 0; f < 2; f++)
			idle &= search_step(node, l, &l->s[f], now_ms);
	if (idle)
		lookup_finish(node, slot, now_ms);
}

static int
lookup_slot(const struct dhtnode *node, uint32_t serial)
{
	size_t	i;

	for (i = 0; i < DHTNODE_MAX_LOOKUPS + DHTNODE_MAX_MAINT; i++)
		if (node->run[i] != NULL && node->run[i]->serial == serial)
			return (int)i;
	return -1;
}

static int
lookup_start(struct dhtnode *node, size_t slot, int kind,
    const uint8_t target[DHTNODE_ID_LEN], uint16_t announce_port,
    int family_mask, int bootstrap, uint64_t now_ms)
{
	struct lookup	*l;
	size_t		 f;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return BT_ERR_NOMEM;
	if (++node->serial == 0)
		node->serial = 1;	/* 0 is "no lookup" */
	l->serial = node->serial;
	l->kind = kind;
	l->bootstrap = bootstrap;
	memcpy(l->target, target, DHTNODE_ID_LEN);
	l->announce_port = announce_port;
	l->started_ms = now_ms;
	for (f = 0; f < 2; f++)
		if (node->rt[f] != NULL && (family_mask & (1 << f))) {
			l->s[f].family = f == 0 ? AF_INET : AF_INET6;
			search_seed(node, l, &l->s[f], now_ms);
		}
	node->run[slot] = l;
	lookup_step(node, slot, now_ms);
	return BT_OK;
}

void
dhtnode_on_answer(struct dhtnode *node, const struct pending *p,
    const struct krpc_msg *m, uint64_t now_ms)
{
	struct lookup	*l;
	struct search	*s;
	struct cand	 c;
	size_t		 i;
	int		 slot, k;

	node->st.nodes_refused += m->dropped;
	if (p->kind != PEND_LOOKUP || (slot = lookup_slot(node,
	    p->lookup)) < 0)
		return;
	l = node->run[slot];
	s = &l->s[fam_index(p->to.family)];
	if ((k = cand_find(s, &p->to, NULL)) >= 0) {
		c = s->c[k];
		c.state = CAND_ANSWERED;
		if (m->token_len <= KRPC_TOKEN_MAX) {
			memcpy(c.token, m->token, m->token_len);
			c.token_len = m->token_len;
		}
		/* a bootstrap address now has an id: move it into place
		 * (unless that id is known at another address) */
		memmove(&s->c[k], &s->c[k + 1], (s->n - (size_t)k - 1) *
		    sizeof(c));
		s->n--;
		if (!c.has_id) {
			memcpy(c.id, m->id, DHTNODE_ID_LEN);
			c.has_id = 1;
		}
		if (cand_find(s, &c.addr, c.id) < 0)
			cand_place(s, l->target, &c);
	}
	for (i = 0; i < m->nnodes && i < 2 * KRPC_MAX_NODES; i++)
		cand_add(node, l, &l->s[fam_index(m->nodes[i].addr.family)],
		    m->nodes[i].id, &m->nodes[i].addr);
	if (l->kind == LOOKUP_GET_PEERS && m->nvalues > 0 &&
	    node->cfg.peers != NULL)
		node->cfg.peers(node->cfg.arg, l->target, m->values,
		    m->nvalues < KRPC_MAX_VALUES ? m->nvalues :
		    KRPC_MAX_VALUES);
	lookup_step(node, (size_t)slot, now_ms);
}

void
dhtnode_on_failure(struct dhtnode *node, const struct pending *p,
    uint64_t now_ms)
{
	struct search	*s;
	int		 slot, k;

	if (p->kind != PEND_LOOKUP || (slot = lookup_slot(node,
	    p->lookup)) < 0)
		return;
	s = &node->run[slot]->s[fam_index(p->to.family)];
	if ((k = cand_find(s, &p->to, NULL)) >= 0 &&
	    s->c[k].state == CAND_ASKED)
		s->c[k].state = CAND_FAILED;
	lookup_step(node, (size_t)slot, now_ms);
}

static int
free_slot(const struct dhtnode *node, int maint)
{
	size_t	i = maint ? DHTNODE_MAX_LOOKUPS : 0;
	size_t	end = maint ? DHTNODE_MAX_LOOKUPS + DHTNODE_MAX_MAINT :
		    DHTNODE_MAX_LOOKUPS;

	for (; i < end; i++)
		if (node->run[i] == NULL)
			return (int)i;
	return -1;
}

/* Starts queued get_peers lookups while slots are free.  A loop, not a
 * call from lookup_finish, so lookups that end at once (nothing to ask)
 * do not recurse. */
static void
pump(struct dhtnode *node, uint64_t now_ms)
{
	struct lookup_req	req;
	int			slot;

	while (node->qlen > 0 && (slot = free_slot(node, 0)) >= 0) {
		req = node->queue[node->qhead];
		node->qhead = (node->qhead + 1) % DHTNODE_MAX_QUEUED;
		node->qlen--;
		if (lookup_start(node, (size_t)slot, LOOKUP_GET_PEERS,
		    req.info_hash, req.announce_port, 3, 0, now_ms) != BT_OK)
			break;
	}
}

void
dhtnode_lookups_tick(struct dhtnode *node, uint64_t now_ms)
{
	size_t	i;

	/* time caps, and queries a full pending table held back */
	for (i = 0; i < DHTNODE_MAX_LOOKUPS + DHTNODE_MAX_MAINT; i++)
		if (node->run[i] != NULL)
			lookup_step(node, i, now_ms);
	pump(node, now_ms);
}

void
dhtnode_lookups_pump(struct dhtnode *node, uint64_t now_ms)
{
	pump(node, now_ms);
}

int
dhtnode_start_find(struct dhtnode *node,
    const uint8_t target[DHTNODE_ID_LEN], int family_mask, int bootstrap,
    uint64_t now_ms)
{
	int	slot;

	if ((slot = free_slot(node, 1)) < 0)
		return BT_ERR_LIMIT;
	return lookup_start(node, (size_t)slot, LOOKUP_FIND_NODE, target, 0,
	    family_mask, bootstrap, now_ms);
}

int
dhtnode_bootstrapping(const struct dhtnode *node)
{
	size_t	i;

	for (i = DHTNODE_MAX_LOOKUPS; i < DHTNODE_MAX_LOOKUPS +
	    DHTNODE_MAX_MAINT; i++)
		if (node->run[i] != NULL && node->run[i]->bootstrap)
			return 1;
	return 0;
}

size_t
dhtnode_maint_running(const struct dhtnode *node)
{
	size_t	i, n = 0;

	for (i = DHTNODE_MAX_LOOKUPS; i < DHTNODE_MAX_LOOKUPS +
	    DHTNODE_MAX_MAINT; i++)
		n += node->run[i] != NULL;
	return n;
}

void
dhtnode_lookups_free(struct dhtnode *node)
{
	size_t	i;

	for (i = 0; i < DHTNODE_MAX_LOOKUPS + DHTNODE_MAX_MAINT; i++) {
		free(node->run[i]);
		node->run[i] = NULL;
	}
	node->qlen = 0;
}

int
dhtnode_get_peers(struct dhtnode *node,
    const uint8_t info_hash[DHTNODE_ID_LEN], uint16_t announce_port,
    uint64_t now_ms)
{
	struct lookup_req	*req;
	int			 slot;

	if (dhtnode_lookup_active(node, info_hash))
		return BT_ERR_EXISTS;
	if (node->qlen == 0 && (slot = free_slot(node, 0)) >= 0)
		return lookup_start(node, (size_t)slot, LOOKUP_GET_PEERS,
		    info_hash, announce_port, 3, 0, now_ms);
	if (node->qlen == DHTNODE_MAX_QUEUED)
		return BT_ERR_LIMIT;
	req = &node->queue[(node->qhead + node->qlen) % DHTNODE_MAX_QUEUED];
	memcpy(req->info_hash, info_hash, DHTNODE_ID_LEN);
	req->announce_port = announce_port;
	node->qlen++;
	return BT_OK;
}

int
dhtnode_lookup_active(const struct dhtnode *node,
    const uint8_t info_hash[DHTNODE_ID_LEN])
{
	size_t	i;

	for (i = 0; i < DHTNODE_MAX_LOOKUPS; i++)
		if (node->run[i] != NULL && memcmp(node->run[i]->target,
		    info_hash, DHTNODE_ID_LEN) == 0)
			return 1;
	for (i = 0; i < node->qlen; i++)
		if (memcmp(node->queue[(node->qhead + i) %
		    DHTNODE_MAX_QUEUED].info_hash, info_hash,
		    DHTNODE_ID_LEN) == 0)
			return 1;
	return 0;
}

void
dhtnode_lookups_count(const struct dhtnode *node, size_t *running_out,
    size_t *queued_out)
{
	size_t	i;

	*running_out = 0;
	for (i = 0; i < DHTNODE_MAX_LOOKUPS; i++)
		*running_out += node->run[i] != NULL;
	*queued_out = node->qlen;
}
