#!/bin/bash
# Images: tag/rmi/refcounting, images -q/--format json, inspect/history,
# save/load (Docker and OCI, gzip/zstd layers, whiteouts, an index with two
# platforms), digest verification, hostile archives, commit/export,
# concurrent loads sharing layers, prune and system df.
source "$(dirname "$0")/lib.sh"
MKOCI="$SRCDIR/tests/integration/mkoci.py"
export BASE_TAR=$T/img.tar
layers() { ls "$D/layers/sha256" | grep -c '^[0-9a-f]\{64\}$'; }
store_state() { (cd "$D" && ls layers/sha256 images/sha256; cat repositories.json) 2>/dev/null | md5sum; }

# --- listing, tag, inspect, history
ID=$(lite images -q | head -n1)
like "$ID" '^[0-9a-f]{12}$' "images -q prints a short id"
capture lite images --format json
is_rc 0 "images --format json"
is "$(printf '%s\n' "$OUT" | head -n1 | jget Repository)" testimg "images --format json: Repository"
ok "tag testimg other:1" lite tag testimg other:1
like "$(lite images)" 'other +1 ' "tagged image is listed"
capture lite tag testimg 'Bad:Name'
isnt "$RC" 0 "tag with an invalid name fails"
like "$ERR" 'invalid reference' "tag: invalid name error"
is "$(lite image inspect other:1 | jget Id)" "$(lite image inspect testimg | jget Id)" "both names are one image"
like "$(lite history testimg)" 'lite import' "history shows the import"
capture lite rmi other:1
like "$OUT" 'Untagged: other:1' "rmi of a second tag only untags"
is "$(layers)" 1 "the layer stays"

# --- an image a container uses
lite run --name user1 testimg true >/dev/null 2>&1
capture lite rmi testimg
isnt "$RC" 0 "rmi of an image a container uses is refused"
like "$ERR" "used by container 'user1'" "rmi refusal names the container"
capture lite rmi -f testimg
is_rc 0 "rmi -f untags it"
like "$(lite images)" '<none>' "the image stays, untagged"
ok "the untagged image still runs by id" lite run --rm "$ID" true
lite rm -f user1 >/dev/null 2>&1
capture lite image prune -f
like "$OUT" 'Deleted: sha256:' "prune deletes the unused untagged image"
is "$(layers)" 0 "prune deletes its layers"
build_test_image

# --- save/load round trips
for fmt in docker oci; do
	capture lite save --format $fmt -o "$T/save-$fmt.tar" testimg
	is_rc 0 "save --format $fmt"
	tar tf "$T/save-$fmt.tar" >"$T/list" 2>&1
	if [ $fmt = docker ]; then
		ok "docker archive has manifest.json" grep -qx manifest.json "$T/list"
	else
		ok "oci archive has index.json and oci-layout" sh -c "grep -qx index.json '$T/list' && grep -qx oci-layout '$T/list'"
	fi
	lite rmi testimg >/dev/null
	capture lite load -i "$T/save-$fmt.tar"
	is_rc 0 "load of the $fmt archive"
	like "$OUT" 'Loaded image: testimg:latest' "load prints the tag ($fmt)"
	capture lite run --rm testimg lite-test-helper exit 0
	is_rc 0 "run from the reloaded image ($fmt)"
done
ID1=$(lite image inspect testimg | jget Id)
lite save -o "$T/again.tar" testimg && lite load -q -i "$T/again.tar"
is "$(lite image inspect testimg | jget Id)" "$ID1" "save/load of a saved image keeps its id"
capture sh -c "cat '$T/save-docker.tar' | timeout 30 '$LITE' load"
is_rc 0 "load from stdin"
capture sh -c "gzip -c '$T/save-docker.tar' > '$T/save.tar.gz' && timeout 30 '$LITE' load -i '$T/save.tar.gz'"
is_rc 0 "load of a gzip-compressed archive"

# --- OCI layout: gzip + zstd layers, whiteouts, opaque dir, config
"$PY" "$MKOCI" oci "$T/oci.tar" || bail_out "mkoci.py failed"
capture lite load -i "$T/oci.tar"
is_rc 0 "load an OCI layout with gzip and zstd layers"
like "$OUT" 'ocitest:v1' "OCI ref name becomes the tag"
capture lite run --rm ocitest:v1
is "$OUT" "hello from zstd" "image Cmd runs"
capture lite run --rm ocitest:v1 sh -c 'echo $FOO; pwd; ls /d; test -e /a && echo a-present; cat /etc/gz-file'
is "$OUT" "from-config
/d
new
gz" "Env, WorkingDir, whiteout and opaque dir applied"
is "$(lite image inspect ocitest:v1 | jget Config.Labels)" '{"org.example": "yes"}' "Labels kept"
"$PY" "$MKOCI" oci "$T/oci-index.tar" --index
lite rmi ocitest:v1 >/dev/null
capture lite load -i "$T/oci-index.tar"
is_rc 0 "load an index with two platforms picks linux/amd64"
is "$(lite run --rm ocitest:v1)" "hello from zstd" "image from the index runs"

# --- verification and hostile archives leave the store unchanged
lite rmi ocitest:v1 >/dev/null; lite image prune -f >/dev/null
before=$(store_state)
"$PY" "$MKOCI" oci "$T/bad.tar" --bad-digest
capture lite load -i "$T/bad.tar"
isnt "$RC" 0 "a blob with a wrong digest is refused"
like "$ERR" 'digest mismatch' "digest mismatch error"
for kind in dotdot abs-symlink-write hardlink-out; do
	"$PY" "$MKOCI" hostile "$T/h-$kind.tar" $kind
	capture lite load -i "$T/h-$kind.tar"
	isnt "$RC" 0 "hostile layer ($kind) is refused"
	like "$ERR" '^lite: load: .*(escapes|symlink|not in the layer)' "hostile ($kind): clear error"
done
ok "nothing was written outside" test ! -e /etc/lite-evil
lite image prune -f >/dev/null
is "$(store_state)" "$before" "failed loads leave the store unchanged"
capture lite load -i /etc/passwd
isnt "$RC" 0 "a non-archive is refused"
like "$ERR" 'not a tar archive' "non-archive: clear error"

# --- commit and export
lite run --name cm testimg sh -c 'echo committed > /hello; rm /etc/hostname 2>/dev/null; mkdir -p /x; rm -f /bin/vi' >/dev/null
capture lite commit --change 'CMD ["cat","/hello"]' --change 'ENV CM=1' cm committed:v1
is_rc 0 "commit"
is "$(lite run --rm committed:v1)" committed "the committed image has the change and the new Cmd"
is "$(lite run --rm committed:v1 sh -c 'echo $CM; test -e /bin/vi || echo vi-gone')" "1
vi-gone" "ENV applied; deleted file stays deleted (whiteout)"
is "$(lite image inspect -f '{{len .RootFS.Layers}}' committed:v1)" 2 "commit adds one layer on top"
capture lite export -o "$T/export.tar" cm
is_rc 0 "export"
ok "export has the container's file" sh -c "tar xOf '$T/export.tar' hello | grep -q committed"
ok "export lacks the deleted file" sh -c "! tar tf '$T/export.tar' | grep -qx 'bin/vi'"
capture lite commit nosuchctr x
isnt "$RC" 0 "commit of a missing container fails"
lite rm -f cm >/dev/null

# --- podman's saves round trip are in test-podman.sh; concurrent loads here
"$PY" "$MKOCI" docker "$T/c1.tar" conc1:latest 2 4
(cd "$T" && mkdir c2 && tar xf c1.tar -C c2 && sed -i 's/conc1:latest/conc2:latest/' c2/manifest.json && tar cf c2.tar -C c2 .)
n0=$(layers)
"$LITE" load -q -i "$T/c1.tar" >"$T/l1.out" 2>&1 & p1=$!
"$LITE" load -q -i "$T/c2.tar" >"$T/l2.out" 2>&1 & p2=$!
capture lite ps -a
is_rc 0 "ps answers while loads run (they run in lite-image, off the loop)"
wait $p1; r1=$?; wait $p2; r2=$?
is "$r1$r2" 00 "two concurrent loads sharing layers both succeed"
# the base layer is testimg's own (import, save/load keep its diff_id): 2 new
is "$(layers)" $((n0 + 2)) "each shared layer is stored once"
is "$(lite image inspect conc1 | jget Id)" "$(lite image inspect conc2 | jget Id)" "same config, same image id"

# --- df, prune -a
capture lite system df
like "$OUT" '^Images +[0-9]+' "system df reports images"
capture lite image prune -a -f
is_rc 0 "image prune -a"
is "$(lite images -q | wc -l)" 0 "prune -a removes every unused image"
is "$(layers)" 0 "and every layer"

done_testing
