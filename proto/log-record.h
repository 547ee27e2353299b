/* container.log records (log-record.c): what the shim writes and the
 * daemon's `logs` reads back. Pure code: no system calls.
 *
 * A record is a 16-byte header and the payload as read from the pipe:
 *   [stream, 'T', 0, 0, be32 length, be64 unix nanoseconds] + payload
 * Logs written before records carried time (an old shim, kept running by
 * live restore) are plain stdio frames, [stream, 0, 0, 0, be32 length] +
 * payload; byte 1 tells them apart, record by record, so one file may hold
 * both. No escaping: a payload is copied as it is. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_RECORD_HDR_LEN 16
#define LOG_RECORD_OLD_HDR_LEN 8
#define LOG_RECORD_MARK 'T'
#define LOG_RECORD_MAX_PAYLOAD (1U << 20)
/* "2006-01-02T15:04:05.000000000Z" */
#define LOG_RECORD_TIME_LEN 30

struct log_record {
	uint8_t stream;   /* 1 stdout, 2 stderr */
	uint32_t len;     /* payload bytes */
	int64_t ns;       /* unix time in ns; 0 for an old record (no time) */
	size_t hdr_len;   /* 16, or 8 for an old record */
};

void log_record_header_encode(uint8_t hdr[LOG_RECORD_HDR_LEN], uint8_t stream, uint32_t len, int64_t ns);
/* The header at b, of which avail bytes are there: 0 with ret filled,
 * -EAGAIN when more bytes are needed, -EINVAL when it is no header. */
int log_record_header_decode(const uint8_t *b, size_t avail, struct log_record *ret);
/* ns as RFC 3339 with nanoseconds in UTC, as docker logs -t prints it;
 * buf holds at least LOG_RECORD_TIME_LEN + 1 bytes. */
void log_record_format_time(int64_t ns, char *buf, size_t len);

/* Records turned into the output of `logs`: filtered by time, lines
 * counted or skipped (--tail), prefixed by time (-t) and details. */
struct log_render {
	int64_t since_ns, until_ns; /* 0: no bound; both inclusive */
	bool timestamps;
	const char *details;        /* NULL: no --details; else the attributes, then a space */
	bool count_only;            /* count line starts, emit nothing */
	uint64_t skip_lines;        /* line starts still to drop (--tail) */
	uint64_t lines;             /* line starts seen (count_only) */
	bool mid_line[3];           /* per stream: the last byte was not '\n' */
	bool skipping[3];           /* per stream: in a line --tail drops */
	/* output: a frame header, then its payload, in pieces */
	void (*emit)(void *ctx, const void *data, size_t len);
	void *ctx;
};

/* One record (its payload at p) through r. */
void log_record_render(struct log_render *r, const struct log_record *rec, const uint8_t *p);
