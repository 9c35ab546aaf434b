/*
 * storage: the torrent's files laid end to end, addressed by global byte
 * offset = piece * piece_length + begin.  Invariants, checked by
 * storage_open: files[i].offset is the sum of the lengths before it, they
 * add up to total_length (<= INT64_MAX) and num_pieces covers exactly that.
 * This file opens and closes a storage, checks that layout and words the
 * errors.  The descriptors are storage_fd.c's, reads, writes and hashing
 * storage_io.c's, making the directories and files storage_create.c's,
 * the skipped files' bytes storage_parts.c's.
 */
#include "engine/storage_impl.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/metainfo.h"
#include "engine/sha1.h"
#include "ipc/err.h"

/* A remedy for the errors a user can do something about. */
const char *
storage_hint(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
	case EROFS:
		return " (choose a writable download directory)";
	case ENOSPC:
	case EDQUOT:
		return " (free some disk space)";
	case EFBIG:
		return " (the file system or a limit refuses files this big)";
	case ELOOP:
	case ENOTDIR:
		return " (a symlink or file is in the way: move it)";
	default:
		return "";
	}
}

/* Sets s->err to "cannot <verb> <dir>/<rel[0..len)>: <strerror(e)>" and
 * leaves errno at e for the caller's BT_ERR_SYS. */
void
storage_path_error(struct storage *s, const char *verb, const char *rel,
    size_t len, int e)
{
	snprintf(s->err, sizeof(s->err), "cannot %s %s%s%.*s: %s%s", verb,
	    s->dir, s->sep, (int)len, rel, strerror(e), storage_hint(e));
	errno = e;
}

int
storage_file_error(struct storage *s, const char *verb, size_t i, int e)
{
	const char	*path = s->m->files[i].path;

	storage_path_error(s, verb, path, strlen(path), e);
	return BT_ERR_SYS;
}

/* Every component non-empty, not "." nor "..": the metainfo checked this
 * already, but a path that escapes dir must never reach openat. */
static int
path_is_safe(const char *p)
{
	const char	*end;
	size_t		 n;

	if (p == NULL)
		return 0;
	for (;;) {
		end = strchr(p, '/');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (end == NULL)
			return 1;
		p = end + 1;
	}
}

static int
check_files(const struct metainfo *m, char *errbuf, size_t errlen)
{
	const struct metainfo_file *f;
	uint64_t	 sum = 0;
	size_t		 i;

	for (i = 0; i < m->nfiles; i++) {
		f = &m->files[i];
		if (!path_is_safe(f->path)) {
			snprintf(errbuf, errlen, "file %zu: unsafe path \"%s\"",
			    i, f->path != NULL ? f->path : "");
			return BT_ERR_INVALID;
		}
		if (f->offset != sum || f->length > m->total_length - sum) {
			snprintf(errbuf, errlen, "file %zu: offset or length "
			    "does not match the layout", i);
			return BT_ERR_INVALID;
		}
		sum += f->length;
	}
	if (sum != m->total_length) {
		snprintf(errbuf, errlen, "files add up to %llu bytes, not %llu",
		    (unsigned long long)sum,
		    (unsigned long long)m->total_length);
		return BT_ERR_INVALID;
	}
	return BT_OK;
}

static int
check_layout(const struct metainfo *m, char *errbuf, size_t errlen)
{
	uint64_t	want;

	if (m->piece_length == 0 || m->total_length > INT64_MAX ||
	    (m->num_pieces > 0 && m->piece_hashes == NULL) ||
	    (m->nfiles > 0 && m->files == NULL)) {
		snprintf(errbuf, errlen, "metainfo layout is invalid");
		return BT_ERR_INVALID;
	}
	want = (m->total_length + m->piece_length - 1) / m->piece_length;
	if (want != m->num_pieces) {
		snprintf(errbuf, errlen, "%u pieces do not cover %llu bytes",
		    m->num_pieces, (unsigned long long)m->total_length);
		return BT_ERR_INVALID;
	}
	return check_files(m, errbuf, errlen);
}

int
storage_file_stat(struct storage *s, size_t file, uint64_t *size_out,
    int64_t *mtime_out, int64_t *mtime_ns_out)
{
	const char	*path;
	struct stat	 st;

	*size_out = 0;
	*mtime_out = 0;
	if (mtime_ns_out != NULL)
		*mtime_ns_out = 0;
	s->err[0] = '\0';
	if (file >= s->m->nfiles) {
		snprintf(s->err, sizeof(s->err), "file %zu is out of range",
		    file);
		return BT_ERR_RANGE;
	}
	if (is_pad(s->m, file)) {
		/* no file: its full length and a fixed mtime, so that a
		 * resume record keeps matching */
		*size_out = s->m->files[file].length;
		return BT_OK;
	}
	path = s->m->files[file].path;
	if (fstatat(s->dirfd, path, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		/* Not selected, never written: absent on purpose, and
		 * stable like a pad so that a resume record matches. */
		if (errno == ENOENT && s->deferred[file])
			return BT_OK;
		return storage_file_error(s, "stat", file, errno);
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(s->err, sizeof(s->err), "cannot use %s%s%s: not a "
		    "regular file (move it out of the way)", s->dir, s->sep,
		    path);
		return BT_ERR_INVALID;
	}
	*size_out = (uint64_t)st.st_size;
	*mtime_out = (int64_t)st.st_mtim.tv_sec;
	if (mtime_ns_out != NULL)
		*mtime_ns_out = (int64_t)st.st_mtim.tv_nsec;
	return BT_OK;
}

const char *
storage_error(const struct storage *s)
{
	return s->err;
}

static int
storage_alloc(const struct metainfo *m, const char *dir, struct storage **out)
{
	struct storage	*s;
	size_t		 i, len;

	if ((*out = s = calloc(1, sizeof(*s))) == NULL)
		return BT_ERR_NOMEM;
	s->m = m;
	s->dirfd = -1;
	if ((s->dir = strdup(dir)) == NULL ||
	    (s->slot_of = calloc(m->nfiles + 1, sizeof(int))) == NULL ||
	    (s->dirty = calloc(m->nfiles + 1, 1)) == NULL ||
	    (s->deferred = calloc(m->nfiles + 1, 1)) == NULL ||
	    (s->skipped = calloc(m->nfiles + 1, 1)) == NULL)
		return BT_ERR_NOMEM;
	for (i = 0; i < m->nfiles; i++)
		s->slot_of[i] = -1;
	len = strlen(s->dir);
	while (len > 1 && s->dir[len - 1] == '/')
		s->dir[--len] = '\0';
	s->sep = strcmp(s->dir, "/") == 0 ? "" : "/";
	return BT_OK;
}

int
storage_open(const struct metainfo *m, const char *dir, struct storage **out,
    char *errbuf, size_t errlen)
{
	return storage_open_select(m, dir, NULL, out, errbuf, errlen);
}

int
storage_open_select(const struct metainfo *m, const char *dir,
    const uint8_t *create, struct storage **out, char *errbuf, size_t errlen)
{
	struct storage	*s = NULL;
	size_t		 i;
	int		 r, e;

	*out = NULL;
	if (errlen > 0)
		errbuf[0] = '\0';
	if (dir == NULL || *dir == '\0') {
		snprintf(errbuf, errlen, "no download directory given");
		return BT_ERR_INVALID;
	}
	if ((r = check_layout(m, errbuf, errlen)) != BT_OK)
		return r;
	if ((r = storage_alloc(m, dir, &s)) == BT_OK && create != NULL)
		for (i = 0; i < m->nfiles; i++)
			s->deferred[i] = s->skipped[i] = create[i] == 0;
	if (r == BT_OK && (r = storage_open_root(s)) == BT_OK &&
	    (r = storage_create_files(s)) == BT_OK &&
	    (r = storage_parts_open(s)) == BT_OK) {
		*out = s;
		return BT_OK;
	}
	e = errno;
	if (r == BT_ERR_NOMEM)
		snprintf(errbuf, errlen, "out of memory");
	else
		snprintf(errbuf, errlen, "%s", s->err);
	storage_close(s);
	errno = e;
	return r;
}

int
storage_open_twin(const struct storage *s, struct storage **out,
    char *errbuf, size_t errlen)
{
	struct storage	*t = NULL;
	int		 r, e;

	*out = NULL;
	if (errlen > 0)
		errbuf[0] = '\0';
	if ((r = storage_alloc(s->m, s->dir, &t)) == BT_OK) {
		memcpy(t->deferred, s->deferred, s->m->nfiles);
		memcpy(t->skipped, s->skipped, s->m->nfiles);
		memcpy(t->parts_name, s->parts_name, sizeof(t->parts_name));
		r = storage_open_root(t);
	}
	if (r == BT_OK) {
		t->parts = s->parts != NULL ? partfile_ref(s->parts) : NULL;
		*out = t;
		return BT_OK;
	}
	e = errno;
	snprintf(errbuf, errlen, "%s", r == BT_ERR_NOMEM ? "out of memory" :
	    t->err);
	storage_close(t);
	errno = e;
	return r;
}

void
storage_close(struct storage *s)
{
	size_t	i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nslots; i++)
		storage_slot_close(&s->slots[i]);
	if (s->dirfd != -1)
		close(s->dirfd);
	partfile_free(s->parts);
	storage_hash_release(s);
	free(s->dirty);
	free(s->deferred);
	free(s->skipped);
	free(s->slot_of);
	free(s->dir);
	free(s);
}
