#!/bin/sh
# seeds.sh - write seed corpora for the fuzz harnesses, made from tests/pki.sh.
#
# Usage: tests/fuzz/seeds.sh OUTDIR
# Writes OUTDIR/load (PEM, DER, PKCS#7, PKCS#12, zip, tar),
# OUTDIR/target, OUTDIR/starttls, OUTDIR/names (a host name and SAN
# dNSNames), OUTDIR/devprofile (bundles/*.profile) and OUTDIR/aia (DER,
# PEM, PKCS#7).  Nothing binary is kept in git.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
mkdir -p "$out/pki" "$out/load" "$out/target" "$out/starttls" \
    "$out/names" "$out/devprofile" "$out/aia"
"$top/tests/pki.sh" "$out/pki" >/dev/null

for f in "$out"/pki/*.pem; do
	n=$(basename "$f" .pem)
	case $f in *chain.pem|*full.pem) cp "$f" "$out/load/$n.pem"; continue ;; esac
	grep -q "BEGIN CERTIFICATE" "$f" || continue
	cp "$f" "$out/load/$n.pem"
	openssl x509 -in "$f" -outform der -out "$out/load/$n.der"
done
cp "$out"/pki/*.p7b "$out"/pki/*.p12 "$out/load/"
cp "$out"/pki/aia/*.p7c "$out/load/" 2>/dev/null || true
(cd "$out/load" && tar cf ../pki.tar server.pem root.der server-chain.p7b &&
    python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED)
for n in sys.argv[2:]:
	z.write(n)' ../pki.zip server.der issuing.pem server.p12)
mv "$out/pki.tar" "$out/pki.zip" "$out/load/"

# TARGET, --sni and --connect, NUL-separated.
i=0
for t in mail.contoso.test https://mail.contoso.test:8443/x \
    'smtp://[::1]:25' imaps://127.0.0.1 'pop3://a.b' ldaps://h:636 \
    'h:1\0sni.test\0c.test:2' 'https://[fe80::1%25eth0]/\0\0[::1]:443' \
    ./file.pem; do
	i=$((i + 1))
	printf '%b' "$t" >"$out/target/$i"
done

# A proto byte (0 SMTP, 1 IMAP, 2 POP3), then what the server says.
printf '\000220 mx ESMTP\r\n250-mx\r\n250 STARTTLS\r\n220 go\r\n' \
    >"$out/starttls/smtp"
printf '\001* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\na1 OK go\r\n' \
    >"$out/starttls/imap"
printf '\001* OK hi\r\n* CAPABILITY IMAP4 STARTTLS\r\na0 OK\r\na1 NO\r\n' \
    >"$out/starttls/imap2"
printf '\002+OK POP3\r\n+OK go\r\n' >"$out/starttls/pop3"

# The name asked for, then the certificate's dNSNames, NUL-separated.
i=0
for t in 'mail.contoso.test\0mail.contoso.test' \
    'x.contoso.test\0*.contoso.test\0contoso.test' \
    'MAIL.Contoso.Test.\0mail.contoso.test' 'a.b.test\0*.test' \
    'xn--bcher-kva.test\0*.test\0*.xn--bcher-kva.test' \
    'a.b.c.test\0*.c.test\0f*.b.c.test' 'host_1.corp.test\0*.corp.test'; do
	i=$((i + 1))
	printf '%b' "$t" >"$out/names/$i"
done

cp "$top"/bundles/*.profile "$out/devprofile/"

# What a caIssuers URL may answer.
cp "$out/load/issuing.der" "$out/load/root.der" "$out/load/issuing.pem" \
    "$out/load/server-chain.p7b" "$out/aia/"
cp "$out"/pki/aia/*.p7c "$out/aia/" 2>/dev/null || true
