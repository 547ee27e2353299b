/* lite pull: images from an OCI distribution registry (image-pull.c, run
 * in lite-image) and its pure parts, unit-tested (image-pull-ref.c):
 * reference parsing with Docker's defaults and WWW-Authenticate parsing. */
#pragma once

#include "lite-err.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PULL_DOCKER_HUB "docker.io"
#define PULL_DOCKER_HUB_API "registry-1.docker.io"

/* REGISTRY/REPO[:TAG][@DIGEST], split and defaulted like Docker does. */
struct pull_ref {
	char registry[256]; /* "docker.io", "127.0.0.1:5000", "ghcr.io" */
	char repo[256];     /* "library/busybox" */
	char tag[129];      /* "latest" unless a digest was given */
	char digest[72];    /* "sha256:HEX" or "" */
	char local[300];    /* the name to tag locally ("" for a digest-only pull) */
};

/* A WWW-Authenticate challenge: scheme Basic or Bearer and its params. */
struct pull_challenge {
	char scheme[16];
	char realm[512];
	char service[256];
	char scope[512];
	char error[64]; /* error="invalid_token" when a token was refused */
};

/* Parse ref; -EINVAL with a message if it is not a valid reference. */
int image_pull_ref_parse(const char *ref, struct pull_ref *ret, struct lite_err *err);
/* The registry's API host: docker.io's is registry-1.docker.io. */
const char *image_pull_ref_api_host(const struct pull_ref *ref);
/* Whether plain HTTP is used without --insecure (localhost, 127.0.0.1, ::1). */
bool image_pull_ref_is_local(const struct pull_ref *ref);
/* registry is one of the comma-separated HOST[:PORT] entries of list
 * (the daemon's "insecure-registries"). */
bool image_pull_ref_listed(const char *list, const char *registry);
/* A loopback, link-local, unspecified or multicast address (IPv4, IPv6,
 * IPv4-mapped IPv6): where a non-root user's pull may not connect. */
struct sockaddr;
bool image_pull_ref_addr_internal(const struct sockaddr *sa);
/* Parse a WWW-Authenticate header's value (first challenge); -EINVAL if none. */
int image_pull_auth_parse(const char *value, struct pull_challenge *ret);

/* Pull ref into the store under data_root. user: "USER:PASSWORD" or NULL.
 * listed: NULL for root (any registry); for another user the daemon's
 * insecure-registries, comma-separated: any other registry is HTTPS only
 * and never at a loopback or link-local address (redirects too).
 * max_blob: a layer blob larger than this is refused (0: no limit).
 * Progress lines ("progress JSON") go to progress (may be NULL).
 * *ret: {"id","tags","digest","downloaded","existing"}. */
int image_pull(const char *data_root, const char *ref, bool insecure, const char *user, const char *listed,
	       uint64_t max_blob, FILE *progress, json_t **ret, struct lite_err *err);
/* "registry-mirrors" (comma-separated base URLs) for docker.io pulls,
 * tried in order before docker.io itself; NULL: none. */
void image_pull_set_mirrors(const char *list);
/* insecure then means an "insecure-registries" host: HTTPS without
 * certificate checks when it speaks TLS, else plain HTTP (as Docker);
 * off: insecure is plain HTTP (--insecure). Pull, push and login. */
void image_pull_set_tls_fallback(bool on);
