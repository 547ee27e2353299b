/* lite cp's tar side (cp-tar.c), shared by the client (host paths) and
 * lite-image (container paths): write one path as a tar, extract a tar
 * below a root. Links libarchive; not part of common_lib. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cp-path.h"
#include "lite-err.h"

/* What path is below rootfd (the final symlink followed, inside the root
 * when resolve has RESOLVE_IN_ROOT). -errno with a message. */
int cp_tar_dest_kind(int rootfd, const char *path, uint64_t resolve, enum cp_dest_kind *ret, struct lite_err *err);
/* Write path (resolved below rootfd; its final component is not followed:
 * a symlink is copied as a link) to out_fd as a tar whose top entry is
 * named name. Sets *ret_is_dir. */
int cp_tar_write(int rootfd, const char *path, uint64_t resolve, const char *name, int out_fd, bool *ret_is_dir,
		 struct lite_err *err);
/* Extract the tar read from in_fd below rootfd, every entry resolved with
 * RESOLVE_IN_ROOT (a symlink in the tree or the archive cannot lead out):
 * entry base[/rest] becomes target[/rest] (base "": every entry below
 * target). pre_len bytes at pre come before in_fd's. Modes, mtimes and (with owners) uid/gid are restored. */
int cp_tar_extract(int rootfd, int in_fd, const void *pre, size_t pre_len, const char *base, const char *target, bool owners, struct lite_err *err);
/* Issue 11: a user-namespaced container's ids. Written entries carry
 * host ids in [uid_base, uid_base+size) shifted down to the container's
 * (ids outside stay: on disk, an image layer already holds container ids);
 * extracted owners are shifted up (an owner outside 0..size-1 is not set).
 * "UID:GID:SIZE", or "-" / NULL for none. -EINVAL if malformed. */
int cp_tar_set_idmap(const char *spec);
/* Whether an id map (not "-") is set. */
bool cp_tar_has_idmap(void);
