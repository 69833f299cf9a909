#!/bin/bash
# lazyarchive.sh - libarchive is loaded only when an archive is read,
# libldap only for an ldap:// URL (tests/diagnose-ldap.sh reads them),
# libxml2 only for the CRM E-mail Router's configuration (tests/scan-from.sh).
. "$TOP_SRCDIR/tests/lib.sh"

need openssl python3
cd "$T" || exit 1
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout key.pem -out cert.pem -subj /CN=lazy.example -days 30 \
    >openssl.log 2>&1 || skip_all "openssl req failed: $(tail -n 1 openssl.log)"
"$T_PYTHON" -c 'import zipfile
zipfile.ZipFile("certs.zip", "w", zipfile.ZIP_DEFLATED).write("cert.pem")' ||
    skip_all "python3 cannot write a zip file"

# The dynamic loader names each library it maps (glibc's LD_DEBUG).
run env LD_DEBUG=files "$TRUSTFIX" --version
printf '%s\n' "$err" | grep -q 'file=libc\.so' ||
    skip_all "the dynamic loader does not report with LD_DEBUG=files"
is "$rc" 0 "--version: exit 0"
unlike "$err" 'file=libarchive\.' "--version does not load libarchive"
unlike "$err" 'file=libldap' "--version does not load libldap"
unlike "$err" 'file=libgnutls' "nor GnuTLS, which libldap pulls in"
unlike "$err" 'file=libxml2' "nor libxml2 (only scan --from crm reads XML)"

run env LD_DEBUG=files "$TRUSTFIX" inspect cert.pem
is "$rc" 0 "inspect PEM: exit 0"
unlike "$err" 'file=libarchive\.' "inspect of a PEM file does not load libarchive"

run env LD_DEBUG=files "$TRUSTFIX" inspect certs.zip
is "$rc" 0 "inspect zip: exit 0"
like "$out" 'lazy\.example' "inspect zip: the certificate inside is read"
like "$err" 'file=libarchive\.' "inspect of a zip file loads libarchive"

done_testing
