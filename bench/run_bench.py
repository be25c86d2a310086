#!/usr/bin/env python3
"""Benchmarks: hakoc's VM against CPython on the same programs (stdlib only).

For each bench/NAME.hako with a twin bench/NAME.py, checks that both print the
same output, then times `hakoc run NAME.hako` and `python3 NAME.py` (wall
clock, best of --runs, default 3) and prints a table with the ratio
hakoc/python. Slow results are reported, never failed (benchmarks are not
tests); the exit status is 1 only when a program fails or the outputs differ.

Usage: run_bench.py --hakoc PATH [--python PATH] [--runs N] [-k SUBSTR]
"""

import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The order of the table; any other NAME.hako/NAME.py pair is appended.
ORDER = ["fib", "loops", "strings", "array", "map", "methods"]
# Targets from the project plan: ratio hakoc/python below these.
TARGETS = {"fib": 0.5, "loops": 0.5}
DEFAULT_TARGET = 1.0
TIMEOUT = 600.0


def programs(filter_text):
    names = [n[:-5] for n in sorted(os.listdir(HERE))
             if n.endswith(".hako") and os.path.exists(os.path.join(HERE, n[:-5] + ".py"))]
    ordered = [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]
    if filter_text:
        ordered = [n for n in ordered if filter_text in n]
    return ordered


def timed(cmd):
    """(seconds, returncode, stdout, stderr) of one run."""
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return TIMEOUT, None, b"", b"timed out"
    except OSError as e:
        return 0.0, None, b"", str(e).encode()
    return time.perf_counter() - start, p.returncode, p.stdout, p.stderr


def best_of(cmd, runs):
    """The fastest of `runs` runs, and the output of the first (every run must
    agree with it)."""
    best = None
    first = None
    for _ in range(runs):
        secs, rc, out, err = timed(cmd)
        if rc != 0:
            return None, (rc, out, err)
        if first is None:
            first = (rc, out, err)
        elif out != first[1]:
            return None, (rc, out, b"output changed between runs")
        best = secs if best is None else min(best, secs)
    return best, first


def describe_failure(label, result):
    rc, out, err = result
    text = err.decode("utf-8", "replace").strip().splitlines()
    return "%s failed (exit %s): %s" % (label, rc, text[0] if text else "(no stderr)")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hakoc", required=True, help="the hakoc executable")
    ap.add_argument("--python", default=sys.executable or "python3", help="the Python to compare with")
    ap.add_argument("--runs", type=int, default=3, help="runs per program; the best counts (default 3)")
    ap.add_argument("-k", dest="filter", default=None, help="only programs whose name contains SUBSTR")
    opts = ap.parse_args(argv)

    names = programs(opts.filter)
    if not names:
        print("no benchmark programs found")
        return 1
    rows = []
    problems = []
    for name in names:
        hako_secs, hako = best_of([opts.hakoc, "run", os.path.join(HERE, name + ".hako")], max(1, opts.runs))
        py_secs, py = best_of([opts.python, os.path.join(HERE, name + ".py")], max(1, opts.runs))
        note = ""
        if hako_secs is None:
            problems.append(describe_failure(name + ".hako", hako))
            note = "hakoc failed"
        if py_secs is None:
            problems.append(describe_failure(name + ".py", py))
            note = "python failed"
        if hako_secs is not None and py_secs is not None and hako[1] != py[1]:
            problems.append("%s: outputs differ: hakoc %r vs python %r" %
                            (name, hako[1].decode("utf-8", "replace")[:80], py[1].decode("utf-8", "replace")[:80]))
            note = "OUTPUT DIFFERS"
        ratio = hako_secs / py_secs if hako_secs is not None and py_secs else None
        target = TARGETS.get(name, DEFAULT_TARGET)
        if not note and ratio is not None:
            note = "ok" if ratio < target else "slower than target %.1f" % target
        rows.append((name, hako_secs, py_secs, ratio, note))
        sys.stdout.flush()

    fmt = "%-10s %10s %10s %8s  %s"
    print(fmt % ("program", "hakoc s", "python s", "ratio", ""))
    for name, h, p, r, note in rows:
        print(fmt % (name, "%.3f" % h if h is not None else "-", "%.3f" % p if p is not None else "-",
                     "%.2f" % r if r is not None else "-", note))
    print("ratio = hakoc/python wall-clock time, best of %d runs (lower is better)." % max(1, opts.runs))
    print("targets: ratio < 1.0 for every program, < 0.5 for fib and loops.")
    for p in problems:
        print("ERROR " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
