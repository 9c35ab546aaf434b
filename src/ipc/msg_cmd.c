/*
 * msg_cmd: the front's commands to the engine (200 and up): limits,
 * inspections, the per-torrent commands (a torrent, ALL or NONE where
 * msg.h allows it), add, remove, counts, streaming and priorities.  Small
 * fixed-size payloads but for ADD and SET_DIR_PRIORITY's paths.
 */
#include "msg_int.h"

#define LIMITS_LEN	(8 + 8)
#define INSPECT_LEN	(ID_LEN + 4)
#define REF_LEN		ID_LEN
#define ADD_MIN		(STR_MIN + 1 + STR_MIN + 1)	/* path is not "" */
#define ADD_MAX		(2 * STR_MAX(MSG_PATH_MAX) + 1)
#define REMOVE_LEN	(ID_LEN + 1)
#define COUNT_LEN	4
#define STREAM_LEN	(ID_LEN + 4)
#define SETPRIO_LEN	(ID_LEN + 4 + 1)
#define SETDIR_MIN	(ID_LEN + 1 + STR_MIN + 1)	/* dir is not "" */
#define SETDIR_MAX	(ID_LEN + 1 + STR_MAX(MSG_PATH_MAX))

_Static_assert(ADD_MAX <= MSG_MAX_PAYLOAD, "MSG_CMD_ADD too big");

/* ---- limits, inspect ---- */

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

/* ---- this part of the type table ---- */

const struct msg_kind msg_cmd_kinds[] = {
	{ MSG_CMD_SET_LIMITS, "set limits", LIMITS_LEN, LIMITS_LEN,
	    put_limits, get_limits },
	{ MSG_CMD_INSPECT_PIECE, "inspect piece", INSPECT_LEN, INSPECT_LEN,
	    put_inspect, get_inspect },
	{ MSG_CMD_INSPECT_PEER, "inspect peer", INSPECT_LEN, INSPECT_LEN,
	    put_inspect, get_inspect },
	{ MSG_CMD_PAUSE, "pause", REF_LEN, REF_LEN,
	    put_torrent_ref, get_torrent_ref },
	{ MSG_CMD_RESUME, "resume", REF_LEN, REF_LEN,
	    put_torrent_ref, get_torrent_ref },
	{ MSG_CMD_QUIT, "quit", 0, 0, NULL, NULL },
	{ MSG_CMD_REANNOUNCE, "reannounce", REF_LEN, REF_LEN,
	    put_torrent_ref, get_torrent_ref },
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
const size_t msg_cmd_nkinds =
    sizeof(msg_cmd_kinds) / sizeof(msg_cmd_kinds[0]);
