/* File-system helpers shared by daemon, shim and client. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Read a whole (small) file into a NUL-terminated heap buffer. */
int fs_read_file(const char *path, char **ret_buf, size_t *ret_len);
/* Write data to path atomically: temp file, fsync, rename, fsync dir. */
int fs_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* The same without any fsync: a crash of the writer leaves the old or the
 * new file, never a torn one, but a power cut may lose the change. For
 * files in volatile directories (the exec root) and for state a power cut
 * makes moot anyway (a container's "running"). */
int fs_write_file_replace(const char *path, const void *data, size_t len, mode_t mode);
/* Write a short string to an existing file (cgroup and proc knobs). */
int fs_write_string(const char *path, const char *s);
/* mkdir -p; existing directories are fine. */
int fs_mkdir_p(const char *path, mode_t mode);
/* rm -rf that does not cross mount points; missing path is fine. */
int fs_rm_rf(const char *path);

/* True if the directory has no entries but . and .. */
int fs_dir_is_empty(int dirfd);
