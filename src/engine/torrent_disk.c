/*
 * torrent_disk: a torrent's data on disk, off the loop.  Verifying and
 * writing completed pieces, fsync, the resume record and the skipped
 * files' mask (with the bytes a file wanted again takes back from the part
 * file) all run as worker jobs (worker.h), and so do the check at start
 * (torrent_check.c) and the journal's flushes (torrent_journal.c), on the
 * torrent's second storage handle, wstore, which only worker threads use,
 * one job at a time (the torrent is the jobs' serial key).  A job owns
 * copies of what it needs, except a completed piece's buffer: it stays in
 * the block cache, which nobody writes or drops until the job's done() has
 * run on the loop.  The torrent counts its jobs in flight and waits for
 * them before it goes.  Here too: which start a torrent makes (the record,
 * the journal, a check) and deleting its data.
 */
#include "engine/torrent_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "engine/bitfield.h"
#include "engine/blame.h"
#include "engine/senders.h"
#include "engine/blockcache.h"
#include "engine/journal.h"
#include "engine/metainfo.h"
#include "engine/peerproto.h"
#include "engine/picker.h"
#include "engine/resume.h"
#include "engine/storage.h"
#include "engine/worker.h"

int
torrent_scan_files(struct torrent *t)
{
	char		path[8192];
	struct stat	st;
	size_t		i;
	int		had = 0;

	free(t->start_sizes);
	t->start_sizes = calloc(t->meta->nfiles + 1, sizeof(*t->start_sizes));
	for (i = 0; i < t->meta->nfiles; i++) {
		int ok = (size_t)snprintf(path, sizeof(path), "%s/%s", t->dir,
		    t->meta->files[i].path) < sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode);

		if (t->start_sizes != NULL)
			t->start_sizes[i] = ok ? (uint64_t)st.st_size :
			    RESUME_SIZE_MISSING;
		if (ok && st.st_size > 0)
			had = 1;
	}
	return had;
}

void
torrent_disk_cleanup(struct torrent *t)
{
	free(t->start_sizes);
	free(t->check_mask);
	free(t->jbatch);
	storage_close(t->cstore);
	t->cstore = NULL;
	t->start_sizes = NULL;
	t->check_mask = NULL;
	t->jbatch = NULL;
}

/* ---- jobs ---- */

/* A job's done() ran: one fewer in flight, and a quiet torrent's next tick
 * sees what it changed (a completion, a check's end). */
void
torrent_job_ended(struct torrent *t)
{
	t->jobs--;
	torrent_wake(t);
}

void
torrent_disk_submit_on(struct torrent *t, struct worker_job *job,
    const void *serial)
{
	job->owner = t;
	job->serial = serial;
	t->jobs++;
	(void)worker_submit(t->workers, job);
}

void
torrent_disk_submit(struct torrent *t, struct worker_job *job)
{
	/* one job at a time on wstore, in order */
	torrent_disk_submit_on(t, job, t);
}

void
torrent_wait_jobs(struct torrent *t)
{
	int	fd = worker_fd(t->workers);

	while (t->jobs > 0) {
		fd_set		rd;
		struct timeval	tv = { 0, 100000 };

		FD_ZERO(&rd);
		FD_SET(fd, &rd);
		(void)select(fd + 1, &rd, NULL, NULL, &tv);
		worker_drain(t->workers);
	}
}

/* ---- the resume record ---- */

struct save_job {
	struct worker_job	 job;		/* first: the pool's handle */
	struct torrent		*t;		/* for done() only */
	const struct metainfo	*meta;		/* immutable */
	struct storage		*wstore;
	char			 path[4096];
	uint8_t			*bitfield;
	size_t			 bitfield_len;
	char			 err[256];
};

/* The record now names every piece the journal does (the journal's
 * flushes ran before this job, on pieces had before it was queued). */
static void
compact_journal(struct save_job *j)
{
	char	jpath[4096];

	if (journal_path(j->path, jpath, sizeof(jpath)) == BT_OK &&
	    journal_remove(jpath) != BT_OK)
		snprintf(j->err, sizeof(j->err), "cannot remove %.200s: %s",
		    jpath, strerror(errno));
}

/* Data first (fsync), then the files' stat, then the record, so it never
 * claims a piece that is not on disk. */
static void
save_work(struct worker_job *job)
{
	struct save_job		*j = (struct save_job *)job;
	struct resume_record	 rec;
	struct resume_file	*files;
	size_t			 i, n = j->meta->nfiles;
	int			 r;

	if (storage_sync(j->wstore) != BT_OK ||
	    (files = calloc(n ? n : 1, sizeof(*files))) == NULL) {
		snprintf(j->err, sizeof(j->err), "%s", storage_error(j->wstore));
		return;
	}
	for (i = 0; i < n; i++) {
		if (storage_file_stat(j->wstore, i, &files[i].size,
		    &files[i].mtime_s, &files[i].mtime_ns) != BT_OK) {
			snprintf(j->err, sizeof(j->err), "%s",
			    storage_error(j->wstore));
			free(files);
			return;
		}
	}
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.info_hash, j->meta->info_hash, 20);
	rec.num_pieces = j->meta->num_pieces;
	rec.bitfield = j->bitfield;
	rec.bitfield_len = j->bitfield_len;
	rec.files = files;
	rec.nfiles = n;
	if ((r = resume_save(j->path, &rec)) != BT_OK)
		snprintf(j->err, sizeof(j->err), "%.200s: %s", j->path,
		    bt_strerror(r));
	else
		compact_journal(j);
	free(files);
}

static void
save_done(struct worker_job *job, int cancelled)
{
	struct save_job	*j = (struct save_job *)job;

	torrent_job_ended(j->t);
	if (!cancelled && j->err[0] != '\0')
		torrent_log(j->t, MSG_LOG_WARN, "cannot save resume data: %s",
		    j->err);
	free(j->bitfield);
	free(j);
}

static struct save_job *
save_job_new(struct torrent *t)
{
	const struct bitfield	*have = picker_have_bitfield(t->picker);
	struct save_job		*j;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->bitfield = malloc(bitfield_nbytes(have) + 1)) == NULL) {
		free(j);
		return NULL;
	}
	j->t = t;
	j->meta = t->meta;
	j->wstore = t->wstore;
	snprintf(j->path, sizeof(j->path), "%s", t->resume_path);
	j->bitfield_len = bitfield_nbytes(have);
	memcpy(j->bitfield, bitfield_bytes(have), j->bitfield_len);
	j->job.work = save_work;
	j->job.done = save_done;
	return j;
}

/* Queues a save of the record (after the writes queued before it). */
void
torrent_save_resume(struct torrent *t)
{
	struct save_job	*j;

	t->resume_dirty = 0;
	if (t->meta == NULL || t->resume_path[0] == '\0' || t->checking ||
	    !t->started)
		return;
	if ((j = save_job_new(t)) != NULL)
		torrent_disk_submit(t, &j->job);
}

/* At exit: every job done, then the record saved before returning. */
void
torrent_flush(struct torrent *t)
{
	struct save_job	*j;

	torrent_wait_jobs(t);
	if (t->meta == NULL || t->resume_path[0] == '\0' || t->checking ||
	    !t->started ||
	    (j = save_job_new(t)) == NULL)
		return;
	t->jobs++;
	save_work(&j->job);	/* no job in flight: wstore is ours */
	save_done(&j->job, 0);
}

/* Loads the record into *rec; 1 when it is for this torrent (then
 * *clean_out says whether every file still has its size and mtime). */
static int
load_record(struct torrent *t, struct resume_record *rec, int *clean_out)
{
	struct resume_file	*files = NULL;
	char			 err[256];
	size_t			 k;
	int			 r, ok = 0;

	*clean_out = 0;
	r = resume_load(t->resume_path, rec, err, sizeof(err));
	if (r == BT_ERR_NOTFOUND)
		return 0;
	if (r != BT_OK) {
		torrent_log(t, MSG_LOG_WARN, "ignoring resume data: %s", err);
		return 0;
	}
	if (memcmp(rec->info_hash, t->meta->info_hash, 20) != 0 ||
	    rec->num_pieces != t->meta->num_pieces ||
	    rec->nfiles != t->meta->nfiles)
		goto out;
	ok = 1;
	if ((files = calloc(t->meta->nfiles + 1, sizeof(*files))) == NULL)
		goto out;
	for (k = 0; k < t->meta->nfiles; k++)
		if (storage_file_stat(t->store, k, &files[k].size,
		    &files[k].mtime_s, &files[k].mtime_ns) != BT_OK)
			goto out;
	*clean_out = resume_matches(rec, t->meta->info_hash,
	    t->meta->num_pieces, files, t->meta->nfiles);
out:
	free(files);
	return ok;
}

static void
apply_have(struct torrent *t, const uint8_t *have)
{
	uint32_t	i;

	for (i = 0; i < t->meta->num_pieces; i++) {
		if (!bits_get(have, i) ||
		    picker_have(t->picker, i))	/* all padding */
			continue;
		picker_set_have(t->picker, i);
		t->have_bytes += metainfo_piece_size(t->meta, i);
	}
}

static void
log_start(struct torrent *t, const struct resume_start_out *o)
{
	if (o->mode == RESUME_START_CLEAN)
		torrent_log(t, MSG_LOG_INFO, "resumed: %u of %u pieces "
		    "verified earlier", picker_have_count(t->picker),
		    t->meta->num_pieces);
	else if (o->mode == RESUME_START_CRASH)
		torrent_log(t, MSG_LOG_INFO, "resumed after a crash: %u "
		    "pieces from the record, %u from the journal (%llu "
		    "bytes), %u re-checked in short files, %u written after "
		    "the last flush to check", o->from_record,
		    o->from_journal, (unsigned long long)t->have_bytes,
		    o->rechecked - o->unflushed, o->unflushed);
}

/*
 * Where to start from (resume_plan_start has the rule): the record when it
 * matches the files; after a crash the record and the journal, checked by
 * file size, re-hashing only their pieces in short files; a full check
 * with --verify or data of unknown origin; nothing otherwise.
 */
void
torrent_choose_start(struct torrent *t)
{
	struct resume_record	rec;
	struct resume_start_in	in;
	struct resume_start_out	out;
	size_t			nbytes = ((size_t)t->meta->num_pieces + 7) / 8;
	uint8_t			*jbits = calloc(nbytes + 1, 1);
	uint8_t			*wbits = calloc(nbytes + 1, 1);
	int			have_rec = 0, have_jnl = 0;

	memset(&rec, 0, sizeof(rec));
	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	out.have = calloc(nbytes + 1, 1);
	out.recheck = calloc(nbytes + 1, 1);
	if (jbits == NULL || wbits == NULL || out.have == NULL ||
	    out.recheck == NULL ||
	    t->start_sizes == NULL) {
		t->checking = t->verify || t->had_data;	/* the safe way */
		goto out;
	}
	if (!t->verify && t->resume_path[0] != '\0') {
		have_rec = load_record(t, &rec, &in.record_clean);
		have_jnl = torrent_journal_load(t, jbits, wbits, nbytes);
	}
	in.verify = t->verify;
	in.had_data = t->had_data;
	in.record_bits = have_rec ? rec.bitfield : NULL;
	in.journal_bits = have_jnl ? jbits : NULL;
	in.written_bits = have_jnl ? wbits : NULL;
	in.sizes = t->start_sizes;
	resume_plan_start(t->meta, &in, &out);
	apply_have(t, out.have);
	log_start(t, &out);
	if (out.mode == RESUME_START_CRASH)
		t->resume_dirty = 1;	/* a record that matches again */
	if (out.mode == RESUME_START_FULL)
		t->checking = 1;
	else if (out.rechecked > 0) {
		t->checking = 1;
		t->check_mask = out.recheck;
		out.recheck = NULL;
		/* those pieces are not fetched while they are checked */
		(void)torrent_apply_prio(t);
	}
	if (!t->checking && picker_wanted_complete(t->picker))
		t->completed_sent = 1;
	/* A fresh torrent starts its journal at once: killed before its
	 * first flush, the next start finds "nothing verified" rather than
	 * files of its own making to hash. */
	if (!t->had_data && !have_rec && !have_jnl && !t->checking &&
	    t->resume_path[0] != '\0')
		torrent_journal_start(t);
out:
	resume_record_cleanup(&rec);
	free(jbits);
	free(wbits);
	free(out.have);
	free(out.recheck);
	free(t->start_sizes);
	t->start_sizes = NULL;
}

/* ---- completed pieces ---- */

/* Who sent each block of a piece in progress (BLAME_NOBODY: nobody). */
static uint32_t *
block_senders(struct torrent *t, uint32_t piece, uint32_t *n_out)
{
	struct picker_block_info	 bi;
	uint32_t			*v, i, n;

	n = picker_blocks_in_piece(t->picker, piece);
	*n_out = 0;
	if (n == 0 || (v = calloc(n, sizeof(*v))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		v[i] = picker_block_info(t->picker, piece, i, &bi) == BT_OK &&
		    bi.state == PICKER_BLOCK_RECEIVED &&
		    bi.peer_id != PICKER_PEER_NONE ? bi.peer_id : BLAME_NOBODY;
	*n_out = n;
	return v;
}

static void
blame_failed(struct torrent *t, uint32_t piece,
    const struct blockcache_piece *bp)
{
	uint32_t	*senders, n, sole;

	if ((senders = block_senders(t, piece, &n)) == NULL)
		return;
	sole = blame_piece_failed(t->blame, piece, bp->data, bp->size,
	    senders, n);
	free(senders);
	if (sole != BLAME_NOBODY)
		torrent_strike(t, sole);
}

static void
blame_passed(struct torrent *t, uint32_t piece,
    const struct blockcache_piece *bp)
{
	uint32_t	ids[16];
	size_t		n, i;

	n = blame_piece_passed(t->blame, piece, bp->data, bp->size, ids, 16);
	for (i = 0; i < n; i++)
		torrent_strike(t, ids[i]);
}

_Static_assert(BLAME_NOBODY == SENDERS_NOBODY, "block_senders' nobody");

/* The piece passed: who sent its blocks stays for the piece detail (the
 * picker forgets them at picker_set_have). */
static void
keep_senders(struct torrent *t, uint32_t piece)
{
	uint32_t	*senders, n;

	if ((senders = block_senders(t, piece, &n)) == NULL)
		return;
	(void)senders_note(t->senders, piece, senders, n);
	free(senders);
}

struct piece_job {
	struct worker_job	 job;
	struct torrent		*t;
	const struct metainfo	*meta;
	struct storage		*wstore;
	uint32_t		 piece;
	const uint8_t		*data;		/* the cache's buffer */
	uint32_t		 size;
	int			 result;	/* BT_OK, BT_ERR_HASH, or a
						 * write error in err */
	unsigned		 resumes;	/* t->resumes at submit */
	char			 err[256];
};

/* A verified piece goes to disk in one storage_write (which writes it
 * direct, or through the page cache in STORAGE_WRITE_CHUNK steps). */
static void
piece_work(struct worker_job *job)
{
	struct piece_job	*j = (struct piece_job *)job;

	if (storage_check_buffer(j->meta, j->piece, j->data, j->size) !=
	    BT_OK) {
		j->result = BT_ERR_HASH;
		return;
	}
	if ((j->result = storage_write(j->wstore, j->piece, 0, j->data,
	    j->size)) != BT_OK)
		snprintf(j->err, sizeof(j->err), "%s",
		    storage_error(j->wstore));
}

static void
piece_failed(struct torrent *t, uint32_t piece,
    const struct blockcache_piece *bp)
{
	t->hashfails++;
	if (t->piece_fails[piece] < UINT8_MAX)
		t->piece_fails[piece]++;
	t->wasted += bp->size;
	torrent_log(t, MSG_LOG_WARN, "piece %u failed its hash check; "
	    "downloading it again", piece);
	blame_failed(t, piece, bp);
	picker_piece_failed(t->picker, piece);
	t->pick_gen++;
}

/*
 * Past PEERPROTO_MAX_DISK_BYTES waiting for the disk (peerproto_disk_busy) the
 * torrent asks for no more blocks, and its peers are not read
 * (torrent_fdset) until the disk catches up: the blocks already asked for
 * wait in the kernel's socket buffers (TCP's flow control, uTP's window)
 * rather than in piece buffers of ours, and the peer goes on sending
 * until they are full.  Reading on instead held 8 MiB more (the whole
 * pipeline) at every disk stall (`make bench`, case 1: engine RSS).
 */
static void
disk_hold_update(struct torrent *t)
{
	uint64_t	now = t->env->now_ms;

	if (peerproto_disk_busy(t)) {
		if (t->disk_held_ms == 0)
			t->disk_held_ms = now > 0 ? now : 1;
	} else if (t->disk_held_ms != 0) {
		torrent_peers_unhold(t, now > t->disk_held_ms ?
		    now - t->disk_held_ms : 0);
		t->disk_held_ms = 0;
	}
}

static void
piece_job_done(struct worker_job *job, int cancelled)
{
	struct piece_job	*j = (struct piece_job *)job;
	struct torrent		*t = j->t;
	struct blockcache_piece	*bp = blockcache_find(t->cache, j->piece);

	torrent_job_ended(t);
	t->disk_bytes -= j->size;
	disk_hold_update(t);
	if (cancelled || bp == NULL) {
		free(j);
		return;
	}
	if (j->result == BT_ERR_HASH)
		piece_failed(t, j->piece, bp);
	else if (j->result != BT_OK) {
		/* Not written: fetch it again once the user fixed the disk.
		 * A write queued before the user resumed says nothing about
		 * the disk now. */
		picker_piece_failed(t->picker, j->piece);
		t->pick_gen++;
		if (j->resumes == t->resumes)
			torrent_fatal(t, j->err);
	} else {
		blame_passed(t, j->piece, bp);
		keep_senders(t, j->piece);
		torrent_journal_note(t, j->piece);
		t->have_bytes += bp->size;
		t->resume_dirty = 1;
		picker_set_have(t->picker, j->piece);
		torrent_broadcast_have(t, j->piece);
		/* the last one: "complete" now, not at the next tick */
		torrent_check_complete(t);
	}
	blockcache_drop(t->cache, j->piece);
	free(j);
}

/* Every block of piece arrived: hash and write it on a worker. */
void
torrent_piece_done(struct torrent *t, uint32_t piece)
{
	struct blockcache_piece	*bp = blockcache_find(t->cache, piece);
	struct piece_job	*j;

	/* (a piece of pad bytes alone, BEP 47, got no block: zeros) */
	if (bp == NULL || blockcache_buffer(t->cache, bp) == NULL ||
	    (j = calloc(1, sizeof(*j))) == NULL)
		return;
	j->t = t;
	j->meta = t->meta;
	j->wstore = t->wstore;
	j->piece = piece;
	j->data = bp->data;
	j->size = bp->size;
	j->resumes = t->resumes;
	j->job.work = piece_work;
	j->job.done = piece_job_done;
	t->disk_bytes += j->size;
	disk_hold_update(t);
	torrent_disk_submit(t, &j->job);
}

/* ---- skipped files ---- */

struct skip_job {
	struct worker_job	 job;
	struct torrent		*t;		/* for done() only */
	struct storage		*wstore;
	size_t			 nfiles;
	uint8_t			*skip;		/* per file, as wanted; after
						 * work(), as wstore has it */
	char			 err[256];	/* the first failure */
};

/* Where writes run: a file skipped now has its next bytes go to the part
 * file; a file wanted again gets its bytes back from it. */
static void
skip_work(struct worker_job *job)
{
	struct skip_job	*j = (struct skip_job *)job;
	size_t		 i;

	for (i = 0; i < j->nfiles; i++) {
		if (storage_is_skipped(j->wstore, i) == j->skip[i])
			continue;
		if (j->skip[i])
			(void)storage_set_skipped(j->wstore, i, 1);
		else if (storage_want_file(j->wstore, i) != BT_OK) {
			if (j->err[0] == '\0')
				snprintf(j->err, sizeof(j->err), "%s",
				    storage_error(j->wstore));
			j->skip[i] = 1;		/* still in the part file */
		}
	}
}

/* store reads where wstore now writes (its moves are done and flushed). */
static void
skip_done(struct worker_job *job, int cancelled)
{
	struct skip_job	*j = (struct skip_job *)job;
	size_t		 i;

	torrent_job_ended(j->t);
	if (!cancelled) {
		for (i = 0; i < j->nfiles; i++)
			(void)storage_set_skipped(j->t->store, i, j->skip[i]);
		if (j->err[0] != '\0')
			torrent_fatal(j->t, j->err);
	}
	free(j->skip);
	free(j);
}

void
torrent_apply_skips(struct torrent *t)
{
	struct skip_job	*j;
	size_t		 i, n;

	if (t->meta == NULL)
		return;		/* a magnet link: no files yet */
	n = t->meta->nfiles;
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->skip = malloc(n + 1)) == NULL) {
		free(j);
		torrent_fatal(t, "out of memory");
		return;
	}
	for (i = 0; i < n; i++)
		j->skip[i] = t->file_prio[i] == PICKER_PRIO_SKIP;
	j->t = t;
	j->wstore = t->wstore;
	j->nfiles = n;
	j->job.work = skip_work;
	j->job.done = skip_done;
	torrent_disk_submit(t, &j->job);
}

/* Removes dir/rel's parent directories while they are empty, up to dir. */
static void
prune_dirs(const char *dir, const char *rel)
{
	char	path[8192], *slash;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) >=
	    sizeof(path))
		return;
	while ((slash = strrchr(path, '/')) != NULL &&
	    (size_t)(slash - path) > strlen(dir)) {
		*slash = '\0';
		if (rmdir(path) == -1)
			return;		/* not empty: others' files */
	}
}

void
torrent_delete_data(struct torrent *t)
{
	char	path[8192];
	size_t	i;

	if (t->meta == NULL)
		return;		/* a magnet link: nothing on disk yet */
	/* no job may write (or make the part file again) past this point */
	torrent_wait_jobs(t);
	if (storage_delete_parts(t->wstore) != BT_OK)
		torrent_log(t, MSG_LOG_WARN, "%s", storage_error(t->wstore));

	for (i = 0; i < t->meta->nfiles; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", t->dir,
		    t->meta->files[i].path) >= sizeof(path))
			continue;
		if (unlink(path) == -1 && errno != ENOENT)
			torrent_log(t, MSG_LOG_WARN, "cannot delete %s: %s",
			    path, strerror(errno));
		prune_dirs(t->dir, t->meta->files[i].path);
	}
}
