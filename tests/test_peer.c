/*
 * Unit tests for src/engine/peer: the books of our requests to a peer and
 * the pipeline they are sized by (the timed probe, near and far peers,
 * the peer's reqq), and the options of a peer's socket.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/err.h"
#include "engine/peer.h"
#include "engine/picker.h"

#define T0_US	5000000		/* a probe sent at 0 would not be timed */

static struct peer *
new_peer(void)
{
	struct peer_addr a;
	struct peer	*p;

	assert_int_equal(peer_addr_parse("127.0.0.1:6881", &a), BT_OK);
	assert_non_null(p = peer_new(1, -1, &a, 1, 64, 1000));
	return p;
}

static void
ask(struct peer *p, uint32_t piece, uint32_t begin, uint64_t now_us)
{
	struct picker_block b = { piece, begin, PICKER_BLOCK_LEN };

	assert_int_equal(peer_add_request(p, &b, now_us), BT_OK);
}

/* Asks n blocks of piece 0 at once, at now_us: the first is the probe. */
static void
ask_n(struct peer *p, uint32_t n, uint64_t now_us)
{
	uint32_t	i;

	for (i = 0; i < n; i++)
		ask(p, 0, i * PICKER_BLOCK_LEN, now_us);
}

static void
test_far_peer_sized_by_rate(void **state)
{
	/* no probe ever timed (now_us 0): its rate times 3 s */
	static const struct {
		uint64_t	bps;
		size_t		want;	/* 0: 3 s of its measured rate */
	} rows[] = {
		{ 0, PEER_MIN_PIPELINE },
		{ 1024 * 1024, 0 },
		{ 100 * 1024 * 1024, PEER_MAX_PIPELINE },
	};
	struct peer	*p;
	uint64_t	 ms, want;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		p = new_peer();
		for (ms = 1000; ms <= 10000; ms += 1000)
			rate_add(&p->down, rows[i].bps, ms);
		ask_n(p, 4, 0);
		assert_int_equal(p->lat_min_us, 0);
		want = rows[i].want;
		if (want == 0) {
			want = rate_bps(&p->down, 10000) * 3 /
			    PICKER_BLOCK_LEN;
			assert_in_range(want, 150, 250);
		}
		assert_int_equal(peer_pipeline_target(p, 10000), want);
		peer_free(p);
	}
}

static void
test_probe_answered_sizes_near_peer(void **state)
{
	struct peer	*p;

	(void)state;
	p = new_peer();
	rate_add(&p->down, 100 * 1024 * 1024, 1000);	/* far: 500 */
	ask_n(p, 16, T0_US);
	assert_int_equal(p->probe_us, T0_US);
	/* the probe (the first) back after 200 us, alone: the path holds
	 * 2 * 1 block, the pipeline is that and PEER_MIN_PIPELINE more */
	assert_int_equal(peer_request_answered(p, 0, 0, T0_US + 200), 1);
	assert_int_equal(p->lat_min_us, 200);
	assert_int_equal(p->nreqs, 15);
	assert_int_equal(peer_pipeline_target(p, 1000), 2 + PEER_MIN_PIPELINE);
	/* the next probe waits behind 15 others: 16 blocks in 800 us at a
	 * least latency of 200 us is 4 on the path, 8 with the margin */
	ask(p, 1, 0, T0_US + 200);
	assert_int_equal(p->probe_us, T0_US + 200);
	assert_int_equal(p->probe.piece, 1);
	for (uint32_t i = 1; i < 16; i++)
		assert_int_equal(peer_request_answered(p, 0,
		    i * PICKER_BLOCK_LEN, T0_US + 200 + 40 * i), 1);
	assert_int_equal(p->probe_us, T0_US + 200);	/* not yet */
	assert_int_equal(peer_request_answered(p, 1, 0, T0_US + 1000), 1);
	assert_int_equal(p->probe_us, 0);
	assert_int_equal(p->lat_min_us, 200);
	assert_int_equal(peer_pipeline_target(p, 1000),
	    2 * 16 * 200 / 800 + PEER_MIN_PIPELINE);
	assert_int_equal(p->nreqs, 0);
	peer_free(p);
}

static void
test_far_probe_keeps_rate_rule(void **state)
{
	struct peer	*p;

	(void)state;
	p = new_peer();
	rate_add(&p->down, 1024 * 1024, 1000);
	ask_n(p, 2, T0_US);
	assert_int_equal(peer_request_answered(p, 0, 0,
	    T0_US + PEER_NEAR_US), 1);
	assert_int_equal(p->lat_min_us, PEER_NEAR_US);
	assert_int_equal(peer_pipeline_target(p, 1000),
	    3 * 1024 * 1024 / PICKER_BLOCK_LEN);
	peer_free(p);
}

static void
test_probe_given_up_is_not_timed(void **state)
{
	struct peer	*p;

	(void)state;
	p = new_peer();
	ask_n(p, 2, T0_US);
	/* cancelled: its block may still come, and is no sample */
	assert_int_equal(peer_remove_request(p, 0, 0), 1);
	peer_note_cancelled(p, 0, 0);
	assert_int_equal(p->probe_us, 0);
	assert_int_equal(peer_request_answered(p, 0, 0, T0_US + 10), 0);
	assert_int_equal(p->lat_min_us, 0);
	/* asked again: the first answer could still be on its way, so the
	 * probe is the next block asked, not this one */
	ask(p, 0, 0, T0_US + 20);
	assert_int_equal(p->probe_us, 0);
	ask(p, 2, 0, T0_US + 30);
	assert_int_equal(p->probe_us, T0_US + 30);
	assert_int_equal(p->probe.piece, 2);
	/* all dropped (a choke): no probe left to time */
	peer_clear_requests(p);
	assert_int_equal(p->nreqs, 0);
	assert_int_equal(p->probe_us, 0);
	assert_int_equal(peer_request_answered(p, 2, 0, T0_US + 40), 0);
	assert_int_equal(p->lat_min_us, 0);
	peer_free(p);
}

static void
test_target_caps(void **state)
{
	struct peer	*p;

	(void)state;
	p = new_peer();
	rate_add(&p->down, 100 * 1024 * 1024, 1000);
	assert_int_equal(peer_pipeline_target(p, 1000), PEER_MAX_PIPELINE);
	p->ext.reqq = 250;		/* libtorrent's */
	assert_int_equal(peer_pipeline_target(p, 1000), 250);
	p->ext.reqq = 5;		/* below our least: still obeyed */
	assert_int_equal(peer_pipeline_target(p, 1000), 5);
	p->snubbed = 1;
	assert_int_equal(peer_pipeline_target(p, 1000), 1);
	peer_free(p);
}

/* n probes one after the other from at_us, each back lat_us after it
 * went and the next gap_us later; returns the time after the last. */
static uint64_t
probes(struct peer *p, unsigned n, uint64_t at_us, uint64_t lat_us,
    uint64_t gap_us)
{
	unsigned	i;

	for (i = 0; i < n; i++) {
		ask(p, 3, i * PICKER_BLOCK_LEN, at_us);
		assert_int_equal(p->probe.piece, 3);
		assert_int_equal(peer_request_answered(p, 3,
		    i * PICKER_BLOCK_LEN, at_us + lat_us), 1);
		at_us += lat_us + gap_us;
	}
	return at_us;
}

/* A near peer stays near while each window of probes has one within
 * PEER_NEAR_US; a window with none (a queue on its path) makes it far,
 * sized by its rate again, until PEER_NEAR_RETRY_US later. */
static void
test_near_peer_turns_far(void **state)
{
	static const struct {
		uint64_t	lat_us;		/* of each probe in window 2 */
		int		far;
	} rows[] = {
		{ PEER_NEAR_US - 1, 0 },
		{ PEER_NEAR_US, 1 },
		{ 40000, 1 },
	};
	uint64_t	 at;
	struct peer	*p;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		p = new_peer();
		rate_add(&p->down, 1024 * 1024, 1000);
		/* window 1: near, quick probes far apart in time */
		at = probes(p, PEER_NEAR_PROBES, T0_US, 300,
		    PEER_NEAR_WINDOW_US);
		assert_false(p->far);
		assert_int_equal(peer_pipeline_target(p, 1000),
		    2 + PEER_MIN_PIPELINE);
		/* window 2: too few probes yet to judge */
		at = probes(p, PEER_NEAR_PROBES - 1, at, rows[i].lat_us,
		    PEER_NEAR_WINDOW_US);
		assert_false(p->far);
		at = probes(p, 1, at, rows[i].lat_us, 0);
		assert_int_equal(p->far, rows[i].far);
		if (rows[i].far)
			assert_int_equal(peer_pipeline_target(p, 1000),
			    3 * 1024 * 1024 / PICKER_BLOCK_LEN);
		/* quick probes within PEER_NEAR_RETRY_US change nothing */
		(void)probes(p, 2 * PEER_NEAR_PROBES, at, 100,
		    PEER_NEAR_WINDOW_US);
		assert_int_equal(p->far, rows[i].far);
		peer_free(p);
	}
}

/* A near peer that turned far (its first window of slow probes ended at
 * far_at) is tried near again PEER_NEAR_RETRY_US later; a try whose
 * window is quick keeps it near, a slow one makes it far again and the
 * next try waits twice as long, up to 8 times as long. */
static uint64_t
turn_far(struct peer *p)
{
	uint64_t	at;

	rate_add(&p->down, 1024 * 1024, 1000);
	at = probes(p, PEER_NEAR_PROBES, T0_US, 300, PEER_NEAR_WINDOW_US);
	at = probes(p, PEER_NEAR_PROBES, at, 40000, PEER_NEAR_WINDOW_US);
	assert_true(p->far);
	return at - PEER_NEAR_WINDOW_US;	/* the last answer */
}

static void
test_far_peer_tried_near_again(void **state)
{
	static const struct {
		uint64_t	lat_us;		/* of the try's probes */
		int		far;		/* after its window */
		unsigned	tries;		/* slow tries before it */
	} rows[] = {
		{ 300, 0, 0 },
		{ 40000, 1, 0 },
		{ 300, 0, 2 },
		{ 40000, 1, 1 },
		{ 40000, 1, 3 },
		{ 40000, 1, 5 },
	};
	uint64_t	 at, wait;
	struct peer	*p;
	size_t		 i;
	unsigned	 k;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		p = new_peer();
		at = turn_far(p);
		wait = PEER_NEAR_RETRY_US;
		for (k = 0; k <= rows[i].tries; k++) {
			/* a probe answered just before the time: still far */
			(void)probes(p, 1, at + wait - 1 - 40000, 40000, 0);
			assert_true(p->far);
			/* the first one at the time: near on trial */
			at = probes(p, 1, at + wait - 40000, 40000, 0);
			assert_false(p->far);
			assert_int_equal(peer_pipeline_target(p, 1000),
			    PEER_MIN_PIPELINE);
			if (k == rows[i].tries)
				break;
			/* an earlier try that ended far */
			at = probes(p, PEER_NEAR_PROBES, at, 40000,
			    PEER_NEAR_WINDOW_US) - PEER_NEAR_WINDOW_US;
			assert_true(p->far);
			if (wait < (uint64_t)PEER_NEAR_RETRY_US <<
			    PEER_NEAR_RETRY_DOUBLINGS)
				wait *= 2;
		}
		at = probes(p, PEER_NEAR_PROBES, at, rows[i].lat_us,
		    PEER_NEAR_WINDOW_US) - PEER_NEAR_WINDOW_US;
		assert_int_equal(p->far, rows[i].far);
		if (!rows[i].far) {
			/* a near try starts the count again: the next time
			 * it turns far, it waits PEER_NEAR_RETRY_US */
			at = probes(p, PEER_NEAR_PROBES, at, 40000,
			    PEER_NEAR_WINDOW_US) - PEER_NEAR_WINDOW_US;
			assert_true(p->far);
			at = probes(p, 1, at + PEER_NEAR_RETRY_US - 40000,
			    40000, 0);
			assert_false(p->far);
		}
		peer_free(p);
	}
	/* one that was never near is never tried: its latency is its path */
	p = new_peer();
	rate_add(&p->down, 1024 * 1024, 1000);
	at = probes(p, PEER_NEAR_PROBES, T0_US, 40000, PEER_NEAR_WINDOW_US);
	assert_true(p->far);
	(void)probes(p, 1, at + 8 * (uint64_t)PEER_NEAR_RETRY_US, 40000, 0);
	assert_true(p->far);
	assert_int_equal(peer_pipeline_target(p, 1000),
	    3 * 1024 * 1024 / PICKER_BLOCK_LEN);
	peer_free(p);
}

/* A peer's TCP socket has Nagle off: a turn's few requests or one block
 * must not wait for the peer's delayed ACK.  A socket that is not TCP is
 * prepared all the same. */
static void
test_fd_prepare_nodelay(void **state)
{
	int		fd, sv[2], on = 0;
	socklen_t	len = sizeof(on);

	(void)state;
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len),
	    0);
	assert_int_equal(on, 0);
	assert_int_equal(peer_fd_prepare(fd), BT_OK);
	len = sizeof(on);
	assert_int_equal(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len),
	    0);
	assert_int_not_equal(on, 0);
	close(fd);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(peer_fd_prepare(sv[0]), BT_OK);
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_far_peer_sized_by_rate),
		cmocka_unit_test(test_probe_answered_sizes_near_peer),
		cmocka_unit_test(test_far_probe_keeps_rate_rule),
		cmocka_unit_test(test_probe_given_up_is_not_timed),
		cmocka_unit_test(test_target_caps),
		cmocka_unit_test(test_near_peer_turns_far),
		cmocka_unit_test(test_far_peer_tried_near_again),
		cmocka_unit_test(test_fd_prepare_nodelay),
	};

	return cmocka_run_group_tests_name("peer", tests, NULL, NULL);
}
