/* Durations as Docker's flags take them (duration.c): "500ms", "30s",
 * "1m30s", "1.5h", "0". Pure, unit-tested. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Parse into nanoseconds: one or more NUMBER UNIT (ns, us, ms, s, m, h),
 * NUMBER possibly decimal; "0" alone is allowed. -EINVAL or -ERANGE. */
int duration_parse(const char *s, int64_t *ret_ns);
/* "1m30s", "500ms", "0s" (exact; for messages and inspect). */
void duration_format(int64_t ns, char *buf, size_t len);
