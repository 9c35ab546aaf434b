/*
 * libFuzzer target for src/engine/magnet.  The input is a magnet link.  A
 * refused link must leave *out NULL and one line of text; an accepted one
 * must hold only bounded, well-formed fields.  Then magnet_format of what
 * was parsed must parse back to the same hash, name and URLs (the URLs it
 * could fit), and formatting that again must give the same bytes.
 */
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/magnet.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

static void
check_fields(const struct magnet *m)
{
	size_t	i;

	CHECK(strlen(m->info_hash_hex) == 40);
	CHECK(m->ntrackers <= MAGNET_MAX_TRACKERS);
	CHECK(m->nwebseeds <= MAGNET_MAX_WEBSEEDS);
	CHECK(m->npeers <= MAGNET_MAX_PEERS);
	CHECK(m->nselect <= MAGNET_MAX_RANGES);
	if (m->name != NULL) {
		CHECK(m->name[0] != '\0' && strlen(m->name) <= MAGNET_MAX_VALUE);
		for (i = 0; m->name[i] != '\0'; i++)
			CHECK((uint8_t)m->name[i] >= 0x20 && m->name[i] != 0x7f);
	}
	for (i = 0; i < m->ntrackers; i++)
		CHECK(strlen(m->trackers[i]) <= MAGNET_MAX_VALUE &&
		    strstr(m->trackers[i], "://") != NULL &&
		    strchr(m->trackers[i], ' ') == NULL);
	for (i = 0; i < m->nwebseeds; i++)
		CHECK(strncasecmp(m->webseeds[i], "http", 4) == 0);
	for (i = 0; i < m->npeers; i++) {
		CHECK(m->peers[i].port != 0);
		CHECK(m->peers[i].family == 0 || m->peers[i].family == AF_INET ||
		    m->peers[i].family == AF_INET6);
		CHECK(strlen(m->peers[i].host) > 0 &&
		    strlen(m->peers[i].host) <= MAGNET_MAX_HOST);
	}
	for (i = 0; i < m->nselect; i++) {
		CHECK(m->select[i].first <= m->select[i].last);
		CHECK(m->select[i].last <= MAGNET_MAX_FILE_INDEX);
		/* sorted, and neither overlapping nor adjacent */
		CHECK(i == 0 || m->select[i - 1].last + 1 < m->select[i].first);
		CHECK(magnet_selects(m, m->select[i].first));
		CHECK(m->select[i].first == 0 ||
		    (i > 0 && m->select[i - 1].last == m->select[i].first - 1) ||
		    !magnet_selects(m, m->select[i].first - 1));
	}
}

/* Each of got[0..ngot) is in want[0..nwant), in the same order. */
static void
check_subsequence(char *const *got, size_t ngot, char *const *want,
    size_t nwant)
{
	size_t	i, j = 0;

	for (i = 0; i < ngot; i++) {
		while (j < nwant && strcmp(got[i], want[j]) != 0)
			j++;
		CHECK(j < nwant);
		j++;
	}
}

static void
format(const struct magnet *m, struct bbuf *out)
{
	bbuf_reset(out);
	CHECK(magnet_format(m->info_hash, m->name,
	    (const char *const *)m->trackers, m->ntrackers,
	    (const char *const *)m->webseeds, m->nwebseeds, out) == BT_OK);
	CHECK(bbuf_len(out) >= 1 && bbuf_len(out) - 1 <= MAGNET_MAX_URI);
}

static void
round_trip(const struct magnet *m)
{
	struct bbuf	 a, b;
	struct magnet	*again = NULL;
	char		 err[256];

	bbuf_init(&a, MAGNET_MAX_URI + 1);
	bbuf_init(&b, MAGNET_MAX_URI + 1);
	format(m, &a);
	CHECK(magnet_parse((const char *)bbuf_ptr(&a), bbuf_len(&a) - 1,
	    &again, err, sizeof(err)) == BT_OK);
	check_fields(again);
	CHECK(memcmp(again->info_hash, m->info_hash, MAGNET_HASH_LEN) == 0);
	CHECK((again->name == NULL) == (m->name == NULL));
	CHECK(m->name == NULL || strcmp(again->name, m->name) == 0);
	check_subsequence(again->trackers, again->ntrackers, m->trackers,
	    m->ntrackers);
	check_subsequence(again->webseeds, again->nwebseeds, m->webseeds,
	    m->nwebseeds);
	CHECK(again->ndropped == 0 && again->npeers == 0 &&
	    again->nselect == 0 && again->nunknown == 0);
	format(again, &b);
	CHECK(bbuf_len(&a) == bbuf_len(&b));
	CHECK(memcmp(bbuf_ptr(&a), bbuf_ptr(&b), bbuf_len(&a)) == 0);
	magnet_free(again);
	bbuf_cleanup(&a);
	bbuf_cleanup(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct magnet	*m = (void *)1;
	char		 err[256];
	int		 r;

	err[0] = '\0';
	r = magnet_parse((const char *)data, size, &m, err, sizeof(err));
	if (r != BT_OK) {
		CHECK(m == NULL);
		CHECK(r == BT_ERR_FORMAT || r == BT_ERR_INVALID ||
		    r == BT_ERR_RANGE || r == BT_ERR_LIMIT);
		CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
		return 0;
	}
	check_fields(m);
	round_trip(m);
	magnet_free(m);
	return 0;
}
