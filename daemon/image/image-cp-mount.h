/* lite cp into a stopped container (image-cp-mount.c): its file system
 * built read-write as the shim builds it, in lite-image's own mount
 * namespace. */
#pragma once

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "lite-err.h"

struct image_cp_mount {
	char dir[PATH_MAX];   /* DATA_ROOT/tmp/job-cpmnt-XXXXXX: root/ and the layers' l0, l1, ... */
	int root_fd;          /* the merged root, O_PATH */
	int userns_fd;        /* the container's user namespace (its id map), or -1 */
	size_t n_lowers;      /* attached l0.. (idmapped layers) */
};

/* Mount container ctr_id's overlay (upper and work dirs over its layers)
 * and its volumes and binds, in a mount namespace private to this process.
 * The daemon must hold the container busy (not running, cannot start). */
int image_cp_mount_open(const char *data_root, const char *ctr_id, struct image_cp_mount *m, struct lite_err *err);
/* Detach every mount (they are gone when this returns) and remove the dirs. */
void image_cp_mount_close(struct image_cp_mount *m);
/* In a child about to write: become the container's root in its user
 * namespace (no-op without one). -errno. */
int image_cp_mount_enter(const struct image_cp_mount *m);
/* waitpid for one child, through EINTR; -ECHILD unless it was reaped. */
int image_cp_mount_wait(pid_t pid, int *status);
