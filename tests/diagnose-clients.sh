#!/bin/bash
# diagnose-clients.sh - one verdict per client: the profiles on the chains
# where real clients disagree, --client, rejected_by and the severities.
. "$TOP_SRCDIR/tests/lib.sh"

need openssl jq certtool
"$TOP_SRCDIR/tests/pki-clients.sh" "$T/c" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki-clients.sh failed: $(tail -n 1 "$T/pki.log")"
C=$T/c
ALL="openssl openssl-strict dotnet gnutls nss java go rfc5280"

# d CASE [OPTIONS...]: offline diagnose --json of a case.
d() {
	local c=$1
	shift
	tf diagnose --chain "$C/$c/chain.pem" --trust "$C/$c/trust.pem" \
	    --name "$(cat "$C/$c/name")" --no-aia --json "$@"
}

# views CASE WANT: WANT is Y or N per profile, in the order of $ALL.
views() {
	local got="" c
	for c in $ALL; do
		case $(printf '%s' "$out" |
		    jq -r ".clients[\"$c\"].trusted") in
		true) got="$got Y" ;;
		false) got="$got N" ;;
		*) got="$got ?" ;;
		esac
	done
	is "${got# }" "$2" "$1: the views of $ALL"
}

# views_some CASE CLIENT true|false: one profile's view.
views_some() {
	local got
	got=$(printf '%s' "$out" | jq -r "[.clients[\"$2\"].trusted] | first")
	is "$got" "$3" "$1: $2 ${3/true/accepts}"
}

# real CASE [gnutls]: the verdicts of the real openssl verify (default
# and strict; not with "gnutls": openssl verify has no TLS security
# level) and GnuTLS certtool equal trustfix's views of them.
real() {
	local c=$C/$1 n v s g
	n=$(cat "$c/name")
	certtool --verify --load-ca-certificate "$c/trust.pem" \
	    --infile "$c/chain.pem" --verify-hostname "$n" \
	    --verify-purpose 1.3.6.1.5.5.7.3.1 >"$T/certtool.out" 2>&1
	grep -q '^Chain verification output: Verified' "$T/certtool.out" &&
	    g=true || g=false
	jq_is .clients.gnutls.trusted "$g" \
	    "$1: gnutls view = certtool --verify"
	[ "${2:-}" = gnutls ] && return
	awk '/BEGIN/ { n++ } n > 1' "$c/chain.pem" >"$c/untrusted.pem"
	openssl verify -CAfile "$c/trust.pem" -untrusted "$c/untrusted.pem" \
	    -purpose sslserver -verify_hostname "$n" "$c/chain.pem" \
	    >/dev/null 2>&1 && v=true || v=false
	openssl verify -x509_strict -partial_chain -CAfile "$c/trust.pem" \
	    -untrusted "$c/untrusted.pem" -purpose sslserver \
	    -verify_hostname "$n" "$c/chain.pem" >/dev/null 2>&1 &&
	    s=true || s=false
	jq_is .clients.openssl.trusted "$v" "$1: openssl view = openssl verify"
	jq_is '.clients["openssl-strict"].trusted' "$s" \
	    "$1: openssl-strict view = openssl verify -x509_strict"
}

# verdict WANT STATUS
verdict() {
	jq_is .verdict "$1" "verdict $1"
	is "$rc" "$2" "exit status $2"
}

# rejected ID WANT: the clients that reject for finding ID.
rejected() {
	jq_is "[.findings[] | select(.id == \"$1\") |
	    .rejected_by | join(\",\")] | first" "$2" "$1: rejected by $2"
}

# severity ID WANT
severity() {
	jq_is "[.findings[] | select(.id == \"$1\") | .severity] | first" \
	    "$2" "$1: $2"
}

# --- every client accepts --------------------------------------------------
d ok
json_one "one JSON document"
verdict trusted 0
views ok "Y Y Y Y Y Y Y Y"
real ok
jq_is '.clients | keys_unsorted | join(" ")' "$ALL" \
    "clients: every profile, in order"
jq_is '[.clients[] | has("trusted", "error", "message")] | all' true \
    "every view has trusted, error and message"

# --- where trustfix's own path was too kind --------------------------------
# OpenSSL does not backtrack past an expired trusted root to the valid
# cross-certificate the server sends: error 10, and .NET NotTimeValid.
d xsign-expired-root
verdict untrusted 1
views xsign-expired-root "N N N Y Y Y Y Y"
real xsign-expired-root
jq_is .clients.openssl.code 10 "xsign: OpenSSL error 10"
jq_is '.clients.dotnet.chain_status | join(",")' NotTimeValid \
    "xsign: .NET NotTimeValid"
rejected expired openssl,openssl-strict,dotnet
severity expired error
jq_is '.findings[0].detail | test("accepted by .*GnuTLS")' true \
    "xsign: the words say who accepts"
d xsign-expired-root --client gnutls,nss,java,go
verdict trusted 0
severity expired warning

# A trust anchor that is no root: OpenSSL error 2, .NET PartialChain.
d intermediate-anchor
verdict untrusted 1
views intermediate-anchor "N Y N Y Y Y Y Y"
real intermediate-anchor
jq_is .clients.openssl.code 2 "intermediate anchor: OpenSSL error 2"
jq_is '.clients.dotnet.chain_status | join(",")' PartialChain \
    "intermediate anchor: .NET PartialChain"
jq_is '[.findings[] | select(.severity == "error") | .fix] | join(" ")
    | test("trustfix import root.pem")' true \
    "intermediate anchor: the fix imports the root"

# --- where trustfix's own rules were too strict ----------------------------
for c in v1-root ca-no-ku bc-noncritical; do
	d $c
	verdict trusted 0
	views $c "Y N Y Y Y Y Y N"
	real $c
	jq_is '[.findings[] | .severity] | unique | join(",")' warning \
	    "$c: warnings only"
	jq_is '[.findings[] | .rejected_by | index("openssl-strict")] |
	    all' true "$c: each warning names openssl-strict"
	jq_is '[.findings[].detail] | join(" ") |
	    test("accepted by OpenSSL, .NET")' true \
	    "$c: the words say OpenSSL and .NET accept"
done
d bc-noncritical --client openssl-strict
verdict untrusted 1
jq_is '.clients["openssl-strict"].code' 89 "bc-noncritical: strict error 89"
severity profile-violation error
TRUSTFIX_CLIENTS=openssl-strict d bc-noncritical
verdict untrusted 1
TRUSTFIX_CLIENTS=openssl-strict d bc-noncritical --client openssl
verdict trusted 0

d ca-no-aki
verdict trusted 0
real ca-no-aki
views ca-no-aki "Y Y Y Y Y Y Y Y"

# No client judges a root's own signature by its algorithm.
d sha1-root --client all
verdict trusted 0
views sha1-root "Y Y Y Y Y Y Y Y"
real sha1-root
jq_is '[.findings[] | select(.id == "weak-signature")] | length' 0 \
    "sha1-root: no weak-signature"

# SHA-1 below the root: GnuTLS and Go refuse it, NSS and Java accept it.
d sha1-leaf
views_some sha1-leaf gnutls false
views_some sha1-leaf go false
views_some sha1-leaf nss true
views_some sha1-leaf java true
real sha1-leaf gnutls
jq_is '[.findings[] | select(.id == "weak-signature") | .rejected_by |
    index("gnutls", "go") != null] | all' true \
    "sha1-leaf: weak-signature names GnuTLS and Go"

# An issuer that says CA:FALSE: every client refuses it.
d notca-issuer --client all
verdict untrusted 1
views notca-issuer "N N N N N N N N"
real notca-issuer
rejected not-a-ca openssl,openssl-strict,dotnet,gnutls,nss,java,go,rfc5280

# --- host names ------------------------------------------------------------
# A DNS name against an IP-only subjectAltName: OpenSSL, .NET, Java and
# NSS (no dNSName: CERT_VerifyCertName reads the CN) take the CN; GnuTLS
# and Go do not.
d ip-san-cn-host
verdict trusted 0
views ip-san-cn-host "Y Y Y N Y Y N N"
real ip-san-cn-host
rejected name-mismatch gnutls,go,rfc5280
severity name-mismatch warning
d ip-san-cn-host --client all
verdict untrusted 1
severity name-mismatch error

d cn-only
verdict trusted 0
views cn-only "Y Y Y Y Y Y N N"
real cn-only
rejected cn-only go,rfc5280
severity cn-only warning
jq_is .clients.go.error \
    "x509: certificate relies on legacy Common Name field, use SANs instead" \
    "cn-only: Go's own error"
d cn-only --client go
verdict untrusted 1
severity cn-only error

# --- the text output: one line per client named, after the verdict ---------
tf diagnose --chain "$C/cn-only/chain.pem" --trust "$C/cn-only/trust.pem" \
    --name mail.contoso.test --no-aia --client openssl,go,java
is "$rc" 1 "text: exit 1"
like "$(printf '%s\n' "$out" | sed -n 3p)" '^  OpenSSL: +accepts' \
    "text: OpenSSL accepts, third line"
like "$(printf '%s\n' "$out" | sed -n 4p)" \
    '^  Java: +accepts' "text: Java, fourth line"
like "$(printf '%s\n' "$out" | sed -n 5p)" \
    '^  Go: +rejects: .*legacy Common Name' "text: Go in its own words"

# --- the list --------------------------------------------------------------
d ok --client all,rfc5280
verdict trusted 0
jq_is '[.clients[] | select(.named)] | length' 8 "all,rfc5280: 8 named"
d ok --client all
jq_is '[.clients | to_entries[] | select(.value.named) | .key] | join(",")' \
    openssl,openssl-strict,dotnet,gnutls,nss,java,go "all: every real client"
d ok
jq_is '[.clients | to_entries[] | select(.value.named) | .key] | join(",")' \
    openssl,dotnet "default: openssl and dotnet"
d ok --client openssl,curl
is "$rc" 2 "an unknown client: usage error"
like "$err" "^trustfix: diagnose: unknown client 'curl'" "it names the word"
is "$out" "" "nothing on stdout"
TRUSTFIX_CLIENTS=nope d ok
is "$rc" 2 "TRUSTFIX_CLIENTS unknown: usage error"

done_testing
