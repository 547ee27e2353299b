#!/bin/bash
# lite build against podman build (runc), side by side on the same
# ten-step Dockerfile from the same busybox image: cold (--no-cache) and
# fully cached, N rounds each, interleaved (lite, podman, lite, podman, ...).
# Prints the medians and the ratios. Podman is skipped when not installed.
#
#   sudo tests/bench/bench-build.sh          (N=5 by default)
LIB_NO_TAP=1
source "$(dirname "$0")/../integration/lib.sh"
source "$(dirname "$0")/lib-bench.sh"
: "${N:=5}"

CTX=$T/ctx
mkdir -p "$CTX/src"
for i in 1 2 3; do head -c 100000 /dev/urandom >"$CTX/src/blob$i"; done
cat >"$CTX/Dockerfile" <<'DF'
FROM testimg
ENV APP=/app
WORKDIR /app
COPY src/ /app/src/
RUN cat /app/src/* | wc -c > /app/size
RUN mkdir -p /app/out && echo built > /app/out/flag
ENV MODE=bench
LABEL bench=yes
EXPOSE 8080
CMD ["cat", "/app/size"]
DF

pm() { podman --root "$T/pm-root" --runroot "$T/pm-run" --cgroup-manager=cgroupfs --runtime runc "$@"; }
have_podman=
if command -v podman >/dev/null; then
	lite save -o "$T/testimg.tar" testimg && pm load -i "$T/testimg.tar" >/dev/null 2>&1 && have_podman=1
	sed 's|^FROM testimg|FROM localhost/testimg:latest|' "$CTX/Dockerfile" >"$CTX/Dockerfile.podman"
fi

lite_cold() { "$LITE" build -q --no-cache -t bench:cold "$CTX"; }
lite_cached() { "$LITE" build -q -t bench:cached "$CTX"; }
pm_cold() { pm build -q --no-cache --network none -f "$CTX/Dockerfile.podman" -t bench:cold "$CTX"; }
pm_cached() { pm build -q --network none -f "$CTX/Dockerfile.podman" -t bench:cached "$CTX"; }

lite_cached >/dev/null 2>&1                       # warm the cache once
[ -n "$have_podman" ] && pm_cached >/dev/null 2>&1
for i in $(seq "$N"); do
	time_ms lite_cold >>"$T/lite-cold" || echo "lite build failed" >&2
	time_ms lite_cached >>"$T/lite-cached"
	if [ -n "$have_podman" ]; then
		time_ms pm_cold >>"$T/pm-cold"
		time_ms pm_cached >>"$T/pm-cached"
	fi
done

lc=$(median <"$T/lite-cold"); lk=$(median <"$T/lite-cached")
echo "ten-step Dockerfile, N=$N, medians in ms"
printf '| %-12s | %10s | %10s |\n' "" cold cached
printf '| %-12s | %10s | %10s |\n' "lite build" "$lc" "$lk"
if [ -n "$have_podman" ]; then
	pc=$(median <"$T/pm-cold"); pk=$(median <"$T/pm-cached")
	printf '| %-12s | %10s | %10s |\n' "podman build" "$pc" "$pk"
	awk -v a="$lc" -v b="$pc" -v c="$lk" -v d="$pk" 'BEGIN {
		printf "| %-12s | %10.2f | %10.3f |\n", "lite/podman", a / b, c / d }'
else
	echo "podman build: skipped (podman not installed)"
fi
