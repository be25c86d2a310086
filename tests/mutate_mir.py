#!/usr/bin/env python3
"""MIR mutation property test (Python 3 standard library only).

MIR text is user input, so whatever `hakoc verify-mir` accepts must run
safely and identically on the VM and as a native executable. This script
takes the MIR of every tests/run program (the lowered form of
`hakoc check --dump-mir`, or with --form rc the reference-counted form of
`hakoc emit-mir`), applies one seeded random mutation to it (a tag, an
operand, an opcode, an immediate, a branch target, a dropped or duplicated
instruction, a phi incoming, a name with a NUL or odd bytes, main's
parameter, a method-table arity, a runtime function, a callee, a character
of the text ...), and
requires of each mutant either

  - rejection: `hakoc verify-mir` exits 1 with an `error[` diagnostic on
    stderr, no signal, no internal error, no sanitizer report; or
  - acceptance with identical behaviour: `verify-mir` exits 0 silently, and
    `hakoc run-mir` and the executable of `hakoc build -O0` give the same
    stdout, stderr and exit status, again without a signal, an internal
    error or a sanitizer report.

A mutant whose run does not end within --timeout on either side (or writes
more than the output limit) is counted as inconclusive when the other side
ended normally, and as a hang when both do. One that overflows the stack on
both sides with the same error but different output before it is counted
as a stack overflow: how deep a recursion gets depends on frame sizes,
which differ between the VM and native code. Every mutant is reproducible
alone: mutant I of seed S depends only on S and I (`--seed S --only I`), and
--keep DIR writes each failing mutant there.

Usage: mutate_mir.py --hakoc PATH [--runtime-path LIB] [--seed S] [--count N]
                     [--form lowered|rc] [-j N] [--timeout S] [--keep DIR]
                     [--programs DIR] [--only I] [-v]
The last line is `N passed, M failed`; exit status 1 when a mutant failed.
"""

import argparse
import concurrent.futures
import os
import random
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DEFAULT_COUNT = 200
OUTPUT_LIMIT = 8 << 20  # bytes a mutant may write to stdout or stderr
CRASH_MARKERS = ("internal runtime error", "internal compiler error", "AddressSanitizer", "UndefinedBehaviorSanitizer",
                 "LeakSanitizer", "runtime error: load of", "Segmentation fault", "terminate called", "Assertion")
INTERNAL_EXIT = 70
STACK_OVERFLOW = b"runtime error: Stack overflow"

# --- the tables the mutations draw from (the specification files) ----------


def read_tables():
    """Opcodes by operand letters and result letter from instructions.def, and
    runtime symbols by parameter count from runtime_calls.def."""
    ops = {}
    with open(os.path.join(ROOT, "src", "mir", "instructions.def"), encoding="utf-8") as f:
        for m in re.finditer(r'^INST\(\s*\w+,\s*"(\w+)",\s*"([^"]*)",\s*"([^"]*)"', f.read(), re.M):
            ops[m.group(1)] = (m.group(2), m.group(3))
    rts = {}
    with open(os.path.join(ROOT, "src", "mir", "runtime_calls.def"), encoding="utf-8") as f:
        for m in re.finditer(r'^RT\(\s*\w+,\s*(\w+),\s*"([^"]*)",\s*"([^"]*)"', f.read(), re.M):
            rts[m.group(1)] = (m.group(2), m.group(3))
    return ops, rts


OPS, RTS = read_tables()
VALUE_LETTERS = set("IFBSHAMCUX")


def op_shape(mnemonic):
    """Mnemonics interchangeable without a syntax error: the same result
    letter and, for value-only operands, the same count (else the same letters)."""
    letters, result = OPS[mnemonic]
    if letters and all(c in VALUE_LETTERS for c in letters):
        return ("values", len(letters), result == "-")
    return (letters, result == "-")


SHAPES = {}
for _m in OPS:
    SHAPES.setdefault(op_shape(_m), []).append(_m)

TAGS = ["Void", "Int", "Float", "Bool", "String", "Handle", "Box(ArrayBox)", "Box(MapBox)", "Box(ConsoleBox)"]
INTS = ["0", "1", "-1", "2", "7", "255", "256", "65536", "2147483648", "9223372036854775807",
        "-9223372036854775808", "4294967296"]
FLOATS = ["0.0", "-0.0", "1.5", "1e308", "inf", "-inf", "nan", "4.9e-324"]
ODD_NAMES = ['"a\\x00b"', '"\\x00"', '"\\xff\\xfe"', '"x\\ny"', '""', '"toString"', '"birth"', '"length"',
             '"push"', '"get"', '"fini"']

INST = re.compile(r"^  (?:(%\d+): (\S+) = )?([a-z_0-9]+)\b(.*)$")
VALUE = re.compile(r"%\d+")
BLOCK = re.compile(r"\bbb\d+\b")
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


class Mir:
    """The lines of one module and where its functions, blocks and
    instructions are."""

    def __init__(self, text):
        self.lines = text.split("\n")
        self.functions = []  # (header line, end line, block count, max value id)
        self.insts = []  # (line, function index)
        self.boxes = []
        current = None
        for i, line in enumerate(self.lines):
            if line.startswith("fn @"):
                current = [i, None, 0, 0]
            elif line == "}" and current is not None:
                current[1] = i
                self.functions.append(tuple(current))
                current = None
            elif current is not None:
                if re.match(r"^bb\d+:$", line):
                    current[2] += 1
                elif INST.match(line) and not line.startswith(("  scope ", "  slot ", "  loop ", "  if ")):
                    self.insts.append((i, len(self.functions)))
                for v in VALUE.findall(line):
                    current[3] = max(current[3], int(v[1:]))
            m = re.match(r"^box (\w+) \{$", line)
            if m:
                self.boxes.append(m.group(1))

    def text(self):
        return "\n".join(self.lines)


def replace_nth(pattern, line, start, choose):
    """`line` with one match of `pattern` at or after `start` replaced by
    choose(old); None when there is none."""
    found = [m for m in pattern.finditer(line) if m.start() >= start]
    if not found:
        return None
    m = random_choice_holder[0].choice(found)
    return line[:m.start()] + choose(m.group(0)) + line[m.end():]


random_choice_holder = [random.Random(0)]


def operands_start(line):
    m = INST.match(line)
    return m.start(4) if m else len(line)


# --- mutations: each returns a description, or None when it does not apply --


def mut_tag(mir, rng):
    candidates = [i for i, _ in mir.insts if INST.match(mir.lines[i]).group(2)]
    candidates += [h for h, _, _, _ in mir.functions]
    if not candidates:
        return None
    i = rng.choice(candidates)
    tags = TAGS + ["Box(%s)" % b for b in mir.boxes]
    line = mir.lines[i]
    if line.startswith("fn @"):
        spots = list(re.finditer(r"(?<=: )[A-Za-z]+(?:\([^)]*\))?|(?<=-> )[A-Za-z]+(?:\([^)]*\))?", line))
        if not spots:
            return None
        m = rng.choice(spots)
        mir.lines[i] = line[:m.start()] + rng.choice(tags) + line[m.end():]
    else:
        m = INST.match(line)
        mir.lines[i] = line[:m.start(2)] + rng.choice(tags) + line[m.end(2):]
    return "tag on line %d" % (i + 1)


def mut_swap(mir, rng):
    i, _ = rng.choice(mir.insts)
    line = mir.lines[i]
    start = operands_start(line)
    vals = [m for m in VALUE.finditer(line) if m.start() >= start]
    if len(vals) < 2:
        return None
    a, b = rng.sample(vals, 2)
    if a.start() > b.start():
        a, b = b, a
    mir.lines[i] = line[:a.start()] + b.group(0) + line[a.end():b.start()] + a.group(0) + line[b.end():]
    return "swapped operands on line %d" % (i + 1)


def mut_opcode(mir, rng):
    i, _ = rng.choice(mir.insts)
    m = INST.match(mir.lines[i])
    if m.group(3) not in OPS:
        return None
    others = [o for o in SHAPES[op_shape(m.group(3))] if o != m.group(3)]
    if not others:
        return None
    line = mir.lines[i]
    mir.lines[i] = line[:m.start(3)] + rng.choice(others) + line[m.end(3):]
    return "opcode on line %d" % (i + 1)


def mut_immediate(mir, rng):
    spots = [i for i, _ in mir.insts if INST.match(mir.lines[i]).group(3) in ("const_i", "const_b", "const_f", "keep")]
    if not spots:
        return None
    i = rng.choice(spots)
    line = mir.lines[i]
    m = INST.match(line)
    pool = FLOATS if m.group(3) == "const_f" else INTS
    imm = rng.choice(pool)
    rest = re.sub(r"^ [^ (@]+", lambda _: " " + imm, m.group(4), count=1)
    mir.lines[i] = line[:m.start(4)] + rest
    return "immediate on line %d" % (i + 1)


def mut_branch(mir, rng):
    spots = [(i, f) for i, f in mir.insts if INST.match(mir.lines[i]).group(3) in ("br", "cond_br", "phi")]
    if not spots:
        return None
    i, f = rng.choice(spots)
    blocks = mir.functions[f][2]
    line = mir.lines[i]
    new = replace_nth(BLOCK, line, operands_start(line), lambda _: "bb%d" % rng.randrange(blocks + 1))
    if new is None:
        return None
    mir.lines[i] = new
    return "block target on line %d" % (i + 1)


def mut_drop(mir, rng):
    i, _ = rng.choice(mir.insts)
    mir.lines[i] = "; dropped: " + mir.lines[i].strip()
    return "dropped line %d" % (i + 1)


def mut_duplicate(mir, rng):
    i, _ = rng.choice(mir.insts)
    mir.lines[i] = mir.lines[i] + "\n" + mir.lines[i]
    return "duplicated line %d" % (i + 1)


def mut_value(mir, rng):
    i, f = rng.choice(mir.insts)
    line = mir.lines[i]
    top = mir.functions[f][3]
    new = replace_nth(VALUE, line, operands_start(line), lambda _: "%%%d" % rng.randrange(top + 2))
    if new is None:
        return None
    mir.lines[i] = new
    return "operand value on line %d" % (i + 1)


def mut_phi(mir, rng):
    spots = [(i, f) for i, f in mir.insts if INST.match(mir.lines[i]).group(3) == "phi"]
    if not spots:
        return None
    i, f = rng.choice(spots)
    return (mut_value if rng.random() < 0.5 else mut_branch)(_Only(mir, i, f), rng) and "phi incoming on line %d" % (i + 1)


class _Only:
    """A view of `mir` with one instruction, for mutations of a chosen line."""

    def __init__(self, mir, i, f):
        self.lines = mir.lines
        self.functions = mir.functions
        self.insts = [(i, f)]
        self.boxes = mir.boxes


def mut_name(mir, rng):
    spots = [i for i, _ in mir.insts if INST.match(mir.lines[i]).group(3) in ("call_method", "get_field_h",
                                                                               "set_field_h")]
    spots += [i for i, line in enumerate(mir.lines) if line.startswith(("  field ", "  method "))]
    if not spots:
        return None
    i = rng.choice(spots)
    line = mir.lines[i]
    odd = rng.choice(ODD_NAMES)
    if line.startswith("  field "):
        mir.lines[i] = re.sub(r"^  field (weak )?\S+", lambda m: "  field " + (m.group(1) or "") + odd, line)
    elif line.startswith("  method "):
        mir.lines[i] = re.sub(r"^  method \S+?/", lambda _: "  method " + odd + "/", line)
    else:
        new = replace_nth(STRING, line, 0, lambda _: odd)
        if new is None:
            return None
        mir.lines[i] = new
    return "name on line %d" % (i + 1)


def mut_main(mir, rng):
    for i, line in enumerate(mir.lines):
        if line.startswith("fn @Main.main/"):
            if "(%0: " in line and rng.random() < 0.7:
                tag = rng.choice(TAGS + ["Box(Main)"])
                mir.lines[i] = re.sub(r"\(%0: [^)]*\)?\)", lambda _: "(%0: " + tag + ")", line, count=1)
            elif rng.random() < 0.5:
                mir.lines[i] = line.replace("()", "(%0: Box(ArrayBox))", 1).replace("main/0", "main/1")
            else:
                mir.lines[i] = re.sub(r"\(.*\) ->", "() ->", line, count=1)
            return "main's signature on line %d" % (i + 1)
    return None


def mut_arity(mir, rng):
    spots = [i for i, line in enumerate(mir.lines) if line.startswith("  method ")]
    if not spots:
        return None
    i = rng.choice(spots)
    mir.lines[i] = re.sub(r"/(\d+) =", lambda m: "/%d =" % max(0, int(m.group(1)) + rng.choice((-1, 1, 2))),
                          mir.lines[i], count=1)
    return "method arity on line %d" % (i + 1)


def mut_runtime(mir, rng):
    spots = [i for i, _ in mir.insts if INST.match(mir.lines[i]).group(3) == "call_rt"]
    if not spots:
        return None
    i = rng.choice(spots)
    line = mir.lines[i]
    m = re.search(r"call_rt (\w+)", line)
    params = RTS.get(m.group(1), ("", ""))[1]
    same = [s for s, (_, p) in RTS.items() if len(p) == len(params) and s != m.group(1)]
    pick = rng.choice(same or list(RTS))
    mir.lines[i] = line[:m.start(1)] + pick + line[m.end(1):]
    return "runtime function on line %d" % (i + 1)


def mut_callee(mir, rng):
    names = [re.match(r"fn (@\S+?)\(", mir.lines[h]).group(1) for h, _, _, _ in mir.functions]
    spots = [i for i, _ in mir.insts if INST.match(mir.lines[i]).group(3) == "call"]
    if not spots or len(names) < 2:
        return None
    i = rng.choice(spots)
    mir.lines[i] = re.sub(r"call @\S+?\(", lambda _: "call %s(" % rng.choice(names), mir.lines[i], count=1)
    return "callee on line %d" % (i + 1)


def mut_bytes(mir, rng):
    """A character deleted, repeated or replaced by a random printable one:
    the text parser's share of the mutants."""
    i = rng.randrange(len(mir.lines))
    line = mir.lines[i]
    if not line:
        return None
    k = rng.randrange(len(line))
    choice = rng.randrange(3)
    if choice == 0:
        mir.lines[i] = line[:k] + line[k + 1:]
    elif choice == 1:
        mir.lines[i] = line[:k] + line[k] + line[k:]
    else:
        mir.lines[i] = line[:k] + chr(rng.randrange(32, 127)) + line[k + 1:]
    return "character %d of line %d" % (k + 1, i + 1)


MUTATIONS = [mut_bytes, mut_tag, mut_swap, mut_opcode, mut_immediate, mut_branch, mut_drop, mut_duplicate, mut_value, mut_phi,
             mut_name, mut_main, mut_arity, mut_runtime, mut_callee]


def mutate(text, rng):
    """One mutant of `text` and what was changed."""
    for _ in range(50):
        mir = Mir(text)
        if not mir.insts:
            return None, "no instructions"
        fn = rng.choice(MUTATIONS)
        random_choice_holder[0] = rng
        what = fn(mir, rng)
        if what:
            new = mir.text()
            if new != text:
                return new, fn.__name__[4:] + ": " + what
    return None, "no mutation applied"


# --- running ------------------------------------------------------------------


class Result:
    def __init__(self, rc, out, err, timed_out=False, too_much=False):
        self.rc, self.out, self.err, self.timed_out, self.too_much = rc, out, err, timed_out, too_much

    def ended(self):
        return not self.timed_out and not self.too_much

    def broken(self):
        """Why this outcome is never acceptable: a signal, an internal error
        or a sanitizer report (None when it is an ordinary outcome, or when
        the run was cut short by the timeout or the output limit)."""
        if not self.ended():
            return None
        if self.rc is not None and self.rc < 0:
            return "killed by signal %d" % -self.rc
        if self.rc == INTERNAL_EXIT:
            return "exit status 70 (internal error)"
        text = self.err.decode("utf-8", "replace")
        for marker in CRASH_MARKERS:
            if marker in text:
                return "%r on stderr" % marker
        return None


def limit_output():
    resource.setrlimit(resource.RLIMIT_FSIZE, (OUTPUT_LIMIT, OUTPUT_LIMIT))
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)


def run(cmd, timeout, tmp):
    """Runs `cmd` with stdout and stderr in files of at most OUTPUT_LIMIT bytes."""
    out_path, err_path = os.path.join(tmp, "out"), os.path.join(tmp, "err")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        try:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, preexec_fn=limit_output,
                                 start_new_session=True)
        except OSError as e:
            return Result(None, b"", str(e).encode())
        timed_out = False
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            timed_out = True
    with open(out_path, "rb") as f:
        o = f.read()
    with open(err_path, "rb") as f:
        e = f.read()
    too_much = p.returncode == -signal.SIGXFSZ or len(o) >= OUTPUT_LIMIT or len(e) >= OUTPUT_LIMIT
    return Result(p.returncode, o, e, timed_out, too_much)


def check_mutant(index, mutant, program, args, opts):
    """(verdict, detail): verdict is rejected, identical, hang, inconclusive,
    stack-overflow or FAIL."""
    with tempfile.TemporaryDirectory(prefix="hako-mutant-") as tmp:
        path = os.path.join(tmp, "mutant.mir")
        with open(path, "w", encoding="utf-8") as f:
            f.write(mutant)
        v = run([opts.hakoc, "verify-mir", path], opts.timeout, tmp)
        if v.timed_out:
            return "FAIL", "verify-mir did not end within %gs" % opts.timeout
        if v.broken():
            return "FAIL", "verify-mir: " + v.broken()
        verr = v.err.decode("utf-8", "replace")
        if v.rc == 1:
            if "error[" not in verr:
                return "FAIL", "verify-mir exited 1 without an error[ diagnostic: %r" % verr[:200]
            return "rejected", verr.split("\n")[0]
        if v.rc != 0 or v.out or v.err:
            return "FAIL", "verify-mir: exit status %s, stdout %r, stderr %r" % (v.rc, v.out[:100], verr[:200])
        exe = os.path.join(tmp, "mutant")
        build = [opts.hakoc, "build", "-O0", path, "-o", exe]
        if opts.runtime_path:
            build += ["--runtime-path", opts.runtime_path]
        b = run(build, opts.build_timeout, tmp)
        if b.rc != 0 or b.broken():
            return "FAIL", "accepted by verify-mir, but hakoc build failed (%s): %s" % (
                b.broken() or "exit status %s" % b.rc, b.err.decode("utf-8", "replace")[:300])
        vm = run([opts.hakoc, "run-mir", path, "--"] + args, opts.timeout, tmp)
        native = run([exe] + args, opts.timeout, tmp)
        for side, r in (("VM", vm), ("native", native)):
            if r.broken():
                return "FAIL", "accepted by verify-mir, but the %s run: %s: %s" % (
                    side, r.broken(), r.err.decode("utf-8", "replace")[-300:])
        if not vm.ended() and not native.ended():
            return "hang", "neither run ended"
        if not vm.ended() or not native.ended():
            return "inconclusive", "only the %s run ended" % ("VM" if vm.ended() else "native")
        if (vm.rc, vm.err) == (native.rc, native.err) and STACK_OVERFLOW in vm.err and vm.out != native.out:
            # Both ran out of stack at the same place; how deep each got (and
            # so how much a recursion printed on its way down) is not a language
            # fact: the VM and native frames differ in size.
            return "stack-overflow", "both overflowed the stack after different output"
        if (vm.rc, vm.out, vm.err) != (native.rc, native.out, native.err):
            return "FAIL", "VM and native differ: exit %s vs %s, stdout %r vs %r, stderr %r vs %r" % (
                vm.rc, native.rc, vm.out[-120:], native.out[-120:], vm.err[-200:], native.err[-200:])
        return "identical", ""


def program_mir(path, opts):
    """The MIR text of one run program in the chosen form (None if it does
    not compile)."""
    if opts.form == "rc":
        p = subprocess.run([opts.hakoc, "emit-mir", path], stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=opts.build_timeout)
        return p.stdout.decode("utf-8") if p.returncode == 0 else None
    p = subprocess.run([opts.hakoc, "check", "--dump-mir", path], stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=opts.build_timeout)
    return p.stderr.decode("utf-8") if p.returncode == 0 else None


def program_args(text):
    """The `// args:` of a run program; None for programs whose expectations
    differ by backend (their mutants may differ as well)."""
    args = []
    for line in text.split("\n"):
        if re.search(r"//\s*(skip-backend|backend-reason)\(", line):
            return None
        m = re.search(r"//\s*args:(?: (.*))?$", line)
        if m:
            args += shlex.split(m.group(1) or "")
    return args


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--hakoc", default=os.environ.get("HAKOC", "hakoc"))
    ap.add_argument("--runtime-path", default=None, help="passed to hakoc build")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=DEFAULT_COUNT, help="mutants (default %d)" % DEFAULT_COUNT)
    ap.add_argument("--only", type=int, default=None, help="only mutant I (to reproduce a failure)")
    ap.add_argument("--form", choices=("lowered", "rc"), default="lowered",
                    help="mutate the lowered MIR (default; hakoc inserts the counts) or the rc-explicit text")
    ap.add_argument("--programs", default=os.path.join(HERE, "run"))
    ap.add_argument("-j", dest="jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=5.0, help="seconds per run (default 5)")
    ap.add_argument("--build-timeout", type=float, default=60.0)
    ap.add_argument("--keep", default=None, help="write failing mutants into this directory")
    ap.add_argument("-v", dest="verbose", action="store_true", help="one line per mutant")
    opts = ap.parse_args(argv)

    programs = []
    for name in sorted(os.listdir(opts.programs)):
        if not name.endswith(".hako"):
            continue
        path = os.path.join(opts.programs, name)
        with open(path, encoding="utf-8", errors="replace") as f:
            args = program_args(f.read())
        if args is not None:
            programs.append((path, args))
    if not programs:
        print("no programs in %s\n0 passed, 0 failed" % opts.programs)
        return 1
    texts = {}

    def one(index):
        try:
            return mutate_and_check(index)
        except Exception as e:  # a defect of this script fails the test, with its reason
            return index, "?", "FAIL", "mutate_mir.py raised %s: %s" % (type(e).__name__, e), None

    def mutate_and_check(index):
        rng = random.Random("%d/%d" % (opts.seed, index))
        path, args = rng.choice(programs)
        if path not in texts:
            texts[path] = program_mir(path, opts)
        if texts[path] is None:
            return index, path, "skipped", "does not compile", None
        mutant, what = mutate(texts[path], rng)
        if mutant is None:
            return index, path, "skipped", what, None
        verdict, detail = check_mutant(index, mutant, path, args, opts)
        return index, path, verdict, what + ("; " + detail if detail else ""), mutant

    indices = [opts.only] if opts.only is not None else list(range(opts.count))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        results = list(pool.map(one, indices))
    counts = {}
    failed = 0
    for index, path, verdict, detail, mutant in results:
        counts[verdict] = counts.get(verdict, 0) + 1
        name = "mutant %d/%d of %s" % (opts.seed, index, os.path.basename(path))
        if verdict == "FAIL":
            failed += 1
            print("FAIL %s: %s" % (name, detail))
            if opts.keep and mutant is not None:
                os.makedirs(opts.keep, exist_ok=True)
                keep = os.path.join(opts.keep, "mutant-%d-%d.mir" % (opts.seed, index))
                with open(keep, "w", encoding="utf-8") as f:
                    f.write(mutant)
                print("    kept as " + keep)
        elif opts.verbose:
            print("%s %s: %s" % (verdict, name, detail))
    print("form %s, seed %d: %s" % (opts.form, opts.seed,
                                     ", ".join("%d %s" % (n, v) for v, n in sorted(counts.items()))))
    passed = len(results) - failed - counts.get("skipped", 0)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
