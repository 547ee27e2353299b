/* Docker's multiplexed stdio frames, the byte stream that follows a streaming
 * reply. Pure code: no system calls. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Multiplexed stdio frames: [stream, 0, 0, 0, be32 length] + payload. */
#define FRAME_HDR_LEN 8
#define FRAME_MAX_PAYLOAD (1U << 20)
/* FRAME_DIRECT (issue 14), between a `run` client and its shim only:
 * client -> shim, payload one byte (bit 0: stdout, bit 1: stderr) with
 * those pipes as SCM_RIGHTS: "write my output there yourself"; shim ->
 * client, empty: "all output before this frame is in this stream, the rest
 * goes to your pipes"; client -> shim, empty: "written, go ahead". */
enum frame_stream { FRAME_STDIN = 0, FRAME_STDOUT = 1, FRAME_STDERR = 2, FRAME_EXIT = 3, FRAME_DIRECT = 4,
		    FRAME_STREAM_MAX };

void frame_header_encode(uint8_t hdr[FRAME_HDR_LEN], enum frame_stream stream, uint32_t len);
/* -EINVAL for an unknown stream, non-zero padding or oversize length. */
int frame_header_decode(const uint8_t hdr[FRAME_HDR_LEN], enum frame_stream *ret_stream, uint32_t *ret_len);
/* Payload of the final exit frame: {"exit_code":N,"oom_killed":B[,"error":S]}. */
char *frame_exit_payload(int exit_code, bool oom_killed, const char *error);
