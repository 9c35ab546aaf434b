/*
 * tracker_http: one announce over HTTP(S), BEP 3, through the tracker's
 * curl multi handle: the URL from tracker_codec, curl's options (our own
 * sockets, so none lands at or above FD_SETSIZE, bound with --bind), the
 * body capped at TRACKER_MAX_BODY, and the reply or the reason it failed
 * handed back to tracker.c.  Only tracker.c calls in (tracker_impl.h).
 */
#include "tracker_impl.h"

#include <sys/socket.h>

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"

#ifndef BTTUI_VERSION
#define BTTUI_VERSION		"0"
#endif

#define HTTP_CONNECT_TIMEOUT_MS	10000L
#define HTTP_TIMEOUT_MS		30000L
#define HTTP_MAX_REDIRS		5L
#define HTTP_URL_MAX		8192
#define CURL_SHORT_WAIT_MS	100	/* curl: "100 milliseconds or so" */

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
	if (fd >= 0 && tracker_bind_source(t, fd, sa->family) != 0) {
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

int
tracker_http_start(struct tracker *t, struct turl *u,
    const struct tracker_announce *a, char *err, size_t errlen)
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
		tracker_text_set(why, len, t->curl_err);
	else
		tracker_text_set(why, len, curl_easy_strerror(rc));
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
		tracker_attempt_failed(t, now, why);
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
		tracker_attempt_failed(t, now, why);
		return;
	}
	if (rep.warning != NULL)
		tracker_log(t, "tracker %s: warning: %s",
		    tracker_cur_url(t)->url, rep.warning);
	o.interval = rep.interval;
	o.min_interval = rep.min_interval;
	o.seeders = rep.complete;
	o.leechers = rep.incomplete;
	o.tracker_id = rep.tracker_id;
	o.peers = rep.peers;
	o.npeers = rep.npeers;
	tracker_attempt_ok(t, now, &o);
	tracker_reply_cleanup(&rep);
}

void
tracker_http_perform(struct tracker *t, uint64_t now)
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

/* curl's own deadline, or a short wait while it has no fd to show (name
 * resolution in a thread). */
int64_t
tracker_http_timeout(struct tracker *t)
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
		return tracker_min_wait(ms, CURL_SHORT_WAIT_MS);
	return ms;
}

void
tracker_http_fdset(struct tracker *t, fd_set *rd, fd_set *wr, int *maxfd)
{
	fd_set	ex;
	int	m = -1;

	FD_ZERO(&ex);
	curl_multi_fdset(t->multi, rd, wr, &ex, &m);
	if (m > *maxfd)
		*maxfd = m;
}

void
tracker_http_close(struct tracker *t)
{
	if (t->easy != NULL) {
		curl_multi_remove_handle(t->multi, t->easy);
		curl_easy_cleanup(t->easy);
		t->easy = NULL;
	}
}
