#!/bin/bash
# Shell completion (bash, zsh) and man pages: commands, options and names
# from a real daemon complete; every command lite --help lists has a page,
# and every page renders.
source "$(dirname "$0")/lib.sh"

MANDIR=$BUILDDIR/docs/man
BASH_COMPLETION=$SRCDIR/completion/lite.bash

# complete WORD...: the bash completions of a command line whose last word
# is being typed, one per line, sorted
complete_line() {
	bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"
		_lite
		printf "%s\n" "${COMPREPLY[@]}" | sort' complete "$BASH_COMPLETION" "$LITE" "$@"
}

# --- bash
ok "the bash completion is valid bash" bash -n "$BASH_COMPLETION"
capture bash -c 'source "$1"; complete -p lite' complete "$BASH_COMPLETION"
is "$OUT" "complete -F _lite lite" "complete -p lite after sourcing it"

like "$(complete_line ru)" '^run$' "lite ru<TAB>: run"
is "$(complete_line re | tr '\n' ' ')" "rename restart " "lite re<TAB>: the commands starting with re"
is "$(complete_line run --mem | tr '\n' ' ')" "--memory --memory-reservation --memory-swap " \
	"lite run --mem<TAB>: run's memory options"
like "$(complete_line network "")" '^connect$' "lite network <TAB>: its sub-commands"
like "$(complete_line image l)" '^(load|ls)$' "lite image l<TAB>: ls, load"
like "$(complete_line stop --)" '^--time$' "lite stop --<TAB>: stop's options"

lite run -d --name compl-one testimg sleep 300 >/dev/null
lite run --name compl-done testimg true >/dev/null
lite volume create compl-vol >/dev/null
is "$(complete_line stop compl)" compl-one "lite stop <TAB>: running containers only"
is "$(complete_line rm compl | tr '\n' ' ')" "compl-done compl-one " "lite rm <TAB>: every container"
like "$(complete_line run testi)" '^testimg$' "lite run <TAB>: images"
like "$(complete_line run --name x testimg s)" '^sh$' \
	"lite run --name x IMAGE <TAB>: a command (an option's value is not the image)"
is "$(complete_line volume rm compl)" compl-vol "lite volume rm <TAB>: volumes"
like "$(complete_line run --network "")" '^none$' "lite run --network <TAB>: networks"
is "$(complete_line -H "unix://$T/nonexistent.sock" rm compl)" "" \
	"-H on the command line is the daemon asked"

# --- zsh
if command -v zsh >/dev/null; then
	ok "the zsh completion is valid zsh" zsh -n "$SRCDIR/completion/_lite"
	capture zsh -fc 'autoload -Uz compinit && compinit -u -d "$2" && fpath=("$1" $fpath) &&
		autoload -Uz _lite && print -r -- ${+functions[_lite]}' zsh "$SRCDIR/completion" "$T/zcompdump"
	is "$OUT" 1 "zsh autoloads _lite from its directory"
else
	fail "zsh is installed (scripts/install-deps.sh --test)"
fi

# --- man pages
commands=$("$LITE" --help | awk '/^Commands:$/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
ok "lite --help lists commands" test -n "$commands"
missing=
for c in $commands; do
	[ -s "$MANDIR/lite-$c.1" ] || missing="$missing $c"
done
is "$missing" "" "every command lite --help lists has a man page (docs/man/meson.build)"
for p in "$MANDIR"/lite.1 "$MANDIR"/containerd-lite.8 "$MANDIR"/daemon.json.5; do
	ok "$(basename "$p") exists" test -s "$p"
done
bad=
for p in "$MANDIR"/*.[158]; do
	out=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
	text=$(MANWIDTH=80 man -l "$p" 2>/dev/null)
	if [ -n "$out" ] || ! grep -q '^NAME' <<<"$text"; then
		bad="$bad $(basename "$p")"
		diag "$(basename "$p"): $out"
	fi
done
is "$bad" "" "man -l renders every page without warnings"
like "$(MANWIDTH=200 man -l "$MANDIR/lite-run.1" 2>/dev/null)" '--memory-swap SIZE' \
	"lite-run(1) lists the options of lite run --help"
like "$(MANWIDTH=200 man -l "$MANDIR/lite.1" 2>/dev/null)" 'See lite-run\(1\)' "lite(1) points to the command pages"

done_testing
