#!/bin/bash
# layers.sh - every #include of src/ keeps to src/LAYERS, and the check fails.
. "$TOP_SRCDIR/tests/lib.sh"

CHECK=$TOP_SRCDIR/tools/check-layers

out=$("$CHECK" "$TOP_SRCDIR" 2>&1)
ok $? "the tree keeps to src/LAYERS"
is "$out" "" "and the check says nothing"

# fresh: a copy of src/ in $T/tree to plant one fault in.
fresh() {
	rm -rf "$T/tree"
	mkdir -p "$T/tree/src"
	(cd "$TOP_SRCDIR/src" && find . \( -name '*.[ch]' -o -name '*.def' \
	    -o -name LAYERS \) ! -path '*/.*' | tar -cf - -T -) |
	    tar -xf - -C "$T/tree/src"
}

# bad DESCRIPTION REGEX: the check of the planted tree fails with REGEX.
bad() {
	out=$("$CHECK" "$T/tree" 2>&1)
	is $? 1 "$1 fails the check"
	like "$out" "$2" "$1 is named"
}

fresh
check "an untouched copy passes" "$CHECK" "$T/tree"

fresh
sed -i '1a #include "store.h"' "$T/tree/src/net/fetch.c"
bad "the network code including the store" \
    '^src/net/fetch.c: includes "store.h" of store, which net may not'

fresh
sed -i '1a #include "store-int.h"' "$T/tree/src/input/load.c"
bad "a file reader including a store backend" \
    '^src/input/load.c: includes "store-int.h" of store'

fresh
sed -i '1a #  include "cmd.h"  /* spaced */' "$T/tree/src/core/msg.c"
bad "the foundation including a command header" \
    '^src/core/msg.c: includes "cmd.h" of cmd, which core may not'

fresh
sed -i '1a #include "out.h"' "$T/tree/src/diagnose/chain.h"
bad "a header reaching upwards" '^src/diagnose/chain.h: includes "out.h"'

fresh
sed -i '1a #include "httpget.h"' "$T/tree/src/diagnose/revoke.c"
bad "diagnosis downloading by itself" \
    '^src/diagnose/revoke.c: includes "httpget.h" of net, which diagnose may not'

fresh
sed -i 's/^layer diagnose.*/& net/' "$T/tree/src/LAYERS"
bad "a table letting diagnosis read the network" \
    '^LAYERS: diagnose reaches net through the table'

fresh
sed -i '1a #include "nosuch.h"' "$T/tree/src/x509/names.c"
bad "an unknown header" '^src/x509/names.c: includes "nosuch.h", found in no'

fresh
echo '/* stray.c - nowhere. */' >"$T/tree/src/stray.c"
bad "a source file outside the layer folders" \
    '^src/stray.c: in no layer folder'

fresh
mkdir "$T/tree/src/misc"
echo '/* misc.c - no layer. */' >"$T/tree/src/misc/misc.c"
bad "a folder the table does not declare" '^src/misc/misc.c: in no layer'

fresh
cp "$T/tree/src/core/msg.h" "$T/tree/src/out/msg.h"
bad "one header name in two folders" '^src/out/msg.h: name also in core/'

fresh
sed -i 's/^layer input.*/& out/' "$T/tree/src/LAYERS"
bad "a table letting file readers reach the store through out" \
    '^LAYERS: input reaches store through the table'

fresh
sed -i 's/^layer x509.*/& frobnicate/' "$T/tree/src/LAYERS"
bad "a table naming an undeclared layer" \
    '^LAYERS: x509 may include frobnicate, which is no layer'

fresh
echo 'wibble x' >>"$T/tree/src/LAYERS"
bad "an unreadable table line" '^LAYERS: cannot read "wibble x"'

done_testing
