#!/bin/bash
# bench-stdio.sh — (a) stdout throughput of an attached `lite run` against
# the same pipe without the engine; (b) `lite exec NAME true` latency
# against `nsenter` into the same container. See README.md. Needs root.
#
#   SIZE=1G N=25 R=5 tests/bench/bench-stdio.sh
#   ONLY=c tests/bench/bench-stdio.sh      just (c); BUILDDIR=OTHER/build to
#                                          measure another build the same way
# (c) is issue 14's logging comparison: dd bs=1M with logging against
# `dd | tee FILE`, and with --log-driver none against the plain pipe.
LIB_NO_TAP=1
LIB_NO_IMAGE=1
source "$(cd "$(dirname "$0")/.." && pwd)/integration/lib.sh"
source "$(dirname "$0")/lib-bench.sh"

SIZE=${SIZE:-1G}	# bytes through the pipe: a number with an optional K/M/G (IEC)
BYTES=$(numfmt --from=iec "$SIZE") || exit 1	# busybox head takes no G suffix
N=${N:-25}		# exec runs

bash "$MKROOTFS" "$T/busybox.tar" >"$T/mkrootfs.log" 2>&1 || { cat "$T/mkrootfs.log" >&2; exit 1; }
capture lite import "$T/busybox.tar" busybox
[ "$RC" = 0 ] || { echo "lite import failed: $ERR" >&2; exit 1; }

us_now() { echo "${EPOCHREALTIME/[.,]/}"; }
ONLY=${ONLY:-abc}	# which parts: a (throughput), b (exec latency), c (dd, paired)

# ---------------------------------------------------------------- (a) throughput

# pipe_mbs CMD... : run `CMD | wc -c`; print "BYTES MB/s SECS"
pipe_mbs() {
	local t0 t1 n
	t0=$(us_now)
	n=$("$@" </dev/null | wc -c)
	t1=$(us_now)
	awk -v n="$n" -v us=$((t1 - t0)) 'BEGIN { printf "%d %.0f %.2f\n", n, n / 1e6 / (us / 1e6), us / 1e6 }'
}
lite_head() { timeout 600 "$LITE" run --rm busybox head -c "$BYTES" /dev/zero; }
# "the same pipe without the engine": the same busybox head the container runs
bare_head() { busybox head -c "$BYTES" /dev/zero; }
gnu_head() { head -c "$BYTES" /dev/zero; }

[ "$("$LITE" run --rm busybox head -c 1000 /dev/zero </dev/null | wc -c)" = 1000 ] || { echo "lite run --rm busybox head failed" >&2; exit 1; }
if [[ $ONLY == *a* ]]; then
read -r lb lmbs lsec < <(pipe_mbs lite_head)
read -r bb bmbs bsec < <(pipe_mbs bare_head)
read -r gb gmbs gsec < <(pipe_mbs gnu_head)
[ "$lb" = "$bb" ] || echo "warning: byte counts differ: lite $lb, bare $bb" >&2

echo "(a) stdout throughput, $SIZE = $bb bytes, through | wc -c"
echo "lite run --rm busybox head -c $SIZE /dev/zero: $lmbs MB/s ($lsec s, $lb bytes)"
echo "busybox head -c $SIZE /dev/zero (no engine):  $bmbs MB/s ($bsec s)"
awk -v a="$lmbs" -v b="$bmbs" 'BEGIN { if (b > 0) printf "lite / same pipe without the engine:          %.2f (target >= 0.5)\n", a / b }'
echo "GNU head -c $SIZE /dev/zero (no engine):      $gmbs MB/s ($gsec s) - a faster producer, for scale"
t0=$(us_now)
"$LITE" run --rm busybox head -c 0 /dev/zero </dev/null | wc -c >/dev/null
t1=$(us_now)
awk -v us=$((t1 - t0)) -v s="$lsec" -v n="$lb" 'BEGIN { f = us / 1e6; if (s > f) printf "of which fixed cost (run --rm, 0 bytes):      %.2f s; stream alone: %.0f MB/s\n", f, n / 1e6 / (s - f) }'
fi

# ---------------------------------------------------------------- (c) dd bs=1M, paired

# issue 14: busybox dd bs=1M through stdout, R rounds of A B C D (paired):
# A lite with logging (the default local driver), B dd | tee FILE | wc -c,
# C lite --log-driver none, D the plain pipe dd | wc -c. Medians and the
# targets A/B >= 0.9, C/D >= 0.9.
R=${R:-5}
if [[ $ONLY == *c* ]]; then
COUNT=$((BYTES / 1048576))
dd_lite() { timeout 600 "$LITE" run --rm busybox dd if=/dev/zero bs=1M count="$COUNT" 2>/dev/null; }
dd_lite_none() { timeout 600 "$LITE" run --rm --log-driver none busybox dd if=/dev/zero bs=1M count="$COUNT" 2>/dev/null; }
dd_tee() { busybox dd if=/dev/zero bs=1M count="$COUNT" 2>/dev/null | tee "$T/tee.out"; }
dd_pipe() { busybox dd if=/dev/zero bs=1M count="$COUNT" 2>/dev/null; }
none_ok=1
[ "$("$LITE" run --rm --log-driver none busybox true 2>&1)" = "" ] || none_ok=0
: >"$T/dd.A"; : >"$T/dd.B"; : >"$T/dd.C"; : >"$T/dd.D"; : >"$T/dd.E"
for i in $(seq "$R"); do
	read -r n m _ < <(pipe_mbs dd_lite); echo "$m" >>"$T/dd.A"
	[ "$n" = "$((COUNT * 1048576))" ] || echo "warning: lite run dd (logging on) gave $n bytes" >&2
	read -r _ m _ < <(pipe_mbs dd_tee); echo "$m" >>"$T/dd.B"
	rm -f "$T/tee.out"
	if [ "$none_ok" = 1 ]; then
		read -r n m _ < <(pipe_mbs dd_lite_none); echo "$m" >>"$T/dd.C"
		[ "$n" = "$((COUNT * 1048576))" ] || echo "warning: lite run --log-driver none dd gave $n bytes" >&2
	fi
	read -r _ m _ < <(pipe_mbs dd_pipe); echo "$m" >>"$T/dd.D"
	t0=$(us_now); "$LITE" run --rm busybox dd if=/dev/zero bs=1M count=0 </dev/null 2>/dev/null | wc -c >/dev/null; t1=$(us_now)
	echo $((t1 - t0)) >>"$T/dd.E"	# the fixed cost: start and removal, 0 bytes
done
mA=$(median <"$T/dd.A"); mB=$(median <"$T/dd.B"); mD=$(median <"$T/dd.D")
# per-round ratios: each round's runs follow each other, so their ratio
# holds when the machine's speed drifts between rounds (shared hosts)
pair_ratio() { paste "$1" "$2" | awk '$2 > 0 { printf "%.3f\n", $1 / $2 }' | median; }
echo
echo "(c) busybox dd bs=1M count=$COUNT through stdout | wc -c, $R paired rounds, median MB/s"
echo "lite run --rm busybox dd (logging on):      $mA   [$(tr '\n' ' ' <"$T/dd.A")]"
echo "dd | tee FILE | wc -c:                      $mB   [$(tr '\n' ' ' <"$T/dd.B")]"
awk -v a="$mA" -v b="$mB" 'BEGIN { printf "logging on / tee FILE:                      %.2f (target >= 0.90)\n", a / b }'
echo "logging on / tee FILE, median of the rounds' ratios: $(pair_ratio "$T/dd.A" "$T/dd.B")"
if [ "$none_ok" = 1 ]; then
	mC=$(median <"$T/dd.C")
	echo "lite run --rm --log-driver none busybox dd: $mC   [$(tr '\n' ' ' <"$T/dd.C")]"
	echo "dd | wc -c (plain pipe):                    $mD   [$(tr '\n' ' ' <"$T/dd.D")]"
	awk -v a="$mC" -v b="$mD" 'BEGIN { printf "--log-driver none / plain pipe:             %.2f (target >= 0.90)\n", a / b }'
	echo "--log-driver none / plain pipe, median of the rounds' ratios: $(pair_ratio "$T/dd.C" "$T/dd.D")"
else
	echo "dd | wc -c (plain pipe):                    $mD; --log-driver none: not supported by this build"
fi
# the same without the container's start and removal (a 0-byte run, same rounds)
mE=$(median <"$T/dd.E")
awk -v us="$mE" -v a="$mA" -v c="${mC:-0}" -v b="$mB" -v d="$mD" -v n="$((COUNT * 1048576))" 'BEGIN {
	f = us / 1e6; printf "fixed cost (run --rm, 0 bytes), median:     %.3f s\n", f
	if (n / 1e6 / a <= f) exit
	sa = n / 1e6 / (n / 1e6 / a - f); printf "stream alone, logging on:                   %.0f MB/s (/ tee FILE %.2f)\n", sa, sa / b
	if (c > 0 && n / 1e6 / c > f) { sc = n / 1e6 / (n / 1e6 / c - f); printf "stream alone, --log-driver none:            %.0f MB/s (/ plain pipe %.2f)\n", sc, sc / d } }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

# ---------------------------------------------------------------- (b) exec latency
[[ $ONLY == *b* ]] || exit 0

capture lite run -d --name bench-exec busybox sleep 100000
[ "$RC" = 0 ] && wait_for 10 is_running bench-exec || { echo "could not start bench-exec: $ERR" >&2; exit 1; }
PID=$(ifield bench-exec state.pid)

exec_lite() { "$LITE" exec bench-exec true; }
exec_nsenter() { nsenter -t "$PID" -m -u -i -n -p true; }

exec_lite || { echo "lite exec bench-exec true failed" >&2; exit 1; }
exec_nsenter || { echo "nsenter -t $PID failed" >&2; exit 1; }
: >"$T/lite.ms"
: >"$T/ns.ms"
for i in $(seq "$N"); do
	time_ms exec_lite >>"$T/lite.ms" || { echo "iteration $i: lite exec failed" >&2; exit 1; }
	time_ms exec_nsenter >>"$T/ns.ms" || { echo "iteration $i: nsenter failed" >&2; exit 1; }
done
lm=$(median <"$T/lite.ms")
nm=$(median <"$T/ns.ms")
echo
echo "(b) exec latency, $N runs each, interleaved, same container (init pid $PID)"
echo "lite exec bench-exec true:                 median $lm ms (min $(sort -n "$T/lite.ms" | head -n 1), max $(sort -n "$T/lite.ms" | tail -n 1))"
echo "nsenter -t PID -m -u -i -n -p true:        median $nm ms (min $(sort -n "$T/ns.ms" | head -n 1), max $(sort -n "$T/ns.ms" | tail -n 1))"
awk -v a="$lm" -v b="$nm" 'BEGIN { if (b > 0) printf "ratio lite/nsenter:                        %.1fx\n", a / b }'
lite rm -f bench-exec >/dev/null 2>&1
exit 0
