# export writes a window as a standalone .npy file (numpy.save's layout);
# create --from reads .npy files back, converting Fortran order and
# big-endian data.
$ ndshm create a '[[1, 2, 3], [4, 5, 6]]' --dtype int32
$ ndshm export a.T at.npy
$ head -c 8 at.npy | od -An -tx1 | tr -s ' ' | sed 's/^ //'
93 4e 55 4d 50 59 01 00
$ head -c 128 at.npy | tail -c +11 | sed 's/ *$//'
{'descr': '<i4', 'fortran_order': False, 'shape': (3, 2), }
$ wc -c <at.npy | tr -d ' '
152
$ ndshm create back --from at.npy
$ ndshm get back
[[1 4]
 [2 5]
 [3 6]]
$ ndshm info back
name:     back
kind:     array
base:     -
dtype:    int32 (<i4)
shape:    (3, 2)
strides:  (8, 4)
offset:   4096
path:     STORE/data/0000000000000002.npy
readonly: no
id:       2
version:  0
# a window with a negative stride, and a 0-d one
$ ndshm export 'a[::-1, 1]' col.npy
$ ndshm create col --from col.npy
$ ndshm get col
[5 2]
$ ndshm export 'a[1, 2]' one.npy
$ head -c 128 one.npy | tail -c +11 | sed 's/ *$//'
{'descr': '<i4', 'fortran_order': False, 'shape': (), }
$ ndshm create one --from one.npy
$ ndshm get one
6
# export replaces an existing file
$ ndshm export one at.npy
$ wc -c <at.npy | tr -d ' '
132
# every dtype survives the round trip
$ ndshm create c '[1.5+2j, -0.0-infj]' --dtype complex64
$ ndshm export c c.npy
$ ndshm create c2 --from c.npy
$ ndshm get c2
[ 1.5 +2.j -0. -infj]
$ ndshm create h '[0.1, 65504]' --dtype float16
$ ndshm export h h.npy
$ ndshm create h2 --from h.npy
$ ndshm info h2 --json
{"name": "h2", "kind": "array", "base": null, "dtype": "<f2", "shape": [2], "strides": [2], "offset": 4096, "path": "STORE/data/0000000000000008.npy", "readonly": false, "id": 8, "version": 0}
$ ndshm get h2
[1.00e-01 6.55e+04]
# a Fortran-order file, made by hand
$ { printf '\223NUMPY\001\000\166\000%s%59s\n' "{'descr': '|i1', 'fortran_order': True, 'shape': (2, 3), }" ''; printf '\001\002\003\004\005\006'; } >f.npy
$ ndshm create fo --from f.npy
$ ndshm get fo
[[1 3 5]
 [2 4 6]]
# a big-endian file
$ { printf '\223NUMPY\001\000\166\000%s%60s\n' "{'descr': '>i2', 'fortran_order': False, 'shape': (3,), }" ''; printf '\000\001\001\000\377\376'; } >be.npy
$ ndshm create be --from be.npy
$ ndshm get be
[  1 256  -2]
$ ndshm info be --json
{"name": "be", "kind": "array", "base": null, "dtype": "<i2", "shape": [3], "strides": [2], "offset": 4096, "path": "STORE/data/000000000000000a.npy", "readonly": false, "id": 10, "version": 0}
# errors
$ ndshm export a nodir/x.npy
? 1
! ndshm export: cannot export 'a': cannot create a file beside nodir/x.npy: No such file or directory
$ ndshm export nope x.npy
? 1
! ndshm export: cannot open 'nope': no such array 'nope'
$ ndshm create x --from nonexistent.npy
? 1
! ndshm create: cannot create 'x': cannot open nonexistent.npy: No such file or directory
$ echo hello >t.txt
$ ndshm create x --from t.txt
? 1
! ndshm create: cannot create 'x': t.txt: not a .npy file (no \x93NUMPY magic)
$ head -c 100 f.npy >short.npy
$ ndshm create x --from short.npy
? 1
! ndshm create: cannot create 'x': short.npy: invalid .npy header: truncated
$ ndshm create x --from f.npy --dtype int8
? 2
! ndshm create: --from takes no VALUES, --shape, --fill or --dtype (see 'ndshm create --help')
$ ndshm create a --from f.npy
? 1
! ndshm create: cannot create 'a': 'a' already exists
$ ndshm export a
? 2
! ndshm export: expected EXPR and FILE.npy (see 'ndshm export --help')
$ ndshm get x
? 1
! ndshm get: cannot open 'x': no such array 'x'
