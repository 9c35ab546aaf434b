/*
 * caddr: a peer or node address in the compact form BEP 5, 10, 11 and 32
 * carry it (4 or 16 address bytes and a port), small enough for fixed
 * arrays (a sockaddr_storage is 128 bytes), with the conversions to and
 * from sockaddrs and the compact bytes.  IPv4-mapped IPv6 addresses are
 * always held as AF_INET, so one host has one form.
 */
#ifndef BT_CADDR_H
#define BT_CADDR_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

struct caddr {
	int		family;		/* AF_INET or AF_INET6; 0: none */
	uint8_t		ip[16];		/* network order; 4 bytes for AF_INET */
	uint16_t	port;		/* host order */
};

/* BT_OK, or BT_ERR_INVALID for another family or too short a len (*out
 * zeroed). */
int	caddr_from_sockaddr(const struct sockaddr_storage *ss, socklen_t len,
	    struct caddr *out);
/* ip[0..iplen), iplen 4 or 16, else BT_ERR_INVALID (*out zeroed). */
int	caddr_from_bytes(const uint8_t *ip, size_t iplen, uint16_t port,
	    struct caddr *out);
/* BT_ERR_INVALID for a family other than AF_INET / AF_INET6. */
int	caddr_to_sockaddr(const struct caddr *a, struct sockaddr_storage *ss,
	    socklen_t *len_out);
/* Compact bytes: 6 (IPv4) or 18 (IPv6), ip then big-endian port; returns
 * the length written to out (room for 18), 0 for no family. */
size_t	caddr_compact(const struct caddr *a, uint8_t out[18]);
/* Same family, address and port. */
int	caddr_equal(const struct caddr *a, const struct caddr *b);
/* Usable as a peer or node: not port 0, not 0.0.0.0/8, multicast,
 * broadcast, or the unspecified IPv6 address. */
int	caddr_usable(const struct caddr *a);
/* "1.2.3.4:5678" or "[::1]:5678" into buf (len >= CADDR_STR_LEN). */
#define CADDR_STR_LEN	48
void	caddr_format(const struct caddr *a, char *buf, size_t len);

#endif
