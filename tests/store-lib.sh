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
# extracted server-auth bundle.  While $T/refresh-fails exists,
# update-ca-trust fails.
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
	[ ! -e $T/refresh-fails ] || { echo "no space left" >&2; exit 1; }
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

# crash_wrap COMMAND...: bind a counting wrapper over each command, for the
# crash tests.  While $T/kill-at holds a step number, each run of a wrapped command is two
# steps (before it, after it), numbered in $T/step and logged in
# $T/steps.log ("N before|after COMMAND ARGS"); at step number $T/kill-at
# the wrapper kills its whole process group with SIGKILL, as a power cut
# or an OOM kill of the session would.  Run the command under test with
# "setsid -w" so that its group is its own.
crash_wrap() {
	local c real
	mkdir -p "$T/real" "$T/wrap" || return 1
	echo 0 >"$T/kill-at"
	cp "$(command -v flock)" "$T/real/flock" || return 1
	for c in "$@"; do
		real=$(readlink -f "$(command -v "$c")") || return 1
		cp "$real" "$T/real/$c" || return 1
		cat >"$T/wrap/$c" <<-EOW
		#!/bin/sh
		read k <$T/kill-at
		[ "\$k" != 0 ] || exec $T/real/$c "\$@"
		step() {
			exec 9>>$T/step.lock
			$T/real/flock 9
			read n <$T/step
			n=\$((n + 1))
			echo \$n >$T/step
			echo "\$n \$1 $c \$2" >>$T/steps.log
			[ "\$n" = "\$k" ] && kill -KILL 0
			exec 9>&-
		}
		step before "\$*"
		$T/real/$c "\$@"
		rc=\$?
		step after "\$*"
		exit \$rc
		EOW
		chmod 755 "$T/wrap/$c"
		mount --bind "$T/wrap/$c" "$real" || return 1
	done
}

# crash_run K COMMAND...: run COMMAND in a process group of its own, killed
# at step K (-1: never); sets $rc (137 when killed) and $steps (how many
# steps it ran).  Only builtins here: the wrappers count while armed.
crash_run() {
	echo 0 >"$T/step"
	: >"$T/steps.log"
	echo "$1" >"$T/kill-at"
	shift
	{ setsid -w "$@" >"$T/.out" 2>"$T/.err" </dev/null; } 2>/dev/null
	rc=$?
	echo 0 >"$T/kill-at"
	read -r steps <"$T/step"
}

# crash_points: the steps of the run just made (crash_run -1) to kill at:
# those around the commands that change the store (links, rehash, the
# bundle's rename, the hooks), first and last; every one with
# TRUSTFIX_CRASH_ALL=1.
crash_points() {
	if [ "${TRUSTFIX_CRASH_ALL:-0}" != 1 ]; then
		local cmds='ln|openssl|mv|run-parts|trust|cat'
		{
			echo 1
			grep -E "^[0-9]+ (before|after) ($cmds) " \
			    "$T/steps.log" | cut -d' ' -f1
			echo "$steps"
		} | sort -n -u
	else
		seq 1 "$steps"
	fi
}
