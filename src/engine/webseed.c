/*
 * webseed: one BEP 19 web seed.  It owns its curl multi handle and up to
 * WEBSEED_INFLIGHT jobs, each one block being fetched span by span (one
 * HTTP request per file the block touches).  The picker owns which blocks
 * are asked of it: a job exists exactly while its block is requested under
 * the web seed's id, and every path that ends a job without delivering it
 * releases the block.
 */
#include "engine/webseed.h"

#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "engine/bitfield.h"
#include "engine/blockcache.h"
#include "engine/metainfo.h"
#include "engine/peerproto.h"
#include "engine/picker.h"
#include "engine/rate.h"
#include "engine/torrent_impl.h"

#define CURL_SHORT_WAIT_MS	100	/* no fd yet: name resolution */

struct ws_job {
	struct webseed		*w;
	CURL			*easy;		/* NULL: slot free */
	struct picker_block	 b;
	struct webseed_span	*spans;
	size_t			 nspans, cur;
	uint32_t		 got;		/* of spans[cur] */
	uint64_t		 skip;		/* a 200 reply: bytes before ours */
	int			 code_seen;
	int			 bad;		/* wrong reply: fail when done */
	uint8_t			 data[PICKER_BLOCK_LEN];
};

struct webseed {
	struct torrent		*t;
	char			*url;
	uint32_t		 id;
	CURLM			*multi;
	struct bitfield		 have;		/* all set */
	int			 in_avail;	/* have counted in the picker */
	struct ws_job		 jobs[WEBSEED_INFLIGHT];
	size_t			 njobs;
	unsigned		 fails;		/* in a row; a block resets */
	unsigned		 bad_pieces;	/* ever: good blocks between
						 * bad pieces do not reset */
	uint64_t		 retry_ms;	/* backing off until then */
	struct rate		 down;
	int			 in_loop;
	char			 curl_err[CURL_ERROR_SIZE];
};

/* ---- pure helpers ---- */

/* The first file whose bytes reach past off (files are in order). */
static size_t
file_at(const struct metainfo *m, uint64_t off)
{
	size_t	lo = 0, hi = m->nfiles, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->files[mid].offset + m->files[mid].length <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t
webseed_spans(const struct metainfo *m, uint64_t off, uint32_t len,
    struct webseed_span *out, size_t max)
{
	const struct metainfo_file *f;
	uint64_t	 end = off + len, a, z;
	size_t		 i, n = 0;

	if (off >= m->total_length)
		return 0;
	if (end > m->total_length)
		end = m->total_length;
	for (i = file_at(m, off); i < m->nfiles; i++) {
		f = &m->files[i];
		if (f->offset >= end)
			break;
		if (f->length == 0 || (f->attr & METAINFO_ATTR_PAD))
			continue;
		a = off > f->offset ? off : f->offset;
		z = end < f->offset + f->length ? end : f->offset + f->length;
		if (a >= z)
			continue;
		if (n < max) {
			out[n].file = i;
			out[n].offset = a - f->offset;
			out[n].length = (uint32_t)(z - a);
			out[n].at = (uint32_t)(a - off);
		}
		n++;
	}
	return n;
}

/* Appends s[0..n) to out at *w, percent-encoding all but RFC 3986's
 * unreserved characters (and '/' when keep_slash). */
static int
put_escaped(char *out, size_t outlen, size_t *w, const char *s, size_t n,
    int keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char	c;
	size_t		i;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || (keep_slash && c == '/')) {
			if (*w + 1 >= outlen)
				return BT_ERR_LIMIT;
			out[(*w)++] = (char)c;
			continue;
		}
		if (*w + 3 >= outlen)
			return BT_ERR_LIMIT;
		out[(*w)++] = '%';
		out[(*w)++] = hex[c >> 4];
		out[(*w)++] = hex[c & 15];
	}
	out[*w] = '\0';
	return BT_OK;
}

int
webseed_file_url(const struct metainfo *m, const char *base, size_t file,
    char *out, size_t outlen)
{
	size_t	w, blen = strlen(base);
	int	slash = blen > 0 && base[blen - 1] == '/', r;

	if (outlen == 0)
		return BT_ERR_LIMIT;
	out[0] = '\0';
	if (blen >= outlen || file >= m->nfiles)
		return BT_ERR_LIMIT;
	memcpy(out, base, blen + 1);
	w = blen;
	if (!m->multi_file && !slash)
		return BT_OK;
	if (m->multi_file && !slash) {
		if (w + 1 >= outlen)
			goto over;
		out[w++] = '/';
	}
	/* A multi-file path already starts with the torrent's name. */
	r = put_escaped(out, outlen, &w, m->files[file].path,
	    strlen(m->files[file].path), 1);
	if (r == BT_OK)
		return BT_OK;
over:
	out[0] = '\0';
	return BT_ERR_LIMIT;
}

uint64_t
webseed_backoff_ms(unsigned fails)
{
	uint64_t	ms = WEBSEED_BACKOFF_MIN_MS;

	while (fails-- > 1 && ms < WEBSEED_BACKOFF_MAX_MS)
		ms *= 2;
	return ms < WEBSEED_BACKOFF_MAX_MS ? ms : WEBSEED_BACKOFF_MAX_MS;
}

/* ---- jobs ---- */

static void
job_end(struct ws_job *j)
{
	struct webseed	*w = j->w;

	if (j->easy != NULL) {
		curl_multi_remove_handle(w->multi, j->easy);
		curl_easy_cleanup(j->easy);
		w->njobs--;
	}
	free(j->spans);
	memset(j, 0, sizeof(*j));
	j->w = w;
}

/* Every job ends and the picker may give their blocks to others. */
static void
release_all(struct webseed *w)
{
	size_t	i;

	for (i = 0; i < WEBSEED_INFLIGHT; i++)
		job_end(&w->jobs[i]);
	torrent_release_blocks(w->t, w->id);
}

static void
back_off(struct webseed *w, const char *why)
{
	uint64_t	ms;

	release_all(w);
	++w->fails;
	ms = webseed_backoff_ms(w->fails > w->bad_pieces ? w->fails :
	    w->bad_pieces);
	w->retry_ms = w->t->env->now_ms + ms;
	torrent_log(w->t, MSG_LOG_WARN, "web seed %s: %s; retrying in %"
	    PRIu64 " s", w->url, why, ms / 1000);
}

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct ws_job		*j = arg;
	struct webseed_span	*s = &j->spans[j->cur];
	long			 code = 0;
	size_t			 len, take;

	if (n != 0 && size > SIZE_MAX / n)
		return 0;
	len = size * n;
	if (!j->code_seen) {
		j->code_seen = 1;
		curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
		/* A server that ignores Range sends the whole file: skip to
		 * our bytes (python's http.server does this). */
		if (code == 200)
			j->skip = s->offset;
		else if (code != 206) {
			j->bad = 1;
			return 0;
		}
	}
	if (j->skip > 0) {
		take = j->skip < len ? (size_t)j->skip : len;
		j->skip -= take;
		p += take;
		len -= take;
	}
	if (len > s->length - j->got) {
		/* More than we asked for: fine after a 200 (stop reading the
		 * rest), a bad reply after a 206. */
		memcpy(j->data + s->at + j->got, p, s->length - j->got);
		j->got = s->length;
		return 0;
	}
	memcpy(j->data + s->at + j->got, p, len);
	j->got += (uint32_t)len;
	return size * n;
}

/* Opens curl's sockets ourselves to refuse fds select() cannot watch,
 * and, with --bind, to send them from the family's bound address (none:
 * that family is not reached, as for peers). */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *sa)
{
	const struct webseed	*w = arg;
	int			 fd;

	(void)purpose;
	fd = socket(sa->family, sa->socktype | SOCK_CLOEXEC, sa->protocol);
	if (fd >= FD_SETSIZE || (fd >= 0 &&
	    torrent_env_bind(w->t->env, fd, sa->family) != 0)) {
		close(fd);
		return CURL_SOCKET_BAD;
	}
	return fd < 0 ? CURL_SOCKET_BAD : fd;
}

static int
set_opts(struct ws_job *j, const char *url, const char *range)
{
	CURL	*e = j->easy;

	return curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_RANGE, range) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->w->curl_err) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_WRITEDATA, j) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PRIVATE, j) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket) !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, j->w) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)WEBSEED_CONNECT_MS) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT,
	    (long)WEBSEED_SLOW_BPS) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
	    (long)WEBSEED_SLOW_S) != CURLE_OK ||
	    curl_easy_setopt(e, CURLOPT_USERAGENT, "bttui/" BTTUI_VERSION) !=
	    CURLE_OK ? BT_ERR_INVALID : BT_OK;
}

/* Starts the request for spans[cur] on the job's handle. */
static int
start_span(struct ws_job *j)
{
	struct webseed_span	*s = &j->spans[j->cur];
	char			 url[WEBSEED_URL_MAX], range[64];

	if (webseed_file_url(j->w->t->meta, j->w->url, s->file, url,
	    sizeof(url)) != BT_OK)
		return BT_ERR_LIMIT;
	snprintf(range, sizeof(range), "%" PRIu64 "-%" PRIu64, s->offset,
	    s->offset + s->length - 1);
	j->got = 0;
	j->skip = 0;
	j->code_seen = j->bad = 0;
	curl_multi_remove_handle(j->w->multi, j->easy);
	if (set_opts(j, url, range) != BT_OK ||
	    curl_multi_add_handle(j->w->multi, j->easy) != CURLM_OK)
		return BT_ERR_INVALID;
	return BT_OK;
}

/* A job for block b, requested from us in the picker. */
static int
job_start(struct webseed *w, struct ws_job *j, const struct picker_block *b)
{
	const struct metainfo	*m = w->t->meta;
	uint64_t		 off;
	size_t			 n;

	off = (uint64_t)b->piece * m->piece_length + b->begin;
	n = webseed_spans(m, off, b->length, NULL, 0);
	if (n == 0 || (j->spans = calloc(n, sizeof(*j->spans))) == NULL)
		return BT_ERR_NOMEM;
	j->nspans = webseed_spans(m, off, b->length, j->spans, n);
	j->b = *b;
	j->cur = 0;
	memset(j->data, 0, sizeof(j->data));	/* pad bytes are zeros */
	if ((j->easy = curl_easy_init()) == NULL) {
		free(j->spans);
		j->spans = NULL;
		return BT_ERR_NOMEM;
	}
	w->njobs++;
	if (start_span(j) != BT_OK) {
		job_end(j);
		return BT_ERR_INVALID;
	}
	return BT_OK;
}

static int
may_fetch(const struct webseed *w)
{
	const struct torrent	*t = w->t;

	return t->started && !torrent_idle(t) &&
	    !picker_wanted_complete(t->picker) &&
	    w->t->env->now_ms >= w->retry_ms;
}

/* Asks the picker for blocks until WEBSEED_INFLIGHT are being fetched. */
static void
fill(struct webseed *w)
{
	struct torrent		*t = w->t;
	struct picker_block	 b;
	size_t			 i;

	if (!may_fetch(w) || peerproto_disk_busy(t))
		return;
	for (i = 0; i < WEBSEED_INFLIGHT; i++) {
		if (w->jobs[i].easy != NULL)
			continue;
		if (picker_pick(t->picker, w->id, &w->have, &b) != BT_OK)
			return;
		if (blockcache_get(t->cache, b.piece, metainfo_piece_size(
		    t->meta, b.piece)) == NULL) {
			picker_unrequest(t->picker, w->id, b.piece, b.begin);
			torrent_fatal(t, "out of memory for piece buffers");
			return;
		}
		if (job_start(w, &w->jobs[i], &b) != BT_OK) {
			picker_unrequest(t->picker, w->id, b.piece, b.begin);
			t->pick_gen++;
			back_off(w, "cannot start a request (libcurl or URL "
			    "too long)");
			return;
		}
	}
}

/* Why the span failed, or NULL when it brought all its bytes. */
static const char *
span_error(struct ws_job *j, CURLcode rc, char *why, size_t len)
{
	struct webseed_span	*s = &j->spans[j->cur];
	long			 code = 0;

	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &code);
	if (j->bad || (code != 200 && code != 206)) {
		snprintf(why, len, "HTTP %ld for %s bytes %" PRIu64 "+%u",
		    code, j->w->t->meta->files[s->file].path, s->offset,
		    s->length);
		return why;
	}
	if (j->got == s->length)
		return NULL;	/* a write error after a full 200 is ours */
	if (rc != CURLE_OK) {
		snprintf(why, len, "%s", j->w->curl_err[0] != '\0' ?
		    j->w->curl_err : curl_easy_strerror(rc));
		return why;
	}
	snprintf(why, len, "short reply (%u of %u bytes)", j->got, s->length);
	return why;
}

static void
on_done(struct webseed *w, struct ws_job *j, CURLcode rc)
{
	char	why[256];
	int	r;

	w->curl_err[0] = '\0';
	if (span_error(j, rc, why, sizeof(why)) != NULL) {
		back_off(w, why);
		return;
	}
	if (++j->cur < j->nspans) {
		if (start_span(j) != BT_OK)
			back_off(w, "cannot start a request (libcurl)");
		return;
	}
	rate_add(&w->down, j->b.length, w->t->env->now_ms);
	w->fails = 0;
	r = peerproto_take_block(w->t, w->id, j->b.piece, j->b.begin, j->data,
	    j->b.length, 1);
	(void)r;	/* a late block is counted as wasted there */
	job_end(j);
}

/* ---- the loop source ---- */

static void
src_fdset(void *arg, fd_set *rd, fd_set *wr, int *maxfd)
{
	struct webseed	*w = arg;
	fd_set		 ex;
	int		 m = -1;

	if (w->njobs == 0)
		return;
	FD_ZERO(&ex);
	curl_multi_fdset(w->multi, rd, wr, &ex, &m);
	if (m > *maxfd)
		*maxfd = m;
}

static int64_t
src_timeout(void *arg, uint64_t now_ms)
{
	struct webseed	*w = arg;
	fd_set		 r, wr, e;
	long		 ms = -1;
	int		 m = -1;

	if (w->njobs == 0) {
		if (w->retry_ms > now_ms && !torrent_idle(w->t))
			return (int64_t)(w->retry_ms - now_ms);
		return -1;
	}
	FD_ZERO(&r);
	FD_ZERO(&wr);
	FD_ZERO(&e);
	curl_multi_fdset(w->multi, &r, &wr, &e, &m);
	curl_multi_timeout(w->multi, &ms);
	if (m < 0 && (ms < 0 || ms > CURL_SHORT_WAIT_MS))
		return CURL_SHORT_WAIT_MS;
	return ms;
}

static void
src_perform(void *arg, const fd_set *rd, const fd_set *wr, uint64_t now_ms)
{
	struct webseed	*w = arg;
	struct ws_job	*j;
	CURLMsg		*msg;
	int		 running, left;
	char		*priv;

	(void)rd;
	(void)wr;
	w->t->env->now_ms = now_ms;
	if (w->njobs > 0 && !may_fetch(w)) {
		release_all(w);		/* paused, queued, complete... */
		return;
	}
	if (w->njobs > 0) {
		curl_multi_perform(w->multi, &running);
		while ((msg = curl_multi_info_read(w->multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			priv = NULL;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    &priv);
			j = (struct ws_job *)(void *)priv;
			if (j != NULL && j->easy == msg->easy_handle)
				on_done(w, j, msg->data.result);
			if (w->njobs == 0 && w->retry_ms > now_ms)
				break;	/* backed off: the rest are gone */
		}
	}
	fill(w);
}

static const struct loop_source_ops webseed_ops = {
	src_fdset, src_timeout, src_perform,
};

/* ---- life ---- */

struct webseed *
webseed_new(struct torrent *t, const char *url)
{
	struct webseed	*w;
	size_t		 i;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->t = t;
	w->id = t->env->next_peer_id++;
	rate_init(&w->down);
	for (i = 0; i < WEBSEED_INFLIGHT; i++)
		w->jobs[i].w = w;
	if ((w->url = strdup(url)) == NULL ||
	    (w->multi = curl_multi_init()) == NULL ||
	    bitfield_init(&w->have, t->meta->num_pieces) != BT_OK)
		goto fail;
	bitfield_set_all(&w->have);
	picker_peer_add(t->picker, &w->have);
	w->in_avail = 1;
	if (t->env->loop != NULL) {
		if (loop_source_add(t->env->loop, &webseed_ops, w) != BT_OK)
			goto fail;
		w->in_loop = 1;
	}
	return w;
fail:
	webseed_free(w);
	return NULL;
}

void
webseed_free(struct webseed *w)
{
	size_t	i;

	if (w == NULL)
		return;
	if (w->in_loop)
		loop_source_del(w->t->env->loop, w);
	for (i = 0; i < WEBSEED_INFLIGHT; i++)
		job_end(&w->jobs[i]);
	if (w->in_avail) {
		picker_peer_gone(w->t->picker, w->id);
		picker_peer_remove(w->t->picker, &w->have);
	}
	if (w->multi != NULL)
		curl_multi_cleanup(w->multi);
	bitfield_cleanup(&w->have);
	free(w->url);
	free(w);
}

uint32_t
webseed_id(const struct webseed *w)
{
	return w->id;
}

const char *
webseed_url(const struct webseed *w)
{
	return w->url;
}

const struct rate *
webseed_rate(const struct webseed *w)
{
	return &w->down;
}

size_t
webseed_inflight(const struct webseed *w)
{
	return w->njobs;
}

int
webseed_backing_off(const struct webseed *w, uint64_t now_ms)
{
	return now_ms < w->retry_ms;
}

void
webseed_on_bad_piece(struct webseed *w)
{
	w->bad_pieces++;
	back_off(w, "sent data that failed the hash check");
}
