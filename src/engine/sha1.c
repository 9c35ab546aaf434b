/*
 * SHA-1 wrappers over EVP.  EVP_Digest* only fail on allocation or engine
 * errors, which leave no sane way on; those abort rather than hand back a
 * digest that silently "verifies" nothing.
 */
#include "sha1.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/evp.h>

struct sha1 {
	EVP_MD_CTX	*ctx;
};

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "bttui: libcrypto %s failed\n", what);
		abort();
	}
}

void
sha1_digest(const void *p, size_t n, uint8_t out[SHA1_LEN])
{
	unsigned int	len = SHA1_LEN;

	check(EVP_Digest(p, n, out, &len, EVP_sha1(), NULL), "EVP_Digest");
}

struct sha1 *
sha1_new(void)
{
	struct sha1	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if ((h->ctx = EVP_MD_CTX_new()) == NULL) {
		free(h);
		return NULL;
	}
	check(EVP_DigestInit_ex(h->ctx, EVP_sha1(), NULL), "DigestInit");
	return h;
}

void
sha1_update(struct sha1 *h, const void *p, size_t n)
{
	check(EVP_DigestUpdate(h->ctx, p, n), "DigestUpdate");
}

void
sha1_final(struct sha1 *h, uint8_t out[SHA1_LEN])
{
	unsigned int	len = SHA1_LEN;

	check(EVP_DigestFinal_ex(h->ctx, out, &len), "DigestFinal");
	check(EVP_DigestInit_ex(h->ctx, EVP_sha1(), NULL), "DigestInit");
}

void
sha1_free(struct sha1 *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void
sha1_hex(const uint8_t digest[SHA1_LEN], char out[2 * SHA1_LEN + 1])
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i;

	for (i = 0; i < SHA1_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xf];
	}
	out[2 * SHA1_LEN] = '\0';
}
