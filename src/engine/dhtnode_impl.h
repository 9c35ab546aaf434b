/*
 * dhtnode_impl.h: the node's private state, shared by dhtnode.c (life
 * cycle, input, matching answers to our queries, timers, stats),
 * dhtnode_answer.c (answering queries: tokens, the per-IP rate limit),
 * dhtnode_lookup.c (our queries and the iterative lookups),
 * dhtnode_store.c (announced peers), dhtnode_bep42.c (our external
 * address and the node id that fits it) and dhtnode_save.c (the node
 * table saved and loaded).  Nothing else includes it.
 */
#ifndef BT_DHTNODE_IMPL_H
#define BT_DHTNODE_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "engine/dhtnode.h"
#include "engine/krpc.h"
#include "engine/rng.h"

#define DHTNODE_TID_LEN		4	/* our transaction ids */
#define DHTNODE_MAX_PENDING	128	/* our queries in flight */
#define DHTNODE_MAX_MAINT	2	/* bootstrap/refresh lookups running */
#define DHTNODE_CANDS		32	/* candidates kept per family */
#define DHTNODE_SEARCH_MAX_QUERIES	128	/* per lookup and family */
#define DHTNODE_LOOKUP_MAX_MS	(60u * 1000)
#define DHTNODE_BOOT_MIN_MS	(10u * 1000)	/* bootstrap retry, doubling */
#define DHTNODE_BOOT_MAX_MS	(5u * 60 * 1000)
#define DHTNODE_STORE_EXPIRE_MS	(60u * 1000)	/* how often expiry runs */
#define DHTNODE_RATE_SLOTS	256	/* per-IP buckets ... */
#define DHTNODE_RATE_WAYS	4	/* ... looked up 4 at a time */
#define DHTNODE_VOTES		16	/* BEP 42 "ip" reports kept */
#define DHTNODE_VOTES_NEEDED	3
#define DHTNODE_VALUES4_MAX	50	/* values in one answer: with nodes */
#define DHTNODE_VALUES6_MAX	30	/* and nodes6 under 1500 bytes */

enum pending_kind {
	PEND_PING,		/* a routing ping or dhtnode_ping */
	PEND_LOOKUP,		/* a lookup's find_node / get_peers */
	PEND_ANNOUNCE,		/* a lookup's closing announce_peer */
};

struct pending {
	int		used;
	uint8_t		tid[DHTNODE_TID_LEN];
	struct caddr	to;
	uint8_t		id[DHTNODE_ID_LEN];	/* what we expect it to be */
	int		has_id;
	int		kind;		/* enum pending_kind */
	uint32_t	lookup;		/* its lookup's serial (PEND_LOOKUP) */
	uint64_t	sent_ms;
};

enum cand_state {
	CAND_NEW,
	CAND_ASKED,
	CAND_ANSWERED,
	CAND_FAILED,
};

struct cand {
	uint8_t		id[DHTNODE_ID_LEN];
	int		has_id;		/* 0: a bootstrap address */
	struct caddr	addr;
	int		state;		/* enum cand_state */
	uint8_t		token[KRPC_TOKEN_MAX];
	size_t		token_len;
};

/* One family's part of a lookup: candidates closest first (id-less
 * bootstrap addresses before all). */
struct search {
	int		family;		/* 0: family not enabled */
	struct cand	c[DHTNODE_CANDS];
	size_t		n;
	unsigned	queries;
};

enum lookup_kind {
	LOOKUP_GET_PEERS,
	LOOKUP_FIND_NODE,	/* bootstrap or refresh: for the tables */
};

struct lookup {
	uint32_t	serial;
	int		kind;		/* enum lookup_kind */
	int		bootstrap;	/* a find_node of our own id */
	uint8_t		target[DHTNODE_ID_LEN];
	uint16_t	announce_port;
	uint64_t	started_ms;
	struct search	s[2];		/* [0] IPv4, [1] IPv6 */
};

struct lookup_req {		/* a queued get_peers */
	uint8_t		info_hash[DHTNODE_ID_LEN];
	uint16_t	announce_port;
};

struct rate_slot {
	struct caddr	ip;		/* port 0; family 0: free */
	uint64_t	last_ms;
	uint32_t	milli;		/* tokens x 1000 */
};

struct store_peer {
	struct caddr	addr;
	uint64_t	seen_ms;
};

struct store_hash {
	uint8_t			 info_hash[DHTNODE_ID_LEN];
	struct store_peer	*p;
	size_t			 n, cap;
};

struct vote {
	struct caddr	reporter;	/* port 0 */
	struct caddr	reported;
};

struct dhtnode {
	struct dhtnode_config	 cfg;
	uint8_t			 id[DHTNODE_ID_LEN];
	uint64_t		 rng;
	struct dhtroute		*rt[2];		/* [0] IPv4, [1] IPv6 */

	struct pending		 pend[DHTNODE_MAX_PENDING];
	size_t			 npend;

	struct lookup		*run[DHTNODE_MAX_LOOKUPS + DHTNODE_MAX_MAINT];
	struct lookup_req	 queue[DHTNODE_MAX_QUEUED];
	size_t			 qhead, qlen;
	uint32_t		 serial;

	struct caddr		 boot[DHTNODE_MAX_BOOTSTRAP];
	size_t			 nboot;
	uint64_t		 boot_next_ms;
	uint64_t		 boot_backoff_ms;

	uint8_t			 secret[2][20];	/* [0] current, [1] last */
	uint64_t		 secret_ms;
	uint64_t		 rate_salt;
	struct rate_slot	 rate[DHTNODE_RATE_SLOTS];

	struct store_hash	*store;
	size_t			 nstore, store_cap;
	uint64_t		 store_expire_ms;

	struct vote		 votes[DHTNODE_VOTES];
	size_t			 nvotes, vote_next;

	struct dhtnode_stats	 st;	/* the counters; the rest is computed */
};

static inline void
random_bytes(uint64_t *rng, uint8_t *out, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)(rng_next(rng) >> 56);
}

static inline size_t
ip_len(const struct caddr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

static inline int
same_ip(const struct caddr *a, const struct caddr *b)
{
	return a->family == b->family && memcmp(a->ip, b->ip, ip_len(a)) == 0;
}

/* 0 for AF_INET, 1 for AF_INET6, -1 for a family not enabled. */
int	dhtnode_fam(const struct dhtnode *node, int family);
/* Fills the fields every message we send has (tid, "v"). */
void	dhtnode_msg_init(const struct dhtnode *node, struct krpc_msg *m,
	    int type);

/* Tables for node->id of the families enabled, the old ones freed. */
int	dhtnode_tables_new(struct dhtnode *node, uint64_t now_ms);
/* Tells table f about a node (how: enum dhtroute_how); pings the node
 * the table names when its bucket is full of questionable ones. */
void	dhtnode_route_seen(struct dhtnode *node, int f,
	    const uint8_t id[DHTNODE_ID_LEN], const struct caddr *addr,
	    int how, uint64_t now_ms);

/* dhtnode_answer.c */
/* Answers query q from `from' (table f): BT_OK, or why it was dropped. */
int	dhtnode_on_query(struct dhtnode *node, int f, const struct caddr *from,
	    const struct krpc_msg *q, uint64_t now_ms);
/* A new token secret; the current one becomes the last. */
void	dhtnode_token_rotate(struct dhtnode *node, uint64_t now_ms);

/* dhtnode_bep42.c */
/* Records the address `reporter' says we have (a reply's "ip"). */
void	dhtnode_vote(struct dhtnode *node, const struct caddr *reporter,
	    const struct caddr *reported);

/* dhtnode_lookup.c */
int	dhtnode_query(struct dhtnode *node, const struct caddr *to,
	    const uint8_t *id, struct krpc_msg *q, int kind, uint32_t lookup,
	    uint64_t now_ms);
void	dhtnode_on_answer(struct dhtnode *node, const struct pending *p,
	    const struct krpc_msg *m, uint64_t now_ms);
void	dhtnode_on_failure(struct dhtnode *node, const struct pending *p,
	    uint64_t now_ms);
void	dhtnode_lookups_tick(struct dhtnode *node, uint64_t now_ms);
/* Starts queued lookups while slots are free. */
void	dhtnode_lookups_pump(struct dhtnode *node, uint64_t now_ms);
void	dhtnode_lookups_count(const struct dhtnode *node,
	    size_t *running_out, size_t *queued_out);
int	dhtnode_start_find(struct dhtnode *node,
	    const uint8_t target[DHTNODE_ID_LEN], int family_mask,
	    int bootstrap, uint64_t now_ms);
int	dhtnode_bootstrapping(const struct dhtnode *node);
size_t	dhtnode_maint_running(const struct dhtnode *node);
void	dhtnode_lookups_free(struct dhtnode *node);

/* dhtnode_store.c */
int	dhtnode_store_add(struct dhtnode *node,
	    const uint8_t info_hash[DHTNODE_ID_LEN], const struct caddr *peer,
	    uint64_t now_ms);
size_t	dhtnode_store_get(struct dhtnode *node,
	    const uint8_t info_hash[DHTNODE_ID_LEN], int family,
	    struct caddr *out, size_t max);
void	dhtnode_store_expire(struct dhtnode *node, uint64_t now_ms);
void	dhtnode_store_count(const struct dhtnode *node, size_t *hashes_out,
	    size_t *peers_out);
void	dhtnode_store_free(struct dhtnode *node);

#endif
