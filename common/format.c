/* Human-readable sizes and ages, as docker prints them. Pure, unit-tested. */
#include "format.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

void
format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *units[] = { "B", "kB", "MB", "GB", "TB" };
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 999.5 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%lluB", (unsigned long long)bytes);
	else
		snprintf(buf, len, "%.3g%s", v, units[u]);
}

void
format_ago(int64_t seconds, char *buf, size_t len)
{
	static const struct { int64_t secs; const char *unit; } steps[] = {
		{ 86400 * 7, "week" }, { 86400, "day" }, { 3600, "hour" }, { 60, "minute" },
	};

	if (seconds < 1) {
		snprintf(buf, len, "Less than a second ago");
		return;
	}
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		int64_t n = seconds / steps[i].secs;
		if (n >= 1) {
			snprintf(buf, len, "%lld %s%s ago", (long long)n, steps[i].unit, n > 1 ? "s" : "");
			return;
		}
	}
	snprintf(buf, len, "%lld second%s ago", (long long)seconds, seconds > 1 ? "s" : "");
}
