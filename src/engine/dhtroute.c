/*
 * dhtroute: the BEP 5 routing table (see dhtroute.h).  Buckets live in
 * one array that grows as the last bucket (the one holding our id) splits;
 * bucket i < nb - 1 holds the ids sharing exactly i leading bits with
 * ours, bucket nb - 1 those sharing nb - 1 or more.  An id is in at most
 * one place (a bucket or its replacements) and an address too.
 */
#include "engine/dhtroute.h"

#include <stdlib.h>
#include <string.h>

#include "engine/rng.h"
#include "ipc/err.h"

enum {
	E_ANSWERED = 1 << 0,	/* answered_ms is set */
	E_QUERIED = 1 << 1,	/* queried_ms is set */
	E_PINGED = 1 << 2,	/* pinged_ms is set */
};

struct entry {
	uint8_t		id[DHTROUTE_ID_LEN];
	struct caddr	addr;
	uint64_t	answered_ms;	/* last answer to one of our queries */
	uint64_t	queried_ms;	/* last query it sent us */
	uint64_t	pinged_ms;	/* last time we asked for a ping */
	uint8_t		flags;
	uint8_t		fails;		/* our queries unanswered in a row */
};

struct bucket {
	struct entry	nodes[DHTROUTE_K];
	size_t		n;
	struct entry	repl[DHTROUTE_REPL];
	size_t		nrepl;
	uint64_t	changed_ms;	/* BEP 5 "last changed" */
	int		due;		/* refresh now (dhtroute_refresh_all) */
};

struct dhtroute {
	uint8_t		self[DHTROUTE_ID_LEN];
	int		family;
	struct bucket	*b;
	size_t		nb, cap;
};

/* Where an entry is: bucket, list (0 nodes, 1 replacements), index. */
struct where {
	size_t	bi;
	int	repl;
	size_t	i;
};

unsigned
dhtroute_prefix_len(const uint8_t a[DHTROUTE_ID_LEN],
    const uint8_t b[DHTROUTE_ID_LEN])
{
	size_t	i;

	for (i = 0; i < DHTROUTE_ID_LEN; i++)
		if (a[i] != b[i])
			return (unsigned)(i * 8 +
			    (unsigned)__builtin_clz((unsigned)(a[i] ^ b[i])) -
			    (8 * sizeof(unsigned) - 8));
	return 8 * DHTROUTE_ID_LEN;
}

int
dhtroute_closer(const uint8_t target[DHTROUTE_ID_LEN],
    const uint8_t a[DHTROUTE_ID_LEN], const uint8_t b[DHTROUTE_ID_LEN])
{
	size_t	i;
	uint8_t	da, db;

	for (i = 0; i < DHTROUTE_ID_LEN; i++) {
		da = a[i] ^ target[i];
		db = b[i] ^ target[i];
		if (da != db)
			return da < db ? -1 : 1;
	}
	return 0;
}

static int
since(uint64_t now_ms, uint64_t then_ms, uint64_t span_ms)
{
	/* a clock that went back counts as no time elapsed */
	return now_ms < then_ms || now_ms - then_ms < span_ms;
}

static int
entry_state(const struct entry *e, uint64_t now_ms)
{
	if (e->fails >= DHTROUTE_MAX_FAILS)
		return DHTROUTE_BAD;
	if (((e->flags & E_ANSWERED) &&
	    since(now_ms, e->answered_ms, DHTROUTE_GOOD_MS)) ||
	    ((e->flags & E_QUERIED) &&
	    since(now_ms, e->queried_ms, DHTROUTE_GOOD_MS)))
		return DHTROUTE_GOOD;
	return DHTROUTE_QUESTIONABLE;
}

/* When we last heard from it; 0 for never. */
static uint64_t
entry_seen_ms(const struct entry *e)
{
	uint64_t	t = 0;

	if ((e->flags & E_ANSWERED) && e->answered_ms > t)
		t = e->answered_ms;
	if ((e->flags & E_QUERIED) && e->queried_ms > t)
		t = e->queried_ms;
	return t;
}

static void
entry_touch(struct entry *e, int how, uint64_t now_ms)
{
	if (how == DHTROUTE_ANSWERED) {
		e->answered_ms = now_ms;
		e->flags |= E_ANSWERED;
		e->fails = 0;
	} else if (how == DHTROUTE_QUERIED) {
		e->queried_ms = now_ms;
		e->flags |= E_QUERIED;
	}
}

static void
node_copy(struct dhtroute_node *out, const struct entry *e, uint64_t now_ms)
{
	memcpy(out->id, e->id, DHTROUTE_ID_LEN);
	out->addr = e->addr;
	out->state = entry_state(e, now_ms);
}

struct dhtroute *
dhtroute_new(const uint8_t self[DHTROUTE_ID_LEN], int family,
    uint64_t now_ms)
{
	struct dhtroute	*rt;

	if (family != AF_INET && family != AF_INET6)
		return NULL;
	if ((rt = calloc(1, sizeof(*rt))) == NULL)
		return NULL;
	if ((rt->b = calloc(1, sizeof(*rt->b))) == NULL) {
		free(rt);
		return NULL;
	}
	memcpy(rt->self, self, DHTROUTE_ID_LEN);
	rt->family = family;
	rt->nb = rt->cap = 1;
	rt->b[0].changed_ms = now_ms;
	return rt;
}

void
dhtroute_free(struct dhtroute *rt)
{
	if (rt == NULL)
		return;
	free(rt->b);
	free(rt);
}

static size_t
bucket_index(const struct dhtroute *rt, const uint8_t id[DHTROUTE_ID_LEN])
{
	size_t	cpl = dhtroute_prefix_len(rt->self, id);

	return cpl < rt->nb - 1 ? cpl : rt->nb - 1;
}

static struct entry *
entry_at(struct dhtroute *rt, const struct where *w)
{
	struct bucket	*b = &rt->b[w->bi];

	return w->repl ? &b->repl[w->i] : &b->nodes[w->i];
}

/* An id is only ever in the bucket its distance names. */
static int
find_id(const struct dhtroute *rt, const uint8_t id[DHTROUTE_ID_LEN],
    struct where *w)
{
	const struct bucket	*b;
	size_t			 i;

	w->bi = bucket_index(rt, id);
	b = &rt->b[w->bi];
	for (i = 0; i < b->n; i++)
		if (memcmp(b->nodes[i].id, id, DHTROUTE_ID_LEN) == 0) {
			w->repl = 0;
			w->i = i;
			return 1;
		}
	for (i = 0; i < b->nrepl; i++)
		if (memcmp(b->repl[i].id, id, DHTROUTE_ID_LEN) == 0) {
			w->repl = 1;
			w->i = i;
			return 1;
		}
	return 0;
}

static int
find_addr(const struct dhtroute *rt, const struct caddr *addr,
    struct where *w)
{
	const struct bucket	*b;
	size_t			 bi, i;

	for (bi = 0; bi < rt->nb; bi++) {
		b = &rt->b[bi];
		for (i = 0; i < b->n; i++)
			if (caddr_equal(&b->nodes[i].addr, addr)) {
				*w = (struct where){ bi, 0, i };
				return 1;
			}
		for (i = 0; i < b->nrepl; i++)
			if (caddr_equal(&b->repl[i].addr, addr)) {
				*w = (struct where){ bi, 1, i };
				return 1;
			}
	}
	return 0;
}

static void
remove_at(struct dhtroute *rt, const struct where *w)
{
	struct bucket	*b = &rt->b[w->bi];

	if (w->repl)
		b->repl[w->i] = b->repl[--b->nrepl];
	else
		b->nodes[w->i] = b->nodes[--b->n];
}

/* The replacement heard from last (good ones only when asked), or -1. */
static int
best_repl(const struct bucket *b, uint64_t now_ms, int good_only)
{
	int	best = -1;
	size_t	i;

	for (i = 0; i < b->nrepl; i++) {
		if (entry_state(&b->repl[i], now_ms) == DHTROUTE_BAD ||
		    (good_only && entry_state(&b->repl[i], now_ms) !=
		    DHTROUTE_GOOD))
			continue;
		if (best < 0 || entry_seen_ms(&b->repl[i]) >
		    entry_seen_ms(&b->repl[best]))
			best = (int)i;
	}
	return best;
}

/* Moves replacement r into nodes slot `slot' (slot == n appends). */
static void
promote(struct bucket *b, size_t slot, size_t r, uint64_t now_ms)
{
	b->nodes[slot] = b->repl[r];
	if (slot == b->n)
		b->n++;
	b->repl[r] = b->repl[--b->nrepl];
	b->changed_ms = now_ms;
}

static void
fill_from_repl(struct bucket *b, uint64_t now_ms)
{
	int	r;

	while (b->n < DHTROUTE_K && (r = best_repl(b, now_ms, 0)) >= 0)
		promote(b, b->n, (size_t)r, now_ms);
}

/* Splits the last bucket: the ids sharing more than nb - 1 bits with ours
 * move to a new last bucket.  BT_ERR_NOMEM leaves the table as it was. */
static int
split_last(struct dhtroute *rt, uint64_t now_ms)
{
	struct bucket	*nb, *old;
	size_t		 i, k = rt->nb - 1;

	if (rt->nb == rt->cap) {
		size_t	cap = rt->cap * 2 > DHTROUTE_MAX_BUCKETS ?
			    DHTROUTE_MAX_BUCKETS : rt->cap * 2;

		if ((nb = realloc(rt->b, cap * sizeof(*nb))) == NULL)
			return BT_ERR_NOMEM;
		rt->b = nb;
		rt->cap = cap;
	}
	old = &rt->b[k];
	nb = &rt->b[k + 1];
	memset(nb, 0, sizeof(*nb));
	nb->changed_ms = now_ms;
	rt->nb++;
	for (i = 0; i < old->n; )
		if (dhtroute_prefix_len(rt->self, old->nodes[i].id) > k) {
			nb->nodes[nb->n++] = old->nodes[i];
			old->nodes[i] = old->nodes[--old->n];
		} else
			i++;
	for (i = 0; i < old->nrepl; )
		if (dhtroute_prefix_len(rt->self, old->repl[i].id) > k) {
			nb->repl[nb->nrepl++] = old->repl[i];
			old->repl[i] = old->repl[--old->nrepl];
		} else
			i++;
	fill_from_repl(old, now_ms);
	fill_from_repl(nb, now_ms);
	return BT_OK;
}

/* The least recently heard-from questionable node not asked for lately. */
static int
ping_candidate(struct bucket *b, uint64_t now_ms)
{
	int		 best = -1;
	size_t		 i;
	struct entry	*e;

	for (i = 0; i < b->n; i++) {
		e = &b->nodes[i];
		if (entry_state(e, now_ms) != DHTROUTE_QUESTIONABLE ||
		    ((e->flags & E_PINGED) &&
		    since(now_ms, e->pinged_ms, DHTROUTE_PING_GAP_MS)))
			continue;
		if (best < 0 || entry_seen_ms(e) <
		    entry_seen_ms(&b->nodes[best]))
			best = (int)i;
	}
	return best;
}

static int
add_repl(struct bucket *b, const struct entry *ne, uint64_t now_ms,
    struct dhtroute_node *ping_out)
{
	size_t	i, old = 0;
	int	p;

	if (b->nrepl < DHTROUTE_REPL)
		b->repl[b->nrepl++] = *ne;
	else {
		for (i = 1; i < b->nrepl; i++)
			if (entry_seen_ms(&b->repl[i]) <
			    entry_seen_ms(&b->repl[old]))
				old = i;
		b->repl[old] = *ne;
	}
	if ((p = ping_candidate(b, now_ms)) < 0)
		return DHTROUTE_REPLACEMENT;
	b->nodes[p].pinged_ms = now_ms;
	b->nodes[p].flags |= E_PINGED;
	if (ping_out != NULL)
		node_copy(ping_out, &b->nodes[p], now_ms);
	return DHTROUTE_PING;
}

static int
insert_new(struct dhtroute *rt, const struct entry *ne, uint64_t now_ms,
    struct dhtroute_node *ping_out)
{
	struct bucket	*b;
	size_t		 bi, i;

	for (;;) {
		bi = bucket_index(rt, ne->id);
		b = &rt->b[bi];
		if (b->n < DHTROUTE_K) {
			b->nodes[b->n++] = *ne;
			b->changed_ms = now_ms;
			return DHTROUTE_IN_TABLE;
		}
		if (bi != rt->nb - 1 || rt->nb >= DHTROUTE_MAX_BUCKETS ||
		    split_last(rt, now_ms) != BT_OK)
			break;
	}
	for (i = 0; i < b->n; i++)
		if (entry_state(&b->nodes[i], now_ms) == DHTROUTE_BAD) {
			b->nodes[i] = *ne;
			b->changed_ms = now_ms;
			return DHTROUTE_IN_TABLE;
		}
	return add_repl(b, ne, now_ms, ping_out);
}

int
dhtroute_seen(struct dhtroute *rt, const uint8_t id[DHTROUTE_ID_LEN],
    const struct caddr *addr, int how, uint64_t now_ms,
    struct dhtroute_node *ping_out)
{
	struct where	 wi, wa;
	struct entry	*e, ne;
	int		 have_id, have_addr;

	if (addr->family != rt->family || !caddr_usable(addr) ||
	    memcmp(id, rt->self, DHTROUTE_ID_LEN) == 0)
		return BT_ERR_INVALID;
	have_id = find_id(rt, id, &wi);
	have_addr = find_addr(rt, addr, &wa);
	if (have_addr && memcmp(entry_at(rt, &wa)->id, id,
	    DHTROUTE_ID_LEN) == 0)
		have_addr = 0;		/* that is the same node */
	if ((have_id && !caddr_equal(&entry_at(rt, &wi)->addr, addr) &&
	    entry_state(entry_at(rt, &wi), now_ms) == DHTROUTE_GOOD) ||
	    (have_addr &&
	    entry_state(entry_at(rt, &wa), now_ms) == DHTROUTE_GOOD))
		return BT_ERR_EXISTS;
	if (have_addr) {
		remove_at(rt, &wa);	/* may move entries: look again */
		if (!wa.repl)
			fill_from_repl(&rt->b[wa.bi], now_ms);
		have_id = find_id(rt, id, &wi);
	}
	if (have_id) {
		e = entry_at(rt, &wi);
		if (!caddr_equal(&e->addr, addr)) {
			/* a new address: what we knew was of the old one */
			e->addr = *addr;
			e->flags = 0;
			e->fails = 0;
		}
		entry_touch(e, how, now_ms);
		if (!wi.repl && how == DHTROUTE_ANSWERED)
			rt->b[wi.bi].changed_ms = now_ms;
		return wi.repl ? DHTROUTE_REPLACEMENT : DHTROUTE_IN_TABLE;
	}
	memset(&ne, 0, sizeof(ne));
	memcpy(ne.id, id, DHTROUTE_ID_LEN);
	ne.addr = *addr;
	entry_touch(&ne, how, now_ms);
	return insert_new(rt, &ne, now_ms, ping_out);
}

int
dhtroute_failed(struct dhtroute *rt, const uint8_t id[DHTROUTE_ID_LEN],
    const struct caddr *addr, uint64_t now_ms)
{
	struct where	 w;
	struct bucket	*b;
	struct entry	*e;
	int		 st, r;

	if (!find_id(rt, id, &w) || !caddr_equal(&entry_at(rt, &w)->addr,
	    addr))
		return BT_ERR_NOTFOUND;
	e = entry_at(rt, &w);
	b = &rt->b[w.bi];
	if (e->fails < UINT8_MAX)
		e->fails++;
	st = entry_state(e, now_ms);
	if (w.repl) {
		if (st == DHTROUTE_BAD)
			remove_at(rt, &w);
		return BT_OK;
	}
	if (st == DHTROUTE_BAD)
		r = best_repl(b, now_ms, 0);
	else if (st == DHTROUTE_QUESTIONABLE)
		r = best_repl(b, now_ms, 1);
	else
		r = -1;
	if (r >= 0)
		promote(b, w.i, (size_t)r, now_ms);
	return BT_OK;
}

size_t
dhtroute_closest(const struct dhtroute *rt,
    const uint8_t target[DHTROUTE_ID_LEN], uint64_t now_ms, int good_only,
    struct dhtroute_node *out, size_t max)
{
	const struct entry	*e;
	size_t			 bi, i, n = 0, at;
	int			 st;

	for (bi = 0; bi < rt->nb; bi++)
		for (i = 0; i < rt->b[bi].n; i++) {
			e = &rt->b[bi].nodes[i];
			st = entry_state(e, now_ms);
			if (st == DHTROUTE_BAD ||
			    (good_only && st != DHTROUTE_GOOD))
				continue;
			/* insertion into the sorted out[0..n) */
			for (at = n; at > 0 && dhtroute_closer(target, e->id,
			    out[at - 1].id) < 0; at--)
				if (at < max)
					out[at] = out[at - 1];
			if (at < max) {
				node_copy(&out[at], e, now_ms);
				if (n < max)
					n++;
			}
		}
	return n;
}

size_t
dhtroute_list(const struct dhtroute *rt, uint64_t now_ms, int good_only,
    struct dhtroute_node *out, size_t max)
{
	const struct entry	*e;
	size_t			 bi, i, n = 0;

	for (bi = 0; bi < rt->nb; bi++)
		for (i = 0; i < rt->b[bi].n && n < max; i++) {
			e = &rt->b[bi].nodes[i];
			if (good_only && entry_state(e, now_ms) !=
			    DHTROUTE_GOOD)
				continue;
			node_copy(&out[n++], e, now_ms);
		}
	return n;
}

/* A random id sharing exactly bi leading bits with ours (or at least bi
 * for the last bucket). */
static void
random_in_bucket(const struct dhtroute *rt, size_t bi, uint64_t *rng,
    uint8_t out[DHTROUTE_ID_LEN])
{
	size_t	i, whole = bi / 8;
	uint8_t	mask;

	for (i = 0; i < DHTROUTE_ID_LEN; i++)
		out[i] = (uint8_t)rng_next(rng);
	memcpy(out, rt->self, whole);
	if (whole < DHTROUTE_ID_LEN) {
		mask = (uint8_t)(0xff00u >> (bi % 8));	/* the bi % 8 top bits */
		out[whole] = (uint8_t)((rt->self[whole] & mask) |
		    (out[whole] & ~mask));
		if (bi != rt->nb - 1) {
			uint8_t	bit = (uint8_t)(0x80u >> (bi % 8));

			out[whole] = (uint8_t)((out[whole] & ~bit) |
			    (~rt->self[whole] & bit));
		}
	}
}

int
dhtroute_refresh(struct dhtroute *rt, uint64_t now_ms, uint64_t *rng,
    uint8_t target_out[DHTROUTE_ID_LEN])
{
	size_t	bi;

	for (bi = 0; bi < rt->nb; bi++) {
		if (!rt->b[bi].due && since(now_ms, rt->b[bi].changed_ms,
		    DHTROUTE_REFRESH_MS))
			continue;
		random_in_bucket(rt, bi, rng, target_out);
		rt->b[bi].changed_ms = now_ms;
		rt->b[bi].due = 0;
		return 1;
	}
	return 0;
}

void
dhtroute_refresh_all(struct dhtroute *rt)
{
	size_t	bi;

	for (bi = 0; bi + 1 < rt->nb; bi++)
		rt->b[bi].due = 1;
}

void
dhtroute_count(const struct dhtroute *rt, uint64_t now_ms,
    struct dhtroute_counts *out)
{
	size_t	bi, i;

	memset(out, 0, sizeof(*out));
	out->buckets = rt->nb;
	for (bi = 0; bi < rt->nb; bi++) {
		out->replacements += rt->b[bi].nrepl;
		for (i = 0; i < rt->b[bi].n; i++)
			switch (entry_state(&rt->b[bi].nodes[i], now_ms)) {
			case DHTROUTE_GOOD:
				out->good++;
				break;
			case DHTROUTE_QUESTIONABLE:
				out->questionable++;
				break;
			default:
				out->bad++;
				break;
			}
	}
}
