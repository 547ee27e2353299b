/* Private to the shim's event loop, shim-io*.c: its epoll targets, the
 * processes whose stdio it holds and the clients attached to them. Each file
 * calls only those below it:
 *   shim-io.c         the loop: set-up, dispatch, exits, the end
 *   shim-io-attach.c  the attach socket: accept, command lines, commands
 *   shim-io-proc.c    a process's stdio: output to log and clients, stdin
 *   shim-io-client.c  a client's buffers and frames
 *   shim-io-log.c     init's log: records, rotation
 * Buffers are fixed, allocated once per process and client. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "shim.h"

#define MAX_CLIENTS 64
#define MAX_PROCS 32
#define CHUNK (128 * 1024)
#define CLIENT_OUT_CAP (4 * CHUNK)
#define STDIN_CAP CHUNK
#define REPLAY_CAP 4096

enum src_kind { SRC_LISTEN, SRC_SIGNAL, SRC_OUT, SRC_ERR, SRC_IN, SRC_EXEC_ERR, SRC_CLIENT, SRC_DIRECT };

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
	/* issue 14, FRAME_DIRECT: the client's own pipes for stdout and stderr
	 * ([1], [2]; -1: framed), which the shim fills with splice/tee once the
	 * client confirmed it wrote every frame before (PENDING -> ON) */
	enum { DIRECT_OFF, DIRECT_PENDING, DIRECT_ON } direct;
	int direct_fd[3];
	int passed_fd[2];         /* SCM_RIGHTS received, until the DIRECT frame is parsed */
	int n_passed;
	bool direct_blocked;      /* its pipe is full: direct_src waits for EPOLLOUT */
	struct source direct_src; /* SRC_DIRECT */
	uint8_t direct_mask;      /* the DIRECT frame's payload byte */
	bool direct_frame;        /* a whole DIRECT frame came in: shim_io_attach acts on it */
	bool direct_request;      /* ... and it was the request (one byte), not the go-ahead */
	bool direct_answer_due;   /* our DIRECT frame, queued as soon as out has room */
	bool notify;              /* a user's attach session: its end is a "detach" note (shim-notes.c) */
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
	bool notify;             /* an exec the daemon asked to hear the end of (shim-notes.c) */
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
	struct client *handoff;   /* issue 14: init starts at this client's FRAME_DIRECT (shim-io-attach.c) */
	int log_fd;
	size_t log_size;
};

/* Inline, so that every layer may use them without a circle between files. */
static inline void
ep_set(struct shim *s, int fd, void *ptr, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.ptr = ptr };

	(void)epoll_ctl(s->ep, op, fd, &ev);
}

static inline void
source_add(struct shim *s, struct source *src, enum src_kind kind, struct proc *p, int fd, uint32_t events)
{
	src->kind = kind;
	src->fd = fd;
	src->proc = p;
	if (fd >= 0)
		ep_set(s, fd, src, events, EPOLL_CTL_ADD);
}

static inline void
source_close(struct shim *s, struct source *src)
{
	if (src->fd < 0)
		return;
	epoll_ctl(s->ep, EPOLL_CTL_DEL, src->fd, NULL);
	close(src->fd);
	src->fd = -1;
}

/* --- shim-io-attach.c --- */

/* A connection on the attach socket: a new client, until its command line. */
void shim_io_attach_on_accept(struct shim *s);
/* A client is readable: its command line, then stdin frames. */
void shim_io_attach_on_readable(struct shim *s, struct client *c);

/* --- shim-io-proc.c --- */

/* Track a started process's stdio; NULL when MAX_PROCS are running. */
struct proc *shim_io_proc_add(struct shim *s, const char *id, bool tty, struct spawn_result *sp);
/* The process named id ("init" or an exec id), or NULL. */
struct proc *shim_io_proc_find(struct shim *s, const char *id);
/* Drop its clients, close its fds, free it. */
void shim_io_proc_free(struct shim *s, struct proc *p);
/* Stop or resume reading its output as its clients' buffers fill and drain. */
void shim_io_proc_update_pause(struct shim *s, struct proc *p);
/* Its stdout or stderr is readable: to the log (init), replay and clients. */
void shim_io_proc_on_output(struct shim *s, struct source *src, enum frame_stream stream);
/* Write buffered stdin to the process; ends its stdin on its owner's EOF. */
void shim_io_proc_stdin_flush(struct shim *s, struct proc *p);
/* A client's full pipe (SRC_DIRECT) takes data again: resume. */
void shim_io_proc_on_direct_writable(struct shim *s, struct source *src);
/* Let init execve, once; with a TTY, open its terminal first. */
void shim_io_proc_start_init(struct shim *s);
/* The same, handing init the n pipes in fds as its stdout/stderr (bits of
 * stdio, as struct start_msg); the fds stay the caller's to close. */
void shim_io_proc_start_init_stdio(struct shim *s, int stdio, const int *fds, int n);

/* --- shim-io-client.c --- */

/* Close a client; freed by shim_io_client_bury after this batch of events. */
void shim_io_client_drop(struct shim *s, struct client *c);
/* Free the clients dropped since the last call. */
void shim_io_client_bury(struct shim *s);
/* Ask epoll for what the client can do now: read, write, or both. */
void shim_io_client_update_events(struct shim *s, struct client *c);
/* Write what the socket takes now; false if the client is gone. */
bool shim_io_client_flush(struct shim *s, struct client *c);
/* Queue one frame and flush; false if the client is gone. */
bool shim_io_client_queue(struct shim *s, struct client *c, enum frame_stream stream, const char *data,
			  size_t len);
/* Parse stdin frames out of bytes read from a client. */
void shim_io_client_consume(struct proc *p, struct client *c, const uint8_t *b, size_t n);
/* Attach the client to p's output, and to its stdin if wanted and free. */
bool shim_io_client_attach(struct shim *s, struct client *c, struct proc *p, bool want_stdin);
/* Stop writing to the client's pipes: close them, frames from now on. */
void shim_io_client_direct_off(struct shim *s, struct client *c);

/* --- shim-io-log.c --- */

/* Open init's log (none with log_off): 0 or -errno. */
int shim_io_log_open(struct shim *s);
/* A chunk of init's output as records, rotating as the caps say. */
void shim_io_log_append(struct shim *s, enum frame_stream stream, const char *data, size_t len);
/* The same for len bytes still in the pipe fd, moved with splice (issue
 * 14: they were tee'd to a client's pipe); they are consumed whatever
 * happens to the log. */
void shim_io_log_splice(struct shim *s, enum frame_stream stream, int fd, size_t len);
