/* A non-root caller's bind source, opened by the rules both the daemon's
 * check at create (bind-check.c) and the shim's mount at start
 * (caller-open.c) apply, so the two can never disagree. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* With the caller's credentials already taken: 0 and *ret_fd (the object
 * itself opened O_RDONLY), or -errno: ELOOP a symlink in the path, EISDIR
 * neither a file nor a directory, EROFS no write access for a read-write
 * bind, else open's error. */
int caller_path_open(const char *src, bool readonly, int *ret_fd);

/* The one-line message for caller_path_open's error r. */
void caller_path_explain(const char *src, int r, char *buf, size_t len);
