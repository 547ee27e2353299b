/* lite-docker-api: the byte streams — logs, and attach (a hijacked
 * connection). lite's stdio frames are Docker's multiplexed format plus a
 * final exit frame (stream 3), which Docker clients do not know: it is
 * dropped. With a TTY both sides speak raw bytes. Attaching to a created
 * container starts it (docker run attaches first, then starts; the start
 * that follows is then a 304), so no output is lost. */
#include "docker-api.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frame.h"

/* Passes frames through, dropping the exit frame and unwanted streams. */
struct demux {
	uint8_t hdr[FRAME_HDR_LEN];
	size_t hdr_have;
	uint32_t left;         /* payload bytes left in the current frame */
	bool skip;             /* the current frame is not forwarded */
	bool want[FRAME_STREAM_MAX];
};

typedef int (*sink_fn)(void *arg, const void *data, size_t len);

static int
demux_feed(struct demux *d, const uint8_t *p, size_t n, sink_fn sink, void *arg)
{
	while (n) {
		if (!d->left && d->hdr_have < FRAME_HDR_LEN) {
			size_t k = FRAME_HDR_LEN - d->hdr_have < n ? FRAME_HDR_LEN - d->hdr_have : n;
			enum frame_stream s;

			memcpy(d->hdr + d->hdr_have, p, k);
			d->hdr_have += k;
			p += k;
			n -= k;
			if (d->hdr_have < FRAME_HDR_LEN)
				break;
			if (frame_header_decode(d->hdr, &s, &d->left) < 0)
				return -1;
			d->skip = !d->want[s];
			d->hdr_have = 0;
			if (!d->skip && d->left && sink(arg, d->hdr, FRAME_HDR_LEN) < 0)
				return -1;
			continue;
		}
		size_t k = d->left < n ? d->left : n;

		if (!d->skip && sink(arg, p, k) < 0)
			return -1;
		d->left -= (uint32_t)k;
		p += k;
		n -= k;
	}
	return 0;
}

static int
sink_chunk(void *arg, const void *data, size_t len)
{
	return http_stream_write(arg, data, len);
}

static int
sink_fd(void *arg, const void *data, size_t len)
{
	return http_write_all(*(int *)arg, data, len);
}

/* Only the payloads (a TTY container's log is one stream). */
static int
sink_raw_chunk(void *arg, const void *data, size_t len)
{
	return http_stream_write(arg, data, len);
}

static bool
has_tty(const char *id, struct docker_err *err)
{
	json_t *res = NULL;
	bool tty = false;

	if (docker_lite_call("inspect", json_pack("{s:s}", "id", id), &res, err) == 0)
		tty = json_is_true(json_object_get(json_object_get(res, "config"), "tty"));
	json_decref(res);
	return tty;
}

int
api_container_logs(struct api *a)
{
	const char *tail = http_query(a->r, "tail");
	json_t *p = json_pack("{s:s,s:b}", "id", a->arg, "follow", http_query_bool(a->r, "follow", false)), *res = NULL;
	struct demux d = { .want = { false, http_query_bool(a->r, "stdout", false), http_query_bool(a->r, "stderr", false) } };
	struct docker_err err = { 0 };
	struct lite_conn lc;
	uint8_t buf[65536];
	bool tty = has_tty(a->arg, &err);
	ssize_t n;

	if (err.status) {
		json_decref(p);
		if (!strncmp(err.msg, "no such", 7))
			err.msg[0] = 'N';
		return api_fail(a, &err);
	}
	if (tail && strcmp(tail, "all"))
		json_object_set_new(p, "tail", json_integer(atoi(tail)));
	if (docker_lite_open("logs", p, &lc, &res, &err, NULL, NULL) < 0)
		return api_fail(a, &err);
	json_decref(res);
	http_stream_begin(a->c, 200, tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream");
	while ((n = docker_lite_read(&lc, buf, sizeof(buf))) > 0) {
		if (tty) {
			/* strip the frame headers: raw output */
			struct demux raw = d;

			(void)raw;
		}
		if (demux_feed(&d, buf, (size_t)n, tty ? sink_raw_chunk : sink_chunk, a->c) < 0)
			break;
	}
	docker_lite_close(&lc);
	http_stream_end(a->c);
	return 0;
}

/* Client -> container: raw bytes; framed as stdin for a container without
 * a TTY. */
static int
forward_input(int to, const uint8_t *data, size_t len, bool tty)
{
	uint8_t hdr[FRAME_HDR_LEN];

	if (tty)
		return http_write_all(to, data, len);
	frame_header_encode(hdr, FRAME_STDIN, (uint32_t)len);
	return http_write_all(to, hdr, sizeof(hdr)) < 0 ? -1 : http_write_all(to, data, len);
}

/* The hijacked connection: both ways until the container side ends. */
static void
bridge(struct http_conn *c, struct lite_conn *lc, bool tty, bool with_stdin, struct demux *d)
{
	struct pollfd pfd[2] = { { .fd = lc->fd, .events = POLLIN }, { .fd = with_stdin ? c->fd : -1, .events = POLLIN } };
	uint8_t buf[65536];
	ssize_t n;

	/* what the lite reply brought along, and input sent with the request */
	if (lc->off < lc->len) {
		n = docker_lite_read(lc, buf, sizeof(buf));
		if (n > 0 && (tty ? http_write_all(c->fd, buf, (size_t)n) : demux_feed(d, buf, (size_t)n, sink_fd, &c->fd)) < 0)
			return;
	}
	if (with_stdin && c->off < c->len) {
		forward_input(lc->fd, (uint8_t *)c->buf + c->off, c->len - c->off, tty);
		c->off = c->len;
	}
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pfd[0].revents) {
			n = read(lc->fd, buf, sizeof(buf));
			if (n <= 0)
				return;
			if ((tty ? http_write_all(c->fd, buf, (size_t)n) : demux_feed(d, buf, (size_t)n, sink_fd, &c->fd)) < 0)
				return;
		}
		if (pfd[1].revents) {
			n = read(c->fd, buf, sizeof(buf));
			if (n <= 0) {
				shutdown(lc->fd, SHUT_WR);   /* the container's stdin closes */
				pfd[1].fd = -1;
			} else if (forward_input(lc->fd, buf, (size_t)n, tty) < 0) {
				pfd[1].fd = -1;
			}
		}
	}
}

int
api_container_attach(struct api *a)
{
	bool with_stdin = http_query_bool(a->r, "stdin", false);
	struct demux d = { .want = { false, http_query_bool(a->r, "stdout", false), http_query_bool(a->r, "stderr", false) } };
	struct docker_err err = { 0 };
	json_t *insp = NULL, *res = NULL;
	struct lite_conn lc;
	const char *state;
	bool tty;

	if (docker_lite_call("inspect", json_pack("{s:s}", "id", a->arg), &insp, &err) < 0) {
		if (!strncmp(err.msg, "no such", 7))
			err.msg[0] = 'N';
		return api_fail(a, &err);
	}
	tty = json_is_true(json_object_get(json_object_get(insp, "config"), "tty"));
	state = json_string_value(json_object_get(json_object_get(insp, "state"), "status")) ?: "";
	/* docker run attaches to a created container, then starts it */
	if (!strcmp(state, "created") || !strcmp(state, "exited"))
		docker_lite_open("start", json_pack("{s:s,s:b,s:b}", "id", a->arg, "attach", 1, "stdin", with_stdin), &lc, &res,
				 &err, NULL, NULL);
	else
		docker_lite_open("attach", json_pack("{s:s,s:b}", "id", a->arg, "stdin", with_stdin), &lc, &res, &err, NULL,
				 NULL);
	json_decref(insp);
	if (!res)
		return api_fail(a, &err);
	json_decref(res);
	if (!http_query_bool(a->r, "stream", false) && !with_stdin) {
		/* logs only: nothing to stream live */
		docker_lite_close(&lc);
		http_send(a->c, 200, "application/vnd.docker.raw-stream", NULL, 0);
		return 0;
	}
	http_hijack(a->c, a->r);
	bridge(a->c, &lc, tty, with_stdin, &d);
	docker_lite_close(&lc);
	return 1;
}
