"""bad_input.py -- a table of bad inputs to the ndshm tool.

Every row gives a command line, the exit status it must end with, and a
fragment of the one line it must print on stderr.  For every row the
harness also checks that

  - the tool was not killed by a signal (no SIGBUS, no SIGSEGV);
  - stderr is exactly one line (or as many as the row says), starting
    "ndshm COMMAND: " ("ndshm: " for a command line without a command),
    and for exit status 1 of the form "ndshm COMMAND: what failed: why";
  - stdout is empty (or holds what the row says);
  - the store is unchanged: the sorted listing (`ndshm list --json`,
    versions included), a sha256 of every array's and view's elements
    (read with NumPy through the path, offset, shape and strides the
    listing gives), the bytes of every file under the store directory
    (the LMDB lock file only by name: its reader table changes on every
    open) and the names in the scratch directory (no temporary left by a
    failed export) are the same before and after.

The rows, in groups: names, dtypes, shapes, index expressions, values,
.npy files, command lines (exit status 2), a timeout (3), and then stores
that are missing, not stores, damaged or read-only, each built afresh for
its row: a zero-length, corrupted or newer-format catalog, a damaged
record, and data files truncated, grown, deleted or with a bad control
block by another process (found when the array is opened, never a
signal).  For those the "unchanged" check is on the bytes of the damaged
store's files.

Rows that fail today because the fix belongs in code outside this test's
reach are listed in KNOWN_FAILURES with what they need; they are reported
and do not fail the run, but one that passes does (take it off the list).

Run as `python3 tests/bad_input.py [--keep] [-v]` with NDSHM set to the
built tool (make check does this); -v prints every row.  Nothing is
random.  Each failed row is printed with a shell line that replays it.
"""
import hashlib
import json
import os
import re
import shlex
import shutil
import stat
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
except ImportError:  # pragma: no cover - run by python-test with NumPy
    print("SKIP: NumPy is not installed")
    sys.exit(77)

import testlib
from testlib import NDSHM

COMMANDS = ("create", "view", "copy", "set", "get", "info", "list", "rm",
            "export", "wait", "fsck")

# Rows (by label) that fail for a reason outside the files this test may
# fix, with what the fix needs.  A listed row that fails is reported as a
# known failure; one that passes fails the run, to be taken off the list.
KNOWN_FAILURES = {
}

VERBOSE = "-v" in sys.argv[1:]


# ---- rows -------------------------------------------------------------------

class Row:
    """One bad input: argv for ndshm, the exit status, a fragment of
    stderr; stdout None (must be empty) or a fragment it must hold; lines,
    how many lines stderr must have."""

    def __init__(self, label, status, fragment, *argv, stdout=None,
                 lines=1, setup=None):
        self.label = label
        self.status = status
        self.fragment = fragment
        self.argv = list(argv)
        self.stdout = stdout
        self.lines = lines
        self.setup = setup  # for store rows: builds the damaged store


def R(label, status, fragment, *argv, **kw):
    return Row(label, status, fragment, *argv, **kw)


def command_of(argv):
    """The subcommand argv runs, or None ("ndshm: ..." messages)."""
    k = 0
    while k < len(argv) and argv[k].startswith("--store"):
        k += 1 if "=" in argv[k] else 2
    if k < len(argv) and argv[k] in COMMANDS:
        return argv[k]
    return None


LONG = "x" * 256
DIMS33 = ",".join(["1"] * 33)
NEST33 = "[" * 33 + "1" + "]" * 33

# The main store (seed_main) holds:
#   a   int64 [1, 2, 3]          m   uint8 (2, 3) of 1..6
#   f   float64 [1.5, 2.5]       h   float16 (2,)      c  complex64 (2,)
#   s   int64 0-d 7              ns/deep float64 (2, 2)
#   v   view a[1:]   vv  view v[::-1]   ro  read-only view m[0]
# {scratch} in an argument is the scratch directory, with the .npy files
# make_npy_files writes.
MAIN_ROWS = [
    # -- names
    R("name: empty", 1, "empty name", "create", "", "--shape", "3"),
    R("name: 256 bytes", 1, "name is 256 bytes long; the limit is 255",
      "create", LONG, "--shape", "3"),
    R("name: 300 bytes, view", 1, "name is 300 bytes long",
      "view", "y" * 300, "a"),
    R("name: 256 bytes in an expression", 1,
      "the name is longer than 255 bytes", "get", LONG + "[0]"),
    R("name: ../x", 1, "invalid name '../x': each '/'-separated part must "
      "start with a letter or '_'", "create", "../x", "--shape", "3"),
    R("name: a/../b", 1, "invalid name 'a/../b'", "create", "a/../b",
      "--shape", "3"),
    R("name: ns/..", 1, "invalid name 'ns/..'", "view", "ns/..", "a"),
    R("name: starts with a digit", 1, "invalid name '1abc': each",
      "create", "1abc", "--shape", "3"),
    R("name: starts with '-' (an option)", 2, "unknown option '-x'",
      "create", "-x", "--shape", "3"),
    R("name: starts with '-' after --", 1, "invalid name '-x'",
      "create", "--shape", "3", "--", "-x"),
    R("name: non-ASCII", 1, "invalid name 'caf\u00e9': only letters, "
      "digits, '_' and '/' are allowed", "create", "caf\u00e9",
      "--shape", "3"),
    R("name: holds a newline", 1, "invalid name 'a\\nb'",
      "create", "a\nb", "--shape", "3"),
    R("name: holds an escape", 1, "invalid name 'a\\x1b[2Jb'",
      "view", "a\x1b[2Jb", "a"),
    R("name: holds a space", 1, "invalid name 'a b'", "create", "a b",
      "--shape", "3"),
    R("name: ends with '/'", 1, "it ends with '/'", "create", "x/",
      "--shape", "3"),
    R("name: rm of a bad name", 1, "invalid name '1x'", "rm", "1x"),
    R("name: taken by an array", 1, "'a' already exists",
      "create", "a", "--shape", "3"),
    R("name: taken by a view", 1, "'v' already exists", "view", "v", "a"),
    R("name: taken, copy", 1, "'m' already exists", "copy", "m", "a"),
    R("name: taken, --from", 1, "'a' already exists",
      "create", "a", "--from", "{scratch}/good.npy"),
    R("name: missing", 1, "no such array 'nosuch'", "get", "nosuch"),
    R("name: rm missing", 1, "no such array 'nosuch'", "rm", "nosuch"),
    # -- dtypes
    R("dtype: unknown", 2, "data type 'float128' not understood",
      "create", "x", "--dtype", "float128", "--shape", "3"),
    R("dtype: big-endian", 2, "big-endian data type '>f8'",
      "create", "x", "--dtype", ">f8", "--shape", "3"),
    R("dtype: big-endian, literal", 2, "big-endian data type '>i4'",
      "create", "x", "[1, 2]", "--dtype", ">i4"),
    R("dtype: object", 2, "data type 'object' not understood",
      "create", "x", "--dtype", "object", "--shape", "3"),
    R("dtype: string", 2, "data type 'S10' not understood",
      "create", "x", "--dtype", "S10", "--shape", "3"),
    R("dtype: empty", 2, "empty data type",
      "create", "x", "--dtype", "", "--shape", "3"),
    # -- shapes
    R("shape: negative", 2, "negative dimensions are not allowed",
      "create", "x", "--shape", "-3"),
    R("shape: negative second", 2, "negative dimensions are not allowed",
      "create", "x", "--shape", "3,-1"),
    R("shape: 2**64 elements", 1, "array too large: its size overflows "
      "64 bits", "create", "x", "--shape", "4294967296,4294967296",
      "--dtype", "uint8"),
    R("shape: product x itemsize overflows", 1, "overflows 64 bits",
      "create", "x", "--shape", "9223372036854775807", "--dtype", "int16"),
    R("shape: dimension past 64 bits", 2, "dimension too large",
      "create", "x", "--shape", "99999999999999999999"),
    R("shape: ndim 33", 2, "more than 32 dimensions",
      "create", "x", "--shape", DIMS33),
    R("shape: ndim 33 from a literal", 1, "more than 32 dimensions",
      "create", "x", NEST33),
    R("shape: 8 TiB", 1, "cannot reserve 8796093030400 bytes",
      "create", "x", "--shape", "1099511627776"),
    R("shape: empty", 2, "invalid shape '': no dimensions",
      "create", "x", "--shape", ""),
    R("shape: double comma", 2, "expected a dimension at ',4'",
      "create", "x", "--shape", "3,,4"),
    R("shape: float", 2, "invalid shape '3.5'",
      "create", "x", "--shape", "3.5"),
    # -- index expressions
    R("index: unclosed", 1, "invalid expression 'a[1': expected ',' or "
      "']' at the end", "get", "a[1"),
    R("index: four slice parts", 1, "invalid expression 'a[1:2:3:4]'",
      "get", "a[1:2:3:4]"),
    R("index: empty brackets", 1, "empty index", "get", "a[]"),
    R("index: stray bracket", 1, "expected '[' or '.T'", "get", "a]"),
    R("index: trailing text", 1, "expected '[' or '.T' at column 5",
      "get", "a[0]x"),
    R("index: no name", 1, "expected a name", "get", ""),
    R("index: step 0", 1, "slice step cannot be zero", "get", "a[::0]"),
    R("index: step 0, set", 1, "slice step cannot be zero",
      "set", "a[::0]", "1"),
    R("index: step 0, view", 1, "slice step cannot be zero",
      "view", "w", "m[:, 1::0]"),
    R("index: out of range", 1, "index 5 is out of bounds for axis 0 "
      "with size 3", "get", "a[5]"),
    R("index: out of range, negative, set", 1,
      "index -4 is out of bounds for axis 0 with size 3",
      "set", "a[-4]", "1"),
    R("index: out of range, view", 1,
      "index 2 is out of bounds for axis 0 with size 2", "view", "w", "m[2]"),
    R("index: out of range, view of a view", 1,
      "index 2 is out of bounds for axis 0 with size 2", "view", "w", "v[2]"),
    R("index: past int64", 1, "out of bounds", "get",
      "a[99999999999999999999]"),
    R("index: too many indices", 1, "too many indices for array: array is "
      "2-dimensional, but 3 were indexed", "get", "m[0, 0, 0]"),
    R("index: index into a 0-d array", 1, "too many indices", "get", "s[0]"),
    R("index: 33 dimensions from None", 1,
      "number of dimensions must be within [0, 32]", "get",
      "a" + "[None]" * 32),
    R("index: list to view", 1, "advanced indexing with a list or array "
      "makes a copy", "view", "w", "a[[0, 1]]"),
    R("index: mask to view", 1, "advanced indexing", "view", "w",
      "a[[True, False, True]]"),
    R("index: boolean to view", 1, "boolean indexing makes a copy",
      "view", "w", "a[True]"),
    R("index: list to copy", 1, "advanced indexing", "copy", "w",
      "a[[0, 2]]"),
    R("index: float", 1, "a float is not an index", "get", "a[1.5]"),
    R("index: two ellipses", 1, "an index can only have a single ellipsis",
      "get", "m[..., ...]"),
    R("index: holds a newline", 1, "invalid expression 'a[\\n1]'",
      "get", "a[\n1]"),
    # -- values
    R("value: wrong shape", 1, "could not broadcast input array from shape "
      "(2,) into shape (3,)", "set", "a", "[1, 2]"),
    R("value: wrong shape, 2-d", 1, "from shape (3,1) into shape (2,3)",
      "set", "m", "[[1], [2], [3]]"),
    R("value: into an empty window", 1, "into shape (0,)",
      "set", "a[3:]", "[1, 2]"),
    R("value: list into 0-d", 1, "from shape (2,) into shape ()",
      "set", "s", "[1, 2]"),
    R("value: out of range", 1, "value 300 is out of range for uint8",
      "set", "m", "300"),
    R("value: negative into unsigned", 1, "value -1 is out of range for "
      "uint8", "set", "m[0, 0]", "-1"),
    R("value: last element out of range", 1,
      "element 2: value 256 is out of range for uint8",
      "set", "m[1]", "[4, 5, 256]"),
    R("value: too large for int64", 1, "out of range for int64",
      "set", "a", "1e20"),
    R("value: too large for float16", 1, "value 100000 is out of range for "
      "float16", "set", "h", "1e5"),
    R("value: too large for complex64", 1, "out of range for complex64",
      "set", "c", "1e39"),
    R("value: NaN into int64", 1, "value nan cannot be converted to int64",
      "set", "a", "nan"),
    R("value: NaN among others", 1, "element 1: value nan cannot be "
      "converted to int64", "set", "a", "[1, nan, 3]"),
    R("value: -inf into a view", 1, "cannot be converted to int64",
      "set", "vv", "-inf"),
    R("value: complex into float64", 1, "nonzero imaginary part",
      "set", "f", "1+2j"),
    R("value: unclosed list", 1, "invalid value '[1, 2'", "set", "a",
      "[1, 2"),
    R("value: a word", 1, "invalid value 'abc': expected a value",
      "set", "a", "abc"),
    R("value: empty", 1, "invalid value '': expected a value",
      "set", "a", ""),
    R("value: integer past 64 bits", 1, "integer too large",
      "set", "a", "99999999999999999999999"),
    R("value: ragged", 1, "inhomogeneous shape", "create", "x",
      "[[1, 2], [3]]"),
    R("value: out of range for --dtype", 1,
      "element 2: value 300 is out of range for uint8",
      "create", "x", "[1, 2, 300]", "--dtype", "uint8"),
    R("value: --fill of the wrong shape", 1, "--fill could not broadcast",
      "create", "x", "--shape", "2,3", "--fill", "[1, 2]"),
    R("value: --fill out of range", 1, "value 128 is out of range for int8",
      "create", "x", "--shape", "3", "--dtype", "int8", "--fill", "128"),
    R("value: into a read-only view", 1, "'ro' is read-only",
      "set", "ro", "1"),
    R("value: into a read-only view, indexed", 1, "is read-only",
      "set", "ro[0]", "1"),
    # -- .npy files
    R("npy: truncated data", 1, "trunc.npy is truncated: its header "
      "promises 80 bytes of data", "create", "x", "--from",
      "{scratch}/trunc.npy"),
    R("npy: truncated header", 1, "invalid .npy header: truncated",
      "create", "x", "--from", "{scratch}/trunchdr.npy"),
    R("npy: bad magic", 1, "not a .npy file (no \\x93NUMPY magic)",
      "create", "x", "--from", "{scratch}/magic.npy"),
    R("npy: header lies about the shape", 1,
      "lies.npy is truncated: its header promises 792 bytes",
      "create", "x", "--from", "{scratch}/lies.npy"),
    R("npy: object dtype", 1, "dtype '|O' is not supported",
      "create", "x", "--from", "{scratch}/obj.npy"),
    R("npy: string dtype", 1, "dtype '<U2' is not supported",
      "create", "x", "--from", "{scratch}/str.npy"),
    R("npy: structured dtype", 1, "structured dtypes are not supported",
      "create", "x", "--from", "{scratch}/struct.npy"),
    R("npy: empty file", 1, "empty.npy: not a .npy file",
      "create", "x", "--from", "{scratch}/empty.npy"),
    R("npy: negative dimension", 1,
      "'shape' holds something other than integers",
      "create", "x", "--from", "{scratch}/neg.npy"),
    R("npy: 33 dimensions", 1, "more than 32 dimensions",
      "create", "x", "--from", "{scratch}/dims33.npy"),
    R("npy: shape overflows", 1, "shape too large",
      "create", "x", "--from", "{scratch}/ovf.npy"),
    R("npy: format 9.0", 1, ".npy format version 9.0 is not supported",
      "create", "x", "--from", "{scratch}/v9.npy"),
    R("npy: unknown descr", 1, "data type '<f9' not understood",
      "create", "x", "--from", "{scratch}/f9.npy"),
    R("npy: missing file", 1, "No such file or directory",
      "create", "x", "--from", "{scratch}/nonexistent.npy"),
    R("npy: a directory", 1, "not a .npy file",
      "create", "x", "--from", "{scratch}/adir"),
    R("npy: a FIFO (no writer: must not block)", 1,
      "fifo.npy: not a .npy file", "create", "x", "--from",
      "{scratch}/fifo.npy"),
    R("npy: a device", 1, "/dev/zero: not a .npy file",
      "create", "x", "--from", "/dev/zero"),
    R("npy: export into a missing directory", 1,
      "cannot create a file beside {scratch}/nodir/x.npy: No such file",
      "export", "a", "{scratch}/nodir/x.npy"),
    R("npy: export over a directory", 1, "Is a directory",
      "export", "a", "{scratch}/adir"),
    # -- command lines
    R("usage: unknown command", 2, "unknown command 'frob'", "frob"),
    R("usage: command with a newline", 2, "unknown command 'fr\\nob'",
      "fr\nob"),
    R("usage: unknown global option", 2, "unknown option '--bogus'",
      "--bogus", "list"),
    R("usage: unknown option", 2, "unknown option '--jsn'",
      "get", "a", "--jsn"),
    R("usage: extra argument", 2, "unexpected argument 'extra'",
      "list", "extra"),
    R("usage: set without a value", 2, "expected EXPR and VALUE",
      "set", "a"),
    R("usage: create without a shape", 2, "give VALUES, --shape or --from",
      "create", "x"),
    R("usage: --shape without its argument", 2,
      "option '--shape' needs an argument", "create", "x", "--shape"),
    R("usage: --from with --dtype", 2, "--from takes no VALUES",
      "create", "x", "--from", "{scratch}/good.npy", "--dtype", "f4"),
    R("usage: rm without a name", 2, "missing NAME", "rm"),
    R("usage: bad timeout", 2, "invalid timeout '-1'",
      "set", "a", "1", "--timeout", "-1"),
    R("usage: timeout nan", 2, "invalid timeout 'nan'",
      "wait", "a", "--timeout", "nan"),
    R("usage: bad version", 2, "invalid version 'abc'",
      "wait", "a", "--since", "abc"),
    R("store: --store ''", 1, "empty store directory",
      "--store", "", "list"),
    # -- a timeout
    R("timeout: wait", 3, "'a' did not change within 0.05 s",
      "wait", "a", "--timeout", "0.05"),
]


def seed_main(st):
    """The arrays and views the main rows work on."""
    st.run("create", "a", "[1, 2, 3]")
    st.run("create", "m", "--dtype", "uint8", "--shape", "2,3", "--fill",
           "[[1, 2, 3], [4, 5, 6]]")
    st.run("create", "f", "[1.5, 2.5]")
    st.run("create", "h", "--dtype", "float16", "--shape", "2", "--fill",
           "1.5")
    st.run("create", "c", "--dtype", "complex64", "--shape", "2", "--fill",
           "1+2j")
    st.run("create", "s", "7")
    st.run("create", "ns/deep", "[[1.0, 2.0], [3.0, 4.0]]")
    st.run("view", "v", "a[1:]")
    st.run("view", "vv", "v[::-1]")
    st.run("view", "ro", "m[0]", "--readonly")


def raw_npy(path, descr, shape, data):
    """A version 1.0 .npy file written by hand: header dict, then data."""
    d = "{'descr': %r, 'fortran_order': False, 'shape': %s, }" % (descr,
                                                                    shape)
    hdr = d.encode("latin1")
    pre = 10
    hdr = hdr.ljust((pre + len(hdr) + 1 + 63) // 64 * 64 - pre - 1) + b"\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00")
        f.write(struct.pack("<H", len(hdr)))
        f.write(hdr + data)


def make_npy_files(scratch):
    """The .npy files the rows import: one good, the rest refused."""
    good = os.path.join(scratch, "good.npy")
    np.save(good, np.arange(10.0))
    b = open(good, "rb").read()

    def write(name, data):
        with open(os.path.join(scratch, name), "wb") as f:
            f.write(data)

    write("trunc.npy", b[:-8])
    write("trunchdr.npy", b[:50])
    write("magic.npy", b"\x93NUMPX" + b[6:])
    write("lies.npy", b.replace(b"(10,)", b"(99,)"))
    write("neg.npy", b.replace(b"(10,)", b"(-1,)"))
    write("f9.npy", b.replace(b"'<f8'", b"'<f9'"))
    write("v9.npy", b[:6] + b"\x09\x00" + b[8:])
    write("empty.npy", b"")
    np.save(os.path.join(scratch, "obj.npy"),
            np.array([1, "a", None], dtype=object), allow_pickle=True)
    np.save(os.path.join(scratch, "str.npy"), np.array(["ab", "c"]))
    np.save(os.path.join(scratch, "struct.npy"),
            np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8")]))
    raw_npy(os.path.join(scratch, "dims33.npy"), "<f8", "(" + "1, " * 33 +
            ")", b"\0" * 8)
    raw_npy(os.path.join(scratch, "ovf.npy"), "<f8",
            "(4294967296, 4294967296)", b"\0" * 8)
    os.mkdir(os.path.join(scratch, "adir"))
    os.mkfifo(os.path.join(scratch, "fifo.npy"))


# ---- snapshots --------------------------------------------------------------

def sha(data):
    return hashlib.sha256(data).hexdigest()


def tree(root):
    """Every entry under root: {relative path: kind and content hash}; the
    LMDB lock file by name only.  None when root does not exist."""
    if not os.path.lexists(root):
        return None
    if not os.path.isdir(root) or os.path.islink(root):
        return {".": entry(root)}
    out = {}
    for d, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(d, name)
            out[os.path.relpath(path, root)] = entry(path)
    return out


def entry(path):
    if os.path.islink(path):
        return "link -> " + os.readlink(path)
    st_mode = os.lstat(path).st_mode
    mode = "mode %04o" % (st_mode & 0o7777)
    if os.path.isdir(path):
        return "dir, " + mode
    if not stat.S_ISREG(st_mode):  # a FIFO would block a read
        return "special file %o" % st_mode
    if os.path.basename(path) == "catalog.mdb-lock":
        return "lock file, " + mode
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return "unreadable: %s" % e
    return "%s, %d bytes, sha256 %s" % (mode, len(data), sha(data))


def window_hash(info):
    """sha256 of a listed window's elements, read with NumPy."""
    try:
        dtype = np.dtype(info["dtype"])
        buf = np.memmap(info["path"], mode="r")
        w = np.ndarray(tuple(info["shape"]), dtype, buf, info["offset"],
                       tuple(info["strides"]))
        data = np.ascontiguousarray(w).tobytes()
        del w, buf
        return sha(data)
    except Exception as e:  # noqa: any failure is a difference to show
        return "unreadable: %s" % e


def snapshot(env, store, scratch):
    """What must not change: the listing, every window's elements, the
    store's files, the scratch directory's names."""
    p = subprocess.run([NDSHM, "list", "--json"], env=env,
                       capture_output=True, text=True)
    if p.returncode != 0:
        listing = "list failed (%d): %s" % (p.returncode, p.stderr.strip())
        elements = {}
    else:
        entries = json.loads(p.stdout)
        listing = {e["name"]: json.dumps(e, sort_keys=True) for e in entries}
        elements = {e["name"]: window_hash(e) for e in entries}
    return {"list": listing, "elements": elements, "files": tree(store),
            "scratch": sorted(os.listdir(scratch))}


def differences(before, after):
    """What changed between two snapshots, as lines."""
    out = []
    for key in before:
        b, a = before[key], after[key]
        if b == a:
            continue
        if isinstance(b, dict) and isinstance(a, dict):
            for k in sorted(set(b) | set(a)):
                if b.get(k) != a.get(k):
                    out.append("%s %s: %s -> %s" % (key, k, b.get(k, "absent"),
                                                   a.get(k, "absent")))
        else:
            out.append("%s: %r -> %r" % (key, b, a))
    return out


# ---- running a row ----------------------------------------------------------

FORM = re.compile(r"^ndshm [a-z]+: .+: .+\n$", re.S)


def expand(text, subst):
    for k, v in subst.items():
        text = text.replace("{%s}" % k, v)
    return text


def run_row(row, env, subst, runner=(), fragment=None):
    """Run row (under the runner command, if any; fragment instead of the
    row's); return (problems, replay line)."""
    argv = [expand(a, subst) for a in row.argv]
    fragment = expand(row.fragment if fragment is None else fragment, subst)
    replay = "NDSHM_STORE=%s %s" % (shlex.quote(env["NDSHM_STORE"]),
                                    " ".join(list(runner) + [
                                        testlib.shell_line(argv)]))
    try:
        p = subprocess.run([*runner, tool_for(runner), *argv], env=env,
                           capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return ["did not finish within 20 s (blocked?)"], replay
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    problems = []
    if p.returncode < 0:
        problems.append("killed by signal %d" % -p.returncode)
    elif p.returncode != row.status:
        problems.append("exit status %d, expected %d"
                        % (p.returncode, row.status))
    if err.count("\n") != row.lines or (row.lines and not
                                        err.endswith("\n")):
        problems.append("stderr is not %d line%s" % (
            row.lines, "" if row.lines == 1 else "s"))
    command = command_of(argv)
    prefix = "ndshm %s: " % command if command else "ndshm: "
    if row.lines and not all(line.startswith(prefix)
                             for line in err.splitlines()):
        problems.append("stderr does not start with %r" % prefix)
    if row.status == 1 and row.lines and not all(
            FORM.match(line + "\n") for line in err.splitlines()):
        problems.append("stderr is not 'ndshm COMMAND: what failed: why'")
    if fragment not in err:
        problems.append("stderr lacks %r" % fragment)
    if row.stdout is None and out != "":
        problems.append("stdout is not empty")
    elif row.stdout is not None and row.stdout not in out:
        problems.append("stdout lacks %r" % row.stdout)
    if problems:
        problems.append("stderr: %r" % err[:600])
        if out:
            problems.append("stdout: %r" % out[:300])
    return problems, replay


class Tally:
    """Rows passed, failed, known to fail, and known failures that pass."""

    def __init__(self):
        self.passed = 0
        self.failed = []
        self.known = []
        self.xpassed = []

    def row(self, row, problems, replay):
        known = KNOWN_FAILURES.get(row.label)
        if not problems:
            if known:
                print("FAIL: [%s] passes but is listed in KNOWN_FAILURES: "
                      "take it off the list" % row.label)
                self.xpassed.append(row.label)
            else:
                self.passed += 1
                if VERBOSE:
                    print("ok: [%s]" % row.label)
            return
        head = "KNOWN FAILURE" if known else "FAIL"
        print("%s: [%s]\n    %s\n    replay: %s" % (
            head, row.label, "\n    ".join(problems), replay))
        if known:
            print("    needs: %s" % known)
            self.known.append(row.label)
        else:
            self.failed.append(row.label)

    def close(self, total):
        print("bad_input: %d rows: %d passed, %d failed, %d known failures, "
              "%d known failures passing" % (
                  total, self.passed, len(self.failed), len(self.known),
                  len(self.xpassed)))
        return 1 if self.failed or self.xpassed else 0


def check_main_rows(tally, st):
    subst = {"scratch": st.scratch}
    for row in MAIN_ROWS:
        before = snapshot(st.env, st.path, st.scratch)
        problems, replay = run_row(row, st.env, subst)
        after = snapshot(st.env, st.path, st.scratch)
        problems = differences(before, after) + problems
        if differences(before, after):
            problems.insert(0, "the store changed:")
        tally.row(row, problems, replay)
    return len(MAIN_ROWS)


# ---- damaged stores ---------------------------------------------------------

def tool(store, *args, runner=()):
    p = subprocess.run([*runner, tool_for(runner), "--store", store, *args],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("setting up: ndshm %s: %s"
                           % (" ".join(args), p.stderr.strip()))
    return p.stdout


def seed_small(store, runner=()):
    """a [1, 2, 3] (the victim), b, and the view v of a."""
    tool(store, "create", "a", "[1, 2, 3]", runner=runner)
    tool(store, "create", "b", "[[1.5, 2.5]]", runner=runner)
    tool(store, "view", "v", "a[1:]", runner=runner)


def data_file(store, name):
    return json.loads(tool(store, "info", "--json", name))["path"]


def patch_catalog(store, old, new):
    """Replace every copy of old by new in the catalog's bytes (LMDB keeps
    no checksums, so this is what a stray write does)."""
    path = os.path.join(store, "catalog.mdb")
    with open(path, "rb") as f:
        data = f.read()
    if old not in data:
        raise RuntimeError("setting up: %r is not in %s" % (old, path))
    with open(path, "r+b") as f:
        f.write(data.replace(old, new))


def node(key, size):
    """The head of an LMDB leaf node: data size, flags, key size, key."""
    return struct.pack("<HHHH", size & 0xffff, size >> 16, 0,
                       len(key)) + key


def missing_parent(store):
    return os.path.dirname(store)  # never made: a missing parent


def regular_file(store):
    with open(store, "w") as f:
        f.write("not a store\n")
    return store


def data_is_a_file(store):
    os.mkdir(store, 0o700)
    with open(os.path.join(store, "data"), "w") as f:
        f.write("not a directory\n")
    return store


def zero_length_catalog(store):
    seed_small(store)
    os.truncate(os.path.join(store, "catalog.mdb"), 0)
    return store


def garbage_catalog(store):
    seed_small(store)
    with open(os.path.join(store, "catalog.mdb"), "r+b") as f:
        f.write(bytes((k * 131 + 7) % 251 for k in range(8192)))
    return store


def newer_format(store):
    seed_small(store)
    patch_catalog(store, node(b"format", 4) + struct.pack("<I", 1),
                  node(b"format", 4) + struct.pack("<I", 2))
    return store


def record_head(name):
    # a 1-d record: version 1, kind array, dtype int64, ndim 1; 40 bytes
    return node(name, 40) + bytes([1, 1, 5, 1])


def bad_record_dtype(store):
    seed_small(store)
    head = record_head(b"a")
    patch_catalog(store, head, head[:-2] + bytes([99, 1]))
    return store


def newer_record(store):
    seed_small(store)
    head = record_head(b"a")
    patch_catalog(store, head, head[:-4] + bytes([2, 1, 5, 1]))
    return store


def truncated(size):
    def setup(store):
        seed_small(store)
        os.truncate(data_file(store, "a"), size)
        return store
    return setup


def data_deleted(store):
    seed_small(store)
    os.unlink(data_file(store, "a"))
    return store


def bad_control_block(store):
    seed_small(store)
    path = data_file(store, "a")
    with open(path, "r+b") as f:
        f.seek(os.path.getsize(path) - 4096)
        f.write(b"NOTNDSHM")
    return store


CLEANUPS = []
SCRATCH = None  # the scratch directory, set by main


NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def tool_for(runner):
    """The tool a row runs: under make check-valgrind, NDSHM is a script
    that runs the tool under valgrind, and neither sh nor valgrind can
    read files nobody cannot reach (a build tree in a private directory),
    so rows run as nobody take the tool itself."""
    if runner:
        return os.environ.get("NDSHM_UNDER_VALGRIND") or NDSHM
    return NDSHM


def open_to_nobody(path, top):
    """Let nobody reach path: search permission on it and its parents up
    to top (the scratch directory, made 0700)."""
    while True:
        os.chmod(path, 0o711)
        if path == top:
            return
        path = os.path.dirname(path)


def read_only_modes(store):
    """A store its owner made read-only with chmod (data files and the
    catalog 0400, data/ and the store 0500), used by that owner: as
    nobody when we are root (root writes through permission bits), as
    ourselves otherwise."""
    parent = os.path.dirname(store)
    os.mkdir(parent, 0o700)
    runner = ()
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            return None
        runner = NOBODY
        open_to_nobody(parent, SCRATCH)
        os.chown(parent, 65534, 65534)
    seed_small(store, runner)
    data = os.path.join(store, "data")
    for name in os.listdir(data):
        os.chmod(os.path.join(data, name), 0o400)
    for name in ("catalog.mdb", "catalog.mdb-lock"):
        os.chmod(os.path.join(store, name), 0o400)
    os.chmod(data, 0o500)
    os.chmod(store, 0o500)
    # so that the scratch directory can be removed
    CLEANUPS.append(lambda: [os.chmod(d, 0o700) for d in (store, data)])
    return {"root": store, "runner": runner}


def read_only(store):
    """A store its user cannot write.  Root writes through any permission
    bits, so: a store on a tmpfs remounted read-only; where mounting is
    not allowed, root's store used by nobody (refused before any write:
    not nobody's); None when neither can be done (not root)."""
    mnt = os.path.dirname(store)
    os.mkdir(mnt, 0o700)
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700",
                        "tmpfs", mnt], capture_output=True, text=True)
    if p.returncode == 0:
        CLEANUPS.append(lambda: subprocess.run(["umount", mnt],
                                               capture_output=True))
        seed_small(store)
        p = subprocess.run(["mount", "-o", "remount,ro", mnt],
                           capture_output=True, text=True)
        if p.returncode == 0:
            return store
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    if not os.path.exists(store):
        seed_small(store)
    # nobody must reach the store (not the scratch directory's 0700) and
    # the tool, to be refused by ndshm rather than by the kernel
    for d in (mnt, os.path.dirname(mnt)):
        os.chmod(d, 0o711)
    return {"root": store, "runner": NOBODY, "fragment": "cannot open store"}


# a is 3 int64: header page, data page, control page
TRUNC = "is 4096 bytes; the catalog says 12288"

# (row, setup): the row runs with --store STORE, on a store setup builds
# afresh at STORE; setup returns the path whose files must not change.
# {store} in an argument or fragment is the store's path.
STORE_ROWS = [
    R("store: missing, parent missing", 1, "cannot create store directory "
      "{store}: No such file or directory", "list", setup=missing_parent),
    R("store: missing, get", 1, "No such file or directory", "get", "a",
      setup=missing_parent),
    R("store: a regular file", 1, "store {store} is not a directory",
      "list", setup=regular_file),
    R("store: a regular file, create", 1, "is not a directory",
      "create", "a", "[1]", setup=regular_file),
    R("store: data/ is a file", 1, "{store}/data is a regular file, not a "
      "directory", "list", setup=data_is_a_file),
    R("store: zero-length catalog, list", 1, "catalog {store}/catalog.mdb "
      "is empty but {store}/data holds 2 files: the catalog was lost", "list",
      setup=zero_length_catalog),
    R("store: zero-length catalog, get", 1, "catalog.mdb", "get", "a",
      setup=zero_length_catalog),
    R("store: corrupted catalog, list", 1, "cannot open catalog "
      "{store}/catalog.mdb: MDB_INVALID: File is not an LMDB file", "list",
      setup=garbage_catalog),
    R("store: corrupted catalog, create", 1, "File is not an LMDB file",
      "create", "x", "[1]", setup=garbage_catalog),
    R("store: newer catalog format, list", 1, "catalog {store}/catalog.mdb "
      "has format 2; this library reads format 1", "list",
      setup=newer_format),
    R("store: newer catalog format, create", 1, "has format 2",
      "create", "x", "[1]", setup=newer_format),
    R("store: newer catalog format, rm", 1, "has format 2", "rm", "a",
      setup=newer_format),
    R("store: record with a bad dtype, get", 1,
      "catalog record is corrupt: unknown dtype", "get", "a",
      setup=bad_record_dtype),
    R("store: record with a bad dtype, set", 1, "catalog record is corrupt",
      "set", "a", "0", setup=bad_record_dtype),
    R("store: record with a bad dtype, view", 1, "catalog record is corrupt",
      "view", "w", "a[0]", setup=bad_record_dtype),
    R("store: record with a bad dtype, list", 1, "ndshm list: cannot open "
      "'a': 'a': catalog record is corrupt", "list", stdout="b ",
      setup=bad_record_dtype),
    R("store: newer record version, get", 1, "catalog record version 2 is "
      "not supported", "get", "a", setup=newer_record),
    R("store: not writable, create", 1, "Read-only file system",
      "create", "x", "[1]", setup=read_only),
    R("store: not writable, set", 1, "Read-only file system",
      "set", "a", "5", setup=read_only),
    R("store: not writable, rm", 1, "Read-only file system", "rm", "a",
      setup=read_only),
    R("store: read-only by its modes, create", 1, "cannot open catalog "
      "{store}/catalog.mdb: Permission denied", "create", "x", "[1]",
      setup=read_only_modes),
    R("store: read-only by its modes, get", 1, "Permission denied",
      "get", "a", setup=read_only_modes),
    R("data file: truncated, get", 1, TRUNC, "get", "a",
      setup=truncated(4096)),
    R("data file: truncated, get of a view", 1, TRUNC, "get", "v",
      setup=truncated(4096)),
    R("data file: truncated, get --json", 1, TRUNC, "get", "--json", "a",
      setup=truncated(4096)),
    R("data file: truncated, set", 1, TRUNC, "set", "a", "1",
      setup=truncated(4096)),
    R("data file: truncated, set of a view", 1, TRUNC, "set", "v[0]", "1",
      setup=truncated(4096)),
    R("data file: truncated, info", 1, TRUNC, "info", "a",
      setup=truncated(4096)),
    R("data file: truncated, copy", 1, TRUNC, "copy", "c", "a",
      setup=truncated(4096)),
    R("data file: truncated, export", 1, TRUNC, "export", "a",
      "{store}.npy", setup=truncated(4096)),
    R("data file: truncated, wait", 1, TRUNC, "wait", "a", "--timeout", "1",
      setup=truncated(4096)),
    R("data file: truncated, list", 1, "ndshm list: cannot open 'a': data "
      "file", "list", stdout="b ", lines=2, setup=truncated(4096)),
    R("data file: truncated, fsck", 1, "", "fsck", stdout="damaged",
      lines=0, setup=truncated(4096)),
    R("data file: truncated to 0", 1, "is 0 bytes; the catalog says 12288",
      "get", "a", setup=truncated(0)),
    R("data file: truncated inside the header", 1, "is 100 bytes",
      "get", "a", setup=truncated(100)),
    R("data file: grown", 1, "is 20480 bytes; the catalog says 12288",
      "get", "a", setup=truncated(20480)),
    R("data file: deleted, get", 1, "is gone", "get", "a",
      setup=data_deleted),
    R("data file: deleted, list", 1, "ndshm list: cannot open 'a': data "
      "file", "list", stdout="b ", lines=2, setup=data_deleted),
    R("data file: bad control block", 1, "has a bad control block",
      "get", "a", setup=bad_control_block),
]


def check_store_rows(tally, base):
    ran = 0
    for k, row in enumerate(STORE_ROWS):
        # each row gets a directory of its own, holding the store
        where = os.path.join(base, "s%02d" % k)
        os.mkdir(where, 0o700)
        store = os.path.join(where, "p", "store")
        if row.setup not in (missing_parent, read_only, read_only_modes):
            os.mkdir(os.path.dirname(store), 0o700)
        try:
            root = row.setup(store)
        except (OSError, RuntimeError) as e:
            tally.row(row, ["setting up the store failed: %s" % e], "")
            ran += 1
            continue
        if root is None:
            print("SKIP: [%s]: needs root, to mount a read-only tmpfs or "
                  "to run the tool as nobody" % row.label)
            continue
        runner, fragment = (), None
        if isinstance(root, dict):
            if root["runner"] and row.setup is read_only:
                print("note: [%s]: cannot mount here; run as nobody "
                      "instead" % row.label)
            runner, fragment = root["runner"], root.get("fragment")
            root = root["root"]
        env = dict(os.environ)
        env.pop("NDSHM_STORE", None)
        env["NDSHM_STORE"] = store
        row_argv = row.argv
        row.argv = ["--store", store] + row_argv
        before = tree(root)
        problems, replay = run_row(row, env, {"store": store}, runner,
                                   fragment)
        after = tree(root)
        row.argv = row_argv
        diff = differences({"files": before}, {"files": after})
        if diff:
            problems = ["the damaged store changed:"] + diff + problems
        tally.row(row, problems, replay)
        ran += 1
    return ran


def main():
    keep = "--keep" in sys.argv[1:]
    if not os.access(NDSHM, os.X_OK):
        testlib.skip("%s is not built" % NDSHM)
    tally = Tally()
    total = 0
    global SCRATCH
    with testlib.Store(keep=keep) as st:
        SCRATCH = st.scratch
        try:
            seed_main(st)
            make_npy_files(st.scratch)
            total += check_main_rows(tally, st)
            base = os.path.join(st.scratch, "stores")
            os.mkdir(base, 0o700)
            total += check_store_rows(tally, base)
        finally:
            for undo in reversed(CLEANUPS):
                undo()
    return tally.close(total)


if __name__ == "__main__":
    sys.exit(main())
