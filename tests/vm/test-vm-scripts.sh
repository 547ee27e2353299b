#!/bin/bash
# Tests of the VM suite's host-side scripts, without booting a VM: the image
# cache key, the loud SKIP when qemu is missing, the apt sources taken from
# the host, and that every script parses.  Speaks TAP.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tmp=$(mktemp -d /tmp/lite-vm-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0
failed=0

pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; printf '# %s\n' "$@"; }
is() { if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "expected: '$2'" "     got: '$1'"; fi; }
isnt() { if [ "$1" != "$2" ]; then pass "$3"; else fail "$3" "both: '$1'"; fi; }
like() { if grep -Eq -- "$2" <<<"$1"; then pass "$3"; else fail "$3" "no /$2/ in: $1"; fi; }

test_syntax() {
	local f
	for f in "$here"/*.sh "$here/guest/lite-vm-entry"; do
		if bash -n "$f" 2>"$tmp/err"; then pass "bash -n $(basename "$f")"; else fail "bash -n $(basename "$f")" "$(cat "$tmp/err")"; fi
	done
}

# The key follows the package list and the scripts that shape the image.
test_cache_key() {
	local k1 k2 k3
	cp -a "$here" "$tmp/vm"
	k1=$(bash "$tmp/vm/build-image.sh" --key)
	k2=$(bash "$tmp/vm/build-image.sh" --key)
	like "$k1" '^[0-9a-f]{16}$' "cache key is 16 hex digits"
	is "$k2" "$k1" "cache key is stable"
	echo hello >>"$tmp/vm/packages.list"
	k3=$(bash "$tmp/vm/build-image.sh" --key)
	isnt "$k3" "$k1" "a package list change changes the key"
	cp "$here/packages.list" "$tmp/vm/packages.list"
	echo '# edit' >>"$tmp/vm/guest/lite-vm-entry"
	isnt "$(bash "$tmp/vm/build-image.sh" --key)" "$k1" "a guest script change changes the key"
}

test_skip_without_qemu() {
	local out err
	out=$(LITE_VM_QEMU=no-such-qemu-here bash "$here/run-vm.sh" 2>"$tmp/err")
	err=$(cat "$tmp/err")
	if [ "$(id -u)" -ne 0 ]; then
		like "$out" '^1\.\.0 # SKIP not root' "not root: the suite skips"
		return
	fi
	like "$out" '^1\.\.0 # SKIP no-such-qemu-here not installed' "no qemu: TAP says SKIP with the reason"
	like "$err" 'VM SUITE SKIPPED' "no qemu: the skip is loud on stderr"
}

test_sources() {
	local lines
	lines=$(bash -c 'source <(sed -n "/^host_sources()/,/^}/p;/^backports_source()/,/^}/p" "$1/build-image.sh")
		here=$1; die() { echo "die: $*"; }; host_sources; backports_source' _ "$here")
	like "$lines" '^/etc/apt/' "apt sources come from the host's /etc/apt"
	if grep -q '/bookworm-backports' "$here/packages.list"; then
		like "$lines" '^deb \[signed-by=[^]]+\] https?://[^ ]+ bookworm-backports main$' \
			"backports line is made from the host's Debian mirror"
	fi
}

test_syntax
test_cache_key
test_skip_without_qemu
test_sources
echo "1..$n"
[ "$failed" -eq 0 ]
