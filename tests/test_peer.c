/*
 * Unit tests for src/engine/peer: how many requests are kept outstanding
 * (its rate, the bounds, the peer's reqq, a snub), and the options of a
 * peer's socket.
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
test_pipeline_sized_by_rate(void **state)
{
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
test_pipeline_caps(void **state)
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
		cmocka_unit_test(test_pipeline_sized_by_rate),
		cmocka_unit_test(test_pipeline_caps),
		cmocka_unit_test(test_fd_prepare_nodelay),
	};

	return cmocka_run_group_tests_name("peer", tests, NULL, NULL);
}
