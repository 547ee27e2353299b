/* Docker's seccomp profile (JSON) compiled with libseccomp into classic
 * BPF. Supported: defaultAction, defaultErrnoRet, archMap/architectures
 * (the x86 family; others are ignored on this x86_64 build), syscalls[] with
 * names|name, action (ALLOW, ERRNO, KILL, KILL_THREAD, KILL_PROCESS, TRAP,
 * LOG, TRACE), errnoRet, args[] (index, value, valueTwo, op),
 * includes/excludes with caps, arches (Go names) and minKernel. Unknown
 * syscall names are skipped, as runc does. The filter is only exported,
 * never loaded here.
 *
 * A profile that refuses by default gets runc's prologue: a native
 * syscall newer than this libseccomp knows returns ENOSYS, not the
 * default errno, so that libc falls back to an older call instead of
 * failing (statmount, mseal, the *xattrat family on libseccomp 2.5.4). */
#include "seccomp-profile.h"

#include <errno.h>
#include <jansson.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "caps.h"
#include "cleanup.h"
#include "fd-util.h"

struct profile_ctx {
	scmp_filter_ctx sc;
	uint64_t caps;
	uint32_t default_errno;
	struct lite_err *err;
};

static int
parse_action(const char *a, json_t *rule, uint32_t def_errno, uint32_t *ret)
{
	json_t *e = json_object_get(rule, "errnoRet");
	uint32_t no = json_is_integer(e) ? (uint32_t)json_integer_value(e) : def_errno;

	if (!a)
		return -EINVAL;
	if (strcmp(a, "SCMP_ACT_ALLOW") == 0)
		*ret = SCMP_ACT_ALLOW;
	else if (strcmp(a, "SCMP_ACT_ERRNO") == 0)
		*ret = SCMP_ACT_ERRNO(no);
	else if (strcmp(a, "SCMP_ACT_KILL") == 0 || strcmp(a, "SCMP_ACT_KILL_THREAD") == 0)
		*ret = SCMP_ACT_KILL_THREAD;
	else if (strcmp(a, "SCMP_ACT_KILL_PROCESS") == 0)
		*ret = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(a, "SCMP_ACT_TRAP") == 0)
		*ret = SCMP_ACT_TRAP;
	else if (strcmp(a, "SCMP_ACT_LOG") == 0)
		*ret = SCMP_ACT_LOG;
	else if (strcmp(a, "SCMP_ACT_TRACE") == 0)
		*ret = SCMP_ACT_TRACE(no);
	else
		return -EINVAL;
	return 0;
}

static int
parse_op(const char *s, enum scmp_compare *ret)
{
	static const char *const ops[] = { [SCMP_CMP_NE] = "SCMP_CMP_NE", [SCMP_CMP_LT] = "SCMP_CMP_LT",
					   [SCMP_CMP_LE] = "SCMP_CMP_LE", [SCMP_CMP_EQ] = "SCMP_CMP_EQ",
					   [SCMP_CMP_GE] = "SCMP_CMP_GE", [SCMP_CMP_GT] = "SCMP_CMP_GT",
					   [SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ" };

	for (int i = SCMP_CMP_NE; s && i <= SCMP_CMP_MASKED_EQ; i++)
		if (strcmp(s, ops[i]) == 0) {
			*ret = i;
			return 0;
		}
	return -EINVAL;
}

/* Any capability of the list in the container's mask. */
static bool
any_cap(json_t *list, uint64_t caps)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v) {
		int c = caps_from_name(json_string_value(v));
		if (c >= 0 && (caps & (UINT64_C(1) << c)))
			return true;
	}
	return false;
}

/* This build runs on amd64 only (Docker's Go name for x86_64). */
static bool
has_native_arch(json_t *list)
{
	json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), "amd64") == 0)
			return true;
	return false;
}

/* "4.8" <= the running kernel's release. */
static bool
kernel_at_least(const char *min)
{
	struct utsname u;
	unsigned a = 0, b = 0, x = 0, y = 0;

	if (!min || sscanf(min, "%u.%u", &a, &b) < 1 || uname(&u) < 0 || sscanf(u.release, "%u.%u", &x, &y) < 1)
		return true;
	return x > a || (x == a && y >= b);
}

static bool
rule_applies(json_t *rule, uint64_t caps)
{
	json_t *inc = json_object_get(rule, "includes"), *exc = json_object_get(rule, "excludes"), *v;

	if ((v = json_object_get(inc, "caps")) && json_array_size(v) && !any_cap(v, caps))
		return false;
	if ((v = json_object_get(inc, "arches")) && json_array_size(v) && !has_native_arch(v))
		return false;
	if ((v = json_object_get(inc, "minKernel")) && !kernel_at_least(json_string_value(v)))
		return false;
	if ((v = json_object_get(exc, "caps")) && any_cap(v, caps))
		return false;
	if ((v = json_object_get(exc, "arches")) && has_native_arch(v))
		return false;
	if ((v = json_object_get(exc, "minKernel")) && json_is_string(v) && kernel_at_least(json_string_value(v)))
		return false;
	return true;
}

/* args[] -> comparisons; *ret_same_index when one index comes twice
 * (libseccomp wants one comparison per argument and rule). */
static int
parse_args(json_t *args, struct scmp_arg_cmp cmp[6], unsigned *ret_n, bool *ret_same_index)
{
	unsigned seen = 0, n = 0;
	json_t *a;
	size_t i;

	*ret_same_index = false;
	json_array_foreach(args, i, a) {
		json_int_t idx = json_integer_value(json_object_get(a, "index"));
		enum scmp_compare op;

		if (n >= 6 || idx < 0 || idx > 5 || parse_op(json_string_value(json_object_get(a, "op")), &op) < 0)
			return -EINVAL;
		*ret_same_index = *ret_same_index || (seen & (1u << idx));
		seen |= 1u << idx;
		cmp[n++] = (struct scmp_arg_cmp){ .arg = (unsigned)idx, .op = op,
			.datum_a = (uint64_t)json_integer_value(json_object_get(a, "value")),
			.datum_b = (uint64_t)json_integer_value(json_object_get(a, "valueTwo")) };
	}
	*ret_n = n;
	return 0;
}

/* One name: all comparisons in one rule, or (same index twice) one rule
 * per comparison, which ORs them as Docker does. A rule equal to the
 * default action is no error. */
static int
add_name(struct profile_ctx *p, const char *name, uint32_t action, struct scmp_arg_cmp *cmp, unsigned n, bool split)
{
	int nr = seccomp_syscall_resolve_name(name), r = 0;

	if (nr == __NR_SCMP_ERROR)
		return 0; /* unknown to this libseccomp: skipped */
	if (!split)
		r = seccomp_rule_add_array(p->sc, action, nr, n, cmp);
	for (unsigned i = 0; split && i < n && (r == 0 || r == -EACCES || r == -EEXIST); i++)
		r = seccomp_rule_add_array(p->sc, action, nr, 1, &cmp[i]);
	if (r < 0 && r != -EACCES && r != -EEXIST)
		return lite_err_set(p->err, EINVAL, "seccomp profile: rule for %s: %s", name, strerror(-r));
	return 0;
}

static int
add_rule(struct profile_ctx *p, json_t *rule)
{
	const char *action = json_string_value(json_object_get(rule, "action"));
	json_t *names = json_object_get(rule, "names"), *name = json_object_get(rule, "name"), *v;
	struct scmp_arg_cmp cmp[6];
	uint32_t act;
	unsigned n;
	bool split;
	size_t i;
	int r;

	if (!rule_applies(rule, p->caps))
		return 0;
	if (parse_action(action, rule, p->default_errno, &act) < 0)
		return lite_err_set(p->err, EINVAL, "seccomp profile: unknown action %s", action ? action : "(none)");
	if (parse_args(json_object_get(rule, "args"), cmp, &n, &split) < 0)
		return lite_err_set(p->err, EINVAL, "seccomp profile: malformed args of a rule");
	if (json_is_string(name) && (r = add_name(p, json_string_value(name), act, cmp, n, split)) < 0)
		return r;
	json_array_foreach(names, i, v)
		if (json_is_string(v) && (r = add_name(p, json_string_value(v), act, cmp, n, split)) < 0)
			return r;
	return 0;
}

/* The x86 family's secondary ABIs named by archMap or architectures. */
static void
add_arches(scmp_filter_ctx sc, json_t *profile)
{
	json_t *list = json_array(), *m, *v;
	size_t i, j;

	json_array_foreach(json_object_get(profile, "archMap"), i, m) {
		json_array_append(list, json_object_get(m, "architecture"));
		json_array_foreach(json_object_get(m, "subArchitectures"), j, v)
			json_array_append(list, v);
	}
	json_array_extend(list, json_object_get(profile, "architectures"));
	json_array_foreach(list, i, v) {
		const char *a = json_string_value(v);
		if (a && strcmp(a, "SCMP_ARCH_X86") == 0)
			(void)seccomp_arch_add(sc, SCMP_ARCH_X86);
		else if (a && strcmp(a, "SCMP_ARCH_X32") == 0)
			(void)seccomp_arch_add(sc, SCMP_ARCH_X32);
	}
	json_decref(list);
}

/* The highest x86_64 syscall number this libseccomp resolves (456 for
 * 2.5.4): computed, never hard-coded. */
static unsigned
highest_known_nr(void)
{
	static unsigned highest; /* first computed on the main thread, at start */
	unsigned h = 0;

	if (highest)
		return highest;
	for (unsigned nr = 0; nr < 1024; nr++) {
		char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, (int)nr);

		if (name)
			h = nr;
		free(name);
	}
	highest = h;
	return h;
}

#define PROLOGUE_LEN 6

/* x86_64, not x32, nr above what we know -> ENOSYS; everything else goes
 * on to libseccomp's program (its jumps are relative: prepending is safe). */
static void
fill_prologue(struct sock_filter *f, unsigned highest)
{
	const struct sock_filter pre[PROLOGUE_LEN] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 2, 0), /* x32 ABI */
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, highest, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
	};

	memcpy(f, pre, sizeof(pre));
}

static int
export_bpf(scmp_filter_ctx sc, bool prologue, char **ret_bpf, size_t *ret_len, struct lite_err *err)
{
	const size_t skip = prologue ? PROLOGUE_LEN * sizeof(struct sock_filter) : 0;
	_cleanup_close_ int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
	off_t size;
	char *buf;
	int r;

	if (fd < 0)
		return lite_err_sys(err, errno, "seccomp profile: memfd");
	r = seccomp_export_bpf(sc, fd);
	if (r < 0)
		return lite_err_sys(err, -r, "seccomp profile: export");
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % 8 || !(buf = malloc((size_t)size + skip)))
		return lite_err_set(err, ENOMEM, "seccomp profile: export");
	if (((size_t)size + skip) / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		free(buf);
		return lite_err_set(err, E2BIG, "seccomp profile: %zu BPF instructions, more than the kernel's %d",
				    ((size_t)size + skip) / sizeof(struct sock_filter), BPF_MAXINSNS);
	}
	if (pread(fd, buf + skip, (size_t)size, 0) != size) {
		free(buf);
		return lite_err_sys(err, errno ? errno : EIO, "seccomp profile: read the program");
	}
	if (prologue)
		fill_prologue((struct sock_filter *)buf, highest_known_nr());
	*ret_bpf = buf;
	*ret_len = (size_t)size + skip;
	return 0;
}

int
seccomp_profile_compile(const char *text, uint64_t caps, char **ret_bpf, size_t *ret_len, struct lite_err *err)
{
	json_t *profile = json_loads(text, 0, NULL), *rule, *e;
	struct profile_ctx p = { .caps = caps, .err = err };
	uint32_t def;
	size_t i;
	int r = 0;

	if (!json_is_object(profile)) {
		json_decref(profile);
		return lite_err_set(err, EINVAL, "seccomp profile: not a JSON object");
	}
	e = json_object_get(profile, "defaultErrnoRet");
	p.default_errno = json_is_integer(e) ? (uint32_t)json_integer_value(e) : EPERM;
	if (parse_action(json_string_value(json_object_get(profile, "defaultAction")), profile, p.default_errno,
			 &def) < 0) {
		json_decref(profile);
		return lite_err_set(err, EINVAL, "seccomp profile: missing or unknown defaultAction");
	}
	p.sc = seccomp_init(def);
	if (!p.sc) {
		json_decref(profile);
		return lite_err_set(err, ENOMEM, "seccomp profile: init");
	}
	/* a binary tree of syscall numbers: 0.3 ms to load instead of 1.1 */
	(void)seccomp_attr_set(p.sc, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	add_arches(p.sc, profile);
	json_array_foreach(json_object_get(profile, "syscalls"), i, rule)
		if (r == 0)
			r = add_rule(&p, rule);
	if (r == 0)
		r = export_bpf(p.sc, def != SCMP_ACT_ALLOW && def != SCMP_ACT_LOG, ret_bpf, ret_len, err);
	seccomp_release(p.sc);
	json_decref(profile);
	return r;
}
