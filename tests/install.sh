#!/bin/sh
# `make install DESTDIR=...` puts everything where the configured prefix
# says, and a program built against the installed copy with nothing but
# `pkg-config --cflags --libs ndshm` works: the examples, linked shared
# and static, share an array with the installed tool.  The installed
# Python package, installed under another prefix, loads the library
# installed with it.  `make uninstall` then removes every file installed.
#
# Run by `make check` with the build tree's install directories in the
# environment (NDSHM_DIR_*, see Makefile.am); pkg-config sees the staged
# tree through PKG_CONFIG_SYSROOT_DIR, as a cross or package build does.
# NDSHM_TEST_LDFLAGS holds what a sanitizer build's programs link with.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}" "${NDSHM_PREFIX:?}" \
    "${NDSHM_DIR_BIN:?}" "${NDSHM_DIR_LIB:?}" "${NDSHM_DIR_INCLUDE:?}" \
    "${NDSHM_DIR_MAN:?}" "${NDSHM_DIR_COMPLETION:?}"
MAKE=${MAKE:-make}
CC=${CC:-cc}
for tool in pkg-config "$CC"; do
    command -v "$tool" >/dev/null 2>&1 ||
        { echo "SKIP: $tool not found"; exit 77; }
done

tmp=$(mktemp -d)
store=$(mktemp -d /dev/shm/ndshm-install.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$tmp" "$store"' EXIT
dest="$tmp/dest"
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
expect_file() {
    [ -f "$dest$1" ] || fail "not installed: $1"
}

echo "# make install DESTDIR=$dest"
"$MAKE" -s -C "$top_builddir" install DESTDIR="$dest" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; echo "FAIL: make install"; exit 1; }

expect_file "$NDSHM_DIR_BIN/ndshm"
expect_file "$NDSHM_DIR_INCLUDE/ndshm.h"
expect_file "$NDSHM_DIR_LIB/libndshm.a"
expect_file "$NDSHM_DIR_LIB/pkgconfig/ndshm.pc"
expect_file "$NDSHM_DIR_MAN/man1/ndshm.1"
expect_file "$NDSHM_DIR_MAN/man3/libndshm.3"
expect_file "$NDSHM_DIR_COMPLETION/ndshm"
# the shared library under its versioned name, with the soname link
sonames=$(ls "$dest$NDSHM_DIR_LIB" | grep -c '^libndshm\.so\.[0-9]*$' || true)
[ "$sonames" = 1 ] || fail "no single libndshm.so.N in $NDSHM_DIR_LIB"
[ -L "$dest$NDSHM_DIR_LIB/libndshm.so" ] ||
    fail "no libndshm.so development link"
if [ -n "${NDSHM_DIR_PYTHON:-}" ]; then
    expect_file "$NDSHM_DIR_PYTHON/ndshm/__init__.py"
    expect_file "$NDSHM_DIR_PYTHON/ndshm/_installed.py"
fi

# The installed tool runs, and reports the installed library's version.
tool="$dest$NDSHM_DIR_BIN/ndshm"
"$tool" --version | grep -q '^ndshm [0-9]' || fail "installed ndshm --version"

# Build the examples with pkg-config alone: the staged .pc, its paths
# under the staging directory.
PKG_CONFIG_LIBDIR="$dest$NDSHM_DIR_LIB/pkgconfig"
PKG_CONFIG_SYSROOT_DIR="$dest"
export PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
unset PKG_CONFIG_PATH || true
cflags=$(pkg-config --cflags ndshm)
libs=$(pkg-config --libs ndshm)
static_libs=$(pkg-config --static --libs ndshm)
echo "# pkg-config --cflags --libs ndshm: $cflags $libs"
case " $cflags " in
*" -I$dest$NDSHM_DIR_INCLUDE "*) ;;
*) fail "pkg-config --cflags does not point at the installed header" ;;
esac
for prog in writer reader; do
    # shellcheck disable=SC2086 # pkg-config's output is a word list
    "$CC" -o "$tmp/$prog" "$top_srcdir/examples/$prog.c" $cflags $libs \
        ${NDSHM_TEST_LDFLAGS:-} ||
        fail "cannot build examples/$prog.c against the installed library"
    # the static library, with the private libraries pkg-config adds
    # shellcheck disable=SC2086
    "$CC" -o "$tmp/$prog-static" "$top_srcdir/examples/$prog.c" $cflags \
        -Wl,-Bstatic -lndshm -Wl,-Bdynamic \
        $(echo " $static_libs " | sed 's/ -lndshm / /') \
        ${NDSHM_TEST_LDFLAGS:-} ||
        fail "cannot link examples/$prog.c with libndshm.a"
done
[ "$failures" = 0 ] || exit 1

# The shared build uses the installed library, not the build tree's.
LD_LIBRARY_PATH="$dest$NDSHM_DIR_LIB"
export LD_LIBRARY_PATH
unset NDSHM_LIBRARY || true
if command -v ldd >/dev/null 2>&1; then
    ldd "$tmp/writer" | grep -q "$dest$NDSHM_DIR_LIB/libndshm.so" ||
        fail "examples/writer does not load the installed libndshm"
    ! ldd "$tmp/writer-static" | grep -q libndshm ||
        fail "the static build still loads libndshm.so"
fi

# Both builds share an array with the installed tool, as the two
# programs test does with the build tree's.
for kind in "" -static; do
    mkdir "$tmp/ex$kind"
    ln -s "$tmp/writer$kind" "$tmp/ex$kind/writer"
    ln -s "$tmp/reader$kind" "$tmp/ex$kind/reader"
    if ! NDSHM="$tool" NDSHM_EXAMPLES="$tmp/ex$kind" \
        sh "$top_srcdir/tests/two_programs.sh" >"$tmp/two.log" 2>&1; then
        cat "$tmp/two.log"
        fail "the installed examples$kind and tool do not share an array"
    fi
done

echo "# make uninstall DESTDIR=$dest"
"$MAKE" -s -C "$top_builddir" uninstall DESTDIR="$dest" >"$tmp/uninstall.log" 2>&1 ||
    { cat "$tmp/uninstall.log"; fail "make uninstall"; }
left=$(find "$dest" -type f -o -type l)
[ -z "$left" ] || fail "make uninstall left: $left"

# Installed elsewhere with `make install prefix=DIR` (no DESTDIR: the
# files are where they say they are), the Python package loads the
# library installed with it, through its _installed.py, with no help from
# LD_LIBRARY_PATH or NDSHM_LIBRARY.  Only when every directory is under
# the prefix, so that nothing lands outside DIR.
under_prefix=yes
for d in "$NDSHM_DIR_BIN" "$NDSHM_DIR_LIB" "$NDSHM_DIR_INCLUDE" \
    "$NDSHM_DIR_MAN" "$NDSHM_DIR_COMPLETION" "${NDSHM_DIR_PYTHON:-}"; do
    case $d in
    "$NDSHM_PREFIX"/* | "") ;;
    *) under_prefix=no ;;
    esac
done
inst="$tmp/inst"
if [ "$under_prefix" = no ]; then
    echo "note: a directory lies outside the prefix; no install elsewhere"
elif [ -n "${NDSHM_DIR_PYTHON:-}" ] && [ -n "${PYTHON_NUMPY:-}" ]; then
    echo "# make install prefix=$inst"
    "$MAKE" -s -C "$top_builddir" install prefix="$inst" \
        >"$tmp/install2.log" 2>&1 ||
        { cat "$tmp/install2.log"; echo "FAIL: make install prefix="; exit 1; }
    libdir="$inst${NDSHM_DIR_LIB#"$NDSHM_PREFIX"}"
    pydir="$inst${NDSHM_DIR_PYTHON#"$NDSHM_PREFIX"}"
    got=$(cd "$tmp" && env -u LD_LIBRARY_PATH -u NDSHM_LIBRARY \
        PYTHONPATH="$pydir" NDSHM_STORE="$store" \
        sh "$top_srcdir/tests/python-test" -c '
import ndshm, numpy
st = ndshm.Store()
st.create_from("py", numpy.arange(3))
print(ndshm.__file__)
print(st["py"].tolist())
print(ndshm.load_library()._name)
') || fail "the installed Python package does not work"
    echo "$got" | sed 's/^/# python: /'
    [ "$(echo "$got" | sed -n 1p)" = "$pydir/ndshm/__init__.py" ] ||
        fail "python imported ndshm from elsewhere"
    [ "$(echo "$got" | sed -n 2p)" = "[0, 1, 2]" ] ||
        fail "the installed Python package read the wrong values"
    lib=$(echo "$got" | sed -n 3p)
    case $lib in
    "$libdir"/libndshm.so.[0-9]*) [ -f "$lib" ] ||
        fail "the Python package loaded $lib, which does not exist" ;;
    *) fail "the Python package loaded $lib, not the library in $libdir" ;;
    esac
    "$MAKE" -s -C "$top_builddir" uninstall prefix="$inst" \
        >"$tmp/uninstall2.log" 2>&1 ||
        { cat "$tmp/uninstall2.log"; fail "make uninstall prefix="; }
    left=$(find "$inst" -type f -o -type l)
    [ -z "$left" ] || fail "make uninstall prefix= left: $left"
fi

[ "$failures" = 0 ] || exit 1
echo "PASS"
