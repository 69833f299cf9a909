#!/bin/bash
# inspect.sh - trustfix inspect versus openssl s_client -showcerts.
#
# Usage: bench/inspect.sh [TRUSTFIX] [RUNS]
#   TRUSTFIX  the binary to measure (default: ./trustfix, or $TRUSTFIX)
#   RUNS      interleaved runs of each command (default 60)
#
# One openssl s_server on loopback sends a 3-certificate chain (server,
# issuing CA, root of the test PKI).  Both commands fetch it, one after the
# other, RUNS times; the script prints the median wall time of each, their
# ratio (goal: <= 1.1) and the peak RSS of trustfix inspect (goal: < 15 MB).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
tf=${1:-${TRUSTFIX:-./trustfix}}
runs=${2:-60}
[ -x "$tf" ] || { echo "inspect.sh: no trustfix at $tf" >&2; exit 2; }
tf=$(cd "$(dirname "$tf")" && pwd)/$(basename "$tf")
for p in openssl python3 /usr/bin/time; do
	command -v "$p" >/dev/null ||
	    { echo "inspect.sh: $p needed" >&2; exit 2; }
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/trustfix-bench.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$top/tests/pki.sh" "$dir/pki" >/dev/null 2>&1 ||
    { echo "inspect.sh: tests/pki.sh failed" >&2; exit 1; }
cat "$dir/pki/issuing.pem" "$dir/pki/root.pem" >"$dir/extra.pem"
port=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl s_server -quiet -accept "127.0.0.1:$port" \
    -cert "$dir/pki/server.pem" -key "$dir/pki/server.key" \
    -cert_chain "$dir/extra.pem" </dev/null >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done

n=$("$tf" inspect --json "https://127.0.0.1:$port" |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["chain"]))')
[ "$n" = 3 ] ||
    { echo "inspect.sh: expected 3 certificates, got $n" >&2; exit 1; }

# ms COMMAND...: wall time of one run in milliseconds.
ms() {
	local t0=$EPOCHREALTIME t1
	"$@" </dev/null >/dev/null 2>&1
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}

: >"$dir/tf.ms"
: >"$dir/ossl.ms"
for _ in $(seq "$runs"); do
	ms "$tf" inspect "https://127.0.0.1:$port" >>"$dir/tf.ms"
	ms openssl s_client -connect "127.0.0.1:$port" -showcerts \
	    >>"$dir/ossl.ms"
done

mt=$(median "$dir/tf.ms")
mo=$(median "$dir/ossl.ms")

rss=0
for _ in 1 2 3 4 5; do
	/usr/bin/time -f %M -o "$dir/rss" "$tf" inspect \
	    "https://127.0.0.1:$port" >/dev/null 2>&1
	r=$(tail -n 1 "$dir/rss")
	[ "$r" -gt "$rss" ] && rss=$r
done

echo "runs:                        $runs each, interleaved"
echo "trustfix inspect median:     $mt ms"
echo "openssl s_client median:     $mo ms"
awk -v a="$mt" -v b="$mo" 'BEGIN {
	printf "ratio trustfix/openssl:      %.2f (goal <= 1.10)\n", a / b }'
awk -v r="$rss" 'BEGIN {
	printf "trustfix inspect peak RSS:   %.1f MB (goal < 15 MB)\n",
	    r / 1024 }'
