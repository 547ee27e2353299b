/* A container's hardening (see ctr-sec.h): Docker's defaults, made
 * stricter where Docker's are weak (no inheritable capabilities,
 * no_new_privs on), lifted only by root's options. */
#include "ctr-sec.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "ctr.h"
#include "daemon.h"
#include "fs-util.h"
#include "log.h"
#include "sec-opts.h"
#include "seccomp-cache.h"
#include "shim-config.h"
#include "strv.h"

/* Docker's masked and read-only paths; absent ones are skipped by the shim. */
static const char *const masked_paths[] = {
	"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
	"/sys/devices/virtual/powercap", NULL,
};
static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* The kernel's highest capability (its cap_last_cap), within our table. */
static int
cap_last(void)
{
	static int last = -1;
	char *s = NULL;

	if (last < 0) {
		last = fs_read_file("/proc/sys/kernel/cap_last_cap", &s, NULL) == 0 ? atoi(s) : CAPS_LAST;
		free(s);
		if (last <= 0 || last > 63)
			last = CAPS_LAST;
	}
	return last;
}

int
ctr_sec_from_run(const struct sec_opts *o, uid_t uid, struct ctr_sec *ret, struct lite_err *err)
{
	const char *bad = NULL;
	uint64_t caps;
	int r = sec_opts_check_caller(o, uid, err);

	if (r < 0)
		return r;
	if (caps_apply(o->privileged ? caps_all(cap_last()) : CAPS_DEFAULT, o->cap_add, o->cap_drop, cap_last(), &caps,
		       &bad) < 0)
		return lite_err_set(err, EINVAL, "unknown capability \"%s\"", bad);
	*ret = (struct ctr_sec){ .privileged = o->privileged, .caps = caps, .no_new_privs = o->no_new_privs,
				 .seccomp = o->privileged && o->seccomp == SEC_SECCOMP_DEFAULT ? SEC_SECCOMP_UNCONFINED
											: (int)o->seccomp,
				 .pid_host = o->pid_host, .ipc_host = o->ipc_host };
	if (o->seccomp_profile && !(ret->seccomp_profile = strdup(o->seccomp_profile)))
		return lite_err_set(err, ENOMEM, "out of memory");
	return 0;
}

/* The profiles' texts in load order: the default (unless root replaced
 * or dropped it), then a custom profile; a non-root caller's custom
 * profile is stacked on the default, so it can only restrict. */
static size_t
seccomp_texts(struct daemon *d, const struct ctr_sec *s, uid_t owner, const char *ret[2])
{
	bool custom = s->seccomp == SEC_SECCOMP_CUSTOM && s->seccomp_profile;
	size_t n = 0;

	if (s->seccomp == SEC_SECCOMP_DEFAULT || (custom && owner != 0))
		ret[n++] = seccomp_cache_default_text(d);
	if (custom)
		ret[n++] = s->seccomp_profile;
	return n;
}

static int
seccomp_files(struct daemon *d, const struct ctr *c, char ***ret, struct lite_err *err)
{
	const char *texts[2];
	size_t n = seccomp_texts(d, &c->spec.sec, c->spec.owner_uid, texts);
	char path[PATH_MAX];
	json_t *a = json_array();
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++)
		if ((r = seccomp_cache_path(d, texts[i], c->spec.sec.caps, path, sizeof(path), err)) == 0)
			json_array_append_new(a, json_string(path));
	*ret = r == 0 ? strv_from_json(a) : NULL; /* [] = unconfined */
	json_decref(a);
	if (r == 0 && !*ret)
		r = lite_err_set(err, ENOMEM, "out of memory");
	return r;
}

/* The programs every container in the table uses; NULL when out of memory. */
static struct seccomp_cache_item *
table_programs(struct daemon *d, size_t *ret_n)
{
	struct seccomp_cache_item *items;
	struct ctr *c;
	size_t n = 0, max = 0;

	TAILQ_FOREACH(c, &d->ctrs, entry)
		max += 2;
	items = calloc(max + 1, sizeof(*items));
	if (!items)
		return NULL;
	TAILQ_FOREACH(c, &d->ctrs, entry) {
		const char *texts[2];
		size_t k = seccomp_texts(d, &c->spec.sec, c->spec.owner_uid, texts);

		for (size_t i = 0; i < k; i++)
			items[n++] = (struct seccomp_cache_item){ texts[i], c->spec.sec.caps };
	}
	*ret_n = n;
	return items;
}

void
ctr_sec_warm(struct daemon *d)
{
	struct lite_err err = { 0 };
	size_t n = 0;
	struct seccomp_cache_item *items = table_programs(d, &n);

	if (items && seccomp_cache_prepare(d, items, n, NULL, NULL, &err) < 0)
		log_info("seccomp: %s", err.msg);
	lite_err_clear(&err);
	free(items);
}

/* Past SECCOMP_CACHE_MAX files, keep only what the table uses: distinct
 * profiles of --rm runs must not fill EXEC_ROOT's memory. */
static void
gc_if_due(struct daemon *d)
{
	struct seccomp_cache_item *items;
	size_t n = 0;

	if (seccomp_cache_files(d) < SECCOMP_CACHE_MAX || !(items = table_programs(d, &n)))
		return;
	seccomp_cache_gc(d, items, n);
	free(items);
}

int
ctr_sec_prepare(struct daemon *d, const struct sec_opts *o, uid_t uid, seccomp_cache_done_fn done, void *arg,
		struct lite_err *err)
{
	struct ctr_sec sec;
	const char *texts[2];
	size_t n;
	int r = ctr_sec_from_run(o, uid, &sec, err);

	if (r < 0)
		return r;
	gc_if_due(d);
	n = seccomp_texts(d, &sec, uid, texts);
	r = n ? seccomp_cache_prepare(d, (struct seccomp_cache_item[]){ { texts[0], sec.caps },
									{ n > 1 ? texts[1] : NULL, sec.caps } },
				      n, done, arg, err)
	      : 1;
	free(sec.seccomp_profile);
	return r;
}

int
ctr_sec_prepare_ctr(struct daemon *d, const struct ctr *c, seccomp_cache_done_fn done, void *arg,
		    struct lite_err *err)
{
	const char *texts[2];
	size_t n;

	gc_if_due(d);
	n = seccomp_texts(d, &c->spec.sec, c->spec.owner_uid, texts);
	return n ? seccomp_cache_prepare(d, (struct seccomp_cache_item[]){ { texts[0], c->spec.sec.caps },
									 { n > 1 ? texts[1] : NULL, c->spec.sec.caps } },
					 n, done, arg, err)
		 : 1;
}

/* realpath of a hierarchy's mount point, remembered: the same few dirs on
 * every start (a symlink like cpu -> cpu,cpuacct changes only with a
 * remount, and the daemon is restarted for that). NULL if unresolvable. */
static const char *
hierarchy_real(const char *dir)
{
	static struct {
		char dir[64], real[64];
	} seen[16];
	static size_t n_seen;
	char real[PATH_MAX];

	for (size_t i = 0; i < n_seen; i++)
		if (!strcmp(seen[i].dir, dir))
			return seen[i].real;
	if (!realpath(dir, real))
		return NULL;
	if (n_seen < sizeof(seen) / sizeof(seen[0]) && strlen(dir) < sizeof(seen[0].dir) && strlen(real) < sizeof(seen[0].real)) {
		snprintf(seen[n_seen].dir, sizeof(seen[0].dir), "%s", dir);
		snprintf(seen[n_seen].real, sizeof(seen[0].real), "%s", real);
		return seen[n_seen++].real;
	}
	return NULL;
}

/* The cgroup hierarchies the container is in, as the shim mounts them:
 * "cgroup2", or v1 "DIR:OPTIONS" where the options are the hierarchy's
 * real name ("cpu:cpu,cpuacct" where cpu is a symlink). */
static char **
cgroup_mounts(const struct daemon *d, const struct shim_config *cfg)
{
	json_t *a = json_array();
	char **v;

	if (d->cgroups.mode == CGROUP_MODE_V2)
		json_array_append_new(a, json_string("cgroup2"));
	for (char **p = cfg->cgroup_procs; a && d->cgroups.mode == CGROUP_MODE_V1 && p && *p; p++) {
		size_t root = strlen(d->cgroups.root) + 1, n;
		char dir[PATH_MAX], real[PATH_MAX];
		const char *known;

		if (strncmp(*p, d->cgroups.root, root - 1) != 0 || (*p)[root - 1] != '/')
			continue;
		n = strcspn(*p + root, "/");
		if (root + n >= sizeof(dir))
			continue;
		snprintf(dir, sizeof(dir), "%.*s", (int)(root + n), *p);
		if ((known = hierarchy_real(dir)))
			snprintf(real, sizeof(real), "%s", known);
		else if (!realpath(dir, real))
			continue;
		json_array_append_new(a, json_pack("s++", dir + root, ":", basename(real)));
	}
	v = a ? strv_from_json(a) : NULL;
	json_decref(a);
	return v;
}

int
ctr_sec_shim_config(struct daemon *d, const struct ctr *c, struct shim_config *cfg, struct lite_err *err)
{
	const struct ctr_sec *s = &c->spec.sec;

	cfg->caps = s->caps;
	cfg->no_new_privs = s->no_new_privs;
	cfg->sys_rw = s->privileged;
	cfg->pid_host = s->pid_host;
	cfg->ipc_host = s->ipc_host;
	cfg->cgroupns = true;
	cfg->cgroup_mounts = cgroup_mounts(d, cfg);
	cfg->masked_paths = s->privileged ? NULL : strv_copy((char **)masked_paths);
	cfg->readonly_paths = s->privileged ? NULL : strv_copy((char **)readonly_paths);
	if (!cfg->cgroup_mounts || (!s->privileged && (!cfg->masked_paths || !cfg->readonly_paths)))
		return lite_err_set(err, ENOMEM, "out of memory");
	return seccomp_files(d, c, &cfg->seccomp, err);
}

json_t *
ctr_sec_inspect(const struct ctr *c)
{
	static const char *const seccomp_names[SEC_SECCOMP_MAX] = { "default", "unconfined", "custom" };
	const struct ctr_sec *s = &c->spec.sec;
	json_t *names = json_array();
	char caps[24];

	for (int i = 0; i <= CAPS_LAST; i++)
		if (s->caps & (UINT64_C(1) << i))
			json_array_append_new(names, json_string(caps_name(i)));
	snprintf(caps, sizeof(caps), "%016llx", (unsigned long long)s->caps);
	return json_pack("{s:b, s:s, s:o, s:b, s:s, s:b, s:b}", "privileged", s->privileged, "caps", caps,
			 "cap_names", names, "no_new_privs", s->no_new_privs, "seccomp",
			 (unsigned)s->seccomp < SEC_SECCOMP_MAX ? seccomp_names[s->seccomp] : "default",
			 "pid_host", s->pid_host, "ipc_host", s->ipc_host);
}
