/*
 * utp: one uTP connection (BEP 29) as a state machine, without sockets and
 * without a clock: the caller hands in each datagram meant for it
 * (utp_input) and the time in microseconds on every call, and the
 * connection hands out datagrams through the send callback.  Timers run
 * only when utp_tick is called (utp_deadline_us says when next).
 *
 * What it does as libutp does, so that real clients understand it:
 * sequence and ack numbers of 16 bits that wrap; a SYN acked by a STATE
 * whose seq_nr is the acceptor's next; selective acks (extension 1) sent
 * with every STATE while packets wait out of order, and read both for
 * acks and for loss; a packet taken as lost once 3 later ones are acked
 * (or 3 duplicate acks came), re-sent at once, the window halved at most
 * once per 100 ms; RTT and RTO (BEP 29: rto = max(rtt + 4 rtt_var,
 * 500 ms), 1 s at first, doubled on each time-out, 4 in a row end the
 * connection, 2 for a SYN); LEDBAT with a 100 ms target, at most 3000
 * bytes of growth per RTT (libutp's MAX_CWND_INCREASE_BYTES_PER_RTT),
 * libutp's slow start, a window of at least 150 bytes (BEP 29's smallest
 * packet); the peer's advertised window, with a probe after 15 s at 0;
 * packets of at most `mss' payload bytes (1400 by default: 1420 bytes of
 * uTP, under 1500 with UDP and IPv6 headers); Nagle for the last small
 * packet while others are in flight; keep-alives after 29 s idle.
 *
 * Acks are deferred: utp_input notes that one is due and utp_flush (or
 * utp_tick) sends it, so a burst of datagrams drained from the socket is
 * answered by one STATE.  Data is read in order with utp_read; the
 * advertised window is what is left of the receive buffer.
 */
#ifndef BT_UTP_H
#define BT_UTP_H

#include <stddef.h>
#include <stdint.h>

#define UTP_MSS_DEFAULT		1400		/* payload bytes per packet */
#define UTP_MSS_MIN		150		/* BEP 29: smallest packet */
#define UTP_MSS_MAX		16384
#define UTP_BUF_DEFAULT		(1024u * 1024)	/* send and receive buffers */
#define UTP_BUF_MAX		(16u * 1024 * 1024)
#define UTP_TARGET_DELAY_US	100000		/* BEP 29: CCONTROL_TARGET */

/* Sends one datagram to the peer.  pkt is valid during the call only.  A
 * datagram the socket refuses is simply lost: uTP re-sends it. */
typedef void	utp_send_fn(void *arg, const uint8_t *pkt, size_t len);

struct utp_config {
	utp_send_fn	*send;
	void		*arg;
	size_t		 mss;		/* 0: UTP_MSS_DEFAULT */
	/* bytes written and not yet in packets, also the largest window;
	 * 0: UTP_BUF_DEFAULT */
	size_t		 send_buf;
	size_t		 recv_buf;	/* bytes received, not yet read */
	uint32_t	 target_delay_us;	/* 0: UTP_TARGET_DELAY_US */
};

enum utp_state {
	UTP_STATE_SYN_SENT,	/* outgoing, SYN not yet acked */
	UTP_STATE_CONNECTED,
	UTP_STATE_FIN_SENT,	/* utp_close: FIN queued or not yet acked */
	UTP_STATE_CLOSED,	/* done: our FIN acked, closed after the
				 * peer's FIN, utp_abort, or a FIN never
				 * acked */
	UTP_STATE_RESET,	/* the peer reset or refused it */
	UTP_STATE_TIMEOUT,	/* the peer stopped answering */
};

struct utp_stats {
	uint32_t	rtt_us, rtt_var_us, rto_us;
	uint32_t	our_delay_us;	/* LEDBAT's queuing delay estimate */
	size_t		max_window;	/* congestion window, bytes */
	size_t		cur_window;	/* bytes in flight */
	uint32_t	peer_wnd;	/* the peer's advertised window */
	uint64_t	pkts_sent, pkts_resent, pkts_recv;
	uint64_t	fast_resends, timeouts;
	uint64_t	bytes_written, bytes_read;	/* by the caller */
};

struct utp;

/*
 * Starts an outgoing connection: receive id `recv_id' (the peer sends
 * with it; we send with recv_id + 1) and first sequence number `seq_nr',
 * both from the caller's RNG (the caller checks its table for recv_id).
 * The SYN goes out through cfg->send before this returns.  BT_OK with
 * *out set, BT_ERR_INVALID for a bad cfg (no send, mss or buffers out of
 * range), BT_ERR_NOMEM; *out is NULL on error.
 */
int	utp_new_outgoing(const struct utp_config *cfg, uint16_t recv_id,
	    uint16_t seq_nr, uint64_t now_us, struct utp **out);

/*
 * Accepts the SYN syn[0..len) (BEP 29: we receive with its id + 1, send
 * with its id); our first sequence number `seq_nr' comes from the
 * caller's RNG.  The STATE acking the SYN goes out before this returns.
 * BT_ERR_FORMAT when the bytes are not a uTP SYN; else as above.
 */
int	utp_new_incoming(const struct utp_config *cfg, const uint8_t *syn,
	    size_t len, uint16_t seq_nr, uint64_t now_us, struct utp **out);

/* Frees u and what it holds; NULL is a no-op.  Sends nothing. */
void	utp_free(struct utp *u);

/*
 * One datagram p[0..n) from the peer.  BT_OK when it was this
 * connection's (even if it was old, duplicate or ignored because the
 * connection is over), BT_ERR_FORMAT when it is not a valid uTP packet,
 * BT_ERR_INVALID when its connection id is not this connection's (the
 * caller may try its next key, see utp_demux_keys).
 */
int	utp_input(struct utp *u, const uint8_t *p, size_t n, uint64_t now_us);

/*
 * Queues up to n bytes of p (what fits in the send buffer; *n_out says
 * how many, possibly 0) and sends what the windows allow.  Writing is
 * allowed from SYN_SENT on.  BT_ERR_CLOSED after utp_close or a reset,
 * BT_ERR_TIMEOUT after a time-out (*n_out 0).
 */
int	utp_write(struct utp *u, const void *p, size_t n, uint64_t now_us,
	    size_t *n_out);

/*
 * Moves up to n received bytes, in order, to p; *n_out may be 0 when
 * nothing is there yet.  Once all is read: BT_ERR_CLOSED after the peer's
 * FIN or a reset, BT_ERR_TIMEOUT after a time-out.  Reading reopens the
 * advertised window (a STATE goes out at once if it had fallen under one
 * packet).
 */
int	utp_read(struct utp *u, void *p, size_t n, uint64_t now_us,
	    size_t *n_out);

/* Bytes utp_read would give; bytes utp_write would take. */
size_t	utp_readable(const struct utp *u);
/* 1 when utp_read has nothing more to give, ever: all read, and the peer
 * sent its FIN or the connection is over (a reader's EOF). */
int	utp_at_end(const struct utp *u);
size_t	utp_writable(const struct utp *u);

/*
 * Closes our direction: a FIN after everything queued (FIN_SENT, then
 * CLOSED once acked or after the re-sends run out).  In SYN_SENT a RESET
 * goes out and the connection is CLOSED; after the peer's FIN with
 * nothing of ours in flight it is CLOSED at once (libutp sends no FIN
 * back either).  A no-op once closing or over.
 */
void	utp_close(struct utp *u, uint64_t now_us);

/* The network says nothing listens at the peer's address (an ICMP port
 * unreachable): a connection still dialling (SYN_SENT) ends as if reset,
 * sending nothing; any other is left alone (such a message may be old,
 * or forged).  1 when it ended the connection. */
int	utp_unreachable(struct utp *u);

/* Sends a RESET and ends the connection (CLOSED) at once. */
void	utp_abort(struct utp *u, uint64_t now_us);

/* Sends the deferred ack, if one is due. */
void	utp_flush(struct utp *u, uint64_t now_us);

/* Time-outs and re-sends, keep-alives, the zero-window probe, the
 * deferred ack. */
void	utp_tick(struct utp *u, uint64_t now_us);

/* When utp_tick should run next (absolute, in the callers' clock);
 * UINT64_MAX when the connection is over. */
uint64_t	utp_deadline_us(const struct utp *u);

int	utp_state(const struct utp *u);		/* enum utp_state */
const char	*utp_state_name(int state);
/* 1 when the connection is over (CLOSED, RESET, TIMEOUT): free it. */
int	utp_is_over(const struct utp *u);
/* The id the peer's packets carry: the key in the session's table. */
uint16_t	utp_recv_id(const struct utp *u);
void	utp_get_stats(const struct utp *u, struct utp_stats *out);

#endif
