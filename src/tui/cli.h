/*
 * cli: the command line of bttui parsed into one struct, with no side
 * effects (nothing printed, nothing opened), so that tests can feed it
 * argument vectors.  main() prints the messages and picks the exit status.
 *
 * Strings in struct cli point into argv: they live as long as argv does.
 */
#ifndef BT_CLI_H
#define BT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_MAX_ANNOUNCE	32	/* -a URL, each its own tier */
#define CLI_MAX_PEERS		64	/* --peer HOST:PORT */
#define CLI_MAX_BIND		8	/* --bind ADDR (engine.h agrees) */
#define CLI_MAX_HOST		255	/* DNS name limit (RFC 1035: 253) */

/* --piece-size bounds; they match what maketorrent and metainfo accept. */
#define CLI_MIN_PIECE_SIZE	(16u * 1024)
#define CLI_MAX_PIECE_SIZE	(256u * 1024 * 1024)

#define CLI_DEFAULT_PORT	6881
#define CLI_DEFAULT_MAX_PEERS	80
#define CLI_DEFAULT_UPLOAD_SLOTS 4
#define CLI_DEFAULT_WATCHDOG_S	3
#define CLI_MAX_TORRENTS	256	/* operands at once */
#define CLI_DEFAULT_MAX_ACTIVE	5
#define CLI_MAX_ACTIVE_LIMIT	10000
#define CLI_DEFAULT_ALT_KIBPS	50	/* Transmission's alt-speed-down/up */

enum cli_limit_given {
	CLI_LIMIT_DOWN = 1 << 0,
	CLI_LIMIT_UP = 1 << 1,
	CLI_LIMIT_ALT_DOWN = 1 << 2,	/* --alt-max-down */
	CLI_LIMIT_ALT_UP = 1 << 3,	/* --alt-max-up */
};

enum cli_mode {
	CLI_TUI,		/* bttui FILE.torrent (the default) */
	CLI_INFO,		/* --info FILE.torrent */
	CLI_CREATE,		/* --create PATH -a URL -o OUT.torrent */
	CLI_HEADLESS,		/* --headless [FILE.torrent]... */
	CLI_HELP,		/* --help: usage on stdout, exit 0 */
	CLI_VERSION,		/* --version: version on stdout, exit 0 */
};

struct cli_peer {		/* --peer HOST:PORT or [V6ADDR]:PORT */
	char		 host[CLI_MAX_HOST + 1];	/* without brackets */
	uint16_t	 port;
};

struct cli {
	enum cli_mode	 mode;
	const char	*torrent;	/* INFO; the first of torrents[] */
	const char	*torrents[CLI_MAX_TORRENTS];	/* TUI, HEADLESS */
	size_t		 ntorrents;	/* 0: reopen the session */

	/* --create */
	const char	*create_path;
	const char	*output;	/* -o */
	const char	*announce[CLI_MAX_ANNOUNCE];
	size_t		 nannounce;
	uint32_t	 piece_size;	/* 0 = automatic */
	int		 private_flag;
	const char	*comment;	/* NULL when not given */

	/* Engine options (TUI and HEADLESS). */
	const char	*dir;		/* -d, default "." */
	uint16_t	 port;		/* -p, listen port */
	struct cli_peer	 peers[CLI_MAX_PEERS];
	size_t		 npeers;
	const char	*binds[CLI_MAX_BIND];	/* --bind: numeric addresses */
	size_t		 nbinds;
	uint32_t	 max_peers;
	uint32_t	 max_down_kibps;	/* 0 = unlimited */
	uint32_t	 max_up_kibps;		/* 0 = unlimited */
	int		 seed;		/* keep seeding after completion */
	double		 seed_ratio;	/* stop seeding at this ratio; 0 =
					 * no limit; giving it sets seed */
	int		 verify;	/* check all data on disk at start */
	int		 sequential;	/* torrents added stream in order */
	int		 dht;		/* --dht (default) / --no-dht */
	const char	*dht_bootstrap;	/* NULL: the engine's default */
	int		 encryption;	/* enum engine_encryption */
	int		 utp;		/* --utp (default) / --no-utp */
	int		 pex;		/* --pex (default) / --no-pex */
	int		 direct_io;	/* --direct-io (default) /
					 * --no-direct-io */
	int		 mouse;		/* --mouse (default) / --no-mouse:
					 * the screen takes clicks */
	const char	*select_file;	/* --select-file LIST; NULL: all */
	uint32_t	 upload_slots;
	uint32_t	 watchdog_timeout_s;
	const char	*session_dir;	/* --session; NULL: the default */
	const char	*watch_dir;	/* --watch; NULL: none */
	uint32_t	 max_active;	/* --max-active */
	int		 max_active_given;
	unsigned	 limits_given;	/* enum cli_limit_given */

	/* The config file (config.h): --config FILE, --no-config. */
	const char	*config;	/* NULL: the default path */
	int		 no_config;
	uint64_t	 given;		/* private: the options seen; ask
					 * cli_given */
	/* The fronts (TUI and HEADLESS). */
	uint32_t	 alt_max_down_kibps;	/* turtle mode's limits, */
	uint32_t	 alt_max_up_kibps;	/* 0 = unlimited */
	const char	*on_complete;	/* --on-complete CMD; NULL: none */
	int		 bell;		/* --bell: beep when one completes */
};

/* Sets every field to its default (mode CLI_TUI, dir ".", port 6881...). */
void	cli_init(struct cli *c);

/*
 * Parses argv (GNU style: options and operands in any order, "--" ends
 * options) into *c, starting from cli_init's defaults.  getopt's state is
 * reset inside, and getopt prints nothing.  argv may be permuted.
 *
 * Returns BT_OK, or BT_ERR_INVALID with one line in errbuf and no program
 * name, e.g. "unrecognized option '--foo'" or "--port: 70000 is not a port
 * (1-65535)".  --help and --version succeed with mode CLI_HELP or
 * CLI_VERSION as soon as they are seen, whatever follows.
 */
int	cli_parse(struct cli *c, int argc, char **argv, char *errbuf,
	    size_t errlen);

/*
 * Parses a piece size: bytes, or with a K/KiB or M/MiB suffix; it must be
 * a power of two within [CLI_MIN_PIECE_SIZE, CLI_MAX_PIECE_SIZE].
 * BT_OK or BT_ERR_INVALID with a message (without the option name).
 */
int	cli_parse_piece_size(const char *s, uint32_t *out, char *errbuf,
	    size_t errlen);

/* Parses HOST:PORT or [V6ADDR]:PORT.  BT_OK or BT_ERR_INVALID + message. */
int	cli_parse_peer(const char *s, struct cli_peer *out, char *errbuf,
	    size_t errlen);

/* Checks a --bind address: a numeric IPv4 or IPv6 address, no brackets,
 * no port.  Its family (AF_INET, AF_INET6) and bytes (4 or 16, network
 * order) go to *family_out and ip_out; BT_OK or BT_ERR_INVALID with a
 * message (without the option name). */
int	cli_parse_bind(const char *s, int *family_out, uint8_t ip_out[16],
	    char *errbuf, size_t errlen);

/*
 * Parses a --select-file LIST, "N" or "N-M" items joined by commas, files
 * numbered from 1 (as --info shows them, pad files left out), into
 * selected[0..nfiles): 1 for a listed file, else 0.  selected NULL: only
 * the syntax is checked (pass SIZE_MAX).  BT_OK; BT_ERR_INVALID (bad
 * syntax, 0, a reversed range) or BT_ERR_RANGE (a number past nfiles),
 * each with one line in errbuf.
 */
/* The highest file number a valid list names; 0 for a bad list. */
size_t	cli_select_span(const char *list);
int	cli_select_files(const char *list, size_t nfiles, uint8_t *selected,
	    char *errbuf, size_t errlen);

/*
 * What a long option (its whole name, without dashes: "port") takes: 1 an
 * argument, 0 none (a flag such as "seed" or "no-dht"), -1 when no such
 * option exists.  Prefixes that getopt would accept do not count: the
 * config file's keys are whole names.
 */
int	cli_option_arg(const char *name);
/* 1 when the argv that cli_parse read gave the long option name, or its
 * twin ("dht" and "no-dht" are one setting), whatever the form (-p,
 * --port=, an abbreviation); else 0. */
int	cli_given(const struct cli *c, const char *name);

/* The --help text and the --version text. */
void	cli_usage(FILE *fp);
void	cli_version(FILE *fp);

#endif
