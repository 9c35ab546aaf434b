/*
 * test_dhtroute: the BEP 5 routing table.  Splitting only on our side,
 * replacement of bad and failing questionable nodes, node states over
 * time, refusals, the closest-K against a brute-force sort on seeded
 * random tables, refresh targets, and the bounds under any input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/dhtroute.h"
#include "engine/rng.h"
#include "ipc/err.h"

#define MIN_MS	(60u * 1000)

static uint64_t
test_seed(void)
{
	const char	*e = getenv("TEST_SEED");
	uint64_t	 seed = e != NULL ? strtoull(e, NULL, 0) : 20240613;

	printf("dhtroute seed %llu (TEST_SEED)\n", (unsigned long long)seed);
	return seed;
}

/* A random id sharing exactly cpl leading bits with self (cpl < 160). */
static void
id_at(uint8_t out[20], const uint8_t self[20], unsigned cpl, uint64_t *rng)
{
	unsigned	i;

	for (i = 0; i < 20; i++)
		out[i] = (uint8_t)rng_next(rng);
	for (i = 0; i < cpl; i++) {
		uint8_t	bit = (uint8_t)(0x80u >> (i % 8));

		out[i / 8] = (uint8_t)((out[i / 8] & ~bit) |
		    (self[i / 8] & bit));
	}
	out[cpl / 8] ^= (uint8_t)((out[cpl / 8] ^ ~self[cpl / 8]) &
	    (0x80u >> (cpl % 8)));
}

static struct caddr
addr4(uint32_t n)
{
	struct caddr	a;

	memset(&a, 0, sizeof(a));
	a.family = AF_INET;
	a.ip[0] = 10;
	a.ip[1] = (uint8_t)(n >> 16);
	a.ip[2] = (uint8_t)(n >> 8);
	a.ip[3] = (uint8_t)n;
	a.port = 6881;
	return a;
}

static int
state_of(const struct dhtroute *rt, const uint8_t id[20], uint64_t now)
{
	struct dhtroute_node	all[DHTROUTE_MAX_BUCKETS * DHTROUTE_K];
	size_t			n, i;

	n = dhtroute_list(rt, now, 0, all, sizeof(all) / sizeof(all[0]));
	for (i = 0; i < n; i++)
		if (memcmp(all[i].id, id, 20) == 0)
			return all[i].state;
	return -1;			/* not in a bucket */
}

static void
test_metric(void **state)
{
	static const struct {
		uint8_t		a0, a19, b0, b19;
		unsigned	cpl;
	} cases[] = {
		{ 0x00, 0x00, 0x00, 0x00, 160 },
		{ 0x80, 0x00, 0x00, 0x00, 0 },
		{ 0x40, 0x00, 0x00, 0x00, 1 },
		{ 0x01, 0x00, 0x00, 0x00, 7 },
		{ 0x00, 0x01, 0x00, 0x00, 159 },
		{ 0x00, 0x80, 0x00, 0x00, 152 },
		{ 0xff, 0x00, 0xfe, 0x00, 7 },
	};
	uint8_t	a[20], b[20], t[20];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(a, 0, 20);
		memset(b, 0, 20);
		a[0] = cases[i].a0;
		a[19] = cases[i].a19;
		b[0] = cases[i].b0;
		b[19] = cases[i].b19;
		if (dhtroute_prefix_len(a, b) != cases[i].cpl)
			fail_msg("case %zu: prefix %u, want %u", i,
			    dhtroute_prefix_len(a, b), cases[i].cpl);
	}
	/* closer: XOR, not numeric distance */
	memset(t, 0, 20);
	memset(a, 0, 20);
	memset(b, 0, 20);
	t[0] = 0x80;
	a[0] = 0xff;		/* t^a = 0x7f */
	b[0] = 0x00;		/* t^b = 0x80 */
	assert_true(dhtroute_closer(t, a, b) < 0);
	assert_true(dhtroute_closer(t, b, a) > 0);
	assert_int_equal(dhtroute_closer(t, a, a), 0);
}

static void
test_refused(void **state)
{
	uint8_t			self[20] = { 0 }, id[20], id2[20];
	uint64_t		rng = 7;
	struct dhtroute		*rt, *rt6;
	struct caddr		a = addr4(1), bad;
	struct dhtroute_counts	c;
	static const struct {
		const char	*name;
		uint8_t		 ip0;
		uint16_t	 port;
	} unusable[] = {
		{ "port 0", 10, 0 },
		{ "0.0.0.0/8", 0, 6881 },
		{ "multicast", 224, 6881 },
		{ "broadcast", 255, 6881 },
	};
	size_t			i;

	(void)state;
	assert_non_null(rt = dhtroute_new(self, AF_INET, 0));
	assert_null(dhtroute_new(self, AF_UNIX, 0));
	assert_int_equal(dhtroute_seen(rt, self, &a, DHTROUTE_ANSWERED, 0,
	    NULL), BT_ERR_INVALID);
	id_at(id, self, 0, &rng);
	for (i = 0; i < sizeof(unusable) / sizeof(unusable[0]); i++) {
		bad = addr4(5);
		bad.ip[0] = unusable[i].ip0;
		bad.port = unusable[i].port;
		if (dhtroute_seen(rt, id, &bad, DHTROUTE_QUERIED, 0, NULL) !=
		    BT_ERR_INVALID)
			fail_msg("%s accepted", unusable[i].name);
	}
	/* another family */
	memset(&bad, 0, sizeof(bad));
	bad.family = AF_INET6;
	bad.ip[15] = 1;
	bad.port = 1;
	assert_int_equal(dhtroute_seen(rt, id, &bad, DHTROUTE_QUERIED, 0,
	    NULL), BT_ERR_INVALID);
	assert_non_null(rt6 = dhtroute_new(self, AF_INET6, 0));
	assert_int_equal(dhtroute_seen(rt6, id, &a, DHTROUTE_QUERIED, 0,
	    NULL), BT_ERR_INVALID);
	assert_int_equal(dhtroute_seen(rt6, id, &bad, DHTROUTE_QUERIED, 0,
	    NULL), DHTROUTE_IN_TABLE);
	dhtroute_free(rt6);

	/* the same id at a new address, the same address under a new id:
	 * refused while the node we know is good */
	assert_int_equal(dhtroute_seen(rt, id, &a, DHTROUTE_ANSWERED, 0,
	    NULL), DHTROUTE_IN_TABLE);
	assert_int_equal(dhtroute_seen(rt, id, &a, DHTROUTE_ANSWERED, 1,
	    NULL), DHTROUTE_IN_TABLE);	/* an update, not a duplicate */
	bad = addr4(2);
	assert_int_equal(dhtroute_seen(rt, id, &bad, DHTROUTE_ANSWERED, 2,
	    NULL), BT_ERR_EXISTS);
	id_at(id2, self, 3, &rng);
	assert_int_equal(dhtroute_seen(rt, id2, &a, DHTROUTE_ANSWERED, 2,
	    NULL), BT_ERR_EXISTS);
	dhtroute_count(rt, 2, &c);
	assert_int_equal(c.good, 1);
	/* once it is bad, the newcomer takes over */
	for (i = 0; i < DHTROUTE_MAX_FAILS; i++)
		assert_int_equal(dhtroute_failed(rt, id, &a, 3), BT_OK);
	assert_int_equal(state_of(rt, id, 3), DHTROUTE_BAD);
	assert_int_equal(dhtroute_seen(rt, id, &bad, DHTROUTE_ANSWERED, 4,
	    NULL), DHTROUTE_IN_TABLE);
	assert_int_equal(state_of(rt, id, 4), DHTROUTE_GOOD);
	/* and the old address is free for another id once not good */
	assert_int_equal(dhtroute_seen(rt, id2, &a, DHTROUTE_QUERIED, 5,
	    NULL), DHTROUTE_IN_TABLE);
	assert_int_equal(dhtroute_failed(rt, id2, &bad, 5), BT_ERR_NOTFOUND);
	assert_int_equal(dhtroute_seen(rt, id2, &bad, DHTROUTE_QUERIED, 6,
	    NULL), BT_ERR_EXISTS);	/* bad is id's, which is good */
	dhtroute_count(rt, 6, &c);
	assert_int_equal(c.good, 2);
	dhtroute_free(rt);
	dhtroute_free(NULL);
}

static void
test_split(void **state)
{
	uint8_t			self[20], id[20];
	uint64_t		rng = 11;
	struct dhtroute		*rt;
	struct dhtroute_counts	c;
	uint32_t		n = 1;
	size_t			i;
	static const struct {
		unsigned	cpl;		/* nodes added at this distance */
		size_t		count;
		size_t		want_buckets;
		size_t		want_in_table;	/* in buckets, all so far */
		size_t		want_repl;
	} steps[] = {
		/* 8 far nodes fit the one bucket */
		{ 0, 8, 1, 8, 0 },
		/* a 9th far node splits (our half gets its own bucket) but
		 * the far half stays full: a replacement */
		{ 0, 1, 2, 8, 1 },
		/* far nodes never split again */
		{ 0, 10, 2, 8, 4 },
		/* our half fills, then splits once more */
		{ 1, 8, 2, 16, 4 },
		{ 1, 1, 3, 16, 5 },
		/* a node 20 bits from us splits down to its bucket */
		{ 20, 1, 3, 17, 5 },
		{ 10, 8, 12, 25, 5 },
		{ 20, 7, 12, 32, 5 },
		/* past its 8 ids at 20 bits, it splits to 21 buckets and
		 * more, but no bucket of ours ever holds more than 8 */
		{ 20, 1, 22, 32, 6 },
	};

	(void)state;
	memset(self, 0x5a, 20);
	assert_non_null(rt = dhtroute_new(self, AF_INET, 0));
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		size_t	k;

		for (k = 0; k < steps[i].count; k++) {
			struct caddr	a = addr4(n++);

			id_at(id, self, steps[i].cpl, &rng);
			assert_true(dhtroute_seen(rt, id, &a,
			    DHTROUTE_QUERIED, 1, NULL) >= 0);
		}
		dhtroute_count(rt, 1, &c);
		if (c.buckets != steps[i].want_buckets ||
		    c.good != steps[i].want_in_table ||
		    c.replacements != steps[i].want_repl)
			fail_msg("step %zu: %zu buckets %zu nodes %zu repl, "
			    "want %zu %zu %zu", i, c.buckets, c.good,
			    c.replacements, steps[i].want_buckets,
			    steps[i].want_in_table, steps[i].want_repl);
	}
	dhtroute_free(rt);
}

static void
test_replacement(void **state)
{
	uint8_t			self[20] = { 0 }, ids[DHTROUTE_K][20];
	uint8_t			id[20], id2[20];
	uint64_t		rng = 3, t;
	struct dhtroute		*rt;
	struct dhtroute_node	ping, near[DHTROUTE_K + 4];
	struct dhtroute_counts	c;
	struct caddr		a;
	size_t			i, n;

	(void)state;
	assert_non_null(rt = dhtroute_new(self, AF_INET, 0));
	/* make bucket 0 a far bucket: split once with a near node */
	id_at(id, self, 100, &rng);
	a = addr4(1000);
	assert_int_equal(dhtroute_seen(rt, id, &a, DHTROUTE_ANSWERED, 0,
	    NULL), DHTROUTE_IN_TABLE);
	for (i = 0; i < DHTROUTE_K; i++) {
		a = addr4((uint32_t)i + 1);
		id_at(ids[i], self, 0, &rng);
		/* node 5 is the least recently seen */
		assert_int_equal(dhtroute_seen(rt, ids[i], &a,
		    DHTROUTE_ANSWERED, i == 5 ? 0 : 10, NULL),
		    DHTROUTE_IN_TABLE);
	}
	/* all good: a newcomer waits, nothing to ping */
	id_at(id, self, 0, &rng);
	a = addr4(100);
	assert_int_equal(dhtroute_seen(rt, id, &a, DHTROUTE_QUERIED, 20,
	    NULL), DHTROUTE_REPLACEMENT);
	/* 15 min later they are questionable: the oldest is to be pinged */
	t = DHTROUTE_GOOD_MS + 5;
	assert_int_equal(state_of(rt, ids[5], t), DHTROUTE_QUESTIONABLE);
	assert_int_equal(dhtroute_seen(rt, id, &a, DHTROUTE_QUERIED, t,
	    &ping), DHTROUTE_REPLACEMENT);	/* known: no second ask */
	id_at(id2, self, 0, &rng);
	a = addr4(101);
	memset(&ping, 0, sizeof(ping));
	assert_int_equal(dhtroute_seen(rt, id2, &a, DHTROUTE_QUERIED, t + 1,
	    &ping), DHTROUTE_PING);
	assert_memory_equal(ping.id, ids[5], 20);
	assert_int_equal(ping.state, DHTROUTE_QUESTIONABLE);
	/* the ping fails: the most recently seen good replacement (id2)
	 * takes node 5's place */
	assert_int_equal(dhtroute_failed(rt, ping.id, &ping.addr, t + 5000),
	    BT_OK);
	assert_int_equal(state_of(rt, ids[5], t + 5000), -1);
	assert_int_equal(state_of(rt, id2, t + 5000), DHTROUTE_GOOD);
	/* the next newcomer is asked to ping another node, and one that
	 * answers stays */
	id_at(id2, self, 0, &rng);
	a = addr4(102);
	assert_int_equal(dhtroute_seen(rt, id2, &a, DHTROUTE_QUERIED,
	    t + 6000, &ping), DHTROUTE_PING);
	assert_memory_not_equal(ping.id, ids[5], 20);
	assert_int_equal(dhtroute_seen(rt, ping.id, &ping.addr,
	    DHTROUTE_ANSWERED, t + 7000, NULL), DHTROUTE_IN_TABLE);
	assert_int_equal(state_of(rt, ping.id, t + 7000), DHTROUTE_GOOD);
	/* a good node failing 3 times goes bad and the newest replacement
	 * takes its place; with none waiting, the bad one stays until a
	 * newcomer replaces it */
	for (i = 0; i < DHTROUTE_MAX_FAILS; i++)
		assert_int_equal(dhtroute_failed(rt, ping.id, &ping.addr,
		    t + 8000), BT_OK);
	assert_int_equal(state_of(rt, ping.id, t + 8000), -1);
	assert_int_equal(state_of(rt, id2, t + 8000), DHTROUTE_GOOD);
	dhtroute_count(rt, t + 8000, &c);
	assert_int_equal(c.replacements, 1);	/* id (addr 100) left */
	n = dhtroute_closest(rt, self, t + 8000, 0, near,
	    sizeof(near) / sizeof(near[0]));
	assert_int_equal(n, DHTROUTE_K + 1);
	dhtroute_free(rt);
}

static void
test_states(void **state)
{
	enum { SEEN_A, SEEN_Q, FAIL };
	static const struct {
		int		op;
		uint64_t	t;
		int		want;
	} steps[] = {
		{ SEEN_A, 0, DHTROUTE_GOOD },
		{ SEEN_A, DHTROUTE_GOOD_MS - 1, DHTROUTE_GOOD },
		{ FAIL, DHTROUTE_GOOD_MS, DHTROUTE_GOOD },
		{ FAIL, 2 * DHTROUTE_GOOD_MS - 1, DHTROUTE_QUESTIONABLE },
		{ SEEN_Q, 2 * DHTROUTE_GOOD_MS, DHTROUTE_GOOD },
		{ FAIL, 2 * DHTROUTE_GOOD_MS, DHTROUTE_BAD },	/* 3rd */
		{ SEEN_Q, 2 * DHTROUTE_GOOD_MS, DHTROUTE_BAD },	/* still */
		{ SEEN_A, 2 * DHTROUTE_GOOD_MS, DHTROUTE_GOOD },
		{ FAIL, 2 * DHTROUTE_GOOD_MS, DHTROUTE_GOOD },
		{ FAIL, 2 * DHTROUTE_GOOD_MS, DHTROUTE_GOOD },
		{ SEEN_A, 2 * DHTROUTE_GOOD_MS, DHTROUTE_GOOD },	/* reset */
		{ FAIL, 2 * DHTROUTE_GOOD_MS, DHTROUTE_GOOD },
		{ FAIL, 4 * DHTROUTE_GOOD_MS, DHTROUTE_QUESTIONABLE },
	};
	uint8_t		self[20] = { 1 }, id[20];
	uint64_t	rng = 5;
	struct dhtroute	*rt;
	struct caddr	a = addr4(9);
	size_t		i;
	int		r;

	(void)state;
	assert_non_null(rt = dhtroute_new(self, AF_INET, 0));
	id_at(id, self, 4, &rng);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].op == FAIL)
			r = dhtroute_failed(rt, id, &a, steps[i].t);
		else
			r = dhtroute_seen(rt, id, &a, steps[i].op == SEEN_A ?
			    DHTROUTE_ANSWERED : DHTROUTE_QUERIED, steps[i].t,
			    NULL);
		assert_true(r >= 0);
		if (state_of(rt, id, steps[i].t) != steps[i].want)
			fail_msg("step %zu: state %d, want %d", i,
			    state_of(rt, id, steps[i].t), steps[i].want);
	}
	/* a node we were only told of is questionable, and the good-only
	 * lists leave it out */
	{
		uint8_t			id2[20];
		struct caddr		b = addr4(10);
		struct dhtroute_node	out[4];

		id_at(id2, self, 4, &rng);
		assert_int_equal(dhtroute_seen(rt, id2, &b, DHTROUTE_HEARD,
		    0, NULL), DHTROUTE_IN_TABLE);
		assert_int_equal(state_of(rt, id2, 0), DHTROUTE_QUESTIONABLE);
		assert_int_equal(dhtroute_list(rt, 0, 1, out, 4), 1);
		assert_int_equal(dhtroute_closest(rt, id2, 0, 1, out, 4), 1);
		assert_int_equal(dhtroute_closest(rt, id2, 0, 0, out, 4), 2);
		assert_memory_equal(out[0].id, id2, 20);
	}
	dhtroute_free(rt);
}

static const uint8_t	*sort_target;	/* qsort has no argument */

static int
cmp_dist(const void *a, const void *b)
{
	const struct dhtroute_node	*x = a, *y = b;

	return dhtroute_closer(sort_target, x->id, y->id);
}

static void
test_closest_brute(void **state)
{
	static struct dhtroute_node	all[DHTROUTE_MAX_BUCKETS * DHTROUTE_K];
	static struct dhtroute_node	want[DHTROUTE_MAX_BUCKETS * DHTROUTE_K];
	struct dhtroute_node		got[16];
	uint8_t				self[20], id[20], target[20];
	uint64_t			seed = test_seed(), rng = seed;
	uint64_t			now = 3 * DHTROUTE_GOOD_MS;
	struct dhtroute			*rt;
	size_t				i, k, n, nw, ng, max;
	int				good_only, round;

	(void)state;
	for (round = 0; round < 20; round++) {
		for (i = 0; i < 20; i++)
			self[i] = (uint8_t)rng_next(&rng);
		assert_non_null(rt = dhtroute_new(self, AF_INET, 0));
		for (i = 0; i < 3000; i++) {
			struct caddr	a = addr4((uint32_t)i + 1);
			uint64_t	t = rng_below(&rng, (uint32_t)now);

			/* mostly random ids, some near us to split deep */
			id_at(id, self, rng_below(&rng, 4) == 0 ?
			    rng_below(&rng, 40) : rng_below(&rng, 3), &rng);
			(void)dhtroute_seen(rt, id, &a, (int)rng_below(&rng,
			    3), t, NULL);
			if (rng_below(&rng, 10) == 0)
				for (k = 0; k < DHTROUTE_MAX_FAILS; k++)
					(void)dhtroute_failed(rt, id, &a, t);
		}
		n = dhtroute_list(rt, now, 0, all, sizeof(all) /
		    sizeof(all[0]));
		for (k = 0; k < 50; k++) {
			for (i = 0; i < 20; i++)
				target[i] = (uint8_t)rng_next(&rng);
			if (k % 5 == 0)
				memcpy(target, all[rng_below(&rng,
				    (uint32_t)n)].id, 20);
			good_only = (int)(k & 1);
			max = 1 + rng_below(&rng, 16);
			for (i = nw = 0; i < n; i++)
				if (all[i].state != DHTROUTE_BAD &&
				    (!good_only ||
				    all[i].state == DHTROUTE_GOOD))
					want[nw++] = all[i];
			sort_target = target;
			qsort(want, nw, sizeof(want[0]), cmp_dist);
			ng = dhtroute_closest(rt, target, now, good_only, got,
			    max);
			if (ng != (nw < max ? nw : max))
				fail_msg("seed %llu round %d: %zu nodes, "
				    "want %zu", (unsigned long long)seed,
				    round, ng, nw < max ? nw : max);
			for (i = 0; i < ng; i++)
				if (memcmp(got[i].id, want[i].id, 20) != 0)
					fail_msg("seed %llu round %d: node %zu "
					    "differs", (unsigned long long)seed,
					    round, i);
		}
		dhtroute_free(rt);
	}
}

static void
test_bounds(void **state)
{
	uint8_t			self[20], id[20];
	uint64_t		rng = 99;
	struct dhtroute		*rt;
	struct dhtroute_counts	c;
	uint32_t		n = 1;
	unsigned		cpl, k;

	(void)state;
	memset(self, 0xc3, 20);
	assert_non_null(rt = dhtroute_new(self, AF_INET, 0));
	/* 20 nodes at every distance, then 20000 random ones */
	for (cpl = 0; cpl < 160; cpl++)
		for (k = 0; k < 20; k++) {
			struct caddr	a = addr4(n++);

			int		r;

			/* few ids are that near: EXISTS for repeats */
			id_at(id, self, cpl, &rng);
			r = dhtroute_seen(rt, id, &a, DHTROUTE_QUERIED, k,
			    NULL);
			assert_true(r >= 0 || r == BT_ERR_EXISTS);
		}
	for (k = 0; k < 20000; k++) {
		struct caddr	a = addr4(n++);

		for (cpl = 0; cpl < 20; cpl++)
			id[cpl] = (uint8_t)rng_next(&rng);
		(void)dhtroute_seen(rt, id, &a, DHTROUTE_QUERIED, k, NULL);
	}
	dhtroute_count(rt, k, &c);
	/* the last splits stop where fewer than 8 ids share our prefix */
	assert_true(c.buckets >= 150 && c.buckets <= DHTROUTE_MAX_BUCKETS);
	assert_true(c.good + c.questionable + c.bad <=
	    DHTROUTE_MAX_BUCKETS * DHTROUTE_K);
	assert_true(c.replacements <= DHTROUTE_MAX_BUCKETS * DHTROUTE_REPL);
	assert_true(c.good >= 150 * DHTROUTE_K);
	dhtroute_free(rt);
}

static void
test_refresh(void **state)
{
	uint8_t			self[20], id[20], target[20];
	uint64_t		rng = 42;
	struct dhtroute		*rt;
	struct dhtroute_counts	c;
	unsigned		seen[8] = { 0 }, cpl;
	uint32_t		n = 1;
	size_t			i, k;

	(void)state;
	memset(self, 0x33, 20);
	assert_non_null(rt = dhtroute_new(self, AF_INET, 1000));
	assert_int_equal(dhtroute_refresh(rt, 1000 + DHTROUTE_REFRESH_MS - 1,
	    &rng, target), 0);
	assert_int_equal(dhtroute_refresh(rt, 1000 + DHTROUTE_REFRESH_MS,
	    &rng, target), 1);
	assert_int_equal(dhtroute_refresh(rt, 1000 + DHTROUTE_REFRESH_MS,
	    &rng, target), 0);
	/* 4 buckets (distances 0, 1, 2 and 3+), filled at t=0 */
	for (cpl = 0; cpl < 4; cpl++)
		for (k = 0; k < DHTROUTE_K; k++) {
			struct caddr	a = addr4(n++);

			id_at(id, self, cpl, &rng);
			(void)dhtroute_seen(rt, id, &a, DHTROUTE_ANSWERED,
			    2 * DHTROUTE_REFRESH_MS, NULL);
		}
	dhtroute_count(rt, 0, &c);
	assert_int_equal(c.buckets, 4);
	/* every bucket is stale once, with a target in its range */
	for (i = 0; i < c.buckets; i++) {
		assert_int_equal(dhtroute_refresh(rt, 3 * DHTROUTE_REFRESH_MS,
		    &rng, target), 1);
		cpl = dhtroute_prefix_len(self, target);
		if (cpl >= c.buckets - 1)
			cpl = (unsigned)c.buckets - 1;
		seen[cpl]++;
	}
	assert_int_equal(dhtroute_refresh(rt, 3 * DHTROUTE_REFRESH_MS, &rng,
	    target), 0);
	for (i = 0; i < c.buckets; i++)
		assert_int_equal(seen[i], 1);
	/* after a join, every bucket but ours is due at once */
	dhtroute_refresh_all(rt);
	memset(seen, 0, sizeof(seen));
	while (dhtroute_refresh(rt, 3 * DHTROUTE_REFRESH_MS + 1, &rng,
	    target)) {
		cpl = dhtroute_prefix_len(self, target);
		assert_true(cpl < c.buckets - 1);
		seen[cpl]++;
	}
	for (i = 0; i < c.buckets - 1; i++)
		assert_int_equal(seen[i], 1);
	dhtroute_free(rt);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_metric),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_replacement),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_closest_brute),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_refresh),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
