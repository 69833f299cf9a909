#!/bin/bash
# store-fixloop.sh - the whole fix loop against an AD CS-like server on
# loopback: diagnose fails, export-root follows http AIA, import, diagnose
# passes, remove, diagnose fails again; with a directory store and with the
# system store (ca-certificates, in a private mount namespace).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/store-lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"
need openssl jq python3 update-ca-certificates
ns_enter "$@"
ns_debian || skip_all "cannot build the sandbox of mounts"

pki_with_aia "$T/pki" || skip_all "cannot serve the AIA files"
P=$T/pki
start_s_server "$P/server-chain.pem" "$P/server.key" ||
    skip_all "cannot start openssl s_server"
URL=https://mail.contoso.test
CONNECT=127.0.0.1:$S_SERVER_PORT
ROOT=$(openssl x509 -in "$P/root.pem" -noout -fingerprint -sha256 |
    sed 's/.*=//')

# loop LABEL [--store DIR]: the fix loop with one store.
loop() {
	local label=$1
	shift
	tf diagnose --aia-allow-private "$@" --connect "$CONNECT" --json "$URL"
	is "$rc" 1 "$label: diagnose says untrusted"
	jq_is '[.findings[].id] | index("untrusted-root") != null' true \
	    "$label: because of the untrusted root"

	tf export-root --aia-allow-private \
	    "$@" --connect "$CONNECT" -o "$T/root.pem" "$URL"
	is "$rc" 0 "$label: export-root"
	like "$out" "fetched from an AIA caIssuers URL" \
	    "$label: found the root over http AIA"
	like "$out" "Contoso Root CA" "$label: names the root"
	cmp -s "$T/root.pem" "$P/root.pem"
	ok $? "$label: the root written is the PKI's root"

	tf import "$@" --yes --expect-sha256 "$ROOT" "$T/root.pem"
	is "$rc" 0 "$label: import with the fingerprint the PKI admin gave"

	tf diagnose --aia-allow-private "$@" --connect "$CONNECT" --json "$URL"
	is "$rc" 0 "$label: diagnose now says trusted"
	jq_is .verdict trusted "$label: verdict trusted"

	tf remove "$@" --yes "$T/root.pem"
	is "$rc" 0 "$label: remove"

	tf diagnose --aia-allow-private "$@" --connect "$CONNECT" --json "$URL"
	is "$rc" 1 "$label: diagnose says untrusted again"
}

# An empty store: only a change makes a missing one.
mkdir -p "$T/store"
loop "directory store" --store "$T/store"
loop "system store"

done_testing
