#!/bin/bash
# scan-from.sh - scan --from: the servers of a real Postfix configuration
# (postconf, postmap), a .fetchmailrc, an Exim configuration and a
# Dynamics CRM E-mail Router file, each line saying where it came from.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3 postconf postmap
peer pki_with_aia "$T/pki"
P=$T/pki
peer start_postfix "$P/server-chain.pem" "$P/server.key"
peer start_dovecot "$P/server-chain.pem" "$P/server.key"
REFUSED=$(free_port)
scan() {
	tf scan --json --timeout 5 --name mail.contoso.test \
	    --trust "$P/root.pem" "$@"
	printf '%s\n' "$out" >"$T/out.jsonl"
}
# line INPUT FILTER: FILTER applied to INPUT's document.
line() {
	jq -c "select(.target.input == \"$1\") | $2" "$T/out.jsonl"
}
sorted() {
	printf '%s\n' "$@" | sort | tr '\n' ' '
}
inputs() {
	jq -r 'select(.target) | .target.input' "$T/out.jsonl" | sort |
	    tr '\n' ' '
}

# --- Postfix: relayhost, transport and sender maps, TLS policies --------
PF=$T/postfix
mkdir -p "$PF"
cat >"$PF/main.cf" <<CF
# what this router relays to
relayhost = [127.0.0.1]:$SMTP_PORT
transport_maps = hash:$PF/transport
sender_dependent_relayhost_maps =
    inline:{ sales@contoso.test=[127.0.0.1]:$SUBMISSION_PORT }
smtp_tls_security_level = may
smtp_tls_policy_maps = texthash:$PF/tls_policy
CF
cat >"$PF/transport" <<MAP
# domain    transport:nexthop
partner.test    smtp:[127.0.0.1]:$REFUSED
local.test      local:
MAP
cat >"$PF/tls_policy" <<MAP
[127.0.0.1]:$SMTP_PORT    secure match=mail.contoso.test
MAP
postmap -c "$PF" "hash:$PF/transport"
scan --from "postfix:$PF"
is "$rc" 0 "postfix: the refused destination is policy may: exit 0"
is "$(inputs)" "$(sorted "smtp://127.0.0.1:$REFUSED" \
    "smtp://127.0.0.1:$SMTP_PORT" "smtp://127.0.0.1:$SUBMISSION_PORT")" \
    "postfix: relayhost, transport, sender relay"
is "$(line "smtp://127.0.0.1:$SMTP_PORT" .verdict)" '"trusted"' \
    "postfix: the relay host is trusted over STARTTLS"
is "$(line "smtp://127.0.0.1:$SMTP_PORT" '.origin[0]')" \
    "{\"file\":\"$PF/main.cf\",\"line\":2,\"setting\":\"relayhost\",\"policy\":\"secure\"}" \
    "postfix: relayhost from main.cf line 2, policy from the policy map"
is "$(line "smtp://127.0.0.1:$SMTP_PORT" '.origin[1] | [.file, .line]')" \
    "[\"$PF/tls_policy\",1]" "postfix: and the policy map's line"
is "$(line "smtp://127.0.0.1:$REFUSED" '[.origin[0].file, .origin[0].line,
    .origin[0].policy, .error]')" "[\"$PF/transport\",2,\"may\",false]" \
    "postfix: transport map line; a failure under 'may' is no error"
is "$(line "smtp://127.0.0.1:$SUBMISSION_PORT" '.origin[0].setting')" \
    '"sender_dependent_relayhost_maps"' "postfix: the sender-dependent relay"
is "$(line "smtp://127.0.0.1:$SUBMISSION_PORT" '.origin[0].line')" 4 \
    "postfix: inline maps: the main.cf line"

# A line longer than 4096 bytes in a map: a warning, the rest is read.
cp "$PF/tls_policy" "$T/tls_policy.keep"
{ printf '[127.0.0.1]:%s may match=' "$REFUSED"; head -c 10000 /dev/zero |
    tr '\0' a; printf '\n'; } >>"$PF/tls_policy"
scan --from "postfix:$PF"
is "$rc" 0 "postfix: a 10 KB line in a policy map: no failure"
like "$err" "tls_policy:2: a line longer than 4096 bytes: skipped" \
    "and a warning that names it"
is "$(line "smtp://127.0.0.1:$SMTP_PORT" '.origin[0].policy')" '"secure"' \
    "and the map's other lines still count"
cp "$T/tls_policy.keep" "$PF/tls_policy"

# A policy that requires TLS makes the same failure an error.
printf '[127.0.0.1]:%s encrypt\n' "$REFUSED" >>"$PF/tls_policy"
rm "$PF/transport"
scan --from "postfix:$PF"
is "$rc" 3 "postfix: policy encrypt: the refused destination fails the scan"
is "$(line "smtp://127.0.0.1:$REFUSED" '[.origin[0].file, .error]')" \
    "[\"$PF/transport.db\",true]" \
    "postfix: a database without its source is read with postmap -s"
tf scan --from "postfix:$T/nowhere"
is "$rc" 4 "postfix: no configuration: exit 4"
like "$err" "^trustfix: scan: postconf failed" "and postconf's words"

# --- fetchmail ------------------------------------------------------------
cat >"$T/fetchmailrc" <<RC
# mailboxes this router collects
set daemon 300
poll 127.0.0.1 with protocol IMAP port $IMAP_PORT
    user "router" there with password "x" is router here
poll 127.0.0.1 protocol pop3 port $POP3S_PORT ssl
    user router password "y"
skip 127.0.0.1 protocol imap port $REFUSED
RC
scan --from "fetchmail:$T/fetchmailrc"
is "$rc" 0 "fetchmail: exit 0"
is "$(inputs)" "$(sorted "imap://127.0.0.1:$IMAP_PORT" \
    "pop3s://127.0.0.1:$POP3S_PORT")" \
    "fetchmail: polled servers; skip entries are not"
is "$(line "pop3s://127.0.0.1:$POP3S_PORT" '[.verdict, .origin[0].line,
    .origin[0].policy]')" '["trusted",5,"verify"]' \
    "fetchmail: ssl means implicit TLS, checked"
is "$(line "imap://127.0.0.1:$IMAP_PORT" '[.verdict, .origin[0].line,
    .origin[0].policy]')" '["trusted",3,"may"]' \
    "fetchmail: STARTTLS otherwise"

# --- Exim -----------------------------------------------------------------
cat >"$T/exim.conf" <<CONF
DCsmarthost=127.0.0.1::$SUBMISSION_PORT
primary_hostname = router.contoso.test
begin routers
smarthost:
  debug_print = "R: smarthost for \$local_part@\$domain"
  driver = manualroute
  domains = ! +local_domains
  transport = remote_smtp_smarthost
  route_list = * DCsmarthost byname
partners:
  driver = manualroute
  transport = remote_smtp
  route_list = partner.test 127.0.0.1::$REFUSED ; \\
               other.test "127.0.0.1::$SMTP_PORT"
dnslookup:
  driver = dnslookup
begin transports
remote_smtp_smarthost:
  driver = smtp
  hosts_require_tls = *
remote_smtp:
  driver = smtp
CONF
scan --from "exim:$T/exim.conf"
is "$rc" 0 "exim: exit 0"
is "$(inputs)" "$(sorted "smtp://127.0.0.1:$REFUSED" \
    "smtp://127.0.0.1:$SMTP_PORT" "smtp://127.0.0.1:$SUBMISSION_PORT")" \
    "exim: the manualroute routers' hosts"
is "$(line "smtp://127.0.0.1:$SUBMISSION_PORT" '[.verdict, .origin[0].line,
    .origin[0].setting, .origin[0].policy]')" \
    '["trusted",9,"smarthost","encrypt"]' \
    "exim: the smarthost macro, its router and its transport's policy"
is "$(line "smtp://127.0.0.1:$REFUSED" '[.origin[0].line, .error]')" \
    '[13,false]' "exim: a continued route_list"

# --- Dynamics CRM E-mail Router -------------------------------------------
cat >"$T/EmailAgent.xml" <<XML
<?xml version="1.0" encoding="utf-8"?>
<Configuration>
  <SystemConfiguration>
    <MaximumDeliveryAttempts>1</MaximumDeliveryAttempts>
  </SystemConfiguration>
  <ProviderConfiguration>
    <ProviderClass>Microsoft.Crm.Tools.Email.Providers.PopPollingMailboxProvider</ProviderClass>
    <IncomingProfile>
      <Server>127.0.0.1</Server>
      <Protocol>IMAP</Protocol>
      <Port>$IMAPS_PORT</Port>
      <UseSsl>true</UseSsl>
    </IncomingProfile>
  </ProviderConfiguration>
  <ProviderConfiguration>
    <ProviderClass>Microsoft.Crm.Tools.Email.Providers.SmtpPollingSendEmailProvider</ProviderClass>
    <EmailServerUrl>smtp://127.0.0.1:$SMTP_PORT</EmailServerUrl>
  </ProviderConfiguration>
</Configuration>
XML
scan --from "crm:$T/EmailAgent.xml"
is "$rc" 0 "crm: exit 0"
is "$(inputs)" "$(sorted "imaps://127.0.0.1:$IMAPS_PORT" \
    "smtp://127.0.0.1:$SMTP_PORT")" \
    "crm: incoming and outgoing profiles"
is "$(line "imaps://127.0.0.1:$IMAPS_PORT" '[.verdict, .origin[0].line,
    .origin[0].setting]')" '["trusted",9,"IncomingProfile/Server"]' \
    "crm: the incoming profile's server, line and element"
is "$(line "smtp://127.0.0.1:$SMTP_PORT" '[.verdict, .origin[0].line]')" \
    '["trusted",17]' "crm: the outgoing profile's URL"
printf '<Configuration><Server>x</Configuration>\n' >"$T/broken.xml"
tf scan --from "crm:$T/broken.xml"
is "$rc" 4 "crm: broken XML: exit 4"
like "$err" "cannot read .*broken.xml: .*line 1" "crm: says where"

# Several sources at once, and a list: one scan.
scan --from "fetchmail:$T/fetchmailrc" --from "crm:$T/EmailAgent.xml"
is "$(jq -r 'select(.summary) | .summary.targets' "$T/out.jsonl")" 4 \
    "two sources in one scan"

done_testing
