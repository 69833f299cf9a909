#!/bin/bash
# bundle.sh - every file of a device bundle, read back with the tools each
# device class uses: plistutil and plistlib, openssl, keytool, bsdtar, unzip.
. "$TOP_SRCDIR/tests/lib.sh"

need openssl jq python3 plistutil bsdtar unzip keytool sha256sum
"$TOP_SRCDIR/tests/pki.sh" "$T/pki" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
P=$T/pki
export TRUSTFIX_BUNDLES_DIR=$TOP_SRCDIR/bundles
unset SOURCE_DATE_EPOCH
cd "$T" || exit 1

# sha256 FILE [FORM]: a certificate's fingerprint as trustfix prints it.
sha256() {
	openssl x509 -in "$1" -inform "${2:-PEM}" -noout -fingerprint \
	    -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}
ROOT=$(sha256 "$P/root.pem")
ISSUING=$(sha256 "$P/issuing.pem")
R=Contoso_Root_CA
I=Contoso_Issuing_CA_01

tf bundle "$P/root.pem" "$P/issuing.pem" -o b.zip
is "$rc" 0 "bundle of two CAs into a zip: exit 0"
like "$out" "^wrote b.zip \(zip\): 2 certificates for android, firefox, ios, java, linux, macos, windows" \
    "says what it wrote"
like "$out" "SHA-256 $ROOT" "prints the root's fingerprint"
ROOT1=$(certfp sha1 "$P/root.pem")
like "$out" "SHA-1   $ROOT1" "and its SHA-1"

# The archive, listed by the two usual tools.
unzip -Z1 b.zip >list.txt
ok $? "unzip reads the zip"
cat >want.txt <<EOF
MANIFEST
android/
android/$I.crt
android/$R.crt
android/README-DEVICE.txt
firefox/
firefox/$I.crt
firefox/$R.crt
firefox/README-DEVICE.txt
firefox/policies.json
ios/
ios/$I.cer
ios/$R.cer
ios/README-DEVICE.txt
ios/roots.mobileconfig
java/
java/README-DEVICE.txt
java/truststore.p12
linux/
linux/$I.crt
linux/$R.crt
linux/README-DEVICE.txt
macos/
macos/$I.cer
macos/$R.cer
macos/README-DEVICE.txt
macos/roots.mobileconfig
windows/
windows/$I.cer
windows/$R.cer
windows/README-DEVICE.txt
windows/roots.p7b
EOF
is "$(cat list.txt)" "$(cat want.txt)" "the zip holds one folder per device, sorted"
run bsdtar -tvf b.zip
is "$rc" 0 "bsdtar reads the zip"
is "$(printf '%s\n' "$out" | awk '$1 !~ /^(-rw-r--r--|drwxr-xr-x)$/' | wc -l)" 0 \
    "every entry is 0644 or 0755"
mkdir z && (cd z && unzip -q ../b.zip)
ok $? "unzip extracts it"

# MANIFEST: every certificate with validity, and the files' checksums.
M=$(cat z/MANIFEST)
like "$M" "SHA-256: +$ROOT" "MANIFEST: the root's SHA-256"
like "$M" "SHA-256: +$ISSUING" "MANIFEST: the intermediate's SHA-256"
like "$M" "SHA-1: +$ROOT1" "MANIFEST: the root's SHA-1"
like "$M" "subject: +CN=Contoso Root CA" "MANIFEST: subjects"
like "$(printf '%s\n' "$M" | grep -A1 '^Contoso_Issuing_CA_01$')" \
    "kind: +intermediate CA" "MANIFEST: an intermediate is marked"
like "$M" "issuer: +CN=Contoso Root CA" "MANIFEST: issuers"
like "$M" "not after: +[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z" \
    "MANIFEST: validity in RFC 3339 UTC"
(cd z && sha256sum -c MANIFEST 2>/dev/null) >sums.txt
ok $? "sha256sum -c MANIFEST: every file matches"
is "$(grep -c ': OK$' sums.txt)" 24 "sha256sum checked all 24 files"

# iOS and macOS: the configuration profile, read by libplist and plistlib.
check "plistutil converts the profile" \
    plistutil -i z/ios/roots.mobileconfig -o mc.bin -f bin
like "$(plistutil -i mc.bin -f xml)" "com.apple.security.root" \
    "plistutil reads it back"
openssl x509 -in "$P/root.pem" -outform DER -out root.der
openssl x509 -in "$P/issuing.pem" -outform DER -out issuing.der
cat >plist.py <<'EOF'
import plistlib, re, sys
p = plistlib.load(open(sys.argv[1], "rb"))
kinds = [a.split(":", 1)[0] for a in sys.argv[2:]]
ders = [open(a.split(":", 1)[1], "rb").read() for a in sys.argv[2:]]
types = {"root": "com.apple.security.root", "ca": "com.apple.security.pkcs1"}
uuid = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$")
assert p["PayloadType"] == "Configuration", p["PayloadType"]
assert p["PayloadVersion"] == 1
assert uuid.match(p["PayloadUUID"]), p["PayloadUUID"]
c = p["PayloadContent"]
assert len(c) == len(ders), len(c)
ids = {p["PayloadUUID"]}
for item, der, kind in zip(c, ders, kinds):
    assert item["PayloadType"] == types[kind], item["PayloadType"]
    assert item["PayloadContent"] == der, "DER differs"
    assert uuid.match(item["PayloadUUID"]), item["PayloadUUID"]
    assert item["PayloadIdentifier"].startswith(p["PayloadIdentifier"] + ".")
    ids.add(item["PayloadUUID"])
assert len(ids) == len(ders) + 1, "UUIDs not unique"
print(p["PayloadIdentifier"], p["PayloadOrganization"], p["PayloadDisplayName"], sep="|")
EOF
run python3 plist.py z/ios/roots.mobileconfig root:root.der ca:issuing.der
is "$rc" 0 "plistlib: Configuration, com.apple.security.root for the root, pkcs1 for the intermediate, DER payloads, v5 UUIDs"
[ "$rc" -eq 0 ] || printf '%s\n' "$err" | sed 's/^/#   /'
is "$out" "local.trustfix.contoso-root-ca|Contoso Root CA|Trusted roots (2)" \
    "default identifier, organization and display name"
check "macOS gets the same profile" cmp z/ios/roots.mobileconfig \
    z/macos/roots.mobileconfig
is "$(sha256 z/ios/$R.cer DER)" "$ROOT" "ios: the .cer is the root, DER"
is "$(sha256 z/macos/$I.cer DER)" "$ISSUING" "macos: the .cer is the intermediate, DER"

# Android: DER .crt.  Linux, Firefox: PEM .crt.  Windows: .cer and .p7b.
is "$(sha256 z/android/$R.crt DER)" "$ROOT" "android: DER .crt"
is "$(sha256 z/linux/$R.crt)" "$ROOT" "linux: PEM .crt"
is "$(sha256 z/linux/$I.crt)" "$ISSUING" "linux: PEM .crt of the intermediate"
is "$(head -n 1 z/linux/$R.crt)" "-----BEGIN CERTIFICATE-----" "linux: the .crt is PEM"
is "$(sha256 z/windows/$R.cer DER)" "$ROOT" "windows: DER .cer"
run openssl pkcs7 -inform DER -in z/windows/roots.p7b -print_certs -noout
is "$rc" 0 "windows: openssl reads roots.p7b"
is "$(printf '%s\n' "$out" | grep -c '^subject=')" 2 "roots.p7b holds both roots"
is "$(sha256 z/firefox/$I.crt)" "$ISSUING" "firefox: PEM .crt"
out=$(cat z/firefox/policies.json)
jq_is '.policies.Certificates.Install | join(" ")' "$R.crt $I.crt" \
    "firefox: policies.json installs the bundled files"

# Java: a PKCS#12 truststore that keytool lists as trusted entries.
run keytool -list -keystore z/java/truststore.p12 -storetype PKCS12 \
    -storepass changeit
is "$rc" 0 "keytool opens the truststore with the default password"
is "$(printf '%s\n' "$out" | grep -c trustedCertEntry)" 2 \
    "keytool lists both roots as trustedCertEntry"
like "$(printf '%s\n' "$out" | tr -d ':' | tr 'A-F' 'a-f')" "$ROOT" \
    "keytool shows the root's fingerprint"
run openssl pkcs12 -info -nokeys -passin pass:changeit \
    -in z/java/truststore.p12
is "$rc" 0 "openssl checks the truststore's MAC"
is "$(printf '%s\n%s\n' "$out" "$err" | grep -c '2.16.840.1.113894.746875.1.1')" 2 \
    "each bag carries Java's trusted key usage attribute"

# README-DEVICE.txt: from the profile, with the files and fingerprints.
for d in android firefox ios java linux macos windows; do
	r=$(cat "z/$d/README-DEVICE.txt" 2>/dev/null)
	like "$r" "SHA-256: $ROOT" "$d: README lists the root's fingerprint"
	like "$r" "SHA-1: +$ROOT1" "$d: and its SHA-1"
	like "$r" "^ +$(printf '%s' "$ROOT1" | tr a-f A-F |
	    sed 's/../&:/g; s/:$//')$" "$d: and as devices show it"
	like "$r" "^Fingerprints|[Cc]ompare" \
	    "$d: README says where the device shows fingerprints"
done
W=$(cat z/windows/README-DEVICE.txt)
like "$W" "\"Thumbprint\" is$" "windows: Thumbprint is named"
like "$W" "the SHA-1 below" "windows: and said to be the SHA-1"
like "$W" "certutil -hashfile FILE.cer SHA256 prints the" \
    "windows: certutil's SHA256 is compared with the SHA-256"
like "$W" "certutil -hashfile FILE.cer SHA1 its SHA-1" \
    "windows: and its SHA1 with the SHA-1"
# What Windows' certutil -hashfile computes over the .cer: the same digest.
is "$(sha1sum "z/windows/$R.cer" | cut -c1-40)" "$ROOT1" \
    "windows: the .cer's file SHA-1 is the listed thumbprint"
like "$(cat z/ios/README-DEVICE.txt)" "Certificate Trust Settings" \
    "ios: README has the trust settings step"
like "$(cat z/ios/README-DEVICE.txt)" "^  $R.cer$" "ios: README lists the files"
like "$(cat z/android/README-DEVICE.txt)" "API level 24" \
    "android: README has the user-CA caveat"
like "$(cat z/windows/README-DEVICE.txt)" 'certutil -addstore Root' \
    "windows: README has certutil"
like "$(cat z/windows/README-DEVICE.txt)" 'Cert:\\LocalMachine\\Root' \
    "windows: README has Import-Certificate"
like "$(cat z/java/README-DEVICE.txt)" "password is changeit" \
    "java: README names the default password"
like "$(cat z/linux/README-DEVICE.txt)" "trustfix import" \
    "linux: README names trustfix import"

# tar.gz and a directory hold the same files.
tf bundle "$P/root.pem" "$P/issuing.pem" -o b.tar.gz
is "$rc" 0 "tar.gz: exit 0"
run bsdtar -tvzf b.tar.gz
is "$rc" 0 "bsdtar reads the tar.gz"
run python3 -c 'import sys, tarfile
for m in tarfile.open(sys.argv[1]):
    print(m.uid, m.gid, m.uname, m.gname)' b.tar.gz
is "$(printf '%s\n' "$out" | sort -u)" "0 0 root root" \
    "tar entries belong to 0/0 root/root"
mkdir t && bsdtar -xzf b.tar.gz -C t
check "tar.gz holds the same files as the zip" diff -r z t
tf bundle "$P/root.pem" "$P/issuing.pem" -o dir
is "$rc" 0 "directory: exit 0"
check "the directory holds the same files" diff -r z dir

# --device, --json, Apple options.
tf bundle "$P/root.pem" --device ios,android --json -o two.zip \
    --identifier com.contoso.roots --organization "Contoso IT" \
    --display-name "Contoso roots"
is "$rc" 0 "--device ios,android --json: exit 0"
json_one "--json prints one document"
jq_is '.devices | join(",")' "android,ios" "--json: the devices"
jq_is '.certificates[0].sha256' "$ROOT" "--json: the certificate"
jq_is '.format' "zip" "--json: the format"
jq_is '[.files[].path] | join(" ")' \
    "MANIFEST android/$R.crt android/README-DEVICE.txt ios/$R.cer ios/README-DEVICE.txt ios/roots.mobileconfig" \
    "--json: the files; only the devices asked for"
bsdtar -xOf two.zip ios/roots.mobileconfig >two.mc
run python3 plist.py two.mc root:root.der
is "$out" "com.contoso.roots|Contoso IT|Contoso roots" \
    "--identifier, --organization, --display-name"

# A signed profile verifies with openssl cms.
openssl req -new -newkey rsa:2048 -nodes -keyout signer.key -out signer.csr \
    -subj "/CN=Contoso Profile Signing" >/dev/null 2>&1 &&
openssl x509 -req -in signer.csr -CA "$P/root.pem" -CAkey "$P/root.key" \
    -set_serial 7 -days 30 -out signer.pem >/dev/null 2>&1
ok $? "a signing certificate (test setup)"
tf bundle "$P/root.pem" --device ios -o signed --sign-cert signer.pem \
    --sign-key signer.key
is "$rc" 0 "--sign-cert/--sign-key: exit 0"
like "$out" "Apple profile signed" "says the profile is signed"
run openssl cms -verify -inform DER -in signed/ios/roots.mobileconfig \
    -noverify -out signed.xml
is "$rc" 0 "openssl cms -verify: the signature is valid"
run openssl cms -verify -inform DER -in signed/ios/roots.mobileconfig \
    -CAfile "$P/root.pem" -purpose any -out /dev/null
is "$rc" 0 "openssl cms -verify -CAfile: the signer chains to its CA"
run python3 plist.py signed.xml root:root.der
is "$rc" 0 "the signed content is the configuration profile"
run openssl cms -verify -inform DER -in signed/ios/roots.mobileconfig \
    -CAfile "$P/private-root.pem" -purpose any -out /dev/null
ok $((rc == 0)) "openssl cms -verify fails against another CA"
openssl pkcs12 -export -in signer.pem -inkey signer.key \
    -certfile "$P/root.pem" -passout pass:pfxpw -out signer.pfx 2>/dev/null
printf 'pfxpw\n' >pfx.pw
tf bundle "$P/root.pem" --device ios -o pfx --sign-cert signer.pfx \
    --sign-key signer.pfx --password-file pfx.pw
is "$rc" 0 "a .pfx as --sign-cert and --sign-key: exit 0"
run openssl cms -verify -inform DER -in pfx/ios/roots.mobileconfig \
    -CAfile "$P/root.pem" -purpose any -out /dev/null
is "$rc" 0 "the profile signed with the .pfx verifies"
tf bundle "$P/root.pem" --device ios -o bad.zip --sign-cert signer.pem \
    --sign-key "$P/root.key"
is "$rc" 1 "a key that is not the certificate's: exit 1"
like "$err" "does not belong" "and says so"

# --store-password-file, --password-file, --profile.
printf 's3cret\n' >store.pw
tf bundle "$P/root.pem" --device java -o java --store-password-file store.pw
is "$rc" 0 "--store-password-file: exit 0"
check "keytool opens it with that password" keytool -list \
    -keystore java/java/truststore.p12 -storetype PKCS12 -storepass s3cret
run keytool -list -keystore java/java/truststore.p12 -storetype PKCS12 \
    -storepass changeit
ok $((rc == 0)) "and not with changeit"
unlike "$(cat java/java/README-DEVICE.txt)" "s3cret" \
    "the README does not give the password away"
openssl pkcs12 -export -nokeys -in "$P/root.pem" -passout pass:p12pw \
    -out root.p12 2>/dev/null
printf 'p12pw\n' >p12.pw
tf bundle root.p12 --password-file p12.pw --device linux -o p12
is "$rc" 0 "a PKCS#12 input with --password-file: exit 0"
is "$(sha256 p12/linux/$R.crt)" "$ROOT" "its root is bundled"
cat >mine.profile <<'EOF'
# A device class of our own.
name = appliance
title = The appliance
output = pem .pem
output = p7b all.p7b
[instructions]
Upload these on the appliance's certificate page:
    @FILES@
Device: @DEVICE@.
EOF
tf bundle "$P/root.pem" "$P/issuing.pem" --profile mine.profile \
    --device appliance -o mine
is "$rc" 0 "--profile adds a device class"
is "$(ls mine/appliance | tr '\n' ' ')" "$I.pem $R.pem README-DEVICE.txt all.p7b " \
    "its files"
like "$(cat mine/appliance/README-DEVICE.txt)" "^    all.p7b$" \
    "@FILES@ expands to the files, indented"
like "$(cat mine/appliance/README-DEVICE.txt)" "^Device: appliance\.$" \
    "@DEVICE@ expands"

# Two roots with the same name get distinct file names; duplicates go.
for n in 1 2; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout /dev/null -out "same$n.pem" -days 30 \
	    -subj "/CN=Same Name: Root\/CA" \
	    -addext "basicConstraints=critical,CA:TRUE" >/dev/null 2>&1
done
S2=$(sha256 same2.pem)
tf bundle same1.pem same2.pem same1.pem --device android -o same
is "$rc" 0 "two roots with one name, one of them twice: exit 0"
is "$(ls same/android | tr '\n' ' ')" \
    "README-DEVICE.txt Same_Name_Root_CA-${S2:0:8}.crt Same_Name_Root_CA.crt " \
    "file names from the CN, sanitised, made unique, duplicates dropped"

# A self-signed server certificate is bundled, with a warning.
tf bundle "$P/selfsigned.pem" --device android -o self
is "$rc" 0 "a self-signed server certificate: exit 0"
like "$err" "warning: .*not a CA" "with a warning"

done_testing
