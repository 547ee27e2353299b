/* Notes from the shims (issue 13). An exec whose stream the daemon does
 * not carry — lite exec takes the shim's socket itself (pass_fd), exec -d
 * has no stream — and an attach session on a passed socket end in the
 * shim only. The shim leaves a small JSON file for each in
 * EXEC_ROOT/ID/notes/ (daemon/shim/shim-notes.c); one inotify descriptor
 * watches those directories of the running containers, and each file
 * becomes an event (exec_die with exitCode, detach), the exec's status for
 * exec_inspect, and is removed. Notes written while the daemon was down
 * are read when it adopts the container, and a container's last notes
 * before its die event. */
#include "ctr-notes.h"

#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctr.h"
#include "daemon.h"
#include "events.h"
#include "finished.h"
#include "fs-util.h"
#include "log.h"

/* By id, not pointer: the table owns the containers. */
struct notes_watch {
	int wd;
	char id[65];
};

struct ctr_notes {
	int fd;
	struct event *ev;
	struct notes_watch *w;
	size_t n, cap;
};

static int
notes_dir(struct daemon *d, const struct ctr *c, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s/notes", d->cfg.exec_root, c->spec.id);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* NAME.json (not a temp file of one): read, remove, tell. */
static void
take_note(struct daemon *d, struct ctr *c, const char *dir, const char *name)
{
	size_t nlen = strlen(name);
	char path[PATH_MAX];
	json_t *o;
	const char *kind, *exec_id;

	if (nlen < 6 || name[0] == '.' || strcmp(name + nlen - 5, ".json") != 0 ||
	    snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return;
	o = json_load_file(path, 0, NULL);
	if (unlink(path) < 0 || !o) { /* taken already (a scan and an event for one file) */
		json_decref(o);
		return;
	}
	kind = json_string_value(json_object_get(o, "kind"));
	exec_id = json_string_value(json_object_get(o, "exec_id"));
	if (kind && !strcmp(kind, "exec_die") && exec_id) {
		int code = (int)json_integer_value(json_object_get(o, "exit_code"));

		/* a proxied stream recorded it already, as it passed */
		if (!finished_lookup(&d->finished, exec_id))
			finished_record(&d->finished, exec_id, c->spec.owner_uid, code, false,
					json_string_value(json_object_get(o, "error")));
		events_exec_die(d, c->spec.id, exec_id, code);
	} else if (kind && !strcmp(kind, "detach")) {
		events_ctr(d, c, "detach", NULL);
	}
	json_decref(o);
}

static void
scan(struct daemon *d, struct ctr *c)
{
	char dir[PATH_MAX];
	struct dirent *de;
	DIR *dh;

	if (notes_dir(d, c, dir, sizeof(dir)) < 0 || !(dh = opendir(dir)))
		return;
	while ((de = readdir(dh)))
		take_note(d, c, dir, de->d_name);
	closedir(dh);
}

static struct notes_watch *
find_wd(struct ctr_notes *n, int wd)
{
	for (size_t i = 0; i < n->n; i++)
		if (n->w[i].wd == wd)
			return &n->w[i];
	return NULL;
}

static void
on_notes(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t len;

	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + len;) {
			struct inotify_event *e = (struct inotify_event *)p;
			struct notes_watch *w = find_wd(d->notes, e->wd);
			struct ctr *c = NULL;
			char dir[PATH_MAX];

			if (w && (e->mask & IN_IGNORED)) /* its directory went (rm, reconcile) */
				*w = d->notes->w[--d->notes->n];
			else if (w && e->len && ctr_lookup(d, w->id, 0, &c, NULL) == 0 &&
				 notes_dir(d, c, dir, sizeof(dir)) == 0)
				take_note(d, c, dir, e->name);
			p += sizeof(*e) + e->len;
		}
	}
}

void
ctr_notes_init(struct daemon *d)
{
	struct ctr_notes *n = calloc(1, sizeof(*n));

	if (!n)
		return;
	n->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (n->fd < 0 || !(n->ev = event_new(d->base, n->fd, EV_READ | EV_PERSIST, on_notes, d)) ||
	    event_add(n->ev, NULL) < 0) {
		log_warnx("notes: inotify: %s (no exec_die or detach events of passed streams)", strerror(errno));
		if (n->ev)
			event_free(n->ev);
		if (n->fd >= 0)
			close(n->fd);
		free(n);
		return;
	}
	d->notes = n;
}

void
ctr_notes_watch(struct daemon *d, struct ctr *c)
{
	struct ctr_notes *n = d->notes;
	char dir[PATH_MAX];
	int wd;

	if (!n || notes_dir(d, c, dir, sizeof(dir)) < 0)
		return;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return;
	wd = inotify_add_watch(n->fd, dir, IN_MOVED_TO | IN_ONLYDIR);
	if (wd < 0) {
		log_warnx("container %.12s: watch %s: %s", c->spec.id, dir, strerror(errno));
	} else if (!find_wd(n, wd)) {
		if (n->n == n->cap) {
			size_t cap = n->cap ? n->cap * 2 : 16;
			struct notes_watch *w = realloc(n->w, cap * sizeof(*w));

			if (!w) {
				inotify_rm_watch(n->fd, wd);
				return;
			}
			n->w = w;
			n->cap = cap;
		}
		n->w[n->n].wd = wd;
		snprintf(n->w[n->n++].id, sizeof(n->w[0].id), "%s", c->spec.id);
	}
	scan(d, c);
}

void
ctr_notes_end(struct daemon *d, struct ctr *c)
{
	struct ctr_notes *n = d->notes;

	if (!n)
		return;
	scan(d, c);
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->w[i].id, c->spec.id)) {
			inotify_rm_watch(n->fd, n->w[i].wd);
			n->w[i] = n->w[--n->n];
			break;
		}
}
