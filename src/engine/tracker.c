/*
 * Tracker client.  Owns the URL list (tiers of struct turl), one announce
 * "round" at a time and, within it, one attempt: either a curl easy handle
 * in the multi handle, a UDP tracker's name resolving on a worker thread,
 * or a connected non-blocking UDP socket.  Invariant: t->state != ATT_NONE
 * only while t->round is set, and then the attempt belongs to
 * t->tiers[t->ti].urls[t->ui]; a resolution is in the pool only while
 * t->state == ATT_UDP_RESOLVE.  Time comes from the caller.
 */
#include "tracker.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <curl/curl.h>
#include <errno.h>
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
#include "worker.h"

#ifndef BTTUI_VERSION
#define BTTUI_VERSION		"0"
#endif

#define HTTP_CONNECT_TIMEOUT_MS	10000L
#define HTTP_TIMEOUT_MS		30000L
#define HTTP_MAX_REDIRS		5L
#define HTTP_URL_MAX		8192
#define CURL_SHORT_WAIT_MS	100	/* curl: "100 milliseconds or so" */
#define UDP_TIMEOUT_MS		15000	/* BEP 15: 15 * 2^n seconds */
#define UDP_MAX_TRIES		3	/* waits of 15, 30, 60 s, then next */
#define UDP_CONN_TTL_MS		60000	/* BEP 15: a connection id lasts 1 min */
/* A name that takes longer fails the URL; the thread may stay stuck in
 * getaddrinfo, but the round goes on. */
#define UDP_RESOLVE_TIMEOUT_MS	15000
#define UDP_READS_PER_TURN	8
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
#define REASON_LEN		(TRACKER_MAX_TEXT + 32)	/* why a URL failed */
#define UDP_URL_ERROR		"bad UDP tracker URL (want udp://host:port/)"

enum url_kind { URL_HTTP, URL_UDP, URL_OTHER };
enum attempt_state {
	ATT_NONE, ATT_HTTP, ATT_UDP_RESOLVE, ATT_UDP_CONNECT, ATT_UDP_ANNOUNCE,
};

struct turl {
	char		*url;
	int		 kind;		/* enum url_kind */
	size_t		 tier;
	int		 status;	/* enum tracker_status */
	uint64_t	 last_ms;
	int64_t		 seeders, leechers;
	char		 error[128];
	char		*tracker_id;	/* from its last reply, or NULL */
	int		 has_conn;	/* UDP connection id below is set */
	uint64_t	 conn_id, conn_ms;
};

struct tier {
	struct turl	**urls;		/* current order (BEP 12) */
	size_t		  n;
};

/* What a successful reply of either kind brings. */
struct outcome {
	int64_t			 interval, min_interval;
	int64_t			 seeders, leechers;
	const char		*tracker_id;
	const struct tracker_peer *peers;
	size_t			 npeers;
};

struct tracker {
	struct tracker_cb	 cb;
	uint8_t			 info_hash[20], peer_id[20];
	uint16_t		 port;
	int			 has_ipv6;	/* BEP 7 ipv6= */
	uint8_t			 ipv6[16];
	/* --bind: binds each announce's socket (NULL: the kernel's pick) */
	tracker_bind_fn		 bind_fn;
	void			*bind_arg;
	uint32_t		 key;
	uint64_t		 rng;
	struct tier		*tiers;
	size_t			 ntiers, nurls;
	CURLM			*multi;
	struct worker_pool	*pool;		/* NULL: resolve inline */

	/* Rounds: one walk over the tiers for one event. */
	int			 round;		/* a round is running */
	int			 ev;		/* its (or the next one's) event */
	int			 queued_ev;	/* asked for meanwhile; -1: none */
	size_t			 ti, ui;	/* the URL being tried */
	int			 scheduled;	/* next round at due_ms */
	uint64_t		 due_ms;
	uint64_t		 not_before_ms;	/* NONE waits for this */
	unsigned		 fails;		/* rounds failed in a row */
	int			 stopped;	/* STOPPED asked: the last round */
	int			 kick;		/* a round is due at once */

	/* The attempt on the current URL. */
	int			 state;		/* enum attempt_state */
	int			 prev_status;	/* the URL's, to undo on abort */
	CURL			*easy;
	struct bbuf		 body;
	int			 body_over, fd_over;
	char			 curl_err[CURL_ERROR_SIZE];
	int			 fd;
	int			 family;
	uint32_t		 tid;
	unsigned		 tries;
	uint64_t		 deadline_ms;	/* UDP reply or resolution */
	int			 resolved_ready;	/* resolved below is set */
	struct resolve_result	 resolved;
};

static void	start_attempts(struct tracker *, uint64_t, struct turl *,
		    const char *);
static int	udp_split(const char *, char *, size_t, char *, size_t);


static void
tlog(struct tracker *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tlog(struct tracker *t, const char *fmt, ...)
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
static void
text_set(char *dst, size_t len, const char *src)
{
	size_t	n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static struct turl *
cur_url(const struct tracker *t)
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
		text_set(u->error, sizeof(u->error), "unsupported URL scheme");
	} else if (u->kind == URL_UDP && udp_split(url, host, sizeof(host),
	    port, sizeof(port)) != BT_OK) {
		u->kind = URL_OTHER;
		u->status = TRACKER_ERROR;
		text_set(u->error, sizeof(u->error), UDP_URL_ERROR);
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
static void
attempt_close(struct tracker *t)
{
	/* The result would come back for an attempt that is over. */
	if (t->state == ATT_UDP_RESOLVE && t->pool != NULL)
		worker_cancel_owner(t->pool, t);
	t->resolved_ready = 0;
	if (t->easy != NULL) {
		curl_multi_remove_handle(t->multi, t->easy);
		curl_easy_cleanup(t->easy);
		t->easy = NULL;
	}
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
	attempt_close(t);
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

static void
fill_announce(struct tracker *t, struct tracker_announce *a)
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

static int
bind_source(const struct tracker *t, int fd, int family)
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
	} while (t->ti < t->ntiers && cur_url(t)->kind == URL_OTHER);
	return t->ti < t->ntiers;
}

static int
url_first(struct tracker *t)
{
	t->ti = 0;
	t->ui = 0;
	if (t->ntiers == 0)
		return 0;
	if (t->tiers[0].n > 0 && cur_url(t)->kind != URL_OTHER)
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
static void
attempt_failed(struct tracker *t, uint64_t now, const char *why)
{
	struct turl	*u = cur_url(t);
	char		 reason[REASON_LEN];

	text_set(reason, sizeof(reason), why);
	attempt_close(t);
	u->status = TRACKER_ERROR;
	u->last_ms = now;
	text_set(u->error, sizeof(u->error), reason);
	start_attempts(t, now, u, reason);
}

static void
log_success(struct tracker *t, const struct turl *u, int stopping,
    const struct outcome *o)
{
	if (stopping)
		tlog(t, "tracker %s: stopped", u->url);
	else
		tlog(t, "tracker %s: %zu peer%s, interval %lld s", u->url,
		    o->npeers, o->npeers == 1 ? "" : "s",
		    (long long)(clamp_s(o->interval,
		    INTERVAL_DEFAULT_S, INTERVAL_MIN_S, INTERVAL_MAX_S) / 1000));
}

/* The current URL answered.  State is settled before the callbacks run. */
static void
attempt_ok(struct tracker *t, uint64_t now, const struct outcome *o)
{
	struct turl	*u = cur_url(t);
	int		 stopping = t->ev == TRACKER_EV_STOPPED;
	char		*id;

	attempt_close(t);
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

/* --- HTTP -------------------------------------------------------------- */

static size_t
http_write(char *p, size_t size, size_t n, void *arg)
{
	struct tracker	*t = arg;

	/* curl always passes size 1; a short count aborts the transfer. */
	if (n != 0 && size > SIZE_MAX / n)
		return 0;
	if (bbuf_put_bytes(&t->body, p, size * n) != BT_OK) {
		t->body_over = 1;
		return 0;
	}
	return size * n;
}

/* Opens curl's sockets ourselves to refuse fds select() cannot watch. */
static curl_socket_t
http_open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *sa)
{
	struct tracker	*t = arg;
	int		 fd;

	(void)purpose;
	fd = socket(sa->family, sa->socktype | SOCK_CLOEXEC, sa->protocol);
	if (fd >= FD_SETSIZE) {
		close(fd);
		t->fd_over = 1;
		return CURL_SOCKET_BAD;
	}
	if (fd >= 0 && bind_source(t, fd, sa->family) != 0) {
		close(fd);
		return CURL_SOCKET_BAD;
	}
	return fd < 0 ? CURL_SOCKET_BAD : fd;
}

static int
http_setopts(struct tracker *t, const char *url)
{
	CURL	*e = t->easy;

	if (curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->curl_err) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, t) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, http_open_socket) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_MAXREDIRS, HTTP_MAX_REDIRS) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    HTTP_CONNECT_TIMEOUT_MS) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, HTTP_TIMEOUT_MS) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)TRACKER_MAX_BODY) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_USERAGENT, "bttui/" BTTUI_VERSION) !=
	    CURLE_OK)
		return BT_ERR_INVALID;
	return BT_OK;
}

static int
http_start(struct tracker *t, struct turl *u, const struct tracker_announce *a,
    char *err, size_t errlen)
{
	struct bbuf	url;
	int		r;

	bbuf_init(&url, HTTP_URL_MAX);
	if ((r = tracker_http_url(u->url, a, u->tracker_id, &url)) != BT_OK) {
		snprintf(err, errlen, "cannot build the announce URL: %s",
		    bt_strerror(r));
		goto out;
	}
	bbuf_init(&t->body, TRACKER_MAX_BODY);
	t->body_over = t->fd_over = 0;
	t->curl_err[0] = '\0';
	r = BT_ERR_NOMEM;
	if ((t->easy = curl_easy_init()) == NULL ||
	    (r = http_setopts(t, (const char *)bbuf_ptr(&url))) != BT_OK ||
	    curl_multi_add_handle(t->multi, t->easy) != CURLM_OK) {
		curl_easy_cleanup(t->easy);
		t->easy = NULL;
		snprintf(err, errlen, "cannot start the transfer (libcurl)");
		r = r == BT_OK ? BT_ERR_INVALID : r;
		goto out;
	}
	t->state = ATT_HTTP;
out:
	bbuf_cleanup(&url);
	return r;
}

static void
http_error_text(struct tracker *t, CURLcode rc, char *why, size_t len)
{
	if (t->body_over || rc == CURLE_FILESIZE_EXCEEDED)
		snprintf(why, len, "reply is larger than %u bytes",
		    TRACKER_MAX_BODY);
	else if (t->fd_over)
		snprintf(why, len, "no socket below FD_SETSIZE (too many "
		    "open files; lower the peer limit)");
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		snprintf(why, len, "timed out");
	else if (t->curl_err[0] != '\0')
		text_set(why, len, t->curl_err);
	else
		text_set(why, len, curl_easy_strerror(rc));
}

/* A finished transfer: HTTP status, then the bencoded body. */
static void
http_done(struct tracker *t, CURLcode rc, uint64_t now)
{
	struct tracker_reply	rep;
	struct outcome		o;
	char			why[REASON_LEN];
	long			code = 0;
	int			r;

	if (rc != CURLE_OK) {
		http_error_text(t, rc, why, sizeof(why));
		attempt_failed(t, now, why);
		return;
	}
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
	r = tracker_parse_http(bbuf_ptr(&t->body), bbuf_len(&t->body), &rep,
	    why, sizeof(why));
	if (code != 200 && r == BT_OK && rep.failure != NULL)
		snprintf(why, sizeof(why), "HTTP %ld: failure: %s", code,
		    rep.failure);
	else if (code != 200)
		snprintf(why, sizeof(why), "HTTP %ld", code);
	else if (r == BT_OK && rep.failure != NULL)
		snprintf(why, sizeof(why), "failure: %s", rep.failure);
	if (code != 200 || r != BT_OK || rep.failure != NULL) {
		tracker_reply_cleanup(&rep);
		attempt_failed(t, now, why);
		return;
	}
	if (rep.warning != NULL)
		tlog(t, "tracker %s: warning: %s", cur_url(t)->url, rep.warning);
	o.interval = rep.interval;
	o.min_interval = rep.min_interval;
	o.seeders = rep.complete;
	o.leechers = rep.incomplete;
	o.tracker_id = rep.tracker_id;
	o.peers = rep.peers;
	o.npeers = rep.npeers;
	attempt_ok(t, now, &o);
	tracker_reply_cleanup(&rep);
}

static void
http_perform(struct tracker *t, uint64_t now)
{
	CURLMsg	*msg;
	int	 running, left;

	curl_multi_perform(t->multi, &running);
	while (t->state == ATT_HTTP &&
	    (msg = curl_multi_info_read(t->multi, &left)) != NULL) {
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == t->easy)
			http_done(t, msg->data.result, now);
	}
}

/* --- UDP (BEP 15) ------------------------------------------------------ */

/* "udp://host:port[/...]" or "udp://[v6]:port[/...]" into host and port. */
static int
udp_split(const char *url, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char	*p = url + 6, *hend, *q;
	size_t		 hn, pn;

	if (*p == '[') {
		if ((hend = strchr(++p, ']')) == NULL)
			return BT_ERR_FORMAT;
		q = hend + 1;
	} else {
		hend = p + strcspn(p, ":/?");
		q = hend;
	}
	hn = (size_t)(hend - p);
	if (*q != ':' || hn == 0 || hn >= hostlen)
		return BT_ERR_FORMAT;
	q++;
	pn = strspn(q, "0123456789");
	if (pn == 0 || pn >= portlen || pn > 5 ||
	    (q[pn] != '\0' && q[pn] != '/' && q[pn] != '?'))
		return BT_ERR_FORMAT;
	memcpy(host, p, hn);
	host[hn] = '\0';
	memcpy(port, q, pn);
	port[pn] = '\0';
	if (strtoul(port, NULL, 10) == 0 || strtoul(port, NULL, 10) > 65535)
		return BT_ERR_FORMAT;
	return BT_OK;
}

/* Opens and connects a non-blocking UDP socket to the first address. */
static int
udp_open(struct tracker *t, const struct resolve_result *res, char *err,
    size_t errlen)
{
	const struct sockaddr_storage	*ss = &res->addr[0];
	int				 fd, saved;

	fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd >= FD_SETSIZE) {
		close(fd);
		fd = -1;
		errno = EMFILE;
	}
	if (fd < 0 || bind_source(t, fd, ss->ss_family) != 0 ||
	    connect(fd, (const struct sockaddr *)ss, res->len[0]) != 0) {
		saved = errno;
		snprintf(err, errlen, "cannot open a UDP socket: %s",
		    strerror(saved));
		if (fd >= 0)
			close(fd);
		return BT_ERR_SYS;
	}
	t->fd = fd;
	t->family = ss->ss_family;
	return BT_OK;
}

/* Sends the request of the current state (connect or announce); a lost
 * datagram is left to the retransmission timer. */
static int
udp_send(struct tracker *t, uint64_t now, char *err, size_t errlen)
{
	struct tracker_announce	a;
	struct bbuf		b;
	uint8_t			pkt[128];
	int			r;

	bbuf_init(&b, sizeof(pkt));
	if (t->state == ATT_UDP_CONNECT)
		r = tracker_udp_put_connect(&b, t->tid);
	else {
		fill_announce(t, &a);
		r = tracker_udp_put_announce(&b, cur_url(t)->conn_id, t->tid,
		    &a);
	}
	if (r == BT_OK && send(t->fd, bbuf_ptr(&b), bbuf_len(&b), 0) < 0 &&
	    errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
		snprintf(err, errlen, "send: %s", strerror(errno));
		r = BT_ERR_SYS;
	} else if (r != BT_OK)
		snprintf(err, errlen, "cannot encode: %s", bt_strerror(r));
	bbuf_cleanup(&b);
	t->deadline_ms = now + ((uint64_t)UDP_TIMEOUT_MS << t->tries);
	return r;
}

/* A new request (fresh transaction id, retransmission count 0). */
static int
udp_request(struct tracker *t, int state, uint64_t now, char *err,
    size_t errlen)
{
	t->state = state;
	t->tid = (uint32_t)rng_next(&t->rng);
	t->tries = 0;
	return udp_send(t, now, err, errlen);
}

static int
udp_conn_valid(const struct turl *u, uint64_t now)
{
	return u->has_conn && now - u->conn_ms < UDP_CONN_TTL_MS;
}

/* The address is known: open the socket, send connect (or announce with
 * a connection id still valid). */
static int
udp_begin(struct tracker *t, struct turl *u, uint64_t now, char *err,
    size_t errlen)
{
	int	r;

	if ((r = udp_open(t, &t->resolved, err, errlen)) != BT_OK)
		return r;
	if (udp_conn_valid(u, now))
		r = udp_request(t, ATT_UDP_ANNOUNCE, now, err, errlen);
	else
		r = udp_request(t, ATT_UDP_CONNECT, now, err, errlen);
	if (r != BT_OK)
		attempt_close(t);
	return r;
}

/* From worker_drain, outside tracker_perform: only note the result, so
 * that the callbacks still run from tracker_perform alone. */
static void
udp_on_resolved(void *arg, const struct resolve_result *res)
{
	struct tracker	*t = arg;

	if (t->state != ATT_UDP_RESOLVE)
		return;		/* cannot happen: leaving the state cancels */
	t->resolved = *res;
	t->resolved_ready = 1;
}

static int
resolve_error(const char *host, const struct resolve_result *res, char *err,
    size_t errlen)
{
	snprintf(err, errlen, "cannot resolve %.64s: %s", host, res->errtext);
	return res->err;
}

/* Numeric addresses at once; names inline without a pool, or on a worker
 * thread (the attempt then waits in ATT_UDP_RESOLVE). */
static int
udp_start(struct tracker *t, struct turl *u, uint64_t now, char *err,
    size_t errlen)
{
	char		host[256], port[8];
	uint16_t	pn;
	int		r;

	if (udp_split(u->url, host, sizeof(host), port, sizeof(port)) !=
	    BT_OK) {
		snprintf(err, errlen, "%s", UDP_URL_ERROR);
		return BT_ERR_FORMAT;
	}
	pn = (uint16_t)strtoul(port, NULL, 10);	/* 1..65535: checked */
	if (resolve_numeric(host, pn, SOCK_DGRAM, &t->resolved) == BT_OK)
		return udp_begin(t, u, now, err, errlen);
	if (t->pool == NULL) {
		if (resolve_now(host, pn, SOCK_DGRAM, &t->resolved) != BT_OK)
			return resolve_error(host, &t->resolved, err, errlen);
		return udp_begin(t, u, now, err, errlen);
	}
	if ((r = resolve_submit(t->pool, host, pn, SOCK_DGRAM,
	    udp_on_resolved, t)) != BT_OK) {
		snprintf(err, errlen, "cannot resolve %.64s: %s", host,
		    bt_strerror(r));
		return r;
	}
	t->state = ATT_UDP_RESOLVE;
	t->resolved_ready = 0;
	t->deadline_ms = now + UDP_RESOLVE_TIMEOUT_MS;
	return BT_OK;
}

/* The worker's answer arrived, or the wait is over. */
static void
udp_check_resolved(struct tracker *t, uint64_t now)
{
	struct turl	*u = cur_url(t);
	char		 host[256], port[8], why[REASON_LEN];

	if (!t->resolved_ready && now < t->deadline_ms)
		return;
	if (udp_split(u->url, host, sizeof(host), port, sizeof(port)) !=
	    BT_OK)
		host[0] = '\0';	/* checked when the attempt started */
	if (!t->resolved_ready) {
		snprintf(why, sizeof(why), "cannot resolve %.64s: timed out",
		    host);
		attempt_failed(t, now, why);
		return;
	}
	t->resolved_ready = 0;
	t->state = ATT_NONE;	/* nothing in the pool any more */
	if (t->resolved.err != BT_OK) {
		resolve_error(host, &t->resolved, why, sizeof(why));
		attempt_failed(t, now, why);
	} else if (udp_begin(t, u, now, why, sizeof(why)) != BT_OK)
		attempt_failed(t, now, why);
}

static void
udp_on_reply(struct tracker *t, const struct tracker_udp_reply *rep,
    uint64_t now)
{
	struct turl	*u = cur_url(t);
	struct outcome	 o;
	char		 why[REASON_LEN];

	if (rep->action == TRACKER_UDP_ERROR) {
		snprintf(why, sizeof(why), "error: %s", rep->message);
		attempt_failed(t, now, why);
	} else if (rep->action == TRACKER_UDP_CONNECT &&
	    t->state == ATT_UDP_CONNECT) {
		u->has_conn = 1;
		u->conn_id = rep->conn_id;
		u->conn_ms = now;
		if (udp_request(t, ATT_UDP_ANNOUNCE, now, why, sizeof(why)) !=
		    BT_OK)
			attempt_failed(t, now, why);
	} else if (rep->action == TRACKER_UDP_ANNOUNCE &&
	    t->state == ATT_UDP_ANNOUNCE) {
		memset(&o, 0, sizeof(o));
		o.interval = rep->interval;
		o.min_interval = -1;
		o.seeders = rep->seeders;
		o.leechers = rep->leechers;
		o.peers = rep->peers;
		o.npeers = rep->npeers;
		attempt_ok(t, now, &o);
	}
}

/* Whether a datagram that did not parse carries our transaction id. */
static int
udp_is_ours(const struct tracker *t, const uint8_t *pkt, size_t n)
{
	struct bbuf	b;
	uint32_t	tid;

	bbuf_view(&b, pkt, n);
	return bbuf_peek_u32be(&b, 4, &tid) == BT_OK && tid == t->tid;
}

/* Reads what arrived; stale or foreign datagrams are dropped. */
static void
udp_read(struct tracker *t, uint64_t now)
{
	/* on the stack, not in struct tracker: 64 KiB per torrent was
	 * half the engine's heap with 200 torrents (`make bench`, case 5) */
	uint8_t				pkt[TRACKER_UDP_MAX_PKT];
	struct tracker_udp_reply	rep;
	ssize_t				n;
	int				i;
	char				why[128];

	for (i = 0; i < UDP_READS_PER_TURN; i++) {
		n = recv(t->fd, pkt, sizeof(pkt), 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return;
		if (n < 0) {
			/* ECONNREFUSED: an ICMP port unreachable came back. */
			text_set(why, sizeof(why), strerror(errno));
			attempt_failed(t, now, why);
			return;
		}
		if (tracker_udp_parse(pkt, (size_t)n, t->tid, t->family,
		    &rep) != BT_OK) {
			if (!udp_is_ours(t, pkt, (size_t)n))
				continue;	/* stale or foreign */
			/* opentracker answers an announce for a torrent
			 * not on its whitelist with a bare 8-byte header:
			 * fail now rather than retransmit for minutes, and
			 * say what it means (BEP 15 error replies, action
			 * 3, parse, and say their own message). */
			if (n == 8)
				snprintf(why, sizeof(why), "announce refused: "
				    "an empty reply (the tracker does not "
				    "serve this torrent)");
			else
				snprintf(why, sizeof(why), "malformed reply "
				    "(%zd bytes)", n);
			attempt_failed(t, now, why);
			return;
		}
		/* The reply may end the attempt (and start another): stop. */
		udp_on_reply(t, &rep, now);
		tracker_udp_reply_cleanup(&rep);
		return;
	}
}

/* BEP 15 retransmission: after 15 * 2^n s, with a fresh connect once the
 * connection id is older than a minute; after UDP_MAX_TRIES, give up. */
static void
udp_check_timeout(struct tracker *t, uint64_t now)
{
	struct turl	*u = cur_url(t);
	char		 why[128];

	if (now < t->deadline_ms)
		return;
	if (++t->tries >= UDP_MAX_TRIES) {
		attempt_failed(t, now, "timed out");
		return;
	}
	if (t->state == ATT_UDP_ANNOUNCE && !udp_conn_valid(u, now)) {
		u->has_conn = 0;
		t->state = ATT_UDP_CONNECT;
		t->tid = (uint32_t)rng_next(&t->rng);
	}
	if (udp_send(t, now, why, sizeof(why)) != BT_OK)
		attempt_failed(t, now, why);
}

/* --- rounds ------------------------------------------------------------ */

static int
attempt_start(struct tracker *t, uint64_t now, char *err, size_t errlen)
{
	struct tracker_announce	 a;
	struct turl		*u = cur_url(t);
	int			 r;

	t->prev_status = u->status;
	u->status = TRACKER_ANNOUNCING;
	if (u->kind == URL_UDP)
		return udp_start(t, u, now, err, errlen);
	fill_announce(t, &a);
	r = http_start(t, u, &a, err, errlen);
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

	text_set(reason, sizeof(reason), why != NULL ? why : "");
	for (;;) {
		if (failed != NULL && !url_step(t)) {
			if ((wait = round_failed(t, now)) == 0)
				tlog(t, "tracker %s: %s; no tracker left",
				    failed->url, reason);
			else
				tlog(t, "tracker %s: %s; no tracker left, next "
				    "try in %llu s", failed->url, reason,
				    (unsigned long long)(wait / 1000));
			return;
		}
		u = cur_url(t);
		if (failed != NULL)
			tlog(t, "tracker %s: %s, trying %s", failed->url,
			    reason, u->url);
		if (attempt_start(t, now, err, sizeof(err)) == BT_OK)
			return;
		u->status = TRACKER_ERROR;
		u->last_ms = now;
		text_set(u->error, sizeof(u->error), err);
		text_set(reason, sizeof(reason), err);
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
		cur_url(t)->status = t->prev_status;
	attempt_close(t);
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
	fd_set	ex;
	int	m = -1;

	if (t->state == ATT_HTTP) {
		FD_ZERO(&ex);
		curl_multi_fdset(t->multi, rd, wr, &ex, &m);
		if (m > *maxfd)
			*maxfd = m;
	}
	if (udp_in_flight(t) && t->fd >= 0 && t->fd < FD_SETSIZE) {
		FD_SET(t->fd, rd);
		if (t->fd > *maxfd)
			*maxfd = t->fd;
	}
}

static int64_t
min_wait(int64_t a, int64_t b)
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

/* curl's own deadline, or a short wait while it has no fd to show (name
 * resolution in a thread). */
static int64_t
http_timeout(struct tracker *t)
{
	fd_set	r, w, e;
	long	ms = -1;
	int	m = -1;

	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	curl_multi_fdset(t->multi, &r, &w, &e, &m);
	curl_multi_timeout(t->multi, &ms);
	if (m < 0)
		return min_wait(ms, CURL_SHORT_WAIT_MS);
	return ms;
}

int64_t
tracker_timeout_ms(struct tracker *t, uint64_t now_ms)
{
	int64_t	wait = -1;

	if (t->state == ATT_HTTP)
		wait = http_timeout(t);
	if (udp_in_flight(t))
		wait = min_wait(wait, until(t->deadline_ms, now_ms));
	if (t->state == ATT_UDP_RESOLVE)
		wait = min_wait(wait, t->resolved_ready ? 0 :
		    until(t->deadline_ms, now_ms));
	if (!t->round && t->scheduled)
		wait = min_wait(wait, until(t->due_ms, now_ms));
	return wait;
}

void
tracker_perform(struct tracker *t, const fd_set *rd, const fd_set *wr,
    uint64_t now_ms)
{
	(void)wr;	/* curl_multi_perform looks at every socket itself */
	if (t->state == ATT_HTTP)
		http_perform(t, now_ms);
	if (udp_in_flight(t) && rd != NULL && t->fd >= 0 &&
	    FD_ISSET(t->fd, rd))
		udp_read(t, now_ms);
	if (udp_in_flight(t))
		udp_check_timeout(t, now_ms);
	if (t->state == ATT_UDP_RESOLVE)
		udp_check_resolved(t, now_ms);
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
	text_set(out->url, sizeof(out->url), u->url);
	out->tier = u->tier;
	out->status = u->status;
	out->last_ms = u->last_ms;
	out->next_ms = t->scheduled ? t->due_ms : 0;
	out->seeders = u->seeders;
	out->leechers = u->leechers;
	text_set(out->error, sizeof(out->error), u->error);
	return BT_OK;
}
