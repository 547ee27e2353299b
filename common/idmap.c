/* The id shift between a user namespace's range and the container's ids,
 * shared by the two tar writers (common/cp-tar.c, daemon/image/image-tar.c). */
#include "idmap.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int
idmap_parse(const char *spec, struct idmap *ret)
{
	unsigned long u, g, n;
	char end;

	*ret = (struct idmap){ 0 };
	if (!spec || strcmp(spec, "-") == 0)
		return 0;
	if (sscanf(spec, "%lu:%lu:%lu%c", &u, &g, &n, &end) != 3 || n == 0 || u + n > UINT32_MAX || g + n > UINT32_MAX)
		return -EINVAL;
	*ret = (struct idmap){ .uid_base = u, .gid_base = g, .size = n };
	return 0;
}

static unsigned long
to_ctr(const struct idmap *m, unsigned long host, unsigned long base)
{
	return m->size && host >= base && host - base < m->size ? host - base : host;
}

unsigned long
idmap_uid_to_ctr(const struct idmap *m, unsigned long host)
{
	return to_ctr(m, host, m->uid_base);
}

unsigned long
idmap_gid_to_ctr(const struct idmap *m, unsigned long host)
{
	return to_ctr(m, host, m->gid_base);
}
