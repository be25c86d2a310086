#!/usr/bin/env python3
"""File-based test runner for hakoc (Python 3 standard library only).

Modes:
  run DIR...            run every *.hako and compare with its inline expectations
  fail DIR...           check every *.hako and compare the reported diagnostics
  coverage FAILDIR DEF  every code of diagnostics.def is expected by some fail
                        program or listed (with a reason) in FAILDIR/EXEMPT
  roundtrip DIR...      MIR text round trip: emit-mir, re-print, run-mir

Options: --hakoc PATH, --autoupdate (rewrite expectations from the actual
output; review with git diff), -k SUBSTR (only files whose name contains it),
-j N (parallel workers, default 2), --timeout S (per program, default 10).

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
import shlex
import subprocess
import sys
import tempfile

DEFAULT_TIMEOUT = 10.0
DIFF_LINES = 12  # a short diff: enough to see the first differences

# --- run mode directives -----------------------------------------------------
# `// expect: TEXT` keeps TEXT verbatim after the one space that follows the
# colon, so leading blanks and empty lines can be expected too.
RUN_DIRECTIVE = re.compile(r"//\s*(expect|expect-stderr|expect-exit|expect-runtime-error|args):(?: (.*))?$")
RUNTIME_ERROR_LINE = re.compile(r"^(.*):(\d+):(\d+): runtime error: (.*)$")

# --- fail mode directives ----------------------------------------------------
# `// error: E0301 E0305`, `// error@12: E0201`, `// error@+1: E0201`,
# `// warning: W0301`. Several directives may share one line.
FAIL_DIRECTIVE = re.compile(r"//\s*(error|warning)(?:@([+-]?\d+))?:\s*((?:[EW]\d{4}\b[ \t]*)+)")
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


def invoke(cmd, timeout):
    """Runs `cmd`; a timeout kills it and is reported, never waited out."""
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
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
    def __init__(self, kind, text, line):
        self.kind = kind
        self.text = text
        self.line = line  # 1-based


class RunSpec:
    """The inline expectations of one run program."""

    def __init__(self, text):
        self.directives = []
        for i, line in enumerate(source_lines(text), start=1):
            m = RUN_DIRECTIVE.search(line.rstrip("\r"))  # tolerate CRLF files
            if m:
                self.directives.append(Directive(m.group(1), m.group(2) or "", i))
        self.errors = []
        self.stdout = [d.text for d in self.of("expect")]
        self.stderr = [d.text for d in self.of("expect-stderr")]
        self.exit = None
        exits = self.of("expect-exit")
        if len(exits) > 1:
            self.errors.append("more than one expect-exit")
        if exits:
            try:
                self.exit = int(exits[0].text.strip())
            except ValueError:
                self.errors.append("expect-exit is not an integer: %r" % exits[0].text)
        self.runtime_error = None
        rerrs = self.of("expect-runtime-error")
        if len(rerrs) > 1:
            self.errors.append("more than one expect-runtime-error")
        if rerrs:
            self.runtime_error = (rerrs[0].line, rerrs[0].text)
        self.args = []
        for d in self.of("args"):
            try:
                self.args += shlex.split(d.text)
            except ValueError as e:
                self.errors.append("bad args line %d: %s" % (d.line, e))

    def of(self, kind):
        return [d for d in self.directives if d.kind == kind]

    def expected_exit(self):
        if self.exit is not None:
            return self.exit
        return 1 if self.runtime_error else 0

    def expects_compile_error(self):
        return any("error[" in s for s in self.stderr)


def stderr_matches(spec, path, actual_lines):
    """Whether stderr is exactly the expect-stderr lines, then (when one is
    expected) the runtime error line at the directive's line."""
    expected = list(spec.stderr)
    if spec.runtime_error is None:
        return actual_lines == expected
    if len(actual_lines) != len(expected) + 1 or actual_lines[:-1] != expected:
        return False
    m = RUNTIME_ERROR_LINE.match(actual_lines[-1])
    line, message = spec.runtime_error
    return bool(m) and m.group(1) == path and int(m.group(2)) == line and m.group(4) == message


def expected_stderr_display(spec, path):
    lines = list(spec.stderr)
    if spec.runtime_error is not None:
        lines.append("%s:%d:<col>: runtime error: %s" % (path, spec.runtime_error[0], spec.runtime_error[1]))
    return lines


def run_one(path, opts):
    name = os.path.basename(path)
    text = read_source(path)
    spec = RunSpec(text)
    if spec.errors:
        return Outcome(name, False, "bad expectations: " + "; ".join(spec.errors))
    proc = invoke(shlex.split(opts.wrapper) + [opts.hakoc, "run", path, "--"] + spec.args, opts.timeout)
    if opts.autoupdate and not proc.timed_out and proc.rc is not None and proc.rc >= 0:
        if autoupdate_run(path, text, spec, proc):
            return Outcome(name, True, "updated")
        return Outcome(name, True)
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
    if not stderr_matches(spec, path, err_lines):
        problems.append("stderr differs")
        details += short_diff(expected_stderr_display(spec, path), err_lines, "stderr")
    if proc.rc != spec.expected_exit():
        problems.append("exit status %d, expected %d" % (proc.rc, spec.expected_exit()))
    if problems:
        return Outcome(name, False, ", ".join(problems), details)
    return Outcome(name, True)


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

    # A final runtime error line of this file becomes expect-runtime-error on
    # its line; everything else on stderr is expected literally.
    runtime = None
    if err_lines:
        m = RUNTIME_ERROR_LINE.match(err_lines[-1])
        if m and m.group(1) == path and 1 <= int(m.group(2)) <= len(lines):
            there = RUN_DIRECTIVE.search(lines[int(m.group(2)) - 1])
            # A line that already carries another kind of directive cannot
            # take this one; the error is then expected literally.
            if there is None or there.group(1) == "expect-runtime-error":
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
    proc = invoke([opts.hakoc, "check", "--diagnostics=json", path], opts.timeout)
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
    trailing_newline = text.endswith("\n")
    if trailing_newline:
        lines.pop()
    if not lines:
        lines = [""]
    for i, line in enumerate(lines):
        stripped = FAIL_DIRECTIVE.sub("", line)
        if stripped != line:
            stripped = stripped.rstrip()
            if stripped.endswith("//"):  # e.g. `x  // note // error: E0301`
                stripped = stripped[:-2].rstrip()
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
                lines[line_no - 1] = lines[line_no - 1].rstrip() + "  // %s: %s" % (kind, " ".join(codes))
            else:
                lines[last - 1] = lines[last - 1].rstrip() + "  // %s@%d: %s" % (kind, line_no, " ".join(codes))
    new_text = "\n".join(lines) + ("\n" if trailing_newline else "")
    if new_text != text:
        write_source(path, new_text)
        return True
    return False


# =============================================================================
# coverage mode
# =============================================================================

DIAG_DEF = re.compile(r'^\s*DIAG\(\s*(\w+)\s*,\s*"([EW]\d{4})"\s*,\s*(\w+)\s*\)')


def coverage(fail_dir, def_path):
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
    for path in sorted(find_programs([fail_dir])):
        expected, _ = fail_expectations(read_source(path))
        for _, code in expected:
            covered.setdefault(code, os.path.basename(path))

    exempt = {}
    exempt_path = os.path.join(fail_dir, "EXEMPT")
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
    direct = invoke([opts.hakoc, "run", path, "--"] + spec.args, opts.timeout)
    via_mir = invoke([opts.hakoc, "run-mir", a_path, "--"] + spec.args, opts.timeout)
    problems = []
    details = []
    for proc, label in ((direct, "run"), (via_mir, "run-mir")):
        if proc.timed_out or proc.rc is None or proc.rc < 0:
            problems.append("%s: %s" % (label, describe_status(proc, opts.timeout)))
    if not problems:
        if direct.out != via_mir.out:
            problems.append("stdout differs")
            details += short_diff(split_lines(direct.out_text), split_lines(via_mir.out_text), "stdout (run vs run-mir)")
        if direct.err != via_mir.err:
            problems.append("stderr differs")
            details += short_diff(split_lines(direct.err_text), split_lines(via_mir.err_text), "stderr (run vs run-mir)")
        if direct.rc != via_mir.rc:
            problems.append("exit status %d (run) vs %d (run-mir)" % (direct.rc, via_mir.rc))
    if problems:
        return Outcome(name, False, ", ".join(problems), details)
    return Outcome(name, True)


# =============================================================================
# driver
# =============================================================================

def find_programs(paths):
    found = []
    for p in paths:
        if os.path.isdir(p):
            for entry in sorted(os.listdir(p)):
                if entry.endswith(".hako"):
                    found.append(os.path.join(p, entry))
        elif p.endswith(".hako") and os.path.isfile(p):
            found.append(p)
    return found


def report(outcomes):
    failed = [o for o in outcomes if not o.ok]
    for o in sorted(failed, key=lambda o: o.name):
        print("FAIL %s: %s" % (o.name, o.reason))
        for d in o.details:
            print("    " + d)
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
                    help="run mode: a command to run hakoc under (e.g. valgrind); its own failures fail the test")
    ap.add_argument("mode", choices=["run", "fail", "coverage", "roundtrip"])
    ap.add_argument("paths", nargs="+")
    opts = ap.parse_intermixed_args(argv)

    if opts.mode == "coverage":
        if len(opts.paths) != 2:
            ap.error("coverage takes FAILDIR and DIAGDEF")
        return report(coverage(opts.paths[0], opts.paths[1]))

    programs = find_programs(opts.paths)
    if opts.filter:
        programs = [p for p in programs if opts.filter in os.path.basename(p)]
    if not programs:
        print("no test programs found in " + " ".join(opts.paths))
        print("0 passed, 0 failed")
        return 1
    if opts.mode == "run":
        outcomes = parallel(lambda p: run_one(p, opts), programs, opts.jobs)
    elif opts.mode == "fail":
        outcomes = parallel(lambda p: fail_one(p, opts), programs, opts.jobs)
    else:
        with tempfile.TemporaryDirectory(prefix="hako-roundtrip-") as tmp:
            outcomes = parallel(lambda p: roundtrip_one(p, opts, tmp), programs, opts.jobs)
    return report(outcomes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
