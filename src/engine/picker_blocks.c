/*
 * The pieces in progress (see picker_impl.h): one record per piece with
 * the state of each block (requested by whom, received from whom), ip[]
 * holding them all and open[] those with a missing block.  A record is
 * made when picker_pick starts a piece and dropped when the piece is had,
 * fails its hash, or loses its last request with nothing received.
 */
#include "engine/picker_impl.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"

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

struct ppiece *
picker_piece_start(struct picker *p, uint32_t piece)
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
	picker_order_to_busy(p, piece);
	open_update(p, rec);
	return rec;
}

void
picker_piece_release(struct picker *p, struct ppiece *rec)
{
	uint32_t	at = p->slot[rec->piece];

	open_remove(p, rec);
	p->ip[at] = p->ip[--p->nip];
	p->slot[p->ip[at]->piece] = at;
	p->slot[rec->piece] = NONE;
	if (!bitfield_get(&p->have, rec->piece)) {
		busy_clear(p, rec->piece);
		picker_order_to_free(p, rec->piece);
	}
	free(rec);
}

/* After blocks were released: a piece with nothing requested or received
 * goes back to the pool (and to rarest first). */
static void
piece_settle(struct picker *p, struct ppiece *rec)
{
	if (rec->nreceived == rec->npad && rec->nrequested == 0)
		picker_piece_release(p, rec);
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

void
picker_block_request(struct picker *p, struct ppiece *rec, uint32_t idx,
    uint32_t peer_id)
{
	struct pblock	*b = &rec->blocks[idx];

	assert(b->nreq < PICKER_MAX_REQUESTERS && !b->received);
	if (b->nreq == 0)
		rec->nrequested++;
	b->req[b->nreq++] = peer_id;
	open_update(p, rec);
}

/* An open piece has a missing block at or after its cursor. */
uint32_t
picker_first_missing(struct ppiece *rec)
{
	while (rec->cursor < rec->nblocks &&
	    !block_missing(&rec->blocks[rec->cursor]))
		rec->cursor++;
	assert(rec->cursor < rec->nblocks);
	return rec->cursor;
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

	/* Backwards: picker_piece_release moves the last record into slot i. */
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
		picker_piece_release(p, rec);
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
