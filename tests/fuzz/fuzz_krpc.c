/*
 * libFuzzer target for src/engine/krpc: the input is one UDP datagram.
 * Whatever decodes must hold only what krpc.h allows; it must encode (an
 * unknown method excepted: it is answered, never sent), decode from its
 * encoding to the same message with nothing dropped, and re-encode to the
 * same bytes, never longer than the datagram it came from.  A refusal
 * keeps at most the head (type, method, tid, client) for an error reply.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "engine/caddr.h"
#include "engine/krpc.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

static const uint8_t	v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			    0xff, 0xff };

static int
usable(const struct caddr *a)
{
	return caddr_usable(a) && (a->family == AF_INET ||
	    memcmp(a->ip, v4_mapped, sizeof(v4_mapped)) != 0);
}

/* What krpc_decode promises about a message it accepted. */
static void
check_accepted(const struct krpc_msg *m)
{
	size_t	i, n4 = 0, n6 = 0;

	CHECK(m->type == KRPC_QUERY || m->type == KRPC_RESPONSE ||
	    m->type == KRPC_ERROR);
	CHECK(m->tid_len >= 1 && m->tid_len <= KRPC_TID_MAX);
	CHECK(m->client_len == 0 || m->client_len == KRPC_CLIENT_LEN);
	CHECK(m->token_len <= KRPC_TOKEN_MAX);
	CHECK((m->want & ~(unsigned)(KRPC_WANT_N4 | KRPC_WANT_N6)) == 0);
	if (m->type == KRPC_QUERY)
		CHECK(m->method >= KRPC_PING &&
		    m->method <= KRPC_UNKNOWN_METHOD);
	else
		CHECK(m->method == 0 && m->want == 0 && m->port == 0);
	if (m->type == KRPC_QUERY && m->method == KRPC_ANNOUNCE_PEER)
		CHECK(m->port != 0 || m->implied_port);
	CHECK(m->nnodes <= 2 * KRPC_MAX_NODES);
	for (i = 0; i < m->nnodes; i++) {
		CHECK(usable(&m->nodes[i].addr));
		if (m->nodes[i].addr.family == AF_INET) {
			CHECK(n6 == 0);		/* "nodes" before "nodes6" */
			n4++;
		} else
			n6++;
	}
	CHECK(n4 <= KRPC_MAX_NODES && n6 <= KRPC_MAX_NODES);
	CHECK(m->nvalues <= KRPC_MAX_VALUES);
	for (i = 0; i < m->nvalues; i++)
		CHECK(usable(&m->values[i]));
	CHECK(m->type == KRPC_RESPONSE || (m->nnodes == 0 &&
	    m->nvalues == 0 && m->ip.family == 0 && m->dropped == 0));
	for (i = 0; m->error_msg[i] != '\0'; i++)
		CHECK(i < KRPC_ERROR_MAX - 1 && m->error_msg[i] >= 0x20 &&
		    m->error_msg[i] < 0x7f);
	CHECK(m->type == KRPC_ERROR || (m->error_code == 0 && i == 0));
}

/* After a refusal only the head may be set. */
static void
check_refused(const struct krpc_msg *m)
{
	static const uint8_t	zero[KRPC_ID_LEN];

	CHECK(m->tid_len <= KRPC_TID_MAX);
	CHECK(m->client_len == 0 || m->client_len == KRPC_CLIENT_LEN);
	CHECK(memcmp(m->id, zero, KRPC_ID_LEN) == 0 &&
	    memcmp(m->target, zero, KRPC_ID_LEN) == 0);
	CHECK(m->port == 0 && m->implied_port == 0 && m->want == 0 &&
	    m->token_len == 0 && m->nnodes == 0 && m->nvalues == 0 &&
	    m->ip.family == 0 && m->error_code == 0 &&
	    m->error_msg[0] == '\0' && m->dropped == 0);
}

static void
check_same(const struct krpc_msg *a, const struct krpc_msg *b)
{
	size_t	i;

	CHECK(a->type == b->type && a->method == b->method);
	CHECK(a->tid_len == b->tid_len &&
	    memcmp(a->tid, b->tid, a->tid_len) == 0);
	CHECK(a->client_len == b->client_len &&
	    memcmp(a->client, b->client, a->client_len) == 0);
	CHECK(memcmp(a->id, b->id, KRPC_ID_LEN) == 0 &&
	    memcmp(a->target, b->target, KRPC_ID_LEN) == 0);
	CHECK(a->port == b->port && a->implied_port == b->implied_port &&
	    a->want == b->want);
	CHECK(a->token_len == b->token_len &&
	    memcmp(a->token, b->token, a->token_len) == 0);
	CHECK(a->nnodes == b->nnodes && a->nvalues == b->nvalues);
	for (i = 0; i < a->nnodes; i++)
		CHECK(memcmp(a->nodes[i].id, b->nodes[i].id,
		    KRPC_ID_LEN) == 0 &&
		    caddr_equal(&a->nodes[i].addr, &b->nodes[i].addr));
	for (i = 0; i < a->nvalues; i++)
		CHECK(caddr_equal(&a->values[i], &b->values[i]));
	CHECK(a->ip.family == b->ip.family);
	if (a->ip.family != 0)
		CHECK(caddr_equal(&a->ip, &b->ip));
	CHECK(a->error_code == b->error_code &&
	    strcmp(a->error_msg, b->error_msg) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct krpc_msg	*m, *again;
	struct bbuf	 out, out2;
	char		 err[128];
	int		 r;

	m = malloc(sizeof(*m));
	again = malloc(sizeof(*again));
	if (m == NULL || again == NULL) {
		free(m);
		free(again);
		return 0;
	}
	bbuf_init(&out, 2 * KRPC_MAX_DATAGRAM);
	bbuf_init(&out2, 2 * KRPC_MAX_DATAGRAM);
	memset(err, 'x', sizeof(err));
	r = krpc_decode(data, size, m, err, sizeof(err));
	CHECK(strnlen(err, sizeof(err)) < sizeof(err));
	CHECK((r == BT_OK) == (err[0] == '\0'));
	if (r != BT_OK) {
		CHECK(r == BT_ERR_FORMAT || r == BT_ERR_LIMIT ||
		    r == BT_ERR_RANGE || r == BT_ERR_NOMEM);
		check_refused(m);
		goto out;
	}
	check_accepted(m);
	if (m->type == KRPC_QUERY && m->method == KRPC_UNKNOWN_METHOD) {
		CHECK(krpc_encode(m, &out) == BT_ERR_INVALID);
		CHECK(bbuf_len(&out) == 0);
		goto out;
	}
	CHECK(krpc_encode(m, &out) == BT_OK);
	CHECK(bbuf_len(&out) <= size);
	CHECK(krpc_decode(bbuf_ptr(&out), bbuf_len(&out), again, NULL,
	    0) == BT_OK);
	CHECK(again->dropped == 0);
	check_same(m, again);
	CHECK(krpc_encode(again, &out2) == BT_OK);
	CHECK(bbuf_len(&out2) == bbuf_len(&out) && memcmp(bbuf_ptr(&out2),
	    bbuf_ptr(&out), bbuf_len(&out)) == 0);
out:
	bbuf_cleanup(&out);
	bbuf_cleanup(&out2);
	free(m);
	free(again);
	return 0;
}
