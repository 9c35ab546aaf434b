/* Unit tests for src/engine/blockcache: find/get/drop, buffers taken at
 * the first block, reuse, sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "engine/blockcache.h"

/* A piece with its buffer, as when its first block came. */
static struct blockcache_piece *
get_buffered(struct blockcache *c, uint32_t piece, uint32_t size)
{
	struct blockcache_piece	*bp = blockcache_get(c, piece, size);

	assert_non_null(bp);
	assert_non_null(blockcache_buffer(c, bp));
	return bp;
}

static void
test_get_find_drop(void **state)
{
	struct blockcache	*c;
	struct blockcache_piece	*a, *b;
	uint32_t		 i;

	(void)state;
	assert_non_null(c = blockcache_new(65536, 0));
	assert_null(blockcache_find(c, 3));
	assert_non_null(a = blockcache_get(c, 3, 65536));
	assert_int_equal(a->piece, 3);
	assert_non_null(blockcache_buffer(c, a));
	memset(a->data, 0xaa, 65536);
	assert_ptr_equal(blockcache_get(c, 3, 65536), a);
	assert_non_null(b = blockcache_get(c, 9, 1000));	/* last piece */
	assert_int_equal(b->size, 1000);
	assert_null(blockcache_get(c, 10, 65537));		/* too big */
	for (i = 20; i < 60; i++)				/* growth */
		assert_non_null(blockcache_get(c, i, 65536));
	assert_int_equal(blockcache_count(c), 42);
	assert_ptr_equal(blockcache_find(c, 3), a);
	blockcache_drop(c, 3);
	assert_null(blockcache_find(c, 3));
	assert_non_null(blockcache_find(c, 9));
	assert_int_equal(blockcache_count(c), 41);
	blockcache_drop(c, 12345);				/* absent */
	assert_int_equal(blockcache_count(c), 41);
	blockcache_free(c);
	blockcache_free(NULL);
}

static void
test_spares_are_reused(void **state)
{
	struct blockcache	*c;
	struct blockcache_piece	*a;
	uint8_t			*first;
	uint8_t			 zeros[4096];

	(void)state;
	memset(zeros, 0, sizeof(zeros));
	assert_non_null(c = blockcache_new(4096, 1));
	a = get_buffered(c, 1, 4096);
	assert_memory_equal(a->data, zeros, 4096);
	first = a->data;
	memset(a->data, 0xab, 4096);
	blockcache_drop(c, 1);
	assert_int_equal(blockcache_count(c), 0);
	assert_int_equal(blockcache_bytes(c), 4096);	/* one spare kept */
	a = get_buffered(c, 2, 4096);
	assert_ptr_equal(a->data, first);
	/* zeros again: pad blocks (BEP 47) are never written into it */
	assert_memory_equal(a->data, zeros, 4096);
	blockcache_free(c);
}

/* Without pad files a spare is reused as it is: nobody reads the bytes
 * that no block overwrote, and zeroing them was a measurable cost. */
static void
test_spares_not_zeroed_without_pads(void **state)
{
	struct blockcache	*c;
	struct blockcache_piece	*a;
	uint8_t			*first;

	(void)state;
	assert_non_null(c = blockcache_new(4096, 0));
	a = get_buffered(c, 1, 4096);
	first = a->data;
	memset(a->data, 0xab, 4096);
	blockcache_drop(c, 1);
	a = get_buffered(c, 2, 4096);
	assert_ptr_equal(a->data, first);
	assert_int_equal(a->data[0], 0xab);
	assert_int_equal(a->data[4095], 0xab);
	blockcache_free(c);
}

/* Spares: as many as the byte budget allows for the piece size (at least
 * one, at most BLOCKCACHE_SPARE_MAX), reused before new buffers, and all
 * freed by blockcache_trim while the live buffers stay. */
static void
test_spare_budget_and_trim(void **state)
{
	static const struct {
		uint32_t	piece_length;
		size_t		spares;
	} rows[] = {
		{ 16384, BLOCKCACHE_SPARE_MAX },
		{ 1024 * 1024, BLOCKCACHE_SPARE_BYTES / (1024 * 1024) },
		{ 64u * 1024 * 1024, 1 },
	};
	struct blockcache	*c;
	size_t			 i;
	uint32_t		 p, n = 80;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_non_null(c = blockcache_new(rows[i].piece_length, 0));
		for (p = 0; p < n; p++)
			get_buffered(c, p, 100);
		for (p = 1; p < n; p++)		/* piece 0 stays live */
			blockcache_drop(c, p);
		assert_int_equal(blockcache_count(c), 1);
		assert_int_equal(blockcache_bytes(c),
		    (1 + rows[i].spares) * (size_t)rows[i].piece_length);
		get_buffered(c, 500, 100);	/* a spare */
		assert_int_equal(blockcache_bytes(c),
		    (1 + rows[i].spares) * (size_t)rows[i].piece_length);
		blockcache_trim(c);
		assert_int_equal(blockcache_count(c), 2);
		assert_int_equal(blockcache_bytes(c),
		    2 * (size_t)rows[i].piece_length);
		assert_non_null(blockcache_find(c, 0));
		blockcache_free(c);
	}
}

/* A piece asked for holds no buffer: requests in flight cost no memory
 * until a block comes.  The buffer is taken once, and a piece dropped
 * without one leaves no spare. */
static void
test_buffer_at_first_block(void **state)
{
	struct blockcache	*c;
	struct blockcache_piece	*a, *b;
	uint8_t			*buf;

	(void)state;
	assert_non_null(c = blockcache_new(4096, 0));
	assert_non_null(a = blockcache_get(c, 1, 4096));
	assert_non_null(b = blockcache_get(c, 2, 1000));
	assert_null(a->data);
	assert_int_equal(blockcache_count(c), 2);
	assert_int_equal(blockcache_bytes(c), 0);
	assert_non_null(buf = blockcache_buffer(c, a));
	assert_ptr_equal(blockcache_buffer(c, a), buf);
	assert_ptr_equal(a->data, buf);
	assert_int_equal(blockcache_bytes(c), 4096);
	blockcache_drop(c, 2);			/* no buffer: no spare */
	assert_int_equal(blockcache_bytes(c), 4096);
	blockcache_drop(c, 1);			/* its buffer: a spare */
	assert_int_equal(blockcache_count(c), 0);
	assert_int_equal(blockcache_bytes(c), 4096);
	assert_non_null(b = blockcache_get(c, 3, 4096));
	assert_ptr_equal(blockcache_buffer(c, b), buf);
	blockcache_free(c);
}

static int
keep_even(void *arg, uint32_t piece)
{
	(*(int *)arg)++;
	return piece % 2 == 0;
}

static void
test_prune(void **state)
{
	struct blockcache	*c;
	uint32_t		 i;
	int			 calls = 0;

	(void)state;
	assert_non_null(c = blockcache_new(1024, 0));
	for (i = 0; i < 10; i++)
		assert_non_null(blockcache_get(c, i, 1024));
	blockcache_prune(c, keep_even, &calls);
	assert_int_equal(blockcache_count(c), 5);
	assert_true(calls >= 10);
	for (i = 0; i < 10; i++)
		assert_true((blockcache_find(c, i) != NULL) == (i % 2 == 0));
	blockcache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_find_drop),
		cmocka_unit_test(test_spares_are_reused),
		cmocka_unit_test(test_spares_not_zeroed_without_pads),
		cmocka_unit_test(test_spare_budget_and_trim),
		cmocka_unit_test(test_buffer_at_first_block),
		cmocka_unit_test(test_prune),
	};

	return cmocka_run_group_tests_name("blockcache", tests, NULL, NULL);
}
