/* Unit tests for src/engine/sha1: FIPS 180 vectors, one-shot and split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "engine/sha1.h"

static const struct {
	const char	*in, *want;
} vectors[] = {
	{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
};

static void
test_vectors(void **state)
{
	uint8_t		 d[SHA1_LEN];
	char		 hex[2 * SHA1_LEN + 1];
	struct sha1	*h;
	size_t		 i, n, cut;

	(void)state;
	assert_non_null(h = sha1_new());
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		n = strlen(vectors[i].in);
		sha1_digest(vectors[i].in, n, d);
		sha1_hex(d, hex);
		assert_string_equal(hex, vectors[i].want);
		/* the same digest fed in two parts, reusing the context */
		cut = n / 3;
		sha1_update(h, vectors[i].in, cut);
		sha1_update(h, vectors[i].in + cut, n - cut);
		sha1_final(h, d);
		sha1_hex(d, hex);
		assert_string_equal(hex, vectors[i].want);
	}
	sha1_free(h);
	sha1_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
	};

	return cmocka_run_group_tests_name("sha1", tests, NULL, NULL);
}
