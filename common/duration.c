/* Go-style durations for --health-interval and friends. Pure. */
#include "duration.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int64_t ns;
} units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 }, { "m", 60000000000 }, { "h", 3600000000000 },
};

/* The unit at *p (longest match), advancing *p; 0 if none. */
static int64_t
unit_at(const char **p)
{
	size_t best = 0;
	int64_t ns = 0;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t n = strlen(units[i].name);

		if (!strncmp(*p, units[i].name, n) && n > best) {
			best = n;
			ns = units[i].ns;
		}
	}
	*p += best;
	return ns;
}

int
duration_parse(const char *s, int64_t *ret_ns)
{
	const char *p = s;
	int64_t total = 0;

	if (!s || !*s)
		return -EINVAL;
	if (!strcmp(s, "0")) {
		*ret_ns = 0;
		return 0;
	}
	while (*p) {
		int64_t whole = 0, unit;
		double frac = 0, scale = 0.1;
		bool digits = false;

		for (; *p >= '0' && *p <= '9'; p++, digits = true) {
			if (whole > (INT64_MAX - 9) / 10)
				return -ERANGE;
			whole = whole * 10 + (*p - '0');
		}
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10, digits = true)
				frac += (*p - '0') * scale;
		if (!digits || !(unit = unit_at(&p)))
			return -EINVAL;
		if (whole > (INT64_MAX - total) / unit - 1)
			return -ERANGE;
		total += whole * unit + (int64_t)(frac * (double)unit);
	}
	*ret_ns = total;
	return 0;
}

void
duration_format(int64_t ns, char *buf, size_t len)
{
	int64_t h = ns / 3600000000000, m = ns / 60000000000 % 60, s = ns / 1000000000 % 60;
	int64_t ms = ns / 1000000 % 1000;
	size_t n = 0;

	buf[0] = '\0';
	if (ns > 0 && ns < 1000000000 && ns % 1000000 == 0) {
		snprintf(buf, len, "%lldms", (long long)ms);
		return;
	}
	if (h)
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%lldh", (long long)h);
	if (m)
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%lldm", (long long)m);
	if (s || ms || !n) {
		if (ms)
			snprintf(buf + n, n < len ? len - n : 0, "%lld.%03llds", (long long)s, (long long)ms);
		else
			snprintf(buf + n, n < len ? len - n : 0, "%llds", (long long)s);
	}
}
