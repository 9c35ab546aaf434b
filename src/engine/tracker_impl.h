/*
 * tracker_impl.h: struct tracker and what tracker's own files share:
 * tracker.c (the URL tiers, rounds and attempts: which URL is tried when,
 * and what its answer or failure does), tracker_http.c (an attempt over
 * HTTP(S) through the curl multi handle) and tracker_udp.c (an attempt
 * over UDP, BEP 15: resolving, connect, announce, retransmission).  The
 * public contract is tracker.h; nothing else includes this.
 */
#ifndef BT_TRACKER_IMPL_H
#define BT_TRACKER_IMPL_H

#include <sys/select.h>

#include <curl/curl.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/resolve.h"
#include "engine/tracker.h"
#include "engine/tracker_codec.h"
#include "ipc/bbuf.h"

#define REASON_LEN		(TRACKER_MAX_TEXT + 32)	/* why a URL failed */
#define UDP_URL_ERROR		"bad UDP tracker URL (want udp://host:port/)"

enum url_kind { URL_HTTP, URL_UDP, URL_OTHER };
enum attempt_state {
	ATT_NONE, ATT_HTTP, ATT_UDP_RESOLVE, ATT_UDP_CONNECT, ATT_UDP_ANNOUNCE,
};

struct turl {
	char		*url;
	int		 kind;		/* enum url_kind */
	size_t		 tier;
	int		 status;	/* enum tracker_status */
	uint64_t	 last_ms;
	int64_t		 seeders, leechers;
	char		 error[128];
	char		*tracker_id;	/* from its last reply, or NULL */
	int		 has_conn;	/* UDP connection id below is set */
	uint64_t	 conn_id, conn_ms;
};

struct tier {
	struct turl	**urls;		/* current order (BEP 12) */
	size_t		  n;
};

/* What a successful reply of either kind brings. */
struct outcome {
	int64_t			 interval, min_interval;
	int64_t			 seeders, leechers;
	const char		*tracker_id;
	const struct tracker_peer *peers;
	size_t			 npeers;
};

struct tracker {
	struct tracker_cb	 cb;
	uint8_t			 info_hash[20], peer_id[20];
	uint16_t		 port;
	int			 has_ipv6;	/* BEP 7 ipv6= */
	uint8_t			 ipv6[16];
	/* --bind: binds each announce's socket (NULL: the kernel's pick) */
	tracker_bind_fn		 bind_fn;
	void			*bind_arg;
	uint32_t		 key;
	uint64_t		 rng;
	struct tier		*tiers;
	size_t			 ntiers, nurls;
	CURLM			*multi;
	struct worker_pool	*pool;		/* NULL: resolve inline */

	/* Rounds: one walk over the tiers for one event. */
	int			 round;		/* a round is running */
	int			 ev;		/* its (or the next one's) event */
	int			 queued_ev;	/* asked for meanwhile; -1: none */
	size_t			 ti, ui;	/* the URL being tried */
	int			 scheduled;	/* next round at due_ms */
	uint64_t		 due_ms;
	uint64_t		 not_before_ms;	/* NONE waits for this */
	unsigned		 fails;		/* rounds failed in a row */
	int			 stopped;	/* STOPPED asked: the last round */
	int			 kick;		/* a round is due at once */

	/* The attempt on the current URL. */
	int			 state;		/* enum attempt_state */
	int			 prev_status;	/* the URL's, to undo on abort */
	CURL			*easy;
	struct bbuf		 body;
	int			 body_over, fd_over;
	char			 curl_err[CURL_ERROR_SIZE];
	int			 fd;
	int			 family;
	uint32_t		 tid;
	unsigned		 tries;
	uint64_t		 deadline_ms;	/* UDP reply or resolution */
	int			 resolved_ready;	/* resolved below is set */
	struct resolve_result	 resolved;
};

/* ---- tracker.c: for the transports ---- */

/* Sends a line to cb.on_log (if set), truncated at 511 bytes. */
void	tracker_log(struct tracker *t, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* A bounded copy that always terminates (truncation is fine for texts). */
void	tracker_text_set(char *dst, size_t len, const char *src);
/* The URL of the current attempt: valid only while t->round is set. */
struct turl *tracker_cur_url(const struct tracker *t);
/* The announce of the current round's event (stats from cb.get_stats). */
void	tracker_fill_announce(struct tracker *t, struct tracker_announce *a);
/* --bind's bind_fn on fd (0 without one): non-zero refuses the socket. */
int	tracker_bind_source(const struct tracker *t, int fd, int family);
/* Ends the attempt's transfer, socket or resolution (state ATT_NONE). */
void	tracker_attempt_close(struct tracker *t);
/* The current URL failed (why: for its error and the log) or answered;
 * either closes the attempt and may start the next one, so the caller
 * must not touch the attempt afterwards. */
void	tracker_attempt_failed(struct tracker *t, uint64_t now,
	    const char *why);
void	tracker_attempt_ok(struct tracker *t, uint64_t now,
	    const struct outcome *o);
/* The smaller wait, where -1 is "none". */
int64_t	tracker_min_wait(int64_t a, int64_t b);

/* ---- tracker_http.c ---- */

/* Starts an announce to u with a (state ATT_HTTP): BT_OK, or an error with
 * the reason in err. */
int	tracker_http_start(struct tracker *t, struct turl *u,
	    const struct tracker_announce *a, char *err, size_t errlen);
/* Lets curl run; a finished transfer ends the attempt. */
void	tracker_http_perform(struct tracker *t, uint64_t now);
/* curl's sockets into rd / wr, raising *maxfd. */
void	tracker_http_fdset(struct tracker *t, fd_set *rd, fd_set *wr,
	    int *maxfd);
/* ms until curl wants tracker_http_perform; -1: no deadline. */
int64_t	tracker_http_timeout(struct tracker *t);
/* Removes and frees the attempt's easy handle, if any. */
void	tracker_http_close(struct tracker *t);

/* ---- tracker_udp.c ---- */

/* "udp://host:port[/...]" or "udp://[v6]:port[/...]" into host and port:
 * BT_OK, or BT_ERR_FORMAT (a URL that can never work). */
int	tracker_udp_split(const char *url, char *host, size_t hostlen,
	    char *port, size_t portlen);
/* Starts an announce to u: resolving (ATT_UDP_RESOLVE) or, for a numeric
 * address, connect or announce at once.  BT_OK, or an error with the
 * reason in err. */
int	tracker_udp_start(struct tracker *t, struct turl *u, uint64_t now,
	    char *err, size_t errlen);
/* The attempt's socket is readable: reads the reply, if any. */
void	tracker_udp_read(struct tracker *t, uint64_t now);
/* Retransmits or gives up once the reply is overdue (BEP 15). */
void	tracker_udp_check_timeout(struct tracker *t, uint64_t now);
/* In ATT_UDP_RESOLVE: goes on once the name resolved or timed out. */
void	tracker_udp_check_resolved(struct tracker *t, uint64_t now);

#endif /* BT_TRACKER_IMPL_H */
