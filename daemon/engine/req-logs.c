/* logs: the container's log file is already a sequence of stdio frames, so
 * it is sent as it is, in chunks as the client drains them; --tail re-frames
 * the last N lines; --follow polls for growth until the container exits. */
#include "req.h"

#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctr.h"
#include "daemon.h"
#include "frame.h"
#include "fs-util.h"

#define LOG_CHUNK (128 * 1024)
#define FOLLOW_POLL_MS 100

struct log_stream {
	int fd;
	ino_t ino;
	bool follow;
	struct event *timer;
	char path[PATH_MAX + 16];
};

static void logs_pump(struct bufferevent *bev, void *arg);

static void
logs_free(struct peer *p)
{
	struct log_stream *ls = p->stream_state;

	if (!ls)
		return;
	if (ls->timer)
		event_free(ls->timer);
	if (ls->fd >= 0)
		close(ls->fd);
	free(ls);
	p->stream_state = NULL;
}

static bool
ctr_still_running(struct peer *p)
{
	struct ctr *c;

	TAILQ_FOREACH(c, &p->d->ctrs, entry)
		if (strcmp(c->spec.id, p->stream_ctr) == 0)
			return c->rt.status != CTR_EXITED && !c->removing;
	return false;
}

/* A rotated log: finish the old file, then continue with the new one. */
static void
follow_rotation(struct log_stream *ls)
{
	struct stat st;
	int fd;

	if (stat(ls->path, &st) < 0 || st.st_ino == ls->ino)
		return;
	fd = open(ls->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	close(ls->fd);
	ls->fd = fd;
	ls->ino = st.st_ino;
}

static void
on_follow_tick(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;

	logs_pump(p->bev, p);
}

static void
logs_pump(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;
	struct log_stream *ls = p->stream_state;
	struct timeval tv = { 0, FOLLOW_POLL_MS * 1000 };
	bool running;
	int n;

	if (!ls || evbuffer_get_length(bufferevent_get_output(bev)) >= LOG_CHUNK)
		return;
	running = ls->follow && ctr_still_running(p); /* sample before reading: no lost tail */
	n = evbuffer_read(bufferevent_get_output(bev), ls->fd, LOG_CHUNK);
	if (n > 0)
		return; /* the write callback calls us again once it drains */
	if (running) {
		follow_rotation(ls);
		evtimer_add(ls->timer, &tv);
		return;
	}
	logs_free(p);
	p->stream_free = NULL;
	peer_close_after_flush(p);
}

/* Last n lines across both streams, as frames. */
static int
write_tail(struct peer *p, int fd, long long n)
{
	_cleanup_free_ char *buf = NULL;
	struct line { uint8_t stream; const char *s; size_t len; } *lines = NULL;
	size_t len = 0, count = 0, cap = 0, off = 0;
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (fs_read_file(path, &buf, &len) < 0)
		return -EIO;
	while (off + FRAME_HDR_LEN <= len) {
		enum frame_stream st;
		uint32_t plen;

		if (frame_header_decode((uint8_t *)buf + off, &st, &plen) < 0 || off + FRAME_HDR_LEN + plen > len)
			break;
		for (size_t i = 0, start = 0; i < plen; i++) {
			const char *pay = buf + off + FRAME_HDR_LEN;
			if (pay[i] != '\n' && i + 1 < plen)
				continue;
			if (count == cap) {
				void *nl = realloc(lines, (cap = cap ? cap * 2 : 256) * sizeof(*lines));
				if (!nl) {
					free(lines);
					return -ENOMEM;
				}
				lines = nl;
			}
			lines[count++] = (struct line){ (uint8_t)st, pay + start, i + 1 - start };
			start = i + 1;
		}
		off += FRAME_HDR_LEN + plen;
	}
	for (size_t i = count > (size_t)n ? count - (size_t)n : 0; i < count; i++) {
		uint8_t hdr[FRAME_HDR_LEN];
		frame_header_encode(hdr, (enum frame_stream)lines[i].stream, (uint32_t)lines[i].len);
		peer_write(p, hdr, sizeof(hdr));
		peer_write(p, lines[i].s, lines[i].len);
	}
	free(lines);
	lseek(fd, (off_t)len, SEEK_SET);
	return 0;
}

void
req_logs(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	long long tail = proto_get_int(params, "tail", -1);
	struct log_stream *ls;
	struct stat st;
	struct ctr *c;
	int r = ctr_lookup(p->d, proto_get_str(params, "id", ""), p->cred.uid, &c, &err);

	if (r < 0) {
		peer_reply_err(p, r, err.msg);
		lite_err_clear(&err);
		return;
	}
	ls = calloc(1, sizeof(*ls));
	if (!ls) {
		peer_reply_err(p, ENOMEM, NULL);
		return;
	}
	ctr_dir(p->d, c, ls->path, PATH_MAX);
	strcat(ls->path, "/container.log");
	ls->fd = open(ls->path, O_RDONLY | O_CLOEXEC | O_CREAT, 0640);
	if (ls->fd < 0 || fstat(ls->fd, &st) < 0) {
		peer_reply_err(p, errno, "open the container's log");
		if (ls->fd >= 0)
			close(ls->fd);
		free(ls);
		return;
	}
	ls->ino = st.st_ino;
	ls->follow = proto_get_bool(params, "follow", false);
	ls->timer = evtimer_new(p->d->base, on_follow_tick, p);
	snprintf(p->stream_ctr, sizeof(p->stream_ctr), "%s", c->spec.id);
	peer_start_stream(p, ls, logs_free);
	peer_reply(p, json_pack("{s:b}", "stream", 1));
	if (tail >= 0 && write_tail(p, ls->fd, tail) < 0) {
		peer_close_after_flush(p);
		return;
	}
	bufferevent_setwatermark(p->bev, EV_WRITE, LOG_CHUNK / 2, 0);
	peer_set_write_cb(p, logs_pump);
	logs_pump(p->bev, p);
}
