/* File-descriptor primitives shared by daemon, shim and client. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Write all of buf, retrying on EINTR and short writes. */
ssize_t fd_write_all(int fd, const void *buf, size_t len);
/* Read exactly len bytes unless EOF comes first; returns bytes read. */
ssize_t fd_read_all(int fd, void *buf, size_t len);
/* Copy in to out until EOF on in; 0 or -errno. */
int fd_copy(int in, int out);
/* Make fd non-blocking / close-on-exec. */
int fd_set_nonblock(int fd, int on);
