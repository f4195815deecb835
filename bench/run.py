"""bench/run.py -- ndshm's hot paths against NumPy and the machine's floors,
measured in the same run on the same data, as ratios.

    make bench            (or: python3 bench/run.py BUILD_DIR)

The C programs in bench/ time ndshm (median of BENCH_RUNS runs after a
warm-up, default 7); this script times the peers on the same data files
(NumPy on a numpy.load(..., mmap_mode='r+') of the very arrays ndshm
uses), then prints one table: figure, ndshm, peer or floor, ratio,
target.  docs/BENCH.md explains each figure.  Exit status 0 even when a
target is missed: the table is the result.
"""
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
NDSHM = os.path.join(BUILD, "tools", "ndshm")


def prog(name):
    return os.path.join(BUILD, "bench", name)


def run_c(*args):
    """A bench program's FIGURE<tab>SECONDS lines, as a dict."""
    out = subprocess.run(args, check=True, capture_output=True,
                         text=True).stdout
    return {k: float(v) for k, v in
            (line.split("\t") for line in out.splitlines() if line)}


def median_time(fn, reps=1):
    """Median seconds per call of fn over RUNS runs after a warm-up."""
    fn()
    times = []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - t0) / reps)
    return statistics.median(times)


def path_of(store, name):
    info = subprocess.check_output([NDSHM, "--store", store, "info", name,
                                    "--json"])
    return json.loads(info)["path"]


# ---- the figures -------------------------------------------------------------

WINDOWS = [  # name, ndshm expression, the same on NumPy arrays
    ("whole", "a2", lambda a: a["a2"]),
    ("step2", "a2[::2, ::2]", lambda a: a["a2"][::2, ::2]),
    ("inner", "a2[1:-1, 3:-5]", lambda a: a["a2"][1:-1, 3:-5]),
    ("reversed", "a2[::-1, ::-1]", lambda a: a["a2"][::-1, ::-1]),
    ("3d", "a3[1:-1, ::2, 3:-5]", lambda a: a["a3"][1:-1, ::2, 3:-5]),
    ("4d", "a4[::2, 1:-1, :, ::-1]", lambda a: a["a4"][::2, 1:-1, :, ::-1]),
]


class Lib:
    """The library's bulk calls through ctypes: a call costs about a
    microsecond, nothing next to the milliseconds they move."""

    def __init__(self, store):
        sys.path.insert(0, os.path.join(os.path.dirname(
            os.path.abspath(__file__)), "..", "python"))
        os.environ.setdefault("NDSHM_LIBRARY", os.path.join(
            BUILD, "lib", ".libs", "libndshm.so"))
        import ctypes
        import ndshm
        self.ct = ctypes
        self.lib = lib = ndshm.load_library()
        vp = ctypes.c_void_p
        for name, args in (("ndshm_store_open", [ctypes.POINTER(vp),
                                                 ctypes.c_char_p,
                                                 ctypes.c_uint]),
                           ("ndshm_array_open", [ctypes.POINTER(vp), vp,
                                                 ctypes.c_char_p,
                                                 ctypes.c_uint]),
                           ("ndshm_array_read", [vp, vp, vp]),
                           ("ndshm_array_write", [vp, vp, vp]),
                           ("ndshm_array_fill", [vp, vp]),
                           ("ndshm_array_read_as", [vp, ctypes.c_int, vp,
                                                    vp])):
            getattr(lib, name).argtypes = args
        self.st = vp()
        assert lib.ndshm_store_open(ctypes.byref(self.st),
                                    store.encode(), 0) == 0
        self.store = ndshm.Store(store)

    def open(self, expr):
        h = self.ct.c_void_p()
        assert self.lib.ndshm_array_open(self.ct.byref(h), self.st,
                                         expr.encode(), 0) == 0
        return h


def paired(rows, figure, mine, peer_name, peer, runs, kind="speed",
           target=1.0):
    """Time ndshm (mine) and its peer in alternation, so that the
    machine's drift (other load, memory bandwidth shared with other
    machines) touches both, each going first half of the time; add a row
    with their median times and the median ratio of neighbouring runs,
    which the drift cancels out of."""
    mine()
    peer()
    tm, tp = [], []
    for i in range(runs):
        first, second = (mine, peer) if i % 2 == 0 else (peer, mine)
        t0 = time.perf_counter()
        first()
        t1 = time.perf_counter()
        second()
        t2 = time.perf_counter()
        tm.append(t1 - t0 if i % 2 == 0 else t2 - t1)
        tp.append(t2 - t1 if i % 2 == 0 else t1 - t0)
    ratio = statistics.median(p / m for m, p in zip(tm, tp))
    rows.append((figure, statistics.median(tm), peer_name,
                 statistics.median(tp), kind, target, ratio))


def kernels(store, rows):
    L = Lib(store)
    lib, ct = L.lib, L.ct
    for name, shape, dtype in (("a2", (4096, 4096), "float64"),
                               ("a3", (256, 256, 256), "float64"),
                               ("a4", (64, 64, 64, 64), "float64"),
                               ("i32", (4096, 4096), "int32")):
        L.store.create(name, shape, dtype)
        L.store[name] = np.arange(np.prod(shape)).reshape(shape) % 1000
    arrays = {n: L.store[n] for n in ("a2", "a3", "a4", "i32")}
    runs = max(RUNS, 21)
    for name, expr, window in WINDOWS:
        src = window(arrays)
        dst = np.empty(src.shape)
        h = L.open(expr)
        buf = dst.ctypes.data
        paired(rows, "read " + name,
               lambda: lib.ndshm_array_read(h, buf, None), "numpy copyto",
               lambda: np.copyto(dst, src), runs)
        paired(rows, "write " + name,
               lambda: lib.ndshm_array_write(h, buf, None), "numpy copyto",
               lambda: np.copyto(src, dst), runs)
        if name == "whole":
            paired(rows, "read whole vs memcpy",
                   lambda: lib.ndshm_array_read(h, buf, None), "memcpy",
                   lambda: ct.memmove(buf, src.ctypes.data, src.nbytes),
                   runs, target=0.9)
    a2 = arrays["a2"]
    dst = np.empty((4096, 4096))
    h = L.open("a2.T")
    paired(rows, "transpose a2.T",
           lambda: lib.ndshm_array_read(h, dst.ctypes.data, None),
           "numpy copyto", lambda: np.copyto(dst, a2.T), runs, target=3.0)
    value = ct.c_double(2.5)
    for name, expr, w in (("whole", "a2", a2),
                          ("inner", "a2[1:-1, 3:-5]", a2[1:-1, 3:-5])):
        h = L.open(expr)
        paired(rows, "fill " + name,
               lambda: lib.ndshm_array_fill(h, ct.byref(value)),
               "numpy fill", lambda: w.fill(2.5), runs)
    h = L.open("a2")
    paired(rows, "fill whole vs memset",
           lambda: lib.ndshm_array_fill(h, ct.byref(value)), "memset",
           lambda: ct.memset(a2.ctypes.data, 1, a2.nbytes), runs, "info",
           None)
    h = L.open("i32")
    i32 = arrays["i32"]
    paired(rows, "convert int32->f8",
           lambda: lib.ndshm_array_read_as(h, 12, dst.ctypes.data, None),
           "numpy astype", lambda: i32.astype(np.float64), runs)
    # astype allocates its result; copyto converts into an existing buffer
    paired(rows, "convert int32->f8 vs copyto",
           lambda: lib.ndshm_array_read_as(h, 12, dst.ctypes.data, None),
           "numpy copyto", lambda: np.copyto(dst, i32), runs, "info", None)


SHM_ATTACH = """
import sys, time
import numpy as np
from multiprocessing import resource_tracker, shared_memory
t0 = time.perf_counter()
m = shared_memory.SharedMemory(name=sys.argv[1])
a = np.ndarray((4096, 4096), np.float64, buffer=m.buf)
t = time.perf_counter() - t0
resource_tracker.unregister(m._name, "shared_memory")  # not ours to unlink
print(t)
del a
m.close()
"""


def attach(store, rows):
    subprocess.run([NDSHM, "--store", store, "create", "att", "--dtype",
                    "f8", "--shape", "4096,4096"], check=True)
    n = max(RUNS, 15)
    firsts = [run_c(prog("attach"), "first", store, "att")["attach/first"]
              for _ in range(n)]
    from multiprocessing import shared_memory
    seg = shared_memory.SharedMemory(create=True, size=4096 * 4096 * 8)
    try:
        peers = [float(subprocess.check_output(
            [sys.executable, "-c", SHM_ATTACH, seg.name]))
            for _ in range(n)]
    finally:
        seg.close()
        seg.unlink()
    rows.append(("first attach (new process)", statistics.median(firsts),
                 "shared_memory+ndarray", statistics.median(peers), "time",
                 0.5))
    second = run_c(prog("attach"), "second", store, "att")["attach/second"]
    rows.append(("second attach (same process)", second, "1 us", 1e-6,
                 "time", 1.0))


def notify(store, rows):
    c = run_c(prog("notify"), store)
    rows.append(("change notification round trip", c["notify/ndshm"],
                 "raw futex round trip", c["floor/futex"], "time", 1.5))


def lookup(rows):
    for n in (100, 100000):
        store = tempfile.mkdtemp(prefix="ndshm-bench-lookup.",
                                 dir="/dev/shm" if os.path.isdir("/dev/shm")
                                 else None)
        try:
            subprocess.run([prog("lookup"), "make", store, str(n)],
                           check=True)
            mine = run_c(prog("lookup"), "ndshm", store, str(n))
            raw = run_c(prog("lookup"), "lmdb", store, str(n))
            rows.append(("catalog lookup, %d names" % n,
                         mine["lookup/ndshm"], "raw LMDB get",
                         raw["lookup/lmdb"], "time", 2.0))
        finally:
            shutil.rmtree(store, ignore_errors=True)


def get_json(store, scratch, rows):
    a = np.random.default_rng(1).standard_normal(10 ** 6)
    npy = os.path.join(scratch, "r.npy")
    np.save(npy, a)
    subprocess.run([NDSHM, "--store", store, "rm", "-f", "r"], check=True)
    subprocess.run([NDSHM, "--store", store, "create", "r", "--from", npy],
                   check=True)
    out = os.path.join(scratch, "out")

    def ndshm_get():
        with open(out, "w") as f:
            subprocess.run([NDSHM, "--store", store, "get", "--json", "r"],
                           stdout=f, check=True)

    mine = median_time(ndshm_get)
    with open(out) as f:  # and it is right
        assert np.array_equal(np.array(json.load(f)), a)
    peer = median_time(lambda: np.savetxt(out, a))
    rows.append(("get --json of 1e6 float64", mine, "numpy.savetxt", peer,
                 "speed", 5.0))


def memory(store, rows):
    c = run_c(prog("memory"), store)
    rows.append(("attach 1 GiB: resident added", c["memory/attach-rss"],
                 "1 MiB", float(1 << 20), "bytes", 1.0))
    rows.append(("64 readers of 1 GiB: PSS sum", c["memory/64-pss-sum"],
                 "1 GiB (one copy)", float(1 << 30), "bytes", 1.1))


# ---- the table ----------------------------------------------------------------


def fmt_value(v, kind):
    if kind == "bytes":
        return "%.1f MiB" % (v / (1 << 20))
    if v >= 1e-3:
        return "%.2f ms" % (v * 1e3)
    if v >= 1e-6:
        return "%.2f us" % (v * 1e6)
    return "%.0f ns" % (v * 1e9)


def judge(mine, peer, kind, target, ratio=None):
    """(ratio text, target text, met) for one row."""
    if kind == "speed":  # at least target times the peer's speed
        r = ratio if ratio is not None else peer / mine
        return "%.2fx" % r, ">= %gx" % target, r >= target
    if kind in ("time", "bytes"):  # at most target times the peer
        r = mine / peer
        return "%.2fx" % r, "<= %gx" % target, r <= target
    return "%.2fx" % (ratio or peer / mine), "", None


def main():
    if not os.access(NDSHM, os.X_OK):
        sys.exit("bench: %s is not built (run make first)" % NDSHM)
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    store = tempfile.mkdtemp(prefix="ndshm-bench.", dir=base)
    scratch = tempfile.mkdtemp(prefix="ndshm-bench-files.", dir=base)
    rows = []
    try:
        for step in (lambda: kernels(store, rows),
                     lambda: attach(store, rows),
                     lambda: notify(store, rows),
                     lambda: lookup(rows),
                     lambda: get_json(store, scratch, rows),
                     lambda: memory(store, rows)):
            step()
            sys.stderr.write(".")
            sys.stderr.flush()
        sys.stderr.write("\n")
    finally:
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)

    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f
                       if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("ndshm benchmarks, %s: %d cores, %s, %s, NumPy %s, median of %d"
          % (time.strftime("%Y-%m-%d"), os.cpu_count(), cpu,
             platform.platform(terse=True), np.__version__, RUNS))
    print()
    head = ("figure", "ndshm", "peer or floor", "", "ratio", "target", "")
    table = [head]
    missed = 0
    for name, mine, peer_name, peer, kind, target, *paired_ratio in rows:
        ratio, goal, met = judge(mine, peer, kind, target, *paired_ratio)
        missed += met is False
        table.append((name, fmt_value(mine, kind), peer_name,
                      fmt_value(peer, kind), ratio, goal,
                      "" if met is None else "ok" if met else "MISSED"))
    widths = [max(len(r[i]) for r in table) for i in range(len(head))]
    for i, r in enumerate(table):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    print()
    print("%d of %d targets met" % (sum(1 for r in table[1:] if r[6] == "ok"),
                                    sum(1 for r in table[1:] if r[6])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
