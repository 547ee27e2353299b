/* Human-readable sizes and ages, as docker prints them. Pure, unit-tested. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Format bytes as "12.3MB" style (decimal, like docker images). */
void format_size(uint64_t bytes, char *buf, size_t len);
/* "3 seconds ago", "2 hours ago" for a delta in seconds. */
void format_ago(int64_t seconds, char *buf, size_t len);
