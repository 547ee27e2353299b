#!/bin/bash
# A bounded libFuzzer session over one harness, as a test (suite
# fuzz-session, only in a -Dfuzz=true build): fuzz for SECONDS (default
# LITE_FUZZ_SECONDS or 30) starting from the committed seeds, new inputs in
# a scratch corpus that is thrown away. A finding fails the test; the input
# is kept in the build dir and printed, to be committed to corpus/NAME/ as a
# regression input once fixed (README.md).
#
#   usage: run-session.sh HARNESS SEED_DIR [SECONDS]
set -u
harness=$1 seeds=$2 seconds=${3:-${LITE_FUZZ_SECONDS:-30}}
name=$(basename "$harness")
findings=$(dirname "$harness")/findings-$name
scratch=$(mktemp -d /tmp/lite-fuzz-session.XXXXXX) || exit 1
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$findings"

# -rss_limit_mb keeps a runaway input from taking the machine; the
# artifacts (crash-, leak-, timeout-, oom-) land in $findings.
"$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
	-print_final_stats=1 -artifact_prefix="$findings/" "$scratch" "$seeds" \
	>"$scratch/log" 2>&1
rc=$?
tail -n 15 "$scratch/log"
if [ "$rc" -ne 0 ] || ls "$findings"/* >/dev/null 2>&1; then
	echo "fuzz session of $name found a problem (exit $rc); inputs:"
	ls -l "$findings"
	for f in "$findings"/*; do
		[ -f "$f" ] && { echo "--- $f (base64)"; base64 "$f" | head -c 4000; echo; }
	done
	exit 1
fi
echo "fuzz session of $name: ${seconds}s, no finding"
