#!/bin/bash
# Round trips with Podman (Debian's podman, its own store in the temp dir):
# podman save -> lite load -> lite run; lite save -> podman load -> podman run.
source "$(dirname "$0")/lib.sh"
if ! command -v podman >/dev/null; then
	skip "podman round trip" "podman not installed (scripts/install-deps.sh --test)"
	done_testing
	exit 0
fi
pm() { timeout 120 podman --root "$T/pm-root" --runroot "$T/pm-run" --cgroup-manager=cgroupfs \
	--events-backend=file --storage-driver=vfs "$@" </dev/null; }
_pm_cleanup() { pm rm -af >/dev/null 2>&1; rm -rf "$T/pm-root" 2>/dev/null; }
trap '_pm_cleanup; _cleanup' EXIT

# lite -> podman
for fmt in docker oci; do
	capture lite save --format $fmt -o "$T/l-$fmt.tar" testimg
	is_rc 0 "lite save --format $fmt"
	capture pm load -i "$T/l-$fmt.tar"
	is_rc 0 "podman load accepts lite's $fmt archive"
	like "$OUT" 'Loaded image' "podman load reports the image ($fmt)"
	# issue 12 bug 5: the config goes byte for byte, so podman sees lite's id
	is "sha256:$(pm image inspect --format '{{.Id}}' localhost/testimg:latest 2>/dev/null)" \
		"$(lite image inspect testimg | jget Id)" "podman's image id is lite's ($fmt)"
done
capture pm run --rm --net=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/testimg:latest sh -c 'echo from-podman'
if [ "$RC" = 0 ]; then
	is "$OUT" from-podman "podman run of lite's image"
else
	skip "podman run of lite's image" "podman cannot run containers here: $(printf '%s' "$ERR" | tail -n1)"
fi

# podman -> lite: an image podman built itself (import + commit-like config)
pm import --change 'CMD ["echo","made-by-podman"]' --change 'ENV PM=1' "$T/img.tar" localhost/pmimg:1 >/dev/null 2>&1
for fmt in docker-archive oci-archive; do
	rm -f "$T/p.tar"
	capture pm save --format $fmt -o "$T/p.tar" localhost/pmimg:1
	is_rc 0 "podman save --format $fmt"
	capture lite load -i "$T/p.tar"
	is_rc 0 "lite load of podman's $fmt"
	like "$OUT" 'Loaded image' "lite load reports the image ($fmt)"
	ref=$(printf '%s\n' "$OUT" | sed -n 's/^Loaded image: //p' | head -n1)
	[ -n "$ref" ] || ref=$(printf '%s\n' "$OUT" | sed -n 's/^Loaded image ID: //p' | head -n1)
	is "$(lite run --rm "$ref")" made-by-podman "lite runs podman's image with its Cmd ($fmt)"
	is "$(lite run --rm "$ref" sh -c 'echo $PM')" 1 "podman image's Env is honoured ($fmt)"
	pmid=sha256:$(pm image inspect --format '{{.Id}}' localhost/pmimg:1 2>/dev/null)
	is "$(lite image inspect "$ref" | jget Id)" "$pmid" "lite keeps podman's image id ($fmt)"
	# and back: lite's save rebuilds podman's layer tars byte for byte
	rm -f "$T/back.tar"
	lite save -o "$T/back.tar" "$ref" >/dev/null 2>&1
	pm rmi -f localhost/pmimg:1 >/dev/null 2>&1
	capture pm load -i "$T/back.tar"
	is_rc 0 "podman loads lite's save of its image ($fmt)"
	is "sha256:$(pm image inspect --format '{{.Id}}' "$ref" 2>/dev/null || pm image inspect --format '{{.Id}}' "localhost/$ref")" \
		"$pmid" "podman -> lite -> podman keeps the image id ($fmt)"
	lite rmi -f "$ref" >/dev/null 2>&1
done
done_testing
