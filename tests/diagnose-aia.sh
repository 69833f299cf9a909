#!/bin/bash
# diagnose-aia.sh - missing issuers fetched over http AIA, within limits,
# from a loopback server and from hostile ones.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3
peer pki_with_aia "$T/pki"
P=$T/pki

# mkleaf NAME AIA...: a server certificate from the issuing CA whose
# caIssuers are the URLs given.
mkleaf() {
	local name=$1 aia="" u
	shift
	for u in "$@"; do
		aia="$aia${aia:+,}caIssuers;URI:$u"
	done
	printf '%s\n' "subjectAltName=DNS:mail.contoso.test" \
	    "extendedKeyUsage=serverAuth" "authorityKeyIdentifier=keyid" \
	    "authorityInfoAccess=$aia" >"$T/$name.ext"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
	    -keyout "$T/$name.key" -subj /CN=mail.contoso.test \
	    -out "$T/$name.csr" 2>/dev/null &&
	openssl x509 -req -in "$T/$name.csr" -CA "$P/issuing.pem" \
	    -CAkey "$P/issuing.key" -days 30 -extfile "$T/$name.ext" \
	    -out "$T/$name.pem" 2>/dev/null
}

# d CHAIN [OPTIONS...]: diagnose --json with AIA on, trusting the root.
d() {
	local chain=$1
	shift
	tf diagnose --aia-allow-private \
	    --chain "$chain" --name mail.contoso.test --json \
	    --timeout 3 "$@"
}

has() {
	jq_is "[.findings[] | select(.id == \"$1\") | .severity] | first" \
	    "${2:-error}" "finding $1"
}

# --- the issuer fetched from the loopback server --------------------------
d "$P/server.pem" --trust "$P/root.pem"
json_one "one JSON document"
is "$rc" 1 "AIA: the intermediate fetched, still untrusted (not sent)"
jq_is '[.chain[].source] | join(",")' server,aia,store \
    "AIA: the fetched issuer has source aia"
jq_is '.chain[1].url' "$AIA_BASE/issuing.crt" "AIA: and its URL"
jq_is '.chain[1].subject | test("Contoso Issuing CA 01")' true \
    "AIA: the issuing CA"
has missing-intermediate
jq_is '[.findings[].id] | join(",")' missing-intermediate \
    "AIA: no other finding"
jq_is '.findings[0].certificate' 0 "AIA: on the server certificate"
jq_is '.findings[0].detail | test("fetched it from '"$AIA_BASE"'/issuing\\.crt")' \
    true "AIA: the detail names where it was fetched"
jq_is '.findings[0].fix | test("send the intermediate.*published at '"$AIA_BASE"'/issuing\\.crt")' \
    true "AIA: the fix: send it; it names where it is published"
jq_is '.findings[0].fix | test("trustfix export-chain --with-leaf .* -o fullchain.pem")' \
    true "AIA: the fix names export-chain"
jq_is '.findings[0].fix | test("ssl_certificate fullchain.pem.*smtpd_tls_chain_files = server.key, fullchain.pem.*ssl_cert = <fullchain.pem")' \
    true "AIA: and the nginx, Postfix and Dovecot directives"
jq_is '.findings[0].fix | test("trustfix import")' false \
    "AIA: no client-side import of the intermediate is offered"
jq_is .clients.openssl.trusted false "AIA: OpenSSL clients do not fetch it"
jq_is .clients.openssl.code 20 "AIA: and stop at error 20"
jq_is .clients.dotnet.trusted true ".NET fetches it: trusted"
jq_is '.clients.dotnet.chain_status | length' 0 ".NET: no chain status"

# The root is not trusted either: importing the intermediate alone would
# leave OpenSSL (error 2) and .NET (PartialChain) rejecting.
d "$P/server.pem" --trust "$P/private-root.pem"
is "$rc" 1 "AIA, unknown root: untrusted"
jq_is '[.findings[] | select(.id == "missing-intermediate") | .fix] |
    first | test("export-chain")' \
    true "AIA, unknown root: the server's fix, export-chain"
jq_is '[.findings[].fix] | join(" ") | test("import [^ ]*issuing")' false \
    "AIA, unknown root: no fix imports the intermediate"

d "$P/server.pem" --trust "$P/root.pem" --untrusted "$P/issuing.pem"
is "$rc" 0 "the intermediate given with --untrusted: trusted, nothing fetched"

d "$P/server.pem" --trust "$P/root.pem" --no-aia
is "$rc" 1 "--no-aia: untrusted"
has missing-intermediate
jq_is '.findings[0].fix | test("AIA offers it over http")' true \
    "--no-aia: the fix says where AIA offers it"

d "$P/server-chain.pem" --trust "$P/private-root.pem"
is "$rc" 1 "AIA root, not an anchor: untrusted"
has untrusted-root
jq_is '[.chain[].source] | join(",")' server,server,aia \
    "AIA: the root fetched too"
jq_is '[.findings[] | select(.id == "untrusted-root") | .certificate][0]' \
    2 "untrusted-root names the fetched root"

mkleaf p7 "$AIA_BASE/issuing.p7c"
d "$T/p7.pem" --trust "$P/root.pem"
jq_is '[.chain[].source] | join(",")' server,aia,store \
    "AIA: a PKCS#7 answer gives the issuer"
jq_is .clients.dotnet.trusted true "AIA: a PKCS#7 answer: .NET trusts it"

# (the extension syntax of openssl x509 takes no commas in a URL)
mkleaf ldap 'ldap://dc01.contoso.test/CN=Contoso%20Issuing%20CA%2001?cACertificate'
d "$T/ldap.pem" --trust "$P/root.pem"
has missing-intermediate
jq_is '.findings[0].fix | test("ldap://dc01.contoso.test/CN=Contoso%20Issuing.*: cannot resolve dc01.contoso.test")' \
    true "ldap AIA: tried (tests/diagnose-ldap.sh reads it from slapd)"

# --- hostile servers: each ends in a clear result within the timeout -------
# hostile MODE WHAT-REGEX
hostile() {
	local mode=$1 want=$2 t0 t1
	peer start_hostile_http "$mode"
	mkleaf "h-$mode" "http://127.0.0.1:$HOSTILE_HTTP_PORT/issuing.crt"
	t0=$(date +%s)
	d "$T/h-$mode.pem" --trust "$P/root.pem"
	t1=$(date +%s)
	is "$rc" 1 "$mode: untrusted"
	has missing-intermediate
	ok $(( t1 - t0 <= 5 ? 0 : 1 )) "$mode: done within the timeout" \
	    "($((t1 - t0)) s)"
	jq_is ".findings[0].fix | test(\"$want\")" true "$mode: says why"
}
hostile slow 'timed out|no answer'
hostile huge 'larger than|no certificate'
hostile huge-length 'larger than|no answer|no certificate'
hostile wrong 'no certificate'
hostile redirect-loop 'more than 2 redirects'
hostile redirect-scheme 'not an http URL'

# --- at most 4 downloads per diagnosis ------------------------------------
peer start_hostile_http wrong
u=http://127.0.0.1:$HOSTILE_HTTP_PORT
mkleaf many "$u/1.crt" "$u/2.crt" "$u/3.crt" "$u/4.crt" "$u/5.crt"
d "$T/many.pem" --trust "$P/root.pem"
has missing-intermediate
jq_is '[.findings[0].fix | scan("Download [^ ]*: the answer")] | length' 4 \
    "four downloads tried"
jq_is '.findings[0].fix | test("5.crt: not fetched: at most 4")' true \
    "the fifth is not fetched"

done_testing
