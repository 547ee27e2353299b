#!/bin/bash
# bench-docker-api.sh — what the Docker Engine API front end costs: the
# same container started through the docker CLI on lite's Docker socket,
# through `lite`, and as the bare unshare+chroot floor, paired (A B C A B C
# ...), medians and ratios; the daemon's RSS before and after Docker API
# use (the per-connection lite-docker-api helper is a process of its own:
# the daemon itself should not grow). See README.md. Needs root and the
# Debian docker client (scripts/install-deps.sh --test).
#
#   N=25 tests/bench/bench-docker-api.sh
LIB_NO_TAP=1
LIB_NO_IMAGE=1
source "$(cd "$(dirname "$0")/.." && pwd)/integration/lib.sh"
source "$(dirname "$0")/lib-bench.sh"

N=${N:-25}
DOCKER=${LITE_DOCKER_CLI:-/var/cache/lite-test/docker-cli/docker}
[ -x "$DOCKER" ] || { echo "no docker client at $DOCKER (scripts/install-deps.sh --test)" >&2; exit 1; }
export DOCKER_HOST=unix://$T/lite-docker.sock DOCKER_CONFIG=$T/docker-config
mkdir -p "$DOCKER_CONFIG"

bash "$MKROOTFS" "$T/busybox.tar" >"$T/mkrootfs.log" 2>&1 || { cat "$T/mkrootfs.log" >&2; exit 1; }
capture lite import "$T/busybox.tar" busybox
[ "$RC" = 0 ] || { echo "lite import failed: $ERR" >&2; exit 1; }
ROOTFS=$T/rootfs
mkdir -p "$ROOTFS"
tar -xf "$T/busybox.tar" -C "$ROOTFS"

run_docker() { "$DOCKER" run --rm --net none busybox true; }
run_lite() { "$LITE" run --rm --net none busybox true; }
run_bare() { unshare --fork --pid --mount --uts --ipc --net chroot "$ROOTFS" /bin/true; }
cli_only() { "$DOCKER" --version; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

rss_before=$(rss_kb "$DAEMON_PID")
run_docker >/dev/null 2>&1 || { echo "docker run --rm busybox true failed:" >&2; run_docker; exit 1; }
run_lite >/dev/null 2>&1 || { echo "lite run failed" >&2; exit 1; }

for f in docker lite bare cli; do : >"$T/$f.ms"; done
for i in $(seq "$N"); do
	time_ms run_docker >>"$T/docker.ms" || { echo "round $i: docker run failed" >&2; exit 1; }
	time_ms run_lite >>"$T/lite.ms" || { echo "round $i: lite run failed" >&2; exit 1; }
	time_ms run_bare >>"$T/bare.ms" || { echo "round $i: unshare+chroot failed" >&2; exit 1; }
	time_ms cli_only >>"$T/cli.ms"
done
rss_after=$(rss_kb "$DAEMON_PID")

d=$(median <"$T/docker.ms") l=$(median <"$T/lite.ms") b=$(median <"$T/bare.ms") c=$(median <"$T/cli.ms")
echo "| measure ($N paired rounds, medians) | ms | ratio to the floor |"
echo "|---|---|---|"
echo "| unshare+chroot true (floor) | $b | 1.00 |"
echo "| lite run --rm --net none busybox true | $l | $(awk -v a="$l" -v b="$b" 'BEGIN { printf "%.2f", a / b }') |"
echo "| docker run --rm --net none busybox true (lite's Docker socket) | $d | $(awk -v a="$d" -v b="$b" 'BEGIN { printf "%.2f", a / b }') |"
echo "| docker --version (the CLI's own start-up) | $c | |"
echo "| Docker front end beyond the CLI's start-up: docker run - docker --version - lite run | $(awk -v d="$d" -v c="$c" -v l="$l" 'BEGIN { printf "%.2f", d - c - l }') | |"
echo
echo "daemon VmRSS: $rss_before kB before, $rss_after kB after $((N + 1)) runs through the Docker API"
