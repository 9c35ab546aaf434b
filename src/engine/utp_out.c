/*
 * utp_out: the send side of a uTP connection (see utp_impl.h).  Every
 * packet sent and not yet acked stays in a ring indexed by sequence
 * number: the oldest is seq_nr - out_count, and cur_window counts the
 * payload bytes of those in flight (not those a time-out marked for
 * re-sending).  Data is cut into packets only when the windows let it go
 * out, so every packet in the ring has been sent at least once.  Acks
 * (cumulative and selective) free packets, feed the RTT and LEDBAT, and
 * find the lost ones.
 */
#include "engine/utp_impl.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "engine/utp_packet.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

static int
wrap_less32(uint32_t a, uint32_t b)
{
	return (uint32_t)(b - a) < (uint32_t)(a - b);
}

/* ---- delay history (LEDBAT's input) ---- */

static void
delay_add(struct delay_hist *h, uint32_t sample, uint64_t now_us)
{
	size_t	i;

	if (!h->inited) {
		for (i = 0; i < BASE_DELAY_SLOTS; i++)
			h->base_hist[i] = sample;
		h->base = sample;
		h->base_time_us = now_us;
		h->inited = 1;
	}
	if (wrap_less32(sample, h->base_hist[h->base_idx]))
		h->base_hist[h->base_idx] = sample;
	if (wrap_less32(sample, h->base))
		h->base = sample;
	h->cur[h->cur_idx] = sample - h->base;
	h->cur_idx = (h->cur_idx + 1) % CUR_DELAY_SAMPLES;
	if (now_us - h->base_time_us < BASE_DELAY_SLOT_US)
		return;
	/* a new minute: forget the oldest minute's minimum */
	h->base_time_us = now_us;
	h->base_idx = (h->base_idx + 1) % BASE_DELAY_SLOTS;
	h->base_hist[h->base_idx] = sample;
	h->base = sample;
	for (i = 0; i < BASE_DELAY_SLOTS; i++)
		if (wrap_less32(h->base_hist[i], h->base))
			h->base = h->base_hist[i];
}

static uint32_t
delay_value(const struct delay_hist *h)
{
	uint32_t	v = UINT32_MAX;
	size_t		i;

	for (i = 0; i < CUR_DELAY_SAMPLES; i++)
		if (h->cur[i] < v)
			v = h->cur[i];
	return v;
}

/* ---- output ---- */

/* Encodes one packet with the current ack state and hands it out. */
void
utp_out_raw(struct utp *u, uint8_t type, uint16_t seq,
    const uint8_t *payload, size_t len, uint64_t now_us)
{
	struct utp_packet	pkt;
	uint8_t			sack[UTP_SACK_BYTES];

	memset(&pkt, 0, sizeof(pkt));
	pkt.type = type;
	pkt.conn_id = type == UTP_ST_SYN ? u->recv_id : u->send_id;
	pkt.ts_us = (uint32_t)now_us;
	pkt.ts_diff_us = u->reply_micro;
	pkt.wnd = u->last_wnd_sent = utp_in_window(u);
	pkt.seq_nr = seq;
	pkt.ack_nr = u->ack_nr;
	pkt.payload = payload;
	pkt.payload_len = len;
	if (type == UTP_ST_STATE && u->reorder_count > 0) {
		pkt.sack = sack;
		pkt.sack_len = utp_in_sack(u, sack);
	}
	bbuf_reset(&u->scratch);
	/* room was reserved at creation: this cannot fail */
	if (utp_packet_encode(&pkt, &u->scratch) != BT_OK)
		return;
	u->send(u->arg, bbuf_ptr(&u->scratch), bbuf_len(&u->scratch));
	u->last_send_us = now_us;
	u->stats.pkts_sent++;
	/* every packet carries ack_nr; only a STATE carries the sack */
	if (type == UTP_ST_STATE || u->reorder_count == 0)
		u->ack_due = 0;
}

void
utp_out_state(struct utp *u, uint64_t now_us)
{
	utp_out_raw(u, UTP_ST_STATE, u->seq_nr, NULL, 0, now_us);
}

static struct out_pkt *
out_at(const struct utp *u, uint16_t seq)
{
	return u->out[seq % OUT_SLOTS];
}

static uint16_t
oldest_seq(const struct utp *u)
{
	return (uint16_t)(u->seq_nr - u->out_count);
}

/* (Re)transmits the packet in flight with sequence number seq. */
static void
transmit(struct utp *u, uint16_t seq, uint64_t now_us)
{
	struct out_pkt	*p = out_at(u, seq);

	if (p->transmissions == 0 || p->need_resend)
		u->cur_window += p->len;
	if (p->need_resend)
		u->n_need_resend--;
	if (p->transmissions > 0)
		u->stats.pkts_resent++;
	p->need_resend = 0;
	p->transmissions++;
	p->sent_us = now_us;
	if (u->rto_deadline_us == 0)
		u->rto_deadline_us = now_us + u->rto_cur_us;
	utp_out_raw(u, p->type, seq, p->data, p->len, now_us);
}

/* Puts a new packet of `len' bytes from sendq in the ring and sends it. */
int
utp_out_new(struct utp *u, uint8_t type, size_t len, uint64_t now_us)
{
	struct out_pkt	*p;

	if ((p = malloc(sizeof(*p) + len)) == NULL)
		return BT_ERR_NOMEM;
	memset(p, 0, sizeof(*p));
	p->type = type;
	p->len = (uint32_t)len;
	if (bbuf_get_bytes(&u->sendq, p->data, len) != BT_OK) {
		free(p);
		return BT_ERR_INVALID;
	}
	u->out[u->seq_nr % OUT_SLOTS] = p;
	u->seq_nr++;
	u->out_count++;
	transmit(u, (uint16_t)(u->seq_nr - 1), now_us);
	return BT_OK;
}

/* Bytes the windows allow in flight beyond cur_window. */
static size_t
send_room(const struct utp *u)
{
	size_t	limit = u->max_window;

	if (u->peer_wnd < limit)
		limit = u->peer_wnd;
	return limit > u->cur_window ? limit - u->cur_window : 0;
}

/* Re-sends, oldest first, the packets a time-out marked; 0 when the
 * window stopped us. */
static int
flush_resends(struct utp *u, uint64_t now_us)
{
	struct out_pkt	*p;
	uint16_t	 seq;
	size_t		 i;

	for (i = 0; i < u->out_count && u->n_need_resend > 0; i++) {
		seq = (uint16_t)(oldest_seq(u) + i);
		if ((p = out_at(u, seq)) == NULL || !p->need_resend)
			continue;
		/* a packet can always go alone, however small the window */
		if (p->len > send_room(u) && u->cur_window > 0)
			return 0;
		transmit(u, seq, now_us);
	}
	return 1;
}

/* How many queued bytes the next new packet takes; 0: none may go now. */
static size_t
next_len(struct utp *u)
{
	size_t	want = bbuf_len(&u->sendq), room = send_room(u);

	if (want > u->mss)
		want = u->mss;
	if (want == 0 || u->out_count >= OUT_SLOTS - 1)
		return 0;
	/* Nagle: the last small piece waits while others are in flight */
	if (want < u->mss && u->out_count > 0 && !u->fin_queued)
		return 0;
	if (want <= room)
		return want;
	u->last_maxed_us = u->now_us;
	/* BEP 29: with nothing in flight the packet shrinks to the window */
	if (u->cur_window == 0 && room >= UTP_MSS_MIN)
		return room;
	return 0;
}

void
utp_out_flush(struct utp *u, uint64_t now_us)
{
	size_t	len;

	if (u->state != UTP_STATE_CONNECTED && u->state != UTP_STATE_FIN_SENT)
		return;
	/* An acceptor sends nothing of its stream until the dialler speaks
	 * after its SYN (libutp): the STATE that answers the SYN, first or
	 * re-sent, then names our first seq, and a dialler that lost it cannot
	 * take a later DATA for the first and ack what it never saw. */
	if (u->incoming && !u->got_non_syn)
		return;
	if (!flush_resends(u, now_us)) {
		u->last_maxed_us = now_us;
		return;
	}
	while ((len = next_len(u)) > 0)
		if (utp_out_new(u, UTP_ST_DATA, len, now_us) != BT_OK)
			return;
	if (u->fin_queued && !u->fin_sent && bbuf_len(&u->sendq) == 0 &&
	    u->out_count < OUT_SLOTS && utp_out_new(u, UTP_ST_FIN, 0,
	    now_us) == BT_OK)
		u->fin_sent = 1;
}

/* ---- acks, loss and congestion control ---- */

static void
rtt_sample(struct utp *u, uint64_t rtt_us)
{
	int64_t	delta;
	uint64_t rto;

	if (rtt_us > RTO_MAX_US)
		rtt_us = RTO_MAX_US;
	if (u->rtt_us == 0) {
		u->rtt_us = (uint32_t)rtt_us;
		u->rtt_var_us = (uint32_t)rtt_us / 2;
	} else {
		/* BEP 29: var += (|rtt - sample| - var) / 4, rtt += (sample -
		 * rtt) / 8 */
		delta = (int64_t)u->rtt_us - (int64_t)rtt_us;
		if (delta < 0)
			delta = -delta;
		u->rtt_var_us = (uint32_t)((int64_t)u->rtt_var_us +
		    (delta - (int64_t)u->rtt_var_us) / 4);
		u->rtt_us = (uint32_t)((int64_t)u->rtt_us +
		    ((int64_t)rtt_us - (int64_t)u->rtt_us) / 8);
	}
	rto = (uint64_t)u->rtt_us + 4 * (uint64_t)u->rtt_var_us;
	u->rto_us = rto < RTO_MIN_US ? RTO_MIN_US : rto > RTO_MAX_US ?
	    RTO_MAX_US : (uint32_t)rto;
	if (u->rtt_us == 0)	/* a sample of 0 us: keep "have one" */
		u->rtt_us = 1;
}

/* Drops the acked packet `seq' from the ring (if still there), counting
 * its bytes and round trip. */
static void
ack_one(struct utp *u, uint16_t seq, uint64_t now_us, size_t *acked,
    uint64_t *min_rtt)
{
	struct out_pkt	*p = out_at(u, seq);
	uint64_t	 rtt;

	if (p == NULL)
		return;
	rtt = now_us > p->sent_us ? now_us - p->sent_us : 0;
	if (rtt < *min_rtt)
		*min_rtt = rtt;
	/* BEP 29: only packets sent once say which send was acked */
	if (p->transmissions == 1)
		rtt_sample(u, rtt);
	*acked += p->len;
	if (p->need_resend)
		u->n_need_resend--;
	else {
		assert(u->cur_window >= p->len);
		u->cur_window -= p->len;
	}
	u->out[seq % OUT_SLOTS] = NULL;
	free(p);
	/* progress: the back-off starts over */
	u->retries = 0;
	u->rto_cur_us = u->rto_us;
	u->rto_deadline_us = now_us + u->rto_cur_us;
}

/* Halves the window on loss, at most once per DECAY_INTERVAL_US. */
static void
decay_window(struct utp *u, uint64_t now_us)
{
	if (u->last_decay_us != 0 &&
	    now_us - u->last_decay_us < DECAY_INTERVAL_US)
		return;
	u->max_window /= 2;
	if (u->max_window < MIN_WINDOW)
		u->max_window = MIN_WINDOW;
	u->slow_start = 0;
	u->ssthresh = u->max_window;
	u->last_decay_us = now_us ? now_us : 1;
}

/* Re-sends `seq' unless it was fast re-sent before; 1 when it was sent. */
static int
fast_resend(struct utp *u, uint16_t seq, uint64_t now_us)
{
	if (out_at(u, seq) == NULL || utp_seq_after(u->fast_resend_seq, seq))
		return 0;
	transmit(u, seq, now_us);
	u->fast_resend_seq = (uint16_t)(seq + 1);
	u->stats.fast_resends++;
	return 1;
}

/* ack_nr acks every packet up to it; returns how many, or -1 when ack_nr
 * is not within what is in flight (old, or never sent). */
static int
ack_cumulative(struct utp *u, uint16_t ack_nr, uint64_t now_us,
    size_t *acked, uint64_t *min_rtt)
{
	uint16_t	oldest = oldest_seq(u);
	size_t		n = (uint16_t)(ack_nr - (uint16_t)(oldest - 1)), i;

	if (n > u->out_count)
		return -1;
	for (i = 0; i < n; i++)
		ack_one(u, (uint16_t)(oldest + i), now_us, acked, min_rtt);
	u->out_count -= n;
	/* packets a selective ack already took leave the ring here */
	while (u->out_count > 0 && out_at(u, oldest_seq(u)) == NULL)
		u->out_count--;
	if (utp_seq_after((uint16_t)(ack_nr + 1), u->fast_resend_seq))
		u->fast_resend_seq = (uint16_t)(ack_nr + 1);
	return (int)n;
}

/* In flight, and not the oldest packet (which a selective ack never
 * covers: its bit 0 is ack_nr + 2). */
static int
after_oldest(const struct utp *u, uint16_t seq)
{
	return u->out_count > 0 &&
	    (uint16_t)(u->seq_nr - seq - 1) < u->out_count - 1;
}

/*
 * A selective ack (libutp's order): walking down from its highest bit,
 * each set bit acks its packet and counts as a duplicate ack; a packet
 * still missing with DUP_ACKS or more acked above it is lost, and so is
 * the oldest (ack_nr + 1).  The lowest MAX_FAST_RESENDS of those go out
 * again at once.
 */
static void
ack_selective(struct utp *u, const struct utp_packet *pkt, uint64_t now_us,
    size_t *acked, uint64_t *min_rtt)
{
	uint16_t	base = (uint16_t)(pkt->ack_nr + 2), seq;
	uint16_t	lost[MAX_FAST_RESENDS];
	size_t		i, count = 0, nlost = 0;
	int		set, sent = 0;

	for (i = pkt->sack_len * 8; i-- > 0;) {
		seq = (uint16_t)(base + i);
		if (!after_oldest(u, seq))
			continue;
		set = pkt->sack[i / 8] >> (i % 8) & 1;
		if (set)
			count++;
		if (out_at(u, seq) == NULL)
			continue;
		if (set)
			ack_one(u, seq, now_us, acked, min_rtt);
		else if (count >= DUP_ACKS)
			lost[nlost++ % MAX_FAST_RESENDS] = seq;
	}
	seq = (uint16_t)(base - 1);
	if (count >= DUP_ACKS && u->out_count > 0 && seq == oldest_seq(u))
		lost[nlost++ % MAX_FAST_RESENDS] = seq;
	if (nlost == 0)
		return;
	/* the last ones found are the lowest: send those, lowest first */
	for (i = 0; i < nlost && i < MAX_FAST_RESENDS; i++)
		sent |= fast_resend(u, lost[(nlost - 1 - i) % MAX_FAST_RESENDS],
		    now_us);
	if (sent)
		decay_window(u, now_us);
}

/*
 * LEDBAT as libutp applies it: the window moves by CWND_GAIN_PER_RTT
 * scaled by how far the queuing delay is from the target and by the
 * share of the window this ack covers, so at most that much per RTT.
 * Growth stops when the sender was not using its window lately (an
 * app-limited flow must not earn a window it never tested).  Slow start
 * grows by the bytes acked, as TCP and libtorrent do (libutp adds only a
 * packet per RTT, too slow to fill a fast path), and ends at ssthresh or
 * once the delay nears the target.
 *
 * Over the target the window shrinks as LEDBAT++ (draft-irtf-iccrg-
 * ledbat-plus-plus) has it: by (delay / target - 1) of itself per RTT, at
 * most half.  libutp's linear 3000 bytes per RTT takes a minute to give
 * a 1 MiB window back to a TCP flow filling a 200 ms queue; issue 14 wants
 * the TCP flow to keep most of its rate.
 */
static void
apply_ledbat(struct utp *u, size_t acked, uint64_t min_rtt, uint64_t now_us)
{
	uint64_t	our_delay = delay_value(&u->our_delay);
	double		target = u->target_us, wf, gain, cwnd;
	size_t		num, den, ss;

	if (our_delay > min_rtt)	/* delay cannot exceed the RTT */
		our_delay = min_rtt;
	u->stats.our_delay_us = (uint32_t)our_delay;
	num = acked < u->max_window ? acked : u->max_window;
	den = acked > u->max_window ? acked : u->max_window;
	wf = (double)num / (double)den;
	gain = CWND_GAIN_PER_RTT * wf * (target - (double)our_delay) / target;
	if ((double)our_delay > target) {
		/* this ack's share of a per-RTT cut of the whole window */
		gain = -(double)num * ((double)our_delay / target - 1.0);
		if (gain < -(double)num / 2)
			gain = -(double)num / 2;
	}
	if (gain > 0 && now_us - u->last_maxed_us > MAXED_WINDOW_US)
		gain = 0;
	cwnd = (double)u->max_window + gain;
	cwnd = cwnd < MIN_WINDOW ? MIN_WINDOW : cwnd;
	if (u->slow_start) {
		ss = u->max_window + (gain > 0 ? num : 0);
		if (ss > u->ssthresh)
			u->slow_start = 0;
		else if ((double)our_delay > target * 0.9) {
			u->slow_start = 0;
			u->ssthresh = u->max_window;
		} else
			u->max_window = (double)ss > cwnd ? ss : (size_t)cwnd;
	} else
		u->max_window = (size_t)cwnd;
	if (u->max_window < MIN_WINDOW)
		u->max_window = MIN_WINDOW;
	if (u->max_window > u->send_buf)
		u->max_window = u->send_buf;
}

void
utp_out_on_acks(struct utp *u, const struct utp_packet *pkt,
    uint64_t now_us)
{
	size_t		acked = 0;
	uint64_t	min_rtt = UINT64_MAX;
	int		n;

	n = ack_cumulative(u, pkt->ack_nr, now_us, &acked, &min_rtt);
	if (n > 0)
		u->dup_acks = 0;
	else if (n == 0 && u->out_count > 0 && pkt->type == UTP_ST_STATE &&
	    pkt->sack == NULL && ++u->dup_acks >= DUP_ACKS) {
		/* BEP 29: 3 duplicate acks, ack_nr + 1 is lost */
		u->dup_acks = 0;
		if (fast_resend(u, oldest_seq(u), now_us))
			decay_window(u, now_us);
	}
	if (pkt->sack != NULL && u->out_count > 0)
		ack_selective(u, pkt, now_us, &acked, &min_rtt);
	if (pkt->ts_diff_us != 0)
		delay_add(&u->our_delay, pkt->ts_diff_us, now_us);
	if (acked > 0 && pkt->ts_diff_us != 0)
		apply_ledbat(u, acked, min_rtt, now_us);
	if (u->peer_wnd < UTP_MSS_MIN && pkt->wnd >= UTP_MSS_MIN && n <= 0 &&
	    u->out_count > 0) {
		/* the window reopened: what it dropped goes again now, not
		 * after a time-out backed off while the window was closed */
		u->rto_cur_us = u->rto_us;
		u->rto_deadline_us = 0;
		transmit(u, oldest_seq(u), now_us);
	}
	u->peer_wnd = pkt->wnd;
	if (pkt->wnd >= UTP_MSS_MIN)
		u->zero_wnd_deadline_us = 0;
	else {
		if (u->zero_wnd_deadline_us == 0)
			u->zero_wnd_deadline_us = now_us + ZERO_WINDOW_US;
		/* a peer answering with a closed window is alive: what it
		 * drops is flow control, not loss, and must not run out our
		 * re-sends */
		u->retries = 0;
	}
	if (u->out_count == 0)
		u->rto_deadline_us = 0;
}

/* BEP 29: nothing acked within the timeout.  Everything in flight counts
 * as lost, the oldest goes out again, the window falls to one packet and
 * the timeout doubles; after MAX_RETRIES in a row (SYN_RETRIES for a SYN)
 * the connection is given up. */
void
utp_out_on_timeout(struct utp *u, uint64_t now_us)
{
	unsigned	 limit = u->state == UTP_STATE_SYN_SENT ? SYN_RETRIES :
			    MAX_RETRIES;
	struct out_pkt	*p;
	size_t		 i;

	if (u->out_count == 0) {
		u->rto_deadline_us = 0;
		return;
	}
	if (u->retries >= limit) {
		u->state = u->state == UTP_STATE_FIN_SENT ? UTP_STATE_CLOSED :
		    UTP_STATE_TIMEOUT;
		return;
	}
	u->retries++;
	u->stats.timeouts++;
	u->rto_cur_us = u->rto_cur_us > RTO_MAX_US / 2 ? RTO_MAX_US :
	    u->rto_cur_us * 2;
	u->rto_deadline_us = now_us + u->rto_cur_us;
	u->dup_acks = 0;
	u->max_window = u->mss;
	u->slow_start = 1;
	for (i = 0; i < u->out_count; i++) {
		p = out_at(u, (uint16_t)(oldest_seq(u) + i));
		if (p == NULL || p->need_resend)
			continue;
		p->need_resend = 1;
		u->n_need_resend++;
		assert(u->cur_window >= p->len);
		u->cur_window -= p->len;
	}
	/* the oldest is always in the ring (ack_cumulative trims to it) */
	assert(out_at(u, oldest_seq(u)) != NULL);
	transmit(u, oldest_seq(u), now_us);
}
