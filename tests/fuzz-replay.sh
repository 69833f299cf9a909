#!/bin/bash
# fuzz-replay.sh - the fuzz harnesses build and pass over their seed corpora.
#
# The campaigns themselves run outside CI (tests/fuzz/README); this keeps
# the harnesses compiling against the code they test, and runs each once
# over its seeds under ASan and UBSan (build.sh STANDALONE=1: gcc, no
# libFuzzer runtime needed).
. "$TOP_SRCDIR/tests/lib.sh"
need cc pkg-config openssl

STANDALONE=1 CC=cc sh "$TOP_SRCDIR/tests/fuzz/build.sh" "$TOP_BUILDDIR" \
    "$T/fuzz" >"$T/build.log" 2>&1
rc=$?
is "$rc" 0 "the harnesses build (gcc, ASan, UBSan, coverage)"
[ "$rc" = 0 ] || sed 's/^/# /' "$T/build.log" | tail -20

sh "$TOP_SRCDIR/tests/fuzz/seeds.sh" "$T/seeds" >"$T/seeds.log" 2>&1
ok $? "the seed corpora are written"

for h in load target starttls names devprofile aia; do
	n=$(find "$T/seeds/$h" -type f | wc -l)
	[ "$n" -gt 0 ]
	ok $? "fuzz-$h has seeds ($n)"
	out=$(cd "$T" && "$T/fuzz/fuzz-$h" -close_fd_mask=3 -max_len=262144 \
	    "$T/seeds/$h" 2>&1)
	rc=$?
	is "$rc" 0 "fuzz-$h passes over its seeds"
	[ "$rc" = 0 ] || printf '%s\n' "$out" | sed 's/^/# /' | tail -20
	like "$out" "standalone: $n execs" "fuzz-$h ran every seed"
done

done_testing
