/*
 * krpc: the DHT's KRPC messages (BEP 5, with BEP 32 for IPv6 and BEP 42's
 * "ip" field) as pure encode/decode over bounded buffers.  No sockets, no
 * clock, no globals.  A message is one bencoded dictionary in one UDP
 * datagram:
 *
 *   query     {t, y:"q", q:METHOD, a:{id, target | info_hash, port,
 *              implied_port, token, want}, v?}
 *   response  {t, y:"r", r:{id, nodes?, nodes6?, values?, token?}, ip?, v?}
 *   error     {t, y:"e", e:[code, message]}
 *
 * Decoding is liberal where BEP 5 nodes in the wild differ (unknown keys,
 * a missing "v", extra fields) and strict where a lie could hurt: every
 * string length is checked, "nodes" must be a multiple of 26 bytes and
 * "nodes6" of 38, each value 6 or 18 bytes, an id exactly 20 bytes.
 * Unusable entries (port 0, an address in 0.0.0.0/8, multicast or
 * broadcast, an IPv4-mapped or unspecified IPv6) are dropped and counted.
 */
#ifndef BT_KRPC_H
#define BT_KRPC_H

#include <stddef.h>
#include <stdint.h>

#include "engine/caddr.h"

struct bbuf;

#define KRPC_ID_LEN		20
#define KRPC_MAX_DATAGRAM	1500	/* larger datagrams are refused */
#define KRPC_TID_MAX		8	/* transaction id bytes kept */
#define KRPC_TOKEN_MAX		32
#define KRPC_MAX_NODES		16	/* per family, per message */
#define KRPC_MAX_VALUES		100	/* peers in one get_peers answer */
#define KRPC_CLIENT_LEN		4	/* "v": 2 letters + 2 version bytes */
#define KRPC_ERROR_MAX		128

/* BEP 5 error codes ("e": [code, message]). */
#define KRPC_ERR_GENERIC	201
#define KRPC_ERR_SERVER		202
#define KRPC_ERR_PROTOCOL	203	/* malformed packet, bad arguments or
					 * token */
#define KRPC_ERR_METHOD		204	/* method unknown */

enum krpc_type {
	KRPC_QUERY,
	KRPC_RESPONSE,
	KRPC_ERROR,
};

enum krpc_method {		/* what a query asks (responses do not say) */
	KRPC_PING,
	KRPC_FIND_NODE,
	KRPC_GET_PEERS,
	KRPC_ANNOUNCE_PEER,
	KRPC_UNKNOWN_METHOD,	/* answered with error 204 */
};

enum krpc_want {		/* BEP 32 "want" */
	KRPC_WANT_N4 = 1 << 0,
	KRPC_WANT_N6 = 1 << 1,
};

struct krpc_node {		/* compact node info: 26 or 38 bytes */
	uint8_t		id[KRPC_ID_LEN];
	struct caddr	addr;
};

/*
 * One message.  Fields a message does not use are zero.
 *   all        type, tid[0..tid_len), client (v, may be empty)
 *   QUERY      method, id; FIND_NODE target; GET_PEERS and ANNOUNCE_PEER
 *              target (the info_hash); ANNOUNCE_PEER port, implied_port,
 *              token; want (0 when absent)
 *   RESPONSE   id; nodes (IPv4 "nodes" then IPv6 "nodes6"), values (peers
 *              of "values"), token; ip (BEP 42: how the responder sees
 *              us; family 0 when absent)
 *   ERROR      error_code, error_msg
 */
struct krpc_msg {
	int		 type;		/* enum krpc_type */
	int		 method;	/* enum krpc_method, for a QUERY */
	uint8_t		 tid[KRPC_TID_MAX];
	size_t		 tid_len;
	uint8_t		 client[KRPC_CLIENT_LEN];
	size_t		 client_len;
	uint8_t		 id[KRPC_ID_LEN];
	uint8_t		 target[KRPC_ID_LEN];
	uint16_t	 port;
	int		 implied_port;
	uint8_t		 token[KRPC_TOKEN_MAX];
	size_t		 token_len;
	unsigned	 want;		/* enum krpc_want */
	struct krpc_node nodes[2 * KRPC_MAX_NODES];
	size_t		 nnodes;
	struct caddr	 values[KRPC_MAX_VALUES];
	size_t		 nvalues;
	struct caddr	 ip;
	int64_t		 error_code;
	char		 error_msg[KRPC_ERROR_MAX];	/* sanitised, NUL'd */
	size_t		 dropped;	/* entries refused (see above) */
};

/*
 * Decodes one datagram data[0..len) into *out (zeroed first).  Errors, with
 * one line in errbuf (NULL is fine):
 *   BT_ERR_LIMIT   len over KRPC_MAX_DATAGRAM, or too deep
 *   BT_ERR_FORMAT  not one bencoded dictionary; no "t" string or over
 *                  KRPC_TID_MAX; "y" not q, r or e; a query without "q"
 *                  or "a"; an id that is not 20 bytes; a response without
 *                  "r"; nodes/nodes6/values of a bad length; a token over
 *                  KRPC_TOKEN_MAX; an error without [int, string]
 *   BT_ERR_RANGE   a port 0 or over 65535 in announce_peer (with
 *                  implied_port 0)
 *   BT_ERR_NOMEM
 * An unknown method decodes as KRPC_UNKNOWN_METHOD (BT_OK) so the node can
 * answer it with error 204.  *out is usable (tid set) after BT_ERR_FORMAT
 * when the "t" was readable, so the node can answer error 203.  After any
 * error only that head is kept (type and method as far as they were read,
 * tid, client); every other field is zero.  On BT_OK errbuf is "".
 */
int	krpc_decode(const uint8_t *data, size_t len, struct krpc_msg *out,
	    char *errbuf, size_t errlen);
/*
 * Appends the datagram of m to out (at most KRPC_MAX_DATAGRAM bytes), or
 * nothing.  Messages carry "v" when client_len is 4.  Responses put IPv4
 * nodes in "nodes" and IPv6 ones in "nodes6", values as 6/18-byte
 * strings, and "ip" when ip.family is set.  Errors: the bbuf put errors;
 * BT_ERR_INVALID for a field the decoder would refuse (tid_len 0 or over
 * KRPC_TID_MAX, an unknown type or method, a node of another family,
 * over KRPC_MAX_NODES of one family, announce_peer with port 0 and no
 * implied_port); BT_ERR_LIMIT when the datagram would pass
 * KRPC_MAX_DATAGRAM (e.g. 100 IPv6 values).  Only the fields of m's type
 * and method are written ("want" only for find_node and get_peers).
 */
int	krpc_encode(const struct krpc_msg *m, struct bbuf *out);

/* XOR distance between two ids, compared: <0, 0, >0 as a is closer to
 * target than b (memcmp order of a^target and b^target). */
int	krpc_closer(const uint8_t target[KRPC_ID_LEN],
	    const uint8_t a[KRPC_ID_LEN], const uint8_t b[KRPC_ID_LEN]);

#endif
