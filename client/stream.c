/* Attached streams: the terminal in raw mode (always restored), stdin to
 * the container (frames, or raw bytes with a TTY), output to stdout and
 * stderr, detach keys, window size changes as resize requests and, without
 * a TTY, signals forwarded as kill requests. */
#include "client.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "fd-util.h"
#include "frame.h"
#include "parse.h"

#define DETACH_MAX 16

static struct termios saved_termios;
static bool termios_saved;
static volatile sig_atomic_t pending_signals[65];

static void
terminal_restore(void)
{
	if (termios_saved)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_termios);
	termios_saved = false;
}

static void
terminal_raw(void)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios) < 0)
		return;
	termios_saved = true;
	atexit(terminal_restore);
	raw = saved_termios;
	cfmakeraw(&raw);
	tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
}

void
stream_terminal_size(unsigned short *rows, unsigned short *cols)
{
	struct winsize ws = { 0 };

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
		(void)ioctl(STDIN_FILENO, TIOCGWINSZ, &ws);
	*rows = ws.ws_row;
	*cols = ws.ws_col;
}

static void
on_signal(int sig)
{
	pending_signals[sig] = 1;
}

/* Signals to watch, blocked except inside ppoll so none is missed. */
static void
watch_signals(const struct stream_opts *o, sigset_t *ret_poll_mask)
{
	static const int proxied[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigemptyset(&sa.sa_mask);
	if (o->tty) {
		sigaddset(&block, SIGWINCH);
		sigaction(SIGWINCH, &sa, NULL);
	}
	if (!o->tty && o->sig_proxy)
		for (size_t i = 0; i < sizeof(proxied) / sizeof(proxied[0]); i++) {
			sigaddset(&block, proxied[i]);
			sigaction(proxied[i], &sa, NULL);
		}
	if (o->tty) { /* a terminal's owner killed: restore it on the way out */
		sigaddset(&block, SIGTERM);
		sigaddset(&block, SIGHUP);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &block, ret_poll_mask);
}

static void
send_resize(const struct stream_opts *o)
{
	unsigned short rows, cols;
	json_t *params, *result = NULL;

	stream_terminal_size(&rows, &cols);
	if (!rows || !cols)
		return;
	params = json_pack("{s:s, s:i, s:i}", "id", o->ctr, "rows", rows, "cols", cols);
	if (o->exec_id)
		json_object_set_new(params, "exec_id", json_string(o->exec_id));
	if (client_call_once("resize", params, &result) == 0)
		json_decref(result);
}

/* Returns -2 to detach, else 0. */
static int
handle_signals(const struct stream_opts *o)
{
	for (int sig = 1; sig < 65; sig++) {
		json_t *result = NULL;

		if (!pending_signals[sig])
			continue;
		pending_signals[sig] = 0;
		if (sig == SIGWINCH) {
			send_resize(o);
		} else if (o->tty) {
			terminal_restore(); /* our terminal's owner wants us gone */
			signal(sig, SIG_DFL);
			raise(sig);
		} else if (client_call_once("kill", json_pack("{s:s, s:i}", "id", o->ctr, "signal", sig), &result) == 0) {
			json_decref(result);
		}
	}
	return 0;
}

/* out holds FRAME_HDR_LEN bytes of room, then n bytes of input. */
static int
send_payload(struct conn *c, const struct stream_opts *o, unsigned char *out, size_t n)
{
	if (o->tty && !o->framed)
		return fd_write_all(c->fd, out + FRAME_HDR_LEN, n) < 0 ? -1 : 0;
	frame_header_encode(out, FRAME_STDIN, (uint32_t)n);
	return fd_write_all(c->fd, out, FRAME_HDR_LEN + n) < 0 ? -1 : 0;
}

struct detacher {
	unsigned char keys[DETACH_MAX];
	size_t n, matched;
};

/* Send typed bytes, holding back a partial detach sequence. Returns -2
 * when the whole sequence was typed. */
static int
send_input(struct conn *c, const struct stream_opts *o, struct detacher *dk, const unsigned char *in, size_t len)
{
	unsigned char out[FRAME_HDR_LEN + 2 * 65536], *payload = out + FRAME_HDR_LEN;
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (dk->n && in[i] == dk->keys[dk->matched]) {
			if (++dk->matched < dk->n)
				continue;
			/* detach, but first deliver what was typed before the keys */
			if (n && send_payload(c, o, out, n) < 0)
				return -1;
			return -2;
		}
		memcpy(payload + n, dk->keys, dk->matched); /* not a detach after all */
		n += dk->matched;
		dk->matched = 0;
		if (dk->n && in[i] == dk->keys[0]) {
			dk->matched = 1;
			continue;
		}
		payload[n++] = in[i];
	}
	return n ? send_payload(c, o, out, n) : 0;
}

static int
read_input(struct conn *c, const struct stream_opts *o, struct detacher *dk, int *stdin_fd)
{
	unsigned char buf[65536];
	ssize_t n = read(*stdin_fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0) {
		/* EOF reaches the container's stdin; a terminal has no EOF to
		 * pass on, and the daemon takes a TTY client's EOF as goodbye */
		if (c->direct_pending) /* the shim still waits for our FRAME_DIRECT ack */
			c->shut_pending = true;
		else if (!o->tty || o->framed)
			shutdown(c->fd, SHUT_WR);
		*stdin_fd = -1;
		return 0;
	}
	return send_input(c, o, dk, buf, (size_t)n);
}

/* Output from the daemon: raw bytes (TTY) or frames. Returns an exit code,
 * -1 to go on, or -3 at EOF. */
static int
read_output(struct conn *c, const struct stream_opts *o)
{
	int n = conn_fill(c);

	if (n <= 0)
		return -3;
	if (!o->tty || o->framed)
		return conn_drain_frames(c);
	conn_write_output(STDOUT_FILENO, c->buf, c->len);
	c->len = 0;
	return -1;
}

int
stream_run(struct conn *c, const struct stream_opts *o)
{
	int stdin_fd = o->interactive ? STDIN_FILENO : -1, code = -1;
	struct detacher dk = { .n = 0 };
	sigset_t poll_mask;

	if (o->interactive && o->tty && isatty(STDIN_FILENO) &&
	    parse_detach_keys(o->detach_keys ? o->detach_keys : "ctrl-p,ctrl-q", dk.keys, DETACH_MAX, &dk.n) < 0)
		dk.n = 0;
	if (!isatty(STDIN_FILENO))
		dk.n = 0; /* only a person at a terminal detaches */
	if (o->tty && o->interactive)
		terminal_raw();
	signal(SIGPIPE, SIG_IGN); /* writes to a gone peer fail with EPIPE instead */
	watch_signals(o, &poll_mask);
	code = o->tty && !o->framed ? -1 : conn_drain_frames(c);
	if (o->tty && !o->framed && c->len) {
		conn_write_output(STDOUT_FILENO, c->buf, c->len);
		c->len = 0;
	}
	while (code == -1) {
		struct pollfd pfd[2] = { { c->fd, POLLIN, 0 }, { stdin_fd, POLLIN, 0 } };
		int r = ppoll(pfd, stdin_fd >= 0 ? 2 : 1, NULL, &poll_mask);

		if (r < 0 && errno != EINTR)
			break;
		if (r < 0) {
			handle_signals(o);
			continue;
		}
		if (stdin_fd >= 0 && (pfd[1].revents & (POLLIN | POLLHUP))) {
			int q = read_input(c, o, &dk, &stdin_fd);
			if (q == -2) {
				code = -2;
				break;
			}
			if (q < 0) /* EPIPE: the container no longer reads; its output and exit still come */
				stdin_fd = -1;
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR))
			code = read_output(c, o);
	}
	terminal_restore();
	if (code == -3)
		return -1;
	if (code >= 0) /* wait for the close: the exit is then recorded */
		conn_wait_eof(c);
	return code;
}

/* issue 14: the shim may write our output into our own pipes (splice, no
 * copy through us): offer stdout and stderr where they are pipes. The
 * shim answers with a FRAME_DIRECT frame once everything before it is in
 * frames; conn_drain_frames acknowledges it when it gets there. */
static void
offer_direct(struct conn *shim)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(2 * sizeof(int))];
	} cm;
	uint8_t msg[FRAME_HDR_LEN + 1];
	struct iovec iov = { msg, sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &cm };
	int fds[2], n = 0;
	struct stat st;

	msg[FRAME_HDR_LEN] = 0;
	for (int fd = 1; fd <= 2; fd++)
		if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) {
			fds[n++] = fd;
			msg[FRAME_HDR_LEN] |= (uint8_t)(1 << (fd - 1));
		}
	if (!n)
		return;
	frame_header_encode(msg, FRAME_DIRECT, 1);
	mh.msg_controllen = CMSG_SPACE(n * sizeof(int));
	memset(&cm, 0, sizeof(cm));
	cm.h.cmsg_level = SOL_SOCKET;
	cm.h.cmsg_type = SCM_RIGHTS;
	cm.h.cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(&cm.h), fds, n * sizeof(int));
	shim->direct_pending = sendmsg(shim->fd, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(msg);
}

int
stream_reply(struct conn *c, json_t *result, struct stream_opts *o)
{
	struct conn shim = { .fd = c->passed_fd, .passed_fd = -1 };
	int r;

	if (!json_is_true(json_object_get(result, "fd_passed")) || c->passed_fd < 0)
		return stream_run(c, o);
	c->passed_fd = -1;
	/* straight to the shim: frames both ways, the exit frame included */
	o->framed = true;
	if (o->direct && !o->tty)
		offer_direct(&shim);
	r = stream_run(&shim, o);
	conn_close(&shim);
	return r;
}

int
stream_exit_code(const char *method, const char *id)
{
	json_t *result = NULL;
	const char *err;
	int code;

	if (client_call_once(method, json_pack("{s:s}", "id", id), &result) < 0)
		return EXIT_ENGINE;
	err = json_string_value(json_object_get(result, "error"));
	if (err)
		client_errorf("%s", err);
	code = (int)json_integer_value(json_object_get(result, "exit_code"));
	json_decref(result);
	return code;
}
