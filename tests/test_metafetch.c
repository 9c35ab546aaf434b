/* Unit tests for src/engine/metafetch: scripted swarms (in order, out of
 * order, a peer leaving half way, rejects, time-outs, a hash mismatch and
 * the retry, wrong lengths, lying sizes), the bounds, a seeded random swarm
 * with liars, and the .torrent image metainfo_parse accepts with the
 * magnet's info-hash. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "engine/magnet.h"
#include "engine/metafetch.h"
#include "engine/metainfo.h"
#include "engine/sha1.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define PL		METAFETCH_PIECE_LEN
#define SIZE3		40000	/* 3 pieces: 16384, 16384, 7232 */
#define T		METAFETCH_TIMEOUT_MS

/* The metadata every scripted swarm fetches: SIZE3 bytes. */
static uint8_t	meta[SIZE3];
static uint8_t	meta_hash[20];

static int
setup(void **state)
{
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(meta); i++)
		meta[i] = (uint8_t)(i * 7 + i / 251);
	sha1_digest(meta, sizeof(meta), meta_hash);
	return 0;
}

/* --- scripted swarms -------------------------------------------------- */

enum op {
	OP_END,
	OP_SIZE,	/* peer announces `size' */
	OP_ASK,		/* next_request(peer, now): want, and piece on BT_OK */
	OP_DATA,	/* on_data(peer, piece, total, bytes of len) */
	OP_REJECT,	/* on_reject(peer, piece, now) */
	OP_GONE,	/* peer_gone(peer) */
};

struct step {
	enum op		op;
	uint32_t	peer;
	uint64_t	now;
	uint32_t	piece;
	int64_t		size;		/* SIZE; DATA: total_size, 0: SIZE3 */
	long		len;		/* DATA: -1: the right length */
	int		junk;		/* DATA: wrong bytes */
	int		want;
};

#define SIZE(k, s, w)		{ OP_SIZE, k, 0, 0, s, 0, 0, w }
#define ASK(k, t, p)		{ OP_ASK, k, t, p, 0, 0, 0, BT_OK }
#define NOASK(k, t, w)		{ OP_ASK, k, t, 0, 0, 0, 0, w }
#define DATA(k, p, w)		{ OP_DATA, k, 0, p, 0, -1, 0, w }
#define JUNK(k, p, w)		{ OP_DATA, k, 0, p, 0, -1, 1, w }
#define JUNK_OF(k, p, s, w)	{ OP_DATA, k, 0, p, s, -1, 1, w }
#define DATA_LEN(k, p, l, w)	{ OP_DATA, k, 0, p, 0, l, 0, w }
#define DATA_TOTAL(k, p, s, w)	{ OP_DATA, k, 0, p, s, -1, 0, w }
#define REJECT(k, p, t, w)	{ OP_REJECT, k, t, p, 0, 0, 0, w }
#define GONE(k)			{ OP_GONE, k, 0, 0, 0, 0, 0, BT_OK }
#define END			{ OP_END, 0, 0, 0, 0, 0, 0, 0 }

#define A	1
#define B	2
#define C	3
#define L	9	/* a liar */

static const struct script {
	const char	*name;
	struct step	 steps[40];
	int		 state;		/* enum metafetch_state at the end */
	uint32_t	 failures;
	const char	*struck;	/* "1,2": metafetch_struck at the end */
} scripts[] = {
	{ "in order", {
	    SIZE(A, SIZE3, BT_OK),
	    ASK(A, 0, 0), ASK(A, 0, 1), ASK(A, 0, 2), NOASK(A, 0, BT_ERR_NOTFOUND),
	    DATA(A, 0, BT_OK), DATA(A, 1, BT_OK), DATA(A, 2, BT_OK),
	    NOASK(A, 0, BT_ERR_EXISTS), SIZE(B, SIZE3, BT_ERR_EXISTS),
	    DATA(A, 2, BT_ERR_EXISTS), END }, METAFETCH_DONE, 0, "" },
	{ "out of order", {
	    SIZE(A, SIZE3, BT_OK),
	    ASK(A, 0, 0), ASK(A, 0, 1), ASK(A, 0, 2),
	    DATA(A, 2, BT_OK), DATA(A, 0, BT_OK), DATA(A, 1, BT_OK), END },
	    METAFETCH_DONE, 0, "" },
	{ "two peers share", {
	    SIZE(A, SIZE3, BT_OK), SIZE(B, SIZE3, BT_OK),
	    ASK(A, 0, 0), ASK(B, 0, 1), ASK(B, 0, 2),
	    NOASK(A, 0, BT_ERR_NOTFOUND),
	    DATA(B, 2, BT_OK), DATA(A, 0, BT_OK), DATA(B, 1, BT_OK), END },
	    METAFETCH_DONE, 0, "" },
	{ "no size yet", {
	    NOASK(A, 0, BT_ERR_INVALID), DATA(A, 0, BT_ERR_INVALID),
	    REJECT(A, 0, 0, BT_ERR_PROTO), GONE(A),
	    SIZE(A, 0, BT_ERR_RANGE), SIZE(A, -5, BT_ERR_RANGE),
	    SIZE(A, METAFETCH_MAX_SIZE + 1, BT_ERR_RANGE),
	    NOASK(A, 0, BT_ERR_INVALID), END }, METAFETCH_NO_SIZE, 0, "" },
	{ "queue bound", {
	    SIZE(A, 5 * PL, BT_OK),
	    ASK(A, 0, 0), ASK(A, 0, 1), ASK(A, 0, 2), ASK(A, 0, 3),
	    NOASK(A, 0, BT_ERR_NOTFOUND), DATA_TOTAL(A, 0, 5 * PL, BT_OK),
	    ASK(A, 0, 4), END }, METAFETCH_FETCHING, 0, "" },
	{ "peer gone half way", {
	    SIZE(A, SIZE3, BT_OK), SIZE(B, SIZE3, BT_OK),
	    ASK(A, 0, 0), ASK(A, 0, 1), ASK(A, 0, 2),
	    NOASK(B, 0, BT_ERR_NOTFOUND),
	    DATA(A, 0, BT_OK), GONE(A),
	    ASK(B, 1, 1), ASK(B, 1, 2),
	    DATA(A, 1, BT_ERR_INVALID),
	    DATA(B, 2, BT_OK), DATA(B, 1, BT_OK), END },
	    METAFETCH_DONE, 0, "" },
	{ "reject", {
	    SIZE(A, SIZE3, BT_OK), SIZE(B, SIZE3, BT_OK),
	    ASK(A, 0, 0), REJECT(A, 0, 100, BT_OK),
	    REJECT(A, 0, 100, BT_ERR_PROTO),
	    NOASK(A, 200, BT_ERR_NOTFOUND),
	    ASK(B, 200, 0), ASK(A, 100 + T, 1), ASK(B, 100 + T, 2),
	    DATA(B, 0, BT_OK), DATA(A, 1, BT_OK), DATA(B, 2, BT_OK), END },
	    METAFETCH_DONE, 0, "" },
	{ "reject never asked", {
	    SIZE(A, SIZE3, BT_OK), SIZE(B, SIZE3, BT_OK), ASK(A, 0, 0),
	    REJECT(B, 0, 0, BT_ERR_PROTO), REJECT(A, 1, 0, BT_ERR_PROTO),
	    REJECT(A, 7, 0, BT_ERR_PROTO), REJECT(C, 0, 0, BT_ERR_PROTO),
	    ASK(B, 0, 1), END }, METAFETCH_FETCHING, 0, "" },
	{ "time-out, late answer", {
	    SIZE(A, SIZE3, BT_OK), SIZE(B, SIZE3, BT_OK),
	    ASK(A, 1000, 0), ASK(B, 5000, 1),
	    ASK(B, 1000 + T - 1, 2), NOASK(B, 1000 + T - 1, BT_ERR_NOTFOUND),
	    ASK(B, 1000 + T, 0),
	    NOASK(A, 1000 + T, BT_ERR_NOTFOUND),
	    DATA(A, 0, BT_OK), DATA(B, 0, BT_ERR_EXISTS),
	    DATA(B, 1, BT_OK), DATA(B, 2, BT_OK), END },
	    METAFETCH_DONE, 0, "" },
	{ "unsolicited data", {
	    SIZE(A, SIZE3, BT_OK), SIZE(B, SIZE3, BT_OK), ASK(A, 0, 0),
	    DATA(B, 0, BT_ERR_PROTO), DATA(B, 1, BT_ERR_PROTO),
	    DATA(C, 0, BT_ERR_INVALID), DATA(A, 3, BT_ERR_RANGE),
	    DATA(A, 0xffffffff, BT_ERR_RANGE), ASK(B, 0, 1), END },
	    METAFETCH_FETCHING, 0, "" },
	{ "wrong lengths", {
	    SIZE(A, SIZE3, BT_OK), SIZE(B, SIZE3, BT_OK),
	    ASK(A, 0, 0), DATA_LEN(A, 0, PL - 1, BT_ERR_FORMAT),
	    ASK(B, 0, 0), DATA_LEN(B, 0, 0, BT_ERR_FORMAT),
	    ASK(A, 0, 0), DATA_LEN(A, 0, PL + 1, BT_ERR_FORMAT),
	    ASK(B, 0, 0), ASK(B, 0, 1), ASK(B, 0, 2),
	    DATA_LEN(B, 2, PL, BT_ERR_FORMAT),
	    ASK(A, 0, 2), DATA_LEN(A, 2, SIZE3 - 2 * PL - 1, BT_ERR_FORMAT),
	    ASK(B, 0, 2), DATA(B, 2, BT_OK),
	    DATA(B, 0, BT_OK), DATA(B, 1, BT_OK), END },
	    METAFETCH_DONE, 0, "" },
	{ "wrong total_size", {
	    SIZE(A, SIZE3, BT_OK), ASK(A, 0, 0),
	    DATA_TOTAL(A, 0, SIZE3 + 1, BT_ERR_INVALID),
	    DATA_TOTAL(A, 0, 0x100000000ll + SIZE3, BT_ERR_PROTO),
	    ASK(A, 0, 0), DATA_TOTAL(A, 0, 0x100000000ll + SIZE3,
	    BT_ERR_INVALID),
	    ASK(A, 0, 0), DATA_TOTAL(A, 0, -1, BT_ERR_INVALID), END },
	    METAFETCH_FETCHING, 0, "" },
	{ "hash mismatch, then another peer", {
	    SIZE(A, SIZE3, BT_OK), SIZE(B, SIZE3, BT_OK),
	    ASK(A, 0, 0), ASK(A, 0, 1), ASK(A, 0, 2),
	    JUNK(A, 1, BT_OK), DATA(A, 0, BT_OK), DATA(A, 2, BT_ERR_HASH),
	    /* B never sent junk: it alone is asked now */
	    NOASK(A, 1, BT_ERR_NOTFOUND),
	    ASK(B, 1, 0), ASK(B, 1, 1), ASK(B, 1, 2),
	    DATA(B, 0, BT_OK), DATA(B, 1, BT_OK), DATA(B, 2, BT_OK), END },
	    METAFETCH_DONE, 1, "1" },
	{ "mixed failure, then one at a time", {
	    SIZE(A, SIZE3, BT_OK), SIZE(B, SIZE3, BT_OK),
	    ASK(A, 0, 0), ASK(B, 0, 1), ASK(B, 0, 2),
	    JUNK(A, 0, BT_OK), DATA(B, 1, BT_OK), DATA(B, 2, BT_ERR_HASH),
	    /* both struck; C arrives clean and is the only one asked */
	    SIZE(C, SIZE3, BT_OK),
	    NOASK(A, 1, BT_ERR_NOTFOUND), NOASK(B, 1, BT_ERR_NOTFOUND),
	    ASK(C, 1, 0), ASK(C, 1, 1), ASK(C, 1, 2),
	    NOASK(A, 1, BT_ERR_NOTFOUND),
	    JUNK(C, 2, BT_OK), DATA(C, 1, BT_OK), DATA(C, 0, BT_ERR_HASH),
	    /* C struck alone; all three tie, A came first and sends alone */
	    NOASK(B, 2, BT_ERR_NOTFOUND), NOASK(C, 2, BT_ERR_NOTFOUND),
	    ASK(A, 2, 0), ASK(A, 2, 1), ASK(A, 2, 2),
	    DATA(A, 0, BT_OK), DATA(A, 1, BT_OK), DATA(A, 2, BT_OK), END },
	    METAFETCH_DONE, 2, "3" },
	{ "lone peer retried after a mismatch", {
	    SIZE(A, SIZE3, BT_OK),
	    ASK(A, 0, 0), ASK(A, 0, 1), ASK(A, 0, 2),
	    DATA(A, 0, BT_OK), DATA(A, 1, BT_OK), JUNK(A, 2, BT_ERR_HASH),
	    ASK(A, 0, 0), DATA(A, 0, BT_OK), END },
	    METAFETCH_FETCHING, 1, "1" },
	{ "lying size fails the hash", {
	    SIZE(L, SIZE3 + PL, BT_OK), SIZE(A, SIZE3, BT_ERR_INVALID),
	    NOASK(A, 0, BT_ERR_NOTFOUND),
	    ASK(L, 0, 0), ASK(L, 0, 1), ASK(L, 0, 2), ASK(L, 0, 3),
	    DATA(A, 0, BT_ERR_PROTO),
	    JUNK_OF(L, 0, SIZE3 + PL, BT_OK), JUNK_OF(L, 1, SIZE3 + PL, BT_OK),
	    JUNK_OF(L, 2, SIZE3 + PL, BT_OK),
	    JUNK_OF(L, 3, SIZE3 + PL, BT_ERR_HASH),
	    /* L is struck: A's size is fetched now */
	    NOASK(L, 0, BT_ERR_NOTFOUND),
	    ASK(A, 0, 0), ASK(A, 0, 1), ASK(A, 0, 2),
	    DATA(A, 0, BT_OK), DATA(A, 1, BT_OK), DATA(A, 2, BT_OK), END },
	    METAFETCH_DONE, 1, "9" },
	{ "lying 16 MiB, never answers", {
	    SIZE(L, METAFETCH_MAX_SIZE, BT_OK), SIZE(A, SIZE3, BT_ERR_INVALID),
	    ASK(L, 0, 0), ASK(L, 0, 1), ASK(L, 0, 2), ASK(L, 0, 3),
	    NOASK(A, T - 1, BT_ERR_NOTFOUND),
	    /* four time-outs: L stopped answering, A ranks better */
	    ASK(A, T, 0), NOASK(L, T, BT_ERR_NOTFOUND),
	    ASK(A, T, 1), ASK(A, T, 2),
	    DATA(A, 0, BT_OK), DATA(A, 1, BT_OK), DATA(A, 2, BT_OK), END },
	    METAFETCH_DONE, 0, "" },
	{ "lying size, gone", {
	    SIZE(L, SIZE3 + 1, BT_OK), SIZE(A, SIZE3, BT_ERR_INVALID),
	    SIZE(B, SIZE3 + 1, BT_OK), ASK(L, 0, 0), GONE(L),
	    /* B still says SIZE3 + 1: it stays the size, A waits */
	    NOASK(A, 0, BT_ERR_NOTFOUND), ASK(B, 0, 0), GONE(B),
	    ASK(A, 0, 0), ASK(A, 0, 1), ASK(A, 0, 2),
	    DATA(A, 0, BT_OK), DATA(A, 1, BT_OK), DATA(A, 2, BT_OK), END },
	    METAFETCH_DONE, 0, "" },
	{ "a peer changes its size", {
	    SIZE(A, SIZE3 + 1, BT_OK), ASK(A, 0, 0),
	    SIZE(A, SIZE3, BT_OK), ASK(A, 0, 0), ASK(A, 0, 1),
	    SIZE(A, METAFETCH_MAX_SIZE * 2, BT_ERR_RANGE),
	    NOASK(A, 0, BT_ERR_INVALID), SIZE(A, SIZE3, BT_OK),
	    ASK(A, 0, 0), END }, METAFETCH_FETCHING, 0, "" },
};

static void
run_step(const char *name, size_t i, struct metafetch *mf,
    const struct step *s)
{
	static uint8_t	junk[PL];
	const uint8_t	*data = junk;
	int64_t		 total = s->size != 0 ? s->size : SIZE3;
	size_t		 len;
	uint32_t	 piece = 12345;
	int		 r = BT_OK;

	memset(junk, 0x5a, sizeof(junk));
	switch (s->op) {
	case OP_SIZE:
		r = metafetch_set_size(mf, s->peer, s->size);
		break;
	case OP_ASK:
		r = metafetch_next_request(mf, s->peer, s->now, &piece);
		if (r == BT_OK && piece != s->piece)
			fail_msg("%s, step %zu: asked piece %u, want %u", name,
			    i, piece, s->piece);
		if (r != BT_OK && piece != 0)
			fail_msg("%s, step %zu: piece_out not 0", name, i);
		break;
	case OP_DATA:
		len = (size_t)s->len;
		if (s->len < 0)
			len = total <= 0 || (uint64_t)total <= s->piece *
			    (uint64_t)PL ? PL : (uint64_t)total - s->piece *
			    (uint64_t)PL < PL ? (size_t)(total - s->piece *
			    (int64_t)PL) : PL;
		if (!s->junk && total == SIZE3 && s->piece < 3 &&
		    s->piece * (size_t)PL + len <= SIZE3)
			data = meta + s->piece * (size_t)PL;
		r = metafetch_on_data(mf, s->peer, s->piece, total, data, len);
		break;
	case OP_REJECT:
		r = metafetch_on_reject(mf, s->peer, s->piece, s->now);
		break;
	case OP_GONE:
		metafetch_peer_gone(mf, s->peer);
		break;
	case OP_END:
		break;
	}
	if (r != s->want)
		fail_msg("%s, step %zu: got %d (%s), want %d", name, i, r,
		    bt_strerror(r), s->want);
}

static void
test_scripts(void **state)
{
	const struct script	*sc;
	struct metafetch	*mf;
	const uint32_t		*keys;
	const uint8_t		*info;
	char			 struck[64];
	size_t			 i, j, n, w, len;

	(void)state;
	for (i = 0; i < NELEM(scripts); i++) {
		sc = &scripts[i];
		mf = metafetch_new(meta_hash);
		assert_non_null(mf);
		for (j = 0; sc->steps[j].op != OP_END; j++)
			run_step(sc->name, j, mf, &sc->steps[j]);
		if ((int)metafetch_state(mf) != sc->state)
			fail_msg("%s: state %d, want %d", sc->name,
			    metafetch_state(mf), sc->state);
		if (metafetch_failures(mf) != sc->failures)
			fail_msg("%s: %u failures, want %u", sc->name,
			    metafetch_failures(mf), sc->failures);
		n = metafetch_struck(mf, &keys);
		for (j = 0, w = 0, struck[0] = '\0'; j < n; j++)
			w += (size_t)snprintf(struck + w, sizeof(struck) - w,
			    "%s%u", j ? "," : "", keys[j]);
		if (strcmp(struck, sc->struck) != 0)
			fail_msg("%s: struck \"%s\", want \"%s\"", sc->name,
			    struck, sc->struck);
		if (sc->state == METAFETCH_DONE) {
			assert_int_equal(metafetch_info(mf, &info, &len),
			    BT_OK);
			assert_int_equal(len, SIZE3);
			assert_memory_equal(info, meta, SIZE3);
		} else {
			assert_int_equal(metafetch_info(mf, &info, &len),
			    BT_ERR_NOTFOUND);
			assert_null(info);
			assert_int_equal(len, 0);
		}
		metafetch_free(mf);
	}
}

static void
test_progress_and_bounds(void **state)
{
	struct metafetch	*mf;
	uint32_t		 size, have, n, k, piece;

	(void)state;
	mf = metafetch_new(meta_hash);
	assert_non_null(mf);
	metafetch_progress(mf, &size, &have, &n);
	assert_int_equal(size, 0);
	assert_int_equal(n, 0);
	/* the largest size is taken: one buffer of 16 MiB, 1024 pieces */
	assert_int_equal(metafetch_set_size(mf, 1, METAFETCH_MAX_SIZE), BT_OK);
	metafetch_progress(mf, &size, &have, &n);
	assert_int_equal(size, METAFETCH_MAX_SIZE);
	assert_int_equal(n, METAFETCH_MAX_PIECES);
	assert_int_equal(have, 0);
	/* the peer table is bounded; a gone peer frees its place */
	for (k = 2; k <= METAFETCH_MAX_PEERS; k++)
		assert_int_equal(metafetch_set_size(mf, k, METAFETCH_MAX_SIZE),
		    BT_OK);
	assert_int_equal(metafetch_set_size(mf, 1000, METAFETCH_MAX_SIZE),
	    BT_ERR_LIMIT);
	assert_int_equal(metafetch_next_request(mf, 1000, 0, &piece),
	    BT_ERR_INVALID);
	metafetch_peer_gone(mf, 7);
	metafetch_peer_gone(mf, 7);
	assert_int_equal(metafetch_set_size(mf, 1000, METAFETCH_MAX_SIZE),
	    BT_OK);
	/* 1024 pieces go out 4 per peer, to 256 peers, each piece once */
	for (k = 1; k <= METAFETCH_MAX_PEERS + 1; k++) {
		uint32_t key = k == 7 ? 1000 : k, m;

		if (k == METAFETCH_MAX_PEERS + 1)
			key = 7;
		for (m = 0; m < METAFETCH_PEER_QUEUE; m++) {
			int r = metafetch_next_request(mf, key, 0, &piece);

			if (key == 7) {
				assert_int_equal(r, BT_ERR_INVALID);
				break;
			}
			assert_int_equal(r, BT_OK);
			assert_int_equal(piece, (k - 1) * 4 + m);
		}
	}
	assert_int_equal(metafetch_next_request(mf, 1, 0, &piece),
	    BT_ERR_NOTFOUND);
	metafetch_free(mf);
	metafetch_free(NULL);
}

/* --- a random swarm --------------------------------------------------- */

enum kind { HONEST, JUNKER, SILENT, REJECTER, WRONG_SIZE, NKINDS };

struct simpeer {
	uint32_t	key;
	enum kind	kind;
	int		alive;
	/* what it was asked and will answer: more than METAFETCH_PEER_QUEUE
	 * when the fetch dropped a round or a size under its requests */
	uint32_t	pending[64];
	uint64_t	due[64];
	size_t		npending;
};

/* TEST_SEED=n reproduces a run; otherwise the clock picks one. */
static uint32_t
test_seed(void)
{
	const char	*e = getenv("TEST_SEED");
	char		*end;
	unsigned long	 v;

	if (e != NULL) {
		v = strtoul(e, &end, 10);
		if (end != e && *end == '\0')
			return (uint32_t)v;
	}
	return (uint32_t)time(NULL);
}

static uint32_t
next_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static int
is_liar(enum kind k)
{
	return k == JUNKER || k == WRONG_SIZE;
}

/* One peer answers what is due. */
static void
sim_answer(struct metafetch *mf, struct simpeer *p, uint64_t now)
{
	static uint8_t	junk[PL];
	size_t		i = 0, len;
	uint32_t	pc;
	int64_t		total = p->kind == WRONG_SIZE ? SIZE3 + 100 : SIZE3;
	int		r;

	memset(junk, 0xa5, sizeof(junk));
	while (i < p->npending) {
		if (p->due[i] > now) {
			i++;
			continue;
		}
		pc = p->pending[i];
		p->pending[i] = p->pending[--p->npending];
		p->due[i] = p->due[p->npending];
		len = pc < (uint64_t)total / PL ? PL :
		    (size_t)(total - (int64_t)pc * PL);
		if (p->kind == REJECTER) {
			r = metafetch_on_reject(mf, p->key, pc, now);
			assert_true(r == BT_OK || r == BT_ERR_PROTO);
			continue;
		}
		r = metafetch_on_data(mf, p->key, pc, total,
		    p->kind == HONEST ? meta + (size_t)pc * PL : junk, len);
		assert_true(r == BT_OK || r == BT_ERR_HASH ||
		    r == BT_ERR_EXISTS || r == BT_ERR_PROTO);
		if (metafetch_state(mf) == METAFETCH_DONE)
			return;
	}
}

/* Six peers of random kinds, at least one honest that stays; peers come
 * and go; each tick every live peer is asked until it is refused. */
static void
sim_run(uint32_t *rs)
{
	struct simpeer		 peers[6];
	struct metafetch	*mf = metafetch_new(meta_hash);
	const uint8_t		*info;
	uint64_t		 now = 1;
	uint32_t		 pc, nextkey = 1, liars = 0, failures0 = 0;
	int			 honest = 0;	/* an honest peer is there */
	size_t			 i, len;
	int			 r;

	assert_non_null(mf);
	memset(peers, 0, sizeof(peers));
	for (i = 0; i < NELEM(peers); i++) {
		peers[i].key = nextkey++;
		peers[i].kind = i == 5 ? HONEST : next_rand(rs) % NKINDS;
		liars += is_liar(peers[i].kind);
		honest |= i < 5 && peers[i].kind == HONEST;
		/* the last one (honest) arrives late: liars get their chance */
		peers[i].alive = i < 5;
	}
	while (metafetch_state(mf) != METAFETCH_DONE) {
		assert_true(now < 3600 * 1000);
		if (now > 30 * 1000 && !peers[5].alive) {
			peers[5].alive = 1;
			if (!honest)
				failures0 = metafetch_failures(mf);
			honest = 1;
		}
		for (i = 0; i < NELEM(peers); i++) {
			struct simpeer *p = &peers[i];

			/* a liar sometimes leaves and comes back anew */
			if (i < 5 && next_rand(rs) % 200 == 0) {
				liars += honest && is_liar(p->kind);
				metafetch_peer_gone(mf, p->key);
				p->key = nextkey++;
				p->npending = 0;
			}
			if (!p->alive)
				continue;
			r = metafetch_set_size(mf, p->key, p->kind == WRONG_SIZE ?
			    SIZE3 + 100 : SIZE3);
			assert_true(r == BT_OK || r == BT_ERR_INVALID);
			while (metafetch_next_request(mf, p->key, now, &pc) ==
			    BT_OK) {
				if (p->kind == SILENT)
					continue;
				assert_true(p->npending < NELEM(p->pending));
				p->pending[p->npending] = pc;
				p->due[p->npending++] = now + next_rand(rs) % 3000;
			}
			sim_answer(mf, p, now);
			if (metafetch_state(mf) == METAFETCH_DONE)
				break;
		}
		now += 500;
	}
	assert_int_equal(metafetch_info(mf, &info, &len), BT_OK);
	assert_int_equal(len, SIZE3);
	assert_memory_equal(info, meta, SIZE3);
	/* once an honest peer is there, each liar (a comeback is a new one)
	 * costs one failed round at most, plus one round they all shared */
	if (metafetch_failures(mf) - failures0 > liars + 1)
		fail_msg("%u failures with %u liars", metafetch_failures(mf) -
		    failures0, liars);
	metafetch_free(mf);
}

static void
test_random_swarm(void **state)
{
	uint32_t	seed = test_seed(), s = seed;
	int		i;

	(void)state;
	print_message("seed %u\n", seed);
	for (i = 0; i < 200; i++)
		sim_run(&s);
}

/* --- the .torrent image ----------------------------------------------- */

/* A valid info dictionary over SIZE3 bytes: 2,000 pieces of 16 KiB make a
 * "pieces" string of 40,000 bytes. */
static void
make_info(struct bbuf *b, uint32_t npieces)
{
	uint32_t	i;

	assert_int_equal(bbuf_putf(b, "d6:lengthi%" PRIu64 "e4:name8:file.bin"
	    "12:piece lengthi16384e6:pieces%u:", (uint64_t)npieces * 16384,
	    npieces * 20), BT_OK);
	for (i = 0; i < npieces * 20; i++)
		assert_int_equal(bbuf_put_u8(b, (uint8_t)(i * 13)), BT_OK);
	assert_int_equal(bbuf_put_u8(b, 'e'), BT_OK);
}

static void
test_torrent_bytes(void **state)
{
	static const char *const tr[] = { "http://a", NULL, "", "udp://b" };
	static const char *const ws[] = { "http://w" };
	struct bbuf		 b;

	(void)state;
	bbuf_init(&b, 4096);
	assert_int_equal(metafetch_torrent((const uint8_t *)"d1:ai1ee", 8, tr,
	    NELEM(tr), ws, 1, &b), BT_OK);
	assert_int_equal(bbuf_len(&b), strlen("d8:announce8:http://a"
	    "13:announce-listll8:http://ael7:udp://bee4:infod1:ai1ee"
	    "8:url-listl8:http://wee"));
	assert_memory_equal(bbuf_ptr(&b), "d8:announce8:http://a"
	    "13:announce-listll8:http://ael7:udp://bee4:infod1:ai1ee"
	    "8:url-listl8:http://wee", bbuf_len(&b));
	bbuf_reset(&b);
	assert_int_equal(metafetch_torrent((const uint8_t *)"de", 2, tr + 1, 2,
	    NULL, 0, &b), BT_OK);
	assert_memory_equal(bbuf_ptr(&b), "d4:infodee", bbuf_len(&b));
	assert_int_equal(bbuf_len(&b), 10);
	bbuf_reset(&b);
	assert_int_equal(metafetch_torrent((const uint8_t *)"le", 2, NULL, 0,
	    NULL, 0, &b), BT_ERR_FORMAT);
	assert_int_equal(metafetch_torrent((const uint8_t *)"d", 1, NULL, 0,
	    NULL, 0, &b), BT_ERR_FORMAT);
	assert_int_equal(metafetch_torrent((const uint8_t *)"d1:a", 4, NULL, 0,
	    NULL, 0, &b), BT_ERR_FORMAT);
	assert_int_equal(bbuf_len(&b), 0);
	bbuf_cleanup(&b);
	/* a full buffer is an error */
	bbuf_init(&b, 20);
	assert_int_equal(metafetch_torrent((const uint8_t *)"d1:ai1ee", 8, tr,
	    NELEM(tr), ws, 1, &b), BT_ERR_LIMIT);
	bbuf_cleanup(&b);
}

/* Magnet -> fetch from a peer -> .torrent -> metainfo: one info-hash. */
static void
test_magnet_to_metainfo(void **state)
{
	struct bbuf		 info, link, tor;
	struct magnet		*mg;
	struct metafetch	*mf;
	struct metainfo		*mi;
	const uint8_t		*p;
	uint8_t			 hash[20];
	uint32_t		 piece;
	size_t			 len, n, i;
	char			 err[256];

	(void)state;
	bbuf_init(&info, 1 << 20);
	make_info(&info, 2000);
	assert_true(bbuf_len(&info) > 2 * PL);
	sha1_digest(bbuf_ptr(&info), bbuf_len(&info), hash);
	bbuf_init(&link, MAGNET_MAX_URI + 1);
	assert_int_equal(magnet_format(hash, "file.bin", (const char *const [])
	    { "http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969" }, 2,
	    (const char *const []){ "http://127.0.0.1:8080/file.bin" }, 1,
	    &link), BT_OK);
	assert_int_equal(magnet_parse((const char *)bbuf_ptr(&link),
	    bbuf_len(&link) - 1, &mg, err, sizeof(err)), BT_OK);

	mf = metafetch_new(mg->info_hash);
	assert_non_null(mf);
	assert_int_equal(metafetch_set_size(mf, 5, (int64_t)bbuf_len(&info)),
	    BT_OK);
	n = (bbuf_len(&info) + PL - 1) / PL;
	for (i = 0; i < n; i++) {
		assert_int_equal(metafetch_next_request(mf, 5, 0, &piece),
		    BT_OK);
		len = i + 1 < n ? PL : bbuf_len(&info) - i * PL;
		assert_int_equal(metafetch_on_data(mf, 5, piece,
		    (int64_t)bbuf_len(&info), bbuf_ptr(&info) + i * PL, len),
		    BT_OK);
	}
	assert_int_equal(metafetch_state(mf), METAFETCH_DONE);
	assert_int_equal(metafetch_info(mf, &p, &len), BT_OK);

	bbuf_init(&tor, 2 << 20);
	assert_int_equal(metafetch_torrent(p, len,
	    (const char *const *)mg->trackers, mg->ntrackers,
	    (const char *const *)mg->webseeds, mg->nwebseeds, &tor), BT_OK);
	if (metainfo_parse(bbuf_ptr(&tor), bbuf_len(&tor), &mi, err,
	    sizeof(err)) != BT_OK)
		fail_msg("metainfo_parse: %s", err);
	assert_memory_equal(mi->info_hash, mg->info_hash, 20);
	assert_string_equal(mi->info_hash_hex, mg->info_hash_hex);
	assert_string_equal(mi->name, "file.bin");
	assert_int_equal(mi->num_pieces, 2000);
	assert_int_equal(mi->ntiers, 2);
	assert_int_equal(mi->tiers[0].n, 1);
	assert_string_equal(mi->tiers[0].urls[0],
	    "http://127.0.0.1:6969/announce");
	assert_string_equal(mi->tiers[1].urls[0], "udp://127.0.0.1:6969");
	assert_int_equal(mi->nwebseeds, 1);
	assert_string_equal(mi->webseeds[0], "http://127.0.0.1:8080/file.bin");
	assert_int_equal(mi->trailing_bytes, 0);
	metainfo_free(mi);

	/* no trackers: a trackerless torrent, same hash */
	bbuf_reset(&tor);
	assert_int_equal(metafetch_torrent(p, len, NULL, 0, NULL, 0, &tor),
	    BT_OK);
	assert_int_equal(metainfo_parse(bbuf_ptr(&tor), bbuf_len(&tor), &mi,
	    err, sizeof(err)), BT_OK);
	assert_memory_equal(mi->info_hash, hash, 20);
	assert_int_equal(mi->ntiers, 0);
	metainfo_free(mi);

	bbuf_cleanup(&tor);
	metafetch_free(mf);
	magnet_free(mg);
	bbuf_cleanup(&link);
	bbuf_cleanup(&info);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_progress_and_bounds),
		cmocka_unit_test(test_random_swarm),
		cmocka_unit_test(test_torrent_bytes),
		cmocka_unit_test(test_magnet_to_metainfo),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
