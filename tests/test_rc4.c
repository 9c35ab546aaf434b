/*
 * Unit tests for src/engine/rc4: the RFC 6229 vectors (7 keys, 18 offsets
 * each), chunked and in-place use, and a seeded comparison with libcrypto's
 * RC4 from OpenSSL 3's legacy provider when that provider can be loaded
 * (skipped otherwise: that is the very reason rc4.c exists).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/provider.h>

#include "engine/rc4.h"
#include "engine/rng.h"

/* RFC 6229 section 2, "Test Vectors for RC4": the keystream (encryption of
 * zeros) at each of these offsets, 16 bytes each. */
static const unsigned offsets[] = {
	0, 16, 240, 256, 496, 512, 752, 768, 1008, 1024, 1520, 1536, 2032,
	2048, 3056, 3072, 4080, 4096,
};
#define NOFF	(sizeof(offsets) / sizeof(offsets[0]))

static const struct {
	const char	*key;
	const char	*at[NOFF];
} vectors[] = {
	{ "0102030405", {
	    "b2396305f03dc027ccc3524a0a1118a8", "6982944f18fc82d589c403a47a0d0919",
	    "28cb1132c96ce286421dcaadb8b69eae", "1cfcf62b03eddb641d77dfcf7f8d8c93",
	    "42b7d0cdd918a8a33dd51781c81f4041", "6459844432a7da923cfb3eb4980661f6",
	    "ec10327bde2beefd18f9277680457e22", "eb62638d4f0ba1fe9fca20e05bf8ff2b",
	    "45129048e6a0ed0b56b490338f078da5", "30abbcc7c20b01609f23ee2d5f6bb7df",
	    "3294f744d8f9790507e70f62e5bbceea", "d8729db41882259bee4f825325f5a130",
	    "1eb14a0c13b3bf47fa2a0ba93ad45b8b", "cc582f8ba9f265e2b1be9112e975d2d7",
	    "f2e30f9bd102ecbf75aaade9bc35c43c", "ec0e11c479dc329dc8da7968fe965681",
	    "068326a2118416d21f9d04b2cd1ca050", "ff25b58995996707e51fbdf08b34d875" } },
	{ "01020304050607", {
	    "293f02d47f37c9b633f2af5285feb46b", "e620f1390d19bd84e2e0fd752031afc1",
	    "914f02531c9218810df60f67e338154c", "d0fdb583073ce85ab83917740ec011d5",
	    "75f81411e871cffa70b90c74c592e454", "0bb87202938dad609e87a5a1b079e5e4",
	    "c2911246b612e7e7b903dfeda1dad866", "32828f91502b6291368de8081de36fc2",
	    "f3b9a7e3b297bf9ad804512f9063eff1", "8ecb67a9ba1f55a5a067e2b026a3676f",
	    "d2aa902bd42d0d7cfd340cd45810529f", "78b272c96e42eab4c60bd914e39d06e3",
	    "f4332fd31a079396ee3cee3f2a4ff049", "05459781d41fda7f30c1be7e1246c623",
	    "adfd3868b8e51485d5e610017e3dd609", "ad26581c0c5be45f4cea01db2f3805d5",
	    "f3172ceffc3b3d997c85ccd5af1a950c", "e74b0b9731227fd37c0ec08a47ddd8b8" } },
	{ "0102030405060708", {
	    "97ab8a1bf0afb96132f2f67258da15a8", "8263efdb45c4a18684ef87e6b19e5b09",
	    "9636ebc9841926f4f7d1f362bddf6e18", "d0a990ff2c05fef5b90373c9ff4b870a",
	    "73239f1db7f41d80b643c0c52518ec63", "163b319923a6bdb4527c626126703c0f",
	    "49d6c8af0f97144a87df21d91472f966", "44173a103b6616c5d5ad1cee40c863d0",
	    "273c9c4b27f322e4e716ef53a47de7a4", "c6d0e7b226259fa9023490b26167ad1d",
	    "1fe8986713f07c3d9ae1c163ff8cf9d3", "8369e1a965610be887fbd0c79162aafb",
	    "0a0127abb44484b9fbef5abcae1b579f", "c2cdadc6402e8ee866e1f37bdb47e42c",
	    "26b51ea37df8e1d6f76fc3b66a7429b3", "bc7683205d4f443dc1f29dda3315c87b",
	    "d5fa5a3469d29aaaf83d23589db8c85b", "3fb46e2c8f0f068edce8cdcd7dfc5862" } },
	{ "0102030405060708090a", {
	    "ede3b04643e586cc907dc21851709902", "03516ba78f413beb223aa5d4d2df6711",
	    "3cfd6cb58ee0fdde640176ad0000044d", "48532b21fb6079c9114c0ffd9c04a1ad",
	    "3e8cea98017109979084b1ef92f99d86", "e20fb49bdb337ee48b8d8dc0f4afeffe",
	    "5c2521eacd7966f15e056544bea0d315", "e067a7031931a246a6c3875d2f678acb",
	    "a64f70af88ae56b6f87581c0e23e6b08", "f449031de312814ec6f319291f4a0516",
	    "bdae85924b3cb1d0a2e33a30c6d79599", "8a0feddbac865a09bcd127fb562ed60a",
	    "b55a0a5b51a12a8be34899c3e047511a", "d9a09cea3ce75fe39698070317a71339",
	    "552225ed1177f44584ac8cfa6c4eb5fc", "7e82cbabfc95381b080998442129c2f8",
	    "1f135ed14ce60a91369d2322bef25e3c", "08b6be45124a43e2eb77953f84dc8553" } },
	{ "0102030405060708090a0b0c0d0e0f10", {
	    "9ac7cc9a609d1ef7b2932899cde41b97", "5248c4959014126a6e8a84f11d1a9e1c",
	    "065902e4b620f6cc36c8589f66432f2b", "d39d566bc6bce3010768151549f3873f",
	    "b6d1e6c4a5e4771cad79538df295fb11", "c68c1d5c559a974123df1dbc52a43b89",
	    "c5ecf88de897fd57fed301701b82a259", "eccbe13de1fcc91c11a0b26c0bc8fa4d",
	    "e7a72574f8782ae26aabcf9ebcd66065", "bdf0324e6083dcc6d3cedd3ca8c53c16",
	    "b40110c4190b5622a96116b0017ed297", "ffa0b514647ec04f6306b892ae661181",
	    "d03d1bc03cd33d70dff9fa5d71963ebd", "8a44126411eaa78bd51e8d87a8879bf5",
	    "fabeb76028ade2d0e48722e46c4615a3", "c05d88abd50357f935a63c59ee537623",
	    "ff38265c1642c1abe8d3c2fe5e572bf8", "a36a4c301ae8ac13610ccbc12256cacc" } },
	{ "0102030405060708090a0b0c0d0e0f101112131415161718", {
	    "0595e57fe5f0bb3c706edac8a4b2db11", "dfde31344a1af769c74f070aee9e2326",
	    "b06b9b1e195d13d8f4a7995c4553ac05", "6bd2378ec341c9a42f37ba79f88a32ff",
	    "e70bce1df7645adb5d2c4130215c3522", "9a5730c7fcb4c9af51ffda89c7f1ad22",
	    "0485055fd4f6f0d963ef5ab9a5476982", "591fc66bcda10e452b03d4551f6b62ac",
	    "2753cc83988afa3e1688a1d3b42c9a02", "93610d523d1d3f0062b3c2a3bbc7c7f0",
	    "96c248610aadedfeaf8978c03de8205a", "0e317b3d1c73b9e9a4688f296d133a19",
	    "bdf0e6c3cca5b5b9d533b69c56ada120", "88a218b6e2ece1e6246d44c759d19b10",
	    "6866397e95c140534f94263421006e40", "32cb0a1e9542c6b3b8b398abc3b0f1d5",
	    "29a0b8aed54a132324c62e423f54b4c8", "3cb0f3b5020a98b82af9fe154484a168" } },
	{ "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20", {
	    "eaa6bd25880bf93d3f5d1e4ca2611d91", "cfa45c9f7e714b54bdfa80027cb14380",
	    "114ae344ded71b35f2e60febad727fd8", "02e1e7056b0f623900496422943e97b6",
	    "91cb93c787964e10d9527d999c6f936b", "49b18b42f8e8367cbeb5ef104ba1c7cd",
	    "87084b3ba700bade955610672745b374", "e7a7b9e9ec540d5ff43bdb12792d1b35",
	    "c799b596738f6b018c76c74b1759bd90", "7fec5bfd9f9b89ce6548309092d7e958",
	    "40f250b26d1f096a4afd4c340a588815", "3e34135c79db010200767651cf263073",
	    "f656abccf88dd827027b2ce917d464ec", "18b62503bfbc077fbabb98f20d98ab34",
	    "8aed95ee5b0dcbfbef4eb21d3a3f52f9", "625a1ab00ee39a5327346bddb01a9c18",
	    "a13a7c79c7e119b5ab0296ab28c300b9", "f3e4c0a2e02d1d01f7f0a74618af2b48" } },
};
#define NVEC	(sizeof(vectors) / sizeof(vectors[0]))

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t		n = 0;
	unsigned	v;

	while (s[0] != '\0' && s[1] != '\0') {
		assert_true(n < max);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* Each vector three ways: one pass over zeros, rc4_discard up to each
 * offset, and 16-byte reads at every offset in turn. */
static void
test_rfc6229(void **state)
{
	uint8_t		key[32], want[16], got[16], zeros[4112];
	uint8_t		stream[4112];
	struct rc4	c;
	size_t		v, k, klen;
	unsigned	pos;

	(void)state;
	memset(zeros, 0, sizeof(zeros));
	for (v = 0; v < NVEC; v++) {
		klen = unhex(vectors[v].key, key, sizeof(key));
		rc4_init(&c, key, klen);
		rc4_crypt(&c, zeros, stream, sizeof(stream));
		for (k = 0; k < NOFF; k++) {
			unhex(vectors[v].at[k], want, sizeof(want));
			if (memcmp(stream + offsets[k], want, 16) != 0)
				fail_msg("key %s offset %u: one pass differs",
				    vectors[v].key, offsets[k]);
			rc4_init(&c, key, klen);
			rc4_discard(&c, offsets[k]);
			rc4_crypt(&c, zeros, got, 16);
			if (memcmp(got, want, 16) != 0)
				fail_msg("key %s offset %u: after discard",
				    vectors[v].key, offsets[k]);
		}
		rc4_init(&c, key, klen);
		for (pos = 0, k = 0; k < NOFF; k++) {
			rc4_discard(&c, offsets[k] - pos);
			memset(got, 0, sizeof(got));
			rc4_crypt(&c, got, got, 16);	/* in place */
			pos = offsets[k] + 16;
			unhex(vectors[v].at[k], want, sizeof(want));
			assert_memory_equal(got, want, 16);
		}
	}
}

/* Chunked use is one stream; decrypting with a fresh state of the same key
 * gives the plaintext back; copying a state forks the stream. */
static void
test_chunks_roundtrip(void **state)
{
	uint8_t		plain[3000], once[3000], chunked[3000], back[3000];
	uint8_t		fork1[64], fork2[64];
	struct rc4	a, b, c;
	uint64_t	seed = 0x5eed6229;
	size_t		pos, n;

	(void)state;
	for (pos = 0; pos < sizeof(plain); pos++)
		plain[pos] = (uint8_t)rng_next(&seed);
	rc4_init(&a, "mse key", 7);
	rc4_crypt(&a, plain, once, sizeof(plain));
	rc4_init(&b, "mse key", 7);
	for (pos = 0; pos < sizeof(plain); pos += n) {
		n = 1 + rng_below(&seed, 97);
		if (n > sizeof(plain) - pos)
			n = sizeof(plain) - pos;
		rc4_crypt(&b, plain + pos, chunked + pos, n);
	}
	assert_memory_equal(once, chunked, sizeof(once));
	assert_memory_not_equal(once, plain, sizeof(once));
	rc4_init(&c, "mse key", 7);
	memcpy(back, once, sizeof(back));
	rc4_crypt(&c, back, back, sizeof(back));
	assert_memory_equal(back, plain, sizeof(plain));
	/* a and b are at the same point: a copy of a continues like b */
	c = a;
	rc4_crypt(&c, plain, fork1, sizeof(fork1));
	rc4_crypt(&b, plain, fork2, sizeof(fork2));
	assert_memory_equal(fork1, fork2, sizeof(fork1));
	/* a 1-byte key and a 256-byte key are both accepted */
	rc4_init(&a, plain, 1);
	rc4_init(&a, plain, RC4_MAX_KEY);
}

/* Against libcrypto's RC4 on random keys and lengths, through a library
 * context of our own so that nothing else in the process sees the legacy
 * provider.  Skipped when it cannot be loaded. */
static void
test_against_libcrypto(void **state)
{
	OSSL_LIB_CTX	*lib = NULL;
	OSSL_PROVIDER	*legacy = NULL;
	EVP_CIPHER	*rc4 = NULL;
	EVP_CIPHER_CTX	*ctx = NULL;
	uint8_t		 key[RC4_MAX_KEY], in[2500], ours[2500], theirs[2500];
	struct rc4	 c;
	uint64_t	 seed = 0x0c4f1d2a3b4c5d6eull;
	size_t		 round, klen, n, k;
	int		 outl, skip = 0;

	(void)state;
	printf("rc4 seed %#llx\n", (unsigned long long)seed);
	if ((lib = OSSL_LIB_CTX_new()) == NULL ||
	    (legacy = OSSL_PROVIDER_load(lib, "legacy")) == NULL ||
	    (rc4 = EVP_CIPHER_fetch(lib, "RC4", NULL)) == NULL) {
		skip = 1;
		goto out;
	}
	assert_non_null(ctx = EVP_CIPHER_CTX_new());
	for (round = 0; round < 200; round++) {
		klen = 1 + rng_below(&seed, RC4_MAX_KEY);
		n = rng_below(&seed, sizeof(in) + 1);
		for (k = 0; k < klen; k++)
			key[k] = (uint8_t)rng_next(&seed);
		for (k = 0; k < n; k++)
			in[k] = (uint8_t)rng_next(&seed);
		assert_int_equal(EVP_EncryptInit_ex2(ctx, rc4, NULL, NULL,
		    NULL), 1);
		assert_int_equal(EVP_CIPHER_CTX_set_key_length(ctx,
		    (int)klen), 1);
		assert_int_equal(EVP_EncryptInit_ex2(ctx, NULL, key, NULL,
		    NULL), 1);
		assert_int_equal(EVP_EncryptUpdate(ctx, theirs, &outl, in,
		    (int)n), 1);
		assert_int_equal((size_t)outl, n);
		rc4_init(&c, key, klen);
		rc4_crypt(&c, in, ours, n);
		if (n > 0 && memcmp(ours, theirs, n) != 0)
			fail_msg("round %zu: key of %zu bytes, %zu bytes differ",
			    round, klen, n);
	}
out:
	EVP_CIPHER_CTX_free(ctx);
	EVP_CIPHER_free(rc4);
	if (legacy != NULL)
		OSSL_PROVIDER_unload(legacy);
	OSSL_LIB_CTX_free(lib);
	if (skip)
		skip();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6229),
		cmocka_unit_test(test_chunks_roundtrip),
		cmocka_unit_test(test_against_libcrypto),
	};

	return cmocka_run_group_tests_name("rc4", tests, NULL, NULL);
}
