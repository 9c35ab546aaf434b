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

#include <stddef.h>
#include <stdint.h>

struct peer;
struct torrent;

/* Requests a peer may have out in endgame, when each is a duplicate. */
#define PEERPROTO_ENDGAME_PIPELINE	4
struct bbuf;
struct wire_handshake;

/* Queues our handshake on p. */
void	peerproto_send_handshake(struct torrent *t, struct peer *p);
/* Our handshake for t, appended to out (MSE carries it inside its own).
 * The bbuf put errors. */
int	peerproto_put_handshake(struct torrent *t, struct bbuf *out);
/* A handshake from p (decoded by us or, for an incoming connection, by the
 * session): checks it and, when it is good, makes p active and sends our
 * bitfield.  On a bad one, p is marked dead. */
void	peerproto_on_handshake(struct torrent *t, struct peer *p,
	    const struct wire_handshake *hs);
/* p's handshake has our own peer id: the address of the dial that reached
 * us (p's, or for an incoming p the dial whose socket it came from) is
 * banned, and that dial dropped.  p itself is the caller's to drop. */
void	peerproto_ban_self(struct torrent *t, const struct peer *p);
/* BEP 5 PORT: the peer's DHT node, at its address and this UDP port, for
 * the session's DHT (not for a private torrent). */
void	peerproto_on_port(struct torrent *t, struct peer *p, uint16_t port);
/* Decodes and handles what p->in holds. */
void	peerproto_process_input(struct torrent *t, struct peer *p);
/* Asks p for blocks up to its pipeline target. */
void	peerproto_fill_requests(struct torrent *t, struct peer *p);
/* Answers p's queued requests while the upload bucket allows. */
void	peerproto_serve_requests(struct torrent *t, struct peer *p);
/* Says (not) interested when that changed. */
void	peerproto_set_interest(struct peer *p, int want);
/*
 * A block of `piece' at `begin' arrived from source `sender' (a peer's
 * PIECE, or a web seed's HTTP range: one place, so every source's data is
 * checked the same way): copied into the piece's buffer, marked received
 * in the picker, other endgame requesters sent CANCEL, and, when it
 * completes its piece, torrent_piece_done hashes it (a bad piece is
 * blamed on its senders through torrent_strike).  asked: it answered a
 * request of sender's, which a dropped block releases.  Counts the
 * torrent's and session's download rates.  BT_OK when taken;
 * BT_ERR_INVALID when dropped (not in progress, late, wrong size),
 * counted as wasted.
 */
int	peerproto_take_block(struct torrent *t, uint32_t sender,
	    uint32_t piece, uint32_t begin, const uint8_t *data, size_t len,
	    int asked);
/* Completed pieces wait for the disk: ask nobody for more for now (and
 * read nobody, torrent_disk.c).  Why 16 MiB: peerproto.c. */
#define PEERPROTO_MAX_DISK_BYTES	(16u * 1024 * 1024)
int	peerproto_disk_busy(const struct torrent *t);
/* Whether p has a piece we lack. */
int	peerproto_has_wanted(struct torrent *t, struct peer *p);

#endif
