#!/bin/bash
# Issue 16: docker-py (Debian's python3-docker) drives lite through the
# Docker socket: ping, version, info, containers.run (detached, and
# removed), logs, exec_run, images.list, networks and volumes.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib-docker.sh"

if ! "$PY" -c 'import docker' 2>/dev/null; then
	fail "python3-docker present" "install python3-docker (scripts/install-deps.sh --test)"
	done_testing
	exit 1
fi
pass "python3-docker present"

# Each check is a line "ok NAME" or "not ok NAME: why" from the script.
"$PY" - "unix://$DSOCK" "$$" >"$T/py.out" 2>&1 <<'PYEOF'
import sys, traceback
import docker
url, tag = sys.argv[1], sys.argv[2]
c = docker.DockerClient(base_url=url, version="auto", timeout=60)
def check(name, f):
    try:
        r = f()
        print("ok %s" % name if r is not False else "not ok %s :: returned %r" % (name, r))
    except Exception as e:
        print("not ok %s :: %s" % (name, repr(e).replace("\n", " ")[:400]))
check("client.ping()", lambda: c.ping() is True)
check("client.version(): ApiVersion 1.41", lambda: c.version()["ApiVersion"] == "1.41")
check("client.info(): Driver overlay2", lambda: c.info()["Driver"] == "overlay2")
out = []
def run_rm():
    r = c.containers.run("testimg", ["echo", "hello"], remove=True)
    if r != b"hello\n":
        raise AssertionError("returned %r" % r)
check("containers.run(remove=True) returns the output", run_rm)
check("containers.run(remove=True): the container is gone",
      lambda: not [x for x in c.containers.list(all=True) if x.attrs.get("Config", {}).get("Cmd") == ["echo", "hello"]])
def detached():
    ct = c.containers.run("testimg", ["sh", "-c", "echo started; sleep 300"], detach=True, name="py" + tag)
    out.append(ct)
    ct.reload()
    return ct.status == "running"
check("containers.run(detach=True): running", detached)
def logs():
    import time
    for _ in range(50):
        if b"started" in out[0].logs():
            return True
        time.sleep(0.2)
    return out[0].logs()
check("container.logs()", logs)
check("container.exec_run(): exit code and output",
      lambda: tuple(out[0].exec_run(["sh", "-c", "echo in; exit 3"])) == (3, b"in\n"))
check("containers.list() finds it by name", lambda: "py" + tag in [x.name for x in c.containers.list()])
check("containers.get(name).attrs State.Running", lambda: c.containers.get("py" + tag).attrs["State"]["Running"] is True)
check("container.stop()", lambda: out[0].stop(timeout=1) or True)
check("container.remove()", lambda: out[0].remove() or True)
check("images.list() has testimg", lambda: any("testimg:latest" in i.tags for i in c.images.list()))
def nets():
    n = c.networks.create("pynet" + tag, driver="bridge")
    ok = "pynet" + tag in [x.name for x in c.networks.list()]
    n.remove()
    return ok and "pynet" + tag not in [x.name for x in c.networks.list()]
check("networks.create/list/remove", nets)
def vols():
    v = c.volumes.create("pyvol" + tag)
    ok = "pyvol" + tag in [x.name for x in c.volumes.list()] and c.volumes.get("pyvol" + tag).attrs["Driver"] == "local"
    v.remove()
    return ok and "pyvol" + tag not in [x.name for x in c.volumes.list()]
check("volumes.create/list/get/remove", vols)
PYEOF
while IFS= read -r line; do
	case $line in
	"ok "*) pass "docker-py: ${line#ok }" ;;
	"not ok "*) l=${line#not ok }; fail "docker-py: ${l%% :: *}" "${l#* :: }" ;;
	*) diag "$line" ;;
	esac
done <"$T/py.out"
[ "$(grep -c '^ok\|^not ok' "$T/py.out")" -ge 15 ] && pass "every docker-py check ran" || fail "every docker-py check ran" "$(tail -5 "$T/py.out")"

done_testing
