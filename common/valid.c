/* Validators of the names and ids users give: container and network names,
 * image references, full ids, environment entries. Pure predicates, unit-
 * tested. */
#include "valid.h"
#include "image-ref.h"

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
	struct image_ref r;

	return s && !strchr(s, '@') && image_ref_parse(s, &r, NULL) == 0;
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
