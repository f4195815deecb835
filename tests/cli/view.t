# view: named windows (NumPy basic indexing); writes go through to the
# array, read-only views refuse them.
$ ndshm create m '[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]'
$ ndshm view odd 'm[1:, ::2]'
$ ndshm get odd
[[ 4  6]
 [ 8 10]]
$ ndshm view t m.T
$ ndshm get t
[[ 0  4  8]
 [ 1  5  9]
 [ 2  6 10]
 [ 3  7 11]]
$ ndshm view last 'm[-1]'
$ ndshm get last
[ 8  9 10 11]
$ ndshm view back 'm[::-1, -1]'
$ ndshm get back
[11  7  3]
$ ndshm view col 'm[..., None][0]'
$ ndshm get col
[[0]
 [1]
 [2]
 [3]]
$ ndshm view one 'm[1, 2]'
$ ndshm get one
6
# expressions work in get and set too, and on views
$ ndshm get 'm[:, 1:3].T'
[[ 1  5  9]
 [ 2  6 10]]
$ ndshm get 't[3]'
[ 3  7 11]
# a view of a view resolves to the base array
$ ndshm view tt 't[1:3]'
$ ndshm info tt
name:     tt
kind:     view
base:     m
dtype:    int64 (<i8)
shape:    (2, 3)
strides:  (8, 32)
offset:   4104
path:     STORE/data/0000000000000001.npy
readonly: no
id:       1
version:  0
# writes through a view reach the array and every other view
$ ndshm set odd -1
$ ndshm get m
[[ 0  1  2  3]
 [-1  5 -1  7]
 [-1  9 -1 11]]
$ ndshm get back
[11  7  3]
$ ndshm set 'back[1]' 70
$ ndshm get 'm[1]'
[-1  5 -1 70]
# read-only views
$ ndshm view ro 'm[0]' --readonly
$ ndshm set ro 5
? 1
! ndshm set: cannot set 'ro': 'ro' is read-only
$ ndshm set 'ro[1:]' 5
? 1
! ndshm set: cannot set 'ro[1:]': 'ro' is read-only
$ ndshm get ro
[0 1 2 3]
$ ndshm view -r ro2 'm[2]'
$ ndshm info ro2 --json
{"name": "ro2", "kind": "view", "base": "m", "dtype": "<i8", "shape": [4], "strides": [8], "offset": 4160, "path": "STORE/data/0000000000000001.npy", "readonly": true, "id": 1, "version": 2}
# a view of a read-only view is read-only
$ ndshm view ro3 'ro[::2]'
$ ndshm set ro3 1
? 1
! ndshm set: cannot set 'ro3': 'ro3' is read-only
# names in namespaces
$ ndshm view sim/row 'm[0]'
$ ndshm get sim/row
[0 1 2 3]
# errors
$ ndshm view odd 'm[0]'
? 1
! ndshm view: cannot create 'odd': 'odd' already exists
$ ndshm view v 'm[3]'
? 1
! ndshm view: cannot create 'v': index 3 is out of bounds for axis 0 with size 3
$ ndshm view v 'm[0, 0, 0]'
? 1
! ndshm view: cannot create 'v': too many indices for array: array is 2-dimensional, but 3 were indexed
$ ndshm view v 'm[[0, 1]]'
? 1
! ndshm view: cannot create 'v': invalid expression 'm[[0, 1]]': advanced indexing with a list or array makes a copy; only integers, slices (':'), ellipsis ('...') and None are valid indices
$ ndshm view v 'nope[0]'
? 1
! ndshm view: cannot create 'v': no such array 'nope'
$ ndshm view v 'm[1:'
? 1
! ndshm view: cannot create 'v': invalid expression 'm[1:': expected ',' or ']' at the end
$ ndshm view 'bad name' 'm[0]'
? 1
! ndshm view: cannot create 'bad name': invalid name 'bad name': only letters, digits, '_' and '/' are allowed
$ ndshm view v
? 2
! ndshm view: expected NAME and EXPR (see 'ndshm view --help')
$ ndshm get v
? 1
! ndshm get: cannot open 'v': no such array 'v'
