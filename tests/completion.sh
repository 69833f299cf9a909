#!/bin/bash
# completion.sh - the bash completion offers what trustfix's --help says.
. "$TOP_SRCDIR/tests/lib.sh"

mkdir -p "$T/cwd"	# completions run here, where no file is
COMPLETION=$TOP_BUILDDIR/completions/trustfix
BASHCOMP=/usr/share/bash-completion/bash_completion
[ -f "$BASHCOMP" ] || skip_all "bash-completion not installed"
[ -f "$COMPLETION" ] || skip_all "$COMPLETION not built"
export TRUSTFIX_BUNDLES_DIR=$TOP_SRCDIR/bundles

# comp LINE: what the completion offers at the end of LINE, sorted, one a
# line.  LINE is split as bash splits it (COMP_WORDBREAKS has "=").
comp() {
	(cd "$T/cwd" && bash --norc --noprofile -c '
	. "$1" && . "$2" || exit 1
	compopt() { :; }	# only a real completion may call it
	line=$3
	read -ra COMP_WORDS <<<"$(printf "%s" "$line" | sed "s/=/ = /g")"
	case $line in *" ") COMP_WORDS+=("") ;; esac
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_trustfix
	printf "%s\n" "${COMPREPLY[@]}"' - "$BASHCOMP" "$COMPLETION" \
	    "$TRUSTFIX $1" 2>&1) | sed '/^$/d' | sort
}

# help_options COMMAND: "--long METAVAR" per option line of its --help.
help_options() {
	"$TRUSTFIX" "$1" --help | sed -nE \
	    's/^ +(-[a-zA-Z], )?(--[a-z][a-z0-9-]*)( ([A-Z][^ ]*))?.*/\2 \4/p'
}

commands=$("$TRUSTFIX" --help | sed -nE '/^commands:/,/^$/s/^  ([a-z-]+) .*/\1/p')
like "$commands" '^inspect$' "trustfix --help lists commands"
is "$(comp '')" "$(printf '%s\n' $commands | sort)" \
    "every command of --help is offered, and nothing else"
is "$(comp 'export-r')" "export-root" "a command completes from its prefix"
is "$(comp '-')" "$(printf '%s\n' --help --version)" \
    "before the command: --help and --version"

mkdir -p "$T/files/sub" && : >"$T/files/root.pem"
all_options=
for c in $commands; do
	help_options "$c" >"$T/opts"
	all_options="$all_options $(cut -d' ' -f1 "$T/opts" | tr '\n' ' ')"
	is "$(comp "$c --")" "$(cut -d' ' -f1 "$T/opts" | sort -u)" \
	    "$c: the options offered are its --help's"
	# Every option that wants a file or directory completes one.
	while read -r o m; do
		case $m in
		*FILE* | *DIR* | OUT) ;;
		*) continue ;;
		esac
		want="$T/files/root.pem"
		[ "$m" = DIR ] && want="$T/files/sub"
		got=$(comp "$c $o $T/files/")
		like "$got" "^$want\$" "$c $o $m: completes a path"
		pre=$T/files/ro
		[ "$m" = DIR ] && pre=$T/files/su
		is "$(comp "$c $o=$pre")" "$want" \
		    "$c $o=$m: completes after '='"
	done <"$T/opts"
	is "$(comp "$c $T/files/ro")" "$T/files/root.pem" \
	    "$c: its argument completes as a file"
done

# Values listed by the completion, each said by --help or the man page.
# vals COMMAND OPTION: the values offered after OPTION.
vals() {
	comp "$1 $2 " | grep -v "^$T"
}
for row in "export-root --format" "diagnose --purpose" "import --purpose" \
    "import --store" "list --store" "diagnose --store"; do
	set -- $row
	help_options "$1" | grep -q "^$2 " || continue
	page=$TOP_SRCDIR/man/trustfix-$1.1
	v=$(vals "$1" "$2")
	like "$v" '^[a-z]' "$1 $2: values are offered"
	for x in $v; do
		"$TRUSTFIX" "$1" --help | grep -- "$2 " | grep -qw -- "$x" ||
		    grep -qw -- "$x" "$page" || echo "$x"
	done >"$T/unknown"
	is "$(cat "$T/unknown")" "" "$1 $2: each value is named by --help or $(basename "$page")"
done

# --device: the profiles bundle reads, and "all".
names=$(sed -n 's/^name *= *//p' "$TOP_SRCDIR"/bundles/*.profile | sort)
is "$(vals bundle --device)" "$(printf '%s\n' $names all | sort)" \
    "bundle --device: the device profiles and all"
is "$(comp 'bundle --device ios,a')" "$(printf '%s\n' ios,all ios,android | sort)" \
    "bundle --device completes the last of a comma-separated list"

# --client: each value offered is accepted wherever --client is an option.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/k.pem" -out "$T/c.pem" -subj /CN=c.test -days 2 \
    >/dev/null 2>&1
if help_options diagnose | grep -q '^--client '; then
	for x in $(vals diagnose --client); do
		run "$TRUSTFIX" diagnose --client "$x" --chain "$T/c.pem" \
		    --name c.test --trust "$T/c.pem" --no-aia
		[ "$rc" -ne 2 ] || echo "$x: $err"
	done >"$T/refused"
	is "$(cat "$T/refused")" "" "diagnose --client: each value offered is accepted"
fi

# The options whose values the completion lists must still exist.
for o in --device --client --store --format --purpose --name --sni \
    --connect; do
	grep -q -- "$o)" "$COMPLETION" || grep -q -- "$o |" "$COMPLETION" ||
	    grep -q -- "| $o" "$COMPLETION" || continue
	case " $all_options " in
	*" $o "*) ok 0 "$o, named in the completion, is an option" ;;
	*)	case $o in
		--client) ok 0 "$o: not an option yet (values kept for it)" ;;
		*) ok 1 "$o, named in the completion, is no option of any command" ;;
		esac ;;
	esac
done

done_testing
