/* A client of the attach socket, seen from the loop: its output buffer,
 * filled with frames and flushed as its socket takes them, its stdin frames
 * parsed into the process's stdin buffer, and dropping it safely while
 * events that name it may still be pending. */
#include "shim-io-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shim-notes.h"

void
shim_io_client_drop(struct shim *s, struct client *c)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (s->clients[i] == c)
			s->clients[i] = NULL;
	if (c->notify && c->fd >= 0 && s->init && !s->init->exited)
		shim_notes_detach(s->cfg); /* the session ended, the container runs on */
	c->notify = false;
	if (c->proc && c->proc->stdin_owner == c) {
		c->proc->stdin_owner = NULL;
		if (!c->proc->tty)
			source_close(s, &c->proc->in);
	}
	shim_io_client_direct_off(s, c);
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

void
shim_io_client_bury(struct shim *s)
{
	while (s->graveyard) {
		struct client *c = s->graveyard;
		s->graveyard = c->next_dead;
		free(c);
	}
}

void
shim_io_client_update_events(struct shim *s, struct client *c)
{
	uint32_t ev = 0;
	struct proc *p = c->proc;

	if (!c->read_eof && !(p && p->stdin_owner == c && p->stdin_len > 0))
		ev |= EPOLLIN;
	if (c->out_len)
		ev |= EPOLLOUT;
	ep_set(s, c->fd, c, ev, EPOLL_CTL_MOD);
}

/* Our answer to a FRAME_DIRECT request, after everything queued before. */
static void
answer_direct(struct client *c)
{
	if (!c->direct_answer_due || !c->out || CLIENT_OUT_CAP - c->out_len < FRAME_HDR_LEN)
		return;
	frame_header_encode((uint8_t *)c->out + c->out_len, FRAME_DIRECT, 0);
	c->out_len += FRAME_HDR_LEN;
	c->direct_answer_due = false;
}

/* Write what the socket takes now; false if the client is gone. */
bool
shim_io_client_flush(struct shim *s, struct client *c)
{
	answer_direct(c);
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
	answer_direct(c);
	shim_io_client_update_events(s, c);
	return true;
}

bool
shim_io_client_queue(struct shim *s, struct client *c, enum frame_stream stream, const char *data, size_t len)
{
	uint8_t hdr[FRAME_HDR_LEN];

	if (CLIENT_OUT_CAP - c->out_len < len + sizeof(hdr))
		return true; /* cannot happen while pausing works; drop rather than grow */
	frame_header_encode(hdr, stream, (uint32_t)len);
	memcpy(c->out + c->out_len, hdr, sizeof(hdr));
	memcpy(c->out + c->out_len + sizeof(hdr), data, len);
	c->out_len += len + sizeof(hdr);
	return shim_io_client_flush(s, c);
}

/* Parse stdin frames out of bytes read from a client. */
void
shim_io_client_consume(struct proc *p, struct client *c, const uint8_t *b, size_t n)
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
			if (c->payload_stream == FRAME_DIRECT && c->payload_left == 0)
				c->direct_frame = true; /* the go-ahead */
			continue;
		}
		take = c->payload_left < n ? c->payload_left : n;
		if (c->payload_stream == FRAME_DIRECT) { /* the request: one byte, its mask */
			c->direct_mask = b[take - 1];
			c->direct_frame = c->direct_request = c->payload_left == take;
		}
		if (p && p->stdin_owner == c && c->payload_stream == FRAME_STDIN && p->stdin_len + take <= STDIN_CAP) {
			memcpy(p->stdin_buf + p->stdin_len, b, take);
			p->stdin_len += take;
		}
		c->payload_left -= (uint32_t)take;
		b += take;
		n -= take;
	}
}

void
shim_io_client_direct_off(struct shim *s, struct client *c)
{
	if (c->direct_blocked && c->direct_src.fd >= 0)
		epoll_ctl(s->ep, EPOLL_CTL_DEL, c->direct_src.fd, NULL);
	c->direct_blocked = false;
	for (int i = 1; i < 3; i++)
		if (c->direct_fd[i] >= 0) {
			close(c->direct_fd[i]);
			c->direct_fd[i] = -1;
		}
	for (int i = 0; i < c->n_passed; i++)
		close(c->passed_fd[i]);
	c->n_passed = 0;
	c->direct = DIRECT_OFF;
}

bool
shim_io_client_attach(struct shim *s, struct client *c, struct proc *p, bool want_stdin)
{
	c->proc = p;
	c->out = malloc(CLIENT_OUT_CAP);
	if (!c->out)
		return false;
	/* a terminal's input appears at the start: an attach made before it
	 * (held by the daemon until a start, issue 16) owns it then; what it
	 * sends first waits in stdin_buf (shim_io_proc_start_init flushes it) */
	if (want_stdin && !p->stdin_owner && (p->in.fd >= 0 || (p->tty && p->is_init && !s->started)))
		p->stdin_owner = c;
	return true;
}
