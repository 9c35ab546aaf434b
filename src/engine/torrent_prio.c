/*
 * torrent_prio: which files a torrent wants, and how much.  The files'
 * priorities (t->file_prio, pads always skipped) become each piece's
 * priority in the picker (the highest of the files it touches); a change
 * is followed at once by interest and by where skipped bytes go; and one
 * file (or all) may be streamed, its pieces first and in order.  Files are
 * numbered as the front lists them: pads left out.
 */
#include "engine/torrent_impl.h"

#include <stdlib.h>
#include <string.h>

#include "ipc/err.h"
#include "ipc/msg.h"
#include "engine/bitfield.h"
#include "engine/metainfo.h"
#include "engine/peerproto.h"
#include "engine/picker.h"

/* Each piece's priority: the highest of the files it touches (pad and
 * empty files touch none); a piece of padding only stays skipped (it is
 * had from the start), and so does a piece being checked (t->check_mask):
 * never fetched while its data on disk may be good. */
static void
pieces_prio(const struct torrent *t, uint8_t *pp)
{
	const struct metainfo_file *f;
	uint32_t	 plen = t->meta->piece_length, i, last;
	size_t		 k;

	memset(pp, PICKER_PRIO_SKIP, t->meta->num_pieces);
	for (k = 0; k < t->meta->nfiles; k++) {
		f = &t->meta->files[k];
		if ((f->attr & METAINFO_ATTR_PAD) || f->length == 0)
			continue;
		last = (uint32_t)((f->offset + f->length - 1) / plen);
		for (i = (uint32_t)(f->offset / plen); i <= last; i++)
			if (pp[i] < t->file_prio[k])
				pp[i] = t->file_prio[k];
	}
	for (i = 0; t->check_mask != NULL && i < t->meta->num_pieces; i++)
		if (bits_get(t->check_mask, i))
			pp[i] = PICKER_PRIO_SKIP;
}

/* The file priorities into the picker.  BT_ERR_NOMEM. */
int
torrent_apply_prio(struct torrent *t)
{
	uint8_t		*pp;
	uint32_t	 i;

	if ((pp = malloc(t->meta->num_pieces)) == NULL)
		return BT_ERR_NOMEM;
	pieces_prio(t, pp);
	for (i = 0; i < t->meta->num_pieces; i++)
		(void)picker_set_priority(t->picker, i,
		    (enum picker_prio)pp[i]);
	free(pp);
	return BT_OK;
}

/*
 * t->file_prio from the parameters, and in *create_out (free it) which
 * files storage makes: the wanted ones.  A skipped file is never made: the
 * bytes that pieces shared with wanted files have in it go to the part
 * file (storage.h).  BT_ERR_NOMEM.
 */
int
torrent_init_prio(struct torrent *t, const uint8_t *file_prio,
    size_t nfile_prio, uint8_t **create_out)
{
	const struct metainfo_file *f;
	uint8_t		*create;
	size_t		 k, listed = 0;

	*create_out = NULL;
	if ((t->file_prio = malloc(t->meta->nfiles + 1)) == NULL ||
	    (create = calloc(t->meta->nfiles + 1, 1)) == NULL)
		return BT_ERR_NOMEM;
	for (k = 0; k < t->meta->nfiles; k++) {
		f = &t->meta->files[k];
		t->file_prio[k] = PICKER_PRIO_NORMAL;
		if (f->attr & METAINFO_ATTR_PAD)
			t->file_prio[k] = PICKER_PRIO_SKIP;
		else if (file_prio != NULL && listed < nfile_prio &&
		    file_prio[listed] < PICKER_PRIO_COUNT)
			t->file_prio[k] = file_prio[listed];
		listed += !(f->attr & METAINFO_ATTR_PAD);
		create[k] = t->file_prio[k] != PICKER_PRIO_SKIP;
	}
	*create_out = create;
	return BT_OK;
}

/* The listed file `file' (pads skipped, as MSG_FILES lists them), or
 * NULL. */
static const struct metainfo_file *
listed_file(const struct torrent *t, uint32_t file)
{
	size_t	k;

	for (k = 0; t->meta != NULL && k < t->meta->nfiles; k++) {
		if (t->meta->files[k].attr & METAINFO_ATTR_PAD)
			continue;
		if (file-- == 0)
			return &t->meta->files[k];
	}
	return NULL;
}

int
torrent_stream(struct torrent *t, uint32_t file)
{
	const struct metainfo_file *f = NULL;
	uint32_t	 plen;
	int		 r;

	if (t->meta == NULL)
		return BT_ERR_INVALID;	/* no files yet */
	plen = t->meta->piece_length;
	if (file == MSG_STREAM_OFF) {
		picker_clear_stream(t->picker);
		t->stream_file = file;
		return BT_OK;
	}
	if (file != MSG_STREAM_ALL && (f = listed_file(t, file)) == NULL)
		return BT_ERR_RANGE;
	if (f == NULL)
		r = picker_set_stream(t->picker, 0, t->meta->num_pieces - 1);
	else if (f->length == 0)
		return BT_ERR_INVALID;
	else
		r = picker_set_stream(t->picker, (uint32_t)(f->offset / plen),
		    (uint32_t)((f->offset + f->length - 1) / plen));
	if (r == BT_OK)
		t->stream_file = file;
	return r;
}

uint32_t
torrent_streamed(const struct torrent *t)
{
	return t->stream_file;
}

int
torrent_prio_refresh(struct torrent *t)
{
	size_t	i;
	int	r;

	if ((r = torrent_apply_prio(t)) != BT_OK)
		return r;
	t->pick_gen++;		/* a peer with nothing to pick may have now */
	/* Interest follows at once, not at the next choke round: a peer
	 * with only newly wanted pieces must hear INTERESTED to unchoke. */
	for (i = 0; i < t->npeers; i++)
		if (t->peers[i]->state == PEER_ACTIVE)
			peerproto_set_interest(t->peers[i],
			    peerproto_has_wanted(t, t->peers[i]));
	return BT_OK;
}

/* After a change of file priorities: the picker follows, and a torrent
 * stopped as done goes on when more is wanted now. */
static int
prio_changed(struct torrent *t)
{
	int	r;

	if ((r = torrent_prio_refresh(t)) != BT_OK)
		return r;
	torrent_apply_skips(t);	/* where skipped files' bytes go */
	/* Done (stopped once complete) with more wanted now: go on. */
	if (!picker_wanted_complete(t->picker))
		t->done = 0;
	return BT_OK;
}

int
torrent_set_file_prio(struct torrent *t, uint32_t file, unsigned prio)
{
	const struct metainfo_file *f;

	if (prio >= PICKER_PRIO_COUNT)
		return BT_ERR_INVALID;
	if ((f = listed_file(t, file)) == NULL)
		return BT_ERR_RANGE;
	t->file_prio[f - t->meta->files] = (uint8_t)prio;
	return prio_changed(t);
}

int
torrent_set_dir_prio(struct torrent *t, const char *dir, unsigned prio,
    uint32_t *count_out)
{
	const struct metainfo_file *f;
	size_t		 k, n = strlen(dir);
	uint32_t	 count = 0;

	*count_out = 0;
	if (prio >= PICKER_PRIO_COUNT)
		return BT_ERR_INVALID;
	for (k = 0; k < t->meta->nfiles; k++) {
		f = &t->meta->files[k];
		if ((f->attr & METAINFO_ATTR_PAD) ||
		    strncmp(f->path, dir, n) != 0 || f->path[n] != '/')
			continue;
		t->file_prio[k] = (uint8_t)prio;
		count++;
	}
	if (count == 0)
		return BT_ERR_NOTFOUND;
	*count_out = count;
	return prio_changed(t);
}

void
torrent_file_prios(const struct torrent *t, uint8_t *out)
{
	size_t	k, i = 0;

	for (k = 0; k < t->meta->nfiles; k++)
		if (!(t->meta->files[k].attr & METAINFO_ATTR_PAD))
			out[i++] = t->file_prio[k];
}

unsigned
torrent_file_prio(const struct torrent *t, uint32_t file)
{
	const struct metainfo_file *f = listed_file(t, file);

	return f != NULL ? t->file_prio[f - t->meta->files] :
	    PICKER_PRIO_SKIP;
}

uint32_t
torrent_nlisted(const struct torrent *t)
{
	return t->meta != NULL ? (uint32_t)(t->meta->nfiles -
	    t->meta->npads) : 0;
}
