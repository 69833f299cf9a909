#!/bin/bash
# stores.sh - stores and where over a temporary home: a Java keystore read
# with keytool, an NSS database with certutil and vfychain, the .NET user
# store's PFX files; hostile keystores and databases.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/store-lib.sh"
need openssl jq keytool certutil vfychain

P=$T/pki
"$TOP_SRCDIR/tests/pki.sh" "$P" >/dev/null 2>&1 ||
    skip_all "tests/pki.sh failed"
H=$T/home
mkdir -p "$H"
export HOME=$H
hex() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//' |
	    tr -d : | tr 'A-F' 'a-f'
}
ROOT=$(hex "$P/root.pem")
KS=$T/truststore.jks
keytool -importcert -noprompt -alias other -file "$P/issuing.pem" \
    -keystore "$KS" -storetype JKS -storepass changeit >/dev/null 2>&1 ||
    skip_all "keytool cannot make a keystore"
DB=$H/.pki/nssdb
mkdir -p "$DB"
certutil -N -d "sql:$DB" --empty-password || skip_all "certutil -N failed"
certutil -A -d "sql:$DB" -n "Contoso Root CA" -t C,, -a -i "$P/root.pem"
DN=$H/.dotnet/corefx/cryptography/x509stores/root
mkdir -p "$DN"
openssl pkcs12 -export -nokeys -in "$P/issuing.pem" -passout pass: \
    -out "$DN/ISSUING.pfx"
# An empty private store (reading one that does not exist is an error).
mkdir -p "$T/sys"
S=(--store "$T/sys" --home "$H" --java-keystore "$KS")
q() { printf '%s' "$out" | jq -r "$1"; }

# --- stores ---------------------------------------------------------------
tf stores "${S[@]}" --json
is "$rc" 0 "stores exits 0"
json_one "stores --json is one document"
jq_is '.stores[0].kind + " " + .stores[0].location' "system $T/sys" \
    "the system store first, with --store's location"
jq_is '.stores[] | select(.kind == "java") | .anchors' 1 \
    "the Java keystore: keytool counts one entry"
jq_is '.stores[] | select(.kind == "java") | .follows_system' false \
    "a keystore of its own does not follow the system store"
jq_is '.stores[] | select(.kind == "nss") | .location' "$DB" \
    "the user's shared NSS database"
jq_is '.stores[] | select(.kind == "nss") | .anchors' 1 \
    "certutil lists one trusted CA"
jq_is '.stores[] | select(.kind == "dotnet") | .anchors' 1 \
    "the .NET user root store: one PFX"
jq_is '[.stores[] | select(.error != null)] | length' 0 "no errors"
tf stores "${S[@]}"
is "$rc" 0 "the text form exits 0"
like "$out" "^java     $KS" "the text names the keystore"
like "$out" "read by: Chromium" "and what reads the NSS database"

# A Firefox profile is found by its cert9.db.
FF=$H/.mozilla/firefox/abc.default-release
mkdir -p "$FF"
certutil -N -d "sql:$FF" --empty-password
tf stores "${S[@]}" --json
jq_is '.stores[] | select(.readers == "Firefox profile") | .location' \
    "$FF" "a Firefox profile's database"

# --- where ----------------------------------------------------------------
tf where "${S[@]}" --json "$P/root.pem"
is "$rc" 0 "where exits 0"
json_one "where --json is one document"
jq_is .certificate.sha256 "$ROOT" "the root's fingerprint"
jq_is ".stores[] | select(.location == \"$DB\") | .trusted" true \
    "NSS's vfychain: the shared database trusts it"
jq_is ".stores[] | select(.location == \"$FF\") | .trusted" false \
    "the Firefox profile does not"
jq_is '.stores[] | select(.kind == "java") | .trusted' false \
    "the keystore does not"
jq_is '.stores[] | select(.kind == "dotnet") | .trusted' false \
    "the .NET store does not"
jq_is '.stores[] | select(.kind == "system") | .trusted' false \
    "the (empty) system store does not"
tf where "${S[@]}" --json "$P/issuing.pem"
jq_is '.stores[] | select(.kind == "java") | .trusted' true \
    "the issuing CA: the keystore holds it"
jq_is '.stores[] | select(.kind == "dotnet") | .trusted' true \
    "so does the .NET store"
tf where "${S[@]}" "$P/root.pem"
like "$out" "^trusts it +nss +$DB$" "text: one line per store"
tf where "${S[@]}" "$ROOT"
is "$rc" 4 "a fingerprint that no system anchor has: exit 4"
like "$err" "give the certificate's file instead" "and says what to do"
ISS=$(hex "$P/issuing.pem")
tf where "${S[@]}" --json "${ISS:0:12}"
is "$rc" 0 "a fingerprint prefix held by the keystore and the .NET store"
jq_is .certificate.sha256 "$ISS" "the certificate is taken from there"
jq_is '.stores[] | select(.kind == "java") | .trusted' true \
    "and the keystore trusts it"
mv "$KS" "$T/ks.aside"
tf where "${S[@]}" --json "$ISS"
jq_is .certificate.sha256 "$ISS" "without the keystore: from the .NET store"
mv "$T/ks.aside" "$KS"
tf where "${S[@]}"
is "$rc" 2 "where without ROOT: usage error"

# --- hostile stores ---------------------------------------------------------
printf 'not a keystore at all\n' >"$T/corrupt.jks"
tf stores --store "$T/sys" --home "$H" --java-keystore "$T/corrupt.jks" --json
is "$rc" 0 "a corrupt keystore: stores still reports"
like "$(q '.stores[] | select(.kind == "java") | .error')" \
    "Unrecognized keystore format" "with keytool's reason"
printf 'wrong\n' >"$T/pass"
tf stores "${S[@]}" --java-password-file "$T/pass" --json
like "$(q '.stores[] | select(.kind == "java") | .error')" \
    "password was incorrect" "a wrong keystore password: keytool's reason"
printf 'garbage' >"$DN/BROKEN.pfx"
head -c 4096 /dev/urandom >"$H/.mozilla/firefox/abc.default-release/cert9.db"
tf stores "${S[@]}" --json
is "$rc" 0 "a garbage PFX and a garbage cert9.db: still exits 0"
jq_is '.stores[] | select(.kind == "dotnet") | .anchors' 1 \
    "the garbage PFX is not counted"
like "$(q ".stores[] | select(.location == \"$FF\") | .error")" "." \
    "the garbage database: an error, not a count"

# --- remove takes out only what trustfix added, unless --force -------------
R=(--yes --store "$T/sys" --home "$H" --java-keystore "$KS" --nssdb "$DB")
tf remove "${R[@]}" --also nss "$P/root.pem"
is "$rc" 1 "remove --also nss: a nickname trustfix did not give is refused"
like "$err" "trustfix did not give; use --force" "and says how to override"
tf where "${S[@]}" --json "$P/root.pem"
jq_is ".stores[] | select(.location == \"$DB\") | .trusted" true \
    "the database still trusts it"
tf remove "${R[@]}" --also nss --force "$P/root.pem"
is "$rc" 0 "with --force: removed"
tf where "${S[@]}" --json "$P/root.pem"
jq_is ".stores[] | select(.location == \"$DB\") | .trusted" false \
    "vfychain: no longer trusted"
tf remove "${R[@]}" --also java "$P/issuing.pem"
is "$rc" 1 "remove --also java: an alias trustfix did not add is refused"
like "$err" "holds it as 'other', which trustfix did not add" \
    "naming the alias"
tf remove "${R[@]}" --also java --force "$P/issuing.pem"
is "$rc" 0 "with --force: removed"
is "$(keytool -list -keystore "$KS" -storepass changeit 2>/dev/null |
    grep -c trustedCertEntry)" 0 "keytool lists no entry"
tf remove "${R[@]}" --also dotnet "$P/issuing.pem"
is "$rc" 1 "remove --also dotnet: a PFX trustfix did not write is refused"
like "$err" "ISSUING.pfx was not written by trustfix; use --force" \
    "naming the file"

# --- import --dry-run --also: says what it would change, changes nothing ---
cp "$KS" "$T/ks.before"
tf import --yes --dry-run --store "$T/sys" --also all --home "$H" \
    --java-keystore "$KS" --nssdb "$DB" --json "$P/root.pem"
is "$rc" 0 "import --dry-run --also all exits 0"
jq_is '[.anchors[0].also[] | .changed] | all' true \
    "each store would change"
cmp -s "$KS" "$T/ks.before"
ok $? "the keystore is unchanged"
tf where "${S[@]}" --nssdb "$DB" --json "$P/root.pem"
jq_is '[.stores[] | select(.kind != "certifi" and .kind != "node") |
    .trusted] | any' false "no store trusts it afterwards"

# --- a tool that hangs is stopped at --timeout -----------------------------
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec sleep 60\n' >"$T/bin/keytool"
chmod 755 "$T/bin/keytool"
cp "$KS" "$T/app.jks"
start=$SECONDS
PATH=$T/bin:$PATH run "$TRUSTFIX" stores --store "$T/sys" --home "$H" \
    --java-keystore "$T/app.jks" --timeout 2 --json
is "$rc" 0 "a hanging keytool: stores still exits 0"
like "$(q '.stores[] | select(.kind == "java") | .error')" \
    "did not finish within 2 seconds" "the keystore carries the reason"
[ $((SECONDS - start)) -lt 30 ]
ok $? "within the limit, not the tool's 60 seconds"

# --- concurrent imports into one keystore and one NSS db: the lock ---------
concurrent_roots
C=$T/conc
mkdir -p "$C/db"
certutil -N -d "sql:$C/db" --empty-password
for i in 1 2 3; do
	"$TRUSTFIX" import --yes --store "$C/sys$i" --also java,nss \
	    --java-keystore "$C/ks.p12" --nssdb "$C/db" "$T/r$i.pem" \
	    >"$C/out$i" 2>&1 &
	pids="${pids:-} $!"
done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
is "$fails" 0 "three concurrent imports into one keystore and db succeed"
is "$(keytool -list -keystore "$C/ks.p12" -storepass changeit 2>/dev/null |
    grep -c '^trustfix-concurrent-root-')" 3 "the keystore holds all three"
is "$(certutil -L -d "sql:$C/db" | grep -c '^trustfix-concurrent-root-')" 3 \
    "the NSS database holds all three"

done_testing
