/* lite push and lite login's check (image-push.c), run in lite-image. */
#pragma once

#include "lite-err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* Push the local image ref ([REGISTRY/]REPO[:TAG]) to its registry. user:
 * "USER:PASSWORD" or NULL; listed as image_pull's. Progress lines go to
 * progress (may be NULL). *ret: {"ref","digest","id","size"}. */
int image_push(const char *data_root, const char *ref, bool insecure, const char *user, const char *listed,
	       FILE *progress, json_t **ret, struct lite_err *err);
/* GET /v2/ of registry (HOST[:PORT]) with user's credentials; 0 if the
 * registry accepts them. */
int image_push_login(const char *registry, bool insecure, const char *user, const char *listed,
		     struct lite_err *err);
/* As image_pull_set_tls_fallback, for push and login. */
void image_push_set_tls_fallback(bool on);
