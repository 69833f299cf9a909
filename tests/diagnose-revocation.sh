#!/bin/bash
# diagnose-revocation.sh - --check-revocation: CRLs over http and OCSP,
# good, revoked and unreachable.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

need openssl jq python3
peer pki_with_aia "$T/pki"
P=$T/pki

has() {
	jq_is "[.findings[] | select(.id == \"$1\") | .severity] | first" \
	    "${2:-error}" "$3: finding $1"
}
d() {
	tf diagnose --aia-allow-private \
	    --json --timeout 5 --name mail.contoso.test \
	    --trust "$P/root.pem" --check-revocation "$@"
}

# --- the PKI's own CRLs: nothing revoked ------------------------------------
d --chain "$P/server-chain.pem"
is "$rc" 0 "CRLs say good: trusted"
jq_is '[.findings[].id] | index("revocation-unknown")' null \
    "CRLs found for every certificate"

# --- a CA database that revokes one leaf, its CRL and an OCSP responder ----
mkdir -p "$T/ca/www"
: >"$T/ca/index.txt"
cat >"$T/ca/ca.cnf" <<CNF
[ca]
default_ca = x
[x]
database = $T/ca/index.txt
new_certs_dir = $T/ca
serial = $T/ca/serial
default_md = sha256
default_crl_days = 7
unique_subject = no
policy = p
[p]
commonName = supplied
CNF
echo 1000 >"$T/ca/serial"
port=$(free_port)
# leaf NAME: a server certificate with this CA's CDP and OCSP URLs.
leaf() {
	printf '%s\n' "subjectAltName=DNS:mail.contoso.test" \
	    "extendedKeyUsage=serverAuth" "authorityKeyIdentifier=keyid" \
	    "crlDistributionPoints=URI:$AIA_BASE/rev/$1.crl" \
	    "authorityInfoAccess=OCSP;URI:http://127.0.0.1:$port" \
	    >"$T/$1.ext"
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
	    -keyout "$T/$1.key" -subj /CN=mail.contoso.test -out "$T/$1.csr" \
	    2>/dev/null &&
	openssl ca -batch -config "$T/ca/ca.cnf" -cert "$P/issuing.pem" \
	    -keyfile "$P/issuing.key" -in "$T/$1.csr" -out "$T/$1.pem" \
	    -extfile "$T/$1.ext" -days 60 -notext >/dev/null 2>&1 &&
	cat "$T/$1.pem" "$P/issuing.pem" >"$T/$1-chain.pem"
}
leaf good
leaf bad
openssl ca -config "$T/ca/ca.cnf" -cert "$P/issuing.pem" \
    -keyfile "$P/issuing.key" -revoke "$T/bad.pem" >/dev/null 2>&1
ok $? "test CA: revoke a leaf"

# openssl ocsp listens on every interface: answer on loopback only,
# one openssl ocsp run per request.
cat >"$T/ocsp.py" <<'PY'
import http.server, subprocess, sys
port, index, cert, key = sys.argv[1:5]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        req = self.rfile.read(min(int(self.headers["Content-Length"]), 65536))
        out = subprocess.run(["openssl", "ocsp", "-index", index, "-reqin",
            "/dev/stdin", "-respout", "/dev/stdout", "-rsigner", cert,
            "-rkey", key, "-CA", cert], input=req, capture_output=True)
        self.send_response(200)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(out.stdout)))
        self.end_headers()
        self.wfile.write(out.stdout)
http.server.HTTPServer(("127.0.0.1", int(port)), H).serve_forever()
PY
python3 "$T/ocsp.py" "$port" "$T/ca/index.txt" "$P/issuing.pem" \
    "$P/issuing.key" >"$T/ocsp.log" 2>&1 &
ocsp_pid=$!
t_own $ocsp_pid
wait_port "$port" 10
ok $? "OCSP responder listens"

d --chain "$T/good-chain.pem"
is "$rc" 0 "OCSP good: trusted"
jq_is '[.findings[] | select(.certificate == 0) | .id] | join(",")' "" \
    "OCSP good: nothing about the server certificate"
d --chain "$T/bad-chain.pem"
is "$rc" 1 "OCSP revoked: untrusted"
has revoked error "OCSP"
jq_is '.findings[0].detail | test("OCSP says revoked")' true \
    "OCSP revoked: the evidence"
jq_is '.clients.dotnet.chain_status | index("Revoked") != null' true \
    ".NET: Revoked"

# The same by CRL alone: the responder is gone.
kill "$ocsp_pid" 2>/dev/null
wait "$ocsp_pid" 2>/dev/null
mkdir -p "$P/aia/rev"
openssl ca -gencrl -config "$T/ca/ca.cnf" -cert "$P/issuing.pem" \
    -keyfile "$P/issuing.key" -out "$T/crl.pem" >/dev/null 2>&1
openssl crl -in "$T/crl.pem" -outform DER -out "$P/aia/rev/bad.crl"
cp "$P/aia/rev/bad.crl" "$P/aia/rev/good.crl"
d --chain "$T/bad-chain.pem"
is "$rc" 1 "CRL revoked: untrusted"
has revoked error "CRL"
jq_is '.findings[0].detail | test("CRL lists it as revoked")' true \
    "CRL revoked: the evidence"

# --- unreachable: a warning, not an error ---------------------------------
tf diagnose --aia-allow-private \
    --json --timeout 5 --name mail.contoso.test --check-revocation \
    --trust "$T/pki/root.pem" --chain "$T/good-chain.pem"
jq_is '[.findings[] | select(.certificate == 0) | .id] | join(",")' "" \
    "CRL good without OCSP"
tf diagnose --aia-allow-private \
    --json --no-aia --name mail.contoso.test --trust "$P/root.pem" \
    --chain "$P/server-chain.pem"
jq_is '[.findings[].id] | index("revocation-unknown")' null \
    "revocation is checked only when asked"

done_testing
