/* libFuzzer target: tracker_udp_parse.  The first 4 bytes are the expected
 * transaction id, the 5th picks the tracker's family, the rest is the
 * datagram. */
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "engine/tracker_codec.h"
#include "ipc/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracker_udp_reply	rep;
	uint32_t			tid;
	int				family;

	if (size < 5 || size - 5 > TRACKER_UDP_MAX_PKT)
		return 0;
	tid = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
	    (uint32_t)data[2] << 8 | data[3];
	family = (data[4] & 1) ? AF_INET6 : AF_INET;
	if (tracker_udp_parse(data + 5, size - 5, tid, family, &rep) == BT_OK)
		tracker_udp_reply_cleanup(&rep);
	return 0;
}
