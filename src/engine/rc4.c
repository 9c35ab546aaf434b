/*
 * RC4 (the key schedule and the PRGA, as RFC 6229 tests them); see rc4.h
 * for why it is ours and not libcrypto's.  State: a permutation of 0..255
 * and two indices, nothing else.
 */
#include "rc4.h"

#include <assert.h>

void
rc4_init(struct rc4 *c, const void *key, size_t len)
{
	const uint8_t	*k = key;
	unsigned	 n, j = 0;
	uint8_t		 t;

	assert(len >= 1 && len <= RC4_MAX_KEY);
	for (n = 0; n < 256; n++)
		c->s[n] = (uint8_t)n;
	for (n = 0; n < 256; n++) {
		j = (j + c->s[n] + k[n % len]) & 0xff;
		t = c->s[n];
		c->s[n] = c->s[j];
		c->s[j] = t;
	}
	c->i = 0;
	c->j = 0;
}

static uint8_t
next_byte(struct rc4 *c)
{
	uint8_t	t;

	c->i = (uint8_t)(c->i + 1);
	c->j = (uint8_t)(c->j + c->s[c->i]);
	t = c->s[c->i];
	c->s[c->i] = c->s[c->j];
	c->s[c->j] = t;
	return c->s[(uint8_t)(c->s[c->i] + c->s[c->j])];
}

void
rc4_discard(struct rc4 *c, size_t n)
{
	while (n-- > 0)
		(void)next_byte(c);
}

void
rc4_crypt(struct rc4 *c, const void *in, void *out, size_t n)
{
	const uint8_t	*src = in;
	uint8_t		*dst = out;
	uint8_t		*s = c->s;
	unsigned	 i = c->i, j = c->j, ti, tj;
	size_t		 k;

	/* next_byte with i and j in registers: through the struct, every
	 * store to dst could alias them, and RC4 ran at ~90 MiB/s, 89 % of
	 * an encrypted seeder's CPU (`make bench`, case 6) */
	for (k = 0; k < n; k++) {
		i = (i + 1) & 0xff;
		ti = s[i];
		j = (j + ti) & 0xff;
		tj = s[j];
		s[i] = (uint8_t)tj;
		s[j] = (uint8_t)ti;
		dst[k] = src[k] ^ s[(ti + tj) & 0xff];
	}
	c->i = (uint8_t)i;
	c->j = (uint8_t)j;
}
