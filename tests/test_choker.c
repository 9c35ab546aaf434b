/* Unit tests for src/engine/choker: the best `slots' interested peers by
 * rate are unchoked (download rate while leeching, upload rate while
 * seeding), snubbed peers get no regular slot, one more optimistic unchoke
 * rotates, and choke/unchoke messages are queued on the peers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "engine/choker.h"
#include "engine/peer.h"

#define NPEERS	8
#define NOW	100000

static struct peer *
make(uint32_t id, uint64_t down_bps, uint64_t up_bps, int interested)
{
	struct peer_addr	a;
	struct peer		*p;

	memset(&a, 0, sizeof(a));
	a.ss.ss_family = AF_INET;
	a.len = sizeof(struct sockaddr_in);
	assert_non_null(p = peer_new(id, -1, &a, 1, 16, 0));
	p->state = PEER_ACTIVE;
	p->peer_interested = interested;
	/* 5 s of traffic at the wanted rates, ending at NOW */
	rate_add(&p->down, down_bps * 5, NOW - 4000);
	rate_add(&p->up, up_bps * 5, NOW - 4000);
	return p;
}

static int
unchoked(const struct peer *p)
{
	return !p->am_choking;
}

static void
test_leeching_by_download_rate(void **state)
{
	/* id, down, up, interested */
	static const uint64_t	spec[NPEERS][4] = {
		{ 0, 100, 900, 1 }, { 1, 800, 0, 1 }, { 2, 700, 0, 1 },
		{ 3, 600, 0, 1 }, { 4, 500, 0, 1 }, { 5, 400, 0, 1 },
		{ 6, 999, 0, 0 },	/* fastest but not interested */
		{ 7, 300, 0, 1 },
	};
	struct peer	*p[NPEERS];
	struct choker	*c;
	size_t		 i, n = 0;
	int		 optimistic = -1;

	(void)state;
	for (i = 0; i < NPEERS; i++)
		p[i] = make((uint32_t)spec[i][0], spec[i][1] * 1000,
		    spec[i][2] * 1000, (int)spec[i][3]);
	assert_non_null(c = choker_new(4, 42));
	choker_round(c, p, NPEERS, 0, 1, NOW);
	/* the four best interested downloaders: 1, 2, 3, 4 */
	for (i = 1; i <= 4; i++)
		assert_true(unchoked(p[i]));
	assert_false(unchoked(p[6]));
	for (i = 0; i < NPEERS; i++) {
		if (!unchoked(p[i]))
			continue;
		n++;
		if (i != 1 && i != 2 && i != 3 && i != 4)
			optimistic = (int)i;
	}
	assert_int_equal(n, 5);			/* 4 slots + 1 optimistic */
	assert_true(optimistic == 0 || optimistic == 5 || optimistic == 7);
	assert_true(choker_is_optimistic(c, p[optimistic]));
	/* an UNCHOKE (length 1, id 1) was queued on each unchoked peer */
	assert_int_equal(bbuf_len(&p[1]->out), 5);
	assert_memory_equal(bbuf_ptr(&p[1]->out), "\0\0\0\1\1", 5);
	assert_int_equal(bbuf_len(&p[6]->out), 0);
	choker_free(c);
	for (i = 0; i < NPEERS; i++)
		peer_free(p[i]);
}

static void
test_snubbed_and_seeding(void **state)
{
	static const struct picker_block	reqs[] = {
		{ 0, 0, 16384 }, { 0, 16384, 16384 }, { 3, 0, 16384 },
	};
	struct peer	*p[3];
	struct choker	*c;
	size_t		 i, j, choked_now = 0;
	int		 was_unchoked[3];

	(void)state;
	p[0] = make(0, 900, 10, 1);
	p[0]->snubbed = 1;		/* fast once, silent now */
	p[1] = make(1, 100, 500, 1);
	p[2] = make(2, 50, 900, 1);
	assert_non_null(c = choker_new(1, 7));
	choker_round(c, p, 3, 0, 0, NOW);
	/* leeching: the snubbed peer gets no regular slot; 1 is best */
	assert_true(unchoked(p[1]));
	assert_false(choker_is_optimistic(c, p[1]));
	/* the peers we unchoked ask for blocks */
	for (i = 0; i < 3; i++) {
		was_unchoked[i] = unchoked(p[i]);
		for (j = 0; was_unchoked[i] && j < 3; j++)
			assert_int_equal(peer_queue_theirs(p[i], &reqs[j]),
			    BT_OK);
	}
	choker_round(c, p, 3, 1, 1, NOW);
	/* seeding: by upload rate, so 2 takes the regular slot */
	assert_true(unchoked(p[2]));
	assert_false(choker_is_optimistic(c, p[2]));
	/* choking drops the requests it had queued (BEP 3); a peer that
	 * stays unchoked keeps them */
	for (i = 0; i < 3; i++) {
		if (!was_unchoked[i])
			continue;
		if (unchoked(p[i])) {
			assert_int_equal(p[i]->ntheirs, 3);
		} else {
			assert_int_equal(p[i]->ntheirs, 0);
			choked_now++;
		}
	}
	/* 1 loses its regular slot to 2; the optimistic slot takes 0 or 1 */
	assert_true(choked_now >= 1);
	choker_peer_gone(c, p[0]);
	choker_free(c);
	for (i = 0; i < 3; i++)
		peer_free(p[i]);
}

static void
test_interested_gets_free_slot(void **state)
{
	struct peer	*p[2];
	struct choker	*c;

	(void)state;
	p[0] = make(0, 0, 0, 1);
	p[1] = make(1, 0, 0, 1);
	assert_non_null(c = choker_new(1, 3));
	/* no round yet: one regular slot and the optimistic one are free */
	choker_on_interested(c, p, 2, p[0]);
	choker_on_interested(c, p, 2, p[1]);
	assert_true(unchoked(p[0]));
	assert_true(unchoked(p[1]));
	choker_free(c);
	peer_free(p[0]);
	peer_free(p[1]);
}

/* Seeding to 4 leechers with 2 slots (+1 optimistic): when an unchoked
 * one says NOT_INTERESTED, it is choked and the best choked one (by upload
 * rate) takes its slot at once, not at the next round. */
static void
test_not_interested_frees_slot(void **state)
{
	/* id, up (KB/s) */
	static const uint64_t	spec[4][2] = {
		{ 0, 900 }, { 1, 800 }, { 2, 700 }, { 3, 100 },
	};
	struct peer	*p[4];
	struct choker	*c;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < 4; i++)
		p[i] = make((uint32_t)spec[i][0], 0, spec[i][1] * 1000, 1);
	assert_non_null(c = choker_new(2, 7));
	choker_round(c, p, 4, 1, 0, NOW);
	assert_true(unchoked(p[0]) && unchoked(p[1]));
	/* the optimistic one is 2 or 3; make it 3 the only choked one */
	if (unchoked(p[2])) {
		p[2]->peer_interested = 0;
		choker_on_not_interested(c, p, 4, p[2], 1, NOW);
		assert_false(unchoked(p[2]));
		assert_true(unchoked(p[3]));	/* took the free slot */
	}
	/* a regular one loses interest: the best choked interested peer
	 * (2 if still interested, else 3) is unchoked in its place */
	p[2]->peer_interested = 1;
	p[0]->peer_interested = 0;
	choker_on_not_interested(c, p, 4, p[0], 1, NOW);
	assert_false(unchoked(p[0]));
	for (i = 1, n = 0; i < 4; i++)
		n += unchoked(p[i]) ? 1 : 0;
	assert_int_equal(n, 3);			/* 2 slots + 1 optimistic */
	/* a choked peer losing interest changes nothing */
	p[0]->peer_interested = 0;
	choker_on_not_interested(c, p, 4, p[0], 1, NOW);
	assert_false(unchoked(p[0]));
	choker_free(c);
	for (i = 0; i < 4; i++)
		peer_free(p[i]);
}

/* An unchoked peer went away (torrent_reap): refill gives its slot to the
 * fastest choked, interested peer that is not snubbed while leeching. */
static void
test_refill_after_peer_left(void **state)
{
	struct peer	*p[4], *left[3];
	struct choker	*c;
	size_t		 i, n = 0;

	(void)state;
	p[0] = make(0, 900, 0, 1);
	p[1] = make(1, 100, 0, 1);
	p[2] = make(2, 800, 0, 1);
	p[3] = make(3, 500, 0, 1);
	p[2]->snubbed = 1;
	assert_non_null(c = choker_new(1, 5));
	choker_round(c, p, 4, 0, 0, NOW);
	assert_true(unchoked(p[0]));
	/* p[0] leaves; as torrent_reap leaves it, the array is p3 p1 p2 */
	choker_peer_gone(c, p[0]);
	left[0] = p[3];
	left[1] = p[1];
	left[2] = p[2];
	choker_refill(c, left, 3, 0, NOW);
	for (i = 0; i < 3; i++)
		n += unchoked(left[i]) ? 1 : 0;
	assert_int_equal(n, 2);			/* 1 slot + 1 optimistic */
	assert_true(unchoked(p[3]));		/* the fastest unsnubbed */
	assert_true(unchoked(p[1]));
	assert_false(unchoked(p[2]));		/* snubbed: no slot */
	choker_free(c);
	for (i = 0; i < 4; i++)
		peer_free(p[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leeching_by_download_rate),
		cmocka_unit_test(test_snubbed_and_seeding),
		cmocka_unit_test(test_interested_gets_free_slot),
		cmocka_unit_test(test_not_interested_frees_slot),
		cmocka_unit_test(test_refill_after_peer_left),
	};

	return cmocka_run_group_tests_name("choker", tests, NULL, NULL);
}
