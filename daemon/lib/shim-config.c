/* config.json, the engine's instructions to one lite-shim: the one place
 * that knows its keys, both ways. Linked statically into the shim, so it
 * uses nothing beyond jansson and common/. */
#include "shim-config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

static json_t *
strv_or_null(char **v)
{
	return v ? strv_to_json(v) : json_null();
}

static json_t *
mounts_to_json(const struct shim_config *c)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < c->n_mounts; i++) {
		const struct shim_mount *m = &c->mounts[i];

		json_array_append_new(a, json_pack("{s:s, s:s?, s:s?, s:s?, s:b, s:b, s:b}", "type",
						   m->tmpfs ? "tmpfs" : "bind", "source", m->source, "target", m->target,
						   "options", m->options, "readonly", m->readonly, "copy_up", m->copy_up,
						   "caller_check", m->caller_check));
	}
	return a;
}

static json_t *
rlimits_to_json(const struct shim_config *c)
{
	json_t *a = json_array();

	/* RLIM_INFINITY travels as -1, as it always has */
	for (size_t i = 0; a && i < c->n_rlimits; i++)
		json_array_append_new(a, json_pack("{s:i, s:I, s:I}", "resource", c->rlimits[i].resource,
						   "soft", (json_int_t)c->rlimits[i].soft, "hard",
						   (json_int_t)c->rlimits[i].hard));
	return a;
}

/* {target: source, ...} from the pairs. */
static json_t *
etc_files_to_json(char **pairs)
{
	json_t *o = json_object();

	for (char **p = pairs; o && p[0] && p[1]; p += 2)
		json_object_set_new(o, p[0], json_string(p[1]));
	return o;
}

static json_t *
devices_to_json(const struct shim_config *c)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < c->n_devices; i++)
		json_array_append_new(a, json_pack("{s:s?, s:s?, s:s?}", "host", c->devices[i].host,
						   "path", c->devices[i].path, "perm", c->devices[i].perm));
	return a;
}

static json_t *
caller_to_json(const struct shim_caller *c)
{
	json_t *groups = json_array();

	for (int i = 0; groups && i < c->n_groups && i < SHIM_CONFIG_MAX_GROUPS; i++)
		json_array_append_new(groups, json_integer(c->groups[i]));
	return json_pack("{s:I, s:I, s:o*}", "uid", (json_int_t)c->uid, "gid", (json_int_t)c->gid, "groups", groups);
}

/* The optional keys: an absent one reads as "not set". */
static void
optional_to_json(const struct shim_config *c, json_t *o)
{
	if (c->etc_files)
		json_object_set_new(o, "etc_files", etc_files_to_json(c->etc_files));
	if (c->shm_size)
		json_object_set_new(o, "shm_size", json_string(c->shm_size));
	if (c->set_oom_score)
		json_object_set_new(o, "oom_score_adj", json_integer(c->oom_score_adj));
	if (c->n_devices)
		json_object_set_new(o, "devices", devices_to_json(c));
	if (c->caller.n_groups >= 0 && c->caller.uid != 0)
		json_object_set_new(o, "caller", caller_to_json(&c->caller));
	if (c->userns.size)
		json_object_set_new(o, "userns", json_pack("{s:I, s:I, s:I}", "uid_base", (json_int_t)c->userns.uid_base,
							   "gid_base", (json_int_t)c->userns.gid_base,
							   "size", (json_int_t)c->userns.size));
	if (c->seccomp)
		json_object_set_new(o, "seccomp", strv_to_json(c->seccomp));
	if (c->masked_paths)
		json_object_set_new(o, "masked_paths", strv_to_json(c->masked_paths));
	if (c->readonly_paths)
		json_object_set_new(o, "readonly_paths", strv_to_json(c->readonly_paths));
	if (c->cgroup_mounts)
		json_object_set_new(o, "cgroup_mounts", strv_to_json(c->cgroup_mounts));
}

static json_t *
hardening_to_json(const struct shim_config *c)
{
	return json_pack("{s:I, s:b, s:b, s:b, s:b, s:b}", "caps", (json_int_t)c->caps, "no_new_privs",
			 c->no_new_privs, "sys_rw", c->sys_rw, "cgroupns", c->cgroupns, "pid_host", c->pid_host,
			 "ipc_host", c->ipc_host);
}

json_t *
shim_config_to_json(const struct shim_config *c)
{
	json_t *o = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:o, s:o, s:s?, s:s?, s:o, s:s?, s:s?, s:I, s:s?, s:s?}",
			      "id", c->id, "rootfs", c->rootfs, "lowerdir", c->lowerdir, "upperdir", c->upperdir,
			      "workdir", c->workdir, "cmd", strv_or_null(c->cmd), "env", strv_or_null(c->env),
			      "hostname", c->hostname, "cwd", c->cwd, "cgroup_procs", strv_or_null(c->cgroup_procs),
			      "oom_file", c->oom_file, "log_path", c->log_path, "log_max", (json_int_t)c->log_max,
			      "exit_path", c->exit_path, "attach_path", c->attach_path);

	if (o && json_object_update_new(o, json_pack("{s:b, s:b, s:b, s:b, s:s?, s:i, s:i, s:o, s:o, s:b}",
						     "open_stdin", c->open_stdin, "net_host", c->net_host,
						     "tty", c->tty, "init", c->init, "user", c->user,
						     "rows", c->rows, "cols", c->cols, "mounts", mounts_to_json(c),
						     "rlimits", rlimits_to_json(c), "read_only", c->read_only)) < 0) {
		json_decref(o);
		return NULL;
	}
	if (o && json_object_update_new(o, json_pack("{s:i, s:b, s:b}", "log_files", c->log_files, "log_off", c->log_off,
						     "exit_nosync", c->exit_nosync)) < 0) {
		json_decref(o);
		return NULL;
	}
	if (o && json_object_update_new(o, hardening_to_json(c)) < 0) {
		json_decref(o);
		return NULL;
	}
	if (o)
		optional_to_json(c, o);
	return o;
}

static char *
dup_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? strdup(json_string_value(v)) : NULL;
}

static int
mounts_from_json(json_t *arr, struct shim_config *c)
{
	size_t i;
	json_t *m;

	c->mounts = calloc(json_array_size(arr) + 1, sizeof(*c->mounts));
	if (!c->mounts)
		return -1;
	json_array_foreach(arr, i, m) {
		struct shim_mount *sm = &c->mounts[c->n_mounts++];

		sm->tmpfs = strcmp(json_string_value(json_object_get(m, "type")) ?: "", "tmpfs") == 0;
		sm->source = dup_str(m, "source");
		sm->target = dup_str(m, "target");
		sm->options = dup_str(m, "options");
		sm->readonly = json_is_true(json_object_get(m, "readonly"));
		sm->copy_up = json_is_true(json_object_get(m, "copy_up"));
		sm->caller_check = json_is_true(json_object_get(m, "caller_check"));
		sm->tree_fd = -1;
		if (!sm->target || (!sm->tmpfs && !sm->source))
			return -1;
	}
	return 0;
}

static int
rlimits_from_json(json_t *arr, struct shim_config *c)
{
	size_t i;
	json_t *r;

	c->rlimits = calloc(json_array_size(arr) + 1, sizeof(*c->rlimits));
	if (!c->rlimits)
		return -1;
	json_array_foreach(arr, i, r) {
		struct shim_rlimit *rl = &c->rlimits[c->n_rlimits++];

		rl->resource = (int)json_integer_value(json_object_get(r, "resource"));
		rl->soft = (unsigned long long)json_integer_value(json_object_get(r, "soft"));
		rl->hard = (unsigned long long)json_integer_value(json_object_get(r, "hard"));
	}
	return 0;
}

static int
devices_from_json(json_t *arr, struct shim_config *c)
{
	size_t i;
	json_t *d;

	if (!json_array_size(arr))
		return 0;
	c->devices = calloc(json_array_size(arr), sizeof(*c->devices));
	if (!c->devices)
		return -1;
	json_array_foreach(arr, i, d) {
		struct shim_device *sd = &c->devices[c->n_devices++];

		sd->host = dup_str(d, "host");
		sd->path = dup_str(d, "path");
		sd->perm = dup_str(d, "perm");
		sd->tree_fd = -1;
		if (!sd->host || !sd->path)
			return -1;
	}
	return 0;
}

/* {"/etc/hosts": "/path", ...} -> {target, source, ..., NULL} */
static char **
etc_files_from_json(json_t *o)
{
	json_t *a = json_array(), *v;
	const char *k;
	char **r;

	json_object_foreach(o, k, v) {
		if (!json_is_string(v))
			continue;
		json_array_append_new(a, json_string(k));
		json_array_append(a, v);
	}
	r = json_array_size(a) ? strv_from_json(a) : NULL;
	json_decref(a);
	return r;
}

static void
paths_from_json(json_t *o, struct shim_config *c)
{
	c->id = dup_str(o, "id");
	c->rootfs = dup_str(o, "rootfs");
	c->lowerdir = dup_str(o, "lowerdir");
	c->upperdir = dup_str(o, "upperdir");
	c->workdir = dup_str(o, "workdir");
	c->cgroup_procs = strv_from_json(json_object_get(o, "cgroup_procs"));
	c->oom_file = dup_str(o, "oom_file");
	c->log_path = dup_str(o, "log_path");
	c->log_max = (size_t)json_integer_value(json_object_get(o, "log_max"));
	c->log_files = (int)json_integer_value(json_object_get(o, "log_files"));
	c->log_off = json_is_true(json_object_get(o, "log_off"));
	c->exit_nosync = json_is_true(json_object_get(o, "exit_nosync"));
	c->exit_path = dup_str(o, "exit_path");
	c->attach_path = dup_str(o, "attach_path");
	c->etc_files = etc_files_from_json(json_object_get(o, "etc_files"));
	c->net_host = json_is_true(json_object_get(o, "net_host"));
	c->shm_size = dup_str(o, "shm_size");
	c->read_only = json_is_true(json_object_get(o, "read_only"));
}

/* "userns": {"uid_base","gid_base","size"}; absent = host namespaces. */
static void
userns_from_json(json_t *u, struct shim_config *c)
{
	json_int_t uid = 0, gid = 0, size = 0;

	if (json_unpack(u, "{s:I, s:I, s:I}", "uid_base", &uid, "gid_base", &gid, "size", &size) < 0 ||
	    uid <= 0 || gid <= 0 || size <= 0 || uid > UINT32_MAX - size || gid > UINT32_MAX - size)
		return;
	c->userns = (struct shim_userns){ .uid_base = (unsigned)uid, .gid_base = (unsigned)gid, .size = (unsigned)size };
}

/* "caller": {"uid","gid","groups"}; absent = none (n_groups -1). */
static void
caller_from_json(json_t *o, struct shim_config *c)
{
	json_int_t uid = -1, gid = -1;
	json_t *groups = NULL, *g;
	size_t i;

	c->caller.n_groups = -1;
	if (json_unpack(o, "{s:I, s:I, s:o}", "uid", &uid, "gid", &gid, "groups", &groups) < 0 || uid < 0 ||
	    gid < 0 || uid > UINT32_MAX - 1 || gid > UINT32_MAX - 1 || !json_is_array(groups) ||
	    json_array_size(groups) > SHIM_CONFIG_MAX_GROUPS)
		return;
	c->caller.uid = (unsigned)uid;
	c->caller.gid = (unsigned)gid;
	c->caller.n_groups = 0;
	json_array_foreach(groups, i, g)
		if (json_is_integer(g) && json_integer_value(g) >= 0 && json_integer_value(g) < UINT32_MAX)
			c->caller.groups[c->caller.n_groups++] = (unsigned)json_integer_value(g);
}

static void
process_from_json(json_t *o, struct shim_config *c)
{
	c->cmd = strv_from_json(json_object_get(o, "cmd"));
	c->env = strv_from_json(json_object_get(o, "env"));
	c->hostname = dup_str(o, "hostname");
	c->cwd = dup_str(o, "cwd");
	c->user = dup_str(o, "user");
	c->open_stdin = json_is_true(json_object_get(o, "open_stdin"));
	c->tty = json_is_true(json_object_get(o, "tty"));
	c->init = json_is_true(json_object_get(o, "init"));
	c->rows = (unsigned short)json_integer_value(json_object_get(o, "rows"));
	c->cols = (unsigned short)json_integer_value(json_object_get(o, "cols"));
	c->set_oom_score = json_is_integer(json_object_get(o, "oom_score_adj"));
	c->oom_score_adj = (int)json_integer_value(json_object_get(o, "oom_score_adj"));
	userns_from_json(json_object_get(o, "userns"), c);
	caller_from_json(json_object_get(o, "caller"), c);
}

/* An older engine wrote none of these: Docker's capabilities, no seccomp,
 * no masks, as that engine's shim did (but never inheritable capabilities). */
static void
hardening_from_json(json_t *o, struct shim_config *c)
{
	json_t *caps = json_object_get(o, "caps");

	c->caps = json_is_integer(caps) ? (uint64_t)json_integer_value(caps) : SHIM_CONFIG_CAPS_DEFAULT;
	c->no_new_privs = json_is_true(json_object_get(o, "no_new_privs"));
	c->seccomp = strv_from_json(json_object_get(o, "seccomp"));
	c->masked_paths = strv_from_json(json_object_get(o, "masked_paths"));
	c->readonly_paths = strv_from_json(json_object_get(o, "readonly_paths"));
	c->sys_rw = json_is_true(json_object_get(o, "sys_rw"));
	c->cgroupns = json_is_true(json_object_get(o, "cgroupns"));
	c->cgroup_mounts = strv_from_json(json_object_get(o, "cgroup_mounts"));
	c->pid_host = json_is_true(json_object_get(o, "pid_host"));
	c->ipc_host = json_is_true(json_object_get(o, "ipc_host"));
}

int
shim_config_from_json(json_t *o, struct shim_config *c, char *errbuf, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	if (!json_is_object(o)) {
		snprintf(errbuf, errlen, "not a JSON object");
		return -1;
	}
	paths_from_json(o, c);
	process_from_json(o, c);
	hardening_from_json(o, c);
	if (mounts_from_json(json_object_get(o, "mounts"), c) < 0 ||
	    rlimits_from_json(json_object_get(o, "rlimits"), c) < 0) {
		snprintf(errbuf, errlen, "malformed mounts or rlimits");
		return -1;
	}
	if (devices_from_json(json_object_get(o, "devices"), c) < 0) {
		snprintf(errbuf, errlen, "malformed devices");
		return -1;
	}
	if (!c->id || !c->rootfs || !c->lowerdir || !c->upperdir || !c->workdir || !c->cmd || !c->cmd[0] ||
	    !c->env || !c->log_path || !c->exit_path || !c->attach_path) {
		snprintf(errbuf, errlen, "missing required fields");
		return -1;
	}
	if (!c->log_max)
		c->log_max = SHIM_CONFIG_LOG_MAX;
	if (c->log_files <= 0)
		c->log_files = 2;
	return 0;
}

void
shim_config_free(struct shim_config *c)
{
	free(c->id);
	free(c->rootfs);
	free(c->lowerdir);
	free(c->upperdir);
	free(c->workdir);
	strv_free(c->cmd);
	strv_free(c->env);
	free(c->hostname);
	free(c->cwd);
	free(c->user);
	free(c->shm_size);
	for (size_t i = 0; i < c->n_mounts; i++) {
		free(c->mounts[i].source);
		free(c->mounts[i].target);
		free(c->mounts[i].options);
	}
	free(c->mounts);
	free(c->rlimits);
	for (size_t i = 0; i < c->n_devices; i++) {
		free(c->devices[i].host);
		free(c->devices[i].path);
		free(c->devices[i].perm);
	}
	free(c->devices);
	strv_free(c->cgroup_procs);
	free(c->oom_file);
	free(c->log_path);
	free(c->exit_path);
	free(c->attach_path);
	strv_free(c->etc_files);
	strv_free(c->seccomp);
	strv_free(c->masked_paths);
	strv_free(c->readonly_paths);
	strv_free(c->cgroup_mounts);
	memset(c, 0, sizeof(*c));
}
