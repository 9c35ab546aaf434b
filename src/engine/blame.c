/*
 * Failed pieces with several senders, kept until a good copy arrives.  A
 * piece that fails again replaces its older copy (the senders of the newest
 * bad data are the ones still around).
 */
#include "blame.h"

#include <stdlib.h>
#include <string.h>

struct failed {
	uint32_t	 piece, size, nblocks;
	uint8_t		*data;		/* NULL: slot free */
	uint32_t	*sender;
};

struct blame {
	struct failed	slot[BLAME_MAX_PIECES];
	size_t		next;		/* the slot to reuse when all are full */
};

struct blame *
blame_new(void)
{
	return calloc(1, sizeof(struct blame));
}

static void
slot_clear(struct failed *f)
{
	free(f->data);
	free(f->sender);
	memset(f, 0, sizeof(*f));
}

void
blame_free(struct blame *b)
{
	size_t	i;

	if (b == NULL)
		return;
	for (i = 0; i < BLAME_MAX_PIECES; i++)
		slot_clear(&b->slot[i]);
	free(b);
}

static struct failed *
find(struct blame *b, uint32_t piece)
{
	size_t	i;

	for (i = 0; i < BLAME_MAX_PIECES; i++)
		if (b->slot[i].data != NULL && b->slot[i].piece == piece)
			return &b->slot[i];
	return NULL;
}

static struct failed *
free_slot(struct blame *b)
{
	size_t	i;

	for (i = 0; i < BLAME_MAX_PIECES; i++)
		if (b->slot[i].data == NULL)
			return &b->slot[i];
	i = b->next++ % BLAME_MAX_PIECES;	/* all full: forget the oldest */
	slot_clear(&b->slot[i]);
	return &b->slot[i];
}

uint32_t
blame_piece_failed(struct blame *b, uint32_t piece, const uint8_t *data,
    uint32_t size, const uint32_t *sender, uint32_t nblocks)
{
	struct failed	*f;
	uint32_t	 sole = BLAME_NOBODY, i;

	for (i = 0; i < nblocks; i++) {
		if (sender[i] == BLAME_NOBODY)
			continue;
		if (sole != BLAME_NOBODY && sender[i] != sole)
			break;
		sole = sender[i];
	}
	if (i == nblocks)
		return sole;		/* one sender, or none */
	if ((f = find(b, piece)) != NULL)
		slot_clear(f);
	f = free_slot(b);
	f->data = malloc(size);
	f->sender = malloc(nblocks * sizeof(*sender));
	if (f->data == NULL || f->sender == NULL) {
		slot_clear(f);		/* no memory: blame nobody */
		return BLAME_NOBODY;
	}
	memcpy(f->data, data, size);
	memcpy(f->sender, sender, nblocks * sizeof(*sender));
	f->piece = piece;
	f->size = size;
	f->nblocks = nblocks;
	return BLAME_NOBODY;
}

static int
listed(const uint32_t *ids, size_t n, uint32_t id)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

size_t
blame_piece_passed(struct blame *b, uint32_t piece, const uint8_t *data,
    uint32_t size, uint32_t *ids_out, size_t max)
{
	struct failed	*f = find(b, piece);
	uint32_t	 i, at, len;
	size_t		 n = 0;

	if (f == NULL)
		return 0;
	for (i = 0; i < f->nblocks && n < max; i++) {
		at = i * BLAME_BLOCK_LEN;
		if (at >= size || at >= f->size)
			break;
		len = size - at < BLAME_BLOCK_LEN ? size - at : BLAME_BLOCK_LEN;
		if (f->sender[i] == BLAME_NOBODY ||
		    memcmp(f->data + at, data + at, len) == 0 ||
		    listed(ids_out, n, f->sender[i]))
			continue;
		ids_out[n++] = f->sender[i];
	}
	slot_clear(f);
	return n;
}
