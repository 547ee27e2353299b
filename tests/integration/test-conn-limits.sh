#!/bin/bash
# Connections past the daemon's file descriptors (issue 13): with 300 idle
# connections of one user within its limits, root is still served (the
# soft RLIMIT_NOFILE is raised for max-connections); where the limit
# cannot be raised, a connection the daemon has no descriptor for gets an
# error line, not a hang or a reset, and the loop does not spin.
LIB_NO_DAEMON=1
source "$(dirname "$0")/lib.sh"

printf '%s\n' '{"bridge":"none","max-connections-per-user":400,"max-connections":1024,"request-timeout":"60s"}' >"$T/daemon.json"
chmod 711 "$T"
UA=60331
cat >"$T/hold.py" <<'EOF'
import socket, sys, time
path, n, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
socks, refused, failed = [], 0, 0
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
    except OSError:
        failed += 1
        continue
    socks.append(s)
time.sleep(1)
for s in socks:
    s.setblocking(False)
    try:
        d = s.recv(4096)
        if b'"too_many_connections"' in d:
            refused += 1
    except BlockingIOError:
        pass
    except OSError:
        failed += 1
print(refused, failed, flush=True)
time.sleep(hold)
EOF

# --- a soft limit of 256 (systemd's default is 1024), raised by the daemon
_lib_ns_prefix=(prlimit --nofile=256:8192 --)
start_daemon || bail_out "daemon did not start"
sock_gid=$(stat -c %g "$SOCK")
setpriv --reuid="$UA" --regid="$sock_gid" --clear-groups "$PY" "$T/hold.py" "$SOCK" 300 8 >"$T/hold.out" 2>&1 &
HOLD=$!
wait_for 10 test -s "$T/hold.out"
is "$(cat "$T/hold.out")" "0 0" "300 idle connections of one user within its limit: all accepted"
ok "root's request is served meanwhile" env LITE_TIMEOUT=10 "$LITE" version
is "$(grep -c "connection from pid [0-9]* uid $UA\$" "$DAEMON_LOG")" 300 "...and the daemon accepted all 300 (none left in its backlog)"
like "$(grep '^Max open files' "/proc/$DAEMON_PID/limits" | awk '{ print $4 }')" '^[0-9]+$' "the daemon's limits are readable"
is "$(grep '^Max open files' "/proc/$DAEMON_PID/limits" | awk '{ print $4 }')" 5120 "the soft limit is raised to max-connections + 4096"
kill "$HOLD" 2>/dev/null; wait "$HOLD" 2>/dev/null
stop_daemon

# --- a hard limit of 256: no room; the connections past it get an error line
_lib_ns_prefix=(prlimit --nofile=256:256 --)
start_daemon || bail_out "daemon did not restart"
setpriv --reuid="$UA" --regid="$sock_gid" --clear-groups "$PY" "$T/hold.py" "$SOCK" 300 4 >"$T/hold2.out" 2>&1 &
HOLD=$!
wait_for 10 test -s "$T/hold2.out"
read -r refused failed <"$T/hold2.out"
ok "out of descriptors: the connections past them are told too_many_connections ($refused)" test "${refused:-0}" -gt 0
is "$failed" 0 "...and none is reset or fails to connect"
cpu0=$(awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat")
sleep 1
cpu1=$(awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat")
ok "the daemon does not spin meanwhile ($((cpu1 - cpu0)) ticks in 1 s)" test $((cpu1 - cpu0)) -lt 20
kill "$HOLD" 2>/dev/null; wait "$HOLD" 2>/dev/null
ok "served again once the connections are gone" wait_for 10 env LITE_TIMEOUT=3 "$LITE" version
grep -q 'refusing a connection: out of file descriptors' "$DAEMON_LOG"
is "$?" 0 "the daemon logs the refusals"
_lib_ns_prefix=()

done_testing
