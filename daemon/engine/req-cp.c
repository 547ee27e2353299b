/* lite cp: cp_from streams a container path as a tar after the reply;
 * cp_to spools the tar the client streams after the request, then unpacks
 * it. Both run in lite-image (image-cp.c), off the loop; the daemon only
 * picks the container and passes its init's pid (0: not running), and
 * holds a stopped container busy while a copy writes into it (cp_hold). */
#include "req.h"
#include "image-job.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctr.h"
#include "daemon.h"
#include "strv.h"

static char **
cp_argv(const char *const *v, size_t n)
{
	char **a = calloc(n + 1, sizeof(char *));

	for (size_t i = 0; a && i < n; i++) {
		if (!(a[i] = strdup(v[i]))) {
			strv_free(a);
			return NULL;
		}
	}
	return a;
}

static bool
cp_path_ok(struct peer *p, const char *path)
{
	if (*path && strlen(path) < 4096 && !strchr(path, '\n'))
		return true;
	peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "cp: invalid path");
	return false;
}

static int
cp_pid(const struct ctr *c)
{
	return ctr_is_running(c) && c->rt.init_pid > 0 ? (int)c->rt.init_pid : 0;
}

/* A running container's init goes to lite-image as a pidfd too: the pid
 * alone could name another process by the time lite-image opens
 * /proc/PID/root (an upload lasts as long as the client likes; the init
 * may exit and its pid be reused by the caller's own process), so
 * lite-image trusts what it opened only while that pidfd says alive. */
static bool
cp_take_pidfd(struct peer *p, struct image_job *j, const struct ctr *c)
{
	if (!cp_pid(c))
		return true;
	j->pidfd = ctr_proc_init_pidfd(c);
	if (j->pidfd >= 0)
		return true;
	peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, "cp: container %s is not running", c->spec.name);
	image_job_free(j);
	return false;
}

void
req_cp_from(struct peer *p, json_t *params)
{
	const char *path = proto_get_str(params, "path", "");
	struct ctr *c;
	struct image_job *j;
	char pid[16], idmap[48];
	int fd;

	if (!cp_path_ok(p, path) || !(c = req_target(p, params)))
		return;
	if (!(j = image_job_new(p, "cp"))) {
		peer_reply_err(p, ENOMEM, "out of memory");
		return;
	}
	snprintf(j->out, sizeof(j->out), "%s/tmp/job-out-XXXXXX", p->d->cfg.data_root);
	fd = mkostemp(j->out, O_CLOEXEC);
	if (fd < 0) {
		j->out[0] = '\0';
		peer_reply_err(p, errno, "cp: cannot create the output file");
		image_job_free(j);
		return;
	}
	close(fd);
	if (!cp_take_pidfd(p, j, c))
		return;
	snprintf(pid, sizeof(pid), "%d", cp_pid(c));
	userns_idmap_arg(&c->spec.userns, idmap, sizeof(idmap));
	j->done = image_job_send_file;
	image_job_start(j, cp_argv((const char *[]){ "cp-out", c->spec.id, pid, path, j->out, idmap }, 6));
}

/* The job's end, however it ends: the container may start again. */
static void
cp_release(struct image_job *j)
{
	struct ctr *c = NULL;

	if (ctr_lookup(j->peer->d, j->tag, 0, &c, NULL) == 0)
		c->cp_busy = false;
}

/* A stopped container is written through its own overlay, mounted by
 * lite-image: held busy for the job (no start, no rm, no second copy), so
 * its upper dir is never under two overlays at once. */
static bool
cp_hold(struct peer *p, struct ctr *c)
{
	if (cp_pid(c))
		return true;
	if (c->start_ev || ctr_is_running(c))
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT, "container %s is starting: try again once it runs",
				 c->spec.name);
	else if (c->cp_busy)
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_CONFLICT,
				 "container %s is busy: another copy into it is under way", c->spec.name);
	else
		return true;
	return false;
}

void
req_cp_to(struct peer *p, json_t *params)
{
	const char *path = proto_get_str(params, "path", "");
	const char *name = proto_get_str(params, "name", "");
	struct ctr *c = NULL;
	struct image_job *j = NULL;
	char pid[16], idmap[48];

	if (strchr(name, '/') || strchr(name, '\n') || strlen(name) > 255)
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID, "cp: invalid name");
	else if (cp_path_ok(p, path) && (c = req_target(p, params)) && cp_hold(p, c) && !(j = image_job_new(p, "cp")))
		peer_reply_err(p, ENOMEM, "out of memory");
	if (!j || !cp_take_pidfd(p, j, c)) {
		peer_close_after_flush(p); /* the tar that follows is no request */
		return;
	}
	if (!cp_pid(c)) {
		c->cp_busy = true;
		snprintf(j->tag, sizeof(j->tag), "%s", c->spec.id);
		j->on_end = cp_release;
	}
	snprintf(pid, sizeof(pid), "%d", cp_pid(c));
	userns_idmap_arg(&c->spec.userns, idmap, sizeof(idmap));
	image_job_upload(j, cp_argv((const char *[]){ "cp-in", c->spec.id, pid, path, name,
						       proto_get_bool(params, "dir", false) ? "1" : "0",
						       proto_get_bool(params, "contents", false) ? "1" : "0", "@SPOOL",
						       idmap },
				    9));
}
