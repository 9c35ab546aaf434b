/*
 * session_udp: the session's side of UDP: its sockets on the listen port
 * (udp.h), the DHT node that speaks through them (dht.h) with the torrent
 * env's DHT callbacks, and the table of uTP connections (utpmux.h) with
 * its timers.  The sockets exist while either protocol that uses them is
 * on; each protocol is NULL in struct session when it is off or could
 * not start, and torrents do as they did without it.
 */
#include "engine/session_impl.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "engine/caddr.h"
#include "engine/dht.h"
#include "engine/dhtnode.h"
#include "engine/rng.h"
#include "engine/sessiondir.h"
#include "engine/udp.h"
#include "engine/utpmux.h"

static void
on_log(void *arg, int level, const char *line)
{
	session_log(arg, MSG_TORRENT_NONE, level, "%s", line);
}

/* ---- the DHT ---- */

static void
dht_on_peers(void *arg, const uint8_t ih[20], const struct caddr *peers,
    size_t n)
{
	struct torrent	*t = session_torrent_by_hash(arg, ih);

	if (t != NULL)
		torrent_add_dht_peers(t, peers, n);
}

static void
env_dht_want(void *arg, const uint8_t ih[20], int hungry)
{
	struct session	*s = arg;

	dht_want_peers(s->dht, ih, s->env.port, hungry);
}

static void
env_dht_node(void *arg, const struct peer_addr *a)
{
	struct session	*s = arg;
	struct caddr	 c;

	if (caddr_from_sockaddr(&a->ss, a->len, &c) == BT_OK)
		dht_add_node(s->dht, &c);
}

static void
env_dht_bootstrap(void *arg, const char *host_port)
{
	struct session	*s = arg;

	dht_add_bootstrap(s->dht, host_port);
}

static void
env_dht_health(void *arg, size_t *nodes, size_t *lookups)
{
	struct session		*s = arg;
	struct dhtnode_stats	 st;

	dht_stats(s->dht, &st);
	*nodes = st.good4 + st.good6 + st.questionable4 + st.questionable6;
	*lookups = st.lookups_running + st.lookups_queued;
}

/* The DHT node on the session's UDP sockets, its table in DIR/dht.dat.
 * Without it (--no-dht, or no UDP socket) torrents do as before. */
static void
start_dht(struct session *s)
{
	struct dht_config	c;
	char			state[SESSIONDIR_PATH_MAX + 16], err[256];
	const char		*env = getenv("BTTUI_DHT_BOOTSTRAP");

	if (!s->cfg->dht || s->udp == NULL)
		return;
	memset(&c, 0, sizeof(c));
	c.loop = s->loop;
	c.resolvers = s->resolvers;
	c.udp = s->udp;
	c.bootstrap = s->cfg->dht_bootstrap != NULL ? s->cfg->dht_bootstrap :
	    env != NULL ? env : DHT_DEFAULT_BOOTSTRAP;
	snprintf(state, sizeof(state), "%s/dht.dat", sessiondir_path(s->sd));
	c.state_path = state;
	c.seed = rng_next(&s->env.rng);
	c.arg = s;
	c.log = on_log;
	c.peers = dht_on_peers;
	if (dht_new(&c, &s->dht, err, sizeof(err)) != BT_OK) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "%s: no DHT",
		    err);
		return;
	}
	s->env.dht_want = env_dht_want;
	s->env.dht_node = env_dht_node;
	s->env.dht_health = env_dht_health;
	s->env.dht_bootstrap = env_dht_bootstrap;
}

/* ---- uTP ---- */

/* An incoming uTP connection: listen.c takes it, as it takes a TCP
 * connection, until its handshake names the torrent. */
int
session_utp_accept(void *arg, struct utp *u, const struct caddr *from)
{
	return listen_accept_utp(arg, u, from);
}

static void
utp_send(void *arg, const struct caddr *to, const uint8_t *p, size_t n)
{
	struct session	*s = arg;

	/* a burst of packets to one peer goes out as one send; a datagram
	 * the kernel refuses is lost: uTP sends it again */
	(void)udp_queue(s->udp, to, p, n);
}

/* The connections' timers as a loop source: the loop's own timers count
 * milliseconds on a clock a test may replace, uTP counts microseconds. */
static int64_t
utp_timeout_ms(void *arg, uint64_t now_ms)
{
	uint64_t	d = utpmux_deadline_us(arg), now;

	(void)now_ms;
	if (d == UINT64_MAX)
		return -1;
	now = loop_clock_us();
	return d <= now ? 0 : (int64_t)((d - now + 999) / 1000);
}

static void
utp_perform(void *arg, const fd_set *rd, const fd_set *wr, uint64_t now_ms)
{
	uint64_t	now = loop_clock_us();

	(void)rd;
	(void)wr;
	(void)now_ms;
	if (utpmux_deadline_us(arg) <= now)
		utpmux_tick(arg, now);
}

static const struct loop_source_ops utp_ops = {
	NULL, utp_timeout_ms, utp_perform,
};

static void
start_utp(struct session *s)
{
	struct utpmux_config	c;
	int			r;

	if (!s->cfg->utp || s->udp == NULL)
		return;
	memset(&c, 0, sizeof(c));
	c.arg = s;
	c.send = utp_send;
	c.accept = session_utp_accept;
	c.seed = rng_next(&s->env.rng);
	if ((r = utpmux_new(&c, &s->utp)) != BT_OK ||
	    (r = loop_source_add(s->loop, &utp_ops, s->utp)) != BT_OK) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "uTP: %s: no "
		    "uTP", bt_strerror(r));
		utpmux_free(s->utp);
		s->utp = NULL;
	}
	s->env.utp = s->utp;
}

/* ---- the sockets ---- */

static void
udp_on_krpc(void *arg, const struct caddr *from, const uint8_t *p, size_t n)
{
	struct session	*s = arg;

	if (s->dht != NULL)
		dht_input(s->dht, from, p, n);
}

static void
udp_on_utp(void *arg, const struct caddr *from, const uint8_t *p, size_t n)
{
	struct session	*s = arg;

	if (s->utp != NULL)
		utpmux_input(s->utp, from, p, n, loop_clock_us());
}

/* A burst drained: one ack for it per connection. */
static void
udp_on_unreachable(void *arg, const struct caddr *to)
{
	struct session	*s = arg;

	if (s->utp != NULL)
		(void)utpmux_unreachable(s->utp, to);
}

static void
udp_on_drained(void *arg)
{
	struct session	*s = arg;

	if (s->utp != NULL)
		utpmux_flush(s->utp, loop_clock_us());
}

/* A UDP socket per family on the listen port (as other clients: a peer
 * that knows our TCP port finds the DHT and uTP on it), honouring --bind
 * with the first address of each family, as the listener does. */
static void
start_udp(struct session *s)
{
	struct udp_config	c;
	struct caddr		b4, b6;
	size_t			i;
	char			err[256];

	if (!s->cfg->dht && !s->cfg->utp)
		return;
	memset(&c, 0, sizeof(c));
	c.loop = s->loop;
	c.port = s->env.port;
	for (i = 0; i < s->cfg->nbinds; i++) {
		uint8_t	ip[16];

		c.bound = 1;
		if (c.bind4 == NULL && inet_pton(AF_INET, s->cfg->binds[i],
		    ip) == 1 && caddr_from_bytes(ip, 4, 0, &b4) == BT_OK)
			c.bind4 = &b4;
		else if (c.bind6 == NULL && inet_pton(AF_INET6,
		    s->cfg->binds[i], ip) == 1 &&
		    caddr_from_bytes(ip, 16, 0, &b6) == BT_OK)
			c.bind6 = &b6;
	}
	c.arg = s;
	c.log = on_log;
	c.on_krpc = udp_on_krpc;
	c.on_utp = udp_on_utp;
	c.on_drained = udp_on_drained;
	c.on_unreachable = udp_on_unreachable;
	if (udp_new(&c, &s->udp, err, sizeof(err)) != BT_OK)
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "%s: no DHT, "
		    "no uTP", err);
}

void
session_udp_start(struct session *s)
{
	start_udp(s);
	start_dht(s);
	start_utp(s);
}

void
session_udp_stop(struct session *s)
{
	if (s->utp != NULL)
		loop_source_del(s->loop, s->utp);
	utpmux_free(s->utp);		/* RESETs through the udp */
	s->utp = s->env.utp = NULL;
	dht_free(s->dht);		/* saves its nodes */
	s->dht = NULL;
	udp_free(s->udp);
	s->udp = NULL;
}
