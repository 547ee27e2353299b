#!/bin/bash
# lite build from a real Debian 12 rootfs (mmdebstrap minbase, cached in
# /var/cache/lite-test; apt is not reachable from containers here, so the
# Dockerfile uses what the rootfs has): useradd in a RUN, USER and
# COPY --chown by name (from the image's /etc/passwd), WORKDIR created for
# that user, a symlinked parent (/lib -> usr/lib on usrmerge), and the
# result compared with podman build's (runc): the same files, modes and
# owners, the same config.
source "$(dirname "$0")/lib.sh"

CACHE=${LITE_TEST_CACHE:-/var/cache/lite-test}
ROOTFS=$CACHE/debian-bookworm-minbase.tar

host_sources() {
	if [ -s /etc/apt/sources.list ] && grep -Eq '^[[:space:]]*deb ' /etc/apt/sources.list; then
		echo /etc/apt/sources.list
	fi
	ls /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null
	return 0
}

# mmdebstrap picks its output format from the name: the temporary file must
# end in .tar too (a name ending in .tmp.PID gets a directory).
if [ ! -f "$ROOTFS" ] || [ ! -s "$ROOTFS" ]; then
	if ! command -v mmdebstrap >/dev/null; then
		skip "Debian rootfs" "mmdebstrap not installed (scripts/install-deps.sh --test)"
		done_testing
		exit 0
	fi
	mkdir -p "$CACHE"
	rm -rf "$ROOTFS"
	partial=$CACHE/.partial.$$.tar
	mmdebstrap --variant=minbase --mode=root --quiet bookworm "$partial" $(host_sources) >"$T/mmdebstrap.log" 2>&1 &&
		[ -f "$partial" ] && mv "$partial" "$ROOTFS" ||
		{ rm -rf "$partial"; bail_out "mmdebstrap failed: $(tail -n 3 "$T/mmdebstrap.log")"; }
fi
ok "import the Debian rootfs" lite import "$ROOTFS" deb12:base

CTX=$T/ctx
mkdir -p "$CTX"
echo hello >"$CTX/greeting"
cat >"$CTX/Dockerfile" <<'DF'
FROM deb12:base
RUN useradd -m -u 1500 -s /bin/bash app && mkdir -p /srv/data && chown app: /srv/data
COPY --chown=app:app greeting /home/app/greeting
COPY greeting /lib/lite-greeting
USER app
WORKDIR /home/app/work
RUN echo "$(whoami) $(pwd)" > /home/app/work/who && ls -ld /home/app/work > /home/app/work/perm
ENV LANG=C.UTF-8
CMD ["cat", "/home/app/work/who"]
DF

capture lite build --progress plain -t deb12:app "$CTX"
is_rc 0 "a Dockerfile on the Debian rootfs builds"
is "$(lite run --rm deb12:app)" "app /home/app/work" "RUN as the USER by name, in the WORKDIR"
capture lite run --rm deb12:app sh -c 'stat -c "%U:%G %a" /home/app/greeting /usr/lib/lite-greeting /home/app/work; readlink /lib'
is "$OUT" "app:app 644
root:root 644
app:app 755
usr/lib" "COPY --chown by name, a COPY through the /lib symlink lands in /usr/lib (the link stays)"

if command -v podman >/dev/null; then
	pm() { timeout 300 podman --root "$T/pm-root" --runroot "$T/pm-run" --cgroup-manager=cgroupfs --runtime runc "$@"; }
	pm import "$ROOTFS" localhost/deb12:base >/dev/null 2>&1
	sed -i 's|^FROM deb12:base|FROM localhost/deb12:base|' "$CTX/Dockerfile"
	if pm build --network none --ulimit nofile=1024:1024 -t localhost/deb12:app "$CTX" >"$T/pm-build.log" 2>&1; then
		listing='cd / && find home/app srv usr/lib/lite-greeting -exec stat -c "%n %a %U:%G %F" {} + | sort'
		capture lite run --rm -u 0 deb12:app sh -c "$listing"
		lite_files=$OUT
		capture pm run --rm -u 0 --net=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/deb12:app sh -c "$listing"
		is "$lite_files" "$OUT" "the same files, modes and owners as podman build's image"
		for f in Env User WorkingDir Cmd; do
			l=$(lite image inspect deb12:app | "$PY" -c "import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print(json.dumps(d['Config'].get('$f'), sort_keys=True))")
			p=$(pm image inspect localhost/deb12:app | "$PY" -c "import json,sys; d=json.load(sys.stdin)[0]; print(json.dumps(d['Config'].get('$f'), sort_keys=True))")
			is "$l" "$p" "config $f as podman build makes it"
		done
	else
		skip "comparison with podman build" "podman build failed here: $(tail -n 2 "$T/pm-build.log" | tr '\n' ' ')"
	fi
else
	skip "comparison with podman build" "podman not installed"
fi

done_testing
