#!/bin/sh
# The shared library exports exactly the public API: the functions that
# `nm -D --defined-only` lists in $top_builddir/lib/.libs/libndshm.so must
# be the functions declared with NDSHM_API in $top_srcdir/lib/ndshm.h, no
# more (internal functions leaking out) and no fewer (a declared function
# hidden or never defined).  Both differences are printed on failure.
# Skipped (77) for a static-only build (no .so) or without nm.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"

header="$top_srcdir/lib/ndshm.h"
so="$top_builddir/lib/.libs/libndshm.so"
if [ ! -f "$so" ]; then
    echo "SKIP: $so does not exist (static-only build?)"
    exit 77
fi
if ! command -v nm >/dev/null 2>&1; then
    echo "SKIP: nm not found"
    exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
LC_ALL=C
export LC_ALL

# Functions defined in the dynamic symbol table: text (T), weak (W) and
# indirect (i) symbols.  Data symbols (B, D, R, V) are not functions.
nm -D --defined-only "$so" >"$tmp/nm.out"
awk 'NF >= 3 && ($2 == "T" || $2 == "W" || $2 == "i") {
         sub(/@.*/, "", $3); print $3
     }' "$tmp/nm.out" | sort -u >"$tmp/exported"

# The names declared with NDSHM_API (tests/api_names.sh says how).
sh "$top_srcdir/tests/api_names.sh" functions "$header" >"$tmp/declared"

ndecl=$(wc -l <"$tmp/declared")
nexp=$(wc -l <"$tmp/exported")
echo "declared with NDSHM_API in lib/ndshm.h: $ndecl functions"
echo "exported by $so: $nexp functions"
if [ "$ndecl" -eq 0 ]; then
    echo "FAIL: no NDSHM_API declarations found in $header"
    exit 1
fi

comm -13 "$tmp/declared" "$tmp/exported" >"$tmp/extra"
comm -23 "$tmp/declared" "$tmp/exported" >"$tmp/missing"
status=0
if [ -s "$tmp/extra" ]; then
    echo "FAIL: exported but not declared with NDSHM_API:"
    sed 's/^/  /' "$tmp/extra"
    status=1
fi
if [ -s "$tmp/missing" ]; then
    echo "FAIL: declared with NDSHM_API but not exported:"
    sed 's/^/  /' "$tmp/missing"
    status=1
fi
[ "$status" -eq 0 ] && echo "PASS"
exit "$status"
