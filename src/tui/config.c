/*
 * The config file: read (bounded: CONFIG_MAX_BYTES, CONFIG_MAX_LINE),
 * split into lines, each line turned into a command-line option or a
 * setting of the screen.  Option values are checked by cli_parse itself,
 * one line at a time and then all together under argv, so the file
 * accepts what the command line accepts, with the same messages.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/err.h"

/* Options that are no setting: modes, --create's options, the file's own
 * options, and --select-file (it needs the torrents named with it). */
static const char *const refused[] = {
	"help", "version", "info", "create", "headless", "output", "announce",
	"comment", "piece-size", "private", "config", "no-config",
	"select-file",
};

void
config_init(struct config *cf)
{
	memset(cf, 0, sizeof(*cf));
}

void
config_cleanup(struct config *cf)
{
	size_t	i;

	for (i = 0; i < cf->nargs; i++)
		free(cf->args[i].arg);
	free(cf->argv);
	config_init(cf);
}

/* One message about line (0: the whole file), kept for the caller. */
static void __attribute__((format(printf, 3, 4)))
say(struct config *cf, int line, const char *fmt, ...)
{
	char	text[CONFIG_MSG_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (cf->nmsgs == CONFIG_MAX_MSGS) {
		cf->dropped++;
		bt_errf(cf->more, sizeof(cf->more), "%s: %zu more message%s "
		    "left out", cf->name, cf->dropped, cf->dropped == 1 ? "" :
		    "s");
		return;
	}
	cf->msg_line[cf->nmsgs] = line;
	if (line > 0)
		bt_errf(cf->msgs[cf->nmsgs++], CONFIG_MSG_MAX, "%s:%d: %s",
		    cf->name, line, text);
	else
		bt_errf(cf->msgs[cf->nmsgs++], CONFIG_MSG_MAX, "%s: %s",
		    cf->name, text);
}

/* Values are checked after the lines: put the messages in line order
 * (stable: the file's own messages, line 0, stay first). */
static void
sort_messages(struct config *cf)
{
	char	tmp[CONFIG_MSG_MAX];
	size_t	i, j;
	int	line;

	for (i = 1; i < cf->nmsgs; i++)
		for (j = i; j > 0 && cf->msg_line[j - 1] > cf->msg_line[j];
		    j--) {
			line = cf->msg_line[j];
			cf->msg_line[j] = cf->msg_line[j - 1];
			cf->msg_line[j - 1] = line;
			memcpy(tmp, cf->msgs[j], sizeof(tmp));
			memcpy(cf->msgs[j], cf->msgs[j - 1], sizeof(tmp));
			memcpy(cf->msgs[j - 1], tmp, sizeof(tmp));
		}
}

size_t
config_nmessages(const struct config *cf)
{
	return cf->nmsgs + (cf->dropped > 0);
}

const char *
config_message(const struct config *cf, size_t i)
{
	if (i < cf->nmsgs)
		return cf->msgs[i];
	return i == cf->nmsgs && cf->dropped > 0 ? cf->more : "";
}

int
config_default_path(char *buf, size_t len)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME"), *home;
	int		 n;

	/* XDG Base Directory: a relative path is to be ignored */
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, len, "%s/bttui/config", xdg);
	else if ((home = getenv("HOME")) != NULL && home[0] != '\0')
		n = snprintf(buf, len, "%s/.config/bttui/config", home);
	else
		return BT_ERR_NOTFOUND;
	return n < 0 || (size_t)n >= len ? BT_ERR_RANGE : BT_OK;
}

static int
is_refused(const char *key)
{
	size_t	i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (strcmp(key, refused[i]) == 0)
			return 1;
	return 0;
}

/* yes/no in the forms people write; -1 for anything else. */
static int
parse_bool(const char *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t			 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* "dht" and "no-dht" are one setting. */
static int
same_setting(const char *a, const char *b)
{
	if (strcmp(a, b) == 0)
		return 1;
	if (strncmp(a, "no-", 3) == 0 && strcmp(a + 3, b) == 0)
		return 1;
	return strncmp(b, "no-", 3) == 0 && strcmp(b + 3, a) == 0;
}

/* A flag set to no that has no --no- form: earlier lines that set it
 * are undone, as the file's last word on it. */
static void
forget(struct config *cf, const char *key)
{
	size_t	i, k = 0;

	for (i = 0; i < cf->nargs; i++) {
		if (same_setting(cf->args[i].key, key)) {
			free(cf->args[i].arg);
			continue;
		}
		cf->args[k++] = cf->args[i];
	}
	cf->nargs = k;
}

static void
keep_arg(struct config *cf, int line, const char *key, const char *arg)
{
	struct config_arg	*a;

	if (cf->nargs == CONFIG_MAX_ARGS) {
		say(cf, line, "too many settings (at most %d): skipped",
		    CONFIG_MAX_ARGS);
		return;
	}
	a = &cf->args[cf->nargs];
	if ((a->arg = strdup(arg)) == NULL) {
		say(cf, line, "out of memory: skipped");
		return;
	}
	snprintf(a->key, sizeof(a->key), "%s", key);
	a->line = line;
	cf->nargs++;
}

/* A flag: "seed = yes" is --seed, "dht = no" is --no-dht. */
static void
flag_line(struct config *cf, int line, const char *key, const char *value)
{
	char	arg[sizeof(cf->args[0].key) + 8];
	int	b;

	if ((b = parse_bool(value)) < 0) {
		say(cf, line, "%s: '%s' is not yes or no", key, value);
		return;
	}
	if (b)
		snprintf(arg, sizeof(arg), "--%s", key);
	else if (strncmp(key, "no-", 3) == 0 && cli_option_arg(key + 3) == 0)
		snprintf(arg, sizeof(arg), "--%s", key + 3);
	else {
		snprintf(arg, sizeof(arg), "--no-%s", key);
		if (cli_option_arg(arg + 2) != 0) {
			forget(cf, key);	/* no --no-seed: the default */
			return;
		}
	}
	keep_arg(cf, line, key, arg);
}

/* key = value for a long option. */
static void
option_line(struct config *cf, int line, const char *key, const char *value)
{
	char		 arg[CONFIG_MAX_LINE + 4096];
	const char	*home = getenv("HOME");
	int		 kind;

	kind = strlen(key) < sizeof(cf->args[0].key) ? cli_option_arg(key) :
	    -1;
	if (kind < 0) {
		say(cf, line, "unknown key '%s' (the keys are listed in "
		    "bttui(1), CONFIGURATION)", key);
		return;
	}
	if (is_refused(key)) {
		say(cf, line, "'%s' is for the command line only, not a "
		    "setting", key);
		return;
	}
	if (kind == 0) {
		flag_line(cf, line, key, value);
		return;
	}
	/* "~/" as a shell would expand it: dir = ~/Downloads */
	if (strncmp(value, "~/", 2) == 0 && home != NULL && home[0] == '/')
		snprintf(arg, sizeof(arg), "--%s=%s%s", key, home, value + 1);
	else
		snprintf(arg, sizeof(arg), "--%s=%s", key, value);
	keep_arg(cf, line, key, arg);
}

/* color.ELEMENT = FG[,BG] */
static void
color_line(struct config *cf, int line, const char *elem, const char *value)
{
	struct config_color	 c;
	char			 fg[32], names[CLR_COUNT * 16];
	size_t			 at = 0;
	const char		*comma = strchr(value, ',');
	size_t			 n = comma != NULL ? (size_t)(comma - value) :
				    strlen(value);
	int			 e;

	if ((e = colors_element(elem)) < 0) {
		names[0] = '\0';
		for (e = 0; e < CLR_COUNT && at < sizeof(names); e++)
			at += (size_t)snprintf(names + at, sizeof(names) - at,
			    "%s%s", e > 0 ? ", " : "", colors_element_name(e));
		say(cf, line, "unknown colour element '%s' (%s)", elem, names);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.element = (short)e;
	while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
		n--;
	snprintf(fg, sizeof(fg), "%.*s", (int)(n < sizeof(fg) ? n : 0),
	    value);
	if (colors_parse(fg, &c.fg) != BT_OK || (comma != NULL &&
	    colors_parse(comma + 1 + strspn(comma + 1, " \t"), &c.bg) !=
	    BT_OK)) {
		say(cf, line, "color.%s: '%s' is not FG or FG,BG (black, red, "
		    "green, yellow, blue, magenta, cyan, white, bright-NAME, "
		    "default)", elem, value);
		return;
	}
	c.has_bg = comma != NULL;
	if (cf->ncolors == CONFIG_MAX_COLORS) {
		say(cf, line, "too many colours (at most %d): skipped",
		    CONFIG_MAX_COLORS);
		return;
	}
	cf->colors[cf->ncolors++] = c;
}

/* The keys of the screen; 0 when key is none of them. */
static int
screen_line(struct config *cf, int line, const char *key, const char *value)
{
	struct colors_theme	t;
	struct view_peer_cols	pc;
	char			err[256];

	if (strcmp(key, "theme") == 0) {
		if (colors_theme_set(&t, value) != BT_OK ||
		    strlen(value) >= sizeof(cf->theme))
			say(cf, line, "theme: '%s' is not one of %s", value,
			    COLORS_THEMES);
		else
			snprintf(cf->theme, sizeof(cf->theme), "%s", value);
		return 1;
	}
	if (strncmp(key, "color.", 6) == 0 || strncmp(key, "colour.", 7) ==
	    0) {
		color_line(cf, line, strchr(key, '.') + 1, value);
		return 1;
	}
	if (strcmp(key, "peers.columns") == 0) {
		if (view_peers_parse_cols(value, &pc, err, sizeof(err)) !=
		    BT_OK)
			say(cf, line, "peers.columns: %s", err);
		else
			cf->peer_cols = pc;
		return 1;
	}
	return 0;
}

/* Blanks off both ends of s, in place. */
static char *
trim(char *s)
{
	size_t	n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

static void
parse_line(struct config *cf, int line, char *s)
{
	char	*eq, *key, *value;

	s = trim(s);
	if (s[0] == '\0' || s[0] == '#')
		return;
	if ((eq = strchr(s, '=')) == NULL) {
		say(cf, line, "'%s' is not KEY = VALUE", s);
		return;
	}
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (key[0] == '\0') {
		say(cf, line, "the key before '=' is missing");
		return;
	}
	if (!screen_line(cf, line, key, value))
		option_line(cf, line, key, value);
}

void
config_parse_text(struct config *cf, const char *name, const char *text,
    size_t len)
{
	char		 buf[CONFIG_MAX_LINE + 1];
	const char	*nl;
	size_t		 at = 0, n;
	int		 line = 0;

	snprintf(cf->name, sizeof(cf->name), "%s", name);
	while (at < len) {
		line++;
		nl = memchr(text + at, '\n', len - at);
		n = nl != NULL ? (size_t)(nl - (text + at)) : len - at;
		if (n > 0 && text[at + n - 1] == '\r')
			n--;	/* a file written on Windows */
		if (n > CONFIG_MAX_LINE)
			say(cf, line, "line too long (over %d bytes): skipped",
			    CONFIG_MAX_LINE);
		else if (memchr(text + at, '\0', n) != NULL)
			say(cf, line, "a NUL byte (not a text file?): "
			    "skipped");
		else {
			memcpy(buf, text + at, n);
			buf[n] = '\0';
			parse_line(cf, line, buf);
		}
		at = nl != NULL ? (size_t)(nl - text) + 1 : len;
	}
}

/* Up to CONFIG_MAX_BYTES + 1 bytes of fd into buf. */
static ssize_t
read_all(int fd, char *buf)
{
	size_t	got = 0;
	ssize_t	n;

	while (got <= CONFIG_MAX_BYTES) {
		n = read(fd, buf + got, CONFIG_MAX_BYTES + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int
config_load(struct config *cf, const char *path, int required, char *errbuf,
    size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL;
	ssize_t		 n;
	int		 fd;

	snprintf(cf->name, sizeof(cf->name), "%s", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		if (required) {
			bt_errf(errbuf, errlen, "cannot read the config file "
			    "%s: %s (or give --no-config)", path,
			    strerror(errno));
			return BT_ERR_NOTFOUND;
		}
		if (errno != ENOENT)
			say(cf, 0, "cannot read it: %s; no settings from it",
			    strerror(errno));
		return BT_OK;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		say(cf, 0, "not a regular file; no settings from it");
	else if (st.st_size > CONFIG_MAX_BYTES)
		say(cf, 0, "larger than %d KiB; no settings from it",
		    CONFIG_MAX_BYTES / 1024);
	else if ((buf = malloc(CONFIG_MAX_BYTES + 1)) == NULL)
		say(cf, 0, "out of memory; no settings from it");
	else if ((n = read_all(fd, buf)) < 0)
		say(cf, 0, "cannot read it: %s; no settings from it",
		    strerror(errno));
	else if (n > CONFIG_MAX_BYTES)	/* it grew since fstat */
		say(cf, 0, "larger than %d KiB; no settings from it",
		    CONFIG_MAX_BYTES / 1024);
	else
		config_parse_text(cf, path, buf, (size_t)n);
	free(buf);
	close(fd);
	return BT_OK;
}

/* cli_parse on a copy of v[0..n): getopt permutes what it parses. */
static int
parse_copy(struct cli *c, char **v, int n, char **scratch, char *errbuf,
    size_t errlen)
{
	memcpy(scratch, v, (size_t)n * sizeof(*v));
	scratch[n] = NULL;
	return cli_parse(c, n, scratch, errbuf, errlen);
}

/*
 * c holds argv's own parse.  The file's options that argv does not give
 * go first, each kept only if cli_parse takes it after those before it;
 * then argv, whose options come later and so win.
 */
static int
merge(struct config *cf, struct cli *c, int argc, char **argv,
    char *errbuf, size_t errlen)
{
	char	**scratch, err[512];
	int	  drop[CONFIG_MAX_ARGS], k = 1, i;

	if (cf->nargs == 0)
		return BT_OK;	/* c is argv's, as it should be */
	for (i = 0; i < (int)cf->nargs; i++)
		drop[i] = cli_given(c, cf->args[i].key);
	cf->argv = calloc((size_t)argc + cf->nargs + 1, sizeof(char *));
	scratch = calloc((size_t)argc + cf->nargs + 1, sizeof(char *));
	if (cf->argv == NULL || scratch == NULL) {
		free(scratch);
		say(cf, 0, "out of memory; no settings from it");
		return BT_OK;	/* c is argv's alone */
	}
	cf->argv[0] = argv[0];
	for (i = 0; i < (int)cf->nargs; i++) {
		/* a bad line is reported even when argv overrides it */
		cf->argv[k] = cf->args[i].arg;
		if (parse_copy(c, cf->argv, k + 1, scratch, err,
		    sizeof(err)) != BT_OK)
			say(cf, cf->args[i].line, "%s", err);
		else if (!drop[i])
			k++;
	}
	for (i = 1; i < argc; i++)
		cf->argv[k++] = argv[i];
	if (parse_copy(c, cf->argv, k, scratch, err, sizeof(err)) != BT_OK) {
		/* cannot happen with the checks above; argv still works */
		say(cf, 0, "settings not used: %s", err);
		(void)parse_copy(c, argv, argc, scratch, errbuf, errlen);
	}
	free(scratch);
	return BT_OK;
}

int
config_parse_cli(struct config *cf, struct cli *c, int argc, char **argv,
    char *errbuf, size_t errlen)
{
	char	**copy, path[CONFIG_NAME_MAX];
	int	  r;

	if (argc < 1 || argv == NULL)
		return cli_parse(c, argc, argv, errbuf, errlen);
	if ((copy = calloc((size_t)argc + 1, sizeof(char *))) == NULL) {
		bt_errf(errbuf, errlen, "out of memory");
		return BT_ERR_NOMEM;
	}
	r = parse_copy(c, argv, argc, copy, errbuf, errlen);
	free(copy);
	if (r != BT_OK || c->no_config || (c->mode != CLI_TUI && c->mode !=
	    CLI_HEADLESS))
		return r;
	if (c->config != NULL)
		snprintf(path, sizeof(path), "%s", c->config);
	else if (config_default_path(path, sizeof(path)) != BT_OK)
		return BT_OK;	/* no HOME: no file */
	if ((r = config_load(cf, path, c->config != NULL, errbuf, errlen)) !=
	    BT_OK)
		return r;
	r = merge(cf, c, argc, argv, errbuf, errlen);
	sort_messages(cf);
	return r;
}

void
config_theme(const struct config *cf, struct colors_theme *out)
{
	size_t	i;

	colors_theme_init(out);
	if (cf->theme[0] != '\0')
		(void)colors_theme_set(out, cf->theme);
	for (i = 0; i < cf->ncolors; i++) {
		out->fg[cf->colors[i].element] = cf->colors[i].fg;
		if (cf->colors[i].has_bg)
			out->bg[cf->colors[i].element] = cf->colors[i].bg;
	}
}

const struct view_peer_cols *
config_peer_cols(const struct config *cf)
{
	return &cf->peer_cols;
}
