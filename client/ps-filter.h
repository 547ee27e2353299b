/* What each lite ps --filter key means for a row (ps-filter.c). */
#pragma once

#include <jansson.h>

#include "filter.h"

/* ps's keys, for filter_add. */
extern const char *const ps_filter_keys[];

/* Check values that need the list (before=, since= name a container;
 * status, health, exited, publish and expose take fixed forms): -1 with a
 * message in err. */
int ps_filter_check(const struct filter_set *s, json_t *list, char *err, size_t errlen);
/* Row i of list (the daemon's ps reply with "details", newest first). */
bool ps_filter_row(const struct filter_set *s, json_t *list, size_t i);
/* Whether the filters need the daemon's per-container details. */
bool ps_filter_needs_details(const struct filter_set *s);
