/*
 * storage's block I/O: a block or a piece is read or written file after
 * file through pread/pwrite, and hashed in STORAGE_HASH_CHUNK steps.  Pad
 * files (BEP 47) never touch the disk: writes into them are dropped and
 * reads of them are zeros; a skipped file's bytes go to the part file
 * (storage_parts.c).  With direct writes on, the aligned head of a big
 * write goes through the file's O_DIRECT descriptor (storage_fd.c).
 */
#include "engine/storage_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/metainfo.h"
#include "engine/sha1.h"
#include "ipc/err.h"

static uint64_t
piece_size(const struct metainfo *m, uint32_t piece)
{
	uint64_t	start = (uint64_t)piece * m->piece_length;

	if (piece + 1 == m->num_pieces)
		return m->total_length - start;
	return m->piece_length;
}

/*
 * Through the page cache in STORAGE_WRITE_CHUNK steps: measured here, one
 * 1 MiB write costs the kernel several times what eight 128 KiB writes do
 * (page-cache copies of large writes land on cold memory).
 */
int
storage_write_all(struct storage *s, size_t i, int fd, const uint8_t *p,
    uint64_t n, uint64_t at)
{
	ssize_t	w;

	s->dirty[i] = 1;
	while (n > 0) {
		w = pwrite(fd, p, (size_t)(n < STORAGE_WRITE_CHUNK ? n :
		    STORAGE_WRITE_CHUNK), (off_t)at);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return storage_file_error(s, "write", i, errno);
		if (w == 0)
			return storage_file_error(s, "write", i, EIO);
		p += w;
		n -= (uint64_t)w;
		at += (uint64_t)w;
	}
	return BT_OK;
}

void
storage_set_direct(struct storage *s, int on)
{
	s->direct = on != 0;
}

int
storage_direct(const struct storage *s)
{
	return s->direct;
}

uint64_t
storage_direct_bytes(const struct storage *s)
{
	return s->direct_bytes;
}

/*
 * The aligned head of p[0..n) at `at' of file i, written with O_DIRECT
 * when direct writes are on; how much was written goes to *done (0: none,
 * the caller writes it all through the page cache).  A refusal of O_DIRECT
 * (EINVAL, or no such flag here) turns direct writes off; an error of the
 * disk itself (ENOSPC, EIO...) is the write's error.
 */
static int
write_direct(struct storage *s, size_t i, const uint8_t *p, uint64_t n,
    uint64_t at, uint64_t *done)
{
	uint64_t	head = n - n % STORAGE_DIRECT_ALIGN;
	ssize_t		w;
	int		fd;

	*done = 0;
	if (!s->direct || head < STORAGE_DIRECT_MIN ||
	    (uintptr_t)p % STORAGE_DIRECT_ALIGN != 0 ||
	    at % STORAGE_DIRECT_ALIGN != 0)
		return BT_OK;
	if (storage_direct_fd(s, i, &fd) != BT_OK) {
		s->direct = 0;	/* refused: the page cache for every write */
		return BT_OK;
	}
	while (*done < head) {
		w = pwrite(fd, p + *done, (size_t)(head - *done),
		    (off_t)(at + *done));
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1 && errno == EINVAL) {
			s->direct = 0;
			break;
		}
		if (w == -1)
			return storage_file_error(s, "write", i, errno);
		*done += (uint64_t)w;
		/* short, and maybe no longer aligned: the page cache takes
		 * what is left */
		if (w == 0 || w % STORAGE_DIRECT_ALIGN != 0)
			break;
	}
	s->direct_bytes += *done;
	return BT_OK;
}

/* File i's bytes p[0..n) at `at': the aligned head direct when it may,
 * the rest through the page cache. */
static int
write_file(struct storage *s, size_t i, int fd, const uint8_t *p,
    uint64_t n, uint64_t at)
{
	uint64_t	done;
	int		r;

	s->dirty[i] = 1;
	if ((r = write_direct(s, i, p, n, at, &done)) != BT_OK)
		return r;
	if (done == n)
		return BT_OK;
	return storage_write_all(s, i, fd, p + done, n - done, at + done);
}

static int
read_all(struct storage *s, size_t i, int fd, uint8_t *p, uint64_t n,
    uint64_t at)
{
	const char	*path = s->m->files[i].path;
	ssize_t		 got;

	while (n > 0) {
		got = pread(fd, p, (size_t)n, (off_t)at);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			return storage_file_error(s, "read", i, errno);
		if (got == 0) {
			snprintf(s->err, sizeof(s->err), "cannot read %s%s%s: "
			    "it ends at byte %llu, before its length %llu "
			    "(was it truncated?)", s->dir, s->sep, path,
			    (unsigned long long)at,
			    (unsigned long long)s->m->files[i].length);
			errno = EIO;
			return BT_ERR_SYS;
		}
		p += got;
		n -= (uint64_t)got;
		at += (uint64_t)got;
	}
	return BT_OK;
}

/* The file holding byte off (< total_length): the last file starting at or
 * before it, which is never a zero-length one since a non-empty file with
 * the same offset follows it. */
size_t
storage_find_file(const struct metainfo *m, uint64_t off)
{
	size_t	lo = 0, hi = m->nfiles, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (m->files[mid].offset <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Moves n bytes of file i at `in' from src to disk or from disk to dst.
 * A pad file (BEP 47) is known zeros and has no file: a write into it is
 * dropped and a read gives zeros.  A skipped file's bytes went to the
 * part file (storage_write), and come from it when their piece is there
 * (storage_parts.c). */
static int
transfer_file(struct storage *s, size_t i, uint64_t in, const uint8_t *src,
    uint8_t *dst, uint64_t n)
{
	int	fd, r;

	if (is_pad(s->m, i)) {
		if (dst != NULL)
			memset(dst, 0, (size_t)n);
		return BT_OK;
	}
	if (s->skipped[i] && src != NULL)
		return BT_OK;	/* storage_parts_write kept them */
	if (s->skipped[i] && (r = storage_parts_read(s, i, in, dst, n)) !=
	    BT_ERR_NOTFOUND)
		return r;
	if ((r = storage_file_fd(s, i, src != NULL, &fd)) != BT_OK)
		return r;
	if (src != NULL)
		return write_file(s, i, fd, src, n, in);
	return read_all(s, i, fd, dst, n, in);
}

/* Copies len bytes at global offset off from src to disk, or from disk to
 * dst (exactly one of them is non-NULL), file after file. */
static int
transfer(struct storage *s, uint64_t off, const uint8_t *src, uint8_t *dst,
    size_t len)
{
	const struct metainfo_file *f;
	uint64_t	 in, n;
	size_t		 i;
	int		 r;

	for (i = storage_find_file(s->m, off); len > 0 && i < s->m->nfiles;
	    i++) {
		f = &s->m->files[i];
		in = off - f->offset;
		if ((n = f->length - in) > len)
			n = len;
		if (n == 0)
			continue;	/* zero-length file: nothing to open */
		if ((r = transfer_file(s, i, in, src, dst, n)) != BT_OK)
			return r;
		if (src != NULL)
			src += n;
		else
			dst += n;
		off += n;
		len -= (size_t)n;
	}
	return len == 0 ? BT_OK : BT_ERR_RANGE;
}

static int
check_range(struct storage *s, uint32_t piece, uint32_t begin, size_t len,
    uint64_t *off_out)
{
	uint64_t	psize;

	*off_out = 0;
	if (piece >= s->m->num_pieces) {
		snprintf(s->err, sizeof(s->err), "piece %u is out of range "
		    "(the torrent has %u)", piece, s->m->num_pieces);
		return BT_ERR_RANGE;
	}
	psize = piece_size(s->m, piece);
	if (begin > psize || len > psize - begin) {
		snprintf(s->err, sizeof(s->err), "block %u+%zu is outside "
		    "piece %u (%llu bytes)", begin, len, piece,
		    (unsigned long long)psize);
		return BT_ERR_RANGE;
	}
	*off_out = (uint64_t)piece * s->m->piece_length + begin;
	return BT_OK;
}

int
storage_write(struct storage *s, uint32_t piece, uint32_t begin,
    const void *data, size_t len)
{
	uint64_t	off;
	int		r;

	s->err[0] = '\0';
	if ((r = check_range(s, piece, begin, len, &off)) != BT_OK ||
	    (r = storage_parts_write(s, piece, begin, data, len)) != BT_OK)
		return r;
	return transfer(s, off, data, NULL, len);
}

int
storage_read(struct storage *s, uint32_t piece, uint32_t begin, void *buf,
    size_t len)
{
	uint64_t	off;
	int		r;

	s->err[0] = '\0';
	if ((r = check_range(s, piece, begin, len, &off)) != BT_OK)
		return r;
	return transfer(s, off, NULL, buf, len);
}

static int
hash_setup(struct storage *s)
{
	size_t	want = STORAGE_HASH_CHUNK;

	if (want > s->m->piece_length)
		want = s->m->piece_length;
	if (s->buf == NULL) {
		if ((s->buf = malloc(want)) == NULL)
			return BT_ERR_NOMEM;
		s->buflen = want;
	}
	if (s->sha == NULL && (s->sha = sha1_new()) == NULL)
		return BT_ERR_NOMEM;
	return BT_OK;
}

void
storage_hash_release(struct storage *s)
{
	free(s->buf);
	s->buf = NULL;
	s->buflen = 0;
	sha1_free(s->sha);
	s->sha = NULL;
}

int
storage_hash_piece(struct storage *s, uint32_t piece, uint8_t out[20])
{
	uint8_t		scratch[SHA1_LEN];
	uint64_t	off, left;
	size_t		n;
	int		r;

	memset(out, 0, SHA1_LEN);
	s->err[0] = '\0';
	if ((r = check_range(s, piece, 0, 0, &off)) != BT_OK)
		return r;
	if ((r = hash_setup(s)) != BT_OK) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return r;
	}
	for (left = piece_size(s->m, piece); left > 0; left -= n) {
		n = left < s->buflen ? (size_t)left : s->buflen;
		if ((r = transfer(s, off, NULL, s->buf, n)) != BT_OK) {
			sha1_final(s->sha, scratch);	/* resets it */
			return r;
		}
		sha1_update(s->sha, s->buf, n);
		off += n;
	}
	sha1_final(s->sha, out);
	return BT_OK;
}

int
storage_verify_piece(struct storage *s, uint32_t piece)
{
	uint8_t	got[SHA1_LEN];
	int	r;

	if ((r = storage_hash_piece(s, piece, got)) != BT_OK)
		return r;
	if (memcmp(got, s->m->piece_hashes + (size_t)piece * SHA1_LEN,
	    SHA1_LEN) != 0) {
		snprintf(s->err, sizeof(s->err), "piece %u does not match its "
		    "hash", piece);
		return BT_ERR_HASH;
	}
	return BT_OK;
}

int
storage_check_buffer(const struct metainfo *m, uint32_t piece,
    const void *data, size_t len)
{
	uint8_t	got[SHA1_LEN];

	if (piece >= m->num_pieces || len != piece_size(m, piece))
		return BT_ERR_RANGE;
	sha1_digest(data, len, got);
	if (memcmp(got, m->piece_hashes + (size_t)piece * SHA1_LEN,
	    SHA1_LEN) != 0)
		return BT_ERR_HASH;
	return BT_OK;
}

size_t
storage_piece_spans(const struct storage *s, uint32_t piece,
    struct storage_span *out, size_t max)
{
	const struct metainfo	*m = s->m;
	uint64_t		 off, left, in, n;
	size_t			 i, count = 0;

	if (piece >= m->num_pieces)
		return 0;
	off = (uint64_t)piece * m->piece_length;
	left = piece_size(m, piece);
	for (i = storage_find_file(m, off); left > 0 && i < m->nfiles; i++) {
		in = off - m->files[i].offset;
		if ((n = m->files[i].length - in) > left)
			n = left;
		if (n == 0)
			continue;
		if (count < max) {
			out[count].file = i;
			out[count].file_offset = in;
			out[count].length = n;
		}
		count++;
		off += n;
		left -= n;
	}
	return count;
}
