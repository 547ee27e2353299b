# tests/integration/lib-docker.sh — the Docker Engine API front end in a
# test, sourced after lib.sh: the private daemon's Docker socket
# (lite-docker.sock next to its lite socket), the Debian docker 20.10 client
# (scripts/install-deps.sh --test unpacks it; a test FAILS without it), and
# raw HTTP on the socket for what no client sends.
DSOCK=$T/lite-docker.sock
DOCKER=${LITE_DOCKER_CLI:-/var/cache/lite-test/docker-cli/docker}
export DOCKER_CONFIG=$T/docker-config
mkdir -p "$DOCKER_CONFIG"

# dk ARGS... : the docker client on the test daemon, bounded in time
dk() { DOCKER_HOST=unix://$DSOCK timeout -k 5 "${LITE_TIMEOUT:-60}" "$DOCKER" "$@" </dev/null; }

# docker_cli_present : the client is there (fail the test, not skip, when not)
docker_cli_present() {
	if [ -x "$DOCKER" ]; then pass "docker client present ($DOCKER)"; return 0; fi
	fail "docker client present" "missing $DOCKER: run scripts/install-deps.sh --test"
	return 1
}

# hraw [TIMEOUT] [SOCKET] : send stdin as is to the Docker socket, print
# everything the server sends until it closes (or TIMEOUT s of silence),
# then a last line "<<closed>>" or "<<open>>".
hraw() {
	"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(float(sys.argv[2]))
s.connect(sys.argv[1])
try:
    s.sendall(sys.stdin.buffer.read())
except OSError:
    pass
out, state = b"", "<<open>>"
try:
    while True:
        c = s.recv(65536)
        if not c:
            state = "<<closed>>"
            break
        out += c
except ConnectionResetError:
    state = "<<closed>>"
except OSError:
    pass
sys.stdout.write(out.decode("utf-8", "replace") + "\n" + state + "\n")' "${2:-$DSOCK}" "${1:-10}"
}

# dcurl ARGS... : curl on the Docker socket (status code last with -w)
dcurl() { timeout -k 5 60 curl -s --unix-socket "$DSOCK" "$@"; }

# hstatus : the status code of the first response in hraw's output
hstatus() { head -n1 | awk '{ print $2 }'; }

# api_helpers : pids of lite-docker-api processes serving this daemon
# (argv[1] is its lite socket)
api_helpers() { pgrep -f -- "^lite-docker-api $SOCK( |\$)" || true; }
has_helpers() { [ -n "$(api_helpers)" ]; }
no_helpers() { [ -z "$(api_helpers)" ]; }
