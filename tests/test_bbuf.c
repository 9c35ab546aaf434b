/* Unit tests for src/ipc/bbuf: bounds, failed gets consume nothing, growth
 * up to the maximum, views are read-only, offsets for error messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"

/* Putting nothing into a buffer that never grew is fine (and no NULL
 * pointer arithmetic: UBSan would stop here). */
static void
test_put_nothing_into_empty(void **state)
{
	struct bbuf	b;
	uint8_t		x = 7;

	(void)state;
	bbuf_init(&b, 16);
	assert_int_equal(bbuf_put_bytes(&b, &x, 0), BT_OK);
	assert_int_equal(bbuf_len(&b), 0);
	assert_int_equal(bbuf_put_bytes(&b, &x, 1), BT_OK);
	assert_int_equal(bbuf_len(&b), 1);
	bbuf_cleanup(&b);
}

static void
test_get_truncated(void **state)
{
	static const uint8_t	bytes[] = { 0x01, 0x02, 0x03 };
	static const struct {
		const char	*name;
		size_t		 width;
	} cases[] = {
		{ "u32 from 3 bytes", 4 }, { "u64 from 3 bytes", 8 },
	};
	struct bbuf	b;
	uint32_t	v32 = 7;
	uint64_t	v64 = 7;
	size_t		i;
	int		r;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bbuf_view(&b, bytes, sizeof(bytes));
		r = cases[i].width == 4 ? bbuf_get_u32be(&b, &v32) :
		    bbuf_get_u64be(&b, &v64);
		if (r != BT_ERR_INCOMPLETE)
			fail_msg("%s: got %d", cases[i].name, r);
		assert_int_equal(bbuf_len(&b), 3);
	}
	assert_int_equal(v32, 0);
	assert_int_equal(v64, 0);
}

static void
test_big_endian_round_trip(void **state)
{
	struct bbuf	b;
	uint8_t		u8;
	uint16_t	u16;
	uint32_t	u32;
	uint64_t	u64;

	(void)state;
	bbuf_init(&b, 64);
	assert_int_equal(bbuf_put_u8(&b, 0xab), BT_OK);
	assert_int_equal(bbuf_put_u16be(&b, 0x1234), BT_OK);
	assert_int_equal(bbuf_put_u32be(&b, 0xdeadbeef), BT_OK);
	assert_int_equal(bbuf_put_u64be(&b, 0x0102030405060708ull), BT_OK);
	assert_int_equal(bbuf_len(&b), 15);
	assert_memory_equal(bbuf_ptr(&b) + 1, "\x12\x34\xde\xad\xbe\xef", 6);
	assert_int_equal(bbuf_get_u8(&b, &u8), BT_OK);
	assert_int_equal(bbuf_get_u16be(&b, &u16), BT_OK);
	assert_int_equal(bbuf_get_u32be(&b, &u32), BT_OK);
	assert_int_equal(bbuf_get_u64be(&b, &u64), BT_OK);
	assert_int_equal(u8, 0xab);
	assert_int_equal(u16, 0x1234);
	assert_int_equal(u32, 0xdeadbeef);
	assert_true(u64 == 0x0102030405060708ull);
	assert_int_equal(bbuf_len(&b), 0);
	bbuf_cleanup(&b);
}

static void
test_max_is_hard(void **state)
{
	struct bbuf	b;
	uint8_t		chunk[100];
	int		i;

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	bbuf_init(&b, 1000);
	for (i = 0; i < 10; i++)
		assert_int_equal(bbuf_put_bytes(&b, chunk, 100), BT_OK);
	assert_int_equal(bbuf_put_u8(&b, 1), BT_ERR_LIMIT);
	assert_int_equal(bbuf_len(&b), 1000);
	/* consuming frees room again, through compaction */
	assert_int_equal(bbuf_consume(&b, 500), BT_OK);
	assert_int_equal(bbuf_put_bytes(&b, chunk, 100), BT_OK);
	assert_int_equal(bbuf_len(&b), 600);
	bbuf_cleanup(&b);
}

static void
test_view_is_read_only(void **state)
{
	struct bbuf	b;
	uint8_t		*p;

	(void)state;
	bbuf_view(&b, "abc", 3);
	assert_int_equal(bbuf_put_u8(&b, 1), BT_ERR_INVALID);
	assert_int_equal(bbuf_reserve(&b, 1, &p), BT_ERR_INVALID);
	assert_null(p);
	assert_int_equal(bbuf_len(&b), 3);
}

static void
test_split_and_offsets(void **state)
{
	struct bbuf	b, sub;
	size_t		at;
	uint8_t		c;

	(void)state;
	bbuf_view(&b, "hello:world", 11);
	assert_int_equal(bbuf_find(&b, ':', &at), BT_OK);
	assert_int_equal(at, 5);
	assert_int_equal(bbuf_split(&b, 5, &sub), BT_OK);
	assert_int_equal(bbuf_len(&sub), 5);
	assert_int_equal(bbuf_offset(&b), 5);
	assert_int_equal(bbuf_consume(&b, 1), BT_OK);
	assert_int_equal(bbuf_split(&b, 3, &sub), BT_OK);
	assert_int_equal(bbuf_offset(&sub), 6);
	assert_int_equal(bbuf_get_u8(&sub, &c), BT_OK);
	assert_int_equal(c, 'w');
	assert_int_equal(bbuf_offset(&sub), 7);
	assert_int_equal(bbuf_split(&b, 3, &sub), BT_ERR_INCOMPLETE);
	assert_int_equal(bbuf_len(&b), 2);
	assert_int_equal(bbuf_find(&b, 'z', &at), BT_ERR_NOTFOUND);
}

static void
test_reserve_commit_and_putf(void **state)
{
	struct bbuf	b;
	uint8_t		*p;

	(void)state;
	bbuf_init(&b, 32);
	assert_int_equal(bbuf_reserve(&b, 4, &p), BT_OK);
	memcpy(p, "abcd", 4);
	assert_int_equal(bbuf_len(&b), 0);
	assert_int_equal(bbuf_commit(&b, 4), BT_OK);
	assert_int_equal(bbuf_putf(&b, "%d-%s", 42, "x"), BT_OK);
	assert_int_equal(bbuf_len(&b), 8);
	assert_memory_equal(bbuf_ptr(&b), "abcd42-x", 8);
	assert_int_equal(bbuf_reserve(&b, 100, &p), BT_ERR_LIMIT);
	bbuf_cleanup(&b);
	assert_int_equal(bbuf_len(&b), 0);
	assert_null(bbuf_ptr(&b));
}

/* bbuf_mut: in place over the unread bytes of an owned buffer only. */
static void
test_mut_in_place(void **state)
{
	struct bbuf	b, v;
	uint8_t		*p;

	(void)state;
	bbuf_init(&b, 32);
	assert_null(bbuf_mut(&b));
	assert_int_equal(bbuf_put_bytes(&b, "xabc", 4), BT_OK);
	assert_int_equal(bbuf_consume(&b, 1), BT_OK);
	assert_non_null(p = bbuf_mut(&b));
	p[0] = 'A';
	assert_memory_equal(bbuf_ptr(&b), "Abc", 3);
	bbuf_view(&v, "xyz", 3);
	assert_null(bbuf_mut(&v));
	bbuf_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_truncated),
		cmocka_unit_test(test_big_endian_round_trip),
		cmocka_unit_test(test_max_is_hard),
		cmocka_unit_test(test_view_is_read_only),
		cmocka_unit_test(test_split_and_offsets),
		cmocka_unit_test(test_reserve_commit_and_putf),
		cmocka_unit_test(test_put_nothing_into_empty),
		cmocka_unit_test(test_mut_in_place),
	};

	return cmocka_run_group_tests_name("bbuf", tests, NULL, NULL);
}
