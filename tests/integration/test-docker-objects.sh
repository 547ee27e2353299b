#!/bin/bash
# The Docker Engine API's networks, volumes, /events and /system/df
# (issue 16), with curl for status codes and JSON and with the real docker
# client. In a network namespace of the test's own (LIB_NETNS=1).
LIB_NETNS=1
source "$(dirname "$0")/lib.sh"

DOCKER=${LITE_DOCKER_CLI:-/var/cache/lite-test/docker-cli/docker}
DSOCK=$T/lite-docker.sock
export DOCKER_HOST=unix://$DSOCK DOCKER_CONFIG=$T/docker-config
mkdir -p "$DOCKER_CONFIG"

[ -x "$DOCKER" ] || bail_out "the docker client is missing at $DOCKER (scripts/install-deps.sh --test puts it there)"
wait_for 10 test -S "$DSOCK" || bail_out "no Docker API socket at $DSOCK"

docker() { timeout -k 5 30 "$DOCKER" "$@" </dev/null; }
# api METHOD PATH [BODY]: prints the body, then the status on its own line
api() {
	curl -sS --max-time 20 --unix-socket "$DSOCK" -X "$1" -H 'Content-Type: application/json' \
		${3:+--data "$3"} -w '\n%{http_code}' "http://localhost/v1.41$2"
}
status() { printf '%s\n' "$1" | tail -n 1; }
body() { printf '%s\n' "$1" | sed '$d'; }
urlenc() { "$PY" -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

P=do$$
START=$(date +%s)

# ------------------------------------------------------------- networks
capture docker network create --subnet 10.91.7.0/24 --gateway 10.91.7.1 --label team=a "${P}net"
is_rc 0 "docker network create --subnet --gateway --label"
like "$OUT" '^[0-9a-f]{64}$' "network create prints the id"
NID=$OUT
capture docker network ls --format '{{.Name}} {{.Driver}}' --filter name="${P}net"
is "$OUT" "${P}net bridge" "docker network ls --filter name"
capture docker network ls -q --filter label=team=a
is "$OUT" "${NID:0:12}" "docker network ls --filter label=team=a"
capture docker network ls --format '{{.Name}}' --filter type=custom
like "$OUT" "${P}net" "--filter type=custom lists it"
unlike "$OUT" '^(bridge|host|none)$' "--filter type=custom leaves the built-in ones out"
capture docker network ls --format '{{.Name}}' --filter type=builtin
like "$OUT" '^host$' "--filter type=builtin lists host"
capture docker network inspect -f '{{.Name}} {{.Driver}} {{(index .IPAM.Config 0).Subnet}} {{(index .IPAM.Config 0).Gateway}} {{.Labels.team}}' "${P}net"
is "$OUT" "${P}net bridge 10.91.7.0/24 10.91.7.1 a" "docker network inspect: name, driver, IPAM, labels"
R=$(api POST /networks/create "{\"Name\":\"${P}net\",\"CheckDuplicate\":true}")
is "$(status "$R")" 409 "a duplicate network: 409"
R=$(api POST /networks/create "{\"Name\":\"${P}x\",\"Driver\":\"overlay\"}")
is "$(status "$R")" 400 "another driver: 400"
like "$(body "$R")" 'Driver' "the 400 names the field"
R=$(api POST /networks/create "{\"Name\":\"${P}x\",\"Internal\":true}")
is "$(status "$R")" 400 "Internal: 400 (not silently ignored)"
R=$(api POST /networks/create '{"Name":')
is "$(status "$R")" 400 "bad JSON: 400"
R=$(api GET "/networks/${P}nosuch")
is "$(status "$R")" 404 "an unknown network: 404"
R=$(api POST /networks/create "{\"Name\":\"${P}n2\",\"Labels\":{\"k\":\"v\"}}")
is "$(status "$R")" 201 "POST /networks/create: 201"
is "$(body "$R" | jget Warning)" "" "create answers Id and Warning"
R=$(api GET "/networks?filters=$(urlenc "{\"name\":[\"${P}n2\"]}")")
is "$(body "$R" | jget Labels.k)" v "GET /networks?filters={name}: the network with its labels"

lite run -d --name "${P}c" testimg sleep 300 >/dev/null
lite run -d --name "${P}p" --network "${P}net" testimg sleep 300 >/dev/null
wait_for 10 is_running "${P}c"; wait_for 10 is_running "${P}p"
capture docker network connect --ip 10.91.7.50 --alias "${P}alias" "${P}net" "${P}c"
is_rc 0 "docker network connect --ip --alias"
capture docker network inspect -f '{{range .Containers}}{{.Name}}={{.IPv4Address}} {{end}}' "${P}net"
like "$OUT" "${P}c=10.91.7.50/24" "network inspect lists the connected container at its address"
capture lite exec "${P}p" cat /etc/hosts
like "$OUT" "10\.91\.7\.50.*${P}alias" "a peer on the network knows the alias"
capture docker network disconnect "${P}net" "${P}c"
is_rc 0 "docker network disconnect"
capture docker network inspect -f '{{range .Containers}}{{.Name}} {{end}}' "${P}net"
unlike "$OUT" "${P}c " "disconnected: gone from the network"
# what docker-compose does before a start: disconnect, connect with aliases
lite create --name "${P}cr" --network "${P}net" testimg sleep 300 >/dev/null
capture docker network disconnect "${P}net" "${P}cr"
is_rc 0 "docker network disconnect of a created container"
capture docker network connect --alias "${P}svc" "${P}net" "${P}cr"
is_rc 0 "docker network connect of a created container"
lite start "${P}cr" >/dev/null
ok "the created container runs" wait_for 10 is_running "${P}cr"
capture lite exec "${P}cr" ip -4 -o addr show
like "$OUT" 'inet 10\.91\.7\.' "connected before its start: an address on the network"
capture lite exec "${P}p" cat /etc/hosts
like "$OUT" "10\.91\.7\..*${P}svc" "a peer knows its alias"
lite rm -f "${P}cr" >/dev/null
R=$(api DELETE "/networks/${P}net")
is "$(status "$R")" 409 "removing a network a running container uses: 409"
lite rm -f "${P}p" >/dev/null
capture docker network rm "${P}net"
is_rc 0 "docker network rm"
capture docker network prune -f
is_rc 0 "docker network prune -f"
like "$OUT" "${P}n2" "prune removed the unused network"
R=$(api GET "/networks/${P}n2")
is "$(status "$R")" 404 "pruned: 404"

# -------------------------------------------------------------- volumes
capture docker volume create --label color=blue "${P}v"
is_rc 0 "docker volume create --label"
is "$OUT" "${P}v" "volume create prints the name"
capture docker volume inspect -f '{{.Name}} {{.Driver}} {{.Labels.color}} {{.Scope}}' "${P}v"
is "$OUT" "${P}v local blue local" "docker volume inspect"
capture docker volume ls -q --filter label=color=blue
is "$OUT" "${P}v" "docker volume ls --filter label"
docker volume create "${P}w" >/dev/null
capture docker volume ls -q --filter name="${P}w"
is "$OUT" "${P}w" "docker volume ls --filter name"
lite run -d --name "${P}m" -v "${P}v:/data" testimg sleep 300 >/dev/null
capture docker volume ls -q --filter dangling=true
like "$OUT" "^${P}w\$" "dangling=true lists the unused volume"
unlike "$OUT" "^${P}v\$" "dangling=true leaves out the mounted one"
R=$(api DELETE "/volumes/${P}v")
is "$(status "$R")" 409 "removing a volume in use: 409"
capture docker volume rm "${P}v"
isnt "$RC" 0 "docker volume rm of a volume in use fails"
R=$(api GET "/volumes/${P}nosuch")
is "$(status "$R")" 404 "an unknown volume: 404"
like "$(body "$R")" 'no such volume' "404: no such volume"
R=$(api POST /volumes/create '{"Name":"x","Driver":"nfs"}')
is "$(status "$R")" 400 "another volume driver: 400"
R=$(api POST /volumes/create '{"Name":"x","DriverOpts":{"type":"tmpfs"}}')
is "$(status "$R")" 400 "DriverOpts: 400"
R=$(api POST /volumes/create "{\"Name\":\"${P}api\",\"Labels\":{\"a\":\"b\"}}")
is "$(status "$R")" 201 "POST /volumes/create: 201"
is "$(body "$R" | jget Labels.a)" b "created with its labels"
R=$(api GET /volumes)
like "$(body "$R" | jget Warnings)" '^\[\]$' "GET /volumes: Volumes and Warnings"

# ---------------------------------------------------- system df, events
capture docker system df
is_rc 0 "docker system df"
like "$OUT" '^Images +[0-9]+ +[0-9]+' "system df: an Images line"
like "$OUT" '^Containers +[0-9]+ +[0-9]+' "system df: a Containers line"
like "$OUT" '^Local Volumes +[0-9]+ +[0-9]+' "system df: a Local Volumes line"
capture docker system df -v
is_rc 0 "docker system df -v"
like "$OUT" "${P}v +1 " "system df -v: the volume with its one link"
like "$OUT" "${P}m" "system df -v: the container"
like "$(printf '%s\n' "$OUT" | grep "${P}m\$")" ' 1 +[0-9.]+k?B ' "system df -v: the container's one local volume"
R=$(api GET /system/df)
is "$(body "$R" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(sorted(d), type(d["LayersSize"]).__name__)')" \
	"['BuildCache', 'Containers', 'Images', 'LayersSize', 'Volumes'] int" "GET /system/df: Docker's keys"

lite rm -f "${P}m" >/dev/null
capture docker volume prune -f
is_rc 0 "docker volume prune -f"
like "$OUT" "${P}v" "volume prune removed the unused volume"
R=$(api GET "/volumes/${P}v")
is "$(status "$R")" 404 "pruned volume: 404"

# --until 0s is "now" in whole seconds (the client truncates, dockerd
# compares in ns): events of the current second are after it
sleep 1.1
capture docker events --since "$START" --until 0s --filter type=network --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'
is_rc 0 "docker events --since --until ends"
like "$OUT" "network create ${P}net" "events: the network's create"
like "$OUT" "network destroy ${P}net" "events: the network's destroy"
capture docker events --since 1m --until 0s --filter container="${P}c" --filter event=connect --format '{{.Action}}'
unlike "$OUT" 'start' "events --filter event=connect leaves other actions out"
R=$(curl -sS --max-time 20 --unix-socket "$DSOCK" "http://localhost/v1.41/events?since=$START&until=$(date +%s)&filters=$(urlenc '{"type":["volume"]}')")
is "$(printf '%s\n' "$R" | head -n 1 | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["Type"], sorted(d)==sorted(["Type","Action","Actor","scope","time","timeNano"]))')" \
	"volume True" "GET /events: JSON lines in Docker's shape"
R=$(api GET "/events?filters=$(urlenc '{"nope":["x"]}')")
is "$(status "$R")" 400 "events with an unknown filter: 400"

# a live stream while a container runs and dies
timeout 30 "$DOCKER" events --filter container="${P}live" --format '{{.Status}} {{.Action}}' >"$T/live" 2>&1 &
EV=$!
sleep 1
lite run --name "${P}live" testimg sh -c 'exit 2' >/dev/null 2>&1
ok "docker events sees the container die" wait_for 15 grep -q '^die die' "$T/live"
kill "$EV" 2>/dev/null; wait "$EV" 2>/dev/null
like "$(cat "$T/live")" 'start start' "live events: start before die"

# name resolution on a user network, a published port, system prune
docker network create "${P}app" >/dev/null
docker run -d --name "${P}srv" --network "${P}app" testimg httpd -f -p 80 -h /etc >/dev/null
capture docker run --rm --network "${P}app" testimg wget -qO- "http://${P}srv/hostname"
is_rc 0 "docker run on a user network reaches another container by name"
PORT=$((20000 + RANDOM % 20000))
docker run -d --name "${P}pub" -p "127.0.0.1:$PORT:80" testimg httpd -f -p 80 -h /etc >/dev/null
wait_for 10 in_ns curl -sf -o /dev/null "http://127.0.0.1:$PORT/passwd"
is "$(in_ns curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$PORT/passwd")" 200 "docker run -p 127.0.0.1:PORT:80 answers"
docker rm -f "${P}srv" "${P}pub" >/dev/null
docker create --name "${P}dead" testimg true >/dev/null
capture docker system prune -f
is_rc 0 "docker system prune -f (containers, networks, images, build cache)"
like "$OUT" "${P}app" "system prune: the unused network is deleted"
capture lite ps -a --format '{{.Names}}'
unlike "$OUT" "${P}dead" "system prune: the stopped container is gone"
capture docker builder prune -f
is_rc 0 "docker builder prune -f"
R=$(api POST "/build/prune?filters=$(urlenc '{"until":["1h"]}')")
is "$(status "$R")" 400 "build cache prune with filters: 400 (not silently ignored)"

lite rm -f "${P}c" "${P}live" >/dev/null 2>&1
docker volume rm "${P}w" "${P}api" >/dev/null 2>&1
done_testing
