/* Docker's --ulimit syntax and names. */
#include "ulimit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "parse.h"

static const struct { const char *name; int resource; } names[] = {
	{ "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU }, { "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE }, { "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC }, { "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
};

static int
limit_value(const char *s, unsigned long long *ret)
{
	long long v;

	if (!strcmp(s, "unlimited") || !strcmp(s, "-1")) {
		*ret = RLIM_INFINITY;
		return 0;
	}
	if (parse_int_range(s, 0, 1LL << 62, &v) < 0)
		return -EINVAL;
	*ret = (unsigned long long)v;
	return 0;
}

int
ulimit_parse(const char *s, struct ulimit_spec *u, char *errbuf, size_t errlen)
{
	const char *eq = strchr(s, '=');
	char soft[64], *colon;
	size_t n = eq ? (size_t)(eq - s) : 0;

	memset(u, 0, sizeof(*u));
	u->resource = -1;
	for (size_t i = 0; eq && i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && strncmp(s, names[i].name, n) == 0) {
			u->resource = names[i].resource;
			snprintf(u->name, sizeof(u->name), "%s", names[i].name);
		}
	if (u->resource < 0 || strlen(eq + 1) >= sizeof(soft))
		goto bad;
	strcpy(soft, eq + 1);
	colon = strchr(soft, ':');
	if (colon)
		*colon = '\0';
	if (limit_value(soft, &u->soft) < 0 || limit_value(colon ? colon + 1 : soft, &u->hard) < 0)
		goto bad;
	if (u->soft > u->hard) {
		snprintf(errbuf, errlen, "invalid --ulimit \"%s\": the soft limit is above the hard limit", s);
		return -EINVAL;
	}
	return 0;
bad:
	snprintf(errbuf, errlen, "invalid --ulimit \"%s\": expected NAME=SOFT[:HARD], e.g. nofile=1024:2048", s);
	return -EINVAL;
}
