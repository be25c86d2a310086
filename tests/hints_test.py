#!/usr/bin/env python3
"""Soft hints never change a program's meaning (src/mir/hints.def).

For every program of the given directories (the tests/run programs): take its
MIR with the computed hints (`hakoc emit-mir`), then write two variants of it
and run each with `hakoc run-mir` and as a native -O2 executable (`hakoc
build FILE.mir`):

  weakest    every hint the text carries rewritten to its weakest value
             (re-printing this text must show no hint at all)
  strongest  every hint of every value and function set to its strongest
             value: mostly lies, which back ends must survive

Both must meet the program's expectations (stdout, stderr, exit status) as
tests/run_tests.py checks them. The hint names, their weak and strong values
and the tags they apply to are read from hints.def, the table hakoc is built
from.

Options: --hakoc PATH, --runtime-path P (for hakoc build), --hints-def PATH,
--shard I/N (only every N-th program, starting with the I-th, 1-based, for
parallel CTest entries), -k SUBSTR, -j N, --timeout S, --build-timeout S.
The last line printed is `N passed, M failed`.
"""

import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_tests  # noqa: E402  (the expectation format and its checks)
from run_tests import Outcome, RunSpec  # noqa: E402

HINT_ROW = re.compile(r'^HINT\(\s*(\w+),\s*"(\w+)",\s*(Value|Function),\s*"(\w*)",\s*"(\w+)",\s*"(\w+)"', re.M)
# A trailing hint list, `!{name name}`: hints come last on their line.
HINT_LIST = re.compile(r' !\{([\w ]*)\}$')
# An instruction line defining a value: `  %3: Box(Point) = ...`.
VALUE_LINE = re.compile(r'^  %\d+: (Box\((?:"(?:[^"\\]|\\.)*"|[\w.]+)\)|\w+) = ')
SIMPLE_TAG_LETTERS = {"Int": "I", "Float": "F", "Bool": "B", "String": "S", "Handle": "H", "Void": "V",
                      "Box(ArrayBox)": "A", "Box(MapBox)": "M", "Box(ConsoleBox)": "C"}


class Hint:
    def __init__(self, name, scope, kinds, weak, strong):
        self.name, self.scope, self.kinds, self.weak, self.strong = name, scope, kinds, weak, strong


def read_hints(def_path):
    with open(def_path, encoding="utf-8") as f:
        text = f.read()
    rows = [Hint(m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)) for m in HINT_ROW.finditer(text)]
    # Every row must be understood: a row the pattern misses would go untested.
    written = len(re.findall(r"^HINT\(", text, re.M))
    if not rows or len(rows) != written:
        raise SystemExit("%s: read %d of its %d HINT rows" % (def_path, len(rows), written))
    return rows


def tag_letter(tag):
    return SIMPLE_TAG_LETTERS.get(tag, "U" if tag.startswith("Box(") else "?")


def weakest(text, hints):
    """`text` with every hint value renamed to its hint's weak value.
    Returns (text, how many hints were rewritten)."""
    by_name = {}
    for h in hints:
        by_name[h.weak] = h
        by_name[h.strong] = h
    count = 0
    out = []
    for line in text.split("\n"):
        body = line[:-2] if line.startswith("fn ") and line.endswith(" {") else line
        m = HINT_LIST.search(body)
        if m:
            names = m.group(1).split()
            count += len(names)
            new = " !{" + " ".join(by_name[n].weak for n in names) + "}"
            body = body[:m.start()] + new
            line = body + " {" if line.startswith("fn ") else body
        out.append(line)
    return "\n".join(out), count


def strongest(text, hints):
    """`text` with every hint that applies to a value or function set to
    its strong value. Returns (text, how many hints were set)."""
    value_hints = [h for h in hints if h.scope == "Value"]
    function_hints = [h.strong for h in hints if h.scope == "Function"]
    count = 0
    out = []
    for line in text.split("\n"):
        if line.startswith("fn ") and line.endswith(" {"):
            body = HINT_LIST.sub("", line[:-2])
            line = body + " !{" + " ".join(function_hints) + "} {"
            count += len(function_hints)
        else:
            m = VALUE_LINE.match(line)
            if m:
                letter = tag_letter(m.group(1))
                names = [h.strong for h in value_hints if letter in h.kinds]
                line = HINT_LIST.sub("", line)
                if names:
                    line += " !{" + " ".join(names) + "}"
                    count += len(names)
        out.append(line)
    return "\n".join(out), count


def run_variant(name, path, mir_path, spec_vm, spec_native, opts):
    """The variant at mir_path on the VM and natively, judged by the
    program's expectations. Returns a list of Outcomes."""
    outcomes = []
    proc = run_tests.invoke([opts.hakoc, "run-mir", mir_path, "--"] + spec_vm.args, opts.timeout)
    outcomes.append(run_tests.judge_run(name + " (run-mir)", path, spec_vm, proc, opts, compiled=False))
    if spec_native.skip_reason() is None:
        proc, problem = run_tests.run_native(mir_path, spec_native.args, "native-O2", opts, False)
        if problem:
            outcomes.append(Outcome(name + " (native-O2)", False, problem[0], problem[1]))
        else:
            outcomes.append(run_tests.judge_run(name + " (native-O2)", path, spec_native, proc, opts, compiled=False))
    return outcomes


def check_one(path, hints, opts):
    name = os.path.basename(path)
    text = run_tests.read_source(path)
    spec_vm = RunSpec(text, "vm")
    spec_native = RunSpec(text, "native-O2")
    if spec_vm.errors:
        return [Outcome(name, False, "bad expectations: " + "; ".join(spec_vm.errors))], 0
    if spec_vm.expects_compile_error():
        return [Outcome(name, True, skipped=True)], 0
    if spec_vm.skip_reason() is not None:
        return [Outcome(name, True, "not run on the VM: " + spec_vm.skip_reason(), skipped=True)], 0
    emitted = run_tests.invoke([opts.hakoc, "emit-mir", path], opts.timeout)
    if emitted.timed_out or emitted.rc != 0:
        return [Outcome(name, False, "emit-mir: " + run_tests.describe_status(emitted, opts.timeout),
                        ["  " + l for l in run_tests.split_lines(emitted.err_text)[:5]])], 0
    stem = os.path.splitext(name)[0]
    work = tempfile.mkdtemp(dir=opts.tmp_dir)
    outcomes = []
    computed = 0
    for label, rewrite in (("weakest", weakest), ("strongest", strongest)):
        variant, count = rewrite(emitted.out_text, hints)
        if label == "weakest":
            computed = count
        mir_path = os.path.join(work, "%s.%s.mir" % (stem, label))
        with open(mir_path, "w", encoding="utf-8") as f:
            f.write(variant)
        if label == "weakest":
            # Weak values are the absent hints: re-printing shows none.
            again = run_tests.invoke([opts.hakoc, "emit-mir", mir_path], opts.timeout)
            if again.rc != 0 or " !{" in again.out_text:
                outcomes.append(Outcome(name + " (weakest)", False,
                                        "re-printed weakest MIR still has hints or failed (exit %s)" % again.rc,
                                        ["  " + l for l in run_tests.split_lines(again.err_text)[:5]]))
        for o in run_variant("%s [%s]" % (name, label), path, mir_path, spec_vm, spec_native, opts):
            outcomes.append(o)
    return outcomes, computed


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--hakoc", default=os.environ.get("HAKOC", "hakoc"))
    ap.add_argument("--runtime-path", default=None)
    ap.add_argument("--hints-def", default=os.path.join(here, "..", "src", "mir", "hints.def"))
    ap.add_argument("--shard", default="1/1", help="I/N: every N-th program starting with the I-th")
    ap.add_argument("-k", dest="filter", default=None)
    ap.add_argument("-j", dest="jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=run_tests.DEFAULT_TIMEOUT)
    ap.add_argument("--build-timeout", type=float, default=60.0)
    ap.add_argument("paths", nargs="+")
    opts = ap.parse_args(argv)
    # What run_tests' checks read from their options.
    opts.leak_check = False
    opts.wrapper = ""
    try:
        index, count = (int(x) for x in opts.shard.split("/"))
        if not 1 <= index <= count:
            raise ValueError
    except ValueError:
        ap.error("--shard takes I/N with 1 <= I <= N")
    hints = read_hints(opts.hints_def)
    programs = run_tests.find_programs(opts.paths)
    if opts.filter:
        programs = [p for p in programs if opts.filter in os.path.basename(p)]
    programs = programs[index - 1::count]
    if not programs:
        print("no test programs found in " + " ".join(opts.paths))
        print("0 passed, 0 failed")
        return 1
    with tempfile.TemporaryDirectory(prefix="hako-hints-") as tmp:
        opts.tmp_dir = tmp
        results = run_tests.parallel(lambda p: check_one(p, hints, opts), programs, opts.jobs)
    outcomes = [o for group, _ in results for o in group]
    computed = sum(n for _, n in results)
    # The weakest variant tests nothing unless the compiler computed hints.
    print("%d computed hints rewritten to their weakest value" % computed)
    if computed == 0:
        outcomes.append(Outcome("computed hints", False, "emit-mir printed no hint for any of these programs"))
    return run_tests.report(outcomes)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
