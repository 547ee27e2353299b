#!/bin/bash
# lite build by users other than root: RUN runs in the caller's user
# namespace (root inside, an unprivileged range outside), COPY --chown ids
# are the container's, the result runs, and one user's build cache never
# answers another user's build.
source "$(dirname "$0")/lib.sh"

source "$(dirname "$0")/lib-users.sh"
sock_share || bail_out "cannot share the socket"
LITE_TIMEOUT=120

build_test_image
UA=lb$$a; user_add "$UA"
UB=lb$$b; user_add "$UB"
CTX=$T/ctx
mkdir -p "$CTX"
echo data >"$CTX/f"
cat >"$CTX/Dockerfile" <<'DF'
FROM testimg
COPY --chown=1000:1000 f /home/f
RUN echo "inside as $(id -u)" > /built; cat /proc/self/uid_map | awk '{ print "map " $1 " " ($2 != 0) }'
CMD ["cat", "/built"]
DF
chown -R "$UA" "$CTX"
chmod -R a+rX "$CTX"

capture ulite "$UA" build --progress plain -t ua/app "$CTX"
is_rc 0 "a non-root user builds"
like "$OUT" 'map 0 1' "RUN runs in the user's namespace: root inside maps to a host range, not to root"
is "$(ulite "$UA" run --rm ua/app)" "inside as 0" "the result runs for its user"
is "$(ulite "$UA" run --rm ua/app stat -c '%u:%g' /home/f)" "1000:1000" "COPY --chown ids are the container's"

capture ulite "$UA" build --progress plain -t ua/app "$CTX"
like "$OUT" 'Using cache' "the user's second build is cached"
capture ulite "$UB" build --progress plain -t ub/app "$CTX"
is_rc 0 "another user builds the same Dockerfile"
unlike "$OUT" 'Using cache' "one user's cache never answers another user's build"
capture lite build --progress plain -t root/app "$CTX"
unlike "$OUT" 'Using cache' "nor root's"

# review15 #12: a stdin context with a 0555 directory leaves no temp dir
mkdir -p "$T/ro-ctx/ro" "$T/ro-tmp"
echo f >"$T/ro-ctx/ro/f"
printf 'FROM testimg\nCOPY ro /ro\n' >"$T/ro-ctx/Dockerfile"
chmod 0555 "$T/ro-ctx/ro"
chown "$UA" "$T/ro-tmp"
capture sh -c "tar -C '$T/ro-ctx' -c . | TMPDIR='$T/ro-tmp' timeout 60 setpriv --reuid='$UA' --regid='$(id -g "$UA")' --init-groups -- '$LITE' build -q -"
is_rc 0 "a user builds a stdin context with a 0555 directory"
is "$(ls -A "$T/ro-tmp" | wc -l)" 0 "its temporary context directory is removed"
capture sh -c "printf 'FROM testimg\n' | TMPDIR=/nonexistent-dir timeout 60 '$LITE' build -q -; tar -C '$T/ro-ctx' -c . | TMPDIR=/nonexistent-dir timeout 60 '$LITE' build -q -"
like "$ERR" 'cannot create a directory for the context from stdin' "a temp dir that cannot be made is named"

capture ulite "$UA" builder prune -f
like "$OUT" 'Deleted build cache entries: [1-9]' "a user prunes its own cache"
capture ulite "$UB" build --progress plain -t ub/app "$CTX"
like "$OUT" 'Using cache' "and not another user's"

done_testing
