#!/usr/bin/env python3
"""Runtime guards A/B (docs/guards.md): what the guards cost when they are
compiled in but off, and, for information, when they are on.

Each program (map_str and map: their hot loops call the guarded nyash_map_*
entry points with handles on every iteration) is built twice with
`hakoc build -O2`: against libreml_runtime.a (guard code compiled in) and
against libreml_runtime_noguard.a (the same runtime built with
REML_GUARD_CODE=0, no guard code at all). Then rounds run the variants
interleaved, so a change of load on the machine hits all alike:

  noguard    the no-guard-code executable
  off        the guarded executable, guards off (HAKO_FFI_GUARD unset)
  on-lg8     the guarded executable, HAKO_FFI_GUARD=1 HAKO_FFI_GUARD_RATE_LG=8
  on-lg0     the guarded executable, HAKO_FFI_GUARD=1 (every call checked)

The median of --runs rounds (default 7) of each variant's CPU time (user +
system, which a busy machine disturbs less than the wall clock) counts. The line to read is
off/noguard: the target is within 1 % (<= 1.01). The on-* ratios are
information. When valgrind is installed the table is followed by the
instructions the noguard and off executables execute (callgrind, one run
each): on a machine whose CPU times swing by several per cent between runs,
that count is the figure that can show a 1 % difference (--no-instructions
skips it). Timings never fail the run; the exit status is 1 only when
something fails to build or run or the variants print different output.

Usage: guard_bench.py --hakoc PATH --runtime LIB.a --noguard-runtime LIB.a [--runs N] [-k SUBSTR] [--no-instructions]
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = ["map_str", "map"]
OFF_TARGET = 1.01
RUN_TIMEOUT = 600.0
BUILD_TIMEOUT = 300.0
GUARD_VARS = ("HAKO_FFI_GUARD", "HAKO_FFI_GUARD_RATE_LG", "HAKO_FAILFAST")
# variant -> (executable kind, guard settings)
VARIANTS = [
    ("noguard", "noguard", {}),
    ("off", "guarded", {}),
    ("on-lg8", "guarded", {"HAKO_FFI_GUARD": "1", "HAKO_FFI_GUARD_RATE_LG": "8"}),
    ("on-lg0", "guarded", {"HAKO_FFI_GUARD": "1", "HAKO_FFI_GUARD_RATE_LG": "0"}),
]


def environment(settings):
    env = {k: v for k, v in os.environ.items() if k not in GUARD_VARS and k != "REML_LEAK_CHECK"}
    env.update(settings)
    return env


def cpu_seconds_of_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(cmd, env, timeout):
    """(wall seconds, CPU seconds, returncode, stdout, stderr); returncode
    None when it could not start or timed out. The CPU time (user + system of
    the child) is what the table compares: on a machine busy with other work
    it varies much less than the wall clock."""
    start, cpu_start = time.perf_counter(), cpu_seconds_of_children()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return timeout, timeout, None, b"", b"timed out"
    except OSError as e:
        return 0.0, 0.0, None, b"", str(e).encode()
    return time.perf_counter() - start, cpu_seconds_of_children() - cpu_start, p.returncode, p.stdout, p.stderr


def instructions(exe, problems, name):
    """The instructions `exe` executes with guards off, counted by callgrind;
    None (and a problem) when valgrind fails."""
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", exe]
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           env=environment({}), timeout=RUN_TIMEOUT * 20)
    except (subprocess.TimeoutExpired, OSError) as e:
        problems.append("%s: callgrind: %s" % (name, e))
        return None
    m = re.search(rb"Collected : (\d+)", p.stderr)
    if p.returncode != 0 or not m:
        problems.append("%s: callgrind exit %s" % (name, p.returncode))
        return None
    return int(m.group(1))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--hakoc", required=True)
    ap.add_argument("--runtime", required=True, help="libreml_runtime.a (guard code compiled in)")
    ap.add_argument("--noguard-runtime", required=True, help="libreml_runtime_noguard.a")
    ap.add_argument("--runs", type=int, default=7, help="interleaved rounds; the median counts (default 7)")
    ap.add_argument("-k", dest="filter", default=None, help="only programs whose name contains SUBSTR")
    ap.add_argument("--no-instructions", action="store_true",
                    help="skip the instruction counts under valgrind (callgrind)")
    opts = ap.parse_args(argv)
    names = [n for n in PROGRAMS if not opts.filter or opts.filter in n]
    problems = []
    fmt = "%-13s %10s %10s %10s %10s %12s %12s %12s"
    print("Runtime guards A/B: median CPU seconds (user + system) of %d interleaved rounds (native -O2)" %
          max(1, opts.runs))
    print(fmt % ("program", "noguard s", "off s", "on-lg8 s", "on-lg0 s", "off/noguard", "lg8/noguard",
                 "lg0/noguard"))
    counts = {}
    with tempfile.TemporaryDirectory(prefix="hako-guard-bench-") as tmp:
        for name in names:
            exes = {}
            for kind, lib in (("guarded", opts.runtime), ("noguard", opts.noguard_runtime)):
                exe = os.path.join(tmp, "%s-%s" % (name, kind))
                _, _, rc, _, err = run([opts.hakoc, "build", os.path.join(HERE, name + ".hako"), "-O2", "-o", exe,
                                     "--runtime-path", lib], None, BUILD_TIMEOUT)
                if rc != 0:
                    problems.append("%s: build against %s failed (exit %s): %s" %
                                    (name, lib, rc, err.decode("utf-8", "replace").strip()[:200]))
                else:
                    exes[kind] = exe
            if len(exes) != 2:
                continue
            times = {v: [] for v, _, _ in VARIANTS}
            outputs = {}
            for _ in range(max(1, opts.runs)):
                for variant, kind, settings in VARIANTS:
                    _, secs, rc, out, err = run([exes[kind]], environment(settings), RUN_TIMEOUT)
                    if rc != 0 or err:
                        problems.append("%s %s: exit %s, stderr %r" % (name, variant, rc, err[:200]))
                        continue
                    outputs.setdefault(variant, out)
                    if "noguard" in outputs and out != outputs["noguard"]:
                        problems.append("%s %s: output differs from noguard" % (name, variant))
                    times[variant].append(secs)
            med = {v: statistics.median(t) if t else None for v, t in times.items()}

            def ratio(v):
                if med.get(v) is None or not med.get("noguard"):
                    return "-"
                r = med[v] / med["noguard"]
                mark = " !" if v == "off" and r > OFF_TARGET else ""
                return "%.3f%s" % (r, mark)

            secs = {v: "%.3f" % med[v] if med[v] is not None else "-" for v in med}
            print(fmt % (name, secs["noguard"], secs["off"], secs["on-lg8"], secs["on-lg0"], ratio("off"),
                         ratio("on-lg8"), ratio("on-lg0")))
            sys.stdout.flush()
            if not opts.no_instructions and shutil.which("valgrind"):
                counts[name] = {kind: instructions(exes[kind], problems, name) for kind in ("noguard", "guarded")}
    print("off/noguard: guards compiled in but off against no guard code; target <= %.2f ('!' marks a miss)." %
          OFF_TARGET)
    print("on-lg8 / on-lg0: HAKO_FFI_GUARD=1 with HAKO_FFI_GUARD_RATE_LG=8 / 0 (information only).")
    if counts:
        print()
        print("Instructions executed (valgrind --tool=callgrind, one run each; steadier than CPU time on a busy")
        print("machine), guards off against no guard code:")
        for name, c in counts.items():
            if c["noguard"] and c["guarded"]:
                r = c["guarded"] / c["noguard"]
                print("%-13s noguard %14d  off %14d  off/noguard %.4f%s" %
                      (name, c["noguard"], c["guarded"], r, " !" if r > OFF_TARGET else ""))
    for p in problems:
        print("ERROR " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
