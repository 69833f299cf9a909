#!/bin/bash
# bundle-repro.sh - the same input gives the same bytes whatever the time
# zone, umask, clock and input mtimes; entries dated as documented.
. "$TOP_SRCDIR/tests/lib.sh"

need openssl python3 faketime cmp
"$TOP_SRCDIR/tests/pki.sh" "$T/pki" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
P=$T/pki
export TRUSTFIX_BUNDLES_DIR=$TOP_SRCDIR/bundles
unset SOURCE_DATE_EPOCH
cd "$T" || exit 1

# A profile signer with an RSA key, whose signatures are deterministic.
openssl req -new -newkey rsa:2048 -nodes -keyout signer.key -out signer.csr \
    -subj "/CN=Contoso Profile Signing" >/dev/null 2>&1 &&
openssl x509 -req -in signer.csr -CA "$P/root.pem" -CAkey "$P/root.key" \
    -set_serial 9 -days 30 -out signer.pem >/dev/null 2>&1
ok $? "a signing certificate (test setup)"

# bundles DIR [WRAPPER...]: every output format, signed profiles
# included, into DIR, each run through WRAPPER (faketime ...) if given.
bundles() {
	local d=$1 f
	shift
	mkdir -p "$d"
	for f in zip tar.gz; do
		"$@" "$TRUSTFIX" bundle "$P/root.pem" "$P/issuing.pem" \
		    -o "$d/b.$f" >/dev/null || return 1
	done
	"$@" "$TRUSTFIX" bundle "$P/root.pem" --device ios -o "$d/s.zip" \
	    --sign-cert signer.pem --sign-key signer.key >/dev/null
}

touch -d '2001-02-03 04:05:06' "$P/root.pem" "$P/issuing.pem"
(umask 022; TZ=UTC bundles one)
ok $? "first run: TZ=UTC, umask 022, inputs dated 2001"
touch -d '2030-07-08 09:10:11' "$P/root.pem" "$P/issuing.pem"
(umask 077; export TZ=NZST-12 ASAN_OPTIONS=verify_asan_link_order=0
 bundles two faketime '2031-06-15 12:00:00')
ok $? "second run: TZ=NZST-12, umask 077, inputs dated 2030, clock in 2031"
sleep 1
(umask 002; TZ=EST+5 bundles three)
ok $? "third run a second later: TZ=EST+5, umask 002"
for f in b.zip b.tar.gz s.zip; do
	check "$f: identical bytes in runs 1 and 2" cmp one/$f two/$f
	check "$f: identical bytes in runs 1 and 3" cmp one/$f three/$f
done

# Entries are dated by the newest notBefore of the roots.
nb() {
	date -u -d "$(openssl x509 -in "$1" -noout -startdate | sed 's/.*=//')" +%s
}
newest=$(nb "$P/root.pem")
[ "$(nb "$P/issuing.pem")" -gt "$newest" ] && newest=$(nb "$P/issuing.pem")
cat >dates.py <<'EOF'
import sys, tarfile, time, zipfile
t = tarfile.open(sys.argv[1])
print(sorted({m.mtime for m in t}), sorted({(m.mode, m.uid, m.gid) for m in t}))
z = zipfile.ZipFile(sys.argv[2])
want = time.gmtime(int(sys.argv[3]))[:6]
want = want[:5] + (want[5] // 2 * 2,)
print(all(i.date_time == want for i in z.infolist()))
EOF
run python3 dates.py one/b.tar.gz one/b.zip "$newest"
is "$out" "[$newest] [(420, 0, 0), (493, 0, 0)]
True" "entries dated by the newest notBefore, modes 0644/0755, owner 0:0"
is "$(od -An -tx1 -j3 -N5 one/b.tar.gz | tr -d ' ')" "0000000000" \
    "gzip header: no file name, no timestamp"

# SOURCE_DATE_EPOCH wins, also for the signature's signingTime.
SOURCE_DATE_EPOCH=1700000000 "$TRUSTFIX" bundle "$P/root.pem" \
    "$P/issuing.pem" -o sde.tar.gz >/dev/null
SOURCE_DATE_EPOCH=1700000000 "$TRUSTFIX" bundle "$P/root.pem" \
    "$P/issuing.pem" -o sde.zip >/dev/null
run python3 dates.py sde.tar.gz sde.zip 1700000000
like "$out" "^\[1700000000\]" "SOURCE_DATE_EPOCH dates the tar entries"
like "$out" "^True$" "SOURCE_DATE_EPOCH dates the zip entries"
SOURCE_DATE_EPOCH=1700000000 "$TRUSTFIX" bundle "$P/root.pem" \
    --device ios -o sde --sign-cert signer.pem --sign-key signer.key \
    >/dev/null
run openssl cms -cmsout -print -inform DER -in sde/ios/roots.mobileconfig
like "$out" "UTCTIME:Nov 14 22:13:20 2023 GMT" \
    "the profile's signingTime is SOURCE_DATE_EPOCH"
is "$(stat -c %Y sde/MANIFEST)" 1700000000 "a directory's files are dated too"
SOURCE_DATE_EPOCH=yesterday "$TRUSTFIX" bundle "$P/root.pem" -o bad.zip \
    2>err.txt
is "$?" 2 "a malformed SOURCE_DATE_EPOCH: exit 2"
like "$(cat err.txt)" "SOURCE_DATE_EPOCH" "and says so"
ok "$([ ! -e bad.zip ]; echo $?)" "and writes nothing"

done_testing
