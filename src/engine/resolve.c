/*
 * Name resolution; see resolve.h.  A submitted job owns a copy of the host
 * and the whole result, so its thread touches nothing else; the job is
 * freed in its done(), after the callback (if not cancelled).
 */
#include "resolve.h"

#include <netdb.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "worker.h"

struct resolve_job {
	struct worker_job	 job;	/* first: the pool hands it back */
	char			 host[RESOLVE_HOST_MAX + 1];
	uint16_t		 port;
	int			 socktype;
	resolve_done_fn		*cb;
	void			*arg;
	struct resolve_result	 res;
};

static void
result_fail(struct resolve_result *out, int err, const char *text)
{
	out->err = err;
	out->n = 0;
	snprintf(out->errtext, sizeof(out->errtext), "%s", text);
}

static int
lookup(const char *host, uint16_t port, int socktype, int flags,
    struct resolve_result *out)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 serv[8];
	int		 gr;

	memset(out, 0, sizeof(*out));
	if (strlen(host) > RESOLVE_HOST_MAX) {
		result_fail(out, BT_ERR_LIMIT, "host name is too long");
		return out->err;
	}
	snprintf(serv, sizeof(serv), "%u", (unsigned)port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = socktype;
	hints.ai_flags = AI_NUMERICSERV | flags;
	if ((gr = getaddrinfo(host, serv, &hints, &res)) != 0) {
		/* glibc's strerror is thread-safe (a per-thread buffer for
		 * unknown numbers), and so is gai_strerror (static texts). */
		result_fail(out, gr == EAI_MEMORY ? BT_ERR_NOMEM :
		    BT_ERR_NOTFOUND, gr == EAI_SYSTEM ? strerror(errno) :
		    gai_strerror(gr));
		return out->err;
	}
	for (ai = res; ai != NULL && out->n < RESOLVE_MAX_ADDRS;
	    ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(out->addr[0]))
			continue;
		memcpy(&out->addr[out->n], ai->ai_addr, ai->ai_addrlen);
		out->len[out->n++] = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	if (out->n == 0)
		result_fail(out, BT_ERR_NOTFOUND, "no usable address");
	return out->err;
}

int
resolve_now(const char *host, uint16_t port, int socktype,
    struct resolve_result *out)
{
	return lookup(host, port, socktype, 0, out);
}

int
resolve_numeric(const char *host, uint16_t port, int socktype,
    struct resolve_result *out)
{
	return lookup(host, port, socktype, AI_NUMERICHOST, out);
}

static void
job_work(struct worker_job *job)
{
	struct resolve_job	*rj = (struct resolve_job *)job;

	resolve_now(rj->host, rj->port, rj->socktype, &rj->res);
}

static void
job_done(struct worker_job *job, int cancelled)
{
	struct resolve_job	*rj = (struct resolve_job *)job;

	if (!cancelled)
		rj->cb(rj->arg, &rj->res);
	free(rj);
}

int
resolve_submit(struct worker_pool *pool, const char *host, uint16_t port,
    int socktype, resolve_done_fn *cb, void *arg)
{
	struct resolve_job	*rj;
	size_t			 n = strlen(host);
	int			 r;

	if (n > RESOLVE_HOST_MAX)
		return BT_ERR_LIMIT;
	if ((rj = calloc(1, sizeof(*rj))) == NULL)
		return BT_ERR_NOMEM;
	memcpy(rj->host, host, n + 1);
	rj->port = port;
	rj->socktype = socktype;
	rj->cb = cb;
	rj->arg = arg;
	rj->job.work = job_work;
	rj->job.done = job_done;
	rj->job.owner = arg;
	if ((r = worker_submit(pool, &rj->job)) != BT_OK)
		free(rj);
	return r;
}
