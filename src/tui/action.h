/*
 * action: keys to actions, as htop's Action.c.  A const table binds each
 * key to an action id (and an argument, the view of a number key); each
 * action changes the view state or asks the app to send a command, and
 * never draws.  The help screen is generated from the same tables, so a
 * key cannot work without being documented.  The code is split by concern
 * (action.c, action_move.c, action_prompt.c, action_torrent.c; what they
 * share is in action_priv.h, private to them).
 */
#ifndef BT_ACTION_H
#define BT_ACTION_H

#include <stddef.h>
#include <stdint.h>

#include "ipc/msg.h"
#include "tui/view.h"

enum action_id {
	ACT_NONE,
	ACT_VIEW_NEXT,
	ACT_VIEW_PREV,
	ACT_VIEW_GOTO,		/* arg: enum view_id */
	ACT_UP,
	ACT_DOWN,
	ACT_LEFT,
	ACT_RIGHT,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HOME,
	ACT_END,
	ACT_INSPECT,
	ACT_CLOSE,
	ACT_PAUSE,		/* pause or resume, by the torrent's state */
	ACT_PAUSE_ALL,		/* pause every torrent, or resume them all */
	ACT_ADD,		/* the add prompt: a .torrent path */
	ACT_REMOVE,		/* the remove prompt: keep or delete data */
	ACT_REANNOUNCE,
	ACT_STREAM,		/* Files view: stream the file, or stop */
	ACT_PRIO_TOGGLE,	/* Files view: skip the file or directory,
				 * or want it */
	ACT_PRIO_UP,		/* Files view: a higher priority */
	ACT_PRIO_DOWN,		/* Files view: a lower one (low: skip) */
	ACT_LIMIT_DOWN,
	ACT_LIMIT_UP,
	ACT_TURTLE,		/* turtle mode (the alt limits) on or off */
	ACT_RETRY,
	ACT_QUIT,
	ACT_SORT_NEXT,
	ACT_SORT_LEFT,
	ACT_SORT_RIGHT,
	ACT_SORT_INVERT,
	ACT_SEARCH,		/* /: the search prompt */
	ACT_FILTER,		/* \: the filter prompt */
	ACT_SEARCH_NEXT,	/* n */
	ACT_SEARCH_PREV,	/* N */
	ACT_HELP,
	ACT_REDRAW,
	ACT_COUNT,		/* the keyed actions end here: each is bound
				 * to a key and documented in the help */
	/* Actions only the mouse gives (mouse.h); the help's mouse lines
	 * say them. */
	ACT_SELECT = ACT_COUNT,	/* arg: a row of the list on screen, as
				 * its view counts them (view_hit); the
				 * cursor's row: Enter; a Log line opens
				 * whole */
	ACT_SORT_BY,		/* arg: a column of the table on screen, as
				 * view_titles_draw counts them; the sort
				 * column again: the other way */
	ACT_ALL
};

/* The highest limit: what the engine's token bucket can count
 * (BUCKET_MAX_BPS in src/engine/bucket.h, which would clamp a higher one
 * without a word).  The IPC field is 64 bits wide and would hold more. */
#define ACTION_LIMIT_MAX_BPS	(1ULL << 40)	/* 1 TiB/s */
#define ACTION_LIMIT_INPUT_MAX	32	/* bytes the limit prompt takes */

struct action_key {
	int		 key;		/* curses key code */
	const char	*name;		/* as the help shows it */
	enum action_id	 id;
	int		 arg;
};

struct action_info {
	enum action_id	 id;
	const char	*section;	/* help heading */
	const char	*help;
};

enum action_result {
	ACTION_NONE,		/* at most the view state changed */
	ACTION_SEND,		/* send cmd->type with its payload */
	ACTION_QUIT,		/* leave tui_run */
	ACTION_RETRY,		/* sup_retry: the watchdog gave up */
	ACTION_REDRAW,		/* repaint the whole terminal */
};

struct action_cmd {
	enum action_result	result;
	int			type;		/* enum msg_type */
	struct msg_limits	limits;		/* MSG_CMD_SET_LIMITS */
	struct msg_count	count;		/* MSG_CMD_SET_TURTLE */
	struct msg_inspect	inspect;	/* MSG_CMD_INSPECT_* */
	struct msg_torrent_ref	torrent;	/* PAUSE, RESUME, REANNOUNCE */
	struct msg_add		add;		/* MSG_CMD_ADD */
	struct msg_remove	remove;		/* MSG_CMD_REMOVE */
	struct msg_stream	stream;		/* MSG_CMD_STREAM */
	struct msg_set_priority	prio;		/* MSG_CMD_SET_PRIORITY */
	struct msg_set_dir_priority dir_prio;	/* MSG_CMD_SET_DIR_PRIORITY */
};

/* The state of a fresh screen: the torrent list sorted by name; a
 * torrent's detail opens on Pieces, peers sorted by download rate. */
void		 action_init(struct view_state *vs);
/* Frees what the view state holds (the Files tree); it can be used again
 * as a fresh one's. */
void		 action_cleanup(struct view_state *vs);
/* The action bound to key (*arg_out: its argument), ACT_NONE if none. */
enum action_id	 action_lookup(int key, int *arg_out);
/* Handles one key: the prompt takes keys while it is open, the help
 * screen next.  *out says what the app must do. */
void		 action_key(struct view_state *vs, const struct model *m, int key,
		    struct action_cmd *out);
/* Runs action id (< ACT_ALL) with arg as a key bound to it would (the
 * mouse's way in): nothing while a prompt is open, which takes keys
 * only; in the help, as the help takes that key. */
void		 action_run(struct view_state *vs, const struct model *m,
		    enum action_id id, int arg, struct action_cmd *out);
/* The key the table names name ("Enter", "F1", "q"), the first one bound
 * under it; -1 for none ("d/u"). */
int		 action_key_named(const char *name);
/* Brings the view state in line with a changed model or body size: sorts
 * the peers (the selection follows its peer id), syncs the Files tree with
 * the model's list (folds kept), clamps cursors, keeps them visible, keeps
 * a scrolled-back log still. */
void		 action_sync(struct view_state *vs, const struct model *m);
/*
 * Parses a rate limit as the limit prompt takes it, into bytes per second
 * (0: none): a number, whole or with a fraction ("1.5"), then a unit as
 * aria2c and rtorrent take them: K, M, G or T (binary: KiB/s, MiB/s...;
 * any case, an optional "i" and "B"), or B alone for bytes; no unit is
 * KiB/s.  A trailing "/s" and blanks around are allowed.  The result is
 * rounded down to whole bytes and capped at ACTION_LIMIT_MAX_BPS
 * (*capped_out 1 then, else 0).  BT_OK; BT_ERR_INVALID for anything else
 * ("-5", "1e3", "abc", ""); BT_ERR_RANGE for a rate above 0 but under
 * 1 B/s.  *bps_out is 0 on error.
 */
int		 action_parse_rate(const char *s, uint64_t *bps_out,
		    int *capped_out);
/*
 * The bottom bar while a prompt is open (vs->prompt), into buf: what it
 * asks, what was typed so far and a cursor, and the reason the last
 * Enter was refused (vs->message) when there is one.  Returns 1, or 0
 * with buf "" when no prompt is open.
 */
int		 action_prompt_line(const struct view_state *vs,
		    const struct model *m, char *buf, size_t len);
/* The torrent the screen is about: the list's selected row on the home
 * screen, else the one in detail; MSG_TORRENT_NONE when there is none. */
uint32_t	 action_current_torrent(const struct view_state *vs,
		    const struct model *m);
/* Opens the detail of the torrent with this info-hash (the command line's
 * single torrent), or goes back to the list (NULL); its Files tree starts
 * unfolded. */
void		 action_focus(struct view_state *vs, const uint8_t *info_hash);

/* The tables, for the help screen and the tests. */
size_t			 action_key_count(void);
const struct action_key	*action_key_at(size_t i);
size_t			 action_info_count(void);
const struct action_info *action_info_at(size_t i);

#endif
