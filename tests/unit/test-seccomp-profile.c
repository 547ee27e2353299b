/* Unit tests of the Docker-format seccomp profile compiler
 * (daemon/engine/seccomp-profile.c): what it accepts, what it refuses
 * with which message, and that capabilities decide includes/excludes.
 * Programs are compared by size and by running them through the kernel's
 * own checker is not possible here, so the built-in default profile is
 * compiled and its size checked to be a real program. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <linux/filter.h>

#include "caps.h"
#include "fs-util.h"
#include "seccomp-profile.h"

static size_t
compiled_len(const char *text, uint64_t caps, int want_rc, const char *want_msg)
{
	struct lite_err err = { 0 };
	char *bpf = NULL;
	size_t len = 0;
	int r = seccomp_profile_compile(text, caps, &bpf, &len, &err);

	assert_int_equal(r < 0 ? -1 : 0, want_rc);
	if (want_msg) {
		assert_non_null(err.msg);
		assert_non_null(strstr(err.msg, want_msg));
	}
	if (r == 0) {
		assert_non_null(bpf);
		assert_int_equal(len % sizeof(struct sock_filter), 0);
	}
	free(bpf);
	lite_err_clear(&err);
	return len;
}

static void
test_minimal(void **state)
{
	(void)state;
	assert_true(compiled_len("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", CAPS_DEFAULT, 0, NULL) > 0);
	assert_true(compiled_len("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
				 "\"syscalls\":[{\"names\":[\"getpid\",\"no_such_call\"],\"action\":\"SCMP_ACT_ALLOW\"},"
				 "{\"name\":\"getcwd\",\"action\":\"SCMP_ACT_KILL_PROCESS\"},"
				 "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
				 "{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"},{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"}]}]}",
				 CAPS_DEFAULT, 0, NULL) > 0);
}

static void
test_bad(void **state)
{
	(void)state;
	compiled_len("[]", CAPS_DEFAULT, -1, "not a JSON object");
	compiled_len("{", CAPS_DEFAULT, -1, "not a JSON object");
	compiled_len("{}", CAPS_DEFAULT, -1, "defaultAction");
	compiled_len("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", CAPS_DEFAULT, -1, "defaultAction");
	compiled_len("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"X\"}]}",
		     CAPS_DEFAULT, -1, "unknown action X");
	compiled_len("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],"
		     "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":9,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		     CAPS_DEFAULT, -1, "malformed args");
	compiled_len("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],"
		     "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_LIKE\"}]}]}",
		     CAPS_DEFAULT, -1, "malformed args");
}

/* A rule included only with CAP_SYS_ADMIN makes the program longer. */
static void
test_caps_decide(void **state)
{
	const char *p = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
			"{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
			"{\"names\":[\"mount\",\"umount2\",\"unshare\",\"setns\"],\"action\":\"SCMP_ACT_ALLOW\","
			"\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}}]}";
	size_t plain, admin;

	(void)state;
	plain = compiled_len(p, CAPS_DEFAULT, 0, NULL);
	admin = compiled_len(p, CAPS_DEFAULT | (UINT64_C(1) << 21), 0, NULL);
	assert_true(admin > plain);
}

/* The ENOSYS prologue: present when the profile refuses by default (the
 * sixth instruction returns ENOSYS), absent when it allows by default. */
static struct sock_filter
insn(const char *text, size_t i)
{
	struct lite_err err = { 0 };
	struct sock_filter f;
	char *bpf = NULL;
	size_t len = 0;

	assert_int_equal(seccomp_profile_compile(text, CAPS_DEFAULT, &bpf, &len, &err), 0);
	assert_true(len > (i + 1) * sizeof(f));
	memcpy(&f, bpf + i * sizeof(f), sizeof(f));
	free(bpf);
	return f;
}

static void
test_prologue(void **state)
{
	struct sock_filter f;

	(void)state;
	f = insn("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}", 5);
	assert_int_equal(f.code, BPF_RET | BPF_K);
	assert_int_equal(f.k, 0x00050000u | ENOSYS); /* SECCOMP_RET_ERRNO | ENOSYS */
	f = insn("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}", 4);
	assert_true(f.k >= 435 && f.k < 1024); /* the highest syscall libseccomp knows */
	f = insn("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getcwd\"],\"action\":\"SCMP_ACT_ERRNO\"}]}", 5);
	assert_false(f.code == (BPF_RET | BPF_K) && f.k == (0x00050000u | ENOSYS));
}

static void
test_default_profile(void **state)
{
	char path[4096], *text = NULL;
	size_t len, admin;

	(void)state;
	snprintf(path, sizeof(path), "%s/daemon/engine/seccomp-default.json", LITE_SRCDIR);
	assert_int_equal(fs_read_file(path, &text, NULL), 0);
	len = compiled_len(text, CAPS_DEFAULT, 0, NULL);
	assert_true(len / sizeof(struct sock_filter) > 100);
	assert_true(len / sizeof(struct sock_filter) <= 4096); /* BPF_MAXINSNS */
	admin = compiled_len(text, CAPS_DEFAULT | (UINT64_C(1) << 21), 0, NULL);
	assert_true(admin != len);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_caps_decide),
		cmocka_unit_test(test_prologue),
		cmocka_unit_test(test_default_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
