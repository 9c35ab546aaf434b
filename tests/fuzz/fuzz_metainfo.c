/*
 * libFuzzer target for bencode and metainfo: decodes the input, re-encodes a
 * decoded tree and checks the round trip is stable, then parses the input as
 * a .torrent and checks what a success promises (paths, piece count).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/bencode.h"
#include "engine/metainfo.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* encode(decode(encode(v))) == encode(v): canonical output is a fixpoint. */
static void
round_trip(const struct bencode *v)
{
	struct bencode	*back;
	struct bbuf	 a, b, view;

	bbuf_init(&a, BENCODE_MAX_INPUT);
	bbuf_init(&b, BENCODE_MAX_INPUT);
	if (bencode_encode(v, &a) != BT_OK)
		abort();
	bbuf_view(&view, bbuf_ptr(&a), bbuf_len(&a));
	if (bencode_decode(&view, &back, NULL) != BT_OK)
		abort();
	if (bencode_encode(back, &b) != BT_OK || bbuf_len(&a) != bbuf_len(&b) ||
	    memcmp(bbuf_ptr(&a), bbuf_ptr(&b), bbuf_len(&a)) != 0)
		abort();
	bencode_free(back);
	bbuf_cleanup(&a);
	bbuf_cleanup(&b);
}

static void
check_metainfo(const struct metainfo *m)
{
	uint64_t	sum = 0;
	size_t		i;

	if (m->nfiles == 0 || m->total_length == 0 || m->num_pieces == 0)
		abort();
	for (i = 0; i < m->nfiles; i++) {
		if (m->files[i].offset != sum || m->files[i].path[0] == '/' ||
		    strstr(m->files[i].path, "/../") != NULL ||
		    strstr(m->files[i].path, "//") != NULL)
			abort();
		sum += m->files[i].length;
	}
	if (sum != m->total_length ||
	    metainfo_piece_size(m, m->num_pieces - 1) == 0 ||
	    metainfo_piece_size(m, m->num_pieces) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bencode_err	 err;
	struct bencode		*v;
	struct metainfo		*m;
	struct bbuf		 in;
	char			 msg[256];

	bbuf_view(&in, data, size);
	if (bencode_decode(&in, &v, &err) == BT_OK) {
		round_trip(v);
		bencode_free(v);
	}
	if (metainfo_parse(data, size, &m, msg, sizeof(msg)) == BT_OK) {
		check_metainfo(m);
		metainfo_free(m);
	}
	return 0;
}
