#!/bin/bash
# aia-private.sh - URLs that certificates name (AIA, CRL) reach no
# loopback, link-local, private or multicast address without the opt-in.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3 getent
getent ahosts localhost | grep -q '^127\.0\.0\.1 ' ||
    skip_all "localhost does not resolve to 127.0.0.1"
# The PKI's AIA and CRL URLs name http://localhost:PORT, a name that
# resolves to 127.0.0.1, where an http server logs every request.
mkdir -p "$T/pki/aia"
peer start_http "$T/pki/aia"
LOG=$PEER_DIR/log
AIA_BASE=http://localhost:$HTTP_PORT "$TOP_SRCDIR/tests/pki.sh" \
    "$T/pki" >"$T/pki.log" 2>&1 ||
    skip_all "tests/pki.sh failed: $(tail -n 1 "$T/pki.log")"
P=$T/pki
gets() {
	grep -c '"GET ' "$LOG"
}
d() {
	tf diagnose --json --timeout 5 --name mail.contoso.test \
	    --trust "$P/root.pem" --chain "$P/server.pem" "$@"
}

# An offline file someone sent: its AIA URL is not asked.
d
is "$rc" 1 "leaf alone, no opt-in: untrusted"
is "$(gets)" 0 "nothing was sent to the loopback address"
like "$(printf '%s' "$out" | jq -r '.findings[] |
    select(.id == "missing-intermediate") | .fix')" \
    "issuing\.crt: not asked: 127\.0\.0\.1 is a loopback address \(a \
certificate's URLs reach only public addresses unless --aia-allow-private \
is given\)" \
    "the finding says why it was not asked"
is "$(printf '%s' "$out" | jq -r '[.chain[].source] | join(",")')" \
    "server" "no certificate came from AIA"
jq_is .clients.dotnet.trusted false "so .NET's view has no issuer either"

# --check-revocation: no CRL asked either.
tf diagnose --json --timeout 5 --name mail.contoso.test \
    --trust "$P/root.pem" --chain "$P/server-chain.pem" --check-revocation
is "$(gets)" 0 "--check-revocation: no CRL asked of the loopback address"
like "$out" "not asked: 127\.0\.0\.1 is a loopback address" \
    "--check-revocation: and it says so"

# export-root and scan follow the same rule.
tf export-root --timeout 5 -o "$T/root.der" "$P/server-chain.pem"
is "$rc" 1 "export-root, no opt-in: no root reached"
is "$(gets)" 0 "export-root: nothing sent"
peer start_nginx "$P/server.pem" "$P/server.key"
printf 'https://127.0.0.1:%s/\n' "$NGINX_PORT" >"$T/targets"
tf scan --json --timeout 5 --name mail.contoso.test --trust "$P/root.pem" \
    "$T/targets"
is "$(gets)" 0 "scan: nothing sent"
like "$out" "not asked: 127\.0\.0\.1 is a loopback address" \
    "scan: the line says why"

# The opt-in.
d --aia-allow-private
jq_is .clients.dotnet.trusted true \
    "--aia-allow-private: the issuer is fetched; .NET (fetching) trusts"
is "$(printf '%s' "$out" | jq -r '[.chain[].source] | join(",")')" \
    "server,aia,store" "--aia-allow-private: the path came over AIA"
is "$(grep -c '"GET /issuing.crt' "$LOG")" 1 \
    "--aia-allow-private: one GET of the issuer"
tf export-root --aia-allow-private --timeout 5 -o "$T/root.der" \
    "$P/server-chain.pem"
is "$rc" 0 "export-root --aia-allow-private: the root"
tf scan --aia-allow-private --json --timeout 5 --name mail.contoso.test \
    --trust "$P/root.pem" "$T/targets"
is "$(printf '%s\n' "$out" | jq -r 'select(.target) |
    [.chain[].source] | join(",")')" "server,aia,store" \
    "scan --aia-allow-private: the path came over AIA"

done_testing
