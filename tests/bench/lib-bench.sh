# Shared by the benchmarks (sourced after ../integration/lib.sh).

# time_ms CMD... : run CMD (output discarded); print its wall time in ms
# with 0.01 ms resolution; returns CMD's status
time_ms() {
	local t0=${EPOCHREALTIME/[.,]/} t1 rc
	"$@" >/dev/null 2>&1 </dev/null
	rc=$?
	t1=${EPOCHREALTIME/[.,]/}
	printf '%d.%02d\n' $(( (t1 - t0) / 1000 )) $(( (t1 - t0) % 1000 / 10 ))
	return $rc
}

# median: the median of the numbers on stdin, one per line
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
