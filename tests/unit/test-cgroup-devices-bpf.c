/* Unit tests of the device filter's pure parts: the rule list and its v1
 * lines (daemon/lib/cgroup-values.c) and the eBPF program built from it
 * (daemon/lib/cgroup-devices-bpf.c), run through a small interpreter of
 * the instructions the builder emits. As root, the kernel's verifier must
 * accept the program too (skipped otherwise). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "cgroup.h"
#include "cgroup-devices-bpf.h"

#define ACC_R CGROUP_DEV_READ
#define ACC_W CGROUP_DEV_WRITE
#define ACC_M CGROUP_DEV_MKNOD

struct dev_ctx {
	uint32_t access_type; /* type | access << 16, as struct bpf_cgroup_dev_ctx */
	uint32_t major, minor;
};

/* Runs prog on ctx; fails the test on an instruction the builder should
 * never emit, a jump out of the program or a run that does not exit. */
static int
run(const struct bpf_insn *p, int n, char type, unsigned access, uint32_t major, uint32_t minor)
{
	struct dev_ctx ctx = { (uint32_t)(type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR) | access << 16, major, minor };
	uint64_t r[11] = { 0 };

	for (int pc = 0, steps = 0; steps < 10000; steps++) {
		const struct bpf_insn *i;
		uint32_t imm;
		bool jump = false;

		assert_true(pc >= 0 && pc < n);
		i = &p[pc++];
		imm = (uint32_t)i->imm;
		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			assert_int_equal(i->src_reg, 1);
			assert_true(i->off >= 0 && i->off + 4 <= (int)sizeof(ctx) && i->off % 4 == 0);
			r[i->dst_reg] = ((const uint32_t *)&ctx)[i->off / 4];
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			r[i->dst_reg] = (uint32_t)r[i->dst_reg] & imm;
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> imm;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			r[i->dst_reg] = (uint64_t)(int64_t)i->imm;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			jump = r[i->dst_reg] != (uint64_t)(int64_t)i->imm;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			jump = (r[i->dst_reg] & (uint64_t)(int64_t)i->imm) != 0;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			fail_msg("unexpected opcode 0x%x at %d", i->code, pc - 1);
		}
		if (jump)
			pc += i->off;
	}
	fail_msg("the program did not exit");
	return -1;
}

static int
build(const struct cgroup_limits *lim, struct bpf_insn *p, size_t max)
{
	struct cgroup_device_rule rules[64];
	int n = cgroup_values_device_rules(lim, rules, 64);

	assert_true(n > 0);
	return cgroup_devices_bpf_build(rules, (size_t)n, p, max);
}

static void
test_default_program(void **state)
{
	struct bpf_insn p[CGROUP_DEVICES_BPF_MAX_INSNS];
	int n = build(NULL, p, CGROUP_DEVICES_BPF_MAX_INSNS);

	(void)state;
	assert_true(n > 0);
	/* the default list: every node opens read-write */
	assert_int_equal(run(p, n, 'c', ACC_R | ACC_W, 1, 3), 1);   /* null */
	assert_int_equal(run(p, n, 'c', ACC_R | ACC_W | ACC_M, 1, 9), 1);
	assert_int_equal(run(p, n, 'c', ACC_R, 5, 0), 1);           /* tty */
	assert_int_equal(run(p, n, 'c', ACC_R | ACC_W, 5, 2), 1);   /* ptmx */
	assert_int_equal(run(p, n, 'c', ACC_R | ACC_W, 136, 7), 1); /* pts/7 */
	assert_int_equal(run(p, n, 'c', ACC_R | ACC_W, 10, 200), 1); /* tun */
	/* any node may be made, none other opened */
	assert_int_equal(run(p, n, 'c', ACC_M, 10, 229), 1);
	assert_int_equal(run(p, n, 'b', ACC_M, 254, 0), 1);
	assert_int_equal(run(p, n, 'c', ACC_R, 10, 229), 0);        /* fuse */
	assert_int_equal(run(p, n, 'c', ACC_W, 1, 1), 0);           /* mem */
	assert_int_equal(run(p, n, 'b', ACC_R, 254, 0), 0);
	assert_int_equal(run(p, n, 'b', ACC_R, 1, 3), 0);           /* null's numbers, but a block device */
	assert_int_equal(run(p, n, 'c', ACC_R | ACC_M, 10, 229), 0);
	assert_int_equal(run(p, n, 'c', ACC_R, 5, 3), 0);
	assert_int_equal(run(p, n, 'c', ACC_R, 137, 0), 0);
}

/* The prologue loads type, access, major, minor; the end denies. */
static void
test_program_shape(void **state)
{
	struct bpf_insn p[CGROUP_DEVICES_BPF_MAX_INSNS];
	int n = build(NULL, p, CGROUP_DEVICES_BPF_MAX_INSNS);

	(void)state;
	assert_int_equal(p[0].code, BPF_LDX | BPF_MEM | BPF_W);
	assert_int_equal(p[1].code, BPF_ALU | BPF_AND | BPF_K);
	assert_int_equal(p[1].imm, 0xffff);
	assert_int_equal(p[3].code, BPF_ALU | BPF_RSH | BPF_K);
	assert_int_equal(p[3].imm, 16);
	assert_int_equal(p[4].off, 4);
	assert_int_equal(p[5].off, 8);
	assert_int_equal(p[n - 2].code, BPF_ALU64 | BPF_MOV | BPF_K);
	assert_int_equal(p[n - 2].imm, 0);
	assert_int_equal(p[n - 1].code, BPF_JMP | BPF_EXIT);
	/* 12 default rules: the 2 mknod ones of 4 insns, 9 with both numbers of 5, the pts of 4 */
	assert_int_equal(n, 6 + (2 * 4) + (9 * 5) + 4 + 2);
	assert_int_equal(cgroup_devices_bpf_build(NULL, 0, p, 7), -E2BIG);
}

static void
test_extra_devices(void **state)
{
	struct cgroup_limits lim = { 0 };
	struct bpf_insn p[CGROUP_DEVICES_BPF_MAX_INSNS];
	int n;

	(void)state;
	lim.devices[lim.n_devices++] = (struct cgroup_device_rule){ 'c', 10, 229, ACC_R | ACC_W | ACC_M };
	lim.devices[lim.n_devices++] = (struct cgroup_device_rule){ 'b', 7, 0, ACC_R };
	n = build(&lim, p, CGROUP_DEVICES_BPF_MAX_INSNS);
	assert_int_equal(run(p, n, 'c', ACC_R | ACC_W, 10, 229), 1);
	assert_int_equal(run(p, n, 'b', ACC_R, 7, 0), 1);
	assert_int_equal(run(p, n, 'b', ACC_R | ACC_W, 7, 0), 0); /* read only */
	assert_int_equal(run(p, n, 'b', ACC_R, 7, 1), 0);
	assert_int_equal(run(p, n, 'c', ACC_R, 10, 228), 0);
	/* the most rules the limits can hold still fit */
	lim.n_devices = CGROUP_LIMITS_MAX_DEVICES;
	for (unsigned i = 0; i < lim.n_devices; i++)
		lim.devices[i] = (struct cgroup_device_rule){ 'c', 240, (int32_t)i, ACC_R | ACC_W };
	n = build(&lim, p, CGROUP_DEVICES_BPF_MAX_INSNS);
	assert_true(n > 0);
	assert_int_equal(run(p, n, 'c', ACC_R | ACC_W, 240, 31), 1);
	assert_int_equal(run(p, n, 'c', ACC_R | ACC_W, 240, 32), 0);
}

static void
test_allow_all_rule(void **state)
{
	struct cgroup_device_rule all = { 'a', -1, -1, CGROUP_DEV_RWM };
	struct bpf_insn p[16];
	int n = cgroup_devices_bpf_build(&all, 1, p, 16);

	(void)state;
	assert_int_equal(n, 6 + 2 + 2);
	assert_int_equal(run(p, n, 'b', ACC_R | ACC_W, 8, 0), 1);
	assert_int_equal(run(p, n, 'c', ACC_M, 1, 1), 1);
}

static void
test_v1_lines(void **state)
{
	struct cgroup_device_rule rules[64];
	char buf[64];
	int n = cgroup_values_device_rules(NULL, rules, 64);

	(void)state;
	assert_int_equal(n, 12);
	assert_int_equal(cgroup_values_device_v1(&rules[0], buf, sizeof(buf)), 0);
	assert_string_equal(buf, "c *:* m");
	assert_int_equal(cgroup_values_device_v1(&rules[1], buf, sizeof(buf)), 0);
	assert_string_equal(buf, "b *:* m");
	assert_int_equal(cgroup_values_device_v1(&rules[2], buf, sizeof(buf)), 0);
	assert_string_equal(buf, "c 1:3 rwm");
	assert_int_equal(cgroup_values_device_v1(&rules[10], buf, sizeof(buf)), 0);
	assert_string_equal(buf, "c 136:* rwm");
	assert_int_equal(cgroup_values_device_v1(&(struct cgroup_device_rule){ 'b', 8, 16, ACC_R }, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "b 8:16 r");
	assert_int_equal(cgroup_values_device_v1(&(struct cgroup_device_rule){ 'x', 8, 16, ACC_R }, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_values_device_v1(&(struct cgroup_device_rule){ 'c', 8, 16, 0 }, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(cgroup_values_device_v1(&rules[2], buf, 5), -ENAMETOOLONG);
	assert_int_equal(cgroup_values_device_rules(NULL, rules, 11), -E2BIG);
}

/* The kernel's verifier has the last word; it needs root (CAP_BPF). */
static void
test_kernel_accepts(void **state)
{
	struct cgroup_limits lim = { .n_devices = 1, .devices = { { 'c', 10, 229, CGROUP_DEV_RWM } } };
	struct bpf_insn p[CGROUP_DEVICES_BPF_MAX_INSNS];
	static char log[65536];
	union bpf_attr a;
	int n = build(&lim, p, CGROUP_DEVICES_BPF_MAX_INSNS), fd;

	(void)state;
	if (geteuid() != 0)
		skip();
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)p;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t)"GPL";
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		skip();
	if (fd < 0)
		fail_msg("BPF_PROG_LOAD: %s\n%s", strerror(errno), log);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_program),
		cmocka_unit_test(test_program_shape),
		cmocka_unit_test(test_extra_devices),
		cmocka_unit_test(test_allow_all_rule),
		cmocka_unit_test(test_v1_lines),
		cmocka_unit_test(test_kernel_accepts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
