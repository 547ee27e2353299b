/* lite run: turn flags into a run request (sizes and CPU counts are
 * checked here too, so a typo fails before anything is sent), then either
 * print the id (-d) or stream the container's stdio and exit with its code. */
#include "client.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup-limits.h"
#include "parse.h"
#include "valid.h"

static const char run_usage[] =
	"Usage: lite run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
	"Create and start a container.\n\n"
	"Options:\n"
	"  -d, --detach            run in the background and print the container id\n"
	"  -i, --interactive       keep stdin open and send it to the container\n"
	"  -t, --tty               allocate a terminal (with -i: an interactive shell)\n"
	"      --detach-keys KEYS  keys that detach (default ctrl-p,ctrl-q; \"\" disables)\n"
	"      --sig-proxy BOOL    forward signals to the container without -t (default true)\n"
	"      --init              run lite's init as PID 1: forwards signals, reaps zombies\n"
	"  -u, --user USER[:GROUP] run as this user (name or id from the image)\n"
	"  -w, --workdir DIR       working directory inside the container\n"
	"      --stop-signal SIG   signal that lite stop sends first (default SIGTERM)\n"
	"      --stop-timeout SECS seconds lite stop waits before SIGKILL (default 10)\n"
	"      --rm                remove the container when it exits\n"
	"      --restart POLICY    no, on-failure[:N], always or unless-stopped\n"
	"      --name NAME         assign a name\n"
	"  -e, --env KEY=VALUE     set an environment variable (repeatable)\n"
	"  -m, --memory SIZE       memory limit (e.g. 100m, 1g)\n"
	"      --memory-swap SIZE  memory plus swap limit (-1: unlimited)\n"
	"      --cpus N            CPU quota (e.g. 0.5)\n"
	"      --cpu-shares N      relative CPU weight (2-262144)\n"
	"      --pids-limit N      maximum number of processes (-1: unlimited)\n"
	"      --hostname NAME     container host name\n"
	"      --net, --network NET  bridge (default), none, host (root only), or a network's name\n"
	"      --ip IP             IPv4 address on a user-defined network\n"
	"  -p, --publish SPEC      publish a port: [IP:][HOST:]CTR[/tcp|udp] (repeatable); ports\n"
	"                          may be ranges: 8000-8010:80-90, or 8000-8010:80 (a free one of them)\n"
	"  -P, --publish-all       publish every exposed port on a free host port\n"
	"      --expose PORT       expose a port or a range: 80, 53/udp, 8000-8010 (repeatable)\n"
	"      --dns IP            nameserver for /etc/resolv.conf (repeatable)\n"
	"      --add-host NAME:IP  extra /etc/hosts entry (repeatable)\n"
	"      --network-alias NAME  another name peers on user networks know it by\n"
	"  -v, --volume SPEC       bind /host:/ctr[:ro], named volume name:/ctr, or anonymous /ctr\n"
	"      --mount SPEC        type=bind|volume|tmpfs,source=...,target=...[,readonly]\n"
	"      --tmpfs DIR[:OPTS]  a tmpfs, e.g. /run:size=64m\n"
	"      --volumes-from CTR  the volumes and binds of another container\n"
	"  -l, --label KEY=VALUE   a label (repeatable)\n"
	"      --env-file FILE     environment from a file of KEY=VALUE lines\n"
	"      --entrypoint CMD    override the image's entrypoint (\"\" clears it)\n"
	"      --ulimit NAME=S[:H] a resource limit, e.g. nofile=1024:2048\n"
	"      --shm-size SIZE     size of /dev/shm (default 64m)\n"
	"      --read-only         mount the root file system read-only\n"
	"      --userns MODE       auto: a user namespace (always so for non-root users);\n"
	"                          host: none (root only)\n"
	"      --oom-score-adj N   OOM killer preference, -1000 to 1000\n"
	"      --log-driver NAME   local (default; json-file is the same) or none (no log kept)\n"
	"      --log-opt K=V       max-size=10m (bytes per log file), max-file=3 (files kept),\n"
	"                          labels=K,K / env=K,K (shown by logs --details)\n"
	"      --cpuset-cpus LIST  CPUs allowed, e.g. 0-1\n"
	"      --cpuset-mems LIST  memory nodes allowed\n"
	"      --memory-reservation SIZE  soft memory limit\n"
	"      --blkio-weight N    block I/O weight, 10 to 1000 (needs a CFQ/BFQ disk scheduler)\n"
	"      --device-read-bps DEV:RATE  read rate limit, e.g. /dev/sda:1mb\n"
	"      --device HOST[:CTR][:rwm]  a host device node in the container (root only)\n"
	"      --health-cmd CMD    health check run with sh -c inside the container\n"
	"      --health-interval D, --health-timeout D, --health-start-period D\n"
	"                          durations like 500ms, 30s, 1m30s (defaults 30s, 30s, 0s)\n"
	"      --health-retries N  failures in a row that make it unhealthy (default 3)\n"
	"      --no-healthcheck    disable the image's health check\n"
	"      --pull POLICY       pull the image first: missing (default), always, never\n"
	"      --privileged        every capability, no seccomp, no masked paths, /sys writable (root only)\n"
	"      --cap-add CAP       add a capability (NET_ADMIN, CAP_SYS_TIME, ALL; root only)\n"
	"      --cap-drop CAP      drop a capability (or ALL)\n"
	"      --security-opt OPT  seccomp=PROFILE.json (Docker's format), seccomp=unconfined (root only),\n"
	"                          no-new-privileges=false (root only; on by default)\n"
	"      --pid host, --ipc host  share the host's PID / IPC namespace (root only)\n"
	"  -h, --help              this help\n";

/* run's help, or create's (the same options; issue 12 bug 12). */
static void __attribute__((noreturn))
usage_exit(const char *verb, FILE *f, int code)
{
	if (strcmp(verb, "create") == 0)
		fprintf(f, "Usage: lite create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
			   "Create a container without starting it ('lite start' runs it).\n\n%s",
			strstr(run_usage, "Options:"));
	else
		fputs(run_usage, f);
	exit(code);
}

static int
bad_flag(const char *flag, const char *value, const char *expect)
{
	client_errorf("invalid %s \"%s\": %s", flag, value, expect);
	return EXIT_ENGINE;
}

int
cmd_run_parse_memory(const char *arg, uint64_t *ret)
{
	struct lite_err err = { 0 };

	if (parse_size(arg, ret) < 0)
		return bad_flag("--memory", arg, "expected a size like 512m"), -1;
	if (cgroup_limits_check_memory(*ret, &err) < 0) {
		client_errorf("%s", err.msg); /* the daemon's words for the same rule */
		lite_err_clear(&err);
		return -1;
	}
	return 0;
}

/* --env-file: KEY=VALUE lines; "KEY" alone takes our own value; # comments. */
static int
read_env_file(const char *path, json_t *env)
{
	FILE *f = fopen(path, "re");
	char line[8192];
	int lineno = 0;

	if (!f) {
		client_errorf("invalid --env-file \"%s\": %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *end;

		lineno++;
		s[strcspn(s, "\r\n")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		for (end = s + strlen(s); end > s && (end[-1] == ' ' || end[-1] == '\t'); end--)
			*(end - 1) = '\0';
		if (!*s || *s == '#')
			continue;
		if (*s == '=' || (strchr(s, ' ') && strchr(s, ' ') < (strchr(s, '=') ?: s + strlen(s)))) {
			client_errorf("invalid --env-file \"%s\": line %d: expected KEY=VALUE", path, lineno);
			fclose(f);
			return -1;
		}
		if (strchr(s, '=')) {
			json_array_append_new(env, json_string(s));
		} else if (getenv(s)) {
			char kv[8192];
			snprintf(kv, sizeof(kv), "%s=%s", s, getenv(s));
			json_array_append_new(env, json_string(kv));
		}
	}
	fclose(f);
	return 0;
}

/* Where --mount's source=/src= value starts, or -1. */
static int
mount_source_at(const char *arg)
{
	for (const char *p = arg; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (strncmp(p, "source=", 7) == 0)
			return (int)(p - arg) + 7;
		if (strncmp(p, "src=", 4) == 0)
			return (int)(p - arg) + 4;
	}
	return -1;
}

/* A host path in -v SRC:DST or --mount source=SRC goes as its real path:
 * the engine refuses a symlink anywhere in a non-root caller's bind source
 * (issue 11 A2), so resolve it here, as the user. A path that does not
 * resolve goes as typed, for the engine's error. */
static void
append_real_path(json_t *params, const char *key, const char *arg, int at)
{
	size_t len = at < 0 ? 0 : strcspn(arg + at, at == 0 ? ":" : ",");
	char *src, *real, *out;

	if (at < 0 || arg[at] != '/' || !(src = strndup(arg + at, len))) {
		client_append(params, key, arg);
		return;
	}
	real = realpath(src, NULL);
	if (real && asprintf(&out, "%.*s%s%s", at, arg, real, arg + at + len) >= 0) {
		client_append(params, key, out);
		free(out);
	} else {
		client_append(params, key, arg);
	}
	free(real);
	free(src);
}

/* Parse flags into params; returns 0, or an exit code after an error. */
static int
parse_flags(int argc, char **argv, json_t *params, bool *detach, struct stream_opts *so)
{
	enum { OPT_RM = 256, OPT_NAME, OPT_SWAP, OPT_CPUS, OPT_SHARES, OPT_PIDS, OPT_HOST, OPT_DETACH_KEYS,
	       OPT_SIG_PROXY, OPT_INIT, OPT_STOP_SIGNAL, OPT_MOUNT, OPT_TMPFS, OPT_VOLUMES_FROM, OPT_ENV_FILE,
	       OPT_ENTRYPOINT, OPT_ULIMIT, OPT_SHM, OPT_READ_ONLY, OPT_OOM, OPT_CPUSET_CPUS, OPT_CPUSET_MEMS,
	       OPT_MEM_RES, OPT_BLKIO_WEIGHT, OPT_DEVICE_READ_BPS,
	       OPT_HEALTH_CMD, OPT_HEALTH_INTERVAL, OPT_HEALTH_TIMEOUT, OPT_HEALTH_RETRIES, OPT_HEALTH_START, OPT_NO_HEALTH,
	       OPT_STOP_TIMEOUT, OPT_DEVICE, OPT_USERNS, OPT_PULL };
	static const struct option opts[] = {
		{ "detach", no_argument, NULL, 'd' }, { "interactive", no_argument, NULL, 'i' },
		{ "rm", no_argument, NULL, OPT_RM }, { "name", required_argument, NULL, OPT_NAME },
		{ "env", required_argument, NULL, 'e' }, { "memory", required_argument, NULL, 'm' },
		{ "memory-swap", required_argument, NULL, OPT_SWAP }, { "cpus", required_argument, NULL, OPT_CPUS },
		{ "cpu-shares", required_argument, NULL, OPT_SHARES },
		{ "pids-limit", required_argument, NULL, OPT_PIDS }, { "hostname", required_argument, NULL, OPT_HOST },
		{ "net", required_argument, NULL, RUN_OPT_NET }, { "network", required_argument, NULL, RUN_OPT_NET },
		{ "ip", required_argument, NULL, RUN_OPT_IP }, { "publish", required_argument, NULL, 'p' },
		{ "dns", required_argument, NULL, RUN_OPT_DNS }, { "add-host", required_argument, NULL, RUN_OPT_ADD_HOST },
		{ "network-alias", required_argument, NULL, RUN_OPT_NET_ALIAS },
		{ "net-alias", required_argument, NULL, RUN_OPT_NET_ALIAS },
		{ "expose", required_argument, NULL, RUN_OPT_EXPOSE }, { "publish-all", no_argument, NULL, 'P' },
		{ "tty", no_argument, NULL, 't' }, { "detach-keys", required_argument, NULL, OPT_DETACH_KEYS },
		{ "sig-proxy", required_argument, NULL, OPT_SIG_PROXY }, { "init", no_argument, NULL, OPT_INIT },
		{ "user", required_argument, NULL, 'u' }, { "workdir", required_argument, NULL, 'w' },
		{ "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },
		{ "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
		{ "volume", required_argument, NULL, 'v' }, { "mount", required_argument, NULL, OPT_MOUNT },
		{ "tmpfs", required_argument, NULL, OPT_TMPFS }, { "volumes-from", required_argument, NULL, OPT_VOLUMES_FROM },
		{ "label", required_argument, NULL, 'l' }, { "env-file", required_argument, NULL, OPT_ENV_FILE },
		{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT }, { "ulimit", required_argument, NULL, OPT_ULIMIT },
		{ "shm-size", required_argument, NULL, OPT_SHM }, { "read-only", no_argument, NULL, OPT_READ_ONLY },
		{ "oom-score-adj", required_argument, NULL, OPT_OOM },
		{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
		{ "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
		{ "memory-reservation", required_argument, NULL, OPT_MEM_RES },
		{ "blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT },
		{ "device-read-bps", required_argument, NULL, OPT_DEVICE_READ_BPS },
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "health-cmd", required_argument, NULL, OPT_HEALTH_CMD },
		{ "health-interval", required_argument, NULL, OPT_HEALTH_INTERVAL },
		{ "health-timeout", required_argument, NULL, OPT_HEALTH_TIMEOUT },
		{ "health-retries", required_argument, NULL, OPT_HEALTH_RETRIES },
		{ "health-start-period", required_argument, NULL, OPT_HEALTH_START },
		{ "no-healthcheck", no_argument, NULL, OPT_NO_HEALTH },
		{ "userns", required_argument, NULL, OPT_USERNS },
		{ "restart", required_argument, NULL, RUN_OPT_RESTART },
		{ "privileged", no_argument, NULL, RUN_OPT_PRIVILEGED }, { "cap-add", required_argument, NULL, RUN_OPT_CAP_ADD },
		{ "cap-drop", required_argument, NULL, RUN_OPT_CAP_DROP },
		{ "security-opt", required_argument, NULL, RUN_OPT_SECURITY_OPT },
		{ "pid", required_argument, NULL, RUN_OPT_PID }, { "ipc", required_argument, NULL, RUN_OPT_IPC },
		{ "pull", required_argument, NULL, OPT_PULL },
		{ "log-driver", required_argument, NULL, RUN_OPT_LOG_DRIVER },
		{ "log-opt", required_argument, NULL, RUN_OPT_LOG_OPT },
		{ "help", no_argument, NULL, 'h' }, { 0 },
	};
	unsigned char keys[16];
	size_t nkeys;
	json_t *env = json_array();
	int sig;
	uint64_t u;
	long long n;
	int c;

	json_object_set_new(params, "env", env);
	while ((c = client_opt_get(&argc, argv, "+dite:m:u:w:v:l:p:hP", opts, NULL)) != -1) {
		switch (c) {
		case 'd': *detach = true; break;
		case 't': json_object_set_new(params, "tty", json_true()); break;
		case OPT_DETACH_KEYS:
			if (parse_detach_keys(optarg, keys, sizeof(keys), &nkeys) < 0)
				return bad_flag("--detach-keys", optarg, "expected keys like ctrl-p,ctrl-q");
			so->detach_keys = optarg;
			break;
		case OPT_SIG_PROXY:
			if (client_opt_parse_bool(optarg, &so->sig_proxy) < 0)
				return bad_flag("--sig-proxy", optarg, "expected true or false");
			break;
		case OPT_INIT: json_object_set_new(params, "init", json_true()); break;
		case 'u': json_object_set_new(params, "user", json_string(optarg)); break;
		case 'w':
			if (optarg[0] != '/')
				return bad_flag("--workdir", optarg, "must be an absolute path");
			json_object_set_new(params, "workdir", json_string(optarg));
			break;
		case OPT_STOP_SIGNAL:
			if (parse_signal(optarg, &sig) < 0)
				return bad_flag("--stop-signal", optarg, "expected a signal name or number");
			json_object_set_new(params, "stop_signal", json_integer(sig));
			break;
		case 'i': json_object_set_new(params, "stdin", json_true()); break;
		case OPT_RM: json_object_set_new(params, "rm", json_true()); break;
		case OPT_NAME:
			if (!valid_name(optarg))
				return bad_flag("--name", optarg, "only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
			json_object_set_new(params, "name", json_string(optarg));
			break;
		case 'e':
			if (!valid_env(optarg)) {
				const char *v = getenv(optarg); /* "-e KEY" copies the client's value, like docker */
				if (!*optarg || strchr(optarg, '='))
					return bad_flag("--env", optarg, "expected KEY=VALUE");
				if (v) {
					char *kv;
					if (asprintf(&kv, "%s=%s", optarg, v) < 0)
						return EXIT_ENGINE;
					json_array_append_new(env, json_string(kv));
					free(kv);
				}
				break;
			}
			json_array_append_new(env, json_string(optarg));
			break;
		case 'm':
			if (cmd_run_parse_memory(optarg, &u) < 0)
				return EXIT_ENGINE;
			json_object_set_new(params, "memory", json_integer((json_int_t)u));
			break;
		case OPT_SWAP:
			if (strcmp(optarg, "-1") == 0)
				u = (uint64_t)-1;
			else if (parse_size(optarg, &u) < 0)
				return bad_flag("--memory-swap", optarg, "expected a size like 1g, or -1");
			json_object_set_new(params, "memory_swap", json_integer((json_int_t)u));
			break;
		case OPT_CPUS:
			if (parse_cpus(optarg, &u) < 0)
				return bad_flag("--cpus", optarg, "expected a number like 0.5");
			json_object_set_new(params, "cpus", json_string(optarg));
			break;
		case OPT_SHARES:
			if (parse_int_range(optarg, 2, 262144, &n) < 0)
				return bad_flag("--cpu-shares", optarg, "expected 2 to 262144");
			json_object_set_new(params, "cpu_shares", json_integer(n));
			break;
		case OPT_PIDS:
			if (parse_int_range(optarg, -1, 1LL << 31, &n) < 0 || n == 0)
				return bad_flag("--pids-limit", optarg, "expected a positive number or -1");
			json_object_set_new(params, "pids_limit", json_integer(n));
			break;
		case OPT_HOST: json_object_set_new(params, "hostname", json_string(optarg)); break;
		case 'p': case RUN_OPT_NET: case RUN_OPT_IP: case RUN_OPT_DNS: case RUN_OPT_ADD_HOST: case RUN_OPT_NET_ALIAS:
		case RUN_OPT_EXPOSE: case 'P':
			if ((n = cmd_run_net_flag(c, optarg, params)))
				return (int)n;
			break;
		case RUN_OPT_PRIVILEGED: case RUN_OPT_CAP_ADD: case RUN_OPT_CAP_DROP: case RUN_OPT_SECURITY_OPT:
		case RUN_OPT_PID: case RUN_OPT_IPC:
			if ((n = cmd_run_sec_flag(c, optarg, params)))
				return (int)n;
			break;
		case RUN_OPT_LOG_DRIVER: case RUN_OPT_LOG_OPT:
			if ((n = cmd_run_log_flag(c, optarg, params)))
				return (int)n;
			break;
		case 'v': append_real_path(params, "volumes", optarg, 0); break;
		case OPT_MOUNT: append_real_path(params, "mounts", optarg, mount_source_at(optarg)); break;
		case OPT_TMPFS: client_append(params, "tmpfs", optarg); break;
		case OPT_VOLUMES_FROM: client_append(params, "volumes_from", optarg); break;
		case 'l': client_append(params, "labels", optarg); break;
		case OPT_ULIMIT: client_append(params, "ulimits", optarg); break;
		case OPT_ENV_FILE:
			if (read_env_file(optarg, env) < 0)
				return EXIT_ENGINE;
			break;
		case OPT_ENTRYPOINT:
			json_object_set_new(params, "entrypoint", *optarg ? json_pack("[s]", optarg) : json_array());
			break;
		case OPT_SHM:
			if (parse_size(optarg, &u) < 0 || u == 0)
				return bad_flag("--shm-size", optarg, "expected a size like 64m");
			json_object_set_new(params, "shm_size", json_integer((json_int_t)u));
			break;
		case OPT_READ_ONLY: json_object_set_new(params, "read_only", json_true()); break;
		case RUN_OPT_RESTART:
			if (run_restart_flag(optarg, params) < 0)
				return EXIT_ENGINE;
			break;
		case OPT_USERNS: json_object_set_new(params, "userns", json_string(optarg)); break;
		case OPT_STOP_TIMEOUT:
			if (parse_int_range(optarg, 0, 3600, &n) < 0)
				return bad_flag("--stop-timeout", optarg, "expected 0 to 3600 seconds");
			json_object_set_new(params, "stop_timeout", json_integer(n));
			break;
		case OPT_BLKIO_WEIGHT:
			if (parse_int_range(optarg, 10, 1000, &n) < 0)
				return bad_flag("--blkio-weight", optarg, "expected 10 to 1000");
			json_object_set_new(params, "blkio_weight", json_integer(n));
			break;
		case OPT_DEVICE_READ_BPS: client_append(params, "device_read_bps", optarg); break;
		case OPT_DEVICE: client_append(params, "devices", optarg); break;
		case OPT_HEALTH_CMD: case OPT_HEALTH_INTERVAL: case OPT_HEALTH_TIMEOUT: case OPT_HEALTH_RETRIES:
		case OPT_HEALTH_START: case OPT_NO_HEALTH:
			if (run_health_flag(params, c - OPT_HEALTH_CMD, optarg) < 0)
				return EXIT_ENGINE;
			break;
		case OPT_OOM:
			if (parse_int_range(optarg, -1000, 1000, &n) < 0)
				return bad_flag("--oom-score-adj", optarg, "expected -1000 to 1000");
			json_object_set_new(params, "oom_score_adj", json_integer(n));
			break;
		case OPT_CPUSET_CPUS: json_object_set_new(params, "cpuset_cpus", json_string(optarg)); break;
		case OPT_CPUSET_MEMS: json_object_set_new(params, "cpuset_mems", json_string(optarg)); break;
		case OPT_MEM_RES:
			if (parse_size(optarg, &u) < 0)
				return bad_flag("--memory-reservation", optarg, "expected a size like 256m");
			json_object_set_new(params, "memory_reservation", json_integer((json_int_t)u));
			break;
		case OPT_PULL: /* the client's own (run-pull.c); taken out before the request */
			if (strcmp(optarg, "missing") && strcmp(optarg, "always") && strcmp(optarg, "never"))
				return bad_flag("--pull", optarg, "use missing, always or never");
			json_object_set_new(params, "pull", json_string(optarg));
			break;
		case 'h': usage_exit(argv[0], stdout, 0);
		default: usage_exit(argv[0], stderr, EXIT_ENGINE);
		}
	}
	if (optind >= argc) {
		client_errorf("\"lite run\" requires at least 1 argument: IMAGE [COMMAND] [ARG...]");
		return EXIT_ENGINE;
	}
	return 0;
}

/* Open c and send METHOD (run, create) with --pull's policy (run-pull.c)
 * applied; takes params. With "missing", the default, the request itself
 * is the look-up: only one refused as "not_found" (nothing was created)
 * leads to the image check, a pull if the image is missing, and the
 * request once more. A present image so costs no image_inspect round
 * trip. 0, or the exit code with c closed. */
static int
call_pulling(struct conn *c, const char *method, json_t *params, json_t **result)
{
	json_t *pull = json_incref(json_object_get(params, "pull"));
	char *image = strdup(json_string_value(json_object_get(params, "image")) ?: "");
	bool missing = !pull || !strcmp(json_string_value(pull) ?: "", "missing");
	int r = 0;

	json_object_del(params, "pull");
	if (!missing)
		r = run_pull_ensure(image, json_string_value(pull));
	if (r == 0 && conn_open(c) < 0)
		r = EXIT_ENGINE;
	if (r == 0 && missing) {
		r = conn_send(c, method, json_incref(params)) < 0 ? -1 : conn_read_reply_unless(c, "not_found", result);
		if (r == -2) {
			conn_close(c);
			r = run_pull_ensure(image, "missing");
			if (r == 0 && conn_open(c) < 0)
				r = EXIT_ENGINE;
			if (r == 0)
				r = conn_call(c, method, json_incref(params), result);
		}
	} else if (r == 0) {
		r = conn_call(c, method, json_incref(params), result);
	}
	if (r < 0) {
		conn_close(c);
		r = EXIT_ENGINE;
	}
	json_decref(params);
	json_decref(pull);
	free(image);
	return r;
}

/* Stream an attached run; returns lite run's exit code. */
static int
run_attached(struct conn *c, json_t *result, struct stream_opts *so)
{
	const char *id = json_string_value(json_object_get(result, "id"));
	int r;

	so->ctr = id;
	so->tty = json_is_true(json_object_get(result, "tty"));
	r = stream_reply(c, result, so);
	if (so->framed && r >= 0)
		conn_wait_eof(c); /* the daemon closes once the exit is recorded */
	if (r == -2) {
		fprintf(stderr, "lite: detached from %s; it keeps running (lite attach %s)\n",
			json_string_value(json_object_get(result, "name")), json_string_value(json_object_get(result, "name")));
		return 0;
	}
	if (r == -1 && so->tty)
		return stream_exit_code("wait", id);
	if (r < 0) {
		client_errorf("lost the connection to container %s before its exit status arrived; "
			      "it may still be running (lite ps -a, lite logs %s)",
			      json_string_value(json_object_get(result, "name")),
			      json_string_value(json_object_get(result, "name")));
		return EXIT_ENGINE;
	}
	return r;
}

/* stdout or stderr is a pipe: stream_reply offers it to the shim (issue 14). */
static bool
stdio_is_pipe(void)
{
	struct stat st;

	for (int fd = 1; fd <= 2; fd++)
		if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
			return true;
	return false;
}

int
cmd_run(int argc, char **argv)
{
	json_t *params = json_object(), *result = NULL, *cmd = json_array();
	struct stream_opts so = { .sig_proxy = true, .direct = true }; /* a fresh shim: it knows FRAME_DIRECT */
	bool detach = false;
	unsigned short rows, cols;
	struct conn c;
	int r;

	r = parse_flags(argc, argv, params, &detach, &so);
	if (r) {
		json_decref(params);
		json_decref(cmd);
		return r;
	}
	json_object_set_new(params, "image", json_string(argv[optind]));
	for (int i = optind + 1; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	json_object_set_new(params, "cmd", cmd);
	so.interactive = json_is_true(json_object_get(params, "stdin")) && !detach;
	if (json_is_true(json_object_get(params, "tty"))) {
		stream_terminal_size(&rows, &cols); /* right from the first byte */
		if (rows && cols) {
			json_object_set_new(params, "rows", json_integer(rows));
			json_object_set_new(params, "cols", json_integer(cols));
		}
	}
	json_object_set_new(params, "attach", json_boolean(!detach));
	if (!detach)
		json_object_set_new(params, "pass_fd", json_true());
	if (!detach && !json_is_true(json_object_get(params, "tty")) && stdio_is_pipe())
		json_object_set_new(params, "direct_start", json_true()); /* we offer our pipes at once */
	if ((r = call_pulling(&c, "run", params, &result)))
		return r;
	if (detach) {
		printf("%s\n", json_string_value(json_object_get(result, "id")));
		r = 0;
	} else {
		r = run_attached(&c, result, &so);
	}
	json_decref(result);
	conn_close(&c);
	return r;
}

/* lite create: run's flags and checks, without starting; prints the id. */
int
cmd_create(int argc, char **argv)
{
	json_t *params = json_object(), *result = NULL, *cmd = json_array();
	struct stream_opts so = { 0 };
	bool detach = true;
	struct conn c;
	int r = parse_flags(argc, argv, params, &detach, &so);

	if (r) {
		json_decref(params);
		json_decref(cmd);
		return r;
	}
	for (int i = optind + 1; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	json_object_set_new(params, "cmd", cmd);
	json_object_set_new(params, "image", json_string(argv[optind]));
	if ((r = call_pulling(&c, "create", params, &result)))
		return r;
	conn_close(&c);
	printf("%s\n", json_string_value(json_object_get(result, "id")));
	json_decref(result);
	return 0;
}

/* lite start -a (cmd-ctl.c): the stream of an attached run. */
int
cmd_run_stream_attached(struct conn *c, json_t *result, struct stream_opts *so)
{
	return run_attached(c, result, so);
}
