#!/usr/bin/env python3
"""List exported functions whose names do not start with their file's name.

The convention (docs/ARCHITECTURE.md, "Naming"): net-veth.c exports
net_veth_*, so `git grep '^net_veth_'` finds the module. A definition is
exported when its name starts in column 0 and its return type (the line
above) is not static. `main` is exempt. Prints one line per mismatch and a
total; exits 1 when there are any and --strict is given.

    usage: scripts/check-names.py [--strict] [DIR...]   (default: the tree)
"""
import os
import re
import sys

DEFAULT_DIRS = ["common", "proto", "daemon", "client"]
DEF = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\(")


def exported(path):
    prev = ""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = DEF.match(line)
            if m and prev.strip() and "static" not in prev and not prev.startswith(("#", " ", "\t", "}")):
                yield m.group(1)
            prev = line


def main(argv):
    strict = "--strict" in argv
    dirs = [a for a in argv if not a.startswith("--")] or DEFAULT_DIRS
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    total = bad = 0
    for d in dirs:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for name in sorted(files):
                if not name.endswith(".c"):
                    continue
                prefix = name[:-2].replace("-", "_") + "_"
                for fn in exported(os.path.join(dirpath, name)):
                    total += 1
                    if fn == "main" or fn.startswith(prefix) or fn + "_" == prefix:
                        continue
                    bad += 1
                    print(f"{os.path.relpath(os.path.join(dirpath, name), root)}: {fn}")
    print(f"{bad} of {total} exported functions do not start with their file's name")
    return 1 if strict and bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
