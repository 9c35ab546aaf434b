/*
 * peerswarm: many slow but well-behaved peers on loopback, for the screen
 * benchmark (tests/bench/screen.sh): N TCP connections to one bttui, each
 * with a peer id of its own, that do the BitTorrent handshake for the
 * torrent, send a BITFIELD of some pieces, UNCHOKE and INTERESTED, then
 * answer REQUESTs slowly (one block every PACE ms or so, the interval drawn
 * anew each time, so that the rates bttui shows keep changing) or never
 * (the muted share, and all of them without -d), announce a new piece now
 * and then (HAVE) and send keep-alives.  They stay connected for the hold
 * time, then the tool closes them all and exits; SIGTERM stops it at once.
 *
 *   peerswarm FILE.torrent --connect HOST:PORT [-n N] [-d DIR]
 *             [--hold S] [--pace MS] [--have PCT] [--mute PCT]
 *
 * Bounded: N <= 500, the target must be a loopback address, at most
 * OPENING_MAX handshakes are in flight at once (bttui keeps at most 64
 * connections before their handshake and closes the ones past that), and a
 * connection bttui closes is opened again at most RETRIES times, a second
 * apart.  Once a second it prints one line for the script to read:
 *
 *   peerswarm: A active, O opening, W waiting, G given up; C closed by
 *   bttui, B blocks sent
 *
 * Plain BEP 3 only: no extension bits, no MSE.  A test tool, so one
 * poll() loop over non-blocking sockets and no cleverness.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "engine/bitfield.h"
#include "engine/metainfo.h"
#include "engine/peer.h"
#include "engine/rng.h"
#include "engine/storage.h"
#include "engine/wire.h"

#define PS_MAX_CONNS		500
#define OPENING_MAX		32	/* under listen.c's INCOMING_MAX (64) */
#define RETRIES			10	/* opens after the first, per slot */
#define RETRY_MS		1000
#define QUEUE_MAX		512	/* requests kept per connection */
#define OUT_HIGH		(64u * 1024)	/* no new block past this */
#define OUT_MAX			(1024u * 1024)
#define KEEPALIVE_MS		30000
#define HAVE_MS			5000	/* a new piece announced, on average */
#define REPORT_MS		1000
#define TICK_MS			20	/* poll's longest wait */
#define DEFAULT_HOLD_S		60
#define DEFAULT_PACE_MS		2000
#define DEFAULT_HAVE_PCT	50
#define DEFAULT_MUTE_PCT	25

enum ps_state {
	PS_WAITING,		/* to be opened (again) at retry_ms */
	PS_CONNECTING,		/* connect() in progress */
	PS_HANDSHAKE,		/* ours sent, bttui's not complete yet */
	PS_ACTIVE,
	PS_GIVEN_UP,		/* closed RETRIES + 1 times */
};

struct ps_req {
	uint32_t	index, begin, length;	/* length 0: cancelled */
};

struct ps_conn {
	size_t		 slot;
	int		 fd;
	enum ps_state	 state;
	unsigned	 opens;
	int		 mute;		/* never answers a request */
	uint64_t	 retry_ms, next_block_ms, next_have_ms, last_send_ms;
	struct bitfield	 has;		/* the pieces it claims */
	struct bbuf	 in, out;
	struct ps_req	 q[QUEUE_MAX];	/* a ring */
	size_t		 qhead, qlen;
};

struct peerswarm {
	const char	*torrent, *dir;
	struct metainfo	*meta;
	struct storage	*store;		/* -d; NULL: requests go unanswered */
	struct peer_addr target;
	size_t		 n;
	struct ps_conn	*conns;
	struct pollfd	*pfd;
	uint64_t	 hold_ms, pace_ms, now_ms;
	unsigned	 have_pct, mute_pct;
	uint64_t	 rng;
	unsigned long	 closed, blocks;
};

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* From a quarter to 7/4 of mean_ms: the mean stays, the rates wander. */
static uint64_t
jitter(struct peerswarm *ps, uint64_t mean_ms)
{
	uint32_t	span = (uint32_t)(mean_ms * 3 / 2);

	return mean_ms / 4 + (span > 0 ? rng_below(&ps->rng, span) : 0);
}

/* ---- opening and closing ---- */

static void
conn_close(struct peerswarm *ps, struct ps_conn *c, int by_bttui)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	bbuf_reset(&c->in);
	bbuf_reset(&c->out);
	c->qhead = c->qlen = 0;
	if (by_bttui)
		ps->closed++;
	c->state = c->opens > RETRIES ? PS_GIVEN_UP : PS_WAITING;
	c->retry_ms = ps->now_ms + RETRY_MS;
}

/* Our handshake, with a peer id no other connection of ours has: bttui
 * drops a second connection that presents one it already has. */
static int
queue_handshake(struct peerswarm *ps, struct ps_conn *c)
{
	uint8_t	reserved[WIRE_RESERVED_LEN];
	char	id[WIRE_PEER_ID_LEN + 1];

	snprintf(id, sizeof(id), "-PS0001-%04x%04x%04x",
	    (unsigned)getpid() & 0xffff, (unsigned)c->slot & 0xffff,
	    c->opens & 0xffff);
	wire_reserved_make(0, reserved);
	return wire_handshake_encode(&c->out, reserved, ps->meta->info_hash,
	    (const uint8_t *)id);
}

static void
conn_open(struct peerswarm *ps, struct ps_conn *c)
{
	int	fd;

	c->opens++;
	if ((fd = socket(ps->target.ss.ss_family, SOCK_STREAM, 0)) < 0) {
		conn_close(ps, c, 0);
		return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	c->fd = fd;
	if (connect(fd, (const struct sockaddr *)&ps->target.ss,
	    ps->target.len) < 0 && errno != EINPROGRESS) {
		conn_close(ps, c, 1);
		return;
	}
	c->state = PS_CONNECTING;
}

static size_t
count_state(const struct peerswarm *ps, enum ps_state s)
{
	size_t	i, n = 0;

	for (i = 0; i < ps->n; i++)
		if (ps->conns[i].state == s)
			n++;
	return n;
}

static void
open_more(struct peerswarm *ps)
{
	size_t	i, opening = count_state(ps, PS_CONNECTING) +
		    count_state(ps, PS_HANDSHAKE);

	for (i = 0; i < ps->n && opening < OPENING_MAX; i++) {
		struct ps_conn *c = &ps->conns[i];

		if (c->state != PS_WAITING || c->retry_ms > ps->now_ms)
			continue;
		conn_open(ps, c);
		if (c->state == PS_CONNECTING)
			opening++;
	}
}

/* ---- bytes ---- */

static void
conn_flush(struct peerswarm *ps, struct ps_conn *c)
{
	ssize_t	w;

	while (bbuf_len(&c->out) > 0) {
		w = send(c->fd, bbuf_ptr(&c->out), bbuf_len(&c->out),
		    MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (w <= 0) {
			conn_close(ps, c, 1);
			return;
		}
		(void)bbuf_consume(&c->out, (size_t)w);
		c->last_send_ms = ps->now_ms;
	}
}

/* BT_OK, BT_ERR_INCOMPLETE (nothing more now) or BT_ERR_CLOSED. */
static int
conn_fill(struct ps_conn *c)
{
	uint8_t	*dst;
	size_t	 room = bbuf_avail(&c->in);
	ssize_t	 n;

	if (room > 65536)
		room = 65536;
	if (room == 0 || bbuf_reserve(&c->in, room, &dst) != BT_OK)
		return BT_ERR_CLOSED;	/* bttui sent more than it may */
	if ((n = recv(c->fd, dst, room, 0)) < 0)
		return errno == EAGAIN || errno == EINTR ? BT_ERR_INCOMPLETE :
		    BT_ERR_CLOSED;
	if (n == 0)
		return BT_ERR_CLOSED;
	bbuf_commit(&c->in, (size_t)n);
	return BT_OK;
}

/* ---- the protocol ---- */

static void
pick_pieces(struct peerswarm *ps, struct ps_conn *c)
{
	uint32_t	i, n = ps->meta->num_pieces;

	bitfield_cleanup(&c->has);
	(void)bitfield_init(&c->has, n);
	for (i = 0; i < n; i++)
		if (rng_below(&ps->rng, 100) < ps->have_pct)
			bitfield_set(&c->has, i);
	if (bitfield_count(&c->has) == 0)
		bitfield_set(&c->has, rng_below(&ps->rng, n));
}

static void
on_handshake(struct peerswarm *ps, struct ps_conn *c)
{
	struct wire_handshake	hs;

	if (bbuf_len(&c->in) < WIRE_HANDSHAKE_LEN)
		return;
	if (wire_handshake_decode(&c->in, &hs) != BT_OK ||
	    memcmp(hs.info_hash, ps->meta->info_hash, 20) != 0) {
		conn_close(ps, c, 1);
		return;
	}
	pick_pieces(ps, c);
	if (wire_put_bitfield(&c->out, bitfield_bytes(&c->has),
	    bitfield_nbytes(&c->has)) != BT_OK ||
	    wire_put_simple(&c->out, WIRE_UNCHOKE) != BT_OK ||
	    wire_put_simple(&c->out, WIRE_INTERESTED) != BT_OK) {
		conn_close(ps, c, 0);
		return;
	}
	c->state = PS_ACTIVE;
	c->mute = ps->store == NULL ||
	    rng_below(&ps->rng, 100) < ps->mute_pct;
	c->next_block_ms = ps->now_ms + jitter(ps, ps->pace_ms);
	c->next_have_ms = ps->now_ms + jitter(ps, HAVE_MS);
}

static void
on_request(struct peerswarm *ps, struct ps_conn *c, const struct wire_msg *m)
{
	struct ps_req	*r;

	if (c->qlen == QUEUE_MAX || !bitfield_get(&c->has, m->index) ||
	    (uint64_t)m->begin + m->length >
	    metainfo_piece_size(ps->meta, m->index))
		return;		/* bttui gives up on it in time */
	r = &c->q[(c->qhead + c->qlen++) % QUEUE_MAX];
	r->index = m->index;
	r->begin = m->begin;
	r->length = m->length;
}

static void
on_cancel(struct ps_conn *c, const struct wire_msg *m)
{
	size_t	i;

	for (i = 0; i < c->qlen; i++) {
		struct ps_req *r = &c->q[(c->qhead + i) % QUEUE_MAX];

		if (r->index == m->index && r->begin == m->begin &&
		    r->length == m->length)
			r->length = 0;
	}
}

static void
on_messages(struct peerswarm *ps, struct ps_conn *c)
{
	struct wire_msg	m;
	int		r;

	while ((r = wire_decode(&c->in, ps->meta->num_pieces, &m)) == BT_OK) {
		if (m.type == WIRE_REQUEST)
			on_request(ps, c, &m);
		else if (m.type == WIRE_CANCEL)
			on_cancel(c, &m);
	}
	if (r != BT_ERR_INCOMPLETE)
		conn_close(ps, c, 0);	/* not what bttui should send */
}

static void
on_readable(struct peerswarm *ps, struct ps_conn *c)
{
	int	r;

	while ((r = conn_fill(c)) == BT_OK) {
		if (c->state == PS_HANDSHAKE)
			on_handshake(ps, c);
		if (c->state == PS_ACTIVE)
			on_messages(ps, c);
		if (c->state != PS_HANDSHAKE && c->state != PS_ACTIVE)
			return;
	}
	if (r == BT_ERR_CLOSED)
		conn_close(ps, c, 1);
}

static void
on_connected(struct peerswarm *ps, struct ps_conn *c)
{
	int		err = 0;
	socklen_t	len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 ||
	    err != 0 || queue_handshake(ps, c) != BT_OK) {
		conn_close(ps, c, 1);
		return;
	}
	c->state = PS_HANDSHAKE;
}

/* The oldest request still wanted, as one PIECE into c->out. */
static void
send_block(struct peerswarm *ps, struct ps_conn *c)
{
	struct ps_req	r;
	uint8_t		*dst;

	do {
		if (c->qlen == 0)
			return;
		r = c->q[c->qhead];
		c->qhead = (c->qhead + 1) % QUEUE_MAX;
		c->qlen--;
	} while (r.length == 0);
	if (wire_put_piece_header(&c->out, r.index, r.begin, r.length) !=
	    BT_OK || bbuf_reserve(&c->out, r.length, &dst) != BT_OK)
		return;
	if (storage_read(ps->store, r.index, r.begin, dst, r.length) !=
	    BT_OK) {
		fprintf(stderr, "peerswarm: %s\n", storage_error(ps->store));
		exit(2);	/* a partial PIECE is queued: nothing to save */
	}
	bbuf_commit(&c->out, r.length);
	ps->blocks++;
}

/* A piece it did not claim yet, announced. */
static void
send_have(struct peerswarm *ps, struct ps_conn *c)
{
	uint32_t	n = ps->meta->num_pieces, i, at = rng_below(&ps->rng, n);

	for (i = 0; i < n; i++, at = (at + 1) % n)
		if (!bitfield_get(&c->has, at)) {
			bitfield_set(&c->has, at);
			(void)wire_put_have(&c->out, at);
			return;
		}
}

static void
timers(struct peerswarm *ps, struct ps_conn *c)
{
	if (c->state != PS_ACTIVE)
		return;
	if (!c->mute && ps->now_ms >= c->next_block_ms &&
	    bbuf_len(&c->out) < OUT_HIGH) {
		send_block(ps, c);
		c->next_block_ms = ps->now_ms + jitter(ps, ps->pace_ms);
	}
	if (ps->now_ms >= c->next_have_ms) {
		send_have(ps, c);
		c->next_have_ms = ps->now_ms + jitter(ps, HAVE_MS);
	}
	if (bbuf_len(&c->out) == 0 &&
	    ps->now_ms - c->last_send_ms >= KEEPALIVE_MS)
		(void)wire_put_keepalive(&c->out);
}

/* ---- the loop ---- */

static void
report(const struct peerswarm *ps)
{
	printf("peerswarm: %zu active, %zu opening, %zu waiting, %zu given up; "
	    "%lu closed by bttui, %lu blocks sent\n",
	    count_state(ps, PS_ACTIVE), count_state(ps, PS_CONNECTING) +
	    count_state(ps, PS_HANDSHAKE), count_state(ps, PS_WAITING),
	    count_state(ps, PS_GIVEN_UP), ps->closed, ps->blocks);
	fflush(stdout);
}

static void
poll_once(struct peerswarm *ps)
{
	size_t	i;

	for (i = 0; i < ps->n; i++) {
		struct ps_conn *c = &ps->conns[i];
		int live = c->state == PS_CONNECTING ||
		    c->state == PS_HANDSHAKE || c->state == PS_ACTIVE;

		ps->pfd[i].fd = live ? c->fd : -1;
		ps->pfd[i].events = c->state == PS_CONNECTING ? POLLOUT :
		    POLLIN | (bbuf_len(&c->out) > 0 ? POLLOUT : 0);
		ps->pfd[i].revents = 0;
	}
	if (poll(ps->pfd, ps->n, TICK_MS) < 0 && errno != EINTR) {
		perror("peerswarm: poll");
		exit(2);
	}
	ps->now_ms = now_ms();
	for (i = 0; i < ps->n; i++) {
		struct ps_conn *c = &ps->conns[i];
		short ev = ps->pfd[i].revents;

		if (ev == 0 || ps->pfd[i].fd < 0)
			continue;
		if (c->state == PS_CONNECTING)
			on_connected(ps, c);
		else if (ev & (POLLIN | POLLHUP | POLLERR))
			on_readable(ps, c);
	}
}

static void
run(struct peerswarm *ps)
{
	uint64_t	end, next_report;
	size_t		i;

	ps->now_ms = now_ms();
	end = ps->now_ms + ps->hold_ms;
	next_report = ps->now_ms + REPORT_MS;
	while (ps->now_ms < end) {
		open_more(ps);
		poll_once(ps);
		for (i = 0; i < ps->n; i++) {
			struct ps_conn *c = &ps->conns[i];

			timers(ps, c);
			if (c->fd >= 0 && c->state != PS_CONNECTING &&
			    bbuf_len(&c->out) > 0)
				conn_flush(ps, c);
		}
		if (ps->now_ms >= next_report) {
			report(ps);
			next_report += REPORT_MS;
		}
	}
	report(ps);
	for (i = 0; i < ps->n; i++)
		conn_close(ps, &ps->conns[i], 0);
}

/* ---- set-up ---- */

static void
usage(void)
{
	fprintf(stderr,
"usage: peerswarm FILE.torrent --connect HOST:PORT [-n N] [-d DIR]\n"
"           [--hold SECONDS] [--pace MS] [--have PCT] [--mute PCT]\n"
"  -n N       connections, 1 to %d (default 100), each a peer of its own\n"
"  -d DIR     the torrent's data, to answer requests from (default: none,\n"
"             requests are never answered)\n"
"  --hold S   seconds before it closes them all and exits (default %d)\n"
"  --pace MS  a block every MS ms per peer on average (default %d)\n"
"  --have PCT share of the pieces each peer claims (default %d)\n"
"  --mute PCT share of the peers that never answer (default %d)\n"
"HOST must be a loopback address.\n", PS_MAX_CONNS, DEFAULT_HOLD_S,
	    DEFAULT_PACE_MS, DEFAULT_HAVE_PCT, DEFAULT_MUTE_PCT);
	exit(1);
}

static unsigned long
parse_num(const char *s, unsigned long min, unsigned long max)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

static void
parse_args(struct peerswarm *ps, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "connect", required_argument, NULL, 'c' },
		{ "hold", required_argument, NULL, 'H' },
		{ "pace", required_argument, NULL, 'P' },
		{ "have", required_argument, NULL, 'h' },
		{ "mute", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*where = NULL;
	int		 ch;

	ps->n = 100;
	ps->hold_ms = DEFAULT_HOLD_S * 1000;
	ps->pace_ms = DEFAULT_PACE_MS;
	ps->have_pct = DEFAULT_HAVE_PCT;
	ps->mute_pct = DEFAULT_MUTE_PCT;
	while ((ch = getopt_long(argc, argv, "d:n:", opts, NULL)) != -1) {
		if (ch == 'c') {
			if (peer_addr_parse(optarg, &ps->target) != BT_OK)
				usage();
			where = optarg;
		} else if (ch == 'H')
			ps->hold_ms = parse_num(optarg, 1, 3600) * 1000;
		else if (ch == 'P')
			ps->pace_ms = parse_num(optarg, 1, 600000);
		else if (ch == 'h')
			ps->have_pct = (unsigned)parse_num(optarg, 1, 100);
		else if (ch == 'm')
			ps->mute_pct = (unsigned)parse_num(optarg, 0, 100);
		else if (ch == 'd')
			ps->dir = optarg;
		else if (ch == 'n')
			ps->n = parse_num(optarg, 1, PS_MAX_CONNS);
		else
			usage();
	}
	if (argc - optind != 1 || where == NULL)
		usage();
	if (!peer_addr_is_loopback(&ps->target)) {
		fprintf(stderr, "peerswarm: %s is not a loopback address\n",
		    where);
		exit(1);
	}
	ps->torrent = argv[optind];
}

static int
setup(struct peerswarm *ps)
{
	char	err[512];
	size_t	i;

	if (metainfo_load(ps->torrent, &ps->meta, err, sizeof(err)) != BT_OK ||
	    (ps->dir != NULL && storage_open(ps->meta, ps->dir, &ps->store,
	    err, sizeof(err)) != BT_OK)) {
		fprintf(stderr, "peerswarm: %s\n", err);
		return 1;
	}
	if ((ps->conns = calloc(ps->n, sizeof(*ps->conns))) == NULL ||
	    (ps->pfd = calloc(ps->n, sizeof(*ps->pfd))) == NULL) {
		fprintf(stderr, "peerswarm: out of memory\n");
		return 2;
	}
	ps->rng = ((uint64_t)getpid() << 32) ^ now_ms();
	for (i = 0; i < ps->n; i++) {
		ps->conns[i].slot = i;
		ps->conns[i].fd = -1;
		ps->conns[i].state = PS_WAITING;
		bbuf_init(&ps->conns[i].in, wire_frame_max(
		    ps->meta->num_pieces) + 65536);
		bbuf_init(&ps->conns[i].out, OUT_MAX);
	}
	return 0;
}

static void
cleanup(struct peerswarm *ps)
{
	size_t	i;

	for (i = 0; ps->conns != NULL && i < ps->n; i++) {
		bbuf_cleanup(&ps->conns[i].in);
		bbuf_cleanup(&ps->conns[i].out);
		bitfield_cleanup(&ps->conns[i].has);
	}
	free(ps->conns);
	free(ps->pfd);
	storage_close(ps->store);
	metainfo_free(ps->meta);
}

int
main(int argc, char **argv)
{
	struct peerswarm	ps;
	int			rc;

	memset(&ps, 0, sizeof(ps));
	parse_args(&ps, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	if ((rc = setup(&ps)) == 0)
		run(&ps);
	cleanup(&ps);
	return rc;
}
