"""NumPy reads and writes ndshm's data files directly, and ndshm reads and
writes .npy files as NumPy does.

What is tested, with NumPy as the oracle:

1. arrays: for every dtype, `ndshm info NAME --json` gives the data file's
   path, offset 4096, shape, strides and the NumPy descr;
   numpy.load(path, mmap_mode='r+') shows the array, equal to
   `ndshm get --json`; a write through that memmap (then flush) shows in
   `ndshm get` at once, and `ndshm set` shows in the memmap without
   reloading it.
2. views (negative strides, None, .T, integer indices, empty, a view of a
   view): np.ndarray(shape, dtype, buffer=np.memmap(path, mode='r+'),
   offset, strides) built from `info --json` of the view equals
   `ndshm get --json` of the view and NumPy's own view of the same
   expression; writes through it, and `ndshm set` of the view, reach the
   base array.  Read-only views refuse `set`.
3. 0-d and empty arrays, through all of the above.
4. `ndshm export` writes exactly numpy.save's bytes for the same values,
   for arrays and views of every dtype and for many shapes.
5. `ndshm create --from` of numpy.save files round-trips bit for bit for
   every dtype (NaN payloads, -0.0, inf, subnormals, float16), from format
   versions 1.0, 2.0 and 3.0, Fortran-order and big-endian inputs
   (converted to C order, little-endian).
6. object, structured, string, date and long double .npy files, and files
   that are not .npy or are truncated, are refused: exit status 1, one line
   "ndshm create: ..." on stderr, and no name created.
7. `ndshm create NAME VALUES` infers the dtype np.array(VALUES) has; with
   --dtype T it gives the values np.array(VALUES, dtype=T) has, and
   `ndshm set` of an array of dtype T what a[...] = VALUES gives (values
   NumPy warns about or refuses must be refused).

Run as `python3 tests/numpy_interop.py [--keep]` with NDSHM set to the
built tool (make check does this).  Nothing is random: a failure replays
exactly.  Every failed check is printed with the ndshm commands of its
section (--keep keeps the store and the .npy files they name); the exit
status is 1 if any failed.
"""
import json
import os
import re
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
except ImportError:  # pragma: no cover - run by python-test with NumPy
    print("SKIP: NumPy is not installed")
    sys.exit(77)

import testlib
from testlib import (DATA_OFFSET, DTYPES, from_json, json_types_ok,
                     literal, npy_bytes, one_line_error, same, same_bits)

FAILURES = []


def check(ok, what, st=None, since=0):
    """Record a failed check (with the commands that led to it)."""
    if ok:
        return True
    msg = "FAIL: " + what
    if st is not None:
        msg += "\n  replay:\n    " + st.replay(since).replace("\n", "\n    ")
    print(msg)
    FAILURES.append(what)
    return False


# ---- values -----------------------------------------------------------------

def distinct_values(dtype, shape, salt=0):
    """Distinct values of dtype (as far as the dtype allows), including the
    ends of integer types and, for floats, -0.0 and infinities, in a
    fixed order so that a failure replays."""
    dtype = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64))
    rng = np.random.default_rng(1000 + salt + 17 * DTYPES.index(dtype.name))
    k = np.arange(n, dtype=np.int64)
    if dtype.kind == "b":
        v = (k * 7 + salt) % 3 == 1
    elif dtype.kind in "iu":
        info = np.iinfo(dtype)
        span = int(info.max) - int(info.min) + 1
        base = rng.integers(0, max(span - n, 1), dtype=np.uint64)
        v = np.array([int(info.min) + (int(base) + 37 * i) % span
                      for i in range(n)], dtype=object)
        if n >= 2:
            v[0], v[-1] = info.min, info.max
        v = v.astype(dtype)
    elif dtype.kind == "f":
        with np.errstate(over="ignore"):  # float16 ends in inf
            v = (k * 1.25 - 3.5 + salt).astype(dtype)
        if n >= 4:
            v[1], v[2], v[3] = -0.0, np.inf, -np.inf
    else:
        part = np.float32 if dtype.itemsize == 8 else np.float64
        v = np.empty(n, dtype)
        v.real = (k * 0.5 - 2 + salt).astype(part)
        v.imag = (7 - k * 0.75).astype(part)
        if n >= 3:
            v[1] = complex(-0.0, np.inf)
            v[2] = complex(np.nan, -0.0)
    return np.asarray(v, dtype).reshape(shape)


def get_json(st, expr, dtype, shape, since=0):
    """`ndshm get --json EXPR` as an array, checking the JSON's types."""
    value = st.json("get", "--json", expr)
    check(json_types_ok(value, dtype),
          "get --json %s: JSON types do not match %s: %.200r"
          % (expr, dtype, value), st, since)
    try:
        return from_json(value, dtype, shape)
    except ValueError as e:
        check(False, "get --json %s: %s" % (expr, e), st, since)
        return None


def window(info):
    """An ndarray over the data file of an `info --json` object, built only
    from what info gives."""
    buf = np.memmap(info["path"], mode="r+")
    return np.ndarray(tuple(info["shape"]), np.dtype(info["dtype"]),
                      buffer=buf, offset=info["offset"],
                      strides=tuple(info["strides"])), buf


def c_strides(shape, itemsize):
    """C-contiguous strides as NumPy gives them to an array over a buffer
    (a zero-length dimension counts as 1)."""
    out, s = [], itemsize
    for n in reversed(shape):
        out.insert(0, s)
        s *= max(n, 1)
    return out


def data_offset(view, base):
    """Byte offset of view's first element in base's data file."""
    return (DATA_OFFSET + view.__array_interface__["data"][0]
            - base.__array_interface__["data"][0])


def as_view(expr):
    """expr with ', ...' added to every index that has no '...', so that
    NumPy returns a 0-d view where it would return a scalar copy."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(expr):
        if c == "[":
            depth += 1
            if depth == 1:
                start = i
        elif c == "]":
            depth -= 1
            if depth == 0 and "..." not in expr[start:i]:
                out.append((i, ", ..."))
    for i, text in reversed(out):
        expr = expr[:i] + text + expr[i:]
    return expr


# ---- 1. arrays --------------------------------------------------------------

SHAPES = [(5,), (3, 4), (2, 3, 4), (2, 2, 2, 3), (7, 1)]


def test_arrays(st):
    for i, dt in enumerate(DTYPES):
        since = len(st.log)
        name = "arr_" + dt
        shape = SHAPES[i % len(SHAPES)]
        values = distinct_values(dt, shape)
        st.run("create", name, "--from", st.save(name + ".npy", values))
        info = st.json("info", name, "--json")
        what = "info %s --json" % name
        check(info["name"] == name and info["kind"] == "array"
              and info["base"] is None and info["readonly"] is False,
              "%s: name/kind/base/readonly %r" % (what, info), st, since)
        check(info["dtype"] == np.dtype(dt).str,
              "%s: dtype %r, NumPy's descr is %r"
              % (what, info["dtype"], np.dtype(dt).str), st, since)
        check(info["shape"] == list(shape) and
              info["strides"] == list(values.strides),
              "%s: shape %r strides %r, expected %r %r"
              % (what, info["shape"], info["strides"], list(shape),
                 list(values.strides)), st, since)
        check(info["offset"] == DATA_OFFSET,
              "%s: offset %r" % (what, info["offset"]), st, since)
        path = info["path"]
        check(os.path.isabs(path) and os.path.isfile(path) and
              os.path.realpath(path).startswith(os.path.realpath(st.path)),
              "%s: path %r is not a file in the store" % (what, path),
              st, since)

        m = np.load(path, mmap_mode="r+")
        check(isinstance(m, np.memmap) and m.offset == DATA_OFFSET and
              m.dtype == np.dtype(dt) and m.shape == shape,
              "np.load(%s) gives %s %s offset %s" % (
                  name, m.dtype, m.shape, getattr(m, "offset", None)),
              st, since)
        check(same_bits(m, values), "np.load(%s) differs from the values "
              "created" % name, st, since)
        got = get_json(st, name, dt, shape, since)
        check(got is not None and same(got, m),
              "get --json %s differs from np.load" % name, st, since)

        # a write through the memmap shows in ndshm get at once
        new = distinct_values(dt, shape, salt=5)[::-1].copy()
        m[...] = new
        m.flush()
        got = get_json(st, name, dt, shape, since)
        check(got is not None and same(got, new),
              "after a write through np.load's memmap, get --json %s "
              "shows %r, expected %r" % (name, got, new), st, since)

        # ndshm set shows in the same memmap, without reloading
        model = new.copy()
        idx = (0,) * (len(shape) - 1) + (-1,)
        x = distinct_values(dt, (4,), salt=9)[2]
        expr = "%s[%s]" % (name, ", ".join(map(str, idx)))
        st.run("set", expr, literal(x))
        model[idx] = x
        check(same(m, model), "set %s %s: the memmap shows %r"
              % (expr, literal(x), m[idx]), st, since)
        row = distinct_values(dt, shape[1:], salt=11)
        if dt == "uint64":
            # not 0 and 2**64-1 in one literal: see TYPED_LITERALS
            row = row // 2 + np.uint64(2 ** 63)
        st.run("set", name + "[-1]", literal(row))
        model[-1] = row
        check(same(m, model), "set %s[-1] %s: the memmap shows %r"
              % (name, literal(row), m[-1]), st, since)
        del m
    print("arrays: %d dtypes" % len(DTYPES))


# ---- 2. views ---------------------------------------------------------------

# (view name, expression); 'B' is the base array, earlier views may be used.
VIEWS = [
    ("v1", "B[1:, ::-2]"),
    ("v2", "B[::-1, None, 2]"),
    ("v3", "B.T"),
    ("v4", "B[..., ::-3].T[1:]"),
    ("v5", "B[-1, 1:4, None, ::-1]"),
    ("v6", "B[2, 3, 4]"),
    ("v7", "B[:, 5:1]"),
    ("v8", "v1[::-1, 0]"),          # a view of a view
    ("v9", "v8.T[None, 1:, ...]"),  # a view of a view of a view
    ("v10", "v3[-2::-3, ..., 1]"),
]


def test_views(st):
    count = 0
    for i, dt in enumerate(DTYPES):
        since = len(st.log)
        shape = (4, 5, 6)
        base = "B%d" % i
        model = distinct_values(dt, shape)
        st.run("create", base, "--from", st.save(base + ".npy", model))
        stored = {"B": base}   # short name -> name in the store
        refs = {"B": model}    # short name -> NumPy's object
        for vname, expr in VIEWS:
            name = "%s_%s" % (base, vname)
            first = re.match(r"[A-Za-z_]\w*", expr).group(0)
            nd_expr = stored[first] + expr[len(first):]
            st.run("view", name, nd_expr)
            stored[vname] = name
            ref = eval(as_view(expr), {first: refs[first]})
            refs[vname] = ref
            count += 1
            info = st.json("info", "--json", name)
            what = "view %s %r (%s)" % (name, nd_expr, dt)
            check(info["kind"] == "view" and info["base"] == base and
                  info["dtype"] == np.dtype(dt).str and
                  info["readonly"] is False,
                  "%s: info %r" % (what, info), st, since)
            check(info["shape"] == list(ref.shape) and
                  info["strides"] == list(ref.strides) and
                  info["offset"] == data_offset(ref, model),
                  "%s: shape/strides/offset %r %r %r, NumPy %r %r %r" % (
                      what, info["shape"], info["strides"], info["offset"],
                      list(ref.shape), list(ref.strides),
                      data_offset(ref, model)), st, since)
            nd, buf = window(info)
            check(same(nd, ref), "%s: the ndarray built from info differs "
                  "from NumPy's view" % what, st, since)
            got = get_json(st, name, dt, ref.shape, since)
            check(got is not None and same(got, ref),
                  "%s: get --json differs from NumPy" % what, st, since)

            # write through the ndarray: it reaches the base
            new = distinct_values(dt, ref.shape, salt=3 + count)
            nd[...] = new
            buf.flush()
            ref[...] = new
            got = get_json(st, base, dt, shape, since)
            check(got is not None and same(got, model),
                  "%s: a write through the ndarray built from info does "
                  "not reach %s as NumPy's does" % (what, base), st, since)

            # ndshm set of the view shows in the ndarray and the base
            x = distinct_values(dt, (5,), salt=40 + count)[4]
            st.run("set", name, literal(x))
            ref[...] = x
            check(same(nd, ref) and same(buf[DATA_OFFSET:DATA_OFFSET +
                                              model.nbytes],
                                         model.view(np.uint8).reshape(-1)),
                  "%s: set %s %s does not show in the mapping as NumPy "
                  "has it" % (what, name, literal(x)), st, since)
            del nd, buf

    # a read-only view refuses writes, and writes nothing
    since = len(st.log)
    st.run("view", "ro", "B0[1:]", "--readonly")
    info = st.json("info", "--json", "ro")
    check(info["readonly"] is True, "view --readonly: info says %r"
          % info["readonly"], st, since)
    before = st.out("get", "--json", "B0")
    r = st.run("set", "ro", "True", check=False)
    check(one_line_error(*r, "set") is None,
          "set of a read-only view: %s" % one_line_error(*r, "set"),
          st, since)
    check(st.out("get", "--json", "B0") == before,
          "set of a read-only view changed the base", st, since)
    print("views: %d views over %d dtypes" % (count, len(DTYPES)))


# ---- 3. 0-d and empty arrays ------------------------------------------------

def test_zero_d(st):
    for i, dt in enumerate(DTYPES):
        since = len(st.log)
        name = "z_" + dt
        x, y, z = distinct_values(dt, (6,), salt=2)[3:6]
        model = np.array(x, dtype=dt)
        st.run("create", name, "--from", st.save(name + ".npy", model))
        info = st.json("info", "--json", name)
        check(info["shape"] == [] and info["strides"] == [] and
              info["offset"] == DATA_OFFSET and
              info["dtype"] == np.dtype(dt).str,
              "info --json %s: %r" % (name, info), st, since)
        m = np.load(info["path"], mmap_mode="r+")
        check(m.shape == () and same_bits(m, model),
              "np.load of 0-d %s: %r" % (name, m), st, since)
        value = st.json("get", "--json", name)
        check(json_types_ok(value, dt) and same(from_json(value, dt, ()),
                                                model),
              "get --json %s: %r, expected %r" % (name, value, model),
              st, since)
        m[()] = y
        m.flush()
        check(same(get_json(st, name, dt, (), since), y),
              "write through the 0-d memmap %s does not show" % name,
              st, since)
        st.run("set", name, literal(z))
        check(same(m, z), "set %s %s: memmap shows %r" % (name, literal(z),
                                                          m), st, since)
        model[()] = z
        for k, expr in enumerate(["%s[None]", "%s[...]", "%s.T",
                                  "%s[None, ..., None]"]):
            expr = expr % name
            vname = "%s_v%d" % (name, k)
            st.run("view", vname, expr)
            ref = eval(as_view(expr), {name: model})
            info = st.json("info", "--json", vname)
            check(info["shape"] == list(ref.shape) and
                  info["strides"] == list(ref.strides) and
                  info["offset"] == DATA_OFFSET,
                  "view %s: info %r, NumPy %r %r" % (expr, info, ref.shape,
                                                     ref.strides), st, since)
            nd, _ = window(info)
            check(same(nd, ref) and same(get_json(st, vname, dt, ref.shape,
                                                  since), ref),
                  "view %s differs from NumPy" % expr, st, since)
            del nd
        del m
    print("0-d arrays: %d dtypes" % len(DTYPES))


EMPTY = [(0,), (0, 3), (3, 0, 2), (2, 0), (1, 0, 1)]


def test_empty(st):
    count = 0
    for i, shape in enumerate(EMPTY):
        for dt in DTYPES[i::len(EMPTY)]:
            since = len(st.log)
            name = "e%d_%s" % (i, dt)
            model = np.zeros(shape, dt)
            st.run("create", name, "--from", st.save(name + ".npy", model))
            info = st.json("info", "--json", name)
            check(info["shape"] == list(shape) and
                  info["strides"] == c_strides(shape, model.itemsize) and
                  info["offset"] == DATA_OFFSET,
                  "info --json %s: %r, C-contiguous strides are %r"
                  % (name, info, c_strides(shape, model.itemsize)),
                  st, since)
            m = np.load(info["path"], mmap_mode="r+")
            check(m.shape == shape and m.dtype == np.dtype(dt),
                  "np.load(%s, mmap_mode='r+') gives %s %s"
                  % (name, m.shape, m.dtype), st, since)
            del m
            value = st.json("get", "--json", name)
            check(value == model.tolist(), "get --json %s: %r, NumPy %r"
                  % (name, value, model.tolist()), st, since)
            text = st.out("get", name)
            check(text == str(model) + "\n", "get %s: %r, NumPy %r"
                  % (name, text, str(model)), st, since)
            r = st.run("set", name, "1", check=False)
            check(r[0] == 0, "set of an empty array: %r" % (r,), st, since)
            out = st.file(name + ".out.npy")
            st.run("export", name, out)
            with open(out, "rb") as f:
                check(f.read() == npy_bytes(model),
                      "export %s differs from numpy.save" % name, st, since)
            base = np.ndarray(shape, dt, buffer=bytearray(1),
                              strides=tuple(info["strides"]))
            for k, expr in enumerate(["%s[::-1]", "%s[..., 1:]",
                                      "%s[1:, None]", "%s.T[::2]",
                                      "%s[-1, ...]"]):
                expr = expr % name
                try:
                    ref = eval(expr, {name: base})
                except IndexError:
                    continue
                vname = "%s_v%d" % (name, k)
                st.run("view", vname, expr)
                r = st.run("info", "--json", vname, check=False)
                if not check(r[0] == 0, "view %s %r was created, but info "
                             "fails: %s" % (vname, expr, r[2].strip()),
                             st, since):
                    continue
                info = json.loads(r[1])
                check(info["shape"] == list(ref.shape) and
                      info["strides"] == list(ref.strides) and
                      info["offset"] == data_offset(ref, base),
                      "view %s: info %r, NumPy %r %r offset %d"
                      % (expr, info, ref.shape, ref.strides,
                         data_offset(ref, base)), st, since)
                check(st.json("get", "--json", vname) == ref.tolist(),
                      "get --json %s differs from NumPy" % vname, st, since)
                count += 1
            count += 1
    print("empty arrays: %d arrays and views" % count)


# ---- 4. export --------------------------------------------------------------

EXPORT_SHAPES = [(), (0,), (1,), (7,), (3, 4), (2, 3, 4), (2, 0, 3),
                 (123457,), (1,) * 31 + (2,), (10, 1, 10)]
EXPORT_EXPRS = ["{}.T", "{}[::-1, 1::2]", "{}[None, 1]", "{}[..., ::-2]",
                "{}[-1, -1]", "{}[1, 2, ...]"]


def test_export(st):
    count = 0
    for i, dt in enumerate(DTYPES):
        since = len(st.log)
        shapes = EXPORT_SHAPES if i % 3 == 0 else EXPORT_SHAPES[:7]
        for j, shape in enumerate(shapes):
            name = "x%d_%d" % (i, j)
            model = distinct_values(dt, shape, salt=j)
            st.run("create", name, "--from", st.save(name + ".npy", model))
            exprs = [name] + ([e.format(name) for e in EXPORT_EXPRS]
                              if len(shape) == 2 else [])
            for expr in exprs:
                out = st.file("out.npy")
                with open(out, "wb") as f:  # export must replace this
                    f.write(b"junk" * 100000)
                st.run("export", expr, out)
                ref = eval(expr, {name: model})
                with open(out, "rb") as f:
                    got = f.read()
                want = npy_bytes(np.array(ref, order="C"))
                check(got == want, "export %s (%s %s): %d bytes differ from "
                      "numpy.save's %d (first difference at byte %s)" % (
                          expr, dt, shape, len(got), len(want),
                          next((k for k, (a, b) in enumerate(zip(got, want))
                                if a != b), min(len(got), len(want)))),
                      st, since)
                count += 1
    print("export: %d arrays and views" % count)


# ---- 5. create --from round trips -------------------------------------------

def special_values(dtype):
    """Bit patterns that must survive: NaN payloads (quiet, signalling,
    negative), -0.0, infinities, subnormals, the ends of each type."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return np.array([False, True, True, False, True], dtype)
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.array([0, 1, info.max, info.min, info.max - 1,
                         info.min + 1, 42], dtype)
    if dtype.kind == "f":
        bits = {
            2: [0x0000, 0x8000, 0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFE01,
                0x0001, 0x8001, 0x03FF, 0x7BFF, 0xFBFF, 0x3C00, 0x7D55],
            4: [0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000,
                0x7F800001, 0xFFC12345, 0x00000001, 0x807FFFFF, 0x7F7FFFFF,
                0x3F800000, 0x3DCCCCCD, 0x7FA00000],
            8: [0x0000000000000000, 0x8000000000000000, 0x7FF0000000000000,
                0xFFF0000000000000, 0x7FF8000000000000, 0x7FF0000000000001,
                0xFFF8000000000123, 0x0000000000000001, 0x800FFFFFFFFFFFFF,
                0x7FEFFFFFFFFFFFFF, 0x3FF0000000000000, 0x3FB999999999999A,
                0x7FF4000000000000],
        }[dtype.itemsize]
        uint = np.dtype("<u%d" % dtype.itemsize)
        return np.array(bits, uint).view(dtype)
    part = special_values(np.float32 if dtype.itemsize == 8 else np.float64)
    # every real part with every imaginary part
    pairs = np.stack(np.meshgrid(part, part[::-1]), axis=-1).reshape(-1, 2)
    return pairs.copy().view(dtype).reshape(-1)


def write_npy(path, array, version=None):
    """numpy.save, or numpy.lib.format.write_array at a given version."""
    with open(path, "wb") as f:
        np.lib.format.write_array(f, array, version=version,
                                  allow_pickle=False)
    return path


def big_endian(a):
    """The same values, stored big-endian (bit for bit)."""
    return a.byteswap().view(a.dtype.newbyteorder(">"))


def test_roundtrip(st):
    count = 0
    for i, dt in enumerate(DTYPES):
        since = len(st.log)
        vals = special_values(dt)
        n = vals.size
        shapes = [(n,), (1, n), (n, 1, 1)]
        for f in range(2, n):
            if n % f == 0:
                shapes.append((f, n // f))
                break
        if n % 2 == 0 and n >= 8:
            shapes.append((2, n // 2 // 2, 2) if n % 4 == 0 else (2, n // 2))
        for j, shape in enumerate(shapes):
            x = vals.reshape(shape)
            want = npy_bytes(x)
            inputs = [("v1.0", x, None), ("v2.0", x, (2, 0)),
                      ("v3.0", x, (3, 0)),
                      ("fortran", np.asfortranarray(x), None),
                      ("big-endian", big_endian(x), None),
                      ("big-endian fortran",
                       np.asfortranarray(big_endian(x)), None)]
            for k, (kind, arr, version) in enumerate(inputs):
                name = "r%d_%d_%d" % (i, j, k)
                src = write_npy(st.file(name + ".npy"), arr, version)
                if kind.endswith("fortran") and len(shape) > 1 and \
                        sorted(shape)[-2] > 1:
                    check(npy_fortran(src),
                          "test bug: %s input is not Fortran-order" % kind)
                r = st.run("create", name, "--from", src, check=False)
                if not check(r[0] == 0, "create --from %s input (%s %s): %r"
                             % (kind, dt, shape, r), st, since):
                    continue
                info = st.json("info", "--json", name)
                check(info["dtype"] == np.dtype(dt).str and
                      info["shape"] == list(shape) and
                      info["strides"] == list(x.strides),
                      "create --from %s input (%s %s): info %r"
                      % (kind, dt, shape, info), st, since)
                with open(info["path"], "rb") as f:
                    f.seek(DATA_OFFSET)
                    data = f.read(x.nbytes)
                check(data == x.tobytes(), "create --from %s input (%s %s): "
                      "the data file's elements differ bit for bit from %r"
                      % (kind, dt, shape, x), st, since)
                out = st.file(name + ".out.npy")
                st.run("export", name, out)
                with open(out, "rb") as f:
                    check(f.read() == want, "create --from %s input, then "
                          "export (%s %s): not numpy.save's bytes"
                          % (kind, dt, shape), st, since)
                count += 1
    print("create --from round trips: %d files" % count)


def npy_fortran(path):
    """The fortran_order flag of a .npy file's header."""
    with open(path, "rb") as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            return np.lib.format.read_array_header_1_0(f)[1]
        return np.lib.format.read_array_header_2_0(f)[1]


def test_refused(st):
    """Files ndshm must refuse, each with exit 1 and one line."""
    cases = [
        ("object", lambda p: np.save(p, np.array([1, "a", None], object),
                                     allow_pickle=True)),
        ("object 2-d", lambda p: np.save(p, np.empty((2, 2), object),
                                         allow_pickle=True)),
        ("structured", lambda p: np.save(
            p, np.zeros(3, [("a", "<i4"), ("b", "<f8")]))),
        ("structured nested", lambda p: np.save(
            p, np.zeros(2, [("a", "<i4", (2,)), ("b", [("c", "u1")])]))),
        ("structured one field", lambda p: np.save(
            p, np.zeros(4, [("x", "<f8")]))),
        ("unicode", lambda p: np.save(p, np.array(["ab", "c"]))),
        ("bytes", lambda p: np.save(p, np.array([b"ab", b"c"]))),
        ("datetime64", lambda p: np.save(
            p, np.array(["2024-01-01"], "datetime64[D]"))),
        ("timedelta64", lambda p: np.save(p, np.array([1], "m8[s]"))),
        ("void", lambda p: np.save(p, np.zeros(2, "V4"))),
        ("long double", lambda p: np.save(p, np.zeros(3, np.longdouble))),
        ("complex long double", lambda p: np.save(
            p, np.zeros(3, np.clongdouble))),
        ("not a .npy file", lambda p: open(p, "w").write("hello\n")),
        ("truncated", lambda p: open(p, "wb").write(
            npy_bytes(np.arange(100.0))[:-8])),
        ("empty file", lambda p: open(p, "wb").close()),
    ]
    for k, (what, make) in enumerate(cases):
        since = len(st.log)
        path = st.file("refused%d.npy" % k)
        make(path)
        name = "refused%d" % k
        r = st.run("create", name, "--from", path, check=False)
        problem = one_line_error(*r, "create")
        check(problem is None, "create --from a %s file: %s" % (what,
                                                               problem),
              st, since)
        r = st.run("info", name, check=False)
        check(r[0] == 1, "create --from a %s file failed but left %r"
              % (what, name), st, since)
    names = [o["name"] for o in st.json("list", "--json")]
    check(not any(n.startswith("refused") for n in names),
          "refused files left names: %r" % names)
    print("refused: %d files" % len(cases))


# ---- 7. literals: as np.array() makes them ---------------------------------

LITERALS = [
    "[1, 2]", "[1.5, 2]", "[True, False]", "[1, True]", "[True, 2.5]",
    "[1+2j, 3]", "2j", "3", "-0.0", "nan", "[inf, -inf]", "(1, 2)",
    "[[1, 2], [3, 4]]", "[]", "[[], []]", "[9223372036854775807]",
    "[-9223372036854775808, 1]", "[18446744073709551615]",
    "[9223372036854775808, 9223372036854775809]",
    "[True, 18446744073709551615]", "[9223372036854775808, -1]",
    "[0, 18446744073709551615]", "[1e308, 1]", "[[0.5], [2]]",
]

# `create NAME VALUES --dtype T` must give np.array(VALUES, dtype=T), and
# `set NAME VALUES` on an array of dtype T what a[...] = VALUES gives:
# NumPy converts each value on its own, exactly when it fits.
TYPED_LITERALS = [
    ("[3, 12912720851596686130]", "uint64"),
    ("[0, 18446744073709551615]", "uint64"),
    ("[9007199254740993, 1.5]", "int64"),
    ("[-9223372036854775808, 9223372036854775807, 0.5]", "int64"),
    ("[1, 2.5, -3.75]", "int16"), ("[True, 2, 0]", "bool"),
    ("[0.1, 1e-8, 65504]", "float16"), ("[1, 2]", "complex64"),
    ("[[1, 2], [3, 4]]", "uint8"), ("[1e20, -0.0]", "float32"),
    ("[9223372036854775808]", "int64"), ("[256]", "uint8"),
    ("[-1]", "uint32"),
]


def test_literals(st):
    """`ndshm create NAME VALUES` makes the array np.array(VALUES) makes:
    same dtype, shape and values (ndshm create --help: "dtype inferred as
    NumPy infers it")."""
    for k, text in enumerate(LITERALS):
        since = len(st.log)
        name = "lit%d" % k
        with np.errstate(all="ignore"):
            ref = np.array(eval(text, {"nan": np.nan, "inf": np.inf}))
        st.run("create", name, text)
        info = st.json("info", "--json", name)
        check(info["dtype"] == ref.dtype.str and
              info["shape"] == list(ref.shape),
              "create %s %r: %s %s, np.array() gives %s %s"
              % (name, text, info["dtype"], info["shape"], ref.dtype.str,
                 list(ref.shape)), st, since)
        if info["dtype"] == ref.dtype.str:
            got = get_json(st, name, ref.dtype, ref.shape, since)
            check(got is not None and same(got, ref),
                  "create %s %r: values %r, np.array() gives %r"
                  % (name, text, got, ref), st, since)
    for k, (text, dt) in enumerate(TYPED_LITERALS):
        since = len(st.log)
        value = eval(text)
        shape = np.array(value).shape
        # NumPy converts each value to dt on its own; where it warns (an
        # integer out of range, a float overflow) ndshm refuses
        for command in ("create", "set"):
            name = "t%s%d" % (command, k)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                try:
                    if command == "create":
                        ref = np.array(value, dtype=dt)
                    else:
                        ref = np.zeros(shape, dt)
                        ref[...] = value
                except (OverflowError, ValueError, Warning):
                    ref = None
            if command == "create":
                args = ("create", name, text, "--dtype", dt)
            else:
                st.run("create", name, "--dtype", dt, "--shape",
                       ",".join(map(str, shape)))
                args = ("set", name, text)
            r = st.run(*args, check=False)
            what = "ndshm " + " ".join(args)
            if ref is None:
                problem = one_line_error(*r, command)
                check(problem is None, "%s: NumPy refuses it, ndshm: %s"
                      % (what, problem), st, since)
                continue
            if not check(r[0] == 0, "%s failed: %s" % (what, r[2].strip()),
                         st, since):
                continue
            got = get_json(st, name, dt, ref.shape, since)
            check(got is not None and same(got, ref),
                  "%s: values %r, NumPy gives %r" % (what, got, ref),
                  st, since)
    print("literals: %d, with --dtype: %d"
          % (len(LITERALS), len(TYPED_LITERALS)))


def main():
    keep = "--keep" in sys.argv[1:]
    if not os.access(testlib.NDSHM, os.X_OK):
        testlib.skip("%s is not built" % testlib.NDSHM)
    with testlib.Store(keep=keep) as st:
        test_arrays(st)
        test_views(st)
        test_zero_d(st)
        test_empty(st)
        test_export(st)
        test_roundtrip(st)
        test_refused(st)
        test_literals(st)
    if FAILURES:
        print("%d checks failed" % len(FAILURES))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
