/* Log driver and options: their syntax, the daemon's defaults, and the
 * merge of the two at create. */
#include "log-opts.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "proto.h"

int
log_opts_set_driver(struct log_opts *o, const char *driver, const char *flag, struct lite_err *err)
{
	/* json-file is lite's local driver under Docker's name; the name
	 * given is kept, so inspect's LogConfig.Type says what was asked */
	if (strcmp(driver, "local") == 0 || strcmp(driver, "json-file") == 0)
		snprintf(o->driver, sizeof(o->driver), "%s", driver);
	else if (strcmp(driver, "none") == 0)
		snprintf(o->driver, sizeof(o->driver), "none");
	else
		return lite_err_set(err, EINVAL, "invalid %s \"%s\": supported log drivers are local (json-file) and none",
				    flag, driver);
	return 0;
}

static int
set_kv(struct log_opts *o, const char *key, const char *val, const char *flag, struct lite_err *err)
{
	long long n;

	if (strcmp(key, "max-size") == 0) {
		if (parse_size(val, &o->max_size) < 0 || o->max_size < LOG_OPTS_MIN_SIZE)
			return lite_err_set(err, EINVAL, "invalid %s max-size=%s: expected a size of at least 1k, like 10m",
					    flag, val);
		return 0;
	}
	if (strcmp(key, "max-file") == 0) {
		if (parse_int_range(val, 1, LOG_OPTS_MAX_FILES, &n) < 0)
			return lite_err_set(err, EINVAL, "invalid %s max-file=%s: expected a number from 1 to %d", flag,
					    val, LOG_OPTS_MAX_FILES);
		o->max_file = (int)n;
		return 0;
	}
	if (strcmp(key, "labels") == 0 || strcmp(key, "env") == 0) {
		char *dst = key[0] == 'l' ? o->labels : o->env;

		if (strlen(val) >= sizeof(o->labels) || strpbrk(val, "= \t\n"))
			return lite_err_set(err, EINVAL, "invalid %s %s=%s: expected comma-separated names", flag, key,
					    val);
		snprintf(dst, sizeof(o->labels), "%s", val);
		return 0;
	}
	return lite_err_set(err, EINVAL,
			    "invalid %s \"%s\": unknown log option (supported: max-size, max-file, labels, env)", flag, key);
}

int
log_opts_set(struct log_opts *o, const char *kv, const char *flag, struct lite_err *err)
{
	const char *eq = strchr(kv, '=');
	char key[64];

	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof(key))
		return lite_err_set(err, EINVAL, "invalid %s \"%s\": expected KEY=VALUE", flag, kv);
	snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
	return set_kv(o, key, eq + 1, flag, err);
}

/* none keeps nothing, so it takes no options. */
static int
check_none(const struct log_opts *o, const char *flag, struct lite_err *err)
{
	if (strcmp(o->driver, "none") == 0 && (o->max_size || o->max_file || o->labels[0] || o->env[0]))
		return lite_err_set(err, EINVAL, "invalid %s: the none log driver takes no options", flag);
	return 0;
}

int
log_opts_decode(json_t *params, struct log_opts *o, struct lite_err *err)
{
	const char *driver = proto_get_str(params, "log_driver", NULL);
	json_t *a = json_object_get(params, "log_opts"), *e;
	size_t i;
	int r;

	memset(o, 0, sizeof(*o));
	if (driver && (r = log_opts_set_driver(o, driver, "--log-driver", err)) < 0)
		return r;
	json_array_foreach(a, i, e)
		if ((r = log_opts_set(o, json_string_value(e) ?: "", "--log-opt", err)) < 0)
			return r;
	return check_none(o, "--log-opt", err);
}

int
log_opts_from_config(json_t *config, struct log_opts *o, struct lite_err *err)
{
	json_t *driver = json_object_get(config, "log-driver"), *opts = json_object_get(config, "log-opts"), *v;
	const char *key;
	int r;

	memset(o, 0, sizeof(*o));
	if (driver && !json_is_string(driver))
		return lite_err_set(err, EINVAL, "log-driver: expected a string");
	if (driver && (r = log_opts_set_driver(o, json_string_value(driver), "log-driver", err)) < 0)
		return r;
	if (opts && !json_is_object(opts))
		return lite_err_set(err, EINVAL, "log-opts: expected an object like {\"max-size\": \"10m\"}");
	json_object_foreach(opts, key, v) {
		char num[32];
		const char *val = json_string_value(v);

		if (json_is_integer(v)) {
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
			val = num;
		}
		if (!val)
			return lite_err_set(err, EINVAL, "log-opts: %s: expected a string", key);
		if ((r = set_kv(o, key, val, "log-opts", err)) < 0)
			return r;
	}
	return check_none(o, "log-opts", err);
}

void
log_opts_resolve(struct log_opts *o, const struct log_opts *defaults)
{
	if (!o->driver[0])
		snprintf(o->driver, sizeof(o->driver), "%s", defaults && defaults->driver[0] ? defaults->driver : "local");
	if (strcmp(o->driver, "none") == 0) {
		o->max_size = 0;
		o->max_file = 0;
		return;
	}
	if (!o->labels[0] && defaults)
		snprintf(o->labels, sizeof(o->labels), "%s", defaults->labels);
	if (!o->env[0] && defaults)
		snprintf(o->env, sizeof(o->env), "%s", defaults->env);
	if (!o->max_size)
		o->max_size = defaults && defaults->max_size ? defaults->max_size : LOG_OPTS_DEFAULT_MAX_SIZE;
	if (!o->max_file)
		o->max_file = defaults && defaults->max_file ? defaults->max_file : LOG_OPTS_DEFAULT_MAX_FILE;
}

/* name is one of the comma-separated list. */
static bool
listed(const char *list, const char *name, size_t len)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && strncmp(p, name, len) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char *
log_opts_details(const struct log_opts *o, json_t *labels, char **env)
{
	char *items[64], *out;
	size_t n = 0, len = 1;
	const char *key;
	json_t *v;

	json_object_foreach(labels, key, v)
		if (n < 64 && json_is_string(v) && listed(o->labels, key, strlen(key)) &&
		    asprintf(&items[n], "%s=%s", key, json_string_value(v)) >= 0)
			n++;
	for (char **e = env; e && *e && n < 64; e++) {
		const char *eq = strchr(*e, '=');

		if (eq && listed(o->env, *e, (size_t)(eq - *e)) && (items[n] = strdup(*e)))
			n++;
	}
	qsort(items, n, sizeof(items[0]), cmp_str);
	for (size_t i = 0; i < n; i++)
		len += strlen(items[i]) + 1;
	out = calloc(1, len);
	for (size_t i = 0; i < n; i++) {
		if (out) {
			if (i)
				strcat(out, ",");
			strcat(out, items[i]);
		}
		free(items[i]);
	}
	return out;
}
