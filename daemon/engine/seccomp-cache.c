/* The seccomp program cache (see seccomp-cache.h).
 *
 * Safety invariants: writes only below EXEC_ROOT/seccomp (root's, 0700),
 * atomically, so a shim never reads half a program; the default profile
 * is built in, so a missing file never means "unconfined". */
#include "seccomp-cache.h"

#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "config.h"
#include "daemon.h"
#include "fd-util.h"
#include "fs-util.h"
#include "log.h"
#include "seccomp-default.h" /* seccomp_default_json, generated from seccomp-default.json */
#include "seccomp-profile.h"

static void
cache_key(const char *text, uint64_t caps, char hex[65])
{
	struct sha256_ctx ctx;
	uint8_t digest[SHA256_DIGEST_SIZE];
	char head[64];

	snprintf(head, sizeof(head), "lite %s caps %016llx\n", LITE_VERSION, (unsigned long long)caps);
	sha256_init(&ctx);
	sha256_update(&ctx, strlen(head), (const uint8_t *)head);
	sha256_update(&ctx, strlen(text), (const uint8_t *)text);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (size_t i = 0; i < sizeof(digest); i++)
		snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* Atomically, with a temporary name of this thread's own: the loop and a
 * worker may write the same program at once (the same bytes). */
static int
write_program(const char *path, const char *bpf, size_t n)
{
	static unsigned long seq;
	char tmp[PATH_MAX + 64];
	_cleanup_close_ int fd = -1;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld.%lu", path, (long)gettid(), __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED));
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (fd_write_all(fd, bpf, n) < 0 || rename(tmp, path) < 0) {
		int r = -errno;
		unlink(tmp);
		return r ? r : -EIO;
	}
	return 0;
}

int
seccomp_cache_path(struct daemon *d, const char *text, uint64_t caps, char *buf, size_t len, struct lite_err *err)
{
	char hex[65], *bpf = NULL;
	size_t n;
	int r;

	cache_key(text, caps, hex);
	if ((size_t)snprintf(buf, len, "%s/seccomp/%s.bpf", d->cfg.exec_root, hex) >= len)
		return lite_err_set(err, ENAMETOOLONG, "seccomp cache path too long");
	if (access(buf, R_OK) == 0)
		return 0;
	r = seccomp_profile_compile(text, caps, &bpf, &n, err);
	if (r < 0)
		return r;
	r = write_program(buf, bpf, n);
	free(bpf);
	if (r == 0)
		__atomic_add_fetch(&d->seccomp_files, 1, __ATOMIC_RELAXED);
	return r < 0 ? lite_err_sys(err, -r, "write %s", buf) : 0;
}

const char *
seccomp_cache_default_text(const struct daemon *d)
{
	return d->seccomp_default ? d->seccomp_default : seccomp_default_json;
}

/* Every cached program goes: this daemon may compile differently. */
static int
cache_reset(const char *dir)
{
	int r = fs_rm_rf(dir);

	if (r < 0 && r != -ENOENT)
		return r;
	return fs_mkdir_p(dir, 0700);
}

int
seccomp_cache_init(struct daemon *d, struct lite_err *err)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int r;

	snprintf(dir, sizeof(dir), "%s/seccomp", d->cfg.exec_root);
	r = cache_reset(dir);
	d->seccomp_files = 0;
	if (r < 0)
		return lite_err_sys(err, -r, "prepare %s", dir);
	if (d->cfg.seccomp_profile[0]) {
		r = fs_read_file(d->cfg.seccomp_profile, &d->seccomp_default, NULL);
		if (r < 0)
			return lite_err_sys(err, -r, "seccomp-profile %s", d->cfg.seccomp_profile);
	}
	r = seccomp_cache_path(d, seccomp_cache_default_text(d), CAPS_DEFAULT, path, sizeof(path), err);
	if (r == 0)
		log_debug("default seccomp program: %s", path);
	return r;
}

/* One worker: compiles what is missing, then wakes the loop through a
 * pipe (libevent is not made thread-aware for this). */
struct compile_job {
	struct daemon *d;
	struct seccomp_cache_item *items; /* texts are the job's copies */
	size_t n;
	seccomp_cache_done_fn done;
	void *arg;
	int pipe[2];
	pthread_t thread;
	struct event *ev;
	int r;
	struct lite_err err;
};

static void
job_free(struct compile_job *j)
{
	for (size_t i = 0; i < j->n; i++)
		free((char *)j->items[i].text);
	free(j->items);
	if (j->ev)
		event_free(j->ev);
	for (int i = 0; i < 2; i++)
		if (j->pipe[i] >= 0)
			close(j->pipe[i]);
	lite_err_clear(&j->err);
	free(j);
}

static void *
job_run(void *arg)
{
	struct compile_job *j = arg;
	char path[PATH_MAX];

	for (size_t i = 0; i < j->n && j->r == 0; i++)
		j->r = seccomp_cache_path(j->d, j->items[i].text, j->items[i].caps, path, sizeof(path), &j->err);
	(void)!write(j->pipe[1], "x", 1);
	return NULL;
}

static void
job_finished(evutil_socket_t fd, short what, void *arg)
{
	struct compile_job *j = arg;

	(void)fd;
	(void)what;
	pthread_join(j->thread, NULL);
	j->d->seccomp_jobs--;
	if (j->r < 0)
		log_info("seccomp: %s", j->err.msg);
	if (j->done)
		j->done(j->arg, j->r, j->err.msg);
	job_free(j);
}

static bool
is_cached(struct daemon *d, const struct seccomp_cache_item *it)
{
	char path[PATH_MAX], hex[65];

	cache_key(it->text, it->caps, hex);
	snprintf(path, sizeof(path), "%s/seccomp/%s.bpf", d->cfg.exec_root, hex);
	return access(path, R_OK) == 0;
}

/* The job with copies of the items not cached yet; NULL: none (or ENOMEM). */
static struct compile_job *
job_new(struct daemon *d, const struct seccomp_cache_item *items, size_t n, int *ret_missing)
{
	struct compile_job *j;

	*ret_missing = 0;
	for (size_t i = 0; i < n; i++)
		*ret_missing += !is_cached(d, &items[i]);
	if (!*ret_missing || !(j = calloc(1, sizeof(*j))))
		return NULL;
	*j = (struct compile_job){ .d = d, .pipe = { -1, -1 }, .items = calloc((size_t)*ret_missing, sizeof(*items)) };
	for (size_t i = 0; j->items && i < n && j->n < (size_t)*ret_missing; i++) {
		if (is_cached(d, &items[i]))
			continue;
		j->items[j->n] = (struct seccomp_cache_item){ .text = strdup(items[i].text), .caps = items[i].caps };
		if (!j->items[j->n].text) {
			job_free(j);
			return NULL;
		}
		j->n++;
	}
	*ret_missing = (int)j->n; /* another worker may have finished meanwhile */
	if (!j->items || !j->n) {
		*ret_missing = j->items ? 0 : 1;
		job_free(j);
		return NULL;
	}
	return j;
}

int
seccomp_cache_prepare(struct daemon *d, const struct seccomp_cache_item *items, size_t n,
		      seccomp_cache_done_fn done, void *arg, struct lite_err *err)
{
	int missing;
	struct compile_job *j = job_new(d, items, n, &missing);

	if (!missing)
		return 1;
	if (!j)
		return lite_err_set(err, ENOMEM, "out of memory");
	if (d->seccomp_jobs >= SECCOMP_CACHE_JOBS) {
		job_free(j);
		return lite_err_set(err, EAGAIN, "too many seccomp profiles are being compiled; try again");
	}
	j->done = done;
	j->arg = arg;
	if (pipe2(j->pipe, O_CLOEXEC) < 0 ||
	    !(j->ev = event_new(d->base, j->pipe[0], EV_READ, job_finished, j)) || event_add(j->ev, NULL) < 0 ||
	    (errno = pthread_create(&j->thread, NULL, job_run, j)) != 0) {
		int e = errno ? errno : ENOMEM;
		job_free(j);
		return lite_err_sys(err, e, "compile seccomp profile");
	}
	d->seccomp_jobs++;
	return 0;
}

unsigned
seccomp_cache_files(const struct daemon *d)
{
	return __atomic_load_n(&d->seccomp_files, __ATOMIC_RELAXED);
}

static bool
is_kept(const char *name, const char (*hexes)[65], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strncmp(name, hexes[i], 64) == 0 && strcmp(name + 64, ".bpf") == 0)
			return true;
	return false;
}

void
seccomp_cache_gc(struct daemon *d, const struct seccomp_cache_item *keep, size_t n)
{
	char dir[PATH_MAX], (*hexes)[65] = calloc(n + 1, sizeof(*hexes));
	struct dirent *e;
	unsigned left = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/seccomp", d->cfg.exec_root);
	if (!hexes || !(dp = opendir(dir))) {
		free(hexes);
		return;
	}
	for (size_t i = 0; i < n; i++)
		cache_key(keep[i].text, keep[i].caps, hexes[i]);
	cache_key(seccomp_cache_default_text(d), CAPS_DEFAULT, hexes[n]);
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.' || !strstr(e->d_name, ".bpf") || strstr(e->d_name, ".tmp."))
			continue; /* a worker's file in the making stays */
		if (is_kept(e->d_name, (const char (*)[65])hexes, n + 1) || unlinkat(dirfd(dp), e->d_name, 0) < 0)
			left++;
	}
	closedir(dp);
	free(hexes);
	__atomic_store_n(&d->seccomp_files, left, __ATOMIC_RELAXED);
	log_debug("seccomp cache: %u programs kept", left);
}
