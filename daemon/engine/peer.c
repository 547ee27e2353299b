/* Client connections: line framing with a length cap, one request in flight
 * at a time, replies, and the byte-stream modes that may follow a reply
 * (a proxied attach, an upload). A bad message ends only its connection. */
#include "peer.h"

#include <errno.h>
#include <event2/buffer.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon.h"
#include "fd-util.h"
#include "finished.h"
#include "frame.h"
#include "log.h"
#include "idle-trim.h"
#include "peer-limit.h"

#define PROXY_HIGH_WATER (1 << 20)
/* Replies queued for a client that does not read them: past HIGH, requests
 * wait in the socket (reading stops); below LOW, reading resumes. */
#define REPLY_HIGH_WATER (256 * 1024)
#define REPLY_LOW_WATER (64 * 1024)

static void peer_read_cb(struct bufferevent *bev, void *arg);
static void peer_event_cb(struct bufferevent *bev, short what, void *arg);
static void proxy_shim_drained(struct bufferevent *bev, void *arg);
static void replies_drained(struct bufferevent *bev, void *arg);

void
peer_ref(struct peer *p)
{
	p->refs++;
}

static void
peer_free(struct peer *p)
{
	if (p->stream_free)
		p->stream_free(p);
	if (p->bev)
		bufferevent_free(p->bev);
	if (p->proxy)
		bufferevent_free(p->proxy);
	if (p->upload_fd >= 0)
		close(p->upload_fd);
	json_decref(p->req_id);
	if (p->idle_ev)
		event_free(p->idle_ev);
	p->d->n_peers--;
	peer_limit_release(p->d, p->cred.uid);
	free(p);
}

void
peer_unref(struct peer *p)
{
	if (--p->refs == 0)
		peer_free(p);
}

bool
peer_is_closed(const struct peer *p)
{
	return p->mode == PEER_MODE_CLOSED;
}

void
peer_close(struct peer *p)
{
	if (p->mode == PEER_MODE_CLOSED)
		return;
	p->mode = PEER_MODE_CLOSED;
	if (p->idle_ev)
		event_del(p->idle_ev);
	if (p->upload_done) {
		void (*done)(struct peer *, int) = p->upload_done;
		p->upload_done = NULL;
		done(p, -ECONNRESET);
	}
	if (p->stream_free) {
		p->stream_free(p);
		p->stream_free = NULL;
	}
	if (p->proxy) {
		bufferevent_free(p->proxy);
		p->proxy = NULL;
	}
	bufferevent_free(p->bev);
	p->bev = NULL;
	peer_unref(p);
}

static void
close_when_drained(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		peer_close(p);
}

void
peer_close_after_flush(struct peer *p)
{
	if (p->mode == PEER_MODE_CLOSED)
		return;
	if (p->proxy) {
		bufferevent_free(p->proxy);
		p->proxy = NULL;
	}
	p->mode = PEER_MODE_DRAINING;
	bufferevent_disable(p->bev, EV_READ);
	bufferevent_setcb(p->bev, NULL, close_when_drained, peer_event_cb, p);
	close_when_drained(p->bev, p);
}

void
peer_write(struct peer *p, const void *data, size_t len)
{
	if (p->mode != PEER_MODE_CLOSED)
		bufferevent_write(p->bev, data, len);
}

static void
send_line(struct peer *p, char *line)
{
	if (!line) {
		log_warnx("out of memory encoding a reply");
		peer_close(p);
		return;
	}
	peer_write(p, line, strlen(line));
	free(line);
}

/* READING: a connection that sends no full request line within
 * "request-timeout" is told so and closed; stream modes never arm it. */
static void
idle_expired(evutil_socket_t fd, short what, void *arg)
{
	struct peer *p = arg;
	struct proto_error err = { .code = PROTO_E_INVALID_REQUEST, .kind = PROTO_KIND_TIMEOUT };

	if (p->mode != PEER_MODE_READING)
		return;
	log_debug("peer uid %d: no request in time; closing", (int)p->cred.uid);
	snprintf(err.message, sizeof(err.message), "no request within %lld ms (request-timeout)",
		 (long long)p->d->cfg.limits.request_timeout_ms);
	send_line(p, proto_error_line(NULL, &err));
	peer_close_after_flush(p);
}

static void
idle_arm(struct peer *p)
{
	int64_t ms = p->d->cfg.limits.request_timeout_ms;
	struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };

	if (p->idle_ev && ms > 0)
		event_add(p->idle_ev, &tv);
}

/* The reply is out. Unless the request turned into a stream (what follows
 * the request line belongs to it) or the peer is closing, read on: more
 * requests may already be buffered. */
static void
request_done(struct peer *p)
{
	json_decref(p->req_id);
	p->req_id = NULL;
	if (p->mode != PEER_MODE_REQUEST)
		return;
	p->mode = PEER_MODE_READING;
	if (p->client_eof) {
		peer_close_after_flush(p); /* it asked, it got its answer, it is gone */
		return;
	}
	idle_arm(p);
	if (!p->in_read) /* else the loop on the stack reads the next line */
		peer_read_cb(p->bev, p);
}

/* The request's outcome is known: tell its auditor, once. */
static void
audit_outcome(struct peer *p, const struct proto_error *err)
{
	void (*audit)(struct peer *, const struct proto_error *) = p->audit;

	p->audit = NULL;
	if (audit)
		audit(p, err);
}

void
peer_reply(struct peer *p, json_t *result)
{
	audit_outcome(p, NULL);
	if (p->mode == PEER_MODE_CLOSED) {
		json_decref(result);
		return;
	}
	send_line(p, proto_result_line(p->req_id, result));
	request_done(p);
}

/* The reply line around a result already in JSON text, then maybe raw
 * bytes: all queued before request_done can read a next request. */
static void
reply_text_then(struct peer *p, const char *json, size_t len, const void *data, size_t data_len)
{
	_cleanup_free_ char *id = p->req_id ? json_dumps(p->req_id, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":";

	audit_outcome(p, NULL);
	if (p->mode != PEER_MODE_CLOSED) {
		peer_write(p, head, sizeof(head) - 1);
		peer_write(p, id ? id : "null", strlen(id ? id : "null"));
		peer_write(p, ",\"result\":", 10);
		peer_write(p, json, len);
		peer_write(p, "}\n", 2);
		if (data_len)
			peer_write(p, data, data_len);
	}
	request_done(p);
}

void
peer_reply_text(struct peer *p, const char *json, size_t len)
{
	reply_text_then(p, json, len, NULL, 0);
}

static void
reply_error(struct peer *p, const struct proto_error *err)
{
	audit_outcome(p, err);
	if (p->mode != PEER_MODE_CLOSED)
		send_line(p, proto_error_line(p->req_id, err));
	request_done(p);
}

void
peer_reply_error(struct peer *p, int code, const char *kind, const char *fmt, ...)
{
	struct proto_error err = { .code = code };
	va_list ap;

	snprintf(err.kind, sizeof(err.kind), "%s", kind);
	va_start(ap, fmt);
	vsnprintf(err.message, sizeof(err.message), fmt, ap);
	va_end(ap);
	proto_utf8_sanitize(err.message);
	reply_error(p, &err);
}

void
peer_reply_err(struct peer *p, int code, const char *msg)
{
	const char *kind = PROTO_KIND_INTERNAL;
	int rpc = PROTO_E_ENGINE;

	if (code < 0)
		code = -code;
	if (code == ENOENT || code == ESRCH)
		kind = PROTO_KIND_NOT_FOUND;
	else if (code == EEXIST || code == EBUSY)
		kind = PROTO_KIND_CONFLICT;
	else if (code == EINVAL || code == ERANGE || code == ENOTSUP) {
		kind = PROTO_KIND_INVALID;
		rpc = PROTO_E_INVALID_PARAMS;
	} else if (code == EPERM || code == EACCES)
		kind = PROTO_KIND_PERMISSION;
	else if (code == EDQUOT)
		kind = PROTO_KIND_LIMIT;
	else if (code == EFBIG)
		kind = PROTO_KIND_TOO_LARGE;
	peer_reply_error(p, rpc, kind, "%s", msg ? msg : strerror(code));
}

void
peer_reply_status(struct peer *p, int r, struct lite_err *err)
{
	if (r < 0)
		peer_reply_err(p, r, err->msg);
	else
		peer_reply(p, json_object());
	lite_err_clear(err);
}

static void
dispatch_line(struct peer *p, const char *line, size_t len)
{
	struct proto_request req;
	struct proto_error err = { 0 };
	json_t *id = NULL;

	p->mode = PEER_MODE_REQUEST;
	event_del(p->idle_ev);
	if (proto_request_parse(line, len, &req, &id, &err) < 0) {
		p->req_id = id;
		log_debug("peer uid %d: bad request: %s", (int)p->cred.uid, err.message);
		reply_error(p, &err);
		return;
	}
	p->req_id = json_incref(req.id);
	log_debug("peer uid %d: %s", (int)p->cred.uid, proto_method_name(req.method));
	idle_trim_touch();
	peer_ref(p);
	p->dispatch(p, &req, p->dispatch_arg);
	proto_request_release(&req);
	peer_unref(p);
}

static void
peer_read_cb(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	if (p->mode == PEER_MODE_DISCARDING) {
		struct evbuffer_ptr nl = evbuffer_search(in, "\n", 1, NULL);
		evbuffer_drain(in, nl.pos < 0 ? evbuffer_get_length(in) : (size_t)nl.pos + 1);
		if (nl.pos >= 0)
			peer_close_after_flush(p);
		return;
	}
	peer_ref(p);
	p->in_read = true;
	while (p->mode == PEER_MODE_READING) {
		size_t len;
		char *line;

		if (evbuffer_get_length(bufferevent_get_output(bev)) > REPLY_HIGH_WATER) {
			p->mode = PEER_MODE_BACKLOGGED; /* replies_drained reads on */
			bufferevent_disable(bev, EV_READ);
			break;
		}
		line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF);

		if (!line) {
			if (evbuffer_get_length(in) > PROTO_MAX_LINE) {
				/* answer now, then discard the rest of the line so a
				 * client still writing it can read the error */
				evbuffer_drain(in, evbuffer_get_length(in));
				p->mode = PEER_MODE_DISCARDING;
				peer_reply_error(p, PROTO_E_INVALID_REQUEST, PROTO_KIND_TOO_LARGE,
						 "request line longer than %d bytes", PROTO_MAX_LINE);
			}
			break;
		}
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len > 0)
			dispatch_line(p, line, len);
		free(line);
	}
	p->in_read = false;
	peer_unref(p);
}

/* BACKLOGGED: the client read enough of its replies; take requests again. */
static void
replies_drained(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;

	if (p->mode != PEER_MODE_BACKLOGGED)
		return;
	p->mode = PEER_MODE_READING;
	idle_arm(p);
	bufferevent_enable(bev, EV_READ);
	peer_read_cb(bev, p);
	if (p->mode == PEER_MODE_READING && p->client_eof)
		peer_close_after_flush(p);
}

/* The callbacks of a connection that reads requests. */
static void
set_request_cbs(struct peer *p)
{
	bufferevent_setcb(p->bev, peer_read_cb, replies_drained, peer_event_cb, p);
	bufferevent_setwatermark(p->bev, EV_WRITE, REPLY_LOW_WATER, 0);
}

static void
peer_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct peer *p = arg;

	if (!(what & BEV_EVENT_EOF) || (what & BEV_EVENT_ERROR)) {
		peer_close(p);
		return;
	}
	/* a half-close: the client is done sending but may still read; a
	 * terminal client never half-closes, so its EOF is a disconnect */
	switch (p->mode) {
	case PEER_MODE_PROXYING:
		if (p->proxy_raw) {
			peer_close(p);
			return;
		}
		p->client_eof = true;
		proxy_shim_drained(p->proxy, p);
		return;
	case PEER_MODE_REQUEST:
	case PEER_MODE_BACKLOGGED: /* replies_drained reads the rest, then closes */
	case PEER_MODE_STREAMING:
	case PEER_MODE_FD_PASSED:
		p->client_eof = true; /* the reply or stream in flight ends the connection */
		return;
	default:
		peer_close_after_flush(p);
	}
}

/* Over a connection limit: one error line, written now (the socket is
 * fresh, so it fits), then the connection is closed. */
static bool
admit(struct daemon *d, int fd, uid_t uid)
{
	struct proto_error err = { .code = PROTO_E_ENGINE, .kind = PROTO_KIND_TOO_MANY_CONNECTIONS };
	char *line;

	if (peer_limit_admit(d, uid, err.message, sizeof(err.message)))
		return true;
	log_warnx("refusing a connection: %s", err.message);
	line = proto_error_line(NULL, &err);
	if (line && send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("cannot tell uid %d: %s", (int)uid, strerror(errno));
	free(line);
	close(fd);
	return false;
}

void
peer_new(struct daemon *d, int fd, peer_dispatch_cb dispatch, void *arg)
{
	struct peer *p;
	socklen_t len = sizeof(struct ucred);

	p = calloc(1, sizeof(*p));
	if (!p) {
		close(fd);
		return;
	}
	p->refs = 1;
	p->mode = PEER_MODE_READING;
	p->d = d;
	p->dispatch = dispatch;
	p->dispatch_arg = arg;
	p->upload_fd = -1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &p->cred, &len) < 0) {
		log_warn("SO_PEERCRED");
		close(fd);
		free(p);
		return;
	}
	if (!admit(d, fd, p->cred.uid)) {
		free(p);
		return;
	}
	len = sizeof(p->groups); /* the caller's supplementary groups, for its bind mounts */
	p->n_groups = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, p->groups, &len) == 0 ? (int)(len / sizeof(gid_t)) : -1;
	p->bev = bufferevent_socket_new(d->base, fd, BEV_OPT_CLOSE_ON_FREE);
	p->idle_ev = evtimer_new(d->base, idle_expired, p);
	d->n_peers++; /* counted from here: peer_free releases */
	if (!p->bev || !p->idle_ev) {
		if (!p->bev)
			close(fd);
		peer_free(p);
		return;
	}
	set_request_cbs(p);
	bufferevent_setwatermark(p->bev, EV_READ, 0, PROTO_MAX_LINE + 4096);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	idle_arm(p);
	log_debug("connection from pid %d uid %d", (int)p->cred.pid, (int)p->cred.uid);
}

/* --- attach proxy: client <-> shim, with backpressure both ways --- */

/* Pass the client's half-close on once its last bytes reached the shim. */
static void
proxy_shim_drained(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;

	if (p->client_eof && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		shutdown(bufferevent_getfd(bev), SHUT_WR);
}

/* The exit frame of an exec: keep its status for exec_inspect. */
static void
note_exit(struct peer *p, const char *payload, size_t len)
{
	json_t *o = json_loadb(payload, len, 0, NULL);

	if (o && p->proxy_exec_id[0])
		finished_record(&p->d->finished, p->proxy_exec_id, p->cred.uid,
				(int)json_integer_value(json_object_get(o, "exit_code")),
				json_is_true(json_object_get(o, "oom_killed")),
				json_string_value(json_object_get(o, "error")));
	/* exec_die comes from the shim's note, for every exec (ctr-notes.c) */
	json_decref(o);
}

/* Walk the shim's frames: note the exit, and strip headers for a TTY
 * client, which gets raw bytes. Returns -1 on a malformed stream. */
static int
forward_frames(struct peer *p, struct evbuffer *in, struct evbuffer *out)
{
	uint8_t hdr[FRAME_HDR_LEN];
	enum frame_stream st;
	uint32_t len;

	while (evbuffer_copyout(in, hdr, sizeof(hdr)) == sizeof(hdr)) {
		if (frame_header_decode(hdr, &st, &len) < 0)
			return -1;
		if (evbuffer_get_length(in) < sizeof(hdr) + len)
			break;
		if (st == FRAME_EXIT) {
			char payload[1024];
			size_t n = len < sizeof(payload) ? len : sizeof(payload);

			evbuffer_drain(in, sizeof(hdr));
			evbuffer_remove(in, payload, n);
			evbuffer_drain(in, len - n);
			note_exit(p, payload, n);
			if (!p->proxy_raw) {
				frame_header_encode(hdr, st, (uint32_t)n);
				evbuffer_add(out, hdr, sizeof(hdr));
				evbuffer_add(out, payload, n);
			}
			continue;
		}
		if (p->proxy_raw)
			evbuffer_drain(in, sizeof(hdr));
		else
			len += sizeof(hdr);
		evbuffer_remove_buffer(in, out, len);
	}
	return 0;
}

static void
proxy_shim_read(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev), *out = bufferevent_get_output(p->bev);

	if (!p->proxy_raw && !p->proxy_exec_id[0])
		bufferevent_write_buffer(p->bev, in);
	else if (forward_frames(p, in, out) < 0) {
		peer_close(p);
		return;
	}
	if (evbuffer_get_length(out) >= PROXY_HIGH_WATER)
		bufferevent_disable(bev, EV_READ);
}

static void
proxy_client_drained(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;

	if (p->proxy)
		bufferevent_enable(p->proxy, EV_READ);
}

static void
proxy_client_read(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	if (p->mode != PEER_MODE_PROXYING)
		return;
	if (!p->proxy_raw) {
		bufferevent_write_buffer(p->proxy, in);
		return;
	}
	/* a TTY client types raw bytes: the shim wants stdin frames */
	while (evbuffer_get_length(in)) {
		size_t n = evbuffer_get_length(in);
		uint8_t hdr[FRAME_HDR_LEN];

		if (n > 65536)
			n = 65536;
		frame_header_encode(hdr, FRAME_STDIN, (uint32_t)n);
		bufferevent_write(p->proxy, hdr, sizeof(hdr));
		evbuffer_remove_buffer(in, bufferevent_get_output(p->proxy), n);
	}
}

static void
proxy_shim_event(struct bufferevent *bev, short what, void *arg)
{
	struct peer *p = arg;

	/* the shim sent the exit frame and closed: forward what is left */
	if (!p->proxy_raw && !p->proxy_exec_id[0])
		bufferevent_write_buffer(p->bev, bufferevent_get_input(bev));
	else
		(void)forward_frames(p, bufferevent_get_input(bev), bufferevent_get_output(p->bev));
	bufferevent_free(p->proxy);
	p->proxy = NULL;
	p->mode = PEER_MODE_STREAM_ENDED;
	if (p->on_proxy_end)
		p->on_proxy_end(p); /* closes once the exit is recorded */
	else
		peer_close_after_flush(p);
}

/* After the reply: copy bytes both ways between the client and fd (a shim
 * attach socket). */
static void
peer_start_proxy(struct peer *p, int fd)
{
	if (p->mode == PEER_MODE_CLOSED) {
		close(fd);
		return;
	}
	p->proxy = bufferevent_socket_new(p->d->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (!p->proxy) {
		close(fd);
		peer_close_after_flush(p); /* no stream: end the connection */
		return;
	}
	fd_set_nonblock(fd, 1);
	bufferevent_setcb(p->proxy, proxy_shim_read, proxy_shim_drained, proxy_shim_event, p);
	bufferevent_enable(p->proxy, EV_READ | EV_WRITE);
	bufferevent_setwatermark(p->bev, EV_WRITE, PROXY_HIGH_WATER / 2, 0);
	bufferevent_setcb(p->bev, proxy_client_read, proxy_client_drained, peer_event_cb, p);
	/* stdin bytes that arrived right behind the request line */
	if (evbuffer_get_length(bufferevent_get_input(p->bev)))
		proxy_client_read(p->bev, p);
	if (p->client_eof && p->proxy_raw)
		peer_close(p); /* a terminal client that is already gone */
	else if (p->client_eof) /* it half-closed before the stream began */
		proxy_shim_drained(p->proxy, p);
}

/* --- upload: bytes after the request line go to a file --- */

static void
upload_finish(struct peer *p, int error)
{
	void (*done)(struct peer *, int) = p->upload_done;

	p->upload_done = NULL;
	p->mode = PEER_MODE_REQUEST; /* the handler replies once it used the file */
	set_request_cbs(p);
	if (done)
		done(p, error);
}

static void
upload_read(struct bufferevent *bev, void *arg)
{
	struct peer *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	while (p->mode == PEER_MODE_UPLOADING && evbuffer_get_length(in) && p->upload_left) {
		size_t want = evbuffer_get_length(in);
		int n;

		if (want > p->upload_left)
			want = (size_t)p->upload_left;
		n = evbuffer_write_atmost(in, p->upload_fd, (ev_ssize_t)want);
		if (n <= 0) {
			upload_finish(p, errno ? -errno : -EIO);
			return;
		}
		if (p->upload_left != UINT64_MAX)
			p->upload_left -= (uint64_t)n;
		p->upload_done_bytes += (uint64_t)n;
		if (p->upload_cap && p->upload_done_bytes > p->upload_cap) {
			upload_finish(p, -EFBIG);
			return;
		}
	}
	if (p->mode == PEER_MODE_UPLOADING && p->upload_left == 0)
		upload_finish(p, 0);
}

static void
upload_event(struct bufferevent *bev, short what, void *arg)
{
	struct peer *p = arg;

	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR)) {
		upload_read(bev, p);
		if (p->mode == PEER_MODE_UPLOADING)
			upload_finish(p, p->upload_left == UINT64_MAX ? 0 : -EPIPE);
		return;
	}
	peer_close(p);
}

void
peer_start_upload(struct peer *p, int fd, uint64_t limit, void (*done)(struct peer *p, int error))
{
	p->upload_fd = fd;
	p->upload_left = limit;
	p->upload_done = done;
	p->mode = PEER_MODE_UPLOADING;
	bufferevent_setcb(p->bev, upload_read, NULL, upload_event, p);
	bufferevent_enable(p->bev, EV_READ);
	upload_read(p->bev, p);
}

void
peer_start_stream(struct peer *p, void *state, void (*free_state)(struct peer *p))
{
	p->stream_state = state;
	p->stream_free = free_state;
	if (p->mode != PEER_MODE_CLOSED)
		p->mode = PEER_MODE_STREAMING;
}

void
peer_set_write_cb(struct peer *p, bufferevent_data_cb cb)
{
	if (p->mode == PEER_MODE_CLOSED)
		return;
	bufferevent_setcb(p->bev, NULL, cb, peer_event_cb, p);
	bufferevent_setwatermark(p->bev, EV_WRITE, 0, 0);
}

static bool
send_line_with_fd(struct peer *p, const char *line, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { (void *)line, strlen(line) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	ssize_t n;

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	n = sendmsg(bufferevent_getfd(p->bev), &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == (ssize_t)strlen(line))
		return true;
	if (n > 0) /* a short write of a fresh small line: queue the rest */
		bufferevent_write(p->bev, line + n, strlen(line) - (size_t)n);
	return n > 0;
}

bool
peer_reply_stream(struct peer *p, json_t *result, int shim_fd, bool want_fd, bool tty,
		  const char *ctr_id, const char *exec_id)
{
	char *line;
	bool passed = false;

	if (p->mode == PEER_MODE_CLOSED) {
		audit_outcome(p, NULL); /* it ran; its client is gone */
		json_decref(result);
		close(shim_fd);
		return false;
	}
	snprintf(p->stream_ctr, sizeof(p->stream_ctr), "%s", ctr_id);
	if (want_fd && evbuffer_get_length(bufferevent_get_output(p->bev)) == 0) {
		json_object_set_new(result, "fd_passed", json_true());
		line = proto_result_line(p->req_id, json_incref(result));
		passed = line && send_line_with_fd(p, line, shim_fd);
		free(line);
		if (passed) {
			json_decref(result);
			close(shim_fd);
			p->mode = PEER_MODE_FD_PASSED; /* no more requests on this connection */
			audit_outcome(p, NULL);
			request_done(p);
			return true;
		}
		json_object_del(result, "fd_passed");
	}
	p->mode = PEER_MODE_PROXYING; /* the reply ends the request, not the connection */
	peer_reply(p, result);
	p->proxy_raw = tty;
	snprintf(p->proxy_exec_id, sizeof(p->proxy_exec_id), "%s", exec_id ? exec_id : "");
	peer_start_proxy(p, shim_fd);
	return false;
}

void
peer_reply_bytes(struct peer *p, json_t *result, const void *data, size_t len)
{
	_cleanup_free_ char *text = json_dumps(result, JSON_COMPACT);

	json_decref(result);
	if (!text)
		peer_reply_error(p, PROTO_E_INTERNAL, PROTO_KIND_INTERNAL, "out of memory");
	else
		reply_text_then(p, text, strlen(text), data, len);
}
