#!/bin/bash
# lite ps filters, formats, -n/-l/-s and inspect --format (issue 6).
source "$(dirname "$0")/lib.sh"

lite run --name f-exit testimg sh -c 'head -c 100000 /dev/zero > /big; exit 2' >/dev/null
lite run -d --name f-run testimg sleep 300 >/dev/null
lite create --name f-new testimg true >/dev/null
ok "f-run runs" wait_for 10 is_running f-run

capture lite ps --filter status=exited --format '{{.Names}}'
is "$OUT" f-exit "filter status=exited"
capture lite ps -a --filter status=created --format '{{.Names}}'
is "$OUT" f-new "filter status=created"
capture lite ps -a --filter name=f- --filter status=running --format '{{.Names}} {{.State}}'
is "$OUT" "f-run running" "filters of different keys are ANDed"
capture lite ps -a --filter status=running --filter status=exited --format '{{.Names}}'
is "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" "f-exit f-run " "filters of one key are ORed"
capture lite ps -a --filter ancestor=testimg -q
is "$(printf '%s\n' "$OUT" | wc -l)" 3 "filter ancestor=IMAGE"
id=$(ifield f-run id)
capture lite ps -a --filter "id=${id:0:8}" --format '{{.Names}}'
is "$OUT" f-run "filter id=PREFIX"
capture lite ps -a --filter label=nosuch --format '{{.Names}}'
is "$OUT" "" "filter label= matches nothing without labels"
capture lite ps --filter colour=red
is "$RC" 1 "an unknown filter exits 1"
like "$ERR" 'invalid --filter "colour=red"' "it names the flag"

capture lite ps -a --format '{{.ID}} {{.Image}} {{.Status}}'
like "$OUT" "^${id:0:12} testimg Up " "format: ID, Image, Status"
capture lite ps -a --format 'table {{.Names}}\t{{.State}}'
like "$(printf '%s\n' "$OUT" | head -1)" '^NAMES +STATE$' "table format prints a header"
like "$OUT" 'f-exit +exited' "table format aligns columns"
capture lite ps -a --format '{{.Command}}|{{.RunningFor}}|{{.CreatedAt}}'
like "$OUT" '^sleep 300\|(Less than a second|[0-9]+ seconds?) ago\|20[0-9-]+ ' "format: Command, RunningFor, CreatedAt"
capture lite ps --format '{{nosuchfunc .}}'
is "$RC" 1 "an unknown template function exits 1"
like "$ERR" 'function "nosuchfunc" not defined' "...naming it"

capture lite ps -l --format '{{.Names}}'
is "$OUT" f-new "-l shows the newest container"
capture lite ps -n 2 --format '{{.Names}}'
is "$(printf '%s\n' "$OUT" | tr '\n' ' ')" "f-new f-run " "-n 2 shows the two newest"
capture lite ps -n x
is "$RC" 1 "a bad -n exits 1"
capture lite ps -a -s --format '{{.Names}} {{.Size}}'
like "$OUT" 'f-exit 100(\.0)?kB' "-s shows the writable layer's size"

# the plain table and -q come from the daemon's text rows (ps "rows"), the
# templates from the JSON reply: both print the same (issue 14)
lite run -d --name f-tab testimg sh -c 'sleep 300 # a	tab' >/dev/null
capture lite ps -a
plain=$OUT
capture lite ps -a --format 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}'
is "$(grep -v f-tab <<<"$plain")" "$(grep -v f-tab <<<"$OUT")" "the plain table (text rows) is the template's table (JSON; an empty PORTS cell kept)"
like "$(grep f-tab <<<"$plain")" '^[0-9a-f]{12} +testimg +sh -c sleep 300 # a… +[0-9a-zA-Z ]+ago +Up .* f-tab$' \
	"a tab in the command stays in its column"
capture lite ps -aq --no-trunc
is "$(sort <<<"$OUT")" "$(lite ps -a --format '{{.ID}}' --no-trunc | sort)" "ps -q --no-trunc: the full ids"
is "$(lite ps -q | wc -l)" 2 "ps -q: the running ones"
lite rm -f f-tab >/dev/null

capture lite inspect --format '{{.State.Status}} {{.State.ExitCode}}' f-exit
is "$OUT" "exited 2" "inspect --format with Docker's names"
capture lite inspect -f '{{.Name}}/{{.state.running}}' f-run f-exit
is "$OUT" "/f-run/true
/f-exit/false" "inspect -f: one line per container (Name has docker's leading /)"

done_testing
