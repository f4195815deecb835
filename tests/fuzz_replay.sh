#!/bin/sh
# tests/fuzz_replay.sh -- every input of every fuzz corpus (tests/fuzz/TARGET/)
# through its fuzz target, built without libFuzzer (fuzz/replay.c): seeds
# and past findings stay regression tests.  `make fuzz` does the fuzzing.
: "${top_srcdir:=.}" "${top_builddir:=.}"
status=0
for t in index literal npy record; do
    "$top_builddir/fuzz/replay-$t" "$top_srcdir/tests/fuzz/$t" || {
        echo "FAIL: fuzz/replay-$t on tests/fuzz/$t (rerun with -v to see" \
             "which input)"
        status=1
    }
done
exit $status
