/* libFuzzer target: tracker_parse_http on arbitrary reply bodies. */
#include <stddef.h>
#include <stdint.h>

#include "engine/tracker_codec.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracker_reply	rep;
	char			err[128];

	/* The client never hands over more than TRACKER_MAX_BODY bytes. */
	if (size > TRACKER_MAX_BODY)
		return 0;
	if (tracker_parse_http(data, size, &rep, err, sizeof(err)) == BT_OK)
		tracker_reply_cleanup(&rep);
	return 0;
}
