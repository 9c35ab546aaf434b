/*
 * Tracker client.  Owns the URL list (tiers of struct turl), one announce
 * "round" at a time and, within it, one attempt: either a curl easy handle
 * in the multi handle (tracker_http.c), a UDP tracker's name resolving on a
 * worker thread or a connected non-blocking UDP socket (tracker_udp.c).
 * This file decides which URL is tried when and what an answer or a
 * failure does.  Invariant: t->state != ATT_NONE only while t->round is
 * set, and then the attempt belongs to t->tiers[t->ti].urls[t->ui]; a
 * resolution is in the pool only while t->state == ATT_UDP_RESOLVE.  Time
 * comes from the caller.
 */
#include "tracker.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "metainfo.h"
#include "resolve.h"
#include "rng.h"
#include "tracker_impl.h"
#include "worker.h"

#define INTERVAL_DEFAULT_S	1800
#define INTERVAL_MIN_S		30
#define INTERVAL_MAX_S		3600
#define MIN_INTERVAL_DEFAULT_S	30
#define MIN_INTERVAL_FLOOR_S	10
/* The engine asks for peers (TRACKER_EV_NONE) only when it has none left.
 * A starving client waits at most this long, whatever "min interval" says:
 * opentracker asks for ~15 min, which would leave a lone leecher idle. */
#define MIN_INTERVAL_CAP_S	30
#define BACKOFF_FIRST_MS	15000
#define BACKOFF_MAX_MS		(15 * 60 * 1000)
#define NUMWANT			80

static void	start_attempts(struct tracker *, uint64_t, struct turl *,
		    const char *);

void
tracker_log(struct tracker *t, const char *fmt, ...)
{
	char	line[512];
	va_list	ap;

	if (t->cb.on_log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	t->cb.on_log(t->cb.arg, line);
}

/* A bounded copy that always terminates (truncation is fine for texts). */
void
tracker_text_set(char *dst, size_t len, const char *src)
{
	size_t	n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

struct turl *
tracker_cur_url(const struct tracker *t)
{
	return t->tiers[t->ti].urls[t->ui];
}

/* --- creation ---------------------------------------------------------- */

static int
url_kind(const char *url)
{
	if (strncasecmp(url, "http://", 7) == 0 ||
	    strncasecmp(url, "https://", 8) == 0)
		return URL_HTTP;
	if (strncasecmp(url, "udp://", 6) == 0)
		return URL_UDP;
	return URL_OTHER;
}

static struct turl *
turl_new(const char *url, size_t tier)
{
	struct turl	*u;
	char		 host[256], port[8];

	if ((u = calloc(1, sizeof(*u))) == NULL)
		return NULL;
	if ((u->url = strdup(url)) == NULL) {
		free(u);
		return NULL;
	}
	u->kind = url_kind(url);
	u->tier = tier;
	u->seeders = u->leechers = -1;
	/* URLs that can never work are marked once and skipped in rounds. */
	if (u->kind == URL_OTHER) {
		u->status = TRACKER_ERROR;
		tracker_text_set(u->error, sizeof(u->error),
		    "unsupported URL scheme");
	} else if (u->kind == URL_UDP && tracker_udp_split(url, host,
	    sizeof(host), port, sizeof(port)) != BT_OK) {
		u->kind = URL_OTHER;
		u->status = TRACKER_ERROR;
		tracker_text_set(u->error, sizeof(u->error), UDP_URL_ERROR);
	}
	return u;
}

static void
turl_free(struct turl *u)
{
	if (u == NULL)
		return;
	free(u->url);
	free(u->tracker_id);
	free(u);
}

/* Copies one tier and shuffles it (BEP 12: Fisher-Yates, our RNG). */
static int
tier_copy(struct tracker *t, struct tier *dst, const struct metainfo_tier *src,
    size_t index)
{
	struct turl	*tmp;
	size_t		 i, j;

	if (src->n > 0 &&
	    (dst->urls = calloc(src->n, sizeof(*dst->urls))) == NULL)
		return BT_ERR_NOMEM;
	for (i = 0; i < src->n; i++) {
		if ((dst->urls[i] = turl_new(src->urls[i], index)) == NULL)
			return BT_ERR_NOMEM;
		dst->n++;
		t->nurls++;
	}
	for (i = dst->n; i > 1; i--) {
		j = (size_t)(rng_next(&t->rng) % i);
		tmp = dst->urls[i - 1];
		dst->urls[i - 1] = dst->urls[j];
		dst->urls[j] = tmp;
	}
	return BT_OK;
}

struct tracker *
tracker_new(const struct metainfo_tier *tiers, size_t ntiers,
    const uint8_t info_hash[20], const uint8_t peer_id[20], uint16_t port,
    uint64_t rng_seed, const struct tracker_cb *cb, struct worker_pool *pool)
{
	struct tracker	*t;
	size_t		 i;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->fd = -1;
	t->queued_ev = -1;
	t->rng = rng_seed;
	t->cb = *cb;
	t->pool = pool;
	memcpy(t->info_hash, info_hash, sizeof(t->info_hash));
	memcpy(t->peer_id, peer_id, sizeof(t->peer_id));
	t->port = port;
	t->key = (uint32_t)rng_next(&t->rng);
	bbuf_init(&t->body, TRACKER_MAX_BODY);
	if ((t->multi = curl_multi_init()) == NULL)
		goto fail;
	if (ntiers > 0 && (t->tiers = calloc(ntiers, sizeof(*t->tiers))) ==
	    NULL)
		goto fail;
	t->ntiers = ntiers;
	for (i = 0; i < ntiers; i++) {
		if (tier_copy(t, &t->tiers[i], &tiers[i], i) != BT_OK)
			goto fail;
	}
	return t;
fail:
	tracker_free(t);
	return NULL;
}

/* --- attempts: common ---------------------------------------------------- */

/* Ends the current attempt's transfer or socket; the round goes on. */
void
tracker_attempt_close(struct tracker *t)
{
	/* The result would come back for an attempt that is over. */
	if (t->state == ATT_UDP_RESOLVE && t->pool != NULL)
		worker_cancel_owner(t->pool, t);
	t->resolved_ready = 0;
	tracker_http_close(t);
	if (t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
	bbuf_cleanup(&t->body);
	t->state = ATT_NONE;
}

void
tracker_free(struct tracker *t)
{
	size_t	i, j;

	if (t == NULL)
		return;
	tracker_attempt_close(t);
	if (t->multi != NULL)
		curl_multi_cleanup(t->multi);
	for (i = 0; i < t->ntiers; i++) {
		for (j = 0; j < t->tiers[i].n; j++)
			turl_free(t->tiers[i].urls[j]);
		free(t->tiers[i].urls);
	}
	free(t->tiers);
	free(t);
}

void
tracker_fill_announce(struct tracker *t, struct tracker_announce *a)
{
	memset(a, 0, sizeof(*a));
	memcpy(a->info_hash, t->info_hash, sizeof(a->info_hash));
	memcpy(a->peer_id, t->peer_id, sizeof(a->peer_id));
	if (t->cb.get_stats != NULL)
		t->cb.get_stats(t->cb.arg, &a->uploaded, &a->downloaded,
		    &a->left);
	a->event = t->ev;
	a->key = t->key;
	a->numwant = t->ev == TRACKER_EV_STOPPED ? 0 : NUMWANT;
	a->port = t->port;
	a->has_ipv6 = t->has_ipv6;
	memcpy(a->ipv6, t->ipv6, sizeof(a->ipv6));
}

void
tracker_set_ipv6(struct tracker *t, const uint8_t ip[16])
{
	t->has_ipv6 = ip != NULL;
	if (ip != NULL)
		memcpy(t->ipv6, ip, sizeof(t->ipv6));
}

void
tracker_set_bind(struct tracker *t, tracker_bind_fn fn, void *arg)
{
	t->bind_fn = fn;
	t->bind_arg = arg;
}

int
tracker_bind_source(const struct tracker *t, int fd, int family)
{
	return t->bind_fn != NULL ? t->bind_fn(t->bind_arg, fd, family) : 0;
}

/* The next contactable URL of the round, in tier order; 0 at the end. */
static int
url_step(struct tracker *t)
{
	do {
		t->ui++;
		while (t->ti < t->ntiers && t->ui >= t->tiers[t->ti].n) {
			t->ti++;
			t->ui = 0;
		}
	} while (t->ti < t->ntiers && tracker_cur_url(t)->kind == URL_OTHER);
	return t->ti < t->ntiers;
}

static int
url_first(struct tracker *t)
{
	t->ti = 0;
	t->ui = 0;
	if (t->ntiers == 0)
		return 0;
	if (t->tiers[0].n > 0 && tracker_cur_url(t)->kind != URL_OTHER)
		return 1;
	return url_step(t);
}

/* BEP 12: a URL that answered goes to the front of its tier. */
static void
url_to_front(struct tracker *t)
{
	struct tier	*tier = &t->tiers[t->ti];
	struct turl	*u = tier->urls[t->ui];

	memmove(&tier->urls[1], &tier->urls[0], t->ui * sizeof(*tier->urls));
	tier->urls[0] = u;
	t->ui = 0;
}

static uint64_t
clamp_s(int64_t v, int64_t dflt, int64_t lo, int64_t hi)
{
	if (v < 0)
		v = dflt;
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return (uint64_t)v * 1000;
}

/* The round is over: the next one is at next_ms, with a queued event if
 * one was asked for meanwhile.  Nothing follows a STOPPED round. */
static void
round_end(struct tracker *t, uint64_t next_ms)
{
	t->round = 0;
	t->scheduled = t->ev != TRACKER_EV_STOPPED;
	t->due_ms = next_ms;
	if (t->scheduled && t->queued_ev >= 0) {
		t->ev = t->queued_ev;
		t->queued_ev = -1;
	}
}

static void
round_ok(struct tracker *t, uint64_t now, const struct outcome *o)
{
	uint64_t	ival, min;

	ival = clamp_s(o->interval, INTERVAL_DEFAULT_S, INTERVAL_MIN_S,
	    INTERVAL_MAX_S);
	min = clamp_s(o->min_interval, MIN_INTERVAL_DEFAULT_S,
	    MIN_INTERVAL_FLOOR_S, (int64_t)(ival / 1000) < MIN_INTERVAL_CAP_S ?
	    (int64_t)(ival / 1000) : MIN_INTERVAL_CAP_S);
	t->fails = 0;
	t->not_before_ms = now + min;
	if (t->ev != TRACKER_EV_STOPPED)
		t->ev = TRACKER_EV_NONE;
	/* An event asked for during the round goes at once. */
	round_end(t, t->queued_ev >= 0 ? now : now + ival);
}

/* Every URL failed: back off 15 s, doubling up to 15 min.  Returns the
 * wait, 0 when nothing follows (a STOPPED round). */
static uint64_t
round_failed(struct tracker *t, uint64_t now)
{
	uint64_t	backoff = BACKOFF_FIRST_MS;
	unsigned	i;

	for (i = 0; i < t->fails && backoff < BACKOFF_MAX_MS; i++)
		backoff *= 2;
	if (backoff > BACKOFF_MAX_MS)
		backoff = BACKOFF_MAX_MS;
	t->fails++;
	t->not_before_ms = now + backoff;
	round_end(t, now + backoff);
	return t->scheduled ? backoff : 0;
}

/* The current URL failed: record why, then try the next ones. */
void
tracker_attempt_failed(struct tracker *t, uint64_t now, const char *why)
{
	struct turl	*u = tracker_cur_url(t);
	char		 reason[REASON_LEN];

	tracker_text_set(reason, sizeof(reason), why);
	tracker_attempt_close(t);
	u->status = TRACKER_ERROR;
	u->last_ms = now;
	tracker_text_set(u->error, sizeof(u->error), reason);
	start_attempts(t, now, u, reason);
}

static void
log_success(struct tracker *t, const struct turl *u, int stopping,
    const struct outcome *o)
{
	if (stopping)
		tracker_log(t, "tracker %s: stopped", u->url);
	else
		tracker_log(t, "tracker %s: %zu peer%s, interval %lld s",
		    u->url, o->npeers, o->npeers == 1 ? "" : "s",
		    (long long)(clamp_s(o->interval,
		    INTERVAL_DEFAULT_S, INTERVAL_MIN_S, INTERVAL_MAX_S) / 1000));
}

/* The current URL answered.  State is settled before the callbacks run. */
void
tracker_attempt_ok(struct tracker *t, uint64_t now, const struct outcome *o)
{
	struct turl	*u = tracker_cur_url(t);
	int		 stopping = t->ev == TRACKER_EV_STOPPED;
	char		*id;

	tracker_attempt_close(t);
	u->status = TRACKER_OK;
	u->last_ms = now;
	u->seeders = o->seeders;
	u->leechers = o->leechers;
	u->error[0] = '\0';
	if (o->tracker_id != NULL && (id = strdup(o->tracker_id)) != NULL) {
		free(u->tracker_id);
		u->tracker_id = id;
	}
	url_to_front(t);
	round_ok(t, now, o);
	log_success(t, u, stopping, o);
	if (!stopping && o->npeers > 0 && t->cb.on_peers != NULL)
		t->cb.on_peers(t->cb.arg, o->peers, o->npeers);
}
/* --- rounds ------------------------------------------------------------ */

static int
attempt_start(struct tracker *t, uint64_t now, char *err, size_t errlen)
{
	struct tracker_announce	 a;
	struct turl		*u = tracker_cur_url(t);
	int			 r;

	t->prev_status = u->status;
	u->status = TRACKER_ANNOUNCING;
	if (u->kind == URL_UDP)
		return tracker_udp_start(t, u, now, err, errlen);
	tracker_fill_announce(t, &a);
	r = tracker_http_start(t, u, &a, err, errlen);
	return r;
}

/*
 * Tries URLs from the one after `failed' (NULL: from the current one) until
 * an attempt starts; when none is left, the round has failed and backs off.
 * `why' is why `failed' failed, for the log.
 */
static void
start_attempts(struct tracker *t, uint64_t now, struct turl *failed,
    const char *why)
{
	char		 err[REASON_LEN], reason[REASON_LEN];
	struct turl	*u;

	uint64_t	 wait;

	tracker_text_set(reason, sizeof(reason), why != NULL ? why : "");
	for (;;) {
		if (failed != NULL && !url_step(t)) {
			if ((wait = round_failed(t, now)) == 0)
				tracker_log(t, "tracker %s: %s; no tracker "
				    "left", failed->url, reason);
			else
				tracker_log(t, "tracker %s: %s; no tracker "
				    "left, next try in %llu s", failed->url,
				    reason, (unsigned long long)(wait / 1000));
			return;
		}
		u = tracker_cur_url(t);
		if (failed != NULL)
			tracker_log(t, "tracker %s: %s, trying %s", failed->url,
			    reason, u->url);
		if (attempt_start(t, now, err, sizeof(err)) == BT_OK)
			return;
		u->status = TRACKER_ERROR;
		u->last_ms = now;
		tracker_text_set(u->error, sizeof(u->error), err);
		tracker_text_set(reason, sizeof(reason), err);
		failed = u;
	}
}

static void
round_start(struct tracker *t, uint64_t now)
{
	t->scheduled = 0;
	t->kick = 0;
	if (!url_first(t)) {
		/* Nothing to contact: no round, nothing scheduled. */
		return;
	}
	t->round = 1;
	start_attempts(t, now, NULL, NULL);
}

/* Aborts the attempt in flight (for STOPPED); the URL's status is undone. */
static void
round_abort(struct tracker *t)
{
	if (t->state != ATT_NONE)
		tracker_cur_url(t)->status = t->prev_status;
	tracker_attempt_close(t);
	t->round = 0;
}

void
tracker_announce(struct tracker *t, enum tracker_event ev, uint64_t now_ms)
{
	uint64_t	when = now_ms;

	if (t->stopped || (unsigned)ev > TRACKER_EV_STOPPED)
		return;
	if (ev == TRACKER_EV_STOPPED) {
		round_abort(t);
		t->stopped = 1;
		t->queued_ev = -1;
		t->ev = ev;
	} else if (t->round) {
		if (ev != TRACKER_EV_NONE && (int)ev != t->ev)
			t->queued_ev = (int)ev;
		return;
	} else if (ev == TRACKER_EV_NONE) {
		/* Keep the pending event (a STARTED retry stays one), wait
		 * for the min interval or the back-off. */
		if (t->not_before_ms > when)
			when = t->not_before_ms;
		if (t->scheduled && t->due_ms <= when)
			return;
	} else
		t->ev = ev;
	t->scheduled = 1;
	t->due_ms = when;
	t->kick = when == now_ms;
}

/* --- the loop ---------------------------------------------------------- */

static int
udp_in_flight(const struct tracker *t)
{
	return t->state == ATT_UDP_CONNECT || t->state == ATT_UDP_ANNOUNCE;
}

void
tracker_fdset(struct tracker *t, fd_set *rd, fd_set *wr, int *maxfd)
{
	if (t->state == ATT_HTTP)
		tracker_http_fdset(t, rd, wr, maxfd);
	if (udp_in_flight(t) && t->fd >= 0 && t->fd < FD_SETSIZE) {
		FD_SET(t->fd, rd);
		if (t->fd > *maxfd)
			*maxfd = t->fd;
	}
}

int64_t
tracker_min_wait(int64_t a, int64_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static int64_t
until(uint64_t when, uint64_t now)
{
	return when > now ? (int64_t)(when - now) : 0;
}

int64_t
tracker_timeout_ms(struct tracker *t, uint64_t now_ms)
{
	int64_t	wait = -1;

	if (t->state == ATT_HTTP)
		wait = tracker_http_timeout(t);
	if (udp_in_flight(t))
		wait = tracker_min_wait(wait, until(t->deadline_ms, now_ms));
	if (t->state == ATT_UDP_RESOLVE)
		wait = tracker_min_wait(wait, t->resolved_ready ? 0 :
		    until(t->deadline_ms, now_ms));
	if (!t->round && t->scheduled)
		wait = tracker_min_wait(wait, until(t->due_ms, now_ms));
	return wait;
}

void
tracker_perform(struct tracker *t, const fd_set *rd, const fd_set *wr,
    uint64_t now_ms)
{
	(void)wr;	/* curl_multi_perform looks at every socket itself */
	if (t->state == ATT_HTTP)
		tracker_http_perform(t, now_ms);
	if (udp_in_flight(t) && rd != NULL && t->fd >= 0 &&
	    FD_ISSET(t->fd, rd))
		tracker_udp_read(t, now_ms);
	if (udp_in_flight(t))
		tracker_udp_check_timeout(t, now_ms);
	if (t->state == ATT_UDP_RESOLVE)
		tracker_udp_check_resolved(t, now_ms);
	if (!t->round && t->scheduled && now_ms >= t->due_ms)
		round_start(t, now_ms);
}

int
tracker_busy(const struct tracker *t)
{
	return t->round || (t->scheduled && t->kick);
}

int
tracker_count(const struct tracker *t)
{
	return (int)t->nurls;
}

int
tracker_info(const struct tracker *t, size_t i, struct tracker_info *out)
{
	const struct turl	*u;
	size_t			 ti;

	memset(out, 0, sizeof(*out));
	for (ti = 0; ti < t->ntiers && i >= t->tiers[ti].n; ti++)
		i -= t->tiers[ti].n;
	if (ti == t->ntiers)
		return BT_ERR_RANGE;
	u = t->tiers[ti].urls[i];
	tracker_text_set(out->url, sizeof(out->url), u->url);
	out->tier = u->tier;
	out->status = u->status;
	out->last_ms = u->last_ms;
	out->next_ms = t->scheduled ? t->due_ms : 0;
	out->seeders = u->seeders;
	out->leechers = u->leechers;
	tracker_text_set(out->error, sizeof(out->error), u->error);
	return BT_OK;
}
