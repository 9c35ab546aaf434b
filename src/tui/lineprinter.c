/*
 * lineprinter: formatting only.  Every function writes through snprintf
 * into the caller's buffer and reports truncation; nothing here reads the
 * clock or keeps state.
 */
#include "lineprinter.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/fmt.h"
#include "ipc/msg.h"

static int __attribute__((format(printf, 3, 4)))
put(char *buf, size_t len, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (len == 0)
		return BT_ERR_LIMIT;
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		buf[0] = '\0';
		return BT_ERR_FORMAT;
	}
	return (size_t)n < len ? BT_OK : BT_ERR_LIMIT;
}

/* Tenths of a percent, rounded down so 99.99% never shows as 100.0. */
static unsigned
tenths(uint64_t done, uint64_t total)
{
	if (total == 0 || done >= total)
		return 1000;
	return (unsigned)((unsigned __int128)done * 1000 / total);
}

int
lp_status_line(const struct msg_status *st, char *buf, size_t len)
{
	char		pct[16], have[FMT_MAX], all[FMT_MAX], down[FMT_MAX];
	char		up[FMT_MAX], eta[FMT_MAX];
	unsigned	t = tenths(st->done_bytes, st->total_bytes);

	snprintf(pct, sizeof(pct), "%u.%u", t / 10, t % 10);
	return put(buf, len,
	    "%6s%%  %s / %s  down %s  up %s  peers %" PRIu32 "/%" PRIu32
	    "  ETA %s", pct, fmt_size(have, sizeof(have), st->done_bytes),
	    fmt_size(all, sizeof(all), st->total_bytes),
	    fmt_rate(down, sizeof(down), st->down_bps),
	    fmt_rate(up, sizeof(up), st->up_bps), st->peers_connected,
	    st->peers_known, fmt_duration(eta, sizeof(eta), st->eta_s));
}

static int	put_escaped(char *, size_t, const char *, size_t);

/* BEP 9 pieces of the metadata, for a magnet link's torrent. */
static int
metadata_line(const struct msg_torrent_row *r, char *buf, size_t len)
{
	char	of[64];

	if (r->meta_pieces == 0)
		snprintf(of, sizeof(of), "size not known yet");
	else
		snprintf(of, sizeof(of), "%" PRIu32 " of %" PRIu32 " piece%s",
		    r->meta_have, r->meta_pieces, r->meta_pieces == 1 ? "" :
		    "s");
	return put(buf, len, "fetching metadata (%s, %" PRIu32 " peer%s)", of,
	    r->peers_connected, r->peers_connected == 1 ? "" : "s");
}

/* A row's progress as lp_status_line writes a status. */
static int
row_status(const struct msg_torrent_row *r, char *buf, size_t len)
{
	struct msg_status	st;

	memset(&st, 0, sizeof(st));
	st.done_bytes = r->done_bytes;
	st.total_bytes = r->total_bytes;
	st.down_bps = r->down_bps;
	st.up_bps = r->up_bps;
	st.peers_connected = r->peers_connected;
	st.peers_known = r->peers_known;
	st.eta_s = r->eta_s;
	return lp_status_line(&st, buf, len);
}

int
lp_row_line(const struct msg_torrent_row *r, int with_name, char *buf,
    size_t len)
{
	size_t	at;
	int	rc;

	if (r->state == MSG_STATE_METADATA)
		rc = metadata_line(r, buf, len);
	else
		rc = row_status(r, buf, len);
	if (rc != BT_OK || !with_name)
		return rc;
	at = strlen(buf);
	if (len - at < 3)
		return BT_ERR_LIMIT;
	memcpy(buf + at, "  ", 3);
	return put_escaped(buf + at + 2, len - at - 2, r->name,
	    sizeof(r->name));
}

size_t
lp_unit(const char *s, size_t left, int *escape_out)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, i;

	*escape_out = 0;
	if (left == 0)
		return 0;
	if (p[0] < 0x20 || p[0] == 0x7f) {
		*escape_out = 1;
		return 1;
	}
	if (p[0] < 0x80)
		return 1;
	/* RFC 3629 lead bytes; overlong forms need not be told apart here */
	n = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ?
	    3 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
	if (n == 0 || n > left) {
		*escape_out = p[0] <= 0x9f;
		return 1;
	}
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 1;	/* a lead byte alone: not C1 */
	*escape_out = n == 2 && p[0] == 0xc2 && p[1] <= 0x9f;
	return n;
}

/* Copies text[0..max) up to its NUL, escaped as lp_unit says;
 * BT_ERR_LIMIT when cut short (an escape that does not fit whole is left
 * out whole). */
static int
put_escaped(char *buf, size_t len, const char *text, size_t max)
{
	size_t		at = 0, i = 0, k, j, n;
	int		esc;

	while (i < max && text[i] != '\0') {
		k = lp_unit(text + i, strnlen(text + i, max - i), &esc);
		n = esc ? 4 * k : k;
		if (len - at <= n) {
			buf[at] = '\0';
			return BT_ERR_LIMIT;
		}
		for (j = 0; j < k; j++) {
			if (esc)
				snprintf(buf + at + 4 * j, len - at - 4 * j,
				    "\\x%02x", (unsigned char)text[i + j]);
			else
				buf[at + j] = text[i + j];
		}
		at += n;
		i += k;
	}
	buf[at] = '\0';
	return BT_OK;
}

int
lp_log_line(const struct msg_log *lg, char *buf, size_t len)
{
	const char	*level = "";
	int		 r;

	if (lg->level == MSG_LOG_WARN)
		level = "warning: ";
	else if (lg->level == MSG_LOG_ERROR)
		level = "error: ";
	if ((r = put(buf, len, "bttui: %s", level)) != BT_OK)
		return r;
	return put_escaped(buf + strlen(buf), len - strlen(buf), lg->text,
	    sizeof(lg->text));
}
