# store-lib.sh - private mount namespaces for the system trust-store tests.
# Source after lib.sh.  Nothing here touches the machine's real store: the
# calling test runs again inside "unshare --mount --propagation private"
# with tmpfs and bind mounts over every place the store is written.

# ns_enter: run this test again in a private mount namespace, and exit.
ns_enter() {
	local rc
	[ -n "${TRUSTFIX_IN_NS:-}" ] && return 0
	[ "$(id -u)" = 0 ] ||
	    skip_all "not root: cannot make a private mount namespace"
	need unshare
	unshare --mount --propagation private true 2>/dev/null ||
	    skip_all "unshare --mount is not permitted here"
	TRUSTFIX_IN_NS=1 unshare --mount --propagation private \
	    "$BASH" "$0" "$@"
	rc=$?
	T_FAILED=$rc
	exit $rc
}

# ns_debian: a copy of /etc bound over /etc (the store writes
# /etc/ssl/certs and ca-certificates.conf by rename, which a bind-mounted
# file would refuse), its hooks replaced by one that appends its stdin to
# $T/hook.log; a copy of the local anchors; /var/lib/ca-certificates* (the
# Java hook's place) on tmpfs.
ns_debian() {
	local w=$T/sandbox d
	mkdir -p "$w/etc" "$w/local" || return 1
	cp -a /etc/. "$w/etc/" 2>/dev/null
	[ -f "$w/etc/ssl/certs/ca-certificates.crt" ] || return 1
	cp -a /usr/local/share/ca-certificates/. "$w/local/" || return 1
	rm -rf "$w/etc/ca-certificates/update.d"
	mkdir -p "$w/etc/ca-certificates/update.d"
	printf '#!/bin/sh\ncat >>%s/hook.log\n' "$T" \
	    >"$w/etc/ca-certificates/update.d/record"
	chmod 755 "$w/etc/ca-certificates/update.d/record"
	mount --bind "$w/etc" /etc &&
	mount --bind "$w/local" /usr/local/share/ca-certificates || return 1
	for d in /var/lib/ca-certificates*; do
		[ -d "$d" ] && { mount -t tmpfs tmpfs "$d" || return 1; }
	done
	: >"$T/hook.log"
}

# skip_one REASON: a skipped check (a failure under CI).
skip_one() {
	if [ -n "${CI:-}" ]; then
		ok 1 "cannot run under CI: $1"
	else
		T_N=$((T_N + 1))
		echo "ok $T_N # SKIP $1"
	fi
}
