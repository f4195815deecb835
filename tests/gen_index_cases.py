#!/usr/bin/env python3
"""gen_index_cases.py -- write tests/index_cases.h, the table that
tests/check_index.c checks ndshm's expression parser and basic indexing
against.  NumPy is the oracle: every expected shape, stride and offset below
is what NumPy itself produces for the same expression.

    /usr/bin/python3 tests/gen_index_cases.py > tests/index_cases.h

Each row is a base array (C-contiguous, itemsize 8, offset 0, laid out as a
mapped .npy file: numpy.ndarray over a buffer), an expression text such as
"a[1:, ::-2, None]" or "a.T[0]", and either the resulting window (ndim,
shape, strides in bytes, byte offset of the first element from the base's
first element) or the error ndshm must return.

Errors map as follows:
  - NDSHM_EINDEX: NumPy's IndexError for an integer out of bounds, too many
    indices or a result of more than 32 dimensions.  An integer index beyond
    int64 is out of bounds too (ndshm saturates it to int64), though NumPy
    refuses it with an OverflowError (2**63) or its generic "only integers"
    IndexError (2**64 and more).
  - NDSHM_EINVAL: everything else: a step of 0, two ellipses, bad syntax,
    floats, and advanced indexing (lists, booleans), which NumPy accepts but
    which makes a copy, not a view.

The output is deterministic: a fixed list of cases plus a seeded random part.
"""
import random
import sys

import numpy as np

ITEMSIZE = 8
SEED = 20240611
NRANDOM = 220


class Win:
    """An ndarray stand-in for eval(): indexing always yields a view.

    NumPy returns a scalar when every axis gets an integer; ndshm returns a
    0-d window.  Appending an Ellipsis to an index that has none changes
    nothing else (an Ellipsis consumes no axis), and makes NumPy return the
    0-d view whose data pointer is the element's.
    """

    def __init__(self, arr):
        self.arr = arr

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        if not any(k is Ellipsis for k in key):
            key = key + (Ellipsis,)
        for k in key:
            # NumPy refuses an integer beyond int64 with an OverflowError
            # or, past 2**64, a generic IndexError ("only integers, ...");
            # either way it is an integer out of bounds.
            if type(k) is int and not -2**63 <= k < 2**63:
                raise IndexError('index %d is out of bounds' % k)
        return Win(self.arr[key])

    @property
    def T(self):
        return Win(self.arr.T)


class NpModule:
    newaxis = None


def is_advanced(text):
    """Whether the index holds a list or a boolean (NumPy copies)."""
    return '[[' in text or ', [' in text or 'True' in text or \
        'False' in text


def evaluate(shape, text):
    """(err, ndim, shape, strides, offset) for text over a base of shape."""
    nbytes = int(np.prod(shape, dtype=np.int64)) * ITEMSIZE
    root = np.ndarray(shape, dtype='<i8', buffer=bytearray(max(nbytes, 8)))
    env = {'__builtins__': {}, 'a': Win(root), 'np': NpModule,
           'numpy': NpModule, 'newaxis': None}
    try:
        res = eval(text, env).arr  # noqa: S307 -- our own fixed texts
    except IndexError as e:
        msg = str(e)
        if 'single ellipsis' in msg or msg.startswith('only integers'):
            return ('NDSHM_EINVAL',)
        return ('NDSHM_EINDEX',)
    except (SyntaxError, ValueError, TypeError, NameError, AttributeError):
        return ('NDSHM_EINVAL',)
    if res is not root and res.base is not root:
        # NumPy made a copy: advanced indexing, which ndshm refuses.
        assert is_advanced(text), text
        return ('NDSHM_EINVAL',)
    assert not is_advanced(text), text
    off = res.__array_interface__['data'][0] - \
        root.__array_interface__['data'][0]
    return (None, res.ndim, tuple(res.shape), tuple(res.strides), off)


# ---- the fixed cases --------------------------------------------------------

HUGE = '1' + '0' * 30            # 10**30
INT64_MAX = str(2**63 - 1)
INT64_MAX1 = str(2**63)          # one past int64
INT64_MIN = str(-2**63)

FIXED = []


def add(shape, *texts):
    for t in texts:
        FIXED.append((tuple(shape), t))


# integers: positive, negative, out of range at both ends
add((5,), 'a[0]', 'a[4]', 'a[-1]', 'a[-5]', 'a[5]', 'a[-6]', 'a[+2]',
    'a[- 2]', 'a[1_0]', 'a[100]', 'a[-100]')
add((3, 4), 'a[0]', 'a[2]', 'a[-1]', 'a[3]', 'a[-4]', 'a[1, 2]',
    'a[-1, -1]', 'a[1, 4]', 'a[1, -5]', 'a[0, 0]', 'a[2, 3]')
add((2, 3, 4), 'a[1]', 'a[1, 2]', 'a[1, 2, 3]', 'a[-2, -3, -4]',
    'a[0, 0, 4]', 'a[2, 0, 0]', 'a[1, 2, 3, 0]', 'a[0][1][2]',
    'a[0][1][2][0]')
# integers too large for int64
add((5,), 'a[' + INT64_MAX + ']', 'a[' + INT64_MAX1 + ']',
    'a[' + INT64_MIN + ']', 'a[-' + INT64_MAX + ']', 'a[' + HUGE + ']',
    'a[-' + HUGE + ']')

# slices: every combination of start / stop / step, positive and negative
starts = ['', '1', '-2', '7', '-9']
stops = ['', '4', '-1', '9', '-9']
steps = [None, '', '1', '2', '-1', '-2', '3', '-3']
for st in starts:
    for sp in stops:
        for stp in steps:
            item = st + ':' + sp if stp is None else st + ':' + sp + ':' + stp
            add((6,), 'a[' + item + ']')
# empty results: NumPy keeps the data pointer and the old stride
add((6,), 'a[4:2]', 'a[4:2:-1]', 'a[2:4:-1]', 'a[6:]', 'a[:0]',
    'a[-1:0:1]', 'a[0:-1:-1]', 'a[5:5]', 'a[3:3:-2]', 'a[10:20]',
    'a[-20:-10]', 'a[::-1][6:]', 'a[2:2][:]', 'a[4:2][::-1]')
add((4, 5), 'a[2:1, ::-2]', 'a[:, 3:3]', 'a[1:, 5:]', 'a[3:0:-1, -1:0]',
    'a[::-1, ::-1]', 'a[1::2, -2::-3]', 'a[-1:, :-1]')
# the step is 0
add((6,), 'a[::0]', 'a[1:2:0]', 'a[:0:0]', 'a[::-0]')
# huge values clamp like Python's slices
add((6,), 'a[' + HUGE + ':]', 'a[:' + HUGE + ']', 'a[-' + HUGE + ':]',
    'a[:-' + HUGE + ']', 'a[::-' + HUGE + ']', 'a[' + HUGE + '::-1]',
    'a[-' + HUGE + '::-1]', 'a[' + INT64_MIN + ':' + INT64_MAX + ']',
    'a[' + INT64_MAX + ':' + INT64_MIN + ':-1]',
    'a[-' + HUGE + ':' + HUGE + ':2]', 'a[::' + INT64_MIN + ']')
add((3, 4), 'a[:, ::-' + HUGE + ']', 'a[::-' + HUGE + ', 1]')

# '...' in every position
add((2, 3, 4), 'a[...]', 'a[..., 1]', 'a[1, ...]', 'a[1, ..., 2]',
    'a[..., 1, 2]', 'a[1, 2, ...]', 'a[1, 2, 3, ...]', 'a[..., 1, 2, 3]',
    'a[1, ..., 2, 3]', 'a[..., ::-1]', 'a[::2, ...]', 'a[None, ...]',
    'a[..., None]', 'a[1, None, ..., None, 2]', 'a[..., ...]',
    'a[1, ..., ...]', 'a[..., 1, 2, 3, 4]', 'a[1, 2, 3, 4, ..., ...]', 'a[...][...]', 'a[...,]',
    'a[ ... ]', 'a[1:, ..., :-1]')
add((5,), 'a[...]', 'a[..., 2]', 'a[2, ...]', 'a[..., None, ...]')

# None / newaxis / np.newaxis
add((3, 4), 'a[None]', 'a[None, None]', 'a[newaxis]', 'a[np.newaxis]',
    'a[numpy.newaxis]', 'a[:, None]', 'a[:, :, None]', 'a[1, None]',
    'a[None, 1, None, 2, None]', 'a[None, ::-1, np.newaxis, 1:3]',
    'a[None, None, None, None, None, 1, 2]', 'a[None][0]',
    'a[None][1]', 'a[None, 3]')

# .T and chains
add((2, 3, 4), 'a.T', 'a.T.T', 'a.T.T.T', 'a.T[0]', 'a.T[1, 2]',
    'a[1:][::-1].T[0]', 'a[0].T', 'a[0].T[1]', 'a[:, 1].T[::-1]',
    'a[::-1][::-1]', 'a[1:][1:]', 'a[1:][1:][0]', 'a[::2][::-1][0]',
    'a[None].T', 'a.T[None]', 'a.T[..., 0].T', 'a[0][0][0]', 'a[0][0][4]',
    'a .T', 'a[1] [2]', 'a[1]\t[2]', 'a.T[3, 2, 1]', 'a.T[-1][-1][-1]',
    'a[:, ::-2, None].T[0, ...]')
add((5,), 'a.T', 'a[1:].T[::-2]', 'a[::-1][1:][::-1][1:]')

# 0-d bases
add((), 'a[...]', 'a[None]', 'a[None, None]', 'a[..., None]',
    'a[None, ...]', 'a.T', 'a[0]', 'a[:]', 'a[-1]', 'a[...][...]',
    'a[None][0]', 'a[None][0][...]', 'a[None][::-1]', 'a[None][1:]',
    'a[..., ...]')

# zero-length dimensions
add((0,), 'a[:]', 'a[::-1]', 'a[0]', 'a[-1]', 'a[1:]', 'a[None]',
    'a[...]', 'a.T', 'a[5:-5:-1]')
add((3, 0, 2), 'a[1]', 'a[1, :, 1]', 'a[:, 0]', 'a[::-1]', 'a[2, ::-1, ::-1]',
    'a.T', 'a[..., -1]', 'a[-1:, None]', 'a[:, :, 2]')
add((0, 4), 'a[:, 1]', 'a[:, ::-1]', 'a[0]', 'a.T[3]', 'a[1:, :2]')

# trailing commas and whitespace
add((3, 4), 'a[1,]', 'a[1, 2,]', 'a[:,]', 'a[None,]', 'a[ 1 ]',
    'a[ 1 , 2 ]', 'a[\t1\t]', ' a[1]', 'a[1] ', 'a[ 1 : : -1 ]',
    'a[ : 2 , 1 : ]', 'a[1 :3 :2 ]', 'a[ - 1 ]', 'a[::- 1]')
add((5,), 'a[ 1 : : -1 ]', 'a[ : : ]', 'a[ : ]', 'a[1 : -1 : 2 ,]',
    'a [1]', 'a[1:] .T', 'a[-\t1]', 'a[1:-\t1]', 'a[-0]', 'a[-0:]',
    'a[:-0]', 'a[0_0]', 'a[00]', 'a[2_0:]', 'a[...:]')

# syntax and refused indices
add((3, 4), 'a[]', 'a[,]', 'a[1,,2]', 'a[1', 'a[1]]', 'a[:::]',
    'a[1:2:3:4]', 'a[..]', 'a[....]', 'a[1 2]', 'a[1:2 3]', 'a.T.',
    'a.X', 'a.TT', 'a[1]x', 'a[x]', 'a[1.0]', 'a[1.5:]', 'a[:2.5]',
    'a[::1.5]', 'a[1e3]', 'a[[0, 1]]', 'a[0, [1, 2]]', 'a[True]',
    'a[False]', 'a[1__0]', 'a[10_]', 'a[_1]', 'a[-]', 'a[:-]',
    'a[1:2:-]', '[1]', '')

# the 32-dimension limit
add((2, 1, 2) + (1,) * 28, 'a[None]', 'a[None, None]', 'a[..., None]', 'a[0, None, None]',
    'a.T[1]', 'a[1, 1, ...]')
add((1,) * 32, 'a[...]', 'a[None]', 'a[0]', 'a.T', 'a[..., 0]',
    'a[' + ', '.join(['0'] * 32) + ']', 'a[' + ', '.join(['0'] * 33) + ']',
    'a[' + ', '.join(['::-1'] * 32) + ']', 'a[0, None]')
add((3,), 'a[' + ', '.join(['None'] * 31) + ']',
    'a[' + ', '.join(['None'] * 32) + ']',
    'a[1, ' + ', '.join(['None'] * 32) + ']',
    'a[' + ', '.join(['None'] * 33) + ', 1]')
add((3,), 'a[' + ', '.join(['None'] * 33) + ', ..., ...]')
add((), 'a[' + ', '.join(['None'] * 32) + ']',
    'a[' + ', '.join(['None'] * 33) + ']')


# ---- the random part --------------------------------------------------------

def random_item(rng, n):
    """One index item for an axis of length n; text only."""
    r = rng.random()
    if r < 0.3:
        return str(rng.randint(-n - 1, n))
    if r < 0.9:
        lo, hi = -n - 3, n + 3

        def part():
            return '' if rng.random() < 0.35 else str(rng.randint(lo, hi))
        text = part() + ':' + part()
        if rng.random() < 0.6:
            step = rng.choice([1, 2, 3, -1, -2, -3, -4, 5])
            if rng.random() < 0.02:
                step = 0
            text += ':' + ('' if rng.random() < 0.15 else str(step))
        return text
    return 'None'


def random_case(rng):
    ndim = rng.choice([0, 1, 1, 2, 2, 3, 3, 4, 5])
    shape = tuple(rng.choice([0, 1, 2, 3, 4, 5, 7]) if rng.random() < 0.1
                  else rng.choice([1, 2, 3, 4, 5, 7]) for _ in range(ndim))
    text = 'a'
    for _ in range(rng.randint(1, 3)):
        got = evaluate(shape, text)
        if got[0] is not None:
            break
        cur = got[2]
        if rng.random() < 0.2:
            text += '.T'
            continue
        items, axis = [], 0
        nitems = rng.randint(1, len(cur) + 1) if cur else 1
        ellipsis_at = rng.randrange(nitems + 1) if rng.random() < 0.25 \
            else -1
        for i in range(nitems):
            if i == ellipsis_at:
                items.append('...')
            n = cur[axis] if axis < len(cur) else 3
            it = random_item(rng, n)
            if it != 'None':
                axis += 1
            items.append(it)
        sep = rng.choice([', ', ',', ' , '])
        text += '[' + sep.join(items) + ']'
    return shape, text


def c_string(s):
    out = []
    for ch in s:
        if ch == '"' or ch == '\\':
            out.append('\\' + ch)
        elif ch == '\t':
            out.append('\\t')
        else:
            out.append(ch)
    return '"' + ''.join(out) + '"'


def c_ints(values):
    if not values:
        return '{0}'
    return '{' + ', '.join(c_int(v) for v in values) + '}'


def c_int(v):
    v = int(v)
    if -2**31 < v < 2**31:
        return str(v)
    if v == -2**63:
        return 'INT64_MIN'
    return str(v) + 'LL'


def main():
    rng = random.Random(SEED)
    cases = list(FIXED)
    seen = set(cases)
    while len(cases) < len(FIXED) + NRANDOM:
        c = random_case(rng)
        if c not in seen:
            seen.add(c)
            cases.append(c)

    w = sys.stdout.write
    w('/*\n'
      ' * index_cases.h -- GENERATED by tests/gen_index_cases.py; do not '
      'edit.\n'
      ' * Regenerate from the top of the source tree with\n'
      ' *     /usr/bin/python3 tests/gen_index_cases.py > '
      'tests/index_cases.h\n'
      ' * (any Python 3 with NumPy; these rows came from NumPy %s).\n'
      ' *\n'
      ' * Each row: a C-contiguous base (itemsize 8, offset 0), an '
      'expression,\n'
      ' * and either the error ndshm must return or the window NumPy '
      'gives:\n'
      ' * ndim, shape, strides (bytes) and the byte offset of the first '
      'element\n'
      ' * from the base\'s first element.  %d fixed rows, %d random '
      '(seed %d).\n'
      ' */\n' % (np.__version__, len(FIXED), NRANDOM, SEED))
    w('#include <stdint.h>\n\n#include "ndshm.h"\n\n')
    w('struct index_case {\n'
      '    int base_ndim;\n'
      '    int64_t base_shape[NDSHM_MAXDIMS];\n'
      '    const char *expr;\n'
      '    int err; /* 0, or the NDSHM_E* code expected */\n'
      '    int ndim;\n'
      '    int64_t shape[NDSHM_MAXDIMS];\n'
      '    int64_t strides[NDSHM_MAXDIMS];\n'
      '    int64_t offset;\n'
      '};\n\n')
    w('static const struct index_case index_cases[] = {\n')
    for shape, text in cases:
        got = evaluate(shape, text)
        base = '%d, %s, %s' % (len(shape), c_ints(shape), c_string(text))
        if got[0] is not None:
            w('    {%s, %s, 0, {0}, {0}, 0},\n' % (base, got[0]))
        else:
            _, ndim, rshape, rstrides, off = got
            w('    {%s, 0, %d, %s, %s, %s},\n'
              % (base, ndim, c_ints(rshape), c_ints(rstrides), c_int(off)))
    w('};\n')


if __name__ == '__main__':
    main()
