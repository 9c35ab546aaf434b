/*
 * test_dht: the DHT glue on the session's UDP sockets, on 127.0.0.1.  Two
 * nodes on two udp objects: a ping crosses through udp -> dht_input ->
 * dhtnode and back, the pinged node lands in the table, a malformed
 * query is counted, a node's families are its udp's, and the table
 * saved at dht_free is loaded by the next dht_new.
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
#include "engine/dht.h"
#include "engine/dhtnode.h"
#include "engine/udp.h"
#include "ipc/err.h"
#include "ipc/loop.h"
#include "sandbox.h"

struct node {
	struct udp	*u;
	struct dht	*d;
	struct caddr	 addr;
	char		 state[512];
	char		 lastlog[256];
};

struct fixture {
	struct loop	*loop;
	char		 dir[256];
	struct node	 n[2];
	char		 err[256];
};

static void
on_log(void *arg, int level, const char *line)
{
	struct node	*n = arg;

	(void)level;
	snprintf(n->lastlog, sizeof(n->lastlog), "%s", line);
}

static void
on_krpc(void *arg, const struct caddr *from, const uint8_t *p, size_t len)
{
	struct node	*n = arg;

	if (n->d != NULL)
		dht_input(n->d, from, p, len);
}

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

static int
open_udp(struct fixture *f, struct node *n)
{
	struct udp_config	c;
	int			tries;

	for (tries = 0; tries < 10; tries++) {
		assert_int_equal(caddr_from_bytes((const uint8_t *)
		    "\x7f\0\0\x01", 4, free_port(), &n->addr), BT_OK);
		memset(&c, 0, sizeof(c));
		c.loop = f->loop;
		c.port = n->addr.port;
		c.bound = 1;
		c.bind4 = &n->addr;
		c.arg = n;
		c.log = on_log;
		c.on_krpc = on_krpc;
		if (udp_new(&c, &n->u, f->err, sizeof(f->err)) == BT_OK)
			return 0;
	}
	return -1;
}

static int
open_dht(struct fixture *f, struct node *n, uint64_t seed)
{
	struct dht_config	c;

	memset(&c, 0, sizeof(c));
	c.loop = f->loop;
	c.udp = n->u;
	c.bootstrap = "";
	c.state_path = n->state;
	c.seed = seed;
	c.arg = n;
	c.log = on_log;
	return dht_new(&c, &n->d, f->err, sizeof(f->err));
}

static int
setup(void **state)
{
	struct fixture	*f;
	int		 i;

	if ((f = calloc(1, sizeof(*f))) == NULL ||
	    (f->loop = loop_new()) == NULL ||
	    sandbox_create(f->dir, sizeof(f->dir), "test_dht") != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		snprintf(f->n[i].state, sizeof(f->n[i].state), "%s/dht%d.dat",
		    f->dir, i);
		if (open_udp(f, &f->n[i]) != 0 ||
		    open_dht(f, &f->n[i], 100 + (uint64_t)i) != BT_OK)
			return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 i;

	for (i = 0; i < 2; i++) {
		dht_free(f->n[i].d);
		udp_free(f->n[i].u);
	}
	loop_free(f->loop);
	sandbox_remove(f->dir);
	free(f);
	return 0;
}

static void
stats(const struct node *n, struct dhtnode_stats *st)
{
	dht_stats(n->d, st);
}

/* Loop turns until node a has a good node (at most 3 s). */
static void
run_until_good(struct fixture *f, const struct node *a)
{
	struct dhtnode_stats	st;
	int			i;

	for (i = 0; i < 300; i++) {
		stats(a, &st);
		if (st.good4 > 0)
			return;
		assert_true(loop_run_once(f->loop, 10) >= 0);
	}
	fail_msg("no answer to the ping");
}

static void
test_ping_through_udp(void **state)
{
	struct fixture		*f = *state;
	struct dhtnode_stats	 a, b;

	dht_add_node(f->n[0].d, &f->n[1].addr);
	run_until_good(f, &f->n[0]);
	stats(&f->n[0], &a);
	stats(&f->n[1], &b);
	assert_int_equal(a.good4, 1);
	assert_true(a.responses_in >= 1);
	assert_true(b.queries_in >= 1);
	/* no IPv6 socket (bound to 127.0.0.1): no IPv6 node either */
	assert_int_equal(a.good6 + a.questionable6, 0);
}

/* A query that is not KRPC enough is counted as bad, not answered as a
 * good one; a datagram the demux calls junk never reaches the dht. */
static void
test_bad_input(void **state)
{
	struct fixture		*f = *state;
	struct dhtnode_stats	 before, after;
	int			 i;
	static const uint8_t	 bad[] = "d1:q4:ping1:y1:qe";	/* no tid */

	stats(&f->n[1], &before);
	assert_int_equal(udp_send(f->n[0].u, &f->n[1].addr, bad,
	    sizeof(bad) - 1), BT_OK);
	assert_int_equal(udp_send(f->n[0].u, &f->n[1].addr,
	    (const uint8_t *)"xyz", 3), BT_OK);
	for (i = 0; i < 20; i++)
		assert_true(loop_run_once(f->loop, 10) >= 0);
	stats(&f->n[1], &after);
	assert_int_equal(after.dropped_bad, before.dropped_bad + 1);
	assert_int_equal(after.queries_in, before.queries_in);
}

/* The table goes to disk at dht_free and comes back at dht_new. */
static void
test_save_and_load(void **state)
{
	struct fixture		*f = *state;
	struct dhtnode_stats	 st;

	dht_add_node(f->n[0].d, &f->n[1].addr);
	run_until_good(f, &f->n[0]);
	dht_free(f->n[0].d);
	f->n[0].d = NULL;
	assert_int_equal(access(f->n[0].state, R_OK), 0);
	f->n[0].lastlog[0] = '\0';
	assert_int_equal(open_dht(f, &f->n[0], 100), BT_OK);
	if (strstr(f->n[0].lastlog, "DHT: 1 nodes from the last run") == NULL)
		fail_msg("log: %s", f->n[0].lastlog);
	stats(&f->n[0], &st);
	assert_int_equal(st.good4 + st.questionable4, 1);
}

static void
test_no_family(void **state)
{
	struct fixture		*f = *state;
	struct dht_config	 c;
	struct dht		*d = (struct dht *)1;
	struct udp_config	 uc;
	struct udp		*u;
	struct caddr		 b6;
	uint8_t			 ip6[16];

	/* a dht on an IPv6-only udp speaks IPv6 only */
	memset(ip6, 0, sizeof(ip6));
	ip6[15] = 1;
	assert_int_equal(caddr_from_bytes(ip6, 16, 0, &b6), BT_OK);
	memset(&uc, 0, sizeof(uc));
	uc.loop = f->loop;
	uc.bound = 1;
	uc.bind6 = &b6;
	if (udp_new(&uc, &u, f->err, sizeof(f->err)) != BT_OK) {
		printf("no ::1 here (%s): skipped\n", f->err);
		skip();
	}
	memset(&c, 0, sizeof(c));
	c.loop = f->loop;
	c.udp = u;
	c.bootstrap = "";
	assert_int_equal(dht_new(&c, &d, f->err, sizeof(f->err)), BT_OK);
	/* an IPv4 node is refused: that family is off */
	dht_add_node(d, &f->n[1].addr);
	{
		struct dhtnode_stats	st;

		dht_stats(d, &st);
		assert_int_equal(st.queries_out, 0);
	}
	dht_free(d);
	udp_free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ping_through_udp, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_save_and_load, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_no_family, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
