#!/bin/bash
# store.sh - trust-store benchmarks: trustfix against what an admin would run.
#
#   bench/store.sh [TRUSTFIX] [RUNS]
#
# 1. 'trustfix list --all' against 'trust list' on this machine's store,
#    beside the floor: bench/p11-floor.c, which only loads p11-kit's trust
#    module and finds its certificate objects.
# 2. 'trustfix import' (ca-certificates backend) against a bare 'cp' plus
#    'update-ca-certificates', in a private mount namespace (root only).
# 3. 'trustfix import --store DIR' of one root into a new directory store.
# Runs are interleaved; the report gives medians, their ratio or difference,
# and the peak RSS.  Nothing here touches the machine's real trust store.
set -u
TRUSTFIX=$(realpath "${1:-_build/trustfix}")
RUNS=${2:-21}
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
[ -x "$TRUSTFIX" ] || { echo "usage: $0 TRUSTFIX [RUNS]" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "store.sh: needs /usr/bin/time" >&2; exit 2; }

if [ -z "${BENCH_IN_NS:-}" ]; then
	W=$(mktemp -d "${TMPDIR:-/tmp}/trustfix-bench.XXXXXX")
	trap 'rm -rf "$W"' EXIT
	export W
else
	W=$BENCH_W
fi

# clock: milliseconds since the epoch, with microseconds.
clock() {
	local t=${EPOCHREALTIME/./}
	echo "$((t / 1000)).$(printf '%03d' $((t % 1000)))"
}

# timed NAME CMD...: append "ms rss_kb" of one run to $W/NAME.
timed() {
	local name=$1 a b
	shift
	a=$(clock)
	/usr/bin/time -f '%M %U %S' -o "$W/.rss" "$@" >/dev/null 2>&1
	b=$(clock)
	tail -n 1 "$W/.rss" | awk -v a="$a" -v b="$b" \
	    '{ printf "%.1f %d %.0f\n", b - a, $1, ($2 + $3) * 1000 }' \
	    >>"$W/$name"
}

# cpu NAME: median CPU time (user + system, 10 ms resolution).
cpu() {
	sort -n -k3 "$W/$1" | awk '{ v[NR] = $3 } END { print v[int((NR + 1) / 2)] }'
}

# wmedian NAME: the median of the first column of $W/NAME.
wmedian() {
	median "$W/$1"
}

peak() {
	sort -n -k2 "$W/$1" | tail -n 1 | awk '{ print $2 }'
}

newroot() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$W/k.pem" -out "$1" -days 30 -subj "/CN=Bench Root $2" \
	    -addext basicConstraints=critical,CA:TRUE 2>/dev/null
}

# p11_floor: build bench/p11-floor.c into $W/p11-floor; its module path
# in $FLOOR_MODULE.  Returns 1 (and the floor is not measured) without a
# compiler.
p11_floor() {
	FLOOR_MODULE=$(pkg-config --variable=p11_module_path p11-kit-1 \
	    2>/dev/null)/p11-kit-trust.so
	[ -f "$FLOOR_MODULE" ] &&
	    cc -O2 -o "$W/p11-floor" "$HERE/p11-floor.c" \
	    $(pkg-config --cflags p11-kit-1) -ldl 2>/dev/null
}

bench_list() {
	local i floor=0
	p11_floor && floor=1
	for i in $(seq "$RUNS"); do
		timed tf-list "$TRUSTFIX" list --all
		timed trust-list trust list
		[ $floor = 0 ] || timed floor "$W/p11-floor" "$FLOOR_MODULE"
	done
	printf '%-44s %8s ms %7s KiB  cpu %s ms\n' "trustfix list --all" \
	    "$(wmedian tf-list)" "$(peak tf-list)" "$(cpu tf-list)"
	printf '%-44s %8s ms %7s KiB  cpu %s ms\n' "trust list" \
	    "$(wmedian trust-list)" "$(peak trust-list)" "$(cpu trust-list)"
	printf '%-44s %8s    (goal <= 0.5)\n' "ratio trustfix/trust" \
	    "$(awk -v a="$(wmedian tf-list)" -v b="$(wmedian trust-list)" \
	    'BEGIN { printf "%.2f", a / b }')"
	[ $floor = 1 ] || return 0
	# What the trust module alone costs: no client of it can list faster.
	printf '%-44s %8s ms %7s KiB  cpu %s ms\n' \
	    "module floor (load, find certificates)" "$(wmedian floor)" \
	    "$(peak floor)" "$(cpu floor)"
	printf '%-44s %8s\n' "ratio floor/trust" \
	    "$(awk -v a="$(wmedian floor)" -v b="$(wmedian trust-list)" \
	    'BEGIN { printf "%.2f", a / b }')"
}

bench_dir() {
	local i
	for i in $(seq "$RUNS"); do
		newroot "$W/d$i.pem" "d$i"
		timed tf-dir "$TRUSTFIX" import --store "$W/dir$i" --yes \
		    "$W/d$i.pem"
	done
	printf '%-44s %8s ms %7s KiB   (goal <= 10 ms)\n' \
	    "trustfix import --store DIR (one root)" "$(wmedian tf-dir)" \
	    "$(peak tf-dir)"
}

# Inside the namespace: a copy of /etc and of the local anchors.
bench_cacerts() {
	local i
	cp -a /etc/. "$W/etc/" 2>/dev/null
	rm -f "$W"/etc/ca-certificates/update.d/*
	cp -a /usr/local/share/ca-certificates/. "$W/local/"
	mount --bind "$W/etc" /etc &&
	    mount --bind "$W/local" /usr/local/share/ca-certificates || exit 1
	for d in /var/lib/ca-certificates*; do
		[ -d "$d" ] && mount -t tmpfs tmpfs "$d"
	done
	for i in $(seq "$RUNS"); do
		newroot "$W/a$i.pem" "a$i"
		newroot "$W/b$i.pem" "b$i"
		timed tf-import "$TRUSTFIX" import --yes "$W/a$i.pem"
		timed cp-update sh -c "cp '$W/b$i.pem' \
		    /usr/local/share/ca-certificates/bench-b$i.crt &&
		    update-ca-certificates"
	done
	printf '%-44s %8s ms %7s KiB\n' "trustfix import (ca-certificates)" \
	    "$(wmedian tf-import)" "$(peak tf-import)"
	printf '%-44s %8s ms %7s KiB\n' "cp + update-ca-certificates" \
	    "$(wmedian cp-update)" "$(peak cp-update)"
	printf '%-44s %8s ms (goal <= 50 ms)\n' "difference" \
	    "$(awk -v a="$(wmedian tf-import)" -v b="$(wmedian cp-update)" \
	    'BEGIN { printf "%.1f", a - b }')"
}

if [ -n "${BENCH_IN_NS:-}" ]; then
	bench_cacerts
	exit
fi
echo "# $RUNS runs each, interleaved; $(nproc) CPUs; $(date -u +%FT%TZ)"
bench_list
bench_dir
if [ "$(id -u)" = 0 ] && unshare --mount --propagation private true; then
	mkdir -p "$W/ns/etc" "$W/ns/local"
	BENCH_IN_NS=1 BENCH_W=$W/ns unshare --mount --propagation private \
	    "$BASH" "$HERE/store.sh" "$TRUSTFIX" "$RUNS"
else
	echo "# ca-certificates import: needs root and unshare --mount; skipped"
fi
