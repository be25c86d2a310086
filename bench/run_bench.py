#!/usr/bin/env python3
"""Benchmarks: hakoc native code against C, hakoc's VM against CPython
(Python 3 standard library only).

Every bench/NAME.hako has two twins, NAME.c (or NAME.cpp) and NAME.py, that
print the same output. For each program the script builds NAME.hako with
`hakoc build -O2` and NAME.c with `clang-19 -O2` (NAME.cpp with
`clang++-19 -O2`; build times are not measured), then times
four runs of the program side by side: the native executable, the C
executable, `hakoc run NAME.hako` (the VM) and `python3 NAME.py`. The rounds
are interleaved (native, C, VM, Python, then again), so a load change on the
machine hits all four alike; the best of --runs rounds (default 3) counts.
The table gives the ratios native/C and VM/Python against their targets.

Timings never fail the run (benchmarks are not tests); the exit status is 1
only when something fails to build or run or the four outputs differ.

Usage: run_bench.py --hakoc PATH [--cc clang-19] [--cxx clang++-19] [--python PATH] [--runs N]
                    [--runtime-path P] [-k SUBSTR]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The order of the table; any other NAME.hako is appended.
ORDER = ["fib", "loops", "strings", "array", "map", "map_int", "map_str", "methods", "binary_trees"]
# Programs that allocate nothing in their hot loop: native/C should stay
# within NATIVE_TARGET_PLAIN; the others within NATIVE_TARGET_ALLOC until
# reference counting lets compiled code reuse memory.
NON_ALLOCATING = ("fib", "loops")
NATIVE_TARGET_PLAIN = 1.5
NATIVE_TARGET_ALLOC = 3.0
# VM/Python: below 1.0 everywhere, below 0.5 on the non-allocating programs.
VM_TARGETS = {"fib": 0.5, "loops": 0.5}
VM_TARGET_DEFAULT = 1.0
RUN_TIMEOUT = 600.0
BUILD_TIMEOUT = 300.0
ENGINES = ("native", "c", "vm", "python")


def programs(filter_text):
    names = [n[:-5] for n in sorted(os.listdir(HERE)) if n.endswith(".hako")]
    ordered = [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]
    if filter_text:
        ordered = [n for n in ordered if filter_text in n]
    return ordered


# Programs with their own native/C target: binary-trees at depth 16,
# releasing every tree, within 2x of C; the Int-keyed MapBox no slower than
# C++'s std::unordered_map, the String-keyed one within 1.5x.
NATIVE_TARGETS = {"binary_trees": 2.0, "map_int": 1.0, "map_str": 1.5}


def native_target(name):
    if name in NATIVE_TARGETS:
        return NATIVE_TARGETS[name]
    return NATIVE_TARGET_PLAIN if name in NON_ALLOCATING else NATIVE_TARGET_ALLOC


def run(cmd, timeout):
    """(seconds, returncode, stdout, stderr) of one run; returncode None when
    it could not start or timed out."""
    start = time.perf_counter()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return timeout, None, b"", b"timed out after %ds" % int(timeout)
    except OSError as e:
        return 0.0, None, b"", str(e).encode()
    return time.perf_counter() - start, p.returncode, p.stdout, p.stderr


def first_line(data):
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else "(no stderr)"


def build(name, tmp, opts):
    """Builds the native and the C executable of `name`: a dict engine ->
    command, and the problems met."""
    commands = {}
    problems = []
    hako = os.path.join(HERE, name + ".hako")
    native_exe = os.path.join(tmp, name + "-native")
    cmd = [opts.hakoc, "build", hako, "-o", native_exe, "-O2"]
    if opts.runtime_path:
        cmd += ["--runtime-path", opts.runtime_path]
    _, rc, _, err = run(cmd, BUILD_TIMEOUT)
    if rc == 0:
        commands["native"] = [native_exe]
    else:
        problems.append("%s: hakoc build -O2 failed (exit %s): %s" % (name, rc, first_line(err)))
    c_exe = os.path.join(tmp, name + "-c")
    twins = [(os.path.join(HERE, name + ext), compiler) for ext, compiler in ((".c", opts.cc), (".cpp", opts.cxx))]
    twins = [(src, compiler) for src, compiler in twins if os.path.exists(src)]
    if len(twins) != 1:
        problems.append("%s: want exactly one of %s.c and %s.cpp, found %d" % (name, name, name, len(twins)))
    else:
        src, compiler = twins[0]
        _, rc, _, err = run([compiler, "-O2", "-o", c_exe, src], BUILD_TIMEOUT)
        if rc == 0:
            commands["c"] = [c_exe]
        else:
            problems.append("%s: %s -O2 failed (exit %s): %s" % (name, compiler, rc, first_line(err)))
    commands["vm"] = [opts.hakoc, "run", hako]
    py_src = os.path.join(HERE, name + ".py")
    if os.path.exists(py_src):
        commands["python"] = [opts.python, py_src]
    else:
        problems.append("%s: no Python twin %s.py" % (name, name))
    return commands, problems


def measure(name, commands, runs):
    """Interleaved rounds over the engines: engine -> best seconds (None when
    it failed), the first output of each engine, and the problems met."""
    best = {}
    outputs = {}
    problems = []
    failed = set()
    for _ in range(runs):
        for engine in ENGINES:
            if engine not in commands or engine in failed:
                continue
            secs, rc, out, err = run(commands[engine], RUN_TIMEOUT)
            if rc != 0:
                failed.add(engine)
                best[engine] = None
                problems.append("%s: %s failed (exit %s): %s" % (name, engine, rc, first_line(err)))
                continue
            if engine not in outputs:
                outputs[engine] = out
            elif out != outputs[engine]:
                failed.add(engine)
                best[engine] = None
                problems.append("%s: %s printed something else on another run" % (name, engine))
                continue
            best[engine] = secs if best.get(engine) is None else min(best[engine], secs)
    return best, outputs, problems


def agreement(name, outputs):
    """Problems when the engines' outputs differ (Python is the reference
    when it ran, the first engine that ran otherwise)."""
    if not outputs:
        return []
    reference = "python" if "python" in outputs else next(iter(outputs))
    problems = []
    for engine, out in outputs.items():
        if out != outputs[reference]:
            problems.append("%s: output of %s differs from %s: %r vs %r" %
                            (name, engine, reference, out[:80], outputs[reference][:80]))
    return problems


def ratio(a, b):
    return a / b if a is not None and b else None


def verdict(r, ok):
    """The ratio, marked with '!' when it misses its target."""
    if r is None:
        return "-"
    return "%.2f%s" % (r, "" if ok else " !")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--hakoc", required=True, help="the hakoc executable")
    ap.add_argument("--cc", default="clang-19", help="the C compiler (default clang-19)")
    ap.add_argument("--cxx", default="clang++-19", help="the C++ compiler, for NAME.cpp twins (default clang++-19)")
    ap.add_argument("--python", default=sys.executable or "python3", help="the Python to compare with")
    ap.add_argument("--runs", type=int, default=3, help="rounds per program; the best counts (default 3)")
    ap.add_argument("--runtime-path", default=None, help="passed to hakoc build as --runtime-path")
    ap.add_argument("-k", dest="filter", default=None, help="only programs whose name contains SUBSTR")
    opts = ap.parse_args(argv)
    if shutil.which(opts.hakoc) is None:
        print("error: hakoc not found: %s" % opts.hakoc)
        return 1

    names = programs(opts.filter)
    if not names:
        print("no benchmark programs found")
        return 1
    fmt = "%-13s %9s %9s %9s %9s %9s %9s  %s"
    print(fmt % ("program", "native s", "C s", "native/C", "VM s", "python s", "VM/py", "output"))
    problems = []
    missed = []
    with tempfile.TemporaryDirectory(prefix="hako-bench-") as tmp:
        for name in names:
            commands, build_problems = build(name, tmp, opts)
            best, outputs, run_problems = measure(name, commands, max(1, opts.runs))
            disagree = agreement(name, outputs)
            problems += build_problems + run_problems + disagree
            native_c = ratio(best.get("native"), best.get("c"))
            vm_py = ratio(best.get("vm"), best.get("python"))
            vm_target = VM_TARGETS.get(name, VM_TARGET_DEFAULT)
            native_ok = native_c is None or native_c <= native_target(name)
            vm_ok = vm_py is None or vm_py < vm_target
            if not native_ok:
                missed.append("%s native/C %.2f > %.1f" % (name, native_c, native_target(name)))
            if not vm_ok:
                missed.append("%s VM/python %.2f >= %.1f" % (name, vm_py, vm_target))
            ran = len(outputs)
            status = "DIFFERS" if disagree else ("agrees" if ran == len(ENGINES) else "%d of 4 ran" % ran)
            secs = {e: ("%.3f" % best[e]) if best.get(e) is not None else "-" for e in ENGINES}
            print(fmt % (name, secs["native"], secs["c"], verdict(native_c, native_ok),
                         secs["vm"], secs["python"], verdict(vm_py, vm_ok), status))
            sys.stdout.flush()
    print("Wall-clock seconds, best of %d interleaved rounds; build times excluded. native = hakoc build -O2," %
          max(1, opts.runs))
    print("C = %s -O2 (%s -O2 for C++ twins), VM = hakoc run, python = %s. '!' marks a ratio over its target." %
          (os.path.basename(opts.cc), os.path.basename(opts.cxx), os.path.basename(opts.python)))
    print("targets: native/C <= %.1f on %s (no allocation in the hot loop), %s, <= %.1f on the other allocating "
          "programs;" % (NATIVE_TARGET_PLAIN, " and ".join(NON_ALLOCATING),
                         ", ".join("<= %.1f on %s" % (t, n) for n, t in sorted(NATIVE_TARGETS.items())),
                         NATIVE_TARGET_ALLOC))
    print("         VM/python < %.1f everywhere, < %.1f on %s." %
          (VM_TARGET_DEFAULT, VM_TARGETS["fib"], " and ".join(sorted(VM_TARGETS))))
    print("targets missed: " + ("; ".join(missed) if missed else "none"))
    for p in problems:
        print("ERROR " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
