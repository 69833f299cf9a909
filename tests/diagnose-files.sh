#!/bin/bash
# diagnose-files.sh - the offline diagnose form: one test per finding id,
# deployment and client view, the options and the exit codes.
. "$TOP_SRCDIR/tests/lib.sh"

need openssl jq
"$TOP_SRCDIR/tests/pki.sh" "$T/pki" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
P=$T/pki
export OPENSSL_CONF_SAVED=${OPENSSL_CONF:-}

# d NAME CHAIN [OPTIONS...]: offline diagnose --json, trusting the root.
d() {
	local name=$1 chain=$2
	shift 2
	tf diagnose --chain "$chain" --name "$name" --no-aia --json "$@"
}

# has ID [SEVERITY]: the finding is in $out (with that severity).
has() {
	jq_is "[.findings[] | select(.id == \"$1\") | .severity] | first" \
	    "${2:-error}" "finding $1 (${2:-error})"
}
verdict() {
	jq_is .verdict "$1" "verdict $1"
	is "$rc" "$2" "exit status $2"
}

# --- trusted --------------------------------------------------------------
d mail.contoso.test "$P/server-chain.pem" --trust "$P/root.pem"
json_one "one JSON document"
verdict trusted 0
jq_is '.findings | length' 0 "no findings"
jq_is '[.chain[].source] | join(",")' server,server,store \
    "chain: sent, sent, anchor"
jq_is '[.chain[].in_path] | all' true "every certificate on the path"
jq_is .deployment windows-pki "deployment windows-pki"
jq_is .target.protocol file "target: a file"
jq_is .target.name mail.contoso.test "target: the name checked"
jq_is .clients.openssl.trusted true "openssl view: trusted"
jq_is .clients.openssl.code 0 "openssl view: code 0"
jq_is .clients.dotnet.trusted true ".NET view: trusted"
jq_is '.clients.dotnet.ssl_policy_errors | length' 0 ".NET: no errors"

# --- untrusted-root: the AD CS root is not an anchor ------------------------
d mail.contoso.test "$P/server-chain.pem" --trust "$P/private-root.pem"
verdict untrusted 1
has untrusted-root
jq_is '.findings[0].certificate' 1 "untrusted-root: about the issuing CA"
jq_is '.findings[0].detail | test("Contoso Root CA")' true \
    "untrusted-root names the missing root"
jq_is '.findings[0].detail | test("key identifier")' true \
    "untrusted-root gives its key identifier"
jq_is '.findings[0].detail | test("ldap:///CN=Contoso%20Root")' true \
    "untrusted-root names the ldap AIA URL"
jq_is '.findings[0].fix | test("trustfix export-root .* -o root.pem")' \
    true "fix: export-root"
jq_is '.findings[0].fix | test("trustfix import root.pem")' true \
    "fix: import"
jq_is '.findings[0].fix | test("trustfix bundle")' true \
    "fix: bundle for mobile devices"
jq_is .clients.openssl.code 20 "openssl view: 20 (no local issuer)"
jq_is '.clients.dotnet.chain_status | join(",")' PartialChain \
    ".NET: PartialChain"
jq_is '.clients.dotnet.message | test("^The remote certificate is invalid because of errors in the certificate chain: PartialChain$")' \
    true ".NET: the sentence it logs"

d mail.contoso.test "$P/server-full.pem" --trust "$P/private-root.pem"
has untrusted-root
jq_is '[.findings[] | select(.id == "untrusted-root") | .certificate][0]' \
    2 "sent root: the finding names it"
jq_is .clients.openssl.code 19 "openssl view: 19 (self-signed in chain)"
jq_is '.clients.dotnet.chain_status | join(",")' UntrustedRoot \
    ".NET: UntrustedRoot"

# --- self-signed, also with the wrong name --------------------------------
d router.example.test "$P/selfsigned.pem" --trust "$P/root.pem"
verdict untrusted 1
has self-signed
jq_is .deployment self-signed "deployment self-signed"
jq_is .clients.openssl.code 18 "openssl view: 18"
jq_is '.clients.dotnet.chain_status | join(",")' UntrustedRoot \
    ".NET: UntrustedRoot for self-signed"
d wrong.example.test "$P/selfsigned.pem" --trust "$P/root.pem"
has self-signed
has name-mismatch
jq_is '.suggested_names | index("router.example.test") != null' true \
    "suggested names: the certificate's"
d router.example.test "$P/selfsigned.pem" --trust "$P/selfsigned.pem"
verdict trusted 0

# --- missing-intermediate ---------------------------------------------------
d mail.contoso.test "$P/server.pem" --trust "$P/root.pem"
verdict untrusted 1
has missing-intermediate
jq_is '.findings[0].certificate' 0 "missing-intermediate: the server's"
jq_is '.findings[0].fix | test("Contoso Issuing CA 01")' true \
    "fix names the intermediate"
jq_is '.findings[0].fix | test("http://127.0.0.1:9/issuing.crt")' true \
    "fix says where AIA offers it"
jq_is '.clients.dotnet.chain_status | join(",")' PartialChain \
    ".NET: PartialChain"
d mail.contoso.test "$P/server.pem" --trust "$P/root.pem" \
    --untrusted "$P/issuing.pem"
verdict trusted 0
jq_is '.chain[1].source' untrusted "--untrusted: source untrusted"

# --- names --------------------------------------------------------------
d www.contoso.test "$P/server-chain.pem" --trust "$P/root.pem"
verdict untrusted 1
has name-mismatch
jq_is '.suggested_names | length > 0' true "suggested_names given"
jq_is '.findings[0].fix | test("mail.contoso.test")' true \
    "fix: a name to use"
jq_is .clients.openssl.code 62 "openssl view: 62 (hostname mismatch)"
jq_is '.clients.dotnet.ssl_policy_errors | join(",")' \
    RemoteCertificateNameMismatch ".NET: name mismatch only"
d 127.0.0.1 "$P/ip-chain.pem" --trust "$P/root.pem"
verdict trusted 0
d ::1 "$P/ip-chain.pem" --trust "$P/root.pem"
verdict trusted 0
d 127.0.0.2 "$P/ip-chain.pem" --trust "$P/root.pem"
has name-mismatch
d a.contoso.test "$P/wildcard-chain.pem" --trust "$P/root.pem"
verdict trusted 0
d a.b.contoso.test "$P/wildcard-chain.pem" --trust "$P/root.pem"
has name-mismatch
# OpenSSL and .NET accept a matching CN: a warning for them; Go refuses.
d mail.contoso.test "$P/nosan-chain.pem" --trust "$P/root.pem"
verdict trusted 0
has cn-only warning
jq_is .clients.openssl.trusted true "cn-only: OpenSSL accepts the CN"
jq_is .clients.dotnet.trusted true "cn-only: .NET accepts the CN"
jq_is .clients.go.trusted false "cn-only: Go refuses it"
jq_is '[.findings[] | select(.id == "cn-only") | .rejected_by[]] |
    join(",")' go,rfc5280 "cn-only: rejected by Go and RFC 5280"
d mail.contoso.test "$P/nosan-chain.pem" --trust "$P/root.pem" \
    --client openssl,go
verdict untrusted 1
has cn-only
TRUSTFIX_CLIENTS=go d mail.contoso.test "$P/nosan-chain.pem" \
    --trust "$P/root.pem"
verdict untrusted 1
has cn-only

# --- validity -------------------------------------------------------------
d mail.contoso.test "$P/expired-chain.pem" --trust "$P/root.pem"
verdict untrusted 1
has expired
jq_is '.findings[0].certificate' 0 "expired: names the server's"
jq_is .clients.openssl.code 10 "openssl view: 10 (expired)"
jq_is '.clients.dotnet.chain_status | join(",")' NotTimeValid \
    ".NET: NotTimeValid"
d mail.contoso.test "$P/notyet-chain.pem" --trust "$P/root.pem"
has not-yet-valid
jq_is .clients.openssl.code 9 "openssl view: 9 (not yet valid)"
d mail.contoso.test "$P/expiring-chain.pem" --trust "$P/root.pem"
verdict trusted 0
has expiring-soon warning
d mail.contoso.test "$P/server-chain.pem" --trust "$P/root.pem" \
    --at 2000-01-01
has not-yet-valid
jq_is '[.findings[] | select(.id == "not-yet-valid") | .certificate] |
    join(",")' 0,1,2 "--at: every certificate named"
nb=$(openssl x509 -in "$P/expired.pem" -noout -startdate | sed 's/.*=//')
at=$(( $(date -d "$nb" +%s) + 86400 ))
d mail.contoso.test "$P/expired-chain.pem" --trust "$P/root.pem" --at "$at"
verdict trusted 0
d mail.contoso.test "$P/expired-chain.pem" --trust "$P/root.pem" \
    --at "$(date -u -d "@$at" +%Y-%m-%dT%H:%M:%SZ)"
verdict trusted 0

# --- weak crypto: errors at this system's security level ------------------
d mail.contoso.test "$P/sha1-chain.pem" --trust "$P/root.pem"
has weak-signature
verdict untrusted 1
d mail.contoso.test "$P/rsa1024-chain.pem" --trust "$P/root.pem"
has weak-key
jq_is '.clients.dotnet.trusted' true ".NET has no security level"
jq_is '.clients.openssl.code' 66 "openssl view: 66 (EE key too small)"

# --- usage and CA rules ------------------------------------------------------
d mail.contoso.test "$P/clientauth-chain.pem" --trust "$P/root.pem"
has no-server-auth
jq_is '.clients.dotnet.chain_status | join(",")' NotValidForUsage \
    ".NET: NotValidForUsage"
jq_is .clients.openssl.code 26 "openssl view: 26 (unsupported purpose)"
d mail.contoso.test "$P/clientauth-chain.pem" --trust "$P/root.pem" \
    --purpose any
jq_is '[.findings[].id] | index("no-server-auth")' null \
    "--purpose any: no purpose check"
d mail.contoso.test "$P/notca-leaf-chain.pem" --trust "$P/root.pem"
has not-a-ca
jq_is '[.findings[] | select(.id == "not-a-ca") | .certificate][0]' 1 \
    "not-a-ca names the issuer"
jq_is '.clients.dotnet.chain_status | index("InvalidBasicConstraints") !=
    null' true ".NET: InvalidBasicConstraints"

# mkca NAME ISSUER EXT: a CA certificate with extra extensions.
mkcert() {
	local name=$1 issuer=$2 ext=$3
	printf '%s\n' "$ext" >"$T/$name.ext"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
	    -keyout "$T/$name.key" -subj "/CN=$name" -out "$T/$name.csr" \
	    2>/dev/null &&
	openssl x509 -req -in "$T/$name.csr" -CA "$T/$issuer.pem" \
	    -CAkey "$T/$issuer.key" -days 30 -extfile "$T/$name.ext" \
	    -out "$T/$name.pem" 2>/dev/null
}
CAEXT='basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid'
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
    -keyout "$T/r.key" -out "$T/r.pem" -subj /CN=r -days 30 \
    -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' \
    -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
mkcert i1 r "$CAEXT"
mkcert leaf1 i1 'subjectAltName=DNS:www.example.org
extendedKeyUsage=serverAuth
authorityKeyIdentifier=keyid'
cat "$T/leaf1.pem" "$T/i1.pem" >"$T/pl-chain.pem"
d www.example.org "$T/pl-chain.pem" --trust "$T/r.pem"
has path-length
jq_is .clients.openssl.code 25 "openssl view: 25 (path length)"
mkcert nc r "$CAEXT
nameConstraints=critical,permitted;DNS:example.net"
mkcert leaf2 nc 'subjectAltName=DNS:www.example.org
extendedKeyUsage=serverAuth
authorityKeyIdentifier=keyid'
cat "$T/leaf2.pem" "$T/nc.pem" >"$T/nc-chain.pem"
d www.example.org "$T/nc-chain.pem" --trust "$T/nc.pem"
has name-constraints
jq_is '.clients.dotnet.chain_status | index("HasNotPermittedNameConstraint")
    != null' true ".NET: HasNotPermittedNameConstraint"

# --- chain order ------------------------------------------------------------
cat "$P/server.pem" "$P/root.pem" "$P/issuing.pem" >"$T/order.pem"
d mail.contoso.test "$T/order.pem" --trust "$P/root.pem"
has chain-order warning
verdict trusted 0
cat "$P/server-chain.pem" "$P/selfsigned.pem" >"$T/extra.pem"
d mail.contoso.test "$T/extra.pem" --trust "$P/root.pem"
has chain-order warning
jq_is '[.chain[] | select(.in_path == false) | .subject] | join(",")' \
    CN=router.example.test "the unrelated certificate is off the path"

# --- deployments ------------------------------------------------------------
d mail.example.test "$P/private-server-chain.pem" \
    --trust "$P/private-root.pem" --purpose any
jq_is .deployment private-ca "deployment private-ca"
cat "$P/private-server.pem" "$P/private-root.pem" >"$T/private-full.pem"
d mail.example.test "$T/private-full.pem" --trust "$P/root.pem" \
    --purpose any
has untrusted-root
jq_is '.findings[0].fix | test("private CA")' true \
    "private CA: the fix says so"

# A root among the distribution's anchors (simulated) is a public CA,
# even when --trust replaces the anchors for verification.
TRUSTFIX_DEFAULT_ANCHORS=$P/private-root.pem d mail.example.test \
    "$T/private-full.pem" --trust "$P/root.pem" --purpose any
jq_is .deployment public-ca "deployment public-ca"
jq_is '.findings[0].fix | test("ca-certificates")' true \
    "public CA: the fix is the client's trust store"

# --- anchors: directories, hashed directories, the default, a store -----------
mkdir "$T/any" "$T/hashed"
cp "$P/root.pem" "$T/any/some name.txt"
echo junk >"$T/any/README"
d mail.contoso.test "$P/server-chain.pem" --trust "$T/any"
verdict trusted 0
cp "$P/root.pem" "$T/hashed/$(openssl x509 -in "$P/root.pem" -noout -hash).0"
d mail.contoso.test "$P/server-chain.pem" --trust "$T/hashed"
verdict trusted 0
SSL_CERT_FILE=$P/root.pem SSL_CERT_DIR=$T/nowhere \
    d mail.contoso.test "$P/server-chain.pem"
verdict trusted 0
SSL_CERT_FILE=$T/nowhere SSL_CERT_DIR=$T/nowhere \
    d mail.contoso.test "$P/server-chain.pem"
verdict untrusted 1
if "$TRUSTFIX" import --store "$T/store" --yes "$P/root.pem" \
    >/dev/null 2>&1; then
	d mail.contoso.test "$P/server-chain.pem" --store "$T/store"
	verdict trusted 0
else
	ok 1 "import --store failed: cannot test diagnose --store"
fi

# --- the human output -------------------------------------------------------
tf diagnose --chain "$P/server-chain.pem" --name mail.contoso.test --no-aia \
    --trust "$P/private-root.pem"
is "$rc" 1 "text: exit 1"
like "$(printf '%s\n' "$out" | head -n 1)" '^NOT TRUSTED: a client named rejects' \
    "text: the verdict first"
like "$out" 'fix: +This is a Windows enterprise PKI' "text: the fix"
is "$(printf '%s\n' "$out" | grep -c ' $')" 0 \
    "text: no wrapped line ends in a space"
like "$out" '^deployment: windows-pki' "text: the deployment"
like "$(printf '%s\n' "$out" | sed -n 3,4p)" \
    '\.NET: +rejects: The remote certificate is invalid' \
    "text: the .NET view after the verdict"
like "$(printf '%s\n' "$out" | sed -n 3p)" '^  OpenSSL: +rejects: verify error 2' \
    "text: the OpenSSL view in its own words"
unlike "$out" $'\033' "text: no colour when not a terminal"
NO_COLOR=1 tf diagnose --chain "$P/server-chain.pem" --name \
    mail.contoso.test --no-aia --trust "$P/root.pem"
like "$(printf '%s\n' "$out" | head -n 1)" '^TRUSTED: every client named accepts' \
    "text: trusted"

# --- text that is not UTF-8 -------------------------------------------------
# jansson refuses it; the JSON shows each bad byte as \xNN, never null.
bad=$T/bad$(printf '\377').pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout /dev/null -subj /CN=badutf8 -days 1 -out "$bad" \
    -addext "subjectAltName=DNS:bad$(printf '\377')name.example,\
DNS:ok.example" 2>/dev/null
d ok.example "$bad" --trust "$bad"
json_one "a name that is not UTF-8: one JSON document"
jq_is .target.input "$T/bad\\xff.pem" "target: a file name that is not UTF-8"
jq_is '[.findings[] | select(.id == "profile-violation") | .detail |
    type] | join(",")' string "the finding's detail is a string"
jq_is '.findings[] | select(.id == "profile-violation") | .detail |
    test("bad\\\\xffname\\.example")' true "it names the SAN, \\xff escaped"

# --- exit codes ---------------------------------------------------------------
tf diagnose --json
is "$rc" 2 "no TARGET: usage error"
tf diagnose --chain "$P/server.pem" --name 'bad name!' --json
is "$rc" 2 "invalid --name: usage error"
is "$out" "" "usage error: nothing on stdout"
tf diagnose --chain "$P/server.pem" --name x.test --at yesterday
is "$rc" 2 "invalid --at: usage error"
tf diagnose --chain "$P/server.pem" --name x.test --purpose email
is "$rc" 2 "invalid --purpose: usage error"
tf diagnose --chain "$T/none.pem" --name x.test
is "$rc" 4 "unreadable chain: exit 4"
like "$err" '^trustfix: diagnose: ' "errors in one voice"
echo junk >"$T/junk.pem"
tf diagnose --chain "$T/junk.pem" --name x.test
is "$rc" 4 "no certificate in the file: exit 4"
tf diagnose --chain "$P/server.pem" --name x.test --trust "$T/none.pem"
is "$rc" 4 "unreadable --trust: exit 4"
tf diagnose "$P/server-chain.pem" --name mail.contoso.test \
    --trust "$P/root.pem" --no-aia --json
is "$rc" 0 "a file TARGET works like --chain"

done_testing
