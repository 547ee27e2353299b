/* Looking users and groups up in the text of an image's /etc/passwd and
 * /etc/group. Pure: the caller reads the files (inside the container), so
 * the host's NSS never answers for an image. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* "name" or "uid" -> uid, primary gid (gid 0 for an unlisted numeric uid). */
int passwd_lookup(const char *passwd, const char *user, uid_t *ret_uid, gid_t *ret_gid);
/* The home directory of "name" or "uid" into buf; -ENOENT when no entry
 * (Docker then uses "/"). */
int passwd_home(const char *passwd, const char *user, char *buf, size_t len);
/* "name" or "gid" -> gid. */
int passwd_group_lookup(const char *group, const char *name, gid_t *ret_gid);
/* Supplementary groups listing user_name as a member; returns how many
 * were written to gids (at most max). */
size_t passwd_group_members(const char *group, const char *user_name, gid_t *gids, size_t max);
/* Parse "USER[:GROUP]" into its two parts (group NULL when absent);
 * copies into the buffers. */
int passwd_user_spec_split(const char *spec, char *user, size_t ulen, char *group, size_t glen);
