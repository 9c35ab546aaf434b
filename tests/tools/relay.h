/*
 * relay: what the test relays (udprelay.c, tcprelay.c, bottleneck.c) and
 * their probe (udpecho.c) share: numbers and loopback-only addresses from
 * the command line, non-blocking sockets, and SIGTERM/SIGINT turned into a
 * stop flag through the loop.  tests/tools/relay_*.c are parts of those tools, not
 * tools of their own (see the Makefile).
 *
 * They refuse every address outside loopback (127.0.0.0/8, ::1):
 * they exist to put loss and latency between processes on this machine,
 * and must never forward anything elsewhere.
 */
#ifndef RELAY_H
#define RELAY_H

#include <stdint.h>
#include <sys/socket.h>

#include "ipc/sigpipe.h"

struct loop;

struct relay_addr {
	struct sockaddr_storage	ss;
	socklen_t		len;
};

/* Stop requests: SIGTERM or SIGINT set stop.  Members are private but
 * stop, which the caller's loop reads. */
struct relay_sig {
	struct sigpipe	sp;
	int		stop;
};

/* A decimal number in [0, max] into *out (0 on error).  BT_OK,
 * BT_ERR_FORMAT (not a number), BT_ERR_RANGE (over max). */
int		relay_num_parse(const char *s, unsigned long max,
		    unsigned long *out);
/* A port in [0, 65535] (0: any free port, for listening only). */
int		relay_port_parse(const char *s, uint16_t *out);
/*
 * A numeric loopback host ("127.0.0.1", "::1", any 127.x.y.z) and a port
 * into *out.  BT_OK, BT_ERR_FORMAT when host is not a numeric address,
 * BT_ERR_RANGE when it is not loopback (nothing is resolved: no name can
 * lead outside).
 */
int		relay_addr_host(const char *host, uint16_t port,
		    struct relay_addr *out);
/* The target of -t: "PORT" (on 127.0.0.1), "ADDR:PORT" or "[V6]:PORT",
 * loopback only, port 1..65535.  Errors as relay_addr_host. */
int		relay_addr_target(const char *s, struct relay_addr *out);
/* "127.0.0.1:80" or "[::1]:80" into buf. */
void		relay_addr_format(const struct relay_addr *a, char *buf,
		    size_t len);
uint16_t	relay_addr_port(const struct relay_addr *a);
/* 1 when a and b are the same address and port. */
int		relay_addr_equal(const struct relay_addr *a,
		    const struct relay_addr *b);

/* A socket of a's family and type (SOCK_STREAM, SOCK_DGRAM), already
 * O_NONBLOCK and FD_CLOEXEC.  The fd, or BT_ERR_SYS (errno). */
int		relay_socket(const struct relay_addr *a, int type);
/* A socket bound to *a (SO_REUSEADDR; listen() for streams); a's port is
 * then set to the one bound (a port of 0 picks a free one).  The fd, or
 * BT_ERR_SYS (errno kept). */
int		relay_listen(struct relay_addr *a, int type);

/* accept() on the listening socket lfd, the new fd then O_NONBLOCK and
 * FD_CLOEXEC.  The fd, or BT_ERR_SYS (errno: EAGAIN when nobody waits). */
int		relay_accept(int lfd);

/* Routes SIGTERM and SIGINT into l (rs->stop becomes 1).  BT_OK, or
 * BT_ERR_SYS / what loop_fd_add returned; nothing is left open then. */
int		relay_sig_open(struct relay_sig *rs, struct loop *l);
/* Undoes relay_sig_open; safe on a relay_sig that never opened after
 * relay_sig_init. */
void		relay_sig_close(struct relay_sig *rs, struct loop *l);
void		relay_sig_init(struct relay_sig *rs);

#endif
