#!/bin/bash
# diagnose-ldap.sh - AD CS ldap:/// AIA and CDP URLs read from a real slapd
# on loopback, within limits, and from hostile LDAP peers.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3 base64
# The http AIA and CDP URLs of the PKI lead nowhere (AIA_BASE's default):
# what is fetched here comes over LDAP.
"$TOP_SRCDIR/tests/pki.sh" "$T/pki" >/dev/null || {
	echo "Bail out! tests/pki.sh failed"
	exit 1
}
P=$T/pki
SUFFIX=DC=contoso,DC=test
CFG="CN=Public Key Services,CN=Services,CN=Configuration,$SUFFIX"

b64() {
	base64 -w0 "$1"
}

der() {
	openssl x509 -in "$1" -outform DER -out "$2"
}
der "$P/root.pem" "$T/root.der"
der "$P/issuing.pem" "$T/issuing.der"
CRL="$P/aia/CertEnroll/Contoso Root CA.crl"

# The issuing CA's CRL, revoking the server's certificate.
mkdir -p "$T/ca"
: >"$T/ca/index.txt"
printf '%s\n' "[ca]" "default_ca = x" "[x]" "database = $T/ca/index.txt" \
    "default_md = sha256" "default_crl_days = 7" >"$T/ca/ca.cnf"
openssl ca -config "$T/ca/ca.cnf" -revoke "$P/server.pem" \
    -cert "$P/issuing.pem" -keyfile "$P/issuing.key" >/dev/null 2>&1 &&
openssl ca -config "$T/ca/ca.cnf" -gencrl -cert "$P/issuing.pem" \
    -keyfile "$P/issuing.key" -out "$T/ca/crl.pem" >/dev/null 2>&1 &&
openssl crl -in "$T/ca/crl.pem" -outform DER -out "$T/issuing-crl.der" || {
	echo "Bail out! cannot make the issuing CA's CRL"
	exit 1
}

# container DN: an entry that only holds others, as AD's containers do.
container() {
	local cn=${1%%,*}
	printf 'dn: %s\nobjectClass: applicationProcess\ncn: %s\n\n' "$1" \
	    "${cn#CN=}"
}

# ca_entry CN FILE...: the AIA entry AD CS publishes, one value per FILE.
ca_entry() {
	local cn=$1 f
	shift
	printf 'dn: CN=%s,CN=AIA,%s\n' "$cn" "$CFG"
	printf 'objectClass: applicationProcess\n'
	printf 'objectClass: certificationAuthority\ncn: %s\n' "$cn"
	for f in "$@"; do
		printf 'cACertificate;binary:: %s\n' "$(b64 "$f")"
	done
	printf 'authorityRevocationList;binary:: %s\n' "$(b64 "$CRL")"
	printf 'certificateRevocationList;binary:: %s\n\n' "$(b64 "$CRL")"
}

# directory LDIF ENTRY-ARGS...: the domain's configuration naming context.
directory() {
	local out=$1
	shift
	{
		printf 'dn: %s\nobjectClass: applicationProcess\n' "$SUFFIX"
		printf 'objectClass: dcObject\ncn: contoso\ndc: contoso\n\n'
		container "CN=Configuration,$SUFFIX"
		container "CN=Services,CN=Configuration,$SUFFIX"
		container "$CFG"
		container "CN=AIA,$CFG"
		container "CN=CDP,$CFG"
		container "CN=PKI01,CN=CDP,$CFG"
		"$@"
	} >"$out"
}

good_entries() {
	ca_entry "Contoso Root CA" "$T/root.der"
	ca_entry "Contoso Issuing CA 01" "$T/issuing.der"
	cdp_entry "Contoso Root CA" "$CRL"
	cdp_entry "Contoso Issuing CA 01" "$T/issuing-crl.der"
}

# cdp_entry CN CRL: a CRL where AD CS publishes it.
cdp_entry() {
	printf 'dn: CN=%s,CN=PKI01,CN=CDP,%s\n' "$1" "$CFG"
	printf 'objectClass: cRLDistributionPoint\ncn: %s\n' "$1"
	printf 'certificateRevocationList;binary:: %s\n\n' "$(b64 "$2")"
}

directory "$T/good.ldif" good_entries
peer start_slapd "$SUFFIX" "$T/good.ldif"
GOOD=127.0.0.1:$LDAP_PORT
GOOD_LOG=$SLAPD_LOG

# accepted: how many connections slapd has accepted so far.
accepted() {
	grep -c 'ACCEPT from' "$GOOD_LOG"
}

# d CHAIN [OPTIONS...]: diagnose --json.
d() {
	local chain=$1
	shift
	tf diagnose --chain "$chain" --name mail.contoso.test --json \
	    --timeout 5 "$@"
}
R=(--trust "$P/root.pem")

# --- the intermediate and the root fetched over LDAP ----------------------
ISS_URL="ldap:///CN=Contoso%20Issuing%20CA%2001,CN=AIA,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=contoso,DC=test?cACertificate?base?objectClass=certificationAuthority"
ROOT_URL="ldap:///CN=Contoso%20Root%20CA,CN=AIA,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=contoso,DC=test?cACertificate?base?objectClass=certificationAuthority"
d "$P/server.pem" "${R[@]}" --ldap-host "$GOOD"
json_one "one JSON document"
is "$rc" 1 "ldap AIA: the intermediate fetched, still not sent"
jq_is '[.chain[].source] | join(",")' server,aia,store \
    "ldap AIA: the issuing CA has source aia"
jq_is '.chain[1].url' "$ISS_URL" "ldap AIA: and the AD CS URL it came from"
jq_is '.chain[1].sha256' "$(certfp sha256 "$P/issuing.pem")" \
    "ldap AIA: the issuing CA's certificate"
jq_is '[.findings[].id] | join(",")' missing-intermediate \
    "ldap AIA: missing-intermediate only"
jq_is .clients.openssl.trusted false "ldap AIA: OpenSSL clients stop"
jq_is .clients.dotnet.trusted false \
    ".NET on Linux fetches http AIA only: untrusted too"
jq_is '.findings[0].detail | test("over LDAP")' true \
    "ldap AIA: the detail says it came over LDAP"

d "$P/server.pem" --ldap-host "$GOOD" --trust "$P/private-root.pem"
jq_is '[.chain[].source] | join(",")' server,aia,aia \
    "ldap AIA: the root fetched over LDAP too"
jq_is '.chain[2].url' "$ROOT_URL" "ldap AIA: from the root's AIA entry"
jq_is '[.findings[].id] | index("untrusted-root") != null' true \
    "ldap AIA: a fetched root is no anchor"

n=$(accepted)
d "$P/server.pem" "${R[@]}" --ldap-host "$GOOD" --no-aia
jq_is '[.chain[].source] | join(",")' server "--no-aia: nothing fetched"
is "$(accepted)" "$n" "--no-aia: slapd saw no connection"

d "$P/server.pem" "${R[@]}"
jq_is '[.chain[].source] | join(",")' server \
    "no --ldap-host, a file: no server for ldap:///"
jq_is '.findings[0].fix | test("--ldap-host")' true \
    "the fix says to give --ldap-host"

# --- export-root from a server over TLS: the root over LDAP ---------------
cat "$P/server.pem" "$P/issuing.pem" >"$T/sent.pem"
peer start_s_server "$T/sent.pem" "$P/server.key"
tf export-root "https://127.0.0.1:$S_SERVER_PORT" --ldap-host "$GOOD" \
    --timeout 5 -o "$T/got-root.pem"
is "$rc" 0 "export-root: the root reached over LDAP"
is "$(certfp sha256 "$T/got-root.pem" 2>/dev/null)" \
    "$(certfp sha256 "$P/root.pem")" "export-root: it is the root"
like "$out" "sha256: +$(certfp sha256 "$P/root.pem")" \
    "export-root: its fingerprint is shown"
like "$out" "url: +ldap:///CN=Contoso%20Root%20CA,CN=AIA," \
    "export-root: and the ldap URL it came from"

tf export-root "https://127.0.0.1:$S_SERVER_PORT" --timeout 5 --json
jq_is '.root.sha256 // empty' "" \
    "export-root, no --ldap-host: the target's host (port 389) has none"

# The target's host is the LDAP server where the URL names none: a
# second loopback address, port 389 (root only, and only if free).
if [ "$(id -u)" = 0 ] && "$T_PYTHON" -c 'import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.2", 389))' 2>/dev/null; then
	PEER_ADDR=127.0.0.2 SLAPD_PORT=389 peer start_slapd "$SUFFIX" \
	    "$T/good.ldif"
	PEER_ADDR=127.0.0.2 peer start_s_server "$T/sent.pem" "$P/server.key"
	tf export-root "https://127.0.0.2:$S_SERVER_PORT" --timeout 5 \
	    -o "$T/got-root2.pem"
	is "$rc" 0 "export-root: ldap:/// goes to the target's host"
else
	skip_one "port 389 on 127.0.0.2 needs root and must be free"
fi

# --- CRLs over LDAP with --check-revocation -------------------------------
d "$P/server-chain.pem" "${R[@]}" --check-revocation --ldap-host "$GOOD"
is "$rc" 1 "--check-revocation: the CRL over LDAP revokes the server's"
jq_is '[.findings[] | select(.id == "revoked") | .certificate] | join(",")' \
    0 "--check-revocation: revoked, the server certificate"
jq_is '[.findings[] | select(.id == "revoked") | .detail][0] |
    test("ldap:///CN=Contoso%20Issuing%20CA%2001,CN=PKI01.*revoked")' true \
    "--check-revocation: the evidence names the ldap CDP"
jq_is '[.findings[] | select(.id == "revocation-unknown")] | length' 0 \
    "--check-revocation: the issuing CA's status read from the root's CRL"
d "$P/server-chain.pem" "${R[@]}" --check-revocation
jq_is '[.findings[] | select(.id == "revoked")] | length' 0 \
    "--check-revocation without --ldap-host: no LDAP, no evidence"

# --- hostile and broken LDAP peers ----------------------------------------
peer start_hostile silent
start=$(date +%s)
d "$P/server.pem" "${R[@]}" --ldap-host "127.0.0.1:$HOSTILE_PORT" --timeout 2
took=$(($(date +%s) - start))
is "$rc" 1 "silent LDAP server: a verdict still"
jq_is '.findings[0].detail + .findings[0].fix | test("timed out")' true \
    "silent LDAP server: timed out, said"
ok $([ "$took" -le 5 ]; echo $?) "silent LDAP server: within the timeout ($took s)"

# A 2 MiB certificate in one value: more than the AIA limit.
{
	printf '[x]\n1.2.3.4.5 = ASN1:FORMAT:HEX,OCTETSTRING:'
	head -c 2200000 /dev/zero | od -An -v -tx1 | tr -d ' \n'
	printf '\n'
} >"$T/huge.cnf"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
    -keyout /dev/null -subj /CN=Huge -days 1 -config "$T/huge.cnf" \
    -extensions x -outform DER -out "$T/huge.bin" >/dev/null 2>&1 || {
	echo "Bail out! cannot make a huge certificate"
	exit 1
}
many() {
	local i
	printf 'dn: CN=Contoso Issuing CA 01,CN=AIA,%s\n' "$CFG"
	printf 'objectClass: applicationProcess\n'
	printf 'objectClass: certificationAuthority\n'
	printf 'cn: Contoso Issuing CA 01\n'
	for i in $(seq 20); do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -noenc -keyout /dev/null -subj "/CN=Junk $i" -days 1 \
		    -outform DER -out "$T/junk.der" 2>/dev/null
		printf 'cACertificate;binary:: %s\n' "$(b64 "$T/junk.der")"
	done
	printf 'authorityRevocationList;binary:: %s\n' "$(b64 "$CRL")"
	printf 'certificateRevocationList;binary:: %s\n\n' "$(b64 "$CRL")"
}
huge() {
	ca_entry "Contoso Issuing CA 01" "$T/huge.bin"
}
directory "$T/huge.ldif" huge
peer start_slapd "$SUFFIX" "$T/huge.ldif"
d "$P/server.pem" "${R[@]}" --ldap-host "127.0.0.1:$LDAP_PORT"
is "$rc" 1 "huge value: a verdict still"
jq_is '.findings[0].fix | test("larger than|exceeded")' true \
    "huge value: refused at the size limit"

directory "$T/many.ldif" many
peer start_slapd "$SUFFIX" "$T/many.ldif"
d "$P/server.pem" "${R[@]}" --ldap-host "127.0.0.1:$LDAP_PORT"
jq_is '.findings[0].fix | test("more than 16 values")' true \
    "20 values: refused at the count limit"

directory "$T/empty.ldif" true
peer start_slapd "$SUFFIX" "$T/empty.ldif"
d "$P/server.pem" "${R[@]}" --ldap-host "127.0.0.1:$LDAP_PORT"
jq_is '.findings[0].fix | test("No such object")' true \
    "no AIA entry: slapd's answer is quoted"

tf diagnose --chain "$P/server.pem" --ldap-host 'mail contoso'
is "$rc" 2 "--ldap-host with a space: usage error"
like "$err" "^trustfix: diagnose: --ldap-host" "and says which option"

done_testing
