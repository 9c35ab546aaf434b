/*
 * listen: the session's listening sockets and the connections they
 * accept, until their handshake names a torrent of the session, which
 * then takes them (torrent_adopt); one that fails first (closed, not
 * BitTorrent, for another torrent, no handshake in time) is dropped, with
 * a line in the log once per host and reason.  One
 * socket per address family (IPV6_V6ONLY: the same port for both, on any
 * system), or one per --bind address; all share one port.
 */
#include "engine/session_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "engine/caddr.h"
#include "engine/mse.h"
#include "engine/peer.h"
#include "engine/peermse.h"
#include "engine/torrent.h"
#include "engine/wire.h"

#define LISTEN_PORT_TRIES	9	/* -p, then the next 8 ports */
#define INCOMING_MAX		64	/* connections before handshake */

static void
set_port(struct peer_addr *a, uint16_t port)
{
	if (a->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}

/* A listening socket on a:port, or -1 with errno set. */
static int
listen_on(const struct peer_addr *a, uint16_t port)
{
	struct peer_addr	b = *a;
	int			fd, one = 1, saved;

	set_port(&b, port);
	if ((fd = socket(b.ss.ss_family, SOCK_STREAM, 0)) < 0)
		return -1;
	if (fd >= FD_SETSIZE) {
		close(fd);
		errno = EMFILE;
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* IPv4 has a socket of its own: this one must not claim the
	 * IPv4-mapped addresses too, or the two could not share a port
	 * (and the same on every system, whatever bindv6only says). */
	if ((b.ss.ss_family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    peer_fd_prepare(fd) != BT_OK ||
	    bind(fd, (struct sockaddr *)&b.ss, b.len) < 0 ||
	    listen(fd, 64) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The address family or the address itself is missing here: no other
 * port would do better. */
static int
addr_missing(int err)
{
	return err == EAFNOSUPPORT || err == EADDRNOTAVAIL ||
	    err == EPROTONOSUPPORT;
}

static void
any_addr(struct peer_addr *a, int family)
{
	memset(a, 0, sizeof(*a));
	a->ss.ss_family = (sa_family_t)family;
	a->len = family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
}

/* A --bind address: numeric only (a name here would block on DNS). */
static int
parse_bind(const char *text, struct peer_addr *out)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&out->ss;

	any_addr(out, AF_INET);
	if (inet_pton(AF_INET, text, &s4->sin_addr) == 1)
		return BT_OK;
	any_addr(out, AF_INET6);
	if (inet_pton(AF_INET6, text, &s6->sin6_addr) == 1)
		return BT_OK;
	return BT_ERR_INVALID;
}

/* "127.0.0.1" or "[::1]": an address without its port. */
static void
addr_text(const struct peer_addr *a, char *buf, size_t len)
{
	char	host[INET6_ADDRSTRLEN];

	if (a->ss.ss_family == AF_INET6 && inet_ntop(AF_INET6,
	    &((const struct sockaddr_in6 *)&a->ss)->sin6_addr, host,
	    sizeof(host)) != NULL)
		snprintf(buf, len, "[%s]", host);
	else if (a->ss.ss_family == AF_INET && inet_ntop(AF_INET,
	    &((const struct sockaddr_in *)&a->ss)->sin_addr, host,
	    sizeof(host)) != NULL)
		snprintf(buf, len, "%s", host);
	else
		snprintf(buf, len, "?");
}

/* The addresses to listen on: --bind's, or every address of both
 * families. */
static void
fill_addrs(struct session *s)
{
	struct listener	*l = &s->lis;
	size_t		 i;

	memset(l, 0, sizeof(*l));
	l->bound = s->cfg->nbinds > 0;
	for (i = 0; i < s->cfg->nbinds && l->n < ENGINE_MAX_BIND; i++) {
		if (parse_bind(s->cfg->binds[i], &l->addr[l->n]) != BT_OK) {
			session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN,
			    "--bind %s: not a numeric IPv4 or IPv6 address: "
			    "ignored", s->cfg->binds[i]);
			continue;
		}
		l->n++;
	}
	if (s->cfg->nbinds > ENGINE_MAX_BIND)
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "--bind: only "
		    "the first %d addresses are used", ENGINE_MAX_BIND);
	if (!l->bound) {
		any_addr(&l->addr[0], AF_INET);
		any_addr(&l->addr[1], AF_INET6);
		l->n = 2;
	}
	for (i = 0; i < ENGINE_MAX_BIND; i++)
		l->fd[i] = -1;
}

/* Said once per address: open_all skips it from then on. */
static void
say_gone(struct session *s, size_t i, int err)
{
	struct listener	*l = &s->lis;
	char		 name[INET6_ADDRSTRLEN + 2];

	if (!l->bound) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "no %s on this "
		    "machine (%s): listening on %s only", i == 0 ? "IPv4" :
		    "IPv6", strerror(err), i == 0 ? "IPv6" : "IPv4");
		return;
	}
	addr_text(&l->addr[i], name, sizeof(name));
	session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "--bind %s: %s: not "
	    "listening or dialling from there (is the address on this "
	    "machine?)", name, strerror(err));
}

/* Listens on every usable address at port.  The number of sockets, or -1
 * (errno set, none left open) when one of them cannot have this port. */
static int
open_all(struct session *s, uint16_t port)
{
	struct listener	*l = &s->lis;
	size_t		 i, j;
	int		 n = 0, saved;

	for (i = 0; i < l->n; i++) {
		if (l->gone[i])
			continue;
		if ((l->fd[i] = listen_on(&l->addr[i], port)) >= 0) {
			n++;
			continue;
		}
		if (addr_missing(errno)) {
			l->gone[i] = 1;
			say_gone(s, i, errno);
			continue;
		}
		saved = errno;
		for (j = 0; j < i; j++)
			if (l->fd[j] >= 0) {
				close(l->fd[j]);
				l->fd[j] = -1;
			}
		errno = saved;
		return -1;
	}
	return n;
}

/* "(IPv4 and IPv6)", or the --bind addresses listened on. */
static void
describe(const struct listener *l, char *buf, size_t len)
{
	char	name[INET6_ADDRSTRLEN + 2];
	size_t	i, at = 0;

	if (!l->bound) {
		snprintf(buf, len, "(%s)", l->fd[0] >= 0 && l->fd[1] >= 0 ?
		    "IPv4 and IPv6" : l->fd[0] >= 0 ? "IPv4 only" :
		    "IPv6 only");
		return;
	}
	buf[0] = '\0';
	for (i = 0; i < l->n && at < len; i++) {
		if (l->fd[i] < 0)
			continue;
		addr_text(&l->addr[i], name, sizeof(name));
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
		    at == 0 ? "at " : ", ", name);
	}
}

int
listen_ipv6_global(const uint8_t ip[16])
{
	static const uint8_t	doc[4] = { 0x20, 0x01, 0x0d, 0xb8 };

	return (ip[0] & 0xe0) == 0x20 && memcmp(ip, doc, sizeof(doc)) != 0;
}

static const uint8_t *
v6_bytes(const struct peer_addr *a)
{
	return ((const struct sockaddr_in6 *)&a->ss)->sin6_addr.s6_addr;
}

/* With --bind, the first global IPv6 address given; without, the first
 * of this machine's (we listen on all of them). */
static int
find_global_ipv6(const struct listener *l, uint8_t ip_out[16])
{
	struct ifaddrs	*ifa, *i;
	size_t		 k;
	int		 found = 0;

	for (k = 0; l->bound && k < l->n; k++)
		if (!l->gone[k] && l->addr[k].ss.ss_family == AF_INET6 &&
		    listen_ipv6_global(v6_bytes(&l->addr[k]))) {
			memcpy(ip_out, v6_bytes(&l->addr[k]), 16);
			return 1;
		}
	if (l->bound || l->fd[1] < 0 || getifaddrs(&ifa) != 0)
		return 0;
	for (i = ifa; i != NULL && !found; i = i->ifa_next) {
		const struct sockaddr_in6 *s6 = (const void *)i->ifa_addr;

		if (s6 != NULL && s6->sin6_family == AF_INET6 &&
		    listen_ipv6_global(s6->sin6_addr.s6_addr)) {
			memcpy(ip_out, s6->sin6_addr.s6_addr, 16);
			found = 1;
		}
	}
	freeifaddrs(ifa);
	return found;
}

/* --bind: connections leave from the first usable address of their
 * family; a family with none is not dialled. */
static void
set_dial_sources(struct session *s)
{
	struct listener	*l = &s->lis;
	size_t		 i;

	s->env.dial_bound = l->bound;
	s->env.dial4 = s->env.dial6 = NULL;
	for (i = 0; l->bound && i < l->n; i++) {
		if (l->gone[i])
			continue;
		if (l->addr[i].ss.ss_family == AF_INET &&
		    s->env.dial4 == NULL) {
			l->from4 = l->addr[i];
			s->env.dial4 = &l->from4;
		} else if (l->addr[i].ss.ss_family == AF_INET6 &&
		    s->env.dial6 == NULL) {
			l->from6 = l->addr[i];
			s->env.dial6 = &l->from6;
		}
	}
}

/* Listens on cfg->port, or the next port of LISTEN_PORT_TRIES free on
 * every address. */
void
listen_setup(struct session *s)
{
	char		 where[256], ip[INET6_ADDRSTRLEN];
	unsigned	 i;
	uint32_t	 port = s->cfg->port;
	int		 n = -1;

	fill_addrs(s);
	if (s->cfg->no_tcp) {	/* tests: uTP alone, on cfg->port */
		s->env.port = s->cfg->port;
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_INFO, "TCP is off: "
		    "uTP only, on UDP port %u", s->env.port);
		return;
	}
	for (i = 0; i < LISTEN_PORT_TRIES; i++) {
		port = (uint32_t)s->cfg->port + i;
		if (port > 65535 || (n = open_all(s, (uint16_t)port)) >= 0)
			break;
	}
	set_dial_sources(s);
	if ((s->env.has_ipv6 = find_global_ipv6(&s->lis, s->env.ipv6)) &&
	    inet_ntop(AF_INET6, s->env.ipv6, ip, sizeof(ip)) != NULL)
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_INFO, "HTTP trackers "
		    "are told our IPv6 address %s (BEP 7)", ip);
	if (n > 0) {
		s->env.port = (uint16_t)port;
		describe(&s->lis, where, sizeof(where));
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_INFO,
		    "listening on port %u %s", s->env.port, where);
		return;
	}
	s->env.port = s->cfg->port;
	if (n == 0)
		return;		/* every address was missing: said above */
	session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "cannot listen on "
	    "ports %u-%u (%s): incoming peers will not reach us (pick a free "
	    "port with -p)", s->cfg->port, s->cfg->port + LISTEN_PORT_TRIES -
	    1, strerror(errno));
}

void
listen_close(struct session *s)
{
	size_t	i;

	for (i = 0; i < s->lis.n; i++)
		if (s->lis.fd[i] >= 0) {
			close(s->lis.fd[i]);
			s->lis.fd[i] = -1;
		}
}

/* Room for one more connection before its handshake (the session's cap
 * counts them too). */
static int
incoming_room(const struct session *s)
{
	return s->env.npeers + s->nincoming < s->cfg->max_peers &&
	    s->nincoming < INCOMING_MAX;
}

/* p joins the connections waiting for their handshake: BT_OK, or
 * BT_ERR_NOMEM (p not taken). */
static int
incoming_add(struct session *s, struct peer *p)
{
	struct peer	**n;

	if ((n = realloc(s->incoming, (s->nincoming + 1) * sizeof(*n))) ==
	    NULL)
		return BT_ERR_NOMEM;
	s->incoming = n;
	s->incoming[s->nincoming++] = p;
	return BT_OK;
}

static void
accept_one(struct session *s, int fd, const struct peer_addr *a)
{
	struct peer	*p;

	if (fd >= FD_SETSIZE || !incoming_room(s) ||
	    peer_fd_prepare(fd) != BT_OK) {
		close(fd);	/* over the cap, or select() can't watch it */
		return;
	}
	/* Sized for no torrent yet: the torrent that takes it resizes. */
	p = peer_new(s->env.next_peer_id++, fd, a, 0, 0, s->env.now_ms);
	if (p == NULL)
		close(fd);
	else if (incoming_add(s, p) != BT_OK)
		peer_free(p);		/* closes fd */
}

void
listen_on_accept(void *arg, int fd, int events)
{
	struct session		*s = arg;
	struct peer_addr	 a;
	int			 c, n;

	(void)events;
	for (n = 0; n < 64; n++) {
		memset(&a, 0, sizeof(a));
		a.len = sizeof(a.ss);
		if ((c = accept(fd, (struct sockaddr *)&a.ss, &a.len)) < 0)
			return;		/* EAGAIN, or a transient error */
		accept_one(s, c, &a);
	}
}

/*
 * An incoming connection that failed before its handshake, in the log
 * once per host and reason: its port is new with every connection, so the
 * host is what repeats, and a peer that keeps coming back (or a scanner)
 * fills no log.  Two different failures from one host are both said.
 */
static void
say_failed(struct session *s, const struct peer *p)
{
	struct listener		*l = &s->lis;
	struct peer_addr	 host = p->addr;
	char			 text[128];
	size_t			 i;

	set_port(&host, 0);
	for (i = 0; i < l->nsaid; i++)
		if (l->said[i].why == p->fail &&
		    peer_addr_equal(&l->said[i].host, &host))
			return;
	l->said[l->said_at].host = host;
	l->said[l->said_at].why = p->fail;
	l->said_at = (l->said_at + 1) % LISTEN_SAID_MAX;
	if (l->nsaid < LISTEN_SAID_MAX)
		l->nsaid++;
	/* (dead_reason may be cut short: the words again, whole) */
	peer_fail_format((enum peer_fail)p->fail, p->fail_errno, 0, text,
	    sizeof(text));
	session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "peer %s: %s", p->name,
	    text);
}

/* MSE's torrent lookup: req2 names one of the session's torrents. */
static int
find_req2(void *arg, const uint8_t req2[MSE_HASH_LEN],
    uint8_t info_hash_out[MSE_HASH_LEN])
{
	struct session	*s = arg;
	const uint8_t	*ih;
	uint8_t		 h[MSE_HASH_LEN];
	size_t		 i;

	for (i = 0; i < s->ntorrents; i++) {
		ih = torrent_info_hash(s->torrents[i]);
		mse_req2_hash(ih, h);
		if (memcmp(h, req2, MSE_HASH_LEN) == 0) {
			memcpy(info_hash_out, ih, MSE_HASH_LEN);
			return BT_OK;
		}
	}
	return BT_ERR_NOTFOUND;
}

/* The first bytes say plain BitTorrent or MSE: 1 go on, 0 wait for more,
 * -1 refused (by --encryption). */
static int
pick_crypto(struct session *s, struct peer *p)
{
	int	enc = s->cfg->encryption, r;

	if ((r = mse_looks_plaintext(&p->in)) == BT_ERR_INCOMPLETE)
		return 0;
	if (r == 1) {
		if (enc != ENGINE_ENC_REQUIRE)
			return 1;
		peer_fail(p, PEER_FAIL_PLAINTEXT, 0);
		return -1;
	}
	if (enc == ENGINE_ENC_OFF) {
		peer_fail(p, PEER_FAIL_ENCRYPTED, 0);
		return -1;
	}
	if (peermse_start_incoming(p, enc == ENGINE_ENC_REQUIRE, find_req2,
	    s) != BT_OK) {
		peer_kill(p, "out of memory");
		return -1;
	}
	return 1;
}

/* As far as the bytes in p->in go: the choice of plain or MSE, the MSE
 * handshake, the BitTorrent handshake into *hs.  BT_OK with *hs,
 * BT_ERR_INCOMPLETE, BT_ERR_PROTO (not BitTorrent), or BT_ERR_CLOSED: p
 * failed already (refused, MSE failed). */
static int
advance(struct session *s, struct peer *p, struct wire_handshake *hs)
{
	int	c, r;

	if (p->crypto == PEER_CRYPTO_NONE && (c = pick_crypto(s, p)) <= 0)
		return c < 0 ? BT_ERR_CLOSED : BT_ERR_INCOMPLETE;
	if (p->crypto == PEER_CRYPTO_MSE && (r = peermse_feed(p)) != BT_OK)
		return r == BT_ERR_INCOMPLETE ? r : BT_ERR_CLOSED;
	return wire_handshake_decode(&p->in, hs);
}

/* Reads an incoming connection's handshake (plain, or after MSE's) and
 * hands it to the torrent it names.  Returns 1 when the connection left
 * the incoming list. */
static int
incoming_read(struct session *s, struct peer *p)
{
	struct wire_handshake	 hs;
	struct torrent		*t;
	size_t			 n;
	int			 r, hr, err;

	/* Plain: no more than the handshake, the torrent reads the rest.
	 * MSE: what comes, its pads have no fixed length. */
	r = peer_read(p, s->env.now_ms, p->crypto == PEER_CRYPTO_MSE ?
	    PEER_READ_CHUNK : WIRE_HANDSHAKE_LEN, &n);
	err = errno;
	if ((hr = advance(s, p, &hs)) == BT_ERR_CLOSED)
		return 0;
	/* A whole handshake and then EOF: the torrent takes it and reads
	 * the EOF itself. */
	if (hr == BT_ERR_INCOMPLETE) {
		if (r == BT_ERR_CLOSED)
			peer_fail(p, bbuf_len(&p->in) > 0 || p->crypto !=
			    PEER_CRYPTO_NONE ? PEER_FAIL_CLOSED_PARTIAL :
			    PEER_FAIL_CLOSED, 0);
		else if (r != BT_OK)
			peer_fail(p, PEER_FAIL_IO, err);
		return 0;
	}
	if (hr != BT_OK) {	/* not "\x13BitTorrent protocol" */
		peer_fail(p, PEER_FAIL_NOT_BT, 0);
		return 0;
	}
	if ((t = session_torrent_by_hash(s, hs.info_hash)) == NULL) {
		peer_fail(p, PEER_FAIL_OTHER_TORRENT, 0);
		return 0;
	}
	torrent_adopt(t, p, &hs);
	return 1;
}

/* An MSE handshake answers before the connection names its torrent. */
static void
incoming_write(struct session *s, struct peer *p)
{
	size_t	n;

	if (p->state != PEER_DEAD && bbuf_len(&p->out) > 0 &&
	    peer_flush(p, s->env.now_ms, &n) != BT_OK)
		peer_fail(p, PEER_FAIL_IO, errno);
}

int
listen_incoming_fdset(struct session *s, fd_set *rd, fd_set *wr, int *maxfd)
{
	size_t	i;
	int	ready = 0;

	for (i = 0; i < s->nincoming; i++)
		if (peer_fdset(s->incoming[i], rd, wr, maxfd, 1))
			ready = 1;
	return ready;
}

int
listen_accept_utp(struct session *s, struct utp *u, const struct caddr *from)
{
	struct peer_addr	 a;
	struct peer		*p;

	memset(&a, 0, sizeof(a));
	if (!incoming_room(s) ||
	    caddr_to_sockaddr(from, &a.ss, &a.len) != BT_OK)
		return 0;
	p = peer_new_utp(s->env.next_peer_id++, s->utp, u, &a, 0, 0,
	    s->env.now_ms);
	if (p == NULL)
		return 0;
	if (incoming_add(s, p) != BT_OK) {
		p->utp = NULL;	/* refused: the mux frees u itself */
		peer_free(p);
		return 0;
	}
	return 1;
}

void
listen_incoming_perform(struct session *s, const fd_set *rd,
    const fd_set *wr)
{
	size_t	i = 0;

	while (i < s->nincoming) {
		struct peer *p = s->incoming[i];

		if (p->state != PEER_DEAD && peer_writable(p, wr))
			incoming_write(s, p);
		if (p->state != PEER_DEAD && peer_readable(p, rd) &&
		    incoming_read(s, p)) {
			s->incoming[i] = s->incoming[--s->nincoming];
			continue;
		}
		incoming_write(s, p);
		if (p->state != PEER_DEAD && s->env.now_ms - p->connected_ms >
		    PEER_HANDSHAKE_TIMEOUT_MS)
			peer_fail(p, PEER_FAIL_TIMEOUT, 0);
		if (p->state == PEER_DEAD) {
			if (p->fail != PEER_FAIL_NONE)
				say_failed(s, p);
			peer_free(p);
			s->incoming[i] = s->incoming[--s->nincoming];
			continue;
		}
		i++;
	}
}

