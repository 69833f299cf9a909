# linux.profile - Linux: each root as a PEM .crt for the system trust store
#
# Format: see trustfix-bundle(1), section "DEVICE PROFILES".
name = linux
title = Linux servers and desktops
output = pem .crt

[instructions]
Files in this folder:
  @FILES@

With trustfix on the machine (any distribution; it picks the right
store, refreshes it, and checks that OpenSSL and p11-kit see the root):

    sudo trustfix import FILE.crt
    trustfix list

Or by hand, as root:

- Debian, Ubuntu:

    cp FILE.crt /usr/local/share/ca-certificates/
    update-ca-certificates

- Fedora, RHEL, CentOS Stream, Rocky, AlmaLinux:

    cp FILE.crt /etc/pki/ca-trust/source/anchors/
    update-ca-trust extract

- SUSE: copy to /etc/pki/trust/anchors/ and run update-ca-certificates.

Check: openssl s_client -connect SERVER:443 -verify_return_error
</dev/null ends with "Verify return code: 0 (ok)".

Firefox and Java keep their own lists of roots: see the firefox and java
folders of this bundle.

Fingerprints: openssl x509 -in FILE.crt -noout -fingerprint -sha256 prints
"sha256 Fingerprint=" and -sha1 "SHA1 Fingerprint=", as uppercase pairs
with colons: compare them with the second line of SHA-256 and SHA-1
below. trustfix list prints both in lowercase, without colons.
