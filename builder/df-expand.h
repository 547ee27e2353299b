/* Variable substitution and quoting in Dockerfile arguments, as Docker's
 * builder does them for ADD, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL,
 * USER, VOLUME, WORKDIR and ARG: $VAR, ${VAR}, ${VAR:-default},
 * ${VAR:+alternative}; '...' is literal, "..." expands; the escape
 * character (\ or `) takes the next character literally. Pure. */
#pragma once

#include "lite-err.h"

/* The value of a variable, or NULL when unset. */
typedef const char *(*df_lookup_fn)(const char *name, void *userdata);

/* Split into words at unquoted blanks, removing quotes and expanding
 * variables. A new NULL-terminated vector. */
int df_expand_words(const char *in, char escape, df_lookup_fn lookup, void *userdata, char ***ret,
		    struct lite_err *err);
/* The same, keeping blanks: one string (WORKDIR /a b, USER). */
int df_expand_string(const char *in, char escape, df_lookup_fn lookup, void *userdata, char **ret,
		     struct lite_err *err);
