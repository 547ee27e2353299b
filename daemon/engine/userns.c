/* User namespaces for containers: policy, range allocation and the probe.
 *
 * Safety invariants: a container of a non-root caller never runs without
 * its user namespace: when the probe failed, the run fails. Ranges of the
 * automatic pool never overlap an /etc/subuid or /etc/subgid entry nor
 * another user's block; a user's block is recorded (userns.json, 0600,
 * written atomically) before a container uses it and never handed to
 * anyone else. */
#include "userns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cleanup.h"
#include "daemon.h"
#include "fs-util.h"
#include "log.h"
#include "peer.h"
#include "subid.h"

static char *
read_text(const char *path)
{
	char *buf = NULL;
	size_t len;

	return fs_read_file(path, &buf, &len) < 0 ? strdup("") : buf;
}

/* uid's own /etc/subuid and /etc/subgid ranges. 1 found, 0 not. */
static int
from_subid_files(uid_t uid, struct userns_range *ret)
{
	_cleanup_free_ char *su = read_text("/etc/subuid"), *sg = read_text("/etc/subgid");
	struct passwd *pw = getpwuid(uid);
	struct subid_range ru, rg;

	if (!su || !sg || subid_find(su, pw ? pw->pw_name : NULL, uid, SUBID_SIZE, &ru) != 1 ||
	    subid_find(sg, pw ? pw->pw_name : NULL, uid, SUBID_SIZE, &rg) != 1)
		return 0;
	*ret = (struct userns_range){ .on = true, .uid_base = ru.start, .gid_base = rg.start, .size = SUBID_SIZE };
	return 1;
}

static void
db_path(struct daemon *d, char *buf, size_t len)
{
	snprintf(buf, len, "%s/userns.json", d->cfg.data_root);
}

/* Every range the pool must avoid: subuid/subgid entries and every
 * recorded block. */
static int
taken_ranges(json_t *users, struct subid_range **ret, size_t *n)
{
	_cleanup_free_ char *su = read_text("/etc/subuid"), *sg = read_text("/etc/subgid");
	const char *key;
	json_t *v;
	int r;

	if (!su || !sg)
		return -ENOMEM;
	if ((r = subid_parse_all(su, ret, n)) < 0 || (r = subid_parse_all(sg, ret, n)) < 0)
		return r;
	json_object_foreach(users, key, v) {
		struct subid_range *more = realloc(*ret, (*n + 2) * sizeof(*more));

		if (!more)
			return -ENOMEM;
		*ret = more;
		more[(*n)++] = (struct subid_range){ (uint32_t)json_integer_value(json_object_get(v, "uid_base")),
						     (uint32_t)json_integer_value(json_object_get(v, "size")) };
		more[(*n)++] = (struct subid_range){ (uint32_t)json_integer_value(json_object_get(v, "gid_base")),
						     (uint32_t)json_integer_value(json_object_get(v, "size")) };
	}
	return 0;
}

static int
allocate(struct daemon *d, json_t *users, const char *key, struct userns_range *ret, struct lite_err *err)
{
	_cleanup_free_ struct subid_range *taken = NULL;
	size_t n = 0;
	uint32_t start;
	int r = taken_ranges(users, &taken, &n);

	if (r < 0)
		return lite_err_sys(err, r, "user namespace ranges");
	if (subid_alloc(&d->cfg.userns_pool, SUBID_SIZE, taken, n, &start) < 0)
		return lite_err_set(err, ENOSPC, "no free user namespace range left in userns-auto-pool");
	*ret = (struct userns_range){ .on = true, .uid_base = start, .gid_base = start, .size = SUBID_SIZE };
	json_object_set_new(users, key, json_pack("{s:I, s:I, s:I, s:s}", "uid_base", (json_int_t)start, "gid_base",
						  (json_int_t)start, "size", (json_int_t)SUBID_SIZE, "source", "auto"));
	return 0;
}

/* The automatic pool: uid's recorded block, or a new one recorded now. */
static int
from_pool(struct daemon *d, uid_t uid, struct userns_range *ret, struct lite_err *err)
{
	char path[PATH_MAX], key[16];
	_cleanup_free_ char *dump = NULL;
	json_t *db, *users, *mine;
	int r;

	db_path(d, path, sizeof(path));
	snprintf(key, sizeof(key), "%u", (unsigned)uid);
	db = json_load_file(path, 0, NULL);
	if (!db)
		db = json_pack("{s:i, s:{}}", "version", 1, "users");
	users = json_object_get(db, "users");
	if (!json_is_object(users)) {
		json_decref(db);
		return lite_err_set(err, EINVAL, "%s is malformed", path);
	}
	mine = json_object_get(users, key);
	if (mine) {
		*ret = (struct userns_range){ .on = true,
			.uid_base = (uint32_t)json_integer_value(json_object_get(mine, "uid_base")),
			.gid_base = (uint32_t)json_integer_value(json_object_get(mine, "gid_base")),
			.size = (uint32_t)json_integer_value(json_object_get(mine, "size")) };
		json_decref(db);
		return ret->size && ret->uid_base && ret->gid_base ? 0 : lite_err_set(err, EINVAL, "%s is malformed", path);
	}
	r = allocate(d, users, key, ret, err);
	dump = r == 0 ? json_dumps(db, JSON_INDENT(1)) : NULL;
	json_decref(db);
	if (r < 0)
		return r;
	r = dump ? fs_write_file_atomic(path, dump, strlen(dump), 0600) : -ENOMEM;
	return r < 0 ? lite_err_sys(err, r, "record the user namespace range in %s", path) : 0;
}

int
userns_for_run(struct daemon *d, uid_t uid, const char *flag, struct userns_range *ret, struct lite_err *err)
{
	bool host = flag && strcmp(flag, "host") == 0, want = uid != 0 || (flag && strcmp(flag, "auto") == 0);

	*ret = (struct userns_range){ 0 };
	if (host && uid != 0)
		return lite_err_set(err, EPERM, "--userns=host is for root only");
	if (host || (!want && !d->cfg.userns_remap))
		return 0;
	if (!d->userns_ok)
		return lite_err_set(err, ENOTSUP, "user namespaces with idmapped layers are unavailable (%s); %s",
				    d->userns_reason, uid != 0 ? "containers of non-root users cannot run here"
							       : "run with --userns=host");
	if (uid != 0 && from_subid_files(uid, ret) == 1)
		return 0;
	return from_pool(d, uid, ret, err);
}

void
userns_caller_from_peer(const struct peer *p, struct userns_caller *ret)
{
	*ret = (struct userns_caller){ 0 };
	if (p->cred.uid == 0)
		return;
	ret->uid = p->cred.uid;
	ret->gid = p->cred.gid;
	/* more groups than fit: the primary group only (less access, never more) */
	for (int i = 0; i < p->n_groups && i < USERNS_MAX_GROUPS; i++)
		ret->groups[ret->n_groups++] = p->groups[i];
}

void
userns_idmap_arg(const struct userns_range *u, char *buf, size_t len)
{
	if (u->on)
		snprintf(buf, len, "%u:%u:%u", (unsigned)u->uid_base, (unsigned)u->gid_base, (unsigned)u->size);
	else
		snprintf(buf, len, "-");
}

int
userns_chown(const struct userns_range *u, const char *path)
{
	if (!u->on)
		return 0;
	return lchown(path, u->uid_base, u->gid_base) < 0 ? -errno : 0;
}

/* A child in a new user namespace, waiting until killed. */
static pid_t
probe_child(int *ret_userns_fd)
{
	int ready[2], gone[2];
	char path[64], map[64], b = 'n';
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(gone, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		close(ready[0]);
		close(ready[1]);
		return -1;
	}
	if (pid == 0) {
		close(ready[0]);
		close(gone[1]);
		b = unshare(CLONE_NEWUSER) == 0 ? 'y' : 'n';
		if (write(ready[1], &b, 1) == 1 && read(gone[0], &b, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	close(gone[0]);
	if (read(ready[0], &b, 1) != 1)
		b = 'n';
	close(ready[0]);
	snprintf(map, sizeof(map), "0 %u %u\n", (unsigned)SUBID_OVERFLOW + 1, 1u);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	if (b == 'y' && fs_write_string(path, map) == 0 &&
	    (snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid), fs_write_string(path, map) == 0)) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		*ret_userns_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	close(gone[1]); /* the child exits once we are done */
	return pid;
}

void
userns_probe(struct daemon *d)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	int ns = -1, tree = -1;
	pid_t pid = probe_child(&ns);

	d->userns_ok = false;
	if (pid < 0 || ns < 0)
		snprintf(d->userns_reason, sizeof(d->userns_reason), "cannot create a user namespace: %s", strerror(errno));
	else if ((tree = (int)syscall(SYS_open_tree, AT_FDCWD, d->cfg.data_root, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) < 0)
		snprintf(d->userns_reason, sizeof(d->userns_reason), "open_tree %s: %s", d->cfg.data_root, strerror(errno));
	else if ((attr.userns_fd = (__u64)ns, syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof(attr))) < 0)
		snprintf(d->userns_reason, sizeof(d->userns_reason), "idmapped mounts on %s: %s", d->cfg.data_root,
			 strerror(errno));
	else
		d->userns_ok = true;
	if (tree >= 0)
		close(tree);
	if (ns >= 0)
		close(ns);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	if (!d->userns_ok)
		log_warnx("user namespaces unavailable: %s; containers of non-root users cannot run", d->userns_reason);
}
