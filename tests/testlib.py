"""testlib.py -- what the Python tests share: a scratch store and a way to
run the ndshm tool in it, plus helpers to compare what the tool prints with
NumPy arrays.

Store.run and Store.out are the original interface; the rest was added for
the NumPy-oracle tests (numpy_interop.py, random_index.py,
print_compare.py).  NumPy is imported only by the helpers that need it, so
this module imports without NumPy.
"""
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

NDSHM = os.environ.get("NDSHM") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "tools", "ndshm")


# Every dtype ndshm holds, in the order of ndshm.h's enum.
DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
          "uint32", "uint64", "float16", "float32", "float64", "complex64",
          "complex128")

# Where an array's elements start in its data file (docs/FORMAT.md).
DATA_OFFSET = 4096


def skip(reason):
    """Report the test skipped (automake's exit status 77)."""
    print("SKIP: " + reason)
    sys.exit(77)


def shell_line(args, prog="ndshm"):
    """The shell command line that runs ndshm ARGS, quoted for sh."""
    return " ".join([prog] + [shlex.quote(str(a)) for a in args])


class Store:
    """A scratch store directory, removed on exit of a with block.

    Also a scratch directory for other files (self.scratch), and a log of
    every ndshm command run (self.log) so that a failing test can print the
    commands that replay it.  With keep=True nothing is removed, so that a
    failure can be inspected.
    """

    def __init__(self, keep=False):
        base = "/dev/shm" if os.path.isdir("/dev/shm") else None
        self.path = tempfile.mkdtemp(prefix="ndshm-test.", dir=base)
        self.scratch = tempfile.mkdtemp(prefix="ndshm-scratch.", dir=base)
        self.env = dict(os.environ, NDSHM_STORE=self.path)
        self.keep = keep
        self.log = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.keep:
            print("kept store %s and scratch directory %s"
                  % (self.path, self.scratch))
            return
        shutil.rmtree(self.path, ignore_errors=True)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def run(self, *args, check=True):
        """Run ndshm ARGS; return (exit status, stdout, stderr)."""
        self.log.append(args)
        p = subprocess.run([NDSHM, *args], env=self.env,
                           capture_output=True, text=True)
        if check and p.returncode != 0:
            sys.exit("ndshm %s failed (%d): %s" % (
                " ".join(args), p.returncode, p.stderr.strip()))
        return p.returncode, p.stdout, p.stderr

    def out(self, *args):
        """stdout of a command that must succeed."""
        return self.run(*args)[1]

    def json(self, *args):
        """stdout of a command that must succeed, parsed as JSON."""
        return json.loads(self.out(*args))

    def file(self, name):
        """A path in the scratch directory."""
        return os.path.join(self.scratch, name)

    def save(self, name, array):
        """numpy.save(array) to a scratch file; return its path."""
        import numpy as np
        path = self.file(name)
        np.save(path, array)
        return path

    def replay(self, since=0):
        """Shell lines replaying the commands run since log entry since."""
        lines = ["export NDSHM_STORE=$(mktemp -d)"]
        lines += [shell_line(a) for a in self.log[since:]]
        return "\n".join(lines)


def one_line_error(status, out, err, command):
    """None if (status, out, err) is a clean failure of ndshm COMMAND: exit
    status 1, nothing on stdout, one line on stderr starting with
    "ndshm COMMAND: ".  Otherwise a description of what is wrong."""
    prefix = "ndshm %s: " % command
    if status != 1:
        return "exit status %d, expected 1 (stderr %r)" % (status, err)
    if out != "":
        return "stdout not empty: %r" % out[:200]
    if not err.endswith("\n") or err.count("\n") != 1:
        return "stderr is not one line: %r" % err[:400]
    if not err.startswith(prefix):
        return "stderr does not start with %r: %r" % (prefix, err)
    return None


# ---- values ---------------------------------------------------------------

def literal(x):
    """Python-syntax text for a scalar or nested list (or NumPy array) that
    ndshm parses back to exactly the same values: repr() of every float,
    '(re+imj)' for complex numbers."""
    import numpy as np
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in x) + "]"
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, bool):
        return "True" if x else "False"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        return repr(x)
    if isinstance(x, complex):
        re, im = repr(x.real), repr(x.imag)
        return "(%s%s%sj)" % (re, "" if im.startswith("-") else "+", im)
    raise TypeError("no literal for %r" % (x,))


def from_json(value, dtype, shape):
    """The array that `ndshm get --json` printed as value, for a window of
    dtype and shape.  Complex numbers are [re, im] pairs.  Raises
    ValueError when the nesting does not fit the shape."""
    import numpy as np
    dtype = np.dtype(dtype)
    shape = tuple(shape)
    if dtype.kind == "c":
        part = np.float32 if dtype.itemsize == 8 else np.float64
        pairs = np.array(value, dtype=part)
        if pairs.size == 0 and 0 in shape:
            pairs = pairs.reshape(shape + (2,))
        if pairs.shape != shape + (2,):
            raise ValueError("JSON of shape %s for a complex window of "
                             "shape %s" % (pairs.shape, shape))
        out = np.empty(shape, dtype)
        out.real = pairs[..., 0]
        out.imag = pairs[..., 1]
        return out
    out = np.array(value, dtype=dtype)
    if out.size == 0 and 0 in shape:
        out = out.reshape(shape)
    if out.shape != shape:
        raise ValueError("JSON of shape %s for a window of shape %s"
                         % (out.shape, shape))
    return out


def json_types_ok(value, dtype):
    """True when every leaf of a decoded JSON value has the Python type the
    dtype calls for: bool for bool, int for integers, float for floats,
    [float, float] for complex numbers."""
    import numpy as np
    kind = np.dtype(dtype).kind
    if kind == "c":
        if (isinstance(value, list) and len(value) == 2
                and all(type(v) is float for v in value)):
            return True
    elif not isinstance(value, list):
        want = {"b": bool, "i": int, "u": int, "f": float}[kind]
        return type(value) is want
    return isinstance(value, list) and all(json_types_ok(v, dtype)
                                           for v in value)


def same(a, b):
    """Exact equality of two arrays' values: same shape, every element
    equal, NaN equal to NaN, and -0.0 different from 0.0 (in each part of a
    complex number).  Dtypes are not compared."""
    import numpy as np
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        parts = [(a, b)]
        if a.dtype.kind == "c" or b.dtype.kind == "c":
            parts = [(a.real, b.real), (a.imag, b.imag)]
        for x, y in parts:
            if not np.array_equal(x, y, equal_nan=True):
                return False
            if not np.array_equal(np.signbit(x), np.signbit(y)):
                return False
        return True
    return np.array_equal(a, b)


def same_bits(a, b):
    """Bit-for-bit equality of two arrays: dtype, shape and every byte."""
    import numpy as np
    a, b = np.asarray(a), np.asarray(b)
    return (a.dtype == b.dtype and a.shape == b.shape
            and np.ascontiguousarray(a).tobytes()
            == np.ascontiguousarray(b).tobytes())


def npy_bytes(array):
    """The bytes numpy.save writes for array."""
    import io
    import numpy as np
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def case_args(name, doc, default_seed, default_cases, keep_help):
    """The command line of a seeded random test: [SEED] [--cases N]
    [--case K] [--keep].  Skips the test when the tool is not built.
    Returns the parsed arguments and the case numbers to run, having
    printed the seed so that a failure can be replayed."""
    import argparse
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("seed", nargs="?", type=int, default=default_seed)
    ap.add_argument("--cases", type=int, default=default_cases)
    ap.add_argument("--case", type=int, help="run only this case")
    ap.add_argument("--keep", action="store_true", help=keep_help)
    args = ap.parse_args()
    if not os.access(NDSHM, os.X_OK):
        skip("%s is not built" % NDSHM)
    numbers = [args.case] if args.case is not None else range(args.cases)
    print("%s: seed %d, %d cases" % (name, args.seed, len(numbers)))
    return args, numbers
