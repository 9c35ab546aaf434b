/*
 * BEP 9 metadata assembly.  Owns one buffer of the size being fetched, a
 * state per 16 KiB piece (missing, asked of whom and when, held from whom)
 * and a fixed table of the peers that announced a size.  Invariants: `have'
 * counts the HAVE pieces; a piece is ASKED of a peer in the table; the
 * buffer and the piece table exist exactly when size != 0 and not done
 * (done keeps the buffer only).  No clock of its own: time comes in now_ms.
 */
#include "metafetch.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "sha1.h"

enum piece_state {
	PIECE_MISSING,
	PIECE_ASKED,
	PIECE_HAVE,
};

struct mf_piece {
	uint8_t		state;		/* enum piece_state */
	uint8_t		has_late;	/* `late' may still answer */
	uint32_t	asked;		/* ASKED: of this peer */
	uint32_t	late;		/* asked before, timed out */
	uint32_t	from;		/* HAVE: sent by this peer */
	uint64_t	asked_ms;
};

struct mf_peer {
	uint32_t	key;
	uint32_t	size;		/* its metadata_size */
	uint32_t	strikes;	/* rounds it sent into that failed */
	uint32_t	misses;		/* rejects and time-outs in a row */
	uint64_t	order;		/* arrival, to break ties */
	uint64_t	backoff_ms;	/* not asked before this time */
};

struct metafetch {
	uint8_t		 info_hash[METAFETCH_HASH_LEN];
	int		 done;
	uint32_t	 size, npieces, have;
	uint8_t		*buf;
	struct mf_piece	*pieces;
	struct mf_peer	 peers[METAFETCH_MAX_PEERS];
	size_t		 npeers;
	uint64_t	 next_order;
	uint32_t	 failures;
	int		 has_solo;
	uint32_t	 solo;		/* sends the round alone (failures > 0) */
	uint32_t	 struck[METAFETCH_MAX_PIECES];	/* last failed round */
	size_t		 nstruck;
};

struct metafetch *
metafetch_new(const uint8_t info_hash[METAFETCH_HASH_LEN])
{
	struct metafetch	*mf;

	if ((mf = calloc(1, sizeof(*mf))) == NULL)
		return NULL;
	memcpy(mf->info_hash, info_hash, METAFETCH_HASH_LEN);
	return mf;
}

void
metafetch_free(struct metafetch *mf)
{
	if (mf == NULL)
		return;
	free(mf->buf);
	free(mf->pieces);
	free(mf);
}

static struct mf_peer *
peer_find(struct metafetch *mf, uint32_t key)
{
	size_t	i;

	for (i = 0; i < mf->npeers; i++)
		if (mf->peers[i].key == key)
			return &mf->peers[i];
	return NULL;
}

/* Lower is better: peers that stopped answering rank below all others
 * (they are no use at all), then the more rounds a peer's data failed, the
 * lower it ranks (an honest peer may share a failed round with a liar). */
static uint64_t
peer_rank(const struct mf_peer *p)
{
	return (p->misses >= METAFETCH_MAX_MISSES ? (uint64_t)1 << 32 : 0) +
	    p->strikes;
}

/* Is a better than b: rank, then arrival. */
static int
peer_better(const struct mf_peer *a, const struct mf_peer *b)
{
	return b == NULL || peer_rank(a) < peer_rank(b) ||
	    (peer_rank(a) == peer_rank(b) && a->order < b->order);
}

/* The best rank among the peers of `size'; UINT64_MAX when none. */
static uint64_t
size_rank(const struct metafetch *mf, uint32_t size)
{
	uint64_t	best = UINT64_MAX;
	size_t		i;

	for (i = 0; i < mf->npeers; i++)
		if (mf->peers[i].size == size &&
		    peer_rank(&mf->peers[i]) < best)
			best = peer_rank(&mf->peers[i]);
	return best;
}

/* A reject or a time-out: the peer rests before it is asked again. */
static void
miss(struct mf_peer *p, uint64_t now_ms)
{
	p->misses++;
	p->backoff_ms = now_ms + METAFETCH_TIMEOUT_MS;
}

/* Whatever is asked of key goes back to be asked of others. */
static void
release_peer(struct metafetch *mf, uint32_t key)
{
	uint32_t	i;

	for (i = 0; i < mf->npieces; i++) {
		if (mf->pieces[i].state == PIECE_ASKED &&
		    mf->pieces[i].asked == key)
			mf->pieces[i].state = PIECE_MISSING;
		if (mf->pieces[i].has_late && mf->pieces[i].late == key)
			mf->pieces[i].has_late = 0;
	}
}

/* A new buffer and piece table for `size'; the old ones are kept when
 * there is no memory for the new. */
static int
fetch_size(struct metafetch *mf, uint32_t size)
{
	uint32_t	 n = (size + METAFETCH_PIECE_LEN - 1) / METAFETCH_PIECE_LEN;
	uint8_t		*buf;
	struct mf_piece	*pieces;

	if ((buf = malloc(size)) == NULL)
		return BT_ERR_NOMEM;
	if ((pieces = calloc(n, sizeof(*pieces))) == NULL) {
		free(buf);
		return BT_ERR_NOMEM;
	}
	free(mf->buf);
	free(mf->pieces);
	mf->buf = buf;
	mf->pieces = pieces;
	mf->size = size;
	mf->npieces = n;
	mf->have = 0;
	mf->has_solo = 0;
	return BT_OK;
}

/* Keeps the size being fetched unless a peer of another size ranks
 * strictly better than all of its peers (or it has none left). */
static int
choose_size(struct metafetch *mf)
{
	const struct mf_peer	*best = NULL, *p;
	size_t			 i;

	for (i = 0; i < mf->npeers; i++) {
		p = &mf->peers[i];
		if (peer_better(p, best))
			best = p;
	}
	if (best == NULL || best->size == mf->size ||
	    (mf->size != 0 && peer_rank(best) >= size_rank(mf, mf->size)))
		return BT_OK;
	return fetch_size(mf, best->size);
}

/* Asks not answered within METAFETCH_TIMEOUT_MS go back to the pool; the
 * peer may still answer (late) until the piece is asked of it again. */
static void
expire(struct metafetch *mf, uint64_t now_ms)
{
	struct mf_piece	*pc;
	struct mf_peer	*p;
	uint32_t	 i;

	for (i = 0; i < mf->npieces; i++) {
		pc = &mf->pieces[i];
		if (pc->state != PIECE_ASKED || now_ms < pc->asked_ms ||
		    now_ms - pc->asked_ms < METAFETCH_TIMEOUT_MS)
			continue;
		pc->state = PIECE_MISSING;
		pc->late = pc->asked;
		pc->has_late = 1;
		if ((p = peer_find(mf, pc->asked)) != NULL)
			miss(p, now_ms);
	}
}

int
metafetch_set_size(struct metafetch *mf, uint32_t peer_key, int64_t size)
{
	struct mf_peer	*p;
	int		 r;

	if (mf->done)
		return BT_ERR_EXISTS;
	if (size <= 0 || size > (int64_t)METAFETCH_MAX_SIZE) {
		metafetch_peer_gone(mf, peer_key);
		return BT_ERR_RANGE;
	}
	if ((p = peer_find(mf, peer_key)) == NULL) {
		if (mf->npeers == METAFETCH_MAX_PEERS)
			return BT_ERR_LIMIT;
		p = &mf->peers[mf->npeers++];
		memset(p, 0, sizeof(*p));
		p->key = peer_key;
		p->order = mf->next_order++;
	} else if (p->size != (uint32_t)size) {
		release_peer(mf, peer_key);
	}
	p->size = (uint32_t)size;
	if ((r = choose_size(mf)) != BT_OK)
		return r;
	return p->size == mf->size ? BT_OK : BT_ERR_INVALID;
}

/* Can p be asked at all now? */
static int
usable(const struct metafetch *mf, const struct mf_peer *p, uint64_t now_ms)
{
	return p != NULL && p->size == mf->size && now_ms >= p->backoff_ms;
}

/*
 * After a failed round, each round comes from one peer (the solo), so that
 * a failure names exactly the peer that sent it.  The solo keeps the round
 * while it is usable; when it leaves, changes size or backs off, the best
 * usable peer takes over and what the old one sent is dropped, unproven.
 * Returns the solo's key, or 0 in *ok when there is none.
 */
static uint32_t
solo(struct metafetch *mf, uint64_t now_ms, int *ok)
{
	const struct mf_peer	*best = NULL, *p;
	size_t			 i;

	*ok = 1;
	if (mf->has_solo && usable(mf, peer_find(mf, mf->solo), now_ms))
		return mf->solo;
	for (i = 0; i < mf->npeers; i++) {
		p = &mf->peers[i];
		if (usable(mf, p, now_ms) && peer_better(p, best))
			best = p;
	}
	if (best == NULL) {
		*ok = 0;
		return 0;
	}
	if (mf->has_solo) {
		memset(mf->pieces, 0, mf->npieces * sizeof(*mf->pieces));
		mf->have = 0;
	}
	mf->has_solo = 1;
	mf->solo = best->key;
	return best->key;
}

/* May p be asked now?  Only a peer of the size being fetched, not backing
 * off, with room in its queue, and of the best rank present; once a round
 * has failed, only the solo. */
static int
may_ask(struct metafetch *mf, const struct mf_peer *p, uint64_t now_ms)
{
	uint32_t	i, inflight = 0, key;
	int		ok;

	if (!usable(mf, p, now_ms))
		return 0;
	if (mf->failures > 0) {
		key = solo(mf, now_ms, &ok);
		if (!ok || key != p->key)
			return 0;
	} else if (peer_rank(p) > size_rank(mf, mf->size)) {
		return 0;
	}
	for (i = 0; i < mf->npieces; i++)
		if (mf->pieces[i].state == PIECE_ASKED &&
		    mf->pieces[i].asked == p->key)
			inflight++;
	return inflight < METAFETCH_PEER_QUEUE;
}

int
metafetch_next_request(struct metafetch *mf, uint32_t peer_key,
    uint64_t now_ms, uint32_t *piece_out)
{
	struct mf_peer	*p;
	struct mf_piece	*pc;
	uint32_t	 i;
	int		 r;

	*piece_out = 0;
	if (mf->done)
		return BT_ERR_EXISTS;
	if ((p = peer_find(mf, peer_key)) == NULL)
		return BT_ERR_INVALID;
	expire(mf, now_ms);
	if ((r = choose_size(mf)) != BT_OK)
		return r;
	if (!may_ask(mf, p, now_ms))
		return BT_ERR_NOTFOUND;
	for (i = 0; i < mf->npieces; i++) {
		pc = &mf->pieces[i];
		if (pc->state != PIECE_MISSING)
			continue;
		pc->state = PIECE_ASKED;
		pc->asked = peer_key;
		pc->asked_ms = now_ms;
		if (pc->has_late && pc->late == peer_key)
			pc->has_late = 0;
		*piece_out = i;
		return BT_OK;
	}
	return BT_ERR_NOTFOUND;
}

static int
key_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* A round failed the hash: name its senders once each, strike those still
 * here, and start over (on another size if one now ranks better). */
static int
round_failed(struct metafetch *mf)
{
	struct mf_peer	*p;
	uint32_t	*keys = mf->struck, i;
	size_t		 n = 0;

	for (i = 0; i < mf->npieces; i++)
		keys[i] = mf->pieces[i].from;
	qsort(keys, mf->npieces, sizeof(*keys), key_cmp);
	for (i = 0; i < mf->npieces; i++)
		if (n == 0 || keys[n - 1] != keys[i])
			keys[n++] = keys[i];
	mf->nstruck = n;
	for (i = 0; i < n; i++)
		if ((p = peer_find(mf, keys[i])) != NULL)
			p->strikes++;
	memset(mf->pieces, 0, mf->npieces * sizeof(*mf->pieces));
	mf->have = 0;
	mf->failures++;
	mf->has_solo = 0;
	choose_size(mf);	/* on BT_ERR_NOMEM, next_request tries again */
	return BT_ERR_HASH;
}

static int
verify(struct metafetch *mf)
{
	uint8_t	digest[METAFETCH_HASH_LEN];

	sha1_digest(mf->buf, mf->size, digest);
	if (memcmp(digest, mf->info_hash, METAFETCH_HASH_LEN) != 0)
		return round_failed(mf);
	mf->done = 1;
	free(mf->pieces);
	mf->pieces = NULL;
	mf->npieces = 0;	/* the loops over pieces now do nothing */
	return BT_OK;
}

static uint32_t
piece_len(const struct metafetch *mf, uint32_t piece)
{
	if (piece + 1 < mf->npieces)
		return METAFETCH_PIECE_LEN;
	return mf->size - piece * METAFETCH_PIECE_LEN;
}

/* Bad data for a piece asked of p: ask someone else, p counts a miss. */
static void
bad_data(struct mf_piece *pc, struct mf_peer *p)
{
	if (pc->state == PIECE_ASKED && pc->asked == p->key)
		pc->state = PIECE_MISSING;
	if (pc->has_late && pc->late == p->key)
		pc->has_late = 0;
	p->misses++;
}

int
metafetch_on_data(struct metafetch *mf, uint32_t peer_key, uint32_t piece,
    int64_t total_size, const uint8_t *data, size_t len)
{
	struct mf_peer	*p;
	struct mf_piece	*pc;

	if (mf->done)
		return BT_ERR_EXISTS;
	if ((p = peer_find(mf, peer_key)) == NULL || mf->size == 0)
		return BT_ERR_INVALID;
	if (piece >= mf->npieces)
		return BT_ERR_RANGE;
	pc = &mf->pieces[piece];
	if (pc->state == PIECE_HAVE)
		return BT_ERR_EXISTS;
	if (!(pc->state == PIECE_ASKED && pc->asked == peer_key) &&
	    !(pc->has_late && pc->late == peer_key))
		return BT_ERR_PROTO;
	if (total_size != (int64_t)mf->size) {
		bad_data(pc, p);
		return BT_ERR_INVALID;
	}
	if (len != piece_len(mf, piece)) {
		bad_data(pc, p);
		return BT_ERR_FORMAT;
	}
	memcpy(mf->buf + (size_t)piece * METAFETCH_PIECE_LEN, data, len);
	pc->state = PIECE_HAVE;
	pc->has_late = 0;
	pc->from = peer_key;
	p->misses = 0;
	if (++mf->have < mf->npieces)
		return BT_OK;
	return verify(mf);
}

int
metafetch_on_reject(struct metafetch *mf, uint32_t peer_key, uint32_t piece,
    uint64_t now_ms)
{
	struct mf_peer	*p;

	if (mf->done)
		return BT_ERR_EXISTS;
	if ((p = peer_find(mf, peer_key)) == NULL || piece >= mf->npieces ||
	    mf->pieces[piece].state != PIECE_ASKED ||
	    mf->pieces[piece].asked != peer_key)
		return BT_ERR_PROTO;
	mf->pieces[piece].state = PIECE_MISSING;
	miss(p, now_ms);
	choose_size(mf);	/* on BT_ERR_NOMEM, next_request tries again */
	return BT_OK;
}

void
metafetch_peer_gone(struct metafetch *mf, uint32_t peer_key)
{
	struct mf_peer	*p;

	if (mf->done || (p = peer_find(mf, peer_key)) == NULL)
		return;
	release_peer(mf, peer_key);
	*p = mf->peers[--mf->npeers];
	choose_size(mf);	/* on BT_ERR_NOMEM, next_request tries again */
}

enum metafetch_state
metafetch_state(const struct metafetch *mf)
{
	if (mf->done)
		return METAFETCH_DONE;
	return mf->size != 0 ? METAFETCH_FETCHING : METAFETCH_NO_SIZE;
}

void
metafetch_progress(const struct metafetch *mf, uint32_t *size_out,
    uint32_t *have_out, uint32_t *npieces_out)
{
	uint32_t	n = (mf->size + METAFETCH_PIECE_LEN - 1) /
			    METAFETCH_PIECE_LEN;

	*size_out = mf->size;
	*have_out = mf->done ? n : mf->have;
	*npieces_out = n;
}

uint32_t
metafetch_failures(const struct metafetch *mf)
{
	return mf->failures;
}

size_t
metafetch_struck(const struct metafetch *mf, const uint32_t **keys_out)
{
	*keys_out = mf->nstruck > 0 ? mf->struck : NULL;
	return mf->nstruck;
}

int
metafetch_info(const struct metafetch *mf, const uint8_t **p_out,
    size_t *len_out)
{
	*p_out = NULL;
	*len_out = 0;
	if (!mf->done)
		return BT_ERR_NOTFOUND;
	*p_out = mf->buf;
	*len_out = mf->size;
	return BT_OK;
}

/* A bencoded string. */
static int
put_str(struct bbuf *out, const void *s, size_t n)
{
	int	r;

	if ((r = bbuf_putf(out, "%zu:", n)) != BT_OK)
		return r;
	return bbuf_put_bytes(out, s, n);
}

static int
put_key_str(struct bbuf *out, const char *key, const char *s)
{
	int	r;

	if ((r = put_str(out, key, strlen(key))) != BT_OK)
		return r;
	return put_str(out, s, strlen(s));
}

/* announce-list (BEP 12): one tier per tracker, in the magnet's order. */
static int
put_tiers(struct bbuf *out, const char *const *trackers, size_t n)
{
	size_t	i;
	int	r;

	if ((r = bbuf_putf(out, "13:announce-listl")) != BT_OK)
		return r;
	for (i = 0; i < n; i++) {
		if (trackers[i] == NULL || trackers[i][0] == '\0')
			continue;
		if ((r = bbuf_put_u8(out, 'l')) != BT_OK ||
		    (r = put_str(out, trackers[i], strlen(trackers[i]))) !=
		    BT_OK || (r = bbuf_put_u8(out, 'e')) != BT_OK)
			return r;
	}
	return bbuf_put_u8(out, 'e');
}

static int
put_list(struct bbuf *out, const char *key, const char *const *s, size_t n)
{
	size_t	i;
	int	r;

	if ((r = put_str(out, key, strlen(key))) != BT_OK ||
	    (r = bbuf_put_u8(out, 'l')) != BT_OK)
		return r;
	for (i = 0; i < n; i++)
		if (s[i] != NULL && s[i][0] != '\0' &&
		    (r = put_str(out, s[i], strlen(s[i]))) != BT_OK)
			return r;
	return bbuf_put_u8(out, 'e');
}

/* The first usable string of s[0..n), or NULL. */
static const char *
first(const char *const *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i] != NULL && s[i][0] != '\0')
			return s[i];
	return NULL;
}

int
metafetch_torrent(const uint8_t *info, size_t len,
    const char *const *trackers, size_t ntrackers,
    const char *const *webseeds, size_t nwebseeds, struct bbuf *out)
{
	const char	*announce = first(trackers, ntrackers);
	int		 r;

	if (len < 2 || info[0] != 'd' || info[len - 1] != 'e')
		return BT_ERR_FORMAT;
	/* keys in bencode order: announce, announce-list, info, url-list */
	if ((r = bbuf_put_u8(out, 'd')) != BT_OK)
		return r;
	if (announce != NULL &&
	    ((r = put_key_str(out, "announce", announce)) != BT_OK ||
	    (r = put_tiers(out, trackers, ntrackers)) != BT_OK))
		return r;
	if ((r = bbuf_putf(out, "4:info")) != BT_OK ||
	    (r = bbuf_put_bytes(out, info, len)) != BT_OK)
		return r;
	if (first(webseeds, nwebseeds) != NULL &&
	    (r = put_list(out, "url-list", webseeds, nwebseeds)) != BT_OK)
		return r;
	return bbuf_put_u8(out, 'e');
}
