/*
 * model: the front's copy of what the engine last said, and the only thing
 * views read.  model_apply decodes one payload (msg_get_*) and folds it in:
 * lists that come in several frames (peers, piece map, files) are put
 * together here, and a bad payload is refused without touching the model.
 *
 * The struct is public so views can read it; only model.c writes it.
 */
#ifndef BT_MODEL_H
#define BT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/msg.h"
#include "tui/supervisor.h"

struct bbuf;

#define MODEL_LOG_LINES		1000
#define MODEL_MAX_PIECES	(4u * 1024 * 1024)	/* 4M: 64 TiB at 16 MiB */
#define MODEL_MAX_PEERS		4096
#define MODEL_MAX_FILES		16384	/* more are counted, not listed */
#define MODEL_MAX_TORRENTS	4096	/* rows of the torrent list */
#define MODEL_MAX_DONE		64	/* completion times remembered */

enum model_source {
	MODEL_SRC_ENGINE = 0,	/* MSG_LOG from the engine */
	MODEL_SRC_WATCHDOG = 1,	/* the supervisor's on_log */
	MODEL_SRC_FRONT = 2,	/* the front itself */
};

struct model_log_line {
	uint8_t		level;			/* enum msg_log_level */
	uint8_t		source;			/* enum model_source */
	uint32_t	torrent_id;		/* MSG_TORRENT_NONE: the
						 * session's, the front's */
	int64_t		wall_s;			/* arrival, front's clock; of
						 * the newest when repeated */
	uint32_t	repeat;			/* times it came in a row, 1
						 * once (model_add_log) */
	char		text[MSG_TEXT_MAX];
};

/* When the front saw a torrent complete (model_completed_at). */
struct model_done {
	uint8_t		info_hash[20];
	int64_t		wall_s;
};

struct model {
	char			 fallback_name[MSG_NAME_MAX];
	int			 have_register, have_status, have_trackers;
	struct msg_register	 reg;
	struct msg_status	 status;
	struct msg_heartbeat	 heartbeat;
	int			 have_session;
	struct msg_session	 session;	/* totals of every torrent */
	struct msg_torrent_row	*torrents;	/* the list, ntorrents rows */
	size_t			 ntorrents;
	int			 have_torrents;
	/* The torrent whose detail (status, peers, pieces...) is kept;
	 * payloads of others are ignored.  MSG_TORRENT_NONE: none. */
	uint32_t		 focus;
	struct sup_info		 health;	/* set by model_set_health */
	uint64_t		 now_ms;	/* monotonic, model_set_time */
	int64_t			 wall_s;

	struct msg_peer		*peers;		/* npeers complete ones */
	size_t			 npeers;
	uint32_t		 peers_total;	/* as the engine counts them */
	int			 have_peers;	/* a whole list came */
	uint32_t		 seed_ratio_milli;	/* model_set_seed_ratio */

	uint8_t			*pieces;	/* enum msg_piece_state each */
	uint32_t		 num_pieces;

	struct msg_trackers	 trackers;

	struct msg_file		*files;		/* nfiles slots, by index */
	size_t			 nfiles;
	uint32_t		 files_total;	/* as the engine counts them */
	uint32_t		 files_streamed;	/* msg_files.streamed */

	int			 piece_detail_valid;
	struct msg_piece_detail	 piece_detail;
	int			 peer_detail_valid;
	struct msg_peer_detail	 peer_detail;

	uint64_t		 generation;	/* bumped by every change */
	uint64_t		 log_total;	/* lines ever added */

	/* Private: the ring and the peers frame being assembled. */
	struct model_log_line	*log;
	size_t			 log_head, log_count;
	struct msg_peer		*pending;
	size_t			 npending;
	uint32_t		 pending_total;
	int			 pending_open;
	struct msg_torrent_row	*rows_pending;
	size_t			 nrows_pending;
	uint32_t		 rows_total;	/* of the list being received */
	int			 rows_open;
	void			*scratch;	/* a decoded payload */
	uint32_t		 peer_gone_id;	/* the detail's peer, once a
						 * list came without it */
	uint64_t		 peer_gone_ms;	/* now_ms then */
	struct model_done	 done[MODEL_MAX_DONE];	/* a ring */
	size_t			 ndone, done_next;
	uint64_t		 done_total;	/* ever noted */
};

/* A model with nothing received; fallback_name (may be NULL) is shown
 * until the engine's first status names the torrent.  NULL when out of memory. */
struct model	*model_new(const char *fallback_name);
/* NULL is a no-op. */
void		 model_free(struct model *m);

/* Shows the detail of torrent id from now on (MSG_TORRENT_NONE: none);
 * a change forgets the detail of the one before. */
void		 model_set_focus(struct model *m, uint32_t id);
/* The row of the torrent list with this id, or NULL. */
const struct msg_torrent_row *model_find_torrent(const struct model *m,
		    uint32_t id);
/* The same, by info-hash (ids are the engine's: a new engine may give
 * other ones). */
const struct msg_torrent_row *model_find_hash(const struct model *m,
		    const uint8_t info_hash[20]);

/* The caller's clocks for this turn (log lines are stamped with wall_s). */
void		 model_set_time(struct model *m, uint64_t now_ms, int64_t wall_s);
/* The supervisor's view of the engine, shown in the header. */
void		 model_set_health(struct model *m, const struct sup_info *h);

/*
 * Decodes a payload of type (enum msg_type) and applies it.  BT_OK, or:
 * the decoder's error (BT_ERR_FORMAT, BT_ERR_INCOMPLETE) for a bad payload,
 * BT_ERR_LIMIT for a piece count over MODEL_MAX_PIECES, BT_ERR_INVALID for a
 * list frame that contradicts itself or comes out of order (the partial
 * list is dropped), BT_ERR_PROTO for another protocol version,
 * BT_ERR_NOMEM, BT_ERR_NOTFOUND for a type the front does not take.  On any
 * error the model is as it was (an open peer list may be dropped) and
 * stays usable.
 */
int		 model_apply(struct model *m, int type, struct bbuf *payload);

/* Appends a line to the log ring (the oldest goes when it is full).  The
 * same line again (text, level, source and torrent as the newest) is not
 * added: the newest counts it (repeat) and takes its time, so that a
 * message said over and over shows once, "(x12)". */
void		 model_add_log(struct model *m, enum model_source source,
		    enum msg_log_level level, const char *text);
size_t		 model_log_count(const struct model *m);
/* Line i, 0 the oldest; NULL past the end. */
const struct model_log_line *model_log_line(const struct model *m, size_t i);

/* 1 when an engine runs now, so the status' rates, ETA and peer counts are
 * current; 0 in back-off, after the watchdog gave up or the engine exited,
 * when they are the last engine's and stale. */
int		 model_engine_live(const struct model *m);
/*
 * The process exit status when the screen closes, the same as headless:
 * 2 when the run failed (the engine reports an error, the watchdog gave up
 * or is waiting to restart a failed engine, or the engine exited with a
 * status over 1), 1 when the engine refused its input (exit status 1), else
 * 130 when interrupted is set (SIGINT, SIGTERM, SIGHUP) and the download
 * is not complete, else 0.
 */
int		 model_exit_status(const struct model *m, int interrupted);

/* The ratio at which the engine stops seeding (--seed-ratio), in
 * thousandths; 0: none.  Only the front's command line knows it (the
 * engine does not report it): the caller sets it. */
void		 model_set_seed_ratio(struct model *m, uint32_t milli);
/*
 * When the front saw the torrent with this info-hash complete, as
 * wall-clock seconds: its list row first came with MSG_ROW_COMPLETED (the
 * engine downloaded its last piece), or its status went from downloading
 * to all done.  -1 when not seen (it was complete when the engine
 * started it, or the front started after).
 */
int64_t		 model_completed_at(const struct model *m,
		    const uint8_t info_hash[20]);
/* Completions noted so far (model_completed_at's), one per torrent: the
 * front acts on each new one (--on-complete, --bell). */
uint64_t	 model_done_count(const struct model *m);
/* Completion n (0: the first noted); NULL when n >= model_done_count or
 * it left the ring of MODEL_MAX_DONE. */
const struct model_done *model_done_at(const struct model *m, uint64_t n);
/*
 * 1 when peer id, whose detail is kept, has left: the engine said so (a
 * detail with gone set: the detail kept is the last one it had), or a
 * whole peer list came without it.  *ago_ms_out: since it left as the
 * engine said, else since the front noticed; reason_out: why, the
 * engine's gone_reason, else as its log said it ("peer ADDR (CLIENT)
 * disconnected: WHY"), "" when neither.  0 while it is listed.
 */
int		 model_peer_gone(const struct model *m, uint32_t id,
		    uint64_t *ago_ms_out, char *reason_out, size_t len);
/* The serial number of log line i (model_log_line's): lines ever added
 * before it, so it names a line while newer ones push older out. */
uint64_t	 model_log_serial(const struct model *m, size_t i);
/* The line with that serial, NULL once it left the ring (or never was). */
const struct model_log_line *model_log_by_serial(const struct model *m,
		    uint64_t serial);

/* The torrent's name: the engine's, or the fallback before its first
 * status. */
const char	*model_name(const struct model *m);
/* The connected peer with that engine id, or NULL. */
const struct msg_peer *model_find_peer(const struct model *m, uint32_t id);

#endif
