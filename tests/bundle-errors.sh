#!/bin/bash
# bundle-errors.sh - bad input, refusals and replacing OUT: exit codes,
# messages, and nothing (not even a temporary file) left behind.
. "$TOP_SRCDIR/tests/lib.sh"

need openssl
"$TOP_SRCDIR/tests/pki.sh" "$T/pki" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
P=$T/pki
export TRUSTFIX_BUNDLES_DIR=$TOP_SRCDIR/bundles
unset SOURCE_DATE_EPOCH
mkdir "$T/w" && cd "$T/w" || exit 1

# left: what is in the work directory, hidden files included.
left() {
	ls -A | tr '\n' ' '
}

head -c 3000 /dev/urandom >garbage.bin
head -n 8 "$P/root.pem" >truncated.pem
printf 'not a certificate\n' >text.pem
for f in garbage.bin truncated.pem text.pem missing.pem; do
	for o in out.zip out.tar.gz outdir; do
		tf bundle "$P/root.pem" "$f" -o "$o"
		is "$rc" 4 "$f -> $o: exit 4"
	done
	like "$err" "^trustfix: bundle: .*$f" "$f: the message names the file"
done
is "$(left)" "garbage.bin text.pem truncated.pem " \
    "bad input leaves no output and no temporary file"

tf bundle "$P/notca-leaf.pem" -o leaf.zip
is "$rc" 1 "a server certificate that is not a CA: exit 1"
like "$err" "not a CA certificate; give its root \(or --force\)" "and says why"
tf bundle "$P/server-chain.pem" -o leaf
is "$rc" 1 "a server's chain (leaf and intermediate): exit 1"
is "$(left)" "garbage.bin text.pem truncated.pem " "refusals leave nothing"
tf bundle "$P/notca-leaf.pem" --force --device linux -o leaf.zip
is "$rc" 0 "--force bundles it"
like "$err" "warning: .*--force" "with a warning"
rm -f leaf.zip garbage.bin text.pem truncated.pem

# An existing OUT is replaced only with --force.
tf bundle "$P/root.pem" --device linux -o b.zip
is "$rc" 0 "a first zip"
before=$(sha256sum b.zip)
tf bundle "$P/issuing.pem" --device linux -o b.zip
is "$rc" 1 "an existing zip without --force: exit 1"
like "$err" "b.zip exists; --force replaces it" "and says so"
is "$(sha256sum b.zip)" "$before" "the zip is unchanged"
tf bundle "$P/issuing.pem" --device linux -o b.zip --force
is "$rc" 0 "--force replaces it"
unlike "$(sha256sum b.zip)" "${before%% *}" "with the new bundle"
like "$(bsdtar -tf b.zip)" "Contoso_Issuing_CA_01" "holding the new root"

tf bundle "$P/root.pem" --device linux -o d
is "$rc" 0 "a directory OUT is created"
tf bundle "$P/issuing.pem" --device android -o d
is "$rc" 1 "an existing directory without --force: exit 1"
check "the directory is unchanged" test -f d/linux/Contoso_Root_CA.crt
tf bundle "$P/issuing.pem" --device android -o d/ --force
is "$rc" 0 "--force replaces the directory"
is "$(ls d | tr '\n' ' ')" "MANIFEST android " "with only the new bundle"
mkdir notmine && echo precious >notmine/file.txt
tf bundle "$P/root.pem" --device ios -o notmine --force
is "$rc" 1 "--force does not replace a directory that is no bundle"
like "$err" "notmine is not a bundle" "and says so"
is "$(cat notmine/file.txt)" "precious" "its files are untouched"
rm -r notmine
mkdir empty
tf bundle "$P/root.pem" --device ios -o empty
is "$rc" 0 "an existing empty directory is filled without --force"
check "with the bundle" test -f empty/ios/roots.mobileconfig
touch plain
tf bundle "$P/root.pem" --device ios -o plain --force
is "$rc" 1 "a directory OUT over a plain file: exit 1"
like "$err" "plain exists and is not a directory" "and says so"
is "$(left)" "b.zip d empty plain " "no temporary or old copies left behind"

# A full file system in the middle of writing: nothing left behind.
mkdir full
if unshare -m sh -c 'mount -t tmpfs -o size=12k tmpfs "$1"' sh full \
    2>/dev/null; then
	unshare -m sh -c 'mount -t tmpfs -o size=12k tmpfs full || exit 9
		for o in full/x.zip full/d; do
			"$TRUSTFIX" bundle "$1" -o "$o" 2>>full.err
			echo "$?"
		done
		ls -A full' sh "$P/root.pem" >full.out
	is "$(tr '\n' ' ' <full.out)" "1 1 " \
	    "a full file system: exit 1, and no partial bundle or temporary file"
	like "$(cat full.err)" "cannot write full/x.zip: No space left on device" \
	    "and says why"
	rm -f full.out full.err
else
	skip_one "no private mount namespace for a full file system"
fi
rmdir full

# Usage errors and bad profiles.
tf bundle "$P/root.pem"
is "$rc" 2 "no -o: exit 2"
like "$err" "give the output with -o OUT" "and says so"
tf bundle -o x.zip
is "$rc" 2 "no files: exit 2"
tf bundle "$P/root.pem" -o x.zip --device ios,palm
is "$rc" 2 "an unknown device class: exit 2"
like "$err" "unknown device class 'palm' \(known: android, firefox, ios, java, linux, macos, windows, or all\)" \
    "and lists the known ones"
tf bundle "$P/root.pem" -o x.zip --sign-cert "$P/root.pem"
is "$rc" 2 "--sign-cert without --sign-key: exit 2"
printf 'name = x\noutput = der .cer\ncolour = blue\n[instructions]\nhi\n' \
    >bad.profile
tf bundle "$P/root.pem" -o x.zip --profile bad.profile
is "$rc" 4 "a bad profile: exit 4"
like "$err" "bad.profile:3: unknown key" "the message names file and line"
printf 'name = x\noutput = tgz x.tgz\n[instructions]\nhi\n' >bad.profile
tf bundle "$P/root.pem" -o x.zip --profile bad.profile
like "$err" "bad.profile:2: unknown output kind" "an unknown output kind"
printf 'name = x\noutput = der .cer\n' >bad.profile
tf bundle "$P/root.pem" -o x.zip --profile bad.profile
like "$err" "bad.profile: needs an \[instructions\] section" \
    "a profile without instructions"
printf 'name = x\noutput = pem ../../etc/x\n[instructions]\nhi\n' >bad.profile
tf bundle "$P/root.pem" -o x.zip --profile bad.profile
is "$rc" 4 "a profile naming a path outside its folder: exit 4"
mkdir noprofiles
TRUSTFIX_BUNDLES_DIR=$PWD/noprofiles tf bundle "$P/root.pem" -o x.zip
is "$rc" 2 "no installed profiles: exit 2"
like "$err" "no device profiles found" "and says so"
TRUSTFIX_BUNDLES_DIR=$PWD/none tf bundle "$P/root.pem" -o x.zip
like "$err" "cannot read the device profiles in .*/none" \
    "a missing profile directory is named"
printf 'name = mine\noutput = der .cer\n[instructions]\nhi\n' >mine.profile
TRUSTFIX_BUNDLES_DIR=$PWD/none tf bundle "$P/root.pem" -o mine \
    --profile mine.profile --device mine
is "$rc" 0 "--device naming only --profile classes needs no installed ones"
rm -r mine mine.profile

# An encrypted signing key needs --password-file.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes256 \
    -pass pass:keypw -out enc.key 2>/dev/null &&
openssl req -new -x509 -key enc.key -passin pass:keypw -days 30 \
    -subj "/CN=Signer" -out enc.pem 2>/dev/null
ok $? "an encrypted signing key (test setup)"
tf bundle "$P/root.pem" --device ios -o s --sign-cert enc.pem \
    --sign-key enc.key
is "$rc" 4 "an encrypted --sign-key without --password-file: exit 4"
like "$err" "enc.key: not a private key, or encrypted without --password-file" \
    "and says so"
printf 'keypw\n' >key.pw
tf bundle "$P/root.pem" --device ios -o s --sign-cert enc.pem \
    --sign-key enc.key --password-file key.pw
is "$rc" 0 "with --password-file: exit 0"
rm -rf s enc.key enc.pem key.pw
tf bundle "$P/root.pem" -o no/such/dir/x.zip
is "$rc" 1 "OUT in a missing directory: exit 1"
like "$err" "cannot create a file next to no/such/dir/x.zip" "and says so"
rm -f bad.profile
rmdir noprofiles
is "$(left)" "b.zip d empty plain " "usage errors leave nothing behind"

# A full disk: a small file system, filled, in a private mount namespace.  Under
# the sanitizers a leak in libarchive's deflate would fail the exit code.
mkdir -p "$T/full"
if [ "$(id -u)" = 0 ] && unshare --mount --propagation private true \
    2>/dev/null; then
	unshare --mount --propagation private sh -c '
	    mount -t tmpfs -o size=64k tmpfs "$1" || exit 99
	    # Fill it, then free one page: room for a little, not a bundle.
	    dd if=/dev/zero of="$1/.fill" bs=4k 2>/dev/null
	    truncate -s -4096 "$1/.fill"
	    for f in zip tar.gz; do
		"$2" bundle "$3" --device all -o "$1/b.$f" 2>>"$1/../full.err"
		echo "$f $?"
		ls -A "$1" | grep -cvx .fill | sed "s/^/left /"
	    done' sh "$T/full" "$TRUSTFIX" "$P/root.pem" >"$T/full.out" 2>&1
	is "$(tr '\n' ' ' <"$T/full.out")" "zip 1 left 0 tar.gz 1 left 0 " \
	    "a full disk: exit 1, and no partial bundle is left (zip, tar.gz)"
	like "$(cat "$T/full.err")" "cannot write .*b.zip: No space left on device" \
	    "and says why"
	unlike "$(cat "$T/full.err")" "LeakSanitizer|AddressSanitizer" \
	    "no leak or memory error on the way out"
else
	skip_one "a full disk needs root and unshare --mount" 3
fi

done_testing
