#!/bin/bash
# monitor.sh - expiry monitoring: --warn-days, days_left, the Nagios/Icinga
# plugin convention of --nagios against a real server, list --expiring.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3
"$TOP_SRCDIR/tests/pki.sh" "$T/pki" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
P=$T/pki
URL=https://mail.contoso.test

# left FILE: whole days until the certificate's notAfter, rounded down.
left() {
	local end
	end=$(date -d "$(openssl x509 -in "$1" -noout -enddate |
	    sed 's/.*=//')" +%s)
	echo $(( (end - $(date +%s)) / 86400 ))
}
# tfd ARGS...: tf, then the expected day counts as of that moment (not
# of the start: a virtual machine's clock can jump while the suite runs).
tfd() {
	tf "$@"
	SOON=$(left "$P/expiring.pem")
	LONG=$(left "$P/server.pem")
	ROOTLEFT=$(left "$P/root.pem")
}

# --- a server whose certificate expires in about 10 days ---------------------
peer start_s_server "$P/expiring-chain.pem" "$P/expiring.key"
SOON_PORT=$S_SERVER_PORT
peer start_s_server "$P/server-chain.pem" "$P/server.key"
GOOD_PORT=$S_SERVER_PORT

tfd diagnose --nagios --timeout 10 --trust "$P/root.pem" \
    --connect "127.0.0.1:$SOON_PORT" "$URL"
is "$rc" 1 "nagios: 10 days left is WARNING, exit 1"
like "$out" "^TRUSTFIX WARNING - $URL: expiring-soon: The server certificate CN=mail.contoso.test expires in $SOON days \| days_left=$SOON;30:;0:$" \
    "nagios: one status line with the day count and perfdata"
like "$out" "^warning expiring-soon: " "nagios: then a line per finding"
is "$err" "" "nagios: nothing on stderr"

tfd diagnose --nagios --warn-days 5 --timeout 10 --trust "$P/root.pem" \
    --connect "127.0.0.1:$SOON_PORT" "$URL"
is "$rc" 0 "nagios --warn-days 5: OK, exit 0"
like "$out" "^TRUSTFIX OK - $URL: trusted; first to expire: CN=mail.contoso.test in $SOON days \| days_left=$SOON;5:;0:$" \
    "nagios: OK names what expires first and when"

tfd diagnose --nagios --timeout 10 --trust "$P/root.pem" \
    --connect "127.0.0.1:$GOOD_PORT" "$URL"
is "$rc" 0 "nagios: a year left is OK"
like "$out" "days_left=$LONG;30:;0:$" "nagios: perfdata of the first to expire"

tfd diagnose --nagios --timeout 10 --trust "$P/private-root.pem" \
    --connect "127.0.0.1:$GOOD_PORT" "$URL"
is "$rc" 2 "nagios: not trusted is CRITICAL, exit 2"
like "$out" "^TRUSTFIX CRITICAL - $URL: untrusted-root: " \
    "nagios: CRITICAL names the first error"

port=$(free_port)
tfd diagnose --nagios --timeout 5 "https://127.0.0.1:$port"
is "$rc" 3 "nagios: no server is UNKNOWN, exit 3"
like "$out" "^TRUSTFIX UNKNOWN - https://127.0.0.1:$port: connection refused" \
    "nagios: UNKNOWN says why"

tfd diagnose --nagios --json "$URL"
is "$rc" 3 "nagios: a usage error is UNKNOWN too"
like "$out" "^TRUSTFIX UNKNOWN - " "nagios: with a status line"
tfd diagnose --nagios --chain "$T/missing.pem" --name mail.contoso.test
is "$rc" 3 "nagios: an unreadable file is UNKNOWN"

# --- --warn-days and days_left, text and JSON -----------------------------------
tfd diagnose --timeout 10 --trust "$P/root.pem" \
    --connect "127.0.0.1:$SOON_PORT" "$URL"
is "$rc" 0 "text: trusted with a warning"
like "$out" "\[expiring-soon\] The server certificate CN=mail.contoso.test expires in $SOON days" \
    "text: the warning gives the day count"
tfd diagnose --json --warn-days 400 --timeout 10 --trust "$P/root.pem" \
    --connect "127.0.0.1:$GOOD_PORT" "$URL"
jq_is '[.findings[] | select(.id == "expiring-soon")] | length' 1 \
    "--warn-days 400: a year left is expiring-soon"
jq_is '.chain[0].days_left' "$LONG" "json: days_left of the server's"
jq_is '.chain[2].days_left' "$(left "$P/root.pem")" "json: and of the root"
printf '%s\n' "$URL" >"$T/targets"
tfd scan --json --warn-days 400 --timeout 10 --trust "$P/root.pem" \
    --connect "127.0.0.1:$GOOD_PORT" "$T/targets"
like "$(printf '%s\n' "$out" | head -n 1 | jq -r '[.findings[].id] | join(" ")')" \
    "expiring-soon" "scan --warn-days 400: a year left is expiring-soon"
like "$(printf '%s\n' "$out" | head -n 1 | jq '.chain[0].days_left')" \
    "^$LONG\$" "scan: days_left too"
tfd diagnose --json --warn-days 0 --timeout 10 --trust "$P/root.pem" \
    --connect "127.0.0.1:$SOON_PORT" "$URL"
jq_is '[.findings[] | select(.id == "expiring-soon")] | length' 0 \
    "--warn-days 0: no expiring-soon"
tfd diagnose --json --chain "$P/server-chain.pem" --name mail.contoso.test \
    --trust "$P/root.pem" --at 2000-01-01
jq_is '.chain[0].days_left' "$(( ($(date -d "$(openssl x509 \
    -in "$P/server.pem" -noout -enddate | sed 's/.*=//')" +%s) - \
    946684800) / 86400 ))" "json: days_left counts from --at"
tfd inspect --json "$P/expired.pem"
like "$(printf '%s' "$out" | jq '.chain[0].days_left')" "^-[0-9]+$" \
    "inspect --json: an expired certificate has negative days_left"
for bad in -1 x 36501 ""; do
	tf diagnose --warn-days "$bad" --chain "$P/server-chain.pem"
	is "$rc" 2 "--warn-days '$bad': usage error"
done

# --- list --expiring ------------------------------------------------------------
S=$T/store
tfd import --store "$S" --yes "$P/root.pem" "$P/private-root.pem"
is "$rc" 0 "two anchors imported"
tfd list --store "$S" --expiring 30
is "$rc" 0 "list --expiring 30: none, exit 0"
is "$out" "" "list --expiring 30: nothing listed"
like "$err" "no anchor .*expires within 30 days" "and says so"
tfd list --store "$S" --expiring "$((ROOTLEFT + 1))" --json
is "$rc" 1 "list --expiring: an anchor within N days, exit 1"
jq_is '[.anchors[] | select(.subject | test("Contoso Root"))] | length' 1 \
    "list --expiring: the Contoso root is listed"
jq_is '.anchors[0].days_left' "$ROOTLEFT" "list --json: days_left"
tfd list --store "$S" --expiring "$ROOTLEFT"
is "$rc" "$([ "$(left "$P/private-root.pem")" -lt "$ROOTLEFT" ] && echo 1 ||
    echo 0)" "list --expiring: exactly N days left is not within N days"
done_testing
