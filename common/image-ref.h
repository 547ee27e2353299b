/* Image references as Docker reads them (distribution/reference's grammar
 * and ParseNormalizedNamed): "busybox" is docker.io/library/busybox:latest,
 * "user/app" docker.io/user/app:latest, "host:5000/app" a registry's,
 * "name@sha256:HEX" a digest. Pure; unit-tested (tests/unit/test-image-ref.c).
 *
 * The store keys images by the FAMILIAR form Docker displays
 * ("busybox:latest", "user/app:1", "127.0.0.1:5000/app:1",
 * "busybox@sha256:HEX"), so every spelling of one reference finds it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define IMAGE_REF_DOCKER_HUB "docker.io"

struct image_ref {
	char domain[256]; /* "docker.io", "127.0.0.1:5000", "ghcr.io" */
	char path[256];   /* "library/busybox", "user/app" */
	char tag[129];    /* "" when none was given */
	char digest[136]; /* "sha256:HEX" or "" */
};

/* Parse s; on error returns -EINVAL and *ret_why (if set) says what is wrong
 * ("repository name must be lowercase", "invalid tag", ...). */
int image_ref_parse(const char *s, struct image_ref *ret, const char **ret_why);
/* Docker's familiar name, without tag or digest: "busybox", "user/app",
 * "host:5000/app". */
int image_ref_familiar_name(const struct image_ref *r, char *buf, size_t len);
/* The store key: familiar name with ":TAG" (":latest" when neither tag nor
 * digest was given), or "@DIGEST" when a digest was (a tag beside a digest
 * is ignored, as Docker does). -EINVAL / -ENAMETOOLONG. */
int image_ref_key(const struct image_ref *r, char *buf, size_t len);
/* The fully qualified form: "docker.io/library/busybox:latest". */
int image_ref_full(const struct image_ref *r, char *buf, size_t len);
/* parse + key in one: "docker.io/library/busybox" -> "busybox:latest". */
int image_ref_normalize(const char *s, char *buf, size_t len);
