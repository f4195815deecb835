# info, list and rm: describing and removing names.
# An empty store lists nothing.
$ ndshm list
$ ndshm list --json
[]
$ ndshm create a '[[1.5, 2.5], [3.5, 4.5]]' --dtype float32
$ ndshm create sim/t --shape '()' --dtype uint16
$ ndshm view v 'a[:, 1]'
$ ndshm view -r r a.T
$ ndshm info a
name:     a
kind:     array
base:     -
dtype:    float32 (<f4)
shape:    (2, 2)
strides:  (8, 4)
offset:   4096
path:     STORE/data/0000000000000001.npy
readonly: no
id:       1
version:  0
$ ndshm info v
name:     v
kind:     view
base:     a
dtype:    float32 (<f4)
shape:    (2,)
strides:  (8,)
offset:   4100
path:     STORE/data/0000000000000001.npy
readonly: no
id:       1
version:  0
$ ndshm info --json r
{"name": "r", "kind": "view", "base": "a", "dtype": "<f4", "shape": [2, 2], "strides": [4, 8], "offset": 4096, "path": "STORE/data/0000000000000001.npy", "readonly": true, "id": 1, "version": 0}
$ ndshm info -j sim/t
{"name": "sim/t", "kind": "array", "base": null, "dtype": "<u2", "shape": [], "strides": [], "offset": 4096, "path": "STORE/data/0000000000000002.npy", "readonly": false, "id": 2, "version": 0}
# an expression describes its window
$ ndshm info 'a[1, ::-1]'
name:     a[1, ::-1]
kind:     view
base:     a
dtype:    float32 (<f4)
shape:    (2,)
strides:  (-4,)
offset:   4108
path:     STORE/data/0000000000000001.npy
readonly: no
id:       1
version:  0
# writes bump the version, seen through every name
$ ndshm set v 0
$ ndshm set 'a[0, 0]' 9
$ ndshm info --json a
{"name": "a", "kind": "array", "base": null, "dtype": "<f4", "shape": [2, 2], "strides": [8, 4], "offset": 4096, "path": "STORE/data/0000000000000001.npy", "readonly": false, "id": 1, "version": 2}
$ ndshm list
NAME                 KIND  DTYPE      SHAPE            BASE
a                    array float32    (2, 2)
r                    view  float32    (2, 2)           a
sim/t                array uint16     ()
v                    view  float32    (2,)             a
$ ndshm list --json
[{"name": "a", "kind": "array", "base": null, "dtype": "<f4", "shape": [2, 2], "strides": [8, 4], "offset": 4096, "path": "STORE/data/0000000000000001.npy", "readonly": false, "id": 1, "version": 2}, {"name": "r", "kind": "view", "base": "a", "dtype": "<f4", "shape": [2, 2], "strides": [4, 8], "offset": 4096, "path": "STORE/data/0000000000000001.npy", "readonly": true, "id": 1, "version": 2}, {"name": "sim/t", "kind": "array", "base": null, "dtype": "<u2", "shape": [], "strides": [], "offset": 4096, "path": "STORE/data/0000000000000002.npy", "readonly": false, "id": 2, "version": 0}, {"name": "v", "kind": "view", "base": "a", "dtype": "<f4", "shape": [2], "strides": [8], "offset": 4100, "path": "STORE/data/0000000000000001.npy", "readonly": false, "id": 1, "version": 2}]
$ ls store/data
0000000000000001.npy
0000000000000002.npy
# removing an array that views use removes only its name
$ ndshm rm a
$ ndshm get v
[0. 0.]
$ ndshm info v
name:     v
kind:     view
base:     -
dtype:    float32 (<f4)
shape:    (2,)
strides:  (8,)
offset:   4100
path:     STORE/data/0000000000000001.npy
readonly: no
id:       1
version:  2
$ ndshm list
NAME                 KIND  DTYPE      SHAPE            BASE
r                    view  float32    (2, 2)           (removed)
sim/t                array uint16     ()
v                    view  float32    (2,)             (removed)
$ ndshm get a
? 1
! ndshm get: cannot open 'a': no such array 'a'
# a new 'a' gets a new data file; the views keep the old one
$ ndshm create a '[7]'
$ ndshm get r
[[9.  3.5]
 [0.  0. ]]
$ ls store/data
0000000000000001.npy
0000000000000002.npy
0000000000000003.npy
# the data file goes with the last name using it
$ ndshm rm r v
$ ls store/data
0000000000000002.npy
0000000000000003.npy
# rm of several names removes those that exist and reports the others
$ ndshm view w 'a[0]'
$ ndshm rm w nope sim/t
? 1
! ndshm rm: cannot remove 'nope': no such array 'nope'
$ ndshm list
NAME                 KIND  DTYPE      SHAPE            BASE
a                    array int64      (1,)
$ ndshm rm -f nope a
$ ndshm list
$ ndshm rm -f
$ ndshm rm --force nope
# errors
$ ndshm rm nope
? 1
! ndshm rm: cannot remove 'nope': no such array 'nope'
$ ndshm rm 'a[0]'
? 1
! ndshm rm: cannot remove 'a[0]': invalid name 'a[0]': only letters, digits, '_' and '/' are allowed
$ ndshm rm
? 2
! ndshm rm: missing NAME (see 'ndshm rm --help')
$ ndshm info
? 2
! ndshm info: expected NAME or EXPR (see 'ndshm info --help')
$ ndshm info nope
? 1
! ndshm info: cannot open 'nope': no such array 'nope'
$ ndshm list extra
? 2
! ndshm list: unexpected argument 'extra' (see 'ndshm list --help')
