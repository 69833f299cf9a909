# deb-lib.sh - the Debian package and bare Debian 12 roots, made once per
# build directory and shared by the tests that need them.
# Source it after lib.sh:  . "$TOP_SRCDIR/tests/deb-lib.sh"
#
#   deb_need                 skip_all unless root, mmdebstrap, dpkg-buildpackage
#                            and a Debian mirror are here
#   deb_build                build the .deb from this tree -> DEB (path)
#   deb_root DIR             DIR: a bare bookworm root (apt, python3, man-db)
#   deb_root_installed DIR   the same with the .deb installed by apt
#   in_root DIR COMMAND...   run COMMAND chrooted in DIR, in a private
#                            mount namespace with /proc, so that nothing
#                            stays mounted when it ends
#
# The cache lives in $TOP_BUILDDIR/tests/deb-cache: the base root tarball
# (made once), the .deb (made again when a source file is newer), and the
# root with the .deb installed (made again with the .deb).  A lock makes
# concurrent tests wait for one another instead of building twice.

DEB_CACHE=$TOP_BUILDDIR/tests/deb-cache
DEB_SUITE=bookworm

# deb_sources: the host's apt sources for $DEB_SUITE and its companions
# (-updates, -security), as one-line entries without options, so that the
# roots fetch from the mirror (or proxy) the host uses.  mmdebstrap takes
# the signing keys from the host's keyrings.
deb_sources() {
	{
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
		    2>/dev/null | awk -v s="$DEB_SUITE" '
			{ sub(/\[[^]]*\]/, "") }
			$1 == "deb" && ($3 == s || index($3, s "-") == 1) {
				line = $1
				for (i = 2; i <= NF && $i !~ /^#/; i++)
					line = line " " $i
				print line
			}'
		for f in /etc/apt/sources.list.d/*.sources; do
			[ -f "$f" ] || continue
			awk -v s="$DEB_SUITE" '
				function flush(  i, j) {
					if (types ~ /(^| )deb( |$)/ && enabled != "no")
						for (i = 1; i <= nu; i++)
							for (j = 1; j <= ns; j++)
								if (su[j] == s ||
								    index(su[j], s "-") == 1)
									print "deb", ur[i], su[j], comps
					types = ""; enabled = ""; comps = ""; nu = ns = 0
				}
				/^[ \t]*#/ { next }
				/^[ \t]*$/ { flush(); next }
				{ k = tolower($1); $1 = "" ; sub(/^ +/, "") }
				k == "types:" { types = $0 }
				k == "enabled:" { enabled = tolower($0) }
				k == "uris:" { nu = split($0, ur, " ") }
				k == "suites:" { ns = split($0, su, " ") }
				k == "components:" { comps = $0 }
				END { flush() }' "$f"
		done
	} | awk '!seen[$0]++'
}

deb_need() {
	[ "$(id -u)" = 0 ] || skip_all "needs root (chroot into Debian roots)"
	need mmdebstrap dpkg-buildpackage dh tar
	command -v unshare >/dev/null || skip_all "unshare not installed"
	unshare --mount true 2>/dev/null || skip_all "unshare --mount not permitted"
	mkdir -p "$DEB_CACHE" || skip_all "cannot create $DEB_CACHE"
}

# deb_locked COMMAND...: COMMAND under the cache's lock.
deb_locked() {
	(
		flock 9 || exit 1
		"$@"
	) 9>"$DEB_CACHE/lock"
}

# The .deb is stale when it is missing or a file of the tree is newer.
deb_stale() {
	local d
	d=$(ls "$DEB_CACHE"/trustfix_*.deb 2>/dev/null | head -n 1)
	[ -n "$d" ] || return 0
	# Relative paths: TOP_SRCDIR itself may lie under a build directory.
	[ -n "$(cd "$TOP_SRCDIR" && find . -newer "$d" -type f \
	    -not -path './.git*' -not -path './_build*' \
	    -not -path './autom4te.cache/*' -not -path '*/deb-cache/*' \
	    -not -name '*.log' -not -name '*.trs' | head -n 1)" ]
}

deb_build_locked() {
	local src=$DEB_CACHE/src
	deb_stale || return 0
	rm -rf "$src" "$DEB_CACHE"/*.deb "$DEB_CACHE"/installed.tar
	mkdir -p "$src" || return 1
	# The tree as `make dist` would ship it, which is what a source
	# package holds.
	make -s -C "$TOP_BUILDDIR" distdir distdir="$src/trustfix" \
	    >"$DEB_CACHE/build.log" 2>&1 || return 1
	# Not the make variables of the make check that runs us (MAKEFLAGS
	# would carry its TESTS into the package's own test run).
	(cd "$src/trustfix" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    -u TESTS -u TRUSTFIX_DEB_TESTS \
	    DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b) \
	    >>"$DEB_CACHE/build.log" 2>&1 ||
	    return 1
	mv "$src"/trustfix_*.deb "$DEB_CACHE"/ && rm -rf "$src"
}

deb_build() {
	deb_locked deb_build_locked || {
		echo "# dpkg-buildpackage failed:"
		tail -n 30 "$DEB_CACHE/build.log" | sed 's/^/#   /'
		return 1
	}
	DEB=$(ls "$DEB_CACHE"/trustfix_*.deb | head -n 1)
}

deb_base_locked() {
	local src=$DEB_CACHE/sources.list
	[ -s "$DEB_CACHE/base.tar" ] && return 0
	# Without host sources, mmdebstrap's default: deb.debian.org with
	# updates and security.
	deb_sources >"$src"
	[ -s "$src" ] || src=
	mmdebstrap --variant=apt --include=python3,man-db "$DEB_SUITE" \
	    "$DEB_CACHE/base.tmp.tar" ${src:+"$src"} \
	    >"$DEB_CACHE/mmdebstrap.log" 2>&1 &&
	    mv "$DEB_CACHE/base.tmp.tar" "$DEB_CACHE/base.tar"
}

deb_root() {
	deb_locked deb_base_locked || {
		echo "# mmdebstrap failed:"
		tail -n 20 "$DEB_CACHE/mmdebstrap.log" | sed 's/^/#   /'
		return 1
	}
	mkdir -p "$1" && tar -C "$1" -xf "$DEB_CACHE/base.tar"
}

in_root() {
	local dir=$1
	shift
	unshare --mount sh -c 'mount -t proc proc "$1/proc" &&
	    shift && exec chroot "$@"' - "$dir" "$dir" \
	    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
	    DEBIAN_FRONTEND=noninteractive "$@"
}

# The installed root: apt installs the .deb (and what it depends on, from
# the mirror) into a copy of the base root.
deb_installed_locked() {
	local r=$DEB_CACHE/installed
	[ -s "$DEB_CACHE/installed.tar" ] && return 0
	rm -rf "$r" && mkdir -p "$r" &&
	    tar -C "$r" -xf "$DEB_CACHE/base.tar" &&
	    cp "$DEB" "$r/tmp/" || return 1
	{ in_root "$r" apt-get update &&
	    in_root "$r" apt-get install -y --no-install-recommends \
	    "/tmp/${DEB##*/}"; } >"$DEB_CACHE/apt.log" 2>&1 || return 1
	# The fleet test copies this root many times: without apt's caches.
	rm -rf "$r/tmp/${DEB##*/}" "$r"/var/cache/apt/*.bin \
	    "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*_*
	tar -C "$r" -cf "$DEB_CACHE/installed.tmp.tar" . &&
	    mv "$DEB_CACHE/installed.tmp.tar" "$DEB_CACHE/installed.tar" &&
	    rm -rf "$r"
}

deb_root_installed() {
	deb_build || return 1
	deb_locked deb_base_locked || return 1
	deb_locked deb_installed_locked || {
		echo "# apt-get install of the .deb failed:"
		tail -n 20 "$DEB_CACHE/apt.log" | sed 's/^/#   /'
		return 1
	}
	mkdir -p "$1" && tar -C "$1" -xf "$DEB_CACHE/installed.tar"
}
