#!/bin/bash
# bench-images.sh — image benchmarks (see README.md). Needs root.
#  1. `lite load` of a ~200 MB, 5-layer Docker archive made of files that
#     Debian packages installed under /usr, against `podman load` of the
#     same archive (podman's own store in the temp dir, vfs driver).
#  2. `lite run --rm IMG true` latency on a 5-layer image vs a 1-layer one.
#
#   N=15 MB=200 tests/bench/bench-images.sh
LIB_NO_TAP=1
source "$(cd "$(dirname "$0")/.." && pwd)/integration/lib.sh"
source "$(dirname "$0")/lib-bench.sh"
N=${N:-15}
MB=${MB:-200}
MKOCI="$SRCDIR/tests/integration/mkoci.py"
export BASE_TAR=$T/img.tar

summary() { sort -n | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "median %s ms (min %s, max %s, n=%d)\n", m, a[1], a[NR], NR}'; }

"$PY" "$MKOCI" debian "$T/big.tar" big:latest "$MB" 4 || exit 1
echo "archive: $(du -m "$T/big.tar" | cut -f1) MB, 5 layers"
sync
echo "lite load:   $(time_ms "$LITE" load -q -i "$T/big.tar") ms"
if command -v podman >/dev/null; then
	echo "podman load: $(time_ms podman --root "$T/pm" --runroot "$T/pmr" --storage-driver=vfs \
		--events-backend=file --cgroup-manager=cgroupfs load -i "$T/big.tar") ms"
	podman --root "$T/pm" --runroot "$T/pmr" --storage-driver=vfs rmi -af >/dev/null 2>&1
	rm -rf "$T/pm" "$T/pmr"
fi
lite rmi big >/dev/null

"$PY" "$MKOCI" docker "$T/five.tar" five:latest 4 0 || exit 1
lite load -q -i "$T/five.tar"
for i in $(seq "$N"); do
	time_ms lite run --rm testimg true >>"$T/one.ms"
	time_ms lite run --rm five true >>"$T/five.ms"
done
echo "start, 1-layer image: $(summary <"$T/one.ms")"
echo "start, 5-layer image: $(summary <"$T/five.ms")"
