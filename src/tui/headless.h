/*
 * headless: the front without a screen (`bttui --headless`).  The same two
 * processes and the same watchdog as the TUI, with a line printer in place
 * of ncurses: one progress line a second on stdout, the engine's and the
 * watchdog's messages on stderr, the engine's pid at start and at every
 * restart.  Like the TUI, the caller creates the supervisor with this
 * front's callbacks:
 *
 *	h = headless_new();
 *	headless_sup_callbacks(h, &cb);
 *	sup = sup_new(engine_entry, arg, timeout_ms, &cb);
 *	rc = headless_run(h, sup);
 *	sup_free(sup);
 *	headless_free(h);
 */
#ifndef BT_HEADLESS_H
#define BT_HEADLESS_H

#include <stddef.h>
#include <stdint.h>

struct headless;
struct msg_torrent_row;
struct oncomplete;
struct sup_cb;
struct supervisor;

/* How long, at the end, the front waits for --on-complete's commands. */
#define HEADLESS_ONCOMPLETE_WAIT_MS	60000

/* After an engine error, the wait before the front asks it to resume. */
#define HEADLESS_RETRY_FIRST_MS	10000
#define HEADLESS_RETRY_MAX_MS	300000

struct headless	*headless_new(void);
void		 headless_free(struct headless *h);
void		 headless_sup_callbacks(struct headless *h, struct sup_cb *out);
/* oc (borrowed; NULL: none) runs --on-complete for each torrent that
 * "Download complete" is said of; its lines go to stderr.  When the
 * engine is done, headless_run waits up to HEADLESS_ONCOMPLETE_WAIT_MS
 * for the commands, so that a script finds their work done (after
 * SIGINT it does not wait).  Call before headless_run. */
void		 headless_set_on_complete(struct headless *h,
		    struct oncomplete *oc);
/*
 * Starts the engine and prints until it is done: exit status 0 when the
 * download completed (or seeding ended), 1 for bad input, 2 when the
 * engine failed for good (the watchdog gave up) or SIGINT/SIGTERM came
 * while it was in its error state, 130 after SIGINT/SIGTERM before
 * completion.  An engine error (a full disk) is retried after 10 s,
 * doubling to 5 min while retries gain nothing, until SIGINT.  SIGINT
 * stops the engine cleanly (it saves its resume record and tells the
 * trackers).
 */
int		 headless_run(struct headless *h, struct supervisor *sup);
/* The wait before the next automatic retry, given the last one (0: none
 * yet) and whether a piece was gained since the last error: the first
 * wait, or twice the last up to HEADLESS_RETRY_MAX_MS. */
uint64_t	 headless_retry_wait_ms(uint64_t prev_ms, int progressed);
/* The line printed each second for a torrent of the list: lp_row_line's
 * (with its name when with_name), for one downloading, checking, seeding
 * or fetching its metadata ("fetching metadata (3 of 12 pieces, 2
 * peers)"); BT_ERR_NOTFOUND and "" for the others (paused, queued, in
 * error, done).  lp_row_line's BT_ERR_LIMIT when buf is too small. */
int		 headless_row_line(const struct msg_torrent_row *r,
		    int with_name, char *buf, size_t len);
/* Notes a row of a whole list: 1 when "Download complete" is to be said
 * for it now, once per torrent (by info-hash, across engines), and only
 * for a download that completed in this run: the row says this engine
 * completed it (MSG_ROW_COMPLETED), or a row of it was seen with bytes
 * to get.  A seeder complete at start never gets it. */
int		 headless_note_row(struct headless *h,
		    const struct msg_torrent_row *r);

#endif
