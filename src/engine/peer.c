/*
 * One peer connection: socket I/O through bounded buffers, the request
 * books both ways, rates.  Invariant: fd >= 0 until peer_free; a dead peer
 * keeps its fd until the engine reaps it at the end of the loop's turn.
 */
#include "peer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/loop.h"
#include "engine/mse.h"
#include "engine/utp.h"
#include "engine/utpmux.h"
#include "engine/wire.h"

struct peer *
peer_new(uint32_t id, int fd, const struct peer_addr *addr, int outgoing,
    uint32_t num_pieces, uint64_t now_ms)
{
	struct peer	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if (bitfield_init(&p->have, num_pieces) != BT_OK) {
		free(p);
		return NULL;
	}
	p->id = id;
	p->fd = fd;
	p->outgoing = outgoing;
	p->state = outgoing ? PEER_CONNECTING : PEER_HANDSHAKE;
	p->addr = *addr;
	peer_addr_format(addr, p->name, sizeof(p->name));
	/* A legal BITFIELD of a huge torrent may exceed PEER_IN_MAX. */
	bbuf_init(&p->in, PEER_IN_MAX > wire_frame_max(num_pieces) +
	    PEER_READ_CHUNK ? PEER_IN_MAX : wire_frame_max(num_pieces) +
	    PEER_READ_CHUNK);
	bbuf_init(&p->out, PEER_OUT_MAX);
	p->am_choking = p->peer_choking = 1;
	rate_init(&p->down);
	rate_init(&p->up);
	p->connected_ms = p->last_recv_ms = p->last_send_ms = now_ms;
	snprintf(p->client, sizeof(p->client), "unknown");
	return p;
}

struct peer *
peer_new_utp(uint32_t id, struct utpmux *mux, struct utp *u,
    const struct peer_addr *addr, int outgoing, uint32_t num_pieces,
    uint64_t now_ms)
{
	struct peer	*p;

	if ((p = peer_new(id, -1, addr, outgoing, num_pieces, now_ms)) ==
	    NULL)
		return NULL;
	p->utp = u;
	p->mux = mux;
	return p;
}

int
peer_fdset(struct peer *p, fd_set *rd, fd_set *wr, int *maxfd,
    int want_read)
{
	if (p->utp == NULL) {
		if (want_read && p->state != PEER_CONNECTING)
			FD_SET(p->fd, rd);
		if (peer_wants_write(p))
			FD_SET(p->fd, wr);
		if (p->fd > *maxfd)
			*maxfd = p->fd;
		return 0;
	}
	/* read only in a turn that asked to: under a download limit a
	 * socket is polled only while there are tokens, and so is this */
	p->utp_poll = (uint8_t)want_read;
	return peer_readable(p, NULL) || peer_writable(p, NULL);
}

int
peer_readable(const struct peer *p, const fd_set *rd)
{
	if (p->utp == NULL)
		return FD_ISSET(p->fd, rd);
	return p->utp_poll && p->state != PEER_CONNECTING &&
	    (utp_readable(p->utp) > 0 || utp_at_end(p->utp));
}

int
peer_writable(const struct peer *p, const fd_set *wr)
{
	if (p->utp == NULL)
		return FD_ISSET(p->fd, wr);
	if (p->state == PEER_CONNECTING)
		return utp_state(p->utp) != UTP_STATE_SYN_SENT;
	return bbuf_len(&p->out) > 0 && (utp_writable(p->utp) > 0 ||
	    utp_is_over(p->utp));
}

/* Why a uTP connection ended, as an errno. */
static int
utp_errno(const struct utp *u)
{
	switch (utp_state(u)) {
	case UTP_STATE_RESET:
		return ECONNRESET;
	case UTP_STATE_TIMEOUT:
		return ETIMEDOUT;
	default:
		return EPIPE;
	}
}

int
peer_connect_result(const struct peer *p, int *err)
{
	socklen_t	len = sizeof(*err);

	*err = 0;
	if (p->utp != NULL) {
		if (utp_state(p->utp) == UTP_STATE_CONNECTED)
			return BT_OK;
		*err = utp_state(p->utp) == UTP_STATE_RESET ? ECONNREFUSED :
		    utp_errno(p->utp);
		return BT_ERR_SYS;
	}
	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, err, &len) < 0)
		*err = errno;
	return *err == 0 ? BT_OK : BT_ERR_SYS;
}

int
peer_fd_prepare(int fd)
{
	int	fl, on = 1;

	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		return BT_ERR_SYS;
	/* Our writes are whole turns' worth already; Nagle would hold a
	 * short one (a few requests, one block) until the peer's delayed
	 * ACK.  Not a TCP socket (a test's socketpair): nothing to do. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	return BT_OK;
}

int
peer_set_num_pieces(struct peer *p, uint32_t num_pieces)
{
	bitfield_cleanup(&p->have);
	return bitfield_init(&p->have, num_pieces);
}

void
peer_free(struct peer *p)
{
	if (p == NULL)
		return;
	if (p->fd >= 0)
		close(p->fd);
	if (p->utp != NULL)
		utpmux_release(p->mux, p->utp, loop_clock_us());
	bbuf_cleanup(&p->in);
	bbuf_cleanup(&p->out);
	mse_free(p->mse);
	if (p->enc != NULL)
		memset(p->enc, 0, 2 * sizeof(*p->enc));	/* keys */
	free(p->enc);		/* dec lives in the same allocation */
	bitfield_cleanup(&p->have);
	free(p->early_bits);
	free(p->pex_told);
	free(p->allowed);
	free(p->reqs);
	free(p->theirs);
	free(p);
}

void
peer_kill(struct peer *p, const char *fmt, ...)
{
	va_list	ap;

	if (p->state == PEER_DEAD)
		return;
	p->state_before_death = p->state;
	p->state = PEER_DEAD;
	va_start(ap, fmt);
	vsnprintf(p->dead_reason, sizeof(p->dead_reason), fmt, ap);
	va_end(ap);
}

void
peer_fail(struct peer *p, enum peer_fail why, int err)
{
	char	text[128];

	if (p->state == PEER_DEAD)
		return;
	p->fail = (uint8_t)why;
	p->fail_errno = err;
	peer_fail_format(why, err, p->outgoing, text, sizeof(text));
	peer_kill(p, "%s", text);
}

void
peer_fail_format(enum peer_fail why, int err, int outgoing, char *buf,
    size_t len)
{
	switch (why) {
	case PEER_FAIL_CONNECT:
		snprintf(buf, len, "cannot connect: %s", strerror(err));
		break;
	case PEER_FAIL_CONNECT_TIMEOUT:
		snprintf(buf, len, "cannot connect: no answer within %d s",
		    PEER_CONNECT_TIMEOUT_MS / 1000);
		break;
	case PEER_FAIL_CLOSED:
		/* What transmission-cli -er (encryption required) does to a
		 * plaintext handshake, and a plaintext-only peer to MSE */
		snprintf(buf, len, "closed the connection %s", outgoing ?
		    "right after our handshake" : "before its handshake");
		break;
	case PEER_FAIL_CLOSED_PARTIAL:
		snprintf(buf, len, "closed the connection in the middle of "
		    "its handshake");
		break;
	case PEER_FAIL_IO:
		snprintf(buf, len, "connection lost during the handshake: %s",
		    strerror(err));
		break;
	case PEER_FAIL_NOT_BT:
		snprintf(buf, len, "not a BitTorrent handshake");
		break;
	case PEER_FAIL_MSE:
		snprintf(buf, len, "encrypted handshake failed: %s",
		    mse_strfail((enum mse_fail)err));
		break;
	case PEER_FAIL_PLAINTEXT:
		snprintf(buf, len, "plaintext handshake refused "
		    "(--encryption require)");
		break;
	case PEER_FAIL_PLAIN_ANSWER:
		snprintf(buf, len, "answered our encrypted handshake in "
		    "plaintext");
		break;
	case PEER_FAIL_ENCRYPTED:
		/* MSE opens with 96 random-looking bytes */
		snprintf(buf, len, "encrypted handshake (MSE) refused "
		    "(--encryption off)");
		break;
	case PEER_FAIL_OTHER_TORRENT:
		snprintf(buf, len, "handshake for another torrent");
		break;
	case PEER_FAIL_TIMEOUT:
		snprintf(buf, len, "no handshake within %d s",
		    PEER_HANDSHAKE_TIMEOUT_MS / 1000);
		break;
	default:
		snprintf(buf, len, "no failure");
		break;
	}
}

/* read() for a uTP connection: bytes, 0 at the end, -1 with errno
 * (EAGAIN: none yet). */
static ssize_t
recv_utp(struct peer *p, uint8_t *dst, size_t want)
{
	size_t	n;
	int	r;

	r = utp_read(p->utp, dst, want, loop_clock_us(), &n);
	if (r == BT_OK && n > 0)
		return (ssize_t)n;
	if (r == BT_OK) {
		errno = EAGAIN;
		return -1;
	}
	if (r == BT_ERR_CLOSED && utp_state(p->utp) != UTP_STATE_RESET)
		return 0;
	errno = utp_errno(p->utp);
	return -1;
}

/* write() for a uTP connection. */
static ssize_t
send_utp(struct peer *p, const uint8_t *src, size_t len)
{
	size_t	n;

	if (utp_write(p->utp, src, len, loop_clock_us(), &n) != BT_OK) {
		errno = utp_errno(p->utp);
		return -1;
	}
	if (n == 0) {
		errno = EAGAIN;
		return -1;
	}
	return (ssize_t)n;
}

int
peer_read(struct peer *p, uint64_t now_ms, size_t limit, size_t *nread_out)
{
	uint8_t	*dst;
	size_t	 want, total = 0;
	ssize_t	 n;
	int	 r = BT_OK;

	if (limit > PEER_READ_CHUNK)
		limit = PEER_READ_CHUNK;
	while (total < limit) {
		want = bbuf_avail(&p->in);
		if (want > limit - total)
			want = limit - total;
		if (want == 0)
			break;		/* full: the engine must decode first */
		if ((r = bbuf_reserve(&p->in, want, &dst)) != BT_OK)
			break;
		n = p->utp != NULL ? recv_utp(p, dst, want) :
		    read(p->fd, dst, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = (errno == EAGAIN || errno == EWOULDBLOCK) ?
			    BT_OK : BT_ERR_SYS;
			break;
		}
		if (n == 0) {
			r = BT_ERR_CLOSED;
			break;
		}
		if (p->crypto == PEER_CRYPTO_RC4)
			rc4_crypt(p->dec, dst, dst, (size_t)n);
		bbuf_commit(&p->in, (size_t)n);
		total += (size_t)n;
		if ((size_t)n < want)
			break;		/* drained for now */
	}
	if (total > 0)
		p->last_recv_ms = now_ms;
	*nread_out = total;
	return r;
}

void
peer_seal(struct peer *p)
{
	size_t	len = bbuf_len(&p->out);

	if (p->crypto == PEER_CRYPTO_RC4 && p->out_sealed < len) {
		uint8_t *d = bbuf_mut(&p->out);

		rc4_crypt(p->enc, d + p->out_sealed, d + p->out_sealed,
		    len - p->out_sealed);
	}
	p->out_sealed = len;
}

int
peer_flush(struct peer *p, uint64_t now_ms, size_t *nwritten_out)
{
	size_t	total = 0;
	ssize_t	n;

	peer_seal(p);
	while (bbuf_len(&p->out) > 0) {
		n = p->utp != NULL ? send_utp(p, bbuf_ptr(&p->out),
		    bbuf_len(&p->out)) : write(p->fd, bbuf_ptr(&p->out),
		    bbuf_len(&p->out));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			*nwritten_out = total;
			return BT_ERR_SYS;
		}
		bbuf_consume(&p->out, (size_t)n);
		p->out_sealed -= (size_t)n < p->out_sealed ? (size_t)n :
		    p->out_sealed;
		total += (size_t)n;
	}
	if (total > 0)
		p->last_send_ms = now_ms;
	*nwritten_out = total;
	return BT_OK;
}

int
peer_wants_write(const struct peer *p)
{
	return p->state == PEER_CONNECTING || bbuf_len(&p->out) > 0;
}

const char *
peer_transport_text(const struct peer *p)
{
	int	utp = p->utp != NULL;

	switch (p->crypto) {
	case PEER_CRYPTO_RC4:
		return utp ? "uTP, encrypted (RC4)" : "TCP, encrypted (RC4)";
	case PEER_CRYPTO_MSE_PLAIN:
		return utp ? "uTP, MSE handshake, plaintext" :
		    "TCP, MSE handshake, plaintext";
	case PEER_CRYPTO_MSE:
		return utp ? "uTP, MSE handshake running" :
		    "TCP, MSE handshake running";
	default:
		return utp ? "uTP, plaintext" : "TCP, plaintext";
	}
}

/* The slot of (piece, begin) in the ring of requests given up, or NULL. */
static struct peer_blockref *
find_cancelled(struct peer *p, uint32_t piece, uint32_t begin)
{
	unsigned	i;

	for (i = 0; i < p->ncancelled; i++)
		if (p->cancelled[i].piece == piece &&
		    p->cancelled[i].begin == begin)
			return &p->cancelled[i];
	return NULL;
}

int
peer_add_request(struct peer *p, const struct picker_block *b,
    uint64_t now_us)
{
	struct picker_block	*n;
	size_t			 want;

	if (p->nreqs == p->reqs_alloc) {
		want = p->reqs_alloc ? p->reqs_alloc * 2 : 32;
		if (want > PEER_MAX_PIPELINE)
			want = PEER_MAX_PIPELINE;
		if (p->nreqs >= want)
			return BT_ERR_LIMIT;
		if ((n = realloc(p->reqs, want * sizeof(*n))) == NULL)
			return BT_ERR_NOMEM;
		p->reqs = n;
		p->reqs_alloc = want;
	}
	p->reqs[p->nreqs++] = *b;
	/* Not a block asked before and given up: the answer to the first
	 * request could still come, and look fast. */
	if (now_us != 0 && p->probe_us == 0 &&
	    find_cancelled(p, b->piece, b->begin) == NULL) {
		p->probe.piece = b->piece;
		p->probe.begin = b->begin;
		p->probe_us = now_us;
		p->probe_got = 0;
	}
	return BT_OK;
}

static int
remove_block(struct picker_block *v, size_t *n, uint32_t piece, uint32_t begin)
{
	size_t	i;

	/* Blocks nearly always arrive in request order: index 0 is a hit. */
	for (i = 0; i < *n; i++) {
		if (v[i].piece == piece && v[i].begin == begin) {
			memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(v[0]));
			(*n)--;
			return 1;
		}
	}
	return 0;
}

static int
is_probe(const struct peer *p, uint32_t piece, uint32_t begin)
{
	return p->probe_us != 0 && p->probe.piece == piece &&
	    p->probe.begin == begin;
}

int
peer_remove_request(struct peer *p, uint32_t piece, uint32_t begin)
{
	if (!remove_block(p->reqs, &p->nreqs, piece, begin))
		return 0;
	if (is_probe(p, piece, begin))
		p->probe_us = 0;
	return 1;
}

/*
 * A near peer stays near while its probes do: a window of at least
 * PEER_NEAR_WINDOW_US and PEER_NEAR_PROBES probes none of which came back
 * within PEER_NEAR_US makes it far.  A queue has grown on its path (other
 * traffic at a bottleneck: a short pipeline would get a small share of
 * it), or it sends slowly and our requests wait at its end; the deep
 * pipeline is right for both.  Once ours is deep the latency we measure
 * is mostly our own queue, so only a try tells whether the cause has
 * gone (a seeder's disk stalled once): PEER_NEAR_RETRY_US later, doubled
 * for each try in a row that ended far, the short pipeline again and a
 * window of probes (as BBR's ProbeRTT finds a path's least round trip
 * again).  The next probe is a new request: it goes out once the deep
 * queue has drained to the short pipeline, and times the path, not the
 * queue we had.
 */
/* A probe of it came back within PEER_NEAR_US, once at least. */
static int
was_near(const struct peer *p)
{
	return p->lat_min_us != 0 && p->lat_min_us < PEER_NEAR_US;
}

static void
judge_near(struct peer *p, uint32_t lat, uint64_t now_us)
{
	if (p->far) {
		/* (one that was never near has the deep pipeline anyway) */
		if (was_near(p) && now_us - p->far_us >=
		    (uint64_t)PEER_NEAR_RETRY_US << p->far_tries) {
			p->far = 0;
			p->win_n = 0;
			p->retrying = 1;
		}
		return;
	}
	if (p->win_n == 0) {
		p->win_start_us = now_us;
		p->win_min_us = lat;
	} else if (lat < p->win_min_us)
		p->win_min_us = lat;
	p->win_n++;
	if (now_us - p->win_start_us < PEER_NEAR_WINDOW_US ||
	    p->win_n < PEER_NEAR_PROBES)
		return;
	if (p->win_min_us >= PEER_NEAR_US) {
		if (p->retrying && p->far_tries < PEER_NEAR_RETRY_DOUBLINGS)
			p->far_tries++;
		p->far = 1;
		p->far_us = now_us;
	} else if (p->retrying)
		p->far_tries = 0;	/* near again */
	p->retrying = 0;
	p->win_n = 0;
}

int
peer_request_answered(struct peer *p, uint32_t piece, uint32_t begin,
    uint64_t now_us)
{
	uint64_t	lat, want;

	if (!remove_block(p->reqs, &p->nreqs, piece, begin))
		return 0;
	if (p->probe_us == 0)
		return 1;
	p->probe_got++;
	if (!is_probe(p, piece, begin))
		return 1;
	lat = now_us > p->probe_us ? now_us - p->probe_us : 1;
	p->probe_us = 0;
	if (lat > UINT32_MAX)
		lat = UINT32_MAX;
	if (p->lat_min_us == 0 || lat < p->lat_min_us)
		p->lat_min_us = (uint32_t)lat;
	judge_near(p, (uint32_t)lat, now_us);
	/* The blocks that came while the probe was out, over its time, are
	 * the rate (Little's law); times the least latency, the blocks the
	 * path holds. */
	want = 2 * (uint64_t)p->probe_got * p->lat_min_us / lat +
	    PEER_MIN_PIPELINE;
	p->near_want = want > PEER_MAX_PIPELINE ? PEER_MAX_PIPELINE :
	    (uint32_t)want;
	return 1;
}

void
peer_clear_requests(struct peer *p)
{
	p->nreqs = 0;
	p->probe_us = 0;
}

void
peer_note_cancelled(struct peer *p, uint32_t piece, uint32_t begin)
{
	p->cancelled[p->cancelled_at].piece = piece;
	p->cancelled[p->cancelled_at].begin = begin;
	p->cancelled_at = (p->cancelled_at + 1) % PEER_CANCELLED_MAX;
	if (p->ncancelled < PEER_CANCELLED_MAX)
		p->ncancelled++;
}

int
peer_take_cancelled(struct peer *p, uint32_t piece, uint32_t begin)
{
	struct peer_blockref	*c = find_cancelled(p, piece, begin);

	if (c == NULL)
		return 0;
	/* No piece has this index: the slot is free. */
	c->piece = c->begin = UINT32_MAX;
	return 1;
}

size_t
peer_pipeline_target(const struct peer *p, uint64_t now_ms)
{
	uint64_t	bps = rate_bps(&p->down, now_ms);
	uint64_t	want;

	if (p->snubbed)
		return 1;	/* it sends nothing: one request to see */
	if (!p->far && was_near(p))
		want = p->near_want;
	else
		want = bps * 3 / PICKER_BLOCK_LEN;
	if (want < PEER_MIN_PIPELINE)
		want = PEER_MIN_PIPELINE;
	if (want > PEER_MAX_PIPELINE)
		want = PEER_MAX_PIPELINE;
	if (p->ext.reqq != 0 && want > p->ext.reqq)
		want = p->ext.reqq;	/* what it queues without dropping */
	return (size_t)want;
}

int
peer_queue_theirs(struct peer *p, const struct picker_block *b)
{
	if (p->theirs == NULL &&
	    (p->theirs = calloc(PEER_MAX_THEIR_REQS, sizeof(*b))) == NULL)
		return BT_ERR_NOMEM;
	if (p->ntheirs >= PEER_MAX_THEIR_REQS)
		return BT_ERR_LIMIT;
	p->theirs[p->ntheirs++] = *b;
	return BT_OK;
}

int
peer_cancel_theirs(struct peer *p, const struct picker_block *b)
{
	return remove_block(p->theirs, &p->ntheirs, b->piece, b->begin);
}

int
peer_pop_theirs(struct peer *p, struct picker_block *out)
{
	if (p->ntheirs == 0)
		return BT_ERR_NOTFOUND;
	*out = p->theirs[0];
	memmove(&p->theirs[0], &p->theirs[1],
	    (p->ntheirs - 1) * sizeof(p->theirs[0]));
	p->ntheirs--;
	return BT_OK;
}

void
peer_addr_format(const struct peer_addr *a, char *buf, size_t len)
{
	char	host[INET6_ADDRSTRLEN];

	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)&a->ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(s6->sin6_port));
	} else if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)&a->ss;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(s4->sin_port));
	} else
		snprintf(buf, len, "?");
}

int
peer_addr_parse(const char *s, struct peer_addr *out)
{
	struct addrinfo	 hints, *res = NULL;
	char		 host[256];
	const char	*colon, *port, *h = s;
	size_t		 hlen;
	int		 r;

	memset(out, 0, sizeof(*out));
	if (*s == '[') {
		if ((colon = strstr(s, "]:")) == NULL)
			return BT_ERR_FORMAT;
		h = s + 1;
		hlen = (size_t)(colon - h);
		port = colon + 2;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return BT_ERR_FORMAT;
		hlen = (size_t)(colon - s);
		port = colon + 1;
	}
	if (hlen == 0 || hlen >= sizeof(host) || *port == '\0')
		return BT_ERR_FORMAT;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((r = getaddrinfo(host, port, &hints, &res)) != 0 || res == NULL)
		return BT_ERR_INVALID;
	if (res->ai_addrlen > sizeof(out->ss)) {
		freeaddrinfo(res);
		return BT_ERR_INVALID;
	}
	memcpy(&out->ss, res->ai_addr, res->ai_addrlen);
	out->len = res->ai_addrlen;
	freeaddrinfo(res);
	return BT_OK;
}

int
peer_addr_equal(const struct peer_addr *a, const struct peer_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return 0;
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->ss;
		const struct sockaddr_in *y = (const void *)&b->ss;

		return x->sin_port == y->sin_port &&
		    x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)&a->ss;
		const struct sockaddr_in6 *y = (const void *)&b->ss;

		return x->sin6_port == y->sin6_port &&
		    memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return 0;
}

int
peer_addr_set_port(struct peer_addr *a, uint16_t port)
{
	if (a->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else if (a->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
	else
		return BT_ERR_INVALID;
	return BT_OK;
}

uint16_t
peer_addr_port(const struct peer_addr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	if (a->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	return 0;
}

int
peer_addr_is_loopback(const struct peer_addr *a)
{
	const struct sockaddr_in	*s4 = (const void *)&a->ss;
	const struct sockaddr_in6	*s6 = (const void *)&a->ss;

	if (a->ss.ss_family == AF_INET)
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	return a->ss.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
}

int
peer_addr_same_host(const struct peer_addr *a, const struct peer_addr *b)
{
	const struct sockaddr_in	*a4 = (const void *)&a->ss;
	const struct sockaddr_in	*b4 = (const void *)&b->ss;
	const struct sockaddr_in6	*a6 = (const void *)&a->ss;
	const struct sockaddr_in6	*b6 = (const void *)&b->ss;

	if (a->ss.ss_family != b->ss.ss_family)
		return 0;
	if (a->ss.ss_family == AF_INET)
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	return memcmp(&a6->sin6_addr, &b6->sin6_addr, 16) == 0;
}
