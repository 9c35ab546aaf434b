/*
 * msg: the type table and the entry points of msg.h.  The payloads' own
 * encoders and decoders live in the parts (msg_report.c: the engine's
 * per-torrent and session reports; msg_detail.c: peer lists, piece and
 * peer detail; msg_cmd.c: the front's commands), each with its slice of
 * the table; msg_int.h holds what they share.  Encoders write into a
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
#include "msg_int.h"

_Static_assert(MSG_MAX_PAYLOAD <= UINT16_MAX + 1, "u16 string lengths");

/* ---- the type table: the parts' slices ---- */

static const struct {
	const struct msg_kind	*kinds;
	const size_t		*n;
} parts[] = {
	{ msg_report_kinds, &msg_report_nkinds },
	{ msg_detail_kinds, &msg_detail_nkinds },
	{ msg_cmd_kinds, &msg_cmd_nkinds },
};

static const struct msg_kind *
kind_of(int type)
{
	size_t	p, i;

	for (p = 0; p < sizeof(parts) / sizeof(parts[0]); p++)
		for (i = 0; i < *parts[p].n; i++)
			if (parts[p].kinds[i].type == type)
				return &parts[p].kinds[i];
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
