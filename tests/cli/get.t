# get: NumPy's print() text, or JSON with --json, for every kind of array.
$ ndshm create z --shape 2000
$ ndshm get z
[0. 0. 0. ... 0. 0. 0.]
$ ndshm create m --shape 40,50 --dtype int8 --fill 7
$ ndshm get m
[[7 7 7 ... 7 7 7]
 [7 7 7 ... 7 7 7]
 [7 7 7 ... 7 7 7]
 ...
 [7 7 7 ... 7 7 7]
 [7 7 7 ... 7 7 7]
 [7 7 7 ... 7 7 7]]
$ ndshm create cube '[[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]]'
$ ndshm get cube
[[[ 0  1  2  3]
  [ 4  5  6  7]
  [ 8  9 10 11]]

 [[12 13 14 15]
  [16 17 18 19]
  [20 21 22 23]]]
$ ndshm get --json cube
[[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]]
$ ndshm get -j 'cube[1, :, ::-2]'
[[15, 13], [19, 17], [23, 21]]
$ ndshm get 'cube[1, :, ::-2]'
[[15 13]
 [19 17]
 [23 21]]
# lines wrap at 75 columns
$ ndshm create w '[0.0, 1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7, 8.8, 9.9, 11.0, 12.1, 13.2, 14.3, 15.4, 16.5, 17.6, 18.7, 19.8, 20.9, 22.0, 23.1, 24.2, 25.3, 26.4, 27.5, 28.6, 29.7, 30.8, 31.9]'
$ ndshm get w
[ 0.   1.1  2.2  3.3  4.4  5.5  6.6  7.7  8.8  9.9 11.  12.1 13.2 14.3
 15.4 16.5 17.6 18.7 19.8 20.9 22.  23.1 24.2 25.3 26.4 27.5 28.6 29.7
 30.8 31.9]
# floats: scientific switching, nan/inf, shortest digits per dtype
$ ndshm create f4 '[0.1, nan, -inf, 1e-5]' --dtype float32
$ ndshm get f4
[1.e-01    nan   -inf 1.e-05]
$ ndshm get --json f4
[0.1, NaN, -Infinity, 1e-05]
$ ndshm get 'f4[0]'
0.1
$ ndshm create h '[[0.1, 0.2], [0.3, 0.4]]' --dtype float16
$ ndshm get h
[[0.1 0.2]
 [0.3 0.4]]
$ ndshm get --json h
[[0.1, 0.2], [0.3, 0.4]]
$ ndshm create d '[1e20, 1.5, -0.0]'
$ ndshm get d
[ 1.0e+20  1.5e+00 -0.0e+00]
$ ndshm get -j d
[1e+20, 1.5, -0.0]
$ ndshm get 'd[2]'
-0.0
$ ndshm get 'd[0]'
1e+20
$ ndshm create c '[1.5+nanj, -inf+2j]'
$ ndshm get c
[ 1.5+nanj -inf +2.j]
$ ndshm get --json c
[[1.5, NaN], [-Infinity, 2.0]]
$ ndshm get 'c[0]'
(1.5+nanj)
$ ndshm create cj 2j
$ ndshm get cj
2j
$ ndshm get --json cj
[0.0, 2.0]
# integers, bools, big values
$ ndshm create u '[0, 18446744073709551615]' --dtype uint64
$ ndshm get u
[                   0 18446744073709551615]
$ ndshm get --json u
[0, 18446744073709551615]
$ ndshm create b '[True, False, True]'
$ ndshm get b
[ True False  True]
$ ndshm get --json b
[true, false, true]
$ ndshm get 'b[1]'
False
$ ndshm get --json 'b[1]'
false
$ ndshm create i8 '[-128, 0, 127]' --dtype int8
$ ndshm get i8
[-128    0  127]
# empty arrays
$ ndshm create e --shape 2,0
$ ndshm get e
[]
$ ndshm get --json e
[[], []]
$ ndshm get --json 'e[0]'
[]
# errors
$ ndshm get --json=yes b
? 2
! ndshm get: option '--json=yes' takes no argument (see 'ndshm get --help')
$ ndshm get b b
? 2
! ndshm get: unexpected argument 'b' (see 'ndshm get --help')
$ ndshm get 'b[3]'
? 1
! ndshm get: cannot open 'b[3]': index 3 is out of bounds for axis 0 with size 3
$ ndshm get 'b[-4]'
? 1
! ndshm get: cannot open 'b[-4]': index -4 is out of bounds for axis 0 with size 3
$ ndshm get 'b.T.T[0'
? 1
! ndshm get: cannot open 'b.T.T[0': invalid expression 'b.T.T[0': expected ',' or ']' at the end
