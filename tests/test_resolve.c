/* Unit tests for src/engine/resolve: numeric hosts and "localhost" (from
 * /etc/hosts) resolve, "nonexistent.invalid" fails with the resolver's
 * text, both inline and through the worker pool; a cancelled resolution
 * never calls back.  No network: RES_OPTIONS bounds a DNS server that does
 * not answer to one short try, so the invalid name fails fast. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "engine/resolve.h"
#include "engine/worker.h"
#include "ipc/err.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define WAIT_MS		10000

struct rcase {
	const char	*name, *host;
	int		 want;		/* resolve_now's return */
	int		 family;	/* of the first address; 0: any */
	int		 numeric_ok;	/* resolve_numeric accepts it */
};

static const struct rcase	cases[] = {
	{ "ipv4", "127.0.0.1", BT_OK, AF_INET, 1 },
	{ "ipv6", "::1", BT_OK, AF_INET6, 1 },
	{ "localhost", "localhost", BT_OK, 0, 0 },
	{ "invalid tld", "nonexistent.invalid", BT_ERR_NOTFOUND, 0, 0 },
	{ "empty", "", BT_ERR_NOTFOUND, 0, 0 },
};

/* The port of an IPv4 or IPv6 address, host order. */
static uint16_t
port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	assert_int_equal(ss->ss_family, AF_INET6);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* Checks one result against its case. */
static void
check(const struct rcase *c, const struct resolve_result *res)
{
	size_t	i;

	if (res->err != c->want)
		fail_msg("%s: got %d (%s), want %d", c->name, res->err,
		    res->errtext, c->want);
	if (c->want != BT_OK) {
		assert_int_equal(res->n, 0);
		assert_true(res->errtext[0] != '\0');
		return;
	}
	assert_string_equal(res->errtext, "");
	assert_true(res->n >= 1 && res->n <= RESOLVE_MAX_ADDRS);
	if (c->family != 0)
		assert_int_equal(res->addr[0].ss_family, c->family);
	for (i = 0; i < res->n; i++) {
		assert_int_equal(port_of(&res->addr[i]), 6969);
		assert_int_equal(res->len[i], res->addr[i].ss_family ==
		    AF_INET ? sizeof(struct sockaddr_in) :
		    sizeof(struct sockaddr_in6));
	}
}

static void
test_inline_table(void **state)
{
	struct resolve_result	res;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(resolve_now(cases[i].host, 6969, SOCK_DGRAM,
		    &res), cases[i].want);
		check(&cases[i], &res);
		/* resolve_numeric: the same, or "not numeric" at once. */
		if (cases[i].numeric_ok) {
			assert_int_equal(resolve_numeric(cases[i].host, 6969,
			    SOCK_DGRAM, &res), BT_OK);
			check(&cases[i], &res);
		} else
			assert_int_equal(resolve_numeric(cases[i].host, 6969,
			    SOCK_DGRAM, &res), BT_ERR_NOTFOUND);
	}
}

static void
test_too_long(void **state)
{
	struct resolve_result	res;
	struct worker_pool	*pool;
	char			host[RESOLVE_HOST_MAX + 2];
	int			dummy;

	(void)state;
	memset(host, 'a', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	assert_int_equal(resolve_now(host, 1, SOCK_STREAM, &res),
	    BT_ERR_LIMIT);
	assert_int_equal(res.n, 0);
	assert_non_null(pool = worker_pool_new(1));
	assert_int_equal(resolve_submit(pool, host, 1, SOCK_STREAM, NULL,
	    &dummy), BT_ERR_LIMIT);
	assert_int_equal(worker_pending(pool), 0);
	worker_pool_free(pool);
}

struct req {
	const struct rcase	*c;
	int			 ncalls;
	pthread_t		 tid;
	struct resolve_result	 res;
};

static void
on_resolved(void *arg, const struct resolve_result *res)
{
	struct req	*r = arg;

	r->ncalls++;
	r->tid = pthread_self();
	r->res = *res;
}

static void
drain_all(struct worker_pool *pool)
{
	struct pollfd	p = { .fd = worker_fd(pool), .events = POLLIN };

	while (worker_pending(pool) > 0) {
		if (poll(&p, 1, WAIT_MS) != 1)
			fail_msg("no resolution within %d ms", WAIT_MS);
		worker_drain(pool);
	}
}

static void
test_async_table(void **state)
{
	struct req		 reqs[NELEM(cases)];
	struct worker_pool	*pool;
	size_t			 i;

	(void)state;
	memset(reqs, 0, sizeof(reqs));
	assert_non_null(pool = worker_pool_new(2));
	for (i = 0; i < NELEM(cases); i++) {
		reqs[i].c = &cases[i];
		assert_int_equal(resolve_submit(pool, cases[i].host, 6969,
		    SOCK_DGRAM, on_resolved, &reqs[i]), BT_OK);
	}
	drain_all(pool);
	for (i = 0; i < NELEM(cases); i++) {
		assert_int_equal(reqs[i].ncalls, 1);
		assert_true(pthread_equal(reqs[i].tid, pthread_self()));
		check(&cases[i], &reqs[i].res);
	}
	worker_pool_free(pool);
}

/* Cancelled at once, or freed with the pool: no callback either way, and
 * no leak (ASan). */
static void
test_cancel_and_free(void **state)
{
	struct req		 a, b, c;
	struct worker_pool	*pool;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	assert_non_null(pool = worker_pool_new(1));
	assert_int_equal(resolve_submit(pool, "localhost", 1, SOCK_STREAM,
	    on_resolved, &a), BT_OK);
	assert_int_equal(resolve_submit(pool, "127.0.0.1", 1, SOCK_STREAM,
	    on_resolved, &b), BT_OK);
	worker_cancel_owner(pool, &a);
	drain_all(pool);
	assert_int_equal(a.ncalls, 0);
	assert_int_equal(b.ncalls, 1);
	assert_int_equal(b.res.err, BT_OK);
	assert_int_equal(resolve_submit(pool, "localhost", 1, SOCK_STREAM,
	    on_resolved, &c), BT_OK);
	worker_cancel_owner(pool, &c);
	worker_pool_free(pool);
	assert_int_equal(c.ncalls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inline_table),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_async_table),
		cmocka_unit_test(test_cancel_and_free),
	};

	/* glibc reads this at its first lookup: one 1 s try per server. */
	setenv("RES_OPTIONS", "timeout:1 attempts:1", 1);
	return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
