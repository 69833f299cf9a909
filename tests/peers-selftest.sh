#!/bin/bash
# peers-selftest.sh - the test peers of tests/peers.sh serve what they should.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"
need openssl python3 timeout

# The system's Postfix instance must stay untouched.
touch -d '-1 second' "$T/stamp"

peer pki_with_aia
P=$PKI
want=$(openssl x509 -in "$P/server.pem" -noout -fingerprint -sha256)
want_iss=$(openssl x509 -in "$P/issuing.pem" -noout -fingerprint -sha256)

# handshake PORT [STARTTLS-PROTO]: s_client's output, with the chain.
handshake() {
	timeout 10 openssl s_client -connect "127.0.0.1:$1" \
	    ${2:+-starttls "$2"} -showcerts </dev/null 2>&1 | tr -d '\000'
}

# served NAME PORT [STARTTLS-PROTO]: the peer hands out server-chain.pem.
served() {
	local name=$1 o
	shift
	o=$(handshake "$@")
	is "$(printf '%s\n' "$o" | openssl x509 -noout -fingerprint -sha256 \
	    2>&1)" "$want" "$name hands out the server certificate"
	is "$(printf '%s\n' "$o" | grep -c 'BEGIN CERTIFICATE')" 2 \
	    "$name sends leaf and issuing CA"
	is "$(printf '%s\n' "$o" | awk '/BEGIN CERT/ { n++ } n == 2' |
	    openssl x509 -noout -fingerprint -sha256 2>&1)" "$want_iss" \
	    "$name sends the issuing CA second"
}

# chat PORT DATA [SECONDS]: send DATA (printf %b), print what comes back
# until the peer closes or SECONDS pass (then $? is 124).
chat() {
	timeout "${3:-5}" bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
	    printf "%b" "$1" >&3; cat <&3' "$1" "$2" 2>/dev/null
}

# http_get URL: the body of URL.
http_get() {
	"$PEER_PYTHON" -c 'import sys, urllib.request
u = urllib.request.urlopen(sys.argv[1], timeout=5)
sys.stdout.buffer.write(u.read())' \
	    "$1"
}

# --- AIA over http --------------------------------------------------------
is "$AIA_BASE" "http://127.0.0.1:$AIA_PORT" "pki_with_aia sets AIA_BASE"
like "$(openssl x509 -in "$P/server.pem" -noout -ext authorityInfoAccess)" \
    "URI:$AIA_BASE/issuing.crt" "the PKI points at the AIA server"
for f in root.crt issuing.crt issuing.p7c; do
	check "AIA server serves $f" cmp <(http_get "$AIA_BASE/$f") \
	    "$P/aia/$f"
done
url=$(openssl x509 -in "$P/server.pem" -noout -ext crlDistributionPoints |
    sed -n 's/^ *URI:\(http.*\)/\1/p')
check "AIA server serves the issuing CA's CRL from the CDP URL" \
    sh -c "'$PEER_PYTHON' -c 'import sys, urllib.request
sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())' \
    '$url' | openssl crl -inform DER -noout"

# --- real peers -----------------------------------------------------------
peer start_s_server "$P/server-chain.pem" "$P/server.key"
served "s_server" "$S_SERVER_PORT"
peer start_s_server "$P/selfsigned-chain.pem" "$P/selfsigned.key"
like "$(handshake "$S_SERVER_PORT")" 's:CN ?= ?router.example.test' \
    "a second s_server presents its own certificate"
is "$(handshake "$S_SERVER_PORT" | grep -c 'BEGIN CERT')" 1 \
    "a chain of one is sent as one certificate"

if "$PEER_PYTHON" -c 'import socket
socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	PEER_ADDR=::1 peer start_s_server "$P/server-chain.pem" "$P/server.key"
	o=$(timeout 10 openssl s_client -connect "[::1]:$S_SERVER_PORT" \
	    </dev/null 2>&1)
	like "$o" 's:CN ?= ?mail.contoso.test' "PEER_ADDR=::1: s_server on ::1"
	unlike "$(handshake "$S_SERVER_PORT")" 'BEGIN CERT' \
	    "PEER_ADDR=::1: and not on 127.0.0.1"
	PEER_ADDR=::1 peer start_nginx "$P/server-chain.pem" "$P/server.key"
	o=$(timeout 10 openssl s_client -connect "[::1]:$NGINX_PORT" \
	    </dev/null 2>&1)
	like "$o" 's:CN ?= ?mail.contoso.test' "PEER_ADDR=::1: nginx on ::1"
elif [ -n "${CI:-}" ]; then
	ok 1 "loopback has no ::1"
fi

peer start_nginx "$P/server-chain.pem" "$P/server.key"
served "nginx" "$NGINX_PORT"
like "$(printf 'GET / HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client \
    -connect "127.0.0.1:$NGINX_PORT" -quiet 2>/dev/null)" \
    'trustfix test peer' "nginx answers https requests"

peer start_dovecot "$P/server-chain.pem" "$P/server.key"
served "dovecot imap STARTTLS" "$IMAP_PORT" imap
served "dovecot imaps" "$IMAPS_PORT"
served "dovecot pop3 STLS" "$POP3_PORT" pop3
served "dovecot pop3s" "$POP3S_PORT"
like "$(chat "$IMAP_PORT" 'a CAPABILITY\r\nb LOGOUT\r\n')" \
    'CAPABILITY .*STARTTLS' "dovecot imap offers STARTTLS"

peer start_postfix "$P/server-chain.pem" "$P/server.key"
served "postfix smtp STARTTLS" "$SMTP_PORT" smtp
served "postfix submission STARTTLS" "$SUBMISSION_PORT" smtp
served "postfix smtps" "$SMTPS_PORT"
o=$(chat "$SUBMISSION_PORT" \
    'EHLO client.test\r\nMAIL FROM:<a@b.test>\r\nQUIT\r\n')
like "$o" '^220 mail.contoso.test ESMTP' "postfix greets as mail.contoso.test"
like "$o" '250-STARTTLS' "postfix submission offers STARTTLS"
like "$o" '530 .*STARTTLS' "postfix submission requires TLS"
is "$(find /etc/postfix /var/spool/postfix -newer "$T/stamp" 2>/dev/null)" "" \
    "the system's Postfix files are untouched"

# --- hostile peers --------------------------------------------------------
peer start_hostile silent
chat "$HOSTILE_PORT" "" 2 >"$T/silent.out"
is $? 124 "silent: keeps the connection open"
is "$(wc -c <"$T/silent.out")" 0 "silent: says nothing"

peer start_hostile garbage
is "$(chat "$HOSTILE_PORT" "" | wc -c)" 4096 "garbage: 4 KiB, then close"
o=$(handshake "$HOSTILE_PORT")
unlike "$o" 'BEGIN CERTIFICATE' "garbage: no TLS handshake"

peer start_hostile smtp-refuse
o=$(chat "$HOSTILE_PORT" 'EHLO client.test\r\nSTARTTLS\r\nQUIT\r\n')
like "$o" '^220 ' "smtp-refuse: a banner"
unlike "$o" 'STARTTLS' "smtp-refuse: EHLO without STARTTLS"
like "$o" '^454 ' "smtp-refuse: STARTTLS gets 454"
unlike "$(handshake "$HOSTILE_PORT" smtp)" 'BEGIN CERTIFICATE' \
    "smtp-refuse: no certificate for s_client -starttls smtp"

peer start_hostile imap-refuse
o=$(chat "$HOSTILE_PORT" 'a CAPABILITY\r\nb STARTTLS\r\nc LOGOUT\r\n')
like "$o" '^\* OK ' "imap-refuse: a greeting"
unlike "$o" 'CAPABILITY.*STARTTLS' "imap-refuse: no STARTTLS capability"
like "$o" '^b NO ' "imap-refuse: STARTTLS gets NO"

peer start_hostile pop3-refuse
o=$(chat "$HOSTILE_PORT" 'CAPA\r\nSTLS\r\nQUIT\r\n')
like "$o" '^\+OK POP3' "pop3-refuse: a greeting"
unlike "$o" '^STLS' "pop3-refuse: no STLS in CAPA"
like "$o" '^-ERR ' "pop3-refuse: STLS gets -ERR"

for proto in smtp imap pop3; do
	peer start_hostile starttls-close $proto
	case $proto in
	smtp) req='EHLO client.test\r\nSTARTTLS\r\n'; ok='^220 2.0.0' ;;
	imap) req='a STARTTLS\r\n'; ok='^a OK' ;;
	pop3) req='STLS\r\n'; ok='^\+OK Begin' ;;
	esac
	o=$(chat "$HOSTILE_PORT" "$req")
	is $? 0 "starttls-close $proto: closes the connection"
	like "$o" "$ok" "starttls-close $proto: agrees to STARTTLS"
	unlike "$(handshake "$HOSTILE_PORT" $proto)" 'BEGIN CERTIFICATE' \
	    "starttls-close $proto: no certificate"
done

peer start_hostile drip
chat "$HOSTILE_PORT" "" 3 >"$T/drip.out"
is $? 124 "drip: never finishes"
n=$(wc -c <"$T/drip.out")
ok $(( n < 1 || n > 5 )) "drip: about a byte per second ($n in 3 s)"
like "$(cat "$T/drip.out")" '^22' "drip: the bytes start an SMTP banner"

peer start_hostile huge-chain
o=$(handshake "$HOSTILE_PORT")
like "$o" 'excessive message size' \
    "huge-chain: more certificates than an OpenSSL client accepts"
n=$(grep -c BEGIN "$T"/hostile-huge-chain-*/rest.pem)
is "$n" 500 "huge-chain: 500 certificates after the leaf"

# --- hostile http ---------------------------------------------------------
peer start_hostile_http slow
is "$HTTP_PORT" "$HOSTILE_HTTP_PORT" "start_hostile_http sets HTTP_PORT"
chat "$HTTP_PORT" 'GET /issuing.crt HTTP/1.1\r\nHost: x\r\n\r\n' 3 \
    >"$T/slow.out"
is $? 124 "http slow: does not finish in 3 s"
like "$(cat "$T/slow.out")" '^HT' "http slow: the start of a response"
n=$(wc -c <"$T/slow.out")
ok $(( n > 5 )) "http slow: at most a few bytes in 3 s ($n)"

peer start_hostile_http huge
chat "$HTTP_PORT" 'GET /root.crt HTTP/1.0\r\n\r\n' 20 | head -c 20000000 \
    >"$T/huge.out"
is "$(wc -c <"$T/huge.out")" 20000000 "http huge: more than 20 MB"
head -c 300 "$T/huge.out" | tr -d '\r' | sed '/^$/q' >"$T/huge.head"
like "$(cat "$T/huge.head")" '^HTTP/1.1 200' "http huge: 200"
unlike "$(cat "$T/huge.head")" 'Content-Length' "http huge: no Content-Length"

peer start_hostile_http huge-length
o=$(chat "$HTTP_PORT" 'GET / HTTP/1.0\r\n\r\n' 20 | head -c 3000000 | wc -c)
is "$o" 3000000 "http huge-length: more than its Content-Length"

peer start_hostile_http wrong
o=$(chat "$HTTP_PORT" 'GET /issuing.crt HTTP/1.0\r\n\r\n')
like "$o" '^Content-Type: text/html' "http wrong: text/html"
like "$o" '<html>' "http wrong: an html page"

peer start_hostile_http redirect-loop
o=$(chat "$HTTP_PORT" 'GET /aia/root.crt HTTP/1.0\r\n\r\n' | tr -d '\r')
like "$o" '^HTTP/1.1 302' "http redirect-loop: 302"
like "$o" '^Location: /aia/root.crt$' "http redirect-loop: to itself"

peer start_hostile_http redirect-scheme
o=$(chat "$HTTP_PORT" 'GET /root.crt HTTP/1.0\r\n\r\n' | tr -d '\r')
like "$o" '^Location: file:///etc/passwd$' "http redirect-scheme: to file:"
peer start_hostile_http redirect-scheme ftp://127.0.0.1/root.crt
o=$(chat "$HTTP_PORT" 'GET /root.crt HTTP/1.0\r\n\r\n' | tr -d '\r')
like "$o" '^Location: ftp://127.0.0.1/root.crt$' \
    "http redirect-scheme: to ftp:"

# --- lifetimes and cleanup ------------------------------------------------
HOSTILE_LIFETIME=2 start_hostile silent
p1=$HOSTILE_PORT
HOSTILE_LIFETIME=2 start_hostile huge-chain 10
p2=$HOSTILE_PORT
started=$(date +%s)

# A test that starts every real peer and exits leaves no process behind.
cat >"$T/child.sh" <<'EOF'
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"
"$TOP_SRCDIR/tests/pki.sh" "$T/pki"
peer start_s_server "$T/pki/server-chain.pem" "$T/pki/server.key"
peer start_nginx "$T/pki/server-chain.pem" "$T/pki/server.key"
peer start_dovecot "$T/pki/server-chain.pem" "$T/pki/server.key"
peer start_postfix "$T/pki/server-chain.pem" "$T/pki/server.key"
peer start_http "$T/pki/aia"
peer start_hostile silent
for p in $T_PIDS; do
	echo "$p"
	ps -o pid= --ppid "$p"
done >"$CHILD_PIDS"
echo "$T" >"$CHILD_PIDS.dir"
EOF
CHILD_PIDS=$T/child.pids bash "$T/child.sh" >"$T/child.out" 2>&1
is $? 0 "a test with every peer runs"
pids=$(cat "$T/child.pids")
ok $(( $(echo "$pids" | wc -w) < 10 )) "it started peers and their children"
left=""
for i in 1 2 3 4 5 6 7 8 9 10; do
	left=""
	for p in $pids; do
		kill -0 "$p" 2>/dev/null && left="$left $p"
	done
	[ -z "$left" ] && break
	sleep 0.5
done
is "$left" "" "after it exits, none of its processes is left"
check "and its temporary directory is gone" \
    test ! -e "$(cat "$T/child.pids.dir")"

sleep $(( 4 - ($(date +%s) - started) > 0 ? 4 - ($(date +%s) - started) : 0 ))
chat "$p1" "" 2 >/dev/null
is $? 1 "a hostile peer exits by itself after its lifetime"
chat "$p2" "" 2 >/dev/null
is $? 1 "huge-chain exits by itself after its lifetime"

done_testing
