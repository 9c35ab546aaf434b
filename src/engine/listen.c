/*
 * listen: the session's listening socket and the connections it accepts,
 * until their handshake names a torrent of the session, which then takes
 * them (torrent_adopt); a connection for another torrent or without a
 * handshake in time is dropped, with a line in the log.
 */
#include "engine/session_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "engine/peer.h"
#include "engine/torrent.h"
#include "engine/wire.h"

#define LISTEN_PORT_TRIES	9	/* -p, then the next 8 ports */
#define INCOMING_MAX		64	/* connections before handshake */
#define HANDSHAKE_TIMEOUT_MS	20000	/* as a torrent's own peers */

static int
listen_on(uint16_t port)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons(port);
	if (fd >= FD_SETSIZE || peer_fd_prepare(fd) != BT_OK ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fd, 64) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Listens on cfg->port, or the next free one of LISTEN_PORT_TRIES. */
void
listen_setup(struct session *s)
{
	unsigned	i;
	uint32_t	port;

	for (i = 0; i < LISTEN_PORT_TRIES; i++) {
		port = (uint32_t)s->cfg->port + i;
		if (port > 65535)
			break;
		if ((s->listen_fd = listen_on((uint16_t)port)) >= 0) {
			s->env.port = (uint16_t)port;
			session_log(s, MSG_TORRENT_NONE, MSG_LOG_INFO,
			    "listening on port %u", s->env.port);
			return;
		}
	}
	s->env.port = s->cfg->port;
	session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "cannot listen on "
	    "ports %u-%u (%s): incoming peers will not reach us (pick a free "
	    "port with -p)", s->cfg->port, s->cfg->port + LISTEN_PORT_TRIES -
	    1, strerror(errno));
}

static void
accept_one(struct session *s, int fd, const struct peer_addr *a)
{
	struct peer	*p, **n;

	if (fd >= FD_SETSIZE || s->env.npeers + s->nincoming >=
	    s->cfg->max_peers || s->nincoming >= INCOMING_MAX ||
	    peer_fd_prepare(fd) != BT_OK) {
		close(fd);	/* over the cap, or select() can't watch it */
		return;
	}
	n = realloc(s->incoming, (s->nincoming + 1) * sizeof(*n));
	if (n == NULL) {
		close(fd);
		return;
	}
	s->incoming = n;
	/* Sized for no torrent yet: the torrent that takes it resizes. */
	p = peer_new(s->env.next_peer_id++, fd, a, 0, 0, s->env.now_ms);
	if (p == NULL) {
		close(fd);
		return;
	}
	s->incoming[s->nincoming++] = p;
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

/* Reads an incoming connection's handshake and hands it to the torrent it
 * names.  Returns 1 when the connection left the incoming list. */
static int
incoming_read(struct session *s, struct peer *p)
{
	struct wire_handshake	 hs;
	struct torrent		*t;
	size_t			 n;
	int			 r;

	r = peer_read(p, s->env.now_ms, WIRE_HANDSHAKE_LEN, &n);
	if (r != BT_OK) {
		peer_kill(p, "closed before its handshake");
		return 0;
	}
	if ((r = wire_handshake_decode(&p->in, &hs)) == BT_ERR_INCOMPLETE)
		return 0;
	if (r != BT_OK) {
		peer_kill(p, "bad handshake");
		return 0;
	}
	if ((t = session_torrent_by_hash(s, hs.info_hash)) == NULL) {
		session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "peer %s: "
		    "handshake for another torrent: dropped", p->name);
		peer_kill(p, "handshake for a torrent we do not have");
		return 0;
	}
	torrent_adopt(t, p, &hs);
	return 1;
}

void
listen_incoming_perform(struct session *s, const fd_set *rd)
{
	size_t	i = 0;

	while (i < s->nincoming) {
		struct peer *p = s->incoming[i];

		if (p->state != PEER_DEAD && FD_ISSET(p->fd, rd) &&
		    incoming_read(s, p)) {
			s->incoming[i] = s->incoming[--s->nincoming];
			continue;
		}
		if (p->state != PEER_DEAD && s->env.now_ms - p->connected_ms >
		    HANDSHAKE_TIMEOUT_MS) {
			session_log(s, MSG_TORRENT_NONE, MSG_LOG_WARN, "peer %s: "
			    "no handshake within %d s: dropped", p->name,
			    HANDSHAKE_TIMEOUT_MS / 1000);
			peer_kill(p, "no handshake");
		}
		if (p->state == PEER_DEAD) {
			peer_free(p);
			s->incoming[i] = s->incoming[--s->nincoming];
			continue;
		}
		i++;
	}
}

