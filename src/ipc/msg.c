/*
 * msg: payload encoders and decoders, field by field in big-endian order
 * through bbuf.  Decoders check every count against its array bound before
 * they read the array, every string length against its field, every enum
 * against its range, and end on "all bytes used".  Encoders write into a
 * scratch buffer capped at the type's largest size and append it to the
 * caller's buffer only when the whole payload is good, so a failed encode
 * appends nothing.  Torrent ids are checked like enums: a snapshot names a
 * real torrent, the two reserved ids appear only where msg.h allows them.
 */
#include "msg.h"

#include <stdlib.h>
#include <string.h>

#include "bbuf.h"
#include "err.h"

/* Encoded sizes: a string is a u16 length and up to (field - 1) bytes. */
#define STR_MIN			2
#define STR_MAX(field)		(2 + (field) - 1)

#define ID_LEN		4	/* torrent_id, first in most payloads */
#define REGISTER_MIN	(4 + 4 + 2 + STR_MIN)
#define REGISTER_MAX	(REGISTER_MIN - STR_MIN + STR_MAX(MSG_PATH_MAX))
#define HEARTBEAT_LEN	(8 + 8)
#define STATUS_MIN	(ID_LEN + 1 + 7 * 8 + 6 * 4 + 2 * 8 + 4 + 8 + 4 + \
			    20 + 4 + 4 + 2 * STR_MIN + 1 + 2 * 4 + STR_MIN)
#define STATUS_MAX	(STATUS_MIN - 3 * STR_MIN + STR_MAX(MSG_NAME_MAX) + \
			    STR_MAX(MSG_TEXT_MAX) + STR_MAX(MSG_MAGNET_MAX))
#define PEER_MIN	(4 + 2 * STR_MIN + 1 + 2 + 8 + 8 + 4 + 4 + 1 + 1)
#define PEER_MAX	(PEER_MIN - 2 * STR_MIN + STR_MAX(MSG_ADDR_MAX) + \
			    STR_MAX(MSG_CLIENT_MAX))
#define PEERS_MIN	(ID_LEN + 3 * 4)
#define PEERS_MAX	(PEERS_MIN + MSG_MAX_PEERS * PEER_MAX)
#define PIECEMAP_MIN	(ID_LEN + 3 * 4)
#define PIECEMAP_MAX	(PIECEMAP_MIN + MSG_PIECEMAP_CHUNK)
#define SPAN_LEN	(4 + 8 + 8)
#define BLOCK_LEN	(1 + 4)
#define PDETAIL_MIN	(ID_LEN + 4 + 8 + 4 + 1 + 4 + 4 + 3 * 4)
#define PDETAIL_MAX	(PDETAIL_MIN + MSG_MAX_SPANS * SPAN_LEN + \
			    MSG_MAX_BLOCKS * BLOCK_LEN + MSG_MAX_HAVING * 4)
#define REQ_LEN		(3 * 4)
#define PEERDET_MIN	(ID_LEN + PEER_MIN + 3 * 8 + 3 * 4 + 2 * 4 + 1 + 8 + \
			    STR_MIN)
#define PEERDET_MAX	(PEERDET_MIN - PEER_MIN + PEER_MAX + \
			    MSG_BITFIELD_MAX + 2 * MSG_MAX_REQS * REQ_LEN - \
			    STR_MIN + STR_MAX(MSG_TEXT_MAX))
#define TRACKER_MIN	(STR_MIN + 4 + 1 + 8 + 8 + 4 + 4 + STR_MIN + 1)
#define TRACKER_MAX	(TRACKER_MIN - 2 * STR_MIN + STR_MAX(MSG_URL_MAX) + \
			    STR_MAX(MSG_TEXT_MAX))
#define TRACKERS_MIN	(ID_LEN + 4)
#define TRACKERS_MAX	(TRACKERS_MIN + MSG_MAX_TRACKERS * TRACKER_MAX)
#define FILE_MIN	(STR_MIN + 8 + 8 + 1)
#define FILE_MAX	(FILE_MIN - STR_MIN + STR_MAX(MSG_PATH_MAX))
#define FILES_MIN	(ID_LEN + 3 * 4 + 4)
#define FILES_MAX	(FILES_MIN + MSG_MAX_FILES * FILE_MAX)
#define LOG_MIN		(ID_LEN + 1 + 8 + STR_MIN)
#define LOG_MAX		(LOG_MIN - STR_MIN + STR_MAX(MSG_TEXT_MAX))
#define LIMITS_LEN	(8 + 8)
#define INSPECT_LEN	(ID_LEN + 4)
#define ROW_MIN		(4 + 20 + STR_MIN + 1 + 6 * 8 + 8 + 5 * 4 + 8 + 4 + \
			    STR_MIN + 2 * 4 + 1)
#define ROW_MAX		(ROW_MIN - 2 * STR_MIN + STR_MAX(MSG_NAME_MAX) + \
			    STR_MAX(MSG_TEXT_MAX))
#define TORRENTS_MIN	(3 * 4)
#define TORRENTS_MAX	(TORRENTS_MIN + MSG_MAX_TORRENT_ROWS * ROW_MAX)
#define SESSION_LEN	(4 * 4 + 6 * 8 + 4 + 2 + 1 + 2 * 8)
#define REF_LEN		ID_LEN
#define ADD_MIN		(STR_MIN + 1 + STR_MIN + 1)	/* path is not "" */
#define ADD_MAX		(2 * STR_MAX(MSG_PATH_MAX) + 1)
#define REMOVE_LEN	(ID_LEN + 1)
#define COUNT_LEN	4
#define STREAM_LEN	(ID_LEN + 4)
#define SETPRIO_LEN	(ID_LEN + 4 + 1)
#define SETDIR_MIN	(ID_LEN + 1 + STR_MIN + 1)	/* dir is not "" */
#define SETDIR_MAX	(ID_LEN + 1 + STR_MAX(MSG_PATH_MAX))

_Static_assert(PEERS_MAX <= MSG_MAX_PAYLOAD, "MSG_PEERS too big");
_Static_assert(PIECEMAP_MAX <= MSG_MAX_PAYLOAD, "MSG_PIECEMAP too big");
_Static_assert(PDETAIL_MAX <= MSG_MAX_PAYLOAD, "MSG_PIECE_DETAIL too big");
_Static_assert(PEERDET_MAX <= MSG_MAX_PAYLOAD, "MSG_PEER_DETAIL too big");
_Static_assert(TRACKERS_MAX <= MSG_MAX_PAYLOAD, "MSG_TRACKERS too big");
_Static_assert(FILES_MAX <= MSG_MAX_PAYLOAD, "MSG_FILES too big");
_Static_assert(TORRENTS_MAX <= MSG_MAX_PAYLOAD, "MSG_TORRENTS too big");
_Static_assert(REGISTER_MAX <= MSG_MAX_PAYLOAD, "MSG_REGISTER too big");
_Static_assert(STATUS_MAX <= MSG_MAX_PAYLOAD, "MSG_STATUS too big");
_Static_assert(ADD_MAX <= MSG_MAX_PAYLOAD, "MSG_CMD_ADD too big");
_Static_assert(MSG_MAX_PAYLOAD <= UINT16_MAX + 1, "u16 string lengths");

/* The payload structs travel as void pointers: the typed entry points pass
 * their own struct, msg_encode / msg_decode the matching union member. */
typedef int	(*put_fn)(struct bbuf *, const void *);
typedef int	(*get_fn)(struct bbuf *, void *);

struct msg_kind {
	int		 type;
	const char	*name;
	size_t		 min, max;
	put_fn		 put;
	get_fn		 get;
};

/* ---- field helpers ---- */

static int
put_str(struct bbuf *b, const char *s, size_t field)
{
	size_t	n = strnlen(s, field);
	int	r;

	if (n == field)
		return BT_ERR_RANGE;	/* not terminated inside its field */
	if ((r = bbuf_put_u16be(b, (uint16_t)n)) != BT_OK)
		return r;
	return bbuf_put_bytes(b, s, n);
}

static int
get_str(struct bbuf *b, char *dst, size_t field)
{
	uint16_t	n;
	int		r;

	if ((r = bbuf_get_u16be(b, &n)) != BT_OK)
		return r;
	if (n >= field)
		return BT_ERR_FORMAT;
	if ((r = bbuf_get_bytes(b, dst, n)) != BT_OK)
		return r;
	dst[n] = '\0';
	return memchr(dst, '\0', n) == NULL ? BT_OK : BT_ERR_FORMAT;
}

static int
get_enum(struct bbuf *b, uint8_t *out, uint8_t max)
{
	int	r;

	if ((r = bbuf_get_u8(b, out)) != BT_OK)
		return r;
	return *out <= max ? BT_OK : BT_ERR_FORMAT;
}

static int
put_i64(struct bbuf *b, int64_t v)
{
	return bbuf_put_u64be(b, (uint64_t)v);
}

/* A signed field where -1 means "unknown" / "never": less is malformed. */
static int
get_i64(struct bbuf *b, int64_t *out)
{
	uint64_t	v;
	int		r;

	r = bbuf_get_u64be(b, &v);
	*out = (int64_t)v;
	if (r != BT_OK)
		return r;
	return *out >= -1 ? BT_OK : BT_ERR_FORMAT;
}

static int
get_i32(struct bbuf *b, int32_t *out)
{
	uint32_t	v;
	int		r;

	r = bbuf_get_u32be(b, &v);
	*out = (int32_t)v;
	if (r != BT_OK)
		return r;
	return *out >= -1 ? BT_OK : BT_ERR_FORMAT;
}

/* An id the engine gave out: the two reserved values are not torrents. */
static int
id_real(uint32_t id)
{
	return id < MSG_TORRENT_ALL;
}

static int
put_id(struct bbuf *b, uint32_t id)
{
	if (!id_real(id))
		return BT_ERR_RANGE;
	return bbuf_put_u32be(b, id);
}

/* The torrent_id that starts a per-torrent payload. */
static int
get_id(struct bbuf *b, uint32_t *out)
{
	int	r;

	if ((r = bbuf_get_u32be(b, out)) != BT_OK)
		return r;
	return id_real(*out) ? BT_OK : BT_ERR_FORMAT;
}

/* first + n <= total without overflow. */
static int
window_ok(uint32_t first, uint32_t n, uint32_t total)
{
	return (uint64_t)first + n <= total;
}

static int
done(struct bbuf *in, int r)
{
	if (r != BT_OK)
		return r;
	return bbuf_len(in) == 0 ? BT_OK : BT_ERR_FORMAT;
}

/* ---- register, heartbeat ---- */

static int
put_register(struct bbuf *b, const void *p)
{
	const struct msg_register	*m = p;
	int				 r;

	if (m->version != MSG_PROTOCOL_VERSION)
		return BT_ERR_RANGE;
	if ((r = bbuf_put_u32be(b, m->pid)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->version)) != BT_OK ||
	    (r = bbuf_put_u16be(b, m->port)) != BT_OK)
		return r;
	return put_str(b, m->session_dir, sizeof(m->session_dir));
}

static int
get_register(struct bbuf *b, void *p)
{
	struct msg_register	*m = p;
	int			 r;

	if ((r = bbuf_get_u32be(b, &m->pid)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->version)) != BT_OK)
		return r;
	if (m->version != MSG_PROTOCOL_VERSION)
		return BT_ERR_PROTO;
	if ((r = bbuf_get_u16be(b, &m->port)) != BT_OK)
		return r;
	return done(b, get_str(b, m->session_dir, sizeof(m->session_dir)));
}

static int
put_heartbeat(struct bbuf *b, const void *p)
{
	const struct msg_heartbeat	*m = p;
	int				 r;

	if ((r = bbuf_put_u64be(b, m->seq)) != BT_OK)
		return r;
	return bbuf_put_u64be(b, m->uptime_ms);
}

static int
get_heartbeat(struct bbuf *b, void *p)
{
	struct msg_heartbeat	*m = p;
	int			 r;

	if ((r = bbuf_get_u64be(b, &m->seq)) != BT_OK)
		return r;
	return done(b, bbuf_get_u64be(b, &m->uptime_ms));
}

/* ---- status ---- */

static int
status_ok(const struct msg_status *m)
{
	return id_real(m->torrent_id) && m->state <= MSG_STATE_METADATA &&
	    m->eta_s >= -1 &&
	    m->done_bytes <= m->total_bytes &&
	    m->pieces_have <= m->num_pieces && m->check_permille <= 1000 &&
	    (m->flags & ~MSG_STATUS_FLAGS_ALL) == 0 &&
	    m->meta_have <= m->meta_pieces;
}

static int
put_status(struct bbuf *b, const void *p)
{
	const struct msg_status	*m = p;
	int			 r;

	if (!status_ok(m))
		return BT_ERR_RANGE;
	if ((r = bbuf_put_u32be(b, m->torrent_id)) != BT_OK ||
	    (r = bbuf_put_u8(b, m->state)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->done_bytes)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->total_bytes)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->down_bps)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->up_bps)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->downloaded)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->uploaded)) != BT_OK ||
	    (r = put_i64(b, m->eta_s)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->peers_connected)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->peers_known)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->seeds_connected)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->pieces_have)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->num_pieces)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->ratio_milli)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->max_down_bps)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->max_up_bps)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->hashfails)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->wasted)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->check_permille)) != BT_OK ||
	    (r = bbuf_put_bytes(b, m->info_hash, sizeof(m->info_hash))) != 0 ||
	    (r = bbuf_put_u32be(b, m->piece_length)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->num_files)) != BT_OK ||
	    (r = put_str(b, m->name, sizeof(m->name))) != BT_OK ||
	    (r = put_str(b, m->error, sizeof(m->error))) != BT_OK ||
	    (r = bbuf_put_u8(b, m->flags)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->meta_have)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->meta_pieces)) != BT_OK)
		return r;
	return put_str(b, m->magnet, sizeof(m->magnet));
}

static int
get_status(struct bbuf *b, void *p)
{
	struct msg_status	*m = p;
	int			 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK ||
	    (r = get_enum(b, &m->state, MSG_STATE_METADATA)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->done_bytes)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->total_bytes)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->down_bps)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->up_bps)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->downloaded)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->uploaded)) != BT_OK ||
	    (r = get_i64(b, &m->eta_s)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->peers_connected)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->peers_known)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->seeds_connected)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->pieces_have)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->num_pieces)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->ratio_milli)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->max_down_bps)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->max_up_bps)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->hashfails)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->wasted)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->check_permille)) != BT_OK ||
	    (r = bbuf_get_bytes(b, m->info_hash, sizeof(m->info_hash))) != 0 ||
	    (r = bbuf_get_u32be(b, &m->piece_length)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->num_files)) != BT_OK ||
	    (r = get_str(b, m->name, sizeof(m->name))) != BT_OK ||
	    (r = get_str(b, m->error, sizeof(m->error))) != BT_OK ||
	    (r = bbuf_get_u8(b, &m->flags)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->meta_have)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->meta_pieces)) != BT_OK ||
	    (r = get_str(b, m->magnet, sizeof(m->magnet))) != BT_OK)
		return r;
	if (!status_ok(m))
		return BT_ERR_FORMAT;
	return done(b, BT_OK);
}

/* ---- peers ---- */

/* Only the known bits, and RC4 only with the MSE handshake that keyed it. */
static int
transport_ok(uint8_t t)
{
	if ((t & ~MSG_PEER_T_ALL) != 0)
		return 0;
	return !(t & MSG_PEER_T_RC4) || (t & MSG_PEER_T_MSE);
}

static int
put_peer(struct bbuf *b, const struct msg_peer *p)
{
	int	r;

	if (p->progress_permille > 1000 || p->src > MSG_PEER_SRC_WEBSEED ||
	    !transport_ok(p->transport))
		return BT_ERR_RANGE;
	if ((r = bbuf_put_u32be(b, p->id)) != BT_OK ||
	    (r = put_str(b, p->addr, sizeof(p->addr))) != BT_OK ||
	    (r = put_str(b, p->client, sizeof(p->client))) != BT_OK ||
	    (r = bbuf_put_u8(b, p->flags)) != BT_OK ||
	    (r = bbuf_put_u16be(b, p->progress_permille)) != BT_OK ||
	    (r = bbuf_put_u64be(b, p->down_bps)) != BT_OK ||
	    (r = bbuf_put_u64be(b, p->up_bps)) != BT_OK ||
	    (r = bbuf_put_u32be(b, p->reqs_out)) != BT_OK ||
	    (r = bbuf_put_u32be(b, p->reqs_in)) != BT_OK ||
	    (r = bbuf_put_u8(b, p->src)) != BT_OK)
		return r;
	return bbuf_put_u8(b, p->transport);
}

static int
get_peer(struct bbuf *b, struct msg_peer *p)
{
	int	r;

	if ((r = bbuf_get_u32be(b, &p->id)) != BT_OK ||
	    (r = get_str(b, p->addr, sizeof(p->addr))) != BT_OK ||
	    (r = get_str(b, p->client, sizeof(p->client))) != BT_OK ||
	    (r = bbuf_get_u8(b, &p->flags)) != BT_OK ||
	    (r = bbuf_get_u16be(b, &p->progress_permille)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &p->down_bps)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &p->up_bps)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &p->reqs_out)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &p->reqs_in)) != BT_OK ||
	    (r = get_enum(b, &p->src, MSG_PEER_SRC_WEBSEED)) != BT_OK ||
	    (r = bbuf_get_u8(b, &p->transport)) != BT_OK)
		return r;
	return p->progress_permille <= 1000 && transport_ok(p->transport) ?
	    BT_OK : BT_ERR_FORMAT;
}

static int
put_peers(struct bbuf *b, const void *p)
{
	const struct msg_peers	*m = p;
	uint32_t		 i;
	int			 r;

	if (m->n > MSG_MAX_PEERS || !window_ok(m->first, m->n, m->total))
		return BT_ERR_RANGE;
	if ((r = put_id(b, m->torrent_id)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->total)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->first)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->n)) != BT_OK)
		return r;
	for (i = 0; i < m->n; i++)
		if ((r = put_peer(b, &m->peers[i])) != BT_OK)
			return r;
	return BT_OK;
}

static int
get_peers(struct bbuf *b, void *p)
{
	struct msg_peers	*m = p;
	uint32_t		 i;
	int			 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->total)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->first)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->n)) != BT_OK)
		return r;
	if (m->n > MSG_MAX_PEERS || !window_ok(m->first, m->n, m->total))
		return BT_ERR_FORMAT;
	for (i = 0; i < m->n; i++)
		if ((r = get_peer(b, &m->peers[i])) != BT_OK)
			return r;
	return done(b, BT_OK);
}

/* ---- piece map ---- */

static int
put_piecemap(struct bbuf *b, const void *p)
{
	const struct msg_piecemap	*m = p;
	uint32_t			 i;
	int				 r;

	if (m->n > MSG_PIECEMAP_CHUNK ||
	    !window_ok(m->first, m->n, m->num_pieces))
		return BT_ERR_RANGE;
	for (i = 0; i < m->n; i++)
		if (m->states[i] > MSG_PIECE_UNAVAILABLE)
			return BT_ERR_RANGE;
	if ((r = put_id(b, m->torrent_id)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->num_pieces)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->first)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->n)) != BT_OK)
		return r;
	return bbuf_put_bytes(b, m->states, m->n);
}

static int
get_piecemap(struct bbuf *b, void *p)
{
	struct msg_piecemap	*m = p;
	uint32_t		 i;
	int			 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->num_pieces)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->first)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->n)) != BT_OK)
		return r;
	if (m->n > MSG_PIECEMAP_CHUNK ||
	    !window_ok(m->first, m->n, m->num_pieces))
		return BT_ERR_FORMAT;
	if ((r = bbuf_get_bytes(b, m->states, m->n)) != BT_OK)
		return r;
	for (i = 0; i < m->n; i++)
		if (m->states[i] > MSG_PIECE_UNAVAILABLE)
			return BT_ERR_FORMAT;
	return done(b, BT_OK);
}

/* ---- piece detail ---- */

/* nspans and nhaving count all of them; only the first few travel. */
static uint32_t
listed(uint32_t n, uint32_t max)
{
	return n < max ? n : max;
}

static int
put_pd_lists(struct bbuf *b, const struct msg_piece_detail *m)
{
	uint32_t	i;
	int		r;

	for (i = 0; i < listed(m->nspans, MSG_MAX_SPANS); i++)
		if ((r = bbuf_put_u32be(b, m->spans[i].file)) != BT_OK ||
		    (r = bbuf_put_u64be(b, m->spans[i].file_offset)) != 0 ||
		    (r = bbuf_put_u64be(b, m->spans[i].length)) != BT_OK)
			return r;
	if ((r = bbuf_put_u32be(b, m->nblocks)) != BT_OK)
		return r;
	for (i = 0; i < m->nblocks; i++)
		if ((r = bbuf_put_u8(b, m->blocks[i].state)) != BT_OK ||
		    (r = bbuf_put_u32be(b, m->blocks[i].peer_id)) != BT_OK)
			return r;
	if ((r = bbuf_put_u32be(b, m->nhaving)) != BT_OK)
		return r;
	for (i = 0; i < listed(m->nhaving, MSG_MAX_HAVING); i++)
		if ((r = bbuf_put_u32be(b, m->having[i])) != BT_OK)
			return r;
	return BT_OK;
}

static int
put_piece_detail(struct bbuf *b, const void *p)
{
	const struct msg_piece_detail	*m = p;
	uint32_t			 i;
	int				 r;

	if (m->state > MSG_PIECE_UNAVAILABLE || m->nblocks > MSG_MAX_BLOCKS)
		return BT_ERR_RANGE;
	for (i = 0; i < m->nblocks; i++)
		if (m->blocks[i].state > MSG_BLOCK_HAVE)
			return BT_ERR_RANGE;
	if ((r = put_id(b, m->torrent_id)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->index)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->offset)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->size)) != BT_OK ||
	    (r = bbuf_put_u8(b, m->state)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->availability)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->hashfails)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->nspans)) != BT_OK)
		return r;
	return put_pd_lists(b, m);
}

static int
get_pd_lists(struct bbuf *b, struct msg_piece_detail *m)
{
	uint32_t	i;
	int		r;

	for (i = 0; i < listed(m->nspans, MSG_MAX_SPANS); i++)
		if ((r = bbuf_get_u32be(b, &m->spans[i].file)) != BT_OK ||
		    (r = bbuf_get_u64be(b, &m->spans[i].file_offset)) != 0 ||
		    (r = bbuf_get_u64be(b, &m->spans[i].length)) != BT_OK)
			return r;
	if ((r = bbuf_get_u32be(b, &m->nblocks)) != BT_OK)
		return r;
	if (m->nblocks > MSG_MAX_BLOCKS)
		return BT_ERR_FORMAT;
	for (i = 0; i < m->nblocks; i++)
		if ((r = get_enum(b, &m->blocks[i].state,
		    MSG_BLOCK_HAVE)) != BT_OK ||
		    (r = bbuf_get_u32be(b, &m->blocks[i].peer_id)) != BT_OK)
			return r;
	if ((r = bbuf_get_u32be(b, &m->nhaving)) != BT_OK)
		return r;
	for (i = 0; i < listed(m->nhaving, MSG_MAX_HAVING); i++)
		if ((r = bbuf_get_u32be(b, &m->having[i])) != BT_OK)
			return r;
	return BT_OK;
}

static int
get_piece_detail(struct bbuf *b, void *p)
{
	struct msg_piece_detail	*m = p;
	int			 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->index)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->offset)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->size)) != BT_OK ||
	    (r = get_enum(b, &m->state, MSG_PIECE_UNAVAILABLE)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->availability)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->hashfails)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->nspans)) != BT_OK)
		return r;
	return done(b, get_pd_lists(b, m));
}

/* ---- peer detail ---- */

static int
put_reqs(struct bbuf *b, uint32_t n, const struct msg_req *reqs)
{
	uint32_t	i;
	int		r;

	if ((r = bbuf_put_u32be(b, n)) != BT_OK)
		return r;
	for (i = 0; i < n; i++)
		if ((r = bbuf_put_u32be(b, reqs[i].piece)) != BT_OK ||
		    (r = bbuf_put_u32be(b, reqs[i].begin)) != BT_OK ||
		    (r = bbuf_put_u32be(b, reqs[i].length)) != BT_OK)
			return r;
	return BT_OK;
}

static int
get_reqs(struct bbuf *b, uint32_t *n, struct msg_req *reqs)
{
	uint32_t	i;
	int		r;

	if ((r = bbuf_get_u32be(b, n)) != BT_OK)
		return r;
	if (*n > MSG_MAX_REQS)
		return BT_ERR_FORMAT;
	for (i = 0; i < *n; i++)
		if ((r = bbuf_get_u32be(b, &reqs[i].piece)) != BT_OK ||
		    (r = bbuf_get_u32be(b, &reqs[i].begin)) != BT_OK ||
		    (r = bbuf_get_u32be(b, &reqs[i].length)) != BT_OK)
			return r;
	return BT_OK;
}

static int
bitfield_ok(uint32_t len, uint32_t num_pieces)
{
	return len <= MSG_BITFIELD_MAX &&
	    len <= ((uint64_t)num_pieces + 7) / 8;
}

static int
put_peer_detail(struct bbuf *b, const void *p)
{
	const struct msg_peer_detail	*m = p;
	int				 r;

	if (!bitfield_ok(m->bitfield_len, m->num_pieces) ||
	    m->nreqs_out > MSG_MAX_REQS || m->nreqs_in > MSG_MAX_REQS ||
	    m->gone > 1)
		return BT_ERR_RANGE;
	if ((r = put_id(b, m->torrent_id)) != BT_OK ||
	    (r = put_peer(b, &m->peer)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->connected_s)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->downloaded)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->uploaded)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->hashfails)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->num_pieces)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->bitfield_len)) != BT_OK ||
	    (r = bbuf_put_bytes(b, m->bitfield, m->bitfield_len)) != 0 ||
	    (r = put_reqs(b, m->nreqs_out, m->reqs_out)) != BT_OK ||
	    (r = put_reqs(b, m->nreqs_in, m->reqs_in)) != BT_OK ||
	    (r = bbuf_put_u8(b, m->gone)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->gone_s)) != BT_OK)
		return r;
	return put_str(b, m->gone_reason, sizeof(m->gone_reason));
}

static int
get_peer_detail(struct bbuf *b, void *p)
{
	struct msg_peer_detail	*m = p;
	int			 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK ||
	    (r = get_peer(b, &m->peer)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->connected_s)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->downloaded)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->uploaded)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->hashfails)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->num_pieces)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->bitfield_len)) != BT_OK)
		return r;
	if (!bitfield_ok(m->bitfield_len, m->num_pieces))
		return BT_ERR_FORMAT;
	if ((r = bbuf_get_bytes(b, m->bitfield, m->bitfield_len)) != 0 ||
	    (r = get_reqs(b, &m->nreqs_out, m->reqs_out)) != BT_OK ||
	    (r = get_reqs(b, &m->nreqs_in, m->reqs_in)) != BT_OK ||
	    (r = get_enum(b, &m->gone, 1)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->gone_s)) != BT_OK ||
	    (r = get_str(b, m->gone_reason, sizeof(m->gone_reason))) != BT_OK)
		return r;
	return done(b, BT_OK);
}

/* ---- trackers ---- */

static int
tracker_ok(const struct msg_tracker *t)
{
	return t->status <= MSG_TRACKER_ERROR && t->last_s >= -1 &&
	    t->next_s >= -1 && t->seeders >= -1 && t->leechers >= -1 &&
	    t->kind <= MSG_TRACKER_KIND_PEER;
}

static int
put_tracker(struct bbuf *b, const struct msg_tracker *t)
{
	int	r;

	if (!tracker_ok(t))
		return BT_ERR_RANGE;
	if ((r = put_str(b, t->url, sizeof(t->url))) != BT_OK ||
	    (r = bbuf_put_u32be(b, t->tier)) != BT_OK ||
	    (r = bbuf_put_u8(b, t->status)) != BT_OK ||
	    (r = put_i64(b, t->last_s)) != BT_OK ||
	    (r = put_i64(b, t->next_s)) != BT_OK ||
	    (r = bbuf_put_u32be(b, (uint32_t)t->seeders)) != BT_OK ||
	    (r = bbuf_put_u32be(b, (uint32_t)t->leechers)) != BT_OK ||
	    (r = put_str(b, t->error, sizeof(t->error))) != BT_OK)
		return r;
	return bbuf_put_u8(b, t->kind);
}

static int
get_tracker(struct bbuf *b, struct msg_tracker *t)
{
	int	r;

	if ((r = get_str(b, t->url, sizeof(t->url))) != BT_OK ||
	    (r = bbuf_get_u32be(b, &t->tier)) != BT_OK ||
	    (r = get_enum(b, &t->status, MSG_TRACKER_ERROR)) != BT_OK ||
	    (r = get_i64(b, &t->last_s)) != BT_OK ||
	    (r = get_i64(b, &t->next_s)) != BT_OK ||
	    (r = get_i32(b, &t->seeders)) != BT_OK ||
	    (r = get_i32(b, &t->leechers)) != BT_OK ||
	    (r = get_str(b, t->error, sizeof(t->error))) != BT_OK)
		return r;
	return get_enum(b, &t->kind, MSG_TRACKER_KIND_PEER);
}

static int
put_trackers(struct bbuf *b, const void *p)
{
	const struct msg_trackers	*m = p;
	uint32_t			 i;
	int				 r;

	if (m->n > MSG_MAX_TRACKERS)
		return BT_ERR_RANGE;
	if ((r = put_id(b, m->torrent_id)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->n)) != BT_OK)
		return r;
	for (i = 0; i < m->n; i++)
		if ((r = put_tracker(b, &m->t[i])) != BT_OK)
			return r;
	return BT_OK;
}

static int
get_trackers(struct bbuf *b, void *p)
{
	struct msg_trackers	*m = p;
	uint32_t		 i;
	int			 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->n)) != BT_OK)
		return r;
	if (m->n > MSG_MAX_TRACKERS)
		return BT_ERR_FORMAT;
	for (i = 0; i < m->n; i++)
		if ((r = get_tracker(b, &m->t[i])) != BT_OK)
			return r;
	return done(b, BT_OK);
}

/* ---- files ---- */

static int
streamed_ok(uint32_t streamed, uint32_t total)
{
	return streamed < total || streamed == MSG_STREAM_ALL ||
	    streamed == MSG_STREAM_OFF;
}

static int
put_files(struct bbuf *b, const void *p)
{
	const struct msg_files	*m = p;
	uint32_t		 i;
	int			 r;

	if (m->n > MSG_MAX_FILES || !window_ok(m->first, m->n, m->total) ||
	    !streamed_ok(m->streamed, m->total))
		return BT_ERR_RANGE;
	for (i = 0; i < m->n; i++)
		if (m->files[i].done > m->files[i].size ||
		    m->files[i].prio > MSG_PRIO_HIGH)
			return BT_ERR_RANGE;
	if ((r = put_id(b, m->torrent_id)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->total)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->first)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->n)) != BT_OK)
		return r;
	for (i = 0; i < m->n; i++)
		if ((r = put_str(b, m->files[i].path,
		    sizeof(m->files[i].path))) != BT_OK ||
		    (r = bbuf_put_u64be(b, m->files[i].size)) != BT_OK ||
		    (r = bbuf_put_u64be(b, m->files[i].done)) != BT_OK ||
		    (r = bbuf_put_u8(b, m->files[i].prio)) != BT_OK)
			return r;
	return bbuf_put_u32be(b, m->streamed);
}

static int
get_file(struct bbuf *b, struct msg_file *f)
{
	int	r;

	if ((r = get_str(b, f->path, sizeof(f->path))) != BT_OK ||
	    (r = bbuf_get_u64be(b, &f->size)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &f->done)) != BT_OK ||
	    (r = get_enum(b, &f->prio, MSG_PRIO_HIGH)) != BT_OK)
		return r;
	return f->done <= f->size ? BT_OK : BT_ERR_FORMAT;
}

static int
get_files(struct bbuf *b, void *p)
{
	struct msg_files	*m = p;
	uint32_t		 i;
	int			 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->total)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->first)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->n)) != BT_OK)
		return r;
	if (m->n > MSG_MAX_FILES || !window_ok(m->first, m->n, m->total))
		return BT_ERR_FORMAT;
	for (i = 0; i < m->n; i++)
		if ((r = get_file(b, &m->files[i])) != BT_OK)
			return r;
	if ((r = done(b, bbuf_get_u32be(b, &m->streamed))) != BT_OK)
		return r;
	return streamed_ok(m->streamed, m->total) ? BT_OK : BT_ERR_FORMAT;
}

/* ---- log, limits, inspect ---- */

/* A log line is about one torrent or about the session. */
static int
log_id_ok(uint32_t id)
{
	return id_real(id) || id == MSG_TORRENT_NONE;
}

static int
put_log(struct bbuf *b, const void *p)
{
	const struct msg_log	*m = p;
	int			 r;

	if (m->level > MSG_LOG_ERROR || !log_id_ok(m->torrent_id))
		return BT_ERR_RANGE;
	if ((r = bbuf_put_u32be(b, m->torrent_id)) != BT_OK ||
	    (r = bbuf_put_u8(b, m->level)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->uptime_ms)) != BT_OK)
		return r;
	return put_str(b, m->text, sizeof(m->text));
}

static int
get_log(struct bbuf *b, void *p)
{
	struct msg_log	*m = p;
	int		 r;

	if ((r = bbuf_get_u32be(b, &m->torrent_id)) != BT_OK)
		return r;
	if (!log_id_ok(m->torrent_id))
		return BT_ERR_FORMAT;
	if ((r = get_enum(b, &m->level, MSG_LOG_ERROR)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->uptime_ms)) != BT_OK)
		return r;
	return done(b, get_str(b, m->text, sizeof(m->text)));
}

static int
put_limits(struct bbuf *b, const void *p)
{
	const struct msg_limits	*m = p;
	int			 r;

	if ((r = bbuf_put_u64be(b, m->max_down_bps)) != BT_OK)
		return r;
	return bbuf_put_u64be(b, m->max_up_bps);
}

static int
get_limits(struct bbuf *b, void *p)
{
	struct msg_limits	*m = p;
	int			 r;

	if ((r = bbuf_get_u64be(b, &m->max_down_bps)) != BT_OK)
		return r;
	return done(b, bbuf_get_u64be(b, &m->max_up_bps));
}

static int
put_inspect(struct bbuf *b, const void *p)
{
	const struct msg_inspect	*m = p;
	int				 r;

	if ((r = put_id(b, m->torrent_id)) != BT_OK)
		return r;
	return bbuf_put_u32be(b, m->index);
}

static int
get_inspect(struct bbuf *b, void *p)
{
	struct msg_inspect	*m = p;
	int			 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK)
		return r;
	return done(b, bbuf_get_u32be(b, &m->index));
}

/* ---- torrent list, session ---- */

static int
row_ok(const struct msg_torrent_row *t)
{
	return id_real(t->id) && t->state <= MSG_STATE_METADATA &&
	    t->done_bytes <= t->total_bytes && t->eta_s >= -1 &&
	    t->meta_have <= t->meta_pieces &&
	    (t->flags & ~MSG_ROW_FLAGS_ALL) == 0;
}

static int
put_row(struct bbuf *b, const struct msg_torrent_row *t)
{
	int	r;

	if (!row_ok(t))
		return BT_ERR_RANGE;
	if ((r = bbuf_put_u32be(b, t->id)) != BT_OK ||
	    (r = bbuf_put_bytes(b, t->info_hash, sizeof(t->info_hash))) != 0 ||
	    (r = put_str(b, t->name, sizeof(t->name))) != BT_OK ||
	    (r = bbuf_put_u8(b, t->state)) != BT_OK ||
	    (r = bbuf_put_u64be(b, t->done_bytes)) != BT_OK ||
	    (r = bbuf_put_u64be(b, t->total_bytes)) != BT_OK ||
	    (r = bbuf_put_u64be(b, t->down_bps)) != BT_OK ||
	    (r = bbuf_put_u64be(b, t->up_bps)) != BT_OK ||
	    (r = bbuf_put_u64be(b, t->downloaded)) != BT_OK ||
	    (r = bbuf_put_u64be(b, t->uploaded)) != BT_OK ||
	    (r = put_i64(b, t->eta_s)) != BT_OK ||
	    (r = bbuf_put_u32be(b, t->ratio_milli)) != BT_OK ||
	    (r = bbuf_put_u32be(b, t->peers_connected)) != BT_OK ||
	    (r = bbuf_put_u32be(b, t->peers_known)) != BT_OK ||
	    (r = bbuf_put_u32be(b, t->seeds_connected)) != BT_OK ||
	    (r = bbuf_put_u32be(b, t->queue_pos)) != BT_OK ||
	    (r = bbuf_put_u64be(b, t->wasted)) != BT_OK ||
	    (r = bbuf_put_u32be(b, t->hashfails)) != BT_OK ||
	    (r = put_str(b, t->error, sizeof(t->error))) != BT_OK ||
	    (r = bbuf_put_u32be(b, t->meta_have)) != BT_OK ||
	    (r = bbuf_put_u32be(b, t->meta_pieces)) != BT_OK)
		return r;
	return bbuf_put_u8(b, t->flags);
}

static int
get_row(struct bbuf *b, struct msg_torrent_row *t)
{
	int	r;

	if ((r = get_id(b, &t->id)) != BT_OK ||
	    (r = bbuf_get_bytes(b, t->info_hash, sizeof(t->info_hash))) != 0 ||
	    (r = get_str(b, t->name, sizeof(t->name))) != BT_OK ||
	    (r = get_enum(b, &t->state, MSG_STATE_METADATA)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &t->done_bytes)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &t->total_bytes)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &t->down_bps)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &t->up_bps)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &t->downloaded)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &t->uploaded)) != BT_OK ||
	    (r = get_i64(b, &t->eta_s)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &t->ratio_milli)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &t->peers_connected)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &t->peers_known)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &t->seeds_connected)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &t->queue_pos)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &t->wasted)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &t->hashfails)) != BT_OK ||
	    (r = get_str(b, t->error, sizeof(t->error))) != BT_OK ||
	    (r = bbuf_get_u32be(b, &t->meta_have)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &t->meta_pieces)) != BT_OK ||
	    (r = bbuf_get_u8(b, &t->flags)) != BT_OK)
		return r;
	return row_ok(t) ? BT_OK : BT_ERR_FORMAT;
}

static int
put_torrents(struct bbuf *b, const void *p)
{
	const struct msg_torrents	*m = p;
	uint32_t			 i;
	int				 r;

	if (m->n > MSG_MAX_TORRENT_ROWS ||
	    !window_ok(m->first, m->n, m->total))
		return BT_ERR_RANGE;
	if ((r = bbuf_put_u32be(b, m->total)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->first)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->n)) != BT_OK)
		return r;
	for (i = 0; i < m->n; i++)
		if ((r = put_row(b, &m->rows[i])) != BT_OK)
			return r;
	return BT_OK;
}

static int
get_torrents(struct bbuf *b, void *p)
{
	struct msg_torrents	*m = p;
	uint32_t		 i;
	int			 r;

	if ((r = bbuf_get_u32be(b, &m->total)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->first)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->n)) != BT_OK)
		return r;
	if (m->n > MSG_MAX_TORRENT_ROWS ||
	    !window_ok(m->first, m->n, m->total))
		return BT_ERR_FORMAT;
	for (i = 0; i < m->n; i++)
		if ((r = get_row(b, &m->rows[i])) != BT_OK)
			return r;
	return done(b, BT_OK);
}

/* A torrent is active, queued or neither (paused, stopped, in error). */
static int
session_ok(const struct msg_session *m)
{
	return (uint64_t)m->active + m->queued <= m->num_torrents;
}

static int
put_session(struct bbuf *b, const void *p)
{
	const struct msg_session	*m = p;
	int				 r;

	if (!session_ok(m))
		return BT_ERR_RANGE;
	if ((r = bbuf_put_u32be(b, m->num_torrents)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->active)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->queued)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->peers_connected)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->down_bps)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->up_bps)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->downloaded)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->uploaded)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->max_down_bps)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->max_up_bps)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->max_active)) != BT_OK ||
	    (r = bbuf_put_u16be(b, m->port)) != BT_OK ||
	    (r = bbuf_put_u8(b, m->turtle)) != BT_OK ||
	    (r = bbuf_put_u64be(b, m->alt_down_bps)) != BT_OK)
		return r;
	return bbuf_put_u64be(b, m->alt_up_bps);
}

static int
get_session(struct bbuf *b, void *p)
{
	struct msg_session	*m = p;
	int			 r;

	if ((r = bbuf_get_u32be(b, &m->num_torrents)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->active)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->queued)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->peers_connected)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->down_bps)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->up_bps)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->downloaded)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->uploaded)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->max_down_bps)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->max_up_bps)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->max_active)) != BT_OK ||
	    (r = bbuf_get_u16be(b, &m->port)) != BT_OK ||
	    (r = get_enum(b, &m->turtle, 1)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->alt_down_bps)) != BT_OK ||
	    (r = bbuf_get_u64be(b, &m->alt_up_bps)) != BT_OK)
		return r;
	return done(b, session_ok(m) ? BT_OK : BT_ERR_FORMAT);
}

/* ---- torrent commands ---- */

/* PAUSE, RESUME, REANNOUNCE: a torrent or all of them. */
static int
target_ok(uint32_t id)
{
	return id_real(id) || id == MSG_TORRENT_ALL;
}

/* FOCUS: a torrent, or none (the list alone). */
static int
focus_ok(uint32_t id)
{
	return id_real(id) || id == MSG_TORRENT_NONE;
}

static int
put_ref_if(struct bbuf *b, const struct msg_torrent_ref *m,
    int (*ok)(uint32_t))
{
	if (!ok(m->torrent_id))
		return BT_ERR_RANGE;
	return bbuf_put_u32be(b, m->torrent_id);
}

static int
get_ref_if(struct bbuf *b, struct msg_torrent_ref *m, int (*ok)(uint32_t))
{
	int	r;

	if ((r = bbuf_get_u32be(b, &m->torrent_id)) != BT_OK)
		return r;
	return done(b, ok(m->torrent_id) ? BT_OK : BT_ERR_FORMAT);
}

static int
put_torrent_ref(struct bbuf *b, const void *p)
{
	return put_ref_if(b, p, target_ok);
}

static int
get_torrent_ref(struct bbuf *b, void *p)
{
	return get_ref_if(b, p, target_ok);
}

static int
put_focus(struct bbuf *b, const void *p)
{
	return put_ref_if(b, p, focus_ok);
}

static int
get_focus(struct bbuf *b, void *p)
{
	return get_ref_if(b, p, focus_ok);
}

static int
put_add(struct bbuf *b, const void *p)
{
	const struct msg_add	*m = p;
	int			 r;

	if (m->path[0] == '\0' || m->paused > 1)
		return BT_ERR_RANGE;
	if ((r = put_str(b, m->path, sizeof(m->path))) != BT_OK ||
	    (r = put_str(b, m->dir, sizeof(m->dir))) != BT_OK)
		return r;
	return bbuf_put_u8(b, m->paused);
}

static int
get_add(struct bbuf *b, void *p)
{
	struct msg_add	*m = p;
	int		 r;

	if ((r = get_str(b, m->path, sizeof(m->path))) != BT_OK)
		return r;
	if (m->path[0] == '\0')
		return BT_ERR_FORMAT;
	if ((r = get_str(b, m->dir, sizeof(m->dir))) != BT_OK)
		return r;
	return done(b, get_enum(b, &m->paused, 1));
}

static int
put_remove(struct bbuf *b, const void *p)
{
	const struct msg_remove	*m = p;
	int			 r;

	if (m->delete_data > 1)
		return BT_ERR_RANGE;
	if ((r = put_id(b, m->torrent_id)) != BT_OK)
		return r;
	return bbuf_put_u8(b, m->delete_data);
}

static int
get_remove(struct bbuf *b, void *p)
{
	struct msg_remove	*m = p;
	int			 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK)
		return r;
	return done(b, get_enum(b, &m->delete_data, 1));
}

static int
put_count(struct bbuf *b, const void *p)
{
	const struct msg_count	*m = p;

	return bbuf_put_u32be(b, m->n);
}

static int
get_count(struct bbuf *b, void *p)
{
	struct msg_count	*m = p;

	return done(b, bbuf_get_u32be(b, &m->n));
}

static int
put_stream(struct bbuf *b, const void *p)
{
	const struct msg_stream	*m = p;
	int			 r;

	if ((r = put_id(b, m->torrent_id)) != BT_OK)
		return r;
	return bbuf_put_u32be(b, m->file);
}

static int
get_stream(struct bbuf *b, void *p)
{
	struct msg_stream	*m = p;
	int			 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK)
		return r;
	return done(b, bbuf_get_u32be(b, &m->file));
}

static int
put_set_priority(struct bbuf *b, const void *p)
{
	const struct msg_set_priority	*m = p;
	int				 r;

	if (m->prio > MSG_PRIO_HIGH)
		return BT_ERR_RANGE;
	if ((r = put_id(b, m->torrent_id)) != BT_OK ||
	    (r = bbuf_put_u32be(b, m->file)) != BT_OK)
		return r;
	return bbuf_put_u8(b, m->prio);
}

static int
get_set_priority(struct bbuf *b, void *p)
{
	struct msg_set_priority	*m = p;
	int			 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK ||
	    (r = bbuf_get_u32be(b, &m->file)) != BT_OK)
		return r;
	return done(b, get_enum(b, &m->prio, MSG_PRIO_HIGH));
}

static int
put_set_dir_priority(struct bbuf *b, const void *p)
{
	const struct msg_set_dir_priority	*m = p;
	int					 r;

	if (m->prio > MSG_PRIO_HIGH || m->dir[0] == '\0')
		return BT_ERR_RANGE;
	if ((r = put_id(b, m->torrent_id)) != BT_OK ||
	    (r = bbuf_put_u8(b, m->prio)) != BT_OK)
		return r;
	return put_str(b, m->dir, sizeof(m->dir));
}

static int
get_set_dir_priority(struct bbuf *b, void *p)
{
	struct msg_set_dir_priority	*m = p;
	int				 r;

	if ((r = get_id(b, &m->torrent_id)) != BT_OK ||
	    (r = get_enum(b, &m->prio, MSG_PRIO_HIGH)) != BT_OK ||
	    (r = get_str(b, m->dir, sizeof(m->dir))) != BT_OK)
		return r;
	if (m->dir[0] == '\0')
		return BT_ERR_FORMAT;
	return done(b, BT_OK);
}

/* ---- the type table ---- */

static const struct msg_kind kinds[] = {
	{ MSG_REGISTER, "register", REGISTER_MIN, REGISTER_MAX,
	    put_register, get_register },
	{ MSG_HEARTBEAT, "heartbeat", HEARTBEAT_LEN, HEARTBEAT_LEN,
	    put_heartbeat, get_heartbeat },
	{ MSG_STATUS, "status", STATUS_MIN, STATUS_MAX,
	    put_status, get_status },
	{ MSG_PEERS, "peers", PEERS_MIN, PEERS_MAX, put_peers, get_peers },
	{ MSG_PIECEMAP, "piecemap", PIECEMAP_MIN, PIECEMAP_MAX,
	    put_piecemap, get_piecemap },
	{ MSG_PIECE_DETAIL, "piece detail", PDETAIL_MIN, PDETAIL_MAX,
	    put_piece_detail, get_piece_detail },
	{ MSG_PEER_DETAIL, "peer detail", PEERDET_MIN, PEERDET_MAX,
	    put_peer_detail, get_peer_detail },
	{ MSG_TRACKERS, "trackers", TRACKERS_MIN, TRACKERS_MAX,
	    put_trackers, get_trackers },
	{ MSG_FILES, "files", FILES_MIN, FILES_MAX, put_files, get_files },
	{ MSG_LOG, "log", LOG_MIN, LOG_MAX, put_log, get_log },
	{ MSG_TORRENTS, "torrents", TORRENTS_MIN, TORRENTS_MAX,
	    put_torrents, get_torrents },
	{ MSG_SESSION, "session", SESSION_LEN, SESSION_LEN,
	    put_session, get_session },
	{ MSG_CMD_PAUSE, "pause", REF_LEN, REF_LEN,
	    put_torrent_ref, get_torrent_ref },
	{ MSG_CMD_RESUME, "resume", REF_LEN, REF_LEN,
	    put_torrent_ref, get_torrent_ref },
	{ MSG_CMD_QUIT, "quit", 0, 0, NULL, NULL },
	{ MSG_CMD_REANNOUNCE, "reannounce", REF_LEN, REF_LEN,
	    put_torrent_ref, get_torrent_ref },
	{ MSG_CMD_SET_LIMITS, "set limits", LIMITS_LEN, LIMITS_LEN,
	    put_limits, get_limits },
	{ MSG_CMD_INSPECT_PIECE, "inspect piece", INSPECT_LEN, INSPECT_LEN,
	    put_inspect, get_inspect },
	{ MSG_CMD_INSPECT_PEER, "inspect peer", INSPECT_LEN, INSPECT_LEN,
	    put_inspect, get_inspect },
	{ MSG_CMD_FOCUS, "focus", REF_LEN, REF_LEN, put_focus, get_focus },
	{ MSG_CMD_ADD, "add", ADD_MIN, ADD_MAX, put_add, get_add },
	{ MSG_CMD_REMOVE, "remove", REMOVE_LEN, REMOVE_LEN,
	    put_remove, get_remove },
	{ MSG_CMD_SET_MAX_ACTIVE, "set max active", COUNT_LEN, COUNT_LEN,
	    put_count, get_count },
	{ MSG_CMD_STREAM, "stream", STREAM_LEN, STREAM_LEN,
	    put_stream, get_stream },
	{ MSG_CMD_SET_PRIORITY, "set priority", SETPRIO_LEN, SETPRIO_LEN,
	    put_set_priority, get_set_priority },
	{ MSG_CMD_SET_DIR_PRIORITY, "set dir priority", SETDIR_MIN,
	    SETDIR_MAX, put_set_dir_priority, get_set_dir_priority },
	{ MSG_CMD_SET_TURTLE, "set turtle", COUNT_LEN, COUNT_LEN,
	    put_count, get_count },
};

static const struct msg_kind *
kind_of(int type)
{
	size_t	i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].type == type)
			return &kinds[i];
	return NULL;
}

const char *
msg_type_name(int type)
{
	const struct msg_kind	*k = kind_of(type);

	return k != NULL ? k->name : "unknown";
}

int
msg_type_known(int type)
{
	return kind_of(type) != NULL;
}

int
msg_type_from_engine(int type)
{
	return type >= 100 && type < 200;
}

int
msg_payload_bounds(int type, size_t *min_out, size_t *max_out)
{
	const struct msg_kind	*k = kind_of(type);

	*min_out = *max_out = 0;
	if (k == NULL)
		return BT_ERR_FORMAT;
	*min_out = k->min;
	*max_out = k->max;
	return BT_OK;
}

static int
encode_kind(const struct msg_kind *k, struct bbuf *out, const void *m)
{
	struct bbuf	tmp;
	int		r;

	if (k->put == NULL)
		return BT_OK;
	/* Capped at the type's largest size: an encoder that overruns its
	 * own bound is a bug the cap turns into BT_ERR_LIMIT. */
	bbuf_init(&tmp, k->max);
	if ((r = k->put(&tmp, m)) == BT_OK)
		r = bbuf_put_bytes(out, bbuf_ptr(&tmp), bbuf_len(&tmp));
	bbuf_cleanup(&tmp);
	return r;
}

int
msg_encode(int type, struct bbuf *out, const union msg_any *m)
{
	const struct msg_kind	*k = kind_of(type);

	if (k == NULL)
		return BT_ERR_INVALID;
	return encode_kind(k, out, m);
}

int
msg_decode(int type, struct bbuf *in, union msg_any *out)
{
	const struct msg_kind	*k = kind_of(type);

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (k == NULL)
		return BT_ERR_FORMAT;
	if (k->get == NULL)
		return bbuf_len(in) == 0 ? BT_OK : BT_ERR_FORMAT;
	return k->get(in, out);
}

/* ---- the typed entry points of msg.h ---- */

#define MSG_PUT_GET(name, type)						\
int									\
msg_put_##name(struct bbuf *out, const struct msg_##name *m)		\
{									\
	return encode_kind(kind_of(type), out, m);			\
}									\
									\
int									\
msg_get_##name(struct bbuf *in, struct msg_##name *out)			\
{									\
	memset(out, 0, sizeof(*out));					\
	return kind_of(type)->get(in, out);				\
}

MSG_PUT_GET(register, MSG_REGISTER)
MSG_PUT_GET(heartbeat, MSG_HEARTBEAT)
MSG_PUT_GET(status, MSG_STATUS)
MSG_PUT_GET(peers, MSG_PEERS)
MSG_PUT_GET(piecemap, MSG_PIECEMAP)
MSG_PUT_GET(piece_detail, MSG_PIECE_DETAIL)
MSG_PUT_GET(peer_detail, MSG_PEER_DETAIL)
MSG_PUT_GET(trackers, MSG_TRACKERS)
MSG_PUT_GET(files, MSG_FILES)
MSG_PUT_GET(log, MSG_LOG)
MSG_PUT_GET(limits, MSG_CMD_SET_LIMITS)
MSG_PUT_GET(inspect, MSG_CMD_INSPECT_PIECE)
MSG_PUT_GET(torrents, MSG_TORRENTS)
MSG_PUT_GET(session, MSG_SESSION)
MSG_PUT_GET(torrent_ref, MSG_CMD_PAUSE)
MSG_PUT_GET(add, MSG_CMD_ADD)
MSG_PUT_GET(remove, MSG_CMD_REMOVE)
MSG_PUT_GET(stream, MSG_CMD_STREAM)
MSG_PUT_GET(set_priority, MSG_CMD_SET_PRIORITY)
MSG_PUT_GET(set_dir_priority, MSG_CMD_SET_DIR_PRIORITY)
MSG_PUT_GET(count, MSG_CMD_SET_MAX_ACTIVE)
