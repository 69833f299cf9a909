#!/bin/bash
# renewed-ca.sh - a server sends its CA's expired pre-renewal certificate
# while AIA (or --untrusted) offers the renewed one: install it, not renew.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3
peer pki_with_aia "$T/pki"
P=$T/pki
fp() { openssl x509 -in "$1" -noout -fingerprint "-$2" | sed 's/.*=//' |
    tr -d : | tr A-F a-f; }
NEW=$(fp "$P/issuing.pem" sha256)
NEW1=$(fp "$P/issuing.pem" sha1)

d() {
	tf diagnose --aia-allow-private \
	    --json --trust "$P/root.pem" --name mail.contoso.test \
	    --chain "$P/server-oldca-chain.pem" "$@"
}

d
is "$rc" 1 "the expired CA certificate sent: untrusted"
jq_is '[.findings[] | select(.id == "expired") | .certificate] | join(",")' \
    1 "expired: the CA certificate sent"
jq_is '[.findings[] | select(.id == "expired")][0].detail | test("renewed certificate of the same CA .*published at '"$AIA_BASE"'/issuing\\.crt")' \
    true "the finding says AIA offers the renewed one"
jq_is '[.findings[] | select(.id == "expired")][0].fix | test("'"$AIA_BASE"'/issuing\\.crt, SHA-256 '"$NEW"', SHA-1 '"$NEW1"'")' \
    true "the fix: install that one, URL and fingerprints"
jq_is '[.findings[] | select(.id == "expired")][0].fix | test("^Do not renew")' \
    true "the fix is not to renew"
jq_is '[.findings[] | select(.id == "expired")][0].fix | test("Renew the")' \
    false "no 'Renew the intermediate'"

# A client that holds the renewed certificate (--untrusted) builds on it.
d --no-aia --untrusted "$P/issuing.pem"
is "$rc" 0 "--untrusted renewed CA: trusted"
jq_is '.chain[1].sha256' "$NEW" "--untrusted: the path uses the renewed one"
jq_is '[.chain[] | select(.in_path == false) | .source] | join(",")' server \
    "--untrusted: the expired one sent is off the path"

d --no-aia
jq_is '[.findings[] | select(.id == "expired")][0].fix | test("^Renew the")' \
    true "nothing renewed at hand: renew it"

tf export-chain --aia-allow-private \
    --with-leaf -o "$T/full.pem" "$P/server-oldca-chain.pem"
is "$rc" 0 "export-chain"
openssl crl2pkcs7 -nocrl -certfile "$T/full.pem" | openssl pkcs7 \
    -print_certs -noout 2>/dev/null | grep -c subject >"$T/n"
is "$(cat "$T/n")" 2 "two certificates"
awk '/BEGIN CERT/ { n++ } n == 2' "$T/full.pem" >"$T/second.pem"
is "$(fp "$T/second.pem" sha256)" "$NEW" \
    "export-chain writes the renewed CA certificate, not the expired one"

peer start_nginx "$T/full.pem" "$P/server.key"
tf diagnose --aia-allow-private \
    --json --no-aia --trust "$P/root.pem" --connect \
    "127.0.0.1:$NGINX_PORT" https://mail.contoso.test
is "$rc" 0 "nginx with that chain: trusted"

done_testing
