/* Reading detached execs' streams for their exit (see exec-drain.h). Each
 * drain is a bufferevent on the shim socket; it frees itself at EOF. */
#include "exec-drain.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon.h"
#include "finished.h"
#include "frame.h"

struct drain {
	struct daemon *d;
	struct bufferevent *bev;
	char ctr_id[65], exec_id[65];
	uid_t owner;   /* the exec's caller */
};

static void
drain_free(struct drain *dr)
{
	bufferevent_free(dr->bev);
	free(dr);
}

static void
note_exit(struct drain *dr, const char *payload, size_t len)
{
	json_t *o = json_loadb(payload, len, 0, NULL);
	int code = (int)json_integer_value(json_object_get(o, "exit_code"));

	if (o) {
		/* the exec_die event comes from the shim's note (ctr-notes.c) */
		finished_record(&dr->d->finished, dr->exec_id, dr->owner, code, json_is_true(json_object_get(o, "oom_killed")),
				json_string_value(json_object_get(o, "error")));
	}
	json_decref(o);
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t hdr[FRAME_HDR_LEN];
	enum frame_stream st;
	uint32_t len;

	while (evbuffer_copyout(in, hdr, sizeof(hdr)) == sizeof(hdr)) {
		if (frame_header_decode(hdr, &st, &len) < 0) {
			drain_free(arg);
			return;
		}
		if (st != FRAME_EXIT) { /* output: dropped as it comes */
			size_t have = evbuffer_get_length(in) - sizeof(hdr);
			size_t k = have < len ? have : len;

			evbuffer_drain(in, sizeof(hdr) + k);
			if (k < len) { /* the rest of this frame is still to come */
				frame_header_encode(hdr, st, len - (uint32_t)k);
				evbuffer_prepend(in, hdr, sizeof(hdr));
				return;
			}
			continue;
		}
		if (evbuffer_get_length(in) < sizeof(hdr) + len)
			return;
		char payload[1024];
		size_t n = len < sizeof(payload) ? len : sizeof(payload);

		evbuffer_drain(in, sizeof(hdr));
		evbuffer_remove(in, payload, n);
		evbuffer_drain(in, len - n);
		note_exit(arg, payload, n);
	}
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		drain_free(arg);
}

int
exec_drain_start(struct daemon *d, int fd, const char *ctr_id, const char *exec_id, uid_t owner)
{
	struct drain *dr = calloc(1, sizeof(*dr));

	if (!dr || !(dr->bev = bufferevent_socket_new(d->base, fd, BEV_OPT_CLOSE_ON_FREE))) {
		free(dr);
		close(fd);
		return -ENOMEM;
	}
	dr->d = d;
	snprintf(dr->ctr_id, sizeof(dr->ctr_id), "%s", ctr_id);
	snprintf(dr->exec_id, sizeof(dr->exec_id), "%s", exec_id);
	dr->owner = owner;
	bufferevent_setcb(dr->bev, on_read, NULL, on_event, dr);
	bufferevent_enable(dr->bev, EV_READ);
	return 0;
}
