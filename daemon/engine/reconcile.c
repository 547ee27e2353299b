/* Reconciliation at start-up: what a daemon killed at any point left
 * behind is either taken back or removed, once, before the first request.
 *
 *   reconcile_store()      before anything is loaded: temp files of
 *                          atomic writes ("*.tmp.PID") anywhere in the
 *                          engine's metadata; container, network and
 *                          volume directories without valid state (a
 *                          create interrupted before its state was
 *                          written) with their cgroups, links and run dir.
 *   reconcile_processes()  after the container table is loaded: every
 *                          lite-shim of this exec root that the table does
 *                          not monitor (a run or start killed before its
 *                          state said "running") is killed with its
 *                          cgroup and links, and its container recorded
 *                          as not running; running containers whose shim
 *                          is live get "start" again (idempotent: a crash
 *                          between saving "running" and releasing init);
 *                          cgroups, run dirs and host veths of containers
 *                          that do not run are removed.
 *
 * Leases of removed containers are dropped by net_ctr_restore (their owner
 * is not in the table), and net_ctr_restore_leases re-claims every running
 * container's address, so IPAM never hands out one a live container uses.
 *
 * Safety: touches only this daemon's DATA_ROOT and EXEC_ROOT, cgroups under
 * its cgroup parent, shims whose config path is under its EXEC_ROOT, and
 * host links named by the engine for a container id it found there
 * ("lv" + id, "lbr-" + network id). Never a directory inside a container's
 * files, a layer or a volume's _data. */
#include "reconcile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctr.h"
#include "daemon.h"
#include "fs-util.h"
#include "log.h"
#include "net.h"
#include "valid.h"

/* Directories whose contents are a container's, a layer's or a volume's
 * files, or staged by lite-image (swept by image_store_init): never walked. */
static bool
skip_dir(const char *name)
{
	static const char *const skip[] = { "upper", "work", "_data", "rootfs", "tmp", "sha256" };

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (strcmp(name, skip[i]) == 0)
			return true;
	return false;
}

/* Remove "NAME.tmp.SUFFIX" files under dir, depth levels down; count them. */
static int
sweep_tmp(const char *dir, int depth)
{
	_cleanup_free_ char *path = NULL;
	struct dirent *de;
	int n = 0;
	DIR *dp = opendir(dir);

	if (!dp)
		return 0;
	while ((de = readdir(dp))) {
		struct stat st;

		if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		free(path);
		if (asprintf(&path, "%s/%s", dir, de->d_name) < 0) {
			path = NULL;
			break;
		}
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISREG(st.st_mode) && strstr(de->d_name, ".tmp.") && unlink(path) == 0)
			n++;
		else if (S_ISDIR(st.st_mode) && depth > 0 && !skip_dir(de->d_name))
			n += sweep_tmp(path, depth - 1);
	}
	closedir(dp);
	return n;
}

/* images/sha256 and layers/sha256 hold files next to layer trees: swept
 * one level deep only. */
static int
sweep_store_tmp(const char *data_root)
{
	char path[PATH_MAX];
	int n = sweep_tmp(data_root, 3);

	snprintf(path, sizeof(path), "%s/images/sha256", data_root);
	n += sweep_tmp(path, 0);
	snprintf(path, sizeof(path), "%s/layers/sha256", data_root);
	n += sweep_tmp(path, 0);
	return n;
}

/* /proc/PID/cmdline is "lite-shim EXEC_ROOT/ID/config.json": ID, else "". */
static void
shim_id(struct daemon *d, pid_t pid, char id[65])
{
	_cleanup_free_ char *buf = NULL;
	char path[64];
	size_t len = 0, xlen = strlen(d->cfg.exec_root);
	const char *arg1, *base;

	id[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (fs_read_file(path, &buf, &len) < 0 || len < 2)
		return;
	base = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
	arg1 = buf + strlen(buf) + 1;
	if (strcmp(base, "lite-shim") != 0 || arg1 >= buf + len || strncmp(arg1, d->cfg.exec_root, xlen) != 0 ||
	    arg1[xlen] != '/' || strlen(arg1 + xlen + 1) != 64 + strlen("/config.json") ||
	    strcmp(arg1 + xlen + 1 + 64, "/config.json") != 0)
		return;
	memcpy(id, arg1 + xlen + 1, 64);
	id[64] = '\0';
	if (!valid_full_id(id))
		id[0] = '\0';
}

/* SIGKILL a shim through a pidfd, checked to be id's, and wait until it
 * is gone (its init dies with the cgroup afterwards). */
static void
kill_shim(struct daemon *d, pid_t pid, const char *id)
{
	_cleanup_close_ int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char again[65];

	if (fd < 0)
		return;
	shim_id(d, pid, again);
	if (strcmp(again, id) != 0)
		return; /* gone, and the pid reused, since the scan */
	if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0)
		return;
	(void)poll(&pfd, 1, 2000);
}

/* Host veths of a container ("lv" + 9 chars of its id + network): left on
 * the host when the daemon died between creating a pair and moving its
 * peer, or while the container's namespace still held it. */
static void
delete_links(const char *id)
{
	/* if_nameindex, not /sys/class/net: sysfs shows the namespace of
	 * whoever mounted it, not necessarily the daemon's */
	struct if_nameindex *links = if_nameindex();
	char prefix[16];

	snprintf(prefix, sizeof(prefix), "lv%.9s", id);
	for (struct if_nameindex *l = links; l && l->if_index; l++)
		if (strncmp(l->if_name, prefix, strlen(prefix)) == 0 && net_link_delete(l->if_name) == 0)
			log_info("removed the leftover link %s", l->if_name);
	if (links)
		if_freenameindex(links);
}

static void
destroy_cgroups(struct daemon *d, const char *id)
{
	struct lite_err err = { 0 };

	if (cgroup_destroy(&d->cgroups, id, &err) < 0)
		log_warnx("container %.12s: %s", id, err.msg ? err.msg : "remove cgroup");
	lite_err_clear(&err);
}

/* Everything a container id may hold on the host, but its data dir. */
static void
undo_host_state(struct daemon *d, const char *id)
{
	char path[PATH_MAX];

	destroy_cgroups(d, id);
	delete_links(id);
	snprintf(path, sizeof(path), "%s/%s", d->cfg.exec_root, id);
	(void)fs_rm_rf(path);
}

/* The shim's children (init before its execve, exec's helpers) carry
 * its command line too: they are the shim's business, never killed here. */
static bool
parent_is_shim(struct daemon *d, pid_t pid, const char *id)
{
	_cleanup_free_ char *status = NULL;
	char path[64], pid_id[65];
	const char *p;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (fs_read_file(path, &status, &len) < 0 || !(p = strstr(status, "\nPPid:")))
		return false;
	shim_id(d, (pid_t)atoi(p + 6), pid_id);
	return strcmp(pid_id, id) == 0;
}

/* Kill every shim of this exec root whose id want() accepts. */
static void
kill_shims(struct daemon *d, bool (*want)(struct daemon *d, const char *id, pid_t pid))
{
	struct dirent *de;
	DIR *dp = opendir("/proc");
	char id[65];

	while (dp && (de = readdir(dp))) {
		pid_t pid = (pid_t)atoi(de->d_name);

		if (pid <= 1 || pid == getpid())
			continue;
		shim_id(d, pid, id);
		if (id[0] && !parent_is_shim(d, pid, id) && want(d, id, pid)) {
			log_warnx("container %.12s: killed its orphan shim (pid %d): the daemon died while starting it", id,
				  (int)pid);
			kill_shim(d, pid, id);
		}
	}
	if (dp)
		closedir(dp);
}

/* ------------------------------------------------------------ store */

static bool
state_is_valid(struct daemon *d, const char *id)
{
	struct ctr_spec spec = { 0 };
	struct ctr_runtime rt = { 0 };
	char path[PATH_MAX], errbuf[128];
	json_t *o;
	int r;

	snprintf(path, sizeof(path), "%s/containers/%s/state.json", d->cfg.data_root, id);
	o = json_load_file(path, 0, NULL);
	r = o ? ctr_state_from_json(o, &spec, &rt, errbuf, sizeof(errbuf)) : -1;
	json_decref(o);
	ctr_state_spec_clear(&spec);
	free(rt.error);
	return r == 0 && strcmp(spec.id, id) == 0;
}

static bool
shim_of_removed(struct daemon *d, const char *id, pid_t pid)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/containers/%s", d->cfg.data_root, id);
	return stat(path, &st) < 0 && errno == ENOENT;
}

/* Container directories without a valid state.json: a create or run
 * killed before its state was written. */
static void
remove_stateless_ctrs(struct daemon *d)
{
	char dir[PATH_MAX], path[PATH_MAX + 80];
	struct dirent *de;
	DIR *dp;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/containers", d->cfg.data_root);
	dp = opendir(dir);
	while (dp && (de = readdir(dp))) {
		if (!valid_full_id(de->d_name) || state_is_valid(d, de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		log_warnx("removed container directory %.12s: no valid state.json (its creation was interrupted)",
			  de->d_name);
		(void)fs_rm_rf(path);
		n++;
	}
	if (dp)
		closedir(dp);
	if (n)
		kill_shims(d, shim_of_removed);
	/* their host state: below, with every id not in the table */
}

static bool
network_is_valid(const char *path, const char *id)
{
	json_t *o = json_load_file(path, 0, NULL);
	const char *jid = json_string_value(json_object_get(o, "id"));
	bool ok = jid && strcmp(jid, id) == 0 && json_is_string(json_object_get(o, "name")) &&
		  json_is_string(json_object_get(o, "bridge")) && json_is_string(json_object_get(o, "subnet"));

	json_decref(o);
	return ok;
}

static void
remove_stateless_networks(struct daemon *d)
{
	char dir[PATH_MAX], path[PATH_MAX + 96], bridge[16];
	struct dirent *de;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/networks", d->cfg.data_root);
	dp = opendir(dir);
	while (dp && (de = readdir(dp))) {
		if (!valid_full_id(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/network.json", dir, de->d_name);
		if (network_is_valid(path, de->d_name))
			continue;
		log_warnx("removed network directory %.12s: no valid network.json (its creation was interrupted)",
			  de->d_name);
		snprintf(bridge, sizeof(bridge), "lbr-%.11s", de->d_name);
		(void)net_link_delete(bridge);
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		(void)fs_rm_rf(path);
	}
	if (dp)
		closedir(dp);
}

/* A volume directory without volume.json whose _data is empty or absent:
 * a create killed before its record was written. One with files is kept
 * (its data is someone's; it lists with defaults). */
static void
check_volume(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "%s/%s/volume.json", dir, name);
	if (stat(path, &st) == 0)
		return;
	snprintf(path, sizeof(path), "%s/%s/_data", dir, name);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && fs_dir_is_empty(fd) != 1)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	log_warnx("removed volume directory %s: no volume.json and no data (its creation was interrupted)", path);
	(void)fs_rm_rf(path);
}

static void
remove_stateless_volumes(const char *dir, int depth)
{
	struct dirent *de;
	DIR *dp = opendir(dir);

	while (dp && (de = readdir(dp))) {
		char sub[PATH_MAX];

		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (depth > 0 && strncmp(de->d_name, "_u", 2) == 0) { /* an owner's volumes */
			snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
			remove_stateless_volumes(sub, 0);
		} else {
			check_volume(dir, de->d_name);
		}
	}
	if (dp)
		closedir(dp);
}

void
reconcile_store(struct daemon *d)
{
	char path[PATH_MAX];
	int n;

	n = sweep_store_tmp(d->cfg.data_root);
	if (n > 0)
		log_info("removed %d temporary file(s) of interrupted writes under %s", n, d->cfg.data_root);
	remove_stateless_ctrs(d);
	remove_stateless_networks(d);
	snprintf(path, sizeof(path), "%s/volumes", d->cfg.data_root);
	remove_stateless_volumes(path, 1);
}

/* ------------------------------------------------------------ processes */

static struct ctr *
find(struct daemon *d, const char *id)
{
	struct ctr *c;

	TAILQ_FOREACH(c, &d->ctrs, entry)
		if (strcmp(c->spec.id, id) == 0)
			return c;
	return NULL;
}

/* A shim the table does not monitor: not its container's recorded one. */
static bool
shim_unmonitored(struct daemon *d, const char *id, pid_t pid)
{
	struct ctr *c = find(d, id);

	return !c || c->rt.shim_pid != pid || (!ctr_is_running(c) && !c->start_ev);
}

/* Each child dir of this daemon's cgroup parent named like a container id
 * and not in the table: a run killed between its cgroup and its state. */
static void
remove_unknown_cgroups(struct daemon *d)
{
	static const char zero[] = "0000000000000000000000000000000000000000000000000000000000000000";

	for (int ctl = 0; ctl < CGROUP_CTL_MAX; ctl++) {
		char dir[PATH_MAX];
		struct dirent *de;
		DIR *dp;

		if (d->cgroups.mode == CGROUP_MODE_V2 && ctl > 0)
			break; /* one hierarchy */
		if (cgroup_values_dir(&d->cgroups, ctl, zero, dir, sizeof(dir)) < 0)
			continue;
		*strrchr(dir, '/') = '\0';
		dp = opendir(dir);
		while (dp && (de = readdir(dp)))
			if (valid_full_id(de->d_name) && !find(d, de->d_name))
				destroy_cgroups(d, de->d_name);
		if (dp)
			closedir(dp);
	}
}

/* Run dirs (EXEC_ROOT/ID) of ids not in the table, with their links. */
static void
remove_unknown_run_dirs(struct daemon *d)
{
	struct dirent *de;
	DIR *dp = opendir(d->cfg.exec_root);

	while (dp && (de = readdir(dp)))
		if (valid_full_id(de->d_name) && !find(d, de->d_name))
			undo_host_state(d, de->d_name);
	if (dp)
		closedir(dp);
}

/* Release init of a running container whose shim is live: a no-op when
 * it was released already. */
static void
release_init(struct daemon *d, struct ctr *c)
{
	int fd = ctr_shim_connect(d, c, "start\n");

	if (fd >= 0)
		close(fd);
}

void
reconcile_processes(struct daemon *d)
{
	struct ctr *c;

	kill_shims(d, shim_unmonitored);
	TAILQ_FOREACH(c, &d->ctrs, entry) {
		if (ctr_is_running(c) && c->shim_pidfd >= 0) {
			release_init(d, c);
			continue;
		}
		if (ctr_is_running(c) || c->start_ev)
			continue;
		undo_host_state(d, c->spec.id);
		if (c->rt.status == CTR_CREATED && c->rt.shim_pid > 0) {
			c->rt.shim_pid = 0; /* its shim was an orphan, killed above */
			c->rt.init_pid = 0;
			ctr_save(d, c);
		}
	}
	remove_unknown_cgroups(d);
	remove_unknown_run_dirs(d);
}
