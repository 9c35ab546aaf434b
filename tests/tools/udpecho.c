/*
 * udpecho: the two ends of a UDP path for tests/integration/relays.sh, so
 * that udprelay can be checked without a uTP peer.
 *
 *	udpecho -l PORT [-b BIND_ADDR]
 *	    an echo server: every datagram goes back to its sender.  Ready:
 *	    "udpecho: listening on PORT" on stderr; SIGTERM or SIGINT:
 *	    "udpecho: echoed N", exit 0.
 *	udpecho -c TARGET [-n COUNT] [-i INTERVAL_MS] [-w WAIT_MS] [-S SIZE]
 *	    a prober: sends COUNT numbered datagrams of SIZE bytes, one every
 *	    INTERVAL_MS, to TARGET (PORT on 127.0.0.1, or ADDR:PORT on
 *	    loopback), reads the echoes until WAIT_MS pass with nothing new,
 *	    and prints one line on stdout:
 *	    "udpecho: sent N received M out-of-order K duplicates D
 *	    rtt-ms min A max B".  Out of order: a number below the highest
 *	    received before it.
 *
 * Each datagram starts with its number (u32) and its send time (u64, ms on
 * the monotonic clock), big-endian, then zero padding.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/loop.h"
#include "relay.h"

#define UE_HEADER	12		/* u32 number, u64 send time */
#define UE_SIZE_MAX	8192
#define UE_COUNT_MAX	1000000
#define UE_DGRAM_MAX	65536
#define UE_IDLE_TICK_MS	10

struct udpecho {
	struct loop		*loop;
	struct relay_sig	 sig;
	struct relay_addr	 addr;	/* -l: bound; -c: the target */
	int			 fd, client, done;
	unsigned long		 count, interval_ms, wait_ms, size;
	uint8_t			*seen;	/* [count]: 1 once echoed */
	uint64_t		 sent, received, ooo, dups, echoed;
	uint64_t		 last_ms;	/* last send or echo */
	uint64_t		 rtt_min, rtt_max;
	int64_t			 highest;	/* highest number echoed */
	uint8_t			 buf[UE_DGRAM_MAX];
};

/* ---- server ---- */

static void
on_echo(void *arg, int fd, int events)
{
	struct udpecho		*ue = arg;
	struct relay_addr	 from;
	ssize_t			 n;

	(void)events;
	for (;;) {
		from.len = sizeof(from.ss);
		if ((n = recvfrom(fd, ue->buf, sizeof(ue->buf), 0,
		    (struct sockaddr *)&from.ss, &from.len)) < 0)
			return;
		if (sendto(fd, ue->buf, (size_t)n, 0,
		    (struct sockaddr *)&from.ss, from.len) >= 0)
			ue->echoed++;
	}
}

/* ---- client ---- */

static int64_t
on_send(void *arg, uint64_t now_ms)
{
	struct udpecho	*ue = arg;
	struct bbuf	 b;

	bbuf_init(&b, ue->size);
	if (bbuf_put_u32be(&b, (uint32_t)ue->sent) != BT_OK ||
	    bbuf_put_u64be(&b, now_ms) != BT_OK) {
		bbuf_cleanup(&b);
		return LOOP_TIMER_STOP;		/* size >= UE_HEADER */
	}
	while (bbuf_len(&b) < ue->size && bbuf_put_u8(&b, 0) == BT_OK)
		;
	/* a refused send (no relay yet) still counts: it was lost */
	(void)send(ue->fd, bbuf_ptr(&b), bbuf_len(&b), 0);
	bbuf_cleanup(&b);
	ue->last_ms = now_ms;
	if (++ue->sent >= ue->count)
		return LOOP_TIMER_STOP;
	return (int64_t)ue->interval_ms;
}

static void
on_reply(struct udpecho *ue, const uint8_t *p, size_t n, uint64_t now_ms)
{
	struct bbuf	v;
	uint32_t	num;
	uint64_t	at, rtt;

	bbuf_view(&v, p, n);
	if (n != ue->size || bbuf_get_u32be(&v, &num) != BT_OK ||
	    bbuf_get_u64be(&v, &at) != BT_OK || num >= ue->count ||
	    at > now_ms)
		return;			/* not one of ours */
	ue->last_ms = now_ms;
	if (ue->seen[num]) {
		ue->dups++;
		return;
	}
	ue->seen[num] = 1;
	ue->received++;
	if ((int64_t)num < ue->highest)
		ue->ooo++;
	else
		ue->highest = num;
	rtt = now_ms - at;
	if (ue->received == 1 || rtt < ue->rtt_min)
		ue->rtt_min = rtt;
	if (rtt > ue->rtt_max)
		ue->rtt_max = rtt;
}

static void
on_readable(void *arg, int fd, int events)
{
	struct udpecho	*ue = arg;
	ssize_t		 n;

	(void)events;
	while ((n = recv(fd, ue->buf, sizeof(ue->buf), 0)) >= 0)
		on_reply(ue, ue->buf, (size_t)n, loop_now_ms(ue->loop));
}

static int64_t
on_idle(void *arg, uint64_t now_ms)
{
	struct udpecho	*ue = arg;

	if (ue->sent >= ue->count && now_ms - ue->last_ms >= ue->wait_ms) {
		ue->done = 1;
		return LOOP_TIMER_STOP;
	}
	return UE_IDLE_TICK_MS;
}

/* ---- set-up ---- */

static void
usage(void)
{
	fprintf(stderr, "usage: udpecho -l PORT [-b BIND_ADDR]\n"
	    "       udpecho -c TARGET [-n COUNT] [-i INTERVAL_MS] "
	    "[-w WAIT_MS] [-S SIZE]\n");
}

static int
bad_value(int opt, const char *arg, int r)
{
	fprintf(stderr, "udpecho: -%c %s: %s\n", opt, arg,
	    r == BT_ERR_RANGE ? "out of range (or not loopback)" :
	    "not understood");
	return 1;
}

static int
parse_opts(struct udpecho *ue, int argc, char **argv)
{
	const char	*bind_s = "127.0.0.1", *target = NULL, *port_s = NULL;
	uint16_t	 port;
	int		 c, r;

	while ((c = getopt(argc, argv, "l:b:c:n:i:w:S:")) != -1) {
		r = BT_OK;
		switch (c) {
		case 'l':
			port_s = optarg;
			break;
		case 'b':
			bind_s = optarg;
			break;
		case 'c':
			target = optarg;
			break;
		case 'n':
			r = relay_num_parse(optarg, UE_COUNT_MAX, &ue->count);
			if (r == BT_OK && ue->count == 0)
				r = BT_ERR_RANGE;
			break;
		case 'i':
			r = relay_num_parse(optarg, 10000, &ue->interval_ms);
			break;
		case 'w':
			r = relay_num_parse(optarg, 600000, &ue->wait_ms);
			break;
		case 'S':
			r = relay_num_parse(optarg, UE_SIZE_MAX, &ue->size);
			if (r == BT_OK && ue->size < UE_HEADER)
				r = BT_ERR_RANGE;
			break;
		default:
			usage();
			return 1;
		}
		if (r != BT_OK)
			return bad_value(c, optarg, r);
	}
	if (optind != argc || (port_s == NULL) == (target == NULL)) {
		usage();
		return 1;
	}
	if ((ue->client = target != NULL))
		r = relay_addr_target(target, &ue->addr);
	else if ((r = relay_port_parse(port_s, &port)) == BT_OK)
		r = relay_addr_host(bind_s, port, &ue->addr);
	return r == BT_OK ? 0 : bad_value(target != NULL ? 'c' : 'l',
	    target != NULL ? target : port_s, r);
}

static int
start_server(struct udpecho *ue)
{
	char	name[64];

	relay_addr_format(&ue->addr, name, sizeof(name));
	if ((ue->fd = relay_listen(&ue->addr, SOCK_DGRAM)) < 0) {
		fprintf(stderr, "udpecho: cannot bind %s: %s\n", name,
		    strerror(errno));
		return 2;
	}
	if (loop_fd_add(ue->loop, ue->fd, LOOP_READ, on_echo, ue) != BT_OK)
		return 2;
	fprintf(stderr, "udpecho: listening on %u\n",
	    (unsigned)relay_addr_port(&ue->addr));
	return 0;
}

static int
start_client(struct udpecho *ue)
{
	if ((ue->seen = calloc(ue->count, 1)) == NULL ||
	    (ue->fd = relay_socket(&ue->addr, SOCK_DGRAM)) < 0 ||
	    connect(ue->fd, (struct sockaddr *)&ue->addr.ss,
	    ue->addr.len) < 0) {
		fprintf(stderr, "udpecho: cannot start: %s\n",
		    strerror(errno));
		return 2;
	}
	ue->last_ms = loop_now_ms(ue->loop);
	if (loop_fd_add(ue->loop, ue->fd, LOOP_READ, on_readable, ue) !=
	    BT_OK || loop_timer_add(ue->loop, 0, on_send, ue) == 0 ||
	    loop_timer_add(ue->loop, UE_IDLE_TICK_MS, on_idle, ue) == 0)
		return 2;
	return 0;
}

int
main(int argc, char **argv)
{
	struct udpecho	*ue;
	int		 rc;

	if ((ue = calloc(1, sizeof(*ue))) == NULL)
		return 2;
	ue->fd = -1;
	ue->count = 1000;
	ue->interval_ms = 1;
	ue->wait_ms = 1000;
	ue->size = 100;
	ue->highest = -1;
	relay_sig_init(&ue->sig);
	if ((rc = parse_opts(ue, argc, argv)) != 0)
		goto out;
	rc = 2;
	if ((ue->loop = loop_new()) == NULL ||
	    relay_sig_open(&ue->sig, ue->loop) != BT_OK ||
	    (rc = ue->client ? start_client(ue) : start_server(ue)) != 0)
		goto out;
	while (!ue->done && !ue->sig.stop)
		if (loop_run_once(ue->loop, -1) < 0 && errno != EINTR) {
			rc = 2;
			goto out;
		}
	if (ue->client)
		printf("udpecho: sent %llu received %llu out-of-order %llu "
		    "duplicates %llu rtt-ms min %llu max %llu\n",
		    (unsigned long long)ue->sent,
		    (unsigned long long)ue->received,
		    (unsigned long long)ue->ooo, (unsigned long long)ue->dups,
		    (unsigned long long)ue->rtt_min,
		    (unsigned long long)ue->rtt_max);
	else
		fprintf(stderr, "udpecho: echoed %llu\n",
		    (unsigned long long)ue->echoed);
out:
	if (ue->loop != NULL) {
		if (ue->fd >= 0)
			loop_fd_del(ue->loop, ue->fd);
		relay_sig_close(&ue->sig, ue->loop);
	}
	if (ue->fd >= 0)
		close(ue->fd);
	loop_free(ue->loop);
	free(ue->seen);
	free(ue);
	return rc;
}
