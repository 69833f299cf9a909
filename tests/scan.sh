#!/bin/bash
# scan.sh - scan many real and hostile servers in one run: one whole line
# per target, deadlines that hold, diagnose's own document, --resume.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3
peer pki_with_aia "$T/pki"
P=$T/pki

peer start_nginx "$P/server-chain.pem" "$P/server.key"
NG=$NGINX_PORT
peer start_s_server "$P/selfsigned.pem" "$P/selfsigned.key"
SS=$S_SERVER_PORT
for m in silent garbage banner-reset drip smtp-refuse huge-chain \
    starttls-inject; do
	peer start_hostile "$m"
	eval "H_${m//-/_}=$HOSTILE_PORT"
done
REFUSED=$(free_port)

cat >"$T/targets" <<LIST
# the servers this router talks to
https://127.0.0.1:$NG/

127.0.0.1:$SS
127.0.0.1:$H_silent   # accepts, never speaks
127.0.0.1:$H_garbage
127.0.0.1:$H_banner_reset
127.0.0.1:$H_drip
smtp://127.0.0.1:$H_smtp_refuse
127.0.0.1:$H_huge_chain
127.0.0.1:$REFUSED
smtp://127.0.0.1:$H_starttls_inject
LIST
NT=10

start=$(date +%s)
tf scan --aia-allow-private \
    --json --timeout 3 --name mail.contoso.test --trust "$P/root.pem" \
    "$T/targets"
took=$(( $(date +%s) - start ))
is "$rc" 3 "a target without certificate: exit 3 (the worst verdict)"
check "every deadline held ($took s for a 3 s timeout)" [ "$took" -le 7 ]
is "$err" "" "nothing on stderr when it is not a terminal"
printf '%s\n' "$out" >"$T/out.jsonl"
is "$(wc -l <"$T/out.jsonl")" $((NT + 1)) "one line per target, and a summary"
bad=0
while IFS= read -r line; do
	printf '%s' "$line" | jq -e . >/dev/null 2>&1 || bad=$((bad + 1))
done <"$T/out.jsonl"
is "$bad" 0 "every line is one whole JSON document"
line_of() {
	jq -c "select(.target.input == \"$1\")" "$T/out.jsonl"
}
verdict() {
	local l
	l=$(line_of "$1")
	is "$(printf '%s' "$l" | jq -r .verdict)" "$2" "$3: $2"
	[ -z "${4:-}" ] || like "$(printf '%s' "$l" |
	    jq -r '.findings[0].detail')" "$4" "$3: says why"
}
verdict "https://127.0.0.1:$NG/" trusted "nginx"
verdict "127.0.0.1:$SS" untrusted "self-signed"
verdict "127.0.0.1:$H_silent" untrusted "silent peer" "timed out after 3 s"
verdict "127.0.0.1:$H_garbage" untrusted "garbage peer" "does not speak TLS"
verdict "127.0.0.1:$H_banner_reset" untrusted "peer that resets" \
    "does not speak TLS|reset|closed"
verdict "127.0.0.1:$H_drip" untrusted "drip peer" "timed out|does not speak"
verdict "smtp://127.0.0.1:$H_smtp_refuse" untrusted "STARTTLS refused" \
    "STARTTLS"
verdict "127.0.0.1:$H_huge_chain" untrusted "huge chain" "more than"
verdict "127.0.0.1:$REFUSED" untrusted "refused port" "connection refused"
# How far each attempt got decides the clients' words, as in diagnose.
nss_error() {
	line_of "$1" | jq -r '.clients.nss.error'
}
like "$(nss_error "127.0.0.1:$REFUSED")" "^connection refused" \
    "refused port: NSS says what the network said"
like "$(nss_error "smtp://127.0.0.1:$H_smtp_refuse")" "STARTTLS" \
    "STARTTLS refused: NSS says the dialogue failed"
is "$(nss_error "127.0.0.1:$H_garbage")" SSL_ERROR_RX_RECORD_TOO_LONG \
    "garbage peer: NSS fails the TLS handshake in its words"
verdict "smtp://127.0.0.1:$H_starttls_inject" untrusted \
    "bytes behind the answer to STARTTLS" "more bytes after its answer to \
STARTTLS, before the TLS handshake: refused"
is "$(line_of "127.0.0.1:$SS" | jq -c '.origin')" \
    "[{\"file\":\"$T/targets\",\"line\":4}]" "each line says file and line"
is "$(tail -n 1 "$T/out.jsonl" | jq -c '.summary |
    [.targets, .scanned, .trusted, .untrusted, .failed, .exit]')" \
    "[$NT,$NT,1,1,8,3]" "the summary counts each verdict"

# A scan's line is diagnose's document for the same target.
tf diagnose --aia-allow-private \
    --json --name mail.contoso.test --trust "$P/root.pem" \
    "https://127.0.0.1:$NG/"
want=$(printf '%s' "$out" | jq -S 'del(.chain[].not_before)')
got=$(line_of "https://127.0.0.1:$NG/" |
    jq -S 'del(.origin, .error, .chain[].not_before)')
is "$got" "$want" "a line is exactly diagnose's document (plus its origin)"

# --resume: what is in OUT is not scanned again; a half line is.
head -n 3 "$T/out.jsonl" >"$T/part.jsonl"
sed -n 4p "$T/out.jsonl" | cut -c1-40 >>"$T/part.jsonl"
tf scan --aia-allow-private \
    --json --timeout 3 --name mail.contoso.test --trust "$P/root.pem" \
    --resume "$T/part.jsonl" "$T/targets"
is "$(printf '%s\n' "$out" | tail -n 1 | jq -c '.summary |
    [.skipped, .scanned]')" "[3,$((NT - 3))]" "--resume skips what is done"
cat "$T/part.jsonl" >"$T/all.jsonl"
printf '%s\n' "$out" >>"$T/all.jsonl"
is "$(jq -rR 'fromjson? | select(.target) | .target.input' "$T/all.jsonl" |
    sort -u | wc -l)" "$NT" "and together they hold every target"

# A line of 6 MB that never ends well (a --resume file written by
# something else) names no target; the document after it still does.
{ head -c 6000000 /dev/zero | tr '\0' x; printf '\n'
  head -n 1 "$T/out.jsonl"; } >"$T/long.jsonl"
tf scan --aia-allow-private \
    --json --timeout 3 --name mail.contoso.test --trust "$P/root.pem" \
    --resume "$T/long.jsonl" "$T/targets"
is "$(printf '%s\n' "$out" | tail -n 1 | jq -c '.summary |
    [.skipped, .scanned]')" "[1,$((NT - 1))]" \
    "--resume: a 6 MB line is skipped, the document after it counts"

# A list whose one line is 100 MB without an end: refused at 4096 bytes,
# without reading the line into memory (under a 32 MB data limit a read
# of the whole line failed like the end of the file: "0 targets", exit
# 0).  The sanitizers' build reserves more than any such limit; the
# plain build's pass runs this check on the same source.
head -c 100000000 /dev/zero | tr '\0' a >"$T/huge-list"
if sanitized; then
	tf scan "$T/huge-list"
else
	out=$(prlimit --data=$((32 * 1024 * 1024)) "$TRUSTFIX" scan \
	    "$T/huge-list" 2>"$T/huge.err")
	rc=$?
	err=$(cat "$T/huge.err")
fi
is "$rc" 4 "a 100 MB line in the list: exit 4"
like "$err" "huge-list:1: a line longer than 4096 bytes" "and says so"
rm -f "$T/huge-list"

# Text: one line per target, then the summary; limits of one at a time.
printf 'https://127.0.0.1:%s/\n127.0.0.1:%s\n127.0.0.1:%s\n' "$NG" "$SS" \
    "$REFUSED" | {
	run "$TRUSTFIX" scan --aia-allow-private \
	    --timeout 3 --name mail.contoso.test \
	    --trust "$P/root.pem" --concurrency 1 --per-host 1 --rate 50 -
	printf '%s\n' "$rc" >"$T/rc"
	printf '%s\n' "$out" >"$T/text"
}
is "$(cat "$T/rc")" 3 "text: exit 3"
is "$(wc -l <"$T/text")" 4 "text: one line per target and a summary"
like "$(cat "$T/text")" "^trusted +https://127.0.0.1:$NG/ +\(\(standard input\):1\)" \
    "text: verdict, target, origin"
like "$(cat "$T/text")" "connection refused" "text: why it failed"
like "$(tail -n 1 "$T/text")" "^3 targets: 1 trusted, 1 untrusted, 1 failed" \
    "text: the summary"

# Hosts start in the order of the input, not of their names: one
# connection at a time, localhost (named first) ends first although
# 127.0.0.1 sorts before it.
printf 'localhost:%s\n127.0.0.1:%s\n' "$NG" "$NG" >"$T/order"
tf scan --json --concurrency 1 --timeout 5 --name mail.contoso.test \
    --trust "$P/root.pem" "$T/order"
is "$(printf '%s\n' "$out" | jq -r 'select(.target) | .target.input' |
    paste -sd' ')" "localhost:$NG 127.0.0.1:$NG" \
    "hosts start in the order they are named"

# AIA: two targets behind one server that sends no intermediate; the
# issuer's URL is downloaded once for the whole scan.
peer start_nginx "$P/server.pem" "$P/server.key"
NOINT=$NGINX_PORT
gets() {
	grep -c 'GET /issuing' "$T"/http-*/log
}
before=$(gets)
printf 'https://127.0.0.1:%s/\n127.0.0.1:%s\n' "$NOINT" "$NOINT" >"$T/aia"
tf scan --aia-allow-private \
    --json --timeout 5 --name mail.contoso.test --trust "$P/root.pem" \
    "$T/aia"
is "$(printf '%s\n' "$out" | jq -r 'select(.target) |
    [.findings[] | .id] | index("missing-intermediate") != null' |
    sort -u)" true "AIA: both say missing-intermediate"
is "$(printf '%s\n' "$out" | jq -r 'select(.target) |
    [.chain[].source] | join(",")' | sort -u)" "server,aia,store" \
    "AIA: both completed the path from AIA"
is "$(( $(gets) - before ))" 1 "AIA: one download for the two targets"

# An AIA server that never answers holds up its own target only: the
# loop goes on with the others (one connection at a time here), and at
# its deadline the target's line says the download did not end.
peer start_hostile silent
check "a second PKI, whose AIA is a silent peer" env \
    AIA_BASE="http://127.0.0.1:$HOSTILE_PORT" "$TOP_SRCDIR/tests/pki.sh" \
    "$T/pki2"
peer start_nginx "$T/pki2/server.pem" "$T/pki2/server.key"
SLOW=https://127.0.0.1:$NGINX_PORT/
printf '%s\nhttps://127.0.0.1:%s/\n127.0.0.1:%s\n' "$SLOW" "$NG" "$SS" \
    >"$T/slowaia"
start=$(date +%s)
tf scan --aia-allow-private \
    --json --timeout 3 --concurrency 1 --name mail.contoso.test \
    --trust "$P/root.pem" --trust "$T/pki2/root.pem" "$T/slowaia"
took=$(( $(date +%s) - start ))
is "$(printf '%s\n' "$out" | jq -r 'select(.target) | .target.input' |
    tr '\n' ' ')" "https://127.0.0.1:$NG/ 127.0.0.1:$SS $SLOW " \
    "a hanging AIA download holds up its own target only"
like "$(printf '%s\n' "$out" | jq -r "select(.target.input == \"$SLOW\") |
    .findings[] | select(.id == \"missing-intermediate\") | .fix")" \
    "issuing.crt: not fetched: out of time" \
    "its line says the download did not end by the deadline"
check "its deadline held ($took s for a 3 s timeout)" [ "$took" -le 6 ]

# Usage.
tf scan
is "$rc" 2 "no targets: usage error"
printf 'https://127.0.0.1:%s/\nhttp://[bad\n' "$NG" >"$T/bad"
tf scan "$T/bad"
is "$rc" 2 "a bad line: usage error"
like "$err" "bad:2: not a TARGET" "naming file and line"
tf scan --from nothing
is "$rc" 2 "an unknown --from: usage error"
tf scan --concurrency 0 "$T/targets"
is "$rc" 2 "--concurrency 0: usage error"
tf scan "$T/no-such-file"
is "$rc" 4 "an unreadable list: exit 4"

# A full disk: every line's write fails; the run says so once, exit 1.
if [ -w /dev/full ]; then
	printf '%s\n%s\n' "$P/server-chain.pem" "$P/root.pem" >"$T/files"
	"$TRUSTFIX" scan --json "$T/files" >/dev/full 2>"$T/full.err"
	is "$?" 1 "full disk: exit 1"
	is "$(cat "$T/full.err")" "trustfix: scan: cannot write the output" \
	    "full disk: said once"
fi

done_testing
