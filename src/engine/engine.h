/*
 * engine: one torrent, one select() loop.  struct engine (private to
 * engine.c) owns every piece of state: metainfo, storage, picker, tracker,
 * peers, the block cache, timers.  The same entry point serves the headless
 * mode and the child process of the two-process design.
 */
#ifndef BT_ENGINE_H
#define BT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#define ENGINE_DEFAULT_PORT		6881
#define ENGINE_DEFAULT_MAX_PEERS	80
#define ENGINE_MAX_PEERS_LIMIT		800	/* well below FD_SETSIZE */
#define ENGINE_MAX_WAIT_MS		1000	/* longest select() wait */

struct engine_config {
	const char		*torrent_path;
	const char		*dir;		/* download directory */
	uint16_t		 port;		/* announced listen port */
	const char *const	*peers;		/* "HOST:PORT" to dial */
	size_t			 npeers;
	unsigned		 max_peers;
	uint64_t		 max_down_bps;	/* 0: unlimited */
	uint64_t		 max_up_bps;
	int			 seed;		/* keep seeding when done */
	double			 seed_ratio;	/* 0: none */
	int			 verify;	/* force a full hash check */
	unsigned		 upload_slots;
	uint64_t		 rng_seed;	/* 0: from the clock and pid */
};

/* Fills cfg with defaults (port 6881, 80 peers, 4 upload slots, dir "."). */
void	engine_config_defaults(struct engine_config *cfg);

/*
 * Runs the torrent until it completes (or, with cfg->seed, until stopped),
 * SIGINT/SIGTERM, or a fatal error.  ipc_fd < 0: headless, progress lines on
 * stdout and messages on stderr.  Returns the process exit status: 0 done,
 * 1 bad input (unreadable or invalid torrent), 2 runtime failure (disk,
 * network setup).
 */
int	engine_run(const struct engine_config *cfg, int ipc_fd);

#endif
