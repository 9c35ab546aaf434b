/*
 * msg_report: the engine's reports to the front, one torrent or the whole
 * session at a time: REGISTER and HEARTBEAT, a torrent's STATUS, PIECEMAP,
 * TRACKERS, FILES and LOG lines, the TORRENTS list and the SESSION sums.
 * Every decoder here checks counts, windows and enums before it trusts
 * them, and ends on "all bytes used" (msg_int.h's done()).
 */
#include "msg_int.h"

#define REGISTER_MIN	(4 + 4 + 2 + STR_MIN)
#define REGISTER_MAX	(REGISTER_MIN - STR_MIN + STR_MAX(MSG_PATH_MAX))
#define HEARTBEAT_LEN	(8 + 8)
#define STATUS_MIN	(ID_LEN + 1 + 7 * 8 + 6 * 4 + 2 * 8 + 4 + 8 + 4 + \
			    20 + 4 + 4 + 2 * STR_MIN + 1 + 2 * 4 + STR_MIN)
#define STATUS_MAX	(STATUS_MIN - 3 * STR_MIN + STR_MAX(MSG_NAME_MAX) + \
			    STR_MAX(MSG_TEXT_MAX) + STR_MAX(MSG_MAGNET_MAX))
#define PIECEMAP_MIN	(ID_LEN + 3 * 4)
#define PIECEMAP_MAX	(PIECEMAP_MIN + MSG_PIECEMAP_CHUNK)
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
#define ROW_MIN		(4 + 20 + STR_MIN + 1 + 6 * 8 + 8 + 5 * 4 + 8 + 4 + \
			    STR_MIN + 2 * 4 + 1)
#define ROW_MAX		(ROW_MIN - 2 * STR_MIN + STR_MAX(MSG_NAME_MAX) + \
			    STR_MAX(MSG_TEXT_MAX))
#define TORRENTS_MIN	(3 * 4)
#define TORRENTS_MAX	(TORRENTS_MIN + MSG_MAX_TORRENT_ROWS * ROW_MAX)
#define SESSION_LEN	(4 * 4 + 6 * 8 + 4 + 2 + 1 + 2 * 8)

_Static_assert(REGISTER_MAX <= MSG_MAX_PAYLOAD, "MSG_REGISTER too big");
_Static_assert(STATUS_MAX <= MSG_MAX_PAYLOAD, "MSG_STATUS too big");
_Static_assert(PIECEMAP_MAX <= MSG_MAX_PAYLOAD, "MSG_PIECEMAP too big");
_Static_assert(TRACKERS_MAX <= MSG_MAX_PAYLOAD, "MSG_TRACKERS too big");
_Static_assert(FILES_MAX <= MSG_MAX_PAYLOAD, "MSG_FILES too big");
_Static_assert(TORRENTS_MAX <= MSG_MAX_PAYLOAD, "MSG_TORRENTS too big");

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

/* ---- log ---- */

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

/* ---- this part of the type table ---- */

const struct msg_kind msg_report_kinds[] = {
	{ MSG_REGISTER, "register", REGISTER_MIN, REGISTER_MAX,
	    put_register, get_register },
	{ MSG_HEARTBEAT, "heartbeat", HEARTBEAT_LEN, HEARTBEAT_LEN,
	    put_heartbeat, get_heartbeat },
	{ MSG_STATUS, "status", STATUS_MIN, STATUS_MAX,
	    put_status, get_status },
	{ MSG_PIECEMAP, "piecemap", PIECEMAP_MIN, PIECEMAP_MAX,
	    put_piecemap, get_piecemap },
	{ MSG_TRACKERS, "trackers", TRACKERS_MIN, TRACKERS_MAX,
	    put_trackers, get_trackers },
	{ MSG_FILES, "files", FILES_MIN, FILES_MAX, put_files, get_files },
	{ MSG_LOG, "log", LOG_MIN, LOG_MAX, put_log, get_log },
	{ MSG_TORRENTS, "torrents", TORRENTS_MIN, TORRENTS_MAX,
	    put_torrents, get_torrents },
	{ MSG_SESSION, "session", SESSION_LEN, SESSION_LEN,
	    put_session, get_session },
};
const size_t msg_report_nkinds =
    sizeof(msg_report_kinds) / sizeof(msg_report_kinds[0]);
