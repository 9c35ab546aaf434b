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
 *
 * Extensions: the handshake's reserved bits announce BEP 10 (extension
 * protocol), BEP 6 (fast extension) and BEP 5 (DHT).  Messages an extension
 * adds are decoded only when the caller says both ends set its bit
 * (wire_decode_ex flags); otherwise they stay WIRE_UNKNOWN, as from a
 * BEP 3 peer.  The BEP 6 allowed fast set is computed by wire_allowed_fast
 * (src/engine/wire_fast.c).
 */
#ifndef BT_WIRE_H
#define BT_WIRE_H

#include <stddef.h>
#include <stdint.h>

struct bbuf;
struct sockaddr_storage;

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
/* Largest payload of a BEP 10 EXTENDED message after its extended id: a
 * ut_metadata data message is a 16 KiB piece plus a small dict, a ut_pex
 * message 50 peers; 64 KiB leaves room and still bounds a peer. */
#define WIRE_MAX_EXTENDED	(64u * 1024)
/* Largest k wire_allowed_fast computes: BEP 6 suggests 10; more would
 * let any peer download much of a torrent while choked. */
#define WIRE_MAX_ALLOWED_FAST	64u
/* A buffer this big holds any name wire_client_name writes (the longest
 * is about 32 bytes). */
#define WIRE_CLIENT_NAME_LEN	48

/* Handshake reserved bits: reserved[BYTE] & MASK. */
#define WIRE_RESERVED_LEN	8
#define WIRE_RSV_EXT_BYTE	5	/* BEP 10: reserved[5] & 0x10 */
#define WIRE_RSV_EXT_MASK	0x10
#define WIRE_RSV_FAST_BYTE	7	/* BEP 6: reserved[7] & 0x04 */
#define WIRE_RSV_FAST_MASK	0x04
#define WIRE_RSV_DHT_BYTE	7	/* BEP 5: reserved[7] & 0x01 */
#define WIRE_RSV_DHT_MASK	0x01

/* Extension flags: what a handshake announces (wire_reserved_make,
 * wire_handshake_flags) and what was negotiated (wire_decode_ex). */
#define WIRE_F_EXT		0x01u	/* BEP 10 extension protocol */
#define WIRE_F_FAST		0x02u	/* BEP 6 fast extension */
#define WIRE_F_DHT		0x04u	/* BEP 5 DHT */

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
	WIRE_SUGGEST_PIECE = 0x0d,	/* BEP 6, with WIRE_F_FAST */
	WIRE_HAVE_ALL = 0x0e,		/* BEP 6, with WIRE_F_FAST */
	WIRE_HAVE_NONE = 0x0f,		/* BEP 6, with WIRE_F_FAST */
	WIRE_REJECT_REQUEST = 0x10,	/* BEP 6, with WIRE_F_FAST */
	WIRE_ALLOWED_FAST = 0x11,	/* BEP 6, with WIRE_F_FAST */
	WIRE_EXTENDED = 20,		/* BEP 10, with WIRE_F_EXT */
	WIRE_UNKNOWN = 255,	/* any other id: decoded whole, then skipped */
};

/*
 * One decoded message.  Fields a type does not use are 0 / NULL.
 *   HAVE                 index
 *   REQUEST, CANCEL      index, begin, length
 *   PIECE                index, begin, length (== data_len), data
 *   BITFIELD             data: ceil(num_pieces / 8) raw bytes, MSB first
 *   PORT                 port
 *   SUGGEST_PIECE        index
 *   HAVE_ALL, HAVE_NONE  nothing
 *   REJECT_REQUEST       index, begin, length (of the request refused)
 *   ALLOWED_FAST         index
 *   EXTENDED             ext_id (the byte after id 20: 0 is the BEP 10
 *                        handshake, others are the ids the receiver chose),
 *                        data: the payload after it (bencoded, not checked
 *                        here), 0..WIRE_MAX_EXTENDED bytes
 *   UNKNOWN              id, data: the payload after the id
 * data is BORROWED from the input bbuf: valid until the next put, reserve
 * or cleanup on that buffer.  id is the raw id byte (0 for a keep-alive).
 */
struct wire_msg {
	int		 type;		/* enum wire_msg_type */
	uint8_t		 id;
	uint8_t		 ext_id;
	uint32_t	 index, begin, length;
	const uint8_t	*data;
	size_t		 data_len;
	uint16_t	 port;
};

struct wire_handshake {
	uint8_t	reserved[WIRE_RESERVED_LEN];	/* as the peer sent them */
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
 * `flags' are the extensions negotiated on this connection (WIRE_F_*: both
 * ends set the bit in their handshakes; WIRE_F_DHT and unknown bits change
 * nothing).  BT_OK: the message is consumed.  Every error consumes nothing:
 *   BT_ERR_INCOMPLETE  more bytes are needed
 *   BT_ERR_LIMIT       length prefix over the bound for its id (or over
 *                      wire_frame_max, checked with only 4 bytes present);
 *                      an EXTENDED payload over WIRE_MAX_EXTENDED
 *   BT_ERR_FORMAT      wrong length for a fixed-size message, a BITFIELD
 *                      not exactly ceil(num_pieces / 8) bytes or with spare
 *                      bits set, a PIECE with an empty block, an EXTENDED
 *                      without its ext_id byte
 *   BT_ERR_RANGE       HAVE/REQUEST/CANCEL/PIECE/SUGGEST_PIECE/
 *                      REJECT_REQUEST/ALLOWED_FAST index >= num_pieces;
 *                      REQUEST/CANCEL/REJECT_REQUEST length 0 or
 *                      > WIRE_BLOCK_LEN; begin plus length past 2^32 - 1
 * Length and id are judged as soon as the first 5 bytes are there; the
 * other errors need the whole message.  Checking begin/length against the
 * piece's size is the caller's job (wire does not know piece sizes).
 *
 * Without WIRE_F_FAST, ids 0x0d..0x11 decode as WIRE_UNKNOWN; without
 * WIRE_F_EXT, id 20 does (bounded by WIRE_MAX_UNKNOWN, payload in data).
 * The codec does not judge that: BEP 6 says a peer that sends a fast
 * message unnegotiated MUST be dropped, and the caller does it when
 * wire_id_flags(m.id) names a flag it did not negotiate.
 */
int	wire_decode_ex(struct bbuf *in, uint32_t num_pieces, unsigned flags,
	    struct wire_msg *out);
/* wire_decode_ex with no extension negotiated (flags 0): plain BEP 3. */
int	wire_decode(struct bbuf *in, uint32_t num_pieces, struct wire_msg *out);
/* The WIRE_F_* flag under which wire_decode_ex knows message id `id':
 * WIRE_F_FAST for 0x0d..0x11, WIRE_F_EXT for 20, 0 for the BEP 3 ids
 * (always known) and for ids no extension here defines. */
unsigned	wire_id_flags(uint8_t id);

/*
 * Decodes the 68-byte handshake from the front of `in' into *out (zeroed on
 * entry).  BT_OK consumes it.  BT_ERR_PROTO as soon as any byte that has
 * arrived of pstrlen (19) and pstr differs: a bad first byte is refused
 * with one byte present.  BT_ERR_INCOMPLETE otherwise until all 68 bytes
 * are there.  Errors consume nothing.  The caller checks info_hash/peer_id.
 */
int	wire_handshake_decode(struct bbuf *in, struct wire_handshake *out);
/* Appends a handshake with these reserved bytes (wire_reserved_make), or
 * nothing on error (those of bbuf puts). */
int	wire_handshake_encode(struct bbuf *out,
	    const uint8_t reserved[WIRE_RESERVED_LEN],
	    const uint8_t info_hash[20], const uint8_t peer_id[WIRE_PEER_ID_LEN]);
/* Writes reserved bytes announcing the WIRE_F_* extensions in `flags'
 * (other bits of flags are ignored); all zero for flags 0. */
void	wire_reserved_make(unsigned flags, uint8_t out[WIRE_RESERVED_LEN]);
/* The WIRE_F_* extensions a received handshake announces; other reserved
 * bits are ignored.  What the connection may use is ours & theirs. */
unsigned	wire_handshake_flags(const struct wire_handshake *hs);
/* One bit of wire_handshake_flags each: 1 if announced, else 0. */
int	wire_supports_ext(const struct wire_handshake *hs);
int	wire_supports_fast(const struct wire_handshake *hs);
int	wire_supports_dht(const struct wire_handshake *hs);

/*
 * Encoders append one whole message to `out', or nothing: on error `out' is
 * unchanged.  Errors: those of bbuf puts (BT_ERR_LIMIT over out's max,
 * BT_ERR_NOMEM, BT_ERR_INVALID on a view), and BT_ERR_INVALID / BT_ERR_RANGE
 * for arguments our own decoder would refuse (noted per function).
 */
int	wire_put_keepalive(struct bbuf *out);
/* type: CHOKE, UNCHOKE, INTERESTED, NOT_INTERESTED, HAVE_ALL or HAVE_NONE,
 * else BT_ERR_INVALID. */
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
/* BEP 6 (send only when WIRE_F_FAST was negotiated; HAVE_ALL and
 * HAVE_NONE go through wire_put_simple). */
int	wire_put_suggest(struct bbuf *out, uint32_t index);
/* Same limits as wire_put_request: we reject only requests we decoded. */
int	wire_put_reject(struct bbuf *out, uint32_t index, uint32_t begin,
	    uint32_t length);
int	wire_put_allowed_fast(struct bbuf *out, uint32_t index);
/* BEP 10 (only with WIRE_F_EXT): id 20, ext_id, then len payload bytes
 * (the caller's bencoding, copied).  BT_ERR_LIMIT when len is over
 * WIRE_MAX_EXTENDED. */
int	wire_put_extended(struct bbuf *out, uint8_t ext_id,
	    const uint8_t *payload, size_t len);
/*
 * Encodes any decoded message back through the encoders above (UNKNOWN uses
 * id and data), byte for byte the frame wire_decode_ex consumed.  Also
 * BT_ERR_INVALID on a type outside enum wire_msg_type or an UNKNOWN with a
 * BEP 3 id (0..9), BT_ERR_LIMIT on an UNKNOWN over WIRE_MAX_UNKNOWN.  An
 * UNKNOWN may carry an extension's id (0x0d..0x11, 20): that is how such
 * a message decodes when its extension was not negotiated.
 */
int	wire_encode(struct bbuf *out, const struct wire_msg *m);

/*
 * BEP 6 allowed fast set: the first min(k, num_pieces) piece indices of
 * the canonical algorithm for a peer at peer_addr (its IP only; the port
 * is ignored) in torrent info_hash, written to out[0..) in the order the
 * algorithm finds them, so the set for k is a prefix of the one for k + 1.
 * *n_out (0 on error) is how many were written; out has room for k.
 *   IPv4 (and IPv4-mapped IPv6): x = the address & 0xffffff00, 4 bytes.
 *   IPv6: BEP 6 defines nothing.  We use the 16 bytes with all but the
 *     first 48 bits zeroed (a site's prefix: one user's addresses share
 *     it, as one user's IPv4 addresses share a /24), so x is 16 bytes.
 * Then x += info_hash and x = SHA-1(x) repeatedly, each digest giving five
 * big-endian u32s, each % num_pieces, kept when new.
 * BT_OK (n 0 when num_pieces or k is 0); BT_ERR_LIMIT when k is over
 * WIRE_MAX_ALLOWED_FAST; BT_ERR_INVALID for a family other than AF_INET
 * or AF_INET6.
 */
int	wire_allowed_fast(const struct sockaddr_storage *peer_addr,
	    const uint8_t info_hash[20], uint32_t num_pieces, unsigned k,
	    uint32_t *out, unsigned *n_out);

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
