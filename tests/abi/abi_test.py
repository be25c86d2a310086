#!/usr/bin/env python3
"""The C ABI of Hako's extern calls, per target, on seeded random signatures
(Python 3 standard library only).

  abi_test.py --mode oracle --target T --seed S --count N --hakoc PATH
  abi_test.py --mode run    --target T --seed S --count N --hakoc PATH

Both modes generate N cases (gen_signatures.py) and group them into programs
of --batch cases, so that a few compiler runs cover hundreds of signatures.

oracle: compiles the cases' C prototypes and a C caller of each with
`clang-19 -target T -S -emit-llvm -O0`, and the Hako program with `hakoc
build --target T --emit=llvm-ir -O0`, and compares, normalised by
llvm_sig.py, each callee's declaration, each call, and each callback's
definition (a C function of the callback's type against hakoc's callback
entry). Nothing runs, so it works for every target.

run: compiles the C callees (which check every argument and return known
values) with the target's gcc into libabicase.a, builds the Hako program
(which checks every result, and whose callbacks check their arguments)
with `hakoc build --target T -L DIR`, and runs it (natively, under qemu or
under wine). A program that does not build or does not end normally is
split in halves until each failing case stands alone.

A failing case is printed as a minimal pair, its signature alone (`--first
ID --count 1` regenerates it). The last line is a summary; the exit status
is 0 when every case passed, 1 when one failed, 77 when the mode cannot run
for the target here (a tool is missing, hakoc does not know the target, or
hakoc cannot link executables for it), and 2 on an internal error.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

import gen_signatures  # noqa: E402
import llvm_sig  # noqa: E402
import render  # noqa: E402
import targets  # noqa: E402  (tests/targets.py: how executables of each target run here)

SKIP = 77
HOST = targets.HOST
# The run mode's C compiler for each target whose executables run here: the
# target's gcc, a compiler independent of the clang that hakoc's lowering is
# modelled on.
C_COMPILERS = {
    targets.HOST: "gcc",
    targets.AARCH64_LINUX: "aarch64-linux-gnu-gcc",
    targets.WINDOWS_GNU: "x86_64-w64-mingw32-gcc",
}
# The first line of a failure the run mode could not isolate in time.
UNRESOLVED = "UNRESOLVED"
COMPILE_TIMEOUT = 120
RUN_TIMEOUT = 20


class Skip(Exception):
    """The mode cannot run for this target here."""


def run(cmd, timeout=COMPILE_TIMEOUT, env=None, cwd=None):
    """Run cmd to its end; stdout and stderr go through files, not pipes,
    so that helper processes a program leaves behind (wine's) holding them
    open do not keep us waiting."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            rc = subprocess.run(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, timeout=timeout, env=env,
                                cwd=cwd).returncode
            note = ""
        except subprocess.TimeoutExpired:
            rc, note = None, "\n(timed out after %ds)" % timeout
        texts = []
        for f in (out, err):
            f.seek(0)
            texts.append(f.read().decode(errors="replace").replace("\r\n", "\n"))
    return subprocess.CompletedProcess(cmd, rc, texts[0], texts[1] + note)


def hakoc_targets(hakoc):
    help_text = run([hakoc, "--help"]).stdout
    return set(re.findall(r"\b(?:x86_64|aarch64|arm64)-[a-z0-9_]+-[a-z0-9_]+(?:-[a-z0-9_]+)?\b", help_text))


def indent(text, prefix="    "):
    return "".join(prefix + line + "\n" for line in text.rstrip("\n").split("\n"))


def shape_counts(by_shape):
    if not by_shape:
        return ""
    return "; by shape: " + ", ".join("%s %d" % kv for kv in sorted(by_shape.items()))


def batches(cases, size):
    return [cases[i:i + size] for i in range(0, len(cases), size)]


# --- the signature oracle ------------------------------------------------

def callback_entry(case):
    """hakoc's function for the callback of a case (Cb<id>.m)."""
    return re.compile(r'@"hako\.callback\.Cb%d\.m/\d+(?:\.\d+)*"\(' % case.ident)


def oracle_batch(opts, cases, workdir):
    """[(case, mismatches, rejection)] for a group of cases, mismatches being
    (what, clang's line, hakoc's line)."""
    os.makedirs(workdir, exist_ok=True)
    c_path, hako_path = os.path.join(workdir, "oracle.c"), os.path.join(workdir, "prog.hako")
    with open(c_path, "w") as f:
        f.write(render.c_oracle(cases))
    with open(hako_path, "w") as f:
        f.write(render.hako_program(cases))
    clang = run([opts.clang, "-target", opts.target, "-S", "-emit-llvm", "-O0", "-w", c_path, "-o", "-"])
    if clang.returncode != 0:
        raise RuntimeError("clang rejected the generated C (%s):\n%s" % (c_path, clang.stderr))
    hakoc = run([opts.hakoc, "build", "--target", opts.target, "--emit=llvm-ir", "-O0", hako_path, "-o", "-"])
    if hakoc.returncode != 0:
        if len(cases) == 1:
            return [(cases[0], [], hakoc.stderr.strip() or "exit status %s" % hakoc.returncode)]
        half = len(cases) // 2
        return (oracle_batch(opts, cases[:half], workdir + "a") + oracle_batch(opts, cases[half:], workdir + "b"))
    out = []
    for c in cases:
        checks = [("declare", c.symbol, c.symbol, "declare"), ("call", c.symbol, c.symbol, "call")]
        if c.callback():
            checks.append(("callback", render.cb_impl_name(c), callback_entry(c), "define"))
        label = {"declare": c.symbol, "call": c.symbol, "callback": "callback_of_" + c.symbol}
        mismatches = []
        for what, clang_name, hakoc_name, kind in checks:
            want = llvm_sig.find(clang.stdout, clang_name, kind)
            got = llvm_sig.find(hakoc.stdout, hakoc_name, kind)
            if want is None:
                raise RuntimeError("no %s of %s in clang's output (%s)" % (kind, clang_name, c_path))
            want_text = want.text(label[what], kind)
            got_text = got.text(label[what], kind) if got else "(none)"
            if want_text != got_text:
                mismatches.append((what, want_text, got_text))
        out.append((c, mismatches, None))
    return out


def describe_case(case):
    """The minimal C prototype and Hako declaration of a case."""
    c_text = render.c_struct_defs([case]) + render.c_prototype(case)
    hako_text = render.hako_structs([case]) + render.hako_extern_fn(case) + "\n"
    return c_text, hako_text


def oracle(opts, cases):
    groups = batches(cases, opts.batch)
    with tempfile.TemporaryDirectory(prefix="hako-abi-oracle-") as tmp:
        workdir = opts.keep or tmp
        with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
            futures = [pool.submit(oracle_batch, opts, g, os.path.join(workdir, "batch%d" % i))
                       for i, g in enumerate(groups)]
            results = [r for f in futures for r in f.result()]
    shown = 0
    counts = {"declare": 0, "call": 0, "callback": 0}
    by_shape = {}
    mismatched = rejected = 0
    for case, mismatches, rejection in results:
        if not mismatches and rejection is None:
            continue
        if rejection is not None:
            rejected += 1
        else:
            mismatched += 1
            by_shape[case.shape] = by_shape.get(case.shape, 0) + 1
            for what, _, _ in mismatches:
                counts[what] += 1
        if shown < opts.show:
            shown += 1
            c_text, hako_text = describe_case(case)
            kind = "REJECTED" if rejection is not None else "MISMATCH"
            print("%s case %d (%s) on %s" % (kind, case.ident, case.shape, opts.target))
            print("  C:")
            print(indent(c_text), end="")
            print("  Hako:")
            print(indent(hako_text), end="")
            if rejection is not None:
                print("  hakoc:")
                print(indent(rejection), end="")
            for what, want, got in mismatches:
                print("  %s" % what)
                print("    clang: %s" % want)
                print("    hakoc: %s" % got)
        else:
            print("%s case %d (%s): %s" % ("REJECTED" if rejection is not None else "MISMATCH", case.ident,
                                           case.shape, ", ".join(m[0] for m in mismatches) or "rejected"))
    print("abi oracle %s: %d signatures (seed %d, from case %d): %d match, %d mismatch (declare %d, call %d, "
          "callback %d%s), %d rejected by hakoc"
          % (opts.target, len(results), opts.seed, opts.first, len(results) - mismatched - rejected, mismatched,
             counts["declare"], counts["call"], counts["callback"], shape_counts(by_shape), rejected))
    return 1 if mismatched or rejected else 0


# --- the run mode --------------------------------------------------------

class Runner:
    """Compiles, builds and runs groups of cases for one target."""

    def __init__(self, opts, workdir, target_runner=None, deadline=None):
        self.opts, self.workdir, self.target_runner = opts, workdir, target_runner
        self.deadline = deadline if deadline is not None else time.monotonic() + opts.budget
        self.counter = 0

    def probe_link(self):
        """Skip a target whose executables hakoc cannot link (E0505)."""
        d = os.path.join(self.workdir, "probe")
        os.makedirs(d, exist_ok=True)
        src = os.path.join(d, "probe.hako")
        with open(src, "w") as f:
            f.write("static box Main {\n    main() {\n        print(1)\n        return 0\n    }\n}\n")
        r = run(self.hakoc_build(src, os.path.join(d, "probe"), d) + ["--diagnostics=json"])
        if r.returncode == 0 or self.opts.target == HOST:
            return
        for line in r.stderr.splitlines():
            try:
                diag = json.loads(line)
            except ValueError:
                continue
            if isinstance(diag, dict) and diag.get("name") == "codegen.link_failed":
                raise Skip("hakoc cannot link executables for %s: %s" % (self.opts.target, diag.get("message")))

    def check_tools(self):
        if self.opts.target not in targets.RUNNABLE:
            raise Skip("executables of %s do not run on this machine (tests/targets.py)" % self.opts.target)
        why = targets.TargetRunner(self.opts.target).missing()
        if why:
            raise Skip(why)
        for tool in (C_COMPILERS[self.opts.target], self.opts.ar):
            if not shutil.which(tool):
                raise Skip("%s is not installed" % tool)

    def c_source(self, cases):
        return render.c_callees(cases)

    def hako_source(self, cases):
        return render.hako_program(cases)

    def hakoc_build(self, src, exe, libdir):
        cmd = [self.opts.hakoc, "build", "--target", self.opts.target, "-" + self.opts.opt, "-L", libdir, src,
               "-o", exe]
        if self.opts.runtime_path:
            cmd += ["--runtime-path", self.opts.runtime_path]
        return cmd

    def build_library(self, cases):
        """Compile the callees of a batch into lib<LIBRARY>.a (and .so on the
        host) in the Runner's directory, which every program of cases of
        the batch links with."""
        d = self.workdir
        c_path, obj = os.path.join(d, "callees.c"), os.path.join(d, "callees.o")
        with open(c_path, "w") as f:
            f.write(self.c_source(cases))
        cc = C_COMPILERS[self.opts.target]
        r = run([cc, "-O2", "-fPIC", "-c", c_path, "-o", obj])
        if r.returncode != 0:
            raise RuntimeError("%s rejected the generated C (%s):\n%s" % (cc, c_path, r.stderr))
        r = run([self.opts.ar, "rcs", os.path.join(d, "lib%s.a" % render.LIBRARY), obj])
        if r.returncode != 0:
            raise RuntimeError("%s failed:\n%s" % (self.opts.ar, r.stderr))
        if self.opts.target == HOST:
            # hakoc checks, before linking for the host, that
            # lib<name>.so provides every symbol (docs/ffi.md).
            r = run([cc, "-shared", obj, "-o", os.path.join(d, "lib%s.so" % render.LIBRARY)])
            if r.returncode != 0:
                raise RuntimeError("%s -shared failed:\n%s" % (cc, r.stderr))

    def build_and_run(self, cases):
        """(status, detail, stdout, stderr): status is build (hakoc
        rejected the program), ran (it ran; rc in detail)."""
        self.counter += 1
        d = os.path.join(self.workdir, "group%d" % self.counter)
        os.makedirs(d, exist_ok=True)
        hako_path = os.path.join(d, "prog.hako")
        with open(hako_path, "w") as f:
            f.write(self.hako_source(cases))
        exe = targets.executable_name(os.path.join(d, "prog"), self.opts.target)
        r = run(self.hakoc_build(hako_path, exe, self.workdir))
        if r.returncode != 0:
            return "build", r.returncode, r.stdout, r.stderr
        r = run(self.target_runner.command(exe, []), timeout=RUN_TIMEOUT, env=self.target_runner.env(), cwd=d)
        if self.target_runner.emulator_failed(r.returncode, r.stdout, r.stderr):
            r = run(self.target_runner.command(exe, []), timeout=RUN_TIMEOUT, env=self.target_runner.env(), cwd=d)
        return "ran", r.returncode, r.stdout, r.stderr

    def run_batch(self, cases):
        self.build_library(cases)
        return self.run_group(cases)

    def run_group(self, cases):
        """{case ident: None (passed) or the lines that show its failure};
        the first line of a failure that could not be isolated in time
        starts with UNRESOLVED."""
        status, rc, out, err = self.build_and_run(cases)
        out_lines, err_lines = out.splitlines(), err.splitlines()
        ids = [c.ident for c in cases]
        ended = {int(m.group(1)) for m in map(re.compile(r"^case (\d+) end$").match, out_lines) if m}
        if status == "ran" and rc == 0 and out_lines[-1:] == ["all done"] and ended == set(ids):
            return self.judge(cases, out_lines + err_lines)
        what = "hakoc build failed" if status == "build" else "the program ended abnormally (exit status %s)" % rc
        if len(cases) == 1:
            return {cases[0].ident: [what] + out_lines[-20:] + err_lines[-20:]}
        if time.monotonic() > self.deadline:
            note = ("%s: %s, in a program of cases %d to %d; the time to isolate failures (--budget) ran out"
                    % (UNRESOLVED, what, cases[0].ident, cases[-1].ident))
            return {c.ident: [note] for c in cases}
        if status == "build":
            results = self.run_group(cases[:len(cases) // 2])
            results.update(self.run_group(cases[len(cases) // 2:]))
            return results
        # Where did it stop? Each callee announces itself on stderr and
        # stdout is unbuffered (render.py), so the cases before the first one
        # without its `end` line finished and are judged from this run
        # (unless the `end` lines were lost after all: the last callee
        # entered is past the first missing `end`; then they run again). The
        # case that stopped the program runs alone, the cases after it
        # together. A case that stops a program but passes alone is reported
        # as it is: a wrong call earlier may have corrupted what it used.
        entered = [int(m.group(1)) for m in map(re.compile(r"^case (\d+): enter$").match, err_lines) if m]
        i_end = next(i for i, ident in enumerate(ids) if ident not in ended)
        i_enter = ids.index(entered[-1]) if entered and entered[-1] in ids else -1
        results = {}
        if i_end >= i_enter:
            results.update(self.judge(cases[:i_end], out_lines + err_lines))
            i = i_end
        else:
            results.update(self.run_group(cases[:i_enter]))
            i = i_enter
        alone = self.run_group(cases[i:i + 1])
        if alone[ids[i]] is None:
            own = [line for line in out_lines + err_lines if re.match(r"^case %d: (?!enter$)" % ids[i], line)]
            other = [line for line in out_lines + err_lines if not re.match(r"^case \d+[: ]", line)
                     and line != "all done"]
            alone[ids[i]] = ["%s, in a program of cases %d to %d, in or after case %d, which passes alone"
                             % (what, ids[0], ids[-1], ids[i])] + own + other[-20:]
        results.update(alone)
        if cases[i + 1:]:
            results.update(self.run_group(cases[i + 1:]))
        return results

    @staticmethod
    def judge(cases, lines):
        """The results of cases that ran to their end, from the lines that
        report wrong values."""
        results = {c.ident: None for c in cases}
        for line in lines:
            m = re.match(r"^case (\d+): (.*)$", line)
            if m and m.group(2) != "enter" and int(m.group(1)) in results:
                ident = int(m.group(1))
                results[ident] = (results[ident] or []) + [line]
        return results


def run_cases(opts, cases, runner_class=Runner):
    """{case ident: None (passed) or the lines that show its failure}."""
    with tempfile.TemporaryDirectory(prefix="hako-abi-run-") as tmp:
        workdir = opts.keep or tmp
        deadline = time.monotonic() + opts.budget
        probe = runner_class(opts, workdir, deadline=deadline)
        probe.probe_link()
        probe.check_tools()
        with targets.TargetRunner(opts.target) as target_runner:
            # One Runner per group of cases, each in its own directory.
            results = {}
            with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
                workers = []
                for i, group in enumerate(batches(cases, opts.batch)):
                    r = runner_class(opts, os.path.join(workdir, "batch%d" % i), target_runner, deadline)
                    os.makedirs(r.workdir, exist_ok=True)
                    workers.append(pool.submit(r.run_batch, group))
                for w in workers:
                    results.update(w.result())
    return results


def run_mode(opts, cases):
    results = run_cases(opts, cases)
    unresolved = [c for c in cases if results[c.ident] and results[c.ident][0].startswith(UNRESOLVED)]
    failed = [c for c in cases if results[c.ident] is not None and c not in unresolved]
    by_shape = {}
    for i, c in enumerate(failed):
        by_shape[c.shape] = by_shape.get(c.shape, 0) + 1
        print("FAIL case %d (%s) on %s" % (c.ident, c.shape, opts.target))
        print(indent("\n".join(results[c.ident])), end="")
        if i < opts.show:
            print("  Hako (prog.hako):")
            print(indent(render.hako_program([c])), end="")
            print("  C (lib%s):" % render.LIBRARY)
            print(indent(render.c_callees([c])), end="")
    notes = sorted({results[c.ident][0] for c in unresolved})
    for note in notes:
        print(note)
    print("abi run %s: %d signatures (seed %d, from case %d, -%s): %d passed, %d failed%s, %d unresolved"
          % (opts.target, len(cases), opts.seed, opts.first, opts.opt, len(cases) - len(failed) - len(unresolved),
             len(failed), shape_counts(by_shape), len(unresolved)))
    return 1 if failed or unresolved else 0


def report_coverage(cases):
    """Print what the cases cover; a run of 100 or more that misses a
    scalar type or a shape would test less than it claims, an error."""
    scalars, shapes, sizes = gen_signatures.coverage(cases)
    all_scalars = {s.name for s in gen_signatures.Whitelist().scalars}
    print("coverage: %d/%d scalar types, %d/%d shapes, %d struct sizes from %s to %s bytes"
          % (len(scalars), len(all_scalars), len(shapes), len(gen_signatures.SHAPES), len(sizes),
             min(sizes, default="-"), max(sizes, default="-")))
    if len(cases) >= 100 and (scalars != all_scalars or len(shapes) != len(gen_signatures.SHAPES)):
        raise RuntimeError("the cases miss scalar types %s or shapes %s"
                           % (sorted(all_scalars - scalars), sorted(set(gen_signatures.SHAPES) - shapes)))


def options(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=("oracle", "run"), required=True)
    ap.add_argument("--target", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--first", type=int, default=0, help="the first case's id (--first ID --count 1: one case)")
    ap.add_argument("--hakoc", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--batch", type=int, default=50, help="cases per program")
    ap.add_argument("--clang", default="clang-19")
    ap.add_argument("--ar", default="llvm-ar-19")
    ap.add_argument("--opt", choices=("O0", "O2"), default="O0", help="run mode: hakoc's optimisation level")
    ap.add_argument("--runtime-path", help="run mode: passed to hakoc build")
    ap.add_argument("--budget", type=float, default=75,
                    help="run mode: seconds after which failing programs are no longer split to isolate cases")
    ap.add_argument("--show", type=int, default=10, help="failing cases printed in full")
    ap.add_argument("--keep", help="write the generated files under this directory and keep them")
    opts = ap.parse_args(argv)
    if opts.keep:
        opts.keep = os.path.abspath(opts.keep)
        os.makedirs(opts.keep, exist_ok=True)
    return opts


def main():
    opts = options()
    try:
        if opts.target not in hakoc_targets(opts.hakoc):
            raise Skip("hakoc does not know the target %s (hakoc --help)" % opts.target)
        if opts.mode == "oracle" and not shutil.which(opts.clang):
            raise Skip("%s is not installed" % opts.clang)
        cases = gen_signatures.generate(opts.seed, opts.count, opts.first)
        report_coverage(cases)
        return oracle(opts, cases) if opts.mode == "oracle" else run_mode(opts, cases)
    except Skip as e:
        print("SKIP abi %s %s: %s" % (opts.mode, opts.target, e))
        return SKIP
    except (RuntimeError, llvm_sig.IRError) as e:
        print("internal error: %s" % e)
        return 2


if __name__ == "__main__":
    sys.exit(main())
