#!/bin/bash
# Issue 12: ps filters before, since, exited, health, network, volume,
# publish, expose (and the old ones) and --no-trunc.
source "$(dirname "$0")/lib.sh"

lite run --name fl-a testimg sh -c 'exit 3' >/dev/null
lite run -d --name fl-b -v flvol:/v --label role=web testimg sleep 300 >/dev/null
lite run --name fl-c testimg true >/dev/null
ok "fl-b runs" wait_for 10 is_running fl-b

names() { printf '%s\n' "$OUT" | sort | tr '\n' ' '; }
capture lite ps -a --filter before=fl-c --format '{{.Names}}'
is "$(names)" "fl-a fl-b " "before=fl-c"
capture lite ps -a --filter since=fl-a --format '{{.Names}}'
is "$(names)" "fl-b fl-c " "since=fl-a"
capture lite ps --filter exited=3 --format '{{.Names}}'
is "$OUT" fl-a "exited=3"
capture lite ps -a --filter volume=flvol --format '{{.Names}}'
is "$OUT" fl-b "volume=NAME"
capture lite ps -a --filter label=role=web --format '{{.Names}}'
is "$OUT" fl-b "label=K=V"
capture lite ps --filter health=none --format '{{.Names}}'
is "$OUT" fl-b "health=none"
mode=$(ifield fl-b network_settings.mode)
capture lite ps --filter "network=$mode" --format '{{.Names}}'
is "$OUT" fl-b "network=MODE ($mode)"
capture lite ps --filter network=nosuchnet --format '{{.Names}}'
is "$OUT" "" "network=another matches nothing"
capture lite ps -a --filter publish=80 --format '{{.Names}}'
is "$OUT" "" "publish=80 matches nothing unpublished"
capture lite ps -a --filter before=nosuch
is "$RC" 1 "before= an unknown container is an error"
capture lite ps -a --filter health=sick
like "$ERR" 'health=sick' "health= a bad value is an error"
capture lite ps --no-trunc -q
is "${#OUT}" 64 "--no-trunc: full ids"

# --- images: REPOSITORY[:TAG], filters, formats
lite tag testimg flimg:v1 >/dev/null
lite tag testimg other/flimg:v2 >/dev/null
capture lite images flimg --format '{{.Repository}}:{{.Tag}}'
is "$OUT" flimg:v1 "images REPOSITORY"
capture lite images flimg:v2 --format '{{.Repository}}:{{.Tag}}'
is "$OUT" "" "images REPOSITORY:TAG (no such tag)"
capture lite images --filter 'reference=*flimg*' --format '{{.Repository}}:{{.Tag}}'
is "$(names)" "flimg:v1 other/flimg:v2 " "images --filter reference=GLOB"
capture lite images --filter 'reference=flimg:*' --format '{{.Tag}}'
is "$OUT" v1 "reference=NAME:GLOB"
capture lite images --filter dangling=true -q
is "$OUT" "" "dangling=true: none"
capture lite images --filter dangling=false --format '{{.Repository}}'
like "$OUT" testimg "dangling=false lists tagged images"
capture lite images --filter before=testimg -q
is "$OUT" "" "before=IMAGE (nothing older)"
capture lite images --filter since=nosuch
is_rc 125 "since= an unknown image is an error"
capture lite images --no-trunc -q testimg
like "$OUT" '^sha256:[0-9a-f]{64}$' "images --no-trunc: full ids"
capture lite images --digests testimg
like "$OUT" 'DIGEST' "images --digests: a DIGEST column"
capture lite images -a testimg --format 'table {{.Repository}}\t{{.Tag}}'
like "$OUT" $'^REPOSITORY +TAG\ntestimg +latest' "images -a, a table template"
capture lite images --filter colour=red
is_rc 125 "images: an unknown filter key is refused"
lite commit -c 'LABEL tier=gold' fl-c fllab:1 >/dev/null
capture lite images --filter label=tier=gold --format '{{.Repository}}'
is "$OUT" fllab "images --filter label=K=V"
capture lite images --filter label=tier --filter 'reference=fl*' --format '{{.Repository}}'
is "$OUT" fllab "label= and reference= together"
lite rmi flimg:v1 other/flimg:v2 fllab:1 >/dev/null 2>&1

lite rm -f fl-a fl-b fl-c >/dev/null 2>&1
lite volume rm flvol >/dev/null 2>&1
done_testing
