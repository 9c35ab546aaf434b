/*
 * partfile: whole-piece slots in one file (layout and rules in partfile.h).
 * In memory, slot_of[piece] is its slot + 1 (0: none) and slots[s] says
 * what slot s holds: a piece, nothing (its number is on the free stack),
 * or nothing since the last sync (pending: the index on disk may still
 * name its old piece, so it is not reused before the next sync).  nslots
 * slots exist; the file always has room for all of them.
 */
#include "engine/partfile.h"

#include <sys/select.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipc/bbuf.h"
#include "ipc/err.h"

#define PARTFILE_MAGIC		"BTTUIPRT"
#define PARTFILE_MAGIC_LEN	8
#define PARTFILE_HEADER_LEN	24	/* magic, version, plen, pieces, n */
#define PARTFILE_ALIGN		4096u	/* where the slots begin */

enum slot_state {
	SLOT_FREE = 0,
	SLOT_USED,
	SLOT_PENDING		/* freed since the last sync */
};

struct pslot {
	uint32_t	piece;
	uint8_t		state;		/* enum slot_state */
};

struct partfile {
	pthread_mutex_t	 lock;
	unsigned	 refs;
	int		 dirfd;
	int		 fd;		/* -1: no file of ours open */
	int		 writable;	/* fd is O_RDWR */
	char		 name[PARTFILE_NAME_LEN];
	uint32_t	 num_pieces, piece_length;
	uint64_t	 data_off;	/* D in partfile.h */
	uint32_t	*slot_of;	/* num_pieces, or NULL while empty */
	struct pslot	*slots;		/* cap of them */
	uint32_t	*free;		/* stack of SLOT_FREE slots, cap */
	uint32_t	 cap, nslots, nfree, used;
	int		 dirty_data;	/* slot bytes written since sync */
	int		 dirty_index;	/* the index changed since sync */
	int		 syncing;	/* partfile_sync has dropped the lock */
	const char	*ignored;	/* why the file at open was not used */
};

void
partfile_name(const uint8_t info_hash[20], char *buf, size_t len)
{
	char	hex[41];
	size_t	i;

	for (i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", info_hash[i]);
	snprintf(buf, len, PARTFILE_NAME_FMT, hex);
}

/* Descriptors above FD_SETSIZE when the limit allows: the engine's
 * select() needs the low ones for sockets (as storage does).  Closes fd
 * when it moved it. */
static int
move_high(int fd)
{
	int	hi;

	if (fd < 0 || fd >= FD_SETSIZE ||
	    (hi = fcntl(fd, F_DUPFD_CLOEXEC, FD_SETSIZE)) == -1)
		return fd;
	close(fd);
	return hi;
}

/* A close-on-exec copy of fd, high if it can be; -1 with errno. */
static int
dup_high(int fd)
{
	int	d;

	if ((d = fcntl(fd, F_DUPFD_CLOEXEC, FD_SETSIZE)) != -1)
		return d;
	return fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

static uint64_t
slot_offset(const struct partfile *pf, uint32_t slot)
{
	return pf->data_off + (uint64_t)slot * pf->piece_length;
}

/* Room for slots 0..n-1 (n <= num_pieces). */
static int
grow_slots(struct partfile *pf, uint32_t n)
{
	struct pslot	*s;
	uint32_t	*f, cap = pf->cap ? pf->cap : 16;

	if (n <= pf->cap)
		return BT_OK;
	assert(n <= pf->num_pieces);
	while (cap < n)
		cap = cap > pf->num_pieces / 2 ? pf->num_pieces : cap * 2;
	if (cap > pf->num_pieces)
		cap = pf->num_pieces;
	if ((s = realloc(pf->slots, cap * sizeof(*s))) == NULL)
		return BT_ERR_NOMEM;
	pf->slots = s;
	if ((f = realloc(pf->free, cap * sizeof(*f))) == NULL)
		return BT_ERR_NOMEM;
	pf->free = f;
	memset(pf->slots + pf->cap, 0, (cap - pf->cap) * sizeof(*s));
	pf->cap = cap;
	return BT_OK;
}

static int
ensure_map(struct partfile *pf)
{
	if (pf->slot_of == NULL &&
	    (pf->slot_of = calloc(pf->num_pieces, sizeof(uint32_t))) == NULL)
		return BT_ERR_NOMEM;
	return BT_OK;
}

/* Forgets every slot (the file is gone or not ours). */
static void
forget_slots(struct partfile *pf)
{
	if (pf->slot_of != NULL)
		memset(pf->slot_of, 0, pf->num_pieces * sizeof(uint32_t));
	pf->nslots = pf->nfree = pf->used = 0;
	pf->dirty_data = pf->dirty_index = 0;
}

static int
pread_all(int fd, void *buf, size_t n, uint64_t at)
{
	uint8_t	*p = buf;
	ssize_t	 got;

	while (n > 0) {
		got = pread(fd, p, n, (off_t)at);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			return BT_ERR_SYS;
		if (got == 0) {
			errno = EIO;	/* cut short behind our back */
			return BT_ERR_SYS;
		}
		p += got;
		n -= (size_t)got;
		at += (uint64_t)got;
	}
	return BT_OK;
}

static int
pwrite_all(int fd, const void *buf, size_t n, uint64_t at)
{
	const uint8_t	*p = buf;
	ssize_t		 w;

	while (n > 0) {
		w = pwrite(fd, p, n, (off_t)at);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return BT_ERR_SYS;
		if (w == 0) {
			errno = EIO;
			return BT_ERR_SYS;
		}
		p += w;
		n -= (size_t)w;
		at += (uint64_t)w;
	}
	return BT_OK;
}

static int
fsync_fd(int fd)
{
	int	r;

	while ((r = fsync(fd)) == -1 && errno == EINTR)
		;
	return r == -1 ? BT_ERR_SYS : BT_OK;
}

/* Checks the header against our layout; the slot count on success. */
static const char *
check_header(const struct partfile *pf, const uint8_t *hdr, uint64_t size,
    uint32_t *count_out)
{
	struct bbuf	in;
	uint8_t		magic[PARTFILE_MAGIC_LEN];
	uint32_t	version, plen, npieces, count;

	*count_out = 0;
	bbuf_view(&in, hdr, PARTFILE_HEADER_LEN);
	if (bbuf_get_bytes(&in, magic, sizeof(magic)) != BT_OK ||
	    bbuf_get_u32be(&in, &version) != BT_OK ||
	    bbuf_get_u32be(&in, &plen) != BT_OK ||
	    bbuf_get_u32be(&in, &npieces) != BT_OK ||
	    bbuf_get_u32be(&in, &count) != BT_OK)
		return "too short";
	if (memcmp(magic, PARTFILE_MAGIC, PARTFILE_MAGIC_LEN) != 0)
		return "bad magic";
	if (version != PARTFILE_VERSION)
		return "unknown version";
	if (plen != pf->piece_length || npieces != pf->num_pieces)
		return "made for another piece layout";
	if (count > pf->num_pieces || slot_offset(pf, count) > size)
		return "slot count past the end of the file";
	*count_out = count;
	return NULL;
}

/* Takes the index's entries; a piece out of range or held by a lower slot
 * leaves its slot free. */
static void
take_index(struct partfile *pf, const uint8_t *idx, uint32_t count)
{
	struct bbuf	in;
	uint32_t	s, e;

	bbuf_view(&in, idx, (size_t)count * 4);
	for (s = 0; s < count; s++) {
		(void)bbuf_get_u32be(&in, &e);
		if (e == 0 || e > pf->num_pieces || pf->slot_of[e - 1] != 0) {
			pf->free[pf->nfree++] = s;
			continue;
		}
		pf->slots[s].piece = e - 1;
		pf->slots[s].state = SLOT_USED;
		pf->slot_of[e - 1] = s + 1;
		pf->used++;
	}
	pf->nslots = count;
}

/* Reads the header and index of the open file pf->fd; NULL when taken,
 * else why not. */
static const char *
load(struct partfile *pf)
{
	uint8_t		 hdr[PARTFILE_HEADER_LEN], *idx = NULL;
	struct stat	 st;
	uint32_t	 count;
	const char	*why;

	if (fstat(pf->fd, &st) == -1)
		return "cannot stat it";
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if ((uint64_t)st.st_size < PARTFILE_HEADER_LEN ||
	    pread_all(pf->fd, hdr, sizeof(hdr), 0) != BT_OK)
		return "too short";
	if ((why = check_header(pf, hdr, (uint64_t)st.st_size, &count)))
		return why;
	if (count == 0)
		return NULL;
	if (ensure_map(pf) != BT_OK || grow_slots(pf, count) != BT_OK ||
	    (idx = malloc((size_t)count * 4)) == NULL)
		why = "out of memory";
	else if (pread_all(pf->fd, idx, (size_t)count * 4,
	    PARTFILE_HEADER_LEN) != BT_OK)
		why = "cannot read its index";
	else
		take_index(pf, idx, count);
	free(idx);
	return why;
}

/* Opens the file if it is there and takes its index, or notes why not. */
static void
open_existing(struct partfile *pf)
{
	int	fd;

	fd = openat(pf->dirfd, pf->name, O_RDWR | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (fd != -1)
		pf->writable = 1;
	else if (errno == EACCES || errno == EPERM || errno == EROFS)
		fd = openat(pf->dirfd, pf->name, O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		if (errno != ENOENT)
			pf->ignored = "cannot open it";
		return;
	}
	pf->fd = move_high(fd);
	if ((pf->ignored = load(pf)) != NULL) {
		close(pf->fd);
		pf->fd = -1;
		pf->writable = 0;
		forget_slots(pf);
	}
}

int
partfile_open(int dirfd, const char *name, uint32_t num_pieces,
    uint32_t piece_length, struct partfile **out)
{
	struct partfile	*pf;
	uint64_t	 idx_end;

	*out = NULL;
	if (num_pieces == 0 || piece_length == 0 ||
	    strlen(name) >= PARTFILE_NAME_LEN)
		return BT_ERR_INVALID;
	if ((pf = calloc(1, sizeof(*pf))) == NULL)
		return BT_ERR_NOMEM;
	if (pthread_mutex_init(&pf->lock, NULL) != 0) {
		free(pf);
		return BT_ERR_NOMEM;
	}
	pf->refs = 1;
	pf->fd = -1;
	snprintf(pf->name, sizeof(pf->name), "%s", name);
	pf->num_pieces = num_pieces;
	pf->piece_length = piece_length;
	idx_end = PARTFILE_HEADER_LEN + (uint64_t)num_pieces * 4;
	pf->data_off = (idx_end + PARTFILE_ALIGN - 1) / PARTFILE_ALIGN *
	    PARTFILE_ALIGN;
	if ((pf->dirfd = dup_high(dirfd)) == -1) {
		partfile_free(pf);
		return BT_ERR_SYS;
	}
	open_existing(pf);
	*out = pf;
	return BT_OK;
}

struct partfile *
partfile_ref(struct partfile *pf)
{
	pthread_mutex_lock(&pf->lock);
	pf->refs++;
	pthread_mutex_unlock(&pf->lock);
	return pf;
}

void
partfile_free(struct partfile *pf)
{
	unsigned	left;

	if (pf == NULL)
		return;
	pthread_mutex_lock(&pf->lock);
	left = --pf->refs;
	pthread_mutex_unlock(&pf->lock);
	if (left > 0)
		return;
	if (pf->fd != -1)
		close(pf->fd);
	if (pf->dirfd != -1)
		close(pf->dirfd);
	pthread_mutex_destroy(&pf->lock);
	free(pf->slot_of);
	free(pf->slots);
	free(pf->free);
	free(pf);
}

const char *
partfile_ignored(const struct partfile *pf)
{
	return pf->ignored;
}

static int
check_block(const struct partfile *pf, uint32_t piece, uint32_t offset,
    size_t len)
{
	if (piece >= pf->num_pieces || offset > pf->piece_length ||
	    len > pf->piece_length - offset)
		return BT_ERR_RANGE;
	return BT_OK;
}

/* The header with an index of every slot, as the file should hold it. */
static int
encode_index(const struct partfile *pf, struct bbuf *out)
{
	uint32_t	s;
	int		r;

	if ((r = bbuf_put_bytes(out, PARTFILE_MAGIC,
	    PARTFILE_MAGIC_LEN)) != BT_OK ||
	    (r = bbuf_put_u32be(out, PARTFILE_VERSION)) != BT_OK ||
	    (r = bbuf_put_u32be(out, pf->piece_length)) != BT_OK ||
	    (r = bbuf_put_u32be(out, pf->num_pieces)) != BT_OK ||
	    (r = bbuf_put_u32be(out, pf->nslots)) != BT_OK)
		return r;
	for (s = 0; s < pf->nslots && r == BT_OK; s++)
		r = bbuf_put_u32be(out, pf->slots[s].state == SLOT_USED ?
		    pf->slots[s].piece + 1 : 0);
	return r;
}

/* Makes the file (replacing one not trusted) with an empty index, so that
 * even a crash right away leaves a file that opens. */
static int
create_file(struct partfile *pf)
{
	struct bbuf	hdr;
	struct stat	st;
	int		fd, r, e;

	assert(pf->nslots == 0);
	fd = openat(pf->dirfd, pf->name, O_RDWR | O_CREAT | O_TRUNC |
	    O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
	if (fd == -1)
		return BT_ERR_SYS;
	if (fstat(fd, &st) == -1)
		e = errno;
	else
		e = S_ISREG(st.st_mode) ? 0 : EINVAL;	/* a FIFO, say */
	if (e != 0) {
		close(fd);
		errno = e;
		return BT_ERR_SYS;
	}
	bbuf_init(&hdr, PARTFILE_HEADER_LEN);
	if ((r = encode_index(pf, &hdr)) == BT_OK)
		r = pwrite_all(fd, bbuf_ptr(&hdr), bbuf_len(&hdr), 0);
	e = errno;
	bbuf_cleanup(&hdr);
	if (r != BT_OK) {
		close(fd);
		errno = e;
		return r;
	}
	pf->fd = move_high(fd);
	pf->writable = 1;
	return BT_OK;
}

/* A writable descriptor, the file made if need be. */
static int
writable_fd(struct partfile *pf)
{
	int	fd;

	if (pf->fd != -1 && pf->writable)
		return BT_OK;
	if (pf->fd == -1)
		return create_file(pf);
	/* ours but opened read-only: it may have become writable */
	if ((fd = openat(pf->dirfd, pf->name, O_RDWR | O_NOFOLLOW |
	    O_CLOEXEC | O_NONBLOCK)) == -1)
		return BT_ERR_SYS;
	close(pf->fd);
	pf->fd = move_high(fd);
	pf->writable = 1;
	return BT_OK;
}

static int	sync_locked(struct partfile *);

/* A slot for piece: its own, a free one, or a new one at the end (the
 * file grown to hold it).  *slot_out is the slot. */
static int
slot_for(struct partfile *pf, uint32_t piece, uint32_t *slot_out)
{
	uint32_t	s;
	int		r;

	if ((r = ensure_map(pf)) != BT_OK)
		return r;
	if (pf->slot_of[piece] != 0) {
		*slot_out = pf->slot_of[piece] - 1;
		return BT_OK;
	}
	/* The index has room for num_pieces slots: past that, reuse the
	 * pending ones (there must be some, as this piece has none). */
	if (pf->nfree == 0 && pf->nslots == pf->num_pieces &&
	    (r = sync_locked(pf)) != BT_OK)
		return r;
	if (pf->nfree > 0)
		s = pf->free[--pf->nfree];
	else {
		if ((r = grow_slots(pf, pf->nslots + 1)) != BT_OK)
			return r;
		if (ftruncate(pf->fd, (off_t)slot_offset(pf,
		    pf->nslots + 1)) == -1)
			return BT_ERR_SYS;
		s = pf->nslots++;
	}
	pf->slots[s].piece = piece;
	pf->slots[s].state = SLOT_USED;
	pf->slot_of[piece] = s + 1;
	pf->used++;
	pf->dirty_index = 1;
	*slot_out = s;
	return BT_OK;
}

int
partfile_write(struct partfile *pf, uint32_t piece, uint32_t offset,
    const void *data, size_t len)
{
	uint32_t	slot;
	int		r, e;

	if ((r = check_block(pf, piece, offset, len)) != BT_OK)
		return r;
	pthread_mutex_lock(&pf->lock);
	assert(!pf->syncing);
	if ((r = writable_fd(pf)) == BT_OK &&
	    (r = slot_for(pf, piece, &slot)) == BT_OK) {
		pf->dirty_data = 1;
		r = pwrite_all(pf->fd, data, len, slot_offset(pf, slot) +
		    offset);
	}
	e = errno;
	pthread_mutex_unlock(&pf->lock);
	errno = e;
	return r;
}

int
partfile_read(struct partfile *pf, uint32_t piece, uint32_t offset,
    void *buf, size_t len)
{
	uint32_t	slot;
	int		r, e;

	if ((r = check_block(pf, piece, offset, len)) != BT_OK)
		return r;
	pthread_mutex_lock(&pf->lock);
	if (pf->slot_of == NULL || pf->slot_of[piece] == 0)
		r = BT_ERR_NOTFOUND;
	else {
		slot = pf->slot_of[piece] - 1;
		r = pread_all(pf->fd, buf, len, slot_offset(pf, slot) +
		    offset);
	}
	e = errno;
	pthread_mutex_unlock(&pf->lock);
	errno = e;
	return r;
}

int
partfile_has(struct partfile *pf, uint32_t piece)
{
	int	has;

	if (piece >= pf->num_pieces)
		return 0;
	pthread_mutex_lock(&pf->lock);
	has = pf->slot_of != NULL && pf->slot_of[piece] != 0;
	pthread_mutex_unlock(&pf->lock);
	return has;
}

uint32_t
partfile_count(struct partfile *pf)
{
	uint32_t	n;

	pthread_mutex_lock(&pf->lock);
	n = pf->used;
	pthread_mutex_unlock(&pf->lock);
	return n;
}

int
partfile_remove(struct partfile *pf, uint32_t piece)
{
	uint32_t	slot;
	int		r = BT_ERR_NOTFOUND;

	if (piece >= pf->num_pieces)
		return BT_ERR_NOTFOUND;
	pthread_mutex_lock(&pf->lock);
	assert(!pf->syncing);
	if (pf->slot_of != NULL && pf->slot_of[piece] != 0) {
		slot = pf->slot_of[piece] - 1;
		pf->slot_of[piece] = 0;
		pf->slots[slot].state = SLOT_PENDING;
		pf->used--;
		pf->dirty_index = 1;
		r = BT_OK;
	}
	pthread_mutex_unlock(&pf->lock);
	return r;
}

/* After the index without them is on disk, pending slots may be reused. */
static void
release_pending(struct partfile *pf)
{
	uint32_t	s;

	for (s = 0; s < pf->nslots; s++) {
		if (pf->slots[s].state != SLOT_PENDING)
			continue;
		pf->slots[s].state = SLOT_FREE;
		pf->free[pf->nfree++] = s;
	}
}

/* The slots' bytes flushed, then the index idx (when not empty) written
 * and flushed. */
static int
flush(int fd, const struct bbuf *idx)
{
	int	r;

	if ((r = fsync_fd(fd)) != BT_OK || bbuf_len(idx) == 0)
		return r;
	if ((r = pwrite_all(fd, bbuf_ptr(idx), bbuf_len(idx), 0)) != BT_OK)
		return r;
	return fsync_fd(fd);
}

/* Under the lock, what partfile_sync will write: the index when it
 * changed (*idx stays empty otherwise).  BT_ERR_NOMEM. */
static int
sync_begin(struct partfile *pf, struct bbuf *idx)
{
	bbuf_init(idx, PARTFILE_HEADER_LEN + (size_t)pf->nslots * 4);
	if (pf->dirty_index && encode_index(pf, idx) != BT_OK) {
		bbuf_cleanup(idx);
		return BT_ERR_NOMEM;
	}
	return BT_OK;
}

/* Under the lock, after flush() returned r. */
static void
sync_end(struct partfile *pf, const struct bbuf *idx, int r)
{
	if (r != BT_OK)
		return;
	pf->dirty_data = 0;
	if (bbuf_len(idx) > 0) {
		pf->dirty_index = 0;
		release_pending(pf);
	}
}

/* Every slot taken or pending: the pending ones become free once an index
 * without them is on disk.  Rare (a piece removed and written again
 * between two syncs), so this one flushes with the lock held. */
static int
sync_locked(struct partfile *pf)
{
	struct bbuf	idx;
	int		r, e;

	if ((r = sync_begin(pf, &idx)) != BT_OK)
		return r;
	r = flush(pf->fd, &idx);
	e = errno;
	sync_end(pf, &idx, r);
	bbuf_cleanup(&idx);
	errno = e;
	return r;
}

int
partfile_sync(struct partfile *pf)
{
	struct bbuf	idx;
	int		r, e, fd;

	pthread_mutex_lock(&pf->lock);
	assert(!pf->syncing);
	if (pf->fd == -1 || (!pf->dirty_data && !pf->dirty_index)) {
		pthread_mutex_unlock(&pf->lock);
		return BT_OK;
	}
	if ((r = sync_begin(pf, &idx)) != BT_OK) {
		pthread_mutex_unlock(&pf->lock);
		return r;
	}
	/* The caller is the only writer (partfile.h): nothing changes the
	 * slots while the lock is down, and readers need not wait for the
	 * disk. */
	fd = pf->fd;
	pf->syncing = 1;
	pthread_mutex_unlock(&pf->lock);
	r = flush(fd, &idx);
	e = errno;
	pthread_mutex_lock(&pf->lock);
	pf->syncing = 0;
	sync_end(pf, &idx, r);
	pthread_mutex_unlock(&pf->lock);
	bbuf_cleanup(&idx);
	errno = e;
	return r;
}

static int
delete_locked(struct partfile *pf)
{
	int	r = BT_OK;

	assert(!pf->syncing);
	if (pf->fd != -1)
		close(pf->fd);
	pf->fd = -1;
	pf->writable = 0;
	forget_slots(pf);
	if (unlinkat(pf->dirfd, pf->name, 0) == -1 && errno != ENOENT)
		r = BT_ERR_SYS;
	return r;
}

int
partfile_delete(struct partfile *pf)
{
	int	r, e;

	pthread_mutex_lock(&pf->lock);
	r = delete_locked(pf);
	e = errno;
	pthread_mutex_unlock(&pf->lock);
	errno = e;
	return r;
}

int
partfile_delete_if_empty(struct partfile *pf)
{
	int	r = BT_OK, e = 0;

	pthread_mutex_lock(&pf->lock);
	if (pf->used == 0 && pf->fd != -1) {
		r = delete_locked(pf);
		e = errno;
	}
	pthread_mutex_unlock(&pf->lock);
	errno = e;
	return r;
}
