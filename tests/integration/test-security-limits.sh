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
# bg_as UID CMD...: in the background, BG its pid (setpriv execs CMD: kill BG ends CMD)
bg_as() { local u=$1; shift; setpriv --reuid="$u" --regid="$sock_gid" --clear-groups "$@" & BG=$!; }
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
bg_as "$UA" "$PY" "$T/hold.py" "$SOCK" 300 8 >"$T/hold.out" 2>&1
HOLD=$BG
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
while sent < len(data) and time.time() - t < 8:
    try:
        sent += s.send(data[sent:sent + 65536])
    except BlockingIOError:
        time.sleep(0.01)
print("sent", sent, flush=True)
sys.stdin.readline()          # the test measured the daemon: now read
buf, want, ok, end = b"", 0, True, time.time() + 120
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
as "$UA" "$PY" "$T/pipe.py" "$SOCK" 1000000 <"$T/pipe.in" >"$T/pipe.out" 2>&1 &
PIPE=$!
exec 7>"$T/pipe.in"
wait_for 20 grep -q sent "$T/pipe.out"
rss1=$(rss)
diag "daemon VmRSS before ${rss0} kB, after 8 s of pipelined pings not read ${rss1} kB ($(cat "$T/pipe.out"))"
# before: the daemon read them all and queued every reply (1M pings: ~50 MB)
ok "the daemon's memory stays bounded (< 32 MB)" test "$rss1" -lt 32768
ok "root served meanwhile" lite version
echo go >&7
exec 7>&-
wait "$PIPE"
like "$(cat "$T/pipe.out")" 'replies 1000000 in-order' "the client then gets every reply, in order"

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

# --- pull policy: non-root users pull over HTTPS only, never from an
# internal address, unless the registry is in insecure-registries
cat >"$T/listen.py" <<'EOF'
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
n = 0
s.settimeout(1)
with open(sys.argv[1], "w") as f:
    while True:
        try:
            c, _ = s.accept()
            n += 1
            f.write("%d\n" % n); f.flush()
            c.close()
        except socket.timeout:
            pass
EOF
"$PY" "$T/listen.py" "$T/accepts" >"$T/listen.port" 2>&1 &
LISTEN=$!
wait_for 5 test -s "$T/listen.port"
P2=$(cat "$T/listen.port")
capture ulite "$UA" pull "127.0.0.1:$P2/x:1"
like "$RC $ERR" '^[1-9][0-9]* .*insecure' "non-root pull from 127.0.0.1 (plain HTTP, unlisted) refused"
capture ulite "$UA" pull "localhost:$P2/x:1"
like "$RC $ERR" '^[1-9][0-9]* .*insecure' "non-root pull from localhost refused"
capture ulite "$UA" pull --insecure "example.invalid:$P2/x:1"
like "$RC $ERR" '^[1-9][0-9]* .*insecure' "non-root --insecure pull of an unlisted registry refused"
if getent hosts "$(hostname)" | grep -q '^127\.'; then
	capture ulite "$UA" pull "$(hostname):$P2/x:1"
	like "$RC $ERR" '^[1-9][0-9]* .*internal address 127\.' "non-root HTTPS pull of a name that resolves to loopback refused"
else
	skip "pull of a name resolving to loopback" "$(hostname) does not resolve to 127.x"
fi
is "$(cat "$T/accepts" 2>/dev/null)" "" "the listener saw no connection"
kill "$LISTEN" 2>/dev/null; wait "$LISTEN" 2>/dev/null

if command -v docker-registry >/dev/null && command -v skopeo >/dev/null; then
	source "$SRCDIR/tests/integration/lib-registry.sh"
	BASE_TAR=$T/img.tar "$PY" "$SRCDIR/tests/integration/mkoci.py" oci "$T/oci.tar" >/dev/null || bail_out "mkoci.py failed"
	start_registry open
	R=127.0.0.1:$PORT
	push "oci-archive:$T/oci.tar" "$R/lite/gz:1"
	n0=$(grep -c 'GET /v2/lite' "$T/reg-open.log")
	capture ulite "$UA" pull "$R/lite/gz:1"
	like "$RC $ERR" '^[1-9][0-9]* .*insecure-registries' "non-root pull from an unlisted HTTP registry refused"
	is "$(grep -c 'GET /v2/lite' "$T/reg-open.log")" "$n0" "...before any request reached it"
	ok "root pulls from it" lite pull -q "$R/lite/gz:1"
	lite rmi "$R/lite/gz:1" >/dev/null
	stop_daemon
	sed -i "s/\"insecure-registries\":\[\]/\"insecure-registries\":[\"$R\"]/" "$T/daemon.json"
	start_daemon || bail_out "daemon did not restart"
	ok "a listed registry: non-root pull allowed" ulite "$UA" pull -q "$R/lite/gz:1"
	BASE_TAR=$T/img.tar "$PY" "$SRCDIR/tests/integration/mkoci.py" docker "$T/big.tar" lite/big:1 1 1 >/dev/null ||
		bail_out "mkoci.py docker failed"
	skopeo copy -q --dest-tls-verify=false "docker-archive:$T/big.tar" "docker://$R/lite/big:1" >"$T/push.log" 2>&1 ||
		bail_out "skopeo push of lite/big:1 failed: $(tail -n2 "$T/push.log")"
	stop_daemon
	sed -i 's/^{/{"max-layer-size":"512k",/' "$T/daemon.json"
	start_daemon || bail_out "daemon did not restart"
	n0=$(grep -c 'GET /v2/lite/big/blobs' "$T/reg-open.log")
	capture lite pull "$R/lite/big:1"
	like "$RC $ERR" '^[1-9][0-9]* .*too large.*max-layer-size' "a pulled layer over max-layer-size is refused"
	is "$(grep -c 'GET /v2/lite/big/blobs' "$T/reg-open.log")" "$((n0 + 1))" "...before its blob is fetched (only the config was)"
	stop_registries
else
	skip "pull from a local registry" "docker-registry or skopeo missing"
fi

# --- allow-nonroot-pull false; layer size and entry limits
stop_daemon
printf '%s\n' '{"bridge":"none","allow-nonroot-pull":false,"max-layer-size":"4k","max-layer-entries":5,
 "max-connections":10,"max-connections-per-user":8}' >"$T/daemon.json"
start_daemon || bail_out "daemon did not restart"
# the global cap: A holds 8, B gets 2 of its 8, root still gets in
bg_as "$UA" "$PY" "$T/hold.py" "$SOCK" 8 6 >"$T/hold-a.out" 2>&1
HOLD=$BG
wait_for 5 test -s "$T/hold-a.out"
capture as "$UB" "$PY" "$T/hold.py" "$SOCK" 8 0
is "$OUT" 6 "max-connections 10: another user gets the 2 left, 6 refused"
ok "root still served at the global cap" lite version
kill "$HOLD" 2>/dev/null; wait "$HOLD" 2>/dev/null
wait_for 5 ulite "$UA" version # the daemon saw the connections close
capture ulite "$UA" pull "example.invalid/x:1"
like "$RC $ERR" '^[1-9][0-9]* .*allow-nonroot-pull' "allow-nonroot-pull false: non-root pull refused"
mkdir -p "$T/many" && for i in 1 2 3 4 5 6; do echo "$i" >"$T/many/f$i"; done
tar -cf "$T/many.tar" -C "$T/many" .
capture lite import "$T/many.tar" many:1
like "$RC $ERR" '^[1-9][0-9]* .*max-layer-entries' "a layer with more files than max-layer-entries is refused"
head -c 10000 /dev/zero >"$T/many/big"
tar -cf "$T/bigf.tar" -C "$T/many" big
capture lite import "$T/bigf.tar" bigf:1
like "$RC $ERR" '^[1-9][0-9]* .*max-layer-size' "a layer larger than max-layer-size unpacked is refused"
is "$(ls -A "$D/tmp" | grep -v '^pull-partial$')" "" "nothing left in tmp (pull-partial is the pulls' resume dir)"
not_ok "no image bigf:1" lite image inspect bigf:1

done_testing
