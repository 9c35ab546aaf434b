/* What the test relays share; see relay.h. */
#include "relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/loop.h"

#define RELAY_HOST_MAX	64		/* longest numeric host we take */

static const int relay_signals[] = { SIGTERM, SIGINT };

int
relay_num_parse(const char *s, unsigned long max, unsigned long *out)
{
	char		*end;
	unsigned long	 v;

	*out = 0;
	if (*s < '0' || *s > '9')	/* strtoul takes "-1" and " 1" */
		return BT_ERR_FORMAT;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end != '\0')
		return BT_ERR_FORMAT;
	if (errno != 0 || v > max)
		return BT_ERR_RANGE;
	*out = v;
	return BT_OK;
}

int
relay_port_parse(const char *s, uint16_t *out)
{
	unsigned long	v;
	int		r;

	*out = 0;
	if ((r = relay_num_parse(s, 65535, &v)) != BT_OK)
		return r;
	*out = (uint16_t)v;
	return BT_OK;
}

static int
is_loopback(const struct relay_addr *a)
{
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;

	if (a->ss.ss_family == AF_INET) {
		sin = (const struct sockaddr_in *)&a->ss;
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	}
	sin6 = (const struct sockaddr_in6 *)&a->ss;
	return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr);
}

int
relay_addr_host(const char *host, uint16_t port, struct relay_addr *out)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&out->ss;

	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		out->len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		out->len = sizeof(*sin6);
	} else
		return BT_ERR_FORMAT;
	if (!is_loopback(out)) {
		memset(out, 0, sizeof(*out));
		return BT_ERR_RANGE;
	}
	return BT_OK;
}

int
relay_addr_target(const char *s, struct relay_addr *out)
{
	char		 host[RELAY_HOST_MAX];
	const char	*colon, *h = s, *ps;
	size_t		 hlen;
	uint16_t	 port;
	int		 r;

	memset(out, 0, sizeof(*out));
	if ((colon = strrchr(s, ':')) == NULL) {
		h = "127.0.0.1";
		hlen = strlen(h);
		ps = s;
	} else if (*s == '[') {
		if (colon == s || colon[-1] != ']')
			return BT_ERR_FORMAT;
		h = s + 1;
		hlen = (size_t)(colon - 1 - h);
		ps = colon + 1;
	} else {
		hlen = (size_t)(colon - s);
		ps = colon + 1;
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return BT_ERR_FORMAT;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if ((r = relay_port_parse(ps, &port)) != BT_OK)
		return r;
	if (port == 0)
		return BT_ERR_RANGE;
	return relay_addr_host(host, port, out);
}

uint16_t
relay_addr_port(const struct relay_addr *a)
{
	if (a->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
}

void
relay_addr_format(const struct relay_addr *a, char *buf, size_t len)
{
	char		host[INET6_ADDRSTRLEN];
	const void	*p;

	if (a->ss.ss_family == AF_INET6)
		p = &((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
	else
		p = &((const struct sockaddr_in *)&a->ss)->sin_addr;
	if (inet_ntop(a->ss.ss_family, p, host, sizeof(host)) == NULL)
		snprintf(host, sizeof(host), "?");
	snprintf(buf, len, a->ss.ss_family == AF_INET6 ? "[%s]:%u" :
	    "%s:%u", host, (unsigned)relay_addr_port(a));
}

int
relay_addr_equal(const struct relay_addr *a, const struct relay_addr *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->ss.ss_family != b->ss.ss_family)
		return 0;
	if (a->ss.ss_family == AF_INET) {
		a4 = (const struct sockaddr_in *)&a->ss;
		b4 = (const struct sockaddr_in *)&b->ss;
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	a6 = (const struct sockaddr_in6 *)&a->ss;
	b6 = (const struct sockaddr_in6 *)&b->ss;
	return a6->sin6_port == b6->sin6_port &&
	    memcmp(&a6->sin6_addr, &b6->sin6_addr, sizeof(a6->sin6_addr)) == 0;
}

int
relay_socket(const struct relay_addr *a, int type)
{
	int	fd;

	fd = socket(a->ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return fd < 0 ? BT_ERR_SYS : fd;
}

int
relay_listen(struct relay_addr *a, int type)
{
	socklen_t	len = a->len;
	int		fd, one = 1, saved;

	if ((fd = relay_socket(a, type)) < 0)
		return BT_ERR_SYS;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a->ss, a->len) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 128) < 0) ||
	    getsockname(fd, (struct sockaddr *)&a->ss, &len) < 0)
		goto fail;
	a->len = len;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return BT_ERR_SYS;
}

int
relay_accept(int lfd)
{
	int	fd, fl, saved;

	/* accept4 would need _GNU_SOURCE, which our flags do not set */
	if ((fd = accept(lfd, NULL, NULL)) < 0)
		return BT_ERR_SYS;
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return BT_ERR_SYS;
	}
	return fd;
}

static void
on_signal(void *arg, int fd, int events)
{
	struct relay_sig	*rs = arg;
	int			 got[8];

	(void)fd;
	(void)events;
	while (sigpipe_drain(&rs->sp, got, 8) > 0)
		rs->stop = 1;		/* both signals mean: stop */
}

void
relay_sig_init(struct relay_sig *rs)
{
	sigpipe_init(&rs->sp);
	rs->stop = 0;
}

int
relay_sig_open(struct relay_sig *rs, struct loop *l)
{
	int	r;

	relay_sig_init(rs);
	if ((r = sigpipe_open(&rs->sp, relay_signals, sizeof(relay_signals) /
	    sizeof(relay_signals[0]))) != BT_OK)
		return r;
	if ((r = loop_fd_add(l, sigpipe_fd(&rs->sp), LOOP_READ, on_signal,
	    rs)) != BT_OK)
		sigpipe_close(&rs->sp);
	return r;
}

void
relay_sig_close(struct relay_sig *rs, struct loop *l)
{
	if (sigpipe_fd(&rs->sp) >= 0)
		loop_fd_del(l, sigpipe_fd(&rs->sp));
	sigpipe_close(&rs->sp);
}
