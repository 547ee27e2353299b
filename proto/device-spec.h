/* --device HOST[:CONTAINER][:PERMS], Docker's syntax; pure and unit-tested
 * (tests/unit/test-run-spec.c). */
#pragma once

#include <stddef.h>

struct device_spec {
	char host[256];      /* absolute; the engine checks it is a device node */
	char path[256];      /* absolute, in the container; default: host */
	unsigned access;     /* CGROUP_DEV_* bits; default rwm */
};

/* "rwm", "r", "mw", ...: each letter once, at least one. -EINVAL otherwise. */
int device_spec_access_parse(const char *s, unsigned *ret);
/* -EINVAL with a one-line reason in errbuf. */
int device_spec_parse(const char *s, struct device_spec *ret, char *errbuf, size_t errlen);
