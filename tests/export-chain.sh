#!/bin/bash
# export-chain.sh - the chain a server should send, written as PEM from
# what it sends, --untrusted and AIA (DER), and installed into real nginx,
# Postfix and Dovecot servers, which diagnose then trusts.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3
peer pki_with_aia "$T/pki"
P=$T/pki
fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//' |
    tr -d : | tr A-F a-f; }
# fps FILE: the SHA-256 of each certificate of a PEM file, one line each.
fps() {
	awk -v d="$T/split" '/BEGIN CERT/ { n++ } { print > (d "." n) }' "$1"
	for f in $(ls "$T"/split.* | sort -t. -k2 -n); do fp "$f"; done
	rm -f "$T"/split.*
}
LEAF=$(fp "$P/server.pem")
ISS=$(fp "$P/issuing.pem")

# diag TARGET [OPTIONS...]: diagnose --json trusting the Contoso root,
# without AIA, as an OpenSSL client on the router sees it.
diag() {
	local target=$1
	shift
	tf diagnose --aia-allow-private \
	    --json --no-aia --timeout 10 --trust "$P/root.pem" \
	    --name mail.contoso.test "$@" "$target"
}

# --- from the server's certificate file: the intermediate over AIA ------
tf export-chain --aia-allow-private \
    --with-leaf -o "$T/full.pem" "$P/server.pem"
is "$rc" 0 "export-chain --with-leaf from the certificate file"
is "$(fps "$T/full.pem" | tr '\n' ' ')" "$LEAF $ISS " \
    "the server's certificate, then the intermediate"
is "$(grep -c -- '-----BEGIN CERTIFICATE-----' "$T/full.pem")" 2 \
    "both as PEM (the AIA URL serves DER)"
like "$out" "fetched from $AIA_BASE/issuing\.crt" "says where it came from"
like "$out" "sha1: +$(openssl x509 -in "$P/issuing.pem" -noout -fingerprint \
    -sha1 | sed 's/.*=//' | tr -d : | tr A-F a-f)" "with the SHA-1 too"
like "$out" "ssl_certificate $T/full.pem;" "names nginx's directive"
like "$out" "smtpd_tls_chain_files = KEY.pem, $T/full.pem" \
    "names Postfix's directive"
like "$out" "ssl_cert = <$T/full.pem" "names Dovecot's directive"
is "$err" "" "nothing on stderr"

tf export-chain --aia-allow-private --json "$P/server.pem"
is "$rc" 0 "--json without -o"
json_one "--json is one document"
jq_is '[.chain[].sha256] | join(" ")' "$ISS" "without --with-leaf: the intermediate alone"
jq_is '.chain[0].from' "$AIA_BASE/issuing.crt" "from: the AIA URL"
jq_is '.pem | startswith("-----BEGIN CERTIFICATE-----")' true "and the PEM"

tf export-chain --aia-allow-private \
    --no-aia --untrusted "$P/issuing.pem" "$P/server.pem"
is "$rc" 0 "--untrusted instead of AIA"
printf '%s\n' "$out" >"$T/int.pem"
is "$(fps "$T/int.pem")" "$ISS" "the PEM on stdout: the intermediate"
like "$err" "from --untrusted $P/issuing\.pem" "the summary on stderr"

tf export-chain --aia-allow-private --no-aia -o "$T/none.pem" "$P/server.pem"
is "$rc" 1 "no issuer anywhere: exit 1"
like "$err" "^trustfix: export-chain: the CA that issued the server's certificate, CN=Contoso Issuing CA 01" \
    "names the CA certificate to ask for"
ok "$([ ! -e "$T/none.pem" ]; echo $?)" "and writes nothing"

# --- the missing-intermediate fix names it ------------------------------
tf diagnose --aia-allow-private \
    --json --no-aia --trust "$P/root.pem" --name mail.contoso.test \
    --chain "$P/server.pem"
jq_is '[.findings[] | select(.id == "missing-intermediate")] | length' 1 \
    "diagnose: missing-intermediate"
jq_is '.findings[0].fix | test("trustfix export-chain --with-leaf")' true \
    "its fix names export-chain"

# --- real servers, first with the leaf alone, then with the output ------
peer start_nginx "$P/server.pem" "$P/server.key"
tf export-chain --aia-allow-private \
    --with-leaf --connect "127.0.0.1:$NGINX_PORT" \
    -o "$T/from-net.pem" https://mail.contoso.test
is "$rc" 0 "export-chain from a server that sends its leaf alone"
is "$(fps "$T/from-net.pem" | tr '\n' ' ')" "$LEAF $ISS " \
    "the same chain from the network"
diag "https://127.0.0.1:$NGINX_PORT"
is "$rc" 1 "nginx with the leaf alone: untrusted"
jq_is '.findings[0].id' missing-intermediate "nginx: missing-intermediate"

peer start_nginx "$T/full.pem" "$P/server.key"
diag "https://127.0.0.1:$NGINX_PORT"
is "$rc" 0 "nginx with ssl_certificate from export-chain: trusted"
jq_is '.clients.openssl.trusted' true "nginx: OpenSSL clients trust it"
jq_is '[.chain[] | select(.source == "server")] | length' 2 \
    "nginx: sends both"

if start_dovecot "$T/full.pem" "$P/server.key"; then
	diag "imap://127.0.0.1:$IMAP_PORT"
	is "$rc" 0 "Dovecot with ssl_cert from export-chain: trusted (imap)"
	diag "pop3s://127.0.0.1:$POP3S_PORT"
	is "$rc" 0 "Dovecot: trusted (pop3s)"
else
	skip_one "dovecot: $PEER_ERROR"
	skip_one "dovecot: $PEER_ERROR"
fi

if POSTFIX_CHAIN_FILES=1 start_postfix "$T/full.pem" "$P/server.key"; then
	grep -q "^smtpd_tls_chain_files = $P/server.key, $T/full.pem" \
	    "$PEER_DIR/etc/main.cf"
	ok $? "Postfix: smtpd_tls_chain_files names the key and the file"
	diag "smtp://127.0.0.1:$SMTP_PORT"
	is "$rc" 0 "Postfix with smtpd_tls_chain_files: trusted (STARTTLS)"
	jq_is '[.chain[] | select(.source == "server")] | length' 2 \
	    "Postfix: sends both"
else
	skip_one "postfix: $PEER_ERROR"
	skip_one "postfix: $PEER_ERROR"
	skip_one "postfix: $PEER_ERROR"
fi

done_testing
