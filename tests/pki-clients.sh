#!/bin/bash
# pki-clients.sh - test chains on which real TLS clients disagree.
#
# Usage: tests/pki-clients.sh OUTDIR
#
# Each case is a directory OUTDIR/CASE holding chain.pem (what the server
# sends, leaf first), trust.pem (the anchors) and name (the host name the
# client asks for).  The cases are the shapes on which OpenSSL, .NET,
# GnuTLS, NSS, Java and Go answer differently:
#
#   ok                   root -> issuing -> leaf, all as the standards want
#   xsign-expired-root   the anchors hold an expired root and a valid one;
#                        the server sends the expired root's valid
#                        cross-certificate from the other root
#   intermediate-anchor  the only anchor is the issuing CA (not a root)
#   v1-root              the root is an X.509 v1 certificate
#   ca-no-aki            the issuing CA has no authorityKeyIdentifier
#   ca-no-ku             the issuing CA has no keyUsage
#   bc-noncritical       the CAs' basicConstraints are not critical
#   sha1-root            the root signs itself with SHA-1
#   ip-san-cn-host       subjectAltName holds an IP only; the CN the host
#   cn-only              no subjectAltName; the CN carries the host
#   sha1-leaf            the issuing CA signs the leaf with SHA-1
#   notca-issuer         the leaf's issuer says CA:FALSE
#
# Keys are EC P-256.  Every leaf has EKU serverAuth and digitalSignature.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: pki-clients.sh OUTDIR" >&2
	exit 2
fi
O=$1
W=$(mktemp -d "${TMPDIR:-/tmp}/pki-clients.XXXXXX")
trap 'rm -rf "$W"' EXIT
export OPENSSL_CONF=/dev/null
NAME=mail.contoso.test

when() {
	date -u -d "$1" +%Y%m%d%H%M%SZ
}

cat >"$W/ca.cnf" <<EOF
[ca]
default_ca = ca_default
[ca_default]
database = $W/index.txt
new_certs_dir = $W
serial = $W/serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
EOF
: >"$W/index.txt"
echo 01 >"$W/serial"

cat >"$W/ext.cnf" <<EOF
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca_no_aki]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca_no_ku]
basicConstraints = critical, CA:TRUE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[root_bc]
basicConstraints = CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ca_bc]
basicConstraints = CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[notca]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$NAME
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf_ip]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
authorityKeyIdentifier = keyid
[leaf_nosan]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
EOF

# key NAME SUBJECT: a key and a request.
key() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
	    -keyout "$W/$1.key" -out "$W/$1.csr" -subj "$2" 2>/dev/null
}

# sign NAME ISSUER SECTION FROM UNTIL [ca args...]; ISSUER self: itself.
sign() {
	local n=$1 i=$2 s=$3 from=$4 until=$5 how
	shift 5
	if [ "$i" = self ]; then
		how="-selfsign -keyfile $W/$n.key"
	else
		how="-cert $W/$i.pem -keyfile $W/$i.key"
	fi
	openssl ca -config "$W/ca.cnf" -batch -notext -preserveDN \
	    -rand_serial $how -in "$W/$n.csr" -out "$W/$n.pem" \
	    -extfile "$W/ext.cnf" -extensions "$s" \
	    -startdate "$(when "$from")" -enddate "$(when "$until")" \
	    "$@" 2>"$W/$n.err" || { cat "$W/$n.err" >&2; return 1; }
}

# leaf NAME ISSUER [SECTION [CN]]: a server certificate of ISSUER.
leaf() {
	key "$1" "/CN=${4:-$NAME}"
	sign "$1" "$2" "${3:-leaf}" "-1 day" "+397 days"
}

# ca NAME SUBJECT ISSUER SECTION [FROM UNTIL [ca args...]]
ca() {
	local n=$1 subj=$2 i=$3 s=$4 from=${5:--2 years} until=${6:-+8 years}
	shift 4
	shift $(($# < 2 ? $# : 2))
	key "$n" "$subj"
	sign "$n" "$i" "$s" "$from" "$until" "$@"
}

# out CASE CHAIN... -- TRUST...: write the case.
out() {
	local c=$1 f
	shift
	mkdir -p "$O/$c"
	: >"$O/$c/chain.pem"
	while [ "$1" != -- ]; do
		cat "$W/$1.pem" >>"$O/$c/chain.pem"
		shift
	done
	shift
	: >"$O/$c/trust.pem"
	for f; do
		cat "$W/$f.pem" >>"$O/$c/trust.pem"
	done
	echo "$NAME" >"$O/$c/name"
}

ca root "/CN=Clients Root CA" self root "-3 years" "+17 years"
ca issuing "/CN=Clients Issuing CA" root ca
leaf server issuing
out ok server issuing -- root
out intermediate-anchor server issuing -- issuing

# The old root expired; its key was cross-certified by a newer root.
ca oldroot "/CN=Clients Old Root CA" self root "-20 years" "-2 days"
ca newroot "/CN=Clients New Root CA" self root "-3 years" "+17 years"
cp "$W/oldroot.key" "$W/oldcross.key"
openssl req -new -key "$W/oldcross.key" -out "$W/oldcross.csr" \
    -subj "/CN=Clients Old Root CA" 2>/dev/null
sign oldcross newroot ca "-1 year" "+5 years"
# The issuing CA, signed with the old root's key (the cross-certificate
# names the same subject and key).
key oldissuing "/CN=Clients Old Issuing CA"
sign oldissuing oldcross ca "-1 year" "+4 years"
leaf xserver oldissuing
out xsign-expired-root xserver oldissuing oldcross -- oldroot newroot

# An X.509 v1 root (no extensions at all).
key v1root "/CN=Clients V1 Root CA"
openssl x509 -req -in "$W/v1root.csr" -signkey "$W/v1root.key" \
    -days 3650 -out "$W/v1root.pem" 2>/dev/null
ca v1issuing "/CN=Clients V1 Issuing CA" v1root ca_no_aki
leaf v1server v1issuing
out v1-root v1server v1issuing -- v1root

ca noaki "/CN=Clients No AKI CA" root ca_no_aki
leaf noakiserver noaki
out ca-no-aki noakiserver noaki -- root

ca noku "/CN=Clients No keyUsage CA" root ca_no_ku
leaf nokuserver noku
out ca-no-ku nokuserver noku -- root

ca bcroot "/CN=Clients BC Root CA" self root_bc "-3 years" "+17 years"
ca bcissuing "/CN=Clients BC Issuing CA" bcroot ca_bc
leaf bcserver bcissuing
out bc-noncritical bcserver bcissuing -- bcroot

ca sha1root "/CN=Clients SHA-1 Root CA" self root "-3 years" "+17 years" \
    -md sha1
ca sha1issuing "/CN=Clients SHA-1 Issuing CA" sha1root ca
leaf sha1server sha1issuing
out sha1-root sha1server sha1issuing -- sha1root

leaf ipserver issuing leaf_ip
out ip-san-cn-host ipserver issuing -- root

leaf cnserver issuing leaf_nosan
out cn-only cnserver issuing -- root

key sha1server "/CN=$NAME"
sign sha1server issuing leaf "-1 day" "+397 days" -md sha1
out sha1-leaf sha1server issuing -- root

ca notca "/CN=Clients Web Servers" issuing notca
leaf notcaserver notca
out notca-issuer notcaserver notca issuing -- root
