/*
 * picker_impl.h: struct picker and what the picker's own files share:
 * picker.c (life cycle, pad files, our pieces, priorities, the stream
 * range), picker_avail.c (availability: the free pieces' order in
 * buckets), picker_choose.c (picker_pick's policy: which piece to continue
 * or start, streaming, endgame), picker_blocks.c (the pieces in progress
 * and their blocks) and picker_check.c (the self-check).  The helpers
 * below are static inline: each file keeps its own copy, as when they were
 * one file's statics.  The public contract is picker.h; nothing else
 * includes this.
 */
#ifndef BT_PICKER_IMPL_H
#define BT_PICKER_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/bitfield.h"
#include "engine/picker.h"

#define NONE		UINT32_MAX

/*
 * The picker's state.  Per piece: have bit, busy bit (have or in progress),
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

static inline uint32_t
piece_len(const struct picker *p, uint32_t piece)
{
	return piece == p->num_pieces - 1 ? p->last_length : p->piece_length;
}

static inline uint32_t
blocks_of(uint32_t len)
{
	return len / PICKER_BLOCK_LEN + (len % PICKER_BLOCK_LEN != 0);
}

static inline uint32_t
block_len(const struct picker *p, uint32_t piece, uint32_t idx)
{
	uint32_t	left = piece_len(p, piece) - idx * PICKER_BLOCK_LEN;

	return left < PICKER_BLOCK_LEN ? left : PICKER_BLOCK_LEN;
}

/* 1 when bytes [s, e) lie inside one padding range. */
static inline int
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

static inline uint64_t
piece_start_byte(const struct picker *p, uint32_t piece)
{
	return (uint64_t)piece * p->piece_length;
}

static inline int
block_missing(const struct pblock *b)
{
	return !b->received && b->nreq == 0;
}

static inline int
block_requested_by(const struct pblock *b, uint32_t peer_id)
{
	uint8_t	i;

	for (i = 0; i < b->nreq; i++)
		if (b->req[i] == peer_id)
			return 1;
	return 0;
}

static inline struct ppiece *
record_of(const struct picker *p, uint32_t piece)
{
	if (piece >= p->num_pieces || p->slot[piece] == NONE)
		return NULL;
	return p->ip[p->slot[piece]];
}

static inline void
busy_set(struct picker *p, uint32_t i)
{
	bits_set(p->busy, i);
}

static inline void
busy_clear(struct picker *p, uint32_t i)
{
	bits_clear(p->busy, i);
}

/* picker_avail.c: free piece x into the busy tail of order[], and back
 * into its availability bucket (O(buckets above its own)). */
void	picker_order_to_busy(struct picker *p, uint32_t x);
void	picker_order_to_free(struct picker *p, uint32_t x);

/* picker_blocks.c */
/* A record for piece (free, not had): busy from now on, its padding
 * blocks received.  NULL when out of memory (nothing changed). */
struct ppiece	*picker_piece_start(struct picker *p, uint32_t piece);
/* Drops the record; the piece goes back to the free pieces unless had. */
void	picker_piece_release(struct picker *p, struct ppiece *rec);
/* The first missing block of an open record (moves its cursor). */
uint32_t	picker_first_missing(struct ppiece *rec);
/* Marks block idx of rec requested by peer_id (below the cap). */
void	picker_block_request(struct picker *p, struct ppiece *rec,
	    uint32_t idx, uint32_t peer_id);

#endif
