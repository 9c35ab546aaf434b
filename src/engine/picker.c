/*
 * Piece picker.  Per piece: have bit, busy bit (have or in progress),
 * availability, slot (index of its in-progress record) and its place in
 * order[].  order[] starts with the free pieces (neither had nor in
 * progress) sorted by availability, in buckets: bucket a is
 * order[bstart[a] .. bstart[a + 1]); the busy pieces follow from
 * bstart[nb].  Moving a piece to the next bucket is one swap with the
 * bucket's edge, so availability changes are O(1) and the rarest free
 * pieces are a contiguous range that can be sampled at random.  Every
 * availability is below nb.  Per-block state lives only in the records of
 * pieces in progress; open[] holds the records with a missing block.
 * Padding (BEP 47 pad files) is a sorted list of disjoint byte ranges: a
 * block wholly inside one is received (from NONE) as its piece starts.
 * Streaming: new pieces of [sfirst, slast] go first, in stream order;
 * snext is the lowest piece of the range not had (have bits never clear,
 * so it only moves up).
 * Priorities: prio[] per piece, and per level L a mask xmask[L] of the
 * pieces not at level L (xmask[SKIP] instead holds the skipped pieces).
 * The candidate tests read busy | ex, ex being xmask[SKIP] except while
 * choose_new looks at one level: the bucket machinery then yields the
 * rarest pieces of that level unchanged.
 */
#include "picker.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "bitfield.h"
#include "ipc/err.h"
#include "engine/rng.h"

#define NONE		UINT32_MAX
#define PROBES		16	/* random draws in a big bucket before a scan */
#define SMALL_BUCKET	128	/* buckets up to this size are scanned */

struct pblock {
	uint32_t	req[PICKER_MAX_REQUESTERS];
	uint32_t	from;		/* sender, once received */
	uint8_t		nreq;
	uint8_t		received;
};

struct ppiece {			/* one piece in progress */
	uint32_t	piece, nblocks;
	uint32_t	nreceived;	/* blocks received */
	uint32_t	nrequested;	/* blocks requested, not received */
	uint32_t	npad;		/* of nreceived, padding never asked */
	uint32_t	cursor;		/* no missing block before it */
	uint32_t	open_pos;	/* index in open[], or NONE */
	struct pblock	blocks[];
};

struct picker {
	uint32_t	  num_pieces, piece_length, last_length;
	struct bitfield	  have;
	uint8_t		 *busy;		/* BEP 3 layout, padded to 8 bytes,
					 * spare bits set */
	size_t		  busy_words;
	uint32_t	 *avail;
	uint32_t	 *order, *pos;
	uint32_t	 *bstart;	/* nb + 1 entries used */
	uint32_t	  nb, bcap;
	uint32_t	 *slot;
	struct ppiece	**ip, **open;
	uint32_t	  nip, nopen, ipcap;
	uint64_t	  rng;
	struct pad {
		uint64_t	start, end;	/* [start, end) */
	}		 *pads;
	size_t		  npads, padcap;
	int		  streaming;
	uint32_t	  sfirst, slast, snext;
	uint8_t		 *prio;
	uint8_t		 *xmask[PICKER_PRIO_COUNT];	/* busy's layout */
	const uint8_t	 *ex;		/* the mask candidates obey now */
	uint32_t	  nlevel[PICKER_PRIO_COUNT];
	uint32_t	  nwant;	/* neither had nor skipped */
};


static uint32_t
piece_len(const struct picker *p, uint32_t piece)
{
	return piece == p->num_pieces - 1 ? p->last_length : p->piece_length;
}

static uint32_t
blocks_of(uint32_t len)
{
	return len / PICKER_BLOCK_LEN + (len % PICKER_BLOCK_LEN != 0);
}

static uint32_t
block_len(const struct picker *p, uint32_t piece, uint32_t idx)
{
	uint32_t	left = piece_len(p, piece) - idx * PICKER_BLOCK_LEN;

	return left < PICKER_BLOCK_LEN ? left : PICKER_BLOCK_LEN;
}

/* 1 when bytes [s, e) lie inside one padding range. */
static int
range_is_pad(const struct picker *p, uint64_t s, uint64_t e)
{
	size_t	lo = 0, hi = p->npads, mid;

	while (hi - lo > 0) {	/* the first range ending after s */
		mid = lo + (hi - lo) / 2;
		if (p->pads[mid].end <= s)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->npads && p->pads[lo].start <= s && e <= p->pads[lo].end;
}

static uint64_t
piece_start_byte(const struct picker *p, uint32_t piece)
{
	return (uint64_t)piece * p->piece_length;
}

static int
block_missing(const struct pblock *b)
{
	return !b->received && b->nreq == 0;
}

static int
block_requested_by(const struct pblock *b, uint32_t peer_id)
{
	uint8_t	i;

	for (i = 0; i < b->nreq; i++)
		if (b->req[i] == peer_id)
			return 1;
	return 0;
}

static struct ppiece *
record_of(const struct picker *p, uint32_t piece)
{
	if (piece >= p->num_pieces || p->slot[piece] == NONE)
		return NULL;
	return p->ip[p->slot[piece]];
}

/* --- busy bits and candidates ------------------------------------------ */

static void
busy_set(struct picker *p, uint32_t i)
{
	p->busy[i >> 3] |= (uint8_t)(0x80 >> (i & 7));
}

static void
busy_clear(struct picker *p, uint32_t i)
{
	p->busy[i >> 3] &= (uint8_t)~(0x80 >> (i & 7));
}

static void
mask_put(uint8_t *m, uint32_t i, int on)
{
	if (on)
		m[i >> 3] |= (uint8_t)(0x80 >> (i & 7));
	else
		m[i >> 3] &= (uint8_t)~(0x80 >> (i & 7));
}

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

/* --- availability buckets ---------------------------------------------- */

static void
order_swap(struct picker *p, uint32_t i, uint32_t j)
{
	uint32_t	a = p->order[i], b = p->order[j];

	p->order[i] = b;
	p->order[j] = a;
	p->pos[a] = j;
	p->pos[b] = i;
}

/* Adds an empty bucket on top. */
static int
buckets_grow(struct picker *p)
{
	uint32_t	*nbs;

	if (p->nb + 2 > p->bcap) {
		if (p->bcap > UINT32_MAX / 2 ||
		    (nbs = reallocarray(p->bstart, p->bcap * 2,
		    sizeof(*nbs))) == NULL)
			return BT_ERR_NOMEM;
		p->bstart = nbs;
		p->bcap *= 2;
	}
	p->bstart[p->nb + 1] = p->bstart[p->nb];
	p->nb++;
	return BT_OK;
}

static int
is_free(const struct picker *p, uint32_t x)
{
	return p->pos[x] < p->bstart[p->nb];
}

/* If a bucket cannot be added the count stays put: picks remain correct
 * (candidates are checked against the peer), only less rare-first. */
static void
avail_inc(struct picker *p, uint32_t x)
{
	uint32_t	a = p->avail[x];

	if (a + 1 >= p->nb && buckets_grow(p) != BT_OK)
		return;
	if (is_free(p, x)) {
		order_swap(p, p->pos[x], p->bstart[a + 1] - 1);
		p->bstart[a + 1]--;
	}
	p->avail[x]++;
}

static void
avail_dec(struct picker *p, uint32_t x)
{
	uint32_t	a = p->avail[x];

	if (a == 0)
		return;
	if (is_free(p, x)) {
		order_swap(p, p->pos[x], p->bstart[a]);
		p->bstart[a]++;
	}
	p->avail[x]--;
}

/* Walks free x up through the buckets above its own into the busy tail;
 * O(nb - availability). */
static void
order_to_busy(struct picker *p, uint32_t x)
{
	uint32_t	b;

	for (b = p->avail[x]; b < p->nb; b++) {
		order_swap(p, p->pos[x], p->bstart[b + 1] - 1);
		p->bstart[b + 1]--;
	}
}

/* The reverse: busy x down from the tail into its bucket. */
static void
order_to_free(struct picker *p, uint32_t x)
{
	uint32_t	b;

	for (b = p->nb; b > p->avail[x]; b--) {
		order_swap(p, p->pos[x], p->bstart[b]);
		p->bstart[b]++;
	}
}

/* --- choosing a new piece ---------------------------------------------- */

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

/* --- pieces in progress ------------------------------------------------ */

static void
open_remove(struct picker *p, struct ppiece *rec)
{
	struct ppiece	*last;

	if (rec->open_pos == NONE)
		return;
	last = p->open[--p->nopen];
	p->open[rec->open_pos] = last;
	last->open_pos = rec->open_pos;
	rec->open_pos = NONE;
}

static void
open_update(struct picker *p, struct ppiece *rec)
{
	int	open = rec->nreceived + rec->nrequested < rec->nblocks;

	if (open && rec->open_pos == NONE) {
		rec->open_pos = p->nopen;
		p->open[p->nopen++] = rec;
	} else if (!open)
		open_remove(p, rec);
}

static int
ip_grow(struct picker *p)
{
	struct ppiece	**n;
	uint32_t	  cap = p->ipcap == 0 ? 16 : p->ipcap * 2;

	if ((n = reallocarray(p->ip, cap, sizeof(*n))) == NULL)
		return BT_ERR_NOMEM;
	p->ip = n;
	if ((n = reallocarray(p->open, cap, sizeof(*n))) == NULL)
		return BT_ERR_NOMEM;
	p->open = n;
	p->ipcap = cap;
	return BT_OK;
}

/* Marks the blocks of a new record that are all padding as received. */
static void
pad_blocks(const struct picker *p, struct ppiece *rec)
{
	uint64_t	s;
	uint32_t	j;

	for (j = 0; j < rec->nblocks && p->npads > 0; j++) {
		s = piece_start_byte(p, rec->piece) + (uint64_t)j *
		    PICKER_BLOCK_LEN;
		if (!range_is_pad(p, s, s + block_len(p, rec->piece, j)))
			continue;
		rec->blocks[j].received = 1;
		rec->blocks[j].from = PICKER_PEER_NONE;
		rec->nreceived++;
		rec->npad++;
	}
}

static struct ppiece *
piece_start(struct picker *p, uint32_t piece)
{
	struct ppiece	*rec;
	uint32_t	 nblocks = blocks_of(piece_len(p, piece));

	if (p->nip == p->ipcap && ip_grow(p) != BT_OK)
		return NULL;
	rec = calloc(1, sizeof(*rec) +
	    (size_t)nblocks * sizeof(rec->blocks[0]));
	if (rec == NULL)
		return NULL;
	rec->piece = piece;
	rec->nblocks = nblocks;
	rec->open_pos = NONE;
	pad_blocks(p, rec);
	p->slot[piece] = p->nip;
	p->ip[p->nip++] = rec;
	busy_set(p, piece);
	order_to_busy(p, piece);
	open_update(p, rec);
	return rec;
}

static void
piece_release(struct picker *p, struct ppiece *rec)
{
	uint32_t	at = p->slot[rec->piece];

	open_remove(p, rec);
	p->ip[at] = p->ip[--p->nip];
	p->slot[p->ip[at]->piece] = at;
	p->slot[rec->piece] = NONE;
	if (!bitfield_get(&p->have, rec->piece)) {
		busy_clear(p, rec->piece);
		order_to_free(p, rec->piece);
	}
	free(rec);
}

/* After blocks were released: a piece with nothing requested or received
 * goes back to the pool (and to rarest first). */
static void
piece_settle(struct picker *p, struct ppiece *rec)
{
	if (rec->nreceived == rec->npad && rec->nrequested == 0)
		piece_release(p, rec);
	else
		open_update(p, rec);
}

/* Removes peer_id from block idx's requesters; 1 if it was one. */
static int
block_drop(struct ppiece *rec, uint32_t idx, uint32_t peer_id)
{
	struct pblock	*b = &rec->blocks[idx];
	uint8_t		 i;

	for (i = 0; i < b->nreq; i++) {
		if (b->req[i] != peer_id)
			continue;
		b->req[i] = b->req[--b->nreq];
		if (b->nreq == 0) {
			rec->nrequested--;
			if (idx < rec->cursor)
				rec->cursor = idx;
		}
		return 1;
	}
	return 0;
}

static void
block_request(struct picker *p, struct ppiece *rec, uint32_t idx,
    uint32_t peer_id)
{
	struct pblock	*b = &rec->blocks[idx];

	assert(b->nreq < PICKER_MAX_REQUESTERS && !b->received);
	if (b->nreq == 0)
		rec->nrequested++;
	b->req[b->nreq++] = peer_id;
	open_update(p, rec);
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

/* An open piece has a missing block at or after its cursor. */
static uint32_t
first_missing(struct ppiece *rec)
{
	while (rec->cursor < rec->nblocks &&
	    !block_missing(&rec->blocks[rec->cursor]))
		rec->cursor++;
	assert(rec->cursor < rec->nblocks);
	return rec->cursor;
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

/* The block index of (begin, length) in rec, or BT_ERR_INVALID. */
static int
block_index(const struct picker *p, const struct ppiece *rec, uint32_t begin,
    uint32_t length, uint32_t *idx_out)
{
	uint32_t	idx = begin / PICKER_BLOCK_LEN;

	if (begin % PICKER_BLOCK_LEN != 0 || idx >= rec->nblocks ||
	    length != block_len(p, rec->piece, idx))
		return BT_ERR_INVALID;
	*idx_out = idx;
	return BT_OK;
}

/* --- public ------------------------------------------------------------ */

static int
tables_alloc(struct picker *p)
{
	uint32_t	n = p->num_pieces, i;
	size_t		nbytes = ((size_t)n + 7) / 8;
	int		l;

	p->busy_words = (nbytes + 7) / 8;
	p->bcap = 16;
	for (l = 0; l < PICKER_PRIO_COUNT; l++) {
		if ((p->xmask[l] = calloc(p->busy_words, 8)) == NULL)
			return BT_ERR_NOMEM;
		/* All pieces are normal: the other levels exclude them all. */
		if (l == PICKER_PRIO_LOW || l == PICKER_PRIO_HIGH)
			memset(p->xmask[l], 0xff, p->busy_words * 8);
	}
	p->ex = p->xmask[PICKER_PRIO_SKIP];
	p->nlevel[PICKER_PRIO_NORMAL] = n;
	p->nwant = n;
	if (bitfield_init(&p->have, n) != BT_OK ||
	    (p->prio = malloc(n)) == NULL ||
	    (p->busy = calloc(p->busy_words, 8)) == NULL ||
	    (p->avail = calloc(n, sizeof(*p->avail))) == NULL ||
	    (p->order = calloc(n, sizeof(*p->order))) == NULL ||
	    (p->pos = calloc(n, sizeof(*p->pos))) == NULL ||
	    (p->slot = calloc(n, sizeof(*p->slot))) == NULL ||
	    (p->bstart = calloc(p->bcap, sizeof(*p->bstart))) == NULL)
		return BT_ERR_NOMEM;
	/* Pieces past the end look busy, so word scans never yield them. */
	for (i = n; i < p->busy_words * 64; i++)
		busy_set(p, i);
	for (i = 0; i < n; i++) {
		p->order[i] = p->pos[i] = i;
		p->slot[i] = NONE;
	}
	memset(p->prio, PICKER_PRIO_NORMAL, n);
	p->nb = 1;
	p->bstart[1] = n;
	return BT_OK;
}

struct picker *
picker_new(uint32_t num_pieces, uint32_t piece_length, uint64_t total_length,
    uint64_t rng_seed)
{
	struct picker	*p;
	uint64_t	 full;

	if (num_pieces == 0 || piece_length == 0)
		return NULL;
	full = (uint64_t)(num_pieces - 1) * piece_length;
	if (total_length <= full || total_length - full > piece_length)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->num_pieces = num_pieces;
	p->piece_length = piece_length;
	p->last_length = (uint32_t)(total_length - full);
	p->rng = rng_seed;
	if (tables_alloc(p) != BT_OK) {
		picker_free(p);
		return NULL;
	}
	return p;
}

void
picker_free(struct picker *p)
{
	uint32_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nip; i++)
		free(p->ip[i]);
	free(p->ip);
	free(p->open);
	free(p->bstart);
	free(p->slot);
	free(p->pos);
	free(p->order);
	free(p->avail);
	free(p->busy);
	free(p->pads);
	free(p->prio);
	for (i = 0; i < PICKER_PRIO_COUNT; i++)
		free(p->xmask[i]);
	bitfield_cleanup(&p->have);
	free(p);
}

/* The pieces that [s, e) touches and that lie wholly in padding now:
 * nothing to fetch, and their bytes are known. */
static void
pad_have(struct picker *p, uint64_t s, uint64_t e)
{
	uint32_t	i, last = (uint32_t)((e - 1) / p->piece_length);
	uint64_t	ps;

	for (i = (uint32_t)(s / p->piece_length); i <= last; i++) {
		ps = piece_start_byte(p, i);
		if (range_is_pad(p, ps, ps + piece_len(p, i)))
			picker_set_have(p, i);
	}
}

int
picker_add_pad(struct picker *p, uint64_t offset, uint64_t length)
{
	uint64_t	 total = piece_start_byte(p, p->num_pieces - 1) +
			    p->last_length;
	struct pad	*n;
	size_t		 cap;

	if (length == 0)
		return BT_OK;
	if (offset > total || length > total - offset ||
	    (p->npads > 0 && offset < p->pads[p->npads - 1].end))
		return BT_ERR_INVALID;
	if (p->npads > 0 && offset == p->pads[p->npads - 1].end) {
		p->pads[p->npads - 1].end += length;	/* adjacent pads */
	} else {
		if (p->npads == p->padcap) {
			cap = p->padcap == 0 ? 8 : p->padcap * 2;
			if ((n = reallocarray(p->pads, cap, sizeof(*n))) ==
			    NULL)
				return BT_ERR_NOMEM;
			p->pads = n;
			p->padcap = cap;
		}
		p->pads[p->npads].start = offset;
		p->pads[p->npads++].end = offset + length;
	}
	pad_have(p, offset, offset + length);
	return BT_OK;
}

void
picker_set_have(struct picker *p, uint32_t piece)
{
	struct ppiece	*rec;

	if (piece >= p->num_pieces || bitfield_get(&p->have, piece))
		return;
	rec = record_of(p, piece);
	bitfield_set(&p->have, piece);
	if (p->prio[piece] != PICKER_PRIO_SKIP)
		p->nwant--;
	if (rec != NULL) {
		piece_release(p, rec);	/* stays busy: it is had now */
		return;
	}
	order_to_busy(p, piece);
	busy_set(p, piece);
}

int
picker_have(const struct picker *p, uint32_t piece)
{
	return bitfield_get(&p->have, piece);
}

uint32_t
picker_have_count(const struct picker *p)
{
	return bitfield_count(&p->have);
}

const struct bitfield *
picker_have_bitfield(const struct picker *p)
{
	return &p->have;
}

int
picker_complete(const struct picker *p)
{
	return bitfield_complete(&p->have);
}

int
picker_wanted_complete(const struct picker *p)
{
	return p->nwant == 0;
}

int
picker_wants(const struct picker *p, uint32_t piece)
{
	return piece < p->num_pieces && !bitfield_get(&p->have, piece) &&
	    p->prio[piece] != PICKER_PRIO_SKIP;
}

uint32_t
picker_wanted_left(const struct picker *p)
{
	return p->nwant;
}

int
picker_set_priority(struct picker *p, uint32_t piece, enum picker_prio prio)
{
	enum picker_prio	old;
	int			l;

	if (piece >= p->num_pieces || (unsigned int)prio >= PICKER_PRIO_COUNT)
		return BT_ERR_INVALID;
	old = (enum picker_prio)p->prio[piece];
	if (old == prio)
		return BT_OK;
	if (!bitfield_get(&p->have, piece)) {
		if (old == PICKER_PRIO_SKIP)
			p->nwant++;
		else if (prio == PICKER_PRIO_SKIP)
			p->nwant--;
	}
	p->nlevel[old]--;
	p->nlevel[prio]++;
	p->prio[piece] = (uint8_t)prio;
	mask_put(p->xmask[PICKER_PRIO_SKIP], piece, prio == PICKER_PRIO_SKIP);
	for (l = PICKER_PRIO_LOW; l < PICKER_PRIO_COUNT; l++)
		mask_put(p->xmask[l], piece, (int)prio != l);
	return BT_OK;
}

enum picker_prio
picker_priority(const struct picker *p, uint32_t piece)
{
	if (piece >= p->num_pieces)
		return PICKER_PRIO_SKIP;
	return (enum picker_prio)p->prio[piece];
}

/* Calls fn for each set bit of peer below num_pieces. */
static void
peer_each(struct picker *p, const struct bitfield *peer,
    void (*fn)(struct picker *, uint32_t))
{
	const uint8_t	*bytes = bitfield_bytes(peer);
	size_t		 n = bitfield_nbytes(peer), j;
	unsigned int	 x, bit;
	uint64_t	 i;

	for (j = 0; j < n; j++) {
		for (x = bytes[j]; x != 0; x &= ~(0x80u >> bit)) {
			bit = (unsigned int)__builtin_clz(x) - 24;
			i = (uint64_t)j * 8 + bit;
			if (i < p->num_pieces)
				fn(p, (uint32_t)i);
		}
	}
}

void
picker_peer_add(struct picker *p, const struct bitfield *peer_has)
{
	peer_each(p, peer_has, avail_inc);
}

void
picker_peer_remove(struct picker *p, const struct bitfield *peer_has)
{
	peer_each(p, peer_has, avail_dec);
}

void
picker_peer_have(struct picker *p, uint32_t piece)
{
	if (piece < p->num_pieces)
		avail_inc(p, piece);
}

uint32_t
picker_availability(const struct picker *p, uint32_t piece)
{
	return piece < p->num_pieces ? p->avail[piece] : 0;
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
		if ((rec = piece_start(p, piece)) == NULL)
			return BT_ERR_NOMEM;
		idx = first_missing(rec);	/* padding may come first */
	} else if (rec != NULL)
		idx = first_missing(rec);
	else if (!picker_in_endgame(p) ||
	    !endgame_pick(p, peer_id, peer_has, &rec, &idx))
		return BT_ERR_NOTFOUND;
	block_request(p, rec, idx, peer_id);
	out->piece = rec->piece;
	out->begin = idx * PICKER_BLOCK_LEN;
	out->length = block_len(p, rec->piece, idx);
	return BT_OK;
}

int
picker_on_block(struct picker *p, uint32_t peer_id, uint32_t piece,
    uint32_t begin, uint32_t length, uint32_t *cancel_ids, size_t cancel_max,
    size_t *ncancel_out)
{
	struct ppiece	*rec;
	struct pblock	*b;
	uint32_t	 idx;
	size_t		 nc = 0;
	uint8_t		 i;

	if (ncancel_out != NULL)
		*ncancel_out = 0;
	if ((rec = record_of(p, piece)) == NULL ||
	    block_index(p, rec, begin, length, &idx) != BT_OK)
		return BT_ERR_INVALID;
	b = &rec->blocks[idx];
	if (b->received)
		return BT_ERR_INVALID;
	for (i = 0; i < b->nreq; i++)
		if (b->req[i] != peer_id && nc < cancel_max)
			cancel_ids[nc++] = b->req[i];
	if (b->nreq > 0)
		rec->nrequested--;
	b->nreq = 0;
	b->received = 1;
	b->from = peer_id;
	rec->nreceived++;
	open_update(p, rec);
	if (ncancel_out != NULL)
		*ncancel_out = nc;
	return rec->nreceived == rec->nblocks;
}

void
picker_unrequest(struct picker *p, uint32_t peer_id, uint32_t piece,
    uint32_t begin)
{
	struct ppiece	*rec;
	uint32_t	 idx = begin / PICKER_BLOCK_LEN;

	if ((rec = record_of(p, piece)) == NULL ||
	    begin % PICKER_BLOCK_LEN != 0 || idx >= rec->nblocks)
		return;
	if (block_drop(rec, idx, peer_id))
		piece_settle(p, rec);
}

void
picker_peer_gone(struct picker *p, uint32_t peer_id)
{
	struct ppiece	*rec;
	uint32_t	 i = p->nip, j;
	int		 changed;

	/* Backwards: piece_release moves the last record into slot i. */
	while (i-- > 0) {
		rec = p->ip[i];
		changed = 0;
		for (j = 0; j < rec->nblocks && rec->nrequested > 0; j++)
			changed |= block_drop(rec, j, peer_id);
		if (changed)
			piece_settle(p, rec);
	}
}

void
picker_piece_failed(struct picker *p, uint32_t piece)
{
	struct ppiece	*rec;

	if ((rec = record_of(p, piece)) != NULL)
		piece_release(p, rec);
}

size_t
picker_piece_contributors(const struct picker *p, uint32_t piece,
    uint32_t *ids, size_t max)
{
	const struct ppiece	*rec;
	uint32_t		 j;
	size_t			 n = 0, k;

	if ((rec = record_of(p, piece)) == NULL)
		return 0;
	for (j = 0; j < rec->nblocks && n < max; j++) {
		if (!rec->blocks[j].received ||
		    rec->blocks[j].from == PICKER_PEER_NONE)
			continue;	/* not received, or padding */
		for (k = 0; k < n && ids[k] != rec->blocks[j].from; k++)
			;
		if (k == n)
			ids[n++] = rec->blocks[j].from;
	}
	return n;
}

enum picker_piece_state
picker_piece_state(const struct picker *p, uint32_t piece)
{
	const struct ppiece	*rec;

	if (bitfield_get(&p->have, piece))
		return PICKER_HAVE;
	if ((rec = record_of(p, piece)) == NULL)
		return PICKER_MISSING;
	if (rec->nreceived > rec->npad)
		return PICKER_DOWNLOADING;
	return rec->nrequested > 0 ? PICKER_REQUESTED : PICKER_MISSING;
}

uint32_t
picker_blocks_in_piece(const struct picker *p, uint32_t piece)
{
	if (piece >= p->num_pieces)
		return 0;
	return blocks_of(piece_len(p, piece));
}

int
picker_block_info(const struct picker *p, uint32_t piece,
    uint32_t block_index, struct picker_block_info *out)
{
	const struct ppiece	*rec;
	const struct pblock	*b;

	memset(out, 0, sizeof(*out));
	if (block_index >= picker_blocks_in_piece(p, piece))
		return BT_ERR_RANGE;
	out->begin = block_index * PICKER_BLOCK_LEN;
	out->length = block_len(p, piece, block_index);
	out->state = PICKER_BLOCK_MISSING;
	out->peer_id = PICKER_PEER_NONE;
	if (bitfield_get(&p->have, piece))
		out->state = PICKER_BLOCK_RECEIVED;
	if ((rec = record_of(p, piece)) == NULL)
		return BT_OK;
	b = &rec->blocks[block_index];
	out->nrequesters = b->nreq;
	if (b->received) {
		out->state = PICKER_BLOCK_RECEIVED;
		out->peer_id = b->from;
	} else if (b->nreq > 0) {
		out->state = PICKER_BLOCK_REQUESTED;
		out->peer_id = b->req[0];
	}
	return BT_OK;
}

/* Every wanted piece is in progress and none has a missing block left:
 * O(pieces in progress). */
int
picker_in_endgame(const struct picker *p)
{
	uint32_t	i, nip = 0;

	if (p->nwant == 0)
		return 0;
	for (i = 0; i < p->nopen; i++)
		if (p->prio[p->open[i]->piece] != PICKER_PRIO_SKIP)
			return 0;
	for (i = 0; i < p->nip; i++)
		nip += p->prio[p->ip[i]->piece] != PICKER_PRIO_SKIP;
	return nip == p->nwant;
}

size_t
picker_requested_count(const struct picker *p, uint32_t peer_id)
{
	const struct ppiece	*rec;
	uint32_t		 i, j;
	size_t			 n = 0;

	for (i = 0; i < p->nip; i++) {
		rec = p->ip[i];
		for (j = 0; j < rec->nblocks && rec->nrequested > 0; j++)
			n += (size_t)block_requested_by(&rec->blocks[j],
			    peer_id);
	}
	return n;
}

int
picker_set_stream(struct picker *p, uint32_t first, uint32_t last)
{
	if (first > last || last >= p->num_pieces)
		return BT_ERR_INVALID;
	p->streaming = 1;
	p->sfirst = p->snext = first;
	p->slast = last;
	return BT_OK;
}

void
picker_clear_stream(struct picker *p)
{
	p->streaming = 0;
	p->sfirst = p->slast = p->snext = 0;
}

int
picker_stream_range(const struct picker *p, uint32_t *first_out,
    uint32_t *last_out)
{
	*first_out = p->streaming ? p->sfirst : 0;
	*last_out = p->streaming ? p->slast : 0;
	return p->streaming;
}

/* --- self-check -------------------------------------------------------- */

static int
check_order(const struct picker *p)
{
	uint32_t	i, a = 0, x, nfree = p->bstart[p->nb];

	if (p->bstart[0] != 0 || nfree > p->num_pieces)
		return 0;
	for (i = 0; i < p->num_pieces; i++) {
		x = p->order[i];
		if (x >= p->num_pieces || p->pos[x] != i ||
		    p->avail[x] >= p->nb)
			return 0;
		if ((i >= nfree) !=
		    ((p->busy[x >> 3] & (0x80 >> (x & 7))) != 0))
			return 0;
		if (i >= nfree)
			continue;
		while (a < p->nb && i >= p->bstart[a + 1])
			a++;
		if (p->avail[x] != a || i < p->bstart[a])
			return 0;
	}
	return 1;
}

static int
check_record(const struct picker *p, const struct ppiece *rec, uint32_t at)
{
	const struct pblock	*b;
	uint32_t		 j, nrecv = 0, nreq = 0;
	uint8_t			 k, l;

	if (p->slot[rec->piece] != at || bitfield_get(&p->have, rec->piece) ||
	    rec->nblocks != picker_blocks_in_piece(p, rec->piece))
		return 0;
	for (j = 0; j < rec->nblocks; j++) {
		b = &rec->blocks[j];
		if (b->nreq > PICKER_MAX_REQUESTERS || (b->received && b->nreq))
			return 0;
		if (j < rec->cursor && block_missing(b))
			return 0;
		for (k = 0; k < b->nreq; k++)
			for (l = 0; l < k; l++)
				if (b->req[k] == b->req[l])
					return 0;
		nrecv += b->received;
		nreq += b->nreq > 0;
	}
	if (nrecv != rec->nreceived || nreq != rec->nrequested ||
	    rec->npad > nrecv || (nrecv == rec->npad && nreq == 0))
		return 0;
	if ((rec->open_pos != NONE) != (nrecv + nreq < rec->nblocks))
		return 0;
	return rec->open_pos == NONE || (rec->open_pos < p->nopen &&
	    p->open[rec->open_pos] == rec);
}

/* The masks, level counts and nwant agree with prio[]. */
static int
check_prio(const struct picker *p)
{
	uint32_t	i, n[PICKER_PRIO_COUNT] = { 0 }, want = 0;
	int		l, bit;

	if (p->ex != p->xmask[PICKER_PRIO_SKIP])
		return 0;
	for (i = 0; i < p->num_pieces; i++) {
		if (p->prio[i] >= PICKER_PRIO_COUNT)
			return 0;
		n[p->prio[i]]++;
		want += p->prio[i] != PICKER_PRIO_SKIP &&
		    !bitfield_get(&p->have, i);
		for (l = 0; l < PICKER_PRIO_COUNT; l++) {
			bit = (p->xmask[l][i >> 3] & (0x80 >> (i & 7))) != 0;
			if (bit != (l == PICKER_PRIO_SKIP ?
			    p->prio[i] == PICKER_PRIO_SKIP : p->prio[i] != l))
				return 0;
		}
	}
	for (l = 0; l < PICKER_PRIO_COUNT; l++)
		if (n[l] != p->nlevel[l])
			return 0;
	return want == p->nwant;
}

int
picker_check(const struct picker *p)
{
	uint32_t	i, inprog = 0;

	if (!check_order(p) || !check_prio(p) || p->nopen > p->nip)
		return BT_ERR_INVALID;
	for (i = 0; i < p->nip; i++)
		if (!check_record(p, p->ip[i], i))
			return BT_ERR_INVALID;
	for (i = 0; i < p->num_pieces; i++) {
		if (p->slot[i] != NONE && (p->slot[i] >= p->nip ||
		    p->ip[p->slot[i]]->piece != i))
			return BT_ERR_INVALID;
		inprog += p->slot[i] != NONE;
	}
	if (inprog != p->nip || p->bstart[p->nb] + p->nip +
	    bitfield_count(&p->have) != p->num_pieces)
		return BT_ERR_INVALID;
	return BT_OK;
}
