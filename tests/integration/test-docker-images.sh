#!/bin/bash
# The Docker Engine API's image endpoints and /build (issue 16), through
# curl on the private daemon's Docker socket (status codes, JSON fields)
# and the real docker 20.10 client: images, inspect, history, tag, rmi,
# image prune, save | load (same Id), import, build (a cache hit the
# second time, a failing RUN, a broken Dockerfile), pull and push against
# a loopback docker-registry.
source "$(dirname "$0")/lib.sh"
source "$SRCDIR/tests/integration/lib-registry.sh"
source "$(dirname "$0")/lib-users.sh"
need_tools docker-registry curl
DOCKER=${LITE_DOCKER_CLI:-/var/cache/lite-test/docker-cli/docker}
[ -x "$DOCKER" ] || bail_out "the docker client is missing: $DOCKER (scripts/install-deps.sh --test)"
DSOCK=$T/lite-docker.sock
export DOCKER_HOST=unix://$DSOCK DOCKER_CONFIG=$T/docker-config DOCKER_BUILDKIT=0
mkdir -p "$DOCKER_CONFIG"
wait_for 10 test -S "$DSOCK" || bail_out "no Docker socket at $DSOCK"
dk() { timeout -k 5 60 "$DOCKER" "$@"; }
# api METHOD PATH [CURL_ARGS...]: sets CODE and BODY
api() {
	local m=$1 p=$2
	shift 2
	BODY=$(curl -s -o "$T/.body" -w '%{http_code}' --unix-socket "$DSOCK" -X "$m" "$@" "http://d/v1.41$p"; true)
	CODE=$BODY
	BODY=$(cat "$T/.body")
}
jq_() { "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }
ID0=$(lite image inspect testimg | jget Id)

# --- list, inspect, history, tag
api GET /images/json
is "$CODE" 200 "GET /images/json: 200"
is "$(printf '%s' "$BODY" | jq_ '[i["Id"] for i in d if "testimg:latest" in i["RepoTags"]][0]')" "$ID0" "the list has testimg with its Id"
like "$BODY" '"Created":[0-9]+,' "Created is unix seconds"
capture dk images --format '{{.Repository}}:{{.Tag}} {{.ID}}'
is_rc 0 "docker images"
like "$OUT" "^testimg:latest ${ID0:7:12}$" "docker images shows testimg"
api GET /images/testimg/json
is "$CODE" 200 "GET /images/testimg/json: 200"
is "$(printf '%s' "$BODY" | jq_ 'd["Id"]')" "$ID0" "inspect: Id"
is "$(printf '%s' "$BODY" | jq_ 'd["RootFS"]["Type"]')" "layers" "inspect: RootFS.Type"
capture dk image inspect -f '{{.Id}} {{.Os}}' testimg
is "$OUT" "$ID0 linux" "docker image inspect -f"
api GET /images/nosuch-dkimg/json
is "$CODE" 404 "inspect of a missing image: 404"
is "$BODY" '{"message":"No such image: nosuch-dkimg"}' "Docker's message"
capture dk image inspect nosuch-dkimg
isnt "$RC" 0 "docker image inspect of a missing image fails"
like "$ERR" 'No such image: nosuch-dkimg' "and says so"
api POST '/images/testimg/tag?repo=dkimg/one&tag=v1'
is "$CODE" 201 "POST /images/{name}/tag: 201"
is "$(lite image inspect dkimg/one:v1 | jget Id)" "$ID0" "the tag points at the image"
ok "docker tag" dk tag testimg dkimg/two
capture dk images --format '{{.Repository}}:{{.Tag}}' --filter reference='dkimg/*'
is "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" "dkimg/one:v1 dkimg/two:latest " "images --filter reference=dkimg/*"
api POST '/images/nosuch-dkimg/tag?repo=x&tag=y'
is "$CODE" 404 "tag of a missing image: 404"
api POST '/images/testimg/tag?repo=Bad_Ref&tag=x'
is "$CODE" 400 "tag with a bad reference: 400"
api GET '/images/json?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D'
is "$CODE" 400 "an unknown filter: 400"
like "$BODY" "bogus" "the filter is named"
api GET /images/testimg/history
is "$CODE" 200 "GET /images/{name}/history: 200"
is "$(printf '%s' "$BODY" | jq_ 'd[0]["Id"]')" "$ID0" "history: the newest entry carries the image id"
capture dk history testimg
is_rc 0 "docker history"
like "$(printf '%s' "$BODY" | jq_ 'd[0]["Size"]')" '^[1-9][0-9]*$' "history: a layer's entry has its size"

# --- rmi: untag, in use (409), missing (404)
capture dk rmi dkimg/two
is_rc 0 "docker rmi of a second tag"
like "$OUT" 'Untagged: dkimg/two:latest' "Untagged line"
lite create --name dkimg-user dkimg/one:v1 true >/dev/null
lite tag testimg dkimg/solo:1
lite run --rm dkimg/solo:1 true >/dev/null 2>&1
api DELETE /images/nosuch-dkimg
is "$CODE" 404 "DELETE of a missing image: 404"
api DELETE "/images/$ID0"
is "$CODE" 409 "DELETE by id of an image with several tags / in use: 409"
lite rm -f dkimg-user >/dev/null

# --- save | load: the same Id
dk save -o "$T/saved.tar" testimg
ok "docker save writes an archive" tar -tf "$T/saved.tar" manifest.json
CODE=$(curl -s -o "$T/two.tar" -w '%{http_code}' --unix-socket "$DSOCK" 'http://d/v1.41/images/get?names=testimg&names=dkimg/one:v1')
is "$CODE" 200 "GET /images/get with two names: 200"
like "$(tar -xOf "$T/two.tar" manifest.json)" 'dkimg/one:v1' "both names in the archive"
api GET '/images/nosuch-dkimg/get'
is "$CODE" 404 "save of a missing image: 404"
lite rmi dkimg/one:v1 dkimg/solo:1 >/dev/null
lite tag testimg dkimg/keep:1
lite rmi testimg >/dev/null
capture dk load -i "$T/saved.tar"
is_rc 0 "docker load"
like "$OUT" 'Loaded image: testimg:latest' "Loaded image: line"
is "$(lite image inspect testimg | jget Id)" "$ID0" "save | load keeps the Id"
api POST /images/load --data-binary 'not a tar' -H 'Content-Type: application/x-tar'
isnt "$CODE" 200 "load of a non-archive fails"

# --- import
mkdir -p "$T/imp"
echo imported >"$T/imp/hello"
tar -C "$T/imp" -cf "$T/imp.tar" .
capture dk import "$T/imp.tar" dkimg/imported:1
is_rc 0 "docker import"
like "$OUT" '^sha256:[0-9a-f]{64}$' "import prints the id"
is "$(lite image inspect dkimg/imported:1 | jget Id)" "$OUT" "the imported image is tagged"
capture dk import -c 'CMD ["/hello-cmd"]' -c 'ENV IMP=1' -m 'imported by test' "$T/imp.tar" dkimg/imported:2
is_rc 0 "docker import -c -m"
capture dk image inspect -f '{{json .Config.Cmd}} {{.Config.Env}} {{.Comment}}' dkimg/imported:2
like "$OUT" '^\["/hello-cmd"\] \[(PATH=[^ ]* )?IMP=1\] imported by test$' "import's changes and message are applied"
capture lite image inspect dkimg/imported:1
is_rc 0 "the earlier import of the same tar keeps its name"
capture dk import -c 'BOGUS x' "$T/imp.tar" dkimg/imported:3
isnt "$RC" 0 "import with a bad change fails"
capture lite image inspect dkimg/imported:3
isnt "$RC" 0 "and leaves no image under the name"

# --- commit, search
lite run --name dkimg-c testimg sh -c 'echo committed > /c.txt' >/dev/null
capture dk commit -c 'CMD ["cat", "/c.txt"]' -m 'by test' dkimg-c dkimg/committed:1
is_rc 0 "docker commit"
like "$OUT" '^sha256:[0-9a-f]{64}$' "commit prints the id"
capture lite run --rm dkimg/committed:1
is "$OUT" committed "the committed image has the change and its CMD"
lite rm dkimg-c >/dev/null
api POST '/commit?container=nosuch-dkimg&repo=x'
is "$CODE" 404 "commit of a missing container: 404"
api GET '/images/search?term=busybox'
is "$CODE" 501 "search: 501, named"

# --- prune
api POST '/images/prune?filters=%7B%22dangling%22%3A%5B%22true%22%5D%7D'
is "$CODE" 200 "POST /images/prune: 200"
like "$BODY" '"SpaceReclaimed":[0-9]+' "SpaceReclaimed"
capture dk image prune -a -f --filter label=dkimg.never=1
is_rc 0 "docker image prune -a --filter label=..."
capture lite image inspect dkimg/imported:1
is_rc 0 "the imported image survives a label-filtered prune"
capture dk image prune -a -f --filter until=1h
is_rc 0 "docker image prune -a --filter until=1h"
capture lite image inspect dkimg/imported:1
is_rc 0 "images younger than an hour stay"

# --- build
CTX=$T/ctx
mkdir -p "$CTX"
echo from-context >"$CTX/f.txt"
cat >"$CTX/Dockerfile" <<'DF'
FROM testimg
ARG WHO=nobody
COPY f.txt /f.txt
RUN echo "built by $WHO" > /who.txt && cat /f.txt
LABEL dkimg.build=yes
CMD ["cat", "/who.txt"]
DF
capture dk build -t dkimg/built:1 --build-arg WHO=docker "$CTX"
is_rc 0 "docker build -t"
like "$OUT" 'Step 1/6 : FROM testimg' "Docker's step lines"
like "$OUT" 'from-context' "RUN's output streams"
like "$OUT" 'Successfully tagged dkimg/built:1' "Successfully tagged"
capture lite run --rm dkimg/built:1
is "$OUT" "built by docker" "the built image runs with its CMD"
NALL=$(dk images -a -q | wc -l)
NTOP=$(dk images -q | wc -l)
is "$((NALL > NTOP))" 1 "images -a also lists the build's intermediate images, images does not ($NALL > $NTOP)"
like "$(dk images -a --format '{{.Repository}}:{{.Tag}}')" '<none>:<none>' "they are <none> rows, as Docker shows them"
capture dk build -t dkimg/built:1 --build-arg WHO=docker "$CTX"
is_rc 0 "a second build"
is "$(printf '%s\n' "$OUT" | grep -c 'Using cache')" 5 "every step after FROM is a cache hit"
capture dk images --filter label=dkimg.build=yes --format '{{.Repository}}:{{.Tag}}'
is "$OUT" "dkimg/built:1" "images --filter label="
mkdir -p "$CTX/sub"
printf 'FROM testimg\nRUN echo custom\n' >"$CTX/sub/Custom.df"
capture dk build -q -f "$CTX/sub/Custom.df" "$CTX"
is_rc 0 "docker build -q -f sub/Custom.df"
like "$OUT" '^sha256:[0-9a-f]{64}$' "-q prints only the id"
mkdir -p "$T/elsewhere"
printf 'FROM testimg\nCOPY . /ctx/\nRUN cat /ctx/f.txt\n' >"$T/elsewhere/Dockerfile"
capture dk build -f "$T/elsewhere/Dockerfile" "$CTX"
is_rc 0 "docker build -f a Dockerfile outside the context (the CLI appends it unpadded)"
like "$OUT" 'from-context' "COPY . of the context"
printf 'FROM testimg\nRUN echo failing; exit 3\n' >"$CTX/Dockerfile.fail"
capture dk build -f "$CTX/Dockerfile.fail" "$CTX"
is "$RC" 3 "a failing RUN: docker build exits with its code"
like "$ERR" "The command '/bin/sh -c echo failing; exit 3' returned a non-zero code: 3" "Docker's message"
like "$OUT" 'failing' "the RUN's output came first"
printf 'FROM testimg\nBOGUS x\n' >"$CTX/Dockerfile.bad"
capture dk build -f "$CTX/Dockerfile.bad" "$CTX"
isnt "$RC" 0 "a broken Dockerfile fails"
like "$ERR" 'BOGUS' "the error names the instruction"
is "$(lite ps -aq | wc -l)" 0 "failed builds leave no container"
mkdir -p "$T/slow"
printf 'FROM testimg\nRUN echo started; sleep 60\n' >"$T/slow/Dockerfile"
tar -C "$T/slow" -cf "$T/slow.tar" .
curl -s -N --max-time 5 --unix-socket "$DSOCK" -X POST --data-binary "@$T/slow.tar" 'http://d/v1.41/build?nocache=1' >"$T/slow.out"
like "$(cat "$T/slow.out")" 'started' "a slow build ran its RUN"
ok "a client that leaves stops the build: its RUN container goes" wait_for 30 sh -c "[ -z \"\$('$LITE' ps -aq)\" ]"
tar -C "$CTX" -czf "$T/ctx.tgz" .
api POST '/build?t=dkimg/gz:1&t=dkimg/gz:2' --data-binary "@$T/ctx.tgz" -H 'Content-Type: application/x-tar'
is "$CODE" 200 "POST /build with a gzip context: 200"
like "$BODY" '"aux":\{"ID":"sha256:[0-9a-f]{64}' "aux ID line"
is "$(lite image inspect dkimg/gz:2 | jget Id)" "$(lite image inspect dkimg/gz:1 | jget Id)" "every t= tags the image"
api POST '/build?remote=https://example.com/x.git' --data-binary "@$T/ctx.tgz"
is "$CODE" 400 "an unsupported build param: 400"
like "$BODY" 'remote' "it is named"

# --- pull and push against a loopback registry
start_registry open
R=127.0.0.1:$PORT
ok "docker tag for the registry" dk tag testimg "$R/dkimg/app:1"
capture dk push "$R/dkimg/app:1"
is_rc 0 "docker push"
like "$OUT" "1: digest: sha256:[0-9a-f]{64} size: [0-9]+" "push prints the digest"
dk rmi "$R/dkimg/app:1" >/dev/null
capture dk pull "$R/dkimg/app:1"
is_rc 0 "docker pull"
like "$OUT" "Status: (Downloaded newer image|Image is up to date) for $R/dkimg/app:1" "the pull's status line"
like "$OUT" 'Digest: sha256:' "the digest"
is "$(lite image inspect "$R/dkimg/app:1" | jget Id)" "$ID0" "push -> rmi -> pull keeps the Id"
api POST "/images/create?fromImage=$R/dkimg/absent&tag=1"
is "$CODE" 404 "pull of an image the registry lacks: 404"
capture dk pull "$R/dkimg/absent:1"
isnt "$RC" 0 "docker pull of a missing image fails"
capture dk pull -a "$R/dkimg/app"
isnt "$RC" 0 "docker pull --all-tags is refused, not half done"
like "$ERR" 'every tag' "and says why"
api POST "/images/$R/dkimg/app/push"
is "$CODE" 501 "a push without a tag (every tag): 501"
# X-Registry-Auth: the client sends the credentials of its config.json
command -v htpasswd >/dev/null || bail_out "htpasswd missing (apache2-utils)"
htpasswd -Bbn dkuser s3cret >"$T/htpasswd"
start_registry auth "$(printf '  htpasswd:\n    realm: lite-test\n    path: %s' "$T/htpasswd")"
A=127.0.0.1:$PORT
dk tag testimg "$A/dkimg/auth:1"
capture dk push "$A/dkimg/auth:1"
isnt "$RC" 0 "push to an auth registry without credentials fails"
like "$OUT$ERR" 'authentication' "and says why"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$A" "$(printf 'dkuser:s3cret' | base64)" >"$DOCKER_CONFIG/config.json"
capture dk push "$A/dkimg/auth:1"
is_rc 0 "push with X-Registry-Auth from the client's config.json"
dk rmi "$A/dkimg/auth:1" >/dev/null
capture dk pull "$A/dkimg/auth:1"
is_rc 0 "pull with X-Registry-Auth"
ok "the daemon kept no credentials" sh -c "! grep -rqs s3cret '$D' '$E' '$DAEMON_LOG'"
api POST "/images/create?fromImage=$A/dkimg/auth&tag=1" -H 'X-Registry-Auth: %%%'
is "$CODE" 400 "an X-Registry-Auth that does not decode: 400"
stop_registries

# --- a user other than root, through the same socket: the group that may
# use lite's socket may use the Docker one; the user's build runs in its
# user namespace; root's tags are not its to remove
stop_daemon
printf '{"bridge":"none","group":"%s"}\n' "$SOCK_GROUP" >"$T/daemon.json"
# the builder unpacks a context from the API in TMPDIR (/tmp may be
# closed to users on a test machine)
mkdir -p "$T/tmp" && chmod 1777 "$T/tmp"
# and with no LITE_HOST in the daemon's environment: the builder must
# still talk to this daemon's socket, not /run/lite.sock
printf '#!/bin/sh\nexec env -u LITE_HOST %q "$@"\n' "$CONTAINERD_LITE" >"$T/daemon-nohost.sh"
chmod +x "$T/daemon-nohost.sh"
TMPDIR=$T/tmp CONTAINERD_LITE=$T/daemon-nohost.sh start_daemon || bail_out "the daemon did not restart"
wait_for 10 test -S "$DSOCK" || bail_out "no Docker socket after the restart"
is "$(stat -c '%G %a' "$DSOCK")" "$SOCK_GROUP 660" "the Docker socket: the lite group, 0660"
UA=dk$$a; user_add "$UA"
mkdir -p "$T/uctx"
printf 'FROM testimg\nRUN awk '"'"'{ print "map " $1 " " ($2 != 0) }'"'"' /proc/self/uid_map\n' >"$T/uctx/Dockerfile"
chmod -R a+rX "$T/uctx"
udk() { timeout -k 5 60 setpriv --reuid="$UA" --regid="$(id -g "$UA")" --init-groups -- env HOME=/ DOCKER_CONFIG=/nonexistent "$DOCKER" "$@" </dev/null; }
capture dk build -q "$T/uctx"
is_rc 0 "/build reaches this daemon's socket whatever the daemon's environment"
capture udk build -t "$UA/app" "$T/uctx"
is_rc 0 "a non-root user builds through the Docker socket"
like "$OUT" 'map 0 1' "its RUN runs in its user namespace"
capture udk rmi testimg
is "$RC" 1 "it cannot remove root's tag"
like "$ERR" 'another user|permission|belongs' "and is told why"
capture udk images --format '{{.Repository}}'
like "$OUT" "$UA/app" "it lists its image"
done_testing
