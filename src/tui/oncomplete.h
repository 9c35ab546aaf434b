/*
 * oncomplete: runs the user's --on-complete command when a torrent
 * completes, as aria2c's --on-download-complete and rtorrent's
 * event.download.finished do.  The command goes to /bin/sh -c with the
 * torrent in its environment (never in the command text, so a name needs
 * no quoting):
 *
 *	BTTUI_NAME	the torrent's name
 *	BTTUI_PATH	its file or top directory, absolute
 *	BTTUI_INFOHASH	the info-hash, 40 lower-case hex digits
 *	BTTUI_SIZE	its size in bytes
 *
 * The front's loop never waits for it: fork and exec, then
 * oncomplete_reap (waitpid WNOHANG on each pid started here, never -1:
 * the supervisor reaps the engine) once a turn.  At most
 * ONCOMPLETE_MAX_RUNNING run at once; more wait in a queue of
 * ONCOMPLETE_MAX_QUEUED, past which a completion is dropped with a
 * message.  The command's stdin is /dev/null, its stdout and stderr go to
 * the log file (appended) or /dev/null, so nothing scribbles on the
 * screen; it runs in a session of its own, out of reach of the
 * terminal's Ctrl-C and Ctrl-Z.
 *
 * What happens is told through the caller's say function, one line each:
 * "ran on-complete for NAME (pid N)", "on-complete for NAME (pid N)
 * exited with status 0".
 */
#ifndef BT_ONCOMPLETE_H
#define BT_ONCOMPLETE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ONCOMPLETE_MAX_RUNNING	4
#define ONCOMPLETE_MAX_QUEUED	64
#define ONCOMPLETE_NAME_MAX	256	/* bytes incl. NUL, as MSG_NAME_MAX */
#define ONCOMPLETE_PATH_MAX	4096
#define ONCOMPLETE_LINE_MAX	(ONCOMPLETE_NAME_MAX + 128)

struct oncomplete;

/* A completed torrent, as the command is told of it. */
struct oncomplete_torrent {
	char		name[ONCOMPLETE_NAME_MAX];
	uint8_t		info_hash[20];
	uint64_t	size;
};

/*
 * Writes the absolute download directory of the torrent ih into buf (len
 * bytes): BT_OK, or an error (the command then runs with BTTUI_PATH
 * holding the name alone, and a warning says so).
 */
typedef int	oncomplete_dir_fn(void *arg, const uint8_t ih[20], char *buf,
		    size_t len);
/* A line to show or print (warn 1: a warning); valid during the call. */
typedef void	oncomplete_say_fn(void *arg, int warn, const char *line);

/*
 * A runner for cmd (copied).  log_path: the file the commands' output is
 * appended to (copied; NULL: /dev/null).  dir finds a torrent's download
 * directory, with dir_arg.  NULL when out of memory.
 */
struct oncomplete *oncomplete_new(const char *cmd, const char *log_path,
		    oncomplete_dir_fn *dir, void *dir_arg);
/* Frees oc without waiting for its commands (they run on, reparented to
 * init); NULL is a no-op. */
void		 oncomplete_free(struct oncomplete *oc);
/* Where the lines go (say, arg); none until set. */
void		 oncomplete_set_say(struct oncomplete *oc,
		    oncomplete_say_fn *say, void *arg);

/*
 * The torrent t completed: runs the command for it now, or queues it when
 * ONCOMPLETE_MAX_RUNNING run.  BT_OK (run or queued); BT_ERR_LIMIT when
 * the queue is full; BT_ERR_SYS when fork failed (errno).  Each case is
 * also said.
 */
int		 oncomplete_torrent_done(struct oncomplete *oc,
		    const struct oncomplete_torrent *t);
/* Reaps the commands that exited (saying how), then starts queued ones in
 * the slots freed.  Returns how many were reaped.  Never blocks. */
size_t		 oncomplete_reap(struct oncomplete *oc);
/* Commands running and queued. */
size_t		 oncomplete_pending(const struct oncomplete *oc);
/*
 * Waits up to wait_ms (polling every few ms) for every command, queued
 * ones included, to finish: for --headless, so that a script finds the
 * command's work done when bttui exits.  Returns how many still run (they
 * are left running, and said so).
 */
size_t		 oncomplete_wait(struct oncomplete *oc, uint64_t wait_ms);

/*
 * The environment for t: the entries of env (NULL-terminated) except
 * BTTUI_NAME, BTTUI_PATH, BTTUI_INFOHASH and BTTUI_SIZE, then those four
 * for t, with path as BTTUI_PATH.  A new NULL-terminated array whose
 * strings are owned with it: free it with oncomplete_env_free.  NULL when
 * out of memory.
 */
char		**oncomplete_env(char *const *env,
		    const struct oncomplete_torrent *t, const char *path);
void		 oncomplete_env_free(char **envp);

#endif
