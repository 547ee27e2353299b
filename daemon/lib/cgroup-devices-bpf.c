/* Rules to a BPF_PROG_TYPE_CGROUP_DEVICE program (see cgroup-devices-bpf.h).
 *
 * The kernel calls the program with a struct bpf_cgroup_dev_ctx:
 * access_type (device type in the low 16 bits, BPF_DEVCG_DEV_BLOCK or
 * _CHAR; BPF_DEVCG_ACC_* access bits above), major, minor. The program
 * loads them into r2 (type), r3 (access), r4 (major), r5 (minor), then
 * tests one block per rule; a mismatch jumps to the next block:
 *
 *	if r2 != TYPE goto next      (left out for type 'a')
 *	if r3 & ~ACCESS goto next    (left out for rwm)
 *	if r4 != MAJOR goto next     (left out for *)
 *	if r5 != MINOR goto next     (left out for *)
 *	r0 = 1; exit
 * next: ...
 *	r0 = 0; exit
 *
 * The same shape as crun's src/libcrun/ebpf.c. */
#include "cgroup-devices-bpf.h"

#include <errno.h>
#include <stdbool.h>

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(d, s, o)      INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define AND32_IMM(d, i)     INSN(BPF_ALU | BPF_AND | BPF_K, d, 0, 0, i)
#define RSH32_IMM(d, i)     INSN(BPF_ALU | BPF_RSH | BPF_K, d, 0, 0, i)
#define JNE_IMM(d, i, o)    INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JSET_IMM(d, i, o)   INSN(BPF_JMP | BPF_JSET | BPF_K, d, 0, o, i)
#define MOV64_IMM(d, i)     INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define EXIT_INSN()         INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

enum { R0, R1, R2, R3, R4, R5 };

static int
type_code(char type)
{
	return type == 'b' ? BPF_DEVCG_DEV_BLOCK : type == 'c' ? BPF_DEVCG_DEV_CHAR : 0;
}

/* One rule's block at out[0..]; returns its length (at most 6). */
static int
rule_block(const struct cgroup_device_rule *r, struct bpf_insn *out)
{
	bool check_type = r->type != 'a', check_access = (r->access & CGROUP_DEV_RWM) != CGROUP_DEV_RWM;
	int len = 2 + check_type + check_access + (r->major >= 0) + (r->minor >= 0);
	int n = 0;

	/* each test skips the rest of the block: the insns after it */
	if (check_type)
		out[n] = JNE_IMM(R2, type_code(r->type), len - n - 1), n++;
	if (check_access)
		out[n] = JSET_IMM(R3, ~r->access & CGROUP_DEV_RWM, len - n - 1), n++;
	if (r->major >= 0)
		out[n] = JNE_IMM(R4, r->major, len - n - 1), n++;
	if (r->minor >= 0)
		out[n] = JNE_IMM(R5, r->minor, len - n - 1), n++;
	out[n++] = MOV64_IMM(R0, 1);
	out[n++] = EXIT_INSN();
	return n;
}

int
cgroup_devices_bpf_build(const struct cgroup_device_rule *rules, size_t n, struct bpf_insn *out, size_t max)
{
	size_t len = 0;

	if (max < 6 + 2 + 6 * n)
		return -E2BIG;
	out[len++] = LDX_W(R2, R1, 0); /* access_type */
	out[len++] = AND32_IMM(R2, 0xffff);
	out[len++] = LDX_W(R3, R1, 0);
	out[len++] = RSH32_IMM(R3, 16);
	out[len++] = LDX_W(R4, R1, 4); /* major */
	out[len++] = LDX_W(R5, R1, 8); /* minor */
	for (size_t i = 0; i < n; i++)
		len += (size_t)rule_block(&rules[i], out + len);
	out[len++] = MOV64_IMM(R0, 0);
	out[len++] = EXIT_INSN();
	return (int)len;
}
