#!/bin/bash
# Install the Debian 12 packages lite needs to build and run; with --test,
# also those its test suite needs; with --fuzz, clang and libFuzzer for a
# -Dfuzz=true build (tests/fuzz/README.md).  Idempotent and non-interactive:
# when every package is already installed it does nothing (and needs no
# network).  The sanitizer runtimes (libasan, libubsan) come with gcc.
#
#   usage: install-deps.sh [--test] [--fuzz]
set -euo pipefail

build_pkgs=(build-essential meson ninja-build pkg-config
	libevent-dev libjansson-dev libarchive-dev nettle-dev libcmocka-dev libcurl4-openssl-dev)
runtime_pkgs=(busybox-static socat)
test_pkgs=(util-linux iproute2 procps python3 systemd
	qemu-system-x86 mmdebstrap e2fsprogs)	# the VM suite (tests/vm)
test_pkgs+=(zstd podman) # image tests: zstd layers, podman round trips
test_pkgs+=(docker-registry skopeo apache2-utils openssl) # pull tests: a local registry, pushing, htpasswd, JWTs
build_pkgs+=(libmnl-dev libnftables-dev) # networking: rtnetlink, nftables
build_pkgs+=(libseccomp-dev) # the daemon compiles seccomp profiles (the shim loads raw BPF)
test_pkgs+=(libcap2-bin) # security tests: setcap on test binaries
test_pkgs+=(nftables) # network tests: nft list table inet lite
test_pkgs+=(binutils) # tests/hardening: readelf, objdump (build-essential has it too)
build_pkgs+=(scdoc) # man pages (docs/man)
build_pkgs+=(libmicrohttpd-dev) # lite-docker-api's HTTP/1.1 (keep-alive, chunked, Upgrade for attach/exec)
test_pkgs+=(man-db zsh) # test-completion: man -l renders each page; the zsh completion loads
# Every other tool a test calls that a minbase Debian 12 (Essential and
# Priority: required) lacks (audited for issue 13): curl (test-pull-token),
# getfattr (test-security-store), file (mkrootfs-busybox.sh)
test_pkgs+=(curl attr file)
test_pkgs+=(docker-compose python3-docker) # Docker API tests (issue 16): compose 1.29 and docker-py drive lite's Docker socket
fuzz_pkgs=(clang libclang-rt-14-dev) # libFuzzer: -fsanitize=fuzzer

# The Docker API tests also run Debian's docker 20.10 client, but never
# dockerd: docker.io is not installed (its postinst would start dockerd);
# its client binary alone is unpacked to docker_cli.
docker_cli=${LITE_DOCKER_CLI:-/var/cache/lite-test/docker-cli/docker}

die() { echo "install-deps: $*" >&2; exit 1; }

pkgs=("${build_pkgs[@]}" "${runtime_pkgs[@]}")
want_docker_cli=
for arg in "$@"; do
	case $arg in
	--test) pkgs+=("${test_pkgs[@]}"); want_docker_cli=1 ;;
	--fuzz) pkgs+=("${fuzz_pkgs[@]}") ;;
	-h | --help) echo "usage: $0 [--test] [--fuzz]"; exit 0 ;;
	*) die "usage: $0 [--test] [--fuzz]" ;;
	esac
done

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done
need_cli=
[ -n "$want_docker_cli" ] && [ ! -x "$docker_cli" ] && need_cli=1
if [ ${#missing[@]} -eq 0 ] && [ -z "$need_cli" ]; then
	echo "install-deps: all ${#pkgs[@]} packages already installed"
	exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || die "must run as root to install: ${missing[*]} ${need_cli:+docker client}"
	sudo=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update ||
	die "apt-get update failed"
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y \
		--no-install-recommends "${missing[@]}" </dev/null ||
		die "apt-get install failed: ${missing[*]}"
fi

# The docker client from docker.io's .deb, unpacked, not installed.
if [ -n "$need_cli" ]; then
	echo "install-deps: unpacking the docker client (docker.io, not installed) to $docker_cli"
	tmp=$(mktemp -d)
	chown _apt "$tmp" 2>/dev/null || true   # apt downloads as _apt when it can
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get -q download docker.io) || die "apt-get download docker.io failed"
	dpkg-deb -x "$tmp"/docker.io_*.deb "$tmp/root" || die "dpkg-deb -x docker.io failed"
	[ -x "$tmp/root/usr/bin/docker" ] || die "docker.io's package has no usr/bin/docker"
	"${sudo[@]}" install -D -m 0755 "$tmp/root/usr/bin/docker" "$docker_cli" ||
		die "cannot install $docker_cli"
	"$docker_cli" --version
fi
