/*
 * resolve: host names to socket addresses without blocking the loop.
 * getaddrinfo() may wait seconds on a DNS server, so resolve_submit runs it
 * on a worker thread and hands a copied result back through worker_drain;
 * resolve_numeric and resolve_now are the synchronous forms (the first
 * never blocks: it accepts only numeric addresses).
 */
#ifndef BT_RESOLVE_H
#define BT_RESOLVE_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#define RESOLVE_MAX_ADDRS	8
#define RESOLVE_HOST_MAX	253	/* RFC 1035: a name's text form */

struct worker_pool;

/* What a resolution gave: addresses in getaddrinfo's order, or why not. */
struct resolve_result {
	int			err;	/* BT_OK or a negative enum bt_err */
	char			errtext[128];	/* "" when err == BT_OK */
	size_t			n;	/* 1..RESOLVE_MAX_ADDRS on BT_OK */
	struct sockaddr_storage	addr[RESOLVE_MAX_ADDRS];
	socklen_t		len[RESOLVE_MAX_ADDRS];
};

/* The result's callback, on the loop thread; res is valid only during the
 * call. */
typedef void	resolve_done_fn(void *arg, const struct resolve_result *res);

/*
 * Resolves host (a name, an IPv4 address, or an IPv6 address without
 * brackets) and port for socktype (SOCK_STREAM, SOCK_DGRAM), any family,
 * into *out, blocking as long as getaddrinfo does.  Returns out->err:
 * BT_OK; BT_ERR_NOTFOUND when the resolver says no (out->errtext has its
 * gai_strerror text); BT_ERR_LIMIT for a host longer than
 * RESOLVE_HOST_MAX; BT_ERR_NOMEM.  Safe on any thread.
 */
int	resolve_now(const char *host, uint16_t port, int socktype,
	    struct resolve_result *out);
/* The same for numeric hosts only: never blocks.  BT_ERR_NOTFOUND when
 * host is not a numeric address (then resolve_now or resolve_submit). */
int	resolve_numeric(const char *host, uint16_t port, int socktype,
	    struct resolve_result *out);

/*
 * Starts resolve_now on a worker thread; cb(arg, result) runs once, from
 * worker_drain.  arg is the job's owner: worker_cancel_owner(pool, arg)
 * cancels it, and then cb is never called (arg may be freed right after).
 * BT_OK, or BT_ERR_NOMEM / BT_ERR_LIMIT, and then cb is never called.
 */
int	resolve_submit(struct worker_pool *pool, const char *host,
	    uint16_t port, int socktype, resolve_done_fn *cb, void *arg);

#endif
