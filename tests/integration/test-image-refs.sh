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

done_testing
