"""Random NumPy basic-indexing expressions: ndshm against NumPy.

Each case makes a random 0-5-d array of a random dtype (zero-length
dimensions included) filled with distinct values (`ndshm create aK VALUES
--dtype T`, so that the commands replay without files), then a chain of
one to four named views, each over the one before -- vK_0 over aK, vK_1
over vK_0, ... -- each made from a random expression that is itself a
chain of one to three operations: an index of integers (negative ones
too), slices with random start, stop and step (negative steps, omitted
parts, values far out of range), '...', None / np.newaxis, or '.T', e.g.
"a7[1:][::-1].T[0]".  With NumPy's result of the same expression (eval of
the same text on the NumPy array or view) as the oracle, it checks:

  * (first) `ndshm get --json aK` gives the array made;
  * for each expression: `ndshm get --json EXPR` equals the result's
    values (decoded to the dtype, exact), with JSON types that fit the
    dtype, and `ndshm get EXPR` prints str(result) + newline;
  * `ndshm view vK_D EXPR` then `ndshm info --json vK_D` gives the
    result's shape and strides, offset = 4096 + its data pointer minus
    the array's (NumPy's data pointer of the same index with ', ...'
    added, which is a view where the plain index gives a scalar), and
    the array aK as its base, however deep the chain;
  * through the Python package (unless --no-python): store[EXPR] is an
    ndarray with NumPy's shape, strides and very bits, sharing memory
    with store[aK];
  * `ndshm set` of a random view or expression of the chain with a random
    scalar or nested list, broadcast as NumPy broadcasts np.array(VALUE),
    applied to the NumPy array too; then the whole array must be equal.
    Values NumPy refuses to broadcast must make ndshm fail and write
    nothing.  Then store[X] = VALUE through the package, NumPy alike.

One difference is tolerated (and counted): after a slice step of ten
digits or more, the stride of an axis of length 0 or 1 may differ, where
NumPy's stride * step overflowed; such a stride is never used.

An expression for which NumPy raises IndexError (or ValueError for a
zero step, OverflowError for an index of 2**63) must make ndshm exit 1
with one line "ndshm get: ..." (and "ndshm view: ..." without creating
the view); the chain stops there.

Usage: random_index.py [SEED] [--cases N] [--case K] [--keep] [--no-python]
The seed (default 20240617) is printed; case K of a seed is the same
whatever other cases run, so `--case K` replays one case.  On a mismatch
the seed, the case number and the ndshm commands that replay it are
printed, and the exit status is 1.  The default 1200 cases take about
20 s on two cores (each ndshm command is a process).
"""
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
except ImportError:  # pragma: no cover - run by python-test with NumPy
    print("SKIP: NumPy is not installed")
    sys.exit(77)

import testlib
from testlib import (DATA_OFFSET, DTYPES, from_json, json_types_ok,
                     literal, one_line_error, same, same_bits)

DEFAULT_SEED = 20240617
DEFAULT_CASES = 1200
MAX_REPORTED = 10


class Mismatch(Exception):
    """A check of one case failed."""


# ---- arrays -----------------------------------------------------------------

def random_shape(rng, dtype):
    """0 to 5 dimensions of 0 to 6 (at most 5 or 4 for 4 or 5
    dimensions), mostly not 0; at most 256 elements for 1-byte integer
    types, so that their values can be distinct."""
    while True:
        ndim = rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4, 4, 5])
        top = (6, 6, 6, 6, 5, 4)[ndim]
        shape = tuple(0 if rng.random() < 0.05 else rng.randint(1, top)
                      for _ in range(ndim))
        size = int(np.prod(shape))
        if size <= (256 if dtype in ("int8", "uint8") else 1296):
            return shape


def distinct_values(rng, dtype, shape):
    """An array of shape whose elements are all different (bools cannot
    be), in a random order."""
    size = int(np.prod(shape))
    perm = np.array(rng.sample(range(size), size), dtype=np.int64)
    kind = np.dtype(dtype).kind
    if dtype == "bool":
        v = np.array([rng.random() < 0.5 for _ in range(size)])
    elif kind in "iu":
        info = np.iinfo(dtype)
        lo, hi = int(info.min), int(info.max)
        if dtype == "uint64":
            # all below 2**63 or all above, as np.array() makes float64 of
            # the two mixed (numpy_interop.py checks ndshm's literals)
            lo, hi = rng.choice([(0, 2 ** 63 - 1), (2 ** 63, hi)])
        step = max(1, (hi - lo) // max(size, 1) // rng.choice([1, 2, 1000]))
        start = rng.randint(lo, hi - step * size) if hi - step * size > lo \
            else lo
        v = np.array([start + step * int(p) for p in perm], dtype=object)
    elif kind == "f":
        unit = {"float16": 0.5, "float32": 0.25, "float64": 0.1}[dtype]
        v = perm * unit - rng.randint(0, 300)
    else:
        v = np.empty(size, dtype)
        v.real = perm * 0.5 - 10
        v.imag = 3 - perm * 0.25
    v = np.array(v, dtype=dtype).reshape(shape)
    # Over a buffer, as ndshm's data file is: NumPy gives an empty array it
    # allocates itself all-zero strides, ndshm's are C-contiguous (a zero
    # dimension counting as 1), as NumPy's over a buffer are.
    out = np.ndarray(shape, dtype, buffer=bytearray(max(v.nbytes, 1)))
    out[...] = v
    return out


def create_command(name, array):
    """The ndshm arguments that create array under name."""
    if array.size == 0:
        return ["create", name, "--dtype", array.dtype.name, "--shape",
                ",".join(map(str, array.shape)) or "()"]
    return ["create", name, literal(array), "--dtype", array.dtype.name]


# ---- expressions ------------------------------------------------------------

def random_int(rng, n, wild):
    """An integer index for an axis of length n; out of range if wild."""
    if wild or n == 0:
        return rng.choice([n, n + rng.randint(1, 3), -n - 1,
                           -n - rng.randint(2, 4), 2 ** 63, -2 ** 63,
                           10 ** 20, -10 ** 20])
    return rng.randint(-n, n - 1)


def random_bound(rng, n):
    r = rng.random()
    if r < 0.05:
        return rng.choice([10 ** 20, -10 ** 20, 2 ** 63 - 1, -2 ** 63,
                           2 ** 64])
    if r < 0.15:
        return rng.choice([n + rng.randint(0, 5), -n - rng.randint(0, 5)])
    return rng.randint(-n - 1, n + 1)


def random_slice(rng, n):
    """Text of a slice for an axis of length n, and the slice."""
    start = None if rng.random() < 0.35 else random_bound(rng, n)
    stop = None if rng.random() < 0.35 else random_bound(rng, n)
    r = rng.random()
    if r < 0.35:
        step = None
    elif r < 0.36:
        step = 0  # NumPy: ValueError
    elif r < 0.40:
        step = rng.choice([n + 1, -n - 1, 10 ** 19, -10 ** 19, 2 ** 63,
                           -2 ** 63, -2 ** 63 - 5])
    else:
        step = rng.choice([-4, -3, -2, -1, -1, -1, 1, 2, 2, 3, 4])
    if start is not None and stop is not None and rng.random() < 0.6:
        # mostly in the step's direction, or most windows would be empty
        first, last = sorted((start, stop), key=lambda v: v + n if v < 0
                             else v)
        start, stop = (last, first) if step is not None and step < 0 \
            else (first, last)
    text = ("" if start is None else str(start)) + ":" + \
        ("" if stop is None else str(stop))
    if step is not None:
        text += ":" + str(step)
    elif rng.random() < 0.15:
        text += ":"
    if rng.random() < 0.05:
        text = text.replace(":", " : ")
    return text


def random_index(rng, shape):
    """Text of one '[...]' for an array of shape, or '.T'."""
    ndim = len(shape)
    if rng.random() < 0.15:
        return ".T"
    r = rng.random()
    consumers = rng.randint(0, ndim)
    if r < 0.04:
        consumers = ndim + 1  # too many indices
    ellipses = 0
    r = rng.random()
    if r < 0.3:
        ellipses = 1
    elif r < 0.32:
        ellipses = 2  # NumPy: IndexError
    nones = rng.choice([0, 0, 0, 0, 1, 1, 1, 2])
    kinds = ["c"] * consumers + ["e"] * ellipses
    rng.shuffle(kinds)
    for _ in range(nones):
        kinds.insert(rng.randint(0, len(kinds)), "n")
    if not kinds:
        kinds = [rng.choice(["e", "n"])] if ndim == 0 else ["c"]
        consumers = kinds.count("c")
    # the axis each consumer indexes: those after the (first) '...' count
    # from the end
    before = kinds.index("e") if "e" in kinds else len(kinds)
    n_before = kinds[:before].count("c")
    n_after = consumers - n_before
    axes, k = [], 0
    for j, kind in enumerate(kinds):
        if kind != "c":
            axes.append(None)
        elif j < before:
            axes.append(k)
            k += 1
        else:
            axes.append(ndim - n_after + (k - n_before))
            k += 1
    items = []
    for kind, axis in zip(kinds, axes):
        n = shape[axis] if axis is not None and 0 <= axis < ndim else 3
        if kind == "e":
            items.append("...")
        elif kind == "n":
            items.append("np.newaxis" if rng.random() < 0.1 else "None")
        elif rng.random() < 0.3:
            items.append(str(random_int(rng, n, rng.random() < 0.06)))
        else:
            items.append(random_slice(rng, n))
    text = (", " if rng.random() < 0.8 else ",").join(items)
    if rng.random() < 0.05:
        text += ","
    return "[" + text + "]"


def as_view(op):
    """The op with ', ...' added when it has no '...': NumPy then returns
    a 0-d view where the plain index returns a scalar, with the same
    values and layout otherwise."""
    if op == ".T" or "..." in op:
        return op
    return op[:-1].rstrip(",") + ", ...]"


def random_expr(rng, name, array):
    """(text, view) of a random chain of 1-3 operations on array called
    name; view is NumPy's result as a view (None if NumPy refuses)."""
    text, cur = name, array
    for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
        op = random_index(rng, cur.shape)
        text += op
        try:
            cur = eval("x" + as_view(op), {"x": cur, "np": np})
        except (IndexError, ValueError, OverflowError):
            # the text fails here: stop it at this op
            cur = None
            break
    return text, cur


def evaluate(text, scope):
    """NumPy's result of text, or the exception it raises."""
    try:
        return eval(text, dict(scope, np=np)), None
    except (IndexError, ValueError, OverflowError) as e:
        return None, e


# ---- values for set ---------------------------------------------------------

def random_mode(rng, dtype):
    """How the elements of one value are drawn: mixing some of them would
    make NumPy (and ndshm) infer a float dtype for values that do not fit
    it exactly, so one value keeps to one mode."""
    kind = np.dtype(dtype).kind
    if kind == "b":
        return rng.choice(["bool", "bool", "int"])
    if kind in "iu":
        return rng.choice(["int", "int", "int", "extreme", "float", "bool"])
    return rng.choice(["float", "float", "float", "special", "int"])


def random_scalar(rng, dtype, mode):
    """A value for dtype, drawn as mode says, that fits the dtype."""
    kind = np.dtype(dtype).kind
    if mode == "bool":
        return rng.random() < 0.5
    if kind in "iu":
        info = np.iinfo(dtype)
        lo, hi = max(int(info.min), -1000), min(int(info.max), 1000)
        if mode == "extreme" and info.max == 2 ** 64 - 1:
            # NumPy's np.array() makes float64 of 2**63 and above mixed
            # with smaller ints (numpy_interop.py checks ndshm's inference)
            return rng.choice([2 ** 64 - 1, 2 ** 63, 2 ** 63 + hi])
        if mode == "extreme":
            return rng.choice([int(info.min), int(info.max),
                               rng.randint(lo, hi)])
        if mode == "float":  # truncated toward zero by both
            return rng.randint(max(lo, -100), 100) + \
                rng.choice([0.0, 0.25, 0.5, 0.75])
        return rng.randint(lo, hi)
    if mode == "int":
        return rng.randint(-50, 50)
    x = rng.randint(-4000, 4000) / 8
    if mode == "special" and rng.random() < 0.5:
        x = rng.choice([float("nan"), float("inf"), -float("inf"), -0.0])
    if kind == "c" and rng.random() < 0.9:
        y = rng.randint(-4000, 4000) / 8
        if mode == "special" and rng.random() < 0.5:
            y = rng.choice([float("nan"), float("inf"), -float("inf"),
                            -0.0])
        return complex(x, y)
    return x


def random_value(rng, dtype, shape):
    """A scalar, or a nested list whose shape broadcasts to shape (rarely
    one that does not)."""
    mode = random_mode(rng, dtype)
    if rng.random() < 0.4:
        return random_scalar(rng, dtype, mode)
    vshape = list(shape[rng.randint(0, len(shape)):])
    vshape = [1 if rng.random() < 0.3 else n for n in vshape]
    if rng.random() < 0.15:
        vshape = [1] * rng.randint(1, 2) + vshape
    if rng.random() < 0.07 and vshape:
        j = rng.randrange(len(vshape))
        vshape[j] += rng.choice([1, 2])
    if not vshape:
        vshape = [1]

    def build(dims):
        if not dims:
            return random_scalar(rng, dtype, mode)
        return [build(dims[1:]) for _ in range(dims[0])]
    return build(vshape)


# A slice step of ten digits or more.
HUGE_STEP = re.compile(r":[^,\]:]*:\s*[+-]?\d{10,}")


def wrapped_strides_only(got, want, exprs):
    """True when info differs from NumPy only in the strides of axes of
    length 0 or 1, and a huge slice step was used.  NumPy multiplies the
    stride by the step even when the axis is left with one element, and
    the product then overflows (wraps, in C); ndshm keeps the old stride
    instead, and a later empty slice keeps either.  The stride of an axis
    of length 0 or 1 is never used to address an element, so both are
    right."""
    if {k: v for k, v in got.items() if k != "strides"} != \
            {k: v for k, v in want.items() if k != "strides"}:
        return False
    if not any(HUGE_STEP.search(e) for e in exprs):
        return False
    return all(g == w or n <= 1 for g, w, n in
               zip(got["strides"], want["strides"], want["shape"]))


# ---- one case ---------------------------------------------------------------

class Case:
    def __init__(self, st, seed, number, pkg, stats):
        self.st = st
        self.seed = seed
        self.number = number
        self.since = len(st.log)
        self.tolerated = 0
        self.pkg = pkg          # an ndshm.Store over st, or None
        self.pkg_base = None    # pkg[aK]
        self.stats = stats

    def fail(self, what):
        raise Mismatch(what)

    def check(self, ok, what):
        if not ok:
            self.fail(what)

    def ok(self, *args):
        """stdout of ndshm ARGS, which must succeed."""
        status, out, err = self.st.run(*args, check=False)
        if status != 0:
            self.fail("ndshm %s failed (%d): %s"
                      % (" ".join(args), status, err.strip()))
        return out

    def json(self, *args):
        return json.loads(self.ok(*args))

    def check_window(self, expr, res):
        """get --json and get of expr against NumPy's result res."""
        dtype = np.asarray(res).dtype
        shape = np.shape(res)
        value = self.json("get", "--json", expr)
        self.check(json_types_ok(value, dtype),
                   "get --json %s: JSON types do not fit %s: %.300r"
                   % (expr, dtype, value))
        if np.size(res) == 0:
            self.check(value == np.asarray(res).tolist(),
                       "get --json %s: %r, NumPy %r" % (expr, value,
                                                       res.tolist()))
        else:
            try:
                got = from_json(value, dtype, shape)
            except ValueError as e:
                self.fail("get --json %s: %s" % (expr, e))
            self.check(same(got, res), "get --json %s:\n%s\nNumPy:\n%s"
                       % (expr, got, res))
        text = self.ok("get", expr)
        self.check(text == str(res) + "\n", "get %s:\n%sNumPy:\n%s\n"
                   % (expr, text, res))

    def check_refused(self, expr, error, view_name):
        """expr makes NumPy raise error: ndshm must fail cleanly."""
        for args, command in ((["get", "--json", expr], "get"),
                              (["get", expr], "get"),
                              (["view", view_name, expr], "view")):
            r = self.st.run(*args, check=False)
            problem = one_line_error(*r, command)
            self.check(problem is None, "NumPy raises %s: %s for %r, but "
                       "ndshm %s: %s" % (type(error).__name__, error, expr,
                                         " ".join(args), problem))
        r = self.st.run("info", view_name, check=False)
        self.check(r[0] == 1, "view %s %r failed but created %s"
                   % (view_name, expr, view_name))

    def check_info(self, name, view, base_name, base, exprs):
        """info --json of view name against NumPy's view; exprs are the
        expressions that made it."""
        info = self.json("info", "--json", name)
        want = {"kind": "view", "base": base_name,
                "dtype": base.dtype.str, "shape": list(view.shape),
                "strides": list(view.strides),
                "offset": DATA_OFFSET + view.__array_interface__["data"][0]
                - base.__array_interface__["data"][0]}
        got = {k: info.get(k) for k in want}
        if got != want and wrapped_strides_only(got, want, exprs):
            self.tolerated += 1
            return
        self.check(got == want, "info --json %s:\n  ndshm %r\n  NumPy %r"
                   % (name, got, want))

    def check_package(self, expr, view, exprs):
        """store[expr] through the Python package: NumPy's view of the same
        expression -- shape, strides (as check_info tolerates), the very
        bits -- over the same memory as store[array]."""
        try:
            got = self.pkg[expr]
        except Exception as e:  # any exception is a mismatch here
            self.fail("python: store[%r] raises %r" % (expr, e))
        self.check(isinstance(got, np.ndarray) and got.dtype == view.dtype
                   and got.flags.writeable,
                   "python: store[%r] is %r of dtype %s, not a writable "
                   "ndarray of %s" % (expr, type(got), getattr(got, "dtype",
                                                                None),
                                      view.dtype))
        g = {"shape": list(got.shape), "strides": list(got.strides)}
        w = {"shape": list(view.shape), "strides": list(view.strides)}
        if g != w and wrapped_strides_only(g, w, exprs):
            self.tolerated += 1
        else:
            self.check(g == w, "python: store[%r]: %r, NumPy %r"
                       % (expr, g, w))
        self.check(same_bits(got, view), "python: store[%r]:\n%s\nNumPy:"
                   "\n%s" % (expr, got, view))
        if got.size:
            self.check(np.shares_memory(got, self.pkg_base),
                       "python: store[%r] shares no memory with store[%r]"
                       % (expr, self.aname))

    def run(self):
        rng = random.Random("%d/%d" % (self.seed, self.number))
        st = self.st
        k = self.number
        aname = self.aname = "a%d" % k
        dtype = rng.choice(DTYPES)
        base = distinct_values(rng, dtype, random_shape(rng, dtype))
        self.stats["ndim"][base.ndim] += 1
        self.stats["empty"] += base.size == 0
        self.ok(*create_command(aname, base))
        got = from_json(self.json("get", "--json", aname), dtype, base.shape)
        self.check(same(got, base), "create %s: the array is\n%s\nnot\n%s"
                   % (aname, got, base))
        if self.pkg is not None:
            self.pkg_base = self.pkg[aname]
            self.check(same_bits(self.pkg_base, base), "python: store[%r] is"
                       "\n%s\nnot\n%s" % (aname, self.pkg_base, base))

        # a chain of named views, each over the one before: vK_0 over aK,
        # vK_1 over vK_0, ...; each expression is itself a chain of ops
        targets = {}         # name or expression -> NumPy's view of it
        exprs = []
        parent_name, parent = aname, base
        for depth in range(rng.choice([1, 2, 3, 3, 4, 4])):
            vname = "v%d_%d" % (k, depth)
            expr, view = random_expr(rng, parent_name, parent)
            res, err = evaluate(expr, {parent_name: parent})
            if err is not None:
                self.check_refused(expr, err, vname)
                self.stats["refused"] += 1
                break
            self.check(view is not None and same(np.asarray(res), view),
                       "test bug: %r gives %r plain, %r as a view"
                       % (expr, res, view))
            self.check_window(expr, res)
            if self.pkg is not None:
                self.check_package(expr, view, exprs + [expr])
            self.ok("view", vname, expr)
            exprs.append(expr)
            self.check_info(vname, view, aname, base, exprs)
            targets[vname] = targets[expr] = view
            self.stats["windows"] += 1
            self.stats["depth"][depth] += 1
            parent_name, parent = vname, view
        if not targets:
            return "refused"

        # set through a view (or an expression), NumPy alike
        target = rng.choice(sorted(targets))
        tview = targets[target]
        value = random_value(rng, dtype, tview.shape)
        text = literal(value)
        try:
            # ndshm parses VALUE as np.array() would, then broadcasts it
            # (NumPy 1.24 refuses a nested list with more dimensions than
            # the target, but broadcasts the same values as an array)
            with np.errstate(all="ignore"):
                tview[...] = np.array(value)
            numpy_ok = True
        except ValueError:
            numpy_ok = False
        r = st.run("set", target, text, check=False)
        if numpy_ok:
            self.check(r[0] == 0, "set %s %s: NumPy assigns it, ndshm "
                       "fails: %s" % (target, text, r[2].strip()))
        else:
            problem = one_line_error(*r, "set")
            self.check(problem is None, "set %s %s: NumPy refuses to "
                       "broadcast, ndshm: %s" % (target, text, problem))
        value = self.json("get", "--json", aname)
        try:
            got = from_json(value, dtype, base.shape)
        except ValueError as e:
            self.fail("get --json %s after set: %s" % (aname, e))
        self.check(same(got, base), "after set %s %s, %s is\n%s\nNumPy:\n%s"
                   % (target, text, aname, got, base))
        self.stats["sets"] += 1

        # and store[target] = value through the Python package
        if self.pkg is None:
            return "ok"
        target = rng.choice(sorted(targets))
        tview = targets[target]
        value = np.array(random_value(rng, dtype, tview.shape))
        try:
            with np.errstate(all="ignore"):
                tview[...] = value
            numpy_ok = True
        except ValueError:
            numpy_ok = False
        with np.errstate(all="ignore"):
            e = testlib.raised(self.pkg.__setitem__, target, value)
        if numpy_ok:
            self.check(e is None, "python: store[%r] = %r: NumPy assigns "
                       "it, the package raises %r" % (target, value, e))
        else:
            self.check(isinstance(e, ValueError), "python: store[%r] = %r: "
                       "NumPy refuses to broadcast, the package: %r"
                       % (target, value, e))
        self.check(same(self.pkg_base, base), "python: after store[%r] = %r"
                   ", %s is\n%s\nNumPy:\n%s" % (target, value, aname,
                                                 self.pkg_base, base))
        self.stats["sets"] += 1
        return "ok"


def main():
    args, numbers = testlib.case_args(
        "random_index", __doc__, DEFAULT_SEED, DEFAULT_CASES,
        "keep the store afterwards",
        [("--no-python", "check through the tool only, not also through "
          "the Python package")])
    counts = {"ok": 0, "refused": 0}
    stats = {"windows": 0, "refused": 0, "sets": 0, "depth": [0] * 4,
             "ndim": [0] * 6, "empty": 0}
    tolerated = 0
    failed = []
    try:
        ndshm = None if args.no_python else testlib.import_ndshm()
    except ImportError as e:
        print("(the Python package does not import, so only the tool is "
              "checked: %s)" % e)
        ndshm = None
    with testlib.Store(keep=args.keep) as st:
        pkg = ndshm.Store(st.path) if ndshm else None
        for k in numbers:
            case = Case(st, args.seed, k, pkg, stats)
            try:
                counts[case.run()] += 1
                tolerated += case.tolerated
            except Mismatch as e:
                failed.append(k)
                if len(failed) <= MAX_REPORTED:
                    print("MISMATCH seed %d case %d: %s" % (args.seed, k, e))
                    print("  replay:\n    " + st.replay(case.since)
                          .replace("\n", "\n    "))
                    if str(e).startswith("python:"):
                        print("    python3 -c 'import os, ndshm; st = "
                              "ndshm.Store(os.environ[\"NDSHM_STORE\"]); "
                              "...'  # as the message says")
                    print("  rerun: %s %d --case %d" % (
                        os.path.basename(sys.argv[0]), args.seed, k))
            case.pkg_base = None
        if pkg is not None:
            pkg.close()
    print("%d cases: %d valid expressions, %d refused as NumPy refuses, "
          "%d mismatches%s" % (len(numbers), counts["ok"], counts["refused"],
                               len(failed),
                               " (cases %s)" % failed[:50] if failed else ""))
    print("arrays of 0-5 dimensions: %s (%d empty)"
          % ("/".join(map(str, stats["ndim"])), stats["empty"]))
    print("%d windows checked (named views at depth 1-4: %s), %d expressions"
          " refused, %d assignments (%s)"
          % (stats["windows"], "/".join(map(str, stats["depth"])),
             stats["refused"], stats["sets"],
             "ndshm set and the Python package" if pkg is not None
             else "ndshm set"))
    if tolerated:
        print("(%d views differ from NumPy only in the stride of an axis "
              "of length 0 or 1 after a huge step, where NumPy's stride "
              "overflowed)" % tolerated)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
