/*
 * packet: the PACKET frame that carries every message between the engine
 * and the front: a fixed 30-byte header, then the payload (src/ipc/msg.h).
 * The header keeps the reference design's fields (magic "head", cmd, wdt,
 * source and target names) and adds the protocol version, the payload type
 * and the payload length.  Every field is written byte by byte in a fixed
 * order, never by copying a struct.
 *
 *   off size field    values
 *     0    4 magic    "head"
 *     4    1 version  MSG_PROTOCOL_VERSION
 *     5    1 cmd      enum pkt_cmd
 *     6    1 wdt      enum pkt_wdt (0 unless cmd is PKT_CMD_WATCHDOG)
 *     7    1 reserved 0
 *     8    8 source   "engine" or "front", NUL-padded
 *    16    8 target   the other one
 *    24    2 type     enum msg_type, big-endian
 *    26    4 length   payload bytes, big-endian, <= PKT_MAX_PAYLOAD
 *    30      payload
 *
 * docs/protocol.md is the spec of record.
 */
#ifndef BT_PACKET_H
#define BT_PACKET_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

struct bbuf;

#define PKT_MAGIC		"head"
#define PKT_MAGIC_LEN		4
#define PKT_NAME_LEN		8	/* source / target fields */
#define PKT_HEADER_LEN		30
#define PKT_MAX_PAYLOAD		MSG_MAX_PAYLOAD	/* 64 KiB */
#define PKT_MAX_FRAME		(PKT_HEADER_LEN + PKT_MAX_PAYLOAD)

enum pkt_cmd {			/* numbers of the reference PACKET */
	PKT_CMD_REGISTER = 0,	/* the engine's first frame: MSG_REGISTER */
	PKT_CMD_WATCHDOG = 1,	/* heartbeat: MSG_HEARTBEAT */
	PKT_CMD_TRANSFER = 2,	/* every other message */
};

enum pkt_wdt {
	PKT_WDT_REGISTER = 0,
	PKT_WDT_SIGNAL = 1,	/* a heartbeat ("feeding the dog") */
};

enum pkt_side {			/* who sent a frame / who it is for */
	PKT_SIDE_ENGINE = 0,	/* "engine" */
	PKT_SIDE_FRONT = 1,	/* "front" */
};

struct pkt_header {
	uint8_t		version;	/* MSG_PROTOCOL_VERSION */
	uint8_t		cmd;		/* enum pkt_cmd */
	uint8_t		wdt;		/* enum pkt_wdt */
	uint8_t		source;		/* enum pkt_side */
	uint8_t		target;		/* enum pkt_side */
	uint16_t	type;		/* enum msg_type */
	uint32_t	len;		/* payload bytes (decode only) */
};

/* The cmd and wdt a frame of this msg type must carry: REGISTER/REGISTER
 * for MSG_REGISTER, WATCHDOG/SIGNAL for MSG_HEARTBEAT, TRANSFER/0 for the
 * rest. */
void	pkt_kind_for_type(int type, uint8_t *cmd_out, uint8_t *wdt_out);
/* Fills *h for a frame of `type' from `source' to the other side, with
 * the right version, cmd and wdt. */
void	pkt_header_for(struct pkt_header *h, int source, int type);
/* "engine", "front", or "?" */
const char	*pkt_side_name(int side);

/*
 * Appends one frame: the header *h (h->len is ignored: len is written)
 * and payload[0..len).  Nothing is appended on failure.  BT_OK;
 * BT_ERR_LIMIT when len is over the type's bound or out has no room for
 * the whole frame; BT_ERR_INVALID for a header pkt_decode would refuse.
 * The payload itself is not checked (that is msg's job).
 */
int	pkt_encode(struct bbuf *out, const struct pkt_header *h,
	    const void *payload, size_t len);

/*
 * Takes one frame from the front of `in'.  The header is checked as soon
 * as its bytes are there, before the payload arrives: magic, reserved
 * byte, names (source and target must differ), cmd and wdt values and
 * their agreement with the type, type known to msg and sent in the right
 * direction (engine -> front types from the engine, commands from the
 * front), length within the type's bounds.  A wrong magic is seen from the
 * first byte.  On BT_OK the frame is consumed, *h is filled and
 * *payload_out is a read-only view of the payload (valid while `in' is
 * unchanged).  Errors consume nothing and zero *h:
 *   BT_ERR_INCOMPLETE  the frame is not all there yet
 *   BT_ERR_PROTO       version is not MSG_PROTOCOL_VERSION
 *   BT_ERR_LIMIT       length over the type's largest payload
 *   BT_ERR_FORMAT      anything else wrong in the header
 */
int	pkt_decode(struct bbuf *in, struct pkt_header *h,
	    struct bbuf *payload_out);

#endif
