/* The pure part of a registry's authentication: parsing its WWW-Authenticate
 * challenge. No I/O. */
#include "image-pull.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* One auth-param value (a token or a quoted string) into out; returns the
 * position after it. */
static const char *
param_value(const char *p, char *out, size_t len)
{
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (n + 1 < len)
				out[n++] = *p;
		}
		if (*p == '"')
			p++;
	} else {
		for (; *p && *p != ',' && !isspace((unsigned char)*p); p++)
			if (n + 1 < len)
				out[n++] = *p;
	}
	out[n] = '\0';
	return p;
}

int
image_pull_auth_parse(const char *v, struct pull_challenge *ret)
{
	struct pull_challenge c = { 0 };
	size_t n = 0;

	while (v && isspace((unsigned char)*v))
		v++;
	while (v && *v && !isspace((unsigned char)*v) && n + 1 < sizeof(c.scheme))
		c.scheme[n++] = *v++;
	if (strcasecmp(c.scheme, "Basic") && strcasecmp(c.scheme, "Bearer"))
		return -EINVAL;
	while (*v) {
		char key[32], val[512];
		size_t k = 0;

		while (*v == ',' || isspace((unsigned char)*v))
			v++;
		while (*v && *v != '=' && *v != ',' && !isspace((unsigned char)*v))
			if (k + 1 < sizeof(key))
				key[k++] = *v++;
			else
				v++;
		key[k] = '\0';
		while (isspace((unsigned char)*v))
			v++;
		if (*v != '=') {
			if (k > 0 && *v)
				break; /* a second challenge starts */
			continue;
		}
		v++;
		while (isspace((unsigned char)*v))
			v++;
		v = param_value(v, val, sizeof(val));
		if (!strcasecmp(key, "realm"))
			snprintf(c.realm, sizeof(c.realm), "%s", val);
		else if (!strcasecmp(key, "service"))
			snprintf(c.service, sizeof(c.service), "%s", val);
		else if (!strcasecmp(key, "scope"))
			snprintf(c.scope, sizeof(c.scope), "%s", val);
		else if (!strcasecmp(key, "error"))
			snprintf(c.error, sizeof(c.error), "%s", val);
	}
	*ret = c;
	return 0;
}
