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
#include <time.h>

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

/* Parts joined by two blanks into buf; empty ones are left out. */
static void
join(char *buf, size_t len, const char *const *parts, size_t n)
{
	size_t	i, at = 0;
	int	k;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < n && at < len; i++) {
		if (parts[i][0] == '\0')
			continue;
		k = snprintf(buf + at, len - at, "%s%s", at > 0 ? "  " : "",
		    parts[i]);
		at += k < 0 ? 0 : (size_t)k;
	}
}

/* A torrent that cannot move data shows no rate at once: the engine's
 * rates fall over seconds. */
static int
idle_state(uint8_t state)
{
	return state == MSG_STATE_PAUSED || state == MSG_STATE_QUEUED ||
	    state == MSG_STATE_ERROR;
}

/* "↓ 1.5 MiB/s [max 2.0 MiB/s]"; without the limit when !limits. */
static void
rate_text(const char *arrow, uint64_t bps, uint64_t max, int limits,
    char *buf, size_t len)
{
	char	r[FMT_MAX], l[FMT_MAX];

	fmt_rate(r, sizeof(r), bps);
	if (max != 0 && limits)
		snprintf(buf, len, "%s %s [max %s]", arrow, r,
		    fmt_rate(l, sizeof(l), max));
	else
		snprintf(buf, len, "%s %s", arrow, r);
}

/* "ratio 1.234 of 2.000 (61.7%)" toward a ratio limit (full), "ratio
 * 1.234/2.000" (short), "ratio 1.234" without a limit. */
static void
ratio_text(uint32_t milli, uint32_t limit, int full, char *buf, size_t len)
{
	char	pct[16];

	if (limit == 0) {
		snprintf(buf, len, "ratio %" PRIu32 ".%03" PRIu32,
		    milli / 1000, milli % 1000);
		return;
	}
	view_format_percent(milli, limit, pct, sizeof(pct));
	if (full)
		snprintf(buf, len, "ratio %" PRIu32 ".%03" PRIu32 " of %"
		    PRIu32 ".%03" PRIu32 " (%s)", milli / 1000, milli % 1000,
		    limit / 1000, limit % 1000, pct);
	else
		snprintf(buf, len, "ratio %" PRIu32 ".%03" PRIu32 "/%" PRIu32
		    ".%03" PRIu32, milli / 1000, milli % 1000, limit / 1000,
		    limit % 1000);
}

/* The peers of the torrent in detail, from the list its Peers view and
 * tab show (the status' counts are taken at another moment), or from
 * the status until a list came. */
struct peer_counts {
	uint32_t	connected, seeds, incoming, webseeds;
};

static void
count_peers(const struct model *m, struct peer_counts *c)
{
	const struct msg_peer	*p;
	size_t			 i;

	memset(c, 0, sizeof(*c));
	if (!m->have_peers) {
		c->connected = m->status.peers_connected;
		c->seeds = m->status.seeds_connected;
		return;
	}
	c->connected = m->peers_total;
	for (i = 0; i < m->npeers; i++) {
		p = &m->peers[i];
		c->seeds += (p->flags & MSG_PEER_SEED) != 0;
		if (p->src == MSG_PEER_SRC_WEBSEED)
			c->webseeds++;
		else if (!(p->flags & MSG_PEER_OUTGOING))
			c->incoming++;
	}
}

/*
 * "peers 7 connected (5 seeds, 6 incoming), 2 known" (detail 0), "peers 7
 * (5 seeds), 2 known" (1), "peers 7 (5 seeds)" (2).  Known are the
 * addresses the engine may dial; peers that dialled us (and web seeds)
 * need none, so when there are more connected than known, those say why.
 */
static void
peers_text(const struct model *m, int detail, char *buf, size_t len)
{
	struct peer_counts	c;
	char			why[96] = "", part[40];
	size_t			at = 0;
	uint32_t		known = m->status.peers_known;

	count_peers(m, &c);
	if (c.seeds > 0)
		at += (size_t)snprintf(why, sizeof(why), "%" PRIu32 " seed%s",
		    c.seeds, c.seeds == 1 ? "" : "s");
	if (c.connected > known && c.incoming > 0 && at < sizeof(why)) {
		snprintf(part, sizeof(part), "%" PRIu32 " incoming",
		    c.incoming);
		at += (size_t)snprintf(why + at, sizeof(why) - at, "%s%s",
		    at > 0 ? ", " : "", part);
	}
	if (c.connected > known && c.webseeds > 0 && at < sizeof(why))
		snprintf(why + at, sizeof(why) - at, "%s%" PRIu32 " web "
		    "seed%s", at > 0 ? ", " : "", c.webseeds, c.webseeds == 1 ?
		    "" : "s");
	snprintf(part, sizeof(part), ", %" PRIu32 " known", known);
	snprintf(buf, len, "peers %" PRIu32 "%s%s%s%s%s", c.connected,
	    detail == 0 ? " connected" : "", why[0] ? " (" : "", why,
	    why[0] ? ")" : "", detail < 2 ? part : "");
}

/* How much view_header_stats leaves out, step by step, to fit. */
enum {
	STATS_FULL,
	STATS_PEERS_SHORT,	/* "peers 7 (5 seeds), 9 known" */
	STATS_NO_LIMITS,	/* no "[max ...]" */
	STATS_RATIO_SHORT,	/* "ratio 1.234/2.000" */
	STATS_PEERS_SHORTER,	/* "peers 7 (5 seeds)" */
	STATS_NO_RATIO,
	STATS_LEVELS
};

static void
stats_at(const struct model *m, int level, int unicode, char *buf,
    size_t len)
{
	const struct msg_status	*st = &m->status;
	char			 down[64], up[64], eta[32], r[64], peers[160];
	char			 d[FMT_MAX];
	const char		*parts[5] = { down, up, eta, r, peers };
	int			 idle = idle_state(st->state);

	/* a seed downloads nothing: its last download rate would linger */
	rate_text(unicode ? "\xe2\x86\x93" : "D:", idle || st->state ==
	    MSG_STATE_SEEDING ? 0 : st->down_bps, st->max_down_bps,
	    level < STATS_NO_LIMITS, down, sizeof(down));
	rate_text(unicode ? "\xe2\x86\x91" : "U:", idle ? 0 : st->up_bps,
	    st->max_up_bps, level < STATS_NO_LIMITS, up, sizeof(up));
	/* only a download has an ETA: a seed's would read "0s" */
	eta[0] = '\0';
	if (st->state == MSG_STATE_DOWNLOADING)
		snprintf(eta, sizeof(eta), "ETA %s", fmt_duration(d,
		    sizeof(d), st->eta_s));
	r[0] = '\0';
	if (level < STATS_NO_RATIO)
		ratio_text(st->ratio_milli, m->seed_ratio_milli,
		    level < STATS_RATIO_SHORT, r, sizeof(r));
	peers_text(m, level < STATS_PEERS_SHORT ? 0 : level <
	    STATS_PEERS_SHORTER ? 1 : 2, peers, sizeof(peers));
	join(buf, len, parts, 5);
}

void
view_header_stats(const struct model *m, int width, int unicode, char *buf,
    size_t len)
{
	const struct msg_status	*st = &m->status;
	int			 level;

	if (!model_engine_live(m)) {
		snprintf(buf, len, "%s -  %s -  ETA -  ratio %" PRIu32 ".%03"
		    PRIu32 "  peers -", unicode ? "\xe2\x86\x93" : "D:",
		    unicode ? "\xe2\x86\x91" : "U:", st->ratio_milli / 1000,
		    st->ratio_milli % 1000);
		return;
	}
	for (level = 0; level < STATS_LEVELS; level++) {
		stats_at(m, level, unicode, buf, len);
		if (view_text_width(buf) <= width)
			return;
	}
}

void
view_header_session(const struct msg_session *ss, int live, int width,
    int unicode, char *buf, size_t len)
{
	char		 down[64], up[64], tor[96], peers[32], port[16];
	char		 turtle[64] = "", ad[FMT_MAX], au[FMT_MAX];
	const char	*parts[6] = { turtle, down, up, tor, peers, port };
	/* turtle mode first, at every width, with its limits (in force) */
	uint64_t	 max_down = ss->turtle ? 0 : ss->max_down_bps,
			 max_up = ss->turtle ? 0 : ss->max_up_bps;
	int		 level, idle = ss->active == 0;

	if (ss->turtle)
		snprintf(turtle, sizeof(turtle), "turtle %s%s %s%s", unicode ?
		    "\xe2\x86\x93" : "D:", ss->alt_down_bps == 0 ? "none" :
		    fmt_rate(ad, sizeof(ad), ss->alt_down_bps), unicode ?
		    "\xe2\x86\x91" : "U:", ss->alt_up_bps == 0 ? "none" :
		    fmt_rate(au, sizeof(au), ss->alt_up_bps));

	if (!live) {
		snprintf(buf, len, "%s -  %s -  torrents %" PRIu32,
		    unicode ? "\xe2\x86\x93" : "D:",
		    unicode ? "\xe2\x86\x91" : "U:", ss->num_torrents);
		return;
	}
	/* full; no limits; torrents in short; no port */
	for (level = 0; level < 4; level++) {
		rate_text(unicode ? "\xe2\x86\x93" : "D:", idle ? 0 :
		    ss->down_bps, max_down, level < 1, down, sizeof(down));
		rate_text(unicode ? "\xe2\x86\x91" : "U:", idle ? 0 :
		    ss->up_bps, max_up, level < 1, up, sizeof(up));
		if (level < 2)
			snprintf(tor, sizeof(tor), "torrents %" PRIu32 " (%"
			    PRIu32 " active, %" PRIu32 " queued, at most %"
			    PRIu32 ")", ss->num_torrents, ss->active,
			    ss->queued, ss->max_active);
		else
			snprintf(tor, sizeof(tor), "torrents %" PRIu32 " (%"
			    PRIu32 " active)", ss->num_torrents, ss->active);
		snprintf(peers, sizeof(peers), "peers %" PRIu32,
		    ss->peers_connected);
		port[0] = '\0';
		if (level < 3)
			snprintf(port, sizeof(port), "port %u",
			    (unsigned)ss->port);
		join(buf, len, parts, 6);
		if (view_text_width(buf) <= width)
			return;
	}
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
		join(buf, len, parts, 3);
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
		view_header_stats(m, getmaxx(w) - 1, vs->unicode, line,
		    sizeof(line));
		c = CLR_NORMAL;
	}
	view_put(w, 2, 1, line, getmaxx(w) - 1, colors_attr(vs->mono, c));
health:
	view_header_health(&m->health, line, sizeof(line), &level);
	c = level == 2 ? CLR_ERROR : level == 1 ? CLR_WARN : CLR_DIM;
	view_put(w, 3, 1, line, getmaxx(w) - 1, colors_attr(vs->mono, c));
}

/* The count a tab shows, -1 for none.  Peers: the list's count, the one
 * the header's peers and the Peers view show. */
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

/* How the tab bar makes room, step by step. */
enum {
	TABS_FULL,
	TABS_SHORT_ESC,		/* " Esc " for " Esc: torrents " */
	TABS_NO_HELP,		/* no " ? help " on the right */
	TABS_NO_COUNTS,		/* " 2 Peers " for " 2 Peers (7) " */
	TABS_NUMBERS,		/* " 2 " alone */
	TABS_LEVELS
};

/* Tab i (0: Esc or Torrents, then the views) at level into buf. */
static void
tab_text(const struct model *m, const struct view_state *vs, int i,
    int level, char *buf, size_t len)
{
	int64_t	n;
	int	v = i - 1;

	if (i == 0) {
		if (vs->home)
			snprintf(buf, len, " Torrents (%zu) ", m->ntorrents);
		else
			snprintf(buf, len, "%s", level < TABS_SHORT_ESC ?
			    " Esc: torrents " : " Esc ");
		return;
	}
	n = level < TABS_NO_COUNTS ? view_count(m, (enum view_id)v) : -1;
	if (level >= TABS_NUMBERS)
		snprintf(buf, len, " %d ", v + 1);
	else if (n >= 0)
		snprintf(buf, len, " %d %s (%" PRId64 ") ", v + 1,
		    view_name((enum view_id)v), n);
	else
		snprintf(buf, len, " %d %s ", v + 1,
		    view_name((enum view_id)v));
}

/* The tabs' columns at level, with a blank after each, and the help's. */
static int
tabs_width(const struct model *m, const struct view_state *vs, int level)
{
	char	tab[48];
	int	i, x = 0, ntabs = vs->home ? 1 : 1 + VIEW_COUNT;

	for (i = 0; i < ntabs; i++) {
		tab_text(m, vs, i, level, tab, sizeof(tab));
		x += view_text_width(tab) + 2;	/* its trailing blank too */
	}
	return x + (level < TABS_NO_HELP ? 9 : 0);
}

void
view_tabs_draw(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	char	tab[48];
	int	x = 0, i, level, used, ntabs = vs->home ? 1 : 1 + VIEW_COUNT;
	attr_t	a;

	for (level = 0; level + 1 < TABS_LEVELS &&
	    tabs_width(m, vs, level) > getmaxx(w); level++)
		;
	view_fill(w, 0, 0, getmaxx(w), colors_attr(vs->mono, CLR_TAB));
	for (i = 0; i < ntabs; i++) {
		tab_text(m, vs, i, level, tab, sizeof(tab));
		if (i == 0)
			a = colors_attr(vs->mono, vs->home && !vs->help ?
			    CLR_TAB_ACTIVE : CLR_TAB);
		else
			a = colors_attr(vs->mono, i - 1 == (int)vs->view &&
			    !vs->help ? CLR_TAB_ACTIVE : CLR_TAB);
		used = view_put(w, 0, x, tab, getmaxx(w) - x, a);
		/* the list's own tab goes nowhere; " Esc: torrents " is Esc */
		if (i > 0)
			view_hit_add(vs, w, 0, x, used, VIEW_HIT_TAB, i - 1);
		else if (!vs->home)
			view_hit_add(vs, w, 0, x, used, VIEW_HIT_KEY,
			    action_key_named("Esc"));
		x += used + 1;
	}
	if (level < TABS_NO_HELP && getmaxx(w) - x >= 9) {
		view_put(w, 0, getmaxx(w) - 9, " ? help ", 8,
		    colors_attr(vs->mono, vs->help ? CLR_TAB_ACTIVE : CLR_TAB));
		view_hit_add(vs, w, 0, getmaxx(w) - 9, 8, VIEW_HIT_KEY,
		    action_key_named("?"));
	}
}

/*
 * The bottom bar's keys (htop's function bar): a key, then what it does on
 * a coloured band.  A label is never cut: when they do not all fit, whole
 * ones go, the least needed first (the help lists every key).
 */
#define HINTS_MAX	16

struct hint {
	const char	*key, *what;
	int		 rank;		/* 0: kept longest */
};

struct hints {
	struct hint	h[HINTS_MAX];
	int		n;
};

static void
hint(struct hints *hs, const char *key, const char *what, int rank)
{
	if (hs->n < HINTS_MAX)
		hs->h[hs->n++] = (struct hint){ key, what, rank };
}

/* Columns of hint h with the blank after it. */
static int
hint_width(const struct hint *h)
{
	return view_text_width(h->key) + view_text_width(h->what) + 3;
}

static void
fit_hints(const struct hints *hs, int cols, int *shown_out)
{
	int	i, total = 0, worst;

	for (i = 0; i < hs->n; i++) {
		shown_out[i] = 1;
		total += hint_width(&hs->h[i]);
	}
	while (total - 1 > cols) {
		for (i = 0, worst = -1; i < hs->n; i++)
			if (shown_out[i] && (worst < 0 ||
			    hs->h[i].rank >= hs->h[worst].rank))
				worst = i;
		if (worst < 0)
			break;
		shown_out[worst] = 0;
		total -= hint_width(&hs->h[worst]);
	}
}

/* The home screen's keys. */
static void
home_hints(struct hints *hs, const struct model *m,
    const struct view_state *vs)
{
	if (m->health.state == SUP_GAVE_UP)
		hint(hs, "R", "Retry", 0);
	if (vs->help)
		hint(hs, "Esc", "Close", 0);
	hint(hs, "F1", "Help", 1);
	hint(hs, "Enter", "Open", 1);
	hint(hs, "a", "Add", 2);
	hint(hs, "x", "Remove", 4);
	hint(hs, "p", "Pause", 2);
	hint(hs, "P", "All", 5);
	hint(hs, "s", "Sort", 4);
	hint(hs, "d/u", "Limits", 5);
	hint(hs, "q", "Quit", 0);
}

/* A torrent's detail's keys. */
static void
detail_hints(struct hints *hs, const struct model *m,
    const struct view_state *vs)
{
	int	paused = m->have_status && m->status.state == MSG_STATE_PAUSED;
	int	failed = model_engine_live(m) && m->have_status &&
		    m->status.state == MSG_STATE_ERROR;

	if (m->health.state == SUP_GAVE_UP || failed)
		hint(hs, "R", "Retry", 0);
	if (vs->help || vs->detail != VIEW_DETAIL_NONE || vs->line_open)
		hint(hs, "Esc", "Close", 0);
	hint(hs, "F1", "Help", 1);
	hint(hs, "Tab", "View", 2);
	if (vs->view == VIEW_PIECES || vs->view == VIEW_PEERS)
		hint(hs, "Enter", "Inspect", 2);
	if (vs->view == VIEW_FILES) {
		hint(hs, "Enter", "Fold", 2);
		hint(hs, "Space", "Skip", 3);
	}
	if (vs->view == VIEW_PEERS)
		hint(hs, "s", "Sort", 4);
	hint(hs, "p", failed ? "Retry" : paused ? "Resume" : "Pause", 1);
	hint(hs, "r", "Announce", 5);
	hint(hs, "d/u", "Limits", 5);
	hint(hs, "q", "Quit", 0);
}

static void
draw_hints(WINDOW *w, const struct model *m, const struct view_state *vs)
{
	struct hints	hs;
	char		label[32];
	int		shown[HINTS_MAX], x = 0, i, x0, key;

	hs.n = 0;
	if (vs->home)
		home_hints(&hs, m, vs);
	else
		detail_hints(&hs, m, vs);
	fit_hints(&hs, getmaxx(w), shown);
	for (i = 0; i < hs.n; i++) {
		if (!shown[i])
			continue;
		snprintf(label, sizeof(label), " %s ", hs.h[i].what);
		x0 = x;
		x += view_put(w, 0, x, hs.h[i].key, getmaxx(w) - x,
		    colors_attr(vs->mono, CLR_FOOTER_KEY));
		x += view_put(w, 0, x, label, getmaxx(w) - x,
		    colors_attr(vs->mono, CLR_FOOTER_TEXT));
		/* a click is the key the label names ("d/u" names two) */
		if ((key = action_key_named(hs.h[i].key)) >= 0)
			view_hit_add(vs, w, 0, x0, x - x0, VIEW_HIT_KEY, key);
		x += x < getmaxx(w) ? 1 : 0;
	}
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
