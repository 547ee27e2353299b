/* lite-docker-api: exec. Docker's two steps map onto lite's exec_create
 * and exec_start (the instance lives in the daemon, so create, start and
 * inspect may each come on a connection of their own); the start hijacks
 * the connection like attach: raw bytes with a TTY, else Docker's
 * multiplexed frames (lite's are the same plus an exit frame, dropped
 * here). Detach keys (Ctrl-P Ctrl-Q unless DetachKeys says otherwise) end
 * an interactive TTY session and leave the process running. */
#include "docker-api.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frame.h"
#include "parse.h"

/* lite's messages start in lower case, Docker's in upper case. */
static int
fail_docker(struct api *a, struct docker_err *err)
{
	err->msg[0] = (char)toupper((unsigned char)err->msg[0]);
	return api_fail(a, err);
}

static void
set_bool(json_t *p, const char *key, json_t *body, const char *field)
{
	json_t *v = json_object_get(body, field);

	if (json_is_boolean(v))
		json_object_set(p, key, v);
}

static void
set_str(json_t *p, const char *key, json_t *body, const char *field)
{
	const char *s = json_string_value(json_object_get(body, field));

	if (s && *s)
		json_object_set_new(p, key, json_string(s));
}

int
api_exec_create(struct api *a)
{
	json_t *body = NULL, *p, *cmd, *env;
	struct docker_err err;
	json_t *res = NULL;

	if (http_read_json(a->c, a->r, 1 << 20, &body) < 0)
		return 1;
	cmd = json_object_get(body, "Cmd");
	env = json_object_get(body, "Env");
	if (!json_is_array(cmd) || !json_array_size(cmd)) {
		json_decref(body);
		http_send_error(a->c, 400, "No exec command specified");
		return 0;
	}
	p = json_pack("{s:s,s:O,s:b,s:b}", "id", a->arg, "cmd", cmd,
		      "stdout", json_is_true(json_object_get(body, "AttachStdout")),
		      "stderr", json_is_true(json_object_get(body, "AttachStderr")));
	if (json_is_array(env) && json_array_size(env))
		json_object_set(p, "env", env);
	set_str(p, "workdir", body, "WorkingDir");
	set_str(p, "user", body, "User");
	set_str(p, "detach_keys", body, "DetachKeys");
	set_bool(p, "tty", body, "Tty");
	set_bool(p, "stdin", body, "AttachStdin");
	set_bool(p, "privileged", body, "Privileged");
	json_decref(body);
	if (docker_lite_call("exec_create", p, &res, &err) < 0)
		return fail_docker(a, &err);
	http_send_json(a->c, 201, json_pack("{s:O}", "Id", json_object_get(res, "exec_id")));
	json_decref(res);
	return 0;
}

/* lite's exec_inspect, or -1 with Docker's 404. */
static int
exec_lookup(const char *id, json_t **res, struct docker_err *err)
{
	if (docker_lite_call("exec_inspect", json_pack("{s:s}", "id", id), res, err) == 0)
		return 0;
	if (err->status == 404)
		snprintf(err->msg, sizeof(err->msg), "No such exec instance: %s", id);
	return -1;
}

static json_t *
exec_shape(json_t *x)
{
	json_t *cmd = json_object_get(x, "cmd"), *args = json_array(), *code = json_object_get(x, "exit_code");

	for (size_t i = 1; i < json_array_size(cmd); i++)
		json_array_append(args, json_array_get(cmd, i));
	return json_pack("{s:b,s:s,s:s,s:O,s:s,s:b,s:b,s:b,s:{s:o,s:s,s:b,s:b,s:s},s:b,s:I}",
			 "CanRemove", 0, "ContainerID", json_string_value(json_object_get(x, "container_id")) ?: "",
			 "DetachKeys", json_string_value(json_object_get(x, "detach_keys")) ?: "",
			 "ExitCode", code ? code : json_null(), "ID", json_string_value(json_object_get(x, "id")) ?: "",
			 "OpenStderr", json_is_true(json_object_get(x, "stderr")),
			 "OpenStdin", json_is_true(json_object_get(x, "stdin")),
			 "OpenStdout", json_is_true(json_object_get(x, "stdout")),
			 "ProcessConfig", "arguments", args, "entrypoint",
			 json_string_value(json_array_get(cmd, 0)) ?: "", "privileged",
			 json_is_true(json_object_get(x, "privileged")), "tty", json_is_true(json_object_get(x, "tty")),
			 "user", json_string_value(json_object_get(x, "user")) ?: "",
			 "Running", json_is_true(json_object_get(x, "running")),
			 "Pid", json_integer_value(json_object_get(x, "pid")));
}

int
api_exec_inspect(struct api *a)
{
	struct docker_err err;
	json_t *res = NULL;

	if (exec_lookup(a->arg, &res, &err) < 0)
		return api_fail(a, &err);
	http_send_json(a->c, 200, exec_shape(res));
	json_decref(res);
	return 0;
}

int
api_exec_resize(struct api *a)
{
	const char *h = http_query(a->r, "h"), *w = http_query(a->r, "w");
	struct docker_err err;
	json_t *res = NULL;
	json_t *p;

	if (exec_lookup(a->arg, &res, &err) < 0)
		return api_fail(a, &err);
	p = json_pack("{s:O,s:s,s:i,s:i}", "id", json_object_get(res, "container_id"), "exec_id", a->arg, "rows",
		      h ? atoi(h) : 0, "cols", w ? atoi(w) : 0);
	json_decref(res);
	return api_call_reply(a, "resize", p, 201, NULL);
}

/* --- the hijacked stream --- */

struct out {
	int fd;
	bool tty;
	bool want[FRAME_STREAM_MAX];
	uint8_t hdr[FRAME_HDR_LEN];
	size_t hdr_have;
	uint32_t left;       /* payload bytes left in the current frame */
	bool skip;
};

/* lite's frames to the client: wanted streams as they are, the exit
 * frame and unwanted streams dropped; with a TTY, raw bytes. */
static int
out_feed(struct out *o, const uint8_t *p, size_t n)
{
	if (o->tty)
		return http_write_all(o->fd, p, n);
	while (n) {
		if (!o->left) {
			size_t k = FRAME_HDR_LEN - o->hdr_have < n ? FRAME_HDR_LEN - o->hdr_have : n;
			enum frame_stream s;

			memcpy(o->hdr + o->hdr_have, p, k);
			o->hdr_have += k;
			p += k;
			n -= k;
			if (o->hdr_have < FRAME_HDR_LEN)
				return 0;
			o->hdr_have = 0;
			if (frame_header_decode(o->hdr, &s, &o->left) < 0)
				return -1;
			o->skip = !o->want[s];
			if (!o->skip && o->left && http_write_all(o->fd, o->hdr, FRAME_HDR_LEN) < 0)
				return -1;
			continue;
		}
		size_t k = o->left < n ? o->left : n;

		if (!o->skip && http_write_all(o->fd, p, k) < 0)
			return -1;
		o->left -= (uint32_t)k;
		p += k;
		n -= k;
	}
	return 0;
}

struct in {
	int fd;
	bool tty;
	unsigned char keys[16];
	size_t n_keys, matched;
};

/* Client input to lite: framed as stdin without a TTY. 1 when the detach
 * keys were typed (what preceded them is sent). */
static int
in_feed(struct in *in, const uint8_t *p, size_t n)
{
	uint8_t hdr[FRAME_HDR_LEN];
	size_t send = n;
	int detached = 0;

	if (in->tty && in->n_keys) {
		for (size_t i = 0; i < n; i++) {
			in->matched = p[i] == in->keys[in->matched] ? in->matched + 1 : p[i] == in->keys[0];
			if (in->matched == in->n_keys) {
				send = i + 1 >= in->n_keys ? i + 1 - in->n_keys : 0;
				detached = 1;
				break;
			}
		}
	}
	if (!send)
		return detached;
	if (!in->tty) {
		frame_header_encode(hdr, FRAME_STDIN, (uint32_t)send);
		if (http_write_all(in->fd, hdr, sizeof(hdr)) < 0)
			return -1;
	}
	return http_write_all(in->fd, p, send) < 0 ? -1 : detached;
}

static void
bridge(struct http_conn *c, struct lite_conn *lc, struct out *o, struct in *in, bool with_stdin)
{
	struct pollfd pfd[2] = { { .fd = lc->fd, .events = POLLIN }, { .fd = with_stdin ? c->fd : -1, .events = POLLIN } };
	uint8_t buf[65536];
	ssize_t n;

	if (lc->off < lc->len && (n = docker_lite_read(lc, buf, sizeof(buf))) > 0 && out_feed(o, buf, (size_t)n) < 0)
		return;
	if (with_stdin && c->off < c->len) {
		int r = in_feed(in, (uint8_t *)c->buf + c->off, c->len - c->off);

		c->off = c->len;
		if (r != 0)
			return;
	}
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (pfd[0].revents) {
			n = read(lc->fd, buf, sizeof(buf));
			if (n <= 0 || out_feed(o, buf, (size_t)n) < 0)
				return;
		}
		if (pfd[1].revents) {
			n = read(c->fd, buf, sizeof(buf));
			if (n <= 0) {
				shutdown(lc->fd, SHUT_WR);   /* the process's stdin closes */
				pfd[1].fd = -1;
			} else {
				int r = in_feed(in, buf, (size_t)n);

				if (r > 0)
					return;      /* detached: the process runs on */
				if (r < 0)
					pfd[1].fd = -1;
			}
		}
	}
}

int
api_exec_start(struct api *a)
{
	json_t *body = NULL, *x = NULL, *res = NULL;
	struct docker_err err;
	struct lite_conn lc;
	bool detach, with_stdin;
	const char *keys;

	if (http_read_json(a->c, a->r, 1 << 16, &body) < 0)
		return 1;
	detach = json_is_true(json_object_get(body, "Detach"));
	json_decref(body);
	if (exec_lookup(a->arg, &x, &err) < 0)
		return api_fail(a, &err);
	if (detach) {
		json_decref(x);
		if (docker_lite_call("exec_start", json_pack("{s:s,s:b}", "id", a->arg, "detach", 1), &res, &err) < 0)
			return fail_docker(a, &err);
		json_decref(res);
		http_send(a->c, 200, NULL, NULL, 0);
		return 0;
	}
	struct out o = { .fd = a->c->fd, .tty = json_is_true(json_object_get(x, "tty")),
			 .want = { false, json_is_true(json_object_get(x, "stdout")), json_is_true(json_object_get(x, "stderr")) } };
	struct in in = { .tty = o.tty };

	with_stdin = json_is_true(json_object_get(x, "stdin"));
	keys = json_string_value(json_object_get(x, "detach_keys"));
	if (parse_detach_keys(keys && *keys ? keys : "ctrl-p,ctrl-q", in.keys, sizeof(in.keys), &in.n_keys) < 0)
		in.n_keys = 0;
	json_decref(x);
	if (docker_lite_open("exec_start", json_pack("{s:s}", "id", a->arg), &lc, &res, &err, NULL, NULL) < 0)
		return fail_docker(a, &err);
	json_decref(res);
	in.fd = lc.fd;
	if (http_hijack(a->c, a->r) < 0) {
		docker_lite_close(&lc);
		return 1;
	}
	o.fd = a->c->fd;   /* the socket MHD handed over */
	bridge(a->c, &lc, &o, &in, with_stdin);
	docker_lite_close(&lc);
	return 1;
}
