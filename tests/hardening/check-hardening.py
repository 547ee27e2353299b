#!/usr/bin/env python3
"""Check that built programs carry the hardening meson.build asks for.

Reads each ELF file with readelf (binutils) and checks, as TAP:
  relro      a PT_GNU_RELRO segment (-z relro)
  now        dynamic: DT_FLAGS BIND_NOW or DT_FLAGS_1 NOW (-z now), so the
             GOT is read-only for the whole run ("full RELRO"); a static
             program binds everything at start-up and has no lazy PLT
  canary     -fstack-protector-strong: dynamic, an import of
             __stack_chk_fail (libc.so's own calls are internal to it);
             static, a call to it from main (libc.a's code calls it anyway,
             so its mere presence proves nothing); objdump, from binutils
  fortify    with --fortify (_FORTIFY_SOURCE=2): a glibc __*_chk function
             (imported, or linked in: static glibc uses none itself)

With --expect-unhardened every check must FAIL instead: the self-test on a
program built without any of it, which proves the checks can fail.

    usage: check-hardening.py [--fortify] [--expect-unhardened] ELF...
"""
import re
import subprocess
import sys


def readelf(flag, path):
    return subprocess.run(["readelf", "-W", flag, path], check=True,
                          capture_output=True, text=True, env={"LC_ALL": "C"}).stdout


def symbols(path):
    names = set()
    # the dynamic table for shared-library references, the full one for
    # what a static link pulled in
    for flag in ("--dyn-syms", "--syms"):
        for line in readelf(flag, path).splitlines():
            cols = line.split()
            if len(cols) >= 8 and cols[0].endswith(":"):
                names.add(cols[7].split("@")[0])
    return names


def main_calls(path, pattern):
    """Whether main (or its cold part) calls a function matching pattern."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", path], check=True,
                         capture_output=True, text=True, env={"LC_ALL": "C"}).stdout
    fn = None
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <([^>]+)>:$", line)
        if m:
            fn = m.group(1)
        elif fn in ("main", "main.cold") and re.search(r"\bcall\s.*<" + pattern + r"[@>]", line):
            return True
    return False


def checks(path, fortify):
    segments = readelf("--program-headers", path)
    dynamic = readelf("--dynamic", path)
    syms = symbols(path)
    is_dynamic = re.search(r"^\s*DYNAMIC\s", segments, re.M) is not None
    result = {
        "relro": re.search(r"^\s*GNU_RELRO\s", segments, re.M) is not None,
        "now": (re.search(r"\(FLAGS\)\s.*\bBIND_NOW\b", dynamic) is not None or
                re.search(r"\(FLAGS_1\)\s.*\bNOW\b", dynamic) is not None)
        if is_dynamic else True,
        "canary": "__stack_chk_fail" in syms if is_dynamic else main_calls(path, "__stack_chk_fail"),
    }
    if fortify:
        result["fortify"] = any(re.fullmatch(r"__\w+_chk", s) and not s.startswith("__stack_chk")
                                for s in syms)
    return result, is_dynamic


def main(argv):
    fortify = "--fortify" in argv
    inverted = "--expect-unhardened" in argv
    files = [a for a in argv if not a.startswith("--")]
    n = failed = 0
    for path in files:
        try:
            result, is_dynamic = checks(path, fortify)
        except (OSError, subprocess.CalledProcessError) as e:
            n += 1
            failed += 1
            print(f"not ok {n} - {path}: readelf failed: {e}")
            continue
        kind = "dynamic" if is_dynamic else "static"
        for name, good in result.items():
            n += 1
            if inverted:
                # a static program has no lazy binding to detect
                if name == "now" and not is_dynamic:
                    print(f"ok {n} - {path} ({kind}): {name} # SKIP static")
                    continue
                good = not good
            want = "missing" if inverted else "present"
            print(f"{'ok' if good else 'not ok'} {n} - {path} ({kind}): {name} {want}")
            failed += not good
    print(f"1..{n}")
    return 1 if failed or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
