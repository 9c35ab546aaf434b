/* Unit tests for src/tui/config: config files in a sandbox and argument
 * vectors in, struct cli and the messages out; lines to settings, bad
 * lines to messages with their line numbers, the command line over the
 * file, the bounds; the screen's keys (theme, colours, Peers columns). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "engine/engine.h"
#include "ipc/err.h"
#include "sandbox.h"
#include "tui/cli.h"
#include "tui/colors.h"
#include "tui/config.h"
#include "tui/view.h"

#define N(a)		(sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS	16

struct fixture {
	char	dir[256];
	char	path[300];	/* dir/config */
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(sandbox_create(f->dir, sizeof(f->dir), "config"), 0);
	snprintf(f->path, sizeof(f->path), "%s/config", f->dir);
	setenv("HOME", f->dir, 1);
	unsetenv("XDG_CONFIG_HOME");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	sandbox_remove(f->dir);
	free(f);
	return 0;
}

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE	*fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/*
 * config_parse_cli on "bttui --config PATH args..." with text in PATH
 * (text NULL: no file, and no --config).  The strings of *c live in cf
 * and in store: the caller cleans cf up.
 */
static int
run(struct fixture *f, const char *text, const char *const *args,
    struct config *cf, struct cli *c, char *err, size_t errlen)
{
	static char	 store[MAX_ARGS][512];
	char		*argv[MAX_ARGS + 1];
	int		 argc = 0, i;

	snprintf(store[argc], sizeof(store[0]), "bttui");
	argv[argc] = store[argc];
	argc++;
	if (text != NULL) {
		write_file(f->path, text, strlen(text));
		snprintf(store[argc], sizeof(store[0]), "--config=%s", f->path);
		argv[argc] = store[argc];
		argc++;
	}
	for (i = 0; args != NULL && args[i] != NULL; i++) {
		assert_true(argc < MAX_ARGS);
		snprintf(store[argc], sizeof(store[0]), "%s", args[i]);
		argv[argc] = store[argc];
		argc++;
	}
	argv[argc] = NULL;
	config_init(cf);
	return config_parse_cli(cf, c, argc, argv, err, errlen);
}

/* The messages joined by '\n', the file's name written as "@". */
static void
messages(const struct fixture *f, const struct config *cf, char *buf,
    size_t len)
{
	const char	*m;
	size_t		 i, at = 0, n = strlen(f->path);

	buf[0] = '\0';
	for (i = 0; i < config_nmessages(cf) && at < len; i++) {
		m = config_message(cf, i);
		if (strncmp(m, f->path, n) == 0)
			at += (size_t)snprintf(buf + at, len - at, "%s@%s",
			    i > 0 ? "\n" : "", m + n);
		else
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
			    i > 0 ? "\n" : "", m);
	}
}

#define A(...)		(const char *const[]){ __VA_ARGS__, NULL }
#define NOARGS		NULL
/* What a case checks in struct cli; the defaults are cli_init's (enc 1
 * is ENGINE_ENC_PREFER). */
struct want {
	int		port, max_peers, dht, utp, seed, enc;
	uint32_t	down;
	size_t		nbinds;
	const char	*bind0, *dir;
};
#define DEF		6881, 80, 1, 1, 0, 1, 0, 0, NULL, "."

static const struct {
	const char		*name;
	const char		*text;
	const char *const	*args;
	const char		*msgs;	/* "" when none */
	struct want		 want;
} cases[] = {
	{ "empty file", "", NOARGS, "", { DEF } },
	{ "comments, blanks, CRLF", "# port = 1\n\n   \t\n  port = 7000\r\n"
	    "#max-peers = 3\n", NOARGS, "",
	    { 7000, 80, 1, 1, 0, 1, 0, 0, NULL, "." } },
	{ "no newline at the end", "max-peers=30", NOARGS, "",
	    { 6881, 30, 1, 1, 0, 1, 0, 0, NULL, "." } },
	{ "flags: yes, no, true, off", "seed = yes\ndht = no\nutp = off\n",
	    NOARGS, "", { 6881, 80, 0, 0, 1, 1, 0, 0, NULL, "." } },
	{ "flags: TRUE, 1, a no- key", "seed = TRUE\nno-dht = 1\n", NOARGS,
	    "", { 6881, 80, 0, 1, 1, 1, 0, 0, NULL, "." } },
	{ "no-dht = no turns it on", "dht = no\nno-dht = no\n", NOARGS, "",
	    { DEF } },
	{ "seed = no undoes seed = yes", "seed = yes\nseed = no\n", NOARGS,
	    "", { DEF } },
	{ "values", "encryption = require\nmax-down = 100\ndir = /srv/t\n",
	    NOARGS, "", { 6881, 80, 1, 1, 0, ENGINE_ENC_REQUIRE, 100, 0, NULL,
	    "/srv/t" } },
	{ "~/ is $HOME", "dir = ~/Downloads\n", NOARGS, "",
	    { 6881, 80, 1, 1, 0, 1, 0, 0, NULL, "~HOME/Downloads" } },
	{ "the last line wins", "port = 7000\nport = 7001\n", NOARGS, "",
	    { 7001, 80, 1, 1, 0, 1, 0, 0, NULL, "." } },
	{ "binds add up", "bind = 127.0.0.1\nbind = 127.0.0.2\n", NOARGS, "",
	    { 6881, 80, 1, 1, 0, 1, 0, 2, "127.0.0.1", "." } },

	/* bad lines: a message with the line, the rest still applies */
	{ "unknown key, no prefixes", "port = 7000\nmax-peer = 3\n", NOARGS,
	    "@:2: unknown key 'max-peer' (the keys are listed in bttui(1), "
	    "CONFIGURATION)", { 7000, 80, 1, 1, 0, 1, 0, 0, NULL, "." } },
	{ "bad value", "\n\n\n\n\n\nport = 70000\nmax-peers = 9\n", NOARGS,
	    "@:7: --port: 70000 is not a port (1-65535)",
	    { 6881, 9, 1, 1, 0, 1, 0, 0, NULL, "." } },
	{ "bad number", "max-down = 5k\n", NOARGS,
	    "@:1: --max-down: '5k' is not a number", { DEF } },
	{ "bad mode", "encryption = maybe\n", NOARGS, "@:1: --encryption: "
	    "'maybe' is not one of prefer, require, allow, off", { DEF } },
	{ "empty value", "dir =\n", NOARGS,
	    "@:1: --dir: the argument is empty", { DEF } },
	{ "bad flag value", "seed = sure\n", NOARGS,
	    "@:1: seed: 'sure' is not yes or no", { DEF } },
	{ "command-line only", "help = yes\ncreate = /x\noutput = a\n"
	    "config = /y\nselect-file = 1\n", NOARGS,
	    "@:1: 'help' is for the command line only, not a setting\n"
	    "@:2: 'create' is for the command line only, not a setting\n"
	    "@:3: 'output' is for the command line only, not a setting\n"
	    "@:4: 'config' is for the command line only, not a setting\n"
	    "@:5: 'select-file' is for the command line only, not a setting",
	    { DEF } },
	{ "not key = value", "port 7000\n = 5\n", NOARGS,
	    "@:1: 'port 7000' is not KEY = VALUE\n"
	    "@:2: the key before '=' is missing", { DEF } },
	{ "a bind twice", "bind = 127.0.0.1\nbind = 127.0.0.1\n", NOARGS,
	    "@:2: --bind: 127.0.0.1 is given twice (as 127.0.0.1)",
	    { 6881, 80, 1, 1, 0, 1, 0, 1, "127.0.0.1", "." } },
	{ "messages in line order", "port = 0\nfoo = 1\n", NOARGS,
	    "@:1: --port: 0 is not a port (1-65535)\n"
	    "@:2: unknown key 'foo' (the keys are listed in bttui(1), "
	    "CONFIGURATION)", { DEF } },

	/* the command line wins, whatever the form */
	{ "argv's -p", "port = 7000\n", A("-p", "7001"), "",
	    { 7001, 80, 1, 1, 0, 1, 0, 0, NULL, "." } },
	{ "argv's abbreviation", "max-peers = 30\n", A("--max-p=40"), "",
	    { 6881, 40, 1, 1, 0, 1, 0, 0, NULL, "." } },
	{ "argv's --dht over dht = no", "dht = no\n", A("--dht"), "",
	    { DEF } },
	{ "argv's --no-dht over dht = yes", "dht = yes\n", A("--no-dht"), "",
	    { 6881, 80, 0, 1, 0, 1, 0, 0, NULL, "." } },
	{ "argv's bind replaces the file's", "bind = 127.0.0.1\n"
	    "bind = 127.0.0.2\n", A("--bind", "127.0.0.3"), "",
	    { 6881, 80, 1, 1, 0, 1, 0, 1, "127.0.0.3", "." } },
	{ "the same bind in both", "bind = 127.0.0.1\n",
	    A("--bind=127.0.0.1"), "",
	    { 6881, 80, 1, 1, 0, 1, 0, 1, "127.0.0.1", "." } },
	{ "a bad line argv overrides: still reported", "port = x\n",
	    A("-p", "7001"), "@:1: --port: 'x' is not a number",
	    { 7001, 80, 1, 1, 0, 1, 0, 0, NULL, "." } },
	{ "argv's -d", "dir = /srv/a\nmax-up = 5\n", A("-d", "/srv/b"), "",
	    { 6881, 80, 1, 1, 0, 1, 0, 0, NULL, "/srv/b" } },
	{ "--no-config", "port = 7000\n", A("--no-config"), "", { DEF } },
	{ "--no-config, then --config", "port = 7000\n",
	    A("--no-config", "--config=@"), "",
	    { 7000, 80, 1, 1, 0, 1, 0, 0, NULL, "." } },
};

static void
check_want(const char *name, const struct cli *c, const struct want *w,
    const char *home)
{
	char	dir[512];

	if (c->port != w->port || c->max_peers != (uint32_t)w->max_peers ||
	    c->dht != w->dht || c->utp != w->utp || c->seed != w->seed ||
	    c->encryption != w->enc || c->max_down_kibps != w->down ||
	    c->nbinds != w->nbinds)
		fail_msg("%s: port %d peers %u dht %d utp %d seed %d enc %d "
		    "down %u binds %zu", name, c->port, c->max_peers, c->dht,
		    c->utp, c->seed, c->encryption, c->max_down_kibps,
		    c->nbinds);
	if (w->bind0 != NULL && strcmp(c->binds[0], w->bind0) != 0)
		fail_msg("%s: bind %s, want %s", name, c->binds[0], w->bind0);
	if (strncmp(w->dir, "~HOME", 5) == 0)
		snprintf(dir, sizeof(dir), "%s%s", home, w->dir + 5);
	else
		snprintf(dir, sizeof(dir), "%s", w->dir);
	if (strcmp(c->dir, dir) != 0)
		fail_msg("%s: dir %s, want %s", name, c->dir, dir);
}

static void
test_table(void **state)
{
	struct fixture	*f = *state;
	const char	*args[MAX_ARGS];
	char		 err[512], got[4096], conf[320];
	struct config	 cf;
	struct cli	 c;
	size_t		 i, k;

	snprintf(conf, sizeof(conf), "--config=%s", f->path);
	for (i = 0; i < N(cases); i++) {
		/* "--config=@" in a case's argv names the file */
		for (k = 0; cases[i].args != NULL && cases[i].args[k] != NULL;
		    k++)
			args[k] = strcmp(cases[i].args[k], "--config=@") == 0 ?
			    conf : cases[i].args[k];
		args[k] = NULL;
		if (run(f, cases[i].text, args, &cf, &c, err, sizeof(err)) !=
		    BT_OK)
			fail_msg("%s: %s", cases[i].name, err);
		messages(f, &cf, got, sizeof(got));
		if (strcmp(got, cases[i].msgs) != 0)
			fail_msg("%s: messages\n%s\nwant\n%s", cases[i].name,
			    got, cases[i].msgs);
		check_want(cases[i].name, &c, &cases[i].want, f->dir);
		config_cleanup(&cf);
	}
}

/* Limits from the file count as given: the session takes them. */
static void
test_limits_given(void **state)
{
	struct fixture	*f = *state;
	struct config	 cf;
	struct cli	 c;
	char		 err[256];

	assert_int_equal(run(f, "max-down = 100\nmax-active = 2\n", NULL,
	    &cf, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.limits_given, CLI_LIMIT_DOWN);
	assert_int_equal(c.max_active, 2);
	assert_true(c.max_active_given);
	config_cleanup(&cf);
}

/* --peer adds up like --bind: argv's replace the file's, all of them;
 * seed-ratio in the file implies seed as on the command line. */
static void
test_peers_and_implied(void **state)
{
	struct fixture	*f = *state;
	struct config	 cf;
	struct cli	 c;
	char		 err[256];

	assert_int_equal(run(f, "peer = 127.0.0.1:1\npeer = [::1]:2\n"
	    "seed-ratio = 2.5\n", NULL, &cf, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.npeers, 2);
	assert_string_equal(c.peers[1].host, "::1");
	assert_true(c.seed);
	assert_true(c.seed_ratio == 2.5);
	config_cleanup(&cf);
	assert_int_equal(run(f, "peer = 127.0.0.1:1\npeer = [::1]:2\n",
	    A("--peer", "127.0.0.1:3"), &cf, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.npeers, 1);
	assert_int_equal(c.peers[0].port, 3);
	config_cleanup(&cf);
}

/* Modes other than the screen and --headless read no file: its engine
 * options would be refused by --info and --create. */
static void
test_modes_without_file(void **state)
{
	struct fixture	*f = *state;
	struct config	 cf;
	struct cli	 c;
	char		 err[256];

	assert_int_equal(run(f, "port = 7000\nbogus = 1\n", A("--info",
	    "x.torrent"), &cf, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.mode, CLI_INFO);
	assert_int_equal(config_nmessages(&cf), 0);
	config_cleanup(&cf);
	assert_int_equal(run(f, "port = 7000\n", A("--headless", "x.torrent"),
	    &cf, &c, err, sizeof(err)), BT_OK);
	assert_int_equal(c.mode, CLI_HEADLESS);
	assert_int_equal(c.port, 7000);
	assert_int_equal(c.ntorrents, 1);
	assert_string_equal(c.torrents[0], "x.torrent");
	config_cleanup(&cf);
	/* argv's own errors are argv's, whatever the file */
	assert_int_equal(run(f, "port = 7000\n", A("--port=0"), &cf, &c, err,
	    sizeof(err)), BT_ERR_INVALID);
	assert_string_equal(err, "--port: 0 is not a port (1-65535)");
	config_cleanup(&cf);
}

/* The default file: absent is no file, no message; XDG_CONFIG_HOME
 * first, when absolute; --config FILE absent is an error. */
static void
test_paths(void **state)
{
	struct fixture	*f = *state;
	struct config	 cf;
	struct cli	 c;
	char		 err[512], want[512], path[512];

	assert_int_equal(config_default_path(path, sizeof(path)), BT_OK);
	snprintf(want, sizeof(want), "%s/.config/bttui/config", f->dir);
	assert_string_equal(path, want);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	assert_int_equal(config_default_path(path, sizeof(path)), BT_OK);
	assert_string_equal(path, want);
	setenv("XDG_CONFIG_HOME", f->dir, 1);
	assert_int_equal(config_default_path(path, sizeof(path)), BT_OK);
	snprintf(want, sizeof(want), "%s/bttui/config", f->dir);
	assert_string_equal(path, want);
	assert_int_equal(config_default_path(path, 8), BT_ERR_RANGE);

	/* absent: fine, silent */
	assert_int_equal(run(f, NULL, A("-p", "7001"), &cf, &c, err,
	    sizeof(err)), BT_OK);
	assert_int_equal(config_nmessages(&cf), 0);
	assert_int_equal(c.port, 7001);
	config_cleanup(&cf);
	/* present at the default path: read */
	snprintf(path, sizeof(path), "%s/bttui", f->dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/bttui/config", f->dir);
	write_file(path, "port = 7002\n", 12);
	assert_int_equal(run(f, NULL, NULL, &cf, &c, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(c.port, 7002);
	config_cleanup(&cf);
	/* a directory: a message, no settings */
	assert_int_equal(run(f, NULL, A("--config", f->dir), &cf, &c, err,
	    sizeof(err)), BT_OK);
	assert_int_equal(config_nmessages(&cf), 1);
	assert_non_null(strstr(config_message(&cf, 0), "not a regular file"));
	config_cleanup(&cf);
	/* --config FILE that is not there */
	assert_int_equal(run(f, NULL, A("--config", "/nonexistent/bttui"),
	    &cf, &c, err, sizeof(err)), BT_ERR_NOTFOUND);
	assert_string_equal(err, "cannot read the config file "
	    "/nonexistent/bttui: No such file or directory (or give "
	    "--no-config)");
	config_cleanup(&cf);
	unsetenv("HOME");
	unsetenv("XDG_CONFIG_HOME");
	assert_int_equal(config_default_path(path, sizeof(path)),
	    BT_ERR_NOTFOUND);
}

/* Bounds: a long line, a large file, many messages, many settings. */
static void
test_bounds(void **state)
{
	struct fixture	*f = *state;
	struct config	 cf;
	struct cli	 c;
	char		 err[256], want[512], *text;
	size_t		 i, at, len = CONFIG_MAX_BYTES + 2;
	int		 n;

	assert_non_null(text = malloc(len + 1));
	/* line 2 over CONFIG_MAX_LINE: skipped, the others read */
	at = (size_t)snprintf(text, len, "port = 7000\ndir = ");
	memset(text + at, 'x', CONFIG_MAX_LINE);
	at += CONFIG_MAX_LINE;
	at += (size_t)snprintf(text + at, len - at, "\nmax-peers = 9\n");
	assert_int_equal(run(f, text, NULL, &cf, &c, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(config_nmessages(&cf), 1);
	snprintf(want, sizeof(want), "%s:2: line too long (over %d bytes): "
	    "skipped", f->path, CONFIG_MAX_LINE);
	assert_string_equal(config_message(&cf, 0), want);
	assert_int_equal(c.port, 7000);
	assert_int_equal(c.max_peers, 9);
	assert_string_equal(c.dir, ".");
	config_cleanup(&cf);

	/* a line of exactly CONFIG_MAX_LINE bytes is read */
	n = snprintf(text, len, "dir = ");
	memset(text + n, 'y', CONFIG_MAX_LINE - (size_t)n);
	text[CONFIG_MAX_LINE] = '\0';
	assert_int_equal(run(f, text, NULL, &cf, &c, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(config_nmessages(&cf), 0);
	assert_int_equal(strlen(c.dir), CONFIG_MAX_LINE - (size_t)n);
	config_cleanup(&cf);

	/* a NUL byte: that line only */
	write_file(f->path, "port = 7000\nx\0y = 1\nmax-peers = 9\n", 34);
	assert_int_equal(run(f, NULL, A("--config", f->path), &cf, &c, err,
	    sizeof(err)), BT_OK);
	assert_int_equal(config_nmessages(&cf), 1);
	snprintf(want, sizeof(want), "%s:2: a NUL byte (not a text file?): "
	    "skipped", f->path);
	assert_string_equal(config_message(&cf, 0), want);
	assert_int_equal(c.port, 7000);
	assert_int_equal(c.max_peers, 9);
	config_cleanup(&cf);

	/* over CONFIG_MAX_BYTES: not read at all */
	memset(text, '#', len);
	memcpy(text, "port = 7000\n", 12);
	text[len] = '\0';
	assert_int_equal(run(f, text, NULL, &cf, &c, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(config_nmessages(&cf), 1);
	snprintf(want, sizeof(want), "%s: larger than %d KiB; no settings "
	    "from it", f->path, CONFIG_MAX_BYTES / 1024);
	assert_string_equal(config_message(&cf, 0), want);
	assert_int_equal(c.port, CLI_DEFAULT_PORT);
	config_cleanup(&cf);

	/* more bad lines than messages kept: the rest counted */
	for (i = 0, at = 0; i < CONFIG_MAX_MSGS + 4; i++)
		at += (size_t)snprintf(text + at, len - at, "bad%zu = 1\n", i);
	assert_int_equal(run(f, text, NULL, &cf, &c, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(config_nmessages(&cf), CONFIG_MAX_MSGS + 1);
	snprintf(want, sizeof(want), "%s: 4 more messages left out", f->path);
	assert_string_equal(config_message(&cf, CONFIG_MAX_MSGS), want);
	assert_string_equal(config_message(&cf, CONFIG_MAX_MSGS + 1), "");
	config_cleanup(&cf);

	/* more settings than kept */
	for (i = 0, at = 0; i < CONFIG_MAX_ARGS + 1; i++)
		at += (size_t)snprintf(text + at, len - at, "port = %zu\n",
		    i + 1);
	assert_int_equal(run(f, text, NULL, &cf, &c, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(config_nmessages(&cf), 1);
	snprintf(want, sizeof(want), "%s:%d: too many settings (at most %d): "
	    "skipped", f->path, CONFIG_MAX_ARGS + 1, CONFIG_MAX_ARGS);
	assert_string_equal(config_message(&cf, 0), want);
	assert_int_equal(c.port, CONFIG_MAX_ARGS);
	config_cleanup(&cf);
	free(text);
}

/* theme, color.X, peers.columns: the screen's keys. */
static void
test_screen_keys(void **state)
{
	static const struct {
		const char	*name, *text, *msg;	/* "" when none */
		int		 mono;
		int		 elem;
		short		 fg, bg;
	} rows[] = {
		{ "default", "", "", 0, CLR_TITLE, COLOR_WHITE, -1 },
		{ "mono", "theme = mono\n", "", 1, CLR_TITLE, COLOR_WHITE, -1 },
		{ "light", "theme = Light\n", "", 0, CLR_TITLE, COLOR_BLACK,
		    -1 },
		{ "dark: no terminal colours", "theme = dark\n", "", 0,
		    CLR_NORMAL, COLOR_WHITE, COLOR_BLACK },
		{ "unknown theme", "theme = neon\n", "@:1: theme: 'neon' is "
		    "not one of default, mono, light, dark", 0, CLR_TITLE,
		    COLOR_WHITE, -1 },
		{ "fg only keeps the theme's bg", "color.tab = red\n", "", 0,
		    CLR_TAB, COLOR_RED, COLOR_CYAN },
		{ "fg and bg, bright, any case", "colour.Tab-Active = "
		    "bright-yellow , BLUE\n", "", 0, CLR_TAB_ACTIVE,
		    COLOR_YELLOW + 8, COLOR_BLUE },
		{ "overrides beat the theme, whatever the order",
		    "color.title = red\ntheme = light\n", "", 0, CLR_TITLE,
		    COLOR_RED, -1 },
		{ "default colour", "color.error = default,default\n", "", 0,
		    CLR_ERROR, -1, -1 },
		{ "bad colour", "color.title = purple\n", "@:1: color.title: "
		    "'purple' is not FG or FG,BG (black, red, green, yellow, "
		    "blue, magenta, cyan, white, bright-NAME, default)", 0,
		    CLR_TITLE, COLOR_WHITE, -1 },
		{ "bad background", "color.title = red,\n", "@:1: color.title: "
		    "'red,' is not FG or FG,BG (black, red, green, yellow, "
		    "blue, magenta, cyan, white, bright-NAME, default)", 0,
		    CLR_TITLE, COLOR_WHITE, -1 },
	};
	struct fixture		*f = *state;
	struct colors_theme	 t;
	struct config		 cf;
	struct cli		 c;
	char			 err[256], got[2048];
	size_t			 i;

	for (i = 0; i < N(rows); i++) {
		assert_int_equal(run(f, rows[i].text, NULL, &cf, &c, err,
		    sizeof(err)), BT_OK);
		messages(f, &cf, got, sizeof(got));
		if (strcmp(got, rows[i].msg) != 0)
			fail_msg("%s: messages\n%s\nwant\n%s", rows[i].name,
			    got, rows[i].msg);
		config_theme(&cf, &t);
		if (t.mono != rows[i].mono || t.fg[rows[i].elem] !=
		    rows[i].fg || t.bg[rows[i].elem] != rows[i].bg)
			fail_msg("%s: mono %d fg %d bg %d", rows[i].name,
			    t.mono, t.fg[rows[i].elem], t.bg[rows[i].elem]);
		config_cleanup(&cf);
	}
	/* an unknown element lists the known ones */
	assert_int_equal(run(f, "color.titel = red\n", NULL, &cf, &c, err,
	    sizeof(err)), BT_OK);
	assert_non_null(strstr(config_message(&cf, 0), ":1: unknown colour "
	    "element 'titel' (normal, dim, title, "));
	assert_non_null(strstr(config_message(&cf, 0), "footer-text, "
	    "prompt)"));
	config_cleanup(&cf);
}

/* What config asks of cli: whole option names, and what argv gave. */
static void
test_cli_keys(void **state)
{
	static const struct {
		const char	*name;
		int		 arg;
	} rows[] = {
		{ "port", 1 }, { "max-peers", 1 }, { "seed", 0 },
		{ "no-dht", 0 }, { "dht", 0 }, { "bind", 1 },
		{ "max-peer", -1 }, { "p", -1 }, { "", -1 }, { "PORT", -1 },
	};
	struct fixture	*f = *state;
	struct config	 cf;
	struct cli	 c;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < N(rows); i++)
		if (cli_option_arg(rows[i].name) != rows[i].arg)
			fail_msg("%s: %d", rows[i].name,
			    cli_option_arg(rows[i].name));
	assert_int_equal(run(f, NULL, A("-p7000", "--no-dh", "--max-do=5"),
	    &cf, &c, err, sizeof(err)), BT_OK);
	assert_true(cli_given(&c, "port"));
	assert_true(cli_given(&c, "dht"));
	assert_true(cli_given(&c, "no-dht"));
	assert_true(cli_given(&c, "max-down"));
	assert_false(cli_given(&c, "max-up"));
	assert_false(cli_given(&c, "utp"));
	assert_false(cli_given(&c, "nonsense"));
	config_cleanup(&cf);
}

static void
test_colors(void **state)
{
	struct colors_theme	t, d;
	short			v;
	int			i;

	(void)state;
	assert_int_equal(colors_parse("black", &v), BT_OK);
	assert_int_equal(v, COLOR_BLACK);
	assert_int_equal(colors_parse("WHITE", &v), BT_OK);
	assert_int_equal(v, COLOR_WHITE);
	assert_int_equal(colors_parse("bright-black", &v), BT_OK);
	assert_int_equal(v, 8);
	assert_int_equal(colors_parse("default", &v), BT_OK);
	assert_int_equal(v, -1);
	assert_int_equal(colors_parse("bright-", &v), BT_ERR_NOTFOUND);
	assert_int_equal(colors_parse("bright-default", &v), BT_ERR_NOTFOUND);
	assert_int_equal(colors_parse("", &v), BT_ERR_NOTFOUND);
	for (i = 0; i < CLR_COUNT; i++)
		assert_int_equal(colors_element(colors_element_name(i)), i);
	assert_null(colors_element_name(CLR_COUNT));
	assert_int_equal(colors_element("rate-up"), CLR_RATE_UP);
	assert_int_equal(colors_element("rate_up"), -1);
	colors_theme_init(&d);
	t = d;
	assert_int_equal(colors_theme_set(&t, "nope"), BT_ERR_NOTFOUND);
	assert_memory_equal(&t, &d, sizeof(t));
	assert_int_equal(colors_theme_set(&t, "default"), BT_OK);
	assert_memory_equal(&t, &d, sizeof(t));
	/* dark: every colour explicit, so the terminal's own cannot show */
	assert_int_equal(colors_theme_set(&t, "dark"), BT_OK);
	for (i = 0; i < CLR_COUNT; i++)
		assert_true(t.fg[i] >= 0 && t.bg[i] >= 0);
	/* light: no white and no yellow text on the terminal's background */
	assert_int_equal(colors_theme_set(&t, "light"), BT_OK);
	for (i = 0; i < CLR_COUNT; i++)
		if (t.bg[i] == -1)
			assert_true(t.fg[i] != COLOR_WHITE &&
			    t.fg[i] != COLOR_YELLOW);
}

/* peers.columns: parse, then the layout and the rows in that order. */
static void
test_peer_columns(void **state)
{
	static const struct {
		const char	*in, *err;	/* err NULL: valid */
		int		 n, first, last;
	} rows[] = {
		{ "address,client", NULL, 2, 1, 2 },
		{ " Client , # ,DOWN ", NULL, 3, 2, 5 },
		{ "#,address,client,flags,done,down,up,reqs,src", NULL, 9, 0,
		    8 },
		{ "address,Address", "column 'Address' is named twice", 0, 0,
		    0 },
		{ "", "a column name is missing (the list is NAME,NAME...)", 0,
		    0, 0 },
		{ "address,,client", "a column name is missing (the list is "
		    "NAME,NAME...)", 0, 0, 0 },
		{ "address,", "a column name is missing (the list is "
		    "NAME,NAME...)", 0, 0, 0 },
		{ "adress", "unknown column 'adress' (#, Address, Client, Flags, "
		    "Done, Down, Up, Reqs, Src)", 0, 0, 0 },
	};
	struct view_peer_cols	 pc;
	struct msg_peer		 p;
	char			 err[256], row[256];
	int			 w[VIEW_PEERS_NCOL], i;
	size_t			 k;

	(void)state;
	for (k = 0; k < N(rows); k++) {
		err[0] = '\0';
		i = view_peers_parse_cols(rows[k].in, &pc, err, sizeof(err));
		if (rows[k].err == NULL) {
			if (i != BT_OK || pc.n != rows[k].n || pc.col[0] !=
			    rows[k].first || pc.col[pc.n - 1] != rows[k].last)
				fail_msg("'%s': %d %s n %d", rows[k].in, i, err,
				    pc.n);
		} else if (i != BT_ERR_INVALID || pc.n != 0 ||
		    strcmp(err, rows[k].err) != 0)
			fail_msg("'%s': %d '%s'", rows[k].in, i, err);
	}
	/* Down, Client, Address: only those, in that order */
	assert_int_equal(view_peers_parse_cols("down,client,address", &pc,
	    err, sizeof(err)), BT_OK);
	memset(&p, 0, sizeof(p));
	p.id = 4;
	snprintf(p.addr, sizeof(p.addr), "10.0.0.1:6881");
	snprintf(p.client, sizeof(p.client), "aria2/1.36");
	p.down_bps = 1572864;
	view_peers_layout_cols(&p, 1, 120, VIEW_PCOL_UP, &pc, w);
	for (i = 0; i < VIEW_PEERS_NCOL; i++)
		if (i != VIEW_PEERS_COL(VIEW_PCOL_DOWN) &&
		    i != VIEW_PEERS_COL(VIEW_PCOL_CLIENT) &&
		    i != VIEW_PEERS_COL(VIEW_PCOL_ADDR))
			assert_int_equal(w[i], 0);
	assert_int_equal(w[VIEW_PEERS_COL(VIEW_PCOL_ADDR)], 13);
	assert_int_equal(w[VIEW_PEERS_COL(VIEW_PCOL_CLIENT)], 10);
	view_peers_format_row_cols(&p, &pc, w, row, sizeof(row));
	assert_string_equal(row, " 1.5 MiB/s aria2/1.36 10.0.0.1:6881");
	/* narrow: columns still go by rank (Down before Client before
	 * Address), the sort column stays */
	view_peers_layout_cols(&p, 1, 26, VIEW_PCOL_UP, &pc, w);
	assert_int_equal(w[VIEW_PEERS_COL(VIEW_PCOL_DOWN)], 0);
	assert_int_equal(w[VIEW_PEERS_COL(VIEW_PCOL_CLIENT)], 10);
	view_peers_layout_cols(&p, 1, 26, VIEW_PCOL_DOWN, &pc, w);
	assert_int_equal(w[VIEW_PEERS_COL(VIEW_PCOL_DOWN)], 10);
	assert_int_equal(w[VIEW_PEERS_COL(VIEW_PCOL_CLIENT)], 0);
	/* no order: the default, as view_peers_layout */
	pc.n = 0;
	view_peers_layout_cols(&p, 1, 120, VIEW_PCOL_UP, &pc, w);
	assert_int_equal(w[VIEW_PEERS_COL(VIEW_PCOL_SRC)], 8);
	view_peers_format_row_cols(&p, NULL, w, row, sizeof(row));
	assert_memory_equal(row, "4 10.0.0.1:6881 aria2/1.36", 26);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_limits_given, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_peers_and_implied, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_modes_without_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_screen_keys, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_cli_keys, setup, teardown),
		cmocka_unit_test(test_colors),
		cmocka_unit_test(test_peer_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
