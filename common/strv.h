/* NULL-terminated string vectors (argv-style) and their JSON form. */
#pragma once

#include <jansson.h>
#include <stddef.h>

void strv_free(char **v);
size_t strv_length(char **v);
/* A heap copy of v (NULL v gives an empty one); NULL when out of memory. */
char **strv_copy(char **v);
/* A heap copy of the NULL-terminated argument list; NULL when out of memory. */
char **strv_new(const char *first, ...) __attribute__((sentinel));
/* A new JSON array of the strings (NULL v gives an empty array). */
json_t *strv_to_json(char **v);
/* A heap copy of a JSON array of strings; NULL if a is not such an array. */
char **strv_from_json(json_t *a);
/* Environment KEY=VALUE list: base's entries whose key overrides (a JSON
 * array of strings) does not set, then overrides. A new array. */
json_t *strv_env_overlay(char **base, json_t *overrides);
