# set: scalars, lists and broadcasting as NumPy assigns; values are all
# checked before anything is written.
$ ndshm create a --shape 2,3
$ ndshm set a '[1, 2, 3]'
$ ndshm get a
[[1. 2. 3.]
 [1. 2. 3.]]
$ ndshm set a '[[1], [2]]'
$ ndshm get a
[[1. 1. 1.]
 [2. 2. 2.]]
$ ndshm set a '[[[4, 5, 6]]]'
$ ndshm get a
[[4. 5. 6.]
 [4. 5. 6.]]
$ ndshm set a '((1, 2, 3), (4, 5, 6))'
$ ndshm get a
[[1. 2. 3.]
 [4. 5. 6.]]
# negative values are arguments, not options
$ ndshm set a -inf
$ ndshm set 'a[0, 0]' -5
$ ndshm get a
[[ -5. -inf -inf]
 [-inf -inf -inf]]
$ ndshm set -- 'a[1]' -1e-3
$ ndshm get 'a[1]'
[-0.001 -0.001 -0.001]
$ ndshm set 'a[:, 1]' '[7, 8]'
$ ndshm get a
[[-5.e+00  7.e+00    -inf]
 [-1.e-03  8.e+00 -1.e-03]]
# dtypes
$ ndshm create u8 --dtype uint8 --shape 3
$ ndshm set u8 '[1, 2, 255]'
$ ndshm get u8
[  1   2 255]
$ ndshm create c --dtype complex128 --shape 2
$ ndshm set 'c[0]' -1.5-2e3j
$ ndshm set 'c[1]' 2j
$ ndshm get c
[-1.5-2000.j  0.    +2.j]
$ ndshm create h --dtype float16 --shape 3
$ ndshm set h '[0.1, -65504, 1e-8]'
$ ndshm get h
[ 1.00e-01 -6.55e+04  0.00e+00]
$ ndshm create f --dtype float32 --shape 2
$ ndshm set f '[1e-45, 3.4028235e38]'
$ ndshm get f
[1.4012985e-45 3.4028235e+38]
$ ndshm create b --dtype bool --shape 3
$ ndshm set b '[1, 0, 2]'
$ ndshm get b
[ True False  True]
$ ndshm set 'b[1]' true
$ ndshm get b
[ True  True  True]
$ ndshm create big --dtype uint64 --shape 2
$ ndshm set big '[18446744073709551615, 9223372036854775808]'
$ ndshm get big
[18446744073709551615  9223372036854775808]
$ ndshm create i --dtype int64 --shape 2
$ ndshm set i '[-9223372036854775808, 3.9]'
$ ndshm get i
[-9223372036854775808                    3]
# floats into integers truncate toward zero, as NumPy does
$ ndshm create t --dtype int16 --shape 4
$ ndshm set t '[-3.9, 3.9, -0.5, 32767.9]'
$ ndshm get t
[   -3     3     0 32767]
$ ndshm create s --shape '()'
$ ndshm set s 4.5
$ ndshm get s
4.5
$ ndshm set s '[7]'
$ ndshm get s
7.0
# out of range for the dtype: an error, and nothing written
$ ndshm set u8 '[9, 9, 256]'
? 1
! ndshm set: cannot set 'u8': element 2: value 256 is out of range for uint8
$ ndshm set u8 -1
? 1
! ndshm set: cannot set 'u8': value -1 is out of range for uint8
$ ndshm get u8
[  1   2 255]
$ ndshm set big -1
? 1
! ndshm set: cannot set 'big': value -1 is out of range for uint64
$ ndshm set i 9223372036854775808
? 1
! ndshm set: cannot set 'i': value 9223372036854775808 is out of range for int64
$ ndshm set h 65520
? 1
! ndshm set: cannot set 'h': value 65520 is out of range for float16
$ ndshm set f 1e39
? 1
! ndshm set: cannot set 'f': value 9.9999999999999994e+38 is out of range for float32
$ ndshm get f
[1.4012985e-45 3.4028235e+38]
$ ndshm set i '[1, nan]'
? 1
! ndshm set: cannot set 'i': element 1: value nan cannot be converted to int64
$ ndshm set 'i[0]' inf
? 1
! ndshm set: cannot set 'i[0]': value inf cannot be converted to int64
$ ndshm set a 1+1j
? 1
! ndshm set: cannot set 'a': value (1+1j) has a nonzero imaginary part: cannot convert to float64
$ ndshm get i
[-9223372036854775808                    3]
# shapes that do not broadcast
$ ndshm set a '[1, 2]'
? 1
! ndshm set: cannot set 'a': could not broadcast input array from shape (2,) into shape (2,3)
$ ndshm set 'a[0]' '[[1, 2, 3], [4, 5, 6]]'
? 1
! ndshm set: cannot set 'a[0]': could not broadcast input array from shape (2,3) into shape (3,)
$ ndshm set s '[1, 2]'
? 1
! ndshm set: cannot set 's': could not broadcast input array from shape (2,) into shape ()
$ ndshm get a
[[-5.e+00  7.e+00    -inf]
 [-1.e-03  8.e+00 -1.e-03]]
# other errors
$ ndshm set 'a[2]' 1
? 1
! ndshm set: cannot open 'a[2]': index 2 is out of bounds for axis 0 with size 2
$ ndshm set nope 1
? 1
! ndshm set: cannot open 'nope': no such array 'nope'
$ ndshm set a '[1,'
? 1
! ndshm set: invalid value '[1,': missing ']' at the end
$ ndshm set a
? 2
! ndshm set: expected EXPR and VALUE (see 'ndshm set --help')
$ ndshm set a 1 2
? 2
! ndshm set: unexpected argument '2' (see 'ndshm set --help')
