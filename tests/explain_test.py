#!/usr/bin/env python3
"""The explanations of docs/explain/ (what `hakoc explain CODE` prints).

Checks, with the Python 3 standard library only:

  (a) every diagnostic code of src/diag/diagnostics.def has exactly one file
      docs/explain/CODE.md, every such file names a code that exists, and
      its first line is `# CODE: short name`; the text speaks of Hako and
      hakoc only (no internal names);
  (b) every example marked `<!-- failing: ARGS -->` (the next fenced
      ```hako or ```mir block), written to a temporary file and given to
      `hakoc ARGS --diagnostics=json FILE`, reports that very code;
  (c) every example marked `<!-- fixed: ARGS -->` reports no diagnostic at
      all and exits with status 0.

Every ```hako and ```mir block must carry one of these markers, or
`<!-- file: NAME -->` (a file the examples import, written next to them
under NAME). `<!-- dir: NAME -->` (alone, without a block) creates an empty
directory next to the examples. A code without a program that triggers it (tests/fail/EXEMPT)
shows a ```sh session instead; every file has a failing example or one.
The format is described in docs/explain/README.md.

Usage: explain_test.py --hakoc PATH --explain-dir DIR --diagnostics-def FILE [-k CODE]
Ends with the line `N passed, M failed`; exit status 1 when a check failed.
"""

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

TIMEOUT = 60.0
DIAG_ROW = re.compile(r'^DIAG\(\s*(\w+),\s*"([EW]\d{4})"', re.M)
FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"^<!--\s*(failing|fixed|file|dir):\s*(.*?)\s*-->\s*$")
TITLE = re.compile(r"^# ([EW]\d{4}): \S.*$")
# Names of the implementation's history that user-facing text must not use.
FORBIDDEN = re.compile(r"\b(hakorune|seed|nyash)\b", re.I)
SUBCOMMANDS = ("check", "run", "build", "emit-mir", "verify-mir", "run-mir")


class Block:
    def __init__(self, lang, text, marker, arg, line):
        self.lang, self.text, self.marker, self.arg, self.line = lang, text, marker, arg, line


def read_codes(def_path):
    with open(def_path, encoding="utf-8") as f:
        text = f.read()
    codes = [m.group(2) for m in DIAG_ROW.finditer(text)]
    if not codes or len(codes) != len(re.findall(r"^DIAG\(", text, re.M)):
        raise SystemExit("%s: could not read every DIAG row" % def_path)
    return codes


def parse_blocks(text):
    """The fenced blocks of a Markdown text, each with the marker comment on
    the line just before its opening fence (blank lines allowed between)."""
    blocks, problems = [], []
    lines = text.split("\n")
    pending = None  # (marker, argument, line number)
    i = 0
    while i < len(lines):
        line = lines[i]
        m = MARKER.match(line)
        if m and m.group(1) == "dir":
            # A directory needs no block: it is made empty.
            blocks.append(Block("", "", "dir", m.group(2), i + 1))
            i += 1
            continue
        if m:
            if pending:
                problems.append("line %d: marker without a code block after it" % pending[2])
            pending = (m.group(1), m.group(2), i + 1)
            i += 1
            continue
        f = FENCE.match(line)
        if f and line.startswith("```"):
            lang, start = f.group(1), i + 1
            j = start
            while j < len(lines) and lines[j].rstrip() != "```":
                j += 1
            if j == len(lines):
                problems.append("line %d: code block never closed" % (i + 1))
                break
            marker, arg = (pending[0], pending[1]) if pending else (None, None)
            blocks.append(Block(lang, "\n".join(lines[start:j]) + "\n", marker, arg, i + 1))
            pending = None
            i = j + 1
            continue
        if line.strip() and pending:
            problems.append("line %d: marker not followed by a code block" % pending[2])
            pending = None
        i += 1
    if pending:
        problems.append("line %d: marker at the end of the file" % pending[2])
    return blocks, problems


def diagnostics(stderr):
    """The codes of the JSON diagnostic lines on stderr, and the other lines."""
    codes, other = [], []
    for line in stderr.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
            codes.append(obj.get("code"))
        except ValueError:
            other.append(line)
    return codes, other


def run_example(hakoc, block, blocks):
    """Runs one marked example in a fresh directory holding the file: and
    dir: blocks of its explanation. Returns (exit status, codes, other lines)."""
    args = shlex.split(block.arg)
    if not args or args[0] not in SUBCOMMANDS:
        return None, [], ["marker arguments must start with a hakoc subcommand: %r" % block.arg]
    with tempfile.TemporaryDirectory(prefix="hako-explain-") as tmp:
        for b in blocks:
            if b.marker == "file":
                path = os.path.join(tmp, b.arg)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(b.text)
            elif b.marker == "dir":
                os.makedirs(os.path.join(tmp, b.arg), exist_ok=True)
        name = "example.mir" if block.lang == "mir" else "example.hako"
        with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
            f.write(block.text)
        argv = [hakoc, args[0], "--diagnostics=json"] + args[1:] + [name]
        try:
            p = subprocess.run(argv, cwd=tmp, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return None, [], ["timed out"]
        codes, other = diagnostics(p.stderr.decode("utf-8", "replace"))
        return p.returncode, codes, other


def check_file(hakoc, code, path):
    """The problems of one explanation (an empty list when it is right)."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    problems = []
    first = text.split("\n", 1)[0]
    m = TITLE.match(first)
    if not m or m.group(1) != code:
        problems.append("the first line must be '# %s: <short name>', not %r" % (code, first))
    for n, line in enumerate(text.split("\n"), 1):
        if FORBIDDEN.search(line):
            problems.append("line %d: %r is not a name users know" % (n, FORBIDDEN.search(line).group(0)))
    blocks, parse_problems = parse_blocks(text)
    problems += parse_problems
    for b in blocks:
        if b.lang in ("hako", "mir") and b.marker is None:
            problems.append("line %d: ```%s block without a failing:, fixed: or file: marker" % (b.line, b.lang))
        if b.marker in ("failing", "fixed") and b.lang not in ("hako", "mir"):
            problems.append("line %d: a %s: marker goes before a ```hako or ```mir block" % (b.line, b.marker))
    failing = [b for b in blocks if b.marker == "failing"]
    if not failing and not any(b.lang == "sh" for b in blocks):
        problems.append("no failing example (<!-- failing: ARGS --> before a ```hako block) and no ```sh session")
    for b in blocks:
        if b.marker == "failing" and b.lang in ("hako", "mir"):
            status, codes, other = run_example(hakoc, b, blocks)
            if code not in codes:
                problems.append("line %d: the failing example (hakoc %s) reports %s, not %s%s"
                                % (b.line, b.arg, codes or "nothing", code,
                                   ("; stderr: " + " | ".join(other[:3])) if other else ""))
        elif b.marker == "fixed" and b.lang in ("hako", "mir"):
            status, codes, other = run_example(hakoc, b, blocks)
            if codes or status != 0:
                problems.append("line %d: the fixed example (hakoc %s) exits %s and reports %s%s"
                                % (b.line, b.arg, status, codes or "nothing",
                                   ("; stderr: " + " | ".join(other[:3])) if other else ""))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hakoc", required=True)
    ap.add_argument("--explain-dir", required=True)
    ap.add_argument("--diagnostics-def", required=True)
    ap.add_argument("-k", default=None, help="only the codes containing this text")
    opts = ap.parse_args()

    opts.hakoc = os.path.abspath(opts.hakoc) if os.sep in opts.hakoc else opts.hakoc
    codes = read_codes(opts.diagnostics_def)
    passed = failed = 0

    def report(ok, what, problems=()):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print("FAIL %s" % what)
            for p in problems:
                print("    " + p)

    files = sorted(n for n in os.listdir(opts.explain_dir) if n.endswith(".md") and n != "README.md")
    # (a) one file per code, and no file without a code.
    known = set(codes)
    dup = sorted({c for c in codes if codes.count(c) > 1})
    report(not dup, "diagnostics.def lists each code once", ["listed twice: " + ", ".join(dup)])
    strays = [n for n in files if n[:-3] not in known]
    report(not strays, "every file of %s names a code of diagnostics.def" % opts.explain_dir,
           ["no such code: " + ", ".join(strays)])
    # (b), (c) and the form of each file.
    for code in codes:
        if opts.k and opts.k not in code:
            continue
        path = os.path.join(opts.explain_dir, code + ".md")
        if not os.path.isfile(path):
            report(False, code, ["missing: " + path])
            continue
        problems = check_file(opts.hakoc, code, path)
        report(not problems, code, problems)
    # Completeness last, so that its line is what a reader sees at the end.
    missing = [c for c in codes if not os.path.isfile(os.path.join(opts.explain_dir, c + ".md"))]
    report(not missing, "every code has an explanation (%d of %d)" % (len(codes) - len(missing), len(codes)),
           ["missing: " + " ".join(missing)])
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
