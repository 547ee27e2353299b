/* File-system helpers shared by daemon, shim and client. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Read a whole (small) file into a NUL-terminated heap buffer. */
int read_file(const char *path, char **ret_buf, size_t *ret_len);
/* Write data to path atomically: temp file, fsync, rename, fsync dir. */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* Write a short string to an existing file (cgroup and proc knobs). */
int write_string(const char *path, const char *s);
/* mkdir -p; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode);
/* rm -rf that does not cross mount points; missing path is fine. */
int rm_rf(const char *path);
/* Write all of buf, retrying on EINTR and short writes. */
ssize_t write_all(int fd, const void *buf, size_t len);
/* Read exactly len bytes unless EOF comes first; returns bytes read. */
ssize_t read_all(int fd, void *buf, size_t len);
/* Copy in to out until EOF on in; 0 or -errno. */
int copy_fd(int in, int out);
/* Make fd non-blocking / close-on-exec. */
int fd_set_nonblock(int fd, int on);
