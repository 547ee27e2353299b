/* The shim's event loop (epoll, fixed buffers, no heap growth after a
 * client's buffer is allocated): container stdout/stderr become frames in
 * the log file and in every attached client's stream; the stdin owner's
 * frames feed the container's stdin; SIGCHLD ends it with an exit record.
 *
 * Attach socket protocol (one text line from the client, then frames):
 *   "attach [stdin] [start]\n"  receive output frames; optionally own stdin
 *                               and release init if it waits to start
 *   "start\n"                   release init and close */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "fs-util.h"
#include "proto.h"

#define MAX_CLIENTS 64
#define CHUNK (64 * 1024)
#define CLIENT_OUT_CAP (4 * CHUNK)
#define STDIN_CAP CHUNK
#define DRAIN_GRACE_MS 2000

enum src_kind { SRC_LISTEN, SRC_STDOUT, SRC_STDERR, SRC_STDIN, SRC_SIGNAL, SRC_EXEC_ERR, SRC_CLIENT };

struct client {
	enum src_kind kind; /* SRC_CLIENT; first member, see struct source */
	int fd;
	bool greeted;       /* sent its command line */
	bool attached;
	bool read_eof;
	char line[128];
	size_t line_len;
	char *out;          /* pending output, CLIENT_OUT_CAP bytes */
	size_t out_len;
	uint8_t hdr[FRAME_HDR_LEN];
	size_t hdr_len;
	uint32_t payload_left;
	enum frame_stream payload_stream;
};

struct source {
	enum src_kind kind;
	int fd;
};

struct shim {
	const struct shim_config *cfg;
	struct spawn_result *sp;
	int ep;
	struct source listen, out, err, in, sig, exec_err;
	struct client *clients[MAX_CLIENTS];
	struct client *stdin_owner;
	char stdin_buf[STDIN_CAP];
	size_t stdin_len;
	int log_fd;
	size_t log_size;
	bool started, exited, pipes_paused;
	int status;
	int exec_exit_code;
	char exec_error[480];
	int open_outputs;   /* stdout + stderr still open */
	struct timespec exit_time;
};

static void
ep_set(struct shim *s, int fd, void *ptr, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.ptr = ptr };

	(void)epoll_ctl(s->ep, op, fd, &ev);
}

static void
source_add(struct shim *s, struct source *src, enum src_kind kind, int fd, uint32_t events)
{
	src->kind = kind;
	src->fd = fd;
	if (fd >= 0)
		ep_set(s, fd, src, events, EPOLL_CTL_ADD);
}

static void
source_close(struct shim *s, struct source *src)
{
	if (src->fd < 0)
		return;
	epoll_ctl(s->ep, EPOLL_CTL_DEL, src->fd, NULL);
	close(src->fd);
	src->fd = -1;
}

static void
log_rotate_if_needed(struct shim *s)
{
	char old[4096];

	if (s->log_size < s->cfg->log_max)
		return;
	snprintf(old, sizeof(old), "%s.1", s->cfg->log_path);
	rename(s->cfg->log_path, old);
	close(s->log_fd);
	s->log_fd = open(s->cfg->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	s->log_size = 0;
}

static void
client_drop(struct shim *s, struct client *c)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (s->clients[i] == c)
			s->clients[i] = NULL;
	if (s->stdin_owner == c) {
		s->stdin_owner = NULL;
		source_close(s, &s->in);
	}
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	free(c);
}

static void
client_update_events(struct shim *s, struct client *c)
{
	uint32_t ev = 0;

	if (!c->read_eof && !(s->stdin_owner == c && s->stdin_len > 0))
		ev |= EPOLLIN;
	if (c->out_len)
		ev |= EPOLLOUT;
	ep_set(s, c->fd, c, ev, EPOLL_CTL_MOD);
}

/* Write what the socket takes now; false if the client is gone. */
static bool
client_flush(struct shim *s, struct client *c)
{
	while (c->out_len) {
		ssize_t n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0)
			return false;
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
	client_update_events(s, c);
	return true;
}

/* Output may be read from the container only while every client has room. */
static void
pipes_update(struct shim *s)
{
	bool room = true;

	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = s->clients[i];
		if (c && c->attached && CLIENT_OUT_CAP - c->out_len < CHUNK + FRAME_HDR_LEN)
			room = false;
	}
	if (room == !s->pipes_paused)
		return;
	s->pipes_paused = !room;
	if (s->out.fd >= 0)
		ep_set(s, s->out.fd, &s->out, room ? EPOLLIN : 0, EPOLL_CTL_MOD);
	if (s->err.fd >= 0)
		ep_set(s, s->err.fd, &s->err, room ? EPOLLIN : 0, EPOLL_CTL_MOD);
}

static void
broadcast(struct shim *s, enum frame_stream stream, const char *data, size_t len)
{
	uint8_t hdr[FRAME_HDR_LEN];

	frame_header_encode(hdr, stream, (uint32_t)len);
	if (stream != FRAME_EXIT && s->log_fd >= 0) {
		struct iovec iov[2] = { { hdr, sizeof(hdr) }, { (void *)data, len } };
		ssize_t n = writev(s->log_fd, iov, 2);
		if (n > 0)
			s->log_size += (size_t)n;
		log_rotate_if_needed(s);
	}
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = s->clients[i];
		if (!c || !c->attached || CLIENT_OUT_CAP - c->out_len < len + sizeof(hdr))
			continue;
		memcpy(c->out + c->out_len, hdr, sizeof(hdr));
		memcpy(c->out + c->out_len + sizeof(hdr), data, len);
		c->out_len += len + sizeof(hdr);
		if (!client_flush(s, c))
			client_drop(s, c);
	}
	pipes_update(s);
}

static void
on_output(struct shim *s, struct source *src, enum frame_stream stream)
{
	char buf[CHUNK];
	ssize_t n = read(src->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		source_close(s, src);
		s->open_outputs--;
		return;
	}
	broadcast(s, stream, buf, (size_t)n);
}

static void
start_container(struct shim *s)
{
	if (s->started)
		return;
	s->started = true;
	(void)!write(s->sp->start_fd, "s", 1);
	close(s->sp->start_fd);
	s->sp->start_fd = -1;
	source_add(s, &s->exec_err, SRC_EXEC_ERR, s->sp->error_fd, EPOLLIN);
}

/* Returns false when the client is gone afterwards. */
static bool
client_command(struct shim *s, struct client *c)
{
	bool attach = strncmp(c->line, "attach", 6) == 0;

	c->greeted = true;
	if (attach) {
		c->attached = true;
		c->out = malloc(CLIENT_OUT_CAP);
		if (!c->out) {
			client_drop(s, c);
			return false;
		}
		if (strstr(c->line, "stdin") && !s->stdin_owner && s->in.fd >= 0)
			s->stdin_owner = c;
	}
	if (strstr(c->line, "start"))
		start_container(s);
	if (!attach) {
		client_drop(s, c);
		return false;
	}
	pipes_update(s);
	client_update_events(s, c);
	return true;
}

static void
stdin_flush(struct shim *s)
{
	while (s->stdin_len && s->in.fd >= 0) {
		ssize_t n = write(s->in.fd, s->stdin_buf, s->stdin_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {        /* the container closed its stdin */
			s->stdin_len = 0;
			break;
		}
		memmove(s->stdin_buf, s->stdin_buf + n, s->stdin_len - (size_t)n);
		s->stdin_len -= (size_t)n;
	}
	if (s->in.fd >= 0)
		ep_set(s, s->in.fd, &s->in, s->stdin_len ? EPOLLOUT : 0, EPOLL_CTL_MOD);
	if (s->stdin_owner) {
		if (s->stdin_owner->read_eof && !s->stdin_len)
			source_close(s, &s->in);
		client_update_events(s, s->stdin_owner);
	}
}

/* Parse stdin frames out of bytes read from a client. */
static void
client_consume(struct shim *s, struct client *c, const uint8_t *p, size_t n)
{
	while (n) {
		if (c->payload_left == 0) {
			size_t take = FRAME_HDR_LEN - c->hdr_len < n ? FRAME_HDR_LEN - c->hdr_len : n;
			memcpy(c->hdr + c->hdr_len, p, take);
			c->hdr_len += take;
			p += take;
			n -= take;
			if (c->hdr_len < FRAME_HDR_LEN)
				return;
			c->hdr_len = 0;
			if (frame_header_decode(c->hdr, &c->payload_stream, &c->payload_left) < 0) {
				c->read_eof = true; /* garbage: stop listening to it */
				return;
			}
			continue;
		}
		size_t take = c->payload_left < n ? c->payload_left : n;
		if (s->stdin_owner == c && c->payload_stream == FRAME_STDIN) {
			memcpy(s->stdin_buf + s->stdin_len, p, take);
			s->stdin_len += take;
		}
		c->payload_left -= (uint32_t)take;
		p += take;
		n -= take;
	}
}

static void
on_client_readable(struct shim *s, struct client *c)
{
	uint8_t buf[STDIN_CAP];
	size_t room = c->greeted ? STDIN_CAP - s->stdin_len : sizeof(c->line) - 1 - c->line_len;
	ssize_t n = read(c->fd, c->greeted ? (void *)buf : c->line + c->line_len, room ? room : 1);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		c->read_eof = true;
		if (!c->attached) {
			client_drop(s, c);
			return;
		}
		if (s->stdin_owner == c)
			stdin_flush(s);
		client_update_events(s, c);
		return;
	}
	if (!c->greeted) {
		char *nl;
		size_t rest;

		c->line_len += (size_t)n;
		c->line[c->line_len] = '\0';
		nl = strchr(c->line, '\n');
		if (!nl) {
			if (c->line_len >= sizeof(c->line) - 1)
				client_drop(s, c);
			return;
		}
		/* frames may follow the greeting in the same read */
		rest = c->line_len - (size_t)(nl + 1 - c->line);
		*nl = '\0';
		memcpy(buf, nl + 1, rest);
		if (!client_command(s, c) || rest == 0)
			return;
		n = (ssize_t)rest;
	}
	client_consume(s, c, buf, (size_t)n);
	if (s->stdin_owner == c)
		stdin_flush(s);
}

static void
on_accept(struct shim *s)
{
	int fd = accept4(s->listen.fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	struct client *c;
	int slot = -1;

	if (fd < 0)
		return;
	for (int i = 0; i < MAX_CLIENTS && slot < 0; i++)
		if (!s->clients[i])
			slot = i;
	c = slot >= 0 ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		close(fd);
		return;
	}
	c->kind = SRC_CLIENT;
	c->fd = fd;
	s->clients[slot] = c;
	ep_set(s, fd, c, EPOLLIN, EPOLL_CTL_ADD);
}

static void
on_exec_error(struct shim *s)
{
	struct spawn_error e;
	ssize_t n = read_all(s->exec_err.fd, &e, sizeof(e));

	if (n == (ssize_t)sizeof(e) && e.exit_code) {
		e.msg[sizeof(e.msg) - 1] = '\0';
		s->exec_exit_code = e.exit_code;
		snprintf(s->exec_error, sizeof(s->exec_error), "%s", e.msg);
	}
	source_close(s, &s->exec_err);
}

static void
on_signal(struct shim *s)
{
	struct signalfd_siginfo si;
	int status;

	while (read(s->sig.fd, &si, sizeof(si)) == sizeof(si))
		;
	if (s->exited)
		return;
	if (waitpid(s->sp->pid, &status, WNOHANG) == s->sp->pid) {
		s->exited = true;
		s->status = status;
		clock_gettime(CLOCK_MONOTONIC, &s->exit_time);
	}
}

static int
exit_code_of(const struct shim *s)
{
	if (s->exec_exit_code)
		return s->exec_exit_code;
	if (WIFEXITED(s->status))
		return WEXITSTATUS(s->status);
	if (WIFSIGNALED(s->status))
		return 128 + WTERMSIG(s->status);
	return 255;
}

static bool
oom_happened(const struct shim *s)
{
	char *buf = NULL;
	uint64_t n = 0;

	if (!s->cfg->oom_file || read_file(s->cfg->oom_file, &buf, NULL) < 0)
		return false;
	(void)cgroup_parse_oom_kill(buf, &n);
	free(buf);
	return n > 0;
}

static void
write_exit_record(struct shim *s, int code, bool oom)
{
	json_t *o = json_pack("{s:i, s:b, s:I}", "exit_code", code, "oom_killed", oom,
			      "finished_at", (json_int_t)time(NULL));
	char *dump;

	if (s->exec_error[0])
		json_object_set_new(o, "error", json_string(s->exec_error));
	dump = json_dumps(o, JSON_COMPACT);
	if (dump)
		(void)write_file_atomic(s->cfg->exit_path, dump, strlen(dump), 0644);
	free(dump);
	json_decref(o);
}

/* Last frame to every client, then a bounded blocking flush. */
static void
finish_clients(struct shim *s, int code, bool oom)
{
	char *payload = frame_exit_payload(code, oom, s->exec_error[0] ? s->exec_error : NULL);
	struct timeval tv = { .tv_sec = 2 };

	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = s->clients[i];
		if (!c)
			continue;
		if (c->attached && payload) {
			uint8_t hdr[FRAME_HDR_LEN];
			size_t len = strlen(payload);
			frame_header_encode(hdr, FRAME_EXIT, (uint32_t)len);
			fd_set_nonblock(c->fd, 0);
			setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
			(void)write_all(c->fd, c->out, c->out_len);
			(void)write_all(c->fd, hdr, sizeof(hdr));
			(void)write_all(c->fd, payload, len);
		}
		client_drop(s, c);
	}
	free(payload);
}

static long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static void
dispatch(struct shim *s, void *ptr, uint32_t events)
{
	struct source *src = ptr;

	switch (src->kind) {
	case SRC_LISTEN:
		on_accept(s);
		break;
	case SRC_STDOUT:
		on_output(s, src, FRAME_STDOUT);
		break;
	case SRC_STDERR:
		on_output(s, src, FRAME_STDERR);
		break;
	case SRC_STDIN:
		stdin_flush(s);
		break;
	case SRC_SIGNAL:
		on_signal(s);
		break;
	case SRC_EXEC_ERR:
		on_exec_error(s);
		break;
	case SRC_CLIENT: {
		struct client *c = ptr;
		if ((events & EPOLLOUT) && !client_flush(s, c)) {
			client_drop(s, c);
			break;
		}
		if (c->read_eof && (events & (EPOLLHUP | EPOLLERR))) {
			client_drop(s, c); /* gone both ways */
			break;
		}
		if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
			on_client_readable(s, c);
		pipes_update(s);
		break;
	}
	}
}

static int
setup(struct shim *s, const struct shim_config *cfg, struct spawn_result *sp, int listen_fd)
{
	sigset_t mask;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->sp = sp;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->log_fd = open(cfg->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (s->ep < 0 || s->log_fd < 0)
		return -1;
	s->log_size = (size_t)lseek(s->log_fd, 0, SEEK_END);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	source_add(s, &s->sig, SRC_SIGNAL, signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK), EPOLLIN);
	source_add(s, &s->listen, SRC_LISTEN, listen_fd, EPOLLIN);
	fd_set_nonblock(sp->stdout_fd, 1);
	fd_set_nonblock(sp->stderr_fd, 1);
	source_add(s, &s->out, SRC_STDOUT, sp->stdout_fd, EPOLLIN);
	source_add(s, &s->err, SRC_STDERR, sp->stderr_fd, EPOLLIN);
	s->open_outputs = 2;
	s->in.fd = -1;
	s->exec_err.fd = -1;
	if (sp->stdin_fd >= 0) {
		fd_set_nonblock(sp->stdin_fd, 1);
		source_add(s, &s->in, SRC_STDIN, sp->stdin_fd, 0);
	}
	on_signal(s); /* init may already be gone */
	return 0;
}

int
shim_io_run(const struct shim_config *cfg, struct spawn_result *sp, int listen_fd)
{
	struct epoll_event evs[16];
	struct shim s;
	int code;
	bool oom;

	if (setup(&s, cfg, sp, listen_fd) < 0)
		return 1;
	for (;;) {
		int timeout = -1, n;

		if (s.exited) {
			long left = DRAIN_GRACE_MS - ms_since(&s.exit_time);
			if (s.open_outputs == 0 || left <= 0)
				break;
			timeout = (int)left;
		}
		n = epoll_wait(s.ep, evs, 16, timeout);
		for (int i = 0; i < n; i++)
			dispatch(&s, evs[i].data.ptr, evs[i].events);
	}
	if (s.exec_err.fd >= 0)
		on_exec_error(&s);
	code = exit_code_of(&s);
	oom = oom_happened(&s);
	write_exit_record(&s, code, oom);
	finish_clients(&s, code, oom);
	return 0;
}
