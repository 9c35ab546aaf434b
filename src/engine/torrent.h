/*
 * torrent: one torrent of the session and its state machine
 *
 *	[metadata ->] checking -> queued <-> downloading -> seeding
 *	any -> paused -> (back);  any -> error -> (resume: back)
 *
 * It owns the metainfo, storage, picker, block cache, choker, tracker
 * client, blame, bans, its known addresses and its peer connections, and
 * its resume record.  What every torrent shares (the clock, the peer id, the
 * listen port, the global rate limits, the log) it borrows from the
 * session through struct torrent_env.  The session never reaches into a
 * torrent: it calls the functions below.
 */
#ifndef BT_TORRENT_H
#define BT_TORRENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>

struct bucket;
struct caddr;
struct engine_config;
struct loop;
struct msg_status;
struct msg_torrent_row;
struct peer;
struct peer_addr;
struct rate;
struct utpmux;
struct wire_handshake;
struct worker_pool;
union msg_any;

/* What the session lends every torrent; the session owns it and keeps it
 * alive longer than any torrent. */
struct torrent_env {
	const struct engine_config *cfg;
	/* uTP (BEP 29): the session's connections on its UDP socket; NULL
	 * when off (--no-utp) or without a UDP socket: TCP only. */
	struct utpmux	*utp;
	uint64_t	 now_ms;		/* set once per loop turn */
	uint64_t	 now_us;		/* the same, finer, for timing
						 * requests; 0: not timed */
	uint64_t	 start_ms;
	uint8_t		 peer_id[20];
	uint16_t	 port;			/* the one we listen on */
	/* --bind: outgoing connections of a family leave from dial4 or
	 * dial6 (NULL: the kernel picks); with dial_bound set, a family
	 * whose pointer is NULL is not dialled at all. */
	const struct peer_addr *dial4, *dial6;
	int		 dial_bound;
	/* BEP 7: our global IPv6 address, for HTTP trackers' ipv6= */
	int		 has_ipv6;
	uint8_t		 ipv6[16];
	uint32_t	 next_peer_id;		/* session-wide, never reused */
	uint64_t	 rng;			/* seeds each torrent's own */
	size_t		 npeers;		/* connections, all torrents */
	size_t		 ntorrents;		/* in the session */
	struct bucket	*down_bkt, *up_bkt;	/* global limits */
	int		 up_held;		/* the upload bucket held I/O */
	struct rate	*down, *up;		/* session totals */
	/* Name resolution has threads of its own: a silent name server
	 * must not hold back the disk jobs of the torrents. */
	struct worker_pool *resolvers;
	struct loop	*loop;			/* torrents' own timers */
	void		*arg;
	/* A line for the user; torrent_id is MSG_TORRENT_NONE-free here:
	 * torrents always pass their own id. */
	void		(*log)(void *arg, uint32_t torrent_id, int level,
			    const char *line);
	/* A magnet link's metadata arrived: the session keeps bytes (a
	 * whole .torrent) in place of the link. */
	void		(*save_torrent)(void *arg, uint32_t torrent_id,
			    const uint8_t info_hash[20], const void *bytes,
			    size_t len);
	/* The DHT (NULL when off): a torrent asks it for peers (hungry: it
	 * has few), and passes on a peer's DHT node (its PORT message). */
	void		(*dht_want)(void *arg, const uint8_t info_hash[20],
			    int hungry);
	void		(*dht_node)(void *arg, const struct peer_addr *a);
	void		(*dht_bootstrap)(void *arg, const char *host_port);
	/* For the screen: nodes in the DHT's routing tables, lookups
	 * running or queued. */
	void		(*dht_health)(void *arg, size_t *nodes,
			    size_t *lookups);
};

enum torrent_state {
	TORRENT_CHECKING,	/* hashing data on disk */
	TORRENT_QUEUED,		/* waiting for a download slot */
	TORRENT_DOWNLOADING,
	TORRENT_SEEDING,
	TORRENT_PAUSED,
	TORRENT_ERROR,		/* a disk error: idle until resumed */
	TORRENT_DONE,		/* complete and not seeding: stopped */
	TORRENT_METADATA,	/* a magnet link fetching its metadata */
};

struct torrent_params {
	const char	*torrent_path;
	const char	*dir;		/* download directory */
	const char	*resume_path;	/* NULL: no resume record */
	int		 paused;
	int		 verify;	/* force a full hash check */
	int		 seed;		/* keep seeding when complete */
	double		 seed_ratio;	/* 0: none */
	/* enum picker_prio of each file as MSG_FILES lists them (pad files
	 * left out); files past nfile_prio, and all when NULL: normal. */
	const uint8_t	*file_prio;
	size_t		 nfile_prio;
};

struct torrent;

/*
 * Loads the torrent and opens its storage.  BT_OK with *out, or an error
 * with one line in err (which names the file): BT_ERR_FORMAT and friends
 * for a bad torrent, BT_ERR_SYS for a directory that cannot be used.
 */
int	torrent_new(struct torrent_env *env, uint32_t id,
	    const struct torrent_params *p, struct worker_pool *workers,
	    struct torrent **out, char *err, size_t errlen);
/* Closes its peers (no announce); NULL is a no-op. */
void	torrent_free(struct torrent *t);

uint32_t		 torrent_id(const struct torrent *t);
const uint8_t		*torrent_info_hash(const struct torrent *t);
const char		*torrent_name(const struct torrent *t);
enum torrent_state	 torrent_state(const struct torrent *t);
/* Complete: every wanted piece (of a file not skipped) verified. */
int			 torrent_complete(const struct torrent *t);
/* Wants a download slot: not complete, not paused, not in error. */
int			 torrent_wants_slot(const struct torrent *t);
/* 1 while every piece is hashed: the torrent is idle and gets no download
 * slot until then.  A check of some pieces (after a crash, state CHECKING
 * all the same) lets it connect and download the others meanwhile. */
int			 torrent_checking_all(const struct torrent *t);
/* An error ended it (disk): for the exit status. */
int			 torrent_failed(const struct torrent *t);
size_t			 torrent_count_peers(const struct torrent *t);

/* Run-time changes. */
void	torrent_pause(struct torrent *t, int pause);
void	torrent_set_queued(struct torrent *t, int queued);
void	torrent_reannounce(struct torrent *t);
/*
 * Streams file `file' (its index as MSG_FILES lists them: pad files are
 * skipped): the picker takes its first and last pieces first, then the
 * rest in order.  MSG_STREAM_ALL streams the whole torrent, MSG_STREAM_OFF
 * goes back to rarest first.  BT_OK; BT_ERR_RANGE when there is no such
 * file; BT_ERR_INVALID for an empty file (nothing changes).
 */
int	torrent_stream(struct torrent *t, uint32_t file);
/* The file being streamed, MSG_STREAM_ALL or MSG_STREAM_OFF. */
uint32_t	torrent_streamed(const struct torrent *t);
/*
 * File `file' (indexed as MSG_FILES lists them) gets priority prio (enum
 * picker_prio): each piece takes the highest priority of the files it
 * touches, and is skipped only when they all are.  BT_OK; BT_ERR_RANGE
 * for no such file, BT_ERR_INVALID for a bad prio.
 */
int	torrent_set_file_prio(struct torrent *t, uint32_t file, unsigned prio);
/*
 * Every listed file whose path starts with dir and a '/' (a directory of
 * the Files view, "name/sub") gets priority prio, with one pass over the
 * files and one over the pieces however many they are.  *count_out: how
 * many files that was.  BT_OK; BT_ERR_NOTFOUND when no file is under dir
 * (nothing changes), BT_ERR_INVALID for a bad prio, BT_ERR_NOMEM.
 */
int	torrent_set_dir_prio(struct torrent *t, const char *dir, unsigned prio,
	    uint32_t *count_out);
/* Its priority; PICKER_PRIO_SKIP for no such file. */
unsigned	torrent_file_prio(const struct torrent *t, uint32_t file);
/* The priorities of all torrent_nlisted(t) listed files into out[], in
 * MSG_FILES order, in one pass (the session saves them after a change). */
void	torrent_file_prios(const struct torrent *t, uint8_t *out);
/* Number of files MSG_FILES lists (pad files left out). */
uint32_t	torrent_nlisted(const struct torrent *t);

/* Starts it: checks data or loads the resume record, announces. */
void	torrent_start(struct torrent *t);

/* Loop plumbing, once per turn.  torrent_fdset returns 1 when a peer
 * can go on without waiting for a socket (uTP: peer_fdset). */
int	torrent_fdset(struct torrent *t, fd_set *rd, fd_set *wr, int *maxfd,
	    int down_held);
void	torrent_perform(struct torrent *t, const fd_set *rd,
	    const fd_set *wr);
int64_t	torrent_timeout_ms(struct torrent *t);
/* Timers: timeouts, choke rounds, dialling, checking, completion. */
void	torrent_tick(struct torrent *t);
/* Frees the connections that died this turn. */
void	torrent_reap(struct torrent *t);

/* An incoming connection whose handshake named this torrent: the torrent
 * takes it (or closes it: banned, duplicate, paused...).  p is owned by the
 * torrent from here on, whatever happens. */
void	torrent_adopt(struct torrent *t, struct peer *p,
	    const struct wire_handshake *hs);
/* An address to dial (--peer, a magnet link's x.pe). */
void	torrent_add_peer_addr(struct torrent *t, const struct peer_addr *a);
/* Addresses the DHT found for this torrent. */
void	torrent_add_dht_peers(struct torrent *t, const struct caddr *peers,
	    size_t n);
/* Whether env lets us dial a's family (--bind); *src_out is then the
 * address to bind() the socket to, or NULL for the kernel's choice. */
int	torrent_env_dial_from(const struct torrent_env *env,
	    const struct peer_addr *a, const struct peer_addr **src_out);
/* --bind: binds fd, a new socket of `family', to that family's address
 * (port 0), so that what it sends leaves from where we listen.  0 (and
 * nothing done without --bind), or -1 with errno: the family is left out
 * (EAFNOSUPPORT), or bind() failed. */
int	torrent_env_bind(const struct torrent_env *env, int fd, int family);
/* Deletes its files (and the directories that become empty) from disk:
 * the user removed it with its data. */
void	torrent_delete_data(struct torrent *t);
/* Whether it accepts incoming peers now. */
int	torrent_accepting(const struct torrent *t);

/* Queues a save of the resume record on the workers. */
void	torrent_save_resume(struct torrent *t);
/* At exit: waits for its disk jobs, then saves the record before it
 * returns. */
void	torrent_flush(struct torrent *t);
/* Sends `stopped' to its trackers; torrent_busy says when they are done. */
void	torrent_announce_stopped(struct torrent *t);
int	torrent_tracker_busy(const struct torrent *t);
void	torrent_tracker_fdset(struct torrent *t, fd_set *rd, fd_set *wr,
	    int *maxfd);
void	torrent_tracker_perform(struct torrent *t, const fd_set *rd,
	    const fd_set *wr);
/* Milliseconds until its trackers want torrent_tracker_perform (-1: no
 * deadline). */
int64_t	torrent_tracker_timeout_ms(struct torrent *t);

/* Snapshots for the front (torrent_report.c).  send is called once per
 * frame with a filled payload. */
typedef void	(*torrent_send_fn)(void *arg, int type,
		    const union msg_any *m);
void	torrent_fill_row(struct torrent *t, struct msg_torrent_row *row);
void	torrent_fill_status(struct torrent *t, struct msg_status *st);
void	torrent_send_details(struct torrent *t, torrent_send_fn send,
	    void *arg);
void	torrent_send_piece(struct torrent *t, uint32_t index,
	    torrent_send_fn send, void *arg);
void	torrent_send_peer(struct torrent *t, uint32_t peer_id,
	    torrent_send_fn send, void *arg);

#endif
