/*
 * storage_parts: where a skipped file's bytes live.  A piece shared with a
 * wanted file is fetched and written whole, but its bytes for a skipped
 * file go to the part file (partfile.h) at that piece's slot, so the
 * skipped file is never created.  Reads of a skipped file come from the
 * part file when the piece has a slot there, else from the file itself: a
 * file wanted earlier and skipped later keeps its data in place (as
 * libtorrent does).  Hashing reads the same way, so such pieces verify.
 *
 * A write to a piece that has bytes in a skipped file goes whole into its
 * slot, its wanted files' bytes too (they also go to their files, and are
 * never read from the slot).  bttui writes only verified pieces, whole, so
 * a slot is a true copy of its piece and can give any file its bytes back,
 * whatever was skipped when it was written: a file wanted again, or found
 * wanted at open (a crash before its bytes were moved, another selection),
 * gets its bytes from the slots, flushed before any slot lets go of them;
 * then slots left with no byte of a skipped file are freed, and an empty
 * part file is deleted.
 */
#include "engine/storage_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/metainfo.h"
#include "engine/partfile.h"
#include "ipc/err.h"

#define MOVE_CHUNK	(256u * 1024)	/* bytes copied per step */

static int
parts_error(struct storage *s, const char *verb, int r)
{
	if (r == BT_ERR_NOMEM)
		snprintf(s->err, sizeof(s->err), "out of memory");
	else if (r == BT_ERR_SYS)
		storage_path_error(s, verb, s->parts_name,
		    strlen(s->parts_name), errno);
	return r;
}

int
storage_parts_read(struct storage *s, size_t i, uint64_t in, uint8_t *dst,
    uint64_t n)
{
	uint64_t	off = s->m->files[i].offset + in;
	uint32_t	piece = (uint32_t)(off / s->m->piece_length);
	uint32_t	at = (uint32_t)(off % s->m->piece_length);
	int		r;

	if (s->parts == NULL)
		return BT_ERR_NOTFOUND;
	r = partfile_read(s->parts, piece, at, dst, (size_t)n);
	if (r == BT_OK || r == BT_ERR_NOTFOUND)
		return r;
	return parts_error(s, "read", r);
}

int
storage_parts_sync(struct storage *s)
{
	int	r;

	if (s->parts == NULL || (r = partfile_sync(s->parts)) == BT_OK)
		return BT_OK;
	return parts_error(s, "sync", r);
}

/* 1 when piece has a byte in a skipped file (pads and empty files have
 * none). */
static int
touches_skipped(const struct storage *s, uint32_t piece)
{
	const struct metainfo	*m = s->m;
	uint64_t		 start = (uint64_t)piece * m->piece_length;
	uint64_t		 end = start + m->piece_length;
	size_t			 i;

	for (i = storage_find_file(m, start);
	    i < m->nfiles && m->files[i].offset < end; i++)
		if (s->skipped[i] && m->files[i].length > 0 &&
		    !(m->files[i].attr & METAINFO_ATTR_PAD))
			return 1;
	return 0;
}

int
storage_parts_write(struct storage *s, uint32_t piece, uint32_t begin,
    const uint8_t *data, size_t len)
{
	int	r;

	if (s->parts == NULL || len == 0 || !touches_skipped(s, piece))
		return BT_OK;
	if ((r = partfile_write(s->parts, piece, begin, data, len)) != BT_OK)
		return parts_error(s, "write", r);
	return BT_OK;
}

/* 1 when file i already holds n bytes equal to want at `at' (a reopen
 * must not rewrite them: a new mtime would spoil the resume record). */
static int
file_has(struct storage *s, size_t i, uint64_t at, const uint8_t *want,
    uint8_t *buf, uint64_t n)
{
	ssize_t	got;
	int	fd;

	if (s->deferred[i] || storage_file_fd(s, i, 0, &fd) != BT_OK)
		return 0;
	while ((got = pread(fd, buf, (size_t)n, (off_t)at)) == -1 &&
	    errno == EINTR)
		;
	return got == (ssize_t)n && memcmp(buf, want, (size_t)n) == 0;
}

/* Copies file i's bytes in piece's slot into the file (made now if it was
 * not), through buf (2 * len bytes). */
static int
copy_out(struct storage *s, size_t i, uint32_t piece, uint8_t *buf,
    size_t len)
{
	const struct metainfo_file *f = &s->m->files[i];
	uint64_t	 ps = (uint64_t)piece * s->m->piece_length;
	uint64_t	 a = ps > f->offset ? ps : f->offset;
	uint64_t	 b = ps + s->m->piece_length, n;
	int		 fd, r;

	if (b > f->offset + f->length)
		b = f->offset + f->length;
	for (; a < b; a += n) {
		n = b - a < len ? b - a : len;
		r = partfile_read(s->parts, piece, (uint32_t)(a - ps), buf,
		    (size_t)n);
		if (r != BT_OK)
			return parts_error(s, "read", r);
		if (file_has(s, i, a - f->offset, buf, buf + len, n))
			continue;
		if ((r = storage_file_fd(s, i, 1, &fd)) != BT_OK ||
		    (r = storage_write_all(s, i, fd, buf, n,
		    a - f->offset)) != BT_OK)
			return r;
	}
	return BT_OK;
}

static void
file_pieces(const struct storage *s, size_t i, uint32_t *first,
    uint32_t *last)
{
	const struct metainfo_file *f = &s->m->files[i];

	*first = (uint32_t)(f->offset / s->m->piece_length);
	*last = (uint32_t)((f->offset + f->length - 1) / s->m->piece_length);
}

/* Wanted files (want[i], or file `only' when want is NULL) get their
 * bytes from the slots. */
static int
copy_files(struct storage *s, const uint8_t *want, size_t only)
{
	const struct metainfo_file *f;
	uint32_t	 p, first, last;
	uint8_t		*buf;
	size_t		 len = MOVE_CHUNK, i;
	int		 r = BT_OK;

	if (len > s->m->piece_length)
		len = s->m->piece_length;
	if ((buf = malloc(2 * len)) == NULL)
		return parts_error(s, "", BT_ERR_NOMEM);
	for (i = 0; i < s->m->nfiles && r == BT_OK; i++) {
		f = &s->m->files[i];
		if ((want != NULL ? !want[i] : i != only) || f->length == 0 ||
		    (f->attr & METAINFO_ATTR_PAD))
			continue;
		file_pieces(s, i, &first, &last);
		for (p = first; p <= last && r == BT_OK; p++)
			if (partfile_has(s->parts, p))
				r = copy_out(s, i, p, buf, len);
	}
	free(buf);
	return r;
}

/* After copy_files: the copies flushed, then the slots of the pieces
 * [first, last] that hold no byte of a skipped file dropped, and the part
 * file deleted if that left it empty. */
static int
drop_slots(struct storage *s, uint32_t first, uint32_t last)
{
	uint32_t	p;
	int		r;

	if ((r = storage_sync(s)) != BT_OK)
		return r;
	for (p = first; p <= last; p++)
		if (partfile_has(s->parts, p) && !touches_skipped(s, p))
			(void)partfile_remove(s->parts, p);
	if ((r = partfile_delete_if_empty(s->parts)) != BT_OK)
		return parts_error(s, "delete", r);
	return BT_OK;
}

int
storage_parts_open(struct storage *s)
{
	uint8_t	*want;
	size_t	 i;
	int	 r;

	partfile_name(s->m->info_hash, s->parts_name, sizeof(s->parts_name));
	if (s->m->num_pieces == 0)
		return BT_OK;		/* no byte to keep anywhere */
	r = partfile_open(s->dirfd, s->parts_name, s->m->num_pieces,
	    s->m->piece_length, &s->parts);
	if (r != BT_OK)
		return parts_error(s, "open", r);
	if (partfile_count(s->parts) == 0) {
		/* left empty (killed before its first sync): best effort, a
		 * read-only directory is no reason to fail */
		(void)partfile_delete_if_empty(s->parts);
		return BT_OK;
	}
	if ((want = malloc(s->m->nfiles + 1)) == NULL)
		return parts_error(s, "", BT_ERR_NOMEM);
	for (i = 0; i < s->m->nfiles; i++)
		want[i] = !s->skipped[i];
	if ((r = copy_files(s, want, 0)) == BT_OK)
		r = drop_slots(s, 0, s->m->num_pieces - 1);
	free(want);
	return r;
}

int
storage_set_skipped(struct storage *s, size_t file, int skipped)
{
	if (file >= s->m->nfiles)
		return BT_ERR_RANGE;
	s->skipped[file] = skipped != 0;
	return BT_OK;
}

int
storage_is_skipped(const struct storage *s, size_t file)
{
	return file < s->m->nfiles && s->skipped[file];
}

int
storage_want_file(struct storage *s, size_t file)
{
	uint32_t	first, last;
	int		r;

	s->err[0] = '\0';
	if (file >= s->m->nfiles)
		return BT_ERR_RANGE;
	if (!s->skipped[file])
		return BT_OK;
	s->skipped[file] = 0;
	if (s->parts == NULL || s->m->files[file].length == 0 ||
	    partfile_count(s->parts) == 0)
		return BT_OK;
	file_pieces(s, file, &first, &last);
	if ((r = copy_files(s, NULL, file)) == BT_OK &&
	    (r = drop_slots(s, first, last)) == BT_OK)
		return BT_OK;
	s->skipped[file] = 1;	/* its bytes are still in the part file */
	return r;
}

int
storage_delete_parts(struct storage *s)
{
	int	r;

	s->err[0] = '\0';
	if (s->parts == NULL || (r = partfile_delete(s->parts)) == BT_OK)
		return BT_OK;
	return parts_error(s, "delete", r);
}
