/*
 * tracker: announces one torrent to its trackers (HTTP(S) through libcurl's
 * multi interface, UDP per BEP 15) with BEP 12 tiers, and hands the peers
 * it learns to the engine.  The engine's select() loop drives it:
 *
 *	tracker_fdset(t, &rd, &wr, &maxfd);
 *	wait = min(tracker_timeout_ms(t, now), ...);
 *	select(...);
 *	tracker_perform(t, &rd, &wr, now);
 *
 * Time is whatever CLOCK_MONOTONIC value in ms the caller passes; the
 * module reads no clock and keeps no globals (its RNG is seeded by the
 * caller).  The caller must call curl_global_init(CURL_GLOBAL_DEFAULT) once
 * at program start, before tracker_new, and curl_global_cleanup at exit.
 *
 * Scheduling: an announce round walks the tiers in order and each tier's
 * URLs in order (shuffled at creation); a failing URL hands over to the
 * next one at once; a URL that answers moves to the front of its tier.
 * After a reply the next announce comes `interval' later (1800 s when
 * absent, clamped to [30 s, 1 h]); when every URL failed the round is
 * retried after 15 s, doubling up to 15 min.
 *
 * UDP trackers given by host name are resolved on the engine's worker
 * pool (resolve.h): meanwhile the URL shows TRACKER_ANNOUNCING and the loop
 * goes on.  The loop must then also watch worker_fd() and call
 * worker_drain() before tracker_perform; a name that takes over 15 s fails
 * the URL.  Without a pool (unit tests) names resolve inline, blocking.
 * Numeric addresses never wait for either.
 */
#ifndef BT_TRACKER_H
#define BT_TRACKER_H

#include <sys/select.h>

#include <stddef.h>
#include <stdint.h>

#include "tracker_codec.h"

struct metainfo_tier;
struct tracker;
struct worker_pool;

/* Called from inside tracker_perform only, after the tracker's state is
 * settled; a callback must not call tracker_* functions (act on what it
 * got after tracker_perform returns). */
struct tracker_cb {
	void	*arg;
	/* Peers from one reply; the array is only valid during the call. */
	void	(*on_peers)(void *arg, const struct tracker_peer *peers,
		    size_t n);
	/* One line, no newline: "tracker udp://h:1/a: 12 peers, ...". */
	void	(*on_log)(void *arg, const char *line);
	/* Totals for the announce being built (may be NULL: all 0). */
	void	(*get_stats)(void *arg, uint64_t *uploaded,
		    uint64_t *downloaded, uint64_t *left);
};

enum tracker_status {
	TRACKER_IDLE,		/* not contacted yet */
	TRACKER_ANNOUNCING,	/* a request is in flight */
	TRACKER_OK,		/* the last announce got a reply */
	TRACKER_ERROR,		/* the last announce failed: see error */
};

/* One URL as the UI shows it; texts are bounded, NUL-terminated copies. */
struct tracker_info {
	char		url[256];
	size_t		tier;		/* 0-based */
	int		status;		/* enum tracker_status */
	uint64_t	last_ms;	/* last reply or failure; 0: never */
	uint64_t	next_ms;	/* next announce round; 0: none */
	int64_t		seeders;	/* -1: unknown */
	int64_t		leechers;
	char		error[128];	/* last failure, "" if none */
};

/*
 * A tracker client for the given tiers (copied: the metainfo may be freed
 * afterwards), announcing info_hash/peer_id with our listen port.  cb is
 * copied.  rng_seed drives the tier shuffles, the announce key and the UDP
 * transaction ids.  Nothing is sent until tracker_announce.  Returns NULL
 * when out of memory or when curl_multi_init fails.  URLs that cannot work
 * (other schemes than http, https and udp; udp without a port) are kept,
 * marked TRACKER_ERROR for the UI, and never contacted.  pool resolves UDP
 * trackers' names (NULL: inline, blocking); it must outlive the tracker.
 */
struct tracker	*tracker_new(const struct metainfo_tier *tiers, size_t ntiers,
		    const uint8_t info_hash[20], const uint8_t peer_id[20],
		    uint16_t port, uint64_t rng_seed,
		    const struct tracker_cb *cb, struct worker_pool *pool);
/* Aborts any transfer, closes sockets, cancels a resolution in the pool,
 * frees everything.  NULL is a no-op. */
void		 tracker_free(struct tracker *t);

/* --bind: fn(arg, fd, family) binds each new announce socket (HTTP and
 * UDP) before it connects, so that the tracker lists us at the address we
 * listen on; non-zero refuses the socket (a family --bind left out). */
typedef int	(*tracker_bind_fn)(void *arg, int fd, int family);
void	tracker_set_bind(struct tracker *t, tracker_bind_fn fn, void *arg);

/* BEP 7: HTTP announces from now on carry ipv6=ip (our global IPv6
 * address, 16 bytes, copied); NULL: none. */
void	tracker_set_ipv6(struct tracker *t, const uint8_t ip[16]);

/*
 * Asks for an announce with this event; it starts in the next
 * tracker_perform.  STARTED at start, COMPLETED once when the download
 * completes, STOPPED at exit (aborts whatever is in flight; afterwards
 * nothing else is announced), NONE when the engine needs peers now (waits
 * for the tracker's min interval, and for a pending back-off).  An event
 * asked for while another announce is in flight is sent right after it.
 */
void	tracker_announce(struct tracker *t, enum tracker_event ev,
	    uint64_t now_ms);

/* Adds the fds to watch and raises *maxfd (which must be valid: -1 for
 * none yet).  Only fds below FD_SETSIZE are ever added. */
void	tracker_fdset(struct tracker *t, fd_set *rd, fd_set *wr, int *maxfd);
/* How long the loop may wait before calling tracker_perform: 0 for now,
 * -1 when nothing is pending at all. */
int64_t	tracker_timeout_ms(struct tracker *t, uint64_t now_ms);
/* Does the work: transfers, UDP packets, retransmissions, scheduled
 * announces; calls cb.  rd and wr (what select() returned) may be NULL. */
void	tracker_perform(struct tracker *t, const fd_set *rd, const fd_set *wr,
	    uint64_t now_ms);
/* Non-zero while an announce is in flight or about to start (the engine
 * waits for the STOPPED announce at exit, with its own deadline). */
int	tracker_busy(const struct tracker *t);

/* URLs in all tiers, and one of them in tier order (index 0..count-1);
 * tracker_info returns BT_OK or BT_ERR_RANGE. */
int	tracker_count(const struct tracker *t);
int	tracker_info(const struct tracker *t, size_t i,
	    struct tracker_info *out);

#endif
