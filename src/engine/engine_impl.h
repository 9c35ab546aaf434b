/*
 * engine_impl.h: struct engine, shared by the engine's own files only
 * (engine.c: the loop and the BitTorrent work; control.c: the front's side
 * of it, snapshots and commands over IPC).  Nothing outside src/engine
 * includes this; the public contract is engine.h.
 */
#ifndef BT_ENGINE_IMPL_H
#define BT_ENGINE_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>

#include "ipc/bbuf.h"
#include "ipc/channel.h"
#include "ipc/sigpipe.h"
#include "engine/bucket.h"
#include "engine/engine.h"
#include "engine/peer.h"
#include "engine/rate.h"

struct known_peer {
	struct peer_addr addr;
	int		 connected;
	int		 banned;	/* self, or 3 bad pieces */
	unsigned	 fails;
	uint64_t	 retry_ms;
};

struct ban {			/* see ban_peer in engine.c */
	struct peer_addr addr;
	uint8_t		 peer_id[20];
};

struct blame;
struct worker_pool;

struct engine {
	const struct engine_config *cfg;
	int		 ipc_fd;
	struct metainfo	*meta;
	struct storage	*store;
	struct picker	*picker;
	struct tracker	*tracker;
	struct worker_pool *workers;	/* blocking work: name resolution */
	struct blockcache *cache;
	struct choker	*choker;
	uint8_t		 peer_id[20];
	uint64_t	 rng;

	uint64_t	 now_ms, start_ms;
	struct peer	**peers;
	size_t		 npeers, peers_alloc;
	uint32_t	 next_peer_id;
	struct known_peer *known;
	size_t		 nknown;

	uint64_t	 have_bytes;	/* verified payload */
	uint64_t	 wasted;	/* bytes of failed pieces, duplicates */
	unsigned	 hashfails;
	struct rate	 down, up;
	struct bucket	 down_bkt, up_bkt;	/* rate limits */
	int		 down_held, up_held;	/* a bucket held back I/O */
	size_t		 turn;			/* rotates who reads first */
	char		 resume_path[4096];	/* "" when none */
	int		 resume_dirty;		/* pieces verified since save */
	uint64_t	 next_resume_ms;

	uint64_t	 next_choke_ms, next_optimistic_ms, next_status_ms;
	uint64_t	 pick_gen;	/* bumped when blocks are released */
	int		 completed_sent;
	int		 listen_fd;
	uint16_t	 port;		/* the one we listen on */
	int		 checking;	/* hashing data on disk */
	uint32_t	 check_next;
	int		 interrupted;	/* SIGINT/SIGTERM */
	int		 stop;		/* 1: leave the loop */
	int		 exit_status;
	struct sigpipe	 sigs;		/* SIGTERM (and SIGINT alone) */

	/* the front, through PACKET frames (ipc_fd >= 0) */
	struct ipc_chan	 chan;
	struct bbuf	 payload;	/* reused for every message */
	uint64_t	 hb_seq;
	uint64_t	 next_hb_ms, next_snap_ms, next_fast_ms;
	int		 paused;
	int		 errored;	/* a fatal error: idle until resumed */
	char		 error[256];
	uint8_t		*piece_fails;	/* hash failures per piece */
	struct blame	*blame;		/* who sent bad blocks */
	struct ban	*bans;
	size_t		 nbans;
};

/* engine.c, for control.c */
size_t	engine_count_active(const struct engine *e);
struct peer *engine_peer_by_id(struct engine *e, uint32_t id);
void	engine_set_limits(struct engine *e, uint64_t down_bps,
	    uint64_t up_bps);
void	engine_pause(struct engine *e, int pause);
void	engine_reannounce(struct engine *e);
uint64_t engine_clock_ms(void);

/* control.c: the engine's side of the IPC.  All are no-ops when the engine
 * runs without a front (ipc_fd < 0).  control_open sends REGISTER (from
 * e->meta when it is loaded). */
int	control_open(struct engine *e, int fd);
void	control_close(struct engine *e);
void	control_fdset(struct engine *e, fd_set *rd, fd_set *wr, int *maxfd);
/* Reads commands and writes what is queued; EOF from the front stops the
 * engine cleanly. */
void	control_perform(struct engine *e, const fd_set *rd, const fd_set *wr);
/* Heartbeat every second, status a few times a second, the other
 * snapshots every second. */
void	control_tick(struct engine *e);
int64_t	control_timeout_ms(const struct engine *e);
void	control_log(struct engine *e, int level, const char *text);
/* A last status and the log, flushed before the engine exits. */
void	control_final(struct engine *e);

#endif
