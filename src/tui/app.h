/*
 * app: the front's screen.  struct tui owns the terminal (ncursesw), the
 * model, the view state and the self-pipe its signal handlers write to;
 * it borrows the supervisor.  One select() loop over the keyboard, the
 * self-pipe and the supervisor's descriptors; it never blocks on the
 * engine, and redraws at most 10 times a second, only after a change.
 *
 * The supervisor needs the tui's callbacks at sup_new, so the caller does:
 *
 *	t = tui_new(focus);
 *	tui_sup_callbacks(t, &cb);
 *	sup = sup_new(engine_entry, arg, timeout_ms, &cb);
 *	rc = tui_run(t, sup);
 *	sup_stop(sup, wait_ms);		(its callbacks still reach t)
 *	sup_free(sup);
 *	tui_free(t);
 */
#ifndef BT_APP_H
#define BT_APP_H

struct oncomplete;
struct supervisor;
struct sup_cb;
struct tui;

/* A screen on the session's torrent list, or straight on the detail of
 * the torrent whose info-hash is focus (20 bytes; NULL: the list).
 * Touches no terminal yet.  NULL when out of memory. */
#include <stdint.h>
struct tui	*tui_new(const uint8_t *focus);
/* Frees t; NULL is a no-op.  Call after sup_free (or sup_stop), since the
 * supervisor's callbacks point at t. */
void		 tui_free(struct tui *t);
/* The config file's part of the screen (config.h): its theme, the Peers
 * columns, and its messages about bad lines in the Log.  Call before
 * tui_run; cf may go after the call. */
struct config;
void		 tui_apply_config(struct tui *t, const struct config *cf);
/* on 0 (--no-mouse): tui_run leaves the mouse to the terminal (its own
 * selection); 1, the default: clicks and the wheel drive the screen
 * (mouse.h).  Call before tui_run. */
void		 tui_set_mouse(struct tui *t, int on);
/*
 * What the screen does beyond showing the session: seed_ratio_milli, the
 * ratio at which the engine stops seeding (thousandths, 0: none), for the
 * header; bell 1: ring the terminal bell when a torrent completes; oc
 * (borrowed, NULL: none) runs --on-complete then, and t reaps its
 * commands and logs their lines.  Call before tui_run.
 */
void		 tui_set_options(struct tui *t, uint32_t seed_ratio_milli,
		    int bell, struct oncomplete *oc);
/* Fills *cb_out with t's callbacks for sup_new (they only update the
 * model and never draw, so they are safe during sup_stop too). */
void		 tui_sup_callbacks(struct tui *t, struct sup_cb *cb_out);

/*
 * Starts the supervisor unless it runs already, takes the terminal and
 * runs until the user quits (q, F10) or SIGINT/SIGTERM/SIGHUP; the
 * terminal is restored on every way out, then the caller stops the
 * engine with sup_stop.  Returns the process exit status, as --headless
 * does: 0; 1 when stdin or stdout is not a terminal, or the engine refused
 * its input; 2 when the terminal or the engine cannot be set up (one line
 * on stderr, after endwin, says why) or the run failed (the engine in its
 * error state, the watchdog given up or waiting to restart it); 130 after
 * a signal before the download completed (model_exit_status).
 */
int		 tui_run(struct tui *t, struct supervisor *sup);

#endif
