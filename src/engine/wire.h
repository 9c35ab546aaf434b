/*
 * wire: the BitTorrent peer wire protocol (BEP 3) as pure encode/decode
 * functions over struct bbuf.  No sockets, no allocation of its own: the
 * engine feeds received bytes into a peer's input bbuf and calls
 * wire_decode in a loop until BT_ERR_INCOMPLETE; it appends outgoing
 * messages to the peer's output bbuf with the wire_put_*() encoders.
 *
 * A message is a 4-byte big-endian length prefix, then (unless the length
 * is 0, a keep-alive) a one-byte id and the payload.  Every length prefix
 * is checked as soon as it arrives, before the body is buffered.
 */
#ifndef BT_WIRE_H
#define BT_WIRE_H

#include <stddef.h>
#include <stdint.h>

struct bbuf;

#define WIRE_PROTOCOL		"BitTorrent protocol"	/* BEP 3 pstr */
#define WIRE_PROTOCOL_LEN	19
#define WIRE_HANDSHAKE_LEN	68	/* 1 + 19 + 8 reserved + 20 + 20 */
#define WIRE_PEER_ID_LEN	20
#define WIRE_PEER_ID_PREFIX	"-BT0100-"	/* Azureus style; bump with VERSION */

/* Block size we request (BEP 3 convention), and the largest REQUEST or
 * CANCEL length we serve. */
#define WIRE_BLOCK_LEN		16384u
/* Largest PIECE block we accept from a peer: liberal (8 blocks) so odd
 * clients work, but still a hard cap on what one message can buffer. */
#define WIRE_MAX_BLOCK		131072u
/* Largest length prefix (id byte included) of a message whose id we do
 * not know (BEP 6, BEP 10...): such messages are skipped whole, so this
 * bounds what a peer can make us buffer for nothing. */
#define WIRE_MAX_UNKNOWN	(256u * 1024)
/* A buffer this big holds any name wire_client_name writes (the longest
 * is about 32 bytes). */
#define WIRE_CLIENT_NAME_LEN	48

enum wire_msg_type {		/* BEP 3 message ids */
	WIRE_KEEPALIVE = -1,	/* length prefix 0, no id */
	WIRE_CHOKE = 0,
	WIRE_UNCHOKE = 1,
	WIRE_INTERESTED = 2,
	WIRE_NOT_INTERESTED = 3,
	WIRE_HAVE = 4,
	WIRE_BITFIELD = 5,
	WIRE_REQUEST = 6,
	WIRE_PIECE = 7,
	WIRE_CANCEL = 8,
	WIRE_PORT = 9,		/* BEP 5 DHT port */
	WIRE_UNKNOWN = 255,	/* any other id: decoded whole, then skipped */
};

/*
 * One decoded message.  Fields a type does not use are 0 / NULL.
 *   HAVE                 index
 *   REQUEST, CANCEL      index, begin, length
 *   PIECE                index, begin, length (== data_len), data
 *   BITFIELD             data: ceil(num_pieces / 8) raw bytes, MSB first
 *   PORT                 port
 *   UNKNOWN              id, data: the payload after the id
 * data is BORROWED from the input bbuf: valid until the next put, reserve
 * or cleanup on that buffer.  id is the raw id byte (0 for a keep-alive).
 */
struct wire_msg {
	int		 type;		/* enum wire_msg_type */
	uint8_t		 id;
	uint32_t	 index, begin, length;
	const uint8_t	*data;
	size_t		 data_len;
	uint16_t	 port;
};

struct wire_handshake {
	uint8_t	reserved[8];		/* extension bits, as received */
	uint8_t	info_hash[20];
	uint8_t	peer_id[WIRE_PEER_ID_LEN];
};

/*
 * The largest frame (length prefix included) a legal message can have for a
 * torrent of num_pieces pieces: a peer's input bbuf needs at least this max,
 * or a legal BITFIELD could never complete.
 */
size_t	wire_frame_max(uint32_t num_pieces);

/*
 * Decodes one message from the front of `in' into *out (zeroed on entry).
 * BT_OK: the message is consumed.  Every error consumes nothing:
 *   BT_ERR_INCOMPLETE  more bytes are needed
 *   BT_ERR_LIMIT       length prefix over the bound for its id (or over
 *                      wire_frame_max, checked with only 4 bytes present)
 *   BT_ERR_FORMAT      wrong length for a fixed-size message, a BITFIELD
 *                      not exactly ceil(num_pieces / 8) bytes or with spare
 *                      bits set, a PIECE with an empty block
 *   BT_ERR_RANGE       HAVE/REQUEST/CANCEL/PIECE index >= num_pieces;
 *                      REQUEST/CANCEL length 0 or > WIRE_BLOCK_LEN; begin
 *                      plus length past 2^32 - 1
 * Length and id are judged as soon as the first 5 bytes are there; the
 * other errors need the whole message.  Checking begin/length against the
 * piece's size is the caller's job (wire does not know piece sizes).
 */
int	wire_decode(struct bbuf *in, uint32_t num_pieces, struct wire_msg *out);

/*
 * Decodes the 68-byte handshake from the front of `in' into *out (zeroed on
 * entry).  BT_OK consumes it.  BT_ERR_PROTO as soon as any byte that has
 * arrived of pstrlen (19) and pstr differs: a bad first byte is refused
 * with one byte present.  BT_ERR_INCOMPLETE otherwise until all 68 bytes
 * are there.  Errors consume nothing.  The caller checks info_hash/peer_id.
 */
int	wire_handshake_decode(struct bbuf *in, struct wire_handshake *out);
/* Appends a handshake with all reserved bits zero. */
int	wire_handshake_encode(struct bbuf *out, const uint8_t info_hash[20],
	    const uint8_t peer_id[WIRE_PEER_ID_LEN]);

/*
 * Encoders append one whole message to `out', or nothing: on error `out' is
 * unchanged.  Errors: those of bbuf puts (BT_ERR_LIMIT over out's max,
 * BT_ERR_NOMEM, BT_ERR_INVALID on a view), and BT_ERR_INVALID / BT_ERR_RANGE
 * for arguments our own decoder would refuse (noted per function).
 */
int	wire_put_keepalive(struct bbuf *out);
/* type: CHOKE, UNCHOKE, INTERESTED or NOT_INTERESTED, else BT_ERR_INVALID. */
int	wire_put_simple(struct bbuf *out, int type);
int	wire_put_have(struct bbuf *out, uint32_t index);
/* bits: len raw bytes (len may be 0); BT_ERR_LIMIT when len >= 2^32 - 1. */
int	wire_put_bitfield(struct bbuf *out, const uint8_t *bits, size_t len);
/* length must be 1..WIRE_BLOCK_LEN and begin + length < 2^32, else
 * BT_ERR_RANGE. */
int	wire_put_request(struct bbuf *out, uint32_t index, uint32_t begin,
	    uint32_t length);
int	wire_put_cancel(struct bbuf *out, uint32_t index, uint32_t begin,
	    uint32_t length);
/*
 * Only the 13-byte header of a PIECE whose block is block_len bytes: the
 * caller must append exactly block_len bytes right after (bbuf_reserve +
 * pread + bbuf_commit), with nothing in between.  Room for the block is
 * reserved too, so on BT_OK that bbuf_reserve(out, block_len) cannot fail;
 * on error nothing is written.  block_len must be 1..WIRE_MAX_BLOCK and
 * begin + block_len < 2^32 (BT_ERR_RANGE).
 */
int	wire_put_piece_header(struct bbuf *out, uint32_t index, uint32_t begin,
	    uint32_t block_len);
/* Header and block; same limits as wire_put_piece_header. */
int	wire_put_piece(struct bbuf *out, uint32_t index, uint32_t begin,
	    const uint8_t *data, size_t len);
int	wire_put_port(struct bbuf *out, uint16_t port);
/*
 * Encodes any decoded message back through the encoders above (UNKNOWN uses
 * id and data), byte for byte the frame wire_decode consumed.  Also
 * BT_ERR_INVALID on a type outside enum wire_msg_type or an UNKNOWN with a
 * known id, BT_ERR_LIMIT on an UNKNOWN over WIRE_MAX_UNKNOWN.
 */
int	wire_encode(struct bbuf *out, const struct wire_msg *m);

/*
 * Our peer id: WIRE_PEER_ID_PREFIX then 12 characters from [0-9A-Za-z],
 * one per random byte (r % 62: the slight bias does not matter for an id).
 */
void	wire_make_peer_id(uint8_t out[WIRE_PEER_ID_LEN],
	    const uint8_t random12[12]);

/*
 * Writes a client name for a peer id into buf (len bytes, NUL-terminated
 * when len > 0): "Transmission 3.00", "qBittorrent 4.5.0", "aria2 1.36.0",
 * "Mainline 7.4.2"... or "unknown" plus the id's printable ASCII prefix in
 * parentheses.  Names may hold UTF-8 ("\xc2\xb5Torrent").  BT_OK for a known
 * client, BT_ERR_NOTFOUND for an unknown one (buf is still written),
 * BT_ERR_LIMIT when the text was truncated, BT_ERR_INVALID when len is 0.
 */
int	wire_client_name(const uint8_t peer_id[WIRE_PEER_ID_LEN], char *buf,
	    size_t len);

#endif
