# EXPR: NumPy basic indexing and .T (ndshm.1, EXPRESSIONS), and the
# indexing NumPy would answer with a copy, refused.
$ ndshm create m '[[1, 2, 3], [4, 5, 6]]'
$ ndshm get 'm[newaxis]'
[[[1 2 3]
  [4 5 6]]]
$ ndshm get 'm[None, 0, None]'
[[[1 2 3]]]
$ ndshm get 'm[1,]'
[4 5 6]
$ ndshm get 'm[ 1 , 2 ]'
6
$ ndshm get 'm[-1, -1]'
6
$ ndshm get 'm[0:100:2]'
[[1 2 3]]
$ ndshm get 'm[:, -1:-10:-1]'
[[3 2 1]
 [6 5 4]]
$ ndshm get 'm[..., 1]'
[2 5]
$ ndshm get 'm[1][::-2]'
[6 4]
$ ndshm get 'm.T[0]'
[1 4]
$ ndshm get 'm.T.T'
[[1 2 3]
 [4 5 6]]
$ ndshm get 'm[5:]'
[]
# names: identifiers in '/'-separated namespaces, at most 255 bytes
$ ndshm create _ 1
$ ndshm create sim/run_2/T0 '[1.5]'
$ ndshm get 'sim/run_2/T0[0]'
1.5
$ ndshm create aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1
$ ndshm create aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1
? 1
! ndshm create: cannot create 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa': name is 256 bytes long; the limit is 255
$ ndshm create x/ 1
? 1
! ndshm create: cannot create 'x/': invalid name 'x/': it ends with '/'
$ ndshm create x//y 1
? 1
! ndshm create: cannot create 'x//y': invalid name 'x//y': each '/'-separated part must start with a letter or '_'
# errors
$ ndshm get 'm[::0]'
? 1
! ndshm get: cannot open 'm[::0]': invalid expression 'm[::0]': slice step cannot be zero
$ ndshm get 'm[True]'
? 1
! ndshm get: cannot open 'm[True]': invalid expression 'm[True]': boolean indexing makes a copy; only integers, slices (':'), ellipsis ('...') and None are valid indices
$ ndshm get 'm[[0, 1]]'
? 1
! ndshm get: cannot open 'm[[0, 1]]': invalid expression 'm[[0, 1]]': advanced indexing with a list or array makes a copy; only integers, slices (':'), ellipsis ('...') and None are valid indices
$ ndshm get 'm[1.5]'
? 1
! ndshm get: cannot open 'm[1.5]': invalid expression 'm[1.5]': a float is not an index; only integers, slices (':'), ellipsis ('...') and None are valid indices
$ ndshm get 'm[..., ...]'
? 1
! ndshm get: cannot open 'm[..., ...]': an index can only have a single ellipsis ('...')
$ ndshm get 'm[-3]'
? 1
! ndshm get: cannot open 'm[-3]': index -3 is out of bounds for axis 0 with size 2
$ ndshm get 'm[0][0][0]'
? 1
! ndshm get: cannot open 'm[0][0][0]': too many indices for array: array is 0-dimensional, but 1 were indexed
$ ndshm get 'm.X'
? 1
! ndshm get: cannot open 'm.X': invalid expression 'm.X': expected '[' or '.T' at column 2 ('.')
$ ndshm get 'm[]'
? 1
! ndshm get: cannot open 'm[]': invalid expression 'm[]': empty index at column 3 (']')
