"""`ndshm get` prints what NumPy's print() prints, for random arrays.

Each case makes a random array -- every dtype; 0 to 4 dimensions; sizes
from empty to long axes that NumPy summarises with '...' (more than 1000
elements) and rows wide enough to wrap at 75 columns; values of many
magnitudes: integers of small, medium and full ranges, floats from 1e-12
to 1e20 and mixed magnitudes (scientific notation), rounded decimals,
whole numbers, nan, inf, -inf and -0.0, complex numbers with special parts
-- writes it with numpy.save, loads it with `ndshm create cK --from
FILE.npy`, and checks that

  * `ndshm get cK` prints exactly str(array) + "\\n" (NumPy 1.24's default
    print options), and
  * `ndshm get --json cK` gives the array's values: JSON types that fit
    the dtype, and after np.array(..., dtype) every element equal (NaN
    equal to NaN, -0.0 distinct from 0.0; complex as [re, im] pairs).

Usage: print_compare.py [SEED] [--cases N] [--case K] [--keep]
The seed (default 20240618) is printed; case K of a seed is the same
whatever other cases run, so `--case K --keep` replays one case and keeps
its .npy file and store.  On a mismatch the seed, the case number, a diff
and the ndshm commands are printed, and the exit status is 1.
"""
import difflib
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
except ImportError:  # pragma: no cover - run by python-test with NumPy
    print("SKIP: NumPy is not installed")
    sys.exit(77)

import testlib
from testlib import DTYPES, from_json, json_types_ok, same

DEFAULT_SEED = 20240618
DEFAULT_CASES = 600
MAX_REPORTED = 8


# ---- shapes -----------------------------------------------------------------

def random_shape(rng):
    """0 to 4 dimensions: mostly small, sometimes empty, long enough to be
    summarised (NumPy summarises above 1000 elements: around that edge
    too), or with rows long enough to wrap."""
    r = rng.random()
    if r < 0.12:
        return rng.choice([(1001,), (1000,), (999,), (1200,), (2000,),
                           (2, 600), (11, 10, 10), (10, 10, 10),
                           (3, 4, 5, 20), (1200, 1), (1, 1001), (4, 251),
                           (7, 150), (2, 2, 300), (1002, 2)])
    if r < 0.22:
        return rng.choice([(rng.randint(8, 60),), (2, rng.randint(10, 40)),
                           (rng.randint(1, 3), 1, rng.randint(10, 30))])
    if r < 0.27:
        return rng.choice([(0,), (3, 0), (0, 2, 2), (2, 0, 1), (1, 1, 0, 1)])
    ndim = rng.choice([0, 1, 1, 1, 2, 2, 2, 3, 3, 4])
    return tuple(rng.randint(1, 6) for _ in range(ndim))


# ---- values -----------------------------------------------------------------

def random_ints(rng, nrng, dtype, size):
    info = np.iinfo(dtype)
    mag = rng.choice([9, 100, 1000, 2 ** 20, 2 ** 40, None])
    lo, hi = int(info.min), int(info.max)
    if mag is not None:
        lo, hi = max(lo, -mag), min(hi, mag)
    if rng.random() < 0.3:
        lo = max(lo, 0)  # all non-negative: no column for a sign
    v = nrng.integers(lo, hi, size, endpoint=True, dtype=dtype)
    if size and rng.random() < 0.2:
        v[nrng.integers(0, size, 2)] = rng.choice([info.min, info.max])
    return v


# Values at the edges of NumPy's choices: 1e8 and 1e-4 switch to
# scientific notation, a ratio of 1e3 too; 16 and 17 significant digits;
# the ends of float16.
EDGES = np.array([1e8, 99999999.0, 99999999.5, 100000000.5, 1e-4, 9.99e-5,
                  1.0001e-4, 1e16, 1e17, 123456789.0, 0.1, 1 / 3, 2 / 3,
                  0.5, 1.5, 999.5, 1000.0, 1e3 + 1e-9, 65504.0, 6e-8,
                  5.96e-8, 1e-7, 2.0 ** -24, 9007199254740993.0,
                  0.30000000000000004, 1e300, 1e-300, 5e-324,
                  1.7976931348623157e308, 0.0])


def random_reals(rng, nrng, size):
    """float64 values of one of several flavours."""
    mode = rng.choice(["normal", "normal", "mixed", "rounded", "whole",
                       "tiny", "huge", "uniform", "edge", "special"])
    e = rng.randint(-12, 20)
    if mode == "normal":
        v = nrng.standard_normal(size) * 10.0 ** e
    elif mode == "mixed":  # magnitudes 1e-12 to 1e20 in one array
        v = 10.0 ** nrng.uniform(-12, 20, size) * nrng.choice([-1, 1], size)
    elif mode == "rounded":
        v = np.round(nrng.standard_normal(size) * 10.0 ** rng.randint(0, 6),
                     rng.randint(0, 4))
    elif mode == "whole":
        v = nrng.integers(-10 ** rng.randint(1, 9), 10 ** rng.randint(1, 9),
                          size).astype(np.float64)
    elif mode == "tiny":
        v = nrng.standard_normal(size) * 10.0 ** rng.randint(-12, -4)
    elif mode == "huge":
        v = nrng.standard_normal(size) * 10.0 ** rng.randint(8, 20)
    elif mode == "edge":  # where NumPy switches notation or rounds
        v = nrng.choice(EDGES, size) * rng.choice([1, 1, -1, 10, 1e-3])
    elif mode == "special":  # nothing but zeros, nan and infinities
        v = nrng.choice([0.0, -0.0, np.nan, np.inf, -np.inf, 1.0], size,
                        p=[0.3, 0.2, 0.2, 0.1, 0.1, 0.1])
    else:
        v = nrng.uniform(0, 10 ** rng.randint(0, 4), size)
    if size and rng.random() < 0.25:
        k = rng.randint(1, 3)
        v[nrng.integers(0, size, k)] = rng.choice(
            [np.nan, np.inf, -np.inf, -0.0, 0.0])
    return v


def random_array(rng, nrng, dtype, shape):
    size = int(np.prod(shape))
    kind = np.dtype(dtype).kind
    with np.errstate(over="ignore", invalid="ignore"):
        if kind == "b":
            v = nrng.random(size) < rng.choice([0.1, 0.5, 0.9])
        elif kind in "iu":
            v = random_ints(rng, nrng, dtype, size)
        elif kind == "f":
            v = random_reals(rng, nrng, size).astype(dtype)
        else:
            v = np.empty(size, dtype)
            v.real = random_reals(rng, nrng, size)
            v.imag = (random_reals(rng, nrng, size) if rng.random() < 0.85
                      else np.zeros(size))
    return np.asarray(v, dtype).reshape(shape)


# ---- one case ---------------------------------------------------------------

def describe(a):
    return "%s %s" % (a.dtype, a.shape)


def check_case(st, seed, k):
    """Run case k; return None or a description of the mismatch."""
    rng = random.Random("%d/%d" % (seed, k))
    nrng = np.random.default_rng([seed, k])
    dtype = rng.choice(DTYPES)
    a = random_array(rng, nrng, dtype, random_shape(rng))
    path = st.file("c%d.npy" % k)
    np.save(path, a)
    name = "c%d" % k
    status, _, err = st.run("create", name, "--from", path, check=False)
    if status != 0:
        return "create --from failed (%d): %s" % (status, err.strip())

    status, got, err = st.run("get", name, check=False)
    want = str(a) + "\n"
    if status != 0:
        return "get failed (%d): %s" % (status, err.strip())
    if got != want:
        diff = difflib.unified_diff(want.splitlines(), got.splitlines(),
                                    "numpy str()", "ndshm get", lineterm="",
                                    n=1)
        lines = list(diff)
        more = len(lines) - 40
        return "get %s (%s) differs from str():\n%s%s" % (
            name, describe(a), "\n".join(lines[:40]),
            "\n... %d more diff lines" % more if more > 0 else "")

    status, out, err = st.run("get", "--json", name, check=False)
    if status != 0:
        return "get --json failed (%d): %s" % (status, err.strip())
    value = json.loads(out)
    if not json_types_ok(value, dtype):
        return "get --json %s (%s): JSON types do not fit: %.300s" % (
            name, describe(a), out)
    if a.size == 0:
        if value != a.tolist():
            return "get --json %s (%s): %r, NumPy %r" % (
                name, describe(a), value, a.tolist())
        return None
    try:
        b = from_json(value, dtype, a.shape)
    except ValueError as e:
        return "get --json %s (%s): %s" % (name, describe(a), e)
    if not same(a, b):
        idx = next(i for i in np.ndindex(a.shape) if not same(a[i], b[i]))
        return "get --json %s (%s): element %s is %r, NumPy %r" % (
            name, describe(a), idx, b[idx], a[idx])
    return None


def main():
    args, numbers = testlib.case_args(
        "print_compare", __doc__, DEFAULT_SEED, DEFAULT_CASES,
        "keep the store and the .npy files")
    np.set_printoptions()  # NumPy's defaults, which ndshm follows
    failed = []
    with testlib.Store(keep=args.keep) as st:
        for k in numbers:
            since = len(st.log)
            problem = check_case(st, args.seed, k)
            if problem is None:
                continue
            failed.append(k)
            if len(failed) <= MAX_REPORTED:
                print("MISMATCH seed %d case %d: %s" % (args.seed, k,
                                                         problem))
                print("  commands:\n    " + st.replay(since)
                      .replace("\n", "\n    "))
                print("  rerun: %s %d --case %d --keep" % (
                    os.path.basename(sys.argv[0]), args.seed, k))
    print("%d cases, %d mismatches%s" % (
        len(numbers), len(failed),
        " (cases %s)" % failed[:50] if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
