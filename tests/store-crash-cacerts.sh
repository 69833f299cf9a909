#!/bin/bash
# store-crash-cacerts.sh - the whole process group killed at every step of
# an import and a removal on the ca-certificates backend (inside
# update-ca-certificates too: each command it runs is a step); the next
# trustfix run repairs the hashed directory, the bundle and the hooks, and
# every view agrees.  In a private mount namespace, with the real
# update-ca-certificates and p11-kit.  By default (make check) it
# kills at the steps around the commands that change the store; with
# TRUSTFIX_CRASH_ALL=1 at every step (a long run, outside CI).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/store-lib.sh"
need openssl jq trust update-ca-certificates setsid flock run-parts
ns_enter "$@"
ns_debian || skip_all "cannot build the sandbox of mounts"

# A small selection of the distribution's anchors keeps a refresh fast.
grep -v '^[^#!]' /etc/ca-certificates.conf >"$T/conf"
grep '^[^#!]' /etc/ca-certificates.conf | head -n 3 >>"$T/conf"
cat "$T/conf" >/etc/ca-certificates.conf
update-ca-certificates --fresh >/dev/null 2>&1 ||
    skip_all "update-ca-certificates --fresh fails in the sandbox"
crash_wrap sed basename readlink ln mv chmod mktemp find openssl \
    run-parts wc rm cat || skip_all "cannot bind the step counters"
concurrent_roots
B=/etc/ssl/certs/ca-certificates.crt
L=/usr/local/share/ca-certificates
ROOT=$(certfp sha256 "$T/r1.pem")

# views: how each client sees r1: "yes" or "no" when they all agree,
# else what disagrees.  The hooks count as a view (the Java keystore is
# one): the last line they were told about r1's link, "-" or none is no.
views() {
	local f d p h bad=""
	openssl verify -no-CApath -CAfile "$B" "$T/r1.pem" >/dev/null 2>&1 &&
	    f=yes || f=no
	openssl verify -no-CAfile -CApath /etc/ssl/certs "$T/r1.pem" \
	    >/dev/null 2>&1 && d=yes || d=no
	trust list --filter=ca-anchors | grep -q 'label: Concurrent Root 1$' &&
	    p=yes || p=no
	case $(grep "trustfix-Concurrent_Root_1-${ROOT:0:8}\.pem$" \
	    "$T/hook.log" | tail -n 1) in
	+*) h=yes ;;
	*) h=no ;;
	esac
	[ "$(grep -cxF "$(sed -n 2p "$T/r1.pem")" "$B")" -le 1 ] ||
	    bad="$bad twice-in-bundle"
	[ -e "$B.new" ] && bad="$bad stale-bundle.new"
	[ -e "$L/.trustfix-refresh" ] && bad="$bad journal-left"
	ls -a "$L" | grep -q 'removing$' && bad="$bad removal-left"
	[ -n "$(find /etc/ssl/certs -xtype l)" ] && bad="$bad dangling-link"
	if [ "$f$d$p$h" = yesyesyesyes ] || [ "$f$d$p$h" = nononono ]; then
		echo "$f$bad"
	else
		echo "bundle=$f capath=$d p11=$p hooks=$h$bad"
	fi
}

rounds=0
bad=0
badlist=""
# crash_loop OP: kill "trustfix OP r1" at each step; the next run (an
# import of r2) repairs; then r1 is put back to the state before OP.
crash_loop() {
	local op=$1 want_before want_after k v
	if [ "$op" = import ]; then
		want_before=no want_after=yes
	else
		want_before=yes want_after=no
	fi
	crash_run -1 "$TRUSTFIX" $op --yes "$T/r1.pem"
	is "$rc" 0 "$op r1: runs whole, armed but never killed ($steps steps)"
	is "$(views)" "$want_after" "$op r1: every view agrees"
	# back to the state before
	if [ "$op" = import ]; then tf remove --yes "$ROOT"
	else tf import --yes "$T/r1.pem"; fi
	crash_points >"$T/points"
	while read -r k; do
		crash_run "$k" "$TRUSTFIX" $op --yes "$T/r1.pem"
		if [ "$rc" = 137 ]; then
			rounds=$((rounds + 1))
			run "$TRUSTFIX" import --yes "$T/r2.pem"
			v=$(views)
			case $v in
			yes|no) ;;
			*) bad=$((bad + 1)); badlist="$badlist $op@$k($v)" ;;
			esac
			# the admin runs the command again: it completes
			"$TRUSTFIX" $op --yes "$T/r1.pem" >/dev/null 2>&1
			v2=$(views)
			[ "$v2" = "$want_after" ] || {
				bad=$((bad + 1))
				badlist="$badlist $op@$k-again($v2)"
			}
			echo "# $op: killed at step $k: $v; run again: $v2"
		else
			echo "# $op: not killed at step $k (exit $rc)"
		fi
		"$TRUSTFIX" remove --yes "$T/r2.pem" >/dev/null 2>&1
		if [ "$op" = import ]; then
			"$TRUSTFIX" remove --yes "$ROOT" >/dev/null 2>&1
		else
			"$TRUSTFIX" import --yes "$T/r1.pem" >/dev/null 2>&1
		fi
		v=$(views)
		[ "$v" = "$want_before" ] || {
			bad=$((bad + 1))
			badlist="$badlist $op@$k-reset($v)"
		}
	done <"$T/points"
}

: >"$T/hook.log"
is "$(views)" no "before: no view trusts r1"
crash_loop import
tf import --yes "$T/r1.pem"
is "$rc/$(views)" 0/yes "r1 imported for the removal's rounds"

crash_loop remove

[ "$rounds" -gt 0 ]
ok $? "the process group was killed in $rounds rounds"
is "$bad" 0 "inconsistent stores after the next run:$badlist"
echo "# rounds $rounds, inconsistent $bad"
done_testing
