/*
 * config: the settings file, $XDG_CONFIG_HOME/bttui/config (else
 * ~/.config/bttui/config), lines of "key = value" and "# comments".
 *
 * A key that is a long option of bttui (port, max-down, dht, bind...)
 * becomes "--key=value" (a flag: "--key" or "--no-key"), checked by
 * cli_parse as if typed, so every option the command line learns works
 * in the file with no table here.  The file's options are parsed before
 * the real argv, and an option the command line gives drops the file's
 * lines for it: the command line always wins, for --bind and --peer
 * (which add up) too.  The other keys are the screen's: theme, color.X,
 * peers.columns.
 *
 * A bad line is skipped with a message naming the file and the line; it
 * never stops bttui.  Nothing is printed here: the caller prints the
 * messages (config_message) and the screen shows them in its Log.
 */
#ifndef BT_CONFIG_H
#define BT_CONFIG_H

#include <stddef.h>

#include "tui/cli.h"
#include "tui/colors.h"
#include "tui/view.h"

#define CONFIG_MAX_BYTES	(64 * 1024)	/* a larger file is not read */
#define CONFIG_MAX_LINE		1024	/* bytes of one line */
#define CONFIG_MAX_ARGS		128	/* option lines kept */
#define CONFIG_MAX_COLORS	64	/* color.X lines kept */
#define CONFIG_MAX_MSGS		16	/* messages kept; the rest counted */
#define CONFIG_MSG_MAX		640	/* bytes of one message */
#define CONFIG_NAME_MAX		512	/* the file's name in messages */

struct config_arg {
	char		*arg;		/* "--key=value", owned */
	char		 key[32];	/* "key" */
	int		 line;
};

struct config_color {
	short		 element;	/* enum clr */
	short		 fg, bg;
	int		 has_bg;	/* 0: the theme's background */
};

/* Embedded by value by the caller; members are private: use config_*(). */
struct config {
	char			name[CONFIG_NAME_MAX];	/* for messages */
	struct config_arg	args[CONFIG_MAX_ARGS];
	size_t			nargs;
	char			theme[16];	/* "": the default */
	struct config_color	colors[CONFIG_MAX_COLORS];
	size_t			ncolors;
	struct view_peer_cols	peer_cols;	/* n 0: the default */
	char			msgs[CONFIG_MAX_MSGS][CONFIG_MSG_MAX];
	int			msg_line[CONFIG_MAX_MSGS];
	size_t			nmsgs, dropped;
	char			more[CONFIG_NAME_MAX + 48];	/* "N more
							 * messages" */
	char			**argv;		/* the merged command line */
};

/* An empty config: no options, the default theme and columns. */
void	config_init(struct config *cf);
/* Frees what cf owns; strings of a struct cli filled by
 * config_parse_cli die with it.  Safe on a config_init'ed one. */
void	config_cleanup(struct config *cf);

/* The default file's path into buf: $XDG_CONFIG_HOME/bttui/config when
 * XDG_CONFIG_HOME is an absolute path, else $HOME/.config/bttui/config.
 * BT_OK; BT_ERR_NOTFOUND without HOME; BT_ERR_RANGE when too long. */
int	config_default_path(char *buf, size_t len);

/*
 * Reads the lines of text[0..len) (name names it in messages: "NAME:12:
 * unknown key 'max-peer'") into cf.  Bad lines are skipped with a
 * message; the option lines are only checked for their key and form
 * here, their values by config_parse_cli.
 */
void	config_parse_text(struct config *cf, const char *name,
	    const char *text, size_t len);
/*
 * Reads the file path with config_parse_text.  An absent file is no
 * file (BT_OK, no message) unless required (the user named it with
 * --config): then BT_ERR_NOTFOUND with a message in errbuf.  A file over
 * CONFIG_MAX_BYTES or unreadable is a message and no settings (BT_OK).
 */
int	config_load(struct config *cf, const char *path, int required,
	    char *errbuf, size_t errlen);

/*
 * The whole command line: parses argv (left as it is) into *c, and for
 * the TUI and --headless, unless --no-config, reads the config file
 * (--config FILE or the default) and parses its options under argv's.
 * Each option line whose value cli_parse refuses is skipped with a
 * message ("NAME:7: --port: 70000 is not a port (1-65535)").
 * BT_OK; argv's own error (BT_ERR_INVALID) or a --config FILE that does
 * not exist, with one line in errbuf.  *c's strings point into argv and
 * cf: keep both until c is no longer used.
 */
int	config_parse_cli(struct config *cf, struct cli *c, int argc,
	    char **argv, char *errbuf, size_t errlen);

/* The messages about bad lines, oldest first; the count of those left
 * out (past CONFIG_MAX_MSGS) comes last as a message of its own. */
size_t	config_nmessages(const struct config *cf);
const char *config_message(const struct config *cf, size_t i);

/* The screen's colours: the theme named, then the color.X lines. */
void	config_theme(const struct config *cf, struct colors_theme *out);
/* The Peers view's columns (n 0: the default). */
const struct view_peer_cols *config_peer_cols(const struct config *cf);

#endif
