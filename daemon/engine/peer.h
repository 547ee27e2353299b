/* One client connection: reads request lines, runs one request at a time,
 * writes the reply, and may then switch to a byte stream (an upload, a
 * proxied attach, a log stream). Refcounted; freed from the event loop. */
#pragma once

#include <event2/bufferevent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "lite-err.h"
#include "proto.h"

struct daemon;

struct peer {
	int refs;
	bool closed;
	bool busy;               /* a request is in flight */
	bool discarding;         /* dropping the rest of an oversize line */
	bool draining;
	bool fd_passed;          /* the stream went to the client as an fd */
	bool stream_starting;    /* replying to a streaming request: read no more lines */
	bool eof_seen;           /* the client half-closed while a request was in flight */           /* closing once output is flushed; reads no more */
	struct daemon *d;
	struct bufferevent *bev;
	struct ucred cred;
	json_t *req_id;          /* id of the request in flight */
	/* streaming modes */
	struct bufferevent *proxy;   /* attach: connection to the shim */
	bool proxy_eof;              /* the client half-closed; pass it on when drained */
	bool proxy_raw;              /* TTY: raw bytes to the client, frames to the shim */
	char proxy_exec_id[72];      /* an exec's stream: remember its exit status */
	void (*on_proxy_end)(struct peer *p); /* shim side closed; decides when to close */
	char stream_ctr[65];         /* container id of an attach or log stream */
	void (*upload_done)(struct peer *p, int error);
	int upload_fd;
	uint64_t upload_left;        /* UINT64_MAX: until EOF */
	void *stream_state;          /* logs follower etc. */
	void (*stream_free)(struct peer *p);
};

/* Accept a connected socket; the peer owns fd from now on. */
void peer_new(struct daemon *d, int fd);
void peer_ref(struct peer *p);
void peer_unref(struct peer *p);
/* Close the connection now (pending output is dropped). */
void peer_close(struct peer *p);
/* Close once pending output has been written. */
void peer_close_after_flush(struct peer *p);

/* Reply to the request in flight; result is stolen. The peer reads the
 * next request afterwards unless it switched to a stream. */
void peer_reply(struct peer *p, json_t *result);
void peer_reply_error(struct peer *p, int code, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Reply {} when r >= 0, else err's message; clears err either way. */
void peer_reply_status(struct peer *p, int r, struct lite_err *err);
/* Reply with a lite_err's message, choosing the kind from its code. */
void peer_reply_err(struct peer *p, int code, const char *msg);

/* Reply with a stream on shim_fd (a connected shim attach socket): when
 * the client asked for pass_fd and nothing else is queued, the reply line
 * and the socket travel together (SCM_RIGHTS) and the daemon stays out of
 * the data path; otherwise the daemon proxies (raw for tty). Returns true
 * when the fd was passed. */
bool peer_reply_stream(struct peer *p, json_t *result, int shim_fd, bool want_fd, bool tty,
		       const char *ctr_id, const char *exec_id);
/* After the reply: copy bytes both ways between the client and fd (a shim
 * attach socket). on_done runs when the shim side closes. */
int peer_start_proxy(struct peer *p, int fd);
/* After the reply to import: write the bytes that follow (limit bytes, or
 * until EOF when limit is UINT64_MAX) to fd, then call done. */
void peer_start_upload(struct peer *p, int fd, uint64_t limit, void (*done)(struct peer *p, int error));
/* Stream mode: cb runs whenever output drains below the low watermark;
 * client input is ignored, a disconnect closes the peer. */
void peer_set_write_cb(struct peer *p, bufferevent_data_cb cb);
/* Queue raw bytes to the client. */
void peer_write(struct peer *p, const void *data, size_t len);
