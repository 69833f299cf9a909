#!/bin/bash
# pki-selftest.sh - each certificate of tests/pki.sh has its property.
. "$TOP_SRCDIR/tests/lib.sh"
need openssl

P=$T/pki
# CPU time, not wall time: the suite runs tests in parallel.
TIMEFORMAT='%R %U %S'
{ time AIA_BASE=http://127.0.0.1:4711 "$TOP_SRCDIR/tests/pki.sh" "$P" \
    2>"$T/pki.err"; } 2>"$T/time"
ok $? "pki.sh succeeds"
read -r wall user sys <"$T/time"
cpu=$(echo "$user + $sys" | sed 's/\.//g; s/^0*//; s/ + 0*/ + /')
ok $(( cpu >= 5000 )) "pki.sh needs under 5 s of CPU (${user}s + ${sys}s)"
ok $(( ${wall%.*} >= 20 )) "pki.sh finishes in under 20 s (${wall}s)"
like "$(cat "$T/pki.err")" '^$' "pki.sh prints nothing on stderr"

# x NAME ARGS...: openssl x509 on NAME.pem.
x() {
	local n=$1
	shift
	openssl x509 -in "$P/$n.pem" -noout "$@" 2>&1
}
text() {
	x "$1" -text -certopt no_sigdump
}
now=$(date +%s)
# after NAME WHEN: the certificate's notAfter is after WHEN (epoch seconds).
end_epoch() {
	date -u -d "$(x "$1" -enddate | cut -d= -f2)" +%s
}
start_epoch() {
	date -u -d "$(x "$1" -startdate | cut -d= -f2)" +%s
}

leaves="server selfsigned wrongname wildcard ip expired notyet expiring sha1
	rsa1024 clientauth notca-leaf nosan private-server"
for n in root issuing notca-issuer private-root $leaves; do
	check "$n.pem is a certificate" openssl x509 -in "$P/$n.pem" -noout
	check "$n.key matches $n.pem" sh -c "
	    [ \"\$(openssl x509 -in '$P/$n.pem' -noout -pubkey)\" = \
	      \"\$(openssl pkey -in '$P/$n.key' -pubout)\" ]"
done
for n in $leaves; do
	test -s "$P/$n-chain.pem"
	ok $? "$n-chain.pem exists"
	c=$(grep -c 'BEGIN CERTIFICATE' "$P/$n-chain.pem")
	first=$(openssl x509 -in "$P/$n-chain.pem" -noout -fingerprint)
	is "$first" "$(x "$n" -fingerprint)" "$n-chain.pem starts with $n"
	for r in root private-root; do
		unlike "$(openssl crl2pkcs7 -nocrl -certfile "$P/$n-chain.pem" |
		    openssl pkcs7 -print_certs -noout)" \
		    "subject=.*CN ?= ?$(x $r -subject -nameopt multiline |
		    sed -n 's/.*commonName *= //p')\$" \
		    "$n-chain.pem holds no root ($r)"
	done
done
is "$(grep -c BEGIN "$P/server-chain.pem")" 2 "server-chain.pem: 2 certs"
is "$(grep -c BEGIN "$P/notca-leaf-chain.pem")" 3 \
    "notca-leaf-chain.pem: leaf, notca-issuer, issuing"
is "$(grep -c BEGIN "$P/selfsigned-chain.pem")" 1 "selfsigned-chain.pem: 1"
is "$(grep -c BEGIN "$P/server-full.pem")" 3 "server-full.pem: 3 certs"

# Names.
like "$(x root -subject)" 'CN ?= ?Contoso Root CA' "root subject"
like "$(x root -subject)" 'DC ?= ?contoso' "root subject has DC parts"
is "$(x root -subject | cut -d= -f2-)" "$(x root -issuer | cut -d= -f2-)" \
    "root is self-issued"
like "$(x issuing -subject)" 'CN ?= ?Contoso Issuing CA 01' "issuing subject"
is "$(x issuing -issuer | cut -d= -f2-)" "$(x root -subject | cut -d= -f2-)" \
    "issuing is issued by root"
for n in server wrongname wildcard ip expired notyet sha1 rsa1024 \
    clientauth nosan notca-issuer; do
	is "$(x $n -issuer | cut -d= -f2-)" \
	    "$(x issuing -subject | cut -d= -f2-)" "$n is issued by issuing"
done
is "$(x notca-leaf -issuer | cut -d= -f2-)" \
    "$(x notca-issuer -subject | cut -d= -f2-)" \
    "notca-leaf is issued by notca-issuer"
is "$(x private-server -issuer | cut -d= -f2-)" \
    "$(x private-root -subject | cut -d= -f2-)" \
    "private-server is issued by private-root"
san() {
	x "$1" -ext subjectAltName | sed 1d | tr -d ' '
}
is "$(san server)" "DNS:mail.contoso.test,DNS:autodiscover.contoso.test" \
    "server SAN"
is "$(san selfsigned)" "DNS:router.example.test" "selfsigned SAN"
is "$(x selfsigned -subject | cut -d= -f2-)" \
    "$(x selfsigned -issuer | cut -d= -f2-)" "selfsigned is self-issued"
check "selfsigned verifies against itself" \
    openssl verify -CAfile "$P/selfsigned.pem" "$P/selfsigned.pem"
is "$(san wrongname)" "DNS:other.contoso.test" "wrongname SAN"
is "$(san wildcard)" "DNS:*.contoso.test" "wildcard SAN"
is "$(san ip)" "IPAddress:127.0.0.1,IPAddress:0:0:0:0:0:0:0:1" "ip SAN"
for n in expired notyet expiring sha1 rsa1024 clientauth notca-leaf; do
	is "$(san $n)" "DNS:mail.contoso.test" "$n SAN"
done
is "$(san private-server)" "DNS:mail.example.test" "private-server SAN"
unlike "$(x nosan -ext subjectAltName)" "Alternative Name" \
    "nosan has no subjectAltName"
like "$(x nosan -subject)" 'CN ?= ?mail.contoso.test' "nosan CN"

# Dates.
ok $(( !($(end_epoch expired) < now) )) "expired: notAfter in the past"
ok $(( !($(start_epoch expired) > now - 500 * 86400) )) \
    "expired: notBefore not before issuing's"
ok $(( !($(start_epoch notyet) > now) )) "notyet: notBefore in the future"
left=$(( ($(end_epoch expiring) - now) / 86400 ))
ok $(( left < 5 || left > 15 )) "expiring: about 10 days left ($left)"
for n in root issuing server wrongname private-root private-server; do
	ok $(( $(start_epoch $n) > now || $(end_epoch $n) < now + 300 * 86400 )) \
	    "$n valid now and for at least 300 days"
done
ok $(( $(start_epoch issuing) < $(start_epoch expired) ? 0 : 1 )) \
    "issuing was valid when expired was issued"

# Keys and signatures.
for n in root issuing server; do
	like "$(text $n)" 'Public-Key: \(2048 bit\)' "$n: RSA 2048"
	like "$(text $n)" 'rsaEncryption' "$n: RSA key"
done
like "$(text rsa1024)" 'Public-Key: \(1024 bit\)' "rsa1024: RSA 1024"
like "$(text rsa1024)" 'rsaEncryption' "rsa1024: RSA key"
like "$(text wrongname)" 'prime256v1' "wrongname: EC P-256"
like "$(text sha1)" 'Signature Algorithm: sha1WithRSAEncryption' \
    "sha1: signed with SHA-1"
like "$(text server)" 'Signature Algorithm: sha256WithRSAEncryption' \
    "server: signed with SHA-256"
like "$(text private-server)" 'ecdsa-with-SHA256' "private-server: ECDSA"

# CA flags and usages.
for n in root issuing private-root; do
	like "$(x $n -ext basicConstraints)" 'CA:TRUE' "$n: CA:TRUE"
	like "$(x $n -ext keyUsage)" 'Certificate Sign' "$n: keyCertSign"
done
like "$(x notca-issuer -ext basicConstraints)" 'CA:FALSE' \
    "notca-issuer: CA:FALSE"
unlike "$(x notca-issuer -ext keyUsage)" 'Certificate Sign' \
    "notca-issuer: no keyCertSign"
for n in server wrongname wildcard ip expired notyet sha1 rsa1024 nosan \
    notca-leaf; do
	like "$(x $n -ext basicConstraints)" 'CA:FALSE' "$n: CA:FALSE"
	is "$(x $n -ext extendedKeyUsage | sed 1d | tr -d ' ')" \
	    "TLSWebServerAuthentication" "$n: EKU serverAuth"
done
is "$(x server -ext keyUsage | sed 1d | tr -d ' ')" \
    "DigitalSignature,KeyEncipherment" "server: keyUsage"
is "$(x clientauth -ext extendedKeyUsage | sed 1d | tr -d ' ')" \
    "TLSWebClientAuthentication" "clientauth: EKU clientAuth only"

# Microsoft extensions, AIA and CDP.
asn() {
	openssl asn1parse -in "$P/$1.pem" 2>&1
}
like "$(asn root)" ':1.3.6.1.4.1.311.21.1$' "root: CA version"
like "$(asn issuing)" ':1.3.6.1.4.1.311.21.1$' "issuing: CA version"
like "$(asn issuing)" ':1.3.6.1.4.1.311.21.2$' "issuing: previous CA hash"
like "$(asn issuing)" ':1.3.6.1.4.1.311.20.2$' "issuing: template name"
like "$(text issuing)" '\.S\.u\.b\.C\.A' "issuing: template name is SubCA"
like "$(asn server)" ':1.3.6.1.4.1.311.21.7$' "server: certificate template"
tmpl=$(asn server | grep -A1 ':1.3.6.1.4.1.311.21.7$' | tail -n 1 |
    sed 's/.*HEX DUMP\]://')
like "$tmpl" '^302D06252B0601040182371508.*0201640201[0-9A-F]{2}$' \
    "server: template is SEQUENCE { OID, INTEGER 100, INTEGER }"
for n in private-root private-server selfsigned; do
	unlike "$(asn $n)" ':1.3.6.1.4.1.311\.' "$n: no Microsoft extensions"
done
aia() {
	x "$1" -ext authorityInfoAccess
}
like "$(aia issuing)" 'CA Issuers - URI:ldap:///CN=Contoso%20Root%20CA,CN=AIA,CN=Public%20Key%20Services,CN=Services,CN=Configuration,DC=contoso,DC=test\?cACertificate\?base\?objectClass=certificationAuthority' \
    "issuing: AIA ldap"
like "$(aia issuing)" 'CA Issuers - URI:http://127.0.0.1:4711/root.crt' \
    "issuing: AIA http from AIA_BASE"
like "$(x issuing -ext crlDistributionPoints)" \
    'URI:ldap:///CN=Contoso%20Root%20CA,.*CN=CDP,' "issuing: CDP ldap"
like "$(x issuing -ext crlDistributionPoints)" \
    'URI:http://127.0.0.1:4711/CertEnroll/Contoso%20Root%20CA.crl' \
    "issuing: CDP http"
like "$(aia server)" 'URI:ldap:///CN=Contoso%20Issuing%20CA%2001,CN=AIA,' \
    "server: AIA ldap"
like "$(aia server)" 'URI:http://127.0.0.1:4711/issuing.crt' \
    "server: AIA http"
unlike "$(aia private-server)" "Authority Information" "private-server: no AIA"

# The good chain verifies; the bad ones fail for their reason.
check "server chain verifies with root as CAfile" openssl verify \
    -CAfile "$P/root.pem" -untrusted "$P/server-chain.pem" "$P/server.pem"
check "private-server verifies with private-root" openssl verify \
    -CAfile "$P/private-root.pem" "$P/private-server.pem"
like "$(openssl verify -CAfile "$P/root.pem" -untrusted "$P/issuing.pem" \
    "$P/expired.pem" 2>&1)" 'certificate has expired' "expired: verify says so"
like "$(openssl verify -CAfile "$P/root.pem" -untrusted "$P/issuing.pem" \
    "$P/notyet.pem" 2>&1)" 'not yet valid' "notyet: verify says so"
like "$(openssl verify -CAfile "$P/root.pem" -untrusted \
    "$P/notca-leaf-chain.pem" "$P/notca-leaf.pem" 2>&1)" \
    'invalid CA certificate' "notca-leaf: verify rejects its issuer"
like "$(openssl verify -CAfile "$P/root.pem" -untrusted "$P/issuing.pem" \
    -auth_level 2 "$P/rsa1024.pem" 2>&1)" 'too weak' \
    "rsa1024: too small at security level 2"
like "$(openssl verify -CAfile "$P/root.pem" -untrusted "$P/issuing.pem" \
    -purpose sslserver "$P/clientauth.pem" 2>&1)" \
    'unsuitable certificate purpose' \
    "clientauth: not for servers"
check "server: name mail.contoso.test" openssl verify -CAfile "$P/root.pem" \
    -untrusted "$P/issuing.pem" -verify_hostname mail.contoso.test \
    "$P/server.pem"
check "wildcard: name x.contoso.test" openssl verify -CAfile "$P/root.pem" \
    -untrusted "$P/issuing.pem" -verify_hostname x.contoso.test \
    "$P/wildcard.pem"
check "ip: IP 127.0.0.1" openssl verify -CAfile "$P/root.pem" \
    -untrusted "$P/issuing.pem" -verify_ip 127.0.0.1 "$P/ip.pem"

# The AIA directory and the extra forms.
check "aia/root.crt is the root in DER" cmp "$P/aia/root.crt" \
    <(openssl x509 -in "$P/root.pem" -outform DER)
check "aia/issuing.crt is issuing in DER" cmp "$P/aia/issuing.crt" \
    <(openssl x509 -in "$P/issuing.pem" -outform DER)
is "$(openssl pkcs7 -inform DER -in "$P/aia/issuing.p7c" -print_certs \
    -noout | grep -c '^subject=')" 1 "aia/issuing.p7c: one certificate"
for c in "Contoso Root CA" "Contoso Issuing CA 01"; do
	check "aia CRL of $c" openssl crl -inform DER -noout \
	    -in "$P/aia/CertEnroll/$c.crl"
done
check "server.der" cmp "$P/server.der" \
    <(openssl x509 -in "$P/server.pem" -outform DER)
is "$(openssl pkcs7 -inform DER -in "$P/server-chain.p7b" -print_certs \
    -noout | grep -c '^subject=')" 2 "server-chain.p7b: 2 certificates"
check "server.p12 opens with an empty password" \
    openssl pkcs12 -in "$P/server.p12" -passin pass: -noenc -info
is "$(cat "$P/pki.env")" "AIA_BASE=http://127.0.0.1:4711" "pki.env"

# Default AIA base, and a second run into the same directory.
"$TOP_SRCDIR/tests/pki.sh" "$T/pki2" 2>/dev/null
ok $? "pki.sh without AIA_BASE"
like "$(openssl x509 -in "$T/pki2/server.pem" -noout \
    -ext authorityInfoAccess)" \
    'URI:http://127.0.0.1:9/issuing.crt' "default AIA base is unreachable"
"$TOP_SRCDIR/tests/pki.sh" "$T/pki2" 2>/dev/null
ok $? "pki.sh runs again over an existing directory"
"$TOP_SRCDIR/tests/pki.sh" >/dev/null 2>&1
is $? 2 "pki.sh without OUTDIR is a usage error"

done_testing
