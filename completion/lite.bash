# bash completion for lite: commands, options and container, image, network
# and volume names. Commands and options are read from lite's own --help (the
# one description of them, so completion never falls behind); names come
# from the daemon the command line points at (-H/--host, else LITE_HOST).

# _lite_run ARGS...: lite with the command line's -H, errors silenced
_lite_run()
{
	local host=() i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		-H | --host) host=(-H "${COMP_WORDS[i + 1]}") ;;
		--host=*) host=(-H "${COMP_WORDS[i]#--host=}") ;;
		esac
	done
	"${COMP_WORDS[0]}" "${host[@]}" "$@" 2>/dev/null
}

# The awk program that reads --help: for a section ("Commands:",
# "Options:"), a command's name per line, or an option per line followed by
# " ARG" when it takes a value. A flags column ends at two spaces; when a
# long flag leaves only one, at the first word that is neither a flag nor an
# upper-case metavariable.
_lite_help_awk='
	$0 == s { on = 1; next }
	/^[A-Z][A-Za-z ]*:$/ { on = 0 }
	on && /^  [a-z]/ { print $1; next }
	on && /^ +-/ {
		line = $0; sub(/^ +/, "", line)
		n = split(line, w, " ")
		nf = 0; arg = ""
		for (i = 1; i <= n; i++) {
			word = w[i]; comma = sub(/,$/, "", word)
			if (word ~ /^-/)
				f[++nf] = word
			else if (nf && (word ~ /^[A-Z[<]/ || comma))
				arg = " ARG"
			else
				break
			if (index(line, w[i] "  ") && !comma)
				break
		}
		for (i = 1; i <= nf; i++)
			print f[i] arg
	}'

# _lite_help_section SECTION CMD...: the entries of a section of
# `lite CMD... --help`
_lite_help_section()
{
	local section=$1
	shift
	_lite_run "$@" --help | awk -v s="$section:" "$_lite_help_awk" | sed 's/ ARG$//'
}

# _lite_arg_options CMD...: the options that take a value
_lite_arg_options()
{
	_lite_run "$@" --help | awk -v s="Options:" "$_lite_help_awk" | sed -n 's/ ARG$//p'
}

_lite_containers()
{
	local all=-a
	[ "$1" = running ] && all=
	_lite_run ps $all --format '{{.Names}}'
}

_lite_images()
{
	{
		_lite_run images --format '{{.Repository}}:{{.Tag}}' ||
			_lite_run images --format json | sed -n 's/.*"Repository": *"\([^"]*\)".*"Tag": *"\([^"]*\)".*/\1:\2/p'
	} | sed -e '/<none>/d' -e 's/:latest$//' | sort -u
}

_lite_networks()
{
	_lite_run network ls --format '{{.Name}}' || _lite_run network ls -q
}

_lite_volumes()
{
	_lite_run volume ls -q
}

# _lite_names KIND: the names a positional argument of this command takes
_lite_names()
{
	case $1 in
	exec | attach | stop | kill | pause | top | stats) _lite_containers running ;;
	start | restart | rm | logs | wait | unpause | rename | update | port | diff | \
		commit | export | inspect | container) _lite_containers all ;;
	cp) _lite_containers all | sed 's/$/:/' ;;
	run | create | rmi | tag | history | save | push | image) _lite_images ;;
	network) _lite_networks ;;
	volume) _lite_volumes ;;
	esac
}

_lite()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i cmd=() cmd_at=0 group_cmds nonopts=0 argopts

	# the command (and a group's sub-command) before the cursor
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-H | --host) ((i++)) ;;
		-*) ;;
		*)
			cmd+=("${COMP_WORDS[i]}")
			cmd_at=$i
			if [ ${#cmd[@]} -eq 1 ]; then
				group_cmds=$(_lite_help_section Commands "${cmd[0]}")
				[ -n "$group_cmds" ] || break
			else
				break
			fi
			;;
		esac
	done

	if [ ${#cmd[@]} -eq 0 ]; then
		case $prev in
		-H | --host) COMPREPLY=($(compgen -W "unix:///run/lite.sock" -- "$cur")); return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$(_lite_help_section Options)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_lite_help_section Commands)" -- "$cur"))
		fi
		return
	fi
	if [ -n "$group_cmds" ] && [ ${#cmd[@]} -eq 1 ] && [[ $cur != -* ]]; then
		COMPREPLY=($(compgen -W "$group_cmds" -- "$cur"))
		return
	fi

	# the value of an option
	if [[ $prev == -* ]] && _lite_arg_options "${cmd[@]}" | grep -qx -- "$prev"; then
		case $prev in
		--network | --net) COMPREPLY=($(compgen -W "bridge none host $(_lite_networks)" -- "$cur")) ;;
		--volumes-from) COMPREPLY=($(compgen -W "$(_lite_containers all)" -- "$cur")) ;;
		-v | --volume) COMPREPLY=($(compgen -W "$(_lite_volumes)" -- "$cur") $(compgen -f -- "$cur")) ;;
		--env-file | -f | --file | -i | --input | -o | --output) COMPREPLY=($(compgen -f -- "$cur")) ;;
		esac
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_lite_help_section Options "${cmd[@]}")" -- "$cur"))
		return
	fi

	# a name: in a group, the group decides (lite image rm -> images)
	local kind=${cmd[0]}
	case $kind in
	container) kind=${cmd[1]:-inspect} ;;
	image | network | volume) ;;
	esac
	# run/create take the image first, then the container's own command:
	# count the words before the cursor that are neither options nor values
	case $kind in
	run | create)
		argopts=" $(_lite_arg_options "${cmd[@]}" | tr '\n' ' ') "
		for ((i = cmd_at + 1; i < COMP_CWORD; i++)); do
			if [[ ${COMP_WORDS[i]} != -* ]]; then
				((nonopts++))
			elif [[ $argopts == *" ${COMP_WORDS[i]} "* ]]; then
				((i++))
			fi
		done
		((nonopts == 0)) || { COMPREPLY=($(compgen -c -- "$cur")); return; }
		;;
	esac
	COMPREPLY=($(compgen -W "$(_lite_names "$kind")" -- "$cur"))
}

complete -F _lite lite
