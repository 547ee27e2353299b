#!/usr/bin/env python3
"""Find circles between source files: file A depends on file B when A's
object file uses a function or variable that B's object file defines.

Reads the compiled objects of a build directory with nm (binutils), so it
sees real references, not #include lines. Prints each circle (a strongly
connected set of two or more files) with the symbols that tie it, and a
summary line; exits 1 when there is a circle.

    usage: scripts/check-cycles.py [BUILDDIR]      (default: build)
"""
import os
import re
import subprocess
import sys


def source_of(obj):
    """.../containerd-lite.p/engine_peer.c.o -> engine/peer (meson names an
    object after its source path below the target's folder, '/' as '_')."""
    name = os.path.basename(obj)[: -len(".c.o")]
    folder, _, rest = name.partition("_")
    return f"{folder}/{rest}" if folder in ("engine", "shim", "image", "lib") and rest else name


def nm_all(objs, *flags):
    """{obj: symbols} for many objects, nm run once per 256 of them (one
    process per object made this test slower than its timeout)."""
    syms = {obj: set() for obj in objs}
    for i in range(0, len(objs), 256):
        chunk = objs[i : i + 256]
        out = subprocess.run(["nm", "-A", *flags, *chunk], capture_output=True, text=True).stdout
        for line in out.splitlines():
            obj, _, rest = line.partition(":")
            parts = rest.split()
            if obj not in syms or len(parts) < 2:
                continue
            if re.fullmatch(r"[TDBRCGSV]", parts[-2]) or (flags == ("-u",) and parts[-2] == "U"):
                syms[obj].add(parts[-1])
    return syms


def objects(builddir):
    for dirpath, _, files in os.walk(builddir):
        if "meson-private" in dirpath or "/tests/" in dirpath + "/":
            continue
        for f in files:
            if f.endswith(".c.o"):
                yield os.path.join(dirpath, f)


def unit_name(builddir, obj):
    rel = os.path.relpath(obj, builddir)
    # One graph per directory of objects: an executable or a library.
    return os.path.dirname(rel)


def tarjan(graph):
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            scc = []
            while True:
                w = stack.pop()
                on.discard(w)
                scc.append(w)
                if w == v:
                    break
            if len(scc) > 1:
                sccs.append(sorted(scc))

    sys.setrecursionlimit(10000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return sccs


def main(argv):
    builddir = argv[0] if argv else "build"
    objs = sorted(objects(builddir))
    defined_by, used_by = nm_all(objs, "--defined-only"), nm_all(objs, "-u")
    defined, used = {}, {}
    for obj in objs:
        key = (unit_name(builddir, obj), source_of(obj))
        defined[key] = defined_by[obj]
        used[key] = used_by[obj]
    # A symbol's owner is looked up among all objects (libraries are linked
    # into programs); ties between a program's object and a library's are
    # edges across folders, which can never close a circle by themselves.
    owner = {}
    for key, syms in defined.items():
        for s in syms:
            owner.setdefault(s, set()).add(key[1])
    graph, why = {}, {}
    for key, syms in used.items():
        a = key[1]
        for s in syms:
            for b in owner.get(s, ()):
                if b != a:
                    graph.setdefault(a, set()).add(b)
                    why.setdefault((a, b), set()).add(s)
    sccs = tarjan(graph)
    for scc in sccs:
        print("circle: " + ", ".join(scc))
        for a in scc:
            for b in scc:
                if (a, b) in why and b in graph.get(a, ()):
                    print(f"  {a} -> {b}: {', '.join(sorted(why[(a, b)])[:6])}")
    files = len({k[1] for k in defined})
    edges = sum(len(v) for v in graph.values())
    print(f"{len(sccs)} circles among {files} source files ({edges} dependencies)")
    return 1 if sccs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
