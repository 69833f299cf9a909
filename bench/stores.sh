#!/bin/bash
# stores.sh - 'trustfix stores' against the commands an admin runs by hand
# for the same picture of this host's trust stores.
#
#   bench/stores.sh [TRUSTFIX] [RUNS]
#
# By hand: 'trust list' for the system store, 'keytool -list' on each real
# JRE cacerts, 'certutil -L' on ~/.pki/nssdb when it exists, a count of
# each certifi bundle, and Node's tls.rootCertificates.  Runs are
# interleaved; the report gives the medians and their ratio.  Read only.
set -u
TRUSTFIX=$(realpath "${1:-_build/trustfix}")
RUNS=${2:-7}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
[ -x "$TRUSTFIX" ] || { echo "usage: $0 TRUSTFIX [RUNS]" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/trustfix-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

by_hand() {
	local ks f
	trust list >/dev/null
	for ks in $(readlink -e /usr/lib/jvm/*/lib/security/cacerts \
	    /etc/ssl/certs/java/cacerts 2>/dev/null | sort -u); do
		keytool -list -keystore "$ks" -storepass changeit >/dev/null
	done
	[ -f "$HOME/.pki/nssdb/cert9.db" ] &&
	    certutil -L -d "sql:$HOME/.pki/nssdb" >/dev/null
	for f in /usr/lib/python3/dist-packages/certifi/cacert.pem \
	    /usr/local/lib/python3*/*-packages/certifi/cacert.pem \
	    "$HOME"/.pyenv/versions/*/lib/python3*/*-packages/certifi/*.pem
	do
		[ -f "$f" ] && grep -c BEGIN "$f" >/dev/null
	done
	command -v node >/dev/null &&
	    node -p tls.rootCertificates.length >/dev/null
	return 0
}

# ms CMD...: milliseconds of one run.
ms() {
	local a=${EPOCHREALTIME/./} b
	"$@" >/dev/null 2>&1
	b=${EPOCHREALTIME/./}
	echo "$(((b - a) / 1000))"
}

for i in $(seq "$RUNS"); do
	ms "$TRUSTFIX" stores >>"$W/tf"
	ms by_hand >>"$W/hand"
done
printf '%-40s %6s ms\n' "trustfix stores" "$(median "$W/tf")"
printf '%-40s %6s ms\n' "by hand (trust, keytool, certutil, ...)" \
    "$(median "$W/hand")"
printf '%-40s %6s\n' "ratio trustfix/by hand" \
    "$(awk -v a="$(median "$W/tf")" -v b="$(median "$W/hand")" \
    'BEGIN { printf "%.2f", a / b }')"
