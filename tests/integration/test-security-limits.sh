#!/bin/bash
# One user cannot starve or flood the daemon (issue 11, part C): connection
# limits with root exempt, the idle timeout, bounded replies to a client
# that does not read them, containers per user, upload size, the pull
# policy for non-root users, and the audit line of each mutating request.
# Non-root callers are plain uids that reach the socket through its group
# (as test-network.sh does); the daemon sees their uid.
LIB_NO_DAEMON=1
source "$(dirname "$0")/lib.sh"

printf '%s\n' '{"bridge":"none","max-connections-per-user":8,"request-timeout":"2s",
 "max-containers-per-user":3,"max-upload-size":"8m","insecure-registries":[],
 "allow-nonroot-pull":true}' >"$T/daemon.json"
start_daemon || bail_out "daemon did not start"
build_test_image
chmod 711 "$T"
sock_gid=$(stat -c %g "$SOCK")
UA=60311 UB=60312
as() { local u=$1; shift; setpriv --reuid="$u" --regid="$sock_gid" --clear-groups "$@"; }
ulite() { local u=$1; shift; timeout -k 5 "${LITE_TIMEOUT:-30}" setpriv --reuid="$u" --regid="$sock_gid" \
	--clear-groups "$LITE" "$@" </dev/null; }

# --- connections: A holds more than its share; root and B still get in
cat >"$T/hold.py" <<'EOF'
import socket, sys, time
path, n, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
socks, refused = [], 0
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    socks.append(s)
time.sleep(0.5)
for s in socks:
    s.settimeout(0.05)
    try:
        d = s.recv(4096)
        if b'"too_many_connections"' in d:
            refused += 1
    except socket.timeout:
        pass
print(refused, flush=True)
time.sleep(hold)
EOF
as "$UA" "$PY" "$T/hold.py" "$SOCK" 300 8 >"$T/hold.out" 2>&1 &
HOLD=$!
wait_for 5 test -s "$T/hold.out"
is "$(cat "$T/hold.out")" 292 "300 connections of one user: 8 accepted, 292 told too_many_connections"
ok "root still served" lite version
ok "another user still served" ulite "$UB" version
capture ulite "$UA" version
isnt "$RC" 0 "the user over its limit is refused"
like "$ERR" 'too many connections' "...with a clear message"
kill "$HOLD" 2>/dev/null; wait "$HOLD" 2>/dev/null
grep -q 'refusing a connection: too many connections from uid 60311' "$DAEMON_LOG"
is "$?" 0 "the daemon logs the refusals"

# root is exempt: 100 idle root connections, then a request
"$PY" "$T/hold.py" "$SOCK" 100 4 >"$T/hold-root.out" 2>&1 &
HOLD=$!
wait_for 5 test -s "$T/hold-root.out"
is "$(cat "$T/hold-root.out")" 0 "root's connections are never refused"
kill "$HOLD" 2>/dev/null; wait "$HOLD" 2>/dev/null

# --- idle timeout: nothing sent, or half a line, is closed after ~2 s
cat >"$T/idle.py" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode())
s.settimeout(10)
t = time.time()
d = b""
while True:
    c = s.recv(4096)
    if not c:
        break
    d += c
print("%d %s" % (int(time.time() - t), d.decode().strip()))
EOF
out=$(as "$UA" "$PY" "$T/idle.py" "$SOCK" "")
like "$out" '^[123] .*"timeout"' "an idle connection gets a timeout error and EOF within ~2 s"
out=$(as "$UA" "$PY" "$T/idle.py" "$SOCK" '{"id":1,"method":"ping"')
like "$out" '^[123] ' "half a request line is closed too"
lite run -d --name lg testimg sh -c 'sleep 4; echo done' >/dev/null
capture lite logs -f lg
like "$OUT" done "logs -f outlives the request timeout (streams are exempt)"
capture lite wait lg
is "$OUT" 0 "wait too"
lite rm -f lg >/dev/null

# --- pipelining without reading: replies stay bounded, then all arrive in order
cat >"$T/pipe.py" <<'EOF'
import select, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
n = int(sys.argv[2])
data = b"".join(b'{"id":%d,"method":"ping"}\n' % i for i in range(n))
s.setblocking(False)
sent, t = 0, time.time()
while sent < len(data) and time.time() - t < 5:
    try:
        sent += s.send(data[sent:sent + 65536])
    except BlockingIOError:
        time.sleep(0.01)
print("sent", sent, flush=True)
sys.stdin.readline()          # the test measured the daemon: now read
buf, want, ok, end = b"", 0, True, time.time() + 60
while want < n and time.time() < end:
    r, w, _ = select.select([s], [s] if sent < len(data) else [], [], 5)
    if w:
        try:
            sent += s.send(data[sent:sent + 65536])
        except BlockingIOError:
            pass
    if not r:
        continue
    c = s.recv(1 << 20)
    if not c:
        break
    buf += c
    lines = buf.split(b"\n")
    buf = lines.pop()
    for l in lines:
        if (b'"id":%d,' % want) not in l:
            ok = False
        want += 1
print("replies", want, "in-order" if ok else "OUT-OF-ORDER", flush=True)
EOF
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$DAEMON_PID/status"; }
rss0=$(rss)
mkfifo "$T/pipe.in"
as "$UA" "$PY" "$T/pipe.py" "$SOCK" 200000 <"$T/pipe.in" >"$T/pipe.out" 2>&1 &
PIPE=$!
exec 7>"$T/pipe.in"
wait_for 15 grep -q sent "$T/pipe.out"
rss1=$(rss)
diag "daemon VmRSS before ${rss0} kB, after 200000 pipelined pings not read ${rss1} kB ($(cat "$T/pipe.out"))"
ok "the daemon's memory stays bounded (< 64 MB)" test "$rss1" -lt 65536
ok "root served meanwhile" lite version
echo go >&7
exec 7>&-
wait "$PIPE"
like "$(cat "$T/pipe.out")" 'replies 200000 in-order' "the client then gets every reply, in order"

# --- containers per user (3): the 4th is refused; root and B unaffected
for i in 1 2 3; do ulite "$UA" run -d --name "ua$i" testimg sleep 300 >/dev/null; done
capture ulite "$UA" run -d --name ua4 testimg sleep 300
is "$RC" 125 "the 4th container of a user is refused"
like "$ERR" 'limit' "...naming the limit"
capture ulite "$UA" create --name ua5 testimg true
like "$RC $ERR" '^125 .*max-containers-per-user' "create counts too"
ok "another user can run" ulite "$UB" run --rm testimg true
ok "root can run" lite run --rm testimg true
ulite "$UA" rm -f ua1 ua2 ua3 >/dev/null

# --- upload size (8m): refused, nothing left behind
head -c 20m /dev/urandom >"$T/big"
tar -cf "$T/big.tar" -C "$T" big
capture ulite "$UA" import "$T/big.tar" big:1
isnt "$RC" 0 "an import over max-upload-size is refused"
like "$ERR" 'too large' "...with a clear message"
is "$(ls -A "$D/tmp")" "" "no spool file left behind"
not_ok "no image big:1" lite image inspect big:1
tar -cf "$T/small.tar" -C "$SRCDIR" README.md
ok "a small import works" ulite "$UB" import "$T/small.tar" small:1

# --- audit: mutating requests are logged with uid, pid, method, target, outcome
ulite "$UA" run --name au testimg true >/dev/null
ulite "$UA" rm au >/dev/null
capture ulite "$UA" rm au
ulite "$UA" ps >/dev/null
ulite "$UA" inspect nothing-here >/dev/null 2>&1
audit=$(grep ' audit ' "$DAEMON_LOG")
like "$audit" "audit uid=$UA pid=[0-9]+ method=run target=\"au\" outcome=ok" "run is audited"
like "$audit" "audit uid=$UA pid=[0-9]+ method=rm target=\"au\" outcome=ok" "rm is audited"
like "$audit" "audit uid=$UA pid=[0-9]+ method=rm target=\"au\" outcome=error kind=not_found" "a failure too, with its kind"
like "$audit" "audit uid=$UA pid=[0-9]+ method=import target=\"big:1\" outcome=error kind=too_large" "a refused upload too"
unlike "$audit" 'method=(ps|inspect|version|ping)' "read-only requests are not audited"
capture ulite "$UA" run --name 'x"y' testimg true
unlike "$(grep ' audit ' "$DAEMON_LOG")" 'target="x"y"' "a quote in the target cannot forge the line"

done_testing
