"""The ndshm Python package (python/ndshm), with the ndshm tool as the
independent observer.

Every section works in one scratch store, through ndshm.Store(path), and
checks what the package did with `ndshm get --json`, `ndshm info --json`,
`ndshm list --json` and `ndshm set` -- never with the package itself:

  store       Store(None) is $NDSHM_STORE, Store(path) any directory, a
              new one made empty; a missing parent is an OSError.
  create      every dtype: zeros, scalar fills (integer ends, -0.0, inf,
              NaN, complex), broadcast fills (a row, a column, a big-endian
              array), 0-d and empty shapes, dtype spellings, fills converted
              as NumPy converts them; refused fills (out of range, NaN or
              inf into integers, complex into real, float overflow, shapes
              that do not broadcast) raise ValueError with ndshm's message
              and create nothing.
  create_from every dtype and layout: negative strides, transposed,
              broadcast (zero strides), big-endian, 0-d, empty, lists.
  sharing     store[expr] is a numpy.ndarray over the shared mapping: a
              write through it is in `ndshm get` at once (no close, no
              notify), `ndshm set` shows in arrays taken before it; index
              expressions give NumPy's shape, strides and values.
  setitem     store[expr] = value broadcasts as NumPy does and bumps the
              version; it refuses what `ndshm set` refuses, writing
              nothing; a read-only view raises PermissionError.
  views       view(): shape, strides, offset and base as NumPy's view of
              the same expression; views of views resolve to the array;
              read-only views come back read-only (flags.writeable False
              and cannot be set True; writes raise), and so do views of
              them.
  copy        copy(): an independent C-contiguous array.
  remove_list list() equals `ndshm list --json`; remove() and del; a view
              outlives its array's name; a name created again is new data.
  info        info(expr) equals `ndshm info --json expr` for arrays, views,
              read-only views, views of removed arrays, index expressions.
  errors      KeyError, FileExistsError, ValueError, IndexError,
              PermissionError, TimeoutError, OSError, each an ndshm.Error
              whose message is the one the tool prints for the same
              operation; a failed create, view, copy or load leaves no name.
  wait        version(), notify(), wait(): at once for an old version,
              TimeoutError when nothing changes, woken by `ndshm set` (from
              another process, while this one waits in a thread); notify()
              and store[expr] = v wake `ndshm wait --since`.
  load_save   load()/save() against numpy.save/numpy.load, bit for bit,
              every dtype (NaN payloads, -0.0), 0-d, empty, Fortran-order
              and big-endian files, views, pathlib paths; save() writes the
              bytes `ndshm export` writes.
  lifetime    (in a child process, so that a use after unmap is a reported
              crash): drop the store and every other reference, gc, keep only
              a slice -- still valid, still shared both ways; the name removed
              under it; many open/close cycles leave /proc/self/maps as it
              was; one mapping per array however often it is opened.

Nothing is random: a failure replays exactly.  Each failed check prints
"FAIL: [section] what", and the run ends with "python_api: N passed, N
failed" (exit status 1 if any failed, 77 when NumPy or the tool is
missing).

Replay: make check TESTS=tests/python_api.py, or by hand from the build
tree with NDSHM=tools/ndshm NDSHM_LIBRARY=lib/.libs/libndshm.so
PYTHONPATH=$top_srcdir/python:
    /usr/bin/python3 $top_srcdir/tests/python_api.py [--section NAME] [--keep]
"""
import argparse
import gc
import os
import pathlib
import signal
import subprocess
import sys
import threading
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
except ImportError:  # pragma: no cover - run by python-test with NumPy
    print("SKIP: NumPy is not installed")
    sys.exit(77)

import testlib
from testlib import (DATA_OFFSET, DTYPES, literal, mapped_lines, npy_bytes,
                     raised, same, same_bits)

ndshm = None  # the package, imported in main()
C = testlib.Checks("python_api")

# A hang guard for waits that must end (never a timing check).
GUARD = 60.0


# ---- values -------------------------------------------------------------------

def sample(dtype, shape, salt=0):
    """Values of dtype and shape, as different from each other as the dtype
    allows, in a fixed order: integer types' ends, and for floats -0.0,
    inf, -inf and NaN (complex: in either part) once there is room."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64))
    rng = np.random.default_rng(7000 + 31 * salt + DTYPES.index(dtype.name))
    if dtype.kind == "b":
        v = (np.arange(n) * 7 + salt) % 3 == 1
    elif dtype.kind in "iu":
        info = np.iinfo(dtype)
        v = rng.integers(info.min, info.max, size=n, dtype=dtype,
                         endpoint=True)
        if n >= 2:
            v[0], v[-1] = info.min, info.max
    elif dtype.kind == "f":
        with np.errstate(over="ignore"):
            v = (rng.standard_normal(n) * 100).astype(dtype)
        for i, x in enumerate([-0.0, np.inf, -np.inf, np.nan]):
            if n >= 6 and i + 1 < n:
                v[i + 1] = x
    else:
        part = np.float32 if dtype.itemsize == 8 else np.float64
        v = np.empty(n, dtype)
        v.real = (rng.standard_normal(n) * 100).astype(part)
        v.imag = (rng.standard_normal(n) * 100).astype(part)
        if n >= 4:
            v[1] = complex(-0.0, np.inf)
            v[2] = complex(np.nan, -0.0)
    return np.asarray(v, dtype).reshape(shape)


def numpy_fill(shape, dtype, fill):
    """np.full as NumPy converts fill into dtype (ComplexWarning quiet)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = np.empty(shape, dtype)
        out[...] = np.asarray(fill).astype(dtype)
    return out


def on_buffer(array):
    """A copy of array in a fresh buffer, C-contiguous: the layout of an
    ndshm data file, so that NumPy's views of it have ndshm's strides and
    data-pointer offsets."""
    out = np.ndarray(array.shape, array.dtype,
                     buffer=bytearray(max(array.nbytes, 1)))
    out[...] = array
    return out


def c_strides(shape, itemsize):
    """C-contiguous strides as ndshm (and NumPy over a buffer) give them:
    a zero-length dimension counts as 1."""
    out, s = [], itemsize
    for n in reversed(shape):
        out.insert(0, s)
        s *= max(n, 1)
    return out


def mirror(array, expr):
    """NumPy's view expr ("[1, 2]", ".T[::-1]", a chain) of array: always
    a view, 0-d where a plain index gives a scalar."""
    out = array
    for part in expr.replace("]", "]\0").replace(".T", ".T\0").split("\0"):
        if part == ".T":
            out = out.T
        elif part:
            inner = part[1:-1]
            if "..." not in inner:
                inner += ", ..."
            out = eval("x[%s]" % inner, {"x": out, "np": np})
    return out


def expect_numpy_view(cli, name, expr_numpy, base_name, base, what):
    """`ndshm info --json name` against NumPy's view expr_numpy of base (a
    C-contiguous array over a buffer, as the data file is)."""
    view = mirror(base, expr_numpy)
    info = cli.info(name)
    if not C.check(info is not None, "%s: `ndshm info %s` fails"
                   % (what, name)):
        return None
    want = {"kind": "view", "base": base_name, "dtype": base.dtype.str,
            "shape": list(view.shape), "strides": list(view.strides),
            "offset": DATA_OFFSET + view.__array_interface__["data"][0]
            - base.__array_interface__["data"][0]}
    C.equal({k: info[k] for k in want}, want, "%s: info --json %s" %
            (what, name))
    return view


def cli_has(cli, expr, want, what):
    """`ndshm get --json expr` equals want (values, exactly) and `ndshm
    info --json` gives its dtype and shape."""
    info = cli.info(expr)
    if not C.check(info is not None, "%s: `ndshm info %s` fails"
                   % (what, expr)):
        return False
    want = np.asarray(want)
    ok = C.equal((info["dtype"], info["shape"]),
                 (want.dtype.str, list(want.shape)),
                 "%s: dtype and shape of %s" % (what, expr))
    got = cli.window(expr)
    return C.check(same(got, want), "%s: `ndshm get --json %s`" % (what, expr),
                   "ndshm:\n%s\nwant:\n%s" % (got, want)) and ok


def mapped_read_only(st, expr):
    """store[expr] comes back read-only (a failed check if not: then no
    write must be tried, as the mapping is PROT_READ and a write through
    a writable ndarray would kill this process)."""
    return C.check(not st[expr].flags.writeable, "store[%r] of a read-only "
                   "view is read-only" % expr)


def absent(cli, st, name, what):
    """name exists neither for the tool nor in st.list()."""
    C.check(cli.info(name) is None, "%s: %s exists for the tool"
            % (what, name))
    C.check(name not in st.list(), "%s: %s in list()" % (what, name))


# ---- sections -----------------------------------------------------------------

def test_store(cli, st):
    C.equal(st.path, os.path.realpath(cli.path), "Store(path).path")
    saved = os.environ.get("NDSHM_STORE")
    os.environ["NDSHM_STORE"] = cli.path
    try:
        default = ndshm.Store()
        C.equal(default.path, st.path, "Store() is $NDSHM_STORE")
        default.create("st_default", (2,), "int16", fill=3)
        cli_has(cli, "st_default", np.array([3, 3], "int16"), "Store()")
        default.close()
    finally:
        if saved is None:
            del os.environ["NDSHM_STORE"]
        else:
            os.environ["NDSHM_STORE"] = saved
    C.check(cli.path in repr(st), "repr(store) names the path", repr(st))

    # (that arrays outlive their store object is in the lifetime section)

    # a new directory is a new, empty store; a missing parent is refused
    new = os.path.join(cli.scratch, "another-store")
    s3 = ndshm.Store(new)
    C.equal((os.path.isdir(new), s3.list()), (True, []),
            "Store(new directory) makes an empty store")
    s3.close()
    e = raised(ndshm.Store, os.path.join(cli.scratch, "no", "such", "dir"))
    C.check(isinstance(e, OSError) and isinstance(e, ndshm.Error),
            "Store(missing parent) raises an OSError ndshm.Error", repr(e))


def test_create(cli, st):
    shape = (2, 3)
    for dt in DTYPES:
        name = "cr_%s" % dt
        st.create(name, shape, dt)
        info = cli.info(name)
        C.equal((info["kind"], info["base"], info["dtype"], info["shape"],
                 info["strides"], info["offset"], info["readonly"]),
                ("array", None, np.dtype(dt).str, [2, 3],
                 c_strides(shape, np.dtype(dt).itemsize), DATA_OFFSET,
                 False), "create(%s): info --json" % dt)
        cli_has(cli, name, np.zeros(shape, dt), "create(%s) zeros" % dt)
        a = st[name]
        C.equal((type(a), a.dtype, a.shape), (np.ndarray, np.dtype(dt),
                                              shape),
                "create(%s): store[name] type, dtype, shape" % dt)

        # scalar fills, each the CLI's --fill of the same value
        kind = np.dtype(dt).kind
        if kind == "b":
            fills = [True]
        elif kind in "iu":
            ii = np.iinfo(dt)
            fills = [int(ii.min), int(ii.max)]
        elif kind == "f":
            fills = [-0.0, np.inf, np.nan, 0.1]
        else:
            fills = [complex(-0.0, np.inf), 1.5 - 2j]
        for k, fill in enumerate(fills):
            name = "crf_%s_%d" % (dt, k)
            st.create(name, shape, dt, fill=fill)
            cli_has(cli, name, numpy_fill(shape, dt, fill),
                    "create(%s, fill=%r)" % (dt, fill))

        # broadcast fills: a row, a column, the whole shape
        vals = sample(dt, shape, salt=1)
        for k, fill in enumerate([vals[0], vals[:, :1], vals]):
            name = "crb_%s_%d" % (dt, k)
            st.create(name, shape, dt, fill=fill)
            cli_has(cli, name, np.broadcast_to(fill, shape),
                    "create(%s, fill of shape %s)" % (dt, fill.shape))

        # 0-d and empty
        name = "cr0_%s" % dt
        st.create(name, (), dt)
        cli_has(cli, name, np.zeros((), dt), "create(%s, shape ())" % dt)
        C.equal(st[name].shape, (), "create(%s, ()): store[name].shape" % dt)
        name = "cr0f_%s" % dt
        e = raised(st.create, name, (), dt, fill=vals[1, 1])
        if C.check(e is None, "create(%r, (), %s, fill=scalar) raises"
                   % (name, dt), repr(e)):
            cli_has(cli, name, np.array(vals[1, 1]),
                    "create(%s, shape (), fill)" % dt)
        for k, eshape in enumerate([(0,), (3, 0, 2)]):
            name = "cre_%s_%d" % (dt, k)
            st.create(name, eshape, dt, fill=vals[0, 0])
            cli_has(cli, name, np.zeros(eshape, dt),
                    "create(%s, shape %s, fill)" % (dt, eshape))
            C.equal(st[name].shape, eshape, "empty store[name].shape")

    # a shape may be one int; dtypes in any spelling NumPy accepts
    st.create("cr_int_shape", 4, "uint16")
    C.equal(cli.info("cr_int_shape")["shape"], [4], "create(shape=4)")
    for k, (spelling, descr) in enumerate([
            ("f8", "<f8"), (np.int16, "<i2"), ("int", "<i8"), ("?", "|b1"),
            ("<c8", "<c8"), (np.dtype("uint32"), "<u4"), ("=f2", "<f2")]):
        st.create("cr_spell_%d" % k, (2,), spelling)
        C.equal(cli.info("cr_spell_%d" % k)["dtype"], descr,
                "create(dtype=%r)" % (spelling,))

    # fills are converted as NumPy converts them
    for k, (dt, fill) in enumerate([
            ("int32", 2.7), ("int32", -2.7), ("float64", True),
            ("int16", 1 + 0j), ("bool", 3), ("bool", 0.0), ("uint8", 255.9),
            ("float32", np.float64(1 / 3)), ("float16", 65504.0),
            ("complex64", 2.5), ("uint64", 2 ** 64 - 1),
            ("int64", -2 ** 63), ("float32", np.inf)]):
        name = "crc_%d" % k
        e = raised(st.create, name, (3,), dt, fill=fill)
        if C.check(e is None, "create(%s, fill=%r) raises" % (dt, fill),
                   repr(e)):
            cli_has(cli, name, numpy_fill((3,), dt, fill),
                    "create(%s, fill=%r) converts as NumPy" % (dt, fill))

    # a big-endian array broadcasts as any other
    fill = np.array([1, -2, 300], ">i4")
    e = raised(st.create, "cr_bigendian_fill", (2, 3), "int32", fill=fill)
    if C.check(e is None, "create(int32, fill=big-endian array) raises",
               repr(e)):
        cli_has(cli, "cr_bigendian_fill",
                np.broadcast_to(fill.astype("<i4"), (2, 3)),
                "create(fill=big-endian array)")


def test_fill_refused(cli, st):
    """Refused fills: ValueError with the tool's message, nothing made."""
    cases = [
        ("int8", 300), ("int8", -129), ("uint8", -1), ("uint16", 65536),
        ("int64", 2 ** 63), ("uint64", -1), ("int32", float("nan")),
        ("int64", float("inf")), ("uint8", -float("inf")),
        ("float64", 1 + 2j), ("float32", 1e40), ("float16", 70000.0),
        ("int16", [1, 2, 40000]), ("uint32", [1.0, -1.0, 2.0]),
        ("int32", [0.0, float("nan"), 1.0]),
    ]
    for k, (dt, fill) in enumerate(cases):
        name = "fr_%d" % k
        v0 = cli.info("fr_witness")
        e = raised(st.create, name, (3,), dt, fill=fill)
        what = "create(%s, fill=%r)" % (dt, fill)
        if C.check(isinstance(e, ValueError), what + " raises ValueError",
                   repr(e)):
            C.check(isinstance(e, ndshm.Error), what + ": an ndshm.Error",
                    repr(e))
            r = cli.run("create", name, "--dtype", dt, "--shape", "3",
                        "--fill", literal(fill), check=False)
            C.check(r[0] == 1 and r[2].rstrip().endswith(": " + str(e)),
                    what + ": the message is the tool's",
                    "python: %r\ntool:   %r" % (str(e), r[2].strip()))
        absent(cli, st, name, what)
        C.equal(cli.info("fr_witness"), v0, what + ": nothing else changed")
    # shapes that do not broadcast
    for k, fill in enumerate([[1, 2], np.zeros((2, 3)), np.zeros((4, 1))]):
        name = "frs_%d" % k
        e = raised(st.create, name, (3,), "float64", fill=fill)
        C.check(isinstance(e, ValueError), "create((3,), fill of shape %s) "
                "raises ValueError" % (np.shape(fill),), repr(e))
        absent(cli, st, name, "create with an unbroadcastable fill")


def test_create_from(cli, st):
    for dt in DTYPES:
        vals = sample(dt, (3, 4), salt=2)
        sources = [
            ("contiguous", vals),
            ("negative strides", vals[::-1, ::-2]),
            ("transposed", vals.T),
            ("broadcast", np.broadcast_to(vals[1], (5, 4))),
            ("0-d", vals[1, 2, ...]),
            ("empty", vals[:0]),
            ("big-endian", vals.astype(vals.dtype.newbyteorder(">"))),
        ]
        for k, (label, src) in enumerate(sources):
            name = "cf_%s_%d" % (dt, k)
            st.create_from(name, src)
            want = np.array(src, dtype=np.dtype(dt), order="C")
            cli_has(cli, name, want, "create_from(%s, %s)" % (dt, label))
            info = cli.info(name)
            C.equal(info["strides"], c_strides(src.shape,
                                               np.dtype(dt).itemsize),
                    "create_from(%s, %s): C strides" % (dt, label))
            C.check(same_bits(st[name], want), "create_from(%s, %s): "
                    "store[name] bit for bit" % (dt, label))
    st.create_from("cf_list", [[1, 2], [3, 4]])
    cli_has(cli, "cf_list", np.array([[1, 2], [3, 4]]), "create_from(list)")
    st.create_from("cf_scalar", 2.5)
    cli_has(cli, "cf_scalar", np.array(2.5), "create_from(scalar)")


def test_sharing(cli, st):
    m = on_buffer(sample("int64", (4, 5), salt=3))   # NumPy's mirror
    st.create_from("sh", m)
    a = st["sh"]
    C.check(isinstance(a, np.ndarray) and a.flags.writeable,
            "store[name] is a writable ndarray", repr(type(a)))
    rev = st["sh[::-1]"]

    a[1, 2] = m[1, 2] = -5          # a plain memory write: no call at all
    cli_has(cli, "sh", m, "a write through store[name] is in ndshm get")
    cli.out("set", "sh[0]", "[10, 11, 12, 13, 14]")
    m[0] = [10, 11, 12, 13, 14]
    C.check(same(a, m), "`ndshm set` shows in an ndarray taken before", a)
    C.check(same(rev, m[::-1]), "`ndshm set` shows in another window", rev)

    # index expressions: NumPy's shape, strides and values, same memory
    exprs = ["[1]", "[-1, ::-1]", ".T", "[..., None]", "[None, 2:, 1]",
             "[1, 2]", "[::2][1:].T", "[3:1]", "[:, ::-2][::-1, 1:]",
             "[-2:, np.newaxis, ...]"]
    for k, expr in enumerate(exprs):
        text = "sh" + expr.replace("np.newaxis", "None")
        w = st[text]
        want = mirror(m, expr)
        C.equal((w.shape, w.strides, w.dtype),
                (want.shape, want.strides, want.dtype),
                "store[%r]: shape, strides, dtype" % text)
        C.check(same(w, want), "store[%r] values" % text, w)
        if w.size:
            C.check(np.shares_memory(w, a), "store[%r] shares memory with "
                    "store['sh']" % text)
        C.check(w.flags.writeable, "store[%r] writable" % text)
        new = sample("int64", w.shape, salt=10 + k)
        w[...] = new
        want[...] = new
        cli_has(cli, "sh", m, "write through store[%r]" % text)

    # every dtype, both ways
    for dt in DTYPES:
        name = "shd_%s" % dt
        st.create(name, (2, 3), dt)
        x = st[name]
        v1 = sample(dt, (2, 3), salt=4)
        x[...] = v1
        cli_has(cli, name, v1, "write of %s through store[name]" % dt)
        v2 = sample(dt, (2, 3), salt=5)
        cli.out("set", name, literal(v2))
        C.check(same(x, v2), "`ndshm set` of %s seen through store[name]"
                % dt, "got:\n%s\nwant:\n%s" % (x, v2))

    # 0-d and empty
    st.create("sh0", (), "int32")
    z = st["sh0"]
    z[()] = 42
    C.equal(cli.out("get", "sh0"), "42\n", "0-d write through store[name]")
    cli.out("set", "sh0", "-7")
    C.equal(int(z), -7, "`ndshm set` of a 0-d array seen in store[name]")
    el = st["sh[2, 3]"]
    C.equal((type(el), el.shape), (np.ndarray, ()),
            "store['sh[2, 3]'] is a 0-d ndarray, not a copy")
    el[()] = 99
    m[2, 3] = 99
    cli_has(cli, "sh", m, "write through a 0-d window")
    st.create("sh_empty", (0, 3), "float32")
    e = st["sh_empty"]
    e[...] = 1
    C.equal((e.shape, e.size), ((0, 3), 0), "empty store[name]")
    cli_has(cli, "sh_empty", np.zeros((0, 3), "float32"), "empty array")


def test_setitem(cli, st):
    m = on_buffer(np.zeros((3, 4), "float64"))
    st.create("si", (3, 4), "float64")
    steps = [("si", 1.5), ("si[1:]", [1, 2, 3, 4]), ("si[:, 0]", [7, 8, 9]),
             ("si[::-1, ::2]", np.arange(6.0).reshape(3, 2)),
             ("si[0, 1]", -0.0), ("si.T[1]", np.nan), ("si[None, 2]", 2.25)]
    for expr, value in steps:
        before = cli.info("si")["version"]
        st[expr] = value
        mirror(m, expr[2:])[...] = value
        cli_has(cli, "si", m, "store[%r] = %r" % (expr, value))
        C.equal(cli.info("si")["version"], before + 1,
                "store[%r] = ... bumps the version once" % expr)

    # what `ndshm set` refuses, store[expr] = value refuses, writing nothing
    cases = [("int8", 300), ("int8", [1, 2, 300]), ("uint8", -1),
             ("uint64", -1), ("int32", float("nan")),
             ("int32", [1.0, float("nan"), 2.0]), ("int64", float("inf")),
             ("float32", 1e40), ("float16", 70000.0), ("float64", 1 + 2j),
             ("bool", 2j),
             # and accepts what it accepts, with the same values
             ("int8", 127), ("int16", 2.7), ("uint8", [1, 2, 255]),
             ("float32", np.inf), ("bool", 5), ("complex64", 1.5),
             ("int32", True), ("uint64", 2 ** 64 - 1)]
    for k, (dt, value) in enumerate(cases):
        name = "sr_%d" % k
        fill = sample(dt, (3,), salt=k)
        st.create_from(name, fill)
        r = cli.run("set", name, literal(value), check=False)
        tool_after = cli.window(name)
        cli.out("set", name, literal(fill))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            e = raised(st.__setitem__, name, value)
        what = "store[%s array] = %r" % (dt, value)
        if r[0] != 0:
            C.check(isinstance(e, ValueError),
                    what + ": `ndshm set` refuses it (%s), the package "
                    "raises no ValueError" % r[2].strip(), repr(e))
            cli_has(cli, name, fill, what + ": refused, nothing written")
        else:
            C.check(e is None, what + ": `ndshm set` accepts it, the "
                    "package raises", repr(e))
            cli_has(cli, name, tool_after, what + ": as `ndshm set` writes")

    # unbroadcastable values
    before = cli.window("si")
    e = raised(st.__setitem__, "si", [1, 2])
    C.check(isinstance(e, ValueError), "store[(3, 4)] = [1, 2] raises "
            "ValueError", repr(e))
    cli_has(cli, "si", before, "an unbroadcastable value writes nothing")

    # a read-only view: PermissionError, nothing written
    st.view("si_ro", "si[1:]", readonly=True)
    if mapped_read_only(st, "si_ro"):
        e = raised(st.__setitem__, "si_ro", 5.0)
        C.check(isinstance(e, PermissionError) and "read-only" in str(e),
                "store[read-only view] = 5 raises PermissionError saying "
                "read-only", repr(e))
        cli_has(cli, "si", before, "a write to a read-only view writes "
                "nothing")


def test_views(cli, st):
    m = on_buffer(sample("int32", (4, 5, 6), salt=6))
    st.create_from("vw", m)
    views = [("vw_a", "[1:, ::-2]"), ("vw_b", "[..., None, 3]"),
             ("vw_c", ".T"), ("vw_d", "[-1]"), ("vw_e", "[2, 3, 4]"),
             ("vw_f", "[:0]"), ("vw_g", "[::-1, 1:4, ::3]")]
    for name, expr in views:
        st.view(name, "vw" + expr)
        v = expect_numpy_view(cli, name, expr, "vw", m, "view(%r)" % name)
        if v is None:
            continue
        got = st[name]
        C.check(same(got, v) and got.strides == (v.strides if v.ndim
                                                 else ()),
                "store[%r] is NumPy's view" % name)
        if got.size:
            C.check(np.shares_memory(got, st["vw"]), "store[%r] shares "
                    "memory with its array" % name)

    # views of views resolve to the array, composing as NumPy does
    st.view("vw_v1", "vw[1:, ::-1]")
    st.view("vw_v2", "vw_v1[::2, 1:].T")
    st.view("vw_v3", "vw_v2[1, ..., None]")
    v3 = expect_numpy_view(cli, "vw_v3", "[1:, ::-1][::2, 1:].T[1, ..., None]",
                           "vw", m, "view of a view of a view")
    C.equal(st.info("vw_v3")["base"], "vw", "info(view of view).base")
    w = st["vw_v3"]
    w[...] = -1
    v3[...] = -1
    cli_has(cli, "vw", m, "write through a view of a view of a view")

    # read-only views
    st.view("vw_ro", "vw[1:]", readonly=True)
    C.equal(cli.info("vw_ro")["readonly"], True, "view(readonly=True): "
            "info readonly")
    ro = st["vw_ro"]
    # (no write is tried while NumPy thinks it may write: the mapping is
    # PROT_READ, and the write would kill this process)
    if C.check(not ro.flags.writeable, "store[read-only view] is not "
               "writeable"):
        e = raised(setattr, ro.flags, "writeable", True)
        C.check(isinstance(e, ValueError) and not ro.flags.writeable,
                "flags.writeable = True is refused on a read-only view",
                repr(e))
    if not ro.flags.writeable:
        e = raised(ro.__setitem__, (0, 0, 0), 1)
        C.check(isinstance(e, ValueError), "a write through a read-only "
                "view raises", repr(e))
        e = raised(np.copyto, ro[0], 5)
        C.check(isinstance(e, ValueError), "np.copyto into a read-only view "
                "raises", repr(e))
        sl = ro[1:, ::2]
        C.check(not sl.flags.writeable, "a slice of a read-only view is "
                "read-only")
    cli_has(cli, "vw", m, "nothing written through the read-only view")
    # it still shows writes made elsewhere
    cli.out("set", "vw[2]", "123")
    m[2] = 123
    C.check(same(ro, m[1:]), "a read-only view shows `ndshm set` writes")
    r = cli.run("set", "vw_ro", "1", check=False)
    C.check(r[0] == 1, "`ndshm set` of a read-only view fails", r)

    # views of a read-only view are read-only, whatever they ask
    st.view("vw_ro2", "vw_ro[::2]")
    C.equal(cli.info("vw_ro2")["readonly"], True, "view of a read-only "
            "view: info readonly")
    C.check(not st["vw_ro2"].flags.writeable, "view of a read-only view "
            "comes back read-only")
    C.check(not st["vw_ro[1:]"].flags.writeable, "an expression over a "
            "read-only view comes back read-only")
    # the array itself opened read-only
    rw = st.array("vw", readonly=True)
    C.check(not rw.flags.writeable, "array(expr, readonly=True) is "
            "read-only")
    e = raised(setattr, rw.flags, "writeable", True)
    C.check(isinstance(e, ValueError) and not rw.flags.writeable,
            "array(readonly=True): writeable cannot be set", repr(e))
    C.check(st["vw"].flags.writeable, "the array stays writable through "
            "store[name]")


def test_copy(cli, st):
    m = on_buffer(sample("float32", (3, 4), salt=7))
    st.create_from("cp", m)
    st.copy("cp_c", "cp[::-1, 1:]")
    info = cli.info("cp_c")
    C.equal((info["kind"], info["base"], info["shape"], info["strides"],
             info["offset"]), ("array", None, [3, 3], [12, 4], DATA_OFFSET),
            "copy(): a C-contiguous array")
    cli_has(cli, "cp_c", m[::-1, 1:], "copy() values")
    c = st["cp_c"]
    c[...] = 0
    cli_has(cli, "cp", m, "a write to the copy does not reach the original")
    cli.out("set", "cp", "9")
    C.check(same(c, np.zeros((3, 3), "float32")), "a write to the original "
            "does not reach the copy", c)
    C.check(not np.shares_memory(c, st["cp"]), "copy shares no memory")
    st.view("cp_ro", "cp.T", readonly=True)
    st.copy("cp_roc", "cp_ro")
    C.equal(cli.info("cp_roc")["readonly"], False, "a copy of a read-only "
            "view is writable")
    C.check(st["cp_roc"].flags.writeable, "store[copy of read-only view] "
            "writable")
    st.copy("cp_0", "cp[1, 2]")
    cli_has(cli, "cp_0", np.array(9, "float32"), "copy of one element: 0-d")
    st.copy("cp_e", "cp[2:1]")
    cli_has(cli, "cp_e", np.zeros((0, 4), "float32"), "copy of an empty "
            "window")


def test_remove_list(cli, st):
    def tool_names():
        return [o["name"] for o in cli.json("list", "--json")]
    C.equal(st.list(), tool_names(), "list() equals `ndshm list --json`")
    C.equal(st.list(), sorted(st.list()), "list() is in name order")
    st.create("rl/ns/x", (2,), "int8")
    C.check("rl/ns/x" in st.list() and "rl/ns/x" in st, "a namespaced "
            "name is listed and `in` the store")
    C.equal(st.list(), tool_names(), "list() after a create")
    st.remove("rl/ns/x")
    C.check("rl/ns/x" not in st.list() and "rl/ns/x" not in st,
            "remove() takes the name away")
    absent(cli, st, "rl/ns/x", "remove()")
    st.create("rl_del", (2,), "int8")
    del st["rl_del"]
    absent(cli, st, "rl_del", "del store[name]")

    # a view outlives its array's name; so does an ndarray taken before
    st.create_from("rl_a", np.arange(6, dtype="int16"))
    st.view("rl_v", "rl_a[::-1]")
    held = st["rl_a"]
    old_id = cli.info("rl_a")["id"]
    st.remove("rl_a")
    absent(cli, st, "rl_a", "remove(array with a view)")
    info = cli.info("rl_v")
    C.check(info is not None and info["base"] is None,
            "the view lives on with base null", info)
    C.equal(st.info("rl_v")["base"], None, "info(view).base after remove")
    held[0] = 100
    cli_has(cli, "rl_v", np.array([5, 4, 3, 2, 1, 100], "int16"),
            "an ndarray of a removed array still shares memory with its view")
    # the name created again is new data
    st.create("rl_a", (6,), "int16")
    C.check(cli.info("rl_a")["id"] != old_id, "a name created again has a "
            "new id")
    held[1] = 77
    cli_has(cli, "rl_a", np.zeros(6, "int16"), "the old ndarray does not "
            "write the new array")
    C.equal(st.list(), tool_names(), "list() at the end")


def test_info(cli, st):
    st.create_from("in_a", sample("complex64", (3, 4), salt=8))
    st.view("in_v", "in_a[1:, ::-2]")
    st.view("in_ro", "in_v.T", readonly=True)
    st.create("in_0", (), "uint16")
    st.create("in_e", (0, 2), "bool")
    st.create_from("in_gone", np.arange(4.0))
    st.view("in_orphan", "in_gone[1:]")
    st.remove("in_gone")
    st.create("in/ns/x", (2,), "float16")
    exprs = ["in_a", "in_v", "in_ro", "in_0", "in_e", "in_orphan",
             "in/ns/x", "in_a[1]", "in_a[::-1, None]", "in_v[0, 1]",
             "in_ro[...]", "in_a.T", "in_e[1:]", "in_0[None]"]
    exprs += ["cr_%s" % dt for dt in DTYPES]
    for expr in exprs:
        C.equal(st.info(expr), cli.info(expr), "info(%r)" % expr)
    cli.out("set", "in_a", "1")
    st.notify("in_v")
    for expr in ["in_a", "in_v", "in_ro"]:
        C.equal(st.info(expr), cli.info(expr), "info(%r) after writes"
                % expr)


def expect_error(st_cli, label, fn, cls, tool=None, name=None):
    """fn() raises cls, an ndshm.Error; with tool (ndshm arguments of the
    same operation), its message is the one the tool prints; with name,
    no such name exists afterwards."""
    cli, st = st_cli
    e = raised(fn)
    ok = C.check(isinstance(e, cls), "%s raises %s" % (label, cls.__name__),
                 repr(e))
    if ok:
        C.check(isinstance(e, ndshm.Error), label + ": an ndshm.Error",
                type(e).__mro__)
        C.check(str(e) != "" and str(e) == e.args[0], label + ": str() is "
                "the message alone", repr(str(e)))
        if tool is not None:
            r = cli.run(*tool, check=False)
            C.check(r[0] != 0 and r[2].rstrip().endswith(": " + str(e)),
                    label + ": the message is the one `ndshm %s` prints"
                    % tool[0], "python: %r\ntool:   %r" % (str(e),
                                                          r[2].strip()))
    if name is not None:
        absent(cli, st, name, label)
    return e


def test_errors(cli, st):
    sc = (cli, st)
    st.create("er", (3,), "int8")
    st.view("er_ro", "er[1:]", readonly=True)
    npy = cli.save("er.npy", np.arange(3))
    notnpy = cli.file("not.npy")
    with open(notnpy, "w") as f:
        f.write("not a .npy file\n")
    objnpy = cli.save("obj.npy", np.array([1, None], dtype=object))
    out = cli.file("out.npy")

    # KeyError
    for label, fn, tool in [
            ("store['nope']", lambda: st["nope"], ["get", "nope"]),
            ("store['nope[1:]']", lambda: st["nope[1:]"],
             ["get", "nope[1:]"]),
            ("info('nope')", lambda: st.info("nope"), ["info", "nope"]),
            ("view(x, 'nope')", lambda: st.view("er_x", "nope"),
             ["view", "er_x", "nope"]),
            ("copy(x, 'nope')", lambda: st.copy("er_x", "nope"),
             ["copy", "er_x", "nope"]),
            ("remove('nope')", lambda: st.remove("nope"), ["rm", "nope"]),
            ("del store['nope']", lambda: st.__delitem__("nope"),
             ["rm", "nope"]),
            ("version('nope')", lambda: st.version("nope"),
             ["info", "nope"]),
            ("wait('nope')", lambda: st.wait("nope", 0, 0),
             ["wait", "nope", "--since", "0", "--timeout", "0"]),
            ("save('nope')", lambda: st.save("nope", out),
             ["export", "nope", out]),
            ("notify('nope')", lambda: st.notify("nope"), None),
            ("store['nope'] = 1", lambda: st.__setitem__("nope", 1),
             ["set", "nope", "1"])]:
        e = expect_error(sc, label, fn, KeyError, tool, "er_x")
        C.check(isinstance(e, KeyError)
                and str(e) == "no such array 'nope'", label + ": the "
                "message (not KeyError's repr of a key)", repr(str(e)))
    C.check("nope" not in st, "'nope' in store is False")

    # FileExistsError
    for label, fn, tool in [
            ("create(existing)", lambda: st.create("er", (2,), "int16"),
             ["create", "er", "--dtype", "int16", "--shape", "2"]),
            ("create_from(existing)", lambda: st.create_from("er", [1, 2]),
             ["create", "er", "[1, 2]"]),
            ("view(existing)", lambda: st.view("er", "er[1:]"),
             ["view", "er", "er[1:]"]),
            ("copy(existing)", lambda: st.copy("er", "er"),
             ["copy", "er", "er"]),
            ("load(existing)", lambda: st.load("er", npy),
             ["create", "er", "--from", npy])]:
        expect_error(sc, label, fn, FileExistsError, tool)
    cli_has(cli, "er", np.zeros(3, "int8"), "the existing array untouched")

    # ValueError
    for label, fn, tool in [
            ("create('1bad')", lambda: st.create("1bad", (3,), "int8"),
             ["create", "1bad", "--dtype", "int8", "--shape", "3"]),
            ("create(dtype U4)", lambda: st.create("er_x", (3,), "U4"),
             None),
            ("create(dtype >i4)", lambda: st.create("er_x", (3,), ">i4"),
             None),
            ("create(shape -1)", lambda: st.create("er_x", (-1,), "int8"),
             None),
            ("create(fill=300)", lambda: st.create("er_x", (3,), "int8",
                                                   fill=300),
             ["create", "er_x", "--dtype", "int8", "--shape", "3",
              "--fill", "300"]),
            ("create_from(objects)", lambda: st.create_from(
                "er_x", np.array([1, None], dtype=object)), None),
            ("store['er[::0]']", lambda: st["er[::0]"], ["get", "er[::0]"]),
            ("store['er[[1]]']", lambda: st["er[[1]]"], ["get", "er[[1]]"]),
            ("store['er[1']", lambda: st["er[1"], ["get", "er[1"]),
            ("view(x, 'er[1:')", lambda: st.view("er_x", "er[1:"),
             ["view", "er_x", "er[1:"]),
            ("view('bad name!')", lambda: st.view("bad name!", "er"),
             ["view", "bad name!", "er"]),
            ("load(not .npy)", lambda: st.load("er_x", notnpy),
             ["create", "er_x", "--from", notnpy]),
            ("load(object .npy)", lambda: st.load("er_x", objnpy),
             ["create", "er_x", "--from", objnpy])]:
        expect_error(sc, label, fn, ValueError, tool, "er_x")

    # A NUL would cut a C string short: 'er\0x' must not reach 'er'
    for label, fn in [
            ("create('er_x\\0y')", lambda: st.create("er_x\0y", (3,), "int8")),
            ("view('er_x\\0y', 'er')", lambda: st.view("er_x\0y", "er")),
            ("store['er\\0[1:]']", lambda: st["er\0[1:]"]),
            ("remove('er\\0x')", lambda: st.remove("er\0x")),
            ("load(path with a NUL)", lambda: st.load("er_x", npy + "\0x"))]:
        e = expect_error(sc, label, fn, ValueError, None, "er_x")
        C.check("NUL" in str(e) and "\\x00" in str(e),
                label + ": says where the NUL is", str(e))
    C.check("er" in st, "remove('er\\0x') left er")

    # IndexError
    for label, fn, tool in [
            ("store['er[5]']", lambda: st["er[5]"], ["get", "er[5]"]),
            ("store['er[-4]']", lambda: st["er[-4]"], ["get", "er[-4]"]),
            ("view(x, 'er[1, 2]')", lambda: st.view("er_x", "er[1, 2]"),
             ["view", "er_x", "er[1, 2]"]),
            ("copy(x, 'er[3]')", lambda: st.copy("er_x", "er[3]"),
             ["copy", "er_x", "er[3]"])]:
        expect_error(sc, label, fn, IndexError, tool, "er_x")

    # PermissionError: writing a read-only view through the store
    if mapped_read_only(st, "er_ro"):
        expect_error(sc, "store['er_ro'] = 1",
                     lambda: st.__setitem__("er_ro", 1), PermissionError)
        cli_has(cli, "er", np.zeros(3, "int8"), "nothing written to er")

    # TimeoutError
    v = st.version("er")
    expect_error(sc, "wait(er, current version, 0.05)",
                 lambda: st.wait("er", v, 0.05), TimeoutError,
                 ["wait", "er", "--since", str(v), "--timeout", "0.05"])

    # OSError
    expect_error(sc, "save(to a missing directory)",
                 lambda: st.save("er", cli.file("no/such/dir.npy")),
                 OSError)
    expect_error(sc, "load(missing file)",
                 lambda: st.load("er_x", cli.file("missing.npy")), OSError,
                 ["create", "er_x", "--from", cli.file("missing.npy")],
                 "er_x")


def test_wait(cli, st):
    st.create("wt", (4,), "int64")
    st.view("wt_v", "wt[1:]")
    st.view("wt_ro", "wt", readonly=True)
    v0 = st.version("wt")
    C.equal(v0, cli.info("wt")["version"], "version() is info's version")
    C.equal(st.version("wt_v"), v0, "a view shares its array's version")

    cli.out("set", "wt[0]", "1")
    v1 = cli.info("wt")["version"]
    C.check(v1 > v0, "`ndshm set` bumps the version", (v0, v1))
    C.equal(st.version("wt"), v1, "version() after `ndshm set`")
    C.equal(st.wait("wt", v0, GUARD), v1, "wait(old version) returns the "
            "new version at once")
    C.equal(st.wait("wt", v0), v1, "wait(old version, timeout=None)")
    C.equal(st.wait("wt", v0, 0), v1, "wait(old version, timeout=0)")
    C.equal(st.wait("wt_v", v0, 0), v1, "wait(view, old version)")
    for timeout in (0, 0.05):
        e = raised(st.wait, "wt", v1, timeout)
        C.check(isinstance(e, TimeoutError), "wait(current version, %g) "
                "raises TimeoutError" % timeout, repr(e))
    C.equal(st.version("wt"), v1, "a timed-out wait changes nothing")

    st.notify("wt")
    C.equal(cli.info("wt")["version"], v1 + 1, "notify() bumps once")
    st.notify("wt_v[1:]")
    C.equal(cli.info("wt")["version"], v1 + 2, "notify(view expr) bumps "
            "the array's version")
    st.notify("wt_ro")
    C.equal(cli.info("wt")["version"], v1 + 2, "notify(read-only view) is "
            "a no-op")

    # woken by another process while waiting (in a thread)
    for k in range(3):
        seen = st.version("wt")
        result = []
        t = threading.Thread(target=lambda: result.append(
            raised(lambda: result.append(st.wait("wt", seen, GUARD)))))
        t.start()
        cli.out("set", "wt[%d]" % (k + 1), str(10 + k))
        t.join(GUARD + 10)
        now = cli.info("wt")["version"]
        C.check(not t.is_alive() and result[:1] == [now],
                "wait() in a thread is woken by `ndshm set` (round %d)" % k,
                "result %r, version %r" % (result, now))
    C.equal(st["wt"].tolist(), [1, 10, 11, 12], "values after the waits")

    # notify() and store[expr] = v wake `ndshm wait --since`
    for label, act in [("notify()", lambda: st.notify("wt")),
                       ("store[expr] = v",
                        lambda: st.__setitem__("wt_v[0]", 5))]:
        seen = st.version("wt")
        p = subprocess.Popen([testlib.NDSHM, "wait", "wt_v", "--since",
                              str(seen), "--timeout", str(GUARD)],
                             env=cli.env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        act()
        try:
            out, err = p.communicate(timeout=GUARD + 10)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        C.check(p.returncode == 0 and out == "%d\n" % (seen + 1),
                "%s wakes `ndshm wait --since %d`" % (label, seen),
                (p.returncode, out, err))

    # 0-d and empty arrays have versions too
    for name, shape in [("wt_0", ()), ("wt_e", (0, 2))]:
        st.create(name, shape, "float32")
        v = st.version(name)
        st.notify(name)
        C.equal(st.wait(name, v, GUARD), v + 1, "notify/wait on shape %s"
                % (shape,))


def test_load_save(cli, st):
    for dt in DTYPES:
        for k, shape in enumerate([(3, 4), (), (0, 3), (2, 1, 3)]):
            vals = sample(dt, shape, salt=9 + k)
            if np.dtype(dt).kind == "f" and vals.size >= 6:
                # a NaN with a payload, and a subnormal: kept bit for bit
                bits = vals.view("u%d" % np.dtype(dt).itemsize).reshape(-1)
                info = np.finfo(dt)
                mant = info.nmant
                exp_all = ((1 << (8 * np.dtype(dt).itemsize - 1 - mant)) - 1)
                bits[4] = (exp_all << mant) | 5
                bits[5] = 1
            src = cli.save("ls_%s_%d.npy" % (dt, k), vals)
            name = "ls_%s_%d" % (dt, k)
            st.load(name, src)
            C.check(same_bits(st[name], np.load(src)), "load(%s, shape %s) "
                    "bit for bit" % (dt, shape))
            cli_has(cli, name, np.load(src), "load(%s, shape %s)"
                    % (dt, shape))
            dst = cli.file("ls_out.npy")
            st.save(name, dst)
            with open(src, "rb") as f1, open(dst, "rb") as f2:
                C.check(f1.read() == f2.read(), "save(%s, shape %s): "
                        "numpy.save's bytes" % (dt, shape))
            C.check(same_bits(np.load(dst), vals), "numpy.load(save(%s))"
                    % dt)

    # Fortran order and big-endian files come in C order, little-endian
    vals = sample("float64", (3, 4), salt=20)
    for k, (label, arr) in enumerate([
            ("Fortran order", np.asfortranarray(vals)),
            ("big-endian", vals.astype(">f8")),
            ("Fortran big-endian", np.asfortranarray(vals.astype(">f8")))]):
        name = "ls_conv_%d" % k
        st.load(name, pathlib.Path(cli.save(name + ".npy", arr)))
        got = st[name]
        C.check(same_bits(got, vals), "load(%s) converts to C order, "
                "little-endian" % label, got.dtype)
        C.equal(cli.info(name)["strides"], [32, 8], "load(%s) strides"
                % label)

    # views: the window's values as numpy.save writes them, and as the
    # tool's export writes them
    m = on_buffer(sample("int16", (4, 5), salt=21))
    st.create_from("ls_v", m)
    st.view("ls_ro", "ls_v[1:]", readonly=True)
    for k, expr in enumerate(["[::-1, 1:]", ".T", "[2, 3]", "[3:1]",
                              "[None, ..., ::-2]"]):
        dst = pathlib.Path(cli.file("ls_view_%d.npy" % k))
        st.save("ls_v" + expr, dst)
        want = np.array(mirror(m, expr), order="C")
        with open(dst, "rb") as f:
            data = f.read()
        C.check(data == npy_bytes(want), "save('ls_v%s') writes numpy.save's"
                " bytes of the window" % expr)
        tool = cli.file("ls_tool.npy")
        cli.out("export", "ls_v" + expr, tool)
        with open(tool, "rb") as f:
            C.check(f.read() == data, "save('ls_v%s') equals `ndshm export`"
                    % expr)
    dst = cli.file("ls_ro.npy")
    with open(dst, "wb") as f:
        f.write(b"old contents")
    st.save("ls_ro", dst)
    C.check(same_bits(np.load(dst), m[1:]), "save(read-only view) replaces "
            "an existing file")


# ---- lifetime (run in a child process) --------------------------------------------

def lifetime_child(path):
    """Run in a process of its own: lifetime checks on the store at
    path; prints its FAIL lines and tally; a crash is the parent's
    failure."""
    C.name = "lifetime"
    with testlib.Store.attach(path) as cli, C.section("lifetime"):
        start = mapped_lines(path)
        st = ndshm.Store(path)
        st.create_from("lt", np.arange(10, dtype="int64"))
        st.view("lt_ro", "lt[::-1]", readonly=True)
        data_file = cli.info("lt")["path"]
        a = st["lt"]
        s = a[2:8:2]
        ro = st["lt_ro"][1:3]
        z = st["lt[9]"]
        with ndshm.Store(path) as s2:
            w = s2["lt[::3]"]
        del a, st, s2
        gc.collect()
        C.check(mapped_lines(data_file) > 0, "the data file is still mapped "
                "while slices live", mapped_lines(data_file))
        C.equal(s.tolist(), [2, 4, 6], "a slice after its store and array "
                "are gone")
        cli.out("set", "lt[2]", "-2")
        C.equal(s.tolist(), [-2, 4, 6], "the slice still sees `ndshm set`")
        C.equal(ro.tolist(), [8, 7], "a read-only slice after all is gone")
        C.check(not ro.flags.writeable, "and it is still read-only")
        s[1] = 44
        C.equal(cli.out("get", "lt[4]"), "44\n", "a write through the slice "
                "reaches the tool")
        z[()] = 99
        C.equal(cli.out("get", "lt[9]"), "99\n", "a write through a 0-d "
                "window whose store is gone")
        w[...] = 5
        C.equal(cli.json("get", "--json", "lt"),
                [5, 1, -2, 5, 44, 5, 5, 7, 8, 5],
                "an array kept from a with block writes")
        # the name removed under them: still mapped, still usable
        cli.out("rm", "lt_ro", "lt")
        s[2] = 66
        C.equal((s.tolist(), ro.tolist()), ([-2, 44, 66], [8, 7]),
                "slices of a removed array stay valid")
        del s, ro, z, w
        gc.collect()
        C.equal(mapped_lines(path), start, "every mapping gone once the "
                "last slice is dropped")

        # one mapping per array, however often it is opened
        st = ndshm.Store(path)
        st.create("lt_many", (1000,), "float64")
        data_file = cli.info("lt_many")["path"]
        # (read-write opens share one, read-only opens another)
        held = [st["lt_many"]]
        one = mapped_lines(data_file)
        held += [st["lt_many[%d:]" % k] for k in range(50)]
        C.equal(mapped_lines(data_file), one, "50 more read-write opens of "
                "one array map nothing more")
        held.append(st.array("lt_many", readonly=True))
        two = mapped_lines(data_file)
        held += [st.array("lt_many[%d:]" % k, readonly=True)
                 for k in range(50)]
        C.equal(mapped_lines(data_file), two, "50 more read-only opens map "
                "nothing more")
        del held, st
        gc.collect()
        C.equal(mapped_lines(path), start, "no mapping left after the "
                "opens")

        # many cycles leave /proc/self/maps as it was
        peak = 0
        kept = []   # a slice kept into the next cycle now and then
        for k in range(300):
            st = ndshm.Store(path)
            name = "lt_c%d" % (k % 7)
            if name not in st:
                st.create(name, (3, 5), "int32")
                st.view(name + "_v", name + "[::-1, 1:]", readonly=k % 2 == 0)
            x = st[name]
            kept.append(st[name + "_v"][1:, ::2])
            x[0, 0] = k
            t = st[name + "[1, 2]"]
            u = st.array(name + ".T", readonly=True)
            st.info(name + "_v")
            st.version(name)
            st.notify(name)
            raised(st.wait, name, st.version(name), 0)
            raised(st.__getitem__, "nope")
            raised(st.__getitem__, name + "[9]")
            peak = max(peak, mapped_lines(path))
            if k % 3 == 0:
                st.close()
            del st, x, t, u
            if k % 5 == 0:
                kept.clear()
            gc.collect()
        kept.clear()
        gc.collect()
        C.check(peak > start, "the mappings were counted while held",
                (peak, start))
        C.equal(mapped_lines(path), start, "300 open/use/close cycles leave "
                "the store's mappings as they were")
    return C.close()


def test_lifetime(cli, st):
    env = dict(os.environ)
    p = subprocess.run([sys.executable, os.path.abspath(__file__),
                        "--lifetime-child", cli.path], env=env,
                       capture_output=True, text=True, timeout=600)
    for line in p.stdout.splitlines():
        print("  (child) " + line)
    tally = p.stdout.strip().splitlines()[-1:] or ["no output"]
    if p.returncode < 0:
        C.check(False, "the lifetime child died of %s (a use after unmap?)"
                % signal.Signals(-p.returncode).name, p.stderr[-2000:])
        return
    C.check(p.returncode == 0, "lifetime child: %s" % tally[0],
            p.stderr[-2000:])
    C.check(tally[0].startswith("lifetime: ") and " 0 failed" in tally[0],
            "the lifetime child ran its checks", p.stdout[-2000:])


SECTIONS = [
    ("store", test_store), ("create", test_create),
    ("fill_refused", test_fill_refused), ("create_from", test_create_from),
    ("sharing", test_sharing), ("setitem", test_setitem),
    ("views", test_views), ("copy", test_copy),
    ("remove_list", test_remove_list), ("info", test_info),
    ("errors", test_errors), ("wait", test_wait),
    ("load_save", test_load_save), ("lifetime", test_lifetime),
]


def main():
    global ndshm
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--section", action="append",
                    choices=[n for n, _ in SECTIONS],
                    help="run only this section (repeatable)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the scratch store afterwards")
    ap.add_argument("--lifetime-child", metavar="STORE", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if not os.access(testlib.NDSHM, os.X_OK):
        testlib.skip("%s is not built" % testlib.NDSHM)
    ndshm = testlib.import_ndshm()
    if args.lifetime_child:
        return lifetime_child(args.lifetime_child)
    print("python_api: ndshm package %s, library %s"
          % (ndshm.__file__, os.environ.get("NDSHM_LIBRARY", "(found)")))
    with testlib.Store(keep=args.keep) as cli:
        st = ndshm.Store(cli.path)
        for name, fn in SECTIONS:
            if args.section and name not in args.section:
                continue
            before = (C.passed, len(C.failed))
            with C.section(name):
                fn(cli, st)
            print("  %-12s %d passed, %d failed" % (
                name, C.passed - before[0], len(C.failed) - before[1]),
                flush=True)
        st.close()
    return C.close()


if __name__ == "__main__":
    sys.exit(main())
