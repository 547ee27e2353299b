#!/bin/bash
# Daemon robustness: live-restore across SIGKILL, clean SIGTERM, bad input
# on the raw socket, clients that vanish.
source "$(dirname "$0")/lib.sh"

# shim_of PID : parent of the container's init (the shim)
shim_of() { awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
ping_ok() { [ -n "$(echo '{"id":99,"method":"ping"}' | rawreq 5 | jget result 2>/dev/null)" ]; }

# --- SIGKILL the daemon: containers live on, a restarted daemon finds them
lite run -d --name d1 testimg sleep 300 >/dev/null
lite run -d --name d2 testimg sh -c 'i=0; while :; do echo tick $i; i=$((i+1)); sleep 0.2; done' >/dev/null
lite run -d --name d3 testimg sh -c 'sleep 1; exit 5' >/dev/null
ok "d1 running" wait_for 10 is_running d1
P1=$(ifield d1 state.pid)
S1=$(shim_of "$P1")
P3=$(ifield d3 state.pid)
like "$(tr '\0' ' ' <"/proc/$S1/cmdline" 2>/dev/null)" 'shim' "d1's init is a child of a shim (pid $S1)"

stop_daemon KILL
sleep 0.3
ok "after daemon SIGKILL: d1's process is alive" pid_alive "$P1"
ok "after daemon SIGKILL: d1's shim is alive" pid_alive "$S1"
ok "while the daemon is down, d3 exits" wait_for 5 pid_dead "$P3"

ok "daemon restarts on the same paths (stale socket left by SIGKILL)" start_daemon
is "$(ps_state d1)" running "restarted daemon: ps shows d1 running"
is "$(ifield d1 state.pid)" "$P1" "restarted daemon: d1 has the same pid"
is "$(ps_state d3)" exited "restarted daemon: d3, which exited while the daemon was down, is exited"
is "$(ifield d3 state.exit_code)" 5 "restarted daemon: d3's exit code 5 was recorded by its shim"
n0=$(lite logs d2 2>/dev/null | grep -c tick)
ok "restarted daemon: d2's log keeps growing" wait_for 5 sh -c "[ \$(timeout 5 \"\$LITE\" logs d2 2>/dev/null | grep -c tick) -gt $n0 ]"
capture lite stop -t 1 d1
is_rc 0 "restarted daemon: stop d1 works"
is "$(ifield d1 state.status)" exited "restarted daemon: d1 is exited after stop"
ok "restarted daemon: d1's process is gone" wait_for 5 pid_dead "$P1"
ok "restarted daemon: d1's shim is gone" wait_for 5 pid_dead "$S1"
lite rm -f d2 d3 >/dev/null 2>&1

# --- SIGTERM: clean exit, socket removed, containers keep running
lite run -d --name d4 testimg sleep 300 >/dev/null
wait_for 10 is_running d4
P4=$(ifield d4 state.pid)
stop_daemon TERM
is "$DAEMON_RC" 0 "daemon exits 0 on SIGTERM"
ok "daemon removed its socket on SIGTERM" test ! -e "$SOCK"
ok "after daemon SIGTERM: d4 still running" pid_alive "$P4"
ok "daemon restarts after SIGTERM" start_daemon
is "$(ps_state d4)" running "restarted daemon: d4 running"
lite rm -f d4 >/dev/null 2>&1

# --- bad input on the raw socket
# check_err DESC REPLY : REPLY is a JSON-RPC error line
check_err() {
	local r
	r=$(printf '%s' "$2" | "$PY" -c '
import json, sys
o = json.loads(sys.stdin.read())
e = o["error"]
assert o.get("jsonrpc") == "2.0", "no jsonrpc 2.0"
assert isinstance(e.get("code"), int), "no integer code"
assert isinstance(e.get("message"), str) and e["message"], "no message"
print("ok", e["code"], e.get("data", {}).get("kind"))' 2>&1)
	like "$r" '^ok' "$1"
	[ "${r%% *}" = ok ] || diag "reply: ${2:0:300}"
	ok "...daemon still answers ping" ping_ok
}

check_err "malformed JSON gets an error reply" "$(printf '{"id":1,"method":\n' | rawreq 5)"
check_err "non-object JSON gets an error reply" "$(printf '[1,2,3]\n' | rawreq 5)"
r=$(printf '{"id":2,"method":"nosuchmethod"}\n' | rawreq 5)
check_err "unknown method gets an error reply" "$r"
is "$(printf '%s' "$r" | jget error.code 2>/dev/null)" -32601 "unknown method: code -32601 (method not found)"
is "$(printf '%s' "$r" | jget id 2>/dev/null)" 2 "unknown method: id echoed"
r=$(printf '{"id":3,"method":"ps","params":{"all":"yes"}}\n' | rawreq 5)
check_err "wrong param type gets an error reply" "$r"
is "$(printf '%s' "$r" | jget error.code 2>/dev/null)" -32602 "wrong param type: code -32602 (invalid params)"
check_err "params of the wrong JSON type (array) gets an error reply" \
	"$(printf '{"id":4,"method":"inspect","params":[1]}\n' | rawreq 5)"
check_err "method of the wrong type gets an error reply" "$(printf '{"id":5,"method":42}\n' | rawreq 5)"
check_err "a 2 MiB line gets an error reply" \
	"$("$PY" -c 'import sys; sys.stdout.write("{\"id\":6,\"method\":\"ping\",\"params\":{\"x\":\"" + "A" * (2 << 20) + "\"}}\n")' | rawreq 10)"
check_err "2 MiB without a newline gets an error reply" \
	"$("$PY" -c 'import sys; sys.stdout.write("A" * (2 << 20))' | rawreq 10)"

# requests pipelined on one connection are all answered
n=$(printf '{"id":1,"method":"ping"}\n{"id":2,"method":"version"}\n{"id":3,"method":"ping"}\n' |
	timeout 10 socat -t 2 - "UNIX-CONNECT:$SOCK" 2>/dev/null | grep -c '"result"')
is "$n" 3 "three pipelined requests on one connection get three replies"

# --- clients that vanish
"$PY" - "$SOCK" <<'EOF'
import socket, sys
for i in range(50):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    if i % 3 == 1:
        s.sendall(b'{"id":1,"meth')
    elif i % 3 == 2:
        s.sendall(b'{"id":1,"method":"ps","params":{"all":true}}\n')
    s.close()
EOF
ok "50 clients that disconnect mid-request do not hurt" ping_ok

lite run -d --name d5 testimg sh -c 'while :; do echo x; sleep 0.1; done' >/dev/null
for cmd in "logs -f d5" "wait d5"; do
	"$LITE" $cmd >/dev/null 2>&1 </dev/null &
	cp=$!
	sleep 0.5
	kill -KILL $cp 2>/dev/null; wait $cp 2>/dev/null
	ok "client killed during '$cmd' does not hurt" ping_ok
done
"$PY" - "$SOCK" <<'EOF' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b'{"id":1,"method":"logs","params":{"id":"d5","follow":true}}\n')
time.sleep(3)   # never reads: a stalled reader of a following stream
EOF
slow=$!
sleep 0.3
t0=$(now_ms)
ok "a stalled reader does not block other clients" ping_ok
ok "...ps still answers promptly" test "$(LITE_TIMEOUT=5 lite ps -q | wc -l)" -ge 1
kill $slow 2>/dev/null; wait $slow 2>/dev/null
ok "daemon process still alive at the end" kill -0 "$DAEMON_PID"
capture lite rm -f d5
is_rc 0 "rm -f d5"

# --- a client that half-closes after an async request leaves no connection behind
nfd() { ls "/proc/$DAEMON_PID/fd" | wc -l; }
# One run first: what the daemon opens once and keeps (caches, probes) is
# not a connection left behind.
printf '{"id":1,"method":"run","params":{"image":"testimg","cmd":["true"],"rm":true}}\n' |
	timeout 20 socat -t 10 - "UNIX-CONNECT:$SOCK" >/dev/null 2>&1
sleep 0.5
fds=$(nfd)
ls -l "/proc/$DAEMON_PID/fd" >"$T/fds-before" 2>/dev/null
for i in 1 2 3 4 5; do
	printf '{"id":1,"method":"run","params":{"image":"testimg","cmd":["true"],"rm":true}}\n' |
		timeout 20 socat -t 10 - "UNIX-CONNECT:$SOCK" >/dev/null 2>&1
done
wait_for 5 sh -c "[ \$(ls /proc/$DAEMON_PID/fd | wc -l) -le $fds ]"
[ "$(nfd)" = "$fds" ] ||
	diag "fds now vs before:" "$(ls -l "/proc/$DAEMON_PID/fd" 2>/dev/null | diff "$T/fds-before" - | sed -n '1,20p')"
is "$(nfd)" "$fds" "5 half-closed run requests leave no socket open in the daemon"

# --- bytes behind a streaming request belong to the stream, never parsed as requests
lite run -d --name d6 testimg sleep 300 >/dev/null
out=$("$PY" - "$SOCK" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
req = b'{"id":1,"method":"exec","params":{"id":"d6","cmd":["cat"],"stdin":true}}\n'
payload = b'\n{"id":2,"method":"exec","params":{"id":"d6","cmd":["sleep","3"]}}\n'
s.sendall(req + bytes([0, 0, 0, 0]) + struct.pack('>I', len(payload)) + payload)
s.shutdown(socket.SHUT_WR)
data = b''
while True:
    d = s.recv(65536)
    if not d: break
    data += d
sys.stdout.write('echoed' if b'"method":"exec","params":{"id":"d6","cmd":["sleep"' in data.split(b'\n', 1)[1] else 'lost')
EOF
)
is "$out" echoed "stdin sent right behind an exec request reaches the process (not parsed as a request)"
sleep 3.5
ok "...and the daemon is still alive afterwards" kill -0 "$DAEMON_PID"
lite rm -f d6 >/dev/null 2>&1

done_testing
