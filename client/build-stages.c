/* lite build: stages. A FROM starts a stage (FROM IMAGE, FROM an earlier
 * stage's name, FROM scratch); ARGs before the first FROM are global and
 * only FROM lines see them (a stage re-declares an ARG to use it). Only the
 * stages the target needs run: the target (--target, else the last), the
 * stages it starts FROM and those its COPY --from names, transitively.
 * A base image's ONBUILD triggers run right after its FROM. */
#include "build.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strv.h"

static const char *
global_lookup(const char *name, void *build)
{
	struct build *b = build;
	json_t *v = json_object_get(b->global_args, name);

	return json_string_value(v);
}

/* ARGs before the first FROM: their defaults, or the --build-arg. */
static int
global_arg(struct build *b, const struct df_instr *in)
{
	struct lite_err err = { 0 };
	char **w = NULL;

	b->instr = in;
	if (df_expand_words(in->args, b->df.escape, global_lookup, b, &w, &err) < 0) {
		build_fail(b, "%s", err.msg);
		lite_err_clear(&err);
		return -1;
	}
	build_expand_declare(b, w, b->global_args, NULL);
	strv_free(w);
	return 0;
}

static int
split_stages(struct build *b)
{
	for (size_t i = 0; i < b->df.n; i++) {
		const struct df_instr *in = &b->df.v[i];
		struct build_stage *s;

		if (strcmp(in->keyword, "FROM")) {
			if (!b->n_stages && global_arg(b, in) < 0)
				return -1;
			continue;
		}
		s = realloc(b->stages, (b->n_stages + 1) * sizeof(*s));
		if (!s)
			return -1;
		b->stages = s;
		s = &b->stages[b->n_stages++];
		memset(s, 0, sizeof(*s));
		s->first = i;
		s->end = b->df.n;
		if (b->n_stages > 1)
			s[-1].end = i;
		/* FROM IMAGE AS NAME */
		const char *as = strcasestr(in->args, " as ");

		if (as) {
			s->name = strdup(as + 4 + strspn(as + 4, " \t"));
			for (char *c = s->name; *c; c++)
				*c = (char)tolower((unsigned char)*c);
		}
	}
	return 0;
}

static struct build_stage *
stage_named(struct build *b, const char *name, size_t before)
{
	char *end;
	long idx = strtol(name, &end, 10);

	for (size_t i = 0; i < before; i++)
		if ((!*end && idx == (long)i) || (b->stages[i].name && !strcasecmp(b->stages[i].name, name)))
			return &b->stages[i];
	return NULL;
}

/* Mark the stages the target needs. */
static int
mark_needed(struct build *b, size_t target)
{
	b->stages[target].needed = true;
	for (size_t si = target + 1; si-- > 0;) {
		struct build_stage *s = &b->stages[si], *dep;

		if (!s->needed)
			continue;
		for (size_t i = s->first; i < s->end; i++) {
			const struct df_instr *in = &b->df.v[i];
			const char *from = !strcmp(in->keyword, "COPY") ? dockerfile_flag(in, "from") : NULL;
			char base[256];

			/* the stage's own FROM may name an earlier stage too,
			 * also through a global ARG (expanded as from() does) */
			if (i == s->first) {
				struct lite_err err = { 0 };
				char **w = NULL;

				if (df_expand_words(in->args, b->df.escape, global_lookup, b, &w, &err) == 0 && w[0]) {
					snprintf(base, sizeof(base), "%s", w[0]);
					from = base;
				}
				strv_free(w);
				lite_err_clear(&err);
			}
			if (from && (dep = stage_named(b, from, si)))
				dep->needed = true;
		}
		b->steps += (unsigned)(s->end - s->first);
	}
	return 0;
}

/* The FROM line: the stage's first image and config. */
static int
from(struct build *b, struct build_stage *s)
{
	const struct df_instr *in = &b->df.v[s->first];
	const char *platform = dockerfile_flag(in, "platform");
	struct lite_err err = { 0 };
	struct build_stage *base;
	char **w = NULL;
	int r = 0;

	b->instr = in;
	if (dockerfile_unknown_flag(in, (const char *const[]){ "platform", NULL }))
		return build_fail(b, "unknown flag %s", dockerfile_unknown_flag(in, (const char *const[]){ "platform", NULL }));
	if (platform && strcmp(platform, "linux/amd64") && strcmp(platform, "$BUILDPLATFORM") &&
	    strcmp(platform, "$TARGETPLATFORM"))
		return build_fail(b, "--platform=%s: this engine builds for linux/amd64 only", platform);
	if (df_expand_words(in->args, b->df.escape, global_lookup, b, &w, &err) < 0) {
		build_fail(b, "%s", err.msg);
		lite_err_clear(&err);
		return -1;
	}
	if (!w[0] || (w[1] && (strcasecmp(w[1], "as") || !w[2] || w[3])))
		r = build_fail(b, "FROM requires IMAGE [AS NAME]");
	else if ((base = stage_named(b, w[0], (size_t)(s - b->stages))) && base->built) {
		s->image = strdup(base->image);
		s->config = json_deep_copy(base->config);
	} else if (!strcmp(w[0], "scratch")) {
		s->image = strdup("");
		s->config = json_object();
	} else if ((b->o->pull && build_commit_pull(b, w[0]) < 0) ||
		   (build_commit_inspect(w[0], &s->image, &s->config) < 0 &&
		    (b->o->pull || build_commit_pull(b, w[0]) < 0 || build_commit_inspect(w[0], &s->image, &s->config) < 0))) {
		r = build_fail(b, "base image %s not found and could not be pulled", w[0]);
	}
	strv_free(w);
	s->args = json_object();
	if (r == 0 && *s->image)
		build_say_image(b, s->image, false);
	else if (r == 0)
		build_say_image(b, "scratch", false);
	return r;
}

/* The base image's ONBUILD triggers, then none for our children. */
static int
onbuild_triggers(struct build *b)
{
	json_t *triggers = json_incref(json_object_get(b->cur->config, "OnBuild")), *t;
	size_t i;
	int r = 0;

	json_object_del(b->cur->config, "OnBuild");
	json_array_foreach(triggers, i, t) {
		struct lite_err err = { 0 };
		struct df_file f;
		char *text = NULL;

		if (r < 0 || asprintf(&text, "FROM scratch\n%s\n", json_string_value(t) ?: "") < 0)
			break;
		build_say(b, "# Executing %zu build trigger%s\n", json_array_size(triggers), json_array_size(triggers) > 1 ? "s" : "");
		b->instr = &b->df.v[b->cur->first];
		if (dockerfile_parse(text, &f, &err) < 0 || f.n != 2) {
			r = build_fail(b, "ONBUILD trigger '%s': %s", json_string_value(t), err.msg ? err.msg : "bad");
		} else {
			/* errors name the trigger and our FROM, not the
			 * synthetic text's line */
			b->trigger = json_string_value(t);
			b->trigger_line = b->df.v[b->cur->first].line;
			r = build_steps_exec(b, &f.v[1]);
			b->trigger = NULL;
		}
		if (f.n)
			dockerfile_free(&f);
		lite_err_clear(&err);
		free(text);
	}
	json_decref(triggers);
	return r;
}

static int
run_stage(struct build *b, struct build_stage *s)
{
	int r;

	b->cur = s;
	b->step++;
	build_say_step(b, b->df.v[s->first].text);
	r = from(b, s);
	if (r == 0)
		r = onbuild_triggers(b);
	for (size_t i = s->first + 1; r == 0 && i < s->end; i++) {
		b->step++;
		build_say_step(b, b->df.v[i].text);
		r = build_steps_exec(b, &b->df.v[i]);
	}
	s->built = r == 0;
	return r;
}

/* --label K=V: one more LABEL step on the target, as Docker adds them. */
static int
labels(struct build *b)
{
	const char *k;
	json_t *v, *l;
	char *text = NULL, *t;
	int r;

	if (!json_object_size(b->o->labels))
		return 0;
	if (!json_is_object(l = json_object_get(b->cur->config, "Labels")))
		json_object_set_new(b->cur->config, "Labels", l = json_object());
	json_object_foreach(b->o->labels, k, v) {
		json_object_set(l, k, v);
		if (asprintf(&t, "%s %s=\"%s\"", text ? text : "LABEL", k, json_string_value(v)) < 0)
			break;
		free(text);
		text = t;
	}
	b->instr = NULL;
	if (asprintf(&t, "/bin/sh -c #(nop) %s", text) < 0)
		t = NULL;
	r = t ? build_commit_step(b, t, NULL, NULL, NULL, NULL) : -1;
	free(text);
	free(t);
	return r;
}

int
build_stages_run(struct build *b, char **ret_id)
{
	size_t target;

	if (split_stages(b) < 0)
		return -1;
	if (!b->n_stages)
		return build_fail(b, "the Dockerfile has no FROM");
	target = b->n_stages - 1;
	if (b->o->target) {
		struct build_stage *t = stage_named(b, b->o->target, b->n_stages);

		if (!t || !t->name || strcasecmp(t->name, b->o->target))
			return build_fail(b, "target stage %s could not be found", b->o->target);
		target = (size_t)(t - b->stages);
	}
	mark_needed(b, target);
	for (size_t i = 0; i <= target; i++)
		if (b->stages[i].needed && run_stage(b, &b->stages[i]) < 0)
			return -1;
	if (labels(b) < 0)
		return -1;
	if (!*b->cur->image)
		return build_fail(b, "the image is empty: a FROM scratch stage needs at least one instruction");
	*ret_id = strdup(b->cur->image);
	return 0;
}

void
build_stages_free(struct build *b)
{
	for (size_t i = 0; i < b->n_stages; i++) {
		free(b->stages[i].name);
		free(b->stages[i].image);
		json_decref(b->stages[i].config);
		json_decref(b->stages[i].args);
	}
	free(b->stages);
}
