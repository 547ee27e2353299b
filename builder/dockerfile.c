/* Dockerfile parsing (see dockerfile.h). Docker's rules, in order:
 * parser directives only before the first comment, blank line or
 * instruction; a line ending in the escape character continues on the
 * next; comment lines (# first) inside a continuation are dropped; the
 * keyword is case-insensitive; flags are the leading "--x=y" words of
 * instructions that take them. */
#include "dockerfile.h"

#include "cleanup.h"
#include "strv.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const keywords[] = {
	"FROM", "ARG", "ENV", "LABEL", "RUN", "COPY", "ADD", "WORKDIR", "USER", "EXPOSE", "VOLUME", "CMD",
	"ENTRYPOINT", "HEALTHCHECK", "STOPSIGNAL", "ONBUILD", "SHELL", "MAINTAINER", NULL,
};

/* Instructions whose leading --words are flags (the others take "--" as
 * text: RUN echo --x is a command). */
static const char *const flagged[] = { "FROM", "COPY", "ADD", "RUN", "HEALTHCHECK", NULL };

static bool
in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* "# key=value" parser directives: only at the very top. */
static bool
directive(struct df_file *f, const char *line, bool *done)
{
	char key[32], val[256];

	if (*done || sscanf(line, "# %31[a-zA-Z] = %255s", key, val) != 2) {
		*done = true;
		return false;
	}
	if (!strcasecmp(key, "escape") && (!strcmp(val, "`") || !strcmp(val, "\\")))
		f->escape = val[0];
	else if (!strcasecmp(key, "syntax") && !f->syntax)
		f->syntax = strdup(val);
	else
		*done = true;
	return !*done;
}

/* The exec form: a JSON array of strings, else NULL (the shell form). */
static char **
exec_form(const char *args)
{
	json_auto_t *a = NULL;

	if (args[0] != '[')
		return NULL;
	a = json_loads(args, JSON_DECODE_ANY, NULL);
	return json_is_array(a) ? strv_from_json(a) : NULL;
}

static int
split_flags(struct df_instr *in, char *rest, struct lite_err *err)
{
	char *p = rest;

	in->flags = strv_new(NULL, NULL);
	while (in_list(flagged, in->keyword) && p[0] == '-' && p[1] == '-' && p[2] && !isspace((unsigned char)p[2])) {
		size_t n = strcspn(p, " \t");
		char **nv = realloc(in->flags, (strv_length(in->flags) + 2) * sizeof(char *));

		if (!nv)
			return lite_err_set(err, ENOMEM, "out of memory");
		in->flags = nv;
		nv[strv_length(nv) + 1] = NULL;
		nv[strv_length(nv)] = strndup(p, n);
		p = trim(p + n);
	}
	in->args = strdup(p);
	in->json = exec_form(in->args);
	return 0;
}

/* RUN <<EOF, COPY <<-"EOF" ...: BuildKit's heredocs, which this builder
 * (like Docker's classic one) does not take. */
static bool
heredoc(const char *keyword, const char *args)
{
	const char *h = strstr(args, "<<");

	if (!h || (strcmp(keyword, "RUN") && strcmp(keyword, "COPY") && strcmp(keyword, "ADD")))
		return false;
	h += 2;
	if (*h == '-')
		h++;
	return *h == '"' || *h == '\'' || isupper((unsigned char)*h);
}

static int
add_instr(struct df_file *f, unsigned line, char *logical, struct lite_err *err)
{
	struct df_instr *in, *nv;
	char *s = trim(logical), *rest;
	size_t klen = strcspn(s, " \t");

	nv = realloc(f->v, (f->n + 1) * sizeof(*f->v));
	if (!nv)
		return lite_err_set(err, ENOMEM, "out of memory");
	f->v = nv;
	in = &f->v[f->n++];
	memset(in, 0, sizeof(*in));
	in->line = line;
	in->keyword = strndup(s, klen);
	for (char *k = in->keyword; *k; k++)
		*k = (char)toupper((unsigned char)*k);
	if (!in_list(keywords, in->keyword))
		return lite_err_set(err, EINVAL, "line %u: unknown instruction: %s", line, in->keyword);
	rest = trim(s + klen);
	if (heredoc(in->keyword, rest))
		return lite_err_set(err, EINVAL, "line %u: %s: heredocs (<<EOF) are not supported", line, in->keyword);
	if (split_flags(in, rest, err) < 0)
		return -ENOMEM;
	if (!*in->args && strcmp(in->keyword, "ONBUILD") != 0)
		return lite_err_set(err, EINVAL, "line %u: %s requires at least one argument", line, in->keyword);
	if (asprintf(&in->text, "%s %s", in->keyword, trim(s + klen)) < 0)
		return lite_err_set(err, ENOMEM, "out of memory");
	return 0;
}

/* Does this physical line end in the escape character (a continuation)?
 * Strips it (and trailing blanks) when so. */
static bool
continues(char *line, char escape)
{
	size_t n = strlen(line);

	while (n && isspace((unsigned char)line[n - 1]))
		n--;
	if (!n || line[n - 1] != escape)
		return false;
	line[n - 1] = '\0';
	return true;
}

static int
append(char **buf, size_t *len, const char *s)
{
	size_t n = strlen(s);
	char *nb = realloc(*buf, *len + n + 2);

	if (!nb)
		return -ENOMEM;
	memcpy(nb + *len, s, n);
	*len += n;
	nb[*len] = '\0';
	*buf = nb;
	return 0;
}

int
dockerfile_parse(const char *text, struct df_file *ret, struct lite_err *err)
{
	_cleanup_free_ char *copy = strdup(text ? text : ""), *logical = NULL;
	bool directives_done = false;
	unsigned lineno = 0, start = 0;
	size_t llen = 0;
	char *line;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	ret->escape = '\\';
	if (!copy)
		return lite_err_set(err, ENOMEM, "out of memory");
	for (char *p = copy; p && r == 0; lineno++) {
		line = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
		if (line[0] && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		if (!logical && line[0] == '#' && directive(ret, line, &directives_done))
			continue;
		if (*trim(line) == '#' || !*trim(line)) {
			/* a comment or a blank line, also between continued
			 * lines (Docker skips a blank one there, with a warning) */
			if (logical && !*trim(line) && !ret->empty_continuation)
				ret->empty_continuation = lineno + 1;
			directives_done = true;
			continue;
		}
		directives_done = true;
		if (!logical)
			start = lineno + 1;
		bool more = continues(line, ret->escape);
		if (append(&logical, &llen, line) < 0 || (more && append(&logical, &llen, " ") < 0))
			r = lite_err_set(err, ENOMEM, "out of memory");
		if (!more && r == 0) {
			r = add_instr(ret, start, logical, err);
			free(logical);
			logical = NULL;
			llen = 0;
		}
	}
	if (r == 0 && logical && *trim(logical))
		r = add_instr(ret, start, logical, err);
	if (r == 0 && ret->n == 0)
		r = lite_err_set(err, EINVAL, "the Dockerfile has no instructions");
	if (r == 0 && strcmp(ret->v[0].keyword, "FROM") != 0 && strcmp(ret->v[0].keyword, "ARG") != 0)
		r = lite_err_set(err, EINVAL, "line %u: the first instruction must be FROM (or ARG), not %s", ret->v[0].line,
				 ret->v[0].keyword);
	if (r < 0)
		dockerfile_free(ret);
	return r;
}

void
dockerfile_free(struct df_file *f)
{
	for (size_t i = 0; f->v && i < f->n; i++) {
		free(f->v[i].keyword);
		strv_free(f->v[i].flags);
		free(f->v[i].args);
		strv_free(f->v[i].json);
		free(f->v[i].text);
	}
	free(f->v);
	free(f->syntax);
	memset(f, 0, sizeof(*f));
}

const char *
dockerfile_flag(const struct df_instr *in, const char *name)
{
	size_t n = strlen(name);

	for (char **f = in->flags; f && *f; f++)
		if (!strncmp(*f + 2, name, n) && (*f)[2 + n] == '=')
			return *f + 3 + n;
	return NULL;
}

const char *
dockerfile_unknown_flag(const struct df_instr *in, const char *const *allowed)
{
	for (char **f = in->flags; f && *f; f++) {
		size_t n = strcspn(*f + 2, "=");
		bool ok = false;

		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strlen(*a) == n && !strncmp(*f + 2, *a, n) && (*f)[2 + n] == '=';
		if (!ok)
			return *f;
	}
	return NULL;
}
