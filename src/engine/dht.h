/*
 * dht: the session's DHT node on the network.  It speaks through the
 * session's UDP sockets (udp.h: one per family on the session's port,
 * shared with uTP), decodes each KRPC datagram the socket hands it
 * (dht_input, krpc.h) for the node (dhtnode.h) and encodes what the node
 * sends; resolves the bootstrap addresses (names on the resolver
 * pool); keeps the node table in the session directory so that a restart
 * does not bootstrap from scratch; and runs the torrents' peer lookups at
 * a steady pace.  Nothing else in the engine knows how the DHT works: the
 * session asks for peers (dht_want_peers) and gets them back through a
 * callback.
 */
#ifndef BT_DHT_H
#define BT_DHT_H

#include <stddef.h>
#include <stdint.h>

#include "engine/caddr.h"

struct loop;
struct udp;
struct worker_pool;
struct dhtnode_stats;

#define DHT_LOOKUP_MS		(15u * 60 * 1000)	/* a torrent's lookup
							 * again after */
#define DHT_LOOKUP_HUNGRY_MS	(60u * 1000)	/* ... with few peers */
#define DHT_SAVE_MS		(10u * 60 * 1000)	/* the node table */
#define DHT_MAX_TORRENTS	4096	/* lookup schedule entries */

/* The well-known routers a node starts from when given nothing else. */
#define DHT_DEFAULT_BOOTSTRAP	"router.bittorrent.com:6881," \
				"dht.transmissionbt.com:6881," \
				"router.utorrent.com:6881"

struct dht_config {
	struct loop		*loop;
	struct worker_pool	*resolvers;	/* bootstrap names */
	/* the session's UDP sockets, borrowed: they outlive the dht, whose
	 * families are the ones udp_has_family says */
	struct udp		*udp;
	const char		*bootstrap;	/* "HOST:PORT,..."; "" none */
	const char		*state_path;	/* the node table; NULL none */
	uint64_t		 seed;		/* rng.h */
	void			*arg;		/* for the callbacks */
	/* A line for the log (level: MSG_LOG_*). */
	void	(*log)(void *arg, int level, const char *line);
	/* Peers a lookup found for info_hash. */
	void	(*peers)(void *arg, const uint8_t info_hash[20],
		    const struct caddr *peers, size_t n);
};

struct dht;

/*
 * Loads the node table, starts the bootstrap.  BT_OK with *out, or
 * BT_ERR_INVALID (cfg->udp has no socket of either family: err says so)
 * or BT_ERR_NOMEM.
 */
int	dht_new(const struct dht_config *cfg, struct dht **out, char *err,
	    size_t errlen);
/* Saves the node table; NULL is a no-op.  The sockets are the udp's. */
void	dht_free(struct dht *d);

/* One KRPC datagram p[0..n) from `from' (the udp's on_krpc): decoded and
 * handed to the node, which answers through the udp.  Anything that does
 * not decode is counted and, when it was a query, answered with an
 * error. */
void	dht_input(struct dht *d, const struct caddr *from, const uint8_t *p,
	    size_t n);

/*
 * A torrent (not private) wants peers: a lookup starts when none ran for
 * info_hash in the last DHT_LOOKUP_MS, or DHT_LOOKUP_HUNGRY_MS when
 * hungry (it has few peers); its end announces announce_port (0: no
 * announce, e.g. while the torrent is paused).  Cheap to call every tick.
 */
void	dht_want_peers(struct dht *d, const uint8_t info_hash[20],
	    uint16_t announce_port, int hungry);
/* A node to try (a peer's PORT message): pinged, and kept if it answers. */
void	dht_add_node(struct dht *d, const struct caddr *addr);
/* "HOST:PORT" to bootstrap from as well (a torrent's BEP 5 "nodes"):
 * a name is resolved on the resolver pool. */
void	dht_add_bootstrap(struct dht *d, const char *host_port);
void	dht_stats(const struct dht *d, struct dhtnode_stats *out);

#endif
