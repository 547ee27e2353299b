#!/bin/bash
# The inspect template table (issue 12): the most common `docker inspect -f`
# templates against a real container (a volume, a bind, labels, env, a
# published port, two networks), each compared with the value it must give,
# taken where possible from outside inspect (the container's own eth0, the
# host's /proc, the data root). Then image, volume and network templates,
# lookups of any kind (--type, unknown names) and --format errors and
# {{json .}} in ps (bug 8). In a network namespace of its own (LIB_NETNS=1).
LIB_NETNS=1
source "$(dirname "$0")/lib.sh"

q() { "$@" >/dev/null; }
C=tpl$$
NET=tnet$$
VOL=tvol$$
mkdir -p "$T/hb"

ok "a network" q lite network create --subnet 10.70.31.0/24 "$NET"
ok "a volume" q lite volume create "$VOL"
capture lite run -d --name "$C" -v "$VOL:/data" -v "$T/hb:/hb:ro" -l k=v -l com.example.tier=front -e FOO=bar \
	-p 18080:80 --hostname tplhost -m 64m testimg sh -c 'sleep 1000'
is_rc 0 "run the container" || bail_out "no container: $ERR"
ID=$OUT
ok "connect it to a second network" q lite network connect "$NET" "$C"
ok "it runs" wait_for 10 is_running "$C"

# values from outside inspect
IP0=$(lite exec "$C" sh -c 'ip -4 -o addr show eth0' | sed -n 's|.* inet \([0-9.]*\)/.*|\1|p')
IP1=$(lite exec "$C" sh -c 'ip -4 -o addr show eth1' | sed -n 's|.* inet \([0-9.]*\)/.*|\1|p')
like "$IP0 $IP1" '^10\.66\.[0-9.]+ 10\.70\.31\.[0-9]+$' "the container has an address on each network"
HOSTNAME_IN=$(lite exec "$C" hostname)
IMG_ID=$(rfield image_inspect image testimg Id)
case $(uname -m) in x86_64) ARCH=amd64 ;; aarch64) ARCH=arm64 ;; *) ARCH=$(uname -m) ;; esac

T_RFC3339='^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?Z$'

# TEMPLATE <tab> = EXPECTED | ~ REGEX (one per line)
table() {
	cat <<EOF
{{.State.Status}}	= running
{{.State.Running}}	= true
{{.State.Paused}}	= false
{{.State.ExitCode}}	= 0
{{.State.OOMKilled}}	= false
{{.State.Error}}	= 
{{.State.FinishedAt}}	= 0001-01-01T00:00:00Z
{{.State.StartedAt}}	~ $T_RFC3339
{{.Created}}	~ $T_RFC3339
{{.Name}}	= /$C
{{upper .Name}}	= /${C^^}
{{.Id}}	= $ID
{{.Image}}	= $IMG_ID
{{.Config.Image}}	= testimg
{{.Config.Hostname}}	= $HOSTNAME_IN
{{.Config.Cmd}}	= [sh -c sleep 1000]
{{.Config.Entrypoint}}	= []
{{.Path}}	= sh
{{join .Args " "}}	= -c sleep 1000
{{json .Args}}	= ["-c","sleep 1000"]
{{json .Config.Env}}	~ ^\[.*"FOO=bar".*\]$
{{range .Config.Env}}{{if eq . "FOO=bar"}}found{{end}}{{end}}	= found
{{index .Config.Labels "k"}}	= v
{{index .Config.Labels "com.example.tier"}}	= front
{{index .Config.Labels "missing"}}	= 
{{.Config.Labels}}	= map[com.example.tier:front k:v]
{{range \$k, \$v := .Config.Labels}}{{\$k}}={{\$v}};{{end}}	= com.example.tier=front;k=v;
{{json .Config.Labels}}	= {"com.example.tier":"front","k":"v"}
{{.Config.Healthcheck}}	= <nil>
{{.HostConfig.Memory}}	= 67108864
{{.HostConfig.RestartPolicy.Name}}	= no
{{.HostConfig.NetworkMode}}	= bridge
{{.HostConfig.PortBindings}}	= map[80/tcp:[{ 18080}]]
{{.HostConfig.Privileged}}	= false
{{.RestartCount}}	= 0
{{.NetworkSettings.IPAddress}}	= $IP0
{{.NetworkSettings.Gateway}}	= 10.66.0.1
{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}	= $IP0 $IP1 
{{.NetworkSettings.Networks.$NET.IPAddress}}	= $IP1
{{with index .NetworkSettings.Networks "$NET"}}{{.Gateway}}/{{.IPPrefixLen}}{{end}}	= 10.70.31.1/24
{{range \$n, \$e := .NetworkSettings.Networks}}{{\$n}} {{end}}	= bridge $NET 
{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}	= 18080
{{range \$p, \$b := .NetworkSettings.Ports}}{{\$p}}->{{(index \$b 0).HostPort}}{{end}}	= 80/tcp->18080
{{len .Mounts}}	= 2
{{range .Mounts}}{{.Source}} {{end}}	= $D/volumes/$VOL/_data $T/hb 
{{range .Mounts}}{{.Type}}:{{.Destination}}:{{.RW}} {{end}}	= volume:/data:true bind:/hb:false 
{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}}{{end}}{{end}}	= $VOL
{{.GraphDriver.Name}}	= overlay2
{{.GraphDriver.Data.UpperDir}}	= $D/containers/$ID/upper
{{.LogPath}}	= $D/containers/$ID/container.log
{{if .State.Running}}up{{else}}down{{end}}	= up
{{printf "%s:%d" .Config.Hostname .State.ExitCode}}	= $HOSTNAME_IN:0
{{.State.Pid}}	~ ^[1-9][0-9]*$
EOF
}

while IFS=$'\t' read -r tmpl want; do
	capture lite inspect -f "$tmpl" "$C"
	if [ "$RC" != 0 ]; then
		fail "inspect -f '$tmpl'" "rc=$RC stderr: $ERR"
	elif [ "${want:0:1}" = "~" ]; then
		like "$OUT" "${want:2}" "inspect -f '$tmpl'"
	else
		is "$OUT" "${want:2}" "inspect -f '$tmpl'"
	fi
done < <(table)

PID=$(lite inspect -f '{{.State.Pid}}' "$C")
like "$(tr '\0' ' ' <"/proc/$PID/cmdline" 2>&1)" '^sleep 1000 ?$' "State.Pid is the container's process on the host"
CREATED=$(lite inspect -f '{{.Created}}' "$C")
ok "Created is within a minute of now" test $(( $(date -u +%s) - $(date -u -d "$CREATED" +%s) )) -lt 60
ok "the upper dir exists" test -d "$(lite inspect -f '{{.GraphDriver.Data.UpperDir}}' "$C")"

# --- an image's entrypoint: Config.Entrypoint and Config.Cmd apart
ok "commit an image with an ENTRYPOINT" q lite commit -c 'ENTRYPOINT ["echo","hi"]' "$C" "tplimg$$:1"
ok "create from it" q lite create --name "tpe$$" "tplimg$$:1" there
is "$(lite inspect -f '{{.Config.Entrypoint}}|{{.Config.Cmd}}|{{.Path}}|{{.Args}}' "tpe$$")" \
	"[echo hi]|[there]|echo|[hi there]" "Config.Entrypoint and Config.Cmd are Docker's split; Path and Args"
is "$(lite inspect -f '{{.Config.Entrypoint}}' "tplimg$$:1")" "[echo hi]" "the image's Config.Entrypoint"
ok "create with --entrypoint" q lite create --name "tpf$$" --entrypoint printf "tplimg$$:1" '%s\n' x
is "$(lite inspect -f '{{.Config.Entrypoint}}|{{.Config.Cmd}}|{{.Path}}' "tpf$$")" \
	"[printf]|[%s\n x]|printf" "--entrypoint: Config.Entrypoint apart from Config.Cmd"
ok "remove it" q lite rm "tpf$$"
ok "remove them" q sh -c "'$LITE' rm tpe$$ && '$LITE' rmi tplimg$$:1"

# --- images, volumes, networks
capture lite image inspect -f '{{.Id}}|{{.RepoTags}}|{{json .RepoTags}}|{{.Os}}/{{.Architecture}}' testimg
is "$OUT" "$IMG_ID|[testimg:latest]|[\"testimg:latest\"]|linux/$ARCH" "image inspect: Id, RepoTags, Os, Architecture"
like "$(lite image inspect -f '{{.RootFS.Layers}} {{.Size}} {{.Config.Cmd}}' testimg)" \
	'^\[sha256:[0-9a-f]{64}\] [1-9][0-9]* \[\]$' "image inspect: RootFS.Layers, Size, a nil Cmd prints []"
is "$(lite inspect -f '{{.Id}}' testimg)" "$IMG_ID" "inspect finds an image"
is "$(lite volume inspect -f '{{.Name}} {{.Driver}} {{.Scope}} {{.Mountpoint}}' "$VOL")" \
	"$VOL local local $D/volumes/$VOL/_data" "volume inspect --format"
is "$(lite inspect -f '{{.Name}}' "$VOL")" "$VOL" "inspect finds a volume"
is "$(lite network inspect -f '{{.Name}} {{.Driver}} {{(index .IPAM.Config 0).Subnet}} {{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}' "$NET")" \
	"$NET bridge 10.70.31.0/24 $C $IP1/24" "network inspect --format"
is "$(lite inspect --type network -f '{{.Id}}' "$NET" | wc -c)" 65 "inspect --type network"

# --- unknown names, --type, errors
capture lite inspect "nosuch$$"
is "$RC/$OUT/$ERR" "1/[]/Error: No such object: nosuch$$" "an unknown name: [] and docker's error, exit 1"
capture lite inspect -f '{{.Name}}' "$C" "nosuch$$"
is "$RC/$OUT/$ERR" "1//$C/Error: No such object: nosuch$$" "the found ones are printed first"
capture lite inspect --type image "$C"
is "$RC/$ERR" "1/Error: No such image: $C" "--type image does not find a container"
capture lite inspect --type bogus "$C"
is "$RC" 1 "--type bogus fails"
capture lite inspect -f '{{.Nope}}' "$C"
is "$RC/$ERR" "1/template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope" "an unknown field fails with Go's message"
capture lite inspect -f '{{.Name' "$C"
like "$RC $ERR" '^1 Template parsing error: template: :1: unclosed action$' "a bad template fails before any lookup"
is "$(lite inspect --format json "$C" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["Name"])' 2>&1)" "/$C" \
	"inspect --format json: one JSON object"
capture lite inspect -s -f '{{.SizeRw}} {{.SizeRootFs}}' "$C"
like "$RC $OUT" '^0 [0-9]+ [1-9][0-9]*$' "inspect -s adds SizeRw and SizeRootFs"
is "$(lite inspect -f '{{.SizeRw}}' "$C")" "<nil>" "without -s SizeRw is nil, as docker's"

# --- ps --format (bug 8)
capture lite ps -a --format '{{json .}}'
is_rc 0 "ps --format '{{json .}}' exits 0"
is "$(printf '%s\n' "$OUT" | "$PY" -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin if l.strip()]
print(len(rows), all("ID" in r and "Names" in r for r in rows))' 2>&1)" "1 True" "...one JSON object per container"
capture lite ps --format '{{.Nope}}'
like "$RC|$ERR" '^[1-9][0-9]*\|template: :1:2: executing "" at <.Nope>: can.t evaluate field Nope$' \
	"ps: an unknown field fails with one line"
capture lite ps --format 'table {{.ID}}\t{{.Names}}\t{{upper .Image}}'
like "$(printf '%s\n' "$OUT" | head -n 1)" '^CONTAINER ID +NAMES +IMAGE$' "table header from field names"
like "$(printf '%s\n' "$OUT" | sed -n 2p)" "^${ID:0:12} +$C +TESTIMG\$" "table row with a function"

ok "clean up" q lite rm -f "$C"
done_testing
