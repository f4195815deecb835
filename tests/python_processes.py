"""Two Python processes and C processes share one array; a Python waiter
misses no change.

1. Sharing.  An int64 array `shared` of 8 elements.  Two helper Python
   processes (this script in --child mode, each with its own
   ndshm.Store) map it once at the start and keep that mapping: P1 as
   store['shared'], P2 as store['rev'], a view 'shared[::-1]'.  Then, for
   ROUNDS rounds, the writer goes round P1, P2, C, at a random index:
     - a Python writer picks the value itself (from os.urandom) and stores
       it with a plain ndarray assignment (no notify); only afterwards does
       it tell the parent what it wrote;
     - the C writer is examples/writer, storing into element 0 of a view
       'shared[i::-1]' through its data pointer;
   and the others must see the value in their own mappings:
     - each Python process that did not write reads the element ("read I"
       on its pipe) from the mapping it made at the start;
     - a C reader (examples/reader, started before the write, polling its
       own mapping of 'shared' or 'rev' until the element changes) prints
       it -- for every write by a Python process;
     - `ndshm get --json shared` shows the whole array the parent expects.
   The values travel only through the shared memory: no process is told a
   value that another wrote.  At the end both Python processes' whole
   mappings equal the array.
2. Waiting.  A Python waiter (--waiter mode) loops on
   store.wait('wv', seen) -- 'wv' a view 'wshared[::-1]' -- printing each
   new version and the array it then sees, while the writes come from
   `ndshm set`, examples/writer (which notifies) and a Python process
   (store['wshared'][i] = v, then store.notify):
     - in turn: after each write, the waiter reports exactly that write:
       the version `ndshm info` gives, and the value written;
     - in a burst (WRITES writes with no pause): the versions it reports
       rise strictly, it ends at the last version with the last values --
       it never sleeps through a change;
     - a last write of -1 ends it, with exit status 0.

Timeouts here (60 s) are hang guards only, never timing checks.

Usage: python_processes.py [SEED] [--rounds N] [--writes N] [--keep]
The seed (default 20240801) and each round are printed; the same seed
plays the same rounds, indices and C values (Python processes' values
come from os.urandom and are printed).  make check runs it with NDSHM,
top_builddir, PYTHONPATH and NDSHM_LIBRARY set.
"""
import argparse
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
except ImportError:  # pragma: no cover - run by python-test with NumPy
    print("SKIP: NumPy is not installed")
    sys.exit(77)

import testlib
from testlib import Child, ChildError

GUARD = 60.0       # seconds: a hang guard, not a timing check
N = 8              # elements of the shared arrays
C = testlib.Checks("python_processes")


# ---- helper processes -----------------------------------------------------------

def child_main(path, expr):
    """--child: map expr once, then answer the parent's lines:
    read I -> 'value V' (element I of this process's mapping);
    write I -> 'wrote V' (V chosen here, stored by a plain assignment);
    notify -> 'notified'; all -> the whole mapping as JSON; quit."""
    import ndshm
    st = ndshm.Store(path)
    a = st[expr]
    print("ready %d %s" % (os.getpid(), json.dumps(list(a.shape))),
          flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if cmd[0] == "read":
            print("value %d" % a[int(cmd[1])], flush=True)
        elif cmd[0] == "write":
            i = int(cmd[1])
            while True:
                v = int.from_bytes(os.urandom(7), "little") + 1
                if v != a[i]:
                    break
            a[i] = v
            print("wrote %d" % v, flush=True)
        elif cmd[0] == "notify":
            st.notify(expr)
            print("notified", flush=True)
        elif cmd[0] == "all":
            print(json.dumps(a.tolist()), flush=True)
        elif cmd[0] == "quit":
            return 0
        else:
            print("unknown command %r" % line, flush=True)
            return 2
    return 0


def waiter_main(path, expr):
    """--waiter: wait on expr with the version last seen, printing
    'changed VERSION VALUES' for each wake, until a value is -1."""
    import ndshm
    st = ndshm.Store(path)
    a = st[expr]
    seen = st.version(expr)
    print("ready %d" % seen, flush=True)
    while True:
        try:
            now = st.wait(expr, seen, GUARD)
        except TimeoutError as e:
            print("timeout %d %s" % (seen, e), flush=True)
            return 3
        values = a.tolist()
        print("changed %d %s" % (now, json.dumps(values)), flush=True)
        if -1 in values:
            return 0
        seen = now


def python_child(path, mode, expr, name):
    return Child([sys.executable, os.path.abspath(__file__), mode, path,
                  expr], name=name)


# ---- the C programs -------------------------------------------------------------

def run_writer(cli, writer, view, value):
    """examples/writer --store DIR VIEW VALUE: True if it said so."""
    p = subprocess.run([writer, "--store", cli.path, view, str(value)],
                       capture_output=True, text=True, timeout=GUARD)
    return C.check(p.returncode == 0 and p.stdout == "wrote %d through %s\n"
                   % (value, view), "examples/writer %s %d" % (view, value),
                   (p.returncode, p.stdout, p.stderr))


def start_reader(cli, reader, expr, index, old):
    """examples/reader, mapped and polling for element index to leave
    old (it has printed 'ready')."""
    r = Child([reader, "--store", cli.path, expr, index, old],
              name="examples/reader %s %s %s" % (expr, index, old))
    line = r.expect(GUARD)
    if line != "ready":
        raise ChildError("examples/reader said %r, not ready" % line)
    return r


def c_value(rng, old):
    while True:
        v = rng.randint(1, 2 ** 62)
        if v != old:
            return v


# ---- 1. sharing ---------------------------------------------------------------

def test_sharing(cli, rng, rounds, writer, reader):
    cli.out("create", "shared", "--dtype", "int64", "--shape", str(N))
    cli.out("view", "rev", "shared[::-1]")
    for i in range(N):
        cli.out("view", "at%d" % i, "shared[%d::-1]" % i)
    expect = [0] * N
    with python_child(cli.path, "--child", "shared", "P1") as p1, \
            python_child(cli.path, "--child", "rev", "P2") as p2:
        for p in (p1, p2):
            line = p.expect(GUARD)
            C.check(line.startswith("ready ") and line.endswith(" [%d]" % N),
                    "%s maps its window" % p.name, line)
        # P2's index of element i of shared
        index = {"P1": lambda i: i, "P2": lambda i: N - 1 - i}
        for r in range(rounds):
            kind = ("P1", "P2", "C")[r % 3]
            i = rng.randrange(N)
            old = expect[i]
            where = "round %d: %s writes shared[%d]" % (r, kind, i)
            # a C reader mapped before the write, for Python writes
            creader = None
            if kind != "C":
                rexpr, rindex = rng.choice([("shared", i), ("rev", N - 1 - i)])
                creader = start_reader(cli, reader, rexpr, rindex, old)
            if kind == "C":
                v = c_value(rng, old)
                run_writer(cli, writer, "at%d" % i, v)
            else:
                p = p1 if kind == "P1" else p2
                answer = p.ask("write %d" % index[kind](i), GUARD)
                if not C.check(answer.startswith("wrote "), where, answer):
                    continue
                v = int(answer.split()[1])
            expect[i] = v
            print("  %s = %d" % (where, v), flush=True)
            for p in (p1, p2):
                if p.name == kind:
                    continue
                answer = p.ask("read %d" % index[p.name](i), GUARD)
                C.equal(answer, "value %d" % v, "%s: %s sees it in its own "
                        "mapping" % (where, p.name))
            if creader is not None:
                line = creader.expect(GUARD)
                status = creader.finish(GUARD)
                C.check(line == "%s[%d] = %d" % (rexpr, rindex, v)
                        and status == 0, "%s: examples/reader %s[%d] sees it"
                        % (where, rexpr, rindex), (line, status))
            C.equal(cli.json("get", "--json", "shared"), expect,
                    "%s: `ndshm get --json shared`" % where)
        C.equal(json.loads(p1.ask("all", GUARD)), expect,
                "P1's whole mapping at the end")
        C.equal(json.loads(p2.ask("all", GUARD)), expect[::-1],
                "P2's whole mapping at the end")
        for p in (p1, p2):
            p.send("quit")
            C.equal(p.finish(GUARD), 0, "%s exits cleanly" % p.name,)


# ---- 2. waiting ---------------------------------------------------------------

def test_waiting(cli, rng, writes, writer):
    cli.out("create", "wshared", "--dtype", "int64", "--shape", str(N))
    cli.out("view", "wv", "wshared[::-1]")
    for i in range(N):
        cli.out("view", "wat%d" % i, "wshared[%d:]" % i)
    expect = [0] * N

    def version():
        return cli.json("info", "--json", "wshared")["version"]

    def write(kind, i, v, py):
        """One write of v to wshared[i] by kind; returns v."""
        if kind == "ndshm set":
            cli.out("set", "wshared[%d]" % i, str(v))
        elif kind == "examples/writer":
            run_writer(cli, writer, "wat%d" % i, v)
        else:
            answer = py.ask("write %d" % i, GUARD)
            v = int(answer.split()[1])
            C.equal(py.ask("notify", GUARD), "notified", "Python notify")
        expect[i] = v
        return v

    def report(line, what):
        """(version, values) of a waiter's 'changed' line."""
        parts = line.split(" ", 2)
        if not C.check(len(parts) == 3 and parts[0] == "changed", what,
                       line):
            raise ChildError("waiter: %r" % line)
        return int(parts[1]), json.loads(parts[2])[::-1]

    kinds = ["ndshm set", "examples/writer", "Python"]
    with python_child(cli.path, "--waiter", "wv", "waiter") as w, \
            python_child(cli.path, "--child", "wshared", "P3") as py:
        py.expect(GUARD)
        line = w.expect(GUARD)
        seen = version()
        C.equal(line, "ready %d" % seen, "the waiter starts at the version "
                "`ndshm info` gives")
        # in turn: one report per write, with that write in it
        for k in range(writes):
            kind = kinds[k % 3]
            i = rng.randrange(N)
            v = write(kind, i, c_value(rng, expect[i]), py)
            now = version()
            got, values = report(w.expect(GUARD), "in turn %d" % k)
            C.check(got == now and now > seen and values == expect,
                    "in turn %d: %s wrote wshared[%d] = %d; the waiter wakes "
                    "with version %d and that value" % (k, kind, i, v, now),
                    "waiter: version %d, %s\nwant:   version %d, %s"
                    % (got, values, now, expect))
            seen = got
        print("  %d writes in turn: one wake each, none missed" % writes,
              flush=True)
        # a burst: the waiter catches up with the last write
        for k in range(writes):
            i = rng.randrange(N)
            write(kinds[k % 3], i, c_value(rng, expect[i]), py)
        final = version()
        versions = []
        # each report is a higher version: more reports than writes is a
        # failure, and the bound keeps a waiter that never advances from
        # holding the test for ever
        for _ in range(writes + 1):
            got, values = report(w.expect(GUARD), "burst")
            versions.append(got)
            if got >= final:
                break
        C.check(all(a < b for a, b in zip([seen] + versions, versions)),
                "the waiter's versions rise strictly through a burst",
                versions)
        C.check(versions[-1] == final and values == expect,
                "after a burst of %d writes the waiter is at the last "
                "version (%d) with the last values" % (writes, final),
                "waiter: version %d, %s\nwant:   %s"
                % (versions[-1], values, expect))
        print("  a burst of %d writes: %d wakes, the last at version %d"
              % (writes, len(versions), final), flush=True)
        # the end: -1 stops it
        cli.out("set", "wshared[3]", "-1")
        expect[3] = -1
        got, values = report(w.expect(GUARD), "the last write")
        C.check(got == version() and values == expect, "the waiter sees "
                "the last write", (got, values))
        C.equal(w.finish(GUARD), 0, "the waiter exits cleanly")
        py.send("quit")
        C.equal(py.finish(GUARD), 0, "P3 exits cleanly")


def main():
    if len(sys.argv) == 4 and sys.argv[1] in ("--child", "--waiter"):
        fn = child_main if sys.argv[1] == "--child" else waiter_main
        return fn(sys.argv[2], sys.argv[3])
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("seed", nargs="?", type=int, default=20240801)
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--writes", type=int, default=30)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not os.access(testlib.NDSHM, os.X_OK):
        testlib.skip("%s is not built" % testlib.NDSHM)
    writer, reader = testlib.example("writer"), testlib.example("reader")
    if writer is None or reader is None:
        if os.environ.get("top_builddir"):
            sys.exit("examples/writer and examples/reader are not built in "
                     "%s" % os.environ["top_builddir"])
        testlib.skip("examples/writer and examples/reader are not built")
    testlib.import_ndshm()   # fails here, not in a child, if it cannot
    print("python_processes: seed %d, %d rounds, %d writes (NumPy %s)"
          % (args.seed, args.rounds, args.writes, np.__version__))
    rng = random.Random(args.seed)
    with testlib.Store(keep=args.keep) as cli:
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [os.path.dirname(os.path.dirname(testlib.import_ndshm().__file__))]
            + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep)
               if p])
        with C.section("sharing"):
            test_sharing(cli, rng, args.rounds, writer, reader)
        with C.section("waiting"):
            test_waiting(cli, rng, args.writes, writer)
    status = C.close()
    if status:
        print("replay: %s %d" % (os.path.basename(sys.argv[0]), args.seed))
    return status


if __name__ == "__main__":
    sys.exit(main())
