/*
 * Answering queries (BEP 5, BEP 32 "want"): ping, find_node, get_peers
 * with a token, announce_peer checked against it.  Tokens are a SHA-1 of
 * a secret turned every 5 minutes and the querier's IP (the last two
 * secrets are accepted); a token bucket per source IP bounds what anyone
 * can make us send.
 */
#include "engine/dhtnode.h"

#include <stdio.h>
#include <string.h>

#include "engine/dhtnode_impl.h"
#include "engine/dhtroute.h"
#include "engine/sha1.h"
#include "ipc/err.h"

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

void
dhtnode_token_rotate(struct dhtnode *node, uint64_t now_ms)
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

int
dhtnode_on_query(struct dhtnode *node, int f, const struct caddr *from,
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
	dhtnode_route_seen(node, f, q->id, from, DHTROUTE_QUERIED, now_ms);
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
