/*
 * extmsg: the BEP 10 extension protocol's messages as pure encode/decode
 * functions: the extended handshake (BEP 10) and ut_metadata (BEP 9).
 * ut_pex (BEP 11) is in pex.h, built on the frame helpers here.  No sockets,
 * no clock, no globals.
 *
 * An extended message is a BEP 3 message with wire id 20 whose payload is
 * one byte of extended id (0 = handshake; any other is an id the RECEIVER
 * chose in its handshake) and a bencoded dictionary, which ut_metadata data
 * messages follow with raw bytes.  The decoders take the BODY: the payload
 * after the extended id (extmsg_split gives it).  The encoders append a
 * whole wire message (length prefix, 20, extended id, body) or nothing.
 *
 * Every decoder reads only body[0..len), refuses a body over EXTMSG_MAX_BODY
 * and nesting deeper than BENCODE_MAX_DEPTH (bencode's own bound), and on
 * error writes one line saying why into errbuf[errlen] (NULL is fine).
 */
#ifndef BT_EXTMSG_H
#define BT_EXTMSG_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "engine/caddr.h"

struct bbuf;
struct bencode;

#define EXTMSG_WIRE_ID		20	/* BEP 10: the "extended" message */
#define EXTMSG_RESERVED_BYTE	5	/* BEP 10: reserved[5] & 0x10 */
#define EXTMSG_RESERVED_BIT	0x10
#define EXTMSG_HANDSHAKE_ID	0	/* BEP 10: the handshake's ext. id */

/* The extended ids we ask peers to use for messages they send us (libtorrent
 * numbers them the same way).  Ours to choose: BEP 10 only asks that they
 * differ. */
#define EXTMSG_OUR_UT_PEX	1
#define EXTMSG_OUR_UT_METADATA	2

/* Largest body we decode or encode.  As large as the biggest unknown-id
 * message wire.h buffers (WIRE_MAX_UNKNOWN), so nothing the wire accepts is
 * refused for its size alone; a PEX flood of 10,000 IPv6 peers fits. */
#define EXTMSG_MAX_BODY		(256u * 1024)

#define EXTMSG_CLIENT_LEN	64	/* v, sanitised, NUL included */
/* reqq above this is clamped: more than we would ever keep queued at one
 * peer (peer.h's PEER_MAX_PIPELINE is 500). */
#define EXTMSG_REQQ_MAX		2048

/* BEP 9: metadata moves in 16 KiB pieces; the last may be shorter. */
#define EXTMSG_METADATA_PIECE	16384u
/* Largest info dictionary we fetch or announce (the bound). */
#define EXTMSG_METADATA_MAX	(16u * 1024 * 1024)
#define EXTMSG_METADATA_MAX_PIECES \
	(EXTMSG_METADATA_MAX / EXTMSG_METADATA_PIECE)

/*
 * Splits the payload of a wire message 20 (wire_msg.data) into the extended
 * id and the body, which points into payload.  BT_OK, or BT_ERR_FORMAT when
 * the payload is empty (outputs zeroed).
 */
int	extmsg_split(const uint8_t *payload, size_t len, uint8_t *ext_id_out,
	    const uint8_t **body_out, size_t *body_len_out);

/*
 * Decodes the bencoded dictionary at the front of body[0..len) into *out
 * (free with bencode_free) and its length into *dict_len_out; with whole
 * set, bytes after it are an error.  `what' names the message in errbuf
 * ("ut_pex: not bencode: byte 3: ...").  Errors: BT_ERR_LIMIT (len over
 * EXTMSG_MAX_BODY, too deep), BT_ERR_FORMAT (not bencode, cut short, not a
 * dictionary, trailing bytes), BT_ERR_NOMEM; *out is NULL.
 */
int	extmsg_decode_dict(const uint8_t *body, size_t len, int whole,
	    const char *what, struct bencode **out, size_t *dict_len_out,
	    char *errbuf, size_t errlen);
/*
 * Appends one extended message: length prefix, EXTMSG_WIRE_ID, ext_id, the
 * canonical encoding of dict, then tail[0..tail_len) (NULL when 0).  All or
 * nothing.  Errors: BT_ERR_LIMIT (body over EXTMSG_MAX_BODY or out full),
 * BT_ERR_NOMEM, BT_ERR_INVALID (dict is not a dictionary; out is a view).
 */
int	extmsg_put_frame(struct bbuf *out, uint8_t ext_id,
	    const struct bencode *dict, const uint8_t *tail, size_t tail_len);

/* ---- BEP 10 extended handshake ---- */

/* Which fields a handshake holds (flags) or held with a wrong type or value
 * and were ignored (bad). */
enum extmsg_hs_field {
	EXTMSG_HS_M = 1 << 0,		/* m is a dictionary */
	EXTMSG_HS_UT_METADATA = 1 << 1,	/* m names ut_metadata (id may be 0) */
	EXTMSG_HS_UT_PEX = 1 << 2,	/* m names ut_pex (id may be 0) */
	EXTMSG_HS_V = 1 << 3,
	EXTMSG_HS_P = 1 << 4,
	EXTMSG_HS_YOURIP = 1 << 5,
	EXTMSG_HS_METADATA_SIZE = 1 << 6,
	EXTMSG_HS_REQQ = 1 << 7,
};

/*
 * One extended handshake.  A field is meaningful only when its flag is set;
 * otherwise it holds the "absent" value given here.
 *   ut_metadata, ut_pex  the id to send that message with; 0: the peer does
 *                        not support it or disabled it (BEP 10)
 *   client   v: valid printable UTF-8, control characters and invalid bytes
 *            replaced by '?', cut at a character boundary; "" when absent
 *   port     p: 1..65535; 0 when absent
 *   yourip   how the peer sees us, port 0; family 0 when absent
 *   metadata_size  1..EXTMSG_METADATA_MAX; -1 when absent or bad
 *   reqq     1..EXTMSG_REQQ_MAX (larger values clamped); 0 when absent
 */
struct extmsg_handshake {
	unsigned		flags;	/* enum extmsg_hs_field: present */
	unsigned		bad;	/* enum extmsg_hs_field: ignored */
	uint8_t			ut_metadata, ut_pex;
	char			client[EXTMSG_CLIENT_LEN];
	uint16_t		port;
	struct caddr		yourip;	/* port 0 */
	int64_t			metadata_size;
	uint32_t		reqq;
};

/*
 * Decodes a handshake body into *out (reset to absent values first).
 * Liberal, as BEP 10 asks: unknown keys and unknown extensions are ignored,
 * and a field we use with the wrong type or an impossible value (p 0 or over
 * 65535, an id over 255, yourip not 4 or 16 bytes, metadata_size <= 0 or
 * over EXTMSG_METADATA_MAX, reqq <= 0, m not a dictionary, v not a string)
 * is ignored and its bit set in out->bad.  So only the errors of
 * extmsg_decode_dict (the body is not a whole bencoded dictionary, or too
 * big or deep) come back; *out then holds absent values.
 */
int	extmsg_handshake_decode(const uint8_t *body, size_t len,
	    struct extmsg_handshake *out, char *errbuf, size_t errlen);
/*
 * Applies a later handshake from the same peer: BEP 10 makes m additive, so
 * each field `next' holds replaces cur's and the others stay; cur->bad
 * becomes next's.
 */
void	extmsg_handshake_merge(struct extmsg_handshake *cur,
	    const struct extmsg_handshake *next);
/*
 * Fills *out with what bttui announces: m with EXTMSG_OUR_UT_METADATA and
 * EXTMSG_OUR_UT_PEX for the extensions named in exts (EXTMSG_HS_UT_METADATA,
 * EXTMSG_HS_UT_PEX; leave out ut_pex for a private torrent, BEP 27), v
 * "bttui <version>", p when port is not 0, metadata_size when it is
 * 1..EXTMSG_METADATA_MAX, reqq when 1..EXTMSG_REQQ_MAX.  Add yourip with
 * extmsg_handshake_set_yourip.
 */
void	extmsg_handshake_ours(struct extmsg_handshake *out, unsigned exts,
	    uint16_t port, int64_t metadata_size, uint32_t reqq);
/* Sets yourip to the peer's address as we see it (its port is dropped).
 * BT_OK or BT_ERR_INVALID (another family; hs unchanged). */
int	extmsg_handshake_set_yourip(struct extmsg_handshake *hs,
	    const struct sockaddr_storage *ss, socklen_t len);
/*
 * Appends the handshake message (extended id 0) with the fields flagged in
 * hs->flags: m (when any of EXTMSG_HS_M, _UT_METADATA, _UT_PEX), v, p,
 * yourip, metadata_size, reqq.  Errors: those of extmsg_put_frame, and
 * BT_ERR_INVALID for a flagged field its decoder would ignore (port 0, a
 * metadata_size or reqq out of range, a yourip family other than AF_INET or
 * AF_INET6, a client not NUL-terminated); nothing is appended.
 */
int	extmsg_handshake_encode(struct bbuf *out,
	    const struct extmsg_handshake *hs);

/* ---- BEP 9 ut_metadata ---- */

enum extmsg_metadata_type {
	EXTMSG_METADATA_UNKNOWN = -1,	/* BEP 9: ignore it */
	EXTMSG_METADATA_REQUEST = 0,
	EXTMSG_METADATA_DATA = 1,
	EXTMSG_METADATA_REJECT = 2,
};

/*
 * One ut_metadata message.
 *   REQUEST, REJECT  piece
 *   DATA             piece, total_size, data[0..data_len): the piece's bytes,
 *                    BORROWED from the body passed to the decoder (valid as
 *                    long as it is)
 *   UNKNOWN          nothing (msg_type was another integer)
 * Unused fields are 0 / NULL.
 */
struct extmsg_metadata {
	int		 type;		/* enum extmsg_metadata_type */
	uint32_t	 piece;
	uint32_t	 total_size;
	const uint8_t	*data;
	size_t		 data_len;
};

/* Pieces in metadata of total_size bytes (0 when total_size is 0 or over
 * EXTMSG_METADATA_MAX). */
uint32_t	extmsg_metadata_pieces(uint32_t total_size);
/* Bytes in that piece: EXTMSG_METADATA_PIECE but for the last; 0 when the
 * piece does not exist. */
uint32_t	extmsg_metadata_piece_len(uint32_t total_size, uint32_t piece);

/*
 * Decodes a ut_metadata body into *out (zeroed first).  BT_OK also for an
 * unknown msg_type (type UNKNOWN: ignore it, BEP 9).  Errors:
 *   BT_ERR_FORMAT  not a bencoded dictionary; msg_type or piece missing or
 *                  not an integer; DATA without an integer total_size;
 *                  bytes after the dictionary of a REQUEST or REJECT; DATA
 *                  bytes other than extmsg_metadata_piece_len
 *   BT_ERR_RANGE   piece negative or >= EXTMSG_METADATA_MAX_PIECES; DATA
 *                  total_size <= 0 or over EXTMSG_METADATA_MAX, or a piece
 *                  past its end
 *   BT_ERR_LIMIT   DATA bytes over EXTMSG_METADATA_PIECE; those of
 *                  extmsg_decode_dict
 *   BT_ERR_NOMEM
 * Whether piece and total_size match what we asked for and what the
 * handshake said is the caller's business.
 */
int	extmsg_metadata_decode(const uint8_t *body, size_t len,
	    struct extmsg_metadata *out, char *errbuf, size_t errlen);
/*
 * Append one ut_metadata message; ext_id is the id the PEER gave ut_metadata
 * in its handshake.  Errors: those of extmsg_put_frame; BT_ERR_INVALID for
 * ext_id 0 or a type other than the three; BT_ERR_RANGE for a piece or
 * total_size the decoder refuses; BT_ERR_FORMAT for DATA whose len is not
 * extmsg_metadata_piece_len(total_size, piece).  Nothing is appended on
 * error.
 */
int	extmsg_put_metadata_request(struct bbuf *out, uint8_t ext_id,
	    uint32_t piece);
int	extmsg_put_metadata_reject(struct bbuf *out, uint8_t ext_id,
	    uint32_t piece);
int	extmsg_put_metadata_data(struct bbuf *out, uint8_t ext_id,
	    uint32_t piece, uint32_t total_size, const uint8_t *data,
	    size_t len);
/* Any decoded message but UNKNOWN, through the three above. */
int	extmsg_metadata_encode(struct bbuf *out, uint8_t ext_id,
	    const struct extmsg_metadata *m);

#endif
