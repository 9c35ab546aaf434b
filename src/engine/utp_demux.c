/*
 * utp_demux: routing a UDP datagram to uTP, KRPC or a tracker, and the
 * uTP table keys (see utp_demux.h).
 */
#include "engine/utp_demux.h"

#include <string.h>

#include "engine/utp_packet.h"
#include "ipc/err.h"

#define TRACKER_HEAD_LEN	8	/* BEP 15: action, transaction id */
#define TRACKER_ACTION_MAX	3	/* connect, announce, scrape, error */

int
utp_demux_classify(const uint8_t *p, size_t n)
{
	if (n == 0)
		return UTP_DEMUX_OTHER;
	if (p[0] == 'd')
		return UTP_DEMUX_KRPC;
	if (n >= UTP_HEADER_LEN && (p[0] & 0x0f) == UTP_VERSION &&
	    (p[0] >> 4) <= UTP_ST_SYN)
		return UTP_DEMUX_UTP;
	if (n >= TRACKER_HEAD_LEN && p[0] == 0 && p[1] == 0 && p[2] == 0 &&
	    p[3] <= TRACKER_ACTION_MAX)
		return UTP_DEMUX_TRACKER;
	return UTP_DEMUX_OTHER;
}

static void
key_set(struct utp_key *k, const struct caddr *from, uint16_t id)
{
	memset(k, 0, sizeof(*k));
	k->addr = *from;
	k->conn_id = id;
}

size_t
utp_demux_keys(const struct utp_packet *pkt, const struct caddr *from,
    struct utp_key out[UTP_DEMUX_MAX_KEYS])
{
	uint16_t	id = pkt->conn_id;

	if (pkt->type == UTP_ST_SYN) {
		key_set(&out[0], from, (uint16_t)(id + 1));
		return 1;
	}
	key_set(&out[0], from, id);
	if (pkt->type != UTP_ST_RESET)
		return 1;
	key_set(&out[1], from, (uint16_t)(id - 1));
	key_set(&out[2], from, (uint16_t)(id + 1));
	return 3;
}

int
utp_demux_reset(const struct utp_packet *pkt, uint16_t seq_nr,
    struct bbuf *out)
{
	struct utp_packet	rst;

	if (pkt->type == UTP_ST_RESET)
		return BT_ERR_INVALID;
	memset(&rst, 0, sizeof(rst));
	rst.type = UTP_ST_RESET;
	rst.conn_id = pkt->conn_id;
	rst.seq_nr = seq_nr;
	rst.ack_nr = pkt->seq_nr;
	return utp_packet_encode(&rst, out);
}

int
utp_key_equal(const struct utp_key *a, const struct utp_key *b)
{
	return a->conn_id == b->conn_id && caddr_equal(&a->addr, &b->addr);
}
