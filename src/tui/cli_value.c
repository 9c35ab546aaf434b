/*
 * cli_value: one option's argument checked and converted, strictly:
 * numbers are digits only, the whole argument, range checked (strtoull
 * alone would take " 5", "-5" and "5x"); sizes, ratios, HOST:PORT peers,
 * --bind addresses, --dht-bootstrap lists, --select-file lists.  Each
 * failure is one line in errbuf; nothing else is written.
 */
#include "cli.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "engine/engine.h"
#include "cli_priv.h"

#define CLI_MAX_SEED_RATIO	10000.0

/* --encryption prefer|require|allow|off */
int
cli_parse_encryption(const char *arg, int *out, char *errbuf, size_t errlen)
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
int
cli_check_bootstrap(const char *arg, char *errbuf, size_t errlen,
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

int
cli_parse_u32(const char *opt, const char *s, uint32_t min, uint32_t max,
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

int
cli_parse_ratio(const char *s, double *out, char *errbuf, size_t errlen)
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
