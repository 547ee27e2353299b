#!/usr/bin/env python3
"""Make a program's or command's man page from its --help text, the one
description of its options, plus an optional hand-written prose file,
through scdoc.

  gen-man.py PROGRAM PAGE SECTION PROSE_DIR OUTPUT

PAGE is the program's name for its own page ("lite", "containerd-lite") or
PROGRAM-COMMAND for a command's ("lite-run" runs `lite run --help`).
PROSE_DIR/PAGE.scd, when present, holds extra sections (DESCRIPTION,
EXAMPLES, ...) in scdoc, appended after the options. The --help text is
read with the daemon out of reach: help never connects.
"""
import os
import re
import subprocess
import sys

METAVAR = re.compile(r"^[A-Z0-9_\[\]:.=|,<>-]*[A-Z][A-Z0-9_\[\]:.=|,<>-]*$")


def run_help(program, command):
    argv = [program] + ([command] if command else []) + ["--help"]
    env = dict(os.environ, LITE_HOST="unix:///nonexistent/lite-gen-man.sock")
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    text = proc.stdout or proc.stderr
    if proc.returncode != 0 or not text.startswith("Usage:"):
        sys.exit(f"gen-man: '{' '.join(argv[1:])}' did not print its usage "
                 f"(exit {proc.returncode})")
    return text.splitlines()


def escape(text):
    """scdoc's inline markup characters, taken literally."""
    return re.sub(r"([\\*_])", r"\\\1", text)


def parse(lines):
    """Usage line, description lines and the sections after them."""
    usage = lines[0][len("Usage:"):].strip()
    description, sections, current = [], [], None
    for line in lines[1:]:
        if re.match(r"^[A-Z][A-Za-z ]*:$", line):
            current = (line[:-1], [])
            sections.append(current)
        elif current is not None:
            current[1].append(line)
        elif line.strip() and not line.startswith("Run '"):
            description.append(line.strip())
    return usage, description, sections


def indent(line):
    return len(line) - len(line.lstrip(" "))


def split_flags(entry):
    """'-u, --user USER  text' -> ('-u, --user USER', 'text'). Help columns
    are two spaces apart; a long flag may leave only one, so then the flags
    are the leading dashes and upper-case metavariables."""
    parts = re.split(r"\s{2,}", entry, maxsplit=1)
    if len(parts) == 2:
        return parts[0], parts[1]
    words = entry.split(" ")
    n = 0
    while n < len(words) and (words[n].startswith("-") or METAVAR.match(words[n])):
        n += 1
    return " ".join(words[:n]), " ".join(words[n:])


def option_items(body):
    """(flags, text) pairs; continuation lines (indented deeper than an
    option's flags) join the previous text."""
    items = []
    for line in body:
        if not line.strip() or line.startswith("Run '"):
            continue
        if indent(line) <= 6 and line.lstrip().startswith("-"):
            items.append(list(split_flags(line.strip())))
        elif items:
            items[-1][1] = (items[-1][1] + " " + line.strip()).strip()
    return items


def command_items(body):
    """(name and its synopsis, text) for each 'name [ARGS]  text' line."""
    items = []
    for line in body:
        if not line.strip():
            continue
        if indent(line) <= 4:
            entry, _, text = line.strip().partition("  ")
            items.append((entry.strip(), text.strip()))
        elif items:
            name, text = items[-1]
            items[-1] = (name, (text + " " + line.strip()).strip())
    return items


def render(page, command, section, usage, description, sections, prose):
    summary = description[0].rstrip(".") if description else page
    out = [f"{page}({section})", "", "# NAME", "", f"{page} - {escape(summary)}", "",
           "# SYNOPSIS", "", "*" + escape(usage.split(" ", 2)[0]) + "* " +
           escape(usage.split(" ", 1)[1] if " " in usage else ""), ""]
    if description[1:]:
        out += ["# SUMMARY", "", escape(" ".join(description[1:])), ""]
    for title, body in sections:
        if title == "Commands":
            out += ["# COMMANDS", ""]
            for entry, text in command_items(body):
                name = entry.split(" ")[0]
                see = f" See *{page}-{name}*(1)." if not command else ""
                out += [f"*{escape(entry)}*", f"\t{escape(text)}.{see}", ""]
        else:
            out += [f"# {title.upper()}", ""]
            for flags, text in option_items(body):
                out += [f"*{escape(flags)}*", f"\t{escape(text) or '-'}", ""]
    if prose:
        out += [prose.rstrip("\n"), ""]
    out += ["# SEE ALSO", "", "*lite*(1), *containerd-lite*(8), *daemon.json*(5)", ""]
    return "\n".join(out)


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    program, page, section, prose_dir, output = sys.argv[1:]
    name = os.path.basename(program)
    if page != name and not page.startswith(name + "-"):
        sys.exit(f"gen-man: page {page} is neither {name} nor {name}-COMMAND")
    command = page[len(name) + 1:]
    usage, description, sections = parse(run_help(program, command))
    prose_path = os.path.join(prose_dir, page + ".scd")
    prose = open(prose_path).read() if os.path.exists(prose_path) else ""
    source = render(page, command, section, usage, description, sections, prose)
    roff = subprocess.run(["scdoc"], input=source, capture_output=True, text=True)
    if roff.returncode != 0:
        sys.exit(f"gen-man: scdoc failed on {page}: {roff.stderr.strip()}")
    with open(output, "w") as f:
        f.write(roff.stdout)


if __name__ == "__main__":
    main()
