/*
 * peer: one connection to another BitTorrent client.  It owns the socket,
 * the input and output buffers, the protocol state both ways, the list of
 * blocks we asked it for and the requests it made of us, and its rates.
 * Message meaning (what a PIECE does to the torrent) belongs to the engine;
 * this module moves bytes and keeps per-connection books.
 */
#ifndef BT_PEER_H
#define BT_PEER_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/socket.h>

#include "ipc/bbuf.h"
#include "engine/bitfield.h"
#include "engine/extmsg.h"
#include "engine/picker.h"
#include "engine/rate.h"
#include "engine/rc4.h"

struct mse;
struct utp;
struct utpmux;

#define PEER_IN_MAX		(1024u * 1024)	/* buffered input cap */
#define PEER_OUT_MAX		(4u * 1024 * 1024)
#define PEER_READ_CHUNK		(256u * 1024)	/* per readable event */
#define PEER_MIN_PIPELINE	16
#define PEER_MAX_PIPELINE	500	/* libtorrent's default request queue */
#define PEER_NEAR_US		5000	/* a peer whose answer to a request
					 * came sooner is near (see
					 * peer_pipeline_target) */
#define PEER_NEAR_WINDOW_US	250000	/* it stays near while a probe */
#define PEER_NEAR_PROBES	8	/* comes that soon in each window
					 * of this long and this many */
#define PEER_NEAR_RETRY_US	10000000 /* a near peer that turned far is
					 * tried near again after this, doubled
					 * for each try in a row that ended
					 * far, at most this many times: */
#define PEER_NEAR_RETRY_DOUBLINGS 3
#define PEER_MAX_THEIR_REQS	2048		/* requests it may queue */
#define PEER_MAX_ALLOWED	64	/* BEP 6 allowed fast pieces kept */
#define PEER_OUR_ALLOWED	10	/* BEP 6's k for the set we give */
#define PEER_CANCELLED_MAX	64	/* requests given up, remembered */
#define PEER_CONNECT_TIMEOUT_MS	10000
#define PEER_HANDSHAKE_TIMEOUT_MS 20000	/* from the connect, either way */

enum peer_state {
	PEER_CONNECTING,	/* non-blocking connect() in progress */
	PEER_HANDSHAKE,		/* waiting for its handshake */
	PEER_ACTIVE,
	PEER_DEAD,		/* to be reaped at the end of the turn */
};

enum peer_logged {		/* misbehaviour logged once per peer */
	PEER_LOGGED_CHOKED_REQ = 1 << 0,
	PEER_LOGGED_UNASKED = 1 << 1,
	PEER_LOGGED_QUEUE_FULL = 1 << 2,
};

/* Why a connection ended before its handshake was through (peer_fail):
 * kept for the log and the Trackers view, which say it in the words of
 * peer_fail_format. */
enum peer_fail {
	PEER_FAIL_NONE = 0,
	PEER_FAIL_CONNECT,		/* connect() failed: fail_errno */
	PEER_FAIL_CONNECT_TIMEOUT,
	PEER_FAIL_CLOSED,		/* EOF before any byte of its
					 * handshake */
	PEER_FAIL_CLOSED_PARTIAL,	/* EOF inside its handshake */
	PEER_FAIL_IO,			/* read or write error: fail_errno */
	PEER_FAIL_NOT_BT,		/* not "\x13BitTorrent protocol" */
	PEER_FAIL_OTHER_TORRENT,	/* its info-hash is not ours */
	PEER_FAIL_TIMEOUT,		/* no handshake in time */
	PEER_FAIL_MSE,			/* the MSE handshake failed:
					 * fail_errno is an enum mse_fail */
	PEER_FAIL_PLAINTEXT,		/* a plaintext handshake, and we
					 * require encryption */
	PEER_FAIL_ENCRYPTED,		/* an MSE handshake, and encryption
					 * is off */
	PEER_FAIL_PLAIN_ANSWER,		/* it answered our MSE handshake
					 * with a plaintext one */
};

/* How the connection's bytes are wrapped (issue 14). */
enum peer_crypto {
	PEER_CRYPTO_NONE = 0,	/* a plain BitTorrent handshake */
	PEER_CRYPTO_MSE,	/* the MSE handshake running */
	PEER_CRYPTO_MSE_PLAIN,	/* MSE handshake, plaintext payload */
	PEER_CRYPTO_RC4,	/* MSE handshake, RC4 both ways */
};

struct peer_addr {
	struct sockaddr_storage	ss;
	socklen_t		len;
};

/* A block by where it is (a request given up). */
struct peer_blockref {
	uint32_t	piece, begin;
};

struct peer {
	uint32_t	id;		/* engine-wide, never reused */
	int		fd;
	enum peer_state	state;
	enum peer_state	state_before_death;
	int		outgoing;	/* we dialled it */
	uint8_t		src;		/* enum torrent_src (torrent_impl.h):
					 * where its address came from; set
					 * by the torrent that connects or
					 * adopts it */
	struct peer_addr addr;
	char		name[64];	/* "127.0.0.1:6881" */
	uint8_t		peer_id[20];
	char		client[48];	/* decoded from peer_id */

	struct bbuf	in, out;
	/* MSE/PE: the handshake while it runs (crypto PEER_CRYPTO_MSE),
	 * then the RC4 streams (PEER_CRYPTO_RC4).  What is read is
	 * decrypted as it enters `in'; what is queued in `out' is encrypted
	 * just before it is written: its first out_sealed bytes are. */
	uint8_t		crypto;		/* enum peer_crypto */
	uint8_t		mse_tried;	/* we dialled it with MSE */
	struct mse	*mse;
	struct rc4	*enc, *dec;
	size_t		out_sealed;
	/* uTP (BEP 29): the connection its bytes travel on instead of fd
	 * (then -1), borrowed from the session's mux until peer_free; NULL
	 * for TCP. */
	struct utp	*utp;
	struct utpmux	*mux;
	uint8_t		utp_poll;	/* peer_fdset asked to read it: what
					 * FD_SET is for a socket */

	int		am_choking, am_interested;
	int		peer_choking, peer_interested;
	int		snubbed;
	struct bitfield	have;		/* its pieces */
	int		have_known;	/* bitfield or a have arrived */

	struct picker_block *reqs;	/* our requests to it, oldest first */
	size_t		nreqs, reqs_alloc;
	/* One request of ours at a time is timed, the probe: sent at
	 * probe_us (0: none timed now); probe_got counts our blocks that
	 * arrived since, the probe's included.  lat_min_us is the least
	 * time a probe took (0: none yet), near_want the pipeline the last
	 * probe asks for (peer_pipeline_target). */
	struct peer_blockref probe;
	uint64_t	probe_us;
	uint32_t	probe_got, lat_min_us, near_want;
	/* The window of probes that keeps a near peer near (judge_near in
	 * peer.c): since win_start_us, win_n probes, the least win_min_us;
	 * far once a window had none within PEER_NEAR_US, since far_us.
	 * retrying: near again on trial, until its first window is judged;
	 * far_tries counts the tries in a row that ended far (at most
	 * PEER_NEAR_RETRY_DOUBLINGS). */
	uint64_t	win_start_us, far_us;
	uint32_t	win_n, win_min_us;
	int		far, retrying;
	unsigned	far_tries;
	struct picker_block *theirs;	/* its requests to us, oldest first */
	size_t		ntheirs;

	struct rate	down, up;	/* payload bytes */
	uint64_t	connected_ms, last_recv_ms, last_send_ms;
	uint64_t	last_piece_ms;	/* last block from it (snubbing) */
	uint64_t	unchoked_ms;	/* when it last unchoked us */
	uint64_t	choked_ms;	/* ... and choked us */
	unsigned	hashfails;
	int		choker_mark;	/* scratch for choker_round */
	unsigned	logged;		/* enum peer_logged: said once */
	int		pick_blocked;	/* last pick found nothing ... */
	uint64_t	pick_gen;	/* ... at this engine pick_gen */
	char		dead_reason[96];
	uint8_t		fail;		/* enum peer_fail: died before its
					 * handshake was through, and why */
	int		fail_errno;	/* for PEER_FAIL_CONNECT, _IO */
	/* Requests of ours given up (a CANCEL sent, or dropped with a choke
	 * or a snub), a ring of the last PEER_CANCELLED_MAX: a block that
	 * answers one is the ordinary race, not a block never asked for. */
	struct peer_blockref cancelled[PEER_CANCELLED_MAX];
	unsigned	ncancelled, cancelled_at;

	/* Extensions: what both handshakes announced (WIRE_F_*), and the
	 * peer's BEP 10 handshake (its ids, v, p, metadata_size). */
	unsigned	ext_flags;
	int		ext_known;	/* its extended handshake arrived */
	struct extmsg_handshake ext;
	uint64_t	pex_ms;		/* we last sent it ut_pex */
	struct caddr	*pex_told;	/* what that said was connected */
	size_t		npex_told;
	uint32_t	meta_asked;	/* metadata pieces asked, unanswered */
	/* BEP 6: pieces it lets us ask for while it chokes us (at most
	 * PEER_MAX_ALLOWED), and those we let it ask for. */
	uint32_t	*allowed;
	size_t		nallowed;
	uint32_t	our_allowed[PEER_OUR_ALLOWED];
	unsigned	nour_allowed;
	/* Before the torrent knows its metainfo (a magnet link), what the
	 * peer said it has, kept raw: a BITFIELD's bytes with HAVEs set in
	 * them, or HAVE_ALL.  Checked and applied when the metainfo comes. */
	uint8_t		*early_bits;
	size_t		early_len;
	int		early_all;
};

/* A connection on fd (already non-blocking).  NULL when out of memory.
 * num_pieces sizes its bitfield. */
struct peer	*peer_new(uint32_t id, int fd, const struct peer_addr *addr,
		    int outgoing, uint32_t num_pieces, uint64_t now_ms);
/* A connection over uTP connection u of mux (fd -1): u is released to
 * mux by peer_free.  NULL when out of memory (u untouched). */
struct peer	*peer_new_utp(uint32_t id, struct utpmux *mux, struct utp *u,
		    const struct peer_addr *addr, int outgoing,
		    uint32_t num_pieces, uint64_t now_ms);
/*
 * For select(): a TCP peer's socket goes into rd (when want_read) and wr
 * (when it has something to write or is connecting).  A uTP peer has no
 * socket of its own (the session's UDP socket brings its bytes): instead
 * this returns 1 when it can go on at once (bytes waiting, room to write,
 * its connection up or over) so that the loop does not sleep; else 0.
 */
int		 peer_fdset(struct peer *p, fd_set *rd, fd_set *wr,
		    int *maxfd, int want_read);
/* After select(): whether to read from it, to write to it (or finish its
 * connect). */
int		 peer_readable(const struct peer *p, const fd_set *rd);
int		 peer_writable(const struct peer *p, const fd_set *wr);
/* Its connect finished: BT_OK, or BT_ERR_SYS with *err the errno
 * (refused, reset, timed out). */
int		 peer_connect_result(const struct peer *p, int *err);
/* Makes a socket non-blocking and close-on-exec, right after socket() or
 * accept(), and turns Nagle off on a TCP one.  BT_OK or BT_ERR_SYS. */
int		 peer_fd_prepare(int fd);
/* Sizes its bitfield for a torrent of num_pieces (an incoming connection
 * learns its torrent at the handshake).  BT_OK or BT_ERR_NOMEM. */
int		 peer_set_num_pieces(struct peer *p, uint32_t num_pieces);
/* Closes the socket and frees everything; NULL is a no-op. */
void		 peer_free(struct peer *p);
/* Marks the peer dead with a reason (first reason wins). */
void		 peer_kill(struct peer *p, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* Marks p dead for a failure before its handshake was through (first
 * reason wins, as peer_kill): why and err (errno for PEER_FAIL_CONNECT and
 * PEER_FAIL_IO, else 0) stay in p->fail, p->fail_errno for whoever logs
 * and shows it. */
void		 peer_fail(struct peer *p, enum peer_fail why, int err);
/* The words for a failure into buf: "cannot connect: Connection refused",
 * "closed the connection right after our handshake"...  outgoing: we
 * dialled (our handshake went first). */
void		 peer_fail_format(enum peer_fail why, int err, int outgoing,
		    char *buf, size_t len);

/* Reads what the socket has into p->in, up to limit bytes (and at most
 * PEER_READ_CHUNK).  BT_OK, BT_ERR_CLOSED on EOF, BT_ERR_SYS (errno) on a
 * socket error. */
int		 peer_read(struct peer *p, uint64_t now_ms, size_t limit,
		    size_t *nread_out);
/* Encrypts what was queued in p->out since the last call, for an RC4
 * connection (peer_flush does it first); marks it all ready for the wire
 * whatever the connection (the MSE handshake's own bytes are). */
void		 peer_seal(struct peer *p);
/* Writes what p->out holds; BT_OK (possibly partial) or BT_ERR_SYS. */
int		 peer_flush(struct peer *p, uint64_t now_ms, size_t *nwritten_out);
/* Whether there is anything to write. */
int		 peer_wants_write(const struct peer *p);

/* Our requests to it.  now_us: when b goes out, for timing it (0: no
 * timing); BT_OK, BT_ERR_LIMIT past PEER_MAX_PIPELINE, BT_ERR_NOMEM. */
int		 peer_add_request(struct peer *p, const struct picker_block *b,
		    uint64_t now_us);
/* Removes the request matching (piece, begin), given up or refused; 1 if
 * found, 0 if not. */
int		 peer_remove_request(struct peer *p, uint32_t piece,
		    uint32_t begin);
/* The block for (piece, begin) arrived at now_us: removes the request as
 * peer_remove_request does (1 if it was one, 0 if not) and, when it was
 * the probe, takes its time for peer_pipeline_target. */
int		 peer_request_answered(struct peer *p, uint32_t piece,
		    uint32_t begin, uint64_t now_us);
/* Forgets every request of ours (the caller has given them up). */
void		 peer_clear_requests(struct peer *p);
/* Remembers a request of ours given up (the oldest remembered goes when
 * the ring is full). */
void		 peer_note_cancelled(struct peer *p, uint32_t piece,
		    uint32_t begin);
/* 1, and forgets it, when (piece, begin) is a request given up lately;
 * else 0. */
int		 peer_take_cancelled(struct peer *p, uint32_t piece,
		    uint32_t begin);
/*
 * How many requests we want outstanding; 1 while it is snubbed, never
 * more than the reqq of its extended handshake.  A near peer (a probe
 * came back within PEER_NEAR_US: a LAN, loopback; and one did in each
 * window of probes since, see PEER_NEAR_WINDOW_US) gets twice the
 * bandwidth-delay product the last probe measured, plus
 * PEER_MIN_PIPELINE: what its path can hold is a few blocks, and a deeper
 * queue only waits at its end (an aria2c seeder on loopback spent 6 times
 * the CPU per GiB with 500 blocks queued as with 16).  Another peer gets
 * its rate over the last seconds times 3 s, as libtorrent does: there a
 * congested path's latency grows with everyone's traffic, and a pipeline
 * sized to the least latency would lose its share.  Within
 * PEER_MIN_PIPELINE..PEER_MAX_PIPELINE either way.
 */
size_t		 peer_pipeline_target(const struct peer *p, uint64_t now_ms);

/* Its requests to us: queue, cancel, pop the oldest. */
int		 peer_queue_theirs(struct peer *p, const struct picker_block *b);
int		 peer_cancel_theirs(struct peer *p, const struct picker_block *b);
int		 peer_pop_theirs(struct peer *p, struct picker_block *out);

/* How its bytes travel, for the log and the peer detail: "TCP,
 * encrypted (RC4)", "TCP, MSE handshake, plaintext", "TCP, plaintext". */
const char	*peer_transport_text(const struct peer *p);

/* "1.2.3.4:5678" or "[::1]:5678" into buf. */
void		 peer_addr_format(const struct peer_addr *a, char *buf,
		    size_t len);
/* Parses "HOST:PORT" / "[V6]:PORT" with a numeric host. */
int		 peer_addr_parse(const char *s, struct peer_addr *out);
int		 peer_addr_equal(const struct peer_addr *a,
		    const struct peer_addr *b);
/* Sets a's port (a peer's listening or DHT port at its address).  BT_OK,
 * or BT_ERR_INVALID for a family other than IPv4 and IPv6. */
int		 peer_addr_set_port(struct peer_addr *a, uint16_t port);
/* a's port (0 for another family). */
uint16_t	 peer_addr_port(const struct peer_addr *a);
/* 127.0.0.0/8 or ::1. */
int		 peer_addr_is_loopback(const struct peer_addr *a);
/* The same family and address, whatever the ports. */
int		 peer_addr_same_host(const struct peer_addr *a,
		    const struct peer_addr *b);

#endif
