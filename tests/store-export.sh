#!/bin/bash
# store-export.sh - export-root from files and servers: the root sent,
# fetched over http AIA, or the self-signed certificate; and the issuer
# to ask for when no root can be reached.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"
need openssl jq python3

pki_with_aia "$T/pki" || skip_all "cannot serve the AIA files"
P=$T/pki
fp() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//' |
	    tr -d : | tr 'A-F' 'a-f'
}

# A self-signed server certificate is its own root.
tf export-root --aia-allow-private "$P/selfsigned.pem"
is "$rc" 0 "a self-signed certificate: exit 0"
printf '%s\n' "$out" >"$T/self.pem"
is "$(fp "$T/self.pem")" "$(fp "$P/selfsigned.pem")" \
    "PEM of the certificate itself on stdout"
like "$err" "sha256:  $(fp "$P/selfsigned.pem")" \
    "subject and fingerprint on stderr when the certificate goes to stdout"
like "$err" "self-signed" "and says where it came from"

# The root fetched over http AIA, in DER to a file.
tf export-root --aia-allow-private \
    --format der -o "$T/root.der" "$P/server-chain.pem"
is "$rc" 0 "server + intermediate: the root via http AIA"
like "$out" "fetched from an AIA caIssuers URL" "says it came over AIA"
like "$out" "sha256:  $(fp "$P/root.pem")" "prints the fingerprint"
like "$out" "^sha1:    $(certfp sha1 "$P/root.pem")$" "and the SHA-1"
openssl x509 -inform der -in "$T/root.der" -out "$T/root-from-der.pem" \
    2>/dev/null
is "$(fp "$T/root-from-der.pem")" "$(fp "$P/root.pem")" "written as DER"
is "$(ls -a "$T" | grep -c '^\.trustfix-tmp')" 0 "no temporary file left"

# A chain whose root is sent along.
cat "$P/server-chain.pem" "$P/root.pem" >"$T/full.pem"
tf export-root --aia-allow-private --no-aia --json "$T/full.pem"
is "$rc" 0 "a chain that includes its root: exit 0"
json_one "--json is one document"
jq_is .root.sha256 "$(fp "$P/root.pem")" "the root's fingerprint"
jq_is .root.found "sent by the server" "found: sent"
jq_is '.root.pem | startswith("-----BEGIN CERTIFICATE-----")' true \
    "--json without -o carries the PEM"

# Nothing above: name the issuer to ask for.
tf export-root --aia-allow-private --no-aia "$P/server-chain.pem"
is "$rc" 1 "no root reachable without AIA: exit 1"
like "$err" "no root could be reached" "says so"
like "$err" "subject: +CN=Contoso Root CA" "names the issuer's subject"
aki=$(openssl x509 -in "$P/issuing.pem" -noout -ext authorityKeyIdentifier |
    sed -n 's/^ *\(keyid:\)\{0,1\}\([0-9A-F:]\{20,\}\).*/\2/p')
like "$err" "key identifier: $aki" "and its key identifier"
like "$err" "ldap:///CN=Contoso%20Root%20CA,CN=AIA" "and the ldap AIA URL"
is "$out" "" "nothing on stdout"
tf export-root --aia-allow-private --no-aia --json "$P/server-chain.pem"
is "$rc" 1 "--json: exit 1 too"
jq_is .root null "root: null"
jq_is .missing.subject "CN=Contoso Root CA, DC=contoso, DC=test" \
    "missing.subject"
jq_is .missing.role root "missing.role: root"
like "$err" "above CN=Contoso Issuing CA 01" \
    "the message names the top of what was found"
# The server sends its own certificate alone: the missing one is its
# issuing CA, which is not called the root.
tf export-root --no-aia "$P/server.pem"
is "$rc" 1 "leaf alone, no AIA: exit 1"
like "$err" "above CN=mail\.contoso\.test" "names the server certificate"
like "$err" "issuing CA: +CN=Contoso Issuing CA 01" "asks for its issuing CA"
unlike "$err" "root subject: +CN=Contoso Issuing CA" \
    "does not call the issuing CA the root"
tf export-root --no-aia --json "$P/server.pem"
jq_is .missing.role issuing-ca "missing.role: issuing-ca"

# From a server on loopback.
start_s_server "$P/server-chain.pem" "$P/server.key" ||
    skip_all "cannot start openssl s_server"
tf export-root --aia-allow-private --connect "127.0.0.1:$S_SERVER_PORT" \
    https://mail.contoso.test
is "$rc" 0 "from a TLS server"
printf '%s\n' "$out" >"$T/net.pem"
is "$(fp "$T/net.pem")" "$(fp "$P/root.pem")" "the server's root"

tf export-root --aia-allow-private --format pem7 "$P/selfsigned.pem"
is "$rc" 2 "an unknown --format is a usage error"
tf export-root --aia-allow-private "$T/missing.pem"
is "$rc" 4 "an unreadable file: exit 4"
tf export-root --aia-allow-private --timeout 2 https://127.0.0.1:1
is "$rc" 3 "a server that cannot be reached: exit 3"

done_testing
