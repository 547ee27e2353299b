/* cgroup v2's device filter: the container's allow list compiled to a
 * BPF_PROG_TYPE_CGROUP_DEVICE program (daemon/lib/cgroup-devices-bpf.c),
 * loaded with bpf(BPF_PROG_LOAD) and attached to the container's cgroup
 * with BPF_PROG_ATTACH and BPF_F_ALLOW_MULTI (a delegating systemd's own
 * device program above it keeps running too). No libbpf, as in crun.
 *
 * The default program is loaded once and its fd kept; a container with
 * --device rules gets a program of its own, closed once attached (the
 * attachment holds it). Attachments live with the cgroup: nothing to redo
 * after a daemon restart, nothing to undo before rmdir.
 *
 * Safety: attaches only to the directory cgroup-v2.c hands it, the
 * container's own ROOT/PARENT/ID, and never detaches anything. */
#include "cgroup.h"
#include "cgroup-devices-bpf.h"
#include "cgroup-internal.h"

#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int default_prog = -1;

static int
bpf_call(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static int
load_program(const struct cgroup_limits *lim, struct lite_err *err)
{
	struct cgroup_device_rule rules[64];
	struct bpf_insn insns[CGROUP_DEVICES_BPF_MAX_INSNS];
	union bpf_attr a;
	int n, fd;

	n = cgroup_values_device_rules(lim, rules, ARRAY_SIZE(rules));
	if (n >= 0)
		n = cgroup_devices_bpf_build(rules, (size_t)n, insns, ARRAY_SIZE(insns));
	if (n < 0)
		return lite_err_set(err, E2BIG, "too many devices");
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t)"GPL";
	fd = bpf_call(BPF_PROG_LOAD, &a);
	if (fd < 0)
		return lite_err_sys(err, errno, "load the device filter (eBPF cgroup device program)");
	return fd;
}

/* How many device programs cg has itself (not inherited ones). */
static int
attached_count(int cg)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)cg;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	if (bpf_call(BPF_PROG_QUERY, &a) < 0)
		return -errno;
	return (int)a.query.prog_cnt;
}

int
cgroup_v2_devices_attach(const char *dir, const struct cgroup_limits *lim, struct lite_err *err)
{
	_cleanup_close_ int cg = -1, own = -1;
	union bpf_attr a;
	int prog, r;

	if (lim->devices_allow_all)
		return 0;
	cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return lite_err_sys(err, errno, "open cgroup %s", dir);
	r = attached_count(cg);
	if (r > 0)
		return 0; /* update of a running container, or a restart */
	if (lim->n_devices) {
		prog = own = load_program(lim, err);
	} else {
		if (default_prog < 0)
			default_prog = load_program(lim, err);
		prog = default_prog;
	}
	if (prog < 0)
		return prog;
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)cg;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf_call(BPF_PROG_ATTACH, &a) < 0)
		return lite_err_sys(err, errno, "attach the device filter to cgroup %s", dir);
	return 0;
}
