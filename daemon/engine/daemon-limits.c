/* The daemon.json keys that bound what one user can make the daemon do:
 * their defaults, their parsing (sizes like "8m", durations like "30s"),
 * and the insecure-registry list. */
#include "daemon-limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "parse.h"
#include "strv.h"

#define GIB (1024ULL * 1024 * 1024)

void
daemon_limits_init(struct daemon_limits *l)
{
	*l = (struct daemon_limits){
		.max_conns_per_user = 64,
		.max_conns = 1024,
		.request_timeout_ms = 30000,
		.max_ctrs_per_user = 256,
		.max_upload_size = 32 * GIB,
		.max_layer_size = 64 * GIB,
		.max_layer_entries = 4000000,
		.allow_nonroot_pull = true,
	};
}

void
daemon_limits_free(struct daemon_limits *l)
{
	strv_free(l->insecure_registries);
	l->insecure_registries = NULL;
	strv_free(l->registry_mirrors);
	l->registry_mirrors = NULL;
}

/* A count: a JSON integer from 1 to max. */
static int
load_count(json_t *o, const char *key, long long max, int *ret, struct lite_err *err)
{
	json_t *v = json_object_get(o, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > max)
		return lite_err_set(err, EINVAL, "%s: want an integer from 1 to %lld", key, max);
	*ret = (int)json_integer_value(v);
	return 0;
}

/* A size: integer bytes or a string like "8m" (a count: the same forms,
 * "4m" being 4 Mi entries); more than 0. */
static int
load_size(json_t *o, const char *key, uint64_t *ret, struct lite_err *err)
{
	json_t *v = json_object_get(o, key);
	uint64_t n = 0;

	if (!v)
		return 0;
	if (json_is_integer(v) && json_integer_value(v) > 0)
		n = (uint64_t)json_integer_value(v);
	else if (json_is_string(v) && parse_size(json_string_value(v), &n) < 0)
		n = 0;
	if (n == 0)
		return lite_err_set(err, EINVAL, "%s: want a number more than 0, or a string like \"8m\"", key);
	*ret = n;
	return 0;
}

/* "request-timeout": a duration string ("30s") or whole seconds; 0 turns it off. */
static int
load_timeout(json_t *o, int64_t *ret_ms, struct lite_err *err)
{
	json_t *v = json_object_get(o, "request-timeout");
	int64_t ns = -1;

	if (!v)
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 86400)
		ns = json_integer_value(v) * 1000000000LL;
	else if (json_is_string(v) && duration_parse(json_string_value(v), &ns) < 0)
		ns = -1;
	if (ns < 0 || ns > 86400LL * 1000000000LL)
		return lite_err_set(err, EINVAL, "request-timeout: want a duration like \"30s\" (0 for none, at most 24h)");
	*ret_ms = ns / 1000000;
	return 0;
}

static int
load_registries(struct daemon_limits *l, json_t *o, struct lite_err *err)
{
	json_t *v = json_object_get(o, "insecure-registries"), *e;
	size_t i;

	if (!v)
		return 0;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || !*json_string_value(e) || strpbrk(json_string_value(e), "/ "))
			return lite_err_set(err, EINVAL, "insecure-registries: want host names or HOST:PORT");
	}
	strv_free(l->insecure_registries);
	l->insecure_registries = strv_from_json(v);
	if (!l->insecure_registries)
		return lite_err_set(err, EINVAL, "insecure-registries: want an array of HOST[:PORT] strings");
	return 0;
}

/* "registry-mirrors": URLs tried in order for docker.io images; kept
 * without a trailing '/', and with no ',' (lite-image gets them joined). */
static int
load_mirrors(struct daemon_limits *l, json_t *o, struct lite_err *err)
{
	json_t *v = json_object_get(o, "registry-mirrors"), *e;
	size_t i;

	if (!v)
		return 0;
	if (!json_is_array(v))
		return lite_err_set(err, EINVAL, "registry-mirrors: want an array of URLs like \"https://mirror.example.com\"");
	json_array_foreach(v, i, e) {
		const char *u = json_string_value(e);

		if (!u || (strncmp(u, "http://", 7) && strncmp(u, "https://", 8)) || strpbrk(u, " ,\n\t") ||
		    strlen(u) > 500 || !u[strncmp(u, "http://", 7) ? 8 : 7])
			return lite_err_set(err, EINVAL, "registry-mirrors: '%.100s' is not an http:// or https:// URL",
					    u ? u : "(not a string)");
	}
	strv_free(l->registry_mirrors);
	l->registry_mirrors = strv_from_json(v);
	if (!l->registry_mirrors)
		return lite_err_set(err, ENOMEM, "registry-mirrors: out of memory");
	for (i = 0; l->registry_mirrors[i]; i++) {
		size_t n = strlen(l->registry_mirrors[i]);

		while (n > 8 && l->registry_mirrors[i][n - 1] == '/')
			l->registry_mirrors[i][--n] = '\0';
	}
	return 0;
}

int
daemon_limits_load(struct daemon_limits *l, json_t *o, struct lite_err *err)
{
	json_t *pull = json_object_get(o, "allow-nonroot-pull");

	if (load_count(o, "max-connections-per-user", 1000000, &l->max_conns_per_user, err) < 0 ||
	    load_count(o, "max-connections", 1000000, &l->max_conns, err) < 0 ||
	    load_count(o, "max-containers-per-user", 1000000, &l->max_ctrs_per_user, err) < 0 ||
	    load_size(o, "max-upload-size", &l->max_upload_size, err) < 0 ||
	    load_size(o, "max-layer-size", &l->max_layer_size, err) < 0 ||
	    load_size(o, "max-layer-entries", &l->max_layer_entries, err) < 0 ||
	    load_timeout(o, &l->request_timeout_ms, err) < 0 || load_registries(l, o, err) < 0 ||
	    load_mirrors(l, o, err) < 0)
		return -EINVAL;
	if (pull && !json_is_boolean(pull))
		return lite_err_set(err, EINVAL, "allow-nonroot-pull: want true or false");
	if (pull)
		l->allow_nonroot_pull = json_is_true(pull);
	return 0;
}

bool
daemon_limits_insecure_ok(const struct daemon_limits *l, const char *host)
{
	for (size_t i = 0; l->insecure_registries && l->insecure_registries[i]; i++)
		if (strcmp(l->insecure_registries[i], host) == 0)
			return true;
	return false;
}
