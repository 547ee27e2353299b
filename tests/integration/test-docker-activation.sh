#!/bin/bash
# Issue 16: socket activation of the daemon with both sockets, as
# containerd-lite.socket + containerd-lite-docker.socket do it
# (FileDescriptorName=docker): systemd-socket-activate listens on both,
# starts the daemon at the first connection and passes both fds with
# LISTEN_FDNAMES; the daemon serves lite's protocol on one and the Docker
# API on the one named "docker", whatever their order. Passed only the
# lite socket, the daemon binds no Docker socket of its own. The unit
# itself passes `systemd-analyze verify` (test-systemd).
LIB_NO_DAEMON=1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-docker.sh"
mkdir -p "$T" "$D" "$E"
echo '{"bridge":"none"}' >"$T/daemon.json"

if ! command -v systemd-socket-activate >/dev/null; then
	fail "systemd-socket-activate present" "install systemd (scripts/install-deps.sh --test)"
	done_testing
	exit 1
fi

# activate FDNAMES LISTEN... : the daemon behind systemd-socket-activate
activate() {
	local names=$1; shift
	local l=()
	for s in "$@"; do l+=(-l "$s"); done
	systemd-socket-activate "${l[@]}" --fdname="$names" -- "$CONTAINERD_LITE" -H "unix://$SOCK" --data-root "$D" \
		--exec-root "$E" --config-file "$T/daemon.json" --cgroup-parent "$CGP" -D >>"$DAEMON_LOG" 2>&1 </dev/null &
	DAEMON_PID=$!
	wait_for 10 test -S "${!#}"
}

# --- lite first, docker second
activate lite:docker "$SOCK" "$DSOCK"
ok "both sockets exist before the daemon runs" test -S "$SOCK" -a -S "$DSOCK"
unlike "$(grep -c 'ready' "$DAEMON_LOG" 2>/dev/null)" '^[1-9]' "the daemon has not started yet"
is "$(dcurl --max-time 30 http://d/_ping)" OK "a connection to the Docker socket starts the daemon and is answered"
like "$(grep 'Docker Engine API on' "$DAEMON_LOG")" 'a socket from systemd' "the daemon serves the Docker API on the fd named docker"
capture lite version
is_rc 0 "lite's protocol on the other fd"
capture dk version --format '{{.Server.APIVersion}}'
is "$OUT" 1.41 "docker version through the activated socket"
D_PID=$(pgrep -f -- "containerd-lite -H unix://$SOCK" | head -n1)
ok "the daemon runs as systemd-socket-activate's child (exec'd in place)" test "$D_PID" = "$DAEMON_PID"
stop_daemon

# --- the other order: the name decides, not the position
rm -f "$SOCK" "$DSOCK"
activate docker:lite "$DSOCK" "$SOCK"
is "$(dcurl --max-time 30 http://d/v1.41/_ping)" OK "docker:lite order: the Docker socket still speaks HTTP"
capture lite version
is_rc 0 "... and the lite socket lite's protocol"
stop_daemon

# --- only the lite socket passed: no Docker socket bound by the daemon
rm -f "$SOCK" "$DSOCK"
activate lite "$SOCK"
capture lite version
is_rc 0 "only the lite socket passed: the daemon serves it"
ok "... and binds no Docker socket of its own (the units decide)" test ! -e "$DSOCK"
like "$(grep 'Docker Engine API off' "$DAEMON_LOG")" 'no socket named docker' "... saying so in its log"
stop_daemon

done_testing
