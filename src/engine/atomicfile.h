/*
 * atomicfile: write a whole file so that, whatever happens, its path holds
 * either nothing (or its old content) or the complete new content: the data
 * goes to a temporary file next to it, is fsync()ed, then takes the path;
 * the directory is fsync()ed so the new name lasts.  Used for the resume
 * record and for --create's output.
 */
#ifndef BT_ATOMICFILE_H
#define BT_ATOMICFILE_H

#include <stddef.h>

enum atomicfile_mode {
	ATOMICFILE_REPLACE,	/* rename over an old file; mode 0600 */
	ATOMICFILE_CREATE,	/* never replace (EEXIST); mode 0666 & ~umask */
};

/* BT_OK, or BT_ERR_SYS with errno (EEXIST: CREATE found path taken); on
 * failure the temporary file is gone and path is untouched. */
int	atomicfile_write(const char *path, const void *data, size_t len,
	    enum atomicfile_mode mode);

#endif
