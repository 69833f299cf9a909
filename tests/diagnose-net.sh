#!/bin/bash
# diagnose-net.sh - diagnose real servers: https, SMTP and IMAP STARTTLS,
# a failed handshake, an old-protocol server, and the whole Windows-PKI fix.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3
peer pki_with_aia "$T/pki"
P=$T/pki
has() {
	jq_is "[.findings[] | select(.id == \"$1\") | .severity] | first" \
	    "${2:-error}" "$3: finding $1"
}

# trusted WHAT TARGET PORT: diagnose TARGET (name mail.contoso.test,
# dialled on 127.0.0.1:PORT) with the AD CS root as the only anchor.
trusted() {
	tf diagnose --aia-allow-private \
	    --json --timeout 10 --connect "127.0.0.1:$3" \
	    --trust "$P/root.pem" "$2"
	is "$rc" 0 "$1: trusted, exit 0"
	[ "$rc" -eq 0 ] || printf '%s\n' "$out" | jq -c .findings | sed 's/^/# /'
	json_one "$1: one JSON document"
	jq_is .verdict trusted "$1: verdict trusted"
	jq_is .target.name mail.contoso.test "$1: the name checked is the URL's"
	jq_is .target.address 127.0.0.1 "$1: the address that answered"
	jq_is '[.chain[].source] | join(",")' server,server,store \
	    "$1: sent chain and anchor"
}

# --- openssl s_server (https) ---------------------------------------------
peer start_s_server "$P/server-chain.pem" "$P/server.key"
SP=$S_SERVER_PORT
trusted "s_server https" "https://mail.contoso.test:$SP/" "$SP"
jq_is .target.protocol https "https: protocol"

SSL_CERT_FILE=$P/root.pem SSL_CERT_DIR=$T/none tf diagnose \
    --aia-allow-private --json \
    --connect "127.0.0.1:$SP" "https://mail.contoso.test:$SP/"
is "$rc" 0 "default anchors honour SSL_CERT_FILE"
jq_is .clients.openssl.trusted true "openssl view with SSL_CERT_FILE"

tf diagnose --aia-allow-private \
    --json --trust "$P/root.pem" "https://127.0.0.1:$SP/"
is "$rc" 1 "the name defaults to the target's host"
jq_is .target.name 127.0.0.1 "name: 127.0.0.1"
has name-mismatch "" "IP host"
jq_is '.suggested_names | index("mail.contoso.test") != null' true \
    "suggested names: the certificate's"

tf diagnose --aia-allow-private \
    --json --trust "$P/root.pem" --name autodiscover.contoso.test \
    "https://127.0.0.1:$SP/"
is "$rc" 0 "--name overrides the host"

tf diagnose --aia-allow-private --json --trust "$P/root.pem" --at 2000-01-01 \
    --connect "127.0.0.1:$SP" "https://mail.contoso.test/"
has not-yet-valid "" "--at with a server"

tf diagnose --aia-allow-private \
    --json --trust "$P/root.pem" --name 'no such name!' \
    "https://127.0.0.1:$SP/"
is "$rc" 2 "invalid --name: usage error"

# --- nginx, a self-signed server ---------------------------------------------
if start_nginx "$P/selfsigned.pem" "$P/selfsigned.key"; then
	tf diagnose --aia-allow-private --json --trust "$P/root.pem" \
	    --connect "127.0.0.1:$NGINX_PORT" "https://router.example.test/"
	is "$rc" 1 "nginx self-signed: exit 1"
	has self-signed "" "nginx"
	jq_is .deployment self-signed "nginx: deployment self-signed"
	jq_is .clients.openssl.code 18 "nginx: openssl view 18"
else
	skip_one "nginx: $PEER_ERROR"
fi

# --- Dovecot: IMAP STARTTLS ------------------------------------------------
if start_dovecot "$P/server-chain.pem" "$P/server.key"; then
	trusted "dovecot imap STARTTLS" "imap://mail.contoso.test:$IMAP_PORT" \
	    "$IMAP_PORT"
	jq_is .target.protocol imap "imap: protocol"
	trusted "dovecot imaps" "imaps://mail.contoso.test:$IMAPS_PORT" \
	    "$IMAPS_PORT"
	trusted "dovecot pop3 STLS" "pop3://mail.contoso.test:$POP3_PORT" \
	    "$POP3_PORT"
	trusted "dovecot pop3s" "pop3s://mail.contoso.test:$POP3S_PORT" \
	    "$POP3S_PORT"
else
	skip_one "dovecot: $PEER_ERROR"
fi

# --- Postfix: the router cannot reach Exchange over SMTP STARTTLS ----------
if start_postfix "$P/server-chain.pem" "$P/server.key"; then
	U="smtp://mail.contoso.test:$SMTP_PORT"
	trusted "postfix smtp STARTTLS" "$U" "$SMTP_PORT"
	jq_is .target.protocol smtp "smtp: protocol"
	trusted "postfix smtps" "smtps://mail.contoso.test:$SMTPS_PORT" \
	    "$SMTPS_PORT"
	# The router host does not trust the enterprise root (an empty store).
	mkdir -p "$T/store"
	tf diagnose --aia-allow-private \
	    --connect "127.0.0.1:$SMTP_PORT" --store "$T/store" "$U"
	is "$rc" 1 "router: untrusted, exit 1"
	like "$(printf '%s\n' "$out" | head -n 1)" '^NOT TRUSTED: a client named rejects' \
	    "router: the verdict first"
	like "$out" 'untrusted-root' "router: the finding"
	like "$out" 'Windows enterprise PKI' "router: says AD CS"
	like "$out" '`trustfix export-root --connect 127.0.0.1:[0-9]+ smtp://[^`]* -o root.pem`' \
	    "router: the fix, one command to copy"
	tf export-root --aia-allow-private \
	    --connect "127.0.0.1:$SMTP_PORT" -o "$T/root.pem" "$U"
	is "$rc" 0 "router: export-root"
	check "router: export-root wrote the AD CS root" \
	    cmp -s "$T/root.pem" "$P/root.pem"
	tf import --store "$T/store" --yes "$T/root.pem"
	is "$rc" 0 "router: import into the store"
	tf diagnose --aia-allow-private \
	    --json --connect "127.0.0.1:$SMTP_PORT" --store "$T/store" \
	    "$U"
	is "$rc" 0 "router: trusted after the import"
	jq_is .deployment windows-pki "router: deployment windows-pki"
else
	skip_one "postfix: $PEER_ERROR"
fi

# --- no certificate: exit 3 and still the JSON document -------------------
port=$(free_port)
tf diagnose --aia-allow-private --json --timeout 5 "https://127.0.0.1:$port/"
is "$rc" 3 "nothing listens: exit 3"
json_one "nothing listens: one JSON document"
jq_is '.chain | length' 0 "no certificate: empty chain"
jq_is '.findings[0].id' handshake-failed "finding handshake-failed"
jq_is '.findings[0].detail | test("refused")' true "handshake-failed: why"
jq_is '.clients.dotnet.ssl_policy_errors | join(",")' \
    RemoteCertificateNotAvailable ".NET: RemoteCertificateNotAvailable"
jq_is .verdict untrusted "no certificate: untrusted"

peer start_hostile smtp-refuse
tf diagnose --aia-allow-private \
    --json --timeout 5 "smtp://127.0.0.1:$HOSTILE_PORT"
is "$rc" 3 "STARTTLS refused: exit 3"
jq_is '.findings[0].id' handshake-failed "STARTTLS refused: handshake-failed"
jq_is '.findings[0].detail | test("STARTTLS")' true \
    "STARTTLS refused: says so"

peer start_hostile silent
t0=$(date +%s)
tf diagnose --aia-allow-private --timeout 2 "https://127.0.0.1:$HOSTILE_PORT/"
t1=$(date +%s)
is "$rc" 3 "silent server: exit 3"
ok $(( t1 - t0 <= 4 ? 0 : 1 )) "silent server: within the timeout"
like "$out" 'handshake-failed' "silent server: text names the finding"
# One deadline for the whole command: no second try with old protocols
# after a timeout (export-root and export-chain used to take twice it).
for c in export-root export-chain; do
	t0=$(date +%s%N)
	tf "$c" --aia-allow-private --timeout 2 "https://127.0.0.1:$HOSTILE_PORT/"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	is "$rc" 3 "silent server, $c: exit 3"
	ok $(( ms < 3500 ? 0 : 1 )) "silent server, $c: one deadline (${ms} ms)"
done

# --- a server that speaks only TLS 1.0 ----------------------------------------
if start_s_server "$P/server-chain.pem" "$P/server.key" -tls1 \
    -cipher DEFAULT:@SECLEVEL=0; then
	tf diagnose --aia-allow-private --json --trust "$P/root.pem" \
	    --connect "127.0.0.1:$S_SERVER_PORT" "https://mail.contoso.test/"
	is "$rc" 1 "TLS 1.0 only: exit 1"
	has old-protocol "" "TLS 1.0 only"
	jq_is '.chain | length' 3 "old-protocol: the certificate from the retry"
	jq_is '[.findings[] | select(.id == "old-protocol") | .fix][0] |
	    test("^On the server, enable TLS 1.2.*stopgap on the client")' \
	    true "old-protocol: server fix first, then the client's"
	jq_is .clients.openssl.trusted false "old-protocol: OpenSSL fails"
	tf export-root --aia-allow-private --timeout 10 \
	    --connect "127.0.0.1:$S_SERVER_PORT" -o "$T/old-root.pem" \
	    "https://mail.contoso.test/"
	is "$rc" 0 "TLS 1.0 only, export-root: retried with old protocols"
	is "$(certfp sha256 "$T/old-root.pem" 2>/dev/null)" \
	    "$(certfp sha256 "$P/root.pem")" "and wrote the root"
else
	skip_one "s_server -tls1: $PEER_ERROR"
fi

done_testing
