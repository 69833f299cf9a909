#!/bin/sh
# build.sh - build the libFuzzer harnesses with ASan and UBSan.
#
# Usage: tests/fuzz/build.sh BUILDDIR [OUTDIR]
#   BUILDDIR  a configured build directory (for config.h)
#   OUTDIR    where the fuzz-* programs go (default BUILDDIR/fuzz)
#
# Runs from anywhere; compiles src/*/*.c but the command layer (src/cmd)
# into every harness.  CC defaults to clang, or clang-14 without one.
#
# STANDALONE=1 builds them without libFuzzer, for a compiler without its
# runtime (CC defaults to cc): with standalone.c as main and gcc's
# -fsanitize-coverage=trace-pc; see README.
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILDDIR [OUTDIR]" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
out=${2:-$build/fuzz}
standalone=${STANDALONE:-0}
if [ -n "${CC:-}" ]; then
	cc=$CC
elif [ "$standalone" = 1 ]; then
	cc=cc
elif command -v clang >/dev/null 2>&1; then
	cc=clang
else
	cc=clang-14
fi
mkdir -p "$out"

[ -f "$build/config.h" ] || { echo "$0: no config.h in $build" >&2; exit 1; }

# Say so at once when the libFuzzer runtime is missing, not after the build.
if [ "$standalone" != 1 ] && ! echo 'int LLVMFuzzerTestOneInput(void) { return 0; }' |
    $cc -fsanitize=fuzzer,address -x c - -o "$out/probe" 2>/dev/null; then
	echo "$0: $cc cannot link libFuzzer and ASan (Debian:" \
	    "libclang-rt-14-dev); STANDALONE=1 builds without them" >&2
	exit 1
fi
rm -f "$out/probe"

iquote=
for d in "$top"/src/*/; do
	iquote="$iquote -iquote ${d%/}"
done

if [ "$standalone" = 1 ]; then
	san="-fsanitize=address,undefined -fsanitize-coverage=trace-pc"
else
	san="-fsanitize=fuzzer,address,undefined"
fi
cflags="$san -fno-sanitize-recover=undefined
	-g -O1 -D_GNU_SOURCE -DPKGDATADIR=\"$top\" $iquote -I$build
	$(pkg-config --cflags openssl p11-kit-1 libarchive jansson libplist-2.0 \
	libxml-2.0 ldap lber)"
# As in Makefile.am: libarchive, libldap and libxml2 are loaded on first use.
libs="$(pkg-config --libs openssl p11-kit-1 jansson libplist-2.0) -ldl"

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

main=
if [ "$standalone" = 1 ]; then
	# Not instrumented: it is the coverage map's owner.
	$cc -g -O1 -fsanitize=address,undefined -c "$top/tests/fuzz/standalone.c" \
	    -o "$out/obj/standalone.o"
	main=$out/obj/standalone.o
fi
for h in "$top"/tests/fuzz/fuzz-*.c; do
	name=$(basename "$h" .c)
	# shellcheck disable=SC2086
	$cc $cflags "$h" $main $objs $libs -o "$out/$name"
	echo "$out/$name"
done
