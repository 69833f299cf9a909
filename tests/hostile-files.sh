#!/bin/bash
# hostile-files.sh - inspect of damaged, huge and malicious files.
. "$TOP_SRCDIR/tests/lib.sh"

need openssl python3 truncate
[ -x /usr/bin/time ] || skip_all "/usr/bin/time not installed (package time)"
"$TOP_SRCDIR/tests/pki.sh" "$T/pki" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
P=$T/pki
mkdir "$T/work" && cd "$T/work" || exit 1

# Peak RSS allowed, in KB; sanitizers need more for their shadow memory.
MAX_RSS=102400
if sanitized; then
	MAX_RSS=512000
fi

# refused WHAT MESSAGE-REGEX ARGS...: inspect ARGS exits 4 with a clear
# message, prints nothing on stdout, does not crash, and stays small.
refused() {
	local what=$1 want=$2 rss
	shift 2
	run timeout 30 /usr/bin/time -f %M -o "$T/rss" "$TRUSTFIX" inspect "$@"
	is "$rc" 4 "$what: exit 4"
	like "$err" "^trustfix: inspect: $want" "$what: says why"
	is "$out" "" "$what: nothing on stdout"
	rss=$(tail -n 1 "$T/rss")
	if [ "${rss:-0}" -gt 0 ] && [ "$rss" -lt "$MAX_RSS" ]; then
		ok 0 "$what: peak RSS ${rss} KB"
	else
		ok 1 "$what: peak RSS ${rss:-?} KB (limit $MAX_RSS KB)"
	fi
}

# zip_of OUT NAME=FILE...: a zip whose members have the given names.
zip_of() {
	python3 - "$@" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        z.write(path, name)
EOF
}

: >empty.pem
refused "empty file" "empty.pem: empty file$" empty.pem

head -c 900 "$P/server.pem" >truncated.pem
refused "truncated PEM" "truncated.pem: truncated PEM" truncated.pem

python3 -c 'import random, sys
random.seed(7)
sys.stdout.buffer.write(b"\x02" + bytes(random.randrange(256)
    for _ in range(4095)))' >garbage.bin
refused "garbage" \
    "garbage.bin: no certificate found \(not PEM, DER, PKCS#7, PKCS#12 or an archive\)$" \
    garbage.bin

printf -- '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n' >fake.pem
refused "PEM block that is no certificate" \
    "fake.pem: PEM block 1 is not a valid certificate" fake.pem

truncate -s 100M huge.pem
SECONDS=0
refused "100 MB file" "huge.pem: larger than 16 MB: refused$" huge.pem
ok $((SECONDS > 5)) "100 MB file: refused by its size, quickly"
refused "endless device" "cannot read /dev/zero: a device, not a regular file$" \
    /dev/zero
mkfifo fifo.pem
refused "FIFO without a writer" "cannot read fifo.pem: a FIFO, not a regular file$" \
    fifo.pem

refused "missing file" "cannot read \./nope.pem: No such file or directory$" \
    ./nope.pem
refused "missing file without a slash" \
    "cannot read nope.p12: No such file or directory$" nope.p12
refused "directory" "cannot read \.: Is a directory$" .

openssl pkcs12 -export -in "$P/server.pem" -inkey "$P/server.key" \
    -passout pass:right -out locked.p12
printf 'wrong\n' >wrong.txt
refused "PKCS#12 with the wrong password" \
    "locked.p12: wrong password \(from --password-file\)$" \
    --password-file wrong.txt locked.p12
refused "PKCS#12 without a password" \
    "locked.p12: wrong password \(use --password-file\)$" locked.p12
refused "missing password file" "cannot read nope.txt:" \
    --password-file nope.txt locked.p12

# --- archives ----------------------------------------------------------------
python3 - <<'EOF'
import zipfile
with zipfile.ZipFile("bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("zeros.bin", "w") as f:
        for i in range(200):
            f.write(bytes(1 << 20))
with zipfile.ZipFile("bomb-many.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for n in range(6):
        with z.open("part%d.bin" % n, "w") as f:
            for i in range(15):
                f.write(bytes(1 << 20))
EOF
refused "zip bomb, one member of 200 MB" \
    "bomb.zip!zeros.bin: larger than 16 MB: refused$" bomb.zip
refused "zip bomb, 90 MB in 6 members" \
    "bomb-many.zip!part4.bin: the archive unpacks to more than 64 MB" \
    bomb-many.zip

# A member whose header claims 1000 bytes but inflates to 20 MB.
python3 - <<'EOF'
import struct, zipfile
with zipfile.ZipFile("liar.zip", "w", zipfile.ZIP_DEFLATED) as z:
    with z.open("small.pem", "w") as f:
        for i in range(20):
            f.write(bytes(1 << 20))
b = bytearray(open("liar.zip", "rb").read())
b[22:26] = struct.pack("<I", 1000)
cd = b.find(b"PK\x01\x02")
b[cd + 24:cd + 28] = struct.pack("<I", 1000)
open("liar.zip", "wb").write(b)
EOF
refused "member lying about its size" "liar.zip!small.pem: " liar.zip

python3 - <<'EOF'
import io, tarfile
with tarfile.open("many.tar", "w") as t:
    for n in range(5000):
        ti = tarfile.TarInfo("m%04d.txt" % n)
        ti.size = 1
        t.addfile(ti, io.BytesIO(b"x"))
EOF
SECONDS=0
refused "tar with 5000 members" \
    "many.tar: more than 1000 archive members: refused$" many.tar
ok $((SECONDS > 10)) "tar with 5000 members: refused quickly"
n=$(printf '%s\n' "$err" | grep -c 'skipping')
ok $((n > 10)) "tar with 5000 members: at most 10 skipped members named"

# Nested archives: one level is read, three levels are refused.
cp "$P/server.pem" cert.pem
zip_of level1.zip cert.pem=cert.pem
zip_of level2.zip level1.zip=level1.zip
zip_of level3.zip level2.zip=level2.zip
zip_of level4.zip level3.zip=level3.zip
tf inspect --json level2.zip
is "$rc" 0 "a zip inside a zip is read"
like "$out" '"file": "level2.zip!level1.zip!cert.pem"' \
    "nested: the member path names both archives"
head -c "$(($(stat -c %s level1.zip) / 2))" level1.zip >cut.zip
refused "truncated zip" "cut.zip(!cert.pem)?: (damaged archive|cannot unpack)" \
    cut.zip
refused "archives nested 3 deep" \
    "level4.zip!level3.zip!level2.zip!level1.zip: archives nested more than 2 deep: refused$" \
    level4.zip

# Names that climb out, absolute names, symbolic links, hard links, control
# characters: all read in memory, so nothing may appear on disk.
mkdir ../evil-src
cp "$P/selfsigned.pem" ../evil-src/ss.pem
ln -s /etc/passwd ../evil-src/link.pem
python3 - ../evil-src <<'EOF'
import io, sys, tarfile, zipfile
src = sys.argv[1]
with tarfile.open("evil.tar", "w") as t:
    t.add(src + "/ss.pem", "../../escaped.pem")
    t.add(src + "/ss.pem", "/tmp/trustfix-absolute.pem")
    t.add(src + "/link.pem", "link.pem")
    ti = tarfile.TarInfo("hard.pem")
    ti.type = tarfile.LNKTYPE
    ti.linkname = "/etc/shadow"
    t.addfile(ti)
    ti = tarfile.TarInfo("bad\x1b[31mname.txt")
    ti.size = 6
    t.addfile(ti, io.BytesIO(b"hello\n"))
with zipfile.ZipFile("evil.zip", "w") as z:
    z.write(src + "/ss.pem", "../../zip-escaped.pem")
    zi = zipfile.ZipInfo("zlink.pem")
    zi.external_attr = (0o120777 << 16)
    z.writestr(zi, "/etc/passwd")
EOF
mkdir empty && cd empty || exit 1
rm -f /tmp/trustfix-absolute.pem
find "$T" ! -name before ! -name after | sort >"$T/before"
tf inspect --json ../evil.tar ../evil.zip
is "$rc" 0 "archive with ../ names and links: its certificates are read"
like "$err" "warning: skipping \.\./evil.tar!link.pem: not a regular file" \
    "symbolic link skipped with a warning"
like "$err" "warning: skipping \.\./evil.tar!hard.pem: not a regular file" \
    "hard link skipped with a warning"
like "$err" "warning: skipping \.\./evil.zip!zlink.pem: not a regular file" \
    "zip symbolic link skipped with a warning"
like "$out" '"file": "\.\./evil.tar!\.\./\.\./escaped.pem"' \
    "a ../ name is only a label"
unlike "$err" $'\033' "control characters in member names are escaped"
like "$err" 'bad\\x1b\[31mname.txt' "and shown as \\x1b"
find "$T" ! -name before ! -name after | sort >"$T/after"
is "$(ls -A .)" "" "nothing written in the working directory"
is "$(comm -13 "$T/before" "$T/after")" "" \
    "nothing written next to it or above it"
ok "$(test -e /tmp/trustfix-absolute.pem; echo $((! $?)))" \
    "nothing written at an absolute member path"
cd .. || exit 1

# Out of memory is no crash: under every address-space limit from what
# the loader needs to what the file needs, inspect of 990 certificates
# ends by itself, trusted output or "out of memory" and exit 1, never by
# a signal.  The sanitizers reserve terabytes of address space, so no
# such limit applies to their build: there the checks belong to the
# plain build's pass (the same source), and are not run.
if sanitized; then
	:
elif command -v prlimit >/dev/null; then
	for _ in $(seq 990); do cat "$P/server.pem"; done >"$T/990.pem"
	signals=0 ooms=0 whole=0
	for mb in $(seq 6 2 40); do
		prlimit --as=$((mb * 1024 * 1024)) "$TRUSTFIX" inspect \
		    "$T/990.pem" >/dev/null 2>"$T/oom.err"
		r=$?
		if [ "$r" -ge 128 ]; then
			signals=$((signals + 1))
			printf '# %d MB: exit %d: %s\n' "$mb" "$r" \
			    "$(head -c 200 "$T/oom.err")"
		elif [ "$r" = 1 ] && grep -qx 'trustfix: out of memory' \
		    "$T/oom.err"; then
			ooms=$((ooms + 1))
		elif [ "$r" = 0 ]; then
			whole=$((whole + 1))
		fi
	done
	is "$signals" 0 "no run under a memory limit ends by a signal"
	check "some limits run out of memory ($ooms), said as such" \
	    [ "$ooms" -gt 0 ]
	check "larger limits read the whole file ($whole)" [ "$whole" -gt 0 ]
else
	skip_one "prlimit not installed"
fi

done_testing
