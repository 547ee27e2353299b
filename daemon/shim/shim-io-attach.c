/* The shim's attach socket: accepting clients and the command line each
 * sends first. Protocol (one text line from the client, then frames):
 *   "attach [stdin] [start] [replay]\n"  init's output; own its stdin;
 *                        release init; first replay recent output
 *   "start\n"            release init, then close
 *   "exec JSON\n"        run a process in the container (shim-exec.c);
 *                        this connection is its stream unless "detach"
 *   "resize ID ROWS COLS\n"  resize the terminal of init ("init") or an exec */
#include "shim-io-internal.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
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
		if (p)
			source_add(s, &p->exec_err, SRC_EXEC_ERR, p, sp.error_fd, EPOLLIN);
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
	if (strstr(line, "start"))
		shim_io_proc_start_init(s);
	if (strncmp(line, "attach", 6) != 0 || !s->init)
		return false;
	if (!shim_io_client_attach(s, c, s->init, strstr(line, "stdin") != NULL))
		return false;
	if (strstr(line, "replay") && s->init->replay_len)
		(void)shim_io_client_queue(s, c, FRAME_STDOUT, s->init->replay, s->init->replay_len);
	shim_io_proc_update_pause(s, s->init);
	shim_io_client_update_events(s, c);
	return true;
}

void
shim_io_attach_on_readable(struct shim *s, struct client *c)
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
	if (p && p->stdin_owner == c)
		shim_io_proc_stdin_flush(s, p);
}

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
	s->clients[slot] = c;
	ep_set(s, fd, c, EPOLLIN, EPOLL_CTL_ADD);
}
