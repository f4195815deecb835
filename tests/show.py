"""show.py -- `ndshm show`: heatmaps in the terminal and in PNG files,
checked cell by cell and pixel by pixel against the colour map as this
test computes it from its definition (docs/ndshm.1, tools/heatmap.c):

    t = (v - min) / (max - min) over the window's finite values, clamped
    to [0, 1]; +inf is 1, -inf is 0; every finite value is 0.5 when they
    are all equal; NaN is grey (128, 128, 128).  With k = min(floor(4t), 3)
    and f = 4t - k, each channel is floor(a + (b - a) * f + 0.5) between
    anchors k and k + 1 of #440154 #3b528b #21918c #5ec962 #fde725.

1. PNG.  Arrays of NumPy-chosen values -- float64 with NaN and +-inf, 1-d
   int32, bool, complex128 and complex64 (drawn by magnitude), uint8,
   float16 (subnormal, +-65504), a constant, all-NaN, a range wider than
   the largest double, one element -- and views (.T, negative steps, a
   row, a column) are written with `show --png` and with --scale 3, and a
   row of 1000001 pixels (past libpng's default limit); the
   files are decoded here (zlib and the five PNG filters, CRCs checked):
   the size and every pixel must be what the definition gives.
2. Terminal.  The same windows drawn with COLUMNS/LINES large: the header
   ("EXPR  dtype (shape)"), every character cell's foreground (upper
   element) and background (lower; the terminal's default under an odd
   last row) parsed from the escape sequences, each picture line ending
   with ESC[0m, and the scale line: min, a 20-cell gradient, max (%.6g),
   and a grey cell for NaN.
3. Downsampling.  With COLUMNS/LINES small, the header says "shown at 1/k
   scale" with k the smallest factor that fits (both ways: the aspect is
   kept), and every cell is the colour of the mean of the finite values of
   its k x k block (partial blocks at the edges; a block of +inf only is
   the top colour, of NaN only grey), on the whole window's range.
4. Errors: 3-d, 4-d, 0-d, empty, missing names and bad indices exit 1 with
   one line, and so do pictures too large for PNG (2^31 pixels a side) or
   for memory (rows over 256 MiB); bad --scale, --scale without --png, no
   EXPR exit 2.  A PNG that cannot be written (no such directory, the name
   of a directory, a file size limit hit half way, a read-only directory
   when not root) exits 1 with one line, leaves the old file byte for byte
   and no temporary file.
5. --watch with stdout a pipe: the first frame (ESC[H ESC[2J ...), a change
   by `ndshm set`, the second frame (ESC[H ...) with the changed cell's new
   colour and the rest as before; SIGWINCH draws it again; then SIGINT:
   exit status 0, ESC[0m last.  SIGHUP and SIGQUIT end it the same way,
   and after each stop the array's count of waiters (in its control block,
   docs/FORMAT.md) is back to 0.  With COLUMNS from 30 down to 3 no line
   is wider than the terminal: the header is cut with an ellipsis, the
   scale line is the first of the documented choices that fits (the bar
   as wide as fits, at least 2 cells; then no NaN legend; then no bar, no
   max, no min), and the picture is as always.  On a pseudo-terminal that
   is not read, a second SIGINT during the stuck write ends the process by
   SIGINT, with the colours reset and the cursor shown last.
   --watch --png rewrites the file at a change; SIGTERM ends it, status 0.
6. Long windows: rows much longer than the 65536 elements read at a time
   (1-d, strided, reversed, complex, 2-d, exactly 65536 and 65537), the
   block edges not on chunk edges, drawn on the terminal and in PNG files
   exactly as above; and (not under valgrind or sanitizers) the peak RSS
   of drawing a 16-million-element int8 window stays under 48 MiB more
   than a tiny window's, where reading the row whole took 144 MiB more.

When the tool was built without libpng, the PNG checks are replaced by a
check of its one-line refusal.  Run as `python3 tests/show.py [--keep]`
with NDSHM set to the built tool (make check does this).  Nothing is
random (the generator is seeded).  Timeouts (60 s) are hang guards only.
"""
import math
import os
import re
import resource
import select
import signal
import struct
import subprocess
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
except ImportError:  # pragma: no cover - run by python-test with NumPy
    print("SKIP: NumPy is not installed")
    sys.exit(77)

import testlib
from testlib import NDSHM, Checks, Store, one_line_error

# ---- the colour map, from its definition ------------------------------------

ANCHORS = [(0x44, 0x01, 0x54), (0x3b, 0x52, 0x8b), (0x21, 0x91, 0x8c),
           (0x5e, 0xc9, 0x62), (0xfd, 0xe7, 0x25)]
GREY = (128, 128, 128)
BAR_CELLS = 20
UPPER_HALF = "\u2580"
TIMEOUT = 60.0
# What was compared, for the summary line.
COUNTS = {"pixels": 0, "PNG files": 0, "cells": 0, "frames": 0}


def colour(t):
    """The colour at t: piecewise linear in 8-bit sRGB between the
    anchors, each channel rounded half up."""
    if math.isnan(t):
        return GREY
    t = min(max(t, 0.0), 1.0)
    x = t * 4
    k = min(math.floor(x), 3)
    f = x - k
    a, b = ANCHORS[k], ANCHORS[k + 1]
    return tuple(int(math.floor(a[i] + (b[i] - a[i]) * f + 0.5))
                 for i in range(3))


class Range:
    """The finite values' min and max of a window (as float64)."""

    def __init__(self, values):
        flat = [float(v) for v in np.asarray(values).ravel()]
        finite = [v for v in flat if math.isfinite(v)]
        self.finite = len(finite)
        self.nan = sum(1 for v in flat if math.isnan(v))
        self.lo = min(finite) if finite else None
        self.hi = max(finite) if finite else None

    def t(self, v):
        if math.isnan(v):
            return math.nan
        if math.isinf(v):
            return 1.0 if v > 0 else 0.0
        if self.finite == 0 or not self.hi > self.lo:
            return 0.5
        span = self.hi - self.lo
        if math.isfinite(span):
            t = (v - self.lo) / span
        else:
            t = (v * 0.5 - self.lo * 0.5) / (self.hi * 0.5 - self.lo * 0.5)
        return min(max(t, 0.0), 1.0)

    def colour(self, v):
        return colour(self.t(v))


def as_float(arr):
    """What show draws of a window: float64, complex by magnitude, as a
    list of rows (a 1-d window is one row)."""
    arr = np.asarray(arr)
    if arr.dtype.kind == "c":
        vals = np.abs(arr.astype(np.complex128))
    else:
        vals = arr.astype(np.float64)
    if vals.ndim == 1:
        vals = vals.reshape(1, -1)
    return [[float(v) for v in row] for row in vals]


def block_mean(values):
    """The mean of a block's finite values, summed left to right (each
    times 2^-64 when the plain sum overflows: 1e308s); with none, +inf or
    -inf when only infinities of one sign are there, else NaN."""
    finite = [v for v in values if math.isfinite(v)]
    if finite:
        s = 0.0
        for v in finite:
            s += v
        if math.isfinite(s):
            return s / len(finite)
        s = 0.0
        for v in finite:
            s += v * 2.0 ** -64
        return s / len(finite) * 2.0 ** 64
    pos = any(v == math.inf for v in values)
    neg = any(v == -math.inf for v in values)
    if pos != neg:
        return math.inf if pos else -math.inf
    return math.nan


def shrink(rows, k):
    """The picture of rows (a list of lists) at 1/k: block means."""
    nr, nc = len(rows), len(rows[0])
    out = []
    for r0 in range(0, nr, k):
        line = []
        for c0 in range(0, nc, k):
            block = [rows[r][c] for r in range(r0, min(r0 + k, nr))
                     for c in range(c0, min(c0 + k, nc))]
            line.append(block_mean(block))
        out.append(line)
    return out


def fit_factor(nrows, ncols, columns, lines):
    """The smallest k at which the picture fits the terminal: ceil(ncols /
    k) cells a line, ceil(nrows / k) elements in lines - 3 lines of two
    (the header, the scale and the cursor's line take three)."""
    room = max(lines - 3, 1)
    k = 1
    while -(-ncols // k) > columns or -(-nrows // k) > 2 * room:
        k += 1
    return k


# ---- PNG decoding -----------------------------------------------------------

def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read_png(path):
    """(width, height, rows of (r, g, b)) of an 8-bit RGB PNG; raises
    ValueError when the file is not one (bad signature, CRC, chunk order,
    header fields, filter type or length)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG signature: %r" % data[:8])
    pos, chunks = 8, []
    while True:
        if pos + 12 > len(data):
            raise ValueError("truncated chunk at %d" % pos)
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if zlib.crc32(kind + body) & 0xffffffff != crc:
            raise ValueError("bad CRC in %r" % kind)
        chunks.append((kind, body))
        pos += 12 + n
        if kind == b"IEND":
            break
    if pos != len(data):
        raise ValueError("%d bytes after IEND" % (len(data) - pos))
    if chunks[0][0] != b"IHDR":
        raise ValueError("first chunk is %r" % chunks[0][0])
    w, h, depth, ctype, comp, filt, inter = struct.unpack(
        ">IIBBBBB", chunks[0][1])
    if (depth, ctype, comp, filt, inter) != (8, 2, 0, 0, 0):
        raise ValueError("not 8-bit RGB, non-interlaced: %r"
                         % ((depth, ctype, comp, filt, inter),))
    raw = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    stride = 3 * w
    if len(raw) != h * (stride + 1):
        raise ValueError("%d bytes of image data for %d x %d"
                         % (len(raw), w, h))
    rows, prev = [], bytearray(stride)
    for y in range(h):
        off = y * (stride + 1)
        ftype = raw[off]
        line = bytearray(raw[off + 1:off + 1 + stride])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b = prev[i]
            c = prev[i - 3] if i >= 3 else 0
            if ftype == 0:
                pred = 0
            elif ftype == 1:
                pred = a
            elif ftype == 2:
                pred = b
            elif ftype == 3:
                pred = (a + b) // 2
            elif ftype == 4:
                pred = paeth(a, b, c)
            else:
                raise ValueError("filter type %d in row %d" % (ftype, y))
            line[i] = (line[i] + pred) & 0xff
        rows.append([tuple(line[3 * x:3 * x + 3]) for x in range(w)])
        prev = line
    return w, h, rows


# ---- terminal parsing -------------------------------------------------------

ESCAPE = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


def strip_escapes(text):
    return ESCAPE.sub("", text)


def parse_cells(line):
    """The character cells of a picture line as (fg, bg): an (r, g, b)
    tuple, 'default' (ESC[39m / ESC[49m) or None (never set).  Raises
    ValueError on anything but SGR colours, ESC[0m, ESC[K and U+2580, or
    when the line does not end with its colours reset."""
    fg = bg = None
    cells, pos = [], 0
    while pos < len(line):
        m = ESCAPE.match(line, pos)
        if m:
            params, cmd = m.groups()
            p = params.split(";")
            if cmd == "K":
                pass
            elif cmd != "m":
                raise ValueError("unexpected escape %r" % m.group(0))
            elif p[:2] == ["38", "2"] and len(p) == 5:
                fg = tuple(int(x) for x in p[2:])
            elif p[:2] == ["48", "2"] and len(p) == 5:
                bg = tuple(int(x) for x in p[2:])
            elif params == "39":
                fg = "default"
            elif params == "49":
                bg = "default"
            elif params in ("0", ""):
                fg = bg = None
            else:
                raise ValueError("unexpected SGR %r" % m.group(0))
            pos = m.end()
            continue
        if line[pos] != UPPER_HALF:
            raise ValueError("unexpected character %r at %d"
                             % (line[pos], pos))
        cells.append((fg, bg))
        pos += 1
    if (fg, bg) != (None, None):
        raise ValueError("line does not end with ESC[0m: %r" % line[-30:])
    return cells


def expected_cells(picture, rng):
    """The lines of (fg, bg) cells that draw picture (rows of values)."""
    out = []
    for r in range(0, len(picture), 2):
        up = picture[r]
        down = picture[r + 1] if r + 1 < len(picture) else None
        out.append([(rng.colour(up[c]),
                     rng.colour(down[c]) if down is not None else "default")
                    for c in range(len(up))])
    return out


def bar_colours(line):
    """The background colours of the scale line's cells (spaces)."""
    colours, bg = [], None
    pos = 0
    while pos < len(line):
        m = ESCAPE.match(line, pos)
        if m:
            p = m.group(1).split(";")
            if p[:2] == ["48", "2"]:
                bg = tuple(int(x) for x in p[2:])
            elif m.group(1) in ("0", ""):
                bg = None
            pos = m.end()
            continue
        if line[pos] == " " and bg is not None:
            colours.append(bg)
        pos += 1
    return colours


def check_scale_line(checks, line, rng, what):
    """min, the gradient, max, and the NaN legend."""
    words = strip_escapes(line).split()
    bar = bar_colours(line)
    legend = ["nan"] if rng.nan else []
    legend_bar = [GREY] if rng.nan else []
    if rng.finite == 0:
        checks.equal(words, ["no", "finite", "values"] + legend,
                     what + ": scale line words")
        checks.equal(bar, legend_bar, what + ": scale line colours")
        return
    checks.equal(words, ["%.6g" % rng.lo, "%.6g" % rng.hi] + legend,
                 what + ": scale line min, max")
    flat = not rng.hi > rng.lo
    want = [colour(0.5 if flat else i / (BAR_CELLS - 1))
            for i in range(BAR_CELLS)] + legend_bar
    checks.equal(bar, want, what + ": scale line gradient")


def header_text(expr, arr, k=1):
    arr = np.asarray(arr)
    text = "%s  %s %s" % (expr, arr.dtype.name, str(tuple(arr.shape)))
    if arr.dtype.kind == "c":
        text += "  magnitude |z|"
    if k > 1:
        text += "  shown at 1/%d scale" % k
    return text


def check_drawing(checks, out, expr, window, columns, lines, what):
    """out (the lines of one frame) draws window as the definition says,
    at the factor that fits columns x lines."""
    rows = as_float(window)
    rng = Range(rows)
    k = fit_factor(len(rows), len(rows[0]), columns, lines)
    picture = shrink(rows, k) if k > 1 else rows
    want = expected_cells(picture, rng)
    COUNTS["frames"] += 1
    COUNTS["cells"] += sum(len(line) for line in want)
    if not checks.equal(len(out), len(want) + 2, what + ": line count"):
        return
    checks.equal(strip_escapes(out[0]), header_text(expr, window, k),
                 what + ": header")
    for i, want_line in enumerate(want):
        try:
            got = parse_cells(out[1 + i])
        except ValueError as e:
            checks.check(False, "%s: picture line %d: %s" % (what, i, e))
            continue
        bad = [c for c in range(max(len(got), len(want_line)))
               if c >= len(got) or c >= len(want_line)
               or got[c] != want_line[c]]
        checks.check(not bad, "%s: picture line %d: %d of %d cells differ,"
                     " first %s" % (what, i, len(bad), len(want_line),
                                    bad[:8]),
                     "got:  %r\nwant: %r" % (
                         [got[c] for c in bad[:3] if c < len(got)],
                         [want_line[c] for c in bad[:3]
                          if c < len(want_line)]))
    check_scale_line(checks, out[-1], rng, what)


# ---- running the tool -------------------------------------------------------

def run(st, *args, columns=200, lines=100, preexec=None):
    """ndshm ARGS in st's store with a terminal size in the environment;
    (status, stdout, stderr) as text."""
    st.log.append(args)
    env = dict(st.env, COLUMNS=str(columns), LINES=str(lines))
    p = subprocess.run([NDSHM, *args], env=env, capture_output=True,
                       preexec_fn=preexec, restore_signals=preexec is None,
                       timeout=TIMEOUT * 5)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def create(st, name, arr):
    st.run("create", name, "--from", st.save(name.replace("/", "_") + ".npy",
                                               arr))


def listing(directory):
    return sorted(os.listdir(directory))


def file_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def check_png(checks, path, window, scale, what):
    try:
        w, h, pixels = read_png(path)
    except (OSError, ValueError, zlib.error) as e:
        checks.check(False, "%s: cannot decode %s: %s" % (what, path, e))
        return
    rows = as_float(window)
    rng = Range(rows)
    nr, nc = len(rows), len(rows[0])
    if not checks.equal((w, h), (nc * scale, nr * scale), what + ": size"):
        return
    bad = [(y, x) for y in range(h) for x in range(w)
           if pixels[y][x] != rng.colour(rows[y // scale][x // scale])]
    COUNTS["pixels"] += w * h
    COUNTS["PNG files"] += 1
    checks.check(not bad, "%s: %d of %d pixels differ, first at (row, col)"
                 " %s" % (what, len(bad), w * h, bad[:1]),
                 bad and "got %r, want %r" % (
                     pixels[bad[0][0]][bad[0][1]],
                     rng.colour(rows[bad[0][0] // scale]
                                [bad[0][1] // scale])))


# ---- the windows ------------------------------------------------------------

def arrays():
    """name -> array, every value chosen here."""
    gen = np.random.default_rng(20261126)
    f = gen.normal(size=(3, 5)) * 10
    f[0, 2] = np.nan
    f[1, 4] = np.inf
    f[2, 0] = -np.inf
    c = np.array([[3 + 4j, 1j, -2], [0, 1 + 1j, complex(np.nan, 0)]])
    return {
        "f": f,
        "i": np.array([-5, 0, 3, 100, 7, -20, 42], dtype=np.int32),
        # t = 5/16 and 13/16 mix to 52.5 (red) and 208.5 (green): rounded
        # half up, 53 and 209; half to even would give 52 and 208
        "tie": np.array([0, 5, 13, 16], dtype=np.uint16),
        "b": np.array([[True, False, True], [False, False, True]]),
        "c": c,
        "c64": np.array([0.5 + 2j, -3, 4j, 1.5 - 1.5j], dtype=np.complex64),
        "u": gen.integers(0, 256, size=(4, 6), dtype=np.uint8),
        "h": np.array([[0.5, -1.5, 65504], [-65504, 0, 1e-7]],
                      dtype=np.float16),
        "k": np.full((2, 2), 5.0),
        "n": np.full(3, np.nan),
        "x": np.array([-1e308, 0.0, 1e308, 5e307]),
        "one": np.array([[7]], dtype=np.int64),
        "g": np.arange(99, dtype=np.int64).reshape(9, 11) ** 2,
        "ns/deep": gen.normal(size=(5, 3)).astype(np.float32),
    }


# (expression, the window as NumPy computes it from the arrays)
WINDOWS = [
    ("f", lambda a: a["f"]),
    ("f[:, 1:4]", lambda a: a["f"][:, 1:4]),
    ("f.T", lambda a: a["f"].T),
    ("i", lambda a: a["i"]),
    ("i[::-2]", lambda a: a["i"][::-2]),
    ("tie", lambda a: a["tie"]),
    ("b", lambda a: a["b"]),
    ("c", lambda a: a["c"]),
    ("c64", lambda a: a["c64"]),
    ("u", lambda a: a["u"]),
    ("u.T", lambda a: a["u"].T),
    ("u[::2, ::-1]", lambda a: a["u"][::2, ::-1]),
    ("u[1]", lambda a: a["u"][1]),
    ("h", lambda a: a["h"]),
    ("k", lambda a: a["k"]),
    ("n", lambda a: a["n"]),
    ("x", lambda a: a["x"]),
    ("one", lambda a: a["one"]),
    ("g", lambda a: a["g"]),
    ("g[::-2, 3]", lambda a: a["g"][::-2, 3]),
    ("ns/deep", lambda a: a["ns/deep"]),
]


def png_works(checks, st):
    """True when the tool writes PNG files; else checks its refusal."""
    path = st.file("probe.png")
    status, out, err = run(st, "show", "one", "--png", path)
    if status == 1 and "built without libpng" in err:
        checks.equal(err, "ndshm show: cannot write '%s': this ndshm was "
                     "built without libpng\n" % path, "refusal without libpng")
        checks.check(not os.path.exists(path), "no file without libpng")
        print("NOTE: built without libpng: PNG checks replaced by the "
              "refusal's")
        return False
    checks.equal((status, out, err), (0, "", ""), "show --png probe")
    return True


def png_section(checks, st, arrs):
    for expr, fn in WINDOWS:
        window = fn(arrs)
        for scale in (1, 3):
            path = st.file("w%d.png" % scale)
            args = ["show", expr, "--png", path]
            if scale != 1:
                args += ["--scale", str(scale)]
            status, out, err = run(st, *args)
            what = "%s --scale %d" % (expr, scale)
            if checks.equal((status, out, err), (0, "", ""),
                            what + ": exit 0, silent"):
                check_png(checks, path, window, scale, what)
    # wider than libpng's default limit of a million pixels
    line = (np.arange(1000001) % 7).astype(np.uint8)
    create(st, "line", line)
    path = st.file("line.png")
    status, out, err = run(st, "show", "line", "--png", path)
    if checks.equal((status, out, err), (0, "", ""),
                    "a row of 1000001 pixels: exit 0, silent"):
        check_png(checks, path, line, 1, "a row of 1000001 pixels")
    left = [n for n in listing(st.scratch) if n.startswith(".")]
    checks.equal(left, [], "no temporary files left beside the PNGs")


def terminal_section(checks, st, arrs):
    for expr, fn in WINDOWS:
        status, out, err = run(st, "show", expr, columns=200, lines=100)
        if not checks.equal((status, err), (0, ""), expr + ": exit 0"):
            continue
        checks.check(out.endswith("\n"), expr + ": output ends a line")
        check_drawing(checks, out.split("\n")[:-1], expr, fn(arrs), 200,
                      100, expr)
    # a tab is whitespace in an index; the header shows it escaped, as
    # every message does (a newline would be "\\n")
    status, out, err = run(st, "show", "i[\t::2]")
    if checks.equal((status, err), (0, ""), "a tab in EXPR: exit 0"):
        check_drawing(checks, out.split("\n")[:-1], "i[\\t::2]",
                      arrs["i"][::2], 200, 100, "a tab in EXPR")


def downsample_section(checks, st):
    gen = np.random.default_rng(7)
    d = gen.normal(size=(13, 21))
    d[0:3, 0:3] = np.nan          # a whole block of NaN at 1/3: grey
    d[3:6, 3:6] = np.inf          # a whole block of +inf: the top colour
    d[6, 7] = np.nan              # a NaN among finite values: left out
    d[7, 8] = -np.inf             # so is an infinity
    d[12, 18:21] = -np.inf        # the corner's partial block, all -inf
    e = np.arange(50, dtype=np.int16) * 3 - 70
    t = gen.integers(-1000, 1000, size=(40, 5)).astype(np.int64)
    s = gen.normal(size=(9, 4)).astype(np.float32)
    big = gen.normal(size=(300, 400))
    # the plain sum of the one block overflows; the mean does not
    huge = np.array([[1e308, 1.5e308, -1e308], [1.7e308, 1e308, 2e307]])
    for name, arr in (("d", d), ("e", e), ("t", t), ("s", s),
                      ("big", big), ("huge", huge)):
        create(st, name, arr)
    cases = [
        ("d", d, 10, 7),        # 1/3: columns decide, partial blocks
        ("d", d, 21, 100),      # fits exactly: no shrinking
        ("d.T", d.T, 80, 6),    # rows decide
        ("e", e, 8, 24),        # 1-d: 1/7, 8 cells
        ("t", t, 80, 6),        # 40 rows in 3 lines: 1/7
        ("s", s, 80, 3),        # one line of picture: 1/5
        ("s", s, 80, 1),        # a silly terminal still draws a line
        ("big", big, 80, 24),   # 1/6 (the defaults)
        ("big[::-1, 7:]", big[::-1, 7:], 100, 30),
        ("huge", huge, 1, 100),  # 1/3: one cell
    ]
    for expr, window, columns, lines in cases:
        what = "%s at %dx%d" % (expr, columns, lines)
        status, out, err = run(st, "show", expr, columns=columns,
                               lines=lines)
        if checks.equal((status, err), (0, ""), what + ": exit 0"):
            check_drawing(checks, out.split("\n")[:-1], expr, window,
                          columns, lines, what)


CHUNK = 65536  # elements show reads at a time (tools/cmd_show.c)


def long_section(checks, st, png):
    """Rows of many chunks, drawn exactly, and in bounded memory."""
    gen = np.random.default_rng(11)
    n = 4 * CHUNK + 37
    long1 = gen.normal(size=n) * 100
    # NaN and infinities on both sides of chunk edges, one lone +inf
    for i in (CHUNK - 1, CHUNK, 3 * CHUNK + 1):
        long1[i] = np.nan
    long1[2 * CHUNK - 1] = -np.inf
    long1[2 * CHUNK] = np.inf
    long1[n - 1] = 1e4  # the largest value, in the last chunk
    wide = gen.integers(-50, 50, size=(3, 2 * CHUNK + 5)).astype(np.int32)
    zc = (gen.normal(size=CHUNK + 901)
          + 1j * gen.normal(size=CHUNK + 901)).astype(np.complex64)
    ramp = np.arange(CHUNK + 1, dtype=np.int16) % 1000
    for name, arr in (("long1", long1), ("wide", wide), ("zc", zc),
                      ("ramp", ramp)):
        create(st, name, arr)
    windows = [
        ("long1", long1, 200),          # k = 1311: chunk edges in blocks
        ("long1", long1, 173),          # k = 1516 (and so on)
        ("long1[7::3]", long1[7::3], 200),
        ("long1[::-1]", long1[::-1], 97),
        ("wide[:, ::-1]", wide[:, ::-1], 200),
        ("wide.T[5:-5].T", wide.T[5:-5].T, 151),
        ("zc", zc, 200),
        ("ramp", ramp, 200),            # 65537: one element past a chunk
        ("ramp[1:]", ramp[1:], 199),    # exactly one chunk
    ]
    for expr, window, columns in windows:
        what = "%s at %d columns" % (expr, columns)
        status, out, err = run(st, "show", expr, columns=columns, lines=40)
        if checks.equal((status, err), (0, ""), what + ": exit 0"):
            check_drawing(checks, out.split("\n")[:-1], expr, window,
                          columns, 40, what)
    if png:
        for expr, window in (("long1[7::3]", long1[7::3]),
                             ("wide[:, ::-1]", wide[:, ::-1]),
                             ("zc", zc)):
            path = st.file("long.png")
            status, out, err = run(st, "show", expr, "--png", path)
            if checks.equal((status, out, err), (0, "", ""),
                            expr + " --png: exit 0, silent"):
                check_png(checks, path, window, 1, expr + " --png")

    # memory: what the tool's peak RSS grows by from a tiny window to 16
    # million int8 elements (16 MiB of pages mapped and read).  Reading
    # the row whole took 9 bytes an element more (the row gathered, and
    # as float64): 144 MiB.
    if os.environ.get("NDSHM_UNDER_VALGRIND") or \
            os.environ.get("NDSHM_ASAN_RUNTIME"):
        print("NOTE: the peak RSS check is skipped under valgrind or "
              "sanitizers")
        return
    st.run("create", "tiny", "--shape", "3", "--dtype", "int8")
    st.run("create", "huge1", "--shape", "16000000", "--dtype", "int8")

    def peak_kib(expr):
        # a fresh Python runs the tool, so that RUSAGE_CHILDREN is the
        # tool's alone
        env = dict(st.env, COLUMNS="200", LINES="40")
        p = subprocess.run(
            [sys.executable, "-c",
             "import resource, subprocess, sys\n"
             "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
             "print(p.returncode, resource.getrusage("
             "resource.RUSAGE_CHILDREN).ru_maxrss)",
             NDSHM, "show", expr], env=env, capture_output=True, text=True,
            timeout=TIMEOUT)
        status, kib = p.stdout.split()
        checks.equal((int(status), p.stderr), (0, ""),
                     "show %s for the RSS: exit 0" % expr)
        return int(kib)

    small, big = peak_kib("tiny"), peak_kib("huge1")
    checks.check(big - small < 48 * 1024,
                 "16 million int8 elements: peak RSS %d KiB over a tiny "
                 "window's, want under 48 MiB" % (big - small))


def error_section(checks, st, png):
    st.run("create", "z", "--shape", "2,3,4")
    st.run("create", "q", "--shape", "2,1,3,4", "--dtype", "uint8")
    st.run("create", "s0", "--shape", "()")
    st.run("create", "f2", "--shape", "3,5")
    st.run("create", "i2", "--shape", "7", "--dtype", "int32")
    rows = [
        (["z"], "cannot draw 'z': it is 3-d; show draws 1-d and 2-d "
         "windows (index it, e.g. 'z[0]')"),
        (["q"], "cannot draw 'q': it is 4-d; show draws 1-d and 2-d "
         "windows (index it, e.g. 'q[0, 0]')"),
        (["q[1:]"], "e.g. 'q[1:][0, 0]'"),
        (["z[0, 0, 0]"], "cannot draw 'z[0, 0, 0]': it is 0-d"),
        (["s0"], "cannot draw 's0': it is 0-d"),
        (["f2[:0]"], "cannot draw 'f2[:0]': it is empty (shape (0, 5))"),
        (["i2[5:2]"], "cannot draw 'i2[5:2]': it is empty (shape (0,))"),
        (["nosuch"], "cannot open 'nosuch': no such array 'nosuch'"),
        (["f2[9]"], "cannot open 'f2[9]': "),
        (["f2[", "--png", st.file("e.png")], "cannot open 'f2[': "),
        (["z", "--png", st.file("e.png")], "it is 3-d"),
    ]
    if png:
        # too large for a PNG: refused before a row is read
        st.run("create", "tall", "--shape", "33554432,1", "--dtype", "uint8")
        st.run("create", "wide", "--shape", "1398102", "--dtype", "uint8")
        rows += [
            (["tall", "--png", st.file("e.png"), "--scale", "64"],
             "cannot write '%s': 33554432 x 1 elements at scale 64 is too "
             "large: PNG allows at most 2147483647 pixels a side"
             % st.file("e.png")),
            (["wide", "--png", st.file("e.png"), "--scale", "64"],
             "cannot write '%s': a row of 89478528 pixels is too wide: rows "
             "of at most 89478485 pixels are written" % st.file("e.png")),
        ]
    for args, fragment in rows:
        if "--png" in args and not png:  # refused before EXPR is opened
            fragment = "this ndshm was built without libpng"
        status, out, err = run(st, "show", *args)
        what = "show " + " ".join(args)
        problem = one_line_error(status, out, err, "show")
        checks.check(problem is None, what + ": " + str(problem))
        checks.check(fragment in err, what + ": message",
                     "got:  %r\nwant: ...%r..." % (err, fragment))
    checks.check(not os.path.exists(st.file("e.png")),
                 "no PNG written for a window that cannot be drawn")
    usage = [
        [],
        ["f2", "--scale", "0", "--png", st.file("e.png")],
        ["f2", "--scale", "65", "--png", st.file("e.png")],
        ["f2", "--scale", "abc", "--png", st.file("e.png")],
        ["f2", "--scale", "2.5", "--png", st.file("e.png")],
        ["f2", "--scale", "", "--png", st.file("e.png")],
        ["f2", "--scale", "2"],
        ["f2", "--png", ""],
        ["f2", "--png"],
        ["f2", "i2"],
        ["f2", "--bogus"],
    ]
    for args in usage:
        status, out, err = run(st, "show", *args)
        what = "show " + " ".join(repr(a) for a in args)
        checks.equal(status, 2, what + ": exit 2")
        checks.check(out == "" and err.count("\n") == 1
                     and err.startswith("ndshm show: ")
                     and "--help" in err, what + ": one usage line",
                     repr((out, err)))
    checks.check(not os.path.exists(st.file("e.png")),
                 "no PNG written on a usage error")


def png_failure_section(checks, st):
    gen = np.random.default_rng(3)
    create(st, "noisy", gen.integers(0, 256, size=(64, 64), dtype=np.uint8))
    create(st, "small", np.array([[1.0, 2.0], [3.0, 4.0]]))
    top = st.file("out")
    os.mkdir(top)
    old = os.path.join(top, "old.png")
    status, _, err = run(st, "show", "small", "--png", old)
    checks.equal((status, err), (0, ""), "the old PNG is written")
    old_bytes = file_bytes(old)
    os.mkdir(os.path.join(top, "sub"))
    with open(os.path.join(top, "sub", "keep"), "w") as f:
        f.write("keep")
    before = listing(top)

    def unchanged(what):
        checks.equal(file_bytes(old), old_bytes, what + ": old PNG intact")
        checks.equal(listing(top), before, what + ": no file left or added")
        checks.equal(listing(os.path.join(top, "sub")), ["keep"],
                     what + ": the directory named is untouched")

    def limit_size():
        # a write past 1000 bytes fails with EFBIG instead of killing
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))

    cases = [
        ("a file size limit hit half way", [old], limit_size,
         "cannot write '%s': File too large" % old),
        ("the name of a directory", [os.path.join(top, "sub")], None,
         "cannot write '%s': Is a directory" % os.path.join(top, "sub")),
        ("no such directory", [os.path.join(top, "nodir", "x.png")], None,
         "cannot write '%s': cannot create a file in '%s': No such file or "
         "directory" % (os.path.join(top, "nodir", "x.png"),
                        os.path.join(top, "nodir"))),
    ]
    for what, args, preexec, message in cases:
        status, out, err = run(st, "show", "noisy", "--png", *args,
                               preexec=preexec)
        problem = one_line_error(status, out, err, "show")
        checks.check(problem is None, what + ": " + str(problem))
        checks.equal(err, "ndshm show: %s\n" % message, what + ": message")
        unchanged(what)
    if os.geteuid() == 0:
        print("NOTE: run as root: the read-only directory case is skipped "
              "(root writes anyway)")
    else:
        os.chmod(top, 0o555)
        try:
            status, out, err = run(st, "show", "noisy", "--png", old)
        finally:
            os.chmod(top, 0o755)
        problem = one_line_error(status, out, err, "show")
        checks.check(problem is None, "read-only directory: " + str(problem))
        checks.check("Permission denied" in err,
                     "read-only directory: message", err)
        unchanged("read-only directory")
    # and the same name written for real replaces the old file whole
    status, _, err = run(st, "show", "noisy", "--png", old)
    checks.equal((status, err), (0, ""), "the PNG is replaced")
    check_png(checks, old, st.window("noisy"), 1, "the replacing PNG")


# ---- --watch ----------------------------------------------------------------

def default_stop_signals():
    """SIGINT and SIGQUIT as they should be for the tool: a test started
    with `&` by a shell without job control has them ignored, and show
    rightly leaves an ignored signal ignored."""
    for sig in (signal.SIGINT, signal.SIGQUIT):
        signal.signal(sig, signal.SIG_DFL)


class Watch:
    """`ndshm show ... --watch` with stdout a pipe."""

    def __init__(self, st, *args, columns=200, lines=100):
        env = dict(st.env, COLUMNS=str(columns), LINES=str(lines))
        self.proc = subprocess.Popen([NDSHM, "show", *args, "--watch"],
                                     env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE,
                                     preexec_fn=default_stop_signals)
        self.buf = b""

    def read_until(self, marker, timeout=TIMEOUT):
        """Everything up to and including marker (bytes)."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while marker not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise AssertionError("no %r within %g s; got %r" % (
                    marker, timeout, self.buf[-200:]))
            chunk = os.read(fd, 65536)
            if not chunk:
                raise AssertionError("show exited (%s) before %r; stderr %r"
                                     % (self.proc.wait(), marker,
                                        self.proc.stderr.read()))
            self.buf += chunk
        end = self.buf.index(marker) + len(marker)
        part, self.buf = self.buf[:end], self.buf[end:]
        return part.decode("utf-8")

    def stop(self, sig):
        """Send sig; (exit status, the rest of stdout, stderr)."""
        self.proc.send_signal(sig)
        try:
            out, err = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("show --watch did not exit on %s" % sig)
        return (self.proc.returncode, (self.buf + out).decode("utf-8"),
                err.decode("utf-8", "replace"))

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def frame_lines(checks, frame, first, what):
    """The lines of a --watch frame, its cursor and erase sequences
    checked and removed."""
    start = "\x1b[H\x1b[2J" if first else "\x1b[H"
    checks.check(frame.startswith(start) and (
        first or not frame.startswith("\x1b[H\x1b[2J")),
        what + ": starts with %r" % start, repr(frame[:20]))
    checks.check(frame.endswith("\n\x1b[J"), what + ": ends with ESC[J",
                 repr(frame[-20:]))
    lines = frame[len(start):-len("\x1b[J")].split("\n")[:-1]
    checks.check(all(line.endswith("\x1b[K") for line in lines),
                 what + ": every line erases to its end")
    return [line[:-len("\x1b[K")] if line.endswith("\x1b[K") else line
            for line in lines]


def waiters(st, name):
    """The array's count of waiters: the u32 at offset 72 of its control
    block, the last 4096 bytes of its data file (docs/FORMAT.md)."""
    path = st.json("info", "--json", name)["path"]
    with open(path, "rb") as f:
        f.seek(os.fstat(f.fileno()).st_size - 4096 + 72)
        return struct.unpack("<I", f.read(4))[0]


def check_stop(checks, st, name, sig, what):
    """Start --watch on name, wait until it sleeps on the array (the
    waiter count is 1), stop it with sig: exit 0, silent, ESC[0m last,
    and the count back to 0."""
    watch = Watch(st, name)
    try:
        watch.read_until(b"\x1b[J")
        deadline = time.monotonic() + TIMEOUT
        while waiters(st, name) != 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        checks.equal(waiters(st, name), 1, what + ": one waiter while "
                     "it waits")
        status, rest, err = watch.stop(sig)
        checks.equal((status, err), (0, ""), what + ": exit 0, no message")
        checks.equal(rest, "\x1b[0m", what + ": the colours reset, last")
        checks.equal(waiters(st, name), 0, what + ": no waiter left")
    finally:
        watch.kill()


def scale_choices(rng):
    """The scale lines the documentation allows, most preferred first, as
    (visible width, words, bar colours)."""
    legend, grey = (["nan"], [GREY]) if rng.nan else ([], [])
    if rng.finite == 0:
        words = ["no", "finite", "values"]
        out = [(16 + 7, words + legend, grey)] if rng.nan else []
        return out + [(16, words, []), (0, [], [])]
    lo, hi = "%.6g" % rng.lo, "%.6g" % rng.hi
    flat = not rng.hi > rng.lo

    def bar(cells):
        return [colour(0.5 if flat else i / (cells - 1))
                for i in range(cells)]
    out = []
    for extra in ([7] if rng.nan else []) + [0]:
        for cells in range(BAR_CELLS, 1, -1):
            out.append((len(lo) + 1 + cells + 1 + len(hi) + extra,
                        [lo, hi] + (legend if extra else []),
                        bar(cells) + (grey if extra else [])))
    return out + [(len(lo) + 1 + len(hi), [lo, hi], []),
                  (len(lo), [lo], []), (0, [], [])]


def check_narrow(checks, st, expr, window, columns, what):
    """A --watch frame on a terminal of columns: no line wider, the header
    cut with an ellipsis, the scale line the first choice that fits, the
    picture as always."""
    lines = 12
    watch = Watch(st, expr, columns=columns, lines=lines)
    try:
        out = frame_lines(checks, watch.read_until(b"\x1b[J"), True, what)
        watch.stop(signal.SIGINT)
    finally:
        watch.kill()
    COUNTS["frames"] += 1
    widths = [len(strip_escapes(line)) for line in out]
    checks.check(max(widths) <= columns, "%s: no line wider than %d "
                 "columns" % (what, columns), repr(widths))
    rows = as_float(window)
    rng = Range(rows)
    k = fit_factor(len(rows), len(rows[0]), columns, lines)
    want = expected_cells(shrink(rows, k) if k > 1 else rows, rng)
    if not checks.equal(len(out), len(want) + 2, what + ": line count"):
        return
    header = header_text(expr, window, k)
    if len(header) > columns:
        header = header[:columns - 1] + "\u2026"
    checks.equal(strip_escapes(out[0]), header, what + ": header")
    checks.equal([parse_cells(line) for line in out[1:-1]], want,
                 what + ": picture")
    COUNTS["cells"] += sum(len(line) for line in want)
    width, words, bar = next(c for c in scale_choices(rng)
                             if c[0] <= columns)
    checks.equal((strip_escapes(out[-1]).split(), bar_colours(out[-1])),
                 (words, bar), what + ": scale line")


def check_second_signal(checks, st, name):
    """On a pseudo-terminal that is not read, the frame's write sticks;
    SIGINT is noted, a second one ends the process by SIGINT, and the
    colours are reset and the cursor shown before it goes."""
    import fcntl
    import pty
    import termios
    master, slave = pty.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", 100, 200, 0, 0))
        # not under valgrind: a process ended by a signal still holds
        # its memory, which memcheck would report as lost
        tool = os.environ.get("NDSHM_UNDER_VALGRIND") or NDSHM
        proc = subprocess.Popen([tool, "show", name, "--watch"],
                                env=st.env, stdout=slave,
                                stderr=subprocess.PIPE,
                                preexec_fn=default_stop_signals)
    finally:
        os.close(slave)
    got = b""
    try:
        # the cursor hidden: the signals are caught by now
        while b"\x1b[?25l" not in got:
            if not select.select([master], [], [], TIMEOUT)[0]:
                raise AssertionError("no output from show on a pty")
            got += os.read(master, 1024)
        time.sleep(0.3)  # the frame's write fills the pty and sticks
        checks.equal(proc.poll(), None, "a pty that is not read: still "
                     "writing")
        proc.send_signal(signal.SIGINT)
        time.sleep(0.3)
        checks.equal(proc.poll(), None, "the first SIGINT waits for the "
                     "write")
        proc.send_signal(signal.SIGINT)
        while True:
            if not select.select([master], [], [], TIMEOUT)[0]:
                raise AssertionError("show on a pty: no end")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the last writer has gone
                break
            if not chunk:
                break
            got += chunk
        status = proc.wait(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
    checks.equal((status, err), (-signal.SIGINT, ""),
                 "a second SIGINT ends it by SIGINT")
    checks.check(got.endswith(b"\x1b[0m\x1b[?25h"), "a second SIGINT: the"
                 " colours reset and the cursor shown, last",
                 repr(got[-40:]))


def watch_section(checks, st, png):
    w = np.arange(16, dtype=np.float64).reshape(4, 4)
    create(st, "w", w)
    watch = Watch(st, "w")
    try:
        first = frame_lines(checks, watch.read_until(b"\x1b[J"), True,
                            "frame 1")
        check_drawing(checks, first, "w", w, 200, 100, "frame 1")
        st.run("set", "w[1, 2]", "0.5")  # min and max stay 0 and 15
        w[1, 2] = 0.5
        second = frame_lines(checks, watch.read_until(b"\x1b[J"), False,
                             "frame 2")
        check_drawing(checks, second, "w", w, 200, 100, "frame 2")
        # w[1, 2] is the lower half of line 0, column 2; nothing else moved
        cells1, cells2 = parse_cells(first[1]), parse_cells(second[1])
        checks.equal(cells2[2][1], colour(0.5 / 15), "the changed cell")
        checks.check(cells1[2][1] != cells2[2][1], "the cell did change")
        checks.equal([c for i, c in enumerate(cells2) if i != 2],
                     [c for i, c in enumerate(cells1) if i != 2],
                     "the other cells of the line are as before")
        checks.equal(first[2:], second[2:], "the other lines are as before")
        # a resized terminal is drawn again (the same here: no size moved)
        watch.proc.send_signal(signal.SIGWINCH)
        third = frame_lines(checks, watch.read_until(b"\x1b[J"), False,
                            "frame 3, after SIGWINCH")
        checks.equal(third, second, "SIGWINCH draws the frame again")
        status, rest, err = watch.stop(signal.SIGINT)
        checks.equal((status, err), (0, ""), "SIGINT: exit 0, no message")
        checks.equal(rest, "\x1b[0m", "SIGINT: the colours reset, last")
        checks.equal(waiters(st, "w"), 0, "SIGINT: no waiter left")
    finally:
        watch.kill()
    # the terminal closed, or quit: the same clean end
    for sig in (signal.SIGHUP, signal.SIGQUIT, signal.SIGTERM):
        check_stop(checks, st, "w", sig, sig.name)

    # a narrow terminal: nothing wraps, which would scroll the screen
    gen = np.random.default_rng(5)
    narrow = gen.normal(size=(9, 70))
    narrow[4, 4] = np.nan
    name = "a_rather_long_name_for_a_header"
    create(st, name, narrow)
    create(st, "nofinite", np.array([np.nan, np.inf, np.nan]))
    for columns in (30, 24, 20, 18, 12, 5, 3):
        check_narrow(checks, st, name + "[:, ::-1]", narrow[:, ::-1],
                     columns, "%d columns" % columns)
    for columns in (23, 22, 15):
        check_narrow(checks, st, "nofinite", np.array([np.nan, np.inf,
                                                       np.nan]),
                     columns, "no finite values, %d columns" % columns)

    big = gen.normal(size=(200, 200))
    create(st, "big", big)
    check_second_signal(checks, st, "big")

    if not png:
        return
    # --watch --png: the file is rewritten at each change
    path = st.file("watch.png")
    watch = Watch(st, "w", "--png", path, "--scale", "2")
    try:
        deadline = time.monotonic() + TIMEOUT
        while not os.path.exists(path) and time.monotonic() < deadline:
            time.sleep(0.01)
        check_png(checks, path, w, 2, "--watch --png, first")
        before = file_bytes(path)
        st.run("set", "w[3]", "[-1, 0, 1, 2]")
        w[3] = [-1, 0, 1, 2]
        while file_bytes(path) == before and time.monotonic() < deadline:
            time.sleep(0.01)
        check_png(checks, path, w, 2, "--watch --png, after a change")
        status, rest, err = watch.stop(signal.SIGTERM)
        checks.equal((status, rest, err), (0, "", ""),
                     "--watch --png: SIGTERM exits 0, stdout empty")
        checks.equal([n for n in listing(st.scratch) if n.startswith(".")],
                     [], "--watch --png: no temporary file left")
    finally:
        watch.kill()


def main():
    keep = "--keep" in sys.argv[1:]
    if not os.access(NDSHM, os.X_OK):
        testlib.skip("%s is not built" % NDSHM)
    checks = Checks("show")
    arrs = arrays()
    with Store(keep=keep) as st:
        with checks.section("setup"):
            for name, arr in arrs.items():
                create(st, name, arr)
            png = png_works(checks, st)
        if png:
            with checks.section("png"):
                png_section(checks, st, arrs)
        with checks.section("terminal"):
            terminal_section(checks, st, arrs)
    with Store(keep=keep) as st, checks.section("downsampling"):
        downsample_section(checks, st)
    with Store(keep=keep) as st, checks.section("long windows"):
        long_section(checks, st, png)
    with Store(keep=keep) as st, checks.section("errors"):
        error_section(checks, st, png)
    if png:
        with Store(keep=keep) as st, checks.section("png failures"):
            png_failure_section(checks, st)
    with Store(keep=keep) as st, checks.section("watch"):
        watch_section(checks, st, png)
    print("compared: " + ", ".join("%d %s" % (n, what)
                                   for what, n in COUNTS.items()))
    return checks.close()


if __name__ == "__main__":
    sys.exit(main())
