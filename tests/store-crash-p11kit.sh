#!/bin/bash
# store-crash-p11kit.sh - the whole process group killed at every step of
# an import and a removal on the p11-kit backend: after the object is
# created or destroyed (fault points) and at each command of the refresh
# (update-ca-trust extract, whose 'trust extract' runs are steps); the
# next trustfix run brings the extracted bundles in line with the token.
# In a private mount namespace, with the real p11-kit trust module.
# TRUSTFIX_CRASH_PASSES=N repeats the whole loop N times (default 1).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/store-lib.sh"
need openssl trust setsid flock
ns_enter "$@"
ns_fedora || skip_all "cannot build the Fedora-style sandbox"
crash_wrap trust || skip_all "cannot bind the step counters"
concurrent_roots
E=/etc/pki/ca-trust/extracted
ROOT=$(certfp sha256 "$T/r1.pem")

# views: "yes" or "no" when the token and every extracted bundle agree
# about r1, else what disagrees.
views() {
	local p t m o bad=""
	trust list --filter=ca-anchors |
	    grep -q 'label: trustfix:Concurrent Root 1$' && p=yes || p=no
	openssl verify -no-CApath -CAfile $E/pem/tls-ca-bundle.pem \
	    "$T/r1.pem" >/dev/null 2>&1 && t=yes || t=no
	openssl verify -no-CApath -CAfile $E/pem/email-ca-bundle.pem \
	    "$T/r1.pem" >/dev/null 2>&1 && m=yes || m=no
	openssl verify -no-CApath -CAfile $E/openssl/ca-bundle.trust.crt \
	    "$T/r1.pem" >/dev/null 2>&1 && o=yes || o=no
	[ "$(trust list --filter=ca-anchors |
	    grep -c 'label: trustfix:Concurrent Root 1$')" -le 1 ] ||
	    bad="$bad twice-in-token"
	[ -e /etc/pki/ca-trust/.trustfix-refresh ] && bad="$bad journal-left"
	if [ "$p$t$m$o" = yesyesyesyes ] || [ "$p$t$m$o" = nononono ]; then
		echo "$p$bad"
	else
		echo "p11=$p tls=$t email=$m openssl=$o$bad"
	fi
}

rounds=0
bad=0
badlist=""
# verdict OP K HOW: after a crash, the next run (an import of r2), then
# OP again, must leave every view agreeing.
verdict() {
	local op=$1 k=$2 want=$3 v v2
	rounds=$((rounds + 1))
	"$TRUSTFIX" import --yes "$T/r2.pem" >/dev/null 2>&1
	v=$(views)
	case $v in
	yes|no) ;;
	*) bad=$((bad + 1)); badlist="$badlist $op@$k($v)" ;;
	esac
	"$TRUSTFIX" $op --yes "$T/r1.pem" >/dev/null 2>&1
	v2=$(views)
	[ "$v2" = "$want" ] || {
		bad=$((bad + 1))
		badlist="$badlist $op@$k-again($v2)"
	}
	echo "# $op: killed at $k: $v; run again: $v2"
	"$TRUSTFIX" remove --yes "$T/r2.pem" >/dev/null 2>&1
}

# reset OP: r1 as before OP.
reset() {
	if [ "$1" = import ]; then
		"$TRUSTFIX" remove --yes "$ROOT" >/dev/null 2>&1
	else
		"$TRUSTFIX" import --yes "$T/r1.pem" >/dev/null 2>&1
	fi
}

crash_loop() {
	local op=$1 want point k
	[ "$op" = import ] && want=yes || want=no
	[ "$op" = import ] && point=after-create || point=after-destroy
	TRUSTFIX_FAULT=$point "$TRUSTFIX" $op --yes "$T/r1.pem" \
	    >/dev/null 2>&1
	if [ $? = 99 ]; then
		verdict "$op" "$point" "$want"
		reset "$op"
	fi
	crash_run -1 "$TRUSTFIX" $op --yes "$T/r1.pem"
	[ "$rc" = 0 ] || { bad=$((bad + 1)); badlist="$badlist $op-whole"; }
	reset "$op"
	seq 1 "$steps" >"$T/points"
	while read -r k; do
		crash_run "$k" "$TRUSTFIX" $op --yes "$T/r1.pem"
		if [ "$rc" = 137 ]; then
			verdict "$op" "step $k" "$want"
		else
			echo "# $op: not killed at step $k (exit $rc)"
		fi
		reset "$op"
	done <"$T/points"
}

is "$(views)" no "before: nothing trusts r1"
pass=0
while [ "$pass" -lt "${TRUSTFIX_CRASH_PASSES:-1}" ]; do
	crash_loop import
	"$TRUSTFIX" import --yes "$T/r1.pem" >/dev/null 2>&1
	crash_loop remove
	"$TRUSTFIX" remove --yes "$ROOT" >/dev/null 2>&1
	pass=$((pass + 1))
done
is "$(views)" no "after: nothing trusts r1"
[ "$rounds" -gt 0 ]
ok $? "the process group was killed in $rounds rounds"
is "$bad" 0 "inconsistent stores after the next run:$badlist"
echo "# rounds $rounds, inconsistent $bad"
done_testing
