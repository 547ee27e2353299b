#!/bin/bash
# Build the Debian 12 disk image the VM tests boot, or reuse the cached one.
# Prints the directory holding disk.img, vmlinuz and initrd.img.
#
#   usage: build-image.sh [--key]      (--key: print the cache key only)
#   env:   LITE_VM_CACHE  cache root (default /var/cache/lite-vm)
#
# The cache key hashes the package list and every script that shapes the
# image, so editing any of them builds a new image; older ones are removed.
# Needs root, mmdebstrap, mkfs.ext4 and the Debian archive (apt sources are
# read from the host's own /etc/apt).  No loop devices: mkfs.ext4 -d.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${LITE_VM_CACHE:-/var/cache/lite-vm}
inputs=("$here/packages.list" "$here/build-image.sh" "$here/customize-image.sh"
	"$here/guest/lite-vm-entry" "$here/guest/lite-vm-run.service")
# Modules the initramfs loads: the root disk, ext4 and the shared folder.
initramfs_modules=(virtio_pci virtio_blk ext4 crc32c_generic 9pnet_virtio 9p)
free_space_mb=1024	# room for images and containers on the booted disk

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

cache_key() { cat "${inputs[@]}" | sha256sum | cut -c1-16; }

packages() { grep -Ev '^[[:space:]]*(#|$)' "$here/packages.list" | paste -sd, -; }

# The host's enabled apt sources, one file per mmdebstrap MIRROR argument.
host_sources() {
	local f
	if [ -s /etc/apt/sources.list ] && grep -Eq '^[[:space:]]*deb ' /etc/apt/sources.list; then
		echo /etc/apt/sources.list
	fi
	for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && echo "$f"
	done
	return 0
}

# "deb URI bookworm-backports main" for the host's first Debian mirror, when
# the package list asks for backports; the line goes to mmdebstrap as is.
backports_source() {
	local uri
	grep -q '/bookworm-backports' "$here/packages.list" || return 0
	uri=$(cat $(host_sources) | grep -E '^[[:space:]]*(URIs:|deb )' | grep -Eo 'https?://[^ ]+/debian/?' | grep -v security | head -1)
	[ -n "$uri" ] || die "packages.list wants bookworm-backports but no Debian mirror is in /etc/apt"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri bookworm-backports main"
}

setup_hook() {
	local mods
	mods=$(printf '%s\\n' "${initramfs_modules[@]}")
	printf 'mkdir -p "$1/etc/initramfs-tools/conf.d" && '
	printf 'echo MODULES=list >"$1/etc/initramfs-tools/conf.d/lite-vm.conf" && '
	printf 'printf "%s" >"$1/etc/initramfs-tools/modules"' "$mods"
}

bootstrap() { # TREE
	local sources
	mapfile -t sources < <(host_sources; backports_source)
	[ ${#sources[@]} -gt 0 ] || die "no apt sources in /etc/apt"
	mmdebstrap --variant=minbase --mode=root ${MMDEBSTRAP_VERBOSE:---quiet} \
		--aptopt='APT::Install-Recommends "false"' \
		--include="$(packages)" \
		--setup-hook="$(setup_hook)" \
		--customize-hook="\"$here/customize-image.sh\" \"\$1\"" \
		bookworm "$1" "${sources[@]}"
}

# Kernel and initrd go next to the disk; /boot in the tree is then dropped.
extract_boot() { # TREE OUT
	local k i
	k=$(ls "$1"/boot/vmlinuz-* | sort -V | tail -1)
	i=$(ls "$1"/boot/initrd.img-* | sort -V | tail -1)
	[ -f "$k" ] && [ -f "$i" ] || die "no kernel or initrd in $1/boot"
	cp "$k" "$2/vmlinuz"
	cp "$i" "$2/initrd.img"
	rm -f "$1"/boot/vmlinuz-* "$1"/boot/initrd.img-*
}

make_disk() { # TREE IMG
	local mb
	mb=$(($(du -sm "$1" | cut -f1) + free_space_mb))
	mkfs.ext4 -q -F -L litevm -d "$1" "$2" "${mb}M"
}

build() { # OUT
	tmp=$cache/tmp.$$
	rm -rf --one-file-system "$cache"/tmp.*	# of builds that were killed (we hold the lock)
	mkdir -p "$tmp/tree"
	trap 'rm -rf --one-file-system "$tmp"' EXIT
	log "building $1 (mmdebstrap of bookworm, $(packages | tr , ' '))"
	bootstrap "$tmp/tree" >&2
	extract_boot "$tmp/tree" "$tmp"
	make_disk "$tmp/tree" "$tmp/disk.img"
	rm -rf --one-file-system "$tmp/tree"
	cache_key >"$tmp/key"
	rm -rf --one-file-system "$cache"/[0-9a-f]*	# images of older inputs
	mv "$tmp" "$1"
	trap - EXIT
}

main() {
	local key dir
	key=$(cache_key)
	if [ "${1:-}" = --key ]; then
		echo "$key"
		return
	fi
	[ "$(id -u)" -eq 0 ] || die "must run as root"
	dir=$cache/$key
	mkdir -p "$cache"
	exec 9>"$cache/.lock"
	flock 9	# one build at a time; a waiting run then finds it cached
	if [ -f "$dir/disk.img" ]; then
		log "cached image $dir"
	else
		command -v mmdebstrap >/dev/null || die "mmdebstrap not installed (scripts/install-deps.sh --test)"
		build "$dir" >&2	# only the directory goes to stdout
	fi
	echo "$dir"
}

main "$@"
