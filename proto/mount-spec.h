/* Parsing of the mount flags of `lite run` into one normalised form, pure
 * and unit-tested: -v SRC:DST[:OPTS], -v DST (anonymous), --mount
 * type=...,source=...,target=...[,readonly], --tmpfs DST[:OPTS]. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum mount_kind { MOUNT_BIND, MOUNT_VOLUME, MOUNT_TMPFS, MOUNT_KIND_MAX };

struct mount_spec {
	enum mount_kind kind;
	char source[4096];   /* bind: absolute host path; volume: name ("" = anonymous) */
	char target[4096];   /* absolute path inside the container */
	bool readonly;
	char options[256];   /* tmpfs: "size=64m,mode=1777" (validated) */
};

/* -v / --volume. */
int mount_spec_parse_volume(const char *s, struct mount_spec *ret, char *errbuf, size_t errlen);
/* --mount. */
int mount_spec_parse_mount(const char *s, struct mount_spec *ret, char *errbuf, size_t errlen);
/* --tmpfs. */
int mount_spec_parse_tmpfs(const char *s, struct mount_spec *ret, char *errbuf, size_t errlen);
/* Docker's volume-name rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
bool mount_spec_volume_name_is_valid(const char *name);
const char *mount_spec_kind_name(enum mount_kind k);
