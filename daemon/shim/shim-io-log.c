/* init's log: each chunk of output as a record (proto/log-record.h: stream,
 * length, wall-clock time, then the bytes as read, no escaping), in
 * container.log, rotated past log_max bytes into container.log.1 ...
 * container.log.N-1 (N = log_files; the oldest falls off). No file ever
 * exceeds log_max: a record that would is split. The daemon's `logs`
 * follows rotation by inode (req-logs.c). --log-driver none: no file.
 * The shim is the file's only writer and writes at explicit offsets
 * (log_size), not O_APPEND: splice refuses append-mode files. */
#include "shim-io-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "log-record.h"

static void
nth_path(const struct shim *s, int i, char *buf, size_t len)
{
	if (i == 0)
		snprintf(buf, len, "%s", s->cfg->log_path);
	else
		snprintf(buf, len, "%s.%d", s->cfg->log_path, i);
}

int
shim_io_log_open(struct shim *s)
{
	struct stat st;

	s->log_fd = -1;
	if (s->cfg->log_off)
		return 0;
	s->log_fd = open(s->cfg->log_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
	if (s->log_fd < 0)
		return -errno;
	s->log_size = fstat(s->log_fd, &st) == 0 ? (size_t)st.st_size : 0;
	return 0;
}

/* container.log.i-1 becomes .i, the oldest is replaced; one file only:
 * truncated (a reader past the end starts again at 0). */
static void
rotate(struct shim *s)
{
	char from[4096 + 16], to[4096 + 16];
	int fd;

	if (s->cfg->log_files <= 1) {
		if (ftruncate(s->log_fd, 0) == 0)
			s->log_size = 0;
		return;
	}
	/* the oldest goes first, so no rename replaces a file: ext4 flushes
	 * the renamed file's delayed blocks at once when one does
	 * (auto_da_alloc), which was 6% of the shim's CPU at 1 GiB (issue 14) */
	nth_path(s, s->cfg->log_files - 1, to, sizeof(to));
	(void)unlink(to);
	for (int i = s->cfg->log_files - 1; i >= 1; i--) {
		nth_path(s, i - 1, from, sizeof(from));
		nth_path(s, i, to, sizeof(to));
		(void)rename(from, to);
	}
	fd = open(s->cfg->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return; /* keep appending to the renamed file rather than lose output */
	close(s->log_fd);
	s->log_fd = fd;
	s->log_size = 0;
}

static void
write_record(struct shim *s, uint8_t stream, const char *data, size_t len, int64_t ns)
{
	uint8_t hdr[LOG_RECORD_HDR_LEN];
	struct iovec iov[2] = { { hdr, sizeof(hdr) }, { (void *)data, len } };
	size_t want = sizeof(hdr) + len, done = 0;

	log_record_header_encode(hdr, stream, (uint32_t)len, ns);
	while (done < want) {
		ssize_t n = pwritev(s->log_fd, iov, 2, (off_t)s->log_size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* disk full: the record is cut; the next starts a new file */
		done += (size_t)n;
		s->log_size += (size_t)n;
		for (int i = 0; i < 2; i++) {
			size_t take = (size_t)n < iov[i].iov_len ? (size_t)n : iov[i].iov_len;
			iov[i].iov_base = (char *)iov[i].iov_base + take;
			iov[i].iov_len -= take;
			n -= (ssize_t)take;
		}
	}
	if (done < want)
		rotate(s);
}

/* The payload bytes a record may have in the current file, rotating first
 * when there is no room; 0 when rotating failed. */
static size_t
room_for(struct shim *s, size_t max)
{
	if (s->log_size + LOG_RECORD_HDR_LEN >= max)
		rotate(s);
	return s->log_size + LOG_RECORD_HDR_LEN < max ? max - s->log_size - LOG_RECORD_HDR_LEN : 0;
}

static size_t
cap(const struct shim *s)
{
	return s->cfg->log_max > 2 * LOG_RECORD_HDR_LEN ? s->cfg->log_max : 2 * LOG_RECORD_HDR_LEN;
}

static int64_t
now_ns(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

/* Read and drop len bytes of fd: its data must go, the log cannot take it. */
static void
discard(int fd, size_t len)
{
	char buf[4096];

	while (len) {
		ssize_t n = read(fd, buf, len < sizeof(buf) ? len : sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		len -= (size_t)n;
	}
}

void
shim_io_log_splice(struct shim *s, enum frame_stream stream, int fd, size_t len)
{
	size_t max = cap(s);
	int64_t ns = now_ns();

	if (s->log_fd < 0) {
		discard(fd, len);
		return;
	}
	while (len) {
		size_t take = room_for(s, max), moved = 0;
		uint8_t hdr[LOG_RECORD_HDR_LEN];

		if (!take) {
			discard(fd, len);
			return;
		}
		if (take > len)
			take = len;
		log_record_header_encode(hdr, (uint8_t)stream, (uint32_t)take, ns);
		if (pwrite(s->log_fd, hdr, sizeof(hdr), (off_t)s->log_size) != (ssize_t)sizeof(hdr)) {
			discard(fd, len); /* disk full: drop this chunk, not the stream */
			rotate(s);
			return;
		}
		s->log_size += sizeof(hdr);
		while (moved < take) {
			loff_t off = (loff_t)s->log_size;
			ssize_t n = splice(fd, NULL, s->log_fd, &off, take - moved, SPLICE_F_MOVE);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			moved += (size_t)n;
			s->log_size += (size_t)n;
		}
		if (moved < take) { /* the record is short: drop the rest, start a new file */
			discard(fd, len - moved);
			rotate(s);
			return;
		}
		len -= take;
		if (s->log_size >= max)
			rotate(s);
	}
}

void
shim_io_log_append(struct shim *s, enum frame_stream stream, const char *data, size_t len)
{
	size_t max = cap(s);
	int64_t ns;

	if (s->log_fd < 0 || !len)
		return;
	ns = now_ns();
	while (len) {
		size_t take = room_for(s, max);

		if (!take)
			return;
		if (take > len)
			take = len;
		write_record(s, (uint8_t)stream, data, take, ns);
		data += take;
		len -= take;
		if (s->log_size >= max)
			rotate(s);
	}
}
