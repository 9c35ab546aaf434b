/*
 * The header (name and state, progress bar, the engine's health): the
 * frame's top, always visible so a stalled engine shows wherever the user
 * is.  Its stats line (rates, limits, ratio, peers) is view_header_stats.c;
 * the tab bar and the bottom bar are view_header_bars.c.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipc/fmt.h"


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

/* A bar of view_format_bar's, filled cells then the others. */
static void
draw_bar(WINDOW *w, const struct view_state *vs, const char *bar,
    int filled, int width)
{
	size_t	glyph = vs->unicode ? 3 : 1;

	view_put_clip(w, 1, 1, bar, filled, colors_attr(vs->mono,
	    CLR_BAR_DONE));
	if ((size_t)filled * glyph < strlen(bar))
		view_put_clip(w, 1, 1 + filled, bar + (size_t)filled * glyph,
		    width - filled, colors_attr(vs->mono, CLR_BAR_TODO));
}

/* The home screen's header: the session's totals. */
static void
draw_session(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char		 line[MSG_PATH_MAX + 64], bar[1024], pct[16], d[32], t[32];
	uint64_t	 done = 0, total = 0;
	size_t		 i;
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
	draw_bar(w, vs, bar, filled, width);
	view_put(w, 1, width + 2, line, getmaxx(w), colors_attr(vs->mono,
	    CLR_HEADER));
	view_header_session(&m->session, model_engine_live(m) &&
	    m->have_session, getmaxx(w) - 1, vs->unicode, line, sizeof(line));
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

void
view_format_clock(int64_t t, int64_t now, char *buf, size_t len)
{
	struct tm	tm, today;
	time_t		tt = (time_t)t, tn = (time_t)now;

	if (localtime_r(&tt, &tm) == NULL || localtime_r(&tn, &today) == NULL) {
		snprintf(buf, len, "?");
		return;
	}
	if (strftime(buf, len, tm.tm_year == today.tm_year &&
	    tm.tm_yday == today.tm_yday ? "%H:%M" : "%d %b %H:%M", &tm) == 0)
		snprintf(buf, len, "?");
}

void
view_header_progress(const struct model *m, int width, char *buf,
    size_t len)
{
	const struct msg_status	*st = &m->status;
	char			 pct[16], done[32], total[32], pieces[48],
				 at[48] = "", clock[32], head[96];
	const char		*parts[3] = { head, pieces, at };
	int64_t			 when;
	int			 level;

	/* A magnet link has no sizes yet: the bar is its metadata's. */
	if (m->have_status && st->state == MSG_STATE_METADATA) {
		view_header_metadata(st, buf, len);
		return;
	}
	view_format_percent(st->done_bytes, st->total_bytes, pct, sizeof(pct));
	fmt_size(done, sizeof(done), st->done_bytes);
	fmt_size(total, sizeof(total), st->total_bytes);
	when = model_completed_at(m, st->info_hash);
	if (m->have_status && st->total_bytes > 0 &&
	    st->done_bytes == st->total_bytes && when >= 0) {
		view_format_clock(when, m->wall_s, clock, sizeof(clock));
		snprintf(at, sizeof(at), "complete at %s", clock);
	}
	snprintf(head, sizeof(head), "%6s  %s / %s", pct, done, total);
	/* full; without the pieces; without the time */
	for (level = 0; level < 3; level++) {
		pieces[0] = '\0';
		if (level == 0)
			snprintf(pieces, sizeof(pieces), "pieces %" PRIu32 "/%"
			    PRIu32, st->pieces_have, st->num_pieces);
		if (level == 2)
			at[0] = '\0';
		view_join(buf, len, parts, 3);
		if (view_text_width(buf) <= width)
			break;
	}
}

static void
draw_progress(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char		 text[160], bar[1024];
	uint64_t	 d = m->status.done_bytes, t = m->status.total_bytes;
	int		 width, filled;

	/* the bar takes 10 to 60 cells, the text what is left */
	view_header_progress(m, getmaxx(w) - 14, text, sizeof(text));
	if (m->have_status && m->status.state == MSG_STATE_METADATA) {
		d = m->status.meta_have;
		t = m->status.meta_pieces;
	}
	width = getmaxx(w) - view_text_width(text) - 4;
	if (width > 60)
		width = 60;
	if (width < 10)
		width = 10;
	filled = view_format_bar(d, t, width, vs->unicode, bar, sizeof(bar));
	draw_bar(w, vs, bar, filled, width);
	view_put(w, 1, width + 2, text, getmaxx(w) - width - 3,
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
		c = view_header_stats(m, getmaxx(w) - 1, vs->unicode, line,
		    sizeof(line)) ? CLR_WARN : CLR_NORMAL;
	}
	view_put(w, 2, 1, line, getmaxx(w) - 1, colors_attr(vs->mono, c));
health:
	view_header_health(&m->health, line, sizeof(line), &level);
	c = level == 2 ? CLR_ERROR : level == 1 ? CLR_WARN : CLR_DIM;
	view_put(w, 3, 1, line, getmaxx(w) - 1, colors_attr(vs->mono, c));
}
