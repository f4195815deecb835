# Arguments that start with '-': what looks like a negative number is a
# value, "--" ends the options, anything else is an option (ndshm.1,
# OPTIONS), and an unknown one is a usage error.
$ ndshm create a --shape 6 --dtype complex128
$ ndshm set 'a[0]' -5
$ ndshm set 'a[1]' -inf
$ ndshm set 'a[2]' -1.5e3
$ ndshm set 'a[3]' -1+2j
$ ndshm set 'a[4]' -.5
$ ndshm set 'a[5]' -Infinity
$ ndshm get a
[-5.0e+00+0.j     -inf+0.j -1.5e+03+0.j -1.0e+00+2.j -5.0e-01+0.j
     -inf+0.j]
$ ndshm create n -5
$ ndshm get n
-5
$ ndshm create m --shape 2 --fill -7 --dtype int8
$ ndshm get m
[-7 -7]
$ ndshm set m '[-1, -2]'
$ ndshm set -- 'm[0]' -3
$ ndshm get m
[-3 -2]
$ ndshm get -- m
[-3 -2]
$ ndshm rm -f -- m
$ ndshm get m
? 1
! ndshm get: cannot open 'm': no such array 'm'
# unknown options
$ ndshm get -x a
? 2
! ndshm get: unknown option '-x' (see 'ndshm get --help')
$ ndshm get -x
? 2
! ndshm get: unknown option '-x' (see 'ndshm get --help')
$ ndshm rm -x
? 2
! ndshm rm: unknown option '-x' (see 'ndshm rm --help')
$ ndshm set a -y
? 2
! ndshm set: unknown option '-y' (see 'ndshm set --help')
