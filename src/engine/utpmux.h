/*
 * utpmux: the session's table of uTP connections (BEP 29) on its UDP
 * socket.  Pure and clockless like utp.h: datagrams come in through
 * utpmux_input with the time in microseconds, go out through the send
 * callback; no sockets, no timers of its own (the caller runs
 * utpmux_tick at utpmux_deadline_us).
 *
 * Each datagram finds its connection by (connection id, address) as
 * utp_demux.h describes: a SYN that no connection claims is offered to
 * the accept callback, anything else that none claims is answered with a
 * RESET (a RESET itself never is).  The mux owns every struct utp in it;
 * an owner (a peer) borrows one from utpmux_connect or the accept
 * callback until it calls utpmux_release.  A connection that is over
 * stays in the table until its owner releases it, so the owner can
 * always read why it ended.
 *
 * The callbacks must not call back into the mux.
 */
#ifndef BT_UTPMUX_H
#define BT_UTPMUX_H

#include <stddef.h>
#include <stdint.h>

#include "engine/caddr.h"

struct utp;

#define UTPMUX_MAX_CONNS_DEFAULT	1024

struct utpmux_config {
	void	*arg;
	/* A datagram to send to `to'; p is valid during the call only.  A
	 * datagram that cannot go is simply lost: uTP re-sends. */
	void	(*send)(void *arg, const struct caddr *to, const uint8_t *p,
		    size_t n);
	/* A new incoming connection (a SYN for no connection of ours):
	 * return 1 to take it (the mux keeps owning u; the caller now
	 * refers to it until utpmux_release), 0 to refuse (the mux answers
	 * with a RESET and frees u).  The SYN's ack goes out once this
	 * returns 1.  NULL refuses every connection. */
	int	(*accept)(void *arg, struct utp *u, const struct caddr *from);
	uint64_t seed;		/* rng.h: connection ids, sequence numbers */
	size_t	 max_conns;	/* 0: UTPMUX_MAX_CONNS_DEFAULT */
	/* each connection's buffers (utp_config); 0: utp.h's defaults */
	size_t	 send_buf, recv_buf;
};

struct utpmux;

/* BT_OK with *out, BT_ERR_INVALID (no send callback, or buffers utp.h
 * refuses), BT_ERR_NOMEM; *out is NULL on error. */
int	utpmux_new(const struct utpmux_config *cfg, struct utpmux **out);
/* Aborts (a RESET to the peer) every connection still alive and frees
 * them all, released or not; NULL is a no-op. */
void	utpmux_free(struct utpmux *m);

/* One uTP datagram p[0..n) from `from' (the udp's on_utp).  What does
 * not decode as uTP is dropped. */
void	utpmux_input(struct utpmux *m, const struct caddr *from,
	    const uint8_t *p, size_t n, uint64_t now_us);
/* The deferred acks of the connections that had input since the last
 * flush (the udp's on_drained: one ack per burst). */
void	utpmux_flush(struct utpmux *m, uint64_t now_us);

/*
 * Dials `to': a fresh receive id (unused with that address) and sequence
 * number from the seed; the SYN goes out before this returns.  BT_OK with
 * *out (borrowed until utpmux_release), BT_ERR_LIMIT with max_conns
 * connections in the table, BT_ERR_INVALID for an address of no family,
 * BT_ERR_NOMEM.  *out is NULL on error.
 */
int	utpmux_connect(struct utpmux *m, const struct caddr *to,
	    uint64_t now_us, struct utp **out);
/*
 * The owner is done with u (from utpmux_connect or accept): it is closed
 * (utp_close: a FIN after what is queued) and freed once over, at once
 * if it already is.  The owner must not touch u again.  A u the mux does
 * not hold is ignored.
 */
void	utpmux_release(struct utpmux *m, struct utp *u, uint64_t now_us);
/* The network says nothing listens at `to' (udp's on_unreachable): every
 * connection to that address still dialling ends (utp_unreachable), so
 * its owner dials over TCP at once.  Returns how many ended. */
size_t	utpmux_unreachable(struct utpmux *m, const struct caddr *to);
/* Runs utp_tick on every connection that is due, and frees the released
 * ones that are over. */
void	utpmux_tick(struct utpmux *m, uint64_t now_us);
/* When utpmux_tick should run next (absolute, the callers' clock);
 * UINT64_MAX when no connection has a timer. */
uint64_t	utpmux_deadline_us(const struct utpmux *m);
/* Connections in the table, released ones still closing included. */
size_t	utpmux_count(const struct utpmux *m);

#endif
