/*
 * fmt: the one way bttui writes sizes, rates and durations for people,
 * shared by the screen, the headless line printer and `bttui --info' so
 * that a number looks the same wherever it shows.
 *
 * Sizes are binary (1 KiB = 1024 B), at most four digits before the unit
 * so they fit fixed columns:
 *   0-1023 bytes        "0 B", "1023 B"
 *   under 99.95 units   one decimal, rounded half up: "1.0 KiB", "99.9 MiB"
 *   up to 1023.5 units  whole, rounded half up: "100 KiB", "1023 MiB"
 *   a value that would round to 1024 takes the next unit ("1.0 MiB" for
 *   1,048,575 bytes, never "1024 KiB" or "1024.0 KiB"); EiB is the last
 *   unit: UINT64_MAX is "16.0 EiB".
 * Durations are whole seconds, cut down, in two fields:
 *   "-" (negative: unknown), "42s", "5m12s", "3h05m", "2d03h", ">999d".
 *
 * Each writes a NUL-terminated string into buf[0..len) as snprintf does:
 * a short buffer gets the first len - 1 bytes ("1.5" of "1.5 KiB").  Each
 * returns buf, to be used as a printf argument, or a static "" when len is
 * 0 (nothing is written then).  No state, no allocation.
 */
#ifndef BT_FMT_H
#define BT_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Widest output in columns (all ASCII): "1023 KiB", "1023 KiB/s",
 * "999d23h".  A buffer of FMT_MAX bytes holds any of them. */
#define FMT_SIZE_COLS		8
#define FMT_RATE_COLS		10
#define FMT_DURATION_COLS	7
#define FMT_MAX			16

/* bytes as above: "0 B", "1.5 KiB", "441 MiB". */
const char	*fmt_size(char *buf, size_t len, uint64_t bytes);
/* A size per second: "0 B/s", "1.5 MiB/s". */
const char	*fmt_rate(char *buf, size_t len, uint64_t bps);
/* s seconds as above; an ETA, an uptime, a tracker's next announce. */
const char	*fmt_duration(char *buf, size_t len, int64_t s);
/* A rate limit: as fmt_rate, or "none" for 0 (unlimited). */
const char	*fmt_limit(char *buf, size_t len, uint64_t bps);
/* s in at most max bytes (and len - 1): whole, or cut between two UTF-8
 * characters and ended with "\xe2\x80\xa6" (an ellipsis, 3 bytes); a
 * max under 4 gives what fits without one.  For a name in a log line. */
const char	*fmt_cut(char *buf, size_t len, const char *s, size_t max);

#endif
