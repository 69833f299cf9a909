#!/bin/bash
# stores-clients.sh - import --also all and remove --also all end to end:
# in a private mount namespace over the system store (the real
# update-ca-certificates runs; the machine is untouched) and a temporary
# home, a Java, an NSS, a .NET client, curl and Python accept a loopback
# server under the root, then reject it.  Hostile keystores and databases.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/store-lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"
need openssl jq keytool certutil tstclnt curl java javac \
    update-ca-certificates
ns_enter "$@"
ns_debian || skip_all "cannot build the sandbox of mounts"

P=$T/pki
"$TOP_SRCDIR/tests/pki.sh" "$P" >/dev/null 2>&1 ||
    skip_all "tests/pki.sh failed"
KS=/etc/ssl/certs/java/cacerts
[ -f "$KS" ] || skip_all "no $KS (ca-certificates-java)"
mkdir -p "$T/java" "$T/net" "$T/empty"
: >"$T/empty.pem"
javac -d "$T/java" "$TOP_SRCDIR/tests/clients/TlsClient.java" ||
    skip_all "javac cannot build the Java client"
DOTNET=
if command -v dotnet >/dev/null 2>&1; then
	cp "$TOP_SRCDIR/tests/clients/TlsClient.cs" \
	    "$TOP_SRCDIR/tests/clients/tlsclient.csproj" "$T/net/"
	DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 \
	    dotnet build -nologo -v q -o "$T/net/out" "$T/net" \
	    >"$T/net/build.log" 2>&1 && DOTNET=yes ||
	    sed 's/^/# /' "$T/net/build.log" | tail -n 20
fi
H=$T/home
mkdir -p "$H"
export HOME=$H
peer start_s_server "$P/server-chain.pem" "$P/server.key"
PORT=$S_SERVER_PORT
NAME=mail.contoso.test

java_says() {
	java -cp "$T/java" TlsClient "$NAME" "$PORT" 2>&1
}
nss_says() {
	local o
	o=$(tstclnt -h 127.0.0.1 -p "$PORT" -a "$NAME" -d "sql:$H/.pki/nssdb" \
	    -Q </dev/null 2>&1) && echo accepted ||
	    echo "rejected: $(printf '%s' "$o" | grep -m1 tstclnt)"
}
# .NET with the system store and the user's root store; with
# SSL_CERT_FILE and SSL_CERT_DIR emptied, the user's root store alone.
dotnet_says() {
	DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet "$T/net/out/tlsclient.dll" \
	    "$NAME" "$PORT" 2>&1
}
dotnet_user_says() {
	SSL_CERT_FILE=$T/empty.pem SSL_CERT_DIR=$T/empty dotnet_says
}
curl_says() {
	local o
	o=$(curl -sS --max-time 10 --resolve "$NAME:$PORT:127.0.0.1" \
	    -o /dev/null "https://$NAME:$PORT/" 2>&1) && echo accepted ||
	    echo "rejected: ${o%%$'\n'*}"
}
python_says() {
	"$T_PYTHON" -c '
import socket, ssl, sys
c = ssl.create_default_context()
s = socket.create_connection(("127.0.0.1", int(sys.argv[2])), 10)
try:
    c.wrap_socket(s, server_hostname=sys.argv[1])
    print("accepted")
except ssl.SSLError as e:
    print("rejected:", e)' "$NAME" "$PORT" 2>&1
}
# every_client WANT WHEN: each client accepts (WANT=accepted) or rejects.
every_client() {
	local c got
	for c in java nss curl python dotnet dotnet_user; do
		case $c in dotnet*)
			if [ -z "$DOTNET" ]; then
				skip_one ".NET SDK missing or no client built"
				continue
			fi ;;
		esac
		got=$(${c}_says)
		like "$got" "^$1" "$2: $c: ${got%%$'\n'*}"
	done
}

every_client rejected "before"
# A server without the root cannot be reached by any of them; now the fix.
tf import --yes --also all --json "$P/root.pem"
is "$rc" 0 "import --also all exits 0"
json_one "--json: one document"
jq_is '.anchors[0].also | map(.kind) | join(",")' "java,nss,dotnet" \
    "the system store, then Java, NSS and .NET"
jq_is '.anchors[0].also[0].location' "$KS" "the JREs' shared keystore"
jq_is '.anchors[0].also[1].location' "$H/.pki/nssdb" "the user's NSS db"
jq_is '[.anchors[0].also[] | .changed and .verified] | all' true \
    "each changed and verified"
like "$err" "sha256:" "the fingerprint is shown"
every_client accepted "after import --also all"

tf where "$P/root.pem" --json
jq_is '[.stores[] | select(.kind == "system" or .kind == "java" or
    .kind == "nss" or .kind == "dotnet") | .trusted] | all' true \
    "where: the four stores trust it"
tf import --yes --also all --json "$P/root.pem"
is "$rc" 0 "importing again exits 0"
jq_is '[.anchors[0].also[] | .changed] | any' false \
    "idempotent: no store changed"
tf import --yes --also all "$P/root.pem"
like "$out" "nss    $H/.pki/nssdb: already trusted, nothing changed" \
    "and says so per store"

tf remove --yes --also all "$P/root.pem"
is "$rc" 0 "remove --also all exits 0"
like "$out" "java   $KS: removed and verified" "Java: removed and verified"
every_client rejected "after remove --also all"
tf where "$P/root.pem" --json
jq_is '[.stores[] | select(.trusted)] | length' 0 "where: no store trusts it"

# --- hostile keystores and databases ----------------------------------------
cp "$KS" "$T/ks.jks"
printf 'wrong\n' >"$T/wrong"
tf import --yes --store "$T/dir" --also java --java-keystore "$T/ks.jks" \
    --java-password-file "$T/wrong" "$P/root.pem"
is "$rc" 5 "a wrong keystore password: exit 5"
like "$err" "password was incorrect" "with keytool's reason"
cmp -s "$KS" "$T/ks.jks"
ok $? "the keystore is untouched"
printf 'not a keystore\n' >"$T/corrupt.jks"
tf import --yes --store "$T/dir" --also java --java-keystore "$T/corrupt.jks" \
    "$P/root.pem"
is "$rc" 5 "a corrupt keystore: exit 5"
like "$err" "cannot read the keystore .*Unrecognized keystore format" \
    "names the keystore and keytool's reason"
is "$(cat "$T/corrupt.jks")" "not a keystore" "and leaves it as it was"
is "$(ls "$T" | grep -c 'trustfix-[A-Za-z0-9]\{6\}$')" 0 \
    "no temporary copy left"

TRUSTFIX_FAULT=java-before-rename run "$TRUSTFIX" import --yes \
    --store "$T/dir" --also java --java-keystore "$T/ks.jks" "$P/root.pem"
if [ "$rc" != 99 ]; then
	skip_one "built without --enable-fault-injection"
else
	cmp -s "$KS" "$T/ks.jks"
	ok $? "a crash before the rename: the keystore is as before"
fi
tf import --yes --store "$T/dir" --also java --java-keystore "$T/ks.jks" \
    "$P/root.pem"
is "$rc" 0 "the next import completes"
keytool -list -keystore "$T/ks.jks" -storepass changeit 2>/dev/null |
    grep -q '^trustfix-contoso-root-ca-'
ok $? "keytool lists the trustfix- alias"

RO=$T/ro-home
mkdir -p "$RO/.pki/nssdb"
certutil -N -d "sql:$RO/.pki/nssdb" --empty-password
before=$(md5sum "$RO/.pki/nssdb/cert9.db")
mount --bind "$RO/.pki/nssdb" "$RO/.pki/nssdb" &&
    mount -o remount,bind,ro "$RO/.pki/nssdb"
tf import --yes --store "$T/dir" --also nss --home "$RO" "$P/root.pem"
is "$rc" 5 "a read-only NSS database: exit 5"
like "$err" "$RO/.pki/nssdb" "the message names the database"
is "$(md5sum "$RO/.pki/nssdb/cert9.db")" "$before" "it is unchanged"
umount "$RO/.pki/nssdb"

# A database another process holds locked (an exclusive sqlite lock).
"$T_PYTHON" -c '
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(30)' "$RO/.pki/nssdb/cert9.db" >"$T/lock.out" &
t_own $!
for i in $(seq 50); do grep -q locked "$T/lock.out" && break; sleep 0.1; done
tf import --yes --store "$T/dir" --also nss --home "$RO" "$P/root.pem"
is "$rc" 5 "a locked NSS database: exit 5"
like "$err" "$RO/.pki/nssdb" "the message names the database"

# ca-certificates-java's hook keeps the shared keystore in step: trustfix
# says so and does not write it a second time.
printf '#!/bin/sh\ncat >>%s/java-hook.log\n' "$T" \
    >/etc/ca-certificates/update.d/jks-keystore
chmod 755 /etc/ca-certificates/update.d/jks-keystore
sum=$(md5sum "$KS")
tf import --yes --also java "$P/root.pem"
like "$(cat "$T/java-hook.log")" "^\+/etc/ssl/certs/trustfix-" \
    "the hook was told of the new anchor"
is "$(md5sum "$KS")" "$sum" "trustfix did not write the keystore itself"
like "$err" "follows the system store .*ca-certificates-java" \
    "and says that it follows the system store"

# --all-users: another user's NSS database and .NET store (a user added to
# the sandbox's copy of /etc/passwd).
A=$T/alice
mkdir -p "$A/.pki/nssdb" "$A/.dotnet/corefx/cryptography/x509stores/root"
certutil -N -d "sql:$A/.pki/nssdb" --empty-password
echo "trustfix-alice:x:4242:4242::$A:/bin/sh" >>/etc/passwd
tf stores --all-users --json
is "$rc" 0 "stores --all-users exits 0"
jq_is ".stores[] | select(.location == \"$A/.pki/nssdb\") | .user" \
    trustfix-alice "another user's NSS database, with its user"
jq_is "[.stores[] | select(.kind == \"dotnet\" and
    .user == \"trustfix-alice\")] | length" 1 "and .NET store"
tf stores --json
jq_is "[.stores[] | select(.user == \"trustfix-alice\")] | length" 0 \
    "without --all-users: only this user's"

# An application's own truststore, made by import when missing, read by
# a Java client told to use it.
tf import --yes --store "$T/dir2" --also java --java-keystore "$T/app.p12" \
    "$P/root.pem"
is "$rc" 0 "import --also java into a truststore that does not exist yet"
got=$(java -Djavax.net.ssl.trustStore="$T/app.p12" \
    -Djavax.net.ssl.trustStorePassword=changeit -cp "$T/java" TlsClient \
    "$NAME" "$PORT" 2>&1)
like "$got" "^accepted" "a Java client with -Djavax.net.ssl.trustStore accepts"

done_testing
