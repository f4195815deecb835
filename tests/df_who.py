"""df_who.py -- `ndshm df` and `ndshm who`, checked against what this test
measures itself.

1. df.  On an empty store, then with arrays of known shapes and dtypes and
   views over them: the counts and the data bytes (size x itemsize of the
   arrays, views not again) are exact; the reserved bytes equal the sum of
   st_blocks * 512 over data/ and the two catalog files, computed here
   with os.stat, and are at least the data bytes; the file system's size
   equals os.statvfs's and its available space lies within a tolerance
   of it (other processes share /dev/shm); its type and mount point are
   one of the lines of /proc/self/mountinfo for the store's device.  The
   human output says the same numbers as --json.  A copy of a data file
   under a new id is a leftover (counted, sized, and gone after
   `fsck --repair`); a ".tmp.PID.*" file of a live process is a create in
   progress, one of a dead process a leftover.  A name whose data file is
   damaged is reported on one line (`ndshm df: cannot open 'x': ...`),
   the rest is still shown, and the exit status is 1.  A store on the
   disk (TMPDIR or /tmp), where f_bavail is not f_bfree, is measured too.
2. who.  Real processes map an array: a Python child with
   numpy.load(path, mmap_mode='r+') (access rw), one with 'r', one with
   'c' (copy-on-write: it never writes the array, so r), one through a
   hard link to the data file (found by device and inode), and
   `ndshm wait` (it maps the control block writable, but not the
   elements: r).  Each says (or /proc/PID/maps shows) when it has mapped
   the file; then `who` lists exactly their PIDs, with the right access,
   user and command line (the Python children's hold newlines, which the
   table escapes and JSON keeps), never the tool itself nor a process
   mapping another array; `who` of a view lists the same; after they
   exit, only the header (or []) is left.  A missing name is one line and
   exit 1; no NAME is a usage error (2).  Every run of who may say on
   stderr how many processes it could not inspect -- no more than this
   test, with the same rights, cannot inspect before or after -- and
   while processes come and go (which who skips silently) nothing else.
   Run as root, the same as user nobody: only nobody's process is listed,
   one line on stderr counts the others, exit status 0.

Run as `python3 tests/df_who.py [--keep]` with NDSHM set to the built
tool.  Timeouts (60 s) are hang guards only.
"""
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import numpy as np
except ImportError:  # pragma: no cover - run by python-test with NumPy
    print("SKIP: NumPy is not installed")
    sys.exit(77)

import testlib
from testlib import NDSHM, Checks, Child, Store, one_line_error

# The tool under valgrind (make check-valgrind) shows valgrind's command
# line, which ends with the tool's arguments.
UNDER_VALGRIND = bool(os.environ.get("NDSHM_UNDER_VALGRIND"))

# What `ndshm who` may print on stderr without failing: some processes
# (another user's, or a supervisor's) cannot be inspected.
HIDDEN = re.compile(r"ndshm who: ([1-9][0-9]*) process(es)? could not be "
                    r"inspected( \(run as root to see all\))?\n")

# A helper that maps a .npy file with NumPy and keeps it mapped until its
# stdin closes.  Newlines in the command line on purpose: who must escape
# them in its table.
MAPPER = ("import sys\nimport numpy as np\n"
          "a = np.load(sys.argv[1], mmap_mode=sys.argv[2])\n"
          "print('mapped', flush=True)\nsys.stdin.readline()\n")

AVAIL_TOLERANCE = 256 << 20

SIZE_RE = re.compile(r"^(?:(\d+) bytes?|(\d+\.\d) ([KMGTPE])iB \((\d+) "
                     r"bytes\))$")


# ---- what the test measures itself ------------------------------------------

def reserved_bytes(store):
    """st_blocks * 512 of every regular file in data/ and of the catalog's
    two files."""
    total = 0
    data = os.path.join(store, "data")
    for name in os.listdir(data):
        st = os.lstat(os.path.join(data, name))
        if os.path.stat.S_ISREG(st.st_mode):
            total += st.st_blocks * 512
    for name in ("catalog.mdb", "catalog.mdb-lock"):
        total += os.lstat(os.path.join(store, name)).st_blocks * 512
    return total


def file_bytes(path):
    return os.lstat(path).st_blocks * 512


def mounts_of(path):
    """(type, mount point) of every /proc/self/mountinfo line of path's
    device whose mount point holds path."""
    dev = os.stat(path).st_dev
    want = "%d:%d" % (os.major(dev), os.minor(dev))
    found = set()
    real = os.path.realpath(path)

    def unescape(s):
        return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), s)
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, right = line.split(" - ", 1)
            fields = left.split()
            mnt = unescape(fields[4])
            if fields[2] != want:
                continue
            if mnt == "/" or real == mnt or real.startswith(mnt + "/"):
                found.add((unescape(right.split()[0]), mnt))
    return found


def parse_size(text):
    """The byte count a df size shows, checking that the rounded figure
    agrees with it; None when the text is not a size."""
    m = SIZE_RE.match(text)
    if not m:
        return None
    if m.group(1) is not None:
        n = int(m.group(1))
        return n if n < 1024 else None
    n = int(m.group(4))
    k = "KMGTPE".index(m.group(3)) + 1
    if abs(float(m.group(2)) - n / 1024.0 ** k) > 0.0501:
        return None
    return n


def parse_df_text(out):
    """The human output of df as {label: value}."""
    fields = {}
    for line in out.splitlines():
        label, _, value = line.partition(":")
        fields[label] = value.strip()
    return fields


def df(checks, st, what):
    """`ndshm df --json` and `ndshm df`, checked to say the same; the
    JSON object."""
    status, out, err = st.run("df", "--json", check=False)
    checks.check(status == 0 and err == "",
                 "%s: df --json exits 0 quietly" % what,
                 "status %d, stderr %r" % (status, err))
    u = json.loads(out)
    checks.equal(out.count("\n"), 1, "%s: df --json is one line" % what)
    status, out, err = st.run("df", check=False)
    checks.check(status == 0 and err == "", "%s: df exits 0 quietly" % what,
                 "status %d, stderr %r" % (status, err))
    text = parse_df_text(out)
    checks.equal(text.get("store"), u["store"], "%s: text store" % what)
    checks.equal(text.get("arrays"), str(u["arrays"]),
                 "%s: text arrays" % what)
    checks.equal(text.get("views"), str(u["views"]), "%s: text views" % what)
    checks.equal(parse_size(text.get("data", "")), u["data_bytes"],
                 "%s: text data %r" % (what, text.get("data")))
    # reserved and fs available may move between the two runs (LMDB's
    # lock file, other processes' files): only their form is checked
    for label in ("reserved", "fs available"):
        checks.check(parse_size(text.get(label, "")) is not None,
                     "%s: text %s is a size" % (what, label),
                     text.get(label))
    checks.equal(parse_size(text.get("fs size", "")), u["fs_size_bytes"],
                 "%s: text fs size" % what)
    if u["fs_type"] is not None:
        checks.equal(text.get("filesystem"),
                     "%s on %s" % (u["fs_type"], u["fs_mount"]),
                     "%s: text filesystem" % what)
    if u["leftover_files"]:
        m = re.match(r"(\d+) files?, (.*): no name refers to", text.get(
            "leftover", ""))
        checks.check(m and int(m.group(1)) == u["leftover_files"]
                     and parse_size(m.group(2)) == u["leftover_bytes"],
                     "%s: text leftover" % what, text.get("leftover"))
    else:
        checks.check("leftover" not in text,
                     "%s: no leftover line without leftovers" % what, out)
    return u


def check_df(checks, st, what, arrays, views, data_bytes, leftover=(0, 0)):
    """df against the counts expected and the store as os.stat and
    os.statvfs see it now."""
    vfs_before = os.statvfs(st.path)
    u = df(checks, st, what)
    vfs_after = os.statvfs(st.path)
    checks.equal(set(u), {"store", "arrays", "views", "data_bytes",
                          "reserved_bytes", "leftover_files",
                          "leftover_bytes", "fs_type", "fs_mount",
                          "fs_size_bytes", "fs_available_bytes"},
                 "%s: keys" % what)
    checks.check(all(type(u[k]) is int for k in u if k not in (
        "store", "fs_type", "fs_mount")), "%s: integers" % what, u)
    checks.equal(u["store"], os.path.realpath(st.path), "%s: store" % what)
    checks.equal((u["arrays"], u["views"]), (arrays, views),
                 "%s: arrays, views" % what)
    checks.equal(u["data_bytes"], data_bytes, "%s: data bytes" % what)
    checks.equal(u["reserved_bytes"], reserved_bytes(st.path),
                 "%s: reserved bytes = sum of st_blocks * 512" % what)
    checks.check(u["reserved_bytes"] >= u["data_bytes"],
                 "%s: reserved >= data" % what, u)
    checks.equal((u["leftover_files"], u["leftover_bytes"]), leftover,
                 "%s: leftover files, bytes" % what)
    checks.equal(u["fs_size_bytes"],
                 vfs_before.f_blocks * vfs_before.f_frsize,
                 "%s: fs size" % what)
    lo = min(vfs_before.f_bavail, vfs_after.f_bavail) * vfs_before.f_frsize
    hi = max(vfs_before.f_bavail, vfs_after.f_bavail) * vfs_before.f_frsize
    checks.check(lo - AVAIL_TOLERANCE <= u["fs_available_bytes"]
                 <= hi + AVAIL_TOLERANCE, "%s: fs available" % what,
                 "%d, statvfs %d..%d" % (u["fs_available_bytes"], lo, hi))
    mounts = mounts_of(st.path)
    if u["fs_type"] is None:
        checks.check(not mounts, "%s: fs type found" % what, mounts)
    else:
        checks.check((u["fs_type"], u["fs_mount"]) in mounts,
                     "%s: fs type and mount" % what,
                     "%r not in %r" % ((u["fs_type"], u["fs_mount"]),
                                       mounts))
    return u


# ---- 1. df ------------------------------------------------------------------

ARRAYS = [  # name, dtype, shape
    ("big", "float64", (300, 400)),
    ("cube", "int16", (3, 5, 7)),
    ("z", "complex128", (10,)),
    ("empty", "uint8", (0, 4)),
    ("scalar", "bool", ()),
    ("ns/half", "float16", (33,)),
]
VIEWS = [  # name, expression
    ("rows", "big[1:]"),
    ("odd", "cube[..., ::2]"),
    ("vv", "rows[::3, 5]"),
    ("ro", "z[-1]"),
]


def data_bytes_of(arrays):
    return sum(int(np.prod(shape)) * np.dtype(dtype).itemsize
               for _, dtype, shape in arrays)


def df_section(checks, st):
    check_df(checks, st, "empty store", 0, 0, 0)
    for name, dtype, shape in ARRAYS:
        st.out("create", name, "--dtype", dtype, "--shape",
               ",".join(map(str, shape)) if shape else "()")
    check_df(checks, st, "arrays", len(ARRAYS), 0, data_bytes_of(ARRAYS))
    for name, expr in VIEWS:
        st.out("view", name, expr, *(["--readonly"] if name == "ro" else []))
    want = data_bytes_of(ARRAYS)
    check_df(checks, st, "arrays and views", len(ARRAYS), len(VIEWS), want)

    # a removed array whose views live on: its bytes are not an array's
    st.out("rm", "cube")
    rest = [a for a in ARRAYS if a[0] != "cube"]
    check_df(checks, st, "base removed", len(rest), len(VIEWS),
             data_bytes_of(rest))

    # a leftover: a data file no name refers to, as a crash leaves
    data = os.path.join(st.path, "data")
    path = st.info("big")["path"]
    planted = os.path.join(data, "7fffffffffff0001.npy")
    shutil.copyfile(path, planted)
    check_df(checks, st, "leftover", len(rest), len(VIEWS),
             data_bytes_of(rest), (1, file_bytes(planted)))

    # temporaries of creates: a live process's is in progress, a dead
    # one's a leftover
    live = os.path.join(data, ".tmp.%d.0000abcd" % os.getpid())
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead_pid = gone.pid
    dead = os.path.join(data, ".tmp.%d.0000abcd" % dead_pid)
    for p in (live, dead):
        with open(p, "wb") as f:
            f.write(b"x" * 10000)
    check_df(checks, st, "temporaries", len(rest), len(VIEWS),
             data_bytes_of(rest),
             (2, file_bytes(planted) + file_bytes(dead)))
    os.unlink(live)
    st.run("fsck", "--repair", check=False)
    checks.check(not os.path.exists(planted) and not os.path.exists(dead),
                 "fsck --repair removes the leftovers")
    check_df(checks, st, "repaired", len(rest), len(VIEWS),
             data_bytes_of(rest))

    # a damaged data file: its names are reported, one line each (z and
    # ro, a view of z), the rest still shown
    z = st.info("z")["path"]
    os.truncate(z, 4096)
    others = [a for a in rest if a[0] != "z"]
    for args in (("df", "--json"), ("df",)):
        what = "damaged: " + " ".join(args)
        status, out, err = st.run(*args, check=False)
        checks.equal(status, 1, what + ": exit 1")
        lines = err.splitlines()
        checks.check(err.endswith("\n") and len(lines) == 2
                     and lines[0].startswith("ndshm df: cannot open 'ro': ")
                     and lines[1].startswith("ndshm df: cannot open 'z': "),
                     what + ": one line per name", err)
        if args[-1] == "--json":
            u = json.loads(out)
            checks.equal((u["arrays"], u["views"], u["data_bytes"]),
                         (len(others), len(VIEWS) - 1,
                          data_bytes_of(others)),
                         what + ": the rest counted")
        else:
            checks.check(out.startswith("store:"), what + ": text shown",
                         out)
            # z's file cannot be told from a leftover: said so
            checks.check("no name that can be opened refers to it"
                         in parse_df_text(out).get("leftover", ""),
                         what + ": leftover qualified", out)

    # another file system: a disk's keeps blocks for root (f_bfree is not
    # f_bavail), which /dev/shm's tmpfs does not
    disk = tempfile.mkdtemp(prefix="ndshm-test.")
    try:
        with Store.attach(disk) as other:
            other.out("create", "d", "--dtype", "int32", "--shape", "5,5")
            other.out("view", "dv", "d[0]")
            check_df(checks, other, "store in %s" % os.path.dirname(disk),
                     1, 1, 100)
    finally:
        shutil.rmtree(disk, ignore_errors=True)

    # command line
    status, out, err = st.run("df", "extra", check=False)
    checks.check(status == 2 and out == "" and err.count("\n") == 1
                 and err.startswith("ndshm df: "), "df extra: usage error",
                 (status, out, err))
    status, out, _ = st.run("df", "--help", check=False)
    checks.check(status == 0 and out.startswith("usage: ndshm"),
                 "df --help", out)


# ---- 2. who -----------------------------------------------------------------

def wait_mapped(pid, path, timeout=60.0):
    """Wait until /proc/PID/maps shows path (a process that says nothing
    when it has mapped it, like `ndshm wait`)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open("/proc/%d/maps" % pid) as f:
            if path in f.read():
                return
        time.sleep(0.02)
    raise testlib.ChildError("process %d did not map %s" % (pid, path))


def uninspectable():
    """How many processes' maps this process may not read: as many as
    the tool, of the same user, may not."""
    n = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/maps" % name) as f:
                f.read(1)
        except PermissionError:
            n += 1
        except OSError:  # gone meanwhile
            pass
    return n


def run_who(checks, st, what, *args):
    """ndshm who ARGS, checked to exit 0 and to print nothing on stderr
    but the count of processes it could not inspect -- as many as this
    test cannot inspect itself, before or after: a process that exits
    while who looks at it is not one of them.  (status, stdout)."""
    before = uninspectable()
    status, out, err = st.run("who", *args, check=False)
    after = uninspectable()
    m = HIDDEN.fullmatch(err)
    hidden = int(m.group(1)) if m else 0
    checks.check(status == 0 and (err == "" or m)
                 and min(before, after) <= hidden <= max(before, after),
                 "%s: who %s exits 0, stderr at most the uninspected"
                 % (what, " ".join(args)),
                 "status %d, stderr %r, test cannot inspect %d..%d"
                 % (status, err, before, after))
    return status, out


def who(checks, st, expr, what):
    """`ndshm who --json EXPR` and `ndshm who EXPR`, checked to agree and
    to print nothing but the allowed warning on stderr; {pid: entry}."""
    status, out = run_who(checks, st, what, "--json", expr)
    entries = json.loads(out)
    checks.check(isinstance(entries, list) and all(
        set(e) == {"pid", "user", "access", "command"} for e in entries),
        "%s: who --json is a list of {pid, user, access, command}" % what,
        out)
    by_pid = {e["pid"]: e for e in entries}
    checks.equal([e["pid"] for e in entries], sorted(by_pid),
                 "%s: sorted by pid, each once" % what)
    status, out = run_who(checks, st, what, expr)
    lines = out.split("\n")
    checks.check(out.endswith("\n") and lines[0].split() == [
        "PID", "USER", "ACCESS", "COMMAND"], "%s: header" % what, out)
    rows = {}
    for line in lines[1:-1]:
        pid, user, access, command = line.split(None, 3)
        rows[int(pid)] = (user, access, command)
    want = {e["pid"]: (e["user"], e["access"], escaped(e["command"]))
            for e in entries}
    checks.equal(rows, want, "%s: the table says what --json says" % what)
    return by_pid


def escaped(text):
    """What who's table shows of a command: control characters escaped."""
    out = []
    for c in text:
        if c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif ord(c) < 0x20 or ord(c) == 0x7f:
            out.append("\\x%02x" % ord(c))
        else:
            out.append(c)
    return "".join(out)


def mapper(path, mode):
    """A Child mapping path with numpy.load(mmap_mode=mode); its argv."""
    args = [sys.executable, "-c", MAPPER, path, mode]
    return Child(args, name="numpy %s" % mode), args


def who_section(checks, st):
    st.out("create", "w", "--dtype", "float64", "--shape", "1000")
    st.out("create", "other", "--dtype", "int32", "--shape", "10")
    st.out("view", "wv", "w[10:20]")
    path = st.info("w")["path"]
    other = st.info("other")["path"]
    me = pwd.getpwuid(os.geteuid()).pw_name

    by_pid = who(checks, st, "w", "nobody yet")
    checks.equal(by_pid, {}, "nobody maps w yet")

    children = []
    try:
        want = {}
        for mode, access in (("r+", "rw"), ("r", "r"), ("c", "r")):
            child, args = mapper(path, mode)
            children.append(child)
            checks.equal(child.expect(), "mapped", "numpy %s maps" % mode)
            want[child.proc.pid] = (access, " ".join(args))
        # a process mapping the file through another name (a hard link):
        # the same file, found by device and inode
        link = st.file("link.npy")
        os.link(path, link)
        child, args = mapper(link, "r+")
        children.append(child)
        checks.equal(child.expect(), "mapped", "numpy maps a link")
        want[child.proc.pid] = ("rw", " ".join(args))
        # a process mapping another array is not listed
        child, _ = mapper(other, "r+")
        children.append(child)
        checks.equal(child.expect(), "mapped", "numpy maps other")
        # the tool maps the array while it waits
        wait_args = [NDSHM, "wait", "w", "--timeout", "60"]
        waiter = subprocess.Popen(wait_args, env=st.env,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            wait_mapped(waiter.pid, path)
            want[waiter.pid] = ("r", " ".join(wait_args))
            for expr in ("w", "wv", "w[::2]"):
                got = who(checks, st, expr, "who " + expr)
                checks.equal(set(got), set(want),
                             "who %s: exactly the mapping processes" % expr)
                for pid, (access, command) in want.items():
                    e = got.get(pid)
                    if e is None:
                        continue
                    checks.equal(e["access"], access,
                                 "who %s: access of %s" % (expr, command))
                    checks.equal(e["user"], me, "who %s: user" % expr)
                    if pid == waiter.pid and UNDER_VALGRIND:
                        checks.check(e["command"].endswith(
                            " wait w --timeout 60"),
                            "who %s: command of ndshm wait" % expr,
                            e["command"])
                    else:
                        checks.equal(e["command"], command,
                                     "who %s: command" % expr)
                checks.check(not any(" who " in e["command"] + " "
                                     for e in got.values()),
                             "who %s: the tool does not list itself" % expr,
                             got)
            got = who(checks, st, "other", "who other")
            checks.equal(set(got), {children[-1].proc.pid},
                         "who other: only its mapper")
            # a change ends the wait
            st.out("set", "w[0]", "1")
            out, err = waiter.communicate(timeout=60)
            checks.check(waiter.returncode == 0,
                         "ndshm wait returned", (waiter.returncode, err))
        finally:
            if waiter.poll() is None:
                waiter.kill()
                waiter.wait()
        for child in children:
            checks.equal(child.finish(), 0, "%s exits 0" % child.name)
    finally:
        for child in children:
            child.kill()

    got = who(checks, st, "w", "all gone")
    checks.equal(got, {}, "after they exit, nobody maps w")
    status, out, err = st.run("who", "w", check=False)
    checks.equal(out.split("\n")[1:], [""], "all gone: just the header")

    # processes coming and going while who scans /proc
    stop = threading.Event()

    def churn():
        while not stop.is_set():
            subprocess.run(["sh", "-c", "true & true & true & wait"])
    threads = [threading.Thread(target=churn) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for i in range(40):
            run_who(checks, st, "while processes come and go", "w")
    finally:
        stop.set()
        for t in threads:
            t.join()

    # errors
    status, out, err = st.run("who", "nope", check=False)
    problem = one_line_error(status, out, err, "who")
    checks.check(problem is None and "cannot open 'nope'" in err,
                 "who of a missing name: one line, exit 1", problem or err)
    status, out, err = st.run("who", check=False)
    checks.check(status == 2 and out == "" and err.count("\n") == 1
                 and err.startswith("ndshm who: "), "who: usage error",
                 (status, out, err))
    status, out, _ = st.run("who", "--help", check=False)
    checks.check(status == 0 and out.startswith("usage: ndshm")
                 and "view" in out, "who --help mentions views", out)


# ---- 3. who as another user -------------------------------------------------

def as_nobody():
    os.setgroups([])
    os.setgid(NOBODY.pw_gid)
    os.setuid(NOBODY.pw_uid)


NOBODY = None


def run_as(env, *args):
    p = subprocess.run([NDSHM, *args], env=env, capture_output=True,
                       text=True, preexec_fn=as_nobody)
    return p.returncode, p.stdout, p.stderr


def other_user_section(checks):
    global NOBODY
    if os.geteuid() != 0:
        print("who as another user: not root, skipped")
        return
    try:
        NOBODY = pwd.getpwnam("nobody")
    except KeyError:
        print("who as another user: no user nobody, skipped")
        return
    base = "/dev/shm" if os.path.isdir("/dev/shm") else None
    top = tempfile.mkdtemp(prefix="ndshm-who.", dir=base)
    os.chmod(top, 0o755)
    store = os.path.join(top, "store")
    os.mkdir(store, 0o700)
    os.chown(store, NOBODY.pw_uid, NOBODY.pw_gid)
    env = dict(os.environ, NDSHM_STORE=store)
    children = []
    try:
        try:
            usable = run_as(env, "--version")[0] == 0
        except OSError:  # the exec itself, in the child
            usable = False
        if not usable:
            print("who as another user: nobody cannot run %s, skipped"
                  % NDSHM)
            return
        status, _, err = run_as(env, "create", "n", "--shape", "10",
                                "--dtype", "int64")
        if not checks.check(status == 0, "nobody creates an array", err):
            return
        status, out, err = run_as(env, "info", "--json", "n")
        path = json.loads(out)["path"]
        proc = subprocess.Popen([sys.executable, "-c", MAPPER, path, "r+"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                preexec_fn=as_nobody)
        children.append(proc)
        checks.equal(proc.stdout.readline(), b"mapped\n", "nobody maps n")
        # root maps it too, and cannot be seen by nobody
        root_child, _ = mapper(path, "r")
        children.append(root_child)
        checks.equal(root_child.expect(), "mapped", "root maps n")
        status, out, err = run_as(env, "who", "--json", "n")
        checks.check(status == 0, "who as nobody: exit 0", (status, err))
        checks.check(re.fullmatch(
            r"ndshm who: [1-9][0-9]* process(es)? could not be inspected "
            r"\(run as root to see all\)\n", err),
            "who as nobody: one line about what it could not see", err)
        got = json.loads(out) if status == 0 else []
        checks.equal([(e["pid"], e["user"], e["access"]) for e in got],
                     [(proc.pid, "nobody", "rw")],
                     "who as nobody: nobody's process only")
        proc.stdin.close()
        checks.equal(proc.wait(60), 0, "nobody's numpy exits 0")
    finally:
        for c in children:
            if isinstance(c, Child):
                c.kill()
            elif c.poll() is None:
                c.kill()
                c.wait()
        shutil.rmtree(top, ignore_errors=True)


def main():
    keep = "--keep" in sys.argv[1:]
    if not os.access(NDSHM, os.X_OK):
        testlib.skip("%s is not built" % NDSHM)
    if not os.path.isdir("/proc/self"):
        testlib.skip("no /proc")
    checks = Checks("df_who")
    with Store(keep=keep) as st, checks.section("df"):
        df_section(checks, st)
    with Store(keep=keep) as st, checks.section("who"):
        who_section(checks, st)
    with checks.section("who as another user"):
        other_user_section(checks)
    return checks.close()


if __name__ == "__main__":
    sys.exit(main())
