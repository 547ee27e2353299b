/* Validators of the names and ids users give: container and network names,
 * image references, full ids, environment entries. Pure predicates, unit-
 * tested. */
#include "valid.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

bool
valid_name(const char *s)
{
	size_t n;

	if (!s || !isalnum((unsigned char)s[0]))
		return false;
	for (n = 1; s[n]; n++) {
		char c = s[n];
		if (!isalnum((unsigned char)c) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return n <= 128;
}

bool
valid_image_ref(const char *s)
{
	const char *colon, *p;
	size_t len;

	if (!s || !*s || strlen(s) > 255)
		return false;
	colon = strrchr(s, ':');
	if (colon && strchr(colon, '/'))
		colon = NULL; /* a registry port, not a tag */
	len = colon ? (size_t)(colon - s) : strlen(s);
	if (len == 0)
		return false;
	for (p = s; p < s + len; p++) {
		char c = *p;
		if (!(islower((unsigned char)c) || isdigit((unsigned char)c) ||
		      c == '.' || c == '_' || c == '-' || c == '/' || c == ':'))
			return false;
	}
	if (!isalnum((unsigned char)s[0]) || s[len - 1] == '/')
		return false;
	if (colon) {
		const char *tag = colon + 1;
		if (!*tag || strlen(tag) > 128 || !(isalnum((unsigned char)*tag) || *tag == '_'))
			return false;
		for (p = tag; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
				return false;
	}
	return true;
}

bool
valid_full_id(const char *s)
{
	size_t n;

	if (!s)
		return false;
	for (n = 0; s[n]; n++)
		if (!isxdigit((unsigned char)s[n]) || isupper((unsigned char)s[n]))
			return false;
	return n == 64;
}

bool
valid_env(const char *s)
{
	const char *eq = s ? strchr(s, '=') : NULL;

	return eq && eq != s;
}
