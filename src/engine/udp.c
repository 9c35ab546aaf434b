/*
 * udp: the session's UDP sockets (see udp.h).  It owns the two
 * descriptors and one receive buffer big enough for any datagram, so a
 * large one is dropped whole by whoever parses it rather than cut, and
 * the batch of datagrams udp_queue holds until the end of the loop's turn.
 */
#include "engine/udp.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/udp.h>
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
/* One GSO send (UDP_SEGMENT): at most this many bytes (IPv4's largest
 * payload, 65507, rounded down) in at most this many datagrams (the
 * kernel's UDP_MAX_SEGMENTS before 5.x). */
#define BATCH_BYTES	65000
#define BATCH_SEGS	64

struct udp {
	struct udp_config	 cfg;
	int			 fd4, fd6;
	uint8_t			*buf;		/* RECV_MAX bytes */
	/*
	 * What udp_queue holds: consecutive datagrams to one address, each
	 * of seg bytes but the last, back to back in out[0..nout).  They go
	 * out as one send that the kernel cuts into datagrams (UDP GSO),
	 * when the batch cannot take the next one and at the end of the
	 * loop's turn (a loop source's fdset, called before select()).
	 */
	uint8_t			*out;		/* BATCH_BYTES */
	size_t			 nout, seg, nsegs;
	struct caddr		 out_to;
	int			 gso;		/* the kernel has UDP_SEGMENT */
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

/* One read from fd into u->buf: a datagram, or (UDP_GRO) several from
 * one sender back to back, each of *seg bytes but the last.  What recvmsg
 * returns; *seg is n for a datagram alone. */
static ssize_t
read_some(struct udp *u, int fd, struct sockaddr_storage *ss,
    socklen_t *len, size_t *seg)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cm;
	union {
		struct cmsghdr	 align;
		uint8_t		 buf[CMSG_SPACE(sizeof(int))];
	}		 control;
	ssize_t		 n;
	int		 size;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = u->buf;
	iov.iov_len = RECV_MAX;
	msg.msg_name = ss;
	msg.msg_namelen = sizeof(*ss);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	if ((n = recvmsg(fd, &msg, MSG_DONTWAIT)) < 0)
		return n;
	*len = msg.msg_namelen;
	*seg = (size_t)n;
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_UDP || cm->cmsg_type != UDP_GRO ||
		    cm->cmsg_len < CMSG_LEN(sizeof(size)))
			continue;
		memcpy(&size, CMSG_DATA(cm), sizeof(size));
		if (size > 0 && (size_t)size < *seg)
			*seg = (size_t)size;
	}
	return n;
}

/* Up to UDP_BATCH reads on fd (each a datagram, or with GRO up to 64),
 * then one on_drained: bounded so that a flood on this socket cannot
 * starve the rest of the loop. */
static void
on_readable(void *arg, int fd, int events)
{
	struct udp		*u = arg;
	struct sockaddr_storage	 ss;
	struct caddr		 from;
	socklen_t		 len;
	ssize_t			 n;
	size_t			 seg, off, k;
	int			 i;

	(void)events;
	for (i = 0; i < UDP_BATCH; i++) {
		n = read_some(u, fd, &ss, &len, &seg);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != EINTR) {
			read_errors(u, fd);	/* an ICMP error came */
			continue;
		}
		if (n < 0)
			break;
		if (caddr_from_sockaddr(&ss, len, &from) != BT_OK)
			continue;
		/* (an empty datagram is nobody's: nothing to route) */
		for (off = 0; off < (size_t)n; off += k) {
			k = (size_t)n - off < seg ? (size_t)n - off : seg;
			dispatch(u, &from, u->buf + off, k);
		}
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
	/* a GSO batch from one sender (ours: udp_queue) arrives as one
	 * read, cut here; where the kernel lacks UDP_GRO, one read each */
	(void)setsockopt(fd, SOL_UDP, UDP_GRO, &one, sizeof(one));
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

static int
fd_for(const struct udp *u, const struct caddr *to)
{
	return to->family == AF_INET6 ? u->fd6 : to->family == AF_INET ?
	    u->fd4 : -1;
}

/* One sendmsg of iov to `to', with a GSO segment size when seg > 0. */
static int
send_one(struct udp *u, const struct caddr *to, const uint8_t *p, size_t n,
    size_t seg)
{
	struct sockaddr_storage	 ss;
	struct msghdr		 msg;
	struct iovec		 iov;
	struct cmsghdr		*cm;
	union {
		struct cmsghdr	 align;
		uint8_t		 buf[CMSG_SPACE(sizeof(uint16_t))];
	}			 control;
	uint16_t		 size = (uint16_t)seg;
	socklen_t		 len;
	ssize_t			 r;
	int			 fd = fd_for(u, to);

	if (fd < 0 || caddr_to_sockaddr(to, &ss, &len) != BT_OK)
		return BT_ERR_INVALID;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)(uintptr_t)p;
	iov.iov_len = n;
	msg.msg_name = &ss;
	msg.msg_namelen = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (seg > 0) {
		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_UDP;
		cm->cmsg_type = UDP_SEGMENT;
		cm->cmsg_len = CMSG_LEN(sizeof(size));
		memcpy(CMSG_DATA(cm), &size, sizeof(size));
	}
	r = sendmsg(fd, &msg, MSG_DONTWAIT);
	/* ECONNREFUSED here was an earlier datagram's: a port unreachable
	 * from another address, left pending on the socket, fails the next
	 * send whatever its destination.  Unsent, the first SYN of the
	 * next uTP dial was lost, and that dial fell back to TCP only after
	 * its time-outs (6 s; `make bench`, cases 2 and 3). */
	if (r < 0 && errno == ECONNREFUSED)
		r = sendmsg(fd, &msg, MSG_DONTWAIT);
	return r < 0 ? BT_ERR_SYS : BT_OK;
}

void
udp_flush(struct udp *u)
{
	size_t	off, n;
	int	each = u->nsegs == 1;

	if (u->nsegs == 0)
		return;
	/* a segment size the route cannot carry, or no GSO after all: one
	 * send per datagram; any other error loses the batch, as UDP may
	 * lose any datagram */
	if (!each && send_one(u, &u->out_to, u->out, u->nout, u->seg) !=
	    BT_OK)
		each = errno == EINVAL || errno == EIO || errno == EMSGSIZE ||
		    errno == EOPNOTSUPP;
	for (off = 0; each && off < u->nout; off += n) {
		n = u->nout - off < u->seg ? u->nout - off : u->seg;
		(void)send_one(u, &u->out_to, u->out + off, n, 0);
	}
	u->nsegs = u->nout = 0;
}

int
udp_queue(struct udp *u, const struct caddr *to, const uint8_t *p, size_t n)
{
	/* without GSO a batch would only be copied, then sent one by one */
	if (!u->gso || n == 0 || n > BATCH_BYTES)
		return udp_send(u, to, p, n);
	if (fd_for(u, to) < 0)
		return BT_ERR_INVALID;
	if (u->nsegs > 0 && (!caddr_equal(&u->out_to, to) || n > u->seg ||
	    u->nout + n > BATCH_BYTES || u->nsegs == BATCH_SEGS))
		udp_flush(u);
	if (u->nsegs == 0) {
		u->out_to = *to;
		u->seg = n;
	}
	memcpy(u->out + u->nout, p, n);
	u->nout += n;
	u->nsegs++;
	if (n < u->seg)
		udp_flush(u);	/* a short datagram ends a batch */
	return BT_OK;
}

int
udp_send(struct udp *u, const struct caddr *to, const uint8_t *p, size_t n)
{
	udp_flush(u);		/* what was queued goes first */
	return send_one(u, to, p, n, 0);
}

/* The end of the loop's turn: the batch goes out before select(). */
static void
on_turn_end(void *arg, fd_set *rd, fd_set *wr, int *maxfd)
{
	(void)rd;
	(void)wr;
	(void)maxfd;
	udp_flush(arg);
}

static const struct loop_source_ops flush_ops = {
	on_turn_end, NULL, NULL,
};

/* Whether the kernel cuts one send into datagrams (UDP_SEGMENT, Linux
 * 4.18): it knows the option. */
static int
has_gso(int fd)
{
	int		v = 0;
	socklen_t	len = sizeof(v);

	return getsockopt(fd, SOL_UDP, UDP_SEGMENT, &v, &len) == 0;
}

int
udp_new(const struct udp_config *cfg, struct udp **out, char *err,
    size_t errlen)
{
	struct udp	*u;
	char		 why[256];

	*out = NULL;
	if ((u = calloc(1, sizeof(*u))) == NULL)
		goto nomem;
	u->fd4 = u->fd6 = -1;
	u->cfg = *cfg;
	if ((u->buf = malloc(RECV_MAX)) == NULL ||
	    (u->out = malloc(BATCH_BYTES)) == NULL ||
	    loop_source_add(u->cfg.loop, &flush_ops, u) != BT_OK)
		goto nomem;
	u->fd4 = open_socket(u, AF_INET, err, errlen);
	u->fd6 = open_socket(u, AF_INET6, why, sizeof(why));
	if (u->fd4 < 0 && u->fd6 < 0) {
		udp_free(u);
		return BT_ERR_SYS;
	}
	u->gso = has_gso(u->fd4 >= 0 ? u->fd4 : u->fd6);
	/* a host without IPv6, or a --bind of one family: said once */
	if (u->fd4 < 0)
		ulog(u, MSG_LOG_INFO, "%s: the DHT and uTP run on IPv6 only",
		    err);
	else if (u->fd6 < 0)
		ulog(u, MSG_LOG_INFO, "%s: the DHT and uTP run on IPv4 only",
		    why);
	*out = u;
	return BT_OK;
nomem:
	udp_free(u);
	bt_errf(err, errlen, "UDP: out of memory");
	return BT_ERR_NOMEM;
}

void
udp_free(struct udp *u)
{
	if (u == NULL)
		return;
	if (u->out != NULL)
		udp_flush(u);		/* the last RESETs of uTP */
	loop_source_del(u->cfg.loop, u);
	if (u->fd4 >= 0) {
		loop_fd_del(u->cfg.loop, u->fd4);
		close(u->fd4);
	}
	if (u->fd6 >= 0) {
		loop_fd_del(u->cfg.loop, u->fd6);
		close(u->fd6);
	}
	free(u->buf);
	free(u->out);
	free(u);
}

int
udp_has_family(const struct udp *u, int family)
{
	if (family == AF_INET)
		return u->fd4 >= 0;
	return family == AF_INET6 && u->fd6 >= 0;
}
