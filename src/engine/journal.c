/*
 * journal: the append-only list of flushed pieces (format in journal.h).
 * Stateless: every call opens the file by path, so the worker job that
 * appends and the loop that reads at start share nothing.  The torrent's
 * jobs run one at a time, which is what keeps appends in order.
 */
#include "engine/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"
#include "engine/bitfield.h"

#define JOURNAL_MAGIC		"BTJRNL01"
#define JOURNAL_MAGIC_LEN	8
#define RESUME_SUFFIX_TXT	".resume"

uint32_t
journal_crc32(const void *p, size_t n)
{
	const uint8_t	*s = p;
	uint32_t	 crc = 0xffffffffu;
	size_t		 i;
	int		 k;

	/* Bitwise: a record is at most 16 KiB, written every few seconds. */
	for (i = 0; i < n; i++) {
		crc ^= s[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

int
journal_path(const char *resume_path, char *buf, size_t len)
{
	size_t	n = strlen(resume_path), sl = strlen(RESUME_SUFFIX_TXT);

	if (len > 0)
		buf[0] = '\0';
	if (n >= sl && strcmp(resume_path + n - sl, RESUME_SUFFIX_TXT) == 0)
		n -= sl;
	if (n + strlen(JOURNAL_SUFFIX) + 1 > len)
		return BT_ERR_LIMIT;
	memcpy(buf, resume_path, n);
	memcpy(buf + n, JOURNAL_SUFFIX, strlen(JOURNAL_SUFFIX) + 1);
	return BT_OK;
}

static void
put_u32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The header and/or one record into a new buffer of *len_out bytes. */
static uint8_t *
encode(const uint8_t ih[JOURNAL_HASH_LEN], uint32_t num_pieces,
    const uint32_t *pieces, size_t n, uint32_t flags, int header,
    size_t *len_out)
{
	size_t	 at = 0, i, len = (header ? JOURNAL_HEADER_LEN : 0) + 8 + 4 * n;
	uint8_t	*b;

	if ((b = malloc(len)) == NULL)
		return NULL;
	if (header) {
		memcpy(b, JOURNAL_MAGIC, JOURNAL_MAGIC_LEN);
		memcpy(b + JOURNAL_MAGIC_LEN, ih, JOURNAL_HASH_LEN);
		put_u32be(b + JOURNAL_MAGIC_LEN + JOURNAL_HASH_LEN, num_pieces);
		at = JOURNAL_HEADER_LEN;
	}
	put_u32be(b + at, (uint32_t)n | flags);
	for (i = 0; i < n; i++)
		put_u32be(b + at + 4 + 4 * i, pieces[i]);
	put_u32be(b + at + 4 + 4 * n, journal_crc32(b + at, 4 + 4 * n));
	*len_out = len;
	return b;
}

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	ssize_t	w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return BT_ERR_SYS;
		}
		p += w;
		n -= (size_t)w;
	}
	return BT_OK;
}

/* The new file's name must survive a power loss too. */
static int
sync_parent(const char *path)
{
	char	dir[4096], *slash;
	int	fd, r = BT_OK, saved;

	if (strlen(path) >= sizeof(dir))
		return BT_OK;
	memcpy(dir, path, strlen(path) + 1);
	if ((slash = strrchr(dir, '/')) == NULL)
		memcpy(dir, ".", 2);
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return BT_ERR_SYS;
	if (fsync(fd) == -1)
		r = BT_ERR_SYS;
	saved = errno;
	close(fd);
	errno = saved;
	return r;
}

/* One record of pieces[0..n) with the count's flags; flushed records are
 * fsync()ed, written ones are not and never start a file. */
static int
append(const char *path, const uint8_t ih[JOURNAL_HASH_LEN],
    uint32_t num_pieces, const uint32_t *pieces, size_t n, uint32_t flags)
{
	struct stat	 st;
	uint8_t		*b = NULL;
	size_t		 len, i;
	int		 fd, r, saved;

	if (n > JOURNAL_MAX_BATCH || (n > 0 && pieces == NULL) ||
	    (flags != 0 && n == 0))
		return BT_ERR_INVALID;
	for (i = 0; i < n; i++)
		if (pieces[i] >= num_pieces)
			return BT_ERR_INVALID;
	if ((fd = open(path, O_WRONLY | (flags != 0 ? 0 : O_CREAT) |
	    O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644)) == -1)
		return flags != 0 && errno == ENOENT ? BT_ERR_INVALID :
		    BT_ERR_SYS;
	if (fstat(fd, &st) == -1) {
		r = BT_ERR_SYS;
		goto out;
	}
	if (n == 0 && st.st_size > 0) {
		r = BT_OK;		/* started already: nothing to add */
		goto out;
	}
	if (flags != 0 && st.st_size < JOURNAL_HEADER_LEN) {
		r = BT_ERR_INVALID;
		goto out;
	}
	if ((b = encode(ih, num_pieces, pieces, n, flags, st.st_size == 0,
	    &len)) == NULL) {
		r = BT_ERR_NOMEM;
		goto out;
	}
	if (n == 0)
		len = JOURNAL_HEADER_LEN;	/* the header alone */
	if ((r = write_all(fd, b, len)) != BT_OK || flags != 0)
		goto out;
	if (fsync(fd) == -1) {
		r = BT_ERR_SYS;
		goto out;
	}
	if (st.st_size == 0)
		r = sync_parent(path);
out:
	saved = errno;
	free(b);
	close(fd);
	errno = saved;
	return r;
}

int
journal_append(const char *path, const uint8_t ih[JOURNAL_HASH_LEN],
    uint32_t num_pieces, const uint32_t *pieces, size_t n)
{
	return append(path, ih, num_pieces, pieces, n, 0);
}

int
journal_append_written(const char *path, const uint8_t ih[JOURNAL_HASH_LEN],
    uint32_t num_pieces, const uint32_t *pieces, size_t n)
{
	return append(path, ih, num_pieces, pieces, n, JOURNAL_WRITTEN);
}

/* Reads at most JOURNAL_MAX_BYTES of the regular file at path. */
static int
read_file(const char *path, uint8_t **buf_out, size_t *len_out,
    int *capped_out)
{
	struct stat	 st;
	uint8_t		*b = NULL;
	size_t		 want, got = 0;
	ssize_t		 n;
	int		 fd, r = BT_OK, saved;

	*buf_out = NULL;
	*len_out = 0;
	*capped_out = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return errno == ENOENT ? BT_ERR_NOTFOUND : BT_ERR_SYS;
	if (fstat(fd, &st) == -1) {
		r = BT_ERR_SYS;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = BT_ERR_FORMAT;
		goto out;
	}
	want = (uint64_t)st.st_size > JOURNAL_MAX_BYTES ? JOURNAL_MAX_BYTES :
	    (size_t)st.st_size;
	*capped_out = (uint64_t)st.st_size > JOURNAL_MAX_BYTES;
	if ((b = malloc(want + 1)) == NULL) {
		r = BT_ERR_NOMEM;
		goto out;
	}
	while (got < want) {
		if ((n = read(fd, b + got, want - got)) == -1) {
			if (errno == EINTR)
				continue;
			r = BT_ERR_SYS;
			goto out;
		}
		if (n == 0)
			break;		/* shrank meanwhile */
		got += (size_t)n;
	}
	*buf_out = b;
	*len_out = got;
	b = NULL;
out:
	saved = errno;
	free(b);
	close(fd);
	errno = saved;
	return r;
}

/* One record off in; BT_OK with its pieces' bits set (in bits for a
 * flushed record, in written, unless NULL, for a written one), or any
 * error when the record is torn (nothing is set then). */
static int
read_record(struct bbuf *in, uint32_t num_pieces, uint8_t *bits,
    uint8_t *written, struct journal_stats *st)
{
	const uint8_t	*start = bbuf_ptr(in);
	struct bbuf	 body;
	uint32_t	 count, n, piece, crc, i, *newbits = &st->pieces;
	int		 r;

	if ((r = bbuf_peek_u32be(in, 0, &count)) != BT_OK)
		return r;
	n = count & ~JOURNAL_WRITTEN;
	if (n == 0 || n > JOURNAL_MAX_BATCH)
		return BT_ERR_FORMAT;
	if (bbuf_len(in) < 8 + 4 * (size_t)n)
		return BT_ERR_INCOMPLETE;
	if ((r = bbuf_peek_u32be(in, 4 + 4 * (size_t)n, &crc)) != BT_OK)
		return r;
	if (crc != journal_crc32(start, 4 + 4 * (size_t)n))
		return BT_ERR_FORMAT;
	if ((r = bbuf_split(in, 8 + 4 * (size_t)n, &body)) != BT_OK)
		return r;
	(void)bbuf_consume(&body, 4);
	for (i = 0; i < n; i++) {
		/* A piece out of range under a good checksum is not a tear
		 * but a lie: stop trusting from here on, as for a tear. */
		if ((r = bbuf_peek_u32be(&body, 4 * (size_t)i, &piece)) !=
		    BT_OK || piece >= num_pieces)
			return BT_ERR_FORMAT;
	}
	if (count & JOURNAL_WRITTEN) {
		bits = written;
		newbits = &st->written;
	}
	for (i = 0; i < n && bits != NULL; i++) {
		(void)bbuf_get_u32be(&body, &piece);
		if (!bits_get(bits, piece))
			(*newbits)++;
		bits_set(bits, piece);
	}
	return BT_OK;
}

static int
check_header(struct bbuf *in, const uint8_t ih[JOURNAL_HASH_LEN],
    uint32_t num_pieces)
{
	uint8_t		magic[JOURNAL_MAGIC_LEN], hash[JOURNAL_HASH_LEN];
	uint32_t	n;

	if (bbuf_get_bytes(in, magic, sizeof(magic)) != BT_OK ||
	    bbuf_get_bytes(in, hash, sizeof(hash)) != BT_OK ||
	    bbuf_get_u32be(in, &n) != BT_OK)
		return BT_ERR_FORMAT;
	if (memcmp(magic, JOURNAL_MAGIC, sizeof(magic)) != 0 ||
	    memcmp(hash, ih, sizeof(hash)) != 0 || n != num_pieces)
		return BT_ERR_FORMAT;
	return BT_OK;
}

int
journal_parse(const void *data, size_t len,
    const uint8_t ih[JOURNAL_HASH_LEN], uint32_t num_pieces,
    uint8_t *bitfield, size_t bitfield_len, uint8_t *written,
    struct journal_stats *st_out)
{
	struct bbuf	in;
	int		r;

	memset(st_out, 0, sizeof(*st_out));
	if (bitfield_len < ((size_t)num_pieces + 7) / 8)
		return BT_ERR_INVALID;
	bbuf_view(&in, data, len);
	if ((r = check_header(&in, ih, num_pieces)) != BT_OK)
		return r;
	st_out->valid_bytes = JOURNAL_HEADER_LEN;
	while (bbuf_len(&in) > 0 &&
	    read_record(&in, num_pieces, bitfield, written, st_out) == BT_OK) {
		st_out->records++;
		st_out->valid_bytes = bbuf_offset(&in);
	}
	/* (not bbuf_len: a record with a piece out of range was split off
	 * before the check, and it is a tear all the same) */
	st_out->torn = st_out->valid_bytes < len;
	return BT_OK;
}

int
journal_load(const char *path, const uint8_t ih[JOURNAL_HASH_LEN],
    uint32_t num_pieces, uint8_t *bitfield, size_t bitfield_len,
    uint8_t *written, struct journal_stats *st_out)
{
	uint8_t		*buf;
	size_t		 len;
	int		 capped, r;

	memset(st_out, 0, sizeof(*st_out));
	if (bitfield_len < ((size_t)num_pieces + 7) / 8)
		return BT_ERR_INVALID;
	if ((r = read_file(path, &buf, &len, &capped)) != BT_OK)
		return r;
	r = journal_parse(buf, len, ih, num_pieces, bitfield, bitfield_len,
	    written, st_out);
	if (capped)
		st_out->torn = 1;
	free(buf);
	return r;
}

int
journal_trim(const char *path, uint64_t valid_bytes)
{
	if (valid_bytes < JOURNAL_HEADER_LEN)
		return journal_remove(path);
	if (truncate(path, (off_t)valid_bytes) == -1 && errno != ENOENT)
		return BT_ERR_SYS;
	return BT_OK;
}

int
journal_remove(const char *path)
{
	if (unlink(path) == -1 && errno != ENOENT)
		return BT_ERR_SYS;
	return BT_OK;
}
