#!/bin/sh
# build.sh - build the libFuzzer harnesses with ASan and UBSan.
#
# Usage: tests/fuzz/build.sh BUILDDIR [OUTDIR]
#   BUILDDIR  a configured build directory (for config.h)
#   OUTDIR    where the fuzz-* programs go (default BUILDDIR/fuzz)
#
# Runs from anywhere; compiles src/*/*.c but the command layer (src/cmd)
# into every harness.  CC defaults to clang.
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILDDIR [OUTDIR]" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
out=${2:-$build/fuzz}
cc=${CC:-clang}
mkdir -p "$out"

[ -f "$build/config.h" ] || { echo "$0: no config.h in $build" >&2; exit 1; }

iquote=
for d in "$top"/src/*/; do
	iquote="$iquote -iquote ${d%/}"
done

cflags="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-g -O1 -D_GNU_SOURCE -DPKGDATADIR=\"$top\" $iquote -I$build
	$(pkg-config --cflags openssl p11-kit-1 libarchive jansson libplist-2.0)"
libs="$(pkg-config --libs openssl p11-kit-1 libarchive jansson libplist-2.0) -ldl"

srcs=
for f in "$top"/src/*/*.c; do
	case $f in
	"$top"/src/cmd/*) ;;
	*) srcs="$srcs $f" ;;
	esac
done

# The project's objects once, then one link per harness.
objs=
pids=
mkdir -p "$out/obj"
for f in $srcs; do
	o="$out/obj/$(basename "$f" .c).o"
	# shellcheck disable=SC2086
	$cc $cflags -c "$f" -o "$o" &
	pids="$pids $!"
	objs="$objs $o"
done
for p in $pids; do
	wait "$p"
done

for h in "$top"/tests/fuzz/fuzz-*.c; do
	name=$(basename "$h" .c)
	# shellcheck disable=SC2086
	$cc $cflags "$h" $objs $libs -o "$out/$name"
	echo "$out/$name"
done
