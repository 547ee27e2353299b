/* A process's stdio, init's and every exec'd one's: its pipes (or its
 * terminal, which init gets when it is released), its output turned into
 * frames for its attached clients and, for init, appended to the log and
 * kept for "attach replay"; its stdin fed from its stdin client's frames.
 * Output is read only while every client has room for it. */
#include "shim-io-internal.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>

#include "log-record.h"

#include "fd-util.h"

struct proc *
shim_io_proc_add(struct shim *s, const char *id, bool tty, struct spawn_result *sp)
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
	/* bigger pipes: fewer wake-ups and larger chunks (pages are charged to
	 * the writer, the container, and only while they hold data) */
	(void)fcntl(sp->stdout_fd, F_SETPIPE_SZ, 1 << 20);
	if (sp->stderr_fd >= 0)
		(void)fcntl(sp->stderr_fd, F_SETPIPE_SZ, 1 << 20);
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

struct proc *
shim_io_proc_find(struct shim *s, const char *id)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (s->procs[i] && strcmp(s->procs[i]->id, id) == 0)
			return s->procs[i];
	return NULL;
}

void
shim_io_proc_free(struct shim *s, struct proc *p)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (s->clients[i] && s->clients[i]->proc == p)
			shim_io_client_drop(s, s->clients[i]);
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

/* A process's output is read only while each of its clients has room. */
void
shim_io_proc_update_pause(struct shim *s, struct proc *p)
{
	bool room = true;

	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = s->clients[i];
		if (c && c->proc == p && c->out && CLIENT_OUT_CAP - c->out_len < CHUNK + FRAME_HDR_LEN)
			room = false;
		if (c && c->proc == p && (c->direct == DIRECT_PENDING || c->direct_blocked))
			room = false; /* until its go-ahead, or until its pipe takes more */
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

void
shim_io_proc_on_direct_writable(struct shim *s, struct source *src)
{
	struct client *c = (struct client *)((char *)src - offsetof(struct client, direct_src));

	epoll_ctl(s->ep, EPOLL_CTL_DEL, src->fd, NULL);
	c->direct_blocked = false;
	if (c->proc)
		shim_io_proc_update_pause(s, c->proc);
}

/* Move what the container's pipe holds into the client's pipe, waiting
 * in the kernel while that one is full (a user-space wake-up per page the
 * reader frees would cost more than the copy saved), but never longer
 * than DIRECT_SLICE_MS at a time: a reader that stops cannot hold the
 * loop (exits, exec, stop). With a log, tee copies page references and
 * splice moves the same bytes into the log. Returns the bytes moved, or
 * -errno with nothing moved. */
#define DIRECT_SLICE_MS 100
static ssize_t
direct_move(struct shim *s, int from, int to, enum frame_stream stream, bool log, size_t avail)
{
	struct itimerval slice = { .it_value = { 0, DIRECT_SLICE_MS * 1000 } }, off = { 0 };
	size_t done = 0;
	ssize_t n = 0;

	fd_set_nonblock(from, 0); /* splice takes either side's O_NONBLOCK as SPLICE_F_NONBLOCK */
	setitimer(ITIMER_REAL, &slice, NULL);
	while (done < avail) {
		n = log ? tee(from, to, avail - done, 0) : splice(from, NULL, to, NULL, avail - done, SPLICE_F_MOVE);
		if (n <= 0)
			break;
		if (log)
			shim_io_log_splice(s, stream, from, (size_t)n);
		done += (size_t)n;
	}
	setitimer(ITIMER_REAL, &off, NULL);
	fd_set_nonblock(from, 1);
	if (done)
		return (ssize_t)done;
	return n < 0 ? -errno : 0;
}

/* issue 14: the only client wants this stream in its own pipe: no copy
 * through the shim (direct_move). True when done here (moved, or waiting
 * for the client's pipe); false: the framed path below (EOF, or that pipe
 * gone: frames from now on). */
static bool
direct_output(struct shim *s, struct proc *p, struct source *src, enum frame_stream stream)
{
	struct client *d = NULL;
	int avail = 0, fd;
	ssize_t n;

	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = s->clients[i];

		if (!c || c->proc != p || !c->out)
			continue;
		if (d || c->direct != DIRECT_ON) { /* more than one reader: frames for all */
			if (d)
				shim_io_client_direct_off(s, d);
			return false;
		}
		d = c;
	}
	if (!d || (fd = d->direct_fd[stream]) < 0)
		return false;
	if (ioctl(src->fd, FIONREAD, &avail) < 0 || avail <= 0)
		return false; /* EOF (or nothing): the read below tells */
	if (avail > (int)LOG_RECORD_MAX_PAYLOAD)
		avail = (int)LOG_RECORD_MAX_PAYLOAD;
	n = direct_move(s, src->fd, fd, stream, p->is_init && s->log_fd >= 0, (size_t)avail);
	if (n == -EINTR)
		return true; /* its reader is slow: go round the loop, then on */
	if (n == -EAGAIN) { /* a non-blocking pipe of the client's, full: wait */
		d->direct_blocked = true;
		source_add(s, &d->direct_src, SRC_DIRECT, p, fd, EPOLLOUT);
		shim_io_proc_update_pause(s, p);
		return true;
	}
	if (n <= 0) { /* EPIPE: its reader is gone; the client hears of it in frames */
		close(fd);
		d->direct_fd[stream] = -1;
		return false;
	}
	if (p->exited)
		clock_gettime(CLOCK_MONOTONIC, &p->exit_time);
	return true;
}

void
shim_io_proc_on_output(struct shim *s, struct source *src, enum frame_stream stream)
{
	struct proc *p = src->proc;
	char buf[CHUNK];
	ssize_t n;

	if (p->paused)
		return; /* an event from before the pause, in this same batch */
	if (!p->tty && direct_output(s, p, src, stream))
		return;
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
		shim_io_log_append(s, stream, buf, (size_t)n);
		replay_keep(p, buf, (size_t)n);
	}
	for (int i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = s->clients[i];
		if (c && c->proc == p && c->out && !shim_io_client_queue(s, c, stream, buf, (size_t)n))
			shim_io_client_drop(s, c);
	}
	shim_io_proc_update_pause(s, p);
}

void
shim_io_proc_stdin_flush(struct shim *s, struct proc *p)
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
		shim_io_client_update_events(s, owner);
	}
}

/* start_msg, with the pipes of a hand-off as SCM_RIGHTS. */
static void
send_start(int fd, const struct start_msg *msg, const int *fds, int n)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} cm;
	struct iovec iov = { (void *)msg, sizeof(*msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n > 0 && n <= 2) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = &cm;
		mh.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
		cm.h.cmsg_level = SOL_SOCKET;
		cm.h.cmsg_type = SCM_RIGHTS;
		cm.h.cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
		memcpy(CMSG_DATA(&cm.h), fds, (size_t)n * sizeof(int));
	}
	(void)!sendmsg(fd, &mh, MSG_NOSIGNAL);
}

void
shim_io_proc_start_init_stdio(struct shim *s, int stdio, const int *fds, int n)
{
	struct start_msg msg = { .pts = -1, .stdio = n > 0 ? stdio : 0 };
	struct proc *p = s->init;

	if (s->started)
		return;
	s->started = true;
	s->handoff = NULL;
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
			shim_io_proc_stdin_flush(s, p); /* input of an attach made before the start */
		}
	}
	send_start(s->start_fd, &msg, fds, msg.stdio ? n : 0);
	close(s->start_fd);
	s->start_fd = -1;
}

void
shim_io_proc_start_init(struct shim *s)
{
	shim_io_proc_start_init_stdio(s, 0, NULL, 0);
}
