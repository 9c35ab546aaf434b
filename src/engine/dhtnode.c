/*
 * dhtnode: one DHT node (see dhtnode.h).  This file holds its life cycle,
 * takes its input (queries go to dhtnode_answer.c, answers are matched to
 * our queries here), runs the timers and sums the stats.
 * dhtnode_lookup.c sends our queries and runs the lookups,
 * dhtnode_store.c keeps the announced peers, dhtnode_bep42.c our external
 * address and id, dhtnode_save.c the saved node table.
 */
#include "engine/dhtnode.h"

#include <stdlib.h>
#include <string.h>

#include "engine/dhtnode_impl.h"
#include "engine/dhtroute.h"
#include "engine/rng.h"
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

int
dhtnode_tables_new(struct dhtnode *node, uint64_t now_ms)
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
	if (dhtnode_tables_new(node, now_ms) != BT_OK) {
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

/* Tells the table of fam index f about a node; pings the node it names
 * when its bucket is full of questionable ones. */
void
dhtnode_route_seen(struct dhtnode *node, int f, const uint8_t id[DHTNODE_ID_LEN],
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
		dhtnode_route_seen(node, f, m->id, from, DHTROUTE_ANSWERED, now_ms);
		dhtnode_vote(node, from, &m->ip);
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
		return dhtnode_on_query(node, f, from, m, now_ms);
	if (m->type == KRPC_RESPONSE || m->type == KRPC_ERROR)
		return on_reply(node, f, from, m, now_ms);
	node->st.dropped_bad++;
	return BT_ERR_INVALID;
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
		dhtnode_token_rotate(node, now_ms);
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
