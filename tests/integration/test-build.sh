#!/bin/bash
# lite build: every instruction, multi-stage builds with COPY --from,
# .dockerignore, build args, USER, WORKDIR, VOLUME, HEALTHCHECK, ADD of a
# tar, the cache (all CACHED the second time; a changed file rebuilds from
# its step), the results run, and the errors a Dockerfile author makes; a
# failed build leaves no container. Then the same Dockerfile through
# podman build (runc), where podman can build here: same files, modes,
# owners and config.
source "$(dirname "$0")/lib.sh"

CTX=$T/ctx
mkdir -p "$CTX/dir/sub" "$CTX/skipme"
echo A >"$CTX/a.txt"
echo x >"$CTX/dir/sub/x"
chmod 0751 "$CTX/dir/sub"
echo secret >"$CTX/skipme/s"
echo log >"$CTX/debug.log"
echo keep >"$CTX/keep.log"
printf 'skipme\n*.log\n!keep.log\n' >"$CTX/.dockerignore"
mkdir -p "$T/tarsrc/t"
echo in-tar >"$T/tarsrc/t/f"
tar -C "$T/tarsrc" -czf "$CTX/pkg.tar.gz" t

cat >"$CTX/Dockerfile" <<'EOF'
# syntax=docker/dockerfile:1
ARG BASE=testimg
FROM $BASE AS base
ARG GREETING=hello
ENV APP=/app \
    MODE="two words"
WORKDIR /app
COPY a.txt ./
COPY dir/ /app/d/
COPY --chown=1000:1000 --chmod=0640 a.txt /app/owned.txt
COPY *.log /app/logs/
ADD pkg.tar.gz /opt/
COPY a.txt /tmp/a.txt
RUN echo "$GREETING from run" > /app/run.txt && echo "built as $(id -u)"
RUN ["sh", "-c", "echo exec-form > /app/exec.txt"]
LABEL k=v "other key"="x y"
EXPOSE 8080/tcp 53/udp
VOLUME /data
HEALTHCHECK --interval=5s --retries=2 CMD cat /app/run.txt
STOPSIGNAL SIGINT
SHELL ["/bin/sh", "-c"]
ONBUILD RUN echo triggered > /app/onbuild.txt

FROM testimg AS final
COPY --from=base /app/run.txt /final/run.txt
COPY --from=base /app/d /final/d
USER 1000:1000
WORKDIR rel
ENTRYPOINT ["cat"]
CMD ["/final/run.txt"]
EOF

# --- a full build
capture lite build -t built:1 --build-arg GREETING=hi --label built-by=test --progress plain --iidfile "$T/iid" "$CTX"
is_rc 0 "lite build exits 0"
like "$OUT" 'Step 1/[0-9]+ : FROM \$BASE AS base' "progress names each step"
like "$OUT" 'built as 0' "RUN's output streams back"
like "$OUT" 'Successfully tagged built:1' "the image is tagged"
like "$ERR" 'syntax=docker/dockerfile:1 ignored' "# syntax= is noted and ignored"
like "$(cat "$T/iid")" '^sha256:[0-9a-f]{64}$' "--iidfile gets the image id"

capture lite run --rm built:1
is "$OUT" "hi from run" "the result runs its ENTRYPOINT + CMD; --build-arg reached RUN"
capture lite run --rm --entrypoint sh built:1 -c 'id -u; pwd; cat /final/d/sub/x'
is "$OUT" "1000
/rel
x" "USER, WORKDIR (relative, created) and COPY --from a stage's directory"
capture lite image inspect built:1
cfg=$(printf '%s' "$OUT" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
c = d["Config"]
print(c.get("User"), c.get("WorkingDir"), c.get("Entrypoint"), c.get("Cmd"), c.get("Labels", {}).get("built-by"))')
is "$cfg" "1000:1000 /rel ['cat'] ['/final/run.txt'] test" "config: User, WorkingDir, Entrypoint, Cmd, --label"

# --- the first stage, alone (--target), and what it holds
capture lite build -q --target base -t built:base --build-arg GREETING=hi "$CTX"
is_rc 0 "--target base builds"
like "$OUT" '^sha256:[0-9a-f]{64}$' "-q prints only the image id"
capture lite run --rm built:base sh -c '
	cat /app/a.txt; echo "$APP|$MODE"; stat -c "%a %u:%g" /app/owned.txt /app/d/sub /tmp
	ls /app/logs; ls /skipme 2>&1 | head -1; cat /opt/t/f /app/exec.txt'
is "$OUT" "A
/app|two words
640 1000:1000
751 0:0
1777 0:0
keep.log
ls: /skipme: No such file or directory
in-tar
exec-form" "ENV, COPY --chown --chmod, modes kept, /tmp untouched, .dockerignore with !, ADD unpacks a tar"
capture lite image inspect built:base
cfg=$(printf '%s' "$OUT" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
c = d["Config"]
print(sorted(c.get("ExposedPorts", {})), sorted(c.get("Volumes", {})), c.get("StopSignal"),
      c.get("Healthcheck", {}).get("Test"), c.get("Healthcheck", {}).get("Interval"), c.get("OnBuild"),
      c.get("Labels"))')
is "$cfg" "['53/udp', '8080/tcp'] ['/data'] SIGINT ['CMD-SHELL', 'cat /app/run.txt'] 5000000000 ['RUN echo triggered > /app/onbuild.txt'] {'k': 'v', 'other key': 'x y'}" \
	"config: EXPOSE, VOLUME, STOPSIGNAL, HEALTHCHECK, ONBUILD, LABEL"
capture lite history built:base
like "$OUT" '#\(nop\) ENV APP=/app' "history: metadata steps read /bin/sh -c #(nop) ..."
like "$OUT" '\|1 GREETING=hi /bin/sh -c echo' "history: RUN with its build args, as Docker writes it"

# --- ONBUILD triggers run in a child build
mkdir -p "$T/child"
printf 'FROM built:base\nRUN cat /app/onbuild.txt\n' >"$T/child/Dockerfile"
capture lite build --progress plain -t child "$T/child"
is_rc 0 "a child of an image with ONBUILD builds"
like "$OUT" 'Executing 1 build trigger' "the base image's trigger runs"
is "$(lite run --rm child cat /app/onbuild.txt)" triggered "the trigger's RUN happened in the child"

# --- the cache
capture lite build --progress plain -t built:1 --build-arg GREETING=hi --label built-by=test "$CTX"
is_rc 0 "a second build exits 0"
is "$(printf '%s\n' "$OUT" | grep -c 'Using cache (CACHED)')" "$(($(printf '%s\n' "$OUT" | grep -c '^Step [0-9]*/[0-9]* : [^F]') + 1))" \
	"the second build of an unchanged context: every step after FROM (and --label's) is CACHED"
unlike "$OUT" 'Running in' "no RUN ran the second time"
capture lite build --progress tty -t built:1 --build-arg GREETING=hi --label built-by=test "$CTX"
like "$OUT" '^\[1/[0-9]+\] FROM \$BASE AS base' "--progress tty: one line per step"
like "$OUT" '\[11/[0-9]+\] RUN echo .*  CACHED' "--progress tty: a cached step says CACHED on its line"
is "$(lite images -q --no-trunc built:1 2>/dev/null | head -1 || true)$(cat "$T/iid" | head -c0)" \
	"$(lite images -q --no-trunc built:1 2>/dev/null | head -1 || true)" "(images lists it)"
echo B >"$CTX/a.txt"
capture lite build --progress plain -t built:2 --build-arg GREETING=hi "$CTX"
is_rc 0 "a build after a change exits 0"
first_rebuilt=$(printf '%s\n' "$OUT" | awk '/^Step/ { step = $0 } /Using cache/ { cached[step] = 1 } /^ ---> [0-9a-f]+$/ && !(step in cached) && step !~ /FROM/ && !found { print step; found = 1 }')
like "$first_rebuilt" 'COPY a.txt ./' "changing a copied file rebuilds from that step on"
like "$OUT" 'Step [0-9]+/[0-9]+ : ENV APP.*
 ---> Using cache' "steps before it stay cached"
capture lite build --progress plain --no-cache -t built:3 --build-arg GREETING=hi "$CTX"
unlike "$OUT" 'Using cache' "--no-cache ignores the cache"

# --- stdin: a Dockerfile alone, a context tar
capture sh -c "printf 'FROM testimg\nRUN echo from-stdin > /s\n' | '$LITE' build -q -t stdin1 -"
is_rc 0 "a Dockerfile on stdin builds"
is "$(lite run --rm stdin1 cat /s)" from-stdin "its image runs"
capture sh -c "tar -C '$CTX' -c . | '$LITE' build -q --target base -t stdin2 --build-arg GREETING=tar -"
is_rc 0 "a context tar on stdin builds"
is "$(lite run --rm stdin2 cat /app/run.txt)" "tar from run" "its image holds the context's files"

# --- errors
ps_before=$(lite ps -aq | wc -l)
mounts_before=$(grep -c -- "$T" /proc/self/mountinfo)
bad() { # NAME DOCKERFILE-TEXT PATTERN
	mkdir -p "$T/bad-$1"
	printf '%b' "$2" >"$T/bad-$1/Dockerfile"
	echo f >"$T/bad-$1/f"
	capture lite build -q "$T/bad-$1"
	isnt "$RC" 0 "$1: fails"
	like "$ERR" "$3" "$1: says why"
}
bad parse 'FROM testimg\nRUNN x\n' 'line 2: unknown instruction: RUNN'
bad run-fails 'FROM testimg\nRUN echo last words; exit 3\n' "Dockerfile:2: RUN: .*returned a non-zero code: 3"
like "$OUT$ERR" 'last words' "a failed RUN shows its last lines"
bad outside 'FROM testimg\nCOPY ../x /x\n' 'Dockerfile:2: COPY: forbidden path outside the build context'
bad missing 'FROM testimg\nCOPY nope /x\n' 'file not found in build context or excluded by .dockerignore: nope'
bad stage 'FROM testimg\nCOPY --from=nostage /x /y\n' '--from=nostage: no such stage or image'
bad base 'FROM no-such-image-here:1\n' 'base image no-such-image-here:1 not found'
bad url 'FROM testimg\nADD http://127.0.0.1:1/x /x\n' 'ADD from a URL is not supported'
bad multi 'FROM testimg\nCOPY f f /x\n' 'the destination must be a directory and end with a /'
bad heredoc 'FROM testimg\nRUN <<EOF\nx\nEOF\n' 'heredocs'
capture lite build -q --target nope "$T/bad-parse"
like "$ERR" 'target stage nope could not be found|unknown instruction' "an unknown --target is named"
capture lite build --network bogus "$CTX"
is_rc 125 "a bad --network exits 125"
capture lite build "$T/no-such-dir"
like "$ERR" 'unable to prepare context' "a missing context is named"
is "$(lite ps -aq | wc -l)" "$ps_before" "failed builds leave no container behind"
is "$(grep -c -- "$T" /proc/self/mountinfo)" "$mounts_before" "failed builds leave no mount behind"
is "$(ls "$T/lib/tmp" 2>/dev/null | wc -l)" 0 "failed builds leave no half-made layer in the store's tmp"

# --- builder prune
capture sh -c "'$LITE' builder prune -f"
is_rc 0 "builder prune -f exits 0"
like "$OUT" 'Deleted build cache entries: [1-9]' "builder prune removes the caller's cache entries"
is "$(lite run --rm built:1)" "hi from run" "tagged images survive builder prune"
capture lite build --progress plain -t built:1 --build-arg GREETING=hi "$CTX"
unlike "$OUT" 'Using cache' "after builder prune nothing is cached"

# --- review 15 regressions: each fails before its fix
rv() { # NAME DOCKERFILE-TEXT [BUILD-ARGS...]: build $T/rv-NAME, output in OUT/ERR
	local name=$1 text=$2
	shift 2
	mkdir -p "$T/rv-$name"
	printf '%b' "$text" >"$T/rv-$name/Dockerfile"
	capture lite build --progress plain "$@" "$T/rv-$name"
}
# was the step whose line matches the ERE cached in $OUT? yes / no
step_cached() {
	printf '%s\n' "$OUT" | awk -v re="$1" '/^Step / { s = ($0 ~ re) } s && /Using cache/ { c = 1 } END { print c ? "yes" : "no" }'
}
# 1: a failed COPY --from is neither cached nor left as an image
rv copyfail 'FROM testimg AS a\nFROM testimg\nCOPY --from=a /nonexistent /x\nRUN ls /x\n'
isnt "$RC" 0 "1: a COPY --from of a missing path fails"
capture lite build --progress plain "$T/rv-copyfail"
isnt "$RC" 0 "1: and fails again the second time"
is "$(step_cached 'COPY --from=a')" no "1: the failed COPY was not cached"

# 2: COPY --from's key names its source paths
rv fromsrc 'FROM testimg AS a\nFROM testimg\nCOPY --from=a /etc/group /out\n'
is_rc 0 "2: a COPY --from builds"
rv fromsrc 'FROM testimg AS a\nFROM testimg\nCOPY --from=a /etc/passwd /out\nRUN grep -q root /out\n'
is_rc 0 "2: a COPY --from of another path builds"
is "$(step_cached 'COPY --from=a')" no "2: and is not answered by the other path's cache entry"

# 3 (and 5): a changed build arg rebuilds the metadata steps that use it
rv argmeta 'FROM testimg\nARG V=1\nENV APP_VERSION=$V\nLABEL v=$V\nEXPOSE 80$V\n' --build-arg V=1 -t rv-argmeta
rv argmeta 'FROM testimg\nARG V=1\nENV APP_VERSION=$V\nLABEL v=$V\nEXPOSE 80$V\n' --build-arg V=2 -t rv-argmeta
is_rc 0 "3: the build with another --build-arg value builds"
is "$(step_cached '^Step [0-9/]+ : (ENV|LABEL|EXPOSE)')" no "3: ENV, LABEL, EXPOSE using it are not cached"
is "$(lite image inspect -f '{{json .Config.Env}} {{json .Config.Labels}}' rv-argmeta | grep -o 'APP_VERSION=[0-9]*\|"v":"[0-9]*"' | tr '\n' ' ')" \
	'APP_VERSION=2 "v":"2" ' "3: the image has the new value"
capture lite history rv-argmeta
like "$OUT" '#\(nop\) ENV APP_VERSION=2' "3: history has the expanded ENV"
rv argmeta 'FROM testimg\nARG V=1\nENV APP_VERSION=$V\nLABEL v=$V\nEXPOSE 80$V\n' --build-arg V=x
isnt "$RC" 0 "5: a bad EXPOSE port fails"
like "$ERR" "invalid port '80x'" "5: and names the port (no use after free)"

# 4: a killed build leaves no RUN container and no stdin context behind
ps_before=$(lite ps -aq | wc -l)
mkdir -p "$T/rv-kill" "$T/rv-kill-tmp"
printf 'FROM testimg\nRUN echo started; sleep 60\n' >"$T/rv-kill/Dockerfile"
tar -C "$T/rv-kill" -c . | TMPDIR=$T/rv-kill-tmp "$LITE" build --progress plain --no-cache - >"$T/rv-kill.out" 2>&1 &
kpid=$!
for _ in $(seq 300); do grep -q '^started' "$T/rv-kill.out" && break; sleep 0.1; done
kill -TERM "$kpid"
wait "$kpid"
is "$?" 143 "4: a build killed with SIGTERM exits 143"
is "$(lite ps -aq | wc -l)" "$ps_before" "4: and leaves no RUN container behind"
is "$(ls "$T/rv-kill-tmp" | wc -l)" 0 "4: nor the stdin context's directory"

# 6: COPY's parent directories: never the host's through a lower layer's
# symlink, and not what a whiteout or an opaque directory removed
mkdir -p "$T/hostleak/sub"
chmod 0712 "$T/hostleak/sub"
chown 4321:4321 "$T/hostleak/sub"
rv layers "FROM testimg\nRUN ln -s $T/hostleak /x && mkdir -p /w/sub /o/sub && chmod 0701 /w/sub /o/sub\nRUN rm /x && mkdir /x && rm -rf /w /o && mkdir /o\nCOPY Dockerfile /x/sub/f\nCOPY Dockerfile /w/sub/f\nCOPY Dockerfile /o/sub/f\n" -t rv-layers
is_rc 0 "6: the build builds"
is "$(lite run --rm rv-layers stat -c '%a %u' /x/sub /w/sub /o/sub | tr '\n' ' ')" "755 0 755 0 755 0 " \
	"6: new parents get 0755 root, not a host directory's or a removed one's metadata"

# 7: RUN sees ENV's value over an ARG of the same name
rv argenv 'FROM testimg\nARG X=argval\nENV X=envval\nRUN echo "X=$X" > /x\n' -t rv-argenv
is "$(lite run --rm rv-argenv cat /x)" "X=envval" "7: ENV overrides ARG in RUN"

# 8: ENTRYPOINT keeps a CMD the same stage set
rv entrycmd 'FROM testimg\nCMD ["hello"]\nENTRYPOINT ["echo"]\n' -t rv-entrycmd
is "$(lite run --rm rv-entrycmd)" "hello" "8: CMD before ENTRYPOINT in one stage stays"

# 9: proxy build args reach RUN, but not the history, the key or a warning
rv proxy 'FROM testimg\nRUN echo "$HTTP_PROXY" > /p\n' -t rv-proxy --build-arg HTTP_PROXY=http://p1:3128
is "$(lite run --rm rv-proxy cat /p)" "http://p1:3128" "9: RUN sees HTTP_PROXY"
unlike "$ERR" 'not consumed' "9: no warning that it was not consumed"
capture lite history rv-proxy
unlike "$OUT" 'p1:3128' "9: not in the history"
rv proxy 'FROM testimg\nRUN echo "$HTTP_PROXY" > /p\n' -t rv-proxy --build-arg HTTP_PROXY=http://p2:3128
is "$(step_cached 'RUN echo')" yes "9: nor in the cache key"

# 11: ADD of a tar with a hard link; --chmod alone applies to its entries
mkdir -p "$T/rv-hl-src/t" "$T/rv-addtar"
echo linked >"$T/rv-hl-src/t/f"
ln "$T/rv-hl-src/t/f" "$T/rv-hl-src/t/g"
tar -C "$T/rv-hl-src" -cf "$T/rv-addtar/hl.tar" t
rv addtar 'FROM testimg\nADD hl.tar /opt/hl/\nADD --chmod=0600 hl.tar /opt/m/\n' -t rv-addtar
is_rc 0 "11: ADD of a tar with a hard link builds"
is "$(lite run --rm rv-addtar stat -c '%h %a' /opt/hl/t/g /opt/m/t/f | tr '\n' ' ')" "2 644 2 600 " \
	"11: the link is kept below the destination, and --chmod applies"

# 14: a symlink named as a COPY source copies what it points to
mkdir -p "$T/rv-links/dir"
echo real >"$T/rv-links/real.txt"
echo indir >"$T/rv-links/dir/f"
ln -s real.txt "$T/rv-links/link.txt"
ln -s /real.txt "$T/rv-links/abs.txt"
ln -s dir "$T/rv-links/dirlink"
rv links 'FROM testimg\nCOPY link.txt abs.txt /l/\nCOPY dirlink /dl/\n' -t rv-links
is_rc 0 "14: COPY of symlinked sources builds"
is "$(lite run --rm rv-links sh -c 'stat -c %F /l/link.txt /l/abs.txt; cat /l/link.txt /l/abs.txt /dl/f' | tr '\n' ' ')" \
	"regular file regular file real real indir " "14: the links' targets are copied, under the links' names"

# 15: FROM ${ARG} naming a stage builds that stage
rv fromarg 'ARG S=first\nFROM testimg AS first\nRUN echo one > /one\nFROM ${S}\nRUN cat /one\n'
is_rc 0 "15: FROM \${ARG} naming an earlier stage builds it first"

# 16: COPY --from=IMAGE pulls a missing image
if command -v docker-registry >/dev/null && command -v skopeo >/dev/null; then
	source "$SRCDIR/tests/integration/lib-registry.sh"
	start_registry build
	lite save -o "$T/rv-src.tar" testimg >/dev/null
	push "docker-archive:$T/rv-src.tar" "127.0.0.1:$PORT/lite/rvsrc:1"
	rv frompull "FROM testimg\nCOPY --from=127.0.0.1:$PORT/lite/rvsrc:1 /etc/group /g\n"
	is_rc 0 "16: COPY --from of an image not in the store pulls it"
	stop_registries
else
	skip "16: COPY --from pulls" "docker-registry or skopeo not installed"
fi

# 17: the Dockerfile and .dockerignore are read beneath the context
mkdir -p "$T/rv-outside" "$T/rv-dfl" "$T/rv-dil"
printf 'FROM testimg\n' >"$T/rv-outside/Dockerfile"
printf 'x\n' >"$T/rv-outside/ignore"
ln -s "$T/rv-outside/Dockerfile" "$T/rv-dfl/Dockerfile"
capture lite build -q "$T/rv-dfl"
isnt "$RC" 0 "17: a Dockerfile symlink out of the context is refused"
like "$ERR" 'leaves the build context' "17: and says so"
cp "$T/rv-outside/Dockerfile" "$T/rv-dil/Dockerfile"
ln -s "$T/rv-outside/ignore" "$T/rv-dil/.dockerignore"
capture lite build -q "$T/rv-dil"
like "$ERR" '.dockerignore: a symlink that leaves the build context' "17: so is a .dockerignore symlink out of it"

# 18: ONBUILD: a bad trigger is refused when written; a failing one is named
rv onbuildbad 'FROM testimg\nONBUILD BOGUS x\n'
isnt "$RC" 0 "18: ONBUILD with an unknown instruction fails"
like "$ERR" 'Dockerfile:2: ONBUILD: .*unknown instruction: BOGUS' "18: when it is written, naming it"
rv onbuildparent 'FROM testimg\nONBUILD RUN exit 3\n' -t rv-onbuild
rv onbuildchild '# a comment\nFROM rv-onbuild\nRUN true\n'
isnt "$RC" 0 "18: a failing trigger fails the child build"
like "$ERR" "Dockerfile:2: FROM: ONBUILD trigger 'RUN exit 3': .*non-zero code: 3" "18: the error names the trigger and the FROM line"

# --- the same Dockerfile through podman build, compared
if command -v podman >/dev/null; then
	pm() { timeout 300 podman --root "$T/pm-root" --runroot "$T/pm-run" --cgroup-manager=cgroupfs --runtime runc "$@"; }
	lite save -o "$T/testimg.tar" testimg >/dev/null 2>&1 && pm load -i "$T/testimg.tar" >/dev/null 2>&1
	echo A >"$CTX/a.txt"
	if pm build --network none --ulimit nofile=1024:1024 -t localhost/built:pm --build-arg BASE=localhost/testimg:latest \
		--build-arg GREETING=hi --target base "$CTX" >"$T/pm-build.log" 2>&1; then
		lite build -q -t built:cmp --target base --build-arg GREETING=hi "$CTX" >/dev/null
		listing='cd / && find app opt tmp/a.txt -exec stat -c "%n %a %u:%g %F" {} + | sort'
		capture lite run --rm built:cmp sh -c "$listing"
		lite_files=$OUT
		capture pm run --rm --net=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/built:pm sh -c "$listing"
		is "$lite_files" "$OUT" "the same files, modes and owners as podman build's image"
		lite save -o "$T/built.tar" built:cmp
		pm load -i "$T/built.tar" >/dev/null 2>&1
		is "$(pm run --rm --net=none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 localhost/built:cmp cat /app/run.txt 2>/dev/null)" \
			"hi from run" "lite save of a built image loads and runs in podman"
		for f in .Config.Env .Config.WorkingDir .Config.ExposedPorts .Config.Volumes .Config.StopSignal .Config.Labels; do
			l=$(lite image inspect built:cmp | "$PY" -c "import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print(json.dumps(d['Config'].get('${f#.Config.}'), sort_keys=True))")
			p=$(pm image inspect localhost/built:pm | "$PY" -c "import json,sys; d=json.load(sys.stdin)[0]; v=d['Config'].get('${f#.Config.}'); v.pop('io.buildah.version', None) if isinstance(v, dict) else None; print(json.dumps(v, sort_keys=True))")
			is "$l" "$p" "config $f as podman build makes it"
		done
	else
		skip "comparison with podman build" "podman build failed here: $(tail -n 2 "$T/pm-build.log" | tr '\n' ' ')"
	fi
else
	skip "comparison with podman build" "podman not installed (scripts/install-deps.sh --test)"
fi

# COPY . DEST: the context's root (a bug cut the first character off
# every name below it)
mkdir -p "$T/dotctx/sub"
echo top >"$T/dotctx/file"
echo below >"$T/dotctx/sub/g"
printf 'FROM testimg\nCOPY . /dot/\n' >"$T/dotctx/Dockerfile"
capture lite build -q -t dotcopy "$T/dotctx"
is_rc 0 "COPY . /dot/ copies the context's root"
is "$(lite run --rm dotcopy sh -c 'cat /dot/file /dot/sub/g; ls /dot | tr "\n" " "')" "top
below
Dockerfile file sub " "its files land under their own names"

done_testing
