/*
 * Peer wire codec (BEP 3, and the messages of BEP 6 and BEP 10 when the
 * caller negotiated them).  wire_decode_ex peeks at the 5-byte header and
 * judges the length for its id before the body is buffered; the body is
 * then read through a view of exactly that frame and `in' is consumed only
 * once all of it is valid.  A PIECE block, BITFIELD or EXTENDED payload is
 * borrowed from the input buffer, never copied.  Encoders reserve the
 * whole frame first, so they append all of a message or nothing.
 */
#include "wire.h"

#include <stdio.h>
#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"

#define PREFIX_LEN	4	/* BEP 3: 4-byte big-endian length prefix */
#define PIECE_HEAD	9	/* PIECE length prefix minus the block: id, index, begin */
#define HS_PREFIX	"\x13" WIRE_PROTOCOL	/* pstrlen 19, then pstr */
#define HS_PREFIX_LEN	(1 + WIRE_PROTOCOL_LEN)

_Static_assert(sizeof(WIRE_PROTOCOL) - 1 == WIRE_PROTOCOL_LEN, "pstr length");
_Static_assert(sizeof(WIRE_PEER_ID_PREFIX) - 1 == 8, "peer id prefix length");
_Static_assert(WIRE_HANDSHAKE_LEN == HS_PREFIX_LEN + 8 + 20 + WIRE_PEER_ID_LEN,
    "handshake length");

/*
 * What the decoder knows of each id up to 20: the exact length prefix (0
 * where the length varies) and, past the BEP 3 ids, the WIRE_F_* flag
 * without which the id stays unknown.  Ids missing here are unknown.
 */
static const struct id_rule {
	uint32_t	len;
	unsigned	needs;
} id_rules[] = {
	[WIRE_CHOKE] = { 1, 0 },
	[WIRE_UNCHOKE] = { 1, 0 },
	[WIRE_INTERESTED] = { 1, 0 },
	[WIRE_NOT_INTERESTED] = { 1, 0 },
	[WIRE_HAVE] = { 5, 0 },
	[WIRE_BITFIELD] = { 0, 0 },
	[WIRE_REQUEST] = { 13, 0 },
	[WIRE_PIECE] = { 0, 0 },
	[WIRE_CANCEL] = { 13, 0 },
	[WIRE_PORT] = { 3, 0 },
	[WIRE_SUGGEST_PIECE] = { 5, WIRE_F_FAST },	/* BEP 6 */
	[WIRE_HAVE_ALL] = { 1, WIRE_F_FAST },
	[WIRE_HAVE_NONE] = { 1, WIRE_F_FAST },
	[WIRE_REJECT_REQUEST] = { 13, WIRE_F_FAST },
	[WIRE_ALLOWED_FAST] = { 5, WIRE_F_FAST },
	[WIRE_EXTENDED] = { 0, WIRE_F_EXT },		/* BEP 10 */
};
#define NUM_RULES	(sizeof(id_rules) / sizeof(id_rules[0]))
#define LAST_BEP3_ID	WIRE_PORT
#define EXT_HEAD	2	/* EXTENDED length prefix minus the payload */

static size_t
wire_bitfield_len(uint32_t num_pieces)
{
	/* No num_pieces + 7: it wraps for the largest counts. */
	return num_pieces / 8 + (num_pieces % 8 != 0);
}

/* So only BITFIELD can be longer than an unknown message. */
_Static_assert(PIECE_HEAD + WIRE_MAX_BLOCK <= WIRE_MAX_UNKNOWN,
    "WIRE_MAX_UNKNOWN bounds every frame but BITFIELD");
_Static_assert(EXT_HEAD + WIRE_MAX_EXTENDED <= WIRE_MAX_UNKNOWN,
    "WIRE_MAX_UNKNOWN bounds EXTENDED frames too");

size_t
wire_frame_max(uint32_t num_pieces)
{
	size_t	bitfield = PREFIX_LEN + 1 + wire_bitfield_len(num_pieces);

	return bitfield > PREFIX_LEN + WIRE_MAX_UNKNOWN ? bitfield :
	    PREFIX_LEN + WIRE_MAX_UNKNOWN;
}

unsigned
wire_id_flags(uint8_t id)
{
	return id > LAST_BEP3_ID && id < NUM_RULES ? id_rules[id].needs : 0;
}

/* The type message id `id' decodes as under the negotiated `flags'. */
static int
msg_type(uint8_t id, unsigned flags)
{
	if (id <= LAST_BEP3_ID || (wire_id_flags(id) & flags) != 0)
		return id;
	return WIRE_UNKNOWN;
}

/* The length prefix `len' (>= 1) judged for a message of `type'. */
static int
check_len(int type, uint32_t len, uint32_t num_pieces)
{
	switch (type) {
	case WIRE_UNKNOWN:
		return len > WIRE_MAX_UNKNOWN ? BT_ERR_LIMIT : BT_OK;
	case WIRE_PIECE:
		if (len > PIECE_HEAD + WIRE_MAX_BLOCK)
			return BT_ERR_LIMIT;
		return len > PIECE_HEAD ? BT_OK : BT_ERR_FORMAT;
	case WIRE_BITFIELD:
		return len - 1 == wire_bitfield_len(num_pieces) ? BT_OK :
		    BT_ERR_FORMAT;
	case WIRE_EXTENDED:
		if (len > EXT_HEAD + WIRE_MAX_EXTENDED)
			return BT_ERR_LIMIT;
		return len >= EXT_HEAD ? BT_OK : BT_ERR_FORMAT;
	default:
		return len == id_rules[type].len ? BT_OK : BT_ERR_FORMAT;
	}
}

/*
 * Reads the header as soon as its bytes arrive, then waits for the body:
 * BT_OK means the whole frame of *len_out bytes (after the prefix) is in.
 */
static int
check_frame(const struct bbuf *in, uint32_t num_pieces, unsigned flags,
    uint32_t *len_out, uint8_t *id_out)
{
	int	r;

	*id_out = 0;
	if ((r = bbuf_peek_u32be(in, 0, len_out)) != BT_OK)
		return r;
	if (*len_out == 0)
		return BT_OK;
	if (*len_out > wire_frame_max(num_pieces) - PREFIX_LEN)
		return BT_ERR_LIMIT;
	if ((r = bbuf_peek_u8(in, PREFIX_LEN, id_out)) != BT_OK)
		return r;
	if ((r = check_len(msg_type(*id_out, flags), *len_out,
	    num_pieces)) != BT_OK)
		return r;
	if (bbuf_len(in) - PREFIX_LEN < *len_out)
		return BT_ERR_INCOMPLETE;
	return BT_OK;
}

/* Points m->data at the next n bytes of b, without copying them. */
static int
borrow(struct bbuf *b, size_t n, struct wire_msg *m)
{
	struct bbuf	sub;
	int		r;

	if ((r = bbuf_split(b, n, &sub)) != BT_OK)
		return r;
	m->data = bbuf_ptr(&sub);
	m->data_len = n;
	return BT_OK;
}

/* HAVE, SUGGEST_PIECE, ALLOWED_FAST: one piece index. */
static int
decode_index(struct bbuf *b, uint32_t num_pieces, struct wire_msg *m)
{
	int	r;

	if ((r = bbuf_get_u32be(b, &m->index)) != BT_OK)
		return r;
	return m->index < num_pieces ? BT_OK : BT_ERR_RANGE;
}

static int
decode_bitfield(struct bbuf *b, uint32_t num_pieces, struct wire_msg *m)
{
	size_t	n = bbuf_len(b);
	uint8_t	last;
	int	r;

	/* BEP 3: spare bits at the end are cleared. */
	if (n > 0 && num_pieces % 8 != 0) {
		if ((r = bbuf_peek_u8(b, n - 1, &last)) != BT_OK)
			return r;
		if ((last & (0xff >> (num_pieces % 8))) != 0)
			return BT_ERR_FORMAT;
	}
	return borrow(b, n, m);
}

/* REQUEST, CANCEL, REJECT_REQUEST: one block we would ask for. */
static int
decode_request(struct bbuf *b, uint32_t num_pieces, struct wire_msg *m)
{
	int	r;

	if ((r = bbuf_get_u32be(b, &m->index)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->begin)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->length)) != BT_OK)
		return r;
	if (m->index >= num_pieces)
		return BT_ERR_RANGE;
	if (m->length == 0 || m->length > WIRE_BLOCK_LEN ||
	    m->length > UINT32_MAX - m->begin)
		return BT_ERR_RANGE;
	return BT_OK;
}

static int
decode_piece(struct bbuf *b, uint32_t num_pieces, struct wire_msg *m)
{
	size_t	n;
	int	r;

	if ((r = bbuf_get_u32be(b, &m->index)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->begin)) != BT_OK)
		return r;
	n = bbuf_len(b);	/* 1..WIRE_MAX_BLOCK: check_len saw to it */
	if (m->index >= num_pieces || n > UINT32_MAX - m->begin)
		return BT_ERR_RANGE;
	m->length = (uint32_t)n;
	return borrow(b, n, m);
}

static int
decode_extended(struct bbuf *b, struct wire_msg *m)
{
	int	r;

	if ((r = bbuf_get_u8(b, &m->ext_id)) != BT_OK)
		return r;
	return borrow(b, bbuf_len(b), m);
}

/* b holds the payload after the id, exactly as long as check_len allowed. */
static int
decode_body(struct bbuf *b, uint32_t num_pieces, struct wire_msg *m)
{
	switch (m->type) {
	case WIRE_HAVE:
	case WIRE_SUGGEST_PIECE:
	case WIRE_ALLOWED_FAST:
		return decode_index(b, num_pieces, m);
	case WIRE_BITFIELD:
		return decode_bitfield(b, num_pieces, m);
	case WIRE_REQUEST:
	case WIRE_CANCEL:
	case WIRE_REJECT_REQUEST:
		return decode_request(b, num_pieces, m);
	case WIRE_PIECE:
		return decode_piece(b, num_pieces, m);
	case WIRE_PORT:
		return bbuf_get_u16be(b, &m->port);
	case WIRE_EXTENDED:
		return decode_extended(b, m);
	case WIRE_UNKNOWN:
		return borrow(b, bbuf_len(b), m);
	default:	/* choke .. not interested, have all/none: no payload */
		return BT_OK;
	}
}

int
wire_decode(struct bbuf *in, uint32_t num_pieces, struct wire_msg *out)
{
	return wire_decode_ex(in, num_pieces, 0, out);
}

int
wire_decode_ex(struct bbuf *in, uint32_t num_pieces, unsigned flags,
    struct wire_msg *out)
{
	struct bbuf	frame;
	uint32_t	len;
	uint8_t		id;
	int		r;

	memset(out, 0, sizeof(*out));
	if ((r = check_frame(in, num_pieces, flags, &len, &id)) != BT_OK)
		return r;
	if (len == 0) {
		out->type = WIRE_KEEPALIVE;
		return bbuf_consume(in, PREFIX_LEN);
	}
	/* check_frame saw PREFIX_LEN + len bytes readable. */
	bbuf_view(&frame, bbuf_ptr(in), PREFIX_LEN + (size_t)len);
	if ((r = bbuf_consume(&frame, PREFIX_LEN + 1)) != BT_OK)
		return r;
	out->id = id;
	out->type = msg_type(id, flags);
	if ((r = decode_body(&frame, num_pieces, out)) != BT_OK) {
		memset(out, 0, sizeof(*out));
		return r;
	}
	return bbuf_consume(in, PREFIX_LEN + (size_t)len);
}

int
wire_handshake_decode(struct bbuf *in, struct wire_handshake *out)
{
	size_t	n = bbuf_len(in);
	int	r;

	memset(out, 0, sizeof(*out));
	/* Judge what has arrived of the fixed prefix at once. */
	if (n > HS_PREFIX_LEN)
		n = HS_PREFIX_LEN;
	if (n > 0 && memcmp(bbuf_ptr(in), HS_PREFIX, n) != 0)
		return BT_ERR_PROTO;
	if (bbuf_len(in) < WIRE_HANDSHAKE_LEN)
		return BT_ERR_INCOMPLETE;
	if ((r = bbuf_consume(in, HS_PREFIX_LEN)) != BT_OK ||
	    (r = bbuf_get_bytes(in, out->reserved, sizeof(out->reserved))) !=
	    BT_OK ||
	    (r = bbuf_get_bytes(in, out->info_hash, sizeof(out->info_hash))) !=
	    BT_OK ||
	    (r = bbuf_get_bytes(in, out->peer_id, sizeof(out->peer_id))) != BT_OK)
		return r;
	return BT_OK;
}

int
wire_handshake_encode(struct bbuf *out,
    const uint8_t reserved[WIRE_RESERVED_LEN], const uint8_t info_hash[20],
    const uint8_t peer_id[WIRE_PEER_ID_LEN])
{
	uint8_t	*room;
	int	 r;

	/* Reserving first makes the puts below unable to fail halfway. */
	if ((r = bbuf_reserve(out, WIRE_HANDSHAKE_LEN, &room)) != BT_OK ||
	    (r = bbuf_put_bytes(out, HS_PREFIX, HS_PREFIX_LEN)) != BT_OK ||
	    (r = bbuf_put_bytes(out, reserved, WIRE_RESERVED_LEN)) != BT_OK ||
	    (r = bbuf_put_bytes(out, info_hash, 20)) != BT_OK ||
	    (r = bbuf_put_bytes(out, peer_id, WIRE_PEER_ID_LEN)) != BT_OK)
		return r;
	return BT_OK;
}

/*
 * Starts a message: reserves `room' bytes (the whole message, or what the
 * caller appends now), then writes the length prefix and id.  Once the
 * reservation holds, the puts that follow cannot fail.
 */
static int
put_head(struct bbuf *out, uint32_t msg_len, uint8_t id, size_t room)
{
	uint8_t	*p;
	int	 r;

	if ((r = bbuf_reserve(out, room, &p)) != BT_OK ||
	    (r = bbuf_put_u32be(out, msg_len)) != BT_OK ||
	    (r = bbuf_put_u8(out, id)) != BT_OK)
		return r;
	return BT_OK;
}

/* A block [begin, begin + len) we would accept: 1..max bytes, end < 2^32. */
static int
check_block(uint32_t begin, size_t len, uint32_t max)
{
	if (len == 0 || len > max || len > UINT32_MAX - begin)
		return BT_ERR_RANGE;
	return BT_OK;
}

int
wire_put_keepalive(struct bbuf *out)
{
	return bbuf_put_u32be(out, 0);
}

int
wire_put_simple(struct bbuf *out, int type)
{
	if ((type < WIRE_CHOKE || type > WIRE_NOT_INTERESTED) &&
	    type != WIRE_HAVE_ALL && type != WIRE_HAVE_NONE)
		return BT_ERR_INVALID;
	return put_head(out, 1, (uint8_t)type, PREFIX_LEN + 1);
}

/* HAVE, SUGGEST_PIECE, ALLOWED_FAST: one piece index. */
static int
put_index(struct bbuf *out, uint8_t id, uint32_t index)
{
	int	r;

	if ((r = put_head(out, 5, id, PREFIX_LEN + 5)) != BT_OK)
		return r;
	return bbuf_put_u32be(out, index);
}

int
wire_put_have(struct bbuf *out, uint32_t index)
{
	return put_index(out, WIRE_HAVE, index);
}

int
wire_put_suggest(struct bbuf *out, uint32_t index)
{
	return put_index(out, WIRE_SUGGEST_PIECE, index);
}

int
wire_put_allowed_fast(struct bbuf *out, uint32_t index)
{
	return put_index(out, WIRE_ALLOWED_FAST, index);
}

int
wire_put_bitfield(struct bbuf *out, const uint8_t *bits, size_t len)
{
	int	r;

	if (len >= UINT32_MAX || len > SIZE_MAX - PREFIX_LEN - 1)
		return BT_ERR_LIMIT;
	if ((r = put_head(out, (uint32_t)len + 1, WIRE_BITFIELD,
	    PREFIX_LEN + 1 + len)) != BT_OK)
		return r;
	return bbuf_put_bytes(out, bits, len);
}

static int
put_request(struct bbuf *out, uint8_t id, uint32_t index, uint32_t begin,
    uint32_t length)
{
	int	r;

	if ((r = check_block(begin, length, WIRE_BLOCK_LEN)) != BT_OK)
		return r;
	if ((r = put_head(out, 13, id, PREFIX_LEN + 13)) != BT_OK ||
	    (r = bbuf_put_u32be(out, index)) != BT_OK ||
	    (r = bbuf_put_u32be(out, begin)) != BT_OK ||
	    (r = bbuf_put_u32be(out, length)) != BT_OK)
		return r;
	return BT_OK;
}

int
wire_put_request(struct bbuf *out, uint32_t index, uint32_t begin,
    uint32_t length)
{
	return put_request(out, WIRE_REQUEST, index, begin, length);
}

int
wire_put_cancel(struct bbuf *out, uint32_t index, uint32_t begin,
    uint32_t length)
{
	return put_request(out, WIRE_CANCEL, index, begin, length);
}

int
wire_put_reject(struct bbuf *out, uint32_t index, uint32_t begin,
    uint32_t length)
{
	return put_request(out, WIRE_REJECT_REQUEST, index, begin, length);
}

/* The PIECE header, with room reserved for `extra' more bytes after it
 * (the block: extra is block_len for both callers). */
static int
put_piece_head(struct bbuf *out, uint32_t index, uint32_t begin,
    size_t block_len, size_t extra)
{
	int	r;

	if ((r = check_block(begin, block_len, WIRE_MAX_BLOCK)) != BT_OK)
		return r;
	if ((r = put_head(out, PIECE_HEAD + (uint32_t)block_len, WIRE_PIECE,
	    PREFIX_LEN + PIECE_HEAD + extra)) != BT_OK ||
	    (r = bbuf_put_u32be(out, index)) != BT_OK ||
	    (r = bbuf_put_u32be(out, begin)) != BT_OK)
		return r;
	return BT_OK;
}

int
wire_put_piece_header(struct bbuf *out, uint32_t index, uint32_t begin,
    uint32_t block_len)
{
	/* Room for the block too: the caller's reserve cannot fail after. */
	return put_piece_head(out, index, begin, block_len, block_len);
}

int
wire_put_piece(struct bbuf *out, uint32_t index, uint32_t begin,
    const uint8_t *data, size_t len)
{
	int	r;

	if ((r = put_piece_head(out, index, begin, len, len)) != BT_OK)
		return r;
	return bbuf_put_bytes(out, data, len);
}

int
wire_put_port(struct bbuf *out, uint16_t port)
{
	int	r;

	if ((r = put_head(out, 3, WIRE_PORT, PREFIX_LEN + 3)) != BT_OK)
		return r;
	return bbuf_put_u16be(out, port);
}

int
wire_put_extended(struct bbuf *out, uint8_t ext_id, const uint8_t *payload,
    size_t len)
{
	int	r;

	if (len > WIRE_MAX_EXTENDED)
		return BT_ERR_LIMIT;
	if ((r = put_head(out, EXT_HEAD + (uint32_t)len, WIRE_EXTENDED,
	    PREFIX_LEN + EXT_HEAD + len)) != BT_OK ||
	    (r = bbuf_put_u8(out, ext_id)) != BT_OK)
		return r;
	return bbuf_put_bytes(out, payload, len);
}

static int
put_unknown(struct bbuf *out, const struct wire_msg *m)
{
	int	r;

	/* An extension's id is fine: unnegotiated, that is what it is. */
	if (m->id <= LAST_BEP3_ID)
		return BT_ERR_INVALID;
	if (m->data_len >= WIRE_MAX_UNKNOWN)
		return BT_ERR_LIMIT;
	if ((r = put_head(out, (uint32_t)m->data_len + 1, m->id,
	    PREFIX_LEN + 1 + m->data_len)) != BT_OK)
		return r;
	return bbuf_put_bytes(out, m->data, m->data_len);
}

int
wire_encode(struct bbuf *out, const struct wire_msg *m)
{
	switch (m->type) {
	case WIRE_KEEPALIVE:
		return wire_put_keepalive(out);
	case WIRE_CHOKE:
	case WIRE_UNCHOKE:
	case WIRE_INTERESTED:
	case WIRE_NOT_INTERESTED:
	case WIRE_HAVE_ALL:
	case WIRE_HAVE_NONE:
		return wire_put_simple(out, m->type);
	case WIRE_HAVE:
		return wire_put_have(out, m->index);
	case WIRE_BITFIELD:
		return wire_put_bitfield(out, m->data, m->data_len);
	case WIRE_REQUEST:
		return wire_put_request(out, m->index, m->begin, m->length);
	case WIRE_PIECE:
		return wire_put_piece(out, m->index, m->begin, m->data,
		    m->data_len);
	case WIRE_CANCEL:
		return wire_put_cancel(out, m->index, m->begin, m->length);
	case WIRE_PORT:
		return wire_put_port(out, m->port);
	case WIRE_SUGGEST_PIECE:
		return wire_put_suggest(out, m->index);
	case WIRE_REJECT_REQUEST:
		return wire_put_reject(out, m->index, m->begin, m->length);
	case WIRE_ALLOWED_FAST:
		return wire_put_allowed_fast(out, m->index);
	case WIRE_EXTENDED:
		return wire_put_extended(out, m->ext_id, m->data, m->data_len);
	case WIRE_UNKNOWN:
		return put_unknown(out, m);
	default:
		return BT_ERR_INVALID;
	}
}

void
wire_make_peer_id(uint8_t out[WIRE_PEER_ID_LEN], const uint8_t random12[12])
{
	static const char	alnum[] = "0123456789"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	size_t			i;

	memcpy(out, WIRE_PEER_ID_PREFIX, 8);
	for (i = 0; i < 12; i++)
		out[8 + i] = (uint8_t)alnum[random12[i] % (sizeof(alnum) - 1)];
}

/*
 * Client names.  Azureus style is "-XXvvvv-": a two-letter code and four
 * version characters, each 0-9, A-Z (10..35) or a-z (36..61) as libtorrent
 * writes them; how the four read differs per client.
 */
enum version_style {
	V_THREE,		/* a.b.c; the fourth is a build tag */
	V_FOUR,			/* a.b.c.d */
	V_TRANSMISSION,		/* "-TR3000-" 3.00, "-TR4050-" 4.0.5 */
	V_UTORRENT,		/* a.b.c and a tag: "B" beta, "X"/"Z" dev */
	V_BT,			/* bttui 0.x; BitTorrent Inc. 7.x shares "BT" */
};

static const struct az_client {
	char			 code[3];
	const char		*name;
	enum version_style	 style;
} az_clients[] = {
	{ "AZ", "Vuze", V_FOUR },
	{ "BI", "BiglyBT", V_FOUR },
	{ "BT", "bttui", V_BT },
	{ "DE", "Deluge", V_THREE },
	{ "FW", "FrostWire", V_THREE },
	{ "KT", "KTorrent", V_THREE },
	{ "LT", "libtorrent (Rasterbar)", V_THREE },
	{ "PI", "PicoTorrent", V_THREE },
	{ "SD", "Thunder", V_FOUR },
	{ "TR", "Transmission", V_TRANSMISSION },
	{ "UM", "\xc2\xb5Torrent Mac", V_UTORRENT },
	{ "UT", "\xc2\xb5Torrent", V_UTORRENT },
	{ "XL", "Xunlei", V_FOUR },
	{ "lt", "libTorrent (Rakshasa)", V_THREE },
	{ "qB", "qBittorrent", V_THREE },
};

static int
vchar(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return 10 + c - 'A';
	if (c >= 'a' && c <= 'z')
		return 36 + c - 'a';
	return 0;
}

static const char *
build_tag(uint8_t c)
{
	switch (c) {
	case 'b':
	case 'B':
		return " (Beta)";
	case 'd':
		return " (Debug)";
	case 'x':
	case 'X':
	case 'Z':
		return " (Dev)";
	default:
		return "";
	}
}

/* snprintf's result as our return value. */
static int
written(int n, size_t len, int ok)
{
	if (n < 0 || (size_t)n >= len)
		return BT_ERR_LIMIT;
	return ok;
}

static int
name_transmission(const uint8_t *id, char *buf, size_t len)
{
	int	n;

	if (id[3] == '0' && id[4] == '0' && id[5] == '0')	/* -TR0006- */
		n = snprintf(buf, len, "Transmission 0.%d", vchar(id[6]));
	else if (id[3] == '0' && id[4] == '0')			/* -TR0072- */
		n = snprintf(buf, len, "Transmission 0.%02d",
		    vchar(id[5]) * 10 + vchar(id[6]));
	else if (id[3] <= '3')		/* -TR111Z- is 1.11+ (up to 3.00) */
		n = snprintf(buf, len, "Transmission %d.%02d%s", vchar(id[3]),
		    vchar(id[4]) * 10 + vchar(id[5]),
		    id[6] == 'Z' || id[6] == 'X' ? "+" : "");
	else				/* -TR4050- is 4.0.5 */
		n = snprintf(buf, len, "Transmission %d.%d.%d%s", vchar(id[3]),
		    vchar(id[4]), vchar(id[5]), build_tag(id[6]));
	return written(n, len, BT_OK);
}

static int
name_azureus(const struct az_client *c, const uint8_t *id, char *buf,
    size_t len)
{
	const char	*name = c->name, *tag = "";
	int		 n;

	switch (c->style) {
	case V_TRANSMISSION:
		return name_transmission(id, buf, len);
	case V_FOUR:
		n = snprintf(buf, len, "%s %d.%d.%d.%d", name, vchar(id[3]),
		    vchar(id[4]), vchar(id[5]), vchar(id[6]));
		return written(n, len, BT_OK);
	case V_BT:
		if (id[3] != '0') {
			name = "BitTorrent";
			tag = build_tag(id[6]);
		}
		break;
	case V_UTORRENT:
		tag = build_tag(id[6]);
		break;
	case V_THREE:
		break;
	}
	n = snprintf(buf, len, "%s %d.%d.%d%s", name, vchar(id[3]),
	    vchar(id[4]), vchar(id[5]), tag);
	return written(n, len, BT_OK);
}

static const struct az_client *
find_azureus(const uint8_t *id)
{
	size_t	i;

	if (id[0] != '-' || id[7] != '-')
		return NULL;
	for (i = 0; i < sizeof(az_clients) / sizeof(az_clients[0]); i++) {
		if (id[1] == (uint8_t)az_clients[i].code[0] &&
		    id[2] == (uint8_t)az_clients[i].code[1])
			return &az_clients[i];
	}
	return NULL;
}

/* Reads "N-N-N-" (1 to 3 digits each) from id[at..end) into v. */
static int
dashed_version(const uint8_t *id, size_t at, size_t end, int v[3])
{
	size_t	k, digits;

	for (k = 0; k < 3; k++) {
		v[k] = 0;
		for (digits = 0; at < end && digits < 3 &&
		    id[at] >= '0' && id[at] <= '9'; digits++, at++)
			v[k] = v[k] * 10 + (id[at] - '0');
		if (digits == 0 || at >= end || id[at] != '-')
			return BT_ERR_FORMAT;
		at++;
	}
	return BT_OK;
}

static int
name_unknown(const uint8_t *id, char *buf, size_t len)
{
	char	prefix[9];
	size_t	i;
	int	n;

	for (i = 0; i < 8 && id[i] > ' ' && id[i] < 0x7f; i++)
		prefix[i] = (char)id[i];
	prefix[i] = '\0';
	if (i == 0)
		n = snprintf(buf, len, "unknown");
	else
		n = snprintf(buf, len, "unknown (%s)", prefix);
	return written(n, len, BT_ERR_NOTFOUND);
}

int
wire_client_name(const uint8_t peer_id[WIRE_PEER_ID_LEN], char *buf,
    size_t len)
{
	const struct az_client	*c;
	int			 v[3];

	if (len == 0)
		return BT_ERR_INVALID;
	if ((c = find_azureus(peer_id)) != NULL)
		return name_azureus(c, peer_id, buf, len);
	/* aria2: "A2-1-36-0-" then random bytes */
	if (memcmp(peer_id, "A2-", 3) == 0 &&
	    dashed_version(peer_id, 3, WIRE_PEER_ID_LEN, v) == BT_OK)
		return written(snprintf(buf, len, "aria2 %d.%d.%d", v[0], v[1],
		    v[2]), len, BT_OK);
	/* Mainline: "M7-4-2--", "M4-20-8-": within the first 8 bytes */
	if (peer_id[0] == 'M' && dashed_version(peer_id, 1, 8, v) == BT_OK)
		return written(snprintf(buf, len, "Mainline %d.%d.%d", v[0],
		    v[1], v[2]), len, BT_OK);
	return name_unknown(peer_id, buf, len);
}
