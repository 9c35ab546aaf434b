/*
 * test_udp: the session's UDP sockets on 127.0.0.1.  Two udp objects on
 * one loop send each other datagrams shaped like KRPC, uTP, a tracker
 * reply and junk: each lands in the right callback with the sender's
 * address, or in none; a batch is bounded and ends with one on_drained;
 * --bind decides the families; a port in use is an error with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/caddr.h"
#include "engine/udp.h"
#include "ipc/err.h"
#include "ipc/loop.h"

#define MAX_GOT		256
#define IN(s)		(const uint8_t *)(s), sizeof(s) - 1

/* a datagram each kind, as the demux sees them */
#define KRPC_PING	"d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa" \
			"1:y1:qe"
#define UTP_SYN		"\x41\x00\x12\x34" "\x01\x02\x03\x04" \
			"\x00\x00\x00\x00" "\x00\x10\x00\x00" \
			"\x00\x07" "\x00\x00"
#define TRACKER_REPLY	"\x00\x00\x00\x00" "\xde\xad\xbe\xef" \
			"\x01\x02\x03\x04\x05\x06\x07\x08"
#define JUNK		"hello, world"

struct side {
	struct udp	*u;
	struct caddr	 addr;		/* 127.0.0.1:port */
	int		 kind[MAX_GOT];	/* 'k' krpc, 'u' utp */
	size_t		 len[MAX_GOT];
	uint8_t		 last[MAX_GOT];	/* each datagram's last byte */
	struct caddr	 from[MAX_GOT];
	size_t		 ngot, drained;
	struct caddr	 unreachable;	/* the last on_unreachable */
	size_t		 nunreachable;
};

struct fixture {
	struct loop	*loop;
	struct side	 side[2];
	char		 err[256];
};

static void
got(struct side *s, int kind, const struct caddr *from, const uint8_t *p,
    size_t n)
{
	assert_true(s->ngot < MAX_GOT);
	s->kind[s->ngot] = kind;
	s->len[s->ngot] = n;
	s->last[s->ngot] = p[n - 1];
	s->from[s->ngot] = *from;
	s->ngot++;
}

static void
on_krpc(void *arg, const struct caddr *from, const uint8_t *p, size_t n)
{
	assert_int_equal(p[0], 'd');
	got(arg, 'k', from, p, n);
}

static void
on_utp(void *arg, const struct caddr *from, const uint8_t *p, size_t n)
{
	assert_int_equal(p[0] & 0x0f, 1);
	got(arg, 'u', from, p, n);
}

static void
on_drained(void *arg)
{
	((struct side *)arg)->drained++;
}

static void
on_unreachable(void *arg, const struct caddr *to)
{
	struct side	*s = arg;

	s->unreachable = *to;
	s->nunreachable++;
}

/* A port free on 127.0.0.1 for UDP now (the kernel's pick, released). */
static uint16_t
free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	close(fd);
	return ntohs(sin.sin_port);
}

static void
loopback(struct caddr *a, uint16_t port)
{
	assert_int_equal(caddr_from_bytes((const uint8_t *)"\x7f\0\0\x01", 4,
	    port, a), BT_OK);
}

static void
config(struct udp_config *c, struct fixture *f, struct side *s,
    const struct caddr *bind4)
{
	memset(c, 0, sizeof(*c));
	c->loop = f->loop;
	c->port = bind4 != NULL ? bind4->port : 0;
	c->bound = 1;
	c->bind4 = bind4;
	c->arg = s;
	c->on_krpc = on_krpc;
	c->on_utp = on_utp;
	c->on_drained = on_drained;
	c->on_unreachable = on_unreachable;
}

static int
setup(void **state)
{
	struct fixture		*f;
	struct udp_config	 c;
	int			 i, tries, r;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->loop = loop_new()) == NULL)
		return -1;
	for (i = 0; i < 2; i++) {
		/* another process may take the port between free_port and
		 * the bind: try again */
		for (tries = 0; tries < 10; tries++) {
			loopback(&f->side[i].addr, free_port());
			config(&c, f, &f->side[i], &f->side[i].addr);
			r = udp_new(&c, &f->side[i].u, f->err, sizeof(f->err));
			if (r == BT_OK)
				break;
		}
		if (f->side[i].u == NULL)
			return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	udp_free(f->side[0].u);
	udp_free(f->side[1].u);
	loop_free(f->loop);
	free(f);
	return 0;
}

/* Turns of the loop until side s has want datagrams (at most 2 s). */
static void
run_until(struct fixture *f, const struct side *s, size_t want)
{
	int	i;

	for (i = 0; i < 200 && s->ngot < want; i++)
		assert_true(loop_run_once(f->loop, 10) >= 0);
}

static void
test_each_kind_lands_right(void **state)
{
	struct fixture	*f = *state;
	struct side	*a = &f->side[0], *b = &f->side[1];

	assert_int_equal(udp_send(a->u, &b->addr, IN(JUNK)), BT_OK);
	assert_int_equal(udp_send(a->u, &b->addr, IN(TRACKER_REPLY)), BT_OK);
	assert_int_equal(udp_send(a->u, &b->addr, IN(KRPC_PING)), BT_OK);
	assert_int_equal(udp_send(a->u, &b->addr, IN(UTP_SYN)), BT_OK);
	assert_int_equal(udp_send(b->u, &a->addr, IN(UTP_SYN "payload")),
	    BT_OK);
	run_until(f, b, 2);
	run_until(f, a, 1);
	/* the junk and the tracker reply came first and reached no one */
	assert_int_equal(b->ngot, 2);
	assert_int_equal(b->kind[0], 'k');
	assert_int_equal(b->len[0], sizeof(KRPC_PING) - 1);
	assert_int_equal(b->kind[1], 'u');
	assert_int_equal(b->len[1], sizeof(UTP_SYN) - 1);
	assert_true(caddr_equal(&b->from[0], &a->addr));
	assert_true(caddr_equal(&b->from[1], &a->addr));
	assert_int_equal(a->ngot, 1);
	assert_int_equal(a->kind[0], 'u');
	assert_int_equal(a->len[0], sizeof(UTP_SYN "payload") - 1);
	assert_true(caddr_equal(&a->from[0], &b->addr));
	assert_true(b->drained >= 1);
	/* nothing more is waiting */
	assert_true(loop_run_once(f->loop, 50) >= 0);
	assert_int_equal(b->ngot, 2);
	assert_int_equal(a->ngot, 1);
}

/* Datagrams queued to one address leave together (one GSO send where the
 * kernel has it) and arrive as they were queued: each whole, in order.  A
 * shorter one ends a batch, a longer one starts the next, another address
 * or a full batch flushes, and udp_send goes after the queue.  Rows:
 * length, to b (1) or to a itself (0). */
static void
test_queue_arrives_whole_in_order(void **state)
{
	struct fixture	*f = *state;
	struct side	*a = &f->side[0], *b = &f->side[1];
	static const struct {
		size_t	len;
		int	to_b;
	} rows[] = {
		{ 1400, 1 }, { 1400, 1 }, { 1400, 1 }, { 600, 1 },
		{ 1400, 1 }, { 1400, 0 }, { 1400, 1 }, { 1450, 1 },
		{ 1450, 1 }, { 20, 1 },
	};
	enum { MORE = 70 };
	uint8_t		 d[1450];
	size_t		 i, nb = 0, na = 0, n;

	memset(d, 'x', sizeof(d));
	memcpy(d, UTP_SYN, sizeof(UTP_SYN) - 1);	/* uTP-shaped */
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		d[rows[i].len - 1] = (uint8_t)i;
		assert_int_equal(udp_queue(a->u, rows[i].to_b ? &b->addr :
		    &a->addr, d, rows[i].len), BT_OK);
		d[rows[i].len - 1] = 'x';
	}
	/* a full batch of 64, then more after it (few bytes: the default
	 * receive buffer holds them all) */
	for (i = 0; i < MORE; i++) {
		d[499] = (uint8_t)(100 + i);
		assert_int_equal(udp_queue(a->u, &b->addr, d, 500), BT_OK);
	}
	assert_int_equal(udp_send(a->u, &b->addr, IN(KRPC_PING)), BT_OK);
	n = sizeof(rows) / sizeof(rows[0]) - 1 + MORE + 1;
	run_until(f, b, n);
	assert_int_equal(b->ngot, n);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct side	*s = rows[i].to_b ? b : a;
		size_t		 k = rows[i].to_b ? nb++ : na++;

		assert_int_equal(s->kind[k], 'u');
		assert_int_equal(s->len[k], rows[i].len);
		assert_int_equal(s->last[k], i);
	}
	for (i = 0; i < MORE; i++) {
		assert_int_equal(b->len[nb + i], 500);
		assert_int_equal(b->last[nb + i], 100 + i);
	}
	assert_int_equal(b->kind[n - 1], 'k');
	run_until(f, a, 1);
	assert_int_equal(a->ngot, na);
}

/* A datagram to a port where nothing listens: the ICMP port unreachable
 * the kernel answers with names that address (IP_RECVERR), and the
 * socket goes on working. */
static void
test_unreachable(void **state)
{
	struct fixture	*f = *state;
	struct side	*a = &f->side[0], *b = &f->side[1];
	struct caddr	 nobody;
	int		 i;

	loopback(&nobody, free_port());
	assert_int_equal(udp_send(a->u, &nobody, IN(UTP_SYN)), BT_OK);
	for (i = 0; i < 200 && a->nunreachable == 0; i++)
		assert_true(loop_run_once(f->loop, 10) >= 0);
	assert_int_equal(a->nunreachable, 1);
	assert_true(caddr_equal(&a->unreachable, &nobody));
	assert_int_equal(a->ngot, 0);
	assert_int_equal(udp_send(b->u, &a->addr, IN(KRPC_PING)), BT_OK);
	run_until(f, a, 1);
	assert_int_equal(a->ngot, 1);
	assert_int_equal(a->kind[0], 'k');
	assert_int_equal(b->nunreachable, 0);
}

/* The next datagram after one that met a closed port, sent before the
 * loop read the error: the pending port unreachable must not swallow it
 * (it was the first SYN of the next uTP dial). */
static void
test_send_after_unreachable(void **state)
{
	struct fixture	*f = *state;
	struct side	*a = &f->side[0], *b = &f->side[1];
	struct caddr	 nobody;

	loopback(&nobody, free_port());
	assert_int_equal(udp_send(a->u, &nobody, IN(UTP_SYN)), BT_OK);
	assert_int_equal(udp_send(a->u, &b->addr, IN(KRPC_PING)), BT_OK);
	run_until(f, b, 1);
	assert_int_equal(b->ngot, 1);
	assert_int_equal(b->kind[0], 'k');
}

/* 100 datagrams queued: a turn reads UDP_BATCH and says drained once;
 * the next turn reads the rest. */
static void
test_batch_is_bounded(void **state)
{
	struct fixture	*f = *state;
	struct side	*a = &f->side[0], *b = &f->side[1];
	int		 i;

	for (i = 0; i < 100; i++)
		assert_int_equal(udp_send(a->u, &b->addr, IN(UTP_SYN)), BT_OK);
	/* loopback delivers at once: the first turn sees all 100 waiting */
	assert_true(loop_run_once(f->loop, 1000) >= 1);
	assert_int_equal(b->ngot, UDP_BATCH);
	assert_int_equal(b->drained, 1);
	assert_true(loop_run_once(f->loop, 1000) >= 1);
	assert_int_equal(b->ngot, 100);
	assert_int_equal(b->drained, 2);
}

static void
test_families(void **state)
{
	struct fixture	*f = *state;
	struct caddr	 v6;
	uint8_t		 ip6[16];

	assert_true(udp_has_family(f->side[0].u, AF_INET));
	/* bound to an IPv4 address only: no IPv6 socket */
	assert_false(udp_has_family(f->side[0].u, AF_INET6));
	assert_false(udp_has_family(f->side[0].u, AF_UNIX));
	memset(ip6, 0, sizeof(ip6));
	ip6[15] = 1;
	assert_int_equal(caddr_from_bytes(ip6, 16, 6881, &v6), BT_OK);
	assert_int_equal(udp_send(f->side[0].u, &v6, IN(KRPC_PING)),
	    BT_ERR_INVALID);
	memset(&v6, 0, sizeof(v6));
	assert_int_equal(udp_send(f->side[0].u, &v6, IN(KRPC_PING)),
	    BT_ERR_INVALID);
}

/* Neither family: an error that names the port and the reason. */
static void
test_errors(void **state)
{
	struct fixture		*f = *state;
	struct udp_config	 c;
	struct udp		*u = (struct udp *)1;
	struct side		 s;
	char			 want[64];

	memset(&s, 0, sizeof(s));
	config(&c, f, &s, &f->side[0].addr);	/* its port is taken */
	assert_int_equal(udp_new(&c, &u, f->err, sizeof(f->err)),
	    BT_ERR_SYS);
	assert_null(u);
	snprintf(want, sizeof(want), "cannot use port %u (IPv4)",
	    (unsigned)f->side[0].addr.port);
	if (strstr(f->err, want) == NULL ||
	    strstr(f->err, "in use") == NULL)
		fail_msg("err: %s", f->err);
	/* --bind with no address at all */
	config(&c, f, &s, NULL);
	u = (struct udp *)1;
	assert_int_equal(udp_new(&c, &u, f->err, sizeof(f->err)),
	    BT_ERR_SYS);
	assert_null(u);
	assert_non_null(strstr(f->err, "no --bind address for IPv4"));
}

/* IPv6 alone (--bind ::1), when the host has ::1. */
static void
test_ipv6_only(void **state)
{
	struct fixture		*f = *state;
	struct udp_config	 c;
	struct side		 s6, s4;
	struct caddr		 b6;
	uint8_t			 ip6[16];
	int			 r;

	memset(&s6, 0, sizeof(s6));
	memset(&s4, 0, sizeof(s4));
	memset(ip6, 0, sizeof(ip6));
	ip6[15] = 1;
	assert_int_equal(caddr_from_bytes(ip6, 16, 0, &b6), BT_OK);
	config(&c, f, &s6, NULL);
	c.bind6 = &b6;
	r = udp_new(&c, &s6.u, f->err, sizeof(f->err));
	if (r != BT_OK) {
		printf("no ::1 here (%s): skipped\n", f->err);
		skip();
	}
	assert_false(udp_has_family(s6.u, AF_INET));
	assert_true(udp_has_family(s6.u, AF_INET6));
	assert_int_equal(udp_send(s6.u, &f->side[0].addr, IN(KRPC_PING)),
	    BT_ERR_INVALID);
	udp_free(s6.u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_each_kind_lands_right,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_queue_arrives_whole_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreachable, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_send_after_unreachable,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_is_bounded, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_families, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_only, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
