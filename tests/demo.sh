#!/bin/bash
# demo.sh - tools/demo runs every step as expected and leaves nothing behind.
. "$TOP_SRCDIR/tests/lib.sh"
need openssl python3 timeout

touch -d '-1 second' "$T/stamp"
mkdir "$T/tmp"
TMPDIR=$T/tmp "$TOP_SRCDIR/tools/demo" "$TRUSTFIX" >"$T/demo.out" 2>&1
rc=$?
out=$(cat "$T/demo.out")
is "$rc" 0 "the demo exits 0"
like "$out" '^== Summary ==' "it ends with a summary"
unlike "$out" 'FAILED' "no step failed"
like "$out" 'The demo ran as expected' "it says so"
like "$out" '^\$ trustfix inspect https://127\.0\.0\.1:[0-9]+$' \
    "it shows the command before its output"
like "$out" 'Contoso Issuing CA 01' "it shows the server's chain"
is "$(ls -A "$T/tmp")" "" "it removes its temporary directory"
is "$(find /etc/ssl/certs /usr/local/share/ca-certificates /etc/pki \
    -newer "$T/stamp" 2>/dev/null)" "" "it does not touch the trust store"
port=$(sed -n 's/.*on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$T/demo.out")
like "$port" '^[0-9]+$' "it names its server's port"
(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
ok $(( $? == 0 )) "its server is stopped"

"$TOP_SRCDIR/tools/demo" >/dev/null 2>&1
is $? 2 "without a trustfix it is a usage error"

done_testing
