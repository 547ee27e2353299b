#!/bin/bash
# Issue 12 bugs 6, 7, 9, 12: every subcommand parses its options, only exact
# long option names, --flag=BOOL, system df's active count, create --help,
# import flag errors, and the Docker-style command groups.
source "$(dirname "$0")/lib.sh"

# --- bug 7: no abbreviations (getopt_long's prefix match is off)
capture lite run --devi /dev/null testimg true
is_rc 125 "--devi (an abbreviation) is refused"
like "$ERR" 'unknown flag: --devi' "...naming the flag"
capture lite run --pids 5 testimg true
like "$ERR" 'unknown flag: --pids \(did you mean --pids-limit\?\)' "--pids is not --pids-limit"
capture lite run --rm --device /dev/null testimg sh -c 'test -c /dev/null && echo dev'
is "$OUT" dev "--device /dev/null means --device (not --device-read-bps)"
capture lite run --rm --pid host testimg true
if [ "$RC" = 0 ]; then pass "--pid host means --pid (root may share the host PID namespace)"
else like "$ERR" 'pid' "--pid host is --pid, not --pids-limit"; fi
capture lite ps --al
is_rc 125 "an abbreviated ps flag is refused"

# --- bug 12: --flag=BOOL
capture lite run --rm=true -d=false testimg echo hi
is "$OUT" hi "--rm=true -d=false: attached, removed"
ok "--rm=true removed it" wait_for 10 ps_lists_none -a --filter ancestor=testimg
capture lite run --rm=maybe testimg true
is_rc 125 "--rm=maybe is refused"
like "$ERR" 'invalid argument "maybe" for "--rm" flag' "...naming flag and value"
capture lite run --rm -e=FOO=bar testimg sh -c 'echo $FOO'
is "$OUT" bar "-e=FOO=bar: a short flag's value after = (Docker's reading)"
capture lite run -d=1 --name cb1 testimg sleep 100
is_rc 0 "-d=1 detaches"
lite rm -f cb1 >/dev/null 2>&1

# --- bug 12: create --help, import flags
capture lite create --help
like "$OUT" '^Usage: lite create' "create --help is create's"
capture lite import -c 'CMD x' /dev/null x:1
is_rc 125 "import -c exits 125"
capture lite import --bogus /dev/null x:1
is_rc 125 "import with an unknown flag exits 125"

# --- bug 6: subcommand options
capture lite image inspect --format '{{.Id}}' testimg
like "$OUT" '^sha256:[0-9a-f]{64}$' "image inspect --format '{{.Id}}'"
unlike "$ERR" 'no such image: --format' "--format is not an image name"
capture lite volume create --label k=v --label team=a lv1
is "$OUT" lv1 "volume create --label"
capture lite volume inspect --format '{{.labels.k}}' lv1
is "$OUT" v "volume inspect --format shows the stored label"
capture lite volume ls --filter label=team=a --format '{{.Name}} {{.Labels}}'
is "$OUT" "lv1 k=v,team=a" "volume ls --filter label= --format"
capture lite volume ls --format json
like "$OUT" '"Name":"lv1"' "volume ls --format json"
capture lite volume ls --filter colour=red
is_rc 125 "volume ls: an unknown filter key is refused"
capture lite network inspect -f '{{.name}}' bridge
is "$OUT" bridge "network inspect -f"
capture lite network ls --format json
like "$OUT" '"Name":"bridge"' "network ls --format json"
capture lite network ls --filter type=builtin --format '{{.Name}}'
like "$OUT" bridge "network ls --filter type=builtin"
capture lite volume inspect --bogus lv1
is_rc 125 "volume inspect: an unknown option is an error"

for cmd in "rename --bogus a b" "pause --bogus a" "diff --bogus a" "tag --bogus a b" "history --bogus a" \
	"network rm --bogus x" "port --bogus a" "version --bogus" "info --bogus"; do
	capture lite $cmd
	is_rc 125 "lite $cmd: an unknown option is an error"
done
capture lite info --format json
like "$OUT" '^\{"Containers"' "info --format json (Docker's shape)"

# --- bug 9: system df counts running containers
for i in 1 2; do lite run -d --name dfr$i testimg sleep 300 >/dev/null; done
lite run --name dfx testimg true >/dev/null
lite create --name dfc testimg true >/dev/null
capture lite system df
like "$OUT" $'Containers +4 +2 ' "system df: 4 containers, 2 active"
capture lite system df -v
like "$OUT" 'Containers space usage' "system df -v: the containers table"
like "$OUT" 'Local Volumes space usage' "system df -v: the volumes table"
like "$OUT" 'lv1' "system df -v lists the volume"

# --- groups
capture lite container ls --format '{{.Names}}'
is "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" "dfr1 dfr2 " "container ls is ps"
capture lite container inspect --format '{{.Name}}' dfx
is "$OUT" /dfx "container inspect (Docker's Name, with its /)"
capture lite container rm -f dfr1 dfr2 dfx dfc
is_rc 0 "container rm"
capture lite image ls -q
isnt "$OUT" "" "image ls"
capture lite container bogus
is_rc 125 "an unknown group verb exits 125"
capture lite system
like "$ERR" 'requires a command' "lite system says why it printed usage"
capture lite container --help
like "$OUT" 'prune' "container --help lists the verbs"

lite volume rm lv1 >/dev/null 2>&1
done_testing
