#!/bin/bash
# conformance.sh - each client view of diagnose against its real client.
#
# tests/conformance/gen.py makes the scenarios (a chain, its key, the
# anchors, the name asked for, what AIA serves); each is served by its own
# openssl s_server on loopback, and each real client connects to it:
#
#   openssl         openssl s_client -verify_return_error, the system's
#                   openssl.cnf (security level)
#   openssl-strict  python3's ssl with VERIFY_X509_STRICT and
#                   VERIFY_X509_PARTIAL_CHAIN (Python 3.13's default)
#   gnutls          gnutls-cli --x509cafile --verify-hostname
#   nss             tstclnt with a fresh cert9.db holding the anchors (C,,)
#   java            JSSE, PKIX, HTTPS endpoint identification (Client.java)
#   go              crypto/tls (client.go)
#   dotnet          SslStream, the anchors as the system store through
#                   SSL_CERT_FILE and SSL_CERT_DIR (dotnet/Program.cs)
#
# Then `trustfix diagnose 127.0.0.1:PORT --name NAME --trust ANCHOR
# --client all --json`, as an administrator runs it (AIA allowed), speaks
# for every client at once.  tests/conformance/compare.py compares each
# client's accept or reject, and its error where the view names one, with
# the view: one TAP line per scenario and client; a disagreement fails
# unless tests/conformance/known-disagreements lists it with a phrase of
# trustfix-diagnose(1) BUGS; a view trustfix does not have yet is one TODO
# line per client, never counted as agreement.  The agreement matrix goes
# to conformance-matrix.txt in the build directory.
#
# The Go, Java and .NET clients are built once, while the scenarios are
# made; the clients then run side by side, each over every scenario.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/peers.sh"

C=$TOP_SRCDIR/tests/conformance
CLIENTS="openssl openssl-strict gnutls nss java go dotnet"
need openssl
[ -x "$T_PYTHON" ] || skip_all "python3 not installed"
TAB=$(printf '\t')

# stamp WHAT: how long the test has run, as a TAP comment.
stamp() {
	echo "# ${SECONDS}s: $1"
}

is_ip() {
	case $1 in
	*:*|[0-9]*[0-9]) [ -z "$(printf %s "$1" | tr -d '0-9.:a-f')" ] ;;
	*) return 1 ;;
	esac
}

# result CLIENT SCENARIO VERDICT ERROR: what the real client did.
result() {
	printf '%s\n%s\n' "$3" "$4" >"$T/res/$1/$2"
}

# missing CLIENT REASON: this client cannot run here.
missing() {
	echo "$2" >"$T/res/$1.missing"
}

# have CLIENT PROGRAM PACKAGE: PROGRAM is installed, or CLIENT is missing.
have() {
	command -v "$2" >/dev/null 2>&1 && return 0
	missing "$1" "$2 not installed ($3)"
	return 1
}

mkdir -p "$T/gen/aia" "$T/srv" "$T/tf" "$T/build" "$T/nss"
for c in $CLIENTS; do
	mkdir -p "$T/res/$c"
done

# --- the clients that need building, built while the scenarios are made --

build_go() {
	local h=$T/build/go-home
	have go go golang-go || return 0
	mkdir -p "$h"
	(cd "$T/build" && HOME=$h GOCACHE=$h/cache GOPATH=$h/path GOFLAGS= \
	    GO111MODULE=off go build -o go-client "$C/client.go") \
	    >"$T/build/go.log" 2>&1 ||
	    missing go "go build failed: $(tail -n 1 "$T/build/go.log")"
}

build_java() {
	have java javac default-jdk-headless || return 0
	javac -d "$T/build/java" "$C/Client.java" >"$T/build/java.log" 2>&1 ||
	    missing java "javac failed: $(tail -n 1 "$T/build/java.log")"
}

# No package reference: the SDK's own packs suffice, so the build needs no
# feed.  A home of its own keeps the SDK's first-run files out of the
# user's.
build_dotnet() {
	local h=$T/build/dotnet-home
	have dotnet dotnet "the .NET SDK" || return 0
	mkdir -p "$h" "$T/build/dotnet-src"
	cp "$C/dotnet/client.csproj" "$C/dotnet/Program.cs" \
	    "$T/build/dotnet-src" || return 1
	(cd "$T/build/dotnet-src" && HOME=$h DOTNET_CLI_HOME=$h \
	    DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 \
	    DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 MSBUILDDISABLENODEREUSE=1 \
	    timeout 300 dotnet build -c Release -o "$T/build/dotnet" \
	    --disable-build-servers -p:UseSharedCompilation=false) \
	    >"$T/build/dotnet.log" 2>&1 ||
	    missing dotnet "dotnet build failed: $(grep -m1 -i error \
		"$T/build/dotnet.log")"
}

build_go &
b1=$!
build_java &
b2=$!
build_dotnet &
b3=$!
t_own "$b1 $b2 $b3"

# --- scenarios and servers ---------------------------------------------------

peer start_http "$T/gen/aia"
"$T_PYTHON" "$C/gen.py" "$T/gen" "http://127.0.0.1:$HTTP_PORT" \
    >"$T/gen.log" 2>&1 || {
	sed 's/^/# /' "$T/gen.log"
	echo "Bail out! the scenario generator failed"
	exit 1
}
N=$(wc -l <"$T/gen/scenarios")
check "the generator made $N scenarios (at least 80)" test "$N" -ge 80
stamp "$N scenarios made"

# One s_server per scenario, all started before any is waited for.  The
# server itself does no checks (security level 0), so that it presents
# whatever the scenario holds.
set -- $(peer_ports "$N")
: >"$T/targets"
while IFS=$TAB read -r s desc; do
	d=$T/gen/s/$s
	mkdir -p "$T/srv/$s"
	split_chain "$d/chain.pem" "$T/srv/$s"
	port=$1
	shift
	args="-cert $T/srv/$s/leaf.pem -key $d/key.pem"
	[ -s "$T/srv/$s/rest.pem" ] &&
	    args="$args -cert_chain $T/srv/$s/rest.pem"
	OPENSSL_CONF=/dev/null openssl s_server -accept "127.0.0.1:$port" \
	    $args -www -quiet -cipher ALL:@SECLEVEL=0 \
	    </dev/null >"$T/srv/$s/log" 2>&1 &
	t_own $!
	echo "$s $port $(cat "$d/name") $d $!" >>"$T/targets"
done <"$T/gen/scenarios"
while read -r s port name d pid; do
	peer_wait "$pid" "$T/srv/$s/log" "$port" || {
		echo "Bail out! no server for $s"
		exit 1
	}
done <"$T/targets"
cut -d' ' -f1-4 "$T/targets" >"$T/targets4"
stamp "servers up"
wait $b1 $b2 $b3
stamp "clients built"

# --- the real clients ---------------------------------------------------

run_openssl() {
	local s=$1 port=$2 name=$3 d=$4 o=$T/res/openssl/$1.out
	if is_ip "$name"; then
		set -- -verify_ip "$name"
	else
		set -- -servername "$name" -verify_hostname "$name"
	fi
	timeout 60 openssl s_client -connect "127.0.0.1:$port" \
	    -verify_return_error -CAfile "$d/anchors.pem" -no-CApath \
	    -no-CAstore "$@" </dev/null >"$o" 2>&1
	if [ $? -eq 0 ] && grep -q '^ *Verify return code: 0 (ok)' "$o"; then
		result openssl "$s" accept ok
	else
		result openssl "$s" reject "$(grep -m1 -o \
		    'verify error:num=[0-9]*:.*' "$o" || tail -n 1 "$o")"
	fi
}

run_gnutls() {
	local s=$1 port=$2 name=$3 d=$4 o=$T/res/gnutls/$1.out
	set -- --verify-hostname "$name"
	is_ip "$name" || set -- "$@" --sni-hostname "$name"
	timeout 60 gnutls-cli --x509cafile "$d/anchors.pem" -p "$port" "$@" \
	    127.0.0.1 </dev/null >"$o" 2>&1
	if [ $? -eq 0 ] && grep -q 'Status: The certificate is trusted' "$o"
	then
		result gnutls "$s" accept ok
	else
		result gnutls "$s" reject "$(grep -m1 -e '- Status:' "$o" ||
		    grep -m1 -e 'Fatal error' "$o" || tail -n 1 "$o")"
	fi
}

run_nss() {
	local s=$1 port=$2 name=$3 d=$4 db=$T/nss/$1 a o=$T/res/nss/$1.out
	mkdir -p "$db"
	certutil -N -d "sql:$db" --empty-password >"$o" 2>&1
	for a in "$d"/anchor-*.pem; do
		certutil -A -d "sql:$db" -n "$(basename "$a" .pem)" -t C,, \
		    -i "$a" >>"$o" 2>&1
	done
	timeout 60 tstclnt -h 127.0.0.1 -p "$port" -d "sql:$db" -a "$name" -Q \
	    </dev/null >>"$o" 2>&1
	if [ $? -eq 0 ]; then
		result nss "$s" accept ok
	else
		result nss "$s" reject "$(grep -m1 'tstclnt:' "$o" |
		    sed 's/^tstclnt: //' || tail -n 1 "$o")"
	fi
}

# Each .NET run is a process of its own: the system store is read once per
# process, and the user store (HOME) caches what AIA fetched.
run_dotnet() {
	local s=$1 port=$2 name=$3 d=$4 h=$T/dotnet-home/$1 o
	mkdir -p "$h/certs"
	o=$(HOME=$h DOTNET_CLI_HOME=$h SSL_CERT_FILE=$d/anchors.pem \
	    SSL_CERT_DIR=$h/certs timeout 60 "$T/build/dotnet/client" \
	    "$port" "$name" 2>&1)
	case $o in
	accept*) result dotnet "$s" accept ok ;;
	*)	result dotnet "$s" reject "$(printf '%s' "$o" | sed -n 2p)" ;;
	esac
}

# each_target FUNCTION [JOBS]: FUNCTION SCENARIO PORT NAME DIR for every
# scenario, JOBS (1) at a time.
each_target() {
	local s port name d
	while read -r s port name d; do
		"$1" "$s" "$port" "$name" "$d" &
		[ "$(jobs -rp | wc -l)" -ge "${2:-1}" ] && wait -n
	done <"$T/targets4"
	wait
}

# ready CLIENT: it was built, or needs no building.
ready() {
	[ ! -f "$T/res/$1.missing" ]
}

# trustfix, as an administrator runs it: AIA allowed (the suite's AIA
# servers are on loopback, as an internal PKI's are on private addresses),
# every client named.
client_opt=""
"$TRUSTFIX" diagnose --help 2>&1 | grep -q -- '--client' &&
    client_opt="--client all"
diagnose_one() {
	local s=$1 port=$2 name=$3 d=$4 a trust=""
	for a in "$d"/anchor-*.pem; do
		trust="$trust --trust $a"
	done
	"$TRUSTFIX" diagnose "127.0.0.1:$port" --name "$name" $trust --json \
	    --timeout 30 --aia-allow-private $client_opt >"$T/tf/$s.json" 2>"$T/tf/$s.err"
}

jobs_=""
(ready dotnet && each_target run_dotnet 2; stamp "dotnet done") &
jobs_="$jobs_ $!"
(each_target diagnose_one 2; stamp "trustfix diagnose done") &
jobs_="$jobs_ $!"
(ready go && "$T/build/go-client" "$T/targets4" "$T/res/go" \
    >"$T/go.log" 2>&1; stamp "go done") &
jobs_="$jobs_ $!"
(ready java && java -cp "$T/build/java" Client "$T/targets4" \
    "$T/res/java" >"$T/java.log" 2>&1; stamp "java done") &
jobs_="$jobs_ $!"
(each_target run_openssl; stamp "openssl done") &
jobs_="$jobs_ $!"
(have gnutls gnutls-cli gnutls-bin && each_target run_gnutls
    stamp "gnutls done") &
jobs_="$jobs_ $!"
(have nss tstclnt libnss3-tools && have nss certutil libnss3-tools &&
    each_target run_nss; stamp "nss done") &
jobs_="$jobs_ $!"
"$T_PYTHON" "$C/strict.py" "$T/targets4" "$T/res/openssl-strict" \
    >"$T/strict.log" 2>&1 ||
    missing openssl-strict "strict.py failed: $(tail -n 1 "$T/strict.log")"
stamp "openssl-strict done"
wait $jobs_

# --- comparison -----------------------------------------------------------

"$T_PYTHON" "$C/compare.py" "$T" "$TOP_SRCDIR" "$CLIENTS" \
    "$TOP_BUILDDIR/conformance-matrix.txt" >"$T/compare.out" 2>&1 || {
	sed 's/^/# /' "$T/compare.out"
	echo "Bail out! compare.py failed"
	exit 1
}
while IFS=$TAB read -r what desc more; do
	case $what in
	ok)	ok 0 "$desc" ;;
	fail)	ok 1 "$desc"
		[ -n "$more" ] && echo "#   $more" ;;
	known|todo)
		T_N=$((T_N + 1))
		echo "not ok $T_N - $desc # TODO $more" ;;
	skip)	skip_one "$desc" ;;
	*)	echo "$what${desc:+	$desc}${more:+	$more}" ;;
	esac
done <"$T/compare.out"
stamp "compared"
done_testing
