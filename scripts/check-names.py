#!/usr/bin/env python3
"""List exported functions whose names do not start with their file's name.

The convention (docs/ARCHITECTURE.md, "Naming"): net-veth.c exports
net_veth_*, so `git grep '^net_veth_'` finds the module. A definition is
exported when its name starts in column 0 and its return type (the line
above) is not static; functions that a file defines through its own macro
(common/log.c: LOG_FN(log_warn, ...)) count under their real names. Prints
one line per mismatch and a total; exits 1 when there are any and --strict
is given.

Two spellings of the rule:
  - FILE.c exports FILE_* (dashes become underscores), or FILE itself
    (ulimit.c: ulimit_parse; spawn.c: spawn_container).
  - X-util.c, the shared helpers of family X, exports X_* (fs-util.c:
    fs_read_file; a cgroup-util.c: cgroup_write_knob), as crun's
    cgroup-utils.c and systemd's *-util.c do.

Exemptions, each because a table, not the file name, decides the name:
  - req_<method> in daemon/engine/req-*.c, for each METHOD(<method>, ...) of
    proto/methods.def: the request handlers, named by the method table
    (the dispatch table is generated from it); req-*.c files group them by
    topic (req-image-ops.c: load, save, rmi, ...).
  - cmd_<verb> in client/cmd-*.c, for each entry { "<verb>", cmd_<fn>, ... }
    of the cmds[] table in client/main.c: the subcommands' entry points,
    named by the verb table; cmd-*.c files group them by topic.
  - api_<name> in daemon/docker/*.c, for each entry { "METHOD", "/path",
    api_<name> } of the routes[] table in daemon/docker/docker-route.c: the
    Docker Engine API's endpoints, named by the route table.
  - fatal and fatalx in common/log.c: OpenBSD's names for "log, then exit",
    used as such by every program (log.c's other exports are log_*).
  - api_<x> in daemon/docker/docker-*.c for each handler of the routes[]
    table of daemon/docker/docker-route.c: the Docker API's endpoint
    handlers, named by the route table as req_<method> by methods.def.
And one spelling for a program's folder: in daemon/docker/ (the program
lite-docker-api) docker-X.c may export X_* (docker-http.c: http_send,
docker-api.c: api_fail), the folder's docker- prefix being the program's.
`main` is exempt too.

    usage: scripts/check-names.py [--strict] [DIR...]   (default: the tree)
"""
import os
import re
import sys

DEFAULT_DIRS = ["common", "proto", "daemon", "client"]
DEF = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\(")
MACRO_DEF = re.compile(r"^#\s*define\s+([A-Z_][A-Z0-9_]*)\(\s*([A-Za-z_]\w*)\s*[,)]")
LOG_NAMES = {"fatal", "fatalx"}


def exported(path):
    prev = ""
    fn_macros = set()
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        m = MACRO_DEF.match(line)
        if m:
            # a macro whose first parameter names a function it defines:
            # "#define LOG_FN(name, ...)  void name(...)"
            body = " ".join(lines[i:i + 12])
            if re.search(r"\b%s\s*\(" % re.escape(m.group(2)), body[len(m.group(0)):]):
                fn_macros.add(m.group(1))
    for line in lines:
        m = DEF.match(line)
        if m and m.group(1) in fn_macros:
            inner = re.match(r"^[A-Z_][A-Z0-9_]*\(\s*([A-Za-z_]\w*)", line)
            if inner:
                yield inner.group(1)
        elif m and prev.strip() and "static" not in prev and not prev.startswith(("#", " ", "\t", "}")):
            yield m.group(1)
        prev = line


def table_names(root):
    """Handlers named by a table: req_<method>, the client's verbs and the
    Docker API's routes."""
    req, cmd = set(), set()
    try:
        with open(os.path.join(root, "proto", "methods.def"), encoding="utf-8") as f:
            req = {"req_" + m for m in re.findall(r"^METHOD\(\s*(\w+)", f.read(), re.M)}
    except OSError:
        pass
    try:
        with open(os.path.join(root, "client", "main.c"), encoding="utf-8") as f:
            cmd = set(re.findall(r'\{\s*"[\w-]+"\s*,\s*(cmd_\w+)\s*,', f.read()))
    except OSError:
        pass
    try:
        with open(os.path.join(root, "daemon", "docker", "docker-route.c"), encoding="utf-8") as f:
            req |= set(re.findall(r'\{\s*"[A-Z]+"\s*,\s*"[^"]*"\s*,\s*(api_\w+)\s*\}', f.read()))
    except OSError:
        pass
    return req, cmd


def route_names(root):
    """The Docker Engine API's endpoint handlers, named by its route table."""
    try:
        with open(os.path.join(root, "daemon", "docker", "docker-route.c"), encoding="utf-8") as f:
            return set(re.findall(r'\{\s*"[A-Z]+"\s*,\s*"[^"]*"\s*,\s*(api_\w+)\s*\}', f.read()))
    except OSError:
        return set()


ROUTES = route_names(os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")))


def exempt(rel, fn, req, cmd):
    base = os.path.basename(rel)
    if fn == "main":
        return True
    if fn in req and rel.startswith("daemon/engine/req-"):
        return True
    if fn in req and fn.startswith("api_") and rel.startswith("daemon/docker/docker-"):
        return True
    if rel.startswith("daemon/docker/docker-") and matches(base[len("docker-"):], fn):
        return True
    if fn in cmd and rel.startswith("client/cmd-"):
        return True
    if fn in ROUTES and rel.startswith("daemon/docker/"):
        return True
    return fn in LOG_NAMES and rel == "common/log.c"


def matches(name, fn):
    stem = name[:-2].replace("-", "_")
    if fn.startswith(stem + "_") or fn == stem:
        return True
    if stem.endswith("_util"):
        family = stem[: -len("_util")]
        return fn.startswith(family + "_")
    return False


def main(argv):
    strict = "--strict" in argv
    dirs = [a for a in argv if not a.startswith("--")] or DEFAULT_DIRS
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    req, cmd = table_names(root)
    total = bad = 0
    for d in dirs:
        for dirpath, _, files in sorted(os.walk(os.path.join(root, d))):
            for name in sorted(files):
                if not name.endswith(".c"):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), root)
                for fn in exported(os.path.join(dirpath, name)):
                    total += 1
                    if matches(name, fn) or exempt(rel, fn, req, cmd):
                        continue
                    bad += 1
                    print(f"{rel}: {fn}")
    print(f"{bad} of {total} exported functions do not start with their file's name")
    return 1 if strict and bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
