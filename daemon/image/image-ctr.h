/* lite commit and lite export (image-ctr.c); run in lite-image. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "lite-err.h"

/* Container ctr_id's changes as a new image tagged ref (may be NULL). */
int image_ctr_commit(const char *data_root, const char *ctr_id, const char *ref, char **changes, const char *comment,
		 char **ret_id, struct lite_err *err);
/* Container ctr_id's whole file system as a tar at out_path. */
int image_ctr_export(const char *data_root, const char *ctr_id, const char *out_path, struct lite_err *err);
/* Shared with image-diff.c: the container's image; its upper dir, opened. */
struct image;
int image_ctr_load_image(const char *data_root, const char *ctr_id, struct image **ret, struct lite_err *err);
/* A read-only overlay of the container's upper dir and layers at a new
 * dir *mnt (below DATA_ROOT/tmp), in a mount namespace private to this
 * process; returns the opened dir. image_ctr_umount_readonly() undoes it. */
int image_ctr_mount_readonly(const char *data_root, const char *ctr_id, char *mnt, size_t len, struct lite_err *err);
void image_ctr_umount_readonly(const char *mnt);
int image_ctr_open_upper(const char *data_root, const char *ctr_id, int *ret_fd, struct lite_err *err);
/* "etc/hosts" etc.: bound over the container's /etc by the shim (their
 * upper entries are mount points), so never in a diff, commit or export
 * (as Docker's). Whether a path relative to the root is one of them. */
bool image_ctr_is_etc_file(const char *path);

/* image-diff.c: the container's changes from its upper dir, as
 * {"changes":[{"kind":"A|C|D","path":"/..."}]}. */
int image_diff(const char *data_root, const char *ctr_id, json_t **ret, struct lite_err *err);

/* image-cp.c: lite cp. pid > 0: a running container, read and written
 * through /proc/PID/root; 0: a stopped one, read through a read-only
 * overlay, written through a read-write one (image-cp-mount.c) while the
 * daemon holds it busy. */
int image_cp_out(const char *data_root, const char *ctr_id, int pid, const char *path, const char *out_path,
		 json_t **ret, struct lite_err *err);
int image_cp_in(const char *data_root, const char *ctr_id, int pid, const char *dest, const char *name, bool is_dir,
		bool contents, const char *in_path, struct lite_err *err);
