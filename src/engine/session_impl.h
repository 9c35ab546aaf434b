/*
 * session_impl.h: struct session, shared by the session's own files only:
 * session.c (the loop, listening, torrents, settings), control.c (the
 * front's side: snapshots and commands over IPC), listen.c and
 * session_udp.c (the UDP sockets, the DHT and uTP on them).  The public
 * contract is engine.h.
 */
#ifndef BT_SESSION_IMPL_H
#define BT_SESSION_IMPL_H

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
#include "engine/sessiondir.h"
#include "engine/torrent.h"

struct caddr;
struct dht;
struct loop;
struct udp;
struct utp;
struct utpmux;
struct sessiondir;
struct watchdir;
struct worker_pool;

#define LISTEN_SAID_MAX		64	/* incoming failures remembered */

/* listen.c's: where we listen (the --bind addresses, or 0.0.0.0 and ::,
 * each port 0 here) and dial from; the incoming connections that failed
 * before their handshake and were logged, by host and reason (the last
 * LISTEN_SAID_MAX), so that each is said once. */
struct listener {
	struct peer_addr	 addr[ENGINE_MAX_BIND];
	int			 fd[ENGINE_MAX_BIND];	/* -1: not listening */
	uint8_t			 gone[ENGINE_MAX_BIND];	/* not on this host */
	size_t			 n;
	int			 bound;			/* --bind given */
	struct peer_addr	 from4, from6;	/* --bind: dial from these */
	struct listen_said {
		struct peer_addr host;		/* port 0 */
		uint8_t		 why;		/* enum peer_fail */
	}			 said[LISTEN_SAID_MAX];
	size_t			 nsaid, said_at;
};

/* A snapshot as sent to the front: the hash of its encoded bytes, and
 * when (0: not since the last failed send). */
struct control_memo {
	uint64_t	hash;
	uint64_t	sent_ms;
};

struct session {
	const struct engine_config *cfg;
	struct loop		*loop;
	struct torrent_env	 env;		/* lent to every torrent */
	struct bucket		 down_bkt, up_bkt;	/* global limits */
	struct rate		 down, up;		/* session totals */
	int			 down_held;
	int			 peers_ready;	/* a uTP peer can go on now */
	size_t			 turn;		/* rotates who reads first */
	struct worker_pool	*workers;	/* disk: hash, write, fsync */
	struct worker_pool	*resolvers;	/* getaddrinfo */
	struct sessiondir	*sd;
	struct watchdir		*watch;
	struct udp		*udp;		/* NULL: no DHT nor uTP, or no
						 * UDP socket */
	struct dht		*dht;		/* NULL: --no-dht, or no UDP */
	struct utpmux		*utp;		/* uTP connections; NULL: off,
						 * or no UDP */
	uint32_t		 max_active;
	/* The limits set (the buckets hold those in force: the alt ones
	 * while turtle is on), kept in the session's settings. */
	struct sessiondir_settings limits;

	struct torrent		**torrents;
	size_t			 ntorrents;
	uint32_t		 next_torrent_id;

	struct listener		 lis;
	struct peer		**incoming;	/* before their handshake */
	size_t			 nincoming;

	struct sigpipe		 sigs;
	int			 interrupted;	/* SIGINT/SIGTERM */
	int			 stop;		/* leave the loop */
	int			 exit_status;

	/* the front, through PACKET frames */
	int			 ipc_fd;	/* -1: none (unit tests) */
	struct ipc_chan		 chan;
	struct bbuf		 payload;	/* reused for every message */
	uint64_t		 hb_seq;
	uint32_t		 focus;		/* torrent shown in detail */
	/* what control.c last sent of the totals, the list and the focused
	 * torrent's status, so that it need not send them again unchanged */
	struct control_memo	 memo_session, memo_list, memo_status;
};

/* session.c, for control.c */
struct torrent *session_torrent_by_id(struct session *s, uint32_t id);
struct torrent *session_torrent_by_hash(struct session *s,
	    const uint8_t ih[20]);
int	session_add_file(struct session *s, const char *path, const char *dir,
	    int paused);
void	session_remove(struct session *s, uint32_t id, int delete_data);
void	session_pause(struct session *s, uint32_t id, int pause);
void	session_set_limits(struct session *s, uint64_t down_bps,
	    uint64_t up_bps);
void	session_set_max_active(struct session *s, uint32_t n);
/* Turtle mode on (1) or off (0): the alt limits in force, or the others;
 * logged and kept in the settings. */
void	session_set_turtle(struct session *s, int on);
void	session_log(struct session *s, uint32_t torrent_id, int level,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* session_udp.c: the UDP sockets on the listen port and the protocols
 * on them, as cfg asks; what cannot start is logged and left NULL.  Start
 * after listen_setup (the port), stop before the resolvers go. */
void	session_udp_start(struct session *s);
void	session_udp_stop(struct session *s);
/* utpmux's accept callback (arg: the session): 1 takes the incoming uTP
 * connection u from `from', 0 refuses it (utpmux.h). */
int	session_utp_accept(void *arg, struct utp *u, const struct caddr *from);

/* listen.c: the listening sockets (port cfg->port or one of the next 8,
 * the same for all) and the connections that have not named their
 * torrent yet.  listen_setup also sets the env's dial sources (--bind)
 * and the IPv6 address trackers are told; listen_close closes them. */
void	listen_setup(struct session *s);
void	listen_close(struct session *s);
/* 1 for a global unicast IPv6 address (2000::/3 but not the
 * documentation prefix 2001:db8::/32): one worth telling a tracker. */
int	listen_ipv6_global(const uint8_t ip[16]);
void	listen_on_accept(void *arg, int fd, int events);	/* loop fd */
/* Reads their handshakes (and writes MSE's answers), hands them over,
 * drops the late. */
int	listen_incoming_fdset(struct session *s, fd_set *rd, fd_set *wr,
	    int *maxfd);
/* An incoming uTP connection (utpmux's accept): 1 taken, 0 refused. */
int	listen_accept_utp(struct session *s, struct utp *u,
	    const struct caddr *from);
void	listen_incoming_perform(struct session *s, const fd_set *rd,
	    const fd_set *wr);

/* control.c: the engine's side of the IPC.  control_open sends REGISTER
 * and adds the channel and the snapshot timers to the loop; all are no-ops
 * when the session runs without a front. */
int	control_open(struct session *s, int fd);
void	control_close(struct session *s);
void	control_log(struct session *s, uint32_t torrent_id, int level,
	    const char *text);
/* One more heartbeat, for waits outside the loop (the stop announce). */
void	control_heartbeat(struct session *s);
/* A last status and the log, flushed before the engine exits. */
void	control_final(struct session *s);

#endif
