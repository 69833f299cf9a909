#!/bin/bash
# bench/diagnose.sh - trustfix diagnose against the tools an administrator
# would use instead: offline against `openssl verify`, over the network
# against `openssl s_client -verify_return_error` on a loopback s_server.
# Interleaved runs; prints the ratio of medians and the peak RSS.
#
# Usage: bench/diagnose.sh [TRUSTFIX] [RUNS]   (run from a build directory)
set -eu

TF=${1:-./trustfix}
N=${2:-30}
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/bench/lib.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-diagnose.XXXXXX")
SPID=
trap '[ -n "$SPID" ] && kill "$SPID" 2>/dev/null; rm -rf "$W"' EXIT

"$TOP/tests/pki.sh" "$W/pki" >/dev/null
P=$W/pki

now() { date +%s%N; }

# rss COMMAND...: peak resident set size in KiB.
rss() {
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1
}

# bench NAME "TRUSTFIX COMMAND" "OTHER COMMAND": interleaved timings.
bench() {
	local name=$1 a=$2 b=$3 i t0
	: >"$W/a" ; : >"$W/b"
	for i in $(seq "$N"); do
		t0=$(now); eval "$a" >/dev/null 2>&1 || true
		echo $(( $(now) - t0 )) >>"$W/a"
		t0=$(now); eval "$b" >/dev/null 2>&1 || true
		echo $(( $(now) - t0 )) >>"$W/b"
	done
	ma=$(median "$W/a")
	mb=$(median "$W/b")
	printf '%-8s trustfix %6.2f ms  openssl %6.2f ms  ratio %.2f\n' \
	    "$name" "$(echo "$ma / 1000000" | bc -l)" \
	    "$(echo "$mb / 1000000" | bc -l)" "$(echo "$ma / $mb" | bc -l)"
	printf '%-8s peak RSS: trustfix %s KiB, openssl %s KiB\n' "$name" \
	    "$(eval rss "$a")" "$(eval rss "$b")"
}

bench offline \
    "$TF diagnose --chain $P/server-chain.pem --trust $P/root.pem \
	--name mail.contoso.test --no-aia --json" \
    "openssl verify -untrusted $P/issuing.pem -CAfile $P/root.pem \
	-verify_hostname mail.contoso.test $P/server.pem"

PORT=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl s_server -accept "127.0.0.1:$PORT" -cert "$P/server.pem" \
    -key "$P/server.key" -cert_chain "$P/issuing.pem" -www -quiet \
    >/dev/null 2>&1 &
SPID=$!
for i in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
	sleep 0.1
done
bench network \
    "$TF diagnose --connect 127.0.0.1:$PORT https://mail.contoso.test:$PORT/ \
	--trust $P/root.pem --no-aia --json" \
    "openssl s_client -connect 127.0.0.1:$PORT -verify_return_error \
	-CAfile $P/root.pem -verify_hostname mail.contoso.test </dev/null"
