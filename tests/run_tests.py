#!/usr/bin/env python3
"""File-based test runner for hakoc (Python 3 standard library only).

Modes:
  run DIR...            run every *.hako and compare with its inline expectations
                        (--backend vm, the default: `hakoc run`; --backend
                        native-O0|native-O2: `hakoc build -O0|-O2`, then the
                        executable, also compared byte for byte with the VM)
  parity DIR...         run every *.hako on the VM and as native -O0 and -O2
                        executables; stdout, stderr and exit status must be
                        identical (the expectations are not consulted)
  fail DIR...           check every *.hako (`hakoc check`) and every *.mir
                        (`hakoc verify-mir`) and compare the reported diagnostics
  coverage FAILDIR... DEF  every code of diagnostics.def is expected by some fail
                        program of the FAILDIRs or listed (with a reason) in
                        the first FAILDIR's EXEMPT
  roundtrip DIR...      MIR text round trip: emit-mir, re-print, run-mir

Options: --hakoc PATH, --autoupdate (rewrite expectations from the actual
output; review with git diff; VM backend only), -k SUBSTR (only files whose
name contains it), -j N (parallel workers, default 2), --timeout S (per
program, default 10), --build-timeout S (per `hakoc build`, default 60),
--runtime-path P (passed to `hakoc build`), --lib-dir DIR (passed as -L DIR to
run, run-mir, check and build; repeatable), --target T (native backends: build
for T and run under its emulator, see tests/targets.py).

The last line printed is always `N passed, M failed`; the exit status is 1
when a test failed or when no test was found. tests/README.md describes the
expectation comments.
"""

import argparse
import concurrent.futures
import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import targets

DEFAULT_TIMEOUT = 10.0
SKIPPED = 77  # the exit status of a suite that cannot run here (CTest's SKIP_RETURN_CODE)
DIFF_LINES = 12  # a short diff: enough to see the first differences

# --- run mode directives -----------------------------------------------------
# `// expect: TEXT` keeps TEXT verbatim after the one space that follows the
# colon, so leading blanks and empty lines can be expected too.
# A directive may name a backend in parentheses, `// expect-exit(native): 3`:
# group 1 is the kind, group 2 the backend selector (or None), group 3 the text.
RUN_DIRECTIVE = re.compile(r"//\s*(expect|expect-stderr|expect-exit|expect-runtime-error-at|expect-runtime-error|expect-leak|"
                           r"args|skip-backend|backend-reason)(?:\(([\w-]*)\))?:(?: (.*))?$")
# The kinds that describe the outcome; a backend-specific one replaces the
# plain ones of its kind on the backends it selects.
OUTCOME_KINDS = ("expect", "expect-stderr", "expect-exit", "expect-runtime-error", "expect-runtime-error-at")
BACKENDS = ("vm", "native-O0", "native-O2")
# Selector -> the backends it names.
SELECTORS = {"vm": ("vm",), "native": ("native-O0", "native-O2"), "native-O0": ("native-O0",),
             "native-O2": ("native-O2",)}
RUNTIME_ERROR_LINE = re.compile(r"^(.*):(\d+):(\d+): runtime error: (.*)$")
# `expect-runtime-error-at: FILE:LINE: MESSAGE`: a runtime error in another
# file of the program (one its `using` lines name), FILE relative to the
# program's directory.
RUNTIME_ERROR_AT = re.compile(r"^(\S+):(\d+): (.*)$")
# `// expect-warning: W0302` (before any other directive on its line): hakoc
# warns with that code on this line when it compiles the program. Warnings
# come first on stderr (`hakoc run` and `hakoc build` print them before the
# program runs), as a header line, the source line, the caret line and
# perhaps a help line (src/diag/diag.cpp); the rest of stderr is compared as
# usual.
WARNING_DIRECTIVE = re.compile(r"//\s*expect-warning:\s*((?:W\d{4}\b[ \t]*)+)")
WARNING_LINE = re.compile(r"^(.*):(\d+):(\d+): warning\[(W\d{4})\]: ")
# With --leak-check: the report's lines at the end of stderr, the note debug
# mode adds after a runtime error, and the report of a clean run.
LEAK_LINE = "leak-check: "
DEBUG_NOTE = "note: process "
CLEAN_LEAK_REPORT = ["leak-check: 0 objects live at exit"]

# --- fail mode directives ----------------------------------------------------
# `// error: E0301 E0305`, `// error@12: E0201`, `// error@+1: E0201`,
# `// warning: W0301`. Several directives may share one line. MIR text
# (*.mir) writes them as its own comments: `; error: E0403`.
FAIL_DIRECTIVE = re.compile(r"(?://|;)\s*(error|warning)(?:@([+-]?\d+))?:\s*((?:[EW]\d{4}\b[ \t]*)+)")
# `; error-message: TEXT`: some reported message must contain TEXT (what a
# diagnostic must name, e.g. the value, the block and the conversion).
MESSAGE_DIRECTIVE = re.compile(r"(?://|;)\s*error-message: (.*)$")
CODE = re.compile(r"[EW]\d{4}")


class Outcome:
    """The verdict on one test: `details` explain a failure (a short diff)."""

    def __init__(self, name, ok, reason="", details=None, skipped=False):
        self.name = name
        self.ok = ok
        self.reason = reason
        self.details = details or []
        self.skipped = skipped


class Proc:
    """The result of one hakoc invocation."""

    def __init__(self, rc, out, err, timed_out):
        self.rc = rc
        self.out = out  # bytes
        self.err = err  # bytes
        self.timed_out = timed_out

    @property
    def out_text(self):
        return self.out.decode("utf-8", errors="replace")

    @property
    def err_text(self):
        return self.err.decode("utf-8", errors="replace")


def invoke(cmd, timeout, env=None):
    """Runs `cmd` (with `env` added to the environment); a timeout kills it
    and is reported, never waited out."""
    try:
        full_env = dict(os.environ, **env) if env else None
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, env=full_env)
        return Proc(p.returncode, p.stdout, p.stderr, False)
    except subprocess.TimeoutExpired as e:
        return Proc(None, e.stdout or b"", e.stderr or b"", True)
    except OSError as e:
        return Proc(None, b"", str(e).encode(), False)


def split_lines(text):
    """Lines of program output; a final newline does not start a new line."""
    if text == "":
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def short_diff(expected, actual, label):
    diff = list(difflib.unified_diff(expected, actual, "expected " + label, "actual " + label, lineterm="", n=1))
    if len(diff) > DIFF_LINES:
        diff = diff[:DIFF_LINES] + ["... (%d more diff lines)" % (len(diff) - DIFF_LINES)]
    return diff


def describe_status(proc, timeout):
    if proc.timed_out:
        return "timed out after %gs" % timeout
    if proc.rc is None:
        return "could not start: " + proc.err_text.strip()
    if proc.rc < 0:
        return "killed by signal %d" % -proc.rc
    return "exit status %d" % proc.rc


def read_source(path):
    with open(path, "r", encoding="utf-8", errors="surrogateescape", newline="") as f:
        return f.read()


def write_source(path, text):
    with open(path, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
        f.write(text)


def source_lines(text):
    """The file's lines without their newlines (the list is edited in place by
    autoupdate and joined back with '\\n')."""
    return text.split("\n")


# =============================================================================
# run mode
# =============================================================================

class Directive:
    def __init__(self, kind, backend, text, line):
        self.kind = kind
        self.backend = backend  # a SELECTORS key, or None for every backend
        self.text = text
        self.line = line  # 1-based

    def selects(self, backend):
        return self.backend is not None and backend in SELECTORS.get(self.backend, ())


class RunSpec:
    """The inline expectations of one run program on one backend."""

    def __init__(self, text, backend="vm"):
        self.backend = backend
        self.directives = []
        self.errors = []
        self.warnings = []  # sorted (line, code) pairs
        for i, line in enumerate(source_lines(text), start=1):
            m = RUN_DIRECTIVE.search(line.rstrip("\r"))  # tolerate CRLF files
            if m:
                self.directives.append(Directive(m.group(1), m.group(2), m.group(3) or "", i))
            w = WARNING_DIRECTIVE.search(line)
            if w:
                self.warnings += [(i, code) for code in CODE.findall(w.group(1))]
                if m and m.start() < w.start():
                    self.errors.append("line %d: expect-warning must come before the %s directive" % (i, m.group(1)))
        self.warnings.sort()
        self.check_backend_directives()
        self.stdout = [d.text for d in self.effective("expect")]
        self.stderr = [d.text for d in self.effective("expect-stderr")]
        self.leak = [d.text for d in self.effective("expect-leak")]
        self.exit = None
        exits = self.effective("expect-exit")
        if len(exits) > 1:
            self.errors.append("more than one expect-exit")
        if exits:
            try:
                self.exit = int(exits[0].text.strip())
            except ValueError:
                self.errors.append("expect-exit is not an integer: %r" % exits[0].text)
        # (line, message, file): file is None for this program's own file,
        # else a path relative to its directory.
        self.runtime_error = None
        rerrs = self.effective("expect-runtime-error") + self.effective("expect-runtime-error-at")
        if len(rerrs) > 1:
            self.errors.append("more than one expect-runtime-error")
        if rerrs and rerrs[0].kind == "expect-runtime-error-at":
            m = RUNTIME_ERROR_AT.match(rerrs[0].text)
            if m:
                self.runtime_error = (int(m.group(2)), m.group(3), m.group(1))
            else:
                self.errors.append("line %d: expect-runtime-error-at needs FILE:LINE: MESSAGE" % rerrs[0].line)
        elif rerrs:
            self.runtime_error = (rerrs[0].line, rerrs[0].text, None)
        self.args = []
        for d in self.of("args"):
            try:
                self.args += shlex.split(d.text)
            except ValueError as e:
                self.errors.append("bad args line %d: %s" % (d.line, e))

    def check_backend_directives(self):
        """A backend difference must say why: `skip-backend(SEL): REASON`
        carries its reason, and every `KIND(SEL)` expectation needs a
        `backend-reason(SEL): REASON` line for the same selector."""
        reasons = set()
        for d in self.directives:
            if d.kind in ("skip-backend", "backend-reason"):
                if d.backend is None:
                    self.errors.append("line %d: %s needs a backend, e.g. %s(native)" % (d.line, d.kind, d.kind))
                if not d.text.strip():
                    self.errors.append("line %d: %s without a reason" % (d.line, d.kind))
                if d.kind == "backend-reason":
                    reasons.add(d.backend)
            elif d.backend is not None and d.kind == "args":
                self.errors.append("line %d: args cannot be backend-specific" % d.line)
            if d.backend is not None and d.backend not in SELECTORS:
                self.errors.append("line %d: unknown backend %r (one of %s)" %
                                   (d.line, d.backend, ", ".join(sorted(SELECTORS))))
        for d in self.directives:
            if d.kind in OUTCOME_KINDS and d.backend in SELECTORS and d.backend not in reasons:
                self.errors.append("line %d: %s(%s) needs a `// backend-reason(%s): why` line" %
                                   (d.line, d.kind, d.backend, d.backend))
        used = {d.backend for d in self.directives if d.kind in OUTCOME_KINDS}
        for d in self.directives:
            if d.kind == "backend-reason" and d.backend in SELECTORS and d.backend not in used:
                self.errors.append("line %d: backend-reason(%s) explains no backend-specific expectation of %s" %
                                   (d.line, d.backend, d.backend))
        for kind in OUTCOME_KINDS:
            for backend in BACKENDS:
                selectors = sorted({d.backend for d in self.directives if d.kind == kind and d.selects(backend)})
                if len(selectors) > 1:
                    self.errors.append("%s both apply to %s; use one selector" %
                                       (" and ".join("%s(%s)" % (kind, sel) for sel in selectors), backend))

    def of(self, kind):
        """The directives of `kind` that apply to every backend."""
        return [d for d in self.directives if d.kind == kind and d.backend is None]

    def effective(self, kind):
        """The directives of `kind` on this spec's backend: the ones naming it
        when there are any, else the plain ones."""
        specific = [d for d in self.directives if d.kind == kind and d.selects(self.backend)]
        return specific or self.of(kind)

    def skip_reason(self):
        """Why this program does not run on this backend, or None."""
        for d in self.directives:
            if d.kind == "skip-backend" and d.selects(self.backend):
                return d.text.strip()
        return None

    def difference(self, backend):
        """The reason given for a declared difference (a skip or a specific
        expectation) that applies to `backend`, or None."""
        for d in self.directives:
            if d.kind == "skip-backend" and d.selects(backend):
                return d.text.strip()
        for d in self.directives:
            if d.kind in OUTCOME_KINDS and d.selects(backend):
                return " ".join(r.text.strip() for r in self.directives
                                if r.kind == "backend-reason" and r.backend == d.backend)
        return None

    def expected_exit(self):
        if self.exit is not None:
            return self.exit
        return 1 if self.runtime_error else 0

    def expects_compile_error(self):
        return any("error[" in s for s in self.stderr)


def runtime_error_path(spec, path):
    """The file the expected runtime error names: the program itself, or the
    file of `expect-runtime-error-at` as hakoc shows it (joined with the
    program's directory and normalized)."""
    file = spec.runtime_error[2]
    return path if file is None else os.path.normpath(os.path.join(os.path.dirname(path), file))


def stderr_matches(spec, path, actual_lines):
    """Whether stderr is exactly the expect-stderr lines, then (when one is
    expected) the runtime error line at the directive's line."""
    expected = list(spec.stderr)
    if spec.runtime_error is None:
        return actual_lines == expected
    if len(actual_lines) != len(expected) + 1 or actual_lines[:-1] != expected:
        return False
    m = RUNTIME_ERROR_LINE.match(actual_lines[-1])
    line, message, _ = spec.runtime_error
    return (bool(m) and m.group(1) == runtime_error_path(spec, path) and int(m.group(2)) == line and
            m.group(4) == message)


def expected_stderr_display(spec, path):
    lines = list(spec.stderr)
    if spec.runtime_error is not None:
        lines.append("%s:%d:<col>: runtime error: %s" % (runtime_error_path(spec, path), spec.runtime_error[0],
                                                          spec.runtime_error[1]))
    return lines


def run_one(path, opts):
    name = os.path.basename(path)
    text = read_source(path)
    spec = RunSpec(text, opts.backend)
    if spec.errors:
        return Outcome(name, False, "bad expectations: " + "; ".join(spec.errors))
    skip = spec.skip_reason()
    if skip is not None:
        return Outcome(name, True, "not run on %s: %s" % (opts.backend, skip), skipped=True)
    if opts.skip_declared_leaks and spec.leak:
        return Outcome(name, True, "not run: it leaks on purpose (expect-leak)", skipped=True)
    if opts.backend != "vm":
        return run_native_one(name, path, spec, opts)
    proc = invoke(shlex.split(opts.wrapper) + vm_command(opts, path, spec.args), opts.timeout)
    if opts.autoupdate and not proc.timed_out and proc.rc is not None and proc.rc >= 0:
        if any(d.selects("vm") for d in spec.directives if d.kind in OUTCOME_KINDS):
            return Outcome(name, False, "not updated: it has VM-specific expectations; edit them by hand")
        if spec.of("expect-runtime-error-at"):
            return Outcome(name, False, "not updated: it expects a runtime error in another file; edit it by hand")
        if autoupdate_run(path, text, spec, proc):
            return Outcome(name, True, "updated")
        return Outcome(name, True)
    return judge_run(name, path, spec, proc, opts)


def vm_command(opts, path, args):
    """`hakoc run` of `path`, in debug mode under --leak-check."""
    return [opts.hakoc, "run"] + (["--leak-check"] if opts.leak_check else []) + lib_flags(opts) + [path, "--"] + args


def lib_flags(opts):
    """`-L DIR` for each --lib-dir: where @library libraries are found (other
    scripts reuse this module with options of their own, without lib_dirs)."""
    return dir_flags(getattr(opts, "lib_dirs", []))


def dir_flags(dirs):
    """`-L DIR` for each of `dirs`."""
    return [flag for d in dirs for flag in ("-L", d)]


def expected_leak_report(spec):
    """The leak report a --leak-check run must end with: none after a runtime
    error or a compile error, the declared `expect-leak` lines, or a clean one."""
    if spec.runtime_error is not None or spec.expects_compile_error():
        return []
    return spec.leak or CLEAN_LEAK_REPORT


def split_leak_report(err_lines):
    """(the program's own stderr, the leak report lines): debug mode's note
    after a runtime error belongs to neither."""
    own = [l for l in err_lines if not l.startswith(LEAK_LINE) and not l.startswith(DEBUG_NOTE)]
    return own, [l for l in err_lines if l.startswith(LEAK_LINE)]


def leading_warnings(lines, path):
    """The warnings about `path` at the start of stderr `lines`, as sorted
    (line, code) pairs, and how many lines they take."""
    found = []
    i = 0
    while i + 2 < len(lines):
        m = WARNING_LINE.match(lines[i])
        if not m or m.group(1) != path or not lines[i + 1].startswith("  ") or not lines[i + 2].startswith("  "):
            break
        found.append((int(m.group(2)), m.group(4)))
        i += 3
        if i < len(lines) and lines[i].startswith("  help: "):
            i += 1
    return sorted(found), i


def judge_run(name, path, spec, proc, opts, compiled=True):
    """Compares one run (`proc`) of the program at `path` with `spec`.
    `compiled`: proc is `hakoc run` or a build and run of the source, whose
    stderr begins with the warnings of compiling it (not a run of MIR text)."""
    if proc.timed_out or proc.rc is None or proc.rc < 0:
        return Outcome(name, False, describe_status(proc, opts.timeout),
                       short_diff(spec.stdout, split_lines(proc.out_text), "stdout") +
                       ["  stderr: " + l for l in split_lines(proc.err_text)[:5]])
    problems = []
    details = []
    out_lines = split_lines(proc.out_text)
    expected_out = "".join(l + "\n" for l in spec.stdout)
    if proc.out_text != expected_out:
        problems.append("stdout differs")
        diff = short_diff(spec.stdout, out_lines, "stdout")
        if not diff:  # same lines, different final newline
            diff = ["(stdout differs only in its final newline)"]
        details += diff
    err_lines = split_lines(proc.err_text)
    if compiled:
        warnings, count = leading_warnings(err_lines, path)
        err_lines = err_lines[count:]
        if warnings != spec.warnings:
            problems.append("warnings differ")
            details += multiset_diff(spec.warnings, warnings)[:DIFF_LINES]
    if opts.leak_check:
        err_lines, report = split_leak_report(err_lines)
        if report != expected_leak_report(spec):
            problems.append("leak report differs")
            details += short_diff(expected_leak_report(spec), report, "leak report")
    if not stderr_matches(spec, path, err_lines):
        problems.append("stderr differs")
        details += short_diff(expected_stderr_display(spec, path), err_lines, "stderr")
    if proc.rc != spec.expected_exit():
        problems.append("exit status %d, expected %d" % (proc.rc, spec.expected_exit()))
    if problems:
        return Outcome(name, False, ", ".join(problems), details)
    return Outcome(name, True)


# --- native backends ---------------------------------------------------------

def run_native(path, args, backend, opts, build_may_fail):
    """Builds `path` with `hakoc build -O0|-O2` into opts.tmp_dir and runs the
    executable with `args`. Returns (proc, problem): proc is what a user of
    `hakoc build F -o x && ./x ARGS` sees (the build's diagnostics, then the
    program's output and status; when `build_may_fail`, a failed build is
    itself the result), problem an Outcome-ready (reason, details) when the
    build broke."""
    level = backend.split("-", 1)[1]
    # One directory per build: programs of the same name in different
    # directories may be built at the same time.
    work = tempfile.mkdtemp(dir=opts.tmp_dir)
    try:
        exe = os.path.join(work, os.path.splitext(os.path.basename(path))[0])
        cmd = [opts.hakoc, "build", path, "-o", exe, "-" + level]
        runner = getattr(opts, "runner", None)
        if runner is not None and runner.triple != targets.HOST:
            # The host VM it is compared with loads the host's libraries.
            cmd += ["--target", runner.triple] + dir_flags(opts.target_lib_dirs)
            exe = targets.executable_name(exe, runner.triple)
        else:
            cmd += lib_flags(opts)
        if opts.runtime_path:
            cmd += ["--runtime-path", opts.runtime_path]
        build = invoke(cmd, opts.build_timeout)
        if build.timed_out or build.rc is None or build.rc < 0:
            return None, ("hakoc build -%s: %s" % (level, describe_status(build, opts.build_timeout)),
                          ["  " + l for l in split_lines(build.err_text)[:5]])
        if build.rc != 0:
            if build_may_fail:
                return build, None
            return None, ("hakoc build -%s failed (exit %d)" % (level, build.rc),
                          ["  " + l for l in split_lines(build.err_text)[:8]])
        env = {"REML_LEAK_CHECK": "1"} if opts.leak_check else None
        if runner is not None:
            run_cmd, env = runner.command(exe, args), runner.env(env)
        else:
            run_cmd = [exe] + args
        proc = invoke(shlex.split(opts.wrapper) + run_cmd, opts.timeout, env)
        if runner is not None and runner.emulator_failed(proc.rc, proc.out, proc.err):
            proc = invoke(shlex.split(opts.wrapper) + run_cmd, opts.timeout, env)
        return Proc(proc.rc, build.out + proc.out, build.err + proc.err, proc.timed_out), None
    finally:
        shutil.rmtree(work, ignore_errors=True)  # 146 programs x 2 levels would fill the disk


def without_debug_notes(data):
    """Output bytes without debug mode's `note: process ...` lines, which name
    a process id and a time and so differ between any two runs."""
    return b"".join(l for l in data.splitlines(keepends=True) if not l.startswith(DEBUG_NOTE.encode()))


def compare_runs(vm, native, label, timeout, debug_mode=False):
    """The differences between a VM run and a native run, byte for byte
    (apart from debug mode's notes when `debug_mode`): (problems, details)."""
    problems = []
    details = []
    for proc, who in ((vm, "vm"), (native, label)):
        if proc.timed_out or proc.rc is None or proc.rc < 0:
            problems.append("%s: %s" % (who, describe_status(proc, timeout)))
    if problems:
        return problems, details
    for stream in ("stdout", "stderr"):
        vm_bytes, native_bytes = (vm.out, native.out) if stream == "stdout" else (vm.err, native.err)
        if debug_mode and stream == "stderr":
            vm_bytes, native_bytes = without_debug_notes(vm_bytes), without_debug_notes(native_bytes)
        if vm_bytes != native_bytes:
            problems.append("%s differs from the VM" % stream)
            vm_text = vm_bytes.decode("utf-8", errors="replace")
            native_text = native_bytes.decode("utf-8", errors="replace")
            details.append("(expected: the VM's %s; actual: %s's)" % (stream, label))
            details += short_diff(split_lines(vm_text), split_lines(native_text), stream) or \
                ["(%s differs only in its final newline or in bytes that are not UTF-8)" % stream]
    if vm.rc != native.rc:
        problems.append("exit status %d (vm) vs %d (%s)" % (vm.rc, native.rc, label))
    return problems, details


def run_native_one(name, path, spec, opts):
    """run mode on a native backend: the expectations must hold, and unless
    the program declares a difference, the output must equal the VM's byte
    for byte (this also checks the runtime error column, which expectations
    leave open)."""
    proc, problem = run_native(path, spec.args, opts.backend, opts, spec.expects_compile_error())
    if problem:
        return Outcome(name, False, problem[0], problem[1])
    outcome = judge_run(name, path, spec, proc, opts)
    if not outcome.ok or spec.difference(opts.backend) is not None or spec.difference("vm") is not None:
        return outcome
    vm = invoke(vm_command(opts, path, spec.args), opts.timeout)
    problems, details = compare_runs(vm, proc, opts.backend, opts.timeout, opts.leak_check)
    if problems:
        return Outcome(name, False, ", ".join(problems), details)
    return outcome


# =============================================================================
# parity mode
# =============================================================================

def parity_one(path, opts):
    """VM against native -O0 and -O2, byte for byte: one outcome per level.
    A level for which the program declares a difference is skipped."""
    name = os.path.basename(path)
    spec = RunSpec(read_source(path))
    if spec.errors:
        return [Outcome(name, False, "bad expectations: " + "; ".join(spec.errors))]
    vm = None
    outcomes = []
    for backend in BACKENDS[1:]:
        label = "%s [%s]" % (name, backend)
        why = spec.difference(backend) or spec.difference("vm")
        if why is not None:
            outcomes.append(Outcome(label, True, "declares a backend difference: " + why, skipped=True))
            continue
        if vm is None:
            vm = invoke(vm_command(opts, path, spec.args), opts.timeout)
        # A program the VM cannot compile must fail to build the same way.
        native, problem = run_native(path, spec.args, backend, opts, build_may_fail=True)
        if problem:
            outcomes.append(Outcome(label, False, problem[0], problem[1]))
            continue
        problems, details = compare_runs(vm, native, backend, opts.timeout)
        outcomes.append(Outcome(label, not problems, ", ".join(problems), details))
    return outcomes


def remove_directive(lines, line_no, doomed):
    """Removes the directive on 1-based `line_no`: a trailing comment is cut
    off; a line holding only the directive is marked for deletion (deleted
    last, so the line numbers used meanwhile stay valid)."""
    line = lines[line_no - 1]
    m = RUN_DIRECTIVE.search(line)
    if not m:
        return
    before = line[:m.start()].rstrip()
    if before == "":
        doomed.add(line_no)
    else:
        lines[line_no - 1] = before


def set_directive_text(lines, line_no, kind, text):
    line = lines[line_no - 1]
    m = RUN_DIRECTIVE.search(line)
    lines[line_no - 1] = line[:m.start()] + render_run_directive(kind, text)


def render_run_directive(kind, text):
    return "// %s:" % kind + (" " + text if text != "" else "")


def add_trailing(lines, line_no, directive):
    lines[line_no - 1] = lines[line_no - 1].rstrip() + "  " + directive


def sync_directives(lines, existing, kind, wanted, doomed, appended):
    """Makes the directives of `kind` say `wanted`, in order: existing ones
    are rewritten in place, surplus ones removed, missing ones appended."""
    for d, text in zip(existing, wanted):
        if d.text != text:
            set_directive_text(lines, d.line, kind, text)
    for d in existing[len(wanted):]:
        remove_directive(lines, d.line, doomed)
    for text in wanted[len(existing):]:
        appended.append(render_run_directive(kind, text))


def autoupdate_run(path, text, spec, proc):
    """Rewrites the expectations of `path` from `proc`; returns whether the
    file changed."""
    lines = source_lines(text)
    trailing_newline = text.endswith("\n")
    if trailing_newline:
        lines.pop()
    doomed = set()
    appended = []
    err_lines = split_lines(proc.err_text)
    err_lines = err_lines[leading_warnings(err_lines, path)[1]:]  # expect-warning is written by hand

    # A final runtime error line of this file becomes expect-runtime-error on
    # its line; everything else on stderr is expected literally.
    runtime = None
    if err_lines:
        m = RUNTIME_ERROR_LINE.match(err_lines[-1])
        if m and m.group(1) == path and 1 <= int(m.group(2)) <= len(lines):
            there = RUN_DIRECTIVE.search(lines[int(m.group(2)) - 1])
            # A line that already carries another kind of directive cannot
            # take this one; the error is then expected literally.
            if there is None or (there.group(1) == "expect-runtime-error" and there.group(2) is None):
                runtime = (int(m.group(2)), m.group(4))
                err_lines = err_lines[:-1]
    old_rt = spec.of("expect-runtime-error")
    placed = False
    for d in old_rt:
        if runtime is not None and d.line == runtime[0] and not placed:
            if d.text != runtime[1]:
                set_directive_text(lines, d.line, "expect-runtime-error", runtime[1])
            placed = True
        else:
            remove_directive(lines, d.line, doomed)
    if runtime is not None and not placed:
        add_trailing(lines, runtime[0], render_run_directive("expect-runtime-error", runtime[1]))

    sync_directives(lines, spec.of("expect"), "expect", split_lines(proc.out_text), doomed, appended)
    sync_directives(lines, spec.of("expect-stderr"), "expect-stderr", err_lines, doomed, appended)

    implied = 1 if runtime is not None else 0
    exits = spec.of("expect-exit")
    if proc.rc == implied:
        for d in exits:
            remove_directive(lines, d.line, doomed)
    else:
        if exits:
            set_directive_text(lines, exits[0].line, "expect-exit", str(proc.rc))
            for d in exits[1:]:
                remove_directive(lines, d.line, doomed)
        else:
            appended.append(render_run_directive("expect-exit", str(proc.rc)))

    new_lines = [l for i, l in enumerate(lines, start=1) if i not in doomed] + appended
    new_text = "\n".join(new_lines) + ("\n" if trailing_newline or appended else "")
    if new_text != text:
        write_source(path, new_text)
        return True
    return False


# =============================================================================
# fail mode
# =============================================================================

def fail_expectations(text):
    """The multiset of expected (line, code) pairs, as a sorted list, and any
    problems with the directives themselves."""
    expected = []
    problems = []
    for i, line in enumerate(source_lines(text), start=1):
        for m in FAIL_DIRECTIVE.finditer(line):
            kind, at, codes = m.group(1), m.group(2), CODE.findall(m.group(3))
            target = i
            if at is not None:
                target = i + int(at) if at[0] in "+-" else int(at)
            for c in codes:
                if (kind == "error") != c.startswith("E"):
                    problems.append("line %d: %s listed under '%s'" % (i, c, kind))
                expected.append((target, c))
    return sorted(expected), problems


def parse_json_diagnostics(err_text):
    """(diagnostics, unparsable lines) from `--diagnostics=json` stderr."""
    diags = []
    junk = []
    for line in split_lines(err_text):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            diags.append((int(obj["line"]), str(obj["code"]), str(obj.get("severity", "")), str(obj.get("message", ""))))
        except (ValueError, KeyError, TypeError):
            junk.append(line)
    return diags, junk


def multiset_diff(expected, actual):
    """Lines `- (line, code)` for missing and `+ ...` for unexpected pairs."""
    rest = list(actual)
    missing = []
    for e in expected:
        if e in rest:
            rest.remove(e)
        else:
            missing.append(e)
    return ["- line %d: %s (expected, not reported)" % e for e in missing] + \
           ["+ line %d: %s (reported, not expected)" % a for a in rest]


def fail_one(path, opts):
    name = os.path.basename(path)
    text = read_source(path)
    expected, problems = fail_expectations(text)
    if problems and not opts.autoupdate:
        return Outcome(name, False, "bad expectations: " + "; ".join(problems))
    command = "verify-mir" if path.endswith(".mir") else "check"
    proc = invoke([opts.hakoc, command, "--diagnostics=json"] + (lib_flags(opts) if command == "check" else []) + [path],
                  opts.timeout)
    if proc.timed_out or proc.rc is None or proc.rc < 0:
        return Outcome(name, False, describe_status(proc, opts.timeout))
    diags, junk = parse_json_diagnostics(proc.err_text)
    actual = sorted((d[0], d[1]) for d in diags)
    if opts.autoupdate:
        if junk or proc.rc not in (0, 1):
            return Outcome(name, False, "not updated: hakoc gave %s with non-JSON stderr" % describe_status(proc, opts.timeout),
                           ["  " + l for l in junk[:5]])
        if actual == expected and not problems and proc.rc == (1 if any(c.startswith("E") for _, c in actual) else 0):
            return Outcome(name, True)  # already right: keep the author's layout
        if autoupdate_fail(path, text, diags):
            return Outcome(name, True, "updated")
        return Outcome(name, True)
    if not expected:
        return Outcome(name, False, "no '// error:' or '// warning:' expectation in the file")
    reasons = []
    details = []
    if actual != expected:
        reasons.append("diagnostics differ")
        details += multiset_diff(expected, actual)[:DIFF_LINES]
        by_line = {}
        for d in diags:
            by_line.setdefault((d[0], d[1]), d[3])
        for e in actual:
            if e not in expected and e in by_line:
                details.append("  %d: %s %s" % (e[0], e[1], by_line[e]))
                break
    for line in source_lines(text):
        for m in MESSAGE_DIRECTIVE.finditer(line):
            if not any(m.group(1) in d[3] for d in diags):
                reasons.append("no message contains %r" % m.group(1))
                details += ["  %d: %s %s" % (d[0], d[1], d[3]) for d in diags[:3]]
    if junk:
        reasons.append("stderr lines that are not JSON diagnostics")
        details += ["  " + l for l in junk[:5]]
    wants_error = any(c.startswith("E") for _, c in expected)
    want_rc = 1 if wants_error else 0
    if proc.rc != want_rc:
        reasons.append("exit status %d, expected %d" % (proc.rc, want_rc))
    if reasons:
        return Outcome(name, False, ", ".join(reasons), details)
    return Outcome(name, True)


def autoupdate_fail(path, text, diags):
    """Rewrites the error/warning directives of `path` from `diags`. Lines are
    never added or removed (diagnostic positions must not move): directives
    become trailing comments, and positions outside the file become
    `// error@N:` directives on its last line."""
    lines = source_lines(text)
    marker = ";" if path.endswith(".mir") else "//"  # the comment of the file's language
    trailing_newline = text.endswith("\n")
    if trailing_newline:
        lines.pop()
    if not lines:
        lines = [""]
    for i, line in enumerate(lines):
        stripped = FAIL_DIRECTIVE.sub("", line)
        if stripped != line:
            stripped = stripped.rstrip()
            if stripped.endswith(marker):  # e.g. `x  // note // error: E0301`
                stripped = stripped[:-len(marker)].rstrip()
        lines[i] = stripped
    by_line = {}
    for line_no, code, severity, _ in diags:
        kind = "warning" if severity == "warning" or code.startswith("W") else "error"
        by_line.setdefault(line_no, {}).setdefault(kind, []).append(code)
    last = len(lines)
    for line_no in sorted(by_line):
        for kind in ("error", "warning"):
            codes = by_line[line_no].get(kind)
            if not codes:
                continue
            if 1 <= line_no <= last:
                lines[line_no - 1] = lines[line_no - 1].rstrip() + "  %s %s: %s" % (marker, kind, " ".join(codes))
            else:
                lines[last - 1] = lines[last - 1].rstrip() + "  %s %s@%d: %s" % (marker, kind, line_no,
                                                                                  " ".join(codes))
    new_text = "\n".join(lines) + ("\n" if trailing_newline else "")
    if new_text != text:
        write_source(path, new_text)
        return True
    return False


# =============================================================================
# coverage mode
# =============================================================================

DIAG_DEF = re.compile(r'^\s*DIAG\(\s*(\w+)\s*,\s*"([EW]\d{4})"\s*,\s*(\w+)\s*,\s*"([\w.]+)"\s*\)')


def coverage(fail_dirs, def_path):
    outcomes = []
    codes = []
    with open(def_path, encoding="utf-8") as f:
        for line in f:
            m = DIAG_DEF.match(line)
            if m:
                codes.append((m.group(2), m.group(1)))
    if not codes:
        return [Outcome(os.path.basename(def_path), False, "no DIAG(...) entries found")]

    covered = {}
    for path in sorted(find_programs(fail_dirs, FAIL_EXTENSIONS)):
        expected, _ = fail_expectations(read_source(path))
        for _, code in expected:
            covered.setdefault(code, os.path.basename(path))

    exempt = {}
    exempt_path = os.path.join(fail_dirs[0], "EXEMPT")
    if os.path.exists(exempt_path):
        with open(exempt_path, encoding="utf-8") as f:
            for n, line in enumerate(f, start=1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                parts = line.split(None, 1)
                code = parts[0]
                reason = parts[1].strip() if len(parts) > 1 else ""
                if not reason:
                    outcomes.append(Outcome("EXEMPT:%d" % n, False, "%s is exempt without a reason" % code))
                if code in exempt:
                    outcomes.append(Outcome("EXEMPT:%d" % n, False, "%s is listed twice" % code))
                exempt[code] = reason

    known = {c for c, _ in codes}
    for code in sorted(exempt):
        if code not in known:
            outcomes.append(Outcome("EXEMPT", False, "%s is not in %s" % (code, os.path.basename(def_path))))
    for code in sorted(covered):
        if code not in known:
            outcomes.append(Outcome(covered[code], False, "expects %s, which is not in %s" %
                                    (code, os.path.basename(def_path))))
    for code, name in codes:
        label = "%s %s" % (code, name)
        if code in covered and code in exempt:
            outcomes.append(Outcome(label, False, "listed in EXEMPT but covered by %s; remove it from EXEMPT" %
                                    covered[code]))
        elif code in covered or code in exempt:
            outcomes.append(Outcome(label, True))
        else:
            outcomes.append(Outcome(label, False, "not expected by any fail program and not in EXEMPT"))
    return outcomes


# =============================================================================
# roundtrip mode
# =============================================================================

def roundtrip_one(path, opts, tmp_dir):
    name = os.path.basename(path)
    spec = RunSpec(read_source(path))
    if spec.expects_compile_error():
        return Outcome(name, True, skipped=True)
    if opts.skip_declared_leaks and spec.leak:
        return Outcome(name, True, "not run: it leaks on purpose (expect-leak)", skipped=True)
    first = invoke([opts.hakoc, "emit-mir", path], opts.timeout)
    if first.timed_out or first.rc != 0:
        return Outcome(name, False, "emit-mir of the source: " + describe_status(first, opts.timeout),
                       ["  " + l for l in split_lines(first.err_text)[:5]])
    a_path = os.path.join(tmp_dir, os.path.splitext(name)[0] + ".mir")
    with open(a_path, "wb") as f:
        f.write(first.out)
    second = invoke([opts.hakoc, "emit-mir", a_path], opts.timeout)
    if second.timed_out or second.rc != 0:
        return Outcome(name, False, "emit-mir of the MIR text: " + describe_status(second, opts.timeout),
                       ["  " + l for l in split_lines(second.err_text)[:5]])
    if second.out != first.out:
        return Outcome(name, False, "re-printed MIR differs from the first print",
                       short_diff(split_lines(first.out_text), split_lines(second.out_text), "a.mir"))
    direct = invoke([opts.hakoc, "run"] + lib_flags(opts) + [path, "--"] + spec.args, opts.timeout)
    via_mir = invoke([opts.hakoc, "run-mir"] + lib_flags(opts) + [a_path, "--"] + spec.args, opts.timeout)
    problems = []
    details = []
    for proc, label in ((direct, "run"), (via_mir, "run-mir")):
        if proc.timed_out or proc.rc is None or proc.rc < 0:
            problems.append("%s: %s" % (label, describe_status(proc, opts.timeout)))
    if not problems:
        if direct.out != via_mir.out:
            problems.append("stdout differs")
            details += short_diff(split_lines(direct.out_text), split_lines(via_mir.out_text), "stdout (run vs run-mir)")
        # Only compiling the source warns: the MIR text carries no warnings.
        direct_lines = direct.err_text.split("\n")
        direct_err = "\n".join(direct_lines[leading_warnings(direct_lines, path)[1]:])
        if direct_err != via_mir.err_text:
            problems.append("stderr differs")
            details += short_diff(split_lines(direct_err), split_lines(via_mir.err_text), "stderr (run vs run-mir)")
        if direct.rc != via_mir.rc:
            problems.append("exit status %d (run) vs %d (run-mir)" % (direct.rc, via_mir.rc))
    if problems:
        return Outcome(name, False, ", ".join(problems), details)
    return Outcome(name, True)


# =============================================================================
# driver
# =============================================================================

# The inputs of fail mode: Hako programs and MIR text.
FAIL_EXTENSIONS = (".hako", ".mir")


def find_programs(paths, extensions=(".hako",)):
    found = []
    for p in paths:
        if os.path.isdir(p):
            for entry in sorted(os.listdir(p)):
                if entry.endswith(extensions):
                    found.append(os.path.join(p, entry))
        elif p.endswith(extensions) and os.path.isfile(p):
            found.append(p)
    return found


def report(outcomes):
    failed = [o for o in outcomes if not o.ok]
    for o in sorted(failed, key=lambda o: o.name):
        print("FAIL %s: %s" % (o.name, o.reason))
        for d in o.details:
            print("    " + d)
    for o in sorted((o for o in outcomes if o.skipped and o.reason), key=lambda o: o.name):
        print("skip %s: %s" % (o.name, o.reason))
    updated = [o for o in outcomes if o.ok and o.reason == "updated"]
    for o in sorted(updated, key=lambda o: o.name):
        print("updated %s" % o.name)
    skipped = sum(1 for o in outcomes if o.skipped)
    passed = sum(1 for o in outcomes if o.ok and not o.skipped)
    if skipped:
        print("%d skipped" % skipped)
    print("%d passed, %d failed" % (passed, len(failed)))
    return 0 if outcomes and not failed and passed > 0 else 1


def parallel(fn, items, workers):
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(fn, items))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--hakoc", default=os.environ.get("HAKOC", "hakoc"), help="the hakoc executable")
    ap.add_argument("--autoupdate", action="store_true", help="rewrite expectations from the actual output")
    ap.add_argument("-k", dest="filter", default=None, help="only files whose name contains SUBSTR")
    ap.add_argument("-j", dest="jobs", type=int, default=2, help="parallel workers (default 2)")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per program (default 10)")
    ap.add_argument("--wrapper", default="",
                    help="run mode: a command to run hakoc (or the native executable) under, e.g. valgrind; "
                         "its own failures fail the test")
    ap.add_argument("--backend", choices=BACKENDS, default="vm",
                    help="run mode: the VM (default) or native executables built at -O0 or -O2")
    ap.add_argument("--build-timeout", type=float, default=60.0, help="seconds per hakoc build (default 60)")
    ap.add_argument("--runtime-path", default=None, help="passed to hakoc build as --runtime-path")
    ap.add_argument("--lib-dir", dest="lib_dirs", action="append", default=[],
                    help="passed to hakoc run, run-mir, check and build as -L DIR (repeatable)")
    ap.add_argument("--skip-declared-leaks", action="store_true",
                    help="run mode: skip programs that declare a leak (for runs under a leak checker)")
    ap.add_argument("--leak-check", action="store_true",
                    help="run mode: run in debug mode (hakoc run --leak-check, REML_LEAK_CHECK=1 natively) and "
                         "require the leak report to be clean or as `// expect-leak:` declares")
    ap.add_argument("--target", default=targets.HOST, choices=targets.RUNNABLE,
                    help="run mode, native backends: build for this target and run the executables under its "
                         "emulator (qemu-aarch64, wine); compared with the host VM. Exits 77 when the emulator "
                         "is not installed")
    ap.add_argument("--target-lib-dir", dest="target_lib_dirs", action="append", default=[],
                    help="with --target: passed to hakoc build as -L DIR instead of the --lib-dir ones, which the "
                         "host VM uses (repeatable)")
    ap.add_argument("mode", choices=["run", "fail", "coverage", "roundtrip", "parity"])
    ap.add_argument("paths", nargs="+")
    opts = ap.parse_intermixed_args(argv)
    if opts.target != targets.HOST and opts.mode == "run" and opts.backend == "vm":
        ap.error("--target runs native executables; add --backend native-O0 or native-O2")
    if opts.autoupdate and opts.backend != "vm":
        ap.error("--autoupdate rewrites expectations from the VM only; drop --backend")

    if opts.mode == "coverage":
        if len(opts.paths) < 2:
            ap.error("coverage takes FAILDIR... and DIAGDEF")
        return report(coverage(opts.paths[:-1], opts.paths[-1]))

    programs = find_programs(opts.paths, FAIL_EXTENSIONS if opts.mode == "fail" else (".hako",))
    if opts.filter:
        programs = [p for p in programs if opts.filter in os.path.basename(p)]
    if not programs:
        print("no test programs found in " + " ".join(opts.paths))
        print("0 passed, 0 failed")
        return 1
    if opts.mode == "run" and opts.backend == "vm":
        outcomes = parallel(lambda p: run_one(p, opts), programs, opts.jobs)
    elif opts.mode in ("run", "parity"):
        runner = targets.TargetRunner(opts.target)
        why = runner.missing()
        if why is not None:
            print("skipped: executables for %s cannot run here: %s (tools/bootstrap.sh installs it)" %
                  (opts.target, why))
            return SKIPPED
        with tempfile.TemporaryDirectory(prefix="hako-native-") as tmp, runner:
            opts.tmp_dir = tmp
            opts.runner = runner
            if opts.mode == "run":
                outcomes = parallel(lambda p: run_one(p, opts), programs, opts.jobs)
            else:
                outcomes = [o for group in parallel(lambda p: parity_one(p, opts), programs, opts.jobs) for o in group]
    elif opts.mode == "fail":
        outcomes = parallel(lambda p: fail_one(p, opts), programs, opts.jobs)
    else:
        with tempfile.TemporaryDirectory(prefix="hako-roundtrip-") as tmp:
            outcomes = parallel(lambda p: roundtrip_one(p, opts, tmp), programs, opts.jobs)
    return report(outcomes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
