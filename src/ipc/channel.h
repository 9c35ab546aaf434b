/*
 * channel: one end of the engine <-> front socketpair (AF_UNIX,
 * SOCK_STREAM) as a non-blocking fd with an input and an output bbuf.
 * Reads append what the socket has; chan_next cuts complete PACKET frames
 * from the input; chan_send encodes frames into the output, which
 * chan_flush writes as far as the socket takes it.  Both buffers have hard
 * caps, so a stalled peer costs at most CHAN_OUT_MAX bytes: past that,
 * chan_send refuses (the engine drops a snapshot rather than grow).
 *
 * No blocking calls: the owner's select() loop watches chan_fd for reading
 * always, and for writing while chan_wants_write.
 */
#ifndef BT_CHANNEL_H
#define BT_CHANNEL_H

#include <stddef.h>

#include "bbuf.h"
#include "packet.h"

#define CHAN_IN_MAX	(4 * PKT_MAX_FRAME)	/* ~256 KiB */
#define CHAN_OUT_MAX	(4u * 1024 * 1024)
#define CHAN_READ_CHUNK	65536

struct ipc_chan {		/* members are private: use chan_*() */
	int		fd;
	int		self, peer;	/* enum pkt_side */
	int		err;		/* sticky decode error, 0: none */
	struct bbuf	in, out;
};

/*
 * Takes ownership of fd (a stream socket) and sets O_NONBLOCK on it; self
 * is this end's enum pkt_side.  The channel is usable (and must be cleaned
 * up) even when this fails: BT_OK, or BT_ERR_SYS when fcntl failed.
 */
int	chan_init(struct ipc_chan *c, int fd, int self);
/* Closes the fd and frees both buffers; safe twice. */
void	chan_cleanup(struct ipc_chan *c);
/* The fd for select(), -1 after cleanup. */
int	chan_fd(const struct ipc_chan *c);

/*
 * Reads what the socket has now, until EAGAIN, end of file or the input
 * buffer is full (then drain it with chan_next and read again).  BT_OK
 * (possibly nothing read), BT_ERR_CLOSED on end of file or ECONNRESET
 * (bytes read before it stay buffered: chan_next still returns their
 * frames), BT_ERR_SYS, BT_ERR_NOMEM.
 */
int	chan_read(struct ipc_chan *c);
/*
 * Takes the next complete frame from the input: *h filled, *payload_out a
 * view valid until the next chan_read or chan_cleanup.  BT_ERR_INCOMPLETE
 * when no whole frame is buffered; pkt_decode's errors otherwise, and
 * BT_ERR_PROTO for a frame that is not from the peer to us.  An error
 * other than INCOMPLETE sticks: the stream cannot be resynchronised, so
 * every later call returns it too.
 */
int	chan_next(struct ipc_chan *c, struct pkt_header *h,
	    struct bbuf *payload_out);

/*
 * Queues one frame from us to the peer with this cmd, wdt and msg type;
 * payload may be NULL (empty); its readable bytes are copied, not
 * consumed.  Nothing is queued on failure: BT_ERR_LIMIT when the output
 * buffer would pass CHAN_OUT_MAX or the payload its type's bound,
 * BT_ERR_INVALID for a cmd/wdt/type pkt_decode would refuse,
 * BT_ERR_CLOSED after cleanup.  Nothing is written yet: see chan_flush.
 */
int	chan_send(struct ipc_chan *c, int cmd, int wdt, int type,
	    const struct bbuf *payload);
/* chan_send with the cmd and wdt the type calls for (pkt_kind_for_type). */
int	chan_send_msg(struct ipc_chan *c, int type, const struct bbuf *payload);
/*
 * Writes queued bytes until done or the socket is full (EAGAIN: fine, try
 * again when writable).  BT_OK, BT_ERR_CLOSED when the peer is gone
 * (EPIPE, ECONNRESET; no SIGPIPE is raised), BT_ERR_SYS.
 */
int	chan_flush(struct ipc_chan *c);
/* 1 while queued bytes wait to be written. */
int	chan_wants_write(const struct ipc_chan *c);
/* Bytes queued for writing. */
size_t	chan_pending(const struct ipc_chan *c);

#endif
