/*
 * dht: the session's DHT node on the network (see dht.h).
 */
#include "engine/dht.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "engine/atomicfile.h"
#include "engine/dhtnode.h"
#include "engine/krpc.h"
#include "engine/resolve.h"
#include "engine/rng.h"
#include "engine/udp.h"
#include "engine/worker.h"

#define TICK_MS		1000
#define HOST_MAX	256

struct scheduled {		/* a torrent's lookups */
	uint8_t		ih[20];
	uint64_t	last_ms;	/* 0: never */
};

struct pending {		/* a bootstrap name being resolved */
	struct dht	*d;
	char		 name[HOST_MAX];
};

struct dht {
	struct dht_config	 cfg;
	char			 bootstrap[4096];
	char			 state_path[4096];
	struct dhtnode		*node;
	struct krpc_msg		*msg;		/* dht_input's, reused */
	uint64_t		 tick_timer, save_timer;
	struct scheduled	*sched;
	size_t			 nsched;
	struct pending		**pend;
	size_t			 npend;
	uint64_t		 rng;
};

static void
dlog(struct dht *d, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
dlog(struct dht *d, int level, const char *fmt, ...)
{
	char	line[256];
	va_list	ap;

	if (d->cfg.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	d->cfg.log(d->cfg.arg, level, line);
}

static uint64_t
now(const struct dht *d)
{
	return loop_now_ms(d->cfg.loop);
}

/* ---- the network ---- */

static int
node_send(void *arg, const struct caddr *to, const struct krpc_msg *m)
{
	struct dht	*d = arg;
	struct bbuf	 out;
	int		 r;

	bbuf_init(&out, KRPC_MAX_DATAGRAM);
	if (krpc_encode(m, &out) != BT_OK) {
		bbuf_cleanup(&out);
		return BT_ERR_INVALID;
	}
	r = udp_send(d->cfg.udp, to, bbuf_ptr(&out), bbuf_len(&out));
	bbuf_cleanup(&out);
	return r;
}

static void
node_peers(void *arg, const uint8_t ih[20], const struct caddr *peers,
    size_t n)
{
	struct dht	*d = arg;

	if (d->cfg.peers != NULL)
		d->cfg.peers(d->cfg.arg, ih, peers, n);
}

void
dht_input(struct dht *d, const struct caddr *from, const uint8_t *p,
    size_t n)
{
	if (krpc_decode(p, n, d->msg, NULL, 0) == BT_OK)
		(void)dhtnode_input(d->node, from, d->msg, now(d));
	else
		dhtnode_input_bad(d->node, from, d->msg, now(d));
}

/* ---- bootstrap ---- */

static void
pending_drop(struct dht *d, struct pending *p)
{
	size_t	i;

	for (i = 0; i < d->npend; i++)
		if (d->pend[i] == p) {
			d->pend[i] = d->pend[--d->npend];
			break;
		}
	free(p);
}

static void
add_resolved(struct dht *d, const char *name,
    const struct resolve_result *res)
{
	struct caddr	a;
	size_t		i;

	if (res->err != BT_OK)
		dlog(d, MSG_LOG_WARN, "DHT bootstrap %s: %s", name,
		    res->errtext[0] != '\0' ? res->errtext :
		    bt_strerror(res->err));
	for (i = 0; res->err == BT_OK && i < res->n; i++)
		if (caddr_from_sockaddr(&res->addr[i], res->len[i], &a) ==
		    BT_OK)
			(void)dhtnode_add_bootstrap(d->node, &a);
}

static void
on_resolved(void *arg, const struct resolve_result *res)
{
	struct pending	*p = arg;

	add_resolved(p->d, p->name, res);
	pending_drop(p->d, p);
}

/* "HOST:PORT" or "[V6]:PORT" into host and port; BT_ERR_FORMAT. */
static int
split_host_port(const char *s, size_t n, char *host, uint16_t *port)
{
	const char	*colon = NULL, *h = s, *end = s + n;
	size_t		 hlen;
	unsigned long	 v = 0;
	const char	*q;

	for (q = s; q < end; q++)
		if (*q == ':')
			colon = q;
	if (colon == NULL || colon + 1 == end)
		return BT_ERR_FORMAT;
	for (q = colon + 1; q < end; q++) {
		if (*q < '0' || *q > '9' || (v = v * 10 + (unsigned long)(*q -
		    '0')) > 65535)
			return BT_ERR_FORMAT;
	}
	hlen = (size_t)(colon - h);
	if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= HOST_MAX || v == 0)
		return BT_ERR_FORMAT;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	*port = (uint16_t)v;
	return BT_OK;
}

static void
bootstrap_one(struct dht *d, const char *s, size_t n)
{
	struct resolve_result	 res;
	struct pending		*p, **np;
	char			 host[HOST_MAX];
	uint16_t		 port;

	if (split_host_port(s, n, host, &port) != BT_OK) {
		dlog(d, MSG_LOG_WARN, "DHT bootstrap %.*s: not HOST:PORT",
		    (int)(n > 80 ? 80 : n), s);
		return;
	}
	if (resolve_numeric(host, port, SOCK_DGRAM, &res) == BT_OK) {
		add_resolved(d, host, &res);
		return;
	}
	if (d->cfg.resolvers == NULL ||
	    (p = calloc(1, sizeof(*p))) == NULL)
		return;
	p->d = d;
	snprintf(p->name, sizeof(p->name), "%s", host);
	if ((np = realloc(d->pend, (d->npend + 1) * sizeof(*np))) == NULL ||
	    (d->pend = np, resolve_submit(d->cfg.resolvers, host, port,
	    SOCK_DGRAM, on_resolved, p) != BT_OK)) {
		free(p);
		return;
	}
	d->pend[d->npend++] = p;
}

static void
bootstrap(struct dht *d)
{
	const char	*s = d->bootstrap, *comma;

	while (*s != '\0') {
		comma = strchr(s, ',');
		if (comma == NULL)
			comma = s + strlen(s);
		if (comma > s)
			bootstrap_one(d, s, (size_t)(comma - s));
		s = *comma == ',' ? comma + 1 : comma;
	}
}

/* ---- the node table on disk ---- */

static void
load_state(struct dht *d)
{
	uint8_t		buf[DHTNODE_SAVE_MAX + 1];
	size_t		added = 0;
	ssize_t		n;
	int		fd;

	if (d->state_path[0] == '\0' ||
	    (fd = open(d->state_path, O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return;
	if (dhtnode_load(d->node, buf, (size_t)n, now(d), &added) != BT_OK)
		dlog(d, MSG_LOG_WARN, "DHT: %s is not a node table: ignored",
		    d->state_path);
	else
		dlog(d, MSG_LOG_INFO, "DHT: %zu nodes from the last run",
		    added);
}

static void
save_state(struct dht *d)
{
	struct bbuf	out;

	if (d->state_path[0] == '\0')
		return;
	bbuf_init(&out, DHTNODE_SAVE_MAX);
	if (dhtnode_save(d->node, now(d), &out) == BT_OK &&
	    atomicfile_write(d->state_path, bbuf_ptr(&out), bbuf_len(&out),
	    ATOMICFILE_REPLACE) != BT_OK)
		dlog(d, MSG_LOG_WARN, "DHT: cannot save %s: %s", d->state_path,
		    strerror(errno));
	bbuf_cleanup(&out);
}

/* ---- timers ---- */

static int64_t
on_tick(void *arg, uint64_t now_ms)
{
	struct dht	*d = arg;

	dhtnode_tick(d->node, now_ms);
	return TICK_MS;
}

static int64_t
on_save(void *arg, uint64_t now_ms)
{
	(void)now_ms;
	save_state(arg);
	return DHT_SAVE_MS;
}

/* ---- the contract ---- */

int
dht_new(const struct dht_config *cfg, struct dht **out, char *err,
    size_t errlen)
{
	struct dhtnode_config	 nc;
	struct dht		*d;
	size_t			 i;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return BT_ERR_NOMEM;
	}
	d->cfg = *cfg;
	d->rng = cfg->seed;
	snprintf(d->bootstrap, sizeof(d->bootstrap), "%s",
	    cfg->bootstrap != NULL ? cfg->bootstrap : "");
	snprintf(d->state_path, sizeof(d->state_path), "%s",
	    cfg->state_path != NULL ? cfg->state_path : "");
	d->cfg.bootstrap = d->bootstrap;
	d->cfg.state_path = d->state_path;
	memset(&nc, 0, sizeof(nc));
	for (i = 0; i < 20; i += 8) {
		uint64_t r = rng_next(&d->rng);

		memcpy(nc.id + i, &r, 20 - i < 8 ? 20 - i : 8);
	}
	nc.seed = rng_next(&d->rng);
	memcpy(nc.client, "BT\x01\x00", 4);
	nc.client_len = 4;
	nc.send = node_send;
	nc.peers = node_peers;
	nc.arg = d;
	nc.families = (udp_has_family(cfg->udp, AF_INET) ? DHTNODE_IPV4 : 0) |
	    (udp_has_family(cfg->udp, AF_INET6) ? DHTNODE_IPV6 : 0);
	if (nc.families == 0) {
		snprintf(err, errlen, "DHT: no UDP socket");
		dht_free(d);
		return BT_ERR_INVALID;
	}
	if ((d->msg = malloc(sizeof(*d->msg))) == NULL ||
	    (d->node = dhtnode_new(&nc, now(d))) == NULL) {
		snprintf(err, errlen, "out of memory");
		dht_free(d);
		return BT_ERR_NOMEM;
	}
	load_state(d);
	bootstrap(d);
	d->tick_timer = loop_timer_add(cfg->loop, 0, on_tick, d);
	d->save_timer = loop_timer_add(cfg->loop, DHT_SAVE_MS, on_save, d);
	*out = d;
	return BT_OK;
}

void
dht_free(struct dht *d)
{
	size_t	i;

	if (d == NULL)
		return;
	if (d->node != NULL)
		save_state(d);
	if (d->cfg.resolvers != NULL)
		for (i = 0; i < d->npend; i++)
			worker_cancel_owner(d->cfg.resolvers, d->pend[i]);
	for (i = 0; i < d->npend; i++)
		free(d->pend[i]);
	free(d->pend);
	loop_timer_del(d->cfg.loop, d->tick_timer);
	loop_timer_del(d->cfg.loop, d->save_timer);
	dhtnode_free(d->node);
	free(d->msg);
	free(d->sched);
	free(d);
}

static struct scheduled *
sched_find(struct dht *d, const uint8_t ih[20])
{
	struct scheduled	*n;
	size_t			 i;

	for (i = 0; i < d->nsched; i++)
		if (memcmp(d->sched[i].ih, ih, 20) == 0)
			return &d->sched[i];
	if (d->nsched >= DHT_MAX_TORRENTS ||
	    (n = realloc(d->sched, (d->nsched + 1) * sizeof(*n))) == NULL)
		return NULL;
	d->sched = n;
	memset(&n[d->nsched], 0, sizeof(*n));
	memcpy(n[d->nsched].ih, ih, 20);
	return &n[d->nsched++];
}

void
dht_want_peers(struct dht *d, const uint8_t info_hash[20],
    uint16_t announce_port, int hungry)
{
	struct dhtnode_stats	 st;
	struct scheduled	*s;
	uint64_t		 t;

	/* Every torrent asks every tick: the cheap checks first, the
	 * routing table's counts only when a lookup is due. */
	if (d == NULL || (s = sched_find(d, info_hash)) == NULL)
		return;
	t = now(d);
	if (s->last_ms != 0 && t - s->last_ms < (hungry ?
	    DHT_LOOKUP_HUNGRY_MS : DHT_LOOKUP_MS))
		return;
	if (dhtnode_lookup_active(d->node, info_hash))
		return;
	/* Before the bootstrap found anyone a lookup would end at once and
	 * then wait its interval: wait for nodes instead. */
	dhtnode_stats(d->node, t, &st);
	if (st.good4 + st.good6 + st.questionable4 + st.questionable6 == 0)
		return;
	if (dhtnode_get_peers(d->node, info_hash, announce_port, t) == BT_OK)
		s->last_ms = t;
}

void
dht_add_node(struct dht *d, const struct caddr *addr)
{
	if (d != NULL)
		(void)dhtnode_ping(d->node, addr, now(d));
}

void
dht_add_bootstrap(struct dht *d, const char *host_port)
{
	if (d != NULL)
		bootstrap_one(d, host_port, strlen(host_port));
}

void
dht_stats(const struct dht *d, struct dhtnode_stats *out)
{
	if (d == NULL) {
		memset(out, 0, sizeof(*out));
		return;
	}
	dhtnode_stats(d->node, loop_now_ms(d->cfg.loop), out);
}
