#!/bin/bash
# Build lite and run every test suite (unit, integration, ...), then the
# sanitizer pass: a second build under ASan+UBSan (build-asan/) that runs
# the unit and fuzz suites and a named subset of the integration tests.
# Prints one summary line over both, always last:
# "N passed, N failed[, N skipped]". Exits non-zero if anything failed.
# See docs/INSTALL.md.
#
#   usage: scripts/test.sh [extra meson test arguments, for build/ only]
#   LITE_SKIP_ASAN=1 skips the sanitizer pass; LITE_SKIP_FUZZ=1 the bounded
#   libFuzzer sessions (build-fuzz/, clang, LITE_FUZZ_SECONDS per harness,
#   default 30: tests/fuzz/README.md).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
testlog=build/meson-logs/testlog.json
# The sanitizer pass's integration tests: the daemon's request paths
# (basics, lifecycle, ctl), restarts and live restore (daemon), streaming
# and --init (interactive, cp), images (images, pull; tar-split and names,
# push and login), the network, run flags and health checks. A few
# minutes; every test runs in build/ above.
# build-asan/ is also the crash-point build (-Dcrash_points=true, never
# installed): test-crash runs only there (in build/ it skips), so release
# binaries stay free of checkpoints (docs/OPERATIONS.md).
asan_tests=(test-basics test-lifecycle test-daemon test-interactive test-cp
	test-images test-pull test-network test-runflags test-ctl test-health
	test-crash test-conn-limits test-image-refs test-push test-cp-stopped)
asan_logs=(build-asan/meson-logs/testlog-asan.json build-asan/meson-logs/testlog-asan-integration.json
	build-fuzz/meson-logs/testlog-fuzz.json)

step() { printf '==> %s\n' "$*"; }

# A failure before any test ran still ends with the summary line.
give_up() {
	printf 'test: error: %s\n' "$*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

# configure DIR [meson options] : set up or refresh a build directory
configure() {
	local dir=$1
	shift
	if [ -f "$dir/meson-private/coredata.dat" ]; then
		step "reconfiguring $dir/"
		meson setup --reconfigure "$dir" "$@" >/dev/null ||
			meson setup --wipe "$dir" "$@"
	else
		step "configuring $dir/"
		meson setup "$dir" "$@"
	fi
}

step "installing Debian packages (build + test)"
bash scripts/install-deps.sh --test --fuzz || give_up "installing packages failed"

configure build || give_up "meson setup failed"

step "building"
ninja -C build || give_up "build failed"

step "running tests"
rm -f "$testlog" "${asan_logs[@]}"
rc=0
meson test -C build --print-errorlogs --num-processes 2 "$@" || rc=$?

# Count each meson test once; TAP subtests are inside their test's result.
if [ ! -s "$testlog" ]; then
	give_up "meson test wrote no $testlog (status $rc)"
fi

# The sanitizer pass. The build's default test setup makes every ASan or
# UBSan report fail its test (meson.build); a failed build counts as one
# failed test.
build_failed=0
if [ "${LITE_SKIP_ASAN:-0}" != 1 ]; then
	if configure build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dcrash_points=true &&
		step "building build-asan/ (ASan+UBSan)" && ninja -C build-asan; then
		step "sanitizer pass: unit and fuzz suites"
		meson test -C build-asan --print-errorlogs --num-processes 2 --logbase testlog-asan \
			--suite unit --suite fuzz || rc=$?
		step "sanitizer pass: ${asan_tests[*]}"
		meson test -C build-asan --print-errorlogs --num-processes 2 --logbase testlog-asan-integration \
			"${asan_tests[@]}" || rc=$?
	else
		echo "test: error: the sanitizer build (build-asan/) failed" >&2
		build_failed=1
	fi
fi

# Bounded fuzzing sessions: every harness under libFuzzer with ASan+UBSan,
# from the committed seeds; a finding fails its test.
if [ "${LITE_SKIP_FUZZ:-0}" != 1 ]; then
	if CC=clang configure build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false &&
		step "building build-fuzz/ (clang, libFuzzer)" && ninja -C build-fuzz; then
		step "fuzzing sessions (${LITE_FUZZ_SECONDS:-30} s each)"
		meson test -C build-fuzz --print-errorlogs --num-processes 1 --logbase testlog-fuzz \
			--suite fuzz-session || rc=$?
	else
		echo "test: error: the fuzzing build (build-fuzz/) failed" >&2
		build_failed=$((build_failed + 1))
	fi
fi

summary=$(python3 - "$build_failed" "$testlog" "${asan_logs[@]}" <<'EOF'
import json, os, sys
passed = skipped = 0
failed = int(sys.argv[1])
for path in sys.argv[2:]:
    if not os.path.exists(path):
        continue
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            test = json.loads(line)
            result = test.get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
                continue
            if result == "SKIP":
                skipped += 1
                continue
            failed += 1
            # Name each failed test with the end of its output, just above
            # the summary: CI keeps only the tail of the log.
            print(f"FAILED: {test.get('name')} ({result}, "
                  f"{test.get('duration', 0):.0f} s, {path})", file=sys.stderr)
            lines = (test.get("stdout") or "").splitlines()
            shown = [l for l in lines if l.startswith("not ok") or l.startswith("Bail out")][:10]
            if not shown:  # a crash or a sanitizer report: its stderr says why
                lines = (test.get("stderr") or "").splitlines() or lines
            for l in shown + ["..."] + lines[-8:]:
                print(f"    {l}", file=sys.stderr)
out = f"{passed} passed, {failed} failed"
if skipped:
    out += f", {skipped} skipped"
print(out)
EOF
) || give_up "cannot read the test logs"

failed=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$summary")
if [ "$failed" -eq 0 ] && [ "$rc" -ne 0 ]; then
	# meson test failed without a failed test (e.g. interrupted).
	summary=${summary/ 0 failed/ 1 failed}
	failed=1
fi
# A skipped VM suite must not go unnoticed (its reason is in the log).
if grep -Eq '"name": "[^"]*vm / vm".*"result": "SKIP"' "$testlog"; then
	echo "test: WARNING: the VM suite (systemd, pure cgroup v2) was SKIPPED; see build/meson-logs/testlog.txt" >&2
fi
echo "$summary"
[ "$failed" -eq 0 ]
