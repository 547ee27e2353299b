#!/bin/bash
# Issue 11, B1-B5, B7 and A3: every container runs with Docker's 14
# capabilities (inheritable and ambient empty), no_new_privs, a seccomp
# filter modelled on Docker's default profile, masked and read-only paths
# under /proc and /sys, a cgroup namespace with read-only cgroup mounts and
# a default pids limit; lite exec gets the same. Root may lift each of
# these; a non-root caller may not (one clear line each).
# Never writes a value to /proc/sys/kernel/core_pattern: `( : > f )` only
# opens it for writing (KERNEL-NOTES.md).
source "$(dirname "$0")/lib.sh"

MODE=$(cgroup_mode)
st() { lite run --rm testimg sh -c "grep -E '^$1:' /proc/self/status | cut -f2"; }

# ---------------------------------------------------------------- B1 capabilities
is "$(st CapEff)" 00000000a80425fb "CapEff: Docker's 14 capabilities"
is "$(st CapPrm)" 00000000a80425fb "CapPrm: Docker's 14 capabilities"
is "$(st CapBnd)" 00000000a80425fb "CapBnd: Docker's 14 capabilities"
is "$(st CapInh)" 0000000000000000 "CapInh empty (CVE-2022-24769 class)"
is "$(st CapAmb)" 0000000000000000 "CapAmb empty"
capture lite run --rm -u nobody testimg sh -c 'grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb)" /proc/self/status | cut -f2 | tr "\n" " "'
is "$OUT" "0000000000000000 0000000000000000 0000000000000000 00000000a80425fb 0000000000000000 " "-u nobody: no capabilities, bounding set Docker's"

# ---------------------------------------------------------------- B3, B2
is "$(st NoNewPrivs)" 1 "no_new_privs on"
is "$(st Seccomp)" 2 "seccomp filter mode"
is "$(st Seccomp_filters)" 1 "one seccomp filter"

# ---------------------------------------------------------------- exec
lite run -d --name hx testimg sleep 300 >/dev/null
capture lite exec hx sh -c 'grep -E "^(CapInh|CapEff|NoNewPrivs|Seccomp):" /proc/self/status | cut -f2 | tr "\n" " "'
is "$OUT" "0000000000000000 00000000a80425fb 1 2 " "exec: same capabilities, no_new_privs and seccomp"
capture lite exec hx lite-test-helper sys keyctl unshare_user mount
is "$OUT" "$(printf 'keyctl=EPERM\nunshare_user=EPERM\nmount=EPERM')" "exec: same syscall filter"
capture lite exec -u nobody hx grep CapEff /proc/self/status
like "$OUT" '0000000000000000' "exec -u nobody: no capabilities"

# ---------------------------------------------------------------- setuid / file caps as nobody
mk_evil() {
	local s=$T/evil; rm -rf "$s"; mkdir -p "$s"
	tar -xf "$T/img.tar" -C "$s"
	install -m 4755 "$LITE_TEST_HELPER" "$s/rootsh"
	install -m 0755 "$LITE_TEST_HELPER" "$s/capsh"
	install -m 0755 "$LITE_TEST_HELPER" "$s/icapsh"
	setcap cap_setuid=ep "$s/capsh" && setcap cap_setuid=ei "$s/icapsh" || diag "setcap failed"
	tar --xattrs --xattrs-include='*' --numeric-owner -C "$s" -cf "$T/evil.tar" .
	capture lite import "$T/evil.tar" evilh:1; is_rc 0 "import an image with setuid and file-capability binaries"
}
mk_evil
capture lite run --rm -u nobody evilh:1 /rootsh setuid0
like "$OUT" 'setuid0=refused uid=65534 euid=65534' "-u nobody: a setuid-root binary does not give uid 0 (no_new_privs)"
capture lite run --rm -u nobody evilh:1 /icapsh setuid0
like "$OUT" 'setuid0=refused' "-u nobody: a file with inheritable cap_setuid gives nothing"
capture lite run --rm -u nobody evilh:1 /capsh setuid0
like "$OUT" 'setuid0=refused' "-u nobody: a file with permitted cap_setuid gives nothing"

# ---------------------------------------------------------------- B4 read-only and masked paths
capture lite run --rm testimg sh -c 'for f in /proc/sys/kernel/core_pattern /proc/sys/vm/drop_caches /proc/sysrq-trigger; do [ -e $f ] || { echo "$f absent"; continue; }; ( : > $f ) 2>/dev/null && echo "$f WRITABLE" || echo "$f ro"; done'
unlike "$OUT" WRITABLE "/proc/sys and /proc/sysrq-trigger cannot be opened for writing"
diag "$OUT"
capture lite run --rm testimg sh -c '( : > /proc/sys/kernel/core_pattern ) 2>&1; echo rc=$?'
like "$OUT" 'Read-only file system' "core_pattern: read-only file system"
capture lite run --rm testimg sh -c '( : > /sys/kernel/uevent_helper ) 2>&1; mkdir /sys/x 2>&1'
like "$OUT" 'Read-only file system' "/sys is read-only"
MASKCHECK='for f in /proc/kcore /proc/timer_list /proc/keys /proc/sched_debug /proc/latency_stats /proc/timer_stats; do [ -e $f ] && echo "$f $(head -c 64 $f 2>/dev/null | wc -c)"; done; for d in /proc/acpi /proc/scsi /sys/firmware /sys/devices/virtual/powercap; do [ -e $d ] && echo "$d $(ls -A $d | wc -l)"; done'
capture lite run --rm testimg sh -c "$MASKCHECK"
unlike "$OUT" ' [1-9][0-9]*$' "masked paths read as empty"
like "$OUT" '/proc/timer_list 0' "/proc/timer_list masked"
capture lite run --rm testimg sh -c 'umount /proc/timer_list 2>&1; mount -t proc proc /mnt 2>&1; mount -o remount,rw /proc/sys 2>&1'
unlike "$OUT" '^$' "masks cannot be undone"
isnt "$(printf '%s\n' "$OUT" | grep -c 'Operation not permitted')" 0 "umount/mount: Operation not permitted"

# ---------------------------------------------------------------- B2 syscalls
capture lite run --rm testimg lite-test-helper sys keyctl add_key request_key unshare_user clone_newuser clone3 mount bpf perf_event_open open_by_handle_at kexec_load io_uring_setup socket_vsock personality_norandom fork
is "$OUT" "$(printf 'keyctl=EPERM\nadd_key=EPERM\nrequest_key=EPERM\nunshare_user=EPERM\nclone_newuser=EPERM\nclone3=ENOSYS\nmount=EPERM\nbpf=EPERM\nperf_event_open=EPERM\nopen_by_handle_at=EPERM\nkexec_load=EPERM\nio_uring_setup=EPERM\nsocket_vsock=EPERM\npersonality_norandom=EPERM\nfork=OK')" "seccomp: Docker's default rules"
# a syscall newer than the daemon's libseccomp: ENOSYS (libc falls back), not EPERM
capture lite run --rm testimg lite-test-helper sys mseal
is "$OUT" "mseal=ENOSYS" "seccomp: an unknown newer syscall gets ENOSYS"
capture lite run --rm testimg unshare -U true
isnt "$RC" 0 "unshare -U fails"
like "$ERR" 'Operation not permitted' "unshare -U: Operation not permitted"
capture lite run --rm testimg sh -c 'mount -t tmpfs none /mnt 2>&1'
like "$OUT" 'Operation not permitted|[Pp]ermission denied' "mount fails"
capture lite run --rm --init testimg sh -c 'echo under-init'
is "$OUT" under-init "--init: lite-init runs under the filter"

# ---------------------------------------------------------------- B5 cgroup namespace
capture lite run --rm testimg cat /proc/self/cgroup
unlike "$OUT" ':/[^ ]' "/proc/self/cgroup shows / only (cgroup namespace)"
if [ "$MODE" = v1 ]; then
	capture lite run --rm testimg ls /sys/fs/cgroup
	like "$OUT" 'pids' "/sys/fs/cgroup has the pids hierarchy"
	unlike "$OUT" 'systemd|unified' "no name=systemd or unified mount (they would show the host's tree)"
	PIDSMAX=/sys/fs/cgroup/pids/pids.max
else
	PIDSMAX=/sys/fs/cgroup/pids.max
fi
capture lite run --rm testimg sh -c "( : > $PIDSMAX ) 2>&1"
like "$OUT" 'Read-only file system' "cgroup files are read-only"
capture lite run --rm testimg sh -c 'cat /sys/fs/cgroup/release_agent /sys/fs/cgroup/*/release_agent 2>/dev/null'
is "$OUT" "" "no release_agent visible"

# ---------------------------------------------------------------- B7 pids
capture lite run --rm testimg cat "$PIDSMAX"
is "$OUT" 4096 "default pids limit 4096"
lite run -d --name fb --pids-limit 100 testimg sh -c 'f() { f | f & }; f; sleep 1000' >/dev/null
sleep 3
fbcg=$(cgroup_dirs "$(ifield fb id)" | grep pids | head -1)
[ "$MODE" = v2 ] && fbcg=$(cgroup_dirs "$(ifield fb id)" | head -1)
cur=$(cat "$fbcg/pids.current" 2>/dev/null || echo 0)
ok "fork bomb capped at the pids limit ($cur)" test "$cur" -le 100
ok "rm -f of the fork bomb" lite rm -f fb
ok "a new container still runs" lite run --rm testimg true

# ---------------------------------------------------------------- root's options
capture lite run --rm --security-opt no-new-privileges=false testimg grep NoNewPrivs /proc/self/status
like "$OUT" '0$' "root: no-new-privileges=false"
capture lite run --rm --security-opt seccomp=unconfined testimg grep '^Seccomp:' /proc/self/status
like "$OUT" '0$' "root: seccomp=unconfined"
capture lite run --rm --cap-add SYS_ADMIN testimg grep CapEff /proc/self/status
like "$OUT" '00000000a82425fb' "root: --cap-add SYS_ADMIN"
capture lite run --rm --cap-add NET_ADMIN testimg sh -c 'ip link add dummy0 type dummy 2>&1 && echo added || grep CapEff /proc/self/status'
like "$OUT" 'added|00000000a80435fb' "root: --cap-add NET_ADMIN works"
capture lite run --rm --cap-drop ALL testimg grep CapEff /proc/self/status
like "$OUT" '0000000000000000' "root: --cap-drop ALL"
capture lite run --rm --cap-drop CAP_NET_RAW testimg grep CapBnd /proc/self/status
like "$OUT" '00000000a80405fb' "--cap-drop CAP_NET_RAW (CAP_ prefix)"
# every capability the engine itself holds (this sandbox's root lacks one or two)
all=$(awk '/^CapPrm:/ {print $2}' /proc/self/status)
capture lite run --rm --privileged testimg sh -c 'grep CapEff /proc/self/status; head -c 64 /proc/timer_list | wc -c; grep ^Seccomp: /proc/self/status'
like "$OUT" "$all" "--privileged: every capability"
like "$OUT" '^64$' "--privileged: /proc/timer_list not masked"
capture lite run --rm --privileged testimg sh -c 'grep -E " /sys(/fs/cgroup/pids)? " /proc/self/mountinfo'
like "$OUT" ' /sys rw,.* sysfs sysfs rw' "--privileged: /sys writable"
unlike "$OUT" ' /sys/fs/cgroup/pids ro,' "--privileged: cgroup mounts writable"
capture lite run --rm testimg sh -c 'grep -E " /sys " /proc/self/mountinfo'
like "$OUT" ' /sys ro,' "default: /sys read-only"
capture lite run --rm --cap-add BOGUS testimg true
is_rc 125 "--cap-add BOGUS refused"
like "$ERR" 'BOGUS' "... naming it"

# custom profile
printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}' >"$T/p.json"
capture lite run --rm --security-opt "seccomp=$T/p.json" testimg mkdir /tmp/x
isnt "$RC" 0 "custom profile blocks mkdir"
like "$ERR" 'Operation not permitted' "... with EPERM"
capture lite run --rm --security-opt "seccomp=$T/missing.json" testimg true
is_rc 125 "missing profile file: client error"
like "$ERR" 'missing.json' "... naming the file"
# inspect shows the resolved settings
lite create --name insp --cap-add NET_ADMIN --cap-drop MKNOD --security-opt "seccomp=$T/p.json" testimg true >/dev/null
is "$(ifield insp config.security.caps)" 00000000a00435fb "inspect: config.security.caps"
is "$(ifield insp config.security.seccomp)" custom "inspect: config.security.seccomp"
is "$(ifield insp config.security.no_new_privs)" true "inspect: config.security.no_new_privs"
# a created container's custom program survives a daemon restart (the
# cache is emptied and re-warmed by a worker at start)
lite create --name cpr --security-opt "seccomp=$T/p.json" testimg mkdir /tmp/y >/dev/null
stop_daemon
start_daemon || bail_out "daemon restart"
# the default, insp's (custom, NET_ADMIN without MKNOD) and cpr's (custom)
nbpf() { [ "$(ls "$E/seccomp" | grep -c '\.bpf$')" -ge 3 ]; }
ok "restart: a worker compiled the created containers' programs" wait_for 10 nbpf
capture lite start -a cpr
isnt "$RC" 0 "after a daemon restart the custom profile still applies"
like "$ERR$OUT" 'Operation not permitted' "... mkdir: Operation not permitted"
# a start whose programs are not cached: a worker compiles them first
rm -f "$E"/seccomp/*.bpf
capture lite start -a cpr
like "$ERR$OUT" 'Operation not permitted' "start with an empty cache: compiled in a worker, applied"
ok "start with an empty cache: the program is cached again" test "$(ls "$E/seccomp" | grep -c '\.bpf$')" -ge 1
lite rm -f insp cpr >/dev/null 2>&1
capture lite run --rm testimg lite-test-helper sys keyctl
is "$OUT" keyctl=EPERM "a default run after the cache was emptied: default program compiled again"

printf '{"defaultAction":"SCMP_ACT_NOPE"}' >"$T/bad.json"
capture lite run --rm --security-opt "seccomp=$T/bad.json" testimg true
is_rc 125 "bad profile refused"
like "$ERR" 'seccomp profile' "... with a seccomp profile error"

# ---------------------------------------------------------------- A3 for non-root callers
NU=lt$$h
SG=lt$$g
_h_users() { userdel "$NU" 2>/dev/null; groupdel "$SG" 2>/dev/null; }
LIB_CLEANUP_HOOKS+=(_h_users)
groupadd "$SG" && useradd -M -N -s /bin/sh -G "$SG" "$NU" || bail_out "useradd"
chgrp "$SG" "$SOCK" && chmod 660 "$SOCK"
chmod 711 "$T"
ulite() { timeout -k 5 30 setpriv --reuid="$NU" --regid="$(id -g "$NU")" --init-groups -- "$LITE" "$@" </dev/null; }
ucapture() { OUT=$(ulite "$@" 2>"$T/uerr"); RC=$?; ERR=$(cat "$T/uerr"); }
for args in "--privileged" "--cap-add NET_ADMIN" "--security-opt seccomp=unconfined" "--security-opt no-new-privileges=false" "--pid host" "--ipc host"; do
	# shellcheck disable=SC2086
	ucapture run --rm $args testimg true
	is "$RC" 125 "non-root $args: refused"
	like "$ERR" 'for root only' "non-root $args: 'for root only'"
	is "$(printf '%s\n' "$ERR" | grep -c '')" 1 "non-root $args: one line"
done
ucapture run --rm --cap-drop NET_RAW testimg true
is "$RC" 0 "non-root --cap-drop allowed"
printf '{"defaultAction":"SCMP_ACT_ALLOW"}' >"$T/allow.json"; chmod 644 "$T/allow.json"
ucapture run --rm --security-opt "seccomp=$T/allow.json" testimg sh -c 'lite-test-helper sys keyctl unshare_user; grep Seccomp_filters /proc/self/status'
like "$OUT" 'keyctl=EPERM' "non-root custom profile is stacked on the default (keyctl)"
like "$OUT" 'unshare_user=EPERM' "... (unshare)"
like "$OUT" 'Seccomp_filters:.2' "... two filters"

# ---------------------------------------------------------------- --pid/--ipc host (root)
capture lite run --rm --pid host testimg sh -c 'test -d /proc/1 && cat /proc/1/comm'
isnt "$OUT" "cat" "--pid host: PID 1 is the host's"
capture lite run --rm --ipc host testimg readlink /proc/self/ns/ipc
is "$OUT" "$(readlink /proc/self/ns/ipc)" "--ipc host: the host's IPC namespace"
lite run -d --name phx --pid host --ipc host testimg sleep 300 >/dev/null
capture lite exec phx readlink /proc/self/ns/pid
is "$OUT" "$(readlink /proc/self/ns/pid)" "exec in a --pid host container: the host's PID namespace"
lite rm -f phx >/dev/null 2>&1

lite rm -f hx >/dev/null 2>&1

# ---------------------------------------------------------------- daemon.json keys
stop_daemon
printf '{"bridge":"none","default-pids-limit":0}' >"$T/daemon.json"
not_ok "default-pids-limit 0: the daemon refuses to start" start_daemon
like "$(tail -n 3 "$DAEMON_LOG")" 'invalid default-pids-limit' "... saying why"
printf '{"bridge":"none","seccomp-profile":"%s"}' "$T/bad.json" >"$T/daemon.json"
not_ok "a broken seccomp-profile: the daemon refuses to start (never unconfined)" start_daemon
like "$(tail -n 3 "$DAEMON_LOG")" 'seccomp profile' "... saying why"
printf '{"bridge":"none","default-pids-limit":321,"seccomp-profile":"%s"}' "$T/p.json" >"$T/daemon.json"
start_daemon || bail_out "daemon with default-pids-limit and seccomp-profile"
chgrp "$SG" "$SOCK" && chmod 660 "$SOCK"
capture lite run --rm testimg cat "$PIDSMAX"
is "$OUT" 321 "daemon.json default-pids-limit"
capture lite run --rm --pids-limit 55 testimg cat "$PIDSMAX"
is "$OUT" 55 "--pids-limit still wins"
capture lite run --rm testimg mkdir /tmp/z
like "$ERR" 'Operation not permitted' "daemon.json seccomp-profile replaces the default"
ucapture run --rm --security-opt "seccomp=$T/allow.json" testimg mkdir /tmp/z
like "$ERR" 'Operation not permitted' "non-root: the daemon's default (seccomp-profile) stays under a custom profile"
done_testing
