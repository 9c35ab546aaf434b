/*
 * engine: the child process's entry point.  One session of torrents on
 * one loop (session.c owns it); torrent.h is one torrent.  Under the
 * front, in the TUI and --headless alike.
 */
#ifndef BT_ENGINE_H
#define BT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#define ENGINE_DEFAULT_PORT		6881
#define ENGINE_DEFAULT_MAX_PEERS	80
#define ENGINE_MAX_PEERS_LIMIT		800	/* well below FD_SETSIZE */
#define ENGINE_MAX_WAIT_MS		1000	/* longest select() wait */
#define ENGINE_MAX_BIND			8	/* --bind addresses */

/* MSE/PE (--encryption).  Outgoing: ALLOW and OFF dial plaintext,
 * PREFER dials MSE offering RC4 or plaintext and falls back to a plain
 * handshake when the peer does not answer MSE, REQUIRE dials MSE with RC4
 * only.  Incoming: OFF refuses MSE, REQUIRE refuses plaintext and MSE
 * without RC4, the others take both (RC4 when offered). */
enum engine_encryption {
	ENGINE_ENC_ALLOW = 0,
	ENGINE_ENC_PREFER,
	ENGINE_ENC_REQUIRE,
	ENGINE_ENC_OFF,
};

struct engine_config {
	const char		*session_dir;	/* the session: its torrents,
						 * resume records, settings */
	const char		*dir;		/* default download directory */
	const char		*watch_dir;	/* NULL: none */
	uint16_t		 port;		/* announced listen port */
	const char *const	*peers;		/* "HOST:PORT" to dial */
	size_t			 npeers;
	/* --bind: numeric IPv4 or IPv6 addresses (at most ENGINE_MAX_BIND)
	 * to listen on and dial from; a peer of a family none of them has
	 * is not dialled.  None: listen on every address of both families
	 * and let the kernel pick where connections come from. */
	const char *const	*binds;
	size_t			 nbinds;
	unsigned		 max_peers;	/* connections, all torrents */
	int			 seed;		/* keep seeding when done */
	double			 seed_ratio;	/* 0: none */
	int			 stay;		/* run until told to quit, even
						 * with every torrent done (the
						 * screen) */
	int			 verify;	/* force a full hash check */
	int			 sequential;	/* torrents added stream their
						 * whole content in order */
	unsigned		 upload_slots;
	uint64_t		 rng_seed;	/* 0: from the clock and pid */
	int			 dht;		/* run a DHT node (BEP 5) */
	/* "HOST:PORT,..." to bootstrap from; NULL: $BTTUI_DHT_BOOTSTRAP
	 * when set, else DHT_DEFAULT_BOOTSTRAP (dht.h) */
	const char		*dht_bootstrap;
	int			 encryption;	/* enum engine_encryption */
	int			 utp;		/* uTP (BEP 29) on the session's
						 * UDP socket */
	int			 no_pex;	/* --no-pex: no peer exchange
						 * (BEP 11), as for private
						 * torrents */
	int			 no_direct_io;	/* --no-direct-io: every
						 * write through the page
						 * cache (storage_set_direct)
						 */
	int			 no_tcp;	/* tests: uTP only, no TCP
						 * listening or dialling */
};

/* Fills cfg with defaults (port 6881, 80 peers, 4 upload slots, dir "."). */
void	engine_config_defaults(struct engine_config *cfg);

/*
 * Runs the session in cfg->session_dir (the front holds its lock) with
 * the front on ipc_fd, until every torrent is complete (with cfg->seed:
 * until each has seeded to cfg->seed_ratio, or without a ratio until
 * told to quit; with cfg->stay, until told to quit), SIGTERM, or a fatal
 * error.  The rate
 * limits and the number of active torrents come from the session's
 * settings.  Returns the process exit status: 0 done, 1 bad input (an
 * unusable session directory), 2 runtime failure (IPC, memory).
 */
int	engine_run(const struct engine_config *cfg, int ipc_fd);

#endif
