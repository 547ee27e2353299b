#!/bin/bash
# bench-run.sh — container start-up cost of lite against a bare
# unshare+chroot on the same rootfs, and the resident memory of the daemon
# and of one shim. See README.md. Needs root.
#
#   N=25 tests/bench/bench-run.sh
LIB_NO_TAP=1
LIB_NO_IMAGE=1
source "$(cd "$(dirname "$0")/.." && pwd)/integration/lib.sh"
source "$(dirname "$0")/lib-bench.sh"

N=${N:-25}

bash "$MKROOTFS" "$T/busybox.tar" >"$T/mkrootfs.log" 2>&1 || { cat "$T/mkrootfs.log" >&2; exit 1; }
capture lite import "$T/busybox.tar" busybox
[ "$RC" = 0 ] || { echo "lite import failed: $ERR" >&2; exit 1; }
ROOTFS=$T/rootfs
mkdir -p "$ROOTFS"
tar -xf "$T/busybox.tar" -C "$ROOTFS"



run_lite() { "$LITE" run --rm busybox true; }
# a user namespace with idmapped layers: what every non-root caller's run does
run_userns() { "$LITE" run --rm --userns=auto busybox true; }
run_bare() { unshare --fork --pid --mount --uts --ipc --net chroot "$ROOTFS" /bin/true; }

# warm up caches once each
run_lite >/dev/null 2>&1 || { echo "lite run --rm busybox true failed:" >&2; run_lite; exit 1; }
run_bare || { echo "unshare+chroot failed" >&2; exit 1; }

: >"$T/lite.ms"
: >"$T/bare.ms"
: >"$T/userns.ms"
run_userns >/dev/null 2>&1 || { echo "lite run --rm --userns=auto busybox true failed:" >&2; run_userns; exit 1; }
for i in $(seq "$N"); do
	time_ms run_lite >>"$T/lite.ms" || { echo "iteration $i: lite run failed" >&2; exit 1; }
	time_ms run_userns >>"$T/userns.ms" || { echo "iteration $i: lite run --userns=auto failed" >&2; exit 1; }
	time_ms run_bare >>"$T/bare.ms" || { echo "iteration $i: unshare+chroot failed" >&2; exit 1; }
done
lite_med=$(median <"$T/lite.ms")
bare_med=$(median <"$T/bare.ms")
userns_med=$(median <"$T/userns.ms")

echo "runs:                                   $N each, interleaved"
echo "lite run --rm busybox true:             median $lite_med ms (min $(sort -n "$T/lite.ms" | head -n 1), max $(sort -n "$T/lite.ms" | tail -n 1))"
echo "lite run --rm --userns=auto busybox true: median $userns_med ms (min $(sort -n "$T/userns.ms" | head -n 1), max $(sort -n "$T/userns.ms" | tail -n 1))"
echo "unshare+chroot /bin/true (same rootfs): median $bare_med ms (min $(sort -n "$T/bare.ms" | head -n 1), max $(sort -n "$T/bare.ms" | tail -n 1))"
awk -v a="$lite_med" -v b="$bare_med" 'BEGIN { if (b > 0) printf "ratio lite/bare:                        %.1fx\n", a / b }'
awk -v a="$userns_med" -v b="$bare_med" 'BEGIN { if (b > 0) printf "ratio lite userns/bare:                 %.1fx\n", a / b }'

rss() { awk '/^VmRSS:/ { print $2 " " $3 }' "/proc/$1/status" 2>/dev/null; }
sleep 0.5
echo "daemon VmRSS (idle, pid $DAEMON_PID):     $(rss "$DAEMON_PID")"
capture lite run -d --name bench-rss busybox sleep 60
if [ "$RC" = 0 ] && wait_for 10 is_running bench-rss; then
	init=$(ifield bench-rss state.pid)
	shim=$(awk '/^PPid:/ { print $2 }' "/proc/$init/status" 2>/dev/null)
	echo "shim VmRSS (one -d sleep 60, pid $shim):  $(rss "$shim") ($(tr '\0' ' ' <"/proc/$shim/cmdline" | cut -c1-40)...)"
	echo "daemon VmRSS (one container running):   $(rss "$DAEMON_PID")"
else
	echo "could not start a -d container for the shim figure: $ERR" >&2
fi
lite rm -f bench-rss >/dev/null 2>&1
exit 0
