#!/usr/bin/env python3
"""The cost of upgrading a WeakRef in a hot loop, natively (`make bench`).

Builds bench/weak/weak_loop.hako (each round upgrades a WeakRef with
weak_to_strong() and reads a field of the box) and its twin
bench/weak/strong_loop.hako (each round reads the box from a strong field
instead) with `hakoc build -O2`, runs the two executables in interleaved
rounds, and prints the median CPU time of each and their ratio. The target is
a ratio of at most 1.5. Both must print the same result.

Options: --hakoc PATH (required), --runs N (default 7), --runtime-path P.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = ("weak_loop", "strong_loop")


def cpu_seconds(exe):
    """Runs `exe`; returns (user+sys CPU seconds, stdout)."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen([exe], stdout=out)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"weak_bench: {exe} exited with status {os.waitstatus_to_exitcode(status)}")
        out.seek(0)
        return usage.ru_utime + usage.ru_stime, out.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hakoc", required=True)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--runtime-path")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        exes = {}
        for name in PROGRAMS:
            exe = os.path.join(tmp, name)
            cmd = [args.hakoc, "build", "-O2", os.path.join(HERE, "weak", name + ".hako"), "-o", exe]
            if args.runtime_path:
                cmd += ["--runtime-path", args.runtime_path]
            subprocess.run(cmd, check=True)
            exes[name] = exe
        times = {name: [] for name in PROGRAMS}
        outputs = {}
        for _ in range(args.runs):
            for name in PROGRAMS:
                t, out = cpu_seconds(exes[name])
                times[name].append(t)
                outputs[name] = out
        if outputs["weak_loop"] != outputs["strong_loop"]:
            sys.exit("weak_bench: the two programs printed different results")
        weak = statistics.median(times["weak_loop"])
        strong = statistics.median(times["strong_loop"])
        print(f"weak upgrade loop : {weak * 1000:8.1f} ms CPU (median of {args.runs})")
        print(f"strong field loop : {strong * 1000:8.1f} ms CPU")
        print(f"ratio weak/strong : {weak / strong:8.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
