/*
 * magnet: BEP 9 magnet links, parsed and built, without any I/O.
 *
 *   magnet:?xt=urn:btih:HASH&dn=NAME&tr=URL&x.pe=HOST:PORT&ws=URL&so=0,2-4
 *
 * The parser reads a link the user typed or pasted (outside text): every
 * field is bounded, every value is percent-decoded once and checked, and one
 * line in errbuf says what was refused.  Unknown parameters are ignored.
 * magnet_format builds the canonical link of a torrent for --info and the
 * torrent detail; magnet_parse(magnet_format(x)) gives x back.
 */
#ifndef BT_MAGNET_H
#define BT_MAGNET_H

#include <stddef.h>
#include <stdint.h>

struct bbuf;

#define MAGNET_HASH_LEN		20
#define MAGNET_MAX_URI		(64u * 1024)	/* whole link, bytes */
#define MAGNET_MAX_VALUE	4096	/* one decoded parameter value */
#define MAGNET_MAX_TRACKERS	64	/* tr kept; more are dropped */
#define MAGNET_MAX_WEBSEEDS	16	/* ws kept; more are dropped */
#define MAGNET_MAX_PEERS	64	/* x.pe kept; more are dropped */
#define MAGNET_MAX_HOST		253	/* a DNS name, RFC 1035 */
#define MAGNET_MAX_RANGES	256	/* so: ranges after merging */
#define MAGNET_MAX_FILE_INDEX	99999	/* so: METAINFO_MAX_FILES - 1 */

/* One x.pe peer.  A numeric host is decoded; a name is kept as text for
 * the resolver (family 0): the parser never looks a name up. */
struct magnet_peer {
	int		family;		/* AF_INET, AF_INET6, or 0: a name */
	uint8_t		addr[16];	/* network order; 4 bytes for AF_INET */
	uint16_t	port;		/* host order, 1..65535 */
	char		host[MAGNET_MAX_HOST + 1];	/* as written, without
							 * the brackets of a
							 * [V6] address */
};

/* so (BEP 53): files first..last, 0-based, inclusive. */
struct magnet_range {
	uint32_t	first, last;
};

struct magnet {			/* read freely; free with magnet_free */
	uint8_t		 info_hash[MAGNET_HASH_LEN];
	char		 info_hash_hex[2 * MAGNET_HASH_LEN + 1];	/* lower */
	int		 has_v2;	/* a urn:btmh (BEP 52) was ignored */
	char		*name;		/* dn: NULL when absent; control bytes
					 * replaced by '?' */
	char		**trackers;	/* tr: trimmed, deduplicated, in link
					 * order */
	size_t		 ntrackers;
	char		**webseeds;	/* ws: http(s) only, deduplicated */
	size_t		 nwebseeds;
	struct magnet_peer *peers;	/* x.pe: deduplicated */
	size_t		 npeers;
	struct magnet_range *select;	/* so: sorted, merged; NULL: all */
	size_t		 nselect;
	uint64_t	 length;	/* xl: 0 when absent */
	size_t		 ndropped;	/* tr, ws, x.pe past their bound, and
					 * tr or ws that are not URLs */
	size_t		 nunknown;	/* parameters we do not use */
};

/*
 * Parses the magnet link uri[0..len).  Blanks around it (a pasted newline)
 * and a #fragment are ignored.  Keys are matched exactly (xt, dn and tr
 * also numbered, as in "tr.1", the older magnet form); values of the keys
 * we use are percent-decoded ("%3A"), others are not looked at;
 * '+' is a space in dn only (a URL holds no spaces, so in tr and ws it is a
 * literal '+').
 *
 * xt: urn:btih: with 40 hex digits (either case) or 32 base32 characters
 *   (RFC 4648, either case).  Several btih must agree.  urn:btmh (a BEP 52
 *   v2 hash) is ignored beside a btih and refused alone; other urns are
 *   ignored.
 * tr, ws: trimmed of blanks; empty ones are skipped; a value that is not
 *   SCHEME://REST in printable ASCII (ws: http or https) is dropped and
 *   counted in ndropped, as are those past MAGNET_MAX_TRACKERS and
 *   MAGNET_MAX_WEBSEEDS; exact duplicates are skipped.
 * x.pe: IPV4:PORT, [IPV6]:PORT or NAME:PORT (a DNS name: letters, digits,
 *   '-' and '.', labels of 1-63 bytes, its last label not all digits).
 * dn: the first non-empty one; control bytes become '?'.
 * so: "N", "N-M" joined by ','; indexes up to MAGNET_MAX_FILE_INDEX;
 *   several so add up.  They index the torrent's files from 0, in
 *   info.files order (BEP 53).
 * xl: a decimal byte count (the last one wins).
 *
 * On BT_OK *out is new (free with magnet_free).  On failure *out is NULL and
 * errbuf holds one line; the returns are:
 *   BT_ERR_FORMAT: not a magnet link (another scheme, no '?'), a control
 *     byte in it, a bad percent-escape or "%00", no xt=urn:btih, a bad
 *     info-hash, two different info-hashes, a bad x.pe, so or xl;
 *   BT_ERR_RANGE: an so index over MAGNET_MAX_FILE_INDEX;
 *   BT_ERR_INVALID: only a v2 (urn:btmh) info-hash;
 *   BT_ERR_LIMIT: the link is over MAGNET_MAX_URI bytes, a value is over
 *     MAGNET_MAX_VALUE, so has over MAGNET_MAX_RANGES ranges;
 *   BT_ERR_NOMEM.
 */
int	magnet_parse(const char *uri, size_t len, struct magnet **out,
	    char *errbuf, size_t errlen);
/* NULL is a no-op. */
void	magnet_free(struct magnet *m);

/* 1 when file `index' (0-based) is selected by so, or when there is no so;
 * else 0. */
int	magnet_selects(const struct magnet *m, uint32_t index);

/*
 * Appends the canonical link of a torrent and a terminating NUL, which is
 * counted in bbuf_len (when `out' was empty, (const char *)bbuf_ptr(out) is
 * the link):
 *   magnet:?xt=urn:btih:<40 lower-case hex>&dn=NAME&tr=URL...&ws=URL...
 * name (NULL: no dn) and each URL are percent-encoded: every byte but
 * ALPHA, DIGIT and "-._~" becomes %XX.  Trackers and web seeds magnet_parse
 * would drop (not URLs, duplicates, past their bounds) are left out, and so
 * is any that would take the link past MAGNET_MAX_URI; a name is cut (on a
 * UTF-8 boundary) to fit MAGNET_MAX_VALUE.  So the result always parses
 * back to the same hash, name and the URLs written.  Errors: the bbuf put
 * errors (`out' may then hold part of a link).
 */
int	magnet_format(const uint8_t info_hash[MAGNET_HASH_LEN],
	    const char *name, const char *const *trackers, size_t ntrackers,
	    const char *const *webseeds, size_t nwebseeds, struct bbuf *out);

#endif
