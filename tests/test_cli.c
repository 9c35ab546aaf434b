/* Unit tests for src/tui/cli: argument vectors in, struct cli or one error
 * line out; defaults, modes, numbers, peers, --bind addresses, piece
 * sizes, GNU messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "tui/cli.h"
#include "ipc/err.h"

#define MAX_ARGS	32

/* getopt permutes argv, so each case runs on a fresh writable copy. */
static int
run(const char *const *args, struct cli *c, char *err, size_t errlen)
{
	static char	 store[MAX_ARGS][256];
	char		*argv[MAX_ARGS + 1];
	int		 argc;

	for (argc = 0; args[argc] != NULL; argc++) {
		assert_true(argc < MAX_ARGS);
		snprintf(store[argc], sizeof(store[argc]), "%s", args[argc]);
		argv[argc] = store[argc];
	}
	argv[argc] = NULL;
	return cli_parse(c, argc, argv, err, errlen);
}

#define A(...)	{ "bttui", __VA_ARGS__, NULL }

static const struct {
	const char	*name;
	const char	*argv[MAX_ARGS];
	const char	*err;	/* NULL: must parse; else the exact message */
} cases[] = {
	/* valid */
	{ "plain torrent", A("x.torrent"), NULL },
	{ "info", A("--info", "x.torrent"), NULL },
	{ "info after operand", A("x.torrent", "--info"), NULL },
	{ "headless with options", A("--headless", "-d", "/tmp", "-p", "1",
	    "x.torrent"), NULL },
	{ "port max", A("-p", "65535", "x.torrent"), NULL },
	{ "port attached", A("-p6882", "x.torrent"), NULL },
	{ "port =", A("--port=6882", "x.torrent"), NULL },
	{ "abbreviated long", A("--max-p=10", "x.torrent"), NULL },
	{ "peer v4", A("--peer", "127.0.0.1:6881", "x.torrent"), NULL },
	{ "peer name", A("--peer", "seed-1.example.org:51413", "x.torrent"),
	    NULL },
	{ "peer v6", A("--peer", "[::1]:6881", "x.torrent"), NULL },
	{ "rates zero", A("--max-down", "0", "--max-up", "0", "x.torrent"),
	    NULL },
	{ "seed ratio", A("--seed-ratio", "1.5", "x.torrent"), NULL },
	{ "seed ratio dot", A("--seed-ratio", ".5", "x.torrent"), NULL },
	{ "create", A("--create", "dir", "-a", "http://t/a", "-o", "o.t"),
	    NULL },
	{ "create all", A("--create", "d", "-a", "udp://t:1", "-a",
	    "HTTPS://t/a", "--piece-size", "1M", "--private", "-c", "",
	    "-o", "o.t"), NULL },
	{ "operand after --", A("--", "-x.torrent"), NULL },
	{ "help wins", A("--help", "--port", "99999999"), NULL },
	{ "help before junk", A("-h", "--bogus"), NULL },
	{ "version", A("--version", "x", "y"), NULL },
	/* the session: any number of torrents, none reopens it */
	{ "no operand", A("--seed"), NULL },
	{ "headless no operand", A("--headless"), NULL },
	{ "two operands", A("a.torrent", "b.torrent"), NULL },
	{ "session", A("--session", "/tmp/s"), NULL },
	{ "watch", A("--watch=/tmp/w", "--headless"), NULL },
	{ "max-active zero", A("--max-active", "0"), NULL },
	{ "max-active max", A("--max-active", "10000", "a.torrent"), NULL },

	/* invalid */
	{ "info no operand", A("--info"),
	    "missing torrent file operand (bttui --info FILE.torrent)" },
	{ "info two operands", A("--info", "a.torrent", "b.torrent"),
	    "unexpected argument 'b.torrent' (--info takes one torrent)" },
	{ "empty operand", A(""), "the torrent file name is empty" },
	{ "empty second operand", A("a.torrent", ""),
	    "the torrent file name is empty" },
	{ "empty session", A("--session", ""),
	    "--session: the argument is empty" },
	{ "empty watch", A("--watch=", "a.torrent"),
	    "--watch: the argument is empty" },
	{ "max-active big", A("--max-active", "10001"),
	    "--max-active: 10001 is out of range (0 = no limit) (0-10000)" },
	{ "max-active negative", A("--max-active=-1"),
	    "--max-active: '-1' is not a number" },
	{ "missing session arg", A("--session"),
	    "option '--session' requires an argument" },
	{ "session with info", A("--info", "--session", "s", "x.torrent"),
	    "--session does not apply to --info" },
	{ "watch with create", A("--create", "d", "-a", "http://t", "-o",
	    "o", "--watch", "w"), "--watch does not apply to --create" },
	{ "max-active with info", A("--info", "x.torrent", "--max-active",
	    "2"), "--max-active does not apply to --info" },
	{ "on-complete with info", A("--info", "x.torrent", "--on-complete",
	    "true"), "--on-complete does not apply to --info" },
	{ "bell with create", A("--create", "d", "-a", "http://a/", "-o",
	    "o", "--bell"), "--bell does not apply to --create" },
	{ "unknown long", A("--foo", "x.torrent"),
	    "unrecognized option '--foo'" },
	{ "unknown long =", A("--foo=1", "x.torrent"),
	    "unrecognized option '--foo=1'" },
	{ "unknown short", A("-x", "x.torrent"), "invalid option -- 'x'" },
	{ "unknown in cluster", A("-p1", "-zq", "x.torrent"),
	    "invalid option -- 'z'" },
	{ "ambiguous", A("--ver", "x.torrent"),
	    "option '--ver' is ambiguous" },
	{ "flag with value", A("--seed=1", "x.torrent"),
	    "option '--seed' doesn't allow an argument" },
	{ "missing long arg", A("x.torrent", "--port"),
	    "option '--port' requires an argument" },
	{ "missing short arg", A("x.torrent", "-p"),
	    "option requires an argument -- 'p'" },
	{ "missing long-only arg", A("x.torrent", "--max-peers"),
	    "option '--max-peers' requires an argument" },
	{ "port too big", A("-p", "70000", "x.torrent"),
	    "--port: 70000 is not a port (1-65535)" },
	{ "port zero", A("--port", "0", "x.torrent"),
	    "--port: 0 is not a port (1-65535)" },
	{ "port negative", A("--port=-1", "x.torrent"),
	    "--port: '-1' is not a number" },
	{ "port plus", A("--port=+80", "x.torrent"),
	    "--port: '+80' is not a number" },
	{ "port space", A("--port= 80", "x.torrent"),
	    "--port: ' 80' is not a number" },
	{ "port trailing", A("--port=80x", "x.torrent"),
	    "--port: '80x' is not a number" },
	{ "port empty", A("--port=", "x.torrent"),
	    "--port: '' is not a number" },
	{ "port overflow", A("-p", "99999999999999999999999", "x.torrent"),
	    "--port: 99999999999999999999999 is not a port (1-65535)" },
	{ "max-peers zero", A("--max-peers", "0", "x.torrent"),
	    "--max-peers: 0 is out of range (1-500)" },
	{ "max-peers big", A("--max-peers", "501", "x.torrent"),
	    "--max-peers: 501 is out of range (1-500)" },
	{ "max-down big", A("--max-down", "4194305", "x.torrent"),
	    "--max-down: 4194305 is out of range (KiB/s, 0 = unlimited) "
	    "(0-4194304)" },
	{ "max-up hex", A("--max-up", "0x10", "x.torrent"),
	    "--max-up: '0x10' is not a number" },
	{ "alt-max-down big", A("--alt-max-down", "4194305", "x.torrent"),
	    "--alt-max-down: 4194305 is out of range (KiB/s, 0 = unlimited) "
	    "(0-4194304)" },
	{ "alt-max-up text", A("--alt-max-up", "fast", "x.torrent"),
	    "--alt-max-up: 'fast' is not a number" },
	{ "on-complete empty", A("--on-complete", "", "x.torrent"),
	    "--on-complete: the argument is empty" },
	{ "on-complete missing", A("x.torrent", "--on-complete"),
	    "option '--on-complete' requires an argument" },
	{ "bell with an argument", A("--bell=yes", "x.torrent"),
	    "option '--bell' doesn't allow an argument" },
	{ "upload slots", A("--upload-slots", "0", "x.torrent"),
	    "--upload-slots: 0 is out of range (1-64)" },
	{ "watchdog", A("--watchdog-timeout", "3601", "x.torrent"),
	    "--watchdog-timeout: 3601 is out of range (seconds) (1-3600)" },
	{ "ratio nan", A("--seed-ratio", "nan", "x.torrent"),
	    "--seed-ratio: 'nan' is not a number" },
	{ "ratio negative", A("--seed-ratio", "-1", "x.torrent"),
	    "--seed-ratio: '-1' is not a number" },
	{ "ratio inf", A("--seed-ratio", "1e999", "x.torrent"),
	    "--seed-ratio: '1e999' is not a number" },
	{ "ratio big", A("--seed-ratio", "10001", "x.torrent"),
	    "--seed-ratio: 10001 is out of range (0-10000)" },
	{ "ratio trailing", A("--seed-ratio", "1.5x", "x.torrent"),
	    "--seed-ratio: '1.5x' is not a number" },
	{ "peer no port", A("--peer", "127.0.0.1", "x.torrent"),
	    "--peer: '127.0.0.1' has no port (HOST:PORT)" },
	{ "peer empty port", A("--peer", "host:", "x.torrent"),
	    "--peer: 'host:' has no port (HOST:PORT)" },
	{ "peer bad port", A("--peer", "host:65536", "x.torrent"),
	    "--peer: 'host:65536': 65536 is not a port (1-65535)" },
	{ "peer port 0", A("--peer", "host:0", "x.torrent"),
	    "--peer: 'host:0': 0 is not a port (1-65535)" },
	{ "peer empty host", A("--peer", ":80", "x.torrent"),
	    "--peer: ':80': bad host name" },
	{ "peer bad host", A("--peer", "a b:80", "x.torrent"),
	    "--peer: 'a b:80': bad host name" },
	{ "peer bare v6", A("--peer", "::1:80", "x.torrent"),
	    "--peer: '::1:80': write an IPv6 address in brackets, "
	    "[ADDR]:PORT" },
	{ "peer v6 no port", A("--peer", "[::1]", "x.torrent"),
	    "--peer: '[::1]' is not [ADDR]:PORT" },
	{ "peer v6 unclosed", A("--peer", "[::1:80", "x.torrent"),
	    "--peer: '[::1:80' is not [ADDR]:PORT" },
	{ "peer v6 bad", A("--peer", "[zz::1]:80", "x.torrent"),
	    "--peer: '[zz::1]:80': 'zz::1' is not an IPv6 address" },
	{ "peer v6 empty", A("--peer", "[]:80", "x.torrent"),
	    "--peer: '[]:80': bad IPv6 address" },
	{ "info and create", A("--info", "--create", "d"),
	    "--info and --create cannot be used together" },
	{ "headless and info", A("--headless", "x.torrent", "--info"),
	    "--headless and --info cannot be used together" },
	{ "create no tracker", A("--create", "d", "-o", "o.t"),
	    "--create needs a tracker: add -a URL" },
	{ "create no output", A("--create", "d", "-a", "http://t/a"),
	    "--create needs -o FILE.torrent" },
	{ "create operand", A("--create", "d", "-a", "http://t/a", "-o", "o",
	    "extra"), "unexpected argument 'extra' (--create takes the file "
	    "or directory as its argument)" },
	{ "create empty path", A("--create", "", "-a", "http://t", "-o", "o"),
	    "--create: the argument is empty" },
	{ "create empty output", A("--create", "d", "-a", "http://t",
	    "-o", ""), "--output: the argument is empty" },
	{ "bad tracker", A("--create", "d", "-a", "ftp://t", "-o", "o"),
	    "--announce: 'ftp://t' is not a tracker URL (http://, https:// or "
	    "udp://)" },
	{ "tracker no host", A("--create", "d", "-a", "http://", "-o", "o"),
	    "--announce: 'http://' is not a tracker URL (http://, https:// or "
	    "udp://)" },
	{ "announce without create", A("-a", "http://t/a", "x.torrent"),
	    "--announce only applies with --create" },
	{ "private without create", A("--info", "--private", "x.torrent"),
	    "--private only applies with --create" },
	{ "engine opt with info", A("--info", "--seed", "x.torrent"),
	    "--seed does not apply to --info" },
	{ "sequential with info", A("--info", "--sequential", "x.torrent"),
	    "--sequential does not apply to --info" },
	{ "sequential with value", A("--sequential=1", "x.torrent"),
	    "option '--sequential' doesn't allow an argument" },
	{ "engine opt with create", A("--create", "d", "-a", "http://t",
	    "-o", "o", "-p", "80"), "--port does not apply to --create" },
	{ "piece size odd", A("--create", "d", "-a", "http://t", "-o", "o",
	    "--piece-size", "100000"),
	    "--piece-size: 100000 is not a power of two (16K, 32K, ... 1M, "
	    "...)" },
	{ "piece size small", A("--create", "d", "-a", "http://t", "-o", "o",
	    "--piece-size", "8K"),
	    "--piece-size: 8K is out of range (16K-256M)" },
	{ "select-file ok", A("--select-file", "1-3,5", "x.torrent"), NULL },
	{ "select-file zero", A("--select-file", "0", "x.torrent"),
	    "--select-file: '0' is not a list of file numbers from 1 as --info "
	    "shows them (e.g. 1-3,5)" },
	{ "select-file no torrent", A("--headless", "--select-file", "2"),
	    "--select-file applies to the torrents given with it: name one" },
	{ "select-file with info", A("--info", "--select-file", "2",
	    "x.torrent"), "--select-file does not apply to --info" },
	{ "empty dir", A("-d", "", "x.torrent"),
	    "--dir: the argument is empty" },
	{ "bind both", A("--bind", "127.0.0.1", "--bind", "::1", "x.torrent"),
	    NULL },
	{ "bind any", A("--bind=0.0.0.0", "--bind=::", "x.torrent"), NULL },
	{ "bind brackets", A("--bind", "[::1]", "x.torrent"),
	    "--bind: '[::1]': write the address without brackets or port "
	    "(--bind ::1)" },
	{ "bind v6 port", A("--bind", "[::1]:6881", "x.torrent"),
	    "--bind: '[::1]:6881': write the address without brackets or "
	    "port (--bind ::1)" },
	{ "bind v4 port", A("--bind", "127.0.0.1:6881", "x.torrent"),
	    "--bind: '127.0.0.1:6881': an address only, without a port (the "
	    "port is -p)" },
	{ "bind name", A("--bind", "localhost", "x.torrent"),
	    "--bind: 'localhost' is not a numeric IPv4 or IPv6 address (e.g. "
	    "127.0.0.1 or ::1)" },
	{ "bind empty", A("--bind", "", "x.torrent"),
	    "--bind: '' is not a numeric IPv4 or IPv6 address (e.g. "
	    "127.0.0.1 or ::1)" },
	{ "bind scope", A("--bind", "fe80::1%eth0", "x.torrent"),
	    "--bind: 'fe80::1%eth0' is not a numeric IPv4 or IPv6 address "
	    "(e.g. 127.0.0.1 or ::1)" },
	{ "bind twice", A("--bind", "::1", "--bind", "0:0:0:0:0:0:0:1",
	    "x.torrent"), "--bind: 0:0:0:0:0:0:0:1 is given twice (as ::1)" },
	{ "bind with info", A("--info", "--bind", "::1", "x.torrent"),
	    "--bind does not apply to --info" },
	{ "bind with create", A("--create", "d", "-a", "http://t", "-o", "o",
	    "--bind", "::1"), "--bind does not apply to --create" },
};

static void
test_table(void **state)
{
	struct cli	c;
	char		err[256];
	size_t		i;
	int		r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(err, 'X', sizeof(err));
		r = run(cases[i].argv, &c, err, sizeof(err));
		if (cases[i].err == NULL && r != BT_OK)
			fail_msg("%s: got %d (%s)", cases[i].name, r, err);
		if (cases[i].err != NULL && r != BT_ERR_INVALID)
			fail_msg("%s: got %d, want an error", cases[i].name, r);
		if (cases[i].err != NULL && strcmp(err, cases[i].err) != 0)
			fail_msg("%s: message\n  got  \"%s\"\n  want \"%s\"",
			    cases[i].name, err, cases[i].err);
	}
}

/* --select-file lists, against a torrent of 6 files. */
static void
test_select_files(void **state)
{
	static const struct {
		const char	*list;
		int		 r;
		const char	*sel;	/* per file; NULL on error */
	} sel_cases[] = {
		{ "2", BT_OK, "010000" },
		{ "1-3,5", BT_OK, "111010" },
		{ "6,1", BT_OK, "100001" },
		{ "2-2,2", BT_OK, "010000" },
		{ "1-6", BT_OK, "111111" },
		{ "7", BT_ERR_RANGE, NULL },
		{ "5-7", BT_ERR_RANGE, NULL },
		{ "3-1", BT_ERR_INVALID, NULL },
		{ "", BT_ERR_INVALID, NULL },
		{ "1,", BT_ERR_INVALID, NULL },
		{ ",1", BT_ERR_INVALID, NULL },
		{ "1-", BT_ERR_INVALID, NULL },
		{ "-2", BT_ERR_INVALID, NULL },
		{ "1 2", BT_ERR_INVALID, NULL },
		{ "a", BT_ERR_INVALID, NULL },
		{ "0-2", BT_ERR_INVALID, NULL },
		{ "99999999999999999999999", BT_ERR_INVALID, NULL },
	};
	uint8_t		sel[6];
	char		err[256], want[7];
	size_t		i, k;
	int		r;

	(void)state;
	for (i = 0; i < sizeof(sel_cases) / sizeof(sel_cases[0]); i++) {
		err[0] = '\0';
		r = cli_select_files(sel_cases[i].list, 6, sel, err,
		    sizeof(err));
		if (r != sel_cases[i].r)
			fail_msg("'%s': got %d, want %d", sel_cases[i].list, r,
			    sel_cases[i].r);
		if (r != BT_OK) {
			assert_true(strncmp(err, "--select-file: ", 15) == 0);
			continue;
		}
		for (k = 0; k < 6; k++)
			want[k] = (char)('0' + sel[k]);
		want[6] = '\0';
		if (strcmp(want, sel_cases[i].sel) != 0)
			fail_msg("'%s': got %s, want %s", sel_cases[i].list,
			    want, sel_cases[i].sel);
	}
	assert_int_equal(cli_select_files("7", 6, sel, err, sizeof(err)),
	    BT_ERR_RANGE);
	assert_string_equal(err, "--select-file: file 7, but the torrent has "
	    "6 files");
	/* Syntax only: no range to check. */
	assert_int_equal(cli_select_files("100-200", SIZE_MAX, NULL, err,
	    sizeof(err)), BT_OK);
}

static void
test_defaults(void **state)
{
	static const char *const	args[] = A("x.torrent");
	struct cli			c;
	char				err[256];

	(void)state;
	assert_int_equal(run(args, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.mode, CLI_TUI);
	assert_string_equal(c.torrent, "x.torrent");
	assert_string_equal(c.dir, ".");
	assert_int_equal(c.port, 6881);
	assert_int_equal(c.max_peers, 80);
	assert_int_equal(c.max_down_kibps, 0);
	assert_int_equal(c.max_up_kibps, 0);
	assert_int_equal(c.alt_max_down_kibps, CLI_DEFAULT_ALT_KIBPS);
	assert_int_equal(c.alt_max_up_kibps, CLI_DEFAULT_ALT_KIBPS);
	assert_null(c.on_complete);
	assert_int_equal(c.bell, 0);
	assert_int_equal(c.seed, 0);
	assert_true(c.seed_ratio == 0.0);
	assert_int_equal(c.verify, 0);
	assert_int_equal(c.sequential, 0);
	assert_int_equal(c.upload_slots, 4);
	assert_int_equal(c.watchdog_timeout_s, 3);
	assert_int_equal(c.npeers, 0);
	assert_int_equal(c.nannounce, 0);
	assert_null(c.create_path);
	assert_null(c.output);
	assert_null(c.comment);
	assert_int_equal(c.piece_size, 0);
	assert_int_equal(c.ntorrents, 1);
	assert_string_equal(c.torrents[0], "x.torrent");
	assert_null(c.session_dir);
	assert_null(c.watch_dir);
	assert_int_equal(c.max_active, 5);
	assert_int_equal(c.max_active_given, 0);
	assert_int_equal(c.limits_given, 0);
	assert_string_equal(err, "");
}

static void
test_engine_values(void **state)
{
	static const char *const	args[] = A("--headless", "-d", "/srv",
	    "--port", "51413", "--peer", "10.0.0.2:7000", "--peer",
	    "[fe80::1]:6881", "--max-peers=120", "--max-down", "500",
	    "--max-up", "64", "--seed-ratio", "2.25", "--verify", "--sequential",
	    "--upload-slots", "8", "--watchdog-timeout", "10", "--session",
	    "/var/lib/s", "--watch", "/srv/in", "--max-active", "12",
	    "t.torrent");
	struct cli			c;
	char				err[256];

	(void)state;
	assert_int_equal(run(args, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.mode, CLI_HEADLESS);
	assert_string_equal(c.torrent, "t.torrent");
	assert_string_equal(c.dir, "/srv");
	assert_int_equal(c.port, 51413);
	assert_int_equal(c.npeers, 2);
	assert_string_equal(c.peers[0].host, "10.0.0.2");
	assert_int_equal(c.peers[0].port, 7000);
	assert_string_equal(c.peers[1].host, "fe80::1");
	assert_int_equal(c.peers[1].port, 6881);
	assert_int_equal(c.max_peers, 120);
	assert_int_equal(c.max_down_kibps, 500);
	assert_int_equal(c.max_up_kibps, 64);
	assert_int_equal(c.seed, 1);	/* --seed-ratio implies --seed */
	assert_true(c.seed_ratio == 2.25);
	assert_int_equal(c.verify, 1);
	assert_int_equal(c.sequential, 1);
	assert_int_equal(c.upload_slots, 8);
	assert_int_equal(c.watchdog_timeout_s, 10);
	assert_string_equal(c.session_dir, "/var/lib/s");
	assert_string_equal(c.watch_dir, "/srv/in");
	assert_int_equal(c.max_active, 12);
	assert_int_equal(c.max_active_given, 1);
	assert_int_equal(c.limits_given, CLI_LIMIT_DOWN | CLI_LIMIT_UP);
}

/* On/off pairs (--mouse/--no-mouse, --pex/--no-pex, --utp/--no-utp,
 * --direct-io/--no-direct-io):
 * on by default, the last one given wins. */
static void
test_on_off(void **state)
{
	static const struct {
		const char	*argv[MAX_ARGS];
		size_t		 field;		/* an int in struct cli */
		int		 want;
	} rows[] = {
		{ A("x.torrent"), offsetof(struct cli, mouse), 1 },
		{ A("--no-mouse", "x.torrent"), offsetof(struct cli, mouse), 0 },
		{ A("--mouse"), offsetof(struct cli, mouse), 1 },
		{ A("--no-mouse", "--mouse"), offsetof(struct cli, mouse), 1 },
		{ A("--mouse", "x.torrent", "--no-mouse"),
		    offsetof(struct cli, mouse), 0 },
		{ A("x.torrent"), offsetof(struct cli, pex), 1 },
		{ A("--no-pex", "x.torrent"), offsetof(struct cli, pex), 0 },
		{ A("--no-pex", "--pex"), offsetof(struct cli, pex), 1 },
		{ A("--pex", "--no-pex"), offsetof(struct cli, pex), 0 },
		{ A("x.torrent"), offsetof(struct cli, utp), 1 },
		{ A("--no-utp"), offsetof(struct cli, utp), 0 },
		{ A("x.torrent"), offsetof(struct cli, direct_io), 1 },
		{ A("--no-direct-io"), offsetof(struct cli, direct_io), 0 },
		{ A("--no-direct-io", "--direct-io"),
		    offsetof(struct cli, direct_io), 1 },
	};
	struct cli	c;
	char		err[256];
	size_t		i;
	int		got;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(run(rows[i].argv, &c, err, sizeof(err)),
		    BT_OK);
		memcpy(&got, (const char *)&c + rows[i].field, sizeof(got));
		if (got != rows[i].want)
			fail_msg("row %zu: %d, want %d", i, got, rows[i].want);
	}
}

/* Operands are the torrents to add, in order, options mixed in (getopt
 * moves them to the end); none reopens the session. */
static void
test_operands(void **state)
{
	static const struct {
		const char	*name;
		const char	*argv[MAX_ARGS];
		enum cli_mode	 mode;
		size_t		 n;
		const char	*want[3];
	} rows[] = {
		{ "none", A("--seed"), CLI_TUI, 0, { NULL } },
		{ "headless none", A("--headless", "-p", "7000"), CLI_HEADLESS,
		    0, { NULL } },
		{ "one", A("a.torrent"), CLI_TUI, 1, { "a.torrent" } },
		{ "three", A("a.torrent", "b.torrent", "c.torrent"), CLI_TUI,
		    3, { "a.torrent", "b.torrent", "c.torrent" } },
		{ "mixed", A("a.torrent", "-p", "7000", "b.torrent",
		    "--headless"), CLI_HEADLESS, 2, { "a.torrent",
		    "b.torrent" } },
		{ "after --", A("--headless", "--", "-a.torrent", "--seed"),
		    CLI_HEADLESS, 2, { "-a.torrent", "--seed" } },
		{ "info", A("--info", "i.torrent"), CLI_INFO, 1,
		    { "i.torrent" } },
	};
	struct cli	c;
	char		err[256];
	size_t		i, k;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (run(rows[i].argv, &c, err, sizeof(err)) != BT_OK)
			fail_msg("%s: %s", rows[i].name, err);
		if (c.mode != rows[i].mode || c.ntorrents != rows[i].n)
			fail_msg("%s: mode %d, %zu torrents", rows[i].name,
			    c.mode, c.ntorrents);
		for (k = 0; k < rows[i].n; k++)
			if (strcmp(c.torrents[k], rows[i].want[k]) != 0)
				fail_msg("%s: torrent %zu is %s", rows[i].name,
				    k, c.torrents[k]);
		/* torrent is the first one, for --info and the messages */
		if (rows[i].n == 0)
			assert_null(c.torrent);
		else
			assert_string_equal(c.torrent, rows[i].want[0]);
	}
}

/* Which of --max-down and --max-up were given, 0 included: a given limit
 * overrides the session's saved one, an absent one keeps it. */
static void
test_limits_given(void **state)
{
	static const struct {
		const char	*argv[MAX_ARGS];
		unsigned	 given;
		uint32_t	 down, up;
	} rows[] = {
		{ A("a.torrent"), 0, 0, 0 },
		{ A("--max-down", "0"), CLI_LIMIT_DOWN, 0, 0 },
		{ A("--max-up", "64"), CLI_LIMIT_UP, 0, 64 },
		{ A("--max-up=1", "--max-down=2"), CLI_LIMIT_DOWN |
		    CLI_LIMIT_UP, 2, 1 },
		{ A("--max-down", "5", "--max-down", "7"), CLI_LIMIT_DOWN,
		    7, 0 },
		{ A("--alt-max-down", "0", "--bell", "--on-complete",
		    "echo $BTTUI_NAME"), CLI_LIMIT_ALT_DOWN, 0, 0 },
		{ A("--alt-max-up=9", "--max-up=3"), CLI_LIMIT_ALT_UP |
		    CLI_LIMIT_UP, 0, 3 },
	};
	struct cli	c;
	char		err[256];
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(run(rows[i].argv, &c, err, sizeof(err)),
		    BT_OK);
		if (rows[i].given & CLI_LIMIT_ALT_UP)
			assert_int_equal(c.alt_max_up_kibps, 9);
		if (rows[i].given & CLI_LIMIT_ALT_DOWN) {
			assert_int_equal(c.alt_max_down_kibps, 0);
			assert_int_equal(c.bell, 1);
			assert_string_equal(c.on_complete, "echo $BTTUI_NAME");
		}
		if (c.limits_given != rows[i].given ||
		    c.max_down_kibps != rows[i].down ||
		    c.max_up_kibps != rows[i].up)
			fail_msg("row %zu: given %u, down %u, up %u", i,
			    c.limits_given, c.max_down_kibps, c.max_up_kibps);
	}
}

static void
test_create_values(void **state)
{
	static const char *const	args[] = A("--create", "data/",
	    "-a", "http://a/announce", "--announce=udp://b:6969",
	    "--piece-size", "256K", "--private", "-c", "hello world",
	    "-o", "out.torrent");
	struct cli			c;
	char				err[256];

	(void)state;
	assert_int_equal(run(args, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.mode, CLI_CREATE);
	assert_string_equal(c.create_path, "data/");
	assert_int_equal(c.nannounce, 2);
	assert_string_equal(c.announce[0], "http://a/announce");
	assert_string_equal(c.announce[1], "udp://b:6969");
	assert_int_equal(c.piece_size, 256 * 1024);
	assert_int_equal(c.private_flag, 1);
	assert_string_equal(c.comment, "hello world");
	assert_string_equal(c.output, "out.torrent");
	assert_null(c.torrent);
}

static void
test_help_version_modes(void **state)
{
	static const char *const	h[] = A("x.torrent", "--help");
	static const char *const	v[] = A("-V");
	static const char *const	i[] = A("--info", "y.torrent");
	struct cli			c;
	char				err[256];

	(void)state;
	assert_int_equal(run(h, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.mode, CLI_HELP);
	assert_int_equal(run(v, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.mode, CLI_VERSION);
	/* A second parse starts from scratch (getopt state reset). */
	assert_int_equal(run(i, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.mode, CLI_INFO);
	assert_string_equal(c.torrent, "y.torrent");
}

static void
test_limits(void **state)
{
	static char	 addrs[CLI_MAX_BIND + 1][16];
	const char	*args[2 + 2 * (CLI_MAX_PEERS + 1) + 1];
	struct cli	 c;
	char		 err[256];
	size_t		 n = 0, i;

	(void)state;
	args[n++] = "bttui";
	for (i = 0; i < CLI_MAX_PEERS + 1; i++) {
		args[n++] = "--peer";
		args[n++] = "127.0.0.1:1";
	}
	args[n++] = "x.torrent";
	args[n] = NULL;
	/* run() copies at most MAX_ARGS; call cli_parse directly here. */
	assert_int_equal(cli_parse(&c, (int)n, (char **)(uintptr_t)args, err,
	    sizeof(err)), BT_ERR_INVALID);
	assert_string_equal(err, "--peer: too many peers (at most 64)");
	n = 0;
	args[n++] = "bttui";
	args[n++] = "--create";
	args[n++] = "d";
	for (i = 0; i < CLI_MAX_ANNOUNCE + 1; i++) {
		args[n++] = "-a";
		args[n++] = "http://t/a";
	}
	args[n] = NULL;
	assert_int_equal(cli_parse(&c, (int)n, (char **)(uintptr_t)args, err,
	    sizeof(err)), BT_ERR_INVALID);
	assert_string_equal(err, "--announce: too many trackers (at most 32)");
	/* CLI_MAX_BIND different addresses, then one more */
	n = 0;
	args[n++] = "bttui";
	for (i = 0; i < CLI_MAX_BIND + 1; i++) {
		snprintf(addrs[i], sizeof(addrs[i]), "127.0.0.%zu", i + 1);
		args[n++] = "--bind";
		args[n++] = addrs[i];
	}
	args[n++] = "x.torrent";
	args[n] = NULL;
	assert_int_equal(cli_parse(&c, (int)n, (char **)(uintptr_t)args, err,
	    sizeof(err)), BT_ERR_INVALID);
	assert_string_equal(err, "--bind: too many addresses (at most 8)");
	args[n - 3] = "x.torrent";	/* one fewer: fine */
	args[n - 2] = NULL;
	assert_int_equal(cli_parse(&c, (int)n - 2, (char **)(uintptr_t)args,
	    err, sizeof(err)), BT_OK);
	assert_int_equal(c.nbinds, CLI_MAX_BIND);
}

static void
test_too_many_torrents(void **state)
{
	static char	 names[CLI_MAX_TORRENTS + 1][16];
	const char	*args[CLI_MAX_TORRENTS + 3];
	struct cli	 c;
	char		 err[256];
	size_t		 n, i;

	(void)state;
	for (i = 0; i < CLI_MAX_TORRENTS + 1; i++)
		snprintf(names[i], sizeof(names[i]), "t%zu.torrent", i);
	/* as many as allowed: all kept, in order */
	n = 0;
	args[n++] = "bttui";
	for (i = 0; i < CLI_MAX_TORRENTS; i++)
		args[n++] = names[i];
	args[n] = NULL;
	assert_int_equal(cli_parse(&c, (int)n, (char **)(uintptr_t)args, err,
	    sizeof(err)), BT_OK);
	assert_int_equal(c.ntorrents, CLI_MAX_TORRENTS);
	assert_string_equal(c.torrents[CLI_MAX_TORRENTS - 1],
	    names[CLI_MAX_TORRENTS - 1]);
	/* one more */
	args[n++] = names[CLI_MAX_TORRENTS];
	args[n] = NULL;
	assert_int_equal(cli_parse(&c, (int)n, (char **)(uintptr_t)args, err,
	    sizeof(err)), BT_ERR_INVALID);
	assert_string_equal(err, "too many torrents at once (at most 256; "
	    "add more from the screen with a)");
}

static void
test_piece_size(void **state)
{
	static const struct {
		const char	*in;
		uint32_t	 want;	/* 0: error */
	} rows[] = {
		{ "16384", 16384 }, { "16K", 16384 }, { "16k", 16384 },
		{ "32KiB", 32768 }, { "1M", 1048576 }, { "4m", 4194304 },
		{ "2MiB", 2097152 }, { "256M", 268435456 },
		{ "268435456", 268435456 },
		{ "8192", 0 }, { "15K", 0 }, { "0", 0 }, { "512M", 0 },
		{ "3M", 0 }, { "1000K", 0 }, { "", 0 }, { "K", 0 },
		{ "1G", 0 }, { "1 M", 0 }, { "-16K", 0 }, { "16KB", 0 },
		{ "99999999999999999999K", 0 }, { "17592186044416M", 0 },
	};
	uint32_t	v;
	char		err[256];
	size_t		i;
	int		r;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		r = cli_parse_piece_size(rows[i].in, &v, err, sizeof(err));
		if (rows[i].want != 0 && (r != BT_OK || v != rows[i].want))
			fail_msg("'%s': got %d, %u", rows[i].in, r, v);
		if (rows[i].want == 0 && (r != BT_ERR_INVALID || v != 0))
			fail_msg("'%s': got %d, %u, want an error", rows[i].in,
			    r, v);
	}
}

static void
test_peer(void **state)
{
	static const struct {
		const char	*in, *host;	/* host NULL: error */
		uint16_t	 port;
	} rows[] = {
		{ "127.0.0.1:6881", "127.0.0.1", 6881 },
		{ "localhost:1", "localhost", 1 },
		{ "[::1]:65535", "::1", 65535 },
		{ "[::ffff:127.0.0.1]:80", "::ffff:127.0.0.1", 80 },
		{ "my_host.lan:8", "my_host.lan", 8 },
		{ "host:080", "host", 80 },
		{ "", NULL, 0 }, { ":", NULL, 0 }, { "h:p", NULL, 0 },
		{ "h:-1", NULL, 0 }, { "[::1]:", NULL, 0 },
		{ "[::1]x80", NULL, 0 }, { "[1.2.3.4]:80", NULL, 0 },
		{ "h\x01:80", NULL, 0 },
	};
	struct cli_peer	p;
	char		err[256];
	size_t		i;
	int		r;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		r = cli_parse_peer(rows[i].in, &p, err, sizeof(err));
		if (rows[i].host == NULL) {
			if (r != BT_ERR_INVALID || p.port != 0 ||
			    p.host[0] != '\0')
				fail_msg("'%s': got %d", rows[i].in, r);
			continue;
		}
		if (r != BT_OK || strcmp(p.host, rows[i].host) != 0 ||
		    p.port != rows[i].port)
			fail_msg("'%s': got %d %s %u (%s)", rows[i].in, r,
			    p.host, p.port, err);
	}
}

/* --bind addresses: the family and bytes, or an error with nothing set. */
static void
test_bind(void **state)
{
	static const struct {
		const char	*in;
		int		 family;	/* 0: error */
		uint8_t		 ip[16];
	} rows[] = {
		{ "127.0.0.1", AF_INET, { 127, 0, 0, 1 } },
		{ "0.0.0.0", AF_INET, { 0 } },
		{ "::1", AF_INET6, { [15] = 1 } },
		{ "::", AF_INET6, { 0 } },
		{ "2001:db8::7", AF_INET6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 } },
		{ "::ffff:10.0.0.1", AF_INET6, { [10] = 0xff, [11] = 0xff, 10,
		    0, 0, 1 } },
		{ "", 0, { 0 } }, { "1.2.3", 0, { 0 } }, { "1.2.3.4.5", 0, { 0 } },
		{ "256.0.0.1", 0, { 0 } }, { "[::1]", 0, { 0 } },
		{ "::1:", 0, { 0 } }, { "1.2.3.4:80", 0, { 0 } },
		{ " ::1", 0, { 0 } }, { "example.org", 0, { 0 } },
		{ "fe80::1%lo", 0, { 0 } }, { "2001:db8::7/64", 0, { 0 } },
	};
	static const uint8_t	zero[16];
	uint8_t			ip[16];
	char			err[256];
	size_t			i;
	int			family, r;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		err[0] = '\0';
		memset(ip, 0xaa, sizeof(ip));
		r = cli_parse_bind(rows[i].in, &family, ip, err, sizeof(err));
		if (rows[i].family == 0) {
			if (r != BT_ERR_INVALID || family != 0 ||
			    memcmp(ip, zero, 16) != 0 || err[0] == '\0')
				fail_msg("'%s': got %d, family %d", rows[i].in,
				    r, family);
			continue;
		}
		if (r != BT_OK || family != rows[i].family ||
		    memcmp(ip, rows[i].ip, family == AF_INET ? 4 : 16) != 0)
			fail_msg("'%s': got %d, family %d (%s)", rows[i].in, r,
			    family, err);
	}
}

static void
test_bind_values(void **state)
{
	static const char *const	args[] = A("--headless", "--bind",
	    "::1", "--bind", "127.0.0.2", "x.torrent");
	struct cli			c;
	char				err[256];

	(void)state;
	assert_int_equal(run(args, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.nbinds, 2);
	assert_string_equal(c.binds[0], "::1");
	assert_string_equal(c.binds[1], "127.0.0.2");
	assert_int_equal(c.port, CLI_DEFAULT_PORT);	/* -p stays apart */
}

static void
test_long_host(void **state)
{
	char		in[CLI_MAX_HOST + 16], err[256];
	struct cli_peer	p;

	(void)state;
	memset(in, 'a', CLI_MAX_HOST);
	snprintf(in + CLI_MAX_HOST, sizeof(in) - CLI_MAX_HOST, ":80");
	assert_int_equal(cli_parse_peer(in, &p, err, sizeof(err)), BT_OK);
	assert_int_equal(strlen(p.host), CLI_MAX_HOST);
	memset(in, 'a', CLI_MAX_HOST + 1);
	snprintf(in + CLI_MAX_HOST + 1, sizeof(in) - CLI_MAX_HOST - 1, ":80");
	assert_int_equal(cli_parse_peer(in, &p, err, sizeof(err)),
	    BT_ERR_INVALID);
}

static void
test_texts(void **state)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	(void)state;
	assert_non_null(fp = open_memstream(&buf, &len));
	cli_version(fp);
	fclose(fp);
	assert_true(strncmp(buf, "bttui " BTTUI_VERSION "\n", 7) == 0);
	assert_non_null(strstr(buf, "Copyright"));
	free(buf);
	buf = NULL;
	assert_non_null(fp = open_memstream(&buf, &len));
	cli_usage(fp);
	fclose(fp);
	assert_true(strncmp(buf, "Usage: bttui", 12) == 0);
	/* Every long option is documented. */
	assert_non_null(strstr(buf, "--watchdog-timeout"));
	assert_non_null(strstr(buf, "--piece-size"));
	assert_non_null(strstr(buf, "--upload-slots"));
	assert_non_null(strstr(buf, "--peer HOST:PORT"));
	assert_non_null(strstr(buf, "--bind ADDR"));
	assert_non_null(strstr(buf, "--session DIR"));
	assert_non_null(strstr(buf, "--watch DIR"));
	assert_non_null(strstr(buf, "--max-active N"));
	assert_non_null(strstr(buf, "[FILE.torrent]..."));
	free(buf);
}

static void
test_small_errbuf(void **state)
{
	static const char *const	args[] = A("--foo");
	struct cli			c;
	char				err[8];

	(void)state;
	assert_int_equal(run(args, &c, err, sizeof(err)), BT_ERR_INVALID);
	assert_string_equal(err, "unrecog");
	assert_int_equal(run(args, &c, NULL, 0), BT_ERR_INVALID);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_on_off),
		cmocka_unit_test(test_select_files),
		cmocka_unit_test(test_engine_values),
		cmocka_unit_test(test_operands),
		cmocka_unit_test(test_limits_given),
		cmocka_unit_test(test_too_many_torrents),
		cmocka_unit_test(test_create_values),
		cmocka_unit_test(test_help_version_modes),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_piece_size),
		cmocka_unit_test(test_peer),
		cmocka_unit_test(test_bind),
		cmocka_unit_test(test_bind_values),
		cmocka_unit_test(test_long_host),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_small_errbuf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
