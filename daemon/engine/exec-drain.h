/* A detached exec of exec_start: the daemon reads its stream from the
 * shim (discarding what it prints) only to learn its exit, so that
 * exec_inspect can answer (lite's plain `exec --detach` hands the stream
 * to nobody and its exit stays unknown). */
#pragma once

#include <sys/types.h>

struct daemon;

/* Takes fd (a shim stream); 0, or -errno (fd closed). */
int exec_drain_start(struct daemon *d, int fd, const char *ctr_id, const char *exec_id, uid_t owner);
