/*
 * libFuzzer target for src/engine/utpmux: a script of datagrams and
 * owner calls against one mux.  Records of {op, len, len bytes}: ops
 * deliver the bytes as a datagram from one of four addresses (as they
 * are, or with the connection id patched to one the mux holds so the
 * fuzzer gets past the lookup), let time pass and tick, flush, dial,
 * release, write to and read from a connection the owner holds.  The
 * accept callback takes or refuses by the script.
 *
 * Checked: every datagram the mux sends decodes as uTP, and goes to one
 * of the four addresses; a RESET that no connection claims is never
 * answered; the table stays within max_conns; a connection the owner
 * holds is in the table; utpmux_free cleans up everything (ASan).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sys/socket.h>

#include "engine/caddr.h"
#include "engine/utp.h"
#include "engine/utp_packet.h"
#include "engine/utpmux.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

#define MAX_CONNS	6
#define NADDR		4
#define BUF		(16 * 1024)

struct state {
	struct utpmux	*m;
	struct caddr	 addr[NADDR];
	struct utp	*held[MAX_CONNS];
	size_t		 nheld;
	int		 accept_next;	/* what accept answers */
	uint64_t	 sent;
};

static void
on_send(void *arg, const struct caddr *to, const uint8_t *p, size_t n)
{
	struct state		*st = arg;
	struct utp_packet	 pkt;
	size_t			 i;
	int			 known = 0;

	CHECK(utp_packet_decode(p, n, &pkt) == BT_OK);
	for (i = 0; i < NADDR; i++)
		known |= caddr_equal(to, &st->addr[i]);
	CHECK(known);
	st->sent++;
}

static int
on_accept(void *arg, struct utp *u, const struct caddr *from)
{
	struct state	*st = arg;

	(void)from;
	if (!st->accept_next || st->nheld == MAX_CONNS)
		return 0;
	st->held[st->nheld++] = u;
	return 1;
}

static void
deliver(struct state *st, uint8_t op, const uint8_t *p, size_t n,
    uint64_t now)
{
	static uint8_t		dg[UTP_MAX_DATAGRAM];
	struct utp_packet	pkt;
	uint64_t		before = st->sent;
	size_t			before_n = utpmux_count(st->m);

	memcpy(dg, p, n);
	/* patch the id to a held connection's (op bit 3) */
	if ((op & 8) && st->nheld > 0 && n >= 4) {
		uint16_t id = utp_recv_id(st->held[(op >> 4) % st->nheld]);

		dg[2] = (uint8_t)(id >> 8);
		dg[3] = (uint8_t)id;
	}
	utpmux_input(st->m, &st->addr[(op >> 1) & 3], dg, n, now);
	/* a RESET is never answered, and never makes a connection */
	if (utp_packet_decode(dg, n, &pkt) == BT_OK &&
	    pkt.type == UTP_ST_RESET) {
		CHECK(st->sent == before);
		CHECK(utpmux_count(st->m) <= before_n);
	}
}

static void
drop_held(struct state *st, size_t i)
{
	st->held[i] = st->held[--st->nheld];
}

static void
run_op(struct state *st, uint8_t op, const uint8_t *p, size_t n,
    uint64_t *now)
{
	static uint8_t	buf[BUF];
	struct utp	*u = st->nheld > 0 ? st->held[p[0] % st->nheld] : NULL;
	size_t		 k;

	switch (op & 7) {
	case 0:
	case 1:
		deliver(st, op, p + 1, n - 1, *now);
		break;
	case 2:			/* time passes: up to 65 s */
		*now += p[0] * 256000ull;
		if (utpmux_deadline_us(st->m) <= *now)
			utpmux_tick(st->m, *now);
		break;
	case 3:
		utpmux_flush(st->m, *now);
		break;
	case 4:
		if (st->nheld < MAX_CONNS && utpmux_connect(st->m,
		    &st->addr[p[0] % NADDR], *now, &u) == BT_OK)
			st->held[st->nheld++] = u;
		break;
	case 5:
		if (u != NULL) {
			utpmux_release(st->m, u, *now);
			drop_held(st, p[0] % st->nheld);
		}
		break;
	case 6:
		if (u != NULL)
			(void)utp_write(u, p, n, *now, &k);
		break;
	default:
		if (u != NULL)
			(void)utp_read(u, buf, sizeof(buf), *now, &k);
		st->accept_next = p[0] & 1;
		break;
	}
	CHECK(utpmux_count(st->m) <= MAX_CONNS);
	CHECK(utpmux_count(st->m) >= st->nheld);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	ip4[4] = { 127, 0, 0, 1 };
	static const uint8_t	ip6[16] = { [15] = 1 };
	struct utpmux_config	cfg;
	struct state		st;
	uint64_t		now = 1000000;
	size_t			at = 0, n, i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < NADDR; i++)
		CHECK(caddr_from_bytes(i < 2 ? ip4 : ip6, i < 2 ? 4 : 16,
		    (uint16_t)(6881 + i), &st.addr[i]) == BT_OK);
	st.accept_next = 1;
	memset(&cfg, 0, sizeof(cfg));
	cfg.arg = &st;
	cfg.send = on_send;
	cfg.accept = on_accept;
	cfg.seed = 42;
	cfg.max_conns = MAX_CONNS;
	cfg.send_buf = cfg.recv_buf = BUF;
	CHECK(utpmux_new(&cfg, &st.m) == BT_OK);
	/* records: op, len (2 bytes), then len bytes (at least 1) */
	while (size - at >= 4) {
		n = (size_t)data[at + 1] << 8 | data[at + 2];
		if (n == 0)
			n = 1;
		if (n > size - at - 3)
			n = size - at - 3;
		run_op(&st, data[at], data + at + 3, n, &now);
		at += 3 + n;
	}
	utpmux_free(st.m);
	return 0;
}
