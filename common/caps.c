/* Capability names and masks (see caps.h). */
#include "caps.h"

#include <errno.h>
#include <stddef.h>
#include <strings.h>

static const char *const caps_names[CAPS_LAST + 1] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
	"SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
	"IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
	"SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
	"LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
	"WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};

/* Full names for caps_name: "CAP_" + the table's. */
static const char *const caps_full[CAPS_LAST + 1] = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
	"CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
	"CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
};

int
caps_from_name(const char *name)
{
	if (!name)
		return -EINVAL;
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	for (int i = 0; i <= CAPS_LAST; i++)
		if (strcasecmp(name, caps_names[i]) == 0)
			return i;
	return -EINVAL;
}

const char *
caps_name(int cap)
{
	return cap >= 0 && cap <= CAPS_LAST ? caps_full[cap] : NULL;
}

uint64_t
caps_all(int last)
{
	if (last < 0)
		return 0;
	return last >= 63 ? UINT64_MAX : (UINT64_C(1) << (last + 1)) - 1;
}

/* OR of the named capabilities into *mask; "ALL" sets every one. */
static int
caps_collect(char **names, int last, uint64_t *mask, const char **ret_bad)
{
	for (char **p = names; p && *p; p++) {
		int c;

		if (strcasecmp(*p, "ALL") == 0) {
			*mask |= caps_all(last);
			continue;
		}
		c = caps_from_name(*p);
		if (c < 0) {
			*ret_bad = *p;
			return -EINVAL;
		}
		*mask |= UINT64_C(1) << c;
	}
	return 0;
}

int
caps_apply(uint64_t base, char **add, char **drop, int last, uint64_t *ret_mask, const char **ret_bad)
{
	uint64_t a = 0, d = 0;

	if (caps_collect(add, last, &a, ret_bad) < 0 || caps_collect(drop, last, &d, ret_bad) < 0)
		return -EINVAL;
	*ret_mask = ((base & ~d) | a) & caps_all(last);
	return 0;
}
