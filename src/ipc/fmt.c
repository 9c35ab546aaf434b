/*
 * Sizes, rates and durations for people; the rules are in fmt.h.  Sizes
 * round in integers: with doubles, a value a hair under a threshold
 * (99.95, 1023.5) could pick one branch and print as the other.
 */
#include "ipc/fmt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define KIB	1024u

/* n / d rounded half up; n is at most 10 * UINT64_MAX, so no overflow. */
static uint64_t
div_round(unsigned __int128 n, unsigned __int128 d)
{
	return (uint64_t)((n + d / 2) / d);
}

const char *
fmt_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const	units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned __int128		unit = KIB;
	uint64_t			tenths, whole;
	size_t				u;

	if (len == 0)
		return "";
	if (bytes < KIB) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	for (u = 0;; u++, unit *= KIB) {
		tenths = div_round((unsigned __int128)bytes * 10, unit);
		if (tenths < 1000) {
			snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " %s",
			    tenths / 10, tenths % 10, units[u]);
			return buf;
		}
		whole = div_round(bytes, unit);
		/* UINT64_MAX is 16 EiB: the last unit always ends the loop. */
		if (whole < KIB || u + 1 == sizeof(units) / sizeof(units[0])) {
			snprintf(buf, len, "%" PRIu64 " %s", whole, units[u]);
			return buf;
		}
	}
}

const char *
fmt_rate(char *buf, size_t len, uint64_t bps)
{
	char	s[FMT_MAX];

	if (len == 0)
		return "";
	snprintf(buf, len, "%s/s", fmt_size(s, sizeof(s), bps));
	return buf;
}

const char *
fmt_duration(char *buf, size_t len, int64_t s)
{
	if (len == 0)
		return "";
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%" PRId64 "s", s);
	else if (s < 3600)
		snprintf(buf, len, "%" PRId64 "m%02" PRId64 "s", s / 60,
		    s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRId64 "h%02" PRId64 "m", s / 3600,
		    s % 3600 / 60);
	else if (s < 1000 * 86400LL)
		snprintf(buf, len, "%" PRId64 "d%02" PRId64 "h", s / 86400,
		    s % 86400 / 3600);
	else
		snprintf(buf, len, ">999d");
	return buf;
}

const char *
fmt_limit(char *buf, size_t len, uint64_t bps)
{
	if (bps != 0)
		return fmt_rate(buf, len, bps);
	snprintf(buf, len, "none");
	return buf;
}

const char *
fmt_cut(char *buf, size_t len, const char *s, size_t max)
{
	static const char	ellipsis[] = "\xe2\x80\xa6";
	size_t			n = strlen(s), keep;
	int			cut;

	if (len == 0)
		return buf;
	if (max > len - 1)
		max = len - 1;
	cut = n > max;
	keep = !cut ? n : max >= sizeof(ellipsis) ?
	    max - (sizeof(ellipsis) - 1) : max;
	while (cut && keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;		/* not inside a UTF-8 character */
	memcpy(buf, s, keep);
	if (cut && max >= sizeof(ellipsis)) {
		memcpy(buf + keep, ellipsis, sizeof(ellipsis) - 1);
		keep += sizeof(ellipsis) - 1;
	}
	buf[keep] = '\0';
	return buf;
}
