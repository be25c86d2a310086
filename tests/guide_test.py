#!/usr/bin/env python3
"""Runs every example of docs/guide.md (and README.md) as a test program.

The examples are the fenced blocks whose info string is exactly `hako`. Each is a complete program with the directives of tests/run
programs (`// expect: TEXT` per printed line, see tests/README.md), or, when
its first line is `// file: DIR/NAME.hako`, a file that other examples
import with `using "DIR/NAME.hako"`. The programs are written to a temporary
directory (the imported files under their subdirectories, which
run_tests.py does not run on their own) and run with run_tests.py in `run`
mode; every argument this script does not know is passed on to it
(`--backend native-O0`, `--leak-check`, `--runtime-path P`, ...).

Usage: guide_test.py --hakoc HAKOC [--guide FILE.md ...] [--keep DIR] [run_tests.py options]
(--guide may be repeated; without it, docs/guide.md and README.md.)
"""
import argparse
import os
import pathlib
import posixpath
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
FENCE_OPEN = re.compile(r"^```(\S*)(.*)$")
FILE_LINE = re.compile(r"^// file: (\S+)\s*$")


class GuideError(Exception):
    """A malformed example: the guide, not hakoc, is at fault."""


def extract(guide_path):
    """Returns (programs, modules): lists of (name, text), from the guide's
    ```hako blocks. Program names carry the guide line of the block so that
    a failure points at it."""
    lines = pathlib.Path(guide_path).read_text(encoding="utf-8").splitlines()
    programs, modules, seen = [], [], set()
    i = 0
    while i < len(lines):
        m = FENCE_OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        lang, rest = m.group(1), m.group(2).strip()
        start = i + 1  # 1-based line of the opening fence
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        if j == len(lines):
            raise GuideError(f"{guide_path}:{start}: fenced block is not closed")
        body = lines[i + 1:j]
        i = j + 1
        if lang.lower().startswith("hako") and (lang != "hako" or rest):
            # A near miss would silently leave an example untested.
            raise GuideError(f"{guide_path}:{start}: write ```hako alone, not ```{lang} {rest}".rstrip())
        if lang != "hako":
            continue
        if not body:
            raise GuideError(f"{guide_path}:{start}: empty ```hako block")
        text = "\n".join(body) + "\n"
        fm = FILE_LINE.match(body[0])
        if fm:
            path = fm.group(1)
            norm = posixpath.normpath(path)
            if (norm != path or path.startswith("/") or norm.startswith("..")
                    or "/" not in norm or not norm.endswith(".hako")):
                raise GuideError(f"{guide_path}:{start}: '// file: {path}' must name a .hako file"
                                 " in a subdirectory, as a plain relative path (lib/shapes.hako)")
            if norm in seen:
                raise GuideError(f"{guide_path}:{start}: a second example is named {norm}")
            seen.add(norm)
            modules.append((norm, text))
        else:
            stem = pathlib.Path(guide_path).stem.lower()
            programs.append((f"{stem}_{len(programs) + 1:02d}_line{start}.hako", text))
    if not programs:
        raise GuideError(f"{guide_path}: no ```hako example found")
    return programs, modules


def write_examples(directory, programs, modules):
    for name, text in programs + modules:
        target = pathlib.Path(directory, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hakoc", required=True)
    parser.add_argument("--guide", action="append", help="a Markdown file whose examples to run (repeatable)")
    parser.add_argument("--keep", help="write the examples into this directory and keep them")
    args, passed_on = parser.parse_known_args()
    guides = args.guide or [str(HERE.parent / "docs" / "guide.md"), str(HERE.parent / "README.md")]
    programs, modules = [], []
    try:
        for guide in guides:
            more_programs, more_modules = extract(guide)
            programs += more_programs
            modules += more_modules
    except (GuideError, OSError) as e:
        print(f"FAIL guide: {e}")
        return 1
    names = [name for name, _ in modules]
    if len(set(names)) != len(names):
        print("FAIL guide: two examples of different files are named alike: " + ", ".join(sorted(names)))
        return 1

    def run(directory):
        write_examples(directory, programs, modules)
        print(f"{len(programs)} examples, {len(modules)} imported files from {', '.join(guides)}", flush=True)
        cmd = [sys.executable, str(HERE / "run_tests.py"), "--hakoc", args.hakoc, *passed_on, "run", directory]
        return subprocess.run(cmd).returncode

    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        return run(args.keep)
    with tempfile.TemporaryDirectory(prefix="hako-guide-") as tmp:
        return run(tmp)


if __name__ == "__main__":
    sys.exit(main())
