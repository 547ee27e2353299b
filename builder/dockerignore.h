/* .dockerignore patterns with Docker's rules: one pattern per line, #
 * comments, a leading / is dropped, paths are cleaned, '*' and '?' and
 * [...] match within one path segment, '**' any number of segments, a
 * leading '!' re-includes, and the last matching line wins. A pattern
 * that matches a directory excludes what is below it. Pure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "lite-err.h"

struct dockerignore {
	char **patterns;   /* cleaned, without the '!' */
	bool *negated;
	size_t n;
};

int dockerignore_parse(const char *text, struct dockerignore *ret, struct lite_err *err);
void dockerignore_free(struct dockerignore *di);
/* Is the context-relative path ("a/b.txt", no leading /) left out? */
bool dockerignore_excluded(const struct dockerignore *di, const char *path);
/* Does any '!' pattern exist (then an excluded directory must still be
 * walked for files that are re-included)? */
bool dockerignore_has_exceptions(const struct dockerignore *di);
/* Match one pattern against a whole path, segment by segment ('**' too):
 * also what COPY's wildcards use (without '**'). */
bool dockerignore_glob(const char *pattern, const char *path);
/* Clean a path as Go's filepath.Clean, relative: "./a//b/../c/" -> "a/c",
 * "" or "." -> ".". In place. */
void dockerignore_clean(char *path);
