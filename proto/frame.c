/* Docker's multiplexed stdio frames: [stream, 0, 0, 0, be32 length] +
 * payload; the last frame (stream 3) carries the exit status as JSON. Pure
 * code: no system calls. */
#include "frame.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void
frame_header_encode(uint8_t hdr[FRAME_HDR_LEN], enum frame_stream stream, uint32_t len)
{
	hdr[0] = (uint8_t)stream;
	hdr[1] = hdr[2] = hdr[3] = 0;
	hdr[4] = (uint8_t)(len >> 24);
	hdr[5] = (uint8_t)(len >> 16);
	hdr[6] = (uint8_t)(len >> 8);
	hdr[7] = (uint8_t)len;
}

int
frame_header_decode(const uint8_t hdr[FRAME_HDR_LEN], enum frame_stream *ret_stream, uint32_t *ret_len)
{
	uint32_t len;

	if (hdr[0] >= FRAME_STREAM_MAX || hdr[1] || hdr[2] || hdr[3])
		return -EINVAL;
	len = (uint32_t)hdr[4] << 24 | (uint32_t)hdr[5] << 16 | (uint32_t)hdr[6] << 8 | hdr[7];
	if (len > FRAME_MAX_PAYLOAD)
		return -EINVAL;
	*ret_stream = (enum frame_stream)hdr[0];
	*ret_len = len;
	return 0;
}

char *
frame_exit_payload(int exit_code, bool oom_killed, const char *error)
{
	json_t *o = json_pack("{s:i, s:b}", "exit_code", exit_code, "oom_killed", oom_killed);
	char *s;

	if (!o)
		return NULL;
	if (error)
		json_object_set_new(o, "error", json_string(error));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}
