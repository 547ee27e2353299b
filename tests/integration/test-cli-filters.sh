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

lite rm -f fl-a fl-b fl-c >/dev/null 2>&1
lite volume rm flvol >/dev/null 2>&1
done_testing
