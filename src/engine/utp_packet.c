/*
 * utp_packet: BEP 29 headers and their extension chain (see utp_packet.h).
 * Decoding reads through a bbuf view of the datagram; encoding reserves
 * the whole packet first so that a failed encode appends nothing.
 */
#include "engine/utp_packet.h"

#include <string.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"

static int
decode_header(struct bbuf *in, struct utp_packet *out, uint8_t *ext_out)
{
	uint8_t	vt;
	int	r;

	if ((r = bbuf_get_u8(in, &vt)) != 0 ||
	    (r = bbuf_get_u8(in, ext_out)) != 0 ||
	    (r = bbuf_get_u16be(in, &out->conn_id)) != 0 ||
	    (r = bbuf_get_u32be(in, &out->ts_us)) != 0 ||
	    (r = bbuf_get_u32be(in, &out->ts_diff_us)) != 0 ||
	    (r = bbuf_get_u32be(in, &out->wnd)) != 0 ||
	    (r = bbuf_get_u16be(in, &out->seq_nr)) != 0 ||
	    (r = bbuf_get_u16be(in, &out->ack_nr)) != 0)
		return BT_ERR_FORMAT;
	if ((vt & 0x0f) != UTP_VERSION || (vt >> 4) > UTP_ST_SYN)
		return BT_ERR_FORMAT;
	out->type = vt >> 4;
	return BT_OK;
}

/* Walks the chain that starts with extension `ext'. */
static int
decode_extensions(struct bbuf *in, uint8_t ext, struct utp_packet *out)
{
	uint8_t	next, len;
	size_t	n = 0;

	while (ext != 0) {
		if (++n > UTP_MAX_EXTENSIONS)
			return BT_ERR_LIMIT;
		if (bbuf_get_u8(in, &next) != 0 || bbuf_get_u8(in, &len) != 0 ||
		    len > bbuf_len(in))
			return BT_ERR_FORMAT;
		if (ext == UTP_EXT_SACK) {
			/* BEP 29: at least 32 bits, in multiples of 32 */
			if (out->sack != NULL || len < UTP_SACK_MIN ||
			    len % 4 != 0)
				return BT_ERR_FORMAT;
			out->sack = bbuf_ptr(in);
			out->sack_len = len;
		} else
			out->n_unknown_ext++;
		(void)bbuf_consume(in, len);
		ext = next;
	}
	return BT_OK;
}

int
utp_packet_decode(const uint8_t *p, size_t n, struct utp_packet *out)
{
	struct bbuf	in;
	uint8_t		ext;
	int		r;

	memset(out, 0, sizeof(*out));
	if (n > UTP_MAX_DATAGRAM)
		return BT_ERR_LIMIT;
	bbuf_view(&in, p, n);
	if ((r = decode_header(&in, out, &ext)) != BT_OK ||
	    (r = decode_extensions(&in, ext, out)) != BT_OK) {
		memset(out, 0, sizeof(*out));
		return r;
	}
	out->payload = bbuf_ptr(&in);
	out->payload_len = bbuf_len(&in);
	return BT_OK;
}

size_t
utp_packet_size(const struct utp_packet *pkt)
{
	return UTP_HEADER_LEN + (pkt->sack_len > 0 ? 2 + pkt->sack_len : 0) +
	    pkt->payload_len;
}

static uint8_t *
put16(uint8_t *d, uint16_t v)
{
	d[0] = (uint8_t)(v >> 8);
	d[1] = (uint8_t)v;
	return d + 2;
}

static uint8_t *
put32(uint8_t *d, uint32_t v)
{
	d[0] = (uint8_t)(v >> 24);
	d[1] = (uint8_t)(v >> 16);
	d[2] = (uint8_t)(v >> 8);
	d[3] = (uint8_t)v;
	return d + 4;
}

int
utp_packet_encode(const struct utp_packet *pkt, struct bbuf *out)
{
	size_t	 n = utp_packet_size(pkt);
	uint8_t	*d, *start;
	int	 r;

	if (pkt->type > UTP_ST_SYN || (pkt->sack_len > 0 &&
	    (pkt->sack_len < UTP_SACK_MIN || pkt->sack_len > UTP_SACK_MAX ||
	    pkt->sack_len % 4 != 0)))
		return BT_ERR_INVALID;
	if ((r = bbuf_reserve(out, n, &start)) != BT_OK)
		return r;
	d = start;
	*d++ = (uint8_t)(pkt->type << 4 | UTP_VERSION);
	*d++ = pkt->sack_len > 0 ? UTP_EXT_SACK : 0;
	d = put16(d, pkt->conn_id);
	d = put32(d, pkt->ts_us);
	d = put32(d, pkt->ts_diff_us);
	d = put32(d, pkt->wnd);
	d = put16(d, pkt->seq_nr);
	d = put16(d, pkt->ack_nr);
	if (pkt->sack_len > 0) {
		*d++ = 0;			/* end of the chain */
		*d++ = (uint8_t)pkt->sack_len;
		memcpy(d, pkt->sack, pkt->sack_len);
		d += pkt->sack_len;
	}
	if (pkt->payload_len > 0)
		memcpy(d, pkt->payload, pkt->payload_len);
	return bbuf_commit(out, n);
}

const char *
utp_packet_type_name(int type)
{
	static const char	*names[] = { "DATA", "FIN", "STATE", "RESET",
				    "SYN" };

	if (type < 0 || type > UTP_ST_SYN)
		return "?";
	return names[type];
}
