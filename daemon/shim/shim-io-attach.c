/* The shim's attach socket: accepting clients and the command line each
 * sends first. Protocol (one text line from the client, then frames):
 *   "attach [stdin] [start] [replay] [notify] [handoff]\n"  init's output;
 *                        own its stdin; release init; first replay recent
 *                        output; a "detach" note when it ends while init
 *                        runs (shim-notes.c); with start, no log and no
 *                        TTY: release init only at this client's
 *                        FRAME_DIRECT, giving it the client's pipes
 *   "start\n"            release init, then close
 *   "exec JSON\n"        run a process in the container (shim-exec.c);
 *                        this connection is its stream unless "detach";
 *                        "notify": true leaves an exit note (shim-notes.c)
 *   "resize ID ROWS COLS\n"  resize the terminal of init ("init") or an exec */
#include "shim-io-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>

static void
resize(struct shim *s, const char *args)
{
	char id[72];
	unsigned rows, cols;
	struct proc *p;
	struct winsize ws;

	if (sscanf(args, "%71s %u %u", id, &rows, &cols) != 3 || !(p = shim_io_proc_find(s, id)) || !p->tty ||
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
	bool notify = json_is_true(json_object_get(o, "notify"));
	struct proc *p = NULL;

	if (!id || !s->init || s->init->exited || shim_exec_spec_parse(json, &spec, err, sizeof(err)) < 0) {
		if (!err[0])
			snprintf(err, sizeof(err), "the container is not running");
	} else {
		if (shim_exec_spawn(s->cfg, s->init->pid, &spec, &sp, err, sizeof(err)) == 0 &&
		    !(p = shim_io_proc_add(s, id, spec.tty, &sp))) {
			snprintf(err, sizeof(err), "too many processes exec'd at once");
			kill(sp.pid, SIGKILL); /* reaped on SIGCHLD (shim-io.c) like any child */
			for (int *fd = (int[]){ sp.stdin_fd, sp.stdout_fd, sp.stderr_fd, sp.error_fd }, i = 0; i < 4; i++)
				if (fd[i] >= 0)
					close(fd[i]);
		}
		if (p) {
			source_add(s, &p->exec_err, SRC_EXEC_ERR, p, sp.error_fd, EPOLLIN);
			p->notify = notify;
		}
		shim_exec_spec_free(&spec);
	}
	json_decref(o);
	if (!p) {
		char *payload = frame_exit_payload(126, false, err);
		c->out = malloc(CLIENT_OUT_CAP);
		if (c->out && payload)
			(void)shim_io_client_queue(s, c, FRAME_EXIT, payload, strlen(payload));
		free(payload);
		return false;
	}
	return !detach && shim_io_client_attach(s, c, p, spec.open_stdin);
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
	if (strncmp(line, "attach", 6) == 0 && strstr(line, "start") && strstr(line, "handoff") && s->init &&
	    !s->started && s->cfg->log_off && !s->cfg->tty && !s->handoff)
		s->handoff = c; /* issue 14: started by on_direct_frame, or at its first other word */
	else if (strstr(line, "start"))
		shim_io_proc_start_init(s);
	if (strncmp(line, "attach", 6) != 0 || !s->init)
		return false;
	if (!shim_io_client_attach(s, c, s->init, strstr(line, "stdin") != NULL))
		return false;
	c->notify = strstr(line, "notify") != NULL;
	if (strstr(line, "replay") && s->init->replay_len)
		(void)shim_io_client_queue(s, c, FRAME_STDOUT, s->init->replay, s->init->replay_len);
	shim_io_proc_update_pause(s, s->init);
	shim_io_client_update_events(s, c);
	return true;
}

/* issue 14, --log-driver none: init has not run yet, so nothing was
 * written before; the client's pipes become init's stdout/stderr and the
 * container writes to them itself (no copy, no shim in the path). Only
 * pipes are taken; the answer is the usual DIRECT frame, the client's
 * go-ahead then finds direct off (nothing to move: frames carry the rest,
 * stdin, the other stream and the exit). */
static void
handoff(struct shim *s, struct client *c)
{
	int fds[2], n = 0, stdio = 0, k = 0;
	struct stat st;

	c->direct_request = false;
	for (int st_no = 1; st_no < 3; st_no++)
		if ((c->direct_mask & (1 << (st_no - 1))) && k < c->n_passed) {
			int fd = c->passed_fd[k++];

			if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) && (fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDONLY) {
				/* as the spliced path: fewer waits for its reader */
				(void)fcntl(fd, F_SETPIPE_SZ, 1 << 20);
				fds[n++] = fd;
				stdio |= 1 << (st_no - 1);
			}
		}
	shim_io_proc_start_init_stdio(s, stdio, fds, n);
	for (k = 0; k < c->n_passed; k++)
		close(c->passed_fd[k]);
	c->n_passed = 0;
	c->direct_answer_due = true;
	if (c->out)
		(void)shim_io_client_flush(s, c);
}

/* A whole FRAME_DIRECT frame from the client (issue 14). The request
 * (with its pipes) is always answered with our DIRECT frame, after all
 * output queued so far; accepted, the process's output is held until the
 * go-ahead, which turns direct writing on. Refused (a terminal, no pipes):
 * frames, as before. */
static void
on_direct_frame(struct shim *s, struct client *c)
{
	struct proc *p = c->proc;

	c->direct_frame = false;
	if (c->direct_request && s->handoff == c) {
		handoff(s, c);
	} else if (c->direct_request) {
		int k = 0;

		c->direct_request = false;
		if (c->direct == DIRECT_OFF && c->n_passed > 0 && p && !p->tty && c->out) {
			for (int st = 1; st < 3; st++)
				if ((c->direct_mask & (1 << (st - 1))) && k < c->n_passed) {
					c->direct_fd[st] = c->passed_fd[k++];
					/* a larger pipe: fewer waits for its reader (only
					 * its capacity changes; data and reader stay the user's) */
					(void)fcntl(c->direct_fd[st], F_SETPIPE_SZ, 1 << 20);
				}
			c->direct = DIRECT_PENDING;
		}
		for (; k < c->n_passed; k++)
			close(c->passed_fd[k]);
		c->n_passed = 0;
		c->direct_answer_due = true;
		if (c->out)
			(void)shim_io_client_flush(s, c);
	} else if (c->direct == DIRECT_PENDING) {
		c->direct = DIRECT_ON;
	}
	if (p)
		shim_io_proc_update_pause(s, p);
}

/* recv, keeping up to two passed fds (FRAME_DIRECT's pipes). */
static ssize_t
recv_fds(struct client *c, void *buf, size_t len)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} cm;
	struct iovec iov = { buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &cm, .msg_controllen = sizeof(cm) };
	ssize_t n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC);

	for (struct cmsghdr *h = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; h; h = CMSG_NXTHDR(&mh, h)) {
		int *fds = (int *)CMSG_DATA(h);
		size_t nfds = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < nfds; i++) {
			if (c->n_passed < 2 && c->direct == DIRECT_OFF)
				c->passed_fd[c->n_passed++] = fds[i];
			else
				close(fds[i]);
		}
	}
	return n;
}

void
shim_io_attach_on_readable(struct shim *s, struct client *c)
{
	uint8_t buf[STDIN_CAP];
	struct proc *p = c->proc;
	size_t room = c->greeted ? (p && p->stdin_owner == c ? STDIN_CAP - p->stdin_len : STDIN_CAP)
				 : sizeof(c->line) - 1 - c->line_len;
	ssize_t n = recv_fds(c, c->greeted ? (void *)buf : c->line + c->line_len, room ? room : 1);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		c->read_eof = true;
		if (s->handoff == c) /* no offer came: init starts with its own pipes */
			shim_io_proc_start_init(s);
		if (c->direct == DIRECT_PENDING) { /* no go-ahead will come: frames */
			shim_io_client_direct_off(s, c);
			if (p)
				shim_io_proc_update_pause(s, p);
		}
		if (!c->proc) {
			shim_io_client_drop(s, c);
			return;
		}
		if (p->stdin_owner == c)
			shim_io_proc_stdin_flush(s, p);
		shim_io_client_update_events(s, c);
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
				shim_io_client_drop(s, c);
			return;
		}
		/* frames may follow the command in the same read */
		rest = c->line_len - (size_t)(nl + 1 - c->line);
		*nl = '\0';
		memcpy(buf, nl + 1, rest);
		if (!client_command(s, c)) {
			if (c->out_len) /* an error frame to deliver first */
				(void)shim_io_client_flush(s, c);
			shim_io_client_drop(s, c);
			return;
		}
		p = c->proc;
		if (rest == 0)
			return;
		n = (ssize_t)rest;
	}
	shim_io_client_consume(p, c, buf, (size_t)n);
	if (c->direct_frame)
		on_direct_frame(s, c);
	if (s->handoff == c) /* its first frame was not the offer: start as usual */
		shim_io_proc_start_init(s);
	if (p && p->stdin_owner == c)
		shim_io_proc_stdin_flush(s, p);
}

/* Connections are served in the order they were made (one accepted per
 * turn of the loop, level-triggered epoll): the daemon relies on it to
 * have held attaches read before the "start" that releases init
 * (daemon/engine/ctr-attach.c). */
void
shim_io_attach_on_accept(struct shim *s)
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
	c->direct_fd[0] = c->direct_fd[1] = c->direct_fd[2] = -1;
	c->direct_src.fd = -1;
	s->clients[slot] = c;
	ep_set(s, fd, c, EPOLLIN, EPOLL_CTL_ADD);
}
