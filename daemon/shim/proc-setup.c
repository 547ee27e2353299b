/* The last steps before a container process runs its command, shared by
 * init (rootfs.c) and exec'd processes (shim-exec.c): user, capabilities,
 * no_new_privs and seccomp (in this order, seccomp last), terminal; and the switch to lite-init for --init (init-main.c). The
 * execve itself is in proc.c, which lite-init shares.
 *
 * Safety invariants: runs inside the container's namespaces, after the
 * container's root is in place; it only lowers privileges, and reports
 * every failure over error_fd before _exit. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs-util.h"
#include "passwd.h"
#include "strv.h"

/* Everything outside mask leaves the bounding set; no ambient capabilities. */
static void
drop_bounding(uint64_t mask, int error_fd)
{
	for (int cap = 0; cap <= 63; cap++)
		/* EINVAL: beyond the kernel's last capability */
		if (!(mask & (UINT64_C(1) << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			proc_die(error_fd, errno, 125, "drop capability %d", cap);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		proc_die(error_fd, errno, 125, "clear ambient capabilities");
}

/* After the user switch: effective = permitted = mask for uid 0, none for
 * others (setuid already cleared them); inheritable always empty, so a
 * file with inheritable capabilities gives nothing (CVE-2022-24769). */
static void
set_caps(uint64_t mask, int error_fd)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { 0 };

	/* --privileged asks for every capability: those the shim holds */
	if (syscall(SYS_capget, &hdr, data) < 0)
		proc_die(error_fd, errno, 125, "get capabilities");
	mask &= (uint64_t)data[1].permitted << 32 | data[0].permitted;
	if (geteuid() != 0)
		mask = 0;
	memset(data, 0, sizeof(data));
	for (int i = 0; i < 2; i++)
		data[i].effective = data[i].permitted = (uint32_t)(mask >> (32 * i));
	if (syscall(SYS_capset, &hdr, data) < 0)
		proc_die(error_fd, errno, 125, "set capabilities");
}

void
proc_setup_privileges(const struct shim_config *c, const struct proc_user *u, int error_fd)
{
	if (c->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		proc_die(error_fd, errno, 125, "set no_new_privs");
	drop_bounding(c->caps, error_fd);
	/* without no_new_privs loading a filter needs CAP_SYS_ADMIN: now */
	if (!c->no_new_privs)
		seccomp_load_apply(error_fd);
	proc_setup_apply_user(u, error_fd);
	set_caps(c->caps, error_fd);
	if (c->no_new_privs)
		seccomp_load_apply(error_fd);
}

void
proc_setup_resolve_user(const char *user, struct proc_user *ret, int error_fd)
{
	char name[256], group[256], *passwd = NULL, *groups = NULL;

	memset(ret, 0, sizeof(*ret));
	(void)fs_read_file("/etc/passwd", &passwd, NULL);
	if (!user || !*user) {
		if (passwd_home(passwd ? passwd : "", "0", ret->home, sizeof(ret->home)) < 0)
			snprintf(ret->home, sizeof(ret->home), "/");
		free(passwd);
		return;
	}
	ret->set = true;
	if (passwd_user_spec_split(user, name, sizeof(name), group, sizeof(group)) < 0)
		proc_die(error_fd, 0, 125, "invalid user \"%s\": expected USER[:GROUP]", user);
	if (passwd_home(passwd ? passwd : "", name, ret->home, sizeof(ret->home)) < 0)
		snprintf(ret->home, sizeof(ret->home), "/"); /* Docker's for a user with no entry */
	(void)fs_read_file("/etc/group", &groups, NULL);
	if (passwd_lookup(passwd ? passwd : "", name, &ret->uid, &ret->gid) < 0)
		proc_die(error_fd, 0, 125, "unable to find user %s: no matching entries in passwd file", name);
	if (group[0] && passwd_group_lookup(groups, group, &ret->gid) < 0)
		proc_die(error_fd, 0, 125, "unable to find group %s: no matching entries in group file", group);
	ret->n_groups = passwd_group_members(groups, name, ret->groups, sizeof(ret->groups) / sizeof(ret->groups[0]));
	free(passwd);
	free(groups);
}

static bool
env_has(char **env, const char *key)
{
	size_t n = strlen(key);

	for (char **e = env; e && *e; e++)
		if (strncmp(*e, key, n) == 0 && (*e)[n] == '=')
			return true;
	return false;
}

char **
proc_setup_env(char **env, const struct proc_user *u, bool tty)
{
	size_t n = strv_length(env), k;
	char **v = calloc(n + 3, sizeof(char *));

	if (!v)
		return env;
	memcpy(v, env, n * sizeof(char *));
	k = n;
	if (!env_has(env, "HOME") && asprintf(&v[k], "HOME=%s", u->home[0] ? u->home : "/") >= 0)
		k++;
	if (tty && !env_has(env, "TERM"))
		v[k++] = "TERM=xterm";
	v[k] = NULL;
	return v;
}

void
proc_setup_apply_user(const struct proc_user *u, int error_fd)
{
	if (!u->set)
		return;
	if (setgroups(u->n_groups, u->groups) < 0 || setgid(u->gid) < 0 || setuid(u->uid) < 0)
		proc_die(error_fd, errno, 125, "switch to user %u:%u", (unsigned)u->uid, (unsigned)u->gid);
}

void
proc_setup_tty(int slave_fd, int error_fd)
{
	if (setsid() < 0 && errno != EPERM)
		proc_die(error_fd, errno, 125, "new session");
	if (ioctl(slave_fd, TIOCSCTTY, 0) < 0)
		proc_die(error_fd, errno, 125, "set controlling terminal");
	if (dup2(slave_fd, 0) < 0 || dup2(slave_fd, 1) < 0 || dup2(slave_fd, 2) < 0)
		proc_die(error_fd, errno, 125, "terminal as stdio");
	if (slave_fd > 2)
		close(slave_fd);
}

void
proc_setup_exec_init(int init_fd, char **cmd, char **env, int error_fd)
{
	size_t n = strv_length(cmd);
	char **argv = calloc(n + 2, sizeof(char *));

	if (!argv)
		proc_die(error_fd, ENOMEM, 125, "--init");
	argv[0] = "lite-init";
	memcpy(argv + 1, cmd, n * sizeof(char *));
	/* the signals lite-init forwards are blocked since spawn.c's child_main */
	syscall(SYS_execveat, init_fd, "", argv, env, AT_EMPTY_PATH);
	proc_die(error_fd, errno, 125, "--init: execute lite-init");
}
