#!/bin/bash
# store-cacerts.sh - the ca-certificates backend end to end, in a private
# mount namespace with the real update-ca-certificates and p11-kit.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/store-lib.sh"
need openssl jq trust update-ca-certificates
ns_enter "$@"
ns_debian || skip_all "cannot build the sandbox of mounts"

P=$T/pki
"$TOP_SRCDIR/tests/pki.sh" "$P" >/dev/null 2>&1 || skip_all "tests/pki.sh failed"
L=/usr/local/share/ca-certificates
hex() {
	openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//' |
	    tr -d : | tr 'A-F' 'a-f'
}
ours() { ls "$L" | grep -c '^trustfix-.*\.crt$'; }
# The client views: OpenSSL's default store, and p11-kit's trust module.
ossl_sees() {
	openssl verify -untrusted "$P/issuing.pem" "$P/server.pem" \
	    >/dev/null 2>&1 && echo yes || echo no
}
p11_sees() {
	trust list --filter=ca-anchors | grep -q "label: Contoso Root CA$" &&
	    echo yes || echo no
}
ROOT=$(hex "$P/root.pem")

tf list --json
is "$rc" 0 "list on the system store"
json_one "list --json is one document"
jq_is .store.backend ca-certificates "auto picks ca-certificates (read-only token)"
jq_is .store.location "$L" "the local anchor directory"
jq_is '[.anchors[] | select(.distribution)] | length' 0 \
    "the distribution's anchors are left out by default"
tf list --all --json
n=$(printf '%s' "$out" | jq '[.anchors[] | select(.distribution)] | length')
[ "${n:-0}" -gt 50 ]
ok $? "--all lists the distribution's anchors too ($n)"
DIST=$(printf '%s' "$out" | jq -r '[.anchors[] | select(.distribution)][0].sha256')

# --- refusals ----------------------------------------------------------
is "$(ossl_sees)/$(p11_sees)" "no/no" "before: no client trusts the root"
run "$TRUSTFIX" import "$P/root.pem" </dev/null
is "$rc" 1 "no --yes without a terminal: refused"
tf import --yes --expect-sha256 "$(hex "$P/issuing.pem")" "$P/root.pem"
is "$rc" 1 "--expect-sha256 mismatch: refused"
tf import --yes "$P/server.pem"
is "$rc" 1 "a non-CA certificate: refused"
is "$(ours)" 0 "the refusals wrote nothing"
chmod 755 "$T" "$P"
chmod 644 "$P"/*.pem
run as_nobody trustfix \
    import --yes "$P/root.pem"
is "$rc" 5 "a normal user cannot change the system store: exit 5"
like "$err" "run as root, or use --store DIR" "and is told what to do"

# --- import -------------------------------------------------------------
tf import --dry-run "$P/root.pem"
is "$rc" 0 "import --dry-run"
like "$out" "^would write $L/trustfix-Contoso_Root_CA-${ROOT:0:8}\.crt into the ca-certificates store $L, then run update-ca-certificates \(dry run: nothing changed\)$" \
    "--dry-run names the file, the store and the refresh command"
is "$(ours)" 0 "--dry-run wrote nothing"
upper=$(printf '%s' "$ROOT" | tr a-f A-F | sed 's/../&:/g; s/:$//')
tf import --yes --purpose server-auth "$P/root.pem"
is "$rc" 1 "--purpose: refused (this backend cannot carry it), even with --yes"
like "$err" "cannot restrict an anchor to a purpose.*every purpose" \
    "--purpose: says why"
is "$(ours)/$(ossl_sees)" 0/no "--purpose: nothing was written"
tf import --yes --expect-sha256 "$upper" --json "$P/root.pem"
is "$rc" 0 "import with the expected fingerprint (upper case, colons)"
jq_is '.anchors[0].changed' true "changed: true"
jq_is '.anchors[0].verified' true "verified by p11-kit and OpenSSL"
is "$(ours)" 1 "one trustfix-*.crt in the local anchor directory"
f=$(ls "$L"/trustfix-*.crt 2>/dev/null | head -n 1)
is "$(head -n 1 "$f")" "# Imported by trustfix; SHA-256 $ROOT" \
    "its first line says trustfix wrote it, and for which certificate"
is "$(sed -n 2p "$f")" "-----BEGIN CERTIFICATE-----" "written as PEM, not DER"
is "$(stat -c %a "$f")" 644 "mode 644"
is "$(ossl_sees)/$(p11_sees)" "yes/yes" "after: OpenSSL and p11-kit trust it"
name=$(basename "$f" .crt)
is "$name" "trustfix-Contoso_Root_CA-${ROOT:0:8}" \
    "the file is the one --dry-run named"
like "$(cat "$T/hook.log")" "^\+/etc/ssl/certs/$name\.pem$" \
    "the hooks were told +$name.pem"

bundle_before=$(stat -c %Y.%s /etc/ssl/certs/ca-certificates.crt)
tf import --yes --json "$P/root.pem"
is "$rc" 0 "importing again exits 0"
jq_is '.anchors[0].changed' false "changed: false"
tf import --yes "$P/root.pem"
like "$out" "already trusted, nothing changed" "and says so"
is "$(stat -c %Y.%s /etc/ssl/certs/ca-certificates.crt)" "$bundle_before" \
    "the bundle was not rewritten"

tf list --json
jq_is '.anchors[] | select(.sha256 == "'"$ROOT"'") | .trustfix' true \
    "list marks it as trustfix's own"

# --- removal refusals -------------------------------------------------
cp "$P/selfsigned.pem" "$L/admin-own.crt"
update-ca-certificates >/dev/null 2>&1
tf remove --yes "$(hex "$P/selfsigned.pem")"
is "$rc" 1 "an anchor the admin added: refused without --force"
# A file placed by hand under a trustfix- name, or one whose mark names
# another certificate, is not trustfix's: the name alone proves nothing.
cp "$P/private-root.pem" "$L/trustfix-handmade.crt"
{ echo "# Imported by trustfix; SHA-256 $ROOT"; cat "$P/issuing.pem"; } \
    >"$L/trustfix-copied-mark.crt"
update-ca-certificates >/dev/null 2>&1
for c in private-root issuing; do
	tf remove --yes "$(hex "$P/$c.pem")"
	is "$rc" 1 "$c under a trustfix- name, not written by trustfix: refused"
	like "$err" "not one trustfix imported.*--force" "and says so"
	tf list --json
	jq_is '.anchors[] | select(.sha256 == "'"$(hex "$P/$c.pem")"'") |
	    .trustfix' false "list does not call $c trustfix's"
done
rm -f "$L/trustfix-handmade.crt" "$L/trustfix-copied-mark.crt"
update-ca-certificates --fresh >/dev/null 2>&1
tf remove --yes "$DIST"
is "$rc" 1 "a distribution anchor: refused without --force"
like "$err" "distribution anchor.*--force" "and says so"

# --- remove -------------------------------------------------------------
: >"$T/hook.log"
tf remove --yes --json "${ROOT:0:10}"
is "$rc" 0 "remove by prefix"
jq_is '.anchors[0].changed' true "changed: true"
is "$(ours)" 0 "the .crt is gone"
is "$(find /etc/ssl/certs -lname "*$name*" | wc -l)" 0 \
    "its links in /etc/ssl/certs are gone"
is "$(find /etc/ssl/certs -xtype l | wc -l)" 0 "no dangling link is left"
is "$(ossl_sees)/$(p11_sees)" "no/no" "no client trusts it any more"
like "$(cat "$T/hook.log")" "^-/etc/ssl/certs/$name\.pem$" \
    "the hooks were told -$name.pem"
is "$(ls -a "$L" | grep -c removing)" 0 "no removal journal is left"

# --- a hook that fails, babbling escapes: warned about, escaped --------
H=/etc/ca-certificates/update.d/zz-babble
printf '#!/bin/sh\ncat >/dev/null\nprintf "\\033]0;owned\\007first\\n\\nsecond\\n"\nexit 3\n' >"$H"
chmod 755 "$H"
tf import --yes "$P/root.pem"
is "$rc" 0 "a failing hook does not fail the import (update-ca-certificates ignores it)"
tf remove --yes "$ROOT"
is "$rc" 0 "nor the removal"
like "$err" "the hook $H failed: \\\\x1b\]0;owned\\\\x07first; second" \
    "the removal warns with what the hook said, escaped, on one line"
unlike "$err" "$(printf '\033')" "no raw escape reaches the terminal"
rm -f "$H"

# --- --force on a distribution anchor deselects it ---------------------
n=$(grep -c '^!' /etc/ca-certificates.conf)
tf remove --yes --force "$DIST"
is "$rc" 0 "--force removes a distribution anchor"
is "$(grep -c '^!' /etc/ca-certificates.conf)" "$((n + 1))" \
    "by deselecting it in ca-certificates.conf"
tf list --all --json
jq_is '[.anchors[] | select(.sha256 == "'"$DIST"'")] | length' 0 \
    "p11-kit no longer lists it"
# The line deselected is the last one and has no newline.
last=$(grep -v '^[#!]' /etc/ca-certificates.conf | grep . | tail -n 1)
D2=$(hex "/usr/share/ca-certificates/$last")
{ grep -vxF -- "$last" /etc/ca-certificates.conf; printf '%s' "$last"; } \
    >"$T/conf"
cat "$T/conf" >/etc/ca-certificates.conf
tf remove --yes --force "$D2"
is "$rc" 0 "--force on the last line of ca-certificates.conf, no newline"
is "$(tail -n 1 /etc/ca-certificates.conf)" "!$last" "deselects that line"
[ -z "$(tail -c 1 /etc/ca-certificates.conf)" ]
ok $? "and ends it with a newline"

# --- 8 concurrent imports: none lost --------------------------------------
concurrent_roots
pids=""
for i in 1 2 3 4 5 6 7 8; do
	"$TRUSTFIX" import --yes "$T/r$i.pem" >"$T/c$i.out" 2>&1 &
	pids="$pids $!"
done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
is "$fails" 0 "8 concurrent imports exit 0"
is "$(ours)" 8 "8 anchor files"
n=$(trust list --filter=ca-anchors | grep -c 'label: Concurrent Root')
is "$n" 8 "p11-kit sees all 8"
n=0
for i in 1 2 3 4 5 6 7 8; do
	openssl verify "$T/r$i.pem" >/dev/null 2>&1 && n=$((n + 1))
done
is "$n" 8 "OpenSSL's default store has all 8"

# --- a crash at each fault point leaves the clients' view whole ---------
TRUSTFIX_FAULT=after-write "$TRUSTFIX" import --yes "$P/root.pem" \
    >/dev/null 2>&1
frc=$?
if [ "$frc" != 99 ]; then
	skip_one "built without --enable-fault-injection"
else
	for point in after-write after-rename; do
		[ "$point" = after-write ] || {
			TRUSTFIX_FAULT=$point "$TRUSTFIX" import --yes \
			    "$P/root.pem" >/dev/null 2>&1
			frc=$?
		}
		is "$frc" 99 "import crashed at $point"
		is "$(ossl_sees)/$(p11_sees)" no/no \
		    "$point: the clients see the store as before"
		ls "$L" | grep -q '^trustfix-Contoso.*\.crt$' &&
		    tail -n 1 "$L"/trustfix-Contoso*.crt | grep -q END
		r=$?
		[ "$point" = after-write ] && r=$((!r))
		ok $r "$point: the anchor file is whole or absent"
		tf import --yes "$P/root.pem"
		is "$rc" 0 "$point: running import again completes it"
		is "$(ossl_sees)/$(p11_sees)" yes/yes "$point: now as after"
		is "$(ls -a "$L" | grep -c '^\.trustfix-tmp')" 0 \
		    "$point: no temporary file is left"
		tf remove --yes "$ROOT"
	done
	for point in after-rename after-links after-refresh after-hooks; do
		tf import --yes "$P/root.pem"
		: >"$T/hook.log"
		TRUSTFIX_FAULT=$point "$TRUSTFIX" remove --yes "$ROOT" \
		    >/dev/null 2>&1
		is "$?" 99 "remove crashed at $point"
		v="$(ossl_sees)/$(p11_sees)"
		[ "$v" = yes/yes ] || [ "$v" = no/no ]
		ok $? "$point: both clients agree ($v)"
		if [ "$v" = yes/yes ]; then
			tf list --json
			jq_is "[.anchors[] | select(.sha256 == \"$ROOT\")
			    | .trustfix] | .[0]" true \
			    "$point: list shows the root, still trustfix's"
			tf remove --yes --dry-run --json "$ROOT"
			is "$rc" 0 "$point: remove --dry-run accepts it"
			jq_is '.anchors[0].changed' true \
			    "$point: and says the removal would change the store"
		fi
		tf import --yes "$T/r1.pem"
		is "$rc" 0 "$point: the next change runs"
		is "$(ossl_sees)/$(p11_sees)" no/no \
		    "$point: and the removal is complete"
		grep -q "^-/etc/ssl/certs/$name\.pem$" "$T/hook.log"
		ok $? "$point: the hooks were told"
		is "$(find /etc/ssl/certs -xtype l | wc -l)" 0 \
		    "$point: no dangling link"
		is "$(ls -a "$L" | grep -c removing)" 0 \
		    "$point: no removal journal is left"
	done
fi

# The refresh is the system's update-ca-certificates (and openssl), even
# when the caller's PATH names others first: root runs them.
mkdir -p "$T/evil"
for p in update-ca-certificates openssl; do
	printf '#!/bin/sh\n: >"%s/evil/ran-%s"\nexit 0\n' "$T" "$p" \
	    >"$T/evil/$p"
	chmod 755 "$T/evil/$p"
done
PRIV=$(hex "$P/private-root.pem")
PATH="$T/evil:$PATH" run "$TRUSTFIX" import --yes "$P/private-root.pem"
is "$rc" 0 "a PATH with other refresh tools first: the import works"
is "$(ls "$T/evil" | grep -c '^ran-')" 0 \
    "and runs none of the tools the caller's PATH put first"
openssl verify -no-CApath -CAfile /etc/ssl/certs/ca-certificates.crt \
    "$P/private-root.pem" >/dev/null 2>&1
ok $? "the system's update-ca-certificates put it in the bundle"
PATH="$T/evil:$PATH" run "$TRUSTFIX" remove --yes "$PRIV"
is "$rc" 0 "the removal, the same way"
is "$(ls "$T/evil" | grep -c '^ran-')" 0 "still none of them ran"

done_testing
