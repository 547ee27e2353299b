/* lite events --filter KEY=VALUE: Docker's keys (type, event, container,
 * image, label, network, volume) decoded once, and an event (Docker's
 * shape: Type, Action, Actor{ID, Attributes}) matched against them:
 * values of one key are ORed, different keys ANDed. Pure code,
 * unit-tested in tests/unit/test-event-filter.c. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "lite-err.h"

enum event_filter_key {
	EVENT_F_TYPE,
	EVENT_F_EVENT,
	EVENT_F_CONTAINER,
	EVENT_F_IMAGE,
	EVENT_F_LABEL,
	EVENT_F_NETWORK,
	EVENT_F_VOLUME,
	EVENT_F_MAX
};

struct event_filter {
	char **values[EVENT_F_MAX];   /* NULL-terminated; NULL: the key is not given */
};

/* specs: "type=container" ... (NULL-terminated, may be NULL). On error a
 * one-line message naming --filter; ret holds nothing to free. */
int event_filter_parse(char *const *specs, struct event_filter *ret, struct lite_err *err);
bool event_filter_match(const struct event_filter *f, json_t *ev);
void event_filter_free(struct event_filter *f);
