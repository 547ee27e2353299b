/* container.log records: the header the shim writes before each chunk of
 * a container's output, its old form (plain frames), and the rendering of
 * records as `logs` output (frames; time filters, --tail, -t, --details).
 * Pure code, unit-tested in tests/unit/test-log-record.c. */
#include "log-record.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "frame.h"

void
log_record_header_encode(uint8_t hdr[LOG_RECORD_HDR_LEN], uint8_t stream, uint32_t len, int64_t ns)
{
	uint64_t t = (uint64_t)ns;

	hdr[0] = stream;
	hdr[1] = LOG_RECORD_MARK;
	hdr[2] = hdr[3] = 0;
	for (int i = 0; i < 4; i++)
		hdr[4 + i] = (uint8_t)(len >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		hdr[8 + i] = (uint8_t)(t >> (56 - 8 * i));
}

int
log_record_header_decode(const uint8_t *b, size_t avail, struct log_record *ret)
{
	uint64_t t = 0;

	if (avail < LOG_RECORD_OLD_HDR_LEN)
		return -EAGAIN;
	if ((b[0] != 1 && b[0] != 2) || b[2] || b[3] || (b[1] != 0 && b[1] != LOG_RECORD_MARK))
		return -EINVAL;
	ret->stream = b[0];
	ret->len = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
	if (ret->len > LOG_RECORD_MAX_PAYLOAD)
		return -EINVAL;
	ret->hdr_len = b[1] ? LOG_RECORD_HDR_LEN : LOG_RECORD_OLD_HDR_LEN;
	ret->ns = 0;
	if (!b[1])
		return 0;
	if (avail < LOG_RECORD_HDR_LEN)
		return -EAGAIN;
	for (int i = 0; i < 8; i++)
		t = t << 8 | b[8 + i];
	ret->ns = (int64_t)t;
	return 0;
}

void
log_record_format_time(int64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000);
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (long long)(ns % 1000000000));
}

static void
emit_frame(struct log_render *r, uint8_t stream, const char *prefix, size_t plen, const uint8_t *p, size_t len)
{
	uint8_t hdr[FRAME_HDR_LEN];

	frame_header_encode(hdr, (enum frame_stream)stream, (uint32_t)(plen + len));
	r->emit(r->ctx, hdr, sizeof(hdr));
	if (plen)
		r->emit(r->ctx, prefix, plen);
	if (len)
		r->emit(r->ctx, p, len);
}

void
log_record_render(struct log_render *r, const struct log_record *rec, const uint8_t *p)
{
	unsigned st = rec->stream < 3 ? rec->stream : 0;
	char prefix[LOG_RECORD_TIME_LEN + 1 + 256];
	size_t plen = 0, off = 0;

	if ((r->since_ns && rec->ns < r->since_ns) || (r->until_ns && rec->ns > r->until_ns) || !rec->len)
		return;
	if (r->timestamps) {
		log_record_format_time(rec->ns, prefix, sizeof(prefix));
		plen = strlen(prefix);
		prefix[plen++] = ' ';
		prefix[plen] = '\0';
	}
	if (r->details) {
		snprintf(prefix + plen, sizeof(prefix) - plen, "%s ", r->details);
		plen = strlen(prefix);
	}
	if (!plen && !r->skip_lines && !r->count_only && !r->skipping[st]) {
		/* the common case: the record as one frame */
		emit_frame(r, rec->stream, NULL, 0, p, rec->len);
		r->mid_line[st] = p[rec->len - 1] != '\n';
		return;
	}
	/* line by line: each line start may be counted, skipped or prefixed */
	while (off < rec->len) {
		const uint8_t *nl = memchr(p + off, '\n', rec->len - off);
		size_t end = nl ? (size_t)(nl - p) + 1 : rec->len;
		bool start = !r->mid_line[st];

		if (start) {
			r->lines++;
			if (r->skip_lines && !r->count_only) {
				r->skip_lines--;
				r->skipping[st] = true;
			}
		}
		if (!r->count_only && !r->skipping[st])
			emit_frame(r, rec->stream, prefix, start ? plen : 0, p + off, end - off);
		r->mid_line[st] = !nl;
		if (nl)
			r->skipping[st] = false;
		off = end;
	}
}
