/* --device parsing, as Docker's (opts.ParseDevice and ValidateDevice):
 * one field is the host path (also the container's), a second one is the
 * permissions when it reads as such (r, w, m) and the container path
 * otherwise, a third one the permissions. */
#include "device-spec.h"
#include "cgroup-limits.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int
device_spec_access_parse(const char *s, unsigned *ret)
{
	unsigned access = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned bit = *s == 'r' ? CGROUP_DEV_READ : *s == 'w' ? CGROUP_DEV_WRITE : *s == 'm' ? CGROUP_DEV_MKNOD : 0;

		if (!bit || (access & bit))
			return -EINVAL;
		access |= bit;
	}
	*ret = access;
	return 0;
}

/* Copy the n bytes at s into dst (len bytes) as an absolute path. */
static int
copy_path(char *dst, size_t len, const char *s, size_t n)
{
	if (n == 0 || n >= len || s[0] != '/')
		return -EINVAL;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int
device_spec_parse(const char *s, struct device_spec *ret, char *errbuf, size_t errlen)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	struct device_spec d = { .access = CGROUP_DEV_RWM };
	int r;

	if (c2 && strchr(c2 + 1, ':'))
		r = -EINVAL;
	else
		r = copy_path(d.host, sizeof(d.host), s, c1 ? (size_t)(c1 - s) : strlen(s));
	if (r == 0 && c2) {
		r = copy_path(d.path, sizeof(d.path), c1 + 1, (size_t)(c2 - c1 - 1));
		if (r == 0 && device_spec_access_parse(c2 + 1, &d.access) < 0) {
			snprintf(errbuf, errlen, "invalid --device \"%s\": bad permissions \"%s\" (a subset of rwm)", s, c2 + 1);
			return -EINVAL;
		}
	} else if (r == 0 && c1 && device_spec_access_parse(c1 + 1, &d.access) < 0) {
		r = copy_path(d.path, sizeof(d.path), c1 + 1, strlen(c1 + 1));
	}
	if (r < 0) {
		snprintf(errbuf, errlen, "invalid --device \"%s\": expected HOST[:CONTAINER][:PERMS] with absolute paths", s);
		return -EINVAL;
	}
	if (!d.path[0])
		strcpy(d.path, d.host);
	*ret = d;
	return 0;
}
