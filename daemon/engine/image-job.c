/* lite-image jobs: fork/exec the helper, read its one result line through a
 * pipe watched by the event loop, reply. Optionally spool an upload first
 * (load) or stream an output file afterwards (save, export): the file is
 * opened, unlinked and handed to libevent (sendfile), so the loop never
 * blocks and nothing is left behind when the client disconnects. */
#include "image-events.h"
#include "image-job.h"
#include "req.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "daemon.h"
#include "format.h"
#include "log.h"
#include "strv.h"

#define JOB_REPLY_MAX (256 * 1024)

struct image_job *
image_job_new(struct peer *p, const char *what)
{
	struct image_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->reply = malloc(JOB_REPLY_MAX);
	if (!j->reply) {
		free(j);
		return NULL;
	}
	j->out_fd = -1;
	j->pidfd = -1;
	j->upload_limit = UINT64_MAX;
	j->peer = p;
	snprintf(j->what, sizeof(j->what), "%s", what);
	peer_ref(p);
	return j;
}

void
image_job_free(struct image_job *j)
{
	if (!j)
		return;
	if (j->on_end)
		j->on_end(j);
	if (j->ev)
		event_free(j->ev);
	if (j->out_fd >= 0)
		close(j->out_fd);
	if (j->pidfd >= 0)
		close(j->pidfd);
	if (j->spool[0])
		unlink(j->spool);
	if (j->out[0])
		unlink(j->out);
	strv_free(j->argv);
	free(j->reply);
	if (j->user_free)
		j->user_free(j->user);
	if (j->close_after)
		peer_close_after_flush(j->peer);
	peer_unref(j->peer);
	free(j);
}

void
image_job_send_file(struct image_job *j, json_t *result)
{
	struct peer *p = j->peer;
	struct stat st;
	int fd = open(j->out, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		peer_reply_err(p, errno, "cannot open the result file");
		if (fd >= 0)
			close(fd);
		json_decref(result);
		return;
	}
	unlink(j->out);
	j->out[0] = '\0';
	json_object_set_new(result, "size", json_integer((json_int_t)st.st_size));
	peer_reply(p, json_incref(result));
	if (!peer_is_closed(p) && st.st_size > 0)
		evbuffer_add_file(bufferevent_get_output(p->bev), fd, 0, st.st_size);
	else
		close(fd);
	peer_close_after_flush(p);
}

/* The helper's error message with the spool file's name, which means
 * nothing to the user, replaced; NULL when it does not appear. */
static char *
job_message(const struct image_job *j, const char *msg)
{
	const char *at = j->spool[0] ? strstr(msg, j->spool) : NULL;
	char *out = NULL;

	if (at && asprintf(&out, "%.*s<uploaded archive>%s", (int)(at - msg), msg, at + strlen(j->spool)) < 0)
		out = NULL;
	return out;
}

/* "ok JSON" or "err ERRNO MESSAGE". */
static void
job_finish(struct image_job *j)
{
	char *nl = memchr(j->reply, '\n', j->reply_len);
	int code = EIO, off = 0;

	if (nl)
		*nl = '\0';
	else
		j->reply[j->reply_len < JOB_REPLY_MAX ? j->reply_len : JOB_REPLY_MAX - 1] = '\0';
	if (strncmp(j->reply, "ok ", 3) == 0) {
		json_t *res = json_loads(j->reply + 3, 0, NULL);

		if (res)
			image_events_job(j->peer->d, j->argv ? j->argv[0] : NULL, j->argv, res); /* issue 13 */
		if (!res)
			peer_reply_err(j->peer, EIO, "lite-image returned a malformed result");
		else if (j->done)
			j->done(j, res);
		else
			peer_reply(j->peer, json_incref(res));
		json_decref(res);
	} else if (sscanf(j->reply, "err %d %n", &code, &off) >= 1 && off > 0) {
		char *msg = job_message(j, j->reply + off);

		log_info("%s failed: %s", j->what, msg ? msg : j->reply + off);
		peer_reply_err(j->peer, code, msg ? msg : j->reply + off);
		free(msg);
	} else {
		peer_reply_err(j->peer, EIO, "the image helper died (see the daemon's log)");
	}
	image_job_free(j);
}

/* Strip complete "progress JSON" lines (pull) from the front of the
 * buffer, forwarding them as {"method":"progress","params":JSON} when the
 * client asked; the result line stays. */
static void
job_progress(struct image_job *j)
{
	static const char head[] = "{\"method\":\"progress\",\"params\":";
	char *nl;

	while (j->reply_len > 9 && !strncmp(j->reply, "progress ", 9) && (nl = memchr(j->reply, '\n', j->reply_len))) {
		size_t n = (size_t)(nl - j->reply) + 1;

		if (j->progress) {
			peer_write(j->peer, head, sizeof(head) - 1);
			peer_write(j->peer, j->reply + 9, n - 10);
			peer_write(j->peer, "}\n", 2);
		}
		memmove(j->reply, j->reply + n, j->reply_len - n);
		j->reply_len -= n;
	}
}

static void
on_job_output(evutil_socket_t fd, short what, void *arg)
{
	struct image_job *j = arg;
	ssize_t n = read(fd, j->reply + j->reply_len, JOB_REPLY_MAX - 1 - j->reply_len);

	if (n < 0 && errno == EINTR)
		return;
	if (n > 0 && j->reply_len + (size_t)n < JOB_REPLY_MAX - 1) {
		j->reply_len += (size_t)n;
		job_progress(j);
		return;
	}
	if (n > 0)
		j->reply_len += (size_t)n;
	job_finish(j);
}

/* "registry-mirrors", comma-joined (no URL holds a ',': daemon-limits.c). */
static void
set_mirrors_env(char **m)
{
	char v[8192];
	size_t at = 0;

	unsetenv("LITE_REGISTRY_MIRRORS");
	for (size_t i = 0; m && m[i]; i++) {
		int n = snprintf(v + at, sizeof(v) - at, "%s%s", i ? "," : "", m[i]);

		if (n < 0 || (size_t)n >= sizeof(v) - at)
			break; /* the mirrors that fit */
		at += (size_t)n;
	}
	if (at)
		setenv("LITE_REGISTRY_MIRRORS", v, 1);
}

/* In the child: the limits lite-image enforces itself (image-main.c). */
static void
set_limits_env(const struct daemon_limits *l)
{
	char v[32];

	snprintf(v, sizeof(v), "%llu", (unsigned long long)l->max_layer_size);
	setenv("LITE_MAX_LAYER_SIZE", v, 1);
	snprintf(v, sizeof(v), "%llu", (unsigned long long)l->max_layer_entries);
	setenv("LITE_MAX_LAYER_ENTRIES", v, 1);
	set_mirrors_env(l->registry_mirrors);
}

static int
job_spawn(struct image_job *j)
{
	struct daemon *d = j->peer->d;
	size_t n = strv_length(j->argv);
	char **args = calloc(n + 3, sizeof(char *));
	char caller[40]; /* whose tags lite-image may touch (image-tags.h) */
	int out[2];
	pid_t pid, parent = getpid();

	snprintf(caller, sizeof(caller), "LITE_CALLER_UID=%u", (unsigned)j->peer->cred.uid);

	if (!args || pipe2(out, O_CLOEXEC) < 0) {
		free(args);
		return -errno;
	}
	args[0] = "lite-image";
	args[1] = d->cfg.data_root;
	for (size_t i = 0; i < n; i++)
		args[i + 2] = j->argv[i];
	pid = fork();
	if (pid == 0) {
		/* the helper dies with the daemon: a new daemon sweeps tmp/ and
		 * must not find a helper still writing there (issue 13); the
		 * daemon may have died before prctl, hence the getppid check */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(127);
		signal(SIGPIPE, SIG_DFL);
		nofile_restore(d);
		set_limits_env(&d->cfg.limits);
		if (dup2(out[1], 1) < 0 || putenv(caller) != 0)
			_exit(127);
		if (j->pidfd >= 0 && (dup2(j->pidfd, 3) < 0 || setenv("LITE_PIDFD", "3", 1) < 0))
			_exit(127);
		execv(d->image_helper_path, args);
		dprintf(1, "err %d cannot run %s\n", errno, d->image_helper_path);
		_exit(127);
	}
	free(args);
	close(out[1]);
	if (pid < 0) {
		close(out[0]);
		return -errno;
	}
	j->out_fd = out[0];
	j->ev = event_new(d->base, out[0], EV_READ | EV_PERSIST, on_job_output, j);
	event_add(j->ev, NULL);
	return 0;
}

void
image_job_start(struct image_job *j, char **argv)
{
	int r;

	j->argv = argv;
	r = j->argv ? job_spawn(j) : -ENOMEM;
	if (r < 0) {
		peer_reply_err(j->peer, -r, "cannot start lite-image");
		image_job_free(j);
	}
}

/* More than "max-upload-size": the spool goes with the job, the
 * connection closes (the rest of the upload is not read). */
static void
too_large(struct image_job *j)
{
	char max[32];

	format_size(j->peer->d->cfg.limits.max_upload_size, max, sizeof(max));
	log_info("%s from uid %d refused: over max-upload-size", j->what, (int)j->peer->cred.uid);
	peer_reply_error(j->peer, PROTO_E_ENGINE, PROTO_KIND_TOO_LARGE,
			 "%s: the upload is too large (max-upload-size is %s)", j->what, max);
}

static void
upload_done(struct peer *p, int error)
{
	struct image_job *j = p->stream_state;

	p->stream_state = NULL;
	close(p->upload_fd);
	p->upload_fd = -1;
	if (error == -EFBIG && !peer_is_closed(p)) {
		too_large(j);
		image_job_free(j);
		return;
	}
	if (error < 0 || peer_is_closed(p)) {
		if (!peer_is_closed(p))
			peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_INTERNAL, "%s: receiving the archive failed: %s",
					 j->what, strerror(-error));
		image_job_free(j);
		return;
	}
	image_job_start(j, j->argv);
}

void
image_job_upload(struct image_job *j, char **argv)
{
	struct peer *p = j->peer;
	int fd;

	j->argv = argv;
	j->close_after = true;
	if (j->upload_limit != UINT64_MAX && j->upload_limit > p->d->cfg.limits.max_upload_size) {
		too_large(j);
		image_job_free(j);
		return;
	}
	snprintf(j->spool, sizeof(j->spool), "%s/tmp/upload-XXXXXX", p->d->cfg.data_root);
	fd = argv ? mkostemp(j->spool, O_CLOEXEC) : -1;
	if (fd < 0) {
		j->spool[0] = '\0';
		peer_reply_error(p, PROTO_E_ENGINE, PROTO_KIND_INTERNAL, "%s: create spool file: %s", j->what,
				 strerror(errno));
		peer_close_after_flush(p);
		image_job_free(j);
		return;
	}
	for (size_t i = 0; argv[i]; i++) {
		if (strcmp(argv[i], "@SPOOL") == 0) {
			free(argv[i]);
			argv[i] = strdup(j->spool);
		}
	}
	p->stream_state = j;
	p->upload_cap = p->d->cfg.limits.max_upload_size;
	peer_start_upload(p, fd, j->upload_limit, upload_done);
}
