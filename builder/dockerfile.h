/* The Dockerfile language as Docker's classic builder reads it: parser
 * directives, comments, line continuations, one instruction per logical
 * line with its --flags and, for the exec form, its JSON argument list.
 * Pure: text in, instructions out; variables are expanded later, by the
 * builder, per instruction (df-expand.h). */
#pragma once

#include <stddef.h>

#include "lite-err.h"

struct df_instr {
	unsigned line;  /* the line the instruction starts on (1-based) */
	char *keyword;  /* upper case: "RUN", "COPY", ... */
	char **flags;   /* the leading --name=value words, as written */
	char *args;     /* the rest, continuations joined, trimmed */
	char **json;    /* the exec form (a JSON string array), else NULL */
	char *text;     /* "KEYWORD args" as history and the cache see it */
};

struct df_file {
	struct df_instr *v;
	size_t n;
	char escape;    /* '\\' or '`' (# escape=) */
	char *syntax;   /* # syntax= (ignored, kept for a note), or NULL */
	unsigned empty_continuation;  /* the first blank line inside a
				       * continuation (skipped, as Docker
				       * does, with a warning), or 0 */
};

/* Parse a whole Dockerfile. Errors name the line: "line 3: unknown
 * instruction: RUNN". Heredocs (<<EOF) are refused with a clear error. */
int dockerfile_parse(const char *text, struct df_file *ret, struct lite_err *err);
void dockerfile_free(struct df_file *f);

/* The value of flag name ("from" for --from=x) or NULL; *ret_unknown is
 * set to the first flag not in allowed (a NULL-terminated list). */
const char *dockerfile_flag(const struct df_instr *in, const char *name);
const char *dockerfile_unknown_flag(const struct df_instr *in, const char *const *allowed);
