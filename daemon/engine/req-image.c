/* import and images. An import's tarball arrives on the connection right
 * after the request line; it is spooled to DATA_ROOT/tmp and unpacked by
 * lite-import, a child process, so the loop keeps answering others and the
 * archive is never parsed inside the daemon. */
#include "req.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "image-store.h"
#include "log.h"

#define IMPORT_REPLY_MAX 1024

struct import_job {
	struct peer *peer;
	char path[PATH_MAX];
	char ref[300];
	int out_fd;             /* lite-import's stdout */
	struct event *ev;
	char reply[IMPORT_REPLY_MAX];
	size_t reply_len;
};

static void
import_job_free(struct import_job *j)
{
	if (j->ev)
		event_free(j->ev);
	if (j->out_fd >= 0)
		close(j->out_fd);
	unlink(j->path);
	peer_close_after_flush(j->peer);
	peer_unref(j->peer);
	free(j);
}

/* lite-import's one line: "ok ID" or "err ERRNO MESSAGE". */
static void
import_finish(struct import_job *j)
{
	char *nl = memchr(j->reply, '\n', j->reply_len);
	int code = EIO, off = 0;

	if (nl)
		*nl = '\0';
	else
		j->reply[j->reply_len < IMPORT_REPLY_MAX ? j->reply_len : IMPORT_REPLY_MAX - 1] = '\0';
	if (strncmp(j->reply, "ok ", 3) == 0) {
		log_info("imported %s as %s", j->ref, j->reply + 3);
		peer_reply(j->peer, json_pack("{s:s, s:s}", "id", j->reply + 3, "ref", j->ref));
	} else if (sscanf(j->reply, "err %d %n", &code, &off) >= 1 && off > 0) {
		char msg[IMPORT_REPLY_MAX + 32], *spool = strstr(j->reply + off, j->path);

		/* the spool file's name means nothing to the user */
		if (spool)
			snprintf(msg, sizeof(msg), "%.*s<uploaded tarball>%s", (int)(spool - (j->reply + off)),
				 j->reply + off, spool + strlen(j->path));
		else
			snprintf(msg, sizeof(msg), "%s", j->reply + off);
		log_info("import of '%s' failed: %s", j->ref, msg);
		peer_reply_err(j->peer, code, msg);
	} else {
		peer_reply_err(j->peer, EIO, "import: the unpacker died (see the daemon's log)");
	}
	import_job_free(j);
}

static void
on_import_output(evutil_socket_t fd, short what, void *arg)
{
	struct import_job *j = arg;
	ssize_t n = read(fd, j->reply + j->reply_len, IMPORT_REPLY_MAX - 1 - j->reply_len);

	if (n < 0 && errno == EINTR)
		return;
	if (n > 0 && j->reply_len + (size_t)n < IMPORT_REPLY_MAX - 1) {
		j->reply_len += (size_t)n;
		return;
	}
	if (n > 0)
		j->reply_len += (size_t)n;
	import_finish(j);
}

static int
spawn_importer(struct daemon *d, struct import_job *j)
{
	int out[2];
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(out[0]);
		close(out[1]);
		return -errno;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		if (dup2(out[1], 1) < 0)
			_exit(127);
		execl(d->import_path, "lite-import", d->cfg.data_root, j->path, j->ref, (char *)NULL);
		dprintf(1, "err %d cannot run %s\n", errno, d->import_path);
		_exit(127);
	}
	close(out[1]);
	j->out_fd = out[0];
	j->ev = event_new(d->base, out[0], EV_READ | EV_PERSIST, on_import_output, j);
	event_add(j->ev, NULL);
	return 0;
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
		if (!p->closed)
			peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_INTERNAL,
					 "import: receiving the tarball failed: %s", strerror(-error));
		import_job_free(j);
		return;
	}
	r = spawn_importer(p->d, j);
	if (r < 0) {
		peer_reply_err(p, r, "import: cannot start lite-import");
		import_job_free(j);
	}
}

void
req_import(struct peer *p, json_t *params)
{
	struct import_job *j;
	long long size = proto_get_int(params, "size", -1);
	int fd;

	j = calloc(1, sizeof(*j));
	if (j)
		j->out_fd = -1;
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
