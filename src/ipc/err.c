/* Text for enum bt_err. */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *
bt_strerror(int r)
{
	switch (r) {
	case BT_OK:
		return "success";
	case BT_ERR_SYS:
		return strerror(errno);
	case BT_ERR_NOMEM:
		return "out of memory";
	case BT_ERR_INCOMPLETE:
		return "incomplete data";
	case BT_ERR_FORMAT:
		return "malformed data";
	case BT_ERR_LIMIT:
		return "size limit exceeded";
	case BT_ERR_RANGE:
		return "value out of range";
	case BT_ERR_INVALID:
		return "invalid value";
	case BT_ERR_NOTFOUND:
		return "not found";
	case BT_ERR_HASH:
		return "hash mismatch";
	case BT_ERR_CLOSED:
		return "connection closed";
	case BT_ERR_TIMEOUT:
		return "timed out";
	case BT_ERR_PROTO:
		return "protocol violation";
	case BT_ERR_BUSY:
		return "in use by another process";
	case BT_ERR_EXISTS:
		return "already exists";
	}
	return "unknown error";
}

void
bt_errf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (errbuf == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}
