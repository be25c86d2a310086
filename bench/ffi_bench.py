#!/usr/bin/env python3
"""The cost of a foreign call (`make bench`), measured side by side.

Builds bench/ffi/add.c as the shared library libhakobenchadd.so, then:
  native: bench/ffi/add_loop.hako built with `hakoc build -O2` against
          bench/ffi/add_loop.c built with clang -O2, both making 10^8 calls
          of add(); target: Hako/C at most 1.05.
  VM:     the same program under `hakoc run` with 10^6 calls against
          CPython's ctypes making the same calls (bench/ffi/add_ctypes.py);
          target: VM/ctypes at most 0.5.
  AArch64: the native pair again, built for aarch64-unknown-linux-gnu (clang-19
          --target and lld for the C side) with 5*10^7 calls each, both run
          under qemu-aarch64: the ratio on the same emulator (its absolute
          times mean nothing). Emulated runs of one binary vary widely from
          run to run, so this pair takes at least 9 rounds and also prints
          the ratio of the fastest runs; target: at most 1.05. Skipped with a
          message when qemu-aarch64 or the arm64 C library is missing.
Each pair runs in interleaved rounds; the median CPU time (user+sys) of
each side and their ratio are printed. Both sides must print the same sum.

Options: --hakoc PATH (required), --runs N (default 5), --runtime-path P,
--cc CC (default clang-19, else cc), --python PY (default python3).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ffi")
NATIVE_CALLS = 100_000_000
VM_CALLS = 1_000_000
QEMU_CALLS = 50_000_000
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import targets  # noqa: E402  (tests/targets.py: how executables of other targets run here)


def cpu_seconds(argv, env=None):
    """Runs argv; returns (user+sys CPU seconds, stdout)."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, stdout=out, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit("ffi_bench: %s exited with status %d" % (argv[0], os.waitstatus_to_exitcode(status)))
        out.seek(0)
        return usage.ru_utime + usage.ru_stime, out.read()


def pair(name, left, right, runs, target, show_fastest=False):
    """Times the commands `left` and `right` in interleaved rounds."""
    times = ([], [])
    outputs = [None, None]
    for _ in range(runs):
        for k, argv in enumerate((left, right)):
            t, out = cpu_seconds(argv)
            times[k].append(t)
            outputs[k] = out
    if outputs[0] != outputs[1]:
        sys.exit("ffi_bench: %s: the two sides printed different results: %r vs %r" % (name, outputs[0], outputs[1]))
    a, b = statistics.median(times[0]), statistics.median(times[1])
    ratio = a / b if b > 0 else float("inf")
    verdict = "meets" if ratio <= target else "misses"
    print("%-44s %8.3fs vs %8.3fs  ratio %.3f (target <= %.2f: %s)" % (name, a, b, ratio, target, verdict))
    if show_fastest:
        fa, fb = min(times[0]), min(times[1])
        print("%-44s %8.3fs vs %8.3fs  ratio %.3f (fastest of %d runs each)" %
              ("", fa, fb, fa / fb if fb > 0 else float("inf"), runs))


def with_calls(tmp, name, calls):
    """A copy of bench/ffi/add_loop.hako making `calls` calls, as tmp/name."""
    with open(os.path.join(HERE, "add_loop.hako"), encoding="utf-8") as f:
        source = f.read().replace(str(NATIVE_CALLS), str(calls))
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(source)
    return path


def aarch64_pair(args, tmp):
    """The native pair built for AArch64 Linux and run under qemu-aarch64."""
    triple = targets.AARCH64_LINUX
    runner = targets.TargetRunner(triple)
    why = runner.missing()
    if why is not None:
        print("AArch64: skipped: %s" % why)
        return
    cc = [shutil.which("clang-19") or "clang-19", "--target=" + triple, "-fuse-ld=lld", "-O2"]
    d = os.path.join(tmp, triple)
    os.makedirs(d)
    subprocess.run(cc + ["-shared", "-fPIC", "-o", os.path.join(d, "libhakobenchadd.so"), os.path.join(HERE, "add.c")],
                   check=True)
    c_exe = os.path.join(d, "add_loop_c")
    subprocess.run(cc + ["-o", c_exe, os.path.join(HERE, "add_loop.c"), "-L" + d, "-lhakobenchadd", "-Wl,-rpath," + d],
                   check=True)
    hako_exe = os.path.join(d, "add_loop_hako")
    subprocess.run([args.hakoc, "build", "-O2", "--target", triple, "-L", d,
                    with_calls(d, "add_loop.hako", QEMU_CALLS), "-o", hako_exe], check=True)
    with runner:
        pair("AArch64 (qemu): 5*10^7 calls, Hako vs C", runner.command(hako_exe, []),
             runner.command(c_exe, [str(QEMU_CALLS)]), max(args.runs, 9), 1.05, show_fastest=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hakoc", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--runtime-path")
    ap.add_argument("--cc", default=shutil.which("clang-19") or "cc")
    ap.add_argument("--python", default=sys.executable)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lib = os.path.join(tmp, "libhakobenchadd.so")
        subprocess.run([args.cc, "-O2", "-shared", "-fPIC", "-o", lib, os.path.join(HERE, "add.c")], check=True)
        c_exe = os.path.join(tmp, "add_loop_c")
        subprocess.run([args.cc, "-O2", "-o", c_exe, os.path.join(HERE, "add_loop.c"), "-L" + tmp, "-lhakobenchadd",
                        "-Wl,-rpath," + tmp], check=True)
        hako_exe = os.path.join(tmp, "add_loop_hako")
        cmd = [args.hakoc, "build", "-O2", "-L", tmp, os.path.join(HERE, "add_loop.hako"), "-o", hako_exe]
        if args.runtime_path:
            cmd += ["--runtime-path", args.runtime_path]
        subprocess.run(cmd, check=True)
        vm_program = with_calls(tmp, "add_loop_vm.hako", VM_CALLS)
        pair("native: 10^8 add() calls, Hako -O2 vs C -O2", [hako_exe], [c_exe, str(NATIVE_CALLS)], args.runs, 1.05)
        pair("VM: 10^6 add() calls, hakoc run vs ctypes", [args.hakoc, "run", "-L", tmp, vm_program],
             [args.python, os.path.join(HERE, "add_ctypes.py"), lib, str(VM_CALLS)], args.runs, 0.5)
        aarch64_pair(args, tmp)


if __name__ == "__main__":
    main()
