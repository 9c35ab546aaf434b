/* Unit tests for src/engine/picker: geometry, random first pieces, rarest
 * first with random ties, partial pieces first, endgame and cancels,
 * releasing blocks, failed pieces, refused blocks, a simulated download
 * from three peers, a seeded random run checked against a model, and
 * streaming order (table and seeded random availability), and piece
 * priorities (levels, skipped pieces, wanted completeness). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "engine/bitfield.h"
#include "engine/picker.h"
#include "ipc/err.h"

#define BLK	PICKER_BLOCK_LEN
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* xorshift64: the tests' own generator. */
static uint32_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 32);
}

/* TEST_SEED=n reproduces a run; otherwise the clock picks one. */
static uint64_t
test_seed(void)
{
	const char	*e = getenv("TEST_SEED");
	char		*end;
	uint64_t	 v;

	if (e != NULL) {
		v = strtoull(e, &end, 10);
		if (end != e && *end == '\0')
			return v;
	}
	return (uint64_t)time(NULL);
}

/* A bitfield from "0110..." (one character per piece). */
static void
bf_pattern(struct bitfield *bf, const char *pat)
{
	uint32_t	i, n = (uint32_t)strlen(pat);

	assert_int_equal(bitfield_init(bf, n), BT_OK);
	for (i = 0; i < n; i++)
		if (pat[i] == '1')
			bitfield_set(bf, i);
}

static void
bf_all(struct bitfield *bf, uint32_t n)
{
	assert_int_equal(bitfield_init(bf, n), BT_OK);
	bitfield_set_all(bf);
}

static struct picker *
picker_blocks(uint32_t n, uint32_t blocks, uint64_t seed)
{
	struct picker	*p;

	p = picker_new(n, blocks * BLK, (uint64_t)n * blocks * BLK, seed);
	assert_non_null(p);
	return p;
}

static struct picker_block
pick_ok(struct picker *p, uint32_t peer, const struct bitfield *has)
{
	struct picker_block	b;
	int			r;

	if ((r = picker_pick(p, peer, has, &b)) != BT_OK)
		fail_msg("peer %u: pick returned %d", peer, r);
	return b;
}

static int
on_block(struct picker *p, uint32_t peer, struct picker_block b)
{
	return picker_on_block(p, peer, b.piece, b.begin, b.length, NULL, 0,
	    NULL);
}

/* --- geometry ------------------------------------------------------ */

static void
test_new_geometry(void **state)
{
	static const struct {
		const char	*name;
		uint32_t	 n, plen;
		uint64_t	 total;
		int		 ok;
	} cases[] = {
		{ "no pieces", 0, BLK, 0, 0 },
		{ "piece length 0", 1, 0, 1, 0 },
		{ "total 0", 1, BLK, 0, 0 },
		{ "last piece empty", 2, 100, 100, 0 },
		{ "total too long", 2, 100, 201, 0 },
		{ "one byte", 1, BLK, 1, 1 },
		{ "last piece 1 byte", 2, 100, 101, 1 },
		{ "exact", 2, 100, 200, 1 },
		{ "4 GiB - 1 pieces", 2, UINT32_MAX, 2ull * UINT32_MAX, 1 },
	};
	struct picker	*p;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		p = picker_new(cases[i].n, cases[i].plen, cases[i].total, 1);
		if ((p != NULL) != cases[i].ok)
			fail_msg("%s: got %p", cases[i].name, (void *)p);
		picker_free(p);
	}
	picker_free(NULL);
}

static void
test_block_geometry(void **state)
{
	static const struct {
		uint32_t	piece, idx, begin, length;
	} want[] = {
		{ 0, 0, 0, BLK }, { 0, 1, BLK, BLK }, { 0, 2, 2 * BLK, 7232 },
		{ 2, 0, 0, BLK }, { 2, 1, BLK, 3616 },
	};
	struct picker_block_info	 info;
	struct picker_block		 b;
	struct bitfield			 has;
	struct picker			*p;
	size_t				 i;
	uint32_t			 cancel;

	(void)state;
	/* 3 pieces of 40000 bytes, the last one 20000 */
	assert_non_null(p = picker_new(3, 40000, 100000, 7));
	assert_int_equal(picker_blocks_in_piece(p, 0), 3);
	assert_int_equal(picker_blocks_in_piece(p, 2), 2);
	assert_int_equal(picker_blocks_in_piece(p, 3), 0);
	for (i = 0; i < NELEM(want); i++) {
		assert_int_equal(picker_block_info(p, want[i].piece,
		    want[i].idx, &info), BT_OK);
		assert_int_equal(info.begin, want[i].begin);
		assert_int_equal(info.length, want[i].length);
		assert_int_equal(info.state, PICKER_BLOCK_MISSING);
		assert_int_equal(info.peer_id, PICKER_PEER_NONE);
	}
	assert_int_equal(picker_block_info(p, 2, 2, &info), BT_ERR_RANGE);
	assert_int_equal(picker_block_info(p, 3, 0, &info), BT_ERR_RANGE);
	assert_int_equal(info.length, 0);
	/* a peer with only the last piece gets its exact block lengths */
	bf_pattern(&has, "001");
	picker_peer_add(p, &has);
	b = pick_ok(p, 1, &has);
	assert_true(b.piece == 2 && b.begin == 0 && b.length == BLK);
	b = pick_ok(p, 1, &has);
	assert_true(b.piece == 2 && b.begin == BLK && b.length == 3616);
	assert_int_equal(picker_pick(p, 1, &has, &b), BT_ERR_NOTFOUND);
	assert_int_equal(b.length, 0);
	assert_int_equal(picker_on_block(p, 1, 2, BLK, BLK, &cancel, 1, NULL),
	    BT_ERR_INVALID);
	assert_int_equal(picker_on_block(p, 1, 2, BLK, 3616, &cancel, 1, NULL),
	    0);
	assert_int_equal(picker_on_block(p, 1, 2, 0, BLK, &cancel, 1, NULL), 1);
	bitfield_cleanup(&has);
	picker_free(p);
}

/* --- choosing new pieces --------------------------------------------- */

static void
test_random_first_pieces(void **state)
{
	struct bitfield		 all, most;
	struct picker		*p;
	struct picker_block	 b;
	uint8_t			 seen[64] = { 0 };
	uint64_t		 seed;
	int			 distinct = 0;

	(void)state;
	bf_all(&all, 64);
	bf_all(&most, 64);
	bitfield_clear(&most, 5);	/* piece 5 is the rarest */
	for (seed = 1; seed <= 64; seed++) {
		p = picker_blocks(64, 1, seed);
		picker_peer_add(p, &all);
		picker_peer_add(p, &most);
		picker_peer_add(p, &most);
		b = pick_ok(p, 1, &all);
		distinct += !seen[b.piece];
		seen[b.piece] = 1;
		picker_free(p);
	}
	/* 64 uniform draws out of 64 pieces: about 40 distinct */
	if (distinct < 20)
		fail_msg("only %d distinct first pieces", distinct);
	bitfield_cleanup(&all);
	bitfield_cleanup(&most);
}

/* Have 0..3 so the random phase is over. */
static void
have_four(struct picker *p)
{
	uint32_t	i;

	for (i = 0; i < PICKER_RANDOM_FIRST; i++)
		picker_set_have(p, i);
}

static void
test_rarest_first(void **state)
{
	struct bitfield		 a, b, c;
	struct picker		*p;
	struct picker_block	 blk;

	(void)state;
	/* availability: piece 10 -> 1, piece 12 -> 2, others 3 */
	bf_pattern(&a, "1111111111111111");
	bf_pattern(&b, "1111111111011111");
	bf_pattern(&c, "1111111111010111");
	p = picker_blocks(16, 1, 3);
	have_four(p);
	picker_peer_add(p, &a);
	picker_peer_add(p, &b);
	picker_peer_add(p, &c);
	assert_int_equal(picker_availability(p, 10), 1);
	assert_int_equal(picker_availability(p, 12), 2);
	/* b lacks 10: its rarest is 12 */
	blk = pick_ok(p, 2, &b);
	assert_int_equal(blk.piece, 12);
	blk = pick_ok(p, 1, &a);
	assert_int_equal(blk.piece, 10);
	/* the rest are tied at 3 and never pieces we have */
	blk = pick_ok(p, 1, &a);
	assert_true(blk.piece >= 4 && blk.piece != 10 && blk.piece != 12);
	picker_free(p);
	bitfield_cleanup(&a);
	bitfield_cleanup(&b);
	bitfield_cleanup(&c);
}

/* Large buckets take the sampling path; the peer lacking the whole rarest
 * bucket forces the exact scan. */
static void
test_rarest_first_large(void **state)
{
	struct bitfield		 a, b;
	struct picker		*p;
	struct picker_block	 blk;
	uint32_t		 i, n = 2000;
	int			 round;

	(void)state;
	bf_all(&a, n);
	assert_int_equal(bitfield_init(&b, n), BT_OK);
	for (i = 1000; i < n; i++)
		bitfield_set(&b, i);
	bitfield_clear(&b, 1500);
	bitfield_clear(&a, 1700);
	p = picker_blocks(n, 1, 11);
	have_four(p);
	picker_peer_add(p, &a);
	picker_peer_add(p, &b);
	/* avail 1: 4..999, 1500, 1700; avail 2: the rest of 1000.. */
	for (round = 0; round < 50; round++) {
		blk = pick_ok(p, 2, &b);
		if (blk.piece < 1000 || blk.piece == 1500)
			fail_msg("b got piece %u", blk.piece);
		if (blk.piece != 1700 && round == 0)
			fail_msg("b's rarest is 1700, got %u", blk.piece);
		blk = pick_ok(p, 1, &a);
		if (picker_availability(p, blk.piece) != 1)
			fail_msg("a got piece %u of availability %u",
			    blk.piece, picker_availability(p, blk.piece));
	}
	picker_free(p);
	bitfield_cleanup(&a);
	bitfield_cleanup(&b);
}

static void
test_random_ties_vary(void **state)
{
	struct bitfield		 all, other;
	struct picker		*p;
	struct picker_block	 b;
	uint64_t		 seed;
	int			 hits[3] = { 0, 0, 0 };

	(void)state;
	bf_all(&all, 20);
	bf_pattern(&other, "11111101111011111011");	/* lacks 6, 11, 17 */
	for (seed = 1; seed <= 60; seed++) {
		p = picker_blocks(20, 1, seed);
		have_four(p);
		picker_peer_add(p, &all);
		picker_peer_add(p, &other);
		b = pick_ok(p, 1, &all);
		if (b.piece == 6)
			hits[0]++;
		else if (b.piece == 11)
			hits[1]++;
		else if (b.piece == 17)
			hits[2]++;
		else
			fail_msg("seed %llu: piece %u is not a rarest one",
			    (unsigned long long)seed, b.piece);
		picker_free(p);
	}
	if (hits[0] == 0 || hits[1] == 0 || hits[2] == 0)
		fail_msg("ties not varied: %d %d %d", hits[0], hits[1],
		    hits[2]);
	bitfield_cleanup(&all);
	bitfield_cleanup(&other);
}

/* Ties found by the exact scan (the peer lacks the whole, large, rarest
 * bucket) are random too. */
static void
test_random_ties_vary_in_scan(void **state)
{
	struct bitfield		 a, b;
	struct picker		*p;
	struct picker_block	 blk;
	uint8_t			 seen[400] = { 0 };
	uint32_t		 i;
	uint64_t		 seed;
	int			 distinct = 0;

	(void)state;
	assert_int_equal(bitfield_init(&a, 400), BT_OK);
	assert_int_equal(bitfield_init(&b, 400), BT_OK);
	for (i = 4; i < 300; i++)
		bitfield_set(&a, i);	/* 296 pieces of availability 1 */
	for (i = 300; i < 400; i++)
		bitfield_set(&b, i);	/* 100 of availability 2 */
	for (seed = 1; seed <= 40; seed++) {
		p = picker_blocks(400, 1, seed);
		have_four(p);
		picker_peer_add(p, &a);
		picker_peer_add(p, &b);
		picker_peer_add(p, &b);
		blk = pick_ok(p, 2, &b);
		assert_true(blk.piece >= 300);
		distinct += !seen[blk.piece];
		seen[blk.piece] = 1;
		picker_free(p);
	}
	if (distinct < 15)
		fail_msg("only %d distinct picks among 100 ties", distinct);
	bitfield_cleanup(&a);
	bitfield_cleanup(&b);
}

/* A peer whose few pieces sit in words of their own: the word-at-a-time
 * scans (exact rarest, random select) must find each of them. */
static void
test_sparse_peer_found(void **state)
{
	static const uint32_t	 sparse[] = { 70, 130, 260 };
	struct bitfield		 a, b;
	struct picker		*p;
	struct picker_block	 blk;
	uint32_t		 i;
	uint64_t		 seed;
	int			 hits[3] = { 0, 0, 0 }, rarest;

	(void)state;
	assert_int_equal(bitfield_init(&a, 300), BT_OK);
	assert_int_equal(bitfield_init(&b, 300), BT_OK);
	for (i = 4; i < 300; i++)
		bitfield_set(&a, i);
	for (i = 0; i < NELEM(sparse); i++) {
		bitfield_clear(&a, sparse[i]);
		bitfield_set(&b, sparse[i]);
	}
	for (seed = 1; seed <= 60; seed++) {
		rarest = seed % 2;
		p = picker_blocks(300, 1, seed);
		if (rarest)
			have_four(p);
		picker_peer_add(p, &a);
		picker_peer_add(p, &b);
		blk = pick_ok(p, 2, &b);
		for (i = 0; i < NELEM(sparse) && sparse[i] != blk.piece; i++)
			;
		if (i == NELEM(sparse))
			fail_msg("seed %llu: piece %u",
			    (unsigned long long)seed, blk.piece);
		hits[i]++;
		picker_free(p);
	}
	assert_true(hits[0] > 0 && hits[1] > 0 && hits[2] > 0);
	bitfield_cleanup(&a);
	bitfield_cleanup(&b);
}

static void
test_pick_works_without_availability(void **state)
{
	struct bitfield		 has;
	struct picker		*p;
	struct picker_block	 b;

	(void)state;
	/* the engine forgot peer_add: the pick must still find the piece */
	bf_pattern(&has, "0000001000");
	p = picker_blocks(10, 1, 5);
	have_four(p);
	b = pick_ok(p, 1, &has);
	assert_int_equal(b.piece, 6);
	picker_free(p);
	bitfield_cleanup(&has);
}

/* --- continuing pieces ----------------------------------------------- */

static void
test_partial_pieces_first(void **state)
{
	struct bitfield		 a, b, c;
	struct picker		*p;
	struct picker_block	 blk;

	(void)state;
	bf_pattern(&a, "00001000");
	bf_pattern(&b, "00000100");
	bf_all(&c, 8);
	p = picker_blocks(8, 4, 9);
	picker_peer_add(p, &a);
	picker_peer_add(p, &b);
	picker_peer_add(p, &c);
	assert_int_equal(pick_ok(p, 1, &a).piece, 4);
	assert_int_equal(pick_ok(p, 1, &a).piece, 4);
	blk = pick_ok(p, 2, &b);
	assert_int_equal(blk.piece, 5);
	assert_int_equal(on_block(p, 2, blk), 0);
	/* c continues 4 (2 requested) before 5 (1 received), then 5 */
	blk = pick_ok(p, 3, &c);
	assert_true(blk.piece == 4 && blk.begin == 2 * BLK);
	blk = pick_ok(p, 3, &c);
	assert_true(blk.piece == 4 && blk.begin == 3 * BLK);
	blk = pick_ok(p, 3, &c);
	assert_true(blk.piece == 5 && blk.begin == BLK);
	/* a has nothing left unrequested, and this is no endgame */
	assert_int_equal(picker_pick(p, 1, &a, &blk), BT_ERR_NOTFOUND);
	assert_false(picker_in_endgame(p));
	picker_free(p);
	bitfield_cleanup(&a);
	bitfield_cleanup(&b);
	bitfield_cleanup(&c);
}

static void
test_never_lacking_or_have(void **state)
{
	struct bitfield		 has;
	struct picker		*p;
	struct picker_block	 b;
	uint32_t		 picks = 0;
	int			 r;

	(void)state;
	bf_pattern(&has, "10110011100001111010110011110001");
	p = picker_blocks(32, 3, 21);
	picker_peer_add(p, &has);
	picker_set_have(p, 2);
	picker_set_have(p, 7);
	picker_set_have(p, 9);		/* the peer lacks it anyway */
	while ((r = picker_pick(p, 1, &has, &b)) == BT_OK) {
		if (!bitfield_get(&has, b.piece) || picker_have(p, b.piece))
			fail_msg("picked piece %u", b.piece);
		picks++;
	}
	assert_int_equal(r, BT_ERR_NOTFOUND);
	/* 18 pieces of the peer's, 2 of them had: 16 * 3 blocks */
	assert_int_equal(picks, 48);
	assert_int_equal(picker_requested_count(p, 1), 48);
	assert_int_equal(picker_requested_count(p, 2), 0);
	assert_false(picker_in_endgame(p));
	picker_free(p);
	bitfield_cleanup(&has);
}

/* --- endgame ----------------------------------------------------------- */

/* 2 pieces of 2 blocks (the last block 3616 bytes); peers 1, 2 and 3
 * each ask for every block, the most a block can have. */
static struct picker *
endgame_setup(struct bitfield *all)
{
	struct picker		*p;
	struct picker_block	 b;
	uint32_t		 peer;
	int			 i;

	assert_non_null(p = picker_new(2, 2 * BLK, 3 * BLK + 3616, 4));
	bf_all(all, 2);
	picker_peer_add(p, all);
	for (i = 0; i < 4; i++)
		b = pick_ok(p, 1, all);
	assert_true(picker_in_endgame(p));
	/* peer 1 asked for everything: nothing more for it */
	assert_int_equal(picker_pick(p, 1, all, &b), BT_ERR_NOTFOUND);
	for (peer = 2; peer <= 3; peer++) {
		for (i = 0; i < 4; i++) {
			b = pick_ok(p, peer, all);
			assert_int_equal(b.length,
			    b.piece == 1 && b.begin == BLK ? 3616 : BLK);
		}
		assert_int_equal(picker_pick(p, peer, all, &b),
		    BT_ERR_NOTFOUND);
	}
	return p;
}

static void
test_endgame_duplicates(void **state)
{
	struct picker_block_info	 info;
	struct picker_block		 b;
	struct bitfield			 all;
	struct picker			*p;
	uint32_t			 i;

	(void)state;
	p = endgame_setup(&all);
	/* every block has PICKER_MAX_REQUESTERS: nothing for peer 4 */
	assert_int_equal(picker_pick(p, 4, &all, &b), BT_ERR_NOTFOUND);
	for (i = 0; i < 4; i++) {
		assert_int_equal(picker_block_info(p, i / 2, i % 2, &info),
		    BT_OK);
		assert_int_equal(info.nrequesters, 3);
		assert_int_equal(info.state, PICKER_BLOCK_REQUESTED);
	}
	assert_int_equal(picker_requested_count(p, 2), 4);
	picker_free(p);
	bitfield_cleanup(&all);
}

static void
test_endgame_cancels(void **state)
{
	struct picker_block_info	 info;
	struct picker_block		 b;
	struct bitfield			 all;
	struct picker			*p;
	uint32_t			 cancel[4];
	size_t				 nc;

	(void)state;
	p = endgame_setup(&all);
	/* peer 2 delivers (0, 0): cancel it at 1 and 3 */
	assert_int_equal(picker_on_block(p, 2, 0, 0, BLK, cancel, 4, &nc), 0);
	assert_int_equal(nc, 2);
	assert_true((cancel[0] == 1 && cancel[1] == 3) ||
	    (cancel[0] == 3 && cancel[1] == 1));
	assert_int_equal(picker_on_block(p, 1, 0, 0, BLK, NULL, 0, NULL),
	    BT_ERR_INVALID);
	/* cancel_max bounds what is written */
	assert_int_equal(picker_on_block(p, 3, 0, BLK, BLK, cancel, 1, &nc), 1);
	assert_int_equal(nc, 1);
	assert_true(cancel[0] == 1 || cancel[0] == 2);
	assert_int_equal(picker_block_info(p, 0, 1, &info), BT_OK);
	assert_true(info.state == PICKER_BLOCK_RECEIVED && info.peer_id == 3);
	/* a requester giving up leaves the block requested by the others */
	picker_unrequest(p, 1, 1, 0);
	assert_true(picker_in_endgame(p));
	assert_int_equal(picker_block_info(p, 1, 0, &info), BT_OK);
	assert_int_equal(info.nrequesters, 2);
	/* once (1, 0) has no requester left, it is missing: no endgame */
	picker_peer_gone(p, 2);
	picker_peer_gone(p, 3);
	assert_false(picker_in_endgame(p));
	b = pick_ok(p, 4, &all);
	assert_true(b.piece == 1 && b.begin == 0);
	picker_free(p);
	bitfield_cleanup(&all);
}

/* --- releasing and failing --------------------------------------------- */

static void
test_peer_gone_releases(void **state)
{
	struct bitfield		 all;
	struct picker		*p;
	struct picker_block	 b[6], x;
	uint32_t		 pa, pb;
	int			 i;

	(void)state;
	bf_all(&all, 4);
	p = picker_blocks(4, 4, 13);
	picker_peer_add(p, &all);
	for (i = 0; i < 6; i++)
		b[i] = pick_ok(p, 1, &all);
	pa = b[0].piece;
	pb = b[4].piece;
	assert_true(b[3].piece == pa && b[5].piece == pb && pa != pb);
	assert_int_equal(on_block(p, 1, b[0]), 0);
	assert_int_equal(on_block(p, 1, b[1]), 0);
	x = pick_ok(p, 2, &all);	/* continues pb */
	assert_true(x.piece == pb && x.begin == 2 * BLK);
	picker_peer_gone(p, 1);
	assert_int_equal(picker_requested_count(p, 1), 0);
	assert_int_equal(picker_requested_count(p, 2), 1);
	assert_int_equal(picker_piece_state(p, pa), PICKER_DOWNLOADING);
	assert_int_equal(picker_piece_state(p, pb), PICKER_REQUESTED);
	/* the blocks are pickable again: pa has 2 received, pb 1 requested */
	x = pick_ok(p, 3, &all);
	assert_true(x.piece == pa && x.begin == 2 * BLK);
	x = pick_ok(p, 3, &all);
	assert_true(x.piece == pa && x.begin == 3 * BLK);
	x = pick_ok(p, 3, &all);
	assert_true(x.piece == pb && x.begin == 0);
	/* only requests, then gone: the piece is missing again */
	picker_peer_gone(p, 2);
	picker_peer_gone(p, 3);
	assert_int_equal(picker_piece_state(p, pb), PICKER_MISSING);
	assert_int_equal(picker_piece_state(p, pa), PICKER_DOWNLOADING);
	picker_peer_gone(p, 99);	/* unknown peer: nothing happens */
	assert_int_equal(picker_piece_state(p, pa), PICKER_DOWNLOADING);
	picker_free(p);
	bitfield_cleanup(&all);
}

static void
test_unrequest(void **state)
{
	struct bitfield		 all;
	struct picker		*p;
	struct picker_block	 b0, b1, x;

	(void)state;
	bf_all(&all, 3);
	p = picker_blocks(3, 4, 17);
	picker_peer_add(p, &all);
	b0 = pick_ok(p, 1, &all);
	b1 = pick_ok(p, 1, &all);
	picker_unrequest(p, 2, b0.piece, b0.begin);	/* not its request */
	picker_unrequest(p, 1, b0.piece, b0.begin + 1);	/* misaligned */
	picker_unrequest(p, 1, b0.piece, 4 * BLK);	/* past the end */
	picker_unrequest(p, 1, 3, 0);			/* no such piece */
	assert_int_equal(picker_requested_count(p, 1), 2);
	picker_unrequest(p, 1, b0.piece, b0.begin);
	assert_int_equal(picker_requested_count(p, 1), 1);
	x = pick_ok(p, 2, &all);
	assert_true(x.piece == b0.piece && x.begin == b0.begin);
	picker_unrequest(p, 1, b1.piece, b1.begin);
	picker_unrequest(p, 2, x.piece, x.begin);
	assert_int_equal(picker_piece_state(p, b0.piece), PICKER_MISSING);
	/* a late block of a piece nobody is on is refused */
	assert_int_equal(on_block(p, 1, b1), BT_ERR_INVALID);
	picker_free(p);
	bitfield_cleanup(&all);
}

static void
test_piece_failed_and_contributors(void **state)
{
	struct bitfield		 all;
	struct picker		*p;
	struct picker_block	 b[3], x;
	uint32_t		 ids[8], cancel[2];
	size_t			 n, nc;

	(void)state;
	bf_all(&all, 1);
	p = picker_blocks(1, 3, 19);
	picker_peer_add(p, &all);
	b[0] = pick_ok(p, 1, &all);
	b[1] = pick_ok(p, 2, &all);
	b[2] = pick_ok(p, 3, &all);
	assert_int_equal(on_block(p, 1, b[0]), 0);
	assert_int_equal(on_block(p, 2, b[1]), 0);
	/* peer 2 also sends the block asked of 3: accepted, cancel 3 */
	assert_int_equal(picker_on_block(p, 2, 0, b[2].begin, b[2].length,
	    cancel, 2, &nc), 1);
	assert_int_equal(nc, 1);
	assert_int_equal(cancel[0], 3);
	assert_int_equal(picker_requested_count(p, 3), 0);
	n = picker_piece_contributors(p, 0, ids, 8);
	assert_int_equal(n, 2);
	assert_true((ids[0] == 1 && ids[1] == 2) ||
	    (ids[0] == 2 && ids[1] == 1));
	assert_int_equal(picker_piece_contributors(p, 0, ids, 1), 1);
	assert_int_equal(picker_piece_contributors(p, 0, ids, 0), 0);
	assert_int_equal(picker_piece_contributors(p, 5, ids, 8), 0);
	picker_piece_failed(p, 0);
	assert_int_equal(picker_piece_state(p, 0), PICKER_MISSING);
	assert_int_equal(picker_piece_contributors(p, 0, ids, 8), 0);
	assert_int_equal(on_block(p, 1, b[0]), BT_ERR_INVALID);
	x = pick_ok(p, 4, &all);
	assert_true(x.piece == 0 && x.begin == 0);
	picker_piece_failed(p, 7);	/* out of range: ignored */
	picker_free(p);
	bitfield_cleanup(&all);
}

static void
test_invalid_blocks(void **state)
{
	static const struct {
		const char	*name;
		uint32_t	 piece, begin, length;
	} cases[] = {
		{ "piece out of range", 3, 0, BLK },
		{ "piece had", 0, 0, BLK },
		{ "piece not in progress", 2, 0, BLK },
		{ "misaligned begin", 1, 1, BLK },
		{ "begin past the piece", 1, 2 * BLK, BLK },
		{ "begin far out", 1, UINT32_MAX - BLK + 1, BLK },
		{ "short length", 1, BLK, BLK - 1 },
		{ "long length", 1, BLK, BLK + 1 },
		{ "zero length", 1, BLK, 0 },
		{ "duplicate", 1, 0, BLK },
	};
	struct bitfield		 all;
	struct picker		*p;
	struct picker_block	 b;
	uint32_t		 cancel[2];
	size_t			 i, nc;
	int			 r;

	(void)state;
	/* 3 pieces of 2 blocks, the last one 20000 bytes */
	assert_non_null(p = picker_new(3, 2 * BLK, 4 * BLK + 20000, 23));
	bf_pattern(&all, "010");
	picker_peer_add(p, &all);
	picker_set_have(p, 0);
	b = pick_ok(p, 1, &all);
	assert_true(b.piece == 1 && b.begin == 0);
	assert_int_equal(on_block(p, 1, b), 0);
	for (i = 0; i < NELEM(cases); i++) {
		nc = 9;
		r = picker_on_block(p, 1, cases[i].piece, cases[i].begin,
		    cases[i].length, cancel, 2, &nc);
		if (r != BT_ERR_INVALID || nc != 0)
			fail_msg("%s: got %d, ncancel %zu", cases[i].name, r,
			    nc);
	}
	/* never requested but the piece is in progress: a late answer */
	assert_int_equal(picker_on_block(p, 7, 1, BLK, BLK, NULL, 0, NULL), 1);
	picker_free(p);
	bitfield_cleanup(&all);
}

/* --- availability, states, have ------------------------------------ */

static void
test_availability(void **state)
{
	struct bitfield	 a, wide;
	struct picker	*p;
	uint32_t	 i;

	(void)state;
	p = picker_blocks(10, 1, 29);
	bf_pattern(&a, "1100000001");
	bf_all(&wide, 20);	/* a wrong-sized bitfield: extra bits ignored */
	picker_peer_add(p, &a);
	picker_peer_add(p, &wide);
	picker_peer_have(p, 5);
	picker_peer_have(p, 10);		/* out of range */
	assert_int_equal(picker_availability(p, 0), 2);
	assert_int_equal(picker_availability(p, 5), 2);
	assert_int_equal(picker_availability(p, 2), 1);
	assert_int_equal(picker_availability(p, 10), 0);
	picker_set_have(p, 0);
	picker_peer_remove(p, &a);
	picker_peer_remove(p, &a);		/* twice: floors at zero */
	assert_int_equal(picker_availability(p, 0), 0);
	assert_int_equal(picker_availability(p, 9), 0);
	assert_int_equal(picker_availability(p, 5), 2);
	picker_peer_remove(p, &wide);
	for (i = 0; i < 10; i++)
		assert_int_equal(picker_availability(p, i), i == 5);
	picker_free(p);
	bitfield_cleanup(&a);
	bitfield_cleanup(&wide);
}

static void
test_states_and_have(void **state)
{
	struct picker_block_info	 info;
	struct bitfield			 all;
	struct picker			*p;
	struct picker_block		 b0, b1;

	(void)state;
	bf_all(&all, 2);
	p = picker_blocks(2, 2, 31);
	picker_peer_add(p, &all);
	assert_int_equal(picker_piece_state(p, 0), PICKER_MISSING);
	assert_int_equal(picker_piece_state(p, 9), PICKER_MISSING);
	b0 = pick_ok(p, 1, &all);
	assert_int_equal(picker_piece_state(p, b0.piece), PICKER_REQUESTED);
	assert_int_equal(picker_block_info(p, b0.piece, 0, &info), BT_OK);
	assert_true(info.state == PICKER_BLOCK_REQUESTED &&
	    info.peer_id == 1 && info.nrequesters == 1);
	b1 = pick_ok(p, 1, &all);
	assert_int_equal(on_block(p, 1, b0), 0);
	assert_int_equal(picker_piece_state(p, b0.piece), PICKER_DOWNLOADING);
	assert_int_equal(on_block(p, 1, b1), 1);
	assert_int_equal(picker_piece_state(p, b0.piece), PICKER_DOWNLOADING);
	picker_set_have(p, b0.piece);
	picker_set_have(p, b0.piece);		/* twice: no-op */
	picker_set_have(p, 2);			/* out of range */
	assert_int_equal(picker_piece_state(p, b0.piece), PICKER_HAVE);
	assert_int_equal(picker_have_count(p), 1);
	assert_int_equal(picker_block_info(p, b0.piece, 1, &info), BT_OK);
	assert_true(info.state == PICKER_BLOCK_RECEIVED &&
	    info.peer_id == PICKER_PEER_NONE);
	assert_false(picker_complete(p));
	/* have the other piece while it is in progress: its state goes */
	b0 = pick_ok(p, 2, &all);
	assert_int_equal(b0.piece, 1 - b1.piece);
	picker_set_have(p, b0.piece);
	assert_int_equal(on_block(p, 2, b0), BT_ERR_INVALID);
	assert_int_equal(picker_requested_count(p, 2), 0);
	assert_true(picker_complete(p));
	assert_false(picker_in_endgame(p));
	assert_int_equal(picker_pick(p, 2, &all, &b0), BT_ERR_NOTFOUND);
	assert_int_equal(bitfield_count(picker_have_bitfield(p)), 2);
	picker_free(p);
	bitfield_cleanup(&all);
}

/* --- a simulated download ------------------------------------------ */

#define SIM_PEERS	3
#define SIM_DEPTH	6

struct sim {
	struct picker		*p;
	struct bitfield		 has[SIM_PEERS];
	struct picker_block	 q[SIM_PEERS][SIM_DEPTH];
	int			 nq[SIM_PEERS];
	uint32_t		 n, completed[64], failed_once[64];
	uint64_t		 rs;
};

static void
sim_drop(struct sim *s, int peer, uint32_t piece, uint32_t begin)
{
	int	i;

	for (i = 0; i < s->nq[peer]; i++) {
		if (s->q[peer][i].piece == piece &&
		    s->q[peer][i].begin == begin) {
			s->q[peer][i] = s->q[peer][--s->nq[peer]];
			return;
		}
	}
}

static void
sim_fill(struct sim *s, int peer)
{
	while (s->nq[peer] < SIM_DEPTH && picker_pick(s->p, (uint32_t)peer,
	    &s->has[peer], &s->q[peer][s->nq[peer]]) == BT_OK)
		s->nq[peer]++;
}

static void
sim_deliver(struct sim *s, int peer)
{
	struct picker_block	b;
	uint32_t		cancel[SIM_PEERS];
	size_t			nc, i;
	int			r;

	b = s->q[peer][rnd(&s->rs) % (uint32_t)s->nq[peer]];
	sim_drop(s, peer, b.piece, b.begin);
	r = picker_on_block(s->p, (uint32_t)peer, b.piece, b.begin, b.length,
	    cancel, SIM_PEERS, &nc);
	assert_true(r == 0 || r == 1);
	for (i = 0; i < nc; i++)
		sim_drop(s, (int)cancel[i], b.piece, b.begin);
	if (r != 1)
		return;
	/* every 7th piece fails its hash once */
	if (b.piece % 7 == 3 && !s->failed_once[b.piece]) {
		s->failed_once[b.piece] = 1;
		picker_piece_failed(s->p, b.piece);
		return;
	}
	s->completed[b.piece]++;
	picker_set_have(s->p, b.piece);
}

static void
test_simulated_download(void **state)
{
	struct sim	s;
	uint32_t	i;
	int		peer, steps = 0, endgame = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.n = 50;
	s.rs = 0x1234567;
	/* 50 pieces of 3 blocks + 100 bytes (4 blocks), the last shorter */
	assert_non_null(s.p = picker_new(s.n, 3 * BLK + 100,
	    49ull * (3 * BLK + 100) + 5000, 37));
	for (peer = 0; peer < SIM_PEERS; peer++) {
		assert_int_equal(bitfield_init(&s.has[peer], s.n), BT_OK);
		for (i = 0; i < s.n; i++)
			if (i % 3 != (uint32_t)peer || peer == 2)
				bitfield_set(&s.has[peer], i);
		if (peer == 2)		/* a partial third peer */
			for (i = 0; i < s.n; i += 2)
				bitfield_clear(&s.has[peer], i);
		picker_peer_add(s.p, &s.has[peer]);
	}
	while (!picker_complete(s.p)) {
		assert_true(++steps < 100000);
		for (peer = 0; peer < SIM_PEERS; peer++)
			sim_fill(&s, peer);
		endgame |= picker_in_endgame(s.p);
		peer = (int)(rnd(&s.rs) % SIM_PEERS);
		if (s.nq[peer] > 0)
			sim_deliver(&s, peer);
		assert_int_equal(picker_check(s.p), BT_OK);
	}
	for (i = 0; i < s.n; i++)
		if (s.completed[i] != 1)
			fail_msg("piece %u completed %u times", i,
			    s.completed[i]);
	assert_true(endgame);
	for (peer = 0; peer < SIM_PEERS; peer++)
		bitfield_cleanup(&s.has[peer]);
	picker_free(s.p);
}

/* --- seeded random run against a model ---------------------------- */

#define M_PEERS		4
#define M_MAXPIECES	300
#define M_MAXBLOCKS	5

struct mblock {
	uint32_t	req[PICKER_MAX_REQUESTERS], from;
	int		nreq, received;
};

struct model {
	struct picker	*p;
	uint32_t	 n, plen, last, nblocks[M_MAXPIECES];
	struct mblock	 b[M_MAXPIECES][M_MAXBLOCKS];
	int		 have[M_MAXPIECES];
	uint32_t	 nhave;
	struct bitfield	 has[M_PEERS];
	uint32_t	 id[M_PEERS], next_id;
	uint64_t	 rs, seed;
	int		 round;
};

static int
m_in_progress(const struct model *m, uint32_t piece)
{
	uint32_t	j;

	if (m->have[piece])
		return 0;
	for (j = 0; j < m->nblocks[piece]; j++)
		if (m->b[piece][j].nreq > 0 || m->b[piece][j].received)
			return 1;
	return 0;
}

/* Blocks received or requested; the lowest missing one in *missing. */
static uint32_t
m_busy(const struct model *m, uint32_t piece, uint32_t *missing)
{
	uint32_t	j, busy = 0;

	*missing = UINT32_MAX;
	for (j = 0; j < m->nblocks[piece]; j++) {
		if (m->b[piece][j].nreq > 0 || m->b[piece][j].received)
			busy++;
		else if (*missing == UINT32_MAX)
			*missing = j;
	}
	return busy;
}

static uint32_t
m_avail(const struct model *m, uint32_t piece)
{
	uint32_t	c = 0;
	int		k;

	for (k = 0; k < M_PEERS; k++)
		c += (uint32_t)bitfield_get(&m->has[k], piece);
	return c;
}

static int
m_endgame(const struct model *m)
{
	uint32_t	i, missing;

	for (i = 0; i < m->n; i++) {
		if (m->have[i])
			continue;
		if (m_busy(m, i, &missing) < m->nblocks[i])
			return 0;
	}
	return m->nhave < m->n;
}

static int
m_requested_by(const struct mblock *b, uint32_t id)
{
	int	i;

	for (i = 0; i < b->nreq; i++)
		if (b->req[i] == id)
			return 1;
	return 0;
}

static uint32_t
m_block_len(const struct model *m, uint32_t piece, uint32_t j)
{
	uint32_t	len = piece == m->n - 1 ? m->last : m->plen;

	return len - j * BLK < BLK ? len - j * BLK : BLK;
}

#define M_FAIL(m, ...) do {						\
	fprintf(stderr, "TEST_SEED=%llu round %d: ",			\
	    (unsigned long long)(m)->seed, (m)->round);			\
	fail_msg(__VA_ARGS__);						\
} while (0)

/* What a pick for peer k must return, from the model: best open piece,
 * else the rarest candidate availability, else endgame's fewest. */
struct m_expect {
	int		kind;		/* 0 none, 1 open, 2 new, 3 endgame */
	uint32_t	best_busy, min_avail, min_nreq;
};

static struct m_expect
m_expect(const struct model *m, int k)
{
	struct m_expect	e = { 0, 0, UINT32_MAX, UINT32_MAX };
	const struct mblock *b;
	uint32_t	i, j, busy, missing;

	for (i = 0; i < m->n; i++) {
		if (m->have[i] || !bitfield_get(&m->has[k], i))
			continue;
		busy = m_busy(m, i, &missing);
		if (busy > 0 && missing != UINT32_MAX && (e.kind != 1 ||
		    busy > e.best_busy)) {
			e.kind = 1;
			e.best_busy = busy;
		} else if (busy == 0 && e.kind != 1) {
			e.kind = 2;
			if (m_avail(m, i) < e.min_avail)
				e.min_avail = m_avail(m, i);
		}
	}
	if (e.kind != 0 || !m_endgame(m))
		return e;
	for (i = 0; i < m->n; i++) {
		if (m->have[i] || !bitfield_get(&m->has[k], i))
			continue;
		for (j = 0; j < m->nblocks[i]; j++) {
			b = &m->b[i][j];
			if (!b->received && b->nreq < PICKER_MAX_REQUESTERS &&
			    !m_requested_by(b, m->id[k]) &&
			    (uint32_t)b->nreq < e.min_nreq) {
				e.kind = 3;
				e.min_nreq = (uint32_t)b->nreq;
			}
		}
	}
	return e;
}

static void
m_check_pick(struct model *m, int k, struct m_expect e, int r,
    struct picker_block pb)
{
	struct mblock	*b;
	uint32_t	 j = pb.begin / BLK, missing, busy;

	if (e.kind == 0) {
		if (r != BT_ERR_NOTFOUND)
			M_FAIL(m, "pick %d, want NOTFOUND", r);
		return;
	}
	if (r != BT_OK)
		M_FAIL(m, "pick %d, want a block (kind %d)", r, e.kind);
	if (pb.piece >= m->n || m->have[pb.piece] ||
	    !bitfield_get(&m->has[k], pb.piece) || pb.begin % BLK != 0 ||
	    j >= m->nblocks[pb.piece] ||
	    pb.length != m_block_len(m, pb.piece, j))
		M_FAIL(m, "bad block %u/%u/%u", pb.piece, pb.begin, pb.length);
	b = &m->b[pb.piece][j];
	busy = m_busy(m, pb.piece, &missing);
	if (e.kind == 1 && (busy != e.best_busy || missing != j))
		M_FAIL(m, "piece %u block %u: busy %u (want %u), missing %u",
		    pb.piece, j, busy, e.best_busy, missing);
	if (e.kind == 2 && (busy != 0 || j != 0 || (m->nhave >=
	    PICKER_RANDOM_FIRST && m_avail(m, pb.piece) != e.min_avail)))
		M_FAIL(m, "new piece %u: avail %u, rarest %u", pb.piece,
		    m_avail(m, pb.piece), e.min_avail);
	if (e.kind == 3 && (b->received || m_requested_by(b, m->id[k]) ||
	    (uint32_t)b->nreq != e.min_nreq))
		M_FAIL(m, "endgame block %u/%u: nreq %d", pb.piece, j,
		    b->nreq);
	b->req[b->nreq++] = m->id[k];
}

static void
m_pick(struct model *m)
{
	struct picker_block	pb;
	struct m_expect		e;
	int			k = (int)(rnd(&m->rs) % M_PEERS), r;

	e = m_expect(m, k);
	if (picker_in_endgame(m->p) != m_endgame(m))
		M_FAIL(m, "endgame %d, model %d", picker_in_endgame(m->p),
		    m_endgame(m));
	r = picker_pick(m->p, m->id[k], &m->has[k], &pb);
	m_check_pick(m, k, e, r, pb);
}

static void
m_reset_piece(struct model *m, uint32_t piece)
{
	memset(m->b[piece], 0, sizeof(m->b[piece]));
}

static void
m_complete(struct model *m, uint32_t piece)
{
	uint32_t	ids[M_MAXBLOCKS], j;
	size_t		n, k;

	n = picker_piece_contributors(m->p, piece, ids, M_MAXBLOCKS);
	for (j = 0; j < m->nblocks[piece]; j++) {
		for (k = 0; k < n && ids[k] != m->b[piece][j].from; k++)
			;
		if (k == n)
			M_FAIL(m, "contributor %u missing",
			    m->b[piece][j].from);
	}
	m_reset_piece(m, piece);
	if (rnd(&m->rs) % 4 == 0) {
		picker_piece_failed(m->p, piece);
		return;
	}
	picker_set_have(m->p, piece);
	m->have[piece] = 1;
	m->nhave++;
}

/* Delivers block (piece, j) from peer id, checking the verdict. */
static void
m_deliver(struct model *m, uint32_t id, uint32_t piece, uint32_t j)
{
	struct mblock	*b = &m->b[piece][j];
	uint32_t	 cancel[PICKER_MAX_REQUESTERS];
	size_t		 nc, i;
	int		 r, want;

	want = !m_in_progress(m, piece) || b->received ? BT_ERR_INVALID : 0;
	r = picker_on_block(m->p, id, piece, j * BLK, m_block_len(m, piece, j),
	    cancel, PICKER_MAX_REQUESTERS, &nc);
	if (want == 0) {
		b->received = 1;
		b->from = id;
		want = 1;
		for (i = 0; i < m->nblocks[piece]; i++)
			want &= m->b[piece][i].received;
		for (i = 0; i < (size_t)b->nreq; i++)
			nc -= b->req[i] != id;
		if (nc != 0)
			M_FAIL(m, "wrong cancel count");
		b->nreq = 0;
	}
	if (r != want)
		M_FAIL(m, "on_block %u/%u from %u: %d, want %d", piece, j, id,
		    r, want);
	if (r == 1)
		m_complete(m, piece);
}

static uint32_t
m_count_requested(const struct model *m)
{
	uint32_t	i, j, c = 0;

	for (i = 0; i < m->n; i++)
		for (j = 0; j < m->nblocks[i]; j++)
			c += m->b[i][j].nreq > 0;
	return c;
}

/* The k-th requested block (piece-major order), or 0 when k is too big. */
static int
m_nth_requested(const struct model *m, uint32_t k, uint32_t *piece,
    uint32_t *j)
{
	for (*piece = 0; *piece < m->n; (*piece)++)
		for (*j = 0; *j < m->nblocks[*piece]; (*j)++)
			if (m->b[*piece][*j].nreq > 0 && k-- == 0)
				return 1;
	return 0;
}

/* Mostly a block now requested, from one of its requesters; sometimes
 * any block from any peer (late, stray, duplicate or unwanted). */
static void
m_deliver_random(struct model *m)
{
	struct mblock	*b;
	uint32_t	 piece, j, id, c = m_count_requested(m);

	if (c == 0 || rnd(&m->rs) % 8 == 0 ||
	    !m_nth_requested(m, rnd(&m->rs) % c, &piece, &j)) {
		piece = rnd(&m->rs) % m->n;
		j = rnd(&m->rs) % m->nblocks[piece];
		m_deliver(m, m->id[rnd(&m->rs) % M_PEERS], piece, j);
		return;
	}
	b = &m->b[piece][j];
	id = b->req[rnd(&m->rs) % (uint32_t)b->nreq];
	m_deliver(m, id, piece, j);
}

static void
m_drop(struct model *m, uint32_t piece, uint32_t j, uint32_t id)
{
	struct mblock	*b = &m->b[piece][j];
	int		 i;

	for (i = 0; i < b->nreq; i++) {
		if (b->req[i] == id) {
			b->req[i] = b->req[--b->nreq];
			return;
		}
	}
}

static void
m_unrequest(struct model *m)
{
	uint32_t	piece = rnd(&m->rs) % m->n, j, id;
	struct mblock	*b;

	j = rnd(&m->rs) % m->nblocks[piece];
	b = &m->b[piece][j];
	if (b->nreq == 0 || m->have[piece])
		return;
	id = b->req[rnd(&m->rs) % (uint32_t)b->nreq];
	picker_unrequest(m->p, id, piece, j * BLK);
	m_drop(m, piece, j, id);
}

static void
m_new_peer(struct model *m, int k)
{
	uint32_t	i, density = rnd(&m->rs) % 5;

	assert_int_equal(bitfield_init(&m->has[k], m->n), BT_OK);
	for (i = 0; i < m->n; i++)
		if (density == 4 || rnd(&m->rs) % 4 < density)
			bitfield_set(&m->has[k], i);
	m->id[k] = m->next_id++;
	picker_peer_add(m->p, &m->has[k]);
}

static void
m_peer_leaves(struct model *m)
{
	int		k = (int)(rnd(&m->rs) % M_PEERS);
	uint32_t	i, j;

	picker_peer_gone(m->p, m->id[k]);
	picker_peer_remove(m->p, &m->has[k]);
	for (i = 0; i < m->n; i++)
		for (j = 0; j < m->nblocks[i]; j++)
			m_drop(m, i, j, m->id[k]);
	bitfield_cleanup(&m->has[k]);
	m_new_peer(m, k);
}

static void
m_peer_have(struct model *m)
{
	int		k = (int)(rnd(&m->rs) % M_PEERS);
	uint32_t	piece = rnd(&m->rs) % m->n;

	if (bitfield_get(&m->has[k], piece))
		return;
	bitfield_set(&m->has[k], piece);
	picker_peer_have(m->p, piece);
}

static void
m_check_state(struct model *m)
{
	struct picker_block_info	 info;
	const struct mblock		*b;
	uint32_t			 i, j;

	for (i = 0; i < m->n; i++) {
		if (picker_availability(m->p, i) != m_avail(m, i))
			M_FAIL(m, "avail %u: %u, want %u", i,
			    picker_availability(m->p, i), m_avail(m, i));
		for (j = 0; j < m->nblocks[i]; j++) {
			b = &m->b[i][j];
			assert_int_equal(picker_block_info(m->p, i, j, &info),
			    BT_OK);
			if ((info.state == PICKER_BLOCK_RECEIVED) !=
			    (b->received || m->have[i]) ||
			    info.nrequesters != (uint32_t)b->nreq)
				M_FAIL(m, "block %u/%u state", i, j);
		}
	}
}

/* Odd scenarios are big; every third one starts with nothing. */
static void
m_setup(struct model *m, int scenario)
{
	uint32_t	i, blocks;
	int		k;

	m->n = 1 + rnd(&m->rs) % (scenario % 2 ? M_MAXPIECES : 40);
	blocks = 1 + rnd(&m->rs) % M_MAXBLOCKS;
	m->plen = blocks * BLK - rnd(&m->rs) % BLK;
	m->last = 1 + rnd(&m->rs) % m->plen;
	assert_non_null(m->p = picker_new(m->n, m->plen,
	    (uint64_t)(m->n - 1) * m->plen + m->last, rnd(&m->rs)));
	for (i = 0; i < m->n; i++)
		m->nblocks[i] = picker_blocks_in_piece(m->p, i);
	for (i = 0; i < m->n; i++) {
		if (scenario % 3 != 0 && rnd(&m->rs) % 8 == 0) {
			picker_set_have(m->p, i);
			m->have[i] = 1;
			m->nhave++;
		}
	}
	m->next_id = 100;
	for (k = 0; k < M_PEERS; k++)
		m_new_peer(m, k);
}

static void
m_step(struct model *m)
{
	uint32_t	op = rnd(&m->rs) % 100;

	if (op < 50)
		m_pick(m);
	else if (op < 80)
		m_deliver_random(m);
	else if (op < 88)
		m_unrequest(m);
	else if (op < 90)
		m_peer_leaves(m);
	else
		m_peer_have(m);
}

static void
test_random_against_model(void **state)
{
	struct model	*m;
	uint64_t	 seed = test_seed();
	int		 scenario, step, k;

	(void)state;
	printf("picker random: TEST_SEED=%llu\n", (unsigned long long)seed);
	for (scenario = 0; scenario < 200; scenario++) {
		assert_non_null(m = calloc(1, sizeof(*m)));
		m->seed = seed;
		m->rs = (seed * 1000003 + (uint64_t)scenario) | 1;
		m_setup(m, scenario);
		for (step = 0; step < 4000 && !picker_complete(m->p); step++) {
			m->round = scenario * 100000 + step;
			m_step(m);
			if (picker_check(m->p) != BT_OK)
				M_FAIL(m, "picker_check failed");
			if (step % 250 == 0)
				m_check_state(m);
		}
		m_check_state(m);
		for (k = 0; k < M_PEERS; k++)
			bitfield_cleanup(&m->has[k]);
		picker_free(m->p);
		free(m);
	}
}

/* BEP 47 padding over 4 pieces of 4 blocks (the last 1000 bytes short):
 * block 3 of piece 0 and block 0 of piece 1 are padding, piece 2 is all
 * padding, and a pad inside block 0 of piece 3 leaves it a real block. */
#define PB	PICKER_BLOCK_LEN
static void
test_pads(void **state)
{
	static const struct { uint64_t off, len; } pads[] = {
		{ 3 * PB, 2 * PB },		/* end of piece 0, start of 1 */
		{ 8 * PB, 2 * PB }, { 10 * PB, 2 * PB },	/* piece 2 */
		{ 12 * PB + 100, PB - 100 },	/* partial: still fetched */
	};
	struct picker		*p;
	struct bitfield		 all;
	struct picker_block	 b, got[32];
	struct picker_block_info bi;
	uint32_t		 ids[4], k, n = 0;
	int			 r, completed = 0;

	(void)state;
	assert_non_null(p = picker_new(4, 4 * PB, 16 * PB - 1000, 7));
	for (k = 0; k < 4; k++)
		assert_int_equal(picker_add_pad(p, pads[k].off, pads[k].len),
		    BT_OK);
	assert_int_equal(picker_add_pad(p, 0, 10), BT_ERR_INVALID);
	assert_int_equal(picker_add_pad(p, 16 * PB - 1000, 1),
	    BT_ERR_INVALID);
	/* the all-pad piece is had from the start, nothing else */
	assert_true(picker_have(p, 2));
	assert_int_equal(picker_have_count(p), 1);
	assert_int_equal(picker_check(p), BT_OK);

	bf_all(&all, 4);
	picker_peer_add(p, &all);
	while ((r = picker_pick(p, 9, &all, &b)) == BT_OK) {
		assert_true(n < 32);
		got[n++] = b;
		assert_int_equal(picker_check(p), BT_OK);
		assert_false(b.piece == 0 && b.begin == 3 * PB);
		assert_false(b.piece == 1 && b.begin == 0);
		assert_int_not_equal(b.piece, 2);
	}
	assert_int_equal(r, BT_ERR_NOTFOUND);
	assert_int_equal(n, 16 - 2 - 4);
	/* the pad blocks show as received from nobody */
	assert_int_equal(picker_block_info(p, 1, 0, &bi), BT_OK);
	assert_int_equal(bi.state, PICKER_BLOCK_RECEIVED);
	assert_int_equal(bi.peer_id, PICKER_PEER_NONE);
	assert_int_equal(picker_piece_state(p, 1), PICKER_REQUESTED);

	/* the peer goes: the pieces return to the pool, pads and all */
	picker_peer_gone(p, 9);
	assert_int_equal(picker_check(p), BT_OK);
	assert_int_equal(picker_piece_state(p, 0), PICKER_MISSING);
	for (k = 0; k < n; k++) {
		assert_int_equal(picker_pick(p, 9, &all, &b), BT_OK);
		got[k] = b;
	}
	assert_int_equal(picker_pick(p, 9, &all, &b), BT_ERR_NOTFOUND);
	for (k = 0; k < n; k++) {
		r = picker_on_block(p, 9, got[k].piece, got[k].begin,
		    got[k].length, NULL, 0, NULL);
		assert_true(r == 0 || r == 1);
		if (r == 1) {
			completed++;
			assert_int_equal(picker_piece_contributors(p,
			    got[k].piece, ids, 4), 1);
			assert_int_equal(ids[0], 9);
			picker_set_have(p, got[k].piece);
		}
		assert_int_equal(picker_check(p), BT_OK);
	}
	assert_int_equal(completed, 3);
	assert_true(picker_complete(p));
	bitfield_cleanup(&all);
	picker_free(p);
}

/* A pad block sent by a peer is refused like any block not asked for. */
static void
test_pad_block_refused(void **state)
{
	struct picker		*p;
	struct bitfield		 all;
	struct picker_block	 b;

	(void)state;
	assert_non_null(p = picker_new(1, 2 * PB, 2 * PB, 3));
	assert_int_equal(picker_add_pad(p, 0, PB), BT_OK);
	bf_all(&all, 1);
	assert_int_equal(picker_pick(p, 1, &all, &b), BT_OK);
	assert_int_equal(b.begin, PB);
	assert_int_equal(picker_on_block(p, 1, 0, 0, PB, NULL, 0, NULL),
	    BT_ERR_INVALID);
	assert_int_equal(picker_on_block(p, 1, 0, PB, PB, NULL, 0, NULL), 1);
	assert_int_equal(picker_check(p), BT_OK);
	bitfield_cleanup(&all);
	picker_free(p);
}
#undef PB

/* --- streaming --------------------------------------------------------- */

/* One-block pieces, so each pick starts a new piece: the picks list the
 * order pieces are started in.  "-1" ends a row's list. */
static void
test_stream_order_table(void **state)
{
	static const struct {
		const char	*name;
		const char	*peer, *have;
		uint32_t	 first, last;
		int		 want[10];
	} cases[] = {
		{ "whole torrent", "11111111", "00000000", 0, 7,
		    { 0, 7, 1, 2, 3, 4, 5, 6, -1 } },
		{ "one file", "11111111", "00000000", 2, 5,
		    { 2, 5, 3, 4, -1 } },
		{ "one piece", "11111111", "00000000", 3, 3, { 3, -1 } },
		{ "peer lacks some", "11010101", "00000000", 0, 7,
		    { 0, 7, 1, 3, 5, -1 } },
		{ "peer lacks first and last", "01111110", "00000000", 0, 7,
		    { 1, 2, 3, 4, 5, 6, -1 } },
		{ "have the start", "11111111", "11100001", 0, 7,
		    { 3, 4, 5, 6, -1 } },
		{ "have it all", "11111111", "00111100", 2, 5, { -1 } },
	};
	struct bitfield	 peer, have;
	struct picker	*p;
	struct picker_block	b;
	size_t		 i, k;
	uint32_t	 j, f, l;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		p = picker_blocks(8, 1, 7);
		bf_pattern(&peer, cases[i].peer);
		bf_pattern(&have, cases[i].have);
		for (j = 0; j < 8; j++)
			if (bitfield_get(&have, j))
				picker_set_have(p, j);
		picker_peer_add(p, &peer);
		assert_int_equal(picker_set_stream(p, cases[i].first,
		    cases[i].last), BT_OK);
		assert_int_equal(picker_stream_range(p, &f, &l), 1);
		assert_int_equal(f, cases[i].first);
		assert_int_equal(l, cases[i].last);
		for (k = 0; cases[i].want[k] >= 0; k++) {
			b = pick_ok(p, 1, &peer);
			if (b.piece != (uint32_t)cases[i].want[k])
				fail_msg("%s: pick %zu is %u, want %d",
				    cases[i].name, k, b.piece,
				    cases[i].want[k]);
		}
		/* Past the range: the pieces left, never one in it. */
		while (picker_pick(p, 1, &peer, &b) == BT_OK &&
		    !picker_in_endgame(p))
			if (b.piece >= cases[i].first &&
			    b.piece <= cases[i].last)
				fail_msg("%s: %u picked again", cases[i].name,
				    b.piece);
		assert_int_equal(picker_check(p), BT_OK);
		bitfield_cleanup(&peer);
		bitfield_cleanup(&have);
		picker_free(p);
	}
}

static void
test_stream_bad_range(void **state)
{
	struct picker	*p = picker_blocks(4, 1, 1);
	uint32_t	 f = 9, l = 9;

	(void)state;
	assert_int_equal(picker_stream_range(p, &f, &l), 0);
	assert_int_equal(f, 0);
	assert_int_equal(l, 0);
	assert_int_equal(picker_set_stream(p, 2, 1), BT_ERR_INVALID);
	assert_int_equal(picker_set_stream(p, 0, 4), BT_ERR_INVALID);
	assert_int_equal(picker_stream_range(p, &f, &l), 0);
	assert_int_equal(picker_set_stream(p, 1, 2), BT_OK);
	assert_int_equal(picker_set_stream(p, 0, 3), BT_OK);	/* replaces */
	assert_int_equal(picker_stream_range(p, &f, &l), 1);
	assert_int_equal(f, 0);
	assert_int_equal(l, 3);
	picker_clear_stream(p);
	assert_int_equal(picker_stream_range(p, &f, &l), 0);
	picker_free(p);
}

/* Pieces in progress are continued in stream order, not by progress. */
static void
test_stream_continues_in_order(void **state)
{
	struct picker		*p = picker_blocks(6, 4, 3);
	struct bitfield		 all, only4;
	struct picker_block	 b;

	(void)state;
	bf_all(&all, 6);
	bf_pattern(&only4, "000010");
	picker_peer_add(p, &all);
	/* Piece 4 well along (3 of 4 blocks asked), piece 1 barely. */
	pick_ok(p, 2, &only4);
	pick_ok(p, 2, &only4);
	pick_ok(p, 2, &only4);
	assert_int_equal(picker_set_stream(p, 1, 5), BT_OK);
	b = pick_ok(p, 1, &all);
	assert_int_equal(b.piece, 1);		/* first of the range */
	b = pick_ok(p, 1, &all);
	assert_int_equal(b.piece, 1);		/* continue it, not 4 */
	picker_clear_stream(p);
	b = pick_ok(p, 1, &all);
	assert_int_equal(b.piece, 4);		/* back to most progressed */
	assert_int_equal(picker_check(p), BT_OK);
	bitfield_cleanup(&all);
	bitfield_cleanup(&only4);
	picker_free(p);
}

/* Seeded random availability: every pick is the first free piece the
 * peer has in stream order, or, when it has none in the range, one of the
 * rarest it has; the availability never changes the stream's order. */
static void
test_stream_random_availability(void **state)
{
	uint64_t	 seed = test_seed(), s;
	struct bitfield	 peer, other;
	struct picker	*p;
	struct picker_block	b;
	uint8_t		 busy[300];
	uint32_t	 round, n, i, k, first, last, want, best;
	int		 r;

	(void)state;
	print_message("stream seed %llu\n", (unsigned long long)seed);
	s = seed | 1;
	for (round = 0; round < 300; round++) {
		n = 1 + rnd(&s) % 300;
		p = picker_blocks(n, 1, rnd(&s));
		memset(busy, 0, sizeof(busy));
		for (i = 0; i < n; i++)
			if (rnd(&s) % 5 == 0) {
				picker_set_have(p, i);
				busy[i] = 1;
			}
		for (k = rnd(&s) % 6; k > 0; k--) {
			assert_int_equal(bitfield_init(&other, n), BT_OK);
			for (i = 0; i < n; i++)
				if (rnd(&s) % 3 == 0)
					bitfield_set(&other, i);
			picker_peer_add(p, &other);
			bitfield_cleanup(&other);
		}
		assert_int_equal(bitfield_init(&peer, n), BT_OK);
		for (i = 0; i < n; i++)
			if (rnd(&s) % 4 != 0)
				bitfield_set(&peer, i);
		picker_peer_add(p, &peer);
		first = rnd(&s) % n;
		last = first + rnd(&s) % (n - first);
		assert_int_equal(picker_set_stream(p, first, last), BT_OK);
		for (;;) {
			/* The model: stream order, then the rarest. */
			want = UINT32_MAX;
			if (!busy[first] && bitfield_get(&peer, first))
				want = first;
			else if (!busy[last] && bitfield_get(&peer, last))
				want = last;
			for (i = first + 1; want == UINT32_MAX && i < last;
			    i++)
				if (!busy[i] && bitfield_get(&peer, i))
					want = i;
			best = UINT32_MAX;
			for (i = 0; i < n; i++)
				if (!busy[i] && bitfield_get(&peer, i) &&
				    picker_availability(p, i) < best)
					best = picker_availability(p, i);
			r = picker_pick(p, 1, &peer, &b);
			if (best == UINT32_MAX)
				break;		/* endgame or nothing */
			if (r != BT_OK)
				fail_msg("seed %llu round %u: pick %d",
				    (unsigned long long)seed, round, r);
			if (busy[b.piece] || (want != UINT32_MAX ?
			    b.piece != want :
			    picker_availability(p, b.piece) != best))
				fail_msg("seed %llu round %u: picked %u, want "
				    "%u (avail %u, best %u)",
				    (unsigned long long)seed, round, b.piece,
				    want, picker_availability(p, b.piece),
				    best);
			busy[b.piece] = 1;
		}
		assert_int_equal(picker_check(p), BT_OK);
		bitfield_cleanup(&peer);
		picker_free(p);
	}
}

/* --- priorities ---------------------------------------------------- */

static enum picker_prio
prio_of(char c)
{
	switch (c) {
	case 's':
		return PICKER_PRIO_SKIP;
	case 'l':
		return PICKER_PRIO_LOW;
	case 'h':
		return PICKER_PRIO_HIGH;
	default:
		return PICKER_PRIO_NORMAL;
	}
}

/*
 * Pieces 0-5 of one block with the given priorities and availabilities
 * (a digit per piece, no ties within a level), pieces 6-9 had (so rarest
 * first, not random first pieces).  A peer with `has` gets the pieces of
 * `order`, then nothing; streaming first..last when stream is set.
 */
static void
test_prio_order_table(void **state)
{
	static const struct {
		const char	*name, *prio, *avail, *has, *order;
		int		 stream;
		uint32_t	 first, last;
	} cases[] = {
		{ "all normal: rarest first", "nnnnnn", "321456", "1111111111",
		    "210345", 0, 0, 0 },
		{ "skipped never picked", "nnsnnn", "654321", "1111111111",
		    "54310", 0, 0, 0 },
		{ "high, normal, low", "lnhnls", "123456", "1111111111",
		    "21304", 0, 0, 0 },
		{ "rarest within a level", "hhhlll", "987321", "1111111111",
		    "210543", 0, 0, 0 },
		{ "peer lacks the high piece", "hnnnnn", "123456",
		    "0111111111", "12345", 0, 0, 0 },
		{ "peer has only skipped", "snsnsn", "111111", "1010101111",
		    "", 0, 0, 0 },
		{ "everything skipped", "ssssss", "123456", "1111111111", "",
		    0, 0, 0 },
		{ "stream skips skipped", "snnsnn", "111111", "1111111111",
		    "5124", 1, 0, 5 },
		{ "stream ignores levels", "lnnnnh", "111111", "1111111111",
		    "0215", 1, 0, 2 },
	};
	struct picker		*p;
	struct bitfield		 has;
	struct picker_block	 b;
	size_t			 i, k;
	uint32_t		 j, a, nskip;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		p = picker_blocks(10, 1, 7);
		bf_pattern(&has, cases[i].has);
		nskip = 0;
		for (j = 6; j < 10; j++)
			picker_set_have(p, j);
		for (j = 0; j < 6; j++) {
			assert_int_equal(picker_set_priority(p, j,
			    prio_of(cases[i].prio[j])), BT_OK);
			nskip += cases[i].prio[j] == 's';
			for (a = 0; a < (uint32_t)(cases[i].avail[j] - '0');
			    a++)
				picker_peer_have(p, j);
		}
		if (cases[i].stream)
			assert_int_equal(picker_set_stream(p, cases[i].first,
			    cases[i].last), BT_OK);
		assert_int_equal(picker_wanted_left(p), 6 - nskip);
		for (k = 0; cases[i].order[k] != '\0'; k++) {
			if (picker_pick(p, 1, &has, &b) != BT_OK)
				fail_msg("%s: pick %zu failed", cases[i].name,
				    k);
			if (b.piece != (uint32_t)(cases[i].order[k] - '0'))
				fail_msg("%s: pick %zu got %u, want %c",
				    cases[i].name, k, b.piece,
				    cases[i].order[k]);
		}
		if (!cases[i].stream &&
		    picker_pick(p, 1, &has, &b) != BT_ERR_NOTFOUND)
			fail_msg("%s: extra pick of %u", cases[i].name,
			    b.piece);
		assert_int_equal(picker_check(p), BT_OK);
		bitfield_cleanup(&has);
		picker_free(p);
	}
}

static void
test_prio_set_and_complete(void **state)
{
	struct picker		*p = picker_blocks(4, 1, 1);
	struct bitfield		 all;
	struct picker_block	 b;

	(void)state;
	bf_all(&all, 4);
	assert_int_equal(picker_priority(p, 0), PICKER_PRIO_NORMAL);
	assert_int_equal(picker_priority(p, 4), PICKER_PRIO_SKIP);
	assert_int_equal(picker_set_priority(p, 4, PICKER_PRIO_LOW),
	    BT_ERR_INVALID);
	assert_int_equal(picker_set_priority(p, 0, PICKER_PRIO_COUNT),
	    BT_ERR_INVALID);
	assert_int_equal(picker_set_priority(p, 1, PICKER_PRIO_SKIP), BT_OK);
	assert_int_equal(picker_set_priority(p, 3, PICKER_PRIO_SKIP), BT_OK);
	assert_int_equal(picker_priority(p, 1), PICKER_PRIO_SKIP);
	assert_int_equal(picker_wanted_left(p), 2);
	assert_false(picker_wants(p, 1));
	assert_true(picker_wants(p, 0));
	picker_set_have(p, 3);		/* skipped, yet found on disk */
	assert_int_equal(picker_wanted_left(p), 2);
	while (picker_pick(p, 1, &all, &b) == BT_OK) {
		assert_int_equal(on_block(p, 1, b), 1);
		picker_set_have(p, b.piece);
	}
	assert_true(picker_wanted_complete(p));
	assert_false(picker_complete(p));
	assert_false(picker_in_endgame(p));
	assert_false(picker_have(p, 1));
	/* Wanted again: no longer complete, and it is picked. */
	assert_int_equal(picker_set_priority(p, 1, PICKER_PRIO_HIGH), BT_OK);
	assert_false(picker_wanted_complete(p));
	assert_true(picker_wants(p, 1));
	b = pick_ok(p, 1, &all);
	assert_int_equal(b.piece, 1);
	assert_int_equal(picker_check(p), BT_OK);
	bitfield_cleanup(&all);
	picker_free(p);
}

/* A piece in progress yields to a new piece of a higher level; a piece
 * skipped while in progress is not continued, and endgame ignores it. */
static void
test_prio_in_progress(void **state)
{
	struct picker		*p = picker_blocks(8, 4, 5);
	struct bitfield		 all;
	struct picker_block	 b, first;
	uint32_t		 j, hi;

	(void)state;
	bf_all(&all, 8);
	for (j = 4; j < 8; j++)
		picker_set_have(p, j);
	picker_peer_add(p, &all);
	first = pick_ok(p, 1, &all);
	hi = (first.piece + 1) % 4;
	assert_int_equal(picker_set_priority(p, hi, PICKER_PRIO_HIGH), BT_OK);
	b = pick_ok(p, 1, &all);
	assert_int_equal(b.piece, hi);
	b = pick_ok(p, 1, &all);		/* continue the high one */
	assert_int_equal(b.piece, hi);
	/* Skip the others: only the high one is continued, then endgame
	 * duplicates only its blocks. */
	for (j = 0; j < 4; j++)
		if (j != hi)
			assert_int_equal(picker_set_priority(p, j,
			    PICKER_PRIO_SKIP), BT_OK);
	assert_false(picker_in_endgame(p));
	b = pick_ok(p, 1, &all);
	assert_int_equal(b.piece, hi);
	b = pick_ok(p, 1, &all);
	assert_int_equal(b.piece, hi);
	assert_true(picker_in_endgame(p));
	b = pick_ok(p, 2, &all);		/* a duplicate, not `first` */
	assert_int_equal(b.piece, hi);
	/* The skipped piece's requested block may still arrive. */
	assert_int_equal(on_block(p, 1, first), 0);
	assert_int_equal(picker_check(p), BT_OK);
	bitfield_cleanup(&all);
	picker_free(p);
}

/*
 * Seeded random download with priorities changing under it: a pick is
 * never of a skipped piece; a new piece is of the highest level among the
 * free pieces the peer has, and a piece continued is of no lower level;
 * the invariants hold at every step, and once the priorities settle
 * every wanted piece is had while skipped ones may not be.
 */
static void
test_prio_random(void **state)
{
	enum { NP = 64, NPEERS = 3 };
	struct bitfield		 has[NPEERS];
	struct picker		*p;
	struct picker_block	 b;
	uint64_t		 seed = test_seed(), rs;
	uint32_t		 i, peer;
	int			 round, step, maxfree, r;

	(void)state;
	printf("prio random: TEST_SEED=%llu\n", (unsigned long long)seed);
	for (round = 0; round < 20; round++) {
		rs = (seed * 7919 + (uint64_t)round) | 1;
		p = picker_blocks(NP, 2, rs);
		for (peer = 0; peer < NPEERS; peer++) {
			assert_int_equal(bitfield_init(&has[peer], NP), BT_OK);
			for (i = 0; i < NP; i++)
				if (peer == 0 || rnd(&rs) % 2 == 0)
					bitfield_set(&has[peer], i);
			picker_peer_add(p, &has[peer]);
		}
		for (step = 0; step < 20000 && !picker_wanted_complete(p);
		    step++) {
			if (step < 2000 && rnd(&rs) % 8 == 0) {
				assert_int_equal(picker_set_priority(p,
				    rnd(&rs) % NP, (enum picker_prio)(rnd(&rs) %
				    PICKER_PRIO_COUNT)), BT_OK);
				continue;
			}
			peer = rnd(&rs) % NPEERS;
			maxfree = -1;
			for (i = 0; i < NP; i++)
				if (picker_piece_state(p, i) == PICKER_MISSING &&
				    bitfield_get(&has[peer], i) &&
				    picker_wants(p, i) &&
				    (int)picker_priority(p, i) > maxfree)
					maxfree = (int)picker_priority(p, i);
			if (picker_pick(p, peer, &has[peer], &b) != BT_OK) {
				assert_int_equal(maxfree, -1);
				continue;
			}
			if (picker_priority(p, b.piece) == PICKER_PRIO_SKIP)
				fail_msg("seed %llu round %d: skipped piece %u "
				    "picked", (unsigned long long)seed, round,
				    b.piece);
			if (!picker_in_endgame(p) &&
			    (int)picker_priority(p, b.piece) < maxfree)
				fail_msg("seed %llu round %d: piece %u of "
				    "level %d picked, level %d free",
				    (unsigned long long)seed, round, b.piece,
				    picker_priority(p, b.piece), maxfree);
			if (rnd(&rs) % 5 == 0) {
				picker_unrequest(p, peer, b.piece, b.begin);
			} else {
				r = on_block(p, peer, b);
				if (r == 1)
					picker_set_have(p, b.piece);
			}
			if (picker_check(p) != BT_OK)
				fail_msg("seed %llu round %d step %d: corrupt",
				    (unsigned long long)seed, round, step);
		}
		assert_true(picker_wanted_complete(p));
		for (i = 0; i < NP; i++)
			if (picker_priority(p, i) != PICKER_PRIO_SKIP)
				assert_true(picker_have(p, i));
		for (peer = 0; peer < NPEERS; peer++)
			bitfield_cleanup(&has[peer]);
		picker_free(p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_geometry),
		cmocka_unit_test(test_pads),
		cmocka_unit_test(test_pad_block_refused),
		cmocka_unit_test(test_block_geometry),
		cmocka_unit_test(test_random_first_pieces),
		cmocka_unit_test(test_rarest_first),
		cmocka_unit_test(test_rarest_first_large),
		cmocka_unit_test(test_random_ties_vary),
		cmocka_unit_test(test_random_ties_vary_in_scan),
		cmocka_unit_test(test_sparse_peer_found),
		cmocka_unit_test(test_pick_works_without_availability),
		cmocka_unit_test(test_partial_pieces_first),
		cmocka_unit_test(test_never_lacking_or_have),
		cmocka_unit_test(test_endgame_duplicates),
		cmocka_unit_test(test_endgame_cancels),
		cmocka_unit_test(test_peer_gone_releases),
		cmocka_unit_test(test_unrequest),
		cmocka_unit_test(test_piece_failed_and_contributors),
		cmocka_unit_test(test_invalid_blocks),
		cmocka_unit_test(test_availability),
		cmocka_unit_test(test_states_and_have),
		cmocka_unit_test(test_simulated_download),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_stream_order_table),
		cmocka_unit_test(test_stream_bad_range),
		cmocka_unit_test(test_stream_continues_in_order),
		cmocka_unit_test(test_stream_random_availability),
		cmocka_unit_test(test_prio_order_table),
		cmocka_unit_test(test_prio_set_and_complete),
		cmocka_unit_test(test_prio_in_progress),
		cmocka_unit_test(test_prio_random),
	};

	return cmocka_run_group_tests_name("picker", tests, NULL, NULL);
}
