# The tool's interface: --help for the tool and every command (stdout,
# exit 0), --version, --store, and usage errors (stderr, exit 2).
$ ndshm --help
usage: ndshm [--store DIR] COMMAND [ARGS]
Share N-dimensional arrays between processes, live.

Commands:
  create   create an array
  view     name a window of an array
  copy     copy a window into a new array
  set      assign values to a window
  get      print a window
  info     describe an array or view
  list     list arrays and views
  rm       remove arrays or views
  wait     wait until an array changes
  fsck     check that the catalog and data files agree
  export   write a window to a .npy file
  show     draw a window as a heatmap
  df       show the store's usage
  who      list the processes that map an array

EXPR is NAME followed by NumPy basic indexing and .T, e.g.
'arr[1:]', 'frames[-1, ::2]', 'm.T', 'v[..., None]'.

Options:
  --store DIR   the store (default: $NDSHM_STORE, else
                /dev/shm/ndshm-$UID)
  -h, --help    show this help, or a command's with COMMAND --help
  --version     show the version

Exit status: 0 success, 1 error, 2 usage error, 3 timeout.
$ ndshm -h | head -n 1
usage: ndshm [--store DIR] COMMAND [ARGS]
$ ndshm create --help
usage: ndshm [--store DIR] create NAME --dtype T --shape D0,D1,... [--fill V]
       ndshm create NAME VALUES [--dtype T]
       ndshm create NAME --from FILE.npy
Create array NAME: zeros (or V) of dtype T and the given shape, the
values of a literal such as '[[1, 2], [3, 4]]' (dtype inferred as
NumPy infers it unless --dtype is given), or a copy of a .npy file.
  -d, --dtype T    bool, int8..int64, uint8..uint64, float16, float32,
                   float64, complex64, complex128 (or f8, <i4, ...)
  -s, --shape S    dimensions, e.g. 3,4 or (3, 4); '()' for a scalar
      --fill V     initial value, broadcast to the shape
      --from FILE  read a .npy file
$ ndshm view --help
usage: ndshm [--store DIR] view NAME EXPR [--readonly]
Create view NAME over the window EXPR denotes, e.g. 'arr[1:, ::2]'.
Writes through the view write the array, in every process.
  -r, --readonly   refuse writes through the view
$ ndshm copy --help
usage: ndshm [--store DIR] copy NAME EXPR
Create array NAME as an independent C-contiguous copy of EXPR.
$ ndshm set --help
usage: ndshm [--store DIR] set EXPR VALUE [--timeout SEC]
Assign VALUE, a scalar or nested list broadcast as NumPy broadcasts,
to the window EXPR, holding the window's exclusive lock.  Nothing is
written unless every value fits.
  -t, --timeout SEC   wait at most SEC seconds for the lock (exit 3)
$ ndshm get --help
usage: ndshm [--store DIR] get EXPR [--json]
Print the window EXPR as NumPy's print() shows it.
  -j, --json       print nested JSON lists instead
$ ndshm info --help
usage: ndshm [--store DIR] info EXPR [--json]
Print name, kind, base, dtype, shape, strides, offset, data file
path and read-only flag: enough for any program to map the window.
  -j, --json       print a JSON object
$ ndshm list --help
usage: ndshm [--store DIR] list [--json]
List every array and view of the store.
  -j, --json       print a JSON list of the objects info --json gives
$ ndshm rm --help
usage: ndshm [--store DIR] rm [-f] NAME...
Remove each NAME.  An array's data lives on while views use it.
  -f, --force      ignore names that do not exist
$ ndshm export --help
usage: ndshm [--store DIR] export EXPR FILE.npy
Write the window EXPR as a new .npy file (replacing FILE.npy).
# -h anywhere before "--", even with other arguments
$ ndshm create x '[1, 2]' -h | head -n 1
usage: ndshm [--store DIR] create NAME --dtype T --shape D0,D1,... [--fill V]
$ ndshm get -- --help
? 1
! ndshm get: cannot open '--help': invalid expression '--help': expected a name at column 1 ('-')
$ ndshm list
$ ndshm --version | sed 's/[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*$/X.Y.Z/'
ndshm X.Y.Z
# --store (before or after the command, or --store=DIR) picks the store;
# NDSHM_STORE is the default
$ ndshm --store other create a '[1]'
$ ndshm --store=other get a
[1]
$ ndshm list --store other
NAME                 KIND  DTYPE      SHAPE            BASE
a                    array int64      (1,)
$ ndshm get a
? 1
! ndshm get: cannot open 'a': no such array 'a'
$ NDSHM_STORE=other ndshm get a
[1]
$ ls other
catalog.mdb
catalog.mdb-lock
data
# usage errors
$ ndshm
? 2
! usage: ndshm [--store DIR] COMMAND [ARGS]
! Share N-dimensional arrays between processes, live.
!
! Commands:
!   create   create an array
!   view     name a window of an array
!   copy     copy a window into a new array
!   set      assign values to a window
!   get      print a window
!   info     describe an array or view
!   list     list arrays and views
!   rm       remove arrays or views
!   wait     wait until an array changes
!   fsck     check that the catalog and data files agree
!   export   write a window to a .npy file
!   show     draw a window as a heatmap
!   df       show the store's usage
!   who      list the processes that map an array
!
! EXPR is NAME followed by NumPy basic indexing and .T, e.g.
! 'arr[1:]', 'frames[-1, ::2]', 'm.T', 'v[..., None]'.
!
! Options:
!   --store DIR   the store (default: $NDSHM_STORE, else
!                 /dev/shm/ndshm-$UID)
!   -h, --help    show this help, or a command's with COMMAND --help
!   --version     show the version
!
! Exit status: 0 success, 1 error, 2 usage error, 3 timeout.
$ ndshm --store
? 2
! ndshm: option '--store' needs an argument (see 'ndshm --help')
$ ndshm --frob list
? 2
! ndshm: unknown option '--frob' (see 'ndshm --help')
$ ndshm frob
? 2
! ndshm: unknown command 'frob' (see 'ndshm --help')
$ ndshm GET a
? 2
! ndshm: unknown command 'GET' (see 'ndshm --help')
$ ndshm get --frob a
? 2
! ndshm get: unknown option '--frob' (see 'ndshm get --help')
$ ndshm get a --store
? 2
! ndshm get: option '--store' needs an argument (see 'ndshm get --help')
$ ndshm view --readonly=yes v a
? 2
! ndshm view: option '--readonly=yes' takes no argument (see 'ndshm view --help')
$ ndshm create
? 2
! ndshm create: missing NAME (see 'ndshm create --help')
$ ndshm create x
? 2
! ndshm create: give VALUES, --shape or --from (see 'ndshm create --help')
$ ndshm create x --fill 1
? 2
! ndshm create: give VALUES, --shape or --from (see 'ndshm create --help')
$ ndshm create x 1 2
? 2
! ndshm create: unexpected argument '2' (see 'ndshm create --help')
$ ndshm create x 1 --shape 3
? 2
! ndshm create: VALUES cannot go with --shape or --fill (see 'ndshm create --help')
$ ndshm create x --shape
? 2
! ndshm create: option '--shape' needs an argument (see 'ndshm create --help')
$ ndshm create x -s 3 -d
? 2
! ndshm create: option '-d' needs an argument (see 'ndshm create --help')
$ ndshm create x -s 2,-1
? 2
! ndshm create: invalid shape '2,-1': negative dimensions are not allowed (see 'ndshm create --help')
$ ndshm create x -s 2,,3
? 2
! ndshm create: invalid shape '2,,3': expected a dimension at ',3' (see 'ndshm create --help')
$ ndshm create x -s 2.5
? 2
! ndshm create: invalid shape '2.5': expected ',' at '.5' (see 'ndshm create --help')
$ ndshm create x -s 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33
? 2
! ndshm create: invalid shape '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33': more than 32 dimensions (see 'ndshm create --help')
$ ndshm create x -s 99999999999999999999
? 2
! ndshm create: invalid shape '99999999999999999999': dimension too large (see 'ndshm create --help')
$ ndshm create x -s 3 --dtype object
? 2
! ndshm create: data type 'object' not understood (ndshm holds bool, int8..int64, uint8..uint64, float16, float32, float64, complex64, complex128) (see 'ndshm create --help')
$ ndshm create x -s 3 --dtype '>f8'
? 2
! ndshm create: big-endian data type '>f8': ndshm stores little-endian data (see 'ndshm create --help')
$ ndshm create x '[1]' --dtype int128
? 2
! ndshm create: data type 'int128' not understood (ndshm holds bool, int8..int64, uint8..uint64, float16, float32, float64, complex64, complex128) (see 'ndshm create --help')
# a shape whose size overflows is an error, not a usage error
$ ndshm create x -s 4611686018427387904,4
? 1
! ndshm create: cannot create 'x': array too large: its size overflows 64 bits
# --dtype spellings NumPy accepts, --opt=value forms and shapes
$ ndshm create d1 --shape=3 --dtype=f8
$ ndshm create d2 -s '[2, 2]' -d '<i4'
$ ndshm create d3 -s ' ( 4 , ) ' -d double
$ ndshm create d4 -s 5 -d '?'
$ ndshm create d5 -s '()' -d complex
$ ndshm create d6 -s 1x2x3 -d half
$ ndshm list
NAME                 KIND  DTYPE      SHAPE            BASE
d1                   array float64    (3,)
d2                   array int32      (2, 2)
d3                   array float64    (4,)
d4                   array bool       (5,)
d5                   array complex128 ()
d6                   array float16    (1, 2, 3)
