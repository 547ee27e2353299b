/* The events journal: two segments on disk (see events-journal.h). */
#include "events-journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-util.h"

static int
open_segment(struct events_journal *j)
{
	j->fd = open(j->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	return j->fd < 0 ? -errno : 0;
}

/* Count the current segment; end a torn last line so the next one starts
 * clean (the reader drops the torn one). */
static void
count_segment(struct events_journal *j)
{
	char *buf = NULL;
	size_t len = 0;

	j->seg_events = j->seg_bytes = 0;
	if (fs_read_file(j->path, &buf, &len) < 0)
		return;
	for (size_t i = 0; i < len; i++)
		j->seg_events += buf[i] == '\n';
	j->seg_bytes = len;
	if (len && buf[len - 1] != '\n' && write(j->fd, "\n", 1) == 1)
		j->seg_bytes++;
	free(buf);
}

int
events_journal_open(struct events_journal *j, const char *dir, size_t max_events, size_t max_bytes)
{
	int r;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->max_events = max_events;
	j->max_bytes = max_bytes;
	if (snprintf(j->path, sizeof(j->path), "%s/events.log", dir) >= (int)sizeof(j->path))
		return -ENAMETOOLONG;
	r = fs_mkdir_p(dir, 0700);
	if (r == 0)
		r = open_segment(j);
	if (r == 0)
		count_segment(j);
	return r;
}

/* The current segment becomes the old one (rename is atomic: a reader or
 * a crash sees either), and a new one starts. */
static int
rotate(struct events_journal *j)
{
	char old[sizeof(j->path) + 2];

	snprintf(old, sizeof(old), "%s.1", j->path);
	if (rename(j->path, old) < 0)
		return -errno;
	close(j->fd);
	j->seg_events = j->seg_bytes = 0;
	return open_segment(j);
}

int
events_journal_append(struct events_journal *j, const char *line, size_t len)
{
	char *buf;
	ssize_t n;

	if (j->fd < 0)
		return -EBADF;
	if (len + 1 > j->max_bytes / 2)
		return -EFBIG; /* never one event larger than a segment */
	if (j->seg_events + 1 > j->max_events / 2 || j->seg_bytes + len + 1 > j->max_bytes / 2) {
		int r = rotate(j);
		if (r < 0)
			return r;
	}
	buf = malloc(len + 1);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, line, len);
	buf[len] = '\n';
	n = write(j->fd, buf, len + 1);
	free(buf);
	if (n < 0)
		return -errno;
	j->seg_events++;
	j->seg_bytes += (size_t)n;
	return n == (ssize_t)(len + 1) ? 0 : -EIO;
}

static void
read_segment(const char *path, void (*cb)(const char *line, size_t len, void *arg), void *arg)
{
	char *buf = NULL;
	size_t len = 0, start = 0;

	if (fs_read_file(path, &buf, &len) < 0)
		return;
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i > start)
			cb(buf + start, i - start, arg);
		start = i + 1;
	}
	free(buf); /* a last line without its newline was torn: dropped */
}

int
events_journal_read(const char *dir, void (*cb)(const char *line, size_t len, void *arg), void *arg)
{
	char path[4096 + 16];

	snprintf(path, sizeof(path), "%s/events.log.1", dir);
	read_segment(path, cb, arg);
	snprintf(path, sizeof(path), "%s/events.log", dir);
	read_segment(path, cb, arg);
	return 0;
}

void
events_journal_close(struct events_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}
