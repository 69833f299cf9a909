#!/bin/bash
# corpora-limbo.sh - x509-limbo's TLS server cases: trustfix against the
# expectations, side by side with openssl verify on the same files.
#
# Run by "make check-corpora".  CORPORA_LIMBO_LIMIT=N runs the first N
# cases only (not under CI).  The full comparison is written to
# corpora-limbo.report in the build directory.
. "$TOP_SRCDIR/tests/lib.sh"

corpus="$CORPORA/limbo-server.jsonl.xz"
[ -r "$corpus" ] || skip_all "no x509-limbo corpus at $CORPORA"
need python3 openssl
limit=${CORPORA_LIMBO_LIMIT:-0}
[ -n "${CI:-}" ] && limit=0
report="${TOP_BUILDDIR:-.}/corpora-limbo.report"

python3 "$TOP_SRCDIR/tests/corpora-limbo.py" "$TRUSTFIX" "$corpus" \
    "$report" "$limit" >"$T/run.out" 2>"$T/run.err"
ok $? "the runner ran (report in corpora-limbo.report)"
grep '^#' "$T/run.out"
sed 's/^/# runner: /' "$T/run.err" | head -n 20
res=$(grep '^RESULT ' "$T/run.out")
val() {
	printf '%s\n' "$res" | tr ' ' '\n' | sed -n "s/^$1=//p"
}
scored=$(val scored)
tf=$(val trustfix)
ossl=$(val openssl)
[ -n "$scored" ] && [ "$scored" -gt 0 ]
ok $? "cases were run (${scored:-0})"
if [ "$limit" = 0 ]; then
	is "$scored" 9752 "every scored case was run"
fi
is "$(val crashes)" 0 "trustfix neither crashed nor timed out"
is "$(val inconsistent)" 0 "trustfix's exit status follows its verdict"
[ "${tf:-0}" -ge "${ossl:-1}" ]
ok $? "trustfix agrees at least as often as openssl verify\
 (${tf:-?} vs ${ossl:-?} of ${scored:-?})"
done_testing
