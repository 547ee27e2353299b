/* Dockerfile-style changes applied to an image config by `lite commit
 * --change`: CMD, ENTRYPOINT (JSON or shell form), ENV, WORKDIR, USER,
 * LABEL, EXPOSE. Pure, unit-tested. */
#include "image-change.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JSON form ["a","b"] or shell form "a b" -> ["/bin/sh","-c","a b"]. */
static json_t *
exec_form(const char *arg)
{
	json_t *v = NULL;
	size_t i;
	json_t *e;

	if (*arg == '[') {
		v = json_loads(arg, 0, NULL);
		if (!json_is_array(v))
			goto bad;
		json_array_foreach(v, i, e)
			if (!json_is_string(e))
				goto bad;
		return v;
	}
	return json_pack("[s,s,s]", "/bin/sh", "-c", arg);
bad:
	json_decref(v);
	return NULL;
}

/* "K=V" or "K V" -> key and value. */
static int
split_kv(const char *arg, char **ret_k, char **ret_v)
{
	size_t n = strcspn(arg, "= \t");

	if (n == 0 || !arg[n])
		return -EINVAL;
	*ret_k = strndup(arg, n);
	arg += n + 1;
	while (*arg == ' ' || *arg == '\t')
		arg++;
	*ret_v = strdup(arg);
	if (*ret_v && (*ret_v)[0] == '"' && strlen(*ret_v) >= 2 && (*ret_v)[strlen(*ret_v) - 1] == '"') {
		memmove(*ret_v, *ret_v + 1, strlen(*ret_v));
		(*ret_v)[strlen(*ret_v) - 1] = '\0';
	}
	return *ret_k && *ret_v ? 0 : -ENOMEM;
}

static void
env_set(json_t *cfg, const char *k, const char *v)
{
	json_t *env = json_object_get(cfg, "Env"), *e;
	size_t i, kl = strlen(k);
	char *kv;

	if (!json_is_array(env))
		json_object_set_new(cfg, "Env", env = json_array());
	if (asprintf(&kv, "%s=%s", k, v) < 0)
		return;
	json_array_foreach(env, i, e) {
		const char *s = json_string_value(e);

		if (s && !strncmp(s, k, kl) && s[kl] == '=') {
			json_array_set_new(env, i, json_string(kv));
			free(kv);
			return;
		}
	}
	json_array_append_new(env, json_string(kv));
	free(kv);
}

static json_t *
object_at(json_t *cfg, const char *key)
{
	json_t *o = json_object_get(cfg, key);

	if (!json_is_object(o))
		json_object_set_new(cfg, key, o = json_object());
	return o;
}

int
image_change_apply(json_t *cfg, const char *change, char *errbuf, size_t errlen)
{
	char instr[16];
	const char *arg;
	char *k = NULL, *v = NULL;
	size_t n = strcspn(change, " \t");
	json_t *val;
	int r = 0;

	arg = change + n;
	while (*arg == ' ' || *arg == '\t')
		arg++;
	if (n == 0 || n >= sizeof(instr) || !*arg) {
		snprintf(errbuf, errlen, "invalid change '%.80s': expected INSTRUCTION ARGUMENTS", change);
		return -EINVAL;
	}
	for (size_t i = 0; i <= n; i++)
		instr[i] = i < n ? (char)toupper((unsigned char)change[i]) : '\0';
	if (!strcmp(instr, "CMD") || !strcmp(instr, "ENTRYPOINT")) {
		val = exec_form(arg);
		if (!val)
			r = -EINVAL;
		else
			json_object_set_new(cfg, !strcmp(instr, "CMD") ? "Cmd" : "Entrypoint", val);
	} else if (!strcmp(instr, "WORKDIR") || !strcmp(instr, "USER")) {
		if (!strcmp(instr, "WORKDIR") && arg[0] != '/')
			r = -EINVAL;
		else
			json_object_set_new(cfg, !strcmp(instr, "USER") ? "User" : "WorkingDir", json_string(arg));
	} else if (!strcmp(instr, "ENV") || !strcmp(instr, "LABEL")) {
		r = split_kv(arg, &k, &v);
		if (r == 0 && !strcmp(instr, "ENV"))
			env_set(cfg, k, v);
		else if (r == 0)
			json_object_set_new(object_at(cfg, "Labels"), k, json_string(v));
	} else if (!strcmp(instr, "EXPOSE")) {
		char port[64];

		snprintf(port, sizeof(port), "%s%s", arg, strchr(arg, '/') ? "" : "/tcp");
		json_object_set_new(object_at(cfg, "ExposedPorts"), port, json_object());
	} else {
		snprintf(errbuf, errlen, "invalid change '%.80s': %s is not one of CMD, ENTRYPOINT, ENV, WORKDIR, "
			 "USER, LABEL, EXPOSE", change, instr);
		return -EINVAL;
	}
	free(k);
	free(v);
	if (r < 0)
		snprintf(errbuf, errlen, "invalid change '%.80s': bad %s argument", change, instr);
	return r;
}
