/*
 * libFuzzer target for src/engine/extmsg and src/engine/pex: the payloads
 * of BEP 10 extended messages.  The first input byte picks the decoder:
 *   0  extended handshake body     1  ut_metadata body
 *   2  ut_pex body                 3  a whole payload (extended id first),
 *                                     dispatched on our ids as the engine
 *                                     would: 0 handshake, 1 ut_pex,
 *                                     2 ut_metadata
 * Whatever decodes must hold only what its contract allows, re-encode
 * without error, and decode from the re-encoded frame to the same thing.
 * An error must leave the output in its "nothing" state.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/socket.h>

#include "engine/caddr.h"
#include "engine/extmsg.h"
#include "engine/pex.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

#define FUZZ_EXT_ID	7	/* the id a peer gave us for an extension */

/* The body of the one frame in b, after checking its head. */
static const uint8_t *
frame_body(const struct bbuf *b, uint8_t ext_id, size_t *len_out)
{
	const uint8_t	*p = bbuf_ptr(b);
	size_t		 n = bbuf_len(b);
	uint32_t	 prefix;

	CHECK(n >= 6);
	prefix = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	CHECK(prefix == n - 4);
	CHECK(p[4] == EXTMSG_WIRE_ID && p[5] == ext_id);
	*len_out = n - 6;
	return p + 6;
}

/* What extmsg_handshake_decode promises about a handshake. */
static void
hs_check(const struct extmsg_handshake *hs)
{
	unsigned	f = hs->flags;
	size_t		i, n;

	CHECK((f & ~0xffu) == 0 && (hs->bad & ~0xffu) == 0);
	CHECK((f & hs->bad) == 0);
	n = strnlen(hs->client, sizeof(hs->client));
	CHECK(n < sizeof(hs->client));
	CHECK((f & EXTMSG_HS_V) || n == 0);
	for (i = 0; i < n; i++)
		CHECK((uint8_t)hs->client[i] >= 0x20 &&
		    (uint8_t)hs->client[i] != 0x7f);
	CHECK(((f & EXTMSG_HS_P) != 0) == (hs->port != 0));
	CHECK((f & EXTMSG_HS_UT_METADATA) || hs->ut_metadata == 0);
	CHECK((f & EXTMSG_HS_UT_PEX) || hs->ut_pex == 0);
	if (f & (EXTMSG_HS_UT_METADATA | EXTMSG_HS_UT_PEX))
		CHECK(f & EXTMSG_HS_M);
	if (f & EXTMSG_HS_YOURIP)
		CHECK(hs->yourip.family == AF_INET ||
		    hs->yourip.family == AF_INET6);
	else
		CHECK(hs->yourip.family == 0);
	CHECK(hs->yourip.port == 0);
	if (f & EXTMSG_HS_METADATA_SIZE)
		CHECK(hs->metadata_size >= 1 &&
		    hs->metadata_size <= EXTMSG_METADATA_MAX);
	else
		CHECK(hs->metadata_size == -1);
	if (f & EXTMSG_HS_REQQ)
		CHECK(hs->reqq >= 1 && hs->reqq <= EXTMSG_REQQ_MAX);
	else
		CHECK(hs->reqq == 0);
}

static void
fuzz_handshake(const uint8_t *p, size_t n)
{
	struct extmsg_handshake	 hs, again, merged;
	struct bbuf		 out;
	const uint8_t		*body;
	char			 err[128];
	size_t			 blen;

	if (extmsg_handshake_decode(p, n, &hs, err, sizeof(err)) != BT_OK) {
		CHECK(hs.flags == 0 && hs.metadata_size == -1);
		CHECK(strnlen(err, sizeof(err)) < sizeof(err));
		return;
	}
	hs_check(&hs);
	bbuf_init(&out, 64 * 1024);
	CHECK(extmsg_handshake_encode(&out, &hs) == BT_OK);
	body = frame_body(&out, EXTMSG_HANDSHAKE_ID, &blen);
	CHECK(extmsg_handshake_decode(body, blen, &again, NULL, 0) == BT_OK);
	CHECK(again.flags == hs.flags && again.bad == 0);
	CHECK(again.ut_metadata == hs.ut_metadata &&
	    again.ut_pex == hs.ut_pex);
	CHECK(strcmp(again.client, hs.client) == 0);
	CHECK(again.port == hs.port && again.reqq == hs.reqq &&
	    again.metadata_size == hs.metadata_size);
	CHECK(again.yourip.family == hs.yourip.family);
	if (hs.yourip.family != 0)
		CHECK(caddr_equal(&again.yourip, &hs.yourip));
	/* merging a handshake into itself changes nothing it holds */
	merged = hs;
	extmsg_handshake_merge(&merged, &again);
	CHECK(merged.flags == hs.flags && merged.port == hs.port &&
	    strcmp(merged.client, hs.client) == 0);
	bbuf_cleanup(&out);
}

static void
fuzz_metadata(const uint8_t *p, size_t n)
{
	struct extmsg_metadata	 m, again;
	struct bbuf		 out;
	const uint8_t		*body;
	size_t			 blen;

	if (extmsg_metadata_decode(p, n, &m, NULL, 0) != BT_OK) {
		CHECK(m.type == 0 && m.data == NULL && m.data_len == 0);
		return;
	}
	if (m.type == EXTMSG_METADATA_UNKNOWN) {
		CHECK(m.data == NULL);
		return;
	}
	CHECK(m.piece < EXTMSG_METADATA_MAX_PIECES);
	if (m.type == EXTMSG_METADATA_DATA) {
		CHECK(m.data_len ==
		    extmsg_metadata_piece_len(m.total_size, m.piece));
		/* borrowed: the tail of the input */
		CHECK(m.data == p + n - m.data_len);
	} else
		CHECK(m.data == NULL && m.total_size == 0);
	bbuf_init(&out, 64 * 1024);
	CHECK(extmsg_metadata_encode(&out, FUZZ_EXT_ID, &m) == BT_OK);
	body = frame_body(&out, FUZZ_EXT_ID, &blen);
	CHECK(extmsg_metadata_decode(body, blen, &again, NULL, 0) == BT_OK);
	CHECK(again.type == m.type && again.piece == m.piece &&
	    again.total_size == m.total_size &&
	    again.data_len == m.data_len);
	if (m.data_len > 0)
		CHECK(memcmp(again.data, m.data, m.data_len) == 0);
	bbuf_cleanup(&out);
}

static int
usable(const struct pex_peer *p)
{
	static const uint8_t	zero[16];

	if (p->addr.port == 0 || (p->flags & ~PEX_F_KNOWN) != 0)
		return 0;
	if (p->addr.family == AF_INET)
		return p->addr.ip[0] != 0 && p->addr.ip[0] < 224;
	return p->addr.family == AF_INET6 &&
	    memcmp(p->addr.ip, zero, 16) != 0 && p->addr.ip[0] != 0xff;
}

/* The first n of list in the order a decoder gives back what pex_encode
 * wrote: IPv4 first; again[] must match it entry for entry. */
static void
pex_same(const struct pex_peer *list, size_t n, const struct pex_peer *again,
    size_t nagain, int dropped)
{
	size_t	i, k = 0;
	int	pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n; i++) {
			if ((list[i].addr.family == AF_INET6) != pass)
				continue;
			CHECK(k < nagain);
			CHECK(caddr_equal(&again[k].addr, &list[i].addr));
			CHECK(again[k].flags == (dropped ? 0 : list[i].flags));
			k++;
		}
	CHECK(k == nagain);
}

static void
fuzz_pex(const uint8_t *p, size_t n)
{
	struct pex_msg	*m, *again;
	struct bbuf	 out;
	const uint8_t	*body;
	size_t		 i, blen, na, nd;

	if ((m = malloc(sizeof(*m))) == NULL ||
	    (again = malloc(sizeof(*again))) == NULL) {
		free(m);
		return;
	}
	bbuf_init(&out, 64 * 1024);
	if (pex_decode(p, n, m, NULL, 0) != BT_OK) {
		CHECK(m->nadded == 0 && m->ndropped == 0 && m->present == 0);
		goto out;
	}
	CHECK(m->nadded <= 2 * PEX_MAX_PER_FIELD &&
	    m->ndropped <= 2 * PEX_MAX_PER_FIELD);
	CHECK((m->bad & ~m->present) == 0);
	for (i = 0; i < m->nadded; i++)
		CHECK(usable(&m->added[i]));
	for (i = 0; i < m->ndropped; i++)
		CHECK(usable(&m->dropped[i]) && m->dropped[i].flags == 0);
	if (m->nadded + m->ndropped == 0)
		goto out;
	CHECK(pex_encode(&out, FUZZ_EXT_ID, m->added, m->nadded, m->dropped,
	    m->ndropped, &na, &nd) == BT_OK);
	CHECK(na == (m->nadded < PEX_SEND_MAX ? m->nadded : PEX_SEND_MAX));
	CHECK(nd == (m->ndropped < PEX_SEND_MAX ? m->ndropped :
	    PEX_SEND_MAX));
	body = frame_body(&out, FUZZ_EXT_ID, &blen);
	CHECK(pex_decode(body, blen, again, NULL, 0) == BT_OK);
	CHECK(again->bad == 0 && again->skipped == 0 && again->ignored == 0);
	pex_same(m->added, na, again->added, again->nadded, 0);
	pex_same(m->dropped, nd, again->dropped, again->ndropped, 1);
out:
	bbuf_cleanup(&out);
	free(m);
	free(again);
}

/* A whole payload, as the engine will see it after wire_decode. */
static void
fuzz_payload(const uint8_t *p, size_t n)
{
	const uint8_t	*body;
	size_t		 blen;
	uint8_t		 id;

	if (extmsg_split(p, n, &id, &body, &blen) != BT_OK) {
		CHECK(n == 0 && body == NULL && blen == 0);
		return;
	}
	CHECK(blen == n - 1 && (n == 1 || body == p + 1));
	if (id == EXTMSG_HANDSHAKE_ID)
		fuzz_handshake(body, blen);
	else if (id == EXTMSG_OUR_UT_PEX)
		fuzz_pex(body, blen);
	else if (id == EXTMSG_OUR_UT_METADATA)
		fuzz_metadata(body, blen);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* libFuzzer's buffer is exactly size bytes: a read past the end is
	 * an ASan report. */
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_handshake(data + 1, size - 1);
		break;
	case 1:
		fuzz_metadata(data + 1, size - 1);
		break;
	case 2:
		fuzz_pex(data + 1, size - 1);
		break;
	default:
		fuzz_payload(data + 1, size - 1);
	}
	return 0;
}
