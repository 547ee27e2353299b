#!/bin/bash
# bench-events.sh — events throughput: the events per second a `lite
# events` client receives while P (default 50) `lite run --rm busybox
# true` run in parallel, and the same for a burst of volume create/rm (no
# containers: the event path itself). See README.md. Needs root.
#
#   P=50 tests/bench/bench-events.sh
LIB_NO_TAP=1
LIB_NO_IMAGE=1
source "$(cd "$(dirname "$0")/.." && pwd)/integration/lib.sh"
source "$(dirname "$0")/lib-bench.sh"

P=${P:-50}
V=${V:-500}

bash "$MKROOTFS" "$T/busybox.tar" >"$T/mkrootfs.log" 2>&1 || { cat "$T/mkrootfs.log" >&2; exit 1; }
capture lite import "$T/busybox.tar" busybox
[ "$RC" = 0 ] || { echo "lite import failed: $ERR" >&2; exit 1; }
"$LITE" run --rm busybox true || exit 1 # warm up

# rate FILE : events in FILE over the span of their timeNano, per second
rate() {
	"$PY" -c '
import json, sys
t = [json.loads(l)["timeNano"] for l in open(sys.argv[1]) if l.strip()]
span = (max(t) - min(t)) / 1e9 if len(t) > 1 else 0
print("%d events in %.2f s: %.0f events/s" % (len(t), span, len(t) / span if span else 0))' "$1"
}

"$LITE" events --format '{{json .}}' >"$T/ev-run.json" &
EV=$!
sleep 0.3
t0=${EPOCHREALTIME/[.,]/}
pids=()
for i in $(seq "$P"); do "$LITE" run --rm busybox true & pids+=($!); done
wait "${pids[@]}"
t1=${EPOCHREALTIME/[.,]/}
sleep 0.5
kill "$EV"; wait "$EV" 2>/dev/null
echo "$P parallel 'lite run --rm busybox true' in $(( (t1 - t0) / 1000 )) ms"
echo "  lite events received: $(rate "$T/ev-run.json")"

"$LITE" events --filter type=volume --format '{{json .}}' >"$T/ev-vol.json" &
EV=$!
sleep 0.3
for i in $(seq "$V"); do echo "{\"id\":$i,\"method\":\"volume_create\",\"params\":{\"name\":\"bv$i\"}}"; done |
	"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
f = s.makefile("rw")
for l in sys.stdin:
    f.write(l); f.flush(); f.readline()' "$SOCK"
sleep 0.5
kill "$EV"; wait "$EV" 2>/dev/null
echo "$V volume_create on one connection"
echo "  lite events received: $(rate "$T/ev-vol.json")"
