/* Connection admission (peer-limit.c): open connections per uid and in
 * all, against "max-connections-per-user" and "max-connections". Root is
 * never refused, so the administrator can always get in. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct daemon;

/* Count a new connection of uid; false (nothing counted) when uid is over
 * a limit, with why in msg. */
bool peer_limit_admit(struct daemon *d, uid_t uid, char *msg, size_t len);
/* The connection of uid that peer_limit_admit counted has closed. */
void peer_limit_release(struct daemon *d, uid_t uid);
