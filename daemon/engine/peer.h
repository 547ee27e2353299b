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
struct peer;

/* What the connection is doing; peer.c moves it from one to the next. */
enum peer_mode {
	PEER_MODE_READING,      /* reading request lines */
	PEER_MODE_BACKLOGGED,   /* replies not read by the client: reading waits for them */
	PEER_MODE_REQUEST,      /* a request is in flight: its reply is awaited */
	PEER_MODE_DISCARDING,   /* dropping the rest of an oversize line, then draining */
	PEER_MODE_UPLOADING,    /* the bytes after the request line go to a file */
	PEER_MODE_PROXYING,     /* copying bytes between the client and a shim */
	PEER_MODE_STREAM_ENDED, /* the shim side closed; on_proxy_end's owner closes */
	PEER_MODE_FD_PASSED,    /* the stream went to the client as an fd; the handler closes */
	PEER_MODE_STREAMING,    /* a handler writes a byte stream (logs); input is ignored */
	PEER_MODE_DRAINING,     /* closing once output is flushed; reads no more */
	PEER_MODE_CLOSED,
	PEER_MODE_MAX
};

/* Runs one parsed request; the handler replies through peer_reply*. */
typedef void (*peer_dispatch_cb)(struct peer *p, struct proto_request *req, void *arg);

struct peer {
	int refs;
	enum peer_mode mode;
	/* The client half-closed its side. Apart from the mode: it happens in
	 * any of them and must outlive the switch from a request to its stream. */
	bool client_eof;
	struct daemon *d;
	struct bufferevent *bev;
	struct ucred cred;
	gid_t groups[64];            /* SO_PEERGROUPS at accept (issue 11 A2) */
	int n_groups;                /* -1: unknown (more than 64) */
	peer_dispatch_cb dispatch;
	void *dispatch_arg;
	json_t *req_id;          /* id of the request in flight */
	struct event *idle_ev;   /* READING: closes a connection that sends no request */
	bool in_read;            /* peer_read_cb is on the stack: it reads on itself */
	/* Set by the dispatcher for a request to audit: called once, with
	 * the error or NULL, when its reply goes out (req.c). */
	void (*audit)(struct peer *p, const struct proto_error *err);
	enum proto_method audit_method;
	char audit_target[128];
	/* PEER_MODE_PROXYING */
	struct bufferevent *proxy;   /* attach: connection to the shim */
	/* How PROXYING frames bytes, not a mode of its own (the same transitions
	 * apply): TTY: raw bytes to the client, frames to the shim. */
	bool proxy_raw;
	char proxy_exec_id[72];      /* an exec's stream: remember its exit status */
	void (*on_proxy_end)(struct peer *p); /* shim side closed; decides when to close */
	char stream_ctr[65];         /* container id of an attach or log stream */
	/* PEER_MODE_UPLOADING */
	void (*upload_done)(struct peer *p, int error);
	int upload_fd;
	uint64_t upload_left;        /* UINT64_MAX: until EOF */
	uint64_t upload_cap;         /* until EOF: fail with -EFBIG past this; 0: none */
	uint64_t upload_done_bytes;
	/* the handler's state for a stream or an upload (logs follower etc.) */
	void *stream_state;
	void (*stream_free)(struct peer *p);
};

/* Accept a connected socket; the peer owns fd from now on. Each request
 * line is parsed and handed to dispatch(p, req, arg). */
void peer_new(struct daemon *d, int fd, peer_dispatch_cb dispatch, void *arg);
void peer_ref(struct peer *p);
void peer_unref(struct peer *p);
/* Close the connection now (pending output is dropped). */
void peer_close(struct peer *p);
/* Close once pending output has been written. */
void peer_close_after_flush(struct peer *p);
/* The connection is gone: replies and writes are dropped. */
bool peer_is_closed(const struct peer *p);

/* Reply to the request in flight; result is stolen. The peer reads the
 * next request afterwards unless it switched to a stream. */
void peer_reply(struct peer *p, json_t *result);
void peer_reply_error(struct peer *p, int code, const char *kind, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Reply {} when r >= 0, else err's message; clears err either way. */
void peer_reply_status(struct peer *p, int r, struct lite_err *err);
/* Reply with a lite_err's message, choosing the kind from its code. */
void peer_reply_err(struct peer *p, int code, const char *msg);
/* Reply with a result already encoded as JSON text (len bytes, valid JSON,
 * no newline), e.g. ps's (ctr-ps-json.c): no tree to build and dump. */
void peer_reply_text(struct peer *p, const char *json, size_t len);
/* Reply with result (stolen), then exactly len raw bytes (ps rows); the
 * connection then takes the next request. */
void peer_reply_bytes(struct peer *p, json_t *result, const void *data, size_t len);

/* Reply with a stream on shim_fd (a connected shim attach socket): when
 * the client asked for pass_fd and nothing else is queued, the reply line
 * and the socket travel together (SCM_RIGHTS) and the daemon stays out of
 * the data path; otherwise the daemon proxies (raw for tty) and
 * p->on_proxy_end, when set, runs once the shim side closes. Returns true
 * when the fd was passed. */
bool peer_reply_stream(struct peer *p, json_t *result, int shim_fd, bool want_fd, bool tty,
		       const char *ctr_id, const char *exec_id);
/* Before the reply (import, load, cp): write the bytes that follow (limit bytes, or
 * until EOF when limit is UINT64_MAX) to fd, then call done; done gets -EFBIG
 * once more than p->upload_cap bytes (when set) came. */
void peer_start_upload(struct peer *p, int fd, uint64_t limit, void (*done)(struct peer *p, int error));
/* Before the reply: the request turns into a stream that the handler
 * writes (peer_set_write_cb) and ends by closing; no more requests are read.
 * state is the handler's, freed by free_state when the peer closes. */
void peer_start_stream(struct peer *p, void *state, void (*free_state)(struct peer *p));
/* Stream mode: cb runs whenever output drains below the low watermark;
 * client input is ignored, a disconnect closes the peer. */
void peer_set_write_cb(struct peer *p, bufferevent_data_cb cb);
/* Queue raw bytes to the client. */
void peer_write(struct peer *p, const void *data, size_t len);
