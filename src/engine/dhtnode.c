/*
 * dhtnode: one DHT node (see dhtnode.h).  This file answers queries
 * (tokens, the per-IP rate limit, the routing tables they feed), matches
 * answers to our queries, runs the timers, and saves and loads the node
 * table; dhtnode_lookup.c sends our queries and runs the lookups,
 * dhtnode_store.c keeps the announced peers.
 */
#include "engine/dhtnode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/bencode.h"
#include "engine/dhtnode_impl.h"
#include "engine/dhtroute.h"
#include "engine/rng.h"
#include "engine/sha1.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

int
dhtnode_fam(const struct dhtnode *node, int family)
{
	if (family == AF_INET && node->rt[0] != NULL)
		return 0;
	if (family == AF_INET6 && node->rt[1] != NULL)
		return 1;
	return -1;
}

void
dhtnode_msg_init(const struct dhtnode *node, struct krpc_msg *m, int type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	if (node->cfg.client_len == KRPC_CLIENT_LEN) {
		memcpy(m->client, node->cfg.client, KRPC_CLIENT_LEN);
		m->client_len = KRPC_CLIENT_LEN;
	}
}

static void
random_bytes(uint64_t *rng, uint8_t *out, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(rng_next(rng) >> 56);
}

static int
tables_new(struct dhtnode *node, uint64_t now_ms)
{
	dhtroute_free(node->rt[0]);
	dhtroute_free(node->rt[1]);
	node->rt[0] = node->rt[1] = NULL;
	if ((node->cfg.families & DHTNODE_IPV4) && (node->rt[0] =
	    dhtroute_new(node->id, AF_INET, now_ms)) == NULL)
		return BT_ERR_NOMEM;
	if ((node->cfg.families & DHTNODE_IPV6) && (node->rt[1] =
	    dhtroute_new(node->id, AF_INET6, now_ms)) == NULL)
		return BT_ERR_NOMEM;
	return BT_OK;
}

struct dhtnode *
dhtnode_new(const struct dhtnode_config *cfg, uint64_t now_ms)
{
	struct dhtnode	*node;

	if (cfg->send == NULL ||
	    (cfg->families & ~(unsigned)(DHTNODE_IPV4 | DHTNODE_IPV6)) != 0)
		return NULL;
	if ((node = calloc(1, sizeof(*node))) == NULL)
		return NULL;
	node->cfg = *cfg;
	if (node->cfg.families == 0)
		node->cfg.families = DHTNODE_IPV4;
	if (node->cfg.rate_per_s == 0)
		node->cfg.rate_per_s = DHTNODE_RATE_PER_S;
	memcpy(node->id, cfg->id, DHTNODE_ID_LEN);
	node->rng = cfg->seed;
	if (tables_new(node, now_ms) != BT_OK) {
		dhtnode_free(node);
		return NULL;
	}
	random_bytes(&node->rng, node->secret[0], sizeof(node->secret[0]));
	random_bytes(&node->rng, node->secret[1], sizeof(node->secret[1]));
	node->secret_ms = now_ms;
	node->rate_salt = rng_next(&node->rng);
	node->store_expire_ms = now_ms;
	node->boot_next_ms = now_ms;
	node->boot_backoff_ms = DHTNODE_BOOT_MIN_MS;
	return node;
}

void
dhtnode_free(struct dhtnode *node)
{
	if (node == NULL)
		return;
	dhtnode_lookups_free(node);
	dhtnode_store_free(node);
	dhtroute_free(node->rt[0]);
	dhtroute_free(node->rt[1]);
	free(node);
}

const uint8_t *
dhtnode_id(const struct dhtnode *node)
{
	return node->id;
}

static size_t
ip_len(const struct caddr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

static int
same_ip(const struct caddr *a, const struct caddr *b)
{
	return a->family == b->family && memcmp(a->ip, b->ip, ip_len(a)) == 0;
}

/* Tokens (BEP 5): SHA-1 of a secret and the querier's IP, cut short. */
static void
token_make(const uint8_t secret[20], const struct caddr *from,
    uint8_t out[DHTNODE_TOKEN_LEN])
{
	uint8_t	buf[20 + 16], dig[SHA1_LEN];

	memcpy(buf, secret, 20);
	memcpy(buf + 20, from->ip, ip_len(from));
	sha1_digest(buf, 20 + ip_len(from), dig);
	memcpy(out, dig, DHTNODE_TOKEN_LEN);
}

static int
token_ok(const struct dhtnode *node, const struct caddr *from,
    const uint8_t *token, size_t len)
{
	uint8_t	want[DHTNODE_TOKEN_LEN];
	size_t	k;

	if (len != DHTNODE_TOKEN_LEN)
		return 0;
	for (k = 0; k < 2; k++) {
		token_make(node->secret[k], from, want);
		if (memcmp(want, token, DHTNODE_TOKEN_LEN) == 0)
			return 1;
	}
	return 0;
}

static void
token_rotate(struct dhtnode *node, uint64_t now_ms)
{
	memcpy(node->secret[1], node->secret[0], sizeof(node->secret[0]));
	random_bytes(&node->rng, node->secret[0], sizeof(node->secret[0]));
	node->secret_ms = now_ms;
}

/*
 * The per-IP token bucket.  An IP hashes (with a secret salt, so nobody
 * can aim at a set) to a set of DHTNODE_RATE_WAYS slots; a newcomer to a
 * full set takes the slot idle longest, with a full bucket.  So the table
 * never grows, and a flood from many addresses costs at worst what no
 * limit would.
 */
static int
rate_allow(struct dhtnode *node, const struct caddr *from, uint64_t now_ms)
{
	struct rate_slot	*set, *s = NULL;
	uint64_t		 h = node->rate_salt ^ 0xcbf29ce484222325ull;
	uint64_t		 cap, add;
	size_t			 i;

	for (i = 0; i < ip_len(from); i++)
		h = (h ^ from->ip[i]) * 0x100000001b3ull;	/* FNV-1a */
	set = &node->rate[(h % (DHTNODE_RATE_SLOTS / DHTNODE_RATE_WAYS)) *
	    DHTNODE_RATE_WAYS];
	cap = (uint64_t)node->cfg.rate_per_s * DHTNODE_RATE_BURST_S * 1000;
	for (i = 0; i < DHTNODE_RATE_WAYS && s == NULL; i++)
		if (same_ip(&set[i].ip, from))
			s = &set[i];
	if (s == NULL) {
		s = &set[0];
		for (i = 1; i < DHTNODE_RATE_WAYS; i++)
			if (set[i].ip.family == 0 || (s->ip.family != 0 &&
			    set[i].last_ms < s->last_ms))
				s = &set[i];
		memset(s, 0, sizeof(*s));
		s->ip.family = from->family;
		memcpy(s->ip.ip, from->ip, ip_len(from));
		s->last_ms = now_ms;
		s->milli = (uint32_t)cap;
	}
	if (now_ms > s->last_ms) {
		/* ms x queries/s = thousandths of a query */
		add = (now_ms - s->last_ms) * node->cfg.rate_per_s;
		s->milli = (uint32_t)(s->milli + add > cap ? cap :
		    s->milli + add);
		s->last_ms = now_ms;
	}
	if (s->milli < 1000)
		return 0;
	s->milli -= 1000;
	return 1;
}

/* Tells the table of fam index f about a node; pings the node it names
 * when its bucket is full of questionable ones. */
static void
route_seen(struct dhtnode *node, int f, const uint8_t id[DHTNODE_ID_LEN],
    const struct caddr *addr, int how, uint64_t now_ms)
{
	struct dhtroute_node	ping;
	struct krpc_msg		q;

	if (dhtroute_seen(node->rt[f], id, addr, how, now_ms, &ping) !=
	    DHTROUTE_PING)
		return;
	dhtnode_msg_init(node, &q, KRPC_QUERY);
	q.method = KRPC_PING;
	(void)dhtnode_query(node, &ping.addr, ping.id, &q, PEND_PING, 0,
	    now_ms);
}

static void
reply_init(const struct dhtnode *node, struct krpc_msg *r,
    const struct krpc_msg *q, const struct caddr *from, int type)
{
	dhtnode_msg_init(node, r, type);
	memcpy(r->tid, q->tid, q->tid_len);
	r->tid_len = q->tid_len;
	if (type == KRPC_RESPONSE) {
		memcpy(r->id, node->id, DHTNODE_ID_LEN);
		r->ip = *from;			/* BEP 42 */
	}
}

static void
send_error(struct dhtnode *node, const struct krpc_msg *q,
    const struct caddr *from, int code, const char *msg)
{
	struct krpc_msg	r;

	reply_init(node, &r, q, from, KRPC_ERROR);
	r.error_code = code;
	snprintf(r.error_msg, sizeof(r.error_msg), "%s", msg);
	(void)node->cfg.send(node->cfg.arg, from, &r);
}

/* The 8 closest good nodes of each family asked for (BEP 32 "want"; by
 * default the querier's own). */
static void
add_nodes(struct dhtnode *node, struct krpc_msg *r, const struct caddr *from,
    unsigned want, const uint8_t target[DHTNODE_ID_LEN], uint64_t now_ms)
{
	struct dhtroute_node	near[DHTNODE_K];
	size_t			f, n, i;

	if (want == 0)
		want = from->family == AF_INET ? KRPC_WANT_N4 : KRPC_WANT_N6;
	for (f = 0; f < 2; f++) {
		if (node->rt[f] == NULL || !(want & (f == 0 ? KRPC_WANT_N4 :
		    KRPC_WANT_N6)))
			continue;
		n = dhtroute_closest(node->rt[f], target, now_ms, 1, near,
		    DHTNODE_K);
		for (i = 0; i < n; i++) {
			memcpy(r->nodes[r->nnodes].id, near[i].id,
			    DHTNODE_ID_LEN);
			r->nodes[r->nnodes++].addr = near[i].addr;
		}
	}
}

static int
on_announce(struct dhtnode *node, const struct caddr *from,
    const struct krpc_msg *q, struct krpc_msg *r, uint64_t now_ms)
{
	struct caddr	peer;

	if (!token_ok(node, from, q->token, q->token_len)) {
		node->st.tokens_refused++;
		send_error(node, q, from, KRPC_ERR_PROTOCOL, "bad token");
		return BT_ERR_PROTO;
	}
	peer = *from;
	if (!q->implied_port)
		peer.port = q->port;
	if (!caddr_usable(&peer)) {
		node->st.dropped_bad++;
		send_error(node, q, from, KRPC_ERR_PROTOCOL, "bad port");
		return BT_ERR_INVALID;
	}
	if (dhtnode_store_add(node, q->target, &peer, now_ms) == BT_OK)
		node->st.announces++;
	(void)node->cfg.send(node->cfg.arg, from, r);
	return BT_OK;
}

static int
on_query(struct dhtnode *node, int f, const struct caddr *from,
    const struct krpc_msg *q, uint64_t now_ms)
{
	struct krpc_msg	r;
	size_t		max;

	node->st.queries_in++;
	if (!rate_allow(node, from, now_ms)) {
		node->st.dropped_rate++;
		return BT_ERR_LIMIT;
	}
	if (q->tid_len == 0 || q->tid_len > KRPC_TID_MAX ||
	    memcmp(q->id, node->id, DHTNODE_ID_LEN) == 0) {
		node->st.dropped_bad++;
		return BT_ERR_INVALID;
	}
	if (q->method == KRPC_UNKNOWN_METHOD) {
		send_error(node, q, from, KRPC_ERR_METHOD, "Method Unknown");
		return BT_OK;
	}
	route_seen(node, f, q->id, from, DHTROUTE_QUERIED, now_ms);
	reply_init(node, &r, q, from, KRPC_RESPONSE);
	switch (q->method) {
	case KRPC_PING:
		break;
	case KRPC_FIND_NODE:
		add_nodes(node, &r, from, q->want, q->target, now_ms);
		break;
	case KRPC_GET_PEERS:
		max = from->family == AF_INET ? DHTNODE_VALUES4_MAX :
		    DHTNODE_VALUES6_MAX;
		r.nvalues = dhtnode_store_get(node, q->target, from->family,
		    r.values, max);
		add_nodes(node, &r, from, q->want, q->target, now_ms);
		token_make(node->secret[0], from, r.token);
		r.token_len = DHTNODE_TOKEN_LEN;
		break;
	case KRPC_ANNOUNCE_PEER:
		return on_announce(node, from, q, &r, now_ms);
	default:
		send_error(node, q, from, KRPC_ERR_METHOD, "Method Unknown");
		return BT_OK;
	}
	(void)node->cfg.send(node->cfg.arg, from, &r);
	return BT_OK;
}

static struct pending *
pending_find(struct dhtnode *node, const struct krpc_msg *m)
{
	size_t	i;

	if (m->tid_len != DHTNODE_TID_LEN)
		return NULL;
	for (i = 0; i < DHTNODE_MAX_PENDING; i++)
		if (node->pend[i].used && memcmp(node->pend[i].tid, m->tid,
		    DHTNODE_TID_LEN) == 0)
			return &node->pend[i];
	return NULL;
}

/* BEP 42: one vote per reporting IP, the last DHTNODE_VOTES kept. */
static void
vote(struct dhtnode *node, const struct caddr *reporter,
    const struct caddr *reported)
{
	size_t	i;

	if (reported->family != AF_INET && reported->family != AF_INET6)
		return;
	for (i = 0; i < node->nvotes; i++)
		if (same_ip(&node->votes[i].reporter, reporter)) {
			node->votes[i].reported = *reported;
			return;
		}
	node->votes[node->vote_next].reporter = *reporter;
	node->votes[node->vote_next].reporter.port = 0;
	node->votes[node->vote_next].reported = *reported;
	node->vote_next = (node->vote_next + 1) % DHTNODE_VOTES;
	if (node->nvotes < DHTNODE_VOTES)
		node->nvotes++;
}

static int
on_reply(struct dhtnode *node, int f, const struct caddr *from,
    const struct krpc_msg *m, uint64_t now_ms)
{
	struct pending	*p, pc;
	int		 r = BT_OK;

	if ((p = pending_find(node, m)) == NULL ||
	    !caddr_equal(&p->to, from)) {
		node->st.unmatched++;
		return BT_ERR_NOTFOUND;
	}
	pc = *p;
	p->used = 0;
	node->npend--;
	if (m->type == KRPC_ERROR) {
		/* alive, but no use to the lookup */
		node->st.errors_in++;
		dhtnode_on_failure(node, &pc, now_ms);
	} else if (memcmp(m->id, node->id, DHTNODE_ID_LEN) == 0 ||
	    (pc.has_id && memcmp(m->id, pc.id, DHTNODE_ID_LEN) != 0)) {
		node->st.dropped_bad++;
		if (pc.has_id)
			(void)dhtroute_failed(node->rt[f], pc.id, &pc.to,
			    now_ms);
		dhtnode_on_failure(node, &pc, now_ms);
		r = BT_ERR_INVALID;
	} else {
		node->st.responses_in++;
		route_seen(node, f, m->id, from, DHTROUTE_ANSWERED, now_ms);
		vote(node, from, &m->ip);
		dhtnode_on_answer(node, &pc, m, now_ms);
	}
	dhtnode_lookups_pump(node, now_ms);
	return r;
}

int
dhtnode_input(struct dhtnode *node, const struct caddr *from,
    const struct krpc_msg *m, uint64_t now_ms)
{
	int	f = dhtnode_fam(node, from->family);

	if (f < 0 || !caddr_usable(from)) {
		node->st.dropped_bad++;
		return BT_ERR_INVALID;
	}
	if (m->type == KRPC_QUERY)
		return on_query(node, f, from, m, now_ms);
	if (m->type == KRPC_RESPONSE || m->type == KRPC_ERROR)
		return on_reply(node, f, from, m, now_ms);
	node->st.dropped_bad++;
	return BT_ERR_INVALID;
}

void
dhtnode_input_bad(struct dhtnode *node, const struct caddr *from,
    const struct krpc_msg *m, uint64_t now_ms)
{
	node->st.dropped_bad++;
	if (dhtnode_fam(node, from->family) < 0 || !caddr_usable(from) ||
	    m->type != KRPC_QUERY || m->tid_len == 0 ||
	    m->tid_len > KRPC_TID_MAX)
		return;
	node->st.queries_in++;
	if (!rate_allow(node, from, now_ms)) {
		node->st.dropped_rate++;
		return;
	}
	send_error(node, m, from, KRPC_ERR_PROTOCOL, "malformed query");
}

static void
expire_pending(struct dhtnode *node, uint64_t now_ms)
{
	struct pending	*p, pc;
	size_t		 i;
	int		 f;

	for (i = 0; i < DHTNODE_MAX_PENDING; i++) {
		p = &node->pend[i];
		if (!p->used || now_ms < p->sent_ms ||
		    now_ms - p->sent_ms < DHTNODE_QUERY_TIMEOUT_MS)
			continue;
		pc = *p;
		p->used = 0;
		node->npend--;
		node->st.timeouts++;
		if (pc.has_id && (f = dhtnode_fam(node, pc.to.family)) >= 0)
			(void)dhtroute_failed(node->rt[f], pc.id, &pc.to,
			    now_ms);
		dhtnode_on_failure(node, &pc, now_ms);
	}
}

/* While a table has fewer than k good nodes: find_node our own id, at
 * growing intervals. */
static void
bootstrap_tick(struct dhtnode *node, uint64_t now_ms)
{
	struct dhtroute_counts	c;
	int			need = 0;
	size_t			f, i, boot;

	for (f = 0; f < 2; f++) {
		if (node->rt[f] == NULL)
			continue;
		dhtroute_count(node->rt[f], now_ms, &c);
		for (i = boot = 0; i < node->nboot; i++)
			boot += node->boot[i].family ==
			    (f == 0 ? AF_INET : AF_INET6);
		if (c.good < DHTNODE_K &&
		    (c.good + c.questionable + c.bad > 0 || boot > 0))
			need |= 1 << f;
	}
	if (need == 0) {
		node->boot_backoff_ms = DHTNODE_BOOT_MIN_MS;
		return;
	}
	if (dhtnode_bootstrapping(node) || now_ms < node->boot_next_ms)
		return;
	if (dhtnode_start_find(node, node->id, need, 1, now_ms) != BT_OK)
		return;
	node->boot_next_ms = now_ms + node->boot_backoff_ms;
	node->boot_backoff_ms *= 2;
	if (node->boot_backoff_ms > DHTNODE_BOOT_MAX_MS)
		node->boot_backoff_ms = DHTNODE_BOOT_MAX_MS;
}

static void
refresh_tick(struct dhtnode *node, uint64_t now_ms)
{
	uint8_t	target[DHTNODE_ID_LEN];
	size_t	f;

	if (dhtnode_bootstrapping(node) ||
	    dhtnode_maint_running(node) >= DHTNODE_MAX_MAINT)
		return;
	for (f = 0; f < 2; f++)
		if (node->rt[f] != NULL && dhtroute_refresh(node->rt[f],
		    now_ms, &node->rng, target)) {
			(void)dhtnode_start_find(node, target, 1 << f, 0,
			    now_ms);
			return;
		}
}

void
dhtnode_tick(struct dhtnode *node, uint64_t now_ms)
{
	expire_pending(node, now_ms);
	if (now_ms > node->secret_ms &&
	    now_ms - node->secret_ms >= DHTNODE_TOKEN_ROTATE_MS)
		token_rotate(node, now_ms);
	if (now_ms > node->store_expire_ms &&
	    now_ms - node->store_expire_ms >= DHTNODE_STORE_EXPIRE_MS) {
		dhtnode_store_expire(node, now_ms);
		node->store_expire_ms = now_ms;
	}
	bootstrap_tick(node, now_ms);
	refresh_tick(node, now_ms);
	dhtnode_lookups_tick(node, now_ms);
}

int
dhtnode_add_bootstrap(struct dhtnode *node, const struct caddr *addr)
{
	size_t	i;

	if (dhtnode_fam(node, addr->family) < 0 || !caddr_usable(addr))
		return BT_ERR_INVALID;
	for (i = 0; i < node->nboot; i++)
		if (caddr_equal(&node->boot[i], addr))
			return BT_ERR_EXISTS;
	if (node->nboot == DHTNODE_MAX_BOOTSTRAP)
		return BT_ERR_LIMIT;
	node->boot[node->nboot++] = *addr;
	return BT_OK;
}

int
dhtnode_ping(struct dhtnode *node, const struct caddr *addr,
    uint64_t now_ms)
{
	struct krpc_msg	q;

	if (dhtnode_fam(node, addr->family) < 0 || !caddr_usable(addr))
		return BT_ERR_INVALID;
	dhtnode_msg_init(node, &q, KRPC_QUERY);
	q.method = KRPC_PING;
	return dhtnode_query(node, addr, NULL, &q, PEND_PING, 0, now_ms);
}

int
dhtnode_external_addr(const struct dhtnode *node, int family,
    struct caddr *out)
{
	size_t	i, k, n, best_n = 0;
	int	best = -1;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < node->nvotes; i++) {
		if (node->votes[i].reported.family != family)
			continue;
		for (k = n = 0; k < node->nvotes; k++)
			n += same_ip(&node->votes[k].reported,
			    &node->votes[i].reported);
		if (n > best_n) {
			best_n = n;
			best = (int)i;
		}
	}
	if (best < 0 || best_n < DHTNODE_VOTES_NEEDED)
		return BT_ERR_NOTFOUND;
	*out = node->votes[best].reported;
	return BT_OK;
}

void
dhtnode_stats(const struct dhtnode *node, uint64_t now_ms,
    struct dhtnode_stats *out)
{
	struct dhtroute_counts	c;
	struct caddr		ext;

	*out = node->st;
	if (node->rt[0] != NULL) {
		dhtroute_count(node->rt[0], now_ms, &c);
		out->good4 = c.good;
		out->questionable4 = c.questionable;
	}
	if (node->rt[1] != NULL) {
		dhtroute_count(node->rt[1], now_ms, &c);
		out->good6 = c.good;
		out->questionable6 = c.questionable;
	}
	dhtnode_lookups_count(node, &out->lookups_running,
	    &out->lookups_queued);
	dhtnode_store_count(node, &out->hashes_stored, &out->peers_stored);
	if (dhtnode_external_addr(node, AF_INET, &ext) == BT_OK ||
	    dhtnode_external_addr(node, AF_INET6, &ext) == BT_OK)
		out->id_bep42 = dhtnode_id_valid(node->id, &ext);
	else
		out->id_bep42 = -1;
}

/* Compact node entries (id, then ip and port) of one family. */
static int
put_nodes(const struct dhtnode *node, int f, size_t max, uint64_t now_ms,
    struct bbuf *out, size_t *n_out)
{
	struct dhtroute_node	list[DHTNODE_SAVE_NODES];
	uint8_t			c[18];
	size_t			n = 0, i, clen;
	int			r;

	if (node->rt[f] != NULL)
		n = dhtroute_list(node->rt[f], now_ms, 1, list,
		    max < DHTNODE_SAVE_NODES ? max : DHTNODE_SAVE_NODES);
	*n_out = n;
	clen = f == 0 ? 6 : 18;
	if ((r = bbuf_putf(out, "%zu:", n * (DHTNODE_ID_LEN + clen))) != 0)
		return r;
	for (i = 0; i < n; i++) {
		(void)caddr_compact(&list[i].addr, c);
		if ((r = bbuf_put_bytes(out, list[i].id,
		    DHTNODE_ID_LEN)) != 0 ||
		    (r = bbuf_put_bytes(out, c, clen)) != 0)
			return r;
	}
	return BT_OK;
}

int
dhtnode_save(const struct dhtnode *node, uint64_t now_ms, struct bbuf *out)
{
	struct dhtroute_counts	c6;
	struct bbuf		tmp;
	size_t			n4, n6, room6 = 0;
	int			r;

	/* IPv6 gets up to half the room, IPv4 the rest */
	if (node->rt[1] != NULL) {
		dhtroute_count(node->rt[1], now_ms, &c6);
		room6 = c6.good < DHTNODE_SAVE_NODES / 2 ? c6.good :
		    DHTNODE_SAVE_NODES / 2;
	}
	bbuf_init(&tmp, DHTNODE_SAVE_MAX);
	if ((r = bbuf_putf(&tmp, "d2:id%d:", DHTNODE_ID_LEN)) != 0 ||
	    (r = bbuf_put_bytes(&tmp, node->id, DHTNODE_ID_LEN)) != 0 ||
	    (r = bbuf_putf(&tmp, "5:nodes")) != 0 ||
	    (r = put_nodes(node, 0, DHTNODE_SAVE_NODES - room6, now_ms, &tmp,
	    &n4)) != 0 ||
	    (r = bbuf_putf(&tmp, "6:nodes6")) != 0 ||
	    (r = put_nodes(node, 1, DHTNODE_SAVE_NODES - n4, now_ms, &tmp,
	    &n6)) != 0 ||
	    (r = bbuf_put_u8(&tmp, 'e')) != 0)
		goto out;
	r = bbuf_put_bytes(out, bbuf_ptr(&tmp), bbuf_len(&tmp));
out:
	bbuf_cleanup(&tmp);
	return r;
}

static int
saved_list(const struct bencode *d, const char *key, size_t entry,
    const struct bencode **out)
{
	const struct bencode	*v;

	*out = NULL;
	if (bencode_dict_get(d, key) == NULL)
		return BT_OK;			/* absent: none */
	if ((v = bencode_dict_get_type(d, key, BENCODE_STR)) == NULL ||
	    v->slen % entry != 0 || v->slen / entry > DHTNODE_SAVE_NODES)
		return BT_ERR_FORMAT;
	*out = v;
	return BT_OK;
}

static size_t
load_nodes(struct dhtnode *node, const struct bencode *v, size_t iplen,
    uint64_t now_ms)
{
	const uint8_t	*e;
	struct caddr	 a;
	size_t		 i, added = 0, entry = DHTNODE_ID_LEN + iplen + 2;
	int		 f;

	for (i = 0; v != NULL && i < v->slen / entry; i++) {
		e = (const uint8_t *)v->s + i * entry;
		if (caddr_from_bytes(e + DHTNODE_ID_LEN, iplen,
		    (uint16_t)(e[entry - 2] << 8 | e[entry - 1]), &a) !=
		    BT_OK || (f = dhtnode_fam(node, a.family)) < 0)
			continue;
		if (dhtroute_seen(node->rt[f], e, &a, DHTROUTE_HEARD, now_ms,
		    NULL) >= 0)
			added++;
	}
	return added;
}

static int
tables_empty(const struct dhtnode *node, uint64_t now_ms)
{
	struct dhtroute_counts	c;
	size_t			f;

	for (f = 0; f < 2; f++) {
		if (node->rt[f] == NULL)
			continue;
		dhtroute_count(node->rt[f], now_ms, &c);
		if (c.good + c.questionable + c.bad + c.replacements > 0)
			return 0;
	}
	return 1;
}

int
dhtnode_load(struct dhtnode *node, const uint8_t *data, size_t len,
    uint64_t now_ms, size_t *added_out)
{
	struct bbuf		 in;
	struct bencode		*d = NULL;
	const struct bencode	*id, *n4, *n6;
	size_t			 added = 0;
	int			 r;

	if (added_out != NULL)
		*added_out = 0;
	if (len > DHTNODE_SAVE_MAX)
		return BT_ERR_LIMIT;
	bbuf_view(&in, data, len);
	if ((r = bencode_decode(&in, &d, NULL)) != BT_OK) {
		r = r == BT_ERR_NOMEM ? r : BT_ERR_FORMAT;
		goto out;
	}
	if ((id = bencode_dict_get_type(d, "id", BENCODE_STR)) == NULL ||
	    id->slen != DHTNODE_ID_LEN ||
	    (r = saved_list(d, "nodes", DHTNODE_ID_LEN + 6, &n4)) != 0 ||
	    (r = saved_list(d, "nodes6", DHTNODE_ID_LEN + 18, &n6)) != 0) {
		r = BT_ERR_FORMAT;
		goto out;
	}
	if (tables_empty(node, now_ms) &&
	    memcmp(node->id, id->s, DHTNODE_ID_LEN) != 0) {
		memcpy(node->id, id->s, DHTNODE_ID_LEN);
		if ((r = tables_new(node, now_ms)) != BT_OK)
			goto out;
	}
	added = load_nodes(node, n4, 4, now_ms) +
	    load_nodes(node, n6, 16, now_ms);
	if (added_out != NULL)
		*added_out = added;
	r = BT_OK;
out:
	bencode_free(d);
	return r;
}

/* CRC-32C (Castagnoli), bitwise: BEP 42 hashes 4 or 8 bytes at a time. */
static uint32_t
crc32c(const uint8_t *p, size_t n)
{
	uint32_t	crc = 0xffffffffu;
	size_t		i;
	int		k;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* BEP 42: crc32c of the masked address with r in the top 3 bits. */
static uint32_t
bep42_crc(const struct caddr *addr, uint8_t r)
{
	static const uint8_t	m4[] = { 0x03, 0x0f, 0x3f, 0xff };
	static const uint8_t	m6[] = { 0x01, 0x03, 0x07, 0x0f, 0x1f, 0x3f,
				    0x7f, 0xff };
	const uint8_t		*mask = addr->family == AF_INET ? m4 : m6;
	size_t			 n = addr->family == AF_INET ? 4 : 8, i;
	uint8_t			 ip[8];

	for (i = 0; i < n; i++)
		ip[i] = addr->ip[i] & mask[i];
	ip[0] |= (uint8_t)((r & 7) << 5);
	return crc32c(ip, n);
}

static int
bep42_exempt(const struct caddr *a)
{
	const uint8_t	*ip = a->ip;
	static const uint8_t	loop6[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return ip[0] == 127 || ip[0] == 10 ||
		    (ip[0] == 172 && (ip[1] & 0xf0) == 16) ||
		    (ip[0] == 192 && ip[1] == 168) ||
		    (ip[0] == 169 && ip[1] == 254);
	return memcmp(ip, loop6, 16) == 0 || (ip[0] & 0xfe) == 0xfc ||
	    (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80);
}

int
dhtnode_id_valid(const uint8_t id[DHTNODE_ID_LEN], const struct caddr *addr)
{
	uint32_t	crc;

	if (addr->family != AF_INET && addr->family != AF_INET6)
		return 0;
	if (bep42_exempt(addr))
		return 1;
	crc = bep42_crc(addr, id[19]);
	return id[0] == (uint8_t)(crc >> 24) && id[1] == (uint8_t)(crc >> 16) &&
	    (id[2] & 0xf8) == ((uint8_t)(crc >> 8) & 0xf8);
}

void
dhtnode_id_make(const struct caddr *addr, uint64_t *rng,
    uint8_t id_out[DHTNODE_ID_LEN])
{
	uint32_t	crc;

	random_bytes(rng, id_out, DHTNODE_ID_LEN);
	if (addr->family != AF_INET && addr->family != AF_INET6)
		return;
	crc = bep42_crc(addr, id_out[19]);
	id_out[0] = (uint8_t)(crc >> 24);
	id_out[1] = (uint8_t)(crc >> 16);
	id_out[2] = (uint8_t)(((crc >> 8) & 0xf8) | (id_out[2] & 7));
}
