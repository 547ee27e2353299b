/* run's params (also create's) decoded into struct run_spec: identity,
 * process, mounts, labels, ulimits and the nested limits, network and
 * health options. */
#include "run-spec.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "proto.h"
#include "strv.h"
#include "valid.h"

static int
oom(struct lite_err *err)
{
	return lite_err_set(err, ENOMEM, "out of memory");
}

/* A copy of params[field] if it is a string; -ENOMEM only. */
static int
dup_param(json_t *params, const char *field, char **ret)
{
	const char *s = proto_get_str(params, field, NULL);

	*ret = s ? strdup(s) : NULL;
	return s && !*ret ? -ENOMEM : 0;
}

/* A copy of the string array params[field]; NULL when absent. */
static int
dup_strv(json_t *params, const char *field, char ***ret)
{
	json_t *a = json_object_get(params, field);

	*ret = a ? strv_from_json(a) : NULL;
	return a && !*ret ? -ENOMEM : 0;
}

static bool
hostname_is_valid(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > 63 || h[0] == '-' || h[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' && h[i] != '.')
			return false;
	return true;
}

/* image, cmd, entrypoint, env, name, hostname. */
static int
decode_identity(json_t *params, struct run_spec *s, struct lite_err *err)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(params, "env"), i, e)
		if (!valid_env(json_string_value(e)))
			return lite_err_set(err, EINVAL, "invalid -e \"%s\": expected KEY=VALUE", json_string_value(e));
	if (dup_param(params, "image", &s->image) < 0 || dup_strv(params, "cmd", &s->cmd) < 0 ||
	    dup_strv(params, "entrypoint", &s->entrypoint) < 0 || dup_strv(params, "env", &s->env) < 0 ||
	    dup_param(params, "name", &s->name) < 0 || dup_param(params, "hostname", &s->hostname) < 0)
		return oom(err);
	s->entrypoint_set = s->entrypoint != NULL;
	if (!s->image)
		return lite_err_set(err, EINVAL, "missing param 'image'");
	if (s->name && !valid_name(s->name))
		return lite_err_set(err, EINVAL, "invalid --name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
				    s->name);
	if (s->hostname && !hostname_is_valid(s->hostname))
		return lite_err_set(err, EINVAL, "invalid --hostname \"%s\"", s->hostname);
	return 0;
}

/* -t, -i, --rm, --init, the terminal size, -u, -w. */
static int
decode_process(json_t *params, struct run_spec *s, struct lite_err *err)
{
	long long rows = proto_get_int(params, "rows", 0), cols = proto_get_int(params, "cols", 0);

	s->tty = proto_get_bool(params, "tty", false);
	s->open_stdin = proto_get_bool(params, "stdin", false);
	s->auto_remove = proto_get_bool(params, "rm", false);
	s->init = proto_get_bool(params, "init", false);
	s->attach = proto_get_bool(params, "attach", false);
	s->pass_fd = proto_get_bool(params, "pass_fd", false);
	s->direct_start = proto_get_bool(params, "direct_start", false);
	if (rows < 0 || rows > 65535 || cols < 0 || cols > 65535)
		return lite_err_set(err, EINVAL, "invalid terminal size %lldx%lld", rows, cols);
	s->rows = (unsigned short)rows;
	s->cols = (unsigned short)cols;
	if (dup_param(params, "user", &s->user) < 0 || dup_param(params, "workdir", &s->workdir) < 0)
		return oom(err);
	/* sizes of ctr_spec's user and cwd */
	if (s->user && (strlen(s->user) >= 256 || strchr(s->user, '\n')))
		return lite_err_set(err, EINVAL, "invalid --user \"%s\"", s->user);
	if (s->workdir && (s->workdir[0] != '/' || strlen(s->workdir) >= 256))
		return lite_err_set(err, EINVAL, "invalid --workdir \"%s\": must be an absolute path", s->workdir);
	if (dup_param(params, "userns", &s->userns) < 0)
		return oom(err);
	if (s->userns && strcmp(s->userns, "auto") != 0 && strcmp(s->userns, "host") != 0)
		return lite_err_set(err, EINVAL, "invalid --userns \"%s\": expected auto or host", s->userns);
	return 0;
}

/* --stop-signal, --stop-timeout, --shm-size, --read-only, --oom-score-adj. */
static int
decode_misc(json_t *params, struct run_spec *s, struct lite_err *err)
{
	long long timeout = proto_get_int(params, "stop_timeout", -1);
	long long score = proto_get_int(params, "oom_score_adj", 0);

	if (json_object_get(params, "stop_signal") && proto_get_signal(params, "stop_signal", &s->stop_signal) < 0)
		return lite_err_set(err, EINVAL, "invalid --stop-signal");
	if (timeout < -1 || timeout > 3600)
		return lite_err_set(err, EINVAL, "invalid --stop-timeout %lld: expected 0 to 3600 seconds", timeout);
	s->stop_timeout = (int)timeout;
	if (json_object_get(params, "shm_size") &&
	    (proto_get_size(params, "shm_size", &s->shm_size) < 0 || s->shm_size == 0))
		return lite_err_set(err, EINVAL, "invalid --shm-size: expected a size like 64m");
	s->read_only = proto_get_bool(params, "read_only", false);
	if (score < -1000 || score > 1000)
		return lite_err_set(err, EINVAL, "invalid --oom-score-adj %lld: expected -1000 to 1000", score);
	s->oom_score_set = json_object_get(params, "oom_score_adj") != NULL;
	s->oom_score_adj = (int)score;
	return 0;
}

static int
decode_labels(json_t *params, struct run_spec *s, struct lite_err *err)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(params, "labels"), i, e) {
		const char *kv = json_string_value(e), *eq = strchr(kv, '=');

		/* the key must fit ctr-state's label keys */
		if (!eq || eq == kv || (size_t)(eq - kv) >= 256)
			return lite_err_set(err, EINVAL, "invalid --label \"%s\": expected KEY=VALUE", kv);
	}
	return dup_strv(params, "labels", &s->labels) < 0 ? oom(err) : 0;
}

/* Each string of params[field] through parse, appended to s->mounts. */
static int
decode_mount_list(json_t *params, const char *field, int (*parse)(const char *, struct mount_spec *, char *, size_t),
		  struct run_spec *s, struct lite_err *err)
{
	json_t *a = json_object_get(params, field), *e;
	struct mount_spec *m;
	char msg[512];
	size_t i;

	if (!json_array_size(a))
		return 0;
	m = realloc(s->mounts, (s->n_mounts + json_array_size(a)) * sizeof(*m));
	if (!m)
		return oom(err);
	s->mounts = m;
	json_array_foreach(a, i, e) {
		if (parse(json_string_value(e), &s->mounts[s->n_mounts], msg, sizeof(msg)) < 0)
			return lite_err_set(err, EINVAL, "%s", msg);
		s->n_mounts++;
	}
	return 0;
}

static int
decode_mounts(json_t *params, struct run_spec *s, struct lite_err *err)
{
	int r = decode_mount_list(params, "volumes", mount_spec_parse_volume, s, err);

	if (r == 0)
		r = decode_mount_list(params, "mounts", mount_spec_parse_mount, s, err);
	if (r == 0)
		r = decode_mount_list(params, "tmpfs", mount_spec_parse_tmpfs, s, err);
	if (r == 0 && dup_strv(params, "volumes_from", &s->volumes_from) < 0)
		r = oom(err);
	return r;
}

static int
decode_ulimits(json_t *params, struct run_spec *s, struct lite_err *err)
{
	json_t *a = json_object_get(params, "ulimits"), *e;
	char msg[256];
	size_t i;

	if (!json_array_size(a))
		return 0;
	s->ulimits = calloc(json_array_size(a), sizeof(*s->ulimits));
	if (!s->ulimits)
		return oom(err);
	json_array_foreach(a, i, e) {
		if (ulimit_parse(json_string_value(e), &s->ulimits[s->n_ulimits], msg, sizeof(msg)) < 0)
			return lite_err_set(err, EINVAL, "%s", msg);
		s->n_ulimits++;
	}
	return 0;
}

/* --device-read-bps /dev/sda:1mb */
static int
decode_rates(json_t *params, struct run_spec *s, struct lite_err *err)
{
	json_t *a = json_object_get(params, "device_read_bps"), *e;
	size_t i;

	if (!json_array_size(a))
		return 0;
	s->device_read_bps = calloc(json_array_size(a), sizeof(*s->device_read_bps));
	if (!s->device_read_bps)
		return oom(err);
	json_array_foreach(a, i, e) {
		const char *spec = json_string_value(e), *colon = strrchr(spec, ':');
		struct run_spec_rate *rate = &s->device_read_bps[s->n_device_read_bps];

		if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(rate->device) ||
		    parse_size(colon + 1, &rate->bps) < 0)
			return lite_err_set(err, EINVAL,
					    "invalid --device-read-bps \"%s\": expected DEVICE:RATE like /dev/sda:1mb", spec);
		snprintf(rate->device, sizeof(rate->device), "%.*s", (int)(colon - spec), spec);
		s->n_device_read_bps++;
	}
	return 0;
}

/* --device /dev/fuse[:/dev/fuse][:rwm] */
static int
decode_devices(json_t *params, struct run_spec *s, struct lite_err *err)
{
	json_t *a = json_object_get(params, "devices"), *e;
	char msg[640];
	size_t i;

	if (!json_array_size(a))
		return 0;
	if (json_array_size(a) > CGROUP_LIMITS_MAX_DEVICES)
		return lite_err_set(err, EINVAL, "too many --device: at most %d", CGROUP_LIMITS_MAX_DEVICES);
	s->devices = calloc(json_array_size(a), sizeof(*s->devices));
	if (!s->devices)
		return oom(err);
	json_array_foreach(a, i, e) {
		if (device_spec_parse(json_string_value(e), &s->devices[s->n_devices], msg, sizeof(msg)) < 0)
			return lite_err_set(err, EINVAL, "%s", msg);
		s->n_devices++;
	}
	return 0;
}

int
run_spec_decode(json_t *params, struct run_spec *s, struct lite_err *err)
{
	int r;

	memset(s, 0, sizeof(*s));
	s->limits.pids_limit = CGROUP_LIMITS_DEFAULT_PIDS;
	s->pids_limit_set = json_object_get(params, "pids_limit") != NULL;
	r = decode_identity(params, s, err);
	if (r == 0)
		r = cgroup_limits_decode(params, &s->limits, err);
	if (r == 0)
		r = decode_process(params, s, err);
	if (r == 0)
		r = decode_misc(params, s, err);
	if (r == 0)
		r = decode_rates(params, s, err);
	if (r == 0)
		r = decode_devices(params, s, err);
	if (r == 0)
		r = restart_policy_decode(params, &s->restart, NULL, err);
	if (r == 0 && s->auto_remove && s->restart.name != RESTART_NO)
		r = lite_err_set(err, EINVAL, "conflicting options: --restart and --rm");
	if (r == 0)
		r = decode_labels(params, s, err);
	if (r == 0)
		r = decode_ulimits(params, s, err);
	if (r == 0)
		r = decode_mounts(params, s, err);
	if (r == 0)
		r = health_opts_decode(params, &s->health, err);
	if (r == 0)
		r = net_opts_decode(params, &s->net, err);
	if (r == 0)
		r = sec_opts_decode(params, &s->sec, err);
	if (r == 0)
		r = log_opts_decode(params, &s->log, err);
	if (r < 0)
		run_spec_free(s);
	return r;
}

void
run_spec_free(struct run_spec *s)
{
	free(s->image);
	strv_free(s->cmd);
	strv_free(s->entrypoint);
	strv_free(s->env);
	free(s->name);
	free(s->hostname);
	free(s->user);
	free(s->userns);
	free(s->workdir);
	strv_free(s->labels);
	free(s->mounts);
	strv_free(s->volumes_from);
	free(s->ulimits);
	free(s->device_read_bps);
	free(s->devices);
	health_opts_free(&s->health);
	net_opts_free(&s->net);
	sec_opts_free(&s->sec);
	memset(s, 0, sizeof(*s));
}
