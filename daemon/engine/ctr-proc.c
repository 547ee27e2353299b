/* Watching containers: each shim's pidfd is an event on the loop; when it
 * fires the shim has recorded exit.json and gone, so the container is
 * finished here: state saved, waiters answered, --rm honoured. Also
 * signals, and stop's grace period. */
#include "ctr.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crash-point.h"
#include "ctr-notes.h"
#include "daemon.h"
#include "events.h"
#include "fs-util.h"
#include "log.h"
#include "net-ctr.h"
#include "peer.h"

static int
pidfd_open_pid(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* True if pid is still the lite-shim serving container id. */
static bool
shim_is_ours(pid_t pid, const char *id)
{
	char path[64], *buf = NULL;
	size_t len = 0;
	bool ours = false;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (fs_read_file(path, &buf, &len) < 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	ours = strstr(buf, "lite-shim") && strstr(buf, id);
	free(buf);
	return ours;
}

static void
read_exit_record(struct daemon *d, struct ctr *c)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	json_error_t jerr;
	json_t *o, *err;

	ctr_dir(d, c, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/exit.json", dir);
	o = json_load_file(path, 0, &jerr);
	free(c->rt.error);
	c->rt.error = NULL;
	if (!o) {
		c->rt.exit_code = 255;
		c->rt.finished_at = time(NULL);
		c->rt.error = strdup("the container's shim died without recording an exit status");
		return;
	}
	c->rt.exit_code = (int)json_integer_value(json_object_get(o, "exit_code"));
	c->rt.oom_killed = json_is_true(json_object_get(o, "oom_killed"));
	c->rt.finished_at = json_integer_value(json_object_get(o, "finished_at"));
	err = json_object_get(o, "error");
	if (json_is_string(err))
		c->rt.error = strdup(json_string_value(err));
	json_decref(o);
}

/* Events of an exit: oom first, then die with its exit code (Docker's). */
static void
ctr_proc_emit_exit(struct daemon *d, struct ctr *c)
{
	char code[16];

	if (c->rt.oom_killed)
		events_ctr(d, c, "oom", NULL);
	snprintf(code, sizeof(code), "%d", c->rt.exit_code);
	events_ctr(d, c, "die", events_attrs("exitCode", code, NULL));
}

/* One "stop" event per exit, however many stop requests wait for it. */
static void
ctr_proc_emit_stop(struct daemon *d, struct ctr *c)
{
	struct waiter *w;

	TAILQ_FOREACH(w, &c->waiters, entry)
		if (w->kind == WAITER_STOP)
			return; /* a later one emits it */
	events_ctr(d, c, "stop", NULL);
}

/* The container is finished: record, clean its cgroup, tell everyone. */
static void
ctr_finish(struct daemon *d, struct ctr *c)
{
	struct lite_err err = { 0 };
	struct waiter_list later = TAILQ_HEAD_INITIALIZER(later);
	struct waiter_list kept = TAILQ_HEAD_INITIALIZER(kept);
	struct waiter *w;
	bool remove = c->spec.auto_remove;

	if (c->shim_ev) {
		event_free(c->shim_ev);
		c->shim_ev = NULL;
	}
	if (c->shim_pidfd >= 0) {
		close(c->shim_pidfd);
		c->shim_pidfd = -1;
	}
	if (c->stop_timer)
		event_del(c->stop_timer);
	ctr_health_stop(c);
	read_exit_record(d, c);
	ctr_notes_end(d, c); /* its execs' ends come before its own */
	c->rt.status = CTR_EXITED;
	net_ctr_detach(d, c);
	CRASH_POINT("exit.after-network");
	c->rt.paused = false;
	/* a --rm container's cgroups go with it below (ctr_remove): once */
	if (!c->spec.auto_remove && cgroup_destroy(&d->cgroups, c->spec.id, &err) < 0)
		log_warnx("container %.12s: %s", c->spec.id, err.msg ? err.msg : "remove cgroup");
	lite_err_clear(&err);
	CRASH_POINT("exit.after-cgroup");
	if (c->spec.auto_remove)
		ctr_save_nosync(d, c); /* removed right after */
	else
		ctr_save(d, c);
	CRASH_POINT("exit.after-state");
	log_info("container %.12s exited with %d%s", c->spec.id, c->rt.exit_code,
		 c->rt.oom_killed ? " (OOM killed)" : "");
	ctr_proc_emit_exit(d, c);

	/* wait and stop are answered now; rm and the end of an attached run
	 * after a removal, so "run --rm" returns once the container is gone */
	while ((w = TAILQ_FIRST(&c->waiters))) {
		TAILQ_REMOVE(&c->waiters, w, entry);
		if (w->kind == WAITER_RM || w->kind == WAITER_CLOSE) {
			TAILQ_INSERT_TAIL(&later, w, entry);
			remove = remove || w->kind == WAITER_RM;
			continue;
		}
		if (w->kind == WAITER_REMOVED || w->kind == WAITER_ATTACH) {
			TAILQ_INSERT_TAIL(&kept, w, entry); /* the removal or the next start answers */
			continue;
		}
		if (w->kind == WAITER_STOP)
			ctr_proc_emit_stop(d, c);
		ctr_wait_answer(c, w);
		peer_unref(w->peer);
		free(w);
	}
	TAILQ_CONCAT(&c->waiters, &kept, entry);
	if (!remove && d->ctr_exited)
		d->ctr_exited(d, c); /* the restart policy */
	if (remove)
		ctr_remove(d, c);
	while ((w = TAILQ_FIRST(&later))) {
		TAILQ_REMOVE(&later, w, entry);
		ctr_wait_answer(c, w);
		peer_unref(w->peer);
		free(w);
	}
}

void
ctr_proc_start_failed(struct daemon *d, struct ctr *c)
{
	struct waiter_list kept = TAILQ_HEAD_INITIALIZER(kept);
	struct waiter *w;
	bool rm = false;

	/* a wait or stop waiting for the start's exit has its answer (128);
	 * Docker's next-exit and removed waits and held attaches wait on; an
	 * rm -f that came during the start removes it (the removal answers) */
	while ((w = TAILQ_FIRST(&c->waiters))) {
		TAILQ_REMOVE(&c->waiters, w, entry);
		rm = rm || w->kind == WAITER_RM;
		if (ctr_wait_kept_by_failed_start(w->kind) || w->kind == WAITER_RM) {
			TAILQ_INSERT_TAIL(&kept, w, entry);
			continue;
		}
		ctr_wait_answer(c, w);
		peer_unref(w->peer);
		free(w);
	}
	TAILQ_CONCAT(&c->waiters, &kept, entry);
	/* Docker removes an AutoRemove container whose start failed */
	if (c->spec.auto_remove || rm)
		ctr_remove(d, c);
}

static void
on_shim_exit(evutil_socket_t fd, short what, void *arg)
{
	struct ctr *c = arg;

	/* reap it if it is our child (it is not after a daemon restart) */
	(void)waitpid(c->rt.shim_pid, NULL, WNOHANG);
	ctr_finish(c->d, c);
}

int
ctr_proc_monitor(struct daemon *d, struct ctr *c)
{
	int fd = -1;

	if (c->rt.shim_pid > 0 && shim_is_ours(c->rt.shim_pid, c->spec.id))
		fd = pidfd_open_pid(c->rt.shim_pid);
	if (fd < 0) {
		ctr_finish(d, c); /* gone while we were not looking */
		return -ESRCH;
	}
	c->shim_pidfd = fd;
	c->d = d;
	c->shim_ev = event_new(d->base, fd, EV_READ, on_shim_exit, c);
	event_add(c->shim_ev, NULL);
	ctr_notes_watch(d, c);
	ctr_health_start(d, c);
	/* an rm -f that came during the start: killed now (its init still
	 * blocked before execve), removed at its exit */
	if (c->rt.status == CTR_RUNNING && ctr_wait_has(c, WAITER_RM))
		ctr_proc_stop(d, c, SIGKILL, 0);
	return 0;
}

static void
ctr_proc_emit_kill(struct daemon *d, struct ctr *c, int sig)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", sig);
	events_ctr(d, c, "kill", events_attrs("signal", num, NULL));
}

int
ctr_proc_signal(struct daemon *d, struct ctr *c, int sig)
{
	int fd;

	if (c->rt.status != CTR_RUNNING || c->rt.init_pid <= 0)
		return -ESRCH;
	ctr_ctl_thaw_if_paused(d, c); /* a frozen init would not act on it */
	fd = pidfd_open_pid(c->rt.init_pid);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	close(fd);
	ctr_proc_emit_kill(d, c, sig);
	return 0;
}

int
ctr_proc_init_pidfd(const struct ctr *c)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	long ppid = -1;
	FILE *f;
	int fd;

	if (c->rt.status != CTR_RUNNING || c->rt.init_pid <= 0 || c->rt.shim_pid <= 0)
		return -ESRCH;
	fd = pidfd_open_pid(c->rt.init_pid);
	if (fd < 0)
		return -errno;
	/* the pidfd holds the process it was opened on: if that one is the
	 * shim's child now, it is the init for as long as the pidfd says alive */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)c->rt.init_pid);
	if ((f = fopen(path, "re"))) {
		while (ppid < 0 && getline(&line, &cap, f) > 0)
			if (!strncmp(line, "PPid:", 5))
				ppid = strtol(line + 5, NULL, 10);
		fclose(f);
		free(line);
	}
	if (ppid != (long)c->rt.shim_pid) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

static void
on_stop_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct ctr *c = arg;

	if (c->rt.status == CTR_RUNNING) {
		log_info("container %.12s did not stop in time: SIGKILL", c->spec.id);
		(void)ctr_proc_signal(c->d, c, SIGKILL);
	}
}

void
ctr_proc_stop(struct daemon *d, struct ctr *c, int sig, int timeout_s)
{
	struct timeval tv = { .tv_sec = timeout_s > 0 ? timeout_s : 0 };

	c->d = d;
	if (!c->stop_timer)
		c->stop_timer = evtimer_new(d->base, on_stop_timeout, c);
	if (timeout_s > 0)
		(void)ctr_proc_signal(d, c, sig);
	else
		sig = SIGKILL;
	if (sig == SIGKILL)
		(void)ctr_proc_signal(d, c, SIGKILL);
	else
		evtimer_add(c->stop_timer, &tv);
}

void
ctr_proc_stream_end(struct peer *p)
{
	struct ctr *c = ctr_by_id(p->d, p->stream_ctr);

	if (c && !c->removing && c->rt.status != CTR_EXITED)
		ctr_add_waiter(c, WAITER_CLOSE, p);
	else
		peer_close_after_flush(p);
}
