#!/bin/bash
# inspect-files.sh - inspect certificate files of every format, text and JSON.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3
"$TOP_SRCDIR/tests/pki.sh" "$T/pki" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
P=$T/pki
cd "$T" || exit 1

# sha256 FILE: the fingerprint as trustfix prints it.
sha256() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 |
	    sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}
SERVER=$(sha256 "$P/server.pem")
ISSUING=$(sha256 "$P/issuing.pem")
ROOT=$(sha256 "$P/root.pem")
SELF=$(sha256 "$P/selfsigned.pem")

# loads WHAT WANT-SHA256S FILE... [OPTIONS]: inspect --json reads them.
loads() {
	local what=$1 want=$2
	shift 2
	tf inspect --json "$@"
	is "$rc" 0 "$what: exit 0"
	[ "$rc" -eq 0 ] || printf '%s\n' "$err" | sed 's/^/#   /'
	json_one "$what: one JSON document"
	jq_is '[.chain[].sha256] | join(" ")' "$want" \
	    "$what: the certificates, in order"
}

# --- formats -----------------------------------------------------------------
loads "PEM bundle" "$SERVER $ISSUING $ROOT" "$P/server-full.pem"
jq_is '.tls' null "files: tls is null"
jq_is '.target.protocol' file "files: target protocol is file"
jq_is '.target.files | length' 1 "files: target lists the file"
jq_is '[.chain[].file] | unique | .[0]' "$P/server-full.pem" \
    "each entry names its file"
jq_is '[.chain[].source] | unique | join(",")' file "source is file"

# The chain[] contract of DESIGN.md, on the server certificate.
jq_is '.chain[0] | keys_unsorted[0:13] | join(",")' \
    "subject,issuer,serial,not_before,not_after,sha256,self_signed,is_ca,dns_names,ip_addresses,key,signature,source" \
    "chain[] keys of the contract, in order"
jq_is '.chain[0].sha1' "$(certfp sha1 "$P/server.pem")" \
    "sha1 beside sha256"
jq_is '.chain[0].subject' "CN=mail.contoso.test" "subject"
jq_is '.chain[0].issuer' "CN=Contoso Issuing CA 01, DC=contoso, DC=test" \
    "issuer, most specific first"
jq_is '.chain[0].serial' \
    "$(openssl x509 -in "$P/server.pem" -noout -serial | sed 's/.*=//' |
    tr 'A-F' 'a-f')" "serial in lowercase hex"
jq_is '.chain[0].not_after' \
    "$(date -u -d "$(openssl x509 -in "$P/server.pem" -noout -enddate |
    sed 's/.*=//')" +%Y-%m-%dT%H:%M:%SZ)" "not_after in RFC 3339 UTC"
jq_is '.chain[0].dns_names | join(",")' \
    "mail.contoso.test,autodiscover.contoso.test" "dns_names"
jq_is '.chain[0].ip_addresses | length' 0 "ip_addresses empty"
jq_is '.chain[0].key' "RSA 2048" "key"
jq_is '.chain[0].signature' "sha256WithRSAEncryption" "signature"
jq_is '[.chain[].self_signed] | map(tostring) | join(",")' \
    "false,false,true" "self_signed"
jq_is '[.chain[].is_ca] | map(tostring) | join(",")' \
    "false,true,true" "is_ca"
jq_is '.chain[0].eku | join(",")' serverAuth "eku"
jq_is '.chain[0].adcs_markers[0]' \
    "certificate template (1.3.6.1.4.1.311.21.7)" "AD CS template marker"
jq_is '.chain[1].adcs_markers | map(select(test("CA version"))) | length' \
    1 "AD CS CA version marker on the issuing CA"

loads "DER" "$SERVER" "$P/server.der"
loads "PKCS#7 DER" "$SERVER $ISSUING" "$P/server-chain.p7b"
openssl pkcs7 -inform DER -in "$P/server-chain.p7b" -out chain-pem.p7b
loads "PKCS#7 PEM" "$SERVER $ISSUING" chain-pem.p7b
loads "PKCS#12, empty password" "$SERVER $ISSUING" "$P/server.p12"

openssl pkcs12 -export -in "$P/server-chain.pem" -inkey "$P/server.key" \
    -passout pass:s3cret -out secret.p12
printf 's3cret\n' >pw
loads "PKCS#12 with --password-file" "$SERVER $ISSUING" \
    --password-file pw secret.p12
tf inspect secret.p12
is "$rc" 4 "PKCS#12 without its password: exit 4"
is "$err" "trustfix: inspect: secret.p12: wrong password (use --password-file)" \
    "PKCS#12 without its password: says so"

{ cat "$P/server.der"; printf '\r\n'; } >padded.der
loads "DER with a line end after it" "$SERVER" padded.der
run "$TRUSTFIX" inspect --json - <"$P/server-chain.pem"
is "$rc" 0 "standard input: exit 0"
jq_is '[.chain[].sha256] | join(" ")' "$SERVER $ISSUING" \
    "standard input: the certificates"
jq_is '.chain[0].file' "-" "standard input: file is -"

cp "$P/server.der" certificate.txt
loads "by content, not by name" "$SERVER" certificate.txt
{ cat "$P/server.key"; echo "some text"; cat "$P/server-chain.pem"; } >mixed
loads "keys and text between PEM blocks" "$SERVER $ISSUING" mixed

# --- archives ----------------------------------------------------------------
mkdir a
cp "$P/server.pem" "$P/issuing.pem" a/
cp "$P/server-chain.p7b" a/chain.p7b
printf 'install these\n' >a/README.txt
(cd a && python3 -c 'import sys, zipfile
z = zipfile.ZipFile("../bundle.zip", "w", zipfile.ZIP_DEFLATED)
for n in sys.argv[1:]: z.write(n)' server.pem chain.p7b README.txt)
loads "zip" "$SERVER $SERVER $ISSUING" bundle.zip
jq_is '.chain[0].file' "bundle.zip!server.pem" "zip: file names the member"
like "$err" "skipping bundle.zip!README.txt: no certificate found" \
    "zip: a member without certificates is skipped with a warning"
tar -C a -cf bundle.tar server.pem issuing.pem
loads "tar" "$SERVER $ISSUING" bundle.tar
tar -C a -czf bundle.tar.gz issuing.pem
loads "tar.gz" "$ISSUING" bundle.tar.gz
cp bundle.tar.gz a/inner.tgz
(cd a && python3 -c 'import zipfile
zipfile.ZipFile("../nested.zip", "w").write("inner.tgz")')
loads "zip holding a tar.gz" "$ISSUING" nested.zip
jq_is '.chain[0].file' "nested.zip!inner.tgz!issuing.pem" \
    "nested: file names both levels"

# --- several files at once ---------------------------------------------------
loads "several files" "$SELF $SERVER $SERVER $ISSUING" "$P/selfsigned.pem" \
    "$P/server.der" bundle.tar
jq_is '.target.files | length' 3 "several files: target lists them"
jq_is '[.chain[].file] | join(" ")' \
    "$P/selfsigned.pem $P/server.der bundle.tar!server.pem bundle.tar!issuing.pem" \
    "several files: each entry keeps its file"

tf inspect --json "$P/server.pem" nosuchdir/cert.pem
is "$rc" 4 "one unreadable file among several: exit 4"
is "$out" "" "unreadable: nothing on stdout"
like "$err" "cannot read nosuchdir/cert.pem: No such file or directory" \
    "unreadable: names the file"

if [ -w /dev/full ]; then
	"$TRUSTFIX" inspect --json "$P/server.pem" >/dev/full 2>err.txt
	is "$?" 1 "full disk: exit 1"
	is "$(cat err.txt)" "trustfix: inspect: cannot write the output" \
	    "full disk: said once"
fi

tf inspect "$P/server.pem" https://127.0.0.1:9
is "$rc" 2 "a server with files: usage error"
tf inspect
is "$rc" 2 "no TARGET: usage error"

# --- the text view -----------------------------------------------------------
tf inspect "$P/server-full.pem" "$P/ip.pem" "$P/expired.pem"
is "$rc" 0 "text view: exit 0"
like "$out" "^\[0\] from .*server-full.pem$" "text: index and file"
like "$out" "Subject: +CN=mail.contoso.test$" "text: subject"
like "$out" "Issuer: +CN=Contoso Issuing CA 01, DC=contoso" "text: issuer"
like "$out" "Valid: +[0-9-]+T[0-9:]+Z to [0-9-]+T[0-9:]+Z \(39[0-9] days left\)" \
    "text: validity and days left"
like "$out" "expired 3[0-9] days ago" "text: expired N days ago"
like "$out" "DNS names: +mail.contoso.test$" "text: DNS names"
like "$out" "^ +autodiscover.contoso.test$" "text: every DNS name"
like "$out" "IP addresses: +127.0.0.1$" "text: IP addresses"
like "$out" "Key: +RSA 2048$" "text: key"
like "$out" "Signature: +sha256WithRSAEncryption$" "text: signature"
like "$out" "SHA-256: +$SERVER$" "text: lowercase SHA-256"
like "$out" "SHA-1: +$(certfp sha1 "$P/server.pem")$" "text: and SHA-1"
like "$out" "CA: +yes$" "text: CA flag"
like "$out" "Self-signed: +yes$" "text: self-signed"
like "$out" "EKU: +serverAuth$" "text: EKU"
like "$out" "CA issuers: +ldap:///CN=Contoso%20Issuing" "text: AIA URLs"
like "$out" "AD CS: +certificate template \(1.3.6.1.4.1.311.21.7\)" \
    "text: AD CS markers"
unlike "$out" $'\033' "text: no colour when stdout is not a terminal"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout /dev/null -utf8 -subj "/CN=evil$(printf '\033')[2Jname" \
    -days 1 -out evil.pem 2>/dev/null
tf inspect evil.pem
is "$rc" 0 "control characters in a name: exit 0"
unlike "$out" $'\033' "control characters are escaped"
like "$out" 'CN=evil\\1B\[2Jname' "and shown"

# A right-to-left override makes a terminal show "exe.jpg" for "gpj.exe";
# a zero-width space hides a difference between two names.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout /dev/null -utf8 \
    -subj "/CN=invoice$(printf '\342\200\256')gpj.exe/O=Con$(printf '\342\200\213')toso" \
    -days 1 -out bidi.pem 2>/dev/null
tf inspect bidi.pem
is "$rc" 0 "bidi and zero-width characters in a name: exit 0"
unlike "$out" $'\342\200\256|\342\200\213' "are not written as they are"
like "$out" 'CN=invoice\\u202egpj\.exe' "the override is shown as \\u202e"
like "$out" 'O=Con\\u200btoso' "the zero-width space as \\u200b"
tf inspect --json bidi.pem
jq_is '.chain[0].subject | test("\u202e")' true \
    "JSON keeps the name as it is (escaped by JSON's rules)"

# jansson refuses strings that are not UTF-8; such a name must not vanish
# from the JSON but show each bad byte as \xNN, as the text view does.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout /dev/null -subj /CN=badutf8 -days 1 -out badutf8.pem \
    -addext "subjectAltName=DNS:bad$(printf '\377')name.example,\
DNS:over$(printf '\300\257')long.example,\
DNS:rlo$(printf '\342\200\256\355\240\200').example" 2>/dev/null
tf inspect badutf8.pem
like "$out" 'DNS names: +bad\\xffname\.example$' "text: a bad byte as \\xff"
like "$out" '^ +over\\xc0\\xaflong\.example$' "text: an overlong form as bytes"
tf inspect --json badutf8.pem
is "$rc" 0 "names that are not UTF-8, JSON: exit 0"
json_one "names that are not UTF-8: one JSON document"
jq_is '.chain[0].dns_names | length' 3 "JSON: no DNS name vanishes"
jq_is '.chain[0].dns_names[0]' 'bad\xffname.example' \
    "JSON: a bad byte as \\xff, as in the text"
jq_is '.chain[0].dns_names[1]' 'over\xc0\xaflong.example' \
    "JSON: an overlong form byte by byte"
jq_is '.chain[0].dns_names[2]' "rlo$(printf '\342\200\256')\\xed\\xa0\\x80.example" \
    "JSON: a surrogate as bytes, the valid UTF-8 beside it as it is"

# --- the same views for a server ---------------------------------------------
start_s_server "$P/server-full.pem" "$P/server.key" -verify 1
tf inspect --sni mail.contoso.test "https://127.0.0.1:$S_SERVER_PORT/"
is "$rc" 0 "server text view: exit 0"
like "$out" "^Target: +https://127.0.0.1:$S_SERVER_PORT/$" "server: target"
like "$out" "^Connected to: +https 127.0.0.1, port $S_SERVER_PORT$" \
    "server: address and port"
like "$out" "^Name: +127.0.0.1 \(SNI mail.contoso.test\)$" "server: name, SNI"
like "$out" "^TLS: +TLSv1.3, TLS_" "server: protocol and cipher"
like "$out" "^Client cert: +requested by the server$" \
    "server: client certificate request"
like "$out" "^\[2\] sent by the server$" "server: every certificate sent"
tf inspect --json "https://127.0.0.1:$S_SERVER_PORT/"
json_one "server: one JSON document"
jq_is '.target | [.input, .protocol, .host, .port, .address, .name] |
    map(tostring) | join(" ")' \
    "https://127.0.0.1:$S_SERVER_PORT/ https 127.0.0.1 $S_SERVER_PORT 127.0.0.1 127.0.0.1" \
    "server: target object"
jq_is '.tls | keys_unsorted | join(",")' \
    "protocol,cipher,client_certificate_requested" "server: tls object"
jq_is '.tls.client_certificate_requested' true "server: client cert asked"
jq_is '[.chain[].sha256] | join(" ")' "$SERVER $ISSUING $ROOT" \
    "server: the chain as sent"
jq_is '[.chain[] | has("file")] | any' false "server: entries have no file"
port=$(free_port)
tf inspect --json --timeout 5 "https://127.0.0.1:$port"
is "$rc" 3 "server refusing the connection: exit 3"
is "$out" "" "connection refused: nothing on stdout"
like "$err" "^trustfix: inspect: .*127.0.0.1" "connection refused: says where"

if command -v script >/dev/null 2>&1; then
	script -qec "$TRUSTFIX inspect $P/server.pem" /dev/null >tty.out 2>&1
	grep -q $'\033\[1m' tty.out
	ok $? "colour on a terminal"
	NO_COLOR=1 script -qec "$TRUSTFIX inspect $P/server.pem" /dev/null \
	    >tty.out 2>&1
	grep -q $'\033\[' tty.out
	ok $((! $?)) "NO_COLOR turns colour off"
	grep -q "Subject:" tty.out
	ok $? "NO_COLOR: the view is still there"
else
	ok 1 "script (util-linux) needed to test colour"
fi

done_testing
