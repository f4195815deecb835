# create: zeros or --fill of a dtype and shape, literals inferred as
# np.array infers them, and errors that leave no name behind.
$ ndshm create z --dtype float32 --shape 2,3
$ ndshm get z
[[0. 0. 0.]
 [0. 0. 0.]]
$ ndshm create i --dtype int16 --shape '(2, 2)' --fill 7
$ ndshm get i
[[7 7]
 [7 7]]
$ ndshm create b -d bool -s 3 --fill True
$ ndshm get b
[ True  True  True]
$ ndshm create h --dtype float16 --shape '[4]' --fill 0.1
$ ndshm get h
[0.1 0.1 0.1 0.1]
$ ndshm create u --dtype uint64 --shape 2 --fill 18446744073709551615
$ ndshm get u
[18446744073709551615 18446744073709551615]
$ ndshm create c --dtype complex64 --shape 2 --fill 1+2j
$ ndshm get c
[1.+2.j 1.+2.j]
$ ndshm create neg --dtype int8 --shape 3 --fill -128
$ ndshm get neg
[-128 -128 -128]
$ ndshm create minf --dtype float32 --shape 2 --fill -inf
$ ndshm get minf
[-inf -inf]
# --fill broadcasts as NumPy assignment does
$ ndshm create rows --shape 3,2 --fill '[1, 2]' --dtype int32
$ ndshm get rows
[[1 2]
 [1 2]
 [1 2]]
$ ndshm create cols --shape 2x3 --fill '[[1], [2]]'
$ ndshm get cols
[[1. 1. 1.]
 [2. 2. 2.]]
$ ndshm create deep --shape 2 --fill '[[[5, 6]]]' --dtype uint8
$ ndshm get deep
[5 6]
# np.zeros' default dtype is float64
$ ndshm create f --shape 3
$ ndshm get f
[0. 0. 0.]
$ ndshm create s --shape '()' --fill 2.5
$ ndshm get s
2.5
$ ndshm create e --shape 0
$ ndshm get e
[]
$ ndshm create e2 --shape 2,0,3 --dtype int8
$ ndshm get e2
[]
# literals: dtype as np.array infers it, or --dtype
$ ndshm create l_int '[[1, 2], [3, 4]]'
$ ndshm create l_float '[1, 2.5]'
$ ndshm create l_bool '[True, False]'
$ ndshm create l_complex '[1+2j, 3]'
$ ndshm create l_big 18446744073709551615
$ ndshm create l_mixed '[True, 2]'
$ ndshm create l_empty '[]'
$ ndshm create l_u8 '[1, 2]' --dtype uint8
$ ndshm create l_f4 '(0.1, 0.2)' --dtype f4
$ ndshm create l_c8 '[1, 2]' -d '<c8'
$ ndshm create l_neg -5
$ ndshm create l_minf -inf
$ ndshm list
NAME                 KIND  DTYPE      SHAPE            BASE
b                    array bool       (3,)
c                    array complex64  (2,)
cols                 array float64    (2, 3)
deep                 array uint8      (2,)
e                    array float64    (0,)
e2                   array int8       (2, 0, 3)
f                    array float64    (3,)
h                    array float16    (4,)
i                    array int16      (2, 2)
l_big                array uint64     ()
l_bool               array bool       (2,)
l_c8                 array complex64  (2,)
l_complex            array complex128 (2,)
l_empty              array float64    (0,)
l_f4                 array float32    (2,)
l_float              array float64    (2,)
l_int                array int64      (2, 2)
l_minf               array float64    ()
l_mixed              array int64      (2,)
l_neg                array int64      ()
l_u8                 array uint8      (2,)
minf                 array float32    (2,)
neg                  array int8       (3,)
rows                 array int32      (3, 2)
s                    array float64    ()
u                    array uint64     (2,)
z                    array float32    (2, 3)
$ ndshm get l_int
[[1 2]
 [3 4]]
$ ndshm get l_complex
[1.+2.j 3.+0.j]
$ ndshm get l_big
18446744073709551615
$ ndshm get l_f4
[0.1 0.2]
$ ndshm get l_c8
[1.+0.j 2.+0.j]
$ ndshm get l_neg
-5
$ ndshm get l_minf
-inf
# errors: nothing is created
$ ndshm create x '[1, 300]' --dtype uint8
? 1
! ndshm create: cannot create 'x': element 1: value 300 is out of range for uint8
$ ndshm create x --shape 3 --dtype int8 --fill 128
? 1
! ndshm create: cannot create 'x': value 128 is out of range for int8
$ ndshm create x --shape 3 --fill '[1, 2]'
? 1
! ndshm create: cannot create 'x': --fill could not broadcast input array from shape (2,) into shape (3,)
$ ndshm create x --shape 2 --dtype int32 --fill nan
? 1
! ndshm create: cannot create 'x': value nan cannot be converted to int32
$ ndshm create x '[1, [2]]'
? 1
! ndshm create: invalid value '[1, [2]]': inhomogeneous shape: the lists are not all of the same length and depth
$ ndshm create x '[1, 2'
? 1
! ndshm create: invalid value '[1, 2': expected ',' or ']' at the end
$ ndshm create x 1+2j --dtype float64
? 1
! ndshm create: cannot create 'x': value (1+2j) has a nonzero imaginary part: cannot convert to float64
$ ndshm create z 1
? 1
! ndshm create: cannot create 'z': 'z' already exists
$ ndshm create 9x 1
? 1
! ndshm create: cannot create '9x': invalid name '9x': each '/'-separated part must start with a letter or '_'
$ ndshm get x
? 1
! ndshm get: cannot open 'x': no such array 'x'
