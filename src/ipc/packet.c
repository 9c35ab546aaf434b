/*
 * packet: PACKET frame encode/decode over bbuf.  The header is parsed
 * field by field from peeked bytes and judged whole before anything is
 * consumed, so a decoder error never leaves `in' half-read and a bad
 * length is refused before its payload is buffered.
 */
#include "packet.h"

#include <string.h>

#include "bbuf.h"
#include "err.h"
#include "msg.h"

#define OFF_VERSION	4
#define OFF_CMD		5
#define OFF_WDT		6
#define OFF_RESERVED	7
#define OFF_SOURCE	8
#define OFF_TARGET	16
#define OFF_TYPE	24
#define OFF_LEN		26

_Static_assert(OFF_LEN + 4 == PKT_HEADER_LEN, "header layout");

/* The name fields exactly as they travel (NUL-padded to 8 bytes). */
static const uint8_t	side_names[2][PKT_NAME_LEN] = {
	{ 'e', 'n', 'g', 'i', 'n', 'e', 0, 0 },
	{ 'f', 'r', 'o', 'n', 't', 0, 0, 0 },
};

void
pkt_kind_for_type(int type, uint8_t *cmd_out, uint8_t *wdt_out)
{
	*wdt_out = PKT_WDT_REGISTER;
	if (type == MSG_REGISTER)
		*cmd_out = PKT_CMD_REGISTER;
	else if (type == MSG_HEARTBEAT) {
		*cmd_out = PKT_CMD_WATCHDOG;
		*wdt_out = PKT_WDT_SIGNAL;
	} else
		*cmd_out = PKT_CMD_TRANSFER;
}

void
pkt_header_for(struct pkt_header *h, int source, int type)
{
	memset(h, 0, sizeof(*h));
	h->version = MSG_PROTOCOL_VERSION;
	h->source = (uint8_t)source;
	h->target = source == PKT_SIDE_ENGINE ? PKT_SIDE_FRONT :
	    PKT_SIDE_ENGINE;
	h->type = (uint16_t)type;
	pkt_kind_for_type(type, &h->cmd, &h->wdt);
}

const char *
pkt_side_name(int side)
{
	switch (side) {
	case PKT_SIDE_ENGINE:
		return "engine";
	case PKT_SIDE_FRONT:
		return "front";
	}
	return "?";
}

/* Everything about a header except version and length bounds. */
static int
header_ok(const struct pkt_header *h)
{
	uint8_t	cmd, wdt;

	if (h->source > PKT_SIDE_FRONT || h->target > PKT_SIDE_FRONT ||
	    h->source == h->target || !msg_type_known(h->type))
		return 0;
	if (msg_type_from_engine(h->type) != (h->source == PKT_SIDE_ENGINE))
		return 0;
	pkt_kind_for_type(h->type, &cmd, &wdt);
	return h->cmd == cmd && h->wdt == wdt;
}

/* BT_OK, BT_ERR_LIMIT (too long) or BT_ERR_FORMAT (too short). */
static int
length_ok(int type, uint32_t len)
{
	size_t	min, max;

	if (len > PKT_MAX_PAYLOAD)
		return BT_ERR_LIMIT;
	if (msg_payload_bounds(type, &min, &max) != BT_OK)
		return BT_ERR_FORMAT;
	if (len > max)
		return BT_ERR_LIMIT;
	return len < min ? BT_ERR_FORMAT : BT_OK;
}

int
pkt_encode(struct bbuf *out, const struct pkt_header *h,
    const void *payload, size_t len)
{
	uint8_t	*room;
	int	 r;

	if (h->version != MSG_PROTOCOL_VERSION || !header_ok(h))
		return BT_ERR_INVALID;
	if (len > PKT_MAX_PAYLOAD)
		return BT_ERR_LIMIT;
	if ((r = length_ok(h->type, (uint32_t)len)) != BT_OK)
		return r == BT_ERR_LIMIT ? r : BT_ERR_INVALID;
	/* Room for the whole frame first: the puts below cannot fail. */
	if ((r = bbuf_reserve(out, PKT_HEADER_LEN + len, &room)) != BT_OK)
		return r;
	bbuf_put_bytes(out, PKT_MAGIC, PKT_MAGIC_LEN);
	bbuf_put_u8(out, h->version);
	bbuf_put_u8(out, h->cmd);
	bbuf_put_u8(out, h->wdt);
	bbuf_put_u8(out, 0);
	bbuf_put_bytes(out, side_names[h->source], PKT_NAME_LEN);
	bbuf_put_bytes(out, side_names[h->target], PKT_NAME_LEN);
	bbuf_put_u16be(out, h->type);
	bbuf_put_u32be(out, (uint32_t)len);
	return bbuf_put_bytes(out, payload, len);
}

/* The first min(len, 4) bytes must be a prefix of "head". */
static int
magic_ok(const struct bbuf *in)
{
	size_t	i;
	uint8_t	c;

	for (i = 0; i < PKT_MAGIC_LEN && i < bbuf_len(in); i++) {
		bbuf_peek_u8(in, i, &c);
		if (c != (uint8_t)PKT_MAGIC[i])
			return 0;
	}
	return 1;
}

/* A name field at `off': enum pkt_side, or -1 when it is neither. */
static int
peek_side(const struct bbuf *in, size_t off)
{
	uint8_t	field[PKT_NAME_LEN];
	size_t	i;
	int	s;

	for (i = 0; i < PKT_NAME_LEN; i++)
		bbuf_peek_u8(in, off + i, &field[i]);
	for (s = PKT_SIDE_ENGINE; s <= PKT_SIDE_FRONT; s++)
		if (memcmp(field, side_names[s], PKT_NAME_LEN) == 0)
			return s;
	return -1;
}

/* Parses the header at the front of in (all PKT_HEADER_LEN bytes are
 * there) into *h without consuming. */
static int
peek_header(const struct bbuf *in, struct pkt_header *h)
{
	uint8_t	hi, lo, reserved;
	int	src, dst;

	bbuf_peek_u8(in, OFF_VERSION, &h->version);
	if (h->version != MSG_PROTOCOL_VERSION)
		return BT_ERR_PROTO;
	bbuf_peek_u8(in, OFF_CMD, &h->cmd);
	bbuf_peek_u8(in, OFF_WDT, &h->wdt);
	bbuf_peek_u8(in, OFF_RESERVED, &reserved);
	src = peek_side(in, OFF_SOURCE);
	dst = peek_side(in, OFF_TARGET);
	bbuf_peek_u8(in, OFF_TYPE, &hi);
	bbuf_peek_u8(in, OFF_TYPE + 1, &lo);
	bbuf_peek_u32be(in, OFF_LEN, &h->len);
	h->type = (uint16_t)(hi << 8 | lo);
	if (reserved != 0 || src < 0 || dst < 0)
		return BT_ERR_FORMAT;
	h->source = (uint8_t)src;
	h->target = (uint8_t)dst;
	if (!header_ok(h))
		return BT_ERR_FORMAT;
	return length_ok(h->type, h->len);
}

int
pkt_decode(struct bbuf *in, struct pkt_header *h, struct bbuf *payload_out)
{
	int	r;

	memset(h, 0, sizeof(*h));
	bbuf_view(payload_out, NULL, 0);
	if (!magic_ok(in))
		return BT_ERR_FORMAT;
	if (bbuf_len(in) < PKT_HEADER_LEN)
		return BT_ERR_INCOMPLETE;
	if ((r = peek_header(in, h)) != BT_OK)
		goto fail;
	if (bbuf_len(in) - PKT_HEADER_LEN < h->len) {
		r = BT_ERR_INCOMPLETE;
		goto fail;
	}
	bbuf_consume(in, PKT_HEADER_LEN);
	return bbuf_split(in, h->len, payload_out);
fail:
	memset(h, 0, sizeof(*h));
	return r;
}
