/* logs: the container's log files (container.log.N-1 ... .1, container.log;
 * records of proto/log-record.h, old frames too) read oldest first and
 * rendered as stdio frames: --since/--until filter by record time, -t and
 * --details prefix each line, --tail counts lines in a first pass and skips
 * the rest in the second. Every file is opened at the request, so a
 * rotation meanwhile loses nothing. --follow is woken by inotify on the
 * container's directory (the shim's writes and renames) and ends when the
 * shim's pidfd says it exited, never by polling; a rotated file is read to
 * its end, then its successor in the chain (found by inode), so a slow
 * reader misses nothing the files still hold. */
#include "req.h"

#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctr.h"
#include "daemon.h"
#include "frame.h"
#include "log-record.h"

#define LOG_CHUNK (128 * 1024)
#define MAX_FILES (LOG_OPTS_MAX_FILES + 1)
#define BUF_CAP (LOG_RECORD_MAX_PAYLOAD + LOG_RECORD_HDR_LEN)

struct log_stream {
	struct peer *peer;
	struct log_render r;
	int fds[MAX_FILES];       /* oldest first; fds[cur] is being read */
	ino_t inos[MAX_FILES];
	int n, cur;
	off_t pos;                /* in fds[cur]: the first byte not yet rendered */
	uint8_t *buf;             /* BUF_CAP */
	char *details;            /* --details: the container's log attributes */
	bool follow, shim_gone, until_passed;
	int ino_fd, pidfd;
	struct event *ino_ev, *pid_ev, *until_ev;
	char path[PATH_MAX + 32]; /* container.log */
};

static void logs_pump(struct bufferevent *bev, void *arg);

static void
logs_free(struct peer *p)
{
	struct log_stream *ls = p->stream_state;

	if (!ls)
		return;
	for (int i = 0; i < ls->n; i++)
		if (ls->fds[i] >= 0)
			close(ls->fds[i]);
	if (ls->ino_ev)
		event_free(ls->ino_ev);
	if (ls->pid_ev)
		event_free(ls->pid_ev);
	if (ls->until_ev)
		event_free(ls->until_ev);
	if (ls->ino_fd >= 0)
		close(ls->ino_fd);
	if (ls->pidfd >= 0)
		close(ls->pidfd);
	free(ls->buf);
	free(ls->details);
	free(ls);
	p->stream_state = NULL;
}

static void
emit_peer(void *ctx, const void *data, size_t len)
{
	peer_write(ctx, data, len);
}

static void
nth_path(const struct log_stream *ls, int i, char *buf, size_t len)
{
	if (i == 0)
		snprintf(buf, len, "%s", ls->path);
	else
		snprintf(buf, len, "%s.%d", ls->path, i);
}

static void
add_file(struct log_stream *ls, int fd)
{
	struct stat st;

	if (fd < 0 || ls->n == MAX_FILES || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return;
	}
	ls->fds[ls->n] = fd;
	ls->inos[ls->n++] = st.st_ino;
}

/* Every file of the chain, oldest first. */
static void
open_chain(struct log_stream *ls)
{
	char path[sizeof(ls->path) + 8];

	for (int i = MAX_FILES - 1; i >= 0; i--) {
		nth_path(ls, i, path, sizeof(path));
		add_file(ls, open(path, O_RDONLY | O_CLOEXEC));
	}
}

/* Render the complete records of the next chunk of fd from *pos: 1 after progress (call again), 0 at the end of
 * what the file holds now, -1 on a damaged record (the rest is skipped). */
static int
render_from(struct log_stream *ls, int fd, off_t *pos)
{
	ssize_t n = pread(fd, ls->buf, LOG_CHUNK, *pos);
	size_t off = 0, have = n > 0 ? (size_t)n : 0;

	while (off < have) {
		struct log_record rec;
		int r = log_record_header_decode(ls->buf + off, have - off, &rec);

		if (r == -EINVAL)
			return -1;
		if (r == 0 && off + rec.hdr_len + rec.len > have && off == 0) {
			/* a record larger than a chunk: read it whole */
			n = pread(fd, ls->buf, rec.hdr_len + rec.len, *pos);
			have = n > 0 ? (size_t)n : 0;
		}
		if (r < 0 || off + rec.hdr_len + rec.len > have)
			break;
		log_record_render(&ls->r, &rec, ls->buf + off + rec.hdr_len);
		off += rec.hdr_len + rec.len;
	}
	*pos += (off_t)off;
	return off > 0 ? 1 : 0;
}

/* Lines of all files, for --tail. */
static uint64_t
count_lines(struct log_stream *ls)
{
	struct log_render counter = ls->r;
	struct log_render keep = ls->r;

	counter.count_only = true;
	counter.lines = 0;
	ls->r = counter;
	for (int i = 0; i < ls->n; i++) {
		off_t pos = 0;
		int r;

		while ((r = render_from(ls, ls->fds[i], &pos)) > 0)
			;
	}
	counter = ls->r;
	ls->r = keep;
	return counter.lines;
}

/* fds[cur] is read to its end: is there a newer file to go on with? */
static bool
next_file(struct log_stream *ls)
{
	char path[sizeof(ls->path) + 8];
	struct stat st;
	int found = -1;

	if (ls->cur + 1 < ls->n)
		goto advance;
	if (!ls->follow || stat(ls->path, &st) < 0)
		return false;
	if (st.st_ino == ls->inos[ls->cur]) {
		struct stat fst;

		/* one file only: truncated by the shim, start again */
		if (fstat(ls->fds[ls->cur], &fst) == 0 && fst.st_size < ls->pos)
			ls->pos = 0;
		return false;
	}
	/* rotated: the successor is the file one step newer in the chain */
	for (int i = 1; i < MAX_FILES && found < 0; i++) {
		nth_path(ls, i, path, sizeof(path));
		if (stat(path, &st) == 0 && st.st_ino == ls->inos[ls->cur])
			found = i - 1;
	}
	for (int i = MAX_FILES - 1; found < 0 && i >= 0; i--) { /* fell off: the oldest */
		nth_path(ls, i, path, sizeof(path));
		if (stat(path, &st) == 0)
			found = i;
	}
	if (found < 0)
		return false;
	nth_path(ls, found, path, sizeof(path));
	if (ls->n == MAX_FILES) { /* room: forget the oldest (already read) */
		close(ls->fds[0]);
		memmove(ls->fds, ls->fds + 1, sizeof(ls->fds[0]) * (size_t)(ls->n - 1));
		memmove(ls->inos, ls->inos + 1, sizeof(ls->inos[0]) * (size_t)(ls->n - 1));
		ls->n--;
		ls->cur--;
	}
	add_file(ls, open(path, O_RDONLY | O_CLOEXEC));
	if (ls->cur + 1 >= ls->n)
		return false;
advance:
	close(ls->fds[ls->cur]);
	ls->fds[ls->cur] = -1;
	ls->cur++;
	ls->pos = 0;
	return true;
}

static void
logs_end(struct peer *p)
{
	logs_free(p);
	p->stream_free = NULL;
	peer_close_after_flush(p);
}

static void
logs_pump(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;
	struct log_stream *ls = p->stream_state;

	if (!ls)
		return;
	for (;;) {
		int r;

		if (evbuffer_get_length(bufferevent_get_output(bev)) >= LOG_CHUNK)
			return; /* the write callback calls us again once it drains */
		if (ls->cur >= ls->n)
			break;
		r = render_from(ls, ls->fds[ls->cur], &ls->pos);
		if (r > 0)
			continue;
		if (r < 0 && ls->cur + 1 < ls->n) { /* damaged: go on with the next file */
			next_file(ls);
			continue;
		}
		if (next_file(ls))
			continue;
		break;
	}
	/* all read that is there now */
	if (ls->follow && !ls->shim_gone && !ls->until_passed)
		return; /* inotify or the pidfd wakes us */
	logs_end(p);
}

static void
on_inotify(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	logs_pump(p->bev, p);
}

/* The shim exited: everything it wrote is in the files. */
static void
on_shim_exit(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;
	struct log_stream *ls = p->stream_state;

	if (ls)
		ls->shim_gone = true;
	logs_pump(p->bev, p);
}

static void
on_until(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;
	struct log_stream *ls = p->stream_state;

	if (ls)
		ls->until_passed = true;
	logs_pump(p->bev, p);
}

/* inotify on the directory, the shim's pidfd, a timer at --until. */
static int
follow_setup(struct peer *p, struct log_stream *ls, struct ctr *c, const char *dir)
{
	struct timespec now;

	if (c->rt.status == CTR_EXITED || c->removing || c->shim_pidfd < 0) {
		ls->follow = false; /* nothing more will come */
		return 0;
	}
	ls->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	ls->pidfd = fcntl(c->shim_pidfd, F_DUPFD_CLOEXEC, 3);
	if (ls->ino_fd < 0 || ls->pidfd < 0 ||
	    inotify_add_watch(ls->ino_fd, dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
		return -errno;
	ls->ino_ev = event_new(p->d->base, ls->ino_fd, EV_READ | EV_PERSIST, on_inotify, p);
	ls->pid_ev = event_new(p->d->base, ls->pidfd, EV_READ, on_shim_exit, p);
	if (!ls->ino_ev || !ls->pid_ev)
		return -ENOMEM;
	event_add(ls->ino_ev, NULL);
	event_add(ls->pid_ev, NULL);
	clock_gettime(CLOCK_REALTIME, &now);
	if (ls->r.until_ns) {
		int64_t left = ls->r.until_ns - ((int64_t)now.tv_sec * 1000000000 + now.tv_nsec);
		struct timeval tv = { 0, 0 };

		if (left > 0)
			tv = (struct timeval){ left / 1000000000, left % 1000000000 / 1000 };
		ls->until_ev = evtimer_new(p->d->base, on_until, p);
		if (!ls->until_ev)
			return -ENOMEM;
		evtimer_add(ls->until_ev, &tv);
	}
	return 0;
}

static struct log_stream *
stream_new(struct peer *p, json_t *params)
{
	struct log_stream *ls = calloc(1, sizeof(*ls));

	if (!ls || !(ls->buf = malloc(BUF_CAP))) {
		free(ls);
		return NULL;
	}
	ls->peer = p;
	ls->ino_fd = ls->pidfd = -1;
	ls->r.since_ns = proto_get_int(params, "since", 0);
	ls->r.until_ns = proto_get_int(params, "until", 0);
	ls->r.timestamps = proto_get_bool(params, "timestamps", false);
	ls->r.emit = emit_peer;
	ls->r.ctx = p;
	ls->follow = proto_get_bool(params, "follow", false);
	return ls;
}

void
req_logs(struct peer *p, json_t *params)
{
	long long tail = proto_get_int(params, "tail", -1);
	char dir[PATH_MAX];
	struct log_stream *ls;
	struct ctr *c = req_target(p, params);
	int r;

	if (!c)
		return;
	if (strcmp(c->spec.log.driver, "none") == 0) {
		peer_reply_err(p, ENOTSUP, "this container has --log-driver none: its output is not kept, so there are no logs");
		return;
	}
	ls = stream_new(p, params);
	if (ls && proto_get_bool(params, "details", false) &&
	    !(ls->r.details = ls->details = log_opts_details(&c->spec.log, c->spec.labels, c->spec.env))) {
		p->stream_state = ls;
		logs_free(p);
		ls = NULL;
	}
	if (!ls) {
		peer_reply_err(p, ENOMEM, NULL);
		return;
	}
	ctr_dir(p->d, c, dir, sizeof(dir));
	snprintf(ls->path, sizeof(ls->path), "%s/container.log", dir);
	open_chain(ls);
	if (ls->follow && (r = follow_setup(p, ls, c, dir)) < 0) {
		p->stream_state = ls;
		logs_free(p);
		peer_reply_err(p, -r, "follow the container's log");
		return;
	}
	if (tail >= 0) {
		uint64_t lines = count_lines(ls);

		ls->r.skip_lines = lines > (uint64_t)tail ? lines - (uint64_t)tail : 0;
	}
	snprintf(p->stream_ctr, sizeof(p->stream_ctr), "%s", c->spec.id);
	peer_start_stream(p, ls, logs_free);
	peer_reply(p, json_pack("{s:b}", "stream", 1));
	bufferevent_setwatermark(p->bev, EV_WRITE, LOG_CHUNK / 2, 0);
	peer_set_write_cb(p, logs_pump);
	logs_pump(p->bev, p);
}
