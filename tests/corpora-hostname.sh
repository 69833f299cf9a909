#!/bin/bash
# corpora-hostname.sh - the shared RFC 6125 host-name vectors, each as a
# real certificate through "trustfix diagnose".
. "$TOP_SRCDIR/tests/lib.sh"

corpus="$CORPORA/hostname.jsonl"
[ -r "$corpus" ] || skip_all "no host-name corpus at $CORPORA"
need jq

"$TOP_BUILDDIR/tests/mkleaf" "$corpus" "$T"
ok $? "one leaf per row, signed by one test root"

# The client profile a row's source stands for: Go's own vectors are Go's
# crypto/x509; webpki's and CPython's (its old match_hostname, which the
# corpus scores by RFC 6125: no CN) are the standards' strict profile.
client_of() {
	case $1 in
	go-*) echo go ;;
	*) echo rfc5280 ;;
	esac
}

# row_ok N EXPECT FINDING INVALID NAME ID: 0 when trustfix, speaking for
# the row's client, says what the row expects; sets $got.
row_ok() {
	local v ids
	tf diagnose --chain "$T/$1.pem" --trust "$T/root.pem" --name "$5" \
	    --no-aia --json --client "$(client_of "$6")"
	v=$(printf '%s' "$out" | jq -r '.verdict // "none"' 2>/dev/null)
	ids=$(printf '%s' "$out" | jq -r '[.findings[] |
	    select(.severity == "error") | .id] | join(",")' 2>/dev/null)
	got="exit $rc, ${v:-no JSON} [$ids]"
	if [ "$2" = trusted ]; then
		[ "$rc" = 0 ] && [ "$v" = trusted ]
		return
	fi
	[ "$4" = 1 ] && [ "$rc" = 2 ] && return 0
	[ "$rc" = 1 ] && [ "$v" = untrusted ] &&
	    case ",$ids," in *",$3,"*) true ;; *) false ;; esac
}

scored=0
agree=0
while IFS='|' read -r n id expect finding invalid sc name; do
	if row_ok "$n" "$expect" "$finding" "$invalid" "$name" "$id"; then
		r=0
	else
		r=1
	fi
	if [ "$sc" = 0 ]; then
		echo "# unscored $id: $got"
		continue
	fi
	scored=$((scored + 1))
	[ $r = 0 ] && agree=$((agree + 1))
	ok $r "$id: '$name' -> $expect${finding:+ ($finding)}"
	[ $r = 0 ] || echo "#   got: $got"
done <"$T/manifest"
echo "# hostname corpus: $agree/$scored scored rows agree"
[ "$scored" -gt 0 ]
ok $? "the corpus has scored rows ($scored)"
done_testing
