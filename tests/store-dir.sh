#!/bin/bash
# store-dir.sh - import, list and remove with a directory store (--store DIR).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/store-lib.sh"
need openssl jq

P=$T/pki
"$TOP_SRCDIR/tests/pki.sh" "$P" >/dev/null 2>&1 || skip_all "tests/pki.sh failed"
S=$T/store
fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }
hex() { fp "$1" | tr -d : | tr 'A-F' 'a-f'; }
# sha1 FILE: the SHA-1 "Thumbprint" as Windows shows it (uppercase, no colons).
sha1() { openssl x509 -in "$1" -noout -fingerprint -sha1 | sed 's/.*=//' |
    tr -d :; }
objects() { ls "$S" 2>/dev/null | grep -c '\.p11-kit$'; }
ROOT=$(hex "$P/root.pem")

# --- refusals: each exits 1 and changes nothing ----------------------------
run "$TRUSTFIX" import --store "$S" "$P/root.pem" </dev/null
is "$rc" 1 "no --yes with stdin not a terminal: refused"
like "$err" "not a terminal.*--yes" "the refusal says to pass --yes"
like "$out" "sha256:  $ROOT" "the fingerprint is shown before the refusal"
is "$(objects)" 0 "and nothing was written"

# On a terminal the question is asked; any answer but y changes nothing.
if command -v script >/dev/null 2>&1; then
	out=$(echo n | script -qec "'$TRUSTFIX' import --store '$S' \
	    '$P/root.pem'" /dev/null 2>&1)
	is "$?" 1 "a terminal answering n: refused"
	like "$out" "Trust this certificate in $S\\? \\[y/N\\]" \
	    "the question names the certificate and the store"
	like "$out" "not confirmed; nothing changed" "and says so"
	is "$(objects)" 0 "and nothing was written"
fi

tf import --store "$S" --yes --expect-sha256 "$(hex "$P/issuing.pem")" \
    "$P/root.pem"
is "$rc" 1 "--expect-sha256 with another fingerprint: refused"
like "$err" "refused: the certificate's SHA-256 is $ROOT" "and says which"
is "$(objects)" 0 "and nothing was written"

# --- --expect-sha1: the Thumbprint AD CS and Windows show ------------------
tf import --store "$S" --yes --expect-sha1 "$(sha1 "$P/issuing.pem")" \
    "$P/root.pem"
is "$rc" 1 "--expect-sha1 with another thumbprint: refused"
ROOT1=$(certfp sha1 "$P/root.pem")
like "$err" "refused: the certificate's SHA-1 is $ROOT1" "and says which"
like "$out" "^sha1: +$ROOT1$" "the SHA-1 is shown beside the SHA-256"
is "$(objects)" 0 "and nothing was written"
tf import --store "$S" --yes --expect-sha1 "$(sha1 "$P/root.pem")" \
    --expect-sha256 "$(hex "$P/issuing.pem")" "$P/root.pem"
is "$rc" 1 "both given, the SHA-1 right and the SHA-256 wrong: refused"
is "$(objects)" 0 "and nothing was written"
tf import --store "$S" --yes --expect-sha256 "$(hex "$P/root.pem")" \
    --expect-sha1 "$(sha1 "$P/issuing.pem")" "$P/root.pem"
is "$rc" 1 "both given, the SHA-256 right and the SHA-1 wrong: refused"
is "$(objects)" 0 "and nothing was written"
tf import --store "$S" --yes --expect-sha1 "$(hex "$P/root.pem")" \
    "$P/root.pem"
is "$rc" 2 "a SHA-256 given to --expect-sha1 is a usage error"
like "$err" "expect-sha1: expected 40 hex digits" "and says so"

tf import --store "$S" --yes "$P/server.pem"
is "$rc" 1 "a server certificate that is not a CA: refused"
like "$err" "not a CA" "and says why"
is "$(objects)" 0 "and nothing was written"

# Certificates OpenSSL uses as CAs without basicConstraints saying so: a
# v1 self-signed one, keyCertSign without basicConstraints.
for c in v1-selfsigned kcs-selfsigned; do
	tf import --store "$S" --yes "$P/$c.pem"
	is "$rc" 1 "$c: OpenSSL would use it as a CA: refused"
	like "$err" "OpenSSL uses it as a CA because" "$c: says why"
	unlike "$out$err" "one server only" "$c: not called one server's"
	is "$(objects)" 0 "$c: nothing was written"
done
like "$err" "keyUsage allows keyCertSign" "the keyCertSign reason"
tf import --store "$S" --yes "$P/v1-selfsigned.pem"
like "$err" "X.509 version 1" "the v1 reason"
tf import --store "$S" --yes "$P/ca-nokcs.pem"
is "$rc" 1 "CA:TRUE without keyCertSign: refused"
like "$err" "lacks keyCertSign" "and says why"
is "$(objects)" 0 "and nothing was written"
# A dry run reads the store: it must exist (a typo makes no directory).
mkdir -p "$S"
tf import --store "$S" --yes "$P/selfsigned.pem" --dry-run
is "$rc" 0 "a self-signed CA:FALSE server certificate may be imported"
like "$err" "trusts that one server only" "with the one-server warning"

# Anchors no client will use: a warning each, and --force for the odd CA.
for c in expired-root:"has expired" weak-root:"key is weak" \
    critext-root:"critical extension" badsig-root:"self-signature does not"; do
	tf import --store "$S" --yes --dry-run "$P/${c%%:*}.pem"
	is "$rc" 0 "${c%%:*}: imported (dry run)"
	like "$err" "no client will use this anchor: .*${c#*:}" \
	    "${c%%:*}: with a warning that says why"
done
tf import --store "$S" --yes --dry-run "$P/root.pem"
unlike "$err" "no client will use" "a good root gets no such warning"
tf import --store "$S" --yes --dry-run --force "$P/kcs-selfsigned.pem"
is "$rc" 0 "--force imports the keyCertSign certificate"
like "$err" "importing it because of --force" "and says it does"

tf import --store "$S" --yes --purpose web "$P/root.pem"
is "$rc" 2 "an unknown --purpose is a usage error"
tf import --store "$S" --yes --expect-sha256 xyz "$P/root.pem"
is "$rc" 2 "a malformed --expect-sha256 is a usage error"
tf import --store "$S" --yes "$T/missing.pem"
is "$rc" 4 "an unreadable file exits 4"

# --- import, any case and colons in --expect-sha256 ------------------------
tf import --store "$S" --yes --expect-sha256 "$(fp "$P/root.pem")" \
    --json "$P/root.pem"
is "$rc" 0 "import of the root with the expected fingerprint"
json_one "--json prints one document"
jq_is '.store.backend' directory "the store is the directory backend"
jq_is '.anchors[0].sha256' "$ROOT" "the anchor's fingerprint"
jq_is '.anchors[0].changed' true "changed: true"
jq_is '.anchors[0].verified' true "verified: true"
jq_is '.anchors[0].sha1' "$ROOT1" "the anchor's SHA-1 in the JSON"
is "$(objects)" 1 "the trust module wrote one object file"
grep -q 'label: "trustfix%3AContoso Root CA"' "$S"/*.p11-kit
ok $? "labelled trustfix:<common name>"

tf list --store "$S" --json
is "$rc" 0 "list --json"
jq_is '[.anchors[] | select(.sha256 == "'"$ROOT"'")] | length' 1 \
    "list shows the anchor"
jq_is '.anchors[0].trustfix' true "marked as trustfix's own"
jq_is '.anchors[0].purposes | join(",")' any "for any purpose"
jq_is '.anchors[0].distrusted' false "not distrusted"
jq_is '.anchors[0].label' "trustfix:Contoso Root CA" "with its label"
tf list --store "$S"
like "$out" "^$ROOT  $ROOT1  [0-9-]{10}  trustfix " \
    "the text list marks it, with both fingerprints"

# --- idempotence --------------------------------------------------------
before=$(ls -l --time-style=full-iso "$S")
tf import --store "$S" --yes --json "$P/root.pem"
is "$rc" 0 "a second import exits 0"
jq_is '.anchors[0].changed' false "changed: false"
tf import --store "$S" --yes "$P/root.pem"
like "$out" "already trusted, nothing changed" "and says so"
is "$(ls -l --time-style=full-iso "$S")" "$before" "no file was touched"

# --- dry run ----------------------------------------------------------
tf import --store "$S" --dry-run --json "$P/private-root.pem" </dev/null
is "$rc" 0 "--dry-run needs no --yes"
jq_is '.anchors[0].changed' true "--dry-run reports the change"
is "$(objects)" 1 "--dry-run wrote nothing"
tf import --store "$S" --dry-run "$P/private-root.pem" </dev/null
plan="would write $S/trustfix_Example_Private_Root_CA\.p11-kit into the directory store $S; no refresh command: p11-kit reads the directory"
like "$out" "^$plan \(dry run: nothing changed\)$" \
    "text --dry-run names the file, the store, and that nothing is run"
tf import --store "$S" --dry-run --json "$P/private-root.pem" </dev/null
like "$(printf '%s' "$out" | jq -r '.anchors[0].plan')" "^$plan$" \
    "--json: the plan too"
ls "$S" >"$T/before-plan"
tf import --store "$S" --yes "$P/private-root.pem"
is "$(ls "$S" | grep -vxFf "$T/before-plan")" \
    "trustfix_Example_Private_Root_CA.p11-kit" "the import wrote that file"
tf remove --store "$S" --yes "$(hex "$P/private-root.pem")"
is "$rc" 0 "and it is removed again"

# --- a stapled purpose --------------------------------------------------
PRIV=$(hex "$P/private-root.pem")
tf import --store "$S" --yes --purpose server-auth --label "Example Web" \
    "$P/private-root.pem"
is "$rc" 0 "import with --purpose server-auth and --label"
grep -l 'class: x-certificate-extension' "$S"/*.p11-kit >"$T/ext" 2>/dev/null
grep -q 'object-id: 2.5.29.37' $(cat "$T/ext") 2>/dev/null
ok $? "a stapled extendedKeyUsage object is in the store"
tf list --store "$S" --json
jq_is '.anchors[] | select(.sha256 == "'"$PRIV"'") | .purposes | join(",")' \
    server-auth "list reads the purpose back through PKCS#11"
jq_is '.anchors[] | select(.sha256 == "'"$PRIV"'") | .label' \
    "trustfix:Example Web" "--label names the anchor"
tf import --store "$S" --yes --purpose server-auth "$P/private-root.pem"
like "$out" "already trusted, nothing changed" "same purpose again: unchanged"
tf import --store "$S" --yes --purpose server-auth,email --json \
    "$P/private-root.pem"
jq_is '.anchors[0].changed' true "another purpose set: changed"
tf list --store "$S" --json
jq_is '.anchors[] | select(.sha256 == "'"$PRIV"'") | .purposes | join(",")' \
    server-auth,email "and the new purposes are read back"

# The stapled purpose as p11-kit's own tools extract it for OpenSSL.
if [ "$(id -u)" = 0 ] && unshare --mount --propagation private true \
    2>/dev/null; then
	unshare --mount --propagation private sh -c '
	    mount -t tmpfs tmpfs /usr/share/p11-kit/modules &&
	    printf "module: p11-kit-trust.so\ntrust-policy: yes\n%s\n" \
	        "x-init-reserved: paths=$1" \
	        >/usr/share/p11-kit/modules/p11-kit-trust.module &&
	    trust extract --format=openssl-bundle --filter=ca-anchors "$2"
	' sh "$S" "$T/extracted.pem" 2>"$T/extract.err"
	ok $? "trust extract reads the directory store"
	openssl verify -CAfile "$T/extracted.pem" -purpose sslserver \
	    "$P/private-server.pem" >/dev/null 2>&1
	ok $? "OpenSSL trusts the extracted anchor for sslserver"
	openssl verify -CAfile "$T/extracted.pem" -purpose sslclient \
	    "$P/private-server.pem" >/dev/null 2>&1
	ok $((!$?)) "and not for sslclient: the purpose reached OpenSSL"
else
	skip_one "trust extract in a mount namespace needs root"
fi

# --- remove -----------------------------------------------------------
mkdir -p "$S/anchors"
cp "$P/selfsigned.pem" "$S/anchors/other.pem"
SELF=$(hex "$P/selfsigned.pem")
tf list --store "$S" --json
jq_is '.anchors[] | select(.sha256 == "'"$SELF"'") | .trustfix' false \
    "an anchor placed by someone else is not trustfix's"
tf import --store "$S" --yes --purpose server-auth "$P/selfsigned.pem"
is "$rc" 1 "--purpose on an anchor someone else added: refused, exit 1"
like "$err" "already trusts this certificate for every purpose" \
    "and says why, not \"already trusted\""
tf remove --store "$S" --yes "$SELF"
is "$rc" 1 "removing it without --force: refused"
like "$err" "not one trustfix imported; use --force" "and says why"
# Ownership is in the object, not only in its label: an object written by
# hand under a trustfix: label, or one whose mark names another
# certificate, is not trustfix's.
grep -q '^url: "urn%3Atrustfix%3Asha256%3A'"$ROOT"'"$' "$S"/*.p11-kit
is "$?" 0 "the object trustfix wrote holds its mark and SHA-256"
for c in server issuing; do
	{ printf '[p11-kit-object-v1]\nclass: certificate\n'
	  printf 'certificate-type: x-509\ntrusted: true\n'
	  printf 'label: "trustfix:planted %s"\n' "$c"
	  [ "$c" = issuing ] &&
	      printf 'url: "urn%%3Atrustfix%%3Asha256%%3A%s"\n' "$ROOT"
	  cat "$P/$c.pem"; } >"$S/anchors/planted-$c.p11-kit"
done
for c in server issuing; do
	tf list --store "$S" --json
	jq_is '.anchors[] | select(.label == "trustfix:planted '"$c"'") |
	    .trustfix' false "$c under a trustfix: label by hand: not trustfix's"
	tf remove --store "$S" --yes "$(hex "$P/$c.pem")"
	is "$rc" 1 "$c: removing it without --force: refused"
	like "$err" "not one trustfix imported; use --force" "and says why"
done
rm -f "$S"/anchors/planted-*.p11-kit
tf remove --store "$S" "$ROOT" </dev/null
is "$rc" 1 "remove without --yes and no terminal: refused"
if command -v script >/dev/null 2>&1; then
	out=$(echo n | script -qec "'$TRUSTFIX' remove --store '$S' \
	    '$ROOT'" /dev/null 2>&1)
	is "$?" 1 "remove on a terminal answering n: refused"
	like "$out" "Remove this anchor\\? \\[y/N\\]" "the question is asked"
fi
tf remove --store "$S" --yes abc123
is "$rc" 2 "a prefix under 8 digits is a usage error"
tf remove --store "$S" --yes 00000000aa
is "$rc" 1 "a prefix that matches nothing fails"
tf list --store "$S" --json
jq_is '[.anchors[] | select(.trustfix)] | length' 2 "nothing was removed"

tf remove --store "$S" --yes --dry-run "${ROOT:0:12}"
is "$rc" 0 "remove --dry-run"
tf list --store "$S" --json
jq_is '[.anchors[] | select(.trustfix)] | length' 2 "changes nothing"
upper=$(printf '%s' "${ROOT:0:16}" | tr a-f A-F | sed 's/../&:/g; s/:$//')
tf remove --store "$S" --yes --json "$upper"
is "$rc" 0 "remove by an upper-case prefix with colons"
jq_is '.anchors[0].sha256' "$ROOT" "names the full fingerprint"
jq_is '.anchors[0].changed' true "changed: true"
tf remove --store "$S" --yes "$P/private-root.pem"
is "$rc" 0 "remove by certificate file"
is "$(objects)" 0 "the object files are gone, extension included"
tf remove --store "$S" --yes --json "$ROOT"
is "$rc" 0 "removing it again exits 0"
jq_is '.anchors[0].changed' false "changed: false"

# --- 8 concurrent imports of different roots: none lost -------------------
C=$T/conc
concurrent_roots
pids=""
for i in 1 2 3 4 5 6 7 8; do
	"$TRUSTFIX" import --store "$C" --yes "$T/r$i.pem" >"$T/c$i.out" 2>&1 &
	pids="$pids $!"
done
fails=0
for p in $pids; do wait "$p" || fails=$((fails + 1)); done
is "$fails" 0 "8 concurrent imports all exit 0"
tf list --store "$C" --json
jq_is '[.anchors[] | select(.trustfix)] | length' 8 "all 8 anchors are there"

# --- a normal user ------------------------------------------------------
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$T" "$P"
	chmod 644 "$P"/*.pem
	mkdir "$T/user"
	chown nobody "$T/user"
	as_nobody env \
	    TRUSTFIX_STORE="$T/user/store" trustfix import --yes \
	    "$P/root.pem" >"$T/u.out" 2>&1
	is "$?" 0 "nobody imports into TRUSTFIX_STORE"
	is "$(stat -c %U "$T/user/store")" nobody "the store belongs to nobody"
	out=$(as_nobody env \
	    TRUSTFIX_STORE="$T/user/store" trustfix list --json)
	jq_is '.anchors[0].sha256' "$ROOT" "nobody lists it"
	as_nobody \
	    trustfix import --store "$S" --yes "$P/root.pem" >/dev/null 2>&1
	is "$?" 5 "nobody cannot write root's store: exit 5"
else
	tf import --store "$T/user" --yes "$P/root.pem"
	is "$rc" 0 "a normal user imports into --store DIR"
fi

# --- crash at each fault point of import and remove ---------------------
F=$T/fault
TRUSTFIX_FAULT=after-create "$TRUSTFIX" import --store "$F" --yes \
    "$P/root.pem" >/dev/null 2>&1
frc=$?
if [ "$frc" != 99 ]; then
	skip_one "built without --enable-fault-injection"
else
	is "$frc" 99 "import crashed after creating the object"
	tf list --store "$F" --json
	jq_is '.anchors | length' 1 "the store holds the whole anchor (after)"
	rm -rf "$F"
	TRUSTFIX_FAULT=after-extension "$TRUSTFIX" import --store "$F" \
	    --yes --purpose server-auth "$P/root.pem" >/dev/null 2>&1
	is "$?" 99 "import crashed between the purpose and the anchor"
	tf list --store "$F" --json
	jq_is '.anchors | length' 0 "no anchor yet (before)"
	tf import --store "$F" --yes "$P/root.pem"
	is "$rc" 0 "an import without --purpose afterwards"
	tf list --store "$F" --json
	jq_is '.anchors[0].purposes | join(",")' any \
	    "is not restricted by the orphaned purpose"
	TRUSTFIX_FAULT=after-destroy "$TRUSTFIX" remove --store "$F" --yes \
	    "$ROOT" >/dev/null 2>&1
	is "$?" 99 "remove crashed after destroying the anchor"
	tf list --store "$F" --json
	jq_is '.anchors | length' 0 "the anchor is gone (after)"
	is "$(ls "$F" | grep -c .)" 0 "no file is left behind"
fi

# --- purposes belong to a key: anchors that share one ---------------------
# An AD CS renewal keeps the root's key; p11-kit staples purposes to it.
K=$T/samekey
openssl req -x509 -key "$P/root.key" -subj "/CN=Contoso Root CA" \
    -days 400 -out "$T/root-renewed.pem" \
    -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1
RENEWED=$(certfp sha256 "$T/root-renewed.pem")
purposes_of() {	# SHA: the purposes list shows for it
	"$TRUSTFIX" list --store "$K" --json | jq -r '.anchors[] |
	    select(.sha256 == "'"$1"'") | .purposes | join(",")'
}
tf import --yes --store "$K" --purpose email "$P/root.pem"
is "$rc" 0 "import the root for e-mail only"
tf import --yes --store "$K" "$T/root-renewed.pem"
is "$rc" 1 "its renewal (same key) for every purpose: refused"
like "$err" "has the same key and is trusted for email purposes.*--purpose email" \
    "with the reason and the way on"
is "$(purposes_of "$ROOT")" email "the root is still for e-mail only"
tf import --yes --store "$K" --purpose server-auth "$T/root-renewed.pem"
is "$rc" 1 "the renewal for server-auth only: refused too"
tf import --yes --store "$K" --purpose email "$T/root-renewed.pem"
is "$rc" 0 "the renewal with the same purposes is imported"
is "$(purposes_of "$RENEWED")/$(purposes_of "$ROOT")" email/email \
    "both for e-mail only"
tf remove --yes --store "$K" "$RENEWED"
is "$rc" 0 "remove the renewal"
is "$(purposes_of "$ROOT")" email \
    "the root keeps its restriction (it is the key's, and the key is still in use)"
tf diagnose --json --store "$K" --name mail.contoso.test "$P/server-chain.pem"
is "$rc" 1 "and still does not make a TLS server trusted"
tf remove --yes --store "$K" "$ROOT"
is "$(ls "$K" | grep -c .)" 0 "removing the last anchor of the key removes the restriction"
if [ "$frc" = 99 ]; then
	tf import --yes --store "$K" --purpose email "$P/root.pem"
	TRUSTFIX_FAULT=after-staple-destroy "$TRUSTFIX" import --yes \
	    --store "$K" --purpose server-auth "$P/root.pem" >/dev/null 2>&1
	is "$?" 99 "changing the purposes crashed between the old and the new restriction"
	[ -f "$K/.trustfix-purpose" ]
	ok $? "the change is journalled"
	tf remove --yes --store "$K" "$(certfp sha256 "$P/selfsigned.pem")"
	like "$err" "completing a change of purposes that stopped" \
	    "the next change of the store completes it first"
	is "$(purposes_of "$ROOT")" server-auth "server-auth only now, never any purpose"
	[ ! -e "$K/.trustfix-purpose" ]
	ok $? "and the journal is gone"
fi

# --- --store: names that escape the module's quoting; typos --------------
tf list --store "$T/typo-store"
is "$rc" 5 "list --store on a directory that does not exist: exit 5"
like "$err" "cannot open the store $T/typo-store: No such file" "and says so"
[ ! -e "$T/typo-store" ]
ok $? "list made no directory"
tf diagnose --store "$T/typo-store" --chain "$P/server-chain.pem" \
    --name mail.contoso.test
is "$rc" 5 "diagnose --store on a typo: exit 5"
[ ! -e "$T/typo-store" ]
ok $? "diagnose made no directory"
tf import --dry-run --yes --store "$T/typo-store" "$P/root.pem"
is "$rc" 5 "import --dry-run --store on a typo: exit 5"
[ ! -e "$T/typo-store" ]
ok $? "the dry run made no directory"
for bad in "$T/q\\" "$T/q'x" "$T/a:b" "$T/nl$(printf '\nx')"; do
	tf import --yes --store "$bad" "$P/root.pem"
	is "$rc" 5 "--store with ' \\ : or a newline in its name: exit 5"
	like "$err" "may not contain" "and says why"
	[ ! -e "$bad" ]
	ok $? "and makes nothing"
done
ls "$T" | grep -c '^q\|^a:\|^nl' | grep -qx 0
ok $? "no store landed beside the one named"

# --- FIFOs: a clear error at once, never a hang -------------------------
mkfifo "$T/fifo.pem"
# timeout: before the fix these waited for a writer forever.
run timeout 20 "$TRUSTFIX" import --yes --store "$S" "$T/fifo.pem"
is "$rc" 4 "import FIFO: unreadable input, exit 4 (not a hang)"
like "$err" "cannot read $T/fifo.pem: a FIFO, not a regular file" \
    "import FIFO: says what it is"
run timeout 20 "$TRUSTFIX" inspect "$T/fifo.pem"
is "$rc" 4 "inspect FIFO (TARGET): exit 4"
like "$err" "a FIFO, not a regular file" "inspect FIFO: says so"
run timeout 20 "$TRUSTFIX" diagnose --chain "$T/fifo.pem" \
    --name mail.contoso.test
is "$rc" 4 "diagnose --chain FIFO: exit 4"
like "$err" "a FIFO, not a regular file" "diagnose --chain FIFO: says so"
run timeout 20 "$TRUSTFIX" diagnose "$T/fifo.pem" --name mail.contoso.test
is "$rc" 4 "diagnose FIFO (TARGET): exit 4"
mkdir -p "$T/planted"
mkfifo "$T/planted/evil.p11-kit"
run timeout 20 "$TRUSTFIX" list --store "$T/planted"
is "$rc" 5 "list --store DIR with a FIFO planted in it: exit 5"
like "$err" "the store holds $T/planted/evil.p11-kit, which is not a file \\(a FIFO\\)" \
    "and names it"
run timeout 20 "$TRUSTFIX" import --yes --store "$T/planted" "$P/root.pem"
is "$rc" 5 "import into it: exit 5, nothing written"
is "$(ls "$T/planted" | grep -c '\.p11-kit$')" 1 "only the FIFO is there"
cat "$P/root.pem" | "$TRUSTFIX" inspect - >/dev/null 2>&1
is "$?" 0 "standard input through a pipe still reads (inspect -)"

# --- diagnose --store honours the purposes an anchor is trusted for -------
for p in email server-auth; do
	rm -rf "$T/purpose-$p"
	tf import --yes --store "$T/purpose-$p" --purpose "$p" "$P/root.pem"
	is "$rc" 0 "import --purpose $p"
done
tf diagnose --json --store "$T/purpose-email" --name mail.contoso.test \
    "$P/server-chain.pem"
is "$rc" 1 "diagnose --store: an anchor for e-mail only does not make a TLS server trusted"
jq_is '[.verdict, .clients.openssl.trusted, .clients.dotnet.trusted] |
    map(tostring) | join(",")' untrusted,false,false \
    "OpenSSL (its trusted bundle's rules) and .NET reject it"
jq_is '[.findings[] | select(.id == "no-server-auth" or
    .id == "untrusted-root") | .fix | contains("trustfix import --store '"$T/purpose-email"' --purpose server-auth,email root.pem")] |
    all' true \
    "the fixes say: import it for server-auth too, keeping email"
jq_is '[.findings[] | .fix | test("Issue a certificate|check its SHA-256")] |
    any' false "and neither says reissue nor import it as a new anchor"
tf import --yes --store "$T/purpose-email" --purpose server-auth,email \
    "$P/root.pem"
tf diagnose --json --store "$T/purpose-email" --name mail.contoso.test \
    "$P/server-chain.pem"
is "$rc" 0 "after that fix the server is trusted"
tf diagnose --json --store "$T/purpose-server-auth" \
    --name mail.contoso.test "$P/server-chain.pem"
is "$rc" 0 "an anchor for server-auth does"

# --- labels fit in a file name -----------------------------------------
tf import --yes --store "$T/labels" --label "$(printf 'x%.0s' $(seq 129))" \
    "$P/root.pem"
is "$rc" 2 "--label longer than 128 bytes: a usage error"
like "$err" "label: longer than 128 bytes" "and says the limit"
long=$(printf 'a%.0s' $(seq 60))
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/long.key" \
    -out "$T/long.pem" -days 30 -subj "/O=$long/OU=$long/L=$long" \
    -addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1
tf import --yes --json --store "$T/labels" "$T/long.pem"
is "$rc" 0 "a subject without CN longer than 128 bytes imports"
jq_is '.anchors[0].label | ltrimstr("trustfix:") | length <= 128' true \
    "its default label is cut to 128 bytes"

# --- a report that cannot be written does not hide a change -----------
rm -rf "$T/full"
"$TRUSTFIX" import --yes --json --store "$T/full" "$P/root.pem" \
    >/dev/full 2>"$T/full.err"
is "$?" 0 "import whose report cannot be written: the change happened, exit 0"
like "$(cat "$T/full.err")" "cannot write the output, but the trust store was changed" \
    "and says the store was changed"
tf list --store "$T/full" --json
jq_is '[.anchors[] | select(.sha256 == "'"$(certfp sha256 "$P/root.pem")"'")] | length' 1 \
    "the anchor is there"
"$TRUSTFIX" import --yes --json --store "$T/full" "$P/root.pem" \
    >/dev/full 2>"$T/full.err"
is "$?" 1 "nothing changed and the report is lost: exit 1"
like "$(cat "$T/full.err")" "^trustfix: import: cannot write the output$" \
    "and says only that"

done_testing
