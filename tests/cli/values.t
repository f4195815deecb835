# Values typed on the command line: Python/JSON literal syntax, with the
# dtype np.array(ast.literal_eval(VALUE)) infers (outputs from NumPy 1.24).
$ ndshm create ints '[0x1F, 0o17, 0b101, 1_000_000]'
$ ndshm get ints
[     31      15       5 1000000]
$ ndshm create bools '[True, false]'
$ ndshm get bools
[ True False]
$ ndshm create mixed '[1, true]'
$ ndshm get mixed
[1 1]
$ ndshm create fl '(1, 2.5)'
$ ndshm get fl
[1.  2.5]
$ ndshm create cx '[1, 2j]'
$ ndshm get cx
[1.+0.j 0.+2.j]
$ ndshm create big '[9223372036854775808, 18446744073709551615]'
$ ndshm get big
[ 9223372036854775808 18446744073709551615]
$ ndshm create bigneg '[9223372036854775808, -1]'
$ ndshm get bigneg
[ 9.22337204e+18 -1.00000000e+00]
# one Python int beyond int64 with one within: int64 + uint64 -> float64
$ ndshm create bigone '[9223372036854775808, 1]'
$ ndshm get bigone
[9.22337204e+18 1.00000000e+00]
$ ndshm create empty '[[], []]'
$ ndshm get empty
[]
$ ndshm create floats '[-0.0, .5, 5., 1e-3]'
$ ndshm get floats
[-0.e+00  5.e-01  5.e+00  1.e-03]
$ ndshm create special '[Infinity, NaN]'
$ ndshm get special
[inf nan]
$ ndshm list
NAME                 KIND  DTYPE      SHAPE            BASE
big                  array uint64     (2,)
bigneg               array float64    (2,)
bigone               array float64    (2,)
bools                array bool       (2,)
cx                   array complex128 (2,)
empty                array float64    (2, 0)
fl                   array float64    (2,)
floats               array float64    (4,)
ints                 array int64      (4,)
mixed                array int64      (2,)
special              array float64    (2,)
# errors name the place
$ ndshm create x '[[1, 2], [3]]'
? 1
! ndshm create: invalid value '[[1, 2], [3]]': inhomogeneous shape: the lists are not all of the same length and depth
$ ndshm create x '[1 2]'
? 1
! ndshm create: invalid value '[1 2]': expected ',' or ']' at column 4 ('2')
$ ndshm create x 18446744073709551616
? 1
! ndshm create: invalid value '18446744073709551616': integer too large (at most 64 bits) at the end
$ ndshm create x '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'
? 1
! ndshm create: invalid value '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]': more than 32 dimensions at column 33 ('[')
