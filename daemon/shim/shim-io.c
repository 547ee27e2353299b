/* The shim's event loop (epoll; fixed buffers allocated once per process
 * and client): each process of the container — init and every exec'd one —
 * has its output turned into frames for its attached clients (init's also
 * into the log file), and its stdin fed from its stdin client's frames.
 * SIGCHLD ends a process with an exit frame; init's end ends the shim.
 * This file owns the loop and the exits; its helpers are the other
 * shim-io*.c files, layered as shim-io-internal.h describes. */
#include "shim-io-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "cgroup.h"
#include "crash-point.h"
#include "fd-util.h"
#include "fs-util.h"
#include "shim-notes.h"
#include "text-trim.h"

#define DRAIN_GRACE_MS 2000
#define FINISH_FLUSH_MS 2000 /* whole seconds */

static long
ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
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
	if (dump && s->cfg->exit_nosync) /* --rm: see shim-config.h */
		(void)fs_write_file_replace(s->cfg->exit_path, dump, strlen(dump), 0644);
	else if (dump)
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
		CRASH_POINT("shim.mid-exit"); /* init is gone, its exit not yet recorded */
	if (p->is_init)
		write_exit_record(s, p, code, oom);
	else if (p->notify) /* before the exit frame: a client that got it finds the note made */
		shim_notes_exec_exit(s->cfg, p->id, code, p->exec_error[0] ? p->exec_error : NULL);
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
	shim_io_proc_free(s, p);
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

#define IDLE_TRIM_MS 1000

static void
dispatch(struct shim *s, void *ptr, uint32_t events)
{
	struct source *src = ptr;

	switch (src->kind) {
	case SRC_LISTEN:
		shim_io_attach_on_accept(s);
		break;
	case SRC_SIGNAL:
		on_sigchld(s);
		break;
	case SRC_OUT:
		shim_io_proc_on_output(s, src, FRAME_STDOUT);
		break;
	case SRC_ERR:
		shim_io_proc_on_output(s, src, FRAME_STDERR);
		break;
	case SRC_IN:
		shim_io_proc_stdin_flush(s, src->proc);
		break;
	case SRC_EXEC_ERR:
		on_exec_error(s, src->proc);
		break;
	case SRC_DIRECT:
		shim_io_proc_on_direct_writable(s, src);
		break;
	case SRC_CLIENT: {
		struct client *c = ptr;
		struct proc *p = c->proc;

		if (c->dead)
			break; /* dropped earlier in this batch */

		if ((events & EPOLLOUT) && !shim_io_client_flush(s, c)) {
			shim_io_client_drop(s, c);
		} else if (c->read_eof && (events & (EPOLLHUP | EPOLLERR))) {
			shim_io_client_drop(s, c); /* gone both ways */
		} else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
			shim_io_attach_on_readable(s, c);
		}
		if (p)
			shim_io_proc_update_pause(s, p);
		break;
	}
	}
}

/* SIGALRM ends a slice of direct output with EINTR (shim-io-proc.c); a
 * handler, not SIG_IGN, so that exec'd processes get the default back.
 * (SIGPIPE is ignored since main: a client's pipe whose reader left gives
 * EPIPE.) */
static void
on_alarm(int sig)
{
	(void)sig;
}

static int
setup(struct shim *s, const struct shim_config *cfg, struct spawn_result *sp, int listen_fd)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	sigset_t mask;

	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->start_fd = sp->start_fd;
	s->ep = epoll_create1(EPOLL_CLOEXEC);
	if (s->ep < 0 || shim_io_log_open(s) < 0)
		return -1;
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: the slice's splice returns */
	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	source_add(s, &s->sig, SRC_SIGNAL, NULL, signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK), EPOLLIN);
	source_add(s, &s->listen, SRC_LISTEN, NULL, listen_fd, EPOLLIN);
	s->init = shim_io_proc_add(s, "init", cfg->tty, sp);
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
	bool trimmed = false;
	struct shim s;

	if (setup(&s, cfg, sp, listen_fd) < 0)
		return 1;
	while (s.init) {
		int timeout = reap_finished(&s), n;
		bool idle_trim = false;

		if (!s.init)
			break;
		/* once started and then quiet for a second, the code the last
		 * events ran (attach, start, exec: each fault mapped the 64 kB
		 * around it) leaves VmRSS again, as after spawning (text-trim.c) */
		if (!trimmed && s.started && timeout < 0) {
			timeout = IDLE_TRIM_MS;
			idle_trim = true;
		}
		n = epoll_wait(s.ep, evs, 16, timeout);
		if (n == 0 && idle_trim) {
			text_trim(false);
			trimmed = true;
		} else if (n > 0) { /* what this runs comes back: trim after it too */
			trimmed = false;
		}
		for (int i = 0; i < n; i++)
			dispatch(&s, evs[i].data.ptr, evs[i].events);
		if (s.handoff && s.handoff->dead) /* the client of a hand-off left first */
			shim_io_proc_start_init(&s);
		shim_io_client_bury(&s);
	}
	/* init is gone: so is every process of its PID namespace */
	for (int i = 0; i < MAX_PROCS; i++)
		if (s.procs[i])
			proc_finish(&s, s.procs[i]);
	/* and the clients attached to none of them (the daemon's): closed, so
	 * that what stays allocated at exit is a leak (LeakSanitizer) */
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (s.clients[i])
			shim_io_client_drop(&s, s.clients[i]);
	shim_io_client_bury(&s);
	return 0;
}
