/* lite build: the instructions that only change the image's config (ENV,
 * LABEL, CMD, ENTRYPOINT, WORKDIR, USER, EXPOSE, VOLUME, HEALTHCHECK,
 * STOPSIGNAL, ONBUILD, SHELL, ARG, MAINTAINER), and the one path every
 * step ends on: the cache, then image_derive. History entries read as
 * Docker's classic builder writes them: "/bin/sh -c #(nop) ENV A=b" for a
 * step without a layer. */
#include "build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "duration.h"
#include "parse.h"
#include "strv.h"

/* A metadata-only step: the config changed, no layer. */
static int
nop(struct build *b, const char *what, const char *extra)
{
	char *by = NULL;
	int r;

	if (asprintf(&by, "/bin/sh -c #(nop) %s", what) < 0)
		return -1;
	r = build_commit_step(b, by, extra, NULL, NULL, NULL);
	free(by);
	return r;
}

/* A metadata-only step, its history text from the expanded words (so a
 * changed build arg changes the key, and the history reads "ENV A=2", as
 * Docker's does); extra: in the key only. */
static int
nop_words(struct build *b, const char *keyword, char **words, const char *extra)
{
	size_t len = strlen(keyword) + 1;
	char *text, *by = NULL;
	int r;

	for (char **p = words; p && *p; p++)
		len += strlen(*p) + 1;
	if (!(text = calloc(1, len)))
		return -1;
	strcat(text, keyword);
	for (char **p = words; p && *p; p++)
		strcat(strcat(text, " "), *p);
	if (asprintf(&by, "/bin/sh -c #(nop) %s", text) < 0)
		by = NULL;
	free(text);
	if (!by)
		return -1;
	r = build_commit_step(b, by, extra, NULL, NULL, NULL);
	free(by);
	return r;
}

/* Set KEY=VALUE in Env, replacing an existing KEY. */
static void
env_set(json_t *config, const char *k, const char *v)
{
	json_t *env = json_object_get(config, "Env"), *e;
	size_t i, n = strlen(k);
	char *kv = NULL;

	if (!json_is_array(env))
		json_object_set_new(config, "Env", env = json_array());
	if (asprintf(&kv, "%s=%s", k, v) < 0)
		return;
	json_array_foreach(env, i, e)
		if (!strncmp(json_string_value(e) ?: "", k, n) && json_string_value(e)[n] == '=') {
			json_array_set_new(env, i, json_string(kv));
			free(kv);
			return;
		}
	json_array_append_new(env, json_string(kv));
	free(kv);
}

/* ENV and LABEL: KEY=VALUE words, or the old "KEY VALUE..." form. */
static int
key_values(struct build *b, const struct df_instr *in, bool env)
{
	json_t *labels = json_object_get(b->cur->config, "Labels");
	char **w = NULL;
	bool kv_form;
	int r = build_expand_words(b, in->args, &w);

	if (r < 0)
		return r;
	if (!env && !json_is_object(labels))
		json_object_set_new(b->cur->config, "Labels", labels = json_object());
	kv_form = w[0] && strchr(w[0], '=');
	if (w[0] && !kv_form) {
		/* ENV KEY the value: the rest of the line, as written */
		const char *rest = in->args + strcspn(in->args, " \t");
		char *val = NULL, *kv = NULL;

		rest += strspn(rest, " \t");
		if (!w[1] || build_expand_string(b, rest, &val) < 0)
			r = w[1] ? -1 : build_fail(b, "%s needs KEY=VALUE (or KEY VALUE)", in->keyword);
		else if (env)
			env_set(b->cur->config, w[0], val);
		else
			json_object_set_new(labels, w[0], json_string(val));
		if (r == 0 && asprintf(&kv, "%s=%s", w[0], val) >= 0) {
			strv_free(w);
			w = strv_new(kv, NULL);
		}
		free(kv);
		free(val);
	}
	for (char **p = w; r == 0 && *p && kv_form; p++) {
		char *eq = strchr(*p, '=');

		if (!eq || eq == *p) {
			r = build_fail(b, "%s: '%s' is not KEY=VALUE", in->keyword, *p);
			break;
		}
		*eq = '\0';
		if (env)
			env_set(b->cur->config, *p, eq + 1);
		else
			json_object_set_new(labels, *p, json_string(eq + 1));
		*eq = '=';
	}
	if (r == 0)
		r = nop_words(b, in->keyword, w, NULL);
	strv_free(w);
	return r;
}

/* CMD and ENTRYPOINT (and HEALTHCHECK's CMD): the exec form as written, the
 * shell form through SHELL (default /bin/sh -c). */
static json_t *
command(struct build *b, const struct df_instr *in, const char *args)
{
	json_t *shell = json_object_get(b->cur->config, "Shell"), *cmd;
	char **json = args == in->args ? in->json : NULL;

	if (json)
		return strv_to_json(json);
	cmd = json_is_array(shell) && json_array_size(shell) ? json_deep_copy(shell) : json_pack("[s,s]", "/bin/sh", "-c");
	json_array_append_new(cmd, json_string(args));
	return cmd;
}

static int
healthcheck(struct build *b, const struct df_instr *in)
{
	static const char *const flags[] = { "interval", "timeout", "start-period", "retries", NULL };
	static const char *const keys[] = { "Interval", "Timeout", "StartPeriod", NULL };
	const char *bad = dockerfile_unknown_flag(in, flags), *v;
	json_t *hc = json_object();
	long long retries;
	int64_t ns;

	if (bad)
		return json_decref(hc), build_fail(b, "HEALTHCHECK: unknown flag %s", bad);
	if (!strcasecmp(in->args, "NONE")) {
		json_object_set_new(hc, "Test", json_pack("[s]", "NONE"));
	} else if (!strncasecmp(in->args, "CMD", 3) && (in->args[3] == ' ' || in->args[3] == '\t')) {
		const char *rest = in->args + 4;
		json_auto_t *a = NULL;

		rest += strspn(rest, " \t");
		a = rest[0] == '[' ? json_loads(rest, 0, NULL) : NULL;
		if (json_is_array(a))
			json_object_set_new(hc, "Test", json_pack("[s]", "CMD")), json_array_extend(json_object_get(hc, "Test"), a);
		else
			json_object_set_new(hc, "Test", json_pack("[s,s]", "CMD-SHELL", rest));
	} else {
		return json_decref(hc), build_fail(b, "HEALTHCHECK: expected CMD ... or NONE");
	}
	for (size_t i = 0; keys[i]; i++) {
		if (!(v = dockerfile_flag(in, flags[i])))
			continue;
		if (duration_parse(v, &ns) < 0 || ns < 0)
			return json_decref(hc), build_fail(b, "HEALTHCHECK: --%s: bad duration '%s'", flags[i], v);
		json_object_set_new(hc, keys[i], json_integer(ns));
	}
	if ((v = dockerfile_flag(in, "retries"))) {
		if (parse_int_range(v, 0, 1000000, &retries) < 0)
			return json_decref(hc), build_fail(b, "HEALTHCHECK: --retries: bad number '%s'", v);
		json_object_set_new(hc, "Retries", json_integer(retries));
	}
	json_object_set_new(b->cur->config, "Healthcheck", hc);
	return nop(b, in->text, NULL);
}

/* EXPOSE 80 443/udp 8000-8002 and VOLUME /a /b (or ["/a"]). */
static int
set_of_keys(struct build *b, const struct df_instr *in, const char *field)
{
	json_t *set = json_object_get(b->cur->config, field);
	char **w = NULL;
	bool ports = !strcmp(field, "ExposedPorts");
	int r;

	if (in->json)
		w = strv_copy(in->json);
	else if (build_expand_words(b, in->args, &w) < 0)
		return -1;
	if (!json_is_object(set))
		json_object_set_new(b->cur->config, field, set = json_object());
	for (char **p = w; *p; p++) {
		unsigned lo, hi;
		char proto[8] = "tcp", key[32];
		int n = 0;

		if (!ports) {
			json_object_set_new(set, *p, json_object());
			continue;
		}
		if (sscanf(*p, "%u%n", &lo, &n) != 1 || lo == 0 || lo > 65535)
			goto bad;
		hi = lo;
		if ((*p)[n] == '-' && sscanf(*p + n + 1, "%u%n", &hi, &(int){ 0 }) == 1)
			n += 1 + (int)strspn(*p + n + 1, "0123456789");
		if (hi < lo || hi > 65535 || ((*p)[n] && ((*p)[n] != '/' || sscanf(*p + n + 1, "%7s", proto) != 1)) ||
		    (strcmp(proto, "tcp") && strcmp(proto, "udp") && strcmp(proto, "sctp")))
			goto bad;
		for (unsigned port = lo; port <= hi; port++) {
			snprintf(key, sizeof(key), "%u/%s", port, proto);
			json_object_set_new(set, key, json_object());
		}
		continue;
bad:
		r = build_fail(b, "EXPOSE: invalid port '%s' (PORT[-PORT][/tcp|udp])", *p);
		strv_free(w);
		return r;
	}
	r = nop_words(b, in->keyword, w, NULL);
	strv_free(w);
	return r;
}

static int
workdir(struct build *b, const struct df_instr *in);

/* ARG NAME[=default]: the value is the --build-arg, else the default, else
 * (for a name declared before FROM) the global default. */
static int
arg(struct build *b, const struct df_instr *in)
{
	char **w = NULL, *extra = NULL;
	int r = build_expand_words(b, in->args, &w);

	if (r < 0)
		return r;
	build_expand_declare(b, w, b->cur->args, b->global_args);
	/* the key holds the values the ARGs resolved to: a changed
	 * --build-arg rebuilds from here */
	for (char **p = w; *p; p++) {
		json_t *v = json_object_get(b->cur->args, *p);
		char *t = NULL;

		if (asprintf(&t, "%s%s%s=%s", extra ? extra : "", extra ? "\n" : "", *p,
			     json_is_string(v) ? json_string_value(v) : "(none)") < 0)
			t = NULL;
		free(extra);
		if (!(extra = t))
			break;
	}
	r = nop(b, in->text, extra);
	free(extra);
	strv_free(w);
	return r;
}

static int
simple_field(struct build *b, const struct df_instr *in, const char *field)
{
	char *v = NULL;

	if (build_expand_string(b, in->args, &v) < 0)
		return -1;
	json_object_set_new(b->cur->config, field, json_string(v));
	char *words[] = { v, NULL };
	int r = nop_words(b, in->keyword, words, NULL);

	free(v);
	return r;
}

static int
cmd_or_entrypoint(struct build *b, const struct df_instr *in, bool entrypoint)
{
	json_object_set_new(b->cur->config, entrypoint ? "Entrypoint" : "Cmd", command(b, in, in->args));
	/* Docker: an ENTRYPOINT clears a CMD the base image set, not one
	 * this stage set */
	if (entrypoint && !b->cur->cmd_set)
		json_object_set_new(b->cur->config, "Cmd", json_null());
	if (!entrypoint)
		b->cur->cmd_set = true;
	return nop(b, in->text, NULL);
}

static int
shell(struct build *b, const struct df_instr *in)
{
	if (!in->json || !in->json[0])
		return build_fail(b, "SHELL must be written in the exec form: SHELL [\"executable\", \"parameters\"]");
	json_object_set_new(b->cur->config, "Shell", strv_to_json(in->json));
	return nop(b, in->text, NULL);
}

static int
onbuild(struct build *b, const struct df_instr *in)
{
	json_t *triggers = json_object_get(b->cur->config, "OnBuild");
	const char *what = in->args;
	size_t k = strcspn(what, " \t");

	if (!*what || (k == 7 && !strncasecmp(what, "ONBUILD", 7)) || (k == 4 && !strncasecmp(what, "FROM", 4)) ||
	    (k == 10 && !strncasecmp(what, "MAINTAINER", 10)))
		return build_fail(b, "ONBUILD: %.*s is not allowed as a trigger", (int)k, what);
	/* the trigger must parse now, not fail in a child build later */
	struct lite_err err = { 0 };
	struct df_file f;
	char *text = NULL;
	int r = asprintf(&text, "FROM scratch\n%s\n", what) < 0 ? -1 : dockerfile_parse(text, &f, &err);

	free(text);
	if (r == 0)
		dockerfile_free(&f);
	else
		r = build_fail(b, "ONBUILD: %s", err.msg ? err.msg + (strncmp(err.msg, "line ", 5) ? 0 : strcspn(err.msg, ":") + 2)
							  : "out of memory");
	lite_err_clear(&err);
	if (r < 0)
		return r;
	if (!json_is_array(triggers))
		json_object_set_new(b->cur->config, "OnBuild", triggers = json_array());
	json_array_append_new(triggers, json_string(what));
	return nop(b, in->text, NULL);
}

int
build_steps_exec(struct build *b, const struct df_instr *in)
{
	const char *k = in->keyword;

	b->instr = in;
	if (strcmp(k, "RUN") && strcmp(k, "COPY") && strcmp(k, "ADD") && strcmp(k, "FROM") &&
	    strcmp(k, "HEALTHCHECK") && in->flags && in->flags[0])
		return build_fail(b, "unknown flag %s", in->flags[0]);
	if (!strcmp(k, "RUN"))
		return build_run_exec(b, in);
	if (!strcmp(k, "COPY") || !strcmp(k, "ADD"))
		return build_copy_exec(b, in, !strcmp(k, "ADD"));
	if (!strcmp(k, "ENV") || !strcmp(k, "LABEL"))
		return key_values(b, in, !strcmp(k, "ENV"));
	if (!strcmp(k, "CMD") || !strcmp(k, "ENTRYPOINT"))
		return cmd_or_entrypoint(b, in, !strcmp(k, "ENTRYPOINT"));
	if (!strcmp(k, "WORKDIR"))
		return workdir(b, in);
	if (!strcmp(k, "USER"))
		return simple_field(b, in, "User");
	if (!strcmp(k, "STOPSIGNAL"))
		return simple_field(b, in, "StopSignal");
	if (!strcmp(k, "EXPOSE"))
		return set_of_keys(b, in, "ExposedPorts");
	if (!strcmp(k, "VOLUME"))
		return set_of_keys(b, in, "Volumes");
	if (!strcmp(k, "HEALTHCHECK"))
		return healthcheck(b, in);
	if (!strcmp(k, "ARG"))
		return arg(b, in);
	if (!strcmp(k, "ONBUILD"))
		return onbuild(b, in);
	if (!strcmp(k, "SHELL"))
		return shell(b, in);
	if (!strcmp(k, "MAINTAINER"))
		return nop(b, in->text, NULL);
	return build_fail(b, "%s is not allowed here", k);
}

/* WORKDIR: relative to the previous one; a missing directory is made (a
 * layer with it, as Docker's builder does; lite-image checks the parent
 * image: "mkdir"). */
static int
workdir(struct build *b, const struct df_instr *in)
{
	const char *cur = json_string_value(json_object_get(b->cur->config, "WorkingDir"));
	const char *user = json_string_value(json_object_get(b->cur->config, "User"));
	char *v = NULL, *path = NULL, *by = NULL, *owner = NULL;
	long uid = 0, gid = 0;
	int r;

	if (build_expand_string(b, in->args, &v) < 0)
		return -1;
	if (v[0] == '/')
		path = strdup(v);
	else if (asprintf(&path, "%s/%s", cur && *cur ? cur : "", v) < 0)
		path = NULL;
	free(v);
	if (!path)
		return -1;
	dockerignore_clean(path + 1);
	if (!strcmp(path, "/."))
		path[1] = '\0';
	json_object_set_new(b->cur->config, "WorkingDir", json_string(path));
	r = asprintf(&by, "/bin/sh -c #(nop) WORKDIR %s", path) < 0 ? -1 : 0;
	/* made for the USER, as podman build and BuildKit make it */
	if (r == 0 && user && *user && build_copy_owner(b, user, &uid, &gid) < 0)
		r = -1;
	if (r == 0 && asprintf(&owner, "%ld:%ld", uid, gid) < 0)
		r = -1;
	if (r == 0)
		r = build_commit_step(b, by, NULL, json_pack("{s:s,s:s}", "mkdir", path, "mkdir_owner", owner), NULL, NULL);
	free(owner);
	free(by);
	free(path);
	return r;
}
