#!/bin/sh
# completion.sh -- completion/ndshm, the bash completion of ndshm.
#
# Sources the script in a fresh `bash --norc --noprofile` (under set -u),
# sets COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT as bash would for
# a command line, calls the completion function and compares COMPREPLY with
# what is expected: commands, options, dtypes, files, and the names of a
# scratch store, chosen by --store or NDSHM_STORE.  Checks that the
# script's tables agree with `ndshm --help` and `ndshm COMMAND --help`
# (so that a new command or option cannot be forgotten), that completing
# never prints on stderr, and that it never creates a store.
#
# Environment: NDSHM (the tool), top_srcdir.  Exit status 0 pass, 1 fail,
# 77 skip (no bash).
set -u

if [ -z "${NDSHM:-}" ] || [ -z "${top_srcdir:-}" ]; then
    echo "SKIP: NDSHM or top_srcdir is not set (run through make check)"
    exit 77
fi
if ! command -v bash >/dev/null 2>&1; then
    echo "SKIP: bash is not installed"
    exit 77
fi
script=$top_srcdir/completion/ndshm
if [ ! -f "$script" ]; then
    echo "FAIL: $script is missing"
    exit 1
fi

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM
store=$tmp/store     # the arrays the completions offer
decoy=$tmp/decoy     # another store, in NDSHM_STORE when --store is given
work=$tmp/work       # the current directory: files to complete
errs=$tmp/stderr     # everything the completions print on stderr
mkdir "$tmp/bin" "$work" "$work/d1" "$work/d2" "$tmp/emptydir" || exit 1
: >"$errs"
(cd "$work" && : >a.npy && : >b.NPY && : >x:y.npy && : >notes.txt &&
    : >pic.png && : >"d2/my file.npy") || exit 1

# "ndshm" on the PATH runs $NDSHM, whatever it is (a libtool wrapper, a
# valgrind script); "broken" fails loudly.
printf '#!/bin/sh\nexec "%s" "$@"\n' "$NDSHM" >"$tmp/bin/ndshm"
printf '#!/bin/sh\necho "broken: oops" >&2\nexit 1\n' >"$tmp/bin/broken"
chmod +x "$tmp/bin/ndshm" "$tmp/bin/broken"
PATH=$tmp/bin:$PATH
HOME=$tmp   # for ~/store
export PATH HOME

setup() {
    "$NDSHM" --store "$store" create a_1 '[1, 2, 3]' &&
        "$NDSHM" --store "$store" create sim/temps --dtype float32 \
            --shape 3,4 &&
        "$NDSHM" --store "$store" create sim/t_2 '[[1, 2], [3, 4]]' &&
        "$NDSHM" --store "$store" view Frames 'sim/temps[1:]' &&
        "$NDSHM" --store "$store" view v9 'Frames[0]' --readonly &&
        "$NDSHM" --store "$decoy" create decoy 0
}
if ! setup >"$tmp/setup.out" 2>&1; then
    echo "FAIL: cannot make the scratch stores:"
    cat "$tmp/setup.out"
    exit 1
fi
names='Frames a_1 sim/t_2 sim/temps v9'

# The driver: bash, with the completion sourced.
#   drive.bash NDSHM_STORE line LINE       complete LINE, the cursor at its
#       end, split into words as bash splits them (blanks, and "=", ":",
#       "<", ">" as words of their own); "" or "-" for NDSHM_STORE unsets it
#   drive.bash NDSHM_STORE raw LINE POINT CWORD CUR WORD...   as given
#   drive.bash - spec COMMAND       the script's options of COMMAND, one a
#       line, "OPT=" for one that takes an argument
cat >"$tmp/drive.bash" <<'EOF'
set -u
if [[ $1 == - || -z $1 ]]; then unset NDSHM_STORE; else export NDSHM_STORE=$1; fi
COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
out=$(source "$COMPLETION") || exit 1
[[ -z $out ]] || { echo "sourcing printed: $out" >&2; exit 1; }
source "$COMPLETION"
complete -p ndshm >/dev/null || exit 1
mode=$2
shift 2
case $mode in
spec)
    _ndshm_spec "$1" || exit 0
    for o in $opts; do echo "$o"; done
    for o in $argopts; do echo "$o="; done
    exit 0
    ;;
line)
    COMP_LINE=$1 COMP_POINT=${#1}
    COMP_WORDS=()
    read -ra toks <<<"$1"
    for t in ${toks[@]+"${toks[@]}"}; do
        while [[ $t =~ ^([^=:<>]*)([=:<>]+)(.*)$ ]]; do
            [[ -n ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
            COMP_WORDS+=("${BASH_REMATCH[2]}")
            t=${BASH_REMATCH[3]}
        done
        [[ -n $t ]] && COMP_WORDS+=("$t")
    done
    [[ $1 == *[[:space:]] ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    cur=${COMP_WORDS[COMP_CWORD]}
    [[ $cur =~ ^[=:\<\>]+$ ]] && cur=
    ;;
raw)
    COMP_LINE=$1 COMP_POINT=$2 COMP_CWORD=$3 cur=$4
    shift 4
    COMP_WORDS=("$@")
    ;;
esac
COMPREPLY=(garbage)
_ndshm "${COMP_WORDS[0]}" "$cur" "${COMP_WORDS[COMP_CWORD - 1]}"
for r in ${COMPREPLY[@]+"${COMPREPLY[@]}"}; do printf '%s\n' "$r"; done
EOF
COMPLETION=$script
export COMPLETION

fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# drive NDSHM_STORE ARGS...: the completions, sorted, on one line
drive() {
    (cd "$work" && bash --norc --noprofile "$tmp/drive.bash" "$@" \
        2>>"$errs") | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}

# expect LINE EXPECTED [NDSHM_STORE]: completing LINE offers EXPECTED
# (sorted, space-separated); NDSHM_STORE defaults to the scratch store
expect() {
    got=$(drive "${3-$store}" line "$1")
    [ "$got" = "$2" ] ||
        fail "'$1' completes to [$got], expected [$2]"
}

# ---- commands and global options -------------------------------------------
help_commands=$("$NDSHM" --help |
    awk '/^Commands:/ { f = 1; next } f && NF == 0 { exit } f { print $1 }' |
    LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
[ -n "$help_commands" ] || fail "no commands found in 'ndshm --help'"
expect 'ndshm ' "$help_commands"
expect 'ndshm g' 'get'
expect 'ndshm -' '--help --store --version -h'
expect 'ndshm --st' '--store'
expect 'ndshm --store ' 'd1 d2'
expect 'ndshm --store d' 'd1 d2'
expect 'ndshm --store=' 'd1 d2'
expect 'ndshm --store=d' 'd1 d2'
expect "ndshm --store $store " "$help_commands"
expect "ndshm --store=$store l" 'list'
expect 'ndshm bogus ' ''
expect 'ndshm bogus -' ''

# ---- each command's options, as its --help shows them ----------------------
# help_options COMMAND: the options `ndshm COMMAND --help` shows (usage lines
# and option lines; not --store, common to all), one a line, "OPT=" for one
# followed by an argument (an upper-case word).
help_options() {
    "$NDSHM" "$1" --help | awk '
        function emit(o, a) { if (o != "--store") print o (a ? "=" : "") }
        /^usage: / || /^       ndshm / {
            for (i = 1; i <= NF; i++) {
                f = $i
                if (f !~ /^\[?-/) continue
                o = f; sub(/^\[/, "", o); sub(/\]$/, "", o)
                emit(o, f !~ /\]$/ && i < NF && $(i + 1) ~ /^[A-Z]/)
            }
            next
        }
        /^ +-/ {
            spec = $0; sub(/^ +/, "", spec); sub(/  .*/, "", spec)
            n = split(spec, t, /,? +/)
            for (i = 1; i <= n; i++)
                if (t[i] ~ /^-/) emit(t[i], t[n] ~ /^[A-Z]/)
        }' | awk '{ o = $0; sub(/=$/, "", o)
                    if (!(o in a) || $0 ~ /=$/) a[o] = $0 }
              END { for (o in a) print a[o] }' | LC_ALL=C sort
}

for cmd in $help_commands; do
    want=$(help_options "$cmd" | tr '\n' ' ' | sed 's/ $//')
    have=$(drive - spec "$cmd")
    [ "$have" = "$want" ] ||
        fail "options of '$cmd': completion has [$have], --help shows [$want]"
    plain=$( (echo --help; echo -h; echo --store; help_options "$cmd" | sed 's/=$//') |
        LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
    expect "ndshm $cmd -" "$plain"
done
expect 'ndshm create x --d' '--dtype'
expect 'ndshm rm -' '--force --help --store -f -h'
expect 'ndshm get --store ' 'd1 d2'
expect 'ndshm get --store=d' 'd1 d2'
expect "ndshm --store $store fsck --r" '--repair'

# Whether an option takes an argument decides where the operands are: after
# one that does, nothing of the store; after one that does not, the names.
for cmd in get info set rm wait export show who; do
    for o in $(help_options "$cmd"); do
        case $o in
        *=) opt=${o%=}
            got=$(drive "$store" line "ndshm $cmd $opt ")
            case " $got " in *" a_1 "*)
                fail "'ndshm $cmd $opt ' offers names: [$got]" ;;
            esac ;;
        *) expect "ndshm $cmd $o " "$names" ;;
        esac
    done
done
expect 'ndshm view -r v ' "$names"
expect 'ndshm wait --since 3 ' "$names"
expect 'ndshm set -t 1 ' "$names"
expect 'ndshm set --timeout=1 ' "$names"

# ---- names of the store ------------------------------------------------------
for cmd in get set info rm wait export show who; do
    expect "ndshm $cmd " "$names"
done
expect 'ndshm get sim/' 'sim/t_2 sim/temps'
expect 'ndshm get sim/te' 'sim/temps'
expect 'ndshm get F' 'Frames'
expect 'ndshm get a_1 ' ''
expect 'ndshm get x' ''
expect 'ndshm get a_1[1:' ''
expect 'ndshm get -- ' "$names"
expect 'ndshm get -- -' ''
expect 'ndshm view ' ''
expect 'ndshm view new ' "$names"
expect 'ndshm view new Fr' 'Frames'
expect 'ndshm view new a_1 ' ''
expect 'ndshm copy ' ''
expect 'ndshm copy new ' "$names"
expect 'ndshm set a_1 ' ''
expect 'ndshm set a_1 -5 ' ''
expect 'ndshm get -q ' "$names"       # an unknown option, not an operand
expect 'ndshm copy -inf ' "$names"    # -inf, -5 are operands
expect 'ndshm copy -5 ' "$names"
expect 'ndshm rm a_1 Frames ' 'sim/t_2 sim/temps v9'
expect 'ndshm rm -f v9 ' 'Frames a_1 sim/t_2 sim/temps'
expect 'ndshm create ' ''
expect 'ndshm create x ' ''
expect 'ndshm list ' ''
expect 'ndshm who a_1 ' ''
# --store (before or after the command, either spelling) wins over
# NDSHM_STORE, which holds only "decoy"; the last one counts
expect 'ndshm get ' 'decoy' "$decoy"
expect "ndshm --store $store get " "$names" "$decoy"
expect "ndshm --store=$store get " "$names" "$decoy"
expect "ndshm --store '$store' get " "$names" "$decoy"
expect "ndshm --store=\"$store\" get " "$names" "$decoy"
expect 'ndshm --store ..\/store get ' "$names" "$decoy"
expect 'ndshm --store ../store show ' "$names" "$decoy"
expect "ndshm get --store $store " "$names" "$decoy"
expect 'ndshm --store ~/store get ' "$names" "$decoy"
expect 'ndshm get --store=~/store ' '' "$decoy" # the shell keeps that ~
expect "ndshm rm --store=$store -f " "$names" "$decoy"
expect "ndshm --store $decoy who --store $store " "$names" ''
expect "ndshm --store $store who --store $decoy " 'decoy' ''
expect "ndshm --store $store get " "$names" ''
# the cursor before "--store DIR": that store all the same
got=$(drive "$decoy" raw "ndshm get  --store $store" 10 2 '' \
    ndshm get --store "$store")
[ "$got" = "$names" ] || fail "cursor before --store: [$got]"
# a quote opened: bash passes the word without it
got=$(drive "$store" raw "ndshm get 'sim/" 15 2 'sim/' ndshm get "'sim/")
[ "$got" = 'sim/t_2 sim/temps' ] || fail "'ndshm get '\\''sim/': [$got]"
# the tool named by its path
expect "$tmp/bin/ndshm get a" 'a_1'
expect "$tmp/bin/ndshm --store=$store get a" 'a_1' "$decoy"

# ---- dtypes and files --------------------------------------------------------
dtypes='bool complex128 complex64 float16 float32 float64 int16 int32 int64 int8 uint16 uint32 uint64 uint8'
expect 'ndshm create x --dtype ' "$dtypes"
expect 'ndshm create x -d ' "$dtypes"
expect 'ndshm create x -d float' 'float16 float32 float64'
expect 'ndshm create x --dtype=c' 'complex128 complex64'
expect "ndshm create x '[1]' --dtype u" 'uint16 uint32 uint64 uint8'
expect 'ndshm create x --shape ' ''
expect 'ndshm create x --fill ' ''
expect 'ndshm create x --from ' 'a.npy b.NPY d1 d2 x:y.npy'
expect 'ndshm create x --from=' 'a.npy b.NPY d1 d2 x:y.npy'
expect 'ndshm create x --from a' 'a.npy'
expect 'ndshm create x --from n' 'notes.txt'
# after "x:" bash replaces only what follows the ":"
expect 'ndshm create x --from x:' 'y.npy'
expect 'ndshm export a_1 ' 'a.npy b.NPY d1 d2 x:y.npy'
# shellcheck disable=SC2088 # the ~ stays, as typed
expect 'ndshm create x --from ~/work/a' '~/work/a.npy'
got=$(drive "$store" raw 'ndshm export a_1 d2/my\ f' 25 3 'd2/my\ f' \
    ndshm export a_1 'd2/my\ f')
[ "$got" = 'd2/my file.npy' ] || fail "'ndshm export a_1 d2/my\\ f': [$got]"
expect 'ndshm export a_1 b' 'b.NPY'
expect 'ndshm export a_1 x.npy ' ''
expect 'ndshm show a_1 --png ' 'd1 d2 pic.png'
expect 'ndshm show a_1 --png=p' 'pic.png'
# redirections: files, and their targets are no operands
expect 'ndshm get a_1 >' 'a.npy b.NPY d1 d2 notes.txt pic.png x:y.npy'
expect 'ndshm get a_1 > n' 'notes.txt'
expect 'ndshm get >out.txt ' "$names"
expect 'ndshm get 2>>err.txt a' 'a_1'

# ---- no store, no errors, no side effects ----------------------------------
expect "ndshm --store $tmp/none get " ''
expect "ndshm --store=$tmp/none rm " ''
[ ! -e "$tmp/none" ] || fail "completing made the store $tmp/none"
expect 'ndshm get ' '' "$tmp/none2"
[ ! -e "$tmp/none2" ] || fail "completing made the store \$NDSHM_STORE"
expect "ndshm --store $tmp/emptydir get " ''
[ -z "$(ls -A "$tmp/emptydir")" ] ||
    fail "completing made a store in an empty directory"
expect "ndshm --store '' get " ''
expect "broken --store $store get " ''
expect "$tmp/nosuchdir/ndshm --store $store get " ''
if [ -s "$errs" ]; then
    fail "completing printed on stderr:"
    sed 's/^/  /' "$errs"
fi

if [ "$fails" -ne 0 ]; then
    echo "$fails completion checks failed"
    exit 1
fi
echo "completion: all checks passed"
exit 0
