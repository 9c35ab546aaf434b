/*
 * test_listen: the session's listening sockets and where it dials from.
 * A session listens on IPv4 and IPv6 at one port (a second socket with
 * IPV6_V6ONLY), moves both to the next port when either is taken, listens
 * only on the --bind addresses and dials from them; two sessions trade a
 * torrent over ::1, and one bound to 127.0.0.2 reaches a seeder from there.
 * Incoming connections that fail before their handshake are logged once
 * per host and reason.  Tests that need ::1 skip on a machine without it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "engine/engine.h"
#include "engine/maketorrent.h"
#include "engine/metainfo.h"
#include "engine/peer.h"
#include "engine/session.h"
#include "engine/session_impl.h"
#include "engine/sessiondir.h"
#include "engine/torrent.h"
#include "engine/torrent_impl.h"
#include "engine/wire.h"
#include "sandbox.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define PAYLOAD_BYTES	(1024u * 1024 + 4321)
#define PIECE_BYTES	(32u * 1024)
#define RUN_LIMIT_MS	30000

struct fixture {
	char		 root[PATH_MAX];
	char		 seed_dir[PATH_MAX], leech_dir[PATH_MAX];
	char		 seed_sess[PATH_MAX], leech_sess[PATH_MAX];
	char		 payload[PATH_MAX];
	struct bbuf	 torrent;
	uint8_t		 info_hash[20];
};

static void
join(char *buf, const char *a, const char *b)
{
	assert_true((size_t)snprintf(buf, PATH_MAX, "%s/%s", a, b) <
	    PATH_MAX);
}

static void
write_payload(const char *path, size_t n)
{
	uint64_t	 x = 0x2545f4914f6cdd1dull;
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
	assert_int_equal(sandbox_create(f->root, sizeof(f->root),
	    "test_listen"), 0);
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

/* Ports apart from test_session's, which may run at the same time. */
static uint16_t
test_port(int k)
{
	return (uint16_t)(20000 + (getpid() * 16 + k * 9 + 4000) % 30000);
}

static void
config(struct engine_config *cfg, const char *sess, uint16_t port)
{
	engine_config_defaults(cfg);
	cfg->session_dir = sess;
	cfg->port = port;
	cfg->rng_seed = port;
}

static int
have_ipv6_loopback(void)
{
	struct sockaddr_in6	sin6;
	int			fd, ok;

	if ((fd = socket(AF_INET6, SOCK_STREAM, 0)) < 0)
		return 0;
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_addr = in6addr_loopback;
	ok = bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0;
	close(fd);
	return ok;
}

/* The family and port a socket is bound to; its address into ip. */
static int
sock_name(int fd, uint16_t *port_out, uint8_t ip[16])
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	memset(ip, 0, 16);
	if (ss.ss_family == AF_INET) {
		*port_out = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		memcpy(ip, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else {
		*port_out = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		memcpy(ip, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	}
	return ss.ss_family;
}

static void
test_ipv6_global(void **state)
{
	static const struct {
		const char	*addr;
		int		 want;
	} rows[] = {
		{ "2a00:1450:4001:811::200e", 1 }, { "2001:470::1", 1 },
		{ "3fff:ffff::1", 1 }, { "2001:db8::1", 0 }, { "::1", 0 },
		{ "::", 0 }, { "fe80::1", 0 }, { "fd00::2", 0 },
		{ "fc00::1", 0 }, { "ff02::1", 0 }, { "::ffff:8.8.8.8", 0 },
		{ "4000::1", 0 }, { "1fff::1", 0 },
	};
	uint8_t	ip[16];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(inet_pton(AF_INET6, rows[i].addr, ip), 1);
		if (listen_ipv6_global(ip) != rows[i].want)
			fail_msg("%s: got %d", rows[i].addr, !rows[i].want);
	}
}

/* Which families a torrent dials, and from where. */
static void
test_dial_from(void **state)
{
	struct torrent_env	 env;
	struct peer_addr	 v4, v6, from4, from6, odd;
	const struct peer_addr	*src;

	(void)state;
	assert_int_equal(peer_addr_parse("10.0.0.1:80", &v4), BT_OK);
	assert_int_equal(peer_addr_parse("[2001:db8::1]:80", &v6), BT_OK);
	assert_int_equal(peer_addr_parse("127.0.0.2:0", &from4), BT_OK);
	assert_int_equal(peer_addr_parse("[::1]:0", &from6), BT_OK);
	memset(&odd, 0, sizeof(odd));
	odd.ss.ss_family = AF_UNIX;
	memset(&env, 0, sizeof(env));
	/* no --bind: both families, the kernel picks the source */
	assert_int_equal(torrent_env_dial_from(&env, &v4, &src), 1);
	assert_null(src);
	assert_int_equal(torrent_env_dial_from(&env, &v6, &src), 1);
	assert_null(src);
	assert_int_equal(torrent_env_dial_from(&env, &odd, &src), 0);
	/* --bind 127.0.0.2: IPv4 from there, IPv6 not at all */
	env.dial_bound = 1;
	env.dial4 = &from4;
	assert_int_equal(torrent_env_dial_from(&env, &v4, &src), 1);
	assert_ptr_equal(src, &from4);
	assert_int_equal(torrent_env_dial_from(&env, &v6, &src), 0);
	assert_null(src);
	/* --bind ::1 only */
	env.dial4 = NULL;
	env.dial6 = &from6;
	assert_int_equal(torrent_env_dial_from(&env, &v4, &src), 0);
	assert_int_equal(torrent_env_dial_from(&env, &v6, &src), 1);
	assert_ptr_equal(src, &from6);
}

/* No --bind: one socket per family, one port, IPv6 without the mapped
 * IPv4 addresses. */
static void
test_both_families(void **state)
{
	struct fixture		*f = *state;
	struct engine_config	 cfg;
	struct session		*s;
	uint8_t			 ip[16];
	uint16_t		 port;
	int			 v6only = 0;
	socklen_t		 len = sizeof(v6only);

	config(&cfg, f->seed_sess, test_port(0));
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	assert_int_equal(s->lis.n, 2);
	assert_false(s->lis.bound);
	assert_int_equal(sock_name(s->lis.fd[0], &port, ip), AF_INET);
	assert_int_equal(port, session_port(s));
	assert_false(s->env.dial_bound);
	assert_null(s->env.dial4);
	assert_null(s->env.dial6);
	if (!have_ipv6_loopback()) {
		/* said once in the log, and IPv4 goes on */
		assert_int_equal(s->lis.fd[1], -1);
		assert_true(s->lis.gone[1]);
		assert_int_equal(session_free(s), 0);
		skip();
	}
	assert_int_equal(sock_name(s->lis.fd[1], &port, ip), AF_INET6);
	assert_int_equal(port, session_port(s));
	assert_int_equal(getsockopt(s->lis.fd[1], IPPROTO_IPV6, IPV6_V6ONLY,
	    &v6only, &len), 0);
	assert_int_equal(v6only, 1);
	assert_int_equal(session_free(s), 0);
}

/* Someone else holds the IPv6 side of -p: both sockets move on together. */
static void
test_port_taken_on_one_family(void **state)
{
	struct fixture		*f = *state;
	struct engine_config	 cfg;
	struct sockaddr_in6	 sin6;
	struct session		*s;
	uint8_t			 ip[16];
	uint16_t		 p4, p6, want = test_port(1);
	int			 fd, one = 1, k;

	if (!have_ipv6_loopback())
		skip();
	assert_true((fd = socket(AF_INET6, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
	    sizeof(one)), 0);
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	for (k = 0; k < 50; k++, want += 11) {
		sin6.sin6_port = htons(want);
		if (bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == 0)
			break;
	}
	assert_true(k < 50);
	assert_int_equal(listen(fd, 1), 0);
	config(&cfg, f->seed_sess, want);
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	assert_int_equal(sock_name(s->lis.fd[0], &p4, ip), AF_INET);
	assert_int_equal(sock_name(s->lis.fd[1], &p6, ip), AF_INET6);
	assert_int_equal(p4, p6);
	assert_int_equal(p4, session_port(s));
	assert_true(p4 > want && p4 < want + 9);
	assert_int_equal(session_free(s), 0);
	close(fd);
}

/* --bind: only there; a name ignored and a missing address dropped,
 * each with a warning; the dial sources are the first address of each
 * family. */
static void
test_bind_restricts(void **state)
{
	static const char *const binds[] = {
		"127.0.0.2", "192.0.2.1", "localhost", "::1", "127.0.0.3",
	};
	static const uint8_t	 lo2[4] = { 127, 0, 0, 2 };
	struct fixture		*f = *state;
	struct engine_config	 cfg;
	struct session		*s;
	uint8_t			 ip[16];
	uint16_t		 port;
	int			 v6 = have_ipv6_loopback();

	config(&cfg, f->seed_sess, test_port(2));
	cfg.binds = binds;
	cfg.nbinds = v6 ? 5 : 3;
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	assert_true(s->lis.bound);
	assert_int_equal(s->lis.n, cfg.nbinds - 1);	/* a name: ignored */
	assert_int_equal(sock_name(s->lis.fd[0], &port, ip), AF_INET);
	assert_memory_equal(ip, lo2, 4);
	assert_int_equal(port, session_port(s));
	/* 192.0.2.1 (TEST-NET-1) is on no machine */
	assert_int_equal(s->lis.fd[1], -1);
	assert_true(s->lis.gone[1]);
	assert_true(s->env.dial_bound);
	assert_non_null(s->env.dial4);
	assert_true(peer_addr_equal(s->env.dial4, &s->lis.addr[0]));
	if (v6) {
		assert_int_equal(sock_name(s->lis.fd[2], &port, ip), AF_INET6);
		assert_memory_equal(ip, &in6addr_loopback, 16);
		assert_int_equal(port, session_port(s));
		assert_int_equal(sock_name(s->lis.fd[3], &port, ip), AF_INET);
		assert_non_null(s->env.dial6);
		assert_true(peer_addr_equal(s->env.dial6, &s->lis.addr[2]));
	} else
		assert_null(s->env.dial6);
	assert_false(s->env.has_ipv6);		/* loopback: no ipv6= */
	assert_int_equal(session_free(s), 0);
}

/* 1 when the seeder holds a connection from an address of family with
 * these first bytes (4 or 16). */
static int
seeder_sees(struct session *seeder, int family, const void *ip)
{
	struct torrent	*t = seeder->torrents[0];
	size_t		 i;

	for (i = 0; i < t->npeers; i++) {
		const struct peer_addr *a = &t->peers[i]->addr;

		if (a->ss.ss_family != family || t->peers[i]->outgoing)
			continue;
		if (family == AF_INET && memcmp(&((const struct sockaddr_in *)
		    &a->ss)->sin_addr, ip, 4) == 0)
			return 1;
		if (family == AF_INET6 && memcmp(&((const struct
		    sockaddr_in6 *)&a->ss)->sin6_addr, ip, 16) == 0)
			return 1;
	}
	return 0;
}

/* Runs both until the leecher, told the seeder is at host, is done;
 * whether the seeder ever saw the leecher come from family/ip. */
static int
trade(struct engine_config *scfg, struct engine_config *lcfg,
    const char *host, int family, const void *ip)
{
	struct session	*seeder, *leecher;
	char		 peer[64];
	const char	*peers[2] = { peer, "127.0.0.1:1" };
	uint64_t	 turns = 0;
	int		 running = 1, saw = 0;

	scfg->seed = 1;
	assert_int_equal(session_new(scfg, -1, &seeder), 0);
	/* Dialled while it still checks its data, it would turn the
	 * leecher away, and the leecher retries 10 s later. */
	while (torrent_state(seeder->torrents[0]) != TORRENT_SEEDING &&
	    turns++ < RUN_LIMIT_MS / 5)
		(void)session_turn(seeder, 5);
	turns = 0;
	snprintf(peer, sizeof(peer), "%s:%u", host, session_port(seeder));
	lcfg->peers = peers;
	lcfg->npeers = 2;
	assert_int_equal(session_new(lcfg, -1, &leecher), 0);
	while (running && turns++ < RUN_LIMIT_MS / 5) {
		(void)session_turn(seeder, 5);
		running = session_turn(leecher, 5);
		saw |= seeder_sees(seeder, family, ip);
	}
	assert_false(running);
	assert_int_equal(session_complete_count(leecher), 1);
	assert_int_equal(session_free(leecher), 0);
	assert_int_equal(session_free(seeder), 0);
	return saw;
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

/* Both on ::1 only: the leecher dials [::1]:PORT (its IPv4 --peer is
 * left alone: no IPv4 address to dial from), the seeder accepts it on
 * its IPv6 socket. */
static void
test_trade_over_ipv6(void **state)
{
	static const char *const binds[] = { "::1" };
	struct fixture		*f = *state;
	struct engine_config	 scfg, lcfg;
	char			 got[PATH_MAX];

	if (!have_ipv6_loopback())
		skip();
	config(&scfg, f->seed_sess, test_port(3));
	scfg.binds = binds;
	scfg.nbinds = 1;
	config(&lcfg, f->leech_sess, test_port(4));
	lcfg.binds = binds;
	lcfg.nbinds = 1;
	assert_true(trade(&scfg, &lcfg, "[::1]", AF_INET6,
	    &in6addr_loopback));
	join(got, f->leech_dir, "payload.bin");
	assert_true(same_file(f->payload, got));
}

/* The leecher bound to 127.0.0.2 reaches a seeder on every address (no
 * --bind) from there. */
static void
test_dial_from_bound_address(void **state)
{
	static const char *const binds[] = { "127.0.0.2" };
	static const uint8_t	 lo2[4] = { 127, 0, 0, 2 };
	struct fixture		*f = *state;
	struct engine_config	 scfg, lcfg;
	char			 got[PATH_MAX];

	config(&scfg, f->seed_sess, test_port(5));
	config(&lcfg, f->leech_sess, test_port(6));
	lcfg.binds = binds;
	lcfg.nbinds = 1;
	assert_true(trade(&scfg, &lcfg, "127.0.0.1", AF_INET, lo2));
	join(got, f->leech_dir, "payload.bin");
	assert_true(same_file(f->payload, got));
}

enum in_kind { IN_CLOSE, IN_NOISE, IN_OTHER_TORRENT, IN_HALF };

/* A connection to the session at port that does what kind says, then
 * closes; the session runs until it has dealt with it. */
static void
come_in(struct session *s, uint16_t port, enum in_kind kind,
    const uint8_t info_hash[20])
{
	static const uint8_t	reserved[WIRE_RESERVED_LEN];
	struct sockaddr_in	sin;
	uint8_t			hash[20], noise[700];
	struct bbuf		b;
	size_t			i, len;
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	memcpy(hash, info_hash, 20);
	hash[0] ^= 0x11;
	bbuf_init(&b, 1024);
	if (kind == IN_NOISE) {
		for (i = 0; i < sizeof(noise); i++)
			noise[i] = (uint8_t)(i * 73 + 5);
		assert_int_equal(bbuf_put_bytes(&b, noise, sizeof(noise)),
		    BT_OK);
	} else if (kind != IN_CLOSE)
		assert_int_equal(wire_handshake_encode(&b, reserved, hash,
		    (const uint8_t *)"-TR3000-000000000000"), BT_OK);
	len = kind == IN_HALF ? 30 : bbuf_len(&b);
	if (len > 0)
		assert_int_equal(write(fd, bbuf_ptr(&b), len), (ssize_t)len);
	bbuf_cleanup(&b);
	for (i = 0; i < 40; i++)
		(void)session_turn(s, 5);
	close(fd);
	for (i = 0; i < 40; i++)
		(void)session_turn(s, 5);
	assert_int_equal(s->nincoming, 0);
}

static size_t
count_in(const char *text, const char *needle)
{
	size_t	n = 0;

	while ((text = strstr(text, needle)) != NULL) {
		n++;
		text++;
	}
	return n;
}

/*
 * Incoming connections that fail before their handshake name no torrent:
 * the session logs each once per host and reason (a client that keeps
 * coming back, from a new port each time, is said once), and a different
 * failure from the same host is said too (issue 17).
 */
static void
test_incoming_failures_logged_once(void **state)
{
	static const struct {
		enum in_kind	 kind;
		int		 times;
		const char	*text;
	} cases[] = {
		{ IN_CLOSE, 3, "closed the connection before its handshake" },
		/* an MSE handshake (not plaintext) with no sync marker */
		{ IN_NOISE, 2, "encrypted handshake failed: no sync marker "
		    "within 512 bytes of padding" },
		{ IN_OTHER_TORRENT, 2, "handshake for another torrent" },
		{ IN_HALF, 2, "closed the connection in the middle of its "
		    "handshake" },
	};
	struct fixture		*f = *state;
	struct engine_config	 cfg;
	struct session		*s;
	static char		 got[65536];
	char			 path[PATH_MAX];
	ssize_t			 n;
	size_t			 i;
	int			 fd, saved, k;

	join(path, f->root, "stderr.txt");
	assert_true((fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600)) >= 0);
	config(&cfg, f->seed_sess, test_port(7));
	cfg.seed = 1;
	fflush(stderr);
	assert_true((saved = dup(STDERR_FILENO)) >= 0);
	assert_true(dup2(fd, STDERR_FILENO) >= 0);
	assert_int_equal(session_new(&cfg, -1, &s), 0);
	for (i = 0; i < NELEM(cases); i++)
		for (k = 0; k < cases[i].times; k++)
			come_in(s, session_port(s), cases[i].kind,
			    f->info_hash);
	assert_int_equal(session_free(s), 0);
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	n = pread(fd, got, sizeof(got) - 1, 0);
	assert_true(n >= 0);
	got[n] = '\0';
	close(fd);
	for (i = 0; i < NELEM(cases); i++)
		if (count_in(got, cases[i].text) != 1)
			fail_msg("\"%s\" said %zu times in:\n%s", cases[i].text,
			    count_in(got, cases[i].text), got);
	assert_int_equal(count_in(got, "bttui: peer 127.0.0.1:"),
	    NELEM(cases));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv6_global),
		cmocka_unit_test(test_dial_from),
		cmocka_unit_test_setup_teardown(test_both_families, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_port_taken_on_one_family,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_restricts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_trade_over_ipv6, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_dial_from_bound_address,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_incoming_failures_logged_once, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
