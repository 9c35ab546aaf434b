/*
 * Availability (see picker_impl.h): how many connected peers have each
 * piece, and the free pieces' order[] sorted by it in buckets, so that a
 * count changes in O(1) and the rarest free pieces are one contiguous
 * range.  A piece that starts or is had leaves the buckets for the busy
 * tail (picker_order_to_busy) and comes back if its record is dropped.
 */
#include "engine/picker_impl.h"

#include <stdlib.h>

#include "ipc/err.h"

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
void
picker_order_to_busy(struct picker *p, uint32_t x)
{
	uint32_t	b;

	for (b = p->avail[x]; b < p->nb; b++) {
		order_swap(p, p->pos[x], p->bstart[b + 1] - 1);
		p->bstart[b + 1]--;
	}
}

/* The reverse: busy x down from the tail into its bucket. */
void
picker_order_to_free(struct picker *p, uint32_t x)
{
	uint32_t	b;

	for (b = p->nb; b > p->avail[x]; b--) {
		order_swap(p, p->pos[x], p->bstart[b]);
		p->bstart[b]++;
	}
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
