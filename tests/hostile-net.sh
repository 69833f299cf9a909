#!/bin/bash
# hostile-net.sh - stalling, babbling, refusing peers: a clear error, in time.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl python3 timeout jq
TO=3
PRE=()		# a command to run trustfix under

# hostile TARGET REGEX DESCRIPTION: inspect --json fails with exit 3 and
# "trustfix: inspect: <REGEX>" within the timeout.
hostile() {
	local target=$1 want=$2 d=$3 t0 ms
	t0=$(date +%s%N)
	run timeout 30 "${PRE[@]}" "$TRUSTFIX" inspect --json --timeout "$TO" \
	    "$target"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	is "$rc" 3 "$d: exit 3"
	like "$err" "^trustfix: inspect: $want" "$d: says why"
	is "$(printf '%s\n' "$err" | wc -l)" 1 "$d: one line on stderr"
	ok $(( ms < (TO + 2) * 1000 ? 0 : 1 )) \
	    "$d: gave up in time (${ms} ms)"
}

peer start_hostile silent
hostile "https://127.0.0.1:$HOSTILE_PORT" \
    "timed out after $TO s during the TLS handshake" "silent, https"
hostile "smtp://127.0.0.1:$HOSTILE_PORT" \
    "timed out after $TO s during the SMTP dialogue" "silent, smtp"
hostile "imap://127.0.0.1:$HOSTILE_PORT" \
    "timed out after $TO s during the IMAP dialogue" "silent, imap"
hostile "pop3://127.0.0.1:$HOSTILE_PORT" \
    "timed out after $TO s during the POP3 dialogue" "silent, pop3"

peer start_hostile garbage
hostile "127.0.0.1:$HOSTILE_PORT" \
    "the server does not speak TLS here" "garbage, TLS"
hostile "smtp://127.0.0.1:$HOSTILE_PORT" \
    "the server (does not speak SMTP|sent a line longer than 4096|closed)" \
    "garbage, smtp"
# TLS began and failed: each client says it in its own TLS words.
run "$TRUSTFIX" diagnose --json --timeout "$TO" "127.0.0.1:$HOSTILE_PORT"
out=$(printf '%s' "$out" | jq -c '.clients')
jq_is '.nss.error' SSL_ERROR_RX_RECORD_TOO_LONG \
    "garbage, diagnose: NSS fails the TLS handshake in its words"
jq_is '.dotnet.error' AuthenticationException \
    "garbage, diagnose: .NET's AuthenticationException"

# A banner, then a reset before our ClientHello is read: what the
# server said still tells the wrong port, not "connection reset".
peer start_hostile banner-reset
for i in 1 2 3; do
	hostile "127.0.0.1:$HOSTILE_PORT" \
	    "the server does not speak TLS here; it sent \"SSH-2\.0-OpenSSH" \
	    "banner-reset, TLS ($i)"
done

# A banner that reads like our own advice: the fix never takes a URL
# out of what the server said.
peer start_hostile banner-use
run "$TRUSTFIX" diagnose --json --timeout "$TO" \
    "https://127.0.0.1:$HOSTILE_PORT"
is "$rc" 3 "banner-use, diagnose: exit 3"
like "$(printf '%s' "$out" | jq -r '.findings[0].fix')" "^Check that " \
    "banner-use, diagnose: the fix is not the server's URL"

peer start_hostile smtp-refuse
hostile "smtp://127.0.0.1:$HOSTILE_PORT" \
    "the server does not offer STARTTLS, and answered it with: 454 4\.7\.0" \
    "smtp-refuse"

peer start_hostile imap-refuse
hostile "imap://127.0.0.1:$HOSTILE_PORT" \
    "the server does not offer STARTTLS, and answered it with: a1 NO" \
    "imap-refuse"

peer start_hostile pop3-refuse
hostile "pop3://127.0.0.1:$HOSTILE_PORT" \
    "the server refused STARTTLS \(STLS\): -ERR TLS not available" \
    "pop3-refuse"

for p in smtp imap pop3; do
	peer start_hostile starttls-close $p
	hostile "$p://127.0.0.1:$HOSTILE_PORT" \
	    "the server closed the connection during the TLS handshake" \
	    "starttls-close, $p"
done

# Bytes behind the answer to STARTTLS, before any TLS, are refused:
# fed to the handshake they would pass for the server's.
INJ="the server sent [0-9]+ more bytes after its answer to STARTTLS"
INJ="$INJ, before the TLS handshake: refused"
for p in smtp imap pop3; do
	peer start_hostile starttls-inject $p
	hostile "$p://127.0.0.1:$HOSTILE_PORT" "$INJ" "starttls-inject, $p"
done
run "$TRUSTFIX" diagnose --json --timeout "$TO" \
    "pop3://127.0.0.1:$HOSTILE_PORT"
is "$rc" 3 "starttls-inject, diagnose: exit 3"
like "$(printf '%s' "$out" | jq -r '.findings[0].id + ": " +
    .findings[0].detail')" "^handshake-failed: $INJ" \
    "starttls-inject, diagnose: handshake-failed, and why"
like "$out" "sent 14 more bytes" "starttls-inject, diagnose: how many"

peer start_hostile drip
hostile "smtp://127.0.0.1:$HOSTILE_PORT" \
    "timed out after $TO s during the SMTP dialogue" "drip"

peer start_hostile huge-chain 2000
hostile "https://127.0.0.1:$HOSTILE_PORT" \
    "the server sent more than 512 KiB during the handshake" \
    "huge-chain, 2000 certificates"
peer start_hostile huge-chain 100
hostile "https://127.0.0.1:$HOSTILE_PORT" \
    "the server sent 101 certificates, more than 64" \
    "huge-chain, 101 certificates"

NONE=$(free_port)
hostile "https://127.0.0.1:$NONE" \
    "connection refused by 127\.0\.0\.1 port $NONE$" "refused port"
hostile "smtp://127.0.0.1:$NONE" \
    "connection refused by 127\.0\.0\.1 port $NONE$" "refused port, smtp"
hostile "https://nothing-here.invalid/" \
    "cannot resolve nothing-here\.invalid" "a name that does not resolve"

# TLS never began: no client judged a certificate; each says what the
# network said, not a TLS error it never saw.
run "$TRUSTFIX" diagnose --json --timeout "$TO" "https://127.0.0.1:$NONE"
is "$rc" 3 "refused port, diagnose: exit 3"
out=$(printf '%s' "$out" | jq -c '.clients')
jq_is '.nss.error' "connection refused by 127.0.0.1 port $NONE" \
    "refused port, diagnose: NSS says the connection was refused"
jq_is '.java.message' "connection refused by 127.0.0.1 port $NONE" \
    "refused port, diagnose: no SSLHandshakeException from Java"
jq_is '.dotnet.error' HttpRequestException \
    "refused port, diagnose: .NET's HttpRequestException"
jq_is '.openssl.trusted' false "refused port, diagnose: OpenSSL rejects"
run "$TRUSTFIX" diagnose --timeout "$TO" "https://nothing-here.invalid/"
like "$(printf '%s\n' "$out" | grep '^  NSS:')" \
    'rejects: cannot resolve nothing-here\.invalid' \
    "unresolved name, diagnose: NSS line says the name did not resolve"

# A refusal carrying terminal escapes and a line with no end.
PY=$(free_port)
python3 - "$PY" <<'EOF' >"$T/py.log" 2>&1 &
import socket, sys, threading, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
threading.Timer(60, lambda: __import__("os")._exit(0)).start()
def serve(c):
    try:
        f = c.makefile("rb")
        c.sendall(b"220 mx ready\r\n")
        f.readline()
        c.sendall(b"250-mx\r\n250 STARTTLS\r\n")
        f.readline()
        c.sendall(b"454 4.7.0 \x1b]0;owned\x07\x1b[2J no TLS\r\n")
        time.sleep(1)
    except OSError:
        pass
    c.close()
while True:
    threading.Thread(target=serve, args=(s.accept()[0],),
                     daemon=True).start()
EOF
t_own $!
wait_port "$PY" || echo "# the escape peer did not start"
hostile "smtp://127.0.0.1:$PY" \
    'the server refused STARTTLS: 454 4\.7\.0 \\x1b\]0;owned\\x07\\x1b\[2J' \
    "refusal with escapes"
unlike "$err" "$(printf '\033')" "refusal with escapes: no raw ESC"

LONG=$(free_port)
python3 - "$LONG" <<'EOF' >"$T/long.log" 2>&1 &
import socket, sys, threading
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
threading.Timer(60, lambda: __import__("os")._exit(0)).start()
def serve(c):
    try:
        c.sendall(b"220-" + b"x" * 100000)
        c.recv(100)
    except OSError:
        pass
    c.close()
while True:
    threading.Thread(target=serve, args=(s.accept()[0],),
                     daemon=True).start()
EOF
t_own $!
wait_port "$LONG" || echo "# the long-line peer did not start"
hostile "smtp://127.0.0.1:$LONG" \
    "the server sent a line longer than 4096 bytes during the SMTP dialogue" \
    "endless line"

# A name server that never answers: the lookup keeps the deadline too.
# It runs on port 53 of a private network namespace's loopback.
cat >"$T/dns.sh" <<'EOF'
ip link set lo up && mount --bind "$1" /etc/resolv.conf || exit 99
py=$2 ready=$3
shift 3
timeout 20 "$py" -c '
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 53))
t = socket.socket()
t.bind(("127.0.0.1", 53))
t.listen(4)
open(sys.argv[1], "w").close()
time.sleep(20)' "$ready" &
p=$!
i=0
while [ ! -e "$ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
"$@"
rc=$?
kill $p
exit $rc
EOF
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' \
    >"$T/resolv.conf"
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null &&
    unshare --mount --net true 2>/dev/null; then
	PRE=(unshare --mount --net sh "$T/dns.sh" "$T/resolv.conf" \
	    "$T_PYTHON" "$T/dns.ready")
	hostile "https://slow.example.test/" \
	    "timed out after $TO s while resolving slow\.example\.test" \
	    "a name server that never answers"
	PRE=()
else
	skip_one "no private network namespace"
fi

done_testing
