/* lite build: RUN. The command runs in an ordinary container of the
 * caller's, made from the stage's current image (run, then wait), so it
 * gets exactly `lite run`'s namespaces, cgroups, user namespace and
 * security defaults; its changes become the step's layer (image_derive
 * with the container, the same diff and whiteouts as commit); the
 * container is removed whatever happens. Build args in scope are in its
 * environment, not in the image, and in the history and cache key the way
 * Docker's classic builder puts them: "|2 A=1 B=2 /bin/sh -c make". */
#include "build.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strv.h"

/* Does the image's Env set name? */
static bool
env_has(json_t *config, const char *name)
{
	json_t *e;
	size_t i, n = strlen(name);

	json_array_foreach(json_object_get(config, "Env"), i, e) {
		const char *kv = json_string_value(e);

		if (kv && !strncmp(kv, name, n) && kv[n] == '=')
			return true;
	}
	return false;
}

/* "K=V" for every ARG in scope that has a value, but for names ENV sets:
 * an ENV overrides an ARG of the same name (Docker). */
static json_t *
arg_env(struct build *b)
{
	json_t *env = json_array(), *v;
	const char *k;

	json_object_foreach(b->cur->args, k, v) {
		char *kv = NULL;

		if (env_has(b->cur->config, k))
			continue;
		if (json_is_string(v) && asprintf(&kv, "%s=%s", k, json_string_value(v)) >= 0)
			json_array_append_new(env, json_string(kv));
		free(kv);
	}
	return env;
}

/* The proxy variables --build-arg gives and no ARG declared: in RUN's
 * environment only (not in the history or the key, as Docker does). */
static void
proxy_env(struct build *b, json_t *env)
{
	json_t *v;
	const char *k;

	json_object_foreach(b->o->build_args, k, v) {
		char *kv = NULL;

		if (!build_expand_is_proxy(k) || json_object_get(b->cur->args, k) || env_has(b->cur->config, k))
			continue;
		if (json_is_string(v) && asprintf(&kv, "%s=%s", k, json_string_value(v)) >= 0)
			json_array_append_new(env, json_string(kv));
		free(kv);
	}
}

/* Docker's created_by: the command as the shell runs it, after "|N K=V ...". */
static char *
created_by(json_t *cmd, json_t *env)
{
	size_t i, n = json_array_size(env);
	char *s = NULL, *t;
	json_t *e;

	if (n && asprintf(&s, "|%zu", n) < 0)
		return NULL;
	json_array_foreach(env, i, e) {
		if (asprintf(&t, "%s %s", s, json_string_value(e)) < 0)
			return free(s), NULL;
		free(s);
		s = t;
	}
	json_array_foreach(cmd, i, e) {
		if (asprintf(&t, "%s%s%s", s ? s : "", s ? " " : "", json_string_value(e)) < 0)
			return free(s), NULL;
		free(s);
		s = t;
	}
	return s;
}

static json_t *
run_command(struct build *b, const struct df_instr *in)
{
	json_t *shell = json_object_get(b->cur->config, "Shell"), *cmd;

	if (in->json)
		return strv_to_json(in->json);
	cmd = json_is_array(shell) && json_array_size(shell) ? json_deep_copy(shell) : json_pack("[s,s]", "/bin/sh", "-c");
	json_array_append_new(cmd, json_string(in->args));
	return cmd;
}

/* Run it attached (output streams to ours) or, quiet, detached and waited
 * for. The container's exit code, or -1 when it could not be run. */
static int
run_container(struct build *b, json_t *params, char **ret_id)
{
	bool attach = !b->o->quiet && b->o->progress == BUILD_PROGRESS_PLAIN;
	struct stream_opts so = { .sig_proxy = false };
	json_t *res = NULL;
	struct conn c;
	int r;

	json_object_set_new(params, "attach", json_boolean(attach));
	if (conn_open(&c) < 0) {
		json_decref(params);
		return -1;
	}
	r = conn_call(&c, "run", params, &res);
	if (r == 0) {
		*ret_id = strdup(json_string_value(json_object_get(res, "id")) ?: "");
		build_signal_add_container(*ret_id);
		build_say(b, " ---> Running in %.12s\n", *ret_id);
		fflush(stdout);
		r = attach ? cmd_run_stream_attached(&c, res, &so) : 0;
	}
	conn_close(&c);
	json_decref(res);
	if (r == 0 && !attach) {
		res = NULL;
		r = client_call_once("wait", json_pack("{s:s}", "id", *ret_id), &res) < 0
			? -1
			: (int)json_integer_value(json_object_get(res, "exit_code"));
		json_decref(res);
	}
	return r;
}

/* After a failed RUN that was not streamed: its last lines. */
static void
show_tail(const char *id)
{
	struct conn c;
	json_t *res = NULL;

	build_say_break();
	if (conn_open(&c) < 0)
		return;
	if (conn_call(&c, "logs", json_pack("{s:s,s:i}", "id", id, "tail", 10), &res) == 0)
		while (conn_drain_frames(&c) < 0 && conn_fill(&c) > 0)
			;
	json_decref(res);
	conn_close(&c);
}

static void
remove_container(const char *id)
{
	json_t *res = NULL;

	if (id && *id && client_call_once("rm", json_pack("{s:s,s:b,s:b}", "id", id, "force", 1, "volumes", 1), &res) == 0)
		json_decref(res);
	build_signal_drop_container(id);
}

int
build_run_exec(struct build *b, const struct df_instr *in)
{
	json_t *cmd, *env, *params;
	char *by, *id = NULL;
	int code, r;

	if (in->flags && in->flags[0])
		return build_fail(b, "%s: RUN flags (BuildKit's --mount, --network, ...) are not supported",
				  in->flags[0]);
	if (!*b->cur->image)
		return build_fail(b, "RUN needs a file system: this stage starts FROM scratch and has no layers yet");
	cmd = run_command(b, in);
	env = arg_env(b);
	by = created_by(cmd, env);
	proxy_env(b, env);
	params = json_pack("{s:s,s:o,s:[],s:o}", "image", b->cur->image, "cmd", cmd, "entrypoint", "env", env);
	if (b->o->network)
		json_object_set_new(params, "network", json_string(b->o->network));
	/* the cache first: on a hit the command does not run */
	r = build_commit_cached(b, by, NULL);
	if (r == 0) {
		json_decref(params);
		free(by);
		return 0;
	}
	code = run_container(b, params, &id);
	if (code != 0) {
		if (code > 0 && (b->o->quiet || b->o->progress != BUILD_PROGRESS_PLAIN))
			show_tail(id);
		r = code < 0 ? build_fail(b, "could not run the command")
			     : build_fail(b, "the command '%s' returned a non-zero code: %d", by, code);
	} else {
		r = build_commit_step(b, by, NULL, json_pack("{s:s}", "container", id), NULL, NULL);
	}
	remove_container(id);
	free(id);
	free(by);
	return r;
}
