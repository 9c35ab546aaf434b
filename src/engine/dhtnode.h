/*
 * dhtnode: one mainline DHT node (BEP 5, BEP 32 for IPv6, BEP 42's id
 * check), pure: it takes decoded KRPC messages (krpc.h) and the clock as
 * arguments and hands the messages it sends to a callback.  No sockets,
 * no clock reads, no globals; randomness comes from the seed the caller
 * gives (splitmix64, rng.h: the caller seeds it from a good source, since
 * the token secret is drawn from it).
 *
 * What it does:
 *   - answers ping, find_node, get_peers (stored peers as "values", the 8
 *     closest good nodes as "nodes"/"nodes6" per BEP 32 "want", and a
 *     token) and announce_peer (only with a valid token; implied_port
 *     honoured); an unknown method gets error 204, a bad token or a
 *     malformed query error 203.  Every answer carries BEP 42's "ip".
 *   - tokens are the first 8 bytes of SHA-1(secret, ip); the secret turns
 *     every DHTNODE_TOKEN_ROTATE_MS and the last two are accepted;
 *   - keeps one routing table per enabled family (dhtroute.h), fed by the
 *     queries it gets and the answers to its own queries (transaction ids
 *     of 4 random bytes, each matched to what we asked of whom: an answer
 *     from another address or with no matching id is ignored and
 *     counted);
 *   - runs iterative lookups (alpha = 3 queries in flight per family,
 *     closest first, done when the 8 closest have answered or none is
 *     left to ask), a few at once, the rest queued;
 *   - stores announced peers for DHTNODE_PEER_TTL_MS, bounded;
 *   - limits the queries it answers per source IP (a token bucket per IP
 *     in a small fixed table), dropping and counting the rest.
 *
 * Announces: a lookup given an announce port ends with announce_peer to
 * the 8 closest nodes that gave a token, with that port and implied_port
 * 0: the port is the TCP listen port, which need not be the DHT's UDP
 * port the receiver would see.
 *
 * BEP 42: dhtnode_id_valid checks another node's id against its address
 * (loopback, private and link-local addresses always pass) and
 * dhtnode_id_make makes a conforming id.  The node does not enforce it on
 * others (BEP 42's transition rule: do not block) and never changes its
 * own id while running; it counts the "ip" its answers report, and
 * dhtnode_stats says whether our id fits the address most of them agree
 * on, so the caller may choose a new id for the next start.
 *
 * Callbacks are called from inside dhtnode_input, dhtnode_tick,
 * dhtnode_get_peers and dhtnode_ping, and must not call back into the
 * node.  The caller calls dhtnode_tick about once a second.
 */
#ifndef BT_DHTNODE_H
#define BT_DHTNODE_H

#include <stddef.h>
#include <stdint.h>

#include "engine/caddr.h"

struct bbuf;
struct krpc_msg;

#define DHTNODE_ID_LEN		20
#define DHTNODE_K		8	/* BEP 5: k */
#define DHTNODE_ALPHA		3	/* queries in flight per lookup and
					   family */
#define DHTNODE_QUERY_TIMEOUT_MS	5000
#define DHTNODE_TOKEN_ROTATE_MS	(5u * 60 * 1000)	/* BEP 5: 5 min */
#define DHTNODE_TOKEN_LEN	8
#define DHTNODE_PEER_TTL_MS	(30u * 60 * 1000)
#define DHTNODE_MAX_LOOKUPS	4	/* get_peers lookups running */
#define DHTNODE_MAX_QUEUED	256	/* get_peers lookups waiting */
#define DHTNODE_MAX_BOOTSTRAP	16	/* bootstrap addresses kept */
#define DHTNODE_SAVE_NODES	200	/* good nodes dhtnode_save writes */
#define DHTNODE_SAVE_MAX	16384	/* bytes dhtnode_load reads */
#define DHTNODE_RATE_PER_S	5	/* default queries/s answered per IP */
#define DHTNODE_RATE_BURST_S	4	/* a bucket holds this many seconds */
#define DHTNODE_STORE_HASHES	512	/* info-hashes stored */
#define DHTNODE_STORE_PEERS	100	/* peers per stored info-hash */

enum dhtnode_family {		/* dhtnode_config.families */
	DHTNODE_IPV4 = 1 << 0,
	DHTNODE_IPV6 = 1 << 1,
};

/* Sends m to `to'.  0 when handed to the network; a negative value when
 * it could not be sent (a query is then failed at once). */
typedef int	dhtnode_send_fn(void *arg, const struct caddr *to,
		    const struct krpc_msg *m);
/* Peers a lookup found for info_hash (one answer's "values", n > 0); the
 * same peer may come again from another node. */
typedef void	dhtnode_peers_fn(void *arg,
		    const uint8_t info_hash[DHTNODE_ID_LEN],
		    const struct caddr *peers, size_t n);

struct dhtnode_config {
	uint8_t			 id[DHTNODE_ID_LEN];	/* our node id */
	uint64_t		 seed;		/* rng.h seed */
	unsigned		 families;	/* enum dhtnode_family; 0:
						   IPv4 only */
	unsigned		 rate_per_s;	/* 0: DHTNODE_RATE_PER_S */
	uint8_t			 client[4];	/* BEP 5 "v", sent when */
	size_t			 client_len;	/* client_len is 4 */
	dhtnode_send_fn		*send;		/* required */
	dhtnode_peers_fn	*peers;		/* may be NULL */
	void			*arg;		/* for both callbacks */
};

struct dhtnode_stats {
	size_t		good4, questionable4;	/* routing table nodes */
	size_t		good6, questionable6;
	size_t		lookups_running, lookups_queued;	/* get_peers */
	size_t		peers_stored, hashes_stored;
	uint64_t	queries_in;	/* queries received (answered or not) */
	uint64_t	queries_out;	/* queries sent */
	uint64_t	responses_in;	/* answers matched to our queries */
	uint64_t	errors_in;	/* error messages matched */
	uint64_t	timeouts;	/* our queries left unanswered */
	uint64_t	dropped_rate;	/* queries over the per-IP rate */
	uint64_t	dropped_bad;	/* hostile or malformed input: our own
					   id, an unusable address, a family
					   not enabled, an id that is not the
					   one we asked, malformed queries */
	uint64_t	unmatched;	/* answers with no matching transaction
					   id, or from another address */
	uint64_t	nodes_refused;	/* nodes and peers in answers refused:
					   unusable addresses (those the
					   decoder counted in m->dropped too) */
	uint64_t	announces;	/* announce_peer stored */
	uint64_t	tokens_refused;	/* announce_peer with a bad token */
	int		id_bep42;	/* 1: our id fits the external address
					   (or that is private); 0: it does
					   not; -1: address not known yet */
};

struct dhtnode;

/* A node with empty tables, clock at now_ms.  NULL when out of memory, or
 * cfg->send is NULL or families has an unknown bit. */
struct dhtnode	*dhtnode_new(const struct dhtnode_config *cfg,
		    uint64_t now_ms);
/* NULL is a no-op.  Lookups in progress are dropped silently. */
void	dhtnode_free(struct dhtnode *node);
const uint8_t	*dhtnode_id(const struct dhtnode *node);

/*
 * One decoded datagram from `from'.  Queries are answered through the
 * send callback (unless dropped); answers and errors go to the lookup or
 * ping that asked.  BT_OK when used, or why it was ignored (each also
 * counted in the stats):
 *   BT_ERR_LIMIT     a query over the source's rate
 *   BT_ERR_NOTFOUND  an answer or error that matches no query of ours,
 *                    or came from another address
 *   BT_ERR_INVALID   hostile or unusable: our own id, an unusable source
 *                    address, a family not enabled, an answer whose id
 *                    is not the one we asked
 *   BT_ERR_PROTO     an announce_peer with a bad token (error 203 sent)
 */
int	dhtnode_input(struct dhtnode *node, const struct caddr *from,
	    const struct krpc_msg *m, uint64_t now_ms);
/*
 * A datagram from `from' that krpc_decode refused (m is what it kept).
 * When the decoder got its transaction id and the message does not say it
 * is an answer (m->tid_len > 0 and m->type == KRPC_QUERY, which is also
 * what an unread "y" leaves), answers error 203 within the source's rate;
 * the rest is counted and dropped, never answered, so that garbage does
 * not make us a reflector.
 */
void	dhtnode_input_bad(struct dhtnode *node, const struct caddr *from,
	    const struct krpc_msg *m, uint64_t now_ms);

/*
 * Timers: query time-outs, the token secret's rotation, the peer store's
 * expiry, bucket refreshes (a find_node lookup for a stale bucket), and
 * the bootstrap: while a family's table has fewer than 8 good nodes, a
 * find_node lookup of our own id through the table and the bootstrap
 * addresses, retried after 10 s, doubling to 5 min.
 */
void	dhtnode_tick(struct dhtnode *node, uint64_t now_ms);

/* An address (no id known) to bootstrap from.  BT_ERR_INVALID for an
 * unusable address or a family not enabled, BT_ERR_EXISTS when known,
 * BT_ERR_LIMIT past DHTNODE_MAX_BOOTSTRAP. */
int	dhtnode_add_bootstrap(struct dhtnode *node, const struct caddr *addr);
/* Pings addr (a torrent's BEP 5 "nodes"); an answer puts it in the
 * routing table.  BT_ERR_INVALID as above; BT_ERR_LIMIT when too many
 * queries are in flight; BT_ERR_SYS when the send callback failed. */
int	dhtnode_ping(struct dhtnode *node, const struct caddr *addr,
	    uint64_t now_ms);

/*
 * Looks up peers for info_hash: the peers found go to the peers callback
 * as they arrive; at the end, when announce_port is not 0, announce_peer
 * (see above) to the 8 closest nodes that gave a token.  Starts now, or
 * waits in the queue behind DHTNODE_MAX_LOOKUPS running ones; with no
 * node known and no bootstrap address it ends at once.  BT_OK;
 * BT_ERR_EXISTS when a lookup of info_hash is running or queued (nothing
 * changed); BT_ERR_LIMIT when the queue is full; BT_ERR_NOMEM.  The
 * caller repeats it every 15-30 min per torrent (sooner while it has few
 * peers), once dhtnode_lookup_active says the last one ended.
 */
int	dhtnode_get_peers(struct dhtnode *node,
	    const uint8_t info_hash[DHTNODE_ID_LEN], uint16_t announce_port,
	    uint64_t now_ms);
/* 1 while a get_peers lookup of info_hash runs or waits, else 0. */
int	dhtnode_lookup_active(const struct dhtnode *node,
	    const uint8_t info_hash[DHTNODE_ID_LEN]);

void	dhtnode_stats(const struct dhtnode *node, uint64_t now_ms,
	    struct dhtnode_stats *out);
/* The address most answers say we have (BEP 42 "ip", at least 3 of the
 * last 16 distinct reporters of that family agreeing), or
 * BT_ERR_NOTFOUND. */
int	dhtnode_external_addr(const struct dhtnode *node, int family,
	    struct caddr *out);

/*
 * Appends our id and up to DHTNODE_SAVE_NODES good nodes as one bencoded
 * dictionary {"id": 20 bytes, "nodes": 26-byte compact entries, "nodes6":
 * 38-byte ones} to out.  Errors: those of bbuf puts (nothing appended).
 */
int	dhtnode_save(const struct dhtnode *node, uint64_t now_ms,
	    struct bbuf *out);
/*
 * Reads what dhtnode_save wrote.  When both tables are empty (just after
 * dhtnode_new) the node takes the saved id, so the nodes that knew us
 * still do; otherwise it keeps its own.  The nodes go into the tables as
 * questionable (not contacted yet: the bootstrap lookup will); entries
 * the table refuses (ours, unusable, a family not enabled) are skipped.
 * *added_out (may be NULL) counts those taken, in a bucket or as a
 * replacement.  Errors, nothing changed: BT_ERR_LIMIT over DHTNODE_SAVE_MAX
 * bytes; BT_ERR_FORMAT when it is not such a dictionary (no 20-byte "id",
 * "nodes" not a multiple of 26 bytes, "nodes6" of 38, more than
 * DHTNODE_SAVE_NODES of them); BT_ERR_NOMEM.
 */
int	dhtnode_load(struct dhtnode *node, const uint8_t *data, size_t len,
	    uint64_t now_ms, size_t *added_out);

/* BEP 42: 1 when id fits addr's IP, or addr is loopback, private or
 * link-local (IPv4 127/8, 10/8, 172.16/12, 192.168/16, 169.254/16; IPv6
 * ::1, fc00::/7, fe80::/10), else 0. */
int	dhtnode_id_valid(const uint8_t id[DHTNODE_ID_LEN],
	    const struct caddr *addr);
/* A random BEP 42 id for addr's IP (any family, any address). */
void	dhtnode_id_make(const struct caddr *addr, uint64_t *rng,
	    uint8_t id_out[DHTNODE_ID_LEN]);

#endif
