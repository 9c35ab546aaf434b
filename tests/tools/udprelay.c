/*
 * udprelay: a lossy, reordering, delaying UDP relay on loopback, for the
 * tests that want uTP under bad conditions (this kernel has no netem).
 *
 *	udprelay -l LISTEN_PORT -t TARGET [-d DROP_PERMILLE]
 *	    [-r REORDER_PERMILLE] [-D DELAY_MS] [-s SEED] [-b BIND_ADDR]
 *
 * Datagrams to BIND_ADDR:LISTEN_PORT go to TARGET (a port on 127.0.0.1,
 * or ADDR:PORT on loopback) and the replies come back.  Each client
 * address gets an upstream socket of its own, connected to the target, so
 * the target sees one peer per client and its replies find their way home
 * (at most UR_MAX_CLIENTS, forgotten after UR_IDLE_MS of silence).
 *
 * Every datagram, both directions, draws one number in [0, 1000): below
 * DROP it is dropped; below DROP + REORDER it is held back and goes right
 * after the next datagram of the same client and direction (or after
 * UR_HOLD_MAX_MS if none follows: a hold must not become a loss).  Then it
 * waits DELAY ms in one queue (bounded: UR_QUEUE_MAX datagrams and
 * UR_QUEUE_MAX_BYTES, held ones included; beyond that it is dropped and
 * counted as overflow).  Each direction has its own generator seeded from
 * -s, so one client's drops and holds are the same on every run.
 *
 * Ready: "udprelay: listening on PORT (...)" on stderr (PORT is the one
 * bound, so -l 0 works).  SIGTERM or SIGINT: one line of counters per the
 * two directions on stderr, exit 0.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/loop.h"
#include "engine/rng.h"
#include "relay.h"

#define UR_MAX_CLIENTS		64
#define UR_IDLE_MS		60000
#define UR_SWEEP_MS		1000
#define UR_QUEUE_MAX		4096
#define UR_QUEUE_MAX_BYTES	(16u * 1024 * 1024)
#define UR_DGRAM_MAX		65536	/* above any UDP payload */
#define UR_HOLD_MAX_MS		100
#define UR_DELAY_MAX_MS		60000
#define UR_BURST		64	/* datagrams read per readable call */
#define UR_SEED_DOWN		0x6a09e667f3bcc909ull	/* mixed into -s */

enum ur_dir {
	UR_UP = 0,		/* client to target */
	UR_DOWN = 1,		/* target to client */
};

static const char *const ur_dir_names[] = { "up", "down" };

struct udprelay;

/* A datagram held back or waiting out its delay. */
struct ur_dgram {
	struct ur_dgram	*next;
	uint64_t	 due_ms;	/* queued: when it goes; held back:
					 * when it was held */
	uint32_t	 slot, gen;	/* its client, as it was */
	int		 dir;		/* enum ur_dir */
	size_t		 len;
	uint8_t		 data[];
};

struct ur_client {
	struct udprelay		*ur;
	struct relay_addr	 addr;	/* where it sends from */
	int			 fd;	/* upstream; -1: free slot */
	uint32_t		 gen;	/* bumped when the slot is freed */
	uint64_t		 last_ms;
	struct ur_dgram		*held[2];	/* by enum ur_dir */
};

struct ur_count {
	uint64_t	forwarded, dropped, reordered, overflow, failed;
};

struct udprelay {
	struct loop		*loop;
	struct relay_sig	 sig;
	struct relay_addr	 listen, target;
	int			 listen_fd;
	unsigned long		 drop_pm, reorder_pm, delay_ms;
	uint64_t		 seed;
	uint64_t		 rng[2];
	struct ur_client	 clients[UR_MAX_CLIENTS];
	struct ur_dgram		*head, *tail;	/* the delay queue, by due */
	size_t			 nheld, held_bytes;	/* queued + held */
	struct ur_count		 count[2];
	uint64_t		 nclients, refused;
	uint8_t			 buf[UR_DGRAM_MAX];
};

/* ---- held datagrams ---- */

/* A copy of data, counted against the bounds; NULL when they are reached
 * (or out of memory). */
static struct ur_dgram *
dgram_new(struct udprelay *ur, int dir, const struct ur_client *c,
    const uint8_t *data, size_t len)
{
	struct ur_dgram	*d;

	if (ur->nheld >= UR_QUEUE_MAX ||
	    len > UR_QUEUE_MAX_BYTES - ur->held_bytes ||
	    (d = malloc(sizeof(*d) + len)) == NULL)
		return NULL;
	d->next = NULL;
	d->due_ms = 0;
	d->slot = (uint32_t)(c - ur->clients);
	d->gen = c->gen;
	d->dir = dir;
	d->len = len;
	memcpy(d->data, data, len);
	ur->nheld++;
	ur->held_bytes += len;
	return d;
}

static void
dgram_free(struct udprelay *ur, struct ur_dgram *d)
{
	if (d == NULL)
		return;
	ur->nheld--;
	ur->held_bytes -= d->len;
	free(d);
}

/* Sends now: up through the client's own socket, down from the listening
 * one.  A full socket buffer or an absent target counts as failed. */
static void
send_now(struct udprelay *ur, int dir, const struct ur_client *c,
    const uint8_t *data, size_t len)
{
	ssize_t	n;

	if (dir == UR_UP)
		n = send(c->fd, data, len, 0);
	else
		n = sendto(ur->listen_fd, data, len, 0,
		    (const struct sockaddr *)&c->addr.ss, c->addr.len);
	if (n < 0)
		ur->count[dir].failed++;
	else
		ur->count[dir].forwarded++;
}

static void
queue_append(struct udprelay *ur, struct ur_dgram *d)
{
	/* due = now + a constant delay, and now never goes back: appending
	 * keeps the queue in due order */
	d->due_ms = loop_now_ms(ur->loop) + ur->delay_ms;
	d->next = NULL;
	if (ur->tail != NULL)
		ur->tail->next = d;
	else
		ur->head = d;
	ur->tail = d;
}

/* Passes data on, now or after the delay. */
static void
forward(struct udprelay *ur, int dir, const struct ur_client *c,
    const uint8_t *data, size_t len)
{
	struct ur_dgram	*d;

	if (ur->delay_ms == 0) {
		send_now(ur, dir, c, data, len);
		return;
	}
	if ((d = dgram_new(ur, dir, c, data, len)) == NULL) {
		ur->count[dir].overflow++;
		return;
	}
	queue_append(ur, d);
}

/* The datagram held back in this direction, if any, goes now (behind
 * whatever was just forwarded). */
static void
release_held(struct udprelay *ur, struct ur_client *c, int dir)
{
	struct ur_dgram	*d = c->held[dir];

	if (d == NULL)
		return;
	c->held[dir] = NULL;
	if (ur->delay_ms == 0) {
		send_now(ur, dir, c, d->data, d->len);
		dgram_free(ur, d);
	} else
		queue_append(ur, d);
}

/* One datagram in from either side: drop, hold back or forward it. */
static void
on_datagram(struct udprelay *ur, int dir, struct ur_client *c,
    const uint8_t *data, size_t len)
{
	struct ur_dgram	*d;
	uint32_t	 r = rng_below(&ur->rng[dir], 1000);

	c->last_ms = loop_now_ms(ur->loop);
	if (r < ur->drop_pm) {
		ur->count[dir].dropped++;
		return;
	}
	if (r < ur->drop_pm + ur->reorder_pm && c->held[dir] == NULL) {
		if ((d = dgram_new(ur, dir, c, data, len)) == NULL) {
			ur->count[dir].overflow++;
			return;
		}
		d->due_ms = loop_now_ms(ur->loop);
		c->held[dir] = d;
		ur->count[dir].reordered++;
		return;
	}
	forward(ur, dir, c, data, len);
	release_held(ur, c, dir);
}

/* ---- clients ---- */

static void
client_close(struct udprelay *ur, struct ur_client *c)
{
	if (c->fd < 0)
		return;
	loop_fd_del(ur->loop, c->fd);
	close(c->fd);
	c->fd = -1;
	c->gen++;			/* queued datagrams go stale */
	dgram_free(ur, c->held[UR_UP]);
	dgram_free(ur, c->held[UR_DOWN]);
	c->held[UR_UP] = c->held[UR_DOWN] = NULL;
}

static void
on_upstream(void *arg, int fd, int events)
{
	struct ur_client	*c = arg;
	struct udprelay		*ur = c->ur;
	ssize_t			 n;
	int			 i;

	(void)events;
	for (i = 0; i < UR_BURST && c->fd == fd; i++) {
		if ((n = recv(fd, ur->buf, sizeof(ur->buf), 0)) < 0)
			return;	/* EAGAIN; ECONNREFUSED: no target yet */
		on_datagram(ur, UR_DOWN, c, ur->buf, (size_t)n);
	}
}

static struct ur_client *
client_find(struct udprelay *ur, const struct relay_addr *from)
{
	int	i;

	for (i = 0; i < UR_MAX_CLIENTS; i++)
		if (ur->clients[i].fd >= 0 &&
		    relay_addr_equal(&ur->clients[i].addr, from))
			return &ur->clients[i];
	return NULL;
}

/* A slot and an upstream socket for a new client address; NULL when the
 * table is full or the socket cannot be made (counted as refused). */
static struct ur_client *
client_open(struct udprelay *ur, const struct relay_addr *from)
{
	struct ur_client	*c = NULL;
	int			 i, fd;

	for (i = 0; i < UR_MAX_CLIENTS && c == NULL; i++)
		if (ur->clients[i].fd < 0)
			c = &ur->clients[i];
	if (c == NULL || (fd = relay_socket(&ur->target, SOCK_DGRAM)) < 0)
		goto refuse;
	if (connect(fd, (const struct sockaddr *)&ur->target.ss,
	    ur->target.len) < 0 ||
	    loop_fd_add(ur->loop, fd, LOOP_READ, on_upstream, c) != BT_OK) {
		close(fd);
		goto refuse;
	}
	c->fd = fd;
	c->addr = *from;
	c->last_ms = loop_now_ms(ur->loop);
	ur->nclients++;
	return c;
refuse:
	ur->refused++;
	return NULL;
}

static void
on_listen(void *arg, int fd, int events)
{
	struct udprelay		*ur = arg;
	struct relay_addr	 from;
	struct ur_client	*c;
	ssize_t			 n;
	int			 i;

	(void)events;
	for (i = 0; i < UR_BURST; i++) {
		memset(&from, 0, sizeof(from));
		from.len = sizeof(from.ss);
		if ((n = recvfrom(fd, ur->buf, sizeof(ur->buf), 0,
		    (struct sockaddr *)&from.ss, &from.len)) < 0)
			return;
		if ((c = client_find(ur, &from)) == NULL &&
		    (c = client_open(ur, &from)) == NULL)
			continue;
		on_datagram(ur, UR_UP, c, ur->buf, (size_t)n);
	}
}

static int64_t
on_sweep(void *arg, uint64_t now_ms)
{
	struct udprelay	*ur = arg;
	int		 i;

	for (i = 0; i < UR_MAX_CLIENTS; i++)
		if (ur->clients[i].fd >= 0 &&
		    now_ms - ur->clients[i].last_ms >= UR_IDLE_MS)
			client_close(ur, &ur->clients[i]);
	return UR_SWEEP_MS;
}

/* ---- the queue's clock: a loop source ---- */

static int64_t
ms_until(uint64_t due_ms, uint64_t now_ms)
{
	return due_ms > now_ms ? (int64_t)(due_ms - now_ms) : 0;
}

static int64_t
queue_timeout_ms(void *arg, uint64_t now_ms)
{
	struct udprelay	*ur = arg;
	int64_t		 t = -1, h;
	int		 i, dir;

	if (ur->head != NULL)
		t = ms_until(ur->head->due_ms, now_ms);
	for (i = 0; i < UR_MAX_CLIENTS; i++)
		for (dir = UR_UP; dir <= UR_DOWN; dir++) {
			if (ur->clients[i].held[dir] == NULL)
				continue;
			h = ms_until(ur->clients[i].held[dir]->due_ms +
			    UR_HOLD_MAX_MS, now_ms);
			if (t < 0 || h < t)
				t = h;
		}
	return t;
}

/* Held datagrams whose successor never came, then what is due. */
static void
queue_perform(void *arg, const fd_set *rd, const fd_set *wr,
    uint64_t now_ms)
{
	struct udprelay		*ur = arg;
	struct ur_client	*c;
	struct ur_dgram		*d;
	int			 i, dir;

	(void)rd;
	(void)wr;
	for (i = 0; i < UR_MAX_CLIENTS; i++)
		for (dir = UR_UP; dir <= UR_DOWN; dir++) {
			c = &ur->clients[i];
			if (c->held[dir] != NULL && now_ms >=
			    c->held[dir]->due_ms + UR_HOLD_MAX_MS)
				release_held(ur, c, dir);
		}
	while ((d = ur->head) != NULL && d->due_ms <= now_ms) {
		if ((ur->head = d->next) == NULL)
			ur->tail = NULL;
		c = &ur->clients[d->slot];
		if (c->fd >= 0 && c->gen == d->gen)
			send_now(ur, d->dir, c, d->data, d->len);
		else
			ur->count[d->dir].failed++;	/* client forgotten */
		dgram_free(ur, d);
	}
}

static const struct loop_source_ops queue_ops = {
	NULL, queue_timeout_ms, queue_perform,
};

/* ---- set-up, run, report ---- */

static void
usage(void)
{
	fprintf(stderr, "usage: udprelay -l LISTEN_PORT -t TARGET "
	    "[-d DROP_PERMILLE] [-r REORDER_PERMILLE]\n"
	    "                [-D DELAY_MS] [-s SEED] [-b BIND_ADDR]\n"
	    "TARGET is PORT (on 127.0.0.1), ADDR:PORT or [ADDR]:PORT; "
	    "BIND_ADDR defaults to 127.0.0.1;\nevery address must be "
	    "loopback (127.0.0.0/8 or ::1)\n");
}

/* Reports a bad option value; returns 1, the exit status. */
static int
bad_value(int opt, const char *arg, int r, const char *want)
{
	fprintf(stderr, "udprelay: -%c %s: %s (%s)\n", opt, arg,
	    r == BT_ERR_RANGE ? "out of range" : "not understood", want);
	return 1;
}

static int
parse_opts(struct udprelay *ur, int argc, char **argv)
{
	const char	*bind_s = "127.0.0.1", *target_s = NULL;
	unsigned long	 seed;
	uint16_t	 port = 0;
	int		 c, r, have_port = 0;

	ur->seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	while ((c = getopt(argc, argv, "l:t:d:r:D:s:b:")) != -1) {
		r = BT_OK;
		switch (c) {
		case 'l':
			if ((r = relay_port_parse(optarg, &port)) != BT_OK)
				return bad_value(c, optarg, r, "0..65535");
			have_port = 1;
			break;
		case 't':
			target_s = optarg;
			break;
		case 'd':
			if ((r = relay_num_parse(optarg, 1000,
			    &ur->drop_pm)) != BT_OK)
				return bad_value(c, optarg, r, "0..1000");
			break;
		case 'r':
			if ((r = relay_num_parse(optarg, 1000,
			    &ur->reorder_pm)) != BT_OK)
				return bad_value(c, optarg, r, "0..1000");
			break;
		case 'D':
			if ((r = relay_num_parse(optarg, UR_DELAY_MAX_MS,
			    &ur->delay_ms)) != BT_OK)
				return bad_value(c, optarg, r, "0..60000 ms");
			break;
		case 's':
			if ((r = relay_num_parse(optarg, ~0ul, &seed)) != BT_OK)
				return bad_value(c, optarg, r, "a number");
			ur->seed = seed;
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
	if (ur->drop_pm + ur->reorder_pm > 1000) {
		fprintf(stderr, "udprelay: -d plus -r: out of range (at most "
		    "1000 per mille together)\n");
		return 1;
	}
	if ((r = relay_addr_host(bind_s, port, &ur->listen)) != BT_OK)
		return bad_value('b', bind_s, r, "127.0.0.0/8 or ::1 only");
	if ((r = relay_addr_target(target_s, &ur->target)) != BT_OK)
		return bad_value('t', target_s, r, "PORT, or ADDR:PORT on "
		    "127.0.0.0/8 or [::1]");
	return 0;
}

static int
start(struct udprelay *ur)
{
	char	from[64], to[64];
	int	r;

	if ((ur->loop = loop_new()) == NULL) {
		fprintf(stderr, "udprelay: out of memory\n");
		return 2;
	}
	relay_addr_format(&ur->listen, from, sizeof(from));
	if ((ur->listen_fd = relay_listen(&ur->listen, SOCK_DGRAM)) < 0) {
		fprintf(stderr, "udprelay: cannot bind %s: %s (pick another "
		    "-l port)\n", from, strerror(errno));
		return 2;
	}
	if ((r = relay_sig_open(&ur->sig, ur->loop)) == BT_OK &&
	    (r = loop_fd_add(ur->loop, ur->listen_fd, LOOP_READ, on_listen,
	    ur)) == BT_OK &&
	    (r = loop_source_add(ur->loop, &queue_ops, ur)) == BT_OK &&
	    loop_timer_add(ur->loop, UR_SWEEP_MS, on_sweep, ur) == 0)
		r = BT_ERR_NOMEM;
	if (r != BT_OK) {
		fprintf(stderr, "udprelay: cannot set up the loop: %s\n",
		    r == BT_ERR_SYS ? strerror(errno) : bt_strerror(r));
		return 2;
	}
	relay_addr_format(&ur->listen, from, sizeof(from));
	relay_addr_format(&ur->target, to, sizeof(to));
	fprintf(stderr, "udprelay: listening on %u (%s to %s, drop %lu/1000, "
	    "reorder %lu/1000, delay %lu ms, seed %llu)\n",
	    (unsigned)relay_addr_port(&ur->listen), from, to, ur->drop_pm,
	    ur->reorder_pm, ur->delay_ms, (unsigned long long)ur->seed);
	return 0;
}

static void
report(const struct udprelay *ur)
{
	const struct ur_count	*k;
	int			 dir;

	fprintf(stderr, "udprelay:");
	for (dir = UR_UP; dir <= UR_DOWN; dir++) {
		k = &ur->count[dir];
		fprintf(stderr, " %s forwarded %llu dropped %llu "
		    "reordered %llu overflow %llu failed %llu;", ur_dir_names[dir],
		    (unsigned long long)k->forwarded,
		    (unsigned long long)k->dropped,
		    (unsigned long long)k->reordered,
		    (unsigned long long)k->overflow,
		    (unsigned long long)k->failed);
	}
	fprintf(stderr, " clients %llu refused %llu\n",
	    (unsigned long long)ur->nclients, (unsigned long long)ur->refused);
}

static void
cleanup(struct udprelay *ur)
{
	struct ur_dgram	*d;
	int		 i;

	for (i = 0; i < UR_MAX_CLIENTS; i++)
		client_close(ur, &ur->clients[i]);
	while ((d = ur->head) != NULL) {
		ur->head = d->next;
		dgram_free(ur, d);
	}
	if (ur->loop != NULL) {
		if (ur->listen_fd >= 0)
			loop_fd_del(ur->loop, ur->listen_fd);
		relay_sig_close(&ur->sig, ur->loop);
	}
	if (ur->listen_fd >= 0)
		close(ur->listen_fd);
	loop_free(ur->loop);
	free(ur);
}

int
main(int argc, char **argv)
{
	struct udprelay	*ur;
	int		 i, rc;

	if ((ur = calloc(1, sizeof(*ur))) == NULL) {
		fprintf(stderr, "udprelay: out of memory\n");
		return 2;
	}
	ur->listen_fd = -1;
	relay_sig_init(&ur->sig);
	for (i = 0; i < UR_MAX_CLIENTS; i++) {
		ur->clients[i].ur = ur;
		ur->clients[i].fd = -1;
	}
	if ((rc = parse_opts(ur, argc, argv)) != 0 || (rc = start(ur)) != 0)
		goto out;
	ur->rng[UR_UP] = ur->seed;
	ur->rng[UR_DOWN] = ur->seed ^ UR_SEED_DOWN;
	while (!ur->sig.stop)
		if (loop_run_once(ur->loop, -1) < 0 && errno != EINTR) {
			fprintf(stderr, "udprelay: select: %s\n",
			    strerror(errno));
			rc = 2;
			goto out;
		}
	report(ur);
out:
	cleanup(ur);
	return rc;
}
