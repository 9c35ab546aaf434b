/*
 * channel: a PACKET stream over one non-blocking socket.  The input buffer
 * holds at most CHAN_IN_MAX bytes (several whole frames: pkt_decode
 * refuses a frame longer than PKT_MAX_FRAME as soon as its header is in,
 * so a full buffer always has a frame to take); the output buffer at most
 * CHAN_OUT_MAX.  Writes use send(MSG_NOSIGNAL) so a dead peer is an error
 * code, never a signal.
 */
#include "channel.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "err.h"

_Static_assert(CHAN_IN_MAX >= PKT_MAX_FRAME, "input holds one frame");

int
chan_init(struct ipc_chan *c, int fd, int self)
{
	int	flags;

	c->fd = fd;
	c->self = self;
	c->peer = self == PKT_SIDE_ENGINE ? PKT_SIDE_FRONT : PKT_SIDE_ENGINE;
	c->err = 0;
	bbuf_init(&c->in, CHAN_IN_MAX);
	bbuf_init(&c->out, CHAN_OUT_MAX);
	if ((flags = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) == -1)
		return BT_ERR_SYS;
	return BT_OK;
}

void
chan_cleanup(struct ipc_chan *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	bbuf_cleanup(&c->in);
	bbuf_cleanup(&c->out);
}

int
chan_fd(const struct ipc_chan *c)
{
	return c->fd;
}

int
chan_read(struct ipc_chan *c)
{
	uint8_t	*p;
	size_t	 want;
	ssize_t	 n;
	int	 r;

	if (c->fd < 0)
		return BT_ERR_CLOSED;
	while ((want = bbuf_avail(&c->in)) > 0) {
		if (want > CHAN_READ_CHUNK)
			want = CHAN_READ_CHUNK;
		if ((r = bbuf_reserve(&c->in, want, &p)) != BT_OK)
			return r;
		n = read(c->fd, p, want);
		if (n == 0)
			return BT_ERR_CLOSED;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return BT_OK;
			return errno == ECONNRESET ? BT_ERR_CLOSED :
			    BT_ERR_SYS;
		}
		bbuf_commit(&c->in, (size_t)n);
	}
	return BT_OK;
}

int
chan_next(struct ipc_chan *c, struct pkt_header *h, struct bbuf *payload_out)
{
	int	r;

	if (c->err != 0) {
		bbuf_view(payload_out, NULL, 0);
		return c->err;
	}
	r = pkt_decode(&c->in, h, payload_out);
	if (r == BT_OK && (h->source != c->peer || h->target != c->self))
		r = BT_ERR_PROTO;
	if (r != BT_OK && r != BT_ERR_INCOMPLETE) {
		c->err = r;
		bbuf_view(payload_out, NULL, 0);
	}
	return r;
}

int
chan_send(struct ipc_chan *c, int cmd, int wdt, int type,
    const struct bbuf *payload)
{
	struct pkt_header	h;

	if (c->fd < 0)
		return BT_ERR_CLOSED;
	if (cmd < 0 || cmd > UINT8_MAX || wdt < 0 || wdt > UINT8_MAX ||
	    type < 0 || type > UINT16_MAX)
		return BT_ERR_INVALID;
	pkt_header_for(&h, c->self, type);
	h.cmd = (uint8_t)cmd;
	h.wdt = (uint8_t)wdt;
	if (payload == NULL)
		return pkt_encode(&c->out, &h, NULL, 0);
	return pkt_encode(&c->out, &h, bbuf_ptr(payload), bbuf_len(payload));
}

int
chan_send_msg(struct ipc_chan *c, int type, const struct bbuf *payload)
{
	uint8_t	cmd, wdt;

	pkt_kind_for_type(type, &cmd, &wdt);
	return chan_send(c, cmd, wdt, type, payload);
}

int
chan_flush(struct ipc_chan *c)
{
	ssize_t	n;

	if (c->fd < 0)
		return BT_ERR_CLOSED;
	while (bbuf_len(&c->out) > 0) {
		n = send(c->fd, bbuf_ptr(&c->out), bbuf_len(&c->out),
		    MSG_NOSIGNAL);
		if (n >= 0) {
			bbuf_consume(&c->out, (size_t)n);
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return BT_OK;
		if (errno == EPIPE || errno == ECONNRESET)
			return BT_ERR_CLOSED;
		return BT_ERR_SYS;
	}
	return BT_OK;
}

int
chan_wants_write(const struct ipc_chan *c)
{
	return bbuf_len(&c->out) > 0;
}

size_t
chan_pending(const struct ipc_chan *c)
{
	return bbuf_len(&c->out);
}
