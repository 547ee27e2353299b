/* import and images. An import's tarball arrives on the connection right
 * after the request line; it is spooled to DATA_ROOT/tmp and unpacked on a
 * worker thread, so the loop keeps answering others meanwhile. */
#include "req.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "image-store.h"
#include "log.h"
#include "worker.h"

struct import_job {
	struct peer *peer;
	char path[PATH_MAX];
	char ref[300];
	char *image_id;
	struct lite_err err;
	int r;
};

static void
import_work(void *arg)
{
	struct import_job *j = arg;

	j->r = image_import_tar(j->peer->d->cfg.data_root, j->path, j->ref, &j->image_id, &j->err);
}

static void
import_done(void *arg)
{
	struct import_job *j = arg;

	unlink(j->path);
	if (j->r < 0) {
		log_info("import of '%s' failed: %s", j->ref, j->err.msg ? j->err.msg : "error");
		peer_reply_err(j->peer, j->r, j->err.msg);
	} else {
		log_info("imported %s as %s", j->ref, j->image_id);
		peer_reply(j->peer, json_pack("{s:s, s:s}", "id", j->image_id, "ref", j->ref));
	}
	peer_close_after_flush(j->peer);
	peer_unref(j->peer);
	lite_err_clear(&j->err);
	free(j->image_id);
	free(j);
}

static void
upload_done(struct peer *p, int error)
{
	struct import_job *j = p->stream_state;
	int r;

	p->stream_state = NULL;
	close(p->upload_fd);
	p->upload_fd = -1;
	if (error < 0 || p->closed) {
		unlink(j->path);
		if (!p->closed)
			peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_INTERNAL,
					 "import: receiving the tarball failed: %s", strerror(-error));
		peer_close_after_flush(p);
		peer_unref(p);
		free(j);
		return;
	}
	r = worker_run(p->d->base, import_work, import_done, j);
	if (r < 0) {
		j->r = r;
		lite_err_sys(&j->err, r, "import: start worker");
		import_done(j);
	}
}

void
req_import(struct peer *p, json_t *params)
{
	struct import_job *j;
	long long size = proto_get_int(params, "size", -1);
	int fd;

	j = calloc(1, sizeof(*j));
	if (!j || image_ref_normalize(proto_get_str(params, "ref", ""), j->ref, sizeof(j->ref)) < 0) {
		peer_reply_error(p, PROTO_E_INVALID_PARAMS, PROTO_KIND_INVALID,
				 "invalid image name '%s': use lowercase NAME[:TAG]", proto_get_str(params, "ref", ""));
		peer_close_after_flush(p); /* the tarball's bytes follow; don't parse them */
		free(j);
		return;
	}
	if (snprintf(j->path, sizeof(j->path), "%s/tmp/upload-XXXXXX", p->d->cfg.data_root) >= (int)sizeof(j->path))
		errno = ENAMETOOLONG, fd = -1;
	else
		fd = mkostemp(j->path, O_CLOEXEC);
	if (fd < 0) {
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_INTERNAL, "import: create spool file: %s",
				 strerror(errno));
		peer_close_after_flush(p);
		free(j);
		return;
	}
	j->peer = p;
	peer_ref(p);
	p->stream_state = j;
	peer_start_upload(p, fd, size >= 0 ? (uint64_t)size : UINT64_MAX, upload_done);
}

void
req_images(struct peer *p, json_t *params)
{
	struct lite_err err = { 0 };
	json_t *list = NULL;
	int r = image_list(p->d->cfg.data_root, &list, &err);

	if (r < 0)
		peer_reply_err(p, r, err.msg);
	else
		peer_reply(p, list);
	lite_err_clear(&err);
}
