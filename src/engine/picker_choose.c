/*
 * picker_pick's policy (see picker.h): continue the best piece in
 * progress, or start a new one (random first pieces, then rarest first
 * within the highest level the peer has; the stream's order while
 * streaming), else an endgame duplicate.  Candidates are the pieces the
 * peer has that are neither busy nor excluded by the mask in force (ex),
 * read 64 at a time; the buckets of picker_avail.c give the rarest.
 */
#include "engine/picker_impl.h"

#include <string.h>

#include "ipc/err.h"
#include "engine/rng.h"

#define PROBES		16	/* random draws in a big bucket before a scan */
#define SMALL_BUCKET	128	/* buckets up to this size are scanned */

/* Busy, or excluded by the current priority mask. */
static unsigned int
blocked_byte(const struct picker *p, size_t j)
{
	return (unsigned int)(p->busy[j] | p->ex[j]);
}

static int
is_candidate(const struct picker *p, const struct bitfield *peer, uint32_t i)
{
	return (blocked_byte(p, i >> 3) & (0x80u >> (i & 7))) == 0 &&
	    bitfield_get(peer, i);
}

/* Word w (pieces 64w .. 64w+63) of "peer has it and it is not busy", in
 * memory byte order: only popcount and zero tests look at it whole. */
static uint64_t
cand_word(const struct picker *p, const struct bitfield *peer, size_t w)
{
	const uint8_t	*bytes = bitfield_bytes(peer);
	size_t		 n = bitfield_nbytes(peer), at = w * 8;
	uint64_t	 has = 0, busy, ex;

	if (at < n)
		memcpy(&has, bytes + at, n - at < 8 ? n - at : 8);
	memcpy(&busy, p->busy + at, 8);
	memcpy(&ex, p->ex + at, 8);
	return has & ~(busy | ex);
}

/* The first candidate >= from, or NONE. */
static uint32_t
next_candidate(const struct picker *p, const struct bitfield *peer,
    uint32_t from)
{
	const uint8_t	*bytes = bitfield_bytes(peer);
	size_t		 n = bitfield_nbytes(peer), j;
	uint64_t	 i = from;
	unsigned int	 x;

	while (i < p->num_pieces) {
		if ((i & 63) == 0 && cand_word(p, peer, i >> 6) == 0) {
			i += 64;
			continue;
		}
		j = i >> 3;
		x = j < n ? bytes[j] & ~blocked_byte(p, j) : 0;
		x &= 0xffu >> (i & 7);
		if (x != 0)
			return (uint32_t)(j * 8 + (__builtin_clz(x) - 24));
		i = (j + 1) * 8;
	}
	return NONE;
}

static uint32_t
count_candidates(const struct picker *p, const struct bitfield *peer)
{
	uint32_t	c = 0;
	size_t		w;

	for (w = 0; w < p->busy_words; w++)
		c += (uint32_t)__builtin_popcountll(cand_word(p, peer, w));
	return c;
}

/* The k-th candidate (from 0) in piece order; k < count_candidates(). */
static uint32_t
select_candidate(const struct picker *p, const struct bitfield *peer,
    uint32_t k)
{
	uint32_t	c, i;
	size_t		w;

	for (w = 0; w < p->busy_words; w++) {
		c = (uint32_t)__builtin_popcountll(cand_word(p, peer, w));
		if (k < c)
			break;
		k -= c;
	}
	i = next_candidate(p, peer, (uint32_t)(w * 64));
	while (k-- > 0)
		i = next_candidate(p, peer, i + 1);
	return i;
}

/* Uniform among the candidates of order[s..e); 0 when there are none. */
static int
range_exact(struct picker *p, const struct bitfield *peer, uint32_t s,
    uint32_t e, uint32_t *piece_out)
{
	uint32_t	i, c = 0, k;

	for (i = s; i < e; i++)
		c += (uint32_t)is_candidate(p, peer, p->order[i]);
	if (c == 0)
		return 0;
	k = rng_below(&p->rng, c);
	for (i = s;; i++) {
		if (is_candidate(p, peer, p->order[i]) && k-- == 0)
			break;
	}
	*piece_out = p->order[i];
	return 1;
}

/* A few uniform draws from order[s..e): a hit is uniform among the
 * candidates there; a miss proves nothing. */
static int
range_probe(struct picker *p, const struct bitfield *peer, uint32_t s,
    uint32_t e, uint32_t *piece_out)
{
	uint32_t	i, x;

	for (i = 0; i < PROBES; i++) {
		x = p->order[s + rng_below(&p->rng, e - s)];
		if (is_candidate(p, peer, x)) {
			*piece_out = x;
			return 1;
		}
	}
	return 0;
}

/* Exact rarest first by one pass over the candidates, random among ties
 * (reservoir sampling). */
static int
rarest_scan(struct picker *p, const struct bitfield *peer,
    uint32_t *piece_out)
{
	uint32_t	i, best = UINT32_MAX, ties = 0;

	for (i = next_candidate(p, peer, 0); i != NONE;
	    i = next_candidate(p, peer, i + 1)) {
		if (p->avail[i] > best)
			continue;
		if (p->avail[i] < best) {
			best = p->avail[i];
			ties = 0;
		}
		if (rng_below(&p->rng, ++ties) == 0)
			*piece_out = i;
	}
	return ties > 0;
}

/*
 * Bucket 0 is skipped at first: a piece no peer announced cannot be a
 * candidate unless the engine missed a peer_add, and the final scan still
 * covers that case.  The first bucket with candidates holds the rarest.
 */
static int
choose_rarest(struct picker *p, const struct bitfield *peer,
    uint32_t *piece_out)
{
	uint32_t	a, s, e;

	for (a = 1; a < p->nb; a++) {
		s = p->bstart[a];
		e = p->bstart[a + 1];
		if (s == e)
			continue;
		if (e - s <= SMALL_BUCKET) {
			if (range_exact(p, peer, s, e, piece_out))
				return 1;
			continue;
		}
		if (range_probe(p, peer, s, e, piece_out))
			return 1;
		break;
	}
	return rarest_scan(p, peer, piece_out);
}

/* The first free piece of the streamed range the peer has, in stream
 * order: first, last, then first + 1 .. last - 1.  0 when it has none. */
static int
choose_stream(struct picker *p, const struct bitfield *peer,
    uint32_t *piece_out)
{
	uint32_t	i;

	while (p->snext <= p->slast && bitfield_get(&p->have, p->snext))
		p->snext++;
	if (p->snext > p->slast)
		return 0;		/* the range is had */
	if (is_candidate(p, peer, p->sfirst))
		i = p->sfirst;
	else if (is_candidate(p, peer, p->slast))
		i = p->slast;
	else if ((i = next_candidate(p, peer, p->snext)) >= p->slast)
		return 0;
	*piece_out = i;
	return 1;
}

static int
choose_level(struct picker *p, const struct bitfield *peer,
    uint32_t *piece_out)
{
	uint32_t	c;

	/* A stream whose next pieces this peer lacks (picker_pick tried
	 * them) still helps the swarm, and us later, by rarest first. */
	if (p->streaming || bitfield_count(&p->have) >= PICKER_RANDOM_FIRST)
		return choose_rarest(p, peer, piece_out);
	/* First pieces at random: any complete piece lets us upload sooner;
	 * the rarest ones are the slowest to finish. */
	if (range_probe(p, peer, 0, p->bstart[p->nb], piece_out))
		return 1;
	if ((c = count_candidates(p, peer)) == 0)
		return 0;
	*piece_out = select_candidate(p, peer, rng_below(&p->rng, c));
	return 1;
}

/* A new piece of a level above `above`, the highest level first. */
static int
choose_new_above(struct picker *p, const struct bitfield *peer,
    enum picker_prio above, uint32_t *piece_out)
{
	int	l, found = 0;

	if (p->bstart[p->nb] == 0)
		return 0;		/* no free piece */
	for (l = PICKER_PRIO_HIGH; l > (int)above && !found; l--) {
		if (p->nlevel[l] == 0)
			continue;
		p->ex = p->xmask[l];
		found = choose_level(p, peer, piece_out);
	}
	p->ex = p->xmask[PICKER_PRIO_SKIP];
	return found;
}

static int
choose_new(struct picker *p, const struct bitfield *peer,
    uint32_t *piece_out)
{
	return choose_new_above(p, peer, PICKER_PRIO_SKIP, piece_out);
}

/* Place of a piece in stream order: first, last, then the pieces between
 * in order, then everything outside the range; 0 when not streaming. */
static uint64_t
stream_rank(const struct picker *p, uint32_t piece)
{
	if (!p->streaming)
		return 0;
	if (piece == p->sfirst)
		return 0;
	if (piece == p->slast)
		return 1;
	if (piece > p->sfirst && piece < p->slast)
		return (uint64_t)piece - p->sfirst + 1;
	return (uint64_t)UINT32_MAX + 1;
}

/* Stream order first, then the higher level: smaller ranks first. */
static uint64_t
open_rank(const struct picker *p, uint32_t piece)
{
	return stream_rank(p, piece) * PICKER_PRIO_COUNT +
	    (PICKER_PRIO_HIGH - p->prio[piece]);
}

/* The open piece not skipped the peer has that comes first in stream
 * order, then by level, then with the most blocks received or requested,
 * or NULL. */
static struct ppiece *
best_open(const struct picker *p, const struct bitfield *peer)
{
	struct ppiece	*best = NULL, *rec;
	uint64_t	 rank, best_rank = 0;
	uint32_t	 i;

	for (i = 0; i < p->nopen; i++) {
		rec = p->open[i];
		if (!bitfield_get(peer, rec->piece) ||
		    p->prio[rec->piece] == PICKER_PRIO_SKIP)
			continue;
		rank = open_rank(p, rec->piece);
		if (best == NULL || rank < best_rank || (rank == best_rank &&
		    rec->nreceived + rec->nrequested >
		    best->nreceived + best->nrequested)) {
			best = rec;
			best_rank = rank;
		}
	}
	return best;
}

/* Endgame: a block not received, not asked of this peer, with the fewest
 * requesters (below the cap).  O(blocks in progress), endgame only. */
static int
endgame_pick(const struct picker *p, uint32_t peer_id,
    const struct bitfield *peer, struct ppiece **rec_out, uint32_t *idx_out)
{
	const struct pblock	*b;
	struct ppiece		*rec;
	uint32_t		 i, j, best = PICKER_MAX_REQUESTERS;

	for (i = 0; i < p->nip && best > 1; i++) {
		rec = p->ip[i];
		if (rec->nreceived == rec->nblocks ||
		    !bitfield_get(peer, rec->piece) ||
		    p->prio[rec->piece] == PICKER_PRIO_SKIP)
			continue;
		for (j = 0; j < rec->nblocks && best > 1; j++) {
			b = &rec->blocks[j];
			if (b->received || b->nreq >= best ||
			    block_requested_by(b, peer_id))
				continue;
			best = b->nreq;
			*rec_out = rec;
			*idx_out = j;
		}
	}
	return best < PICKER_MAX_REQUESTERS;
}

int
picker_pick(struct picker *p, uint32_t peer_id,
    const struct bitfield *peer_has, struct picker_block *out)
{
	struct ppiece	*rec = NULL;
	uint32_t	 piece = 0, idx = 0;

	memset(out, 0, sizeof(*out));
	rec = best_open(p, peer_has);
	/* A stream starts its next piece before it continues a later one;
	 * otherwise a piece of a higher level than the best open one. */
	if (p->streaming && choose_stream(p, peer_has, &piece) &&
	    (rec == NULL || stream_rank(p, piece) < stream_rank(p, rec->piece)))
		rec = NULL;
	else if (!p->streaming && rec != NULL && choose_new_above(p, peer_has,
	    (enum picker_prio)p->prio[rec->piece], &piece))
		rec = NULL;
	else if (rec != NULL || !choose_new(p, peer_has, &piece))
		piece = NONE;
	if (rec == NULL && piece != NONE) {
		if ((rec = picker_piece_start(p, piece)) == NULL)
			return BT_ERR_NOMEM;
		idx = picker_first_missing(rec);	/* padding may come first */
	} else if (rec != NULL)
		idx = picker_first_missing(rec);
	else if (!picker_in_endgame(p) ||
	    !endgame_pick(p, peer_id, peer_has, &rec, &idx))
		return BT_ERR_NOTFOUND;
	picker_block_request(p, rec, idx, peer_id);
	out->piece = rec->piece;
	out->begin = idx * PICKER_BLOCK_LEN;
	out->length = block_len(p, rec->piece, idx);
	return BT_OK;
}
