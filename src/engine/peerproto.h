/*
 * peerproto: the BEP 3 peer protocol of one connection of a torrent:
 * handshake, choke and interest, have and bitfield, requests both ways,
 * blocks in and out.  struct peer (peer.h) keeps the connection's books;
 * this file gives the messages their meaning and tells the torrent what
 * happened (a block arrived, a piece completed, a peer misbehaved) through
 * the torrent's functions in torrent_impl.h.
 */
#ifndef BT_PEERPROTO_H
#define BT_PEERPROTO_H

struct peer;
struct torrent;
struct wire_handshake;

/* Queues our handshake on p. */
void	peerproto_send_handshake(struct torrent *t, struct peer *p);
/* A handshake from p (decoded by us or, for an incoming connection, by the
 * session): checks it and, when it is good, makes p active and sends our
 * bitfield.  On a bad one, p is marked dead. */
void	peerproto_on_handshake(struct torrent *t, struct peer *p,
	    const struct wire_handshake *hs);
/* Decodes and handles what p->in holds. */
void	peerproto_process_input(struct torrent *t, struct peer *p);
/* Asks p for blocks up to its pipeline target. */
void	peerproto_fill_requests(struct torrent *t, struct peer *p);
/* Answers p's queued requests while the upload bucket allows. */
void	peerproto_serve_requests(struct torrent *t, struct peer *p);
/* Says (not) interested when that changed. */
void	peerproto_set_interest(struct peer *p, int want);
/* Whether p has a piece we lack. */
int	peerproto_has_wanted(struct torrent *t, struct peer *p);

#endif
