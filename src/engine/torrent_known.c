/*
 * torrent_known: the addresses a torrent knows (from trackers, the DHT,
 * PEX, --peer, incoming connections) and how it dials them: uTP first,
 * TCP when uTP finds nobody; MSE first with --encryption prefer,
 * plaintext when the peer does not answer it; the back-off per address
 * after a failed dial or a connection that ended, each failure logged
 * once.  The connections themselves are torrent_peers.c's.
 */
#include "engine/torrent_impl.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "engine/bitfield.h"
#include "engine/caddr.h"
#include "engine/engine.h"
#include "engine/metainfo.h"
#include "engine/mse.h"
#include "engine/peerext.h"
#include "engine/picker.h"
#include "engine/utpmux.h"

#define MAX_CONNECTING		16	/* half-open connects at once */
/* Per-address back-off (struct known_peer): a failed dial waits
 * DIAL_RETRY_MS, a connection that ended DROP_RETRY_MS, each doubling
 * with every failure (or unproductive connection) in a row, at most
 * RETRY_MAX_MS.  aria2c drops a peer uninterested for 30 s, libtorrent
 * 0.13 one silent for 120 s: without it we dialled them again at once,
 * over and over. */
#define DIAL_RETRY_MS		10000
#define DROP_RETRY_MS		30000
#define RETRY_MAX_MS		(30u * 60 * 1000)
#define LASTED_MS		60000	/* a connection this long that
					 * traded payload resets it */
#define MAX_KNOWN		2000

struct known_peer *
torrent_known_find(struct torrent *t, const struct peer_addr *a)
{
	size_t	i;

	for (i = 0; i < t->nknown; i++)
		if (peer_addr_equal(&t->known[i].addr, a))
			return &t->known[i];
	return NULL;
}

int
torrent_env_dial_from(const struct torrent_env *env,
    const struct peer_addr *a, const struct peer_addr **src_out)
{
	*src_out = NULL;
	if (a->ss.ss_family == AF_INET)
		*src_out = env->dial4;
	else if (a->ss.ss_family == AF_INET6)
		*src_out = env->dial6;
	else
		return 0;
	return *src_out != NULL || !env->dial_bound;
}

int
torrent_env_bind(const struct torrent_env *env, int fd, int family)
{
	const struct peer_addr	*from;

	if (!env->dial_bound)
		return 0;
	from = family == AF_INET ? env->dial4 : family == AF_INET6 ?
	    env->dial6 : NULL;
	if (from == NULL) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	return bind(fd, (const struct sockaddr *)&from->ss, from->len);
}

/*
 * Whether a is where we listen: our port on the --bind address of its
 * family, or without --bind on any address of this machine (loopback, or
 * one that a socket can bind to).  Trackers list us among the peers, and
 * a dial to ourselves is only found out at the handshake: 200 seeding
 * torrents dialled themselves at once, filled the session's peer cap and
 * none of the dials got as far as the handshake.
 */
static int
is_us(const struct torrent *t, const struct peer_addr *a)
{
	const struct peer_addr	*from;
	struct peer_addr	 probe;
	int			 fd, r;

	if (t->env->port == 0 || peer_addr_port(a) != t->env->port)
		return 0;
	if (t->env->dial_bound)
		return torrent_env_dial_from(t->env, a, &from) &&
		    from != NULL && peer_addr_same_host(a, from);
	if (peer_addr_is_loopback(a))
		return 1;
	if ((fd = socket(a->ss.ss_family, SOCK_DGRAM, 0)) < 0)
		return 0;
	probe = *a;
	peer_addr_set_port(&probe, 0);
	r = bind(fd, (const struct sockaddr *)&probe.ss, probe.len) == 0;
	close(fd);
	return r;
}

struct known_peer *
torrent_known_add(struct torrent *t, const struct peer_addr *a,
    enum torrent_src src)
{
	const struct peer_addr	*from;
	struct known_peer	*n;

	if ((n = torrent_known_find(t, a)) != NULL)
		return n;
	if (is_us(t, a))
		return NULL;
	/* --bind left this family out: the address would only wait in the
	 * list (and in PEX) for a dial that never comes. */
	if (!torrent_env_dial_from(t->env, a, &from))
		return NULL;
	if (t->nknown >= MAX_KNOWN ||
	    (n = realloc(t->known, (t->nknown + 1) * sizeof(*n))) == NULL)
		return NULL;
	t->known = n;
	memset(&n[t->nknown], 0, sizeof(*n));
	n[t->nknown].addr = *a;
	n[t->nknown].src = (uint8_t)src;
	torrent_wake(t);
	return &n[t->nknown++];
}

/* base, doubled n times, at most RETRY_MAX_MS. */
static uint64_t
backoff_ms(uint64_t base, unsigned n)
{
	uint64_t	ms = base;

	while (n-- > 0 && ms < RETRY_MAX_MS)
		ms *= 2;
	return ms < RETRY_MAX_MS ? ms : RETRY_MAX_MS;
}

/* We want nothing more: a seed has nothing for us, nor we for it. */
static int
seeding(const struct torrent *t)
{
	return t->meta != NULL && picker_wanted_complete(t->picker);
}

int
torrent_known_dialable(const struct torrent *t, const struct known_peer *k,
    uint64_t by_ms)
{
	return !k->connected && !k->banned && k->retry_ms <= by_ms &&
	    !(k->seed && seeding(t));
}

/*
 * A dial of k failed before the handshake was through: the address waits
 * (backoff_ms), keeps the reason for the Trackers view, and the failure
 * is logged the first time only, so that a peer that is down or speaks
 * something else cannot fill the log with a line every retry.
 */
static void
known_failed(struct torrent *t, struct known_peer *k, enum peer_fail why,
    int err)
{
	char	name[64], text[128];

	if (k->fails < UINT_MAX)
		k->fails++;
	k->fail = (uint8_t)why;
	k->fail_errno = err;
	k->failed_ms = t->env->now_ms;
	k->retry_ms = t->env->now_ms + backoff_ms(DIAL_RETRY_MS, k->fails - 1);
	if (k->fail_logged)
		return;
	k->fail_logged = 1;
	peer_addr_format(&k->addr, name, sizeof(name));
	peer_fail_format(why, err, 1, text, sizeof(text));
	torrent_log(t, MSG_LOG_WARN, "peer %s: %s", name, text);
}

/* uTP first (as libtorrent): a peer that does not answer it is dialled
 * over TCP from then on (known_ended).  1 when it dialled. */
static int
dial_utp(struct torrent *t, struct known_peer *k)
{
	struct caddr	 c;
	struct utp	*u;
	struct peer	*p;

	if (t->env->utp == NULL || k->no_utp ||
	    caddr_from_sockaddr(&k->addr.ss, k->addr.len, &c) != BT_OK ||
	    utpmux_connect(t->env->utp, &c, loop_clock_us(), &u) != BT_OK)
		return 0;
	p = peer_new_utp(t->env->next_peer_id++, t->env->utp, u, &k->addr, 1,
	    t->meta != NULL ? t->meta->num_pieces : 0, t->env->now_ms);
	if (p == NULL) {
		utpmux_release(t->env->utp, u, loop_clock_us());
		return 1;
	}
	if (torrent_add_peer(t, p) != BT_OK) {
		peer_free(p);
		return 1;
	}
	p->src = k->src;
	k->connected = 1;
	return 1;
}

static void
connect_known(struct torrent *t, struct known_peer *k)
{
	const struct peer_addr	*from;
	struct peer		*p;
	int			 fd, err;

	/* However this one ends (a failure or a connection sets its own
	 * time), not twice within DIAL_RETRY_MS. */
	k->retry_ms = t->env->now_ms + DIAL_RETRY_MS;
	if (!torrent_env_dial_from(t->env, &k->addr, &from) ||
	    dial_utp(t, k) || t->env->cfg->no_tcp)
		return;
	if ((fd = socket(k->addr.ss.ss_family, SOCK_STREAM, 0)) < 0)
		return;
	if (fd >= FD_SETSIZE || peer_fd_prepare(fd) != BT_OK) {
		/* select() cannot watch it: refuse rather than FD_SET it */
		close(fd);
		return;
	}
	/* --bind: the connection leaves from that address (port 0: any). */
	if (torrent_env_bind(t->env, fd, k->addr.ss.ss_family) < 0 ||
	    (connect(fd, (struct sockaddr *)&k->addr.ss, k->addr.len) < 0 &&
	    errno != EINPROGRESS)) {
		err = errno;
		close(fd);
		known_failed(t, k, PEER_FAIL_CONNECT, err);
		return;
	}
	p = peer_new(t->env->next_peer_id++, fd, &k->addr, 1,
	    t->meta != NULL ? t->meta->num_pieces : 0, t->env->now_ms);
	if (p == NULL || torrent_add_peer(t, p) != BT_OK) {
		peer_free(p);
		return;
	}
	p->src = k->src;
	k->connected = 1;
}

size_t
torrent_count_connecting(const struct torrent *t)
{
	size_t	i, n = 0;

	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->state == PEER_CONNECTING)
			n++;
	return n;
}

void
torrent_connect_more(struct torrent *t)
{
	size_t	i, connecting = torrent_count_connecting(t);
	size_t	cap = t->env->cfg->max_peers;

	if (torrent_idle(t))
		return;
	for (i = 0; i < t->nknown; i++) {
		struct known_peer *k = &t->known[i];

		if (t->env->npeers >= cap || connecting >= MAX_CONNECTING)
			return;
		if (!torrent_known_dialable(t, k, t->env->now_ms))
			continue;
		connect_known(t, k);
		if (k->connected)
			connecting++;
	}
}

/* Whether some known address may be dialled now or soon. */
int
torrent_known_to_try(const struct torrent *t)
{
	size_t	i;

	for (i = 0; i < t->nknown; i++)
		if (torrent_known_dialable(t, &t->known[i], t->env->now_ms +
		    DIAL_RETRY_MS))
			return 1;
	return 0;
}

/* Whether a connection other than p is to the address a (dialled there,
 * or its listening address). */
static int
addr_in_use(struct torrent *t, const struct peer *p,
    const struct peer_addr *a)
{
	struct peer_addr	l;
	size_t			i;

	for (i = 0; i < t->npeers; i++) {
		struct peer *q = t->peers[i];

		if (q == p || q->state == PEER_DEAD)
			continue;
		if (peer_addr_equal(&q->addr, a) ||
		    (peerext_listen_addr(q, &l) == BT_OK &&
		    peer_addr_equal(&l, a)))
			return 1;
	}
	return 0;
}

/* Our uTP dial to k found nobody (a RESET, or no answer to the SYN). */
static int
utp_refused(const struct known_peer *k, const struct peer *p)
{
	return p->utp != NULL && p->outgoing && !k->no_utp &&
	    (p->fail == PEER_FAIL_CONNECT ||
	    p->fail == PEER_FAIL_CONNECT_TIMEOUT);
}

/* --encryption prefer: our MSE handshake to k went unanswered (the peer
 * closed, said something else, or nothing at all: a peer without MSE). */
static int
mse_refused(const struct torrent *t, const struct known_peer *k,
    const struct peer *p)
{
	if (t->env->cfg->encryption != ENGINE_ENC_PREFER || k->plain ||
	    !p->outgoing || !p->mse_tried || p->crypto != PEER_CRYPTO_MSE)
		return 0;
	switch (p->fail) {
	case PEER_FAIL_CLOSED:
	case PEER_FAIL_CLOSED_PARTIAL:
	case PEER_FAIL_IO:
	case PEER_FAIL_TIMEOUT:
	case PEER_FAIL_PLAIN_ANSWER:
		return 1;
	case PEER_FAIL_MSE:
		return p->fail_errno == MSE_FAIL_NO_SYNC ||
		    p->fail_errno == MSE_FAIL_BAD_KEY;
	default:
		return 0;
	}
}

/*
 * Connection p to known address k is over.  One that failed before its
 * handshake is known_failed's; one that was up waits DROP_RETRY_MS,
 * doubling while connections end without having lasted LASTED_MS and
 * traded payload, so that a peer that drops us is not dialled again at
 * once (issue 17).  Whether it was a seed is kept: we do not dial seeds
 * while we seed.
 */
int
torrent_known_ended(struct torrent *t, struct known_peer *k,
    const struct peer *p)
{
	uint64_t	now = t->env->now_ms;

	if (addr_in_use(t, p, &k->addr))
		return 0;	/* a duplicate went: the other stays */
	k->connected = 0;
	if (p->state_before_death != PEER_ACTIVE && utp_refused(k, p)) {
		k->no_utp = 1;		/* at once, over TCP, nothing said */
		k->retry_ms = now;
		return 1;
	}
	if (p->state_before_death != PEER_ACTIVE && mse_refused(t, k, p)) {
		k->plain = 1;		/* at once, plaintext, nothing said */
		k->retry_ms = now;
		return 1;
	}
	if (p->state_before_death != PEER_ACTIVE) {
		if (p->fail != PEER_FAIL_NONE && p->outgoing)
			known_failed(t, k, (enum peer_fail)p->fail,
			    p->fail_errno);
		return 0;
	}
	if (now - p->connected_ms >= LASTED_MS &&
	    (rate_total(&p->down) > 0 || rate_total(&p->up) > 0))
		k->drops = 0;
	else if (k->drops < UINT_MAX)
		k->drops++;
	k->retry_ms = now + backoff_ms(DROP_RETRY_MS, k->drops > 0 ?
	    k->drops - 1 : 0);
	if (t->meta != NULL && p->have_known)
		k->seed = (uint8_t)bitfield_complete(&p->have);
	return 0;
}

struct known_peer *
torrent_known_add_caddr(struct torrent *t, const struct caddr *c,
    enum torrent_src src)
{
	struct peer_addr	a;

	memset(&a, 0, sizeof(a));
	if (caddr_to_sockaddr(c, &a.ss, &a.len) != BT_OK)
		return NULL;
	return torrent_known_add(t, &a, src);
}

void
torrent_add_dht_peers(struct torrent *t, const struct caddr *peers,
    size_t n)
{
	size_t	i;

	if (t->meta != NULL && t->meta->private_flag)
		return;		/* BEP 27: trackers only */
	for (i = 0; i < n; i++)
		(void)torrent_known_add_caddr(t, &peers[i], TORRENT_SRC_DHT);
}

void
torrent_add_peer_addr(struct torrent *t, const struct peer_addr *a)
{
	(void)torrent_known_add(t, a, TORRENT_SRC_MANUAL);
}
