#!/bin/bash
# The VM suite, run as root inside the test VM (systemd 254 as PID 1, pure
# cgroup v2) by run-vm.sh through the image's lite-vm-run.service.  The
# shared folder holds root/ (lite installed with meson --destdir) and
# img.tar (the busybox test image with lite-test-helper).  Speaks TAP.
set -uo pipefail

share=/mnt/lite-vm
svc_cg=/sys/fs/cgroup/system.slice/containerd-lite.service
n=0
failed=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; printf '# %s\n' "$@"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
is() { if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "expected: '$2'" "     got: '$1'"; fi; }
like() { if grep -Eq -- "$2" <<<"$1"; then pass "$3"; else fail "$3" "no /$2/ in: $1"; fi; }
ok() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d" "failed: $*"; fi; }
diag() { printf '# %s\n' "$@"; }

lite() { timeout -k 5 120 /usr/local/bin/lite "$@" </dev/null; }
# jget PATH: a dotted path of the JSON on stdin (first element of a list)
jget() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
for k in sys.argv[1].split("."):
    d = d[k]
print(d if isinstance(d, str) else json.dumps(d))' "$1"
}
field() { lite inspect "$1" | jget "$2"; }
main_pid() { systemctl show -P MainPID containerd-lite.service; }
cgroup_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
lite_mounts() { grep -E ' /(run|var/lib)/lite' /proc/self/mountinfo || true; }

install_lite() {
	cp -a "$share/root/." /
	systemd-sysusers
	systemd-tmpfiles --create
	systemctl daemon-reload
	systemctl enable --now containerd-lite.socket
	systemctl enable --now containerd-lite-docker.socket
	useradd -m -G lite alice
}

test_socket_activation() {
	is "$(systemctl is-active containerd-lite.service)" inactive "daemon not running before the first command"
	is "$(lite version >/dev/null && echo ok)" ok "first lite command answered (socket activation)"
	# Type=notify: "active" only after the daemon sent READY=1.
	is "$(systemctl is-active containerd-lite.service)" active "socket activation started the service; READY=1 received"
	is "$(cgroup_of "$(main_pid)")" /system.slice/containerd-lite.service/supervisor \
		"daemon runs in the leaf containerd-lite.service/supervisor"
}

# The Docker Engine API through its activated socket (issue 16): the
# running service got the second fd (FileDescriptorName=docker).
test_docker_api() {
	is "$(stat -c '%a %U %G' /run/lite-docker.sock 2>&1)" "660 root lite" "Docker socket: 0660 root:lite (containerd-lite-docker.socket)"
	out=$(setpriv --reuid=alice --regid=alice --init-groups timeout 30 python3 -c '
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("/run/lite-docker.sock")
s.sendall(b"GET /v1.41/_ping HTTP/1.1\r\nHost: d\r\nConnection: close\r\n\r\n")
d = b""
while True:
    c = s.recv(4096)
    if not c:
        break
    d += c
print(d.split(b"\r\n")[0].decode(), d.split(b"\r\n\r\n", 1)[1].decode())' 2>&1 </dev/null)
	is "$out" "HTTP/1.1 200 OK OK" "alice: /_ping through the activated Docker socket"
	like "$(journalctl -u containerd-lite --no-pager 2>/dev/null | grep 'Docker Engine API')" 'from systemd' \
		"the service serves the Docker API on systemd's socket"
}

test_import() {
	ok "import the busybox test image" eval "lite import \"$share/img.tar\" testimg >/dev/null"
}

test_limits() {
	local id pid cg
	id=$(lite run -d --name lim -m 100m --cpus 0.5 --pids-limit 50 testimg sleep 600)
	pid=$(field lim State.Pid)
	cg=/sys/fs/cgroup$(cgroup_of "$pid")
	is "$cg" "$svc_cg/lite/$id" "container cgroup is below the service's delegated subtree"
	is "$(cat "$cg/memory.max")/$(cat "$cg/cpu.max")/$(cat "$cg/pids.max")" "104857600/50000 100000/50" \
		"memory.max, cpu.max, pids.max hold the limits"
	ok "cpuset controller delegated to the container (cpuset.cpus exists)" test -e "$cg/cpuset.cpus"
	ok "no root-level cgroup /sys/fs/cgroup/lite" test ! -e /sys/fs/cgroup/lite
}

# Pure v2: init is born in its cgroup (clone3 with CLONE_INTO_CGROUP,
# daemon/shim/cgroup-join.c; issue 14): the shim logs to shim.log when it
# had to fall back to moving the pid, also in a user namespace.
test_cgroup_birth() {
	local name id pid
	for name in born born-userns; do
		if [ "$name" = born ]; then
			id=$(lite run -d --name born testimg sleep 600)
		elif ! id=$(lite run -d --name born-userns --userns=auto testimg sleep 600 2>/dev/null); then
			skip "$name: init runs in its container's cgroup" "--userns=auto unavailable"
			continue
		fi
		pid=$(field "$name" State.Pid)
		is "/sys/fs/cgroup$(cgroup_of "$pid")" "$svc_cg/lite/$id" "$name: init runs in its container's cgroup"
		is "$(grep -c -e 'init joins it by pid' -e 'did not join its cgroups' \
			"/var/lib/lite/containers/$id/shim.log")" 0 "$name: init was born there (CLONE_INTO_CGROUP, no fallback)"
		lite rm -f "$name" >/dev/null
	done
}

# Pure v2: the eBPF device program is the only device filter (issue 11, B6).
test_devices() {
	local out
	out=$(lite run --rm testimg sh -c 'mknod /tmp/fz c 10 229 && exec 3<>/tmp/fz && echo open=OK' 2>&1)
	case $out in
	*"Operation not permitted"*) pass "v2 eBPF filter: mknod c 10:229 works, opening it is refused" ;;
	*) fail "v2 eBPF filter: mknod c 10:229 works, opening it is refused" "got: $out" ;;
	esac
	is "$(lite run --rm testimg sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c' 2>&1)" 4 \
		"v2 eBPF filter: null and zero still work"
	if [ -c /dev/fuse ]; then
		is "$(lite run --rm --device /dev/fuse testimg sh -c 'exec 3<>/dev/fuse && echo open=OK' 2>&1)" open=OK \
			"v2 eBPF filter: --device /dev/fuse opens"
	else
		skip "v2 eBPF filter: --device /dev/fuse opens" "no /dev/fuse in the VM"
	fi
}

test_restart() {
	local before shim after
	before=$(main_pid)
	shim=$(pgrep -f 'lite-shim' | head -1)
	systemctl restart containerd-lite.service
	after=$(main_pid)
	if [ "$after" != "$before" ] && [ "$after" != 0 ]; then pass "systemctl restart gave a new daemon"; else
		fail "systemctl restart gave a new daemon" "before $before after $after" "$(systemctl status containerd-lite --no-pager 2>&1 | tail -5)"; fi
	is "$(field lim State.Status)" running "container still running after the restart"
	ok "its shim survived (KillMode=process)" kill -0 "$shim"
	is "$(cgroup_of "$after")" /system.slice/containerd-lite.service/supervisor "new daemon in the supervisor leaf again"
	lite rm -f lim >/dev/null
}

test_oom() {
	local rc
	lite run --name oom1 -m 100m testimg lite-test-helper memhog 200 >/dev/null 2>&1
	rc=$?
	is "$rc/$(field oom1 State.OOMKilled)" "137/true" "OOM kill of the main process: exit 137, oom_killed"
	out=$(lite run --name oom2 -m 100m testimg sh -c 'lite-test-helper memhog 200; echo survived' 2>/dev/null)
	rc=$?
	is "$rc/$out/$(field oom2 State.OOMKilled)" "0/survived/true" \
		"OOM kill of a child while the main process survives: oom_killed (memory.events)"
	lite rm -f oom1 oom2 >/dev/null
}

test_non_root() {
	local out
	out=$(setpriv --reuid=alice --regid=alice --init-groups timeout 60 /usr/local/bin/lite run --rm testimg echo hi 2>&1 </dev/null)
	is "$out" hi "a user in group lite runs a container"
	# on pure v2 too: alice's root is a high uid range, in a user namespace
	out=$(setpriv --reuid=alice --regid=alice --init-groups timeout 60 /usr/local/bin/lite run --rm testimg \
		sh -c 'id -u; cat /proc/self/uid_map' 2>&1 </dev/null | tr -s ' \n' ' ')
	case $out in
	"0 0 0 "*) fail "alice's container runs in a user namespace" "got: $out" ;;
	"0 0 "[1-9]*" 65536 ") pass "alice's container runs in a user namespace ($out)" ;;
	*) fail "alice's container runs in a user namespace" "got: $out" ;;
	esac
}

# The hardening that differs on pure cgroup v2: the cgroup namespace shows
# the container's own cgroup as / with cgroup2 read-only, and seccomp and
# the capability sets hold as on v1.
test_hardening() {
	local out
	out=$(lite run --rm --pids-limit 77 testimg sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup/pids.max;
		grep -E "^(CapInh|NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t" " ";
		mkdir /sys/fs/cgroup/x 2>/dev/null && echo cgroup=writable; true' 2>&1)
	case $out in *"0::/"*) pass "cgroup namespace: the container's cgroup is /" ;;
	*) fail "cgroup namespace: the container's cgroup is /" "got: $out" ;; esac
	case $out in *77*) pass "its own pids.max is what /sys/fs/cgroup shows" ;;
	*) fail "its own pids.max is what /sys/fs/cgroup shows" "got: $out" ;; esac
	case $out in *cgroup=writable*) fail "cgroup2 is read-only inside" "got: $out" ;;
	*) pass "cgroup2 is read-only inside" ;; esac
	case $out in *"CapInh: 0000000000000000"*"NoNewPrivs: 1"*"Seccomp: 2"*) pass "capabilities, no_new_privs and seccomp as on v1" ;;
	*) fail "capabilities, no_new_privs and seccomp as on v1" "got: $out" ;; esac
}

# lite build on pure v2 with systemd, by root and by alice (in her user
# namespace): RUN, COPY, the result runs.
test_build() {
	local ctx=/tmp/build-ctx out
	mkdir -p $ctx && echo copied >$ctx/f && chmod -R a+rX $ctx
	printf 'FROM testimg\nCOPY f /f\nRUN echo "$(cat /f) ran" > /r\nCMD ["cat", "/r"]\n' >$ctx/Dockerfile
	is "$(lite build -q -t vmbuilt $ctx >/dev/null && lite run --rm vmbuilt)" "copied ran" "root builds an image and runs it"
	out=$(setpriv --reuid=alice --regid=alice --init-groups timeout 120 /usr/local/bin/lite build -q -t alice/built $ctx \
		2>&1 </dev/null >/dev/null && setpriv --reuid=alice --regid=alice --init-groups timeout 60 \
		/usr/local/bin/lite run --rm alice/built 2>&1 </dev/null)
	is "$out" "copied ran" "alice builds an image (RUN in her user namespace) and runs it"
}

test_stop_start() {
	systemctl stop containerd-lite.service containerd-lite.socket
	ok "stop leaves no cgroup of the service" test ! -e "$svc_cg"
	is "$(lite_mounts)" "" "stop leaves no lite mounts"
	systemctl start containerd-lite.socket
	is "$(lite ps -aq | wc -l)" 0 "start again: daemon answers, no containers left"
	systemctl stop containerd-lite.service containerd-lite.socket
}

main() {
	local t0
	t0=$(cut -d' ' -f1 /proc/uptime)
	diag "boot to tests: ${t0} s; systemd $(systemctl --version | head -1 | cut -d' ' -f2); kernel $(uname -r)"
	if ! install_lite >/tmp/install.log 2>&1; then
		echo "Bail out! installing lite failed: $(tail -3 /tmp/install.log)"
		exit 1
	fi
	test_socket_activation
	test_docker_api
	test_import
	test_limits
	test_cgroup_birth
	test_devices
	test_restart
	test_oom
	test_non_root
	test_hardening
	test_build
	test_stop_start
	echo "1..$n"
	diag "tests took $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s in the VM"
	if [ "$failed" -gt 0 ]; then
		journalctl -u containerd-lite --no-pager | tail -40 | sed 's/^/# journal: /'
		exit 1
	fi
}

main "$@"
