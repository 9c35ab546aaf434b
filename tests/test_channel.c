/* Unit tests for src/ipc/channel over a real socketpair: frames both ways,
 * a frame trickled in one byte at a time, a writer that fills the socket
 * (partial writes), more data than the input buffer holds, the output cap,
 * end of file, a dead peer (no SIGPIPE), frames from the wrong sender, and
 * errors that stick. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "ipc/bbuf.h"
#include "ipc/channel.h"
#include "ipc/err.h"
#include "ipc/msg.h"
#include "ipc/packet.h"

struct pair {
	struct ipc_chan	engine, front;
};

static int
setup(void **state)
{
	static struct pair	p;
	int			sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	if (chan_init(&p.engine, sv[0], PKT_SIDE_ENGINE) != BT_OK ||
	    chan_init(&p.front, sv[1], PKT_SIDE_FRONT) != BT_OK)
		return -1;
	*state = &p;
	return 0;
}

static int
teardown(void **state)
{
	struct pair	*p = *state;

	chan_cleanup(&p->engine);
	chan_cleanup(&p->front);
	return 0;
}

static void
send_heartbeat(struct ipc_chan *c, uint64_t seq)
{
	struct msg_heartbeat	hb = { seq, seq * 1000 };
	struct bbuf		pl;

	bbuf_init(&pl, 64);
	assert_int_equal(msg_put_heartbeat(&pl, &hb), BT_OK);
	assert_int_equal(chan_send_msg(c, MSG_HEARTBEAT, &pl), BT_OK);
	bbuf_cleanup(&pl);
}

/* The next frame must be a heartbeat with this seq. */
static void
expect_heartbeat(struct ipc_chan *c, uint64_t seq)
{
	struct pkt_header	h;
	struct bbuf		pl;
	struct msg_heartbeat	hb;

	assert_int_equal(chan_next(c, &h, &pl), BT_OK);
	assert_int_equal(h.type, MSG_HEARTBEAT);
	assert_int_equal(msg_get_heartbeat(&pl, &hb), BT_OK);
	if (hb.seq != seq)
		fail_msg("heartbeat %llu, want %llu",
		    (unsigned long long)hb.seq, (unsigned long long)seq);
}

static void
test_both_ways(void **state)
{
	struct pair		*p = *state;
	struct pkt_header	 h;
	struct bbuf		 pl;

	send_heartbeat(&p->engine, 1);
	assert_true(chan_wants_write(&p->engine));
	assert_int_equal(chan_flush(&p->engine), BT_OK);
	assert_false(chan_wants_write(&p->engine));
	assert_int_equal(chan_pending(&p->engine), 0);
	assert_int_equal(chan_read(&p->front), BT_OK);
	expect_heartbeat(&p->front, 1);
	assert_int_equal(chan_next(&p->front, &h, &pl), BT_ERR_INCOMPLETE);

	assert_int_equal(chan_send_msg(&p->front, MSG_CMD_QUIT, NULL), BT_OK);
	assert_int_equal(chan_flush(&p->front), BT_OK);
	assert_int_equal(chan_read(&p->engine), BT_OK);
	assert_int_equal(chan_next(&p->engine, &h, &pl), BT_OK);
	assert_int_equal(h.type, MSG_CMD_QUIT);
	assert_int_equal(h.source, PKT_SIDE_FRONT);
	assert_int_equal(h.cmd, PKT_CMD_TRANSFER);
	assert_int_equal(bbuf_len(&pl), 0);
	/* Nothing more to read is not an error. */
	assert_int_equal(chan_read(&p->engine), BT_OK);
}

/* Two frames arrive one byte per read. */
static void
test_trickle_in(void **state)
{
	struct pair		*p = *state;
	struct pkt_header	 h;
	struct bbuf		 pl;
	uint8_t			 all[2 * (PKT_HEADER_LEN + 16)];
	size_t			 i, n = sizeof(all);

	send_heartbeat(&p->engine, 7);
	send_heartbeat(&p->engine, 8);
	assert_int_equal(chan_pending(&p->engine), n);
	assert_int_equal(chan_flush(&p->engine), BT_OK);
	/* Take the bytes off the socket, then feed them back one by one. */
	assert_int_equal(read(chan_fd(&p->front), all, n), (ssize_t)n);
	for (i = 0; i < n; i++) {
		assert_int_equal(write(chan_fd(&p->engine), all + i, 1), 1);
		assert_int_equal(chan_read(&p->front), BT_OK);
		if (i + 1 == n / 2 || i + 1 == n)
			expect_heartbeat(&p->front, i + 1 == n ? 8 : 7);
		else
			assert_int_equal(chan_next(&p->front, &h, &pl),
			    BT_ERR_INCOMPLETE);
	}
}

/* A writer far ahead of its reader: flush writes what fits, the rest
 * waits; interleaved reads and flushes deliver every frame in order. */
static void
test_partial_writes(void **state)
{
	struct pair		*p = *state;
	struct pkt_header	 h;
	struct bbuf		 pl;
	int			 small = 4096, rounds = 0;
	uint64_t		 sent = 0, got = 0, total = 20000;

	setsockopt(chan_fd(&p->engine), SOL_SOCKET, SO_SNDBUF, &small,
	    sizeof(small));
	setsockopt(chan_fd(&p->front), SOL_SOCKET, SO_RCVBUF, &small,
	    sizeof(small));
	while (sent < total)
		send_heartbeat(&p->engine, sent++);
	while (got < total) {
		assert_int_equal(chan_flush(&p->engine), BT_OK);
		if (rounds++ == 0)
			assert_true(chan_wants_write(&p->engine));
		assert_int_equal(chan_read(&p->front), BT_OK);
		while (chan_next(&p->front, &h, &pl) == BT_OK) {
			struct msg_heartbeat	hb;

			assert_int_equal(msg_get_heartbeat(&pl, &hb), BT_OK);
			if (hb.seq != got)
				fail_msg("got %llu, want %llu",
				    (unsigned long long)hb.seq,
				    (unsigned long long)got);
			got++;
		}
		if (rounds > 100000)
			fail_msg("no progress: %llu of %llu",
			    (unsigned long long)got,
			    (unsigned long long)total);
	}
	assert_true(rounds > 2);
	assert_false(chan_wants_write(&p->engine));
}

/* More bytes than CHAN_IN_MAX in flight: chan_read stops at the cap and
 * chan_next always has a whole frame to give. */
static void
test_input_cap(void **state)
{
	struct pair			*p = *state;
	struct pkt_header		 h;
	struct bbuf			 pl;
	static struct msg_piecemap	 pm;
	size_t				 i, n = 40, got = 0, guard = 0;

	memset(&pm, 0, sizeof(pm));
	pm.num_pieces = 1000000;
	pm.n = MSG_PIECEMAP_CHUNK;
	assert_true(n * (PKT_HEADER_LEN + 12 + MSG_PIECEMAP_CHUNK) >
	    CHAN_IN_MAX);
	for (i = 0; i < n; i++) {
		bbuf_init(&pl, MSG_MAX_PAYLOAD);
		pm.first = (uint32_t)(i * MSG_PIECEMAP_CHUNK);
		assert_int_equal(msg_put_piecemap(&pl, &pm), BT_OK);
		assert_int_equal(chan_send_msg(&p->engine, MSG_PIECEMAP, &pl),
		    BT_OK);
		bbuf_cleanup(&pl);
	}
	while (got < n && guard++ < 10000) {
		assert_int_equal(chan_flush(&p->engine), BT_OK);
		assert_int_equal(chan_read(&p->front), BT_OK);
		while (chan_next(&p->front, &h, &pl) == BT_OK) {
			assert_int_equal(msg_get_piecemap(&pl, &pm), BT_OK);
			assert_int_equal(pm.first, got * MSG_PIECEMAP_CHUNK);
			got++;
		}
	}
	assert_int_equal(got, n);
}

static void
test_out_cap(void **state)
{
	struct pair	*p = *state;
	struct bbuf	 pl;
	static uint8_t	 zero[16 + MSG_PIECEMAP_CHUNK];
	size_t		 before, frames = 0;
	int		 r;

	memset(zero, 0, sizeof(zero));
	zero[6] = 1;	/* torrent 0, num_pieces 65536, first 0, n 0 */
	bbuf_view(&pl, zero, 16);
	while ((r = chan_send_msg(&p->engine, MSG_PIECEMAP, &pl)) == BT_OK)
		frames++;
	assert_int_equal(r, BT_ERR_LIMIT);
	before = chan_pending(&p->engine);
	assert_true(before <= CHAN_OUT_MAX);
	assert_true(before > CHAN_OUT_MAX - (PKT_HEADER_LEN + 16));
	assert_int_equal(frames * (PKT_HEADER_LEN + 16), before);
	/* A refused frame adds nothing. */
	assert_int_equal(chan_send_msg(&p->engine, MSG_PIECEMAP, &pl),
	    BT_ERR_LIMIT);
	assert_int_equal(chan_pending(&p->engine), before);
	/* Bad headers are refused too, also nothing added. */
	assert_int_equal(chan_send(&p->engine, PKT_CMD_TRANSFER, 0,
	    MSG_HEARTBEAT, NULL), BT_ERR_INVALID);
	assert_int_equal(chan_send(&p->engine, 300, 0, MSG_STATUS, NULL),
	    BT_ERR_INVALID);
	assert_int_equal(chan_send_msg(&p->engine, MSG_CMD_QUIT, NULL),
	    BT_ERR_INVALID);
	assert_int_equal(chan_pending(&p->engine), before);
}

static void
test_eof_keeps_buffered_frames(void **state)
{
	struct pair		*p = *state;
	struct pkt_header	 h;
	struct bbuf		 pl;

	send_heartbeat(&p->engine, 1);
	send_heartbeat(&p->engine, 2);
	assert_int_equal(chan_flush(&p->engine), BT_OK);
	chan_cleanup(&p->engine);
	chan_cleanup(&p->engine);		/* twice is fine */
	assert_int_equal(chan_fd(&p->engine), -1);
	assert_int_equal(chan_read(&p->front), BT_ERR_CLOSED);
	expect_heartbeat(&p->front, 1);
	expect_heartbeat(&p->front, 2);
	assert_int_equal(chan_next(&p->front, &h, &pl), BT_ERR_INCOMPLETE);
	assert_int_equal(chan_send_msg(&p->engine, MSG_HEARTBEAT, NULL),
	    BT_ERR_CLOSED);
	assert_int_equal(chan_read(&p->engine), BT_ERR_CLOSED);
	assert_int_equal(chan_flush(&p->engine), BT_ERR_CLOSED);
}

/* Writing to a closed peer is an error code, not a SIGPIPE. */
static void
test_dead_peer(void **state)
{
	struct pair	*p = *state;

	chan_cleanup(&p->front);
	assert_int_equal(chan_send_msg(&p->engine, MSG_HEARTBEAT, NULL),
	    BT_ERR_INVALID);		/* 0 bytes: under the type's size */
	send_heartbeat(&p->engine, 3);
	assert_int_equal(chan_flush(&p->engine), BT_ERR_CLOSED);
}

/* A frame that decodes but is not from our peer, then garbage: both
 * errors stick. */
static void
test_wrong_sender_sticks(void **state)
{
	struct pair		*p = *state;
	struct pkt_header	 h;
	struct bbuf		 pl, raw;

	/* The front writes a front -> engine frame into its own input. */
	bbuf_init(&raw, 256);
	pkt_header_for(&h, PKT_SIDE_FRONT, MSG_CMD_PAUSE);
	assert_int_equal(pkt_encode(&raw, &h, "\xff\xff\xff\xfe", 4),
	    BT_OK);
	assert_int_equal(write(chan_fd(&p->engine), bbuf_ptr(&raw),
	    bbuf_len(&raw)), (ssize_t)bbuf_len(&raw));
	send_heartbeat(&p->engine, 5);
	assert_int_equal(chan_flush(&p->engine), BT_OK);
	assert_int_equal(chan_read(&p->front), BT_OK);
	assert_int_equal(chan_next(&p->front, &h, &pl), BT_ERR_PROTO);
	assert_int_equal(chan_next(&p->front, &h, &pl), BT_ERR_PROTO);
	bbuf_cleanup(&raw);

	/* Garbage on the other direction: FORMAT, and it stays. */
	assert_int_equal(write(chan_fd(&p->front), "GET / HTTP/1.0\r\n",
	    16), 16);
	assert_int_equal(chan_read(&p->engine), BT_OK);
	assert_int_equal(chan_next(&p->engine, &h, &pl), BT_ERR_FORMAT);
	assert_int_equal(chan_next(&p->engine, &h, &pl), BT_ERR_FORMAT);
	assert_int_equal(bbuf_len(&pl), 0);
}

/* A header announcing too long a payload is refused at once. */
static void
test_oversize_header(void **state)
{
	struct pair		*p = *state;
	struct pkt_header	 h;
	struct bbuf		 pl;
	static const uint8_t	 hdr[PKT_HEADER_LEN] = {
		'h', 'e', 'a', 'd', MSG_PROTOCOL_VERSION, PKT_CMD_TRANSFER,
		0, 0, 'e', 'n', 'g', 'i', 'n', 'e', 0, 0,
		'f', 'r', 'o', 'n', 't', 0, 0, 0, 0, MSG_PIECEMAP,
		0x7f, 0xff, 0xff, 0xff,
	};

	assert_int_equal(write(chan_fd(&p->engine), hdr, sizeof(hdr)),
	    (ssize_t)sizeof(hdr));
	assert_int_equal(chan_read(&p->front), BT_OK);
	assert_int_equal(chan_next(&p->front, &h, &pl), BT_ERR_LIMIT);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test_setup_teardown(test_both_ways, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_trickle_in, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_partial_writes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_input_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_out_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof_keeps_buffered_frames,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dead_peer, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_sender_sticks,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversize_header, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
