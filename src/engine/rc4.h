/*
 * rc4: the RC4 keystream, for MSE/PE (the BitTorrent message stream
 * encryption), which is the one place bttui meets it.  Our own ~40 lines
 * rather than libcrypto's: OpenSSL 3 moved RC4 into its "legacy" provider,
 * which is not loaded by default and may not be installed at all (distros
 * split it out, FIPS builds leave it out), and loading it would enable every
 * other legacy algorithm in the process too.  RC4 is weak; MSE uses it as
 * obfuscation, not for secrecy, and nothing else in bttui may.
 *
 * Checked against the RFC 6229 test vectors (tests/test_rc4.c).
 */
#ifndef BT_RC4_H
#define BT_RC4_H

#include <stddef.h>
#include <stdint.h>

#define RC4_MAX_KEY	256	/* bytes */

/* Embedded by value (MSE hands two of them to the connection); the members
 * are private: use rc4_*().  Copying one forks the keystream. */
struct rc4 {
	uint8_t	s[256];
	uint8_t	i, j;
};

/* Keys c with key[0..len); 1 <= len <= RC4_MAX_KEY (asserted). */
void	rc4_init(struct rc4 *c, const void *key, size_t len);
/* Drops the next n keystream bytes (MSE drops the first 1024). */
void	rc4_discard(struct rc4 *c, size_t n);
/* out[k] = in[k] ^ keystream, for k < n; in == out is allowed (encrypts or
 * decrypts in place), other overlaps are not. */
void	rc4_crypt(struct rc4 *c, const void *in, void *out, size_t n);

#endif
