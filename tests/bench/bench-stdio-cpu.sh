#!/bin/bash
# bench-stdio-cpu.sh — the engine's CPU time to carry 1 GiB of a container's
# stdout to an attached client (`lite run ... | wc -c`): the shim's user+sys
# time (from /proc/SHIM/stat just before it exits) and the client's
# (/usr/bin/time), with logging on and with --log-driver none. CPU seconds
# depend far less on a busy machine than MB/s do. Needs root.
#
#   tests/bench/bench-stdio-cpu.sh
LIB_NO_TAP=1
source "$(cd "$(dirname "$0")/.." && pwd)/integration/lib.sh"

measure() { # NAME RUN-FLAGS...
	local name=$1 bg shim="" i tck
	shift
	( /usr/bin/time -f "client CPU user %U s, sys %S s" -o "$T/time.$name" "$LITE" run --name "$name" "$@" testimg \
		sh -c 'sleep 1; dd if=/dev/zero bs=1M count=1024 2>/dev/null; sleep 2' | wc -c >/dev/null ) &
	bg=$!
	for i in $(seq 50); do
		shim=$(ps -eo pid,args | awk -v d="$(basename "$T")" '$2 ~ /lite-shim/ && index($0, d) { print $1 }' | tail -n 1)
		[ -n "$shim" ] && break
		sleep 0.1
	done
	# the last reading before the shim exits (the container sleeps its
	# last 2 s: nothing moves then), however long dd takes on a busy host
	: >"$T/stat.$name"
	while [ -n "$shim" ] && cat "/proc/$shim/stat" >"$T/stat.new" 2>/dev/null && [ -s "$T/stat.new" ]; do
		mv "$T/stat.new" "$T/stat.$name"
		sleep 0.2
	done
	tck=$(getconf CLK_TCK)
	awk -v t="$tck" -v n="$name" '{ printf "%-8s shim CPU %.2f s (user %.2f, sys %.2f); ", n, ($14 + $15) / t, $14 / t, $15 / t }' \
		"$T/stat.$name"
	wait "$bg"
	cat "$T/time.$name"
	"$LITE" rm -f "$name" >/dev/null 2>&1
}
echo "1 GiB (busybox dd bs=1M) through an attached lite run | wc -c:"
# the reference: what tee(1) costs to put the same GiB in a file and a pipe
/usr/bin/time -f "dd | tee FILE | wc -c, all three: CPU user %U s, sys %S s" -o "$T/time.tee" \
	sh -c "busybox dd if=/dev/zero bs=1M count=1024 2>/dev/null | tee '$T/tee.out' | wc -c >/dev/null"
rm -f "$T/tee.out"
measure logon
if "$LITE" run --rm --log-driver none testimg true >/dev/null 2>&1; then
	measure lognone --log-driver none
fi
cat "$T/time.tee"
done_testing >/dev/null
