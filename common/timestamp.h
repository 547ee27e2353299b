/* Points in time as docker's --since and --until take them (timestamp.c):
 * RFC 3339 ("2024-05-01T10:00:00Z", "2024-05-01T10:00:00.5+02:00",
 * "2024-05-01T10:00", "2024-05-01"; no zone: local time), a duration
 * before now ("10m", "1h30m"), or unix seconds ("1714557600",
 * "1714557600.000000001"). Pure but for the local time zone. */
#pragma once

#include <stdint.h>

/* Parse s into unix nanoseconds; now_ns anchors relative durations.
 * -EINVAL when s is none of the forms. */
int timestamp_parse(const char *s, int64_t now_ns, int64_t *ret_ns);
