/* containerd-lite: flags and config file, start-up checks, the event loop.
 * Flags follow dockerd's names so operators need not learn new ones. */
#include "daemon.h"
#include "docker-api.h"
#include "userns.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ctr.h"
#include "ctr-notes.h"
#include "ctr-sec.h"
#include "events.h"
#include "fs-util.h"
#include "idle-trim.h"
#include "image.h"
#include "log.h"
#include "net-ctr.h"
#include "reconcile.h"
#include "seccomp-cache.h"
#include "str-util.h"
#include "trash.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: containerd-lite [OPTIONS]\n\n"
		"The lite container engine's daemon.\n\n"
		"Options:\n"
		"  -H, --host unix:///PATH   socket to listen on (default unix:///run/lite.sock)\n"
		"      --data-root DIR       persistent state (default /var/lib/lite)\n"
		"      --exec-root DIR       runtime state (default /run/lite)\n"
		"      --group NAME          group owning the socket (default lite)\n"
		"      --cgroup-parent NAME  cgroup sub-tree for containers (default lite)\n"
		"      --config-file FILE    JSON config (default /etc/lite/daemon.json)\n"
		"      --docker-api unix:///PATH  serve the Docker Engine API there (repeatable; default\n"
		"                            lite-docker.sock next to the lite socket; \"\" turns it off)\n"
		"  -D, --debug               debug logging\n"
		"  -v, --version             print the version\n"
		"  -h, --help                this help\n");
}

static void
set_host(struct daemon_config *cfg, const char *host)
{
	if (!str_has_prefix(host, "unix://"))
		fatalx("invalid -H '%s': only unix:///PATH is supported", host);
	host += strlen("unix://");
	if (!*host || strlen(host) >= sizeof(cfg->socket_path))
		fatalx("invalid -H: socket path empty or too long");
	snprintf(cfg->socket_path, sizeof(cfg->socket_path), "%s", host);
}

static void
copy_opt(char *dst, size_t len, const char *val, const char *name)
{
	if (!val || !*val || strlen(val) >= len)
		fatalx("invalid %s '%s'", name, val ? val : "");
	snprintf(dst, len, "%s", val);
}

/* "unix:///PATH" (or "" for none) into cfg's Docker API sockets. */
static void
add_docker_api(struct daemon_config *cfg, const char *where, const char *what)
{
	cfg->docker_api_set = true;
	if (!*where)
		return;
	if (!str_has_prefix(where, "unix:///") || strlen(where) - strlen("unix://") >= sizeof(cfg->docker_api[0]))
		fatalx("invalid %s '%s': expected unix:///PATH", what, where);
	if (cfg->n_docker_api == sizeof(cfg->docker_api) / sizeof(cfg->docker_api[0]))
		fatalx("%s: at most 4 sockets", what);
	snprintf(cfg->docker_api[cfg->n_docker_api++], sizeof(cfg->docker_api[0]), "%s", where + strlen("unix://"));
}

/* Not configured: lite-docker.sock next to the lite socket. */
static void
default_docker_api(struct daemon_config *cfg)
{
	char *slash;

	if (cfg->docker_api_set)
		return;
	snprintf(cfg->docker_api[0], sizeof(cfg->docker_api[0]), "%s", cfg->socket_path);
	slash = strrchr(cfg->docker_api[0], '/');
	snprintf(slash ? slash + 1 : cfg->docker_api[0], sizeof(cfg->docker_api[0]) - (slash ? (size_t)(slash + 1 - cfg->docker_api[0]) : 0),
		 "lite-docker.sock");
	cfg->n_docker_api = 1;
}

/* Issue 11 A1: "userns-remap": "default" gives root's containers a user
 * namespace too; "userns-auto-pool": "START:COUNT" is where ranges of
 * users without an /etc/subuid entry come from. */
static void
load_userns_keys(struct daemon_config *cfg, json_t *o)
{
	const char *remap = json_string_value(json_object_get(o, "userns-remap"));
	const char *pool = json_string_value(json_object_get(o, "userns-auto-pool"));

	if (remap && strcmp(remap, "default") != 0 && remap[0])
		fatalx("config file %s: userns-remap: only \"default\" is supported", cfg->config_file);
	cfg->userns_remap = remap && remap[0];
	if (pool && (subid_parse_pool(pool, &cfg->userns_pool) < 0 || cfg->userns_pool.count < SUBID_SIZE))
		fatalx("config file %s: userns-auto-pool: expected START:COUNT with COUNT >= %u", cfg->config_file,
		       SUBID_SIZE);
}

/* "seccomp-profile" (a root-owned file, read at start) and
 * "default-pids-limit" (> 0, or -1 for unlimited). */
static void
load_security_keys(struct daemon_config *cfg, json_t *o)
{
	json_t *pids = json_object_get(o, "default-pids-limit");

	if (json_is_string(json_object_get(o, "seccomp-profile")))
		copy_opt(cfg->seccomp_profile, sizeof(cfg->seccomp_profile),
			 json_string_value(json_object_get(o, "seccomp-profile")), "seccomp-profile");
	if (!pids)
		return;
	if (!json_is_integer(pids) || json_integer_value(pids) == 0 || json_integer_value(pids) < -1)
		fatalx("invalid default-pids-limit: expected a positive number or -1 (unlimited)");
	cfg->default_pids_limit = json_integer_value(pids);
}

/* The config file sets defaults; flags given on the command line win. */
static void
load_config_file(struct daemon_config *cfg, bool required)
{
	json_error_t jerr;
	json_t *o = json_load_file(cfg->config_file, JSON_REJECT_DUPLICATES, &jerr), *hosts;
	struct lite_err lerr = { 0 };

	if (!o) {
		if (required || access(cfg->config_file, F_OK) == 0)
			fatalx("config file %s: %s", cfg->config_file, jerr.text);
		return;
	}
	hosts = json_object_get(o, "hosts");
	if (json_is_array(hosts) && json_array_size(hosts) > 0)
		set_host(cfg, json_string_value(json_array_get(hosts, 0)) ?: "");
	if (json_is_string(json_object_get(o, "data-root")))
		copy_opt(cfg->data_root, sizeof(cfg->data_root), json_string_value(json_object_get(o, "data-root")), "data-root");
	if (json_is_string(json_object_get(o, "exec-root")))
		copy_opt(cfg->exec_root, sizeof(cfg->exec_root), json_string_value(json_object_get(o, "exec-root")), "exec-root");
	if (json_is_string(json_object_get(o, "group")))
		copy_opt(cfg->group, sizeof(cfg->group), json_string_value(json_object_get(o, "group")), "group");
	if (json_is_string(json_object_get(o, "cgroup-parent")))
		copy_opt(cfg->cgroup_parent, sizeof(cfg->cgroup_parent), json_string_value(json_object_get(o, "cgroup-parent")), "cgroup-parent");
	if (json_is_true(json_object_get(o, "debug")))
		cfg->debug = true;
	load_userns_keys(cfg, o);
	if (json_is_array(json_object_get(o, "docker-api"))) {
		size_t i;
		json_t *v;

		cfg->docker_api_set = true;
		json_array_foreach(json_object_get(o, "docker-api"), i, v)
			add_docker_api(cfg, json_string_value(v) ?: "-", "docker-api");
	}
	load_security_keys(cfg, o);
	/* limits: connections, idle time, containers, sizes, registries */
	if (daemon_limits_load(&cfg->limits, o, &lerr) < 0)
		fatalx("config file %s: %s", cfg->config_file, lerr.msg);
	if (log_opts_from_config(o, &cfg->log_defaults, &lerr) < 0)
		fatalx("config file %s: %s", cfg->config_file, lerr.msg);
	json_decref(o);
}

static void
parse_args(int argc, char **argv, struct daemon_config *cfg)
{
	enum { OPT_DATA = 256, OPT_EXEC, OPT_GROUP, OPT_CGP, OPT_CONFIG, OPT_DOCKER_API };
	static const struct option opts[] = {
		{ "host", required_argument, NULL, 'H' }, { "data-root", required_argument, NULL, OPT_DATA },
		{ "exec-root", required_argument, NULL, OPT_EXEC }, { "group", required_argument, NULL, OPT_GROUP },
		{ "cgroup-parent", required_argument, NULL, OPT_CGP },
		{ "config-file", required_argument, NULL, OPT_CONFIG }, { "debug", no_argument, NULL, 'D' },
		{ "docker-api", required_argument, NULL, OPT_DOCKER_API },
		{ "version", no_argument, NULL, 'v' }, { "help", no_argument, NULL, 'h' }, { 0 },
	};
	struct daemon_config flags = { 0 };
	bool config_given = false;
	int c;

	while ((c = getopt_long(argc, argv, "H:Dvh", opts, NULL)) != -1) {
		switch (c) {
		case 'H': set_host(&flags, optarg); break;
		case OPT_DATA: copy_opt(flags.data_root, sizeof(flags.data_root), optarg, "--data-root"); break;
		case OPT_EXEC: copy_opt(flags.exec_root, sizeof(flags.exec_root), optarg, "--exec-root"); break;
		case OPT_GROUP: copy_opt(flags.group, sizeof(flags.group), optarg, "--group"); break;
		case OPT_CGP: copy_opt(flags.cgroup_parent, sizeof(flags.cgroup_parent), optarg, "--cgroup-parent"); break;
		case OPT_CONFIG: copy_opt(cfg->config_file, sizeof(cfg->config_file), optarg, "--config-file"); config_given = true; break;
		case OPT_DOCKER_API: add_docker_api(&flags, optarg, "--docker-api"); break;
		case 'D': flags.debug = true; break;
		case 'v': printf("containerd-lite version %s (API %s)\n", LITE_VERSION, LITE_API_VERSION); exit(0);
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr, "containerd-lite: unexpected argument '%s'\n", argv[optind]);
		exit(2);
	}
	load_config_file(cfg, config_given);
#define OVERRIDE(f) if (flags.f[0]) memcpy(cfg->f, flags.f, sizeof(cfg->f))
	OVERRIDE(socket_path);
	OVERRIDE(data_root);
	OVERRIDE(exec_root);
	OVERRIDE(group);
	OVERRIDE(cgroup_parent);
#undef OVERRIDE
	cfg->debug = cfg->debug || flags.debug;
	if (flags.docker_api_set) {
		memcpy(cfg->docker_api, flags.docker_api, sizeof(cfg->docker_api));
		cfg->n_docker_api = flags.n_docker_api;
		cfg->docker_api_set = true;
	}
	default_docker_api(cfg);
	if (cfg->data_root[0] != '/' || cfg->exec_root[0] != '/')
		fatalx("--data-root and --exec-root must be absolute paths");
}

/* Helpers live next to the daemon (a build tree) or in libexecdir. */
static void
find_helper(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		snprintf(buf, len, "%s/%s", dirname(self), name);
		if (access(buf, X_OK) == 0)
			return;
	}
	snprintf(buf, len, "%s/%s", LITE_LIBEXECDIR, name);
	if (access(buf, X_OK) < 0)
		fatal("cannot find %s next to the daemon or in %s", name, LITE_LIBEXECDIR);
}

static void
prepare_dirs(struct daemon *d)
{
	char path[PATH_MAX + 32];
	struct lite_err err = { 0 };

	/* 0700 also when it exists: state and shim sockets are root's alone */
	if (fs_mkdir_p(d->cfg.exec_root, 0700) < 0 || chmod(d->cfg.exec_root, 0700) < 0)
		fatal("create %s", d->cfg.exec_root);
	snprintf(path, sizeof(path), "%s/containers", d->cfg.data_root);
	if (fs_mkdir_p(path, 0700) < 0)
		fatal("create %s", path);
	trash_sweep(d->cfg.data_root); /* what an rm left in tmp/gc-*: logged when it fails */
	if (image_store_init(d->cfg.data_root, &err) < 0)
		fatalx("image store: %s", err.msg);
	if (cgroup_detect("/sys/fs/cgroup", d->cfg.cgroup_parent, &d->cgroups, &err) < 0 ||
	    cgroup_v2_use_delegation(&d->cgroups, &err) < 0)
		fatalx("cgroups: %s", err.msg);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	log_info("received %s: shutting down (containers keep running)", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	event_base_loopbreak(d->base);
}

/* The default seccomp program exists before the first run. */
static void
prepare_seccomp(struct daemon *d)
{
	struct lite_err err = { 0 };

	if (seccomp_cache_init(d, &err) < 0)
		fatalx("seccomp: %s", err.msg);
}

int
main(int argc, char **argv)
{
	static struct daemon d = {
		.cfg = { .socket_path = "/run/lite.sock", .data_root = "/var/lib/lite",
			 .exec_root = "/run/lite", .group = "lite", .cgroup_parent = "lite",
			 .config_file = "/etc/lite/daemon.json", .default_pids_limit = CGROUP_LIMITS_DEFAULT_PIDS,
			 /* above Debian's SUB_UID_MAX and nspawn's range, below systemd's foreign range */
			 .userns_pool = { 0x70000000u, 0x7FFE0000u - 0x70000000u } },
		.listen_fd = -1,
	};
	struct event *sigterm, *sigint;

	TAILQ_INIT(&d.ctrs);
	daemon_limits_init(&d.cfg.limits);
	TAILQ_INIT(&d.net.networks);
	TAILQ_INIT(&d.net.ctrs);
	parse_args(argc, argv, &d.cfg);
	log_init("containerd-lite", d.cfg.debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if (geteuid() != 0)
		fatalx("containerd-lite must run as root");
	umask(022);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_IGN); /* shims are reaped by the kernel; pidfds tell us they exited */
	find_helper("lite-shim", d.shim_path, sizeof(d.shim_path));
	find_helper("lite-image", d.image_helper_path, sizeof(d.image_helper_path));
	if (d.cfg.n_docker_api || (getenv("LISTEN_FDNAMES") && strstr(getenv("LISTEN_FDNAMES"), "docker")))
		find_helper("lite-docker-api", d.docker.helper_path, sizeof(d.docker.helper_path));
	prepare_dirs(&d);
	userns_probe(&d);
	prepare_seccomp(&d);
	if (!(d.base = event_base_new()))
		fatalx("libevent initialisation failed");
	reconcile_store(&d); /* before anything is loaded (issue 13) */
	net_network_init(&d);
	events_init(&d);
	d.ctr_exited = ctr_restart_on_exit;
	ctr_notes_init(&d);
	ctr_restore_all(&d);
	reconcile_processes(&d);
	ctr_sec_warm(&d);
	net_ctr_restore(&d);
	net_ctr_restore_leases(&d);
	server_listen(&d);
	docker_api_listen(&d);
	idle_trim_init(d.base);
	sigterm = evsignal_new(d.base, SIGTERM, on_signal, &d);
	sigint = evsignal_new(d.base, SIGINT, on_signal, &d);
	event_add(sigterm, NULL);
	event_add(sigint, NULL);
	log_info("containerd-lite %s ready (cgroup %s, data-root %s)", LITE_VERSION,
		 d.cgroups.mode == CGROUP_MODE_V2 ? "v2" : "v1", d.cfg.data_root);
	server_notify_ready();
	event_base_dispatch(d.base);
	server_shutdown(&d);
	docker_api_shutdown(&d);
	event_free(sigterm);
	event_free(sigint);
	return 0;
}
