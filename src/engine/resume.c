/*
 * resume: encode, parse, save and load the resume record of one torrent.
 * Parsing goes through bencode_decode on a bbuf view and then checks every
 * field; the same check guards resume_save, so whatever is saved loads.
 * Saving is write-temp, fsync, rename, fsync-dir: a crash leaves either the
 * old record or the new one, never a mix.
 */
#include "engine/resume.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/atomicfile.h"
#include "engine/bencode.h"
#include "engine/bitfield.h"
#include "engine/metainfo.h"
#include "ipc/bbuf.h"
#include "ipc/err.h"

#define NSEC_PER_SEC	1000000000
#define READ_CHUNK	65536

static uint64_t
bitfield_bytes_for(uint32_t num_pieces)
{
	return ((uint64_t)num_pieces + 7) / 8;
}

static int
check_files(const struct resume_file *files, size_t nfiles, char *errbuf,
    size_t errlen)
{
	size_t	i;

	if (nfiles == 0 || nfiles > RESUME_MAX_FILES || files == NULL) {
		bt_errf(errbuf, errlen, "%zu files (want 1 to %u)", nfiles,
		    RESUME_MAX_FILES);
		return BT_ERR_INVALID;
	}
	for (i = 0; i < nfiles; i++) {
		if (files[i].size > INT64_MAX) {
			bt_errf(errbuf, errlen, "file %zu: size is too large",
			    i);
			return BT_ERR_INVALID;
		}
		if (files[i].mtime_ns < 0 ||
		    files[i].mtime_ns >= NSEC_PER_SEC) {
			bt_errf(errbuf, errlen, "file %zu: mtime nanoseconds "
			    "%" PRId64 " out of range", i, files[i].mtime_ns);
			return BT_ERR_INVALID;
		}
	}
	return BT_OK;
}

/* The rules of struct resume_record: BT_OK or BT_ERR_INVALID. */
static int
check_record(const struct resume_record *r, char *errbuf, size_t errlen)
{
	uint64_t	want = bitfield_bytes_for(r->num_pieces);
	unsigned	spare;

	if (r->num_pieces == 0) {
		bt_errf(errbuf, errlen, "the piece count is 0");
		return BT_ERR_INVALID;
	}
	if (r->bitfield == NULL || r->bitfield_len != want) {
		bt_errf(errbuf, errlen, "the piece bitfield is %zu bytes, want "
		    "%" PRIu64 " for %" PRIu32 " pieces",
		    r->bitfield == NULL ? 0 : r->bitfield_len, want,
		    r->num_pieces);
		return BT_ERR_INVALID;
	}
	/* BEP 3 layout: the spare bits are the low bits of the last byte. */
	spare = (unsigned)(8 * want - r->num_pieces);
	if ((r->bitfield[want - 1] & ((1u << spare) - 1)) != 0) {
		bt_errf(errbuf, errlen, "spare bits are set in the piece "
		    "bitfield");
		return BT_ERR_INVALID;
	}
	return check_files(r->files, r->nfiles, errbuf, errlen);
}

static int
encode_into(const struct resume_record *r, struct bbuf *b)
{
	const struct resume_file	*f;
	size_t				 i;
	int				 e;

	if ((e = bbuf_putf(b, "d5:filesl")) != BT_OK)
		return e;
	for (i = 0; i < r->nfiles; i++) {
		f = &r->files[i];
		if ((e = bbuf_putf(b, "li%" PRIu64 "ei%" PRId64 "ei%" PRId64
		    "ee", f->size, f->mtime_s, f->mtime_ns)) != BT_OK)
			return e;
	}
	if ((e = bbuf_putf(b, "e9:info hash%d:", RESUME_HASH_LEN)) != BT_OK ||
	    (e = bbuf_put_bytes(b, r->info_hash, RESUME_HASH_LEN)) != BT_OK ||
	    (e = bbuf_putf(b, "10:num piecesi%" PRIu32 "e6:pieces%zu:",
	    r->num_pieces, r->bitfield_len)) != BT_OK ||
	    (e = bbuf_put_bytes(b, r->bitfield, r->bitfield_len)) != BT_OK ||
	    (e = bbuf_putf(b, "7:versioni%de", RESUME_VERSION)) != BT_OK ||
	    (e = bbuf_put_u8(b, 'e')) != BT_OK)
		return e;
	return BT_OK;
}

int
resume_encode(const struct resume_record *r, struct bbuf *out)
{
	struct bbuf	b;
	size_t		max = bbuf_avail(out);
	int		e;

	if (check_record(r, NULL, 0) != BT_OK)
		return BT_ERR_INVALID;
	bbuf_init(&b, max < RESUME_MAX_BYTES ? max : RESUME_MAX_BYTES);
	if ((e = encode_into(r, &b)) == BT_OK)
		e = bbuf_put_bytes(out, bbuf_ptr(&b), bbuf_len(&b));
	bbuf_cleanup(&b);
	return e;
}

/* Lookup of a required key of the given type. */
static const struct bencode *
need(const struct bencode *d, const char *key, enum bencode_type type,
    char *errbuf, size_t errlen)
{
	static const char	*names[] = { "an integer", "a string", "a list",
				    "a dictionary" };
	const struct bencode	*v;

	if ((v = bencode_dict_get_type(d, key, type)) == NULL)
		bt_errf(errbuf, errlen, "\"%s\" is missing or not %s", key,
		    names[type]);
	return v;
}

static int
parse_file(const struct bencode *v, size_t i, struct resume_file *f,
    char *errbuf, size_t errlen)
{
	size_t	k;

	if (v->type != BENCODE_LIST || v->n != 3) {
		bt_errf(errbuf, errlen, "file %zu: want a list of 3 integers",
		    i);
		return BT_ERR_FORMAT;
	}
	for (k = 0; k < 3; k++) {
		if (v->items[k]->type != BENCODE_INT) {
			bt_errf(errbuf, errlen, "file %zu: item %zu is not an "
			    "integer", i, k);
			return BT_ERR_FORMAT;
		}
	}
	if (v->items[0]->i < 0) {
		bt_errf(errbuf, errlen, "file %zu: size %" PRId64
		    " is negative", i, v->items[0]->i);
		return BT_ERR_FORMAT;
	}
	f->size = (uint64_t)v->items[0]->i;
	f->mtime_s = v->items[1]->i;
	f->mtime_ns = v->items[2]->i;
	return BT_OK;
}

static int
parse_files(const struct bencode *list, struct resume_record *out,
    char *errbuf, size_t errlen)
{
	struct resume_file	*files;
	size_t			 i;
	int			 e;

	if (list->n == 0 || list->n > RESUME_MAX_FILES) {
		bt_errf(errbuf, errlen, "%zu files (want 1 to %u)", list->n,
		    RESUME_MAX_FILES);
		return BT_ERR_FORMAT;
	}
	if ((files = calloc(list->n, sizeof(*files))) == NULL)
		return BT_ERR_NOMEM;
	out->files = files;
	out->nfiles = list->n;
	for (i = 0; i < list->n; i++) {
		e = parse_file(list->items[i], i, &files[i], errbuf, errlen);
		if (e != BT_OK)
			return e;
	}
	return BT_OK;
}

static int
parse_header(const struct bencode *d, struct resume_record *out,
    char *errbuf, size_t errlen)
{
	const struct bencode	*ver, *hash, *np;

	if ((ver = need(d, "version", BENCODE_INT, errbuf, errlen)) == NULL)
		return BT_ERR_FORMAT;
	if (ver->i != RESUME_VERSION) {
		bt_errf(errbuf, errlen, "version %" PRId64 ", want %d (written "
		    "by another bttui)", ver->i, RESUME_VERSION);
		return BT_ERR_FORMAT;
	}
	hash = need(d, "info hash", BENCODE_STR, errbuf, errlen);
	if (hash == NULL ||
	    (np = need(d, "num pieces", BENCODE_INT, errbuf, errlen)) == NULL)
		return BT_ERR_FORMAT;
	if (hash->slen != RESUME_HASH_LEN) {
		bt_errf(errbuf, errlen, "\"info hash\" is %zu bytes, want %d",
		    hash->slen, RESUME_HASH_LEN);
		return BT_ERR_FORMAT;
	}
	if (np->i < 1 || np->i > UINT32_MAX) {
		bt_errf(errbuf, errlen, "piece count %" PRId64 " out of range",
		    np->i);
		return BT_ERR_FORMAT;
	}
	memcpy(out->info_hash, hash->s, RESUME_HASH_LEN);
	out->num_pieces = (uint32_t)np->i;
	return BT_OK;
}

/* Fills *out from the decoded tree; *out owns what it holds even on error. */
static int
parse_tree(const struct bencode *d, struct resume_record *out, char *errbuf,
    size_t errlen)
{
	const struct bencode	*pieces, *files;
	uint8_t			*bits;
	int			 e;

	if (d->type != BENCODE_DICT) {
		bt_errf(errbuf, errlen, "not a dictionary");
		return BT_ERR_FORMAT;
	}
	if ((e = parse_header(d, out, errbuf, errlen)) != BT_OK)
		return e;
	if ((pieces = need(d, "pieces", BENCODE_STR, errbuf, errlen)) == NULL ||
	    (files = need(d, "files", BENCODE_LIST, errbuf, errlen)) == NULL)
		return BT_ERR_FORMAT;
	if (d->n != 5) {
		bt_errf(errbuf, errlen, "%zu keys, want 5", d->n);
		return BT_ERR_FORMAT;
	}
	if ((bits = malloc(pieces->slen + 1)) == NULL)
		return BT_ERR_NOMEM;
	memcpy(bits, pieces->s, pieces->slen);
	out->bitfield = bits;
	out->bitfield_len = pieces->slen;
	if ((e = parse_files(files, out, errbuf, errlen)) != BT_OK)
		return e;
	return check_record(out, errbuf, errlen) == BT_OK ? BT_OK :
	    BT_ERR_FORMAT;
}

int
resume_parse(const void *data, size_t len, struct resume_record *out,
    char *errbuf, size_t errlen)
{
	struct bencode_err	 berr;
	struct bencode		*tree = NULL;
	struct bbuf		 in;
	int			 e;

	memset(out, 0, sizeof(*out));
	bt_errf(errbuf, errlen, "%s", "");
	if (len > RESUME_MAX_BYTES) {
		bt_errf(errbuf, errlen, "%zu bytes, over the %u byte limit",
		    len, RESUME_MAX_BYTES);
		return BT_ERR_FORMAT;
	}
	bbuf_view(&in, data, len);
	if ((e = bencode_decode(&in, &tree, &berr)) != BT_OK) {
		bt_errf(errbuf, errlen, "%s", berr.msg);
		return e == BT_ERR_NOMEM ? e : BT_ERR_FORMAT;
	}
	if ((e = parse_tree(tree, out, errbuf, errlen)) != BT_OK)
		resume_record_cleanup(out);
	bencode_free(tree);
	return e;
}

void
resume_record_cleanup(struct resume_record *r)
{
	free((void *)r->bitfield);
	free((void *)r->files);
	memset(r, 0, sizeof(*r));
}

int
resume_matches(const struct resume_record *r,
    const uint8_t info_hash[RESUME_HASH_LEN], uint32_t num_pieces,
    const struct resume_file *current, size_t nfiles)
{
	size_t	i;

	if (memcmp(r->info_hash, info_hash, RESUME_HASH_LEN) != 0 ||
	    r->num_pieces != num_pieces || r->nfiles != nfiles)
		return 0;
	for (i = 0; i < nfiles; i++) {
		if (r->files[i].size != current[i].size ||
		    r->files[i].mtime_s != current[i].mtime_s ||
		    r->files[i].mtime_ns != current[i].mtime_ns)
			return 0;
	}
	return 1;
}

/* Reads all of fd into b; BT_ERR_LIMIT when it holds more than b's max. */
static int
read_all(int fd, struct bbuf *b)
{
	uint8_t	*p, extra;
	size_t	 want;
	ssize_t	 n;

	for (;;) {
		want = bbuf_avail(b) < READ_CHUNK ? bbuf_avail(b) : READ_CHUNK;
		if (want == 0) {
			do
				n = read(fd, &extra, 1);
			while (n == -1 && errno == EINTR);
			return n == 0 ? BT_OK : n > 0 ? BT_ERR_LIMIT :
			    BT_ERR_SYS;
		}
		if (bbuf_reserve(b, want, &p) != BT_OK)
			return BT_ERR_NOMEM;
		while ((n = read(fd, p, want)) == -1 && errno == EINTR)
			;
		if (n == -1)
			return BT_ERR_SYS;
		if (n == 0)
			return BT_OK;
		bbuf_commit(b, (size_t)n);
	}
}

static int
load_fd(int fd, const char *path, struct resume_record *out, char *errbuf,
    size_t errlen)
{
	struct stat	st;
	struct bbuf	b;
	char		msg[256];
	int		e;

	if (fstat(fd, &st) == -1) {
		bt_errf(errbuf, errlen, "cannot stat %s: %s", path,
		    strerror(errno));
		return BT_ERR_SYS;
	}
	if (!S_ISREG(st.st_mode)) {
		bt_errf(errbuf, errlen, "%s: not a regular file", path);
		return BT_ERR_FORMAT;
	}
	bbuf_init(&b, RESUME_MAX_BYTES);
	if ((e = read_all(fd, &b)) == BT_ERR_SYS)
		bt_errf(errbuf, errlen, "cannot read %s: %s", path,
		    strerror(errno));
	else if (e == BT_ERR_NOMEM)
		bt_errf(errbuf, errlen, "cannot read %s: out of memory", path);
	else if (e == BT_ERR_LIMIT) {
		bt_errf(errbuf, errlen, "%s: over the %u byte limit", path,
		    RESUME_MAX_BYTES);
		e = BT_ERR_FORMAT;
	} else if (e == BT_OK &&
	    (e = resume_parse(bbuf_ptr(&b), bbuf_len(&b), out, msg,
	    sizeof(msg))) != BT_OK)
		bt_errf(errbuf, errlen, "%s: %s", path, msg);
	bbuf_cleanup(&b);
	return e;
}

int
resume_load(const char *path, struct resume_record *out, char *errbuf,
    size_t errlen)
{
	int	fd, e, saved;

	memset(out, 0, sizeof(*out));
	bt_errf(errbuf, errlen, "%s", "");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		saved = errno;
		bt_errf(errbuf, errlen, "cannot open %s: %s", path,
		    strerror(saved));
		errno = saved;
		return saved == ENOENT ? BT_ERR_NOTFOUND : BT_ERR_SYS;
	}
	e = load_fd(fd, path, out, errbuf, errlen);
	saved = errno;
	close(fd);
	errno = saved;
	return e;
}

int
resume_save(const char *path, const struct resume_record *r)
{
	struct bbuf	b;
	int		e, saved;

	if (check_record(r, NULL, 0) != BT_OK)
		return BT_ERR_INVALID;
	bbuf_init(&b, RESUME_MAX_BYTES);
	if ((e = encode_into(r, &b)) == BT_OK)
		e = atomicfile_write(path, bbuf_ptr(&b), bbuf_len(&b),
		    ATOMICFILE_REPLACE);
	saved = errno;
	bbuf_cleanup(&b);
	errno = saved;
	return e;
}


/* ---- what to trust at start ---- */

/* a record's bits, which may be missing (NULL: none set) */
static int
bit_is_set(const uint8_t *bits, uint32_t i)
{
	return bits != NULL && bits_get(bits, i);
}

/* Marks in bad every piece that a short or missing file touches. */
static void
mark_short_files(const struct metainfo *m, const uint64_t *sizes,
    uint8_t *bad)
{
	const struct metainfo_file	*f;
	uint64_t			 p, last;
	size_t				 i;

	for (i = 0; i < m->nfiles; i++) {
		f = &m->files[i];
		if ((f->attr & METAINFO_ATTR_PAD) || f->length == 0 ||
		    (sizes[i] != RESUME_SIZE_MISSING && sizes[i] >= f->length))
			continue;
		last = (f->offset + f->length - 1) / m->piece_length;
		for (p = f->offset / m->piece_length;
		    p <= last && p < m->num_pieces; p++)
			bits_set(bad, (uint32_t)p);
	}
}

static void
plan_crash(const struct metainfo *m, const struct resume_start_in *in,
    struct resume_start_out *out)
{
	uint32_t	i;

	/* recheck doubles as the "file short" mask until the loop below. */
	mark_short_files(m, in->sizes, out->recheck);
	for (i = 0; i < m->num_pieces; i++) {
		int rec = bit_is_set(in->record_bits, i);
		int jnl = bit_is_set(in->journal_bits, i);
		int bad = bit_is_set(out->recheck, i);

		bits_clear(out->recheck, i);
		if (!rec && !jnl) {
			if (!bad && bit_is_set(in->written_bits, i)) {
				bits_set(out->recheck, i);
				out->rechecked++;
				out->unflushed++;
			}
			continue;
		}
		if (bad) {
			bits_set(out->recheck, i);
			out->rechecked++;
			continue;
		}
		bits_set(out->have, i);
		if (rec)
			out->from_record++;
		else
			out->from_journal++;
	}
}

void
resume_plan_start(const struct metainfo *m, const struct resume_start_in *in,
    struct resume_start_out *out)
{
	size_t		nbytes = bitfield_bytes_for(m->num_pieces);
	uint32_t	i;

	memset(out->have, 0, nbytes);
	memset(out->recheck, 0, nbytes);
	out->from_record = out->from_journal = out->rechecked = 0;
	out->unflushed = 0;
	if (!in->verify && in->record_clean && in->record_bits != NULL) {
		out->mode = RESUME_START_CLEAN;
		for (i = 0; i < m->num_pieces; i++)
			if (bit_is_set(in->record_bits, i)) {
				bits_set(out->have, i);
				out->from_record++;
			}
		return;
	}
	if (!in->verify &&
	    (in->record_bits != NULL || in->journal_bits != NULL)) {
		out->mode = RESUME_START_CRASH;
		plan_crash(m, in, out);
		return;
	}
	if (!in->verify && !in->had_data) {
		out->mode = RESUME_START_EMPTY;
		return;
	}
	out->mode = RESUME_START_FULL;
	for (i = 0; i < m->num_pieces; i++)
		bits_set(out->recheck, i);
	out->rechecked = m->num_pieces;
}
