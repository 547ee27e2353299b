/* lite-docker-api: Docker's `filters` query parameter, as the list
 * endpoints of networks, volumes and events take it: a JSON object of
 * arrays ({"name":["a","b"]}) or, from older clients, of objects
 * ({"name":{"a":true}}). Values of one key: any may match; keys: all. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "docker-http.h"

/* The request's filters, normalised to {"key":["value",...]} (NULL when
 * absent): 0, or -1 after a 400 for bad JSON or a key not in keys (NULL
 * terminated). */
int docker_filter_parse(struct http_conn *c, const struct http_req *r, const char *const *keys, json_t **ret);
/* Does an item pass? match(key, value, ctx) for each value. */
bool docker_filter_match(json_t *filters, bool (*match)(const char *key, const char *value, void *ctx), void *ctx);
/* label=KEY or label=KEY=VALUE: client/filter.c's filter_label (linked in). */
/* true/1, false/0: 0; else -1. */
int docker_filter_bool(const char *value, bool *ret);
