/*
 * tracker_udp: one announce over UDP (BEP 15): the host resolved (numeric
 * at once, else inline or on the worker pool), a connected non-blocking
 * socket, connect then announce with a connection id kept a minute,
 * retransmission after 15 * 2^n s, and the reply or the reason it failed
 * handed back to tracker.c.  Only tracker.c calls in (tracker_impl.h).
 */
#include "tracker_impl.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "resolve.h"
#include "rng.h"

#define UDP_TIMEOUT_MS		15000	/* BEP 15: 15 * 2^n seconds */
#define UDP_MAX_TRIES		3	/* waits of 15, 30, 60 s, then next */
#define UDP_CONN_TTL_MS		60000	/* BEP 15: a connection id lasts 1 min */
/* A name that takes longer fails the URL; the thread may stay stuck in
 * getaddrinfo, but the round goes on. */
#define UDP_RESOLVE_TIMEOUT_MS	15000
#define UDP_READS_PER_TURN	8

/* "udp://host:port[/...]" or "udp://[v6]:port[/...]" into host and port. */
int
tracker_udp_split(const char *url, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char	*p = url + 6, *hend, *q;
	size_t		 hn, pn;

	if (*p == '[') {
		if ((hend = strchr(++p, ']')) == NULL)
			return BT_ERR_FORMAT;
		q = hend + 1;
	} else {
		hend = p + strcspn(p, ":/?");
		q = hend;
	}
	hn = (size_t)(hend - p);
	if (*q != ':' || hn == 0 || hn >= hostlen)
		return BT_ERR_FORMAT;
	q++;
	pn = strspn(q, "0123456789");
	if (pn == 0 || pn >= portlen || pn > 5 ||
	    (q[pn] != '\0' && q[pn] != '/' && q[pn] != '?'))
		return BT_ERR_FORMAT;
	memcpy(host, p, hn);
	host[hn] = '\0';
	memcpy(port, q, pn);
	port[pn] = '\0';
	if (strtoul(port, NULL, 10) == 0 || strtoul(port, NULL, 10) > 65535)
		return BT_ERR_FORMAT;
	return BT_OK;
}

/* Opens and connects a non-blocking UDP socket to the first address. */
static int
udp_open(struct tracker *t, const struct resolve_result *res, char *err,
    size_t errlen)
{
	const struct sockaddr_storage	*ss = &res->addr[0];
	int				 fd, saved;

	fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd >= FD_SETSIZE) {
		close(fd);
		fd = -1;
		errno = EMFILE;
	}
	if (fd < 0 || tracker_bind_source(t, fd, ss->ss_family) != 0 ||
	    connect(fd, (const struct sockaddr *)ss, res->len[0]) != 0) {
		saved = errno;
		snprintf(err, errlen, "cannot open a UDP socket: %s",
		    strerror(saved));
		if (fd >= 0)
			close(fd);
		return BT_ERR_SYS;
	}
	t->fd = fd;
	t->family = ss->ss_family;
	return BT_OK;
}

/* Sends the request of the current state (connect or announce); a lost
 * datagram is left to the retransmission timer. */
static int
udp_send(struct tracker *t, uint64_t now, char *err, size_t errlen)
{
	struct tracker_announce	a;
	struct bbuf		b;
	uint8_t			pkt[128];
	int			r;

	bbuf_init(&b, sizeof(pkt));
	if (t->state == ATT_UDP_CONNECT)
		r = tracker_udp_put_connect(&b, t->tid);
	else {
		tracker_fill_announce(t, &a);
		r = tracker_udp_put_announce(&b, tracker_cur_url(t)->conn_id,
		    t->tid, &a);
	}
	if (r == BT_OK && send(t->fd, bbuf_ptr(&b), bbuf_len(&b), 0) < 0 &&
	    errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
		snprintf(err, errlen, "send: %s", strerror(errno));
		r = BT_ERR_SYS;
	} else if (r != BT_OK)
		snprintf(err, errlen, "cannot encode: %s", bt_strerror(r));
	bbuf_cleanup(&b);
	t->deadline_ms = now + ((uint64_t)UDP_TIMEOUT_MS << t->tries);
	return r;
}

/* A new request (fresh transaction id, retransmission count 0). */
static int
udp_request(struct tracker *t, int state, uint64_t now, char *err,
    size_t errlen)
{
	t->state = state;
	t->tid = (uint32_t)rng_next(&t->rng);
	t->tries = 0;
	return udp_send(t, now, err, errlen);
}

static int
udp_conn_valid(const struct turl *u, uint64_t now)
{
	return u->has_conn && now - u->conn_ms < UDP_CONN_TTL_MS;
}

/* The address is known: open the socket, send connect (or announce with
 * a connection id still valid). */
static int
udp_begin(struct tracker *t, struct turl *u, uint64_t now, char *err,
    size_t errlen)
{
	int	r;

	if ((r = udp_open(t, &t->resolved, err, errlen)) != BT_OK)
		return r;
	if (udp_conn_valid(u, now))
		r = udp_request(t, ATT_UDP_ANNOUNCE, now, err, errlen);
	else
		r = udp_request(t, ATT_UDP_CONNECT, now, err, errlen);
	if (r != BT_OK)
		tracker_attempt_close(t);
	return r;
}

/* From worker_drain, outside tracker_perform: only note the result, so
 * that the callbacks still run from tracker_perform alone. */
static void
udp_on_resolved(void *arg, const struct resolve_result *res)
{
	struct tracker	*t = arg;

	if (t->state != ATT_UDP_RESOLVE)
		return;		/* cannot happen: leaving the state cancels */
	t->resolved = *res;
	t->resolved_ready = 1;
}

static int
resolve_error(const char *host, const struct resolve_result *res, char *err,
    size_t errlen)
{
	snprintf(err, errlen, "cannot resolve %.64s: %s", host, res->errtext);
	return res->err;
}

/* Numeric addresses at once; names inline without a pool, or on a worker
 * thread (the attempt then waits in ATT_UDP_RESOLVE). */
int
tracker_udp_start(struct tracker *t, struct turl *u, uint64_t now, char *err,
    size_t errlen)
{
	char		host[256], port[8];
	uint16_t	pn;
	int		r;

	if (tracker_udp_split(u->url, host, sizeof(host), port, sizeof(port)) !=
	    BT_OK) {
		snprintf(err, errlen, "%s", UDP_URL_ERROR);
		return BT_ERR_FORMAT;
	}
	pn = (uint16_t)strtoul(port, NULL, 10);	/* 1..65535: checked */
	if (resolve_numeric(host, pn, SOCK_DGRAM, &t->resolved) == BT_OK)
		return udp_begin(t, u, now, err, errlen);
	if (t->pool == NULL) {
		if (resolve_now(host, pn, SOCK_DGRAM, &t->resolved) != BT_OK)
			return resolve_error(host, &t->resolved, err, errlen);
		return udp_begin(t, u, now, err, errlen);
	}
	if ((r = resolve_submit(t->pool, host, pn, SOCK_DGRAM,
	    udp_on_resolved, t)) != BT_OK) {
		snprintf(err, errlen, "cannot resolve %.64s: %s", host,
		    bt_strerror(r));
		return r;
	}
	t->state = ATT_UDP_RESOLVE;
	t->resolved_ready = 0;
	t->deadline_ms = now + UDP_RESOLVE_TIMEOUT_MS;
	return BT_OK;
}

/* The worker's answer arrived, or the wait is over. */
void
tracker_udp_check_resolved(struct tracker *t, uint64_t now)
{
	struct turl	*u = tracker_cur_url(t);
	char		 host[256], port[8], why[REASON_LEN];

	if (!t->resolved_ready && now < t->deadline_ms)
		return;
	if (tracker_udp_split(u->url, host, sizeof(host), port, sizeof(port)) !=
	    BT_OK)
		host[0] = '\0';	/* checked when the attempt started */
	if (!t->resolved_ready) {
		snprintf(why, sizeof(why), "cannot resolve %.64s: timed out",
		    host);
		tracker_attempt_failed(t, now, why);
		return;
	}
	t->resolved_ready = 0;
	t->state = ATT_NONE;	/* nothing in the pool any more */
	if (t->resolved.err != BT_OK) {
		resolve_error(host, &t->resolved, why, sizeof(why));
		tracker_attempt_failed(t, now, why);
	} else if (udp_begin(t, u, now, why, sizeof(why)) != BT_OK)
		tracker_attempt_failed(t, now, why);
}

static void
udp_on_reply(struct tracker *t, const struct tracker_udp_reply *rep,
    uint64_t now)
{
	struct turl	*u = tracker_cur_url(t);
	struct outcome	 o;
	char		 why[REASON_LEN];

	if (rep->action == TRACKER_UDP_ERROR) {
		snprintf(why, sizeof(why), "error: %s", rep->message);
		tracker_attempt_failed(t, now, why);
	} else if (rep->action == TRACKER_UDP_CONNECT &&
	    t->state == ATT_UDP_CONNECT) {
		u->has_conn = 1;
		u->conn_id = rep->conn_id;
		u->conn_ms = now;
		if (udp_request(t, ATT_UDP_ANNOUNCE, now, why, sizeof(why)) !=
		    BT_OK)
			tracker_attempt_failed(t, now, why);
	} else if (rep->action == TRACKER_UDP_ANNOUNCE &&
	    t->state == ATT_UDP_ANNOUNCE) {
		memset(&o, 0, sizeof(o));
		o.interval = rep->interval;
		o.min_interval = -1;
		o.seeders = rep->seeders;
		o.leechers = rep->leechers;
		o.peers = rep->peers;
		o.npeers = rep->npeers;
		tracker_attempt_ok(t, now, &o);
	}
}

/* Whether a datagram that did not parse carries our transaction id. */
static int
udp_is_ours(const struct tracker *t, const uint8_t *pkt, size_t n)
{
	struct bbuf	b;
	uint32_t	tid;

	bbuf_view(&b, pkt, n);
	return bbuf_peek_u32be(&b, 4, &tid) == BT_OK && tid == t->tid;
}

/* Reads what arrived; stale or foreign datagrams are dropped. */
void
tracker_udp_read(struct tracker *t, uint64_t now)
{
	/* on the stack, not in struct tracker: 64 KiB per torrent was
	 * half the engine's heap with 200 torrents (`make bench`, case 5) */
	uint8_t				pkt[TRACKER_UDP_MAX_PKT];
	struct tracker_udp_reply	rep;
	ssize_t				n;
	int				i;
	char				why[128];

	for (i = 0; i < UDP_READS_PER_TURN; i++) {
		n = recv(t->fd, pkt, sizeof(pkt), 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return;
		if (n < 0) {
			/* ECONNREFUSED: an ICMP port unreachable came back. */
			tracker_text_set(why, sizeof(why), strerror(errno));
			tracker_attempt_failed(t, now, why);
			return;
		}
		if (tracker_udp_parse(pkt, (size_t)n, t->tid, t->family,
		    &rep) != BT_OK) {
			if (!udp_is_ours(t, pkt, (size_t)n))
				continue;	/* stale or foreign */
			/* opentracker answers an announce for a torrent
			 * not on its whitelist with a bare 8-byte header:
			 * fail now rather than retransmit for minutes, and
			 * say what it means (BEP 15 error replies, action
			 * 3, parse, and say their own message). */
			if (n == 8)
				snprintf(why, sizeof(why), "announce refused: "
				    "an empty reply (the tracker does not "
				    "serve this torrent)");
			else
				snprintf(why, sizeof(why), "malformed reply "
				    "(%zd bytes)", n);
			tracker_attempt_failed(t, now, why);
			return;
		}
		/* The reply may end the attempt (and start another): stop. */
		udp_on_reply(t, &rep, now);
		tracker_udp_reply_cleanup(&rep);
		return;
	}
}

/* BEP 15 retransmission: after 15 * 2^n s, with a fresh connect once the
 * connection id is older than a minute; after UDP_MAX_TRIES, give up. */
void
tracker_udp_check_timeout(struct tracker *t, uint64_t now)
{
	struct turl	*u = tracker_cur_url(t);
	char		 why[128];

	if (now < t->deadline_ms)
		return;
	if (++t->tries >= UDP_MAX_TRIES) {
		tracker_attempt_failed(t, now, "timed out");
		return;
	}
	if (t->state == ATT_UDP_ANNOUNCE && !udp_conn_valid(u, now)) {
		u->has_conn = 0;
		t->state = ATT_UDP_CONNECT;
		t->tid = (uint32_t)rng_next(&t->rng);
	}
	if (udp_send(t, now, why, sizeof(why)) != BT_OK)
		tracker_attempt_failed(t, now, why);
}
