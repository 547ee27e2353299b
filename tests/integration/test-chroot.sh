#!/bin/bash
# The daemon under another root (issue 13, "runs wherever it is
# installed"): containerd-lite started in a chroot whose / is a bind mount
# of / (as a minbase chroot or systemd's RootDirectory= puts it). exec, cp
# and health checks must reach the container's own root: setns(CLONE_NEWNS)
# alone leaves an exec'd process at the mount namespace's root, which is
# not the container's when the daemon was chrooted.
LIB_NO_DAEMON=1
source "$(dirname "$0")/lib.sh"

R=$T/root
mkdir -p "$R"
mount --rbind / "$R" || bail_out "cannot bind / on $R"
mount --make-rslave "$R"
_lib_ns_prefix=(chroot "$R")
start_daemon || bail_out "the chrooted daemon did not start"
_lib_ns_prefix=()
build_test_image
like "$(readlink "/proc/$DAEMON_PID/root")" "^$R\$" "the daemon runs in the chroot"

lite run -d --name c1 --health-cmd 'test -e /marker' --health-interval 300ms testimg \
	sh -c 'echo in-container > /marker; sleep 600' >/dev/null
ok "c1 runs" wait_for 10 is_running c1
capture lite exec c1 cat /marker
is "$OUT" in-container "exec runs in the container's root"
capture lite exec c1 sh -c 'cd / && ls -d /marker /bin/busybox'
is_rc 0 "exec: / is the container's"
capture lite exec -w /tmp c1 pwd
is "$OUT" /tmp "exec -w: the working dir is the container's"
healthy() { [ "$(ifield c1 state.health.status)" = healthy ]; }
ok "the health check passes (it runs in the container's root)" wait_for 10 healthy
echo host-file >"$T/host.txt"
capture lite cp "$T/host.txt" c1:/copied.txt
is_rc 0 "cp into the container"
capture lite exec c1 cat /copied.txt
is "$OUT" host-file "...the file is in the container's root"
capture lite cp c1:/marker "$T/back.txt"
is_rc 0 "cp out of the container"
is "$(cat "$T/back.txt" 2>/dev/null)" in-container "...the container's file"
lite rm -f c1 >/dev/null

done_testing
