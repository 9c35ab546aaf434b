/* Unit tests for src/engine/pex: ut_pex messages as clients send them,
 * fields with bad lengths or types skipped alone, unusable and duplicate
 * addresses, floods of 10,000 addresses bounded, our messages byte for
 * byte and capped at 50, and a seeded random encode/decode round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "engine/extmsg.h"
#include "engine/pex.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define B(s)		(const uint8_t *)(s), sizeof(s) - 1
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* Compact entries: 127.0.0.1:6881, 10.0.0.2:51413, [::1]:6881,
 * [2001:db8::2]:443. */
#define LO4		"\x7f\0\0\1\x1a\xe1"
#define TEN4		"\x0a\0\0\2\xc8\xd5"
#define LO6		"\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1\x1a\xe1"
#define DOC6		"\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\2\x01\xbb"

/* "127.0.0.1:6881/12 [::1]:6881/0 ..." */
static void
format_list(const struct pex_peer *p, size_t n, char *buf, size_t len)
{
	char	ip[INET6_ADDRSTRLEN];
	size_t	i, w = 0;

	buf[0] = '\0';
	for (i = 0; i < n && w < len; i++) {
		inet_ntop(p[i].addr.family, p[i].addr.ip, ip, sizeof(ip));
		w += (size_t)snprintf(buf + w, len - w,
		    p[i].addr.family == AF_INET6 ? "%s[%s]:%u/%x" :
		    "%s%s:%u/%x", i > 0 ? " " : "", ip, p[i].addr.port,
		    p[i].flags);
	}
}

struct pex_want {
	const char	*added, *dropped;
	size_t		 skipped, ignored;
	unsigned	 present, bad;
};

static const struct {
	const char	*name;
	const uint8_t	*body;
	size_t		 len;
	struct pex_want	 want;
} pex_cases[] = {
	/* as libtorrent and Transmission send them */
	{ "added with flags", B("d5:added12:" LO4 TEN4 "7:added.f2:\x12\x02"
	    "e"), { "127.0.0.1:6881/12 10.0.0.2:51413/2", "", 0, 0,
	    PEX_ADDED | PEX_ADDED_F, 0 } },
	{ "every field", B("d5:added6:" TEN4 "7:added.f1:\x01" "6:added6"
	    "18:" DOC6 "8:added6.f1:\x10" "7:dropped6:" LO4 "8:dropped6"
	    "18:" LO6 "e"),
	    { "10.0.0.2:51413/1 [2001:db8::2]:443/10",
	    "127.0.0.1:6881/0 [::1]:6881/0", 0, 0, PEX_ADDED | PEX_ADDED_F |
	    PEX_ADDED6 | PEX_ADDED6_F | PEX_DROPPED | PEX_DROPPED6, 0 } },
	/* libtorrent writes every key, empty or not */
	{ "empty fields", B("d5:added0:7:added.f0:6:added60:8:added6.f0:"
	    "7:dropped0:8:dropped60:e"), { "", "", 0, 0, PEX_ADDED |
	    PEX_ADDED_F | PEX_ADDED6 | PEX_ADDED6_F | PEX_DROPPED |
	    PEX_DROPPED6, 0 } },
	{ "no flags", B("d5:added6:" TEN4 "e"),
	    { "10.0.0.2:51413/0", "", 0, 0, PEX_ADDED, 0 } },
	{ "reserved flag bits masked", B("d5:added6:" TEN4 "7:added.f1:\xff"
	    "e"), { "10.0.0.2:51413/1f", "", 0, 0, PEX_ADDED | PEX_ADDED_F,
	    0 } },
	{ "flags one short", B("d5:added12:" LO4 TEN4 "7:added.f1:\x02" "e"),
	    { "127.0.0.1:6881/0 10.0.0.2:51413/0", "", 0, 0,
	    PEX_ADDED | PEX_ADDED_F, PEX_ADDED_F } },
	{ "flags an integer", B("d5:added6:" TEN4 "7:added.fi2ee"),
	    { "10.0.0.2:51413/0", "", 0, 0, PEX_ADDED | PEX_ADDED_F,
	    PEX_ADDED_F } },
	{ "flags without added", B("d7:added.f1:\x02" "e"),
	    { "", "", 0, 0, 0, 0 } },
	/* a bad length spoils its own field only */
	{ "added 7 bytes", B("d5:added7:" TEN4 "x" "7:dropped6:" LO4 "e"),
	    { "", "127.0.0.1:6881/0", 0, 0, PEX_ADDED | PEX_DROPPED,
	    PEX_ADDED } },
	{ "added6 17 bytes", B("d5:added6:" TEN4 "6:added617:"
	    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1\x1a" "e"),
	    { "10.0.0.2:51413/0", "", 0, 0, PEX_ADDED | PEX_ADDED6,
	    PEX_ADDED6 } },
	{ "dropped6 of IPv4 size", B("d8:dropped66:" LO4 "e"),
	    { "", "", 0, 0, PEX_DROPPED6, PEX_DROPPED6 } },
	{ "added an integer", B("d5:addedi6e6:added618:" LO6 "e"),
	    { "[::1]:6881/0", "", 0, 0, PEX_ADDED | PEX_ADDED6, PEX_ADDED } },
	{ "dropped a list", B("d7:droppedl6:" LO4 "ee"),
	    { "", "", 0, 0, PEX_DROPPED, PEX_DROPPED } },
	/* addresses nobody can dial */
	{ "port 0", B("d5:added12:\x0a\0\0\3\0\0" TEN4 "e"),
	    { "10.0.0.2:51413/0", "", 1, 0, PEX_ADDED, 0 } },
	{ "0.0.0.0 and 0/8", B("d5:added12:\0\0\0\0\x1a\xe1\0\1\2\3\x1a\xe1"
	    "e"), { "", "", 2, 0, PEX_ADDED, 0 } },
	{ "multicast and broadcast", B("d5:added12:\xef\1\1\1\x1a\xe1"
	    "\xff\xff\xff\xff\x1a\xe1" "e"), { "", "", 2, 0, PEX_ADDED, 0 } },
	{ "::", B("d6:added618:\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x1a\xe1" "e"),
	    { "", "", 1, 0, PEX_ADDED6, 0 } },
	{ "ff02::1", B("d8:dropped618:\xff\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\1"
	    "\x1a\xe1" "e"), { "", "", 1, 0, PEX_DROPPED6, 0 } },
	{ "duplicate", B("d5:added18:" TEN4 LO4 TEN4 "7:added.f3:\1\2\4" "e"),
	    { "10.0.0.2:51413/1 127.0.0.1:6881/2", "", 1, 0,
	    PEX_ADDED | PEX_ADDED_F, 0 } },
	{ "same host, other port", B("d5:added12:" TEN4 "\x0a\0\0\2\xc8\xd6"
	    "e"), { "10.0.0.2:51413/0 10.0.0.2:51414/0", "", 0, 0, PEX_ADDED,
	    0 } },
	/* a v4-mapped added6 entry is the IPv4 host, and so a duplicate */
	{ "v4-mapped", B("d5:added6:" TEN4 "6:added636:"
	    "\0\0\0\0\0\0\0\0\0\0\xff\xff\x0a\0\0\2\xc8\xd5"
	    "\0\0\0\0\0\0\0\0\0\0\xff\xff\x0a\0\0\3\xc8\xd5"
	    "8:added6.f2:\x04\x08" "e"),
	    { "10.0.0.2:51413/0 10.0.0.3:51413/8", "", 1, 0,
	    PEX_ADDED | PEX_ADDED6 | PEX_ADDED6_F, 0 } },
	{ "unknown keys", B("d1:ai1e5:added6:" TEN4 "1:zd1:ali1eeee"),
	    { "10.0.0.2:51413/0", "", 0, 0, PEX_ADDED, 0 } },
	{ "empty dictionary", B("de"), { "", "", 0, 0, 0, 0 } },
};

static void
check_pex(const char *name, const struct pex_msg *m, const struct pex_want *w)
{
	char	buf[512];

	format_list(m->added, m->nadded, buf, sizeof(buf));
	if (strcmp(buf, w->added) != 0)
		fail_msg("%s: added \"%s\", want \"%s\"", name, buf, w->added);
	format_list(m->dropped, m->ndropped, buf, sizeof(buf));
	if (strcmp(buf, w->dropped) != 0)
		fail_msg("%s: dropped \"%s\", want \"%s\"", name, buf,
		    w->dropped);
	if (m->skipped != w->skipped || m->ignored != w->ignored ||
	    m->present != w->present || m->bad != w->bad)
		fail_msg("%s: skipped %zu ignored %zu present %#x bad %#x, "
		    "want %zu %zu %#x %#x", name, m->skipped, m->ignored,
		    m->present, m->bad, w->skipped, w->ignored, w->present,
		    w->bad);
}

static struct pex_msg *
new_msg(void)
{
	struct pex_msg	*m = malloc(sizeof(*m));

	assert_non_null(m);
	return m;
}

static void
test_decode_table(void **state)
{
	struct pex_msg	*m = new_msg();
	char		 err[160];
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < NELEM(pex_cases); i++) {
		err[0] = '\0';
		r = pex_decode(pex_cases[i].body, pex_cases[i].len, m, err,
		    sizeof(err));
		if (r != BT_OK)
			fail_msg("%s: %d (%s)", pex_cases[i].name, r, err);
		check_pex(pex_cases[i].name, m, &pex_cases[i].want);
	}
	free(m);
}

static const struct {
	const char	*name;
	const uint8_t	*body;
	size_t		 len;
	int		 want;
} pex_bad[] = {
	{ "empty", B(""), BT_ERR_FORMAT },
	{ "a list", B("l6:" TEN4 "e"), BT_ERR_FORMAT },
	{ "a string", B("6:" TEN4), BT_ERR_FORMAT },
	{ "cut short", B("d5:added6:" TEN4), BT_ERR_FORMAT },
	{ "string past the end", B("d5:added60:" TEN4 "e"), BT_ERR_FORMAT },
	{ "trailing bytes", B("d5:added6:" TEN4 "ee"), BT_ERR_FORMAT },
	{ "duplicate key", B("d5:added6:" TEN4 "5:added6:" LO4 "e"),
	    BT_ERR_FORMAT },
	{ "too deep", B("d1:xllllllllllllllllllllllllllllllllllllllllllllll"
	    "llllllllllllllllllllllleeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"), BT_ERR_LIMIT },
};

static void
test_decode_bad(void **state)
{
	struct pex_msg	*m = new_msg();
	char		 err[160];
	uint8_t		*p;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < NELEM(pex_bad); i++) {
		err[0] = '\0';
		memset(m, 0xa5, sizeof(*m));
		if (pex_decode(pex_bad[i].body, pex_bad[i].len, m, err,
		    sizeof(err)) != pex_bad[i].want)
			fail_msg("%s: wrong error (%s)", pex_bad[i].name, err);
		if (strncmp(err, "ut_pex: ", 8) != 0)
			fail_msg("%s: message \"%s\"", pex_bad[i].name, err);
		assert_int_equal(m->nadded + m->ndropped + m->present, 0);
	}
	/* every strict prefix of a full message is malformed */
	for (n = 0; n < pex_cases[1].len; n++) {
		assert_non_null(p = malloc(n + 1));
		memcpy(p, pex_cases[1].body, n);
		if (pex_decode(p, n, m, NULL, 0) != BT_ERR_FORMAT)
			fail_msg("cut at %zu: not BT_ERR_FORMAT", n);
		free(p);
	}
	n = EXTMSG_MAX_BODY + 1;
	assert_non_null(p = calloc(1, n));
	assert_int_equal(pex_decode(p, n, m, err, sizeof(err)), BT_ERR_LIMIT);
	free(p);
	free(m);
}

/* A ut_pex body with one field of n compact entries, written by fill. */
static uint8_t *
flood(const char *key, size_t n, size_t iplen, int distinct, size_t *len_out)
{
	char	 head[64];
	uint8_t	*p, *e;
	size_t	 i, hn, entry = iplen + 2;

	hn = (size_t)snprintf(head, sizeof(head), "d%zu:%s%zu:", strlen(key),
	    key, n * entry);
	assert_non_null(p = malloc(hn + n * entry + 1));
	memcpy(p, head, hn);
	for (i = 0; i < n; i++) {
		e = p + hn + i * entry;
		memset(e, 0, entry);
		e[0] = iplen == 4 ? 10 : 0x20;
		e[iplen - 2] = distinct ? (uint8_t)(i >> 8) : 1;
		e[iplen - 1] = distinct ? (uint8_t)i : 1;
		e[iplen] = 0x1a;
		e[iplen + 1] = 0xe1;
	}
	p[hn + n * entry] = 'e';
	*len_out = hn + n * entry + 1;
	return p;
}

/* The PEX flood: 10,000 addresses in one message. */
static void
test_decode_flood(void **state)
{
	static const struct {
		const char	*key;
		size_t		 iplen;
		int		 distinct;
		size_t		 nadded, ndropped, skipped, ignored;
	} cases[] = {
		{ "added", 4, 1, PEX_MAX_PER_FIELD, 0, 0,
		    10000 - PEX_MAX_PER_FIELD },
		{ "added6", 16, 1, PEX_MAX_PER_FIELD, 0, 0,
		    10000 - PEX_MAX_PER_FIELD },
		{ "dropped", 4, 1, 0, PEX_MAX_PER_FIELD, 0,
		    10000 - PEX_MAX_PER_FIELD },
		{ "dropped6", 16, 1, 0, PEX_MAX_PER_FIELD, 0,
		    10000 - PEX_MAX_PER_FIELD },
		/* one address 10,000 times never fills the array */
		{ "added", 4, 0, 1, 0, 9999, 0 },
		{ "added6", 16, 0, 1, 0, 9999, 0 },
	};
	struct pex_msg	*m = new_msg();
	uint8_t		*p;
	size_t		 i, n;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		p = flood(cases[i].key, 10000, cases[i].iplen,
		    cases[i].distinct, &n);
		assert_int_equal(pex_decode(p, n, m, NULL, 0), BT_OK);
		if (m->nadded != cases[i].nadded ||
		    m->ndropped != cases[i].ndropped ||
		    m->skipped != cases[i].skipped ||
		    m->ignored != cases[i].ignored)
			fail_msg("%s %s: %zu %zu %zu %zu", cases[i].key,
			    cases[i].distinct ? "distinct" : "same", m->nadded,
			    m->ndropped, m->skipped, m->ignored);
		free(p);
	}
	free(m);
}

/* All four fields flooded at once, in one body under EXTMSG_MAX_BODY:
 * at most PEX_MAX_PER_FIELD from each. */
static void
test_decode_flood_all(void **state)
{
	struct pex_msg	*m = new_msg();
	struct bbuf	 b;
	uint8_t		*f[4];
	size_t		 n[4], i;
	static const char *const keys[] = { "added", "added6", "dropped",
	    "dropped6" };
	static const size_t	counts[] = { 9000, 4000, 9000, 4000 };

	(void)state;
	bbuf_init(&b, EXTMSG_MAX_BODY);
	assert_int_equal(bbuf_put_u8(&b, 'd'), BT_OK);
	for (i = 0; i < 4; i++) {
		/* each flood is "d<key><string>e": keep the pair */
		f[i] = flood(keys[i], counts[i], i % 2 ? 16 : 4, 1, &n[i]);
		assert_int_equal(bbuf_put_bytes(&b, f[i] + 1, n[i] - 2),
		    BT_OK);
		free(f[i]);
	}
	assert_int_equal(bbuf_put_u8(&b, 'e'), BT_OK);
	assert_int_equal(pex_decode(bbuf_ptr(&b), bbuf_len(&b), m, NULL, 0),
	    BT_OK);
	assert_int_equal(m->nadded, 2 * PEX_MAX_PER_FIELD);
	assert_int_equal(m->ndropped, 2 * PEX_MAX_PER_FIELD);
	assert_int_equal(m->ignored, 26000 - 4 * PEX_MAX_PER_FIELD);
	assert_int_equal(m->added[0].addr.family, AF_INET);
	assert_int_equal(m->added[PEX_MAX_PER_FIELD].addr.family, AF_INET6);
	bbuf_cleanup(&b);
	free(m);
}

/* ---- encode ---- */

static struct pex_peer
peer4(const char *ip, uint16_t port, uint8_t flags)
{
	struct pex_peer	p;

	memset(&p, 0, sizeof(p));
	p.addr.family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, ip, p.addr.ip), 1);
	p.addr.port = port;
	p.flags = flags;
	return p;
}

static struct pex_peer
peer6(const char *ip, uint16_t port, uint8_t flags)
{
	struct pex_peer	p;

	memset(&p, 0, sizeof(p));
	p.addr.family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, ip, p.addr.ip), 1);
	p.addr.port = port;
	p.flags = flags;
	return p;
}

static void
test_encode_bytes(void **state)
{
	struct pex_peer	add[2], drop[1];
	struct bbuf	out;
	size_t		na, nd;
	static const char want[] = "\0\0\0\x46\x14\x01"
	    "d5:added12:" LO4 TEN4 "7:added.f2:\x12\x02"
	    "8:dropped618:" LO6 "e";

	(void)state;
	add[0] = peer4("127.0.0.1", 6881, PEX_F_REACHABLE | PEX_F_SEED);
	add[1] = peer4("10.0.0.2", 51413, PEX_F_SEED | 0x80);	/* masked */
	drop[0] = peer6("::1", 6881, PEX_F_UTP);	/* dropped: no flags */
	bbuf_init(&out, 1024);
	assert_int_equal(pex_encode(&out, 1, add, 2, drop, 1, &na, &nd),
	    BT_OK);
	assert_int_equal(na, 2);
	assert_int_equal(nd, 1);
	assert_int_equal(bbuf_len(&out), sizeof(want) - 1);
	assert_memory_equal(bbuf_ptr(&out), want, sizeof(want) - 1);
	/* dropped only */
	bbuf_reset(&out);
	assert_int_equal(pex_encode(&out, 7, NULL, 0, add, 1, NULL, NULL),
	    BT_OK);
	assert_int_equal(bbuf_len(&out), 25);
	assert_memory_equal(bbuf_ptr(&out), "\0\0\0\x15\x14\x07"
	    "d7:dropped6:" LO4 "e", 25);
	bbuf_cleanup(&out);
}

/* Splits the first n of list by family, IPv4 first: the order in which a
 * decoder gives back what pex_encode wrote. */
static size_t
by_family(const struct pex_peer *list, size_t n, struct pex_peer *out)
{
	size_t	i, k = 0;
	int	pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++)
			if ((list[i].addr.family == AF_INET6) == pass) {
				out[k] = list[i];
				out[k++].flags &= PEX_F_KNOWN;
			}
	return k;
}

/* Field by field: structs may hold padding. */
static int
same_peer(const struct pex_peer *a, const struct pex_peer *b)
{
	return a->addr.family == b->addr.family &&
	    a->addr.port == b->addr.port && a->flags == b->flags &&
	    memcmp(a->addr.ip, b->addr.ip, 16) == 0;
}

static void
check_round_trip(const char *what, const struct pex_peer *add, size_t na,
    const struct pex_peer *drop, size_t nd, uint8_t ext_id)
{
	struct pex_peer	 want[PEX_SEND_MAX];
	struct pex_msg	*m = new_msg();
	struct bbuf	 out;
	const uint8_t	*body;
	size_t		 sa, sd, k, i, blen;
	uint8_t		 id;

	bbuf_init(&out, 64 * 1024);
	assert_int_equal(pex_encode(&out, ext_id, add, na, drop, nd, &sa, &sd),
	    BT_OK);
	if (sa != (na < PEX_SEND_MAX ? na : PEX_SEND_MAX) ||
	    sd != (nd < PEX_SEND_MAX ? nd : PEX_SEND_MAX))
		fail_msg("%s: sent %zu %zu of %zu %zu", what, sa, sd, na, nd);
	assert_int_equal(extmsg_split(bbuf_ptr(&out) + 5, bbuf_len(&out) - 5,
	    &id, &body, &blen), BT_OK);
	assert_int_equal(id, ext_id);
	assert_int_equal(pex_decode(body, blen, m, NULL, 0), BT_OK);
	assert_int_equal(m->bad, 0);
	assert_int_equal(m->skipped + m->ignored, 0);
	k = by_family(add, sa, want);
	assert_int_equal(m->nadded, k);
	for (i = 0; i < k; i++)
		if (!same_peer(&m->added[i], &want[i]))
			fail_msg("%s: added %zu differs", what, i);
	k = by_family(drop, sd, want);
	assert_int_equal(m->ndropped, k);
	for (i = 0; i < k; i++) {
		want[i].flags = 0;
		if (!same_peer(&m->dropped[i], &want[i]))
			fail_msg("%s: dropped %zu differs", what, i);
	}
	bbuf_cleanup(&out);
	free(m);
}

/* BEP 11: no more than 50 added and 50 dropped per message; the caller
 * learns how many went out. */
static void
test_encode_cap(void **state)
{
	struct pex_peer	add[120], drop[70];
	char		ip[64];
	size_t		i;

	(void)state;
	for (i = 0; i < NELEM(add); i++) {
		if (i % 2) {
			snprintf(ip, sizeof(ip), "2001:db8::%zx", i);
			add[i] = peer6(ip, (uint16_t)(1000 + i), (uint8_t)i);
		} else {
			snprintf(ip, sizeof(ip), "192.0.2.%zu", i);
			add[i] = peer4(ip, (uint16_t)(1000 + i), (uint8_t)i);
		}
	}
	for (i = 0; i < NELEM(drop); i++) {
		snprintf(ip, sizeof(ip), "198.51.100.%zu", i);
		drop[i] = peer4(ip, 6881, 0);
	}
	check_round_trip("120 + 70", add, NELEM(add), drop, NELEM(drop), 1);
	check_round_trip("50 + 0", add, PEX_SEND_MAX, drop, 0, 3);
	check_round_trip("0 + 51", add, 0, drop, PEX_SEND_MAX + 1, 255);
}

static void
test_encode_refuses(void **state)
{
	struct pex_peer	ok = peer4("10.0.0.2", 51413, 0), bad[6];
	struct bbuf	out;
	size_t		na = 9, nd = 9, i;

	(void)state;
	bad[0] = peer4("10.0.0.2", 0, 0);
	bad[1] = peer4("0.0.0.0", 6881, 0);
	bad[2] = peer4("224.0.0.1", 6881, 0);
	bad[3] = peer6("::", 6881, 0);
	bad[4] = peer6("ff02::1", 6881, 0);
	bad[5] = ok;
	bad[5].addr.family = AF_UNIX;
	bbuf_init(&out, 1024);
	assert_int_equal(pex_encode(&out, 0, &ok, 1, NULL, 0, &na, &nd),
	    BT_ERR_INVALID);
	assert_int_equal(na + nd, 0);
	assert_int_equal(pex_encode(&out, 1, NULL, 0, NULL, 0, NULL, NULL),
	    BT_ERR_INVALID);
	for (i = 0; i < NELEM(bad); i++) {
		na = nd = 9;
		if (pex_encode(&out, 1, &ok, 1, &bad[i], 1, &na, &nd) !=
		    BT_ERR_INVALID || na + nd != 0)
			fail_msg("bad dropped %zu accepted", i);
		if (pex_encode(&out, 1, &bad[i], 1, &ok, 1, NULL, NULL) !=
		    BT_ERR_INVALID)
			fail_msg("bad added %zu accepted", i);
	}
	assert_int_equal(bbuf_len(&out), 0);
	bbuf_cleanup(&out);
	/* no room: nothing written */
	bbuf_init(&out, 20);
	assert_int_equal(bbuf_put_u8(&out, 1), BT_OK);
	assert_int_equal(pex_encode(&out, 1, &ok, 1, NULL, 0, &na, &nd),
	    BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&out), 1);
	assert_int_equal(na + nd, 0);
	bbuf_cleanup(&out);
}

/* xorshift64: seeded and printed per run; TEST_SEED=n reproduces one. */
static uint32_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 32);
}

static uint64_t
test_seed(void)
{
	const char	*e = getenv("TEST_SEED");
	char		*end;
	uint64_t	 v;

	if (e != NULL) {
		v = strtoull(e, &end, 10);
		if (end != e && *end == '\0')
			return v;
	}
	return (uint64_t)time(NULL);
}

/* A usable address, distinct from every other index i of the run. */
static struct pex_peer
random_peer(uint64_t *s, size_t i)
{
	struct pex_peer	p;
	size_t		k;

	memset(&p, 0, sizeof(p));
	if (rnd(s) % 2) {
		p.addr.family = AF_INET6;
		p.addr.ip[0] = 0x20;
		for (k = 1; k < 14; k++)
			p.addr.ip[k] = (uint8_t)rnd(s);
		p.addr.ip[14] = (uint8_t)(i >> 8);
		p.addr.ip[15] = (uint8_t)i;
	} else {
		p.addr.family = AF_INET;
		p.addr.ip[0] = (uint8_t)(1 + rnd(s) % 223);
		p.addr.ip[1] = (uint8_t)rnd(s);
		p.addr.ip[2] = (uint8_t)(i >> 8);
		p.addr.ip[3] = (uint8_t)i;
	}
	p.addr.port = (uint16_t)(1 + rnd(s) % 65535);
	p.flags = (uint8_t)rnd(s);
	return p;
}

static void
test_random_round_trip(void **state)
{
	struct pex_peer	add[80], drop[80];
	uint64_t	seed = test_seed(), s = seed | 1;
	size_t		na, nd, i;
	char		what[64];
	int		round;

	(void)state;
	printf("pex random: TEST_SEED=%llu\n", (unsigned long long)seed);
	for (round = 0; round < 1000; round++) {
		na = rnd(&s) % NELEM(add);
		nd = rnd(&s) % NELEM(drop);
		if (na + nd == 0)
			na = 1;
		for (i = 0; i < na; i++)
			add[i] = random_peer(&s, i);
		for (i = 0; i < nd; i++)
			drop[i] = random_peer(&s, 1000 + i);
		snprintf(what, sizeof(what), "seed %llu round %d",
		    (unsigned long long)seed, round);
		check_round_trip(what, add, na, drop, nd,
		    (uint8_t)(1 + rnd(&s) % 255));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_decode_bad),
		cmocka_unit_test(test_decode_flood),
		cmocka_unit_test(test_decode_flood_all),
		cmocka_unit_test(test_encode_bytes),
		cmocka_unit_test(test_encode_cap),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_random_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
