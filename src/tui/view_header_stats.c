/*
 * The header's stats line: the rates with their limits, the ETA, the seed
 * ratio and the peers of a torrent (view_header_stats), or the session's
 * totals on the home screen (view_header_session).  Each shortens itself
 * step by step to fit the terminal's width.
 */
#include "view.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ipc/fmt.h"


/* Parts joined by two blanks into buf; empty ones are left out. */
void
view_join(char *buf, size_t len, const char *const *parts, size_t n)
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

/* The trackers' rows as counts, and the newest error among them. */
struct tracker_counts {
	uint32_t		 trackers, failed, ok, dht;
	const char		*last;		/* newest error, or NULL */
};

static void
count_trackers(const struct msg_trackers *tr, struct tracker_counts *c)
{
	const struct msg_tracker	*t;
	int64_t				 newest = -1;
	uint32_t			 i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < tr->n && i < MSG_MAX_TRACKERS; i++) {
		t = &tr->t[i];
		if (t->kind == MSG_TRACKER_KIND_DHT)
			c->dht = 1;
		if (t->kind != MSG_TRACKER_KIND_TRACKER)
			continue;
		c->trackers++;
		c->ok += t->status == MSG_TRACKER_OK;
		if (t->status != MSG_TRACKER_ERROR)
			continue;
		c->failed++;
		if (t->error[0] != '\0' && (c->last == NULL ||
		    (t->last_s >= 0 && (newest < 0 || t->last_s < newest)))) {
			c->last = t->error;
			newest = t->last_s;
		}
	}
}

/* States in which the torrent looks for peers. */
static int
wants_peers(uint8_t state)
{
	return state == MSG_STATE_DOWNLOADING || state == MSG_STATE_SEEDING ||
	    state == MSG_STATE_METADATA || state == MSG_STATE_STARTING;
}

int
view_header_no_peers(const struct model *m, char *buf, size_t len)
{
	struct tracker_counts	c;
	struct peer_counts	p;
	char			last[MSG_TEXT_MAX + 16] = "";

	buf[0] = '\0';
	if (!m->have_status || !m->have_trackers ||
	    !wants_peers(m->status.state))
		return 0;
	count_peers(m, &p);
	count_trackers(&m->trackers, &c);
	if (p.connected > 0 || c.ok > 0)
		return 0;
	if (c.last != NULL)
		snprintf(last, sizeof(last), "%s %s", c.trackers == 1 ? ":" :
		    ", last:", c.last);
	if (c.trackers == 1 && c.failed == 1)
		snprintf(buf, len, "no peers: the tracker failed%s", last);
	else if (c.trackers > 0 && c.failed == c.trackers)
		snprintf(buf, len, "no peers: %" PRIu32 " trackers failed%s",
		    c.failed, last);
	else if (c.dht)
		return 0;	/* the DHT or a tracker may still answer */
	else if (c.trackers == 0)
		snprintf(buf, len, "no peers: no tracker, and the DHT is off");
	else if (c.failed > 0)
		snprintf(buf, len, "no peers: no tracker answered yet (%" PRIu32
		    " of %" PRIu32 " failed), the DHT is off%s", c.failed,
		    c.trackers, last);
	else
		return 0;	/* the first announces are on their way */
	return 1;
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
stats_at(const struct model *m, int level, int unicode, const char *why,
    char *buf, size_t len)
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
	/* no peers, and why: the ETA and the ratio say nothing then */
	if (why != NULL && why[0] != '\0') {
		parts[2] = why;
		view_join(buf, len, parts, 3);
		return;
	}
	view_join(buf, len, parts, 5);
}

int
view_header_stats(const struct model *m, int width, int unicode, char *buf,
    size_t len)
{
	const struct msg_status	*st = &m->status;
	char			 why[MSG_TEXT_MAX + 96];
	int			 level, none;

	if (!model_engine_live(m)) {
		snprintf(buf, len, "%s -  %s -  ETA -  ratio %" PRIu32 ".%03"
		    PRIu32 "  peers -", unicode ? "\xe2\x86\x93" : "D:",
		    unicode ? "\xe2\x86\x91" : "U:", st->ratio_milli / 1000,
		    st->ratio_milli % 1000);
		return 0;
	}
	none = view_header_no_peers(m, why, sizeof(why));
	for (level = 0; level < STATS_LEVELS; level++) {
		stats_at(m, level, unicode, why, buf, len);
		if (view_text_width(buf) <= width)
			break;
	}
	return none;
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
		    "\xe2\x86\x93" : "D:", fmt_limit(ad, sizeof(ad),
		    ss->alt_down_bps), unicode ? "\xe2\x86\x91" : "U:",
		    fmt_limit(au, sizeof(au), ss->alt_up_bps));

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
		view_join(buf, len, parts, 6);
		if (view_text_width(buf) <= width)
			return;
	}
}
