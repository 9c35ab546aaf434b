/*
 * bottleneck: one shared, rate-limited FIFO between loopback peers, so
 * that a TCP flow and a uTP flow fight for the same link and the same
 * queue (tests/bench/utp.sh, LEDBAT yielding to TCP).
 *
 *	bottleneck -r RATE_KIB [-q QUEUE_MS] [-T LISTEN:TARGET]...
 *	    [-U LISTEN:TARGET]...
 *
 * -T accepts TCP on 127.0.0.1:LISTEN and dials TARGET per connection; -U
 * relays UDP as udprelay does (an upstream socket per client address, so
 * the target sees one peer per client).  TARGET is PORT (on 127.0.0.1),
 * ADDR:PORT or [::1]:PORT, loopback only; LISTEN 0 picks a free port.
 *
 * What comes back from a target ("down": the seeders' data) goes through
 * ONE queue: TCP in chunks of at most BN_CHUNK_MAX bytes, datagrams whole,
 * sent on at RATE KiB/s by a link that is busy len / rate after each item
 * (a token bucket whose burst is one chunk or BN_BURST_MIN_US of link
 * time, whichever is more).  The queue holds
 * QUEUE_MS worth of bytes at that rate: beyond it datagrams are
 * tail-dropped, and TCP is no longer read, so the seeder's bytes wait in
 * its socket buffers and TCP keeps the queue full, as it fills a router's
 * buffer.  "Up" (requests, acks) goes through at once.
 *
 * tc on lo cannot do this: TCP Small Queues keep TCP's bytes out of the
 * qdisc, whose queue then never builds, and uTP never sees the delay
 * LEDBAT is meant to react to.
 *
 * Ready: "bottleneck: listening on TCP P1 UDP P2 ..." on stderr (the
 * ports bound, in the order given).  SIGTERM or SIGINT: one line of
 * counters on stderr, exit 0.
 */
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/loop.h"
#include "relay.h"

#define BN_MAX_LISTEN		4	/* -T, and -U, each */
#define BN_MAX_CONNS		64
#define BN_UDP_CLIENTS		32	/* per -U */
#define BN_UDP_IDLE_MS		60000
#define BN_SWEEP_MS		1000
#define BN_CHUNK_MAX		16384	/* TCP bytes per queued item */
#define BN_UP_MAX		(256u * 1024)	/* per connection, up */
#define BN_OUT_MAX		(1024u * 1024)	/* past the link, per conn */
#define BN_QUEUE_MAX_BYTES	(64u * 1024 * 1024)
#define BN_QUEUE_MS_DEFAULT	300
#define BN_QUEUE_MS_MAX		10000
#define BN_RATE_MAX_KIB		(4ul * 1024 * 1024)	/* 4 GiB/s */
#define BN_BURST_MIN_US		8000	/* least link credit kept */
#define BN_DGRAM_MAX		65536	/* above any UDP payload */
#define BN_BURST		64	/* reads per readable call */
#define BN_NS_PER_S		1000000000ull

enum bn_kind {
	BN_TCP = 0,
	BN_UDP = 1,
};

static const char *const bn_kind_names[] = { "tcp", "udp" };

enum bn_side {
	BN_CLIENT = 0,		/* the accepted socket */
	BN_TARGET = 1,		/* the one we dialled */
};

struct bneck;
struct bn_conn;
struct bn_client;

/* Bytes on their way: in the shared queue, then (TCP) on the connection's
 * out list until the client's socket takes them; TCP's up bytes too. */
struct bn_item {
	struct bn_item		*next;
	struct bn_conn		*conn;		/* TCP: its connection */
	struct bn_client	*client;	/* UDP: its client */
	uint64_t		 in_us;		/* when it was queued */
	size_t			 len, off;	/* off: bytes written */
	uint8_t			 data[];
};

struct bn_list {
	struct bn_item	*head, *tail;
	size_t		 bytes;		/* not yet written */
};

struct bn_conn {
	struct bneck	*bn;
	int		 fd[2];		/* by enum bn_side */
	int		 connecting;	/* fd[BN_TARGET] not connected yet */
	int		 dead;
	struct bn_list	 up;		/* client to target, at once */
	struct bn_list	 out;		/* down, past the link */
	size_t		 queued;	/* its bytes in the shared queue */
	int		 eof[2];	/* by the side that ended */
	int		 shut[2];	/* ... and it was passed on */
	int		 blocked[2];	/* writing to side s said EAGAIN */
};

struct bn_tcp {
	struct bneck		*bn;
	struct relay_addr	 listen, target;
	int			 fd;
};

struct bn_client {
	struct bn_udp		*u;
	struct relay_addr	 addr;	/* where it sends from */
	int			 fd;	/* upstream; -1: free slot */
	uint64_t		 last_ms;
};

struct bn_udp {
	struct bneck		*bn;
	struct relay_addr	 listen, target;
	int			 fd;
	struct bn_client	 clients[BN_UDP_CLIENTS];
};

struct bn_count {
	uint64_t	down, up;	/* bytes: past the link; forwarded */
	uint64_t	dropped;	/* datagrams, at the queue's tail */
	uint64_t	failed;		/* datagrams the socket refused */
	uint64_t	max_delay_us;	/* longest wait in the queue */
};

struct bneck {
	struct loop		*loop;
	struct relay_sig	 sig;
	unsigned long		 rate_kib, queue_ms;
	uint64_t		 rate_bps;
	size_t			 limit;		/* queue bytes */
	uint64_t		 burst_ns;
	struct bn_tcp		 tcp[BN_MAX_LISTEN];
	struct bn_udp		 udp[BN_MAX_LISTEN];
	int			 ntcp, nudp;
	struct bn_conn		*conns[BN_MAX_CONNS];
	struct bn_list		 queue;		/* the shared FIFO */
	uint64_t		 link_ns;	/* when the link is free */
	uint64_t		 lost_ns;	/* link time lost to late turns */
	size_t			 max_queued;
	struct bn_count		 count[2];	/* by enum bn_kind */
	uint64_t		 accepted, refused, failed;
	uint64_t		 nclients, clients_refused;
	uint8_t			 buf[BN_DGRAM_MAX];
};

/* ---- items and lists ---- */

static struct bn_item *
item_new(const uint8_t *data, size_t len)
{
	struct bn_item	*it;

	if ((it = malloc(sizeof(*it) + len)) == NULL)
		return NULL;
	memset(it, 0, sizeof(*it));
	memcpy(it->data, data, len);
	it->len = len;
	return it;
}

static void
list_push(struct bn_list *l, struct bn_item *it)
{
	it->next = NULL;
	if (l->tail != NULL)
		l->tail->next = it;
	else
		l->head = it;
	l->tail = it;
	l->bytes += it->len - it->off;
}

static struct bn_item *
list_pop(struct bn_list *l)
{
	struct bn_item	*it;

	if ((it = l->head) == NULL)
		return NULL;
	if ((l->head = it->next) == NULL)
		l->tail = NULL;
	l->bytes -= it->len - it->off;
	it->next = NULL;
	return it;
}

static void
list_clear(struct bn_list *l)
{
	struct bn_item	*it;

	while ((it = list_pop(l)) != NULL)
		free(it);
}

/* Writes l's items to fd in order, freeing each once written.  BT_OK
 * (all written, or the socket is full: *blocked), BT_ERR_SYS on an error
 * (the peer went away).  Adds what went to *sent. */
static int
list_write(struct bn_list *l, int fd, int *blocked, uint64_t *sent)
{
	struct bn_item	*it;
	ssize_t		 n;

	*blocked = 0;
	while ((it = l->head) != NULL) {
		n = send(fd, it->data + it->off, it->len - it->off,
		    MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			*blocked = 1;
			return BT_OK;
		}
		if (n < 0)
			return BT_ERR_SYS;
		it->off += (size_t)n;
		l->bytes -= (size_t)n;
		*sent += (uint64_t)n;
		if (it->off < it->len) {
			*blocked = 1;
			return BT_OK;
		}
		free(list_pop(l));
	}
	return BT_OK;
}

/* ---- the shared queue and its link ---- */

/* Bytes TCP may still put in the queue.  The last chunk's worth of room
 * (at most a quarter of the queue) is left to datagrams: TCP is read
 * whenever there is room, so without it every datagram would arrive at a
 * queue TCP had just topped up, and uTP would meet drops, not the delay
 * LEDBAT is meant to yield to. */
static size_t
queue_room_tcp(const struct bneck *bn)
{
	size_t	reserve = bn->limit / 4;

	if (reserve > BN_CHUNK_MAX)
		reserve = BN_CHUNK_MAX;
	if (bn->queue.bytes + reserve >= bn->limit)
		return 0;
	return bn->limit - reserve - bn->queue.bytes;
}

static void
queue_add(struct bneck *bn, struct bn_item *it)
{
	it->in_us = loop_clock_us();
	list_push(&bn->queue, it);
	if (bn->queue.bytes > bn->max_queued)
		bn->max_queued = bn->queue.bytes;
	if (it->conn != NULL)
		it->conn->queued += it->len;
}

/* Drops what the queue holds for owner (a connection or a client going
 * away): nothing may point at it afterwards. */
static void
queue_forget(struct bneck *bn, const void *owner)
{
	struct bn_item	**pp = &bn->queue.head, *it;

	bn->queue.tail = NULL;
	while ((it = *pp) != NULL) {
		if ((const void *)it->conn == owner ||
		    (const void *)it->client == owner) {
			*pp = it->next;
			bn->queue.bytes -= it->len;
			free(it);
			continue;
		}
		bn->queue.tail = it;
		pp = &it->next;
	}
}

/* One item has crossed the link: a datagram goes to its client now, a
 * chunk joins its connection's out list (written at the turn's end). */
static void
link_deliver(struct bneck *bn, struct bn_item *it, uint64_t now_us)
{
	struct bn_client	*cl = it->client;
	int			 kind = it->conn != NULL ? BN_TCP : BN_UDP;
	uint64_t		 delay = now_us - it->in_us;

	if (delay > bn->count[kind].max_delay_us)
		bn->count[kind].max_delay_us = delay;
	bn->count[kind].down += it->len;
	if (kind == BN_TCP) {
		it->conn->queued -= it->len;
		list_push(&it->conn->out, it);
		return;
	}
	if (sendto(cl->u->fd, it->data, it->len, 0,
	    (const struct sockaddr *)&cl->addr.ss, cl->addr.len) < 0)
		bn->count[BN_UDP].failed++;
	free(it);
}

/* The link is about to drop credit older than its burst.  When items were
 * waiting all that while, this turn came late (the machine is busy): that
 * link time is lost, and the rate falls below -r.  Counted, so that a
 * figure measured on a loaded machine says so. */
static void
link_count_lost(struct bneck *bn, uint64_t now_ns)
{
	uint64_t	busy_from = bn->link_ns;

	if (bn->queue.head == NULL)
		return;
	if (bn->queue.head->in_us * 1000 > busy_from)
		busy_from = bn->queue.head->in_us * 1000;
	if (busy_from + bn->burst_ns < now_ns)
		bn->lost_ns += now_ns - bn->burst_ns - busy_from;
}

/* Sends on whatever the link has had time for.  Credit left from an idle
 * link is capped at burst_ns, so a full queue leaves at the rate. */
static void
link_drain(struct bneck *bn)
{
	struct bn_item	*it;
	uint64_t	 now_us = loop_clock_us(), now_ns = now_us * 1000;

	if (bn->link_ns + bn->burst_ns < now_ns) {
		link_count_lost(bn, now_ns);
		bn->link_ns = now_ns - bn->burst_ns;
	}
	while (bn->queue.head != NULL && bn->link_ns <= now_ns) {
		it = list_pop(&bn->queue);
		bn->link_ns += (uint64_t)it->len * BN_NS_PER_S / bn->rate_bps;
		link_deliver(bn, it, now_us);
	}
}

/* ---- TCP connections ---- */

static void
conn_free(struct bn_conn *c)
{
	int	s;

	if (c == NULL)
		return;
	queue_forget(c->bn, c);
	list_clear(&c->up);
	list_clear(&c->out);
	for (s = BN_CLIENT; s <= BN_TARGET; s++)
		if (c->fd[s] >= 0) {
			loop_fd_del(c->bn->loop, c->fd[s]);
			close(c->fd[s]);
		}
	free(c);
}

static int
conn_can_read(const struct bn_conn *c, int s)
{
	if (c->eof[s])
		return 0;
	if (s == BN_CLIENT)
		return c->up.bytes < BN_UP_MAX;
	return !c->connecting && c->out.bytes < BN_OUT_MAX &&
	    queue_room_tcp(c->bn) > 0;
}

/* Reads one chunk from side s: up goes on the up list, down into the
 * shared queue.  BT_OK (bytes, EAGAIN or end-of-stream), BT_ERR_SYS. */
static int
conn_read(struct bn_conn *c, int s)
{
	struct bneck	*bn = c->bn;
	struct bn_item	*it;
	size_t		 want = BN_CHUNK_MAX, room;
	ssize_t		 n;

	if (s == BN_TARGET && (room = queue_room_tcp(bn)) < want)
		want = room;
	if ((n = recv(c->fd[s], bn->buf, want, 0)) < 0)
		return errno == EAGAIN || errno == EINTR ? BT_OK : BT_ERR_SYS;
	if (n == 0) {
		c->eof[s] = 1;
		return BT_OK;
	}
	if ((it = item_new(bn->buf, (size_t)n)) == NULL)
		return BT_ERR_NOMEM;
	it->conn = c;
	if (s == BN_CLIENT)
		list_push(&c->up, it);
	else
		queue_add(bn, it);
	return BT_OK;
}

/* The target side's connect() has finished: BT_OK, or BT_ERR_SYS with
 * errno set to why it failed. */
static int
conn_connected(struct bn_conn *c)
{
	socklen_t	len = sizeof(int);
	int		err = 0;

	if (getsockopt(c->fd[BN_TARGET], SOL_SOCKET, SO_ERROR, &err,
	    &len) < 0)
		return BT_ERR_SYS;
	if (err != 0) {
		errno = err;
		return BT_ERR_SYS;
	}
	c->connecting = 0;
	return BT_OK;
}

static void
on_conn_fd(void *arg, int fd, int events)
{
	struct bn_conn	*c = arg;
	int		 s = fd == c->fd[BN_CLIENT] ? BN_CLIENT : BN_TARGET;

	if (c->dead)
		return;
	if ((events & LOOP_READ) && conn_can_read(c, s) &&
	    conn_read(c, s) != BT_OK)
		c->dead = 1;
	if ((events & LOOP_WRITE) && s == BN_TARGET && c->connecting &&
	    conn_connected(c) != BT_OK) {
		c->bn->failed++;
		c->dead = 1;
	}
	/* writes happen in conn_update, at the end of the turn */
}

/* Passes side s's end-of-stream on once all it sent has been written. */
static int
conn_pass_eof(struct bn_conn *c, int s)
{
	int	empty = s == BN_CLIENT ? c->up.head == NULL :
		    c->out.head == NULL && c->queued == 0;

	if (!c->eof[s] || c->shut[s] || !empty)
		return BT_OK;
	c->shut[s] = 1;
	if (shutdown(c->fd[!s], SHUT_WR) < 0 && errno != ENOTCONN)
		return BT_ERR_SYS;
	return BT_OK;
}

/* Writes what waits, passes half-closes on, then says what each socket
 * waits for.  Marks the connection dead on an error or once both
 * directions have ended. */
static void
conn_update(struct bn_conn *c)
{
	struct bneck	*bn = c->bn;
	uint64_t	 written = 0;	/* down was counted at the link */
	int		 s, ev;

	if (!c->dead && list_write(&c->out, c->fd[BN_CLIENT],
	    &c->blocked[BN_CLIENT], &written) != BT_OK)
		c->dead = 1;
	if (!c->dead && !c->connecting && list_write(&c->up,
	    c->fd[BN_TARGET], &c->blocked[BN_TARGET],
	    &bn->count[BN_TCP].up) != BT_OK)
		c->dead = 1;
	if (!c->dead && !c->connecting &&
	    (conn_pass_eof(c, BN_CLIENT) != BT_OK ||
	    conn_pass_eof(c, BN_TARGET) != BT_OK))
		c->dead = 1;
	if (c->shut[BN_CLIENT] && c->shut[BN_TARGET])
		c->dead = 1;
	if (c->dead)
		return;
	for (s = BN_CLIENT; s <= BN_TARGET; s++) {
		ev = conn_can_read(c, s) ? LOOP_READ : 0;
		if (c->blocked[s] || (s == BN_TARGET && c->connecting))
			ev |= LOOP_WRITE;
		(void)loop_fd_set_events(bn->loop, c->fd[s], ev);
	}
}

/* Dials t's target for a new client fd (taken over, closed on failure). */
static struct bn_conn *
conn_new(struct bneck *bn, const struct bn_tcp *t, int cfd)
{
	struct bn_conn	*c;
	int		 one = 1, s;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(cfd);
		return NULL;
	}
	c->bn = bn;
	c->fd[BN_CLIENT] = cfd;
	c->fd[BN_TARGET] = -1;
	if ((c->fd[BN_TARGET] = relay_socket(&t->target, SOCK_STREAM)) < 0)
		goto fail;
	/* the queue, not Nagle, decides when bytes move */
	for (s = BN_CLIENT; s <= BN_TARGET; s++)
		(void)setsockopt(c->fd[s], IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	if (connect(c->fd[BN_TARGET], (const struct sockaddr *)&t->target.ss,
	    t->target.len) < 0 && errno != EINPROGRESS)
		goto fail;
	c->connecting = 1;
	for (s = BN_CLIENT; s <= BN_TARGET; s++)
		if (loop_fd_add(bn->loop, c->fd[s], 0, on_conn_fd, c) != BT_OK)
			goto fail;
	return c;
fail:
	bn->failed++;
	conn_free(c);
	return NULL;
}

static void
on_accept(void *arg, int fd, int events)
{
	struct bn_tcp	*t = arg;
	struct bneck	*bn = t->bn;
	int		 cfd, i, slot;

	(void)events;
	for (i = 0; i < BN_BURST; i++) {
		if ((cfd = relay_accept(fd)) < 0)
			return;
		for (slot = 0; slot < BN_MAX_CONNS; slot++)
			if (bn->conns[slot] == NULL)
				break;
		if (slot == BN_MAX_CONNS) {
			bn->refused++;		/* full: the client sees EOF */
			close(cfd);
			continue;
		}
		bn->accepted++;
		if ((bn->conns[slot] = conn_new(bn, t, cfd)) != NULL)
			conn_update(bn->conns[slot]);
	}
}

/* ---- UDP ---- */

static void
client_close(struct bneck *bn, struct bn_client *cl)
{
	if (cl->fd < 0)
		return;
	queue_forget(bn, cl);
	loop_fd_del(bn->loop, cl->fd);
	close(cl->fd);
	cl->fd = -1;
}

/* Datagrams from the target: into the shared queue, or dropped at its
 * tail when they do not fit. */
static void
on_upstream(void *arg, int fd, int events)
{
	struct bn_client	*cl = arg;
	struct bneck		*bn = cl->u->bn;
	struct bn_item		*it;
	ssize_t			 n;
	int			 i;

	(void)events;
	for (i = 0; i < BN_BURST && cl->fd == fd; i++) {
		if ((n = recv(fd, bn->buf, sizeof(bn->buf), 0)) < 0)
			return;	/* EAGAIN; ECONNREFUSED: no target yet */
		cl->last_ms = loop_now_ms(bn->loop);
		if (bn->queue.bytes > bn->limit ||
		    (size_t)n > bn->limit - bn->queue.bytes ||
		    (it = item_new(bn->buf, (size_t)n)) == NULL) {
			bn->count[BN_UDP].dropped++;
			continue;
		}
		it->client = cl;
		queue_add(bn, it);
	}
}

static struct bn_client *
client_find(struct bn_udp *u, const struct relay_addr *from)
{
	int	i;

	for (i = 0; i < BN_UDP_CLIENTS; i++)
		if (u->clients[i].fd >= 0 &&
		    relay_addr_equal(&u->clients[i].addr, from))
			return &u->clients[i];
	return NULL;
}

/* A slot and an upstream socket for a new client address; NULL when the
 * table is full or the socket cannot be made (counted as refused). */
static struct bn_client *
client_open(struct bn_udp *u, const struct relay_addr *from)
{
	struct bneck		*bn = u->bn;
	struct bn_client	*cl = NULL;
	int			 i, fd;

	for (i = 0; i < BN_UDP_CLIENTS && cl == NULL; i++)
		if (u->clients[i].fd < 0)
			cl = &u->clients[i];
	if (cl == NULL || (fd = relay_socket(&u->target, SOCK_DGRAM)) < 0)
		goto refuse;
	if (connect(fd, (const struct sockaddr *)&u->target.ss,
	    u->target.len) < 0 ||
	    loop_fd_add(bn->loop, fd, LOOP_READ, on_upstream, cl) != BT_OK) {
		close(fd);
		goto refuse;
	}
	cl->fd = fd;
	cl->addr = *from;
	cl->last_ms = loop_now_ms(bn->loop);
	bn->nclients++;
	return cl;
refuse:
	bn->clients_refused++;
	return NULL;
}

/* Datagrams from clients: up, at once. */
static void
on_udp_listen(void *arg, int fd, int events)
{
	struct bn_udp		*u = arg;
	struct bneck		*bn = u->bn;
	struct relay_addr	 from;
	struct bn_client	*cl;
	ssize_t			 n;
	int			 i;

	(void)events;
	for (i = 0; i < BN_BURST; i++) {
		memset(&from, 0, sizeof(from));
		from.len = sizeof(from.ss);
		if ((n = recvfrom(fd, bn->buf, sizeof(bn->buf), 0,
		    (struct sockaddr *)&from.ss, &from.len)) < 0)
			return;
		if ((cl = client_find(u, &from)) == NULL &&
		    (cl = client_open(u, &from)) == NULL)
			continue;
		cl->last_ms = loop_now_ms(bn->loop);
		if (send(cl->fd, bn->buf, (size_t)n, 0) < 0)
			bn->count[BN_UDP].failed++;
		else
			bn->count[BN_UDP].up += (uint64_t)n;
	}
}

static int64_t
on_sweep(void *arg, uint64_t now_ms)
{
	struct bneck		*bn = arg;
	struct bn_client	*cl;
	int			 i, k;

	for (k = 0; k < bn->nudp; k++)
		for (i = 0; i < BN_UDP_CLIENTS; i++) {
			cl = &bn->udp[k].clients[i];
			if (cl->fd >= 0 && now_ms - cl->last_ms >=
			    BN_UDP_IDLE_MS)
				client_close(bn, cl);
		}
	return BN_SWEEP_MS;
}

/* ---- the turn's end: a loop source ---- */

/* The link's next departure; sockets wake us for everything else. */
static int64_t
bn_timeout_ms(void *arg, uint64_t now_ms)
{
	struct bneck	*bn = arg;
	uint64_t	 now_ns = loop_clock_us() * 1000;

	(void)now_ms;
	if (bn->queue.head == NULL)
		return -1;
	if (bn->link_ns <= now_ns)
		return 0;
	return (int64_t)((bn->link_ns - now_ns + 999999) / 1000000);
}

/* Every turn, after the sockets' callbacks: the link first (it makes room
 * that TCP reads may take), then writes, rearming and reaping (never
 * inside a connection's own callback). */
static void
bn_perform(void *arg, const fd_set *rd, const fd_set *wr, uint64_t now_ms)
{
	struct bneck	*bn = arg;
	int		 i;

	(void)rd;
	(void)wr;
	(void)now_ms;
	link_drain(bn);
	for (i = 0; i < BN_MAX_CONNS; i++) {
		if (bn->conns[i] == NULL)
			continue;
		conn_update(bn->conns[i]);
		if (bn->conns[i]->dead) {
			conn_free(bn->conns[i]);
			bn->conns[i] = NULL;
		}
	}
}

static const struct loop_source_ops bn_ops = {
	NULL, bn_timeout_ms, bn_perform,
};

/* ---- set-up, run, report ---- */

static void
usage(void)
{
	fprintf(stderr, "usage: bottleneck -r RATE_KIB [-q QUEUE_MS] "
	    "[-T LISTEN:TARGET]... [-U LISTEN:TARGET]...\n"
	    "-T relays TCP, -U UDP, from 127.0.0.1:LISTEN (0: any free "
	    "port) to TARGET, which is\nPORT (on 127.0.0.1), ADDR:PORT or "
	    "[::1]:PORT, loopback only; at most %d of each.\nWhat comes "
	    "back from the targets shares one queue of QUEUE_MS (default "
	    "%d)\nat RATE_KIB KiB/s.\n", BN_MAX_LISTEN, BN_QUEUE_MS_DEFAULT);
}

static int
bad_value(int opt, const char *arg, int r, const char *want)
{
	fprintf(stderr, "bottleneck: -%c %s: %s (%s)\n", opt, arg,
	    r == BT_ERR_RANGE ? "out of range" : "not understood", want);
	return 1;
}

/* "LISTEN:TARGET" into two loopback addresses.  BT_OK, or the error of
 * relay_port_parse / relay_addr_target; BT_ERR_FORMAT without a ':'. */
static int
parse_pair(const char *s, struct relay_addr *listen,
    struct relay_addr *target)
{
	const char	*colon = strchr(s, ':');
	char		 port[8];
	size_t		 n;
	uint16_t	 p;
	int		 r;

	if (colon == NULL || (n = (size_t)(colon - s)) == 0 ||
	    n >= sizeof(port))
		return BT_ERR_FORMAT;
	memcpy(port, s, n);
	port[n] = '\0';
	if ((r = relay_port_parse(port, &p)) != BT_OK ||
	    (r = relay_addr_host("127.0.0.1", p, listen)) != BT_OK)
		return r;
	return relay_addr_target(colon + 1, target);
}

/* -T or -U: one more listener. */
static int
add_listener(struct bneck *bn, int opt, const char *arg)
{
	struct relay_addr	*l, *t;
	int			 r;

	if ((opt == 'T' ? bn->ntcp : bn->nudp) >= BN_MAX_LISTEN) {
		fprintf(stderr, "bottleneck: -%c %s: at most %d of them\n",
		    opt, arg, BN_MAX_LISTEN);
		return 1;
	}
	if (opt == 'T') {
		l = &bn->tcp[bn->ntcp].listen;
		t = &bn->tcp[bn->ntcp++].target;
	} else {
		l = &bn->udp[bn->nudp].listen;
		t = &bn->udp[bn->nudp++].target;
	}
	if ((r = parse_pair(arg, l, t)) != BT_OK)
		return bad_value(opt, arg, r, "LISTEN:TARGET, TARGET a port, "
		    "or ADDR:PORT on 127.0.0.0/8 or [::1]");
	return 0;
}

/* The rate and the queue's size in bytes from -r and -q. */
static int
set_link(struct bneck *bn)
{
	uint64_t	limit, burst_ns;

	bn->rate_bps = (uint64_t)bn->rate_kib * 1024;
	limit = bn->rate_bps * bn->queue_ms / 1000;
	if (limit > BN_QUEUE_MAX_BYTES) {
		fprintf(stderr, "bottleneck: -r %lu -q %lu: a queue of %llu "
		    "bytes, over %u (lower -q)\n", bn->rate_kib, bn->queue_ms,
		    (unsigned long long)limit, BN_QUEUE_MAX_BYTES);
		return 1;
	}
	bn->limit = (size_t)limit;
	/* one chunk of credit, and at least what a late turn would
	 * otherwise lose: with 2 ms, a bench run on two busy cores lost
	 * seconds of link time to scheduling delays; 8 ms loses ~0.1 s and
	 * is small beside the queue's hundreds of ms */
	burst_ns = (uint64_t)BN_CHUNK_MAX * BN_NS_PER_S / bn->rate_bps;
	if (burst_ns < BN_BURST_MIN_US * 1000ull)
		burst_ns = BN_BURST_MIN_US * 1000ull;
	bn->burst_ns = burst_ns;
	return 0;
}

static int
parse_opts(struct bneck *bn, int argc, char **argv)
{
	int	c, r, rc;

	bn->queue_ms = BN_QUEUE_MS_DEFAULT;
	while ((c = getopt(argc, argv, "r:q:T:U:")) != -1) {
		switch (c) {
		case 'r':
			if ((r = relay_num_parse(optarg, BN_RATE_MAX_KIB,
			    &bn->rate_kib)) != BT_OK || bn->rate_kib == 0)
				return bad_value(c, optarg, r == BT_OK ?
				    BT_ERR_RANGE : r, "KiB/s, 1..4194304");
			break;
		case 'q':
			if ((r = relay_num_parse(optarg, BN_QUEUE_MS_MAX,
			    &bn->queue_ms)) != BT_OK || bn->queue_ms == 0)
				return bad_value(c, optarg, r == BT_OK ?
				    BT_ERR_RANGE : r, "ms, 1..10000");
			break;
		case 'T':
		case 'U':
			if ((rc = add_listener(bn, c, optarg)) != 0)
				return rc;
			break;
		default:
			usage();
			return 1;
		}
	}
	if (optind != argc || bn->rate_kib == 0 ||
	    bn->ntcp + bn->nudp == 0) {
		usage();
		return 1;
	}
	return set_link(bn);
}

/* Binds every listener; prints what failed.  0 or 2. */
static int
open_listeners(struct bneck *bn)
{
	struct relay_addr	*a;
	char			 where[64];
	int			 i, fd;

	for (i = 0; i < bn->ntcp + bn->nudp; i++) {
		a = i < bn->ntcp ? &bn->tcp[i].listen :
		    &bn->udp[i - bn->ntcp].listen;
		relay_addr_format(a, where, sizeof(where));
		if ((fd = relay_listen(a, i < bn->ntcp ? SOCK_STREAM :
		    SOCK_DGRAM)) < 0) {
			fprintf(stderr, "bottleneck: cannot listen on %s "
			    "(%s): %s (pick another LISTEN port)\n", where,
			    i < bn->ntcp ? "TCP" : "UDP", strerror(errno));
			return 2;
		}
		if (i < bn->ntcp)
			bn->tcp[i].fd = fd;
		else
			bn->udp[i - bn->ntcp].fd = fd;
	}
	return 0;
}

static int
watch_listeners(struct bneck *bn)
{
	int	i, r = BT_OK;

	for (i = 0; i < bn->ntcp && r == BT_OK; i++)
		r = loop_fd_add(bn->loop, bn->tcp[i].fd, LOOP_READ, on_accept,
		    &bn->tcp[i]);
	for (i = 0; i < bn->nudp && r == BT_OK; i++)
		r = loop_fd_add(bn->loop, bn->udp[i].fd, LOOP_READ,
		    on_udp_listen, &bn->udp[i]);
	return r;
}

static void
say_ready(const struct bneck *bn)
{
	int	i;

	fprintf(stderr, "bottleneck: listening on");
	for (i = 0; i < bn->ntcp; i++)
		fprintf(stderr, " TCP %u",
		    (unsigned)relay_addr_port(&bn->tcp[i].listen));
	for (i = 0; i < bn->nudp; i++)
		fprintf(stderr, " UDP %u",
		    (unsigned)relay_addr_port(&bn->udp[i].listen));
	fprintf(stderr, " (rate %lu KiB/s, queue %lu ms = %zu bytes)\n",
	    bn->rate_kib, bn->queue_ms, bn->limit);
}

static int
start(struct bneck *bn)
{
	int	r, rc;

	if ((bn->loop = loop_new()) == NULL) {
		fprintf(stderr, "bottleneck: out of memory\n");
		return 2;
	}
	if ((rc = open_listeners(bn)) != 0)
		return rc;
	if ((r = relay_sig_open(&bn->sig, bn->loop)) == BT_OK &&
	    (r = watch_listeners(bn)) == BT_OK &&
	    (r = loop_source_add(bn->loop, &bn_ops, bn)) == BT_OK &&
	    loop_timer_add(bn->loop, BN_SWEEP_MS, on_sweep, bn) == 0)
		r = BT_ERR_NOMEM;
	if (r != BT_OK) {
		fprintf(stderr, "bottleneck: cannot set up the loop: %s\n",
		    r == BT_ERR_SYS ? strerror(errno) : bt_strerror(r));
		return 2;
	}
	bn->link_ns = loop_clock_us() * 1000;
	say_ready(bn);
	return 0;
}

static void
report(const struct bneck *bn)
{
	const struct bn_count	*k;
	int			 kind;

	fprintf(stderr, "bottleneck:");
	for (kind = BN_TCP; kind <= BN_UDP; kind++) {
		k = &bn->count[kind];
		fprintf(stderr, " %s down %llu up %llu max-delay-ms %llu "
		    "dropped %llu failed %llu;", bn_kind_names[kind],
		    (unsigned long long)k->down, (unsigned long long)k->up,
		    (unsigned long long)(k->max_delay_us / 1000),
		    (unsigned long long)k->dropped,
		    (unsigned long long)k->failed);
	}
	fprintf(stderr, " conns %llu refused %llu failed %llu; clients %llu "
	    "refused %llu; queue max-bytes %zu limit %zu link-lost-ms %llu\n",
	    (unsigned long long)bn->accepted, (unsigned long long)bn->refused,
	    (unsigned long long)bn->failed, (unsigned long long)bn->nclients,
	    (unsigned long long)bn->clients_refused, bn->max_queued,
	    bn->limit, (unsigned long long)(bn->lost_ns / 1000000));
}

static void
close_fd(struct bneck *bn, int fd)
{
	if (fd < 0)
		return;
	if (bn->loop != NULL)
		loop_fd_del(bn->loop, fd);
	close(fd);
}

static void
cleanup(struct bneck *bn)
{
	int	i, k;

	for (i = 0; i < BN_MAX_CONNS; i++)
		conn_free(bn->conns[i]);
	for (k = 0; k < BN_MAX_LISTEN; k++) {
		for (i = 0; i < BN_UDP_CLIENTS; i++)
			client_close(bn, &bn->udp[k].clients[i]);
		close_fd(bn, bn->udp[k].fd);
		close_fd(bn, bn->tcp[k].fd);
	}
	list_clear(&bn->queue);
	if (bn->loop != NULL)
		relay_sig_close(&bn->sig, bn->loop);
	loop_free(bn->loop);
	free(bn);
}

static struct bneck *
bneck_new(void)
{
	struct bneck	*bn;
	int		 i, k;

	if ((bn = calloc(1, sizeof(*bn))) == NULL)
		return NULL;
	relay_sig_init(&bn->sig);
	for (k = 0; k < BN_MAX_LISTEN; k++) {
		bn->tcp[k].bn = bn;
		bn->tcp[k].fd = -1;
		bn->udp[k].bn = bn;
		bn->udp[k].fd = -1;
		for (i = 0; i < BN_UDP_CLIENTS; i++) {
			bn->udp[k].clients[i].u = &bn->udp[k];
			bn->udp[k].clients[i].fd = -1;
		}
	}
	return bn;
}

int
main(int argc, char **argv)
{
	struct bneck	*bn;
	int		 rc;

	if ((bn = bneck_new()) == NULL) {
		fprintf(stderr, "bottleneck: out of memory\n");
		return 2;
	}
	if ((rc = parse_opts(bn, argc, argv)) != 0 || (rc = start(bn)) != 0)
		goto out;
	while (!bn->sig.stop)
		if (loop_run_once(bn->loop, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "bottleneck: select: %s\n",
			    strerror(errno));
			rc = 2;
			goto out;
		}
	report(bn);
out:
	cleanup(bn);
	return rc;
}
