#!/usr/bin/env python3
"""Benchmarks: hakoc native code against C, hakoc's VM against Lua 5.4 and
CPython, and the compile time of `hakoc build -O2` (Python 3 standard
library only).

Every bench/NAME.hako has three twins, NAME.c (or NAME.cpp), NAME.py and
NAME.lua, that print the same output. For each program the script builds
NAME.c with `clang-19 -O2` (NAME.cpp with `clang++-19 -O2`; not timed), then
runs interleaved rounds: `hakoc build -O2 NAME.hako` (timed: the compile
time), the native executable it built, the C executable, `hakoc run
NAME.hako` (the VM), `python3 NAME.py` and `lua5.4 NAME.lua`, then the next
round, so a load change on the machine hits all of them alike; the best of
--runs rounds (default 3) counts. The table gives the ratios native/C,
VM/Lua and VM/Python, the geometric means of each over the programs, and
marks with '!' what misses its target.

Timings never fail the run (benchmarks are not tests); the exit status is 1
only when something fails to build or run or the five outputs differ.

Usage: run_bench.py --hakoc PATH [--cc clang-19] [--cxx clang++-19] [--python PATH] [--lua lua5.4]
                    [--runs N] [--runtime-path P] [-k SUBSTR]
"""

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# The order of the table; any other NAME.hako is appended.
ORDER = ["fib", "loops", "strings", "array", "map", "map_int", "map_str", "methods", "binary_trees",
         "particles", "map_count_int", "map_count_str", "sieve", "string_build"]
# The targets of issue 13: native/C on every program and as a geometric mean
# over the programs; VM/Lua the same; the compile time of each program.
NATIVE_TARGET = 1.3
NATIVE_GEOMEAN_TARGET = 1.15
VM_LUA_TARGET = 1.0
VM_LUA_GEOMEAN_TARGET = 0.5
COMPILE_TARGET = 0.5
RUN_TIMEOUT = 600.0
BUILD_TIMEOUT = 300.0
# The engines that run the program, in the order of a round; their outputs
# must agree. The compile of NAME.hako comes first in each round.
ENGINES = ("native", "c", "vm", "python", "lua")


def programs(filter_text):
    names = [n[:-5] for n in sorted(os.listdir(HERE)) if n.endswith(".hako")]
    ordered = [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]
    if filter_text:
        ordered = [n for n in ordered if filter_text in n]
    return ordered


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
    """The commands of `name`: the hakoc compile, and a dict engine ->
    command (the native executable is built by the compile of the first
    round; the C twin is built here); and the problems met."""
    commands = {}
    problems = []
    hako = os.path.join(HERE, name + ".hako")
    native_exe = os.path.join(tmp, name + "-native")
    compile_cmd = [opts.hakoc, "build", hako, "-o", native_exe, "-O2"]
    if opts.runtime_path:
        compile_cmd += ["--runtime-path", opts.runtime_path]
    commands["native"] = [native_exe]
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
    for engine, ext, interpreter in (("python", ".py", opts.python), ("lua", ".lua", opts.lua)):
        src = os.path.join(HERE, name + ext)
        if os.path.exists(src):
            commands[engine] = [interpreter, src]
        else:
            problems.append("%s: no %s twin %s%s" % (name, engine, name, ext))
    return compile_cmd, commands, problems


def measure(name, compile_cmd, commands, runs):
    """Interleaved rounds: the compile, then the engines. Gives the best
    compile seconds (None when it failed), engine -> best seconds (None when
    it failed), the first output of each engine, and the problems met."""
    best_compile = None
    best = {}
    outputs = {}
    problems = []
    failed = set()
    for _ in range(runs):
        if "compile" not in failed:
            secs, rc, _, err = run(compile_cmd, BUILD_TIMEOUT)
            if rc == 0:
                best_compile = secs if best_compile is None else min(best_compile, secs)
            else:
                failed.update(("compile", "native"))
                best_compile = None
                best["native"] = None
                problems.append("%s: hakoc build -O2 failed (exit %s): %s" % (name, rc, first_line(err)))
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
    return best_compile, best, outputs, problems


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


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def marked(value, target, digits=2, strict=False):
    """The value, marked with '!' when it misses its target: over it, or
    with `strict` (a target "below") at it or over it; no target: never
    marked."""
    if value is None:
        return "-"
    miss = target is not None and (value >= target if strict else value > target)
    return "%.*f%s" % (digits, value, " !" if miss else "")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--hakoc", required=True, help="the hakoc executable")
    ap.add_argument("--cc", default="clang-19", help="the C compiler (default clang-19)")
    ap.add_argument("--cxx", default="clang++-19", help="the C++ compiler, for NAME.cpp twins (default clang++-19)")
    ap.add_argument("--python", default=sys.executable or "python3", help="the Python to compare with")
    ap.add_argument("--lua", default="lua5.4", help="the Lua to compare with (default lua5.4)")
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
    runs = max(1, opts.runs)
    fmt = "%-13s %9s %8s %8s %8s %8s %8s %8s %8s %8s  %s"
    print(fmt % ("program", "compile s", "native s", "C s", "native/C", "VM s", "lua s", "VM/lua", "python s",
                 "VM/py", "output"))
    problems = []
    missed = []
    ratios = {"native/C": [], "VM/lua": [], "VM/python": []}
    with tempfile.TemporaryDirectory(prefix="hako-bench-") as tmp:
        for name in names:
            compile_cmd, commands, build_problems = build(name, tmp, opts)
            compile_secs, best, outputs, run_problems = measure(name, compile_cmd, commands, runs)
            disagree = agreement(name, outputs)
            problems += build_problems + run_problems + disagree
            native_c = ratio(best.get("native"), best.get("c"))
            vm_lua = ratio(best.get("vm"), best.get("lua"))
            vm_py = ratio(best.get("vm"), best.get("python"))
            ratios["native/C"].append(native_c)
            ratios["VM/lua"].append(vm_lua)
            ratios["VM/python"].append(vm_py)
            if compile_secs is not None and compile_secs >= COMPILE_TARGET:
                missed.append("%s compile %.3f s >= %.1f" % (name, compile_secs, COMPILE_TARGET))
            if native_c is not None and native_c > NATIVE_TARGET:
                missed.append("%s native/C %.3f > %.2f" % (name, native_c, NATIVE_TARGET))
            if vm_lua is not None and vm_lua > VM_LUA_TARGET:
                missed.append("%s VM/lua %.3f > %.2f" % (name, vm_lua, VM_LUA_TARGET))
            ran = len(outputs)
            status = "DIFFERS" if disagree else ("agrees" if ran == len(ENGINES) else
                                                 "%d of %d ran" % (ran, len(ENGINES)))
            secs = {e: ("%.3f" % best[e]) if best.get(e) is not None else "-" for e in ENGINES}
            print(fmt % (name, marked(compile_secs, COMPILE_TARGET, 3, strict=True), secs["native"], secs["c"],
                         marked(native_c, NATIVE_TARGET), secs["vm"], secs["lua"], marked(vm_lua, VM_LUA_TARGET),
                         secs["python"], marked(vm_py, None), status))
            sys.stdout.flush()
    means = {k: geomean(v) for k, v in ratios.items()}
    if means["native/C"] is not None and means["native/C"] > NATIVE_GEOMEAN_TARGET:
        missed.append("geomean native/C %.3f > %.2f" % (means["native/C"], NATIVE_GEOMEAN_TARGET))
    if means["VM/lua"] is not None and means["VM/lua"] > VM_LUA_GEOMEAN_TARGET:
        missed.append("geomean VM/lua %.3f > %.2f" % (means["VM/lua"], VM_LUA_GEOMEAN_TARGET))
    print(fmt % ("geomean", "", "", "", marked(means["native/C"], NATIVE_GEOMEAN_TARGET), "", "",
                 marked(means["VM/lua"], VM_LUA_GEOMEAN_TARGET), "", marked(means["VM/python"], None), ""))
    print("Wall-clock seconds, best of %d interleaved rounds. compile = hakoc build -O2 (with the link), "
          "native = its executable," % runs)
    print("C = %s -O2 (%s -O2 for C++ twins), VM = hakoc run, lua = %s, python = %s." %
          (os.path.basename(opts.cc), os.path.basename(opts.cxx), os.path.basename(opts.lua),
           os.path.basename(opts.python)))
    print("targets ('!' marks a miss): compile < %.1f s; native/C <= %.2f on every program, geomean <= %.2f;" %
          (COMPILE_TARGET, NATIVE_TARGET, NATIVE_GEOMEAN_TARGET))
    print("         VM/lua <= %.2f on every program, geomean <= %.2f; VM/py is information." %
          (VM_LUA_TARGET, VM_LUA_GEOMEAN_TARGET))
    # Three digits here: a ratio just over its target shows as the target
    # itself with two.
    print("targets missed: " + ("; ".join(missed) if missed else "none"))
    for p in problems:
        print("ERROR " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
