/*
 * complete: Tab completion of a file path at a prompt, as a shell does
 * it: the last component is extended to the longest prefix that every
 * matching entry of its directory shares; a single match that is a
 * directory gets a trailing '/'.  Hidden entries match only a prefix that
 * starts with '.'.
 */
#ifndef BT_COMPLETE_H
#define BT_COMPLETE_H

#include <stddef.h>

/* Completes the NUL-terminated path in buf (cap bytes).  Returns the
 * number of entries that matched (0: nothing changed; 1: completed
 * whole), or -1 when the directory cannot be read. */
int	complete_path(char *buf, size_t cap);

#endif
