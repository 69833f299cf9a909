#!/bin/bash
# bench/diagnose.sh - trustfix diagnose against the tools an administrator
# would use instead: offline against `openssl verify`, over the network
# against `openssl s_client -verify_return_error` on a loopback s_server,
# in three cases: the default anchors, --trust a private CA, --trust an
# AD CS-like CA.  Interleaved runs; prints the ratio of medians and the
# peak RSS.  With bench/views built (`make bench/views`), also what every
# client view together costs over the openssl view alone: the views'
# median time in one process, over the median of a whole offline run.
# With OLD_TRUSTFIX set to another build, that build against this one.
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

# bench NAME "TRUSTFIX COMMAND" "OTHER COMMAND" [OTHER]: interleaved
# timings.
bench() {
	local name=$1 a=$2 b=$3 other=${4:-openssl} i t0
	: >"$W/a" ; : >"$W/b"
	for i in $(seq "$N"); do
		t0=$(now); eval "$a" >/dev/null 2>&1 || true
		echo $(( $(now) - t0 )) >>"$W/a"
		t0=$(now); eval "$b" >/dev/null 2>&1 || true
		echo $(( $(now) - t0 )) >>"$W/b"
	done
	ma=$(median "$W/a")
	mb=$(median "$W/b")
	printf '%-16s trustfix %6.2f ms  %s %6.2f ms  ratio %.2f\n' \
	    "$name" "$(echo "$ma / 1000000" | bc -l)" "$other" \
	    "$(echo "$mb / 1000000" | bc -l)" "$(echo "$ma / $mb" | bc -l)"
	printf '%-16s peak RSS: trustfix %s KiB, %s %s KiB\n' "$name" \
	    "$(eval rss "$a")" "$other" "$(eval rss "$b")"
}

# views NAME ANCHORS: the views other than openssl's, over the last
# offline median (ma, ns) of trustfix.
views() {
	local anchors=$2 us
	[ -x "${VIEWS:-./bench/views}" ] || return 0
	[ -f "$anchors" ] || anchors=${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}
	us=$("${VIEWS:-./bench/views}" "$P/$chain.pem" "$anchors" "$host" \
	    300 | sed -n 's/.*openssl \([0-9]*\) us.*/\1/p')
	[ -n "$us" ] || return 0
	printf '%-16s other views %s us of trustfix %.2f ms: all views / openssl view alone %.3f\n' \
	    "$1-views" "$us" "$(echo "$ma / 1000000" | bc -l)" \
	    "$(echo "$ma / ($ma - $us * 1000)" | bc -l)"
}

# The cases, as NAME:CHAIN:KEY:HOST:ROOT (the chain the server sends, its
# key, the name asked for, the anchor; no ROOT: the default anchors).
CASES="default:server-chain:server:mail.contoso.test:
private:private-server-chain:private-server:mail.example.test:private-root
adcs:server-chain:server:mail.contoso.test:root"

# setcase LINE: name chain key host tr (trustfix's anchors) ca (openssl's).
setcase() {
	IFS=: read -r name chain key host root <<-EOF
	$1
	EOF
	tr=
	ca=
	if [ -n "$root" ]; then
		tr="--trust $P/$root.pem"
		ca="-CAfile $P/$root.pem"
	fi
}

for c in $CASES; do
	setcase "$c"
	awk '/BEGIN/ { n++ } n > 1' "$P/$chain.pem" >"$W/$name-untrusted.pem"
	bench "$name-offline" \
	    "$TF diagnose --chain $P/$chain.pem $tr --name $host --no-aia \
		--json" \
	    "openssl verify -untrusted $W/$name-untrusted.pem $ca \
		-verify_hostname $host $P/$chain.pem"
	views "$name" "$P/${root:-}.pem"
	if [ -n "${OLD_TRUSTFIX:-}" ]; then
		bench "$name-views" \
		    "$TF diagnose --chain $P/$chain.pem $tr --name $host \
			--no-aia --json" \
		    "$OLD_TRUSTFIX diagnose --chain $P/$chain.pem $tr \
			--name $host --no-aia --json" "openssl-view-only"
	fi
done

PORT=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
for c in $CASES; do
	setcase "$c"
	openssl s_server -accept "127.0.0.1:$PORT" -cert "$P/$key.pem" \
	    -key "$P/$key.key" -cert_chain "$P/$chain.pem" -www -quiet \
	    >/dev/null 2>&1 &
	SPID=$!
	for i in $(seq 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
		sleep 0.1
	done
	bench "$name-network" \
	    "$TF diagnose --connect 127.0.0.1:$PORT https://$host:$PORT/ \
		$tr --no-aia --json" \
	    "openssl s_client -connect 127.0.0.1:$PORT -verify_return_error \
		$ca -verify_hostname $host </dev/null"
	kill "$SPID" 2>/dev/null || true
	wait "$SPID" 2>/dev/null || true
	SPID=
done
