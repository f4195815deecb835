# A name removed and created again is a new array: info shows another id
# (ids are never reused), and views made before keep the old data alive.
$ ndshm create a '[1, 2, 3, 4]'
$ ndshm view v 'a[1:]'
$ ndshm info a | grep -E '^(id|path):'
path:     STORE/data/0000000000000001.npy
id:       1
$ ndshm rm a
$ ndshm info a
? 1
! ndshm info: cannot open 'a': no such array 'a'
# the view holds the data; its base is gone
$ ndshm info v | grep -E '^(base|id):'
base:     -
id:       1
$ ndshm list
NAME                 KIND  DTYPE      SHAPE            BASE
v                    view  int64      (3,)             (removed)
$ ndshm create a '[10, 20]'
$ ndshm info a | grep -E '^(id|path|shape):'
shape:    (2,)
path:     STORE/data/0000000000000002.npy
id:       2
$ ndshm info a --json | grep -o '"id": [0-9]*'
"id": 2
# writes to either never reach the other
$ ndshm set a 5
$ ndshm set 'v[0]' 7
$ ndshm get a
[5 5]
$ ndshm get v
[7 3 4]
$ ls "$NDSHM_STORE/data"
0000000000000001.npy
0000000000000002.npy
# the old data goes with its last name; a third a gets a third id
$ ndshm rm v a
$ ls "$NDSHM_STORE/data"
$ ndshm create a '[0]'
$ ndshm info a | grep '^id:'
id:       3
$ ndshm fsck
STORE: no problems found
