#!/bin/bash
# The VM suite (meson suite "vm"): boot the cached Debian 12 image once under
# qemu (TCG), run guest-tests.sh in it, and pass its TAP through, with the
# timings as diagnostics.  When the VM cannot run here (not root, no qemu,
# the image cannot be built for lack of the Debian archive), the whole suite
# is reported SKIPPED with the reason, on stdout and loudly on stderr.
#
#   env: BUILDDIR, SRCDIR (meson sets them), LITE_VM_CACHE (build-image.sh),
#        LITE_VM_KEEP=1 keeps the shared folder (console log, output),
#        LITE_VM_QEMU (default qemu-system-x86_64)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${SRCDIR:=$(cd "$here/../.." && pwd)}"
: "${BUILDDIR:=$SRCDIR/build}"
: "${LITE_VM_KEEP:=0}"
qemu=${LITE_VM_QEMU:-qemu-system-x86_64}
vm_mem_mb=2048
vm_timeout_s=1500	# a hung boot ends here; not a timing assertion
kernel_args="root=/dev/vda rw console=ttyS0 panic=-1 quiet loglevel=3
	systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all systemd.show_status=0"

share=
qemu_pid=

diag() { printf '# %s\n' "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

skip_suite() {
	echo "1..0 # SKIP $*"
	printf '\n*** VM SUITE SKIPPED: %s ***\n\n' "$*" >&2
	exit 0
}

cleanup() {
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
	if [ -n "$share" ]; then
		if [ "$LITE_VM_KEEP" = 1 ]; then diag "kept $share"; else rm -rf --one-file-system "$share"; fi
	fi
}
trap cleanup EXIT

preflight() {
	[ "$(id -u)" -eq 0 ] || skip_suite "not root"
	command -v "$qemu" >/dev/null || skip_suite "$qemu not installed (scripts/install-deps.sh --test)"
	command -v mmdebstrap >/dev/null || skip_suite "mmdebstrap not installed (scripts/install-deps.sh --test)"
	[ -x "$BUILDDIR/client/lite" ] || { echo "Bail out! lite not built in $BUILDDIR"; exit 1; }
}

# Sets image_dir; an unreachable archive skips, any other failure fails.
get_image() {
	local log=$share/build-image.log
	if image_dir=$(bash "$here/build-image.sh" 2>"$log"); then
		diag "image: $(tail -1 "$log" | sed 's/^build-image: //')"
		return
	fi
	if grep -Eq 'Could not resolve|Failed to fetch|Temporary failure|Unable to connect|Network is unreachable' "$log"; then
		skip_suite "cannot build the VM image: the Debian archive is unreachable"
	fi
	echo "Bail out! building the VM image failed"
	sed 's/^/# /' "$log" | tail -30
	exit 1
}

# lite installed into share/root, the test image, the guest's run.sh.
prepare_share() {
	DESTDIR= meson install -C "$BUILDDIR" --no-rebuild --quiet --destdir "$share/root" >"$share/install.log" 2>&1 ||
		{ echo "Bail out! meson install failed"; sed 's/^/# /' "$share/install.log"; exit 1; }
	bash "$SRCDIR/scripts/mkrootfs-busybox.sh" "$share/img.tar" \
		"$BUILDDIR/tests/helpers/lite-test-helper:/usr/bin/lite-test-helper" >"$share/mkrootfs.log" 2>&1 ||
		{ echo "Bail out! mkrootfs-busybox.sh failed"; exit 1; }
	cp "$here/guest-tests.sh" "$share/run.sh"
	mkdir -p "$share/out"
}

boot() {
	timeout -k 10 "$vm_timeout_s" "$qemu" -nodefaults -no-user-config -no-reboot \
		-accel tcg,thread=multi -cpu Nehalem -smp 2 -m "$vm_mem_mb" \
		-display none -monitor none -serial "file:$share/out/console.log" \
		-kernel "$image_dir/vmlinuz" -initrd "$image_dir/initrd.img" \
		-append "$(echo $kernel_args)" \
		-drive "file=$image_dir/disk.img,if=virtio,format=raw,snapshot=on" \
		-virtfs "local,path=$share,mount_tag=litevm,security_model=none,id=litevm" \
		</dev/null &
	qemu_pid=$!
	wait "$qemu_pid" || diag "qemu exited with status $?"
	qemu_pid=
}

report() {
	local status
	[ -f "$share/out/output.txt" ] && cat "$share/out/output.txt"
	status=$(cat "$share/out/status" 2>/dev/null || echo none)
	if [ "$status" != 0 ]; then
		diag "guest session status: $status; console (last 40 lines):"
		tail -n 40 "$share/out/console.log" 2>/dev/null | sed 's/^/# console: /'
		[ "$status" = none ] && echo "Bail out! the VM did not finish its session"
		return 1
	fi
}

main() {
	local t0 t1 rc=0
	preflight
	share=$(mktemp -d /tmp/lite-vm.XXXXXX)
	t0=$(now)
	get_image
	diag "phase image: $(since "$t0") s"
	t1=$(now)
	prepare_share
	diag "phase install+test image: $(since "$t1") s"
	t1=$(now)
	boot
	report || rc=1
	diag "phase boot+tests+poweroff: $(since "$t1") s; VM suite total: $(since "$t0") s"
	return "$rc"
}

main "$@"
