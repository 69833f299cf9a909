#!/bin/bash
# bundle.sh - trustfix bundle versus the shell script an admin would write.
#
# Usage: bench/bundle.sh [TRUSTFIX] [RUNS]
#   TRUSTFIX  the binary to measure (default: ./trustfix, or $TRUSTFIX)
#   RUNS      interleaved runs of each (default 30)
#
# Ten self-signed roots go into one zip for every device class.  The
# alternative is the obvious script: per root `openssl x509 -outform der`
# (Android, Windows, Apple) and a PEM copy (Linux, Firefox), one
# `openssl crl2pkcs7` for the .p7b, `openssl pkcs12 -export -nokeys` for
# Java (which keytool then lists as empty, see trustfix-bundle(1)), then
# `zip -r`; it writes no Apple profile, instructions or manifest.  The
# script prints the median wall time of each, their ratio, the CPU time and
# peak RSS of trustfix bundle (goals: under 50 ms and under 20 MB).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
tf=${1:-${TRUSTFIX:-./trustfix}}
runs=${2:-30}
[ -x "$tf" ] || { echo "bundle.sh: no trustfix at $tf" >&2; exit 2; }
tf=$(cd "$(dirname "$tf")" && pwd)/$(basename "$tf")
for p in openssl zip /usr/bin/time; do
	command -v "$p" >/dev/null ||
	    { echo "bundle.sh: $p needed" >&2; exit 2; }
done
export TRUSTFIX_BUNDLES_DIR=$top/bundles

dir=$(mktemp -d "${TMPDIR:-/tmp}/trustfix-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
trap 'exit 1' INT TERM
cd "$dir" || exit 1

mkdir roots
for i in 0 1 2 3 4 5 6 7 8 9; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout /dev/null -out "roots/root$i.pem" -days 3650 \
	    -subj "/O=Bench $i/CN=Bench Root CA $i" \
	    -addext "basicConstraints=critical,CA:TRUE" >/dev/null 2>&1 ||
	    { echo "bundle.sh: openssl req failed" >&2; exit 1; }
done

# by_hand OUT.zip: what an admin scripts with openssl and zip.
cat >by_hand.sh <<'EOF'
set -e
out=$1
rm -rf b "$out"
mkdir -p b/ios b/macos b/android b/windows b/linux b/firefox b/java
for f in roots/*.pem; do
	n=$(basename "$f" .pem)
	openssl x509 -in "$f" -outform der -out "b/android/$n.crt"
	openssl x509 -in "$f" -outform der -out "b/windows/$n.cer"
	openssl x509 -in "$f" -outform der -out "b/ios/$n.cer"
	cp "b/ios/$n.cer" "b/macos/$n.cer"
	cp "$f" "b/linux/$n.crt"
	cp "$f" "b/firefox/$n.crt"
done
cat roots/*.pem >all.pem
openssl crl2pkcs7 -nocrl -certfile all.pem -outform DER \
    -out b/windows/roots.p7b
openssl pkcs12 -export -nokeys -in all.pem -passout pass:changeit \
    -out b/java/truststore.p12
(cd b && zip -qr "../$out" .)
EOF

"$tf" bundle roots/*.pem -o check.zip >/dev/null ||
    { echo "bundle.sh: trustfix bundle failed" >&2; exit 1; }
bash by_hand.sh check2.zip ||
    { echo "bundle.sh: the openssl script failed" >&2; exit 1; }

# ms COMMAND...: wall time of one run in milliseconds.
ms() {
	local t0=$EPOCHREALTIME t1
	"$@" </dev/null >/dev/null 2>&1
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}

: >tf.ms
: >sh.ms
for _ in $(seq "$runs"); do
	ms "$tf" bundle roots/root0.pem roots/root1.pem roots/root2.pem \
	    roots/root3.pem roots/root4.pem roots/root5.pem roots/root6.pem \
	    roots/root7.pem roots/root8.pem roots/root9.pem --force \
	    -o tf.zip >>tf.ms
	ms bash by_hand.sh sh.zip >>sh.ms
done

mt=$(median tf.ms)
ms_=$(median sh.ms)

# Peak RSS, and CPU time (user + system), which the machine's load and
# the file system's fsync latency do not inflate as they do wall time.
rss=0
: >cpu.ms
# GNU time counts CPU in 10 ms steps; bash's time keeps milliseconds.
TIMEFORMAT='%3U %3S'
for _ in 1 2 3 4 5 6 7 8 9; do
	{ time /usr/bin/time -f '%M' -o rss "$tf" bundle roots/*.pem \
	    --force -o tf.zip >/dev/null 2>&1; } 2>cpu.one
	r=$(tail -n 1 rss)
	[ "$r" -gt "$rss" ] && rss=$r
	read -r u s <cpu.one
	awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f\n", (u + s) * 1000 }' \
	    >>cpu.ms
done

echo "roots:                        10, every device class, into a zip"
echo "runs:                         $runs each, interleaved"
echo "trustfix bundle median:       $mt ms (goal < 50 ms)"
echo "openssl + zip script median:  $ms_ ms"
awk -v a="$mt" -v b="$ms_" 'BEGIN {
	printf "ratio trustfix/script:        %.3f\n", a / b }'
echo "trustfix bundle CPU median:   $(median cpu.ms) ms (user + system)"
awk -v r="$rss" 'BEGIN {
	printf "trustfix bundle peak RSS:     %.1f MB (goal < 20 MB)\n",
	    r / 1024 }'
