# copy: an independent, C-contiguous array made from a window.
$ ndshm create m '[[1, 2, 3], [4, 5, 6]]' --dtype uint8
$ ndshm copy t m.T
$ ndshm info t
name:     t
kind:     array
base:     -
dtype:    uint8 (|u1)
shape:    (3, 2)
strides:  (2, 1)
offset:   4096
path:     STORE/data/0000000000000002.npy
readonly: no
id:       2
version:  0
$ ndshm get t
[[1 4]
 [2 5]
 [3 6]]
# writes to either never reach the other
$ ndshm set t 0
$ ndshm get m
[[1 2 3]
 [4 5 6]]
$ ndshm set m 9
$ ndshm get t
[[0 0]
 [0 0]
 [0 0]]
# a copy of a read-only view is writable; of a 0-d window, 0-d
$ ndshm view ro 'm[1, ::-1]' --readonly
$ ndshm copy w ro
$ ndshm set 'w[0]' 1
$ ndshm get w
[1 9 9]
$ ndshm copy s 'm[0, 0]'
$ ndshm get s
9
$ ndshm copy e 'm[:, 3:]'
$ ndshm get e
[]
$ ndshm list
NAME                 KIND  DTYPE      SHAPE            BASE
e                    array uint8      (2, 0)
m                    array uint8      (2, 3)
ro                   view  uint8      (3,)             m
s                    array uint8      ()
t                    array uint8      (3, 2)
w                    array uint8      (3,)
# errors
$ ndshm copy t m
? 1
! ndshm copy: cannot create 't': 't' already exists
$ ndshm copy x 'm[2]'
? 1
! ndshm copy: cannot create 'x': index 2 is out of bounds for axis 0 with size 2
$ ndshm copy x 'm[0'
? 1
! ndshm copy: cannot create 'x': invalid expression 'm[0': expected ',' or ']' at the end
$ ndshm copy x nope
? 1
! ndshm copy: cannot create 'x': no such array 'nope'
$ ndshm copy x
? 2
! ndshm copy: expected NAME and EXPR (see 'ndshm copy --help')
$ ndshm copy --readonly x m
? 2
! ndshm copy: unknown option '--readonly' (see 'ndshm copy --help')
