/*
 * hp_fast: hostile_peer's two modes that check rather than misbehave.  They
 * dial a bttui with the fast (BEP 6) and extension (BEP 10) bits set and
 * check what it says, one line per check ("ok: ..." or "FAIL: ..."),
 * stopping at the first failure with hp->rc 1:
 *   fastcheck  a seeder: HAVE_ALL, our allowed fast set, a REJECT_REQUEST
 *              and a served block while choked, the metadata (BEP 9);
 *   fastleech  a leecher with no piece: HAVE_NONE, the allowed fast set,
 *              rejects while choked and for an allowed piece it lacks.
 * We never send INTERESTED, so bttui keeps choking us throughout.
 */
#include "hp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "engine/extmsg.h"
#include "engine/metainfo.h"
#include "engine/sha1.h"
#include "engine/storage.h"
#include "engine/wire.h"

#define HPF_WAIT_MS	10000	/* for each answer */
/* The id bttui must put on ut_metadata messages to us (BEP 10: ours to
 * choose; not bttui's own 2, so a mix-up shows). */
#define HPF_UT_METADATA	3
/* BEP 6's k: the size of the allowed fast set bttui gives (peer.h
 * PEER_OUR_ALLOWED). */
#define HPF_K		10
#define HPF_LIST_LEN	(HPF_K * 11 + 1)	/* k indices as text */

/* What bttui's first messages told us, and the set BEP 6 gives us. */
struct opening {
	struct extmsg_handshake	hs;
	uint32_t		allowed[HPF_K];
	unsigned		nallowed;
};

/* One check: says ok or FAIL; a failure sets the exit status.  Returns
 * ok, so that checks chain with &&. */
static int __attribute__((format(printf, 3, 4)))
check(struct hp *hp, int ok, const char *fmt, ...)
{
	char	line[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	hp_say(hp, "%s: %s", ok ? "ok" : "FAIL", line);
	if (!ok)
		hp->rc = 1;
	return ok;
}

static const char *
msg_name(int type)
{
	switch (type) {
	case WIRE_CHOKE:		return "CHOKE";
	case WIRE_UNCHOKE:		return "UNCHOKE";
	case WIRE_HAVE:			return "HAVE";
	case WIRE_BITFIELD:		return "BITFIELD";
	case WIRE_REQUEST:		return "REQUEST";
	case WIRE_PIECE:		return "PIECE";
	case WIRE_HAVE_ALL:		return "HAVE_ALL";
	case WIRE_HAVE_NONE:		return "HAVE_NONE";
	case WIRE_REJECT_REQUEST:	return "REJECT_REQUEST";
	case WIRE_ALLOWED_FAST:		return "ALLOWED_FAST";
	case WIRE_EXTENDED:		return "EXTENDED";
	case WIRE_UNKNOWN:		return "an unknown message";
	default:			return "another message";
	}
}

/* The next message but keep-alives. */
static int
next_msg(struct hp *hp, struct conn *c, uint64_t deadline,
    struct wire_msg *m)
{
	int	r;

	while ((r = hp_conn_next(hp, c, deadline, m)) == BT_OK &&
	    m->type == WIRE_KEEPALIVE)
		;
	return r;
}

static const char *
why_not(int r)
{
	return r == BT_ERR_SYS ? strerror(errno) : bt_strerror(r);
}

/* Ours: an extended handshake offering ut_metadata only (no ut_pex: no
 * PEX message comes between bttui's answers), then HAVE_NONE. */
static int
send_opening(struct hp *hp, struct conn *c)
{
	struct extmsg_handshake	hs;
	struct bbuf		out;
	int			r;

	memset(&hs, 0, sizeof(hs));
	hs.flags = EXTMSG_HS_M | EXTMSG_HS_UT_METADATA | EXTMSG_HS_V;
	hs.ut_metadata = HPF_UT_METADATA;
	snprintf(hs.client, sizeof(hs.client), "hostile_peer");
	bbuf_init(&out, 1024);
	if ((r = extmsg_handshake_encode(&out, &hs)) == BT_OK &&
	    (r = wire_put_simple(&out, WIRE_HAVE_NONE)) == BT_OK)
		r = hp_send_buf(c->fd, &out);
	bbuf_cleanup(&out);
	return check(hp, r == BT_OK, "sent our extended handshake and "
	    "HAVE_NONE%s%s", r == BT_OK ? "" : ": ", r == BT_OK ? "" :
	    why_not(r));
}

static int
check_ext_handshake(struct hp *hp, const struct extmsg_handshake *hs)
{
	size_t	size = hp->meta->info_len;

	return check(hp, (hs->flags & EXTMSG_HS_UT_METADATA) &&
	    hs->ut_metadata != 0, "extended handshake: ut_metadata id %u",
	    hs->ut_metadata) &&
	    check(hp, (hs->flags & EXTMSG_HS_METADATA_SIZE) &&
	    hs->metadata_size == (int64_t)size, "extended handshake: "
	    "metadata_size %lld, the info dictionary is %zu bytes",
	    (long long)hs->metadata_size, size) &&
	    check(hp, strncmp(hs->client, "bttui", 5) == 0,
	    "extended handshake: v \"%s\"", hs->client);
}

/*
 * bttui's first two messages: its extended handshake and `have'
 * (HAVE_ALL or HAVE_NONE; BEP 6: instead of a BITFIELD), in either order.
 */
static int
read_opening(struct hp *hp, struct conn *c, int have, struct opening *op)
{
	struct wire_msg	m;
	uint64_t	deadline = hp_now_ms() + HPF_WAIT_MS;
	char		why[128];
	int		n, r, got_hs = 0, got_have = 0, hs_first = 0;

	for (n = 0; n < 2; n++) {
		if ((r = next_msg(hp, c, deadline, &m)) != BT_OK)
			return check(hp, 0, "message %d of bttui's opening: %s",
			    n + 1, why_not(r));
		if (m.type == WIRE_EXTENDED && m.ext_id == 0 && !got_hs) {
			r = extmsg_handshake_decode(m.data, m.data_len,
			    &op->hs, why, sizeof(why));
			if (!check(hp, r == BT_OK, "extended handshake "
			    "decodes%s%s", r == BT_OK ? "" : ": ",
			    r == BT_OK ? "" : why))
				return 0;
			got_hs = 1;
			hs_first = n == 0;
		} else if (m.type == have && !got_have) {
			got_have = 1;
		} else
			return check(hp, 0, "message %d of bttui's opening is "
			    "%s, want the extended handshake and %s", n + 1,
			    msg_name(m.type), msg_name(have));
	}
	return check(hp, 1, "bttui opens with %s, then %s", hs_first ?
	    "its extended handshake" : msg_name(have), hs_first ?
	    msg_name(have) : "its extended handshake") &&
	    check_ext_handshake(hp, &op->hs);
}

static int
in_set(const uint32_t *set, unsigned n, uint32_t x)
{
	unsigned	i;

	for (i = 0; i < n; i++)
		if (set[i] == x)
			return 1;
	return 0;
}

static void
list_set(const uint32_t *set, unsigned n, char *buf, size_t len)
{
	size_t		at = 0;
	unsigned	i;

	buf[0] = '\0';
	for (i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%u", i ? " " : "",
		    set[i]);
}

/*
 * Then ALLOWED_FAST messages: as many as the set BEP 6 computes for our
 * address as bttui sees it (this end of the socket), and the same pieces.
 */
static int
read_allowed(struct hp *hp, struct conn *c, struct opening *op)
{
	struct sockaddr_storage	me;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&me;
	socklen_t		len = sizeof(me);
	struct wire_msg		m;
	uint32_t		got[HPF_K];
	uint64_t		deadline = hp_now_ms() + HPF_WAIT_MS;
	char			ip[INET6_ADDRSTRLEN] = "?", list[HPF_LIST_LEN];
	unsigned		i, same = 1;
	int			r;

	if (getsockname(c->fd, (struct sockaddr *)&me, &len) < 0 ||
	    wire_allowed_fast(&me, hp->meta->info_hash,
	    hp->meta->num_pieces, HPF_K, op->allowed, &op->nallowed) != BT_OK)
		return check(hp, 0, "cannot compute our allowed fast set");
	if (me.ss_family == AF_INET)
		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
	for (i = 0; i < op->nallowed; i++) {
		if ((r = next_msg(hp, c, deadline, &m)) != BT_OK ||
		    m.type != WIRE_ALLOWED_FAST)
			return check(hp, 0, "ALLOWED_FAST %u of %u: got %s", i +
			    1, op->nallowed, r != BT_OK ? why_not(r) :
			    msg_name(m.type));
		got[i] = m.index;
	}
	/* op->allowed holds nallowed distinct pieces: all of them in got,
	 * which is as long, means the same set. */
	for (i = 0; i < op->nallowed; i++)
		same &= in_set(got, op->nallowed, op->allowed[i]);
	list_set(got, op->nallowed, list, sizeof(list));
	return check(hp, same, "ALLOWED_FAST x%u: {%s}%s the set BEP 6 "
	    "gives %s", op->nallowed, list, same ? "," : ", not", ip);
}

/* Sends REQUEST (piece, 0, len) and waits for its answer: a PIECE or
 * REJECT_REQUEST of that block in *m (other messages are passed over). */
static int
ask(struct hp *hp, struct conn *c, uint32_t piece, uint32_t len,
    struct wire_msg *m)
{
	struct bbuf	out;
	uint64_t	deadline = hp_now_ms() + HPF_WAIT_MS;
	int		r;

	bbuf_init(&out, 64);
	if ((r = wire_put_request(&out, piece, 0, len)) == BT_OK)
		r = hp_send_buf(c->fd, &out);
	bbuf_cleanup(&out);
	while (r == BT_OK && (r = next_msg(hp, c, deadline, m)) == BT_OK)
		if ((m->type == WIRE_PIECE ||
		    m->type == WIRE_REJECT_REQUEST) &&
		    m->index == piece && m->begin == 0)
			break;
	return r;
}

static uint32_t
block_len(const struct hp *hp, uint32_t piece)
{
	uint32_t	size = metainfo_piece_size(hp->meta, piece);

	return size < WIRE_BLOCK_LEN ? size : WIRE_BLOCK_LEN;
}

/* A request bttui must refuse (choked and not allowed fast, or a piece it
 * lacks): REJECT_REQUEST of the same index, begin and length. */
static int
check_rejected(struct hp *hp, struct conn *c, uint32_t piece,
    const char *what)
{
	struct wire_msg	m;
	uint32_t	len = block_len(hp, piece);
	int		r;

	if ((r = ask(hp, c, piece, len, &m)) != BT_OK)
		return check(hp, 0, "REQUEST %u/0/%u (%s): no answer: %s",
		    piece, len, what, why_not(r));
	return check(hp, m.type == WIRE_REJECT_REQUEST && m.length == len &&
	    c->choked, "REQUEST %u/0/%u (%s): %s %u/%u/%u%s", piece, len,
	    what, msg_name(m.type), m.index, m.begin, m.length,
	    c->choked ? "" : " (but bttui unchoked us)");
}

/* A request for an allowed fast piece of a seeder, while choked: the
 * block, byte for byte as the seeder's files hold it. */
static int
check_served(struct hp *hp, struct conn *c, uint32_t piece)
{
	uint8_t		want[WIRE_BLOCK_LEN];
	struct wire_msg	m;
	uint32_t	len = block_len(hp, piece);
	int		r;

	if ((r = storage_read(hp->store, piece, 0, want, len)) != BT_OK)
		return check(hp, 0, "cannot read piece %u from -d %s: %s",
		    piece, hp->dir, bt_strerror(r));
	if ((r = ask(hp, c, piece, len, &m)) != BT_OK)
		return check(hp, 0, "REQUEST %u/0/%u (allowed fast, choked): "
		    "no answer: %s", piece, len, why_not(r));
	return check(hp, m.type == WIRE_PIECE && m.length == len &&
	    memcmp(m.data, want, len) == 0 && c->choked, "REQUEST %u/0/%u "
	    "(allowed fast, choked): %s %u/%u/%u%s%s", piece, len,
	    msg_name(m.type), m.index, m.begin, m.length,
	    m.type != WIRE_PIECE ? "" : m.length == len &&
	    memcmp(m.data, want, len) == 0 ? ", the seeder's bytes" :
	    ", NOT the seeder's bytes", c->choked ? "" :
	    " (but bttui unchoked us)");
}

/* One ut_metadata piece: asks bttui (with the id its handshake gave) and
 * checks the DATA against the torrent's info dictionary. */
static int
check_metadata_piece(struct hp *hp, struct conn *c, uint8_t their_id,
    uint32_t piece, uint8_t *got)
{
	struct extmsg_metadata	md;
	struct wire_msg		m;
	struct bbuf		out;
	uint32_t		size = (uint32_t)hp->meta->info_len;
	uint32_t		len = extmsg_metadata_piece_len(size, piece);
	size_t			at = (size_t)piece * EXTMSG_METADATA_PIECE;
	uint64_t		deadline = hp_now_ms() + HPF_WAIT_MS;
	char			why[128] = "";
	int			r;

	bbuf_init(&out, 256);
	if ((r = extmsg_put_metadata_request(&out, their_id, piece)) == BT_OK)
		r = hp_send_buf(c->fd, &out);
	bbuf_cleanup(&out);
	while (r == BT_OK && (r = next_msg(hp, c, deadline, &m)) == BT_OK &&
	    !(m.type == WIRE_EXTENDED && m.ext_id == HPF_UT_METADATA))
		;
	if (r != BT_OK)
		return check(hp, 0, "ut_metadata piece %u: no answer: %s",
		    piece, why_not(r));
	if ((r = extmsg_metadata_decode(m.data, m.data_len, &md, why,
	    sizeof(why))) != BT_OK)
		return check(hp, 0, "ut_metadata piece %u: %s", piece, why);
	if (md.type == EXTMSG_METADATA_DATA && md.piece == piece &&
	    md.total_size == size && md.data_len == len)
		memcpy(got + at, md.data, len);
	return check(hp, md.type == EXTMSG_METADATA_DATA && md.piece ==
	    piece && md.total_size == size && md.data_len == len &&
	    memcmp(got + at, hp->meta->info + at, len) == 0,
	    "ut_metadata piece %u: type %d, piece %u, total_size %u, %zu "
	    "bytes at %zu of the info dictionary (want type %d, %u bytes)",
	    piece, md.type, md.piece, md.total_size, md.data_len, at,
	    EXTMSG_METADATA_DATA, len);
}

/* Every metadata piece, then the whole: its SHA-1 is the info-hash. */
static int
check_metadata(struct hp *hp, struct conn *c, uint8_t their_id)
{
	uint32_t	size = (uint32_t)hp->meta->info_len;
	uint32_t	n = extmsg_metadata_pieces(size), i;
	uint8_t		*got, digest[SHA1_LEN];
	int		ok = 1;

	if ((got = calloc(1, size)) == NULL)
		return check(hp, 0, "out of memory for %u bytes", size);
	for (i = 0; i < n && ok; i++)
		ok = check_metadata_piece(hp, c, their_id, i, got);
	if (ok) {
		sha1_digest(got, size, digest);
		ok = check(hp, memcmp(digest, hp->meta->info_hash,
		    SHA1_LEN) == 0, "SHA-1 of the %u metadata bytes (%u "
		    "piece%s) is the info-hash", size, n, n == 1 ? "" : "s");
	}
	free(got);
	return ok;
}

/* The first piece outside the allowed fast set; num_pieces if none. */
static uint32_t
not_allowed(const struct hp *hp, const struct opening *op)
{
	uint32_t	i;

	for (i = 0; i < hp->meta->num_pieces; i++)
		if (!in_set(op->allowed, op->nallowed, i))
			return i;
	return i;
}

void
hp_fast_run(struct hp *hp, struct conn *c)
{
	struct opening	op;
	int		seeder = hp->mode == HP_FASTCHECK, ok;
	uint32_t	out = 0;

	memset(&op, 0, sizeof(op));
	ok = check(hp, (c->peer_flags & (WIRE_F_FAST | WIRE_F_EXT)) ==
	    (WIRE_F_FAST | WIRE_F_EXT), "bttui's handshake sets the fast "
	    "and extension bits (WIRE_F_* 0x%x)", c->peer_flags) &&
	    send_opening(hp, c) &&
	    read_opening(hp, c, seeder ? WIRE_HAVE_ALL : WIRE_HAVE_NONE,
	    &op) &&
	    read_allowed(hp, c, &op) &&
	    check(hp, op.nallowed > 0 && (out = not_allowed(hp, &op)) <
	    hp->meta->num_pieces, "%u pieces: some in the allowed set, some "
	    "not", hp->meta->num_pieces) &&
	    check_rejected(hp, c, out, "choked, not allowed fast");
	if (ok && seeder)
		ok = check_served(hp, c, op.allowed[0]) &&
		    check_metadata(hp, c, op.hs.ut_metadata);
	else if (ok)
		ok = check_rejected(hp, c, op.allowed[0], "allowed fast, "
		    "which bttui lacks");
	if (ok)
		hp_say(hp, "all checks passed");
}
