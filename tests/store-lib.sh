# store-lib.sh - what the trust-store tests share: private mount namespaces,
# throw-away roots.
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

# ns_fedora: a Fedora-style trust store: the trust module configured with
# paths=/etc/pki/ca-trust/source:/usr/share/p11-kit/ca-trust-source (the
# second holds the distribution's anchors, a copy of this machine's), and
# $T/bin/update-ca-trust, which extracts the bundles with the real p11-kit
# 'trust extract' as Fedora's does; OpenSSL's default file points at the
# extracted server-auth bundle.
ns_fedora() {
	local w=$T/sandbox e=/etc/pki/ca-trust/extracted
	mkdir -p "$w/etc" "$T/bin" || return 1
	cp -a /etc/. "$w/etc/" 2>/dev/null
	mount --bind "$w/etc" /etc || return 1
	mount -t tmpfs tmpfs /usr/share/p11-kit || return 1
	mkdir -p /usr/share/p11-kit/modules \
	    /usr/share/p11-kit/ca-trust-source/anchors \
	    /etc/pki/ca-trust/source/anchors $e/pem $e/openssl || return 1
	cp /etc/ssl/certs/ca-certificates.crt \
	    /usr/share/p11-kit/ca-trust-source/anchors/distribution.pem
	cat >/usr/share/p11-kit/modules/p11-kit-trust.module <<-EOM
	module: p11-kit-trust.so
	priority: 1
	trust-policy: yes
	x-init-reserved: paths=/etc/pki/ca-trust/source:/usr/share/p11-kit/ca-trust-source
	EOM
	cat >"$T/bin/update-ca-trust" <<-EOM
	#!/bin/sh
	[ "\$1" = extract ] || exit 2
	trust extract --overwrite --format=pem-bundle --filter=ca-anchors \\
	    --purpose=server-auth $e/pem/tls-ca-bundle.pem &&
	trust extract --overwrite --format=pem-bundle --filter=ca-anchors \\
	    --purpose=email $e/pem/email-ca-bundle.pem &&
	trust extract --overwrite --format=openssl-bundle \\
	    --filter=certificates $e/openssl/ca-bundle.trust.crt &&
	echo extract >>$T/refresh.log
	EOM
	chmod 755 "$T/bin/update-ca-trust"
	rm -rf /etc/ssl/certs
	mkdir /etc/ssl/certs
	ln -s $e/pem/tls-ca-bundle.pem /etc/ssl/certs/ca-certificates.crt
	PATH=$T/bin:$PATH
	export PATH
	update-ca-trust extract
}

# concurrent_roots: eight throw-away roots $T/r1.pem .. $T/r8.pem
# ("Concurrent Root N"), for the tests of concurrent imports.
concurrent_roots() {
	local i
	for i in 1 2 3 4 5 6 7 8; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
		    -nodes -keyout "$T/r$i.key" -out "$T/r$i.pem" -days 30 \
		    -subj "/CN=Concurrent Root $i" \
		    -addext basicConstraints=critical,CA:TRUE 2>/dev/null
	done
}
