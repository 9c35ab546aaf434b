/*
 * test_peerproto: the peer protocol of one torrent, fed byte streams.  The
 * test builds the torrent_env a session would lend (a loop on a clock the
 * test sets, unlimited buckets, a log that keeps its lines, worker pools),
 * opens a small torrent (7 pieces of 16 KiB, the last one short) and
 * attaches connections whose other end it holds: one end of a socketpair
 * handed over as the session's accept path does (peer_new, the handshake
 * read, torrent_adopt), or a loopback listener the torrent dials.  It writes
 * raw BEP 3 messages built with the wire encoders, turns the torrent's
 * crank (torrent_perform, torrent_tick, torrent_reap, the worker pool) and
 * decodes what bttui writes back.  Then the torrent's state machine:
 * queue, pause, resume, a disk error, seeding done.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "engine/bucket.h"
#include "engine/caddr.h"
#include "engine/engine.h"
#include "engine/extmsg.h"
#include "engine/journal.h"
#include "engine/maketorrent.h"
#include "engine/peer.h"
#include "engine/peerproto.h"
#include "engine/pex.h"
#include "engine/picker.h"
#include "engine/rate.h"
#include "engine/storage_impl.h"
#include "engine/torrent.h"
#include "engine/torrent_impl.h"
#include "engine/wire.h"
#include "engine/worker.h"
#include "sandbox.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define NPIECES		7
#define PIECE_BYTES	16384u
#define LAST_BYTES	5000u		/* a short last piece */
#define PAYLOAD_BYTES	((NPIECES - 1) * PIECE_BYTES + LAST_BYTES)
#define ALL_PIECES	0xfe		/* the bitfield byte of pieces 0-6 */
#define BAD_PIECE	3		/* corrupt on disk in DATA_PARTIAL */
#define PARTIAL_PIECES	0xee		/* all but BAD_PIECE */
#define START_MS	1000000u	/* the test's clock at the start */
#define LOG_MAX		512
#define MAX_CONNS	48
#define WAIT_TURNS	2000		/* up to ~4 s for something to come */
#define QUIET_TURNS	25		/* ~50 ms of nothing: nothing comes */

/* Our test peers announce no extension in their handshakes (but those
 * of the BEP 6 tests, through conn_incoming_flags). */
static const uint8_t	no_ext[WIRE_RESERVED_LEN];
#define T_HANDSHAKE	100		/* struct msg type of a handshake */
#define CLIENT		"Transmission 3.00"	/* our peers' "-TR3000-" */

enum data_kind {
	DATA_NONE,		/* a leecher: nothing on disk */
	DATA_FULL,		/* the whole payload */
	DATA_PARTIAL,		/* BAD_PIECE corrupt */
};

/* What a test's fixture opens (cmocka's prestate). */
struct spec {
	enum data_kind	data;
	int		seed;
	double		seed_ratio;
	int		unqueue;	/* give it a download slot */
};

static const struct spec seeder = { DATA_FULL, 1, 0, 0 };
static const struct spec active_seeder = { DATA_FULL, 1, 0, 1 };	/* as
			 * the session's queue leaves a seeder: it dials */
static const struct spec ratio_seeder = { DATA_FULL, 1, 0.5, 0 };
static const struct spec leecher = { DATA_NONE, 0, 0, 1 };
static const struct spec queued_leecher = { DATA_NONE, 0, 0, 0 };
static const struct spec partial = { DATA_PARTIAL, 1, 0, 1 };

/* The test's end of one connection: the remote peer bttui talks to. */
struct conn {
	int		 fd;		/* -1 once closed */
	uint32_t	 engine_id;	/* its struct peer's id in bttui */
	uint8_t		 peer_id[20];
	char		 name[64];	/* as bttui names it in its log */
	struct bbuf	 in;		/* bytes from bttui, not yet decoded */
	int		 got_handshake;
	int		 eof;		/* bttui closed it */
	int		 choked;	/* bttui chokes us */
	int		 interested;	/* bttui is interested in us */
	unsigned	 flags;		/* WIRE_F_* its handshake announces */
};

/* One message bttui sent, its payload copied out. */
struct msg {
	int			type;	/* enum wire_msg_type, T_HANDSHAKE */
	uint32_t		index, begin, length;
	uint8_t			data[PIECE_BYTES];
	size_t			data_len;
	struct wire_handshake	hs;
};

struct fixture {
	const struct spec	*spec;
	char			 root[PATH_MAX], src[PATH_MAX];
	char			 dir[PATH_MAX], torrent_path[PATH_MAX];
	uint8_t			 payload[PAYLOAD_BYTES];
	struct engine_config	 cfg;
	struct torrent_env	 env;
	struct bucket		 down_bkt, up_bkt;
	struct rate		 down, up;
	struct loop		*loop;
	struct worker_pool	*workers, *resolvers;
	struct torrent		*t;
	char			 logs[LOG_MAX][MSG_TEXT_MAX];
	size_t			 nlogs;
	struct conn		 conns[MAX_CONNS];
	size_t			 nconns;
};

/* ---- files ---- */

static void
join(char *buf, const char *a, const char *b)
{
	assert_true((size_t)snprintf(buf, PATH_MAX, "%s/%s", a, b) <
	    PATH_MAX);
}

static void
write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE	*fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(p, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

/* Whether path holds exactly p[0..n). */
static int
file_equals(const char *path, const uint8_t *p, size_t n)
{
	uint8_t	*buf = malloc(n + 1);
	FILE	*fp = fopen(path, "rb");
	size_t	 got = 0;

	assert_non_null(buf);
	if (fp != NULL) {
		got = fread(buf, 1, n + 1, fp);
		fclose(fp);
	}
	got = got == n && memcmp(buf, p, n) == 0;
	free(buf);
	return (int)got;
}

static uint32_t
piece_size(uint32_t piece)
{
	return piece == NPIECES - 1 ? LAST_BYTES : PIECE_BYTES;
}

/* ---- the environment a session would lend ---- */

static void
on_log(void *arg, uint32_t torrent_id, int level, const char *line)
{
	struct fixture	*f = arg;

	(void)level;
	assert_int_equal(torrent_id, 1);
	if (f->nlogs < LOG_MAX)
		snprintf(f->logs[f->nlogs++], MSG_TEXT_MAX, "%s", line);
}

/* Log lines since line `from' that contain needle. */
static size_t
log_count_since(const struct fixture *f, size_t from, const char *needle)
{
	size_t	i, n = 0;

	for (i = from; i < f->nlogs; i++)
		if (strstr(f->logs[i], needle) != NULL)
			n++;
	return n;
}

static size_t
log_count(const struct fixture *f, const char *needle)
{
	return log_count_since(f, 0, needle);
}

/* Log lines since line `from' that are exactly line. */
static size_t
log_lines_since(const struct fixture *f, size_t from, const char *line)
{
	size_t	i, n = 0;

	for (i = from; i < f->nlogs; i++)
		if (strcmp(f->logs[i], line) == 0)
			n++;
	return n;
}

static uint64_t
fake_clock(void *arg)
{
	return ((struct fixture *)arg)->env.now_ms;
}

/*
 * One turn of a session's loop for this torrent: select on its peers and
 * the disk workers (at most wait_ms), the workers' results, then the
 * torrent's reads, writes, requests and uploads, then the dead reaped.
 */
static void
drive(struct fixture *f, int wait_ms)
{
	fd_set		rd, wr;
	struct timeval	tv;
	int		maxfd, wfd = worker_fd(f->workers);

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(wfd, &rd);
	maxfd = wfd;
	torrent_fdset(f->t, &rd, &wr, &maxfd, 0);
	tv.tv_sec = 0;
	tv.tv_usec = wait_ms * 1000;
	if (select(maxfd + 1, &rd, &wr, NULL, &tv) < 0) {
		FD_ZERO(&rd);
		FD_ZERO(&wr);
	}
	bucket_refill(&f->down_bkt, f->env.now_ms);
	bucket_refill(&f->up_bkt, f->env.now_ms);
	if (FD_ISSET(wfd, &rd))
		worker_drain(f->workers);
	torrent_perform(f->t, &rd, &wr);
	torrent_reap(f->t);
}

/* The session's tick: timeouts, checking, completion, dialling. */
static void
tick(struct fixture *f)
{
	torrent_tick(f->t);
	torrent_reap(f->t);
}

/* Moves the clock on and ticks: the choke round when it is due. */
static void
advance(struct fixture *f, uint64_t ms)
{
	f->env.now_ms += ms;
	tick(f);
}

/* Checking ticks until the torrent is no longer CHECKING. */
static void
wait_check(struct fixture *f)
{
	int	i;

	for (i = 0; i < WAIT_TURNS &&
	    torrent_state(f->t) == TORRENT_CHECKING; i++) {
		tick(f);
		drive(f, 2);
	}
	assert_int_not_equal(torrent_state(f->t), TORRENT_CHECKING);
}

/* f->t: the fixture's torrent with *p's settings, started. */
static void
start_torrent(struct fixture *f, struct torrent_params *p)
{
	char	err[512];

	p->torrent_path = f->torrent_path;
	p->dir = f->dir;
	assert_int_equal(torrent_new(&f->env, 1, p, f->workers, &f->t, err,
	    sizeof(err)), BT_OK);
	torrent_start(f->t);
}

static void
open_torrent(struct fixture *f, int seed, double ratio)
{
	struct torrent_params	p;

	memset(&p, 0, sizeof(p));
	p.seed = seed;
	p.seed_ratio = ratio;
	start_torrent(f, &p);
	/* Data on disk is hashed before anything else. */
	assert_int_equal(torrent_state(f->t) == TORRENT_CHECKING,
	    f->spec->data != DATA_NONE);
	assert_int_equal(torrent_checking_all(f->t),
	    f->spec->data != DATA_NONE);
	wait_check(f);
}

static void
make_data(struct fixture *f)
{
	char	path[PATH_MAX];
	uint8_t	*copy;

	join(path, f->dir, "payload.bin");
	if (f->spec->data == DATA_FULL)
		write_file(path, f->payload, PAYLOAD_BYTES);
	else if (f->spec->data == DATA_PARTIAL) {
		assert_non_null(copy = malloc(PAYLOAD_BYTES));
		memcpy(copy, f->payload, PAYLOAD_BYTES);
		copy[BAD_PIECE * PIECE_BYTES + 77] ^= 0x5a;
		write_file(path, copy, PAYLOAD_BYTES);
		free(copy);
	}
}

static void
make_torrent(struct fixture *f)
{
	struct maketorrent_opts	 o;
	struct bbuf		 b;
	char			 err[512], path[PATH_MAX];
	uint64_t		 x = 0x9e3779b97f4a7c15ull;
	size_t			 i;

	for (i = 0; i < PAYLOAD_BYTES; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		f->payload[i] = (uint8_t)x;
	}
	join(path, f->src, "payload.bin");
	write_file(path, f->payload, PAYLOAD_BYTES);
	memset(&o, 0, sizeof(o));
	o.path = path;
	o.piece_size = PIECE_BYTES;
	bbuf_init(&b, 1024 * 1024);
	assert_int_equal(maketorrent_build(&o, &b, err, sizeof(err)), BT_OK);
	join(f->torrent_path, f->root, "payload.torrent");
	write_file(f->torrent_path, bbuf_ptr(&b), bbuf_len(&b));
	bbuf_cleanup(&b);
	make_data(f);
}

static void
make_env(struct fixture *f)
{
	uint8_t	rnd[12];
	size_t	i;

	for (i = 0; i < sizeof(rnd); i++)
		rnd[i] = (uint8_t)(i * 37 + 11);
	engine_config_defaults(&f->cfg);
	f->env.cfg = &f->cfg;
	f->env.now_ms = f->env.start_ms = START_MS;
	wire_make_peer_id(f->env.peer_id, rnd);
	f->env.port = 6881;
	f->env.next_peer_id = 1;
	f->env.rng = 42;
	bucket_init(&f->down_bkt, 0, START_MS);	/* 0: no limit */
	bucket_init(&f->up_bkt, 0, START_MS);
	f->env.down_bkt = &f->down_bkt;
	f->env.up_bkt = &f->up_bkt;
	rate_init(&f->down);
	rate_init(&f->up);
	f->env.down = &f->down;
	f->env.up = &f->up;
	f->env.log = on_log;
	f->env.arg = f;
	assert_non_null(f->loop = loop_new());
	loop_set_clock(f->loop, fake_clock, f);
	f->env.loop = f->loop;
	assert_non_null(f->workers = worker_pool_new(2));
	assert_non_null(f->resolvers = worker_pool_new(1));
	f->env.resolvers = f->resolvers;
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->spec = *state;
	assert_int_equal(sandbox_create(f->root, sizeof(f->root),
	    "test_peerproto"), 0);
	join(f->src, f->root, "src");
	join(f->dir, f->root, "data");
	assert_int_equal(mkdir(f->src, 0700), 0);
	assert_int_equal(mkdir(f->dir, 0700), 0);
	make_torrent(f);
	make_env(f);
	open_torrent(f, f->spec->seed, f->spec->seed_ratio);
	if (f->spec->unqueue)
		torrent_set_queued(f->t, 0);
	*state = f;
	return 0;
}

static void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	bbuf_cleanup(&c->in);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	size_t		 i;

	torrent_free(f->t);
	for (i = 0; i < f->nconns; i++)
		conn_close(&f->conns[i]);
	worker_pool_free(f->workers);
	worker_pool_free(f->resolvers);
	loop_free(f->loop);
	sandbox_remove(f->root);
	free(f);
	return 0;
}

/* ---- the remote peer's side ---- */

static struct conn *
conn_new(struct fixture *f, int fd)
{
	struct conn	*c;
	char		 id[21];

	assert_true(f->nconns < MAX_CONNS);
	c = &f->conns[f->nconns++];
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->choked = 1;
	bbuf_init(&c->in, 4 * 1024 * 1024);
	snprintf(id, sizeof(id), "-TR3000-%012zu", f->nconns);
	memcpy(c->peer_id, id, 20);
	return c;
}

/* Sends what b holds (a closed connection takes nothing) and frees b. */
static void
send_buf(struct conn *c, struct bbuf *b)
{
	const uint8_t	*p = bbuf_ptr(b);
	size_t		 off = 0, n = bbuf_len(b);
	ssize_t		 w;

	while (off < n) {
		if ((w = send(c->fd, p + off, n - off, MSG_NOSIGNAL)) <= 0)
			break;
		off += (size_t)w;
	}
	bbuf_cleanup(b);
}

static void
send_raw(struct conn *c, const uint8_t *bytes, size_t n)
{
	struct bbuf	b;

	bbuf_init(&b, n + 1);
	assert_int_equal(bbuf_put_bytes(&b, bytes, n), BT_OK);
	send_buf(c, &b);
}

static void
send_simple(struct conn *c, int type)
{
	struct bbuf	b;

	bbuf_init(&b, 64);
	assert_int_equal(wire_put_simple(&b, type), BT_OK);
	send_buf(c, &b);
}

static void
send_have(struct conn *c, uint32_t piece)
{
	struct bbuf	b;

	bbuf_init(&b, 64);
	assert_int_equal(wire_put_have(&b, piece), BT_OK);
	send_buf(c, &b);
}

static void
send_bitfield(struct conn *c, uint8_t bits)
{
	struct bbuf	b;

	bbuf_init(&b, 64);
	assert_int_equal(wire_put_bitfield(&b, &bits, 1), BT_OK);
	send_buf(c, &b);
}

static void
send_request(struct conn *c, uint32_t piece, uint32_t begin, uint32_t len)
{
	struct bbuf	b;

	bbuf_init(&b, 64);
	assert_int_equal(wire_put_request(&b, piece, begin, len), BT_OK);
	send_buf(c, &b);
}

/* A block of the payload (zeros past its end); corrupt: its bytes
 * inverted. */
static void
send_block(struct fixture *f, struct conn *c, uint32_t piece,
    uint32_t begin, uint32_t len, int corrupt)
{
	uint8_t		data[PIECE_BYTES];
	struct bbuf	b;
	size_t		at = (size_t)piece * PIECE_BYTES + begin;
	uint32_t	i;

	assert_true(len <= sizeof(data) && at <= PAYLOAD_BYTES);
	memset(data, 0, sizeof(data));
	memcpy(data, f->payload + at, len < PAYLOAD_BYTES - at ? len :
	    PAYLOAD_BYTES - at);
	for (i = 0; corrupt && i < len; i++)
		data[i] ^= 0xff;
	bbuf_init(&b, 2 * PIECE_BYTES);
	assert_int_equal(wire_put_piece(&b, piece, begin, data, len), BT_OK);
	send_buf(c, &b);
}

static void
conn_read(struct conn *c)
{
	uint8_t	*dst;
	ssize_t	 n;

	while (c->fd >= 0 && !c->eof) {
		assert_int_equal(bbuf_reserve(&c->in, 65536, &dst), BT_OK);
		n = recv(c->fd, dst, 65536, MSG_DONTWAIT);
		if (n > 0) {
			assert_int_equal(bbuf_commit(&c->in, (size_t)n),
			    BT_OK);
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR))
			c->eof = 1;	/* closed, or reset */
		break;
	}
}

/* Decodes one message from what bttui sent: 1, or 0 for none yet.  bttui
 * must speak the protocol: anything it sends decodes. */
static int
decode_one(struct conn *c, struct msg *out)
{
	struct wire_msg	m;
	int		r;

	memset(out, 0, offsetof(struct msg, data));
	out->data_len = 0;
	if (!c->got_handshake) {
		r = wire_handshake_decode(&c->in, &out->hs);
		if (r == BT_ERR_INCOMPLETE)
			return 0;
		assert_int_equal(r, BT_OK);
		c->got_handshake = 1;
		out->type = T_HANDSHAKE;
		return 1;
	}
	if ((r = wire_decode_ex(&c->in, NPIECES, c->flags, &m)) ==
	    BT_ERR_INCOMPLETE)
		return 0;
	assert_int_equal(r, BT_OK);
	out->type = m.type;
	out->index = m.index;
	out->begin = m.begin;
	out->length = m.length;
	assert_true(m.data_len <= sizeof(out->data));
	if (m.data_len > 0)
		memcpy(out->data, m.data, m.data_len);
	out->data_len = m.data_len;
	if (m.type == WIRE_CHOKE || m.type == WIRE_UNCHOKE)
		c->choked = m.type == WIRE_CHOKE;
	if (m.type == WIRE_INTERESTED || m.type == WIRE_NOT_INTERESTED)
		c->interested = m.type == WIRE_INTERESTED;
	return 1;
}

/* The next message from bttui within `turns' turns of the torrent: 1, or
 * 0 when none came (or the connection closed). */
static int
next_msg(struct fixture *f, struct conn *c, struct msg *out, int turns)
{
	int	i;

	for (i = 0;; i++) {
		conn_read(c);
		if (decode_one(c, out))
			return 1;
		if (c->eof || i >= turns)
			return 0;
		drive(f, 2);
	}
}

static void
expect_msg(struct fixture *f, struct conn *c, int type, struct msg *out)
{
	assert_true(next_msg(f, c, out, WAIT_TURNS));
	assert_int_equal(out->type, type);
}

/* Nothing comes (but keep-alives: bttui sends one right after the
 * handshake when it has nothing to say) and the connection stays up. */
static void
expect_quiet(struct fixture *f, struct conn *c)
{
	struct msg	m;

	while (next_msg(f, c, &m, QUIET_TURNS))
		if (m.type != WIRE_KEEPALIVE)
			fail_msg("unexpected message of type %d (index %u)",
			    m.type, m.index);
	assert_false(c->eof);
}

/* bttui closes the connection (whatever it sent before). */
static void
expect_closed(struct fixture *f, struct conn *c)
{
	struct msg	m;
	int		i;

	for (i = 0; i < WAIT_TURNS && !c->eof; i++) {
		drive(f, 2);
		conn_read(c);
		while (decode_one(c, &m))
			;
	}
	assert_true(c->eof);
}

/* The session's accept path, by hand: the handshake that comes on fd
 * (accepted from `from') is read and the connection handed to the
 * torrent.  The handshake in *hs; the engine's peer id is returned. */
static uint32_t
adopt_incoming(struct fixture *f, int fd, const struct peer_addr *from,
    struct wire_handshake *hs)
{
	struct peer	*p;
	size_t		 n, i;
	uint32_t	 id;

	assert_int_equal(peer_fd_prepare(fd), BT_OK);
	id = f->env.next_peer_id++;
	assert_non_null(p = peer_new(id, fd, from, 0, 0, f->env.now_ms));
	for (i = 0; i < WAIT_TURNS && bbuf_len(&p->in) < WIRE_HANDSHAKE_LEN;
	    i++) {
		if (i > 0)
			drive(f, 2);
		(void)peer_read(p, f->env.now_ms, WIRE_HANDSHAKE_LEN -
		    bbuf_len(&p->in), &n);
	}
	assert_int_equal(bbuf_len(&p->in), WIRE_HANDSHAKE_LEN);
	assert_int_equal(wire_handshake_decode(&p->in, hs), BT_OK);
	torrent_adopt(f->t, p, hs);
	return id;
}

/* An incoming connection: the test's handshake (announcing the WIRE_F_*
 * extensions in flags) is written, then read by the session's accept path
 * (here, by hand) and handed to the torrent.  NULL info_hash / peer_id:
 * the torrent's, a fresh one. */
static struct conn *
conn_incoming_flags(struct fixture *f, const uint8_t *info_hash,
    const uint8_t *peer_id, unsigned flags)
{
	uint8_t			 reserved[WIRE_RESERVED_LEN];
	struct wire_handshake	 hs;
	struct peer_addr	 a;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&a.ss;
	struct conn		*c;
	struct bbuf		 b;
	int			 sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	c = conn_new(f, sv[1]);
	c->flags = flags;
	if (peer_id != NULL)
		memcpy(c->peer_id, peer_id, 20);
	memset(&a, 0, sizeof(a));
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(0x7f000002);
	s4->sin_port = htons((uint16_t)(6000 + f->nconns));
	a.len = sizeof(*s4);
	peer_addr_format(&a, c->name, sizeof(c->name));
	wire_reserved_make(flags, reserved);
	bbuf_init(&b, 128);
	assert_int_equal(wire_handshake_encode(&b, reserved, info_hash !=
	    NULL ? info_hash : torrent_info_hash(f->t), c->peer_id), BT_OK);
	send_buf(c, &b);
	c->engine_id = adopt_incoming(f, sv[0], &a, &hs);
	return c;
}

static struct conn *
conn_incoming(struct fixture *f, const uint8_t *info_hash,
    const uint8_t *peer_id)
{
	return conn_incoming_flags(f, info_hash, peer_id, 0);
}

/* A peer that bttui takes: its handshake back, then its bitfield when it
 * has pieces (bits: the byte it must carry; -1: none comes). */
static struct conn *
conn_join(struct fixture *f, int bits)
{
	struct conn	*c = conn_incoming(f, NULL, NULL);
	struct msg	 m;

	expect_msg(f, c, T_HANDSHAKE, &m);
	assert_memory_equal(m.hs.info_hash, torrent_info_hash(f->t), 20);
	assert_memory_equal(m.hs.peer_id, f->env.peer_id, 20);
	if (bits >= 0) {
		expect_msg(f, c, WIRE_BITFIELD, &m);
		assert_int_equal(m.data_len, 1);
		assert_int_equal(m.data[0], bits);
	}
	return c;
}

/* A peer bttui uploads to: it joins, says INTERESTED and is unchoked. */
static struct conn *
conn_unchoked(struct fixture *f, int bits)
{
	struct conn	*c = conn_join(f, bits);
	struct msg	 m;

	send_simple(c, WIRE_INTERESTED);
	expect_msg(f, c, WIRE_UNCHOKE, &m);
	return c;
}

/* The "disconnected" line bttui logs for c, with reason. */
static size_t
count_dropped(const struct fixture *f, const struct conn *c,
    const char *reason)
{
	char	line[MSG_TEXT_MAX];

	snprintf(line, sizeof(line), "peer %s (%s) disconnected: %s",
	    c->name, CLIENT, reason);
	return log_count(f, line);
}

/* n REQUESTs, one whole block per piece, each piece once; their pieces in
 * order of arrival go to pieces_out. */
static void
expect_requests(struct fixture *f, struct conn *c, size_t n,
    uint32_t *pieces_out)
{
	struct msg	m;
	unsigned	seen = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		expect_msg(f, c, WIRE_REQUEST, &m);
		assert_true(m.index < NPIECES);
		assert_int_equal(m.begin, 0);
		assert_int_equal(m.length, piece_size(m.index));
		assert_false(seen & (1u << m.index));
		seen |= 1u << m.index;
		pieces_out[i] = m.index;
	}
}

/* ---- handshakes ---- */

static void
test_handshake_answered(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c = conn_join(f, ALL_PIECES);
	struct peer	*p = torrent_peer_by_id(f->t, c->engine_id);

	/* Choked and not interested: nothing more to say. */
	expect_quiet(f, c);
	assert_true(c->choked);
	assert_false(c->interested);
	assert_int_equal(torrent_count_peers(f->t), 1);
	assert_non_null(p);
	assert_string_equal(p->client, CLIENT);
}

enum hs_kind { HS_OTHER_TORRENT, HS_OURSELVES, HS_DUPLICATE };

static void
test_handshake_refused(void **state)
{
	static const struct {
		const char	*name;
		enum hs_kind	 kind;
		const char	*log;	/* a warning it logs, or NULL */
	} cases[] = {
		{ "another torrent", HS_OTHER_TORRENT,
		    "handshake for another torrent" },
		{ "ourselves", HS_OURSELVES, NULL },
		{ "already connected", HS_DUPLICATE, NULL },
	};
	struct fixture	*f = *state;
	struct conn	*first = conn_join(f, ALL_PIECES), *c;
	uint8_t		 hash[20];
	size_t		 i, before;

	for (i = 0; i < NELEM(cases); i++) {
		before = f->nlogs;
		memcpy(hash, torrent_info_hash(f->t), 20);
		hash[0] ^= 1;
		if (cases[i].kind == HS_OTHER_TORRENT)
			c = conn_incoming(f, hash, NULL);
		else if (cases[i].kind == HS_OURSELVES)
			c = conn_incoming(f, NULL, f->env.peer_id);
		else
			c = conn_incoming(f, NULL, first->peer_id);
		expect_closed(f, c);
		if (c->got_handshake || bbuf_len(&c->in) > 0)
			fail_msg("%s: bttui answered", cases[i].name);
		if (cases[i].log != NULL)
			assert_int_equal(log_count_since(f, before,
			    cases[i].log), 1);
		/* Not active yet when dropped: no "disconnected" line. */
		assert_int_equal(log_count_since(f, before, "disconnected"),
		    0);
		assert_int_equal(torrent_count_peers(f->t), 1);
	}
	expect_quiet(f, first);
}

/* ---- seeding: serving blocks ---- */

static void
test_interested_unchoked_and_served(void **state)
{
	static const struct {
		uint32_t	piece, begin, length;
	} reqs[] = {
		{ 0, 0, PIECE_BYTES },
		{ 5, 0, PIECE_BYTES },
		{ 6, 0, LAST_BYTES },		/* the short last piece */
		{ 6, 4000, 1000 },		/* up to its very end */
		{ 2, 100, 50 },			/* odd sizes are served */
		{ 1, PIECE_BYTES - 1, 1 },
		{ 3, 8192, 8192 },
	};
	struct fixture	*f = *state;
	struct conn	*c = conn_unchoked(f, ALL_PIECES);
	struct msg	 m;
	size_t		 i;

	assert_false(c->choked);
	for (i = 0; i < NELEM(reqs); i++)
		send_request(c, reqs[i].piece, reqs[i].begin,
		    reqs[i].length);
	for (i = 0; i < NELEM(reqs); i++) {
		expect_msg(f, c, WIRE_PIECE, &m);
		assert_int_equal(m.index, reqs[i].piece);
		assert_int_equal(m.begin, reqs[i].begin);
		assert_int_equal(m.data_len, reqs[i].length);
		assert_memory_equal(m.data, f->payload + (size_t)m.index *
		    PIECE_BYTES + m.begin, m.data_len);
	}
	expect_quiet(f, c);
}

/* A request is answered in the turn that reads it: the block goes out at
 * once, not after one more select() (its socket had room). */
static void
test_request_answered_in_one_turn(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c = conn_unchoked(f, ALL_PIECES);
	struct msg	 m;

	expect_quiet(f, c);
	send_request(c, 2, 0, PIECE_BYTES);
	assert_true(next_msg(f, c, &m, 1));
	assert_int_equal(m.type, WIRE_PIECE);
	assert_int_equal(m.index, 2);
	assert_memory_equal(m.data, f->payload + 2 * PIECE_BYTES,
	    PIECE_BYTES);
}

/* A peer past our request queue (it ignored reqq) is never left waiting
 * for its own time-out: without fast, a CHOKE and UNCHOKE at once tell it
 * that its requests are gone, and it may ask again (issue 17). */
static void
test_request_queue_overflow(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c = conn_unchoked(f, ALL_PIECES);
	struct msg	 m;
	struct bbuf	 b;
	size_t		 i;
	int		 choked = 0;

	/* One write: a unix socket accounts each small send as a whole
	 * buffer, and 2049 of them would fill it. */
	bbuf_init(&b, 64 * (PEER_MAX_THEIR_REQS + 1));
	for (i = 0; i <= PEER_MAX_THEIR_REQS; i++)
		assert_int_equal(wire_put_request(&b, (uint32_t)(i %
		    (NPIECES - 1)), 0, 1), BT_OK);
	send_buf(c, &b);
	while (next_msg(f, c, &m, WAIT_TURNS)) {
		if (m.type == WIRE_PIECE)
			continue;	/* some were served before */
		assert_int_equal(m.type, WIRE_CHOKE);
		choked = 1;
		break;
	}
	assert_true(choked);
	expect_msg(f, c, WIRE_UNCHOKE, &m);
	assert_int_equal(log_count(f, "requests queued"), 1);
	assert_false(c->eof);
}

static void
test_cancel_drops_queued_request(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c = conn_unchoked(f, ALL_PIECES);
	struct bbuf	 b;
	struct msg	 m;

	/* One write, so that bttui reads all three before it serves. */
	bbuf_init(&b, 256);
	assert_int_equal(wire_put_request(&b, 1, 0, PIECE_BYTES), BT_OK);
	assert_int_equal(wire_put_request(&b, 2, 0, PIECE_BYTES), BT_OK);
	assert_int_equal(wire_put_cancel(&b, 2, 0, PIECE_BYTES), BT_OK);
	send_buf(c, &b);
	expect_msg(f, c, WIRE_PIECE, &m);
	assert_int_equal(m.index, 1);
	send_request(c, 4, 0, 100);
	expect_msg(f, c, WIRE_PIECE, &m);
	assert_int_equal(m.index, 4);
	assert_int_equal(m.data_len, 100);
	expect_quiet(f, c);
}

static void
test_requests_while_choked_ignored(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c = conn_join(f, ALL_PIECES);
	struct msg	 m;

	send_request(c, 0, 0, PIECE_BYTES);
	send_request(c, 1, 0, PIECE_BYTES);
	expect_quiet(f, c);
	/* Logged once per peer, however many come. */
	assert_int_equal(log_count(f, "requests while choked: ignored"), 1);
	assert_int_equal(torrent_count_peers(f->t), 1);
	/* Dropped, not kept for later: unchoking serves nothing. */
	send_simple(c, WIRE_INTERESTED);
	expect_msg(f, c, WIRE_UNCHOKE, &m);
	expect_quiet(f, c);
	send_request(c, 1, 0, 10);
	expect_msg(f, c, WIRE_PIECE, &m);
	assert_int_equal(m.index, 1);
}

/*
 * BEP 6, a peer that announced the fast extension: HAVE_ALL or HAVE_NONE
 * instead of a bitfield, then its allowed fast set (with 7 pieces and
 * k = 10, every piece).  We keep choking it (it never says INTERESTED),
 * yet a seeder serves it an allowed piece and a leecher, which lacks the
 * piece, rejects the request.
 */
static void
check_fast_choked(struct fixture *f, int have, int answer)
{
	struct conn	*c = conn_incoming_flags(f, NULL, NULL, WIRE_F_FAST);
	struct msg	 m;
	unsigned	 i, seen = 0;

	expect_msg(f, c, T_HANDSHAKE, &m);
	assert_true(wire_supports_fast(&m.hs));
	expect_msg(f, c, have, &m);
	for (i = 0; i < NPIECES; i++) {
		expect_msg(f, c, WIRE_ALLOWED_FAST, &m);
		seen |= 1u << m.index;
	}
	assert_int_equal(seen, (1u << NPIECES) - 1);
	send_request(c, 2, 100, 50);
	expect_msg(f, c, answer, &m);
	assert_int_equal(m.index, 2);
	assert_int_equal(m.begin, 100);
	if (answer == WIRE_PIECE)
		assert_memory_equal(m.data, f->payload + 2 * PIECE_BYTES + 100,
		    50);
	else
		assert_int_equal(m.length, 50);
	assert_true(c->choked);
	expect_quiet(f, c);
}

static void
test_fast_choked_seeder_serves_allowed(void **state)
{
	check_fast_choked(*state, WIRE_HAVE_ALL, WIRE_PIECE);
}

static void
test_fast_choked_leecher_rejects_allowed(void **state)
{
	check_fast_choked(*state, WIRE_HAVE_NONE, WIRE_REJECT_REQUEST);
}

/* Messages a peer may send that change nothing for us: the connection
 * stays and requests are still served. */
static void
test_tolerated_messages(void **state)
{
	static const struct {
		const char	*name;
		uint8_t		 bytes[20];
		size_t		 len;
	} cases[] = {
		{ "keep-alive", { 0, 0, 0, 0 }, 4 },
		{ "port", { 0, 0, 0, 3, 9, 0x1a, 0xe1 }, 7 },
		{ "extension", { 0, 0, 0, 4, 20, 0, 'd', 'e' }, 8 },
		{ "have", { 0, 0, 0, 5, 4, 0, 0, 0, 6 }, 9 },
		{ "bitfield", { 0, 0, 0, 2, 5, 0x80 }, 6 },
		{ "bitfield again", { 0, 0, 0, 2, 5, 0x00 }, 6 },
		{ "cancel of nothing", { 0, 0, 0, 13, 8, 0, 0, 0, 1, 0, 0,
		    0, 0, 0, 0, 0x40, 0 }, 17 },
		{ "interested again", { 0, 0, 0, 1, 2 }, 5 },
	};
	struct fixture	*f = *state;
	struct conn	*c = conn_unchoked(f, ALL_PIECES);
	struct msg	 m;
	size_t		 i;

	for (i = 0; i < NELEM(cases); i++) {
		send_raw(c, cases[i].bytes, cases[i].len);
		send_request(c, (uint32_t)i % NPIECES, 0, 10);
		if (!next_msg(f, c, &m, WAIT_TURNS) || m.type != WIRE_PIECE)
			fail_msg("%s: no block after it", cases[i].name);
		assert_int_equal(m.index, i % NPIECES);
	}
	expect_quiet(f, c);
	assert_int_equal(log_count(f, "disconnected"), 0);
}

/* Each row: a fresh unchoked peer sends these bytes and is dropped with
 * this reason; the torrent goes on seeding. */
static void
test_bad_messages_drop_peer(void **state)
{
	static const struct {
		const char	*name;
		uint8_t		 bytes[24];
		size_t		 len;
		const char	*reason;
	} cases[] = {
		{ "request past the short last piece",
		    { 0, 0, 0, 13, 6, 0, 0, 0, 6, 0, 0, 0x10, 0, 0, 0, 0x03,
		    0xe8 }, 17,
		    "requested a block we do not have (piece 6)" },
		{ "request at a piece's end",
		    { 0, 0, 0, 13, 6, 0, 0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 1 },
		    17, "requested a block we do not have (piece 0)" },
		{ "request past the last piece",
		    { 0, 0, 0, 13, 6, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 1 },
		    17, "protocol error: value out of range" },
		{ "request of 0 bytes",
		    { 0, 0, 0, 13, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		    17, "protocol error: value out of range" },
		{ "request over a block",
		    { 0, 0, 0, 13, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 1 },
		    17, "protocol error: value out of range" },
		{ "length over the limit", { 0, 0x10, 0, 0, 7 }, 5,
		    "protocol error: size limit exceeded" },
		{ "block over the cap", { 0, 2, 0, 10, 7 }, 5,
		    "protocol error: size limit exceeded" },
		{ "unknown message over the cap", { 0, 4, 0, 1, 20 }, 5,
		    "protocol error: size limit exceeded" },
		{ "bitfield too long", { 0, 0, 0, 3, 5, 0xfe, 0 }, 7,
		    "protocol error: malformed data" },
		{ "bitfield with a spare bit", { 0, 0, 0, 2, 5, 0xff }, 6,
		    "protocol error: malformed data" },
		{ "have past the last piece", { 0, 0, 0, 5, 4, 0, 0, 0, 7 },
		    9, "protocol error: value out of range" },
		{ "have of 6 bytes", { 0, 0, 0, 6, 4, 0, 0, 0, 0, 0 }, 10,
		    "protocol error: malformed data" },
		{ "empty block", { 0, 0, 0, 9, 7, 0, 0, 0, 0, 0, 0, 0, 0 },
		    13, "protocol error: malformed data" },
		{ "choke with a payload", { 0, 0, 0, 2, 0, 0 }, 6,
		    "protocol error: malformed data" },
		{ "cancel past the last piece",
		    { 0, 0, 0, 13, 8, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1 },
		    17, "protocol error: value out of range" },
	};
	struct fixture	*f = *state;
	struct conn	*c;
	size_t		 i;

	for (i = 0; i < NELEM(cases); i++) {
		c = conn_unchoked(f, ALL_PIECES);
		send_raw(c, cases[i].bytes, cases[i].len);
		expect_closed(f, c);
		if (count_dropped(f, c, cases[i].reason) != 1)
			fail_msg("%s: no \"%s\" (last line: %s)",
			    cases[i].name, cases[i].reason,
			    f->logs[f->nlogs - 1]);
		assert_int_equal(torrent_count_peers(f->t), 0);
		assert_int_equal(torrent_state(f->t), TORRENT_SEEDING);
	}
}

/* n peers join and say INTERESTED in turn: the first `slots' (the upload
 * slots plus the optimistic one) are unchoked at once, the others wait. */
static void
join_interested(struct fixture *f, struct conn **c, size_t n, size_t slots)
{
	struct msg	m;
	size_t		i;

	assert_true(n > slots);
	for (i = 0; i < n; i++)
		c[i] = conn_join(f, ALL_PIECES);
	for (i = 0; i < n; i++) {
		send_simple(c[i], WIRE_INTERESTED);
		if (i < slots)
			expect_msg(f, c[i], WIRE_UNCHOKE, &m);
		else
			expect_quiet(f, c[i]);
	}
}

/* Reads what each peer was sent (only CHOKE and UNCHOKE are expected) and
 * returns how many are unchoked. */
static size_t
count_unchoked(struct fixture *f, struct conn **c, size_t n)
{
	struct msg	m;
	size_t		i, unchoked = 0;

	for (i = 0; i < n; i++) {
		while (next_msg(f, c[i], &m, QUIET_TURNS))
			assert_true(m.type == WIRE_CHOKE ||
			    m.type == WIRE_UNCHOKE);
		unchoked += !c[i]->choked;
	}
	return unchoked;
}

/* The free upload slots go to interested peers at once; the choke round
 * then takes a slot from a peer that lost interest and gives it to one
 * still waiting. */
static void
test_choker_slots(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c[6];
	struct msg	 m;
	size_t		 slots = f->cfg.upload_slots + 1;

	join_interested(f, c, NELEM(c), slots);
	/* A peer that loses interest is choked at once, and its slot goes
	 * to a waiting peer then, not at the next round. */
	send_simple(c[0], WIRE_NOT_INTERESTED);
	expect_msg(f, c[0], WIRE_CHOKE, &m);
	expect_msg(f, c[slots], WIRE_UNCHOKE, &m);
	advance(f, 10000);		/* the choke round keeps it so */
	assert_int_equal(count_unchoked(f, c, NELEM(c)), NELEM(c) - 1);
	assert_true(c[0]->choked);
}

/* The torrent's tick runs the choke rounds: every third one (30 s) moves
 * the optimistic unchoke, here to the one interested peer left waiting. */
static void
test_choke_rounds_rotate_optimistic(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c[6];
	size_t		 i, slots = f->cfg.upload_slots + 1;

	assert_int_equal(NELEM(c), slots + 1);
	join_interested(f, c, NELEM(c), slots);
	for (i = 0; i < 3; i++)
		advance(f, 10000);
	assert_int_equal(count_unchoked(f, c, NELEM(c)), slots);
	assert_false(c[slots]->choked);
}

static void
test_keepalive_and_silence(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c = conn_join(f, ALL_PIECES);
	struct msg	 m;

	f->env.now_ms += 121000;
	tick(f);
	expect_msg(f, c, WIRE_KEEPALIVE, &m);
	/* A keep-alive from the peer restarts the silence clock ... */
	send_raw(c, (const uint8_t *)"\0\0\0\0", 4);
	expect_quiet(f, c);
	f->env.now_ms += 60000;
	tick(f);
	expect_quiet(f, c);
	/* ... and 3 minutes of nothing from it end the connection. */
	f->env.now_ms += 121000;
	tick(f);
	expect_closed(f, c);
	assert_int_equal(count_dropped(f, c, "silent for 3 minutes"), 1);
}

static void
test_seed_ratio_reached(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c = conn_unchoked(f, ALL_PIECES);
	struct msg	 m;
	uint32_t	 i;

	/* Half the payload (ratio 0.5) is 3.2 pieces: 3 are not enough. */
	for (i = 0; i < 4; i++) {
		send_request(c, i, 0, PIECE_BYTES);
		expect_msg(f, c, WIRE_PIECE, &m);
		tick(f);
		assert_int_equal(torrent_state(f->t), i < 3 ?
		    TORRENT_SEEDING : TORRENT_DONE);
	}
	assert_int_equal(log_count(f, "seed ratio 0.50 reached"), 1);
	expect_closed(f, c);
	assert_int_equal(count_dropped(f, c, "seed ratio reached"), 1);
	/* Stopped: a peer that comes later is not taken (nor served). */
	assert_false(torrent_accepting(f->t));
	c = conn_incoming(f, NULL, NULL);
	expect_closed(f, c);
	assert_false(c->got_handshake);
}

/* ---- leeching: asking for blocks ---- */

/* The leecher's peer: it joins, shows all pieces, bttui says INTERESTED;
 * it unchokes and the 7 pieces are asked for. */
static struct conn *
conn_seeding(struct fixture *f, uint32_t *pieces_out)
{
	struct conn	*c = conn_join(f, -1);
	struct msg	 m;

	expect_quiet(f, c);		/* nothing to ask of it yet */
	send_bitfield(c, ALL_PIECES);
	expect_msg(f, c, WIRE_INTERESTED, &m);
	expect_quiet(f, c);		/* it chokes us: no requests */
	send_simple(c, WIRE_UNCHOKE);
	expect_requests(f, c, NPIECES, pieces_out);
	return c;
}

/* Waits for HAVEs of every piece in `want' (a bit mask) and, when
 * rerequest is a piece, for a REQUEST of it; nothing else may come. */
static void
expect_haves(struct fixture *f, struct conn *c, unsigned want,
    int rerequest)
{
	unsigned	got = 0;
	int		asked = rerequest < 0;
	struct msg	m;

	while (got != want || !asked) {
		assert_true(next_msg(f, c, &m, WAIT_TURNS));
		if (m.type == WIRE_REQUEST && (int)m.index == rerequest &&
		    !asked) {
			assert_int_equal(m.begin, 0);
			assert_int_equal(m.length, piece_size(m.index));
			asked = 1;
			continue;
		}
		assert_int_equal(m.type, WIRE_HAVE);
		assert_true(want & (1u << m.index));
		assert_false(got & (1u << m.index));
		got |= 1u << m.index;
	}
}

/*
 * The start after a crash: the fixture's torrent replaced by one with a
 * resume path, data[0..PAYLOAD_BYTES) on disk, and a journal naming only
 * written[0..n) as written, not flushed (the engine before was killed
 * right after those writes).  Started, not yet ticked.
 */
static void
restart_after_crash(struct fixture *f, const uint8_t *data,
    const uint32_t *written, size_t n)
{
	struct torrent_params	p;
	uint8_t			ih[20];
	char			path[PATH_MAX], rpath[PATH_MAX];

	memcpy(ih, torrent_info_hash(f->t), sizeof(ih));
	torrent_free(f->t);
	f->t = NULL;
	join(path, f->dir, "payload.bin");
	write_file(path, data, PAYLOAD_BYTES);
	join(rpath, f->root, "payload.resume");
	join(path, f->root, "payload.journal");
	assert_int_equal(journal_append(path, ih, NPIECES, NULL, 0), BT_OK);
	assert_int_equal(journal_append_written(path, ih, NPIECES, written,
	    n), BT_OK);
	memset(&p, 0, sizeof(p));
	p.resume_path = rpath;
	start_torrent(f, &p);
}

/*
 * Every piece written, not flushed: the pieces are hashed, had, and the
 * download is said complete at the next tick (the engine before may never
 * have said so).
 */
static void
test_crash_check_completes(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 all[NPIECES], i;

	for (i = 0; i < NPIECES; i++)
		all[i] = i;
	restart_after_crash(f, f->payload, all, NPIECES);
	assert_int_equal(log_count(f, "0 from the journal (0 bytes), 0 "
	    "re-checked in short files, 7 written after the last flush"), 1);
	wait_check(f);
	assert_int_equal(log_count(f, "re-checked pieces: 7 found good; "
	    "now 7 of 7"), 1);
	assert_true(torrent_complete(f->t));
	tick(f);
	assert_int_equal(log_count(f, "Download complete"), 1);
	assert_int_equal(torrent_state(f->t), TORRENT_DONE);
}

/*
 * Pieces 0-3 written, not flushed (piece 1 bad on disk), 4-6 never
 * written: while 0-3 are checked the torrent is not idle (it dials and
 * accepts) and wants only 4-6; after the check it has 0, 2 and 3 and
 * wants 1 again.
 */
static void
test_crash_check_partial(void **state)
{
	struct fixture		*f = *state;
	static const uint32_t	 written[] = { 0, 1, 2, 3 };
	uint8_t			*data;
	uint32_t		 i;

	assert_non_null(data = calloc(1, PAYLOAD_BYTES));
	memcpy(data, f->payload, 4 * PIECE_BYTES);
	data[PIECE_BYTES + 5] ^= 0x20;
	restart_after_crash(f, data, written, NELEM(written));
	free(data);
	assert_int_equal(log_count(f, "4 written after the last flush"), 1);
	assert_int_equal(torrent_state(f->t), TORRENT_CHECKING);
	assert_false(torrent_checking_all(f->t));	/* the session's queue
							 * gives it a slot */
	assert_true(torrent_wants_slot(f->t));	/* it downloads meanwhile */
	torrent_set_queued(f->t, 0);		/* the session's queue */
	assert_int_equal(torrent_state(f->t), TORRENT_CHECKING);
	assert_false(torrent_idle(f->t));
	for (i = 0; i < NPIECES; i++)
		if (picker_wants(f->t->picker, i) != (i >= 4))
			fail_msg("piece %u: wanted %d while checked", i,
			    picker_wants(f->t->picker, i));
	wait_check(f);
	assert_int_equal(log_count(f, "re-checked pieces: 3 found good; "
	    "now 3 of 7"), 1);
	for (i = 0; i < NPIECES; i++)
		if (picker_have(f->t->picker, i) != (i == 0 || i == 2 ||
		    i == 3) || picker_wants(f->t->picker, i) != (i == 1 ||
		    i >= 4))
			fail_msg("piece %u: have %d wanted %d after the check",
			    i, picker_have(f->t->picker, i),
			    picker_wants(f->t->picker, i));
	tick(f);
	assert_int_equal(log_count(f, "Download complete"), 0);
	assert_int_equal(torrent_state(f->t), TORRENT_DOWNLOADING);
}

static void
test_leech_whole_torrent(void **state)
{
	struct fixture		*f = *state;
	uint32_t		 pieces[NPIECES];
	struct msg_torrent_row	 row;
	struct conn		*c;
	char			 path[PATH_MAX];
	size_t			 i;

	assert_int_equal(torrent_state(f->t), TORRENT_DOWNLOADING);
	c = conn_seeding(f, pieces);
	for (i = 0; i < NPIECES; i++)
		send_block(f, c, pieces[i], 0, piece_size(pieces[i]), 0);
	expect_haves(f, c, (1u << NPIECES) - 1, -1);
	join(path, f->dir, "payload.bin");
	assert_true(file_equals(path, f->payload, PAYLOAD_BYTES));
	assert_true(torrent_complete(f->t));
	/* said when the last write came back, not at the next tick */
	assert_int_equal(log_count(f, "Download complete"), 1);
	tick(f);
	assert_int_equal(log_count(f, "Download complete"), 1);
	assert_int_equal(torrent_state(f->t), TORRENT_DONE);
	/* the front says "Download complete" for this row */
	torrent_fill_row(f->t, &row);
	assert_int_equal(row.flags, MSG_ROW_COMPLETED);
	/* Nothing left to want, and the peer is a seed: nothing to trade
	 * either way, the connection goes (issue 16, defect 13). */
	advance(f, 10000);
	expect_closed(f, c);
	assert_int_equal(log_count(f, "both seeds"), 1);
}

static void
test_bad_block_fails_hash(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 pieces[NPIECES], bad;
	struct conn	*c = conn_seeding(f, pieces);
	struct peer	*p;
	char		 line[MSG_TEXT_MAX], path[PATH_MAX];
	size_t		 i;

	bad = pieces[2];
	for (i = 0; i < NPIECES; i++)
		send_block(f, c, pieces[i], 0, piece_size(pieces[i]),
		    pieces[i] == bad);
	expect_haves(f, c, ((1u << NPIECES) - 1) & ~(1u << bad), (int)bad);
	snprintf(line, sizeof(line), "piece %u failed its hash check", bad);
	assert_int_equal(log_count(f, line), 1);
	assert_false(torrent_complete(f->t));
	/* The sole sender of a bad piece takes the blame. */
	assert_non_null(p = torrent_peer_by_id(f->t, c->engine_id));
	assert_int_equal(p->hashfails, 1);
	send_block(f, c, bad, 0, piece_size(bad), 0);
	expect_haves(f, c, 1u << bad, -1);
	assert_true(torrent_complete(f->t));
	join(path, f->dir, "payload.bin");
	assert_true(file_equals(path, f->payload, PAYLOAD_BYTES));
}

static void
test_three_bad_pieces_ban(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 pieces[NPIECES], bad;
	struct conn	*c = conn_seeding(f, pieces), *again, *other;
	char		 line[MSG_TEXT_MAX];
	size_t		 i;
	int		 round;

	bad = pieces[0];
	for (i = 1; i < NPIECES; i++)
		send_block(f, c, pieces[i], 0, piece_size(pieces[i]), 0);
	expect_haves(f, c, ((1u << NPIECES) - 1) & ~(1u << bad), -1);
	for (round = 1; round <= 3; round++) {
		send_block(f, c, bad, 0, piece_size(bad), 1);
		if (round < 3)
			expect_haves(f, c, 0, (int)bad);
	}
	expect_closed(f, c);
	snprintf(line, sizeof(line), "piece %u failed its hash check", bad);
	assert_int_equal(log_count(f, line), 3);
	assert_int_equal(log_count(f, "sent 3 bad pieces: banned"), 1);
	assert_int_equal(count_dropped(f, c, "banned after 3 hash failures"),
	    1);
	/* On loopback, bans go by peer id: the same peer is refused ... */
	again = conn_incoming(f, NULL, c->peer_id);
	expect_closed(f, again);
	assert_false(again->got_handshake);
	assert_int_equal(log_count(f, "banned earlier: dropped"), 1);
	/* ... another one is not (and sees every piece but the bad one). */
	other = conn_join(f, (int)(ALL_PIECES & ~(0x80u >> bad)));
	expect_quiet(f, other);
}

static void
test_choke_releases_requests(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 pieces[NPIECES], again[NPIECES];
	struct conn	*c = conn_seeding(f, pieces);
	char		 line[MSG_TEXT_MAX];
	unsigned	 a = 0, b = 0;
	size_t		 i;

	send_simple(c, WIRE_CHOKE);
	expect_quiet(f, c);
	/* A block that was in flight when it choked comes anyway: the
	 * request was given up with the choke, so it is not taken, but
	 * that is the ordinary race, not a block never asked for. */
	send_block(f, c, pieces[0], 0, piece_size(pieces[0]), 0);
	expect_quiet(f, c);
	snprintf(line, sizeof(line), "a block we did not ask for (piece %u "
	    "at 0): ignored", pieces[0]);
	assert_int_equal(log_count(f, line), 0);
	assert_int_equal(f->t->wasted, piece_size(pieces[0]));
	/* Every block is free again: unchoked, it is asked for all. */
	send_simple(c, WIRE_UNCHOKE);
	expect_requests(f, c, NPIECES, again);
	for (i = 0; i < NPIECES; i++) {
		a |= 1u << pieces[i];
		b |= 1u << again[i];
	}
	assert_int_equal(a, b);
	for (i = 0; i < NPIECES; i++)
		send_block(f, c, again[i], 0, piece_size(again[i]), 0);
	expect_haves(f, c, (1u << NPIECES) - 1, -1);
	assert_true(torrent_complete(f->t));
}

/* The check is over: the workers' storage keeps no hashing buffer (1 MiB
 * a torrent of big pieces, in a session of hundreds) nor hash context. */
static void
test_check_keeps_no_hash_buffer(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(picker_have_count(f->t->picker), NPIECES);
	assert_non_null(f->t->wstore);
	assert_null(f->t->wstore->buf);
	assert_null(f->t->wstore->sha);
}

/* Requests are timed when the session keeps time in us (env now_us): the
 * first one sent is the probe, and its block back 300 us later makes the
 * peer near, its pipeline twice the one block on the path and
 * PEER_MIN_PIPELINE more. */
static void
test_request_timed(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 pieces[NPIECES];
	struct conn	*c;
	struct peer	*p;
	int		 i;

	f->env.now_us = 7000000;
	c = conn_seeding(f, pieces);
	assert_non_null(p = torrent_peer_by_id(f->t, c->engine_id));
	assert_int_equal(p->probe_us, 7000000);
	assert_int_equal(p->probe.piece, pieces[0]);
	assert_int_equal(p->lat_min_us, 0);
	f->env.now_us += 300;
	send_block(f, c, pieces[0], 0, piece_size(pieces[0]), 0);
	for (i = 0; i < WAIT_TURNS && p->nreqs == NPIECES; i++)
		drive(f, 2);
	assert_int_equal(p->nreqs, NPIECES - 1);
	assert_int_equal(p->lat_min_us, 300);
	assert_int_equal(peer_pipeline_target(p, f->env.now_ms),
	    2 + PEER_MIN_PIPELINE);
}

/* A peer that sends nothing for a minute is snubbed: its requests are
 * cancelled (CANCEL) and given back, and it gets one request at a time
 * until a block comes. */
static void
test_snubbed_peer(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 pieces[NPIECES];
	struct conn	*c = conn_seeding(f, pieces);
	struct msg	 m, req = { 0 };
	size_t		 cancels = 0, requests = 0;

	advance(f, 61000);
	tick(f);
	while (next_msg(f, c, &m, 20)) {
		if (m.type == WIRE_CANCEL)
			cancels++;
		else if (m.type == WIRE_REQUEST) {
			req = m;
			requests++;
		}
	}
	assert_int_equal(cancels, NPIECES);
	assert_int_equal(requests, 1);
	/* its one block comes: no longer snubbed, it is asked for more */
	send_block(f, c, req.index, req.begin, req.length, 0);
	requests = 0;
	while (next_msg(f, c, &m, 20))
		if (m.type == WIRE_REQUEST)
			requests++;
	assert_true(requests > 1);
}

/*
 * The disk behind (PEERPROTO_MAX_DISK_BYTES waiting for it): the torrent's
 * peers are not read, their blocks wait in the socket; the minutes held
 * count neither as the peer's silence nor toward snubbing it; once the
 * disk catches up the waiting block is read.
 */
static void
test_disk_behind_holds_reads(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 pieces[NPIECES];
	struct conn	*c = conn_seeding(f, pieces);
	struct peer	*p = torrent_peer_by_id(f->t, c->engine_id);
	uint64_t	 behind = PEERPROTO_MAX_DISK_BYTES - 1;
	fd_set		 rd, wr;
	struct msg	 m;
	int		 i, maxfd = -1, unread = 0;

	assert_non_null(p);
	assert_int_equal(f->t->disk_held_ms, 0);
	/* as if 16 MiB less a byte of other pieces were waiting */
	f->t->disk_bytes += behind;
	send_block(f, c, pieces[0], 0, piece_size(pieces[0]), 0);
	/* the turn that takes the block queues its piece: past the limit
	 * (its write's end comes at a later turn's worker_drain) */
	for (i = 0; i < WAIT_TURNS && f->t->disk_held_ms == 0; i++)
		drive(f, 2);
	assert_int_not_equal(f->t->disk_held_ms, 0);
	assert_true(peerproto_disk_busy(f->t));
	send_block(f, c, pieces[1], 0, piece_size(pieces[1]), 0);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	torrent_fdset(f->t, &rd, &wr, &maxfd, 0);
	assert_false(FD_ISSET(p->fd, &rd));
	assert_int_equal(ioctl(p->fd, FIONREAD, &unread), 0);
	assert_true(unread > 0);
	/* four minutes held: neither "silent for 3 minutes" nor snubbed */
	f->env.now_ms += 240000;
	tick(f);
	assert_int_equal(count_dropped(f, c, "silent"), 0);
	assert_ptr_equal(torrent_peer_by_id(f->t, c->engine_id), p);
	assert_int_equal(p->snubbed, 0);
	/* the tick kept the connection alive from our side */
	expect_msg(f, c, WIRE_KEEPALIVE, &m);
	/* the write comes back: read again, the waiting block taken */
	f->t->disk_bytes -= behind;
	expect_haves(f, c, (1u << pieces[0]) | (1u << pieces[1]), -1);
	assert_int_equal(f->t->disk_held_ms, 0);
	tick(f);
	assert_int_equal(count_dropped(f, c, "silent"), 0);
	assert_ptr_equal(torrent_peer_by_id(f->t, c->engine_id), p);
	assert_int_equal(p->snubbed, 0);
}

/* Every block asked of one peer: a second peer gets them too (endgame),
 * and the one that comes first is cancelled at the other. */
static void
test_endgame_cancel(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 pa[NPIECES], pb[NPIECES];
	struct conn	*a = conn_seeding(f, pa), *b = conn_join(f, -1);
	struct msg	 m;
	char		 line[MSG_TEXT_MAX];

	/* Every block is asked of a: b gets duplicates, a few at a time. */
	expect_quiet(f, b);
	send_bitfield(b, ALL_PIECES);
	expect_msg(f, b, WIRE_INTERESTED, &m);
	send_simple(b, WIRE_UNCHOKE);
	expect_requests(f, b, PEERPROTO_ENDGAME_PIPELINE, pb);
	expect_quiet(f, b);
	send_block(f, a, pb[0], 0, piece_size(pb[0]), 0);
	expect_msg(f, b, WIRE_CANCEL, &m);
	assert_int_equal(m.index, pb[0]);
	assert_int_equal(m.begin, 0);
	assert_int_equal(m.length, piece_size(pb[0]));
	/* (its place in b's few duplicates goes to another block) */
	do
		assert_true(next_msg(f, b, &m, WAIT_TURNS));
	while (m.type == WIRE_REQUEST);
	assert_int_equal(m.type, WIRE_HAVE);
	assert_int_equal(m.index, pb[0]);
	expect_msg(f, a, WIRE_HAVE, &m);
	assert_int_equal(m.index, pb[0]);
	/* The cancelled block comes from b anyway: not used twice, counted
	 * as wasted, and not logged (b sent it before our CANCEL came). */
	send_block(f, b, pb[0], 0, piece_size(pb[0]), 0);
	expect_quiet(f, b);
	snprintf(line, sizeof(line), "peer %s: a block we did not ask for",
	    b->name);
	assert_int_equal(log_count(f, line), 0);
	assert_int_equal(f->t->wasted, piece_size(pb[0]));
}

/*
 * Blocks that answer requests we gave up are the ordinary race (issue
 * 17): each is counted as wasted and nothing is logged, however it was
 * given up.  A block never asked for is still said, once per peer.
 */
static void
test_given_up_blocks_not_logged(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 pa[NPIECES], pb[NPIECES];
	struct conn	*a, *b;
	struct msg	 m;
	uint64_t	 wasted;
	char		 line[MSG_TEXT_MAX];
	size_t		 before;

	/* a chokes us (no fast extension): its requests are given up */
	a = conn_seeding(f, pa);
	send_simple(a, WIRE_CHOKE);
	expect_quiet(f, a);
	send_block(f, a, pa[1], 0, piece_size(pa[1]), 0);
	expect_quiet(f, a);
	assert_int_equal(f->t->wasted, piece_size(pa[1]));
	assert_int_equal(log_count(f, "a block we did not ask for"), 0);
	/* b takes them all, then is snubbed: CANCELs, given up */
	b = conn_seeding(f, pb);
	advance(f, 61000);
	tick(f);
	send_raw(a, (const uint8_t *)"\0\0\0\0", 4);	/* not silent */
	before = f->nlogs;
	wasted = f->t->wasted;
	send_block(f, b, pb[NPIECES - 1], 0, piece_size(pb[NPIECES - 1]),
	    0);
	send_block(f, b, pb[0], 0, piece_size(pb[0]), 0);
	while (next_msg(f, b, &m, QUIET_TURNS))
		;
	/* (a snubbed peer's one request may be one of them: then that
	 * one is taken, not wasted) */
	assert_true(f->t->wasted >= wasted + piece_size(pb[0]) ||
	    f->t->wasted >= wasted + piece_size(pb[NPIECES - 1]));
	assert_int_equal(log_count_since(f, before,
	    "a block we did not ask for"), 0);
	/* a block a never had a request for: said once */
	send_block(f, a, pa[2], 100, 100, 0);
	send_block(f, a, pa[3], 100, 100, 0);
	expect_quiet(f, a);
	snprintf(line, sizeof(line), "peer %s: a block we did not ask for "
	    "(piece %u at 100): ignored", a->name, pa[2]);
	assert_int_equal(log_count(f, line), 1);
	assert_int_equal(log_count(f, "a block we did not ask for"), 1);
}

/* A block of the wrong size for its request cannot be used: the request
 * is given up and the block asked for again, from the same peer. */
static void
test_wrong_size_block_asked_again(void **state)
{
	static const struct {
		const char	*name;
		int		 last;	/* the short last piece, else another */
		uint32_t	 len;
	} cases[] = {
		{ "short block", 0, 100 },
		{ "block one byte short", 0, PIECE_BYTES - 1 },
		{ "block past the last piece's end", 1, LAST_BYTES + 100 },
	};
	struct fixture	*f = *state;
	uint32_t	 pieces[NPIECES], x;
	struct conn	*c = conn_seeding(f, pieces);
	struct msg	 m;
	size_t		 i;

	for (i = 0; i < NELEM(cases); i++) {
		x = cases[i].last ? NPIECES - 1 : pieces[i];
		send_block(f, c, x, 0, cases[i].len, 0);
		if (!next_msg(f, c, &m, WAIT_TURNS) ||
		    m.type != WIRE_REQUEST)
			fail_msg("%s: not asked again", cases[i].name);
		assert_int_equal(m.index, x);
		assert_int_equal(m.begin, 0);
		assert_int_equal(m.length, piece_size(x));
	}
	expect_quiet(f, c);
	for (i = 0; i < NPIECES; i++)
		send_block(f, c, pieces[i], 0, piece_size(pieces[i]), 0);
	expect_haves(f, c, (1u << NPIECES) - 1, -1);
	assert_true(torrent_complete(f->t));
}

/* ---- partial data: some pieces to give, one to get ---- */

static void
test_partial_have_and_request(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c;
	struct msg	 m;

	assert_int_equal(log_count(f, "checked data on disk: 6 of 7 pieces "
	    "good"), 1);
	assert_int_equal(torrent_state(f->t), TORRENT_DOWNLOADING);
	c = conn_join(f, PARTIAL_PIECES);
	send_have(c, 5);		/* one we have: still nothing to want */
	expect_quiet(f, c);
	send_have(c, BAD_PIECE);
	expect_msg(f, c, WIRE_INTERESTED, &m);
	send_simple(c, WIRE_UNCHOKE);
	expect_msg(f, c, WIRE_REQUEST, &m);
	assert_int_equal(m.index, BAD_PIECE);
	expect_quiet(f, c);
	send_block(f, c, BAD_PIECE, 0, PIECE_BYTES, 0);
	expect_msg(f, c, WIRE_HAVE, &m);
	assert_int_equal(m.index, BAD_PIECE);
	tick(f);
	assert_int_equal(log_count(f, "Download complete"), 1);
	assert_int_equal(torrent_state(f->t), TORRENT_SEEDING);
}

static void
test_partial_request_missing_piece(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c = conn_unchoked(f, PARTIAL_PIECES);
	struct msg	 m;

	send_request(c, 2, 0, PIECE_BYTES);
	expect_msg(f, c, WIRE_PIECE, &m);
	send_request(c, BAD_PIECE, 0, PIECE_BYTES);
	expect_closed(f, c);
	assert_int_equal(count_dropped(f, c, "requested a block we do not "
	    "have (piece 3)"), 1);
	assert_int_equal(torrent_state(f->t), TORRENT_DOWNLOADING);
}

/* ---- dialling out ---- */

enum reply_kind { R_GOOD, R_OTHER_TORRENT, R_NOT_BT, R_OURSELVES };

static int
listen_loopback(struct peer_addr *a)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&a->ss;
	int			 fd;

	memset(a, 0, sizeof(*a));
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->len = sizeof(*s4);
	assert_true((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) >=
	    0);
	assert_int_equal(bind(fd, (struct sockaddr *)s4, a->len), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)s4, &a->len), 0);
	return fd;
}

/* The connection bttui dials to lfd, or -1 when none comes. */
static int
accept_dialled(struct fixture *f, int lfd, int turns)
{
	int	fd, i;

	for (i = 0; i <= turns; i++) {
		if ((fd = accept(lfd, NULL, NULL)) >= 0)
			return fd;
		drive(f, 2);
	}
	return -1;
}

static void
test_outgoing_handshake(void **state)
{
	static const struct {
		const char	*name;
		enum reply_kind	 reply;
		int		 stays;
		const char	*log;
		int		 redial;	/* dialled again later */
	} cases[] = {
		{ "another torrent", R_OTHER_TORRENT, 0,
		    "handshake for another torrent", 1 },
		{ "not BitTorrent", R_NOT_BT, 0, "not a BitTorrent handshake",
		    1 },
		{ "ourselves", R_OURSELVES, 0, NULL, 0 },
		{ "good", R_GOOD, 1, NULL, 0 },
	};
	struct fixture		*f = *state;
	struct peer_addr	 a;
	struct conn		*c;
	struct bbuf		 b;
	struct msg		 m;
	uint8_t			 hash[20];
	size_t			 i, before;
	int			 lfd, fd;

	for (i = 0; i < NELEM(cases); i++) {
		before = f->nlogs;
		lfd = listen_loopback(&a);
		torrent_add_peer_addr(f->t, &a);
		tick(f);			/* dials */
		if ((fd = accept_dialled(f, lfd, WAIT_TURNS)) < 0)
			fail_msg("%s: not dialled", cases[i].name);
		c = conn_new(f, fd);
		/* It dialled: its handshake comes first. */
		expect_msg(f, c, T_HANDSHAKE, &m);
		assert_memory_equal(m.hs.info_hash, torrent_info_hash(f->t),
		    20);
		assert_memory_equal(m.hs.peer_id, f->env.peer_id, 20);
		memcpy(hash, torrent_info_hash(f->t), 20);
		bbuf_init(&b, 128);
		if (cases[i].reply == R_NOT_BT)
			assert_int_equal(bbuf_putf(&b, "GET / HTTP/1.1\r\n"
			    "Host: 127.0.0.1\r\n\r\n"), BT_OK);
		else {
			if (cases[i].reply == R_OTHER_TORRENT)
				hash[19] ^= 1;
			assert_int_equal(wire_handshake_encode(&b, no_ext, hash,
			    cases[i].reply == R_OURSELVES ? f->env.peer_id :
			    c->peer_id), BT_OK);
		}
		send_buf(c, &b);
		if (cases[i].stays) {
			/* No second handshake, no bitfield: it has none. */
			expect_quiet(f, c);
			send_bitfield(c, ALL_PIECES);
			expect_msg(f, c, WIRE_INTERESTED, &m);
			assert_int_equal(torrent_count_peers(f->t), 1);
		} else
			expect_closed(f, c);
		if (cases[i].log != NULL)
			assert_int_equal(log_count_since(f, before,
			    cases[i].log), 1);
		/* Dropped: tried again after 10 s, unless it was us. */
		f->env.now_ms += 11000;
		tick(f);
		fd = accept_dialled(f, lfd, QUIET_TURNS);
		if ((fd >= 0) != cases[i].redial)
			fail_msg("%s: dialled again: %d", cases[i].name,
			    fd >= 0);
		if (fd >= 0)
			close(fd);
		close(lfd);
	}
}

/* The torrent's entry for address a. */
static struct known_peer *
known(struct fixture *f, const struct peer_addr *a)
{
	struct known_peer	*k = torrent_known_find(f->t, a);

	assert_non_null(k);
	return k;
}

/* bttui dials lfd at the next tick: the test's end, bttui's handshake
 * read. */
static struct conn *
dialled(struct fixture *f, int lfd)
{
	struct conn	*c;
	struct msg	 m;
	int		 fd;

	tick(f);
	assert_true((fd = accept_dialled(f, lfd, WAIT_TURNS)) >= 0);
	c = conn_new(f, fd);
	expect_msg(f, c, T_HANDSHAKE, &m);
	return c;
}

/* The test's handshake back on a connection bttui dialled. */
static void
answer_handshake(struct fixture *f, struct conn *c, unsigned flags)
{
	uint8_t		reserved[WIRE_RESERVED_LEN];
	struct bbuf	b;

	c->flags = flags;
	wire_reserved_make(flags, reserved);
	bbuf_init(&b, 128);
	assert_int_equal(wire_handshake_encode(&b, reserved,
	    torrent_info_hash(f->t), c->peer_id), BT_OK);
	send_buf(c, &b);
}

/* Turns until the torrent has n connections (any state) left. */
static void
wait_npeers(struct fixture *f, size_t n)
{
	int	i;

	for (i = 0; i < WAIT_TURNS && f->t->npeers != n; i++)
		drive(f, 2);
	assert_int_equal(f->t->npeers, n);
}

/* Nothing is dialled at a tick now (the test holds no other peer). */
static void
expect_no_dial(struct fixture *f, const struct known_peer *k)
{
	unsigned	fails = k->fails;

	tick(f);
	drive(f, 2);
	assert_int_equal(f->t->npeers, 0);
	assert_int_equal(k->fails, fails);
}

enum dial_fail {
	DF_REFUSED, DF_OTHER_TORRENT, DF_ENCRYPTED, DF_CLOSED, DF_HALF,
	DF_SILENT,
};

/* One dial of the torrent's only known address, failed the way `how'
 * says; returns once bttui has given the connection up. */
static void
fail_dial(struct fixture *f, enum dial_fail how, int lfd,
    const struct peer_addr *a)
{
	struct known_peer	*k = known(f, a);
	unsigned		 fails = k->fails;
	uint8_t			 mse[96], hash[20];
	struct conn		*c;
	struct bbuf		 b;
	size_t			 i;

	if (how == DF_REFUSED) {
		tick(f);
		for (i = 0; i < WAIT_TURNS && k->fails == fails; i++)
			drive(f, 2);
		assert_int_equal(k->fails, fails + 1);
		wait_npeers(f, 0);
		return;
	}
	c = dialled(f, lfd);
	bbuf_init(&b, 128);
	memcpy(hash, torrent_info_hash(f->t), 20);
	switch (how) {
	case DF_OTHER_TORRENT:
		hash[7] ^= 0x40;
		assert_int_equal(wire_handshake_encode(&b, no_ext, hash,
		    c->peer_id), BT_OK);
		send_buf(c, &b);
		break;
	case DF_ENCRYPTED:
		/* MSE opens with a 96-byte Diffie-Hellman key: noise */
		for (i = 0; i < sizeof(mse); i++)
			mse[i] = (uint8_t)(i * 151 + 7);
		send_raw(c, mse, sizeof(mse));
		bbuf_cleanup(&b);
		break;
	case DF_HALF:
		assert_int_equal(wire_handshake_encode(&b, no_ext, hash,
		    c->peer_id), BT_OK);
		send_raw(c, bbuf_ptr(&b), 30);
		bbuf_cleanup(&b);
		drive(f, 2);
		conn_close(c);
		break;
	case DF_SILENT:
		bbuf_cleanup(&b);
		f->env.now_ms += PEER_HANDSHAKE_TIMEOUT_MS + 1;
		tick(f);
		break;
	default:		/* DF_CLOSED */
		bbuf_cleanup(&b);
		conn_close(c);
		break;
	}
	if (c->fd >= 0)
		expect_closed(f, c);
	wait_npeers(f, 0);
	assert_int_equal(k->fails, fails + 1);
}

/*
 * Dials that fail before the handshake is through (issue 17): each is
 * logged with its reason, once per address however often it fails again,
 * the reason is kept for the Trackers view, and the address waits 10 s,
 * then 20 s before it is dialled again.
 */
static void
test_dial_failures_logged_once(void **state)
{
	static const struct {
		const char	*name;
		enum dial_fail	 how;
		enum peer_fail	 fail;
		const char	*text;
	} cases[] = {
		{ "refused", DF_REFUSED, PEER_FAIL_CONNECT,
		    "cannot connect: Connection refused" },
		{ "another torrent", DF_OTHER_TORRENT, PEER_FAIL_OTHER_TORRENT,
		    "handshake for another torrent" },
		{ "encrypted", DF_ENCRYPTED, PEER_FAIL_NOT_BT,
		    "not a BitTorrent handshake" },
		{ "closed", DF_CLOSED, PEER_FAIL_CLOSED,
		    "closed the connection right after our handshake" },
		{ "half a handshake", DF_HALF, PEER_FAIL_CLOSED_PARTIAL,
		    "closed the connection in the middle of its handshake" },
		{ "silent", DF_SILENT, PEER_FAIL_TIMEOUT,
		    "no handshake within 20 s" },
	};
	struct fixture		*f = *state;
	struct known_peer	*k;
	struct peer_addr	 a;
	char			 name[64], line[MSG_TEXT_MAX];
	size_t			 i, before;
	unsigned		 round;
	int			 lfd;

	for (i = 0; i < NELEM(cases); i++) {
		before = f->nlogs;
		lfd = listen_loopback(&a);
		if (cases[i].how == DF_REFUSED) {
			close(lfd);	/* nobody there: refused */
			lfd = -1;
		}
		peer_addr_format(&a, name, sizeof(name));
		torrent_add_peer_addr(f->t, &a);
		for (round = 0; round < 3; round++) {
			k = known(f, &a);
			if (round > 0) {
				f->env.now_ms = k->retry_ms - 1;
				expect_no_dial(f, k);
				f->env.now_ms = k->retry_ms;
			}
			fail_dial(f, cases[i].how, lfd, &a);
			k = known(f, &a);
			if (k->fail != cases[i].fail)
				fail_msg("%s: fail %u", cases[i].name, k->fail);
			assert_int_equal(k->fails, round + 1);
			assert_int_equal(k->failed_ms, f->env.now_ms);
			assert_int_equal(k->retry_ms, f->env.now_ms +
			    (10000u << round));
			assert_false(k->connected);
		}
		snprintf(line, sizeof(line), "peer %s: %s", name,
		    cases[i].text);
		if (log_lines_since(f, before, line) != 1)
			fail_msg("%s: \"%s\" not logged once (last: %s)",
			    cases[i].name, line, f->logs[f->nlogs - 1]);
		assert_int_equal(log_count_since(f, before, name), 1);
		if (lfd >= 0)
			close(lfd);
		/* out of the way of the next case */
		k->banned = 1;
	}
}

/*
 * A peer that closes an established connection is not dialled again at
 * once (aria2c drops a peer it has no use for after 30 s; we came back
 * every 31 s): 30 s, then 60 s, 120 s while connections end without
 * trading; one that lasted a minute and traded resets it to 30 s.
 */
static void
test_redial_backoff(void **state)
{
	struct fixture		*f = *state;
	struct known_peer	*k;
	struct peer_addr	 a;
	uint32_t		 pieces[NPIECES];
	struct conn		*c;
	struct msg		 m;
	unsigned		 round;
	int			 lfd = listen_loopback(&a);

	torrent_add_peer_addr(f->t, &a);
	for (round = 0; round < 3; round++) {
		c = dialled(f, lfd);
		answer_handshake(f, c, 0);
		expect_msg(f, c, WIRE_KEEPALIVE, &m);	/* it has nothing */
		send_bitfield(c, ALL_PIECES);
		expect_msg(f, c, WIRE_INTERESTED, &m);
		assert_int_equal(torrent_count_peers(f->t), 1);
		f->env.now_ms += 30000;		/* uninterested in us */
		conn_close(c);
		wait_npeers(f, 0);
		k = known(f, &a);
		assert_int_equal(k->drops, round + 1);
		assert_int_equal(k->fails, 0);
		assert_int_equal(k->fail, PEER_FAIL_NONE);
		assert_int_equal(k->retry_ms, f->env.now_ms +
		    (30000u << round));
		f->env.now_ms = k->retry_ms - 1;
		expect_no_dial(f, k);
		f->env.now_ms = k->retry_ms;
	}
	/* a seed, but we are not seeding: it is dialled all the same */
	assert_true(k->seed);
	c = dialled(f, lfd);
	answer_handshake(f, c, 0);
	expect_msg(f, c, WIRE_KEEPALIVE, &m);
	send_bitfield(c, ALL_PIECES);
	expect_msg(f, c, WIRE_INTERESTED, &m);
	send_simple(c, WIRE_UNCHOKE);
	expect_requests(f, c, NPIECES, pieces);
	send_block(f, c, pieces[0], 0, piece_size(pieces[0]), 0);
	expect_msg(f, c, WIRE_HAVE, &m);
	f->env.now_ms += 61000;
	conn_close(c);
	wait_npeers(f, 0);
	k = known(f, &a);
	assert_int_equal(k->drops, 0);
	assert_int_equal(k->retry_ms, f->env.now_ms + 30000);
	close(lfd);
}

/* A PEX message from c (which announced BEP 10) adding these addresses,
 * each with these BEP 11 flags. */
static void
send_pex(struct conn *c, const struct peer_addr *a, const uint8_t *flags,
    size_t n)
{
	struct extmsg_handshake	hs;
	struct pex_peer		add[4];
	struct bbuf		b;
	size_t			i;

	assert_true(n <= NELEM(add));
	memset(add, 0, sizeof(add));
	for (i = 0; i < n; i++) {
		assert_int_equal(caddr_from_sockaddr(&a[i].ss, a[i].len,
		    &add[i].addr), BT_OK);
		add[i].flags = flags[i];
	}
	extmsg_handshake_ours(&hs, EXTMSG_HS_UT_PEX, 0, 0, 0);
	bbuf_init(&b, 4096);
	assert_int_equal(extmsg_handshake_encode(&b, &hs), BT_OK);
	assert_int_equal(pex_encode(&b, EXTMSG_OUR_UT_PEX, add, n, NULL, 0,
	    NULL, NULL), BT_OK);
	send_buf(c, &b);
}

/* PEX on (the default) and off (--no-pex): our extended handshake offers
 * ut_pex or not, and a peer's PEX list is taken or ignored. */
static void
test_pex_on_off(void **state)
{
	static const uint8_t	flags[1] = { 0 };
	struct fixture		*f = *state;
	struct extmsg_handshake	 hs;
	struct peer_addr	 pa[2];
	struct conn		*c;
	struct msg		 m;
	char			 err[128];
	int			 plfd[2], off, i;

	for (off = 0; off < 2; off++) {
		f->cfg.no_pex = off;
		plfd[off] = listen_loopback(&pa[off]);
		c = conn_incoming_flags(f, NULL, NULL, WIRE_F_EXT);
		expect_msg(f, c, T_HANDSHAKE, &m);
		send_pex(c, &pa[off], flags, 1);
		expect_msg(f, c, WIRE_EXTENDED, &m);
		assert_int_equal(m.index, 0);		/* the handshake */
		assert_int_equal(extmsg_handshake_decode(m.data, m.data_len,
		    &hs, err, sizeof(err)), BT_OK);
		if (((hs.flags & EXTMSG_HS_UT_PEX) != 0) != !off)
			fail_msg("--no-pex %d: ut_pex offered %d", off, !!off);
		for (i = 0; i < 20; i++)
			drive(f, 2);
		if ((torrent_known_find(f->t, &pa[off]) != NULL) != !off)
			fail_msg("--no-pex %d: the PEX address was %s", off,
			    off ? "taken" : "ignored");
		conn_close(c);
		wait_npeers(f, 0);
		close(plfd[off]);
	}
}

/*
 * Our own listening address is never a known peer (a tracker lists us
 * too): our port on a loopback address, or with --bind on the bound one.
 */
static void
test_known_not_us(void **state)
{
	static const struct {
		const char	*addr;
		const char	*bound;		/* --bind, or NULL */
		int		 known;		/* taken as a peer */
	} rows[] = {
		{ "127.0.0.1:6881", NULL, 0 },
		{ "127.0.0.9:6881", NULL, 0 },
		{ "[::1]:6881", NULL, 0 },
		{ "127.0.0.1:6882", NULL, 1 },		/* another port */
		{ "[::1]:6880", NULL, 1 },
		{ "127.0.0.2:6881", "127.0.0.2:0", 0 },
		{ "127.0.0.1:6881", "127.0.0.2:0", 1 },	/* not where we are */
	};
	struct fixture		*f = *state;
	struct peer_addr	 a, b;
	size_t			 i;

	assert_int_equal(f->env.port, 6881);
	for (i = 0; i < NELEM(rows); i++) {
		assert_int_equal(peer_addr_parse(rows[i].addr, &a), BT_OK);
		f->env.dial_bound = rows[i].bound != NULL;
		f->env.dial4 = NULL;
		if (rows[i].bound != NULL) {
			assert_int_equal(peer_addr_parse(rows[i].bound, &b),
			    BT_OK);
			f->env.dial4 = &b;
		}
		torrent_add_peer_addr(f->t, &a);
		if ((torrent_known_find(f->t, &a) != NULL) != rows[i].known)
			fail_msg("%s (bind %s): known %d, want %d",
			    rows[i].addr, rows[i].bound ? rows[i].bound : "-",
			    !rows[i].known, rows[i].known);
	}
	f->env.dial_bound = 0;
	f->env.dial4 = NULL;
}

/*
 * bttui dials an address that is its own (a tracker lists us too): its
 * listener takes the connection and sees our own peer id.  The accepting
 * end finds the dial by its socket's local address, drops both ends and
 * bans the address: it is not dialled again after the back-off.
 */
static void
test_self_dial_banned(void **state)
{
	struct fixture		*f = *state;
	struct peer_addr	 a, from;
	struct wire_handshake	 hs;
	int			 lfd = listen_loopback(&a), fd;

	torrent_add_peer_addr(f->t, &a);
	tick(f);
	assert_true((fd = accept_dialled(f, lfd, WAIT_TURNS)) >= 0);
	assert_false(known(f, &a)->banned);
	/* the session's accept path, by hand: the dial's handshake read on
	 * the accepted socket, whose peer is the dialling socket */
	memset(&from, 0, sizeof(from));
	from.len = sizeof(from.ss);
	assert_int_equal(getpeername(fd, (struct sockaddr *)&from.ss,
	    &from.len), 0);
	(void)adopt_incoming(f, fd, &from, &hs);
	assert_memory_equal(hs.peer_id, f->env.peer_id, 20);
	torrent_reap(f->t);
	assert_true(known(f, &a)->banned);
	assert_int_equal(torrent_count_peers(f->t), 0);	/* the dial too */
	wait_npeers(f, 0);
	f->env.now_ms += 31000;
	tick(f);
	assert_true(accept_dialled(f, lfd, QUIET_TURNS) < 0);
	close(lfd);
}

/*
 * While we seed, seeds are not dialled: nothing to trade either way.  A
 * seed is known from its bitfield (or HAVE_ALL) when its connection ends,
 * or from a PEX message's 0x02 flag; a peer that is not one is dialled
 * again after its back-off.
 */
static void
test_seeds_not_dialled_while_seeding(void **state)
{
	static const uint8_t	pex_flags[2] = { PEX_F_SEED, 0 };
	struct fixture		*f = *state;
	struct peer_addr	 a[2], pa[2];
	struct known_peer	*k;
	struct conn		*c;
	struct msg		 m;
	int			 lfd[2], plfd[2], fd;
	size_t			 i;

	for (i = 0; i < 2; i++) {
		lfd[i] = listen_loopback(&a[i]);
		plfd[i] = listen_loopback(&pa[i]);
	}
	/* a[0] turns out a seed, a[1] a leecher */
	for (i = 0; i < 2; i++) {
		torrent_add_peer_addr(f->t, &a[i]);
		c = dialled(f, lfd[i]);
		answer_handshake(f, c, 0);
		expect_msg(f, c, WIRE_BITFIELD, &m);
		send_bitfield(c, i == 0 ? ALL_PIECES : 0x80);
		expect_quiet(f, c);
		conn_close(c);
		wait_npeers(f, 0);
		assert_int_equal(known(f, &a[i])->seed, i == 0);
	}
	f->env.now_ms += 31000;
	tick(f);
	assert_true((fd = accept_dialled(f, lfd[1], WAIT_TURNS)) >= 0);
	close(fd);
	assert_true(accept_dialled(f, lfd[0], QUIET_TURNS) < 0);
	k = known(f, &a[0]);
	assert_true(k->retry_ms <= f->env.now_ms);
	assert_false(torrent_known_dialable(f->t, k, f->env.now_ms));
	wait_npeers(f, 0);
	/* PEX: pa[0] is said to be a seed, pa[1] not */
	c = conn_incoming_flags(f, NULL, NULL, WIRE_F_EXT);
	expect_msg(f, c, T_HANDSHAKE, &m);
	send_pex(c, pa, pex_flags, 2);
	expect_msg(f, c, WIRE_EXTENDED, &m);
	for (i = 0; i < 20; i++)
		drive(f, 2);
	assert_true(known(f, &pa[0])->seed);
	assert_false(known(f, &pa[1])->seed);
	tick(f);
	assert_true((fd = accept_dialled(f, plfd[1], WAIT_TURNS)) >= 0);
	close(fd);
	assert_true(accept_dialled(f, plfd[0], QUIET_TURNS) < 0);
	for (i = 0; i < 2; i++) {
		close(lfd[i]);
		close(plfd[i]);
	}
}

/* torrent_send_details' MSG_TRACKERS, kept (and checked to encode). */
static void
keep_trackers(void *arg, int type, const union msg_any *m)
{
	struct bbuf	b;

	if (type != MSG_TRACKERS)
		return;
	bbuf_init(&b, MSG_MAX_PAYLOAD);
	assert_int_equal(msg_encode(type, &b, m), BT_OK);
	bbuf_cleanup(&b);
	*(struct msg_trackers *)arg = m->trackers;
}

/*
 * The Trackers view lists the addresses whose last dial failed (issue 17:
 * "peers 0/2" and no word of why): after the peer sources, newest first,
 * with where each came from, why, when, and the next try; when they do
 * not all fit, the last row counts the rest.
 */
static void
test_failed_addresses_in_trackers(void **state)
{
	struct fixture		*f = *state;
	struct msg_trackers	*tr = calloc(1, sizeof(*tr));
	struct peer_addr	 a, b, x;
	struct known_peer	*k;
	char			 want[MSG_URL_MAX], name[64];
	int			 lfd;
	uint16_t		 i;

	assert_non_null(tr);
	lfd = listen_loopback(&a);
	close(lfd);		/* refused */
	torrent_add_peer_addr(f->t, &a);
	fail_dial(f, DF_REFUSED, -1, &a);
	f->env.now_ms += 5000;
	lfd = listen_loopback(&b);
	torrent_add_peer_addr(f->t, &b);
	fail_dial(f, DF_OTHER_TORRENT, lfd, &b);
	close(lfd);
	torrent_send_details(f->t, keep_trackers, tr);
	assert_int_equal(tr->n, 2);
	peer_addr_format(&b, name, sizeof(name));
	snprintf(want, sizeof(want), "%s from --peer, 1 failure in a row",
	    name);
	assert_string_equal(tr->t[0].url, want);
	assert_string_equal(tr->t[0].error, "handshake for another torrent");
	assert_int_equal(tr->t[0].kind, MSG_TRACKER_KIND_PEER);
	assert_int_equal(tr->t[0].status, MSG_TRACKER_ERROR);
	assert_int_equal(tr->t[0].last_s, 0);
	assert_int_equal(tr->t[0].next_s, 10);
	assert_string_equal(tr->t[1].error, "cannot connect: Connection "
	    "refused");
	assert_int_equal(tr->t[1].last_s, 5);
	assert_int_equal(tr->t[1].next_s, 5);
	/* more than the rows: 31 shown, then "11 more" */
	memset(&x, 0, sizeof(x));
	x.ss.ss_family = AF_INET;
	((struct sockaddr_in *)&x.ss)->sin_addr.s_addr = htonl(0x0a000001);
	x.len = sizeof(struct sockaddr_in);
	for (i = 0; i < 40; i++) {
		((struct sockaddr_in *)&x.ss)->sin_port = htons(1000 + i);
		assert_non_null(k = torrent_known_add(f->t, &x,
		    TORRENT_SRC_PEX));
		k->fail = PEER_FAIL_CONNECT_TIMEOUT;
		k->fails = 1;
		k->failed_ms = f->env.now_ms - 60000;
		k->retry_ms = f->env.now_ms + 3600000;
	}
	torrent_send_details(f->t, keep_trackers, tr);
	assert_int_equal(tr->n, MSG_MAX_TRACKERS);
	assert_string_equal(tr->t[0].url, want);
	assert_string_equal(tr->t[2].error, "cannot connect: no answer "
	    "within 10 s");
	assert_true(strstr(tr->t[2].url, " from PEX, ") != NULL);
	assert_string_equal(tr->t[MSG_MAX_TRACKERS - 1].url, "11 more peer "
	    "addresses failed (the Log view has each once)");
	assert_int_equal(tr->t[MSG_MAX_TRACKERS - 1].last_s, -1);
	/* a banned address, or one that works again, is not listed */
	known(f, &b)->banned = 1;
	known(f, &a)->fail = PEER_FAIL_NONE;
	torrent_send_details(f->t, keep_trackers, tr);
	assert_int_equal(tr->n, MSG_MAX_TRACKERS);
	assert_true(strstr(tr->t[0].url, " from PEX, ") != NULL);
	assert_string_equal(tr->t[MSG_MAX_TRACKERS - 1].url, "9 more peer "
	    "addresses failed (the Log view has each once)");
	free(tr);
}

/* ---- the state machine ---- */

enum op { OP_NONE, OP_UNQUEUE, OP_QUEUE, OP_PAUSE, OP_RESUME, OP_FATAL };

static void
test_states(void **state)
{
	static const struct {
		const char		*name;
		enum op			 op;
		enum torrent_state	 want;
		int			 wants_slot, accepting, failed;
		const char		*log;	/* the line it logs, or NULL */
		const char		*drop;	/* why peers go, or NULL */
	} steps[] = {
		{ "queued at start", OP_NONE, TORRENT_QUEUED, 1, 0, 0,
		    NULL, NULL },
		{ "given a slot", OP_UNQUEUE, TORRENT_DOWNLOADING, 1, 1, 0,
		    "started from the queue", NULL },
		{ "paused", OP_PAUSE, TORRENT_PAUSED, 0, 0, 0, "paused",
		    "paused" },
		{ "resumed", OP_RESUME, TORRENT_DOWNLOADING, 1, 1, 0,
		    "resumed", NULL },
		{ "disk error", OP_FATAL, TORRENT_ERROR, 0, 0, 1,
		    "cannot write payload.bin: disk on fire",
		    "stopped after an error" },
		{ "resumed after the error", OP_RESUME, TORRENT_DOWNLOADING,
		    1, 1, 0, "resumed", NULL },
		{ "back in the queue", OP_QUEUE, TORRENT_QUEUED, 1, 0, 0,
		    "queued: waiting for a download slot", "queued" },
		{ "paused in the queue", OP_PAUSE, TORRENT_PAUSED, 0, 0, 0,
		    "paused", NULL },
		{ "resumed into the queue", OP_RESUME, TORRENT_QUEUED, 1, 0,
		    0, "resumed", NULL },
		{ "given a slot again", OP_UNQUEUE, TORRENT_DOWNLOADING, 1,
		    1, 0, "started from the queue", NULL },
	};
	struct fixture	*f = *state;
	struct conn	*c, *later;
	size_t		 i, before;

	for (i = 0; i < NELEM(steps); i++) {
		c = torrent_accepting(f->t) ? conn_join(f, -1) : NULL;
		before = f->nlogs;
		if (steps[i].op == OP_UNQUEUE || steps[i].op == OP_QUEUE)
			torrent_set_queued(f->t, steps[i].op == OP_QUEUE);
		else if (steps[i].op == OP_PAUSE || steps[i].op == OP_RESUME)
			torrent_pause(f->t, steps[i].op == OP_PAUSE);
		else if (steps[i].op == OP_FATAL)
			torrent_fatal(f->t, "cannot write payload.bin: disk "
			    "on fire");
		drive(f, 0);
		if (torrent_state(f->t) != steps[i].want)
			fail_msg("%s: state %d, want %d", steps[i].name,
			    torrent_state(f->t), steps[i].want);
		assert_int_equal(torrent_wants_slot(f->t),
		    steps[i].wants_slot);
		assert_int_equal(torrent_accepting(f->t),
		    steps[i].accepting);
		assert_int_equal(torrent_failed(f->t), steps[i].failed);
		if (steps[i].log != NULL &&
		    log_lines_since(f, before, steps[i].log) != 1)
			fail_msg("%s: no \"%s\"", steps[i].name,
			    steps[i].log);
		if (c != NULL && steps[i].drop != NULL) {
			expect_closed(f, c);
			assert_int_equal(count_dropped(f, c, steps[i].drop),
			    1);
		} else if (c != NULL)
			expect_quiet(f, c);
		/* A peer that comes now is taken only while it accepts. */
		later = conn_incoming(f, NULL, NULL);
		if (steps[i].accepting) {
			struct msg	m;

			expect_msg(f, later, T_HANDSHAKE, &m);
		} else {
			expect_closed(f, later);
			assert_false(later->got_handshake);
		}
	}
}

/* A disk error drops the peers and the requests they held, is logged
 * once, and resuming starts over: a new peer is asked for every block. */
static void
test_error_then_resume(void **state)
{
	struct fixture	*f = *state;
	uint32_t	 pieces[NPIECES];
	struct conn	*c = conn_seeding(f, pieces);

	torrent_fatal(f->t, "cannot write payload.bin: No space left");
	assert_int_equal(torrent_state(f->t), TORRENT_ERROR);
	assert_int_equal(log_count(f, "No space left"), 1);
	assert_false(torrent_accepting(f->t));
	expect_closed(f, c);
	assert_int_equal(count_dropped(f, c, "stopped after an error"), 1);
	/* Once only: the first error is the one the user sees. */
	torrent_fatal(f->t, "another error");
	assert_int_equal(log_count(f, "another error"), 0);
	torrent_pause(f->t, 0);
	assert_int_equal(torrent_state(f->t), TORRENT_DOWNLOADING);
	assert_false(torrent_failed(f->t));
	c = conn_seeding(f, pieces);
	assert_false(c->eof);
}

static void
test_seeding_states(void **state)
{
	struct fixture		*f = *state;
	struct msg_torrent_row	 row;

	assert_int_equal(torrent_state(f->t), TORRENT_SEEDING);
	assert_true(torrent_complete(f->t));
	assert_false(torrent_wants_slot(f->t));
	assert_true(torrent_accepting(f->t));
	tick(f);
	/* Complete before it started: not announced as a new completion,
	 * and the front is not told to say so. */
	assert_int_equal(log_count(f, "Download complete"), 0);
	torrent_fill_row(f->t, &row);
	assert_int_equal(row.flags, 0);
	torrent_pause(f->t, 1);
	assert_int_equal(torrent_state(f->t), TORRENT_PAUSED);
	assert_false(torrent_accepting(f->t));
	torrent_pause(f->t, 0);
	assert_int_equal(torrent_state(f->t), TORRENT_SEEDING);
	/* Not seeding: complete at start is done at the first tick. */
	torrent_free(f->t);
	open_torrent(f, 0, 0);
	assert_true(torrent_complete(f->t));
	tick(f);
	assert_int_equal(torrent_state(f->t), TORRENT_DONE);
	assert_false(torrent_accepting(f->t));
	assert_false(torrent_wants_slot(f->t));
}

/*
 * A quiet torrent (complete, no peer, no job) runs its tick in full at
 * most once a second; a wake (a job's end, an address) or a connection
 * brings back every tick.
 */
static void
test_quiet_tick(void **state)
{
	struct fixture	*f = *state;
	struct conn	*c;
	struct msg	 m;
	uint64_t	 t0;

	assert_int_equal(torrent_state(f->t), TORRENT_SEEDING);
	tick(f);
	t0 = f->t->tick_ms;
	assert_int_equal(t0, f->env.now_ms);
	f->env.now_ms += 500;
	tick(f);
	assert_int_equal(f->t->tick_ms, t0);		/* skipped */
	f->env.now_ms += 500;
	tick(f);
	assert_int_equal(f->t->tick_ms, t0 + 1000);	/* a second on */
	f->env.now_ms += 100;
	torrent_wake(f->t);
	tick(f);
	assert_int_equal(f->t->tick_ms, t0 + 1100);
	/* a connected peer: every tick */
	c = conn_incoming(f, NULL, NULL);
	expect_msg(f, c, T_HANDSHAKE, &m);
	f->env.now_ms += 100;
	tick(f);
	assert_int_equal(f->t->tick_ms, t0 + 1200);
}

#define T(fn, spec)	cmocka_unit_test_prestate_setup_teardown(fn, setup, \
			    teardown, (void *)&(spec))

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_handshake_answered, seeder),
		T(test_handshake_refused, seeder),
		T(test_interested_unchoked_and_served, seeder),
		T(test_request_answered_in_one_turn, seeder),
		T(test_request_queue_overflow, seeder),
	T(test_cancel_drops_queued_request, seeder),
		T(test_requests_while_choked_ignored, seeder),
		T(test_fast_choked_seeder_serves_allowed, seeder),
		T(test_fast_choked_leecher_rejects_allowed, leecher),
		T(test_tolerated_messages, seeder),
		T(test_bad_messages_drop_peer, seeder),
		T(test_choker_slots, seeder),
		T(test_choke_rounds_rotate_optimistic, seeder),
		T(test_keepalive_and_silence, seeder),
		T(test_seed_ratio_reached, ratio_seeder),
		T(test_leech_whole_torrent, leecher),
		T(test_crash_check_completes, leecher),
		T(test_crash_check_partial, leecher),
		T(test_bad_block_fails_hash, leecher),
		T(test_three_bad_pieces_ban, leecher),
		T(test_choke_releases_requests, leecher),
		T(test_endgame_cancel, leecher),
		T(test_given_up_blocks_not_logged, leecher),
		T(test_check_keeps_no_hash_buffer, seeder),
		T(test_request_timed, leecher),
		T(test_snubbed_peer, leecher),
		T(test_disk_behind_holds_reads, leecher),
		T(test_wrong_size_block_asked_again, leecher),
		T(test_partial_have_and_request, partial),
		T(test_partial_request_missing_piece, partial),
		T(test_outgoing_handshake, leecher),
		T(test_dial_failures_logged_once, leecher),
		T(test_redial_backoff, leecher),
		T(test_seeds_not_dialled_while_seeding, active_seeder),
		T(test_pex_on_off, leecher),
		T(test_failed_addresses_in_trackers, leecher),
		T(test_states, queued_leecher),
		T(test_error_then_resume, leecher),
		T(test_quiet_tick, seeder),
		T(test_self_dial_banned, leecher),
		T(test_known_not_us, queued_leecher),
		T(test_seeding_states, seeder),
	};

	return cmocka_run_group_tests_name("peerproto", tests, NULL, NULL);
}
