/* The shim's event loop (epoll; fixed buffers allocated once per process
 * and client): each process of the container — init and every exec'd one —
 * has its output turned into frames for its attached clients (init's also
 * into the log file), and its stdin fed from its stdin client's frames.
 * SIGCHLD ends a process with an exit frame; init's end ends the shim.
 *
 * Attach socket protocol (one text line from the client, then frames):
 *   "attach [stdin] [start] [replay]\n"  init's output; own its stdin;
 *                        release init; first replay recent output
 *   "start\n"            release init, then close
 *   "exec JSON\n"        run a process in the container (shim-exec.c);
 *                        this connection is its stream unless "detach"
 *   "resize ID ROWS COLS\n"  resize the terminal of init ("init") or an exec */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cgroup.h"
#include "fd-util.h"
#include "frame.h"
#include "fs-util.h"

#define MAX_CLIENTS 64
#define MAX_PROCS 32
#define CHUNK (128 * 1024)
#define CLIENT_OUT_CAP (4 * CHUNK)
#define STDIN_CAP CHUNK
#define REPLAY_CAP 4096
#define DRAIN_GRACE_MS 2000
#define FINISH_FLUSH_MS 2000 /* whole seconds */

enum src_kind { SRC_LISTEN, SRC_SIGNAL, SRC_OUT, SRC_ERR, SRC_IN, SRC_EXEC_ERR, SRC_CLIENT };

struct proc;

/* An epoll target; struct client starts with the same kind member. */
struct source {
	enum src_kind kind;
	int fd;
	struct proc *proc;
};

struct client {
	enum src_kind kind; /* SRC_CLIENT */
	int fd;
	bool dead;          /* dropped; freed after the current batch of events */
	struct client *next_dead;
	struct proc *proc;  /* attached to */
	bool greeted, read_eof;
	char line[4096];    /* the command line; exec specs can be long */
	size_t line_len;
	char *out;          /* pending output, CLIENT_OUT_CAP bytes */
	size_t out_len;
	uint8_t hdr[FRAME_HDR_LEN];
	size_t hdr_len;
	uint32_t payload_left;
	enum frame_stream payload_stream;
};

struct proc {
	bool is_init, tty;
	char id[72];
	pid_t pid;
	struct source out, err, in, exec_err;
	int open_outputs;
	bool exited, paused;
	int status, exec_exit_code;
	char exec_error[480];
	struct timespec exit_time;
	int tty_slave;           /* held until exit: a master without slaves reads EIO */
	struct client *stdin_owner;
	char stdin_buf[STDIN_CAP];
	size_t stdin_len;
	char replay[REPLAY_CAP]; /* init's most recent output, for "attach replay" */
	size_t replay_len;
};

struct shim {
	const struct shim_config *cfg;
	int ep;
	struct source listen, sig;
	struct client *clients[MAX_CLIENTS];
	struct proc *procs[MAX_PROCS];
	struct proc *init;
	struct client *graveyard; /* dropped clients a pending event may still name */
	int start_fd;
	bool started;
	int log_fd;
	size_t log_size;
};

static void client_drop(struct shim *s, struct client *c);

static void
ep_set(struct shim *s, int fd, void *ptr, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.ptr = ptr };

	(void)epoll_ctl(s->ep, op, fd, &ev);
}

static void
source_add(struct shim *s, struct source *src, enum src_kind kind, struct proc *p, int fd, uint32_t events)
{
	src->kind = kind;
	src->fd = fd;
	src->proc = p;
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

static long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* --- processes --- */

static struct proc *
proc_add(struct shim *s, const char *id, bool tty, struct spawn_result *sp)
{
	struct proc *p = NULL;

	for (int i = 0; i < MAX_PROCS && !p; i++)
		if (!s->procs[i] && (p = calloc(1, sizeof(*p))))
			s->procs[i] = p;
	if (!p)
		return NULL;
	snprintf(p->id, sizeof(p->id), "%s", id);
	p->tty = tty;
	p->pid = sp->pid;
	p->out.fd = p->err.fd = p->in.fd = p->exec_err.fd = -1;
	p->tty_slave = -1;
	fd_set_nonblock(sp->stdout_fd, 1);
	source_add(s, &p->out, SRC_OUT, p, sp->stdout_fd, EPOLLIN);
	p->open_outputs = 1;
	if (sp->stderr_fd >= 0) {
		fd_set_nonblock(sp->stderr_fd, 1);
		source_add(s, &p->err, SRC_ERR, p, sp->stderr_fd, EPOLLIN);
		p->open_outputs++;
	}
	if (sp->stdin_fd >= 0) {
		fd_set_nonblock(sp->stdin_fd, 1);
		source_add(s, &p->in, SRC_IN, p, sp->stdin_fd, 0);
	}
	return p;
}

static struct proc *
proc_find(struct shim *s, const char *id)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (s->procs[i] && strcmp(s->procs[i]->id, id) == 0)
			return s->procs[i];
	return NULL;
}

static void
proc_free(struct shim *s, struct proc *p)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (s->clients[i] && s->clients[i]->proc == p)
			client_drop(s, s->clients[i]);
	if (p->tty_slave >= 0)
		close(p->tty_slave);
	source_close(s, &p->out);
	source_close(s, &p->err);
	source_close(s, &p->in);
	source_close(s, &p->exec_err);
	for (int i = 0; i < MAX_PROCS; i++)
		if (s->procs[i] == p)
			s->procs[i] = NULL;
	free(p);
}

/* --- clients --- */

static void
client_drop(struct shim *s, struct client *c)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (s->clients[i] == c)
			s->clients[i] = NULL;
	if (c->proc && c->proc->stdin_owner == c) {
		c->proc->stdin_owner = NULL;
		if (!c->proc->tty)
			source_close(s, &c->proc->in);
	}
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->out);
	c->out = NULL;
	c->fd = -1;
	c->proc = NULL;
	c->dead = true;
	c->next_dead = s->graveyard;
	s->graveyard = c;
}

static void
bury_dead(struct shim *s)
{
	while (s->graveyard) {
		struct client *c = s->graveyard;
		s->graveyard = c->next_dead;
		free(c);
	}
}

static void
client_update_events(struct shim *s, struct client *c)
{
	uint32_t ev = 0;
	struct proc *p = c->proc;

	if (!c->read_eof && !(p && p->stdin_owner == c && p->stdin_len > 0))
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

static bool
client_queue(struct shim *s, struct client *c, enum frame_stream stream, const char *data, size_t len)
{
	uint8_t hdr[FRAME_HDR_LEN];

	if (CLIENT_OUT_CAP - c->out_len < len + sizeof(hdr))
		return true; /* cannot happen while pausing works; drop rather than grow */
	frame_header_encode(hdr, stream, (uint32_t)len);
	memcpy(c->out + c->out_len, hdr, sizeof(hdr));
	memcpy(c->out + c->out_len + sizeof(hdr), data, len);
	c->out_len += len + sizeof(hdr);
	return client_flush(s, c);
}

/* A process's output is read only while each of its clients has room. */
static void
proc_update_pause(struct shim *s, struct proc *p)
{
	bool room = true;

	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = s->clients[i];
		if (c && c->proc == p && c->out && CLIENT_OUT_CAP - c->out_len < CHUNK + FRAME_HDR_LEN)
			room = false;
	}
	if (room == !p->paused)
		return;
	p->paused = !room;
	/* out of epoll entirely while paused: a hung-up pipe reports EPOLLHUP
	 * even with no events asked for, and must not be read into a full buffer */
	if (p->out.fd >= 0)
		ep_set(s, p->out.fd, &p->out, EPOLLIN, room ? EPOLL_CTL_ADD : EPOLL_CTL_DEL);
	if (p->err.fd >= 0)
		ep_set(s, p->err.fd, &p->err, EPOLLIN, room ? EPOLL_CTL_ADD : EPOLL_CTL_DEL);
}

static void
log_append(struct shim *s, enum frame_stream stream, const char *data, size_t len)
{
	uint8_t hdr[FRAME_HDR_LEN];
	struct iovec iov[2] = { { hdr, sizeof(hdr) }, { (void *)data, len } };
	char old[4096];
	ssize_t n;

	if (s->log_fd < 0)
		return;
	frame_header_encode(hdr, stream, (uint32_t)len);
	n = writev(s->log_fd, iov, 2);
	if (n > 0)
		s->log_size += (size_t)n;
	if (s->log_size < s->cfg->log_max)
		return;
	snprintf(old, sizeof(old), "%s.1", s->cfg->log_path);
	rename(s->cfg->log_path, old);
	close(s->log_fd);
	s->log_fd = open(s->cfg->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	s->log_size = 0;
}

static void
replay_keep(struct proc *p, const char *data, size_t len)
{
	if (len >= REPLAY_CAP) {
		memcpy(p->replay, data + len - REPLAY_CAP, REPLAY_CAP);
		p->replay_len = REPLAY_CAP;
		return;
	}
	if (p->replay_len + len > REPLAY_CAP) {
		size_t drop = p->replay_len + len - REPLAY_CAP;
		memmove(p->replay, p->replay + drop, p->replay_len - drop);
		p->replay_len -= drop;
	}
	memcpy(p->replay + p->replay_len, data, len);
	p->replay_len += len;
}

static void
on_output(struct shim *s, struct source *src, enum frame_stream stream)
{
	struct proc *p = src->proc;
	char buf[CHUNK];
	ssize_t n;

	if (p->paused)
		return; /* an event from before the pause, in this same batch */
	n = read(src->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) { /* EOF, or EIO from a pty whose last slave closed */
		if (src == &p->out && p->tty)
			source_close(s, &p->in); /* the dup of the terminal we write to */
		source_close(s, src);
		p->open_outputs--;
		return;
	}
	if (p->exited) /* still draining: the grace period counts from the last byte */
		clock_gettime(CLOCK_MONOTONIC, &p->exit_time);
	if (p->is_init) {
		log_append(s, stream, buf, (size_t)n);
		replay_keep(p, buf, (size_t)n);
	}
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = s->clients[i];
		if (c && c->proc == p && c->out && !client_queue(s, c, stream, buf, (size_t)n))
			client_drop(s, c);
	}
	proc_update_pause(s, p);
}

static void
stdin_flush(struct shim *s, struct proc *p)
{
	while (p->stdin_len && p->in.fd >= 0) {
		ssize_t n = write(p->in.fd, p->stdin_buf, p->stdin_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) { /* the process closed its stdin */
			p->stdin_len = 0;
			break;
		}
		memmove(p->stdin_buf, p->stdin_buf + n, p->stdin_len - (size_t)n);
		p->stdin_len -= (size_t)n;
	}
	if (p->in.fd >= 0) /* a full pipe or terminal: wait until it takes more */
		ep_set(s, p->in.fd, &p->in, p->stdin_len ? EPOLLOUT : 0, EPOLL_CTL_MOD);
	if (p->stdin_owner) {
		struct client *owner = p->stdin_owner;

		/* EOF from the client closes a pipe; a terminal stays open for
		 * the next client to attach (a detached client only half-closes) */
		if (owner->read_eof && !p->stdin_len) {
			p->stdin_owner = NULL;
			if (!p->tty)
				source_close(s, &p->in);
		}
		client_update_events(s, owner);
	}
}

/* Parse stdin frames out of bytes read from a client. */
static void
client_consume(struct proc *p, struct client *c, const uint8_t *b, size_t n)
{
	while (n) {
		size_t take;

		if (c->payload_left == 0) {
			take = FRAME_HDR_LEN - c->hdr_len < n ? FRAME_HDR_LEN - c->hdr_len : n;
			memcpy(c->hdr + c->hdr_len, b, take);
			c->hdr_len += take;
			b += take;
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
		take = c->payload_left < n ? c->payload_left : n;
		if (p && p->stdin_owner == c && c->payload_stream == FRAME_STDIN && p->stdin_len + take <= STDIN_CAP) {
			memcpy(p->stdin_buf + p->stdin_len, b, take);
			p->stdin_len += take;
		}
		c->payload_left -= (uint32_t)take;
		b += take;
		n -= take;
	}
}

/* --- commands --- */

static void
start_init(struct shim *s)
{
	struct start_msg msg = { .pts = -1 };
	struct proc *p = s->init;

	if (s->started)
		return;
	s->started = true;
	if (s->cfg->tty && p) {
		char root[64];
		int slave = -1, master;

		snprintf(root, sizeof(root), "/proc/%d/root", (int)p->pid);
		master = pty_open_ctr(s->cfg, root, s->cfg->rows, s->cfg->cols, &slave, &msg.pts);
		if (master >= 0) {
			p->tty_slave = slave; /* init opens its own by path, as controlling terminal */
			fd_set_nonblock(master, 1);
			source_add(s, &p->out, SRC_OUT, p, master, EPOLLIN);
			/* input through a dup: it is polled for EPOLLOUT on its own */
			source_add(s, &p->in, SRC_IN, p, fcntl(master, F_DUPFD_CLOEXEC, 3), 0);
			p->open_outputs = 1;
		}
	}
	(void)!write(s->start_fd, &msg, sizeof(msg));
	close(s->start_fd);
	s->start_fd = -1;
}

static bool
client_attach(struct shim *s, struct client *c, struct proc *p, bool want_stdin)
{
	c->proc = p;
	c->out = malloc(CLIENT_OUT_CAP);
	if (!c->out)
		return false;
	if (want_stdin && !p->stdin_owner && p->in.fd >= 0)
		p->stdin_owner = c;
	return true;
}

static void
resize(struct shim *s, const char *args)
{
	char id[72];
	unsigned rows, cols;
	struct proc *p;
	struct winsize ws;

	if (sscanf(args, "%71s %u %u", id, &rows, &cols) != 3 || !(p = proc_find(s, id)) || !p->tty ||
	    p->in.fd < 0)
		return;
	ws = (struct winsize){ .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	(void)ioctl(p->in.fd, TIOCSWINSZ, &ws); /* the kernel sends SIGWINCH */
}

/* "exec JSON": start the process; the client is its stream unless detached. */
static bool
exec_command(struct shim *s, struct client *c, const char *json)
{
	struct exec_spec spec;
	struct spawn_result sp;
	char err[512] = "";
	json_t *o = json_loads(json, 0, NULL);
	const char *id = json_string_value(json_object_get(o, "exec_id"));
	bool detach = json_is_true(json_object_get(o, "detach"));
	struct proc *p = NULL;

	if (!id || !s->init || s->init->exited || shim_exec_spec_parse(json, &spec, err, sizeof(err)) < 0) {
		if (!err[0])
			snprintf(err, sizeof(err), "the container is not running");
	} else {
		if (shim_exec_spawn(s->cfg, s->init->pid, &spec, &sp, err, sizeof(err)) == 0 &&
		    !(p = proc_add(s, id, spec.tty, &sp))) {
			snprintf(err, sizeof(err), "too many processes exec'd at once");
			kill(sp.pid, SIGKILL); /* reaped by on_sigchld like any child */
			for (int *fd = (int[]){ sp.stdin_fd, sp.stdout_fd, sp.stderr_fd, sp.error_fd }, i = 0; i < 4; i++)
				if (fd[i] >= 0)
					close(fd[i]);
		}
		if (p)
			source_add(s, &p->exec_err, SRC_EXEC_ERR, p, sp.error_fd, EPOLLIN);
		shim_exec_spec_free(&spec);
	}
	json_decref(o);
	if (!p) {
		char *payload = frame_exit_payload(126, false, err);
		c->out = malloc(CLIENT_OUT_CAP);
		if (c->out && payload)
			(void)client_queue(s, c, FRAME_EXIT, payload, strlen(payload));
		free(payload);
		return false;
	}
	return !detach && client_attach(s, c, p, spec.open_stdin);
}

/* Returns false when the client is to be dropped. */
static bool
client_command(struct shim *s, struct client *c)
{
	char *line = c->line;

	c->greeted = true;
	if (strncmp(line, "exec ", 5) == 0)
		return exec_command(s, c, line + 5);
	if (strncmp(line, "resize ", 7) == 0) {
		resize(s, line + 7);
		return false;
	}
	if (strstr(line, "start"))
		start_init(s);
	if (strncmp(line, "attach", 6) != 0 || !s->init)
		return false;
	if (!client_attach(s, c, s->init, strstr(line, "stdin") != NULL))
		return false;
	if (strstr(line, "replay") && s->init->replay_len)
		(void)client_queue(s, c, FRAME_STDOUT, s->init->replay, s->init->replay_len);
	proc_update_pause(s, s->init);
	client_update_events(s, c);
	return true;
}

static void
on_client_readable(struct shim *s, struct client *c)
{
	uint8_t buf[STDIN_CAP];
	struct proc *p = c->proc;
	size_t room = c->greeted ? (p && p->stdin_owner == c ? STDIN_CAP - p->stdin_len : STDIN_CAP)
				 : sizeof(c->line) - 1 - c->line_len;
	ssize_t n = read(c->fd, c->greeted ? (void *)buf : c->line + c->line_len, room ? room : 1);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		c->read_eof = true;
		if (!c->proc) {
			client_drop(s, c);
			return;
		}
		if (p->stdin_owner == c)
			stdin_flush(s, p);
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
		/* frames may follow the command in the same read */
		rest = c->line_len - (size_t)(nl + 1 - c->line);
		*nl = '\0';
		memcpy(buf, nl + 1, rest);
		if (!client_command(s, c)) {
			if (c->out_len) /* an error frame to deliver first */
				(void)client_flush(s, c);
			client_drop(s, c);
			return;
		}
		p = c->proc;
		if (rest == 0)
			return;
		n = (ssize_t)rest;
	}
	client_consume(p, c, buf, (size_t)n);
	if (p && p->stdin_owner == c)
		stdin_flush(s, p);
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

/* --- exits --- */

static void
on_exec_error(struct shim *s, struct proc *p)
{
	struct spawn_error e;
	ssize_t n = fd_read_all(p->exec_err.fd, &e, sizeof(e));

	if (n == (ssize_t)sizeof(e) && e.exit_code) {
		e.msg[sizeof(e.msg) - 1] = '\0';
		p->exec_exit_code = e.exit_code;
		snprintf(p->exec_error, sizeof(p->exec_error), "%s", e.msg);
	}
	source_close(s, &p->exec_err);
}

static void
on_sigchld(struct shim *s)
{
	struct signalfd_siginfo si;
	int status;
	pid_t pid;

	while (read(s->sig.fd, &si, sizeof(si)) == sizeof(si))
		;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (int i = 0; i < MAX_PROCS; i++) {
			struct proc *p = s->procs[i];
			if (p && p->pid == pid && !p->exited) {
				p->exited = true;
				if (p->tty_slave >= 0) { /* now the master reads to EOF */
					close(p->tty_slave);
					p->tty_slave = -1;
				}
				p->status = status;
				clock_gettime(CLOCK_MONOTONIC, &p->exit_time);
			}
		}
	}
}

static int
exit_code_of(const struct proc *p)
{
	if (p->exec_exit_code)
		return p->exec_exit_code;
	if (WIFEXITED(p->status))
		return WEXITSTATUS(p->status);
	if (WIFSIGNALED(p->status))
		return 128 + WTERMSIG(p->status);
	return 255;
}

static bool
oom_happened(const struct shim *s)
{
	char *buf = NULL;
	uint64_t n = 0;

	if (!s->cfg->oom_file || fs_read_file(s->cfg->oom_file, &buf, NULL) < 0)
		return false;
	(void)cgroup_values_parse_oom_kill(buf, &n);
	free(buf);
	return n > 0;
}

static void
write_exit_record(struct shim *s, struct proc *p, int code, bool oom)
{
	json_t *o = json_pack("{s:i, s:b, s:I}", "exit_code", code, "oom_killed", oom,
			      "finished_at", (json_int_t)time(NULL));
	char *dump;

	if (p->exec_error[0])
		json_object_set_new(o, "error", json_string(p->exec_error));
	dump = json_dumps(o, JSON_COMPACT);
	if (dump)
		(void)fs_write_file_atomic(s->cfg->exit_path, dump, strlen(dump), 0644);
	free(dump);
	json_decref(o);
}

/* Send what the socket takes until the deadline; false when cut short. */
static bool
send_by(int fd, const void *buf, size_t len, const struct timespec *deadline)
{
	const char *b = buf;

	while (len) {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		long left = -ms_since(deadline);
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return false;
		n = send(fd, b, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return false;
		b += n;
		len -= (size_t)n;
	}
	return true;
}

/* Last bytes and the exit frame to the process's clients. One deadline
 * for all of them together: a client that does not read delays the shim
 * by at most FINISH_FLUSH_MS, however many there are. */
static void
proc_finish(struct shim *s, struct proc *p)
{
	bool oom = p->is_init && oom_happened(s);
	struct timespec deadline;
	char *payload;
	int code;

	if (p->exec_err.fd >= 0)
		on_exec_error(s, p);
	code = exit_code_of(p);
	if (p->is_init)
		write_exit_record(s, p, code, oom);
	payload = frame_exit_payload(code, oom, p->exec_error[0] ? p->exec_error : NULL);
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += FINISH_FLUSH_MS / 1000;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = s->clients[i];
		uint8_t hdr[FRAME_HDR_LEN];

		if (!c || c->proc != p || !c->out || !payload)
			continue;
		frame_header_encode(hdr, FRAME_EXIT, (uint32_t)strlen(payload));
		if (send_by(c->fd, c->out, c->out_len, &deadline) && send_by(c->fd, hdr, sizeof(hdr), &deadline))
			(void)send_by(c->fd, payload, strlen(payload), &deadline);
		c->out_len = 0;
	}
	free(payload);
	if (p == s->init)
		s->init = NULL;
	proc_free(s, p);
}

/* Finished: exited and drained (or past the grace period). -1: none due;
 * else the ms until the next grace period ends. */
static int
reap_finished(struct shim *s)
{
	int next = -1;

	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = s->procs[i];
		long left;

		if (!p || !p->exited)
			continue;
		if (p->paused) /* a slow reader is not a stuck pipe: keep waiting */
			clock_gettime(CLOCK_MONOTONIC, &p->exit_time);
		left = DRAIN_GRACE_MS - ms_since(&p->exit_time);
		if (p->open_outputs == 0 || left <= 0) {
			proc_finish(s, p);
			continue;
		}
		if (next < 0 || left < next)
			next = (int)left;
	}
	return next;
}

/* --- the loop --- */

static void
dispatch(struct shim *s, void *ptr, uint32_t events)
{
	struct source *src = ptr;

	switch (src->kind) {
	case SRC_LISTEN:
		on_accept(s);
		break;
	case SRC_SIGNAL:
		on_sigchld(s);
		break;
	case SRC_OUT:
		on_output(s, src, FRAME_STDOUT);
		break;
	case SRC_ERR:
		on_output(s, src, FRAME_STDERR);
		break;
	case SRC_IN:
		stdin_flush(s, src->proc);
		break;
	case SRC_EXEC_ERR:
		on_exec_error(s, src->proc);
		break;
	case SRC_CLIENT: {
		struct client *c = ptr;
		struct proc *p = c->proc;

		if (c->dead)
			break; /* dropped earlier in this batch */

		if ((events & EPOLLOUT) && !client_flush(s, c)) {
			client_drop(s, c);
		} else if (c->read_eof && (events & (EPOLLHUP | EPOLLERR))) {
			client_drop(s, c); /* gone both ways */
		} else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
			on_client_readable(s, c);
		}
		if (p)
			proc_update_pause(s, p);
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
	s->start_fd = sp->start_fd;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	s->log_fd = open(cfg->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (s->ep < 0 || s->log_fd < 0)
		return -1;
	s->log_size = (size_t)lseek(s->log_fd, 0, SEEK_END);
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	source_add(s, &s->sig, SRC_SIGNAL, NULL, signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK), EPOLLIN);
	source_add(s, &s->listen, SRC_LISTEN, NULL, listen_fd, EPOLLIN);
	s->init = proc_add(s, "init", cfg->tty, sp);
	if (!s->init)
		return -1;
	s->init->is_init = true;
	if (cfg->tty)
		s->init->open_outputs = 0; /* the terminal arrives with "start" */
	source_add(s, &s->init->exec_err, SRC_EXEC_ERR, s->init, sp->error_fd, EPOLLIN);
	on_sigchld(s); /* init may already be gone */
	return 0;
}

int
shim_io_run(const struct shim_config *cfg, struct spawn_result *sp, int listen_fd)
{
	struct epoll_event evs[16];
	struct shim s;

	if (setup(&s, cfg, sp, listen_fd) < 0)
		return 1;
	while (s.init) {
		int timeout = reap_finished(&s), n;

		if (!s.init)
			break;
		n = epoll_wait(s.ep, evs, 16, timeout);
		for (int i = 0; i < n; i++)
			dispatch(&s, evs[i].data.ptr, evs[i].events);
		bury_dead(&s);
	}
	/* init is gone: so is every process of its PID namespace */
	for (int i = 0; i < MAX_PROCS; i++)
		if (s.procs[i])
			proc_finish(&s, s.procs[i]);
	/* and the clients attached to none of them (the daemon's): closed, so
	 * that what stays allocated at exit is a leak (LeakSanitizer) */
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (s.clients[i])
			client_drop(&s, s.clients[i]);
	bury_dead(&s);
	return 0;
}
