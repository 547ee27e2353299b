/* The `filters` query of GET /images/json and POST /images/prune: Docker's
 * JSON ({"key":["value",...]}, or the older {"key":{"value":true}}) and
 * Docker's matching (values of one key ORed, keys ANDed, every label
 * ANDed). Pure but for the clock; unit-tested in
 * tests/unit/test-docker-image-filter.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* text (NULL or "": no filters) into {"key":["value",...]}; keys: the
 * NULL-terminated allowed keys ("label!" allows label!=...: stored as
 * key "label!"). -1 and a message naming the problem. */
int docker_image_filter_parse(const char *text, const char *const *keys, json_t **ret, char *err, size_t errlen);

/* Does the familiar reference ref ("busybox:latest") match Docker's
 * reference pattern ("busy*", "busybox:1.*")? */
bool docker_image_filter_reference(const char *pattern, const char *ref);

/* The created time (unix seconds) of the image NAME[:TAG] or id prefix
 * names in lite's `images` list, or -1. */
int64_t docker_image_filter_created(json_t *list, const char *ref);

/* One image of lite's `images` list (with its "labels") against the
 * filters: dangling, label, label!, reference, before, since, until
 * (now: unix seconds). before/since name images of list. */
bool docker_image_filter_match(json_t *filters, json_t *img, json_t *list, int64_t now);
