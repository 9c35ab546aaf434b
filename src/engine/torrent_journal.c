/*
 * torrent_journal: the journal of the pieces written since the last resume
 * record (journal.h has the file).  Each piece written joins a batch; a
 * flush job fsyncs the data, then appends the batch, every second or 256
 * pieces, and in between a written record (no fsync) names the batch's
 * newer pieces.  Jobs queue on wstore behind the writes they name.  At
 * start the journal is read back for the start rule (torrent_disk.c).
 */
#include "engine/torrent_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "engine/journal.h"
#include "engine/metainfo.h"
#include "engine/storage.h"
#include "engine/worker.h"

/* A journal flush fsyncs the data: often enough that a power loss costs a
 * second or so of download, seldom enough that fsync stays off the hot
 * path (a kill -9 costs less: the written records between flushes). */
#define JOURNAL_FLUSH_MS	1000
#define JOURNAL_FLUSH_PIECES	256

struct flush_job {
	struct worker_job	 job;
	struct torrent		*t;		/* for done() only */
	struct storage		*wstore;
	char			 path[4096];
	uint8_t			 info_hash[JOURNAL_HASH_LEN];
	uint32_t		 num_pieces;
	uint32_t		*pieces;
	uint32_t		 n;
	int			 written;	/* a written record */
	char			 err[256];
};

/* The data first, then the entry: a piece the journal names is on disk.
 * Killed in between, the piece is merely missing at the next start.  A
 * written record (between two flushes) syncs nothing; before the journal
 * has its header it is not written, and that is no error. */
static void
flush_work(struct worker_job *job)
{
	struct flush_job	*j = (struct flush_job *)job;
	int			 r;

	if (j->written) {
		r = journal_append_written(j->path, j->info_hash,
		    j->num_pieces, j->pieces, j->n);
		if (r == BT_ERR_INVALID)
			r = BT_OK;
	} else if (storage_sync(j->wstore) != BT_OK) {
		snprintf(j->err, sizeof(j->err), "%s", storage_error(j->wstore));
		return;
	} else
		r = journal_append(j->path, j->info_hash, j->num_pieces,
		    j->pieces, j->n);
	if (r != BT_OK)
		snprintf(j->err, sizeof(j->err), "%.200s: %s", j->path,
		    r == BT_ERR_SYS ? strerror(errno) : bt_strerror(r));
}

static void
flush_done(struct worker_job *job, int cancelled)
{
	struct flush_job	*j = (struct flush_job *)job;

	torrent_job_ended(j->t);
	if (!cancelled && j->err[0] != '\0')
		torrent_log(j->t, MSG_LOG_WARN, "cannot journal pieces (a "
		    "crash now costs a re-check): %s", j->err);
	free(j->pieces);
	free(j);
}

/* A journal job for the torrent: pieces[0..n) (ours now), written or
 * flushed; queued behind the pieces' writes. */
static void
journal_submit(struct torrent *t, uint32_t *pieces, uint32_t n, int written)
{
	struct flush_job	*j;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    journal_path(t->resume_path, j->path, sizeof(j->path)) != BT_OK) {
		free(j);
		free(pieces);		/* the next record covers them */
		return;
	}
	j->t = t;
	j->wstore = t->wstore;
	memcpy(j->info_hash, t->meta->info_hash, JOURNAL_HASH_LEN);
	j->num_pieces = t->meta->num_pieces;
	j->pieces = pieces;
	j->n = n;
	j->written = written;
	j->job.work = flush_work;
	j->job.done = flush_done;
	torrent_disk_submit(t, &j->job);
}

/* Hands the batch to a flush job; an empty batch with start set begins
 * the journal (its header).  The flush covers the pieces not yet in a
 * written record too. */
static void
journal_flush_batch(struct torrent *t, int start)
{
	if (t->njbatch == 0 && !start)
		return;
	journal_submit(t, t->jbatch, t->njbatch, 0);
	t->jbatch = NULL;
	t->njbatch = 0;
	t->nwritten = 0;
}

static void
journal_flush(struct torrent *t)
{
	journal_flush_batch(t, 0);
}

void
torrent_journal_start(struct torrent *t)
{
	journal_flush_batch(t, 1);
}

/* A piece was written: it goes into the next journal batch (and the next
 * written record). */
void
torrent_journal_note(struct torrent *t, uint32_t piece)
{
	if (t->resume_path[0] == '\0')
		return;
	if (t->jbatch == NULL &&
	    (t->jbatch = calloc(JOURNAL_FLUSH_PIECES,
	    sizeof(*t->jbatch))) == NULL)
		return;		/* the next record covers it */
	if (t->njbatch == 0)
		t->jbatch_since_ms = t->env->now_ms;
	t->jbatch[t->njbatch++] = piece;
	if (t->njbatch >= JOURNAL_FLUSH_PIECES)
		journal_flush(t);
}

/* The batch's pieces not yet in a written record go into one: after a
 * kill -9 the next start hashes them rather than fetching them again. */
static void
journal_note_written(struct torrent *t)
{
	uint32_t	*pieces, n = t->njbatch - t->nwritten;

	if (n == 0 || (pieces = malloc(n * sizeof(*pieces))) == NULL)
		return;
	memcpy(pieces, t->jbatch + t->nwritten, n * sizeof(*pieces));
	t->nwritten = t->njbatch;
	journal_submit(t, pieces, n, 1);
}

void
torrent_journal_tick(struct torrent *t)
{
	if (t->njbatch > 0 &&
	    t->env->now_ms - t->jbatch_since_ms >= JOURNAL_FLUSH_MS)
		journal_flush(t);
	else if (t->njbatch > t->nwritten)
		journal_note_written(t);
}

/* The journal's pieces into bits; 1 when there was a journal of ours.  A
 * torn tail is cut and a foreign file removed, so appends follow good
 * records. */
int
torrent_journal_load(struct torrent *t, uint8_t *bits, uint8_t *written,
    size_t nbytes)
{
	struct journal_stats	st;
	char			path[4096];
	int			r;

	if (journal_path(t->resume_path, path, sizeof(path)) != BT_OK)
		return 0;
	r = journal_load(path, t->meta->info_hash, t->meta->num_pieces,
	    bits, nbytes, written, &st);
	if (r == BT_ERR_NOTFOUND)
		return 0;
	if (r == BT_ERR_FORMAT) {
		torrent_log(t, MSG_LOG_WARN, "ignoring %s: not this torrent's "
		    "journal", path);
		(void)journal_remove(path);
		return 0;
	}
	if (r != BT_OK) {
		torrent_log(t, MSG_LOG_WARN, "ignoring %s: %s", path,
		    r == BT_ERR_SYS ? strerror(errno) : bt_strerror(r));
		return 0;
	}
	if (st.torn) {
		torrent_log(t, MSG_LOG_INFO, "journal: ignored a torn last "
		    "entry after %u good ones", st.records);
		(void)journal_trim(path, st.valid_bytes);
	}
	return 1;
}
