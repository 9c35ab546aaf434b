/*
 * utp_demux: what the session's one UDP socket needs to route a datagram:
 * whether it is uTP (BEP 29), KRPC (BEP 5) or a UDP tracker reply
 * (BEP 15), and the key (receive connection id, peer address) of the uTP
 * connection it belongs to.  Pure: the table itself is the caller's.
 *
 * The three kinds differ in their first byte: a bencoded KRPC message
 * starts with 'd' (0x64), a tracker reply with the high byte of its
 * big-endian action (0x00), a uTP packet with type << 4 | version 1
 * (0x01, 0x11, 0x21, 0x31 or 0x41).
 *
 * The session's receive path, as the tests run it: for a uTP datagram,
 * utp_packet_decode it, try utp_input on the connection under each of
 * utp_demux_keys in turn until one does not say BT_ERR_INVALID; with
 * none, a SYN becomes utp_new_incoming (if we take it) and anything but
 * a RESET is answered with utp_demux_reset.  Once the socket is drained,
 * utp_flush every connection that had input (one ack per burst); run
 * utp_tick at utp_deadline_us; free a connection once utp_is_over.
 */
#ifndef BT_UTP_DEMUX_H
#define BT_UTP_DEMUX_H

#include <stddef.h>
#include <stdint.h>

#include "engine/caddr.h"

struct bbuf;
struct utp_packet;

enum utp_demux_kind {
	UTP_DEMUX_OTHER = 0,	/* none of these: drop it */
	UTP_DEMUX_UTP,
	UTP_DEMUX_KRPC,
	UTP_DEMUX_TRACKER,
};

/* A uTP connection in the session's table: the id its packets arrive
 * with (its receive id) and the peer's address. */
struct utp_key {
	struct caddr	addr;
	uint16_t	conn_id;
};

#define UTP_DEMUX_MAX_KEYS	3

/* Which kind p[0..n) is, by its first bytes and length only: uTP needs
 * the 20-byte header, a tracker reply its 8-byte head (action 0..3). */
int	utp_demux_classify(const uint8_t *p, size_t n);

/*
 * The keys under which a decoded packet from `from' may find its
 * connection, to be tried in order; returns how many (1 or 3).
 *  - SYN: the key the connection it opens has (conn_id + 1, BEP 29); a
 *    hit is a re-sent SYN for utp_input, a miss a new utp_new_incoming.
 *  - RESET: conn_id, conn_id - 1, conn_id + 1, since a reset names either
 *    the receive or the send id of the connection, as libutp answers it;
 *    utp_input refuses a candidate whose ids do not match.
 *  - others: conn_id.
 */
size_t	utp_demux_keys(const struct utp_packet *pkt, const struct caddr *from,
	    struct utp_key out[UTP_DEMUX_MAX_KEYS]);

/*
 * Appends the RESET that answers pkt when no connection claims it (as
 * libutp: pkt's connection id, ack_nr = its seq_nr, our seq_nr from the
 * caller's RNG).  BT_ERR_INVALID for a RESET, which is never answered;
 * else the bbuf put errors.
 */
int	utp_demux_reset(const struct utp_packet *pkt, uint16_t seq_nr,
	    struct bbuf *out);

/* Same connection id and address. */
int	utp_key_equal(const struct utp_key *a, const struct utp_key *b);

#endif
