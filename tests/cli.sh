#!/bin/bash
# cli.sh - the command line: --help, --version, dispatch, usage errors.
. "$TOP_SRCDIR/tests/lib.sh"

tf --version
is "$rc" 0 "--version exits 0"
like "$out" '^trustfix [0-9]+\.[0-9]+' "--version prints the version"
version=$out
for v in -v -V; do
	tf $v
	is "$rc" 0 "$v exits 0"
	is "$out" "$version" "$v prints the version, as --version does"
	is "$err" "" "$v prints nothing on stderr"
done

COMMANDS="inspect diagnose export-root export-chain import remove list bundle
	stores where scan"

tf --help
is "$rc" 0 "--help exits 0"
top_help=$out
for c in $COMMANDS; do
	like "$top_help" "^  $c " "--help lists $c"
	tf "$c" --help
	is "$rc" 0 "$c --help exits 0"
	like "$out" "^usage: trustfix $c" "$c --help prints its usage on stdout"
	is "$err" "" "$c --help prints nothing on stderr"
done

tf
is "$rc" 2 "no command is a usage error"

tf frobnicate
is "$rc" 2 "an unknown command exits 2"
like "$err" "^trustfix: unknown command 'frobnicate'" "and says so"

tf inspect --no-such-option
is "$rc" 2 "an unknown option exits 2"
like "$err" "^trustfix: inspect: unknown option '--no-such-option'" \
    "the message names the command and the option"

# Operand counts: each command says what it expected, exit 2.
while IFS='|' read -r args want; do
	# shellcheck disable=SC2086
	tf $args
	is "$rc" 2 "$args: a usage error"
	like "$err" "^trustfix: ${args%% *}: $want" "$args: says what it expected"
done <<'ROWS'
list extra|unexpected argument 'extra'
stores extra|unexpected argument 'extra'
where|expected one ROOT
where a b|expected one ROOT
export-root|expected one TARGET
export-chain a b|expected one TARGET
import|expected one or more certificate files
remove|expected fingerprints or certificate files
ROWS

# One file-or-host decision for every command: a host name is never a
# file because of letters inside it; a missing file is one by its ending;
# a scheme that lost a character is named.
REFUSED=$(free_port)
for c in inspect diagnose; do
	for h in www.cern.ch mail.pembroke.ac.uk; do
		tf "$c" --timeout 3 --connect "127.0.0.1:$REFUSED" "$h"
		unlike "$err" "cannot read" "$c $h: a server, not a file"
		like "$out$err" "refused" "$c $h: dialled (refused)"
	done
	tf "$c" missing-root.pem
	is "$rc" 4 "$c missing-root.pem: exit 4"
	like "$err" "^trustfix: $c: cannot read missing-root.pem: No such file" \
	    "$c missing-root.pem: no such file"
	tf "$c" smtp//mail.contoso.test
	is "$rc" 2 "$c smtp//mail.contoso.test: a usage error"
	like "$err" "did you mean smtp://mail.contoso.test\?" \
	    "$c smtp//mail.contoso.test: did you mean smtp://"
done

# What the command line says is escaped like any outside text.
ESC=$(printf '\033')
for args in "fr${ESC}[2J" "list --no${ESC}[2J" "list -${ESC}" "list x${ESC}[2J" \
    "import --purpose ${ESC}[2J x" "export-root --format ${ESC}[2J x" \
    "inspect --timeout ${ESC}[2J x"; do
	tf $args
	is "$rc" 2 "'$(printf '%s' "$args" | cat -v)': a usage error"
	unlike "$err" "$ESC" "and its message holds no escape byte"
	like "$err" '\\x1b' "but \\x1b"
done

# Every option in a command's --help appears in its man page.
for c in $COMMANDS; do
	page="$TOP_SRCDIR/man/trustfix-$c.1"
	[ -f "$page" ] || page="$TOP_SRCDIR/man/trustfix.1"
	"$TRUSTFIX" "$c" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u |
	while read -r o; do
		name=${o#--}
		grep -Eq "Fl -$name( |\$)" "$page" ||
		    echo "$c $o"
	done >"$T/missing"
	is "$(cat "$T/missing")" "" "$c: every --help option is in $(basename "$page")"
done

done_testing
