#!/bin/bash
# bundle-net.sh - a server URL as bundle input: its root, found through the
# chain it sends and AIA, is bundled; no root, no bundle.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl python3
pki_with_aia "$T/pki" || skip_all "cannot start the AIA server"
P=$PKI
export TRUSTFIX_BUNDLES_DIR=$TOP_SRCDIR/bundles
cd "$T" || exit 1

sha256() {
	openssl x509 -in "$1" -inform "${2:-PEM}" -noout -fingerprint \
	    -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}
ROOT=$(sha256 "$P/root.pem")

# A server that sends its whole chain, root included.
cat "$P/server-chain.pem" "$P/root.pem" >full.pem
start_s_server full.pem "$P/server.key" ||
    skip_all "cannot start openssl s_server"
tf bundle --aia-allow-private \
    "https://127.0.0.1:$S_SERVER_PORT/" --no-aia --device java \
    -o sent.tar.gz --timeout 10 </dev/null
is "$rc" 1 "a root from the network, nobody confirms: refused, exit 1"
like "$err" "refused: standard input is not a terminal.*--expect-sha256.*pass --yes" \
    "says how to confirm it"
ok "$([ ! -e sent.tar.gz ]; echo $?)" "and writes no bundle"
tf bundle --aia-allow-private \
    "https://127.0.0.1:$S_SERVER_PORT/" --no-aia --device java \
    -o sent.tar.gz --timeout 10 --expect-sha256 "$(printf '%064d' 0)"
is "$rc" 1 "another --expect-sha256: refused, exit 1"
like "$err" "refused: .*has SHA-256 $ROOT .*nothing bundled" \
    "naming the root's fingerprint"
ok "$([ ! -e sent.tar.gz ]; echo $?)" "and writes no bundle"
tf bundle --aia-allow-private \
    "https://127.0.0.1:$S_SERVER_PORT/" --no-aia --device java \
    -o sent.tar.gz --timeout 10 --expect-sha256 "$(printf '%064d' 0)" \
    --expect-sha256 "$(printf '%s' "$ROOT" | sed 's/../&:/g; s/:$//')"
is "$rc" 0 "a URL whose server sends the root, its --expect-sha256: exit 0"
unlike "$err" "warning" "no warning: the fingerprint was checked"
like "$out" "1 certificate for java" "one certificate"
like "$out" "SHA-256 $ROOT" "the root"

# --connect: the server by its name in the URL, reached at another
# address, as export-root and diagnose do.
tf bundle --aia-allow-private --yes --no-aia --device java \
    -o connect.tar.gz --timeout 10 --connect "127.0.0.1:$S_SERVER_PORT" \
    "https://mail.contoso.test:$S_SERVER_PORT/"
is "$rc" 0 "bundle --connect reaches the server at the address given"
like "$out" "SHA-256 $ROOT" "and bundles its root"

# The Exchange-like server sends its certificate and the issuing CA; the
# root is only reachable through the issuing CA's AIA URL.
start_s_server "$P/server-chain.pem" "$P/server.key" ||
    skip_all "cannot start openssl s_server"
tf bundle --aia-allow-private --yes \
    "https://127.0.0.1:$S_SERVER_PORT/" --device linux,windows \
    -o net.zip --timeout 10
is "$rc" 0 "a URL whose root is reached through AIA, --yes: exit 0"
like "$out" "SHA-256 $ROOT" "the root is bundled"
like "$err" "warning: .*fetched over the network: compare SHA-256 $ROOT" \
    "with a warning to compare the fingerprint"
bsdtar -xOf net.zip windows/Contoso_Root_CA.cer >root.cer 2>/dev/null
is "$(sha256 root.cer DER)" "$ROOT" "windows/Contoso_Root_CA.cer is the root"
tf bundle --aia-allow-private "https://127.0.0.1:$S_SERVER_PORT/" \
    --device linux -o thumb.zip --timeout 10 \
    --expect-sha1 "$(openssl x509 -in "$P/root.pem" -noout -fingerprint \
    -sha1 | sed 's/.*=//')"
is "$rc" 0 "--expect-sha1 with the Windows thumbprint: exit 0"
tf bundle --expect-sha1 abc "$P/root.pem" -o bad.zip
is "$rc" 2 "--expect-sha1 that is not 40 hex digits: usage error"

# A server that sends only its certificate, and no AIA allowed.
start_s_server "$P/server.pem" "$P/server.key" ||
    skip_all "cannot start openssl s_server"
tf bundle --aia-allow-private \
    "https://127.0.0.1:$S_SERVER_PORT/" --no-aia -o none.zip \
    --timeout 10
is "$rc" 1 "no root reachable: exit 1"
like "$err" "no root reached; ask the server's administrator for the root that issued CN=Contoso Issuing CA 01" \
    "names the issuer to ask for"
ok "$([ ! -e none.zip ]; echo $?)" "and writes no bundle"

port=$(free_port)
tf bundle --aia-allow-private \
    "https://127.0.0.1:$port/" -o refused.zip --timeout 5
is "$rc" 3 "a server that does not answer: exit 3"
ok "$([ ! -e refused.zip ]; echo $?)" "and no bundle"
tf bundle --aia-allow-private \
    "$P/root.pem" "https://127.0.0.1:$port/" -o mixed.zip --timeout 5
is "$rc" 3 "a file and an unreachable URL: exit 3"
is "$(ls -A | grep -E 'zip|tar' | sort | tr '\n' ' ')" "connect.tar.gz net.zip sent.tar.gz thumb.zip " \
    "only the bundles that were accepted exist"

done_testing
