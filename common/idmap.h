/* A user namespace's id shift as lite-image's cp, commit and export take it
 * on their command line ("UID_BASE:GID_BASE:SIZE"; "-" or NULL: none): host
 * ids of the range become the container's ids in an archive. Pure. */
#pragma once

struct idmap {
	unsigned long uid_base, gid_base, size; /* size 0: no shift */
};

/* Parse spec into *ret (all zero for "-" or NULL); -EINVAL when malformed
 * or past 2^32. */
int idmap_parse(const char *spec, struct idmap *ret);
/* A host uid/gid inside the range as the container's; others unchanged (a
 * layer's files hold container ids on disk already). */
unsigned long idmap_uid_to_ctr(const struct idmap *m, unsigned long host);
unsigned long idmap_gid_to_ctr(const struct idmap *m, unsigned long host);
