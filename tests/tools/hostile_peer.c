/*
 * hostile_peer: a scripted BitTorrent peer for the integration tests.  It
 * loads a .torrent, connects to bttui (--connect) or waits for bttui to dial
 * it (--listen), handshakes and then misbehaves in the one way MODE names,
 * so that a test can check bttui drops or ignores it and nothing else.
 *
 * It writes one line per event on stdout, "hostile MODE #CONN: ...", for the
 * test to grep.  In --listen mode it serves connection after connection
 * until killed; with --connect it runs once and exits.  Blocking sockets
 * with poll() deadlines are enough for a test tool (manyconns excepted).
 * The fast-extension modes, which check rather than misbehave, are in
 * hp_fast.c; hp.h is what the two files share.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
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
#include "engine/storage.h"
#include "engine/wire.h"
#include "hp.h"

#define HP_HANDSHAKE_WAIT_MS	10000
#define HP_DEFAULT_HOLD_S	30
#define HP_DEFAULT_FLOOD	200000	/* requests sent by requestflood */
#define HP_FLOOD_BATCH		1000
#define HP_UNASKED_MAX		4	/* unasked blocks unaskedpiece sends */
#define HP_HALF_LEN		30	/* bytes of handshake halfhandshake sends */
#define HP_MAX_CONNS		1000

static const char *const hp_mode_names[] = {
	"badpieces", "hugelen", "badbitfield", "havepastend",
	"requestpastend", "unaskedpiece", "wronghash", "halfhandshake",
	"requestflood", "manyconns", "fastcheck", "fastleech",
};

uint64_t
hp_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
hp_say(const struct hp *hp, const char *fmt, ...)
{
	va_list	ap;

	printf("hostile %s #%u: ", hp_mode_names[hp->mode], hp->nconn);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ---- bytes in and out ---- */

static int
send_all(int fd, const void *p, size_t n)
{
	const uint8_t	*b = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = send(fd, b, n, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return BT_ERR_SYS;
		}
		b += w;
		n -= (size_t)w;
	}
	return BT_OK;
}

int
hp_send_buf(int fd, struct bbuf *out)
{
	int	r;

	r = send_all(fd, bbuf_ptr(out), bbuf_len(out));
	bbuf_reset(out);
	return r;
}

/* Waits up to wait_ms for bytes and appends them to c->in.  BT_OK (some
 * bytes), BT_ERR_TIMEOUT, BT_ERR_CLOSED, BT_ERR_SYS or BT_ERR_LIMIT. */
static int
conn_fill(struct conn *c, int wait_ms)
{
	struct pollfd	 pfd = { c->fd, POLLIN, 0 };
	uint8_t		*dst;
	size_t		 room = bbuf_avail(&c->in);
	ssize_t		 n;
	int		 r;

	if (room == 0)
		return BT_ERR_LIMIT;
	if (room > 65536)
		room = 65536;
	if ((r = poll(&pfd, 1, wait_ms < 0 ? 0 : wait_ms)) == 0)
		return BT_ERR_TIMEOUT;
	if (r < 0)
		return errno == EINTR ? BT_ERR_TIMEOUT : BT_ERR_SYS;
	if (bbuf_reserve(&c->in, room, &dst) != BT_OK)
		return BT_ERR_NOMEM;
	if ((n = recv(c->fd, dst, room, 0)) < 0)
		return errno == EINTR || errno == EAGAIN ? BT_ERR_TIMEOUT :
		    BT_ERR_SYS;
	if (n == 0)
		return BT_ERR_CLOSED;
	bbuf_commit(&c->in, (size_t)n);
	return BT_OK;
}

int
hp_left_ms(uint64_t deadline)
{
	uint64_t	t = hp_now_ms();

	return deadline > t ? (int)(deadline - t) : 0;
}

int
hp_conn_next(struct hp *hp, struct conn *c, uint64_t deadline,
    struct wire_msg *m)
{
	int	r;

	for (;;) {
		r = wire_decode_ex(&c->in, hp->meta->num_pieces, c->flags,
		    m);
		if (r != BT_ERR_INCOMPLETE)
			break;
		if ((r = conn_fill(c, hp_left_ms(deadline))) != BT_OK)
			return r;
	}
	if (r == BT_OK && m->type == WIRE_CHOKE)
		c->choked = 1;
	else if (r == BT_OK && m->type == WIRE_UNCHOKE)
		c->choked = 0;
	return r;
}

/* Reads and discards until bttui closes or the hold time ends; says
 * which, and after how long. */
static void
wait_close(struct hp *hp, struct conn *c, const char *what)
{
	uint64_t	deadline = hp_now_ms() + hp->hold_ms;
	int		r;

	for (;;) {
		bbuf_reset(&c->in);
		r = conn_fill(c, hp_left_ms(deadline));
		if (r == BT_OK)
			continue;
		if (r == BT_ERR_TIMEOUT && hp_now_ms() < deadline)
			continue;
		break;
	}
	if (r == BT_ERR_CLOSED || r == BT_ERR_SYS)
		hp_say(hp, "%s; closed by bttui after %llu ms", what,
		    (unsigned long long)(hp_now_ms() - c->start_ms));
	else
		hp_say(hp, "%s; still open after %llu ms", what,
		    (unsigned long long)(hp_now_ms() - c->start_ms));
}

/* ---- the handshake ---- */

static int
send_handshake(struct hp *hp, struct conn *c, const uint8_t hash[20])
{
	uint8_t		reserved[WIRE_RESERVED_LEN];
	struct bbuf	out;
	int		r;

	wire_reserved_make(hp->flags, reserved);
	bbuf_init(&out, WIRE_HANDSHAKE_LEN);
	if ((r = wire_handshake_encode(&out, reserved, hash, hp->peer_id)) ==
	    BT_OK)
		r = hp_send_buf(c->fd, &out);
	bbuf_cleanup(&out);
	return r;
}

/* Sends ours, reads bttui's.  BT_OK, or an error already reported. */
static int
handshake(struct hp *hp, struct conn *c)
{
	struct wire_handshake	hs;
	uint64_t		deadline = hp_now_ms() + HP_HANDSHAKE_WAIT_MS;
	int			r;

	if ((r = send_handshake(hp, c, hp->meta->info_hash)) != BT_OK) {
		hp_say(hp, "cannot send the handshake: %s", strerror(errno));
		return r;
	}
	while ((r = wire_handshake_decode(&c->in, &hs)) == BT_ERR_INCOMPLETE)
		if ((r = conn_fill(c, hp_left_ms(deadline))) != BT_OK)
			break;
	if (r != BT_OK) {
		hp_say(hp, "no handshake from bttui: %s", bt_strerror(r));
		return r;
	}
	if (memcmp(hs.info_hash, hp->meta->info_hash, 20) != 0) {
		hp_say(hp, "bttui answered with another info-hash");
		return BT_ERR_PROTO;
	}
	c->peer_flags = wire_handshake_flags(&hs);
	c->flags = hp->flags & c->peer_flags;
	return BT_OK;
}

/* ---- badpieces: a seeder whose every block is corrupt ---- */

static int
send_bad_block(struct hp *hp, struct conn *c, const struct wire_msg *m)
{
	struct bbuf	 out;
	uint8_t		*dst;
	uint32_t	 psize = metainfo_piece_size(hp->meta, m->index), i;
	int		 r;

	if (m->begin > psize || m->length > psize - m->begin)
		return BT_ERR_RANGE;
	bbuf_init(&out, 13 + (size_t)m->length);
	if ((r = wire_put_piece_header(&out, m->index, m->begin,
	    m->length)) != BT_OK ||
	    (r = bbuf_reserve(&out, m->length, &dst)) != BT_OK ||
	    (r = storage_read(hp->store, m->index, m->begin, dst,
	    m->length)) != BT_OK)
		goto out;
	for (i = 0; i < m->length; i += 997)
		dst[i] ^= 0x5a;		/* a few flipped bytes per block */
	bbuf_commit(&out, m->length);
	r = hp_send_buf(c->fd, &out);
out:
	bbuf_cleanup(&out);
	return r;
}

static void
mode_badpieces(struct hp *hp, struct conn *c)
{
	struct bitfield	 all;
	struct bbuf	 out;
	struct wire_msg	 m;
	unsigned long	 blocks = 0;
	int		 r;

	bitfield_init(&all, hp->meta->num_pieces);
	bitfield_set_all(&all);
	bbuf_init(&out, 64 + bitfield_nbytes(&all));
	if (wire_put_bitfield(&out, bitfield_bytes(&all),
	    bitfield_nbytes(&all)) != BT_OK ||
	    wire_put_simple(&out, WIRE_UNCHOKE) != BT_OK ||
	    hp_send_buf(c->fd, &out) != BT_OK)
		hp_say(hp, "cannot send the bitfield");
	bbuf_cleanup(&out);
	bitfield_cleanup(&all);
	for (;;) {
		r = hp_conn_next(hp, c, hp_now_ms() + hp->hold_ms, &m);
		if (r != BT_OK)
			break;
		if (m.type != WIRE_REQUEST)
			continue;
		if (send_bad_block(hp, c, &m) != BT_OK) {
			r = BT_ERR_SYS;
			break;
		}
		blocks++;
	}
	hp_say(hp, "served %lu corrupt blocks; %s after %llu ms", blocks,
	    r == BT_ERR_TIMEOUT ? "idle" : "closed by bttui",
	    (unsigned long long)(hp_now_ms() - c->start_ms));
}

/* ---- one bad message, then wait for the drop ---- */

static void
mode_one_message(struct hp *hp, struct conn *c)
{
	struct bbuf	 out;
	uint32_t	 n = hp->meta->num_pieces;
	size_t		 nbytes = (n + 7) / 8 + 1, i;
	const char	*what = "?";

	bbuf_init(&out, 64 + nbytes);
	switch (hp->mode) {
	case HP_HUGELEN:	/* BEP 3 prefix of 2^31: a 2 GiB PIECE */
		(void)bbuf_put_u32be(&out, 0x80000000u);
		(void)bbuf_put_u8(&out, WIRE_PIECE);
		(void)bbuf_put_u32be(&out, 0);
		(void)bbuf_put_u32be(&out, 0);
		what = "sent a length prefix of 2^31";
		break;
	case HP_BADBITFIELD:	/* one byte more than ceil(n / 8) */
		(void)bbuf_put_u32be(&out, (uint32_t)(1 + nbytes));
		(void)bbuf_put_u8(&out, WIRE_BITFIELD);
		for (i = 0; i < nbytes; i++)
			(void)bbuf_put_u8(&out, 0xff);
		what = "sent a bitfield one byte too long";
		break;
	case HP_HAVEPASTEND:
		(void)bbuf_put_u32be(&out, 5);
		(void)bbuf_put_u8(&out, WIRE_HAVE);
		(void)bbuf_put_u32be(&out, n);
		what = "sent HAVE for piece num_pieces";
		break;
	case HP_REQUESTPASTEND:
		(void)bbuf_put_u32be(&out, 13);
		(void)bbuf_put_u8(&out, WIRE_REQUEST);
		(void)bbuf_put_u32be(&out, n);
		(void)bbuf_put_u32be(&out, 0);
		(void)bbuf_put_u32be(&out, WIRE_BLOCK_LEN);
		what = "sent REQUEST for piece num_pieces";
		break;
	}
	if (hp_send_buf(c->fd, &out) != BT_OK)
		what = "could not send its message";
	bbuf_cleanup(&out);
	wait_close(hp, c, what);
}

/* ---- unaskedpiece: blocks of pieces bttui already has ---- */

/* A piece bttui announced (HAVE, or the first set bit of a BITFIELD)
 * that we have not sent yet; -1 when the message names none. */
static int64_t
announced_piece(const struct wire_msg *m, const struct bitfield *sent)
{
	struct bitfield	bf;
	uint32_t	i, n = bitfield_nbits(sent);
	int64_t		found = -1;

	if (m->type == WIRE_HAVE)
		return bitfield_get(sent, m->index) ? -1 : (int64_t)m->index;
	if (m->type != WIRE_BITFIELD || bitfield_init(&bf, n) != BT_OK)
		return -1;
	if (bitfield_from_bytes(&bf, m->data, m->data_len) == BT_OK)
		for (i = 0; i < n && found < 0; i++)
			if (bitfield_get(&bf, i) && !bitfield_get(sent, i))
				found = i;
	bitfield_cleanup(&bf);
	return found;
}

/* The first block of piece, junk; its length in *len_out. */
static int
send_junk_block(struct hp *hp, struct conn *c, uint32_t piece,
    uint32_t *len_out)
{
	uint8_t		junk[WIRE_BLOCK_LEN];
	uint32_t	len = metainfo_piece_size(hp->meta, piece);
	struct bbuf	out;
	int		r;

	if (len > WIRE_BLOCK_LEN)
		len = WIRE_BLOCK_LEN;
	*len_out = len;
	memset(junk, 0xa5, sizeof(junk));
	bbuf_init(&out, 13 + WIRE_BLOCK_LEN);
	if ((r = wire_put_piece(&out, piece, 0, junk, len)) == BT_OK)
		r = hp_send_buf(c->fd, &out);
	bbuf_cleanup(&out);
	return r;
}

static void
mode_unaskedpiece(struct hp *hp, struct conn *c)
{
	struct bitfield	sent;
	struct wire_msg	m;
	uint64_t	deadline = hp_now_ms() + hp->hold_ms;
	unsigned	nsent = 0;
	uint32_t	len;
	int64_t		piece;
	int		r;

	bitfield_init(&sent, hp->meta->num_pieces);
	while (nsent < HP_UNASKED_MAX &&
	    (r = hp_conn_next(hp, c, deadline, &m)) == BT_OK) {
		if ((piece = announced_piece(&m, &sent)) < 0)
			continue;
		bitfield_set(&sent, (uint32_t)piece);
		if (send_junk_block(hp, c, (uint32_t)piece, &len) != BT_OK)
			break;
		hp_say(hp, "sent an unasked block of piece %lld (bttui has it): "
		    "%u bytes", (long long)piece, len);
		nsent++;
	}
	bitfield_cleanup(&sent);
	wait_close(hp, c, nsent > 0 ? "sent its unasked blocks" :
	    "bttui announced no piece");
}

/* ---- requestflood: requests while bttui chokes us ---- */

/* Reads what is there without waiting; counts blocks that came while we
 * were choked. */
static int
drain(struct hp *hp, struct conn *c, unsigned long *choked_blocks)
{
	struct wire_msg	m;
	int		r;

	while ((r = hp_conn_next(hp, c, 0, &m)) == BT_OK)
		if (m.type == WIRE_PIECE && c->choked)
			(*choked_blocks)++;
	return r == BT_ERR_TIMEOUT ? BT_OK : r;
}

static void
mode_requestflood(struct hp *hp, struct conn *c)
{
	struct bbuf	out;
	uint64_t	deadline = hp_now_ms() + hp->hold_ms;
	unsigned long	sent = 0, choked_blocks = 0, i;
	uint32_t	piece = 0;
	int		r = BT_OK, was_unchoked = 0;

	bbuf_init(&out, (size_t)HP_FLOOD_BATCH * 17);
	while (sent < hp->count && hp_now_ms() < deadline && r == BT_OK) {
		for (i = 0; i < HP_FLOOD_BATCH; i++) {
			(void)wire_put_request(&out, piece, 0,
			    metainfo_piece_size(hp->meta, piece) <
			    WIRE_BLOCK_LEN ? metainfo_piece_size(hp->meta,
			    piece) : WIRE_BLOCK_LEN);
			piece = (piece + 1) % hp->meta->num_pieces;
		}
		if ((r = hp_send_buf(c->fd, &out)) == BT_OK)
			r = drain(hp, c, &choked_blocks);
		was_unchoked |= !c->choked;
		sent += HP_FLOOD_BATCH;
	}
	bbuf_cleanup(&out);
	hp_say(hp, "sent %lu requests while choked; got %lu blocks while "
	    "choked; %s", sent, choked_blocks, was_unchoked ?
	    "was unchoked at some point" : "stayed choked");
	if (r != BT_OK)
		hp_say(hp, "flood cut short after %llu ms: %s",
		    (unsigned long long)(hp_now_ms() - c->start_ms),
		    r == BT_ERR_SYS ? strerror(errno) : bt_strerror(r));
	else
		wait_close(hp, c, "flood over");
}

/* ---- one connection ---- */

/* Our end's port: bttui's log names peers by it. */
static int
local_port(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0 ||
	    sin.sin_family != AF_INET)
		return 0;
	return ntohs(sin.sin_port);
}

static void
run_conn(struct hp *hp, int fd)
{
	struct conn	c;
	uint8_t		other[20], reserved[WIRE_RESERVED_LEN];
	struct bbuf	out;
	size_t		i;

	memset(&c, 0, sizeof(c));
	c.fd = fd;
	c.choked = 1;
	c.start_ms = hp_now_ms();
	bbuf_init(&c.in, HP_IN_MAX);
	hp->nconn++;
	hp_say(hp, "connected from 127.0.0.1:%d", local_port(fd));
	switch (hp->mode) {
	case HP_WRONGHASH:
		for (i = 0; i < 20; i++)
			other[i] = hp->meta->info_hash[i] ^ 0xff;
		if (send_handshake(hp, &c, other) != BT_OK)
			hp_say(hp, "cannot send the handshake");
		wait_close(hp, &c, "sent a handshake for another torrent");
		break;
	case HP_HALFHANDSHAKE:
		wire_reserved_make(hp->flags, reserved);
		bbuf_init(&out, WIRE_HANDSHAKE_LEN);
		(void)wire_handshake_encode(&out, reserved, hp->meta->info_hash,
		    hp->peer_id);
		(void)send_all(fd, bbuf_ptr(&out), HP_HALF_LEN);
		bbuf_cleanup(&out);
		wait_close(hp, &c, "sent 30 bytes of handshake");
		break;
	default:
		if (handshake(hp, &c) != BT_OK) {
			hp->rc = 1;
			break;
		}
		if (hp->mode == HP_FASTCHECK || hp->mode == HP_FASTLEECH)
			hp_fast_run(hp, &c);
		else if (hp->mode == HP_BADPIECES)
			mode_badpieces(hp, &c);
		else if (hp->mode == HP_UNASKEDPIECE)
			mode_unaskedpiece(hp, &c);
		else if (hp->mode == HP_REQUESTFLOOD)
			mode_requestflood(hp, &c);
		else
			mode_one_message(hp, &c);
	}
	bbuf_cleanup(&c.in);
	close(fd);
}

/* ---- manyconns: N connections at once ---- */

struct mconn {
	size_t	index;
	int	fd;
	int	state;		/* 0 connecting, 1 handshake sent, 2 answered,
				 * 3 closed by bttui */
	size_t	got;		/* bytes of bttui's handshake so far */
};

static void
mc_step(struct hp *hp, struct mconn *m, short revents)
{
	uint8_t		buf[4096];
	char		id[WIRE_PEER_ID_LEN + 1];
	ssize_t		n;
	int		err = 0;
	socklen_t	len = sizeof(err);

	if (m->state == 0) {
		/* a peer id of its own: bttui drops a second connection
		 * that presents one it already has */
		snprintf(id, sizeof(id), "-HP0001-%04x%08zx", (unsigned)hp->mode,
		    m->index);
		memcpy(hp->peer_id, id, WIRE_PEER_ID_LEN);
		if (getsockopt(m->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 ||
		    err != 0 || send_handshake(hp, &(struct conn){ .fd =
		    m->fd }, hp->meta->info_hash) != BT_OK) {
			m->state = 3;
			return;
		}
		m->state = 1;
		return;
	}
	if (!(revents & (POLLIN | POLLHUP | POLLERR)))
		return;
	n = recv(m->fd, buf, sizeof(buf), 0);
	if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR))) {
		m->state = 3;
		return;
	}
	if (n > 0 && (m->got += (size_t)n) >= WIRE_HANDSHAKE_LEN)
		m->state = 2;
}

static int
mc_open(const struct hp *hp, struct mconn *m)
{
	int	fd;

	m->state = 0;
	m->got = 0;
	if ((fd = socket(hp->target.ss.ss_family, SOCK_STREAM, 0)) < 0)
		return BT_ERR_SYS;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (connect(fd, (const struct sockaddr *)&hp->target.ss,
	    hp->target.len) < 0 && errno != EINPROGRESS) {
		close(fd);
		return BT_ERR_SYS;
	}
	m->fd = fd;
	return BT_OK;
}

static void
mc_report(struct hp *hp, const struct mconn *v, size_t n, const char *when)
{
	size_t	i, st[4] = { 0, 0, 0, 0 };

	for (i = 0; i < n; i++)
		st[v[i].state]++;
	hp_say(hp, "%s: %zu opened, %zu answered and open, %zu closed by bttui, "
	    "%zu waiting", when, n, st[2], st[3], st[0] + st[1]);
}

static int
mode_manyconns(struct hp *hp)
{
	struct mconn	*v;
	struct pollfd	*pfd;
	size_t		 i, n = 0;
	uint64_t	 deadline;

	hp->nconn = 1;
	if ((v = calloc(hp->count, sizeof(*v))) == NULL ||
	    (pfd = calloc(hp->count, sizeof(*pfd))) == NULL) {
		free(v);
		return 2;
	}
	for (n = 0; n < hp->count; n++) {
		v[n].index = n;
		if (mc_open(hp, &v[n]) != BT_OK)
			break;
	}
	deadline = hp_now_ms() + hp->hold_ms;
	while (hp_now_ms() < deadline) {
		for (i = 0; i < n; i++) {
			pfd[i].fd = v[i].state == 3 ? -1 : v[i].fd;
			pfd[i].events = v[i].state == 0 ? POLLOUT : POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, n, hp_left_ms(deadline)) <= 0)
			continue;
		for (i = 0; i < n; i++)
			if (pfd[i].revents != 0)
				mc_step(hp, &v[i], pfd[i].revents);
	}
	mc_report(hp, v, n, "after the hold");
	for (i = 0; i < n; i++)
		close(v[i].fd);
	free(v);
	free(pfd);
	return 0;
}

/* ---- set-up ---- */

static int
listen_on(int port)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 16) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
serve(struct hp *hp)
{
	int	lfd, fd;

	if ((lfd = listen_on(hp->listen_port)) < 0) {
		fprintf(stderr, "hostile_peer: cannot listen on 127.0.0.1:%d: "
		    "%s\n", hp->listen_port, strerror(errno));
		return 2;
	}
	printf("hostile %s: listening on 127.0.0.1:%d\n",
	    hp_mode_names[hp->mode], hp->listen_port);
	fflush(stdout);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) < 0) {
			if (errno == EINTR)
				continue;
			close(lfd);
			return 2;
		}
		run_conn(hp, fd);
	}
}

static int
dial(struct hp *hp)
{
	int	fd;

	if ((fd = socket(hp->target.ss.ss_family, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (const struct sockaddr *)&hp->target.ss,
	    hp->target.len) < 0) {
		fprintf(stderr, "hostile_peer: cannot connect: %s\n",
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return 2;
	}
	run_conn(hp, fd);
	return hp->rc;
}

static void
usage(void)
{
	fprintf(stderr,
"usage: hostile_peer MODE FILE.torrent (--connect HOST:PORT | --listen PORT)\n"
"           [-d DIR] [-n N] [--hold SECONDS]\n"
"modes: badpieces (needs -d: the data it corrupts), hugelen, badbitfield,\n"
"       havepastend, requestpastend, unaskedpiece, wronghash, halfhandshake,\n"
"       requestflood (-n: requests), manyconns (-n: connections, --connect)\n"
"checks (BEP 6, 10, 9; --connect; exit 1 on the first failed check):\n"
"       fastcheck (needs -d: the seeder's data), fastleech\n");
	exit(1);
}

static unsigned long
parse_num(const char *s, unsigned long max)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || v > max)
		usage();
	return v;
}

static void
parse_args(struct hp *hp, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "connect", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "hold", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	size_t	i;
	int	ch, connect = 0, fast;

	hp->hold_ms = HP_DEFAULT_HOLD_S * 1000;
	hp->count = 0;
	while ((ch = getopt_long(argc, argv, "d:n:", opts, NULL)) != -1) {
		if (ch == 'c') {
			if (peer_addr_parse(optarg, &hp->target) != BT_OK)
				usage();
			connect = 1;
		} else if (ch == 'l')
			hp->listen_port = (int)parse_num(optarg, 65535);
		else if (ch == 'H')
			hp->hold_ms = parse_num(optarg, 3600) * 1000;
		else if (ch == 'd')
			hp->dir = optarg;
		else if (ch == 'n')
			hp->count = parse_num(optarg, 100000000);
		else
			usage();
	}
	if (argc - optind != 2 || connect == (hp->listen_port != 0))
		usage();
	hp->mode = -1;
	for (i = 0; i < sizeof(hp_mode_names) / sizeof(hp_mode_names[0]); i++)
		if (strcmp(argv[optind], hp_mode_names[i]) == 0)
			hp->mode = (int)i;
	hp->torrent = argv[optind + 1];
	fast = hp->mode == HP_FASTCHECK || hp->mode == HP_FASTLEECH;
	if (hp->mode < 0 || (hp->mode == HP_BADPIECES && hp->dir == NULL) ||
	    (hp->mode == HP_FASTCHECK && hp->dir == NULL) ||
	    ((hp->mode == HP_MANYCONNS || fast) && !connect))
		usage();
	/* Only the checks announce extensions: the hostile modes test
	 * what a plain BEP 3 peer can do. */
	hp->flags = fast ? WIRE_F_FAST | WIRE_F_EXT : 0;
	if (hp->count == 0)
		hp->count = hp->mode == HP_MANYCONNS ? 100 : HP_DEFAULT_FLOOD;
	if (hp->mode == HP_MANYCONNS && hp->count > HP_MAX_CONNS)
		usage();
}

int
main(int argc, char **argv)
{
	struct hp	hp;
	char		err[512], idbuf[WIRE_PEER_ID_LEN + 1];
	int		rc;

	memset(&hp, 0, sizeof(hp));
	parse_args(&hp, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	/* Distinct per process: bttui drops a second connection that
	 * presents a peer id it already has. */
	snprintf(idbuf, sizeof(idbuf), "-HP0001-%04x%08lx", (unsigned)hp.mode,
	    (unsigned long)getpid() & 0xffffffffUL);
	memcpy(hp.peer_id, idbuf, WIRE_PEER_ID_LEN);
	if (metainfo_load(hp.torrent, &hp.meta, err, sizeof(err)) != BT_OK) {
		fprintf(stderr, "hostile_peer: %s\n", err);
		return 1;
	}
	if (hp.dir != NULL && storage_open(hp.meta, hp.dir, &hp.store, err,
	    sizeof(err)) != BT_OK) {
		fprintf(stderr, "hostile_peer: %s\n", err);
		metainfo_free(hp.meta);
		return 1;
	}
	if (hp.mode == HP_MANYCONNS)
		rc = mode_manyconns(&hp);
	else if (hp.listen_port != 0)
		rc = serve(&hp);
	else
		rc = dial(&hp);
	storage_close(hp.store);
	metainfo_free(hp.meta);
	return rc;
}
