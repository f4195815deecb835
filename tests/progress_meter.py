"""progress_meter.py -- the progress meter of copy, export, create --from
and fsck: drawn on stderr, in place, when stderr is a terminal and the
command has run for NDSHM_PROGRESS_AFTER seconds (1 unless set); never
when stderr is a pipe or a file, nor for a command quicker than that, and
never on stdout.

The commands run with stderr on a pseudo-terminal (pty), as under a user's
shell.  NDSHM_PROGRESS_AFTER=0 stands in for "a command that takes more
than a second", so that no test depends on how fast this machine is.
"""
import os
import pty
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testlib  # noqa: E402
from testlib import NDSHM  # noqa: E402

C = testlib.Checks("progress_meter")

# one meter line as drawn: carriage return, erase the line, the text
SIZE = r"[\d.]+ (?:bytes?|KiB|MiB|GiB)"
BYTES = re.compile(r"ndshm (\w+): (%s) of (%s) \((\d+)%%\), %s/s"
                   r"(?:, ([\w ]+) left)?$" % (SIZE, SIZE, SIZE))
FILES = re.compile(r"ndshm (\w+): (\d+) of (\d+) files \((\d+)%\)"
                   r"(?:, ([\w ]+) left)?$")


def run_on_pty(st, args, after, both=False):
    """Run ndshm ARGS with stderr on a pty (and stdout too, with both: then
    the third value is what the terminal shows of the two); (status,
    stdout, stderr)."""
    env = dict(st.env)
    env.pop("NDSHM_PROGRESS_AFTER", None)
    if after is not None:
        env["NDSHM_PROGRESS_AFTER"] = after
    master, slave = pty.openpty()
    p = subprocess.Popen([NDSHM, *args], env=env,
                         stdout=slave if both else subprocess.PIPE,
                         stderr=slave)
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer is gone
            break
        if not chunk:
            break
        err += chunk
    out = b"" if both else p.stdout.read()
    status = p.wait()
    os.close(master)
    # the terminal turns "\n" into "\r\n"
    return status, out.decode(), err.decode().replace("\r\n", "\n")


def meter_lines(err):
    """The meter's drawings: each starts with "\\r\\033[K"."""
    frames = []
    for line in err.split("\n"):
        parts = line.split("\r\033[K")
        frames += [p for p in parts[1:] if p]
    return frames


def check_meter(err, command, total, unit="bytes"):
    """err holds a meter for command that ends at 100% of total on a line
    of its own, its numbers never going backwards."""
    frames = meter_lines(err)
    if not C.check(frames, "ndshm %s draws a meter" % command, repr(err)):
        return
    pattern = BYTES if unit == "bytes" else FILES
    last = -1
    for f in frames:
        m = pattern.match(f)
        if not C.check(m, "meter line of %s is well formed" % command,
                       repr(f)):
            return
        C.equal(m.group(1), command, "the meter names the command")
        C.equal(m.group(3), total, "the meter's total")
        pct = int(m.group(4))
        C.check(pct >= last, "the meter never goes back", frames)
        last = pct
    C.equal(last, 100, "ndshm %s's meter ends at 100%%" % command)
    C.check(err.endswith("\n"), "the meter's line is ended", repr(err))
    C.check(not pattern.match(frames[-1]).group(5),
            "no time left at the end", frames[-1])


def main():
    with testlib.Store() as st:
        big = np.arange(48 << 20, dtype=np.int32).reshape(3 << 10, 16 << 10)
        npy = st.save("big.npy", big)  # 192 MiB
        out_npy = st.file("out.npy")

        with C.section("create --from on a terminal"):
            status, out, err = run_on_pty(st, ["create", "big", "--from",
                                               npy], "0")
            C.equal(status, 0, "create --from succeeds")
            C.equal(out, "", "nothing on stdout")
            check_meter(err, "create", "192.0 MiB")

        with C.section("copy on a terminal"):
            status, out, err = run_on_pty(st, ["copy", "half",
                                               "big[::-1, ::2]"], "0")
            C.equal(status, 0, "copy succeeds")
            check_meter(err, "copy", "96.0 MiB")
            got = st.window("half")
            C.check(np.array_equal(got, big[::-1, ::2]),
                    "the copy holds big[::-1, ::2]")

        with C.section("export on a terminal"):
            status, out, err = run_on_pty(
                st, ["export", "big[1024:]", out_npy], "0")
            C.equal(status, 0, "export succeeds")
            check_meter(err, "export", "128.0 MiB")
            C.check(np.array_equal(np.load(out_npy), big[1024:]),
                    "the export holds big[1024:]")

        with C.section("fsck on a terminal"):
            status, out, err = run_on_pty(st, ["fsck"], "0")
            C.equal(status, 0, "fsck succeeds")
            check_meter(err, "fsck", "2", unit="files")
            C.check(out.endswith("no problems found\n"),
                    "fsck's report stays on stdout", out)

        with C.section("fsck's problems are not drawn over"):
            # stdout on the same terminal: each problem must start a line
            # of its own, the meter's line cleared before it
            leftover = os.path.join(st.path, "data", "00000000000000ff.npy")
            with open(leftover, "wb") as f:
                f.write(b"x")
            status, _, screen = run_on_pty(st, ["fsck"], "0", both=True)
            os.unlink(leftover)
            C.equal(status, 1, "fsck finds the leftover")
            shown = [ln.split("\r\033[K")[-1] for ln in screen.split("\n")]
            C.check(any(ln.startswith("leftover data file 00000000000000ff"
                                      ".npy") for ln in shown),
                    "the problem starts a line of the terminal", repr(screen))


        with C.section("silent when quick"):
            # the default delay: a second, far longer than this copy
            status, out, err = run_on_pty(st, ["copy", "small", "big[:2]"],
                                          None)
            C.equal(status, 0, "copy succeeds")
            C.equal(err, "", "no meter for a quick copy on a terminal")

        with C.section("silent when stderr is not a terminal"):
            env = dict(st.env, NDSHM_PROGRESS_AFTER="0")
            p = subprocess.run([NDSHM, "copy", "piped", "big"], env=env,
                               capture_output=True, text=True)
            C.equal((p.returncode, p.stdout, p.stderr), (0, "", ""),
                    "copy with stderr a pipe prints nothing")
            p = subprocess.run([NDSHM, "export", "big", out_npy], env=env,
                               capture_output=True, text=True)
            C.equal((p.returncode, p.stdout, p.stderr), (0, "", ""),
                    "export with stderr a pipe prints nothing")

        with C.section("an error after the meter is a line of its own"):
            # the data is written, then the rename onto a directory fails
            target = st.file("a_directory")
            os.mkdir(target)
            with open(os.path.join(target, "keep"), "w") as f:
                f.write("x")
            status, out, err = run_on_pty(st, ["export", "big", target], "0")
            C.equal(status, 1, "export onto a directory fails")
            check_meter(err.rsplit("ndshm export: cannot", 1)[0], "export",
                        "192.0 MiB")
            C.check(re.search(r"\nndshm export: cannot export 'big': "
                              r"cannot write [^\n]*a_directory: [^\n]+\n$",
                              err),
                    "the error is a line of its own", repr(err[-300:]))
            C.equal([n for n in os.listdir(st.scratch)
                     if n.startswith(".ndshm-export")], [],
                    "no temporary file left beside it")
    return C.close()


if __name__ == "__main__":
    sys.exit(main())
