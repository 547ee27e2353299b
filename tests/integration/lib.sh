# tests/integration/lib.sh — sourced by every integration test script.
#
# Starts a private containerd-lite (own socket, data-root, exec-root and
# cgroup parent under a fresh /tmp/lite-it.XXXXXX), imports a busybox test
# image "testimg" that carries lite-test-helper, and provides TAP helpers.
# A trap tears everything down even when a test fails: containers, the
# daemon, leftover shims, mounts, cgroups, the temp dir.
#
# Environment (meson passes these; defaults suit a run from the source tree):
#   LITE, CONTAINERD_LITE, LITE_TEST_HELPER, SRCDIR, BUILDDIR
# Knobs set by the sourcing script before `source`:
#   LIB_NO_DAEMON=1  do not start a daemon (and build no image)
#   LIB_NO_IMAGE=1   start the daemon but build no test image
#   LIB_NO_TAP=1     no TAP plan checks (benchmarks)
#   LIB_NETNS=1      run the daemon in a fresh network namespace (held by a
#                    sleeper, NETNS_PID) so bridges, veths and nftables rules
#                    never touch the host's network; `in_ns CMD...` runs a
#                    command there. The namespace dies with the sleeper.
# Debug: LITE_IT_KEEP=1 keeps the temp dir; LITE_IT_VERBOSE=1 always prints
# the daemon log.
# Sanitizers (a -Db_sanitize=address,undefined build): every lite process
# writes its reports to $T/sanitizer/ (ASAN_OPTIONS/UBSAN_OPTIONS log_path,
# added to any options already set); a report there or in the daemon's log
# fails the test.

set -u

_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${SRCDIR:=$(cd "$_lib_dir/../.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${LITE:=$BUILDDIR/client/lite}"
: "${CONTAINERD_LITE:=$BUILDDIR/daemon/containerd-lite}"
: "${LITE_TEST_HELPER:=$BUILDDIR/tests/helpers/lite-test-helper}"
: "${MKROOTFS:=$SRCDIR/scripts/mkrootfs-busybox.sh}"
: "${LIB_NO_DAEMON:=0}" "${LIB_NO_IMAGE:=0}" "${LIB_NO_TAP:=0}"
: "${LIB_NETNS:=0}"
NETNS_PID=
_lib_ns_prefix=()
# Functions a script adds to run at cleanup, after the containers are gone
# and the daemon stopped (e.g. removing test users): LIB_CLEANUP_HOOKS+=(f)
LIB_CLEANUP_HOOKS=()
: "${LITE_IT_KEEP:=0}" "${LITE_IT_VERBOSE:=0}"
export SRCDIR BUILDDIR LITE CONTAINERD_LITE LITE_TEST_HELPER

if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

# ---------------------------------------------------------------- TAP

TAP_N=0
TAP_FAILED=0
TAP_DONE=0

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP not root"
	exit 0
fi

diag() { local l; printf '%s\n' "$@" | while IFS= read -r l; do printf '# %s\n' "$l"; done; }
pass() { TAP_N=$((TAP_N + 1)); printf 'ok %d - %s\n' "$TAP_N" "$1"; }
fail() {
	TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
	printf 'not ok %d - %s\n' "$TAP_N" "$1"
	shift
	[ $# -gt 0 ] && diag "$@"
	return 0
}
skip() { TAP_N=$((TAP_N + 1)); printf 'ok %d - %s # SKIP %s\n' "$TAP_N" "$1" "${2:-}"; }

# ok DESC CMD... : passes when CMD exits 0
# (the command's stdout must not mix with TAP: it goes to stderr)
ok() { local d=$1; shift; if "$@" >&2; then pass "$d"; else fail "$d" "command failed (rc=$?): $*"; fi; }
# not_ok DESC CMD... : passes when CMD exits non-zero
not_ok() { local d=$1; shift; if "$@" >&2; then fail "$d" "command unexpectedly succeeded: $*"; else pass "$d"; fi; }
# is GOT EXPECTED DESC
is() {
	if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "expected: '$2'" "     got: '$1'"; fi
}
isnt() {
	if [ "$1" != "$2" ]; then pass "$3"; else fail "$3" "got '$1', expected something else"; fi
}
# like GOT ERE DESC
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then pass "$3"; else fail "$3" "expected to match /$2/" "got: '$1'"; fi
}
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then fail "$3" "expected NOT to match /$2/" "got: '$1'"; else pass "$3"; fi
}
# is_rc: shorthand after capture
is_rc() { is "$RC" "$1" "$2"; [ "$RC" = "$1" ] || diag "stdout: $OUT" "stderr: $ERR"; }

bail_out() { echo "Bail out! $*"; TAP_DONE=1; exit 1; }
done_testing() { echo "1..$TAP_N"; TAP_DONE=1; }

# ---------------------------------------------------------------- helpers

T=$(mktemp -d /tmp/lite-it.XXXXXX) || { echo "Bail out! mktemp failed"; exit 1; }
D=$T/lib
E=$T/run
SOCK=$T/lite.sock
CGP=lite-it-$$-$RANDOM
DAEMON_LOG=$T/daemon.log
DAEMON_PID=
SAN_DIR=$T/sanitizer
mkdir -p "$SAN_DIR"
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1}:log_path=$SAN_DIR/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}:log_path=$SAN_DIR/ubsan"
export LITE_HOST=unix://$SOCK

# lite ARGS... : the client, bounded in time, stdin from /dev/null
lite() { timeout -k 5 "${LITE_TIMEOUT:-30}" "$LITE" "$@" </dev/null; }

# capture CMD... : sets OUT, ERR (trailing newlines stripped) and RC
capture() {
	"$@" >"$T/.out" 2>"$T/.err" </dev/null
	RC=$?
	OUT=$(cat "$T/.out")
	ERR=$(cat "$T/.err")
}

# wait_for SECS CMD... : poll CMD every 0.1 s until it succeeds
wait_for() {
	local end=$(( $(now_ms) + $1 * 1000 )); shift
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.1
	done
}

# escalated NAME : the daemon had to SIGKILL NAME after its stop timeout
# (evidence from the daemon's log instead of a timed assertion)
escalated() { local id; id=$(ifield "$1" id); grep -q "container ${id:0:12} did not stop in time" "$DAEMON_LOG"; }

# now_ms : wall clock in milliseconds, without a fork
now_ms() { local t=${EPOCHREALTIME/[.,]/}; echo $(( t / 1000 )); }

# jget PATH : read JSON on stdin (first element if an array), print the
# value at a dotted PATH (strings raw, others as JSON)
jget() {
	"$PY" -c '
import json, sys
d = json.load(sys.stdin)
if isinstance(d, list):
    d = d[0]
for k in [k for k in sys.argv[1].split(".") if k]:
    d = d[int(k)] if isinstance(d, list) else d[k]
print(d if isinstance(d, str) else json.dumps(d))' "$1"
}

# rfield METHOD PARAM VALUE PATH : a field of a protocol reply's result
# (lite's own objects, PROTOCOL.md), e.g. rfield volume_inspect name v1 owner_uid
rfield() {
	"$PY" -c 'import json, sys; print(json.dumps({"id": 1, "method": sys.argv[1], "params": {sys.argv[2]: sys.argv[3]}}))' \
		"$1" "$2" "$3" | rawreq 10 | "$PY" -c '
import json, sys
r = json.load(sys.stdin)
if "result" not in r:
    sys.exit(1)
print(json.dumps(r["result"]))' 2>/dev/null | jget "$4" 2>/dev/null
}
# ifield NAME PATH : a field of the daemon's inspect reply for container
# NAME (lite's snake_case keys; `lite inspect` prints Docker's shape)
ifield() { rfield inspect id "$1" "$2"; }

# ps_state NAME : State from `lite ps -a --format json` ("" if absent)
ps_state() {
	lite ps -a --format json 2>/dev/null | "$PY" -c '
import json, sys
for l in sys.stdin:
    l = l.strip()
    if not l:
        continue
    o = json.loads(l)
    n = o.get("Names")
    names = n if isinstance(n, list) else str(n).split(",")
    if sys.argv[1] in names or o.get("ID", "").startswith(sys.argv[1]):
        print(o.get("State", "")); break' "$1"
}

is_running() { [ "$(ifield "$1" state.status)" = running ]; }
is_exited() { [ "$(ifield "$1" state.status)" = exited ]; }
# is_gone NAME|ID: no container has that exact name or full id (not
# inspect: a short hex name like "b6" would also match an id's prefix);
# false, not true, when ps itself fails
is_gone() {
	local rows
	rows=$(lite ps -a --no-trunc --format '{{.Names}} {{.ID}}') &&
		! printf '%s\n' "$rows" | tr ' ' '\n' | grep -qxF -- "$1"
}
# ps_lists_none PS-ARGS...: `lite ps -q PS-ARGS` succeeds and lists nothing
ps_lists_none() { local ids; ids=$(lite ps -q "$@") && [ -z "$ids" ]; }
pid_alive() { [ -n "$1" ] && [ "$1" != 0 ] && [ -d "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
pid_dead() { ! pid_alive "$1"; }

# rawreq : send stdin bytes to the daemon socket, print the first reply
# line (empty if the daemon closed without one). $1 = timeout seconds.
rawreq() {
	"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(float(sys.argv[2]))
s.connect(sys.argv[1])
data = sys.stdin.buffer.read()
try:
    s.sendall(data)
except OSError:
    pass
buf = b""
try:
    while b"\n" not in buf:
        c = s.recv(65536)
        if not c:
            break
        buf += c
except OSError:
    pass
sys.stdout.write(buf.split(b"\n")[0].decode("utf-8", "replace") + "\n")' "$SOCK" "${1:-10}"
}

# cgroup_dirs ID : the container's cgroup dirs that exist now
cgroup_dirs() {
	local d
	for d in /sys/fs/cgroup/*/"$CGP"/"$1" /sys/fs/cgroup/"$CGP"/"$1"; do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}
cgroup_gone() { [ -z "$(cgroup_dirs "$1")" ]; }

cgroup_mode() {
	if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then echo v2; else echo v1; fi
}

# ---------------------------------------------------------------- daemon

start_daemon() {
	mkdir -p "$D" "$E"
	echo "=== start $(date +%T.%N) ===" >>"$DAEMON_LOG"
	# outside a test network namespace the default bridge is off: the
	# host's network is never touched ("bridge": "none", as dockerd's)
	[ -f "$T/daemon.json" ] || if [ "$LIB_NETNS" = 1 ]; then echo '{}'; else echo '{"bridge":"none"}'; fi >"$T/daemon.json"
	${_lib_ns_prefix[@]+"${_lib_ns_prefix[@]}"} "$CONTAINERD_LITE" -H "unix://$SOCK" --data-root "$D" --exec-root "$E" --config-file "$T/daemon.json" \
		--cgroup-parent "$CGP" -D >>"$DAEMON_LOG" 2>&1 </dev/null &
	DAEMON_PID=$!
	local i
	for i in $(seq 100); do
		if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
			wait "$DAEMON_PID" 2>/dev/null
			echo "daemon exited during start-up (rc=$?)" >>"$DAEMON_LOG"
			DAEMON_PID=
			return 1
		fi
		LITE_TIMEOUT=3 lite version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# start_netns : a network namespace of the test's own, held by a sleeper;
# the daemon started afterwards runs in it (LIB_NETNS=1 does this).
start_netns() {
	unshare --net sleep 1000000 </dev/null >/dev/null 2>&1 &
	NETNS_PID=$!
	local i
	for i in $(seq 50); do
		[ "$(readlink "/proc/$NETNS_PID/ns/net" 2>/dev/null)" != "$(readlink /proc/self/ns/net)" ] &&
			[ -n "$(readlink "/proc/$NETNS_PID/ns/net" 2>/dev/null)" ] && break
		sleep 0.1
	done
	_lib_ns_prefix=(nsenter "--net=/proc/$NETNS_PID/ns/net" --)
	in_ns ip link set lo up
}

# in_ns CMD... : run CMD in the test's network namespace
in_ns() { nsenter "--net=/proc/$NETNS_PID/ns/net" -- "$@"; }

# stop_daemon [SIG] : signal the daemon, wait (5 s, then SIGKILL); sets DAEMON_RC
stop_daemon() {
	DAEMON_RC=
	[ -n "$DAEMON_PID" ] || return 0
	kill -"${1:-TERM}" "$DAEMON_PID" 2>/dev/null
	local i
	for i in $(seq 50); do
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		# a zombie still answers kill -0; `wait` below reaps it
		grep -q '^State:.*Z' "/proc/$DAEMON_PID/status" 2>/dev/null && break
		sleep 0.1
	done
	if kill -0 "$DAEMON_PID" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$DAEMON_PID/status" 2>/dev/null; then
		echo "daemon did not exit on SIG${1:-TERM} within 5 s; SIGKILL" >>"$DAEMON_LOG"
		kill -KILL "$DAEMON_PID" 2>/dev/null
	fi
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_RC=$?
	DAEMON_PID=
}

build_test_image() {
	[ -x "$MKROOTFS" ] || [ -f "$MKROOTFS" ] || bail_out "missing $MKROOTFS"
	[ -x "$LITE_TEST_HELPER" ] || bail_out "missing $LITE_TEST_HELPER"
	if ! bash "$MKROOTFS" "$T/img.tar" "$LITE_TEST_HELPER:/usr/bin/lite-test-helper" >"$T/mkrootfs.log" 2>&1; then
		cat "$T/mkrootfs.log" >&2
		bail_out "mkrootfs-busybox.sh failed"
	fi
	capture lite import "$T/img.tar" testimg
	[ "$RC" = 0 ] || bail_out "lite import failed (rc=$RC): $ERR"
}

# ---------------------------------------------------------------- cleanup

_kill_pids() { # SIG PID...
	local s=$1 p; shift
	for p in "$@"; do kill -"$s" "$p" 2>/dev/null; done
}

# _sanitizer_reports : print every sanitizer report of this test (files in
# SAN_DIR, or in the daemon's log); false if there is none
_sanitizer_reports() {
	local f found=1
	for f in "$SAN_DIR"/*; do
		[ -s "$f" ] || continue
		found=0
		echo "# ---- sanitizer report $f ----"
		head -n 60 "$f" | sed 's/^/# /'
	done
	if grep -Eq '^==[0-9]+==ERROR: [A-Za-z]+Sanitizer|^[^ ]+:[0-9]+:[0-9]+: runtime error: ' "$DAEMON_LOG" 2>/dev/null; then
		found=0
		echo "# ---- sanitizer report in $DAEMON_LOG ----"
		grep -E -A 30 '^==[0-9]+==ERROR: [A-Za-z]+Sanitizer|^[^ ]+:[0-9]+:[0-9]+: runtime error: ' "$DAEMON_LOG" |
			head -n 60 | sed 's/^/# /'
	fi
	return "$found"
}

_cleanup() {
	local rc=$? p pids d i
	trap - EXIT INT TERM
	trap '' PIPE	# a closed stdout must not stop the cleanup
	set +e
	if [ "$LIB_NO_TAP" != 1 ] && [ "$TAP_DONE" != 1 ]; then
		echo "Bail out! script ended early (rc=$rc) after $TAP_N tests"
		rc=1
	fi
	[ "$TAP_FAILED" -gt 0 ] && rc=1

	# 1. containers, through the daemon if it still answers
	if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then
		LITE_TIMEOUT=20 lite ps -aq 2>/dev/null | xargs -r timeout 30 "$LITE" rm -f >/dev/null 2>&1
	fi
	# 2. the daemon
	stop_daemon TERM
	for i in "${LIB_CLEANUP_HOOKS[@]}"; do "$i"; done
	# 2b. the test's network namespace (its bridges, veths and rules go with it)
	if [ -n "$NETNS_PID" ]; then
		kill -KILL "$NETNS_PID" 2>/dev/null
		wait "$NETNS_PID" 2>/dev/null
	fi
	# 3. shims (and anything else) that mention our temp dir on their cmdline
	pids=
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		[ "$p" = $$ ] && continue
		if { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -qF -- "$T"; then
			pids="$pids $p"
		fi
	done
	# 4. processes still in our cgroups (container inits whose shim died)
	for d in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/"$CGP"; do
		[ -d "$d" ] || continue
		pids="$pids $(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | tr '\n' ' ')"
	done
	if [ -n "${pids// /}" ]; then
		echo "cleanup: killing leftover pids:$pids" >>"$DAEMON_LOG"
		_kill_pids TERM $pids
		for i in $(seq 20); do
			local alive=
			for p in $pids; do pid_alive "$p" && alive=1; done
			[ -z "$alive" ] && break
			sleep 0.1
		done
		_kill_pids KILL $pids
	fi
	# 5. mounts under the temp dir, deepest first
	for i in 1 2 3; do
		local mnts
		mnts=$(awk -v t="$T" '{ m = $5; gsub(/\\040/, " ", m); if (m == t || index(m, t "/") == 1) print length(m) "\t" m }' /proc/self/mountinfo |
			sort -rn | cut -f2-)
		[ -z "$mnts" ] && break
		printf '%s\n' "$mnts" | while IFS= read -r d; do umount -l "$d" 2>/dev/null; done
	done
	# 6. cgroups, deepest first (retry: killed tasks take a moment to leave)
	for i in $(seq 30); do
		local left=
		for d in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/"$CGP"; do
			[ -d "$d" ] || continue
			find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
			[ -d "$d" ] && left=1
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	for d in /sys/fs/cgroup/*/"$CGP" /sys/fs/cgroup/"$CGP"; do
		[ -d "$d" ] && echo "# cleanup: could not remove cgroup $d" >&2
	done
	# 7. sanitizer reports (the daemon and the shims are gone: all written)
	if _sanitizer_reports >&2; then
		echo "Bail out! sanitizer report(s), see above"
		rc=1
	fi
	# 8. the log on failure, then the temp dir
	if [ "$rc" != 0 ] || [ "$LITE_IT_VERBOSE" = 1 ]; then
		if [ -s "$DAEMON_LOG" ]; then
			echo "# ---- daemon log ($DAEMON_LOG, last 300 lines) ----" >&2
			tail -n 300 "$DAEMON_LOG" | sed 's/^/# /' >&2
		fi
	fi
	if [ "$LITE_IT_KEEP" = 1 ]; then
		echo "# kept $T" >&2
	elif grep -qF -- " $T" /proc/self/mountinfo; then
		echo "# cleanup: mounts remain under $T; not removing it" >&2
	else
		rm -rf --one-file-system "$T"
	fi
	exit "$rc"
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- setup

if [ "$LIB_NO_DAEMON" != 1 ]; then
	[ -x "$LITE" ] || bail_out "client not built: $LITE"
	[ -x "$CONTAINERD_LITE" ] || bail_out "daemon not built: $CONTAINERD_LITE"
	[ "$LIB_NETNS" = 1 ] && { start_netns || bail_out "could not make a network namespace"; }
	start_daemon || bail_out "daemon did not answer 'lite version' within 10 s"
	[ "$LIB_NO_IMAGE" = 1 ] || build_test_image
fi
