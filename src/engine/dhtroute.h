/*
 * dhtroute: the DHT routing table of BEP 5, one instance per address
 * family (BEP 32 keeps the IPv4 and IPv6 tables apart).  Pure: no
 * sockets, no clock reads (times are now_ms arguments), no globals.
 *
 * Buckets of k = 8 nodes cover ranges of the id space; only the bucket
 * that holds our own id splits, so the table is a list of buckets where
 * bucket i (all but the last) holds the ids sharing exactly i leading
 * bits with ours, and the last holds every id sharing more.  At most
 * DHTROUTE_MAX_BUCKETS buckets of DHTROUTE_K nodes plus DHTROUTE_REPL
 * replacements each: the table is bounded whatever it is fed.
 *
 * Node states (BEP 5):
 *   good          answered one of our queries, or sent us a query, within
 *                 the last DHTROUTE_GOOD_MS (BEP 5 also wants a querier to
 *                 have answered once; a node that queries us is answered
 *                 at the address it came from, and a fresh network forms
 *                 through a bootstrap node that never queries anyone, so
 *                 we take a query alone)
 *   questionable  neither, and not bad (a node we were only told of, or
 *                 saved from an earlier run, starts here)
 *   bad           failed DHTROUTE_MAX_FAILS of our queries in a row; an
 *                 answer resets the count
 * Good nodes are what we give other nodes; our own lookups also start
 * from questionable ones (that is how they become good or bad).
 */
#ifndef BT_DHTROUTE_H
#define BT_DHTROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/caddr.h"

#define DHTROUTE_ID_LEN		20
#define DHTROUTE_K		8	/* BEP 5: k */
#define DHTROUTE_REPL		4	/* replacements waiting per bucket */
#define DHTROUTE_MAX_BUCKETS	160	/* one per bit of the id */
#define DHTROUTE_GOOD_MS	(15u * 60 * 1000)	/* BEP 5: 15 min */
#define DHTROUTE_REFRESH_MS	(15u * 60 * 1000)	/* BEP 5: 15 min */
#define DHTROUTE_MAX_FAILS	3	/* failures in a row: bad */
/* A questionable node is asked to be pinged at most once in this time:
 * longer than the caller's query time-out, so one ping is settled (an
 * answer or dhtroute_failed) before the next is asked. */
#define DHTROUTE_PING_GAP_MS	(30u * 1000)

enum dhtroute_state {
	DHTROUTE_GOOD,
	DHTROUTE_QUESTIONABLE,
	DHTROUTE_BAD,
};

enum dhtroute_how {		/* how we came to know of a node */
	DHTROUTE_ANSWERED,	/* it answered one of our queries */
	DHTROUTE_QUERIED,	/* it sent us a query */
	DHTROUTE_HEARD,		/* told of it or saved it: not contacted */
};

enum dhtroute_result {		/* what dhtroute_seen did (all >= 0) */
	DHTROUTE_IN_TABLE,	/* in its bucket: added or updated */
	DHTROUTE_REPLACEMENT,	/* its bucket is full: waits as a
				   replacement */
	DHTROUTE_PING,		/* as REPLACEMENT, and *ping_out is a
				   questionable node of that bucket to ping:
				   an answer keeps it, a dhtroute_failed lets
				   the newcomer take its place */
};

/* A copy of one node for callers. */
struct dhtroute_node {
	uint8_t		id[DHTROUTE_ID_LEN];
	struct caddr	addr;
	int		state;		/* enum dhtroute_state */
};

struct dhtroute_counts {
	size_t	good, questionable, bad;	/* in buckets */
	size_t	replacements;
	size_t	buckets;
};

struct dhtroute;

/* A table for our id `self' and one family (AF_INET or AF_INET6); one
 * bucket covering the whole id space, last changed at now_ms.  NULL when
 * out of memory or for another family.  Free with dhtroute_free (NULL is
 * a no-op). */
struct dhtroute	*dhtroute_new(const uint8_t self[DHTROUTE_ID_LEN],
		    int family, uint64_t now_ms);
void	dhtroute_free(struct dhtroute *rt);

/*
 * Tells the table of node (id, addr), seen at now_ms `how'.  A node in
 * the table is updated (ANSWERED resets its failures); a new one goes
 * into its bucket when there is room (splitting the bucket that holds our
 * id as needed), in place of a bad node, or else into the bucket's
 * replacement list (the least recently seen replacement makes way).
 * Returns an enum dhtroute_result; *ping_out (may be NULL) is written
 * only for DHTROUTE_PING.  Errors, nothing changed:
 *   BT_ERR_INVALID  our own id, another family, an address caddr_usable
 *                   refuses (port 0, 0.0.0.0/8, multicast...)
 *   BT_ERR_EXISTS   the id is known at another address, or the address
 *                   under another id, and that node is good (a node that
 *                   is not good is replaced by the newcomer)
 */
int	dhtroute_seen(struct dhtroute *rt, const uint8_t id[DHTROUTE_ID_LEN],
	    const struct caddr *addr, int how, uint64_t now_ms,
	    struct dhtroute_node *ping_out);
/*
 * A query to (id, addr) got no answer.  Counts a failure; a node that is
 * now bad, or is questionable while a good replacement waits, gives its
 * place to the most recently seen replacement.  BT_OK, or BT_ERR_NOTFOUND
 * when no node of the table or its replacements has that id and address.
 */
int	dhtroute_failed(struct dhtroute *rt, const uint8_t id[DHTROUTE_ID_LEN],
	    const struct caddr *addr, uint64_t now_ms);

/* Up to max nodes of the buckets (not replacements) closest to target by
 * XOR distance, closest first, into out; good ones only, or (good_only 0)
 * every node that is not bad.  Returns how many. */
size_t	dhtroute_closest(const struct dhtroute *rt,
	    const uint8_t target[DHTROUTE_ID_LEN], uint64_t now_ms,
	    int good_only, struct dhtroute_node *out, size_t max);
/* Up to max nodes of the buckets, in no particular order: good ones
 * only, or (good_only 0) all of them, bad ones included. */
size_t	dhtroute_list(const struct dhtroute *rt, uint64_t now_ms,
	    int good_only, struct dhtroute_node *out, size_t max);

/*
 * BEP 5 refresh: when a bucket has not changed (a node added, replaced,
 * or answering) for DHTROUTE_REFRESH_MS, or dhtroute_refresh_all made it
 * due, writes a random id in its range
 * to target_out (for a find_node lookup), counts the bucket as changed at
 * now_ms and returns 1; the next call reports the next stale bucket.
 * Returns 0 when none is stale.  *rng is an rng.h state.
 */
int	dhtroute_refresh(struct dhtroute *rt, uint64_t now_ms, uint64_t *rng,
	    uint8_t target_out[DHTROUTE_ID_LEN]);

/* Makes every bucket but the last (ours) due for a refresh: what a node
 * does once it has looked up its own id to join (Kademlia, 2.3: "u
 * refreshes all k-buckets further away than its closest neighbor"). */
void	dhtroute_refresh_all(struct dhtroute *rt);

void	dhtroute_count(const struct dhtroute *rt, uint64_t now_ms,
	    struct dhtroute_counts *out);

/* XOR metric helpers.  dhtroute_closer: <0, 0 or >0 as a is closer to
 * target than b, as far, or farther (krpc_closer's contract). */
int	dhtroute_closer(const uint8_t target[DHTROUTE_ID_LEN],
	    const uint8_t a[DHTROUTE_ID_LEN], const uint8_t b[DHTROUTE_ID_LEN]);
/* Leading bits a and b share: 0..160. */
unsigned	dhtroute_prefix_len(const uint8_t a[DHTROUTE_ID_LEN],
		    const uint8_t b[DHTROUTE_ID_LEN]);

#endif
