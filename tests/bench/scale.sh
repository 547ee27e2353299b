#!/bin/bash
# scale.sh — what the number of running containers costs: start latency,
# ps, inspect, stop, the daemon's resident memory and open fds at 0, 100,
# 300 and 1,000 running containers, and the time to remove them all. See
# README.md. Needs root.
#
#   LEVELS="0 100 300 1000" M=15 tests/bench/scale.sh
#
# The running containers are `lite run -d --net none busybox sleep 1000000`
# (lite-init as PID 1 is not used: a bare sleep is the cheapest process).
LIB_NO_TAP=1
LIB_NO_IMAGE=1
source "$(cd "$(dirname "$0")/.." && pwd)/integration/lib.sh"
source "$(dirname "$0")/lib-bench.sh"

LEVELS=${LEVELS:-0 100 300 1000}
M=${M:-15}          # timed runs of each operation at each level
PAR=${PAR:-4}       # parallel starts while filling up to a level
CPU_RUNS=${CPU_RUNS:-40} # starts in a row for the CPU per start

max=0
for l in $LEVELS; do [ "$l" -gt "$max" ] && max=$l; done
# each running container holds a shim and its sleep, and the daemon a few fds
nofile=$(ulimit -Hn)
nproc=$(ulimit -Hu)
if [ "$nofile" != unlimited ] && [ $((max * 4 + 200)) -gt "$nofile" ]; then
	echo "hard nofile limit $nofile is too low for $max containers" >&2; exit 1
fi
if [ "$nproc" != unlimited ] && [ $((max * 3 + 500)) -gt "$nproc" ]; then
	echo "hard nproc limit $nproc is too low for $max containers" >&2; exit 1
fi
pid_max=$(cat /proc/sys/kernel/pid_max)
[ $((max * 3 + 1000)) -lt "$pid_max" ] || { echo "kernel.pid_max $pid_max is too low" >&2; exit 1; }

bash "$MKROOTFS" "$T/busybox.tar" >"$T/mkrootfs.log" 2>&1 || { cat "$T/mkrootfs.log" >&2; exit 1; }
capture lite import "$T/busybox.tar" busybox
[ "$RC" = 0 ] || { echo "lite import failed: $ERR" >&2; exit 1; }
"$LITE" run --rm busybox true >/dev/null 2>&1 || { echo "lite run failed" >&2; exit 1; }

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
nfds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
# fill N : start containers until N are running (named scale-1 ... scale-N)
running=0
fill() {
	[ "$1" -gt "$running" ] || return 0
	seq $((running + 1)) "$1" | xargs -P "$PAR" -I{} \
		"$LITE" run -d --net none --name scale-{} busybox sleep 1000000 >/dev/null 2>"$T/fill.err" ||
		{ echo "starting containers failed: $(head -n 3 "$T/fill.err")" >&2; exit 1; }
	running=$1
}
# stat FILE : "median (min-max)" in ms
stat() { printf '%s (%s-%s)' "$(median <"$1")" "$(sort -n "$1" | head -n 1)" "$(sort -n "$1" | tail -n 1)"; }

PERF=
command -v perf >/dev/null && perf stat -x, -e task-clock -o /dev/null true 2>/dev/null && PERF=1
run_true() { "$LITE" run --rm --net none busybox true; }
stop_one() { "$LITE" stop "$1"; }

printf '| running | start `run --rm true` ms | start CPU ms | `ps` ms | `ps -q` ms | `inspect` ms | `stop` ms | daemon VmRSS kB | bytes per container | daemon fds | shim VmRSS kB |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
rss0=
for level in $LEVELS; do
	fill "$level"
	sleep 1
	: >"$T/start.ms"; : >"$T/ps.ms"; : >"$T/psq.ms"; : >"$T/inspect.ms"; : >"$T/stop.ms"
	ref=scale-1; [ "$level" -gt 0 ] || { "$LITE" run -d --net none --name scale-ref busybox sleep 1000000 >/dev/null; ref=scale-ref; }
	for i in $(seq "$M"); do
		time_ms run_true >>"$T/start.ms" || { echo "run --rm true failed at $level" >&2; exit 1; }
		time_ms "$LITE" ps >>"$T/ps.ms"
		time_ms "$LITE" ps -q >>"$T/psq.ms"
		time_ms "$LITE" inspect "$ref" >>"$T/inspect.ms"
		# stop: a container with lite-init as PID 1 so SIGTERM ends it at once
		"$LITE" run -d --init --net none --name scale-stop busybox sleep 1000000 >/dev/null
		time_ms stop_one scale-stop >>"$T/stop.ms"
		"$LITE" rm -f scale-stop >/dev/null 2>&1
	done
	[ "$ref" = scale-ref ] && "$LITE" rm -f scale-ref >/dev/null 2>&1
	# CPU per start: perf's task-clock of the daemon with the shims and
	# inits it forks, over CPU_RUNS starts in a row (CPU time is what a
	# noisy host inflates least); "–" without a working perf
	cpu="–"
	if [ -n "$PERF" ]; then
		perf stat -x, -e task-clock -o "$T/cpu-d" -p "$DAEMON_PID" >/dev/null 2>&1 &
		perf_pid=$!
		sleep 0.3
		for i in $(seq "$CPU_RUNS"); do run_true >/dev/null 2>&1; done
		sleep 0.3
		kill -INT "$perf_pid"; wait "$perf_pid"
		cpu=$(awk -F, -v n="$CPU_RUNS" '/task-clock/ { printf "%.2f", $1 / n }' "$T/cpu-d")
	fi
	shim=
	if [ "$level" -gt 0 ]; then
		init=$("$LITE" inspect -f "{{.State.Pid}}" scale-1)
		shim=$(awk '/^PPid:/ { print $2 }' "/proc/$init/status" 2>/dev/null)
	fi
	# the daemon's memory once idle: after IDLE_TRIM_S (idle-trim.c) without
	# a request; bytes per container against the lowest level's (0 running)
	sleep 6
	rss=$(rss_kb "$DAEMON_PID")
	[ -n "$rss0" ] || { rss0=$rss; lvl0=$level; }
	per=
	[ "$level" -gt "$lvl0" ] && per=$(( (rss - rss0) * 1024 / (level - lvl0) ))
	printf '| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$level" "$(stat "$T/start.ms")" "$cpu" \
		"$(stat "$T/ps.ms")" "$(stat "$T/psq.ms")" "$(stat "$T/inspect.ms")" "$(stat "$T/stop.ms")" \
		"$rss" "$per" "$(nfds "$DAEMON_PID")" "${shim:+$(rss_kb "$shim")}"
done

# remove them all in one command
t0=${EPOCHREALTIME/[.,]/}
"$LITE" ps -q | xargs -r "$LITE" rm -f >/dev/null 2>"$T/rm.err" || { echo "rm -f failed: $(head -n 3 "$T/rm.err")" >&2; }
t1=${EPOCHREALTIME/[.,]/}
sleep 1
rss_busy=$(rss_kb "$DAEMON_PID")
sleep 6 # the daemon's idle trim (idle-trim.c), 5 s after the last request
echo
echo "removing $running running containers (\`lite ps -q | xargs lite rm -f\`): $(( (t1 - t0) / 1000 )) ms"
echo "daemon after removal: VmRSS $rss_busy kB 1 s after, $(rss_kb "$DAEMON_PID") kB idle (7 s after), $(nfds "$DAEMON_PID") fds, $("$LITE" ps -aq | wc -l) containers left"
exit 0
