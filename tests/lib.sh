# lib.sh - TAP helpers for the shell tests: plan, checks, temp dirs, cleanup.
# Source it from a test: . "$TOP_SRCDIR/tests/lib.sh"

set -u
: "${TRUSTFIX:?run the tests through make check}"
: "${TOP_SRCDIR:?run the tests through make check}"

T_NAME=$(basename "$0" .sh)
T_N=0
T_FAILED=0
T_PIDS=""
T=$(mktemp -d "${TMPDIR:-/tmp}/trustfix-$T_NAME.XXXXXX")
export LC_ALL=C
# The distribution's python starts fastest (a user's may be a shim).
T_PYTHON=/usr/bin/python3
[ -x "$T_PYTHON" ] || T_PYTHON=python3

t_cleanup() {
	local pid
	for pid in $T_PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $T_PIDS; do
		wait "$pid" 2>/dev/null
	done
	if [ "$T_FAILED" -eq 0 ] && [ "${TRUSTFIX_KEEP:-0}" != 1 ]; then
		rm -rf "$T"
	else
		echo "# kept $T"
	fi
}
trap t_cleanup EXIT
trap 'exit 1' INT TERM

# Remember a PID we started, so that cleanup kills it (and only it).
t_own() {
	T_PIDS="$T_PIDS $1"
}

# ok STATUS DESCRIPTION: STATUS 0 passes.
ok() {
	T_N=$((T_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $T_N - $2"
	else
		echo "not ok $T_N - $2"
		T_FAILED=$((T_FAILED + 1))
	fi
}

# check DESCRIPTION COMMAND...: passes when COMMAND exits 0.
check() {
	local d=$1
	shift
	"$@" >/dev/null 2>&1
	ok $? "$d"
}

# is GOT WANT DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

# like TEXT EXTENDED-REGEX DESCRIPTION
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '%s\n' "$1" | head -n 20 | sed 's/^/#   got: /'
		printf '#   want match: %s\n' "$2"
	fi
}

# unlike TEXT EXTENDED-REGEX DESCRIPTION
unlike() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		printf '%s\n' "$1" | head -n 20 | sed 's/^/#   got: /'
	else
		ok 0 "$3"
	fi
}

# run COMMAND...: sets $rc, $out (stdout) and $err (stderr).
run() {
	"$@" >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(cat "$T/.out")
	err=$(cat "$T/.err")
}

# tf ARGS...: run the trustfix under test.
tf() {
	run "$TRUSTFIX" "$@"
}

# certfp sha1|sha256 FILE: a certificate's fingerprint as trustfix prints
# it (lowercase hex, no colons), computed by openssl.
certfp() {
	openssl x509 -in "$2" -noout -fingerprint "-$1" |
	    sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

# jq_is FILTER WANT DESCRIPTION: query $out (one JSON document).
jq_is() {
	local got
	got=$(printf '%s' "$out" | jq -r "$1" 2>&1)
	is "$got" "$2" "$3"
}

# json_one DESCRIPTION: $out is exactly one JSON document.
json_one() {
	local n
	n=$(printf '%s' "$out" | jq -s 'length' 2>/dev/null)
	is "${n:-invalid}" 1 "$1"
}

# skip_all REASON: nothing here can run.  Under CI a skip is a failure.
skip_all() {
	if [ -n "${CI:-}" ]; then
		echo "not ok 1 - cannot run under CI: $1"
		echo "1..1"
		T_FAILED=1
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

# skip_one REASON: one check that cannot run here.  Under CI a skip is a
# failure.
skip_one() {
	if [ -n "${CI:-}" ]; then
		ok 1 "cannot run under CI: $1"
	else
		T_N=$((T_N + 1))
		echo "ok $T_N # SKIP $1"
	fi
}

# The public suites written by others stay outside the project (their
# README asks that they not be copied in): TRUSTFIX_CORPORA names their
# folder, by default ../shared/corpora beside the source tree; a
# tarball's tests (make distcheck) are given it that way.
CORPORA=${TRUSTFIX_CORPORA:-$TOP_SRCDIR/../shared/corpora}

# sanitized: the trustfix under test is built with AddressSanitizer, which
# reserves more address space than any memory limit a test could set.
sanitized() {
	ldd "$TRUSTFIX" 2>/dev/null | grep -q libasan
}

# need PROGRAM...: skip_all unless each program is installed.
need() {
	local p
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 ||
		    [ -x "/usr/sbin/$p" ] || skip_all "$p not installed"
	done
}

# done_testing: print the plan and exit with the verdict.
done_testing() {
	echo "1..$T_N"
	[ "$T_FAILED" -eq 0 ]
	exit $?
}

# as_nobody COMMAND...: run COMMAND as the user nobody; in it "trustfix"
# is a copy of the binary under test that nobody can run, since the build
# tree may sit in a directory only root can enter.
as_nobody() {
	if [ ! -x "$T/pub/trustfix" ]; then
		mkdir -p "$T/pub" && cp "$TRUSTFIX" "$T/pub/trustfix" &&
		    chmod 755 "$T" "$T/pub" "$T/pub/trustfix" || return 126
	fi
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    env PATH="$T/pub:$PATH" "$@"
}

# free_port: an unprivileged TCP port nobody listens on, on loopback.
free_port() {
	"$T_PYTHON" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT [SECONDS]: wait until something listens on PORT.
wait_port() {
	local i=0 max=$(( ${2:-10} * 10 ))
	while [ $i -lt $max ]; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
