#!/bin/bash
# compare.sh — lite against crun, runc, Podman and Docker (each where
# installed) on the same busybox rootfs, every start paired with the floor
# `unshare --fork --pid --mount --uts --ipc --net chroot ROOTFS /bin/true`
# (A B A B ...). Prints one Markdown table. See README.md. Needs root.
#
#   N=15 PAR=50 SIZE_MB=1024 PSN=20 ENGINES="lite crun runc podman docker" tests/bench/compare.sh
#
# Everything lives under one temp dir and one network namespace (lib.sh's
# LIB_NETNS=1): lite's private daemon, crun's and runc's state roots,
# Podman's store, a private dockerd; all removed at the end.
LIB_NO_TAP=1
LIB_NO_IMAGE=1
LIB_NETNS=1
source "$(cd "$(dirname "$0")/.." && pwd)/integration/lib.sh"
source "$(dirname "$0")/lib-bench.sh"

N=${N:-15}              # paired rounds for start times and ps
PAR=${PAR:-50}          # containers started at once
SIZE_MB=${SIZE_MB:-1024} # MiB through stdout
PSN=${PSN:-20}          # running containers for ps and RSS
REPS=${REPS:-3}         # rounds of the burst and throughput runs
ENGINES=${ENGINES:-lite crun runc podman docker}

bash "$MKROOTFS" "$T/busybox.tar" >"$T/mkrootfs.log" 2>&1 || { cat "$T/mkrootfs.log" >&2; exit 1; }
capture lite import "$T/busybox.tar" busybox
[ "$RC" = 0 ] || { echo "lite import failed: $ERR" >&2; exit 1; }
ROOTFS=$T/rootfs
mkdir -p "$ROOTFS"
tar -xf "$T/busybox.tar" -C "$ROOTFS"

declare -A SKIP CMD_NONE CMD_BRIDGE CMD_DD CMD_DD_NOLOG CMD_PS CMD_BG
floor() { unshare --fork --pid --mount --uts --ipc --net chroot "$ROOTFS" "$@"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
ppid_of() { awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
SEQ=0

# ------------------------------------------------------------ engines
setup_lite() {
	CMD_NONE[lite]="$LITE run --rm --net none busybox true"
	CMD_BRIDGE[lite]="$LITE run --rm busybox true"
	CMD_DD[lite]="$LITE run --rm --net none busybox dd if=/dev/zero bs=1M count=$SIZE_MB"
	if "$LITE" run --help 2>&1 | grep -q -- '--log-driver'; then
		CMD_DD_NOLOG[lite]="$LITE run --rm --net none --log-driver none busybox dd if=/dev/zero bs=1M count=$SIZE_MB"
	fi
	CMD_PS[lite]="$LITE ps"
	CMD_BG[lite]="$LITE run -d --net none busybox sleep 1000000"
}

# an OCI bundle on the shared rootfs (read-only root, so runs do not mix)
make_bundle() { # DIR ARGS...
	local dir=$1; shift
	mkdir -p "$dir"
	(cd "$dir" && crun spec 2>/dev/null || runc spec) || return 1
	"$PY" - "$dir/config.json" "$ROOTFS" "$@" <<-'EOF'
	import json, sys
	p, rootfs, args = sys.argv[1], sys.argv[2], sys.argv[3:]
	c = json.load(open(p))
	c["root"] = {"path": rootfs, "readonly": True}
	c["process"]["args"] = args
	c["process"]["terminal"] = False
	json.dump(c, open(p, "w"))
	EOF
}

# crun 1.8 refuses hybrid cgroups: run it where /sys/fs/cgroup/unified is unmounted
CRUN_NS=()
setup_crun() {
	command -v crun >/dev/null || return 1
	make_bundle "$T/bundle-true" /bin/true && make_bundle "$T/bundle-dd" dd if=/dev/zero bs=1M count="$SIZE_MB" &&
		make_bundle "$T/bundle-sleep" sleep 1000000 || return 1
	if mountpoint -q /sys/fs/cgroup/unified; then
		unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified && exec sleep 1000000' &
		CRUN_HOLDER=$!
		sleep 0.3
		CRUN_NS=(nsenter -t "$CRUN_HOLDER" -m --)
	fi
	local c="${CRUN_NS[*]} crun --root $T/crun-state"
	CMD_NONE[crun]="$c run --bundle $T/bundle-true @ID"
	CMD_DD[crun]="$c run --bundle $T/bundle-dd @ID"
	CMD_PS[crun]="$c list"
	CMD_BG[crun]="$c run -d --bundle $T/bundle-sleep @ID"
}
setup_runc() {
	command -v runc >/dev/null || return 1
	[ -d "$T/bundle-true" ] || { make_bundle "$T/bundle-true" /bin/true && make_bundle "$T/bundle-dd" dd if=/dev/zero bs=1M count="$SIZE_MB" &&
		make_bundle "$T/bundle-sleep" sleep 1000000; } || return 1
	local c="runc --root $T/runc-state"
	CMD_NONE[runc]="$c run --bundle $T/bundle-true @ID"
	CMD_DD[runc]="$c run --bundle $T/bundle-dd @ID"
	CMD_PS[runc]="$c list"
	CMD_BG[runc]="$c run -d --bundle $T/bundle-sleep @ID"
}
# Podman here needs the ulimits (its defaults exceed the hard limits) and runc
setup_podman() {
	command -v podman >/dev/null || return 1
	PODMAN="nsenter --net=/proc/$NETNS_PID/ns/net -- podman --root $T/podman/root --runroot $T/podman/run --storage-driver vfs --cgroup-manager cgroupfs --events-backend file --runtime runc"
	$PODMAN import "$T/busybox.tar" localhost/cmpbusybox >/dev/null 2>"$T/podman.err" || { echo "podman import: $(tail -n 1 "$T/podman.err")" >&2; return 1; }
	local r="$PODMAN run --rm --ulimit nofile=20000:20000 --ulimit nproc=32768:32768"
	CMD_NONE[podman]="$r --network none localhost/cmpbusybox true"
	CMD_BRIDGE[podman]="$r localhost/cmpbusybox true"
	CMD_DD[podman]="$r --network none localhost/cmpbusybox dd if=/dev/zero bs=1M count=$SIZE_MB"
	CMD_PS[podman]="$PODMAN ps"
	CMD_BG[podman]="$PODMAN run -d --ulimit nofile=20000:20000 --ulimit nproc=32768:32768 --network none localhost/cmpbusybox sleep 1000000"
}
setup_docker() {
	command -v dockerd >/dev/null && command -v docker >/dev/null || return 1
	in_ns dockerd --data-root "$T/docker" --exec-root "$T/docker-run" -H "unix://$T/docker.sock" \
		--pidfile "$T/docker.pid" >"$T/dockerd.log" 2>&1 &
	DOCKERD_PID=$!
	DOCKER="docker -H unix://$T/docker.sock"
	wait_for 30 $DOCKER info || { echo "dockerd did not start (see $T/dockerd.log)" >&2; return 1; }
	$DOCKER import "$T/busybox.tar" cmpbusybox >/dev/null || return 1
	CMD_NONE[docker]="$DOCKER run --rm --network none cmpbusybox true"
	CMD_BRIDGE[docker]="$DOCKER run --rm cmpbusybox true"
	CMD_DD[docker]="$DOCKER run --rm --network none cmpbusybox dd if=/dev/zero bs=1M count=$SIZE_MB"
	CMD_PS[docker]="$DOCKER ps"
	CMD_BG[docker]="$DOCKER run -d --network none cmpbusybox sleep 1000000"
}
cleanup_engines() {
	local id
	for rt in crun runc; do
		[ -d "$T/$rt-state" ] || continue
		for id in $(ls "$T/$rt-state" 2>/dev/null); do
			if [ $rt = crun ]; then ${CRUN_NS[@]+"${CRUN_NS[@]}"} crun --root "$T/crun-state" delete -f "$id"; else runc --root "$T/runc-state" delete -f "$id"; fi
		done >/dev/null 2>&1
	done
	[ -n "${CRUN_HOLDER:-}" ] && kill "$CRUN_HOLDER" 2>/dev/null
	# crun and runc put a container's cgroup at each hierarchy's root, by id
	for id in /sys/fs/cgroup/cmp-$$-* /sys/fs/cgroup/*/cmp-$$-*; do [ -d "$id" ] && rmdir "$id"; done 2>/dev/null
	if [ -n "${PODMAN:-}" ]; then
		$PODMAN rm -af -t 0 >/dev/null 2>&1
		grep -o " $T/podman[^ ]*" /proc/mounts | sort -r | xargs -r umount -l 2>/dev/null
	fi
	if [ -n "${DOCKERD_PID:-}" ]; then
		$DOCKER rm -f $($DOCKER ps -aq) >/dev/null 2>&1
		kill "$DOCKERD_PID" 2>/dev/null; wait "$DOCKERD_PID" 2>/dev/null
		grep -o " $T/docker[^ ]*" /proc/mounts | sort -r | xargs -r umount -l 2>/dev/null
	fi
	return 0
}
LIB_CLEANUP_HOOKS+=(cleanup_engines)

ACTIVE=()
for e in $ENGINES; do
	if "setup_$e" 2>>"$T/setup.err"; then ACTIVE+=("$e"); else SKIP[$e]=1; fi
done
# mkcmd TEMPLATE: CMD = the command with a fresh container id for @ID (no
# subshell: the counter must advance)
mkcmd() { SEQ=$((SEQ + 1)); CMD=${1//@ID/cmp-$$-$BASHPID-$SEQ}; }
run_cmd() { eval "$1"; }

# a first run of each (caches, image unpacking), and drop what fails
for e in "${ACTIVE[@]}"; do
	mkcmd "${CMD_NONE[$e]}"
	run_cmd "$CMD" >/dev/null 2>"$T/first-$e.err" ||
		{ echo "$e: first run failed: $(tail -n 2 "$T/first-$e.err")" >&2; SKIP[$e]=1; }
done
floor /bin/true || { echo "unshare+chroot failed" >&2; exit 1; }
act() { local e; for e in "${ACTIVE[@]}"; do [ -z "${SKIP[$e]:-}" ] && echo "$e"; done; }

# ------------------------------------------------------------ measures
# paired KIND: for each engine with such a command, N rounds of floor, engine
paired() {
	local kind=$1 e i c f t
	local -n cmds="CMD_$kind"
	: >"$T/floor-$kind.ms"
	for e in $(act); do : >"$T/$e-$kind.ms"; : >"$T/$e-$kind.ratio"; done
	for i in $(seq "$N"); do
		for e in $(act); do
			[ -n "${cmds[$e]:-}" ] || continue
			mkcmd "${cmds[$e]}"; c=$CMD
			f=$(time_ms floor /bin/true)
			t=$(time_ms run_cmd "$c") || { echo "$e $kind run failed: $c" >&2; continue; }
			echo "$f" >>"$T/floor-$kind.ms"
			echo "$t" >>"$T/$e-$kind.ms"
			awk -v a="$t" -v b="$f" 'BEGIN { if (b > 0) printf "%.3f\n", a / b }' >>"$T/$e-$kind.ratio"
		done
	done
}
cell_ms() { [ -s "$1" ] && printf '%s ms (×%s)' "$(median <"$1")" "$(median <"$2")" || printf 'failed'; }

declare -A ROW
fill_row() { # KEY CELL-FUNC
	local key=$1 e; shift
	for e in $ENGINES; do
		if [ -n "${SKIP[$e]:-}" ]; then ROW[$key,$e]=skipped; else ROW[$key,$e]=$("$@" "$e"); fi
	done
}

echo "# start, --net none ($N paired rounds)" >&2
paired NONE
ROW[none,floor]="$(median <"$T/floor-NONE.ms") ms (×1)"
echo "# start, default bridge" >&2
paired BRIDGE
ROW[bridge,floor]="–"
start_cell() { local k=$1 e=$2; local -n cmds="CMD_$k"; [ -n "${cmds[$e]:-}" ] || { echo "–"; return; }; cell_ms "$T/$e-$k.ms" "$T/$e-$k.ratio"; }
fill_row none start_cell NONE
fill_row bridge start_cell BRIDGE

# CPU per start (perf's task-clock: CPU time, which a busy machine
# inflates far less than wall time): each run's command with everything
# it forks, and for lite the daemon with the shim and init it forks,
# counted over the same N runs; the floor the same way.
cpu_runs() { # CMD-TEMPLATE : the summed task-clock of N runs, ms
	local i
	: >"$T/cpu-sum"
	for i in $(seq "$N"); do
		mkcmd "$1"
		# shellcheck disable=SC2086 # the command's words
		perf stat -x, -e task-clock -o "$T/cpu-1" -- $CMD >/dev/null 2>&1 </dev/null
		awk -F, '/task-clock/ { print $1 }' "$T/cpu-1" >>"$T/cpu-sum"
	done
	awk '{ s += $1 } END { printf "%.2f\n", s }' "$T/cpu-sum"
}
cpu_cell() {
	local e=$1 sum dsum=0 dp=
	[ -n "$FLOOR_CPU" ] || { echo "–"; return; }
	if [ "$e" = lite ]; then
		perf stat -x, -e task-clock -o "$T/cpu-d" -p "$DAEMON_PID" >/dev/null 2>&1 &
		dp=$!
		sleep 0.3
	fi
	sum=$(cpu_runs "${CMD_NONE[$e]}")
	if [ -n "$dp" ]; then
		sleep 0.3
		kill -INT "$dp"; wait "$dp"
		dsum=$(awk -F, '/task-clock/ { print $1 }' "$T/cpu-d")
	fi
	awk -v s="$sum" -v d="${dsum:-0}" -v n="$N" -v f="$FLOOR_CPU" 'BEGIN { printf "%.2f ms (×%.2f)", (s + d) / n, (s + d) / n / f }'
}
FLOOR_CPU=
ROW[cpu,floor]="–"
if command -v perf >/dev/null && perf stat -x, -e task-clock -o /dev/null true 2>/dev/null; then
	echo "# CPU per start" >&2
	FLOOR_CPU=$(cpu_runs "unshare --fork --pid --mount --uts --ipc --net chroot $ROOTFS /bin/true" | awk -v n="$N" '{ printf "%.3f", $1 / n }')
	ROW[cpu,floor]="$FLOOR_CPU ms (×1)"
fi
fill_row cpu cpu_cell

# PAR at once: containers/s, median of REPS bursts
burst() { # CMD-TEMPLATE
	local t0 t1 i
	for i in $(seq "$PAR"); do mkcmd "$1"; echo "$CMD"; done >"$T/burst.cmds"
	t0=${EPOCHREALTIME/[.,]/}
	xargs -P "$PAR" -I{} sh -c '{} >/dev/null 2>&1' <"$T/burst.cmds"
	t1=${EPOCHREALTIME/[.,]/}
	awk -v n="$PAR" -v us=$((t1 - t0)) 'BEGIN { printf "%.0f\n", n / (us / 1e6) }'
}
echo "# $PAR at once" >&2
: >"$T/floor-burst"
for r in $(seq "$REPS"); do burst "unshare --fork --pid --mount --uts --ipc --net chroot $ROOTFS /bin/true" >>"$T/floor-burst"; done
ROW[burst,floor]="$(median <"$T/floor-burst")/s"
burst_cell() { local e=$1 r; : >"$T/$e-burst"; for r in $(seq "$REPS"); do burst "${CMD_NONE[$e]}" >>"$T/$e-burst"; done; echo "$(median <"$T/$e-burst")/s"; }
fill_row burst burst_cell

# stdout throughput: MB/s (10^6 bytes) of SIZE_MB MiB into wc -c
BYTES=$((SIZE_MB * 1048576))
thru() { # CMD: median MB/s over REPS
	local r t0 t1 got
	: >"$T/thru"
	for r in $(seq "$REPS"); do
		t0=${EPOCHREALTIME/[.,]/}
		got=$(eval "$1" 2>/dev/null | wc -c)
		t1=${EPOCHREALTIME/[.,]/}
		[ "$got" = "$BYTES" ] || { echo "short: $got bytes" >>"$T/thru.err"; continue; }
		awk -v b="$BYTES" -v us=$((t1 - t0)) 'BEGIN { printf "%.0f\n", b / us }' >>"$T/thru"
	done
	[ -s "$T/thru" ] && echo "$(median <"$T/thru") MB/s" || echo failed
}
echo "# stdout throughput, $SIZE_MB MiB" >&2
# the floor: the rootfs's (static) busybox dd on the host, into a plain pipe and through tee FILE
DD="$ROOTFS/bin/busybox dd if=/dev/zero bs=1M count=$SIZE_MB"
ROW[dd,floor]="pipe $(thru "$DD"); tee FILE $(thru "$DD | tee $T/tee.out")"
rm -f "$T/tee.out"
dd_cell() { local e=$1; [ -n "${CMD_DD[$e]:-}" ] || { echo "–"; return; }; mkcmd "${CMD_DD[$e]}"; thru "$CMD"; }
ddn_cell() { local e=$1; [ -n "${CMD_DD_NOLOG[$e]:-}" ] || { echo "–"; return; }; mkcmd "${CMD_DD_NOLOG[$e]}"; thru "$CMD"; }
fill_row dd dd_cell
ROW[ddn,floor]="–"
fill_row ddn ddn_cell

# PSN running: ps time, daemon and monitor RSS
echo "# ps with $PSN running" >&2
ps_cell() {
	local e=$1 i
	for i in $(seq "$PSN"); do mkcmd "${CMD_BG[$e]}"; run_cmd "$CMD" </dev/null >/dev/null 2>&1; done
	: >"$T/$e-ps.ms"
	for i in $(seq "$N"); do time_ms run_cmd "${CMD_PS[$e]}" >>"$T/$e-ps.ms"; done
	echo "$(median <"$T/$e-ps.ms") ms"
}
ROW[ps,floor]="–"
fill_row ps ps_cell

# daemon RSS (with PSN running) and the RSS of one container's monitor
mem_cell() {
	local e=$1 pid mon
	case $e in
	lite)
		pid=$("$LITE" ps -q | head -n 1)
		mon=$(ppid_of "$("$LITE" inspect -f "{{.State.Pid}}" "$pid")")
		echo "daemon $(rss_kb "$DAEMON_PID") kB; shim $(rss_kb "$mon") kB" ;;
	podman)
		pid=$($PODMAN ps -q | head -n 1)
		mon=$($PODMAN inspect --format '{{.State.ConmonPid}}' "$pid" 2>/dev/null)
		echo "no daemon; conmon $(rss_kb "$mon") kB" ;;
	docker)
		pid=$($DOCKER inspect --format '{{.State.Pid}}' "$($DOCKER ps -q | head -n 1)")
		echo "dockerd $(rss_kb "$(cat "$T/docker.pid")") kB + containerd $(rss_kb "$(pgrep -n -x containerd)") kB; shim $(rss_kb "$(ppid_of "$pid")") kB" ;;
	*) echo "no daemon, no monitor" ;;
	esac
}
ROW[mem,floor]="–"
fill_row mem mem_cell

# ------------------------------------------------------------ table
hdr="| measure | floor / limit |"; sep="|---|---|"
for e in $ENGINES; do hdr+=" $e |"; sep+="---|"; done
echo "$hdr"; echo "$sep"
row() { # KEY LABEL
	local line="| $2 | ${ROW[$1,floor]} |" e
	for e in $ENGINES; do line+=" ${ROW[$1,$e]:-–} |"; done
	echo "$line"
}
row none "start, \`run --rm --net none true\`: median (× paired floor)"
row bridge "start on the default bridge (× paired floor)"
row cpu "CPU per \`run --rm --net none true\` (perf task-clock; lite: client + daemon + shim + init), × floor's"
row burst "$PAR \`run --rm true\` at once (xargs -P $PAR), containers/s"
row dd "${SIZE_MB} MiB through stdout (busybox dd bs=1M \| wc -c), logging on"
row ddn "the same with \`--log-driver none\`"
row ps "\`ps\` with $PSN running, median"
row mem "VmRSS with $PSN running"
echo
echo "floor: \`unshare --fork --pid --mount --uts --ipc --net chroot ROOTFS /bin/true\`; $N paired rounds; crun/runc run the same rootfs as an OCI bundle; crun without stdout logging (stdio inherited)."
[ -s "$T/setup.err" ] && { echo; echo "set-up notes:"; sed 's/^/    /' "$T/setup.err"; }
exit 0
