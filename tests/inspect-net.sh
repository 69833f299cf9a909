#!/bin/bash
# inspect-net.sh - inspect --json against real TLS, IMAP, POP3 and SMTP peers.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3
"$TOP_SRCDIR/tests/pki.sh" "$T/pki" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
P=$T/pki

# sha256 FILE: the fingerprint as trustfix prints it.
sha256() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 |
	    sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}
SERVER=$(sha256 "$P/server.pem")
ISSUING=$(sha256 "$P/issuing.pem")
SELF=$(sha256 "$P/selfsigned.pem")

# chain_is WHAT TARGET [OPTIONS...]: inspect --json sees server-chain.pem.
chain_is() {
	local what=$1
	shift
	tf inspect --json --timeout 10 "$@"
	is "$rc" 0 "$what: exit 0"
	[ "$rc" -eq 0 ] || printf '%s\n' "$err" | sed 's/^/#   /'
	json_one "$what: one JSON document"
	jq_is '[.chain[].sha256] | join(" ")' "$SERVER $ISSUING" \
	    "$what: the chain as sent, leaf first"
	jq_is '[.chain[].source] | unique | join(",")' server \
	    "$what: source server"
	jq_is '.tls.protocol | test("^TLSv1")' true "$what: protocol"
	jq_is '.tls.cipher | length > 0' true "$what: cipher"
}

# --- openssl s_server: https, host:port, ldaps, --sni, --connect --------
peer start_s_server "$P/server-chain.pem" "$P/server.key" \
    -servername autodiscover.contoso.test \
    -cert2 "$P/selfsigned.pem" -key2 "$P/selfsigned.key"
SP=$S_SERVER_PORT

chain_is "https URL" "https://127.0.0.1:$SP/owa/"
jq_is '.target.protocol' https "https: protocol"
jq_is '.target.host' 127.0.0.1 "https: host"
jq_is '.target.port' "$SP" "https: port that answered"
jq_is '.target.address' 127.0.0.1 "https: address that answered"
jq_is '.target.sni' null "https: an IP host sends no SNI"
jq_is '.tls.client_certificate_requested' false \
    "https: no client certificate requested"
jq_is '.chain[0].dns_names | index("mail.contoso.test") != null' true \
    "https: leaf names mail.contoso.test"

chain_is "host:port" "127.0.0.1:$SP"
jq_is '.target.protocol' tls "host:port: plain TLS"
chain_is "ldaps" "ldaps://127.0.0.1:$SP"
jq_is '.target.protocol' ldaps "ldaps: protocol"

# The server presents another certificate to whoever asks for
# autodiscover.contoso.test in SNI: proof that the name was sent.
tf inspect --json --sni autodiscover.contoso.test "https://127.0.0.1:$SP"
is "$rc" 0 "--sni: exit 0"
jq_is '.chain[0].sha256' "$SELF" "--sni: the server saw the name"
jq_is '.target.sni' autodiscover.contoso.test "--sni: reported"
jq_is '.target.name' 127.0.0.1 "--sni: the name to check stays the host"

tf inspect --json --connect "127.0.0.1:$SP" \
    https://autodiscover.contoso.test/
is "$rc" 0 "--connect: exit 0"
jq_is '.chain[0].sha256' "$SELF" "--connect: SNI is the URL's host"
jq_is '.target.name' autodiscover.contoso.test "--connect: name from URL"
jq_is '.target.address' 127.0.0.1 "--connect: dialled the given address"
jq_is '.target.port' "$SP" "--connect: its port wins over the URL's"

tf inspect --json --connect 127.0.0.1 "https://mail.contoso.test:$SP"
is "$rc" 0 "--connect ADDR without port: the URL's port"
jq_is '.chain[0].sha256' "$SERVER" "--connect: other SNI, other chain"

# --- IPv6: [::1]:port --------------------------------------------------
if PEER_ADDR=::1 start_s_server "$P/server-chain.pem" "$P/server.key"; then
	V6PORT=$S_SERVER_PORT
	chain_is "[::1]:port" "[::1]:$S_SERVER_PORT"
	jq_is '.target.address' ::1 "[::1]: address"
	chain_is "https://[::1]:port/" "https://[::1]:$S_SERVER_PORT/"
	chain_is "--connect [::1]:port" --connect "[::1]:$S_SERVER_PORT" \
	    https://mail.contoso.test/
	jq_is '.target.address' ::1 "--connect [::1]: address"
else
	skip_one "no IPv6 loopback: $PEER_ERROR"
fi
if PEER_ADDR=::1 start_nginx "$P/server-chain.pem" "$P/server.key"; then
	chain_is "nginx on [::1]" "https://[::1]:$NGINX_PORT/"
else
	skip_one "nginx on [::1]: $PEER_ERROR"
fi

# --- what a client would reject still yields its chain ----------------
for c in selfsigned expired wrongname notyet; do
	peer start_s_server "$P/$c-chain.pem" "$P/$c.key"
	tf inspect --json "127.0.0.1:$S_SERVER_PORT"
	is "$rc" 0 "$c: exit 0"
	jq_is '.chain[0].sha256' "$(sha256 "$P/$c.pem")" "$c: leaf received"
done
jq_is '.chain | length' 2 "notyet: intermediate received too"

peer start_s_server "$P/rsa1024-chain.pem" "$P/rsa1024.key" \
    -cipher DEFAULT:@SECLEVEL=0
tf inspect --json "127.0.0.1:$S_SERVER_PORT"
is "$rc" 0 "rsa1024: exit 0"
jq_is '.chain[0].sha256' "$(sha256 "$P/rsa1024.pem")" "rsa1024: leaf received"

# A server that speaks only TLS 1.0: the client's defaults refuse it;
# inspect retries with old protocols allowed, as diagnose and export-root
# do, and shows what it presents.
peer start_s_server "$P/server-chain.pem" "$P/server.key" -tls1 \
    -cipher DEFAULT:@SECLEVEL=0
tf inspect --json "127.0.0.1:$S_SERVER_PORT"
is "$rc" 0 "TLS 1.0 only: exit 0 (the retry with old protocols)"
jq_is '.tls.protocol' TLSv1 "TLS 1.0 only: the protocol it spoke"
jq_is '.chain[0].sha256' "$(sha256 "$P/server.pem")" \
    "TLS 1.0 only: its certificate"
tf inspect "127.0.0.1:$S_SERVER_PORT"
like "$err" '^trustfix: inspect: warning: the server speaks only TLSv1:' \
    "TLS 1.0 only: the text says so on stderr"

# --- a server asking for a client certificate ---------------------------
peer start_s_server "$P/server-chain.pem" "$P/server.key" -verify 1
chain_is "-verify 1" "127.0.0.1:$S_SERVER_PORT"
jq_is '.tls.client_certificate_requested' true \
    "-verify 1: client certificate requested"
peer start_s_server "$P/server-chain.pem" "$P/server.key" -Verify 1 \
    -tls1_2
chain_is "-Verify 1 (required), TLS 1.2" "127.0.0.1:$S_SERVER_PORT"
jq_is '.tls.protocol' TLSv1.2 "TLS 1.2 reported"
jq_is '.tls.client_certificate_requested' true \
    "-Verify 1: client certificate requested"

# --- a name with two addresses, tried in order ---------------------------
# A private mount namespace gives the name multi.test ::1 and 127.0.0.1.
printf '::1 multi.test\n127.0.0.1 multi.test\n' >"$T/hosts"
if command -v unshare >/dev/null && [ "$(id -u)" = 0 ] &&
    unshare --mount true 2>/dev/null; then
	# inhosts COMMAND...: run with $T/hosts as /etc/hosts.
	inhosts() {
		run unshare --mount sh -c \
		    'mount --bind "$0" /etc/hosts && exec "$@"' "$T/hosts" "$@"
	}
	inhosts "$TRUSTFIX" inspect --json "https://multi.test:$SP"
	is "$rc" 0 "multi.test: exit 0"
	jq_is '.target.address' 127.0.0.1 \
	    "multi.test: ::1 refused, 127.0.0.1 answered"
	if [ -n "${V6PORT:-}" ]; then
		inhosts "$TRUSTFIX" inspect --json "https://multi.test:$V6PORT"
		jq_is '.target.address' ::1 "multi.test: ::1 first"
	else
		skip_one "no IPv6 loopback"
	fi
	NONE=$(free_port)
	inhosts "$TRUSTFIX" inspect --json "https://multi.test:$NONE"
	is "$rc" 3 "multi.test, nobody listening: exit 3"
	like "$err" "refused by ::1 port $NONE; .*refused by 127\.0\.0\.1" \
	    "multi.test: both addresses tried, in order"
else
	for i in 1 2 3 4 5; do
		skip_one "no private mount namespace for /etc/hosts"
	done
fi

# --- nginx ---------------------------------------------------------------
if start_nginx "$P/server-chain.pem" "$P/server.key"; then
	chain_is "nginx https" "https://127.0.0.1:$NGINX_PORT/"
else
	skip_one "nginx: $PEER_ERROR"
fi

# --- Dovecot: imaps, pop3s, imap STARTTLS, pop3 STLS ---------------------
if start_dovecot "$P/server-chain.pem" "$P/server.key"; then
	DOVECOT_UP=1
	chain_is "dovecot imaps" "imaps://127.0.0.1:$IMAPS_PORT"
	chain_is "dovecot pop3s" "pop3s://127.0.0.1:$POP3S_PORT"
	chain_is "dovecot imap STARTTLS" "imap://127.0.0.1:$IMAP_PORT"
	jq_is '.target.protocol' imap "imap: protocol"
	chain_is "dovecot pop3 STLS" "pop3://127.0.0.1:$POP3_PORT"
	jq_is '.target.protocol' pop3 "pop3: protocol"
else
	skip_one "dovecot: $PEER_ERROR"
fi

# --- Postfix: smtp STARTTLS, submission, smtps ---------------------------
if start_postfix "$P/server-chain.pem" "$P/server.key"; then
	chain_is "postfix smtp STARTTLS" "smtp://127.0.0.1:$SMTP_PORT"
	jq_is '.target.protocol' smtp "smtp: protocol"
	chain_is "postfix submission" "smtp://127.0.0.1:$SUBMISSION_PORT"
	chain_is "postfix smtps" "smtps://127.0.0.1:$SMTPS_PORT"
else
	skip_one "postfix: $PEER_ERROR"
fi

# Dialogue variants the daemons above do not use: an SMTP greeting and
# EHLO reply over several lines, an IMAP greeting without capabilities.
cat >"$T/starttls.py" <<'EOF'
import socket, ssl, sys, threading
mode, port, chain, key = sys.argv[1:5]
port = int(port)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(chain, key)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(8)
threading.Timer(60, lambda: __import__("os")._exit(0)).start()
def serve(c):
    f = c.makefile("rb")
    w = lambda b: c.sendall(b)
    if mode == "smtp":
        w(b"220-mail.contoso.test ESMTP\r\n220-second line\r\n"
          b"220 ready\r\n")
        if not f.readline().upper().startswith(b"EHLO "):
            return
        w(b"250-mail.contoso.test\r\n250-SIZE 1000\r\n250-starttls\r\n"
          b"250 8BITMIME\r\n")
        if f.readline().strip().upper() != b"STARTTLS":
            return
        w(b"220 2.0.0 go ahead\r\n")
    else:
        w(b"* OK IMAP ready\r\n")
        if f.readline() != b"a0 CAPABILITY\r\n":
            return
        w(b"* CAPABILITY IMAP4rev1 STARTTLS\r\na0 OK done\r\n")
        if f.readline() != b"a1 STARTTLS\r\n":
            return
        w(b"* OK untagged noise\r\na1 OK begin TLS\r\n")
    ctx.wrap_socket(c, server_side=True).close()
while True:
    c = s.accept()[0]
    threading.Thread(target=serve, args=(c,), daemon=True).start()
EOF
for m in smtp imap; do
	port=$(free_port)
	python3 "$T/starttls.py" $m "$port" "$P/server-chain.pem" \
	    "$P/server.key" >"$T/starttls-$m.log" 2>&1 &
	t_own $!
	wait_port "$port" || echo "# the $m peer did not start"
	chain_is "$m dialogue variant" "$m://127.0.0.1:$port"
done

# A plain SMTP server offered as smtps: a clear message, not a crash.
if [ -n "${SMTP_PORT:-}" ]; then
	tf inspect --json --timeout 5 "smtps://127.0.0.1:$SMTP_PORT"
	is "$rc" 3 "smtps to a STARTTLS port: exit 3"
	want='^trustfix: inspect: the server does not speak TLS.*"220 '
	like "$err" "$want" "smtps to a STARTTLS port: what the server sent"
	like "$err" "ESMTP Postfix.*\": this is SMTP: use smtp://127\.0\.0\.1:$SMTP_PORT \(STARTTLS\)$" \
	    "smtps to a STARTTLS port: names the protocol and the URL"
	tf diagnose --json --timeout 5 "https://127.0.0.1:$SMTP_PORT"
	jq_is ".findings[0].fix" "Use smtp://127.0.0.1:$SMTP_PORT (STARTTLS) instead of https://127.0.0.1:$SMTP_PORT." \
	    "diagnose to an SMTP port: the fix is the smtp:// URL"
fi
if [ -n "${DOVECOT_UP:-}" ]; then
	tf inspect --timeout 5 "127.0.0.1:$IMAP_PORT"
	like "$err" "\"\* OK .*\": this is IMAP: use imap://127\.0\.0\.1:$IMAP_PORT \(STARTTLS\)$" \
	    "TLS to an IMAP port: names the protocol and the URL"
	tf inspect --timeout 5 "pop3s://127.0.0.1:$POP3_PORT"
	like "$err" "\"\+OK .*\": this is POP3: use pop3://127\.0\.0\.1:$POP3_PORT \(STARTTLS\)$" \
	    "pop3s to a POP3 port: names the protocol and the URL"
fi

done_testing
