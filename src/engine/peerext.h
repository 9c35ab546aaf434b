/*
 * peerext: one connection's BEP 10 extended messages.  The extended
 * handshake both ways; ut_metadata (BEP 9): serving our info dictionary,
 * and handing the pieces a peer sends to the magnet phase
 * (torrent_magnet.c); ut_pex (BEP 11): learning addresses from a peer and
 * telling each peer, at most once a minute, who joined and left.  Never for
 * a private torrent (BEP 27): no ut_pex, and ut_metadata only serves.
 * Codecs are extmsg.h and pex.h; this file gives the messages meaning.
 */
#ifndef BT_PEEREXT_H
#define BT_PEEREXT_H

#include <stdint.h>

struct peer;
struct peer_addr;
struct torrent;
struct wire_msg;

#define PEEREXT_PEX_MS		60000	/* BEP 11: at most once a minute */
#define PEEREXT_PEX_FIRST_MS	3000	/* the first, after the connect */

/* Queues our extended handshake on p (it announced BEP 10). */
void	peerext_send_handshake(struct torrent *t, struct peer *p);
/* A WIRE_EXTENDED message from p.  A malformed one marks p dead. */
void	peerext_on_message(struct torrent *t, struct peer *p,
	    const struct wire_msg *m);
/* The address p listens on: the one we dialled, or for a peer that dialled
 * us its address with the port its extended handshake gave.  BT_OK, or
 * BT_ERR_NOTFOUND for an incoming peer that did not say. */
int	peerext_listen_addr(const struct peer *p, struct peer_addr *out);
/* Sends ut_pex to the peers whose time is up: the connections we have
 * not told it of (their listening addresses), and those gone since. */
void	peerext_pex_round(struct torrent *t);

#endif
