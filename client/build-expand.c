/* lite build: variables in instructions' arguments, as the builder sees
 * them: the stage's ENV first, then its ARGs (df-expand.c does the
 * parsing). */
#include "build.h"

#include <stdlib.h>
#include <string.h>

const char *
build_expand_lookup(const char *name, void *build)
{
	struct build *b = build;
	json_t *env = json_object_get(b->cur->config, "Env"), *e;
	size_t i, n = strlen(name);

	json_array_foreach(env, i, e) {
		const char *kv = json_string_value(e);

		if (kv && !strncmp(kv, name, n) && kv[n] == '=')
			return kv + n + 1;
	}
	return json_string_value(json_object_get(b->cur->args, name));
}

int
build_expand_words(struct build *b, const char *text, char ***ret)
{
	struct lite_err err = { 0 };

	if (df_expand_words(text, b->df.escape, build_expand_lookup, b, ret, &err) < 0) {
		build_fail(b, "%s", err.msg);
		lite_err_clear(&err);
		return -1;
	}
	return 0;
}

int
build_expand_string(struct build *b, const char *text, char **ret)
{
	struct lite_err err = { 0 };

	if (df_expand_string(text, b->df.escape, build_expand_lookup, b, ret, &err) < 0) {
		build_fail(b, "%s", err.msg);
		lite_err_clear(&err);
		return -1;
	}
	return 0;
}


void
build_expand_declare(struct build *b, char **words, json_t *scope, json_t *fallback)
{
	for (char **p = words; *p; p++) {
		char *eq = strchr(*p, '=');
		json_t *given, *outer;

		if (eq)
			*eq = '\0';
		given = json_object_get(b->o->build_args, *p);
		outer = fallback ? json_object_get(fallback, *p) : NULL;
		if (given)
			json_object_set_new(b->used_args, *p, json_true());
		json_object_set_new(scope, *p, given ? json_copy(given)
					      : eq ? json_string(eq + 1)
					      : json_is_string(outer) ? json_copy(outer)
					      : json_null());
	}
}

/* Proxy variables Docker lets --build-arg set without an ARG. */
static const char *const predefined[] = {
	"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
	"NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", NULL,
};

bool
build_expand_is_proxy(const char *name)
{
	for (const char *const *p = predefined; *p; p++)
		if (!strcmp(*p, name))
			return true;
	return false;
}
