# The scenario of the issue: a view writes through to its array and sees
# the array's writes; a copy is independent.
$ ndshm create arr '[1, 2, 3]'
$ ndshm view view 'arr[1:]'
$ ndshm set 'view[0]' 10
$ ndshm get arr
[ 1 10  3]
$ ndshm set 'arr[2]' 20
$ ndshm get view
[10 20]
$ ndshm copy c 'arr[1:]'
$ ndshm set 'c[0]' 99
$ ndshm get arr
[ 1 10 20]
$ ndshm get c
[99 20]
$ ndshm get view
[10 20]
