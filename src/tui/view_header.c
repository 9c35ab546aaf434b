/*
 * The frame around the views: the header (name and state, progress bar,
 * rates, the engine's health), the tab bar naming the views, and the
 * bottom bar (key hints, the limit prompt, or a message).  The header is
 * always visible so a stalled engine shows wherever the user is.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/fmt.h"
#include "tui/action.h"

const char *
view_name(enum view_id v)
{
	static const char *const	names[VIEW_COUNT] = {
		[VIEW_PIECES] = "Pieces", [VIEW_PEERS] = "Peers",
		[VIEW_FILES] = "Files", [VIEW_TRACKERS] = "Trackers",
		[VIEW_LOG] = "Log",
	};

	return (unsigned)v < VIEW_COUNT ? names[v] : "?";
}

void
view_header_state(const struct msg_status *st, char *buf, size_t len)
{
	static const char *const	names[] = {
		[MSG_STATE_STARTING] = "starting",
		[MSG_STATE_CHECKING] = "checking",
		[MSG_STATE_DOWNLOADING] = "downloading",
		[MSG_STATE_SEEDING] = "seeding",
		[MSG_STATE_PAUSED] = "paused",
		[MSG_STATE_ERROR] = "error",
		[MSG_STATE_STOPPING] = "stopping",
		[MSG_STATE_QUEUED] = "queued",
		[MSG_STATE_METADATA] = "fetching metadata",
	};
	uint32_t			pm = st->check_permille;

	if (st->state >= sizeof(names) / sizeof(names[0]))
		snprintf(buf, len, "unknown");
	else if (st->state == MSG_STATE_STOPPING && st->total_bytes > 0 &&
	    st->done_bytes == st->total_bytes)
		snprintf(buf, len, "complete");	/* the engine's last word */
	else if (st->state == MSG_STATE_CHECKING)
		snprintf(buf, len, "checking %" PRIu32 ".%" PRIu32 "%%",
		    (pm > 1000 ? 1000 : pm) / 10, (pm > 1000 ? 0 : pm % 10));
	else
		snprintf(buf, len, "%s", names[st->state]);
}

/* No engine, no state: what the last one said is history. */
static int
title_dead(const struct model *m)
{
	const struct sup_info	*h = &m->health;

	if (model_engine_live(m))
		return 0;
	/* before the first start, and after an engine finished the job */
	if (h->state == SUP_STOPPED && h->last_exit == -1 && h->restarts == 0)
		return 0;
	return !(h->state == SUP_STOPPED && h->last_exit == 0);
}

void
view_header_title(const struct model *m, char *buf, size_t len)
{
	if (title_dead(m))
		snprintf(buf, len, "engine not running");
	else if (m->have_status)
		view_header_state(&m->status, buf, len);
	else
		snprintf(buf, len, "waiting for the engine");
}

static enum clr
state_color(const struct model *m)
{
	if (title_dead(m))
		return CLR_ERROR;
	if (!m->have_status)
		return CLR_DIM;
	switch (m->status.state) {
	case MSG_STATE_DOWNLOADING:
		return CLR_RATE_DOWN;
	case MSG_STATE_SEEDING:
		return CLR_OK;
	case MSG_STATE_PAUSED:
		return CLR_WARN;
	case MSG_STATE_ERROR:
		return CLR_ERROR;
	}
	return CLR_HEADER;
}

/* "engine 1234  up 5m12s  restarts 0  heartbeat 0.4 s ago" */
static void
health_running(const struct sup_info *h, char *buf, size_t len)
{
	char	up[32];

	fmt_duration(up, sizeof(up), (int64_t)(h->uptime_ms / 1000));
	snprintf(buf, len, "engine %ld  up %s  restarts %u  heartbeat "
	    "%" PRIu64 ".%" PRIu64 " s ago%s%s", (long)h->pid, up, h->restarts,
	    h->since_heartbeat_ms / 1000, h->since_heartbeat_ms % 1000 / 100,
	    h->since_heartbeat_ms > VIEW_LATE_HEARTBEAT_MS ? " (late)" : "",
	    h->registered ? "" : "  starting...");
}

/* Why the last engine failed, for "engine <why>; ...". */
static const char *
failure(const struct sup_info *h)
{
	return h->reason[0] != '\0' ? h->reason : "failed";
}

/* Exit 0 is a finished download, 1 input no restart can mend. */
static void
stopped(const struct sup_info *h, char *buf, size_t len, int *level_out)
{
	if (h->last_exit == 0) {
		snprintf(buf, len, "engine finished (the download is "
		    "complete): q quits");
	} else if (h->last_exit == 1) {
		*level_out = 2;
		snprintf(buf, len, "engine stopped: bad torrent or directory "
		    "(see the log, 5)");
	} else {
		*level_out = 1;
		snprintf(buf, len, "engine not running");
	}
}

void
view_header_health(const struct sup_info *h, char *buf, size_t len,
    int *level_out)
{
	char	run[160];

	*level_out = 0;
	switch (h->state) {
	case SUP_STOPPED:
		stopped(h, buf, len, level_out);
		return;
	case SUP_GAVE_UP:
		*level_out = 2;
		snprintf(buf, len, "engine %s; the watchdog gave up: press R "
		    "to retry", failure(h));
		return;
	case SUP_BACKOFF:
		*level_out = 1;
		snprintf(buf, len, "engine %s; restarting in %" PRIu64 ".%"
		    PRIu64 " s  restarts %u", failure(h),
		    h->respawn_in_ms / 1000, h->respawn_in_ms % 1000 / 100,
		    h->restarts);
		return;
	case SUP_RUNNING:
		break;
	}
	health_running(h, run, sizeof(run));
	if (h->since_heartbeat_ms > VIEW_LATE_HEARTBEAT_MS)
		*level_out = 1;
	/* Right after a restart, say so where the user looks. */
	if (h->restarts > 0 && h->uptime_ms < 10000) {
		*level_out = 1;
		if (h->restarts <= SUP_GIVE_UP_RESTARTS)
			snprintf(buf, len, "engine %s; restarted (%u/%d)  %s",
			    failure(h), h->restarts, SUP_GIVE_UP_RESTARTS, run);
		else
			snprintf(buf, len, "engine %s; restarted  %s",
			    failure(h), run);
		return;
	}
	snprintf(buf, len, "%s", run);
}

void
view_header_stats(const struct msg_status *st, int live, int unicode,
    char *buf, size_t len)
{
	char	down[32], up[32], eta[32], lim_d[40] = "", lim_u[40] = "";
	char	r[32];

	if (!live) {
		snprintf(buf, len, "%s -  %s -  ETA -  ratio %" PRIu32 ".%03"
		    PRIu32 "  peers -", unicode ? "\xe2\x86\x93" : "D:",
		    unicode ? "\xe2\x86\x91" : "U:", st->ratio_milli / 1000,
		    st->ratio_milli % 1000);
		return;
	}
	fmt_rate(down, sizeof(down), st->down_bps);
	fmt_rate(up, sizeof(up), st->up_bps);
	fmt_duration(eta, sizeof(eta), st->eta_s);

	if (st->max_down_bps != 0) {
		fmt_rate(r, sizeof(r), st->max_down_bps);
		snprintf(lim_d, sizeof(lim_d), " [max %s]", r);
	}
	if (st->max_up_bps != 0) {
		fmt_rate(r, sizeof(r), st->max_up_bps);
		snprintf(lim_u, sizeof(lim_u), " [max %s]", r);
	}
	snprintf(buf, len, "%s %s%s  %s %s%s  ETA %s  ratio %" PRIu32
	    ".%03" PRIu32 "  peers %" PRIu32 "/%" PRIu32 " (%" PRIu32
	    " seeds)", unicode ? "\xe2\x86\x93" : "D:", down, lim_d,
	    unicode ? "\xe2\x86\x91" : "U:", up, lim_u, eta,
	    st->ratio_milli / 1000, st->ratio_milli % 1000,
	    st->peers_connected, st->peers_known, st->seeds_connected);
}

void
view_header_session(const struct msg_session *ss, int live, int unicode,
    char *buf, size_t len)
{
	char	down[32], up[32], lim_d[40] = "", lim_u[40] = "", r[32];
	const char *dn = unicode ? "\xe2\x86\x93" : "D:";
	const char *un = unicode ? "\xe2\x86\x91" : "U:";

	if (!live) {
		snprintf(buf, len, "%s -  %s -  torrents %" PRIu32, dn, un,
		    ss->num_torrents);
		return;
	}
	fmt_rate(down, sizeof(down), ss->down_bps);
	fmt_rate(up, sizeof(up), ss->up_bps);
	if (ss->max_down_bps != 0) {
		fmt_rate(r, sizeof(r), ss->max_down_bps);
		snprintf(lim_d, sizeof(lim_d), " [max %s]", r);
	}
	if (ss->max_up_bps != 0) {
		fmt_rate(r, sizeof(r), ss->max_up_bps);
		snprintf(lim_u, sizeof(lim_u), " [max %s]", r);
	}
	snprintf(buf, len, "%s %s%s  %s %s%s  torrents %" PRIu32 " (%"
	    PRIu32 " active, %" PRIu32 " queued, at most %" PRIu32 ")  peers %"
	    PRIu32 "  port %u", dn, down, lim_d, un, up, lim_u,
	    ss->num_torrents, ss->active, ss->queued, ss->max_active,
	    ss->peers_connected, (unsigned)ss->port);
}

/* path into buf with the home directory shown as ~, as shells do. */
static const char *
home_path(const char *path, char *buf, size_t len)
{
	const char	*home = getenv("HOME");
	size_t		 n;

	if (home == NULL || (n = strlen(home)) < 2 ||
	    strncmp(path, home, n) != 0 || path[n] != '/')
		snprintf(buf, len, "%s", path);
	else
		snprintf(buf, len, "~%s", path + n);
	return buf;
}

/* The home screen's header: the session's totals. */
static void
draw_session(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char		 line[MSG_PATH_MAX + 64], bar[1024], pct[16], d[32], t[32];
	uint64_t	 done = 0, total = 0;
	size_t		 i, glyph = vs->unicode ? 3 : 1;
	int		 width, filled;

	snprintf(line, sizeof(line), "bttui session %.500s", m->have_register ?
	    home_path(m->reg.session_dir, bar, sizeof(bar)) : "");
	view_put(w, 0, 1, line, getmaxx(w) - 2, colors_attr(vs->mono,
	    CLR_TITLE));
	for (i = 0; i < m->ntorrents; i++) {
		done += m->torrents[i].done_bytes;
		total += m->torrents[i].total_bytes;
	}
	view_format_percent(done, total, pct, sizeof(pct));
	fmt_size(d, sizeof(d), done);
	fmt_size(t, sizeof(t), total);
	snprintf(line, sizeof(line), "%6s  %s / %s in %zu torrents", pct, d,
	    t, m->ntorrents);
	width = getmaxx(w) - (int)strlen(line) - 4;
	width = width > 60 ? 60 : width < 10 ? 10 : width;
	filled = view_format_bar(done, total, width, vs->unicode, bar,
	    sizeof(bar));
	view_put(w, 1, 1, bar, filled, colors_attr(vs->mono, CLR_BAR_DONE));
	if ((size_t)filled * glyph < strlen(bar))
		view_put(w, 1, 1 + filled, bar + (size_t)filled * glyph,
		    width - filled, colors_attr(vs->mono, CLR_BAR_TODO));
	view_put(w, 1, width + 2, line, getmaxx(w), colors_attr(vs->mono,
	    CLR_HEADER));
	view_header_session(&m->session, model_engine_live(m) &&
	    m->have_session, vs->unicode, line, sizeof(line));
	view_put(w, 2, 1, line, getmaxx(w) - 1, colors_attr(vs->mono,
	    CLR_NORMAL));
}

static void
draw_title(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char	state[48];
	int	cols = getmaxx(w), sw;

	view_header_title(m, state, sizeof(state));
	sw = (int)strlen(state) + 2;
	view_put(w, 0, 1, model_name(m), cols - sw - 3,
	    colors_attr(vs->mono, CLR_TITLE));
	view_put(w, 0, cols - sw, state, sw, colors_attr(vs->mono,
	    state_color(m)));
}

void
view_header_metadata(const struct msg_status *st, char *buf, size_t len)
{
	char	of[64] = "";

	if (st->meta_pieces > 0)
		snprintf(of, sizeof(of), "%" PRIu32 " of %" PRIu32 " piece%s",
		    st->meta_have, st->meta_pieces, st->meta_pieces == 1 ?
		    "" : "s");
	if (st->peers_connected == 0)
		snprintf(buf, len, "fetching metadata: no peer connected%s%s%s",
		    of[0] ? " (" : "", of, of[0] ? ")" : "");
	else
		snprintf(buf, len, "fetching metadata from %" PRIu32 " peer%s: "
		    "%s", st->peers_connected, st->peers_connected == 1 ? "" :
		    "s", of[0] ? of : "size not known yet");
}

static void
draw_progress(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char		 pct[16], done[32], total[32], text[128], bar[1024];
	uint64_t	 d = m->status.done_bytes, t = m->status.total_bytes;
	int		 width, filled;
	size_t		 glyph = vs->unicode ? 3 : 1;

	view_format_percent(d, t, pct, sizeof(pct));
	fmt_size(done, sizeof(done), d);
	fmt_size(total, sizeof(total), t);
	snprintf(text, sizeof(text), "%6s  %s / %s  pieces %" PRIu32 "/%"
	    PRIu32, pct, done, total, m->status.pieces_have,
	    m->status.num_pieces);
	/* A magnet link has no sizes yet: the bar is its metadata's. */
	if (m->have_status && m->status.state == MSG_STATE_METADATA) {
		d = m->status.meta_have;
		t = m->status.meta_pieces;
		view_header_metadata(&m->status, text, sizeof(text));
	}
	width = getmaxx(w) - (int)strlen(text) - 4;
	if (width > 60)
		width = 60;
	if (width < 10)
		width = 10;
	filled = view_format_bar(d, t, width, vs->unicode, bar, sizeof(bar));
	view_put(w, 1, 1, bar, filled, colors_attr(vs->mono, CLR_BAR_DONE));
	if ((size_t)filled * glyph < strlen(bar))
		view_put(w, 1, 1 + filled, bar + (size_t)filled * glyph,
		    width - filled, colors_attr(vs->mono, CLR_BAR_TODO));
	view_put(w, 1, width + 2, text, getmaxx(w),
	    colors_attr(vs->mono, CLR_HEADER));
}

void
view_header_draw(WINDOW *w, const struct model *m,
    const struct view_state *vs)
{
	char	line[MSG_TEXT_MAX + 16];
	int	level;
	enum clr c;

	if (vs->home) {
		draw_session(w, m, vs);
		goto health;
	}
	draw_title(w, m, vs);
	draw_progress(w, m, vs);
	/* In the error state the rates mean nothing: say what went wrong
	 * (the bottom bar says R retries). */
	if (model_engine_live(m) && m->have_status &&
	    m->status.state == MSG_STATE_ERROR) {
		snprintf(line, sizeof(line), "error: %s", m->status.error);
		c = CLR_ERROR_TEXT;
	} else {
		view_header_stats(&m->status, model_engine_live(m),
		    vs->unicode, line, sizeof(line));
		c = CLR_NORMAL;
	}
	view_put(w, 2, 1, line, getmaxx(w) - 1, colors_attr(vs->mono, c));
health:
	view_header_health(&m->health, line, sizeof(line), &level);
	c = level == 2 ? CLR_ERROR : level == 1 ? CLR_WARN : CLR_DIM;
	view_put(w, 3, 1, line, getmaxx(w) - 1, colors_attr(vs->mono, c));
}

/* The count a tab shows, -1 for none. */
static int64_t
view_count(const struct model *m, enum view_id v)
{
	switch (v) {
	case VIEW_PEERS:
		return m->peers_total;
	case VIEW_FILES:
		return m->files_total;
	case VIEW_TRACKERS:
		return m->trackers.n;
	default:
		return -1;
	}
}

void
view_tabs_draw(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char	tab[48];
	int64_t	n;
	int	x = 0, v;
	attr_t	a;

	view_fill(w, 0, 0, getmaxx(w), colors_attr(vs->mono, CLR_TAB));
	if (vs->home) {
		snprintf(tab, sizeof(tab), " Torrents (%zu) ", m->ntorrents);
		x += view_put(w, 0, x, tab, getmaxx(w) - x, colors_attr(
		    vs->mono, vs->help ? CLR_TAB : CLR_TAB_ACTIVE)) + 1;
		v = VIEW_COUNT;		/* no detail tabs */
	} else
		x += view_put(w, 0, x, " Esc: torrents ", getmaxx(w) - x,
		    colors_attr(vs->mono, CLR_TAB)) + 1;
	for (v = vs->home ? VIEW_COUNT : 0; v < VIEW_COUNT; v++) {
		n = view_count(m, (enum view_id)v);
		if (n >= 0)
			snprintf(tab, sizeof(tab), " %d %s (%" PRId64 ") ",
			    v + 1, view_name((enum view_id)v), n);
		else
			snprintf(tab, sizeof(tab), " %d %s ", v + 1,
			    view_name((enum view_id)v));
		a = colors_attr(vs->mono, v == (int)vs->view && !vs->help ?
		    CLR_TAB_ACTIVE : CLR_TAB);
		x += view_put(w, 0, x, tab, getmaxx(w) - x, a) + 1;
	}
	if (getmaxx(w) - x > 10)
		view_put(w, 0, getmaxx(w) - 9, " ? help ", 8,
		    colors_attr(vs->mono, vs->help ? CLR_TAB_ACTIVE : CLR_TAB));
}

/* htop's function bar: a key, then what it does on a coloured band. */
static int
put_hint(WINDOW *w, int x, const char *key, const char *what,
    const struct view_state *vs)
{
	char	label[32];

	snprintf(label, sizeof(label), " %s ", what);
	x += view_put(w, 0, x, key, getmaxx(w) - x,
	    colors_attr(vs->mono, CLR_FOOTER_KEY));
	x += view_put(w, 0, x, label, getmaxx(w) - x,
	    colors_attr(vs->mono, CLR_FOOTER_TEXT));
	return x + (x < getmaxx(w) ? 1 : 0);
}

/* The home screen's keys. */
static int
home_hints(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	int	x = 0;

	if (m->health.state == SUP_GAVE_UP)
		x = put_hint(w, x, "R", "Retry", vs);
	if (vs->help)
		x = put_hint(w, x, "Esc", "Close", vs);
	x = put_hint(w, x, "F1", "Help", vs);
	x = put_hint(w, x, "Enter", "Open", vs);
	x = put_hint(w, x, "a", "Add", vs);
	x = put_hint(w, x, "x", "Remove", vs);
	x = put_hint(w, x, "p", "Pause", vs);
	x = put_hint(w, x, "P", "All", vs);
	x = put_hint(w, x, "s", "Sort", vs);
	x = put_hint(w, x, "d/u", "Limits", vs);
	return put_hint(w, x, "q", "Quit", vs);
}

static void
draw_hints(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	int	x = 0;
	int	paused = m->have_status && m->status.state == MSG_STATE_PAUSED;
	int	failed = model_engine_live(m) && m->have_status &&
		    m->status.state == MSG_STATE_ERROR;

	if (vs->home) {
		x = home_hints(w, m, vs);
		goto fill;
	}
	if (m->health.state == SUP_GAVE_UP || failed)
		x = put_hint(w, x, "R", "Retry", vs);
	if (vs->help || vs->detail != VIEW_DETAIL_NONE)
		x = put_hint(w, x, "Esc", "Close", vs);
	x = put_hint(w, x, "F1", "Help", vs);
	x = put_hint(w, x, "Tab", "View", vs);
	if (vs->view == VIEW_PIECES || vs->view == VIEW_PEERS)
		x = put_hint(w, x, "Enter", "Inspect", vs);
	if (vs->view == VIEW_FILES) {
		x = put_hint(w, x, "Enter", "Fold", vs);
		x = put_hint(w, x, "Space", "Skip", vs);
	}
	if (vs->view == VIEW_PEERS)
		x = put_hint(w, x, "s", "Sort", vs);
	x = put_hint(w, x, "p", failed ? "Retry" : paused ? "Resume" :
	    "Pause", vs);
	x = put_hint(w, x, "r", "Announce", vs);
	x = put_hint(w, x, "d/u", "Limits", vs);
	x = put_hint(w, x, "q", "Quit", vs);
fill:
	view_fill(w, 0, x, getmaxx(w) - x, colors_attr(vs->mono,
	    CLR_FOOTER_TEXT));
}

void
view_footer_draw(WINDOW *w, const struct model *m,
    const struct view_state *vs)
{
	char	line[VIEW_PROMPT_MAX + MSG_NAME_MAX + 160];

	/* the prompts' text is action's (action_prompt_line) */
	if (action_prompt_line(vs, m, line, sizeof(line))) {
		view_put(w, 0, 0, line, getmaxx(w), colors_attr(vs->mono,
		    CLR_PROMPT));
		return;
	}
	if (vs->message[0] != '\0') {
		view_put(w, 0, 0, vs->message, getmaxx(w), colors_attr(vs->mono,
		    vs->message_warn ? CLR_WARN : CLR_NORMAL));
		return;
	}
	draw_hints(w, m, vs);
}
