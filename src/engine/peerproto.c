/*
 * peerproto: what one connection's messages mean.  The torrent's state is
 * changed only through the torrent's functions (torrent_impl.h); the
 * connection's own books are in struct peer.
 */
#include "engine/peerproto.h"

#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "engine/bitfield.h"
#include "engine/blockcache.h"
#include "engine/bucket.h"
#include "engine/choker.h"
#include "engine/metainfo.h"
#include "engine/peer.h"
#include "engine/peerext.h"
#include "engine/picker.h"
#include "engine/rate.h"
#include "engine/storage.h"
#include "engine/torrent_impl.h"
#include "engine/wire.h"

#define UPLOAD_OUT_FILL		(512u * 1024)	/* pread blocks until this */
#define MAX_CANCELS		16
/*
 * PEERPROTO_MAX_DISK_BYTES of completed pieces waiting for their hash and
 * write: past it the torrent asks for no more blocks, and reads its peers
 * no more (torrent_disk.c), until the disk catches up, so that a fast
 * swarm and a slow disk cannot fill the memory with buffers.  Measured on
 * a 1 GiB download from one aria2c on loopback: 8 MiB held the rate back
 * (4.2 s), 32 MiB did not (2.5-2.9 s, 40 MiB RSS).  Since the piece
 * buffers left the heap (blockcache.c), 16 MiB kept the engine's peak RSS
 * at 32 MiB (47 MiB with 32), with the whole pipeline still coming in; not
 * reading past it took the peak to 25 MiB (`make bench`, case 1).
 */
/* BEP 6 allowed fast set we give each peer that negotiated fast. */
/* What we announce in our handshakes: BEP 10 and BEP 6. */
#define PEERPROTO_EXTENSIONS	(WIRE_F_EXT | WIRE_F_FAST)

/* What our handshakes announce: BEP 10, BEP 6, and BEP 5 when the session
 * runs a DHT node. */
static unsigned
our_extensions(const struct torrent *t)
{
	return PEERPROTO_EXTENSIONS |
	    (t->env->dht_node != NULL ? WIRE_F_DHT : 0);
}

int
peerproto_put_handshake(struct torrent *t, struct bbuf *out)
{
	uint8_t	reserved[WIRE_RESERVED_LEN];

	wire_reserved_make(our_extensions(t), reserved);
	return wire_handshake_encode(out, reserved, t->info_hash,
	    t->env->peer_id);
}

void
peerproto_send_handshake(struct torrent *t, struct peer *p)
{
	if (peerproto_put_handshake(t, &p->out) != BT_OK)
		peer_kill(p, "cannot queue handshake");
}

int
peerproto_has_wanted(struct torrent *t, struct peer *p)
{
	uint32_t	i;

	if (picker_wanted_complete(t->picker))
		return 0;
	for (i = 0; i < t->meta->num_pieces; i++)
		if (bitfield_get(&p->have, i) && picker_wants(t->picker, i))
			return 1;
	return 0;
}

void
peerproto_set_interest(struct peer *p, int want)
{
	if (want == p->am_interested)
		return;
	p->am_interested = want;
	if (wire_put_simple(&p->out, want ? WIRE_INTERESTED :
	    WIRE_NOT_INTERESTED) != BT_OK)
		peer_kill(p, "output buffer full");
}

void
peerproto_fill_requests(struct torrent *t, struct peer *p)
{
	struct picker_block	 b;
	struct bitfield		 choked;
	size_t			 target, i;

	if (p->state != PEER_ACTIVE || !p->am_interested || t->meta == NULL ||
	    t->paused || t->queued || t->errored || peerproto_disk_busy(t))
		return;
	/* Nothing to pick last time and nothing changed since: a failed
	 * pick can cost a scan over every piece, so don't repeat it.  (Before
	 * the allowed set is built: that return would leak it.) */
	if (p->pick_blocked && p->pick_gen == t->pick_gen)
		return;
	/* Choked: only the pieces it allows us (BEP 6), if any. */
	if (p->peer_choking && (p->nallowed == 0 ||
	    bitfield_init(&choked, t->meta->num_pieces) != BT_OK))
		return;
	if (p->peer_choking)
		for (i = 0; i < p->nallowed; i++)
			if (bitfield_get(&p->have, p->allowed[i]))
				bitfield_set(&choked, p->allowed[i]);
	p->pick_blocked = 0;
	target = peer_pipeline_target(p, t->env->now_ms);
	/* Endgame: every block left is asked of someone already, and what
	 * this peer asks for now is a duplicate.  A few at a time: a full
	 * pipeline of duplicates, all answered on a fast link, was a third
	 * of a small torrent wasted with two bttui seeders. */
	if (target > PEERPROTO_ENDGAME_PIPELINE && p->nreqs < target &&
	    picker_in_endgame(t->picker))
		target = p->nreqs >= PEERPROTO_ENDGAME_PIPELINE ? p->nreqs :
		    PEERPROTO_ENDGAME_PIPELINE;
	while (p->nreqs < target) {
		if (picker_pick(t->picker, p->id, p->peer_choking ? &choked :
		    &p->have, &b) != BT_OK) {
			p->pick_blocked = 1;
			p->pick_gen = t->pick_gen;
			break;
		}
		if (blockcache_get(t->cache, b.piece, metainfo_piece_size(
		    t->meta, b.piece)) == NULL) {
			picker_unrequest(t->picker, p->id, b.piece, b.begin);
			torrent_fatal(t, "out of memory for piece buffers");
			break;
		}
		if (peer_add_request(p, &b, t->env->now_us) != BT_OK ||
		    wire_put_request(&p->out, b.piece, b.begin,
		    b.length) != BT_OK) {
			picker_unrequest(t->picker, p->id, b.piece, b.begin);
			break;
		}
	}
	if (p->peer_choking)
		bitfield_cleanup(&choked);
}

static void
send_cancels(struct torrent *t, const uint32_t *ids, size_t n,
    uint32_t piece, uint32_t begin, size_t len)
{
	struct peer	*q;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if ((q = torrent_peer_by_id(t, ids[i])) == NULL)
			continue;	/* gone, or a web seed */
		if (peer_remove_request(q, piece, begin)) {
			(void)wire_put_cancel(&q->out, piece, begin,
			    (uint32_t)len);
			peer_note_cancelled(q, piece, begin);
		}
	}
}

/* A block nobody asked for (or that came too late, or the wrong size):
 * once per peer, so a peer cannot flood the log. */
static void
log_unasked(struct torrent *t, struct peer *p, const struct wire_msg *m)
{
	if (p->logged & PEER_LOGGED_UNASKED)
		return;
	p->logged |= PEER_LOGGED_UNASKED;
	torrent_log(t, MSG_LOG_WARN, "peer %s: a block we did not ask for "
	    "(piece %u at %u): ignored", p->name, m->index, m->begin);
}

/* A block we cannot use: unasked, late, or not the size we asked for.
 * When it answered a request of ours, that request is over: the picker
 * must not go on counting the block as asked of this sender, or it would
 * never be asked for again while the sender stays. */
static int
drop_block(struct torrent *t, uint32_t sender, uint32_t piece,
    uint32_t begin, size_t len, int asked)
{
	t->wasted += len;
	if (asked) {
		picker_unrequest(t->picker, sender, piece, begin);
		t->pick_gen++;
	}
	return BT_ERR_INVALID;
}

int
peerproto_take_block(struct torrent *t, uint32_t sender, uint32_t piece,
    uint32_t begin, const uint8_t *data, size_t len, int asked)
{
	struct blockcache_piece	*bp;
	uint32_t		 cancel[MAX_CANCELS];
	size_t			 ncancel = 0;
	uint64_t		 now = t->env->now_ms;
	int			 r;

	rate_add(&t->down, len, now);
	rate_add(t->env->down, len, now);
	/* The buffer first: a block the picker counts as received must be
	 * in it, or the piece would complete without it. */
	bp = blockcache_find(t->cache, piece);
	if (bp == NULL || begin > bp->size || len > bp->size - begin)
		return drop_block(t, sender, piece, begin, len, asked);
	/* its memory from the first block on (blockcache.h) */
	if (blockcache_buffer(t->cache, bp) == NULL) {
		torrent_fatal(t, "out of memory for piece buffers");
		return drop_block(t, sender, piece, begin, len, asked);
	}
	r = picker_on_block(t->picker, sender, piece, begin, (uint32_t)len,
	    cancel, MAX_CANCELS, &ncancel);
	if (r < 0)	/* late, unasked, wrong size */
		return drop_block(t, sender, piece, begin, len, asked);
	memcpy(bp->data + begin, data, len);
	send_cancels(t, cancel, ncancel < MAX_CANCELS ? ncancel : MAX_CANCELS,
	    piece, begin, len);
	if (r == 1)
		torrent_piece_done(t, piece);
	return BT_OK;
}

int
peerproto_disk_busy(const struct torrent *t)
{
	return t->disk_bytes >= PEERPROTO_MAX_DISK_BYTES;
}

static void
on_piece(struct torrent *t, struct peer *p, const struct wire_msg *m)
{
	int	asked, given_up;

	rate_add(&p->down, m->data_len, t->env->now_ms);
	p->last_piece_ms = t->env->now_ms;
	p->snubbed = 0;
	asked = peer_request_answered(p, m->index, m->begin,
	    t->env->now_us);
	/* Requested, then cancelled (endgame, snub, choke), then sent
	 * anyway before the peer heard: the ordinary race, only wasted. */
	given_up = !asked && peer_take_cancelled(p, m->index, m->begin);
	if (peerproto_take_block(t, p->id, m->index, m->begin, m->data,
	    m->data_len, asked) != BT_OK && !given_up)
		log_unasked(t, p, m);
}

/* BEP 6: a piece of the allowed fast set we gave p. */
static int
our_allowed(const struct peer *p, uint32_t piece)
{
	unsigned	i;

	/* BEP 6's reference: a peer that has k pieces already is past
	 * the start the set is for; it waits for an unchoke like anyone. */
	if (bitfield_count(&p->have) >= PEER_OUR_ALLOWED)
		return 0;
	for (i = 0; i < p->nour_allowed; i++)
		if (p->our_allowed[i] == piece)
			return 1;
	return 0;
}

static void
reject(struct peer *p, const struct wire_msg *m)
{
	if (wire_put_reject(&p->out, m->index, m->begin, m->length) != BT_OK)
		peer_kill(p, "output buffer full");
}

/*
 * A request past PEER_MAX_THEIR_REQS (a peer that ignored our reqq) is
 * never dropped silently, or the peer waits for its own time-out (90 s
 * for Transmission): a fast peer gets REJECT_REQUEST; any other is choked
 * and unchoked at once, which tells it every request is gone (BEP 3) and
 * lets it ask again.
 */
static void
queue_full(struct torrent *t, struct peer *p, const struct wire_msg *m)
{
	if (!(p->logged & PEER_LOGGED_QUEUE_FULL))
		torrent_log(t, MSG_LOG_WARN, "peer %s: over %u requests queued "
		    "(our reqq is %u): %s", p->name, PEER_MAX_THEIR_REQS,
		    PEER_MAX_PIPELINE, (p->ext_flags & WIRE_F_FAST) ?
		    "rejected" : "choked to clear them");
	p->logged |= PEER_LOGGED_QUEUE_FULL;
	if (p->ext_flags & WIRE_F_FAST) {
		reject(p, m);
		return;
	}
	p->ntheirs = 0;
	if (wire_put_simple(&p->out, WIRE_CHOKE) != BT_OK ||
	    wire_put_simple(&p->out, WIRE_UNCHOKE) != BT_OK)
		peer_kill(p, "output buffer full");
}

static void
on_request(struct torrent *t, struct peer *p, const struct wire_msg *m)
{
	struct picker_block	b = { m->index, m->begin, m->length };
	uint32_t		size;
	int			fast = p->ext_flags & WIRE_F_FAST;

	if (p->am_choking && fast && !our_allowed(p, m->index)) {
		reject(p, m);		/* BEP 6: say no, do not ignore */
		return;
	}
	if (p->am_choking && !fast) {	/* BEP 3: ignore while choked */
		if (!(p->logged & PEER_LOGGED_CHOKED_REQ))
			torrent_log(t, MSG_LOG_WARN, "peer %s: requests while "
			    "choked: ignored", p->name);
		p->logged |= PEER_LOGGED_CHOKED_REQ;	/* once: no flood */
		return;
	}
	size = metainfo_piece_size(t->meta, m->index);
	if (fast && !picker_have(t->picker, m->index)) {
		reject(p, m);	/* an allowed fast piece we lack, say */
		return;
	}
	if (!picker_have(t->picker, m->index) || m->begin > size ||
	    m->length > size - m->begin) {
		peer_kill(p, "requested a block we do not have (piece %u)",
		    m->index);
		return;
	}
	if (peer_queue_theirs(p, &b) != BT_OK)
		queue_full(t, p, m);
}

static void
on_have(struct torrent *t, struct peer *p, uint32_t piece)
{
	if (bitfield_get(&p->have, piece))
		return;
	bitfield_set(&p->have, piece);
	p->have_known = 1;
	p->pick_blocked = 0;
	picker_peer_have(t->picker, piece);
	if (!picker_have(t->picker, piece))
		peerproto_set_interest(p, 1);
}

static void
on_bitfield(struct torrent *t, struct peer *p, const struct wire_msg *m)
{
	/* BEP 3 wants it first, but aria2c sends one again after HAVEs:
	 * accept a bitfield at any time, replacing what the peer said. */
	if (p->have_known)
		picker_peer_remove(t->picker, &p->have);
	if (bitfield_from_bytes(&p->have, m->data, m->data_len) != BT_OK) {
		peer_kill(p, "malformed bitfield");
		p->have_known = 0;	/* nothing left in availability */
		return;
	}
	p->have_known = 1;
	p->pick_blocked = 0;
	picker_peer_add(t->picker, &p->have);
	peerproto_set_interest(p, peerproto_has_wanted(t, p));
}

static void
on_have_all(struct torrent *t, struct peer *p)
{
	if (p->have_known)
		picker_peer_remove(t->picker, &p->have);
	bitfield_set_all(&p->have);
	p->have_known = 1;
	p->pick_blocked = 0;
	picker_peer_add(t->picker, &p->have);
	peerproto_set_interest(p, peerproto_has_wanted(t, p));
}

/* BEP 6: a request of ours it will not serve; it may be asked of others.
 * A reject for something never asked is ignored (it costs nothing). */
static void
on_reject(struct torrent *t, struct peer *p, const struct wire_msg *m)
{
	if (!peer_remove_request(p, m->index, m->begin))
		return;
	picker_unrequest(t->picker, p->id, m->index, m->begin);
	t->pick_gen++;
}

static void
on_allowed_fast(struct peer *p, uint32_t piece)
{
	uint32_t	*n;
	size_t		 i;

	for (i = 0; i < p->nallowed; i++)
		if (p->allowed[i] == piece)
			return;
	if (p->nallowed >= PEER_MAX_ALLOWED ||
	    (n = realloc(p->allowed, (p->nallowed + 1) * sizeof(*n))) == NULL)
		return;		/* past the bound: ignored */
	p->allowed = n;
	p->allowed[p->nallowed++] = piece;
	p->pick_blocked = 0;
}

void
peerproto_on_port(struct torrent *t, struct peer *p, uint16_t port)
{
	struct peer_addr	a = p->addr;

	if (t->env->dht_node == NULL || port == 0 ||
	    (t->meta != NULL && t->meta->private_flag) ||
	    peer_addr_set_port(&a, port) != BT_OK)
		return;
	t->env->dht_node(t->env->arg, &a);
}

static void
dispatch(struct torrent *t, struct peer *p, const struct wire_msg *m)
{
	struct picker_block	b;

	switch (m->type) {
	case WIRE_CHOKE:
		p->peer_choking = 1;
		p->choked_ms = t->env->now_ms;
		/* BEP 6: the choke no longer cancels; rejects will come.
		 * (Requests never answered time out as always.) */
		if (!(p->ext_flags & WIRE_F_FAST))
			torrent_release_requests(t, p);
		break;
	case WIRE_UNCHOKE:
		p->peer_choking = 0;
		p->pick_blocked = 0;
		p->unchoked_ms = p->last_piece_ms = t->env->now_ms;
		break;
	case WIRE_INTERESTED:
		p->peer_interested = 1;
		choker_on_interested(t->choker, t->peers, t->npeers, p);
		break;
	case WIRE_NOT_INTERESTED:
		p->peer_interested = 0;
		if (t->picker != NULL)
			choker_on_not_interested(t->choker, t->peers,
			    t->npeers, p, picker_wanted_complete(t->picker),
			    t->env->now_ms);
		break;
	case WIRE_HAVE:
		on_have(t, p, m->index);
		break;
	case WIRE_BITFIELD:
		on_bitfield(t, p, m);
		break;
	case WIRE_REQUEST:
		on_request(t, p, m);
		break;
	case WIRE_PIECE:
		on_piece(t, p, m);
		break;
	case WIRE_CANCEL:
		b.piece = m->index;
		b.begin = m->begin;
		b.length = m->length;
		peer_cancel_theirs(p, &b);
		break;
	case WIRE_HAVE_ALL:
		on_have_all(t, p);
		break;
	case WIRE_HAVE_NONE:
		p->have_known = 1;
		break;
	case WIRE_REJECT_REQUEST:
		on_reject(t, p, m);
		break;
	case WIRE_ALLOWED_FAST:
		on_allowed_fast(p, m->index);
		break;
	case WIRE_EXTENDED:
		peerext_on_message(t, p, m);
		break;
	case WIRE_PORT:
		peerproto_on_port(t, p, m->port);
		break;
	default:			/* keep-alive, extensions */
		break;
	}
}

/*
 * What we have, first thing after the handshakes: a BITFIELD, or with the
 * fast extension HAVE_ALL / HAVE_NONE and the pieces p may ask for while
 * choked (BEP 6).  Before the metadata we have nothing.
 */
static void
send_have(struct torrent *t, struct peer *p)
{
	const struct bitfield	*have;
	uint32_t		 n = t->meta != NULL ?
				    picker_have_count(t->picker) : 0;
	int			 r = BT_OK;
	unsigned		 i;

	if (!(p->ext_flags & WIRE_F_FAST)) {
		have = t->meta != NULL ? picker_have_bitfield(t->picker) :
		    NULL;
		if (n > 0)
			r = wire_put_bitfield(&p->out, bitfield_bytes(have),
			    bitfield_nbytes(have));
		else if (!(p->ext_flags & WIRE_F_EXT))
			/* Something right after the handshake: some clients
			 * (libtorrent 0.13) drop a peer silent for 120 s.
			 * (With BEP 10 the extended handshake went first.) */
			r = wire_put_keepalive(&p->out);
	} else if (n == 0) {
		r = wire_put_simple(&p->out, WIRE_HAVE_NONE);
	} else if (n == t->meta->num_pieces) {
		r = wire_put_simple(&p->out, WIRE_HAVE_ALL);
	} else {
		have = picker_have_bitfield(t->picker);
		r = wire_put_bitfield(&p->out, bitfield_bytes(have),
		    bitfield_nbytes(have));
	}
	if (r == BT_OK && (p->ext_flags & WIRE_F_FAST) && t->meta != NULL &&
	    wire_allowed_fast(&p->addr.ss, t->info_hash, t->meta->num_pieces,
	    PEER_OUR_ALLOWED, p->our_allowed, &p->nour_allowed) == BT_OK)
		for (i = 0; i < p->nour_allowed && r == BT_OK; i++)
			r = wire_put_allowed_fast(&p->out, p->our_allowed[i]);
	if (r != BT_OK)
		peer_kill(p, "output buffer full");
}

/*
 * p's handshake carries our own peer id: one of our dials reached our own
 * listener (a tracker lists us among the peers).  The address dialled is
 * ours: banned, it is not dialled again.  The accepting end knows it by
 * uTP's address (our listen port) or, over TCP, by the dialling socket's
 * local address, which is what the accepting end sees as its peer's; the
 * dial is dropped too (without this, 210 seeding torrents dialled
 * themselves 19 times a second, each after its back-off).
 */
void
peerproto_ban_self(struct torrent *t, const struct peer *p)
{
	struct known_peer	*k;
	struct peer_addr	 local;
	size_t			 i;

	if ((k = torrent_known_find(t, &p->addr)) != NULL)
		k->banned = 1;
	if (p->outgoing)
		return;
	for (i = 0; i < t->npeers; i++) {
		struct peer *q = t->peers[i];

		if (q == p || !q->outgoing || q->utp != NULL || q->fd < 0 ||
		    q->state == PEER_DEAD)
			continue;
		memset(&local, 0, sizeof(local));
		local.len = sizeof(local.ss);
		if (getsockname(q->fd, (struct sockaddr *)&local.ss,
		    &local.len) == -1 || !peer_addr_equal(&local, &p->addr))
			continue;
		if ((k = torrent_known_find(t, &q->addr)) != NULL)
			k->banned = 1;
		peer_kill(q, "connected to ourselves");
	}
}

void
peerproto_on_handshake(struct torrent *t, struct peer *p,
    const struct wire_handshake *hs)
{
	struct known_peer	*k;
	struct peer		*q;

	if (memcmp(hs->info_hash, t->info_hash, 20) != 0) {
		peer_fail(p, PEER_FAIL_OTHER_TORRENT, 0);	/* reap logs */
		return;
	}
	if (memcmp(hs->peer_id, t->env->peer_id, 20) == 0) {
		peerproto_ban_self(t, p);
		peer_kill(p, "connected to ourselves");
		return;
	}
	if ((q = torrent_peer_with_id(t, hs->peer_id)) != NULL) {
		/* Two peers that dial each other at once: both sides keep the
		 * connection dialled by the one with the smaller peer id, so
		 * they keep the same one and not none. */
		if (p->outgoing == (memcmp(t->env->peer_id, hs->peer_id,
		    20) < 0)) {
			peer_kill(q, "connected twice: kept the other one");
		} else {
			peer_kill(p, "already connected to this peer");
			return;
		}
	}
	memcpy(p->peer_id, hs->peer_id, 20);
	if (torrent_is_banned(t, p)) {
		torrent_log(t, MSG_LOG_WARN, "peer %s: banned earlier: dropped",
		    p->name);
		peer_kill(p, "banned");
		return;
	}
	wire_client_name(p->peer_id, p->client, sizeof(p->client));
	if (!p->outgoing)
		peerproto_send_handshake(t, p);
	p->state = PEER_ACTIVE;
	p->ext_flags = wire_handshake_flags(hs) & our_extensions(t);
	/* BEP 5: a DHT peer learns our node's port (the listen port). */
	if ((p->ext_flags & WIRE_F_DHT) &&
	    wire_put_port(&p->out, t->env->port) != BT_OK)
		peer_kill(p, "output buffer full");
	/* BEP 10: the extended handshake right after ours. */
	if (p->ext_flags & WIRE_F_EXT)
		peerext_send_handshake(t, p);
	send_have(t, p);
	torrent_log(t, MSG_LOG_INFO, "peer %s (%s): connected, %s", p->name,
	    p->client, peer_transport_text(p));
	if ((k = torrent_known_find(t, &p->addr)) != NULL) {
		k->fails = 0;		/* it works: no failure to show */
		k->fail = PEER_FAIL_NONE;
	}
}

void
peerproto_process_input(struct torrent *t, struct peer *p)
{
	struct wire_handshake	hs;
	struct wire_msg		m;
	int			r;

	if (p->state == PEER_HANDSHAKE) {
		if ((r = wire_handshake_decode(&p->in, &hs)) ==
		    BT_ERR_INCOMPLETE)
			return;
		if (r != BT_OK) {
			/* not "\x13BitTorrent protocol" */
			peer_fail(p, PEER_FAIL_NOT_BT, 0);
			return;
		}
		peerproto_on_handshake(t, p, &hs);
	}
	if (t->meta == NULL)
		torrent_magnet_process_input(t, p);
	/* (the metadata may have come in the middle of p's input) */
	while (p->state == PEER_ACTIVE && t->meta != NULL) {
		r = wire_decode_ex(&p->in, t->meta->num_pieces, p->ext_flags,
		    &m);
		if (r == BT_ERR_INCOMPLETE)
			break;
		if (r != BT_OK) {
			peer_kill(p, "protocol error: %s", bt_strerror(r));
			break;
		}
		/* BEP 6: a fast message without the fast extension MUST
		 * close the connection. */
		if (m.type == WIRE_UNKNOWN &&
		    wire_id_flags(m.id) == WIRE_F_FAST) {
			peer_kill(p, "fast extension message (%u) without "
			    "the fast extension", m.id);
			break;
		}
		dispatch(t, p, &m);
	}
}

/* p's oldest request may go now: p is unchoked, or (BEP 6) it asks for a
 * piece of the allowed fast set we gave it, which on_request queued for
 * a choked peer precisely so that it would be served. */
static int
may_serve(const struct peer *p)
{
	if (p->ntheirs == 0)
		return 0;
	return !p->am_choking || ((p->ext_flags & WIRE_F_FAST) &&
	    our_allowed(p, p->theirs[0].piece));
}

void
peerproto_serve_requests(struct torrent *t, struct peer *p)
{
	struct picker_block	 b;
	uint8_t			*dst;
	uint64_t		 now = t->env->now_ms;

	while (p->state == PEER_ACTIVE && may_serve(p) &&
	    bbuf_len(&p->out) < UPLOAD_OUT_FILL) {
		if (bucket_available(t->env->up_bkt) == 0) {
			t->env->up_held = 1;
			return;
		}
		peer_pop_theirs(p, &b);
		if (wire_put_piece_header(&p->out, b.piece, b.begin,
		    b.length) != BT_OK ||
		    bbuf_reserve(&p->out, b.length, &dst) != BT_OK) {
			peer_kill(p, "output buffer full");
			return;
		}
		if (storage_read(t->store, b.piece, b.begin, dst,
		    b.length) != BT_OK) {
			torrent_fatal(t, storage_error(t->store));
			return;
		}
		bbuf_commit(&p->out, b.length);
		bucket_consume(t->env->up_bkt, b.length);
		rate_add(&p->up, b.length, now);
		rate_add(&t->up, b.length, now);
		rate_add(t->env->up, b.length, now);
	}
}
