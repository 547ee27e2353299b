/* Unit tests of daemon/lib/shim-config.c, the shim's config.json: a config
 * survives to_json and from_json unchanged, a config.json as engines before
 * struct shim_config wrote it still reads, and broken ones are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "shim-config.h"
#include "strv.h"

/* What ctr-shim.c wrote before shim-config.c existed (keys the shim
 * ignores included: a mount's volume and anonymous, an rlimit's name). */
static const char old_config[] =
	"{\"id\":\"0123abcd\",\"rootfs\":\"/run/lite/containers/0123abcd/rootfs\","
	"\"lowerdir\":\"/l/2:/l/1\",\"upperdir\":\"/d/upper\",\"workdir\":\"/d/work\","
	"\"cmd\":[\"sh\",\"-c\",\"echo hi\"],\"env\":[\"PATH=/bin\",\"HOSTNAME=h\"],\"hostname\":\"h\",\"cwd\":\"/\","
	"\"cgroup_procs\":[\"/sys/fs/cgroup/lite/0123abcd/cgroup.procs\"],\"oom_file\":null,"
	"\"log_path\":\"/d/container.log\",\"log_max\":67108864,\"exit_path\":\"/d/exit.json\","
	"\"attach_path\":\"/x/attach.sock\",\"open_stdin\":true,\"tty\":true,\"init\":false,\"user\":\"\","
	"\"rows\":24,\"cols\":80,"
	"\"mounts\":[{\"type\":\"bind\",\"source\":\"/v/data\",\"target\":\"/data\",\"readonly\":false,\"options\":\"\","
	"\"volume\":\"data\",\"anonymous\":false,\"copy_up\":true},"
	"{\"type\":\"tmpfs\",\"source\":\"\",\"target\":\"/run\",\"readonly\":true,\"options\":\"size=1m\","
	"\"volume\":\"\",\"anonymous\":false}],"
	"\"rlimits\":[{\"name\":\"nofile\",\"resource\":7,\"soft\":10,\"hard\":-1}],\"read_only\":true,"
	"\"shm_size\":\"1048576\",\"oom_score_adj\":-5,"
	"\"etc_files\":{\"/etc/hosts\":\"/d/hosts\",\"/etc/hostname\":\"/d/hostname\",\"/etc/resolv.conf\":\"/d/resolv.conf\"},"
	"\"net_host\":false}";

static void
load(const char *text, struct shim_config *c)
{
	char why[256] = "";
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, NULL);

	assert_non_null(o);
	if (shim_config_from_json(o, c, why, sizeof(why)) < 0)
		fail_msg("refused: %s", why);
	json_decref(o);
}

static void
test_old_config(void **state)
{
	struct shim_config c;

	load(old_config, &c);
	assert_string_equal(c.id, "0123abcd");
	assert_string_equal(c.lowerdir, "/l/2:/l/1");
	assert_string_equal(c.cmd[2], "echo hi");
	assert_string_equal(c.env[1], "HOSTNAME=h");
	assert_string_equal(c.cgroup_procs[0], "/sys/fs/cgroup/lite/0123abcd/cgroup.procs");
	assert_null(c.oom_file);
	/* an older engine's config: Docker's caps (never inheritable), nothing else */
	assert_int_equal(c.caps, SHIM_CONFIG_CAPS_DEFAULT);
	assert_false(c.no_new_privs || c.cgroupns || c.sys_rw || c.pid_host || c.ipc_host);
	assert_null(c.seccomp);
	assert_null(c.masked_paths);
	assert_int_equal(c.log_max, 64 << 20);
	assert_true(c.open_stdin && c.tty && !c.init);
	assert_string_equal(c.user, "");
	assert_int_equal(c.rows, 24);
	assert_int_equal(c.cols, 80);
	assert_int_equal(c.n_mounts, 2);
	assert_false(c.mounts[0].tmpfs);
	assert_string_equal(c.mounts[0].source, "/v/data");
	assert_true(c.mounts[0].copy_up);
	assert_int_equal(c.mounts[0].tree_fd, -1);
	assert_true(c.mounts[1].tmpfs);
	assert_true(c.mounts[1].readonly);
	assert_false(c.mounts[1].copy_up);
	assert_string_equal(c.mounts[1].options, "size=1m");
	assert_int_equal(c.n_rlimits, 1);
	assert_int_equal(c.rlimits[0].resource, RLIMIT_NOFILE);
	assert_true(c.rlimits[0].hard == RLIM_INFINITY);
	assert_true(c.read_only);
	assert_string_equal(c.shm_size, "1048576");
	assert_true(c.set_oom_score);
	assert_int_equal(c.oom_score_adj, -5);
	assert_int_equal(strv_length(c.etc_files), 6);
	assert_string_equal(c.etc_files[0], "/etc/hosts");
	assert_string_equal(c.etc_files[1], "/d/hosts");
	assert_false(c.net_host);
	assert_int_equal(c.userns.size, 0);      /* older engines: no user namespace */
	assert_int_equal(c.caller.n_groups, -1); /* ... and no caller */
	assert_false(c.mounts[0].caller_check);
	shim_config_free(&c);
}

/* Optional keys absent (an engine without networking, no --shm-size...). */
static void
test_minimal_config(void **state)
{
	struct shim_config c;

	load("{\"id\":\"i\",\"rootfs\":\"/r\",\"lowerdir\":\"/l\",\"upperdir\":\"/u\",\"workdir\":\"/w\",\"cmd\":[\"true\"],"
	     "\"env\":[],\"log_path\":\"/log\",\"exit_path\":\"/exit\",\"attach_path\":\"/sock\"}", &c);
	assert_int_equal(c.log_max, SHIM_CONFIG_LOG_MAX);
	assert_null(c.etc_files);
	assert_null(c.shm_size);
	assert_null(c.user);
	assert_false(c.set_oom_score);
	assert_int_equal(c.n_mounts, 0);
	assert_int_equal(c.n_rlimits, 0);
	shim_config_free(&c);
}

static void
assert_same(const struct shim_config *a, const struct shim_config *b)
{
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->rootfs, b->rootfs);
	assert_string_equal(a->lowerdir, b->lowerdir);
	assert_string_equal(a->upperdir, b->upperdir);
	assert_string_equal(a->workdir, b->workdir);
	assert_string_equal(a->hostname, b->hostname);
	assert_string_equal(a->cwd, b->cwd);
	assert_string_equal(a->user, b->user);
	assert_string_equal(a->oom_file, b->oom_file);
	assert_string_equal(a->log_path, b->log_path);
	assert_string_equal(a->exit_path, b->exit_path);
	assert_string_equal(a->attach_path, b->attach_path);
	assert_string_equal(a->shm_size, b->shm_size);
	assert_int_equal(a->log_max, b->log_max);
	assert_true(a->open_stdin == b->open_stdin && a->net_host == b->net_host && a->tty == b->tty &&
		    a->init == b->init && a->read_only == b->read_only && a->set_oom_score == b->set_oom_score);
	assert_int_equal(a->rows, b->rows);
	assert_int_equal(a->cols, b->cols);
	assert_int_equal(a->oom_score_adj, b->oom_score_adj);
	assert_memory_equal(&a->userns, &b->userns, sizeof(a->userns));
	assert_int_equal(a->caller.uid, b->caller.uid);
	assert_int_equal(a->caller.gid, b->caller.gid);
	assert_int_equal(a->caller.n_groups, b->caller.n_groups);
	for (int i = 0; i < a->caller.n_groups; i++)
		assert_int_equal(a->caller.groups[i], b->caller.groups[i]);
	assert_int_equal(a->caps, b->caps);
	assert_true(a->no_new_privs == b->no_new_privs && a->sys_rw == b->sys_rw && a->cgroupns == b->cgroupns &&
		    a->pid_host == b->pid_host && a->ipc_host == b->ipc_host);
	assert_true(a->exit_nosync == b->exit_nosync);
}

static void
assert_strv_same(char **a, char **b)
{
	assert_int_equal(strv_length(a), strv_length(b));
	for (size_t i = 0; a && a[i]; i++)
		assert_string_equal(a[i], b[i]);
}

static void
assert_lists_same(const struct shim_config *a, const struct shim_config *b)
{
	assert_strv_same(a->cmd, b->cmd);
	assert_strv_same(a->env, b->env);
	assert_strv_same(a->cgroup_procs, b->cgroup_procs);
	assert_strv_same(a->etc_files, b->etc_files);
	assert_strv_same(a->seccomp, b->seccomp);
	assert_strv_same(a->masked_paths, b->masked_paths);
	assert_strv_same(a->readonly_paths, b->readonly_paths);
	assert_strv_same(a->cgroup_mounts, b->cgroup_mounts);
	assert_int_equal(a->n_mounts, b->n_mounts);
	for (size_t i = 0; i < a->n_mounts; i++) {
		assert_true(a->mounts[i].tmpfs == b->mounts[i].tmpfs && a->mounts[i].readonly == b->mounts[i].readonly &&
			    a->mounts[i].copy_up == b->mounts[i].copy_up &&
			    a->mounts[i].caller_check == b->mounts[i].caller_check);
		assert_string_equal(a->mounts[i].source, b->mounts[i].source);
		assert_string_equal(a->mounts[i].target, b->mounts[i].target);
		assert_string_equal(a->mounts[i].options, b->mounts[i].options);
	}
	assert_int_equal(a->n_rlimits, b->n_rlimits);
	for (size_t i = 0; i < a->n_rlimits; i++)
		assert_true(a->rlimits[i].resource == b->rlimits[i].resource && a->rlimits[i].soft == b->rlimits[i].soft &&
			    a->rlimits[i].hard == b->rlimits[i].hard);
}

/* Every field set, through JSON and back. */
static void
test_round_trip(void **state)
{
	struct shim_config a = { 0 }, b;
	struct shim_mount m[] = { { .source = "/h", .target = "/c", .options = "", .readonly = true, .copy_up = true,
				    .caller_check = true },
				  { .tmpfs = true, .source = "", .target = "/t", .options = "size=1m,mode=1777" } };
	struct shim_rlimit rl[] = { { RLIMIT_NOFILE, 1024, 2048 }, { RLIMIT_CORE, RLIM_INFINITY, RLIM_INFINITY } };
	char *cmd[] = { "sh", "-c", "echo \"x\"\n", NULL }, *env[] = { "A=1", "B=", NULL };
	char *procs[] = { "/a/cgroup.procs", "/b/cgroup.procs", NULL };
	char *etc[] = { "/etc/hosts", "/h", "/etc/resolv.conf", "/r", NULL };
	char *bpf[] = { "/run/lite/seccomp/a.bpf", "/run/lite/seccomp/b.bpf", NULL };
	char *masked[] = { "/proc/kcore", "/sys/firmware", NULL }, *ro[] = { "/proc/sys", NULL };
	char *cgm[] = { "memory:memory", "cpu:cpu,cpuacct", NULL };
	char *text;
	json_t *o;

	a = (struct shim_config){ .id = "id", .rootfs = "/rootfs", .lowerdir = "/a:/b", .upperdir = "/u", .workdir = "/w",
				  .cmd = cmd, .env = env, .hostname = "host", .cwd = "/srv", .user = "1000:1000",
				  .cgroup_procs = procs, .oom_file = "/m/memory.events", .log_path = "/log",
				  .log_max = 12345, .exit_path = "/exit", .attach_path = "/sock", .open_stdin = true,
				  .etc_files = etc, .net_host = true, .tty = true, .init = true, .rows = 50, .cols = 132,
				  .mounts = m, .n_mounts = 2, .rlimits = rl, .n_rlimits = 2, .shm_size = "65536",
				  .read_only = true, .set_oom_score = true, .oom_score_adj = 500,
				  .userns = { 100000, 200000, 65536 },
				  .caller = { .uid = 1001, .gid = 100, .groups = { 100, 27 }, .n_groups = 2 },
				  .caps = UINT64_C(0x1ffffffffff), .no_new_privs = true, .seccomp = bpf, .masked_paths = masked,
				  .readonly_paths = ro, .sys_rw = true, .cgroupns = true, .cgroup_mounts = cgm,
				  .pid_host = true, .ipc_host = true, .exit_nosync = true };
	o = shim_config_to_json(&a);
	assert_non_null(o);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	load(text, &b);
	free(text);
	assert_same(&a, &b);
	assert_lists_same(&a, &b);
	shim_config_free(&b);
}

static void refused(const char *text, const char *why);

/* "devices" (--device), through JSON and back; absent when there are none. */
static void
test_devices(void **state)
{
	struct shim_device d[] = { { .host = "/dev/fuse", .path = "/dev/fuse", .perm = "rwm" },
				   { .host = "/dev/sdb", .path = "/dev/xvdb", .perm = "r" } };
	char *cmd[] = { "true", NULL }, *env[] = { NULL };
	struct shim_config a = { .id = "id", .rootfs = "/r", .lowerdir = "/l", .upperdir = "/u", .workdir = "/w",
				 .cmd = cmd, .env = env, .log_path = "/log", .exit_path = "/exit", .attach_path = "/s",
				 .devices = d, .n_devices = 2 }, b;
	json_t *o = shim_config_to_json(&a);
	char *text = json_dumps(o, JSON_COMPACT);

	(void)state;
	json_decref(o);
	load(text, &b);
	free(text);
	assert_int_equal(b.n_devices, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(b.devices[i].host, d[i].host);
		assert_string_equal(b.devices[i].path, d[i].path);
		assert_string_equal(b.devices[i].perm, d[i].perm);
		assert_int_equal(b.devices[i].tree_fd, -1);
	}
	shim_config_free(&b);
	a.n_devices = 0;
	o = shim_config_to_json(&a);
	assert_null(json_object_get(o, "devices"));
	json_decref(o);
	refused("{\"devices\":[{\"path\":\"/dev/x\"}]}", "malformed devices");
}

static void
refused(const char *text, const char *why)
{
	struct shim_config c;
	char buf[256] = "";
	json_t *o = json_loads(text, 0, NULL);

	assert_int_equal(shim_config_from_json(o, &c, buf, sizeof(buf)), -1);
	assert_string_equal(buf, why);
	shim_config_free(&c);
	json_decref(o);
}

static void
test_refused(void **state)
{
	refused("[]", "not a JSON object");
	refused("{\"id\":\"i\"}", "missing required fields");
	refused("{\"id\":\"i\",\"rootfs\":\"/r\",\"lowerdir\":\"/l\",\"upperdir\":\"/u\",\"workdir\":\"/w\",\"cmd\":[],"
		"\"env\":[],\"log_path\":\"/log\",\"exit_path\":\"/exit\",\"attach_path\":\"/sock\"}",
		"missing required fields");
	refused("{\"mounts\":[{\"type\":\"bind\",\"target\":\"/x\"}]}", "malformed mounts or rlimits");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_old_config),
		cmocka_unit_test(test_minimal_config),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
