/*
 * msg_detail: the engine's peer and piece answers, the largest payloads:
 * the PEERS list of a torrent (a window of at most MSG_MAX_PEERS rows), a
 * PIECE_DETAIL (spans, blocks, who has it) and a PEER_DETAIL (its row
 * again, bitfield, requests both ways, why it left).  Counts are checked
 * against their array bounds before the arrays are read.
 */
#include "msg_int.h"

#define PEER_MIN	(4 + 2 * STR_MIN + 1 + 2 + 8 + 8 + 4 + 4 + 1 + 1)
#define PEER_MAX	(PEER_MIN - 2 * STR_MIN + STR_MAX(MSG_ADDR_MAX) + \
			    STR_MAX(MSG_CLIENT_MAX))
#define PEERS_MIN	(ID_LEN + 3 * 4)
#define PEERS_MAX	(PEERS_MIN + MSG_MAX_PEERS * PEER_MAX)
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

_Static_assert(PEERS_MAX <= MSG_MAX_PAYLOAD, "MSG_PEERS too big");
_Static_assert(PDETAIL_MAX <= MSG_MAX_PAYLOAD, "MSG_PIECE_DETAIL too big");
_Static_assert(PEERDET_MAX <= MSG_MAX_PAYLOAD, "MSG_PEER_DETAIL too big");

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

/* ---- this part of the type table ---- */

const struct msg_kind msg_detail_kinds[] = {
	{ MSG_PEERS, "peers", PEERS_MIN, PEERS_MAX, put_peers, get_peers },
	{ MSG_PIECE_DETAIL, "piece detail", PDETAIL_MIN, PDETAIL_MAX,
	    put_piece_detail, get_piece_detail },
	{ MSG_PEER_DETAIL, "peer detail", PEERDET_MIN, PEERDET_MAX,
	    put_peer_detail, get_peer_detail },
};
const size_t msg_detail_nkinds =
    sizeof(msg_detail_kinds) / sizeof(msg_detail_kinds[0]);
