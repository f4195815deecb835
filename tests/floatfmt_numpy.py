"""NumPy as the oracle for tools/floatfmt.c.

Feeds tests/ff_dump (ff_format and ff_repr over stdin) every float16 bit
pattern and a seeded sample of float32 and float64 values -- random bit
patterns and "human" values (round decimals of every magnitude, binary
ties, carries, subnormals, the ends of each type) -- under the option sets
NumPy's printing uses, and compares each line with
numpy.core.arrayprint.dragon4_positional / dragon4_scientific (and with
str() of the NumPy scalar for ff_repr).  Prints the first 20 mismatches
(at most 3 per option set), the count per option set, and exits 1 on any.
NDSHM_FF_SEED=N picks another sample.
"""
import multiprocessing
import os
import random
import subprocess
import sys

import numpy as np
from numpy.core import arrayprint as ap

SEED = int(os.environ.get("NDSHM_FF_SEED", "20240611"))
N_RANDOM = 10000  # random bit patterns per wide type
N_HUMAN = 3000   # "human" values per wide type and kind
MAX_SHOWN = 20

TYPES = {16: np.float16, 32: np.float32, 64: np.float64}
UINT = {16: np.uint16, 32: np.uint32, 64: np.uint64}

# (mode, precision, min_digits, trim, sign, pad_left, pad_right, exp_digits)
# as NumPy's array printer (FloatingFormat.fillFormat, then __call__), its
# scalar str/repr and complex parts use them, plus small precisions.
OPTIONS = [
    ("p", -1, -1, ".", 0, -1, -1, -1),
    ("p", 8, -1, ".", 0, -1, -1, -1),   # fillFormat
    ("p", 8, -1, ".", 1, -1, -1, -1),   # fillFormat, imaginary part
    ("p", 8, 0, ".", 0, 3, 8, -1),      # __call__, with padding
    ("p", -1, -1, "0", 0, -1, -1, -1),  # repr
    ("p", -1, -1, "-", 1, -1, -1, -1),  # complex scalar parts
    ("p", 3, -1, "k", 0, -1, -1, -1),
    ("p", 0, -1, ".", 0, -1, -1, -1),
    ("p", -1, 3, "k", 0, -1, -1, -1),
    ("p", 4, 4, "k", 0, -1, -1, -1),
    ("p", 2, 1, "-", 1, 6, 4, -1),
    ("p", -1, -1, "-", 0, 4, 3, -1),
    ("s", -1, -1, ".", 0, -1, -1, -1),
    ("s", 8, -1, ".", 0, -1, -1, -1),   # fillFormat
    ("s", 8, -1, ".", 1, -1, -1, -1),   # fillFormat, imaginary part
    ("s", 3, 3, "k", 0, 2, -1, 2),      # __call__
    ("s", -1, -1, "-", 0, -1, -1, -1),  # scalar str
    ("s", 5, 5, "k", 1, 4, -1, 3),
    ("s", 0, -1, ".", 0, -1, -1, -1),
    ("s", -1, 2, "0", 0, -1, -1, -1),
    ("s", 1, 0, "k", 0, -1, -1, -1),
    ("r", -1, -1, ".", 0, -1, -1, -1),  # ff_repr against str(scalar)
]


def from_bits(bits, b):
    """The float of the given type whose bit pattern is b."""
    return np.frombuffer(UINT[bits](b).tobytes(), TYPES[bits])[0]


def human_values(rng, bits):
    """Values people type and programs compute, of every magnitude."""
    with np.errstate(over="ignore"):
        return [x for x in _human_values(rng, bits) if np.isfinite(x)]


def _human_values(rng, bits):
    t = TYPES[bits]
    fi = np.finfo(t)
    lo, hi = int(np.floor(np.log10(float(fi.smallest_subnormal)))), \
        int(np.ceil(np.log10(float(fi.max))))
    out = []
    for _ in range(N_HUMAN):
        e = rng.randint(lo, hi)
        k = rng.choice([1, 2, 5, 9, rng.randint(1, 999),
                        rng.randint(1, 99999)])
        out.append(t(float("%de%d" % (k, e))))
        out.append(t(round(rng.random() * 1000, rng.randint(0, 6))))
        out.append(t(rng.random() * 10.0 ** rng.randint(-8, 20)))
        # near a power of ten, where carries happen: 9.99..., 0.0999...
        out.append(np.nextafter(t(10.0 ** rng.randint(-6, 15)), t(0)))
    # binary ties: exactly representable values that end in ...5
    for n in range(1, 40):
        out.append(t(2.0 ** -n))
        out.append(t(3 * 2.0 ** -n))
    out += [t(0.1), t(0.3), t(1 / 3), t(2 / 3), t(9.999), t(0.9999999),
            t(99999999.5), t(1e16), t(1e-4), t(fi.max), t(fi.tiny),
            t(fi.smallest_subnormal), t(fi.eps), t(123456789.0)]
    return out


def build_values():
    rng = random.Random(SEED)
    values = []
    for h in range(1 << 16):
        x = from_bits(16, h)
        if np.isfinite(x):
            values.append((16, x))
    for bits in (32, 64):
        t = TYPES[bits]
        values += [(bits, t(v)) for v in (np.inf, -np.inf, np.nan, -0.0, 0.0)]
        n = 0
        while n < N_RANDOM:
            x = from_bits(bits, rng.getrandbits(bits))
            if np.isfinite(x):
                values.append((bits, x))
                n += 1
        values += [(bits, x) for x in human_values(rng, bits)]
        values += [(bits, -x) for x in human_values(rng, bits)[:500]]
    values += [(16, np.float16(v)) for v in (np.inf, -np.inf, np.nan)]
    return values


def expected(x, opt):
    mode, prec, mind, trim, sign, pad_left, pad_right, exp_digits = opt
    if mode == "r":
        return str(x)
    if mode == "p":
        return ap.dragon4_positional(
            x, precision=prec, min_digits=mind, unique=True, fractional=True,
            trim=trim, sign=bool(sign), pad_left=pad_left,
            pad_right=pad_right)
    return ap.dragon4_scientific(
        x, precision=prec, min_digits=mind, unique=True, trim=trim,
        sign=bool(sign), pad_left=pad_left, exp_digits=exp_digits)


VALUES = []
FF_DUMP = os.path.join(os.environ.get("top_builddir", "."), "tests", "ff_dump")


def check_range(bounds):
    """Compare ff_dump with NumPy for VALUES[lo:hi].

    Returns the number of cases, the first mismatches (at most 3 per
    option set, so that one broken option set does not hide the others)
    and the number of mismatches per option set.
    """
    lo, hi = bounds
    lines = []
    for bits, x in VALUES[lo:hi]:
        hx = float(x).hex()
        for opt in OPTIONS:
            m, p, md, t, s, pl, pr, ed = opt
            lines.append("%d %s %s %d %d %s %d %d %d %d\n"
                         % (bits, hx, m, p, md, t, s, pl, pr, ed))
    res = subprocess.run([FF_DUMP], input="".join(lines).encode(),
                         capture_output=True, check=False)
    got = res.stdout.decode().split("\n")
    bad = []
    per_option = [0] * len(OPTIONS)
    if res.returncode != 0:
        bad.append((-1, "ff_dump exited with %d: %s"
                       % (res.returncode, res.stderr.decode()[:200])))
    k = 0
    for bits, x in VALUES[lo:hi]:
        for j, opt in enumerate(OPTIONS):
            exp = expected(x, opt)
            out = got[k] if k < len(got) else "<missing>"
            if out != exp:
                per_option[j] += 1
                if per_option[j] <= 3:
                    bad.append((j, "float%d %r (%s) %s: numpy %r, ff %r"
                                % (bits, x, float(x).hex(), opt, exp, out)))
            k += 1
    return k, bad, per_option


def main():
    if not os.access(FF_DUMP, os.X_OK):
        print("FAIL: %s is not built (set top_builddir)" % FF_DUMP)
        return 1
    VALUES.extend(build_values())
    n = len(VALUES)
    jobs = 2
    step = (n + 4 * jobs - 1) // (4 * jobs)
    chunks = [(i, min(i + step, n)) for i in range(0, n, step)]
    # forked workers inherit VALUES
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        results = pool.map(check_range, chunks)
    cases = sum(r[0] for r in results)
    if cases != n * len(OPTIONS):
        print("FAIL: compared %d cases of %d" % (cases, n * len(OPTIONS)))
        return 1
    shown = [0] * (len(OPTIONS) + 1)
    failed_runs = 0
    for j, msg in [b for r in results for b in r[1]]:
        failed_runs += j < 0
        if shown[j] < 3 and sum(shown) < MAX_SHOWN:
            shown[j] += 1
            print("MISMATCH", msg)
    nbad = failed_runs
    for j, opt in enumerate(OPTIONS):
        count = sum(r[2][j] for r in results)
        nbad += count
        if count:
            print("option set %s: %d mismatches" % (opt, count))
    print("seed %d: %d values, %d cases, %d mismatches"
          % (SEED, n, cases, nbad))
    return 1 if nbad else 0


if __name__ == "__main__":
    sys.exit(main())
