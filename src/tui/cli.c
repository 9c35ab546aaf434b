/*
 * Command-line parsing: getopt_long with opterr off, every message made
 * here so that it reads like GNU's and names the option.  Numbers are
 * parsed strictly (digits only, whole argument, range checked); nothing is
 * printed and nothing global is kept besides getopt's own state, which is
 * reset on entry.
 */
#include "cli.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ipc/err.h"
#include "engine/engine.h"

#define CLI_MAX_PEER_LIMIT	500	/* select(): stay well under FD_SETSIZE */
#define CLI_MAX_RATE_KIBPS	4194304	/* 4 GiB/s; 0 = unlimited */
#define CLI_MAX_UPLOAD_SLOTS	64
#define CLI_MAX_WATCHDOG_S	3600
#define CLI_MAX_SEED_RATIO	10000.0

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

/* What the parse has seen, for the checks made after the loop. */
struct cli_seen {
	const char	*mode_opt;	/* "--info", "--create", "--headless" */
	const char	*create_opt;	/* first option only --create uses */
	const char	*engine_opt;	/* first option only the engine uses */
};

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
	c->mouse = 1;
}

/* --encryption prefer|require|allow|off */
static int
parse_encryption(const char *arg, int *out, char *errbuf, size_t errlen)
{
	static const struct {
		const char	*name;
		int		 mode;
	} modes[] = {
		{ "prefer", ENGINE_ENC_PREFER },
		{ "require", ENGINE_ENC_REQUIRE },
		{ "allow", ENGINE_ENC_ALLOW },
		{ "off", ENGINE_ENC_OFF },
	};
	size_t	i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(arg, modes[i].name) == 0) {
			*out = modes[i].mode;
			return BT_OK;
		}
	bt_errf(errbuf, errlen, "--encryption: '%s' is not one of prefer, "
	    "require, allow, off", arg);
	return BT_ERR_INVALID;
}

/* --dht-bootstrap HOST:PORT[,HOST:PORT...] (names are looked up by the
 * engine; "" means none): each item must have a host and a port. */
static int
check_bootstrap(const char *arg, char *errbuf, size_t errlen,
    const char **out)
{
	const char	*s = arg, *colon, *end, *q;
	char		*after = NULL;
	unsigned long	 port;

	while (*s != '\0') {
		end = strchr(s, ',');
		if (end == NULL)
			end = s + strlen(s);
		for (colon = NULL, q = s; q < end; q++)
			if (*q == ':')
				colon = q;
		port = colon != NULL && isdigit((unsigned char)colon[1]) ?
		    strtoul(colon + 1, &after, 10) : 0;
		if (colon == NULL || colon == s || after != end ||
		    port == 0 || port > 65535) {
			bt_errf(errbuf, errlen, "--dht-bootstrap: '%.*s' is not "
			    "HOST:PORT", (int)(end - s), s);
			return BT_ERR_INVALID;
		}
		s = *end == ',' ? end + 1 : end;
	}
	*out = arg;
	return BT_OK;
}

/* Digits only, the whole string: strtoull alone would take " 5", "-5"
 * (as a huge number) and "5x". */
static int
parse_ull(const char *s, unsigned long long *out, const char **end_out)
{
	char	*end;

	*out = 0;
	if (!isdigit((unsigned char)s[0]))
		return BT_ERR_INVALID;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (end_out != NULL)
		*end_out = end;		/* on ERANGE too: callers read it */
	if (errno == ERANGE)
		return BT_ERR_RANGE;
	if (end_out == NULL && *end != '\0')
		return BT_ERR_INVALID;
	return BT_OK;
}

static int
parse_u32(const char *opt, const char *s, uint32_t min, uint32_t max,
    const char *bad, uint32_t *out, char *errbuf, size_t errlen)
{
	unsigned long long	v;
	int			r;

	*out = 0;
	if ((r = parse_ull(s, &v, NULL)) == BT_ERR_INVALID) {
		bt_errf(errbuf, errlen, "%s: '%s' is not a number", opt, s);
		return BT_ERR_INVALID;
	}
	if (r != BT_OK || v < min || v > max) {
		bt_errf(errbuf, errlen, "%s: %s %s (%lu-%lu)", opt, s, bad,
		    (unsigned long)min, (unsigned long)max);
		return BT_ERR_INVALID;
	}
	*out = (uint32_t)v;
	return BT_OK;
}

/* One 1-based file number of --select-file at *sp, moved past it. */
static int
select_number(const char **sp, size_t *out)
{
	const char	*s = *sp;
	size_t		 v = 0;

	if (!isdigit((unsigned char)*s))
		return BT_ERR_INVALID;
	for (; isdigit((unsigned char)*s); s++) {
		if (v > (SIZE_MAX - 9) / 10)
			return BT_ERR_RANGE;
		v = v * 10 + (size_t)(*s - '0');
	}
	if (v == 0)
		return BT_ERR_RANGE;
	*sp = s;
	*out = v;
	return BT_OK;
}

int
cli_select_files(const char *list, size_t nfiles, uint8_t *selected,
    char *errbuf, size_t errlen)
{
	const char	*s = list;
	size_t		 lo, hi, i;
	int		 r;

	if (selected != NULL)
		memset(selected, 0, nfiles);
	for (;;) {
		if ((r = select_number(&s, &lo)) != BT_OK)
			goto bad;
		hi = lo;
		if (*s == '-') {
			s++;
			if ((r = select_number(&s, &hi)) != BT_OK)
				goto bad;
		}
		if (hi < lo)
			goto bad;
		if (hi > nfiles) {
			bt_errf(errbuf, errlen, "--select-file: file %zu, but "
			    "the torrent has %zu file%s", hi, nfiles,
			    nfiles == 1 ? "" : "s");
			return BT_ERR_RANGE;
		}
		for (i = lo; selected != NULL && i <= hi; i++)
			selected[i - 1] = 1;
		if (*s == '\0')
			return BT_OK;
		if (*s++ != ',')
			goto bad;
	}
bad:
	bt_errf(errbuf, errlen, "--select-file: '%s' is not a list of file "
	    "numbers from 1 as --info shows them (e.g. 1-3,5)", list);
	return BT_ERR_INVALID;
}

size_t
cli_select_span(const char *list)
{
	const char	*s = list;
	size_t		 n, max = 0;

	if (cli_select_files(list, SIZE_MAX, NULL, NULL, 0) != BT_OK)
		return 0;
	while (*s != '\0') {
		if (select_number(&s, &n) == BT_OK) {
			if (n > max)
				max = n;
		} else
			s++;
	}
	return max;
}

static int
parse_ratio(const char *s, double *out, char *errbuf, size_t errlen)
{
	char	*end;
	double	 v;

	*out = 0;
	errno = 0;
	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		goto bad;
	v = strtod(s, &end);
	if (*end != '\0' || end == s || errno == ERANGE || !isfinite(v))
		goto bad;
	if (v > CLI_MAX_SEED_RATIO) {
		bt_errf(errbuf, errlen, "--seed-ratio: %s is out of range "
		    "(0-%.0f)", s, CLI_MAX_SEED_RATIO);
		return BT_ERR_INVALID;
	}
	*out = v;
	return BT_OK;
bad:
	bt_errf(errbuf, errlen, "--seed-ratio: '%s' is not a number", s);
	return BT_ERR_INVALID;
}

int
cli_parse_piece_size(const char *s, uint32_t *out, char *errbuf,
    size_t errlen)
{
	static const struct {
		const char	*suffix;
		uint32_t	 mult;
	} units[] = {
		{ "", 1 }, { "K", 1024 }, { "k", 1024 }, { "KiB", 1024 },
		{ "M", 1024 * 1024 }, { "m", 1024 * 1024 },
		{ "MiB", 1024 * 1024 },
	};
	unsigned long long	 v;
	const char		*end;
	size_t			 i;
	int			 r;

	*out = 0;
	if ((r = parse_ull(s, &v, &end)) == BT_ERR_INVALID) {
		bt_errf(errbuf, errlen, "'%s' is not a size (bytes, or with K "
		    "or M: 256K, 1M)", s);
		return BT_ERR_INVALID;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].suffix) == 0)
			break;
	if (i == sizeof(units) / sizeof(units[0])) {
		bt_errf(errbuf, errlen, "'%s': unknown unit '%s' (use K or M)",
		    s, end);
		return BT_ERR_INVALID;
	}
	if (r != BT_OK || v > CLI_MAX_PIECE_SIZE / units[i].mult ||
	    v * units[i].mult < CLI_MIN_PIECE_SIZE) {
		bt_errf(errbuf, errlen, "%s is out of range (16K-256M)", s);
		return BT_ERR_INVALID;
	}
	v *= units[i].mult;
	if ((v & (v - 1)) != 0) {
		bt_errf(errbuf, errlen, "%s is not a power of two (16K, 32K, "
		    "... 1M, ...)", s);
		return BT_ERR_INVALID;
	}
	*out = (uint32_t)v;
	return BT_OK;
}

static int
peer_port(const char *s, const char *p, uint16_t *out, char *errbuf,
    size_t errlen)
{
	unsigned long long	v;

	*out = 0;
	if (*p == '\0') {
		bt_errf(errbuf, errlen, "'%s' has no port (HOST:PORT)", s);
		return BT_ERR_INVALID;
	}
	if (parse_ull(p, &v, NULL) != BT_OK || v < 1 || v > 65535) {
		bt_errf(errbuf, errlen, "'%s': %s is not a port (1-65535)", s,
		    p);
		return BT_ERR_INVALID;
	}
	*out = (uint16_t)v;
	return BT_OK;
}

/* A host name or IPv4 address: letters, digits, '-', '.', '_'. */
static int
host_ok(const char *h, size_t n)
{
	size_t	i;

	if (n == 0 || n > CLI_MAX_HOST)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' &&
		    h[i] != '.' && h[i] != '_')
			return 0;
	return 1;
}

static int
peer_v6(const char *s, struct cli_peer *out, char *errbuf, size_t errlen)
{
	const char	*close;
	struct in6_addr	 a;
	size_t		 n;

	if ((close = strchr(s, ']')) == NULL || close[1] != ':') {
		bt_errf(errbuf, errlen, "'%s' is not [ADDR]:PORT", s);
		return BT_ERR_INVALID;
	}
	n = (size_t)(close - (s + 1));
	if (n == 0 || n > CLI_MAX_HOST) {
		bt_errf(errbuf, errlen, "'%s': bad IPv6 address", s);
		return BT_ERR_INVALID;
	}
	memcpy(out->host, s + 1, n);
	out->host[n] = '\0';
	if (inet_pton(AF_INET6, out->host, &a) != 1) {
		bt_errf(errbuf, errlen, "'%s': '%s' is not an IPv6 address", s,
		    out->host);
		out->host[0] = '\0';
		return BT_ERR_INVALID;
	}
	return peer_port(s, close + 2, &out->port, errbuf, errlen);
}

int
cli_parse_peer(const char *s, struct cli_peer *out, char *errbuf,
    size_t errlen)
{
	const char	*colon;
	size_t		 n;
	int		 r;

	memset(out, 0, sizeof(*out));
	if (s[0] == '[')
		r = peer_v6(s, out, errbuf, errlen);
	else if ((colon = strrchr(s, ':')) == NULL) {
		bt_errf(errbuf, errlen, "'%s' has no port (HOST:PORT)", s);
		r = BT_ERR_INVALID;
	} else if (memchr(s, ':', (size_t)(colon - s)) != NULL) {
		bt_errf(errbuf, errlen, "'%s': write an IPv6 address in "
		    "brackets, [ADDR]:PORT", s);
		r = BT_ERR_INVALID;
	} else if (!host_ok(s, n = (size_t)(colon - s))) {
		bt_errf(errbuf, errlen, "'%s': bad host name", s);
		r = BT_ERR_INVALID;
	} else {
		memcpy(out->host, s, n);
		out->host[n] = '\0';
		r = peer_port(s, colon + 1, &out->port, errbuf, errlen);
	}
	if (r != BT_OK)
		memset(out, 0, sizeof(*out));
	return r;
}

int
cli_parse_bind(const char *s, int *family_out, uint8_t ip_out[16],
    char *errbuf, size_t errlen)
{
	const char	*colon = strrchr(s, ':');

	*family_out = 0;
	memset(ip_out, 0, 16);
	if (inet_pton(AF_INET, s, ip_out) == 1) {
		*family_out = AF_INET;
		return BT_OK;
	}
	if (inet_pton(AF_INET6, s, ip_out) == 1) {
		*family_out = AF_INET6;
		return BT_OK;
	}
	memset(ip_out, 0, 16);
	if (s[0] == '[')
		bt_errf(errbuf, errlen, "'%s': write the address without "
		    "brackets or port (--bind ::1)", s);
	else if (colon != NULL && strchr(s, ':') == colon &&
	    strchr(s, '.') != NULL)
		bt_errf(errbuf, errlen, "'%s': an address only, without a "
		    "port (the port is -p)", s);
	else
		bt_errf(errbuf, errlen, "'%s' is not a numeric IPv4 or IPv6 "
		    "address (e.g. 127.0.0.1 or ::1)", s);
	return BT_ERR_INVALID;
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

	r = parse_u32("--port", arg, 1, 65535, "is not a port", &v, errbuf,
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
		return parse_u32("--max-peers", arg, 1, CLI_MAX_PEER_LIMIT,
		    "is out of range", &c->max_peers, errbuf, errlen);
	case OPT_MAX_DOWN:
		c->limits_given |= CLI_LIMIT_DOWN;
		return parse_u32("--max-down", arg, 0, CLI_MAX_RATE_KIBPS,
		    "is out of range (KiB/s, 0 = unlimited)",
		    &c->max_down_kibps, errbuf, errlen);
	case OPT_MAX_UP:
		c->limits_given |= CLI_LIMIT_UP;
		return parse_u32("--max-up", arg, 0, CLI_MAX_RATE_KIBPS,
		    "is out of range (KiB/s, 0 = unlimited)",
		    &c->max_up_kibps, errbuf, errlen);
	case OPT_SEED:
		c->seed = 1;
		return BT_OK;
	case OPT_SEED_RATIO:
		c->seed = 1;
		return parse_ratio(arg, &c->seed_ratio, errbuf, errlen);
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
		return check_bootstrap(arg, errbuf, errlen, &c->dht_bootstrap);
	case OPT_ENCRYPTION:
		return parse_encryption(arg, &c->encryption, errbuf, errlen);
	case OPT_UTP:
		c->utp = 1;
		return BT_OK;
	case OPT_PEX:
		c->pex = 1;
		return BT_OK;
	case OPT_NO_PEX:
		c->pex = 0;
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
		return parse_u32("--upload-slots", arg, 1,
		    CLI_MAX_UPLOAD_SLOTS, "is out of range",
		    &c->upload_slots, errbuf, errlen);
	case OPT_WATCHDOG:
		return parse_u32("--watchdog-timeout", arg, 1,
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
		return parse_u32("--max-active", arg, 0, CLI_MAX_ACTIVE_LIMIT,
		    "is out of range (0 = no limit)", &c->max_active, errbuf,
		    errlen);
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
		return parse_u32("--alt-max-down", arg, 0, CLI_MAX_RATE_KIBPS,
		    "is out of range (KiB/s, 0 = unlimited)",
		    &c->alt_max_down_kibps, errbuf, errlen);
	case OPT_ALT_MAX_UP:
		c->limits_given |= CLI_LIMIT_ALT_UP;
		return parse_u32("--alt-max-up", arg, 0, CLI_MAX_RATE_KIBPS,
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

static int
check_create(const struct cli *c, int nargs, char **args, char *errbuf,
    size_t errlen)
{
	if (nargs > 0) {
		bt_errf(errbuf, errlen, "unexpected argument '%s' (--create "
		    "takes the file or directory as its argument)", args[0]);
		return BT_ERR_INVALID;
	}
	if (c->nannounce == 0) {
		bt_errf(errbuf, errlen, "--create needs a tracker: add -a URL");
		return BT_ERR_INVALID;
	}
	if (c->output == NULL) {
		bt_errf(errbuf, errlen, "--create needs -o FILE.torrent");
		return BT_ERR_INVALID;
	}
	return BT_OK;
}

/* The operands: torrents to add to the session (none: reopen it). */
static int
set_torrents(struct cli *c, int nargs, char **args, char *errbuf,
    size_t errlen)
{
	int	i;

	if (nargs > CLI_MAX_TORRENTS) {
		bt_errf(errbuf, errlen, "too many torrents at once (at most "
		    "%d; add more from the screen with a)", CLI_MAX_TORRENTS);
		return BT_ERR_INVALID;
	}
	for (i = 0; i < nargs; i++) {
		if (args[i][0] == '\0') {
			bt_errf(errbuf, errlen, "the torrent file name is "
			    "empty");
			return BT_ERR_INVALID;
		}
		c->torrents[i] = args[i];
	}
	c->ntorrents = (size_t)nargs;
	c->torrent = nargs > 0 ? args[0] : NULL;
	return BT_OK;
}

/* After the loop: operands and options that do not fit the mode. */
static int
check_mode(struct cli *c, const struct cli_seen *seen, int nargs,
    char **args, char *errbuf, size_t errlen)
{
	if (c->mode == CLI_CREATE && seen->engine_opt != NULL) {
		bt_errf(errbuf, errlen, "--%s does not apply to --create",
		    seen->engine_opt);
		return BT_ERR_INVALID;
	}
	if (c->mode == CLI_CREATE)
		return check_create(c, nargs, args, errbuf, errlen);
	if (seen->create_opt != NULL) {
		bt_errf(errbuf, errlen, "--%s only applies with --create",
		    seen->create_opt);
		return BT_ERR_INVALID;
	}
	if (c->mode == CLI_INFO && seen->engine_opt != NULL) {
		bt_errf(errbuf, errlen, "--%s does not apply to --info",
		    seen->engine_opt);
		return BT_ERR_INVALID;
	}
	if (c->select_file != NULL && nargs == 0) {
		bt_errf(errbuf, errlen, "--select-file applies to the torrents "
		    "given with it: name one");
		return BT_ERR_INVALID;
	}
	if (nargs == 0 && c->mode == CLI_INFO) {
		bt_errf(errbuf, errlen, "missing torrent file operand "
		    "(bttui --info FILE.torrent)");
		return BT_ERR_INVALID;
	}
	if (nargs > 1 && c->mode == CLI_INFO) {
		bt_errf(errbuf, errlen, "unexpected argument '%s' (--info "
		    "takes one torrent)", args[1]);
		return BT_ERR_INVALID;
	}
	return set_torrents(c, nargs, args, errbuf, errlen);
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
	return check_mode(c, &seen, argc - optind, argv + optind, errbuf,
	    errlen);
}
