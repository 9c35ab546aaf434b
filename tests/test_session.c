/*
 * test_session: the engine core, two sessions in one process.  A seeder
 * session and a leecher session on loopback, each with its own session
 * directory, run turn by turn until the leecher has every piece; then the
 * torrent state machine (pause, queue, resume, remove) through the same
 * functions the front's commands reach; the priority commands through a
 * socketpair, as the front sends them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/loop.h"
#include "ipc/msg.h"
#include "ipc/packet.h"
#include "engine/engine.h"
#include "engine/magnet.h"
#include "engine/maketorrent.h"
#include "engine/metainfo.h"
#include "engine/partfile.h"
#include "engine/session.h"
#include "engine/session_impl.h"
#include "engine/sha1.h"
#include "engine/sessiondir.h"
#include "engine/source.h"
#include "engine/torrent.h"
#include "engine/torrent_impl.h"
#include "engine/utp.h"
#include "engine/utp_packet.h"
#include "engine/utpmux.h"
#include "sandbox.h"

#define PAYLOAD_BYTES	(3u * 1024 * 1024 + 1234)	/* a short last piece */
#define PIECE_BYTES	(64u * 1024)
#define RUN_LIMIT_MS	30000

struct fixture {
	char		 root[PATH_MAX];
	char		 seed_dir[PATH_MAX], leech_dir[PATH_MAX];
	char		 seed_sess[PATH_MAX], leech_sess[PATH_MAX];
	char		 payload[PATH_MAX];
	struct bbuf	 torrent;		/* the .torrent bytes */
	uint8_t		 info_hash[20];
	const void	*row;			/* a table test's row */
};

static void
join(char *buf, const char *a, const char *b)
{
	assert_true((size_t)snprintf(buf, PATH_MAX, "%s/%s", a, b) <
	    PATH_MAX);
}

/* The payload: bytes of a fixed pseudo-random sequence. */
static void
write_payload(const char *path, size_t n)
{
	uint64_t	x = 0x9e3779b97f4a7c15ull;
	FILE		*fp = fopen(path, "wb");
	size_t		 i;

	assert_non_null(fp);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		assert_int_not_equal(fputc((int)(x & 0xff), fp), EOF);
	}
	assert_int_equal(fclose(fp), 0);
}

static void
add_to_session(struct fixture *f, const char *sess, const char *dir)
{
	struct sessiondir	*sd;
	char			 err[512];

	assert_int_equal(sessiondir_open(sess, 0, &sd, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(sessiondir_add(sd, f->info_hash, bbuf_ptr(
	    &f->torrent), bbuf_len(&f->torrent), dir, 0, 1), BT_OK);
	sessiondir_close(sd);
}

static int
setup(void **state)
{
	struct fixture		*f = calloc(1, sizeof(*f));
	struct maketorrent_opts	 o;
	struct metainfo		*m;
	char			 err[512];

	assert_non_null(f);
	f->row = *state;	/* cmocka's prestate: NULL but for tables */
	assert_int_equal(sandbox_create(f->root, sizeof(f->root),
	    "test_session"), 0);
	join(f->seed_dir, f->root, "seed");
	join(f->leech_dir, f->root, "leech");
	join(f->seed_sess, f->root, "seed-session");
	join(f->leech_sess, f->root, "leech-session");
	assert_int_equal(mkdir(f->seed_dir, 0700), 0);
	assert_int_equal(mkdir(f->leech_dir, 0700), 0);
	join(f->payload, f->seed_dir, "payload.bin");
	write_payload(f->payload, PAYLOAD_BYTES);
	memset(&o, 0, sizeof(o));
	o.path = f->payload;
	o.piece_size = PIECE_BYTES;
	bbuf_init(&f->torrent, 1024 * 1024);
	assert_int_equal(maketorrent_build(&o, &f->torrent, err,
	    sizeof(err)), BT_OK);
	assert_int_equal(metainfo_parse(bbuf_ptr(&f->torrent),
	    bbuf_len(&f->torrent), &m, err, sizeof(err)), BT_OK);
	memcpy(f->info_hash, m->info_hash, 20);
	metainfo_free(m);
	add_to_session(f, f->seed_sess, f->seed_dir);
	add_to_session(f, f->leech_sess, f->leech_dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	bbuf_cleanup(&f->torrent);
	sandbox_remove(f->root);
	free(f);
	return 0;
}

static void
config(struct engine_config *cfg, const char *sess, uint16_t port)
{
	engine_config_defaults(cfg);
	cfg->session_dir = sess;
	cfg->port = port;
	cfg->rng_seed = port;
}

/* A port unlikely to be taken; the session tries the next 8 too. */
static uint16_t
test_port(int k)
{
	return (uint16_t)(20000 + (getpid() * 16 + k * 9) % 30000);
}

static int
same_file(const char *a, const char *b)
{
	FILE	*fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	int	 ca, cb, same = fa != NULL && fb != NULL;

	while (same) {
		ca = fgetc(fa);
		cb = fgetc(fb);
		if (ca != cb)
			same = 0;
		if (ca == EOF || cb == EOF)
			break;
	}
	if (fa != NULL)
		fclose(fa);
	if (fb != NULL)
		fclose(fb);
	return same;
}

/* How two sessions trade: each row is a test of its own. */
struct trade_row {
	const char	*name;
	int		 seed_enc, leech_enc;	/* enum engine_encryption */
	int		 utp, no_tcp;		/* on both sides */
	uint8_t		 crypto;		/* enum peer_crypto seen */
	int		 over_utp;
};

static const struct trade_row trade_rows[] = {
	{ "plain TCP", ENGINE_ENC_ALLOW, ENGINE_ENC_ALLOW, 0, 0,
	    PEER_CRYPTO_NONE, 0 },
	{ "RC4 over TCP", ENGINE_ENC_REQUIRE, ENGINE_ENC_REQUIRE, 0, 0,
	    PEER_CRYPTO_RC4, 0 },
	{ "prefer meets off: plaintext", ENGINE_ENC_OFF, ENGINE_ENC_PREFER, 0,
	    0, PEER_CRYPTO_NONE, 0 },
	{ "uTP first", ENGINE_ENC_ALLOW, ENGINE_ENC_ALLOW, 1, 0,
	    PEER_CRYPTO_NONE, 1 },
	{ "uTP alone, RC4", ENGINE_ENC_REQUIRE, ENGINE_ENC_PREFER, 1, 1,
	    PEER_CRYPTO_RC4, 1 },
	{ "prefer meets prefer: MSE, plaintext", ENGINE_ENC_PREFER,
	    ENGINE_ENC_PREFER, 0, 0, PEER_CRYPTO_MSE_PLAIN, 0 },
};

/* The leecher's connection to the seeder as it was while active. */
static void
note_peer(struct session *s, uint8_t *crypto, int *over_utp, int *seen)
{
	struct peer	*p;

	if (s->ntorrents != 1 || s->torrents[0]->npeers == 0 ||
	    (p = s->torrents[0]->peers[0])->state != PEER_ACTIVE)
		return;
	*crypto = p->crypto;
	*over_utp = p->utp != NULL;
	*seen = 1;
}

/* Keeps the piece detail torrent_send_piece sends. */
static void
take_piece(void *arg, int type, const union msg_any *m)
{
	if (type == MSG_PIECE_DETAIL)
		*(struct msg_piece_detail *)arg = m->piece_detail;
}

/* Every block of every piece the leecher verified names its sender, the
 * seeder (issue 16, defect 14: they vanished once the piece passed). */
static void
check_senders(struct session *leecher)
{
	struct torrent		*t = leecher->torrents[0];
	struct msg_piece_detail	*d = calloc(1, sizeof(*d));
	uint32_t		 i, k;

	assert_non_null(d);
	for (i = 0; i < t->meta->num_pieces; i++) {
		memset(d, 0, sizeof(*d));
		torrent_send_piece(t, i, take_piece, d);
		assert_int_equal(d->index, i);
		assert_int_equal(d->state, MSG_PIECE_HAVE);
		assert_true(d->nblocks > 0);
		for (k = 0; k < d->nblocks; k++)
			if (d->blocks[k].state != MSG_BLOCK_HAVE ||
			    d->blocks[k].peer_id == MSG_PEER_NONE)
				fail_msg("piece %u block %u: state %u, no "
				    "sender", i, k, d->blocks[k].state);
	}
	free(d);
}

static void
test_two_sessions_trade(void **state)
{
	static const struct trade_row plain = { "plain", 0, 0, 0, 0, 0, 0 };
	struct fixture		*f = *state;
	const struct trade_row	*row = f->row != NULL ? f->row : &plain;
	struct engine_config	 scfg, lcfg;
	struct session		*seeder, *leecher;
	char			 peer[64], got[PATH_MAX];
	const char		*peers[1] = { peer };
	uint64_t		 turns = 0;
	uint8_t			 crypto = 0xff;
	int			 running = 1, over_utp = -1, seen = 0;

	config(&scfg, f->seed_sess, test_port(0));
	scfg.seed = 1;
	scfg.encryption = row->seed_enc;
	scfg.utp = row->utp;
	scfg.no_tcp = row->no_tcp;
	assert_int_equal(session_new(&scfg, -1, &seeder), 0);
	assert_int_equal(session_torrent_count(seeder), 1);
	/* its check done first: a checking torrent turns peers away, and
	 * one turned away in the middle of MSE is dialled plain next */
	while (session_complete_count(seeder) == 0 &&
	    turns++ < RUN_LIMIT_MS / 5)
		(void)session_turn(seeder, 5);
	turns = 0;
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", session_port(seeder));
	config(&lcfg, f->leech_sess, test_port(1));
	lcfg.peers = peers;
	lcfg.npeers = 1;
	lcfg.encryption = row->leech_enc;
	lcfg.utp = row->utp;
	lcfg.no_tcp = row->no_tcp;
	assert_int_equal(session_new(&lcfg, -1, &leecher), 0);
	assert_int_equal(session_complete_count(leecher), 0);
	/* Both loops in this one thread: each turn waits at most 5 ms. */
	while (running && turns++ < RUN_LIMIT_MS / 5) {
		(void)session_turn(seeder, 5);
		running = session_turn(leecher, 5);
		if (running)
			note_peer(leecher, &crypto, &over_utp, &seen);
	}
	assert_false(running);		/* the leecher stopped: all done */
	assert_int_equal(session_complete_count(leecher), 1);
	assert_int_equal(session_complete_count(seeder), 1);
	assert_true(seen);
	assert_int_equal(crypto, row->crypto);
	assert_int_equal(over_utp, row->over_utp);
	check_senders(leecher);
	assert_int_equal(session_free(leecher), 0);
	assert_int_equal(session_free(seeder), 0);
	join(got, f->leech_dir, "payload.bin");
	assert_true(same_file(f->payload, got));
}

/* Seeder b's connection to seeder a, once active: its id in *seen_id. */
static void
note_seeds(struct session *b, int *seen, uint32_t *seen_id)
{
	struct torrent	*t = b->torrents[0];

	if (t->npeers > 0 && t->peers[0]->state == PEER_ACTIVE) {
		*seen = 1;
		*seen_id = t->peers[0]->id;
	}
}

/* Keeps the peer detail torrent_send_peer sends. */
static void
take_peer(void *arg, int type, const union msg_any *m)
{
	if (type == MSG_PEER_DETAIL)
		*(struct msg_peer_detail *)arg = m->peer_detail;
}

/*
 * Two seeds (issue 16, defect 13): the one that dials the other drops the
 * connection once both bitfields are known, marks the address a seed and
 * does not dial it again while it seeds; the other keeps nothing either.
 * Before, the two stayed connected for nothing, and a seed that closes
 * on us was dialled again every 30 s.
 */
static void
test_two_seeds_part_ways(void **state)
{
	struct fixture		*f = *state;
	struct engine_config	 acfg, bcfg;
	struct session		*a, *b;
	struct known_peer	*k;
	struct peer_addr	 pa;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&pa.ss;
	char			 peer[64], path[PATH_MAX];
	const char		*peers[1] = { peer };
	struct msg_peer_detail	*d = calloc(1, sizeof(*d));
	uint64_t		 turns = 0;
	uint32_t		 id = 0;
	int			 seen = 0;

	assert_non_null(d);
	join(path, f->leech_dir, "payload.bin");
	write_payload(path, PAYLOAD_BYTES);	/* b has it all too */
	config(&acfg, f->seed_sess, test_port(0));
	acfg.seed = 1;
	assert_int_equal(session_new(&acfg, -1, &a), 0);
	config(&bcfg, f->leech_sess, test_port(1));
	bcfg.seed = 1;
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", session_port(a));
	bcfg.peers = peers;
	bcfg.npeers = 1;
	assert_int_equal(session_new(&bcfg, -1, &b), 0);
	while ((session_complete_count(a) == 0 ||
	    session_complete_count(b) == 0) && turns++ < RUN_LIMIT_MS / 5) {
		(void)session_turn(a, 5);
		(void)session_turn(b, 5);
	}
	assert_int_equal(session_complete_count(b), 1);
	/* then a few seconds: the dial, both bitfields, the drop */
	for (turns = 0; turns < 5000 / 5; turns++) {
		(void)session_turn(a, 5);
		(void)session_turn(b, 5);
		note_seeds(b, &seen, &id);
		if (seen && b->torrents[0]->npeers == 0 &&
		    a->torrents[0]->npeers == 0)
			break;
	}
	assert_true(seen);			/* they did meet */
	assert_int_equal(b->torrents[0]->npeers, 0);
	assert_int_equal(a->torrents[0]->npeers, 0);
	memset(&pa, 0, sizeof(pa));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(session_port(a));
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	pa.len = sizeof(*sin);
	k = torrent_known_find(b->torrents[0], &pa);
	assert_non_null(k);
	assert_true(k->seed);
	assert_false(torrent_known_dialable(b->torrents[0], k, UINT64_MAX));
	/* the front may still ask for its detail: gone, and why */
	torrent_send_peer(b->torrents[0], id, take_peer, d);
	assert_int_equal(d->peer.id, id);
	assert_int_equal(d->gone, 1);
	assert_true(d->gone_s < 10);
	/* whichever side's tick saw it first dropped it */
	if (strcmp(d->gone_reason, "both seeds, nothing to trade") != 0 &&
	    strcmp(d->gone_reason, "closed by peer") != 0)
		fail_msg("gone: \"%s\"", d->gone_reason);
	free(d);
	assert_int_equal(session_free(b), 0);
	assert_int_equal(session_free(a), 0);
}

/* A session holding only a magnet link (the stub source.h makes). */
static void
add_magnet(const char *sess, const char *dir, const char *link)
{
	struct sessiondir	*sd;
	struct source		 src;
	char			 err[512];

	assert_int_equal(source_load(link, &src, err, sizeof(err)), BT_OK);
	assert_null(src.meta);
	assert_int_equal(sessiondir_open(sess, 0, &sd, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(sessiondir_add(sd, src.info_hash, bbuf_ptr(
	    &src.bytes), bbuf_len(&src.bytes), dir, 0, 1), BT_OK);
	sessiondir_close(sd);
	source_cleanup(&src);
}

/*
 * The leecher has only a magnet link (its session holds the stub) and the
 * seeder's address: it fetches the metadata from the seeder (BEP 9 over
 * BEP 10), downloads, and the stub in its session becomes the .torrent.
 */
static void
test_magnet_from_session(void **state)
{
	struct fixture		*f = *state;
	struct engine_config	 scfg, lcfg;
	struct session		*seeder, *leecher;
	struct source		 src;
	char			 peer[64], got[PATH_MAX], link[256], err[512];
	char			 hex[41], path[PATH_MAX + 64], want[128];
	const char		*peers[1] = { peer };
	struct msg_status	 st;
	struct msg_torrent_row	 row;
	uint64_t		 turns = 0;
	int			 running = 1, fetching = 0;

	sha1_hex(f->info_hash, hex);
	snprintf(link, sizeof(link), "magnet:?xt=urn:btih:%s&dn=payload",
	    hex);
	/* a fresh leecher session with the link only */
	join(f->leech_sess, f->root, "magnet-session");
	add_magnet(f->leech_sess, f->leech_dir, link);

	config(&scfg, f->seed_sess, test_port(4));
	scfg.seed = 1;
	assert_int_equal(session_new(&scfg, -1, &seeder), 0);
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", session_port(seeder));
	config(&lcfg, f->leech_sess, test_port(5));
	lcfg.peers = peers;
	lcfg.npeers = 1;
	assert_int_equal(session_new(&lcfg, -1, &leecher), 0);
	assert_int_equal(session_torrent_count(leecher), 1);
	assert_int_equal(torrent_state(leecher->torrents[0]),
	    TORRENT_QUEUED);
	/* before any peer: no size, the link's own hash and name */
	torrent_fill_status(leecher->torrents[0], &st);
	assert_int_equal(st.meta_have, 0);
	assert_int_equal(st.meta_pieces, 0);
	assert_int_equal(st.flags, 0);
	snprintf(want, sizeof(want), "magnet:?xt=urn:btih:%s&dn=payload",
	    hex);
	assert_string_equal(st.magnet, want);
	while (running && turns++ < RUN_LIMIT_MS / 5) {
		(void)session_turn(seeder, 5);
		running = session_turn(leecher, 5);
		if (leecher->torrents[0] == NULL)
			continue;
		torrent_fill_row(leecher->torrents[0], &row);
		/* a 49-piece torrent's info dictionary is one BEP 9 piece */
		assert_true(row.meta_have <= row.meta_pieces);
		assert_true(row.meta_pieces <= 1);
		if (row.state == MSG_STATE_METADATA)
			fetching++;
		else if (fetching > 0)
			assert_int_equal(row.meta_pieces, 0);
	}
	assert_false(running);
	assert_true(fetching > 0);
	assert_int_equal(session_complete_count(leecher), 1);
	assert_string_equal(torrent_name(leecher->torrents[0]),
	    "payload.bin");
	/* with its metadata, the link names the torrent as --info does */
	torrent_fill_status(leecher->torrents[0], &st);
	snprintf(want, sizeof(want), "magnet:?xt=urn:btih:%s&dn=payload.bin",
	    hex);
	assert_string_equal(st.magnet, want);
	assert_int_equal(session_free(leecher), 0);
	assert_int_equal(session_free(seeder), 0);
	join(got, f->leech_dir, "payload.bin");
	assert_true(same_file(f->payload, got));
	/* the session now holds the .torrent itself, same info-hash */
	assert_true((size_t)snprintf(path, sizeof(path), "%s/torrents/%s"
	    ".torrent", f->leech_sess, hex) < sizeof(path));
	assert_int_equal(source_load(path, &src, err, sizeof(err)), BT_OK);
	assert_non_null(src.meta);
	assert_memory_equal(src.info_hash, f->info_hash, 20);
	source_cleanup(&src);
}

/* --- what the front is told of a torrent and its peers ----------------- */

struct peers_seen {
	uint8_t		src;		/* of the first peer listed */
	uint8_t		transport;	/* its msg_peer_transport */
	uint32_t	id;
	int		n;		/* MSG_PEERS frames with a peer */
	int		detail_src;	/* MSG_PEER_DETAIL's, or -1 */
	int		detail_transport;
};

static void
catch_peers(void *arg, int type, const union msg_any *m)
{
	struct peers_seen	*ps = arg;

	if (type == MSG_PEERS && m->peers.n > 0) {
		ps->src = m->peers.peers[0].src;
		ps->transport = m->peers.peers[0].transport;
		ps->id = m->peers.peers[0].id;
		ps->n++;
	} else if (type == MSG_PEER_DETAIL) {
		ps->detail_src = m->peer_detail.peer.src;
		ps->detail_transport = m->peer_detail.peer.transport;
	}
}

/* The leecher (encryption enc) dials the seeder it was given (--peer):
 * on its side the peer's source is "manual", on the seeder's "incoming";
 * both list the connection with transport `want' once its handshake is
 * done, and the peer detail says the same. */
static void
peer_pair(struct fixture *f, int enc, uint8_t want)
{
	struct engine_config	 scfg, lcfg;
	struct session		*seeder, *leecher;
	struct peers_seen	 sp, lp;
	char			 peer[64];
	const char		*peers[1] = { peer };
	uint64_t		 turns = 0;

	config(&scfg, f->seed_sess, test_port(7));
	scfg.seed = 1;
	assert_int_equal(session_new(&scfg, -1, &seeder), 0);
	/* its check done first, so the first dial is taken */
	while (torrent_state(seeder->torrents[0]) != TORRENT_SEEDING &&
	    turns++ < RUN_LIMIT_MS / 5)
		(void)session_turn(seeder, 5);
	turns = 0;
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", session_port(seeder));
	config(&lcfg, f->leech_sess, test_port(8));
	lcfg.peers = peers;
	lcfg.npeers = 1;
	lcfg.encryption = enc;
	assert_int_equal(session_new(&lcfg, -1, &leecher), 0);
	memset(&sp, 0, sizeof(sp));
	memset(&lp, 0, sizeof(lp));
	/* a connection is listed while its MSE handshake runs (transport
	 * 0): wait for the one it settles on */
	while ((sp.n == 0 || lp.n == 0 || sp.transport != want ||
	    lp.transport != want) && turns++ < RUN_LIMIT_MS / 5) {
		(void)session_turn(seeder, 5);
		(void)session_turn(leecher, 5);
		memset(&sp, 0, sizeof(sp));
		memset(&lp, 0, sizeof(lp));
		torrent_send_details(seeder->torrents[0], catch_peers, &sp);
		torrent_send_details(leecher->torrents[0], catch_peers, &lp);
	}
	assert_int_equal(sp.n, 1);
	assert_int_equal(lp.n, 1);
	assert_int_equal(lp.src, MSG_PEER_SRC_MANUAL);
	assert_int_equal(sp.src, MSG_PEER_SRC_INCOMING);
	assert_int_equal(lp.transport, want);
	assert_int_equal(sp.transport, want);
	lp.detail_src = sp.detail_src = -1;
	lp.detail_transport = sp.detail_transport = -1;
	torrent_send_peer(leecher->torrents[0], lp.id, catch_peers, &lp);
	torrent_send_peer(seeder->torrents[0], sp.id, catch_peers, &sp);
	assert_int_equal(lp.detail_src, MSG_PEER_SRC_MANUAL);
	assert_int_equal(sp.detail_src, MSG_PEER_SRC_INCOMING);
	assert_int_equal(lp.detail_transport, want);
	assert_int_equal(sp.detail_transport, want);
	assert_int_equal(session_free(leecher), 0);
	assert_int_equal(session_free(seeder), 0);
}

/* Both sessions allow MSE but dial plaintext: a plain TCP connection. */
static void
test_peer_sources(void **state)
{
	peer_pair(*state, ENGINE_ENC_ALLOW, 0);
}

/* A leecher that requires encryption: RC4 after an MSE handshake, on
 * both sides (issue 14's E flag). */
static void
test_peer_transport_rc4(void **state)
{
	peer_pair(*state, ENGINE_ENC_REQUIRE, MSG_PEER_T_MSE |
	    MSG_PEER_T_RC4);
}

#define LONG_TRACKERS	40

/* A private torrent with more trackers than a status' link can hold: the
 * status says private, and its link is a whole link (it parses back)
 * with the hash, the name and the first trackers that fit, in order.
 * The fixture's torrent (no tracker, public) has the bare link. */
static void
test_status_private_and_link(void **state)
{
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	struct engine_config	 cfg;
	struct session		*s;
	struct sessiondir	*sd;
	struct metainfo		*m;
	struct magnet		*g;
	struct msg_status	 st;
	struct msg_torrent_row	 row;
	union msg_any		 any;
	struct bbuf		 b;
	static char		 urls[LONG_TRACKERS][80];
	const char		*ann[LONG_TRACKERS];
	char			 err[512], sess[PATH_MAX], want[128], hex[41];
	size_t			 i;

	for (i = 0; i < LONG_TRACKERS; i++) {
		snprintf(urls[i], sizeof(urls[i]), "http://127.0.0.1:9/"
		    "announce/%02zu/padding-padding-padding-padding", i);
		ann[i] = urls[i];
	}
	memset(&o, 0, sizeof(o));
	o.path = f->payload;
	o.piece_size = PIECE_BYTES;
	o.private_flag = 1;
	o.announce = ann;
	o.nannounce = LONG_TRACKERS;
	bbuf_init(&b, 1024 * 1024);
	assert_int_equal(maketorrent_build(&o, &b, err, sizeof(err)), BT_OK);
	assert_int_equal(metainfo_parse(bbuf_ptr(&b), bbuf_len(&b), &m, err,
	    sizeof(err)), BT_OK);
	join(sess, f->root, "private-session");
	assert_int_equal(sessiondir_open(sess, 0, &sd, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(sessiondir_add(sd, m->info_hash, bbuf_ptr(&b),
	    bbuf_len(&b), f->leech_dir, 1, 1), BT_OK);
	sessiondir_close(sd);
	config(&cfg, sess, test_port(9));
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	torrent_fill_status(s->torrents[0], &st);
	assert_int_equal(st.flags, MSG_STATUS_PRIVATE);
	assert_int_equal(st.meta_have, 0);
	assert_int_equal(st.meta_pieces, 0);
	assert_true(strlen(st.magnet) < MSG_MAGNET_MAX);
	assert_int_equal(magnet_parse(st.magnet, strlen(st.magnet), &g, err,
	    sizeof(err)), BT_OK);
	assert_memory_equal(g->info_hash, m->info_hash, 20);
	assert_string_equal(g->name, "payload.bin");
	/* 40 trackers of 76 bytes, 100 or so encoded: about 9 fit */
	assert_true(g->ntrackers > 5 && g->ntrackers < LONG_TRACKERS);
	for (i = 0; i < g->ntrackers; i++)
		assert_string_equal(g->trackers[i], urls[i]);
	/* and it goes out: the encoder takes it */
	memset(&any, 0, sizeof(any));
	any.status = st;
	bbuf_reset(&b);
	assert_int_equal(msg_encode(MSG_STATUS, &b, &any), BT_OK);
	torrent_fill_row(s->torrents[0], &row);
	assert_int_equal(row.meta_pieces, 0);
	magnet_free(g);
	metainfo_free(m);
	bbuf_cleanup(&b);
	assert_int_equal(session_free(s), 0);

	config(&cfg, f->seed_sess, test_port(10));
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	torrent_fill_status(s->torrents[0], &st);
	assert_int_equal(st.flags, 0);
	sha1_hex(f->info_hash, hex);
	snprintf(want, sizeof(want), "magnet:?xt=urn:btih:%s&dn=payload.bin",
	    hex);
	assert_string_equal(st.magnet, want);
	assert_int_equal(session_free(s), 0);
}

/* A magnet link whose download directory cannot be made: the metadata
 * arrives, attaching it fails, and the torrent waits in the error state
 * (no crash, the metadata kept for a resume). */
static void
test_magnet_bad_dir(void **state)
{
	struct fixture		*f = *state;
	struct engine_config	 scfg, lcfg;
	struct session		*seeder, *leecher;
	char			 peer[64], link[256], hex[41];
	char			 bad[PATH_MAX + 8];
	const char		*peers[1] = { peer };
	uint64_t		 turns = 0;

	sha1_hex(f->info_hash, hex);
	snprintf(link, sizeof(link), "magnet:?xt=urn:btih:%s", hex);
	/* under a regular file: never a directory */
	assert_true((size_t)snprintf(bad, sizeof(bad), "%s/sub",
	    f->payload) < sizeof(bad));
	join(f->leech_sess, f->root, "bad-session");
	add_magnet(f->leech_sess, bad, link);
	config(&scfg, f->seed_sess, test_port(6));
	scfg.seed = 1;
	assert_int_equal(session_new(&scfg, -1, &seeder), 0);
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", session_port(seeder));
	config(&lcfg, f->leech_sess, test_port(7));
	lcfg.peers = peers;
	lcfg.npeers = 1;
	assert_int_equal(session_new(&lcfg, -1, &leecher), 0);
	while (torrent_state(leecher->torrents[0]) != TORRENT_ERROR &&
	    turns++ < RUN_LIMIT_MS / 5) {
		(void)session_turn(seeder, 5);
		(void)session_turn(leecher, 5);
	}
	assert_int_equal(torrent_state(leecher->torrents[0]), TORRENT_ERROR);
	assert_false(torrent_complete(leecher->torrents[0]));
	assert_int_equal(session_complete_count(leecher), 0);
	(void)session_free(leecher);
	assert_int_equal(session_free(seeder), 0);
}

/* A second torrent (the same payload under another piece size) for the
 * queue test. */
static void
add_second(struct fixture *f, const char *sess, const char *dir)
{
	struct maketorrent_opts	 o;
	struct sessiondir	*sd;
	struct metainfo		*m;
	struct bbuf		 b;
	char			 err[512];

	memset(&o, 0, sizeof(o));
	o.path = f->payload;
	o.piece_size = 2 * PIECE_BYTES;
	bbuf_init(&b, 1024 * 1024);
	assert_int_equal(maketorrent_build(&o, &b, err, sizeof(err)), BT_OK);
	assert_int_equal(metainfo_parse(bbuf_ptr(&b), bbuf_len(&b), &m, err,
	    sizeof(err)), BT_OK);
	assert_int_equal(sessiondir_open(sess, 0, &sd, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(sessiondir_add(sd, m->info_hash, bbuf_ptr(&b),
	    bbuf_len(&b), dir, 0, 2), BT_OK);
	sessiondir_close(sd);
	metainfo_free(m);
	bbuf_cleanup(&b);
}

static void
run_turns(struct session *s, int n)
{
	while (n-- > 0)
		(void)session_turn(s, 5);
}

static void
test_queue_pause_remove(void **state)
{
	struct fixture			*f = *state;
	struct engine_config		 cfg;
	struct session			*s;
	struct sessiondir		*sd;
	struct sessiondir_settings	 st = { .max_active = 1 };
	struct torrent			*a, *b;
	char				 err[512], dir2[PATH_MAX];

	join(dir2, f->root, "leech2");	/* its own files */
	assert_int_equal(mkdir(dir2, 0700), 0);
	add_second(f, f->leech_sess, dir2);
	assert_int_equal(sessiondir_open(f->leech_sess, 0, &sd, err,
	    sizeof(err)), BT_OK);
	assert_int_equal(sessiondir_settings_save(sd, &st), BT_OK);
	sessiondir_close(sd);
	config(&cfg, f->leech_sess, test_port(2));
	cfg.seed = 1;
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	assert_int_equal(session_torrent_count(s), 2);
	run_turns(s, 20);
	a = s->torrents[0];
	b = s->torrents[1];
	/* max_active 1: one downloads (no peers), the other waits */
	assert_int_equal(torrent_state(a), TORRENT_DOWNLOADING);
	assert_int_equal(torrent_state(b), TORRENT_QUEUED);
	/* pausing the active one hands its slot to the queued one */
	session_pause(s, torrent_id(a), 1);
	assert_int_equal(torrent_state(a), TORRENT_PAUSED);
	run_turns(s, 250);		/* past the 1 s queue round */
	assert_int_equal(torrent_state(b), TORRENT_DOWNLOADING);
	/* turtle mode: its limits in force, the others wait for its end */
	session_set_limits(s, 100000, 0);
	assert_int_equal(bucket_rate(&s->down_bkt), 100000);
	s->limits.alt_down_bps = 2000;
	session_set_turtle(s, 1);
	assert_int_equal(bucket_rate(&s->down_bkt), 2000);
	assert_int_equal(bucket_rate(&s->up_bkt), 0);
	session_set_limits(s, 300000, 7);
	assert_int_equal(bucket_rate(&s->down_bkt), 2000);
	assert_int_equal(bucket_rate(&s->up_bkt), 0);
	/* more slots: both run */
	session_set_max_active(s, 2);
	session_pause(s, MSG_TORRENT_ALL, 0);
	run_turns(s, 250);
	assert_int_equal(torrent_state(a), TORRENT_DOWNLOADING);
	assert_int_equal(torrent_state(b), TORRENT_DOWNLOADING);
	/* removing one takes it out of the session directory too */
	session_remove(s, torrent_id(b), 0);
	assert_int_equal(session_torrent_count(s), 1);
	assert_int_equal(session_free(s), 0);
	assert_int_equal(sessiondir_open(f->leech_sess, 0, &sd, err,
	    sizeof(err)), BT_OK);
	{
		struct sessiondir_entry	*v;
		size_t			 n;

		assert_int_equal(sessiondir_list(sd, NULL, NULL, &v, &n),
		    BT_OK);
		assert_int_equal(n, 1);
		assert_memory_equal(v[0].info_hash, f->info_hash, 20);
		free(v);
		/* the settings changed at run time were kept */
		assert_int_equal(sessiondir_settings_load(sd, &st), BT_OK);
		assert_int_equal(st.max_active, 2);
		assert_int_equal(st.turtle, 1);
		assert_int_equal(st.alt_down_bps, 2000);
		assert_int_equal(st.max_down_bps, 300000);
		assert_int_equal(st.max_up_bps, 7);
	}
	sessiondir_close(sd);
	/* the next engine starts in turtle mode; off: the others apply */
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	assert_int_equal(bucket_rate(&s->down_bkt), 2000);
	session_set_turtle(s, 0);
	assert_int_equal(bucket_rate(&s->down_bkt), 300000);
	assert_int_equal(bucket_rate(&s->up_bkt), 7);
	assert_int_equal(session_free(s), 0);
}

/* A second engine on a session with a paused torrent starts it paused. */
static void
test_paused_state_survives(void **state)
{
	struct fixture		*f = *state;
	struct engine_config	 cfg;
	struct session		*s;

	config(&cfg, f->leech_sess, test_port(3));
	cfg.seed = 1;
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	session_pause(s, MSG_TORRENT_ALL, 1);
	assert_int_equal(session_free(s), 0);
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	run_turns(s, 5);
	assert_int_equal(torrent_state(s->torrents[0]), TORRENT_PAUSED);
	assert_int_equal(session_free(s), 0);
}

/* The text a new session (no IPC: lines go to stderr) logs at start,
 * with `peer' as its one --peer, or none. */
static void
start_log(struct fixture *f, const char *peer, int k, char *buf, size_t len)
{
	struct engine_config	 cfg;
	struct session		*s;
	const char		*peers[1] = { peer };
	char			 path[PATH_MAX];
	ssize_t			 n;
	int			 fd, saved;

	join(path, f->root, "stderr.txt");
	assert_true((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) >= 0);
	config(&cfg, f->leech_sess, test_port(k));
	cfg.peers = peers;
	cfg.npeers = peer != NULL;
	fflush(stderr);
	assert_true((saved = dup(STDERR_FILENO)) >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	run_turns(s, 2);
	assert_int_equal(session_free(s), 0);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	n = pread(fd, buf, len - 1, 0);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

/* A torrent with no tracker (the fixture's has none) and no --peer says
 * that no peer source is known, instead of sitting at 0 % silently. */
static void
test_no_peer_source(void **state)
{
	static const char	want[] = "no tracker and no other peer source: "
	    "add peers with --peer";
	struct fixture		*f = *state;
	char			 got[8192];

	start_log(f, NULL, 4, got, sizeof(got));
	if (strstr(got, want) == NULL)
		fail_msg("no warning in \"%s\"", got);
	/* once, not per turn */
	assert_null(strstr(strstr(got, want) + 1, want));
	start_log(f, "127.0.0.1:9", 5, got, sizeof(got));
	if (strstr(got, want) != NULL)
		fail_msg("warned with a --peer: \"%s\"", got);
}

/* --- the Files view's directory command ------------------------------ */

/* A multi-file torrent "multi" (maketorrent sorts by path: a/1.bin,
 * a/2.bin, b/3.bin, c.txt) in a session of its own, nothing downloaded. */
static void
add_multi(struct fixture *f, const char *sess)
{
	static const struct {
		const char	*path;
		size_t		 size;
	} files[] = {
		{ "multi/a/1.bin", 70000 }, { "multi/a/2.bin", 1000 },
		{ "multi/b/3.bin", 50000 }, { "multi/c.txt", 10 },
	};
	struct maketorrent_opts	 o;
	struct sessiondir	*sd;
	struct metainfo		*m;
	struct bbuf		 b;
	char			 err[512], path[PATH_MAX], dl[PATH_MAX];
	size_t			 i;

	for (i = 0; i < 3; i++) {
		join(path, f->root, i == 0 ? "multi" : i == 1 ? "multi/a" :
		    "multi/b");
		assert_int_equal(mkdir(path, 0700), 0);
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		join(path, f->root, files[i].path);
		write_payload(path, files[i].size);
	}
	memset(&o, 0, sizeof(o));
	join(path, f->root, "multi");
	o.path = path;
	o.piece_size = 16384;
	bbuf_init(&b, 1024 * 1024);
	assert_int_equal(maketorrent_build(&o, &b, err, sizeof(err)), BT_OK);
	assert_int_equal(metainfo_parse(bbuf_ptr(&b), bbuf_len(&b), &m, err,
	    sizeof(err)), BT_OK);
	assert_int_equal(m->nfiles, 4);
	assert_string_equal(m->files[1].path, "multi/a/2.bin");
	join(dl, f->root, "multi-dl");
	assert_int_equal(mkdir(dl, 0700), 0);
	assert_int_equal(sessiondir_open(sess, 0, &sd, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(sessiondir_add(sd, m->info_hash, bbuf_ptr(&b),
	    bbuf_len(&b), dl, 0, 1), BT_OK);
	sessiondir_close(sd);
	memcpy(f->info_hash, m->info_hash, 20);
	metainfo_free(m);
	bbuf_cleanup(&b);
}

/* Sends a priority command as the front does (dir NULL: SET_PRIORITY of
 * file `file', else SET_DIR_PRIORITY of dir), and lets the session read
 * it. */
static void
send_prio(struct session *s, int fd, uint32_t id, uint8_t prio,
    const char *dir, uint32_t file)
{
	union msg_any		 m;
	struct pkt_header	 h;
	struct bbuf		 pl, frame;
	int			 type = dir != NULL ? MSG_CMD_SET_DIR_PRIORITY :
				    MSG_CMD_SET_PRIORITY;

	memset(&m, 0, sizeof(m));
	if (dir != NULL) {
		m.set_dir_priority.torrent_id = id;
		m.set_dir_priority.prio = prio;
		snprintf(m.set_dir_priority.dir,
		    sizeof(m.set_dir_priority.dir), "%s", dir);
	} else {
		m.set_priority.torrent_id = id;
		m.set_priority.prio = prio;
		m.set_priority.file = file;
	}
	bbuf_init(&pl, MSG_MAX_PAYLOAD);
	bbuf_init(&frame, PKT_MAX_FRAME);
	assert_int_equal(msg_encode(type, &pl, &m), BT_OK);
	pkt_header_for(&h, PKT_SIDE_FRONT, type);
	assert_int_equal(pkt_encode(&frame, &h, bbuf_ptr(&pl),
	    bbuf_len(&pl)), BT_OK);
	assert_int_equal(write(fd, bbuf_ptr(&frame), bbuf_len(&frame)),
	    (ssize_t)bbuf_len(&frame));
	bbuf_cleanup(&pl);
	bbuf_cleanup(&frame);
	run_turns(s, 5);
}

/* What the session sent the front so far, with NULs as spaces so that
 * log texts can be searched. */
static size_t
drain(int fd, char *buf, size_t len)
{
	size_t	at = 0, i;
	ssize_t	n;

	while (at + 1 < len && (n = recv(fd, buf + at, len - 1 - at,
	    MSG_DONTWAIT)) > 0)
		at += (size_t)n;
	for (i = 0; i < at; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[at] = '\0';
	return at;
}

/* run_for: turns of s for about ms milliseconds of the loop's clock. */
static void
run_for(struct session *s, uint64_t ms)
{
	uint64_t	until = loop_clock_ms() + ms;

	while (loop_clock_ms() < until)
		(void)session_turn(s, 20);
}

/* count_lists: reads every frame waiting on fd; the number of
 * MSG_TORRENTS frames, and in *state_out the state of the first row of
 * the last one. */
static int
count_lists(int fd, uint8_t *state_out)
{
	static uint8_t		 raw[1 << 20];
	struct bbuf		 in, pl;
	struct pkt_header	 h;
	union msg_any		*m = calloc(1, sizeof(*m));
	ssize_t			 n;
	size_t			 at = 0;
	int			 lists = 0;

	assert_non_null(m);
	while (at < sizeof(raw) && (n = recv(fd, raw + at, sizeof(raw) - at,
	    MSG_DONTWAIT)) > 0)
		at += (size_t)n;
	bbuf_view(&in, raw, at);
	while (pkt_decode(&in, &h, &pl) == BT_OK) {
		if (h.type != MSG_TORRENTS)
			continue;
		assert_int_equal(msg_decode(MSG_TORRENTS, &pl, m), BT_OK);
		assert_true(m->torrents.n >= 1);
		*state_out = m->torrents.rows[0].state;
		lists++;
	}
	assert_int_equal(bbuf_len(&in), 0);	/* whole frames only */
	free(m);
	return lists;
}

/* The torrent list goes to the front when it changes, not twice a second
 * while it stays the same: an idle session sends nothing more after the
 * first lists, and a paused torrent's list at once (in the next 500 ms
 * round). */
static void
test_list_sent_on_change(void **state)
{
	struct fixture		*f = *state;
	struct engine_config	 cfg;
	struct session		*s;
	uint8_t			 st = 0xff;
	int			 sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	config(&cfg, f->leech_sess, test_port(7));
	assert_int_equal(session_new(&cfg, sv[1], &s), 0);
	run_for(s, 1200);		/* checked, started, no peers */
	assert_true(count_lists(sv[0], &st) >= 1);
	assert_int_equal(st, MSG_STATE_DOWNLOADING);
	run_for(s, 1600);		/* three rounds of the list */
	assert_int_equal(count_lists(sv[0], &st), 0);
	session_pause(s, torrent_id(s->torrents[0]), 1);
	run_for(s, 700);
	assert_int_equal(count_lists(sv[0], &st), 1);
	assert_int_equal(st, MSG_STATE_PAUSED);
	assert_int_equal(session_free(s), 0);
	close(sv[0]);
	close(sv[1]);
}

/* A directory row of the Files view: one command sets every file under
 * it, saved in the session; a file's path, a prefix that is not a whole
 * component and an unknown directory change nothing.  A file's own
 * command (dir NULL) sets that one. */
static void
test_dir_priority(void **state)
{
	static const struct {
		uint8_t		 prio;
		const char	*dir;
		uint32_t	 file;		/* when dir is NULL */
		uint8_t		 want[4];
		const char	*log;
	} steps[] = {
		{ MSG_PRIO_SKIP, "multi/a", 0, { 0, 0, 2, 2 },
		    "multi/a/: skip (2 files)" },
		{ MSG_PRIO_HIGH, "multi", 0, { 3, 3, 3, 3 },
		    "multi/: high (4 files)" },
		{ MSG_PRIO_LOW, "multi/b", 0, { 3, 3, 1, 3 },
		    "multi/b/: low (1 file)" },
		{ MSG_PRIO_SKIP, "multi/c.txt", 0, { 3, 3, 1, 3 },
		    "cannot set the priority of multi/c.txt/: no file under "
		    "it" },
		{ MSG_PRIO_SKIP, "mult", 0, { 3, 3, 1, 3 }, NULL },
		{ MSG_PRIO_SKIP, "multi/a/", 0, { 3, 3, 1, 3 }, NULL },
		{ MSG_PRIO_NORMAL, NULL, 1, { 3, 2, 1, 3 }, "file 2: normal" },
		{ MSG_PRIO_NORMAL, NULL, 4, { 3, 2, 1, 3 },
		    "cannot set the priority of file 5: no such file" },
	};
	struct fixture		*f = *state;
	struct engine_config	 cfg;
	struct session		*s;
	struct sessiondir	*sd;
	struct torrent		*t;
	static char		 got[1 << 20];
	char			 sess[PATH_MAX], err[512];
	uint8_t			*prio;
	size_t			 i, k, n;
	int			 sv[2];

	join(sess, f->root, "multi-session");
	add_multi(f, sess);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	config(&cfg, sess, test_port(6));
	assert_int_equal(session_new(&cfg, sv[1], &s), 0);
	run_turns(s, 5);
	t = s->torrents[0];
	assert_int_equal(torrent_nlisted(t), 4);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		send_prio(s, sv[0], torrent_id(t), steps[i].prio,
		    steps[i].dir, steps[i].file);
		for (k = 0; k < 4; k++)
			if (torrent_file_prio(t, (uint32_t)k) !=
			    steps[i].want[k])
				fail_msg("step %zu: file %zu has prio %u, "
				    "want %u", i, k, torrent_file_prio(t,
				    (uint32_t)k), steps[i].want[k]);
		drain(sv[0], got, sizeof(got));
		if (steps[i].log != NULL && strstr(got, steps[i].log) == NULL)
			fail_msg("step %zu: no log \"%s\"", i,
			    steps[i].log);
	}
	assert_int_equal(session_free(s), 0);
	close(sv[0]);
	close(sv[1]);
	/* the session kept the last selection */
	assert_int_equal(sessiondir_open(sess, 0, &sd, err, sizeof(err)),
	    BT_OK);
	assert_int_equal(sessiondir_get_prio(sd, f->info_hash, &prio, &n),
	    BT_OK);
	assert_int_equal(n, 4);
	i = sizeof(steps) / sizeof(steps[0]) - 1;
	assert_memory_equal(prio, steps[i].want, 4);
	free(prio);
	sessiondir_close(sd);
}

/* Bytes of a pseudo-random sequence of its own per seed. */
static void
write_seeded(const char *path, size_t n, uint64_t x)
{
	FILE	*fp = fopen(path, "wb");
	size_t	 i;

	assert_non_null(fp);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		assert_int_not_equal(fputc((int)(x & 0xff), fp), EOF);
	}
	assert_int_equal(fclose(fp), 0);
}

static int
file_exists(const char *dir, const char *rel)
{
	char		path[PATH_MAX];
	struct stat	st;

	join(path, dir, rel);
	return lstat(path, &st) == 0;
}

static int
same_in(const struct fixture *f, const char *rel)
{
	char	a[PATH_MAX], b[PATH_MAX];

	join(a, f->seed_dir, rel);
	join(b, f->leech_dir, rel);
	return same_file(a, b);
}

/* Turns of both sessions (leecher alone when seeder is NULL) until the
 * leecher's torrent is complete and, if rel is not NULL, its file rel is
 * the seeder's. */
static int
run_until_complete(const struct fixture *f, struct session *seeder,
    struct session *leecher, const char *rel)
{
	uint64_t	turns = 0;

	while (turns++ < RUN_LIMIT_MS / 5) {
		if (seeder != NULL)
			(void)session_turn(seeder, 5);
		(void)session_turn(leecher, 5);
		if (session_complete_count(leecher) == 1 &&
		    (rel == NULL || same_in(f, rel)))
			return 1;
	}
	return 0;
}

/*
 * A selection of the middle file of three: the pieces it shares with the
 * skipped ones are fetched, the skipped files never appear, their bytes
 * wait in the part file; the pieces stay had across restarts, by the
 * resume record or by a check that reads the part file; files wanted
 * again at run time get their bytes, and the part file goes once empty.
 */
static void
test_selection_part_file(void **state)
{
	static const char *const names[] = { "a.bin", "b.bin", "c.bin" };
	static const size_t	 sizes[] = { 100000, 70000, 200000 };
	static const uint8_t	 prio[] = { 0, 2, 0 };	/* skip, normal */
	struct fixture		*f = *state;
	struct maketorrent_opts	 o;
	struct engine_config	 scfg, lcfg;
	struct session		*seeder, *leecher;
	struct sessiondir	*sd;
	struct metainfo		*m;
	struct torrent		*t;
	char			 dir[PATH_MAX], path[PATH_MAX], rel[64];
	char			 parts[PARTFILE_NAME_LEN], err[512];
	char			 peer[64];
	const char		*peers[1] = { peer };
	size_t			 i;
	int			 running = 1;
	uint64_t		 turns = 0;

	/* the fixture's torrent gives way to a three-file one */
	join(dir, f->seed_dir, "sel");
	assert_int_equal(mkdir(dir, 0700), 0);
	for (i = 0; i < 3; i++) {
		join(path, dir, names[i]);
		write_seeded(path, sizes[i], 0x1234567ull * (i + 1));
	}
	memset(&o, 0, sizeof(o));
	o.path = dir;
	o.piece_size = PIECE_BYTES;	/* b.bin: pieces 1 (with a) and 2
					 * (with c) */
	bbuf_reset(&f->torrent);
	assert_int_equal(maketorrent_build(&o, &f->torrent, err,
	    sizeof(err)), BT_OK);
	assert_int_equal(metainfo_parse(bbuf_ptr(&f->torrent),
	    bbuf_len(&f->torrent), &m, err, sizeof(err)), BT_OK);
	memcpy(f->info_hash, m->info_hash, 20);
	metainfo_free(m);
	partfile_name(f->info_hash, parts, sizeof(parts));
	sandbox_remove(f->seed_sess);
	sandbox_remove(f->leech_sess);
	add_to_session(f, f->seed_sess, f->seed_dir);
	add_to_session(f, f->leech_sess, f->leech_dir);
	assert_int_equal(sessiondir_open(f->leech_sess, 0, &sd, err,
	    sizeof(err)), BT_OK);
	assert_int_equal(sessiondir_set_prio(sd, f->info_hash, prio, 3),
	    BT_OK);

	config(&scfg, f->seed_sess, test_port(6));
	scfg.seed = 1;
	assert_int_equal(session_new(&scfg, -1, &seeder), 0);
	snprintf(peer, sizeof(peer), "127.0.0.1:%u", session_port(seeder));
	config(&lcfg, f->leech_sess, test_port(7));
	lcfg.peers = peers;
	lcfg.npeers = 1;
	assert_int_equal(session_new(&lcfg, -1, &leecher), 0);
	while (running && turns++ < RUN_LIMIT_MS / 5) {
		(void)session_turn(seeder, 5);
		running = session_turn(leecher, 5);
	}
	assert_false(running);		/* the selection is complete */
	assert_int_equal(session_free(leecher), 0);
	assert_true(same_in(f, "sel/b.bin"));
	assert_false(file_exists(f->leech_dir, "sel/a.bin"));
	assert_false(file_exists(f->leech_dir, "sel/c.bin"));
	assert_true(file_exists(f->leech_dir, parts));

	/* a restart trusts the resume record; with the record gone, the
	 * check reads a's and c's bytes from the part file: had again, with
	 * no peer to fetch them from */
	lcfg.npeers = 0;
	lcfg.seed = 1;
	assert_int_equal(session_new(&lcfg, -1, &leecher), 0);
	assert_true(run_until_complete(f, NULL, leecher, NULL));
	assert_int_equal(session_free(leecher), 0);
	assert_int_equal(sessiondir_resume_path(sd, f->info_hash, path,
	    sizeof(path)), BT_OK);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(session_new(&lcfg, -1, &leecher), 0);
	assert_int_equal(session_complete_count(leecher), 0);	/* checks */
	assert_true(run_until_complete(f, NULL, leecher, NULL));
	assert_int_equal(session_free(leecher), 0);
	sessiondir_close(sd);

	/* a wanted at run time: its bytes of piece 1 come out of the part
	 * file, the rest from the seeder; c's keep it alive */
	lcfg.npeers = 1;
	run_turns(seeder, 20);	/* it sees the first leecher gone */
	assert_int_equal(session_new(&lcfg, -1, &leecher), 0);
	t = leecher->torrents[0];
	assert_int_equal(torrent_set_file_prio(t, 0, 2), BT_OK);
	assert_true(run_until_complete(f, seeder, leecher, "sel/a.bin"));
	assert_true(file_exists(f->leech_dir, parts));
	assert_false(file_exists(f->leech_dir, "sel/c.bin"));
	assert_int_equal(torrent_set_file_prio(t, 2, 2), BT_OK);
	assert_true(run_until_complete(f, seeder, leecher, "sel/c.bin"));
	for (i = 0; i < 3; i++) {
		snprintf(rel, sizeof(rel), "sel/%s", names[i]);
		assert_true(same_in(f, rel));
	}
	run_turns(leecher, 20);		/* the last move's job */
	assert_false(file_exists(f->leech_dir, parts));
	assert_int_equal(session_free(leecher), 0);
	assert_int_equal(session_free(seeder), 0);
}

/* --- uTP on the session's UDP socket ------------------------------- */

/* Turns s until a datagram reaches fd (at most limit_ms), decoded. */
static int
recv_utp(struct session *s, int fd, int limit_ms, struct utp_packet *p,
    uint8_t *buf, size_t cap)
{
	ssize_t	n;
	int	i;

	for (i = 0; i < limit_ms / 5; i++) {
		if ((n = recv(fd, buf, cap, MSG_DONTWAIT)) > 0)
			return utp_packet_decode(buf, (size_t)n, p);
		(void)session_turn(s, 5);
	}
	return BT_ERR_TIMEOUT;
}

static void
send_utp(int fd, uint16_t port, const struct utp_packet *p)
{
	struct sockaddr_in	to;
	struct bbuf		b;

	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons(port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bbuf_init(&b, 64);
	assert_int_equal(utp_packet_encode(p, &b), BT_OK);
	assert_int_equal(sendto(fd, bbuf_ptr(&b), bbuf_len(&b), 0,
	    (struct sockaddr *)&to, sizeof(to)), (ssize_t)bbuf_len(&b));
	bbuf_cleanup(&b);
}

/*
 * With uTP on (and the DHT off) the session has its UDP socket on the
 * listen port and a table on it: an incoming SYN is taken (a STATE, and
 * a connection waiting for its handshake, as a TCP one would), a
 * stranger's DATA gets a RESET, and a dial sends a SYN that the session's
 * timer sends again after 1 s.
 */
static void
test_utp_on_udp(void **state)
{
	struct fixture		*f = *state;
	struct engine_config	 cfg;
	struct session		*s;
	struct utp_packet	 p;
	struct sockaddr_in	 me;
	socklen_t		 len = sizeof(me);
	struct caddr		 to;
	struct utp		*u;
	uint8_t			 buf[2048];
	int			 fd;

	config(&cfg, f->seed_sess, test_port(7));
	cfg.seed = 1;
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	assert_null(s->udp);		/* both off: no socket */
	assert_null(s->utp);
	assert_int_equal(session_free(s), 0);

	cfg.utp = 1;
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	assert_non_null(s->udp);
	assert_non_null(s->utp);
	assert_null(s->dht);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	memset(&me, 0, sizeof(me));
	me.sin_family = AF_INET;
	me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof(me)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&me, &len), 0);

	memset(&p, 0, sizeof(p));
	p.type = UTP_ST_SYN;
	p.conn_id = 500;
	p.seq_nr = 9;
	p.wnd = 65536;
	send_utp(fd, session_port(s), &p);
	assert_int_equal(recv_utp(s, fd, 2000, &p, buf, sizeof(buf)), BT_OK);
	assert_int_equal(p.type, UTP_ST_STATE);
	assert_int_equal(p.conn_id, 500);
	assert_int_equal(p.ack_nr, 9);
	assert_int_equal(utpmux_count(s->utp), 1);
	assert_int_equal(s->nincoming, 1);
	assert_non_null(s->incoming[0]->utp);
	assert_int_equal(s->incoming[0]->fd, -1);

	memset(&p, 0, sizeof(p));
	p.type = UTP_ST_DATA;
	p.conn_id = 700;
	p.seq_nr = 33;
	send_utp(fd, session_port(s), &p);
	assert_int_equal(recv_utp(s, fd, 2000, &p, buf, sizeof(buf)), BT_OK);
	assert_int_equal(p.type, UTP_ST_RESET);
	assert_int_equal(p.conn_id, 700);
	assert_int_equal(p.ack_nr, 33);

	assert_int_equal(caddr_from_sockaddr((struct sockaddr_storage *)&me,
	    len, &to), BT_OK);
	assert_int_equal(utpmux_connect(s->utp, &to, loop_clock_us(), &u),
	    BT_OK);
	assert_int_equal(recv_utp(s, fd, 2000, &p, buf, sizeof(buf)), BT_OK);
	assert_int_equal(p.type, UTP_ST_SYN);
	assert_int_equal(p.conn_id, utp_recv_id(u));
	/* unanswered: the loop's uTP timer sends it again (RTO 1 s) */
	assert_int_equal(recv_utp(s, fd, 3000, &p, buf, sizeof(buf)), BT_OK);
	assert_int_equal(p.type, UTP_ST_SYN);
	assert_int_equal(p.conn_id, utp_recv_id(u));
	utpmux_release(s->utp, u, loop_clock_us());
	assert_int_equal(utpmux_count(s->utp), 1);	/* the incoming one */
	close(fd);
	assert_int_equal(session_free(s), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define TRADE(i) { trade_rows[i].name, test_two_sessions_trade, setup, \
		    teardown, (void *)&trade_rows[i] }
		TRADE(0), TRADE(1), TRADE(2), TRADE(3), TRADE(4),
		cmocka_unit_test_setup_teardown(test_two_seeds_part_ways, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_magnet_from_session,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_magnet_bad_dir,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_pause_remove,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_paused_state_survives,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_peer_source,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_sent_on_change,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_priority,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_selection_part_file,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_sources,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_transport_rc4,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_private_and_link,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_utp_on_udp, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
