/* --ulimit NAME=SOFT[:HARD], pure and unit-tested. */
#pragma once

#include <stddef.h>

struct ulimit_spec {
	char name[16];
	int resource;              /* RLIMIT_* */
	unsigned long long soft, hard;
};

/* -EINVAL with a one-line reason in errbuf. "unlimited"/-1 mean RLIM_INFINITY. */
int ulimit_parse(const char *s, struct ulimit_spec *ret, char *errbuf, size_t errlen);
