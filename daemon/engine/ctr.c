/* The container table: creation of ids and names, lookup, persistence of
 * state.json, restore after a daemon restart, and removal. */
#include "ctr.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "daemon.h"
#include "finished.h"
#include "fs-util.h"
#include "log.h"
#include "net-ctr.h"
#include "peer.h"
#include "str-util.h"
#include "volume.h"
#include "strv.h"

struct ctr *
ctr_new(void)
{
	struct ctr *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->shim_pidfd = -1;
	c->start_sync_fd = -1;
	TAILQ_INIT(&c->waiters);
	return c;
}

void
ctr_free(struct ctr *c)
{
	if (!c)
		return;
	if (c->shim_ev)
		event_free(c->shim_ev);
	if (c->start_ev)
		event_free(c->start_ev);
	if (c->stop_timer)
		event_free(c->stop_timer);
	if (c->shim_pidfd >= 0)
		close(c->shim_pidfd);
	if (c->start_sync_fd >= 0)
		close(c->start_sync_fd);
	ctr_health_stop(c);
	ctr_spec_clear(&c->spec);
	free(c->rt.error);
	free(c);
}

bool
ctr_visible_to(const struct ctr *c, uid_t uid)
{
	return uid == 0 || c->spec.owner_uid == uid;
}

bool
ctr_is_running(const struct ctr *c)
{
	return c->rt.status == CTR_RUNNING;
}

struct ctr *
ctr_by_name(struct daemon *d, const char *name)
{
	struct ctr *c;

	TAILQ_FOREACH(c, &d->ctrs, entry)
		if (strcmp(c->spec.name, name) == 0)
			return c;
	return NULL;
}

int
ctr_lookup(struct daemon *d, const char *ref, uid_t uid, struct ctr **ret, struct lite_err *err)
{
	struct ctr *c, *found = NULL;
	size_t len = strlen(ref);
	int matches = 0;

	c = ctr_by_name(d, ref);
	if (c && ctr_visible_to(c, uid) && !c->removing) {
		*ret = c;
		return 0;
	}
	if (len > 0 && len <= 64) {
		TAILQ_FOREACH(c, &d->ctrs, entry) {
			if (!ctr_visible_to(c, uid) || c->removing || strncmp(c->spec.id, ref, len) != 0)
				continue;
			found = c;
			matches++;
		}
	}
	if (matches == 1) {
		*ret = found;
		return 0;
	}
	if (matches > 1)
		return lite_err_set(err, EEXIST, "container id prefix '%s' is ambiguous", ref);
	return lite_err_set(err, ENOENT, "no such container: '%s'", ref);
}

void
ctr_generate_id(char id[65])
{
	unsigned char raw[32];

	if (getrandom(raw, sizeof(raw), 0) != sizeof(raw)) {
		/* getrandom cannot fail for 32 bytes once the pool is up; be safe */
		for (size_t i = 0; i < sizeof(raw); i++)
			raw[i] = (unsigned char)(rand() ^ (int)time(NULL));
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(id + 2 * i, 3, "%02x", raw[i]);
}

void
ctr_generate_name(struct daemon *d, char *buf, size_t len)
{
	static const char *adjectives[] = {
		"brave", "calm", "eager", "fond", "gentle", "happy", "keen", "lucid",
		"merry", "nimble", "proud", "quiet", "sharp", "tidy", "vivid", "witty",
	};
	static const char *nouns[] = {
		"lovelace", "hopper", "turing", "noether", "curie", "dijkstra", "knuth",
		"ritchie", "thompson", "hamilton", "liskov", "kay", "lamport", "perlman",
		"allen", "babbage",
	};
	unsigned int r;

	for (int attempt = 0; attempt < 64; attempt++) {
		(void)!getrandom(&r, sizeof(r), 0);
		snprintf(buf, len, "%s_%s", adjectives[r % ARRAY_SIZE(adjectives)],
			 nouns[(r / 16) % ARRAY_SIZE(nouns)]);
		if (attempt >= 32)
			snprintf(buf + strlen(buf), len - strlen(buf), "%u", r % 1000);
		if (!ctr_by_name(d, buf))
			return;
	}
}

int
ctr_dir(struct daemon *d, const struct ctr *c, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/containers/%s", d->cfg.data_root, c->spec.id);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int
ctr_exec_dir(struct daemon *d, const struct ctr *c, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", d->cfg.exec_root, c->spec.id);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int
ctr_save(struct daemon *d, struct ctr *c)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	json_t *o = ctr_state_to_json(&c->spec, &c->rt);
	_cleanup_free_ char *dump = NULL;
	int r;

	if (!o)
		return -ENOMEM;
	dump = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!dump)
		return -ENOMEM;
	ctr_dir(d, c, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/state.json", dir);
	r = write_file_atomic(path, dump, strlen(dump), 0600);
	if (r < 0)
		log_warnx("save state of %.12s: %s", c->spec.id, strerror(-r));
	return r;
}

void
ctr_add_waiter(struct ctr *c, enum waiter_kind kind, struct peer *p)
{
	struct waiter *w = calloc(1, sizeof(*w));

	if (!w) {
		peer_reply_error(p, PROTO_E_INTERNAL, PROTO_KIND_INTERNAL, "out of memory");
		return;
	}
	w->kind = kind;
	w->peer = p;
	peer_ref(p);
	TAILQ_INSERT_TAIL(&c->waiters, w, entry);
}

/* --rm and rm -v take the container's anonymous volumes with it. */
static void
remove_anonymous_volumes(struct daemon *d, struct ctr *c)
{
	size_t i;
	json_t *m;

	if (!c->remove_volumes && !c->spec.auto_remove)
		return;
	json_array_foreach(c->spec.mounts, i, m)
		if (json_is_true(json_object_get(m, "anonymous")))
			(void)volume_remove(d->cfg.data_root, json_string_value(json_object_get(m, "volume")), NULL);
}

void
ctr_remove(struct daemon *d, struct ctr *c)
{
	char dir[PATH_MAX];
	struct lite_err err = { 0 };
	int r;

	c->removing = true;
	net_ctr_remove(d, c);
	if (c->rt.status == CTR_EXITED)
		finished_record(&d->finished, c->spec.id, c->rt.exit_code, c->rt.oom_killed, c->rt.error);
	if (cgroup_destroy(&d->cgroups, c->spec.id, &err) < 0)
		log_warnx("remove %.12s: %s", c->spec.id, err.msg ? err.msg : "cgroup");
	lite_err_clear(&err);
	ctr_exec_dir(d, c, dir, sizeof(dir));
	rm_rf(dir);
	ctr_dir(d, c, dir, sizeof(dir));
	r = rm_rf(dir);
	if (r < 0)
		log_warnx("remove %s: %s", dir, strerror(-r));
	remove_anonymous_volumes(d, c);
	TAILQ_REMOVE(&d->ctrs, c, entry);
	log_info("removed container %.12s (%s)", c->spec.id, c->spec.name);
	ctr_free(c);
}

static struct ctr *
ctr_load(struct daemon *d, const char *id)
{
	char path[PATH_MAX], errbuf[128];
	json_error_t jerr;
	json_t *o;
	struct ctr *c;

	snprintf(path, sizeof(path), "%s/containers/%s/state.json", d->cfg.data_root, id);
	o = json_load_file(path, 0, &jerr);
	if (!o) {
		log_warnx("skip container %.12s: %s", id, jerr.text);
		return NULL;
	}
	c = ctr_new();
	if (c && ctr_state_from_json(o, &c->spec, &c->rt, errbuf, sizeof(errbuf)) < 0) {
		log_warnx("skip container %.12s: %s", id, errbuf);
		ctr_free(c);
		c = NULL;
	}
	json_decref(o);
	return c;
}

void
ctr_restore_all(struct daemon *d)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/containers", d->cfg.data_root);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		struct ctr *c;

		if (!id_is_full_hex(de->d_name) || !(c = ctr_load(d, de->d_name)))
			continue;
		TAILQ_INSERT_TAIL(&d->ctrs, c, entry);
		if (c->rt.status == CTR_CREATED && c->rt.shim_pid <= 0)
			continue; /* created without a shim (lite create) */
		if (c->rt.status == CTR_RUNNING || c->rt.status == CTR_CREATED)
			(void)ctr_monitor_shim(d, c); /* finds it dead or live */
		else if (c->spec.auto_remove)
			ctr_remove(d, c);
	}
	closedir(dir);
}

static json_t *
cgroup_json(struct daemon *d, struct ctr *c)
{
	json_t *paths = json_object();
	char dir[PATH_MAX];

	for (int i = 0; i < CGROUP_CTL_MAX; i++)
		if (d->cgroups.has[i] && cgroup_dir(&d->cgroups, (enum cgroup_ctl)i, c->spec.id, dir, sizeof(dir)) == 0)
			json_object_set_new(paths, cgroup_ctl_name((enum cgroup_ctl)i), json_string(dir));
	return json_pack("{s:s, s:o}", "mode", d->cgroups.mode == CGROUP_MODE_V2 ? "v2" : "v1", "paths", paths);
}

static json_t *
inspect_core(struct daemon *d, struct ctr *c)
{
	const struct cgroup_limits *l = &c->spec.limits;
	bool oom = c->rt.oom_killed;
	uint64_t kills = 0;
	char cpus[32], log_path[PATH_MAX + 16];
	json_t *o;

	ctr_dir(d, c, log_path, PATH_MAX);
	strcat(log_path, "/container.log");
	/* a process other than init may have been OOM-killed already */
	if (ctr_is_running(c) && cgroup_oom_kill_count(&d->cgroups, c->spec.id, &kills) == 0 && kills)
		oom = true;
	snprintf(cpus, sizeof(cpus), "%llu.%03llu", (unsigned long long)(l->millicpus / 1000),
		 (unsigned long long)(l->millicpus % 1000));
	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:i,"
			 " s:{s:s, s:b, s:i, s:i, s:b, s:I, s:I, s:s?},"
			 " s:{s:s, s:o, s:s, s:I, s:I, s:s, s:I, s:b, s:b},"
			 " s:o, s:s}",
			 "id", c->spec.id, "name", c->spec.name, "image", c->spec.image,
			 "image_id", c->spec.image_id, "command", strv_to_json(c->spec.cmd),
			 "created", (json_int_t)c->spec.created, "owner_uid", (int)c->spec.owner_uid,
			 "state", "status", ctr_state_name(c), "running", ctr_is_running(c),
			 "pid", ctr_is_running(c) ? (int)c->rt.init_pid : 0, "exit_code", c->rt.exit_code,
			 "oom_killed", oom, "started_at", (json_int_t)c->rt.started_at,
			 "finished_at", (json_int_t)c->rt.finished_at, "error", c->rt.error,
			 "config", "hostname", c->spec.hostname, "env", strv_to_json(c->spec.env),
			 "working_dir", c->spec.cwd[0] ? c->spec.cwd : "/",
			 "memory", (json_int_t)l->memory_bytes, "memory_swap", (json_int_t)l->memory_swap_bytes,
			 "cpus", l->millicpus ? cpus : "0", "pids_limit", (json_int_t)l->pids_limit,
			 "auto_remove", c->spec.auto_remove, "open_stdin", c->spec.open_stdin,
			 "cgroup", cgroup_json(d, c), "log_path", log_path);
	/* the rest of the run flags, as given */
	json_t *cfg = json_object_get(o, "config");
	json_object_set_new(cfg, "labels", c->spec.labels ? json_incref(c->spec.labels) : json_object());
	json_object_set_new(cfg, "user", json_string(c->spec.user));
	json_object_set_new(cfg, "tty", json_boolean(c->spec.tty));
	json_object_set_new(cfg, "read_only", json_boolean(c->spec.read_only));
	json_object_set_new(cfg, "shm_size", json_string(c->spec.shm_size[0] ? c->spec.shm_size : "67108864"));
	json_object_set_new(cfg, "rlimits", c->spec.rlimits ? json_incref(c->spec.rlimits) : json_array());
	json_object_set_new(o, "mounts", c->spec.mounts ? json_deep_copy(c->spec.mounts) : json_array());
	if (c->spec.healthcheck) {
		json_object_set(cfg, "healthcheck", c->spec.healthcheck);
		json_object_set_new(json_object_get(o, "state"), "health", ctr_health_json(c));
	}
	return o;
}

json_t *
ctr_inspect_json(struct daemon *d, struct ctr *c)
{
	json_t *o = inspect_core(d, c);

	if (o)
		json_object_set_new(o, "network_settings", net_ctr_inspect(d, c));
	return o;
}
