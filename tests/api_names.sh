#!/bin/sh
# Names that lib/ndshm.h makes public, one per line, for the tests that
# compare the header with something else (tests/man_pages.sh,
# tests/symbols.sh).
#
#   sh tests/api_names.sh functions HEADER   functions declared with NDSHM_API
#   sh tests/api_names.sh errors HEADER      "NDSHM_EXXX CODE" per error code
#   sh tests/api_names.sh constants HEADER   NDSHM_* enumerators and numeric
#                                            macros (dtypes, flags, limits)
#
# functions: comments are removed (a state machine that follows /* */
# across lines, and //), then preprocessor lines with their continuation
# lines; the remaining text is cut into pieces at ';', '{' and '}', and of
# every piece that contains the word NDSHM_API the identifier just before
# its first '(' is printed.  Sorted, without duplicates.
#
# errors: the XX(NAME, CODE, "message") entries of NDSHM_ERRNO_MAP, in the
# header's order, with the NDSHM_ prefix the enum gives them.
#
# constants: '#define NDSHM_X <integer>' and 'NDSHM_X = <integer>' lines.
set -eu
LC_ALL=C
export LC_ALL

if [ $# -ne 2 ] || [ ! -r "$2" ]; then
    echo "usage: api_names.sh functions|errors|constants HEADER" >&2
    exit 2
fi
mode=$1
header=$2

# The header without comments: each line keeps its place (a comment
# spanning lines leaves empty lines), so that later passes stay line-based.
strip_comments() {
    awk '
    {
        line = $0
        out = ""
        while (line != "") {
            if (incomment) {
                j = index(line, "*/")
                if (j == 0) { line = ""; break }
                line = substr(line, j + 2)
                incomment = 0
                out = out " "
                continue
            }
            a = index(line, "/*")
            b = index(line, "//")
            if (a == 0 && b == 0) { out = out line; break }
            if (b != 0 && (a == 0 || b < a)) {
                out = out substr(line, 1, b - 1)
                break
            }
            out = out substr(line, 1, a - 1)
            line = substr(line, a + 2)
            incomment = 1
        }
        print out
    }' "$1"
}

case $mode in
functions)
    strip_comments "$header" | awk '
    function piece(s,    p, head) {
        if (s !~ /(^|[^A-Za-z0-9_])NDSHM_API([^A-Za-z0-9_]|$)/) return
        p = index(s, "(")
        if (p == 0) return
        head = substr(s, 1, p - 1)
        sub(/[ \t]+$/, "", head)
        if (match(head, /[A-Za-z_][A-Za-z0-9_]*$/))
            print substr(head, RSTART, RLENGTH)
    }
    cont { cont = /\\[ \t]*$/; next }
    /^[ \t]*#/ { cont = /\\[ \t]*$/; next }
    {
        line = $0
        while (match(line, /[;{}]/)) {
            piece(text " " substr(line, 1, RSTART - 1))
            text = ""
            line = substr(line, RSTART + 1)
        }
        text = text " " line
    }
    END { piece(text) }' | sort -u
    ;;
errors)
    strip_comments "$header" | awk '
    {
        line = $0
        while (match(line, /(^|[^A-Za-z0-9_])XX\([ \t]*[A-Z][A-Z0-9_]*[ \t]*,[ \t]*-?[0-9]+/)) {
            m = substr(line, RSTART, RLENGTH)
            line = substr(line, RSTART + RLENGTH)
            sub(/^.*XX\([ \t]*/, "", m)
            name = m
            sub(/[ \t]*,.*$/, "", name)
            code = m
            sub(/^.*,[ \t]*/, "", code)
            print "NDSHM_" name, code
        }
    }'
    ;;
constants)
    strip_comments "$header" | awk '
    /^[ \t]*#[ \t]*define[ \t]+NDSHM_[A-Z0-9_]+[ \t]+(0[xX][0-9A-Fa-f]+|[0-9]+)[uUlL]*[ \t]*$/ {
        sub(/^[ \t]*#[ \t]*define[ \t]+/, "")
        sub(/[ \t].*$/, "")
        print
        next
    }
    /^[ \t]*#/ { next }
    {
        line = $0
        while (match(line, /NDSHM_[A-Z0-9_]+[ \t]*=[ \t]*-?[0-9]/)) {
            m = substr(line, RSTART, RLENGTH)
            line = substr(line, RSTART + RLENGTH)
            sub(/[ \t]*=.*$/, "", m)
            print m
        }
    }' | sort -u
    ;;
*)
    echo "api_names.sh: unknown mode '$mode'" >&2
    exit 2
    ;;
esac
