/*
 * The senders of the pieces verified lately: a ring of SENDERS_MAX_PIECES
 * entries, each with its own array of block senders (a piece of 16 MiB
 * has 1024 blocks, one of 256 KiB 16: sized by the piece).
 */
#include "engine/senders.h"

#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"

struct entry {
	uint32_t	 piece, nblocks;
	uint32_t	*sender;	/* NULL: the entry is free */
};

struct senders {
	struct entry	e[SENDERS_MAX_PIECES];
	size_t		next;		/* the oldest, reused next */
};

struct senders *
senders_new(void)
{
	return calloc(1, sizeof(struct senders));
}

void
senders_free(struct senders *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < SENDERS_MAX_PIECES; i++)
		free(s->e[i].sender);
	free(s);
}

static struct entry *
find(const struct senders *s, uint32_t piece)
{
	size_t	i;

	for (i = 0; i < SENDERS_MAX_PIECES; i++)
		if (s->e[i].sender != NULL && s->e[i].piece == piece)
			return (struct entry *)&s->e[i];
	return NULL;
}

int
senders_note(struct senders *s, uint32_t piece, const uint32_t *sender,
    uint32_t nblocks)
{
	struct entry	*e;
	uint32_t	*v;

	if (nblocks == 0)
		return BT_OK;
	if ((v = malloc((size_t)nblocks * sizeof(*v))) == NULL)
		return BT_ERR_NOMEM;
	memcpy(v, sender, (size_t)nblocks * sizeof(*v));
	/* a piece verified again (checked anew) keeps its place */
	if ((e = find(s, piece)) == NULL) {
		e = &s->e[s->next];
		s->next = (s->next + 1) % SENDERS_MAX_PIECES;
	}
	free(e->sender);
	e->piece = piece;
	e->nblocks = nblocks;
	e->sender = v;
	return BT_OK;
}

uint32_t
senders_get(const struct senders *s, uint32_t piece, uint32_t block)
{
	const struct entry	*e = find(s, piece);

	if (e == NULL || block >= e->nblocks)
		return SENDERS_NOBODY;
	return e->sender[block];
}
