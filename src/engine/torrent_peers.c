/*
 * torrent_peers: a torrent's connections: those it takes from the
 * session's listener, their transports each turn (the handshake, plain or
 * inside MSE), the time-outs, bans and the requests a peer held; reaping
 * the dead at the end of a turn.  The addresses it knows and dialling
 * them are torrent_known.c's; what the messages mean is peerproto's.
 */
#include "engine/torrent_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "engine/bitfield.h"
#include "engine/blockcache.h"
#include "engine/bucket.h"
#include "engine/choker.h"
#include "engine/engine.h"
#include "engine/metainfo.h"
#include "engine/metafetch.h"
#include "engine/peerext.h"
#include "engine/peermse.h"
#include "engine/peerproto.h"
#include "engine/picker.h"
#include "engine/tracker.h"
#include "engine/webseed.h"
#include "engine/wire.h"

#define KEEPALIVE_MS		75000	/* under the 120 s some clients
					 * allow a silent peer */
#define SILENCE_DROP_MS		180000
#define SNUB_MS			60000
#define FAST_CHOKE_MS		15000	/* requests kept past a choke */
#define HASHFAIL_BAN		3

int
torrent_add_peer(struct torrent *t, struct peer *p)
{
	struct peer	**n;
	size_t		  want;

	if (t->npeers == t->peers_alloc) {
		want = t->peers_alloc ? t->peers_alloc * 2 : 16;
		if ((n = realloc(t->peers, want * sizeof(*n))) == NULL)
			return BT_ERR_NOMEM;
		t->peers = n;
		t->peers_alloc = want;
	}
	t->peers[t->npeers++] = p;
	t->env->npeers++;
	return BT_OK;
}

/* A seeder takes peers even while queued (it wants no download slot); one
 * that reached its seed ratio is done and takes none. */
int
torrent_accepting(const struct torrent *t)
{
	if (t->meta == NULL)
		return !torrent_idle(t);
	return !torrent_idle(t) || (picker_complete(t->picker) && t->seed &&
	    !t->done && !t->paused && !t->errored &&
	    !torrent_checking_all(t));
}

void
torrent_adopt(struct torrent *t, struct peer *p,
    const struct wire_handshake *hs)
{
	/* One of our own dials (before the peer cap: 170 torrents dialling
	 * themselves at once filled it, and none found out) */
	if (memcmp(hs->peer_id, t->env->peer_id, 20) == 0) {
		peerproto_ban_self(t, p);
		peer_free(p);
		return;
	}
	if (!torrent_accepting(t) || (t->meta != NULL &&
	    peer_set_num_pieces(p, t->meta->num_pieces) != BT_OK) ||
	    torrent_add_peer(t, p) != BT_OK) {
		peer_free(p);
		return;
	}
	p->src = TORRENT_SRC_INCOMING;
	peerproto_on_handshake(t, p, hs);
	/* what came after an MSE handshake with it: no new read may come */
	if (p->state == PEER_ACTIVE && bbuf_len(&p->in) > 0)
		peerproto_process_input(t, p);
}

struct peer *
torrent_peer_by_id(struct torrent *t, uint32_t id)
{
	size_t	i;

	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->id == id)
			return t->peers[i];
	return NULL;
}

struct peer *
torrent_peer_with_id(struct torrent *t, const uint8_t id[20])
{
	size_t	i;

	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->state == PEER_ACTIVE &&
		    memcmp(t->peers[i]->peer_id, id, 20) == 0)
			return t->peers[i];
	return NULL;
}

/*
 * Bans are kept by address, and on loopback (where every peer has the same
 * address) by peer id: a banned peer that connects to us again is dropped at
 * its handshake, one we know is never dialled again.
 */
static void
ban_peer(struct torrent *t, struct peer *p)
{
	struct known_peer	*k;
	struct ban		*n;

	torrent_log(t, MSG_LOG_WARN, "peer %s sent %u bad pieces: banned",
	    p->name, p->hashfails);
	if ((k = torrent_known_find(t, &p->addr)) != NULL)
		k->banned = 1;
	if ((n = realloc(t->bans, (t->nbans + 1) * sizeof(*n))) != NULL) {
		t->bans = n;
		n[t->nbans].addr = p->addr;
		memcpy(n[t->nbans].peer_id, p->peer_id, 20);
		t->nbans++;
	}
	peer_kill(p, "banned after %u hash failures", p->hashfails);
}

int
torrent_is_banned(const struct torrent *t, const struct peer *p)
{
	size_t	i;

	for (i = 0; i < t->nbans; i++) {
		if (!peer_addr_same_host(&t->bans[i].addr, &p->addr))
			continue;
		if (!peer_addr_is_loopback(&p->addr) ||
		    memcmp(t->bans[i].peer_id, p->peer_id, 20) == 0)
			return 1;
	}
	return 0;
}

void
torrent_strike(struct torrent *t, uint32_t peer_id)
{
	struct peer	*p = torrent_peer_by_id(t, peer_id);
	size_t		 i;

	for (i = 0; p == NULL && i < t->nwebseeds; i++)
		if (webseed_id(t->webseeds[i]) == peer_id)
			webseed_on_bad_piece(t->webseeds[i]);
	if (p != NULL && p->state != PEER_DEAD && ++p->hashfails >= HASHFAIL_BAN)
		ban_peer(t, p);
}

/* Pieces whose every block went back to missing lose their buffers. */
static int
keep_buffer(void *arg, uint32_t piece)
{
	struct torrent	*t = arg;

	return picker_piece_state(t->picker, piece) != PICKER_MISSING;
}

void
torrent_release_blocks(struct torrent *t, uint32_t id)
{
	picker_peer_gone(t->picker, id);
	t->pick_gen++;		/* others may now pick what it held */
	blockcache_prune(t->cache, keep_buffer, t);
}

void
torrent_release_requests(struct torrent *t, struct peer *p)
{
	size_t	i;

	if (p->nreqs == 0)
		return;
	/* Blocks still on their way answer the oldest requests: those are
	 * the ones remembered (the oldest noted last, kept longest). */
	for (i = p->nreqs < PEER_CANCELLED_MAX ? p->nreqs :
	    PEER_CANCELLED_MAX; i > 0; i--)
		peer_note_cancelled(p, p->reqs[i - 1].piece,
		    p->reqs[i - 1].begin);
	peer_clear_requests(p);
	torrent_release_blocks(t, p->id);
}

void
torrent_broadcast_have(struct torrent *t, uint32_t piece)
{
	size_t	i;

	for (i = 0; i < t->npeers; i++) {
		struct peer *p = t->peers[i];

		if (p->state != PEER_ACTIVE)
			continue;
		if (wire_put_have(&p->out, piece) != BT_OK)
			peer_kill(p, "output buffer full");
	}
}

int
torrent_fdset(struct torrent *t, fd_set *rd, fd_set *wr, int *maxfd,
    int down_held)
{
	size_t	i;
	/* no reads under an empty download bucket, nor while the disk is
	 * behind (torrent_disk.c) */
	int	ready = 0, may_read = !down_held && t->disk_held_ms == 0;

	for (i = 0; i < t->npeers; i++) {
		struct peer *p = t->peers[i];

		if (p->state != PEER_DEAD && peer_fdset(p, rd, wr, maxfd,
		    may_read && bbuf_avail(&p->in) > 0))
			ready = 1;
	}
	torrent_tracker_fdset(t, rd, wr, maxfd);
	return ready;
}

/* Ours first: plain, or inside MSE (--encryption prefer or require; with
 * prefer, plain to a peer that did not answer MSE before). */
static void
start_handshake(struct torrent *t, struct peer *p)
{
	const struct known_peer	*k;
	struct bbuf		 hs;
	int			 enc = t->env->cfg->encryption, r;

	if (enc != ENGINE_ENC_REQUIRE && (enc != ENGINE_ENC_PREFER ||
	    ((k = torrent_known_find(t, &p->addr)) != NULL && k->plain))) {
		peerproto_send_handshake(t, p);
		return;
	}
	bbuf_init(&hs, WIRE_HANDSHAKE_LEN);
	if ((r = peerproto_put_handshake(t, &hs)) == BT_OK)
		r = peermse_start_outgoing(p, t->info_hash,
		    enc == ENGINE_ENC_REQUIRE, bbuf_ptr(&hs), bbuf_len(&hs));
	bbuf_cleanup(&hs);
	if (r != BT_OK)
		peer_kill(p, "cannot start the encrypted handshake: %s",
		    bt_strerror(r));
}

static void
on_connected(struct torrent *t, struct peer *p)
{
	int	err;

	if (peer_connect_result(p, &err) != BT_OK) {
		peer_fail(p, PEER_FAIL_CONNECT, err);
		return;
	}
	p->state = PEER_HANDSHAKE;
	start_handshake(t, p);
}

/* Returns the bytes read. */
static size_t
on_readable(struct torrent *t, struct peer *p)
{
	uint64_t	avail = bucket_available(t->env->down_bkt);
	size_t		n;
	int		r, err;

	r = peer_read(p, t->env->now_ms, avail > SIZE_MAX ? SIZE_MAX :
	    (size_t)avail, &n);
	err = errno;
	bucket_consume(t->env->down_bkt, n);
	if (p->crypto != PEER_CRYPTO_MSE || peermse_feed(p) == BT_OK)
		peerproto_process_input(t, p);
	if (r == BT_OK || p->state == PEER_DEAD)
		return n;
	/* Still in its handshake: the bytes that came (none, or part of
	 * one) say how far it got. */
	if (p->state == PEER_HANDSHAKE && r == BT_ERR_CLOSED)
		peer_fail(p, bbuf_len(&p->in) > 0 ? PEER_FAIL_CLOSED_PARTIAL :
		    PEER_FAIL_CLOSED, 0);
	else if (p->state == PEER_HANDSHAKE)
		peer_fail(p, PEER_FAIL_IO, err);
	else if (r == BT_ERR_CLOSED)
		peer_kill(p, "closed by peer");
	else
		peer_kill(p, "read: %s", strerror(err));
	return n;
}

static void
on_writable(struct torrent *t, struct peer *p)
{
	size_t	n;

	if (p->state == PEER_CONNECTING) {
		on_connected(t, p);
		if (p->state == PEER_DEAD)
			return;
	}
	if (peer_flush(p, t->env->now_ms, &n) == BT_OK)
		return;
	if (p->state == PEER_HANDSHAKE)
		peer_fail(p, PEER_FAIL_IO, errno);
	else
		peer_kill(p, "write: %s", strerror(errno));
}

/* Starts after the last peer that read, so that under a download limit
 * the tokens go round: a peer with bytes always waiting (uTP's buffer)
 * must not take them all turn after turn. */
void
torrent_perform(struct torrent *t, const fd_set *rd, const fd_set *wr)
{
	size_t	i, k, n = t->npeers, start = n > 0 ? t->read_next % n : 0;

	for (i = 0; i < n; i++) {
		struct peer *p = t->peers[k = (i + start) % n];
		int	     room;

		if (p->state != PEER_DEAD && peer_writable(p, wr))
			on_writable(t, p);
		if (p->state != PEER_DEAD && peer_readable(p, rd) &&
		    on_readable(t, p) > 0)
			t->read_next = k + 1;
		if (p->state == PEER_ACTIVE) {
			/* Nothing waiting to go: the socket has room, and
			 * the requests and blocks queued now go in this
			 * turn, not after one more select().  A round of
			 * requests between two bttui on loopback took two
			 * turns each way. */
			room = bbuf_len(&p->out) == 0;
			peerproto_fill_requests(t, p);
			peerproto_serve_requests(t, p);
			if (room && peer_wants_write(p))
				on_writable(t, p);
		}
	}
	torrent_tracker_perform(t, rd, wr);
}

/*
 * No data from p for SNUB_MS: what it held is asked of others; it is told
 * so (CANCEL), and from now on gets one request at a time (as libtorrent)
 * until a block comes (on_piece clears snubbed).
 */
static void
snub(struct torrent *t, struct peer *p)
{
	size_t	i;

	p->snubbed = 1;
	for (i = 0; i < p->nreqs; i++)
		(void)wire_put_cancel(&p->out, p->reqs[i].piece,
		    p->reqs[i].begin, p->reqs[i].length);
	torrent_release_requests(t, p);
}

/*
 * p and we both have all we want: neither has anything for the other
 * (libtorrent drops such connections too).  Without it, two seeds stay
 * connected for nothing, or the other side closes and we, not knowing
 * it a seed, dial it again and again (issue 16, defect 13).  Its known
 * address is marked a seed when it ends (torrent_known_ended), so it is
 * not dialled again while we seed.
 */
static int
both_seeds(const struct torrent *t, const struct peer *p)
{
	return p->state == PEER_ACTIVE && t->meta != NULL &&
	    picker_wanted_complete(t->picker) && p->have_known &&
	    bitfield_complete(&p->have);
}

/* ms later by held, never past now (a peer that came during the hold) */
static void
later(uint64_t *ms, uint64_t held, uint64_t now)
{
	*ms = *ms + held < now ? *ms + held : now;
}

void
torrent_peers_unhold(struct torrent *t, uint64_t held_ms)
{
	uint64_t	now = t->env->now_ms;
	size_t		i;

	for (i = 0; i < t->npeers; i++) {
		struct peer *p = t->peers[i];

		later(&p->last_recv_ms, held_ms, now);
		later(&p->last_piece_ms, held_ms, now);
		if (p->peer_choking)
			later(&p->choked_ms, held_ms, now);
	}
}

void
torrent_check_timeouts(struct torrent *t)
{
	uint64_t	now = t->env->now_ms;
	size_t		i;

	for (i = 0; i < t->npeers; i++) {
		struct peer *p = t->peers[i];

		if (both_seeds(t, p)) {
			peer_kill(p, "both seeds, nothing to trade");
			continue;
		}
		if (p->state == PEER_CONNECTING &&
		    now - p->connected_ms > PEER_CONNECT_TIMEOUT_MS) {
			peer_fail(p, PEER_FAIL_CONNECT_TIMEOUT, 0);
		} else if (p->state == PEER_HANDSHAKE &&
		    now - p->connected_ms > PEER_HANDSHAKE_TIMEOUT_MS) {
			peer_fail(p, PEER_FAIL_TIMEOUT, 0);
		} else if (t->disk_held_ms != 0) {
			/* not read: its silence is ours */
		} else if (p->state != PEER_CONNECTING &&
		    now - p->last_recv_ms > SILENCE_DROP_MS) {
			peer_kill(p, "silent for 3 minutes");
		} else if (p->state == PEER_ACTIVE && !p->peer_choking &&
		    p->nreqs > 0 && !p->snubbed &&
		    now - p->last_piece_ms > SNUB_MS) {
			snub(t, p);
		} else if (p->state == PEER_ACTIVE && p->peer_choking &&
		    p->nreqs > 0 && now - p->choked_ms > FAST_CHOKE_MS) {
			/* BEP 6: a choke leaves our requests to be rejected
			 * or served; a peer that does neither loses them. */
			snub(t, p);
		}
		if (p->state == PEER_ACTIVE &&
		    now - p->last_send_ms > KEEPALIVE_MS &&
		    bbuf_len(&p->out) == 0)
			(void)wire_put_keepalive(&p->out);
	}
}

static void
log_incoming_failed(struct torrent *t, const struct peer *p)
{
	char	text[128];

	peer_fail_format((enum peer_fail)p->fail, p->fail_errno, 0, text,
	    sizeof(text));
	torrent_log(t, MSG_LOG_WARN, "peer %s: %s", p->name, text);
}

/* p was up and is over: what the front's detail of it will say. */
static void
note_gone(struct torrent *t, const struct peer *p)
{
	struct gone_peer	*g = &t->gone[t->gone_next];

	t->gone_next = (t->gone_next + 1) % TORRENT_GONE_MAX;
	g->used = 1;
	g->id = p->id;
	g->ms = t->env->now_ms;
	snprintf(g->reason, sizeof(g->reason), "%s", p->dead_reason);
}

const struct gone_peer *
torrent_gone_peer(const struct torrent *t, uint32_t id)
{
	size_t	i;

	for (i = 0; i < TORRENT_GONE_MAX; i++)
		if (t->gone[i].used && t->gone[i].id == id)
			return &t->gone[i];
	return NULL;
}

void
torrent_reap(struct torrent *t)
{
	struct known_peer	*k;
	struct peer_addr	 a;
	size_t			 i = 0;
	int			 slot_freed = 0, redial = 0;

	while (i < t->npeers) {
		struct peer *p = t->peers[i];

		if (p->state != PEER_DEAD) {
			i++;
			continue;
		}
		if (p->state_before_death == PEER_ACTIVE) {
			torrent_log(t, MSG_LOG_INFO, "peer %s (%s) "
			    "disconnected: %s", p->name, p->client,
			    p->dead_reason);
			note_gone(t, p);
		} else if (p->fail != PEER_FAIL_NONE && !p->outgoing)
			/* it dialled us: no address of ours to say it once
			 * for, but the session only hands us those whose
			 * handshake named this torrent */
			log_incoming_failed(t, p);
		torrent_release_requests(t, p);
		if (p->have_known)
			picker_peer_remove(t->picker, &p->have);
		if ((k = torrent_known_find(t, &p->addr)) != NULL)
			redial |= torrent_known_ended(t, k, p);
		/* it had dialled us: its listening address ends too */
		if (peerext_listen_addr(p, &a) == BT_OK &&
		    (k = torrent_known_find(t, &a)) != NULL &&
		    !peer_addr_equal(&a, &p->addr))
			redial |= torrent_known_ended(t, k, p);
		if (t->fetch != NULL)
			metafetch_peer_gone(t->fetch, p->id);
		choker_peer_gone(t->choker, p);
		if (!p->am_choking && p->peer_interested)
			slot_freed = 1;
		peer_free(p);
		t->peers[i] = t->peers[--t->npeers];
		t->env->npeers--;
	}
	if (slot_freed && t->picker != NULL)
		choker_refill(t->choker, t->peers, t->npeers,
		    picker_wanted_complete(t->picker), t->env->now_ms);
	/* a peer that refused uTP (or MSE) is dialled over TCP (or in
	 * plaintext) now, not at the next tick: 100 ms of a restart */
	if (redial && t->started)
		torrent_connect_more(t);
}

size_t
torrent_count_peers(const struct torrent *t)
{
	size_t	i, n = 0;

	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->state == PEER_ACTIVE)
			n++;
	return n;
}
