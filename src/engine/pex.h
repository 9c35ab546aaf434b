/*
 * pex: BEP 11 peer exchange (ut_pex) messages as pure encode/decode
 * functions, on top of extmsg's frames.  What a peer tells us is untrusted
 * (BEP 11, "Security Considerations"): a message decodes into fixed arrays
 * of at most PEX_MAX_PER_FIELD addresses per field, unusable addresses are
 * dropped and counted, and a field with a bad length is skipped alone.
 * Deduplication against the peers a torrent already knows, and the once a
 * minute pace, are the caller's.
 */
#ifndef BT_PEX_H
#define BT_PEX_H

#include <stddef.h>
#include <stdint.h>

#include "engine/extmsg.h"

struct bbuf;

/* Addresses kept per field (added, added6, dropped, dropped6) of one
 * message; the rest are counted in `ignored'. */
#define PEX_MAX_PER_FIELD	200
/* BEP 11: added (IPv4 and IPv6 together) should not exceed 50 per message,
 * nor dropped; libtorrent sends at most 50 too. */
#define PEX_SEND_MAX		50

enum pex_flag {			/* BEP 11 added.f / added6.f bits */
	PEX_F_ENCRYPT = 0x01,	/* prefers encryption (handshake "e") */
	PEX_F_SEED = 0x02,	/* seed or upload_only */
	PEX_F_UTP = 0x04,	/* supports uTP */
	PEX_F_HOLEPUNCH = 0x08,	/* ut_holepunch in its handshake */
	PEX_F_REACHABLE = 0x10,	/* we connected out to it */
};
#define PEX_F_KNOWN		0x1f	/* the rest are reserved: masked off */

enum pex_field {		/* keys of a ut_pex dictionary */
	PEX_ADDED = 1 << 0,
	PEX_ADDED_F = 1 << 1,
	PEX_ADDED6 = 1 << 2,
	PEX_ADDED6_F = 1 << 3,
	PEX_DROPPED = 1 << 4,
	PEX_DROPPED6 = 1 << 5,
};

struct pex_peer {
	struct caddr	addr;	/* port never 0 */
	uint8_t			flags;	/* enum pex_flag; 0 for dropped */
};

/*
 * One decoded message (about 22 KiB: keep it off small stacks).  added
 * holds the usable entries of "added" in order, then those of "added6";
 * dropped likewise.  An IPv4-mapped entry of added6/dropped6 is stored as
 * AF_INET.
 */
struct pex_msg {
	struct pex_peer	added[2 * PEX_MAX_PER_FIELD];
	size_t		nadded;
	struct pex_peer	dropped[2 * PEX_MAX_PER_FIELD];
	size_t		ndropped;
	size_t		skipped;	/* port 0, an unspecified, multicast or
					   broadcast address, a duplicate */
	size_t		ignored;	/* past PEX_MAX_PER_FIELD in a field
					   (not checked for the above) */
	unsigned	present;	/* enum pex_field: keys present */
	unsigned	bad;		/* enum pex_field: wrong type, a length
					   not a multiple of 6 / 18, flags not
					   one byte per address: skipped */
};

/*
 * Decodes a ut_pex body (the payload after the extended id) into *out
 * (zeroed first).  Flags come from added.f / added6.f when each holds one
 * byte per address of its field, masked with PEX_F_KNOWN; otherwise they
 * are 0 and the .f field is counted bad.  A message with none of the four
 * address fields is not an error (BEP 11 forbids sending one, but it does
 * no harm).  Errors, with errbuf saying why: those of extmsg_decode_dict
 * (BT_ERR_FORMAT when the body is not one bencoded dictionary, BT_ERR_LIMIT
 * when it is over EXTMSG_MAX_BODY or too deep, BT_ERR_NOMEM); *out is then
 * empty.
 */
int	pex_decode(const uint8_t *body, size_t len, struct pex_msg *out,
	    char *errbuf, size_t errlen);

/*
 * Appends one ut_pex message to `out' with ext_id, the id the PEER gave
 * ut_pex in its handshake: the first PEX_SEND_MAX entries of added (split
 * into added / added6 by family, flags masked with PEX_F_KNOWN) and the
 * first PEX_SEND_MAX of dropped.  *nadded_out and *ndropped_out (either may
 * be NULL) say how many were taken, so the caller sends the rest in its
 * next message.  Errors: BT_ERR_INVALID for ext_id 0, nothing to send, or
 * an entry the decoder would skip (a family other than AF_INET/AF_INET6,
 * port 0, an unspecified, multicast or broadcast address); those of
 * extmsg_put_frame.  On error nothing is appended and the counts are 0.
 * Duplicates are not looked for: the caller's lists have none.
 */
int	pex_encode(struct bbuf *out, uint8_t ext_id,
	    const struct pex_peer *added, size_t nadded,
	    const struct pex_peer *dropped, size_t ndropped,
	    size_t *nadded_out, size_t *ndropped_out);

#endif
