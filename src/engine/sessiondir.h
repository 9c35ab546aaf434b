/*
 * sessiondir: the directory where one bttui session keeps its torrents
 * across restarts (default $XDG_STATE_HOME/bttui, else
 * $HOME/.local/state/bttui; --session picks another):
 *
 *   DIR/lock                  flock()ed by the front for its lifetime; "PID\n"
 *   DIR/settings              d 12:alt_down_bps i<n>e 10:alt_up_bps i<n>e
 *                               10:max_active i<n>e 12:max_down_bps i<n>e
 *                               10:max_up_bps i<n>e 6:turtle i<0|1>e e
 *   DIR/torrents/HEX.torrent  the torrent's bytes as added
 *   DIR/torrents/HEX.state    d 5:added i<unix s>e 3:dir <absolute path>
 *                               5:order i<n>e 6:paused i<0|1>e
 *                               [4:prio <one byte 0-3 per file>] e
 *   DIR/resume/HEX.resume     the resume record (resume.h)
 *
 * HEX is the info-hash in 40 lower-case hex digits.  Every file is written
 * whole through atomicfile, and HEX.torrent is the commit point of a
 * torrent: it is written after HEX.state when adding and removed before it
 * when removing, so a crash at any moment leaves either the whole torrent or
 * nothing that sessiondir_list reports (an orphan .state is skipped, and
 * cleaned at the next locked open).  The .torrent bytes are opaque here: the
 * engine parses them and checks the info-hash against the name.
 *
 * Not thread-safe; one engine writes a session (the lock sees to that).
 */
#ifndef BT_SESSIONDIR_H
#define BT_SESSIONDIR_H

#include <stddef.h>
#include <stdint.h>

#define SESSIONDIR_PATH_MAX		4096	/* every path, NUL included */
#define SESSIONDIR_HASH_LEN		20
#define SESSIONDIR_MAX_TORRENT_BYTES	(64u * 1024 * 1024) /* as bencode */
#define SESSIONDIR_MAX_TORRENTS		10000	/* entries in one listing */
#define SESSIONDIR_DEFAULT_MAX_ACTIVE	5
/* Turtle mode's limits until set: Transmission's alt-speed-down and
 * alt-speed-up default to 50 (kB/s). */
#define SESSIONDIR_DEFAULT_ALT_BPS	(50u * 1024)
#define SESSIONDIR_MAX_PRIO		(1u << 20)	/* files with a saved
							 * priority */
#define SESSIONDIR_PRIO_COUNT		4	/* enum picker_prio */

struct sessiondir;

struct sessiondir_settings {
	uint64_t	max_down_bps;	/* 0: unlimited; at most INT64_MAX */
	uint64_t	max_up_bps;
	uint32_t	max_active;	/* torrents running at once; 0: no
					 * limit */
	/* Turtle mode (Transmission's alternative speed limits): while
	 * turtle is 1 the alt limits are in force, the max ones wait. */
	uint64_t	alt_down_bps;	/* 0: unlimited; at most INT64_MAX */
	uint64_t	alt_up_bps;
	int		turtle;		/* 0 or 1 */
};

struct sessiondir_entry {
	uint8_t		info_hash[SESSIONDIR_HASH_LEN];
	char		hex[2 * SESSIONDIR_HASH_LEN + 1];
	/* DIR/torrents/HEX.torrent, and the absolute download directory */
	char		torrent_path[SESSIONDIR_PATH_MAX];
	char		dir[SESSIONDIR_PATH_MAX];
	int		paused;		/* 0 or 1 */
	int64_t		added;		/* unix seconds */
	uint32_t	order;		/* listing order; ties by hex */
};

/* Called once per file that a listing skips; msg is one line naming the
 * file and why, valid during the call. */
typedef void	sessiondir_warn_fn(void *arg, const char *msg);

/*
 * Writes the default session directory, $XDG_STATE_HOME/bttui (when that is
 * absolute, as the XDG spec asks) else $HOME/.local/state/bttui, into buf.
 * Errors: BT_ERR_NOTFOUND (neither variable holds an absolute path),
 * BT_ERR_LIMIT (buf is too small).
 */
int	sessiondir_default_path(char *buf, size_t len);

/*
 * Opens the session at path (NULL: the default), creating it and its
 * subdirectories (mode 0700) when missing.  lock 1 (the front): take
 * DIR/lock for the lifetime of the handle, write our pid into it, and
 * remove what a crash left behind (temporary files, .state and .resume
 * files without their .torrent).  lock 0 (the engine child, whose front
 * holds the lock): none of that.  On success *out is a new handle (free
 * with sessiondir_close); on failure *out is NULL and err (may be NULL)
 * holds a one-line message with the remedy.  Errors: BT_ERR_BUSY (another
 * process holds the lock: err names its pid), BT_ERR_NOTFOUND (no default:
 * see sessiondir_default_path), BT_ERR_INVALID (path is ""), BT_ERR_LIMIT
 * (path too long), BT_ERR_SYS (errno says why), BT_ERR_NOMEM.
 */
int	sessiondir_open(const char *path, int lock, struct sessiondir **out,
	    char *err, size_t errlen);
/* Releases the lock (if held) and frees; NULL is a no-op.  The lock file is
 * left in place: unlinking it would let two processes lock two inodes. */
void	sessiondir_close(struct sessiondir *sd);
/* The absolute, resolved session directory; valid until close. */
const char	*sessiondir_path(const struct sessiondir *sd);

/*
 * Adds a torrent: its state (dir, paused, added_s, and the order after
 * every torrent already there), then bytes[0..len) as HEX.torrent.  dir is
 * an absolute download directory, or NULL for DIR/downloads (not created
 * here).  Errors: BT_ERR_EXISTS (HEX.torrent is there: nothing changed),
 * BT_ERR_INVALID (len 0, dir relative), BT_ERR_LIMIT (len over
 * SESSIONDIR_MAX_TORRENT_BYTES, dir too long), BT_ERR_SYS.
 */
int	sessiondir_add(struct sessiondir *sd,
	    const uint8_t ih[SESSIONDIR_HASH_LEN], const void *bytes,
	    size_t len, const char *dir, int paused, int64_t added_s);

/*
 * Every torrent of the session, sorted by order then hex, into a new array
 * *v_out of *n_out entries (free() it; NULL when empty).  A .torrent
 * without a .state is adopted: it gets a .state with the defaults (not
 * paused, dir DIR/downloads, added at the .torrent's mtime, order after
 * all others), so its place stays put.  Skipped, each reported through
 * warn (may be NULL): a torrent whose .state is unreadable or corrupt, a
 * .state without its .torrent, torrents past SESSIONDIR_MAX_TORRENTS.
 * Errors: BT_ERR_SYS (the directory cannot be read), BT_ERR_NOMEM; *v_out
 * is NULL and *n_out 0 then.
 */
int	sessiondir_list(struct sessiondir *sd, sessiondir_warn_fn *warn,
	    void *arg, struct sessiondir_entry **v_out, size_t *n_out);

/* Replaces HEX.torrent with bytes (a magnet link's stub by the .torrent
 * made from its metadata), atomically.  Errors: BT_ERR_NOTFOUND (no such
 * torrent: nothing written), BT_ERR_INVALID (len 0), BT_ERR_LIMIT,
 * BT_ERR_SYS. */
int	sessiondir_set_torrent(struct sessiondir *sd,
	    const uint8_t ih[SESSIONDIR_HASH_LEN], const void *bytes,
	    size_t len);

/* Rewrites HEX.state with paused (0 or 1); a missing .state is written with
 * the defaults.  Errors: BT_ERR_NOTFOUND (no such torrent), BT_ERR_FORMAT
 * (its .state is corrupt: left alone), BT_ERR_INVALID, BT_ERR_SYS. */
int	sessiondir_set_paused(struct sessiondir *sd,
	    const uint8_t ih[SESSIONDIR_HASH_LEN], int paused);

/*
 * The file priorities of a torrent (enum picker_prio, one byte per file as
 * MSG_FILES lists them), kept in HEX.state so that a selection survives
 * restarts.  sessiondir_set_prio rewrites HEX.state with them, keeping its
 * other fields.  sessiondir_get_prio: a new array in *prio_out (free it)
 * of *n_out bytes, NULL and 0 when none was saved (or the saved one is
 * malformed): every file normal.  Errors: BT_ERR_NOTFOUND, BT_ERR_FORMAT
 * (a corrupt .state), BT_ERR_INVALID (a byte >= SESSIONDIR_PRIO_COUNT),
 * BT_ERR_LIMIT (n over SESSIONDIR_MAX_PRIO), BT_ERR_SYS, BT_ERR_NOMEM.
 */
int	sessiondir_set_prio(struct sessiondir *sd,
	    const uint8_t ih[SESSIONDIR_HASH_LEN], const uint8_t *prio,
	    size_t n);
int	sessiondir_get_prio(struct sessiondir *sd,
	    const uint8_t ih[SESSIONDIR_HASH_LEN], uint8_t **prio_out,
	    size_t *n_out);

/* Removes HEX.torrent, then HEX.state and the resume record (not the
 * downloaded data).  Errors: BT_ERR_NOTFOUND (there was no HEX.torrent;
 * leftovers are removed all the same), BT_ERR_SYS. */
int	sessiondir_remove(struct sessiondir *sd,
	    const uint8_t ih[SESSIONDIR_HASH_LEN]);

/* Writes DIR/resume/HEX.resume, the path to hand to resume_save and
 * resume_load, into buf.  Errors: BT_ERR_LIMIT (buf too small; buf is ""). */
int	sessiondir_resume_path(const struct sessiondir *sd,
	    const uint8_t ih[SESSIONDIR_HASH_LEN], char *buf, size_t len);

/*
 * Reads DIR/settings into *out, which is always written: the saved values,
 * or the defaults (no limits, SESSIONDIR_DEFAULT_MAX_ACTIVE, turtle off
 * with SESSIONDIR_DEFAULT_ALT_BPS each way) when the file is
 * missing (BT_OK) or corrupt (BT_ERR_FORMAT, for the caller to log; the
 * next save replaces it).  Unknown keys are ignored.  BT_ERR_SYS: the file
 * cannot be read (defaults in *out).
 */
int	sessiondir_settings_load(struct sessiondir *sd,
	    struct sessiondir_settings *out);
/* Replaces DIR/settings atomically.  Errors: BT_ERR_RANGE (a rate over
 * INT64_MAX), BT_ERR_SYS. */
int	sessiondir_settings_save(struct sessiondir *sd,
	    const struct sessiondir_settings *s);

#endif
