"""testlib.py -- what the Python tests share: a scratch store and a way to
run the ndshm tool in it, plus helpers to compare what the tool prints with
NumPy arrays.

Store.run and Store.out are the original interface; the rest was added for
the NumPy-oracle tests (numpy_interop.py, random_index.py,
print_compare.py) and the tests of the Python package (python_api.py,
python_processes.py): Store.info/window/package, Checks (a tally of named
checks), raised(), mapped_lines(), example() and Child (a helper process
driven line by line through pipes, with hang guards).  NumPy and the ndshm
package are imported only by the helpers that need them, so this module
imports without either.
"""
import json
import os
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

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

    @classmethod
    def attach(cls, path):
        """A Store over the existing store directory path (another
        process's scratch store, say), which is never removed; its
        scratch directory is."""
        self = cls(keep=False)
        shutil.rmtree(self.path, ignore_errors=True)
        self.path = path
        self.env["NDSHM_STORE"] = path
        self.attached = True
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if getattr(self, "attached", False):
            shutil.rmtree(self.scratch, ignore_errors=True)
            return
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

    def info(self, expr):
        """`ndshm info --json EXPR` as a dict, or None when it fails."""
        status, out, _ = self.run("info", "--json", expr, check=False)
        return json.loads(out) if status == 0 else None

    def window(self, expr):
        """What `ndshm get --json EXPR` prints, as a NumPy array of the
        dtype and shape `ndshm info --json EXPR` gives: the tool's view of
        a window, independent of the Python package."""
        info = self.json("info", "--json", expr)
        return from_json(self.json("get", "--json", expr), info["dtype"],
                         info["shape"])

    def package(self):
        """An ndshm.Store (the Python package) over this store."""
        return import_ndshm().Store(self.path)


def import_ndshm():
    """The ndshm package: found through PYTHONPATH (make check sets it to
    python/), else beside this directory in the source tree."""
    try:
        import ndshm
    except ImportError:
        here = os.path.dirname(os.path.abspath(__file__))
        sys.path.insert(0, os.path.join(here, "..", "python"))
        import ndshm
    return ndshm


def example(name):
    """Path of the example program NAME (examples/writer, examples/reader)
    in the build tree ($top_builddir, else beside tests/), or None when it
    is not built."""
    top = os.environ.get("top_builddir") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..")
    path = os.path.join(top, "examples", name)
    return path if os.access(path, os.X_OK) else None


def mapped_lines(substring):
    """How many lines of /proc/self/maps (this process's mappings) contain
    substring -- a store's directory, say: its catalog and every data file
    mapped from it."""
    with open("/proc/self/maps") as f:
        return sum(substring in line for line in f)


def raised(fn, *args, **kwargs):
    """The exception fn(*args, **kwargs) raises, or None."""
    try:
        fn(*args, **kwargs)
    except Exception as e:  # noqa: any exception is the answer
        return e
    return None


class Checks:
    """A tally of named checks, for tests made of many small ones: each
    failed check is printed (FAIL: ...) and the run goes on; section()
    turns an unexpected exception into a failure of that section; close()
    prints 'NAME: N passed, N failed' and returns the exit status."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = []
        self.current = None

    def check(self, ok, what, detail=None):
        """Count one check; print what (and detail) when ok is false."""
        if ok:
            self.passed += 1
            return True
        where = "[%s] " % self.current if self.current else ""
        msg = "FAIL: " + where + what
        if detail:
            msg += "\n    " + str(detail).replace("\n", "\n    ")
        print(msg, flush=True)
        self.failed.append(where + what)
        return False

    def equal(self, got, want, what):
        """check(got == want), printing both on failure."""
        return self.check(got == want, what,
                          "got:  %r\nwant: %r" % (got, want))

    def section(self, name):
        """A with block that runs one section: an exception escaping it
        is a failure of the section (with its traceback), not the end of
        the test."""
        checks = self

        class _Section:
            def __enter__(self):
                checks.current = name
                return checks

            def __exit__(self, kind, value, tb):
                # Store.run's sys.exit(message) on a failed command fails
                # the section too
                caught = kind is not None and (
                    issubclass(kind, Exception)
                    or (issubclass(kind, SystemExit)
                        and isinstance(value.code, str)))
                if caught:
                    checks.check(False, "unexpected %s: %s"
                                 % (kind.__name__, value),
                                 "".join(traceback.format_exception(
                                     kind, value, tb)).rstrip())
                checks.current = None
                return caught
        return _Section()

    def close(self):
        """Print the tally; the exit status (1 if any check failed)."""
        print("%s: %d passed, %d failed" % (self.name, self.passed,
                                            len(self.failed)))
        return 1 if self.failed else 0


class ChildError(Exception):
    """A helper process did not answer as expected."""


class Child:
    """A helper process spoken to in lines: send() writes a line to its
    stdin, expect() reads one from its stdout, failing (ChildError, with
    the child's stderr) when none comes within the timeout -- a guard
    against a hang, not a timing check.  Use as a with block: leaving it
    kills the process if it is still running."""

    def __init__(self, args, name=None, env=None):
        self.name = name or os.path.basename(str(args[0]))
        self.args = [str(a) for a in args]
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(self.args, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.err,
                                     env=env, bufsize=0)
        self.buf = b""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()

    def stderr(self):
        self.err.seek(0)
        return self.err.read().decode("utf-8", "replace")

    def send(self, line):
        try:
            self.proc.stdin.write((line + "\n").encode())
        except BrokenPipeError:
            raise ChildError("%s: cannot send %r: it exited (%s); stderr: "
                             "%s" % (self.name, line, self.proc.poll(),
                                     self.stderr().strip()))

    def expect(self, timeout=60.0):
        """The next line the child prints (without the newline)."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self.buf:
            left = deadline - time.monotonic()
            ready = select.select([fd], [], [], max(left, 0))[0] \
                if left > 0 else []
            if not ready:
                raise ChildError("%s: no answer within %g s; stderr: %s"
                                 % (self.name, timeout,
                                    self.stderr().strip()))
            chunk = os.read(fd, 4096)
            if not chunk:
                self.proc.wait()
                raise ChildError("%s exited (status %s) without answering;"
                                 " stderr: %s" % (self.name,
                                                  self.proc.returncode,
                                                  self.stderr().strip()))
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode()

    def ask(self, line, timeout=60.0):
        """send(line) and return the answer."""
        self.send(line)
        return self.expect(timeout)

    def finish(self, timeout=60.0):
        """Close stdin, wait for the exit; the exit status."""
        try:
            self.proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise ChildError("%s did not exit within %g s"
                             % (self.name, timeout))

    def kill(self):
        """Kill the process (only this one) if it still runs."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except (OSError, ValueError):
                pass
        self.err.close()


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


def case_args(name, doc, default_seed, default_cases, keep_help,
              flags=()):
    """The command line of a seeded random test: [SEED] [--cases N]
    [--case K] [--keep], and a store_true option for each (option, help)
    of flags.  Skips the test when the tool is not built.
    Returns the parsed arguments and the case numbers to run, having
    printed the seed so that a failure can be replayed."""
    import argparse
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("seed", nargs="?", type=int, default=default_seed)
    ap.add_argument("--cases", type=int, default=default_cases)
    ap.add_argument("--case", type=int, help="run only this case")
    ap.add_argument("--keep", action="store_true", help=keep_help)
    for option, help_text in flags:
        ap.add_argument(option, action="store_true", help=help_text)
    args = ap.parse_args()
    if not os.access(NDSHM, os.X_OK):
        skip("%s is not built" % NDSHM)
    numbers = [args.case] if args.case is not None else range(args.cases)
    print("%s: seed %d, %d cases" % (name, args.seed, len(numbers)))
    return args, numbers
