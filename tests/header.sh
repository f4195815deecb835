#!/bin/sh
# lib/ndshm.h stands on its own: included first and alone it compiles as
# C99 with -Wall -Wextra -pedantic and no warning, as C11, and as C++
# (C++11, the same warnings), and the C++ program links against the
# library (C linkage).  Users include it from all three.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# try LABEL COMMAND...: COMMAND succeeds and prints nothing
try() {
    label=$1
    shift
    if "$@" >"$tmp/out" 2>&1 && [ ! -s "$tmp/out" ]; then
        echo "ok: $label"
    else
        echo "FAIL: $label"
        sed 's/^/    /' "$tmp/out"
        failures=$((failures + 1))
    fi
}

cat >"$tmp/use.c" <<'EOF'
#include <ndshm.h>
int main(void)
{
    return ndshm_version() == 0;
}
EOF
cp "$tmp/use.c" "$tmp/use.cc"
warn="-Wall -Wextra -pedantic -Werror"
try "C99" "$CC" -std=c99 $warn -I"$top_srcdir/lib" -c "$tmp/use.c" \
    -o "$tmp/c99.o"
try "C11" "$CC" -std=c11 $warn -I"$top_srcdir/lib" -c "$tmp/use.c" \
    -o "$tmp/c11.o"
if [ -n "${CXX_FOR_TESTS:-}" ]; then
    try "C++11" "$CXX_FOR_TESTS" -std=c++11 $warn -I"$top_srcdir/lib" \
        -c "$tmp/use.cc" -o "$tmp/cxx.o"
    # C linkage: a C++ program links against the C library
    so="$top_builddir/lib/.libs/libndshm.so"
    [ ! -f "$so" ] ||
        try "C++ links" "$CXX_FOR_TESTS" -o "$tmp/cxx" "$tmp/cxx.o" "$so" \
            ${NDSHM_TEST_LDFLAGS:-}
else
    echo "note: no C++ compiler found; the C++ checks were skipped"
fi

[ "$failures" = 0 ] || exit 1
echo "PASS"
