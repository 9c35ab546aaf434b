/*
 * Error codes shared by every module of both processes.  A function that can
 * fail returns int: BT_OK (0) or a negative enum bt_err.  BT_ERR_SYS means
 * "look at errno"; callers save errno before any cleanup that may change it.
 */
#ifndef BT_ERR_H
#define BT_ERR_H

#include <stddef.h>

enum bt_err {
	BT_OK = 0,
	BT_ERR_SYS = -1,	/* a system call failed: see errno */
	BT_ERR_NOMEM = -2,	/* allocation failed */
	BT_ERR_INCOMPLETE = -3,	/* need more bytes; nothing was consumed */
	BT_ERR_FORMAT = -4,	/* bytes do not follow the format */
	BT_ERR_LIMIT = -5,	/* a size or depth is over its bound */
	BT_ERR_RANGE = -6,	/* a value is outside its allowed range */
	BT_ERR_INVALID = -7,	/* well-formed but semantically wrong */
	BT_ERR_NOTFOUND = -8,	/* a key, entry or file is missing */
	BT_ERR_HASH = -9,	/* data does not match its SHA-1 */
	BT_ERR_CLOSED = -10,	/* the other side closed the connection */
	BT_ERR_TIMEOUT = -11,	/* a deadline passed */
	BT_ERR_PROTO = -12,	/* the other side broke the protocol */
	BT_ERR_BUSY = -13,	/* held by another process (a lock) */
	BT_ERR_EXISTS = -14,	/* already there; nothing was changed */
};

/* A short English description of r; never NULL, static storage. */
const char	*bt_strerror(int r);

/* Formats a one-line error message into errbuf[errlen] for functions that
 * report through an (errbuf, errlen) pair; a NULL or empty errbuf is
 * ignored. */
void	bt_errf(char *errbuf, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
