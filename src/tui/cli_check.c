/*
 * cli_check: after the option loop, whether what was given fits the mode:
 * --create wants -a and -o and no operand nor engine option, --info one
 * torrent and no engine option, --select-file a torrent to apply to; the
 * operands become the torrents to add.  Messages name the option at fault.
 */
#include "cli.h"

#include "ipc/err.h"
#include "cli_priv.h"

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
int
cli_check_mode(struct cli *c, const struct cli_seen *seen, int nargs,
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
