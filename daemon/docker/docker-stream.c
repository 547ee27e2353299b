/* lite-docker-api: the byte streams — logs, attach (a hijacked
 * connection) and resize. lite's stdio frames are Docker's multiplexed
 * format plus a final exit frame (stream 3), which Docker clients do not
 * know: it is dropped. With a TTY both sides speak raw bytes (a TTY
 * container's log is stored as frames too: their payloads only). An
 * attach to a created or exited container waits for its next start (the
 * engine holds it and connects it before the command runs), as Docker's:
 * docker run attaches first, then starts, and loses no output.
 * Detach keys (Docker's: the server watches the input for them) end an
 * attach; the container keeps running. */
#include "docker-ctr.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frame.h"
#include "parse.h"

/* Passes frames through, dropping the exit frame and unwanted streams;
 * raw: payloads only (a TTY). */
struct demux {
	uint8_t hdr[FRAME_HDR_LEN];
	size_t hdr_have;
	uint32_t left;         /* payload bytes left in the current frame */
	bool skip;             /* the current frame is not forwarded */
	bool in_exit;          /* the current frame is the exit frame */
	char exit_buf[1024];   /* its payload: {"exit_code",...,"error"} */
	size_t exit_len;
	bool raw;
	bool want[FRAME_STREAM_MAX];
};

typedef int (*sink_fn)(void *arg, const void *data, size_t len);

/* The exit frame's error (a command that could not be executed: 126,
 * 127) as a stderr frame: Docker's start reports it, lite's start succeeds
 * (the shim learns it when init's execve fails), so the attach says it. */
static int
exit_error(struct demux *d, sink_fn sink, void *arg)
{
	json_t *o = json_loadb(d->exit_buf, d->exit_len, 0, NULL);
	const char *e = json_string_value(json_object_get(o, "error"));
	char msg[1100];
	uint8_t hdr[FRAME_HDR_LEN];
	int n, r = 0;

	d->in_exit = false;
	if (e && *e && d->want[FRAME_STDERR]) {
		n = snprintf(msg, sizeof(msg), "docker: Error response from daemon: %s.\n", e);
		if (n > (int)sizeof(msg) - 1)
			n = (int)sizeof(msg) - 1;
		frame_header_encode(hdr, FRAME_STDERR, (uint32_t)n);
		r = d->raw ? sink(arg, msg, (size_t)n) : sink(arg, hdr, sizeof(hdr)) < 0 ? -1 : sink(arg, msg, (size_t)n);
	}
	json_decref(o);
	return r;
}

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
			d->in_exit = s == FRAME_EXIT;
			d->exit_len = 0;
			d->hdr_have = 0;
			if (!d->skip && !d->raw && d->left && sink(arg, d->hdr, FRAME_HDR_LEN) < 0)
				return -1;
			continue;
		}
		size_t k = d->left < n ? d->left : n;

		if (!d->skip && sink(arg, p, k) < 0)
			return -1;
		if (d->in_exit && d->exit_len + k < sizeof(d->exit_buf)) {
			memcpy(d->exit_buf + d->exit_len, p, k);
			d->exit_len += k;
		}
		d->left -= (uint32_t)k;
		p += k;
		n -= k;
		if (d->in_exit && !d->left && exit_error(d, sink, arg) < 0)
			return -1;
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

/* Docker's since/until: unix seconds, maybe with a fraction
 * ("1700000000.5"); 0 or absent: none. lite wants nanoseconds. */
static int
query_time(struct api *a, const char *name, json_t *p, const char *key)
{
	const char *v = http_query(a->r, name);
	char *end = NULL, *fend = NULL;
	long long sec, frac = 0;
	size_t digits;

	if (!v || !*v)
		return 0;
	sec = strtoll(v, &end, 10);
	if (*end == '.') {
		frac = strtoll(end + 1, &fend, 10);
		digits = (size_t)(fend - end - 1);
		for (; digits < 9; digits++)
			frac *= 10;
		for (; digits > 9; digits--)
			frac /= 10;
		end = fend;
	}
	if (*end || sec < 0) {
		http_send_error(a->c, 400, "invalid %s \"%s\": expected unix seconds", name, v);
		return -1;
	}
	if (sec || frac)
		json_object_set_new(p, key, json_integer(sec * 1000000000LL + frac));
	return 0;
}

int
api_container_logs(struct api *a)
{
	const char *tail = http_query(a->r, "tail");
	json_t *p = json_pack("{s:s,s:b,s:b}", "id", a->arg, "follow", http_query_bool(a->r, "follow", false), "timestamps",
			      http_query_bool(a->r, "timestamps", false)), *res = NULL, *insp = NULL;
	struct demux d = { .want = { false, http_query_bool(a->r, "stdout", false), http_query_bool(a->r, "stderr", false) } };
	struct docker_err err = { 0 };
	struct lite_conn lc;
	uint8_t buf[65536];
	ssize_t n;

	if (docker_ctr_inspect(a->arg, &insp, &err) < 0) {
		json_decref(p);
		return docker_ctr_fail(a, &err);
	}
	d.raw = json_is_true(json_object_get(json_object_get(insp, "config"), "tty"));
	json_decref(insp);
	if (!d.want[FRAME_STDOUT] && !d.want[FRAME_STDERR]) {
		json_decref(p);
		return http_send_error(a->c, 400, "Bad parameters: you must choose at least one stream"), 0;
	}
	if (tail && *tail && strcmp(tail, "all")) {
		char *end;
		long t = strtol(tail, &end, 10);

		if (*end || t < 0) {
			json_decref(p);
			return http_send_error(a->c, 400, "invalid tail \"%s\": expected a number or all", tail), 0;
		}
		json_object_set_new(p, "tail", json_integer(t));
	}
	if (query_time(a, "since", p, "since") < 0 || query_time(a, "until", p, "until") < 0) {
		json_decref(p);
		return 0;
	}
	if (docker_lite_open("logs", p, &lc, &res, &err, NULL, NULL) < 0)
		return docker_ctr_fail(a, &err);
	json_decref(res);
	if (http_stream_begin(a->c, 200, d.raw ? "application/vnd.docker.raw-stream"
					       : "application/vnd.docker.multiplexed-stream") < 0) {
		docker_lite_close(&lc);
		return 1;
	}
	for (;;) {
		/* a client that leaves a quiet log ends the follow */
		struct pollfd pfd[2] = { { .fd = lc.fd, .events = POLLIN }, { .fd = a->c->fd, .events = 0 } };

		if (lc.off == lc.len && poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (lc.off == lc.len && !pfd[0].revents && (pfd[1].revents & (POLLHUP | POLLERR)))
			break;
		if (lc.off == lc.len && !pfd[0].revents)
			continue;
		if ((n = docker_lite_read(&lc, buf, sizeof(buf))) <= 0 || demux_feed(&d, buf, (size_t)n, sink_chunk, a->c) < 0)
			break;
	}
	docker_lite_close(&lc);
	http_stream_end(a->c);
	return 0;
}

/* The detach keys in the input: the bytes of a partial match are held
 * back until the match fails (then sent) or completes (then dropped, and
 * the attach ends). */
struct detach {
	unsigned char keys[16];
	size_t n, matched;
};

/* Client -> container: raw bytes; framed as stdin for a container without
 * a TTY. */
static int
forward_input(int to, const uint8_t *data, size_t len, bool tty)
{
	uint8_t hdr[FRAME_HDR_LEN];

	if (!len)
		return 0;
	if (tty)
		return http_write_all(to, data, len);
	frame_header_encode(hdr, FRAME_STDIN, (uint32_t)len);
	return http_write_all(to, hdr, sizeof(hdr)) < 0 ? -1 : http_write_all(to, data, len);
}

/* 1 when the detach keys were typed, -1 on a write error. */
static int
input(struct detach *dk, int to, const uint8_t *data, size_t len, bool tty)
{
	size_t start = 0;

	for (size_t i = 0; dk->n && i < len; i++) {
		if (data[i] == dk->keys[dk->matched]) {
			if (dk->matched == 0 && forward_input(to, data + start, i - start, tty) < 0)
				return -1;
			if (++dk->matched == dk->n)
				return 1;
			start = i + 1;
			continue;
		}
		if (dk->matched) {
			/* the held-back prefix was input after all */
			if (forward_input(to, dk->keys, dk->matched, tty) < 0)
				return -1;
			dk->matched = 0;
			start = i;
			i--;   /* this byte may begin a new match */
		}
	}
	return dk->matched ? 0 : forward_input(to, data + start, len - start, tty);
}

/* Container -> client: a TTY's stream is raw bytes already (unlike its
 * log, stored as frames). */
static int
output(struct demux *d, bool tty, const uint8_t *buf, size_t n, int *fd)
{
	return tty ? http_write_all(*fd, buf, n) : demux_feed(d, buf, n, sink_fd, fd);
}

/* The hijacked connection: both ways until the container side ends (or
 * the detach keys). out's bytes go to the client (a log's frames when
 * from_log: a TTY's too), the input goes to in; when in is another
 * connection (logs=1 with stdin), what it sends back is dropped. */
static void
bridge(struct http_conn *c, struct lite_conn *out, struct lite_conn *in, bool from_log, bool tty, bool with_stdin,
       struct demux *d, struct detach *dk)
{
	/* without stdin the client's side is watched for a hang-up only (not
	 * a half-close: the docker CLI shuts its write side down at once) */
	struct pollfd pfd[3] = { { .fd = out->fd, .events = POLLIN }, { .fd = c->fd, .events = with_stdin ? POLLIN : 0 },
				 { .fd = in != out ? in->fd : -1, .events = POLLIN } };
	bool raw = tty && !from_log;
	uint8_t buf[65536];
	ssize_t n;

	/* what the lite reply brought along, and input sent with the request */
	if (out->off < out->len) {
		n = docker_lite_read(out, buf, sizeof(buf));
		if (n > 0 && output(d, raw, buf, (size_t)n, &c->fd) < 0)
			return;
	}
	if (with_stdin && c->off < c->len) {
		int r = input(dk, in->fd, (uint8_t *)c->buf + c->off, c->len - c->off, tty);

		c->off = c->len;
		if (r)
			return;
	}
	for (;;) {
		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pfd[0].revents) {
			n = read(out->fd, buf, sizeof(buf));
			if (n <= 0 || output(d, raw, buf, (size_t)n, &c->fd) < 0)
				return;
		}
		if (pfd[2].revents && read(in->fd, buf, sizeof(buf)) <= 0)
			pfd[2].fd = -1;
		if (pfd[1].revents && !with_stdin)
			return;   /* the client left */
		if (pfd[1].revents) {
			n = read(c->fd, buf, sizeof(buf));
			if (n <= 0) {
				if (tty)
					return;   /* a terminal has no EOF to pass on */
				shutdown(in->fd, SHUT_WR);   /* the container's stdin closes */
				pfd[1].fd = -1;
			} else if (input(dk, in->fd, buf, (size_t)n, tty)) {
				return;   /* detached, or the container's side is gone */
			}
		}
	}
}

/* attach?logs=1: the log so far, in the attach's format. */
static int
send_logs(struct api *a, struct demux *d)
{
	json_t *res = NULL;
	struct docker_err err;
	struct lite_conn lc;
	struct demux ld = *d;
	uint8_t buf[65536];
	ssize_t n;

	if (docker_lite_open("logs", json_pack("{s:s}", "id", a->arg), &lc, &res, &err, NULL, NULL) < 0)
		return 0;   /* no log (log driver none): nothing to replay */
	json_decref(res);
	while ((n = docker_lite_read(&lc, buf, sizeof(buf))) > 0)
		if (demux_feed(&ld, buf, (size_t)n, sink_fd, &a->c->fd) < 0) {
			docker_lite_close(&lc);
			return -1;
		}
	docker_lite_close(&lc);
	return 0;
}

/* attach?logs=1&stream=1 to a running container: the output is the log,
 * followed (lite's attach would replay its last 4 KiB again after it);
 * the input, if any, goes through an attach whose output is dropped. */
static int
attach_with_logs(struct api *a, struct demux *d, struct detach *dk, bool with_stdin)
{
	struct lite_conn lg, in;
	struct docker_err err;
	json_t *res = NULL;

	if (docker_lite_open("logs", json_pack("{s:s,s:b}", "id", a->arg, "follow", 1), &lg, &res, &err, NULL, NULL) < 0)
		return docker_ctr_fail(a, &err);
	json_decref(res);
	res = NULL;
	if (with_stdin &&
	    docker_lite_open("attach", json_pack("{s:s,s:b}", "id", a->arg, "stdin", 1), &in, &res, &err, NULL, NULL) < 0) {
		docker_lite_close(&lg);
		return docker_ctr_fail(a, &err);
	}
	json_decref(res);
	if (http_hijack(a->c, a->r) == 0)
		bridge(a->c, &lg, with_stdin ? &in : &lg, true, d->raw, with_stdin, d, dk);
	docker_lite_close(&lg);
	if (with_stdin)
		docker_lite_close(&in);
	return 1;
}

/* An attach that waits for the container's start (Docker's attach to a
 * created or exited container). */
struct held {
	struct api *a;
	struct demux *d;
	bool logs;
	bool hijacked;
	bool failed;
};

/* The engine registered the attach: the client gets its 101 now (the
 * docker CLI sends its wait and start only after it), then the log so far
 * with logs=1. */
static void
on_held(json_t *note, void *arg)
{
	struct held *h = arg;

	if (h->hijacked || strcmp(json_string_value(json_object_get(note, "method")) ?: "", "waiting"))
		return;
	h->hijacked = true;
	h->failed = http_hijack(h->a->c, h->a->r) < 0 || (h->logs && send_logs(h->a, h->d) < 0);
}

/* docker run and docker start -a attach, then start, each on its own
 * connection: the attach does not start the container (Docker's); the
 * engine holds it (lite's attach wait_start) and connects it at the next
 * start, before the command runs, so no output is lost. */
static int
attach_held(struct api *a, struct demux *d, struct detach *dk, bool with_stdin)
{
	struct held h = { .a = a, .d = d, .logs = http_query_bool(a->r, "logs", false) };
	struct docker_err err = { 0 };
	struct lite_conn lc;
	json_t *res = NULL;
	int r;

	if (docker_lite_send("attach", json_pack("{s:s,s:b,s:b}", "id", a->arg, "stdin", with_stdin, "wait_start", 1), &lc,
			     &err) < 0)
		return docker_ctr_fail(a, &err);
	r = docker_lite_reply_watched(&lc, a->c->fd, &res, &err, on_held, &h);
	if (r < 0 || h.failed) {
		/* the client left, or the container was removed before a start */
		if (r == 0)
			docker_lite_close(&lc);
		json_decref(res);
		if (!h.hijacked && err.status)
			return docker_ctr_fail(a, &err);
		return 1;
	}
	json_decref(res);
	/* it was running by the time the engine had the attach: attached at once */
	if (!h.hijacked && http_hijack(a->c, a->r) < 0) {
		docker_lite_close(&lc);
		return 1;
	}
	bridge(a->c, &lc, &lc, false, d->raw, with_stdin, d, dk);
	docker_lite_close(&lc);
	return 1;
}

int
api_container_attach(struct api *a)
{
	bool with_stdin = http_query_bool(a->r, "stdin", false), stream = http_query_bool(a->r, "stream", false);
	struct demux d = { .want = { false, http_query_bool(a->r, "stdout", false), http_query_bool(a->r, "stderr", false) } };
	const char *keys = http_query(a->r, "detachKeys");
	struct detach dk = { .keys = { 0x10, 0x11 }, .n = 2 };   /* ctrl-p,ctrl-q */
	struct docker_err err = { 0 };
	json_t *insp = NULL, *res = NULL;
	struct lite_conn lc;
	const char *state;
	bool running;

	if (keys && parse_detach_keys(keys, dk.keys, sizeof(dk.keys), &dk.n) < 0)
		return http_send_error(a->c, 400, "Invalid detach keys (%s) provided", keys), 0;
	if (docker_ctr_inspect(a->arg, &insp, &err) < 0)
		return docker_ctr_fail(a, &err);
	d.raw = json_is_true(json_object_get(json_object_get(insp, "config"), "tty"));
	state = json_string_value(json_object_get(json_object_get(insp, "state"), "status")) ?: "";
	running = !strcmp(state, "running") || !strcmp(state, "paused");
	json_decref(insp);
	if (!stream) {
		/* logs only: the log so far, nothing live */
		http_hijack(a->c, a->r);
		if (http_query_bool(a->r, "logs", false))
			send_logs(a, &d);
		return 1;
	}
	if (!running)
		return attach_held(a, &d, &dk, with_stdin);
	if (http_query_bool(a->r, "logs", false))
		return attach_with_logs(a, &d, &dk, with_stdin);
	if (docker_lite_open("attach", json_pack("{s:s,s:b}", "id", a->arg, "stdin", with_stdin), &lc, &res, &err, NULL,
			     NULL) < 0)
		return docker_ctr_fail(a, &err);
	json_decref(res);
	if (http_hijack(a->c, a->r) < 0) {
		docker_lite_close(&lc);
		return 1;
	}
	bridge(a->c, &lc, &lc, false, d.raw, with_stdin, &d, &dk);
	docker_lite_close(&lc);
	return 1;
}

int
api_container_resize(struct api *a)
{
	const char *h = http_query(a->r, "h"), *w = http_query(a->r, "w");
	long rows = h ? atol(h) : 0, cols = w ? atol(w) : 0;
	struct docker_err err;
	json_t *res = NULL;

	if (rows < 1 || cols < 1 || rows > 65535 || cols > 65535)
		return http_send_error(a->c, 400, "invalid size: h and w must be between 1 and 65535"), 0;
	if (docker_lite_call("resize", json_pack("{s:s,s:i,s:i}", "id", a->arg, "rows", (int)rows, "cols", (int)cols), &res,
			     &err) < 0)
		return docker_ctr_fail(a, &err);
	json_decref(res);
	return http_send(a->c, 200, NULL, NULL, 0), 0;
}
