/*
 * Command-line parsing: getopt_long with opterr off, every message made
 * here so that it reads like GNU's and names the option.  This file holds
 * the option table, what each option sets and the loop; an argument's
 * value is checked in cli_value.c, the result against its mode in
 * cli_check.c.  Nothing is printed and nothing global is kept besides
 * getopt's own state, which is reset on entry.
 */
#include "cli.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipc/err.h"
#include "engine/engine.h"
#include "cli_priv.h"

#define CLI_MAX_PEER_LIMIT	500	/* select(): stay well under FD_SETSIZE */
#define CLI_MAX_RATE_KIBPS	4194304	/* 4 GiB/s; 0 = unlimited */
#define CLI_MAX_UPLOAD_SLOTS	64
#define CLI_MAX_WATCHDOG_S	3600

enum {
	OPT_INFO = 256,
	OPT_CREATE,
	OPT_HEADLESS,
	OPT_PIECE_SIZE,
	OPT_PRIVATE,
	OPT_PEER,
	OPT_MAX_PEERS,
	OPT_MAX_DOWN,
	OPT_MAX_UP,
	OPT_SEED,
	OPT_SEED_RATIO,
	OPT_VERIFY,
	OPT_SEQUENTIAL,
	OPT_UPLOAD_SLOTS,
	OPT_WATCHDOG,
	OPT_SESSION,
	OPT_WATCH,
	OPT_MAX_ACTIVE,
	OPT_DHT,
	OPT_NO_DHT,
	OPT_DHT_BOOTSTRAP,
	OPT_SELECT_FILE,
	OPT_BIND,
	OPT_ENCRYPTION,
	OPT_UTP,
	OPT_NO_UTP,
	OPT_PEX,
	OPT_NO_PEX,
	OPT_DIRECT_IO,
	OPT_NO_DIRECT_IO,
	OPT_CONFIG,
	OPT_NO_CONFIG,
	OPT_MOUSE,
	OPT_NO_MOUSE,
	OPT_ALT_MAX_DOWN,
	OPT_ALT_MAX_UP,
	OPT_ON_COMPLETE,
	OPT_BELL,
};

/* The leading ':' makes getopt return ':' for a missing argument. */
static const char	 shortopts[] = ":hVa:c:o:d:p:";

static const struct option longopts[] = {
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ "info",		no_argument,		NULL, OPT_INFO },
	{ "create",		required_argument,	NULL, OPT_CREATE },
	{ "headless",		no_argument,		NULL, OPT_HEADLESS },
	{ "announce",		required_argument,	NULL, 'a' },
	{ "comment",		required_argument,	NULL, 'c' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "piece-size",		required_argument,	NULL, OPT_PIECE_SIZE },
	{ "private",		no_argument,		NULL, OPT_PRIVATE },
	{ "dir",		required_argument,	NULL, 'd' },
	{ "port",		required_argument,	NULL, 'p' },
	{ "peer",		required_argument,	NULL, OPT_PEER },
	{ "bind",		required_argument,	NULL, OPT_BIND },
	{ "max-peers",		required_argument,	NULL, OPT_MAX_PEERS },
	{ "max-down",		required_argument,	NULL, OPT_MAX_DOWN },
	{ "max-up",		required_argument,	NULL, OPT_MAX_UP },
	{ "seed",		no_argument,		NULL, OPT_SEED },
	{ "seed-ratio",		required_argument,	NULL, OPT_SEED_RATIO },
	{ "verify",		no_argument,		NULL, OPT_VERIFY },
	{ "sequential",		no_argument,		NULL, OPT_SEQUENTIAL },
	{ "select-file",	required_argument,	NULL, OPT_SELECT_FILE },
	{ "upload-slots",	required_argument,	NULL, OPT_UPLOAD_SLOTS },
	{ "watchdog-timeout",	required_argument,	NULL, OPT_WATCHDOG },
	{ "session",		required_argument,	NULL, OPT_SESSION },
	{ "watch",		required_argument,	NULL, OPT_WATCH },
	{ "max-active",		required_argument,	NULL, OPT_MAX_ACTIVE },
	{ "dht",		no_argument,		NULL, OPT_DHT },
	{ "no-dht",		no_argument,		NULL, OPT_NO_DHT },
	{ "dht-bootstrap",	required_argument,	NULL, OPT_DHT_BOOTSTRAP },
	{ "encryption",		required_argument,	NULL, OPT_ENCRYPTION },
	{ "utp",		no_argument,		NULL, OPT_UTP },
	{ "no-utp",		no_argument,		NULL, OPT_NO_UTP },
	{ "pex",		no_argument,		NULL, OPT_PEX },
	{ "no-pex",		no_argument,		NULL, OPT_NO_PEX },
	{ "direct-io",		no_argument,		NULL, OPT_DIRECT_IO },
	{ "no-direct-io",	no_argument,		NULL, OPT_NO_DIRECT_IO },
	{ "config",		required_argument,	NULL, OPT_CONFIG },
	{ "no-config",		no_argument,		NULL, OPT_NO_CONFIG },
	{ "mouse",		no_argument,		NULL, OPT_MOUSE },
	{ "no-mouse",		no_argument,		NULL, OPT_NO_MOUSE },
	{ "alt-max-down",	required_argument,	NULL, OPT_ALT_MAX_DOWN },
	{ "alt-max-up",		required_argument,	NULL, OPT_ALT_MAX_UP },
	{ "on-complete",	required_argument,	NULL, OPT_ON_COMPLETE },
	{ "bell",		no_argument,		NULL, OPT_BELL },
	{ NULL,			0,			NULL, 0 },
};

/* struct cli's given has a bit per entry of longopts. */
_Static_assert(sizeof(longopts) / sizeof(longopts[0]) - 1 <= 64,
    "too many options for cli.given: make it wider");
void
cli_init(struct cli *c)
{
	memset(c, 0, sizeof(*c));
	c->mode = CLI_TUI;
	c->dir = ".";
	c->port = CLI_DEFAULT_PORT;
	c->max_peers = CLI_DEFAULT_MAX_PEERS;
	c->upload_slots = CLI_DEFAULT_UPLOAD_SLOTS;
	c->watchdog_timeout_s = CLI_DEFAULT_WATCHDOG_S;
	c->max_active = CLI_DEFAULT_MAX_ACTIVE;
	c->alt_max_down_kibps = CLI_DEFAULT_ALT_KIBPS;
	c->alt_max_up_kibps = CLI_DEFAULT_ALT_KIBPS;
	c->dht = 1;
	c->encryption = ENGINE_ENC_PREFER;
	c->utp = 1;
	c->pex = 1;
	c->direct_io = 1;
	c->mouse = 1;
}
static int
add_bind(struct cli *c, const char *arg, char *errbuf, size_t errlen)
{
	uint8_t	ip[16], other[16];
	char	msg[384];
	int	family, f;
	size_t	i;

	if (cli_parse_bind(arg, &family, ip, msg, sizeof(msg)) != BT_OK) {
		bt_errf(errbuf, errlen, "--bind: %s", msg);
		return BT_ERR_INVALID;
	}
	/* Twice the same address: its second socket could never listen. */
	for (i = 0; i < c->nbinds; i++) {
		(void)cli_parse_bind(c->binds[i], &f, other, NULL, 0);
		if (f == family && memcmp(ip, other, 16) == 0) {
			bt_errf(errbuf, errlen, "--bind: %s is given twice "
			    "(as %s)", arg, c->binds[i]);
			return BT_ERR_INVALID;
		}
	}
	if (c->nbinds == CLI_MAX_BIND) {
		bt_errf(errbuf, errlen, "--bind: too many addresses (at most "
		    "%d)", CLI_MAX_BIND);
		return BT_ERR_INVALID;
	}
	c->binds[c->nbinds++] = arg;
	return BT_OK;
}

static int
announce_ok(const char *url)
{
	static const char *const	schemes[] = {
		"http://", "https://", "udp://",
	};
	size_t				i, n;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		n = strlen(schemes[i]);
		if (strncasecmp(url, schemes[i], n) == 0 && url[n] != '\0')
			return 1;
	}
	return 0;
}

static int
add_announce(struct cli *c, const char *url, char *errbuf, size_t errlen)
{
	if (!announce_ok(url)) {
		bt_errf(errbuf, errlen, "--announce: '%s' is not a tracker URL "
		    "(http://, https:// or udp://)", url);
		return BT_ERR_INVALID;
	}
	if (c->nannounce == CLI_MAX_ANNOUNCE) {
		bt_errf(errbuf, errlen, "--announce: too many trackers (at "
		    "most %d)", CLI_MAX_ANNOUNCE);
		return BT_ERR_INVALID;
	}
	c->announce[c->nannounce++] = url;
	return BT_OK;
}

static int
add_peer(struct cli *c, const char *arg, char *errbuf, size_t errlen)
{
	char	msg[384];

	if (c->npeers == CLI_MAX_PEERS) {
		bt_errf(errbuf, errlen, "--peer: too many peers (at most %d)",
		    CLI_MAX_PEERS);
		return BT_ERR_INVALID;
	}
	if (cli_parse_peer(arg, &c->peers[c->npeers], msg, sizeof(msg)) !=
	    BT_OK) {
		bt_errf(errbuf, errlen, "--peer: %s", msg);
		return BT_ERR_INVALID;
	}
	c->npeers++;
	return BT_OK;
}

static int
set_mode(struct cli *c, struct cli_seen *seen, enum cli_mode mode,
    const char *opt, char *errbuf, size_t errlen)
{
	if (seen->mode_opt != NULL && strcmp(seen->mode_opt, opt) != 0) {
		bt_errf(errbuf, errlen, "%s and %s cannot be used together",
		    seen->mode_opt, opt);
		return BT_ERR_INVALID;
	}
	seen->mode_opt = opt;
	c->mode = mode;
	return BT_OK;
}

static int
need_nonempty(const char *opt, const char *arg, char *errbuf, size_t errlen)
{
	if (arg[0] != '\0')
		return BT_OK;
	bt_errf(errbuf, errlen, "%s: the argument is empty", opt);
	return BT_ERR_INVALID;
}

static const char *
long_name(int val)
{
	const struct option	*o;

	for (o = longopts; o->name != NULL; o++)
		if (o->val == val)
			return o->name;
	return "?";
}

/* Options of --create; engine options are in parse_engine_opt. */
static int
parse_create_opt(struct cli *c, int opt, const char *arg, char *errbuf,
    size_t errlen)
{
	char	msg[256];

	switch (opt) {
	case 'a':
		return add_announce(c, arg, errbuf, errlen);
	case 'c':
		c->comment = arg;
		return BT_OK;
	case 'o':
		c->output = arg;
		return need_nonempty("--output", arg, errbuf, errlen);
	case OPT_PIECE_SIZE:
		if (cli_parse_piece_size(arg, &c->piece_size, msg,
		    sizeof(msg)) == BT_OK)
			return BT_OK;
		bt_errf(errbuf, errlen, "--piece-size: %s", msg);
		return BT_ERR_INVALID;
	case OPT_PRIVATE:
		c->private_flag = 1;
		return BT_OK;
	}
	return BT_ERR_NOTFOUND;
}

static int
parse_port(struct cli *c, const char *arg, char *errbuf, size_t errlen)
{
	uint32_t	v;
	int		r;

	r = cli_parse_u32("--port", arg, 1, 65535, "is not a port", &v, errbuf,
	    errlen);
	c->port = (uint16_t)v;
	return r;
}

static int
parse_engine_opt(struct cli *c, int opt, const char *arg, char *errbuf,
    size_t errlen)
{
	switch (opt) {
	case 'd':
		c->dir = arg;
		return need_nonempty("--dir", arg, errbuf, errlen);
	case 'p':
		return parse_port(c, arg, errbuf, errlen);
	case OPT_PEER:
		return add_peer(c, arg, errbuf, errlen);
	case OPT_BIND:
		return add_bind(c, arg, errbuf, errlen);
	case OPT_MAX_PEERS:
		return cli_parse_u32("--max-peers", arg, 1, CLI_MAX_PEER_LIMIT,
		    "is out of range", &c->max_peers, errbuf, errlen);
	case OPT_MAX_DOWN:
		c->limits_given |= CLI_LIMIT_DOWN;
		return cli_parse_u32("--max-down", arg, 0, CLI_MAX_RATE_KIBPS,
		    "is out of range (KiB/s, 0 = unlimited)",
		    &c->max_down_kibps, errbuf, errlen);
	case OPT_MAX_UP:
		c->limits_given |= CLI_LIMIT_UP;
		return cli_parse_u32("--max-up", arg, 0, CLI_MAX_RATE_KIBPS,
		    "is out of range (KiB/s, 0 = unlimited)",
		    &c->max_up_kibps, errbuf, errlen);
	case OPT_SEED:
		c->seed = 1;
		return BT_OK;
	case OPT_SEED_RATIO:
		c->seed = 1;
		return cli_parse_ratio(arg, &c->seed_ratio, errbuf, errlen);
	case OPT_VERIFY:
		c->verify = 1;
		return BT_OK;
	case OPT_SEQUENTIAL:
		c->sequential = 1;
		return BT_OK;
	case OPT_DHT:
		c->dht = 1;
		return BT_OK;
	case OPT_NO_DHT:
		c->dht = 0;
		return BT_OK;
	case OPT_DHT_BOOTSTRAP:
		return cli_check_bootstrap(arg, errbuf, errlen,
		    &c->dht_bootstrap);
	case OPT_ENCRYPTION:
		return cli_parse_encryption(arg, &c->encryption, errbuf,
		    errlen);
	case OPT_UTP:
		c->utp = 1;
		return BT_OK;
	case OPT_PEX:
		c->pex = 1;
		return BT_OK;
	case OPT_NO_PEX:
		c->pex = 0;
		return BT_OK;
	case OPT_DIRECT_IO:
		c->direct_io = 1;
		return BT_OK;
	case OPT_NO_DIRECT_IO:
		c->direct_io = 0;
		return BT_OK;
	case OPT_NO_UTP:
		c->utp = 0;
		return BT_OK;
	case OPT_MOUSE:
		c->mouse = 1;
		return BT_OK;
	case OPT_NO_MOUSE:
		c->mouse = 0;
		return BT_OK;
	case OPT_SELECT_FILE:
		c->select_file = arg;	/* the syntax now, the range later */
		return cli_select_files(arg, SIZE_MAX, NULL, errbuf, errlen);
	case OPT_UPLOAD_SLOTS:
		return cli_parse_u32("--upload-slots", arg, 1,
		    CLI_MAX_UPLOAD_SLOTS, "is out of range",
		    &c->upload_slots, errbuf, errlen);
	case OPT_WATCHDOG:
		return cli_parse_u32("--watchdog-timeout", arg, 1,
		    CLI_MAX_WATCHDOG_S, "is out of range (seconds)",
		    &c->watchdog_timeout_s, errbuf, errlen);
	case OPT_SESSION:
		c->session_dir = arg;
		return need_nonempty("--session", arg, errbuf, errlen);
	case OPT_WATCH:
		c->watch_dir = arg;
		return need_nonempty("--watch", arg, errbuf, errlen);
	case OPT_MAX_ACTIVE:
		c->max_active_given = 1;
		return cli_parse_u32("--max-active", arg, 0,
		    CLI_MAX_ACTIVE_LIMIT, "is out of range (0 = no limit)",
		    &c->max_active, errbuf, errlen);
	}
	return BT_ERR_NOTFOUND;
}

/* Options of the fronts (screen and --headless): turtle mode's limits,
 * what to do when a torrent completes. */
static int
parse_front_opt(struct cli *c, int opt, const char *arg, char *errbuf,
    size_t errlen)
{
	switch (opt) {
	case OPT_ALT_MAX_DOWN:
		c->limits_given |= CLI_LIMIT_ALT_DOWN;
		return cli_parse_u32("--alt-max-down", arg, 0,
		    CLI_MAX_RATE_KIBPS, "is out of range (KiB/s, 0 = "
		    "unlimited)", &c->alt_max_down_kibps, errbuf, errlen);
	case OPT_ALT_MAX_UP:
		c->limits_given |= CLI_LIMIT_ALT_UP;
		return cli_parse_u32("--alt-max-up", arg, 0, CLI_MAX_RATE_KIBPS,
		    "is out of range (KiB/s, 0 = unlimited)",
		    &c->alt_max_up_kibps, errbuf, errlen);
	case OPT_ON_COMPLETE:
		c->on_complete = arg;
		return need_nonempty("--on-complete", arg, errbuf, errlen);
	case OPT_BELL:
		c->bell = 1;
		return BT_OK;
	}
	return BT_ERR_NOTFOUND;
}

/* How many long options start with the first n bytes of name. */
static int
count_prefix(const char *name, size_t n)
{
	const struct option	*o;
	int			 k = 0;

	for (o = longopts; o->name != NULL; o++)
		if (strncmp(o->name, name, n) == 0)
			k++;
	return k;
}

/* getopt returned '?': an unknown, ambiguous or over-supplied option. */
static int
bad_option(char **argv, int optind_now, int opt_code, char *errbuf,
    size_t errlen)
{
	const char	*arg = optind_now > 0 ? argv[optind_now - 1] : "";
	size_t		 n;

	if (strncmp(arg, "--", 2) == 0 && arg[2] != '\0') {
		n = strcspn(arg + 2, "=");
		if (opt_code != 0 && arg[2 + n] == '=')
			bt_errf(errbuf, errlen, "option '--%s' doesn't allow "
			    "an argument", long_name(opt_code));
		else if (opt_code == 0 && count_prefix(arg + 2, n) > 1)
			bt_errf(errbuf, errlen, "option '%.*s' is ambiguous",
			    (int)n + 2, arg);
		else
			bt_errf(errbuf, errlen, "unrecognized option '%s'",
			    arg);
	} else if (opt_code > 0 && opt_code < 128 && isprint(opt_code))
		bt_errf(errbuf, errlen, "invalid option -- '%c'", opt_code);
	else
		bt_errf(errbuf, errlen, "unrecognized option '%s'", arg);
	return BT_ERR_INVALID;
}

static int
missing_arg(char **argv, int optind_now, int opt_code, char *errbuf,
    size_t errlen)
{
	const char	*arg = optind_now > 0 ? argv[optind_now - 1] : "";

	if (strncmp(arg, "--", 2) == 0 || opt_code >= OPT_INFO)
		bt_errf(errbuf, errlen, "option '--%s' requires an argument",
		    long_name(opt_code));
	else
		bt_errf(errbuf, errlen, "option requires an argument -- '%c'",
		    opt_code);
	return BT_ERR_INVALID;
}

/* The first entry of longopts for getopt's value val (short options
 * too: -p is "port"). */
static int
option_index(int val)
{
	int	i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == val)
			break;
	return i;
}

static int
find_long(const char *name)
{
	int	i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (strcmp(longopts[i].name, name) == 0)
			return i;
	return -1;
}

int
cli_option_arg(const char *name)
{
	int	i;

	if ((i = find_long(name)) < 0)
		return -1;
	return longopts[i].has_arg == no_argument ? 0 : 1;
}

int
cli_given(const struct cli *c, const char *name)
{
	char	no[64];
	int	i, twin;

	if ((i = find_long(name)) < 0)
		return 0;
	/* --dht and --no-dht set one thing: either overrides the other */
	twin = strncmp(name, "no-", 3) == 0 ? find_long(name + 3) : -1;
	if (twin < 0 && strlen(name) < sizeof(no) - 3) {
		snprintf(no, sizeof(no), "no-%s", name);
		twin = find_long(no);
	}
	return (c->given >> i & 1) || (twin >= 0 && (c->given >> twin & 1));
}

static int
parse_one(struct cli *c, struct cli_seen *seen, int opt, const char *arg,
    char *errbuf, size_t errlen)
{
	int	r;

	switch (opt) {
	case OPT_CONFIG:	/* config.h reads the file */
		c->config = arg;
		c->no_config = 0;
		return need_nonempty("--config", arg, errbuf, errlen);
	case OPT_NO_CONFIG:
		c->no_config = 1;
		return BT_OK;
	case OPT_INFO:
		return set_mode(c, seen, CLI_INFO, "--info", errbuf, errlen);
	case OPT_HEADLESS:
		return set_mode(c, seen, CLI_HEADLESS, "--headless", errbuf,
		    errlen);
	case OPT_CREATE:
		if ((r = set_mode(c, seen, CLI_CREATE, "--create", errbuf,
		    errlen)) != BT_OK)
			return r;
		c->create_path = arg;
		return need_nonempty("--create", arg, errbuf, errlen);
	}
	if ((r = parse_create_opt(c, opt, arg, errbuf, errlen)) !=
	    BT_ERR_NOTFOUND) {
		if (seen->create_opt == NULL)
			seen->create_opt = long_name(opt);
		return r;
	}
	if ((r = parse_engine_opt(c, opt, arg, errbuf, errlen)) !=
	    BT_ERR_NOTFOUND ||
	    (r = parse_front_opt(c, opt, arg, errbuf, errlen)) !=
	    BT_ERR_NOTFOUND) {
		if (seen->engine_opt == NULL)
			seen->engine_opt = long_name(opt);
		return r;
	}
	bt_errf(errbuf, errlen, "internal error: option %d unhandled", opt);
	return BT_ERR_INVALID;
}
int
cli_parse(struct cli *c, int argc, char **argv, char *errbuf, size_t errlen)
{
	struct cli_seen	seen;
	int		opt, r;

	cli_init(c);
	memset(&seen, 0, sizeof(seen));
	bt_errf(errbuf, errlen, "%s", "");
	if (argc < 1 || argv == NULL) {
		bt_errf(errbuf, errlen, "no arguments");
		return BT_ERR_INVALID;
	}
	optind = 0;	/* glibc: 0 re-initialises getopt completely */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts,
	    NULL)) != -1) {
		if (opt == 'h' || opt == 'V') {
			c->mode = opt == 'h' ? CLI_HELP : CLI_VERSION;
			return BT_OK;
		}
		if (opt == '?')
			return bad_option(argv, optind, optopt, errbuf,
			    errlen);
		if (opt == ':')
			return missing_arg(argv, optind, optopt, errbuf,
			    errlen);
		if ((r = parse_one(c, &seen, opt, optarg, errbuf, errlen)) !=
		    BT_OK)
			return r;
		c->given |= UINT64_C(1) << option_index(opt);
	}
	return cli_check_mode(c, &seen, argc - optind, argv + optind, errbuf,
	    errlen);
}
