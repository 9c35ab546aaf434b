/*
 * tcprelay: a delaying, rate-capping TCP relay on loopback, for tests and
 * benchmarks that want real round-trip times (this kernel has no netem).
 *
 *	tcprelay -l LISTEN_PORT -t TARGET [-D DELAY_MS] [-r RATE_KIB]
 *	    [-b BIND_ADDR]
 *
 * Each connection to BIND_ADDR:LISTEN_PORT gets one to TARGET (a port on
 * 127.0.0.1, or ADDR:PORT on loopback), at most TR_MAX_CONNS at once.
 * Bytes go both ways, each DELAY ms after it was read: what a read returns
 * is one chunk stamped with its due time in a queue per direction.  A
 * direction stops reading once its queue holds TR_QUEUE_MAX bytes (or all
 * queues TR_TOTAL_MAX): TCP's own back-pressure then slows the sender, so
 * memory stays bounded.  -r caps each direction of each connection at
 * RATE_KIB KiB/s (a token bucket on the reads).  An end-of-stream is
 * passed on (shutdown) once the bytes before it are; a reset or error on
 * either side closes both.
 *
 * Ready: "tcprelay: listening on PORT (...)" on stderr (PORT is the one
 * bound, so -l 0 works).  SIGTERM or SIGINT: one line of counters on
 * stderr, exit 0.
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
#include "engine/bucket.h"
#include "relay.h"

#define TR_MAX_CONNS	256
#define TR_QUEUE_MAX	(4u * 1024 * 1024)	/* per direction */
#define TR_TOTAL_MAX	(256u * 1024 * 1024)	/* all queues */
#define TR_READ_MAX	65536			/* one chunk at most */
#define TR_DELAY_MAX_MS	60000
#define TR_RATE_MAX_KIB	(1ul << 30)
#define TR_ACCEPT_BURST	64

enum tr_side {
	TR_CLIENT = 0,		/* the accepted socket */
	TR_TARGET = 1,		/* the one we dialled */
};

/* Directions are named by the side they read: pipe[TR_CLIENT] carries
 * client to target ("up"), pipe[TR_TARGET] target to client ("down"). */
static const char *const tr_dir_names[] = { "up", "down" };

struct tcprelay;

struct tr_chunk {
	struct tr_chunk	*next;
	uint64_t	 due_ms;
	size_t		 len, off;	/* off: bytes already written */
	uint8_t		 data[];
};

struct tr_pipe {
	struct tr_chunk	*head, *tail;
	size_t		 queued;	/* bytes not yet written */
	struct bucket	 rate;
	int		 eof;		/* its reader saw end-of-stream */
	int		 shut;		/* ... and it was passed on */
	int		 blocked;	/* the writer said EAGAIN */
};

struct tr_conn {
	struct tcprelay	*tr;
	int		 fd[2];		/* by enum tr_side; -1: closed */
	int		 connecting;	/* fd[TR_TARGET] not connected yet */
	int		 dead;
	struct tr_pipe	 pipe[2];	/* by the side it reads */
};

struct tcprelay {
	struct loop		*loop;
	struct relay_sig	 sig;
	struct relay_addr	 listen, target;
	int			 listen_fd;
	unsigned long		 delay_ms, rate_kib;
	struct tr_conn		*conns[TR_MAX_CONNS];
	size_t			 total_queued;
	uint64_t		 bytes[2];	/* written, by direction */
	uint64_t		 accepted, refused, failed;
	uint8_t			 buf[TR_READ_MAX];
};

static void	conn_update(struct tr_conn *c);

/* ---- one direction ---- */

static void
pipe_init(struct tr_pipe *p, uint64_t rate_bps, uint64_t now_ms)
{
	memset(p, 0, sizeof(*p));
	bucket_init(&p->rate, rate_bps, now_ms);
}

static void
pipe_cleanup(struct tcprelay *tr, struct tr_pipe *p)
{
	struct tr_chunk	*ch;

	while ((ch = p->head) != NULL) {
		p->head = ch->next;
		tr->total_queued -= ch->len - ch->off;
		free(ch);
	}
	p->tail = NULL;
	p->queued = 0;
}

/* 1 when the pipe may read more now. */
static int
pipe_can_read(const struct tcprelay *tr, const struct tr_pipe *p)
{
	return !p->eof && p->queued < TR_QUEUE_MAX &&
	    tr->total_queued < TR_TOTAL_MAX &&
	    bucket_available(&p->rate) > 0;
}

/* Reads what side s has sent into its pipe as one chunk.  BT_OK (bytes,
 * EAGAIN or end-of-stream: p->eof), or BT_ERR_SYS when the socket
 * failed. */
static int
pipe_read(struct tr_conn *c, int s)
{
	struct tcprelay	*tr = c->tr;
	struct tr_pipe	*p = &c->pipe[s];
	struct tr_chunk	*ch;
	uint64_t	 room = bucket_available(&p->rate);
	ssize_t		 n;

	if (room > sizeof(tr->buf))
		room = sizeof(tr->buf);
	if ((n = recv(c->fd[s], tr->buf, (size_t)room, 0)) < 0)
		return errno == EAGAIN || errno == EINTR ? BT_OK : BT_ERR_SYS;
	if (n == 0) {
		p->eof = 1;
		return BT_OK;
	}
	if ((ch = malloc(sizeof(*ch) + (size_t)n)) == NULL)
		return BT_ERR_SYS;
	memcpy(ch->data, tr->buf, (size_t)n);
	ch->len = (size_t)n;
	ch->off = 0;
	ch->next = NULL;
	ch->due_ms = loop_now_ms(tr->loop) + tr->delay_ms;
	if (p->tail != NULL)
		p->tail->next = ch;
	else
		p->head = ch;
	p->tail = ch;
	p->queued += (size_t)n;
	tr->total_queued += (size_t)n;
	bucket_consume(&p->rate, (uint64_t)n);
	return BT_OK;
}

/* Writes the chunks of side s's pipe that are due to the other side, then
 * passes an end-of-stream on once nothing is left.  BT_OK (all due bytes
 * written, or the writer is blocked: p->blocked), BT_ERR_SYS on a write
 * error. */
static int
pipe_flush(struct tr_conn *c, int s, uint64_t now_ms)
{
	struct tcprelay	*tr = c->tr;
	struct tr_pipe	*p = &c->pipe[s];
	struct tr_chunk	*ch;
	int		 to = c->fd[!s];
	ssize_t		 n;

	p->blocked = 0;
	while ((ch = p->head) != NULL && ch->due_ms <= now_ms) {
		n = send(to, ch->data + ch->off, ch->len - ch->off,
		    MSG_NOSIGNAL);
		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			p->blocked = 1;
			return BT_OK;
		}
		if (n < 0)
			return BT_ERR_SYS;
		ch->off += (size_t)n;
		p->queued -= (size_t)n;
		tr->total_queued -= (size_t)n;
		tr->bytes[s] += (uint64_t)n;
		if (ch->off < ch->len) {
			p->blocked = 1;		/* the socket buffer is full */
			return BT_OK;
		}
		if ((p->head = ch->next) == NULL)
			p->tail = NULL;
		free(ch);
	}
	if (p->head == NULL && p->eof && !p->shut) {
		p->shut = 1;
		if (shutdown(to, SHUT_WR) < 0 && errno != ENOTCONN)
			return BT_ERR_SYS;
	}
	return BT_OK;
}

/* ---- one connection ---- */

static void
conn_free(struct tr_conn *c)
{
	int	s;

	if (c == NULL)
		return;
	for (s = TR_CLIENT; s <= TR_TARGET; s++) {
		pipe_cleanup(c->tr, &c->pipe[s]);
		if (c->fd[s] >= 0) {
			loop_fd_del(c->tr->loop, c->fd[s]);
			close(c->fd[s]);
		}
	}
	free(c);
}

/* The target side's connect() has finished: BT_OK, or BT_ERR_SYS with
 * errno set to why it failed. */
static int
conn_connected(struct tr_conn *c)
{
	socklen_t	len = sizeof(int);
	int		err = 0;

	if (getsockopt(c->fd[TR_TARGET], SOL_SOCKET, SO_ERROR, &err,
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
	struct tr_conn	*c = arg;
	int		 s = fd == c->fd[TR_CLIENT] ? TR_CLIENT : TR_TARGET;

	if (c->dead)
		return;
	if (events & LOOP_READ) {
		bucket_refill(&c->pipe[s].rate, loop_now_ms(c->tr->loop));
		if (pipe_can_read(c->tr, &c->pipe[s]) &&
		    pipe_read(c, s) != BT_OK)
			c->dead = 1;
	}
	if ((events & LOOP_WRITE) && s == TR_TARGET && c->connecting &&
	    conn_connected(c) != BT_OK) {
		c->tr->failed++;
		c->dead = 1;
	}
	/* writes happen in conn_update, at the end of the turn */
}

/* Flushes what is due, then says what each socket waits for.  Marks the
 * connection dead on an error or once both directions have ended. */
static void
conn_update(struct tr_conn *c)
{
	struct tcprelay	*tr = c->tr;
	uint64_t	 now = loop_now_ms(tr->loop);
	int		 s, ev;

	for (s = TR_CLIENT; s <= TR_TARGET && !c->dead; s++) {
		bucket_refill(&c->pipe[s].rate, now);
		/* nothing goes to the target before it is connected */
		if ((s == TR_TARGET || !c->connecting) &&
		    pipe_flush(c, s, now) != BT_OK)
			c->dead = 1;
	}
	if (c->pipe[TR_CLIENT].shut && c->pipe[TR_TARGET].shut)
		c->dead = 1;
	if (c->dead)
		return;
	for (s = TR_CLIENT; s <= TR_TARGET; s++) {
		ev = 0;
		if (!(s == TR_TARGET && c->connecting) &&
		    pipe_can_read(tr, &c->pipe[s]))
			ev |= LOOP_READ;
		if (c->pipe[!s].blocked || (s == TR_TARGET && c->connecting))
			ev |= LOOP_WRITE;
		(void)loop_fd_set_events(tr->loop, c->fd[s], ev);
	}
}

/* Dials the target for a new client fd (taken over, closed on failure). */
static struct tr_conn *
conn_new(struct tcprelay *tr, int cfd)
{
	struct tr_conn	*c;
	uint64_t	 now = loop_now_ms(tr->loop);
	int		 one = 1, s;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(cfd);
		return NULL;
	}
	c->tr = tr;
	c->fd[TR_CLIENT] = cfd;
	c->fd[TR_TARGET] = -1;
	for (s = TR_CLIENT; s <= TR_TARGET; s++)
		pipe_init(&c->pipe[s], (uint64_t)tr->rate_kib * 1024, now);
	if ((c->fd[TR_TARGET] = relay_socket(&tr->target, SOCK_STREAM)) < 0)
		goto fail;
	(void)setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)setsockopt(c->fd[TR_TARGET], IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one));
	if (connect(c->fd[TR_TARGET], (struct sockaddr *)&tr->target.ss,
	    tr->target.len) < 0 && errno != EINPROGRESS)
		goto fail;
	c->connecting = 1;
	for (s = TR_CLIENT; s <= TR_TARGET; s++)
		if (loop_fd_add(tr->loop, c->fd[s], 0, on_conn_fd, c) != BT_OK)
			goto fail;
	return c;
fail:
	tr->failed++;
	conn_free(c);
	return NULL;
}

static void
on_accept(void *arg, int fd, int events)
{
	struct tcprelay	*tr = arg;
	int		 cfd, i, slot;

	(void)events;
	for (i = 0; i < TR_ACCEPT_BURST; i++) {
		if ((cfd = relay_accept(fd)) < 0)
			return;
		for (slot = 0; slot < TR_MAX_CONNS; slot++)
			if (tr->conns[slot] == NULL)
				break;
		if (slot == TR_MAX_CONNS) {
			tr->refused++;		/* full: the client sees EOF */
			close(cfd);
			continue;
		}
		tr->accepted++;
		if ((tr->conns[slot] = conn_new(tr, cfd)) != NULL)
			conn_update(tr->conns[slot]);
	}
}

/* ---- the turn's end: a loop source ---- */

/* ms until side s's pipe has something to do that no socket will wake
 * us for; -1: nothing. */
static int64_t
pipe_timeout_ms(const struct tr_conn *c, int s, uint64_t now_ms)
{
	const struct tcprelay	*tr = c->tr;
	const struct tr_pipe	*p = &c->pipe[s];
	int64_t			 t = -1, w;

	/* a blocked writer waits for LOOP_WRITE, and so does a write to a
	 * target still connecting */
	if (p->head != NULL && !p->blocked &&
	    !(s == TR_CLIENT && c->connecting))
		t = p->head->due_ms > now_ms ?
		    (int64_t)(p->head->due_ms - now_ms) : 0;
	/* a reader held back by its rate waits for the next token */
	if (!p->eof && bucket_available(&p->rate) == 0 &&
	    p->queued < TR_QUEUE_MAX && tr->total_queued < TR_TOTAL_MAX) {
		w = bucket_wait_ms(&p->rate, 1);
		w = w < 1 ? 1 : w;
		if (t < 0 || w < t)
			t = w;
	}
	return t;
}

static int64_t
relay_timeout_ms(void *arg, uint64_t now_ms)
{
	struct tcprelay	*tr = arg;
	int64_t		 t = -1, w;
	int		 i, s;

	for (i = 0; i < TR_MAX_CONNS; i++)
		for (s = TR_CLIENT; tr->conns[i] != NULL && s <= TR_TARGET;
		    s++) {
			w = pipe_timeout_ms(tr->conns[i], s, now_ms);
			if (w >= 0 && (t < 0 || w < t))
				t = w;
		}
	return t;
}

/* Every turn, after the sockets' callbacks: write what is due, rearm,
 * reap the dead (never inside their own callbacks). */
static void
relay_perform(void *arg, const fd_set *rd, const fd_set *wr,
    uint64_t now_ms)
{
	struct tcprelay	*tr = arg;
	int		 i;

	(void)rd;
	(void)wr;
	(void)now_ms;
	for (i = 0; i < TR_MAX_CONNS; i++) {
		if (tr->conns[i] == NULL)
			continue;
		conn_update(tr->conns[i]);
		if (tr->conns[i]->dead) {
			conn_free(tr->conns[i]);
			tr->conns[i] = NULL;
		}
	}
}

static const struct loop_source_ops relay_ops = {
	NULL, relay_timeout_ms, relay_perform,
};

/* ---- set-up, run, report ---- */

static void
usage(void)
{
	fprintf(stderr, "usage: tcprelay -l LISTEN_PORT -t TARGET "
	    "[-D DELAY_MS] [-r RATE_KIB] [-b BIND_ADDR]\n"
	    "TARGET is PORT (on 127.0.0.1), ADDR:PORT or [ADDR]:PORT; "
	    "BIND_ADDR defaults to 127.0.0.1;\nevery address must be "
	    "loopback (127.0.0.0/8 or ::1)\n");
}

static int
bad_value(int opt, const char *arg, int r, const char *want)
{
	fprintf(stderr, "tcprelay: -%c %s: %s (%s)\n", opt, arg,
	    r == BT_ERR_RANGE ? "out of range" : "not understood", want);
	return 1;
}

static int
parse_opts(struct tcprelay *tr, int argc, char **argv)
{
	const char	*bind_s = "127.0.0.1", *target_s = NULL;
	uint16_t	 port = 0;
	int		 c, r, have_port = 0;

	while ((c = getopt(argc, argv, "l:t:D:r:b:")) != -1) {
		switch (c) {
		case 'l':
			if ((r = relay_port_parse(optarg, &port)) != BT_OK)
				return bad_value(c, optarg, r, "0..65535");
			have_port = 1;
			break;
		case 't':
			target_s = optarg;
			break;
		case 'D':
			if ((r = relay_num_parse(optarg, TR_DELAY_MAX_MS,
			    &tr->delay_ms)) != BT_OK)
				return bad_value(c, optarg, r, "0..60000 ms");
			break;
		case 'r':
			if ((r = relay_num_parse(optarg, TR_RATE_MAX_KIB,
			    &tr->rate_kib)) != BT_OK)
				return bad_value(c, optarg, r,
				    "KiB/s, 0 for no cap");
			break;
		case 'b':
			bind_s = optarg;
			break;
		default:
			usage();
			return 1;
		}
	}
	if (optind != argc || !have_port || target_s == NULL) {
		usage();
		return 1;
	}
	if ((r = relay_addr_host(bind_s, port, &tr->listen)) != BT_OK)
		return bad_value('b', bind_s, r, "127.0.0.0/8 or ::1 only");
	if ((r = relay_addr_target(target_s, &tr->target)) != BT_OK)
		return bad_value('t', target_s, r, "PORT, or ADDR:PORT on "
		    "127.0.0.0/8 or [::1]");
	return 0;
}

static int
start(struct tcprelay *tr)
{
	char	from[64], to[64];
	int	r;

	if ((tr->loop = loop_new()) == NULL) {
		fprintf(stderr, "tcprelay: out of memory\n");
		return 2;
	}
	relay_addr_format(&tr->listen, from, sizeof(from));
	if ((tr->listen_fd = relay_listen(&tr->listen, SOCK_STREAM)) < 0) {
		fprintf(stderr, "tcprelay: cannot listen on %s: %s (pick "
		    "another -l port)\n", from, strerror(errno));
		return 2;
	}
	if ((r = relay_sig_open(&tr->sig, tr->loop)) != BT_OK ||
	    (r = loop_fd_add(tr->loop, tr->listen_fd, LOOP_READ, on_accept,
	    tr)) != BT_OK ||
	    (r = loop_source_add(tr->loop, &relay_ops, tr)) != BT_OK) {
		fprintf(stderr, "tcprelay: cannot set up the loop: %s\n",
		    r == BT_ERR_SYS ? strerror(errno) : bt_strerror(r));
		return 2;
	}
	relay_addr_format(&tr->listen, from, sizeof(from));
	relay_addr_format(&tr->target, to, sizeof(to));
	fprintf(stderr, "tcprelay: listening on %u (%s to %s, delay %lu ms, "
	    "rate %lu KiB/s)\n", (unsigned)relay_addr_port(&tr->listen),
	    from, to, tr->delay_ms, tr->rate_kib);
	return 0;
}

static void
report(const struct tcprelay *tr)
{
	fprintf(stderr, "tcprelay: %s forwarded %llu bytes; %s forwarded "
	    "%llu bytes; connections %llu refused %llu failed %llu\n",
	    tr_dir_names[TR_CLIENT], (unsigned long long)tr->bytes[TR_CLIENT],
	    tr_dir_names[TR_TARGET], (unsigned long long)tr->bytes[TR_TARGET],
	    (unsigned long long)tr->accepted,
	    (unsigned long long)tr->refused, (unsigned long long)tr->failed);
}

static void
cleanup(struct tcprelay *tr)
{
	int	i;

	for (i = 0; i < TR_MAX_CONNS; i++)
		conn_free(tr->conns[i]);
	if (tr->loop != NULL) {
		if (tr->listen_fd >= 0)
			loop_fd_del(tr->loop, tr->listen_fd);
		relay_sig_close(&tr->sig, tr->loop);
	}
	if (tr->listen_fd >= 0)
		close(tr->listen_fd);
	loop_free(tr->loop);
	free(tr);
}

int
main(int argc, char **argv)
{
	struct tcprelay	*tr;
	int		 rc;

	if ((tr = calloc(1, sizeof(*tr))) == NULL) {
		fprintf(stderr, "tcprelay: out of memory\n");
		return 2;
	}
	tr->listen_fd = -1;
	relay_sig_init(&tr->sig);
	if ((rc = parse_opts(tr, argc, argv)) != 0 || (rc = start(tr)) != 0)
		goto out;
	while (!tr->sig.stop)
		if (loop_run_once(tr->loop, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "tcprelay: select: %s\n",
			    strerror(errno));
			rc = 2;
			goto out;
		}
	report(tr);
out:
	cleanup(tr);
	return rc;
}
