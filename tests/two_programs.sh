#!/bin/sh
# Two separate C programs share one array: the reader maps 'arr' by name,
# the writer writes through the data pointer of view 'v' = arr[1:], and the
# reader sees arr[2] change in its own mapping -- no copy, no message.
# NDSHM_EXAMPLES names another directory holding the two programs (the
# install test's, built against the installed library).
set -eu
: "${NDSHM:?}" "${top_builddir:?}"
store=$(mktemp -d /dev/shm/ndshm-two.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$store"' EXIT
export NDSHM_STORE="$store"
ex="${NDSHM_EXAMPLES:-$top_builddir/examples}"

"$NDSHM" create arr '[1, 2, 3]'
"$NDSHM" view v 'arr[1:]'

fifo="$store/reader.out"
mkfifo "$fifo"
"$ex/reader" arr 2 3 >"$fifo" &
reader=$!
exec 3<"$fifo"
read -r ready <&3
[ "$ready" = ready ] || { echo "reader did not start: $ready"; exit 1; }

"$ex/writer" v[1] 42

read -r seen <&3
wait "$reader"
echo "reader saw: $seen"
[ "$seen" = "arr[2] = 42" ] || { echo "FAIL: expected arr[2] = 42"; exit 1; }
[ "$("$NDSHM" get arr)" = "[ 1  2 42]" ] || { echo "FAIL: get arr"; exit 1; }
echo "PASS"
