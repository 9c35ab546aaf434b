/* Unit tests for src/engine/magnet: a table of links (good and refused,
 * each refusal with its message), the fields of a full link, bounds, every
 * prefix of a link, so ranges, and magnet_format -> magnet_parse round
 * trips (fixed and seeded random). */
#include <sys/socket.h>

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
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define HEX		"101112131415161718191a1b1c1d1e1f20212223"
#define HEX_UP		"101112131415161718191A1B1C1D1E1F20212223"
#define B32		"CAIREEYUCULBOGAZDINRYHI6D4QCCIRD"
#define HEX2		"c9e15763f722f23e98a29decdfae341b98d53056"
#define B32_2		"ZHQVOY7XELZD5GFCTXWN7LRUDOMNKMCW"
#define BTMH		"1220" HEX HEX "0000000000000000000000000000000000000000"
#define BTMH_OK		"1220" "00112233445566778899aabbccddeeff" \
			    "00112233445566778899aabbccddeeff"
#define M		"magnet:?xt=urn:btih:" HEX

static int
parse_str(const char *s, struct magnet **m, char *err, size_t errlen)
{
	return magnet_parse(s, strlen(s), m, err, errlen);
}

static const struct mcase {
	const char	*name;
	const char	*in;
	int		 want;
	const char	*hex;		/* BT_OK: the hash */
	const char	*err;		/* else: a substring of the message */
} cases[] = {
	{ "hex", M, BT_OK, HEX, NULL },
	{ "hex upper", "magnet:?xt=urn:btih:" HEX_UP, BT_OK, HEX, NULL },
	{ "base32", "magnet:?xt=urn:btih:" B32, BT_OK, HEX, NULL },
	{ "base32 lower", "magnet:?xt=urn:btih:zhqvoy7xelzd5gfctxwn7lrudomnkmcw",
	    BT_OK, HEX2, NULL },
	{ "scheme and urn any case", "MAGNET:?xt=URN:BTIH:" HEX, BT_OK, HEX,
	    NULL },
	{ "xt not first", "magnet:?dn=x&tr=udp%3A%2F%2Fa%3A1&xt=urn:btih:" HEX,
	    BT_OK, HEX, NULL },
	{ "urn escaped", "magnet:?xt=urn%3Abtih%3A" HEX, BT_OK, HEX, NULL },
	{ "numbered xt", "magnet:?xt.1=urn:btih:" HEX, BT_OK, HEX, NULL },
	{ "same hash twice", M "&xt=urn:btih:" B32, BT_OK, HEX, NULL },
	{ "other urn beside", "magnet:?xt=urn:sha1:ABC&xt=urn:btih:" HEX,
	    BT_OK, HEX, NULL },
	{ "btmh beside btih", M "&xt=urn:btmh:" BTMH_OK, BT_OK, HEX, NULL },
	{ "bad btmh beside btih", M "&xt=urn:btmh:zz", BT_OK, HEX, NULL },
	{ "blanks around", " \t" M "\r\n", BT_OK, HEX, NULL },
	{ "fragment", M "#top", BT_OK, HEX, NULL },
	{ "empty params", "magnet:?&&xt=urn:btih:" HEX "&&", BT_OK, HEX, NULL },
	{ "unknown ignored", M "&kt=a+b&foo=%zz&x.pt=%&=&novalue", BT_OK,
	    HEX, NULL },
	{ "bare tr and dn", M "&tr&dn", BT_OK, HEX, NULL },
	{ "space in dn", M "&dn=a b", BT_OK, HEX, NULL },
	{ "utf-8 dn", M "&dn=\xc3\xa9t\xc3\xa9", BT_OK, HEX, NULL },

	{ "empty", "", BT_ERR_FORMAT, NULL, "not a magnet link" },
	{ "blanks", "  \n", BT_ERR_FORMAT, NULL, "not a magnet link" },
	{ "http", "http://example.com/a.torrent", BT_ERR_FORMAT, NULL,
	    "scheme is \"http\"" },
	{ "a path", "/tmp/x.torrent", BT_ERR_FORMAT, NULL,
	    "not a magnet link (want magnet:?" },
	{ "no query", "magnet:xt=urn:btih:" HEX, BT_ERR_FORMAT, NULL,
	    "no '?' after magnet:" },
	{ "scheme only", "magnet:", BT_ERR_FORMAT, NULL, "no '?'" },
	{ "no params", "magnet:?", BT_ERR_FORMAT, NULL, "no xt=urn:btih:" },
	{ "no xt", "magnet:?dn=a&tr=http://t/a", BT_ERR_FORMAT, NULL,
	    "no xt=urn:btih:" },
	{ "other urn only", "magnet:?xt=urn:sha1:" HEX, BT_ERR_FORMAT, NULL,
	    "no xt=urn:btih:" },
	{ "xt key case", "magnet:?XT=urn:btih:" HEX, BT_ERR_FORMAT, NULL,
	    "no xt=urn:btih:" },
	{ "xt in fragment", "magnet:?dn=a#&xt=urn:btih:" HEX, BT_ERR_FORMAT,
	    NULL, "no xt=urn:btih:" },
	{ "empty hash", "magnet:?xt=urn:btih:", BT_ERR_FORMAT, NULL,
	    "bad info-hash \"\"" },
	{ "39 hex", "magnet:?xt=urn:btih:01112131415161718191a1b1c1d1e1f20212223",
	    BT_ERR_FORMAT, NULL, "bad info-hash" },
	{ "41 hex", M "0", BT_ERR_FORMAT, NULL, "bad info-hash" },
	{ "hex with g", "magnet:?xt=urn:btih:g01112131415161718191a1b1c1d1e1f"
	    "20212223", BT_ERR_FORMAT, NULL, "bad info-hash" },
	{ "base32 with 1", "magnet:?xt=urn:btih:1AIREEYUCULBOGAZDINRYHI6D4QCCIRD",
	    BT_ERR_FORMAT, NULL, "want 40 hex digits or 32 base32" },
	{ "base32 with =", "magnet:?xt=urn:btih:CAIREEYUCULBOGAZDINRYHI6D4QCCIR=",
	    BT_ERR_FORMAT, NULL, "bad info-hash" },
	{ "two hashes", M "&xt=urn:btih:" HEX2, BT_ERR_FORMAT, NULL,
	    "two different info-hashes (" HEX " and " HEX2 ")" },
	{ "v2 only", "magnet:?xt=urn:btmh:" BTMH_OK "&dn=x", BT_ERR_INVALID,
	    NULL, "only a v2 info-hash" },
	{ "bad v2 only", "magnet:?xt=urn:btmh:" BTMH, BT_ERR_FORMAT, NULL,
	    "bad v2 info-hash" },
	{ "control byte", M "&dn=a\x01" "b", BT_ERR_FORMAT, NULL,
	    "control byte 0x01 at byte 65" },
	{ "tab inside", "magnet:?xt=urn:btih:\t" HEX, BT_ERR_FORMAT, NULL,
	    "control byte 0x09" },
	{ "bad escape", M "&dn=a%zzb", BT_ERR_FORMAT, NULL,
	    "bad percent-escape \"%zz\" in dn at byte 65" },
	{ "escape cut", M "&tr=http://a/%4", BT_ERR_FORMAT, NULL,
	    "bad percent-escape \"%4\" in tr" },
	{ "escape at end", M "&tr=%", BT_ERR_FORMAT, NULL,
	    "bad percent-escape \"%\"" },
	{ "escape in hash", "magnet:?xt=urn:btih:%g0" HEX, BT_ERR_FORMAT,
	    NULL, "in xt" },
	{ "nul escape", M "&dn=a%00b", BT_ERR_FORMAT, NULL,
	    "%00 (a NUL byte) in dn" },
	{ "x.pe no port", M "&x.pe=1.2.3.4", BT_ERR_FORMAT, NULL,
	    "bad x.pe \"1.2.3.4\"" },
	{ "x.pe port 0", M "&x.pe=1.2.3.4:0", BT_ERR_FORMAT, NULL, "x.pe" },
	{ "x.pe port big", M "&x.pe=1.2.3.4:65536", BT_ERR_FORMAT, NULL,
	    "x.pe" },
	{ "x.pe port sign", M "&x.pe=1.2.3.4:+80", BT_ERR_FORMAT, NULL,
	    "x.pe" },
	{ "x.pe empty", M "&x.pe=", BT_ERR_FORMAT, NULL, "x.pe \"\"" },
	{ "x.pe no host", M "&x.pe=:80", BT_ERR_FORMAT, NULL, "x.pe" },
	{ "x.pe bare v6", M "&x.pe=::1:80", BT_ERR_FORMAT, NULL, "x.pe" },
	{ "x.pe v6 no colon", M "&x.pe=[::1]80", BT_ERR_FORMAT, NULL,
	    "x.pe" },
	{ "x.pe v6 bad", M "&x.pe=[1.2.3.4]:80", BT_ERR_FORMAT, NULL,
	    "x.pe" },
	{ "x.pe v6 empty", M "&x.pe=[]:80", BT_ERR_FORMAT, NULL, "x.pe" },
	{ "x.pe short v4", M "&x.pe=1.2.3:80", BT_ERR_FORMAT, NULL, "x.pe" },
	{ "x.pe v4 big", M "&x.pe=256.1.1.1:80", BT_ERR_FORMAT, NULL,
	    "x.pe" },
	{ "x.pe bad name", M "&x.pe=a_b.com:80", BT_ERR_FORMAT, NULL,
	    "x.pe" },
	{ "x.pe empty label", M "&x.pe=a..com:80", BT_ERR_FORMAT, NULL,
	    "x.pe" },
	{ "x.pe hyphen", M "&x.pe=-a.com:80", BT_ERR_FORMAT, NULL, "x.pe" },
	{ "x.pe trailing dot", M "&x.pe=a.com.:80", BT_ERR_FORMAT, NULL,
	    "x.pe" },
	{ "x.pe long label", M "&x.pe=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaa.com:80", BT_ERR_FORMAT, NULL, "x.pe" },
	{ "so empty", M "&so=", BT_ERR_FORMAT, NULL, "bad so \"\"" },
	{ "so letters", M "&so=a", BT_ERR_FORMAT, NULL, "bad so" },
	{ "so open range", M "&so=1-", BT_ERR_FORMAT, NULL, "bad so" },
	{ "so reversed", M "&so=3-1", BT_ERR_FORMAT, NULL, "bad so" },
	{ "so double comma", M "&so=1,,2", BT_ERR_FORMAT, NULL, "bad so" },
	{ "so trailing comma", M "&so=1,", BT_ERR_FORMAT, NULL, "bad so" },
	{ "so negative", M "&so=-1", BT_ERR_FORMAT, NULL, "bad so" },
	{ "so too far", M "&so=0-100000", BT_ERR_RANGE, NULL,
	    "past index 99999" },
	{ "so overflow", M "&so=99999999999999999999999", BT_ERR_RANGE, NULL,
	    "past index" },
	{ "xl letters", M "&xl=12a", BT_ERR_FORMAT, NULL, "bad xl \"12a\"" },
	{ "xl empty", M "&xl=", BT_ERR_FORMAT, NULL, "bad xl" },
	{ "xl overflow", M "&xl=18446744073709551616", BT_ERR_FORMAT, NULL,
	    "bad xl" },
};

static void
test_table(void **state)
{
	struct magnet	*m;
	char		 err[256];
	size_t		 i;
	int		 r;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		memset(err, 'x', sizeof(err));
		r = parse_str(cases[i].in, &m, err, sizeof(err));
		if (r != cases[i].want)
			fail_msg("%s: got %d (%s), want %d", cases[i].name, r,
			    r == BT_OK ? "" : err, cases[i].want);
		if (r == BT_OK) {
			if (strcmp(m->info_hash_hex, cases[i].hex) != 0)
				fail_msg("%s: hash %s", cases[i].name,
				    m->info_hash_hex);
			magnet_free(m);
			continue;
		}
		assert_null(m);
		if (strstr(err, cases[i].err) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"",
			    cases[i].name, err, cases[i].err);
		if (strchr(err, '\n') != NULL)
			fail_msg("%s: message is not one line", cases[i].name);
	}
}

static void
test_fields(void **state)
{
	static const char	 in[] = "magnet:?xt=urn:btih:" B32
	    "&dn=Some+Name%20%E2%9C%93%2B"
	    "&tr=udp%3A%2F%2Ftracker.example%3A6969%2Fannounce"
	    "&tr.1=http://t.example/a?x=1+2"
	    "&tr=%20http://t.example/a?x=1+2%0A"
	    "&tr=not-a-url&tr=&tr=%20"
	    "&x.pe=127.0.0.1:6881&x.pe=[::1]:6882&x.pe=Peer.Example:80"
	    "&x.pe=127.0.0.1:6881&x.pe=peer.example:80"
	    "&ws=http://seed.example/f&ws=ftp://seed.example/f"
	    "&so=4-6,0,2,5&so=7&xl=123456789012&dn=second";
	static const uint8_t	 hash[20] = { 0x10, 0x11, 0x12, 0x13, 0x14,
	    0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	    0x20, 0x21, 0x22, 0x23 };
	static const uint8_t	 v6[16] = { [15] = 1 };
	struct magnet		*m;
	char			 err[256];

	(void)state;
	assert_int_equal(parse_str(in, &m, err, sizeof(err)), BT_OK);
	assert_memory_equal(m->info_hash, hash, 20);
	assert_string_equal(m->info_hash_hex, HEX);
	assert_int_equal(m->has_v2, 0);
	assert_string_equal(m->name, "Some Name \xe2\x9c\x93+");
	assert_int_equal(m->ntrackers, 2);
	assert_string_equal(m->trackers[0],
	    "udp://tracker.example:6969/announce");
	assert_string_equal(m->trackers[1], "http://t.example/a?x=1+2");
	assert_int_equal(m->npeers, 3);
	assert_int_equal(m->peers[0].family, AF_INET);
	assert_memory_equal(m->peers[0].addr, "\x7f\0\0\x01", 4);
	assert_int_equal(m->peers[0].port, 6881);
	assert_string_equal(m->peers[0].host, "127.0.0.1");
	assert_int_equal(m->peers[1].family, AF_INET6);
	assert_memory_equal(m->peers[1].addr, v6, 16);
	assert_int_equal(m->peers[1].port, 6882);
	assert_string_equal(m->peers[1].host, "::1");
	assert_int_equal(m->peers[2].family, 0);
	assert_string_equal(m->peers[2].host, "Peer.Example");
	assert_int_equal(m->peers[2].port, 80);
	assert_int_equal(m->nwebseeds, 1);
	assert_string_equal(m->webseeds[0], "http://seed.example/f");
	assert_int_equal(m->nselect, 3);
	assert_int_equal(m->select[0].first, 0);
	assert_int_equal(m->select[0].last, 0);
	assert_int_equal(m->select[1].first, 2);
	assert_int_equal(m->select[1].last, 2);
	assert_int_equal(m->select[2].first, 4);
	assert_int_equal(m->select[2].last, 7);
	assert_true(m->length == 123456789012ull);
	/* not-a-url and ftp:// dropped; "", " " skipped; duplicates skipped */
	assert_int_equal(m->ndropped, 2);
	assert_int_equal(m->nunknown, 0);
	magnet_free(m);
}

static void
test_v2_beside(void **state)
{
	struct magnet	*m;

	(void)state;
	assert_int_equal(parse_str(M "&xt=urn:btmh:" BTMH_OK, &m, NULL, 0),
	    BT_OK);
	assert_int_equal(m->has_v2, 1);
	magnet_free(m);
	assert_int_equal(parse_str(M "&xt=urn:sha1:x&kt=a&x.foo=1", &m, NULL,
	    0), BT_OK);
	assert_int_equal(m->has_v2, 0);
	assert_int_equal(m->nunknown, 2);
	assert_null(m->name);
	assert_null(m->trackers);
	assert_null(m->select);
	assert_int_equal(magnet_selects(m, 0), 1);
	assert_int_equal(magnet_selects(m, 99999), 1);
	magnet_free(m);
}

static void
test_bounds(void **state)
{
	struct magnet	*m;
	struct bbuf	 b;
	char		 err[256];
	size_t		 i;
	int		 r;

	(void)state;
	bbuf_init(&b, 2 * MAGNET_MAX_URI);
	assert_int_equal(bbuf_putf(&b, "%s", M), BT_OK);
	for (i = 0; i < 100; i++)
		assert_int_equal(bbuf_putf(&b, "&tr=http://t%zu.example/a", i),
		    BT_OK);
	for (i = 0; i < 30; i++)
		assert_int_equal(bbuf_putf(&b, "&ws=http://w%zu.example/", i),
		    BT_OK);
	/* a flood of peers: 2,500 fit in a 64 KiB link */
	for (i = 0; i < 2500; i++)
		assert_int_equal(bbuf_putf(&b, "&x.pe=10.0.%zu.%zu:1", i / 250,
		    i % 250), BT_OK);
	for (i = 0; i < 100; i++)
		assert_int_equal(bbuf_putf(&b, "&so=%zu", 99 - i), BT_OK);
	r = magnet_parse((const char *)bbuf_ptr(&b), bbuf_len(&b), &m, err,
	    sizeof(err));
	assert_int_equal(r, BT_OK);
	assert_int_equal(m->ntrackers, MAGNET_MAX_TRACKERS);
	assert_int_equal(m->nwebseeds, MAGNET_MAX_WEBSEEDS);
	assert_int_equal(m->npeers, MAGNET_MAX_PEERS);
	assert_int_equal(m->ndropped, 100 - MAGNET_MAX_TRACKERS +
	    30 - MAGNET_MAX_WEBSEEDS + 2500 - MAGNET_MAX_PEERS);
	assert_string_equal(m->peers[MAGNET_MAX_PEERS - 1].host, "10.0.0.63");
	/* 0..99 merge into one range */
	assert_int_equal(m->nselect, 1);
	assert_int_equal(m->select[0].last, 99);
	magnet_free(m);

	/* the same tracker 1,000 times is one tracker, nothing dropped */
	bbuf_reset(&b);
	assert_int_equal(bbuf_putf(&b, "%s", M), BT_OK);
	for (i = 0; i < 1000; i++)
		assert_int_equal(bbuf_putf(&b, "&tr=http://t.example/a"), BT_OK);
	r = magnet_parse((const char *)bbuf_ptr(&b), bbuf_len(&b), &m, err,
	    sizeof(err));
	assert_int_equal(r, BT_OK);
	assert_int_equal(m->ntrackers, 1);
	assert_int_equal(m->ndropped, 0);
	magnet_free(m);

	/* 300 separate so ranges */
	bbuf_reset(&b);
	assert_int_equal(bbuf_putf(&b, "%s&so=0", M), BT_OK);
	for (r = 1; r <= 300; r++)
		assert_int_equal(bbuf_putf(&b, ",%d", 2 * r), BT_OK);
	r = magnet_parse((const char *)bbuf_ptr(&b), bbuf_len(&b), &m, err,
	    sizeof(err));
	assert_int_equal(r, BT_ERR_LIMIT);
	assert_non_null(strstr(err, "over 256 separate ranges"));

	/* a value over MAGNET_MAX_VALUE, then a link over MAGNET_MAX_URI */
	bbuf_reset(&b);
	assert_int_equal(bbuf_putf(&b, "%s&dn=", M), BT_OK);
	for (r = 0; r <= MAGNET_MAX_VALUE; r++)
		assert_int_equal(bbuf_put_u8(&b, 'a'), BT_OK);
	r = magnet_parse((const char *)bbuf_ptr(&b), bbuf_len(&b), &m, err,
	    sizeof(err));
	assert_int_equal(r, BT_ERR_LIMIT);
	assert_non_null(strstr(err, "a dn value is over 4096 bytes"));
	bbuf_reset(&b);
	assert_int_equal(bbuf_putf(&b, "%s&foo=", M), BT_OK);
	while (bbuf_len(&b) <= MAGNET_MAX_URI)
		assert_int_equal(bbuf_put_u8(&b, 'a'), BT_OK);
	r = magnet_parse((const char *)bbuf_ptr(&b), bbuf_len(&b), &m, err,
	    sizeof(err));
	assert_int_equal(r, BT_ERR_LIMIT);
	assert_null(m);
	assert_string_equal(err, "magnet link is 65537 bytes, over the "
	    "65536-byte limit");
	/* exactly at the limit is fine */
	r = magnet_parse((const char *)bbuf_ptr(&b), MAGNET_MAX_URI, &m, err,
	    sizeof(err));
	assert_int_equal(r, BT_OK);
	assert_int_equal(m->nunknown, 1);
	magnet_free(m);
	bbuf_cleanup(&b);
}

/* Every prefix parses or fails with a message; none crashes or leaks. */
static void
test_prefixes(void **state)
{
	static const char	 in[] = M "&dn=a%20b&tr=http%3A%2F%2Ft%2Fa"
	    "&x.pe=[::1]:80&so=1-3&xl=9";
	struct magnet		*m;
	char			 err[256];
	size_t			 n;
	int			 r;

	(void)state;
	for (n = 0; n <= sizeof(in) - 1; n++) {
		err[0] = '\0';
		r = magnet_parse(in, n, &m, err, sizeof(err));
		if (r == BT_OK) {
			assert_true(n >= strlen(M));
			magnet_free(m);
		} else if (err[0] == '\0') {
			fail_msg("prefix %zu: %d without a message", n, r);
		}
	}
	/* a NUL inside the length is a control byte, not an end */
	assert_int_equal(magnet_parse(M "\0&dn=x", sizeof(M) + 5, &m, err,
	    sizeof(err)), BT_ERR_FORMAT);
	assert_non_null(strstr(err, "control byte 0x00"));
}

static void
test_selects(void **state)
{
	static const struct {
		const char	*so;
		const char	*want;	/* first..last pairs */
	} rows[] = {
		{ "5", "5-5" },
		{ "0,1,2,3", "0-3" },
		{ "3,1,2", "1-3" },
		{ "0-2,4-6,3", "0-6" },
		{ "10-20,0-5,30,8", "0-5,8-8,10-20,30-30" },
		{ "1-9,2-3,0", "0-9" },
		{ "4,4,4", "4-4" },
		{ "5-9,1-3,4", "1-9" },
		{ "1,3,5,0-99999", "0-99999" },
	};
	struct magnet	*m;
	char		 link[256], got[256];
	size_t		 i, j, w;
	uint32_t	 k;

	(void)state;
	for (i = 0; i < NELEM(rows); i++) {
		snprintf(link, sizeof(link), "%s&so=%s", M, rows[i].so);
		assert_int_equal(parse_str(link, &m, NULL, 0), BT_OK);
		for (j = 0, w = 0; j < m->nselect; j++)
			w += (size_t)snprintf(got + w, sizeof(got) - w, "%s%u-%u",
			    j ? "," : "", m->select[j].first, m->select[j].last);
		if (m->nselect == 0)
			got[0] = '\0';
		if (strcmp(got, rows[i].want) != 0)
			fail_msg("so=%s: got %s, want %s", rows[i].so, got,
			    rows[i].want);
		/* magnet_selects agrees with the ranges */
		for (k = 0; k < 40; k++) {
			int	in = 0;

			for (j = 0; j < m->nselect; j++)
				in |= k >= m->select[j].first &&
				    k <= m->select[j].last;
			assert_int_equal(magnet_selects(m, k), in);
		}
		magnet_free(m);
	}
}

/* --- magnet_format ---------------------------------------------------- */

static char *
format(const uint8_t *hash, const char *name, const char *const *tr,
    size_t ntr, const char *const *ws, size_t nws, struct bbuf *b)
{
	bbuf_reset(b);
	assert_int_equal(magnet_format(hash, name, tr, ntr, ws, nws, b),
	    BT_OK);
	assert_int_equal(bbuf_ptr(b)[bbuf_len(b) - 1], '\0');
	return (char *)bbuf_ptr(b);
}

static void
test_format_exact(void **state)
{
	static const uint8_t	 hash[20] = { 0x10, 0x11, 0x12, 0x13, 0x14,
	    0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
	    0x20, 0x21, 0x22, 0x23 };
	static const char *const tr[] = { "udp://t.example:6969/announce",
	    "not a url", "http://t.example/a?x=1&y=2",
	    "udp://t.example:6969/announce" };
	static const char *const ws[] = { "ftp://w/", "https://w.example/f" };
	struct bbuf		 b;

	(void)state;
	bbuf_init(&b, 2 * MAGNET_MAX_URI);
	assert_string_equal(format(hash, NULL, NULL, 0, NULL, 0, &b), M);
	assert_string_equal(format(hash, "", NULL, 0, NULL, 0, &b), M);
	assert_string_equal(format(hash, "A b+c/d~e_f.g-h%\xc3\xa9", tr, 4,
	    ws, 2, &b), M "&dn=A%20b%2Bc%2Fd~e_f.g-h%25%C3%A9"
	    "&tr=udp%3A%2F%2Ft.example%3A6969%2Fannounce"
	    "&tr=http%3A%2F%2Ft.example%2Fa%3Fx%3D1%26y%3D2"
	    "&ws=https%3A%2F%2Fw.example%2Ff");
	bbuf_cleanup(&b);

	/* a full buffer is an error, not a cut link */
	bbuf_init(&b, 30);
	assert_int_equal(magnet_format(hash, NULL, NULL, 0, NULL, 0, &b),
	    BT_ERR_LIMIT);
	bbuf_cleanup(&b);
}

/* format then parse must give back the hash, name and URLs written. */
static void
check_round_trip(const uint8_t *hash, const char *name,
    const char *const *tr, size_t ntr, const char *const *ws, size_t nws,
    struct bbuf *b)
{
	struct magnet	*m;
	char		 err[256], *link;
	size_t		 i, n;

	link = format(hash, name, tr, ntr, ws, nws, b);
	assert_true(strlen(link) <= MAGNET_MAX_URI);
	if (magnet_parse(link, strlen(link), &m, err, sizeof(err)) != BT_OK)
		fail_msg("%s: %s", link, err);
	assert_memory_equal(m->info_hash, hash, 20);
	if (name == NULL || name[0] == '\0') {
		assert_null(m->name);
	} else if (strlen(name) <= MAGNET_MAX_VALUE) {
		assert_string_equal(m->name, name);
	} else {
		/* cut, but only at the end */
		assert_true(strlen(m->name) > MAGNET_MAX_VALUE - 4);
		assert_memory_equal(m->name, name, strlen(m->name));
	}
	/* every URL kept is one we gave, in our order */
	for (i = 0, n = 0; i < m->ntrackers; i++) {
		while (n < ntr && strcmp(tr[n], m->trackers[i]) != 0)
			n++;
		assert_true(n < ntr);
	}
	for (i = 0, n = 0; i < m->nwebseeds; i++) {
		while (n < nws && strcmp(ws[n], m->webseeds[i]) != 0)
			n++;
		assert_true(n < nws);
	}
	assert_int_equal(m->ndropped, 0);
	magnet_free(m);
}

static void
test_format_round_trip(void **state)
{
	static const uint8_t	 hash[20] = { 0xff, 0, 0x80, 1 };
	static const char *const tr[] = { "udp://a:1", "wss://b/c?d=e&f=g#h",
	    "http://[::1]:80/announce", "HTTP://X/%41+" };
	static const char *const ws[] = { "http://w/a b", "http://w/%20" };
	char			*big[200], name[MAGNET_MAX_VALUE + 100];
	struct bbuf		 b;
	struct magnet		*m;
	size_t			 i;

	(void)state;
	bbuf_init(&b, 4 * MAGNET_MAX_URI);
	check_round_trip(hash, "name with spaces & = ? # + % \xe2\x9c\x93",
	    tr, NELEM(tr), ws, NELEM(ws), &b);
	/* 200 trackers of 1000 bytes: only what fits, still parseable */
	for (i = 0; i < NELEM(big); i++) {
		big[i] = malloc(1001);
		assert_non_null(big[i]);
		snprintf(big[i], 1001, "http://t%zu.example/", i);
		memset(big[i] + strlen(big[i]), 'a', 1000 - strlen(big[i]));
		big[i][1000] = '\0';
	}
	check_round_trip(hash, NULL, (const char *const *)big, NELEM(big),
	    NULL, 0, &b);
	assert_int_equal(magnet_parse((const char *)bbuf_ptr(&b),
	    bbuf_len(&b) - 1, &m, NULL, 0), BT_OK);
	assert_true(m->ntrackers > 50 && m->ntrackers <= MAGNET_MAX_TRACKERS);
	magnet_free(m);
	/* a tracker too long to be one value is left out */
	free(big[1]);
	big[1] = malloc(MAGNET_MAX_VALUE + 2);
	assert_non_null(big[1]);
	memset(big[1], 'a', MAGNET_MAX_VALUE + 1);
	memcpy(big[1], "http://", 7);
	big[1][MAGNET_MAX_VALUE + 1] = '\0';
	check_round_trip(hash, NULL, (const char *const *)big + 1, 2, NULL, 0,
	    &b);
	for (i = 0; i < NELEM(big); i++)
		free(big[i]);
	/* a long name is cut on a UTF-8 boundary */
	memset(name, 'a', sizeof(name));
	for (i = MAGNET_MAX_VALUE - 11; i + 2 < sizeof(name); i += 2)
		memcpy(name + i, "\xc3\xa9", 2);
	name[sizeof(name) - 1] = '\0';
	check_round_trip(hash, name, NULL, 0, NULL, 0, &b);
	assert_int_equal(magnet_parse((const char *)bbuf_ptr(&b),
	    bbuf_len(&b) - 1, &m, NULL, 0), BT_OK);
	assert_int_equal(strlen(m->name), MAGNET_MAX_VALUE - 1);
	magnet_free(m);
	bbuf_cleanup(&b);
}

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

/* Random bytes for names and random printable URLs: 2,000 round trips. */
static void
test_format_random(void **state)
{
	static const char	 chars[] = "abcXYZ019-._~%+&=?#/: []@!$'()*,;";
	uint32_t		 seed = test_seed(), s;
	uint8_t			 hash[20];
	char			 name[64], urls[8][48];
	const char		*tr[8];
	struct bbuf		 b;
	size_t			 i, j, k, n;

	(void)state;
	s = seed;
	print_message("seed %u\n", seed);
	bbuf_init(&b, MAGNET_MAX_URI + 1);
	for (i = 0; i < 2000; i++) {
		for (j = 0; j < 20; j++)
			hash[j] = (uint8_t)next_rand(&s);
		n = next_rand(&s) % sizeof(name);
		for (j = 0; j < n; j++)	/* no control bytes: they come back
					 * as '?' */
			name[j] = (char)(0x20 + next_rand(&s) % 0xe0);
		for (j = 0; j < n; j++)
			if (name[j] == 0x7f)
				name[j] = '~';
		name[n] = '\0';
		n = next_rand(&s) % 8;
		for (j = 0; j < n; j++) {
			snprintf(urls[j], sizeof(urls[j]), "%s://",
			    next_rand(&s) % 2 ? "udp" : "http");
			for (k = strlen(urls[j]); k < 20; k++)
				urls[j][k] = chars[next_rand(&s) %
				    (sizeof(chars) - 1)];
			urls[j][k] = '\0';
			tr[j] = urls[j];
		}
		check_round_trip(hash, name, tr, n, tr, n, &b);
	}
	bbuf_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_v2_beside),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_selects),
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_format_round_trip),
		cmocka_unit_test(test_format_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
