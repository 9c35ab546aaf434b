/*
 * torrent_impl.h: struct torrent, shared by the torrent's own files only:
 * torrent.c (life cycle, peers, timers), torrent_disk.c (pieces to disk,
 * resume), torrent_journal.c (the journal), torrent_check.c (checking),
 * peerproto.c (one connection's messages) and torrent_report.c
 * (snapshots).  The rest of the engine uses torrent.h.
 */
#ifndef BT_TORRENT_IMPL_H
#define BT_TORRENT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "engine/peer.h"
#include "engine/torrent.h"

struct metainfo;
struct metafetch;
struct magnet;
struct extmsg_metadata;
struct worker_job;

/* Where a known address came from (shown in the peer detail). */
enum torrent_src {
	TORRENT_SRC_TRACKER,
	TORRENT_SRC_PEX,	/* BEP 11, from another peer */
	TORRENT_SRC_DHT,
	TORRENT_SRC_INCOMING,	/* it dialled us */
	TORRENT_SRC_MANUAL,	/* --peer, a magnet link's x.pe */
};

/* Listening addresses of connections PEX tells about, at most. */
#define TORRENT_PEX_MAX		200

/*
 * An address the torrent may dial (torrent_known.c).  Dials back off per
 * address: after a failed dial 10 s, doubling with each failure in a
 * row; after a connection that ended 30 s, doubling while connections
 * end without having lasted and traded; both at most 30 min.  A seed is
 * not dialled while we seed.
 */
struct known_peer {
	struct peer_addr addr;
	uint8_t		 src;		/* enum torrent_src */
	uint8_t		 seed;		/* it had every piece when last seen
					 * (bitfield, HAVE_ALL, PEX flag) */
	uint8_t		 fail;		/* enum peer_fail of the last dial;
					 * PEER_FAIL_NONE once one worked */
	uint8_t		 fail_logged;	/* a failure was logged: once only */
	uint8_t		 plain;		/* --encryption prefer: it did not
					 * answer MSE, dial it plaintext */
	uint8_t		 no_utp;	/* a uTP dial failed: TCP from now */
	int		 fail_errno;
	int		 connected;
	int		 banned;	/* self, or 3 bad pieces */
	unsigned	 fails;		/* dials failed in a row */
	unsigned	 drops;		/* connections in a row that ended
					 * without lasting and trading */
	uint64_t	 retry_ms;	/* not dialled before then */
	uint64_t	 failed_ms;	/* when the last dial failed */
};

struct ban {			/* see torrent_ban in torrent.c */
	struct peer_addr addr;
	uint8_t		 peer_id[20];
};

/* A connection that was up and ended, for the detail the front may still
 * ask of it (torrent_reap notes it, torrent_send_peer answers). */
#define TORRENT_GONE_MAX	16
struct gone_peer {
	int		 used;
	uint32_t	 id;
	uint64_t	 ms;		/* when it was reaped */
	char		 reason[96];	/* its dead_reason */
};

struct torrent {
	struct torrent_env	*env;
	uint32_t		 id;
	uint8_t			 info_hash[20];
	struct metainfo		*meta;
	struct storage		*store;		/* the loop's: reads, stat */
	struct storage		*wstore;	/* the workers': writes, checks */
	unsigned		 jobs;		/* worker jobs in flight */
	uint64_t		 disk_bytes;	/* pieces in them, to write */
	uint64_t		 disk_held_ms;	/* since when its peers are not
						 * read, the disk being behind
						 * (torrent_disk.c); 0: read */
	unsigned		 check_lanes;	/* bit i: lane i's check job is
						 * in flight (torrent_check.c) */
	uint32_t		 check_flying;	/* pieces in those jobs */
	uint32_t		 check_found;	/* pieces the check found good */
	struct storage		*cstore;	/* lane 1's, while checking */
	uint8_t			*check_mask;	/* pieces to check; NULL: all.
						 * Set only while checking.
						 * While some are checked the
						 * torrent runs, picking none
						 * of them (torrent_prio.c) */
	uint64_t		*start_sizes;	/* files' sizes before
						 * storage_open (RESUME_SIZE_
						 * MISSING: none); freed at start */
	uint32_t		*jbatch;	/* written pieces for the next
						 * journal flush */
	uint32_t		 njbatch;
	uint32_t		 nwritten;	/* of them, in a written
						 * record already */
	uint64_t		 jbatch_since_ms;
	struct picker		*picker;
	struct tracker		*tracker;
	struct blockcache	*cache;
	struct choker		*choker;
	struct blame		*blame;
	struct senders		*senders;	/* pieces verified lately */
	struct gone_peer	 gone[TORRENT_GONE_MAX];	/* a ring */
	size_t			 gone_next;
	struct worker_pool	*workers;
	uint64_t		 rng;
	char			 dir[4096];
	char			 resume_path[4096];	/* "" when none */
	int			 seed;
	double			 seed_ratio;
	int			 verify;
	uint32_t		 stream_file;	/* or MSG_STREAM_ALL / _OFF */
	uint8_t			*file_prio;	/* enum picker_prio per
						 * meta file (pads: skip) */

	struct peer		**peers;
	size_t			 npeers, peers_alloc;
	size_t			 read_next;	/* torrent_perform starts here */
	struct known_peer	*known;
	size_t			 nknown;
	struct ban		*bans;
	size_t			 nbans;
	struct webseed		**webseeds;	/* BEP 19, one per url-list URL */
	size_t			 nwebseeds;

	/* A magnet link until its metadata is verified (meta is NULL
	 * meanwhile): torrent_magnet.c. */
	struct magnet		*magnet;
	struct metafetch	*fetch;
	uint8_t			*init_prio;	/* file priorities to apply */
	size_t			 ninit_prio;

	uint64_t		 have_bytes;	/* verified payload */
	uint64_t		 wasted;	/* failed pieces, duplicates */
	unsigned		 hashfails;
	uint8_t			*piece_fails;	/* hash failures per piece */
	struct rate		 down, up;	/* this torrent's payload */
	uint64_t		 pick_gen;	/* bumped when blocks free up */

	int			 started;
	int			 checking;
	uint32_t		 check_next;
	int			 had_data;	/* files had bytes at start */
	int			 paused;
	int			 queued;
	int			 errored;
	char			 error[256];
	unsigned		 resumes;	/* a write that failed before
						 * the last resume is no news */
	int			 completed_sent;
	int			 completed_now;	/* ... by a download of this
						 * engine's, not at start */
	int			 done;		/* complete, not seeding */
	int			 resume_dirty;
	uint64_t		 choke_due_ms;	/* the next choke round */
	uint64_t		 resume_due_ms;	/* the next resume save */
	unsigned		 choke_rounds;
	uint64_t		 tick_ms;	/* torrent_tick's last full run */
	int			 ticked;	/* 0: the next tick runs in full
						 * (none yet, or torrent_wake) */
};

/* Something happened that a quiet torrent's tick must see (a job ended, a
 * peer address came): its next tick runs in full, not up to a second later. */
static inline void
torrent_wake(struct torrent *t)
{
	t->ticked = 0;
}

/* torrent.c, for its sibling files */
void	torrent_log(struct torrent *t, int level, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	torrent_fatal(struct torrent *t, const char *msg);
struct peer *torrent_peer_by_id(struct torrent *t, uint32_t id);
struct known_peer *torrent_known_find(struct torrent *t,
	    const struct peer_addr *a);
void	torrent_strike(struct torrent *t, uint32_t peer_id);
int	torrent_is_banned(const struct torrent *t, const struct peer *p);
/* The active connection to the peer with this peer id, or NULL. */
struct peer *torrent_peer_with_id(struct torrent *t, const uint8_t id[20]);
void	torrent_release_requests(struct torrent *t, struct peer *p);
/* Every block requested from source id may be picked again (a peer's or a
 * web seed's); buffers of pieces left with nothing go. */
void	torrent_release_blocks(struct torrent *t, uint32_t id);
void	torrent_broadcast_have(struct torrent *t, uint32_t piece);
/* Complete (and not checking): said once, with the record saved and the
 * trackers told; then seeding or done.  Otherwise nothing. */
void	torrent_check_complete(struct torrent *t);

/* torrent.c */
int	torrent_idle(const struct torrent *t);
struct metainfo_tier;
int	torrent_start_tracker(struct torrent *t,
	    const struct metainfo_tier *tiers, size_t ntiers, char *err,
	    size_t errlen);
void	torrent_start_data(struct torrent *t);
int	torrent_attach_meta(struct torrent *t, struct metainfo *meta,
	    const uint8_t *file_prio, size_t nfile_prio, char *err,
	    size_t errlen);
/* The bytes the user wants and has: those of the files not skipped (pad
 * files, BEP 47, are), and of them the ones in pieces had.  O(pieces). */
void	torrent_wanted(const struct torrent *t, uint64_t *total_out,
	    uint64_t *done_out);

/* torrent_peers.c */
/* The connection with that id if it was up and ended lately (the last
 * TORRENT_GONE_MAX of them), else NULL. */
const struct gone_peer *torrent_gone_peer(const struct torrent *t,
	    uint32_t id);
/* Takes p into t's connections (the session's peer count included).
 * BT_OK or BT_ERR_NOMEM (p untouched). */
int	torrent_add_peer(struct torrent *t, struct peer *p);
/* Connect, handshake and silence time-outs; keep-alives; snubbing. */
void	torrent_check_timeouts(struct torrent *t);
/* Its peers are read again after held_ms of waiting for the disk: that
 * time does not count as their silence. */
void	torrent_peers_unhold(struct torrent *t, uint64_t held_ms);

/* torrent_prio.c: the files' priorities into the picker (BT_ERR_NOMEM);
 * t->file_prio from the saved ones (NULL: all normal), and in *create_out
 * (free it) which files storage makes: the wanted ones */
int	torrent_apply_prio(struct torrent *t);
/* torrent_apply_prio, then every peer to pick from again and interest
 * told at once (after priorities or the pieces being checked changed). */
int	torrent_prio_refresh(struct torrent *t);
int	torrent_init_prio(struct torrent *t, const uint8_t *file_prio,
	    size_t nfile_prio, uint8_t **create_out);

/* torrent_known.c */
/* Adds an address to dial (deduplicated, bounded); the entry, new or
 * old, or NULL when the list is full. */
struct known_peer *torrent_known_add(struct torrent *t,
	    const struct peer_addr *a, enum torrent_src src);
/* The same for a compact address (PEX, the DHT, a magnet link's x.pe);
 * NULL also for one of no usable family. */
struct known_peer *torrent_known_add_caddr(struct torrent *t,
	    const struct caddr *c, enum torrent_src src);
void	torrent_connect_more(struct torrent *t);
size_t	torrent_count_connecting(const struct torrent *t);
/* Some known address may be dialled now or soon. */
int	torrent_known_to_try(const struct torrent *t);
/* Whether k may be dialled by time by_ms: not connected nor banned, its
 * back-off over by then, and not a seed while we seed. */
int	torrent_known_dialable(const struct torrent *t,
	    const struct known_peer *k, uint64_t by_ms);
/* Connection p to known address k is over (torrent_reap): a failed dial
 * waits (or, refused by uTP or MSE, is made again at once over TCP or in
 * plaintext: then 1), a connection that ended waits longer each time it
 * ended without trading. */
int	torrent_known_ended(struct torrent *t, struct known_peer *k,
	    const struct peer *p);

/* torrent_magnet.c: the phase before the metadata (t->meta NULL) */
int	torrent_magnet_new(struct torrent *t, struct magnet *mag,
	    char *err, size_t errlen);
void	torrent_magnet_free(struct torrent *t);
/* Its extended handshake arrived: ask it for metadata if it has some. */
void	torrent_magnet_on_peer(struct torrent *t, struct peer *p);
/* A ut_metadata DATA or REJECT from p. */
void	torrent_magnet_on_metadata(struct torrent *t, struct peer *p,
	    const struct extmsg_metadata *m);
/* Decodes what p sends before the metadata: only BEP 10 messages have a
 * meaning; bitfields and haves are kept raw (peer.h early_bits). */
void	torrent_magnet_process_input(struct torrent *t, struct peer *p);
/* Timers: re-asks what timed out, finishes when the metadata is whole. */
void	torrent_magnet_tick(struct torrent *t);
/* The link's dn, else the info-hash in hex. */
const char	*torrent_magnet_name(const struct torrent *t);
/* What the trackers are told is left: the link's xl, else 1. */
uint64_t	torrent_magnet_left(const struct torrent *t);

/* torrent_disk.c */
/* Notes each file's size before storage_open extends it (for the start
 * rule); 1 when some file already has bytes on disk. */
int	torrent_scan_files(struct torrent *t);
/* Frees what torrent_disk.c hangs off t; jobs must be done. */
void	torrent_disk_cleanup(struct torrent *t);
void	torrent_choose_start(struct torrent *t);
/* Runs the loop's side of the workers until no job of t is in flight. */
void	torrent_wait_jobs(struct torrent *t);
/* Queues job on the disk pool as one of t's jobs in flight (its done()
 * calls torrent_job_ended): torrent_disk_submit in order with t's other
 * jobs on wstore, torrent_disk_submit_on with those of serial. */
void	torrent_disk_submit(struct torrent *t, struct worker_job *job);
void	torrent_disk_submit_on(struct torrent *t, struct worker_job *job,
	    const void *serial);
/* A job's done() ran: one fewer in flight, and t's next tick runs in full. */
void	torrent_job_ended(struct torrent *t);
/* A piece whose every block arrived: hash it, write it, or blame. */
void	torrent_piece_done(struct torrent *t, uint32_t piece);
/* Tells storage which files are skipped now (t->file_prio): a job on the
 * worker gives wstore the new mask, moving the bytes of files wanted again
 * out of the part file, then store follows on the loop. */
void	torrent_apply_skips(struct torrent *t);

/* torrent_journal.c */
/* Queues a journal flush when the batch is old or big enough. */
void	torrent_journal_tick(struct torrent *t);
/* Piece was written: into the next batch (flushed when it is full). */
void	torrent_journal_note(struct torrent *t, uint32_t piece);
/* Queues the journal's header: a fresh torrent's journal begins. */
void	torrent_journal_start(struct torrent *t);
/* The journal's flushed pieces into bits, its written ones into written
 * (nbytes each); 1 when there was a journal of ours. */
int	torrent_journal_load(struct torrent *t, uint8_t *bits,
	    uint8_t *written, size_t nbytes);

/* torrent_check.c */
/* Queues the next batches of pieces to hash, one per free lane; ends the
 * check when every batch came back. */
void	torrent_check_some(struct torrent *t);

#endif
