/*
 * utp_impl.h: the private layout of one uTP connection, shared by utp.c
 * (life cycle, input and the receive side, timers, the caller's calls)
 * and utp_out.c (the send side: packets out, acks, loss, LEDBAT).
 * Nothing outside those two files includes it.
 */
#ifndef BT_UTP_IMPL_H
#define BT_UTP_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/utp.h"
#include "ipc/bbuf.h"

struct utp_packet;

#define OUT_SLOTS		1024	/* packets in flight, at most */
#define REORDER_SLOTS		1024	/* how far ahead of a gap we keep */
#define UTP_SACK_BYTES		32	/* bitmask we send: 256 packets */
#define DUP_ACKS		3	/* BEP 29: 3 duplicate acks = lost */
#define MAX_FAST_RESENDS	4	/* per selective ack, as libutp */
#define MAX_RETRIES		4	/* time-outs in a row, then give up */
#define SYN_RETRIES		1	/* a SYN gives up sooner: after 3 s,
					 * libtorrent's utp_connect_timeout
					 * (2 re-sends took 7 s, and a peer
					 * without uTP waited that for TCP) */
#define MIN_WINDOW		UTP_MSS_MIN
#define CWND_GAIN_PER_RTT	3000	/* libutp MAX_CWND_INCREASE_... */
#define RTO_INITIAL_US		1000000u	/* BEP 29: 1000 ms */
#define RTO_MIN_US		500000u		/* BEP 29: 500 ms */
#define RTO_MAX_US		30000000u
#define DECAY_INTERVAL_US	100000u	/* halve at most every 100 ms */
#define MAXED_WINDOW_US		1000000u	/* app-limited after 1 s */
#define KEEPALIVE_US		29000000u	/* libutp: NAT-friendly */
#define IDLE_TIMEOUT_US		180000000u	/* > BitTorrent's 2 min */
#define ZERO_WINDOW_US		15000000u	/* libutp: probe after 15 s */
#define CUR_DELAY_SAMPLES	3
#define BASE_DELAY_SLOTS	2	/* BEP 29: minimum over 2 minutes */
#define BASE_DELAY_SLOT_US	60000000u

struct out_pkt {
	uint64_t	sent_us;	/* last transmission */
	uint32_t	transmissions;
	uint32_t	len;		/* payload bytes */
	uint8_t		type;		/* UTP_ST_DATA, _FIN or _SYN */
	uint8_t		need_resend;	/* timed out: not in cur_window */
	uint8_t		data[];
};

struct in_slot {
	uint8_t		*data;
	uint32_t	 len;
	uint8_t		 used;
};

/* One-way delay samples against a base that is the minimum of the last
 * minutes (BEP 29's base_delay); values wrap, as the clocks do. */
struct delay_hist {
	int		inited;
	uint32_t	base;
	uint32_t	base_hist[BASE_DELAY_SLOTS];
	size_t		base_idx;
	uint64_t	base_time_us;
	uint32_t	cur[CUR_DELAY_SAMPLES];
	size_t		cur_idx;
};

struct utp {
	utp_send_fn	*send;
	void		*arg;
	size_t		 mss, send_buf, recv_buf;
	uint32_t	 target_us;
	int		 state;
	int		 incoming;
	uint16_t	 recv_id, send_id;
	uint16_t	 seq_nr;	/* next we send */
	uint16_t	 ack_nr;	/* last received in order */
	uint16_t	 syn_seq;	/* incoming: the SYN's, for re-sends */
	int		 got_non_syn;

	/* send side */
	struct bbuf	 sendq;
	struct out_pkt	**out;		/* OUT_SLOTS, by seq & mask */
	size_t		 out_count;
	size_t		 n_need_resend;	/* marked by a time-out, not yet sent */
	size_t		 cur_window, max_window, ssthresh;
	uint32_t	 peer_wnd;
	int		 slow_start;
	int		 fin_queued, fin_sent;
	unsigned	 dup_acks;
	uint16_t	 fast_resend_seq;	/* lowest we may fast re-send */
	uint64_t	 last_decay_us, last_maxed_us;

	/* timers */
	uint32_t	 rtt_us, rtt_var_us, rto_us, rto_cur_us;
	uint64_t	 rto_deadline_us;	/* 0: nothing in flight */
	unsigned	 retries;
	uint64_t	 now_us, last_recv_us, last_send_us;
	uint64_t	 zero_wnd_deadline_us;	/* 0: not waiting */

	/* receive side */
	struct bbuf	 recvq;
	struct in_slot	*reorder;	/* REORDER_SLOTS, made on first use */
	size_t		 reorder_count, reorder_bytes;
	int		 got_fin, eof;
	uint16_t	 eof_seq;
	int		 ack_due;
	uint32_t	 last_wnd_sent;

	/* delay */
	uint32_t	 reply_micro;	/* our last sample of their delay */
	struct delay_hist our_delay;

	struct bbuf	 scratch;	/* one encoded datagram */
	struct utp_stats stats;
};

/* a is after b in 16-bit sequence space (they wrap) */
static inline int
utp_seq_after(uint16_t a, uint16_t b)
{
	uint16_t	d = (uint16_t)(a - b);

	return d != 0 && (d & 0x8000) == 0;
}

static inline int
utp_alive(const struct utp *u)
{
	return u->state == UTP_STATE_SYN_SENT ||
	    u->state == UTP_STATE_CONNECTED || u->state == UTP_STATE_FIN_SENT;
}

/* utp_out.c: encodes one packet with the current ack state (and, for a
 * STATE, the selective ack) and hands it to the send callback. */
void	utp_out_raw(struct utp *u, uint8_t type, uint16_t seq,
	    const uint8_t *payload, size_t len, uint64_t now_us);
void	utp_out_state(struct utp *u, uint64_t now_us);
/* A new packet of `len' bytes from sendq (0 for a SYN or FIN), kept in
 * the ring and sent.  BT_ERR_NOMEM. */
int	utp_out_new(struct utp *u, uint8_t type, size_t len, uint64_t now_us);
/* Sends what the windows allow: re-sends first, then new data, then the
 * FIN once asked for and sendq is empty. */
void	utp_out_flush(struct utp *u, uint64_t now_us);
/* The ack side of a packet from the peer: ack_nr, selective ack, delay
 * sample, its window. */
void	utp_out_on_acks(struct utp *u, const struct utp_packet *pkt,
	    uint64_t now_us);
/* The retransmission timer fired. */
void	utp_out_on_timeout(struct utp *u, uint64_t now_us);

/* utp.c: the window we advertise, and the selective ack for what waits
 * past ack_nr + 1 (its length in bytes, a multiple of 4; 0: none). */
uint32_t	utp_in_window(const struct utp *u);
size_t	utp_in_sack(const struct utp *u, uint8_t sack[UTP_SACK_BYTES]);

#endif
