/* The client's connection: connect with a helpful error, JSON-RPC calls,
 * and demultiplexing of the stdio frames that follow a streaming reply. */
#include "client.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fd-util.h"
#include "frame.h"
#include "proto.h"

const char *client_host = "/run/lite.sock";

int
conn_open(struct conn *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int err;

	memset(c, 0, sizeof(*c));
	c->passed_fd = -1;
	if (strlen(client_host) >= sizeof(sa.sun_path)) {
		client_errorf("socket path too long: %s", client_host);
		return -1;
	}
	strcpy(sa.sun_path, client_host);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd >= 0 && connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return 0;
	err = errno;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (err == EACCES || err == EPERM)
		client_errorf("cannot connect to %s: %s — is your user in group 'lite'?", client_host, strerror(err));
	else if (err == ENOENT || err == ECONNREFUSED)
		client_errorf("cannot connect to %s: %s — is containerd-lite running?", client_host, strerror(err));
	else
		client_errorf("cannot connect to %s: %s", client_host, strerror(err));
	return -1;
}

void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->passed_fd >= 0)
		close(c->passed_fd);
	free(c->buf);
	c->fd = c->passed_fd = -1;
	c->buf = NULL;
}

/* recv that also takes a socket the daemon passes with its reply. */
static ssize_t
recv_with_fd(struct conn *c, char *buf, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	ssize_t n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC);
	struct cmsghdr *cm;

	for (cm = n >= 0 ? CMSG_FIRSTHDR(&msg) : NULL; cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			if (c->passed_fd >= 0)
				close(c->passed_fd);
			memcpy(&c->passed_fd, CMSG_DATA(cm), sizeof(int));
		}
	}
	return n;
}

int
conn_fill(struct conn *c)
{
	ssize_t n;

	if (c->cap - c->len < 65536) {
		size_t cap = c->cap ? c->cap * 2 : 131072;
		char *nb = realloc(c->buf, cap);
		if (!nb)
			return -ENOMEM;
		c->buf = nb;
		c->cap = cap;
	}
	do
		n = recv_with_fd(c, c->buf + c->len, c->cap - c->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	c->len += (size_t)n;
	return (int)n;
}

void
conn_consume(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

/* Without SIGPIPE: a closed connection is an error to report. */
static int
send_all(int fd, const char *s)
{
	size_t len = strlen(s), done = 0;

	while (done < len) {
		ssize_t n = send(fd, s + done, len - done, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int
conn_send(struct conn *c, const char *method, json_t *params)
{
	json_t *req = json_pack("{s:i, s:s, s:o}", "id", 1, "method", method, "params", params ? params : json_object());
	char *line = json_dumps(req, JSON_COMPACT), *nl;
	int r = 0;

	json_decref(req);
	c->method = method;
	/* the newline in the same send: one wake-up of the daemon, not two */
	nl = line ? realloc(line, strlen(line) + 2) : NULL;
	if (nl)
		line = strcat(nl, "\n");
	if (!nl || send_all(c->fd, line) < 0) {
		json_t *ignored = NULL;

		/* a daemon that refused the connection (a limit) said why first */
		if (!line || (errno != EPIPE && errno != ECONNRESET) || conn_read_reply(c, &ignored) == 0)
			client_errorf("sending the request failed: %s", strerror(errno));
		json_decref(ignored);
		r = -1;
	}
	free(line);
	return r;
}

/* What to look at when a request that changes state lost its reply (the
 * daemon died or was killed after reading it): it may have completed. */
static const char *
lost_reply_check(const char *method)
{
	static const char *const image_ops[] = { "import", "load", "rmi", "tag", "image_prune", "commit", "pull",
						 "push" };
	int m = method ? proto_method_lookup(method) : -1;

	if (m < 0 || !proto_method_mutates((enum proto_method)m))
		return NULL;
	for (size_t i = 0; i < sizeof(image_ops) / sizeof(image_ops[0]); i++)
		if (strcmp(method, image_ops[i]) == 0)
			return "check `lite images`";
	if (strncmp(method, "volume_", 7) == 0)
		return "check `lite volume ls`";
	if (strncmp(method, "network_", 8) == 0)
		return "check `lite network ls`";
	if (strcmp(method, "exec") == 0 || strcmp(method, "cp_to") == 0)
		return "look in the container";
	return "check `lite ps -a`";
}

/* The connection ended before a reply line. */
static void
lost_reply(const struct conn *c, int n)
{
	const char *check = lost_reply_check(c->method);

	if (check)
		client_errorf("the daemon closed the connection before replying%s%s; the request may have completed: "
			      "%s", n < 0 ? ": " : "", n < 0 ? strerror(-n) : "", check);
	else
		client_errorf("the daemon closed the connection before replying%s%s (is containerd-lite running? "
			      "see its log)", n < 0 ? ": " : "", n < 0 ? strerror(-n) : "");
}

/* quiet_kind: an error reply of that kind returns -2 unprinted. */
static int
read_reply(struct conn *c, const char *quiet_kind, json_t **ret_result)
{
	json_error_t jerr;
	json_t *msg, *err;
	char *nl;

	/* buf is NULL until the first fill, and memchr must not see NULL */
	while (!(nl = memchr(c->buf ? c->buf : "", '\n', c->len))) {
		int n = conn_fill(c);
		if (n <= 0) {
			lost_reply(c, n);
			return -1;
		}
	}
	msg = json_loadb(c->buf, (size_t)(nl - c->buf), 0, &jerr);
	conn_consume(c, (size_t)(nl - c->buf) + 1);
	if (!msg) {
		client_errorf("malformed reply from the daemon: %s", jerr.text);
		return -1;
	}
	err = json_object_get(msg, "error");
	if (err && quiet_kind &&
	    !strcmp(json_string_value(json_object_get(json_object_get(err, "data"), "kind")) ?: "", quiet_kind)) {
		json_decref(msg);
		return -2;
	}
	if (err) {
		client_errorf("%s", json_string_value(json_object_get(err, "message")) ?: "unknown error");
		json_decref(msg);
		return -1;
	}
	*ret_result = json_incref(json_object_get(msg, "result"));
	json_decref(msg);
	return 0;
}

int
conn_read_reply(struct conn *c, json_t **ret_result)
{
	return read_reply(c, NULL, ret_result);
}

int
conn_read_reply_unless(struct conn *c, const char *kind, json_t **ret_result)
{
	return read_reply(c, kind, ret_result);
}

int
conn_call(struct conn *c, const char *method, json_t *params, json_t **ret_result)
{
	if (conn_send(c, method, params) < 0)
		return -1;
	return conn_read_reply(c, ret_result);
}

static int
exit_frame(const char *payload, size_t len)
{
	json_t *o = json_loadb(payload, len, 0, NULL);
	int code = json_integer_value(json_object_get(o, "exit_code"));
	const char *err = json_string_value(json_object_get(o, "error"));

	if (err)
		client_errorf("%s", err);
	json_decref(o);
	return o ? code : -1;
}

void
conn_write_output(int fd, const void *buf, size_t len)
{
	/* SIGPIPE is ignored (main.c): a reader of our output that went away
	 * (lite logs -f | head) ends us quietly, as the signal would have,
	 * but through exit, so a raw terminal is restored */
	if (fd_write_all(fd, buf, len) < 0 && errno == EPIPE)
		exit(128 + SIGPIPE);
}

int
conn_drain_frames(struct conn *c)
{
	while (c->len >= FRAME_HDR_LEN) {
		enum frame_stream st;
		uint32_t len;

		if (frame_header_decode((uint8_t *)c->buf, &st, &len) < 0) {
			client_errorf("malformed stream from the daemon");
			return EXIT_ENGINE;
		}
		if (c->len < FRAME_HDR_LEN + len)
			return -1;
		if (st == FRAME_DIRECT) { /* all before it is written: the shim may go on */
			uint8_t ack[FRAME_HDR_LEN];

			frame_header_encode(ack, FRAME_DIRECT, 0);
			(void)fd_write_all(c->fd, ack, sizeof(ack));
			conn_consume(c, FRAME_HDR_LEN + len);
			c->direct_pending = false;
			if (c->shut_pending)
				shutdown(c->fd, SHUT_WR);
			continue;
		}
		if (st == FRAME_EXIT) {
			int code = exit_frame(c->buf + FRAME_HDR_LEN, len);
			conn_consume(c, FRAME_HDR_LEN + len);
			return code < 0 ? EXIT_ENGINE : code;
		}
		conn_write_output(st == FRAME_STDERR ? 2 : 1, c->buf + FRAME_HDR_LEN, len);
		conn_consume(c, FRAME_HDR_LEN + len);
	}
	return -1;
}

void
conn_wait_eof(struct conn *c)
{
	while (conn_fill(c) > 0)
		c->len = 0;
}
