/*
 * lineprinter: the text of `bttui --headless'.  Pure functions that turn
 * the engine's payloads into one line each, for stdout (progress) and
 * stderr (log lines):
 *
 *     42.1%  441 MiB / 1.0 GiB  down 120 MiB/s  up 0 B/s  peers 2/5  ETA 5s
 *   bttui: warning: tracker udp://t.example:6969: timed out
 *
 * No state, no I/O, no curses: table-tested in tests/test_lineprinter.c.
 */
#ifndef BT_LINEPRINTER_H
#define BT_LINEPRINTER_H

#include <stddef.h>
#include <stdint.h>

struct msg_log;
struct msg_status;
struct msg_torrent_row;

/* A buffer this big always holds lp_status_line's line, every field at
 * its widest (102 bytes and the NUL). */
#define LP_STATUS_MAX	160
/* Longest lp_log_line: prefix, and every text byte escaped as \xNN. */
#define LP_LOG_MAX	(32 + 4 * 256)

/*
 * Each writes a NUL-terminated line (no newline) into buf[0..len) and
 * returns BT_OK, or BT_ERR_LIMIT when it did not fit (buf then holds the
 * truncated line; len 0 writes nothing).
 */

/* "  42.1%  441 MiB / 1.0 GiB  down 120 MiB/s  up 0 B/s  peers 2/5  ETA
 * 5s": percent of verified bytes rounded down to 0.1 (100.0 only when all
 * is there; an empty torrent is 100.0), right-aligned in 6 columns; sizes,
 * rates and the ETA (eta_s, "-" when unknown) as src/ipc/fmt.h writes
 * them; peers connected/known. */
int	lp_status_line(const struct msg_status *st, char *buf, size_t len);
/* A torrent of the list as lp_status_line writes a status, then, with
 * with_name, two blanks and its name (control bytes as \xNN).  A magnet
 * link's torrent before its metadata (state METADATA) has no sizes: its
 * line is "fetching metadata (3 of 12 pieces, 2 peers)", or "(size not
 * known yet, 2 peers)" before a peer told it.  A buffer of LP_STATUS_MAX
 * + LP_LOG_MAX holds it. */
int	lp_row_line(const struct msg_torrent_row *r, int with_name, char *buf,
	    size_t len);
/* "bttui: TEXT", "bttui: warning: TEXT", "bttui: error: TEXT"; control
 * bytes of TEXT (it may quote a tracker or a peer) become \xNN. */
int	lp_log_line(const struct msg_log *lg, char *buf, size_t len);

/* How text from outside (a torrent, a tracker, a peer) is shown on a
 * terminal: returns the bytes of the next unit of s[0..left) (0 when left
 * is 0), and *escape_out says whether each of them is to be written as
 * \xNN.  Escaped: C0 controls and DEL, C1 controls (U+0080..U+009F, in
 * UTF-8 C2 80..C2 9F: some terminals take U+009B as CSI) and the bytes
 * 0x80..0x9F outside a UTF-8 sequence (C1 itself on an 8-bit terminal).
 * Everything else, other UTF-8 included, is written as is. */
size_t	lp_unit(const char *s, size_t left, int *escape_out);

#endif
