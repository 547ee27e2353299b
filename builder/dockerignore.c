/* .dockerignore matching (see dockerignore.h). */
#include "dockerignore.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

void
dockerignore_clean(char *path)
{
	char *out = strdup(path), *seg = path, *o;

	if (!out)
		return;   /* left as it was: only ever a less clean pattern */
	o = out;
	while (*seg) {
		size_t n = strcspn(seg, "/");

		if (n == 2 && seg[0] == '.' && seg[1] == '.') {
			/* up one; ".." above the top stays at the top */
			while (o > out && o[-1] == '/')
				o--;
			while (o > out && o[-1] != '/')
				o--;
		} else if (n && !(n == 1 && seg[0] == '.')) {
			memcpy(o, seg, n);
			o += n;
			*o++ = '/';
		}
		seg += n + (seg[n] == '/');
	}
	while (o > out && o[-1] == '/')
		o--;
	*o = '\0';
	strcpy(path, *out ? out : ".");
	free(out);
}

/* Does pattern segment list p[] match path segment list s[]? */
static bool
match_segments(char **p, char **s)
{
	if (!*p)
		return !*s;
	if (!strcmp(*p, "**")) {
		for (char **t = s;; t++) {
			if (match_segments(p + 1, t))
				return true;
			if (!*t)
				return false;
		}
	}
	if (!*s || fnmatch(*p, *s, 0) != 0)
		return false;
	return match_segments(p + 1, s + 1);
}

/* Split a path at '/' into a NULL-terminated vector over a copy. */
static char **
segments(const char *path, char **ret_copy)
{
	size_t n = 1;
	char *copy = strdup(path), **v;

	if (!copy)
		return NULL;
	for (const char *c = path; *c; c++)
		n += *c == '/';
	v = calloc(n + 1, sizeof(char *));
	if (!v) {
		free(copy);
		return NULL;
	}
	n = 0;
	for (char *save = NULL, *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save))
		v[n++] = t;
	*ret_copy = copy;
	return v;
}

bool
dockerignore_glob(const char *pattern, const char *path)
{
	char *pc = NULL, *sc = NULL, **p = segments(pattern, &pc), **s = segments(path, &sc);
	bool m = p && s && match_segments(p, s);

	free(p);
	free(s);
	free(pc);
	free(sc);
	return m;
}

/* The pattern matches the path or one of its parent directories. */
static bool
matches_or_parent(const char *pattern, const char *path)
{
	char buf[4096];
	char *slash;

	if (strlen(path) >= sizeof(buf))
		return false;
	strcpy(buf, path);
	for (;;) {
		if (dockerignore_glob(pattern, buf))
			return true;
		slash = strrchr(buf, '/');
		if (!slash)
			return false;
		*slash = '\0';
	}
}

bool
dockerignore_excluded(const struct dockerignore *di, const char *path)
{
	bool excluded = false;

	for (size_t i = 0; i < di->n; i++)
		if (matches_or_parent(di->patterns[i], path))
			excluded = !di->negated[i];
	return excluded;
}

bool
dockerignore_has_exceptions(const struct dockerignore *di)
{
	for (size_t i = 0; i < di->n; i++)
		if (di->negated[i])
			return true;
	return false;
}

static int
add(struct dockerignore *di, char *line, struct lite_err *err)
{
	bool neg = false;
	char **np;
	bool *nn;

	while (isspace((unsigned char)*line))
		line++;
	for (char *e = line + strlen(line); e > line && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	if (!*line || *line == '#')
		return 0;
	if (*line == '!') {
		neg = true;
		line++;
	}
	while (*line == '/')
		line++;
	dockerignore_clean(line);
	np = realloc(di->patterns, (di->n + 1) * sizeof(char *));
	if (np)
		di->patterns = np;
	nn = np ? realloc(di->negated, (di->n + 1) * sizeof(bool)) : NULL;
	if (!nn)
		return lite_err_set(err, ENOMEM, "out of memory");
	di->negated = nn;
	if (!(di->patterns[di->n] = strdup(line)))
		return lite_err_set(err, ENOMEM, "out of memory");
	di->negated[di->n++] = neg;
	return 0;
}

int
dockerignore_parse(const char *text, struct dockerignore *ret, struct lite_err *err)
{
	char *copy = strdup(text ? text : ""), *save = NULL;
	int r = 0;

	memset(ret, 0, sizeof(*ret));
	if (!copy)
		return lite_err_set(err, ENOMEM, "out of memory");
	for (char *line = strtok_r(copy, "\n", &save); line && r == 0; line = strtok_r(NULL, "\n", &save))
		r = add(ret, line, err);
	free(copy);
	if (r < 0)
		dockerignore_free(ret);
	return r;
}

void
dockerignore_free(struct dockerignore *di)
{
	for (size_t i = 0; i < di->n; i++)
		free(di->patterns[i]);
	free(di->patterns);
	free(di->negated);
	memset(di, 0, sizeof(*di));
}
