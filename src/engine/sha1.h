/*
 * sha1: SHA-1 through libcrypto's EVP interface, one-shot or incremental.
 * Used for the info-hash and for verifying pieces.
 */
#ifndef BT_SHA1_H
#define BT_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_LEN	20

struct sha1;

/* One-shot digest of p[0..n) into out. */
void	sha1_digest(const void *p, size_t n, uint8_t out[SHA1_LEN]);

/* Incremental: new/update/final.  sha1_new returns NULL when out of memory;
 * sha1_final writes the digest and resets the context for reuse. */
struct sha1	*sha1_new(void);
void	sha1_update(struct sha1 *h, const void *p, size_t n);
void	sha1_final(struct sha1 *h, uint8_t out[SHA1_LEN]);
void	sha1_free(struct sha1 *h);

/* Lower-case hex of a digest: 40 characters and a NUL. */
void	sha1_hex(const uint8_t digest[SHA1_LEN], char out[2 * SHA1_LEN + 1]);

#endif
