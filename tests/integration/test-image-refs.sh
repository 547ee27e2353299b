#!/bin/bash
# Image identity and names: save/load keeps the image id (the config's
# bytes) and stores each layer once (issue 12 bug 5); Docker's reference
# normalisation (busybox == docker.io/library/busybox:latest); --pull on
# run/create against the local docker-registry.
source "$(dirname "$0")/lib.sh"
layers() { ls "$D/layers/sha256" | grep -c '^[0-9a-f]\{64\}$'; }
fullid() { lite images -q --no-trunc testimg 2>/dev/null || lite image inspect testimg | jget Id; }

# --- bug 5: an imported image (its layer tar is not lite's canonical tar)
ID0=$(lite image inspect testimg | jget Id)
N0=$(layers)
for fmt in docker oci; do
	capture lite save --format $fmt -o "$T/s-$fmt.tar" testimg
	is_rc 0 "save --format $fmt"
	capture lite load -i "$T/s-$fmt.tar"
	is_rc 0 "load ($fmt) over the image itself"
	is "$(lite image inspect testimg | jget Id)" "$ID0" "save/load ($fmt) keeps the image id"
	is "$(layers)" "$N0" "save/load ($fmt) stores no second copy of the layer"
	lite rmi testimg >/dev/null 2>&1
	capture lite load -i "$T/s-$fmt.tar"
	is_rc 0 "load ($fmt) after rmi"
	is "$(lite image inspect testimg | jget Id)" "$ID0" "rmi, load ($fmt): the same id"
	is "$(layers)" "$N0" "rmi, load ($fmt): the layer count is unchanged"
done
# a second image on the same base layer: the base is stored once
lite run --name b5 testimg sh -c 'echo x > /added' >/dev/null 2>&1
lite commit b5 b5img:1 >/dev/null 2>&1
lite rm -f b5 >/dev/null 2>&1
ID1=$(lite image inspect b5img:1 | jget Id)
N1=$(layers)
capture lite save -o "$T/both.tar" testimg b5img:1
is_rc 0 "save of two images sharing a base layer"
is "$(tar tf "$T/both.tar" | grep -c 'layer.tar$')" 2 "the shared base layer is in the archive once"
lite rmi testimg b5img:1 >/dev/null 2>&1
capture lite load -i "$T/both.tar"
is_rc 0 "load of both"
is "$(lite image inspect b5img:1 | jget Id)" "$ID1" "the committed image keeps its id"
is "$(layers)" "$N1" "layers deduplicated by diff_id"
lite rmi b5img:1 >/dev/null 2>&1

# tar-split on the tars other tools write: GNU and pax long names, a
# prefix (ustar), hard links, empty files, a 1 MiB file; and a path written
# twice (rebuilt bytes differ: save falls back to a canonical tar, and the
# archive still loads and runs)
for kind in gnu pax ustar dup; do
	"$PY" - "$T/k-$kind.tar" "$kind" <<'PY'
import io, sys, tarfile
out, kind = sys.argv[1], sys.argv[2]
fmt = {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT}.get(kind, tarfile.USTAR_FORMAT)
with tarfile.open(out, "w", format=fmt) as t:
    def add(name, data=b"", kind=tarfile.REGTYPE, link=""):
        ti = tarfile.TarInfo(name); ti.type = kind; ti.mtime = 1700000000
        ti.mode = 0o755 if kind == tarfile.DIRTYPE else 0o644; ti.linkname = link; ti.size = len(data)
        t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    add("bin", kind=tarfile.DIRTYPE)
    deep = "d" + "/sub" * 30
    add(deep, kind=tarfile.DIRTYPE) if kind == "ustar" else None
    for i, d in enumerate(["a", "d" + "/sub" * 30 if kind != "ustar" else "d/sub"]):
        add(d, kind=tarfile.DIRTYPE)
    long = ("d/sub" if kind == "ustar" else "d" + "/sub" * 30) + "/" + ("f" * (90 if kind == "ustar" else 150))
    add(long, b"long name\n")
    add("a/empty")
    add("a/big", bytes(range(256)) * 4096)
    add("a/hard", kind=tarfile.LNKTYPE, link="a/big")
    add("a/x", b"first\n")
    if kind == "dup":
        add("a/x", b"second, longer\n")
PY
	lite import "$T/k-$kind.tar" "k$kind:1" >/dev/null || fail "import $kind"
	id=$(lite image inspect "k$kind:1" | jget Id)
	lite save -o "$T/ks-$kind.tar" "k$kind:1" && lite rmi "k$kind:1" >/dev/null && lite load -q -i "$T/ks-$kind.tar" >/dev/null
	if [ $kind = dup ]; then
		ok "a tar with a path written twice: saved and loaded" lite image inspect "k$kind:1"
	else
		is "$(lite image inspect "k$kind:1" | jget Id)" "$id" "tar-split rebuilds a $kind tar: the id is kept"
	fi
	lite rmi "k$kind:1" >/dev/null
done
is "$(layers)" "$N0" "no layer left behind"

# --- reference normalisation: every spelling of one name finds one image
ok "tag with a fully qualified name" lite tag testimg docker.io/library/refimg:1
like "$(lite images)" '^refimg +1 ' "stored and listed as the familiar name"
for r in refimg:1 library/refimg:1 docker.io/refimg:1 docker.io/library/refimg:1 index.docker.io/library/refimg:1; do
	is "$(lite image inspect "$r" 2>/dev/null | jget Id)" "$ID0" "'$r' finds the image"
done
capture lite run --rm docker.io/library/refimg:1 true
is_rc 0 "run by the fully qualified name"
ok "tag user/app" lite tag testimg docker.io/someone/app
is "$(lite image inspect someone/app | jget Id)" "$ID0" "docker.io/someone/app is someone/app:latest"
ok "tag host:5000/app" lite tag testimg localhost:5000/ns/app:v1
is "$(lite image inspect localhost:5000/ns/app:v1 | jget Id)" "$ID0" "a registry host's name stays qualified"
capture lite tag testimg 'Refimg:1'
isnt "$RC" 0 "an uppercase repository is refused"
capture lite tag testimg "refimg:$(printf 't%.0s' $(seq 129))"
isnt "$RC" 0 "a tag of 129 characters is refused"
capture lite run --rm 'Refimg:1' true
is "$RC" 125 "run of an uppercase name: 125"
like "$ERR" '^lite: invalid reference format "Refimg:1": repository name must be lowercase$' "run: Docker's reason, one line"
capture lite image inspect 'refimg@sha256:0123'
isnt "$RC" 0 "a malformed digest reference is refused"
capture lite rmi docker.io/library/refimg:1
like "$OUT" 'Untagged: refimg:1' "rmi by the qualified name untags the familiar one"
# a store written before normalisation: a fully qualified key is still found
python3 - "$D/repositories.json" "$ID0" <<'PY'
import json, sys
p, i = sys.argv[1], sys.argv[2]
d = json.load(open(p)); d["docker.io/library/oldimg:latest"] = i; d["old..img:latest"] = i
json.dump(d, open(p, "w"))
PY
is "$(lite image inspect oldimg 2>/dev/null | jget Id)" "$ID0" "a legacy fully qualified key is found by its familiar name"
is "$(lite image inspect old..img 2>/dev/null | jget Id)" "$ID0" "a legacy name outside Docker's grammar is still found"
capture lite rmi old..img
like "$OUT" 'Untagged: old..img:latest' "and can be removed"
capture lite rmi someone/app localhost:5000/ns/app:v1 docker.io/library/oldimg
is_rc 0 "rmi of the three names (one a legacy key)"
is "$(lite image inspect testimg | jget Id)" "$ID0" "the image stays under its last tag"

done_testing
