/*
 * caddr: compact peer and node addresses (see caddr.h).
 */
#include "engine/caddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "ipc/err.h"

static const uint8_t	v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			    0xff, 0xff };

int
caddr_from_bytes(const uint8_t *ip, size_t iplen, uint16_t port,
    struct caddr *out)
{
	memset(out, 0, sizeof(*out));
	if (iplen == 16 && memcmp(ip, v4mapped, 12) == 0) {
		ip += 12;
		iplen = 4;
	}
	if (iplen == 4)
		out->family = AF_INET;
	else if (iplen == 16)
		out->family = AF_INET6;
	else
		return BT_ERR_INVALID;
	memcpy(out->ip, ip, iplen);
	out->port = port;
	return BT_OK;
}

int
caddr_from_sockaddr(const struct sockaddr_storage *ss, socklen_t len,
    struct caddr *out)
{
	const struct sockaddr_in	*s4 = (const void *)ss;
	const struct sockaddr_in6	*s6 = (const void *)ss;

	memset(out, 0, sizeof(*out));
	if (ss->ss_family == AF_INET && len >= (socklen_t)sizeof(*s4))
		return caddr_from_bytes((const uint8_t *)&s4->sin_addr, 4,
		    ntohs(s4->sin_port), out);
	if (ss->ss_family == AF_INET6 && len >= (socklen_t)sizeof(*s6))
		return caddr_from_bytes(s6->sin6_addr.s6_addr, 16,
		    ntohs(s6->sin6_port), out);
	return BT_ERR_INVALID;
}

int
caddr_to_sockaddr(const struct caddr *a, struct sockaddr_storage *ss,
    socklen_t *len_out)
{
	struct sockaddr_in	*s4 = (void *)ss;
	struct sockaddr_in6	*s6 = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	*len_out = 0;
	if (a->family == AF_INET) {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a->ip, 4);
		s4->sin_port = htons(a->port);
		*len_out = sizeof(*s4);
	} else if (a->family == AF_INET6) {
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, a->ip, 16);
		s6->sin6_port = htons(a->port);
		*len_out = sizeof(*s6);
	} else
		return BT_ERR_INVALID;
	return BT_OK;
}

size_t
caddr_compact(const struct caddr *a, uint8_t out[18])
{
	size_t	n;

	if (a->family == AF_INET)
		n = 4;
	else if (a->family == AF_INET6)
		n = 16;
	else
		return 0;
	memcpy(out, a->ip, n);
	out[n] = (uint8_t)(a->port >> 8);
	out[n + 1] = (uint8_t)a->port;
	return n + 2;
}

int
caddr_equal(const struct caddr *a, const struct caddr *b)
{
	return a->family == b->family && a->port == b->port &&
	    memcmp(a->ip, b->ip, a->family == AF_INET ? 4 : 16) == 0;
}

int
caddr_usable(const struct caddr *a)
{
	static const uint8_t	zero[16];

	if (a->port == 0)
		return 0;
	if (a->family == AF_INET)
		return a->ip[0] != 0 && a->ip[0] < 224;	/* 0/8, multicast,
							 * class E, bcast */
	if (a->family == AF_INET6)
		return memcmp(a->ip, zero, 16) != 0 && a->ip[0] != 0xff;
	return 0;
}

void
caddr_format(const struct caddr *a, char *buf, size_t len)
{
	char	host[INET6_ADDRSTRLEN];

	if (a->family == AF_INET && inet_ntop(AF_INET, a->ip, host,
	    sizeof(host)) != NULL)
		snprintf(buf, len, "%s:%u", host, (unsigned)a->port);
	else if (a->family == AF_INET6 && inet_ntop(AF_INET6, a->ip, host,
	    sizeof(host)) != NULL)
		snprintf(buf, len, "[%s]:%u", host, (unsigned)a->port);
	else
		snprintf(buf, len, "?");
}
