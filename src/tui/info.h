/*
 * info: what `bttui --info' prints about a torrent or a magnet link, and
 * the escaping every piece of outside text gets on the way to a terminal
 * (names and comments may hold escape sequences).
 */
#ifndef BT_INFO_H
#define BT_INFO_H

#include <stdio.h>

struct magnet;
struct metainfo;

/* s with C0 and C1 controls and invalid UTF-8 escaped as \xNN. */
void	info_put_safe(FILE *fp, const char *s);
/* Name, info-hash, sizes, private flag, trackers by tier, web seeds, every
 * file (pads counted, not listed), notes, and the magnet link. */
void	info_print_torrent(const struct metainfo *m);
/* What a magnet link holds: hash, name, trackers, web seeds, peers, the
 * BEP 53 selection. */
void	info_print_magnet(const struct magnet *g);

#endif
