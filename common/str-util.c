/* String helpers too small for a file of their own. */
#include "str-util.h"

#include <string.h>

bool
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}
