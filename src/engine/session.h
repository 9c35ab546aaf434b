/*
 * session: one engine's session of torrents, run one loop turn at a time.
 * engine_run (engine.h) is session_new, session_turn until it says stop,
 * then session_free; tests run two sessions in one process the same way.
 */
#ifndef BT_SESSION_H
#define BT_SESSION_H

#include <stddef.h>
#include <stdint.h>

struct engine_config;
struct session;

/*
 * Opens the session in cfg->session_dir (cfg must outlive it) with the
 * front on ipc_fd (-1: none, log lines to stderr), listens, and starts its
 * torrents.  Returns 0 with *out, or an exit status (1 an unusable session
 * directory, 2 a run-time failure) with *out NULL.
 */
int	session_new(const struct engine_config *cfg, int ipc_fd,
	    struct session **out);
/* One loop turn, waiting at most max_wait_ms.  1 while the session runs,
 * 0 once it should stop (quit, SIGTERM, every torrent done). */
int	session_turn(struct session *s, int64_t max_wait_ms);
/* Saves every resume record, tells the trackers `stopped', flushes the
 * front, frees everything.  Returns the exit status: 0, or 2 when the
 * IPC failed or a torrent ended in error. */
int	session_free(struct session *s);

/* For tests and the headless exit: torrents, and how many are complete. */
size_t	session_torrent_count(const struct session *s);
size_t	session_complete_count(const struct session *s);
uint16_t session_port(const struct session *s);

#endif
