/*
 * utp_packet: one uTP datagram (BEP 29, version 1) as pure decode/encode
 * over bounded buffers.  No sockets, no clock, no globals.
 *
 *   byte 0      type (high nibble) | version 1 (low nibble)
 *   byte 1      first extension (0: none)
 *   2..3        connection id        4..7    timestamp_microseconds
 *   8..11       timestamp_difference_microseconds
 *   12..15      wnd_size             16..17  seq_nr     18..19  ack_nr
 *   then the extension chain ({next, len, len bytes}...), then payload.
 *
 * Decoding keeps the selective ack (extension 1) and skips the others
 * (libutp's extension 2, "extension bits", included): BEP 29 says unknown
 * extensions are skipped by their length.  Everything a peer sends is
 * checked against the datagram's end before it is read.
 */
#ifndef BT_UTP_PACKET_H
#define BT_UTP_PACKET_H

#include <stddef.h>
#include <stdint.h>

struct bbuf;

#define UTP_VERSION		1
#define UTP_HEADER_LEN		20	/* BEP 29 version 1 header */
#define UTP_EXT_SACK		1	/* BEP 29 selective ack */
/* A selective ack's bitmask: at least 4 bytes, a multiple of 4 (BEP 29);
 * its length is one byte, so 252 at most. */
#define UTP_SACK_MIN		4
#define UTP_SACK_MAX		252
#define UTP_MAX_EXTENSIONS	8	/* a longer chain is refused */
#define UTP_MAX_DATAGRAM	65535	/* larger inputs are refused */

/* BEP 29 packet types. */
enum utp_type {
	UTP_ST_DATA = 0,
	UTP_ST_FIN = 1,
	UTP_ST_STATE = 2,
	UTP_ST_RESET = 3,
	UTP_ST_SYN = 4,
};

/*
 * One packet.  After utp_packet_decode, `sack' and `payload' point into
 * the decoded bytes (borrowed: valid while those bytes are); to encode,
 * the caller points them at its own bytes.  sack_len 0 means no selective
 * ack; its first bit (bit 0 of sack[0]) stands for ack_nr + 2.
 */
struct utp_packet {
	uint8_t		 type;		/* enum utp_type */
	uint16_t	 conn_id;
	uint32_t	 ts_us;		/* sender's clock, low 32 bits */
	uint32_t	 ts_diff_us;	/* sender's last one-way delay sample */
	uint32_t	 wnd;		/* bytes the sender can still receive */
	uint16_t	 seq_nr, ack_nr;
	const uint8_t	*sack;
	size_t		 sack_len;
	size_t		 n_unknown_ext;	/* decode: extensions skipped */
	const uint8_t	*payload;
	size_t		 payload_len;
};

/*
 * Decodes the datagram p[0..n) into *out (zeroed first).  BT_OK, or
 * BT_ERR_FORMAT (shorter than the header, another version, an unknown
 * type, an extension running past the end, a selective ack whose length
 * is not a multiple of 4 or under 4, or a second one), BT_ERR_LIMIT (more
 * than UTP_MAX_EXTENSIONS extensions, more than UTP_MAX_DATAGRAM bytes).
 * A datagram is whole: there is no "incomplete".
 */
int	utp_packet_decode(const uint8_t *p, size_t n, struct utp_packet *out);

/*
 * Appends pkt to out: the header, the selective ack when sack_len > 0,
 * the payload.  n_unknown_ext is ignored (nothing unknown is sent).
 * BT_ERR_INVALID for a type over UTP_ST_SYN or a bad sack_len; else the
 * bbuf put errors, with nothing appended.
 */
int	utp_packet_encode(const struct utp_packet *pkt, struct bbuf *out);

/* The encoded size of pkt (header, selective ack, payload). */
size_t	utp_packet_size(const struct utp_packet *pkt);

/* "DATA", "FIN", "STATE", "RESET", "SYN" or "?" (static storage). */
const char	*utp_packet_type_name(int type);

#endif
