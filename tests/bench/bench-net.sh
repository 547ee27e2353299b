#!/bin/bash
# bench-net.sh — what networking adds to a container's start: `lite run
# --rm busybox true` with --net bridge against --net none, interleaved, in
# a network namespace of the benchmark's own (LIB_NETNS=1). See README.md.
#
#   N=25 tests/bench/bench-net.sh
LIB_NO_TAP=1
LIB_NO_IMAGE=1
LIB_NETNS=1
source "$(cd "$(dirname "$0")/.." && pwd)/integration/lib.sh"
source "$(dirname "$0")/lib-bench.sh"

N=${N:-25}

bash "$MKROOTFS" "$T/busybox.tar" >"$T/mkrootfs.log" 2>&1 || { cat "$T/mkrootfs.log" >&2; exit 1; }
capture lite import "$T/busybox.tar" busybox
[ "$RC" = 0 ] || { echo "lite import failed: $ERR" >&2; exit 1; }


run_net() { "$LITE" run --rm --net "$1" busybox true; }
run_pub() { "$LITE" run --rm -p 80 busybox true; }

# warm up: the first bridge run creates lite0 and the nftables table
for m in bridge none; do
	run_net $m >/dev/null 2>&1 || { echo "lite run --net $m failed:" >&2; run_net $m; exit 1; }
done
run_pub >/dev/null 2>&1 || { echo "lite run -p 80 failed" >&2; exit 1; }

: >"$T/bridge.ms"; : >"$T/none.ms"; : >"$T/pub.ms"
for i in $(seq "$N"); do
	time_ms run_net bridge >>"$T/bridge.ms" || { echo "iteration $i: --net bridge failed" >&2; exit 1; }
	time_ms run_net none >>"$T/none.ms" || { echo "iteration $i: --net none failed" >&2; exit 1; }
	time_ms run_pub >>"$T/pub.ms" || { echo "iteration $i: -p 80 failed" >&2; exit 1; }
done
b=$(median <"$T/bridge.ms")
n=$(median <"$T/none.ms")
p=$(median <"$T/pub.ms")
echo "runs:                          $N each, interleaved"
echo "lite run --rm --net none:      median $n ms"
echo "lite run --rm --net bridge:    median $b ms"
echo "lite run --rm -p 80 (bridge):  median $p ms"
awk -v a="$b" -v b="$n" -v c="$p" 'BEGIN {
	printf "bridge - none:                 %+.2f ms per container (ratio %.2fx)\n", a - b, a / b
	printf "-p 80 - none:                  %+.2f ms per container (ratio %.2fx)\n", c - b, c / b }'
