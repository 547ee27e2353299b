/* Unit tests of the request decoders in proto/: run_spec (run-spec.c),
 * cgroup_limits (cgroup-limits.c, shared by run, create and update),
 * net_opts (net-opts.c) and health_opts (health-opts.c). Each rule's bad
 * input is refused with its one message, naming the flag. Params go
 * through proto_params_validate first, as on the wire. */
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

#include "proto.h"
#include "run-spec.h"

/* Params of method m from JSON text, checked against methods.def. */
static json_t *
params_of(enum proto_method m, const char *text)
{
	struct proto_error perr;
	json_t *p = json_loads(text, 0, NULL);

	if (!p)
		fail_msg("bad test JSON: %s", text);
	if (proto_params_validate(m, p, &perr) < 0)
		fail_msg("%s: %s", text, perr.message);
	return p;
}

static void
run_ok(const char *text, struct run_spec *rs)
{
	struct lite_err err = { 0 };
	json_t *p = params_of(PROTO_M_run, text);

	if (run_spec_decode(p, rs, &err) < 0)
		fail_msg("%s: refused: %s", text, err.msg);
	json_decref(p);
}

/* run params refused with exactly msg. */
static void
run_bad(const char *text, const char *msg)
{
	struct lite_err err = { 0 };
	struct run_spec rs;
	json_t *p = params_of(PROTO_M_run, text);
	int r = run_spec_decode(p, &rs, &err);

	json_decref(p);
	if (r >= 0) {
		run_spec_free(&rs);
		fail_msg("%s: accepted", text);
	}
	assert_int_equal(r, -err.code);
	if (!err.msg || strcmp(err.msg, msg) != 0)
		fail_msg("%s:\n got  '%s'\n want '%s'", text, err.msg, msg);
	lite_err_clear(&err);
}

/* update params over l, then the cross-field check with ncpu CPUs: 0 or
 * -EINVAL with err set. */
static int
update(struct cgroup_limits *l, const char *text, long ncpu, struct lite_err *err)
{
	json_t *p = params_of(PROTO_M_update, text);
	int r = cgroup_limits_decode(p, l, err);

	json_decref(p);
	return r < 0 ? r : cgroup_limits_check(l, ncpu, err);
}

static void
update_bad(const char *text, const char *msg)
{
	struct cgroup_limits l = { .pids_limit = 100 };
	struct lite_err err = { 0 };

	assert_int_equal(update(&l, text, 2, &err), -EINVAL);
	if (!err.msg || strcmp(err.msg, msg) != 0)
		fail_msg("%s:\n got  '%s'\n want '%s'", text, err.msg, msg);
	lite_err_clear(&err);
}

static void
test_run_good(void **state)
{
	struct run_spec rs;

	run_ok("{\"image\":\"busybox\",\"cmd\":[\"sh\",\"-c\",\"x\"],\"entrypoint\":[],\"env\":[\"A=1\",\"B=\"],"
	       "\"name\":\"web_1\",\"hostname\":\"h.x\",\"user\":\"1:2\",\"workdir\":\"/srv\",\"tty\":true,"
	       "\"stdin\":true,\"rm\":true,\"init\":true,\"attach\":true,\"pass_fd\":true,\"rows\":30,\"cols\":100,"
	       "\"stop_signal\":\"KILL\",\"stop_timeout\":5,\"shm_size\":\"1m\",\"read_only\":true,\"oom_score_adj\":-5,"
	       "\"labels\":[\"a=b=c\"],\"volumes\":[\"/h:/c:ro\",\"named:/n\",\"/anon\"],\"mounts\":[\"type=tmpfs,target=/t\"],"
	       "\"tmpfs\":[\"/run:size=1m\"],\"volumes_from\":[\"other\"],\"ulimits\":[\"nofile=10:20\"],"
	       "\"device_read_bps\":[\"/dev/sda:1mb\"],\"direct_start\":true}", &rs);
	assert_string_equal(rs.image, "busybox");
	assert_string_equal(rs.cmd[2], "x");
	assert_true(rs.entrypoint_set);
	assert_null(rs.entrypoint[0]);
	assert_string_equal(rs.env[1], "B=");
	assert_string_equal(rs.name, "web_1");
	assert_string_equal(rs.hostname, "h.x");
	assert_string_equal(rs.user, "1:2");
	assert_string_equal(rs.workdir, "/srv");
	assert_true(rs.tty && rs.open_stdin && rs.auto_remove && rs.init && rs.attach && rs.pass_fd && rs.read_only);
	assert_true(rs.direct_start);
	assert_int_equal(rs.rows, 30);
	assert_int_equal(rs.cols, 100);
	assert_int_equal(rs.stop_signal, 9);
	assert_int_equal(rs.stop_timeout, 5);
	assert_int_equal(rs.shm_size, 1 << 20);
	assert_true(rs.oom_score_set);
	assert_int_equal(rs.oom_score_adj, -5);
	assert_string_equal(rs.labels[0], "a=b=c");
	assert_int_equal(rs.n_mounts, 5);
	assert_int_equal(rs.mounts[0].kind, MOUNT_BIND);
	assert_true(rs.mounts[0].readonly);
	assert_int_equal(rs.mounts[1].kind, MOUNT_VOLUME);
	assert_string_equal(rs.mounts[1].source, "named");
	assert_string_equal(rs.mounts[2].source, "");
	assert_int_equal(rs.mounts[3].kind, MOUNT_TMPFS);
	assert_string_equal(rs.mounts[4].target, "/run");
	assert_string_equal(rs.volumes_from[0], "other");
	assert_int_equal(rs.n_ulimits, 1);
	assert_int_equal(rs.ulimits[0].resource, RLIMIT_NOFILE);
	assert_int_equal(rs.ulimits[0].hard, 20);
	assert_int_equal(rs.n_device_read_bps, 1);
	assert_string_equal(rs.device_read_bps[0].device, "/dev/sda");
	assert_int_equal(rs.device_read_bps[0].bps, 1 << 20);
	run_spec_free(&rs);
}

/* Absent params: nothing set, the defaults. */
static void
test_run_defaults(void **state)
{
	struct run_spec rs;

	run_ok("{\"image\":\"busybox\"}", &rs);
	assert_null(rs.cmd);
	assert_false(rs.entrypoint_set);
	assert_null(rs.env);
	assert_null(rs.name);
	assert_null(rs.hostname);
	assert_null(rs.user);
	assert_null(rs.workdir);
	assert_int_equal(rs.stop_signal, 0);
	assert_int_equal(rs.stop_timeout, -1);
	assert_int_equal(rs.shm_size, 0);
	assert_false(rs.oom_score_set);
	assert_null(rs.labels);
	assert_int_equal(rs.n_mounts, 0);
	assert_int_equal(rs.n_ulimits, 0);
	assert_int_equal(rs.limits.memory_bytes, 0);
	assert_int_equal(rs.limits.pids_limit, CGROUP_LIMITS_DEFAULT_PIDS);
	assert_null(rs.net.mode);
	assert_false(rs.net.ip_set);
	assert_int_equal(rs.net.n_ports, 0);
	assert_null(rs.health.cmd);
	assert_int_equal(rs.health.interval_ns, -1);
	assert_int_equal(rs.health.timeout_ns, -1);
	assert_int_equal(rs.health.start_period_ns, -1);
	assert_int_equal(rs.health.retries, 0);
	assert_false(rs.health.disable);
	run_spec_free(&rs);
}

static void
test_run_bad(void **state)
{
	run_bad("{\"image\":\"i\",\"env\":[\"A=1\",\"=x\"]}", "invalid -e \"=x\": expected KEY=VALUE");
	run_bad("{\"image\":\"i\",\"name\":\"bad/name\"}",
		"invalid --name \"bad/name\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
	run_bad("{\"image\":\"i\",\"hostname\":\"-h\"}", "invalid --hostname \"-h\"");
	run_bad("{\"image\":\"i\",\"hostname\":\"a_b\"}", "invalid --hostname \"a_b\"");
	run_bad("{\"image\":\"i\",\"rows\":-1}", "invalid terminal size -1x0");
	run_bad("{\"image\":\"i\",\"rows\":1,\"cols\":65536}", "invalid terminal size 1x65536");
	run_bad("{\"image\":\"i\",\"user\":\"a\\nb\"}", "invalid --user \"a\nb\"");
	run_bad("{\"image\":\"i\",\"workdir\":\"rel\"}", "invalid --workdir \"rel\": must be an absolute path");
	run_bad("{\"image\":\"i\",\"stop_signal\":\"NOPE\"}", "invalid --stop-signal");
	run_bad("{\"image\":\"i\",\"stop_signal\":99}", "invalid --stop-signal");
	run_bad("{\"image\":\"i\",\"stop_timeout\":3601}", "invalid --stop-timeout 3601: expected 0 to 3600 seconds");
	run_bad("{\"image\":\"i\",\"stop_timeout\":-2}", "invalid --stop-timeout -2: expected 0 to 3600 seconds");
	run_bad("{\"image\":\"i\",\"shm_size\":0}", "invalid --shm-size: expected a size like 64m");
	run_bad("{\"image\":\"i\",\"shm_size\":\"zz\"}", "invalid --shm-size: expected a size like 64m");
	run_bad("{\"image\":\"i\",\"oom_score_adj\":2000}", "invalid --oom-score-adj 2000: expected -1000 to 1000");
	run_bad("{\"image\":\"i\",\"labels\":[\"novalue\"]}", "invalid --label \"novalue\": expected KEY=VALUE");
	run_bad("{\"image\":\"i\",\"labels\":[\"=v\"]}", "invalid --label \"=v\": expected KEY=VALUE");
	run_bad("{\"image\":\"i\",\"device_read_bps\":[\"/dev/sda\"]}",
		"invalid --device-read-bps \"/dev/sda\": expected DEVICE:RATE like /dev/sda:1mb");
	run_bad("{\"image\":\"i\",\"device_read_bps\":[\"/dev/sda:fast\"]}",
		"invalid --device-read-bps \"/dev/sda:fast\": expected DEVICE:RATE like /dev/sda:1mb");
}

/* --device as Docker parses it (device-spec.c). */
static void
test_devices(void **state)
{
	struct run_spec rs;

	(void)state;
	run_ok("{\"image\":\"i\",\"devices\":[\"/dev/fuse\",\"/dev/sdb:/dev/xvdb\",\"/dev/sdc:r\","
	       "\"/dev/sdd:/dev/d:mw\"]}", &rs);
	assert_int_equal(rs.n_devices, 4);
	assert_string_equal(rs.devices[0].host, "/dev/fuse");
	assert_string_equal(rs.devices[0].path, "/dev/fuse");
	assert_int_equal(rs.devices[0].access, CGROUP_DEV_RWM);
	assert_string_equal(rs.devices[1].host, "/dev/sdb");
	assert_string_equal(rs.devices[1].path, "/dev/xvdb");
	assert_int_equal(rs.devices[1].access, CGROUP_DEV_RWM);
	assert_string_equal(rs.devices[2].path, "/dev/sdc"); /* a second field that reads as permissions is one */
	assert_int_equal(rs.devices[2].access, CGROUP_DEV_READ);
	assert_string_equal(rs.devices[3].path, "/dev/d");
	assert_int_equal(rs.devices[3].access, CGROUP_DEV_MKNOD | CGROUP_DEV_WRITE);
	run_spec_free(&rs);
	run_ok("{\"image\":\"i\"}", &rs);
	assert_int_equal(rs.n_devices, 0);
	run_spec_free(&rs);
	run_bad("{\"image\":\"i\",\"devices\":[\"dev/fuse\"]}",
		"invalid --device \"dev/fuse\": expected HOST[:CONTAINER][:PERMS] with absolute paths");
	run_bad("{\"image\":\"i\",\"devices\":[\"/dev/fuse:fuse\"]}",
		"invalid --device \"/dev/fuse:fuse\": expected HOST[:CONTAINER][:PERMS] with absolute paths");
	run_bad("{\"image\":\"i\",\"devices\":[\"/dev/fuse:/dev/f:rwx\"]}",
		"invalid --device \"/dev/fuse:/dev/f:rwx\": bad permissions \"rwx\" (a subset of rwm)");
	run_bad("{\"image\":\"i\",\"devices\":[\"/dev/fuse:/dev/f:rr\"]}",
		"invalid --device \"/dev/fuse:/dev/f:rr\": bad permissions \"rr\" (a subset of rwm)");
	run_bad("{\"image\":\"i\",\"devices\":[\"/dev/fuse:/dev/f:\"]}",
		"invalid --device \"/dev/fuse:/dev/f:\": bad permissions \"\" (a subset of rwm)");
	run_bad("{\"image\":\"i\",\"devices\":[\"/a:/b:r:w\"]}",
		"invalid --device \"/a:/b:r:w\": expected HOST[:CONTAINER][:PERMS] with absolute paths");
	run_bad("{\"image\":\"i\",\"devices\":[\":/dev/f\"]}",
		"invalid --device \":/dev/f\": expected HOST[:CONTAINER][:PERMS] with absolute paths");
	run_bad("{\"image\":\"i\",\"devices\":[\"/dev/fuse:\"]}",
		"invalid --device \"/dev/fuse:\": expected HOST[:CONTAINER][:PERMS] with absolute paths");
}

/* Mount and ulimit syntax: the messages of mount-spec.c and ulimit.c. */
static void
test_run_mounts_ulimits(void **state)
{
	run_bad("{\"image\":\"i\",\"volumes\":[\"/h:rel\"]}",
		"invalid --volume \"/h:rel\": the target must be an absolute path other than /");
	run_bad("{\"image\":\"i\",\"volumes\":[\"/h:/c:rx\"]}", "invalid --volume \"/h:/c:rx\": the only options are ro and rw");
	run_bad("{\"image\":\"i\",\"mounts\":[\"target=/x\"]}",
		"invalid --mount \"target=/x\": type=bind|volume|tmpfs is required");
	run_bad("{\"image\":\"i\",\"tmpfs\":[\"rel\"]}", "invalid --tmpfs \"rel\": expected an absolute path other than /");
	run_bad("{\"image\":\"i\",\"ulimits\":[\"bogus=1\"]}",
		"invalid --ulimit \"bogus=1\": expected NAME=SOFT[:HARD], e.g. nofile=1024:2048");
	run_bad("{\"image\":\"i\",\"ulimits\":[\"nofile=5:2\"]}",
		"invalid --ulimit \"nofile=5:2\": the soft limit is above the hard limit");
}

static void
test_limits_good(void **state)
{
	struct run_spec rs;

	run_ok("{\"image\":\"i\",\"memory\":\"100m\",\"memory_swap\":-1,\"cpus\":\"0.5\",\"cpu_shares\":512,"
	       "\"pids_limit\":-1,\"cpuset_cpus\":\"0-1,3\",\"cpuset_mems\":\"0\",\"memory_reservation\":\"50m\","
	       "\"blkio_weight\":300}", &rs);
	assert_int_equal(rs.limits.memory_bytes, 100 << 20);
	assert_int_equal(rs.limits.memory_swap_bytes, -1);
	assert_int_equal(rs.limits.millicpus, 500);
	assert_int_equal(rs.limits.cpu_shares, 512);
	assert_int_equal(rs.limits.pids_limit, -1);
	assert_string_equal(rs.limits.cpuset_cpus, "0-1,3");
	assert_string_equal(rs.limits.cpuset_mems, "0");
	assert_int_equal(rs.limits.memory_reservation, 50 << 20);
	assert_int_equal(rs.limits.blkio_weight, 300);
	assert_int_equal(cgroup_limits_check(&rs.limits, 1, NULL), 0);
	run_spec_free(&rs);
	/* 0 is "not set" for memory, cpu shares and the blkio weight */
	run_ok("{\"image\":\"i\",\"memory\":0,\"cpu_shares\":0,\"blkio_weight\":0,\"cpus\":1.5}", &rs);
	assert_int_equal(rs.limits.memory_bytes, 0);
	assert_int_equal(rs.limits.cpu_shares, 0);
	assert_int_equal(rs.limits.millicpus, 1500);
	run_spec_free(&rs);
}

/* One message per rule, whichever request carries it. */
static void
test_limits_bad(void **state)
{
	static const char *const memory_min = "invalid --memory: minimum memory limit allowed is 6MB";

	run_bad("{\"image\":\"i\",\"memory\":\"12q\"}", "invalid --memory \"12q\": expected a size like 512m");
	update_bad("{\"id\":\"c\",\"memory\":-5}", "invalid --memory \"-5\": expected a size like 512m");
	run_bad("{\"image\":\"i\",\"memory\":\"1k\"}", memory_min);
	update_bad("{\"id\":\"c\",\"memory\":\"1m\"}", memory_min);
	update_bad("{\"id\":\"c\",\"memory_swap\":-2}", "invalid --memory-swap: expected a size or -1");
	run_bad("{\"image\":\"i\",\"cpus\":\"x\"}", "invalid --cpus: expected a number like 0.5");
	update_bad("{\"id\":\"c\",\"cpus\":0}", "invalid --cpus: expected a number like 0.5");
	run_bad("{\"image\":\"i\",\"cpu_shares\":1}", "invalid --cpu-shares: expected 2 to 262144");
	update_bad("{\"id\":\"c\",\"cpu_shares\":262145}", "invalid --cpu-shares: expected 2 to 262144");
	update_bad("{\"id\":\"c\",\"cpu_shares\":-3}", "invalid --cpu-shares: expected 2 to 262144");
	run_bad("{\"image\":\"i\",\"pids_limit\":0}", "invalid --pids-limit: expected a positive number or -1");
	update_bad("{\"id\":\"c\",\"pids_limit\":-2}", "invalid --pids-limit: expected a positive number or -1");
	run_bad("{\"image\":\"i\",\"cpuset_cpus\":\"a-b\"}", "invalid --cpuset-cpus \"a-b\": expected a list like 0-1,3");
	run_bad("{\"image\":\"i\",\"cpuset_mems\":\"x\"}", "invalid --cpuset-mems \"x\": expected a list like 0");
	run_bad("{\"image\":\"i\",\"memory_reservation\":\"zz\"}",
		"invalid --memory-reservation: expected a size like 256m");
	run_bad("{\"image\":\"i\",\"blkio_weight\":5}", "invalid --blkio-weight 5: expected 10 to 1000");
	run_bad("{\"image\":\"i\",\"blkio_weight\":1001}", "invalid --blkio-weight 1001: expected 10 to 1000");
}

/* The rules between fields and against the host's CPUs. */
static void
test_limits_check(void **state)
{
	static const char *const cpus = "invalid --cpus: range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available";

	update_bad("{\"id\":\"c\",\"cpus\":3}", cpus);
	update_bad("{\"id\":\"c\",\"cpus\":\"0.001\"}", cpus);
	update_bad("{\"id\":\"c\",\"memory\":\"100m\",\"memory_swap\":1048576}", "invalid --memory-swap: must be at least --memory");
	update_bad("{\"id\":\"c\",\"memory_swap\":-1}", "invalid --memory-swap: requires --memory");
	assert_int_equal(cgroup_limits_check_memory(0, NULL), 0);
	assert_int_equal(cgroup_limits_check_memory(CGROUP_LIMITS_MIN_MEMORY, NULL), 0);
	assert_int_equal(cgroup_limits_check_memory(CGROUP_LIMITS_MIN_MEMORY - 1, NULL), -EINVAL);
}

/* update: given fields over the current ones, the rest kept. */
static void
test_limits_merge(void **state)
{
	struct cgroup_limits l = { .memory_bytes = 100 << 20, .memory_swap_bytes = 200 << 20, .millicpus = 500,
				   .cpu_shares = 512, .pids_limit = 50 };
	struct lite_err err = { 0 };

	assert_int_equal(update(&l, "{\"id\":\"c\",\"pids_limit\":99}", 2, &err), 0);
	assert_int_equal(l.pids_limit, 99);
	assert_int_equal(l.memory_bytes, 100 << 20);
	assert_int_equal(l.memory_swap_bytes, 200 << 20);
	assert_int_equal(l.millicpus, 500);
	assert_int_equal(l.cpu_shares, 512);
	assert_int_equal(update(&l, "{\"id\":\"c\",\"memory\":0,\"cpu_shares\":0}", 2, &err), 0);
	assert_int_equal(l.memory_bytes, 100 << 20);
	assert_int_equal(l.cpu_shares, 512);
	assert_int_equal(update(&l, "{\"id\":\"c\",\"memory\":\"150m\",\"cpu_shares\":0}", 2, &err), 0);
	assert_int_equal(l.memory_bytes, 150 << 20);
	assert_int_equal(l.cpu_shares, 512);
	/* the merged limits are checked: 300m over a 200m memory+swap */
	assert_int_equal(update(&l, "{\"id\":\"c\",\"memory\":\"300m\"}", 2, &err), -EINVAL);
	assert_string_equal(err.msg, "invalid --memory-swap: must be at least --memory");
	lite_err_clear(&err);
}

static void
test_net(void **state)
{
	struct run_spec rs;
	char buf[64];

	run_ok("{\"image\":\"i\",\"network\":\"mynet\",\"ip\":\"10.67.0.9\",\"publish\":[\"8080:80\",\"127.0.0.1::53/udp\"],"
	       "\"dns\":[\"1.1.1.1\"],\"add_host\":[\"db:10.0.0.2\",\"x=1.2.3.4\"],\"network_aliases\":[\"web\"]}", &rs);
	assert_string_equal(rs.net.mode, "mynet");
	assert_true(rs.net.ip_set);
	assert_int_equal(rs.net.ip, 0x0a430009);
	assert_int_equal(rs.net.n_ports, 2);
	net_port_format(&rs.net.ports[1], buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1:0->53/udp");
	assert_string_equal(rs.net.dns[0], "1.1.1.1");
	assert_string_equal(rs.net.add_host[1], "x=1.2.3.4");
	assert_string_equal(rs.net.aliases[0], "web");
	run_spec_free(&rs);
	run_bad("{\"image\":\"i\",\"ip\":\"1.2.3\"}", "invalid --ip \"1.2.3\": expected an IPv4 address");
	run_bad("{\"image\":\"i\",\"publish\":[\"80\",\"x\"]}", "invalid -p \"x\": bad container port \"x\"");
	run_bad("{\"image\":\"i\",\"dns\":[\"nope\"]}", "invalid --dns \"nope\": expected an IPv4 address");
	run_bad("{\"image\":\"i\",\"add_host\":[\"db\"]}", "invalid --add-host \"db\": expected HOST:IP");
	run_bad("{\"image\":\"i\",\"network_aliases\":[\"bad/x\"]}", "invalid --network-alias \"bad/x\"");
}

static void
test_net_too_many_ports(void **state)
{
	char text[2048] = "{\"image\":\"i\",\"publish\":[";

	for (int i = 0; i <= NET_OPTS_MAX_PORTS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s\"%d\"", i ? "," : "", 1000 + i);
	strcat(text, "]}");
	run_bad(text, "too many published ports (at most 64)");
}

static void
test_health(void **state)
{
	struct run_spec rs;

	run_ok("{\"image\":\"i\",\"health_cmd\":\"true\",\"health_interval\":\"1s\",\"health_timeout\":\"500ms\","
	       "\"health_start_period\":\"0\",\"health_retries\":7,\"no_healthcheck\":true}", &rs);
	assert_string_equal(rs.health.cmd, "true");
	assert_int_equal(rs.health.interval_ns, 1000000000LL);
	assert_int_equal(rs.health.timeout_ns, 500000000LL);
	assert_int_equal(rs.health.start_period_ns, 0);
	assert_int_equal(rs.health.retries, 7);
	assert_true(rs.health.disable);
	run_spec_free(&rs);
	run_bad("{\"image\":\"i\",\"health_cmd\":\"\"}", "invalid --health-cmd: must not be empty");
	run_bad("{\"image\":\"i\",\"health_retries\":0}", "invalid --health-retries 0: expected a positive integer");
	run_bad("{\"image\":\"i\",\"health_interval\":\"5x\"}",
		"invalid --health-interval \"5x\": expected a duration like 30s, 500ms or 1m30s (at least 1ms)");
	run_bad("{\"image\":\"i\",\"health_timeout\":\"0\"}",
		"invalid --health-timeout \"0\": expected a duration like 30s, 500ms or 1m30s (at least 1ms)");
	run_bad("{\"image\":\"i\",\"health_start_period\":\"x\"}",
		"invalid --health-start-period \"x\": expected a duration like 30s, 500ms or 1m30s");
}

static void
test_sec(void **state)
{
	struct lite_err err = { 0 };
	struct run_spec rs;

	run_ok("{\"image\":\"i\"}", &rs);
	assert_false(rs.sec.privileged);
	assert_true(rs.sec.no_new_privs);
	assert_int_equal(rs.sec.seccomp, SEC_SECCOMP_DEFAULT);
	assert_false(rs.pids_limit_set);
	assert_int_equal(sec_opts_check_caller(&rs.sec, 1000, &err), 0);
	run_spec_free(&rs);
	run_ok("{\"image\":\"i\",\"privileged\":true,\"cap_add\":[\"NET_ADMIN\",\"all\"],\"cap_drop\":[\"CAP_CHOWN\"],"
	       "\"security_opt\":[\"no-new-privileges=false\",\"seccomp=unconfined\"],\"pid\":\"host\",\"ipc\":\"host\","
	       "\"pids_limit\":10}", &rs);
	assert_true(rs.sec.privileged && rs.sec.pid_host && rs.sec.ipc_host && rs.pids_limit_set);
	assert_false(rs.sec.no_new_privs);
	assert_int_equal(rs.sec.seccomp, SEC_SECCOMP_UNCONFINED);
	assert_string_equal(rs.sec.cap_add[0], "NET_ADMIN");
	assert_string_equal(rs.sec.cap_drop[0], "CAP_CHOWN");
	assert_int_equal(sec_opts_check_caller(&rs.sec, 0, &err), 0);
	assert_int_equal(sec_opts_check_caller(&rs.sec, 1000, &err), -EPERM);
	assert_string_equal(err.msg, "--privileged is for root only");
	lite_err_clear(&err);
	run_spec_free(&rs);
	run_ok("{\"image\":\"i\",\"security_opt\":[\"no-new-privileges\"],\"seccomp_profile\":\"{\\\"defaultAction\\\":\\\"SCMP_ACT_ALLOW\\\"}\"}", &rs);
	assert_true(rs.sec.no_new_privs);
	assert_int_equal(rs.sec.seccomp, SEC_SECCOMP_CUSTOM);
	assert_string_equal(rs.sec.seccomp_profile, "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
	assert_int_equal(sec_opts_check_caller(&rs.sec, 1000, &err), 0);
	run_spec_free(&rs);
	run_ok("{\"image\":\"i\",\"cap_add\":[\"NET_ADMIN\"]}", &rs);
	assert_int_equal(sec_opts_check_caller(&rs.sec, 1000, &err), -EPERM);
	assert_string_equal(err.msg, "--cap-add is for root only");
	lite_err_clear(&err);
	run_spec_free(&rs);
	run_bad("{\"image\":\"i\",\"cap_add\":[\"BOGUS\"]}", "invalid --cap-add \"BOGUS\": unknown capability");
	run_bad("{\"image\":\"i\",\"cap_drop\":[\"X\"]}", "invalid --cap-drop \"X\": unknown capability");
	run_bad("{\"image\":\"i\",\"security_opt\":[\"apparmor=x\"]}", "unsupported --security-opt \"apparmor=x\": expected no-new-privileges[=BOOL] or seccomp=PROFILE|unconfined");
	run_bad("{\"image\":\"i\",\"security_opt\":[\"no-new-privileges=maybe\"]}",
		"invalid --security-opt \"no-new-privileges=maybe\": expected no-new-privileges[=true|false]");
	run_bad("{\"image\":\"i\",\"security_opt\":[\"seccomp=/etc/x.json\"]}", "invalid --security-opt \"seccomp=/etc/x.json\": a profile travels as seccomp_profile (its text)");
	run_bad("{\"image\":\"i\",\"seccomp_profile\":\"[1]\"}", "invalid seccomp profile: not a JSON object (or larger than 1 MiB)");
	run_bad("{\"image\":\"i\",\"pid\":\"container:x\"}", "invalid --pid \"container:x\": only \"host\" is supported");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_good),
		cmocka_unit_test(test_run_defaults),
		cmocka_unit_test(test_run_bad),
		cmocka_unit_test(test_sec),
		cmocka_unit_test(test_run_mounts_ulimits),
		cmocka_unit_test(test_limits_good),
		cmocka_unit_test(test_limits_bad),
		cmocka_unit_test(test_limits_check),
		cmocka_unit_test(test_limits_merge),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_net_too_many_ports),
		cmocka_unit_test(test_health),
		cmocka_unit_test(test_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
