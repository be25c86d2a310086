#!/usr/bin/env python3
"""The bad-input contract of the hakoc command line (Python 3 stdlib only).

Every bad input (missing, unreadable or malformed files, absurd nesting,
unknown subcommands and options, missing arguments) must end with exit status
exactly 1 and at least one diagnostic line containing `error[E` on stderr:
no crash, no signal, no hang, no stack trace. `--help` and `--version` exit 0.

Usage: cli_test.py --hakoc PATH [-k SUBSTR]
Ends with the line `N passed, M failed`; exit status 1 when a case failed.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

TIMEOUT = 20.0
# Text that betrays a crash rather than a diagnostic.
CRASH_MARKERS = ("Traceback", "Segmentation fault", "terminate called", "Assertion",
                 "AddressSanitizer", "UndefinedBehaviorSanitizer", "core dumped", "internal runtime error")
VALID_PROGRAM = "static box Main {\n    main() {\n        return 0\n    }\n}\n"
# MIR text whose phi mixes Int and Handle: a build error, like any verifier finding.
MIXED_PHI = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mir_fail", "phi_mixed_int_handle.mir")
# A small well-formed MIR module: `verify-mir` accepts it silently, and every
# proper prefix of it (a truncated file) must be rejected with a diagnostic.
VALID_MIR = (
    "; hakoc MIR\n"
    "box P {\n  field x\n  method get/0 = @P.get/0\n}\n"
    "entry @Main.main/1\n\n"
    "fn @P.get/0(%0: Box(P)) -> Handle method P {\nbb0:\n  %1: Handle = get_field %0, P.x @3:5\n  ret %1\n}\n\n"
    "fn @Main.main/1(%0: Box(ArrayBox)) -> Int {\nbb0:\n  %1: Bool = const_b 1\n  %4: Int = const_i 0\n"
    "  cond_br %1, bb1, bb2\nbb1:\n  %2: Int = const_i 4\n  br bb2\nbb2:\n  %3: Int = phi [%2, bb1], [%4, bb0]\n"
    "  ret %3\n}\n")


class Case:
    def __init__(self, name, argv, want="error", json_mode=False, code=None, contains=(), absent=None):
        self.name = name
        self.argv = argv
        self.want = want  # "error", "help", "version" or "quiet" (exit 0, no output)
        self.json_mode = json_mode
        # The diagnostic code the input must produce, where exactly one fits
        # (tests/fail/EXEMPT relies on these for E0001-E0008).
        self.code = code
        # Texts stderr must hold (the notes and suggestions of a diagnostic).
        self.contains = contains
        # An error case with `absent` set must print nothing on stdout and
        # leave no file at that path (nothing was run, printed or built).
        self.absent = absent


def run(hakoc, argv):
    try:
        p = subprocess.run([hakoc] + argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), None
    except subprocess.TimeoutExpired:
        return None, "", "", "timed out after %gs" % TIMEOUT
    except OSError as e:
        return None, "", "", "could not start: %s" % e


def judge(case, rc, out, err, problem):
    """Returns None when the case holds, else the reason it does not."""
    if problem:
        return problem
    if rc is not None and rc < 0:
        return "killed by signal %d" % -rc
    for marker in CRASH_MARKERS:
        if marker in err or marker in out:
            return "crash text on output: %r" % marker
    if case.want == "help":
        if rc != 0:
            return "exit status %d, expected 0" % rc
        if not out.strip():
            return "no usage text on stdout"
        for text in case.contains:
            if text not in out:
                return "%r not in the help: %r" % (text, out[:600])
        for text in case.absent or ():
            if text in out:
                return "%r in the help, expected only the command's options" % text
        return None
    if case.want == "quiet":
        if rc != 0 or out or err:
            return "exit status %s with stdout %r and stderr %r, expected 0 and no output" % (rc, out[:80], err[:200])
        return None
    if case.want == "version":
        if rc != 0:
            return "exit status %d, expected 0" % rc
        if not re.match(r"^hakoc \d+\.\d+\.\d+\s*$", out):
            return "stdout %r is not 'hakoc X.Y.Z'" % out[:80]
        return None
    if rc != 1:
        return "exit status %d, expected 1" % rc
    if case.absent is not None:
        if out:
            return "stdout %r, expected nothing" % out[:80]
        if os.path.exists(case.absent):
            return "%s was written" % case.absent
    if case.code and case.code not in err:
        return "%s not reported: %r" % (case.code, err[:200])
    for text in case.contains:
        if text not in err:
            return "%r not on stderr: %r" % (text, err[:600])
    if case.json_mode:
        codes = []
        for line in err.splitlines():
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                continue  # e.g. a `hakoc: error[E...]` line before a file is read
            codes.append(str(obj.get("code", "")))
        if not any(c.startswith("E") for c in codes) and "error[E" not in err:
            return "no JSON diagnostic with an error code on stderr: %r" % err[:200]
        return None
    if "error[E" not in err:
        return "no 'error[E' diagnostic on stderr: %r" % err[:200]
    return None


# One diagnostic with each kind of note or suggestion (suggestion_cases).
# A loop body whose '}' is missing: the '}' of main is the first one below it.
UNCLOSED_LOOP = """static box Main {
    main() {
        loop(true) {
            print(1)
        return 0
    }
}
"""

MISSPELLINGS = """static box Util {
    add(a, b) { return a + b }
}
static box Main {
    main() {
        local total = 1
        local s = "abcd"
        print(s.length)
        print(Util.add(1))
        print(totl)
        retrun 0
    }
}
"""


def make_inputs(tmp):
    """Writes the bad input files; returns {label: path}."""
    paths = {}

    def write(label, name, data):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        paths[label] = path

    paths["missing file"] = os.path.join(tmp, "does-not-exist.hako")
    os.mkdir(os.path.join(tmp, "a-directory.hako"))
    paths["directory"] = os.path.join(tmp, "a-directory.hako")
    write("empty file", "empty.hako", b"")
    write("misspellings", "misspellings.hako", MISSPELLINGS.encode())
    write("unclosed loop", "unclosed.hako", UNCLOSED_LOOP.encode())
    write("invalid UTF-8", "bad-utf8.hako",
          b"static box Main {\n    main() {\n        print(\"caf\xe9 \xff\xfe\")\n    }\n}\n")
    write("truncated UTF-8", "truncated-utf8.hako", VALID_PROGRAM.encode() + b"// \xe2\x82")
    rng = random.Random(20240611)  # fixed seed: the same bytes on every run
    write("10 MB of random bytes", "random.hako", bytes(rng.getrandbits(8) for _ in range(10 * 1024 * 1024)))
    write("100k nested '(' alone", "parens.hako", b"(" * 100000)
    write("100k nested '(' in main", "parens-in-main.hako",
          b"static box Main {\n    main() {\n        local x = " + b"(" * 100000 + b"1\n    }\n}\n")
    write("100k nested '[' in main", "brackets-in-main.hako",
          b"static box Main {\n    main() {\n        local x = " + b"[" * 100000 + b"\n    }\n}\n")
    write("100k nested blocks", "blocks.hako",
          b"static box Main {\n    main() {\n" + b"{" * 100000 + b"\n    }\n}\n")
    write("binary NULs", "nuls.hako", b"\0" * 4096)
    write("garbage MIR", "garbage.mir", b"this is not MIR text {{{ \x01\x02\n")
    write("valid program", "valid.hako", VALID_PROGRAM.encode())
    # Compiles with one warning (W0307) and prints when run.
    write("warning program", "warning.hako",
          b"static box Main {\n    main() {\n        print(\"ran\")\n        1 + 1\n        return 0\n    }\n}\n")
    write("valid MIR", "valid.mir", VALID_MIR.encode())
    for n in range(len(VALID_MIR.rstrip())):
        write("MIR prefix %d" % n, "prefix%d.mir" % n, VALID_MIR[:n].encode())
    huge_numbers = {
        "Int immediate": VALID_MIR.replace("const_i 4", "const_i 9223372036854775808"),
        "value id": VALID_MIR.replace("%2", "%18446744073709551617"),
        "block number": VALID_MIR.replace("br bb2", "br bb99999999999"),
        "method arity": VALID_MIR.replace("get/0 =", "get/4294967296 ="),
        "location": VALID_MIR.replace("@3:5", "@99999999999:5"),
    }
    for what, text in huge_numbers.items():
        write("MIR: huge " + what, "huge-%s.mir" % what.replace(" ", "-"), text.encode())
    # Larger than the 64 MiB source limit, but sparse: cheap to create.
    huge = os.path.join(tmp, "huge.hako")
    with open(huge, "wb") as f:
        f.seek(80 * 1024 * 1024)
        f.write(b"\n")
    paths["file over 64 MiB"] = huge
    paths["unwritable output"] = os.path.join(tmp, "no-such-dir", "out.mir")
    paths["unwritable executable"] = os.path.join(tmp, "no-such-dir", "prog")
    paths["build output"] = os.path.join(tmp, "prog")
    missing_symbol = os.path.join(tmp, "missing-symbol.hako")
    with open(missing_symbol, "w", encoding="utf-8") as f:
        f.write('extern "C" { fn hako_cli_no_such_symbol() -> i32 }\n' + VALID_PROGRAM)
    paths["missing symbol"] = missing_symbol
    paths["missing runtime"] = os.path.join(tmp, "no-such-runtime", "libreml_runtime.a")
    # Not an archive: the linker must refuse it.
    write("garbage runtime", "libreml_runtime.a", b"this is not an ar archive\n")
    return paths


def cases(paths):
    usage = "E0007"
    out = [
        Case("no arguments", [], code=usage),
        Case("unknown subcommand", ["frobnicate", paths["valid program"]], code=usage),
        Case("unknown option", ["--frobnicate"], code=usage),
        Case("unknown option after subcommand", ["check", "--frobnicate", paths["valid program"]], code=usage),
        Case("run without a file", ["run"], code=usage),
        Case("check without a file", ["check"], code=usage),
        Case("emit-mir without a file", ["emit-mir"], code=usage),
        Case("run-mir without a file", ["run-mir"], code=usage),
        Case("--help", ["--help"], want="help", contains=("usage: hakoc <command>", "  build FILE.hako", "-O0")),
        Case("-h after other words", ["check", "-h"], want="help", contains=("usage: hakoc check",)),
        # A command's help lists the options it takes and no other.
        Case("build --help", ["build", "--help"], want="help",
             contains=("usage: hakoc build [options] FILE.hako", "--target TRIPLE", "-O0", "HAKO_CC"),
             absent=("--leak-check",)),
        Case("run --help", ["run", "--help"], want="help", contains=("usage: hakoc run", "--leak-check"),
             absent=("--target", "-O2")),
        Case("unknown option: suggestion", ["check", "--lek-check", paths["valid program"]], code=usage,
             contains=("Unknown option '--lek-check'; did you mean '--leak-check'?",)),
        Case("unknown option with a value: suggestion", ["check", "--diagnostic=json", paths["valid program"]],
             code=usage, contains=("did you mean '--diagnostics'?",)),
        Case("unknown command: suggestion", ["buidl", paths["valid program"]], code=usage,
             contains=("Unknown command 'buidl'; did you mean 'build'?",)),
        Case("option of another command", ["run", "-O2", paths["valid program"]], code=usage,
             contains=("'-O2' applies to 'build' only. (see 'hakoc run --help')",)),
        # Colour only when asked (stderr is a pipe here, so auto means none).
        Case("--color=always", ["check", "--color=always", paths["misspellings"]], code="E0301",
             contains=("\x1b[1;31merror[E0301]\x1b[0m",)),
        Case("--color=auto on a pipe", ["check", paths["misspellings"]], code="E0301", contains=("error[E0301]: ",)),
        Case("--color: unknown value", ["check", "--color=sometimes", paths["valid program"]], code=usage,
             contains=("use auto, always or never",)),
        # The '{' never closed is found by indentation and shown as a note.
        Case("unclosed brace: notes", ["check", paths["unclosed loop"]], code="E0201",
             contains=("unclosed.hako:8:1: error[E0201]: Expected '}' to close the body of box 'Main'",
                       "unclosed.hako:3:20: note: this '{' is probably the one never closed",
                       "unclosed.hako:1:17: note: the body of box 'Main' opened here")),
        # hakoc explain: the text of every code (the texts themselves are
        # checked by tests/explain_test.py), the list, and a misspelt code.
        Case("explain: the list of codes", ["explain"], want="help", contains=("E0001  file not readable", "W0301  ")),
        Case("explain: unknown code", ["explain", "E0399"], code=usage,
             contains=("No diagnostic code 'E0399'; did you mean",)),
        Case("explain: two codes", ["explain", "E0301", "E0302"], code=usage),
        Case("explain: an option of the compiling commands", ["explain", "--dump-mir", "E0301"], code=usage),
        Case("two files for run", ["run", paths["valid program"], paths["valid program"]], code=usage,
             contains=("program arguments go after '--'",)),
        Case("--version", ["--version"], want="version"),
        Case("run-mir of garbage MIR", ["run-mir", paths["garbage MIR"]]),
        Case("emit-mir of garbage MIR", ["emit-mir", paths["garbage MIR"]]),
        Case("emit-mir -o into a missing directory", ["emit-mir", paths["valid program"], "-o",
                                                      paths["unwritable output"]], code="E0008"),
    ]
    # label -> the code that input must give (None: any error code will do).
    bad_files = [("missing file", "E0001"), ("directory", "E0002"), ("empty file", "E0003"),
                 ("invalid UTF-8", "E0004"), ("truncated UTF-8", "E0004"), ("file over 64 MiB", "E0005"),
                 ("10 MB of random bytes", None), ("100k nested '(' alone", None),
                 ("100k nested '(' in main", None), ("100k nested '[' in main", None),
                 ("100k nested blocks", None), ("binary NULs", None)]
    for label, code in bad_files:
        out.append(Case("run: " + label, ["run", paths[label]], code=code))
        out.append(Case("check: " + label, ["check", paths[label]], code=code))
        out.append(Case("check --diagnostics=json: " + label, ["check", "--diagnostics=json", paths[label]],
                        json_mode=True, code=code))
    out.append(Case("emit-mir: missing file", ["emit-mir", paths["missing file"]], code="E0001"))
    out.extend(verify_mir_cases(paths, bad_files))
    out.append(Case("emit-mir: invalid UTF-8", ["emit-mir", paths["invalid UTF-8"]], code="E0004"))
    out.extend(build_cases(paths))
    out.extend(ffi_cases(paths))
    out.extend(suggestion_cases(paths))
    out.extend(deny_warnings_cases(paths))
    for code in diagnostic_codes():
        out.append(Case("explain " + code, ["explain", code], want="help", contains=("# %s: " % code, "```"),
                        absent=("<!--",)))
    return out


def diagnostic_codes():
    """Every code of src/diag/diagnostics.def."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "diag", "diagnostics.def")
    with open(path, encoding="utf-8") as f:
        return re.findall(r'^DIAG\(\w+,\s*"(\w+)"', f.read(), re.M)


def suggestion_cases(paths):
    """Notes and suggestions, as text and as JSON children
    (docs/language.md, "Diagnostics: notes and suggestions")."""
    typo = paths["misspellings"]
    return [
        Case("check: notes and suggestions", ["check", typo], code="E0305",
             contains=["'Util.add' takes 2 arguments but 1 was given.",
                       ":2:5: note: 'add' declared here\n      add(a, b) { return a + b }\n      ^^^\n",
                       "  help: did you mean 'total'?\n", "  help: did you mean the keyword 'return'?\n",
                       "  help: call it: 'length()'\n"]),
        Case("check --diagnostics=json: notes and suggestions", ["check", "--diagnostics=json", typo],
             json_mode=True, code="E0305",
             contains=['{"level":"note","message":"\'add\' declared here","spans":[{"file":',
                       '"suggested_replacement":"total"}', '"suggested_replacement":"return"}',
                       '"span":{"begin":153,"end":153,"end_line":8,"end_col":23},"suggested_replacement":"()"}']),
    ]


def deny_warnings_cases(paths):
    """-W error / --deny-warnings: a warning stops check, run, build and
    emit-mir with E0009 before anything runs, prints or is written."""
    warn, valid, usage = paths["warning program"], paths["valid program"], "E0007"
    exe = paths["build output"] + "-denied"
    return [
        Case("-W error: check", ["check", "-W", "error", warn], code="E0009", absent=exe),
        Case("-W error: run", ["run", "-W", "error", warn], code="E0009", absent=exe),
        Case("--deny-warnings: run", ["run", "--deny-warnings", warn], code="E0009", absent=exe),
        Case("-Werror: emit-mir", ["emit-mir", "-Werror", warn], code="E0009", absent=exe),
        Case("-W error: build", ["build", "-W", "error", warn, "-o", exe], code="E0009", absent=exe),
        Case("-W error: json", ["check", "--diagnostics=json", "--deny-warnings", warn], json_mode=True,
             code="E0009", absent=exe),
        Case("-W error: no warnings", ["check", "-W", "error", valid], want="quiet"),
        # check takes several files: each is checked, the status is 1 if any fails.
        Case("check: two valid files", ["check", valid, valid], want="quiet"),
        Case("check: a valid and a missing file", ["check", valid, paths["missing file"]], code="E0001"),
        Case("check: two bad files, both reported", ["check", paths["missing file"], paths["directory"]],
             code="E0001", contains=("E0002",)),
        Case("check: -W error over two files", ["check", "-W", "error", valid, warn], code="E0009"),
        Case("-W error: run-mir", ["run-mir", "-W", "error", paths["valid MIR"]], code=usage),
        Case("-W error: unknown value", ["check", "-W", "all", valid], code=usage),
        Case("-W error: missing value", ["check", valid, "-W"], code=usage),
    ]


def ffi_cases(paths):
    """Foreign functions: a missing symbol stops run, check and build before
    anything runs or links; -L and --emit-audit are checked like any option."""
    valid, missing = paths["valid program"], paths["missing symbol"]
    usage = "E0007"
    return [
        Case("run: missing C symbol", ["run", missing], code="E0601"),
        Case("check: missing C symbol", ["check", missing], code="E0601"),
        Case("check --diagnostics=json: missing C symbol", ["check", "--diagnostics=json", missing], json_mode=True,
             code="E0601"),
        Case("build: missing C symbol", ["build", missing, "-o", paths["build output"]], code="E0601"),
        Case("-L without a directory", ["check", valid, "-L"], code=usage),
        Case("-L on emit-mir", ["emit-mir", "-L", "/tmp", valid], code=usage),
        Case("--emit-audit on emit-mir", ["emit-mir", "--emit-audit=/tmp/x.jsonl", valid], code=usage),
        Case("--emit-audit without a file", ["check", "--emit-audit=", valid], code=usage),
        Case("--emit-audit into a missing directory", ["check", "--emit-audit=" + paths["unwritable output"], valid],
             code="E0008"),
    ]


def verify_mir_cases(paths, bad_files):
    """hakoc verify-mir: silent on a valid module; one diagnostic and exit 1
    on every bad file, truncation and absurd number."""
    out = [
        Case("verify-mir without a file", ["verify-mir"], code="E0007"),
        Case("verify-mir: valid MIR", ["verify-mir", paths["valid MIR"]], want="quiet"),
        Case("verify-mir --diagnostics=json: valid MIR", ["verify-mir", "--diagnostics=json", paths["valid MIR"]],
             want="quiet"),
        Case("verify-mir of garbage MIR", ["verify-mir", paths["garbage MIR"]], code="E0401"),
        Case("verify-mir --diagnostics=json of garbage MIR", ["verify-mir", "--diagnostics=json",
                                                             paths["garbage MIR"]], json_mode=True, code="E0401"),
    ]
    for label, code in bad_files:
        out.append(Case("verify-mir: " + label, ["verify-mir", paths[label]], code=code))
        out.append(Case("verify-mir --diagnostics=json: " + label, ["verify-mir", "--diagnostics=json", paths[label]],
                        json_mode=True, code=code))
    for label in sorted(p for p in paths if p.startswith(("MIR prefix", "MIR: huge"))):
        out.append(Case("verify-mir: " + label, ["verify-mir", paths[label]]))
    return out


def build_cases(paths):
    """hakoc build: bad options, targets, outputs, runtime libraries and links.
    Every case writes (if anything) into the temporary directory."""
    valid, exe = paths["valid program"], paths["build output"]
    usage = "E0007"
    return [
        Case("build without a file", ["build"], code=usage),
        Case("build: missing file", ["build", paths["missing file"], "-o", exe], code="E0001"),
        Case("build: garbage MIR", ["build", paths["garbage MIR"], "-o", exe], code="E0401"),
        Case("build: truncated MIR", ["build", paths["MIR prefix 120"], "-o", exe]),
        Case("build: a phi mixing Int and Handle", ["build", MIXED_PHI, "-o", exe], code="E0403"),
        Case("run-mir: a phi mixing Int and Handle", ["run-mir", MIXED_PHI], code="E0403"),
        Case("build: invalid UTF-8", ["build", paths["invalid UTF-8"], "-o", exe], code="E0004"),
        Case("build: unknown --emit format", ["build", valid, "--emit=mir", "-o", exe], code=usage),
        Case("build: --target without a value", ["build", valid, "--target"], code=usage),
        Case("build: --runtime-path without a value", ["build", valid, "-o", exe, "--runtime-path"], code=usage),
        Case("run: build-only option", ["run", "-O2", valid], code=usage),
        Case("build: --leak-check", ["build", "--leak-check", valid, "-o", exe], code=usage),
        Case("check: --leak-check", ["check", "--leak-check", valid], code=usage),
        Case("run: --emit=regions", ["run", "--emit=regions", valid], code=usage),
        Case("check: --target", ["check", "--target", "x86_64-unknown-linux-gnu", valid], code=usage),
        Case("build: unknown target", ["build", valid, "--target", "sparc-sun-solaris2", "-o", exe], code="E0501"),
        Case("build: unknown target, json", ["build", "--diagnostics=json", valid, "--target=mips", "-o", exe],
             json_mode=True, code="E0501"),
        Case("build: unwritable output", ["build", valid, "-o", paths["unwritable executable"]], code="E0503"),
        Case("build: unwritable object", ["build", valid, "--emit=obj", "-o", paths["unwritable output"]],
             code="E0503"),
        Case("build: output is the input", ["build", valid, "--emit=llvm-ir", "-o", valid], code="E0503"),
        Case("build: output is a directory", ["build", valid, "-o", paths["directory"]], code="E0503"),
        Case("build: missing runtime", ["build", valid, "--runtime-path", paths["missing runtime"], "-o", exe],
             code="E0504"),
        Case("build: link failure", ["build", valid, "--runtime-path", paths["garbage runtime"], "-o", exe],
             code="E0505"),
        Case("build: executable for a target without a linker here",
             ["build", valid, "--target", "arm64-apple-darwin", "-o", exe], code="E0505"),
    ]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--hakoc", default=os.environ.get("HAKOC", "hakoc"))
    ap.add_argument("-k", dest="filter", default=None, help="only cases whose name contains SUBSTR")
    opts = ap.parse_args(argv)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="hako-cli-") as tmp:
        paths = make_inputs(tmp)
        for case in cases(paths):
            if opts.filter and opts.filter not in case.name:
                continue
            rc, out, err, problem = run(opts.hakoc, case.argv)
            why = judge(case, rc, out, err, problem)
            if why is None:
                passed += 1
            else:
                failed += 1
                print("FAIL %s: %s" % (case.name, why))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
