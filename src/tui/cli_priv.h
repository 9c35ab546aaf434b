/*
 * cli_priv.h: what cli's own files share: cli.c (the option table, what
 * each option sets, the getopt loop), cli_value.c (one argument checked
 * and converted) and cli_check.c (the checks after the loop).  The public
 * contract is cli.h; nothing else includes this.
 */
#ifndef BT_CLI_PRIV_H
#define BT_CLI_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "tui/cli.h"

/* What the parse has seen, for the checks made after the loop. */
struct cli_seen {
	const char	*mode_opt;	/* "--info", "--create", "--headless" */
	const char	*create_opt;	/* first option only --create uses */
	const char	*engine_opt;	/* first option only the engine uses */
};

/* Each returns BT_OK, or BT_ERR_INVALID with one line in errbuf that
 * names the option; *out is written on success (0 / NULL otherwise). */

/* A number in [min, max]; `bad' says what a number out of range is
 * ("is out of range (seconds)"). */
int	cli_parse_u32(const char *opt, const char *s, uint32_t min,
	    uint32_t max, const char *bad, uint32_t *out, char *errbuf,
	    size_t errlen);
/* --seed-ratio: a non-negative decimal up to 10000. */
int	cli_parse_ratio(const char *s, double *out, char *errbuf,
	    size_t errlen);
/* --encryption prefer|require|allow|off into enum engine_encryption. */
int	cli_parse_encryption(const char *arg, int *out, char *errbuf,
	    size_t errlen);
/* --dht-bootstrap HOST:PORT[,HOST:PORT...] ("": none); *out is arg. */
int	cli_check_bootstrap(const char *arg, char *errbuf, size_t errlen,
	    const char **out);

/* After the loop: operands and options that do not fit c->mode; sets
 * c->torrents from the nargs operands args. */
int	cli_check_mode(struct cli *c, const struct cli_seen *seen, int nargs,
	    char **args, char *errbuf, size_t errlen);

#endif /* BT_CLI_PRIV_H */
