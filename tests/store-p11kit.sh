#!/bin/bash
# store-p11kit.sh - the p11-kit backend (a writable trust token, as on
# Fedora/RHEL/Arch) end to end, in a private mount namespace.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/store-lib.sh"
need openssl jq trust
ns_enter "$@"
ns_fedora || skip_all "cannot build the Fedora-style sandbox"

P=$T/pki
"$TOP_SRCDIR/tests/pki.sh" "$P" >/dev/null 2>&1 || skip_all "tests/pki.sh failed"
S=/etc/pki/ca-trust/source
E=/etc/pki/ca-trust/extracted
hex() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//' |
	    tr -d : | tr 'A-F' 'a-f'
}
in_bundle() {
	openssl crl2pkcs7 -nocrl -certfile "$1" 2>/dev/null |
	    openssl pkcs7 -print_certs -noout 2>/dev/null |
	    grep -c "subject=.*CN *= *$2"
}
ROOT=$(hex "$P/private-root.pem")

tf list --json
is "$rc" 0 "list"
jq_is .store.backend p11-kit "auto picks the writable p11-kit token"
jq_is .store.location "$S" "the first writable token"
jq_is '.anchors | length' 0 "no anchors besides the distribution's"
tf list --all --json
DIST=$(printf '%s' "$out" | jq -r '[.anchors[] | select(.distribution)][0].sha256')
[ -n "$DIST" ] && [ "$DIST" != null ]
ok $? "--all shows the distribution's anchors, marked as such"

tf import --yes "$P/server.pem"
is "$rc" 1 "a non-CA certificate: refused"

chmod 755 "$T" "$P"
chmod 644 "$P"/*.pem
run as_nobody trustfix \
    import --yes "$P/private-root.pem"
is "$rc" 5 "a normal user cannot change the token: exit 5"
like "$err" "run as root, or use --store DIR" "and is told what to do"
out=$(as_nobody trustfix \
    list --json)
jq_is .store.backend p11-kit "a normal user lists the p11-kit store"

: >"$T/refresh.log"
tf import --yes --purpose server-auth --json "$P/private-root.pem"
is "$rc" 0 "import with --purpose server-auth"
jq_is '.anchors[0].verified' true "verified through p11-kit and OpenSSL"
ls "$S"/*.p11-kit >/dev/null 2>&1
ok $? "the trust module wrote the object into $S"
is "$(cat "$T/refresh.log")" extract "update-ca-trust extract ran once"
trust list --filter=ca-anchors | grep -q 'label: trustfix:Example Private Root CA'
ok $? "'trust list' shows the trustfix: label"
is "$(in_bundle $E/pem/tls-ca-bundle.pem 'Example Private Root CA')" 1 \
    "the server-auth bundle holds it"
is "$(in_bundle $E/pem/email-ca-bundle.pem 'Example Private Root CA')" 0 \
    "the e-mail bundle does not: the purpose reached the extraction"
openssl verify -purpose sslserver -untrusted "$P/private-server-chain.pem" \
    "$P/private-server.pem" >/dev/null 2>&1
ok $? "OpenSSL's default store verifies the server for sslserver"
openssl verify -CAfile $E/openssl/ca-bundle.trust.crt -purpose sslclient \
    "$P/private-server.pem" >/dev/null 2>&1
ok $((!$?)) "OpenSSL refuses it for sslclient (the anchor's trusted uses)"
openssl verify -CAfile $E/openssl/ca-bundle.trust.crt -purpose sslserver \
    "$P/private-server.pem" >/dev/null 2>&1
ok $? "and accepts it for sslserver from the same trusted bundle"

: >"$T/refresh.log"
tf import --yes --purpose server-auth "$P/private-root.pem"
like "$out" "already trusted, nothing changed" "idempotent"
is "$(cat "$T/refresh.log")" "" "no refresh when nothing changed"

tf list --json
jq_is '.anchors[0].trustfix' true "list marks it trustfix's own"
jq_is '.anchors[0].purposes | join(",")' server-auth "with its purpose"

tf remove --yes "$DIST"
is "$rc" 1 "a distribution anchor: refused without --force"
tf remove --yes --force "$DIST"
is "$rc" 5 "and with --force: trustfix does not change the distribution's token"

tf remove --yes "$ROOT"
is "$rc" 0 "remove"
ls "$S"/*.p11-kit >/dev/null 2>&1
ok $((!$?)) "the object files are gone"
is "$(in_bundle $E/pem/tls-ca-bundle.pem 'Example Private Root CA')" 0 \
    "the extracted bundle no longer holds it"
trust list --filter=ca-anchors | grep -q 'trustfix:'
ok $((!$?)) "'trust list' no longer shows it"

# --- a refresh that fails: no anchor left that only p11-kit trusts ----
tls_has() { in_bundle $E/pem/tls-ca-bundle.pem "$1"; }
: >"$T/refresh-fails"
tf import --yes "$P/private-root.pem"
is "$rc" 5 "an import whose refresh fails: exit 5"
like "$err" "update-ca-trust extract' failed: no space left" "says why"
like "$err" "taken out of $S again" "and that the anchor was taken out"
trust list --filter=ca-anchors | grep -q 'trustfix:Example Private Root CA'
ok $((!$?)) "the token has no anchor that only p11-kit clients would trust"
rm -f "$T/refresh-fails"
tf import --yes "$P/private-root.pem"
is "$rc" 0 "the refresh works again: import"
: >"$T/refresh-fails"
tf remove --yes "$ROOT"
is "$rc" 5 "a removal whose refresh fails: exit 5"
trust list --filter=ca-anchors | grep -q 'trustfix:Example Private Root CA'
ok $((!$?)) "but the anchor is out of the token (trusting less, not more)"
tf import --yes "$P/root.pem"
is "$rc" 5 "the next write still meets the failing refresh"
unlike "$err" "another trustfix|cannot open" "but is not blocked before it"
like "$err" "may not match $S until a refresh succeeds" \
    "and warns that the bundles lag"
rm -f "$T/refresh-fails"
tf import --yes "$P/root.pem"
is "$rc" 0 "once the refresh works, the next write"
is "$(tls_has 'Example Private Root CA')/$(tls_has 'Contoso Root CA')" 0/1 \
    "brings the bundle in line with the token"
ls /etc/pki/ca-trust/.trustfix-refresh >/dev/null 2>&1
ok $((!$?)) "and leaves no refresh journal"
tf remove --yes "$P/root.pem"

# --- a crash between the change and the refresh ------------------------
TRUSTFIX_FAULT=after-create "$TRUSTFIX" import --yes "$P/private-root.pem" \
    >/dev/null 2>&1
frc=$?
if [ "$frc" != 99 ]; then
	skip_one "built without --enable-fault-injection"
else
	is "$frc" 99 "import crashed after creating the object"
	is "$(in_bundle $E/pem/tls-ca-bundle.pem 'Example Private Root CA')" 0 \
	    "the extracted bundle does not have it yet"
	tf import --yes "$P/private-root.pem"
	is "$rc" 0 "the next import"
	is "$(in_bundle $E/pem/tls-ca-bundle.pem 'Example Private Root CA')" \
	    1 "finishes the refresh: OpenSSL's bundle has it"
	TRUSTFIX_FAULT=after-destroy "$TRUSTFIX" remove --yes "$ROOT" \
	    >/dev/null 2>&1
	is "$?" 99 "remove crashed after destroying the object"
	tf remove --yes "$ROOT"
	is "$rc" 0 "the next remove"
	is "$(in_bundle $E/pem/tls-ca-bundle.pem 'Example Private Root CA')" \
	    0 "finishes the refresh: the bundle no longer has it"
fi

done_testing
