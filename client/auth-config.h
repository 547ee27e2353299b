/* Registry credentials in Docker's config.json shape (auth-config.c):
 *   {"auths": {"HOST": {"auth": base64("USER:PASSWORD")}}}
 * Pure (no files): lite login/logout (cmd-login.c) read and write the
 * document, pull and push look credentials up in it. Unit-tested. */
#pragma once

#include <jansson.h>
#include <stddef.h>

/* The key Docker uses for Docker Hub. */
#define AUTH_CONFIG_HUB_KEY "https://index.docker.io/v1/"

/* The key a registry is stored under: AUTH_CONFIG_HUB_KEY for docker.io
 * (and its aliases), else the host[:port] as given. */
const char *auth_config_key(const char *registry);
/* "USER:PASSWORD" for registry from cfg (also under "https://HOST",
 * "http://HOST", and the docker.io aliases); NULL if none (caller frees). */
char *auth_config_find(json_t *cfg, const char *registry);
/* Store user:password for registry in cfg (made an object if needed); -errno. */
int auth_config_set(json_t *cfg, const char *registry, const char *user, const char *password);
/* Remove every entry for registry; 1 if one was there, 0 if none. */
int auth_config_remove(json_t *cfg, const char *registry);
/* Base64 (RFC 4648, padded). encode: a new string; decode: a new
 * NUL-terminated buffer, NULL if malformed. */
char *auth_config_b64_encode(const void *data, size_t len);
char *auth_config_b64_decode(const char *s, size_t *ret_len);
