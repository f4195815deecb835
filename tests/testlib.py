"""testlib.py -- what the Python tests share: a scratch store and a way to
run the ndshm tool in it."""
import os
import shutil
import subprocess
import sys
import tempfile

NDSHM = os.environ.get("NDSHM") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "tools", "ndshm")


class Store:
    """A scratch store directory, removed on exit of a with block."""

    def __init__(self):
        base = "/dev/shm" if os.path.isdir("/dev/shm") else None
        self.path = tempfile.mkdtemp(prefix="ndshm-test.", dir=base)
        self.env = dict(os.environ, NDSHM_STORE=self.path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        shutil.rmtree(self.path, ignore_errors=True)

    def run(self, *args, check=True):
        """Run ndshm ARGS; return (exit status, stdout, stderr)."""
        p = subprocess.run([NDSHM, *args], env=self.env,
                           capture_output=True, text=True)
        if check and p.returncode != 0:
            sys.exit("ndshm %s failed (%d): %s" % (
                " ".join(args), p.returncode, p.stderr.strip()))
        return p.returncode, p.stdout, p.stderr

    def out(self, *args):
        """stdout of a command that must succeed."""
        return self.run(*args)[1]
