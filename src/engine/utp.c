/*
 * utp: one uTP connection (see utp.h): its life cycle, the packets that
 * come in, the receive side, the timers and the caller's calls.  The
 * send side is utp_out.c.  The receive side delivers in order into
 * recvq; packets ahead of a gap wait in the reorder ring, and the window
 * we advertise counts both, so a peer that keeps to it cannot make us
 * hold more than recv_buf bytes.
 */
#include "engine/utp.h"

#include <stdlib.h>
#include <string.h>

#include "engine/utp_impl.h"
#include "engine/utp_packet.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

/* ---- receive side ---- */

uint32_t
utp_in_window(const struct utp *u)
{
	size_t	held = bbuf_len(&u->recvq) + u->reorder_bytes;

	return held >= u->recv_buf ? 0 : (uint32_t)(u->recv_buf - held);
}

/* The selective ack for what waits past ack_nr + 1 (bit 0: ack_nr + 2). */
size_t
utp_in_sack(const struct utp *u, uint8_t sack[UTP_SACK_BYTES])
{
	size_t		i, top = 0;
	uint16_t	seq;

	memset(sack, 0, UTP_SACK_BYTES);
	for (i = 0; i < UTP_SACK_BYTES * 8; i++) {
		seq = (uint16_t)(u->ack_nr + 2 + i);
		if (u->reorder[seq % REORDER_SLOTS].used) {
			sack[i / 8] |= (uint8_t)(1u << (i % 8));
			top = i + 1;
		}
	}
	return (top + 31) / 32 * 4;
}

static void
reorder_clear(struct utp *u)
{
	size_t	i;

	if (u->reorder == NULL)
		return;
	for (i = 0; i < REORDER_SLOTS; i++) {
		free(u->reorder[i].data);
		memset(&u->reorder[i], 0, sizeof(u->reorder[i]));
	}
	u->reorder_count = u->reorder_bytes = 0;
}

/* Moves what waited for the gap after ack_nr into recvq, in order, and
 * notes the end of the stream once the FIN's turn has come. */
static void
deliver_waiting(struct utp *u)
{
	struct in_slot	*s;

	for (;;) {
		if (u->got_fin && u->ack_nr == u->eof_seq) {
			/* nothing past the FIN counts (libutp) */
			u->eof = 1;
			reorder_clear(u);
			return;
		}
		if (u->reorder_count == 0)
			return;
		s = &u->reorder[(uint16_t)(u->ack_nr + 1) % REORDER_SLOTS];
		/* (nothing put for an empty packet: bbuf_put_bytes of 0 bytes
		 * into a buffer never grown forms NULL + 0) */
		if (!s->used || (s->len > 0 &&
		    bbuf_put_bytes(&u->recvq, s->data, s->len) != BT_OK))
			return;
		u->reorder_bytes -= s->len;
		u->reorder_count--;
		free(s->data);
		memset(s, 0, sizeof(*s));
		u->ack_nr++;
	}
}

/* An out-of-order packet waits in its slot (a duplicate is dropped). */
static void
hold_out_of_order(struct utp *u, const struct utp_packet *pkt)
{
	struct in_slot	*s;
	uint8_t		*copy = NULL;

	if (u->reorder == NULL &&
	    (u->reorder = calloc(REORDER_SLOTS, sizeof(*u->reorder))) == NULL)
		return;
	s = &u->reorder[pkt->seq_nr % REORDER_SLOTS];
	if (s->used)
		return;
	if (pkt->payload_len > 0) {
		if ((copy = malloc(pkt->payload_len)) == NULL)
			return;
		memcpy(copy, pkt->payload, pkt->payload_len);
	}
	s->data = copy;
	s->len = (uint32_t)pkt->payload_len;
	s->used = 1;
	u->reorder_count++;
	u->reorder_bytes += pkt->payload_len;
}

/* A DATA or FIN packet.  Whatever it is, an ack is due: a re-sent packet
 * means the peer missed ours. */
static void
on_data(struct utp *u, const struct utp_packet *pkt)
{
	uint16_t	dist = (uint16_t)(pkt->seq_nr - u->ack_nr - 1);

	u->ack_due = 1;
	if (u->eof || dist >= REORDER_SLOTS ||
	    (u->got_fin && utp_seq_after(pkt->seq_nr, u->eof_seq)))
		return;			/* old, too far ahead, past the end */
	/* over the window we advertised: drop it, the peer re-sends */
	if (pkt->payload_len > utp_in_window(u))
		return;
	if (pkt->type == UTP_ST_FIN && !u->got_fin) {
		u->got_fin = 1;
		u->eof_seq = pkt->seq_nr;
	}
	if (dist > 0) {
		hold_out_of_order(u, pkt);
		return;
	}
	if (pkt->payload_len > 0 && bbuf_put_bytes(&u->recvq, pkt->payload,
	    pkt->payload_len) != BT_OK)
		return;
	u->ack_nr++;
	deliver_waiting(u);
}

static void
send_reset(struct utp *u, uint64_t now_us)
{
	utp_out_raw(u, UTP_ST_RESET, u->seq_nr, NULL, 0, now_us);
}

static int
on_reset(struct utp *u, const struct utp_packet *pkt)
{
	if (pkt->conn_id != u->recv_id && pkt->conn_id != u->send_id)
		return BT_ERR_INVALID;
	if (utp_alive(u))
		u->state = u->state == UTP_STATE_FIN_SENT ? UTP_STATE_CLOSED :
		    UTP_STATE_RESET;
	return BT_OK;
}

/* A SYN again: our STATE was lost, so it goes out again (libutp would
 * ignore it and leave the dialler to time out). */
static int
on_syn(struct utp *u, const struct utp_packet *pkt, uint64_t now_us)
{
	if (!u->incoming || pkt->conn_id != u->send_id)
		return BT_ERR_INVALID;
	if (utp_alive(u) && !u->got_non_syn && pkt->seq_nr == u->syn_seq) {
		u->last_recv_us = now_us;
		utp_out_state(u, now_us);
	}
	return BT_OK;
}

/* The first packet that acks our SYN: the acceptor's seq_nr is its next,
 * so ack_nr starts one below (libutp). */
static int
on_syn_acked(struct utp *u, const struct utp_packet *pkt)
{
	if (pkt->ack_nr != (uint16_t)(u->seq_nr - 1))
		return 0;
	u->ack_nr = (uint16_t)(pkt->seq_nr - 1);
	u->state = UTP_STATE_CONNECTED;
	return 1;
}

int
utp_input(struct utp *u, const uint8_t *p, size_t n, uint64_t now_us)
{
	struct utp_packet	pkt;

	if (utp_packet_decode(p, n, &pkt) != BT_OK)
		return BT_ERR_FORMAT;
	u->now_us = now_us;
	if (pkt.type == UTP_ST_RESET)
		return on_reset(u, &pkt);
	if (pkt.type == UTP_ST_SYN)
		return on_syn(u, &pkt, now_us);
	if (pkt.conn_id != u->recv_id)
		return BT_ERR_INVALID;
	if (!utp_alive(u)) {
		/* closed, but the peer still sends (its FIN after ours was
		 * acked, or a re-send of what our lost ack covered): it gets
		 * the RESET a freed connection's packets get, and stops */
		if (u->state == UTP_STATE_CLOSED && pkt.type != UTP_ST_STATE)
			send_reset(u, now_us);
		return BT_OK;
	}
	if (u->state == UTP_STATE_SYN_SENT && !on_syn_acked(u, &pkt))
		return BT_OK;
	u->stats.pkts_recv++;
	u->last_recv_us = now_us;
	u->got_non_syn = 1;
	if (pkt.ts_us != 0)		/* BEP 29: their delay, sent back */
		u->reply_micro = (uint32_t)now_us - pkt.ts_us;
	utp_out_on_acks(u, &pkt, now_us);
	if (u->state == UTP_STATE_FIN_SENT && u->fin_sent &&
	    u->out_count == 0) {
		u->state = UTP_STATE_CLOSED;
		return BT_OK;
	}
	if (pkt.type == UTP_ST_DATA || pkt.type == UTP_ST_FIN)
		on_data(u, &pkt);
	if (u->eof && u->ack_due)	/* ack a FIN at once, as libutp */
		utp_out_state(u, now_us);
	utp_out_flush(u, now_us);
	return BT_OK;
}

/* ---- timers ---- */

void
utp_tick(struct utp *u, uint64_t now_us)
{
	u->now_us = now_us;
	if (!utp_alive(u))
		return;
	if (now_us - u->last_recv_us >= IDLE_TIMEOUT_US) {
		u->state = u->state == UTP_STATE_FIN_SENT ? UTP_STATE_CLOSED :
		    UTP_STATE_TIMEOUT;
		return;
	}
	if (u->rto_deadline_us != 0 && now_us >= u->rto_deadline_us) {
		utp_out_on_timeout(u, now_us);
		if (!utp_alive(u))
			return;
	}
	if (u->zero_wnd_deadline_us != 0 &&
	    now_us >= u->zero_wnd_deadline_us) {
		/* libutp: probe a closed window with one packet */
		u->zero_wnd_deadline_us = 0;
		if (u->peer_wnd < u->mss)
			u->peer_wnd = (uint32_t)u->mss;
	}
	utp_out_flush(u, now_us);
	if (u->state != UTP_STATE_SYN_SENT && (u->ack_due ||
	    now_us - u->last_send_us >= KEEPALIVE_US))
		utp_out_state(u, now_us);
}

static uint64_t
earliest(uint64_t a, uint64_t b)
{
	return b != 0 && b < a ? b : a;
}

uint64_t
utp_deadline_us(const struct utp *u)
{
	uint64_t	d;

	if (!utp_alive(u))
		return UINT64_MAX;
	d = u->last_recv_us + IDLE_TIMEOUT_US;
	d = earliest(d, u->rto_deadline_us);
	d = earliest(d, u->zero_wnd_deadline_us);
	if (u->state != UTP_STATE_SYN_SENT) {
		d = earliest(d, u->last_send_us + KEEPALIVE_US);
		if (u->ack_due)
			d = earliest(d, u->now_us ? u->now_us : 1);
	}
	return d;
}

/* ---- the caller's side ---- */

int
utp_write(struct utp *u, const void *p, size_t n, uint64_t now_us,
    size_t *n_out)
{
	size_t	take = bbuf_avail(&u->sendq);
	int	r;

	*n_out = 0;
	u->now_us = now_us;
	if (u->state == UTP_STATE_TIMEOUT)
		return BT_ERR_TIMEOUT;
	if (u->state != UTP_STATE_SYN_SENT && u->state != UTP_STATE_CONNECTED)
		return BT_ERR_CLOSED;
	if (take > n)
		take = n;
	if (take > 0 && (r = bbuf_put_bytes(&u->sendq, p, take)) != BT_OK)
		return r;
	*n_out = take;
	u->stats.bytes_written += take;
	utp_out_flush(u, now_us);
	return BT_OK;
}

int
utp_read(struct utp *u, void *p, size_t n, uint64_t now_us, size_t *n_out)
{
	size_t		take = bbuf_len(&u->recvq);
	uint32_t	before = u->last_wnd_sent;

	*n_out = 0;
	u->now_us = now_us;
	if (take > n)
		take = n;
	if (take == 0) {
		if (u->state == UTP_STATE_TIMEOUT)
			return BT_ERR_TIMEOUT;
		return utp_alive(u) && !u->eof ? BT_OK : BT_ERR_CLOSED;
	}
	(void)bbuf_get_bytes(&u->recvq, p, take);
	*n_out = take;
	u->stats.bytes_read += take;
	/* libutp: a window that had closed is announced at once */
	if (utp_alive(u) && u->state != UTP_STATE_SYN_SENT && before < u->mss &&
	    utp_in_window(u) >= u->mss)
		utp_out_state(u, now_us);
	return BT_OK;
}

size_t
utp_readable(const struct utp *u)
{
	return bbuf_len(&u->recvq);
}

int
utp_at_end(const struct utp *u)
{
	return bbuf_len(&u->recvq) == 0 && (u->eof || !utp_alive(u));
}

size_t
utp_writable(const struct utp *u)
{
	if (u->state != UTP_STATE_SYN_SENT && u->state != UTP_STATE_CONNECTED)
		return 0;
	return bbuf_avail(&u->sendq);
}

void
utp_close(struct utp *u, uint64_t now_us)
{
	u->now_us = now_us;
	if (u->state == UTP_STATE_SYN_SENT) {
		send_reset(u, now_us);
		u->state = UTP_STATE_CLOSED;
		return;
	}
	if (u->state != UTP_STATE_CONNECTED)
		return;
	if (u->eof && u->out_count == 0 && bbuf_len(&u->sendq) == 0) {
		u->state = UTP_STATE_CLOSED;
		return;
	}
	u->fin_queued = 1;
	u->state = UTP_STATE_FIN_SENT;
	utp_out_flush(u, now_us);
}

void
utp_abort(struct utp *u, uint64_t now_us)
{
	u->now_us = now_us;
	if (!utp_alive(u))
		return;
	send_reset(u, now_us);
	u->state = UTP_STATE_CLOSED;
}

int
utp_unreachable(struct utp *u)
{
	if (u->state != UTP_STATE_SYN_SENT)
		return 0;
	u->state = UTP_STATE_RESET;
	return 1;
}

void
utp_flush(struct utp *u, uint64_t now_us)
{
	u->now_us = now_us;
	if (utp_alive(u) && u->state != UTP_STATE_SYN_SENT && u->ack_due)
		utp_out_state(u, now_us);
}

/* ---- life cycle ---- */

static int
check_config(const struct utp_config *cfg, struct utp *u)
{
	u->send = cfg->send;
	u->arg = cfg->arg;
	u->mss = cfg->mss ? cfg->mss : UTP_MSS_DEFAULT;
	u->send_buf = cfg->send_buf ? cfg->send_buf : UTP_BUF_DEFAULT;
	u->recv_buf = cfg->recv_buf ? cfg->recv_buf : UTP_BUF_DEFAULT;
	u->target_us = cfg->target_delay_us ? cfg->target_delay_us :
	    UTP_TARGET_DELAY_US;
	if (u->send == NULL || u->mss < UTP_MSS_MIN || u->mss > UTP_MSS_MAX ||
	    u->send_buf < u->mss || u->send_buf > UTP_BUF_MAX ||
	    u->recv_buf < u->mss || u->recv_buf > UTP_BUF_MAX)
		return BT_ERR_INVALID;
	return BT_OK;
}

static int
utp_alloc(const struct utp_config *cfg, uint64_t now_us, struct utp **out)
{
	struct utp	*u;
	uint8_t		*room;
	size_t		 dgram_max;
	int		 r;

	*out = NULL;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return BT_ERR_NOMEM;
	if ((r = check_config(cfg, u)) != BT_OK)
		goto out;
	bbuf_init(&u->sendq, u->send_buf);
	bbuf_init(&u->recvq, u->recv_buf);
	dgram_max = UTP_HEADER_LEN + 2 + UTP_SACK_BYTES + u->mss;
	bbuf_init(&u->scratch, dgram_max);
	r = BT_ERR_NOMEM;
	if ((u->out = calloc(OUT_SLOTS, sizeof(*u->out))) == NULL ||
	    bbuf_reserve(&u->scratch, dgram_max, &room) != BT_OK)
		goto out;
	u->max_window = u->mss;
	u->ssthresh = u->send_buf;
	u->slow_start = 1;
	u->peer_wnd = (uint32_t)u->mss;
	u->rto_us = u->rto_cur_us = RTO_INITIAL_US;
	u->now_us = u->last_recv_us = u->last_send_us = now_us;
	*out = u;
	u = NULL;
	r = BT_OK;
out:
	utp_free(u);
	return r;
}

int
utp_new_outgoing(const struct utp_config *cfg, uint16_t recv_id,
    uint16_t seq_nr, uint64_t now_us, struct utp **out)
{
	struct utp	*u;
	int		 r;

	*out = NULL;
	if ((r = utp_alloc(cfg, now_us, &u)) != BT_OK)
		return r;
	u->recv_id = recv_id;
	u->send_id = (uint16_t)(recv_id + 1);
	u->seq_nr = u->fast_resend_seq = seq_nr;
	u->state = UTP_STATE_SYN_SENT;
	if ((r = utp_out_new(u, UTP_ST_SYN, 0, now_us)) != BT_OK) {
		utp_free(u);
		return r;
	}
	*out = u;
	return BT_OK;
}

int
utp_new_incoming(const struct utp_config *cfg, const uint8_t *syn,
    size_t len, uint16_t seq_nr, uint64_t now_us, struct utp **out)
{
	struct utp_packet	 pkt;
	struct utp		*u;
	int			 r;

	*out = NULL;
	if (utp_packet_decode(syn, len, &pkt) != BT_OK ||
	    pkt.type != UTP_ST_SYN)
		return BT_ERR_FORMAT;
	if ((r = utp_alloc(cfg, now_us, &u)) != BT_OK)
		return r;
	u->incoming = 1;
	u->recv_id = (uint16_t)(pkt.conn_id + 1);
	u->send_id = pkt.conn_id;
	u->ack_nr = u->syn_seq = pkt.seq_nr;
	u->seq_nr = u->fast_resend_seq = seq_nr;
	u->peer_wnd = pkt.wnd;
	if (pkt.ts_us != 0)
		u->reply_micro = (uint32_t)now_us - pkt.ts_us;
	u->state = UTP_STATE_CONNECTED;
	utp_out_state(u, now_us);
	*out = u;
	return BT_OK;
}

void
utp_free(struct utp *u)
{
	size_t	i;

	if (u == NULL)
		return;
	if (u->out != NULL)
		for (i = 0; i < OUT_SLOTS; i++)
			free(u->out[i]);
	free(u->out);
	reorder_clear(u);
	free(u->reorder);
	bbuf_cleanup(&u->sendq);
	bbuf_cleanup(&u->recvq);
	bbuf_cleanup(&u->scratch);
	free(u);
}

/* ---- queries ---- */

int
utp_state(const struct utp *u)
{
	return u->state;
}

const char *
utp_state_name(int state)
{
	static const char	*names[] = { "SYN_SENT", "CONNECTED",
				    "FIN_SENT", "CLOSED", "RESET", "TIMEOUT" };

	if (state < 0 || state > UTP_STATE_TIMEOUT)
		return "?";
	return names[state];
}

int
utp_is_over(const struct utp *u)
{
	return !utp_alive(u);
}

uint16_t
utp_recv_id(const struct utp *u)
{
	return u->recv_id;
}

void
utp_get_stats(const struct utp *u, struct utp_stats *out)
{
	*out = u->stats;
	out->rtt_us = u->rtt_us;
	out->rtt_var_us = u->rtt_var_us;
	out->rto_us = u->rto_us;
	out->max_window = u->max_window;
	out->cur_window = u->cur_window;
	out->peer_wnd = u->peer_wnd;
}
