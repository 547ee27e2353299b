/* attach, exec and resize: the requests that reach into a running
 * container through its shim's socket (exec_inspect is in req-exec-inst.c). */
#include "req.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctr.h"
#include "events.h"
#include "daemon.h"
#include "log.h"
#include "strv.h"
#include "valid.h"

/* A running container of the caller's, or NULL after replying. */
static struct ctr *
running_id(struct peer *p, const char *id)
{
	struct lite_err err = { 0 };
	struct ctr *c = NULL;
	int r = ctr_lookup(p->d, id, p->cred.uid, &c, &err);

	if (r < 0)
		peer_reply_err(p, r, err.msg);
	else if (!ctr_is_running(c))
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, "container %s is not running", c->spec.name);
	lite_err_clear(&err);
	return r < 0 || !ctr_is_running(c) ? NULL : c;
}

static struct ctr *
running_target(struct peer *p, json_t *params)
{
	return running_id(p, proto_get_str(params, "id", ""));
}

/* attach's wait_start (issue 16, Docker's attach): a container that does
 * not run is not started; the attach waits for its next start (held),
 * true when it was handled so. */
static bool
attach_held(struct peer *p, json_t *params, bool want_stdin)
{
	struct lite_err err = { 0 };
	struct ctr *c = NULL;
	int r;

	if (!proto_get_bool(params, "wait_start", false))
		return false;
	r = ctr_lookup(p->d, proto_get_str(params, "id", ""), p->cred.uid, &c, &err);
	if (r < 0) {
		peer_reply_err(p, r, err.msg);
		lite_err_clear(&err);
		return true;
	}
	if (ctr_is_running(c) && !c->start_ev)
		return false; /* attached now, as without wait_start */
	(void)ctr_attach_hold(p->d, c, p, want_stdin, proto_get_bool(params, "pass_fd", false));
	return true;
}

void
req_attach(struct peer *p, json_t *params)
{
	bool want_stdin = proto_get_bool(params, "stdin", false);
	struct ctr *c;
	int fd;

	if (attach_held(p, params, want_stdin))
		return;
	c = running_target(p, params);
	if (!c)
		return;
	/* notify: its end while the container runs is a note, "detach" (ctr-notes.c) */
	fd = ctr_shim_connect(p->d, c, want_stdin ? "attach stdin replay notify\n" : "attach replay notify\n");
	if (fd < 0) {
		peer_reply_err(p, fd, "connect to the container's shim");
		return;
	}
	p->on_proxy_end = ctr_proc_stream_end;
	events_ctr(p->d, c, "attach", NULL);
	if (peer_reply_stream(p, json_pack("{s:s, s:s, s:b, s:b}", "id", c->spec.id, "name", c->spec.name,
					   "tty", c->spec.tty, "stream", 1),
			      fd, proto_get_bool(params, "pass_fd", false), c->spec.tty, c->spec.id, NULL))
		ctr_add_waiter(c, WAITER_CLOSE, p);
}

int
req_exec_check_params(json_t *params, char *errbuf, size_t len)
{
	json_t *env = json_object_get(params, "env"), *e;
	long long rows = proto_get_int(params, "rows", 0), cols = proto_get_int(params, "cols", 0);
	size_t i;

	if (json_array_size(json_object_get(params, "cmd")) == 0)
		return snprintf(errbuf, len, "exec needs a command"), -EINVAL;
	json_array_foreach(env, i, e)
		if (!valid_env(json_string_value(e)))
			return snprintf(errbuf, len, "invalid -e \"%s\": expected KEY=VALUE", json_string_value(e)), -EINVAL;
	if (rows < 0 || rows > 65535 || cols < 0 || cols > 65535)
		return snprintf(errbuf, len, "invalid terminal size"), -EINVAL;
	return 0;
}

/* The spec the shim runs: the container's env overridden by -e. */
static char *
exec_line(struct ctr *c, json_t *params, const char *exec_id)
{
	json_t *env = strv_env_overlay(c->spec.env, json_object_get(params, "env"));
	const char *cwd = proto_get_str(params, "workdir", c->spec.cwd[0] ? c->spec.cwd : "/");
	const char *user = proto_get_str(params, "user", c->spec.user);
	json_t *o = json_pack("{s:s, s:O, s:o, s:s, s:s, s:b, s:b, s:I, s:I, s:b, s:b}", "exec_id", exec_id,
			      "cmd", json_object_get(params, "cmd"), "env", env, "cwd", cwd, "user", user,
			      "tty", proto_get_bool(params, "tty", false), "stdin", proto_get_bool(params, "stdin", false),
			      "rows", (json_int_t)proto_get_int(params, "rows", 0),
			      "cols", (json_int_t)proto_get_int(params, "cols", 0),
			      "detach", proto_get_bool(params, "detach", false),
			      "notify", 1); /* its end as a note: exec_die (ctr-notes.c) */
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL, *line = NULL;

	json_decref(o);
	if (s && asprintf(&line, "exec %s\n", s) < 0)
		line = NULL;
	free(s);
	return line;
}

struct ctr *
req_exec_target(struct peer *p, const char *id)
{
	struct ctr *c = running_id(p, id);

	/* a frozen container would hold the exec until unpause */
	if (c && c->rt.paused) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT,
				 "container %s is paused, unpause the container before exec", c->spec.name);
		return NULL;
	}
	return c;
}

int
req_exec_spawn(struct peer *p, struct ctr *c, json_t *params, const char *exec_id)
{
	char *line = exec_line(c, params, exec_id);
	int fd = line ? ctr_shim_connect(p->d, c, line) : -ENOMEM;

	free(line);
	if (fd < 0) {
		peer_reply_err(p, fd, "connect to the container's shim");
		return -1;
	}
	log_debug("exec %.12s in container %.12s", exec_id, c->spec.id);
	return fd;
}

void
req_exec(struct peer *p, json_t *params)
{
	char exec_id[65], errbuf[256];
	struct ctr *c;
	int fd;

	if (req_exec_check_params(params, errbuf, sizeof(errbuf)) < 0) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "%s", errbuf);
		return;
	}
	c = req_exec_target(p, proto_get_str(params, "id", ""));
	if (!c)
		return;
	ctr_generate_id(exec_id);
	fd = req_exec_spawn(p, c, params, exec_id);
	if (fd < 0)
		return;
	events_exec(p->d, c, exec_id, json_object_get(params, "cmd"));
	if (proto_get_bool(params, "detach", false)) {
		close(fd);
		peer_reply(p, json_pack("{s:s}", "exec_id", exec_id));
		return;
	}
	if (peer_reply_stream(p, json_pack("{s:s, s:b}", "exec_id", exec_id, "stream", 1), fd,
			      proto_get_bool(params, "pass_fd", false), proto_get_bool(params, "tty", false),
			      c->spec.id, exec_id))
		peer_close_after_flush(p);
}

void
req_resize(struct peer *p, json_t *params)
{
	long long rows = proto_get_int(params, "rows", 0), cols = proto_get_int(params, "cols", 0);
	const char *exec_id = proto_get_str(params, "exec_id", "init");
	char line[160];
	struct ctr *c;
	int fd;

	if (rows < 1 || rows > 65535 || cols < 1 || cols > 65535 || !*exec_id || strchr(exec_id, ' ')) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "invalid terminal size %lldx%lld", rows, cols);
		return;
	}
	c = running_target(p, params);
	if (!c)
		return;
	snprintf(line, sizeof(line), "resize %s %lld %lld\n", exec_id, rows, cols);
	fd = ctr_shim_connect(p->d, c, line);
	if (fd < 0) {
		peer_reply_err(p, fd, "connect to the container's shim");
		return;
	}
	close(fd);
	if (!strcmp(exec_id, "init")) { /* Docker's: the container's terminal, not an exec's */
		char h[16], w[16];

		snprintf(h, sizeof(h), "%lld", rows);
		snprintf(w, sizeof(w), "%lld", cols);
		events_ctr(p->d, c, "resize", events_attrs("height", h, "width", w, NULL));
	}
	peer_reply(p, json_object());
}
