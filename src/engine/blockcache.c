/*
 * Block cache: a small array of live piece buffers (pieces in progress are
 * few, so a linear search with a last-hit shortcut is enough) and a free
 * list of spare buffers of the full piece length.
 */
#include "blockcache.h"

#include <stdlib.h>
#include <string.h>

struct blockcache {
	uint32_t		  piece_length;
	struct blockcache_piece **live;
	size_t			  nlive, alloc;
	size_t			  last;		/* index of the last hit */
	uint8_t			 *spare[BLOCKCACHE_FREE_KEEP];
	size_t			  nspare;
};

struct blockcache *
blockcache_new(uint32_t piece_length)
{
	struct blockcache	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->piece_length = piece_length;
	return c;
}

void
blockcache_free(struct blockcache *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nlive; i++) {
		free(c->live[i]->data);
		free(c->live[i]);
	}
	for (i = 0; i < c->nspare; i++)
		free(c->spare[i]);
	free(c->live);
	free(c);
}

struct blockcache_piece *
blockcache_find(struct blockcache *c, uint32_t piece)
{
	size_t	i;

	if (c->last < c->nlive && c->live[c->last]->piece == piece)
		return c->live[c->last];
	for (i = 0; i < c->nlive; i++) {
		if (c->live[i]->piece == piece) {
			c->last = i;
			return c->live[i];
		}
	}
	return NULL;
}

/* A zeroed buffer: the blocks of pad files (BEP 47) are never received,
 * so the piece hashes right only if they are zeros, and a spare holds the
 * bytes of an earlier piece. */
static uint8_t *
take_buffer(struct blockcache *c)
{
	uint8_t	*buf;

	if (c->nspare == 0)
		return calloc(1, c->piece_length);
	buf = c->spare[--c->nspare];
	memset(buf, 0, c->piece_length);
	return buf;
}

struct blockcache_piece *
blockcache_get(struct blockcache *c, uint32_t piece, uint32_t size)
{
	struct blockcache_piece	 *bp, **nl;
	size_t			  want;

	if ((bp = blockcache_find(c, piece)) != NULL)
		return bp;
	if (size > c->piece_length)
		return NULL;
	if (c->nlive == c->alloc) {
		want = c->alloc ? c->alloc * 2 : 16;
		if ((nl = realloc(c->live, want * sizeof(*nl))) == NULL)
			return NULL;
		c->live = nl;
		c->alloc = want;
	}
	if ((bp = calloc(1, sizeof(*bp))) == NULL)
		return NULL;
	if ((bp->data = take_buffer(c)) == NULL) {
		free(bp);
		return NULL;
	}
	bp->piece = piece;
	bp->size = size;
	c->live[c->nlive++] = bp;
	return bp;
}

void
blockcache_drop(struct blockcache *c, uint32_t piece)
{
	struct blockcache_piece	*bp;
	size_t			 i;

	for (i = 0; i < c->nlive; i++) {
		if (c->live[i]->piece != piece)
			continue;
		bp = c->live[i];
		if (c->nspare < BLOCKCACHE_FREE_KEEP)
			c->spare[c->nspare++] = bp->data;
		else
			free(bp->data);
		free(bp);
		c->live[i] = c->live[--c->nlive];
		return;
	}
}

void
blockcache_prune(struct blockcache *c, int (*keep)(void *, uint32_t),
    void *arg)
{
	size_t	i = 0;

	while (i < c->nlive) {
		if (keep(arg, c->live[i]->piece))
			i++;
		else
			blockcache_drop(c, c->live[i]->piece);
	}
}

size_t
blockcache_count(const struct blockcache *c)
{
	return c->nlive;
}

size_t
blockcache_bytes(const struct blockcache *c)
{
	return (c->nlive + c->nspare) * (size_t)c->piece_length;
}
