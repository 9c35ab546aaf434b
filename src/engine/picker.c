/*
 * Piece picker (see picker.h), the life cycle and the state the engine
 * sets: pad files, the pieces we have, priorities and the stream range.
 * The data structures are described in picker_impl.h; availability is
 * picker_avail.c's, picker_pick picker_choose.c's, the pieces in progress
 * picker_blocks.c's and picker_check picker_check.c's.
 */
#include "picker.h"

#include <stdlib.h>
#include <string.h>

#include "engine/picker_impl.h"
#include "ipc/err.h"

static void
mask_put(uint8_t *m, uint32_t i, int on)
{
	if (on)
		bits_set(m, i);
	else
		bits_clear(m, i);
}

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
		picker_piece_release(p, rec);	/* stays busy: it is had now */
		return;
	}
	picker_order_to_busy(p, piece);
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
