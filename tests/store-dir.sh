#!/bin/bash
# store-dir.sh - import, list and remove with a directory store.
. "$TOP_SRCDIR/tests/lib.sh"
done_testing
