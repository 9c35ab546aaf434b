/*
 * watchdir: --watch DIR, a directory where .torrent files dropped in are
 * added to the session (as in rtorrent's and Transmission's watch
 * directories).  The engine calls watchdir_scan from a timer every few
 * seconds; each scan reports the *.torrent files that are new or changed
 * (by name, size, mtime and inode) since the last scan, once each.
 *
 * A file still being written must not be added half-done, so a file is
 * reported only when it has settled: its mtime is at least
 * WATCHDIR_SETTLE_MS old, or it is unchanged since the previous scan (which
 * also lets through files whose mtime lies in the future).  A file that
 * failed to add because it was incomplete is reported again once it
 * changes.  Names starting with '.' are skipped (editors' and rsync's
 * temporary files), and so is anything that is not a regular file.
 *
 * After adding a file, the caller may rename it to NAME.added with
 * watchdir_mark_added, as Transmission does, so that a restart does not
 * offer it again and the user sees what was taken.
 */
#ifndef BT_WATCHDIR_H
#define BT_WATCHDIR_H

#include <stdint.h>

#define WATCHDIR_SETTLE_MS	1000
#define WATCHDIR_MAX_FILES	10000	/* *.torrent files in one directory */
#define WATCHDIR_SUFFIX		".torrent"	/* matched ignoring case */
#define WATCHDIR_ADDED_SUFFIX	".added"

struct watchdir;

/* One file to add: path is DIR/name.  Both are valid during the call,
 * which may use watchdir_mark_added on name but not watchdir_scan. */
typedef void	watchdir_fn(void *arg, const char *path, const char *name);

/*
 * Watches dir, which must be a directory now (a relative path is resolved
 * here, once).  Nothing is scanned yet: the first scan reports every
 * settled *.torrent already there.  On success *out is a new watcher (free
 * with watchdir_free); on failure *out is NULL.  Errors: BT_ERR_INVALID
 * (dir is ""), BT_ERR_LIMIT (path too long), BT_ERR_SYS (errno:
 * ENOENT, ENOTDIR, EACCES...), BT_ERR_NOMEM.
 */
int	watchdir_new(const char *dir, struct watchdir **out);
/* NULL is a no-op. */
void	watchdir_free(struct watchdir *w);
/* The resolved directory; valid until free. */
const char	*watchdir_path(const struct watchdir *w);

/*
 * Reads the directory and calls fn for each settled file that is new or
 * changed since the last scan, in name order, after the scan is complete.
 * now_wall_ms is CLOCK_REALTIME in milliseconds (file times are
 * wall-clock; passed in so tests control it).  Errors, when fn is never
 * called and what the last scan saw is kept: BT_ERR_SYS (the directory
 * cannot be read), BT_ERR_LIMIT (over WATCHDIR_MAX_FILES *.torrent files:
 * the user must thin it out), BT_ERR_NOMEM.
 */
int	watchdir_scan(struct watchdir *w, int64_t now_wall_ms, watchdir_fn *fn,
	    void *arg);

/*
 * Renames DIR/name to DIR/name.added (replacing one there).  name is a
 * file name as fn received it, no '/'.  Errors: BT_ERR_INVALID (a bad
 * name), BT_ERR_LIMIT, BT_ERR_SYS (errno: ENOENT...).
 */
int	watchdir_mark_added(struct watchdir *w, const char *name);

#endif
