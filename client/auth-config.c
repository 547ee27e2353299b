/* Registry credentials in Docker's config.json format: key spelling,
 * lookup, store and remove, base64. See auth-config.h. Pure. */
#include "auth-config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static bool
is_hub(const char *r)
{
	return !strcmp(r, "docker.io") || !strcmp(r, "index.docker.io") || !strcmp(r, "registry-1.docker.io") ||
	       !strcmp(r, AUTH_CONFIG_HUB_KEY) || !strcmp(r, "https://index.docker.io/v1");
}

const char *
auth_config_key(const char *registry)
{
	return is_hub(registry) ? AUTH_CONFIG_HUB_KEY : registry;
}

/* Does a stored key name registry? "https://host/", "host", "http://host/v2/". */
static bool
key_matches(const char *key, const char *registry)
{
	size_t n;

	if (is_hub(registry))
		return is_hub(key);
	if (!strncmp(key, "https://", 8))
		key += 8;
	else if (!strncmp(key, "http://", 7))
		key += 7;
	n = strlen(registry);
	return !strncmp(key, registry, n) && (key[n] == '\0' || key[n] == '/');
}

char *
auth_config_find(json_t *cfg, const char *registry)
{
	json_t *auths = json_object_get(cfg, "auths"), *v;
	const char *key, *a;
	char *dec;
	size_t len;

	json_object_foreach(auths, key, v) {
		if (!key_matches(key, registry))
			continue;
		a = json_string_value(json_object_get(v, "auth"));
		if (!a || !(dec = auth_config_b64_decode(a, &len)))
			continue;
		if (strlen(dec) == len && strchr(dec, ':'))
			return dec;
		free(dec);
	}
	return NULL;
}

int
auth_config_set(json_t *cfg, const char *registry, const char *user, const char *password)
{
	json_t *auths;
	char *pair, *enc;

	if (!json_is_object(cfg) || !*registry || !*user || strchr(user, ':'))
		return -EINVAL;
	auths = json_object_get(cfg, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		if (json_object_set_new(cfg, "auths", auths) < 0)
			return -ENOMEM;
	}
	(void)auth_config_remove(cfg, registry);
	if (asprintf(&pair, "%s:%s", user, password) < 0)
		return -ENOMEM;
	enc = auth_config_b64_encode(pair, strlen(pair));
	memset(pair, 0, strlen(pair));
	free(pair);
	if (!enc || json_object_set_new(auths, auth_config_key(registry), json_pack("{s:s}", "auth", enc)) < 0) {
		free(enc);
		return -ENOMEM;
	}
	free(enc);
	return 0;
}

int
auth_config_remove(json_t *cfg, const char *registry)
{
	json_t *auths = json_object_get(cfg, "auths"), *v;
	const char *key;
	void *tmp;
	int found = 0;

	json_object_foreach_safe(auths, tmp, key, v) {
		if (key_matches(key, registry)) {
			json_object_del(auths, key);
			found = 1;
		}
	}
	return found;
}

char *
auth_config_b64_encode(const void *data, size_t len)
{
	const unsigned char *p = data;
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < len ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < len ? p[i + 2] : 0);

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = i + 1 < len ? b64[v >> 6 & 63] : '=';
		*o++ = i + 2 < len ? b64[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

char *
auth_config_b64_decode(const char *s, size_t *ret_len)
{
	size_t n = strlen(s), k = 0;
	unsigned v = 0;
	int bits = 0, pad = 0;
	char *out;

	if (n % 4)
		return NULL;
	out = malloc(n / 4 * 3 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *c = strchr(b64, s[i]);

		if (s[i] == '=' && i >= n - 2) {
			pad++;
			continue;
		}
		if (!s[i] || !c || pad) {
			free(out);
			return NULL;
		}
		v = v << 6 | (unsigned)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[k++] = (char)(v >> bits & 0xff);
		}
	}
	out[k] = '\0';
	*ret_len = k;
	return out;
}
