/* The container's seccomp programs, compiled by the engine
 * (EXEC_ROOT/seccomp/HEX.bpf, raw struct sock_filter[]): read once when
 * the shim starts, kept in memory for init and every exec, loaded with
 * seccomp(2) as the last step before execve. The shim never links
 * libseccomp.
 *
 * Safety invariants: a listed program that cannot be read fails the
 * start (never "unconfined"); loading happens after the other privilege
 * drops, in the container process only. */
#include "shim.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs-util.h"

#define SECCOMP_LOAD_MAX 4
#define SECCOMP_LOAD_BYTES (256u << 10) /* BPF_MAXINSNS (4096) instructions is 32 KB */

static struct sock_fprog seccomp_progs[SECCOMP_LOAD_MAX];
static size_t seccomp_n_progs;

int
seccomp_load_read(char **paths, char *errbuf, size_t errlen)
{
	for (char **p = paths; p && *p; p++) {
		char *buf = NULL;
		size_t len = 0;
		int r = fs_read_file(*p, &buf, &len);

		if (r < 0 || len == 0 || len % sizeof(struct sock_filter) || len > SECCOMP_LOAD_BYTES ||
		    seccomp_n_progs == SECCOMP_LOAD_MAX) {
			snprintf(errbuf, errlen, "seccomp program %s: %s", *p, r < 0 ? strerror(-r) : "malformed");
			free(buf);
			return -1;
		}
		seccomp_progs[seccomp_n_progs++] = (struct sock_fprog){
			.len = (unsigned short)(len / sizeof(struct sock_filter)), .filter = (struct sock_filter *)buf };
	}
	return 0;
}

void
seccomp_load_apply(int error_fd)
{
	for (size_t i = 0; i < seccomp_n_progs; i++)
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &seccomp_progs[i]) < 0)
			proc_die(error_fd, errno, 125, "load seccomp filter");
}
