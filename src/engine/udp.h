/*
 * udp: the session's UDP sockets, one per family on the session's port,
 * shared by the DHT (KRPC, BEP 5) and uTP (BEP 29) the way other clients
 * share theirs: a peer that learnt our port from a handshake or the DHT
 * reaches both on it.  Each datagram is routed by its first bytes
 * (utp_demux_classify) to one of the config's callbacks; the socket's
 * owner never sees a datagram of the other protocol.
 */
#ifndef BT_UDP_H
#define BT_UDP_H

#include <stddef.h>
#include <stdint.h>

#include "engine/caddr.h"

struct loop;

#define UDP_BATCH	64	/* reads per readable event */

struct udp_config {
	struct loop		*loop;
	uint16_t		 port;		/* both families */
	/* --bind: when bound, a family is used only from its address here
	 * (its port ignored); NULL: that family is not used.  Unbound: the
	 * wildcard address of each family. */
	int			 bound;
	const struct caddr	*bind4, *bind6;
	void			*arg;		/* for the callbacks */
	/* A line for the log (level: MSG_LOG_*); may be NULL. */
	void	(*log)(void *arg, int level, const char *line);
	/* A KRPC or a uTP datagram from `from'; p is valid during the call
	 * only.  NULL: such datagrams are dropped. */
	void	(*on_krpc)(void *arg, const struct caddr *from,
		    const uint8_t *p, size_t n);
	void	(*on_utp)(void *arg, const struct caddr *from,
		    const uint8_t *p, size_t n);
	/* Once after each batch read from a socket (uTP acks a burst with
	 * one packet); may be NULL. */
	void	(*on_drained)(void *arg);
	/* The network says nothing listens at `to' (an ICMP port
	 * unreachable for a datagram we sent there: IP_RECVERR); may be
	 * NULL. */
	void	(*on_unreachable)(void *arg, const struct caddr *to);
};

struct udp;

/*
 * Opens and binds a socket per family and watches them on cfg->loop.
 * BT_OK with *out; BT_ERR_SYS when neither family has a socket (err
 * says why the IPv4 one failed), BT_ERR_NOMEM.  A family that cannot be
 * had while the other can is logged through cfg->log, not an error.
 * *out is NULL on error.
 */
int	udp_new(const struct udp_config *cfg, struct udp **out, char *err,
	    size_t errlen);
/* Closes the sockets; NULL is a no-op. */
void	udp_free(struct udp *u);

/*
 * Sends p[0..n) to `to' from the socket of its family, without waiting.
 * BT_OK; BT_ERR_INVALID when there is no socket for that family or `to'
 * is no address; BT_ERR_SYS when the kernel refused it (errno: a full
 * buffer, an unreachable host): the datagram is lost, as UDP may lose
 * any.
 */
int	udp_send(struct udp *u, const struct caddr *to, const uint8_t *p,
	    size_t n);
/*
 * The same, for a datagram that others to the same address will likely
 * follow in this turn of the loop (uTP's packets): it is queued, and
 * consecutive queued datagrams of one size to one address go out as one
 * send that the kernel cuts into datagrams (UDP GSO), at the latest at
 * the end of the loop's turn; where the kernel has no GSO, it is sent at
 * once, as udp_send does.  Anything sent with udp_send goes after what
 * was queued.  BT_OK, or BT_ERR_INVALID as udp_send; what the kernel
 * refuses later is lost.
 */
int	udp_queue(struct udp *u, const struct caddr *to, const uint8_t *p,
	    size_t n);
/* Sends what udp_queue holds now (the loop does it before each wait). */
void	udp_flush(struct udp *u);
/* 1 when there is a socket for family (AF_INET or AF_INET6). */
int	udp_has_family(const struct udp *u, int family);

#endif
