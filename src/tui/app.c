/*
 * The front's loop (src/ipc/loop).  A timer every TICK_MS refreshes the
 * engine's health, resends an open detail's inspect request once a
 * second and expires messages; each turn draws when something changed
 * (at most every DRAW_INTERVAL_MS), then waits on the keyboard, the
 * self-pipe (src/ipc/sigpipe) and the supervisor (a loop source), and
 * reads keys.  Everything hangs off struct tui.  Nothing writes to stdout
 * or stderr between newterm and endwin.
 */
#include "app.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "ipc/sigpipe.h"
#include "tui/action.h"
#include "tui/config.h"
#include "tui/keyseq.h"
#include "tui/model.h"
#include "tui/mouse.h"
#include "tui/oncomplete.h"
#include "tui/supervisor.h"
#include "tui/view.h"

#define DRAW_INTERVAL_MS	100	/* at most 10 frames a second */
/* A key's frame waits for no timer, only for the frame before it to be
 * this old (a held key draws at most ~60 frames a second).  Under the
 * 100 ms cap, the Pieces/Peers switch took 100 ms at the 99th percentile
 * with the engine idle and 260 ms with it busy (`make bench`, case 7). */
#define KEY_DRAW_MS		16
#define TICK_MS			100	/* the health line's resolution */
#define INSPECT_EVERY_MS	1000	/* keeps an open detail live */
#define MESSAGE_MS		5000	/* the bottom bar's messages last */
#define ESC_DELAY_MS		25	/* ncurses' wait for a sequence's
					 * next byte, and ours (keyseq) */
#define DEAD_INPUT_TURNS	50	/* readable stdin without keys: gone */
#define MOUSE_EVENTS_MAX	8	/* taken at one KEY_MOUSE */

#define DIRTY_HEADER	0x1	/* the health line ticks */
#define DIRTY_BODY	0x2	/* tabs, body, bottom bar */
#define DIRTY_KEY	0x4	/* ... because of a key: draw at once */
#define DIRTY_ALL	(DIRTY_HEADER | DIRTY_BODY)

/* The signals the self-pipe turns into bytes for the loop.  SIGTSTP: see
 * suspend().  SIGCONT: after Ctrl-Z and `fg' (the engine was stopped with
 * us), the watchdog must not count the stop as the engine's silence. */
static const int caught[] = {
	SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGTSTP, SIGCONT,
};

/* What the health line shows, at the resolution it shows it. */
struct health_key {
	int		state;
	long		pid;
	unsigned	restarts;
	int		registered;
	uint64_t	uptime_s, since_hb_ds, respawn_ds;
};

struct tui {
	struct supervisor	*sup;
	struct loop		*loop;
	struct model		*model;
	struct view_state	 vs;
	SCREEN			*screen;
	WINDOW			*header, *tabs, *body, *footer;
	struct sigpipe		 sigs;		/* WINCH INT TERM HUP CHLD
						 * TSTP CONT */
	struct keyseq		 keys;		/* escape sequences ncurses
						 * left in pieces */
	struct view_hits	 hits;		/* what the last frame drew
						 * where, for the mouse */
	int			 mouse;		/* 0: --no-mouse */
	int			 too_small;
	int			 dirty;
	int			 quit;
	int			 interrupted;	/* quit by a signal */
	int			 resized;
	int			 dead_input;	/* turns stdin woke us for
						 * nothing */
	int			 stdin_ready;	/* readable in this turn */
	uint64_t		 now_ms, last_draw_ms, last_inspect_ms;
	uint64_t		 message_ms;
	uint32_t		 sent_focus;	/* FOCUS the engine has */
	int			 focus_sent;	/* 0: send it (new engine) */
	struct health_key	 shown;
	struct colors_theme	 theme;		/* the config file's */
	char			 error[256];	/* why the loop failed */
	int			 bell;		/* --bell */
	struct oncomplete	*oc;		/* --on-complete, borrowed */
	uint64_t		 done_seen;	/* completions acted on */
};

/* --- the supervisor's callbacks: update the model, never draw ----------- */

static void	sync_focus(struct tui *);

/* The torrent of a completion, as --on-complete tells of it: its row in
 * the list, else the status (the torrent shown). */
static int
done_torrent(const struct model *m, const struct model_done *d,
    struct oncomplete_torrent *out)
{
	const struct msg_torrent_row	*r = model_find_hash(m, d->info_hash);

	memset(out, 0, sizeof(*out));
	memcpy(out->info_hash, d->info_hash, 20);
	if (r != NULL) {
		snprintf(out->name, sizeof(out->name), "%s", r->name);
		out->size = r->total_bytes;
	} else if (m->have_status &&
	    memcmp(m->status.info_hash, d->info_hash, 20) == 0) {
		snprintf(out->name, sizeof(out->name), "%s", m->status.name);
		out->size = m->status.total_bytes;
	} else
		return BT_ERR_NOTFOUND;
	return BT_OK;
}

/*
 * The model notes each torrent seen completing once (model_done_count):
 * the header's "complete at", and here the bell and --on-complete, so
 * that all three agree on what completed.
 */
static void
on_completions(struct tui *t)
{
	const struct model_done		*d;
	struct oncomplete_torrent	 ot;

	while (t->done_seen < model_done_count(t->model)) {
		d = model_done_at(t->model, t->done_seen++);
		if (d == NULL)
			continue;	/* left the ring unseen */
		if (t->bell && t->screen != NULL)
			beep();
		if (t->oc != NULL && done_torrent(t->model, d, &ot) == BT_OK)
			(void)oncomplete_torrent_done(t->oc, &ot);
	}
}

static void
on_msg(void *arg, int type, struct bbuf *payload)
{
	struct tui	*t = arg;
	char		 line[128];
	int		 r;

	r = model_apply(t->model, type, payload);
	if (r != BT_OK && r != BT_ERR_NOTFOUND) {
		snprintf(line, sizeof(line), "bad %s payload from the engine: "
		    "%s", msg_type_name(type), bt_strerror(r));
		model_add_log(t->model, MODEL_SRC_FRONT, MSG_LOG_WARN, line);
	}
	if (type == MSG_TORRENTS || type == MSG_REGISTER)
		sync_focus(t);
	if (type == MSG_TORRENTS || type == MSG_STATUS)
		on_completions(t);
	if (type != MSG_HEARTBEAT)
		t->dirty |= DIRTY_ALL;
}

static void
on_log(void *arg, int level, const char *line)
{
	struct tui	*t = arg;

	model_add_log(t->model, MODEL_SRC_WATCHDOG, (enum msg_log_level)level,
	    line);
	t->dirty |= DIRTY_ALL;
}

static void
on_engine(void *arg, pid_t pid)
{
	struct tui	*t = arg;

	(void)pid;
	t->last_inspect_ms = 0;		/* ask the new engine at once */
	t->focus_sent = 0;		/* and tell it what we show */
	t->dirty |= DIRTY_ALL;
}

struct tui *
tui_new(const uint8_t *focus)
{
	struct tui	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->model = model_new(NULL)) == NULL ||
	    (t->loop = loop_new()) == NULL) {
		model_free(t->model);
		free(t);
		return NULL;
	}
	action_init(&t->vs);
	colors_theme_init(&t->theme);
	t->vs.hits = &t->hits;
	t->mouse = 1;
	keyseq_init(&t->keys);
	if (focus != NULL)
		action_focus(&t->vs, focus);
	sigpipe_init(&t->sigs);
	return t;
}

void
tui_free(struct tui *t)
{
	if (t == NULL)
		return;
	action_cleanup(&t->vs);
	model_free(t->model);
	loop_free(t->loop);
	free(t);
}

/* 1 when the Peers columns pc (n 0: all) show display column col. */
static int
peer_col_shown(const struct view_peer_cols *pc, int col)
{
	size_t	i;

	for (i = 0; i < pc->n; i++)
		if (pc->col[i] == col)
			return 1;
	return pc->n == 0;
}

void
tui_apply_config(struct tui *t, const struct config *cf)
{
	const struct view_peer_cols	*pc = config_peer_cols(cf);
	size_t				 i;

	config_theme(cf, &t->theme);
	t->vs.peer_cols = *pc;
	/* the default sort (Down) may be a column left out: sort by the
	 * first one shown instead, so the arrow says what the order is */
	for (i = 0; !peer_col_shown(pc, VIEW_PEERS_COL(t->vs.sort)) &&
	    i < pc->n; i++)
		if (pc->col[i] > 0)
			t->vs.sort = (enum view_peer_col)(pc->col[i] - 1);
	for (i = 0; i < config_nmessages(cf); i++)
		model_add_log(t->model, MODEL_SRC_FRONT, MSG_LOG_WARN,
		    config_message(cf, i));
}

void
tui_set_mouse(struct tui *t, int on)
{
	t->mouse = on;
}

/* --on-complete's lines go to the log view. */
static void
on_oncomplete_say(void *arg, int warn, const char *line)
{
	struct tui	*t = arg;

	model_add_log(t->model, MODEL_SRC_FRONT, warn ? MSG_LOG_WARN :
	    MSG_LOG_INFO, line);
	t->dirty |= DIRTY_ALL;
}

void
tui_set_options(struct tui *t, uint32_t seed_ratio_milli, int bell,
    struct oncomplete *oc)
{
	model_set_seed_ratio(t->model, seed_ratio_milli);
	t->bell = bell;
	t->oc = oc;
	if (oc != NULL)
		oncomplete_set_say(oc, on_oncomplete_say, t);
}

void
tui_sup_callbacks(struct tui *t, struct sup_cb *cb_out)
{
	memset(cb_out, 0, sizeof(*cb_out));
	cb_out->arg = t;
	cb_out->on_msg = on_msg;
	cb_out->on_log = on_log;
	cb_out->on_engine = on_engine;
}

/* --- signals ------------------------------------------------------------- */

static int
signals_start(struct tui *t)
{
	return sigpipe_open(&t->sigs, caught, sizeof(caught) /
	    sizeof(caught[0]));
}

static void
signals_stop(struct tui *t)
{
	sigpipe_close(&t->sigs);
}

/* --- the screen ---------------------------------------------------------- */

static void
windows_free(struct tui *t)
{
	WINDOW	**w[] = { &t->header, &t->tabs, &t->body, &t->footer };
	size_t	  i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		if (*w[i] != NULL)
			delwin(*w[i]);
		*w[i] = NULL;
	}
}

/* Tiles the terminal: header, tab bar, body, bottom bar. */
static int
layout(struct tui *t)
{
	int	rows, cols;

	windows_free(t);
	getmaxyx(stdscr, rows, cols);
	t->too_small = view_too_small(cols, rows);
	t->dirty |= DIRTY_ALL;
	if (t->too_small)
		return BT_OK;
	t->header = newwin(VIEW_HEADER_ROWS, cols, 0, 0);
	t->tabs = newwin(1, cols, VIEW_HEADER_ROWS, 0);
	t->body = newwin(rows - VIEW_CHROME_ROWS, cols, VIEW_HEADER_ROWS + 1,
	    0);
	t->footer = newwin(1, cols, rows - 1, 0);
	if (t->header == NULL || t->tabs == NULL || t->body == NULL ||
	    t->footer == NULL) {
		snprintf(t->error, sizeof(t->error), "cannot create the "
		    "screen's windows (%dx%d)", cols, rows);
		return BT_ERR_NOMEM;
	}
	t->vs.cols = cols;
	t->vs.rows = rows - VIEW_CHROME_ROWS;
	action_sync(&t->vs, t->model);
	return BT_OK;
}

static int
screen_start(struct tui *t)
{
	setlocale(LC_ALL, "");
	/* Numbers keep a '.' whatever the locale: the layout counts on it. */
	setlocale(LC_NUMERIC, "C");
	t->vs.unicode = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	if ((t->screen = newterm(NULL, stdout, stdin)) == NULL) {
		snprintf(t->error, sizeof(t->error), "cannot use the terminal "
		    "(TERM=%s)", getenv("TERM") != NULL ? getenv("TERM") : "");
		return BT_ERR_SYS;
	}
	set_term(t->screen);
	set_escdelay(ESC_DELAY_MS);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	/* Home and End as tmux, screen, rxvt and the console send them,
	 * whatever TERM says (keyseq.h) */
	(void)keyseq_define_keys();
	/* the help says how to select text while clicks are ours */
	t->vs.mouse = mouse_start(t->mouse);
	nodelay(stdscr, TRUE);
	curs_set(0);
	t->vs.mono = colors_want_mono() || t->theme.mono;
	colors_init(t->vs.mono, &t->theme);
	/* Keys are read on stdscr: refresh it once so wgetch never repaints
	 * it over the other windows. */
	werase(stdscr);
	wnoutrefresh(stdscr);
	return layout(t);
}

static void
screen_stop(struct tui *t)
{
	if (t->screen == NULL)
		return;
	windows_free(t);
	endwin();
	delscreen(t->screen);
	t->screen = NULL;
}

static void
draw_too_small(void)
{
	char	msg[64];
	int	rows, cols, len;

	getmaxyx(stdscr, rows, cols);
	view_format_too_small(msg, sizeof(msg));
	len = (int)strlen(msg);
	werase(stdscr);
	mvwaddnstr(stdscr, rows / 2, cols > len ? (cols - len) / 2 : 0, msg,
	    cols);
	wnoutrefresh(stdscr);
}

static void
draw_window(WINDOW *w, const struct tui *t,
    void (*fn)(WINDOW *, const struct model *, const struct view_state *))
{
	werase(w);
	fn(w, t->model, &t->vs);
	wnoutrefresh(w);
}

static void
draw(struct tui *t)
{
	static void (*const bodies[VIEW_COUNT])(WINDOW *, const struct model *,
	    const struct view_state *) = {
		[VIEW_PIECES] = view_pieces_draw,
		[VIEW_PEERS] = view_peers_draw,
		[VIEW_FILES] = view_files_draw,
		[VIEW_TRACKERS] = view_trackers_draw,
		[VIEW_LOG] = view_log_draw,
	};

	if (t->too_small) {
		t->hits.n = 0;
		draw_too_small();
	} else {
		if (t->dirty & DIRTY_BODY) {
			t->hits.n = 0;	/* the views note them anew */
			/* stdscr first, so wgetch never finds it changed and
			 * paints it over the windows */
			werase(stdscr);
			wnoutrefresh(stdscr);
			action_sync(&t->vs, t->model);
			draw_window(t->tabs, t, view_tabs_draw);
			draw_window(t->body, t, t->vs.help ? view_help_draw :
			    t->vs.home ? view_torrents_draw :
			    bodies[t->vs.view]);
			draw_window(t->footer, t, view_footer_draw);
		}
		draw_window(t->header, t, view_header_draw);
	}
	doupdate();
	t->dirty = 0;
	t->last_draw_ms = t->now_ms;
}

/* --- commands and keys --------------------------------------------------- */

static void
say(struct tui *t, const char *text)
{
	snprintf(t->vs.message, sizeof(t->vs.message), "%s", text);
	t->vs.message_warn = 1;
	t->message_ms = t->now_ms;
}

/* msg_encode checks what id each command may carry (FOCUS: NONE too). */
static int
encode_ref(int type, struct bbuf *b, const struct msg_torrent_ref *ref)
{
	union msg_any	*m;
	int		 r;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return BT_ERR_NOMEM;
	m->ref = *ref;
	r = msg_encode(type, b, m);
	free(m);
	return r;
}

static void
send_cmd(struct tui *t, const struct action_cmd *cmd)
{
	struct bbuf	b;
	char		line[VIEW_MESSAGE_MAX];
	int		r = BT_OK;

	bbuf_init(&b, 2 * MSG_PATH_MAX + 64);
	if (cmd->type == MSG_CMD_SET_LIMITS)
		r = msg_put_limits(&b, &cmd->limits);
	else if (cmd->type == MSG_CMD_SET_TURTLE)
		r = msg_put_count(&b, &cmd->count);
	else if (cmd->type == MSG_CMD_INSPECT_PIECE ||
	    cmd->type == MSG_CMD_INSPECT_PEER)
		r = msg_put_inspect(&b, &cmd->inspect);
	else if (cmd->type == MSG_CMD_PAUSE || cmd->type == MSG_CMD_RESUME ||
	    cmd->type == MSG_CMD_REANNOUNCE || cmd->type == MSG_CMD_FOCUS)
		r = encode_ref(cmd->type, &b, &cmd->torrent);
	else if (cmd->type == MSG_CMD_ADD)
		r = msg_put_add(&b, &cmd->add);
	else if (cmd->type == MSG_CMD_REMOVE)
		r = msg_put_remove(&b, &cmd->remove);
	else if (cmd->type == MSG_CMD_STREAM)
		r = msg_put_stream(&b, &cmd->stream);
	else if (cmd->type == MSG_CMD_SET_PRIORITY)
		r = msg_put_set_priority(&b, &cmd->prio);
	else if (cmd->type == MSG_CMD_SET_DIR_PRIORITY)
		r = msg_put_set_dir_priority(&b, &cmd->dir_prio);
	if (r == BT_OK)
		r = sup_send(t->sup, cmd->type, bbuf_len(&b) > 0 ? &b : NULL);
	bbuf_cleanup(&b);
	if (cmd->type == MSG_CMD_INSPECT_PIECE ||
	    cmd->type == MSG_CMD_INSPECT_PEER)
		t->last_inspect_ms = t->now_ms;
	else if (r == BT_ERR_CLOSED)
		say(t, "the engine is not running: command not sent (it "
		    "restarts by itself, or press R)");
	else if (r != BT_OK) {
		snprintf(line, sizeof(line), "command not sent: %s",
		    bt_strerror(r));
		say(t, line);
	}
}

/*
 * The engine sends the detail (status, peers, pieces...) of one torrent:
 * the one the screen shows, known by its info-hash, whose id is looked up
 * in the latest list (a new engine may number torrents anew).  A torrent
 * that left the list sends the screen back to the list.
 */
static void
sync_focus(struct tui *t)
{
	const struct msg_torrent_row	*r = NULL;
	struct action_cmd		 cmd;
	uint32_t			 want = MSG_TORRENT_NONE;

	if (!t->vs.home && t->vs.have_focus) {
		r = model_find_hash(t->model, t->vs.focus_hash);
		if (r == NULL && t->model->have_torrents &&
		    t->model->ntorrents > 0 && t->focus_sent) {
			action_focus(&t->vs, NULL);	/* it was removed */
			t->dirty |= DIRTY_ALL;
		}
		if (r != NULL)
			want = r->id;
	}
	model_set_focus(t->model, want);
	if (t->focus_sent && want == t->sent_focus)
		return;
	memset(&cmd, 0, sizeof(cmd));
	cmd.result = ACTION_SEND;
	cmd.type = MSG_CMD_FOCUS;
	cmd.torrent.torrent_id = want;
	t->sent_focus = want;
	t->focus_sent = 1;
	send_cmd(t, &cmd);
}

static void
run_cmd(struct tui *t, const struct action_cmd *cmd)
{
	switch (cmd->result) {
	case ACTION_SEND:
		send_cmd(t, cmd);
		break;
	case ACTION_QUIT:
		t->quit = 1;
		break;
	case ACTION_RETRY:
		sup_retry(t->sup, t->now_ms);
		break;
	case ACTION_REDRAW:
		clearok(curscr, TRUE);
		break;
	case ACTION_NONE:
		break;
	}
}

/* Runs a key (a->key >= 0) or an action the mouse gave. */
static void
run_action(struct tui *t, const struct mouse_action *a)
{
	struct action_cmd	cmd;
	char			msg[VIEW_MESSAGE_MAX];

	memcpy(msg, t->vs.message, sizeof(msg));
	if (a->key >= 0)
		action_key(&t->vs, t->model, a->key, &cmd);
	else
		action_run(&t->vs, t->model, a->id, a->arg, &cmd);
	if (strcmp(msg, t->vs.message) != 0)
		t->message_ms = t->now_ms;
	run_cmd(t, &cmd);
	sync_focus(t);
	t->dirty |= DIRTY_ALL | DIRTY_KEY;
}

/* Mouse events, on what the last frame drew (nothing with --no-mouse: a
 * terminal may still send one).  One KEY_MOUSE may stand for several
 * events read at once (a press and its release): getmouse hands them
 * out newest first, and taking only one lost the press now and then. */
static void
on_mouse(struct tui *t)
{
	struct mouse_action	a[MOUSE_OUT_MAX];
	MEVENT			ev[MOUSE_EVENTS_MAX];
	size_t			ne = 0, n, i;

	while (ne < MOUSE_EVENTS_MAX && getmouse(&ev[ne]) == OK)
		ne++;
	while (ne-- > 0 && t->vs.mouse && !t->quit) {
		n = mouse_actions(&t->hits, mouse_decode(ev[ne].bstate),
		    ev[ne].y, ev[ne].x, a);
		for (i = 0; i < n && !t->quit; i++)
			run_action(t, &a[i]);
	}
}

static void
on_key(struct tui *t, int ch)
{
	struct mouse_action	a = { ch, ACT_NONE, 0 };

	if (ch == KEY_RESIZE)
		t->resized = 1;
	else if (ch == KEY_MOUSE)
		on_mouse(t);
	else
		run_action(t, &a);
}

/* The next code from ncurses: at once, or, inside an escape sequence, the
 * ESC delay at most, so that a sequence is taken whole and a lone ESC is
 * Esc. */
static int
read_code(struct tui *t)
{
	int	ch;

	if (!keyseq_pending(&t->keys))
		return wgetch(stdscr);
	wtimeout(stdscr, ESC_DELAY_MS);
	ch = wgetch(stdscr);
	nodelay(stdscr, TRUE);
	return ch;
}

/* Reads every key ncurses has; returns how many codes it read. */
static int
on_keys(struct tui *t)
{
	int	ch, keys[KEYSEQ_OUT_MAX], n = 0;
	size_t	nk, i;

	while (!t->quit) {
		if ((ch = read_code(t)) != ERR) {
			n++;
			nk = keyseq_feed(&t->keys, ch, keys);
		} else if (keyseq_pending(&t->keys))
			nk = keyseq_timeout(&t->keys, keys);
		else
			break;
		for (i = 0; i < nk && !t->quit; i++)
			on_key(t, keys[i]);
	}
	return n;
}

static void
on_resize(struct tui *t)
{
	struct winsize	ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	t->resized = 1;
}

/* The whole screen again at the next frame, from a blank terminal. */
static void
repaint(struct tui *t)
{
	clearok(curscr, TRUE);
	t->dirty |= DIRTY_ALL;
}

/*
 * Ctrl-Z, between two frames.  ncurses' own SIGTSTP handler is not used:
 * it is only installed when SIGTSTP is at its default, and the self-pipe
 * catches it before newterm.  That handler lost keys: doupdate() sets
 * SIGTSTP to SIG_IGN while it draws, so a Ctrl-Z typed during a frame
 * was discarded, and the front ran on while its engine (same process
 * group) stopped.  Here the screen is put away, the front stops itself,
 * and once continued redraws all of it (SIGCONT, next in the pipe, tells
 * the watchdog).
 */
static void
suspend(struct tui *t)
{
	struct sigaction	dfl, ours;

	endwin();
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	if (sigaction(SIGTSTP, &dfl, &ours) == -1)
		return;
	/* stops here; a process group with no shell to continue it
	 * (orphaned) discards the signal and goes on */
	raise(SIGTSTP);
	sigaction(SIGTSTP, &ours, NULL);
	/* the terminal's modes as the shell left them are the ones to
	 * restore at exit (an stty typed while we were stopped) */
	def_shell_mode();
	repaint(t);	/* (SIGCONT does it too; not when discarded) */
}

static void
on_signals(struct tui *t)
{
	int	buf[64];
	size_t	n, i;

	while ((n = sigpipe_drain(&t->sigs, buf, 64)) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] == SIGWINCH)
				on_resize(t);
			else if (buf[i] == SIGINT || buf[i] == SIGTERM ||
			    buf[i] == SIGHUP)
				t->quit = t->interrupted = 1;
			else if (buf[i] == SIGTSTP)
				suspend(t);
			else if (buf[i] == SIGCONT) {
				sup_on_continue(t->sup, loop_clock_ms());
				repaint(t);
			}
			/* SIGCHLD: sup_perform reaps every turn */
		}
	}
}

/* --- the loop ------------------------------------------------------------ */

static int
health_changed(struct tui *t, const struct sup_info *h)
{
	struct health_key	k;

	memset(&k, 0, sizeof(k));
	k.state = (int)h->state;
	k.pid = (long)h->pid;
	k.restarts = h->restarts;
	k.registered = h->registered;
	k.uptime_s = h->uptime_ms / 1000;
	/* tenths only once it is late: an idle screen need not be drawn
	 * ten times a second for "heartbeat 0.N s ago" */
	k.since_hb_ds = h->since_heartbeat_ms < 1000 ? 0 :
	    h->since_heartbeat_ms / 100;
	k.respawn_ds = h->respawn_in_ms / 100;
	if (memcmp(&k, &t->shown, sizeof(k)) == 0)
		return 0;
	memcpy(&t->shown, &k, sizeof(k));	/* padding too */
	return 1;
}

static void
tick(struct tui *t, uint64_t now_ms)
{
	struct sup_info		info;
	struct action_cmd	cmd;

	t->now_ms = now_ms;
	model_set_time(t->model, t->now_ms, (int64_t)time(NULL));
	sup_get_info(t->sup, t->now_ms, &info);
	model_set_health(t->model, &info);
	if (health_changed(t, &info))
		t->dirty |= DIRTY_HEADER;
	if (t->vs.detail != VIEW_DETAIL_NONE && info.state == SUP_RUNNING &&
	    info.registered &&
	    t->now_ms >= t->last_inspect_ms + INSPECT_EVERY_MS) {
		memset(&cmd, 0, sizeof(cmd));
		cmd.result = ACTION_SEND;
		cmd.type = t->vs.detail == VIEW_DETAIL_PIECE ?
		    MSG_CMD_INSPECT_PIECE : MSG_CMD_INSPECT_PEER;
		cmd.inspect.torrent_id = t->model->focus;
		cmd.inspect.index = t->vs.detail_index;
		send_cmd(t, &cmd);
	}
	if (t->oc != NULL)
		(void)oncomplete_reap(t->oc);	/* SIGCHLD woke us */
	if (t->vs.message[0] != '\0' &&
	    t->now_ms >= t->message_ms + MESSAGE_MS) {
		t->vs.message[0] = '\0';
		t->dirty |= DIRTY_ALL;
	}
}

static int64_t
on_tick(void *arg, uint64_t now_ms)
{
	tick(arg, now_ms);
	return TICK_MS;
}

static void
on_sigpipe(void *arg, int fd, int events)
{
	(void)fd;
	(void)events;
	on_signals(arg);
}

/* Keys are read once a turn in turn(), readable or not, since ncurses may
 * hold some already; this only notes that the terminal woke us. */
static void
on_stdin(void *arg, int fd, int events)
{
	struct tui	*t = arg;

	(void)fd;
	(void)events;
	t->stdin_ready = 1;
}

static int
loop_setup(struct tui *t)
{
	int	r;

	if ((r = loop_fd_add(t->loop, STDIN_FILENO, LOOP_READ, on_stdin,
	    t)) != BT_OK ||
	    (r = loop_fd_add(t->loop, sigpipe_fd(&t->sigs), LOOP_READ,
	    on_sigpipe, t)) != BT_OK ||
	    (r = loop_source_add(t->loop, &sup_source_ops, t->sup)) != BT_OK)
		return r;
	return loop_timer_add(t->loop, TICK_MS, on_tick, t) != 0 ? BT_OK :
	    BT_ERR_NOMEM;
}

/* The least time between the last frame and the next one. */
static uint64_t
frame_gap_ms(const struct tui *t)
{
	return (t->dirty & DIRTY_KEY) ? KEY_DRAW_MS : DRAW_INTERVAL_MS;
}

/* Until the next frame is due when something changed; otherwise the tick
 * timer and the supervisor decide. */
static int64_t
wait_ms(const struct tui *t)
{
	int64_t	s;

	if (!t->dirty)
		return -1;
	s = (int64_t)(t->last_draw_ms + frame_gap_ms(t)) - (int64_t)t->now_ms;
	return s < 0 ? 0 : s;
}

static int
turn(struct tui *t)
{
	t->stdin_ready = 0;
	if (loop_run_once(t->loop, wait_ms(t)) < 0) {
		snprintf(t->error, sizeof(t->error), "select: %s",
		    strerror(errno));
		return BT_ERR_SYS;
	}
	t->now_ms = loop_now_ms(t->loop);
	/* ncurses may hold keys already read: ask it every turn. */
	if (on_keys(t) > 0 || !t->stdin_ready)
		t->dead_input = 0;
	else if (++t->dead_input >= DEAD_INPUT_TURNS) {
		/* end of file on the terminal without a SIGHUP: leave
		 * rather than spin on a descriptor that stays readable */
		snprintf(t->error, sizeof(t->error), "the terminal closed");
		return BT_ERR_CLOSED;
	}
	return BT_OK;
}

static int
run_loop(struct tui *t)
{
	int	r;

	tick(t, loop_clock_ms());	/* the first frame shows the health */
	while (!t->quit) {
		if (t->resized) {
			t->resized = 0;
			if ((r = layout(t)) != BT_OK)
				return r;
		}
		if (t->dirty && t->now_ms >= t->last_draw_ms + frame_gap_ms(t))
			draw(t);
		if ((r = turn(t)) != BT_OK)
			return r;
	}
	return BT_OK;
}

static int
start_engine(struct tui *t)
{
	struct sup_info	info;

	sup_get_info(t->sup, loop_clock_ms(), &info);
	if (info.state != SUP_STOPPED || info.pid != 0)
		return BT_OK;
	if (sup_start(t->sup, loop_clock_ms()) != BT_OK) {
		snprintf(t->error, sizeof(t->error), "cannot start the engine: "
		    "%s", strerror(errno));
		return BT_ERR_SYS;
	}
	return BT_OK;
}

int
tui_run(struct tui *t, struct supervisor *sup)
{
	struct sup_info	info;
	int		r;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "bttui: the screen needs a terminal (for "
		    "scripts, use --headless)\n");
		return 1;
	}
	t->sup = sup;
	t->error[0] = '\0';
	/* select() waits at most TICK_MS: a longer gap is the front stopped */
	sup_set_turn_ms(sup, TICK_MS);
	/* the watchdog's first line comes from sup_start: stamp it right */
	model_set_time(t->model, loop_clock_ms(), (int64_t)time(NULL));
	if ((r = start_engine(t)) == BT_OK && (r = signals_start(t)) != BT_OK)
		snprintf(t->error, sizeof(t->error), "cannot create a pipe: %s",
		    strerror(errno));
	if (r == BT_OK && (r = loop_setup(t)) != BT_OK)
		snprintf(t->error, sizeof(t->error), "cannot set up the event "
		    "loop: %s", bt_strerror(r));
	if (r == BT_OK && (r = screen_start(t)) == BT_OK)
		r = run_loop(t);
	screen_stop(t);
	signals_stop(t);
	if (r != BT_OK) {
		fprintf(stderr, "bttui: %s\n", t->error[0] != '\0' ? t->error :
		    bt_strerror(r));
		return 2;
	}
	/* the engine's fate decides, as in --headless */
	sup_get_info(t->sup, loop_clock_ms(), &info);
	model_set_health(t->model, &info);
	return model_exit_status(t->model, t->interrupted);
}
