#!/bin/bash
# The Docker Engine API's container endpoints (issue 16), through the real
# docker 20.10 client and through curl: run -d (the wait that hung it),
# run attached with exit codes, run -i / -it, create's mapping and its
# refusals, lifecycle status codes (204, 304, 404, 409), wait conditions,
# logs, attach with detach keys, top, stats, update, rename, pause, cp
# both ways (into a stopped container too), diff, export, prune, and bad requests.
source "$(dirname "$0")/lib.sh"

DOCKER=${LITE_DOCKER_CLI:-/var/cache/lite-test/docker-cli/docker}
DSOCK=$T/lite-docker.sock
DCFG=$T/docker-config
mkdir -p "$DCFG"
[ -x "$DOCKER" ] || bail_out "the docker client is missing: $DOCKER (scripts/install-deps.sh --test puts it there)"
wait_for 10 test -S "$DSOCK" || bail_out "no Docker socket at $DSOCK"

# dk ARGS... : the docker client on the test daemon's Docker socket
dk() { timeout -k 5 "${DK_TIMEOUT:-30}" env DOCKER_HOST="unix://$DSOCK" DOCKER_CONFIG="$DCFG" "$DOCKER" "$@"; }
# api METHOD PATH [CURL ARGS...] : sets CODE and BODY
api() {
	local m=$1 p=$2; shift 2
	CODE=$(curl -s -m 30 --unix-socket "$DSOCK" -X "$m" -o "$T/.body" -w '%{http_code}' "$@" "http://lite/v1.41$p")
	BODY=$(cat "$T/.body" 2>/dev/null)
}
jq_() { printf '%s' "$BODY" | jget "$1" 2>/dev/null; }
has_log() { lite logs "$1" 2>&1 | grep -q -- "$2"; }
listed() { lite ps -a --format '{{.Names}}' | grep -qx -- "$1"; }

# --- the docker run -d bug: wait's headers must come before the start
capture dk run -d --name d1 testimg sleep 300
is_rc 0 "docker run -d exits 0 (it hung: wait answered nothing before the exit)"
like "$OUT" '^[0-9a-f]{64}$' "docker run -d prints the id"
ok "d1 runs" wait_for 10 is_running d1

capture dk run --name d2 testimg sh -c 'echo out; echo err >&2; exit 3'
is "$RC" 3 "docker run attached: the command's exit code"
is "$OUT" out "docker run attached: stdout"
is "$ERR" err "docker run attached: stderr, apart (multiplexed frames)"
capture dk run --rm testimg sh -c 'sh -c "kill -9 \$\$"; exit $?'
is "$RC" 137 "docker run: killed by SIGKILL is 137"
capture dk run --rm testimg /nonexistent
is "$RC" 127 "docker run: a missing command is 127"
like "$ERR" 'exec: "/nonexistent"' "docker run: and why, on stderr (the exit frame's error)"
capture dk run --rm testimg /etc/passwd
is "$RC" 126 "docker run: a command that cannot be executed is 126"
capture dk run --rm --memory 1k testimg true
is "$RC" 125 "docker run: an engine error is 125"
like "$ERR" 'invalid --memory' "with lite's message"
capture dk run --rm --name d3 testimg echo gone
is "$OUT" gone "docker run --rm prints the output"
ok "docker run --rm removed the container" is_gone d3
n=0
for i in 1 2 3 4 5 6 7 8 9 10; do dk run --rm testimg true 2>>"$T/rm-race.err" || n=$((n + 1)); done
is "$n" 0 "docker run --rm of a command that exits at once, 10 times: never 'No such container' (its start came after its removal)"
OUT=$(echo piped | dk run -i --rm testimg cat)
is "$OUT" piped "docker run -i: stdin reaches the container, its EOF ends it"
(sleep 2; printf 'echo in-a-tty; exit 5\r'; sleep 2) | timeout 30 script -qec \
	"env DOCKER_HOST=unix://$DSOCK DOCKER_CONFIG=$DCFG $DOCKER run --rm -it testimg sh" /dev/null >"$T/tty.out"
RC=${PIPESTATUS[1]}
OUT=$(tr -d '\r' <"$T/tty.out")
like "$OUT" 'in-a-tty' "docker run -it: a terminal both ways"
is "$RC" 5 "docker run -it: the shell's exit code"
OUT=$( (sleep 2; printf 'stty size\r'; sleep 1; printf '\020\021'; sleep 1) | timeout 30 script -qec \
	"stty rows 33 cols 101; env DOCKER_HOST=unix://$DSOCK DOCKER_CONFIG=$DCFG $DOCKER run -it --name rit testimg sh" /dev/null |
	tr -d '\r')
like "$OUT" '33 101' "docker run -it: the terminal has the client's size (resize)"
ok "docker run -it: Ctrl-P Ctrl-Q detaches, the container runs on" is_running rit

# --- create's mapping
capture dk run -d --name c1 -m 64m --memory-swap 128m --cpu-quota 50000 --cpu-shares 512 --pids-limit 50 \
	--ulimit nofile=100:200 --restart on-failure:2 -e A=1 -u 1000 -w /tmp -l k=v --tmpfs /scratch \
	--init --health-cmd true --health-interval 2s --stop-signal USR1 --stop-timeout 7 -h myhost \
	--add-host foo:1.2.3.4 --cap-drop NET_RAW --read-only -v "$T:/hosttmp:ro" testimg sleep 300
is_rc 0 "docker run with resources, policy, env, user, labels, tmpfs, init, health check"
capture dk inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}} {{.HostConfig.PidsLimit}} {{range .HostConfig.Ulimits}}{{.Name}}={{.Soft}}:{{.Hard}}{{end}} {{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}} {{.Config.User}} {{.Config.WorkingDir}} {{.Config.Labels.k}} {{.HostConfig.Init}} {{.Config.StopSignal}} {{.Config.StopTimeout}} {{.Config.Hostname}} {{.HostConfig.ReadonlyRootfs}}' c1
is "$OUT" "67108864 134217728 500000000 512 50 nofile=100:200 on-failure:2 1000 /tmp v true SIGUSR1 7 myhost true" \
	"inspect shows what create asked for (CpuQuota 50000/100000 is 0.5 CPU)"
capture lite exec c1 sh -c 'echo $A; grep foo /etc/hosts; test -d /scratch && echo tmpfs; test -d /hosttmp && echo bind'
like "$OUT" '^1' "Env reaches the process"
like "$OUT" '1\.2\.3\.4' "ExtraHosts are in /etc/hosts"
like "$OUT" 'tmpfs' "Tmpfs is mounted"
like "$OUT" 'bind' "Binds are mounted"
for f in "--sysctl net.ipv4.ip_forward=1:Sysctls" "--domainname x.org:Domainname" "--memory-swappiness 10:MemorySwappiness" \
	"--dns-search x.org:DnsSearch" "--group-add 10:GroupAdd" "--oom-kill-disable:OomKillDisable"; do
	capture dk run --rm ${f%%:*} testimg true
	is "$RC" 125 "run ${f%%:*}: refused (exit 125)"
	like "$ERR" "${f##*:} is not supported by lite" "run ${f%%:*}: the message names the field"
done
capture dk run --rm --cpus 1 --cpu-period 50000 testimg true
like "$ERR" 'Conflicting options' "create: NanoCpus with CpuPeriod conflict"
capture dk run --name c1 testimg true
is "$RC" 125 "run with a name in use fails (125)"
api POST /containers/create -H 'Content-Type: application/json' -d '{"Image":'
is "$CODE" 400 "create with bad JSON: 400"
api POST /containers/create -H 'Content-Type: application/json' -d '{"Cmd":["true"]}'
is "$CODE" 400 "create without Image: 400"
api POST '/containers/create?name=viaapi' -H 'Content-Type: application/json' \
	-d '{"Image":"testimg","Cmd":["sleep","300"],"ExposedPorts":{"80/tcp":{}},"HostConfig":{"RestartPolicy":{"Name":"always"},"LogConfig":{"Type":"json-file","Config":{}}}}'
is "$CODE" 201 "create through the API: 201"
like "$(jq_ Warnings)" '^\[\]$' "create's reply has Warnings []"
api POST /containers/create -H 'Content-Type: application/json' -d '{"Image":"no-such-image-x"}'
is "$CODE" 404 "create of a missing image: 404 (the CLI pulls on it)"

# --- lifecycle status codes
api POST /containers/viaapi/start
is "$CODE" 204 "start: 204"
api POST /containers/viaapi/start
is "$CODE" 304 "start of a running container: 304"
api POST /containers/d1/stop?t=1
is "$CODE" 204 "stop: 204"
api POST /containers/d1/stop
is "$CODE" 304 "stop of a stopped container: 304"
api POST /containers/d1/kill
is "$CODE" 409 "kill of a stopped container: 409"
api POST /containers/nope/start
is "$CODE" 404 "start of an unknown container: 404"
is "$BODY" '{"message":"No such container: nope"}' "Docker's not-found message"
api GET /containers/nope/json
is "$CODE" 404 "inspect of an unknown container: 404"
api DELETE /containers/c1
is "$CODE" 409 "DELETE of a running container without force: 409"
api POST /containers/d1/wait?condition=bogus
is "$CODE" 400 "wait with an unknown condition: 400"
api POST /containers/d1/wait
is "$CODE" 200 "wait on an exited container: 200"
like "$BODY" '"StatusCode":137' "wait: the exit code (stopped by SIGKILL after 1 s: busybox sleep ignores TERM as PID 1)"
like "$BODY" '"Error":null' "wait: Error null"
capture dk start d1
is_rc 0 "docker start"
capture dk restart -t 1 d1
is_rc 0 "docker restart"
capture dk kill -s USR1 d1
is_rc 0 "docker kill -s"
capture dk kill -s BOGUS d1
isnt "$RC" 0 "docker kill with a bad signal fails"
capture dk rename d1 d1b
is_rc 0 "docker rename"
ok "renamed container answers to its new name" is_running d1b
capture dk rename d1b c1
isnt "$RC" 0 "rename to a name in use fails"
capture dk pause d1b
is_rc 0 "docker pause"
is "$(dk inspect -f '{{.State.Status}}' d1b)" paused "paused"
capture dk unpause d1b
is_rc 0 "docker unpause"
capture dk rm -f d1b
is_rc 0 "docker rm -f a running container"
ok "rm -f removed it" is_gone d1b
capture dk rm d1b
isnt "$RC" 0 "docker rm of an unknown container fails"
like "$ERR" 'No such container: d1b' "with Docker's message"

# wait: docker wait, conditions
dk run -d --name w1 testimg sh -c 'sleep 1; exit 9' >/dev/null
capture dk wait w1
is "$OUT" 9 "docker wait prints the exit code"
dk create --name w2 testimg true >/dev/null
api POST /containers/w2/wait?condition=not-running
is "$BODY" '{"StatusCode":0,"Error":null}' "wait not-running on a created container answers at once"
dk create --rm --name w3 testimg sh -c 'exit 4' >/dev/null
curl -s -m 30 --unix-socket "$DSOCK" -X POST -o "$T/w3.out" "http://lite/v1.41/containers/w3/wait?condition=removed" &
WPID=$!
sleep 0.5
dk start w3 >/dev/null
wait "$WPID"
like "$(cat "$T/w3.out")" '"StatusCode":4' "wait removed: the exit code of an --rm container"
ok "and it is gone by then" is_gone w3

# --- -P as inspect shows it
dk create --name pa$$ -P --expose 8080 testimg true >/dev/null
is "$(dk inspect -f '{{.HostConfig.PublishAllPorts}}' pa$$)" true "docker create -P: HostConfig.PublishAllPorts true"
dk rm pa$$ >/dev/null
dk create --name pb$$ testimg true >/dev/null
is "$(dk inspect -f '{{.HostConfig.PublishAllPorts}}' pb$$)" false "... false without -P"
dk rm pb$$ >/dev/null

# --- a start that fails (a bind source that is not there; root's binds are checked at start)
NBEFORE=$(lite ps -aq | wc -l)
capture dk run --rm -v "$T/missing:/x" testimg true
is "$RC" 125 "docker run --rm whose start fails: exit 125"
like "$ERR" 'Error response from daemon: bind source .*missing' "... with the start's error"
is "$(lite ps -aq | wc -l)" "$NBEFORE" "... and the --rm container is gone"
mkdir -p "$T/gone"
api POST /containers/create -H 'Content-Type: application/json' \
	-d '{"Image":"testimg","Cmd":["true"],"HostConfig":{"AutoRemove":true,"Binds":["'"$T"'/gone:/x"]}}'
SFID=$(jq_ Id)
rmdir "$T/gone"
curl -s --unix-socket "$DSOCK" -X POST "http://lite/v1.41/containers/$SFID/wait?condition=removed" >"$T/sf.out" &
SFW=$!
# the wait may come before or after the failed start: both answer
api POST "/containers/$SFID/start"
like "$CODE" '^5' "POST start of an AutoRemove container whose start fails: an error"
timeout 20 tail --pid="$SFW" -f /dev/null
like "$(cat "$T/sf.out")" '"StatusCode":128' "... a wait on it answers (128)"
ok "... and it is removed, as Docker's AutoRemove" is_gone "$SFID"

# --- logs
dk run -d --name lg testimg sh -c 'for i in 1 2 3; do echo out$i; done; sleep 1; for i in 1 2 3; do echo err$i >&2; done; sleep 300' >/dev/null
wait_for 10 has_log lg err3
is "$(dk logs lg 2>/dev/null | tr '\n' ' ')" "out1 out2 out3 " "docker logs: stdout"
is "$(dk inspect -f '{{.HostConfig.LogConfig.Type}}' lg)" json-file "no --log-driver through the Docker API: json-file (dockerd's default)"
is "$(lite logs lg 2>/dev/null | tr '\n' ' ')" "out1 out2 out3 " "... its log read back by lite logs too"
lite run -d --name lglite testimg true >/dev/null
is "$(lite inspect -f '{{.HostConfig.LogConfig.Type}}' lglite)" local "lite run keeps lite's default driver, local"
lite rm -f lglite >/dev/null 2>&1
is "$(dk logs lg 2>&1 >/dev/null | tr '\n' ' ')" "err1 err2 err3 " "docker logs: stderr apart"
is "$(dk logs --tail 4 lg 2>&1 | sort | tr '\n' ' ')" "err1 err2 err3 out3 " "docker logs --tail 4: the last lines of both streams"
like "$(dk logs -t --tail 4 lg 2>/dev/null)" '^20[0-9-]+T[0-9:.]+Z out3$' "docker logs -t"
is "$(dk logs --until 2000-01-01T00:00:00Z lg 2>&1 | wc -l)" 0 "docker logs --until in the past: nothing"
is "$(dk logs --since 1h lg 2>/dev/null | wc -l)" 3 "docker logs --since 1h: all"
OUT=$(DK_TIMEOUT=3 dk logs -f lg 2>/dev/null | head -n 3 | tr '\n' ' ')
is "$OUT" "out1 out2 out3 " "docker logs -f streams"
api GET '/containers/lg/logs?stdout=1'
is "$(printf '%s' "$BODY" | head -c 1 | od -An -tx1 | tr -d ' ')" 01 "logs without a TTY: multiplexed frames (stream 1)"
api GET '/containers/lg/logs'
is "$CODE" 400 "logs without stdout or stderr: 400"
dk run -d -t --name lgt testimg sh -c 'echo tty-out; sleep 300' >/dev/null
wait_for 10 has_log lgt tty-out
api GET '/containers/lgt/logs?stdout=1'
like "$BODY" '^tty-out' "logs with a TTY: raw"

# --- attach, detach keys
dk run -dit --name at testimg sh >/dev/null
OUT=$( (sleep 2; printf 'echo attached-ok\r'; sleep 1; printf '\020\021'; sleep 1) | timeout 30 script -qec \
	"env DOCKER_HOST=unix://$DSOCK DOCKER_CONFIG=$DCFG $DOCKER attach at" /dev/null | tr -d '\r')
like "$OUT" 'attached-ok' "docker attach: a terminal both ways"
ok "Ctrl-P Ctrl-Q detaches, the container runs on" is_running at
dk create --name sa testimg sh -c 'echo started-attached; exit 4' >/dev/null
capture dk start -a sa
is "$OUT" started-attached "docker start -a: the output"
is "$RC" 4 "docker start -a: the exit code"
dk run -d --name al testimg sh -c 'echo first; sleep 2; echo second' >/dev/null
wait_for 10 has_log al first
timeout 20 curl -s -N --unix-socket "$DSOCK" -X POST -H 'Upgrade: tcp' -H 'Connection: Upgrade' \
	"http://lite/v1.41/containers/al/attach?stream=1&logs=1&stdout=1" >"$T/al.out"
is "$(tr -c 'a-z\n' ' ' <"$T/al.out" | grep -Eo 'first|second' | tr '\n' ' ')" "first second " \
	"attach logs=1 stream=1: the log so far once, then live output, to the exit"
api POST '/containers/at/resize?h=30&w=100'
is "$CODE" 200 "resize: 200"
api POST '/containers/at/resize?h=0&w=100'
is "$CODE" 400 "resize to 0 rows: 400"

# --- top, stats, update
capture dk top c1
like "$OUT" '^UID +PID' "docker top: ps -ef's titles"
like "$OUT" 'sleep 300' "docker top: the container's process"
capture dk top c1 -o pid,comm
like "$OUT" '^ *PID +COMMAND' "docker top with ps options"
api GET '/containers/d2/top'
is "$CODE" 409 "top of a stopped container: 409"
capture dk stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.PIDs}}' c1
is_rc 0 "docker stats --no-stream"
like "$OUT" '^c1 [0-9.]+[KMG]iB / 64MiB [1-9]' "stats: memory usage against the limit, PIDs"
api GET '/containers/c1/stats?stream=false&one-shot=true'
for k in read preread cpu_stats precpu_stats memory_stats pids_stats blkio_stats networks; do
	jq_ "$k" >/dev/null || fail "stats one-shot has $k"
done
pass "stats: Docker's keys"
capture dk update -m 96m --memory-swap 192m --cpus 0.25 --pids-limit 60 --restart always c1
is_rc 0 "docker update"
is "$(dk inspect -f '{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} {{.HostConfig.RestartPolicy.Name}}' c1)" \
	"100663296 250000000 60 always" "update: the limits and the policy"
capture dk update --kernel-memory 10m c1
like "$ERR" 'KernelMemory is not supported' "update of a field lite lacks: refused, named"

# --- cp both ways, diff, export
echo payload >"$T/in.txt"
capture dk cp "$T/in.txt" lg:/tmp/
is_rc 0 "docker cp into a container"
is "$(lite exec lg cat /tmp/in.txt)" payload "the file arrived"
capture dk cp lg:/tmp/in.txt "$T/back.txt"
is_rc 0 "docker cp out of a container"
is "$(cat "$T/back.txt")" payload "the file came back"
capture dk cp lg:/etc "$T/etc-copy"
ok "docker cp of a directory" test -f "$T/etc-copy/passwd"
capture dk cp lg:/nope "$T/x"
isnt "$RC" 0 "docker cp of a missing path fails"
like "$ERR" 'No such container:path' "with Docker's message"
api HEAD '/containers/lg/archive?path=/tmp/in.txt' -I
like "$BODY" 'X-Docker-Container-Path-Stat' "HEAD archive: the stat header"
# cp into a stopped container: docker create + docker cp + docker start
capture dk create --name dcs testimg sh -c 'cat /etc/dcs.txt; sleep 300'
capture dk cp "$T/in.txt" dcs:/etc/dcs.txt
is_rc 0 "docker cp into a created container"
capture dk cp "$T/in.txt" dcs:/nope/x
isnt "$RC" 0 "docker cp into a missing directory of a created container fails"
capture dk start dcs
is_rc 0 "it starts"
ok "its command reads the copied file" wait_for 10 has_log dcs payload
dk stop -t 1 dcs >/dev/null
capture dk cp "$T/in.txt" dcs:/tmp/
is_rc 0 "docker cp into an exited container"
tar -C "$T" -cf "$T/dcs.tar" in.txt
api PUT '/containers/dcs/archive?path=/etc' --data-binary @"$T/dcs.tar" -H 'Content-Type: application/x-tar'
is "$CODE" 200 "PUT archive on an exited container: 200"
api PUT '/containers/dcs/archive?path=/nope' --data-binary @"$T/dcs.tar" -H 'Content-Type: application/x-tar'
is "$CODE" 404 "PUT archive into a missing directory: 404"
like "$BODY" 'Could not find the file /nope' "with Docker's message"
dk start dcs >/dev/null
is "$(lite exec dcs cat /tmp/in.txt /etc/in.txt)" "payload
payload" "after start: both copies are there"
dk rm -f dcs >/dev/null
capture dk diff lg
like "$OUT" 'A /tmp/in.txt' "docker diff: the added file"
dk export lg >"$T/lg.tar"
ok "docker export: a tar of the file system" sh -c "tar tf '$T/lg.tar' | grep -q '^tmp/in.txt$'"

# --- ps, prune
capture dk ps -a --filter status=exited --format '{{.Names}}'
like "$OUT" 'd2' "ps --filter status=exited lists an exited container"
unlike "$OUT" 'c1' "and not a running one"
capture dk ps --filter bogus=1
isnt "$RC" 0 "ps with an unknown filter fails"
dk create --name pr1 -l prune=yes testimg true >/dev/null
dk create --name pr2 testimg true >/dev/null
capture dk container prune -f --filter label=prune=yes
like "$OUT" 'Total reclaimed space' "docker container prune with a label filter"
ok "the labelled container is gone" is_gone pr1
ok "the other stays" listed pr2
api POST '/containers/prune?filters=%7B%22until%22%3A%5B%22bogus%22%5D%7D'
is "$CODE" 400 "prune with a bad until: 400"
capture dk container prune -f
ok "prune removed the stopped containers" is_gone d2
ok "prune kept the running ones" is_running c1

# --- every endpoint: 404 for an unknown container
bad=
for u in "GET top" "GET stats?stream=0" "GET logs?stdout=1" "POST attach?stream=1" "GET archive?path=/" \
	"PUT archive?path=/" "GET export" "GET changes" "POST update" "POST resize?h=1&w=1" "POST wait" "POST kill" \
	"POST restart" "POST pause" "POST unpause" "POST rename?name=zz" "POST start" "POST stop" "GET json"; do
	api "${u%% *}" "/containers/nope/${u#* }" -d ''
	[ "$CODE" = 404 ] && [ "$BODY" = '{"message":"No such container: nope"}' ] || bad="$bad $u=$CODE"
done
is "$bad" "" "every container endpoint: 404 No such container for an unknown one"
api POST /containers/c1/rename?name=lg
is "$CODE" 409 "rename to a name in use: 409"

# --- unknown endpoint
api GET /containers/c1/nothing
is "$CODE" 404 "an unknown endpoint: 404"

done_testing
