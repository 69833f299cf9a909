#!/bin/bash
# deb-package.sh - the .deb builds, is lintian-clean, and works on a bare
# Debian 12 once apt installed it there.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"
. "$TOP_SRCDIR/tests/deb-lib.sh"

# Building a package and a Debian root takes minutes and root: CI runs it,
# elsewhere TRUSTFIX_DEB_TESTS=1 asks for it.
[ -n "${CI:-}" ] || [ "${TRUSTFIX_DEB_TESTS:-0}" = 1 ] ||
    skip_all "builds a .deb and a Debian root: set TRUSTFIX_DEB_TESTS=1 (CI does)"
deb_need

start=$(date +%s)
deb_build
r=$?
ok $r "dpkg-buildpackage -us -uc -b builds the package"
[ $r -eq 0 ] || done_testing
echo "# built in $(($(date +%s) - start)) s: ${DEB##*/}"

dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T/contents"
for f in /usr/bin/trustfix /usr/share/man/man1/trustfix.1.gz \
    /usr/share/man/man1/trustfix-import.1.gz \
    /usr/share/trustfix/bundles/ios.profile \
    /usr/share/bash-completion/completions/trustfix \
    /usr/share/doc/trustfix/copyright; do
	grep -qx -- "$f" "$T/contents"
	ok $? "the package holds $f"
done
pages=$(ls "$TOP_SRCDIR"/man/*.1 | wc -l)
is "$(grep -c '^/usr/share/man/man1/.*\.1\.gz$' "$T/contents")" "$pages" \
    "the package holds every man page"
dpkg-deb --fsys-tarfile "$DEB" |
    tar -xOf - ./usr/share/bash-completion/completions/trustfix |
    grep -q 'TRUSTFIX_BUNDLES_DIR:-/usr/share/trustfix/bundles}'
ok $? "the packaged completion reads the packaged device profiles"

if command -v lintian >/dev/null; then
	lintian "$DEB" >"$T/lintian" 2>&1
	sed 's/^/# lintian: /' "$T/lintian"
	is "$(grep -c '^E: ' "$T/lintian")" 0 "lintian reports no error"
else
	skip_one "lintian not installed"
fi

R=$T/root
deb_root_installed "$R"
r=$?
ok $r "apt installs the package into a bare Debian 12 root"
[ $r -eq 0 ] || done_testing
sed -n 's/^\(Setting up .*\)/# apt: \1/p' "$DEB_CACHE/apt.log"

run in_root "$R" trustfix --version
is "$rc" 0 "trustfix --version runs there"
like "$out" "^trustfix $(dpkg-deb -f "$DEB" Version)" "and names the package's version"

run in_root "$R" man -P cat trustfix
is "$rc" 0 "man trustfix runs there"
like "$out" "trustfix diagnose" "and shows the page"
run in_root "$R" man -w trustfix-import
like "$out" '^/usr/share/man/man1/trustfix-import\.1\.gz$' \
    "man finds the command pages"

# diagnose a server on the host's loopback, which the chroot shares.
"$TOP_SRCDIR/tests/pki.sh" "$T/pki" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
peer start_s_server "$T/pki/server-chain.pem" "$T/pki/server.key"
cp "$T/pki/root.pem" "$R/tmp/root.pem"
URL=https://127.0.0.1:$S_SERVER_PORT
run in_root "$R" trustfix diagnose "$URL" --name mail.contoso.test --no-aia --json
is "$rc" 1 "diagnose there: the enterprise root is not trusted (exit 1)"
jq_is '[.findings[].id] | index("untrusted-root") != null' true \
    "with the untrusted-root finding"
run in_root "$R" trustfix diagnose "$URL" --name mail.contoso.test --no-aia \
    --trust /tmp/root.pem --json
is "$rc" 0 "with the root as anchor it is trusted (exit 0)"
jq_is .verdict trusted "verdict: trusted"

# The root's own store: ca-certificates, update-ca-certificates, p11-kit.
run in_root "$R" trustfix import --yes /tmp/root.pem
is "$rc" 0 "import into that root's system store"
run in_root "$R" trustfix diagnose "$URL" --name mail.contoso.test --no-aia
is "$rc" 0 "then diagnose trusts the server with the system store"
run in_root "$R" trustfix bundle /tmp/root.pem --device all -o /tmp/b.zip
is "$rc" 0 "bundle --device all reads the packaged profiles"

echo "# deb-package.sh took $(($(date +%s) - start)) s"
done_testing
