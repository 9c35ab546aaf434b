/*
 * libFuzzer target for resume_parse: a record that parses obeys the rules of
 * struct resume_record, matches itself, and survives encode -> parse ->
 * encode unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/resume.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_rules(const struct resume_record *r)
{
	size_t	i;

	if (r->num_pieces == 0 || r->nfiles == 0 ||
	    r->nfiles > RESUME_MAX_FILES ||
	    r->bitfield_len != ((uint64_t)r->num_pieces + 7) / 8)
		abort();
	if (r->num_pieces % 8 != 0 &&
	    (r->bitfield[r->bitfield_len - 1] &
	    (0xffu >> (r->num_pieces % 8))) != 0)
		abort();
	for (i = 0; i < r->nfiles; i++) {
		if (r->files[i].size > INT64_MAX || r->files[i].mtime_ns < 0 ||
		    r->files[i].mtime_ns > 999999999)
			abort();
	}
	if (resume_matches(r, r->info_hash, r->num_pieces, r->files,
	    r->nfiles) != 1)
		abort();
}

static void
round_trip(const struct resume_record *r)
{
	struct resume_record	back;
	struct bbuf		a, b;

	bbuf_init(&a, RESUME_MAX_BYTES);
	bbuf_init(&b, RESUME_MAX_BYTES);
	if (resume_encode(r, &a) != BT_OK ||
	    resume_parse(bbuf_ptr(&a), bbuf_len(&a), &back, NULL, 0) != BT_OK ||
	    resume_encode(&back, &b) != BT_OK ||
	    bbuf_len(&a) != bbuf_len(&b) ||
	    memcmp(bbuf_ptr(&a), bbuf_ptr(&b), bbuf_len(&a)) != 0)
		abort();
	resume_record_cleanup(&back);
	bbuf_cleanup(&a);
	bbuf_cleanup(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resume_record	r;
	char			err[256];

	if (resume_parse(data, size, &r, err, sizeof(err)) == BT_OK) {
		check_rules(&r);
		round_trip(&r);
		resume_record_cleanup(&r);
	} else if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
		abort();
	return 0;
}
