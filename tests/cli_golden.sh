#!/bin/sh
# cli_golden.sh -- golden transcripts of the ndshm tool: runs every
# tests/cli/*.t and compares what the tool prints with what the file says.
#
# Transcript format (tests/cli/NAME.t):
#
#   # a comment line (ignored)
#   $ ndshm create arr '[1, 2, 3]'
#   $ ndshm get arr
#   [1 2 3]
#   $ ndshm get 'arr[5]'
#   ? 1
#   ! ndshm get: cannot open 'arr[5]': index 5 is out of bounds ...
#
# - A line "$ COMMAND" is run with sh -c (so quoting works as in a shell)
#   in a scratch directory, where "ndshm" runs $NDSHM, NDSHM_STORE names a
#   fresh store (one per .t file, shared by its commands) and LC_ALL=C.
# - The lines after it, up to the next "$ " line, are its expected stdout,
#   exactly; blank lines count, except blank lines that end the block.
# - "? N" expects exit status N (the default is 0).
# - "! TEXT" expects TEXT as a line of stderr ("!" alone: an empty line);
#   without any such line stderr must be empty.  Several lines expect
#   several lines of stderr, in order.
# - In both outputs the store's absolute path reads STORE and the scratch
#   directory's WORK, so that paths can be written down.
# - Output that does not end in a newline gets a line "(no newline at end)".
# - Lines starting with "#" are comments: no output of ndshm starts so.
#
# Each file is rewritten in that canonical order (stdout, "? N", "! ..."),
# its commands are run and their results written the same way, and the two
# are compared with diff -u.  Exit status: 0 when every transcript matches,
# 1 otherwise (77, skipped, when $NDSHM is not set).
#
# Usage: cli_golden.sh [FILE.t...]   (default: every $top_srcdir/tests/cli/*.t)
set -u

if [ -z "${NDSHM:-}" ]; then
    echo "SKIP: NDSHM is not set (run through make check)"
    exit 77
fi
srcdir=${top_srcdir:-$(dirname "$0")/..}
LC_ALL=C
export LC_ALL

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ndshm-golden.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
mkdir "$tmp/bin"
ln -s "$NDSHM" "$tmp/bin/ndshm" || exit 1

# sed replacement patterns that turn $work/store and $work into STORE/WORK
quote_re() {
    printf '%s\n' "$1" | sed 's/[].[\*^$|/]/\\&/g'
}

# Append the actual stdout (file $1) to the actual transcript, with paths
# replaced, marking a missing final newline.
emit_output() {
    if [ -s "$1" ]; then
        sed -e "s/$store_re/STORE/g" -e "s/$work_re/WORK/g" "$1"
        # $(...) drops a final newline: something left means none
        if [ -n "$(tail -c 1 "$1")" ]; then
            echo
            echo "(no newline at end)"
        fi
    fi
}

# Run the pending command (if any) and write its block to both transcripts.
flush() {
    [ -n "$cmd" ] || return 0
    # expected: stdout without its trailing blank lines, then ? and !
    awk '{ a[NR] = $0 } NF { last = NR }
         END { for (i = 1; i <= last; i++) print a[i] }' "$tmp/exp.out" \
        >>"$tmp/expected"
    if [ "$exp_status" != 0 ]; then
        echo "? $exp_status" >>"$tmp/expected"
    fi
    cat "$tmp/exp.err" >>"$tmp/expected"
    # actual
    (cd "$work" && PATH="$tmp/bin:$PATH" NDSHM_STORE="$store" \
        sh -c "$cmd") >"$tmp/out" 2>"$tmp/err" </dev/null
    status=$?
    emit_output "$tmp/out" >>"$tmp/actual"
    if [ "$status" != 0 ]; then
        echo "? $status" >>"$tmp/actual"
    fi
    emit_output "$tmp/err" | sed -e 's/^/! /' -e 's/^! $/!/' >>"$tmp/actual"
    cmd=
}

run_file() {
    t=$1
    work="$tmp/work"
    rm -rf "$work"
    mkdir "$work" || return 1
    store="$work/store"
    store_re=$(quote_re "$store")
    work_re=$(quote_re "$work")
    : >"$tmp/expected"
    : >"$tmp/actual"
    cmd=
    ncmd=0
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
        '$ '*)
            flush
            cmd=${line#??}
            ncmd=$((ncmd + 1))
            printf '%s\n' "$line" >>"$tmp/expected"
            printf '%s\n' "$line" >>"$tmp/actual"
            exp_status=0
            : >"$tmp/exp.out"
            : >"$tmp/exp.err"
            ;;
        '#'*) ;;
        '? '*)
            exp_status=${line#??}
            ;;
        '! '* | '!')
            printf '%s\n' "$line" >>"$tmp/exp.err"
            ;;
        *)
            if [ -z "$cmd" ]; then
                if [ -n "$line" ]; then
                    echo "$t: text before the first command: $line"
                    return 1
                fi
            else
                printf '%s\n' "$line" >>"$tmp/exp.out"
            fi
            ;;
        esac
    done <"$t"
    flush
    if [ "$ncmd" -eq 0 ]; then
        echo "$t: no commands"
        return 1
    fi
    if diff -u "$tmp/expected" "$tmp/actual" >"$tmp/diff"; then
        echo "PASS: $(basename "$t") ($ncmd commands)"
        return 0
    fi
    echo "FAIL: $(basename "$t")"
    sed -e "1s|^--- .*|--- $t (expected)|" \
        -e "2s|^+++ .*|+++ $t (actual)|" "$tmp/diff"
    return 1
}

if [ $# -eq 0 ]; then
    set -- "$srcdir"/tests/cli/*.t
fi
failed=0
total=0
for t in "$@"; do
    if [ ! -f "$t" ]; then
        echo "FAIL: no transcript $t"
        failed=$((failed + 1))
        continue
    fi
    total=$((total + 1))
    run_file "$t" || failed=$((failed + 1))
done
echo "$((total - failed)) of $total transcripts passed"
[ "$failed" -eq 0 ]
