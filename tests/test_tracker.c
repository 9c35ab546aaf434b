/* Unit tests for src/engine/tracker: the client against fake trackers that
 * live in this process on 127.0.0.1.  UDP tests pass made-up times (the
 * client reads no clock), so retransmission and back-off are checked
 * exactly; HTTP tests run a real select() loop with CLOCK_MONOTONIC and a
 * small non-blocking HTTP server, bounded by a wall-clock deadline.  UDP
 * trackers given by name ("localhost") resolve in a worker pool, which the
 * tests drain as the engine's loop does. */
#include <sys/select.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "engine/metainfo.h"
#include "engine/resolve.h"
#include "engine/tracker.h"
#include "engine/worker.h"
#include "ipc/err.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define WALL_LIMIT_MS	3000
#define FX_MAX		8	/* tiers, and URLs per tier */

static const uint8_t	test_hash[20] = {
	0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf1, 0x23, 0x45,
	0x67, 0x89, 0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0x9a,
};
#define TEST_HASH_PCT	"%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A"
static const uint8_t	test_peer_id[20] = "-BT0100-abcdefghijkl";

/* --- fixture: what the callbacks saw, and the tiers -------------------- */

struct rec {
	struct tracker_peer	peers[64];
	size_t			npeers;
	int			ncalls;
	char			logs[32][512];
	int			nlogs;
};

struct fx {
	struct rec		rec;
	struct metainfo_tier	tiers[FX_MAX];
	char			*urls[FX_MAX][FX_MAX];
	char			buf[FX_MAX][FX_MAX][128];
	size_t			ntiers;
	struct tracker		*t;
	struct worker_pool	*pool;		/* NULL: names resolve inline */
};

static void
on_peers(void *arg, const struct tracker_peer *peers, size_t n)
{
	struct rec	*r = arg;
	size_t		 i;

	r->ncalls++;
	for (i = 0; i < n && r->npeers < NELEM(r->peers); i++)
		r->peers[r->npeers++] = peers[i];
}

static void
on_log(void *arg, const char *line)
{
	struct rec	*r = arg;

	if (getenv("TRACKER_TEST_LOG") != NULL)	/* for debugging */
		print_message("log: %s\n", line);
	if (r->nlogs < (int)NELEM(r->logs))
		snprintf(r->logs[r->nlogs++], sizeof(r->logs[0]), "%s", line);
}

static void
get_stats(void *arg, uint64_t *up, uint64_t *down, uint64_t *left)
{
	(void)arg;
	*up = 111;
	*down = 222;
	*left = 333;
}

/* Adds a URL to tier `tier' (tiers are filled in order). */
static void
fx_add(struct fx *f, size_t tier, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fx_add(struct fx *f, size_t tier, const char *fmt, ...)
{
	struct metainfo_tier	*mt = &f->tiers[tier];
	va_list			 ap;

	assert_true(tier < FX_MAX && mt->n < FX_MAX);
	va_start(ap, fmt);
	vsnprintf(f->buf[tier][mt->n], sizeof(f->buf[0][0]), fmt, ap);
	va_end(ap);
	f->urls[tier][mt->n] = f->buf[tier][mt->n];
	mt->urls = f->urls[tier];
	mt->n++;
	if (tier + 1 > f->ntiers)
		f->ntiers = tier + 1;
}

static void
fx_start(struct fx *f, uint64_t seed)
{
	struct tracker_cb	cb = { &f->rec, on_peers, on_log, get_stats };

	f->t = tracker_new(f->tiers, f->ntiers, test_hash, test_peer_id, 6881,
	    seed, &cb, f->pool);
	assert_non_null(f->t);
}

static struct fx *
fx_new(void)
{
	struct fx	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	return f;
}

static void
fx_free(struct fx *f)
{
	tracker_free(f->t);
	worker_pool_free(f->pool);
	free(f);
}

/* The first log line containing `needle', or NULL. */
static const char *
fx_log(const struct fx *f, const char *needle)
{
	int	i;

	for (i = 0; i < f->rec.nlogs; i++) {
		if (strstr(f->rec.logs[i], needle) != NULL)
			return f->rec.logs[i];
	}
	return NULL;
}

static void
assert_log(const struct fx *f, const char *needle)
{
	int	i;

	if (fx_log(f, needle) != NULL)
		return;
	for (i = 0; i < f->rec.nlogs; i++)
		print_message("log: %s\n", f->rec.logs[i]);
	fail_msg("no log line contains \"%s\"", needle);
}

static void
info_of(const struct fx *f, size_t i, struct tracker_info *out)
{
	assert_int_equal(tracker_info(f->t, i, out), BT_OK);
}

/* --- UDP fake tracker -------------------------------------------------- */

struct udp_srv {
	int			fd;
	uint16_t		port;
	struct sockaddr_storage	from;
	uint8_t			pkt[2048];
	size_t			len;
	uint32_t		tid;
	uint64_t		conn_id;
};

static void
udp_srv_open(struct udp_srv *s)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);

	memset(s, 0, sizeof(*s));
	s->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(s->fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&sin, &sl), 0);
	s->port = ntohs(sin.sin_port);
}

/* On ::1; returns -1 when this host has no IPv6 loopback. */
static int
udp_srv_open6(struct udp_srv *s)
{
	struct sockaddr_in6	sin6;
	socklen_t		sl = sizeof(sin6);

	memset(s, 0, sizeof(*s));
	if ((s->fd = socket(AF_INET6, SOCK_DGRAM, 0)) < 0)
		return -1;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	if (bind(s->fd, (struct sockaddr *)&sin6, sizeof(sin6)) != 0 ||
	    getsockname(s->fd, (struct sockaddr *)&sin6, &sl) != 0) {
		close(s->fd);
		return -1;
	}
	s->port = ntohs(sin6.sin6_port);
	return 0;
}

/* A port where nothing listens (bound, then closed). */
static uint16_t
udp_dead_port(void)
{
	struct udp_srv	s;

	udp_srv_open(&s);
	close(s.fd);
	return s.port;
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Whether a datagram waits, after up to wait_ms. */
static int
udp_srv_pending(struct udp_srv *s, int wait_ms)
{
	struct pollfd	pfd = { s->fd, POLLIN, 0 };

	return poll(&pfd, 1, wait_ms) == 1;
}

/* Receives one request: returns its action (0 connect, 1 announce). */
static uint32_t
udp_srv_recv(struct udp_srv *s)
{
	socklen_t	sl = sizeof(s->from);
	ssize_t		n;

	assert_true(udp_srv_pending(s, 1000));
	n = recvfrom(s->fd, s->pkt, sizeof(s->pkt), 0,
	    (struct sockaddr *)&s->from, &sl);
	assert_true(n >= 16);
	s->len = (size_t)n;
	s->tid = be32(s->pkt + 12);
	if (s->len == 16) {
		assert_true(be64(s->pkt) == 0x41727101980ull);
		assert_int_equal(be32(s->pkt + 8), 0);
		return 0;
	}
	assert_int_equal(s->len, 98);
	assert_int_equal(be32(s->pkt + 8), 1);
	return 1;
}

static void
udp_srv_send(struct udp_srv *s, const uint8_t *p, size_t n)
{
	socklen_t	sl = s->from.ss_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	assert_int_equal(sendto(s->fd, p, n, 0, (struct sockaddr *)&s->from,
	    sl), (ssize_t)n);
}

static void
udp_srv_connect_reply(struct udp_srv *s, uint64_t conn_id)
{
	uint8_t	r[16];

	put32(r, 0);
	put32(r + 4, s->tid);
	put32(r + 8, (uint32_t)(conn_id >> 32));
	put32(r + 12, (uint32_t)conn_id);
	s->conn_id = conn_id;
	udp_srv_send(s, r, sizeof(r));
}

/* Announce reply: interval, 3 leechers, 4 seeders, npeers of 10.0.0.x. */
static void
udp_srv_announce_reply(struct udp_srv *s, uint32_t interval, size_t npeers)
{
	uint8_t	r[20 + 6 * 8];
	size_t	i;

	put32(r, 1);
	put32(r + 4, s->tid);
	put32(r + 8, interval);
	put32(r + 12, 3);
	put32(r + 16, 4);
	for (i = 0; i < npeers && i < 8; i++) {
		memcpy(r + 20 + 6 * i, "\x0a\0\0", 3);
		r[20 + 6 * i + 3] = (uint8_t)(i + 1);
		r[20 + 6 * i + 4] = 0x1a;
		r[20 + 6 * i + 5] = (uint8_t)(0xe1 + i);
	}
	udp_srv_send(s, r, 20 + 6 * i);
}

static void
udp_srv_error_reply(struct udp_srv *s, const char *msg)
{
	uint8_t	r[128];
	size_t	n = strlen(msg);

	put32(r, 3);
	put32(r + 4, s->tid);
	memcpy(r + 8, msg, n);
	udp_srv_send(s, r, 8 + n);
}

/* One turn of the engine's loop with a made-up `now': select() with a
 * short real wait so that datagrams already sent are seen. */
static void
pump(struct tracker *t, uint64_t now)
{
	fd_set		rd, wr;
	struct timeval	tv = { 0, 200000 };
	int		maxfd = -1;

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	tracker_fdset(t, &rd, &wr, &maxfd);
	if (maxfd >= 0)
		select(maxfd + 1, &rd, &wr, NULL, &tv);
	tracker_perform(t, &rd, &wr, now);
}

/* Serves one whole connect + announce exchange on s. */
static void
udp_serve_ok(struct udp_srv *s, struct tracker *t, uint64_t now,
    uint32_t interval, size_t npeers)
{
	if (udp_srv_recv(s) == 0) {
		udp_srv_connect_reply(s, 0x1122334455667788ull);
		pump(t, now);
		assert_int_equal(udp_srv_recv(s), 1);
	}
	udp_srv_announce_reply(s, interval, npeers);
	pump(t, now);
}

static void
test_udp_announce(void **state)
{
	struct fx		*f = fx_new();
	struct udp_srv		 s;
	struct tracker_info	 ti;
	const uint8_t		*p;

	(void)state;
	udp_srv_open(&s);
	fx_add(f, 0, "udp://127.0.0.1:%u/announce", s.port);
	fx_start(f, 1);
	assert_false(tracker_busy(f->t));
	tracker_announce(f->t, TRACKER_EV_STARTED, 1000);
	assert_true(tracker_busy(f->t));	/* about to start */
	assert_int_equal(tracker_timeout_ms(f->t, 1000), 0);
	tracker_perform(f->t, NULL, NULL, 1000);
	assert_true(tracker_busy(f->t));
	info_of(f, 0, &ti);
	assert_int_equal(ti.status, TRACKER_ANNOUNCING);
	assert_int_equal(udp_srv_recv(&s), 0);
	udp_srv_connect_reply(&s, 0x1122334455667788ull);
	pump(f->t, 1100);
	assert_int_equal(udp_srv_recv(&s), 1);
	p = s.pkt;
	assert_true(be64(p) == 0x1122334455667788ull);
	assert_memory_equal(p + 16, test_hash, 20);
	assert_memory_equal(p + 36, test_peer_id, 20);
	assert_true(be64(p + 56) == 222 && be64(p + 64) == 333 &&
	    be64(p + 72) == 111);			/* down, left, up */
	assert_int_equal(be32(p + 80), TRACKER_EV_STARTED);
	assert_int_equal(be32(p + 92), 80);		/* numwant */
	assert_int_equal(p[96] << 8 | p[97], 6881);
	udp_srv_announce_reply(&s, 1200, 2);
	pump(f->t, 1200);
	assert_int_equal(f->rec.ncalls, 1);
	assert_int_equal(f->rec.npeers, 2);
	assert_int_equal(f->rec.peers[0].family, AF_INET);
	assert_memory_equal(f->rec.peers[1].addr, "\x0a\0\0\x02", 4);
	assert_int_equal(f->rec.peers[1].port, 0x1ae2);
	assert_log(f, "/announce: 2 peers, interval 1200 s");
	assert_false(tracker_busy(f->t));
	info_of(f, 0, &ti);
	assert_int_equal(ti.status, TRACKER_OK);
	assert_int_equal(ti.seeders, 4);
	assert_int_equal(ti.leechers, 3);
	assert_int_equal(ti.last_ms, 1200);
	assert_int_equal(ti.next_ms, 1200 + 1200 * 1000);
	assert_int_equal(tracker_timeout_ms(f->t, 1200), 1200 * 1000);
	close(s.fd);
	fx_free(f);
}

/* BEP 15: a connection id serves for a minute; NONE waits for the min
 * interval. */
static void
test_udp_conn_reuse_and_min_interval(void **state)
{
	struct fx	*f = fx_new();
	struct udp_srv	 s;

	(void)state;
	udp_srv_open(&s);
	fx_add(f, 0, "udp://127.0.0.1:%u/announce", s.port);
	fx_start(f, 15);
	tracker_announce(f->t, TRACKER_EV_STARTED, 1100);
	tracker_perform(f->t, NULL, NULL, 1100);
	udp_serve_ok(&s, f->t, 1100, 1200, 2);	/* connected at t=1100 */
	assert_int_equal(f->rec.ncalls, 1);
	/* COMPLETED at once; the connection id is reused. */
	tracker_announce(f->t, TRACKER_EV_COMPLETED, 31200);
	tracker_perform(f->t, NULL, NULL, 31200);
	assert_int_equal(udp_srv_recv(&s), 1);
	assert_int_equal(be32(s.pkt + 80), TRACKER_EV_COMPLETED);
	udp_srv_announce_reply(&s, 1200, 1);
	pump(f->t, 31200);
	assert_int_equal(f->rec.ncalls, 2);

	/* NONE waits for the min interval (30 s by default), then must
	 * connect again: the connection id is older than a minute. */
	tracker_announce(f->t, TRACKER_EV_NONE, 40000);
	assert_false(tracker_busy(f->t));	/* waiting is not busy */
	assert_int_equal(tracker_timeout_ms(f->t, 40000), 61200 - 40000);
	tracker_perform(f->t, NULL, NULL, 61199);
	assert_false(udp_srv_pending(&s, 50));
	tracker_perform(f->t, NULL, NULL, 61200);
	assert_int_equal(udp_srv_recv(&s), 0);
	udp_srv_connect_reply(&s, 5);
	pump(f->t, 61300);
	assert_int_equal(udp_srv_recv(&s), 1);
	assert_int_equal(be32(s.pkt + 80), TRACKER_EV_NONE);
	assert_true(be64(s.pkt) == 5);
	close(s.fd);
	fx_free(f);
}

/* An IPv6 tracker answers with 18-byte peers (BEP 15). */
static void
test_udp_ipv6(void **state)
{
	struct fx	*f;
	struct udp_srv	 s;
	uint8_t		 r[20 + 18];

	(void)state;
	if (udp_srv_open6(&s) != 0)
		skip();
	f = fx_new();
	fx_add(f, 0, "udp://[::1]:%u/announce", s.port);
	fx_start(f, 13);
	tracker_announce(f->t, TRACKER_EV_STARTED, 1000);
	tracker_perform(f->t, NULL, NULL, 1000);
	assert_int_equal(udp_srv_recv(&s), 0);
	udp_srv_connect_reply(&s, 42);
	pump(f->t, 1000);
	assert_int_equal(udp_srv_recv(&s), 1);
	put32(r, 1);
	put32(r + 4, s.tid);
	put32(r + 8, 600);
	put32(r + 12, 0);
	put32(r + 16, 1);
	memcpy(r + 20, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x07", 16);
	r[36] = 0x1a;
	r[37] = 0xe1;
	udp_srv_send(&s, r, sizeof(r));
	pump(f->t, 1000);
	assert_int_equal(f->rec.npeers, 1);
	assert_int_equal(f->rec.peers[0].family, AF_INET6);
	assert_int_equal(f->rec.peers[0].addr[15], 7);
	assert_int_equal(f->rec.peers[0].port, 6881);
	assert_log(f, "]:");
	assert_log(f, "/announce: 1 peer, interval 600 s");
	close(s.fd);
	fx_free(f);
}

static void
test_udp_retransmit_then_next_tier(void **state)
{
	struct fx		*f = fx_new();
	struct udp_srv		 silent, s2;
	struct tracker_info	 ti;
	uint32_t		 tid;

	(void)state;
	udp_srv_open(&silent);
	udp_srv_open(&s2);
	fx_add(f, 0, "udp://127.0.0.1:%u/announce", silent.port);
	fx_add(f, 1, "udp://127.0.0.1:%u", s2.port);
	fx_start(f, 2);
	tracker_announce(f->t, TRACKER_EV_STARTED, 1000);
	tracker_perform(f->t, NULL, NULL, 1000);
	assert_int_equal(udp_srv_recv(&silent), 0);
	tid = silent.tid;
	/* BEP 15: retransmit after 15 s, then 30 s, then 60 s: give up. */
	assert_int_equal(tracker_timeout_ms(f->t, 1000), 15000);
	tracker_perform(f->t, NULL, NULL, 15999);
	assert_false(udp_srv_pending(&silent, 50));
	tracker_perform(f->t, NULL, NULL, 16000);
	assert_int_equal(udp_srv_recv(&silent), 0);
	assert_int_equal(silent.tid, tid);
	assert_int_equal(tracker_timeout_ms(f->t, 16000), 30000);
	tracker_perform(f->t, NULL, NULL, 46000);
	assert_int_equal(udp_srv_recv(&silent), 0);
	assert_int_equal(tracker_timeout_ms(f->t, 46000), 60000);
	tracker_perform(f->t, NULL, NULL, 105999);
	assert_false(udp_srv_pending(&silent, 50));
	tracker_perform(f->t, NULL, NULL, 106000);
	assert_false(udp_srv_pending(&silent, 50));
	assert_log(f, "/announce: timed out, trying udp://127.0.0.1:");
	udp_serve_ok(&s2, f->t, 106100, 1800, 3);
	assert_int_equal(f->rec.npeers, 3);
	info_of(f, 0, &ti);
	assert_int_equal(ti.status, TRACKER_ERROR);
	assert_string_equal(ti.error, "timed out");
	assert_int_equal(ti.tier, 0);
	info_of(f, 1, &ti);
	assert_int_equal(ti.status, TRACKER_OK);
	assert_int_equal(ti.tier, 1);
	/* The next round starts again at the first tier (BEP 12). */
	tracker_announce(f->t, TRACKER_EV_COMPLETED, 200000);
	tracker_perform(f->t, NULL, NULL, 200000);
	assert_int_equal(udp_srv_recv(&silent), 0);
	assert_false(udp_srv_pending(&s2, 50));
	close(silent.fd);
	close(s2.fd);
	fx_free(f);
}

static void
test_udp_error_and_refused(void **state)
{
	struct fx		*f = fx_new();
	struct udp_srv		 bad, good;
	struct tracker_info	 ti;

	(void)state;
	udp_srv_open(&bad);
	udp_srv_open(&good);
	fx_add(f, 0, "udp://127.0.0.1:%u/announce", udp_dead_port());
	fx_add(f, 1, "udp://127.0.0.1:%u/announce", bad.port);
	fx_add(f, 2, "udp://127.0.0.1:%u/announce", good.port);
	fx_start(f, 3);
	tracker_announce(f->t, TRACKER_EV_STARTED, 1000);
	tracker_perform(f->t, NULL, NULL, 1000);
	pump(f->t, 1001);		/* ICMP port unreachable */
	assert_log(f, "Connection refused, trying udp://");
	assert_int_equal(udp_srv_recv(&bad), 0);
	udp_srv_error_reply(&bad, "torrent not registered");
	pump(f->t, 1002);
	assert_log(f, "error: torrent not registered, trying udp://");
	info_of(f, 1, &ti);
	assert_string_equal(ti.error, "error: torrent not registered");
	/* A reply with another transaction id is dropped. */
	assert_int_equal(udp_srv_recv(&good), 0);
	good.tid ^= 1;
	udp_srv_connect_reply(&good, 9);
	pump(f->t, 1003);
	assert_false(udp_srv_pending(&good, 50));
	good.tid ^= 1;
	udp_srv_connect_reply(&good, 9);
	pump(f->t, 1004);
	assert_int_equal(udp_srv_recv(&good), 1);
	udp_srv_announce_reply(&good, 1800, 1);
	pump(f->t, 1005);
	assert_int_equal(f->rec.ncalls, 1);
	close(bad.fd);
	close(good.fd);
	fx_free(f);
}

/* A reply with our transaction id that does not parse (opentracker's
 * answer for a torrent off its whitelist: the 8 bytes of an announce
 * reply's header, nothing else) fails the URL at once, and says what
 * opentracker means by it. */
static void
test_udp_malformed_reply(void **state)
{
	struct fx		*f = fx_new();
	struct udp_srv		 s;
	struct tracker_info	 ti;
	uint8_t			 r[8];

	(void)state;
	udp_srv_open(&s);
	fx_add(f, 0, "udp://127.0.0.1:%u/announce", s.port);
	fx_start(f, 14);
	tracker_announce(f->t, TRACKER_EV_STARTED, 1000);
	tracker_perform(f->t, NULL, NULL, 1000);
	assert_int_equal(udp_srv_recv(&s), 0);
	udp_srv_connect_reply(&s, 1);
	pump(f->t, 1000);
	assert_int_equal(udp_srv_recv(&s), 1);
	put32(r, 1);
	put32(r + 4, s.tid ^ 1);	/* not ours: dropped */
	udp_srv_send(&s, r, sizeof(r));
	pump(f->t, 1000);
	assert_true(tracker_busy(f->t));
	put32(r + 4, s.tid);
	udp_srv_send(&s, r, sizeof(r));
	pump(f->t, 1000);
	assert_false(tracker_busy(f->t));
	info_of(f, 0, &ti);
	assert_string_equal(ti.error, "announce refused: an empty reply "
	    "(the tracker does not serve this torrent)");
	assert_log(f, "(the tracker does not serve this torrent); no tracker "
	    "left");
	close(s.fd);
	fx_free(f);
}

static void
test_udp_backoff(void **state)
{
	static const uint64_t	waits[] = { 15, 30, 60, 120, 240, 480, 900,
	    900 };
	struct fx		*f = fx_new();
	struct udp_srv		 s;
	uint64_t		 now = 1000;
	size_t			 i;

	(void)state;
	udp_srv_open(&s);
	fx_add(f, 0, "udp://127.0.0.1:%u/announce", s.port);
	fx_start(f, 4);
	tracker_announce(f->t, TRACKER_EV_STARTED, now);
	for (i = 0; i < NELEM(waits); i++) {
		tracker_perform(f->t, NULL, NULL, now);
		assert_int_equal(udp_srv_recv(&s), 0);
		udp_srv_error_reply(&s, "go away");
		pump(f->t, now);
		assert_false(tracker_busy(f->t));
		assert_int_equal(tracker_timeout_ms(f->t, now),
		    waits[i] * 1000);
		/* NONE does not cut a back-off short. */
		tracker_announce(f->t, TRACKER_EV_NONE, now);
		assert_int_equal(tracker_timeout_ms(f->t, now),
		    waits[i] * 1000);
		now += waits[i] * 1000;
	}
	assert_log(f, "error: go away; no tracker left, next try in 15 s");
	assert_log(f, "next try in 900 s");
	/* Still STARTED: the tracker never heard of us. */
	tracker_perform(f->t, NULL, NULL, now);
	assert_int_equal(udp_srv_recv(&s), 0);
	udp_srv_connect_reply(&s, 1);
	pump(f->t, now);
	assert_int_equal(udp_srv_recv(&s), 1);
	assert_int_equal(be32(s.pkt + 80), TRACKER_EV_STARTED);
	close(s.fd);
	fx_free(f);
}

static void
test_udp_stopped(void **state)
{
	struct fx	*f = fx_new();
	struct udp_srv	 s;

	(void)state;
	udp_srv_open(&s);
	fx_add(f, 0, "udp://127.0.0.1:%u/announce", s.port);
	fx_start(f, 5);
	tracker_announce(f->t, TRACKER_EV_STARTED, 1000);
	tracker_perform(f->t, NULL, NULL, 1000);
	assert_int_equal(udp_srv_recv(&s), 0);
	/* STOPPED aborts the STARTED in flight and goes out instead. */
	tracker_announce(f->t, TRACKER_EV_STOPPED, 2000);
	assert_true(tracker_busy(f->t));
	tracker_announce(f->t, TRACKER_EV_STARTED, 2000);	/* ignored */
	tracker_perform(f->t, NULL, NULL, 2000);
	assert_int_equal(udp_srv_recv(&s), 0);
	udp_srv_connect_reply(&s, 7);
	pump(f->t, 2100);
	assert_int_equal(udp_srv_recv(&s), 1);
	assert_int_equal(be32(s.pkt + 80), TRACKER_EV_STOPPED);
	assert_int_equal(be32(s.pkt + 92), 0);		/* numwant */
	udp_srv_announce_reply(&s, 1800, 2);
	pump(f->t, 2200);
	assert_false(tracker_busy(f->t));
	assert_int_equal(f->rec.ncalls, 0);	/* no peers after stopping */
	assert_log(f, "/announce: stopped");
	assert_int_equal(tracker_timeout_ms(f->t, 2200), -1);
	tracker_announce(f->t, TRACKER_EV_NONE, 3000);
	assert_int_equal(tracker_timeout_ms(f->t, 3000), -1);
	close(s.fd);
	fx_free(f);
}

static void
test_event_queued_during_round(void **state)
{
	struct fx	*f = fx_new();
	struct udp_srv	 s;

	(void)state;
	udp_srv_open(&s);
	fx_add(f, 0, "udp://127.0.0.1:%u/announce", s.port);
	fx_start(f, 6);
	tracker_announce(f->t, TRACKER_EV_STARTED, 1000);
	tracker_perform(f->t, NULL, NULL, 1000);
	tracker_announce(f->t, TRACKER_EV_COMPLETED, 1050);
	udp_serve_ok(&s, f->t, 1100, 1800, 1);
	assert_int_equal(be32(s.pkt + 80), TRACKER_EV_STARTED);
	/* COMPLETED was asked for meanwhile: it went right after, in the
	 * same tracker_perform, on the connection id just obtained. */
	assert_true(tracker_busy(f->t));
	assert_int_equal(udp_srv_recv(&s), 1);
	assert_int_equal(be32(s.pkt + 80), TRACKER_EV_COMPLETED);
	close(s.fd);
	fx_free(f);
}

static void
test_tiers_and_info(void **state)
{
	struct fx		*f = fx_new(), *g = fx_new();
	struct tracker_info	 a, b;
	size_t			 i;
	int			 same = 1;

	(void)state;
	for (i = 0; i < 8; i++) {
		fx_add(f, 0, "http://h%zu.example/announce", i);
		fx_add(g, 0, "http://h%zu.example/announce", i);
	}
	fx_add(f, 1, "wss://ws.example/announce");
	fx_add(g, 1, "wss://ws.example/announce");
	fx_start(f, 7);
	fx_start(g, 8);
	assert_int_equal(tracker_count(f->t), 9);
	for (i = 0; i < 8; i++) {
		info_of(f, i, &a);
		info_of(g, i, &b);
		assert_int_equal(a.tier, 0);
		assert_int_equal(a.status, TRACKER_IDLE);
		assert_int_equal(a.seeders, -1);
		same = same && strcmp(a.url, b.url) == 0;
	}
	assert_false(same);	/* two seeds, two shuffles */
	info_of(f, 8, &a);
	assert_string_equal(a.url, "wss://ws.example/announce");
	assert_int_equal(a.tier, 1);
	assert_int_equal(a.status, TRACKER_ERROR);
	assert_string_equal(a.error, "unsupported URL scheme");
	assert_int_equal(tracker_info(f->t, 9, &a), BT_ERR_RANGE);
	assert_int_equal(tracker_timeout_ms(f->t, 0), -1);
	fx_free(f);
	fx_free(g);
}

static void
test_no_trackers(void **state)
{
	struct fx	*f = fx_new();

	(void)state;
	fx_add(f, 0, "wss://ws.example/announce");
	fx_start(f, 9);
	tracker_announce(f->t, TRACKER_EV_STARTED, 0);
	tracker_perform(f->t, NULL, NULL, 0);
	assert_false(tracker_busy(f->t));
	assert_int_equal(tracker_timeout_ms(f->t, 0), -1);
	tracker_announce(f->t, TRACKER_EV_STOPPED, 0);
	tracker_perform(f->t, NULL, NULL, 0);
	assert_false(tracker_busy(f->t));
	fx_free(f);
	f = fx_new();
	fx_start(f, 9);				/* no tiers at all */
	assert_int_equal(tracker_count(f->t), 0);
	tracker_announce(f->t, TRACKER_EV_STARTED, 0);
	tracker_perform(f->t, NULL, NULL, 0);
	assert_false(tracker_busy(f->t));
	fx_free(f);
}

static void
test_udp_bad_urls(void **state)
{
	static const char *const	urls[] = {
		"udp://127.0.0.1/announce", "udp://127.0.0.1:0/",
		"udp://127.0.0.1:99999/", "udp://:80/", "udp://[::1/",
		"udp://127.0.0.1:80x/",
	};
	struct fx		*f = fx_new();
	struct tracker_info	 ti;
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(urls); i++)
		fx_add(f, i % 4, "%s", urls[i]);
	fx_start(f, 10);
	/* Marked at creation, never contacted, never logged about. */
	for (i = 0; i < NELEM(urls); i++) {
		info_of(f, i, &ti);
		assert_int_equal(ti.status, TRACKER_ERROR);
		assert_string_equal(ti.error,
		    "bad UDP tracker URL (want udp://host:port/)");
	}
	tracker_announce(f->t, TRACKER_EV_STARTED, 0);
	tracker_perform(f->t, NULL, NULL, 0);
	assert_false(tracker_busy(f->t));
	assert_int_equal(tracker_timeout_ms(f->t, 0), -1);
	assert_int_equal(f->rec.nlogs, 0);
	fx_free(f);
}

/* --- UDP trackers by name, through the worker pool ---------------------- */

/* A fake tracker where "localhost" leads first (127.0.0.1 or ::1, as
 * /etc/hosts says); -1 when that is ::1 and this host has no IPv6. */
static int
udp_srv_open_localhost(struct udp_srv *s)
{
	struct resolve_result	res;

	assert_int_equal(resolve_now("localhost", 1, SOCK_DGRAM, &res), BT_OK);
	if (res.addr[0].ss_family == AF_INET6)
		return udp_srv_open6(s);
	udp_srv_open(s);
	return 0;
}

/* What the engine's loop does when worker_fd turns readable. */
static size_t
drain_pool(struct worker_pool *pool)
{
	struct pollfd	p = { .fd = worker_fd(pool), .events = POLLIN };

	if (poll(&p, 1, 10000) != 1)
		fail_msg("no resolution within 10 s");
	return worker_drain(pool);
}

static void
test_udp_name_resolves_in_pool(void **state)
{
	struct fx		*f = fx_new();
	struct udp_srv		 s;
	struct tracker_info	 ti;

	(void)state;
	if (udp_srv_open_localhost(&s) != 0) {
		fx_free(f);
		skip();
	}
	assert_non_null(f->pool = worker_pool_new(1));
	fx_add(f, 0, "udp://localhost:%u/announce", s.port);
	fx_start(f, 16);
	tracker_announce(f->t, TRACKER_EV_STARTED, 1000);
	tracker_perform(f->t, NULL, NULL, 1000);
	/* Resolving: announcing, busy, waiting for the pool (or 15 s). */
	assert_true(tracker_busy(f->t));
	info_of(f, 0, &ti);
	assert_int_equal(ti.status, TRACKER_ANNOUNCING);
	assert_int_equal(tracker_timeout_ms(f->t, 1000), 15000);
	assert_int_equal(drain_pool(f->pool), 1);
	/* The answer is only noted; tracker_perform acts on it. */
	assert_false(udp_srv_pending(&s, 0));
	assert_int_equal(tracker_timeout_ms(f->t, 1000), 0);
	tracker_perform(f->t, NULL, NULL, 1000);
	udp_serve_ok(&s, f->t, 1100, 900, 2);
	assert_int_equal(f->rec.npeers, 2);
	assert_log(f, "udp://localhost:");
	assert_log(f, "/announce: 2 peers, interval 900 s");
	assert_int_equal(worker_pending(f->pool), 0);
	close(s.fd);
	fx_free(f);
}

/* A name slower than 15 s fails the URL; its late answer is dropped.  A
 * tracker freed while a name resolves never hears of it (ASan checks). */
static void
test_udp_name_timeout_and_free(void **state)
{
	struct fx		*f = fx_new();
	struct udp_srv		 s2;
	struct tracker_info	 ti;

	(void)state;
	udp_srv_open(&s2);
	assert_non_null(f->pool = worker_pool_new(1));
	fx_add(f, 0, "udp://localhost:%u/announce", udp_dead_port());
	fx_add(f, 1, "udp://127.0.0.1:%u/announce", s2.port);
	fx_start(f, 17);
	tracker_announce(f->t, TRACKER_EV_STARTED, 1000);
	tracker_perform(f->t, NULL, NULL, 1000);
	tracker_perform(f->t, NULL, NULL, 15999);
	assert_false(udp_srv_pending(&s2, 0));
	tracker_perform(f->t, NULL, NULL, 16000);
	assert_log(f, "/announce: cannot resolve localhost: timed out, trying "
	    "udp://127.0.0.1:");
	info_of(f, 0, &ti);
	assert_string_equal(ti.error, "cannot resolve localhost: timed out");
	assert_true(udp_srv_pending(&s2, 1000));	/* tier 1 goes on */
	assert_int_equal(drain_pool(f->pool), 1);	/* cancelled: no call */
	assert_int_equal(tracker_timeout_ms(f->t, 16000), 15000);
	udp_serve_ok(&s2, f->t, 16100, 1800, 1);
	assert_int_equal(f->rec.npeers, 1);
	/* The next round resolves again; free the tracker meanwhile. */
	tracker_announce(f->t, TRACKER_EV_COMPLETED, 20000);
	tracker_perform(f->t, NULL, NULL, 20000);
	assert_true(tracker_busy(f->t));
	assert_int_equal(worker_pending(f->pool), 1);
	tracker_free(f->t);
	f->t = NULL;
	assert_int_equal(drain_pool(f->pool), 1);
	assert_int_equal(worker_pending(f->pool), 0);
	close(s2.fd);
	fx_free(f);
}

/* STOPPED while the name resolves: the first answer is dropped, the
 * STOPPED round resolves again and is sent. */
static void
test_udp_name_stopped_while_resolving(void **state)
{
	struct fx		*f = fx_new();
	struct udp_srv		 s;
	struct tracker_info	 ti;

	(void)state;
	if (udp_srv_open_localhost(&s) != 0) {
		fx_free(f);
		skip();
	}
	assert_non_null(f->pool = worker_pool_new(1));
	fx_add(f, 0, "udp://localhost:%u/announce", s.port);
	fx_start(f, 18);
	tracker_announce(f->t, TRACKER_EV_STARTED, 1000);
	tracker_perform(f->t, NULL, NULL, 1000);
	tracker_announce(f->t, TRACKER_EV_STOPPED, 1000);
	info_of(f, 0, &ti);
	assert_int_equal(ti.status, TRACKER_IDLE);	/* undone */
	assert_true(tracker_busy(f->t));
	tracker_perform(f->t, NULL, NULL, 1000);	/* resolves again */
	while (worker_pending(f->pool) > 0)
		drain_pool(f->pool);
	tracker_perform(f->t, NULL, NULL, 1000);
	assert_int_equal(udp_srv_recv(&s), 0);
	assert_false(udp_srv_pending(&s, 50));		/* one connect only */
	udp_srv_connect_reply(&s, 7);
	pump(f->t, 1000);
	assert_int_equal(udp_srv_recv(&s), 1);
	assert_int_equal(be32(s.pkt + 80), TRACKER_EV_STOPPED);
	udp_srv_announce_reply(&s, 1800, 0);
	pump(f->t, 1000);
	assert_false(tracker_busy(f->t));
	assert_log(f, "/announce: stopped");
	close(s.fd);
	fx_free(f);
}

/* A name the resolver refuses fails the URL with the resolver's words,
 * both inline and through the pool. */
static void
test_udp_name_not_found(void **state)
{
	struct fx	*f;
	struct udp_srv	 s;
	int		 pooled;

	(void)state;
	for (pooled = 0; pooled < 2; pooled++) {
		f = fx_new();
		udp_srv_open(&s);
		if (pooled)
			assert_non_null(f->pool = worker_pool_new(1));
		fx_add(f, 0, "udp://nonexistent.invalid:6969/announce");
		fx_add(f, 1, "udp://127.0.0.1:%u/announce", s.port);
		fx_start(f, 19);
		tracker_announce(f->t, TRACKER_EV_STARTED, 1000);
		tracker_perform(f->t, NULL, NULL, 1000);
		if (pooled) {
			assert_false(udp_srv_pending(&s, 0));
			assert_int_equal(drain_pool(f->pool), 1);
			tracker_perform(f->t, NULL, NULL, 1000);
		}
		assert_log(f, "udp://nonexistent.invalid:6969/announce: cannot "
		    "resolve nonexistent.invalid: ");
		assert_log(f, ", trying udp://127.0.0.1:");
		assert_int_equal(udp_srv_recv(&s), 0);
		close(s.fd);
		fx_free(f);
	}
}

/* --- HTTP fake tracker ------------------------------------------------- */

struct route {
	const char	*path;		/* request path prefix */
	const char	*head;		/* status line and extra headers */
	const char	*body;
	size_t		 len;
	int		 no_length;	/* no Content-Length: close ends it */
};

struct hconn {
	int	 fd;
	char	 req[4096];
	size_t	 rlen;
	char	*out;
	size_t	 olen, off;
};

struct hsrv {
	int			 lfd;
	uint16_t		 port;
	struct hconn		 c[8];
	const struct route	*routes;
	size_t			 nroutes;
	char			 reqs[16][1024];	/* request lines seen */
	int			 nreqs;
};

static uint64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
set_nonblock(int fd)
{
	assert_int_equal(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK),
	    0);
}

static void
hsrv_open(struct hsrv *s, const struct route *routes, size_t n)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);
	size_t			i;
	int			one = 1;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < NELEM(s->c); i++)
		s->c[i].fd = -1;
	s->routes = routes;
	s->nroutes = n;
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_int_equal(listen(s->lfd, 8), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sin, &sl), 0);
	s->port = ntohs(sin.sin_port);
	set_nonblock(s->lfd);
}

static void
hconn_close(struct hconn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void
hsrv_close(struct hsrv *s)
{
	size_t	i;

	for (i = 0; i < NELEM(s->c); i++)
		hconn_close(&s->c[i]);
	close(s->lfd);
}

static void
hsrv_fdset(struct hsrv *s, fd_set *rd, fd_set *wr, int *maxfd)
{
	size_t	i;

	FD_SET(s->lfd, rd);
	if (s->lfd > *maxfd)
		*maxfd = s->lfd;
	for (i = 0; i < NELEM(s->c); i++) {
		if (s->c[i].fd < 0)
			continue;
		FD_SET(s->c[i].fd, s->c[i].out != NULL ? wr : rd);
		if (s->c[i].fd > *maxfd)
			*maxfd = s->c[i].fd;
	}
}

/* The request is complete: pick the route by path, queue the answer. */
static void
hconn_answer(struct hsrv *s, struct hconn *c)
{
	const struct route	*r = NULL;
	char			*path, *sp, clen[64] = "";
	size_t			 i, hl;

	sp = strchr(c->req, '\r');
	*sp = '\0';
	if (s->nreqs < (int)NELEM(s->reqs))
		snprintf(s->reqs[s->nreqs++], sizeof(s->reqs[0]), "%s", c->req);
	path = c->req + 4;
	for (i = 0; i < s->nroutes && r == NULL; i++) {
		if (strncmp(path, s->routes[i].path,
		    strlen(s->routes[i].path)) == 0)
			r = &s->routes[i];
	}
	assert_non_null(r);
	if (!r->no_length)
		snprintf(clen, sizeof(clen), "Content-Length: %zu\r\n", r->len);
	hl = strlen(r->head) + strlen(clen) + 64;
	c->out = malloc(hl + r->len);
	assert_non_null(c->out);
	c->olen = (size_t)snprintf(c->out, hl, "%s\r\n%sConnection: close\r\n"
	    "\r\n", r->head, clen);
	memcpy(c->out + c->olen, r->body, r->len);
	c->olen += r->len;
}

static void
hconn_service(struct hsrv *s, struct hconn *c, fd_set *rd, fd_set *wr)
{
	ssize_t	n;

	if (c->out == NULL && FD_ISSET(c->fd, rd)) {
		n = read(c->fd, c->req + c->rlen, sizeof(c->req) - 1 - c->rlen);
		if (n <= 0) {
			hconn_close(c);
			return;
		}
		c->rlen += (size_t)n;
		c->req[c->rlen] = '\0';
		if (strstr(c->req, "\r\n\r\n") != NULL)
			hconn_answer(s, c);
	} else if (c->out != NULL && FD_ISSET(c->fd, wr)) {
		n = write(c->fd, c->out + c->off, c->olen - c->off);
		if (n < 0 && errno != EAGAIN)
			hconn_close(c);
		else if (n > 0 && (c->off += (size_t)n) == c->olen)
			hconn_close(c);
	}
}

static void
hsrv_service(struct hsrv *s, fd_set *rd, fd_set *wr)
{
	size_t	i;
	int	fd;

	for (i = 0; i < NELEM(s->c); i++) {
		if (s->c[i].fd >= 0)
			hconn_service(s, &s->c[i], rd, wr);
	}
	if (!FD_ISSET(s->lfd, rd) || (fd = accept(s->lfd, NULL, NULL)) < 0)
		return;
	set_nonblock(fd);
	for (i = 0; i < NELEM(s->c); i++) {
		if (s->c[i].fd < 0) {
			s->c[i].fd = fd;
			return;
		}
	}
	close(fd);
}

/* The engine's loop, for real: until done() or the wall-clock limit. */
static int
run_until(struct fx *f, struct hsrv *s, int (*done)(const struct fx *))
{
	uint64_t	deadline = mono_ms() + WALL_LIMIT_MS;
	int64_t		wait;
	fd_set		rd, wr;
	struct timeval	tv;
	int		maxfd;

	while (!done(f) && mono_ms() < deadline) {
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		maxfd = -1;
		tracker_fdset(f->t, &rd, &wr, &maxfd);
		hsrv_fdset(s, &rd, &wr, &maxfd);
		wait = tracker_timeout_ms(f->t, mono_ms());
		if (wait < 0 || wait > 20)
			wait = 20;
		tv.tv_sec = 0;
		tv.tv_usec = (suseconds_t)wait * 1000;
		if (select(maxfd + 1, &rd, &wr, NULL, &tv) < 0) {
			FD_ZERO(&rd);
			FD_ZERO(&wr);
		}
		hsrv_service(s, &rd, &wr);
		tracker_perform(f->t, &rd, &wr, mono_ms());
	}
	return done(f);
}

static int
got_peers(const struct fx *f)
{
	return f->rec.ncalls > 0;
}

static int
round_over(const struct fx *f)
{
	return !tracker_busy(f->t) && f->rec.nlogs > 0;
}

#define OK_BODY	"d8:intervali900e12:min intervali120e5:peers12:" \
	"\x7f\0\0\x01\x1a\xe1\x7f\0\0\x02\x1a\xe2" "10:tracker id5:abcdee"

static const struct route	http_routes[] = {
	{ "/good", "HTTP/1.1 200 OK", OK_BODY, sizeof(OK_BODY) - 1, 0 },
	{ "/fail", "HTTP/1.1 200 OK",
	    "d14:failure reason17:torrent not founde", 39, 0 },
	{ "/500", "HTTP/1.1 500 Internal Server Error", "oops", 4, 0 },
	{ "/warn", "HTTP/1.1 200 OK",
	    "d5:peers0:15:warning message7:go awaye", 38, 0 },
	{ "/redir", "HTTP/1.1 302 Found\r\nLocation: /good", "", 0, 0 },
	{ "/evil", "HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd",
	    "", 0, 0 },
	{ "/loop", "HTTP/1.1 302 Found\r\nLocation: /loop", "", 0, 0 },
	{ "/garbage", "HTTP/1.1 200 OK", "<html>hi</html>", 15, 0 },
};

static struct fx *
http_fx(struct hsrv *s, const char *const *paths, size_t n)
{
	struct fx	*f = fx_new();
	size_t		 i;

	hsrv_open(s, http_routes, NELEM(http_routes));
	for (i = 0; i < n; i++)
		fx_add(f, i, "http://127.0.0.1:%u%s", s->port, paths[i]);
	fx_start(f, 11);
	return f;
}

static void
test_http_announce(void **state)
{
	static const char *const	paths[] = { "/good" };
	static const char		want[] = "GET /good?info_hash="
	    TEST_HASH_PCT "&peer_id=-BT0100-abcdefghijkl&port=6881"
	    "&uploaded=111&downloaded=222&left=333&compact=1&numwant=80&key=";
	struct hsrv			s;
	struct fx			*f = http_fx(&s, paths, 1);
	struct tracker_info		ti;

	(void)state;
	tracker_announce(f->t, TRACKER_EV_STARTED, mono_ms());
	assert_true(run_until(f, &s, got_peers));
	assert_int_equal(s.nreqs, 1);
	assert_true(strncmp(s.reqs[0], want, strlen(want)) == 0);
	assert_non_null(strstr(s.reqs[0], "&event=started HTTP/1.1"));
	assert_null(strstr(s.reqs[0], "trackerid"));
	assert_int_equal(f->rec.npeers, 2);
	assert_int_equal(f->rec.peers[1].port, 6882);
	assert_log(f, "/good: 2 peers, interval 900 s");
	info_of(f, 0, &ti);
	assert_int_equal(ti.status, TRACKER_OK);
	assert_false(tracker_busy(f->t));
	assert_true(tracker_timeout_ms(f->t, mono_ms()) > 890 * 1000);
	/* "min interval" 120 s holds back an announce for more peers, but a
	 * starving client waits 30 s at most. */
	tracker_announce(f->t, TRACKER_EV_NONE, mono_ms());
	assert_false(tracker_busy(f->t));
	assert_true(tracker_timeout_ms(f->t, mono_ms()) > 20 * 1000);
	assert_true(tracker_timeout_ms(f->t, mono_ms()) <= 30 * 1000);
	/* The next announce carries the tracker id and its event. */
	tracker_announce(f->t, TRACKER_EV_COMPLETED, mono_ms());
	f->rec.ncalls = 0;
	assert_true(run_until(f, &s, got_peers));
	assert_int_equal(s.nreqs, 2);
	assert_non_null(strstr(s.reqs[1], "&event=completed&trackerid=abcde"));
	/* And STOPPED keeps tracker_busy() up until it is done. */
	tracker_announce(f->t, TRACKER_EV_STOPPED, mono_ms());
	assert_true(tracker_busy(f->t));
	f->rec.nlogs = 0;
	assert_true(run_until(f, &s, round_over));
	assert_non_null(strstr(s.reqs[2], "&numwant=0&"));
	assert_non_null(strstr(s.reqs[2], "&event=stopped"));
	assert_log(f, "/good: stopped");
	hsrv_close(&s);
	fx_free(f);
}

static void
test_http_failure_reason(void **state)
{
	static const char *const	paths[] = { "/fail" };
	struct hsrv			s;
	struct fx			*f = http_fx(&s, paths, 1);
	struct tracker_info		ti;

	(void)state;
	tracker_announce(f->t, TRACKER_EV_STARTED, mono_ms());
	assert_true(run_until(f, &s, round_over));
	assert_log(f, "/fail: failure: torrent not found; no tracker left, "
	    "next try in 15 s");
	info_of(f, 0, &ti);
	assert_int_equal(ti.status, TRACKER_ERROR);
	assert_string_equal(ti.error, "failure: torrent not found");
	assert_int_equal(f->rec.ncalls, 0);
	hsrv_close(&s);
	fx_free(f);
}

static void
test_http_500_next_tier(void **state)
{
	static const char *const	paths[] = { "/500", "/garbage",
		"/warn", "/good" };
	struct hsrv			s;
	struct fx			*f = http_fx(&s, paths, 4);
	struct tracker_info		ti;

	(void)state;
	tracker_announce(f->t, TRACKER_EV_STARTED, mono_ms());
	assert_true(run_until(f, &s, round_over));
	assert_log(f, "/500: HTTP 500, trying http://");
	assert_log(f, "/garbage: tracker reply is not bencode: byte 0: ");
	assert_log(f, "/warn: warning: go away");
	assert_log(f, "/warn: 0 peers, interval 1800 s");
	assert_int_equal(s.nreqs, 3);
	info_of(f, 0, &ti);
	assert_string_equal(ti.error, "HTTP 500");
	info_of(f, 2, &ti);
	assert_int_equal(ti.status, TRACKER_OK);
	info_of(f, 3, &ti);
	assert_int_equal(ti.status, TRACKER_IDLE);
	hsrv_close(&s);
	fx_free(f);
}

static void
test_http_redirects(void **state)
{
	static const char *const	paths[] = { "/evil", "/loop", "/redir" };
	struct hsrv			s;
	struct fx			*f = http_fx(&s, paths, 3);
	struct tracker_info		ti;

	(void)state;
	tracker_announce(f->t, TRACKER_EV_STARTED, mono_ms());
	assert_true(run_until(f, &s, got_peers));
	info_of(f, 0, &ti);
	assert_int_equal(ti.status, TRACKER_ERROR);	/* file:// refused */
	info_of(f, 1, &ti);
	assert_int_equal(ti.status, TRACKER_ERROR);
	assert_non_null(strstr(ti.error, "redirect"));
	info_of(f, 2, &ti);
	assert_int_equal(ti.status, TRACKER_OK);
	assert_int_equal(s.nreqs, 1 + 6 + 2);	/* /loop: 1 + 5 redirects */
	assert_string_equal(s.reqs[8], "GET /good HTTP/1.1");
	hsrv_close(&s);
	fx_free(f);
}

/* A TCP port where nothing listens (bound, then closed). */
static uint16_t
tcp_dead_port(void)
{
	struct hsrv	s;
	uint16_t	port;

	hsrv_open(&s, NULL, 0);
	port = s.port;
	hsrv_close(&s);
	return port;
}

static void
test_http_body_cap_and_refused(void **state)
{
	struct route			big = { "/big", "HTTP/1.1 200 OK", NULL,
		TRACKER_MAX_BODY + 100, 1 };
	struct hsrv			s;
	struct fx			*f = fx_new();
	struct tracker_info		ti;
	char				*body;

	(void)state;
	body = malloc(big.len);
	assert_non_null(body);
	memset(body, 'x', big.len);
	big.body = body;
	hsrv_open(&s, &big, 1);
	fx_add(f, 0, "http://127.0.0.1:%u/announce", tcp_dead_port());
	fx_add(f, 1, "http://127.0.0.1:%u/big", s.port);
	fx_start(f, 12);
	tracker_announce(f->t, TRACKER_EV_STARTED, mono_ms());
	assert_true(run_until(f, &s, round_over));
	info_of(f, 0, &ti);
	assert_int_equal(ti.status, TRACKER_ERROR);
	info_of(f, 1, &ti);
	assert_string_equal(ti.error, "reply is larger than 1048576 bytes");
	assert_log(f, "no tracker left, next try in 15 s");
	hsrv_close(&s);
	free(body);
	fx_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_udp_announce),
		cmocka_unit_test(test_udp_conn_reuse_and_min_interval),
		cmocka_unit_test(test_udp_ipv6),
		cmocka_unit_test(test_udp_retransmit_then_next_tier),
		cmocka_unit_test(test_udp_error_and_refused),
		cmocka_unit_test(test_udp_malformed_reply),
		cmocka_unit_test(test_udp_backoff),
		cmocka_unit_test(test_udp_stopped),
		cmocka_unit_test(test_event_queued_during_round),
		cmocka_unit_test(test_tiers_and_info),
		cmocka_unit_test(test_no_trackers),
		cmocka_unit_test(test_udp_bad_urls),
		cmocka_unit_test(test_udp_name_resolves_in_pool),
		cmocka_unit_test(test_udp_name_timeout_and_free),
		cmocka_unit_test(test_udp_name_stopped_while_resolving),
		cmocka_unit_test(test_udp_name_not_found),
		cmocka_unit_test(test_http_announce),
		cmocka_unit_test(test_http_failure_reason),
		cmocka_unit_test(test_http_500_next_tier),
		cmocka_unit_test(test_http_redirects),
		cmocka_unit_test(test_http_body_cap_and_refused),
	};
	int	r;

	signal(SIGPIPE, SIG_IGN);
	/* A DNS server that does not answer: one 1 s try (glibc). */
	setenv("RES_OPTIONS", "timeout:1 attempts:1", 1);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 2;
	r = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return r;
}
