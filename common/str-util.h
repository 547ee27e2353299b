/* String helpers too small for a file of their own. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool str_has_prefix(const char *s, const char *prefix);
