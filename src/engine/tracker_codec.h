/*
 * tracker_codec: the bytes of tracker announces, without any I/O.  Parses
 * HTTP announce replies (BEP 3, compact peers BEP 23, peers6 BEP 7), builds
 * the HTTP announce URL, and encodes/decodes UDP tracker packets (BEP 15).
 * Everything read from a tracker goes through a struct bbuf; every count and
 * text taken from it is bounded, so the functions can be fuzzed directly.
 */
#ifndef BT_TRACKER_CODEC_H
#define BT_TRACKER_CODEC_H

#include <stddef.h>
#include <stdint.h>

struct bbuf;

#define TRACKER_MAX_PEERS	2000		/* peers kept from one reply */
#define TRACKER_MAX_BODY	(1024u * 1024)	/* HTTP reply body, bytes */
#define TRACKER_MAX_TEXT	256		/* failure/warning/error text */
#define TRACKER_MAX_ID		128		/* tracker id, bytes */
#define TRACKER_UDP_MAX_PKT	65536		/* one UDP datagram */

/* BEP 15 numbers the events; the HTTP names are in tracker_http_url. */
enum tracker_event {
	TRACKER_EV_NONE = 0,
	TRACKER_EV_COMPLETED = 1,
	TRACKER_EV_STARTED = 2,
	TRACKER_EV_STOPPED = 3,
};

/* BEP 15 actions. */
enum tracker_udp_action {
	TRACKER_UDP_CONNECT = 0,
	TRACKER_UDP_ANNOUNCE = 1,
	TRACKER_UDP_SCRAPE = 2,
	TRACKER_UDP_ERROR = 3,
};

struct tracker_peer {
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		addr[16];	/* network order; 4 bytes for AF_INET */
	uint16_t	port;		/* host order, never 0 */
};

/* What one announce asks for; the same fields go over HTTP and UDP. */
struct tracker_announce {
	uint8_t		info_hash[20];
	uint8_t		peer_id[20];
	uint64_t	downloaded, left, uploaded;
	int		event;		/* enum tracker_event */
	uint32_t	key;
	int32_t		numwant;	/* -1: the tracker's default */
	uint16_t	port;
	/* BEP 7: our IPv6 address, for an HTTP tracker that sees us on
	 * IPv4 (UDP has no field for it); has_ipv6 0: none to tell. */
	int		has_ipv6;
	uint8_t		ipv6[16];
};

/*
 * A parsed HTTP reply.  Strings are NUL-terminated copies, at most
 * TRACKER_MAX_TEXT bytes, with control characters replaced by '?' so they
 * can go straight into a log line.
 */
struct tracker_reply {
	char		*failure;	/* "failure reason"; NULL if none */
	char		*warning;	/* "warning message"; NULL if none */
	char		*tracker_id;	/* "tracker id"; NULL if none */
	int64_t		 interval;	/* seconds; -1 if absent */
	int64_t		 min_interval;	/* seconds; -1 if absent */
	int64_t		 complete;	/* seeders; -1 if absent */
	int64_t		 incomplete;	/* leechers; -1 if absent */
	struct tracker_peer *peers;	/* npeers entries (NULL when 0) */
	size_t		 npeers;
};

/* A decoded UDP reply.  Which fields hold data depends on `action'. */
struct tracker_udp_reply {
	int		 action;	/* enum tracker_udp_action */
	uint64_t	 conn_id;	/* CONNECT */
	int64_t		 interval;	/* ANNOUNCE: seconds */
	int64_t		 leechers, seeders;	/* ANNOUNCE */
	struct tracker_peer *peers;	/* ANNOUNCE: npeers (NULL when 0) */
	size_t		 npeers;
	char		 message[TRACKER_MAX_TEXT];	/* ERROR, sanitised */
};

/*
 * Parses a bencoded HTTP announce reply body[0..len).  On BT_OK *out is
 * filled (free with tracker_reply_cleanup).  When the tracker sent a
 * "failure reason", out->failure is set, BT_OK is returned and the other
 * fields may be absent.  Otherwise "peers" and/or "peers6" must be present:
 * compact strings (6 resp. 18 bytes per peer) or, for "peers", a list of
 * dictionaries with "ip" (IPv4 or IPv6 text; host names are skipped) and
 * "port".  Peers with port 0 are skipped; at most TRACKER_MAX_PEERS are kept.
 * Errors: BT_ERR_FORMAT (errbuf says why, e.g. "tracker reply is not
 * bencode: byte 0: ..."), BT_ERR_NOMEM.  On error *out is cleaned up.
 */
int	tracker_parse_http(const void *body, size_t len,
	    struct tracker_reply *out, char *errbuf, size_t errlen);
/* Frees what a reply holds and resets it to empty (absent fields -1). */
void	tracker_reply_cleanup(struct tracker_reply *r);

/*
 * Appends the announce URL for `announce' (the torrent's http(s) URL, which
 * may already have a query) and a terminating NUL, which is counted in
 * bbuf_len: when `out' was empty, (const char *)bbuf_ptr(out) is the URL.
 * info_hash and peer_id are percent-encoded byte by byte, key is 8 hex
 * digits, numwant is omitted when negative, event when TRACKER_EV_NONE,
 * ipv6 (BEP 7, the address alone, percent-encoded) unless has_ipv6, and
 * trackerid when tracker_id is NULL.  Errors: BT_ERR_INVALID (announce
 * holds a '#' or a byte that is not printable ASCII, bad event), or the
 * bbuf put errors; `out' may then hold a partial URL.
 */
int	tracker_http_url(const char *announce, const struct tracker_announce *a,
	    const char *tracker_id, struct bbuf *out);

/* Append a BEP 15 connect request (16 bytes) resp. announce request
 * (98 bytes, IP address 0 = "the sender's").  Errors: the bbuf put errors,
 * BT_ERR_INVALID for a bad event. */
int	tracker_udp_put_connect(struct bbuf *out, uint32_t tid);
int	tracker_udp_put_announce(struct bbuf *out, uint64_t conn_id,
	    uint32_t tid, const struct tracker_announce *a);

/*
 * Decodes one UDP datagram pkt[0..len) from a tracker reached over
 * family_of_tracker (AF_INET: 6-byte peers, AF_INET6: 18-byte peers).
 * On BT_OK *out is filled (free with tracker_udp_reply_cleanup); an ERROR
 * action is BT_OK with out->message set.  Errors: BT_ERR_FORMAT for a short
 * packet, another transaction id than expect_tid, an unknown or unexpected
 * (scrape) action, or a peer list that is not a whole number of entries;
 * BT_ERR_INVALID for a bad family; BT_ERR_NOMEM.  On error *out is empty.
 */
int	tracker_udp_parse(const void *pkt, size_t len, uint32_t expect_tid,
	    int family_of_tracker, struct tracker_udp_reply *out);
void	tracker_udp_reply_cleanup(struct tracker_udp_reply *r);

#endif
