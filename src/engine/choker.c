/*
 * Tit-for-tat choker (BEP 3 "choking and optimistic unchoking").  The only
 * state kept between rounds is which peer holds the optimistic slot.
 */
#include "choker.h"

#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "engine/peer.h"
#include "engine/rng.h"
#include "engine/wire.h"

struct choker {
	unsigned	slots;
	uint64_t	rng;
	uint32_t	optimistic;	/* peer id */
	int		has_optimistic;
};

struct choker *
choker_new(unsigned slots, uint64_t rng_seed)
{
	struct choker	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->slots = slots;
	c->rng = rng_seed;
	return c;
}

void
choker_free(struct choker *c)
{
	free(c);
}

void
choker_set_slots(struct choker *c, unsigned slots)
{
	c->slots = slots;
}

static void
set_choke(struct peer *p, int choke)
{
	size_t	i;

	if (p->am_choking == choke)
		return;
	p->am_choking = choke;
	if (wire_put_simple(&p->out, choke ? WIRE_CHOKE : WIRE_UNCHOKE) !=
	    BT_OK)
		peer_kill(p, "output buffer full");
	if (!choke)
		return;
	/* BEP 3: a choke drops its requests.  BEP 6: not silently; each
	 * one is rejected, since the choke no longer cancels them. */
	if (p->ext_flags & WIRE_F_FAST)
		for (i = 0; i < p->ntheirs; i++)
			(void)wire_put_reject(&p->out, p->theirs[i].piece,
			    p->theirs[i].begin, p->theirs[i].length);
	p->ntheirs = 0;
}

struct ranked {
	struct peer	*p;
	uint64_t	 bps;
};

static int
by_rate_desc(const void *a, const void *b)
{
	const struct ranked	*x = a, *y = b;

	return x->bps < y->bps ? 1 : x->bps > y->bps ? -1 : 0;
}

static int
eligible(const struct peer *p)
{
	return p->state == PEER_ACTIVE && p->peer_interested;
}

static struct peer *
pick_optimistic(struct choker *c, struct peer **peers, size_t n,
    uint64_t now_ms)
{
	uint64_t	total = 0, pick;
	size_t		i;
	unsigned	w;

	/* Weighted draw among choked, interested peers: new ones count 3x. */
	for (i = 0; i < n; i++)
		if (eligible(peers[i]) && peers[i]->am_choking)
			total += now_ms - peers[i]->connected_ms <
			    CHOKER_NEW_PEER_MS ? 3 : 1;
	if (total == 0)
		return NULL;
	pick = rng_next(&c->rng) % total;
	for (i = 0; i < n; i++) {
		if (!eligible(peers[i]) || !peers[i]->am_choking)
			continue;
		w = now_ms - peers[i]->connected_ms < CHOKER_NEW_PEER_MS ?
		    3 : 1;
		if (pick < w)
			return peers[i];
		pick -= w;
	}
	return NULL;
}

void
choker_round(struct choker *c, struct peer **peers, size_t n, int seeding,
    int rotate, uint64_t now_ms)
{
	struct ranked	*r;
	struct peer	*opt;
	size_t		 i, nr = 0, unchoked = 0;

	if (n == 0 || (r = calloc(n, sizeof(*r))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		if (!eligible(peers[i]) || (!seeding && peers[i]->snubbed))
			continue;
		r[nr].p = peers[i];
		r[nr].bps = rate_bps(seeding ? &peers[i]->up :
		    &peers[i]->down, now_ms);
		nr++;
	}
	qsort(r, nr, sizeof(*r), by_rate_desc);
	for (i = 0; i < n; i++)
		peers[i]->choker_mark = 0;
	for (i = 0; i < nr && unchoked < c->slots; i++, unchoked++)
		r[i].p->choker_mark = 1;
	free(r);
	for (i = 0; i < n; i++) {
		if (c->has_optimistic && peers[i]->id == c->optimistic &&
		    !rotate && eligible(peers[i]))
			peers[i]->choker_mark = 1;
		if (peers[i]->state == PEER_ACTIVE)
			set_choke(peers[i], !peers[i]->choker_mark);
	}
	if (rotate || !c->has_optimistic) {
		c->has_optimistic = 0;
		if ((opt = pick_optimistic(c, peers, n, now_ms)) != NULL) {
			c->optimistic = opt->id;
			c->has_optimistic = 1;
			set_choke(opt, 0);
		}
	}
}

void
choker_on_interested(struct choker *c, struct peer **peers, size_t n,
    struct peer *p)
{
	size_t	i, unchoked = 0;

	if (!p->am_choking)
		return;
	for (i = 0; i < n; i++)
		if (peers[i]->state == PEER_ACTIVE && !peers[i]->am_choking)
			unchoked++;
	if (unchoked < c->slots + 1)
		set_choke(p, 0);
}

void
choker_refill(struct choker *c, struct peer **peers, size_t n, int seeding,
    uint64_t now_ms)
{
	struct peer	*best;
	uint64_t	 bps, best_bps;
	size_t		 i, unchoked = 0;

	for (i = 0; i < n; i++)
		if (eligible(peers[i]) && !peers[i]->am_choking)
			unchoked++;
	while (unchoked < c->slots + 1) {
		best = NULL;
		best_bps = 0;
		for (i = 0; i < n; i++) {
			if (!eligible(peers[i]) || !peers[i]->am_choking ||
			    (!seeding && peers[i]->snubbed))
				continue;
			bps = rate_bps(seeding ? &peers[i]->up :
			    &peers[i]->down, now_ms);
			if (best == NULL || bps > best_bps) {
				best = peers[i];
				best_bps = bps;
			}
		}
		if (best == NULL)
			return;
		set_choke(best, 0);
		unchoked++;
	}
}

void
choker_on_not_interested(struct choker *c, struct peer **peers, size_t n,
    struct peer *p, int seeding, uint64_t now_ms)
{
	if (p->am_choking)
		return;
	set_choke(p, 1);
	if (choker_is_optimistic(c, p))
		c->has_optimistic = 0;
	choker_refill(c, peers, n, seeding, now_ms);
}

int
choker_is_optimistic(const struct choker *c, const struct peer *p)
{
	return c->has_optimistic && c->optimistic == p->id;
}

void
choker_peer_gone(struct choker *c, const struct peer *p)
{
	if (c->has_optimistic && c->optimistic == p->id)
		c->has_optimistic = 0;
}
