# wait and the version: every set moves an array's version by exactly one,
# through any window of it; wait --since returns at once once the version
# differs, and a timeout exits 3 with one line on stderr.
$ ndshm create a --dtype int64 --shape 2,3
$ ndshm create b --dtype int64 --shape 2
$ ndshm view col 'a[:, 1]'
$ ndshm info a | grep version
version:  0
$ ndshm set a 1
$ ndshm info a | grep version
version:  1
$ ndshm set 'a[1]' '[4, 5, 6]'
$ ndshm set col '[7, 8]'
$ ndshm set 'a.T[2]' 9
$ ndshm info a | grep version
version:  4
# views and expressions share their array's version; b has its own
$ ndshm info col | grep version
version:  4
$ ndshm info 'a[1, ::-1]' | grep version
version:  4
$ ndshm info b | grep version
version:  0
$ ndshm get a
[[1 7 9]
 [4 8 9]]
# nothing written, nothing counted: values that do not fit, shapes that
# do not broadcast, read-only windows
$ ndshm set a 9223372036854775808
? 1
! ndshm set: cannot set 'a': value 9223372036854775808 is out of range for int64
$ ndshm set a '[1, 2]'
? 1
! ndshm set: cannot set 'a': could not broadcast input array from shape (2,) into shape (2,3)
$ ndshm view ro 'a[0]' --readonly
$ ndshm set ro 3
? 1
! ndshm set: cannot set 'ro': 'ro' is read-only
$ ndshm get a
[[1 7 9]
 [4 8 9]]
$ ndshm info a | grep version
version:  4
# --since: a change made before wait started is not missed
$ ndshm wait a --since 0
4
$ ndshm wait col --since 3
4
$ ndshm wait 'a[0, 0]' --since 3 --timeout 0
4
# a version never reached differs too
$ ndshm wait a --since 99
4
# no change: exit 3
$ ndshm wait a --since 4 --timeout 0.1
? 3
! ndshm wait: 'a' did not change within 0.1 s
$ ndshm wait col --timeout 0
? 3
! ndshm wait: 'col' did not change within 0 s
$ ndshm wait -t 0.05 'a[1:]'
? 3
! ndshm wait: 'a' did not change within 0.05 s
# the lock of an uncontended set is granted at once, whatever the timeout
$ ndshm set 'a[0]' 0 --timeout 0
$ ndshm set b 2 -t 0.5
$ ndshm wait a --since 4
5
$ ndshm wait b --since 0
1
# errors
$ ndshm wait nope --timeout 0
? 1
! ndshm wait: cannot open 'nope': no such array 'nope'
$ ndshm wait 'a[2]' --since 0
? 1
! ndshm wait: cannot open 'a[2]': index 2 is out of bounds for axis 0 with size 2
$ ndshm wait a --since -1
? 2
! ndshm wait: invalid version '-1' (see 'ndshm wait --help')
$ ndshm wait a --since 1.5
? 2
! ndshm wait: invalid version '1.5' (see 'ndshm wait --help')
$ ndshm wait a --since 18446744073709551616
? 2
! ndshm wait: invalid version '18446744073709551616' (see 'ndshm wait --help')
$ ndshm wait a --timeout -1
? 2
! ndshm wait: invalid timeout '-1': give seconds, e.g. 2.5 (see 'ndshm wait --help')
$ ndshm wait a --timeout soon
? 2
! ndshm wait: invalid timeout 'soon': give seconds, e.g. 2.5 (see 'ndshm wait --help')
$ ndshm wait a --timeout
? 2
! ndshm wait: option '--timeout' needs an argument (see 'ndshm wait --help')
$ ndshm wait
? 2
! ndshm wait: expected EXPR (see 'ndshm wait --help')
$ ndshm wait a b
? 2
! ndshm wait: unexpected argument 'b' (see 'ndshm wait --help')
$ ndshm set a 1 --timeout -0.5
? 2
! ndshm set: invalid timeout '-0.5': give seconds, e.g. 2.5 (see 'ndshm set --help')
$ ndshm set a 1 --timeout nan
? 2
! ndshm set: invalid timeout 'nan': give seconds, e.g. 2.5 (see 'ndshm set --help')
$ ndshm info a | grep version
version:  5
