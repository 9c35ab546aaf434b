/* Unit tests for src/engine/senders: the block senders of the pieces
 * verified lately, the oldest forgotten first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ipc/err.h"
#include "engine/senders.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_note_and_get(void **state)
{
	static const uint32_t	a[] = { 7, 7, SENDERS_NOBODY, 9 };
	static const uint32_t	b[] = { 3 };
	static const struct {
		uint32_t	piece, block, want;
	} rows[] = {
		{ 5, 0, 7 }, { 5, 1, 7 }, { 5, 2, SENDERS_NOBODY }, { 5, 3, 9 },
		{ 5, 4, SENDERS_NOBODY },	/* past the piece's blocks */
		{ 6, 0, 3 },
		{ 4, 0, SENDERS_NOBODY },	/* never noted */
	};
	struct senders	*s = senders_new();
	uint32_t	 copy[N(a)];
	size_t		 i;

	(void)state;
	assert_non_null(s);
	memcpy(copy, a, sizeof(a));
	assert_int_equal(senders_note(s, 5, copy, N(copy)), BT_OK);
	memset(copy, 0, sizeof(copy));		/* it kept a copy */
	assert_int_equal(senders_note(s, 6, b, N(b)), BT_OK);
	assert_int_equal(senders_note(s, 8, b, 0), BT_OK);	/* nothing */
	for (i = 0; i < N(rows); i++)
		if (senders_get(s, rows[i].piece, rows[i].block) !=
		    rows[i].want)
			fail_msg("piece %u block %u: got %u, want %u",
			    rows[i].piece, rows[i].block, senders_get(s,
			    rows[i].piece, rows[i].block), rows[i].want);
	assert_int_equal(senders_get(s, 8, 0), SENDERS_NOBODY);
	/* verified again: the newest senders */
	assert_int_equal(senders_note(s, 5, b, N(b)), BT_OK);
	assert_int_equal(senders_get(s, 5, 0), 3);
	assert_int_equal(senders_get(s, 5, 3), SENDERS_NOBODY);
	senders_free(s);
	senders_free(NULL);
}

/* SENDERS_MAX_PIECES are kept; the next one pushes the oldest out, and a
 * piece noted again does not take a second place. */
static void
test_oldest_go(void **state)
{
	struct senders	*s = senders_new();
	uint32_t	 i, id;

	(void)state;
	assert_non_null(s);
	for (i = 0; i < SENDERS_MAX_PIECES; i++) {
		id = 1000 + i;
		assert_int_equal(senders_note(s, i, &id, 1), BT_OK);
	}
	id = 1;
	assert_int_equal(senders_note(s, 0, &id, 1), BT_OK);	/* again */
	assert_int_equal(senders_get(s, 0, 0), 1);
	assert_int_equal(senders_get(s, 1, 0), 1001);
	id = 2;
	assert_int_equal(senders_note(s, SENDERS_MAX_PIECES, &id, 1), BT_OK);
	/* the oldest place (piece 0's, noted again in it) went */
	assert_int_equal(senders_get(s, 0, 0), SENDERS_NOBODY);
	assert_int_equal(senders_get(s, 1, 0), 1001);
	assert_int_equal(senders_get(s, SENDERS_MAX_PIECES, 0), 2);
	assert_int_equal(senders_get(s, SENDERS_MAX_PIECES - 1, 0),
	    1000 + SENDERS_MAX_PIECES - 1);
	senders_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_note_and_get),
		cmocka_unit_test(test_oldest_go),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
