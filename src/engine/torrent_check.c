/*
 * torrent_check: hashing the data on disk against the metainfo, every
 * piece or the ones the start rule wants re-checked (t->check_mask).
 * Batches of pieces are worker jobs on up to two lanes, each on a storage
 * handle of its own; when every batch came back the torrent saves its
 * record and announces.
 */
#include "engine/torrent_impl.h"

#include <stdlib.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "engine/bitfield.h"
#include "engine/metainfo.h"
#include "engine/picker.h"
#include "engine/storage.h"
#include "engine/tracker.h"
#include "engine/worker.h"

#define CHECK_BATCH_BYTES	(32u * 1024 * 1024)	/* per check job */
/* Check jobs hashed at once, each on a storage of its own: one per worker
 * thread (session.c).  One batch at a time, queued from the 100 ms tick,
 * checked at most 32 MiB per tick: 340 MB/s, a quarter of what one core
 * hashes (`make bench`, case 4). */
#define CHECK_LANES		2
#define CHECK_BATCH_MAX		4096	/* pieces per check job */

struct check_job {
	struct worker_job	 job;
	struct torrent		*t;
	const struct metainfo	*meta;
	struct storage		*wstore;
	unsigned		 lane;
	uint32_t		 first, n;
	uint8_t			 want[CHECK_BATCH_MAX / 8];
	uint8_t			 good[CHECK_BATCH_MAX / 8];
};

static void
check_work(struct worker_job *job)
{
	struct check_job	*j = (struct check_job *)job;
	uint32_t		 i;

	for (i = 0; i < j->n; i++)
		if (bits_get(j->want, i) &&
		    storage_verify_piece(j->wstore, j->first + i) == BT_OK)
			bits_set(j->good, i);
	/* Not kept until the next check, maybe never: 1 MiB a torrent
	 * (pieces of 1 MiB and more) in a session of hundreds. */
	storage_hash_release(j->wstore);
}

static void
check_done(struct torrent *t)
{
	int	partial = t->check_mask != NULL;

	t->checking = 0;
	storage_close(t->cstore);
	t->cstore = NULL;
	if (partial)	/* (pieces may have come from peers meanwhile) */
		torrent_log(t, MSG_LOG_INFO, "re-checked pieces: %u found "
		    "good; now %u of %u pieces good", t->check_found,
		    picker_have_count(t->picker), t->meta->num_pieces);
	else
		torrent_log(t, MSG_LOG_INFO, "checked data on disk: %u of %u "
		    "pieces good (%llu bytes)", picker_have_count(t->picker),
		    t->meta->num_pieces, (unsigned long long)t->have_bytes);
	free(t->check_mask);
	t->check_mask = NULL;
	if (partial)	/* the pieces found bad are wanted again */
		(void)torrent_prio_refresh(t);
	/* Data checked in full was complete before we started.  A check
	 * after a crash may complete a download the engine before us never
	 * said was complete (its last pieces written, not flushed): it is
	 * said at the next tick. */
	if (!partial && picker_wanted_complete(t->picker))
		t->completed_sent = 1;
	torrent_save_resume(t);
	/* (a partial check ran with the torrent started: announced then) */
	if (!partial && t->tracker != NULL && !t->paused && !t->queued)
		tracker_announce(t->tracker, TRACKER_EV_STARTED,
		    t->env->now_ms);
}

static void
check_job_done(struct worker_job *job, int cancelled)
{
	struct check_job	*j = (struct check_job *)job;
	struct torrent		*t = j->t;
	uint32_t		 i;

	torrent_job_ended(t);
	t->check_lanes &= ~(1u << j->lane);
	t->check_flying -= j->n;
	if (!cancelled) {
		for (i = 0; i < j->n; i++) {
			if (!bits_get(j->good, i) ||
			    picker_have(t->picker, j->first + i))
				continue;
			picker_set_have(t->picker, j->first + i);
			t->check_found++;
			t->have_bytes += metainfo_piece_size(t->meta,
			    j->first + i);
			/* peers met during a partial check hear of it */
			torrent_broadcast_have(t, j->first + i);
		}
		/* the next batch at once, not at the next tick; the end
		 * of the check even when paused */
		if (t->check_next >= t->meta->num_pieces || !t->paused)
			torrent_check_some(t);
	}
	free(j);
}

/* A free lane for the next batch, or -1.  Lane 0 hashes on wstore, lane 1
 * on a twin opened for the check (a storage is one thread's at a time). */
static int
free_lane(struct torrent *t)
{
	char	err[64];

	if (!(t->check_lanes & 1u))
		return 0;
	if (CHECK_LANES < 2 || (t->check_lanes & 2u))
		return -1;
	if (t->cstore == NULL &&
	    storage_open_twin(t->store, &t->cstore, err, sizeof(err)) !=
	    BT_OK)
		return -1;	/* one lane, then */
	return 1;
}

/* Queues one batch on a free lane: 1 when it did. */
static int
check_one(struct torrent *t)
{
	struct check_job	*j;
	uint64_t		 per = t->meta->piece_length;
	uint32_t		 n, i;
	int			 lane;

	while (t->check_mask != NULL && t->check_next < t->meta->num_pieces &&
	    !bits_get(t->check_mask, t->check_next))
		t->check_next++;
	if (t->check_next >= t->meta->num_pieces) {
		if (t->check_lanes == 0)
			check_done(t);	/* every batch came back */
		return 0;
	}
	if ((lane = free_lane(t)) < 0)
		return 0;
	n = (uint32_t)(CHECK_BATCH_BYTES / (per ? per : 1));
	if (n == 0)
		n = 1;
	if (n > CHECK_BATCH_MAX)
		n = CHECK_BATCH_MAX;
	if (n > t->meta->num_pieces - t->check_next)
		n = t->meta->num_pieces - t->check_next;
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return 0;
	j->t = t;
	j->meta = t->meta;
	j->wstore = lane == 0 ? t->wstore : t->cstore;
	j->lane = (unsigned)lane;
	j->first = t->check_next;
	j->n = n;
	for (i = 0; i < n; i++)
		if (t->check_mask == NULL || bits_get(t->check_mask,
		    j->first + i))
			bits_set(j->want, i);
	j->job.work = check_work;
	j->job.done = check_job_done;
	t->check_lanes |= 1u << lane;
	t->check_flying += n;
	t->check_next += n;
	torrent_disk_submit_on(t, &j->job, lane == 0 ? (const void *)t :
	    (const void *)t->cstore);
	return 1;
}

/* Queues the next batches of pieces to hash from disk, one per free lane
 * (so that a pause stops the check after the batches in hand); the check
 * is done when every piece was queued and every batch came back. */
void
torrent_check_some(struct torrent *t)
{
	while (t->checking && check_one(t))
		;
}
