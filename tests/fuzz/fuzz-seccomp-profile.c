/* Harness: a seccomp profile in Docker's JSON format, as a non-root caller
 * sends it with --security-opt seccomp=FILE (the daemon compiles it with
 * libseccomp: daemon/engine/seccomp-profile.c). Checks that a compiled
 * program is whole instructions, within the kernel's limit. */
#include "fuzz.h"

#include <linux/filter.h>

#include "caps.h"
#include "seccomp-profile.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size), *bpf = NULL;
	struct lite_err err = { 0 };
	size_t len = 0;

	/* the first byte picks the capability mask: the rules' includes and
	 * excludes depend on it */
	if (seccomp_profile_compile(s, size && (data[0] & 1) ? caps_all(40) : CAPS_DEFAULT, &bpf, &len, &err) == 0) {
		FUZZ_ASSERT(bpf && len && len % sizeof(struct sock_filter) == 0);
		FUZZ_ASSERT(len / sizeof(struct sock_filter) <= BPF_MAXINSNS);
	} else {
		FUZZ_ASSERT(err.msg && strncmp(err.msg, "seccomp profile", 15) == 0);
	}
	free(bpf);
	lite_err_clear(&err);
	free(s);
	return 0;
}
