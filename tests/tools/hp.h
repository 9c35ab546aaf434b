/*
 * hp: what hostile_peer.c shares with hp_fast.c, its fast-extension modes.
 * One tool, two files: hostile_peer.c owns the sockets, the handshake and
 * the misbehaving modes; hp_fast.c only runs checks on a connection that
 * hostile_peer.c has opened and handshaken.
 */
#ifndef HP_H
#define HP_H

#include <stdint.h>

#include "ipc/bbuf.h"
#include "engine/peer.h"
#include "engine/wire.h"

struct metainfo;
struct storage;

#define HP_IN_MAX		(2u * 1024 * 1024)

enum hp_mode {
	HP_BADPIECES, HP_HUGELEN, HP_BADBITFIELD, HP_HAVEPASTEND,
	HP_REQUESTPASTEND, HP_UNASKEDPIECE, HP_WRONGHASH, HP_HALFHANDSHAKE,
	HP_REQUESTFLOOD, HP_MANYCONNS, HP_FASTCHECK, HP_FASTLEECH,
};

struct hp {
	int		 mode;		/* enum hp_mode */
	const char	*torrent, *dir;
	struct metainfo	*meta;
	struct storage	*store;		/* -d: the data badpieces corrupts
					 * and fastcheck compares with */
	struct peer_addr target;	/* --connect */
	int		 listen_port;	/* --listen, 0 when connecting */
	uint64_t	 hold_ms;
	unsigned long	 count;		/* manyconns: N; requestflood: total */
	uint8_t		 peer_id[WIRE_PEER_ID_LEN];
	unsigned	 flags;		/* WIRE_F_* our handshakes announce */
	unsigned	 nconn;		/* connections so far, for the log */
	int		 rc;		/* exit status with --connect: 1 when
					 * a check or the handshake failed */
};

/* One connection: a blocking socket and what it has sent us. */
struct conn {
	int		fd;
	struct bbuf	in;
	int		choked;		/* bttui chokes us */
	unsigned	peer_flags;	/* WIRE_F_* bttui's handshake set */
	unsigned	flags;		/* negotiated: ours & bttui's */
	uint64_t	start_ms;
};

uint64_t	hp_now_ms(void);
/* Milliseconds from now to deadline (hp_now_ms clock), 0 once past. */
int		hp_left_ms(uint64_t deadline);
/* One line "hostile MODE #CONN: ..." on stdout, flushed. */
void		hp_say(const struct hp *hp, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
/* Sends all of out and empties it.  BT_OK or BT_ERR_SYS (errno). */
int		hp_send_buf(int fd, struct bbuf *out);
/*
 * The next message from bttui before the deadline, decoded with the
 * connection's negotiated flags; m->data borrows c->in until the next
 * call.  Tracks CHOKE / UNCHOKE in c->choked.  BT_OK, BT_ERR_TIMEOUT,
 * BT_ERR_CLOSED, BT_ERR_SYS, or what wire_decode_ex refused.
 */
int		hp_conn_next(struct hp *hp, struct conn *c, uint64_t deadline,
		    struct wire_msg *m);

/* fastcheck (against a seeder) and fastleech (a leecher with nothing),
 * on a connection past both handshakes: one line per check, hp->rc 1 on
 * the first failure, which ends the run. */
void		hp_fast_run(struct hp *hp, struct conn *c);

#endif
