/*
 * udp: the session's UDP sockets (see udp.h).  It owns the two
 * descriptors and one receive buffer big enough for any datagram, so a
 * large one is dropped whole by whoever parses it rather than cut.
 */
#include "engine/udp.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "engine/utp_demux.h"

#define RECV_MAX	65536	/* the largest UDP payload, and then some */
#define UDP_SOCKET_BUF	(4 * 1024 * 1024)	/* SO_RCVBUF, SO_SNDBUF */

struct udp {
	struct udp_config	 cfg;
	int			 fd4, fd6;
	uint8_t			*buf;		/* RECV_MAX bytes */
};

static void
ulog(struct udp *u, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
ulog(struct udp *u, int level, const char *fmt, ...)
{
	char	line[256];
	va_list	ap;

	if (u->cfg.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	u->cfg.log(u->cfg.arg, level, line);
}

static void
dispatch(struct udp *u, const struct caddr *from, const uint8_t *p,
    size_t n)
{
	switch (utp_demux_classify(p, n)) {
	case UTP_DEMUX_KRPC:
		if (u->cfg.on_krpc != NULL)
			u->cfg.on_krpc(u->cfg.arg, from, p, n);
		break;
	case UTP_DEMUX_UTP:
		if (u->cfg.on_utp != NULL)
			u->cfg.on_utp(u->cfg.arg, from, p, n);
		break;
	default:
		/* UDP trackers read replies on sockets of their own, so a
		 * tracker-shaped datagram here is a stray: dropped */
		break;
	}
}

/* The errors queued on fd (IP_RECVERR): a port unreachable names the
 * address we sent to, for on_unreachable.  Other errors are dropped. */
static void
read_errors(struct udp *u, int fd)
{
	struct sockaddr_storage	 ss;
	struct sock_extended_err *ee;
	struct cmsghdr		*cm;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct caddr		 to;
	uint8_t			 data[64];
	union {
		struct cmsghdr	 align;
		uint8_t		 buf[512];
	}			 control;
	int			 i, unreachable;

	for (i = 0; i < UDP_BATCH; i++) {
		memset(&msg, 0, sizeof(msg));
		iov.iov_base = data;
		iov.iov_len = sizeof(data);
		msg.msg_name = &ss;
		msg.msg_namelen = sizeof(ss);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (!((cm->cmsg_level == IPPROTO_IP &&
			    cm->cmsg_type == IP_RECVERR) ||
			    (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_RECVERR)))
				continue;
			ee = (struct sock_extended_err *)(void *)CMSG_DATA(cm);
			/* ICMP type 3 code 3; ICMPv6 type 1 code 4 */
			unreachable = (ee->ee_origin == SO_EE_ORIGIN_ICMP &&
			    ee->ee_type == 3 && ee->ee_code == 3) ||
			    (ee->ee_origin == SO_EE_ORIGIN_ICMP6 &&
			    ee->ee_type == 1 && ee->ee_code == 4);
			if (unreachable && u->cfg.on_unreachable != NULL &&
			    caddr_from_sockaddr(&ss, msg.msg_namelen, &to) ==
			    BT_OK)
				u->cfg.on_unreachable(u->cfg.arg, &to);
		}
	}
}

/* Up to UDP_BATCH datagrams waiting on fd, then one on_drained: bounded
 * so that a flood on this socket cannot starve the rest of the loop. */
static void
on_readable(void *arg, int fd, int events)
{
	struct udp		*u = arg;
	struct sockaddr_storage	 ss;
	struct caddr		 from;
	socklen_t		 len;
	ssize_t			 n;
	int			 i;

	(void)events;
	for (i = 0; i < UDP_BATCH; i++) {
		len = sizeof(ss);
		n = recvfrom(fd, u->buf, RECV_MAX, MSG_DONTWAIT,
		    (struct sockaddr *)&ss, &len);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			read_errors(u, fd);	/* an ICMP error came */
			continue;
		}
		if (n < 0)
			break;
		if (caddr_from_sockaddr(&ss, len, &from) != BT_OK)
			continue;
		dispatch(u, &from, u->buf, (size_t)n);
	}
	if (i > 0 && u->cfg.on_drained != NULL)
		u->cfg.on_drained(u->cfg.arg);
}

/* The address a family's socket binds: the --bind one, or the
 * wildcard.  BT_ERR_NOTFOUND when bound without one of this family. */
static int
bind_address(const struct udp *u, int family, struct sockaddr_storage *ss,
    socklen_t *len)
{
	const struct caddr	*at = family == AF_INET ? u->cfg.bind4 :
				    u->cfg.bind6;
	struct caddr		 a;

	memset(&a, 0, sizeof(a));
	if (u->cfg.bound) {
		if (at == NULL)
			return BT_ERR_NOTFOUND;
		a = *at;
	} else
		a.family = family;	/* all-zero: the wildcard */
	a.port = u->cfg.port;
	return caddr_to_sockaddr(&a, ss, len);
}

static int
open_socket(struct udp *u, int family, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = 0;
	int			 fd = -1, one = 1, saved;
	int			 bufsize = UDP_SOCKET_BUF;
	const char		*fam = family == AF_INET ? "IPv4" : "IPv6";

	if (bind_address(u, family, &ss, &len) != BT_OK) {
		bt_errf(err, errlen, "UDP: no --bind address for %s", fam);
		return -1;
	}
	if ((fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) < 0)
		goto fail;
	/* one socket per family, as the TCP listener has */
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
	    &one, sizeof(one)) < 0)
		goto fail;
	/* uTP sends a window of datagrams at once: the default buffers
	 * (about 200 KiB) overflow and a loss halves the window.  The
	 * kernel caps these at net.core.[rw]mem_max: best effort. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsize,
	    sizeof(bufsize));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsize,
	    sizeof(bufsize));
	/* ICMP errors for what we send (a uTP dial to a port where nothing
	 * listens fails at once instead of after its SYN's time-outs) */
	(void)setsockopt(fd, family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
	    family == AF_INET ? IP_RECVERR : IPV6_RECVERR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		goto fail;
	if (loop_fd_add(u->cfg.loop, fd, LOOP_READ, on_readable, u) !=
	    BT_OK) {
		errno = EMFILE;
		goto fail;
	}
	return fd;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	bt_errf(err, errlen, "UDP: cannot use port %u (%s): %s",
	    (unsigned)u->cfg.port, fam, strerror(saved));
	errno = saved;
	return -1;
}

int
udp_new(const struct udp_config *cfg, struct udp **out, char *err,
    size_t errlen)
{
	struct udp	*u;
	char		 why[256];

	*out = NULL;
	if ((u = calloc(1, sizeof(*u))) == NULL ||
	    (u->buf = malloc(RECV_MAX)) == NULL) {
		free(u);
		bt_errf(err, errlen, "UDP: out of memory");
		return BT_ERR_NOMEM;
	}
	u->cfg = *cfg;
	u->fd4 = open_socket(u, AF_INET, err, errlen);
	u->fd6 = open_socket(u, AF_INET6, why, sizeof(why));
	if (u->fd4 < 0 && u->fd6 < 0) {
		udp_free(u);
		return BT_ERR_SYS;
	}
	/* a host without IPv6, or a --bind of one family: said once */
	if (u->fd4 < 0)
		ulog(u, MSG_LOG_INFO, "%s: the DHT and uTP run on IPv6 only",
		    err);
	else if (u->fd6 < 0)
		ulog(u, MSG_LOG_INFO, "%s: the DHT and uTP run on IPv4 only",
		    why);
	*out = u;
	return BT_OK;
}

void
udp_free(struct udp *u)
{
	if (u == NULL)
		return;
	if (u->fd4 >= 0) {
		loop_fd_del(u->cfg.loop, u->fd4);
		close(u->fd4);
	}
	if (u->fd6 >= 0) {
		loop_fd_del(u->cfg.loop, u->fd6);
		close(u->fd6);
	}
	free(u->buf);
	free(u);
}

int
udp_send(struct udp *u, const struct caddr *to, const uint8_t *p, size_t n)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	ssize_t			r;
	int			fd;

	fd = to->family == AF_INET6 ? u->fd6 : to->family == AF_INET ?
	    u->fd4 : -1;
	if (fd < 0 || caddr_to_sockaddr(to, &ss, &len) != BT_OK)
		return BT_ERR_INVALID;
	r = sendto(fd, p, n, MSG_DONTWAIT, (struct sockaddr *)&ss, len);
	/* ECONNREFUSED here was an earlier datagram's: a port unreachable
	 * from another address, left pending on the socket, fails the next
	 * sendto whatever its destination.  Unsent, the first SYN of the
	 * next uTP dial was lost, and that dial fell back to TCP only after
	 * its time-outs (6 s; `make bench`, cases 2 and 3). */
	if (r < 0 && errno == ECONNREFUSED)
		r = sendto(fd, p, n, MSG_DONTWAIT, (struct sockaddr *)&ss,
		    len);
	return r < 0 ? BT_ERR_SYS : BT_OK;
}

int
udp_has_family(const struct udp *u, int family)
{
	if (family == AF_INET)
		return u->fd4 >= 0;
	return family == AF_INET6 && u->fd6 >= 0;
}
