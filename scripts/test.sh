#!/bin/bash
# Build lite and run every test suite (unit, integration, ...), then print
# one summary line, always last: "N passed, N failed[, N skipped]".
# Exits non-zero if anything failed.  See docs/INSTALL.md.
#
#   usage: scripts/test.sh [extra meson test arguments]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
testlog=build/meson-logs/testlog.json

step() { printf '==> %s\n' "$*"; }

# A failure before any test ran still ends with the summary line.
give_up() {
	printf 'test: error: %s\n' "$*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

step "installing Debian packages (build + test)"
bash scripts/install-deps.sh --test || give_up "installing packages failed"

if [ -f build/meson-private/coredata.dat ]; then
	step "reconfiguring build/"
	meson setup --reconfigure build >/dev/null ||
		meson setup --wipe build || give_up "meson setup failed"
else
	step "configuring build/"
	meson setup build || give_up "meson setup failed"
fi

step "building"
ninja -C build || give_up "build failed"

step "running tests"
rm -f "$testlog"
rc=0
meson test -C build --print-errorlogs --num-processes 2 "$@" || rc=$?

# Count each meson test once; TAP subtests are inside their test's result.
if [ ! -s "$testlog" ]; then
	give_up "meson test wrote no $testlog (status $rc)"
fi
summary=$(python3 - "$testlog" <<'EOF'
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1]) as f:
    for line in f:
        if not line.strip():
            continue
        result = json.loads(line).get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
out = f"{passed} passed, {failed} failed"
if skipped:
    out += f", {skipped} skipped"
print(out)
EOF
) || give_up "cannot read $testlog"

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
