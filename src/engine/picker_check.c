/*
 * picker_check (see picker.h): every invariant picker_impl.h states,
 * checked the slow way for tests and debugging; nothing here changes the
 * picker.
 */
#include "picker.h"

#include "engine/picker_impl.h"
#include "ipc/err.h"

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
		    bits_get(p->busy, x))
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
			bit = bits_get(p->xmask[l], i);
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
