/* Docker's seccomp profile format -> a classic BPF program, with
 * libseccomp (linked into the engine only; the shim loads the result with
 * seccomp(2)). seccomp-profile.c is pure apart from libseccomp, unit-
 * tested in tests/unit/test-seccomp-profile.c; seccomp-cache.c keeps the
 * compiled programs under EXEC_ROOT/seccomp. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lite-err.h"

/* Compile the profile's text for a container whose capability mask is
 * caps (rules' includes/excludes "caps" are decided by it). *ret_bpf gets
 * a heap array of struct sock_filter, *ret_len its size in bytes. Errors
 * name the profile's bad part: "seccomp profile: unknown action X". */
int seccomp_profile_compile(const char *text, uint64_t caps, char **ret_bpf, size_t *ret_len,
			    struct lite_err *err);
