/* docker's GetTimestamp for --since and --until: a duration before now,
 * an RFC 3339 date or time (with or without zone and fraction), or unix
 * seconds with an optional fraction. */
#include "timestamp.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "duration.h"

/* n digits at *p into *ret, advancing *p. */
static bool
digits(const char **p, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return false;
		v = v * 10 + (**p - '0');
	}
	*ret = v;
	return true;
}

/* ".123" at *p: nanoseconds. */
static bool
fraction(const char **p, int64_t *ret_ns)
{
	int64_t ns = 0, scale = 100000000;

	if (**p != '.')
		return true;
	if (!isdigit((unsigned char)(*p)[1]))
		return false;
	for ((*p)++; isdigit((unsigned char)**p); (*p)++, scale /= 10)
		ns += (**p - '0') * scale;
	*ret_ns = ns;
	return true;
}

/* "Z", "+02:00", "-0700" or nothing (local time): offset east in seconds. */
static bool
zone(const char **p, bool *ret_local, long *ret_off)
{
	int h, m = 0, sign;

	*ret_local = false;
	*ret_off = 0;
	if (!**p) {
		*ret_local = true;
		return true;
	}
	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		return true;
	}
	if (**p != '+' && **p != '-')
		return false;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	if (!digits(p, 2, &h))
		return false;
	if (**p == ':')
		(*p)++;
	if (**p && !digits(p, 2, &m))
		return false;
	*ret_off = sign * (h * 3600L + m * 60L);
	return true;
}

static int
parse_rfc3339(const char *s, int64_t *ret_ns)
{
	struct tm tm = { 0 };
	const char *p = s;
	int64_t ns = 0;
	bool local;
	long off;
	time_t t;

	if (!digits(&p, 4, &tm.tm_year) || *p++ != '-' || !digits(&p, 2, &tm.tm_mon) || *p++ != '-' ||
	    !digits(&p, 2, &tm.tm_mday))
		return -EINVAL;
	if (*p == 'T' || *p == 't') {
		p++;
		if (!digits(&p, 2, &tm.tm_hour))
			return -EINVAL;
		if (*p == ':' && (p++, !digits(&p, 2, &tm.tm_min)))
			return -EINVAL;
		if (*p == ':' && (p++, !digits(&p, 2, &tm.tm_sec)))
			return -EINVAL;
		if (!fraction(&p, &ns))
			return -EINVAL;
	}
	if (!zone(&p, &local, &off) || *p)
		return -EINVAL;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_isdst = -1;
	t = local ? mktime(&tm) : timegm(&tm) - off;
	*ret_ns = (int64_t)t * 1000000000 + ns;
	return 0;
}

static int
parse_unix(const char *s, int64_t *ret_ns)
{
	long long sec = 0;
	const char *p = s;
	int64_t ns = 0;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (sec > 9223372035LL / 10)
			return -EINVAL;
		sec = sec * 10 + (*p - '0');
	}
	if (!fraction(&p, &ns) || *p)
		return -EINVAL;
	*ret_ns = (int64_t)sec * 1000000000 + ns;
	return 0;
}

int
timestamp_parse(const char *s, int64_t now_ns, int64_t *ret_ns)
{
	int64_t d;

	if (!s || !*s)
		return -EINVAL;
	/* as docker: a duration first ("0" is unix time 0, not now) */
	if (strcmp(s, "0") != 0 && duration_parse(s, &d) == 0) {
		*ret_ns = now_ns - d;
		return 0;
	}
	if (strchr(s, '-') && parse_rfc3339(s, ret_ns) == 0)
		return 0;
	return parse_unix(s, ret_ns);
}
