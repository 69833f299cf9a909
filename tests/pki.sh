#!/bin/bash
# pki.sh - generate the test PKI with the openssl command line, at test time.
#
# Usage: tests/pki.sh OUTDIR
#   AIA_BASE   base URL of the http AIA/CDP locations written into the
#              certificates (default http://127.0.0.1:9, i.e. unreachable);
#              serve OUTDIR/aia there (tests/peers.sh: pki_with_aia).
#
# Every certificate comes with NAME.pem (certificate) and NAME.key (the key,
# unencrypted PKCS#8 PEM).  Leaves also get NAME-chain.pem: what a server
# sends, leaf first, then the intermediates, never the root.
#
#   root            CN=Contoso Root CA,DC=contoso,DC=test; self-signed, RSA
#                   2048, AD CS-like: CA version 1.3.6.1.4.1.311.21.1
#   issuing         CN=Contoso Issuing CA 01,DC=contoso,DC=test <- root; RSA
#                   2048; 311.21.1, previous CA hash 311.21.2, template name
#                   311.20.2 "SubCA"; AIA caIssuers ldap:///CN=Contoso%20Root
#                   %20CA,CN=AIA,CN=Public%20Key%20Services,... and
#                   $AIA_BASE/root.crt; CDP ldap:///...,CN=CDP,... and
#                   $AIA_BASE/CertEnroll/Contoso%20Root%20CA.crl
#   server          CN=mail.contoso.test, SAN mail.contoso.test and
#                   autodiscover.contoso.test <- issuing; RSA 2048; template
#                   311.21.7 and application policies 311.21.10; keyUsage
#                   digitalSignature,keyEncipherment; EKU serverAuth; AIA
#                   ldap + $AIA_BASE/issuing.crt; CDP ldap + http
#   selfsigned      CN=router.example.test (SAN too), self-signed, EC P-256
#   wrongname       other.contoso.test <- issuing
#   wildcard        *.contoso.test <- issuing
#   ip              CN=127.0.0.1, SAN IP 127.0.0.1 and ::1 <- issuing
#   expired         mail.contoso.test <- issuing; valid from 400 days ago
#                   until 35 days ago
#   notyet          mail.contoso.test <- issuing; valid from 30 days ahead
#                   until 400 days ahead
#   expiring        mail.contoso.test <- issuing; 10 days left
#   sha1            mail.contoso.test <- issuing; sha1WithRSAEncryption
#   rsa1024         mail.contoso.test <- issuing; RSA 1024 key
#   clientauth      mail.contoso.test <- issuing; EKU clientAuth only
#   notca-issuer    CN=Contoso Web Servers (not a CA) <- issuing;
#                   basicConstraints CA:FALSE, no keyCertSign
#   notca-leaf      mail.contoso.test <- notca-issuer; chain: leaf,
#                   notca-issuer, issuing
#   nosan           CN=mail.contoso.test, no subjectAltName <- issuing
#   issuing-old     the issuing CA before its renewal: same subject and key
#                   as issuing <- root, expired 10 days ago
#                   (server-oldca-chain.pem: server, issuing-old)
#   private-root    CN=Example Private Root CA,O=Example; self-signed, EC,
#                   no Microsoft markers, no AIA
#   private-server  mail.example.test <- private-root; chain: the leaf only
#
# Anchors that are odd or useless (what import must refuse or warn on), all
# self-signed, EC unless said otherwise:
#   v1-selfsigned   CN=printer.example.test, X.509 version 1 (no extensions)
#   kcs-selfsigned  CN=appliance.example.test, keyUsage keyCertSign, no
#                   basicConstraints
#   ca-nokcs        CN=Contoso No KeyCertSign CA, CA:TRUE, keyUsage
#                   digitalSignature only
#   critext-root    CN=Contoso Critical Extension CA, CA:TRUE and a critical
#                   extension 1.3.6.1.4.1.55555.1 nobody knows
#   weak-root       CN=Contoso Weak CA, CA:TRUE, RSA 1024
#   expired-root    CN=Contoso Expired CA, CA:TRUE, expired 10 days ago
#   badsig-root     the root with one byte of its signature changed
#
# Leaves are EC P-256 unless said otherwise; every leaf but selfsigned,
# private-server and clientauth has EKU serverAuth.  Validity: root from 3
# years ago for 20 years, issuing from 2 years ago for 10 years, the
# private root like the root, leaves from yesterday for 397 days.
#
# Also written:
#   OUTDIR/server-full.pem   server, issuing, root (a complete chain)
#   OUTDIR/server.der        the server certificate, DER
#   OUTDIR/server-chain.p7b  server and issuing, DER PKCS#7 certs-only
#   OUTDIR/server.p12        server key, server and issuing, PKCS#12 with
#                            an empty password
#   OUTDIR/aia/root.crt      root, DER            ($AIA_BASE/root.crt)
#   OUTDIR/aia/issuing.crt   issuing, DER         ($AIA_BASE/issuing.crt)
#   OUTDIR/aia/issuing.p7c   issuing, DER PKCS#7 certs-only
#   OUTDIR/aia/CertEnroll/Contoso Root CA.crl        the root's CRL, DER
#   OUTDIR/aia/CertEnroll/Contoso Issuing CA 01.crl  the issuing CA's, DER
#                            (on disk decoded, as a web server maps the
#                            percent-encoded CDP URLs)
#   OUTDIR/pki.env           AIA_BASE=... that the PKI was made with
# Existing files of the same names are replaced; nothing else is touched.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: pki.sh OUTDIR" >&2
	exit 2
fi
O=$1
AIA_BASE=${AIA_BASE:-http://127.0.0.1:9}
mkdir -p "$O/aia/CertEnroll"
W=$(mktemp -d "${TMPDIR:-/tmp}/pki.XXXXXX")
trap 'rm -rf "$W"' EXIT
export OPENSSL_CONF=/dev/null

when() {
	date -u -d "$1" +%Y%m%d%H%M%SZ
}

# The LDAP locations real AD CS writes (percent-encoded as it does).
LDAP_CFG="CN=Public%20Key%20Services,CN=Services,CN=Configuration"
LDAP_CFG="$LDAP_CFG,DC=contoso,DC=test"
ldap_aia() {
	printf 'ldap:///CN=%s,CN=AIA,%s?cACertificate?base?%s' "$1" \
	    "$LDAP_CFG" "objectClass=certificationAuthority"
}
ldap_cdp() {
	printf 'ldap:///CN=%s,CN=PKI01,CN=CDP,%s?%s?base?%s' "$1" "$LDAP_CFG" \
	    "certificateRevocationList" "objectClass=cRLDistributionPoint"
}
ROOT_E="Contoso%20Root%20CA"
ISS_E="Contoso%20Issuing%20CA%2001"

cat >"$W/ca.cnf" <<EOF
[ca]
default_ca = ca_default
[ca_default]
database = $W/index.txt
serial = $W/serial
crlnumber = $W/crlnumber
new_certs_dir = $W
default_md = sha256
policy = policy_any
unique_subject = no
email_in_dn = no
default_crl_days = 30
[policy_any]
commonName = supplied
EOF
: >"$W/index.txt"
echo 1000 >"$W/serial"
echo 1000 >"$W/crlnumber"

cat >"$W/ext.cnf" <<EOF
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyCertSign,cRLSign
subjectKeyIdentifier = hash
1.3.6.1.4.1.311.21.1 = ASN1:INTEGER:0

[issuing]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
1.3.6.1.4.1.311.21.1 = ASN1:INTEGER:0
1.3.6.1.4.1.311.21.2 = ASN1:FORMAT:HEX,OCTETSTRING:PREVHASH
1.3.6.1.4.1.311.20.2 = ASN1:BMPSTRING:SubCA
authorityInfoAccess = @issuing_aia
crlDistributionPoints = issuing_cdp
[issuing_aia]
caIssuers;URI.0 = $(ldap_aia "$ROOT_E")
caIssuers;URI.1 = $AIA_BASE/root.crt
[issuing_cdp]
fullname = @issuing_cdp_names
[issuing_cdp_names]
URI.0 = $(ldap_cdp "$ROOT_E")
URI.1 = $AIA_BASE/CertEnroll/$ROOT_E.crl

[ms_leaf_aia]
caIssuers;URI.0 = $(ldap_aia "$ISS_E")
caIssuers;URI.1 = $AIA_BASE/issuing.crt
[ms_leaf_cdp]
fullname = @ms_leaf_cdp_names
[ms_leaf_cdp_names]
URI.0 = $(ldap_cdp "$ISS_E")
URI.1 = $AIA_BASE/CertEnroll/$ISS_E.crl

[server]
basicConstraints = critical,CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:mail.contoso.test,DNS:autodiscover.contoso.test
1.3.6.1.4.1.311.21.7 = ASN1:SEQUENCE:ms_template
1.3.6.1.4.1.311.21.10 = ASN1:SEQUENCE:ms_app_policies
authorityInfoAccess = @ms_leaf_aia
crlDistributionPoints = ms_leaf_cdp
[ms_template]
template = OID:1.3.6.1.4.1.311.21.8.8211880.1779723.5496311.1546430.6434335.193.4242097.8415374
major = INTEGER:100
minor = INTEGER:4
[ms_app_policies]
p1 = SEQUENCE:ms_app_server_auth
[ms_app_server_auth]
oid = OID:serverAuth
EOF

# leaf_ext NAME SAN [EKU] [KEYUSAGE]: an extension section for a leaf of
# the issuing CA.
leaf_ext() {
	cat >>"$W/ext.cnf" <<EOF

[$1]
basicConstraints = critical,CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = @ms_leaf_aia
crlDistributionPoints = ms_leaf_cdp
keyUsage = critical,${4:-digitalSignature,keyEncipherment}
extendedKeyUsage = ${3:-serverAuth}
EOF
	[ -z "$2" ] || echo "subjectAltName = $2" >>"$W/ext.cnf"
}

MAIL=DNS:mail.contoso.test
leaf_ext wrongname DNS:other.contoso.test
leaf_ext wildcard 'DNS:*.contoso.test'
leaf_ext ip 'IP:127.0.0.1,IP:::1'
leaf_ext mail "$MAIL"
leaf_ext clientauth "$MAIL" clientAuth digitalSignature
leaf_ext nosan ""
cat >>"$W/ext.cnf" <<EOF

[notca_issuer]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:webservers.contoso.test

[notca_leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $MAIL

[selfsigned]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
subjectKeyIdentifier = hash
subjectAltName = DNS:router.example.test

[private_root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash

[kcs_selfsigned]
keyUsage = critical,digitalSignature,keyCertSign
subjectKeyIdentifier = hash
subjectAltName = DNS:appliance.example.test

[ca_nokcs]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash

[critext_root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
1.3.6.1.4.1.55555.1 = critical,ASN1:NULL

[private_server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:mail.example.test
EOF

# key NAME TYPE: write $O/NAME.key and $W/NAME.csr for subject $SUBJ.
key() {
	local n=$1 t=$2 opts
	case $t in
	ec)	opts="-newkey ec -pkeyopt ec_paramgen_curve:P-256" ;;
	rsa*)	opts="-newkey rsa:${t#rsa}" ;;
	esac
	openssl req -new $opts -noenc -keyout "$O/$n.key" -out "$W/$n.csr" \
	    -subj "$SUBJ" -utf8 2>/dev/null
}

# sign NAME ISSUER SECTION FROM UNTIL [ca args...]: sign $W/NAME.csr.
sign() {
	local n=$1 i=$2 s=$3 from=$4 until=$5 how
	shift 5
	if [ "$i" = self ]; then
		how="-selfsign -keyfile $O/$n.key"
	else
		how="-cert $O/$i.pem -keyfile $O/$i.key"
	fi
	openssl ca -config "$W/ca.cnf" -batch -notext -preserveDN -rand_serial \
	    -utf8 $how -in "$W/$n.csr" -out "$O/$n.pem" \
	    -extfile "$W/ext.cnf" -extensions "$s" \
	    -startdate "$(when "$from")" -enddate "$(when "$until")" \
	    "$@" 2>"$W/$n.err" || { cat "$W/$n.err" >&2; return 1; }
}

# Keys first, in parallel: the RSA ones take the time.
SUBJ="/DC=test/DC=contoso/CN=Contoso Root CA" key root rsa2048 &
SUBJ="/DC=test/DC=contoso/CN=Contoso Issuing CA 01" key issuing rsa2048 &
SUBJ="/CN=mail.contoso.test" key server rsa2048 &
SUBJ="/CN=mail.contoso.test" key rsa1024 rsa1024 &
for n in expired notyet expiring sha1 clientauth notca-leaf nosan; do
	SUBJ="/CN=mail.contoso.test" key $n ec &
done
SUBJ="/CN=router.example.test" key selfsigned ec &
SUBJ="/CN=other.contoso.test" key wrongname ec &
SUBJ="/CN=*.contoso.test" key wildcard ec &
SUBJ="/CN=127.0.0.1" key ip ec &
SUBJ="/O=Contoso/CN=Contoso Web Servers" key notca-issuer ec &
SUBJ="/O=Example/CN=Example Private Root CA" key private-root ec &
SUBJ="/CN=mail.example.test" key private-server ec &
SUBJ="/CN=printer.example.test" key v1-selfsigned ec &
SUBJ="/CN=appliance.example.test" key kcs-selfsigned ec &
SUBJ="/O=Contoso/CN=Contoso No KeyCertSign CA" key ca-nokcs ec &
SUBJ="/O=Contoso/CN=Contoso Critical Extension CA" key critext-root ec &
SUBJ="/O=Contoso/CN=Contoso Weak CA" key weak-root rsa1024 &
SUBJ="/O=Contoso/CN=Contoso Expired CA" key expired-root ec &
wait

sign root self root "-3 years" "+17 years"
# A renewed AD CS CA names the hash of its previous CA certificate.
prev=$(openssl x509 -in "$O/root.pem" -outform DER | openssl dgst -sha1 -r |
    cut -d' ' -f1)
sed -i "s/PREVHASH/$prev/" "$W/ext.cnf"
sign issuing root issuing "-2 years" "+8 years"
sign server issuing server "-1 day" "+397 days"
# The issuing CA before its renewal: same subject and key, expired.
cp "$W/issuing.csr" "$W/issuing-old.csr"
cp "$O/issuing.key" "$O/issuing-old.key"
sign issuing-old root issuing "-6 years" "-10 days"
sign selfsigned self selfsigned "-1 day" "+397 days"
sign wrongname issuing wrongname "-1 day" "+397 days"
sign wildcard issuing wildcard "-1 day" "+397 days"
sign ip issuing ip "-1 day" "+397 days"
sign expired issuing mail "-400 days" "-35 days"
sign notyet issuing mail "+30 days" "+400 days"
sign expiring issuing mail "-355 days" "+10 days"
sign sha1 issuing mail "-1 day" "+397 days" -md sha1
sign rsa1024 issuing mail "-1 day" "+397 days"
sign clientauth issuing clientauth "-1 day" "+397 days"
sign notca-issuer issuing notca_issuer "-1 day" "+397 days"
sign notca-leaf notca-issuer notca_leaf "-1 day" "+397 days"
sign nosan issuing nosan "-1 day" "+397 days"
sign private-root self private_root "-3 years" "+17 years"
sign private-server private-root private_server "-1 day" "+397 days"
openssl x509 -req -in "$W/v1-selfsigned.csr" -signkey "$O/v1-selfsigned.key" \
    -days 397 -out "$O/v1-selfsigned.pem" 2>/dev/null
sign kcs-selfsigned self kcs_selfsigned "-1 day" "+397 days"
sign ca-nokcs self ca_nokcs "-1 day" "+10 years"
sign critext-root self critext_root "-1 day" "+10 years"
sign weak-root self private_root "-1 day" "+10 years"
sign expired-root self private_root "-2 years" "-10 days"
# Change one byte of the root's signature (its last byte).
openssl x509 -in "$O/root.pem" -outform DER -out "$W/badsig.der"
perl -0777 -pi -e 'substr($_, -1, 1) ^= "\x01"' "$W/badsig.der"
openssl x509 -inform DER -in "$W/badsig.der" -out "$O/badsig-root.pem"

for n in server selfsigned wrongname wildcard ip expired notyet expiring \
    sha1 rsa1024 clientauth nosan; do
	case $n in
	selfsigned) cat "$O/$n.pem" ;;
	*) cat "$O/$n.pem" "$O/issuing.pem" ;;
	esac >"$O/$n-chain.pem"
done
cat "$O/notca-leaf.pem" "$O/notca-issuer.pem" "$O/issuing.pem" \
    >"$O/notca-leaf-chain.pem"
cp "$O/private-server.pem" "$O/private-server-chain.pem"
cat "$O/server-chain.pem" "$O/root.pem" >"$O/server-full.pem"
cat "$O/server.pem" "$O/issuing-old.pem" >"$O/server-oldca-chain.pem"

openssl x509 -in "$O/server.pem" -outform DER -out "$O/server.der"
openssl crl2pkcs7 -nocrl -certfile "$O/server-chain.pem" -outform DER \
    -out "$O/server-chain.p7b"
openssl pkcs12 -export -passout pass: -inkey "$O/server.key" \
    -in "$O/server-chain.pem" -out "$O/server.p12"
openssl x509 -in "$O/root.pem" -outform DER -out "$O/aia/root.crt"
openssl x509 -in "$O/issuing.pem" -outform DER -out "$O/aia/issuing.crt"
openssl crl2pkcs7 -nocrl -certfile "$O/issuing.pem" -outform DER \
    -out "$O/aia/issuing.p7c"
openssl ca -config "$W/ca.cnf" -gencrl -cert "$O/root.pem" \
    -keyfile "$O/root.key" 2>/dev/null |
    openssl crl -outform DER -out "$O/aia/CertEnroll/Contoso Root CA.crl"
openssl ca -config "$W/ca.cnf" -gencrl -cert "$O/issuing.pem" \
    -keyfile "$O/issuing.key" 2>/dev/null |
    openssl crl -outform DER \
    -out "$O/aia/CertEnroll/Contoso Issuing CA 01.crl"
echo "AIA_BASE=$AIA_BASE" >"$O/pki.env"
