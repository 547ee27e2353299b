#!/bin/bash
# Issue 16: the Docker Engine API's HTTP layer and version negotiation on
# the daemon's Docker socket: /_ping (GET, HEAD) and its headers, /v1.NN/
# prefixes (1.24..1.41; others a 400 with dockerd's message), /version,
# /info as `docker version` / `docker info` print them; and robustness:
# a bad request line, oversized or too many headers, a bad chunked body, a
# body too large, pipelined requests, HTTP/1.0, Connection: close, slow and
# idle clients (request-timeout) — each a one-line JSON {"message"} with
# its status or a clean close, never a crash, and the next client served.
LIB_NO_DAEMON=1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-docker.sh"

mkdir -p "$T"
echo '{"bridge":"none","request-timeout":"2s"}' >"$T/daemon.json"
start_daemon || bail_out "daemon did not start"
docker_cli_present

# --- the socket: beside lite's, 0660
is "$(stat -c %a "$DSOCK" 2>/dev/null)" 660 "the Docker socket is made next to lite's, mode 0660"

# --- /_ping
OUT=$(printf 'GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | hraw)
like "$OUT" '^HTTP/1.1 200 OK' "GET /_ping: 200"
like "$OUT" $'\r\n\r\nOK\n<<closed>>$' "GET /_ping: the body is OK, then the connection closes (Connection: close)"
for h in 'Api-Version: 1.41' 'Docker-Experimental: false' 'Ostype: linux' 'Builder-Version: 1' \
	'Cache-Control: no-cache, no-store, must-revalidate' 'Pragma: no-cache'; do
	like "$OUT" "$h" "GET /_ping: header $h"
done
OUT=$(printf 'HEAD /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | hraw)
like "$OUT" '^HTTP/1.1 200 OK' "HEAD /_ping: 200"
like "$OUT" $'Content-Length: 0\r\n\r\n\n<<closed>>$' "HEAD /_ping: no body"
like "$OUT" 'Api-Version: 1.41' "HEAD /_ping: API-Version header"

# --- versions
is "$(dcurl http://d/v1.41/version | jget ApiVersion)" 1.41 "/v1.41/version: ApiVersion 1.41"
is "$(dcurl http://d/v1.24/version | jget MinAPIVersion)" 1.24 "/v1.24/ accepted; MinAPIVersion 1.24"
is "$(dcurl http://d/version | jget Components.0.Name)" Engine "/version without a prefix: Components has the Engine"
OUT=$(dcurl -w '\n%{http_code}' http://d/v1.99/version)
is "$OUT" $'{"message":"client version 1.99 is too new. Maximum supported API version is 1.41"}\n400' \
	"/v1.99/: 400 with dockerd's message"
OUT=$(dcurl -w '\n%{http_code}' http://d/v1.23/containers/json)
like "$OUT" '^\{"message":"client version 1.23 is too old. Minimum supported API version is 1.24[^"]*"\}'$'\n''400$' \
	"/v1.23/: 400 too old"
is "$(dcurl -w '%{http_code}' -o /dev/null http://d/v1.40/_ping)" 200 "/v1.40/_ping: an older client is served"

capture dk version --format '{{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Server.Os}}'
is "$OUT" "1.41 1.24 linux" "docker version: server API 1.41, minimum 1.24"
capture dk info
is_rc 0 "docker info succeeds"
for l in 'Containers: 0' 'Running: 0' 'Paused: 0' 'Stopped: 0' 'Images: ' 'Storage Driver: overlay2' \
	'Cgroup Driver: cgroupfs' "Cgroup Version: $([ "$(cgroup_mode)" = v2 ] && echo 2 || echo 1)" \
	"Kernel Version: $(uname -r)" 'Operating System: ' "CPUs: $(nproc)" 'Total Memory: ' "Docker Root Dir: $D" \
	'Runtimes: lite' 'seccomp' 'Swarm: inactive'; do
	like "$OUT" "$l" "docker info prints '$l'"
done
unlike "$ERR" 'ERROR|errors pretty printing' "docker info: no errors"
capture dk info --format '{{.Name}} {{.NCPU}}'
is "$OUT" "$(hostname) $(nproc)" "docker info --format: Name, NCPU"

# --- errors: one line of JSON each, with the status
# (framing errors are libmicrohttpd's: its status and its short HTML body;
# a line that is not a request line at all is closed without a reply)
OUT=$(printf 'GARBAGE\r\n\r\n' | hraw)
is "$(tr -d '\n' <<<"$OUT")" '<<closed>>' "a bad request line: the connection ends"
OUT=$(printf 'GET /_ping HTTP/1.1\r\nno colon here\r\n\r\n' | hraw)
is "$(hstatus <<<"$OUT")" 400 "... a bad header: 400"
like "$OUT" '<<closed>>$' "... then the connection ends"
OUT=$(printf 'GET /_ping HTTP/2.0\r\n\r\n' | hraw)
is "$(hstatus <<<"$OUT")" 505 "HTTP/2.0 in a request line: 505"
OUT=$(printf 'GET /_ping HTTP/1.1\r\nX-Big: %s\r\n\r\n' "$(head -c 70000 /dev/zero | tr '\0' a)" | hraw)
is "$(hstatus <<<"$OUT")" 431 "a header beyond 64 KiB: 431"
like "$OUT" 'header was too big' "... named"
OUT=$( { printf 'GET /_ping HTTP/1.1\r\n'; for i in $(seq 70); do printf 'X-H%d: v\r\n' "$i"; done; printf '\r\n'; } | hraw)
is "$(hstatus <<<"$OUT")" 431 "70 header fields: 431"
OUT=$(printf 'GET /_ping HTTP/1.1\r\nno colon here\r\n\r\n' | hraw)
is "$(hstatus <<<"$OUT")" 400 "a header line without a colon: 400"
OUT=$(printf 'POST /containers/create HTTP/1.1\r\nContent-Length: -5\r\n\r\n' | hraw)
is "$(hstatus <<<"$OUT")" 400 "a negative Content-Length: 400"
OUT=$(printf 'POST /containers/create HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n' | hraw)
is "$(hstatus <<<"$OUT")" 501 "Transfer-Encoding: gzip: 501"
OUT=$(printf 'GET 1/_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | hraw)
is "$(hstatus <<<"$OUT")" 400 "a target that is not an absolute path: 400 (a fuzzing find)"
OUT=$(printf 'POST /containers/create HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n' | hraw)
is "$(hstatus <<<"$OUT")" 400 "a bad chunk size: 400"
like "$OUT" 'chunked encoding was syntactically incorrect' "... named"
# (update's JSON limit is 1 MiB; create's 4 MiB, for a seccomp profile sent as text)
OUT=$( { printf 'POST /containers/x/update HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2200000\r\n\r\n{"Image":"'; head -c 2199988 /dev/zero | tr '\0' a; printf '"}'; } | hraw 20)
is "$(hstatus <<<"$OUT")" 413 "a 2 MB JSON body: 413"
like "$OUT" '"message":"request body too large"' "... named"
# decided from Content-Length / the chunk size, before the body comes (never 408)
OUT=$(printf 'POST /containers/create HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n{"Image":"' | hraw 20)
is "$(hstatus <<<"$OUT")" 413 "a 5 MB Content-Length, body not sent yet: 413 at once"
# a chunked body has no length to decide from (MHD hides the chunk sizes
# and takes no reply in the middle of a body): 413 at the body's end
OUT=$( { printf 'POST /containers/x/update HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n180000\r\n{"Image":"'; head -c 1572852 /dev/zero | tr '\0' a; printf '"}\r\n0\r\n\r\n'; } | hraw 20)
is "$(hstatus <<<"$OUT")" 413 "a chunked body over the limit: 413"
OUT=$(printf 'POST /containers/create HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{"Image":' | hraw)
is "$(hstatus <<<"$OUT")" 400 "invalid JSON: 400"
like "$OUT" '"message":"invalid JSON' "... named"
OUT=$(dcurl -w '\n%{http_code}' http://d/no/such/path)
is "$OUT" $'{"message":"page not found"}\n404' "an unknown path: 404 page not found"
is "$(dcurl -o /dev/null -w '%{http_code}' -X DELETE http://d/version)" 405 "a known path with another method: 405"
OUT=$(printf 'POST /containers/create HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n5\r\n{"Ima\r\n1\r\ng\r\n0\r\n\r\n' | hraw)
like "$(hstatus <<<"$OUT")" '^4' "a chunked JSON body is reassembled (parsed: a 4xx about its content, not its framing)"
unlike "$OUT" 'chunked' "... not a framing error"

# --- keep-alive, pipelining, HTTP/1.0
OUT=$(printf 'GET /_ping HTTP/1.1\r\nHost: x\r\n\r\nGET /version HTTP/1.1\r\nHost: x\r\n\r\nHEAD /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | hraw)
is "$(grep -o 'HTTP/1.1 200' <<<"$OUT" | wc -l)" 3 "three pipelined requests: three replies"
like "$OUT" '"ApiVersion":"1.41"' "... the second is /version"
like "$OUT" '<<closed>>$' "... and the connection ends after the last (Connection: close)"
OUT=$(printf 'GET /_ping HTTP/1.0\r\n\r\n' | hraw)
like "$OUT" $'^HTTP/1.1 200 OK.*OK\n<<closed>>$' "HTTP/1.0: answered, then closed"
OUT=$(printf 'GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n' | hraw 1)
like "$OUT" '<<open>>$' "HTTP/1.1 keep-alive: the connection stays open after a reply"
OUT=$(printf 'POST /containers/create HTTP/1.1\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}' | hraw)
like "$OUT" '^HTTP/1.1 100 Continue' "Expect: 100-continue is answered"

# --- slow and idle clients (request-timeout 2s here)
t0=$(now_ms)
OUT=$(printf 'GET /_ping HTTP/1.1\r\nHost: x' | hraw 30)
t1=$(now_ms)
is "$(hstatus <<<"$OUT")" 408 "a request that stops half-way: 408 after request-timeout"
like "$OUT" '"message":"request headers incomplete after 2000 ms \(request-timeout\)"' "... named"
like "$OUT" '<<closed>>$' "... and closed"
ok "... within the timeout's bound (took $((t1 - t0)) ms)" test $((t1 - t0)) -lt 25000
OUT=$("$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(30)
t = time.time()
try:
    for c in b"GET /_ping HTTP/1.1\r\nHost: x\r\n":   # one byte every 0.5 s: each read is in time, the request is not
        s.sendall(bytes([c]))
        time.sleep(0.5)
except OSError:
    pass
d = b""
try:
    while True:
        c = s.recv(4096)
        if not c:
            break
        d += c
except OSError:
    pass
print(d.split(b"\r\n")[0].decode(), int(time.time() - t < 25))' "$DSOCK")
# a 408 once the request line is in; before that (here) the connection
# just ends (MHD does not tell how much of a line it has read)
like "$OUT" "^(HTTP/1.1 408 Request Timeout)? 1$" "a client trickling a byte at a time: ended at the request's deadline"
OUT=$(printf '' | hraw 30)
is "$(tr -d '\n' <<<"$OUT")" "<<closed>>" "an idle connection is closed quietly after request-timeout"

# --- still serving; no helper left behind
is "$(dcurl http://d/_ping)" OK "the Docker socket still answers"
ok "the daemon is alive" kill -0 "$DAEMON_PID"
wait_for 10 no_helpers
is "$(api_helpers | wc -l)" 0 "every lite-docker-api of closed connections has exited"

# --- --docker-api "" turns it off; a given path is used
stop_daemon
rm -f "$DSOCK"
"$CONTAINERD_LITE" -H "unix://$SOCK" --data-root "$D" --exec-root "$E" --config-file "$T/daemon.json" \
	--cgroup-parent "$CGP" --docker-api "" >>"$DAEMON_LOG" 2>&1 </dev/null &
DAEMON_PID=$!
wait_for 10 lite version
ok "--docker-api \"\": no Docker socket" test ! -e "$DSOCK"
stop_daemon
echo '{"bridge":"none","docker-api":["unix://'"$T"'/other.sock"]}' >"$T/daemon.json"
start_daemon || bail_out "daemon did not restart"
ok "daemon.json docker-api: the socket at its path" test -S "$T/other.sock"
ok "... and not the default one" test ! -e "$DSOCK"
is "$(timeout 10 curl -s --unix-socket "$T/other.sock" http://d/_ping)" OK "... it answers"
stop_daemon
ok "the daemon removes its Docker socket at exit" test ! -e "$T/other.sock"

done_testing
