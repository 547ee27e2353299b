/* Linux capabilities by name: the table, Docker's default set, and the
 * masks of --cap-add/--cap-drop. Shared by the engine (run's params, the
 * seccomp profile's "caps" conditions) and the shim (nothing but masks).
 * Pure code, unit-tested in tests/unit/test-caps.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Docker's 14 defaults: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID
 * SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP. */
#define CAPS_DEFAULT UINT64_C(0x00000000a80425fb)
/* The highest capability this table names (CAP_CHECKPOINT_RESTORE). */
#define CAPS_LAST 40

/* "NET_ADMIN", "CAP_NET_ADMIN", "net_admin" -> 12; -EINVAL if unknown.
 * "ALL" is not a capability: see caps_apply. */
int caps_from_name(const char *name);
/* "CAP_NET_ADMIN" for 12; NULL beyond the table. */
const char *caps_name(int cap);
/* All capabilities up to and including last (the kernel's cap_last_cap). */
uint64_t caps_all(int last);
/* Docker's order: start from base, drop what drop names, then add what add
 * names ("ALL" in either means every capability up to last). NULL lists
 * are empty. -EINVAL with the bad name in *ret_bad. */
int caps_apply(uint64_t base, char **add, char **drop, int last, uint64_t *ret_mask, const char **ret_bad);
