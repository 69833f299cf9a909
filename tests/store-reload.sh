#!/bin/bash
# store-reload.sh - after import/remove, the running services that keep
# the old anchors: a real Postfix router that defers mail is found,
# reloaded and its queue retried by `import --reload`; a real Dovecot is
# found and reloaded.  Only the instances this test starts are reloaded (--service).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3
[ "$(id -u)" = 0 ] || skip_all "Postfix instances run only as root"
"$TOP_SRCDIR/tests/pki.sh" "$T/pki" >/dev/null || {
	echo "Bail out! tests/pki.sh failed"
	exit 1
}
P=$T/pki
STORE=$T/store
# The directory store keeps the anchor in a file named after its label.
CAFILE=$STORE/trustfix_Contoso_Root_CA.p11-kit
peer_open_tree

# What both Postfix instances need to queue and deliver mail.
QUEUE_SERVICES='qmgr unix n - n 300 1 qmgr
pickup fifo n - n 60 1 pickup
smtp unix - - n - - smtp
relay unix - - n - - smtp
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
scache unix - - n - 1 scache
showq unix n - n - - showq'

# --- the server: accepts mail for contoso.test over STARTTLS, discards it
POSTFIX_MAIN_EXTRA='mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = permit_mynetworks, reject
relay_domains = contoso.test
relay_transport = discard:
default_transport = discard:' POSTFIX_MASTER_EXTRA=$QUEUE_SERVICES \
    peer start_postfix "$P/server-chain.pem" "$P/server.key"
SERVER_PORT=$SMTP_PORT
SERVER=$POSTFIX_DIR

# --- the router: relays everything there, and must verify the server ----
printf '[127.0.0.1]:%s secure match=mail.contoso.test\n' "$SERVER_PORT" \
    >"$T/tls_policy"
POSTFIX_MAIN_EXTRA="mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = permit_mynetworks, reject
myhostname = router.contoso.test
relayhost = [127.0.0.1]:$SERVER_PORT
smtp_tls_security_level = secure
smtp_tls_policy_maps = texthash:$T/tls_policy
smtp_tls_CAfile = $CAFILE
smtp_tls_loglevel = 1" POSTFIX_MASTER_EXTRA=$QUEUE_SERVICES \
    peer start_postfix "$P/server-chain.pem" "$P/server.key"
ROUTER_PORT=$SMTP_PORT
ROUTER=$POSTFIX_DIR

# send PORT: one message to user@contoso.test through the router.
send() {
	"$T_PYTHON" - "$1" <<'PY'
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=10) as s:
    s.sendmail("admin@router.contoso.test", ["user@contoso.test"],
               "Subject: trustfix reload test\r\n\r\nhello\r\n")
PY
}

# wait_log FILE REGEX [SECONDS]: until FILE has a line matching REGEX.
wait_log() {
	local i
	for i in $(seq $((${3:-30} * 5))); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

send "$ROUTER_PORT"
ok $? "the router takes a message for the server"
wait_log "$ROUTER/maillog" "status=deferred"
ok $? "the router defers it: it does not trust the server's root"
grep -q "status=sent" "$ROUTER/maillog"
ok $((! $?)) "nothing delivered yet"

tf import --store "$STORE" --yes --reload --service "$ROUTER/etc" --json \
    "$P/root.pem"
json_one "import --reload --json: one document"
is "$rc" 0 "import --reload: imported and reloaded"
jq_is '[.services[] | .name] | join(",")' postfix \
    "--service: only the router's Postfix"
jq_is '.services[0].config' "$ROUTER/etc" "its configuration directory"
jq_is '.services[0].reload' "postfix -c $ROUTER/etc reload" \
    "the exact reload command"
jq_is '.services[0].retry' "postqueue -c $ROUTER/etc -f" \
    "and the command that retries deferred mail"
jq_is '[.services[0].reloaded, .services[0].retried] | join(",")' \
    true,true "both ran"
jq_is '.services[0].pid' "$(cat "$ROUTER/queue/pid/master.pid" 2>/dev/null |
    tr -d ' ')" "the pid of the router's master"

wait_log "$ROUTER/maillog" "reload -- version" 10
ok $? "the router's master reloaded"
unlike "$(cat "$SERVER/maillog")" "reload -- version" \
    "the server instance was not reloaded"
wait_log "$ROUTER/maillog" "status=sent" 60
ok $? "the deferred message is delivered, with no manual step"
like "$(grep "status=sent" "$ROUTER/maillog")" "relay=127\\.0\\.0\\.1" \
    "to the server, over the verified connection"
grep -q "Verified TLS connection established to 127.0.0.1" \
    "$ROUTER/maillog"
ok $? "the router logs the connection as verified"

# Text output, without --reload: the commands to run, nothing run.
n=$(grep -c "reload -- version" "$ROUTER/maillog")
tf remove --store "$STORE" --yes --dry-run --service "$ROUTER/etc" \
    "$P/root.pem"
is "$rc" 0 "remove --dry-run"
like "$out" "postfix \\(pid [0-9]+, $ROUTER/etc\\)" "names the router"
like "$out" "reload: +postfix -c $ROUTER/etc reload" \
    "says the reload command"
like "$out" "retry deferred mail: postqueue -c $ROUTER/etc -f" \
    "and how to retry deferred mail"
is "$(grep -c "reload -- version" "$ROUTER/maillog")" "$n" \
    "without --reload nothing is reloaded"

tf import --store "$STORE" --yes --reload --service "$ROUTER/etc" \
    "$P/root.pem"
unlike "$out" "postfix" "nothing changed: no service to reload"

# --- Dovecot ---------------------------------------------------------------
peer start_dovecot "$P/server-chain.pem" "$P/server.key"
DOVECOT=$(dirname "$(ls "$T"/dovecot-*/dovecot.conf | tail -n 1)")
tf import --store "$T/store2" --yes --reload \
    --service "$DOVECOT/dovecot.conf" --json "$P/root.pem"
is "$rc" 0 "import --reload with a running Dovecot"
jq_is '[.services[] | .name] | join(",")' dovecot "Dovecot found"
jq_is '.services[0].reload' "dovecot -c $DOVECOT/dovecot.conf reload" \
    "its reload command"
jq_is '.services[0].retry' null "no queue to retry"
jq_is '.services[0].reloaded' true "reloaded"
wait_log "$DOVECOT/dovecot.log" "SIGHUP received" 10
ok $? "Dovecot says it reloaded its configuration"

tf import --store "$T/store3" --yes --service "$T/nothing.conf" --json \
    "$P/root.pem"
jq_is '.services | length' 0 "--service naming no running service: none"

done_testing
