/*
 * info: `bttui --info' (see info.h).
 */
#include "tui/info.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "ipc/fmt.h"
#include "engine/magnet.h"
#include "engine/metainfo.h"
#include "tui/lineprinter.h"

/* Prints s with C0 and C1 controls escaped (lp_unit): names and comments
 * come from torrent files and must not drive the terminal. */
void
info_put_safe(FILE *fp, const char *s)
{
	size_t	left = strlen(s), k, j;
	int	esc;

	while ((k = lp_unit(s, left, &esc)) > 0) {
		for (j = 0; j < k; j++) {
			if (esc)
				fprintf(fp, "\\x%02x", (unsigned char)s[j]);
			else
				fputc(s[j], fp);
		}
		s += k;
		left -= k;
	}
}

static void
print_size(const char *label, uint64_t n)
{
	char	h[FMT_MAX];

	printf("%s: %s (%" PRIu64 " bytes)\n", label, fmt_size(h, sizeof(h), n),
	    n);
}

static void
print_line(const char *label, const char *s)
{
	printf("%s: ", label);
	info_put_safe(stdout, s);
	putchar('\n');
}

static void
print_date(int64_t when)
{
	struct tm	tm;
	time_t		t = (time_t)when;
	char		buf[64];

	if (gmtime_r(&t, &tm) != NULL &&
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm) > 0)
		printf("Creation date: %s\n", buf);
	else
		printf("Creation date: %" PRId64 "\n", when);
}

static void
print_trackers(const struct metainfo *m)
{
	size_t	i, j;

	if (m->ntiers == 0) {
		printf("Trackers: none\n");
		return;
	}
	printf("Trackers:\n");
	for (i = 0; i < m->ntiers; i++) {
		for (j = 0; j < m->tiers[i].n; j++) {
			printf("  Tier %zu: ", i + 1);
			info_put_safe(stdout, m->tiers[i].urls[j]);
			putchar('\n');
		}
	}
}

/* BEP 19 web seeds, after the trackers: both are where data comes from. */
static void
print_webseeds(const struct metainfo *m)
{
	size_t	i;

	if (m->nwebseeds == 0)
		return;
	printf("Web seeds:\n");
	for (i = 0; i < m->nwebseeds; i++) {
		printf("  ");
		info_put_safe(stdout, m->webseeds[i]);
		putchar('\n');
	}
}

/* Real files only: BEP 47 pads are padding, never files a user gets, so
 * they are summed on one line. */
static void
print_files(const struct metainfo *m)
{
	char		h[FMT_MAX];
	uint64_t	pad_bytes = 0;
	size_t		i;

	printf("Files: %zu\n", m->nfiles - m->npads);
	for (i = 0; i < m->nfiles; i++) {
		if (m->files[i].attr & METAINFO_ATTR_PAD) {
			pad_bytes += m->files[i].length;
			continue;
		}
		printf("  ");
		info_put_safe(stdout, m->files[i].path);
		printf(" (%s, %" PRIu64 " bytes)%s\n",
		    fmt_size(h, sizeof(h), m->files[i].length),
		    m->files[i].length, m->files[i].shortened ?
		    " [shortened]" : "");
	}
	if (m->npads > 0)
		printf("Pad files: %zu (%" PRIu64 " bytes of padding)\n",
		    m->npads, pad_bytes);
}

static void	print_magnet_link(const struct metainfo *);

void
info_print_torrent(const struct metainfo *m)
{
	print_line("Name", m->name);
	printf("Info hash: %s\n", m->info_hash_hex);
	print_size("Total size", m->total_length);
	print_size("Piece length", m->piece_length);
	printf("Pieces: %" PRIu32 "\n", m->num_pieces);
	printf("Private: %s\n", m->private_flag ? "yes" : "no");
	if (m->created_by != NULL)
		print_line("Created by", m->created_by);
	if (m->creation_date != 0)
		print_date(m->creation_date);
	if (m->comment != NULL)
		print_line("Comment", m->comment);
	print_trackers(m);
	print_webseeds(m);
	print_files(m);
	if (m->nshortened > 0)
		printf("Note: %zu file path%s had a name over %d bytes, "
		    "shortened as shown\n", m->nshortened,
		    m->nshortened == 1 ? "" : "s", METAINFO_MAX_COMPONENT);
	if (m->trailing_bytes > 0)
		printf("Note: %zu trailing byte%s after the torrent ignored\n",
		    m->trailing_bytes, m->trailing_bytes == 1 ? "" : "s");
	print_magnet_link(m);
}

/* Every client is asked to "copy the magnet link". */
static void
print_magnet_link(const struct metainfo *m)
{
	const char	**urls;
	struct bbuf	  link;
	size_t		  i, j, n = 0;

	for (i = 0; i < m->ntiers; i++)
		n += m->tiers[i].n;
	if ((urls = calloc(n + 1, sizeof(*urls))) == NULL)
		return;
	for (i = 0, n = 0; i < m->ntiers; i++)
		for (j = 0; j < m->tiers[i].n; j++)
			urls[n++] = m->tiers[i].urls[j];
	bbuf_init(&link, MAGNET_MAX_URI + 1);
	if (magnet_format(m->info_hash, m->name, urls, n,
	    (const char *const *)m->webseeds, m->nwebseeds, &link) == BT_OK)
		print_line("Magnet link", (const char *)bbuf_ptr(&link));
	bbuf_cleanup(&link);
	free(urls);
}

/* --info for a magnet link: what it holds, before any metadata. */
void
info_print_magnet(const struct magnet *g)
{
	size_t	i;
	char	addr[64];

	print_line("Name", g->name != NULL ? g->name : "(none given)");
	printf("Info hash: %s\n", g->info_hash_hex);
	if (g->length > 0)
		print_size("Total size", g->length);
	printf("Trackers:%s\n", g->ntrackers == 0 ? " none" : "");
	for (i = 0; i < g->ntrackers; i++) {
		printf("  ");
		info_put_safe(stdout, g->trackers[i]);
		putchar('\n');
	}
	if (g->nwebseeds > 0)
		printf("Web seeds:\n");
	for (i = 0; i < g->nwebseeds; i++) {
		printf("  ");
		info_put_safe(stdout, g->webseeds[i]);
		putchar('\n');
	}
	if (g->npeers > 0)
		printf("Peers:\n");
	for (i = 0; i < g->npeers; i++) {
		snprintf(addr, sizeof(addr), g->peers[i].family == AF_INET6 ?
		    "[%s]:%u" : "%s:%u", g->peers[i].host,
		    (unsigned)g->peers[i].port);
		printf("  ");
		info_put_safe(stdout, addr);
		putchar('\n');
	}
	for (i = 0; i < g->nselect; i++) {
		printf("%s%" PRIu32, i == 0 ? "Selected files (BEP 53, pad "
		    "files counted): " : ",", g->select[i].first + 1);
		if (g->select[i].last > g->select[i].first)
			printf("-%" PRIu32, g->select[i].last + 1);
	}
	if (g->nselect > 0)
		putchar('\n');
	printf("Files: not known until the metadata is fetched from peers\n");
}

