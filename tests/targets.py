"""Running executables of the targets hakoc links for (docs/platforms.md) on
this x86_64 Linux machine: the host's directly, AArch64 Linux ones under
qemu-aarch64 with the arm64 cross C library as the sysroot, and Windows x64
ones under wine in a private prefix kept warm for a whole session.

    with TargetRunner("x86_64-w64-windows-gnu") as runner:
        subprocess.run(runner.command(exe, args), env=runner.env(...))

Python 3 standard library only; shared by run_tests.py, tests/abi and bench.
"""

import os
import shutil
import subprocess
import tempfile

HOST = "x86_64-unknown-linux-gnu"
AARCH64_LINUX = "aarch64-unknown-linux-gnu"
WINDOWS_GNU = "x86_64-w64-windows-gnu"
# The targets whose executables run here, and what the Debian packages of
# tools/bootstrap.sh install for them.
RUNNABLE = (HOST, AARCH64_LINUX, WINDOWS_GNU)
AARCH64_SYSROOT = "/usr/aarch64-linux-gnu"
WINE_DIR = "/usr/lib/wine"  # Debian installs the wine64 launcher here, not on PATH
# No debug channels; no Mono or Gecko installers; a crash ends the process
# (with winedbg it would wait for a debugger and leave a random status).
WINE_ENV = {"WINEDEBUG": "-all", "WINEDLLOVERRIDES": "mscoree,mshtml=;winedbg.exe=d"}


# What wine prints when the connection to its server breaks under a running
# program (the server was lost, not the program): a failure of the emulator,
# which one more run settles. Nothing a program prints looks like it. Under
# heavy load wine also faults now and then inside its own code as a process
# ends, after the program's output is complete ("Unhandled page fault");
# that is repeated too: Hako programs are deterministic, so a fault of the
# program itself happens again on the second run and is still reported.
WINE_INFRASTRUCTURE_ERRORS = ("wine client error:", "wineserver: could not", "wine: Unhandled page fault")


def executable_name(path, triple):
    """The file `hakoc build -o PATH --target TRIPLE` writes."""
    if triple == WINDOWS_GNU and not os.path.splitext(path)[1]:
        return path + ".exe"
    return path


class TargetRunner:
    """Runs executables of one target; a context manager that sets up (and
    tears down) what the emulator needs for the session."""

    def __init__(self, triple):
        if triple not in RUNNABLE:
            raise ValueError("executables of %s do not run here" % triple)
        self.triple = triple
        self.prefix = None

    def missing(self):
        """Why this target's executables cannot run here, or None."""
        if self.triple == AARCH64_LINUX:
            if shutil.which("qemu-aarch64") is None:
                return "qemu-aarch64 is not installed (Debian package qemu-user)"
            if not os.path.isfile(os.path.join(AARCH64_SYSROOT, "lib", "ld-linux-aarch64.so.1")):
                return "the arm64 C library is not installed (Debian package libc6-arm64-cross)"
        if self.triple == WINDOWS_GNU:
            if not os.access(os.path.join(WINE_DIR, "wine64"), os.X_OK):
                return "wine64 is not installed (Debian package wine64)"
        return None

    def __enter__(self):
        if self.triple == WINDOWS_GNU:
            self.prefix = tempfile.mkdtemp(prefix="hako-wine-")
            env = self.env()
            # About 9 s once; every later run in the prefix is ~0.1 s, with
            # the wine server kept alive in between (-p).
            subprocess.run([os.path.join(WINE_DIR, "wine64"), "wineboot", "--init"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=300)
            subprocess.run([os.path.join(WINE_DIR, "wineserver"), "-p"], env=env, check=False, timeout=60)
        return self

    def __exit__(self, *exc):
        if self.prefix is not None:
            subprocess.run([os.path.join(WINE_DIR, "wineserver"), "-k"], env=self.env(),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, timeout=60)
            shutil.rmtree(self.prefix, ignore_errors=True)
            self.prefix = None
        return False

    def command(self, exe, args):
        """The command that runs executable `exe` of this target with `args`."""
        if self.triple == AARCH64_LINUX:
            return ["qemu-aarch64", "-L", AARCH64_SYSROOT, exe] + list(args)
        if self.triple == WINDOWS_GNU:
            return [os.path.join(WINE_DIR, "wine64"), exe] + list(args)
        return [exe] + list(args)

    def emulator_failed(self, rc, stdout, stderr):
        """Whether a run (its status, stdout and stderr, bytes or text) may
        be a failure of the emulator itself rather than of the program, and
        so is worth repeating once: wine's message about a lost server, or a
        failing status with no output at all, which is how a Windows process
        that wine could not start ends. A program that really ends that way
        fails again on the second run."""
        if self.triple != WINDOWS_GNU:
            return False
        text = stderr.decode("utf-8", errors="replace") if isinstance(stderr, bytes) else stderr
        if any(marker in text for marker in WINE_INFRASTRUCTURE_ERRORS):
            return True
        return rc != 0 and not stdout and not stderr

    def env(self, extra=None):
        """The environment of a run: this process's, the emulator's settings
        and `extra` (variables for the program)."""
        env = dict(os.environ)
        if self.triple == WINDOWS_GNU:
            env.update(WINE_ENV)
            if self.prefix is not None:
                env["WINEPREFIX"] = self.prefix
        env.update(extra or {})
        return env
