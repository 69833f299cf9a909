#!/bin/bash
# scan.sh - trustfix scan versus xargs -P16 openssl s_client.
#
# Usage: bench/scan.sh [TRUSTFIX] [N] [RUNS]
#   TRUSTFIX  the binary to measure (default: ./trustfix, or $TRUSTFIX)
#   N         TLS endpoints (default 2000; CI's quick variant: 200)
#   RUNS      interleaved runs of each command (default 3)
#
# One nginx serves the test PKI's chain on N loopback addresses
# (127.1.x.y, one port), as N servers of a router's configuration would.
# Both tools fetch every endpoint: trustfix scan --json (every default:
# --concurrency 64, --per-host 2) and xargs -P16 running openssl s_client
# once per endpoint.  Printed: the median wall time of each, their ratio
# (goal: >= 20), the peak RSS of trustfix scan (goal: <= 100 MB), and a
# scan with 5 silent peers mixed in (goal: <= normal + --timeout + 0.5 s).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
tf=${1:-${TRUSTFIX:-./trustfix}}
n=${2:-2000}
runs=${3:-3}
timeout=2
[ -x "$tf" ] || { echo "scan.sh: no trustfix at $tf" >&2; exit 2; }
tf=$(cd "$(dirname "$tf")" && pwd)/$(basename "$tf")
for p in openssl nginx python3 xargs /usr/bin/time; do
	command -v "$p" >/dev/null ||
	    { echo "scan.sh: $p needed" >&2; exit 2; }
done
[ "$n" -ge 1 ] && [ "$n" -le 60000 ] ||
    { echo "scan.sh: N from 1 to 60000" >&2; exit 2; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/trustfix-bench.XXXXXX")
pids=
cleanup() {
	local p
	for p in $pids; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

"$top/tests/pki.sh" "$dir/pki" >/dev/null 2>&1 ||
    { echo "scan.sh: tests/pki.sh failed" >&2; exit 1; }
port=$(python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# addr I: the loopback address of endpoint I.
addr() {
	echo "127.1.$(( $1 / 250 )).$(( $1 % 250 + 1 ))"
}
ulimit -n $(( n * 2 + 1024 )) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p "$dir/nginx/logs" "$dir/nginx/tmp"
{
	[ "$(id -u)" = 0 ] && echo "user root;"
	cat <<CONF
worker_processes 2;
worker_rlimit_nofile $(( n * 2 + 1024 ));
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/logs/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	client_body_temp_path $dir/nginx/tmp/body;
	proxy_temp_path $dir/nginx/tmp/proxy;
	fastcgi_temp_path $dir/nginx/tmp/fastcgi;
	uwsgi_temp_path $dir/nginx/tmp/uwsgi;
	scgi_temp_path $dir/nginx/tmp/scgi;
	server {
CONF
	i=0
	while [ $i -lt "$n" ]; do
		echo "		listen $(addr $i):$port ssl;"
		i=$((i + 1))
	done
	cat <<CONF
		server_name _;
		ssl_certificate $dir/pki/server-chain.pem;
		ssl_certificate_key $dir/pki/server.key;
		return 200 "bench\n";
	}
}
CONF
} >"$dir/nginx/nginx.conf"
nginx -p "$dir/nginx" -e "$dir/nginx/logs/error.log" \
    -c "$dir/nginx/nginx.conf" -g 'daemon off;' >/dev/null 2>&1 &
pids="$pids $!"
last=$(addr $((n - 1)))
for _ in $(seq 100); do
	(exec 3<>"/dev/tcp/$last/$port") 2>/dev/null && break
	sleep 0.1
done
(exec 3<>"/dev/tcp/$last/$port") 2>/dev/null || {
	echo "scan.sh: nginx did not start" >&2
	tail -n 5 "$dir/nginx/logs/error.log" >&2
	exit 1
}

i=0
while [ $i -lt "$n" ]; do
	echo "$(addr $i):$port"
	i=$((i + 1))
done >"$dir/hostports"
sed 's|^|https://|' "$dir/hostports" >"$dir/targets"
scan() {
	"$tf" scan --json --no-aia --name mail.contoso.test \
	    --trust "$dir/pki/root.pem" --timeout "$timeout" "$@"
}
xargs_sclient() {
	xargs -a "$dir/hostports" -P16 -I{} openssl s_client -connect {} \
	    -servername mail.contoso.test -verify_quiet </dev/null
}

# Every endpoint answers, and trustfix trusts each.
got=$(scan "$dir/targets" | tail -n 1 |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["summary"]["trusted"])')
[ "$got" = "$n" ] ||
    { echo "scan.sh: $got of $n endpoints trusted" >&2; exit 1; }

# ms COMMAND...: wall time of one run in milliseconds.
ms() {
	local t0=$EPOCHREALTIME t1
	"$@" </dev/null >/dev/null 2>&1
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'
}
: >"$dir/tf.ms"
: >"$dir/xargs.ms"
for _ in $(seq "$runs"); do
	ms scan "$dir/targets" >>"$dir/tf.ms"
	ms xargs_sclient >>"$dir/xargs.ms"
done
tfm=$(median "$dir/tf.ms")
xm=$(median "$dir/xargs.ms")
/usr/bin/time -v "$tf" scan --json --no-aia --name mail.contoso.test \
    --trust "$dir/pki/root.pem" --timeout "$timeout" "$dir/targets" \
    2>"$dir/time" >/dev/null
rss=$(awk -F: '/Maximum resident/ { printf "%.1f", $2 / 1024 }' "$dir/time")

# Five peers that accept and never speak, among the endpoints, each on
# its own address (one host's peers would wait for each other: --per-host).
cp "$dir/targets" "$dir/silent-targets"
python3 -c 'import socket, time
ss = []
for i in range(1, 6):
    s = socket.socket(); s.bind(("127.2.0.%d" % i, '"$port"')); s.listen(64)
    ss.append(s)
time.sleep(120)' &
pids="$pids $!"
for i in 1 2 3 4 5; do
	for _ in $(seq 50); do
		(exec 3<>"/dev/tcp/127.2.0.$i/$port") 2>/dev/null && break
		sleep 0.1
	done
	sed -i "$(( i * n / 6 + 1 ))i 127.2.0.$i:$port" "$dir/silent-targets"
done
sm=$(ms scan "$dir/silent-targets")
lines=$(scan "$dir/silent-targets" | grep -c '"target"')

awk -v n="$n" -v runs="$runs" -v tf="$tfm" -v x="$xm" -v rss="$rss" \
    -v sm="$sm" -v to="$timeout" -v lines="$lines" 'BEGIN {
	printf "%d endpoints, %d runs each, medians:\n", n, runs
	printf "  trustfix scan            %9.1f ms\n", tf
	printf "  xargs -P16 s_client      %9.1f ms\n", x
	printf "  ratio                    %9.1f x   (goal >= 20)\n", x / tf
	printf "  trustfix peak RSS        %9.1f MB  (goal <= 100)\n", rss
	printf "  with 5 silent peers      %9.1f ms  (goal <= %.1f ms), " \
	    "%d lines for %d targets\n", sm, tf + to * 1000 + 500, lines, n + 5
}'
