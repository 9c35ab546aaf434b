/*
 * x.pe (BEP 9 peer addresses) of a magnet link: IPV4:PORT, [IPV6]:PORT or
 * NAME:PORT, checked strictly since the user typed them.  A numeric host
 * is decoded here; a name is only checked, for the resolver: nothing here
 * looks one up.
 */
#include "engine/magnet_impl.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipc/err.h"

/* RFC 1035/1123 host name; an all-digit last label would be a mistyped
 * IPv4 address ("1.2.3"), not a name. */
static int
dns_name_ok(const char *s, size_t n)
{
	size_t	i, label = 0;
	int	digits = 1;

	if (n == 0 || n > MAGNET_MAX_HOST)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return 0;
			label = 0;
			digits = 1;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || is_digit(s[i]) ||
		    (s[i] == '-' && label > 0)))
			return 0;
		if (!is_digit(s[i]))
			digits = 0;
		if (++label > 63)
			return 0;
	}
	return label > 0 && s[n - 1] != '-' && !digits;
}

/* 1..65535 in decimal, nothing else. */
static int
port_parse(const char *s, size_t n, uint16_t *out)
{
	uint32_t	v = 0;
	size_t		i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return 0;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return 0;
	*out = (uint16_t)v;
	return 1;
}

/* HOST:PORT, [V6]:PORT into *pe; 0 when malformed. */
static int
peer_parse(const char *s, size_t n, struct magnet_peer *pe)
{
	const char	*host = s;
	size_t		 hlen = n;

	memset(pe, 0, sizeof(*pe));
	while (hlen > 0 && s[hlen - 1] != ':')
		hlen--;
	if (hlen == 0 || !port_parse(s + hlen, n - hlen, &pe->port))
		return 0;
	hlen--;		/* the ':' */
	if (hlen >= 2 && s[0] == '[' && s[hlen - 1] == ']') {
		host = s + 1;
		hlen -= 2;
		if (hlen == 0 || hlen > MAGNET_MAX_HOST)
			return 0;
		memcpy(pe->host, host, hlen);
		pe->family = AF_INET6;
		return inet_pton(AF_INET6, pe->host, pe->addr) == 1;
	}
	if (hlen == 0 || hlen > MAGNET_MAX_HOST)
		return 0;
	memcpy(pe->host, host, hlen);
	if (inet_pton(AF_INET, pe->host, pe->addr) == 1) {
		pe->family = AF_INET;
		return 1;
	}
	return dns_name_ok(host, hlen);
}

static int
same_peer(const struct magnet_peer *a, const struct magnet_peer *b)
{
	if (a->family != b->family || a->port != b->port)
		return 0;
	if (a->family == 0)
		return strcasecmp(a->host, b->host) == 0;
	return memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

/* x.pe: a bad one fails the link (the user typed it), extras are counted. */
int
magnet_param_xpe(struct parse *p)
{
	struct magnet_peer	 pe;
	struct magnet		*m = p->m;
	char			 q[QUOTE_MAX + 8];
	size_t			 i;

	if (!peer_parse(p->v, p->vlen, &pe))
		return fail(p, BT_ERR_FORMAT, "magnet link: bad x.pe \"%s\" "
		    "(want IPV4:PORT, [IPV6]:PORT or NAME:PORT, port 1-65535)",
		    quote(p->v, p->vlen, q, sizeof(q)));
	for (i = 0; i < m->npeers; i++)
		if (same_peer(&m->peers[i], &pe))
			return BT_OK;
	if (m->npeers == MAGNET_MAX_PEERS) {
		m->ndropped++;
		return BT_OK;
	}
	if (m->peers == NULL &&
	    (m->peers = calloc(MAGNET_MAX_PEERS, sizeof(*m->peers))) == NULL)
		return fail(p, BT_ERR_NOMEM, "out of memory");
	m->peers[m->npeers++] = pe;
	return BT_OK;
}
